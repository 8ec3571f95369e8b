/* screens_intake: the start of a session — attract, privacy, nation and category, identity,
 * and the typing (on-screen keyboards, labelled fields) they share. */
#include "screens_int.h"

#include <stdio.h>
#include <string.h>

/* ---------- attract ---------- */

/* The width of a choice tile that shows label on one line with the tick of
 * a selected tile (ui_choice's paddings). */
int
scr_choice_width(Screens *s, const char *label)
{
    int pad = mm(s, 4), is = mm(s, 7);

    return text_width(s->text, fpx(s, THEME_FONT_LABEL), true, label) + 2 * pad + is + pad / 2 + 4;
}

void
scr_attract(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;

    int tpx = fpx(s, THEME_FONT_TITLE), bpx = fpx(s, THEME_FONT_BODY);
    int spx = fpx(s, THEME_FONT_SMALL);
    int n = (int)s->n_languages;
    int per_row = n <= 4 ? n : (n + 1) / 2;
    int tw = mm(s, 62), th = mm(s, 18), g = mm(s, 4);
    int bw = mm(s, 90), bh = mm(s, 22);
    /* Tiles wide enough for every language's name on one line, tick
     * included; two rows when one row cannot hold them. */
    for (int i = 0; i < n; i++) {
        int w = scr_choice_width(s, scr_lang_name(s, s->languages[i]));
        tw = w > tw ? w : tw;
    }
    while (per_row > 2 && per_row * tw + (per_row - 1) * g > s->col_w)
        per_row = (n + 1) / 2 < per_row ? (n + 1) / 2 : per_row - 1;
    if (per_row * tw + (per_row - 1) * g > s->col_w)
        tw = (s->col_w - (per_row - 1) * g) / (per_row > 0 ? per_row : 1);
    int lang_rows = (n + per_row - 1) / (per_row > 0 ? per_row : 1);

    /* Measure first, then place: on a short display (1280x800, large
     * text) the gaps shrink, the tiles come down to 15 mm, the title to the
     * heading size, and the introduction and captions are left out, before
     * any control would overlap another or the help line. */
    /* How long, how much to read, how many questions: from the bundles, for
     * the longest way (words rounded to a hundred). */
    char intro_s[768], mins[16], words[16], qs[16];
    snprintf(mins, sizeof mins, "%u", v->estimate_minutes);
    snprintf(words, sizeof words, "%u", (v->estimate_words + 50) / 100 * 100);
    snprintf(qs, sizeof qs, "%u", v->estimate_questions);
    const char *in_names[] = {"minutes", "words", "questions"}, *in_vals[] = {mins, words, qs};
    const char *intro_t = trf(s, "attract.intro", intro_s, sizeof intro_s, 3, in_names, in_vals);
    int intro_h = text_para_height(s->text, bpx, false, intro_t, s->col_w);
    int cap_h = text_para_height(s->text, spx, true, tr(s, "attract.language"), s->col_w);
    int cap2_h = text_para_height(s->text, spx, true, tr(s, "attract.text_size"), s->col_w);
    int help_h = text_para_height(s->text, spx, false, tr(s, "help.staff"), s->col_w);
    int demo_h =
        s->demo ? text_para_height(s->text, spx, true, tr(s, "app.demo_notice"), s->W - 2 * s->margin) +
                      mm(s, 2)
                : 0;
    int top = s->bar_h, bottom = s->H - demo_h - help_h - mm(s, 3);
    int avail = bottom - top;
    /* gaps: above the title, title-intro, before languages, between the
     * rows, before Start, after Start */
    int gaps[6] = {mm(s, 22), mm(s, 2), mm(s, 9), mm(s, 5), mm(s, 9), mm(s, 4)};
    static const float small[6] = {5, 1.5f, 5, 3, 5, 2};
    bool intro = true, captions = true;
    int need = 0, sum = 0;
    for (int pass = 0; pass < 5; pass++) {
        if (pass == 1) {
            for (int i = 0; i < 6; i++)
                gaps[i] = mm(s, small[i]);
            th = mm(s, 15);
            bh = mm(s, 18);
        } else if (pass == 2) {
            tpx = fpx(s, THEME_FONT_HEADING);
        } else if (pass == 3) {
            intro = false;
            gaps[1] = 0;
        } else if (pass == 4) {
            /* The tiles say what they are: language names, percentages. */
            captions = false;
            cap_h = cap2_h = -mm(s, 2);
        }
        int head_h = text_heading_height(s->text, tpx, true, tr(s, "attract.headline"), s->col_w);
        int controls_h = cap_h + mm(s, 2) + lang_rows * (th + g) - g + cap2_h + mm(s, 2) + th + bh;
        need = head_h + (intro ? intro_h : 0) + controls_h;
        sum = 0;
        for (int i = 0; i < 6; i++)
            sum += gaps[i];
        if (need + sum <= avail)
            break;
    }
    /* What is left over goes above the title (a third) and below Start;
     * what still does not fit (Greek at 150 % on 1024x768) scrolls above
     * the help line. */
    int spare = avail - need - sum;
    if (spare > 0)
        gaps[0] += spare / 3;
    bool scrolls = spare < 0;
    /* When it scrolls, Start stays in view above the help line (as every
     * screen's footer does): a person must never have to find it. */
    int start_y = bottom - mm(s, 1) - bh;
    int off = scrolls ? ui_scroll_begin(s->ui, "attract-body",
                                        (SDL_Rect){0, top, s->W, start_y - mm(s, 2) - top})
                      : 0;
    int y = top + gaps[0] - off;

    y += text_heading(s->text, &(TextStyle){tpx, true, c->heading, TEXT_CENTER},
                      tr(s, "attract.headline"), s->col_x, y, s->col_w);
    y += gaps[1];
    if (intro)
        y += text_para(s->text, &(TextStyle){bpx, false, c->muted, TEXT_CENTER},
                       intro_t, s->col_x, y, s->col_w);
    y += gaps[2];

    /* Languages: one tile per language, in its own name. */
    if (captions)
        y += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_CENTER},
                       tr(s, "attract.language"), s->col_x, y, s->col_w) +
             mm(s, 2);
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
    y += lang_rows * (th + g) - g + gaps[3];

    /* Text size and contrast, big enough to find without the top bar. */
    if (captions)
        y += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_CENTER},
                       tr(s, "attract.text_size"), s->col_x, y, s->col_w) +
             mm(s, 2);
    int sw = scr_choice_width(s, "150 %");
    sw = sw < mm(s, 40) ? mm(s, 40) : sw;
    int cw = scr_choice_width(s, tr(s, "attract.contrast"));
    cw = cw < sw ? sw : cw;
    int total = 3 * sw + cw + 2 * g + mm(s, 6);
    if (total > s->col_w) {
        sw = (s->col_w - cw - 2 * g - mm(s, 6)) / 3;
        total = 3 * sw + cw + 2 * g + mm(s, 6);
    }
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
    y += th + gaps[4];

    if (scrolls) {
        ui_scroll_end(s->ui, y + off - top);
        y = start_y;
    }
    if (ui_button_icon(s->ui, "btn-start", (SDL_Rect){(s->W - bw) / 2, y, bw, bh},
                       DRAW_ICON_CHEVRON_RIGHT, tr(s, "attract.start"), UI_STYLE_PRIMARY, true))
        scr_emit(s, FLOW_EV_START, 0);
    text_para(s->text, &(TextStyle){spx, false, c->muted, TEXT_CENTER}, tr(s, "help.staff"),
              s->col_x, s->H - demo_h - help_h - mm(s, 2), s->col_w);
    if (s->demo) {
        /* A demonstration kiosk says so where nobody can miss it. */
        draw_rect(s->draw, (SDL_Rect){0, s->H - demo_h, s->W, demo_h}, c->heading);
        text_para(s->text, &(TextStyle){spx, true, c->surface, TEXT_CENTER},
                  tr(s, "app.demo_notice"), s->margin, s->H - demo_h + mm(s, 1), s->W - 2 * s->margin);
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
    if (strcmp(s->read_key, "privacy") != 0) {
        snprintf(s->read_key, sizeof s->read_key, "privacy");
        s->read_end_sent = false;
    }
    int h = text_para(s->text, &(TextStyle){px, false, c->text, TEXT_LEFT}, tr(s, "privacy.body"),
                      view.x, cy, view.w - mm(s, 6));
    /* Shown to its end (once per visit): the flow then takes "I have read". */
    if (ui_scroll_end(s->ui, h) && !v->privacy_read && !s->read_end_sent) {
        scr_emit(s, FLOW_EV_SECTION_END, 0);
        s->read_end_sent = true;
    }
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
    default: /* names, and the nation chooser's search (letters of the UI language) */
        return OSK_LETTERS;
    }
}

/* Keeps the keyboard in step with the focused field. */
void
scr_osk_sync(Screens *s, const FlowView *v)
{
    /* A new field, a new screen or a new UI language (its letters on the
     * main layer) starts the keyboard afresh. */
    if (v->focus != s->osk_field || v->screen != s->osk_screen ||
        (v->language != NULL && strcmp(v->language, s->osk.lang) != 0)) {
        OskLayout l = scr_field_layout(v->focus);
        if (l == OSK_LETTERS && v->language != NULL)
            l = strcmp(v->language, "el") == 0   ? OSK_GREEK
                : strcmp(v->language, "bg") == 0 ? OSK_CYRILLIC
                                                 : OSK_LETTERS;
        osk_reset(&s->osk, l, v->focus == FLOW_FIELD_NAME || v->focus == FLOW_FIELD_UNIT,
                  v->language);
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
    return text_heading_height(s->text, fpx(s, THEME_FONT_SMALL), true, label, w);
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

    /* Set as a heading: in a quarter column at 150 % "(προαιρετικό)" is drawn
     * smaller, not broken. */
    text_heading(s->text, &(TextStyle){spx, true, c->text, TEXT_LEFT}, label, x,
                 y + (label_h > lh ? label_h - lh : 0), w);
    y += (label_h > lh ? label_h : lh) + mm(s, 1);
    int fh = mm(s, 15);
    if (ui_field(s->ui, id, (SDL_Rect){x, y, w, fh}, v->fields[f], NULL, v->focus == f, invalid))
        scr_emit(s, FLOW_EV_FOCUS, (int)f);
    return y + fh;
}

/* ---------- nation and category ---------- */

/* A nation's name in the UI language: iso-codes' name translated by its
 * catalog for the UI language (isocodes.h); without iso-codes, the strings'
 * "nation.<code>" where they have one, else the code. */
const char *
scr_nation_name(Screens *s, const char *code, char *buf, size_t cap)
{
    char key[32];
    const char *name = isocodes_name_of(s->countries, code, s->lang);

    if (name != NULL) {
        snprintf(buf, cap, "%s", name);
        return buf;
    }
    size_t n = (size_t)snprintf(key, sizeof key, "nation.%s", code);
    for (size_t i = 7; i < n && i < sizeof key; i++)
        key[i] = (char)(key[i] >= 'A' && key[i] <= 'Z' ? key[i] + 32 : key[i]);
    snprintf(buf, cap, "%s", strcmp(tr(s, key), key) != 0 ? tr(s, key) : code);
    return buf;
}

/* The list of countries matching the search, in a scroll view r: a row of
 * at least 15 mm per country (its name in the UI language, under it its
 * English name where that differs, and its code); a tap picks it. Rows out of
 * sight are only noted (a replay's `reveal` still finds them) and not drawn. */
static void
scr_country_list(Screens *s, const FlowView *v, SDL_Rect r)
{
    const ThemeColors *c = &s->th->c;
    const char *query = v->fields[FLOW_FIELD_OTHER_NATION] ? v->fields[FLOW_FIELD_OTHER_NATION] : "";
    size_t n = isocodes_search(s->countries, s->lang, query, s->matches, ISOCODES_MAX_COUNTRIES);
    int g = mm(s, 1.5f);

    /* A new search shows its best matches from the top. */
    if (strcmp(query, s->nation_query) != 0) {
        snprintf(s->nation_query, sizeof s->nation_query, "%s", query);
        ui_scroll_to(s->ui, "nation-list", 0);
    }
    if (n == 0) {
        char buf[512];
        const char *names[] = {"search"}, *values[] = {query};
        int px = fpx(s, THEME_FONT_BODY);
        int h = text_para(s->text, &(TextStyle){px, false, c->text, TEXT_LEFT},
                          trf(s, "nation.no_match", buf, sizeof buf, 1, names, values), r.x, r.y,
                          r.w);
        ui_note(s->ui, "nation-no-match", UI_KIND_TEXT, (SDL_Rect){r.x, r.y, r.w, h}, 0,
                "nation.no_match");
        return;
    }
    int off = ui_scroll_begin(s->ui, "nation-list", r);
    int y = r.y - off, w = r.w - mm(s, 6); /* room for the scroll bar */
    for (size_t k = 0; k < n; k++) {
        size_t i = s->matches[k];
        const char *code = isocodes_code(s->countries, i);
        const char *name = isocodes_name(s->countries, i, s->lang);
        const char *en = isocodes_name(s->countries, i, "en");
        char id[32], sub[160];
        if (strcmp(name, en) != 0)
            snprintf(sub, sizeof sub, "%s \xC2\xB7 %s", en, code);
        else
            snprintf(sub, sizeof sub, "%s", code);
        int h = ui_choice_height(s->ui, name, sub, w, mm(s, 15));
        SDL_Rect row = {r.x, y, w, h};
        bool sel = v->nation_code != NULL && strcmp(v->nation_code, code) == 0;
        snprintf(id, sizeof id, "country-%s", code);
        if (y + h < r.y || y > r.y + r.h)
            ui_note(s->ui, id, UI_KIND_CHOICE, row, sel ? UI_STATE_CHECKED : 0, name);
        else if (ui_choice(s->ui, id, row, name, sub, sel))
            scr_emit_text(s, FLOW_EV_CHOOSE_COUNTRY, code);
        y += h + g;
    }
    ui_scroll_end(s->ui, y + off - r.y - g);
}

/* "Other troop-contributing nation": a search field, the keyboard of the UI
 * language and the countries that match, by their names in that language
 * (iso-codes). Nothing is typed as a code: only a listed country is taken. */
static void
scr_nation_chooser(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int spx = fpx(s, THEME_FONT_SMALL), bpx = fpx(s, THEME_FONT_BODY);
    int y = scr_steps(s, v);
    int bottom = s->foot_y - mm(s, 4) - scr_banner_h(s, v);

    if (s->countries == NULL) {
        y = scr_heading(s, NULL, tr(s, "nation.other"), y);
        /* iso-codes is missing or broken: say so; Back returns to the list. */
        int h = text_para(s->text, &(TextStyle){bpx, false, c->text, TEXT_LEFT},
                          tr(s, "nation.no_list"), s->col_x, y, s->col_w);
        ui_note(s->ui, "nation-no-list", UI_KIND_TEXT, (SDL_Rect){s->col_x, y, s->col_w, h}, 0,
                "nation.no_list");
        scr_error_banner(s, v);
        scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
        return;
    }
    int kg = mm(s, 1.5f), g = mm(s, 6), fh = mm(s, 15);
    int rows = osk_height(&s->osk, 1, 0); /* rows of keys: a height of 1 px each, no gaps */
    bool side = s->W > s->H;
    /* Side by side on a landscape display: the field and keyboard on the
     * left (keys of 11 mm at least), the list on the right; stacked on a
     * portrait one, the keyboard at the bottom. */
    int kw = side ? s->col_w * 58 / 100 : s->col_w;
    int kmax = osk_width(&s->osk, mm(s, 22), kg);
    kw = kw > kmax ? kmax : kw;
    int hint_w = side ? kw : s->col_w;
    int hint_h = text_para_height(s->text, spx, false, tr(s, "nation.search_hint"), hint_w);
    int label_h = text_para_height(s->text, spx, true, tr(s, "nation.search"), hint_w);
    int title_h = text_para_height(s->text, fpx(s, THEME_FONT_HEADING), true, tr(s, "nation.other"),
                                   s->col_w) +
                  mm(s, 4);
    /* On a short display with large text, the hint goes, then the heading
     * (the field's label still says what to do), before the keys get
     * smaller than 13 mm. */
    int need_keys = rows * mm(s, 13) + (rows - 1) * kg;
    int fixed = label_h + mm(s, 1) + fh + mm(s, 4) + (side ? 0 : mm(s, 32) + g);
    if (y + title_h + fixed + need_keys <= bottom)
        y = scr_heading(s, NULL, tr(s, "nation.other"), y);
    bool hint = bottom - y - fixed - hint_h - mm(s, 2) >= need_keys;
    int list_top = y; /* beside the hint on a landscape display */
    if (hint)
        y += text_para(s->text, &(TextStyle){spx, false, c->muted, TEXT_LEFT},
                       tr(s, "nation.search_hint"), s->col_x, y, hint_w) +
             mm(s, 2);
    int fy = scr_labeled_field(s, v, FLOW_FIELD_OTHER_NATION, "field-nation-search",
                               tr(s, "nation.search"), s->col_x, y, kw, 0, false);
    fy += mm(s, 4);
    int avail = side ? bottom - fy : bottom - fy - mm(s, 32) - g;
    int kh = scr_key_h(s, avail, rows);
    if (rows * kh + (rows - 1) * kg > avail) {
        kh = (avail - (rows - 1) * kg) / rows;
        kh = kh < mm(s, 11) ? mm(s, 11) : kh;
    }
    int kbh = osk_height(&s->osk, kh, kg);
    SDL_Rect kr = side ? (SDL_Rect){s->col_x, fy, kw, kbh}
                       : (SDL_Rect){s->col_x, bottom - kbh, kw, kbh};
    scr_keyboard(s, v, kr, kh);
    SDL_Rect list = side ? (SDL_Rect){s->col_x + kw + g, list_top, s->col_w - kw - g, bottom - list_top}
                         : (SDL_Rect){s->col_x, fy, s->col_w, kr.y - g - fy};
    scr_country_list(s, v, list);
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}

void
scr_nation(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int spx = fpx(s, THEME_FONT_SMALL);
    int g = mm(s, 3);

    if (v->nation_choosing) {
        scr_nation_chooser(s, v);
        return;
    }
    /* The nations with a bundle in rows of tiles; "other" on a row of its
     * own (its label is long in every language: never broken inside), with
     * the country picked in the chooser under it. */
    int n = (int)v->n_nations;
    int per_row = n < 1 ? 1 : n <= 4 ? n : 4;
    int tw = (s->col_w - (per_row - 1) * g) / per_row, th = mm(s, 19);
    for (int i = 0; i < n; i++) {
        char name[96];
        th = ui_choice_height(s->ui, scr_nation_name(s, v->nations[i]->nation, name, sizeof name),
                              v->nations[i]->nation, tw, th);
    }
    bool other = v->nation_index == n;
    char picked[96] = "";
    if (other && v->nation_code != NULL && *v->nation_code)
        scr_nation_name(s, v->nation_code, picked, sizeof picked);
    int oh = ui_choice_height(s->ui, tr(s, "nation.other"), picked, s->col_w, mm(s, 15));
    static const FlowCategory cats[] = {FLOW_CATEGORY_MILITARY, FLOW_CATEGORY_CIVILIAN,
                                        FLOW_CATEGORY_CONTRACTOR};
    int cw = (s->col_w - 2 * g) / 3, ch = mm(s, 19);
    for (int i = 0; i < 3; i++) {
        char key[48];
        snprintf(key, sizeof key, "category.%s", flow_category_name(cats[i]));
        ch = ui_choice_height(s->ui, tr(s, key), NULL, cw, ch);
    }

    int y = scr_steps(s, v);
    y = scr_heading(s, NULL, tr(s, "nation.title"), y);
    /* Below the heading everything scrolls above the footer. */
    y = scr_body_begin(s, v, y, "nation-body");
    y += text_para(s->text, &(TextStyle){spx, true, c->text, TEXT_LEFT}, tr(s, "nation.prompt"),
                   s->col_x, y, s->col_w);
    y += mm(s, 1.5f);
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {s->col_x + (i % per_row) * (tw + g), y + (i / per_row) * (th + g), tw, th};
        char id[32], name[96];
        snprintf(id, sizeof id, "nation-%s", v->nations[i]->nation);
        if (ui_choice(s->ui, id, r, scr_nation_name(s, v->nations[i]->nation, name, sizeof name),
                      v->nations[i]->nation, v->nation_index == i))
            scr_emit(s, FLOW_EV_SELECT_NATION, i);
    }
    y += ((n + per_row - 1) / per_row) * (th + g);
    if (ui_choice(s->ui, "nation-other", (SDL_Rect){s->col_x, y, s->col_w, oh},
                  tr(s, "nation.other"), picked, other))
        scr_emit(s, FLOW_EV_SELECT_NATION, n);
    y += oh + mm(s, 4);

    y += text_para(s->text, &(TextStyle){spx, true, c->text, TEXT_LEFT}, tr(s, "category.title"),
                   s->col_x, y, s->col_w);
    y += mm(s, 1.5f);
    for (int i = 0; i < 3; i++) {
        char id[32], key[48];
        snprintf(id, sizeof id, "category-%s", flow_category_name(cats[i]));
        snprintf(key, sizeof key, "category.%s", flow_category_name(cats[i]));
        if (ui_choice(s->ui, id, (SDL_Rect){s->col_x + i * (cw + g), y, cw, ch}, tr(s, key), NULL,
                      v->category == cats[i]))
            scr_emit(s, FLOW_EV_SELECT_CATEGORY, (int)cats[i]);
    }
    scr_body_end(s, y + ch);
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

    /* Fields in two columns (four on a short display, so the keyboard of
     * the focused field fits below them). */
    bool wide = s->H < mm(s, 230);
    int g = mm(s, wide ? 4 : 6);
    int cols = wide ? 4 : 2;
    /* Column widths: on one row, the name and the number get more room
     * than the optional rank and unit (an 11-digit number stays visible
     * at 150 %). */
    int fw = (s->col_w - (cols - 1) * g) / cols, fws[4] = {fw, fw, fw, fw};
    if (wide) {
        int room = s->col_w - 3 * g;
        fws[0] = room * 34 / 100;
        fws[1] = room * 28 / 100;
        fws[2] = room * 19 / 100;
        fws[3] = room - fws[0] - fws[1] - fws[2];
    }
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
        int row = wide ? 0 : i / 2, h = scr_label_h(s, labels[i], fws[i]);
        lh[row] = h > lh[row] ? h : lh[row];
    }
    int fh = mm(s, 15);
    int fields_h = wide ? lh[0] + mm(s, 1) + fh : 2 * (mm(s, 1) + fh) + lh[0] + lh[1] + mm(s, 3);
    fields_h += mm(s, 5);

    /* The keyboard needs its rows at 13 mm at least: on a short display
     * with large text (or an error shown) the eyebrow, then the heading
     * make room for it; the fields' labels still say what to type. */
    bool pad = scr_field_layout(v->focus) == OSK_DIGITS && s->osk.layout == OSK_DIGITS;
    int rows = pad ? 4 : 5, kg = mm(s, 1.5f);
    int bottom = s->foot_y - mm(s, 4) - scr_banner_h(s, v);
    int kb_need = v->focus != FLOW_FIELD_NONE ? rows * mm(s, 13) + (rows - 1) * kg : 0;
    int eyebrow_h = text_para_height(s->text, fpx(s, THEME_FONT_SMALL), true, eyebrow, s->col_w);
    int title_h = text_heading_height(s->text, fpx(s, THEME_FONT_HEADING), true,
                                      tr(s, "identity.title"), s->col_w) +
                  mm(s, 4);
    /* An error's banner above the footer could leave no room for keys of
     * 11 mm even without the heading (125 % and 150 % on 1024x768 and
     * 1280x800). Then the banner takes the heading's place: the fields stay
     * at the top, in sight, and under them the keypad sits on the right
     * with the banner in a column beside it (scrolling where it is longer
     * than the keypad). Where there is no room beside the keyboard (the
     * letters, a portrait display), the banner and then the fields scroll
     * above the keyboard, which is pinned above the footer. */
    int kmin = mm(s, 11) + 1, kb_min = rows * kmin + (rows - 1) * kg, ky = 0, kh = 0;
    int fb = s->foot_y - mm(s, 4), kw_side = mm(s, 66), bw_side = s->col_w - kw_side - mm(s, 6);
    bool pinned = v->error != FLOW_MSG_NONE && v->focus != FLOW_FIELD_NONE &&
                  y + fields_h + kb_min > bottom;
    bool beside = pinned && pad && s->W > s->H && bw_side >= mm(s, 90) &&
                  y + fields_h + kb_min <= fb;
    if (pinned && !beside) {
        int avail = fb - y - fields_h - scr_banner_h(s, v) - mm(s, 4) - mm(s, 3);
        kh = scr_key_h(s, avail, rows);
        if (rows * kh + (rows - 1) * kg > avail) {
            kh = (avail - (rows - 1) * kg) / rows;
            kh = kh < kmin ? kmin : kh;
        }
        ky = fb - osk_height(&s->osk, kh, kg);
        y = scr_body_begin_to(s, y, ky - mm(s, 3), "identity-body");
        y += scr_error_banner_at(s, v, s->col_x, y, s->col_w) + mm(s, 4);
    } else if (pinned) {
        ; /* the fields first, in sight */
    } else if (y + eyebrow_h + title_h + fields_h + kb_need <= bottom)
        y = scr_heading(s, eyebrow, tr(s, "identity.title"), y);
    else if (y + title_h + fields_h + kb_need <= bottom)
        y = scr_heading(s, NULL, tr(s, "identity.title"), y);

    int y1 = scr_labeled_field(s, v, FLOW_FIELD_NAME, "field-name", labels[0], s->col_x, y, fws[0],
                               lh[0], v->error == FLOW_MSG_NAME_EMPTY);
    scr_labeled_field(s, v, FLOW_FIELD_SERVICE_NUMBER, "field-service-number", labels[1],
                      s->col_x + fws[0] + g, y, fws[1], lh[0], bad_num);
    if (!wide)
        y = y1 + mm(s, 3);
    int x3 = wide ? s->col_x + fws[0] + fws[1] + 2 * g : s->col_x;
    int lh2 = wide ? lh[0] : lh[1];
    y1 = scr_labeled_field(s, v, FLOW_FIELD_RANK, "field-rank", labels[2], x3, y, fws[2], lh2,
                           false);
    scr_labeled_field(s, v, FLOW_FIELD_UNIT, "field-unit", labels[3], x3 + fws[2] + g, y, fws[3],
                      lh2, false);
    y = y1 + mm(s, 5);

    if (beside) {
        int avail = fb - y;
        kh = scr_key_h(s, avail, rows);
        if (rows * kh + (rows - 1) * kg > avail) {
            kh = (avail - (rows - 1) * kg) / rows;
            kh = kh < kmin ? kmin : kh;
        }
        SDL_Rect view = {s->col_x - mm(s, 2), y, bw_side + mm(s, 4), fb - y};
        int by = y - ui_scroll_begin(s->ui, "identity-error", view);
        s->body_top = by;
        scr_body_end(s, by + scr_error_banner_at(s, v, s->col_x, by, bw_side));
        SDL_Rect kr = {s->col_x + s->col_w - kw_side, y, kw_side, osk_height(&s->osk, kh, kg)};
        scr_keyboard(s, v, kr, kh);
        scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
        return;
    }
    if (pinned) {
        scr_body_end(s, y1);
        y = ky;
    } else {
        kh = scr_key_h(s, bottom - y, rows);
        if (rows * kh + (rows - 1) * kg > bottom - y) {
            /* Still short: smaller keys (never under 11 mm) rather than keys under the footer. */
            kh = (bottom - y - (rows - 1) * kg) / rows;
            kh = kh < kmin ? kmin : kh;
        }
    }
    int kw_total = pad ? mm(s, 100) : s->col_w;
    if (!pad && osk_width(&s->osk, mm(s, 22), kg) < kw_total)
        kw_total = osk_width(&s->osk, mm(s, 22), kg);
    SDL_Rect kr = {s->col_x + (s->col_w - kw_total) / 2, y, kw_total, osk_height(&s->osk, kh, kg)};
    scr_keyboard(s, v, kr, kh);
    if (!pinned)
        scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}
