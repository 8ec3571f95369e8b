/* screens_intake: the start of a session — attract, privacy, nation and category, identity,
 * and the typing (on-screen keyboards, labelled fields) they share. */
#include "screens_int.h"

#include <stdio.h>
#include <string.h>

/* ---------- attract ---------- */

void
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

void
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
void
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
void
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
int
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
int
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

const char *
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

void
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

void
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
