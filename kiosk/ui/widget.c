/* widget: the kiosk's immediate-mode widget layer (see widget.h for the rules). */
#include "widget.h"
#include "widget_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

Ui *
ui_create(SDL_Renderer *r, Text *text, Draw *draw, Theme *theme)
{
    Ui *ui = calloc(1, sizeof *ui);

    if (ui == NULL)
        return NULL;
    ui->r = r;
    ui->text = text;
    ui->draw = draw;
    ui->theme = theme;
    ui->drag_scroll = -1;
    ui->cur_scroll = -1;
    ui->invalid = true;
    return ui;
}

void
ui_destroy(Ui *ui)
{
    if (ui == NULL)
        return;
    /* Labels may have held a name or service number. */
    sodium_memzero(ui, sizeof *ui);
    free(ui);
}

uint64_t
ui_now(const Ui *ui)
{
    return ui->now;
}

Theme *
ui_theme(Ui *ui)
{
    return ui->theme;
}

Text *
ui_text(Ui *ui)
{
    return ui->text;
}

Draw *
ui_draw(Ui *ui)
{
    return ui->draw;
}

void
ui_invalidate(Ui *ui)
{
    ui->invalid = true;
}

bool
ui_invalid(const Ui *ui)
{
    return ui->invalid;
}

void
ui_reset(Ui *ui)
{
    memset(ui->scrolls, 0, sizeof ui->scrolls);
    ui->active[0] = ui->cand[0] = ui->scroll_cand[0] = ui->focus[0] = '\0';
    ui->drag_scroll = -1;
    ui->hold_fired = false;
    ui->invalid = true;
}

void
ui_block_begin(Ui *ui)
{
    ui->block++;
}

void
ui_block_end(Ui *ui)
{
    ui->block--;
}

bool
ui_push_event(Ui *ui, const SDL_Event *e, uint64_t now_ms)
{
    switch (e->type) {
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT)
            return false;
        break;
    case SDL_MOUSEMOTION:
        if (e->motion.which == SDL_TOUCH_MOUSEID || !(e->motion.state & SDL_BUTTON_LMASK))
            return false;
        break;
    case SDL_MOUSEWHEEL:
        if (e->wheel.which == SDL_TOUCH_MOUSEID)
            return false;
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION:
    case SDL_KEYDOWN:
    case SDL_TEXTINPUT:
        break;
    default:
        return false;
    }
    if (ui->qlen == UI_QUEUE)
        return false; /* a flood of input; dropping is better than stalling */
    int at = (ui->qhead + ui->qlen) % UI_QUEUE;
    ui->queue[at] = *e;
    ui->queue_t[at] = now_ms;
    ui->qlen++;
    return true;
}

bool
ui_pending(const Ui *ui)
{
    return ui->qlen > 0;
}

static void
ui_sample(Ui *ui, int phase)
{
    if (ui->nsamples < UI_MAX_SAMPLES)
        ui->samples[ui->nsamples++] = (UiSample){ui->px, ui->py, ui->now, phase};
    if (ui->nvel == UI_VEL_SAMPLES) {
        memmove(ui->vel, ui->vel + 1, sizeof ui->vel[0] * (UI_VEL_SAMPLES - 1));
        ui->nvel--;
    }
    ui->vel[ui->nvel].y = ui->py;
    ui->vel[ui->nvel].t = ui->now;
    ui->nvel++;
}

static float
ui_slop(const Ui *ui)
{
    return (float)theme_mm(ui->theme, UI_SLOP_MM);
}

static void
ui_pointer_down(Ui *ui, float x, float y)
{
    ui->down = ui->pressed = true;
    ui->moved_far = false;
    ui->px = ui->down_x = x;
    ui->py = ui->down_y = y;
    ui->down_t = ui->now;
    ui->hold_fired = false;
    ui->nvel = 0;
    ui->focus_visible = false;
    for (int i = 0; i < UI_MAX_SCROLLS; i++)
        ui->scrolls[i].flinging = false; /* a touch stops a fling */
    ui_sample(ui, 0);
}

void
ui_scroll_clamp(UiScroll *s)
{
    if (s->offset > s->max_offset)
        s->offset = (float)s->max_offset;
    if (s->offset < 0)
        s->offset = 0;
}

static void
ui_pointer_move(Ui *ui, float x, float y)
{
    if (!ui->down)
        return;
    ui->px = x;
    ui->py = y;
    float dx = x - ui->down_x, dy = y - ui->down_y;
    if (!ui->moved_far && sqrtf(dx * dx + dy * dy) > ui_slop(ui)) {
        ui->moved_far = true;
        /* A drag that starts in a scroll view scrolls it, unless the press
         * went to a pad (which wants the drag itself). */
        if (ui->scroll_cand[0] != '\0' && ui->drag_scroll != -2) {
            for (int i = 0; i < UI_MAX_SCROLLS; i++)
                if (ui->scrolls[i].used && strcmp(ui->scrolls[i].id, ui->scroll_cand) == 0) {
                    ui->drag_scroll = i;
                    ui->scrolls[i].drag_from = ui->scrolls[i].offset;
                    ui->active[0] = '\0';
                }
        }
    }
    if (ui->drag_scroll >= 0) {
        UiScroll *s = &ui->scrolls[ui->drag_scroll];
        s->offset = s->drag_from - (y - ui->down_y);
        ui_scroll_clamp(s);
    }
    ui_sample(ui, 1);
}

static void
ui_pointer_up(Ui *ui, float x, float y)
{
    if (!ui->down)
        return;
    ui->px = x;
    ui->py = y;
    ui->down = false;
    ui->released = true;
    ui_sample(ui, 2);
    if (ui->drag_scroll >= 0) {
        /* Kinetic scrolling: the finger's velocity over its last 100 ms. */
        UiScroll *s = &ui->scrolls[ui->drag_scroll];
        s->offset = s->drag_from - (y - ui->down_y);
        ui_scroll_clamp(s);
        int first = ui->nvel - 1;
        while (first > 0 && ui->now - ui->vel[first - 1].t <= 100)
            first--;
        uint64_t dt = ui->vel[ui->nvel - 1].t - ui->vel[first].t;
        if (dt > 0) {
            float v = -(ui->vel[ui->nvel - 1].y - ui->vel[first].y) / (float)dt;
            if (fabsf(v) > 0.1f) {
                s->flinging = true;
                s->fling_t0 = ui->now;
                s->fling_from = s->offset;
                s->fling_v = v;
            }
        }
    }
}

static void
ui_key_down(Ui *ui, const SDL_KeyboardEvent *k)
{
    switch (k->keysym.sym) {
    case SDLK_TAB:
        ui->nav = (k->keysym.mod & KMOD_SHIFT) ? -1 : 1;
        break;
    case SDLK_DOWN:
    case SDLK_RIGHT:
        ui->nav = 1;
        break;
    case SDLK_UP:
    case SDLK_LEFT:
        ui->nav = -1;
        break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
    case SDLK_SPACE:
        if (!k->repeat)
            ui->activate = true;
        break;
    case SDLK_PAGEDOWN:
        ui->page = 1;
        break;
    case SDLK_PAGEUP:
        ui->page = -1;
        break;
    case SDLK_BACKSPACE:
        ui->backspaces++;
        break;
    default:
        break;
    }
}

void
ui_begin(Ui *ui, uint64_t now_ms)
{
    ui->now = now_ms;
    ui->pressed = ui->released = false;
    ui->nsamples = 0;
    ui->nav = ui->page = 0;
    ui->activate = false;
    ui->wheel = 0;
    sodium_memzero(ui->typed, sizeof ui->typed);
    ui->backspaces = 0;
    ui->cand[0] = '\0';
    ui->invalid = false;
    ui->wake_ms = -1;

    while (ui->qlen > 0 && ui->nsamples < UI_MAX_SAMPLES - 1) {
        SDL_Event *e = &ui->queue[ui->qhead];
        bool edge = false;
        ui->now = ui->queue_t[ui->qhead] > ui->now ? ui->queue_t[ui->qhead] : ui->now;
        float W = (float)ui->theme->width, H = (float)ui->theme->height;

        switch (e->type) {
        case SDL_FINGERDOWN:
            if (!ui->down) {
                ui->by_finger = true;
                ui->finger = e->tfinger.fingerId;
                ui_pointer_down(ui, e->tfinger.x * W, e->tfinger.y * H);
                edge = true;
            }
            break;
        case SDL_FINGERMOTION:
            if (ui->down && ui->by_finger && e->tfinger.fingerId == ui->finger)
                ui_pointer_move(ui, e->tfinger.x * W, e->tfinger.y * H);
            break;
        case SDL_FINGERUP:
            if (ui->down && ui->by_finger && e->tfinger.fingerId == ui->finger) {
                ui_pointer_up(ui, e->tfinger.x * W, e->tfinger.y * H);
                edge = true;
            }
            break;
        case SDL_MOUSEBUTTONDOWN:
            if (!ui->down) {
                ui->by_finger = false;
                ui_pointer_down(ui, (float)e->button.x, (float)e->button.y);
                edge = true;
            }
            break;
        case SDL_MOUSEMOTION:
            if (ui->down && !ui->by_finger)
                ui_pointer_move(ui, (float)e->motion.x, (float)e->motion.y);
            break;
        case SDL_MOUSEBUTTONUP:
            if (ui->down && !ui->by_finger) {
                ui_pointer_up(ui, (float)e->button.x, (float)e->button.y);
                edge = true;
            }
            break;
        case SDL_MOUSEWHEEL:
            ui->wheel += e->wheel.preciseY;
            break;
        case SDL_KEYDOWN:
            ui_key_down(ui, &e->key);
            break;
        case SDL_TEXTINPUT: {
            size_t have = strlen(ui->typed), add = strnlen(e->text.text, sizeof e->text.text);
            if (have + add < sizeof ui->typed)
                memcpy(ui->typed + have, e->text.text, add + 1);
            break;
        }
        default:
            break;
        }
        sodium_memzero(e, sizeof *e);
        ui->qhead = (ui->qhead + 1) % UI_QUEUE;
        ui->qlen--;
        if (edge || ui->nav != 0 || ui->activate)
            break;
    }
    if (ui->now < now_ms)
        ui->now = now_ms;

    /* Flings advance with the clock. */
    for (int i = 0; i < UI_MAX_SCROLLS; i++) {
        UiScroll *s = &ui->scrolls[i];
        if (!s->used || !s->flinging)
            continue;
        float t = (float)(ui->now - s->fling_t0);
        s->offset =
            s->fling_from + s->fling_v * UI_FLING_TAU_MS * (1.0f - expf(-t / UI_FLING_TAU_MS));
        float before = s->offset;
        ui_scroll_clamp(s);
        if (t > 5 * UI_FLING_TAU_MS || before != s->offset)
            s->flinging = false;
    }
    ui->nentries = 0;
    ui->block = 0;
    ui->label_px = 0;
    ui->disabled_tap[0] = '\0';
    ui->cur_scroll = -1;
    text_set_clip(ui->text, NULL);
    text_frame_begin(ui->text);
}

UiEntry *
ui_add(Ui *ui, const char *id, UiKind kind, SDL_Rect r, unsigned state, const char *label,
       bool focusable)
{
    if (ui->nentries == UI_MAX_WIDGETS)
        return NULL;
    UiEntry *e = &ui->entries[ui->nentries++];
    memset(e, 0, sizeof *e);
    snprintf(e->w.id, sizeof e->w.id, "%s", id);
    e->w.kind = kind;
    e->full = r;
    e->scroll = ui->cur_scroll;
    e->w.full = r;
    e->w.scroll = ui->cur_scroll;
    if (ui->cur_scroll >= 0) {
        SDL_Rect vis;
        if (!SDL_IntersectRect(&r, &ui->clip, &vis))
            vis = (SDL_Rect){r.x, r.y, 0, 0};
        e->w.rect = vis;
    } else {
        e->w.rect = r;
    }
    e->w.state = state;
    if (focusable && ui->focus_visible && strcmp(ui->focus, id) == 0)
        e->w.state |= UI_STATE_FOCUSED;
    snprintf(e->w.label, sizeof e->w.label, "%s", label ? label : "");
    e->focusable = focusable && ui->block == 0 && !(state & UI_STATE_DISABLED);
    return e;
}

bool
ui_point_in(const Ui *ui, SDL_Rect r, float x, float y)
{
    if (ui->cur_scroll >= 0) {
        SDL_Rect vis;
        if (!SDL_IntersectRect(&r, &ui->clip, &vis))
            return false;
        r = vis;
    }
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

/* The interaction every target shares: returns true when activated (on
 * release inside, without a drag; or Enter on the focused widget). */
bool
ui_interact(Ui *ui, const char *id, SDL_Rect r, bool enabled, bool *pressed_out)
{
    bool fire = false;

    *pressed_out = false;
    if (ui->block > 0)
        return false;
    /* A disabled widget takes its tap too (it must not fall through to
     * what lies under it), and says so through ui_tapped_disabled(). */
    if (ui->pressed && ui_point_in(ui, r, ui->down_x, ui->down_y))
        snprintf(ui->cand, sizeof ui->cand, "%s", id);
    if (strcmp(ui->active, id) == 0) {
        bool inside = ui_point_in(ui, r, ui->px, ui->py);
        if (ui->released) {
            bool hit = inside && !ui->moved_far;
            ui->active[0] = '\0';
            ui->invalid = true;
            if (enabled)
                fire = hit;
            else if (hit)
                snprintf(ui->disabled_tap, sizeof ui->disabled_tap, "%s", id);
        } else if (ui->down) {
            *pressed_out = enabled && inside && !ui->moved_far;
        }
    }
    if (!enabled)
        return false;
    if (ui->activate && ui->focus_visible && strcmp(ui->focus, id) == 0) {
        fire = true;
        ui->activate = false;
    }
    if (fire) {
        snprintf(ui->focus, sizeof ui->focus, "%s", id);
        ui->invalid = true;
    }
    return fire;
}

bool
ui_tapped_disabled(const Ui *ui, const char *id)
{
    return strcmp(ui->disabled_tap, id) == 0;
}

void
ui_focus_ring(Ui *ui, const char *id, SDL_Rect r)
{
    if (!ui->focus_visible || strcmp(ui->focus, id) != 0 || ui->block > 0)
        return;
    int g = theme_mm(ui->theme, 0.8f), bw = 3;
    SDL_Rect ring = {r.x - g - bw, r.y - g - bw, r.w + 2 * (g + bw), r.h + 2 * (g + bw)};
    draw_ring(ui->draw, ring, theme_mm(ui->theme, 2.5f) + g, bw, ui->theme->c.focus);
}

const char *
ui_typed(const Ui *ui, int *backspaces)
{
    if (backspaces != NULL)
        *backspaces = ui->backspaces;
    return ui->typed;
}

static void
ui_focus_move(Ui *ui)
{
    int n = 0, cur = -1;
    int order[UI_MAX_WIDGETS];

    for (int i = 0; i < ui->nentries; i++)
        if (ui->entries[i].focusable) {
            if (strcmp(ui->entries[i].w.id, ui->focus) == 0)
                cur = n;
            order[n++] = i;
        }
    if (n == 0)
        return;
    int next = cur < 0 ? (ui->nav > 0 ? 0 : n - 1) : (cur + ui->nav + n) % n;
    /* The first Tab only shows where the focus is. */
    if (!ui->focus_visible && cur >= 0)
        next = cur;
    UiEntry *e = &ui->entries[order[next]];
    snprintf(ui->focus, sizeof ui->focus, "%s", e->w.id);
    ui->focus_visible = true;
    ui->invalid = true;
    ui_bring_into_view(ui, e);
}

int
ui_end(Ui *ui)
{
    if (ui->pressed) {
        snprintf(ui->active, sizeof ui->active, "%s", ui->cand);
        ui->drag_scroll = -1;
        /* A press on a pad keeps the drag for the pad. */
        for (int i = 0; i < ui->nentries; i++)
            if (ui->entries[i].w.kind == UI_KIND_PAD && strcmp(ui->entries[i].w.id, ui->cand) == 0)
                ui->drag_scroll = -2;
        if (ui->drag_scroll != -2) {
            bool in_view = false;
            for (int i = 0; i < ui->nentries; i++)
                if (ui->entries[i].w.kind == UI_KIND_SCROLL &&
                    strcmp(ui->entries[i].w.id, ui->scroll_cand) == 0)
                    in_view = true;
            if (!in_view)
                ui->scroll_cand[0] = '\0';
        }
        ui->invalid = true;
    }
    if (ui->released) {
        ui->active[0] = '\0';
        ui->scroll_cand[0] = '\0';
        ui->drag_scroll = -1;
    }
    if (ui->nav != 0)
        ui_focus_move(ui);
    for (int i = 0; i < ui->nentries; i++)
        ui->done[i] = ui->entries[i].w;
    ui->ndone = ui->nentries;
    if (ui->invalid)
        return 0;
    return ui->wake_ms;
}

int
ui_widget_count(const Ui *ui)
{
    return ui->ndone;
}

const UiWidget *
ui_widget_at(const Ui *ui, int i)
{
    return i >= 0 && i < ui->ndone ? &ui->done[i] : NULL;
}

const UiWidget *
ui_widget_find(const Ui *ui, const char *id)
{
    for (int i = ui->ndone - 1; i >= 0; i--)
        if (strcmp(ui->done[i].id, id) == 0)
            return &ui->done[i];
    return NULL;
}

const char *
ui_kind_name(UiKind k)
{
    static const char *names[] = {"button", "choice", "checkbox", "key", "scroll",
                                  "field",  "pad",    "hotspot",  "text"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

const char *
ui_state_words(unsigned state, char buf[64])
{
    snprintf(buf, 64, "%s%s%s%s%s", state & UI_STATE_DISABLED ? "disabled" : "enabled",
             state & UI_STATE_CHECKED ? ",checked" : "", state & UI_STATE_FOCUSED ? ",focused" : "",
             state & UI_STATE_PRESSED ? ",pressed" : "", state & UI_STATE_AT_END ? ",at-end" : "");
    return buf;
}

void
ui_dump_layout(const Ui *ui, FILE *f)
{
    char buf[64];
    const Theme *th = ui->theme;

    for (int i = 0; i < ui->ndone; i++) {
        const UiWidget *w = &ui->done[i];
        fprintf(f, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\n", w->id, ui_kind_name(w->kind), w->rect.x,
                w->rect.y, w->rect.w, w->rect.h, ui_state_words(w->state, buf), w->label);
    }
    fprintf(f, "#display\t%d\t%d\t%.3f\t%d\t%s\n", th->width, th->height, (double)th->px_per_mm,
            th->text_percent, th->high_contrast ? "high" : "normal");
    for (int i = 0; i < ui->ndone; i++) {
        const UiWidget *w = &ui->done[i];
        const char *sv = w->scroll >= 0 && w->scroll < UI_MAX_SCROLLS ? ui->scrolls[w->scroll].id : "";
        fprintf(f, "#full\t%s\t%d\t%d\t%d\t%d\t%s\n", w->id, w->full.x, w->full.y, w->full.w,
                w->full.h, *sv ? sv : "-");
    }
    for (int i = 0; i < text_run_count(ui->text); i++) {
        const TextRun *r = text_run_at(ui->text, i);
        fprintf(f, "#run\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t", r->owner[0] ? r->owner : "-",
                r->ink.x, r->ink.y, r->ink.w, r->ink.h, r->box.x, r->box.y, r->box.w, r->box.h);
        if (r->has_clip)
            fprintf(f, "%d,%d,%d,%d", r->clip.x, r->clip.y, r->clip.w, r->clip.h);
        else
            fputc('-', f);
        fprintf(f, "\t%s%s%s%s\t%s\n", r->flags ? "" : "-",
                r->flags & TEXT_RUN_CLIPPED ? "clipped" : "",
                r->flags & TEXT_RUN_BROKEN ? (r->flags & TEXT_RUN_CLIPPED ? ",broken" : "broken") : "",
                r->flags & TEXT_RUN_HEADING
                    ? (r->flags & (TEXT_RUN_CLIPPED | TEXT_RUN_BROKEN) ? ",heading" : "heading")
                    : "",
                r->head);
        /* Which fonts drew it and how many characters none had (boxes). */
        fprintf(f, "#glyphs\t%s\t%d\t", r->owner[0] ? r->owner : "-", r->missing);
        for (int k = 0, first = 1; k < 32; k++)
            if (r->fonts & (1u << k)) {
                fprintf(f, "%s%s", first ? "" : ",", text_font_name(k));
                first = 0;
            }
        fprintf(f, "\t%s\n", r->head);
    }
}
