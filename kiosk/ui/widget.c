/* widget: the kiosk's immediate-mode widget layer (see widget.h for the rules). */
#include "widget.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define UI_QUEUE 512
#define UI_MAX_WIDGETS 640
#define UI_MAX_SCROLLS 16
#define UI_MAX_SAMPLES 1024
#define UI_VEL_SAMPLES 32
#define UI_FLING_TAU_MS 300.0f

typedef struct UiScroll {
    char id[UI_ID_MAX];
    bool used;
    float offset;
    int max_offset; /* of the last frame */
    SDL_Rect view;  /* of the last frame */
    bool at_end;
    bool flinging;
    uint64_t fling_t0;
    float fling_from, fling_v; /* px, px/ms */
    float drag_from;
} UiScroll;

/* A widget being built this frame, with what focus handling needs. */
typedef struct UiEntry {
    UiWidget w;
    SDL_Rect full; /* unclipped rectangle */
    int scroll;    /* index of its scroll view, -1 if none */
    bool focusable;
} UiEntry;

struct Ui {
    SDL_Renderer *r;
    Text *text;
    Draw *draw;
    Theme *theme;

    SDL_Event queue[UI_QUEUE];
    uint64_t queue_t[UI_QUEUE];
    int qhead, qlen;
    uint64_t now;

    /* the pointer (one finger or the mouse) */
    bool down, pressed, released, moved_far;
    bool by_finger;
    SDL_FingerID finger;
    float px, py, down_x, down_y;
    uint64_t down_t;
    UiSample samples[UI_MAX_SAMPLES];
    int nsamples;
    struct {
        float y;
        uint64_t t;
    } vel[UI_VEL_SAMPLES];
    int nvel;

    /* interaction */
    char active[UI_ID_MAX]; /* widget the pointer went down on */
    char cand[UI_ID_MAX];   /* topmost widget under a press this frame */
    char scroll_cand[UI_ID_MAX];
    int drag_scroll; /* scroll view being dragged, -1 none */
    bool hold_fired;
    char focus[UI_ID_MAX];
    bool focus_visible;
    int nav;  /* +1 / -1 focus move requested this frame */
    int page; /* +1 / -1 page scroll requested this frame */
    bool activate;
    float wheel;
    char typed[256];
    int backspaces;

    /* scroll views */
    UiScroll scrolls[UI_MAX_SCROLLS];
    int cur_scroll;
    SDL_Rect clip;

    /* layout */
    UiEntry entries[UI_MAX_WIDGETS];
    int nentries;
    UiWidget done[UI_MAX_WIDGETS];
    int ndone;

    int block;
    bool invalid;
    int wake_ms;
};

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

static void
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
    ui->cur_scroll = -1;
    text_set_clip(ui->text, NULL);
    text_frame_begin(ui->text);
}

static UiEntry *
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

static bool
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
static bool
ui_interact(Ui *ui, const char *id, SDL_Rect r, bool enabled, bool *pressed_out)
{
    bool fire = false;

    *pressed_out = false;
    if (ui->block > 0 || !enabled)
        return false;
    if (ui->pressed && ui_point_in(ui, r, ui->down_x, ui->down_y))
        snprintf(ui->cand, sizeof ui->cand, "%s", id);
    if (strcmp(ui->active, id) == 0) {
        bool inside = ui_point_in(ui, r, ui->px, ui->py);
        if (ui->released) {
            fire = inside && !ui->moved_far;
            ui->active[0] = '\0';
            ui->invalid = true;
        } else if (ui->down) {
            *pressed_out = inside && !ui->moved_far;
        }
    }
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

static void
ui_focus_ring(Ui *ui, const char *id, SDL_Rect r)
{
    if (!ui->focus_visible || strcmp(ui->focus, id) != 0 || ui->block > 0)
        return;
    int g = theme_mm(ui->theme, 0.8f), bw = 3;
    SDL_Rect ring = {r.x - g - bw, r.y - g - bw, r.w + 2 * (g + bw), r.h + 2 * (g + bw)};
    draw_ring(ui->draw, ring, theme_mm(ui->theme, 2.5f) + g, bw, ui->theme->c.focus);
}

/* Draws a label centred in r: one line if it fits, else wrapped. */
static void
ui_label(Ui *ui, SDL_Rect r, const char *label, int px, bool bold, SDL_Color c, TextAlign align)
{
    TextStyle st = {px, bold, c, align};
    int lh = text_line_height(ui->text, px, bold);
    int w = text_width(ui->text, px, bold, label);

    if (w <= r.w) {
        text_line(ui->text, &st, label, r.x, r.y + (r.h - lh) / 2, r.w);
        return;
    }
    int h = text_para_height(ui->text, px, bold, label, r.w);
    text_para(ui->text, &st, label, r.x, r.y + (r.h - h) / 2, r.w);
}

static int
ui_radius(Ui *ui)
{
    return theme_mm(ui->theme, 2.0f);
}

static void
ui_button_body(Ui *ui, SDL_Rect r, UiStyle style, bool enabled, bool pressed, SDL_Color *fg)
{
    const ThemeColors *c = &ui->theme->c;
    int rad = ui_radius(ui), bw = theme_mm(ui->theme, 0.5f);

    if (bw < 2)
        bw = 2;
    switch (style) {
    case UI_STYLE_PRIMARY:
        if (!enabled) {
            draw_round_border(ui->draw, r, rad, bw, c->border, c->disabled);
            *fg = c->on_disabled;
        } else {
            draw_round(ui->draw, r, rad, pressed ? c->pressed : c->primary);
            *fg = c->on_primary;
        }
        break;
    case UI_STYLE_SECONDARY:
        draw_round_border(ui->draw, r, rad, bw, enabled ? c->primary : c->border,
                          pressed ? c->selected : c->surface);
        *fg = enabled ? (ui->theme->high_contrast ? c->text : c->primary) : c->on_disabled;
        break;
    case UI_STYLE_QUIET:
        if (pressed)
            draw_round(ui->draw, r, rad, c->selected);
        *fg = pressed && ui->theme->high_contrast ? c->on_selected
              : ui->theme->high_contrast          ? c->text
                                                  : c->primary;
        break;
    case UI_STYLE_BAR:
        draw_round_border(ui->draw, r, rad, 2, c->on_bar, pressed ? c->on_bar : c->bar);
        *fg = pressed ? c->bar : c->on_bar;
        break;
    }
}

bool
ui_button_icon(Ui *ui, const char *id, SDL_Rect r, DrawIcon icon, const char *label, UiStyle style,
               bool enabled)
{
    bool pressed;
    bool fire = ui_interact(ui, id, r, enabled, &pressed);
    SDL_Color fg;
    int px = theme_font_px(ui->theme, THEME_FONT_LABEL);

    ui_add(ui, id, UI_KIND_BUTTON, r,
           (enabled ? 0 : UI_STATE_DISABLED) | (pressed ? UI_STATE_PRESSED : 0), label, true);
    ui_button_body(ui, r, style, enabled, pressed, &fg);
    int pad = theme_mm(ui->theme, 3.0f);
    SDL_Rect in = {r.x + pad, r.y, r.w - 2 * pad, r.h};
    if ((int)icon >= 0) {
        int is = px * 11 / 10;
        int tw = label && *label ? text_width(ui->text, px, true, label) : 0;
        int gap = tw ? px / 3 : 0;
        int total = is + gap + tw;
        if (total > in.w) {
            draw_icon(ui->draw, icon, in.x, r.y + (r.h - is) / 2, is, fg);
            in.x += is + gap;
            in.w -= is + gap;
            ui_label(ui, in, label, px, true, fg, TEXT_LEFT);
        } else {
            int x = in.x + (in.w - total) / 2;
            draw_icon(ui->draw, icon, x, r.y + (r.h - is) / 2, is, fg);
            if (tw)
                ui_label(ui, (SDL_Rect){x + is + gap, r.y, tw + 1, r.h}, label, px, true, fg,
                         TEXT_LEFT);
        }
    } else {
        ui_label(ui, in, label, px, true, fg, TEXT_CENTER);
    }
    ui_focus_ring(ui, id, r);
    return fire;
}

int
ui_button_width(Ui *ui, const char *label, bool icon)
{
    int px = theme_font_px(ui->theme, THEME_FONT_LABEL);
    int w = text_width(ui->text, px, true, label) + 2 * theme_mm(ui->theme, 3.0f) + 4;

    return icon ? w + px * 11 / 10 + px / 3 : w;
}

int
ui_button_height(Ui *ui, const char *label, bool icon, int w, int min_h)
{
    int px = theme_font_px(ui->theme, THEME_FONT_LABEL);
    int in = w - 2 * theme_mm(ui->theme, 3.0f) - (icon ? px * 11 / 10 + px / 3 : 0);
    int h = in > 0 ? text_para_height(ui->text, px, true, label, in) : 0;

    h += 2 * theme_mm(ui->theme, 2.5f);
    return h > min_h ? h : min_h;
}

bool
ui_button(Ui *ui, const char *id, SDL_Rect r, const char *label, UiStyle style, bool enabled)
{
    return ui_button_icon(ui, id, r, (DrawIcon)-1, label, style, enabled);
}

bool
ui_choice(Ui *ui, const char *id, SDL_Rect r, const char *label, const char *sub, bool selected)
{
    const ThemeColors *c = &ui->theme->c;
    bool pressed;
    bool fire = ui_interact(ui, id, r, true, &pressed);
    int rad = ui_radius(ui);
    int bw = selected ? theme_mm(ui->theme, 1.0f) : 2;
    int pad = theme_mm(ui->theme, 4.0f);
    int px = theme_font_px(ui->theme, THEME_FONT_LABEL);
    int spx = theme_font_px(ui->theme, THEME_FONT_SMALL);

    ui_add(ui, id, UI_KIND_CHOICE, r,
           (selected ? UI_STATE_CHECKED : 0) | (pressed ? UI_STATE_PRESSED : 0), label, true);
    draw_round_border(ui->draw, r, rad, bw, selected ? c->primary : c->border,
                      selected || pressed ? c->selected : c->surface);
    SDL_Color fg = selected ? c->on_selected : c->text;
    int is = theme_mm(ui->theme, 7.0f);
    SDL_Rect in = {r.x + pad, r.y, r.w - 2 * pad - (selected ? is + pad / 2 : 0), r.h};
    if (sub != NULL && *sub) {
        int lh = text_para_height(ui->text, px, true, label, in.w);
        int sh = text_line_height(ui->text, spx, false);
        int y = r.y + (r.h - lh - sh) / 2;
        text_para(ui->text, &(TextStyle){px, true, fg, TEXT_LEFT}, label, in.x, y, in.w);
        text_line(ui->text,
                  &(TextStyle){spx, false, selected ? c->on_selected : c->muted, TEXT_LEFT}, sub,
                  in.x, y + lh, in.w);
    } else {
        ui_label(ui, in, label, px, true, fg, TEXT_LEFT);
    }
    if (selected) {
        int cx = r.x + r.w - pad - is;
        draw_disc(ui->draw, cx + is / 2, r.y + r.h / 2, is / 2, c->primary);
        draw_icon(ui->draw, DRAW_ICON_CHECK, cx + is / 6, r.y + r.h / 2 - is / 3, is * 2 / 3,
                  c->on_primary);
    }
    ui_focus_ring(ui, id, r);
    return fire;
}

int
ui_choice_height(Ui *ui, const char *label, const char *sub, int w, int min_h)
{
    int pad = theme_mm(ui->theme, 4.0f), is = theme_mm(ui->theme, 7.0f);
    int px = theme_font_px(ui->theme, THEME_FONT_LABEL);
    int spx = theme_font_px(ui->theme, THEME_FONT_SMALL);
    /* Room for the tick a selected tile shows, so selecting never re-wraps. */
    int h = text_para_height(ui->text, px, true, label, w - 2 * pad - is - pad / 2);

    if (sub != NULL && *sub)
        h += text_line_height(ui->text, spx, false);
    h += 2 * theme_mm(ui->theme, 2.5f);
    return h > min_h ? h : min_h;
}

int
ui_check_row_height(Ui *ui, const char *text, int w)
{
    int px = theme_font_px(ui->theme, THEME_FONT_BODY);
    int box = theme_mm(ui->theme, 9.0f), pad = theme_mm(ui->theme, 4.0f);
    int th = text_para_height(ui->text, px, false, text, w - box - 3 * pad);
    int h = th > box ? th : box;
    int min = theme_mm(ui->theme, 15.0f);

    h += 2 * pad;
    return h < min ? min : h;
}

bool
ui_check_row(Ui *ui, const char *id, SDL_Rect r, const char *text, bool checked)
{
    const ThemeColors *c = &ui->theme->c;
    bool pressed;
    bool fire = ui_interact(ui, id, r, true, &pressed);
    int px = theme_font_px(ui->theme, THEME_FONT_BODY);
    int box = theme_mm(ui->theme, 9.0f), pad = theme_mm(ui->theme, 4.0f);
    int rad = ui_radius(ui);

    ui_add(ui, id, UI_KIND_CHECKBOX, r,
           (checked ? UI_STATE_CHECKED : 0) | (pressed ? UI_STATE_PRESSED : 0), text, true);
    draw_round_border(ui->draw, r, rad, checked ? 3 : 2, checked ? c->primary : c->border,
                      checked || pressed ? c->selected : c->surface);
    SDL_Rect b = {r.x + pad, r.y + pad, box, box};
    int th = text_para_height(ui->text, px, false, text, r.w - box - 3 * pad);
    if (th < box)
        b.y = r.y + (r.h - box) / 2;
    if (checked) {
        draw_round(ui->draw, b, rad / 2 + 1, c->primary);
        draw_icon(ui->draw, DRAW_ICON_CHECK, b.x + box / 8, b.y + box / 8, box * 3 / 4,
                  c->on_primary);
    } else {
        draw_round_border(ui->draw, b, rad / 2 + 1, 3, c->text, c->surface);
    }
    int ty = th < box ? r.y + (r.h - th) / 2 : r.y + pad;
    text_para(ui->text, &(TextStyle){px, false, checked ? c->on_selected : c->text, TEXT_LEFT},
              text, b.x + box + pad, ty, r.w - box - 3 * pad);
    ui_focus_ring(ui, id, r);
    return fire;
}

bool
ui_key(Ui *ui, const char *id, SDL_Rect r, const char *label, bool special)
{
    const ThemeColors *c = &ui->theme->c;
    bool pressed;
    bool fire = ui_interact(ui, id, r, true, &pressed);
    int px = theme_font_px(ui->theme, THEME_FONT_LABEL);

    ui_add(ui, id, UI_KIND_KEY, r, pressed ? UI_STATE_PRESSED : 0, label, true);
    SDL_Color fill = pressed ? c->primary : special ? c->disabled : c->surface;
    draw_round_border(ui->draw, r, ui_radius(ui), 2, c->border, fill);
    SDL_Color fg = pressed ? c->on_primary : c->text;
    if (strcmp(label, "\xE2\x8C\xAB") == 0) { /* ⌫ drawn as an icon */
        int is = r.h * 5 / 10;
        draw_icon(ui->draw, DRAW_ICON_BACKSPACE, r.x + (r.w - is) / 2, r.y + (r.h - is) / 2, is,
                  fg);
    } else {
        ui_label(ui, r, label, px, !special, fg, TEXT_CENTER);
    }
    ui_focus_ring(ui, id, r);
    return fire;
}

bool
ui_field(Ui *ui, const char *id, SDL_Rect r, const char *value, const char *placeholder,
         bool focused, bool invalid)
{
    const ThemeColors *c = &ui->theme->c;
    int px = theme_font_px(ui->theme, THEME_FONT_BODY);
    int pad = theme_mm(ui->theme, 4.0f);
    bool empty = value == NULL || *value == '\0';
    bool pressed;
    bool fire = ui_interact(ui, id, r, true, &pressed);

    ui_add(ui, id, UI_KIND_FIELD, r, focused ? UI_STATE_CHECKED : 0, empty ? "" : value, true);
    SDL_Color bc = invalid ? c->error : focused ? c->primary : c->border;
    draw_round_border(ui->draw, r, ui_radius(ui), invalid || focused ? 4 : 2, bc, c->surface);
    int lh = text_line_height(ui->text, px, false);
    int y = r.y + (r.h - lh) / 2;
    SDL_Rect in = {r.x + pad, y, r.w - 2 * pad, lh};
    int tw = 0;
    if (!empty) {
        /* Keep the end of a long value (where typing happens) in view. */
        int w = text_width(ui->text, px, false, value);
        int shift = w > in.w - 8 ? w - (in.w - 8) : 0;
        SDL_RenderSetClipRect(ui->r, &in);
        tw = text_line(ui->text, &(TextStyle){px, false, c->text, TEXT_LEFT}, value, in.x - shift,
                       y, in.w + shift);
        SDL_RenderSetClipRect(ui->r, NULL);
        tw -= shift;
    } else if (placeholder != NULL && !focused) {
        text_line(ui->text, &(TextStyle){px, false, c->muted, TEXT_LEFT}, placeholder, in.x, y,
                  in.w);
    }
    /* A steady caret: blinking would cost a frame every half second. */
    if (focused)
        draw_rect(ui->draw, (SDL_Rect){in.x + (empty ? 0 : tw + 3), y + lh / 8, 3, lh * 3 / 4},
                  c->primary);
    ui_focus_ring(ui, id, r);
    return fire;
}

bool
ui_hotspot(Ui *ui, const char *id, SDL_Rect r, int hold_ms)
{
    bool pressed;

    (void)ui_interact(ui, id, r, true, &pressed);
    ui_add(ui, id, UI_KIND_HOTSPOT, r, 0, "", false);
    if (strcmp(ui->active, id) != 0 || !ui->down || ui->moved_far || ui->hold_fired)
        return false;
    uint64_t held = ui->now - ui->down_t;
    if (held >= (uint64_t)hold_ms) {
        ui->hold_fired = true;
        ui->active[0] = '\0';
        ui->invalid = true;
        return true;
    }
    int wait = hold_ms - (int)held;
    if (ui->wake_ms < 0 || wait < ui->wake_ms)
        ui->wake_ms = wait;
    return false;
}

void
ui_note(Ui *ui, const char *id, UiKind kind, SDL_Rect r, unsigned state, const char *label)
{
    ui_add(ui, id, kind, r, state, label, false);
}

int
ui_pad(Ui *ui, const char *id, SDL_Rect r, UiSample *out, int max)
{
    bool pressed;
    int n = 0;
    /* The pad owns its drag: the press that started on it is never turned
     * into a scroll, and samples outside it still belong to the stroke. */
    bool mine = ui->block == 0 && (strcmp(ui->active, id) == 0 ||
                                   (ui->pressed && ui_point_in(ui, r, ui->down_x, ui->down_y)));

    (void)ui_interact(ui, id, r, true, &pressed);
    ui_add(ui, id, UI_KIND_PAD, r, 0, "", false);
    if (!mine)
        return 0;
    for (int i = 0; i < ui->nsamples && n < max; i++)
        out[n++] = ui->samples[i];
    return n;
}

int
ui_scroll_begin(Ui *ui, const char *id, SDL_Rect r)
{
    int slot = -1, free_slot = -1;

    for (int i = 0; i < UI_MAX_SCROLLS; i++) {
        if (ui->scrolls[i].used && strcmp(ui->scrolls[i].id, id) == 0)
            slot = i;
        else if (!ui->scrolls[i].used && free_slot < 0)
            free_slot = i;
    }
    if (slot < 0) {
        slot = free_slot >= 0 ? free_slot : 0;
        memset(&ui->scrolls[slot], 0, sizeof ui->scrolls[slot]);
        ui->scrolls[slot].used = true;
        snprintf(ui->scrolls[slot].id, sizeof ui->scrolls[slot].id, "%s", id);
    }
    UiScroll *s = &ui->scrolls[slot];
    s->view = r;
    if (ui->block == 0) {
        if (ui->pressed && ui->down_x >= r.x && ui->down_x < r.x + r.w && ui->down_y >= r.y &&
            ui->down_y < r.y + r.h)
            snprintf(ui->scroll_cand, sizeof ui->scroll_cand, "%s", id);
        if (ui->wheel != 0) {
            s->offset -= ui->wheel * (float)theme_mm(ui->theme, 25.0f);
            ui->wheel = 0;
            ui_scroll_clamp(s);
        }
        if (ui->page != 0) {
            s->offset += (float)ui->page * (float)r.h * 0.85f;
            ui->page = 0;
            ui_scroll_clamp(s);
        }
    }
    ui->cur_scroll = slot;
    ui->clip = r;
    SDL_RenderSetClipRect(ui->r, &r);
    text_set_clip(ui->text, &r);
    return (int)lroundf(s->offset);
}

bool
ui_scroll_end(Ui *ui, int content_h)
{
    UiScroll *s = &ui->scrolls[ui->cur_scroll];
    const ThemeColors *c = &ui->theme->c;
    SDL_Rect r = s->view;

    s->max_offset = content_h > r.h ? content_h - r.h : 0;
    ui_scroll_clamp(s);
    if (s->offset >= (float)s->max_offset - 2.0f)
        s->at_end = true;
    SDL_RenderSetClipRect(ui->r, NULL);
    text_set_clip(ui->text, NULL);
    ui->cur_scroll = -1;

    /* A scroll bar tells the reader how much is left. */
    if (s->max_offset > 0) {
        int bw = theme_mm(ui->theme, 1.5f);
        int th = r.h * r.h / content_h;
        int min = theme_mm(ui->theme, 10.0f);
        th = th < min ? min : th;
        int ty = r.y + (int)((float)(r.h - th) * s->offset / (float)s->max_offset);
        draw_round(ui->draw, (SDL_Rect){r.x + r.w - bw - 2, r.y, bw, r.h}, bw / 2, c->disabled);
        draw_round(ui->draw, (SDL_Rect){r.x + r.w - bw - 2, ty, bw, th}, bw / 2, c->border);
    }
    ui_add(ui, s->id, UI_KIND_SCROLL, r, s->at_end ? UI_STATE_AT_END : 0, "", false);
    if (s->flinging)
        ui->wake_ms = 16;
    return s->at_end;
}

bool
ui_scroll_to(Ui *ui, const char *id, int pos)
{
    for (int i = 0; i < UI_MAX_SCROLLS; i++) {
        UiScroll *s = &ui->scrolls[i];
        if (s->used && strcmp(s->id, id) == 0) {
            s->flinging = false;
            s->offset = pos < 0 ? (float)s->max_offset : (float)pos;
            ui_scroll_clamp(s);
            ui->invalid = true;
            return true;
        }
    }
    return false;
}

void
ui_scroll_forget(Ui *ui, const char *id)
{
    for (int i = 0; i < UI_MAX_SCROLLS; i++)
        if (ui->scrolls[i].used && strcmp(ui->scrolls[i].id, id) == 0)
            memset(&ui->scrolls[i], 0, sizeof ui->scrolls[i]);
}

const char *
ui_typed(const Ui *ui, int *backspaces)
{
    if (backspaces != NULL)
        *backspaces = ui->backspaces;
    return ui->typed;
}

/* Scrolls the view holding e (if any) so that e is in view. */
static void
ui_bring_into_view(Ui *ui, const UiEntry *e)
{
    if (e->scroll < 0)
        return;
    UiScroll *s = &ui->scrolls[e->scroll];
    int margin = theme_mm(ui->theme, 4.0f);
    if (e->full.y < s->view.y)
        s->offset -= (float)(s->view.y - e->full.y + margin);
    else if (e->full.y + e->full.h > s->view.y + s->view.h)
        s->offset += (float)(e->full.y + e->full.h - (s->view.y + s->view.h) + margin);
    ui_scroll_clamp(s);
    ui->invalid = true;
}

bool
ui_reveal(Ui *ui, const char *id)
{
    for (int i = ui->nentries - 1; i >= 0; i--)
        if (strcmp(ui->entries[i].w.id, id) == 0) {
            ui_bring_into_view(ui, &ui->entries[i]);
            return true;
        }
    return false;
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
    if (ui->down)
        ui->invalid = true; /* pressed looks follow the finger */
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

    for (int i = 0; i < ui->ndone; i++) {
        const UiWidget *w = &ui->done[i];
        fprintf(f, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\n", w->id, ui_kind_name(w->kind), w->rect.x,
                w->rect.y, w->rect.w, w->rect.h, ui_state_words(w->state, buf), w->label);
    }
}
