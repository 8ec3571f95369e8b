/* cert: certificates as VC 2.0 SD-JWT — one set of rules checks claims both when signing and
 * decoding; verification runs the same steps on full certificates, presentations and format 1.
 */
#include "cert.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_int.h"
#include "clock.h"
#include "jsonmem.h"
#include "jws.h"

CertClaims *
cert_claims_new(void)
{
    CertClaims *c = sodium_malloc(sizeof *c);

    if (c != NULL)
        memset(c, 0, sizeof *c);
    return c;
}

void
cert_claims_free(CertClaims *claims)
{
    if (claims == NULL)
        return;
    sodium_memzero(claims, sizeof *claims);
    sodium_free(claims);
}

CkErr
cert_set(char *dst, size_t cap, const char *src, const char *field)
{
    size_t n = src != NULL ? strlen(src) : 0;

    if (n >= cap)
        return ck_err(CK_ERR_FORMAT, "\"%s\" is longer than %zu bytes", field, cap - 1);
    memcpy(dst, src != NULL ? src : "", n);
    dst[n] = '\0';
    return CK_OK;
}

void
cert_serial(const char *kiosk_id, int64_t log_index, char serial[CERT_SERIAL_MAX + 1])
{
    snprintf(serial, CERT_SERIAL_MAX + 1, "%s-%06" PRId64, kiosk_id, log_index);
}

const char *
cert_step_name(CertStepId step)
{
    static const char *const names[CERT_STEP_COUNT_] = {
        [CERT_STEP_FORMAT] = "format",
        [CERT_STEP_SIGNATURE] = "signature",
        [CERT_STEP_ENDORSEMENT] = "kiosk endorsement",
        [CERT_STEP_NOT_BEFORE] = "not before",
        [CERT_STEP_EXPIRY] = "expiry",
        [CERT_STEP_STATUS] = "status",
        [CERT_STEP_LOGGED] = "witnessed log",
    };
    return (unsigned)step < CERT_STEP_COUNT_ ? names[step] : "unknown";
}

/* ---- the rules every certificate obeys ---- */

static bool
is_hex64(const char *s)
{
    if (strlen(s) != CERT_SHA256_HEX)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static bool
is_alpha3(const char *s)
{
    return strlen(s) == 3 && trust_nation_valid(s);
}

static bool
is_date(const char *s)
{
    int64_t t;

    return strlen(s) == 10 && clock_parse(s, &t) == CK_OK;
}

CkErr
cert_check_claims(const CertClaims *c, CkErr code)
{
    bool presentation = c->form == CERT_FORM_PRESENTATION;

    if (c->name[0] == '\0')
        return ck_err(code, "credentialSubject.name is missing");
    if (!is_alpha3(c->nation))
        return ck_err(code, "credentialSubject.nation \"%s\" is not an ISO 3166-1 alpha-3 code",
                      c->nation);
    if (c->service_number[0] == '\0' && !presentation)
        return ck_err(code, "credentialSubject.serviceNumber is missing");
    if (strcmp(c->category, "military") != 0 && strcmp(c->category, "civilian") != 0 &&
        strcmp(c->category, "contractor") != 0)
        return ck_err(code,
                      "credentialSubject.category \"%s\" is not military, civilian or contractor",
                      c->category);
    if (c->valid_from <= 0 || c->valid_until <= c->valid_from)
        return ck_err(code, "validUntil must come after validFrom");
    if (presentation && !(c->disclosed & CERT_CLAIM_EVIDENCE))
        return CK_OK; /* the evidence is withheld: nothing more to check */
    if (c->method != CERT_METHOD_KIOSK && c->method != CERT_METHOD_PAPER)
        return ck_err(code, "evidence.method must be \"kiosk\" or \"paper\"");
    if (c->method == CERT_METHOD_PAPER && c->recorded_by[0] == '\0')
        return ck_err(code, "evidence.recordedBy is required for a paper acknowledgement");
    if (c->n_bundles > CERT_MAX_BUNDLES || c->n_text_hashes > CERT_MAX_LANGS ||
        c->n_clauses > CERT_MAX_CLAUSES || c->n_training > CERT_MAX_TRAINING)
        return ck_err(code, "evidence has too many entries");
    for (size_t i = 0; i < c->n_bundles; i++)
        if (c->bundles[i].id[0] == '\0' || c->bundles[i].version[0] == '\0' ||
            !is_hex64(c->bundles[i].manifest_sha256))
            return ck_err(code,
                          "evidence.bundles[%zu] needs id, version and a SHA-256 hex "
                          "manifestSha256",
                          i);
    for (size_t i = 0; i < c->n_text_hashes; i++)
        if (c->text_sha256[i].key[0] == '\0' || !is_hex64(c->text_sha256[i].sha256))
            return ck_err(code, "evidence.textSha256[\"%s\"] is not a SHA-256 hex digest",
                          c->text_sha256[i].key);
    for (size_t i = 0; i < c->n_clauses; i++) {
        if (c->clauses[i][0] == '\0')
            return ck_err(code, "evidence.clauses[%zu] is empty", i);
        /* Format 2 names the bundle with each clause: "c1" is in every bundle. */
        if (c->form != CERT_FORM_V1 && (strchr(c->clauses[i], '#') == NULL ||
                                        c->clauses[i][0] == '#'))
            return ck_err(code, "evidence.clauses[%zu] \"%s\" is not \"<bundle_id>#<clause id>\"",
                          i, c->clauses[i]);
    }
    if (c->has_quiz && (c->quiz_of <= 0 || c->quiz_score < 0 || c->quiz_score > c->quiz_of ||
                        c->quiz_pass_mark < 0 || c->quiz_pass_mark > 100 || c->quiz_attempts < 1))
        return ck_err(code,
                      "evidence.quiz is inconsistent (score %d of %d, pass mark %d%%, %d "
                      "attempts)",
                      c->quiz_score, c->quiz_of, c->quiz_pass_mark, c->quiz_attempts);
    for (size_t i = 0; i < c->n_training; i++)
        if (c->training[i].course[0] == '\0' || !is_date(c->training[i].date))
            return ck_err(code, "evidence.training[%zu] needs a course and a date YYYY-MM-DD", i);
    if (c->paper_signed_on[0] != '\0' && !is_date(c->paper_signed_on))
        return ck_err(code, "evidence paperSignedOn is not a date YYYY-MM-DD");
    for (size_t i = 0; i < c->n_choice_orders; i++) {
        const CertChoiceOrder *co = &c->choice_orders[i];
        unsigned seen = 0;
        if (co->question[0] == '\0' || co->n == 0 || co->n > CERT_MAX_CHOICES)
            return ck_err(code, "evidence quiz choiceOrder[%zu] needs a question and its order", i);
        for (size_t k = 0; k < co->n; k++) {
            if (co->order[k] >= co->n || (seen & (1u << co->order[k])))
                return ck_err(code, "evidence quiz choiceOrder[%zu] is not a permutation", i);
            seen |= 1u << co->order[k];
        }
    }
    if (c->n_choice_orders > CERT_MAX_CHOICE_ORDERS)
        return ck_err(code, "evidence has too many entries");
    if (c->signature_sha256[0] != '\0' && !is_hex64(c->signature_sha256))
        return ck_err(code, "evidence.signatureSha256 is not a SHA-256 hex digest");
    if (c->log_index < 0)
        return ck_err(code, "evidence.logIndex must not be negative");
    return CK_OK;
}

CkErr
cert_check_serial(const char *serial, const char *kiosk_id, CkErr code)
{
    size_t k = strlen(kiosk_id), n = strlen(serial);

    if (!trust_kiosk_id_valid(kiosk_id))
        return ck_err(code, "invalid kiosk ID \"%.80s\"", kiosk_id);
    if (n <= k + 1 || strncmp(serial, kiosk_id, k) != 0 || serial[k] != '-' ||
        n >= CERT_SERIAL_MAX + 1)
        return ck_err(code, "serial \"%.100s\" does not belong to kiosk %s", serial, kiosk_id);
    for (size_t i = k + 1; i < n; i++)
        if (serial[i] < '0' || serial[i] > '9')
            return ck_err(code, "serial \"%.100s\" does not end in a log index", serial);
    return CK_OK;
}

/* ---- decoding ---- */

CkErr
cert_decode(const char *text, size_t len, CertClaims **claims_out)
{
    CertClaims *c = NULL;
    CkErr err;

    *claims_out = NULL;
    if ((c = cert_claims_new()) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if ((err = cert_decode_into(text, len, c)) != CK_OK) {
        cert_claims_free(c);
        return err;
    }
    *claims_out = c;
    return CK_OK;
}

CkErr
cert_decode_into(const char *text, size_t len, CertClaims *claims)
{
    SdJwt *sd = NULL;
    CkErr err;

    memset(claims, 0, sizeof *claims);
    if ((err = sdjwt_parse(text, len, &sd)) != CK_OK)
        return err;
    err = cert_read_claims(sd, claims);
    sdjwt_free(sd);
    return err;
}

CkErr
cert_decode_sdjwt(const SdJwt *sd, CertClaims *claims)
{
    memset(claims, 0, sizeof *claims);
    return cert_read_claims(sd, claims);
}

json_t *
cert_payload_json(const char *text, size_t len)
{
    SdJwt *sd = NULL;
    json_t *p = NULL;

    if (sdjwt_parse(text, len, &sd) == CK_OK)
        p = json_deep_copy(sdjwt_payload(sd));
    sdjwt_free(sd);
    return p;
}

/* ---- verification ---- */

static CkErr
step_fail(CertReport *r, CertStepId id, CkErr err)
{
    CertStep *s = &r->steps[id];

    s->outcome = CERT_STEP_FAILED;
    s->err = err;
    snprintf(s->detail, sizeof s->detail, "%s", ck_err_detail());
    r->result = err;
    return ck_err(err, "%s: %s", cert_step_name(id), s->detail);
}

static void step_pass(CertReport *r, CertStepId id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
step_pass(CertReport *r, CertStepId id, const char *fmt, ...)
{
    va_list ap;

    r->steps[id].outcome = CERT_STEP_PASSED;
    va_start(ap, fmt);
    vsnprintf(r->steps[id].detail, sizeof r->steps[id].detail, fmt, ap);
    va_end(ap);
}

CkErr
cert_verify(const char *text, size_t len, const Trust *trust, int64_t now,
            const CertStatusCheck *status, CertReport *r)
{
    /* On the stack, not cert_claims_new(): sodium_malloc costs four system
     * calls that serialise on the address-space lock, which made verifying on
     * all cores slower than on one; calloc still cost a page-touching
     * allocation per certificate. The claims live only for this call and are
     * wiped before it returns. */
    CertClaims claims;
    CkErr err = cert_verify_into(text, len, trust, now, status, r, &claims);

    sodium_memzero(&claims, sizeof claims);
    return err;
}

CkErr
cert_verify_into(const char *text, size_t len, const Trust *trust, int64_t now,
                 const CertStatusCheck *status, CertReport *r, CertClaims *c)
{
    SdJwt *sd = NULL;
    PublicKey pub;
    char endorsed_for[TRUST_KIOSK_ID_MAX + 1], t1[CLOCK_RFC3339_LEN + 1], t2[CLOCK_RFC3339_LEN + 1];
    JsonMemScope scratch;
    CkErr err;

    memset(r, 0, sizeof *r);
    memset(c, 0, sizeof *c);
    /* The certificate's trees come from this thread's scratch (jsonmem.h): all of them are
     * freed by sdjwt_free() below. The hooks further down may keep what they make. */
    jsonmem_begin(&scratch);
    /* format */
    if ((err = sdjwt_parse(text, len, &sd)) != CK_OK) {
        step_fail(r, CERT_STEP_FORMAT, err);
        goto out;
    }
    if ((err = cert_read_claims(sd, c)) != CK_OK) {
        step_fail(r, CERT_STEP_FORMAT, err);
        goto out;
    }
    jsonmem_hold(&scratch);
    memcpy(r->serial, c->serial, sizeof r->serial);
    memcpy(r->kiosk_id, c->kiosk_id, sizeof r->kiosk_id);
    memcpy(r->kid, c->kid, sizeof r->kid);
    memcpy(r->subject_name, c->name, sizeof r->subject_name);
    memcpy(r->nation, c->nation, sizeof r->nation);
    r->valid_from = c->valid_from;
    r->valid_until = c->valid_until;
    r->form = c->form;
    r->disclosed = c->disclosed;
    if (c->form == CERT_FORM_V1)
        step_pass(r, CERT_STEP_FORMAT, "%s certificate %s from kiosk %s (format 1)", CERT_TYP_V1,
                  c->serial, c->kiosk_id);
    else if (c->form == CERT_FORM_FULL)
        step_pass(r, CERT_STEP_FORMAT,
                  "full certificate %s from kiosk %s (%s, %zu disclosures, every digest checked)",
                  c->serial, c->kiosk_id, CERT_TYP, sdjwt_count(sd));
    else
        step_pass(r, CERT_STEP_FORMAT,
                  "presentation of certificate %s from kiosk %s (%s, %zu disclosures, every digest "
                  "checked)",
                  c->serial, c->kiosk_id, CERT_TYP, sdjwt_count(sd));

    /* signature */
    if ((err = trust_lookup(trust, c->kid, KEY_KIND_KIOSK, &pub)) != CK_OK ||
        (err = jws_verify(sdjwt_jws(sd), &pub)) != CK_OK) {
        step_fail(r, CERT_STEP_SIGNATURE, err);
        goto out;
    }
    step_pass(r, CERT_STEP_SIGNATURE, "signed by kiosk key %s", c->kid);

    /* endorsement at issue time */
    clock_format(c->valid_from, t1);
    if ((err = trust_find_kiosk(trust, c->kid, c->valid_from, &pub, endorsed_for)) != CK_OK) {
        char d[200];
        snprintf(d, sizeof d, "%s", ck_err_detail());
        ck_err(err, "at issue time %s: %s", t1, d);
        step_fail(r, CERT_STEP_ENDORSEMENT, err);
        goto out;
    }
    if (strcmp(endorsed_for, c->kiosk_id) != 0) {
        err = ck_err(CK_ERR_UNTRUSTED,
                     "kiosk key %s is endorsed for kiosk %s, but the certificate names kiosk %s",
                     c->kid, endorsed_for, c->kiosk_id);
        step_fail(r, CERT_STEP_ENDORSEMENT, err);
        goto out;
    }
    /* The endorsement bounds what the key may sign (issue 11): validity and nations. */
    if ((err = trust_kiosk_allows(trust, c->kid, c->valid_from, c->valid_until, c->nation)) !=
        CK_OK) {
        step_fail(r, CERT_STEP_ENDORSEMENT, err);
        goto out;
    }
    step_pass(r, CERT_STEP_ENDORSEMENT, "kiosk %s was endorsed by a pinned authority at %s",
              c->kiosk_id, t1);

    /* validity window */
    if (now < c->valid_from) {
        err = ck_err(CK_ERR_NOT_YET_VALID, "valid only from %s", t1);
        step_fail(r, CERT_STEP_NOT_BEFORE, err);
        goto out;
    }
    step_pass(r, CERT_STEP_NOT_BEFORE, "valid from %s", t1);
    clock_format(c->valid_until, t2);
    if (now >= c->valid_until) {
        err = ck_err(CK_ERR_EXPIRED, "expired at %s", t2);
        step_fail(r, CERT_STEP_EXPIRY, err);
        goto out;
    }
    step_pass(r, CERT_STEP_EXPIRY, "valid until %s", t2);

    /* The log proof runs first (the status of a revoked kiosk key depends on
     * it) but is reported as its own, last step. */
    {
        char log_why[200] = "";
        CkErr log_err = CK_OK;
        bool log_checked = status != NULL && status->logged != NULL;
        const char *tilde = memchr(text, '~', len);
        size_t jws_len = tilde ? (size_t)(tilde - text) : len;

        if (log_checked)
            log_err = status->logged(status->log_ctx, text, jws_len, r, log_why, sizeof log_why);
        if (log_err != CK_OK)
            r->logged = false;

        /* status */
        if (status == NULL || (status->fn == NULL && status->kiosk == NULL)) {
            r->steps[CERT_STEP_STATUS].outcome = CERT_STEP_NOT_CHECKED;
            snprintf(r->steps[CERT_STEP_STATUS].detail, sizeof r->steps[CERT_STEP_STATUS].detail,
                     "no status list given");
        } else {
            char why[200] = "", kwhy[200] = "";
            err = status->fn ? status->fn(status->ctx, c->serial, c->kiosk_id, now, why, sizeof why)
                             : CK_OK;
            if (err == CK_OK && status->kiosk != NULL)
                err = status->kiosk(status->kiosk_ctx, r, now, kwhy, sizeof kwhy);
            if (err != CK_OK) {
                ck_err(err, "%s", kwhy[0] ? kwhy : why[0] ? why : ck_strerror(err));
                step_fail(r, CERT_STEP_STATUS, err);
                goto out;
            }
            step_pass(r, CERT_STEP_STATUS, "%s%s%s", why[0] ? why : "not revoked",
                      kwhy[0] ? "; " : "", kwhy);
        }

        /* witnessed log */
        if (!log_checked) {
            r->steps[CERT_STEP_LOGGED].outcome = CERT_STEP_NOT_CHECKED;
            snprintf(r->steps[CERT_STEP_LOGGED].detail, sizeof r->steps[CERT_STEP_LOGGED].detail,
                     "no registry given");
        } else if (log_err != CK_OK) {
            ck_err(log_err, "%s", log_why[0] ? log_why : ck_strerror(log_err));
            step_fail(r, CERT_STEP_LOGGED, log_err);
            goto out;
        } else {
            step_pass(r, CERT_STEP_LOGGED, "%s", log_why);
        }
    }
    r->result = CK_OK;
out:
    sdjwt_free(sd);
    jsonmem_end(&scratch);
    return r->result;
}

