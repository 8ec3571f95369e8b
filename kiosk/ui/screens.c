/* screens: one draw function per flow screen. A screen reads the FlowView and
 * queues flow events; the queue is handed to the flow after the frame, so no
 * view pointer is used after the flow changed. No flow logic lives here: what
 * is enabled, what is next and what is an error all come from the view. */
#include "screens.h"
#include "screens_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "osk.h"
#include "qr.h"
#include "sigpad.h"

/* ---------- events ---------- */

void
scr_emit(Screens *s, FlowEventType type, int index)
{
    if (s->nq == SCR_MAX_EVENTS)
        return;
    ScrEvent *e = &s->q[s->nq++];
    memset(e, 0, sizeof *e);
    e->ev.type = type;
    e->ev.index = index;
}

void
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

void
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
const char *
scr_lang_name(const Screens *s, const char *code)
{
    char key[32];

    snprintf(key, sizeof key, "language.%s", code);
    const char *v = tr(s, key);
    return strcmp(v, key) != 0 ? v : scr_lang_name_builtin(code);
}

/* A language as named in the UI language, for running text ("shown in
 * English" is "vises på engelsk"): the strings file's "language_in.<code>",
 * else the language's own name. */
const char *
scr_lang_name_in_ui(const Screens *s, const char *code)
{
    char key[32];

    snprintf(key, sizeof key, "language_in.%s", code);
    const char *v = tr(s, key);
    return strcmp(v, key) != 0 ? v : scr_lang_name(s, code);
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
    osk_reset(&s->osk, OSK_LETTERS, false, NULL);
    s->osk_field = FLOW_FIELD_NONE;
    s->read_key[0] = '\0';
    s->lang_menu = false;
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
screens_set_countries(Screens *s, const IsoCodes *countries)
{
    s->countries = countries;
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
    text_set_rasterise(s->text, on);
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

/* The width a button with an icon needs for the longest word of label. */
static int
scr_word_width(Screens *s, const char *label)
{
    char word[128];
    int best = 0;

    for (const char *p = label; *p;) {
        size_t n = strcspn(p, " ");
        snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), p);
        int w = ui_button_width(s->ui, word, true);
        best = w > best ? w : best;
        p += n;
        while (*p == ' ')
            p++;
    }
    return best;
}

static void
scr_geometry(Screens *s)
{
    s->W = s->th->width;
    s->H = s->th->height;
    /* The bar's settings are touch targets: 15 mm buttons in a 19 mm bar. */
    s->bar_h = mm(s, 19);
    s->gap = mm(s, 4);
    s->btn_h = mm(s, 18);
    s->margin = mm(s, 10);
    int maxw = mm(s, 320);
    s->col_w = s->W - 2 * s->margin < maxw ? s->W - 2 * s->margin : maxw;
    s->col_x = (s->W - s->col_w) / 2;
    /* The footer's buttons fit their labels (every primary label a screen
     * uses); where the three cannot fit in one row at this text size, they
     * share it and their labels wrap onto two lines. */
    const char *prim[] = {"button.next", "sign.button", "quiz.retry", "button.done"};
    int pw = mm(s, 62);
    for (size_t i = 0; i < sizeof prim / sizeof prim[0]; i++) {
        int w = ui_button_width(s->ui, tr(s, prim[i]), true);
        pw = w > pw ? w : pw;
    }
    int bw = ui_button_width(s->ui, tr(s, "button.back"), true);
    int cw = ui_button_width(s->ui, tr(s, "button.cancel"), true);
    bw = bw < mm(s, 44) ? mm(s, 44) : bw;
    cw = cw < mm(s, 44) ? mm(s, 44) : cw;
    int room = s->col_w - 2 * s->gap;
    if (pw + bw + cw > room) {
        /* Each gets at least its longest word (a label wraps between words,
         * never inside one); what is left goes by what each lacks. */
        int pmin = 0;
        for (size_t i = 0; i < sizeof prim / sizeof prim[0]; i++) {
            int w = scr_word_width(s, tr(s, prim[i]));
            pmin = w > pmin ? w : pmin;
        }
        int bmin = scr_word_width(s, tr(s, "button.back"));
        int cmin = scr_word_width(s, tr(s, "button.cancel"));
        int extra = room - pmin - bmin - cmin, lack = (pw - pmin) + (bw - bmin) + (cw - cmin);
        if (extra > 0 && lack > 0) {
            pw = pmin + (int)((long)extra * (pw - pmin) / lack);
            bw = bmin + (int)((long)extra * (bw - bmin) / lack);
            cw = room - pw - bw;
        } else {
            pw = pmin;
            bw = bmin;
            cw = room - pw - bw;
        }
        for (size_t i = 0; i < sizeof prim / sizeof prim[0]; i++)
            s->btn_h = ui_button_height(s->ui, tr(s, prim[i]), true, pw, s->btn_h);
        s->btn_h = ui_button_height(s->ui, tr(s, "button.back"), true, bw, s->btn_h);
        s->btn_h = ui_button_height(s->ui, tr(s, "button.cancel"), true, cw, s->btn_h);
    }
    s->foot_pw = pw;
    s->foot_bw = bw;
    s->foot_cw = cw;
    s->foot_y = s->H - s->btn_h - mm(s, 7);
}

int
scr_body_begin(Screens *s, const FlowView *v, int y, const char *id)
{
    return scr_body_begin_to(s, y, s->foot_y - mm(s, 4) - scr_banner_h(s, v), id);
}

void
scr_body_end(Screens *s, int y_end)
{
    ui_scroll_end(s->ui, y_end - s->body_top + mm(s, 2));
}

int
scr_heading(Screens *s, const char *eyebrow, const char *title, int y)
{
    return scr_heading_in(s, eyebrow, title, s->col_x, y, s->col_w);
}

int
scr_heading_in(Screens *s, const char *eyebrow, const char *title, int x, int y, int w)
{
    const ThemeColors *c = &s->th->c;

    if (eyebrow != NULL && *eyebrow) {
        int px = fpx(s, THEME_FONT_SMALL);
        y += text_para(s->text, &(TextStyle){px, true, c->muted, TEXT_LEFT}, eyebrow, x, y, w);
    }
    int hpx = fpx(s, THEME_FONT_HEADING);
    y += text_heading(s->text, &(TextStyle){hpx, true, c->heading, TEXT_LEFT}, title, x, y, w);
    return y + mm(s, 4);
}

int
scr_heading_height(Screens *s, const char *eyebrow, const char *title, int w)
{
    int h = text_heading_height(s->text, fpx(s, THEME_FONT_HEADING), true, title, w) + mm(s, 4);

    if (eyebrow != NULL && *eyebrow)
        h += text_para_height(s->text, fpx(s, THEME_FONT_SMALL), true, eyebrow, w);
    return h;
}

/* The settings every screen offers (the top bar, or beside the certificate's
 * code): language, text size, contrast. Their labels stay at the 100 %
 * label size so that they fit at every text size. Buttons of bh pixels,
 * right-aligned to x_right on row y (or stacked from y when stack). Returns
 * the x left of them (or the y below them when stacked). */
int
scr_settings(Screens *s, const FlowView *v, int x_right, int y, int bh, UiStyle style, bool stack,
             int min_x)
{
    char size_label[64], code[8];
    int g = mm(s, 3);

    ui_set_label_px(s->ui, mm(s, 7));
    snprintf(size_label, sizeof size_label, "%s %d %%", tr(s, "attract.text_size"),
             v->text_size_percent);
    const char *lang = scr_lang_name(s, v->language ? v->language : s->lang);
    int cw = ui_button_width(s->ui, tr(s, "attract.contrast"), true);
    int tw = ui_button_width(s->ui, size_label, false);
    int lw = ui_button_width(s->ui, lang, false);
    lw = lw < mm(s, 30) ? mm(s, 30) : lw;
    /* Where the row is short (1024 px, a long language): "Aa 150 %", then
     * the language's code. */
    if (!stack && x_right - cw - tw - lw - 2 * g < min_x) {
        snprintf(size_label, sizeof size_label, "Aa %d %%", v->text_size_percent);
        tw = ui_button_width(s->ui, size_label, false);
    }
    if (!stack && x_right - cw - tw - lw - 2 * g < min_x) {
        const char *l = v->language ? v->language : s->lang;
        size_t i = 0;
        for (; l[i] && i < sizeof code - 1; i++)
            code[i] = (char)(l[i] >= 'a' && l[i] <= 'z' ? l[i] - 32 : l[i]);
        code[i] = '\0';
        lang = code;
        lw = ui_button_width(s->ui, lang, false);
        lw = lw < mm(s, 20) ? mm(s, 20) : lw;
    }
    SDL_Rect cr, tr_, lr;
    if (stack) {
        lr = (SDL_Rect){x_right, y, lw, bh};
        tr_ = (SDL_Rect){x_right, y + bh + g, tw, bh};
        cr = (SDL_Rect){x_right, y + 2 * (bh + g), cw, bh};
    } else {
        cr = (SDL_Rect){x_right - cw, y, cw, bh};
        tr_ = (SDL_Rect){cr.x - g - tw, y, tw, bh};
        lr = (SDL_Rect){tr_.x - g - lw, y, lw, bh};
    }
    if (ui_button(s->ui, "bar-language", lr, lang, style, true)) {
        s->lang_menu = true;
        ui_invalidate(s->ui);
    }
    if (ui_button(s->ui, "bar-text-size", tr_, size_label, style, true))
        scr_emit(s, FLOW_EV_SET_TEXT_SIZE,
                 v->text_size_percent >= 150 ? 100 : v->text_size_percent + 25);
    if (ui_button_icon(s->ui, "bar-contrast", cr, DRAW_ICON_CONTRAST, tr(s, "attract.contrast"),
                       style, true))
        scr_emit(s, FLOW_EV_TOGGLE_CONTRAST, 0);
    ui_set_label_px(s->ui, 0);
    return stack ? cr.y + bh : lr.x;
}

int
scr_demo_badge_width(Screens *s)
{
    return text_width(s->text, mm(s, 5), true, "DEMO") + 2 * mm(s, 2);
}

int
scr_demo_badge(Screens *s, int x, int y_mid, SDL_Color bg, SDL_Color fg)
{
    int px = mm(s, 5), pad = mm(s, 2);
    const char *label = "DEMO";
    int w = scr_demo_badge_width(s);
    int h = text_line_height(s->text, px, true) + pad;
    SDL_Rect r = {x, y_mid - h / 2, w, h};

    draw_round(s->draw, r, mm(s, 1), bg);
    text_line(s->text, &(TextStyle){px, true, fg, TEXT_CENTER}, label, x, r.y + pad / 2, w);
    ui_note(s->ui, "demo-badge", UI_KIND_TEXT, r, 0, label);
    return w;
}

static void
scr_top_bar(Screens *s, const FlowView *v, bool settings)
{
    const ThemeColors *c = &s->th->c;
    int h = s->bar_h, pad = mm(s, 4);

    draw_rect(s->draw, (SDL_Rect){0, 0, s->W, h}, c->bar);
    if (s->th->high_contrast)
        draw_rect(s->draw, (SDL_Rect){0, h - 2, s->W, 2}, c->on_bar);
    int is = mm(s, 9);
    draw_icon(s->draw, DRAW_ICON_SHIELD, s->margin, (h - is) / 2, is, c->on_bar);
    int x = s->margin + is + pad;
    if (s->demo)
        x += scr_demo_badge(s, x, h / 2, c->on_bar, c->bar) + pad;
    int right = s->W - s->margin;
    const char *title = tr(s, "app.title");
    int px = mm(s, 7), spx = mm(s, 5);
    if (settings) {
        /* The settings take their short forms ("Aa 150 %", "EL") before the
         * title gives way: the Greek title vanished at 1280x800 (issue 14).
         * It needs the width of two lines at the small size. */
        int full = text_width(s->text, spx, true, title), need = full / 2;
        int two = 2 * text_line_height(s->text, spx, true);
        while (need < full && text_para_height(s->text, spx, true, title, need) > two)
            need += mm(s, 5);
        int bh = h - mm(s, 4);
        right = scr_settings(s, v, right, (h - bh) / 2, bh, UI_STYLE_BAR, false, x + pad + need);
    }
    int title_w = right - pad - x;
    /* The title never shows clipped: one line at the label size or the
     * small size, else two lines at the small size, else it gives way. */
    if (title_w <= 0)
        return;
    if (text_width(s->text, px, true, title) <= title_w) {
        int lh = text_line_height(s->text, px, true);
        text_line(s->text, &(TextStyle){px, true, c->on_bar, TEXT_LEFT}, title, x, (h - lh) / 2,
                  title_w);
    } else if (text_width(s->text, spx, true, title) <= title_w) {
        int lh = text_line_height(s->text, spx, true);
        text_line(s->text, &(TextStyle){spx, true, c->on_bar, TEXT_LEFT}, title, x, (h - lh) / 2,
                  title_w);
    } else {
        int th = text_para_height(s->text, spx, true, title, title_w);
        if (th > h - mm(s, 2) || th > 2 * text_line_height(s->text, spx, true))
            return;
        text_para(s->text, &(TextStyle){spx, true, c->on_bar, TEXT_LEFT}, title, x, (h - th) / 2,
                  title_w);
    }
    /* The layout check knows the title by this note (it must be on every screen). */
    ui_note(s->ui, "bar-title", UI_KIND_TEXT, (SDL_Rect){x, 0, title_w, h}, 0, "");
}

/* "Step 3 of 9" and a segmented progress bar under the top bar. */
int
scr_steps(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = s->bar_h + mm(s, 5);

    if (v->n_steps == 0 || v->step == 0)
        return y;
    char buf[256], st[16], nt[16];
    snprintf(st, sizeof st, "%u", v->step);
    snprintf(nt, sizeof nt, "%u", v->n_steps);
    const char *names[] = {"step", "total"}, *vals[] = {st, nt};
    int px = fpx(s, THEME_FONT_SMALL);
    trf(s, "progress", buf, sizeof buf, 2, names, vals);
    if (v->reading_minutes_left > 0) {
        char mins[16], left[128];
        snprintf(mins, sizeof mins, "%u", v->reading_minutes_left);
        const char *mn[] = {"minutes"}, *mv[] = {mins};
        trf(s, "progress.reading_left", left, sizeof left, 1, mn, mv);
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, " \xC2\xB7 %s", left);
    }
    /* The words get the room they need (the reading time goes where it
     * does not fit); the bar takes the rest. */
    int lw = text_width(s->text, px, true, buf) + mm(s, 4);
    if (lw > s->col_w * 2 / 3) {
        trf(s, "progress", buf, sizeof buf, 2, names, vals);
        lw = text_width(s->text, px, true, buf) + mm(s, 4);
    }
    text_line(s->text, &(TextStyle){px, true, c->muted, TEXT_LEFT}, buf, s->col_x, y, lw);
    int lh = text_line_height(s->text, px, true);
    int bx = s->col_x + lw, bw = s->col_w - lw;
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

/* The banner's text: the message, and the rules' detail (a sentence from
 * the plugin, first letter raised) on a line of its own. */
static const char *
scr_banner_text(Screens *s, const FlowView *v, char *buf, size_t cap)
{
    char num[16], max[16];
    snprintf(num, sizeof num, "%u", v->error_number);
    snprintf(max, sizeof max, "%u", v->error_number_max);
    /* A message about the number names its field as the screen labels it: a
     * Norwegian fødselsnummer is no "service number" (issue 14). */
    const char *field =
        v->service_number_label ? v->service_number_label : tr(s, "field.service_number");
    const char *names[] = {"n", "max", "field"}, *vals[] = {num, max, field};
    i18n_expand(tr(s, flow_msg_id(v->error)), names, vals, 3, buf, cap);
    int n = (int)strlen(buf);
    if (v->error_detail != NULL && *v->error_detail && n >= 0 && (size_t)n + 2 < cap) {
        snprintf(buf + n, cap - (size_t)n, "\n%s", v->error_detail);
        /* The rules' reason starts lower case: a capital for a line of its own
         * (Latin a-z; Greek α-ο, U+03B1..BF, and π-ω, U+03C0..C9). */
        unsigned char *c = (unsigned char *)buf + n + 1;
        if (c[0] >= 'a' && c[0] <= 'z')
            c[0] = (unsigned char)(c[0] - 32);
        else if (c[0] == 0xCE && c[1] >= 0xB1 && c[1] <= 0xBF)
            c[1] = (unsigned char)(c[1] - 0x20);
        else if (c[0] == 0xCF && c[1] >= 0x80 && c[1] <= 0x89) {
            c[0] = 0xCE;
            c[1] = (unsigned char)(c[1] + 0x20);
        }
    }
    return buf;
}

/* The height of the error banner for msg in a box w wide. */
static int
scr_banner_box_h(Screens *s, const char *msg, int w)
{
    int px = fpx(s, THEME_FONT_BODY), is = mm(s, 8), pad = mm(s, 3);
    int h = text_para_height(s->text, px, true, msg, w - is - 3 * pad) + 2 * pad;
    return h < is + 2 * pad ? is + 2 * pad : h;
}

/* The error banner's box for view.error: just above the footer. */
static SDL_Rect
scr_banner_rect(Screens *s, const char *msg)
{
    int h = scr_banner_box_h(s, msg, s->col_w);
    return (SDL_Rect){s->col_x, s->foot_y - h - mm(s, 3), s->col_w, h};
}

int
scr_banner_h(Screens *s, const FlowView *v)
{
    char msg[1024];

    if (v->error == FLOW_MSG_NONE)
        return 0;
    return scr_banner_rect(s, scr_banner_text(s, v, msg, sizeof msg)).h + mm(s, 3);
}

static void
scr_banner_draw(Screens *s, const FlowView *v, const char *msg, SDL_Rect r)
{
    const ThemeColors *c = &s->th->c;
    int px = fpx(s, THEME_FONT_BODY), is = mm(s, 8), pad = mm(s, 3);
    int w = r.w - is - 3 * pad;
    draw_round_border(s->draw, r, mm(s, 2), 3, c->error, c->surface);
    /* The icon beside the first line: a long banner in a keypad screen's
     * scroll body shows its top first. */
    int lh = text_para_height(s->text, px, true, "E", w);
    int iy = lh > is ? r.y + pad + (lh - is) / 2 : r.y + (r.h - is) / 2;
    draw_icon(s->draw, DRAW_ICON_ALERT, r.x + pad, iy, is, c->error);
    text_para(s->text, &(TextStyle){px, true, c->error, TEXT_LEFT}, msg, r.x + is + 2 * pad,
              r.y + pad, w);
    ui_note(s->ui, "error", UI_KIND_TEXT, r, 0, flow_msg_id(v->error));
}

/* The error banner for view.error, just above the footer. */
void
scr_error_banner(Screens *s, const FlowView *v)
{
    if (v->error == FLOW_MSG_NONE)
        return;
    char msg[1024];
    scr_banner_text(s, v, msg, sizeof msg);
    scr_banner_draw(s, v, msg, scr_banner_rect(s, msg));
}

int
scr_error_banner_at(Screens *s, const FlowView *v, int x, int y, int w)
{
    if (v->error == FLOW_MSG_NONE)
        return 0;
    char msg[1024];
    scr_banner_text(s, v, msg, sizeof msg);
    SDL_Rect r = {x, y, w, scr_banner_box_h(s, msg, w)};
    scr_banner_draw(s, v, msg, r);
    return r.h;
}

int
scr_body_begin_to(Screens *s, int y, int bottom, const char *id)
{
    SDL_Rect view = {s->col_x - mm(s, 2), y, s->col_w + mm(s, 4), bottom - y};
    int off = ui_scroll_begin(s->ui, id, view);

    s->body_top = y - off;
    return y - off;
}

/* Bottom row: Cancel on the left, Back and the primary action on the right. */
void
scr_footer(Screens *s, const FlowView *v, const char *primary_label, bool primary_enabled,
           FlowEventType primary_ev)
{
    int y = s->foot_y;
    int x = s->col_x + s->col_w - s->foot_pw;

    if (primary_label != NULL &&
        ui_button_icon(s->ui, "btn-next", (SDL_Rect){x, y, s->foot_pw, s->btn_h},
                       DRAW_ICON_CHEVRON_RIGHT, primary_label, UI_STYLE_PRIMARY, primary_enabled))
        scr_emit(s, primary_ev, 0);
    /* A tap on the disabled primary asks the flow anyway: it refuses with
     * the reason (scroll to the end, tick every clause...), shown above. */
    if (primary_label != NULL && !primary_enabled && ui_tapped_disabled(s->ui, "btn-next"))
        scr_emit(s, primary_ev, 0);
    if (v->can_back &&
        ui_button_icon(s->ui, "btn-back",
                       (SDL_Rect){x - s->gap - s->foot_bw, y, s->foot_bw, s->btn_h},
                       DRAW_ICON_CHEVRON_LEFT, tr(s, "button.back"), UI_STYLE_SECONDARY, true))
        scr_emit(s, FLOW_EV_BACK, 0);
    /* "Cancel and erase" asks first (scr_cancel_modal): a slip of the
     * finger must not erase a person's work. Outlined: it is a button. */
    if (ui_button_icon(s->ui, "btn-cancel", (SDL_Rect){s->col_x, y, s->foot_cw, s->btn_h},
                       DRAW_ICON_CROSS, tr(s, "button.cancel"), UI_STYLE_SECONDARY, true)) {
        s->confirm_cancel = true;
        ui_invalidate(s->ui);
    }
}

/* ---------- cancel confirmation ---------- */

/* Height of a modal box w wide (padding pad, icon is) whose buttons are bh high. */
static int
scr_modal_height(Screens *s, const char *title, const char *body, int bh, int w, int pad, int is)
{
    int iw = w - 2 * pad;

    return pad + is + mm(s, 5) +
           text_heading_height(s->text, fpx(s, THEME_FONT_HEADING), true, title, iw) + mm(s, 3) +
           text_para_height(s->text, fpx(s, THEME_FONT_BODY), false, body, iw) + mm(s, 8) + bh +
           pad;
}

int
scr_modal_width(Screens *s, const char *title, const char *body, int bh)
{
    int most = s->W - 2 * s->margin, w = mm(s, 190);

    /* Wider where the text would make it taller than the screen (150 % in
     * Greek at 1280x800), up to the margins. */
    while (w < most &&
           scr_modal_height(s, title, body, bh, w, mm(s, 10), mm(s, 16)) > s->H - 2 * mm(s, 4))
        w += mm(s, 20);
    return w < most ? w : most;
}

/* A modal box centred on the screen, with an icon, a heading and a body;
 * returns the y where its buttons go (bh high) and sets *box. */
int
scr_modal_box(Screens *s, DrawIcon icon, const char *title, const char *body, int bh, SDL_Rect *box)
{
    const ThemeColors *c = &s->th->c;
    int w = scr_modal_width(s, title, body, bh), pad = mm(s, 10), is = mm(s, 16);
    int h = scr_modal_height(s, title, body, bh, w, pad, is);
    if (h > s->H - 2 * mm(s, 4)) { /* still too tall: less padding, a smaller icon */
        pad = mm(s, 5);
        is = mm(s, 10);
        h = scr_modal_height(s, title, body, bh, w, pad, is);
    }
    int x = (s->W - w) / 2, iw = w - 2 * pad;
    int hpx = fpx(s, THEME_FONT_HEADING), px = fpx(s, THEME_FONT_BODY);
    int y = (s->H - h) / 2;
    *box = (SDL_Rect){x, y, w, h};
    draw_round_border(s->draw, *box, mm(s, 3), 3, c->border, c->surface);
    y += pad;
    draw_icon(s->draw, icon, x + (w - is) / 2, y, is, c->heading);
    y += is + mm(s, 5);
    y += text_heading(s->text, &(TextStyle){hpx, true, c->heading, TEXT_CENTER}, title, x + pad, y,
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
    int y =
        scr_modal_box(s, DRAW_ICON_ALERT, tr(s, "cancel.title"), tr(s, "cancel.body"), bh, &box);
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

/* ---------- language chooser (the top bar's language button) ---------- */

static void
scr_lang_modal(Screens *s, const FlowView *v)
{
    int pad = mm(s, 10), g = mm(s, 3), bh = mm(s, 16);
    int n = (int)s->n_languages;
    SDL_Rect box;
    /* Every language in its own name, the current one ticked; the person's
     * progress stays as it is (the flow takes the language on any screen). */
    int y = scr_modal_box(s, DRAW_ICON_CHEVRON_RIGHT, tr(s, "attract.language"), "",
                          n * (bh + g) + bh, &box);
    for (int i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "menu-lang-%s", s->languages[i]);
        bool sel = v->language != NULL && strcmp(v->language, s->languages[i]) == 0;
        if (ui_choice(s->ui, id, (SDL_Rect){box.x + pad, y, box.w - 2 * pad, bh},
                      scr_lang_name(s, s->languages[i]), NULL, sel)) {
            scr_emit_text(s, FLOW_EV_SET_LANGUAGE, s->languages[i]);
            s->lang_menu = false;
        }
        y += bh + g;
    }
    if (ui_button(s->ui, "btn-lang-close", (SDL_Rect){box.x + pad, y, box.w - 2 * pad, bh},
                  tr(s, "button.close"), UI_STYLE_SECONDARY, true)) {
        s->lang_menu = false;
        ui_invalidate(s->ui);
    }
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
    if (v->idle_warning) {
        /* The person may have walked away: nothing of their screen (name,
         * national ID number) shows under the warning, only the bar. */
        if (s->dim != NULL)
            SDL_DestroyTexture(s->dim);
        s->dim = NULL;
        ui_block_begin(s->ui);
        scr_top_bar(s, v, false);
        ui_block_end(s->ui);
        scr_idle_modal(s, v);
    } else if (s->confirm_cancel || s->lang_menu || v->admin_confirm != FLOW_STOP_NONE) {
        if (s->dim == NULL || s->dim_w != s->W || s->dim_h != s->H) {
            if (s->dim != NULL)
                SDL_DestroyTexture(s->dim);
            s->dim = NULL;
            scr_dim_capture(s, v);
        }
        if (s->dim != NULL)
            SDL_RenderCopy(s->r, s->dim, NULL, NULL);
        if (s->confirm_cancel)
            scr_cancel_modal(s);
        else if (s->lang_menu)
            scr_lang_modal(s, v);
        else
            scr_admin_stop_modal(s, v);
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
    /* The hidden admin gesture, hold the top-left corner for 3 s, on every
     * screen and over the modals too (staff must get past a stuck session);
     * the flow ends the person's session before it asks for the PIN.
     * Placed last, so the corner wins a press over anything under it. */
    if (v->screen != FLOW_SCREEN_ADMIN_PIN && v->screen != FLOW_SCREEN_ADMIN &&
        ui_hotspot(s->ui, "admin-corner", (SDL_Rect){0, 0, mm(s, 20), s->bar_h}, 3000))
        scr_emit(s, FLOW_EV_ADMIN_GESTURE, 0);
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
