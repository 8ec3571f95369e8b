/* screens_signing: training confirmation, acknowledgement, signature, the certificate with its
 * QR code, and the endings (not required, error). */
#include "screens_int.h"

#include <stdio.h>
#include <string.h>

#include "qr.h"
#include "sigpad.h"

/* ---------- training confirmation ---------- */

/* The training screen with a date's error and the keypad up where the banner
 * above the footer leaves the keys no room: a body lw wide with the date
 * (in sight: it is what is being typed), the banner under it in place of
 * the intro, then the course's name and the tick, scrolling; the keypad
 * pinned beside the body (side) or under it, every key in sight. */
static void
scr_training_pinned(Screens *s, const FlowView *v, int top, int lw, bool side, int kw)
{
    const ThemeColors *c = &s->th->c;
    int px = fpx(s, THEME_FONT_BODY);
    int bottom = s->foot_y - mm(s, 4), kg = mm(s, 1.5f), kmin = mm(s, 11) + 1;
    int kh = kmin, kx = s->col_x, ky;
    if (side) {
        kh = scr_key_h(s, bottom - top, 4);
        if (4 * kh + 3 * kg > bottom - top)
            kh = (bottom - top - 3 * kg) / 4 < kmin ? kmin : (bottom - top - 3 * kg) / 4;
        kx = s->col_x + s->col_w - kw;
        ky = top;
    } else {
        ky = bottom - osk_height(&s->osk, kh, kg);
    }
    int kb = osk_height(&s->osk, kh, kg);
    SDL_Rect view = {s->col_x - mm(s, 2), top, lw + mm(s, 4),
                     (side ? bottom : ky - mm(s, 3)) - top};
    int y = top - ui_scroll_begin(s->ui, "confirm-body", view);
    s->body_top = y;
    int fw = lw; /* its label on fewer lines: the date higher up, more room for the banner */
    y = scr_labeled_field(s, v, FLOW_FIELD_TRAINING_DATE, "field-training-date",
                          tr(s, "confirm.date"), s->col_x, y, fw, 0,
                          v->error == FLOW_MSG_DATE_INVALID || v->error == FLOW_MSG_DATE_IN_FUTURE);
    y += mm(s, 4);
    y += scr_error_banner_at(s, v, s->col_x, y, lw) + mm(s, 6);
    y += text_para(s->text, &(TextStyle){px, true, c->text, TEXT_LEFT},
                   v->training_course ? v->training_course : "", s->col_x, y, lw);
    y += mm(s, 6);
    int ack_h = ui_check_row_height(s->ui, tr(s, "confirm.attended"), lw);
    if (ui_check_row(s->ui, "confirm-attended", (SDL_Rect){s->col_x, y, lw, ack_h},
                     tr(s, "confirm.attended"), v->training_confirmed))
        scr_emit(s, FLOW_EV_TRAINING_CONFIRM, 0);
    scr_body_end(s, y + ack_h + mm(s, 2));
    scr_keyboard(s, v, (SDL_Rect){kx, ky, kw, kb}, kh);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}

void
scr_training_confirm(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = scr_steps(s, v);
    int px = fpx(s, THEME_FONT_BODY), spx = fpx(s, THEME_FONT_SMALL);

    y = scr_heading(s, NULL, tr(s, "confirm.title"), y);
    /* Everything below the heading scrolls above the footer: at 150 % on
     * 1280x800 the tick row no longer lies over "Cancel and erase". */
    int top = y;
    bool keys = v->focus == FLOW_FIELD_TRAINING_DATE;
    /* On a short display at a large text size the intro ("Your country
     * requires...") gives way to the keypad, whose keys must all be in sight:
     * the heading and the course's name still say what is asked. */
    int bottom = s->foot_y - mm(s, 4) - scr_banner_h(s, v), kg = mm(s, 1.5f);
    int intro_h = text_para_height(s->text, spx, true, tr(s, "confirm.intro"), s->col_w);
    int course_h = text_para_height(s->text, px, true,
                                    v->training_course ? v->training_course : "", s->col_w);
    bool intro = !keys || bottom - (top + intro_h + course_h + mm(s, 6)) - mm(s, 2) >=
                              4 * (mm(s, 11) + 1) + 3 * kg;
    /* The date and the tick on the left, the keypad on the right (below
     * them where the column is too narrow for both). */
    int kw = mm(s, 100), lw = s->col_w - kw - mm(s, 12);
    bool side = lw >= mm(s, 90);
    if (!side)
        lw = s->col_w;
    int fw = mm(s, 80) < lw ? mm(s, 80) : lw;
    int kmin = mm(s, 11) + 1;
    /* A date's error banner above the footer left the keys under 11 mm or
     * scrolled away (150 % on 1024x768): then the banner goes to the top of
     * the body in place of the intro, the keypad is pinned (beside the body,
     * or under it) and the rest scrolls. */
    if (keys && v->error != FLOW_MSG_NONE) {
        int field_h = text_heading_height(s->text, spx, true, tr(s, "confirm.date"), fw) +
                      mm(s, 1) + mm(s, 15);
        int ky0 = top + (intro ? intro_h : 0) + course_h + mm(s, 6) +
                  (side ? 0 : field_h + mm(s, 4));
        if (bottom - ky0 - mm(s, 2) < 4 * kmin + 3 * kg) {
            /* beside the body a narrower keypad (keys of 20 mm still),
             * for a wider column for the banner */
            int pkw = side ? mm(s, 66) : kw;
            scr_training_pinned(s, v, top, side ? s->col_w - pkw - mm(s, 12) : s->col_w, side,
                                pkw);
            return;
        }
    }
    y = scr_body_begin(s, v, y, "confirm-body");
    if (intro)
        y += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT},
                       tr(s, "confirm.intro"), s->col_x, y, s->col_w);
    y += text_para(s->text, &(TextStyle){px, true, c->text, TEXT_LEFT},
                   v->training_course ? v->training_course : "", s->col_x, y, s->col_w);
    y += mm(s, 6);
    int fy =
        scr_labeled_field(s, v, FLOW_FIELD_TRAINING_DATE, "field-training-date",
                          tr(s, "confirm.date"), s->col_x, y, fw, 0,
                          v->error == FLOW_MSG_DATE_INVALID || v->error == FLOW_MSG_DATE_IN_FUTURE);
    int ky = side ? y : fy + mm(s, 4);
    int kh = 0, kb = 0;
    if (keys) {
        /* Sized from where the keypad starts, the course's name above it
         * counted: every key in sight (at 125 % on 1280x800 the 0 and the
         * "-" were scrolled away); keys give up to 11 mm before that. */
        int avail = bottom - (ky - s->body_top + top) - mm(s, 2);
        kh = scr_key_h(s, avail, 4);
        if (4 * kh + 3 * kg > avail) {
            kh = (avail - 3 * kg) / 4;
            kh = kh < kmin ? kmin : kh;
        }
        kb = osk_height(&s->osk, kh, kg);
        int kx = side ? s->col_x + s->col_w - kw : s->col_x;
        scr_keyboard(s, v, (SDL_Rect){kx, ky, kw, kb}, kh);
    }
    int ay = side || !keys ? fy + mm(s, 6) : ky + kb + mm(s, 6);
    int ack_h = ui_check_row_height(s->ui, tr(s, "confirm.attended"), lw);
    if (ui_check_row(s->ui, "confirm-attended", (SDL_Rect){s->col_x, ay, lw, ack_h},
                     tr(s, "confirm.attended"), v->training_confirmed))
        scr_emit(s, FLOW_EV_TRAINING_CONFIRM, 0);
    int end = ay + ack_h;
    if (keys && side && ky + kb > end)
        end = ky + kb;
    scr_body_end(s, end + mm(s, 2));
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}

/* ---------- acknowledgement and signature ---------- */

void
scr_acknowledge(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = scr_steps(s, v);
    int spx = fpx(s, THEME_FONT_SMALL);

    y = scr_heading(s, NULL, tr(s, "ack.title"), y);
    y += text_para(s->text, &(TextStyle){spx, false, c->muted, TEXT_LEFT}, tr(s, "ack.intro"),
                   s->col_x, y, s->col_w);
    y += mm(s, 3);
    int bottom = s->foot_y - mm(s, 5) - scr_banner_h(s, v);
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

/* A document's title in lang (else its first language), else its bundle ID. */
static const char *
scr_bundle_title(const FlowBundle *b, const char *lang)
{
    const Content *pick = b->n_contents > 0 ? b->contents[0] : NULL;

    for (size_t i = 0; lang != NULL && i < b->n_contents; i++)
        if (b->contents[i]->language != NULL && strcmp(b->contents[i]->language, lang) == 0)
            pick = b->contents[i];
    return pick != NULL && pick->title != NULL && *pick->title ? pick->title : b->bundle_id;
}

void
scr_sign(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = scr_steps(s, v);
    int px = fpx(s, THEME_FONT_BODY);

    y = scr_heading(s, NULL, tr(s, "sign.title"), y);
    int spx = fpx(s, THEME_FONT_SMALL), tw = s->col_w - mm(s, 5);
    /* The statement takes what it needs (it scrolls past that); the pad gets
     * the rest, at least 62 mm where the screen allows. */
    int text_h = text_para_height(s->text, spx, true, tr(s, "sign.statement_intro"), tw) +
                 text_para_height(s->text, px, false, v->statement ? v->statement : "", tw);
    if (v->n_bundles > 0)
        text_h += mm(s, 2) + text_para_height(s->text, spx, true, tr(s, "sign.bundles"), tw) +
                  (int)v->n_bundles * text_line_height(s->text, spx, false);
    int bottom = s->foot_y - mm(s, 5) - scr_banner_h(s, v);
    int pad_h = bottom - y - text_h - mm(s, 4);
    if (pad_h > mm(s, 110))
        pad_h = mm(s, 110);
    if (pad_h < mm(s, 62))
        pad_h = mm(s, 62);
    int avail = bottom - y - pad_h - mm(s, 4);
    int min_text = text_line_height(s->text, px, false) * 2; /* it scrolls */
    if (avail < min_text) {
        pad_h -= min_text - avail;
        avail = min_text;
    }
    /* The statement names the exact versions; it scrolls if long. */
    SDL_Rect view = {s->col_x, y, s->col_w, avail};
    int off = ui_scroll_begin(s->ui, "statement", view);
    int cy = y - off;
    cy += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT},
                    tr(s, "sign.statement_intro"), s->col_x, cy, tw);
    cy += text_para(s->text, &(TextStyle){px, false, c->text, TEXT_LEFT},
                    v->statement ? v->statement : "", s->col_x, cy, tw);
    /* Every document signed for, by its exact ID and version. */
    if (v->n_bundles > 0) {
        cy += mm(s, 2);
        cy += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT},
                        tr(s, "sign.bundles"), s->col_x, cy, tw);
        for (size_t i = 0; i < v->n_bundles; i++) {
            char line[256];
            const char *names[] = {"bundle", "version"};
            const char *vals[] = {scr_bundle_title(v->bundles[i], v->language),
                                  v->bundles[i]->version};
            cy += text_para(s->text, &(TextStyle){spx, false, c->text, TEXT_LEFT},
                            trf(s, "sign.bundle", line, sizeof line, 2, names, vals), s->col_x, cy,
                            tw);
        }
    }
    ui_scroll_end(s->ui, cy + off - y);
    y += avail + mm(s, 4);
    /* "Clear" as wide as its label needs (Greek "Καθαρισμός" at 150 %). */
    int cw = ui_button_width(s->ui, tr(s, "button.clear"), true);
    cw = cw < mm(s, 44) ? mm(s, 44) : cw > s->col_w / 3 ? s->col_w / 3 : cw;
    SDL_Rect pad = {s->col_x, y, s->col_w - cw - s->gap, pad_h};
    sigpad_do(s->pad, s->ui, scr_emit_ev, s, v, pad, tr(s, "sign.pad_hint"));
    if (ui_button_icon(s->ui, "btn-clear", (SDL_Rect){pad.x + pad.w + s->gap, y, cw, s->btn_h},
                       DRAW_ICON_CROSS, tr(s, "button.clear"), UI_STYLE_SECONDARY,
                       v->signature_points > 0))
        scr_emit(s, FLOW_EV_SIG_CLEAR, 0);
    if (v->signature_ok) {
        /* Said in words as well as with the tick. */
        int ox = pad.x + pad.w + s->gap, oy = y + s->btn_h + mm(s, 4);
        int ow = cw - spx - mm(s, 2);
        /* Drawn as a heading: smaller rather than "Signatur|e accepted" in
         * the narrow column at 150 %. */
        int oh = text_heading_height(s->text, spx, true, tr(s, "sign.ok"), ow);
        /* Beside the pad under Clear; where the pad is too short for that,
         * above Clear's row (the statement gives way). */
        if (oy + oh > pad.y + pad.h)
            oy = pad.y + pad.h - oh;
        draw_icon(s->draw, DRAW_ICON_CHECK, ox, oy, spx, c->success);
        oh = text_heading(s->text, &(TextStyle){spx, true, c->success, TEXT_LEFT},
                          tr(s, "sign.ok"), ox + spx + mm(s, 2), oy, ow);
        ui_note(s->ui, "signature-ok", UI_KIND_TEXT,
                (SDL_Rect){ox, oy, cw, oh > spx ? oh : spx}, 0, tr(s, "sign.ok"));
    }
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "sign.button"), v->can_sign, FLOW_EV_SIGN);
}

/* ---------- certificate and endings ---------- */

/* (Re)builds the QR texture when a new certificate is shown. */
void
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

/* Below the code on a portrait screen: the details and "Finish". */
#define SCR_CERT_TEXT_MIN_MM 110

/* On a portrait screen the code sits above the details instead of beside
 * them: side by side, the 100 mm text column would leave the code a third of
 * the width and most of the height empty (1080x1920). */
static bool
scr_cert_stacked(const Screens *s)
{
    return s->H > s->W;
}

/* Pixels per QR module that fit the certificate screen, with or without the
 * top bar above the code. The code takes the screen's height; the text
 * column beside it keeps at least 100 mm. Without the bar the code may run
 * to the screen's edges and skip the margin on its side: its own quiet zone
 * (4 white modules) is the margin a scanner needs, and that is what lets a
 * presentation of up to 1,000 bytes (a version-22 code, 113 modules with the
 * quiet zone) keep 7 px modules at 1280x800. The longest names the identity
 * fields take (127 bytes, session.c) make it up to about 1,100 bytes: a
 * version-24 code, 6 px here (README, "Names in any script"). */
static int
scr_cert_module_px(Screens *s, bool bar)
{
    if (s->qr == NULL || s->qr_modules <= 0)
        return 0;
    int edge = bar ? mm(s, 4) : 0;
    int h = s->H - (bar ? s->bar_h : 0) - 2 * edge;
    int w = s->W - (bar ? 2 : 1) * s->margin - s->gap - mm(s, 100);
    if (scr_cert_stacked(s)) {
        /* The text goes under the code: the code has the width, and the
         * height less what the text and "Finish" need. */
        w = s->W - 2 * s->margin;
        h -= mm(s, SCR_CERT_TEXT_MIN_MM);
    }
    int side = h < w ? h : w;
    return side / s->qr_modules;
}

/* The certificate screen drops the top bar (its settings move beside the
 * code) when the code's modules would be smaller than QR_MIN_MODULE_PX
 * under it and the full height makes them larger. */
bool
scr_cert_full_height(Screens *s)
{
    int with_bar = scr_cert_module_px(s, true);
    return with_bar < QR_MIN_MODULE_PX && scr_cert_module_px(s, false) > with_bar;
}

void
scr_certificate(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    bool bar = !scr_cert_full_height(s), stacked = scr_cert_stacked(s);
    int edge = bar ? mm(s, 4) : 0, top = (bar ? s->bar_h : 0) + edge;
    int m = scr_cert_module_px(s, bar);
    if (m < 1)
        m = 1;
    int qside = s->qr != NULL ? m * s->qr_modules : 0;
    int text_w = stacked ? s->W - 2 * s->margin : s->W - 2 * s->margin - qside - s->gap;
    if (text_w > mm(s, 140))
        text_w = mm(s, 140);
    int block_w = stacked ? qside : qside + 2 * s->gap + text_w;
    int qx = (s->W - block_w) / 2;
    int qy = stacked ? top : top + (s->H - edge - top - qside) / 2;
    if (s->qr != NULL) {
        SDL_Rect qr = {qx, qy, qside, qside};
        SDL_RenderCopy(s->r, s->qr, NULL, &qr);
        char mod[16];
        snprintf(mod, sizeof mod, "%d", m);
        ui_note(s->ui, "qr", UI_KIND_TEXT, qr, 0, mod);
    }
    int tx = stacked ? (s->W - text_w) / 2 : qx + qside + 2 * s->gap, tw = text_w;
    int y = stacked ? qy + qside + mm(s, 4) : qy;
    if (!bar) {
        /* The top bar's settings, kept reachable on this screen too, and
         * on a demonstration kiosk its DEMO badge: this certificate is not valid. */
        if (s->demo)
            scr_demo_badge(s, tx + tw - scr_demo_badge_width(s), y + mm(s, 15) / 2,
                           c->primary, c->on_primary);
        y = scr_settings(s, v, tx, y, mm(s, 15), UI_STYLE_SECONDARY, true, 0) + mm(s, 6);
    }
    /* "Finish" at the foot of the text column, level with the code's
     * bottom; the text above it scrolls if it needs more room than that
     * (150 %: it no longer lies over the date and the number). */
    int bw = ui_button_width(s->ui, tr(s, "cert.done"), true);
    bw = bw < mm(s, 62) ? mm(s, 62) : bw > tw ? tw : bw;
    int bh = ui_button_height(s->ui, tr(s, "cert.done"), true, bw, s->btn_h);
    int by = qside > 0 && !stacked ? qy + qside - bh : s->H - mm(s, 7) - bh;
    if (by + bh > s->H - edge)
        by = s->H - edge - bh;
    if (by < y + mm(s, 20))
        by = s->H - edge - bh;
    SDL_Rect view = {tx - mm(s, 1), y, tw + mm(s, 2), by - mm(s, 4) - y};
    int off = ui_scroll_begin(s->ui, "cert-text", view);
    y -= off;
    int text_top = y;
    int is = mm(s, 12);
    draw_disc(s->draw, tx + is / 2, y + is / 2, is / 2, c->success);
    draw_icon(s->draw, DRAW_ICON_CHECK, tx + is / 5, y + is / 5, is * 3 / 5, c->surface);
    int hpx = fpx(s, THEME_FONT_HEADING), px = fpx(s, THEME_FONT_BODY),
        spx = fpx(s, THEME_FONT_SMALL);
    tw -= mm(s, 3); /* room for the scroll bar */
    int ty = y + text_heading(s->text, &(TextStyle){hpx, true, c->heading, TEXT_LEFT},
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
        /* A value stands alone: a name in Arabic or Hebrew starts at the
         * right edge of its box, as its reader expects. */
        ty +=
            text_para(s->text, &(TextStyle){px, true, c->text, TEXT_START}, rows[i][1], tx, ty, tw);
        ty += mm(s, 3);
    }
    ty += mm(s, 2);
    ty += text_para(s->text, &(TextStyle){spx, false, c->text, TEXT_LEFT}, tr(s, "cert.scan"), tx,
                    ty, tw);
    ui_scroll_end(s->ui, ty - text_top + mm(s, 2));
    if (ui_button_icon(s->ui, "btn-done", (SDL_Rect){tx, by, bw, bh}, DRAW_ICON_CHECK,
                       tr(s, "cert.done"), UI_STYLE_PRIMARY, true))
        scr_emit(s, FLOW_EV_DONE, 0);
}

void
scr_message(Screens *s, const FlowView *v, DrawIcon icon, SDL_Color tone, const char *heading,
            const char *body)
{
    const ThemeColors *c = &s->th->c;
    int top = s->bar_h + mm(s, s->H > mm(s, 240) ? 30 : 12);
    int bottom = s->foot_y - mm(s, 4) - scr_banner_h(s, v);
    int is = mm(s, 22), gap = mm(s, 8);
    int hpx = fpx(s, THEME_FONT_HEADING), px = fpx(s, THEME_FONT_BODY);
    int w = s->col_w * 3 / 4;
    const char *id = NULL;
    char msg[1024] = "";

    if (v->error != FLOW_MSG_NONE) {
        /* The heading already says what happened ("No certificate was
         * issued"): the reason alone, "error.reason.<id>", where the strings
         * have one; else the whole message. */
        char key[96];
        id = flow_msg_id(v->error);
        snprintf(key, sizeof key, "error.reason.%s", strncmp(id, "error.", 6) == 0 ? id + 6 : id);
        const char *reason = strcmp(tr(s, key), key) != 0 ? tr(s, key) : tr(s, id);
        snprintf(msg, sizeof msg, "%s%s%s", reason, v->error_detail ? " " : "",
                 v->error_detail ? v->error_detail : "");
    }
    /* Where it does not fit above "Done" (150 % in Greek or French at
     * 1280x800): the whole column, a smaller icon and gaps; then it scrolls
     * above the footer rather than lie under the button. */
    int need = 0;
    for (int pass = 0; pass < 2; pass++) {
        need = is + gap + text_heading_height(s->text, hpx, true, heading, w) + mm(s, 4) +
               text_para_height(s->text, px, false, body, w) +
               (id != NULL ? mm(s, 4) + text_para_height(s->text, px, true, msg, w) : 0);
        if (top + need <= bottom || pass == 1)
            break;
        w = s->col_w;
        is = mm(s, 14);
        gap = mm(s, 4);
        top = s->bar_h + mm(s, 6);
    }
    bool scrolls = top + need > bottom;
    int x = (s->W - w) / 2;
    int y = scrolls ? scr_body_begin(s, v, top, "message-body") : top;

    draw_icon(s->draw, icon, (s->W - is) / 2, y, is, tone);
    y += is + gap;
    y += text_heading(s->text, &(TextStyle){hpx, true, c->heading, TEXT_CENTER}, heading, x, y, w);
    if (id != NULL) {
        y += mm(s, 4);
        int h = text_para(s->text, &(TextStyle){px, true, c->error, TEXT_CENTER}, msg, x, y, w);
        ui_note(s->ui, "error", UI_KIND_TEXT, (SDL_Rect){x, y, w, h}, 0, id);
        y += h;
    }
    y += mm(s, 4);
    y += text_para(s->text, &(TextStyle){px, false, c->text, TEXT_CENTER}, body, x, y, w);
    if (scrolls)
        scr_body_end(s, y);
    int bw = mm(s, 62);
    if (ui_button_icon(s->ui, "btn-done", (SDL_Rect){(s->W - bw) / 2, s->foot_y, bw, s->btn_h},
                       DRAW_ICON_CHECK, tr(s, "button.done"), UI_STYLE_PRIMARY, true))
        scr_emit(s, FLOW_EV_DONE, 0);
}
