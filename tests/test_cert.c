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
    strcpy(c->clauses[0], "c1");
    strcpy(c->clauses[1], "c2");
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
    CertStatusCheck status = {revoke_42, &calls};
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

static void
test_payload_follows_the_shared_format(void **state)
{
    char *jws = issue();
    json_t *p = cert_payload_json(jws, strlen(jws));
    Jws *parsed;

    assert_non_null(p);
    assert_string_equal(json_string_value(json_array_get(json_object_get(p, "@context"), 0)),
                        "https://www.w3.org/ns/credentials/v2");
    assert_string_equal(json_string_value(json_array_get(json_object_get(p, "type"), 1)),
                        "CthbCertificate");
    assert_string_equal(json_string_value(json_object_get(p, "id")),
                        "urn:certkiosk:KIOSK-1-000042");
    assert_string_equal(json_string_value(json_object_get(json_object_get(p, "issuer"), "id")),
                        "urn:certkiosk:kiosk:KIOSK-1");
    assert_string_equal(json_string_value(json_object_get(p, "validFrom")), "2026-01-02T00:00:00Z");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(p, "evidence"), "logIndex")), 42);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(p, "evidence"), "quiz"), "passMark")),
                     80);
    assert_null(json_object_get(json_object_get(p, "credentialSubject"), "unit"));
    assert_int_equal(jws_parse(jws, strlen(jws), 0, &parsed), CK_OK);
    assert_string_equal(jws_typ(parsed), "vc+jwt");
    assert_string_equal(jws_kid(parsed), kiosk_pub.kid);
    jws_free(parsed);
    json_decref(p);
    free(jws);
}

static void
test_decode_returns_every_claim(void **state)
{
    CertClaims *in = sample_claims(), *out;
    char *jws;

    in->method = CERT_METHOD_PAPER;
    strcpy(in->quiz_order, "2013.120.3012");
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
    assert_string_equal(out->clauses[1], "c2");
    assert_int_equal(out->quiz_score, 9);
    assert_string_equal(out->quiz_order, "2013.120.3012");
    assert_string_equal(out->training[0].date, "2025-12-01");
    assert_int_equal(out->valid_from, in->valid_from);
    cert_claims_free(out);
    cert_claims_free(in);
    free(jws);
}

/* The order the quiz was shown in is evidence: digits and dots only. */
static void
test_quiz_order_with_other_characters_fails_the_format_step(void **state)
{
    CertClaims *in = sample_claims(), *out = NULL;
    char *jws;

    strcpy(in->quiz_order, "2013.12<script>");
    jws = issue_as(kiosk, "KIOSK-1", in);
    assert_int_equal(cert_decode(jws, strlen(jws), &out), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "evidence.quiz.order"));
    assert_null(out);
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
        cmocka_unit_test(test_decode_returns_every_claim),
        cmocka_unit_test(test_quiz_order_with_other_characters_fails_the_format_step),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
