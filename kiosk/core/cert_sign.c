/* cert_sign: issuing certificates as SD-JWT (what is in clear, what is concealed, the decoys)
 * and cutting presentations from them. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_int.h"
#include "clock.h"

/* Digests under credentialSubject.serviceRecord: serviceNumber, rank, unit and
 * operation, padded with decoys to at least this many (plus 0-2 more at
 * random), so the digests do not tell whether rank, unit or operation exist. */
#define SERVICE_DIGESTS 4
/* Evidence items padded with decoys to at least this many (plus 0-2). */
#define EVIDENCE_ITEMS 6

static const char *const claim_names[] = {"serviceNumber", "rank", "unit", "operation",
                                          "evidence"};

const char *
cert_claim_name(unsigned bit)
{
    for (size_t i = 0; i < sizeof claim_names / sizeof claim_names[0]; i++)
        if (bit == 1u << i)
            return claim_names[i];
    return "unknown";
}

CkErr
cert_claim_bit(const char *name, unsigned *bit_out)
{
    for (size_t i = 0; i < sizeof claim_names / sizeof claim_names[0]; i++)
        if (strcmp(name, claim_names[i]) == 0) {
            *bit_out = 1u << i;
            return CK_OK;
        }
    return ck_err(CK_ERR_FORMAT,
                  "\"%.40s\" is not a claim a presentation can disclose (serviceNumber, rank, "
                  "unit, operation, evidence)",
                  name);
}

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
urn(const char *prefix, const char *rest)
{
    char *s = NULL;
    json_t *v;

    if (asprintf(&s, "%s%s", prefix, rest) < 0)
        return NULL;
    v = json_string(s);
    free(s);
    return v;
}

/* The acknowledgement evidence item. */
static json_t *
ack_item(const CertClaims *c, const char *operator_name)
{
    json_t *a = json_object(), *bundles = json_array(), *texts = json_array(),
           *clauses = json_array();
    bool ok = a && bundles && texts && clauses;

    ok = ok && set_str(a, "type", EV_ACK) == 0 &&
         set_str(a, "method", c->method == CERT_METHOD_PAPER ? "paper" : "kiosk") == 0 &&
         (operator_name == NULL || set_opt(a, "kioskOperator", operator_name) == 0) &&
         set_opt(a, "recordedBy", c->recorded_by) == 0 &&
         set_opt(a, "paperFormRef", c->paper_form_ref) == 0 &&
         set_opt(a, "paperSignedOn", c->paper_signed_on) == 0;
    for (size_t i = 0; ok && i < c->n_bundles; i++)
        ok = json_array_append_new(bundles,
                                   json_pack("{s:o,s:s,s:s}", "id", urn(URN_BUNDLE, c->bundles[i].id),
                                             "version", c->bundles[i].version, "manifestSha256",
                                             c->bundles[i].manifest_sha256)) == 0;
    for (size_t i = 0; ok && i < c->n_text_hashes; i++) {
        /* key "<bundle_id>/<language>" */
        const char *key = c->text_sha256[i].key, *slash = strrchr(key, '/');
        char bundle[sizeof c->text_sha256[i].key];
        ok = slash != NULL && slash > key;
        if (ok) {
            memcpy(bundle, key, (size_t)(slash - key));
            bundle[slash - key] = '\0';
            ok = json_array_append_new(texts, json_pack("{s:o,s:s,s:s}", "bundle",
                                                        urn(URN_BUNDLE, bundle), "language",
                                                        slash + 1, "sha256",
                                                        c->text_sha256[i].sha256)) == 0;
        }
    }
    for (size_t i = 0; ok && i < c->n_clauses; i++)
        ok = json_array_append_new(clauses, urn(URN_BUNDLE, c->clauses[i])) == 0;
    ok = ok && json_object_set(a, "bundles", bundles) == 0 &&
         json_object_set(a, "texts", texts) == 0 && json_object_set(a, "clauses", clauses) == 0 &&
         set_opt(a, "signatureSha256", c->signature_sha256) == 0 &&
         json_object_set_new(a, "logIndex", json_integer((json_int_t)c->log_index)) == 0;
    json_decref(bundles);
    json_decref(texts);
    json_decref(clauses);
    if (!ok) {
        json_decref(a);
        return NULL;
    }
    return a;
}

/* The quiz evidence item; "choiceOrder" records the shuffled order of each
 * question's choices when the flow gives it. */
static json_t *
quiz_item(const CertClaims *c)
{
    json_t *q = json_pack("{s:s,s:i,s:i,s:i,s:i}", "type", EV_QUIZ, "score", c->quiz_score, "of",
                          c->quiz_of, "passMark", c->quiz_pass_mark, "attempts", c->quiz_attempts),
           *orders = NULL;
    bool ok = q != NULL;

    if (ok && c->n_choice_orders > 0) {
        ok = (orders = json_array()) != NULL;
        for (size_t i = 0; ok && i < c->n_choice_orders; i++) {
            const CertChoiceOrder *co = &c->choice_orders[i];
            json_t *order = json_array();
            for (size_t k = 0; order != NULL && k < co->n; k++)
                if (json_array_append_new(order, json_integer(co->order[k])) != 0) {
                    json_decref(order);
                    order = NULL;
                }
            ok = order != NULL && json_array_append_new(orders, json_pack("{s:o,s:o}", "question",
                                                                          urn(URN_BUNDLE,
                                                                              co->question),
                                                                          "order", order)) == 0;
        }
        ok = ok && json_object_set(q, "choiceOrder", orders) == 0;
    }
    json_decref(orders);
    if (!ok) {
        json_decref(q);
        return NULL;
    }
    return q;
}

/* The payload with its concealed claims; disclosures collected in is. */
static CkErr
build_payload(SdJwtIssuer *is, const CertClaims *c, const char *kiosk_id,
              const char *operator_name, const char *serial, json_t **out)
{
    char from[CLOCK_RFC3339_LEN + 1], until[CLOCK_RFC3339_LEN + 1];
    json_t *p = json_object(), *subject = json_object(), *svc = json_object(),
           *ev = json_array();
    size_t n_svc = 1, n_ev = 1;
    CkErr err = CK_OK;
    bool ok = p && subject && svc && ev;

    *out = NULL;
    clock_format(c->valid_from, from);
    clock_format(c->valid_until, until);
    ok = ok && json_object_set_new(p, "@context", json_pack("[s,s]", VC_CONTEXT,
                                                            CERT_CONTEXT_URL)) == 0 &&
         json_object_set_new(p, "type", json_pack("[s,s]", "VerifiableCredential", VC_TYPE)) == 0 &&
         json_object_set_new(p, "id", urn(URN_CERT, serial)) == 0 &&
         json_object_set_new(p, "issuer", urn(URN_KIOSK, kiosk_id)) == 0 &&
         set_str(p, "validFrom", from) == 0 && set_str(p, "validUntil", until) == 0 &&
         set_str(subject, "name", c->name) == 0 && set_str(subject, "nation", c->nation) == 0 &&
         set_str(subject, "category", c->category) == 0;
    if (!ok)
        goto nomem;
    /* What a checkpoint does not need is concealed: the service record... */
    if ((err = sdjwt_conceal(is, svc, "serviceNumber", json_string(c->service_number))) != CK_OK ||
        (c->rank[0] && (n_svc++, err = sdjwt_conceal(is, svc, "rank", json_string(c->rank))) !=
                           CK_OK) ||
        (c->unit[0] && (n_svc++, err = sdjwt_conceal(is, svc, "unit", json_string(c->unit))) !=
                           CK_OK) ||
        (c->operation[0] && (n_svc++, err = sdjwt_conceal(is, svc, "operation",
                                                          json_string(c->operation))) != CK_OK) ||
        (err = sdjwt_decoys(is, svc, SERVICE_DIGESTS - n_svc + randombytes_uniform(3))) != CK_OK)
        goto out;
    err = sdjwt_conceal(is, subject, "serviceRecord", svc);
    svc = NULL;
    if (err != CK_OK)
        goto out;
    if (json_object_set(p, "credentialSubject", subject) != 0 ||
        json_object_set_new(p, "credentialStatus", json_pack("{s:s}", "type", CERT_STATUS_TYPE)) !=
            0 ||
        set_opt(p, "supersedes", c->supersedes) != 0)
        goto nomem;
    /* ... and each evidence item, inside a concealed evidence array. */
    if ((err = sdjwt_conceal_element(is, ev, ack_item(c, operator_name))) != CK_OK ||
        (c->has_quiz && (n_ev++, err = sdjwt_conceal_element(is, ev, quiz_item(c))) != CK_OK))
        goto out;
    for (size_t i = 0; i < c->n_training; i++, n_ev++)
        if ((err = sdjwt_conceal_element(
                 is, ev,
                 json_pack("{s:s,s:s,s:s}", "type", EV_TRAINING, "course", c->training[i].course,
                           "date", c->training[i].date))) != CK_OK)
            goto out;
    if ((err = sdjwt_decoys(is, ev,
                            (n_ev < EVIDENCE_ITEMS ? EVIDENCE_ITEMS - n_ev : 0) +
                                randombytes_uniform(3))) != CK_OK)
        goto out;
    err = sdjwt_conceal(is, p, "evidence", ev);
    ev = NULL;
    if (err != CK_OK)
        goto out;
    *out = p;
    p = NULL;
    goto out;
nomem:
    err = ck_err(CK_ERR_NOMEM, "out of memory building a certificate");
out:
    json_decref(p);
    json_decref(subject);
    json_decref(svc);
    json_decref(ev);
    return err;
}

CkErr
cert_sign(const CertClaims *claims, const SecretKey *kiosk_key, const char *kiosk_id,
          const char *operator_name, const char *serial, char **jws_out)
{
    PublicKey pub;
    SdJwtIssuer *is = NULL;
    json_t *payload = NULL;
    char *kid = NULL;
    CkErr err;

    *jws_out = NULL;
    if (key_kind(kiosk_key) != KEY_KIND_KIOSK)
        return ck_err(CK_ERR_KEY, "certificates are signed with a kiosk key, not a %s key",
                      key_kind_name(key_kind(kiosk_key)));
    if (claims->form == CERT_FORM_PRESENTATION)
        return ck_err(CK_ERR_USAGE, "a certificate is signed with every claim");
    if ((err = cert_check_claims(claims, CK_ERR_USAGE)) != CK_OK ||
        (err = cert_check_serial(serial, kiosk_id, CK_ERR_USAGE)) != CK_OK)
        return err;
    if (operator_name != NULL && strlen(operator_name) > CERT_FIELD_MAX)
        return ck_err(CK_ERR_USAGE, "the operator name is longer than %d bytes", CERT_FIELD_MAX);
    key_public(kiosk_key, &pub);
    /* kid: the verification method as an absolute URL (VC-JOSE-COSE):
     * the issuer's URN and the key ID as its fragment. */
    if ((is = sdjwt_issuer_new()) == NULL ||
        asprintf(&kid, "%s%s#%s", URN_KIOSK, kiosk_id, pub.kid) < 0) {
        kid = NULL;
        err = ck_err(CK_ERR_NOMEM, "out of memory building a certificate");
        goto out;
    }
    if ((err = build_payload(is, claims, kiosk_id, operator_name, serial, &payload)) != CK_OK ||
        (err = sdjwt_issue(is, kiosk_key, CERT_TYP, kid, payload, jws_out)) != CK_OK)
        goto out;
out:
    free(kid);
    json_decref(payload);
    sdjwt_issuer_free(is);
    return err;
}

CkErr
cert_present(const char *cert, size_t len, unsigned mask, char **out)
{
    static const char *const paths[] = {PATH_SERVICE ".serviceNumber", PATH_SERVICE ".rank",
                                        PATH_SERVICE ".unit", PATH_SERVICE ".operation"};
    SdJwt *sd = NULL;
    CertClaims claims;
    bool keep[SDJWT_MAX_DISCLOSURES] = {false};
    CkErr err;

    *out = NULL;
    memset(&claims, 0, sizeof claims);
    if ((err = sdjwt_parse(cert, len, &sd)) != CK_OK ||
        (err = cert_read_claims(sd, &claims)) != CK_OK)
        goto out;
    if (claims.form != CERT_FORM_FULL) {
        err = ck_err(CK_ERR_FORMAT, "only a full %s certificate can be presented", CERT_TYP);
        goto out;
    }
    for (size_t i = 0; i < sdjwt_count(sd); i++) {
        const char *path = sdjwt_disclosure(sd, i)->path;
        for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
            if ((mask & (1u << k)) && strcmp(path, paths[k]) == 0)
                keep[i] = true;
        if ((mask & CERT_CLAIM_EVIDENCE) && strncmp(path, "evidence", 8) == 0)
            keep[i] = true;
    }
    err = sdjwt_present(sd, keep, out);
out:
    sodium_memzero(&claims, sizeof claims);
    sdjwt_free(sd);
    return err;
}
