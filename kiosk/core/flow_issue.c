/* flow_issue: signing — the last guards, the issue request, and the certificate or the error.
 */
#include "flow_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "clock.h"

/* ---- issue ---- */

CkErr
flow_on_sign(Flow *f)
{
    FlowIssueBundle ib[FLOW_MAX_SLOTS * FLOW_MAX_LANGS];
    const char *clause_ids[FLOW_MAX_ITEMS];
    /* "<bundle_id>#<clause id>": the same clause id ("c1") appears in
     * several bundles, so a certificate names the bundle with it. */
    char clause_buf[FLOW_MAX_ITEMS][CERT_CLAUSE_ID_MAX + 1];
    /* The same for the questions whose choice order is recorded. */
    char question_buf[FLOW_MAX_ITEMS][CERT_CLAUSE_ID_MAX + 1];
    FlowChoiceOrder orders[FLOW_MAX_ITEMS];
    FlowIssueRequest req;
    FlowIssued out;
    size_t n_ib = 0;
    uint32_t days = 0;
    char valid_until[CLOCK_RFC3339_LEN + 1];
    CkErr err;

    if (!flow_all_shown(f))
        return flow_refuse(f, FLOW_MSG_SECTION_NOT_SHOWN);
    if (!flow_all_ticked(f))
        return flow_refuse(f, FLOW_MSG_CLAUSES_REQUIRED);
    switch (flow_sig_problem(f)) {
    case SESSION_SIG_EMPTY:
        return flow_refuse(f, FLOW_MSG_SIGNATURE_REQUIRED);
    case SESSION_SIG_TOO_SHORT:
        return flow_refuse(f, FLOW_MSG_SIGNATURE_TOO_SHORT);
    case SESSION_SIG_TOO_SMALL:
        return flow_refuse(f, FLOW_MSG_SIGNATURE_TOO_SMALL);
    case SESSION_SIG_OK:
        break;
    }
    if (!f->quiz_passed || (f->training_required && !f->training_confirmed))
        return CK_ERR_USAGE; /* unreachable through the screens */
    if (f->cfg.rules.validity_days(f->cfg.rules.ctx, flow_governing(f), f->category, &days) !=
            FLOW_CHECK_OK ||
        days == 0 || days > 3660)
        return flow_refuse(f, FLOW_MSG_RULES_FAILED);

    memset(&req, 0, sizeof req);
    for (size_t s = 0; s < f->n_slots; s++) {
        const FlowBundle *b = f->slots[s];
        for (size_t l = 0; l < b->n_contents && l < FLOW_MAX_LANGS; l++) {
            if (!(f->langs_shown[s] & (UINT32_C(1) << l)))
                continue;
            ib[n_ib++] =
                (FlowIssueBundle){b->bundle_id, b->version, b->manifest_sha256,
                                  b->contents[l]->language, b->contents[l]->text_sha256_hex};
        }
    }
    for (size_t i = 0; i < f->n_clauses; i++) {
        const FlowBundle *b = f->slots[f->clauses[i].slot];
        snprintf(clause_buf[i], sizeof clause_buf[i], "%s#%s", b->bundle_id,
                 b->contents[0]->clauses[f->clauses[i].index].id);
        clause_ids[i] = clause_buf[i];
    }
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
    /* The order each question's choices were shown in on the passing attempt. */
    for (size_t q = 0; q < f->n_questions; q++) {
        const FlowBundle *b = f->slots[f->questions[q].slot];
        const ContentQuestion *cq = &b->contents[0]->questions[f->questions[q].index];
        snprintf(question_buf[q], sizeof question_buf[q], "%s#%s", b->bundle_id, cq->id);
        orders[q].question = question_buf[q];
        orders[q].n = cq->n_choices;
        memcpy(orders[q].order, f->order[q], sizeof orders[q].order);
    }
    req.choice_orders = orders;
    req.n_choice_orders = f->n_questions;
    if (f->training_required) {
        req.training_course =
            f->cfg.rules.training_course(f->cfg.rules.ctx, flow_governing(f), f->language);
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
        flow_clear_person(f);
        flow_enter(f, FLOW_SCREEN_ERROR);
        f->error = err == CK_ERR_NOSPACE ? FLOW_MSG_DISK_FULL : FLOW_MSG_ISSUE_FAILED;
        return CK_ERR_REFUSED;
    }
    flow_enter(f, FLOW_SCREEN_CERTIFICATE);
    return CK_OK;
}
