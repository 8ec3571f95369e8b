/* flow_view: the view of the flow's state that the screens draw, and the names of its messages
 * and screens. */
#include "flow_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

static const char *const msg_ids[FLOW_MSG_COUNT_] = {
    [FLOW_MSG_NONE] = "",
    [FLOW_MSG_TEXT_INVALID] = "error.text_invalid",
    [FLOW_MSG_TEXT_TOO_LONG] = "error.text_too_long",
    [FLOW_MSG_NAME_EMPTY] = "error.name_empty",
    [FLOW_MSG_SERVICE_NUMBER_EMPTY] = "error.service_number_empty",
    [FLOW_MSG_SERVICE_NUMBER_INVALID] = "error.service_number_invalid",
    [FLOW_MSG_RULES_FAILED] = "error.rules_failed",
    [FLOW_MSG_NATION_REQUIRED] = "error.nation_required",
    [FLOW_MSG_NATION_CODE_INVALID] = "error.nation_code_invalid",
    [FLOW_MSG_NATION_HAS_BUNDLE] = "error.nation_has_bundle",
    [FLOW_MSG_CATEGORY_REQUIRED] = "error.category_required",
    [FLOW_MSG_PRIVACY_REQUIRED] = "error.privacy_required",
    [FLOW_MSG_SECTION_NOT_SHOWN] = "error.section_not_shown",
    [FLOW_MSG_ANSWER_REQUIRED] = "error.answer_required",
    [FLOW_MSG_DATE_INVALID] = "error.date_invalid",
    [FLOW_MSG_DATE_BAD_MONTH] = "error.date_bad_month",
    [FLOW_MSG_DATE_BAD_DAY] = "error.date_bad_day",
    [FLOW_MSG_PRIVACY_NOT_READ] = "error.privacy_not_read",
    [FLOW_MSG_NATION_CODE_UNKNOWN] = "error.nation_code_unknown",
    [FLOW_MSG_NATION_NOT_CHOSEN] = "error.nation_not_chosen",
    [FLOW_MSG_SERVICE_NUMBER_LENGTH] = "error.service_number_length",
    [FLOW_MSG_SERVICE_NUMBER_LENGTH_RANGE] = "error.service_number_length_range",
    [FLOW_MSG_SERVICE_NUMBER_DIGITS] = "error.service_number_digits",
    [FLOW_MSG_SERVICE_NUMBER_ALNUM] = "error.service_number_alnum",
    [FLOW_MSG_TEXT_TOO_LONG_BYTES] = "error.text_too_long_bytes",
    [FLOW_MSG_DATE_IN_FUTURE] = "error.date_in_future",
    [FLOW_MSG_TRAINING_CONFIRM_REQUIRED] = "error.training_confirm_required",
    [FLOW_MSG_CLAUSES_REQUIRED] = "error.clauses_required",
    [FLOW_MSG_SIGNATURE_REQUIRED] = "error.signature_required",
    [FLOW_MSG_SIGNATURE_TOO_SHORT] = "error.signature_too_short",
    [FLOW_MSG_SIGNATURE_TOO_SMALL] = "error.signature_too_small",
    [FLOW_MSG_SIGNATURE_FULL] = "error.signature_full",
    [FLOW_MSG_ISSUE_FAILED] = "error.issue_failed",
    [FLOW_MSG_DISK_FULL] = "error.disk_full",
    [FLOW_MSG_PIN_WRONG] = "error.pin_wrong",
    [FLOW_MSG_ADMIN_LOCKED] = "error.admin_locked",
    [FLOW_MSG_ADMIN_UNAVAILABLE] = "error.admin_unavailable",
};

static const char *const screen_names[FLOW_SCREEN_COUNT_] = {
    [FLOW_SCREEN_ATTRACT] = "attract",
    [FLOW_SCREEN_PRIVACY] = "privacy",
    [FLOW_SCREEN_NATION] = "nation",
    [FLOW_SCREEN_IDENTITY] = "identity",
    [FLOW_SCREEN_CONDUCT] = "conduct",
    [FLOW_SCREEN_TRAINING] = "training",
    [FLOW_SCREEN_QUIZ] = "quiz",
    [FLOW_SCREEN_QUIZ_RESULT] = "quiz_result",
    [FLOW_SCREEN_TRAINING_CONFIRM] = "training_confirm",
    [FLOW_SCREEN_ACKNOWLEDGE] = "acknowledge",
    [FLOW_SCREEN_SIGN] = "sign",
    [FLOW_SCREEN_CERTIFICATE] = "certificate",
    [FLOW_SCREEN_NOT_REQUIRED] = "not_required",
    [FLOW_SCREEN_ERROR] = "error",
    [FLOW_SCREEN_ADMIN_PIN] = "admin_pin",
    [FLOW_SCREEN_ADMIN] = "admin",
};

const char *
flow_msg_id(FlowMsg m)
{
    return (unsigned)m < FLOW_MSG_COUNT_ ? msg_ids[m] : "";
}

const char *
flow_screen_name(FlowScreen s)
{
    return (unsigned)s < FLOW_SCREEN_COUNT_ ? screen_names[s] : "";
}

const char *
flow_category_name(FlowCategory c)
{
    switch (c) {
    case FLOW_CATEGORY_MILITARY:
        return "military";
    case FLOW_CATEGORY_CIVILIAN:
        return "civilian";
    case FLOW_CATEGORY_CONTRACTOR:
        return "contractor";
    case FLOW_CATEGORY_NONE:
        break;
    }
    return "";
}

/* ---- the view ---- */

/* Words in s: runs of non-space characters. */
static unsigned long
flow_words(const char *s)
{
    unsigned long n = 0;
    bool in = false;

    for (; *s; s++) {
        bool sp = *s == ' ' || *s == '\n' || *s == '\t';
        n += !sp && !in;
        in = !sp;
    }
    return n;
}

/* The words to read in c: its sections and its training pages. */
static unsigned long
flow_content_words(const Content *c)
{
    unsigned long n = 0;

    for (size_t i = 0; i < c->n_sections; i++)
        for (size_t p = 0; p < c->sections[i].n_paragraphs; p++)
            n += flow_words(c->sections[i].paragraphs[p]);
    for (size_t i = 0; i < c->n_pages; i++)
        for (size_t p = 0; p < c->pages[i].n_paragraphs; p++)
            n += flow_words(c->pages[i].paragraphs[p]);
    return n;
}

/* The estimate the attract screen gives (FlowView.estimate_*): the longest
 * way, the baseline alone or with one nation's bundle. */
static void
flow_estimate(const Flow *f, FlowView *v)
{
    const Content *base = f->cfg.baseline->contents[0];
    unsigned long words = 0, questions = 0;

    for (size_t i = 0; i <= f->cfg.n_nations; i++) {
        const Content *nc = i < f->cfg.n_nations && f->cfg.nations[i]->n_contents > 0
                                ? f->cfg.nations[i]->contents[0]
                                : NULL;
        unsigned long w = flow_content_words(base) + (nc ? flow_content_words(nc) : 0);
        unsigned long q = base->n_questions + (nc ? nc->n_questions : 0);
        words = w > words ? w : words;
        questions = q > questions ? q : questions;
    }
    unsigned long minutes = (words + 179) / 180 + (questions + 1) / 2 + 5;
    v->estimate_words = (unsigned)words;
    v->estimate_questions = (unsigned)questions;
    v->estimate_minutes = (unsigned)((minutes + 4) / 5 * 5);
}

void
flow_view_build(Flow *f)
{
    FlowView *v = &f->view;
    size_t step_base;

    memset(v, 0, sizeof *v);
    v->screen = f->screen;
    v->language = f->language;
    v->text_size_percent = f->text_size;
    v->high_contrast = f->contrast;
    v->wipe_count = f->wipe_count;
    v->idle_warning = f->warning;
    if (f->warning) {
        int64_t left = (int64_t)f->cfg.warning_ms - (f->now_ms - f->warning_start_ms);
        v->idle_seconds_left = left > 0 ? (uint32_t)((left + 999) / 1000) : 0;
    }
    /* Nine steps for everyone (a nation without a course to confirm skips
     * step 7): the total never changes once the nation is chosen. */
    v->n_steps = 9;
    step_base = 1;
    switch (f->screen) {
    case FLOW_SCREEN_PRIVACY:
        v->step = 1;
        break;
    case FLOW_SCREEN_NATION:
        v->step = 2;
        break;
    case FLOW_SCREEN_IDENTITY:
        v->step = 3;
        break;
    case FLOW_SCREEN_CONDUCT:
        v->step = 4;
        break;
    case FLOW_SCREEN_TRAINING:
        v->step = 5;
        break;
    case FLOW_SCREEN_QUIZ:
    case FLOW_SCREEN_QUIZ_RESULT:
        v->step = 6;
        break;
    case FLOW_SCREEN_TRAINING_CONFIRM:
        v->step = 7;
        break;
    case FLOW_SCREEN_ACKNOWLEDGE:
        v->step = 7 + (unsigned)step_base;
        break;
    case FLOW_SCREEN_SIGN:
        v->step = 8 + (unsigned)step_base;
        break;
    default:
        v->step = 0;
    }
    /* Reading left, from the words of the sections and pages not yet
     * passed, at 180 words a minute (reading to learn, on a screen). */
    if (f->screen == FLOW_SCREEN_CONDUCT || f->screen == FLOW_SCREEN_TRAINING) {
        unsigned long words = 0;
        bool conduct = f->screen == FLOW_SCREEN_CONDUCT && !f->reviewing;
        if (conduct)
            for (size_t k = f->cur_section; k < f->n_sections; k++) {
                const ContentSection *cs =
                    &flow_slot_content(f, f->sections[k].slot)->sections[f->sections[k].index];
                for (size_t p = 0; p < cs->n_paragraphs; p++)
                    words += flow_words(cs->paragraphs[p]);
            }
        /* the training pages come after the sections (not in review) */
        size_t first_page = f->screen == FLOW_SCREEN_TRAINING ? f->cur_page : 0;
        for (size_t k = first_page; (conduct || f->screen == FLOW_SCREEN_TRAINING) && k < f->n_pages;
             k++) {
            const ContentPage *cp =
                &flow_slot_content(f, f->pages[k].slot)->pages[f->pages[k].index];
            for (size_t p = 0; p < cp->n_paragraphs; p++)
                words += flow_words(cp->paragraphs[p]);
        }
        v->reading_minutes_left = (unsigned)((words + 179) / 180);
    }
    if (f->screen == FLOW_SCREEN_ATTRACT)
        flow_estimate(f, v);
    v->can_next = flow_can_next(f);
    v->can_back = flow_can_back(f);
    v->can_sign = flow_can_sign(f);
    v->error = f->error;
    v->error_detail = f->error_detail[0] != '\0' ? f->error_detail : NULL;
    v->error_number = f->error_number;
    v->error_number_max = f->error_number_max;

    v->nations = f->cfg.nations;
    v->n_nations = f->cfg.n_nations;
    v->nation_index = f->nation_index;
    v->category = f->category;
    v->nation_code = session_field(f->session, SESSION_NATION);
    v->nation_choosing = f->choosing;
    v->focus = f->focus;
    for (int i = 1; i < FLOW_FIELD_COUNT_; i++)
        v->fields[i] =
            i == FLOW_FIELD_PIN ? "" : session_field(f->session, flow_session_field_of(i));
    v->fields[FLOW_FIELD_NONE] = "";
    v->pin_length = session_field_len(f->session, SESSION_PIN);
    v->privacy_ack = f->privacy_ack;
    v->privacy_read = f->privacy_read;
    if (f->n_slots > 0)
        v->service_number_label =
            f->cfg.rules.service_number_label(f->cfg.rules.ctx, flow_governing(f), f->language);

    if (f->n_slots > 0) {
        v->bundles = f->slots;
        v->n_bundles = f->n_slots;
        for (size_t b = 0; b < f->n_slots; b++)
            f->bundle_titles[b] = flow_slot_content(f, b)->title;
        v->bundle_titles = f->bundle_titles;
        v->n_sections = f->reviewing ? f->n_review : f->n_sections;
        v->n_pages = f->n_pages;
        v->n_questions = f->n_questions;
        v->n_clauses = f->n_clauses;
    }
    if (f->screen == FLOW_SCREEN_CONDUCT || f->screen == FLOW_SCREEN_TRAINING ||
        f->screen == FLOW_SCREEN_QUIZ) {
        FlowItem it;
        if (f->screen == FLOW_SCREEN_CONDUCT) {
            size_t k = f->reviewing ? f->review[f->cur_review] : f->cur_section;
            it = f->sections[k];
            v->section_index = f->reviewing ? f->cur_review : f->cur_section;
            v->section_shown = f->reviewing ? f->review_shown[f->cur_review] : f->shown[k];
            v->review = f->reviewing;
        } else if (f->screen == FLOW_SCREEN_TRAINING) {
            it = f->pages[f->cur_page];
            v->page_index = f->cur_page;
        } else {
            it = f->questions[f->cur_question];
            v->question_index = f->cur_question;
            v->selected_choice = -1;
        }
        v->bundle = f->slots[it.slot];
        v->content = flow_slot_content(f, it.slot);
        v->content_fallback = strcmp(v->content->language, f->language) != 0;
        f->langs_shown[it.slot] |= UINT32_C(1) << flow_content_index(v->bundle, f->language);
        if (f->screen == FLOW_SCREEN_CONDUCT)
            v->section = &v->content->sections[it.index];
        else if (f->screen == FLOW_SCREEN_TRAINING)
            v->page = &v->content->pages[it.index];
        else
            v->question = &v->content->questions[it.index];
        v->draft_content = v->bundle->draft;
    }
    if (v->question != NULL) {
        /* The choices in the order drawn for this attempt (flow_quiz.c). */
        int answer = session_answer(f->session, f->cur_question);
        v->n_choices = v->question->n_choices;
        for (size_t k = 0; k < v->n_choices; k++) {
            int ci = f->order[f->cur_question][k];
            f->choice_ptrs[k] = v->question->choices[ci];
            f->choice_ids[k] = ci;
            if (ci == answer)
                v->selected_choice = (int)k;
        }
        v->choices = f->choice_ptrs;
        v->choice_ids = f->choice_ids;
    }
    if (f->screen != FLOW_SCREEN_QUIZ)
        v->selected_choice = -1;

    v->quiz_score = f->quiz_score;
    v->quiz_of = (unsigned)f->n_questions;
    v->pass_mark_percent = f->pass_mark;
    v->quiz_attempts = f->quiz_attempts;
    v->quiz_passed = f->quiz_passed;
    /* A pass with wrong answers shows which sections they came from too. */
    if (f->quiz_done) {
        for (size_t r = 0; r < f->n_review; r++) {
            FlowItem it = f->sections[f->review[r]];
            f->missed_ptrs[r] = &flow_slot_content(f, it.slot)->sections[it.index];
            f->missed_bundle_ptrs[r] = f->slots[it.slot];
        }
        v->missed_sections = f->missed_ptrs;
        v->missed_bundles = f->missed_bundle_ptrs;
        v->n_missed_sections = f->n_review;
    }
    if (f->training_required) {
        v->training_course =
            f->cfg.rules.training_course(f->cfg.rules.ctx, flow_governing(f), f->language);
        v->training_confirmed = f->training_confirmed;
    }
    if (f->screen == FLOW_SCREEN_ACKNOWLEDGE || f->screen == FLOW_SCREEN_SIGN) {
        for (size_t i = 0; i < f->n_clauses; i++) {
            FlowItem it = f->clauses[i];
            f->clause_ptrs[i] = &flow_slot_content(f, it.slot)->clauses[it.index];
            f->langs_shown[it.slot] |= UINT32_C(1)
                                       << flow_content_index(f->slots[it.slot], f->language);
        }
        v->clauses = f->clause_ptrs;
        v->clause_ticked = f->ticked;
        v->content = flow_slot_content(f, f->n_slots - 1);
        v->bundle = flow_governing(f);
    }
    v->statement = session_field(f->session, SESSION_STATEMENT);
    v->signature_points = session_sig_points(f->session);
    v->signature_ok = flow_sig_problem(f) == SESSION_SIG_OK;
    v->serial = session_field(f->session, SESSION_SERIAL);
    v->valid_until = session_field(f->session, SESSION_VALID_UNTIL);
    v->jws = session_field(f->session, SESSION_JWS);
    v->stats = f->stats;
    v->endorsement_days_left = 0;
    v->endorsement_warn = false;
    if (f->stats.endorsed_until > 0 && f->unix_s > 0) {
        int64_t left = f->stats.endorsed_until - f->unix_s;
        /* whole days, rounded down: 10 hours left is "0 days", and so a warning */
        int64_t days = left >= 0 ? left / 86400 : -((-left + 86399) / 86400);
        v->endorsement_days_left = (int)(days < -100000 ? -100000 : days > 100000 ? 100000 : days);
        v->endorsement_warn = left < (int64_t)FLOW_ENDORSEMENT_WARN_DAYS * 86400;
    }
    v->admin_failures = f->lock.failures;
    v->admin_locked = f->lock.failures >= FLOW_ADMIN_MAX_FAILURES &&
                      (f->lock_broken || f->unix_s < f->lock.locked_until);
    v->admin_lock_seconds_left =
        v->admin_locked && !f->lock_broken
            ? (uint32_t)(f->lock.locked_until - f->unix_s < UINT32_MAX
                             ? f->lock.locked_until - f->unix_s
                             : UINT32_MAX)
            : 0;
    v->admin_confirm = f->stop_asked;
    v->quit = f->quit;
    v->stop = f->stop;
}
