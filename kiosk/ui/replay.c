/* replay: scripted, timed input against a controllable clock (see REPLAY.md).
 * Input goes straight into the widget layer with the script's timestamps
 * (SDL_PushEvent would overwrite them), so a replay never waits for real. */
#include "replay.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLAY_MAX_LINE 1024
#define REPLAY_TAP_MS 80
#define REPLAY_MOVE_MS 16

typedef enum ReplayOp {
    OP_WAIT,
    OP_TAP,
    OP_HOLD,
    OP_DRAG,
    OP_SCROLL,
    OP_REVEAL,
    OP_TYPE,
    OP_KEYS,
    OP_KEY,
    OP_SIGN,
    OP_CLOSE_WINDOW,
    OP_SNAPSHOT,
    OP_DUMP,
    OP_VARIANTS,
    OP_EXPECT_SCREEN,
    OP_EXPECT_TEXT,
    OP_EXPECT_NO_TEXT,
    OP_EXPECT_WIDGET,
    OP_EXPECT_NO_WIDGET,
} ReplayOp;

typedef struct ReplayStep {
    ReplayOp op;
    int line;
    char target[128]; /* widget ID (without @), or empty for coordinates */
    char arg[REPLAY_MAX_LINE];
    double v[5];
} ReplayStep;

struct Replay {
    char *path;
    ReplayStep *steps;
    int n, cap;
};

static const char *
replay_skip(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* A token, or a "quoted string" with \" and \\ escapes. */
static const char *
replay_token(const char *p, char *out, size_t cap, bool *ok)
{
    size_t n = 0;

    p = replay_skip(p);
    *ok = true;
    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                p++;
            if (n + 1 < cap)
                out[n++] = *p;
            p++;
        }
        if (*p != '"')
            *ok = false;
        else
            p++;
    } else {
        while (*p && *p != ' ' && *p != '\t') {
            if (n + 1 < cap)
                out[n++] = *p;
            p++;
        }
    }
    out[n] = '\0';
    return p;
}

static bool
replay_number(const char *s, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    return *s && *end == '\0' && errno == 0 && isfinite(*out);
}

/* "Shift+Alt+F4" → the key name after the modifiers ("F4"); *mods their SDL flags. */
static const char *
replay_key_mods(const char *name, SDL_Keymod *mods)
{
    static const struct {
        const char *prefix;
        SDL_Keymod mod;
    } pre[] = {{"Shift+", KMOD_LSHIFT}, {"Alt+", KMOD_LALT}, {"Ctrl+", KMOD_LCTRL}};
    SDL_Keymod m = KMOD_NONE;

    for (bool more = true; more;) {
        more = false;
        for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
            if (strncmp(name, pre[i].prefix, strlen(pre[i].prefix)) == 0 &&
                name[strlen(pre[i].prefix)] != '\0') {
                m |= pre[i].mod;
                name += strlen(pre[i].prefix);
                more = true;
            }
    }
    if (mods != NULL)
        *mods = m;
    return name;
}

static CkErr
replay_bad(const Replay *r, int line, const char *why)
{
    return ck_err(CK_ERR_FORMAT, "%s:%d: %s", r->path, line, why);
}

/* Parses "@id" or "X Y" (relative 0..1) into the step. */
static const char *
replay_point(const Replay *r, ReplayStep *st, const char *p, int idx, CkErr *err)
{
    char a[128], b[64];
    bool ok;

    p = replay_token(p, a, sizeof a, &ok);
    if (a[0] == '@') {
        if (a[1] == '\0') {
            *err = replay_bad(r, st->line, "empty widget ID after @");
            return p;
        }
        snprintf(st->target, sizeof st->target, "%s", a + 1);
        return p;
    }
    p = replay_token(p, b, sizeof b, &ok);
    if (!replay_number(a, &st->v[idx]) || !replay_number(b, &st->v[idx + 1]) || st->v[idx] < 0 ||
        st->v[idx] > 1 || st->v[idx + 1] < 0 || st->v[idx + 1] > 1)
        *err = replay_bad(r, st->line, "expected @widget-id or two relative coordinates 0..1");
    return p;
}

static CkErr
replay_parse_line(Replay *r, ReplayStep *st, const char *line)
{
    char cmd[32], tok[REPLAY_MAX_LINE];
    const char *p;
    bool ok;
    CkErr err = CK_OK;

    p = replay_token(line, cmd, sizeof cmd, &ok);
    if (strcmp(cmd, "wait") == 0) {
        st->op = OP_WAIT;
        p = replay_token(p, tok, sizeof tok, &ok);
        if (!replay_number(tok, &st->v[0]) || st->v[0] < 0 || st->v[0] > 86400000)
            return replay_bad(r, st->line, "wait needs milliseconds (0..86400000)");
    } else if (strcmp(cmd, "tap") == 0) {
        st->op = OP_TAP;
        p = replay_point(r, st, p, 0, &err);
    } else if (strcmp(cmd, "hold") == 0) {
        st->op = OP_HOLD;
        p = replay_point(r, st, p, 0, &err);
        p = replay_token(p, tok, sizeof tok, &ok);
        if (err == CK_OK && (!replay_number(tok, &st->v[2]) || st->v[2] < 0))
            return replay_bad(r, st->line, "hold needs a duration in milliseconds");
    } else if (strcmp(cmd, "drag") == 0) {
        st->op = OP_DRAG;
        for (int i = 0; i < 5 && err == CK_OK; i++) {
            p = replay_token(p, tok, sizeof tok, &ok);
            if (!replay_number(tok, &st->v[i]) || st->v[i] < 0 || (i < 4 && st->v[i] > 1))
                err = replay_bad(r, st->line, "drag needs X1 Y1 X2 Y2 (0..1) and milliseconds");
        }
    } else if (strcmp(cmd, "reveal") == 0) {
        st->op = OP_REVEAL;
        p = replay_token(p, tok, sizeof tok, &ok);
        if (tok[0] != '@' || tok[1] == '\0')
            return replay_bad(r, st->line, "reveal needs @widget-id");
        snprintf(st->target, sizeof st->target, "%.127s", tok + 1);
    } else if (strcmp(cmd, "scroll") == 0) {
        st->op = OP_SCROLL;
        p = replay_token(p, tok, sizeof tok, &ok);
        if (tok[0] != '@' || tok[1] == '\0')
            return replay_bad(r, st->line, "scroll needs @view-id");
        snprintf(st->target, sizeof st->target, "%.127s", tok + 1);
        p = replay_token(p, tok, sizeof tok, &ok);
        if (strcmp(tok, "end") == 0)
            st->v[0] = -1;
        else if (!replay_number(tok, &st->v[0]) || st->v[0] < 0)
            return replay_bad(r, st->line, "scroll needs \"end\" or a position in pixels");
    } else if (strcmp(cmd, "type") == 0 || strcmp(cmd, "keys") == 0 ||
               strcmp(cmd, "expect-text") == 0 || strcmp(cmd, "expect-no-text") == 0) {
        st->op = cmd[0] == 't'                     ? OP_TYPE
                 : cmd[0] == 'k'                   ? OP_KEYS
                 : strcmp(cmd, "expect-text") == 0 ? OP_EXPECT_TEXT
                                                   : OP_EXPECT_NO_TEXT;
        p = replay_skip(p);
        if (*p != '"')
            return replay_bad(r, st->line, "expected a \"quoted string\"");
        p = replay_token(p, st->arg, sizeof st->arg, &ok);
        if (!ok)
            return replay_bad(r, st->line, "unterminated string");
    } else if (strcmp(cmd, "key") == 0) {
        st->op = OP_KEY;
        p = replay_token(p, st->arg, sizeof st->arg, &ok);
        if (SDL_GetKeyFromName(replay_key_mods(st->arg, NULL)) == SDLK_UNKNOWN)
            return replay_bad(r, st->line, "unknown key name (SDL key names: Tab, Return, Up...)");
    } else if (strcmp(cmd, "close-window") == 0) {
        st->op = OP_CLOSE_WINDOW;
    } else if (strcmp(cmd, "sign") == 0) {
        st->op = OP_SIGN;
    } else if (strcmp(cmd, "snapshot") == 0 || strcmp(cmd, "dump-layout") == 0) {
        st->op = cmd[0] == 's' ? OP_SNAPSHOT : OP_DUMP;
        p = replay_token(p, st->arg, sizeof st->arg, &ok);
        if (st->arg[0] == '\0')
            return replay_bad(r, st->line, "needs a name");
        if (st->op == OP_SNAPSHOT && strpbrk(st->arg, "/\\") != NULL)
            return replay_bad(r, st->line, "a snapshot name is a plain name (no folders)");
    } else if (strcmp(cmd, "variants") == 0) {
        /* variants NAME [png PERCENT normal|high]: a layout dump (and, for
         * that text size and contrast, a snapshot) in every variant. */
        st->op = OP_VARIANTS;
        p = replay_token(p, st->arg, sizeof st->arg, &ok);
        if (st->arg[0] == '\0' || strpbrk(st->arg, "/\\@") != NULL)
            return replay_bad(r, st->line, "variants needs a plain name");
        p = replay_token(p, tok, sizeof tok, &ok);
        if (strcmp(tok, "png") == 0) {
            p = replay_token(p, tok, sizeof tok, &ok);
            if (!replay_number(tok, &st->v[0]) ||
                (st->v[0] != 100 && st->v[0] != 125 && st->v[0] != 150))
                return replay_bad(r, st->line, "variants png needs 100, 125 or 150");
            p = replay_token(p, tok, sizeof tok, &ok);
            if (strcmp(tok, "normal") != 0 && strcmp(tok, "high") != 0)
                return replay_bad(r, st->line, "variants png needs normal or high");
            st->v[1] = strcmp(tok, "high") == 0;
        } else if (tok[0] != '\0') {
            return replay_bad(r, st->line, "variants NAME [png PERCENT normal|high]");
        }
    } else if (strcmp(cmd, "expect") == 0) {
        p = replay_token(p, tok, sizeof tok, &ok);
        if (strcmp(tok, "screen") != 0)
            return replay_bad(r, st->line, "expect what? (expect screen NAME)");
        st->op = OP_EXPECT_SCREEN;
        p = replay_token(p, st->arg, sizeof st->arg, &ok);
        if (st->arg[0] == '\0')
            return replay_bad(r, st->line, "expect screen needs a screen name");
    } else if (strcmp(cmd, "expect-widget") == 0 || strcmp(cmd, "expect-no-widget") == 0) {
        st->op = strcmp(cmd, "expect-widget") == 0 ? OP_EXPECT_WIDGET : OP_EXPECT_NO_WIDGET;
        p = replay_token(p, tok, sizeof tok, &ok);
        if (tok[0] != '@' || tok[1] == '\0')
            return replay_bad(r, st->line, "needs @widget-id");
        snprintf(st->target, sizeof st->target, "%.127s", tok + 1);
        p = replay_token(p, st->arg, sizeof st->arg, &ok); /* optional state words */
    } else {
        snprintf(tok, sizeof tok, "unknown command \"%.40s\"", cmd);
        return replay_bad(r, st->line, tok);
    }
    if (err != CK_OK)
        return err;
    if (*replay_skip(p) != '\0')
        return replay_bad(r, st->line, "unexpected text after the command");
    return CK_OK;
}

CkErr
replay_load(const char *path, Replay **out)
{
    FILE *f = fopen(path, "r");
    char line[REPLAY_MAX_LINE + 2];
    Replay *r;
    CkErr err = CK_OK;
    int no = 0;

    *out = NULL;
    if (f == NULL)
        return ck_err(CK_ERR_IO, "%s: %s", path, strerror(errno));
    if ((r = calloc(1, sizeof *r)) == NULL || (r->path = strdup(path)) == NULL) {
        free(r);
        fclose(f);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    while (fgets(line, sizeof line, f) != NULL) {
        no++;
        size_t n = strlen(line);
        if (n > REPLAY_MAX_LINE) {
            err = replay_bad(r, no, "line too long");
            goto out;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        const char *p = replay_skip(line);
        if (*p == '\0' || *p == '#')
            continue;
        if (r->n == r->cap) {
            int ncap = r->cap ? r->cap * 2 : 64;
            ReplayStep *ns = realloc(r->steps, sizeof *ns * (size_t)ncap);
            if (ns == NULL) {
                err = ck_err(CK_ERR_NOMEM, "out of memory");
                goto out;
            }
            r->steps = ns;
            r->cap = ncap;
        }
        ReplayStep *st = &r->steps[r->n];
        memset(st, 0, sizeof *st);
        st->line = no;
        if ((err = replay_parse_line(r, st, p)) != CK_OK)
            goto out;
        r->n++;
    }
out:
    fclose(f);
    if (err != CK_OK) {
        replay_free(r);
        return err;
    }
    *out = r;
    return CK_OK;
}

void
replay_free(Replay *r)
{
    if (r == NULL)
        return;
    free(r->steps);
    free(r->path);
    free(r);
}

/* ---- running ---- */

static void
replay_advance(const ReplayHost *h, uint64_t ms)
{
    /* Time passes in small steps so that timers and animations see it. */
    while (ms > 0) {
        uint64_t step = ms > 100 ? 100 : ms;
        *h->clock_ms += step;
        ms -= step;
        h->settle(h->ctx);
        if (h->done(h->ctx))
            return;
    }
}

/* Input goes the way the window's would: through the host's filter (the
 * kiosk's lock-down) when it has one. */
static void
replay_deliver(const ReplayHost *h, const SDL_Event *e)
{
    if (h->event != NULL)
        h->event(h->ctx, e);
    else
        ui_push_event(h->ui, e, *h->clock_ms);
}

static void
replay_push(const ReplayHost *h, Uint32 type, float x, float y)
{
    SDL_Event e;

    memset(&e, 0, sizeof e);
    e.type = type;
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = 1;
    e.tfinger.x = x / (float)h->width;
    e.tfinger.y = y / (float)h->height;
    e.tfinger.pressure = 1.0f;
    replay_deliver(h, &e);
    h->settle(h->ctx);
}

static int __attribute__((format(printf, 3, 4)))
replay_fail(const Replay *r, const ReplayStep *st, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%d: ", r->path, st->line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

/* The point to press: a widget's centre, or relative coordinates. */
static bool
replay_where(const ReplayHost *h, const ReplayStep *st, float *x, float *y)
{
    if (st->target[0] != '\0') {
        const UiWidget *w = ui_widget_find(h->ui, st->target);
        if (w == NULL || w->rect.w <= 0 || w->rect.h <= 0)
            return false;
        *x = (float)w->rect.x + (float)w->rect.w / 2;
        *y = (float)w->rect.y + (float)w->rect.h / 2;
        return true;
    }
    *x = (float)(st->v[0] * h->width);
    *y = (float)(st->v[1] * h->height);
    return true;
}

/* A plausible handwritten signature across the pad: three strokes of a
 * cursive name and an underline, sampled every 16 ms. */
static void
replay_sign(const ReplayHost *h, SDL_Rect pad)
{
    const float ox = (float)pad.x + (float)pad.w * 0.12f, oy = (float)pad.y + (float)pad.h * 0.55f;
    const float sx = (float)pad.w * 0.7f, sy = (float)pad.h * 0.22f;

    for (int stroke = 0; stroke < 3; stroke++) {
        int n = stroke == 2 ? 24 : 48;
        for (int i = 0; i <= n; i++) {
            float t = (float)i / (float)n, x, y;
            if (stroke == 0) { /* a loop and waves */
                x = t * 0.45f;
                y = -sinf(t * 6.283f * 3.0f) * (0.6f + 0.4f * cosf(t * 3.1f)) * 0.9f;
            } else if (stroke == 1) {
                x = 0.5f + t * 0.45f;
                y = -sinf(t * 6.283f * 2.5f + 0.8f) * 0.7f - t * 0.2f;
            } else { /* underline */
                x = 0.05f + t * 0.9f;
                y = 1.25f + 0.1f * sinf(t * 3.1f);
            }
            float px = ox + x * sx, py = oy + y * sy;
            replay_push(h,
                        i == 0   ? SDL_FINGERDOWN
                        : i == n ? SDL_FINGERUP
                                 : SDL_FINGERMOTION,
                        px, py);
            *h->clock_ms += REPLAY_MOVE_MS;
        }
        replay_advance(h, 250);
    }
}

static void
replay_key(const ReplayHost *h, const char *name)
{
    SDL_Event e;
    SDL_Keymod mods;
    const char *key = replay_key_mods(name, &mods);

    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = SDL_GetKeyFromName(key);
    e.key.keysym.scancode = SDL_GetScancodeFromKey(e.key.keysym.sym);
    e.key.keysym.mod = (Uint16)mods;
    replay_deliver(h, &e);
    e.type = SDL_KEYUP;
    e.key.state = SDL_RELEASED;
    replay_deliver(h, &e);
    h->settle(h->ctx);
}

static char *
replay_path(const char *dir, const char *name)
{
    size_t n = (dir ? strlen(dir) : 0) + strlen(name) + 8;
    char *p = malloc(n);

    if (p == NULL)
        return NULL;
    if (dir == NULL || name[0] == '/')
        snprintf(p, n, "%s", name);
    else
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Writes the layout dump of what is on screen to path. */
static int
replay_dump(const Replay *r, const ReplayStep *st, const ReplayHost *h, const char *path)
{
    FILE *f = fopen(path, "w");

    if (f == NULL) {
        fprintf(stderr, "%s:%d: %s: %s\n", r->path, st->line, path, strerror(errno));
        return 2;
    }
    fprintf(f, "# screen %s\n", h->screen(h->ctx));
    if (h->language != NULL)
        fprintf(f, "#language\t%s\n", h->language(h->ctx));
    ui_dump_layout(h->ui, f);
    if (fclose(f) != 0) {
        fprintf(stderr, "%s:%d: %s: %s\n", r->path, st->line, path, strerror(errno));
        return 2;
    }
    return 0;
}

/* The screen as it is, in every UI language x text size x contrast:
 * DIR/NAME@LANG-PERCENT-normal|high.tsv, and the .png of the variants the
 * step asks for. The settings are put back afterwards. */
static int
replay_variants(const Replay *r, const ReplayStep *st, const ReplayHost *h, const char *snap_dir)
{
    static const int sizes[] = {100, 125, 150};
    const Theme *th = ui_theme(h->ui);
    char lang0[16];
    int pct0 = th->text_percent, rc = 0;
    bool hc0 = th->high_contrast;

    if (snap_dir == NULL || h->settings == NULL || h->language == NULL)
        return 0;
    snprintf(lang0, sizeof lang0, "%s", h->language(h->ctx));
    for (size_t li = 0; li < h->n_languages && rc == 0; li++)
        for (int si = 0; si < 3 && rc == 0; si++)
            for (int hc = 0; hc < 2 && rc == 0; hc++) {
                char name[REPLAY_MAX_LINE + 64];
                h->settings(h->ctx, h->languages[li], sizes[si], hc);
                snprintf(name, sizeof name, "%s@%s-%d-%s.tsv", st->arg, h->languages[li], sizes[si],
                         hc ? "high" : "normal");
                char *path = replay_path(snap_dir, name);
                rc = path ? replay_dump(r, st, h, path) : 2;
                free(path);
                if (rc == 0 && st->v[0] == sizes[si] && (int)st->v[1] == hc) {
                    snprintf(name, sizeof name, "%s@%s-%d-%s.png", st->arg, h->languages[li],
                             sizes[si], hc ? "high" : "normal");
                    path = replay_path(snap_dir, name);
                    CkErr e = path ? h->snapshot(h->ctx, path) : CK_ERR_NOMEM;
                    free(path);
                    if (e != CK_OK) {
                        fprintf(stderr, "%s:%d: %s\n", r->path, st->line, ck_err_detail());
                        rc = 2;
                    }
                }
            }
    h->settings(h->ctx, lang0, pct0, hc0);
    return rc;
}

int
replay_run(Replay *r, const ReplayHost *h, const char *snap_dir)
{
    h->settle(h->ctx);
    for (int i = 0; i < r->n && !h->done(h->ctx); i++) {
        const ReplayStep *st = &r->steps[i];
        float x = 0, y = 0;

        switch (st->op) {
        case OP_WAIT:
            replay_advance(h, (uint64_t)st->v[0]);
            break;
        case OP_TAP:
        case OP_HOLD:
            if (!replay_where(h, st, &x, &y))
                return replay_fail(r, st, "no widget \"%s\" on screen %s", st->target,
                                   h->screen(h->ctx));
            replay_push(h, SDL_FINGERDOWN, x, y);
            replay_advance(h, st->op == OP_TAP ? REPLAY_TAP_MS : (uint64_t)st->v[2]);
            replay_push(h, SDL_FINGERUP, x, y);
            replay_advance(h, 50);
            break;
        case OP_DRAG: {
            int steps = (int)(st->v[4] / REPLAY_MOVE_MS);
            steps = steps < 1 ? 1 : steps;
            float x0 = (float)(st->v[0] * h->width), y0 = (float)(st->v[1] * h->height);
            float x1 = (float)(st->v[2] * h->width), y1 = (float)(st->v[3] * h->height);
            replay_push(h, SDL_FINGERDOWN, x0, y0);
            for (int k = 1; k <= steps; k++) {
                *h->clock_ms += REPLAY_MOVE_MS;
                float t = (float)k / (float)steps;
                replay_push(h, k == steps ? SDL_FINGERUP : SDL_FINGERMOTION, x0 + (x1 - x0) * t,
                            y0 + (y1 - y0) * t);
            }
            replay_advance(h, 50);
            break;
        }
        case OP_CLOSE_WINDOW: {
            /* What the window manager sends for its close button or Alt+F4. */
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_WINDOWEVENT;
            e.window.event = SDL_WINDOWEVENT_CLOSE;
            replay_deliver(h, &e);
            memset(&e, 0, sizeof e);
            e.type = SDL_QUIT;
            replay_deliver(h, &e);
            replay_advance(h, 50);
            break;
        }
        case OP_REVEAL:
            if (!ui_reveal(h->ui, st->target))
                return replay_fail(r, st, "no widget \"%s\" on screen %s", st->target,
                                   h->screen(h->ctx));
            h->settle(h->ctx);
            break;
        case OP_SCROLL:
            if (!ui_scroll_to(h->ui, st->target, (int)st->v[0]))
                return replay_fail(r, st, "no scroll view \"%s\" on screen %s", st->target,
                                   h->screen(h->ctx));
            h->settle(h->ctx);
            break;
        case OP_TYPE:
            /* As SDL delivers long input: events of at most 31 bytes, each
             * cut at a character boundary, one frame each. */
            for (const char *p = st->arg; *p;) {
                SDL_Event e;
                size_t n = strlen(p), cap = sizeof e.text.text - 1;
                if (n > cap) {
                    n = cap;
                    while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
                        n--;
                }
                memset(&e, 0, sizeof e);
                e.type = SDL_TEXTINPUT;
                memcpy(e.text.text, p, n);
                ui_push_event(h->ui, &e, *h->clock_ms);
                h->settle(h->ctx);
                p += n;
            }
            break;
        case OP_KEYS:
            /* Taps the on-screen keys: "key-<character>" (space: key-space). */
            for (const char *p = st->arg; *p;) {
                char id[UI_ID_MAX], ch[8];
                size_t n = 1;
                while ((p[n] & 0xC0) == 0x80)
                    n++;
                snprintf(ch, sizeof ch, "%.*s", (int)n, p);
                snprintf(id, sizeof id, "key-%s", *p == ' ' ? "space" : ch);
                if (*p >= 'A' && *p <= 'Z')
                    id[4] = (char)(*p + 32);
                const UiWidget *w = ui_widget_find(h->ui, id);
                if (w == NULL)
                    return replay_fail(r, st, "no on-screen key \"%s\" on screen %s", id,
                                       h->screen(h->ctx));
                /* A capital the keyboard does not show: Shift first, as a
                 * person would (Shift is one-shot). */
                const UiWidget *sh = ui_widget_find(h->ui, "key-shift");
                if (*p >= 'A' && *p <= 'Z' && w->label[0] != *p && sh != NULL) {
                    float sx = (float)sh->rect.x + (float)sh->rect.w / 2;
                    float sy = (float)sh->rect.y + (float)sh->rect.h / 2;
                    replay_push(h, SDL_FINGERDOWN, sx, sy);
                    replay_advance(h, REPLAY_TAP_MS);
                    replay_push(h, SDL_FINGERUP, sx, sy);
                    replay_advance(h, 40);
                    if ((w = ui_widget_find(h->ui, id)) == NULL)
                        return replay_fail(r, st, "no on-screen key \"%s\"", id);
                }
                x = (float)w->rect.x + (float)w->rect.w / 2;
                y = (float)w->rect.y + (float)w->rect.h / 2;
                replay_push(h, SDL_FINGERDOWN, x, y);
                replay_advance(h, REPLAY_TAP_MS);
                replay_push(h, SDL_FINGERUP, x, y);
                replay_advance(h, 40);
                p += n;
            }
            break;
        case OP_KEY:
            replay_key(h, st->arg);
            replay_advance(h, 40);
            break;
        case OP_SIGN: {
            const UiWidget *w = ui_widget_find(h->ui, "sign-pad");
            if (w == NULL)
                return replay_fail(r, st, "no signature pad on screen %s", h->screen(h->ctx));
            replay_sign(h, w->rect);
            break;
        }
        case OP_SNAPSHOT: {
            if (snap_dir == NULL)
                break;
            char name[REPLAY_MAX_LINE + 8];
            snprintf(name, sizeof name, "%s.png", st->arg);
            char *path = replay_path(snap_dir, name);
            CkErr e = path ? h->snapshot(h->ctx, path) : CK_ERR_NOMEM;
            free(path);
            if (e != CK_OK) {
                fprintf(stderr, "%s:%d: %s\n", r->path, st->line, ck_err_detail());
                return 2;
            }
            break;
        }
        case OP_DUMP: {
            /* Like snapshots, relative dumps go only to a snapshot folder. */
            if (snap_dir == NULL && st->arg[0] != '/')
                break;
            char *path = replay_path(snap_dir, st->arg);
            int rc = path ? replay_dump(r, st, h, path) : 2;
            free(path);
            if (rc != 0)
                return rc;
            break;
        }
        case OP_VARIANTS: {
            int rc = replay_variants(r, st, h, snap_dir);
            if (rc != 0)
                return rc;
            break;
        }
        case OP_EXPECT_SCREEN:
            if (strcmp(h->screen(h->ctx), st->arg) != 0)
                return replay_fail(r, st, "expected screen %s, but it is %s", st->arg,
                                   h->screen(h->ctx));
            break;
        case OP_EXPECT_TEXT:
        case OP_EXPECT_NO_TEXT: {
            bool has = text_frame_contains(h->text, st->arg);
            if (has != (st->op == OP_EXPECT_TEXT))
                return replay_fail(r, st, "text \"%s\" is %son screen", st->arg, has ? "" : "not ");
            break;
        }
        case OP_EXPECT_WIDGET:
        case OP_EXPECT_NO_WIDGET: {
            const UiWidget *w = ui_widget_find(h->ui, st->target);
            char words[64];
            if (st->op == OP_EXPECT_NO_WIDGET) {
                if (w != NULL)
                    return replay_fail(r, st, "widget \"%s\" is on screen %s", st->target,
                                       h->screen(h->ctx));
                break;
            }
            if (w == NULL)
                return replay_fail(r, st, "no widget \"%s\" on screen %s", st->target,
                                   h->screen(h->ctx));
            ui_state_words(w->state, words);
            /* Each comma-separated word asked for must be in the state. */
            char want[REPLAY_MAX_LINE];
            snprintf(want, sizeof want, "%s", st->arg);
            for (char *tok = strtok(want, ","); tok != NULL; tok = strtok(NULL, ",")) {
                bool neg = tok[0] == '!';
                bool has = strstr(words, neg ? tok + 1 : tok) != NULL;
                if (has == neg)
                    return replay_fail(r, st, "widget state is \"%s\", expected \"%s\"", words,
                                       st->arg);
            }
            break;
        }
        }
    }
    return 0;
}
