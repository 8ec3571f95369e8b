/* screens_reading: the code of conduct and training pages (read to the end), the quiz and its
 * result. */
#include "screens_int.h"

#include <stdio.h>
#include <string.h>

/* A bundle no authority has reviewed says so on every screen that shows its
 * text, in words, not colour alone (a deployed kiosk shows drafts only when
 * its config allows them). Returns the y below the mark. */
static int
scr_draft_mark(Screens *s, const FlowView *v, int y)
{
    const ThemeColors *c = &s->th->c;

    if (!v->draft_content)
        return y;
    int spx = fpx(s, THEME_FONT_SMALL);
    const char *mark = tr(s, "conduct.draft_content");
    int tx = s->col_x + spx + mm(s, 2), tw = s->col_w - spx - mm(s, 2);
    draw_icon(s->draw, DRAW_ICON_ALERT, s->col_x, y, spx, c->error);
    /* Wrapped, not cut: the mark is long in some languages at 150 %. */
    int h = text_para(s->text, &(TextStyle){spx, true, c->error, TEXT_LEFT}, mark, tx, y, tw);
    ui_note(s->ui, "draft-content", UI_KIND_TEXT, (SDL_Rect){tx, y, tw, h}, 0, mark);
    return y + h + mm(s, 1);
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
    y = scr_draft_mark(s, v, y);
    int status_h = mm(s, 10), bottom = s->foot_y - mm(s, 5) - status_h;
    int pad = mm(s, 6), tw = s->col_w - 2 - 2 * pad - mm(s, 3);
    /* On a short screen at a large text size the heading scrolls with the
     * text: held above it, it left the pane four lines (1280x800, 150 %). */
    bool head_in_pane = bottom - y - scr_heading_height(s, eyebrow, title, s->col_w) < s->H * 2 / 5;
    if (!head_in_pane)
        y = scr_heading(s, eyebrow, title, y);
    SDL_Rect card = {s->col_x, y, s->col_w, bottom - y};
    draw_round_border(s->draw, card, mm(s, 2), 1, c->border, c->surface);
    SDL_Rect view = {card.x + 1, card.y + 1, card.w - 2, card.h - 2};
    int off = ui_scroll_begin(s->ui, "reading", view);
    if (off != s->read_offset) {
        s->read_offset = off;
        scr_emit(s, FLOW_EV_SCROLL, 0);
    }
    int px = fpx(s, THEME_FONT_BODY);
    int cy = view.y + pad - off;
    if (head_in_pane)
        cy = scr_heading_in(s, eyebrow, title, view.x + pad, cy, tw);
    /* The notice that the text is a fallback or a draft opens the text
     * itself (above it, at 150 % it left the pane a few lines). */
    if (v->content_fallback || (v->content != NULL && v->content->draft)) {
        int spx = fpx(s, THEME_FONT_SMALL);
        char fb[512];
        const char *ln[] = {"language"};
        const char *lv[] = {scr_lang_name_in_ui(
            s, v->content && v->content->language ? v->content->language : "en")};
        const char *note = v->content_fallback
                               ? trf(s, "conduct.fallback_notice", fb, sizeof fb, 1, ln, lv)
                               : tr(s, "conduct.draft_notice");
        draw_icon(s->draw, DRAW_ICON_ALERT, view.x + pad, cy + mm(s, 1), spx, c->muted);
        cy += text_para(s->text, &(TextStyle){spx, false, c->muted, TEXT_LEFT}, note,
                       view.x + pad + spx + mm(s, 2), cy, tw - spx - mm(s, 2));
        cy += mm(s, 3);
    }
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

void
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

void
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

void
scr_quiz(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    char eyebrow[128], i[16], n[16];

    if (v->question == NULL)
        return;
    int y = scr_draft_mark(s, v, scr_steps(s, v));
    snprintf(i, sizeof i, "%zu", v->question_index + 1);
    snprintf(n, sizeof n, "%zu", v->n_questions);
    const char *names[] = {"index", "total"}, *vals[] = {i, n};
    y = scr_heading(s, trf(s, "quiz.question_of", eyebrow, sizeof eyebrow, 2, names, vals),
                    tr(s, "quiz.title"), y);
    /* The question and its answers scroll between the heading and the
     * footer; each answer tile is as tall as its text needs. */
    int px = fpx(s, THEME_FONT_BODY);
    char qkey[64];
    snprintf(qkey, sizeof qkey, "q/%zu/%u", v->question_index, v->quiz_attempts);
    if (strcmp(qkey, s->read_key) != 0) {
        snprintf(s->read_key, sizeof s->read_key, "%s", qkey);
        ui_scroll_forget(s->ui, "quiz-body");
    }
    y = scr_body_begin(s, v, y, "quiz-body");
    y += text_para(s->text, &(TextStyle){px, true, c->text, TEXT_LEFT}, v->question->text, s->col_x,
                   y, s->col_w);
    y += mm(s, 5);
    int nch = (int)v->n_choices;
    int g = mm(s, 3);
    for (int k = 0; k < nch; k++) {
        char id[32];
        /* Shown shuffled; named by the choice's index in the content file, so
         * a replay taps the same answer whatever order was drawn. */
        snprintf(id, sizeof id, "choice-%d", v->choice_ids[k]);
        int ch = ui_choice_height(s->ui, v->choices[k], NULL, s->col_w, mm(s, 15));
        SDL_Rect r = {s->col_x, y, s->col_w, ch};
        if (ui_choice(s->ui, id, r, v->choices[k], NULL, v->selected_choice == k))
            scr_emit(s, FLOW_EV_ANSWER, k);
        y += ch + g;
    }
    scr_body_end(s, y);
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, "button.next"), v->can_next, FLOW_EV_NEXT);
}

/* The score as a card: the count large, a bar with the pass mark on it. */
static int
scr_score_card(Screens *s, const FlowView *v, int y)
{
    const ThemeColors *c = &s->th->c;
    char big[32], buf[256], sc[16], of[16], pm[16], nd[16];
    unsigned needed = v->quiz_of == 0 ? 0 : (v->pass_mark_percent * v->quiz_of + 99) / 100;
    SDL_Color tone = v->quiz_passed ? c->success : c->error;

    snprintf(big, sizeof big, "%u / %u", v->quiz_score, v->quiz_of);
    snprintf(sc, sizeof sc, "%u", v->quiz_score);
    snprintf(of, sizeof of, "%u", v->quiz_of);
    snprintf(pm, sizeof pm, "%u", v->pass_mark_percent);
    snprintf(nd, sizeof nd, "%u", needed);
    const char *names[] = {"score", "total", "pass", "needed"}, *vals[] = {sc, of, pm, nd};
    int pad = mm(s, 6), is = mm(s, 16);
    int tpx = fpx(s, THEME_FONT_TITLE), px = fpx(s, THEME_FONT_BODY),
        spx = fpx(s, THEME_FONT_SMALL);
    int inner = s->col_w - 2 * pad;
    int big_h = text_line_height(s->text, tpx, true);
    int lab_h = text_para_height(s->text, px, true, tr(s, "quiz.correct_label"), inner - is - pad);
    int pm_h = text_para_height(s->text, spx, true,
                                trf(s, "quiz.pass_mark", buf, sizeof buf, 4, names, vals), inner);
    int bar_h = mm(s, 3);
    int top_h = big_h > is ? big_h : is;
    int h = pad + top_h + lab_h + mm(s, 4) + bar_h + mm(s, 3) + pm_h + pad;
    SDL_Rect card = {s->col_x, y, s->col_w, h};
    draw_round_border(s->draw, card, mm(s, 2), 1, c->border, c->surface);
    int x = card.x + pad, cy = card.y + pad;
    draw_disc(s->draw, x + is / 2, cy + (top_h - is) / 2 + is / 2, is / 2, tone);
    draw_icon(s->draw, v->quiz_passed ? DRAW_ICON_CHECK : DRAW_ICON_CROSS, x + is / 5,
              cy + (top_h - is) / 2 + is / 5, is * 3 / 5, c->surface);
    text_line(s->text, &(TextStyle){tpx, true, c->heading, TEXT_LEFT}, big, x + is + pad,
              cy + (top_h - big_h) / 2, inner - is - pad);
    cy += top_h;
    cy += text_para(s->text, &(TextStyle){px, true, c->text, TEXT_LEFT},
                    tr(s, "quiz.correct_label"), x + is + pad, cy, inner - is - pad);
    cy += mm(s, 4);
    /* The bar: the share of right answers, and a mark where passing starts. */
    draw_round(s->draw, (SDL_Rect){x, cy, inner, bar_h}, bar_h / 2,
               s->th->high_contrast ? (SDL_Color){0x55, 0x55, 0x55, 0xFF} : c->disabled);
    if (v->quiz_of > 0 && v->quiz_score > 0)
        draw_round(s->draw,
                   (SDL_Rect){x, cy, (int)((long)inner * v->quiz_score / v->quiz_of), bar_h},
                   bar_h / 2, tone);
    int mx = x + (int)((long)inner * v->pass_mark_percent / 100);
    draw_rect(s->draw, (SDL_Rect){mx - 2, cy - mm(s, 1.5f), 4, bar_h + mm(s, 3)}, c->heading);
    cy += bar_h + mm(s, 3);
    text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT}, buf, x, cy, inner);
    /* The sentence a screen reader or a replay looks for. */
    ui_note(s->ui, "quiz-score", UI_KIND_TEXT, card, 0,
            trf(s, "quiz.score", buf, sizeof buf, 3, names, vals));
    return y + h;
}

/* The sections of the wrong answers, each with whose it is (NATO or the
 * nation: both may have a "Zero tolerance"). Returns the y below. */
static int
scr_missed_list(Screens *s, const FlowView *v, int y)
{
    const ThemeColors *c = &s->th->c;
    int px = fpx(s, THEME_FONT_BODY);

    for (size_t i = 0; i < v->n_missed_sections; i++) {
        char who[96], line[512];
        const FlowBundle *b = v->missed_bundles != NULL ? v->missed_bundles[i] : NULL;
        const char *nation = b != NULL && b->nation != NULL ? b->nation : "";
        const char *who_s = strcmp(nation, "NATO") == 0 ? tr(s, "nation.nato")
                                                        : scr_nation_name(s, nation, who, sizeof who);
        snprintf(line, sizeof line, "%s \xC2\xB7 %s", who_s, v->missed_sections[i]->title);
        draw_icon(s->draw, DRAW_ICON_CHEVRON_RIGHT, s->col_x, y + px / 4, px, c->primary);
        y += text_para(s->text, &(TextStyle){px, true, c->text, TEXT_LEFT}, line,
                       s->col_x + px + mm(s, 3), y, s->col_w - px - mm(s, 3));
        y += mm(s, 2);
    }
    return y;
}

void
scr_quiz_result(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    char buf[256];
    int y = scr_steps(s, v);
    int px = fpx(s, THEME_FONT_BODY), spx = fpx(s, THEME_FONT_SMALL);

    y = scr_heading(s, NULL, tr(s, v->quiz_passed ? "quiz.passed_title" : "quiz.failed_title"), y);
    y = scr_body_begin(s, v, y, "result-body");
    y = scr_score_card(s, v, y) + mm(s, 6);
    if (v->quiz_passed) {
        if (v->quiz_attempts > 1) {
            char at[16];
            snprintf(at, sizeof at, "%u", v->quiz_attempts);
            const char *an[] = {"attempt"}, *av[] = {at};
            y += text_para(s->text, &(TextStyle){px, false, c->text, TEXT_LEFT},
                           trf(s, "quiz.passed_attempt", buf, sizeof buf, 1, an, av), s->col_x, y,
                           s->col_w);
            y += mm(s, 5);
        }
        /* What comes next, as a numbered list. */
        y += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT},
                       tr(s, "quiz.next_title"), s->col_x, y, s->col_w);
        y += mm(s, 2);
        const char *steps[4];
        int n = 0;
        if (v->training_course != NULL)
            steps[n++] = tr(s, "quiz.next_training");
        steps[n++] = tr(s, "quiz.next_ack");
        steps[n++] = tr(s, "quiz.next_sign");
        steps[n++] = tr(s, "quiz.next_cert");
        int ds = text_line_height(s->text, px, true);
        for (int i = 0; i < n; i++) {
            char num[12];
            snprintf(num, sizeof num, "%d", i + 1);
            draw_disc(s->draw, s->col_x + ds / 2, y + ds / 2, ds / 2, c->primary);
            text_line(s->text, &(TextStyle){spx, true, c->on_primary, TEXT_CENTER}, num, s->col_x,
                      y + (ds - text_line_height(s->text, spx, true)) / 2, ds);
            int h = text_para(s->text, &(TextStyle){px, false, c->text, TEXT_LEFT}, steps[i],
                              s->col_x + ds + mm(s, 4), y, s->col_w - ds - mm(s, 4));
            y += (h > ds ? h : ds) + mm(s, 2);
        }
        /* A pass with wrong answers says where they came from. */
        if (v->n_missed_sections > 0) {
            y += mm(s, 4);
            y += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT},
                           tr(s, "quiz.missed_title"), s->col_x, y, s->col_w);
            y += mm(s, 2);
            y = scr_missed_list(s, v, y);
        }
    } else {
        y += text_para(s->text, &(TextStyle){px, false, c->text, TEXT_LEFT},
                       tr(s, "quiz.review_intro"), s->col_x, y, s->col_w);
        y += mm(s, 3);
        y = scr_missed_list(s, v, y);
    }
    scr_body_end(s, y);
    scr_error_banner(s, v);
    scr_footer(s, v, tr(s, v->quiz_passed ? "button.next" : "quiz.retry"), v->can_next,
               FLOW_EV_NEXT);
}
