/* screens: one draw function per flow screen. A screen reads the FlowView and
 * queues flow events; the queue is handed to the flow after the frame, so no
 * view pointer is used after the flow changed. No flow logic lives here: what
 * is enabled, what is next and what is an error all come from the view. */
#include "screens.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "osk.h"
#include "qr.h"
#include "sigpad.h"

#define SCR_MAX_EVENTS 2048

typedef struct ScrEvent {
    FlowEvent ev;
    char text[32];
    bool has_text;
} ScrEvent;

struct Screens {
    SDL_Renderer *r;
    Ui *ui;
    Theme *th;
    Text *text;
    Draw *draw;
    const char *strings_dir;
    const char *const *languages;
    size_t n_languages;
    I18n *i18n;
    char lang[8];

    Sigpad *pad;
    Osk osk;
    FlowField osk_field;
    FlowScreen osk_screen;

    SDL_Texture *qr;
    int qr_modules;
    char qr_serial[64];

    SDL_Texture *dim; /* the screen under the idle warning, dimmed once */
    int dim_w, dim_h;

    unsigned wipe_seen;
    bool wipe_init;
    char read_key[160];
    int read_offset;
    bool read_end_sent;  /* FLOW_EV_SECTION_END sent for read_key */
    bool confirm_cancel; /* "Cancel and erase" was tapped: ask before erasing */
    bool raster_off;     /* lay frames out without drawing pixels (replays) */
    FlowScreen confirm_screen;
    FlowScreen screen;
    bool demo;

    /* the admin screen's plugin lists (borrowed from the app) */
    const char *const *admin_loaded, *const *admin_refused;
    size_t n_admin_loaded, n_admin_refused;

    ScrEvent *q;
    int nq;

    /* frame geometry */
    int W, H, bar_h, margin, col_x, col_w, foot_y, btn_h, gap;
};

/* ---------- events ---------- */

static void
scr_emit(Screens *s, FlowEventType type, int index)
{
    if (s->nq == SCR_MAX_EVENTS)
        return;
    ScrEvent *e = &s->q[s->nq++];
    memset(e, 0, sizeof *e);
    e->ev.type = type;
    e->ev.index = index;
}

static void
scr_emit_text(Screens *s, FlowEventType type, const char *text)
{
    if (s->nq == SCR_MAX_EVENTS)
        return;
    ScrEvent *e = &s->q[s->nq++];
    memset(e, 0, sizeof *e);
    e->ev.type = type;
    snprintf(e->text, sizeof e->text, "%s", text);
    e->has_text = true;
}

static void
scr_emit_ev(void *ctx, const FlowEvent *ev)
{
    Screens *s = ctx;

    if (s->nq < SCR_MAX_EVENTS) {
        memset(&s->q[s->nq], 0, sizeof s->q[s->nq]);
        s->q[s->nq++].ev = *ev;
    }
}

/* ---------- strings ---------- */

static const char *
tr(const Screens *s, const char *key)
{
    return i18n_get(s->i18n, key);
}

/* tr() with {name} placeholders filled; the result lives in buf. */
static const char *
trf(const Screens *s, const char *key, char *buf, size_t cap, size_t n, const char *const *names,
    const char *const *values)
{
    i18n_expand(tr(s, key), names, values, n, buf, cap);
    return buf;
}

static const char *
scr_lang_name_builtin(const char *code)
{
    static const struct {
        const char *code, *name;
    } names[] = {
        {"en", "English"},
        {"fr", "Fran\xC3\xA7"
               "ais"},
        {"nb", "Norsk bokm\xC3\xA5l"},
        {"el", "\xCE\x95\xCE\xBB\xCE\xBB\xCE\xB7\xCE\xBD\xCE\xB9\xCE\xBA\xCE\xAC"},
        {"bg", "\xD0\x91\xD1\x8A\xD0\xBB\xD0\xB3\xD0\xB0\xD1\x80\xD1\x81\xD0\xBA\xD0\xB8"},
        {"de", "Deutsch"},
        {"nl", "Nederlands"},
        {"pl", "Polski"},
        {"es", "Espa\xC3\xB1ol"},
        {"it", "Italiano"},
        {"uk", "\xD0\xA3\xD0\xBA\xD1\x80\xD0\xB0\xD1\x97\xD0\xBD\xD1\x81\xD1\x8C\xD0\xBA\xD0\xB0"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].code, code) == 0)
            return names[i].name;
    return code;
}

/* A language in its own name: the strings file's "language.<code>", else a
 * built-in list of endonyms, else the code. */
static const char *
scr_lang_name(const Screens *s, const char *code)
{
    char key[32];

    snprintf(key, sizeof key, "language.%s", code);
    const char *v = tr(s, key);
    return strcmp(v, key) != 0 ? v : scr_lang_name_builtin(code);
}

static void
scr_sync_language(Screens *s, const char *lang)
{
    if (lang == NULL || strcmp(lang, s->lang) == 0)
        return;
    I18n *n = NULL;
    if (i18n_load(s->strings_dir, lang, &n) != CK_OK) {
        /* A language without UI strings still gets English ones. */
        if (i18n_load(s->strings_dir, "en", &n) != CK_OK)
            return;
    }
    i18n_free(s->i18n);
    s->i18n = n;
    snprintf(s->lang, sizeof s->lang, "%s", lang);
}

CkErr
screens_create(SDL_Renderer *r, Ui *ui, const char *strings_dir, const char *const *languages,
               size_t n_languages, Screens **out)
{
    Screens *s;
    CkErr err;

    *out = NULL;
    if ((s = calloc(1, sizeof *s)) == NULL)
        return ck_err(CK_ERR_NOMEM, "screens: out of memory");
    s->r = r;
    s->ui = ui;
    s->th = ui_theme(ui);
    s->text = ui_text(ui);
    s->draw = ui_draw(ui);
    s->strings_dir = strings_dir;
    s->languages = languages;
    s->n_languages = n_languages;
    if ((err = i18n_load(strings_dir, n_languages > 0 ? languages[0] : "en", &s->i18n)) != CK_OK)
        goto fail;
    snprintf(s->lang, sizeof s->lang, "%s", i18n_language(s->i18n));
    s->q = calloc(SCR_MAX_EVENTS, sizeof *s->q);
    s->pad = sigpad_create(r);
    if (s->q == NULL || s->pad == NULL) {
        err = ck_err(CK_ERR_NOMEM, "screens: out of memory");
        goto fail;
    }
    *out = s;
    return CK_OK;
fail:
    screens_destroy(s);
    return err;
}

static void
scr_forget_personal(Screens *s)
{
    sigpad_clear(s->pad);
    if (s->qr != NULL)
        SDL_DestroyTexture(s->qr);
    s->qr = NULL;
    sodium_memzero(s->qr_serial, sizeof s->qr_serial);
    if (s->dim != NULL)
        SDL_DestroyTexture(s->dim);
    s->dim = NULL;
    text_purge(s->text);
    osk_reset(&s->osk, OSK_LETTERS, false);
    s->osk_field = FLOW_FIELD_NONE;
    s->read_key[0] = '\0';
    ui_reset(s->ui);
}

void
screens_destroy(Screens *s)
{
    if (s == NULL)
        return;
    if (s->pad != NULL)
        scr_forget_personal(s);
    sigpad_destroy(s->pad);
    if (s->q != NULL) {
        sodium_memzero(s->q, sizeof *s->q * SCR_MAX_EVENTS);
        free(s->q);
    }
    i18n_free(s->i18n);
    free(s);
}

void
screens_set_admin_report(Screens *s, const char *const *loaded, size_t n_loaded,
                         const char *const *refused, size_t n_refused)
{
    s->admin_loaded = loaded;
    s->n_admin_loaded = n_loaded;
    s->admin_refused = refused;
    s->n_admin_refused = n_refused;
}

void
screens_set_rasterise(Screens *s, bool on)
{
    /* The dimmed copy under a modal was read back from the screen: made
     * while nothing was drawn, it holds nothing. */
    if (on && s->raster_off && s->dim != NULL) {
        SDL_DestroyTexture(s->dim);
        s->dim = NULL;
    }
    s->raster_off = !on;
}

void
screens_set_demo(Screens *s, bool demo)
{
    s->demo = demo;
}

const char *
screens_current(const Screens *s)
{
    return flow_screen_name(s->screen);
}

/* ---------- layout helpers ---------- */

static int
mm(const Screens *s, float v)
{
    return theme_mm(s->th, v);
}

static int
fpx(const Screens *s, ThemeFont f)
{
    return theme_font_px(s->th, f);
}

static void
scr_geometry(Screens *s)
{
    s->W = s->th->width;
    s->H = s->th->height;
    s->bar_h = mm(s, 17);
    s->gap = mm(s, 4);
    s->btn_h = mm(s, 18);
    s->margin = mm(s, 10);
    int maxw = mm(s, 320);
    s->col_w = s->W - 2 * s->margin < maxw ? s->W - 2 * s->margin : maxw;
    s->col_x = (s->W - s->col_w) / 2;
    s->foot_y = s->H - s->btn_h - mm(s, 7);
}

static int
scr_heading(Screens *s, const char *eyebrow, const char *title, int y)
{
    const ThemeColors *c = &s->th->c;

    if (eyebrow != NULL && *eyebrow) {
        int px = fpx(s, THEME_FONT_SMALL);
        y += text_para(s->text, &(TextStyle){px, true, c->muted, TEXT_LEFT}, eyebrow, s->col_x, y,
                       s->col_w);
    }
    int hpx = fpx(s, THEME_FONT_HEADING);
    y += text_para(s->text, &(TextStyle){hpx, true, c->heading, TEXT_LEFT}, title, s->col_x, y,
                   s->col_w);
    return y + mm(s, 4);
}

static void
scr_top_bar(Screens *s, const FlowView *v, bool settings)
{
    const ThemeColors *c = &s->th->c;
    int h = s->bar_h, pad = mm(s, 5);
    int px = fpx(s, THEME_FONT_LABEL);

    draw_rect(s->draw, (SDL_Rect){0, 0, s->W, h}, c->bar);
    if (s->th->high_contrast)
        draw_rect(s->draw, (SDL_Rect){0, h - 2, s->W, 2}, c->on_bar);
    int is = mm(s, 9);
    draw_icon(s->draw, DRAW_ICON_SHIELD, s->margin, (h - is) / 2, is, c->on_bar);
    int bh = h - mm(s, 4);
    int bw = ui_button_width(s->ui, tr(s, "attract.contrast"), true);
    int x = s->W - s->margin - bw;
    int title_w = x - (s->margin + is + pad) - pad;
    if (settings) {
        /* Text size and contrast, on every screen. */
        char label[64];
        snprintf(label, sizeof label, "%s %d %%", tr(s, "attract.text_size"), v->text_size_percent);
        if (ui_button_icon(s->ui, "bar-contrast", (SDL_Rect){x, (h - bh) / 2, bw, bh},
                           DRAW_ICON_CONTRAST, tr(s, "attract.contrast"), UI_STYLE_BAR, true))
            scr_emit(s, FLOW_EV_TOGGLE_CONTRAST, 0);
        int tw = ui_button_width(s->ui, label, false);
        x -= tw + mm(s, 3);
        if (ui_button(s->ui, "bar-text-size", (SDL_Rect){x, (h - bh) / 2, tw, bh}, label,
                      UI_STYLE_BAR, true)) {
            int next = v->text_size_percent >= 150 ? 100 : v->text_size_percent + 25;
            scr_emit(s, FLOW_EV_SET_TEXT_SIZE, next);
        }
        title_w = x - (s->margin + is + pad) - pad;
    }
    int lh = text_line_height(s->text, px, true);
    text_line(s->text, &(TextStyle){px, true, c->on_bar, TEXT_LEFT}, tr(s, "app.title"),
              s->margin + is + pad, (h - lh) / 2, title_w);
}

/* "Step 3 of 9" and a segmented progress bar under the top bar. */
static int
scr_steps(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = s->bar_h + mm(s, 5);

    if (v->n_steps == 0 || v->step == 0)
        return y;
    char buf[96], st[16], nt[16];
    snprintf(st, sizeof st, "%u", v->step);
    snprintf(nt, sizeof nt, "%u", v->n_steps);
    const char *names[] = {"step", "total"}, *vals[] = {st, nt};
    int px = fpx(s, THEME_FONT_SMALL);
    text_line(s->text, &(TextStyle){px, true, c->muted, TEXT_LEFT},
              trf(s, "progress", buf, sizeof buf, 2, names, vals), s->col_x, y, s->col_w / 3);
    int lh = text_line_height(s->text, px, true);
    int bx = s->col_x + s->col_w / 3, bw = s->col_w - s->col_w / 3;
    int seg_gap = mm(s, 1.5f), n = (int)v->n_steps;
    int sw = (bw - (n - 1) * seg_gap) / n, sh = mm(s, 2);
    for (int i = 0; i < n; i++) {
        SDL_Color col = i < (int)v->step ? c->primary : c->disabled;
        if (s->th->high_contrast && i >= (int)v->step)
            col = (SDL_Color){0x55, 0x55, 0x55, 0xFF};
        draw_round(s->draw, (SDL_Rect){bx + i * (sw + seg_gap), y + (lh - sh) / 2, sw, sh}, sh / 2,
                   col);
    }
    return y + lh + mm(s, 4);
}

/* The error banner for view.error, just above the footer. */
static void
scr_error_banner(Screens *s, const FlowView *v)
{
    if (v->error == FLOW_MSG_NONE)
        return;
    const ThemeColors *c = &s->th->c;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s%s%s", tr(s, flow_msg_id(v->error)), v->error_detail ? " " : "",
             v->error_detail ? v->error_detail : "");
    int px = fpx(s, THEME_FONT_BODY), is = mm(s, 8), pad = mm(s, 3);
    int w = s->col_w - is - 3 * pad;
    int h = text_para_height(s->text, px, true, msg, w) + 2 * pad;
    if (h < is + 2 * pad)
        h = is + 2 * pad;
    SDL_Rect r = {s->col_x, s->foot_y - h - mm(s, 3), s->col_w, h};
    draw_round_border(s->draw, r, mm(s, 2), 3, c->error, c->surface);
    draw_icon(s->draw, DRAW_ICON_ALERT, r.x + pad, r.y + (h - is) / 2, is, c->error);
    text_para(s->text, &(TextStyle){px, true, c->error, TEXT_LEFT}, msg, r.x + is + 2 * pad,
              r.y + pad, w);
    ui_note(s->ui, "error", UI_KIND_TEXT, r, 0, flow_msg_id(v->error));
}

/* Bottom row: Cancel on the left, Back and the primary action on the right. */
static void
scr_footer(Screens *s, const FlowView *v, const char *primary_label, bool primary_enabled,
           FlowEventType primary_ev)
{
    int bw = mm(s, 62), y = s->foot_y;
    int x = s->col_x + s->col_w - bw;

    if (primary_label != NULL &&
        ui_button_icon(s->ui, "btn-next", (SDL_Rect){x, y, bw, s->btn_h}, DRAW_ICON_CHEVRON_RIGHT,
                       primary_label, UI_STYLE_PRIMARY, primary_enabled))
        scr_emit(s, primary_ev, 0);
    int bbw = ui_button_width(s->ui, tr(s, "button.back"), true);
    bbw = bbw < mm(s, 44) ? mm(s, 44) : bbw;
    int cbw = ui_button_width(s->ui, tr(s, "button.cancel"), true);
    cbw = cbw < mm(s, 44) ? mm(s, 44) : cbw;
    if (v->can_back &&
        ui_button_icon(s->ui, "btn-back", (SDL_Rect){x - s->gap - bbw, y, bbw, s->btn_h},
                       DRAW_ICON_CHEVRON_LEFT, tr(s, "button.back"), UI_STYLE_SECONDARY, true))
        scr_emit(s, FLOW_EV_BACK, 0);
    /* "Cancel and erase" asks first (scr_cancel_modal): a slip of the
     * finger must not erase a person's work. */
    if (ui_button_icon(s->ui, "btn-cancel", (SDL_Rect){s->col_x, y, cbw, s->btn_h}, DRAW_ICON_CROSS,
                       tr(s, "button.cancel"), UI_STYLE_QUIET, true)) {
        s->confirm_cancel = true;
        ui_invalidate(s->ui);
    }
}

/* ---------- attract ---------- */

static void
scr_attract(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = s->bar_h + (s->H > mm(s, 240) ? mm(s, 22) : mm(s, 10));

    /* The hidden admin gesture: hold the top-left corner for 3 s. */
    if (ui_hotspot(s->ui, "admin-corner", (SDL_Rect){0, 0, mm(s, 20), s->bar_h}, 3000))
        scr_emit(s, FLOW_EV_ADMIN_GESTURE, 0);

    int tpx = fpx(s, THEME_FONT_TITLE);
    y += text_para(s->text, &(TextStyle){tpx, true, c->heading, TEXT_CENTER},
                   tr(s, "attract.headline"), s->col_x, y, s->col_w);
    y += mm(s, 2);
    int bpx = fpx(s, THEME_FONT_BODY);
    y += text_para(s->text, &(TextStyle){bpx, false, c->muted, TEXT_CENTER}, tr(s, "attract.intro"),
                   s->col_x, y, s->col_w);
    y += mm(s, 9);

    /* Languages: one tile per language, in its own name. */
    int spx = fpx(s, THEME_FONT_SMALL);
    y += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_CENTER},
                   tr(s, "attract.language"), s->col_x, y, s->col_w);
    y += mm(s, 2);
    int n = (int)s->n_languages;
    int per_row = n <= 4 ? n : (n + 1) / 2;
    int tw = mm(s, 62), th = mm(s, 18), g = mm(s, 4);
    if (per_row * tw + (per_row - 1) * g > s->col_w)
        tw = (s->col_w - (per_row - 1) * g) / (per_row > 0 ? per_row : 1);
    for (int i = 0; i < n; i++) {
        int row = i / per_row, col = i % per_row;
        int in_row = row == n / per_row ? n - row * per_row : per_row;
        int rw = in_row * tw + (in_row - 1) * g;
        SDL_Rect r = {(s->W - rw) / 2 + col * (tw + g), y + row * (th + g), tw, th};
        char id[32];
        snprintf(id, sizeof id, "lang-%s", s->languages[i]);
        bool sel = v->language != NULL && strcmp(v->language, s->languages[i]) == 0;
        if (ui_choice(s->ui, id, r, scr_lang_name(s, s->languages[i]), NULL, sel))
            scr_emit_text(s, FLOW_EV_SET_LANGUAGE, s->languages[i]);
    }
    y += ((n + per_row - 1) / (per_row > 0 ? per_row : 1)) * (th + g) + mm(s, 5);

    /* Text size and contrast, big enough to find without the top bar. */
    y += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_CENTER},
                   tr(s, "attract.text_size"), s->col_x, y, s->col_w);
    y += mm(s, 2);
    int sw = mm(s, 40);
    int cw = ui_button_width(s->ui, tr(s, "attract.contrast"), false) + mm(s, 4);
    cw = cw < sw ? sw : cw;
    int total = 3 * sw + cw + 2 * g + mm(s, 6);
    int x = (s->W - total) / 2;
    static const int sizes[] = {100, 125, 150};
    for (int i = 0; i < 3; i++) {
        char id[32], label[16];
        snprintf(id, sizeof id, "size-%d", sizes[i]);
        snprintf(label, sizeof label, "%d %%", sizes[i]);
        if (ui_choice(s->ui, id, (SDL_Rect){x, y, sw, th}, label, NULL,
                      v->text_size_percent == sizes[i]))
            scr_emit(s, FLOW_EV_SET_TEXT_SIZE, sizes[i]);
        x += sw + g;
    }
    x += mm(s, 6) - g;
    if (ui_choice(s->ui, "contrast", (SDL_Rect){x, y, cw, th}, tr(s, "attract.contrast"), NULL,
                  v->high_contrast))
        scr_emit(s, FLOW_EV_TOGGLE_CONTRAST, 0);
    y += th + mm(s, 9);

    int bw = mm(s, 90), bh = mm(s, 22);
    int by = y;
    if (by + bh > s->H - mm(s, 22))
        by = s->H - mm(s, 22) - bh;
    if (ui_button_icon(s->ui, "btn-start", (SDL_Rect){(s->W - bw) / 2, by, bw, bh},
                       DRAW_ICON_CHEVRON_RIGHT, tr(s, "attract.start"), UI_STYLE_PRIMARY, true))
        scr_emit(s, FLOW_EV_START, 0);
    int fy = s->H - mm(s, 16);
    text_para(s->text, &(TextStyle){spx, false, c->muted, TEXT_CENTER}, tr(s, "help.staff"),
              s->col_x, fy, s->col_w);
    if (s->demo) {
        /* A demonstration kiosk says so where nobody can miss it. */
        int dh = text_line_height(s->text, spx, true) + mm(s, 2);
        draw_rect(s->draw, (SDL_Rect){0, s->H - dh, s->W, dh}, c->heading);
        text_line(s->text, &(TextStyle){spx, true, c->surface, TEXT_CENTER},
                  tr(s, "app.demo_notice"), 0, s->H - dh + mm(s, 1), s->W);
    }
}

/* ---------- privacy ---------- */

static void
scr_privacy(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = scr_steps(s, v);

    y = scr_heading(s, NULL, tr(s, "privacy.title"), y);
    int px = fpx(s, THEME_FONT_BODY);
    int ack_h = ui_check_row_height(s->ui, tr(s, "privacy.ack"), s->col_w);
    int bottom = s->foot_y - mm(s, 6) - ack_h - mm(s, 4);
    SDL_Rect view = {s->col_x, y, s->col_w, bottom - y};
    int off = ui_scroll_begin(s->ui, "privacy-text", view);
    int cy = view.y - off;
    int h = text_para(s->text, &(TextStyle){px, false, c->text, TEXT_LEFT}, tr(s, "privacy.body"),
                      view.x, cy, view.w - mm(s, 6));
    ui_scroll_end(s->ui, h);
    if (ui_check_row(s->ui, "privacy-ack", (SDL_Rect){s->col_x, bottom + mm(s, 4), s->col_w, ack_h},
                     tr(s, "privacy.ack"), v->privacy_ack))
        scr_emit(s, FLOW_EV_PRIVACY_ACK, 0);
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}

/* ---------- typing ---------- */

static OskLayout
scr_field_layout(FlowField f)
{
    switch (f) {
    case FLOW_FIELD_SERVICE_NUMBER:
    case FLOW_FIELD_PIN:
        return OSK_DIGITS;
    case FLOW_FIELD_TRAINING_DATE:
        return OSK_DATE;
    case FLOW_FIELD_OTHER_NATION:
        return OSK_CODE;
    default:
        return OSK_LETTERS;
    }
}

/* Keeps the keyboard in step with the focused field. */
static void
scr_osk_sync(Screens *s, const FlowView *v)
{
    if (v->focus != s->osk_field || v->screen != s->osk_screen) {
        OskLayout l = scr_field_layout(v->focus);
        if (l == OSK_LETTERS && v->language != NULL)
            l = strcmp(v->language, "el") == 0   ? OSK_GREEK
                : strcmp(v->language, "bg") == 0 ? OSK_CYRILLIC
                                                 : OSK_LETTERS;
        osk_reset(&s->osk, l, v->focus == FLOW_FIELD_NAME || v->focus == FLOW_FIELD_UNIT);
        s->osk_field = v->focus;
        s->osk_screen = v->screen;
    }
    if (v->focus != FLOW_FIELD_NONE && v->focus != FLOW_FIELD_PIN && v->fields[v->focus] != NULL)
        osk_field_changed(&s->osk, v->fields[v->focus]);
}

/* Draws the keyboard for the focused field in r and queues what it typed;
 * a physical keyboard types into the same field. */
static void
scr_keyboard(Screens *s, const FlowView *v, SDL_Rect r, int key_h)
{
    if (v->focus == FLOW_FIELD_NONE)
        return;
    OskAction a = osk_do(&s->osk, s->ui, r, key_h, mm(s, 1.5f));
    if (a == OSK_TEXT)
        scr_emit_text(s, FLOW_EV_TEXT, s->osk.out);
    else if (a == OSK_BACKSPACE)
        scr_emit(s, FLOW_EV_BACKSPACE, 0);
    int bs;
    const char *typed = ui_typed(s->ui, &bs);
    for (int i = 0; i < bs; i++)
        scr_emit(s, FLOW_EV_BACKSPACE, 0);
    if (*typed)
        scr_emit_text(s, FLOW_EV_TEXT, typed);
}

/* Key height that fits rows of keys into avail pixels: 20 mm when there is
 * room, never below 13 mm. */
static int
scr_key_h(Screens *s, int avail, int rows)
{
    int g = mm(s, 1.5f);
    int h = (avail - (rows - 1) * g) / rows;
    int max = mm(s, 20), min = mm(s, 13);

    return h > max ? max : h < min ? min : h;
}

/* The height of a field label wrapped to w. */
static int
scr_label_h(Screens *s, const char *label, int w)
{
    return text_para_height(s->text, fpx(s, THEME_FONT_SMALL), true, label, w);
}

/* A labelled field; the label wraps (never clipped) in label_h pixels (0:
 * its own height, else the tallest label of the row, so fields line up).
 * Returns the y below it. */
static int
scr_labeled_field(Screens *s, const FlowView *v, FlowField f, const char *id, const char *label,
                  int x, int y, int w, int label_h, bool invalid)
{
    const ThemeColors *c = &s->th->c;
    int spx = fpx(s, THEME_FONT_SMALL);
    int lh = scr_label_h(s, label, w);

    text_para(s->text, &(TextStyle){spx, true, c->text, TEXT_LEFT}, label, x,
              y + (label_h > lh ? label_h - lh : 0), w);
    y += (label_h > lh ? label_h : lh) + mm(s, 1);
    int fh = mm(s, 15);
    if (ui_field(s->ui, id, (SDL_Rect){x, y, w, fh}, v->fields[f], NULL, v->focus == f, invalid))
        scr_emit(s, FLOW_EV_FOCUS, (int)f);
    return y + fh;
}

/* ---------- nation and category ---------- */

static const char *
scr_nation_name(Screens *s, const char *code, char *buf, size_t cap)
{
    char key[32];
    size_t n = (size_t)snprintf(key, sizeof key, "nation.%s", code);

    for (size_t i = 7; i < n && i < sizeof key; i++)
        key[i] = (char)(key[i] >= 'A' && key[i] <= 'Z' ? key[i] + 32 : key[i]);
    if (strcmp(tr(s, key), key) != 0)
        snprintf(buf, cap, "%s", tr(s, key));
    else
        snprintf(buf, cap, "%s", code);
    return buf;
}

static void
scr_nation(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = scr_steps(s, v);
    int spx = fpx(s, THEME_FONT_SMALL);
    int g = mm(s, 3);

    y = scr_heading(s, NULL, tr(s, "nation.title"), y);
    y += text_para(s->text, &(TextStyle){spx, true, c->text, TEXT_LEFT}, tr(s, "nation.prompt"),
                   s->col_x, y, s->col_w);
    y += mm(s, 1.5f);
    int n = (int)v->n_nations + 1;
    int per_row = n <= 4 ? n : 4;
    int tw = (s->col_w - (per_row - 1) * g) / per_row, th = mm(s, 19);
    /* Every tile as tall as the tallest label needs (long names wrap). */
    for (int i = 0; i < n; i++) {
        char name[96];
        th = i < (int)v->n_nations
                 ? ui_choice_height(s->ui,
                                    scr_nation_name(s, v->nations[i]->nation, name, sizeof name),
                                    v->nations[i]->nation, tw, th)
                 : ui_choice_height(s->ui, tr(s, "nation.other"), NULL, tw, th);
    }
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {s->col_x + (i % per_row) * (tw + g), y + (i / per_row) * (th + g), tw, th};
        char id[32], name[96];
        const char *label, *sub;
        if (i < (int)v->n_nations) {
            snprintf(id, sizeof id, "nation-%s", v->nations[i]->nation);
            label = scr_nation_name(s, v->nations[i]->nation, name, sizeof name);
            sub = v->nations[i]->nation;
        } else {
            snprintf(id, sizeof id, "nation-other");
            label = tr(s, "nation.other");
            sub = NULL;
        }
        if (ui_choice(s->ui, id, r, label, sub, v->nation_index == i))
            scr_emit(s, FLOW_EV_SELECT_NATION, i);
    }
    y += ((n + per_row - 1) / per_row) * (th + g) + mm(s, 3);

    bool other = v->nation_index == (int)v->n_nations;
    if (other) {
        int fw = mm(s, 70);
        int fy = scr_labeled_field(s, v, FLOW_FIELD_OTHER_NATION, "field-other-nation",
                                   tr(s, "nation.other_code"), s->col_x, y, fw, 0,
                                   v->error == FLOW_MSG_NATION_CODE_INVALID ||
                                       v->error == FLOW_MSG_NATION_HAS_BUNDLE);
        if (v->focus == FLOW_FIELD_OTHER_NATION) {
            int kx = s->col_x + fw + mm(s, 8);
            int kh = mm(s, 13);
            SDL_Rect kr = {kx, y, s->col_x + s->col_w - kx, 3 * kh + 2 * mm(s, 1.5f)};
            scr_keyboard(s, v, kr, kh);
            int ky = y + kr.h;
            fy = fy > ky ? fy : ky;
        }
        y = fy + mm(s, 4);
    }

    y += text_para(s->text, &(TextStyle){spx, true, c->text, TEXT_LEFT}, tr(s, "category.title"),
                   s->col_x, y, s->col_w);
    y += mm(s, 1.5f);
    static const FlowCategory cats[] = {FLOW_CATEGORY_MILITARY, FLOW_CATEGORY_CIVILIAN,
                                        FLOW_CATEGORY_CONTRACTOR};
    int cw = (s->col_w - 2 * g) / 3, ch = mm(s, 19);
    for (int i = 0; i < 3; i++) {
        char key[48];
        snprintf(key, sizeof key, "category.%s", flow_category_name(cats[i]));
        ch = ui_choice_height(s->ui, tr(s, key), NULL, cw, ch);
    }
    for (int i = 0; i < 3; i++) {
        char id[32], key[48];
        snprintf(id, sizeof id, "category-%s", flow_category_name(cats[i]));
        snprintf(key, sizeof key, "category.%s", flow_category_name(cats[i]));
        if (ui_choice(s->ui, id, (SDL_Rect){s->col_x + i * (cw + g), y, cw, ch}, tr(s, key), NULL,
                      v->category == cats[i]))
            scr_emit(s, FLOW_EV_SELECT_CATEGORY, (int)cats[i]);
    }
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}

/* ---------- identity ---------- */

static void
scr_identity(Screens *s, const FlowView *v)
{
    int y = scr_steps(s, v);
    char nation[96], eyebrow[160];

    snprintf(eyebrow, sizeof eyebrow, "%s \xC2\xB7 %s",
             scr_nation_name(s, v->nation_code ? v->nation_code : "", nation, sizeof nation),
             tr(s, "identity.hint"));
    y = scr_heading(s, eyebrow, tr(s, "identity.title"), y);

    /* Fields in two columns (four on a short display, so the keyboard of
     * the focused field fits below them). */
    bool wide = s->H < mm(s, 230);
    int g = mm(s, wide ? 4 : 6);
    int cols = wide ? 4 : 2;
    int fw = (s->col_w - (cols - 1) * g) / cols;
    bool bad_num =
        v->error == FLOW_MSG_SERVICE_NUMBER_INVALID || v->error == FLOW_MSG_SERVICE_NUMBER_EMPTY;
    const char *num_label =
        v->service_number_label ? v->service_number_label : tr(s, "field.service_number");
    char rank[96], unit[96];
    snprintf(rank, sizeof rank, "%s (%s)", tr(s, "field.rank"), tr(s, "field.optional"));
    snprintf(unit, sizeof unit, "%s (%s)", tr(s, "field.unit"), tr(s, "field.optional"));
    const char *labels[4] = {tr(s, "field.name"), num_label, rank, unit};
    int lh[2] = {0, 0}; /* per row of fields: the tallest label */
    for (int i = 0; i < 4; i++) {
        int row = wide ? 0 : i / 2, h = scr_label_h(s, labels[i], fw);
        lh[row] = h > lh[row] ? h : lh[row];
    }
    int y1 = scr_labeled_field(s, v, FLOW_FIELD_NAME, "field-name", labels[0], s->col_x, y, fw,
                               lh[0], v->error == FLOW_MSG_NAME_EMPTY);
    scr_labeled_field(s, v, FLOW_FIELD_SERVICE_NUMBER, "field-service-number", labels[1],
                      s->col_x + fw + g, y, fw, lh[0], bad_num);
    if (!wide)
        y = y1 + mm(s, 3);
    int x3 = wide ? s->col_x + 2 * (fw + g) : s->col_x;
    int lh2 = wide ? lh[0] : lh[1];
    y1 = scr_labeled_field(s, v, FLOW_FIELD_RANK, "field-rank", labels[2], x3, y, fw, lh2, false);
    scr_labeled_field(s, v, FLOW_FIELD_UNIT, "field-unit", labels[3], x3 + fw + g, y, fw, lh2,
                      false);
    y = y1 + mm(s, 5);

    int bottom = s->foot_y - mm(s, 4);
    if (v->error != FLOW_MSG_NONE)
        bottom -= mm(s, 18);
    bool pad = scr_field_layout(v->focus) == OSK_DIGITS && s->osk.layout == OSK_DIGITS;
    int rows = pad ? 4 : 5;
    int kh = scr_key_h(s, bottom - y, rows);
    int kw_total = pad ? mm(s, 100) : s->col_w;
    if (!pad && osk_width(&s->osk, mm(s, 22), mm(s, 1.5f)) < kw_total)
        kw_total = osk_width(&s->osk, mm(s, 22), mm(s, 1.5f));
    SDL_Rect kr = {s->col_x + (s->col_w - kw_total) / 2, y, kw_total,
                   osk_height(&s->osk, kh, mm(s, 1.5f))};
    scr_keyboard(s, v, kr, kh);
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}

/* ---------- reading: code of conduct and training ---------- */

/* gated: the flow enables Next only once the text was shown to its end
 * (code-of-conduct sections); training pages are not gated, so their status
 * only says "read" once the reader got there. */
static void
scr_reading(Screens *s, const FlowView *v, const char *eyebrow, const char *title,
            const char *const *paras, size_t n_paras, bool shown, bool gated, const char *key)
{
    const ThemeColors *c = &s->th->c;
    int y = scr_steps(s, v);

    /* A new section starts at its top and must be scrolled to its end again. */
    if (strcmp(key, s->read_key) != 0) {
        snprintf(s->read_key, sizeof s->read_key, "%s", key);
        ui_scroll_forget(s->ui, "reading");
        s->read_offset = 0;
        s->read_end_sent = false;
    }
    y = scr_heading(s, eyebrow, title, y);
    if (v->content_fallback || (v->content != NULL && v->content->draft)) {
        int spx = fpx(s, THEME_FONT_SMALL);
        char fb[512];
        const char *ln[] = {"language"};
        const char *lv[] = {
            scr_lang_name(s, v->content && v->content->language ? v->content->language : "en")};
        const char *note = v->content_fallback
                               ? trf(s, "conduct.fallback_notice", fb, sizeof fb, 1, ln, lv)
                               : tr(s, "conduct.draft_notice");
        draw_icon(s->draw, DRAW_ICON_ALERT, s->col_x, y, spx, c->muted);
        y += text_para(s->text, &(TextStyle){spx, false, c->muted, TEXT_LEFT}, note,
                       s->col_x + spx + mm(s, 2), y, s->col_w - spx - mm(s, 2));
        y += mm(s, 2);
    }
    int status_h = mm(s, 10);
    SDL_Rect card = {s->col_x, y, s->col_w, s->foot_y - mm(s, 5) - status_h - y};
    draw_round_border(s->draw, card, mm(s, 2), 1, c->border, c->surface);
    int pad = mm(s, 6);
    SDL_Rect view = {card.x + 1, card.y + 1, card.w - 2, card.h - 2};
    int off = ui_scroll_begin(s->ui, "reading", view);
    if (off != s->read_offset) {
        s->read_offset = off;
        scr_emit(s, FLOW_EV_SCROLL, 0);
    }
    int px = fpx(s, THEME_FONT_BODY);
    int cy = view.y + pad - off, tw = view.w - 2 * pad - mm(s, 3);
    TextStyle st = {px, false, c->text, TEXT_LEFT};
    for (size_t i = 0; i < n_paras; i++) {
        cy += text_para(s->text, &st, paras[i], view.x + pad, cy, tw);
        cy += px * 6 / 10;
    }
    if (v->content != NULL && v->content->publisher != NULL) {
        int spx = fpx(s, THEME_FONT_SMALL);
        cy += text_para(s->text, &(TextStyle){spx, false, c->muted, TEXT_LEFT},
                        v->content->publisher, view.x + pad, cy, tw);
    }
    int content_h = cy + off + pad - view.y;
    bool at_end = ui_scroll_end(s->ui, content_h);
    /* Once per text: the flow's answer does not change afterwards. */
    if (at_end && !shown && !s->read_end_sent) {
        scr_emit(s, FLOW_EV_SECTION_END, 0);
        s->read_end_sent = true;
    }
    if (!gated)
        shown = at_end;

    /* Where the reader stands, in words and an icon, not colour alone. */
    int spx = fpx(s, THEME_FONT_SMALL);
    int sy = card.y + card.h + mm(s, 2);
    int is = spx;
    if (shown) {
        draw_icon(s->draw, DRAW_ICON_CHECK, s->col_x, sy + mm(s, 1), is, c->success);
        text_line(s->text, &(TextStyle){spx, true, c->success, TEXT_LEFT}, tr(s, "conduct.read"),
                  s->col_x + is + mm(s, 2), sy, s->col_w);
    } else if (gated) {
        draw_icon(s->draw, DRAW_ICON_CHEVRON_RIGHT, s->col_x, sy + mm(s, 1), is, c->muted);
        text_line(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT},
                  tr(s, "conduct.scroll_hint"), s->col_x + is + mm(s, 2), sy, s->col_w);
    }
    ui_note(s->ui, "reading-status", UI_KIND_TEXT, (SDL_Rect){s->col_x, sy, s->col_w, status_h},
            shown ? UI_STATE_CHECKED : 0, shown ? "shown" : "not-shown");
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}

static void
scr_conduct(Screens *s, const FlowView *v)
{
    char eyebrow[256], i[16], n[16], who[96], key[160];

    if (v->section == NULL)
        return;
    snprintf(i, sizeof i, "%zu", v->section_index + 1);
    snprintf(n, sizeof n, "%zu", v->n_sections);
    const char *bundle = v->bundle ? v->bundle->nation : "";
    const char *who_s = strcmp(bundle, "NATO") == 0 ? tr(s, "nation.nato")
                                                    : scr_nation_name(s, bundle, who, sizeof who);
    const char *names[] = {"index", "total"}, *vals[] = {i, n};
    char of[128];
    trf(s, "conduct.section_of", of, sizeof of, 2, names, vals);
    snprintf(eyebrow, sizeof eyebrow, "%s%s%s \xC2\xB7 %s",
             v->review ? tr(s, "conduct.review_title") : "", v->review ? " \xC2\xB7 " : "", who_s,
             of);
    snprintf(key, sizeof key, "c/%s/%s/%d/%u", bundle, v->section->id, v->review, v->quiz_attempts);
    scr_reading(s, v, eyebrow, v->section->title, v->section->paragraphs, v->section->n_paragraphs,
                v->section_shown, true, key);
}

static void
scr_training(Screens *s, const FlowView *v)
{
    char eyebrow[256], i[16], n[16], key[160];

    if (v->page == NULL)
        return;
    snprintf(i, sizeof i, "%zu", v->page_index + 1);
    snprintf(n, sizeof n, "%zu", v->n_pages);
    const char *names[] = {"index", "total"}, *vals[] = {i, n};
    char of[128];
    trf(s, "training.page_of", of, sizeof of, 2, names, vals);
    snprintf(eyebrow, sizeof eyebrow, "%s \xC2\xB7 %s", tr(s, "training.title"), of);
    snprintf(key, sizeof key, "t/%s/%s", v->bundle ? v->bundle->nation : "", v->page->id);
    scr_reading(s, v, eyebrow, v->page->title, v->page->paragraphs, v->page->n_paragraphs,
                v->section_shown, false, key);
}

/* ---------- quiz ---------- */

static void
scr_quiz(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    char eyebrow[128], i[16], n[16];

    if (v->question == NULL)
        return;
    int y = scr_steps(s, v);
    snprintf(i, sizeof i, "%zu", v->question_index + 1);
    snprintf(n, sizeof n, "%zu", v->n_questions);
    const char *names[] = {"index", "total"}, *vals[] = {i, n};
    y = scr_heading(s, trf(s, "quiz.question_of", eyebrow, sizeof eyebrow, 2, names, vals),
                    tr(s, "quiz.title"), y);
    int px = fpx(s, THEME_FONT_BODY);
    y += text_para(s->text, &(TextStyle){px, true, c->text, TEXT_LEFT}, v->question->text, s->col_x,
                   y, s->col_w);
    y += mm(s, 5);
    int avail = s->foot_y - mm(s, 6) - y;
    if (v->error != FLOW_MSG_NONE)
        avail -= mm(s, 18);
    int nch = (int)v->question->n_choices;
    int g = mm(s, 3);
    int ch = (avail - (nch - 1) * g) / (nch > 0 ? nch : 1);
    int maxh = mm(s, 22), minh = mm(s, 15);
    ch = ch > maxh ? maxh : ch < minh ? minh : ch;
    for (int k = 0; k < nch; k++) {
        char id[32];
        snprintf(id, sizeof id, "choice-%d", k);
        SDL_Rect r = {s->col_x, y + k * (ch + g), s->col_w, ch};
        if (ui_choice(s->ui, id, r, v->question->choices[k], NULL, v->selected_choice == k))
            scr_emit(s, FLOW_EV_ANSWER, k);
    }
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}

static void
scr_quiz_result(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    char buf[256], sc[16], of[16], pm[16];
    int y = scr_steps(s, v);

    y = scr_heading(s, NULL, tr(s, v->quiz_passed ? "quiz.passed_title" : "quiz.failed_title"), y);
    snprintf(sc, sizeof sc, "%u", v->quiz_score);
    snprintf(of, sizeof of, "%u", v->quiz_of);
    snprintf(pm, sizeof pm, "%u", v->pass_mark_percent);
    const char *names[] = {"score", "total", "pass"}, *vals[] = {sc, of, pm};
    int is = mm(s, 16);
    draw_disc(s->draw, s->col_x + is / 2, y + is / 2, is / 2,
              v->quiz_passed ? c->success : c->error);
    draw_icon(s->draw, v->quiz_passed ? DRAW_ICON_CHECK : DRAW_ICON_CROSS, s->col_x + is / 5,
              y + is / 5, is * 3 / 5, c->surface);
    int hpx = fpx(s, THEME_FONT_HEADING), px = fpx(s, THEME_FONT_BODY);
    int tx = s->col_x + is + mm(s, 5);
    int th = text_para(s->text, &(TextStyle){px, true, c->text, TEXT_LEFT},
                       trf(s, "quiz.score", buf, sizeof buf, 3, names, vals), tx, y,
                       s->col_w - is - mm(s, 5));
    y += (th > is ? th : is) + mm(s, 8);
    (void)hpx;
    if (!v->quiz_passed) {
        y += text_para(s->text, &(TextStyle){px, false, c->text, TEXT_LEFT},
                       tr(s, "quiz.review_intro"), s->col_x, y, s->col_w);
        y += mm(s, 3);
        for (size_t i = 0; i < v->n_missed_sections; i++) {
            draw_icon(s->draw, DRAW_ICON_CHEVRON_RIGHT, s->col_x, y + px / 4, px, c->primary);
            y += text_para(s->text, &(TextStyle){px, true, c->text, TEXT_LEFT},
                           v->missed_sections[i]->title, s->col_x + px + mm(s, 3), y,
                           s->col_w - px - mm(s, 3));
            y += mm(s, 2);
        }
    }
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, v->quiz_passed ? "button.next" : "quiz.retry"), v->can_next,
               FLOW_EV_NEXT);
}

/* ---------- training confirmation ---------- */

static void
scr_training_confirm(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = scr_steps(s, v);
    int px = fpx(s, THEME_FONT_BODY), spx = fpx(s, THEME_FONT_SMALL);

    y = scr_heading(s, NULL, tr(s, "confirm.title"), y);
    y += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT}, tr(s, "confirm.intro"),
                   s->col_x, y, s->col_w);
    y += text_para(s->text, &(TextStyle){px, true, c->text, TEXT_LEFT},
                   v->training_course ? v->training_course : "", s->col_x, y, s->col_w);
    y += mm(s, 6);
    /* The date and the tick on the left, the keypad on the right. */
    int kw = mm(s, 100), lw = s->col_w - kw - mm(s, 12);
    int fy = scr_labeled_field(
        s, v, FLOW_FIELD_TRAINING_DATE, "field-training-date", tr(s, "confirm.date"), s->col_x, y,
        mm(s, 80) < lw ? mm(s, 80) : lw, 0,
        v->error == FLOW_MSG_DATE_INVALID || v->error == FLOW_MSG_DATE_IN_FUTURE);
    int ack_h = ui_check_row_height(s->ui, tr(s, "confirm.attended"), lw);
    if (ui_check_row(s->ui, "confirm-attended", (SDL_Rect){s->col_x, fy + mm(s, 6), lw, ack_h},
                     tr(s, "confirm.attended"), v->training_confirmed))
        scr_emit(s, FLOW_EV_TRAINING_CONFIRM, 0);
    if (v->focus == FLOW_FIELD_TRAINING_DATE) {
        int kx = s->col_x + s->col_w - kw;
        int bottom = s->foot_y - mm(s, 4) - (v->error != FLOW_MSG_NONE ? mm(s, 18) : 0);
        int kh = scr_key_h(s, bottom - y, 4);
        scr_keyboard(s, v, (SDL_Rect){kx, y, kw, osk_height(&s->osk, kh, mm(s, 1.5f))}, kh);
    }
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}

/* ---------- acknowledgement and signature ---------- */

static void
scr_acknowledge(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = scr_steps(s, v);
    int spx = fpx(s, THEME_FONT_SMALL);

    y = scr_heading(s, NULL, tr(s, "ack.title"), y);
    y += text_para(s->text, &(TextStyle){spx, false, c->muted, TEXT_LEFT}, tr(s, "ack.intro"),
                   s->col_x, y, s->col_w);
    y += mm(s, 3);
    int bottom = s->foot_y - mm(s, 5) - (v->error != FLOW_MSG_NONE ? mm(s, 18) : 0);
    SDL_Rect view = {s->col_x - mm(s, 2), y, s->col_w + mm(s, 4), bottom - y};
    int off = ui_scroll_begin(s->ui, "clauses", view);
    int cy = y - off + mm(s, 1.5f), g = mm(s, 3);
    int w = s->col_w - mm(s, 5);
    for (size_t i = 0; i < v->n_clauses; i++) {
        char id[UI_ID_MAX];
        snprintf(id, sizeof id, "clause-%zu", i);
        int h = ui_check_row_height(s->ui, v->clauses[i]->text, w);
        if (ui_check_row(s->ui, id, (SDL_Rect){s->col_x, cy, w, h}, v->clauses[i]->text,
                         v->clause_ticked[i]))
            scr_emit(s, FLOW_EV_CLAUSE, (int)i);
        cy += h + g;
    }
    ui_scroll_end(s->ui, cy + off - y);
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}

static void
scr_sign(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = scr_steps(s, v);
    int px = fpx(s, THEME_FONT_BODY);

    y = scr_heading(s, NULL, tr(s, "sign.title"), y);
    int pad_h = mm(s, 62);
    int bottom = s->foot_y - mm(s, 5) - (v->error != FLOW_MSG_NONE ? mm(s, 18) : 0);
    int avail = bottom - y - pad_h - mm(s, 4);
    int min_text = text_line_height(s->text, px, false) * 3;
    if (avail < min_text) {
        pad_h -= min_text - avail;
        avail = min_text;
    }
    /* The statement names the exact versions; it scrolls if long. */
    SDL_Rect view = {s->col_x, y, s->col_w, avail};
    int off = ui_scroll_begin(s->ui, "statement", view);
    int spx = fpx(s, THEME_FONT_SMALL), tw = s->col_w - mm(s, 5);
    int cy = y - off;
    cy += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT},
                    tr(s, "sign.statement_intro"), s->col_x, cy, tw);
    cy += text_para(s->text, &(TextStyle){px, false, c->text, TEXT_LEFT},
                    v->statement ? v->statement : "", s->col_x, cy, tw);
    /* Every document signed for, by its exact ID and version. */
    if (v->n_bundles > 0) {
        cy += mm(s, 2);
        cy += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT}, tr(s, "sign.bundles"),
                        s->col_x, cy, tw);
        for (size_t i = 0; i < v->n_bundles; i++) {
            char line[256];
            const char *names[] = {"bundle", "version"};
            const char *vals[] = {v->bundles[i]->bundle_id, v->bundles[i]->version};
            cy += text_para(s->text, &(TextStyle){spx, false, c->text, TEXT_LEFT},
                            trf(s, "sign.bundle", line, sizeof line, 2, names, vals), s->col_x, cy,
                            tw);
        }
    }
    ui_scroll_end(s->ui, cy + off - y);
    y += avail + mm(s, 4);
    int cw = mm(s, 44);
    SDL_Rect pad = {s->col_x, y, s->col_w - cw - s->gap, pad_h};
    sigpad_do(s->pad, s->ui, scr_emit_ev, s, v, pad, tr(s, "sign.pad_hint"));
    if (ui_button_icon(s->ui, "btn-clear", (SDL_Rect){pad.x + pad.w + s->gap, y, cw, s->btn_h},
                       DRAW_ICON_CROSS, tr(s, "button.clear"), UI_STYLE_SECONDARY,
                       v->signature_points > 0))
        scr_emit(s, FLOW_EV_SIG_CLEAR, 0);
    if (v->signature_ok) {
        draw_icon(s->draw, DRAW_ICON_CHECK, pad.x + pad.w + s->gap, y + s->btn_h + mm(s, 4), spx,
                  c->success);
        ui_note(s->ui, "signature-ok", UI_KIND_TEXT,
                (SDL_Rect){pad.x + pad.w + s->gap, y + s->btn_h + mm(s, 4), spx, spx}, 0, "");
    }
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "sign.button"), v->can_sign, FLOW_EV_SIGN);
}

/* ---------- certificate and endings ---------- */

/* (Re)builds the QR texture when a new certificate is shown. */
static void
scr_cert_qr(Screens *s, const FlowView *v)
{
    if (v->jws == NULL || v->serial == NULL ||
        (s->qr != NULL && strcmp(s->qr_serial, v->serial) == 0))
        return;
    if (s->qr != NULL)
        SDL_DestroyTexture(s->qr);
    s->qr = NULL;
    /* Dark on white in both themes: scanners expect it. */
    if (qr_texture(s->r, (const unsigned char *)v->jws, strlen(v->jws), (SDL_Color){0, 0, 0, 255},
                   (SDL_Color){255, 255, 255, 255}, &s->qr, &s->qr_modules) == CK_OK)
        snprintf(s->qr_serial, sizeof s->qr_serial, "%s", v->serial);
}

/* Pixels per QR module that fit the certificate screen, with or without the
 * top bar above the code. The code takes the screen's height; the text
 * column beside it keeps at least 100 mm. */
static int
scr_cert_module_px(Screens *s, bool bar)
{
    if (s->qr == NULL || s->qr_modules <= 0)
        return 0;
    int edge = mm(s, 4);
    int h = s->H - (bar ? s->bar_h : 0) - 2 * edge;
    int w = s->W - 2 * s->margin - s->gap - mm(s, 100);
    int side = h < w ? h : w;
    return side / s->qr_modules;
}

/* The certificate screen drops the top bar (its settings move beside the
 * code) when the code's modules would be smaller than QR_MIN_MODULE_PX
 * under it and the full height makes them larger. */
static bool
scr_cert_full_height(Screens *s)
{
    int with_bar = scr_cert_module_px(s, true);
    return with_bar < QR_MIN_MODULE_PX && scr_cert_module_px(s, false) > with_bar;
}

static void
scr_certificate(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    bool bar = !scr_cert_full_height(s);
    int edge = mm(s, 4), top = (bar ? s->bar_h : 0) + edge;
    int m = scr_cert_module_px(s, bar);
    if (m < 1)
        m = 1;
    int qside = s->qr != NULL ? m * s->qr_modules : 0;
    int text_w = s->W - 2 * s->margin - qside - s->gap;
    if (text_w > mm(s, 140))
        text_w = mm(s, 140);
    int block_w = qside + 2 * s->gap + text_w;
    int qx = (s->W - block_w) / 2;
    int qy = top + (s->H - edge - top - qside) / 2;
    if (s->qr != NULL) {
        SDL_Rect qr = {qx, qy, qside, qside};
        SDL_RenderCopy(s->r, s->qr, NULL, &qr);
        char mod[16];
        snprintf(mod, sizeof mod, "%d", m);
        ui_note(s->ui, "qr", UI_KIND_TEXT, qr, 0, mod);
    }
    int tx = qx + qside + 2 * s->gap, tw = text_w;
    int y = qy;
    if (!bar) {
        /* The top bar's settings, kept reachable on this screen too (one
         * row if they fit, else one above the other). */
        char label[64];
        snprintf(label, sizeof label, "%s %d %%", tr(s, "attract.text_size"), v->text_size_percent);
        int bh = mm(s, 13), sw = ui_button_width(s->ui, label, false);
        int cw = ui_button_width(s->ui, tr(s, "attract.contrast"), true);
        bool one_row = sw + mm(s, 3) + cw <= tw;
        if (ui_button(s->ui, "bar-text-size", (SDL_Rect){tx, y, sw, bh}, label,
                      UI_STYLE_SECONDARY, true))
            scr_emit(s, FLOW_EV_SET_TEXT_SIZE,
                     v->text_size_percent >= 150 ? 100 : v->text_size_percent + 25);
        SDL_Rect cr = one_row ? (SDL_Rect){tx + sw + mm(s, 3), y, cw, bh}
                              : (SDL_Rect){tx, y + bh + mm(s, 2), cw, bh};
        if (ui_button_icon(s->ui, "bar-contrast", cr, DRAW_ICON_CONTRAST,
                           tr(s, "attract.contrast"), UI_STYLE_SECONDARY, true))
            scr_emit(s, FLOW_EV_TOGGLE_CONTRAST, 0);
        y = cr.y + bh + mm(s, 6);
    }
    int is = mm(s, 12);
    draw_disc(s->draw, tx + is / 2, y + is / 2, is / 2, c->success);
    draw_icon(s->draw, DRAW_ICON_CHECK, tx + is / 5, y + is / 5, is * 3 / 5, c->surface);
    int hpx = fpx(s, THEME_FONT_HEADING), px = fpx(s, THEME_FONT_BODY),
        spx = fpx(s, THEME_FONT_SMALL);
    int ty = y + text_para(s->text, &(TextStyle){hpx, true, c->heading, TEXT_LEFT},
                           tr(s, "cert.title"), tx + is + mm(s, 4), y, tw - is - mm(s, 4));
    ty = (ty > y + is ? ty : y + is) + mm(s, 6);
    char nation[96];
    const char *rows[][2] = {
        {tr(s, "cert.name"), v->fields[FLOW_FIELD_NAME] ? v->fields[FLOW_FIELD_NAME] : ""},
        {tr(s, "cert.nation"),
         scr_nation_name(s, v->nation_code ? v->nation_code : "", nation, sizeof nation)},
        {tr(s, "cert.valid_until"), v->valid_until ? v->valid_until : ""},
        {tr(s, "cert.serial"), v->serial ? v->serial : ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ty += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT}, rows[i][0], tx, ty,
                        tw);
        ty +=
            text_para(s->text, &(TextStyle){px, true, c->text, TEXT_LEFT}, rows[i][1], tx, ty, tw);
        ty += mm(s, 3);
    }
    ty += mm(s, 2);
    text_para(s->text, &(TextStyle){spx, false, c->text, TEXT_LEFT}, tr(s, "cert.scan"), tx, ty,
              tw);
    /* "Finish" at the foot of the text column, level with the code's bottom. */
    int bw = ui_button_width(s->ui, tr(s, "cert.done"), true);
    bw = bw < mm(s, 62) ? mm(s, 62) : bw > tw ? tw : bw;
    int bh = ui_button_height(s->ui, tr(s, "cert.done"), true, bw, s->btn_h);
    int by = qside > 0 ? qy + qside - bh : s->foot_y;
    if (ui_button_icon(s->ui, "btn-done", (SDL_Rect){tx, by, bw, bh}, DRAW_ICON_CHECK,
                       tr(s, "cert.done"), UI_STYLE_PRIMARY, true))
        scr_emit(s, FLOW_EV_DONE, 0);
}

static void
scr_message(Screens *s, const FlowView *v, DrawIcon icon, SDL_Color tone, const char *heading,
            const char *body)
{
    const ThemeColors *c = &s->th->c;
    int y = s->bar_h + mm(s, 30);
    int is = mm(s, 22);

    draw_icon(s->draw, icon, (s->W - is) / 2, y, is, tone);
    y += is + mm(s, 8);
    int hpx = fpx(s, THEME_FONT_HEADING), px = fpx(s, THEME_FONT_BODY);
    int w = s->col_w * 3 / 4, x = (s->W - w) / 2;
    y += text_para(s->text, &(TextStyle){hpx, true, c->heading, TEXT_CENTER}, heading, x, y, w);
    y += mm(s, 4);
    y += text_para(s->text, &(TextStyle){px, false, c->text, TEXT_CENTER}, body, x, y, w);
    if (v->error != FLOW_MSG_NONE) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s%s%s", tr(s, flow_msg_id(v->error)),
                 v->error_detail ? " " : "", v->error_detail ? v->error_detail : "");
        y += mm(s, 4);
        text_para(s->text, &(TextStyle){px, true, c->error, TEXT_CENTER}, msg, x, y, w);
        ui_note(s->ui, "error", UI_KIND_TEXT, (SDL_Rect){x, y, w, px}, 0, flow_msg_id(v->error));
    }
    int bw = mm(s, 62);
    if (ui_button_icon(s->ui, "btn-done", (SDL_Rect){(s->W - bw) / 2, s->foot_y, bw, s->btn_h},
                       DRAW_ICON_CHECK, tr(s, "button.done"), UI_STYLE_PRIMARY, true))
        scr_emit(s, FLOW_EV_DONE, 0);
}

/* ---------- admin ---------- */

static void
scr_admin_pin(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = s->bar_h + mm(s, 10);
    int w = mm(s, 100), x = (s->W - w) / 2;
    int hpx = fpx(s, THEME_FONT_HEADING), spx = fpx(s, THEME_FONT_SMALL),
        px = fpx(s, THEME_FONT_BODY);

    y += text_para(s->text, &(TextStyle){hpx, true, c->heading, TEXT_CENTER},
                   tr(s, "admin.pin_title"), x, y, w);
    if (v->admin_locked) {
        /* Locked: no keypad at all, and the reason stays on screen. */
        int is = mm(s, 16);
        y += mm(s, 8);
        draw_icon(s->draw, DRAW_ICON_ALERT, (s->W - is) / 2, y, is, c->error);
        y += is + mm(s, 5);
        int lw = s->col_w * 3 / 4, lx = (s->W - lw) / 2;
        int h = text_para(s->text, &(TextStyle){px, true, c->error, TEXT_CENTER},
                          tr(s, "error.admin_locked"), lx, y, lw);
        ui_note(s->ui, "error", UI_KIND_TEXT, (SDL_Rect){lx, y, lw, h}, 0,
                flow_msg_id(FLOW_MSG_ADMIN_LOCKED));
    } else {
        y += text_para(s->text, &(TextStyle){spx, false, c->text, TEXT_CENTER},
                       tr(s, "admin.pin_prompt"), x, y, w);
        y += mm(s, 3);
        /* The PIN is never shown: one dot per digit. */
        int dot = mm(s, 3.5f), dg = mm(s, 3);
        int n = (int)v->pin_length;
        int dw = n * dot * 2 + (n - 1) * dg;
        SDL_Rect box = {x, y, w, mm(s, 14)};
        draw_round_border(s->draw, box, mm(s, 2), 2, c->border, c->surface);
        for (int i = 0; i < n; i++)
            draw_disc(s->draw, x + (w - dw) / 2 + i * (2 * dot + dg) + dot, y + box.h / 2, dot,
                      c->text);
        ui_note(s->ui, "pin-dots", UI_KIND_FIELD, box, 0, "");
        y += box.h + mm(s, 3);
        if (v->focus != FLOW_FIELD_PIN)
            scr_emit(s, FLOW_EV_FOCUS, FLOW_FIELD_PIN);
        int count_h = v->admin_failures > 0 ? text_line_height(s->text, spx, true) + mm(s, 3) : 0;
        int bottom =
            s->foot_y - mm(s, 4) - (v->error != FLOW_MSG_NONE ? mm(s, 18) : 0) - count_h;
        int kh = scr_key_h(s, bottom - y, 4);
        int kb = osk_height(&s->osk, kh, mm(s, 1.5f));
        scr_keyboard(s, v, (SDL_Rect){x, y, w, kb}, kh);
        if (v->admin_failures > 0) {
            char buf[128], cnt[16];
            snprintf(cnt, sizeof cnt, "%u", v->admin_failures);
            const char *names[] = {"count"}, *vals[] = {cnt};
            text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_CENTER},
                      trf(s, "admin.failures", buf, sizeof buf, 1, names, vals), x,
                      y + kb + mm(s, 3), w);
        }
        scr_error_banner(s, v);
    }
    int bw = mm(s, 62);
    if (ui_button(s->ui, "btn-unlock",
                  (SDL_Rect){s->col_x + s->col_w - bw, s->foot_y, bw, s->btn_h}, tr(s, "button.ok"),
                  UI_STYLE_PRIMARY, v->pin_length > 0 && !v->admin_locked))
        scr_emit(s, FLOW_EV_ADMIN_PIN, 0);
    /* Leaving erases nothing of a person's: "Back to the kiosk", not "Cancel and erase". */
    int cw = ui_button_width(s->ui, tr(s, "admin.exit"), true);
    if (ui_button_icon(s->ui, "btn-cancel", (SDL_Rect){s->col_x, s->foot_y, cw, s->btn_h},
                       DRAW_ICON_CHEVRON_LEFT, tr(s, "admin.exit"), UI_STYLE_QUIET, true))
        scr_emit(s, FLOW_EV_ADMIN_EXIT, 0);
}

/* One list of plugin lines under a heading; returns the y below it. */
static int
scr_admin_list(Screens *s, const char *heading, const char *const *lines, size_t n, SDL_Color tone,
               int x, int y, int w)
{
    const ThemeColors *c = &s->th->c;
    int spx = fpx(s, THEME_FONT_SMALL);

    y += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT}, heading, x, y, w);
    y += mm(s, 1);
    if (n == 0)
        return y + text_para(s->text, &(TextStyle){spx, false, c->text, TEXT_LEFT}, "\xE2\x80\x94",
                             x, y, w);
    for (size_t i = 0; i < n; i++)
        y += text_para(s->text, &(TextStyle){spx, false, tone, TEXT_LEFT}, lines[i], x, y, w) +
             mm(s, 1);
    return y;
}

static void
scr_admin(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = scr_heading(s, NULL, tr(s, "admin.title"), s->bar_h + mm(s, 10));
    int px = fpx(s, THEME_FONT_BODY), hpx = fpx(s, THEME_FONT_HEADING);
    char num[32];
    struct {
        const char *key;
        unsigned long n;
    } rows[] = {{"admin.certificates", v->stats.certificates_issued},
                {"admin.plugins_loaded", v->stats.plugins_loaded},
                {"admin.plugins_refused", v->stats.plugins_refused}};
    int cw = (s->col_w - 2 * s->gap) / 3, ch = mm(s, 34);
    for (int i = 0; i < 3; i++) {
        int h = mm(s, 9) + hpx * 2 +
                text_para_height(s->text, px, false, tr(s, rows[i].key), cw - mm(s, 12));
        ch = h > ch ? h : ch;
    }
    for (int i = 0; i < 3; i++) {
        SDL_Rect r = {s->col_x + i * (cw + s->gap), y, cw, ch};
        draw_round_border(s->draw, r, mm(s, 2), 2, c->border, c->surface);
        snprintf(num, sizeof num, "%lu", rows[i].n);
        text_line(s->text, &(TextStyle){hpx * 3 / 2, true, c->heading, TEXT_LEFT}, num,
                  r.x + mm(s, 6), r.y + mm(s, 4), r.w - mm(s, 12));
        text_para(s->text, &(TextStyle){px, false, c->text, TEXT_LEFT}, tr(s, rows[i].key),
                  r.x + mm(s, 6), r.y + mm(s, 4) + hpx * 2, r.w - mm(s, 12));
        char id[32];
        snprintf(id, sizeof id, "stat-%d", i);
        ui_note(s->ui, id, UI_KIND_TEXT, r, 0, num);
    }
    y += ch + mm(s, 6);
    /* Which bundles: loaded on the left, refused (with the reason) on the right. */
    SDL_Rect view = {s->col_x, y, s->col_w, s->foot_y - mm(s, 5) - y};
    int off = ui_scroll_begin(s->ui, "plugins", view);
    int half = (s->col_w - s->gap) / 2;
    int y1 = scr_admin_list(s, tr(s, "admin.plugins_loaded"), s->admin_loaded, s->n_admin_loaded,
                            c->text, s->col_x, y - off, half);
    int y2 = scr_admin_list(s, tr(s, "admin.plugins_refused"), s->admin_refused,
                            s->n_admin_refused, c->error, s->col_x + half + s->gap, y - off,
                            half - mm(s, 5));
    ui_scroll_end(s->ui, (y1 > y2 ? y1 : y2) + off - y);
    int bw = ui_button_width(s->ui, tr(s, "admin.exit"), false);
    bw = bw < mm(s, 62) ? mm(s, 62) : bw;
    if (ui_button(s->ui, "btn-admin-exit",
                  (SDL_Rect){s->col_x + s->col_w - bw, s->foot_y, bw, s->btn_h},
                  tr(s, "admin.exit"), UI_STYLE_PRIMARY, true))
        scr_emit(s, FLOW_EV_ADMIN_EXIT, 0);
    int qw = ui_button_width(s->ui, tr(s, "admin.quit"), false);
    qw = qw < mm(s, 62) ? mm(s, 62) : qw;
    if (ui_button(s->ui, "btn-admin-quit", (SDL_Rect){s->col_x, s->foot_y, qw, s->btn_h},
                  tr(s, "admin.quit"), UI_STYLE_SECONDARY, true))
        scr_emit(s, FLOW_EV_ADMIN_QUIT, 0);
}

/* ---------- cancel confirmation ---------- */

/* A modal box of width w centred on the screen, with an icon, a heading and
 * a body; returns the y where its buttons go (bh high) and sets *box. */
static int
scr_modal_box(Screens *s, DrawIcon icon, const char *title, const char *body, int bh,
              SDL_Rect *box)
{
    const ThemeColors *c = &s->th->c;
    int w = mm(s, 190), pad = mm(s, 10);
    if (w > s->W - 2 * s->margin)
        w = s->W - 2 * s->margin;
    int x = (s->W - w) / 2, iw = w - 2 * pad;
    int hpx = fpx(s, THEME_FONT_HEADING), px = fpx(s, THEME_FONT_BODY);
    int is = mm(s, 16);
    int h = pad + is + mm(s, 5) + text_para_height(s->text, hpx, true, title, iw) + mm(s, 3) +
            text_para_height(s->text, px, false, body, iw) + mm(s, 8) + bh + pad;
    int y = (s->H - h) / 2;
    *box = (SDL_Rect){x, y, w, h};
    draw_round_border(s->draw, *box, mm(s, 3), 3, c->border, c->surface);
    y += pad;
    draw_icon(s->draw, icon, x + (w - is) / 2, y, is, c->heading);
    y += is + mm(s, 5);
    y += text_para(s->text, &(TextStyle){hpx, true, c->heading, TEXT_CENTER}, title, x + pad, y,
                   iw);
    y += mm(s, 3);
    y += text_para(s->text, &(TextStyle){px, false, c->text, TEXT_CENTER}, body, x + pad, y, iw);
    return y + mm(s, 8);
}

static void
scr_cancel_modal(Screens *s)
{
    int pad = mm(s, 10), g = mm(s, 4);
    int bh = mm(s, 20);
    SDL_Rect box;
    int y = scr_modal_box(s, DRAW_ICON_ALERT, tr(s, "cancel.title"), tr(s, "cancel.body"), bh, &box);
    int bw = (box.w - 2 * pad - g) / 2;
    int h = ui_button_height(s->ui, tr(s, "cancel.confirm"), false, bw, bh);
    int h2 = ui_button_height(s->ui, tr(s, "cancel.keep"), false, bw, bh);
    h = h > h2 ? h : h2;
    /* Continuing is the primary (safe) choice; erasing is outlined. */
    if (ui_button(s->ui, "btn-cancel-confirm", (SDL_Rect){box.x + pad, y, bw, h},
                  tr(s, "cancel.confirm"), UI_STYLE_SECONDARY, true)) {
        s->confirm_cancel = false;
        scr_emit(s, FLOW_EV_CANCEL, 0);
    }
    if (ui_button(s->ui, "btn-cancel-keep", (SDL_Rect){box.x + pad + bw + g, y, bw, h},
                  tr(s, "cancel.keep"), UI_STYLE_PRIMARY, true)) {
        s->confirm_cancel = false;
        ui_invalidate(s->ui);
    }
}

/* ---------- idle warning ---------- */

static void
scr_idle_modal(Screens *s, const FlowView *v)
{
    char secs[16], body[512];
    snprintf(secs, sizeof secs, "%u", v->idle_seconds_left);
    const char *names[] = {"seconds"}, *vals[] = {secs};
    trf(s, "idle.body", body, sizeof body, 1, names, vals);
    int pad = mm(s, 10), bh = mm(s, 24);
    SDL_Rect box;
    int y = scr_modal_box(s, DRAW_ICON_CLOCK, tr(s, "idle.title"), body, bh, &box);
    if (ui_button(s->ui, "btn-more-time", (SDL_Rect){box.x + pad, y, box.w - 2 * pad, bh},
                  tr(s, "idle.more_time"), UI_STYLE_PRIMARY, true))
        scr_emit(s, FLOW_EV_MORE_TIME, 0);
}

/* ---------- frame ---------- */

static void
scr_draw_screen(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;

    switch (v->screen) {
    case FLOW_SCREEN_ATTRACT:
        scr_attract(s, v);
        break;
    case FLOW_SCREEN_PRIVACY:
        scr_privacy(s, v);
        break;
    case FLOW_SCREEN_NATION:
        scr_nation(s, v);
        break;
    case FLOW_SCREEN_IDENTITY:
        scr_identity(s, v);
        break;
    case FLOW_SCREEN_CONDUCT:
        scr_conduct(s, v);
        break;
    case FLOW_SCREEN_TRAINING:
        scr_training(s, v);
        break;
    case FLOW_SCREEN_QUIZ:
        scr_quiz(s, v);
        break;
    case FLOW_SCREEN_QUIZ_RESULT:
        scr_quiz_result(s, v);
        break;
    case FLOW_SCREEN_TRAINING_CONFIRM:
        scr_training_confirm(s, v);
        break;
    case FLOW_SCREEN_ACKNOWLEDGE:
        scr_acknowledge(s, v);
        break;
    case FLOW_SCREEN_SIGN:
        scr_sign(s, v);
        break;
    case FLOW_SCREEN_CERTIFICATE:
        scr_certificate(s, v);
        break;
    case FLOW_SCREEN_NOT_REQUIRED:
        scr_message(s, v, DRAW_ICON_CHECK, c->success, tr(s, "notreq.title"), tr(s, "notreq.body"));
        break;
    case FLOW_SCREEN_ERROR:
        scr_message(s, v, DRAW_ICON_ALERT, c->error, tr(s, "error.title"),
                    tr(s, "error.call_staff"));
        break;
    case FLOW_SCREEN_ADMIN_PIN:
        scr_admin_pin(s, v);
        break;
    case FLOW_SCREEN_ADMIN:
        scr_admin(s, v);
        break;
    default:
        break;
    }
}

/* The screen under the idle warning is drawn once, dimmed, and kept as a
 * texture: blending a full-screen overlay every frame costs ~6 ms. */
static void
scr_dim_capture(Screens *s, const FlowView *v)
{
    ui_block_begin(s->ui);
    scr_top_bar(s, v, false);
    scr_draw_screen(s, v);
    ui_block_end(s->ui);
    SDL_SetRenderDrawBlendMode(s->r, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(s->r, 0, 0, 0, 150);
    SDL_RenderFillRect(s->r, NULL);
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, s->W, s->H, 32, SDL_PIXELFORMAT_ARGB8888);
    if (surf == NULL)
        return;
    if (SDL_RenderReadPixels(s->r, NULL, SDL_PIXELFORMAT_ARGB8888, surf->pixels, surf->pitch) == 0)
        s->dim = SDL_CreateTextureFromSurface(s->r, surf);
    sodium_memzero(surf->pixels, (size_t)surf->pitch * (size_t)surf->h);
    SDL_FreeSurface(surf);
    if (s->dim != NULL)
        SDL_SetTextureBlendMode(s->dim, SDL_BLENDMODE_NONE);
    s->dim_w = s->W;
    s->dim_h = s->H;
    /* The events of the blocked widgets are none; forget what was queued
     * (a section end seen here is sent again once the warning is gone). */
    s->nq = 0;
    s->read_end_sent = false;
}

int
screens_frame(Screens *s, Flow *flow, uint64_t now_ms)
{
    const FlowView *v = flow_view(flow);

    if (!s->wipe_init || v->wipe_count != s->wipe_seen) {
        scr_forget_personal(s);
        s->wipe_seen = v->wipe_count;
        s->wipe_init = true;
    }
    if (v->high_contrast != s->th->high_contrast || v->text_size_percent != s->th->text_percent)
        theme_set(s->th, v->high_contrast, v->text_size_percent);
    scr_sync_language(s, v->language);
    scr_geometry(s);
    scr_osk_sync(s, v);
    s->screen = v->screen;
    s->nq = 0;

    ui_begin(s->ui, now_ms);
    /* Not rasterising: a 1x1 viewport makes SDL drop every copy and fill
     * outside it, while the layout and its widgets stay the same. */
    SDL_RenderSetViewport(s->r, s->raster_off ? &(SDL_Rect){0, 0, 1, 1} : NULL);
    const ThemeColors *c = &s->th->c;
    SDL_SetRenderDrawColor(s->r, c->bg.r, c->bg.g, c->bg.b, 255);
    SDL_RenderClear(s->r);
    /* The cancel confirmation belongs to the screen it was asked on. */
    if (v->screen != s->confirm_screen || v->screen == FLOW_SCREEN_ATTRACT ||
        v->screen == FLOW_SCREEN_ADMIN_PIN || v->screen == FLOW_SCREEN_ADMIN)
        s->confirm_cancel = false;
    s->confirm_screen = v->screen;
    if (v->idle_warning || s->confirm_cancel) {
        if (s->dim == NULL || s->dim_w != s->W || s->dim_h != s->H) {
            if (s->dim != NULL)
                SDL_DestroyTexture(s->dim);
            s->dim = NULL;
            scr_dim_capture(s, v);
        }
        if (s->dim != NULL)
            SDL_RenderCopy(s->r, s->dim, NULL, NULL);
        if (v->idle_warning)
            scr_idle_modal(s, v);
        else
            scr_cancel_modal(s);
    } else {
        if (s->dim != NULL) {
            SDL_DestroyTexture(s->dim);
            s->dim = NULL;
        }
        bool person = v->screen != FLOW_SCREEN_ADMIN_PIN && v->screen != FLOW_SCREEN_ADMIN;
        if (v->screen == FLOW_SCREEN_CERTIFICATE)
            scr_cert_qr(s, v);
        if (v->screen != FLOW_SCREEN_CERTIFICATE || !scr_cert_full_height(s))
            scr_top_bar(s, v, person);
        scr_draw_screen(s, v);
    }
    int wake = ui_end(s->ui);

    /* Hand the queued events to the flow, now that the view is no longer read. */
    for (int i = 0; i < s->nq; i++) {
        ScrEvent *e = &s->q[i];
        if (e->has_text)
            e->ev.text = e->text;
        flow_handle(flow, &e->ev);
        sodium_memzero(e, sizeof *e);
    }
    if (s->nq > 0) {
        s->nq = 0;
        ui_invalidate(s->ui);
        return 0;
    }
    /* The countdown shows whole seconds. */
    if (flow_view(flow)->idle_warning && (wake < 0 || wake > 250))
        wake = 250;
    return wake;
}
