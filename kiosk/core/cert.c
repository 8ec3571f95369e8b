/* cert: certificates as VC 2.0 JWS — one set of rules checks claims both when signing and decoding.
 */
#include "cert.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "jws.h"

#define VC_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define VC_TYPE "CthbCertificate"
#define URN_CERT "urn:certkiosk:"
#define URN_KIOSK "urn:certkiosk:kiosk:"

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

/* Checks claims (as signed or as decoded); code is CK_ERR_USAGE when
 * signing, CK_ERR_FORMAT when decoding. */
static CkErr
check_claims(const CertClaims *c, CkErr code)
{
    if (c->name[0] == '\0')
        return ck_err(code, "credentialSubject.name is missing");
    if (!is_alpha3(c->nation))
        return ck_err(code, "credentialSubject.nation \"%s\" is not an ISO 3166-1 alpha-3 code",
                      c->nation);
    if (c->service_number[0] == '\0')
        return ck_err(code, "credentialSubject.serviceNumber is missing");
    if (strcmp(c->category, "military") != 0 && strcmp(c->category, "civilian") != 0 &&
        strcmp(c->category, "contractor") != 0)
        return ck_err(code,
                      "credentialSubject.category \"%s\" is not military, civilian or contractor",
                      c->category);
    if (c->valid_from <= 0 || c->valid_until <= c->valid_from)
        return ck_err(code, "validUntil must come after validFrom");
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
    for (size_t i = 0; i < c->n_clauses; i++)
        if (c->clauses[i][0] == '\0')
            return ck_err(code, "evidence.clauses[%zu] is empty", i);
    if (c->has_quiz && (c->quiz_of <= 0 || c->quiz_score < 0 || c->quiz_score > c->quiz_of ||
                        c->quiz_pass_mark < 0 || c->quiz_pass_mark > 100 || c->quiz_attempts < 1))
        return ck_err(code,
                      "evidence.quiz is inconsistent (score %d of %d, pass mark %d%%, %d "
                      "attempts)",
                      c->quiz_score, c->quiz_of, c->quiz_pass_mark, c->quiz_attempts);
    for (size_t i = 0; i < c->n_training; i++)
        if (c->training[i].course[0] == '\0' || !is_date(c->training[i].date))
            return ck_err(code, "evidence.training[%zu] needs a course and a date YYYY-MM-DD", i);
    if (c->signature_sha256[0] != '\0' && !is_hex64(c->signature_sha256))
        return ck_err(code, "evidence.signatureSha256 is not a SHA-256 hex digest");
    if (c->log_index < 0)
        return ck_err(code, "evidence.logIndex must not be negative");
    return CK_OK;
}

/* The serial must be "<kiosk_id>-<digits>", so one kiosk cannot mint another's serials. */
static CkErr
check_serial(const char *serial, const char *kiosk_id, CkErr code)
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

/* ---- signing ---- */

static int
set_str(json_t *obj, const char *key, const char *value)
{
    return json_object_set_new(obj, key, json_string(value));
}

static int
set_opt(json_t *obj, const char *key, const char *value)
{
    return value[0] == '\0' ? 0 : set_str(obj, key, value);
}

static json_t *
build_payload(const CertClaims *c, const char *kiosk_id, const char *operator_name,
              const char *serial)
{
    char from[CLOCK_RFC3339_LEN + 1], until[CLOCK_RFC3339_LEN + 1], *id = NULL, *issuer_id = NULL;
    json_t *p = json_object(), *issuer = json_object(), *subject = json_object(),
           *ev = json_object(), *bundles = json_array(), *texts = json_object(),
           *clauses = json_array(), *training = json_array();
    bool ok = p && issuer && subject && ev && bundles && texts && clauses && training;

    clock_format(c->valid_from, from);
    clock_format(c->valid_until, until);
    ok = ok && asprintf(&id, "%s%s", URN_CERT, serial) > 0 &&
         asprintf(&issuer_id, "%s%s", URN_KIOSK, kiosk_id) > 0;
    ok = ok && json_object_set_new(p, "@context", json_pack("[s]", VC_CONTEXT)) == 0 &&
         json_object_set_new(p, "type", json_pack("[s,s]", "VerifiableCredential", VC_TYPE)) == 0 &&
         set_str(p, "id", id) == 0 && set_str(issuer, "id", issuer_id) == 0 &&
         (operator_name == NULL || set_opt(issuer, "name", operator_name) == 0) &&
         json_object_set(p, "issuer", issuer) == 0 && set_str(p, "validFrom", from) == 0 &&
         set_str(p, "validUntil", until) == 0;
    ok = ok && set_str(subject, "name", c->name) == 0 &&
         set_str(subject, "nation", c->nation) == 0 &&
         set_str(subject, "serviceNumber", c->service_number) == 0 &&
         set_str(subject, "category", c->category) == 0 && set_opt(subject, "rank", c->rank) == 0 &&
         set_opt(subject, "unit", c->unit) == 0 &&
         set_opt(subject, "operation", c->operation) == 0 &&
         json_object_set(p, "credentialSubject", subject) == 0;
    ok = ok && set_str(ev, "method", c->method == CERT_METHOD_PAPER ? "paper" : "kiosk") == 0 &&
         set_opt(ev, "recordedBy", c->recorded_by) == 0 &&
         set_opt(ev, "paperFormRef", c->paper_form_ref) == 0;
    for (size_t i = 0; ok && i < c->n_bundles; i++)
        ok = json_array_append_new(bundles,
                                   json_pack("{s:s,s:s,s:s}", "id", c->bundles[i].id, "version",
                                             c->bundles[i].version, "manifestSha256",
                                             c->bundles[i].manifest_sha256)) == 0;
    for (size_t i = 0; ok && i < c->n_text_hashes; i++)
        ok = set_str(texts, c->text_sha256[i].key, c->text_sha256[i].sha256) == 0;
    for (size_t i = 0; ok && i < c->n_clauses; i++)
        ok = json_array_append_new(clauses, json_string(c->clauses[i])) == 0;
    for (size_t i = 0; ok && i < c->n_training; i++)
        ok = json_array_append_new(training, json_pack("{s:s,s:s}", "course", c->training[i].course,
                                                       "date", c->training[i].date)) == 0;
    ok = ok && json_object_set(ev, "bundles", bundles) == 0 &&
         json_object_set(ev, "textSha256", texts) == 0 &&
         json_object_set(ev, "clauses", clauses) == 0;
    if (ok && c->has_quiz) {
        json_t *quiz = json_pack("{s:i,s:i,s:i,s:i}", "score", c->quiz_score, "of", c->quiz_of,
                                 "passMark", c->quiz_pass_mark, "attempts", c->quiz_attempts);
        ok = quiz != NULL && set_opt(quiz, "order", c->quiz_order) == 0 &&
             json_object_set(ev, "quiz", quiz) == 0;
        json_decref(quiz);
    }
    ok = ok && json_object_set(ev, "training", training) == 0 &&
         set_opt(ev, "signatureSha256", c->signature_sha256) == 0 &&
         json_object_set_new(ev, "logIndex", json_integer((json_int_t)c->log_index)) == 0 &&
         json_object_set(p, "evidence", ev) == 0 && set_opt(p, "supersedes", c->supersedes) == 0;
    free(id);
    free(issuer_id);
    json_decref(issuer);
    json_decref(subject);
    json_decref(ev);
    json_decref(bundles);
    json_decref(texts);
    json_decref(clauses);
    json_decref(training);
    if (!ok) {
        json_decref(p);
        return NULL;
    }
    return p;
}

CkErr
cert_sign(const CertClaims *claims, const SecretKey *kiosk_key, const char *kiosk_id,
          const char *operator_name, const char *serial, char **jws_out)
{
    PublicKey pub;
    json_t *payload;
    CkErr err;

    *jws_out = NULL;
    if (key_kind(kiosk_key) != KEY_KIND_KIOSK)
        return ck_err(CK_ERR_KEY, "certificates are signed with a kiosk key, not a %s key",
                      key_kind_name(key_kind(kiosk_key)));
    if ((err = check_claims(claims, CK_ERR_USAGE)) != CK_OK ||
        (err = check_serial(serial, kiosk_id, CK_ERR_USAGE)) != CK_OK)
        return err;
    if (operator_name != NULL && strlen(operator_name) > CERT_FIELD_MAX)
        return ck_err(CK_ERR_USAGE, "the operator name is longer than %d bytes", CERT_FIELD_MAX);
    key_public(kiosk_key, &pub);
    if ((payload = build_payload(claims, kiosk_id, operator_name, serial)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory building a certificate");
    err = jws_sign_json(kiosk_key, CERT_TYP, pub.kid, payload, jws_out);
    if (err == CK_OK && strlen(*jws_out) > JWS_MAX_LEN) {
        free(*jws_out);
        *jws_out = NULL;
        err = ck_err(CK_ERR_TOO_LARGE, "the certificate would exceed %d bytes", JWS_MAX_LEN);
    }
    json_decref(payload);
    return err;
}

/* ---- decoding ---- */

/* Copies the string member key of obj into dst; field names it in messages. */
static CkErr
get_str(const json_t *obj, const char *key, char *dst, size_t cap, bool required, const char *field)
{
    const json_t *v = json_object_get(obj, key);

    dst[0] = '\0';
    if (v == NULL) {
        if (required)
            return ck_err(CK_ERR_FORMAT, "%s is missing", field);
        return CK_OK;
    }
    if (!json_is_string(v))
        return ck_err(CK_ERR_FORMAT, "%s is not a string", field);
    if (json_string_length(v) != strlen(json_string_value(v)))
        return ck_err(CK_ERR_FORMAT, "%s contains a NUL character", field);
    if (json_string_length(v) >= cap)
        return ck_err(CK_ERR_FORMAT, "%s is longer than %zu bytes", field, cap - 1);
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return CK_OK;
}

static CkErr
get_int(const json_t *obj, const char *key, int64_t lo, int64_t hi, int64_t *out, const char *field)
{
    const json_t *v = json_object_get(obj, key);

    if (!json_is_integer(v))
        return ck_err(CK_ERR_FORMAT, "%s is missing or not an integer", field);
    if (json_integer_value(v) < lo || json_integer_value(v) > hi)
        return ck_err(CK_ERR_FORMAT, "%s is out of range", field);
    *out = (int64_t)json_integer_value(v);
    return CK_OK;
}

static CkErr
get_time(const json_t *obj, const char *key, int64_t *out)
{
    char s[32];
    CkErr err;

    if ((err = get_str(obj, key, s, sizeof s, true, key)) != CK_OK)
        return err;
    if (strlen(s) != CLOCK_RFC3339_LEN || clock_parse(s, out) != CK_OK)
        return ck_err(CK_ERR_FORMAT, "%s \"%s\" is not a UTC time like 2026-01-31T12:00:00Z", key,
                      s);
    return CK_OK;
}

static bool
array_has(const json_t *arr, const char *s)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (json_is_string(json_array_get(arr, i)) &&
            strcmp(json_string_value(json_array_get(arr, i)), s) == 0)
            return true;
    return false;
}

static CkErr
read_evidence(const json_t *ev, CertClaims *c)
{
    const json_t *a, *v, *q;
    const char *key;
    char method[16], field[64];
    int64_t n;
    CkErr err;

    if (!json_is_object(ev))
        return ck_err(CK_ERR_FORMAT, "evidence is missing or not an object");
    if ((err = get_str(ev, "method", method, sizeof method, true, "evidence.method")) != CK_OK)
        return err;
    c->method = strcmp(method, "kiosk") == 0   ? CERT_METHOD_KIOSK
                : strcmp(method, "paper") == 0 ? CERT_METHOD_PAPER
                                               : 0;
    if ((err = get_str(ev, "recordedBy", c->recorded_by, sizeof c->recorded_by, false,
                       "evidence.recordedBy")) != CK_OK ||
        (err = get_str(ev, "paperFormRef", c->paper_form_ref, sizeof c->paper_form_ref, false,
                       "evidence.paperFormRef")) != CK_OK ||
        (err = get_str(ev, "signatureSha256", c->signature_sha256, sizeof c->signature_sha256,
                       false, "evidence.signatureSha256")) != CK_OK)
        return err;
    if ((a = json_object_get(ev, "bundles")) != NULL) {
        if (!json_is_array(a) || json_array_size(a) > CERT_MAX_BUNDLES)
            return ck_err(CK_ERR_FORMAT, "evidence.bundles is not an array of at most %d",
                          CERT_MAX_BUNDLES);
        for (size_t i = 0; i < json_array_size(a); i++) {
            CertBundle *b = &c->bundles[i];
            v = json_array_get(a, i);
            snprintf(field, sizeof field, "evidence.bundles[%zu]", i);
            if (!json_is_object(v))
                return ck_err(CK_ERR_FORMAT, "%s is not an object", field);
            if ((err = get_str(v, "id", b->id, sizeof b->id, true, field)) != CK_OK ||
                (err = get_str(v, "version", b->version, sizeof b->version, true, field)) !=
                    CK_OK ||
                (err = get_str(v, "manifestSha256", b->manifest_sha256, sizeof b->manifest_sha256,
                               true, field)) != CK_OK)
                return err;
            c->n_bundles++;
        }
    }
    if ((a = json_object_get(ev, "textSha256")) != NULL) {
        if (!json_is_object(a) || json_object_size(a) > CERT_MAX_LANGS)
            return ck_err(CK_ERR_FORMAT, "evidence.textSha256 is not an object of at most %d",
                          CERT_MAX_LANGS);
        json_object_foreach((json_t *)a, key, v)
        {
            CertTextHash *t = &c->text_sha256[c->n_text_hashes];
            snprintf(field, sizeof field, "evidence.textSha256.%.40s", key);
            if ((err = cert_set(t->key, sizeof t->key, key, field)) != CK_OK)
                return err;
            if ((err = get_str(a, key, t->sha256, sizeof t->sha256, true, field)) != CK_OK)
                return err;
            c->n_text_hashes++;
        }
    }
    if ((a = json_object_get(ev, "clauses")) != NULL) {
        if (!json_is_array(a) || json_array_size(a) > CERT_MAX_CLAUSES)
            return ck_err(CK_ERR_FORMAT, "evidence.clauses is not an array of at most %d",
                          CERT_MAX_CLAUSES);
        for (size_t i = 0; i < json_array_size(a); i++) {
            v = json_array_get(a, i);
            if (!json_is_string(v) || json_string_length(v) > CERT_CLAUSE_ID_MAX ||
                json_string_length(v) != strlen(json_string_value(v)))
                return ck_err(CK_ERR_FORMAT, "evidence.clauses[%zu] is not a short string", i);
            memcpy(c->clauses[i], json_string_value(v), json_string_length(v) + 1);
            c->n_clauses++;
        }
    }
    if ((q = json_object_get(ev, "quiz")) != NULL) {
        int64_t s, o, p, t;
        if (!json_is_object(q))
            return ck_err(CK_ERR_FORMAT, "evidence.quiz is not an object");
        if ((err = get_int(q, "score", 0, 100000, &s, "evidence.quiz.score")) != CK_OK ||
            (err = get_int(q, "of", 0, 100000, &o, "evidence.quiz.of")) != CK_OK ||
            (err = get_int(q, "passMark", 0, 100, &p, "evidence.quiz.passMark")) != CK_OK ||
            (err = get_int(q, "attempts", 0, 100000, &t, "evidence.quiz.attempts")) != CK_OK)
            return err;
        if ((v = json_object_get(q, "order")) != NULL) {
            const char *o_s = json_string_value(v);
            if (o_s == NULL || json_string_length(v) > CERT_QUIZ_ORDER_MAX ||
                strspn(o_s, "0123456789.") != json_string_length(v))
                return ck_err(CK_ERR_FORMAT,
                              "evidence.quiz.order must be digits and dots, at most %d",
                              CERT_QUIZ_ORDER_MAX);
            memcpy(c->quiz_order, o_s, json_string_length(v) + 1);
        }
        c->has_quiz = true;
        c->quiz_score = (int)s;
        c->quiz_of = (int)o;
        c->quiz_pass_mark = (int)p;
        c->quiz_attempts = (int)t;
    }
    if ((a = json_object_get(ev, "training")) != NULL) {
        if (!json_is_array(a) || json_array_size(a) > CERT_MAX_TRAINING)
            return ck_err(CK_ERR_FORMAT, "evidence.training is not an array of at most %d",
                          CERT_MAX_TRAINING);
        for (size_t i = 0; i < json_array_size(a); i++) {
            CertTraining *t = &c->training[i];
            v = json_array_get(a, i);
            snprintf(field, sizeof field, "evidence.training[%zu]", i);
            if (!json_is_object(v))
                return ck_err(CK_ERR_FORMAT, "%s is not an object", field);
            if ((err = get_str(v, "course", t->course, sizeof t->course, true, field)) != CK_OK ||
                (err = get_str(v, "date", t->date, sizeof t->date, true, field)) != CK_OK)
                return err;
            c->n_training++;
        }
    }
    if ((err = get_int(ev, "logIndex", 0, INT64_MAX, &n, "evidence.logIndex")) != CK_OK)
        return err;
    c->log_index = n;
    return CK_OK;
}

/* Fills c from a parsed certificate JWS and checks every rule. */
static CkErr
read_claims(const Jws *jws, CertClaims *c)
{
    const json_t *p = jws_payload(jws), *issuer, *subject;
    const char *kid = jws_kid(jws), *id;
    char issuer_id[TRUST_KIOSK_ID_MAX + sizeof URN_KIOSK + 1];
    CkErr err;

    if ((err = jws_check_typ(jws, CERT_TYP)) != CK_OK)
        return err;
    if (kid == NULL || strlen(kid) != KEY_ID_LEN)
        return ck_err(CK_ERR_FORMAT, "the header has no valid \"kid\"");
    memcpy(c->kid, kid, KEY_ID_LEN + 1);
    if (!json_is_array(json_object_get(p, "@context")) ||
        !json_is_string(json_array_get(json_object_get(p, "@context"), 0)) ||
        strcmp(json_string_value(json_array_get(json_object_get(p, "@context"), 0)), VC_CONTEXT) !=
            0)
        return ck_err(CK_ERR_FORMAT, "@context must start with \"%s\"", VC_CONTEXT);
    if (!array_has(json_object_get(p, "type"), "VerifiableCredential") ||
        !array_has(json_object_get(p, "type"), VC_TYPE))
        return ck_err(CK_ERR_FORMAT, "type must list VerifiableCredential and %s", VC_TYPE);
    id = json_string_value(json_object_get(p, "id"));
    if (id == NULL || strncmp(id, URN_CERT, strlen(URN_CERT)) != 0)
        return ck_err(CK_ERR_FORMAT, "id must be \"%s<serial>\"", URN_CERT);
    if ((err = cert_set(c->serial, sizeof c->serial, id + strlen(URN_CERT), "id")) != CK_OK)
        return err;
    issuer = json_object_get(p, "issuer");
    if (!json_is_object(issuer))
        return ck_err(CK_ERR_FORMAT, "issuer is missing or not an object");
    if ((err = get_str(issuer, "id", issuer_id, sizeof issuer_id, true, "issuer.id")) != CK_OK ||
        (err = get_str(issuer, "name", c->operator_name, sizeof c->operator_name, false,
                       "issuer.name")) != CK_OK)
        return err;
    if (strncmp(issuer_id, URN_KIOSK, strlen(URN_KIOSK)) != 0 ||
        cert_set(c->kiosk_id, sizeof c->kiosk_id, issuer_id + strlen(URN_KIOSK), "issuer.id") !=
            CK_OK)
        return ck_err(CK_ERR_FORMAT, "issuer.id must be \"%s<kiosk_id>\"", URN_KIOSK);
    if ((err = check_serial(c->serial, c->kiosk_id, CK_ERR_FORMAT)) != CK_OK)
        return err;
    if ((err = get_time(p, "validFrom", &c->valid_from)) != CK_OK ||
        (err = get_time(p, "validUntil", &c->valid_until)) != CK_OK)
        return err;
    subject = json_object_get(p, "credentialSubject");
    if (!json_is_object(subject))
        return ck_err(CK_ERR_FORMAT, "credentialSubject is missing or not an object");
    if ((err = get_str(subject, "name", c->name, sizeof c->name, true, "credentialSubject.name")) !=
            CK_OK ||
        (err = get_str(subject, "nation", c->nation, sizeof c->nation, true,
                       "credentialSubject.nation")) != CK_OK ||
        (err = get_str(subject, "serviceNumber", c->service_number, sizeof c->service_number, true,
                       "credentialSubject.serviceNumber")) != CK_OK ||
        (err = get_str(subject, "category", c->category, sizeof c->category, true,
                       "credentialSubject.category")) != CK_OK ||
        (err = get_str(subject, "rank", c->rank, sizeof c->rank, false,
                       "credentialSubject.rank")) != CK_OK ||
        (err = get_str(subject, "unit", c->unit, sizeof c->unit, false,
                       "credentialSubject.unit")) != CK_OK ||
        (err = get_str(subject, "operation", c->operation, sizeof c->operation, false,
                       "credentialSubject.operation")) != CK_OK)
        return err;
    if ((err = read_evidence(json_object_get(p, "evidence"), c)) != CK_OK)
        return err;
    if ((err = get_str(p, "supersedes", c->supersedes, sizeof c->supersedes, false,
                       "supersedes")) != CK_OK)
        return err;
    return check_claims(c, CK_ERR_FORMAT);
}

CkErr
cert_decode(const char *jws_text, size_t len, CertClaims **claims_out)
{
    Jws *jws = NULL;
    CertClaims *c = NULL;
    CkErr err;

    *claims_out = NULL;
    if ((err = jws_parse(jws_text, len, 0, &jws)) != CK_OK)
        return err;
    if ((c = cert_claims_new()) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((err = read_claims(jws, c)) != CK_OK)
        goto out;
    *claims_out = c;
    c = NULL;
out:
    cert_claims_free(c);
    jws_free(jws);
    return err;
}

CkErr
cert_decode_into(const char *jws_text, size_t len, CertClaims *claims)
{
    Jws *jws = NULL;
    CkErr err;

    memset(claims, 0, sizeof *claims);
    if ((err = jws_parse(jws_text, len, 0, &jws)) != CK_OK)
        return err;
    err = read_claims(jws, claims);
    jws_free(jws);
    return err;
}

CkErr
cert_decode_jws(const Jws *jws, CertClaims *claims)
{
    memset(claims, 0, sizeof *claims);
    if (jws_payload(jws) == NULL)
        return ck_err(CK_ERR_FORMAT, "the certificate's payload is not a JSON object");
    return read_claims(jws, claims);
}

json_t *
cert_payload_json(const char *jws_text, size_t len)
{
    Jws *jws = NULL;
    json_t *p = NULL;

    if (jws_parse(jws_text, len, 0, &jws) == CK_OK)
        p = json_deep_copy(jws_payload(jws));
    jws_free(jws);
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
cert_verify(const char *jws_text, size_t len, const Trust *trust, int64_t now,
            const CertStatusCheck *status, CertReport *r)
{
    Jws *jws = NULL;
    /* On the stack, not cert_claims_new(): sodium_malloc costs four system
     * calls that serialise on the address-space lock, which made verifying on
     * all cores slower than on one; calloc still cost a page-touching
     * allocation per certificate. The claims live only for this call and are
     * wiped before it returns. */
    CertClaims claims, *c = &claims;
    PublicKey pub;
    char endorsed_for[TRUST_KIOSK_ID_MAX + 1], t1[CLOCK_RFC3339_LEN + 1], t2[CLOCK_RFC3339_LEN + 1];
    CkErr err;

    memset(r, 0, sizeof *r);
    memset(c, 0, sizeof *c);
    /* format */
    if ((err = jws_parse(jws_text, len, 0, &jws)) != CK_OK) {
        step_fail(r, CERT_STEP_FORMAT, err);
        goto out;
    }
    if ((err = read_claims(jws, c)) != CK_OK) {
        step_fail(r, CERT_STEP_FORMAT, err);
        goto out;
    }
    memcpy(r->serial, c->serial, sizeof r->serial);
    memcpy(r->kiosk_id, c->kiosk_id, sizeof r->kiosk_id);
    memcpy(r->kid, c->kid, sizeof r->kid);
    memcpy(r->subject_name, c->name, sizeof r->subject_name);
    memcpy(r->nation, c->nation, sizeof r->nation);
    r->valid_from = c->valid_from;
    r->valid_until = c->valid_until;
    step_pass(r, CERT_STEP_FORMAT, "vc+jwt certificate %s from kiosk %s", c->serial, c->kiosk_id);

    /* signature */
    if ((err = trust_lookup(trust, c->kid, KEY_KIND_KIOSK, &pub)) != CK_OK ||
        (err = jws_verify(jws, &pub)) != CK_OK) {
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

    /* status */
    if (status == NULL || status->fn == NULL) {
        r->steps[CERT_STEP_STATUS].outcome = CERT_STEP_NOT_CHECKED;
        snprintf(r->steps[CERT_STEP_STATUS].detail, sizeof r->steps[CERT_STEP_STATUS].detail,
                 "no status list given");
    } else {
        char why[200] = "";
        err = status->fn(status->ctx, c->serial, c->kiosk_id, now, why, sizeof why);
        if (err != CK_OK) {
            ck_err(err, "%s", why[0] ? why : ck_strerror(err));
            step_fail(r, CERT_STEP_STATUS, err);
            goto out;
        }
        step_pass(r, CERT_STEP_STATUS, "%s", why[0] ? why : "not revoked");
    }
    r->result = CK_OK;
out:
    sodium_memzero(c, sizeof *c);
    jws_free(jws);
    return r->result;
}
