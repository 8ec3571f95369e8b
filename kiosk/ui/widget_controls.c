/* widget_controls: the widgets people touch — buttons, choice tiles, checkbox rows, keys, text
 * fields, the hidden hotspot, notes and the signature pad's raw region. */
#include "widget_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
ui_label_px(Ui *ui)
{
    return ui->label_px > 0 ? ui->label_px : theme_font_px(ui->theme, THEME_FONT_LABEL);
}

void
ui_set_label_px(Ui *ui, int px)
{
    ui->label_px = px;
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
    int px = ui_label_px(ui);

    ui_add(ui, id, UI_KIND_BUTTON, r,
           (enabled ? 0 : UI_STATE_DISABLED) | (pressed ? UI_STATE_PRESSED : 0), label, true);
    ui_button_body(ui, r, style, enabled, pressed, &fg);
    text_set_owner(ui->text, id);
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
    text_set_owner(ui->text, NULL);
    ui_focus_ring(ui, id, r);
    return fire;
}

int
ui_button_width(Ui *ui, const char *label, bool icon)
{
    int px = ui_label_px(ui);
    int w = text_width(ui->text, px, true, label) + 2 * theme_mm(ui->theme, 3.0f) + 4;

    return icon ? w + px * 11 / 10 + px / 3 : w;
}

int
ui_button_height(Ui *ui, const char *label, bool icon, int w, int min_h)
{
    int px = ui_label_px(ui);
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
    text_set_owner(ui->text, id);
    int is = theme_mm(ui->theme, 7.0f);
    SDL_Rect in = {r.x + pad, r.y, r.w - 2 * pad - (selected ? is + pad / 2 : 0), r.h};
    if (sub != NULL && *sub) {
        /* The sub line wraps too (a country's English name under its own). */
        int lh = text_para_height(ui->text, px, true, label, in.w);
        int sh = text_para_height(ui->text, spx, false, sub, in.w);
        int y = r.y + (r.h - lh - sh) / 2;
        text_para(ui->text, &(TextStyle){px, true, fg, TEXT_LEFT}, label, in.x, y, in.w);
        text_para(ui->text,
                  &(TextStyle){spx, false, selected ? c->on_selected : c->muted, TEXT_LEFT}, sub,
                  in.x, y + lh, in.w);
    } else {
        ui_label(ui, in, label, px, true, fg, TEXT_LEFT);
    }
    text_set_owner(ui->text, NULL);
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
        h += text_para_height(ui->text, spx, false, sub, w - 2 * pad - is - pad / 2);
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
    text_set_owner(ui->text, id);
    text_para(ui->text, &(TextStyle){px, false, checked ? c->on_selected : c->text, TEXT_LEFT},
              text, b.x + box + pad, ty, r.w - box - 3 * pad);
    text_set_owner(ui->text, NULL);
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
        /* A key's label fits its key (keys shrink on short displays before
         * the text size would push them off the screen). */
        int lh = text_line_height(ui->text, px, !special);
        if (lh > r.h - 2)
            px = px * (r.h - 2) / lh;
        int lw = text_width(ui->text, px, !special, label);
        if (lw > r.w - 4 && lw > 0)
            px = px * (r.w - 4) / lw;
        text_set_owner(ui->text, id);
        ui_label(ui, r, label, px, !special, fg, TEXT_CENTER);
        text_set_owner(ui->text, NULL);
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
    if (!empty) {
        /* Marks stacked higher than the room above the line: the line moves
         * down (as far as the room below allows) so they show whole. */
        int rise = text_line_rise(ui->text, &(TextStyle){px, false, c->text, TEXT_LEFT}, value);
        int room = y - (r.y + 4), below = r.y + r.h - 4 - (y + lh);
        if (rise > room)
            y += rise - room < below ? rise - room : below;
    }
    SDL_Rect in = {r.x + pad, y, r.w - 2 * pad, lh};
    int tw = 0, caret_x = in.x;
    SDL_Rect outer_clip;
    bool had_clip = text_get_clip(ui->text, &outer_clip);
    text_set_owner(ui->text, id);
    if (!empty) {
        /* A value starts at the field's start edge: the left, or the right
         * when it reads right to left (its first letter Arabic, Hebrew...)
         * and grows leftward. The caret sits at its logical end, where
         * typing goes on: the right end of Latin text, the left end of an
         * Arabic name, mid-line where mixed text puts its last letter. A
         * value longer than the field scrolls to keep the caret in view. */
        TextStyle st = {px, false, c->text, TEXT_LEFT};
        int w = text_width(ui->text, px, false, value);
        int caret = text_caret_x(ui->text, &st, value);
        bool rtl = text_is_rtl(value);
        int lx = w <= in.w - 8 ? (rtl ? in.x + in.w - w : in.x)
                               : (rtl ? in.x + 8 : in.x + in.w - 8 - w);
        if (lx + caret < in.x + 8)
            lx = in.x + 8 - caret;
        else if (lx + caret > in.x + in.w - 8)
            lx = in.x + in.w - 8 - caret;
        /* The window spans the field's whole height inside its border, not
         * just the line: stacked combining marks reach above the line. */
        SDL_Rect win = {in.x, r.y + 4, in.w, r.h - 8}, vis = win;
        if (had_clip && !SDL_IntersectRect(&win, &outer_clip, &vis))
            vis = (SDL_Rect){in.x, in.y, 0, 0};
        SDL_RenderSetClipRect(ui->r, &vis);
        text_set_clip(ui->text, &vis);
        int bw = in.x + in.w - lx > w ? in.x + in.w - lx : w;
        tw = text_line(ui->text, &st, value, lx, y, bw);
        /* Clear of the text at either end; centred on the edge within it. */
        caret_x = caret >= w ? lx + tw + 3 : caret <= 0 ? lx - 6 : lx + caret - 1;
        SDL_RenderSetClipRect(ui->r, had_clip ? &outer_clip : NULL);
        text_set_clip(ui->text, had_clip ? &outer_clip : NULL);
    } else if (placeholder != NULL && !focused) {
        text_line(ui->text, &(TextStyle){px, false, c->muted, TEXT_LEFT}, placeholder, in.x, y,
                  in.w);
    }
    text_set_owner(ui->text, NULL);
    /* A steady caret: blinking would cost a frame every half second. */
    if (focused)
        draw_rect(ui->draw, (SDL_Rect){caret_x, y + lh / 8, 3, lh * 3 / 4}, c->primary);
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
