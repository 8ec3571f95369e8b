/* cert_read: decoding certificates of both formats into CertClaims — the one place that knows
 * where each claim sits in the JSON. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_int.h"
#include "clock.h"


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

    /* Set on every path: at -O3 GCC cannot tell that callers read *out only on CK_OK
     * (-Wmaybe-uninitialized in read_quiz). */
    *out = 0;
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

/* The array member key of obj, of at most max items. *out is NULL when the member is absent and
 * not required: json_array_size(NULL) is 0, so callers loop over it all the same. */
static CkErr
get_array(const json_t *obj, const char *key, size_t max, bool required, const char *field,
          const json_t **out)
{
    const json_t *a = json_object_get(obj, key);

    *out = NULL;
    if (a == NULL && !required)
        return CK_OK;
    if (!json_is_array(a) || json_array_size(a) > max)
        return ck_err(CK_ERR_FORMAT, "%s is not an array of at most %zu", field, max);
    *out = a;
    return CK_OK;
}

/* The evidence's method. One that is neither "kiosk" nor "paper" is left 0 here, for
 * cert_check_claims() to refuse with the message both formats share. */
static CkErr
get_method(const json_t *obj, const char *field, CertClaims *c)
{
    char method[16];
    CkErr err;

    if ((err = get_str(obj, "method", method, sizeof method, true, field)) != CK_OK)
        return err;
    c->method = strcmp(method, "kiosk") == 0   ? CERT_METHOD_KIOSK
                : strcmp(method, "paper") == 0 ? CERT_METHOD_PAPER
                                               : 0;
    return CK_OK;
}

/* The quiz's four numbers, under the same keys in both formats; prefix names them in messages
 * ("evidence.quiz." in format 1, "evidence quiz " in format 2). */
static CkErr
get_quiz(const json_t *q, const char *prefix, CertClaims *c)
{
    static const struct {
        const char *key;
        int64_t hi;
    } nums[] = {{"score", 100000}, {"of", 100000}, {"passMark", 100}, {"attempts", 100000}};
    int64_t v[sizeof nums / sizeof nums[0]];
    char field[64];
    CkErr err;

    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        snprintf(field, sizeof field, "%s%s", prefix, nums[i].key);
        if ((err = get_int(q, nums[i].key, 0, nums[i].hi, &v[i], field)) != CK_OK)
            return err;
    }
    c->has_quiz = true;
    c->quiz_score = (int)v[0];
    c->quiz_of = (int)v[1];
    c->quiz_pass_mark = (int)v[2];
    c->quiz_attempts = (int)v[3];
    return CK_OK;
}

/* The subject's claims that both formats disclose always, name and nation first; *subject_out
 * (borrowed from p) for the rest. */
static CkErr
read_subject(const json_t *p, CertClaims *c, const json_t **subject_out)
{
    const json_t *subject = json_object_get(p, "credentialSubject");
    CkErr err;

    *subject_out = subject;
    if (!json_is_object(subject))
        return ck_err(CK_ERR_FORMAT, "credentialSubject is missing or not an object");
    if ((err = get_str(subject, "name", c->name, sizeof c->name, true, "credentialSubject.name")) !=
            CK_OK ||
        (err = get_str(subject, "nation", c->nation, sizeof c->nation, true,
                       "credentialSubject.nation")) != CK_OK)
        return err;
    return CK_OK;
}

static CkErr
read_evidence_v1(const json_t *ev, CertClaims *c)
{
    const json_t *a, *v, *q;
    const char *key;
    char field[64];
    int64_t n;
    CkErr err;

    if (!json_is_object(ev))
        return ck_err(CK_ERR_FORMAT, "evidence is missing or not an object");
    if ((err = get_method(ev, "evidence.method", c)) != CK_OK ||
        (err = get_str(ev, "recordedBy", c->recorded_by, sizeof c->recorded_by, false,
                       "evidence.recordedBy")) != CK_OK ||
        (err = get_str(ev, "paperFormRef", c->paper_form_ref, sizeof c->paper_form_ref, false,
                       "evidence.paperFormRef")) != CK_OK ||
        (err = get_str(ev, "signatureSha256", c->signature_sha256, sizeof c->signature_sha256,
                       false, "evidence.signatureSha256")) != CK_OK)
        return err;
    if ((err = get_array(ev, "bundles", CERT_MAX_BUNDLES, false, "evidence.bundles", &a)) != CK_OK)
        return err;
    for (size_t i = 0; i < json_array_size(a); i++) {
        CertBundle *b = &c->bundles[i];
        v = json_array_get(a, i);
        snprintf(field, sizeof field, "evidence.bundles[%zu]", i);
        if (!json_is_object(v))
            return ck_err(CK_ERR_FORMAT, "%s is not an object", field);
        if ((err = get_str(v, "id", b->id, sizeof b->id, true, field)) != CK_OK ||
            (err = get_str(v, "version", b->version, sizeof b->version, true, field)) != CK_OK ||
            (err = get_str(v, "manifestSha256", b->manifest_sha256, sizeof b->manifest_sha256, true,
                           field)) != CK_OK)
            return err;
        c->n_bundles++;
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
    if ((err = get_array(ev, "clauses", CERT_MAX_CLAUSES, false, "evidence.clauses", &a)) != CK_OK)
        return err;
    for (size_t i = 0; i < json_array_size(a); i++) {
        v = json_array_get(a, i);
        if (!json_is_string(v) || json_string_length(v) > CERT_CLAUSE_ID_MAX ||
            json_string_length(v) != strlen(json_string_value(v)))
            return ck_err(CK_ERR_FORMAT, "evidence.clauses[%zu] is not a short string", i);
        memcpy(c->clauses[i], json_string_value(v), json_string_length(v) + 1);
        c->n_clauses++;
    }
    if ((q = json_object_get(ev, "quiz")) != NULL) {
        if (!json_is_object(q))
            return ck_err(CK_ERR_FORMAT, "evidence.quiz is not an object");
        if ((err = get_quiz(q, "evidence.quiz.", c)) != CK_OK)
            return err;
    }
    if ((err = get_array(ev, "training", CERT_MAX_TRAINING, false, "evidence.training", &a)) !=
        CK_OK)
        return err;
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
    if ((err = get_int(ev, "logIndex", 0, INT64_MAX, &n, "evidence.logIndex")) != CK_OK)
        return err;
    c->log_index = n;
    return CK_OK;
}

/* Format 1: a compact JWS "vc+jwt", every claim in clear. */
static CkErr
read_claims_v1(const Jws *jws, CertClaims *c)
{
    const json_t *p = jws_payload(jws), *issuer, *subject;
    const char *kid = jws_kid(jws), *id;
    char issuer_id[TRUST_KIOSK_ID_MAX + sizeof URN_KIOSK + 1];
    CkErr err;

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
    if ((err = cert_check_serial(c->serial, c->kiosk_id, CK_ERR_FORMAT)) != CK_OK)
        return err;
    if ((err = get_time(p, "validFrom", &c->valid_from)) != CK_OK ||
        (err = get_time(p, "validUntil", &c->valid_until)) != CK_OK)
        return err;
    if ((err = read_subject(p, c, &subject)) != CK_OK ||
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
    if ((err = read_evidence_v1(json_object_get(p, "evidence"), c)) != CK_OK)
        return err;
    if ((err = get_str(p, "supersedes", c->supersedes, sizeof c->supersedes, false,
                       "supersedes")) != CK_OK)
        return err;
    c->form = CERT_FORM_V1;
    c->disclosed = CERT_CLAIM_ALL_;
    return cert_check_claims(c, CK_ERR_FORMAT);
}


/* ---- format 2: the processed payload of a vc+sd-jwt ---- */

/* Copies the string member key of obj, which must start with prefix, without it. */
static CkErr
get_urn(const json_t *obj, const char *key, const char *prefix, char *dst, size_t cap,
        const char *field)
{
    const char *s = json_string_value(json_object_get(obj, key));
    size_t n = strlen(prefix);

    if (s == NULL || strncmp(s, prefix, n) != 0 || s[n] == '\0')
        return ck_err(CK_ERR_FORMAT, "%s must be \"%s...\"", field, prefix);
    return cert_set(dst, cap, s + n, field);
}

static CkErr
read_ack(const json_t *a, CertClaims *c)
{
    const json_t *arr, *v;
    char field[64], bundle[CERT_FIELD_MAX + 1], lang[16];
    int64_t n;
    CkErr err;

    if ((err = get_method(a, "evidence acknowledgement.method", c)) != CK_OK ||
        (err = get_str(a, "kioskOperator", c->operator_name, sizeof c->operator_name, false,
                       "evidence kioskOperator")) != CK_OK ||
        (err = get_str(a, "recordedBy", c->recorded_by, sizeof c->recorded_by, false,
                       "evidence recordedBy")) != CK_OK ||
        (err = get_str(a, "paperFormRef", c->paper_form_ref, sizeof c->paper_form_ref, false,
                       "evidence paperFormRef")) != CK_OK ||
        (err = get_str(a, "paperSignedOn", c->paper_signed_on, sizeof c->paper_signed_on, false,
                       "evidence paperSignedOn")) != CK_OK ||
        (err = get_str(a, "signatureSha256", c->signature_sha256, sizeof c->signature_sha256,
                       false, "evidence signatureSha256")) != CK_OK)
        return err;
    if ((err = get_array(a, "bundles", CERT_MAX_BUNDLES, true, "evidence bundles", &arr)) != CK_OK)
        return err;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        CertBundle *b = &c->bundles[c->n_bundles];
        v = json_array_get(arr, i);
        snprintf(field, sizeof field, "evidence bundles[%zu]", i);
        if ((err = get_urn(v, "id", URN_BUNDLE, b->id, sizeof b->id, field)) != CK_OK ||
            (err = get_str(v, "version", b->version, sizeof b->version, true, field)) != CK_OK ||
            (err = get_str(v, "manifestSha256", b->manifest_sha256, sizeof b->manifest_sha256,
                           true, field)) != CK_OK)
            return err;
        c->n_bundles++;
    }
    if ((err = get_array(a, "texts", CERT_MAX_LANGS, true, "evidence texts", &arr)) != CK_OK)
        return err;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        CertTextHash *t = &c->text_sha256[c->n_text_hashes];
        v = json_array_get(arr, i);
        snprintf(field, sizeof field, "evidence texts[%zu]", i);
        if ((err = get_urn(v, "bundle", URN_BUNDLE, bundle, sizeof bundle, field)) != CK_OK ||
            (err = get_str(v, "language", lang, sizeof lang, true, field)) != CK_OK ||
            (err = get_str(v, "sha256", t->sha256, sizeof t->sha256, true, field)) != CK_OK)
            return err;
        if ((size_t)snprintf(t->key, sizeof t->key, "%s/%s", bundle, lang) >= sizeof t->key)
            return ck_err(CK_ERR_FORMAT, "%s is too long", field);
        c->n_text_hashes++;
    }
    if ((err = get_array(a, "clauses", CERT_MAX_CLAUSES, true, "evidence clauses", &arr)) != CK_OK)
        return err;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        size_t k = strlen(URN_BUNDLE);
        if (s == NULL || strncmp(s, URN_BUNDLE, k) != 0 || strchr(s + k, '#') == NULL ||
            cert_set(c->clauses[i], sizeof c->clauses[i], s + k, "clause") != CK_OK)
            return ck_err(CK_ERR_FORMAT, "evidence clauses[%zu] is not \"%s<bundle>#<clause>\"", i,
                          URN_BUNDLE);
        c->n_clauses++;
    }
    if ((err = get_int(a, "logIndex", 0, INT64_MAX, &n, "evidence logIndex")) != CK_OK)
        return err;
    c->log_index = n;
    return CK_OK;
}

static CkErr
read_quiz(const json_t *q, CertClaims *c)
{
    const json_t *arr, *v, *order;
    CkErr err;

    if ((err = get_quiz(q, "evidence quiz ", c)) != CK_OK ||
        (err = get_array(q, "choiceOrder", CERT_MAX_CHOICE_ORDERS, false,
                         "evidence quiz choiceOrder", &arr)) != CK_OK)
        return err;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        CertChoiceOrder *co = &c->choice_orders[c->n_choice_orders];
        char question[CERT_CLAUSE_ID_MAX + 1 + sizeof URN_BUNDLE];
        v = json_array_get(arr, i);
        order = json_object_get(v, "order");
        if ((err = get_urn(v, "question", URN_BUNDLE, question, sizeof question,
                           "evidence quiz choiceOrder question")) != CK_OK ||
            (err = cert_set(co->question, sizeof co->question, question,
                            "evidence quiz choiceOrder question")) != CK_OK)
            return err;
        if (!json_is_array(order) || json_array_size(order) > CERT_MAX_CHOICES)
            return ck_err(CK_ERR_FORMAT, "evidence quiz choiceOrder[%zu].order is not an array of "
                                         "at most %d", i, CERT_MAX_CHOICES);
        for (size_t k = 0; k < json_array_size(order); k++) {
            json_int_t x = json_integer_value(json_array_get(order, k));
            if (!json_is_integer(json_array_get(order, k)) || x < 0 || x >= CERT_MAX_CHOICES)
                return ck_err(CK_ERR_FORMAT, "evidence quiz choiceOrder[%zu].order[%zu] is not a "
                                             "choice index", i, k);
            co->order[co->n++] = (uint8_t)x;
        }
        c->n_choice_orders++;
    }
    return CK_OK;
}

/* evidence: one acknowledgement, at most one quiz, training confirmations. */
static CkErr
read_evidence_v2(const json_t *ev, CertClaims *c)
{
    bool ack = false;
    CkErr err;

    if (!json_is_array(ev))
        return ck_err(CK_ERR_FORMAT, "evidence is not an array");
    for (size_t i = 0; i < json_array_size(ev); i++) {
        const json_t *item = json_array_get(ev, i);
        const char *type = json_string_value(json_object_get(item, "type"));
        if (!json_is_object(item) || type == NULL)
            return ck_err(CK_ERR_FORMAT, "evidence[%zu] is not an object with a \"type\"", i);
        if (strcmp(type, EV_ACK) == 0 && !ack) {
            ack = true;
            err = read_ack(item, c);
        } else if (strcmp(type, EV_QUIZ) == 0 && !c->has_quiz) {
            err = read_quiz(item, c);
        } else if (strcmp(type, EV_TRAINING) == 0 && c->n_training < CERT_MAX_TRAINING) {
            CertTraining *t = &c->training[c->n_training++];
            if ((err = get_str(item, "course", t->course, sizeof t->course, true,
                               "evidence training course")) == CK_OK)
                err = get_str(item, "date", t->date, sizeof t->date, true,
                              "evidence training date");
        } else {
            err = ck_err(CK_ERR_FORMAT, "evidence[%zu] has an unknown or repeated type \"%.40s\"", i,
                         type);
        }
        if (err != CK_OK)
            return err;
    }
    if (!ack)
        return ck_err(CK_ERR_FORMAT, "evidence has no %s", EV_ACK);
    return CK_OK;
}

/* Format 2: the processed payload of a vc+sd-jwt. */
static CkErr
read_claims_v2(const SdJwt *sd, CertClaims *c)
{
    const Jws *jws = sdjwt_jws(sd);
    const json_t *p = sdjwt_payload(sd), *ctx = json_object_get(p, "@context"), *subject, *svc,
                 *status, *ev;
    const char *kid = jws_kid(jws), *hash, *issuer;
    CkErr err;

    if (!json_is_array(ctx) || json_array_size(ctx) < 2 ||
        !json_is_string(json_array_get(ctx, 0)) ||
        strcmp(json_string_value(json_array_get(ctx, 0)), VC_CONTEXT) != 0 ||
        !array_has(ctx, CERT_CONTEXT_URL))
        return ck_err(CK_ERR_FORMAT, "@context must be [\"%s\", ..., \"%s\"]", VC_CONTEXT,
                      CERT_CONTEXT_URL);
    if (!array_has(json_object_get(p, "type"), "VerifiableCredential") ||
        !array_has(json_object_get(p, "type"), VC_TYPE))
        return ck_err(CK_ERR_FORMAT, "type must list VerifiableCredential and %s", VC_TYPE);
    if ((err = get_urn(p, "id", URN_CERT, c->serial, sizeof c->serial, "id")) != CK_OK ||
        (err = get_urn(p, "issuer", URN_KIOSK, c->kiosk_id, sizeof c->kiosk_id, "issuer")) != CK_OK)
        return err;
    /* kid: the verification method, "<issuer>#<key id>" (VC-JOSE-COSE: an absolute URL). */
    issuer = json_string_value(json_object_get(p, "issuer"));
    hash = kid != NULL ? strrchr(kid, '#') : NULL;
    if (hash == NULL || (size_t)(hash - kid) != strlen(issuer) ||
        strncmp(kid, issuer, strlen(issuer)) != 0 || strlen(hash + 1) != KEY_ID_LEN)
        return ck_err(CK_ERR_FORMAT, "the header's \"kid\" must be \"%s#<key id>\"", issuer);
    memcpy(c->kid, hash + 1, KEY_ID_LEN + 1);
    if ((err = cert_check_serial(c->serial, c->kiosk_id, CK_ERR_FORMAT)) != CK_OK)
        return err;
    if ((err = get_time(p, "validFrom", &c->valid_from)) != CK_OK ||
        (err = get_time(p, "validUntil", &c->valid_until)) != CK_OK)
        return err;
    status = json_object_get(p, "credentialStatus");
    if (!json_is_string(json_object_get(status, "type")) ||
        strcmp(json_string_value(json_object_get(status, "type")), CERT_STATUS_TYPE) != 0)
        return ck_err(CK_ERR_FORMAT, "credentialStatus must be of type %s", CERT_STATUS_TYPE);
    if ((err = read_subject(p, c, &subject)) != CK_OK ||
        (err = get_str(subject, "category", c->category, sizeof c->category, true,
                       "credentialSubject.category")) != CK_OK)
        return err;
    if ((svc = json_object_get(subject, "serviceRecord")) != NULL) {
        static const struct {
            const char *key;
            size_t off, cap;
            unsigned bit;
        } fields[] = {
            {"serviceNumber", offsetof(CertClaims, service_number), CERT_FIELD_MAX + 1,
             CERT_CLAIM_SERVICE_NUMBER},
            {"rank", offsetof(CertClaims, rank), CERT_FIELD_MAX + 1, CERT_CLAIM_RANK},
            {"unit", offsetof(CertClaims, unit), CERT_FIELD_MAX + 1, CERT_CLAIM_UNIT},
            {"operation", offsetof(CertClaims, operation), CERT_FIELD_MAX + 1,
             CERT_CLAIM_OPERATION},
        };
        if (!json_is_object(svc))
            return ck_err(CK_ERR_FORMAT, PATH_SERVICE " is not an object");
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            char field[64];
            snprintf(field, sizeof field, PATH_SERVICE ".%s", fields[i].key);
            if ((err = get_str(svc, fields[i].key, (char *)c + fields[i].off, fields[i].cap, false,
                               field)) != CK_OK)
                return err;
            if (json_object_get(svc, fields[i].key) != NULL)
                c->disclosed |= fields[i].bit;
        }
    }
    if ((ev = json_object_get(p, "evidence")) != NULL) {
        if ((err = read_evidence_v2(ev, c)) != CK_OK)
            return err;
        c->disclosed |= CERT_CLAIM_EVIDENCE;
    }
    if ((err = get_str(p, "supersedes", c->supersedes, sizeof c->supersedes, false,
                       "supersedes")) != CK_OK)
        return err;
    c->form = (c->disclosed & (CERT_CLAIM_SERVICE_NUMBER | CERT_CLAIM_EVIDENCE)) ==
                      (CERT_CLAIM_SERVICE_NUMBER | CERT_CLAIM_EVIDENCE)
                  ? CERT_FORM_FULL
                  : CERT_FORM_PRESENTATION;
    return cert_check_claims(c, CK_ERR_FORMAT);
}

CkErr
cert_read_claims(const SdJwt *sd, CertClaims *c)
{
    const Jws *jws = sdjwt_jws(sd);
    const char *typ = jws_typ(jws);

    if (typ != NULL && strcmp(typ, CERT_TYP) == 0) {
        if (!sdjwt_is_sd(sd))
            return ck_err(CK_ERR_FORMAT, "a %s certificate must end in '~' (SD-JWT)", CERT_TYP);
        return read_claims_v2(sd, c);
    }
    if (typ != NULL && strcmp(typ, CERT_TYP_V1) == 0) {
        if (sdjwt_is_sd(sd))
            return ck_err(CK_ERR_FORMAT, "a %s certificate has no disclosures", CERT_TYP_V1);
        return read_claims_v1(jws, c);
    }
    return ck_err(CK_ERR_FORMAT, "the header's \"typ\" is \"%.40s\", not \"%s\" (or \"%s\")",
                  typ ? typ : "(none)", CERT_TYP, CERT_TYP_V1);
}

CkErr
cert_index_fields(const json_t *p, const char **nation, const char **number,
                  const char **valid_until)
{
    const json_t *subject = json_object_get(p, "credentialSubject");

    *nation = json_string_value(json_object_get(subject, "nation"));
    *number = json_string_value(json_object_get(subject, "serviceNumber"));
    if (*number == NULL)
        *number = json_string_value(
            json_object_get(json_object_get(subject, "serviceRecord"), "serviceNumber"));
    *valid_until = json_string_value(json_object_get(p, "validUntil"));
    if (*nation == NULL || *valid_until == NULL)
        return ck_err(CK_ERR_FORMAT, "the certificate lacks credentialSubject.nation or validUntil");
    return CK_OK;
}
