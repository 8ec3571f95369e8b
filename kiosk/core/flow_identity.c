/* flow_identity: leaving the nation, identity and training-confirmation screens — the checks
 * on who the person is. */
#include "flow_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "country.h"
#include "manifest.h"

/* ---- NATION and IDENTITY ---- */

/* The chooser closes; "other" without a country picked is no choice. */
void
flow_close_chooser(Flow *f)
{
    f->choosing = false;
    f->focus = FLOW_FIELD_NONE;
    session_field_clear(f->session, SESSION_NATION_SEARCH);
    if (f->nation_index == (int)f->cfg.n_nations && session_field_len(f->session, SESSION_NATION) != 3)
        f->nation_index = -1;
}

CkErr
flow_choose_country(Flow *f, const char *code)
{
    /* Only a country that exists: the chooser lists nothing else, and an
     * event that names "ABC" or "XKX" (a replay, a bug) is refused here. */
    if (code == NULL || !country_known(code))
        return flow_refuse(f, FLOW_MSG_NATION_CODE_UNKNOWN);
    /* A nation with its own rules is certified under them, wherever it was picked. */
    for (size_t i = 0; i < f->cfg.n_nations; i++)
        if (strcmp(f->cfg.nations[i]->nation, code) == 0) {
            f->nation_index = (int)i;
            session_field_clear(f->session, SESSION_NATION);
            flow_close_chooser(f);
            return CK_OK;
        }
    (void)session_field_set(f->session, SESSION_NATION, code, 3);
    flow_close_chooser(f);
    return CK_OK;
}

CkErr
flow_next_from_nation(Flow *f)
{
    const FlowBundle *gov;
    char code[4];
    bool must = true;

    if (f->choosing)
        return flow_refuse(f, FLOW_MSG_NATION_NOT_CHOSEN);
    if (f->nation_index < 0)
        return flow_refuse(f, FLOW_MSG_NATION_REQUIRED);
    if (f->nation_index == (int)f->cfg.n_nations) {
        if (session_field_len(f->session, SESSION_NATION) != 3)
            return flow_refuse(f, FLOW_MSG_NATION_NOT_CHOSEN);
        snprintf(code, sizeof code, "%s", session_field(f->session, SESSION_NATION));
        if (!country_known(code))
            return flow_refuse(f, FLOW_MSG_NATION_CODE_UNKNOWN);
        gov = f->cfg.baseline;
    } else {
        gov = f->cfg.nations[f->nation_index];
        snprintf(code, sizeof code, "%.3s", gov->nation);
    }
    if (f->category == FLOW_CATEGORY_NONE)
        return flow_refuse(f, FLOW_MSG_CATEGORY_REQUIRED);
    if (f->cfg.rules.must_certify(f->cfg.rules.ctx, gov, f->category, &must) != FLOW_CHECK_OK)
        return flow_refuse(f, FLOW_MSG_RULES_FAILED);
    (void)session_field_set(f->session, SESSION_NATION, code, strlen(code));

    f->slots[0] = f->cfg.baseline;
    f->n_slots = 1;
    if (gov != f->cfg.baseline)
        f->slots[f->n_slots++] = gov;
    f->pass_mark = f->cfg.rules.pass_mark_percent(f->cfg.rules.ctx, gov);
    if (f->pass_mark == 0 || f->pass_mark > 100)
        f->pass_mark = FLOW_DEFAULT_PASS_MARK;
    f->training_required = f->cfg.rules.training_course(f->cfg.rules.ctx, gov, f->language) != NULL;
    flow_build_lists(f);
    flow_enter(f, must ? FLOW_SCREEN_IDENTITY : FLOW_SCREEN_NOT_REQUIRED);
    return CK_OK;
}

/* The bundle's own form of a service number (length, characters): what is
 * wrong, as a message of ours in the person's language, or FLOW_MSG_NONE. The
 * rules check the same again, with their own reason, in validate_service_number. */
static FlowMsg
number_form_problem(Flow *f)
{
    const char *num = session_field(f->session, SESSION_SERVICE_NUMBER);
    unsigned lo = 0, hi = 0;
    bool digits_only = false;

    if (f->cfg.rules.service_number_form == NULL ||
        !f->cfg.rules.service_number_form(f->cfg.rules.ctx, flow_governing(f), &lo, &hi,
                                          &digits_only))
        return FLOW_MSG_NONE;
    switch (manifest_number_problem(num, lo, hi, digits_only)) {
    case MANIFEST_NUMBER_OK:
        return FLOW_MSG_NONE;
    case MANIFEST_NUMBER_CHARACTER:
        return digits_only ? FLOW_MSG_SERVICE_NUMBER_DIGITS : FLOW_MSG_SERVICE_NUMBER_ALNUM;
    case MANIFEST_NUMBER_LENGTH:
        break;
    }
    f->error_number = lo;
    if (lo == hi)
        return FLOW_MSG_SERVICE_NUMBER_LENGTH;
    f->error_number_max = hi;
    return FLOW_MSG_SERVICE_NUMBER_LENGTH_RANGE;
}

CkErr
flow_next_from_identity(Flow *f)
{
    char reason[256] = "";
    FlowCheck check;
    FlowMsg form;

    session_field_trim(f->session, SESSION_NAME);
    session_field_trim(f->session, SESSION_SERVICE_NUMBER);
    session_field_trim(f->session, SESSION_RANK);
    session_field_trim(f->session, SESSION_UNIT);
    if (session_field_len(f->session, SESSION_NAME) == 0) {
        f->focus = FLOW_FIELD_NAME;
        return flow_refuse(f, FLOW_MSG_NAME_EMPTY);
    }
    if (session_field_len(f->session, SESSION_SERVICE_NUMBER) == 0) {
        f->focus = FLOW_FIELD_SERVICE_NUMBER;
        return flow_refuse(f, FLOW_MSG_SERVICE_NUMBER_EMPTY);
    }
    if ((form = number_form_problem(f)) != FLOW_MSG_NONE) {
        f->focus = FLOW_FIELD_SERVICE_NUMBER;
        return flow_refuse(f, form);
    }
    check = f->cfg.rules.validate_service_number(f->cfg.rules.ctx, flow_governing(f),
                                                 session_field(f->session, SESSION_SERVICE_NUMBER),
                                                 f->language, reason, sizeof reason);
    if (check == FLOW_CHECK_INVALID) {
        reason[sizeof reason - 1] = '\0';
        snprintf(f->error_detail, sizeof f->error_detail, "%s", reason);
        f->focus = FLOW_FIELD_SERVICE_NUMBER;
        return flow_refuse(f, FLOW_MSG_SERVICE_NUMBER_INVALID);
    }
    if (check != FLOW_CHECK_OK)
        return flow_refuse(f, FLOW_MSG_RULES_FAILED);
    f->cur_section = 0;
    f->reviewing = false;
    flow_enter(f, FLOW_SCREEN_CONDUCT);
    return CK_OK;
}

CkErr
flow_next_from_training_confirm(Flow *f)
{
    const char *date = session_field(f->session, SESSION_TRAINING_DATE);
    int64_t t;

    session_field_trim(f->session, SESSION_TRAINING_DATE);
    /* A well-formed date that does not exist says what is wrong with it
     * ("2026-13-45": there is no month 13), not only the format. */
    if (session_field_len(f->session, SESSION_TRAINING_DATE) == 10 && date[4] == '-' &&
        date[7] == '-') {
        bool digits = true;
        for (int i = 0; i < 10; i++)
            digits = digits && (i == 4 || i == 7 || (date[i] >= '0' && date[i] <= '9'));
        if (digits) {
            static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            int year = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 +
                       (date[3] - '0');
            int month = (date[5] - '0') * 10 + (date[6] - '0');
            int day = (date[8] - '0') * 10 + (date[9] - '0');
            bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            if (month < 1 || month > 12) {
                f->error_number = (unsigned)month;
                return flow_refuse(f, FLOW_MSG_DATE_BAD_MONTH);
            }
            if (day < 1 || day > mdays[month - 1] || (month == 2 && day == 29 && !leap)) {
                f->error_number = (unsigned)day;
                return flow_refuse(f, FLOW_MSG_DATE_BAD_DAY);
            }
        }
    }
    if (session_field_len(f->session, SESSION_TRAINING_DATE) != 10 ||
        clock_parse(date, &t) != CK_OK) {
        ck_err_clear();
        return flow_refuse(f, FLOW_MSG_DATE_INVALID);
    }
    if (f->unix_s > 0 && t > f->unix_s)
        return flow_refuse(f, FLOW_MSG_DATE_IN_FUTURE);
    if (!f->training_confirmed)
        return flow_refuse(f, FLOW_MSG_TRAINING_CONFIRM_REQUIRED);
    flow_enter(f, FLOW_SCREEN_ACKNOWLEDGE);
    return CK_OK;
}
