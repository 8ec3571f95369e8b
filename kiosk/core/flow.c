/* flow: the certification state machine — screens, guards, idle timer, issue, admin PIN. */
#include "flow.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adminlock.h"
#include "clock.h"
#include "session.h"

#define MAX_SLOTS 2 /* the baseline, then the nation's bundle */
#define MAX_ITEMS (MAX_SLOTS * CONTENT_MAX_ITEMS)
#define MAX_LANGS 32 /* per bundle, for the "languages shown" mask */

/* A section, page, question or clause: which bundle, which index in its content. */
typedef struct Item {
    uint8_t slot;
    uint16_t index;
} Item;

struct Flow {
    FlowConfig cfg;
    Session *session;
    FlowView view;
    FlowScreen screen;

    const char *language;
    int text_size;
    bool contrast;

    int64_t now_ms, unix_s;
    bool have_time;
    int64_t last_activity_ms;
    bool warning;
    int64_t warning_start_ms;
    unsigned wipe_count;

    /* who */
    int nation_index; /* -1 none, n_nations = other */
    FlowCategory category;
    bool privacy_ack;
    FlowField focus;
    const FlowBundle *slots[MAX_SLOTS];
    size_t n_slots;
    uint32_t langs_shown[MAX_SLOTS];

    /* reading */
    Item sections[MAX_ITEMS];
    bool shown[MAX_ITEMS];
    size_t n_sections, cur_section;
    size_t review[MAX_ITEMS], n_review, cur_review;
    bool review_shown[MAX_ITEMS];
    bool reviewing;
    Item pages[MAX_ITEMS];
    size_t n_pages, cur_page;
    Item questions[MAX_ITEMS];
    size_t n_questions, cur_question;
    unsigned quiz_score, quiz_attempts, pass_mark;
    bool quiz_done, quiz_passed;

    /* confirm, acknowledge, sign */
    bool training_required, training_confirmed;
    Item clauses[MAX_ITEMS];
    bool ticked[MAX_ITEMS];
    size_t n_clauses;
    int32_t pad_width;

    FlowMsg error;
    char error_detail[256];

    /* admin */
    AdminLock lock;
    bool lock_broken;
    bool quit;
    FlowAdminStats stats;

    /* view scratch: pointer arrays the view lends out */
    const ContentSection *missed_ptrs[MAX_ITEMS];
    const ContentClause *clause_ptrs[MAX_ITEMS];
    const FlowBundle *bundle_ptrs[MAX_SLOTS];
};

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

static SessionField
session_field_of(FlowField f)
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
        return SESSION_NATION;
    case FLOW_FIELD_TRAINING_DATE:
        return SESSION_TRAINING_DATE;
    case FLOW_FIELD_PIN:
        return SESSION_PIN;
    default:
        return SESSION_FIELD_COUNT_;
    }
}

/* ---- content of a slot in the shown language ---- */

static size_t
content_index(const FlowBundle *b, const char *lang)
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

static const Content *
slot_content(const Flow *f, size_t slot)
{
    const FlowBundle *b = f->slots[slot];
    return b->contents[content_index(b, f->language)];
}

static const FlowBundle *
governing(const Flow *f)
{
    return f->slots[f->n_slots - 1];
}

/* ---- wipe and reset ---- */

static void
clear_person(Flow *f)
{
    session_wipe(f->session);
    f->wipe_count++;
    f->nation_index = -1;
    f->category = FLOW_CATEGORY_NONE;
    f->privacy_ack = false;
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
    clear_person(f);
    f->screen = FLOW_SCREEN_ATTRACT;
    f->warning = false;
    f->last_activity_ms = f->now_ms;
    f->language = f->cfg.n_languages > 0 ? f->cfg.languages[0] : "en";
    f->text_size = 100;
    f->contrast = false;
}

static CkErr
refuse(Flow *f, FlowMsg m)
{
    f->error = m;
    return CK_ERR_REFUSED;
}

/* ---- building the reading lists once the nation is known ---- */

static void
build_lists(Flow *f)
{
    f->n_sections = f->n_pages = f->n_questions = f->n_clauses = 0;
    for (size_t s = 0; s < f->n_slots; s++) {
        const Content *c = f->slots[s]->contents[0];
        for (size_t i = 0; i < c->n_sections && f->n_sections < MAX_ITEMS; i++)
            f->sections[f->n_sections++] = (Item){(uint8_t)s, (uint16_t)i};
        for (size_t i = 0; i < c->n_pages && f->n_pages < MAX_ITEMS; i++)
            f->pages[f->n_pages++] = (Item){(uint8_t)s, (uint16_t)i};
        for (size_t i = 0; i < c->n_questions && f->n_questions < MAX_ITEMS; i++)
            f->questions[f->n_questions++] = (Item){(uint8_t)s, (uint16_t)i};
        for (size_t i = 0; i < c->n_clauses && f->n_clauses < MAX_ITEMS; i++)
            f->clauses[f->n_clauses++] = (Item){(uint8_t)s, (uint16_t)i};
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

static const ContentQuestion *
question_at(const Flow *f, size_t q)
{
    return &slot_content(f, f->questions[q].slot)->questions[f->questions[q].index];
}

/* ---- screen transitions ---- */

static void
enter(Flow *f, FlowScreen s)
{
    f->screen = s;
    f->focus = FLOW_FIELD_NONE;
    if (s == FLOW_SCREEN_IDENTITY)
        f->focus = FLOW_FIELD_NAME;
    else if (s == FLOW_SCREEN_TRAINING_CONFIRM)
        f->focus = FLOW_FIELD_TRAINING_DATE;
    else if (s == FLOW_SCREEN_ADMIN_PIN)
        f->focus = FLOW_FIELD_PIN;
    else if (s == FLOW_SCREEN_NATION && f->nation_index == (int)f->cfg.n_nations)
        f->focus = FLOW_FIELD_OTHER_NATION;
}

static void
build_statement(Flow *f)
{
    const FlowBundle *gov = governing(f);
    const char *p = slot_content(f, f->n_slots - 1)->attestation;

    session_field_clear(f->session, SESSION_STATEMENT);
    while (*p != '\0') {
        const char *sub = NULL;
        size_t skip = 0, run = 0;

        if (strncmp(p, "{name}", 6) == 0)
            sub = session_field(f->session, SESSION_NAME), skip = 6;
        else if (strncmp(p, "{bundle}", 8) == 0)
            sub = gov->bundle_id, skip = 8;
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

static void
after_quiz(Flow *f)
{
    if (f->training_required)
        enter(f, FLOW_SCREEN_TRAINING_CONFIRM);
    else
        enter(f, FLOW_SCREEN_ACKNOWLEDGE);
}

static void
start_quiz(Flow *f)
{
    session_clear_answers(f->session);
    f->cur_question = 0;
    f->reviewing = false;
    if (f->n_questions == 0) {
        f->quiz_done = f->quiz_passed = true;
        after_quiz(f);
        return;
    }
    enter(f, FLOW_SCREEN_QUIZ);
}

static void
after_conduct(Flow *f)
{
    f->cur_page = 0;
    if (f->n_pages > 0)
        enter(f, FLOW_SCREEN_TRAINING);
    else
        start_quiz(f);
}

/* Scores the quiz; on failure lists the sections of the missed questions. */
static void
finish_quiz(Flow *f)
{
    f->quiz_score = 0;
    f->n_review = 0;
    f->quiz_attempts++;
    for (size_t q = 0; q < f->n_questions; q++) {
        const ContentQuestion *cq = question_at(f, q);
        if (session_answer(f->session, q) == (int)cq->answer) {
            f->quiz_score++;
            continue;
        }
        const Content *c = f->slots[f->questions[q].slot]->contents[0];
        size_t si = content_section_index(c, cq->section);
        for (size_t k = 0; k < f->n_sections; k++) {
            if (f->sections[k].slot != f->questions[q].slot || f->sections[k].index != si)
                continue;
            bool dup = false;
            for (size_t r = 0; r < f->n_review; r++)
                dup = dup || f->review[r] == k;
            if (!dup)
                f->review[f->n_review++] = k;
        }
    }
    /* review in reading order */
    for (size_t i = 1; i < f->n_review; i++)
        for (size_t j = i; j > 0 && f->review[j - 1] > f->review[j]; j--) {
            size_t t = f->review[j];
            f->review[j] = f->review[j - 1];
            f->review[j - 1] = t;
        }
    f->quiz_done = true;
    f->quiz_passed = (uint64_t)f->quiz_score * 100 >= (uint64_t)f->pass_mark * f->n_questions;
    enter(f, FLOW_SCREEN_QUIZ_RESULT);
}

static bool
all_shown(const Flow *f)
{
    for (size_t i = 0; i < f->n_sections; i++)
        if (!f->shown[i])
            return false;
    return f->n_sections > 0;
}

static bool
all_ticked(const Flow *f)
{
    for (size_t i = 0; i < f->n_clauses; i++)
        if (!f->ticked[i])
            return false;
    return true;
}

static bool
can_next(const Flow *f)
{
    switch (f->screen) {
    case FLOW_SCREEN_PRIVACY:
        return f->privacy_ack;
    case FLOW_SCREEN_NATION:
        return f->nation_index >= 0 && f->category != FLOW_CATEGORY_NONE;
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
        return all_ticked(f);
    default:
        return false;
    }
}

static SessionSigProblem
sig_problem(const Flow *f)
{
    return session_sig_check(f->session, f->pad_width);
}

static bool
can_sign(const Flow *f)
{
    return f->screen == FLOW_SCREEN_SIGN && all_shown(f) && all_ticked(f) && f->quiz_passed &&
           (!f->training_required || f->training_confirmed) && sig_problem(f) == SESSION_SIG_OK;
}

/* ---- NATION and IDENTITY ---- */

static CkErr
next_from_nation(Flow *f)
{
    const FlowBundle *gov;
    char code[4];
    bool must = true;

    if (f->nation_index < 0)
        return refuse(f, FLOW_MSG_NATION_REQUIRED);
    if (f->nation_index == (int)f->cfg.n_nations) {
        const char *typed = session_field(f->session, SESSION_NATION);
        if (session_field_len(f->session, SESSION_NATION) != 3)
            return refuse(f, FLOW_MSG_NATION_CODE_INVALID);
        for (int i = 0; i < 3; i++) {
            char ch = typed[i];
            if (ch >= 'a' && ch <= 'z')
                ch = (char)(ch - 'a' + 'A');
            if (ch < 'A' || ch > 'Z')
                return refuse(f, FLOW_MSG_NATION_CODE_INVALID);
            code[i] = ch;
        }
        code[3] = '\0';
        for (size_t i = 0; i < f->cfg.n_nations; i++)
            if (strcmp(f->cfg.nations[i]->nation, code) == 0)
                return refuse(f, FLOW_MSG_NATION_HAS_BUNDLE);
        if (strcmp(code, f->cfg.baseline->nation) == 0)
            return refuse(f, FLOW_MSG_NATION_CODE_INVALID);
        gov = f->cfg.baseline;
    } else {
        gov = f->cfg.nations[f->nation_index];
        snprintf(code, sizeof code, "%.3s", gov->nation);
    }
    if (f->category == FLOW_CATEGORY_NONE)
        return refuse(f, FLOW_MSG_CATEGORY_REQUIRED);
    if (f->cfg.rules.must_certify(f->cfg.rules.ctx, gov, f->category, &must) != FLOW_CHECK_OK)
        return refuse(f, FLOW_MSG_RULES_FAILED);
    (void)session_field_set(f->session, SESSION_NATION, code, strlen(code));

    f->slots[0] = f->cfg.baseline;
    f->n_slots = 1;
    if (gov != f->cfg.baseline)
        f->slots[f->n_slots++] = gov;
    f->pass_mark = f->cfg.rules.pass_mark_percent(f->cfg.rules.ctx, gov);
    if (f->pass_mark == 0 || f->pass_mark > 100)
        f->pass_mark = FLOW_DEFAULT_PASS_MARK;
    f->training_required = f->cfg.rules.training_course(f->cfg.rules.ctx, gov, f->language) != NULL;
    build_lists(f);
    enter(f, must ? FLOW_SCREEN_IDENTITY : FLOW_SCREEN_NOT_REQUIRED);
    return CK_OK;
}

static CkErr
next_from_identity(Flow *f)
{
    char reason[256] = "";
    FlowCheck check;

    session_field_trim(f->session, SESSION_NAME);
    session_field_trim(f->session, SESSION_SERVICE_NUMBER);
    session_field_trim(f->session, SESSION_RANK);
    session_field_trim(f->session, SESSION_UNIT);
    if (session_field_len(f->session, SESSION_NAME) == 0) {
        f->focus = FLOW_FIELD_NAME;
        return refuse(f, FLOW_MSG_NAME_EMPTY);
    }
    if (session_field_len(f->session, SESSION_SERVICE_NUMBER) == 0) {
        f->focus = FLOW_FIELD_SERVICE_NUMBER;
        return refuse(f, FLOW_MSG_SERVICE_NUMBER_EMPTY);
    }
    check = f->cfg.rules.validate_service_number(f->cfg.rules.ctx, governing(f),
                                                 session_field(f->session, SESSION_SERVICE_NUMBER),
                                                 f->language, reason, sizeof reason);
    if (check == FLOW_CHECK_INVALID) {
        reason[sizeof reason - 1] = '\0';
        snprintf(f->error_detail, sizeof f->error_detail, "%s", reason);
        f->focus = FLOW_FIELD_SERVICE_NUMBER;
        return refuse(f, FLOW_MSG_SERVICE_NUMBER_INVALID);
    }
    if (check != FLOW_CHECK_OK)
        return refuse(f, FLOW_MSG_RULES_FAILED);
    f->cur_section = 0;
    f->reviewing = false;
    enter(f, FLOW_SCREEN_CONDUCT);
    return CK_OK;
}

static CkErr
next_from_training_confirm(Flow *f)
{
    const char *date = session_field(f->session, SESSION_TRAINING_DATE);
    int64_t t;

    session_field_trim(f->session, SESSION_TRAINING_DATE);
    if (session_field_len(f->session, SESSION_TRAINING_DATE) != 10 ||
        clock_parse(date, &t) != CK_OK) {
        ck_err_clear();
        return refuse(f, FLOW_MSG_DATE_INVALID);
    }
    if (f->unix_s > 0 && t > f->unix_s)
        return refuse(f, FLOW_MSG_DATE_IN_FUTURE);
    if (!f->training_confirmed)
        return refuse(f, FLOW_MSG_TRAINING_CONFIRM_REQUIRED);
    enter(f, FLOW_SCREEN_ACKNOWLEDGE);
    return CK_OK;
}

static CkErr
on_next(Flow *f)
{
    switch (f->screen) {
    case FLOW_SCREEN_PRIVACY:
        if (!f->privacy_ack)
            return refuse(f, FLOW_MSG_PRIVACY_REQUIRED);
        enter(f, FLOW_SCREEN_NATION);
        return CK_OK;
    case FLOW_SCREEN_NATION:
        return next_from_nation(f);
    case FLOW_SCREEN_IDENTITY:
        return next_from_identity(f);
    case FLOW_SCREEN_CONDUCT:
        if (f->reviewing) {
            if (!f->review_shown[f->cur_review])
                return refuse(f, FLOW_MSG_SECTION_NOT_SHOWN);
            if (++f->cur_review >= f->n_review)
                start_quiz(f);
            return CK_OK;
        }
        if (!f->shown[f->cur_section])
            return refuse(f, FLOW_MSG_SECTION_NOT_SHOWN);
        if (++f->cur_section >= f->n_sections) {
            f->cur_section = f->n_sections - 1;
            after_conduct(f);
        }
        return CK_OK;
    case FLOW_SCREEN_TRAINING:
        if (++f->cur_page >= f->n_pages) {
            f->cur_page = f->n_pages - 1;
            start_quiz(f);
        }
        return CK_OK;
    case FLOW_SCREEN_QUIZ:
        if (session_answer(f->session, f->cur_question) < 0)
            return refuse(f, FLOW_MSG_ANSWER_REQUIRED);
        if (++f->cur_question >= f->n_questions) {
            f->cur_question = f->n_questions - 1;
            finish_quiz(f);
        }
        return CK_OK;
    case FLOW_SCREEN_QUIZ_RESULT:
        if (f->quiz_passed) {
            after_quiz(f);
        } else {
            f->reviewing = true;
            f->cur_review = 0;
            memset(f->review_shown, 0, sizeof f->review_shown);
            if (f->n_review == 0) /* cannot happen with a failed quiz; be safe */
                start_quiz(f);
            else
                enter(f, FLOW_SCREEN_CONDUCT);
        }
        return CK_OK;
    case FLOW_SCREEN_TRAINING_CONFIRM:
        return next_from_training_confirm(f);
    case FLOW_SCREEN_ACKNOWLEDGE:
        if (!all_ticked(f))
            return refuse(f, FLOW_MSG_CLAUSES_REQUIRED);
        build_statement(f);
        enter(f, FLOW_SCREEN_SIGN);
        return CK_OK;
    default:
        return CK_ERR_USAGE;
    }
}

static CkErr
on_back(Flow *f)
{
    switch (f->screen) {
    case FLOW_SCREEN_NATION:
        enter(f, FLOW_SCREEN_PRIVACY);
        return CK_OK;
    case FLOW_SCREEN_IDENTITY:
        enter(f, FLOW_SCREEN_NATION);
        return CK_OK;
    case FLOW_SCREEN_CONDUCT:
        if (f->reviewing)
            return CK_ERR_USAGE;
        if (f->cur_section > 0)
            f->cur_section--;
        else
            enter(f, FLOW_SCREEN_IDENTITY);
        return CK_OK;
    case FLOW_SCREEN_TRAINING:
        if (f->cur_page > 0) {
            f->cur_page--;
        } else {
            f->cur_section = f->n_sections - 1;
            enter(f, FLOW_SCREEN_CONDUCT);
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
        enter(f, FLOW_SCREEN_TRAINING_CONFIRM);
        return CK_OK;
    case FLOW_SCREEN_SIGN:
        enter(f, FLOW_SCREEN_ACKNOWLEDGE);
        return CK_OK;
    default:
        return CK_ERR_USAGE;
    }
}

static bool
can_back(const Flow *f)
{
    switch (f->screen) {
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

/* ---- issue ---- */

static CkErr
on_sign(Flow *f)
{
    FlowIssueBundle ib[MAX_SLOTS * MAX_LANGS];
    const char *clause_ids[MAX_ITEMS];
    FlowIssueRequest req;
    FlowIssued out;
    size_t n_ib = 0;
    uint32_t days = 0;
    char valid_until[CLOCK_RFC3339_LEN + 1];
    CkErr err;

    if (!all_shown(f))
        return refuse(f, FLOW_MSG_SECTION_NOT_SHOWN);
    if (!all_ticked(f))
        return refuse(f, FLOW_MSG_CLAUSES_REQUIRED);
    switch (sig_problem(f)) {
    case SESSION_SIG_EMPTY:
        return refuse(f, FLOW_MSG_SIGNATURE_REQUIRED);
    case SESSION_SIG_TOO_SHORT:
        return refuse(f, FLOW_MSG_SIGNATURE_TOO_SHORT);
    case SESSION_SIG_TOO_SMALL:
        return refuse(f, FLOW_MSG_SIGNATURE_TOO_SMALL);
    case SESSION_SIG_OK:
        break;
    }
    if (!f->quiz_passed || (f->training_required && !f->training_confirmed))
        return CK_ERR_USAGE; /* unreachable through the screens */
    if (f->cfg.rules.validity_days(f->cfg.rules.ctx, governing(f), f->category, &days) !=
            FLOW_CHECK_OK ||
        days == 0 || days > 3660)
        return refuse(f, FLOW_MSG_RULES_FAILED);

    memset(&req, 0, sizeof req);
    for (size_t s = 0; s < f->n_slots; s++) {
        const FlowBundle *b = f->slots[s];
        for (size_t l = 0; l < b->n_contents && l < MAX_LANGS; l++) {
            if (!(f->langs_shown[s] & (UINT32_C(1) << l)))
                continue;
            ib[n_ib++] =
                (FlowIssueBundle){b->bundle_id, b->version, b->manifest_sha256,
                                  b->contents[l]->language, b->contents[l]->text_sha256_hex};
        }
    }
    for (size_t i = 0; i < f->n_clauses; i++)
        clause_ids[i] = f->slots[f->clauses[i].slot]->contents[0]->clauses[f->clauses[i].index].id;
    req.name = session_field(f->session, SESSION_NAME);
    req.service_number = session_field(f->session, SESSION_SERVICE_NUMBER);
    req.nation = session_field(f->session, SESSION_NATION);
    req.category = f->category;
    req.rank = session_field(f->session, SESSION_RANK);
    req.unit = session_field(f->session, SESSION_UNIT);
    req.bundles = ib;
    req.n_bundles = n_ib;
    req.clause_ids = clause_ids;
    req.n_clauses = f->n_clauses;
    req.quiz_score = f->quiz_score;
    req.quiz_of = (unsigned)f->n_questions;
    req.pass_mark_percent = f->pass_mark;
    req.quiz_attempts = f->quiz_attempts;
    if (f->training_required) {
        req.training_course =
            f->cfg.rules.training_course(f->cfg.rules.ctx, governing(f), f->language);
        req.training_date = session_field(f->session, SESSION_TRAINING_DATE);
    }
    session_sig_sha256(f->session, req.signature_sha256);
    req.validity_days = days;
    req.now = f->unix_s;

    memset(&out, 0, sizeof out);
    err = f->cfg.issuer.issue(f->cfg.issuer.ctx, &req, &out);
    sodium_memzero(&req, sizeof req);
    if (err == CK_OK && out.jws != NULL) {
        out.serial[sizeof out.serial - 1] = '\0';
        clock_format(out.valid_until, valid_until);
        if (session_field_set(f->session, SESSION_JWS, out.jws, strlen(out.jws)) != CK_OK ||
            session_field_set(f->session, SESSION_SERIAL, out.serial, strlen(out.serial)) != CK_OK)
            err = CK_ERR_TOO_LARGE; /* stored, but cannot be shown: staff must help */
        (void)session_field_set(f->session, SESSION_VALID_UNTIL, valid_until, 10);
    } else if (err == CK_OK) {
        err = CK_ERR_INTERNAL;
    }
    if (out.jws != NULL) {
        sodium_memzero(out.jws, strlen(out.jws));
        free(out.jws);
    }
    if (err != CK_OK) {
        ck_err_clear();
        clear_person(f);
        enter(f, FLOW_SCREEN_ERROR);
        f->error = err == CK_ERR_NOSPACE ? FLOW_MSG_DISK_FULL : FLOW_MSG_ISSUE_FAILED;
        return CK_ERR_REFUSED;
    }
    enter(f, FLOW_SCREEN_CERTIFICATE);
    return CK_OK;
}

/* ---- admin ---- */

static void
admin_log(Flow *f, FlowAdminEvent ev)
{
    if (f->cfg.admin.log != NULL)
        f->cfg.admin.log(f->cfg.admin.ctx, ev, f->lock.failures);
}

static bool
admin_locked(Flow *f)
{
    if (f->lock.failures < FLOW_ADMIN_MAX_FAILURES)
        return false;
    if (f->lock_broken || f->unix_s < f->lock.locked_until)
        return true;
    f->lock.failures = 0; /* the lock-out has run out: five more tries */
    f->lock.locked_until = 0;
    return false;
}

static CkErr
on_admin_pin(Flow *f)
{
    const char *pin = session_field(f->session, SESSION_PIN);
    size_t len = session_field_len(f->session, SESSION_PIN);
    AdminLock counted;
    bool ok;

    if (f->cfg.admin.pin_hash == NULL)
        return refuse(f, FLOW_MSG_ADMIN_UNAVAILABLE);
    if (admin_locked(f)) {
        session_field_clear(f->session, SESSION_PIN);
        return refuse(f, FLOW_MSG_ADMIN_LOCKED);
    }
    /* Count the attempt on disk before checking it, so that cutting the
     * power during the check does not give a free try. */
    counted = f->lock;
    counted.failures++;
    if (counted.failures >= FLOW_ADMIN_MAX_FAILURES)
        counted.locked_until = f->unix_s + FLOW_ADMIN_LOCKOUT_S;
    if (adminlock_save(f->cfg.admin.lock_path, &counted) != CK_OK) {
        ck_err_clear();
        session_field_clear(f->session, SESSION_PIN);
        return refuse(f, FLOW_MSG_ADMIN_UNAVAILABLE);
    }
    ok = len > 0 && crypto_pwhash_str_verify(f->cfg.admin.pin_hash, pin, len) == 0;
    session_field_clear(f->session, SESSION_PIN);
    if (!ok) {
        f->lock = counted;
        admin_log(f, f->lock.failures >= FLOW_ADMIN_MAX_FAILURES ? FLOW_ADMIN_LOCKED
                                                                 : FLOW_ADMIN_FAILED);
        return refuse(f, f->lock.failures >= FLOW_ADMIN_MAX_FAILURES ? FLOW_MSG_ADMIN_LOCKED
                                                                     : FLOW_MSG_PIN_WRONG);
    }
    f->lock.failures = 0;
    f->lock.locked_until = 0;
    if (adminlock_save(f->cfg.admin.lock_path, &f->lock) != CK_OK)
        ck_err_clear(); /* the count stays raised on disk: stricter, not looser */
    admin_log(f, FLOW_ADMIN_LOGIN);
    memset(&f->stats, 0, sizeof f->stats);
    if (f->cfg.admin.stats != NULL)
        f->cfg.admin.stats(f->cfg.admin.ctx, &f->stats);
    enter(f, FLOW_SCREEN_ADMIN);
    return CK_OK;
}

/* ---- typing ---- */

static bool
field_allowed(const Flow *f, FlowField field)
{
    switch (f->screen) {
    case FLOW_SCREEN_NATION:
        return field == FLOW_FIELD_OTHER_NATION && f->nation_index == (int)f->cfg.n_nations;
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
    SessionField sf = session_field_of(f->focus);
    CkErr err;

    if (text == NULL || !field_allowed(f, f->focus))
        return CK_ERR_USAGE;
    err = session_field_append(f->session, sf, text, strlen(text));
    ck_err_clear();
    if (err == CK_ERR_TOO_LARGE)
        return refuse(f, FLOW_MSG_TEXT_TOO_LONG);
    if (err != CK_OK)
        return refuse(f, FLOW_MSG_TEXT_INVALID);
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
        return refuse(f, FLOW_MSG_SIGNATURE_FULL);
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
            admin_log(f, FLOW_ADMIN_EXIT);
        reset(f);
    }
}

/* ---- the view ---- */

static void
build_view(Flow *f)
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
    v->n_steps = 8 + (f->training_required ? 1 : 0);
    step_base = f->training_required ? 1 : 0;
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
    v->can_next = can_next(f);
    v->can_back = can_back(f);
    v->can_sign = can_sign(f);
    v->error = f->error;
    v->error_detail = f->error_detail[0] != '\0' ? f->error_detail : NULL;

    v->nations = f->cfg.nations;
    v->n_nations = f->cfg.n_nations;
    v->nation_index = f->nation_index;
    v->category = f->category;
    v->nation_code = session_field(f->session, SESSION_NATION);
    v->focus = f->focus;
    for (int i = 1; i < FLOW_FIELD_COUNT_; i++)
        v->fields[i] = i == FLOW_FIELD_PIN ? "" : session_field(f->session, session_field_of(i));
    v->fields[FLOW_FIELD_NONE] = "";
    v->pin_length = session_field_len(f->session, SESSION_PIN);
    v->privacy_ack = f->privacy_ack;
    if (f->n_slots > 0)
        v->service_number_label =
            f->cfg.rules.service_number_label(f->cfg.rules.ctx, governing(f), f->language);

    if (f->n_slots > 0) {
        v->bundles = f->slots;
        v->n_bundles = f->n_slots;
        v->n_sections = f->reviewing ? f->n_review : f->n_sections;
        v->n_pages = f->n_pages;
        v->n_questions = f->n_questions;
        v->n_clauses = f->n_clauses;
    }
    if (f->screen == FLOW_SCREEN_CONDUCT || f->screen == FLOW_SCREEN_TRAINING ||
        f->screen == FLOW_SCREEN_QUIZ) {
        Item it;
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
            v->selected_choice = session_answer(f->session, f->cur_question);
        }
        v->bundle = f->slots[it.slot];
        v->content = slot_content(f, it.slot);
        v->content_fallback = strcmp(v->content->language, f->language) != 0;
        f->langs_shown[it.slot] |= UINT32_C(1) << content_index(v->bundle, f->language);
        if (f->screen == FLOW_SCREEN_CONDUCT)
            v->section = &v->content->sections[it.index];
        else if (f->screen == FLOW_SCREEN_TRAINING)
            v->page = &v->content->pages[it.index];
        else
            v->question = &v->content->questions[it.index];
    }
    if (f->screen != FLOW_SCREEN_QUIZ)
        v->selected_choice = -1;

    v->quiz_score = f->quiz_score;
    v->quiz_of = (unsigned)f->n_questions;
    v->pass_mark_percent = f->pass_mark;
    v->quiz_attempts = f->quiz_attempts;
    v->quiz_passed = f->quiz_passed;
    if (f->quiz_done && !f->quiz_passed) {
        for (size_t r = 0; r < f->n_review; r++) {
            Item it = f->sections[f->review[r]];
            f->missed_ptrs[r] = &slot_content(f, it.slot)->sections[it.index];
        }
        v->missed_sections = f->missed_ptrs;
        v->n_missed_sections = f->n_review;
    }
    if (f->training_required) {
        v->training_course =
            f->cfg.rules.training_course(f->cfg.rules.ctx, governing(f), f->language);
        v->training_confirmed = f->training_confirmed;
    }
    if (f->screen == FLOW_SCREEN_ACKNOWLEDGE || f->screen == FLOW_SCREEN_SIGN) {
        for (size_t i = 0; i < f->n_clauses; i++) {
            Item it = f->clauses[i];
            f->clause_ptrs[i] = &slot_content(f, it.slot)->clauses[it.index];
            f->langs_shown[it.slot] |= UINT32_C(1) << content_index(f->slots[it.slot], f->language);
        }
        v->clauses = f->clause_ptrs;
        v->clause_ticked = f->ticked;
        v->content = slot_content(f, f->n_slots - 1);
        v->bundle = governing(f);
    }
    v->statement = session_field(f->session, SESSION_STATEMENT);
    v->signature_points = session_sig_points(f->session);
    v->signature_ok = sig_problem(f) == SESSION_SIG_OK;
    v->serial = session_field(f->session, SESSION_SERIAL);
    v->valid_until = session_field(f->session, SESSION_VALID_UNTIL);
    v->jws = session_field(f->session, SESSION_JWS);
    v->stats = f->stats;
    v->admin_failures = f->lock.failures;
    v->admin_locked = f->lock.failures >= FLOW_ADMIN_MAX_FAILURES &&
                      (f->lock_broken || f->unix_s < f->lock.locked_until);
    v->quit = f->quit;
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
        clear_person(f);
        enter(f, FLOW_SCREEN_PRIVACY);
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
            session_field_backspace(f->session, session_field_of(f->focus));
        else
            session_field_clear(f->session, session_field_of(f->focus));
        return CK_OK;
    case FLOW_EV_PRIVACY_ACK:
        if (f->screen != FLOW_SCREEN_PRIVACY)
            return CK_ERR_USAGE;
        f->privacy_ack = !f->privacy_ack;
        return CK_OK;
    case FLOW_EV_SELECT_NATION:
        if (f->screen != FLOW_SCREEN_NATION || ev->index < 0 ||
            (size_t)ev->index > f->cfg.n_nations)
            return CK_ERR_USAGE;
        if (ev->index != f->nation_index)
            session_field_clear(f->session, SESSION_NATION);
        f->nation_index = ev->index;
        f->focus =
            (size_t)ev->index == f->cfg.n_nations ? FLOW_FIELD_OTHER_NATION : FLOW_FIELD_NONE;
        return CK_OK;
    case FLOW_EV_SELECT_CATEGORY:
        if (f->screen != FLOW_SCREEN_NATION || ev->index < FLOW_CATEGORY_MILITARY ||
            ev->index > FLOW_CATEGORY_CONTRACTOR)
            return CK_ERR_USAGE;
        f->category = (FlowCategory)ev->index;
        return CK_OK;
    case FLOW_EV_SECTION_END:
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
        if (f->screen != FLOW_SCREEN_QUIZ || ev->index < 0 ||
            (size_t)ev->index >= question_at(f, f->cur_question)->n_choices)
            return CK_ERR_USAGE;
        return session_set_answer(f->session, f->cur_question, ev->index);
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
        return on_sign(f);
    case FLOW_EV_ADMIN_GESTURE:
        if (f->screen != FLOW_SCREEN_ATTRACT)
            return CK_ERR_USAGE;
        if (f->cfg.admin.pin_hash == NULL)
            return refuse(f, FLOW_MSG_ADMIN_UNAVAILABLE);
        clear_person(f);
        enter(f, FLOW_SCREEN_ADMIN_PIN);
        return CK_OK;
    case FLOW_EV_ADMIN_PIN:
        if (f->screen != FLOW_SCREEN_ADMIN_PIN)
            return CK_ERR_USAGE;
        return on_admin_pin(f);
    case FLOW_EV_ADMIN_EXIT:
        if (f->screen != FLOW_SCREEN_ADMIN_PIN && f->screen != FLOW_SCREEN_ADMIN)
            return CK_ERR_USAGE;
        if (f->screen == FLOW_SCREEN_ADMIN)
            admin_log(f, FLOW_ADMIN_EXIT);
        reset(f);
        return CK_OK;
    case FLOW_EV_ADMIN_QUIT:
        if (f->screen != FLOW_SCREEN_ADMIN)
            return CK_ERR_USAGE;
        admin_log(f, FLOW_ADMIN_QUIT);
        f->quit = true;
        return CK_OK;
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
        build_view(flow);
        return CK_OK;
    }
    if (flow->warning) {
        /* The warning is modal: only "more time" and display settings. */
        if (ev->type == FLOW_EV_MORE_TIME) {
            flow->warning = false;
            flow->last_activity_ms = flow->now_ms;
            build_view(flow);
            return CK_OK;
        }
        if (ev->type != FLOW_EV_SET_LANGUAGE && ev->type != FLOW_EV_SET_TEXT_SIZE &&
            ev->type != FLOW_EV_TOGGLE_CONTRAST)
            return CK_ERR_USAGE;
    }
    if (ev->type != FLOW_EV_SIG_POINT) { /* a stroke keeps the message it began with */
        flow->error = FLOW_MSG_NONE;
        flow->error_detail[0] = '\0';
    }
    err = dispatch(flow, ev);
    if (err != CK_ERR_USAGE)
        flow->last_activity_ms = flow->now_ms;
    build_view(flow);
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
    if (config->baseline->n_contents > MAX_LANGS)
        return ck_err(CK_ERR_USAGE, "flow: more than %d languages in the baseline", MAX_LANGS);
    for (size_t i = 0; i < config->n_nations; i++)
        if (config->nations[i] == NULL || config->nations[i]->n_contents == 0 ||
            config->nations[i]->n_contents > MAX_LANGS)
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
    build_view(f);
    *flow_out = f;
    return CK_OK;
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
