/* Tests of cert: issuing, decoding and the verification steps. Hostile cases first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "codec.h"
#include "jws.h"
#include "sdjwt.h"
#include "trust.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define DAY 86400
#define HASH "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static SecretKey *authority, *rogue, *kiosk, *stranger;
static PublicKey authority_pub, kiosk_pub;
static Trust *trust; /* authority pinned; kiosk endorsed for KIOSK-1 over [T0, T0+90d) */

static CertClaims *
sample_claims(void)
{
    CertClaims *c = cert_claims_new();

    assert_non_null(c);
    assert_int_equal(CERT_SET(c, name, "Kari Nordmann"), CK_OK);
    assert_int_equal(CERT_SET(c, nation, "NOR"), CK_OK);
    assert_int_equal(CERT_SET(c, service_number, "12345678"), CK_OK);
    assert_int_equal(CERT_SET(c, category, "military"), CK_OK);
    assert_int_equal(CERT_SET(c, rank, "Captain"), CK_OK);
    assert_int_equal(CERT_SET(c, operation, "Resolute Support"), CK_OK);
    c->valid_from = T0 + DAY;
    c->valid_until = T0 + 366 * DAY;
    c->method = CERT_METHOD_KIOSK;
    c->n_bundles = 1;
    strcpy(c->bundles[0].id, "no.forsvaret.cthb");
    strcpy(c->bundles[0].version, "2026.1.0");
    strcpy(c->bundles[0].manifest_sha256, HASH);
    c->n_text_hashes = 2;
    strcpy(c->text_sha256[0].key, "no.forsvaret.cthb/nb");
    strcpy(c->text_sha256[0].sha256, HASH);
    strcpy(c->text_sha256[1].key, "int.nato.cthb/en");
    strcpy(c->text_sha256[1].sha256, HASH);
    c->n_clauses = 2;
    strcpy(c->clauses[0], "int.nato.cthb#c1");
    strcpy(c->clauses[1], "no.forsvaret.cthb#c1");
    c->has_quiz = true;
    c->quiz_score = 9;
    c->quiz_of = 10;
    c->quiz_pass_mark = 80;
    c->quiz_attempts = 1;
    c->n_training = 1;
    strcpy(c->training[0].course, "CTHB e-learning");
    strcpy(c->training[0].date, "2025-12-01");
    strcpy(c->signature_sha256, HASH);
    c->log_index = 42;
    return c;
}

/* A certificate issued by key as kiosk_id, with the sample claims. */
static char *
issue_as(const SecretKey *key, const char *kiosk_id, CertClaims *c)
{
    char serial[CERT_SERIAL_MAX + 1], *jws = NULL;

    cert_serial(kiosk_id, c->log_index, serial);
    assert_int_equal(cert_sign(c, key, kiosk_id, "Test operator", serial, &jws), CK_OK);
    return jws;
}

static char *
issue(void)
{
    CertClaims *c = sample_claims();
    char *jws = issue_as(kiosk, "KIOSK-1", c);

    cert_claims_free(c);
    return jws;
}

static CkErr
verify_at(const char *jws, int64_t now, CertReport *r)
{
    return cert_verify(jws, strlen(jws), trust, now, NULL, r);
}

static void
test_garbage_and_truncated_certificates_fail_the_format_step(void **state)
{
    CertReport r;
    char *jws = issue();
    char *cut = strndup(jws, strlen(jws) / 2);

    assert_int_equal(verify_at("not a certificate", T0 + 2 * DAY, &r), CK_ERR_FORMAT);
    assert_int_equal(r.steps[CERT_STEP_FORMAT].outcome, CERT_STEP_FAILED);
    assert_int_equal(r.steps[CERT_STEP_SIGNATURE].outcome, CERT_STEP_NOT_RUN);
    assert_int_equal(verify_at(cut, T0 + 2 * DAY, &r), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "format:"));
    free(cut);
    free(jws);
}

static void
test_alg_none_certificate_fails_the_format_step(void **state)
{
    /* A real certificate's header and payload, re-labelled alg none. */
    char *jws = issue(), *forged;
    const char *dot = strchr(jws, '.');
    char *none =
        codec_b64url_encode((const unsigned char *)"{\"alg\":\"none\",\"typ\":\"vc+jwt\"}", 29);
    CertReport r;

    assert_true(asprintf(&forged, "%s%.*s.", none, (int)(strrchr(jws, '.') - dot), dot) > 0);
    assert_int_equal(verify_at(forged, T0 + 2 * DAY, &r), CK_ERR_FORMAT);
    assert_non_null(strstr(r.steps[CERT_STEP_FORMAT].detail, "none"));
    free(forged);
    free(none);
    free(jws);
}

static void
test_altered_name_fails_the_signature_step(void **state)
{
    char *jws = issue(), *p64, *forged;
    unsigned char *payload;
    size_t len;
    const char *d1 = strchr(jws, '.'), *d2 = strrchr(jws, '.');
    char *at;
    CertReport r;

    assert_int_equal(codec_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &payload, &len), CK_OK);
    at = strstr((char *)payload, "Kari");
    assert_non_null(at);
    memcpy(at, "Kira", 4);
    p64 = codec_b64url_encode(payload, len);
    assert_true(asprintf(&forged, "%.*s.%s%s", (int)(d1 - jws), jws, p64, d2) > 0);
    assert_int_equal(verify_at(forged, T0 + 2 * DAY, &r), CK_ERR_SIGNATURE);
    assert_int_equal(r.steps[CERT_STEP_FORMAT].outcome, CERT_STEP_PASSED);
    assert_int_equal(r.steps[CERT_STEP_SIGNATURE].outcome, CERT_STEP_FAILED);
    assert_non_null(strstr(ck_err_detail(), "signature:"));
    free(forged);
    free(p64);
    free(payload);
    free(jws);
}

static void
test_unlisted_kiosk_key_fails_the_signature_step(void **state)
{
    CertClaims *c = sample_claims();
    char *jws = issue_as(stranger, "KIOSK-1", c);
    CertReport r;

    assert_int_equal(verify_at(jws, T0 + 2 * DAY, &r), CK_ERR_UNTRUSTED);
    assert_int_equal(r.steps[CERT_STEP_SIGNATURE].outcome, CERT_STEP_FAILED);
    assert_non_null(strstr(r.steps[CERT_STEP_SIGNATURE].detail, "not in the trust file"));
    free(jws);
    cert_claims_free(c);
}

static void
test_kiosk_endorsed_by_unknown_authority_fails_the_endorsement_step(void **state)
{
    Trust *t;
    json_t *jwks, *jwk;
    char *endorsement, *jws = issue();
    CertReport r;

    /* A trust file whose only kiosk entry is vouched for by a rogue authority. */
    assert_int_equal(trust_new(&t), CK_OK);
    assert_int_equal(trust_add_authority(t, &authority_pub, NULL), CK_OK);
    jwks = trust_to_json(t);
    trust_free(t);
    assert_int_equal(trust_endorse(rogue, &kiosk_pub, KEY_KIND_KIOSK, "KIOSK-1", T0, T0 + 90 * DAY,
                                   T0, &endorsement),
                     CK_OK);
    jwk = trust_jwk_from_public(&kiosk_pub, KEY_KIND_KIOSK);
    json_object_set_new(jwk, "kiosk_id", json_string("KIOSK-1"));
    json_object_set_new(jwk, "endorsement", json_string(endorsement));
    json_array_append_new(json_object_get(jwks, "keys"), jwk);
    assert_int_equal(trust_from_json(jwks, "rogue.jwks", &t), CK_OK);
    assert_int_equal(cert_verify(jws, strlen(jws), t, T0 + 2 * DAY, NULL, &r), CK_ERR_UNTRUSTED);
    assert_int_equal(r.steps[CERT_STEP_SIGNATURE].outcome, CERT_STEP_PASSED);
    assert_int_equal(r.steps[CERT_STEP_ENDORSEMENT].outcome, CERT_STEP_FAILED);
    assert_non_null(strstr(r.steps[CERT_STEP_ENDORSEMENT].detail, "not a pinned authority"));
    trust_free(t);
    json_decref(jwks);
    free(endorsement);
    free(jws);
}

static void
test_certificate_issued_after_the_endorsement_ended_is_refused(void **state)
{
    CertClaims *c = sample_claims();
    char *jws;
    CertReport r;

    c->valid_from = T0 + 100 * DAY; /* the endorsement ended at T0 + 90 days */
    c->valid_until = T0 + 400 * DAY;
    jws = issue_as(kiosk, "KIOSK-1", c);
    assert_int_equal(verify_at(jws, T0 + 101 * DAY, &r), CK_ERR_EXPIRED);
    assert_int_equal(r.steps[CERT_STEP_ENDORSEMENT].outcome, CERT_STEP_FAILED);
    assert_non_null(strstr(r.steps[CERT_STEP_ENDORSEMENT].detail, "at issue time"));
    free(jws);
    cert_claims_free(c);
}

static void
test_kiosk_key_claiming_another_kiosk_is_refused(void **state)
{
    CertClaims *c = sample_claims();
    char *jws = issue_as(kiosk, "KIOSK-2", c);
    CertReport r;

    assert_int_equal(verify_at(jws, T0 + 2 * DAY, &r), CK_ERR_UNTRUSTED);
    assert_non_null(strstr(r.steps[CERT_STEP_ENDORSEMENT].detail, "endorsed for kiosk KIOSK-1"));
    free(jws);
    cert_claims_free(c);
}

static void
test_expired_and_not_yet_valid_certificates_are_refused(void **state)
{
    char *jws = issue();
    CertReport r;

    assert_int_equal(verify_at(jws, T0, &r), CK_ERR_NOT_YET_VALID);
    assert_int_equal(r.steps[CERT_STEP_NOT_BEFORE].outcome, CERT_STEP_FAILED);
    assert_int_equal(r.steps[CERT_STEP_ENDORSEMENT].outcome, CERT_STEP_PASSED);
    assert_int_equal(verify_at(jws, T0 + 366 * DAY, &r), CK_ERR_EXPIRED);
    assert_int_equal(r.steps[CERT_STEP_EXPIRY].outcome, CERT_STEP_FAILED);
    assert_non_null(strstr(r.steps[CERT_STEP_EXPIRY].detail, "expired at 2027-01-02T00:00:00Z"));
    free(jws);
}

static CkErr
revoke_42(void *ctx, const char *serial, const char *kiosk_id, int64_t now, char *detail, size_t n)
{
    (*(int *)ctx)++;
    if (strcmp(serial, "KIOSK-1-000042") == 0) {
        snprintf(detail, n, "revoked: issued in error");
        return CK_ERR_REVOKED;
    }
    return CK_OK;
}

static void
test_status_hook_can_revoke(void **state)
{
    char *jws = issue();
    int calls = 0;
    CertStatusCheck status = {revoke_42, &calls, NULL, NULL, NULL, NULL};
    CertReport r;

    assert_int_equal(cert_verify(jws, strlen(jws), trust, T0 + 2 * DAY, &status, &r),
                     CK_ERR_REVOKED);
    assert_int_equal(calls, 1);
    assert_int_equal(r.steps[CERT_STEP_STATUS].outcome, CERT_STEP_FAILED);
    assert_string_equal(r.steps[CERT_STEP_STATUS].detail, "revoked: issued in error");
    free(jws);
}

static void
test_signing_refuses_incomplete_claims_and_wrong_keys(void **state)
{
    CertClaims *c = sample_claims();
    char *jws = NULL;

    assert_int_equal(cert_sign(c, authority, "KIOSK-1", NULL, "KIOSK-1-000042", &jws), CK_ERR_KEY);
    assert_int_equal(cert_sign(c, kiosk, "KIOSK-1", NULL, "KIOSK-9-000042", &jws), CK_ERR_USAGE);
    assert_non_null(strstr(ck_err_detail(), "does not belong to kiosk"));
    c->method = CERT_METHOD_PAPER;
    assert_int_equal(cert_sign(c, kiosk, "KIOSK-1", NULL, "KIOSK-1-000042", &jws), CK_ERR_USAGE);
    assert_non_null(strstr(ck_err_detail(), "recordedBy"));
    c->method = CERT_METHOD_KIOSK;
    strcpy(c->category, "tourist");
    assert_int_equal(cert_sign(c, kiosk, "KIOSK-1", NULL, "KIOSK-1-000042", &jws), CK_ERR_USAGE);
    assert_non_null(strstr(ck_err_detail(), "category"));
    strcpy(c->category, "civilian");
    strcpy(c->nation, "NO");
    assert_int_equal(cert_sign(c, kiosk, "KIOSK-1", NULL, "KIOSK-1-000042", &jws), CK_ERR_USAGE);
    assert_null(jws);
    cert_claims_free(c);
}

static void
test_overlong_field_is_refused(void **state)
{
    CertClaims *c = sample_claims();
    char big[300];

    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(CERT_SET(c, name, big), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "name"));
    cert_claims_free(c);
}

static void
test_valid_certificate_passes_every_step(void **state)
{
    char *jws = issue();
    CertReport r;

    assert_int_equal(verify_at(jws, T0 + 2 * DAY, &r), CK_OK);
    for (int i = 0; i < CERT_STEP_STATUS; i++)
        assert_int_equal(r.steps[i].outcome, CERT_STEP_PASSED);
    assert_int_equal(r.steps[CERT_STEP_STATUS].outcome, CERT_STEP_NOT_CHECKED);
    assert_string_equal(r.steps[CERT_STEP_STATUS].detail, "no status list given");
    assert_string_equal(r.serial, "KIOSK-1-000042");
    assert_string_equal(r.kiosk_id, "KIOSK-1");
    assert_string_equal(r.kid, kiosk_pub.kid);
    assert_int_equal(r.valid_until, T0 + 366 * DAY);
    free(jws);
}

/* The issuer-signed JWT of an SD-JWT (the part before the first '~'), decoded. */
static json_t *
issuer_payload(const char *sdjwt)
{
    Jws *parsed;
    json_t *p;

    assert_int_equal(jws_parse(sdjwt, strcspn(sdjwt, "~"), 0, &parsed), CK_OK);
    p = json_deep_copy(jws_payload(parsed));
    jws_free(parsed);
    return p;
}

static void
test_payload_follows_the_shared_format(void **state)
{
    char *jws = issue(), *kid, *clear;
    json_t *p = cert_payload_json(jws, strlen(jws)), *signed_part = issuer_payload(jws), *ev, *ack;
    Jws *parsed;

    assert_non_null(p);
    assert_string_equal(json_string_value(json_array_get(json_object_get(p, "@context"), 0)),
                        "https://www.w3.org/ns/credentials/v2");
    assert_string_equal(json_string_value(json_array_get(json_object_get(p, "@context"), 1)),
                        CERT_CONTEXT_URL);
    assert_string_equal(json_string_value(json_array_get(json_object_get(p, "type"), 1)),
                        "CthbCertificate");
    assert_string_equal(json_string_value(json_object_get(p, "id")),
                        "urn:certkiosk:KIOSK-1-000042");
    assert_string_equal(json_string_value(json_object_get(p, "issuer")),
                        "urn:certkiosk:kiosk:KIOSK-1");
    assert_string_equal(json_string_value(json_object_get(p, "validFrom")), "2026-01-02T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(p, "credentialSubject"), "serviceRecord"),
                            "serviceNumber")),
                        "12345678");
    /* Processed: no digests left. */
    assert_null(json_object_get(p, "_sd"));
    assert_null(json_object_get(p, "_sd_alg"));
    ev = json_object_get(p, "evidence");
    assert_int_equal(json_array_size(ev), 3); /* acknowledgement, quiz, training; decoys gone */
    for (size_t i = 0; i < json_array_size(ev); i++)
        assert_non_null(json_string_value(json_object_get(json_array_get(ev, i), "type")));
    ack = json_array_get(ev, 0);
    assert_string_equal(json_string_value(json_object_get(ack, "type")),
                        "CodeOfConductAcknowledgement");
    assert_int_equal(json_integer_value(json_object_get(ack, "logIndex")), 42);
    assert_string_equal(json_string_value(json_array_get(json_object_get(ack, "clauses"), 1)),
                        "urn:certkiosk:bundle:no.forsvaret.cthb#c1");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(ack, "bundles"), 0), "id")),
                        "urn:certkiosk:bundle:no.forsvaret.cthb");
    /* The issuer-signed JWT: checkpoint claims in clear, the rest as digests. */
    assert_string_equal(json_string_value(json_object_get(signed_part, "_sd_alg")), "sha-256");
    assert_int_equal(json_array_size(json_object_get(signed_part, "_sd")), 1);
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(signed_part, "credentialSubject"), "_sd")),
        1);
    assert_null(json_object_get(signed_part, "evidence"));
    clear = json_dumps(signed_part, JSON_COMPACT);
    assert_non_null(strstr(clear, "Kari Nordmann"));
    assert_null(strstr(clear, "12345678"));
    assert_null(strstr(clear, "Captain"));
    assert_null(strstr(clear, "Resolute"));
    assert_null(strstr(clear, "CTHB e-learning"));
    free(clear);
    assert_int_equal(jws_parse(jws, strcspn(jws, "~"), 0, &parsed), CK_OK);
    assert_string_equal(jws_typ(parsed), "vc+sd-jwt");
    assert_true(asprintf(&kid, "urn:certkiosk:kiosk:KIOSK-1#%s", kiosk_pub.kid) > 0);
    assert_string_equal(jws_kid(parsed), kid);
    free(kid);
    jws_free(parsed);
    json_decref(signed_part);
    json_decref(p);
    free(jws);
}

static void
test_salts_are_128_bits_and_unique(void **state)
{
    char *a = issue(), *b = issue();
    SdJwt *sa, *sb;

    assert_int_equal(sdjwt_parse(a, strlen(a), &sa), CK_OK);
    assert_int_equal(sdjwt_parse(b, strlen(b), &sb), CK_OK);
    assert_true(sdjwt_count(sa) >= 6);
    for (size_t i = 0; i < sdjwt_count(sa); i++) {
        const SdJwtDisclosure *d = sdjwt_disclosure(sa, i);
        unsigned char *bin;
        size_t len;
        json_t *arr;
        assert_int_equal(codec_b64url_decode(d->text, d->text_len, &bin, &len), CK_OK);
        arr = json_loadb((const char *)bin, len, 0, NULL);
        assert_non_null(arr);
        assert_int_equal(strlen(json_string_value(json_array_get(arr, 0))), 22); /* 16 bytes */
        /* The same claims signed twice share no disclosure. */
        for (size_t k = 0; k < sdjwt_count(sb); k++)
            assert_true(sdjwt_disclosure(sb, k)->text_len != d->text_len ||
                        memcmp(sdjwt_disclosure(sb, k)->text, d->text, d->text_len) != 0);
        json_decref(arr);
        free(bin);
    }
    sdjwt_free(sa);
    sdjwt_free(sb);
    free(a);
    free(b);
}

/* The digests under serviceRecord, from its disclosure. */
static size_t
service_digests(const char *cert)
{
    SdJwt *sd;
    size_t n = 0;

    assert_int_equal(sdjwt_parse(cert, strlen(cert), &sd), CK_OK);
    for (size_t i = 0; i < sdjwt_count(sd); i++) {
        const SdJwtDisclosure *d = sdjwt_disclosure(sd, i);
        if (d->name != NULL && strcmp(d->name, "serviceRecord") == 0) {
            unsigned char *bin;
            size_t len;
            assert_int_equal(codec_b64url_decode(d->text, d->text_len, &bin, &len), CK_OK);
            json_t *arr = json_loadb((const char *)bin, len, 0, NULL);
            n = json_array_size(json_object_get(json_array_get(arr, 2), "_sd"));
            json_decref(arr);
            free(bin);
        }
    }
    sdjwt_free(sd);
    return n;
}

static void
test_decoys_hide_whether_rank_and_unit_exist(void **state)
{
    CertClaims *bare = sample_claims();
    char *full = issue(), *lean;

    bare->rank[0] = bare->unit[0] = bare->operation[0] = '\0';
    lean = issue_as(kiosk, "KIOSK-1", bare);
    /* serviceNumber alone is still padded to four or more digests. */
    assert_true(service_digests(lean) >= 4);
    assert_true(service_digests(full) >= 4);
    /* The issuer-signed JWTs have the same number of digests either way. */
    json_t *a = issuer_payload(full), *b = issuer_payload(lean);
    assert_int_equal(json_array_size(json_object_get(json_object_get(a, "credentialSubject"), "_sd")),
                     json_array_size(json_object_get(json_object_get(b, "credentialSubject"), "_sd")));
    json_decref(a);
    json_decref(b);
    cert_claims_free(bare);
    free(full);
    free(lean);
}

static void
test_presentation_withholds_and_verifies(void **state)
{
    char *full = issue(), *qr = NULL, *with_rank = NULL;
    CertReport r;
    CertClaims *c;

    assert_int_equal(cert_present(full, strlen(full), 0, &qr), CK_OK);
    /* The QR form: the issuer-signed JWT and nothing else. */
    assert_int_equal(strlen(qr), strcspn(full, "~") + 1);
    assert_int_equal(strncmp(qr, full, strlen(qr)), 0);
    assert_int_equal(verify_at(qr, T0 + 2 * DAY, &r), CK_OK);
    assert_int_equal(r.form, CERT_FORM_PRESENTATION);
    assert_int_equal(r.disclosed, 0);
    assert_non_null(strstr(r.steps[CERT_STEP_FORMAT].detail, "presentation"));
    assert_int_equal(cert_decode(qr, strlen(qr), &c), CK_OK);
    assert_string_equal(c->name, "Kari Nordmann");
    assert_string_equal(c->service_number, "");
    assert_int_equal(c->method, 0);
    cert_claims_free(c);
    /* A bundle may let the QR show the rank: then only the rank. */
    assert_int_equal(cert_present(full, strlen(full), CERT_CLAIM_RANK, &with_rank), CK_OK);
    assert_int_equal(cert_decode(with_rank, strlen(with_rank), &c), CK_OK);
    assert_int_equal(c->disclosed, CERT_CLAIM_RANK);
    assert_string_equal(c->rank, "Captain");
    assert_string_equal(c->service_number, "");
    cert_claims_free(c);
    /* The full certificate says so; a presentation cannot be presented again. */
    assert_int_equal(verify_at(full, T0 + 2 * DAY, &r), CK_OK);
    assert_int_equal(r.form, CERT_FORM_FULL);
    assert_int_equal(r.disclosed, CERT_CLAIM_ALL_ & ~CERT_CLAIM_UNIT);
    free(qr);
    assert_int_equal(cert_present(with_rank, strlen(with_rank), 0, &qr), CK_ERR_FORMAT);
    free(with_rank);
    free(full);
}

/* A disclosure [salt, name, value] as base64url. */
static char *
disclosure(const char *json)
{
    return codec_b64url_encode((const unsigned char *)json, strlen(json));
}

static void
test_forged_or_altered_disclosures_are_refused(void **state)
{
    char *full = issue(), *qr = NULL, *forged, *d;
    const char *first = strchr(full, '~') + 1;
    size_t jws_len = strcspn(full, "~"), d1 = strcspn(first, "~");
    CertReport r;

    assert_int_equal(cert_present(full, strlen(full), 0, &qr), CK_OK);
    /* A disclosure the issuer never made: its digest is nowhere. */
    d = disclosure("[\"c2FsdHNhbHRzYWx0c2FsdA\",\"rank\",\"General\"]");
    assert_true(asprintf(&forged, "%s%s~", qr, d) > 0);
    assert_int_equal(verify_at(forged, T0 + 2 * DAY, &r), CK_ERR_FORMAT);
    assert_non_null(strstr(r.steps[CERT_STEP_FORMAT].detail, "not referenced"));
    free(forged);
    free(d);
    /* One character of a real disclosure changed. */
    forged = strdup(full);
    forged[jws_len + 1 + d1 / 2] = forged[jws_len + 1 + d1 / 2] == 'A' ? 'B' : 'A';
    assert_int_equal(verify_at(forged, T0 + 2 * DAY, &r), CK_ERR_FORMAT);
    free(forged);
    /* The same disclosure twice. */
    assert_true(asprintf(&forged, "%s%.*s~", full, (int)d1, first) > 0);
    assert_int_equal(verify_at(forged, T0 + 2 * DAY, &r), CK_ERR_FORMAT);
    assert_non_null(strstr(r.steps[CERT_STEP_FORMAT].detail, "twice"));
    free(forged);
    /* A Key Binding JWT (or anything after the last '~') is not accepted. */
    assert_true(asprintf(&forged, "%sa.b.c", qr) > 0);
    assert_int_equal(verify_at(forged, T0 + 2 * DAY, &r), CK_ERR_FORMAT);
    assert_non_null(strstr(r.steps[CERT_STEP_FORMAT].detail, "Key Binding"));
    free(forged);
    /* "~~" and a plain JWS labelled vc+sd-jwt. */
    assert_true(asprintf(&forged, "%s~", qr) > 0);
    assert_int_equal(verify_at(forged, T0 + 2 * DAY, &r), CK_ERR_FORMAT);
    free(forged);
    forged = strndup(full, jws_len);
    assert_int_equal(verify_at(forged, T0 + 2 * DAY, &r), CK_ERR_FORMAT);
    assert_non_null(strstr(r.steps[CERT_STEP_FORMAT].detail, "'~'"));
    free(forged);
    free(qr);
    free(full);
}

/* Decodes payload (JSON text) signed by the kiosk as a certificate of type typ; returns the
 * message it is refused with (a new string), or NULL when it decodes. */
static char *
decode_refusal(const char *typ, const char *payload)
{
    json_t *p = json_loads(payload, 0, NULL);
    char *jws = NULL, *text = NULL, *kid = NULL, *msg = NULL;
    CertClaims *c = NULL;
    bool v2 = strcmp(typ, "vc+sd-jwt") == 0;

    assert_non_null(p);
    assert_true(asprintf(&kid, "%s%s", v2 ? "urn:certkiosk:kiosk:KIOSK-1#" : "", kiosk_pub.kid) >
                0);
    assert_int_equal(jws_sign_json(kiosk, typ, kid, p, &jws), CK_OK);
    assert_true(asprintf(&text, "%s%s", jws, v2 ? "~" : "") > 0);
    if (cert_decode(text, strlen(text), &c) != CK_OK)
        msg = strdup(ck_err_detail());
    cert_claims_free(c);
    free(text);
    free(kid);
    free(jws);
    json_decref(p);
    return msg;
}

static void
assert_refused_with(const char *typ, const char *payload, const char *message)
{
    char *msg = decode_refusal(typ, payload);

    assert_non_null(msg);
    if (strstr(msg, message) == NULL)
        fail_msg("refused with \"%s\", not \"%s\"", msg, message);
    free(msg);
}

#define V1_HEAD                                                                                    \
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"                                    \
    "\"type\":[\"VerifiableCredential\",\"CthbCertificate\"],"                                     \
    "\"id\":\"urn:certkiosk:KIOSK-1-000042\",\"issuer\":{\"id\":\"urn:certkiosk:kiosk:KIOSK-1\"}," \
    "\"validFrom\":\"2026-01-02T00:00:00Z\",\"validUntil\":\"2027-01-02T00:00:00Z\","              \
    "\"credentialSubject\":{\"name\":\"Kari\",\"nation\":\"NOR\",\"serviceNumber\":\"1\","         \
    "\"category\":\"military\"},"
#define V2_HEAD                                                                                    \
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\",\"https://w3id.org/certkiosk/v1\"],"  \
    "\"type\":[\"VerifiableCredential\",\"CthbCertificate\"],"                                     \
    "\"id\":\"urn:certkiosk:KIOSK-1-000042\",\"issuer\":\"urn:certkiosk:kiosk:KIOSK-1\","          \
    "\"validFrom\":\"2026-01-02T00:00:00Z\",\"validUntil\":\"2027-01-02T00:00:00Z\","              \
    "\"credentialStatus\":{\"type\":\"CertkioskRevocationList\"},"                                 \
    "\"credentialSubject\":{\"name\":\"Kari\",\"nation\":\"NOR\",\"category\":\"military\"},"
#define V2_ACK                                                                                     \
    "{\"type\":\"CodeOfConductAcknowledgement\",\"method\":\"kiosk\",\"bundles\":[],"              \
    "\"texts\":[],\"clauses\":[],\"logIndex\":42}"

static void
test_malformed_evidence_is_refused_naming_the_field(void **state)
{
    /* Format 1: the quiz, the arrays and the method, each named with its JSON path. */
    assert_refused_with("vc+jwt", V1_HEAD "\"evidence\":{\"logIndex\":1}}",
                        "evidence.method is missing");
    assert_refused_with("vc+jwt",
                        V1_HEAD "\"evidence\":{\"method\":\"kiosk\",\"quiz\":{\"score\":1,\"of\":1,"
                                "\"passMark\":101,\"attempts\":1},\"logIndex\":1}}",
                        "evidence.quiz.passMark is out of range");
    assert_refused_with("vc+jwt",
                        V1_HEAD "\"evidence\":{\"method\":\"kiosk\",\"training\":[{},{},{},{},{}],"
                                "\"logIndex\":1}}",
                        "evidence.training is not an array of at most 4");
    assert_refused_with("vc+jwt", V1_HEAD "\"evidence\":{\"method\":\"kiosk\",\"clauses\":{}}}",
                        "evidence.clauses is not an array of at most 32");
    /* Format 2: the same checks, named as its evidence items are. */
    assert_refused_with("vc+sd-jwt",
                        V2_HEAD "\"evidence\":[{\"type\":\"CodeOfConductAcknowledgement\"}]}",
                        "evidence acknowledgement.method is missing");
    assert_refused_with("vc+sd-jwt",
                        V2_HEAD "\"evidence\":[{\"type\":\"CodeOfConductAcknowledgement\","
                                "\"method\":\"kiosk\",\"bundles\":[]}]}",
                        "evidence texts is not an array of at most 16");
    assert_refused_with("vc+sd-jwt",
                        V2_HEAD "\"evidence\":[" V2_ACK ",{\"type\":\"QuizResult\",\"score\":1,"
                                "\"of\":1,\"passMark\":80}]}",
                        "evidence quiz attempts is missing or not an integer");
    assert_refused_with("vc+sd-jwt",
                        V2_HEAD "\"evidence\":[" V2_ACK ",{\"type\":\"QuizResult\",\"score\":1,"
                                "\"of\":1,\"passMark\":80,\"attempts\":1,\"choiceOrder\":{}}]}",
                        "evidence quiz choiceOrder is not an array of at most 64");
    /* Both formats: the subject's name, and a well-formed certificate decodes. */
    assert_refused_with(
        "vc+sd-jwt",
        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\","
        "\"https://w3id.org/certkiosk/v1\"],\"type\":[\"VerifiableCredential\","
        "\"CthbCertificate\"],\"id\":\"urn:certkiosk:KIOSK-1-000042\","
        "\"issuer\":\"urn:certkiosk:kiosk:KIOSK-1\",\"validFrom\":\"2026-01-02T00:00:00Z\","
        "\"validUntil\":\"2027-01-02T00:00:00Z\",\"credentialStatus\":{\"type\":"
        "\"CertkioskRevocationList\"},\"credentialSubject\":{\"nation\":\"NOR\"}}",
        "credentialSubject.name is missing");
    assert_null(decode_refusal("vc+sd-jwt", V2_HEAD "\"evidence\":[" V2_ACK "]}"));
}

static void
test_format_1_certificates_still_verify(void **state)
{
    /* A certificate as the first release signed it: vc+jwt, bare kid, every claim in clear. */
    json_t *p = json_loads(
        "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
        "\"type\":[\"VerifiableCredential\",\"CthbCertificate\"],\"id\":\"urn:certkiosk:KIOSK-1-000042\","
        "\"issuer\":{\"id\":\"urn:certkiosk:kiosk:KIOSK-1\",\"name\":\"Test operator\"},"
        "\"validFrom\":\"2026-01-02T00:00:00Z\",\"validUntil\":\"2027-01-02T00:00:00Z\","
        "\"credentialSubject\":{\"name\":\"Kari Nordmann\",\"nation\":\"NOR\",\"serviceNumber\":\"12345678\","
        "\"category\":\"military\"},\"evidence\":{\"method\":\"kiosk\",\"bundles\":[],\"textSha256\":{},"
        "\"clauses\":[\"c1\",\"c1\"],\"training\":[],\"logIndex\":42}}",
        0, NULL);
    char *jws = NULL, *qr = NULL;
    CertReport r;

    assert_non_null(p);
    assert_int_equal(jws_sign_json(kiosk, "vc+jwt", kiosk_pub.kid, p, &jws), CK_OK);
    assert_int_equal(verify_at(jws, T0 + 2 * DAY, &r), CK_OK);
    assert_int_equal(r.form, CERT_FORM_V1);
    assert_non_null(strstr(r.steps[CERT_STEP_FORMAT].detail, "format 1"));
    /* It has no disclosures to cut: it is shown whole, never presented. */
    assert_int_equal(cert_present(jws, strlen(jws), 0, &qr), CK_ERR_FORMAT);
    free(jws);
    json_decref(p);
}

static void
test_decode_returns_every_claim(void **state)
{
    CertClaims *in = sample_claims(), *out;
    char *jws;

    in->method = CERT_METHOD_PAPER;
    strcpy(in->recorded_by, "Maj. Admin");
    strcpy(in->supersedes, "KIOSK-1-000007");
    jws = issue_as(kiosk, "KIOSK-1", in);
    assert_int_equal(cert_decode(jws, strlen(jws), &out), CK_OK);
    assert_string_equal(out->name, in->name);
    assert_string_equal(out->service_number, in->service_number);
    assert_string_equal(out->rank, "Captain");
    assert_string_equal(out->unit, "");
    assert_int_equal(out->method, CERT_METHOD_PAPER);
    assert_string_equal(out->recorded_by, "Maj. Admin");
    assert_string_equal(out->supersedes, "KIOSK-1-000007");
    assert_string_equal(out->serial, "KIOSK-1-000042");
    assert_string_equal(out->operator_name, "Test operator");
    assert_int_equal(out->n_text_hashes, 2);
    assert_int_equal(out->n_clauses, 2);
    assert_string_equal(out->clauses[1], "no.forsvaret.cthb#c1");
    assert_int_equal(out->quiz_score, 9);
    assert_string_equal(out->training[0].date, "2025-12-01");
    assert_int_equal(out->valid_from, in->valid_from);
    cert_claims_free(out);
    cert_claims_free(in);
    free(jws);
}

static int
setup(void **state)
{
    char *jws;

    if (sodium_init() < 0)
        return -1;
    if (key_generate(KEY_KIND_AUTHORITY, &authority) != CK_OK ||
        key_generate(KEY_KIND_AUTHORITY, &rogue) != CK_OK ||
        key_generate(KEY_KIND_KIOSK, &kiosk) != CK_OK ||
        key_generate(KEY_KIND_KIOSK, &stranger) != CK_OK)
        return -1;
    key_public(authority, &authority_pub);
    key_public(kiosk, &kiosk_pub);
    if (trust_new(&trust) != CK_OK || trust_add_authority(trust, &authority_pub, "HQ") != CK_OK ||
        trust_endorse(authority, &kiosk_pub, KEY_KIND_KIOSK, "KIOSK-1", T0, T0 + 90 * DAY, T0,
                      &jws) != CK_OK ||
        trust_add_endorsed(trust, jws) != CK_OK)
        return -1;
    free(jws);
    return 0;
}

static int
teardown(void **state)
{
    trust_free(trust);
    key_destroy(authority);
    key_destroy(rogue);
    key_destroy(kiosk);
    key_destroy(stranger);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_garbage_and_truncated_certificates_fail_the_format_step),
        cmocka_unit_test(test_alg_none_certificate_fails_the_format_step),
        cmocka_unit_test(test_altered_name_fails_the_signature_step),
        cmocka_unit_test(test_unlisted_kiosk_key_fails_the_signature_step),
        cmocka_unit_test(test_kiosk_endorsed_by_unknown_authority_fails_the_endorsement_step),
        cmocka_unit_test(test_certificate_issued_after_the_endorsement_ended_is_refused),
        cmocka_unit_test(test_kiosk_key_claiming_another_kiosk_is_refused),
        cmocka_unit_test(test_expired_and_not_yet_valid_certificates_are_refused),
        cmocka_unit_test(test_status_hook_can_revoke),
        cmocka_unit_test(test_signing_refuses_incomplete_claims_and_wrong_keys),
        cmocka_unit_test(test_overlong_field_is_refused),
        cmocka_unit_test(test_valid_certificate_passes_every_step),
        cmocka_unit_test(test_payload_follows_the_shared_format),
        cmocka_unit_test(test_salts_are_128_bits_and_unique),
        cmocka_unit_test(test_decoys_hide_whether_rank_and_unit_exist),
        cmocka_unit_test(test_presentation_withholds_and_verifies),
        cmocka_unit_test(test_forged_or_altered_disclosures_are_refused),
        cmocka_unit_test(test_malformed_evidence_is_refused_naming_the_field),
        cmocka_unit_test(test_format_1_certificates_still_verify),
        cmocka_unit_test(test_decode_returns_every_claim),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
