/* widget_scroll: vertical scroll views — touch drag, kinetic fling, "shown to its end", and
 * bringing a widget into view. */
#include "widget_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* Scrolls the view holding e (if any) so that e is in view. */
void
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
