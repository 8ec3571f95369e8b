/* flow: the certification state machine — screens, guards, reading lists, idle timer, events. */
#include "flow_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

SessionField
flow_session_field_of(FlowField f)
{
    switch (f) {
    case FLOW_FIELD_NAME:
        return SESSION_NAME;
    case FLOW_FIELD_SERVICE_NUMBER:
        return SESSION_SERVICE_NUMBER;
    case FLOW_FIELD_RANK:
        return SESSION_RANK;
    case FLOW_FIELD_UNIT:
        return SESSION_UNIT;
    case FLOW_FIELD_OTHER_NATION:
        return SESSION_NATION_SEARCH;
    case FLOW_FIELD_TRAINING_DATE:
        return SESSION_TRAINING_DATE;
    case FLOW_FIELD_PIN:
        return SESSION_PIN;
    default:
        return SESSION_FIELD_COUNT_;
    }
}

/* ---- content of a slot in the shown language ---- */

size_t
flow_content_index(const FlowBundle *b, const char *lang)
{
    size_t en = (size_t)-1;

    for (size_t i = 0; i < b->n_contents; i++) {
        if (strcmp(b->contents[i]->language, lang) == 0)
            return i;
        if (strcmp(b->contents[i]->language, "en") == 0)
            en = i;
    }
    return en != (size_t)-1 ? en : 0;
}

const Content *
flow_slot_content(const Flow *f, size_t slot)
{
    const FlowBundle *b = f->slots[slot];
    return b->contents[flow_content_index(b, f->language)];
}

const FlowBundle *
flow_governing(const Flow *f)
{
    return f->slots[f->n_slots - 1];
}

/* ---- wipe and reset ---- */

void
flow_clear_person(Flow *f)
{
    session_wipe(f->session);
    f->wipe_count++;
    f->nation_index = -1;
    f->choosing = false;
    f->category = FLOW_CATEGORY_NONE;
    f->privacy_ack = false;
    f->privacy_read = false;
    f->focus = FLOW_FIELD_NONE;
    f->n_slots = 0;
    memset(f->langs_shown, 0, sizeof f->langs_shown);
    f->n_sections = f->cur_section = 0;
    memset(f->shown, 0, sizeof f->shown);
    f->n_review = f->cur_review = 0;
    f->reviewing = false;
    f->n_pages = f->cur_page = 0;
    f->n_questions = f->cur_question = 0;
    f->quiz_score = f->quiz_attempts = f->pass_mark = 0;
    f->quiz_done = f->quiz_passed = false;
    f->training_required = f->training_confirmed = false;
    f->n_clauses = 0;
    memset(f->ticked, 0, sizeof f->ticked);
    f->pad_width = 0;
    f->error = FLOW_MSG_NONE;
    f->error_detail[0] = '\0';
}

/* Back to ATTRACT for the next person: personal data zeroed, display
 * settings back to their defaults. */
static void
reset(Flow *f)
{
    flow_clear_person(f);
    f->screen = FLOW_SCREEN_ATTRACT;
    f->stop_asked = FLOW_STOP_NONE;
    f->warning = false;
    f->last_activity_ms = f->now_ms;
    f->language = f->cfg.n_languages > 0 ? f->cfg.languages[0] : "en";
    f->text_size = 100;
    f->contrast = false;
}

CkErr
flow_refuse(Flow *f, FlowMsg m)
{
    f->error = m;
    return CK_ERR_REFUSED;
}

/* ---- building the reading lists once the nation is known ---- */

void
flow_build_lists(Flow *f)
{
    f->n_sections = f->n_pages = f->n_questions = f->n_clauses = 0;
    for (size_t s = 0; s < f->n_slots; s++) {
        const Content *c = f->slots[s]->contents[0];
        for (size_t i = 0; i < c->n_sections && f->n_sections < FLOW_MAX_ITEMS; i++)
            f->sections[f->n_sections++] = (FlowItem){(uint8_t)s, (uint16_t)i};
        for (size_t i = 0; i < c->n_pages && f->n_pages < FLOW_MAX_ITEMS; i++)
            f->pages[f->n_pages++] = (FlowItem){(uint8_t)s, (uint16_t)i};
        for (size_t i = 0; i < c->n_questions && f->n_questions < FLOW_MAX_ITEMS; i++)
            f->questions[f->n_questions++] = (FlowItem){(uint8_t)s, (uint16_t)i};
        for (size_t i = 0; i < c->n_clauses && f->n_clauses < FLOW_MAX_ITEMS; i++) {
            /* A clause the manifest marks for other categories is not this
             * person's to attest (a contractor does not swear to the UCMJ). */
            if (f->cfg.rules.clause_applies != NULL &&
                !f->cfg.rules.clause_applies(f->cfg.rules.ctx, f->slots[s], c->clauses[i].id,
                                             f->category))
                continue;
            f->clauses[f->n_clauses++] = (FlowItem){(uint8_t)s, (uint16_t)i};
        }
    }
    memset(f->shown, 0, sizeof f->shown);
    memset(f->ticked, 0, sizeof f->ticked);
    f->cur_section = f->cur_page = f->cur_question = 0;
    f->reviewing = false;
    f->quiz_done = f->quiz_passed = false;
    f->quiz_attempts = f->quiz_score = 0;
    f->training_confirmed = false;
    session_clear_answers(f->session);
}

const ContentQuestion *
flow_question_at(const Flow *f, size_t q)
{
    return &flow_slot_content(f, f->questions[q].slot)->questions[f->questions[q].index];
}

/* ---- screen transitions ---- */

void
flow_enter(Flow *f, FlowScreen s)
{
    f->screen = s;
    f->focus = FLOW_FIELD_NONE;
    f->stop_asked = FLOW_STOP_NONE; /* a question belongs to the screen it was asked on */
    if (s == FLOW_SCREEN_IDENTITY)
        f->focus = FLOW_FIELD_NAME;
    else if (s == FLOW_SCREEN_TRAINING_CONFIRM)
        f->focus = FLOW_FIELD_TRAINING_DATE;
    else if (s == FLOW_SCREEN_ADMIN_PIN)
        f->focus = FLOW_FIELD_PIN;
    else if (s == FLOW_SCREEN_NATION && f->choosing)
        f->focus = FLOW_FIELD_OTHER_NATION;
}

/* The statement names the documents by their titles (in the language
 * shown), not by bundle IDs: {bundle} is the governing document's title. */
static void
build_statement(Flow *f)
{
    const FlowBundle *gov = flow_governing(f);
    const Content *gc = flow_slot_content(f, f->n_slots - 1);
    const char *p = gc->attestation;

    session_field_clear(f->session, SESSION_STATEMENT);
    while (*p != '\0') {
        const char *sub = NULL;
        size_t skip = 0, run = 0;

        if (strncmp(p, "{name}", 6) == 0)
            sub = session_field(f->session, SESSION_NAME), skip = 6;
        else if (strncmp(p, "{bundle}", 8) == 0)
            sub = gc->title != NULL && *gc->title ? gc->title : gov->bundle_id, skip = 8;
        else if (strncmp(p, "{version}", 9) == 0)
            sub = gov->version, skip = 9;
        if (sub != NULL) {
            /* A statement that does not fit is cut; content limits keep it
             * far below SESSION_STATEMENT's capacity. */
            (void)session_field_append(f->session, SESSION_STATEMENT, sub, strlen(sub));
            p += skip;
            continue;
        }
        while (p[run] != '\0' && p[run] != '{')
            run++;
        if (run == 0)
            run = 1;
        (void)session_field_append(f->session, SESSION_STATEMENT, p, run);
        p += run;
    }
}

bool
flow_all_shown(const Flow *f)
{
    for (size_t i = 0; i < f->n_sections; i++)
        if (!f->shown[i])
            return false;
    return f->n_sections > 0;
}

bool
flow_all_ticked(const Flow *f)
{
    for (size_t i = 0; i < f->n_clauses; i++)
        if (!f->ticked[i])
            return false;
    return true;
}

bool
flow_can_next(const Flow *f)
{
    switch (f->screen) {
    case FLOW_SCREEN_PRIVACY:
        return f->privacy_ack;
    case FLOW_SCREEN_NATION:
        return f->nation_index >= 0 && f->category != FLOW_CATEGORY_NONE && !f->choosing &&
               (f->nation_index < (int)f->cfg.n_nations ||
                session_field_len(f->session, SESSION_NATION) == 3);
    case FLOW_SCREEN_IDENTITY:
        return session_field_len(f->session, SESSION_NAME) > 0 &&
               session_field_len(f->session, SESSION_SERVICE_NUMBER) > 0;
    case FLOW_SCREEN_CONDUCT:
        return f->reviewing ? f->review_shown[f->cur_review] : f->shown[f->cur_section];
    case FLOW_SCREEN_TRAINING:
    case FLOW_SCREEN_QUIZ_RESULT:
        return true;
    case FLOW_SCREEN_QUIZ:
        return session_answer(f->session, f->cur_question) >= 0;
    case FLOW_SCREEN_TRAINING_CONFIRM:
        return f->training_confirmed && session_field_len(f->session, SESSION_TRAINING_DATE) > 0;
    case FLOW_SCREEN_ACKNOWLEDGE:
        return flow_all_ticked(f);
    default:
        return false;
    }
}

SessionSigProblem
flow_sig_problem(const Flow *f)
{
    return session_sig_check(f->session, f->pad_width);
}

bool
flow_can_sign(const Flow *f)
{
    return f->screen == FLOW_SCREEN_SIGN && flow_all_shown(f) && flow_all_ticked(f) &&
           f->quiz_passed && (!f->training_required || f->training_confirmed) &&
           flow_sig_problem(f) == SESSION_SIG_OK;
}

static CkErr
on_next(Flow *f)
{
    switch (f->screen) {
    case FLOW_SCREEN_PRIVACY:
        if (!f->privacy_ack)
            return flow_refuse(f, FLOW_MSG_PRIVACY_REQUIRED);
        flow_enter(f, FLOW_SCREEN_NATION);
        return CK_OK;
    case FLOW_SCREEN_NATION:
        return flow_next_from_nation(f);
    case FLOW_SCREEN_IDENTITY:
        return flow_next_from_identity(f);
    case FLOW_SCREEN_CONDUCT:
        if (f->reviewing) {
            if (!f->review_shown[f->cur_review])
                return flow_refuse(f, FLOW_MSG_SECTION_NOT_SHOWN);
            if (++f->cur_review >= f->n_review)
                flow_start_quiz(f);
            return CK_OK;
        }
        if (!f->shown[f->cur_section])
            return flow_refuse(f, FLOW_MSG_SECTION_NOT_SHOWN);
        if (++f->cur_section >= f->n_sections) {
            f->cur_section = f->n_sections - 1;
            flow_after_conduct(f);
        }
        return CK_OK;
    case FLOW_SCREEN_TRAINING:
        if (++f->cur_page >= f->n_pages) {
            f->cur_page = f->n_pages - 1;
            flow_start_quiz(f);
        }
        return CK_OK;
    case FLOW_SCREEN_QUIZ:
        if (session_answer(f->session, f->cur_question) < 0)
            return flow_refuse(f, FLOW_MSG_ANSWER_REQUIRED);
        if (++f->cur_question >= f->n_questions) {
            f->cur_question = f->n_questions - 1;
            flow_finish_quiz(f);
        }
        return CK_OK;
    case FLOW_SCREEN_QUIZ_RESULT:
        if (f->quiz_passed) {
            flow_after_quiz(f);
        } else {
            f->reviewing = true;
            f->cur_review = 0;
            memset(f->review_shown, 0, sizeof f->review_shown);
            if (f->n_review == 0) /* cannot happen with a failed quiz; be safe */
                flow_start_quiz(f);
            else
                flow_enter(f, FLOW_SCREEN_CONDUCT);
        }
        return CK_OK;
    case FLOW_SCREEN_TRAINING_CONFIRM:
        return flow_next_from_training_confirm(f);
    case FLOW_SCREEN_ACKNOWLEDGE:
        if (!flow_all_ticked(f))
            return flow_refuse(f, FLOW_MSG_CLAUSES_REQUIRED);
        build_statement(f);
        flow_enter(f, FLOW_SCREEN_SIGN);
        return CK_OK;
    default:
        return CK_ERR_USAGE;
    }
}

static CkErr
on_back(Flow *f)
{
    switch (f->screen) {
    case FLOW_SCREEN_PRIVACY:
        /* Back to the start, the person's language and text size kept
         * (issue 14: the privacy notice had no Back); nothing was entered yet. */
        flow_clear_person(f);
        flow_enter(f, FLOW_SCREEN_ATTRACT);
        return CK_OK;
    case FLOW_SCREEN_NATION:
        if (f->choosing) {
            flow_close_chooser(f);
            return CK_OK;
        }
        flow_enter(f, FLOW_SCREEN_PRIVACY);
        return CK_OK;
    case FLOW_SCREEN_IDENTITY:
        flow_enter(f, FLOW_SCREEN_NATION);
        return CK_OK;
    case FLOW_SCREEN_CONDUCT:
        if (f->reviewing)
            return CK_ERR_USAGE;
        if (f->cur_section > 0)
            f->cur_section--;
        else
            flow_enter(f, FLOW_SCREEN_IDENTITY);
        return CK_OK;
    case FLOW_SCREEN_TRAINING:
        if (f->cur_page > 0) {
            f->cur_page--;
        } else {
            f->cur_section = f->n_sections - 1;
            flow_enter(f, FLOW_SCREEN_CONDUCT);
        }
        return CK_OK;
    case FLOW_SCREEN_QUIZ:
        if (f->cur_question == 0)
            return CK_ERR_USAGE;
        f->cur_question--;
        return CK_OK;
    case FLOW_SCREEN_ACKNOWLEDGE:
        if (!f->training_required)
            return CK_ERR_USAGE;
        flow_enter(f, FLOW_SCREEN_TRAINING_CONFIRM);
        return CK_OK;
    case FLOW_SCREEN_SIGN:
        flow_enter(f, FLOW_SCREEN_ACKNOWLEDGE);
        return CK_OK;
    default:
        return CK_ERR_USAGE;
    }
}

bool
flow_can_back(const Flow *f)
{
    switch (f->screen) {
    case FLOW_SCREEN_PRIVACY:
    case FLOW_SCREEN_NATION:
    case FLOW_SCREEN_IDENTITY:
    case FLOW_SCREEN_TRAINING:
    case FLOW_SCREEN_SIGN:
        return true;
    case FLOW_SCREEN_CONDUCT:
        return !f->reviewing;
    case FLOW_SCREEN_QUIZ:
        return f->cur_question > 0;
    case FLOW_SCREEN_ACKNOWLEDGE:
        return f->training_required;
    default:
        return false;
    }
}

/* ---- typing ---- */

static bool
field_allowed(const Flow *f, FlowField field)
{
    switch (f->screen) {
    case FLOW_SCREEN_NATION:
        return field == FLOW_FIELD_OTHER_NATION && f->choosing;
    case FLOW_SCREEN_IDENTITY:
        return field == FLOW_FIELD_NAME || field == FLOW_FIELD_SERVICE_NUMBER ||
               field == FLOW_FIELD_RANK || field == FLOW_FIELD_UNIT;
    case FLOW_SCREEN_TRAINING_CONFIRM:
        return field == FLOW_FIELD_TRAINING_DATE;
    case FLOW_SCREEN_ADMIN_PIN:
        return field == FLOW_FIELD_PIN;
    default:
        return false;
    }
}

static CkErr
on_text(Flow *f, const char *text)
{
    SessionField sf = flow_session_field_of(f->focus);
    CkErr err;

    if (text == NULL || !field_allowed(f, f->focus))
        return CK_ERR_USAGE;
    err = session_field_append(f->session, sf, text, strlen(text));
    ck_err_clear();
    if (err == CK_ERR_TOO_LARGE) {
        /* Which limit it met, said with its number: the characters, or the
         * bytes (a name in Arabic with marks or in CJK fills those first). */
        const char *now = session_field(f->session, sf);
        if ((now != NULL ? strlen(now) : 0) + strlen(text) > session_field_max_bytes(sf)) {
            f->error_number = (unsigned)session_field_max_bytes(sf);
            return flow_refuse(f, FLOW_MSG_TEXT_TOO_LONG_BYTES);
        }
        f->error_number = (unsigned)session_field_max_chars(sf);
        return flow_refuse(f, FLOW_MSG_TEXT_TOO_LONG);
    }
    if (err != CK_OK)
        return flow_refuse(f, FLOW_MSG_TEXT_INVALID);
    return CK_OK;
}

/* ---- signature ---- */

static CkErr
on_sig(Flow *f, const FlowEvent *ev)
{
    CkErr err = CK_OK;

    if (f->screen != FLOW_SCREEN_SIGN)
        return CK_ERR_USAGE;
    switch (ev->type) {
    case FLOW_EV_SIG_BEGIN:
        if (ev->width > 0)
            f->pad_width = ev->width;
        err = session_sig_begin(f->session, ev->x, ev->y, ev->t_ms);
        break;
    case FLOW_EV_SIG_POINT:
        err = session_sig_point(f->session, ev->x, ev->y, ev->t_ms);
        break;
    case FLOW_EV_SIG_END:
        break;
    case FLOW_EV_SIG_CLEAR:
        session_sig_clear(f->session);
        break;
    default:
        return CK_ERR_USAGE;
    }
    ck_err_clear();
    if (err == CK_ERR_TOO_LARGE)
        return flow_refuse(f, FLOW_MSG_SIGNATURE_FULL);
    return err == CK_OK ? CK_OK : CK_ERR_USAGE;
}

/* ---- idle ---- */

static bool
is_reading(FlowScreen s)
{
    return s == FLOW_SCREEN_CONDUCT || s == FLOW_SCREEN_TRAINING;
}

static void
on_tick(Flow *f, const FlowEvent *ev)
{
    uint32_t limit;

    if (ev->now_ms > f->now_ms || !f->have_time)
        f->now_ms = ev->now_ms;
    if (ev->unix_s > f->unix_s)
        f->unix_s = ev->unix_s;
    if (!f->have_time) {
        f->have_time = true;
        f->last_activity_ms = f->now_ms;
    }
    if (f->screen == FLOW_SCREEN_ATTRACT) {
        f->last_activity_ms = f->now_ms;
        return;
    }
    limit = is_reading(f->screen) ? f->cfg.reading_idle_ms : f->cfg.idle_ms;
    if (!f->warning && f->now_ms - f->last_activity_ms >= limit) {
        f->warning = true;
        f->warning_start_ms = f->now_ms;
    }
    if (f->warning && f->now_ms - f->warning_start_ms >= f->cfg.warning_ms) {
        if (f->screen == FLOW_SCREEN_ADMIN)
            flow_admin_log(f, FLOW_ADMIN_EXIT);
        reset(f);
    }
}

/* ---- events ---- */

static bool
person_screen(FlowScreen s)
{
    return s != FLOW_SCREEN_ATTRACT && s != FLOW_SCREEN_ADMIN_PIN && s != FLOW_SCREEN_ADMIN;
}

static CkErr
dispatch(Flow *f, const FlowEvent *ev)
{
    switch (ev->type) {
    case FLOW_EV_SET_LANGUAGE:
        for (size_t i = 0; ev->text != NULL && i < f->cfg.n_languages; i++)
            if (strcmp(f->cfg.languages[i], ev->text) == 0) {
                /* The error stays, drawn in the new language; a nation's
                 * reason was given in the old one, so it goes (Next asks
                 * the rules again, in the new language). */
                if (f->language != f->cfg.languages[i])
                    f->error_detail[0] = '\0';
                f->language = f->cfg.languages[i];
                return CK_OK;
            }
        return CK_ERR_USAGE;
    case FLOW_EV_SET_TEXT_SIZE:
        if (ev->index != 100 && ev->index != 125 && ev->index != 150)
            return CK_ERR_USAGE;
        f->text_size = ev->index;
        return CK_OK;
    case FLOW_EV_TOGGLE_CONTRAST:
        f->contrast = !f->contrast;
        return CK_OK;
    case FLOW_EV_START:
        if (f->screen != FLOW_SCREEN_ATTRACT)
            return CK_ERR_USAGE;
        flow_clear_person(f);
        flow_enter(f, FLOW_SCREEN_PRIVACY);
        return CK_OK;
    case FLOW_EV_NEXT:
        return on_next(f);
    case FLOW_EV_BACK:
        return on_back(f);
    case FLOW_EV_CANCEL:
        if (!person_screen(f->screen))
            return CK_ERR_USAGE;
        reset(f);
        return CK_OK;
    case FLOW_EV_DONE:
        if (f->screen != FLOW_SCREEN_CERTIFICATE && f->screen != FLOW_SCREEN_NOT_REQUIRED &&
            f->screen != FLOW_SCREEN_ERROR)
            return CK_ERR_USAGE;
        reset(f);
        return CK_OK;
    case FLOW_EV_MORE_TIME:
        return CK_ERR_USAGE; /* only meaningful during the warning (handled earlier) */
    case FLOW_EV_FOCUS:
        if (!field_allowed(f, (FlowField)ev->index))
            return CK_ERR_USAGE;
        f->focus = (FlowField)ev->index;
        return CK_OK;
    case FLOW_EV_TEXT:
        return on_text(f, ev->text);
    case FLOW_EV_BACKSPACE:
    case FLOW_EV_CLEAR_FIELD:
        if (!field_allowed(f, f->focus))
            return CK_ERR_USAGE;
        if (ev->type == FLOW_EV_BACKSPACE)
            session_field_backspace(f->session, flow_session_field_of(f->focus));
        else
            session_field_clear(f->session, flow_session_field_of(f->focus));
        return CK_OK;
    case FLOW_EV_PRIVACY_ACK:
        if (f->screen != FLOW_SCREEN_PRIVACY)
            return CK_ERR_USAGE;
        /* "I have read" only once the notice was shown to its end, as the
         * conduct sections are. */
        if (!f->privacy_ack && !f->privacy_read)
            return flow_refuse(f, FLOW_MSG_PRIVACY_NOT_READ);
        f->privacy_ack = !f->privacy_ack;
        return CK_OK;
    case FLOW_EV_SELECT_NATION:
        if (f->screen != FLOW_SCREEN_NATION || f->choosing || ev->index < 0 ||
            (size_t)ev->index > f->cfg.n_nations)
            return CK_ERR_USAGE;
        if (ev->index != f->nation_index)
            session_field_clear(f->session, SESSION_NATION);
        f->nation_index = ev->index;
        /* "Other" opens the chooser (again, to change the country picked). */
        f->choosing = (size_t)ev->index == f->cfg.n_nations;
        session_field_clear(f->session, SESSION_NATION_SEARCH);
        f->focus = f->choosing ? FLOW_FIELD_OTHER_NATION : FLOW_FIELD_NONE;
        return CK_OK;
    case FLOW_EV_CHOOSE_COUNTRY:
        if (f->screen != FLOW_SCREEN_NATION || !f->choosing)
            return CK_ERR_USAGE;
        return flow_choose_country(f, ev->text);
    case FLOW_EV_SELECT_CATEGORY:
        if (f->screen != FLOW_SCREEN_NATION || ev->index < FLOW_CATEGORY_MILITARY ||
            ev->index > FLOW_CATEGORY_CONTRACTOR)
            return CK_ERR_USAGE;
        f->category = (FlowCategory)ev->index;
        return CK_OK;
    case FLOW_EV_SECTION_END:
        if (f->screen == FLOW_SCREEN_PRIVACY) {
            f->privacy_read = true;
            return CK_OK;
        }
        if (f->screen != FLOW_SCREEN_CONDUCT)
            return f->screen == FLOW_SCREEN_TRAINING ? CK_OK : CK_ERR_USAGE;
        if (f->reviewing)
            f->review_shown[f->cur_review] = true;
        else
            f->shown[f->cur_section] = true;
        if (f->reviewing)
            f->shown[f->review[f->cur_review]] = true;
        return CK_OK;
    case FLOW_EV_SCROLL:
        return is_reading(f->screen) ? CK_OK : CK_ERR_USAGE;
    case FLOW_EV_ANSWER:
        /* index is the position shown; the session keeps the content index. */
        if (f->screen != FLOW_SCREEN_QUIZ || ev->index < 0 ||
            (size_t)ev->index >= flow_question_at(f, f->cur_question)->n_choices)
            return CK_ERR_USAGE;
        return session_set_answer(f->session, f->cur_question,
                                  f->order[f->cur_question][ev->index]);
    case FLOW_EV_TRAINING_CONFIRM:
        if (f->screen != FLOW_SCREEN_TRAINING_CONFIRM)
            return CK_ERR_USAGE;
        f->training_confirmed = !f->training_confirmed;
        return CK_OK;
    case FLOW_EV_CLAUSE:
        if (f->screen != FLOW_SCREEN_ACKNOWLEDGE || ev->index < 0 ||
            (size_t)ev->index >= f->n_clauses)
            return CK_ERR_USAGE;
        f->ticked[ev->index] = !f->ticked[ev->index];
        return CK_OK;
    case FLOW_EV_SIG_BEGIN:
    case FLOW_EV_SIG_POINT:
    case FLOW_EV_SIG_END:
    case FLOW_EV_SIG_CLEAR:
        return on_sig(f, ev);
    case FLOW_EV_SIGN:
        if (f->screen != FLOW_SCREEN_SIGN)
            return CK_ERR_USAGE;
        return flow_on_sign(f);
    case FLOW_EV_ADMIN_GESTURE:
        /* Staff reach admin mode from every screen (a person's session may
         * be stuck). The person's session ends there, as on the idle reset:
         * their data is zeroed (and the idle warning dropped) before the PIN
         * screen shows, so nothing of theirs is left for the admin screen or
         * for whoever stands here next. Only the display settings (language,
         * text size, contrast) stay: they are no personal data, and staff
         * choose theirs on the attract screen before the gesture. */
        if (f->screen == FLOW_SCREEN_ADMIN_PIN || f->screen == FLOW_SCREEN_ADMIN)
            return CK_ERR_USAGE;
        if (f->cfg.admin.pin_hash == NULL)
            return flow_refuse(f, FLOW_MSG_ADMIN_UNAVAILABLE);
        flow_clear_person(f);
        f->warning = false;
        f->last_activity_ms = f->now_ms;
        flow_enter(f, FLOW_SCREEN_ADMIN_PIN);
        return CK_OK;
    case FLOW_EV_ADMIN_PIN:
        if (f->screen != FLOW_SCREEN_ADMIN_PIN)
            return CK_ERR_USAGE;
        return flow_on_admin_pin(f);
    case FLOW_EV_ADMIN_EXIT:
        if (f->screen != FLOW_SCREEN_ADMIN_PIN && f->screen != FLOW_SCREEN_ADMIN)
            return CK_ERR_USAGE;
        if (f->screen == FLOW_SCREEN_ADMIN)
            flow_admin_log(f, FLOW_ADMIN_EXIT);
        reset(f);
        return CK_OK;
    case FLOW_EV_ADMIN_STOP:
    case FLOW_EV_ADMIN_STOP_CONFIRM:
    case FLOW_EV_ADMIN_STOP_CANCEL:
        return flow_on_admin_stop(f, ev);
    case FLOW_EV_TICK:
        break;
    }
    return CK_ERR_USAGE;
}

CkErr
flow_handle(Flow *flow, const FlowEvent *ev)
{
    CkErr err;

    if (flow == NULL || ev == NULL)
        return CK_ERR_USAGE;
    if (ev->type == FLOW_EV_TICK) {
        on_tick(flow, ev);
        flow_view_build(flow);
        return CK_OK;
    }
    if (flow->warning) {
        /* The warning is modal: only "more time", display settings and the
     * staff's admin gesture (which ends the session). */
        if (ev->type == FLOW_EV_MORE_TIME) {
            flow->warning = false;
            flow->last_activity_ms = flow->now_ms;
            flow_view_build(flow);
            return CK_OK;
        }
        if (ev->type != FLOW_EV_SET_LANGUAGE && ev->type != FLOW_EV_SET_TEXT_SIZE &&
            ev->type != FLOW_EV_TOGGLE_CONTRAST && ev->type != FLOW_EV_ADMIN_GESTURE)
            return CK_ERR_USAGE;
    }
    /* A stroke keeps the message it began with. A display setting keeps it
     * too: the person changing the language, the text size or the contrast
     * has not yet read (or could not read) the error it answers. */
    if (ev->type != FLOW_EV_SIG_POINT && ev->type != FLOW_EV_SET_LANGUAGE &&
        ev->type != FLOW_EV_SET_TEXT_SIZE && ev->type != FLOW_EV_TOGGLE_CONTRAST) {
        flow->error = FLOW_MSG_NONE;
        flow->error_detail[0] = '\0';
        flow->error_number = 0;
        flow->error_number_max = 0;
    }
    err = dispatch(flow, ev);
    if (err != CK_ERR_USAGE)
        flow->last_activity_ms = flow->now_ms;
    flow_view_build(flow);
    return err;
}

const FlowView *
flow_view(const Flow *flow)
{
    return &flow->view;
}

CkErr
flow_create(const FlowConfig *config, Flow **flow_out)
{
    Flow *f;
    const FlowRules *r = &config->rules;
    CkErr err;

    *flow_out = NULL;
    if (config->baseline == NULL || config->baseline->n_contents == 0 ||
        r->validate_service_number == NULL || r->must_certify == NULL || r->validity_days == NULL ||
        r->pass_mark_percent == NULL || r->training_course == NULL ||
        r->service_number_label == NULL || config->issuer.issue == NULL ||
        (config->admin.pin_hash != NULL && config->admin.lock_path == NULL) ||
        (config->n_nations > 0 && config->nations == NULL) ||
        (config->n_languages > 0 && config->languages == NULL))
        return ck_err(CK_ERR_USAGE, "flow: incomplete configuration");
    if (config->baseline->n_contents > FLOW_MAX_LANGS)
        return ck_err(CK_ERR_USAGE, "flow: more than %d languages in the baseline", FLOW_MAX_LANGS);
    for (size_t i = 0; i < config->n_nations; i++)
        if (config->nations[i] == NULL || config->nations[i]->n_contents == 0 ||
            config->nations[i]->n_contents > FLOW_MAX_LANGS)
            return ck_err(CK_ERR_USAGE, "flow: national bundle %zu has no usable content", i);
    if ((f = calloc(1, sizeof *f)) == NULL)
        return ck_err(CK_ERR_NOMEM, "flow: out of memory");
    if ((f->session = session_create()) == NULL) {
        free(f);
        return ck_err(CK_ERR_NOMEM, "flow: cannot allocate protected memory for the session");
    }
    f->cfg = *config;
    if (f->cfg.idle_ms == 0)
        f->cfg.idle_ms = FLOW_DEFAULT_IDLE_MS;
    if (f->cfg.reading_idle_ms == 0)
        f->cfg.reading_idle_ms = FLOW_DEFAULT_READING_IDLE_MS;
    if (f->cfg.warning_ms == 0)
        f->cfg.warning_ms = FLOW_DEFAULT_WARNING_MS;
    if (f->cfg.warning_ms < FLOW_MIN_WARNING_MS)
        f->cfg.warning_ms = FLOW_MIN_WARNING_MS;
    if (f->cfg.admin.pin_hash != NULL) {
        err = adminlock_load(f->cfg.admin.lock_path, &f->lock);
        if (err != CK_OK) {
            ck_err_clear();
            f->lock_broken = true;
        }
    }
    reset(f);
    f->wipe_count = 0;
    flow_view_build(f);
    *flow_out = f;
    return CK_OK;
}

void
flow_set_quiz_seed(Flow *flow, uint64_t seed)
{
    flow->quiz_seed = seed;
}

void
flow_destroy(Flow *flow)
{
    if (flow == NULL)
        return;
    session_destroy(flow->session);
    sodium_memzero(flow, sizeof *flow);
    free(flow);
}
