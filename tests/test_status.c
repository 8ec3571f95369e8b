/* Tests of status: revocation lists — forged, unknown, tampered and older lists first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "codec.h"
#include "fileio.h"
#include "jws.h"
#include "status.h"
#include "trust.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */

typedef struct Fixture {
    SecretKey *authority;
    PublicKey pub;
    Trust *trust; /* pins authority */
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);

    if (f == NULL || key_generate(KEY_KIND_AUTHORITY, &f->authority) != CK_OK)
        return -1;
    key_public(f->authority, &f->pub);
    if (trust_new(&f->trust) != CK_OK || trust_add_authority(f->trust, &f->pub, "HQ") != CK_OK)
        return -1;
    clock_set(T0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    key_destroy(f->authority);
    trust_free(f->trust);
    free(f);
    clock_set(0);
    return 0;
}

/* Signs a list with the given revocations (serial, reason pairs) as version n. */
static char *
signed_list(const Fixture *f, uint64_t version, const char *serial, const char *reason)
{
    StatusList *l;
    char *out;

    assert_int_equal(status_new(f->pub.kid, &l), CK_OK);
    for (uint64_t v = 1; v < version; v++)
        assert_int_equal(status_sign(l, f->authority, T0), CK_OK);
    if (serial != NULL)
        assert_int_equal(status_add(l, serial, reason, NULL, T0), CK_OK);
    assert_int_equal(status_sign(l, f->authority, T0 + 3600), CK_OK);
    assert_int_equal(status_version(l), version);
    out = strdup(status_jws(l));
    status_free(l);
    return out;
}

/* Signs an arbitrary payload as a status list. */
static char *
sign_payload(const Fixture *f, const char *typ, const char *payload_json)
{
    json_t *p = json_loads(payload_json, 0, NULL);
    char *jws;

    assert_non_null(p);
    assert_int_equal(jws_sign_json(f->authority, typ, f->pub.kid, p, &jws), CK_OK);
    json_decref(p);
    return jws;
}

static void
test_list_of_an_unknown_authority_is_refused(void **state)
{
    Fixture *f = *state;
    SecretKey *other;
    PublicKey other_pub;
    StatusList *l, *out = NULL;
    char *jws;

    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &other), CK_OK);
    key_public(other, &other_pub);
    assert_int_equal(status_new(other_pub.kid, &l), CK_OK);
    assert_int_equal(status_add(l, "DEMO-KIOSK-01-000001", "misconduct", NULL, T0), CK_OK);
    assert_int_equal(status_sign(l, other, T0), CK_OK);
    jws = strdup(status_jws(l));

    assert_int_equal(status_verify(jws, strlen(jws), f->trust, &out), CK_ERR_UNTRUSTED);
    assert_null(out);
    assert_non_null(strstr(ck_err_detail(), other_pub.kid));
    assert_non_null(strstr(ck_err_detail(), "not a pinned authority"));
    assert_int_equal(status_verify_with(jws, strlen(jws), &f->pub, &out), CK_ERR_UNTRUSTED);
    free(jws);
    status_free(l);
    key_destroy(other);
}

static void
test_tampered_list_is_refused(void **state)
{
    Fixture *f = *state;
    char *jws = signed_list(f, 3, "DEMO-KIOSK-01-000007", "misconduct");
    char *dot1 = strchr(jws, '.'), *dot2 = strchr(dot1 + 1, '.');
    StatusList *out = NULL;
    unsigned char *payload;
    size_t plen;
    char *forged_payload, *forged, *p;

    /* Someone drops the revocation from the payload and keeps the signature. */
    assert_int_equal(codec_b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &payload, &plen),
                     CK_OK);
    p = strstr((char *)payload, "DEMO-KIOSK-01-000007");
    assert_non_null(p);
    p[strlen("DEMO-KIOSK-01-00000")] = '8';
    forged_payload = codec_b64url_encode(payload, plen);
    assert_true(asprintf(&forged, "%.*s.%s%s", (int)(dot1 - jws), jws, forged_payload, dot2) > 0);
    assert_int_equal(status_verify(forged, strlen(forged), f->trust, &out), CK_ERR_SIGNATURE);
    assert_null(out);

    /* A flipped signature byte. */
    jws[strlen(jws) - 3] = jws[strlen(jws) - 3] == 'A' ? 'B' : 'A';
    assert_int_equal(status_verify(jws, strlen(jws), f->trust, &out), CK_ERR_SIGNATURE);

    /* Truncated. */
    assert_int_equal(status_verify(jws, (size_t)(dot2 - jws), f->trust, &out), CK_ERR_FORMAT);
    free(payload);
    free(forged_payload);
    free(forged);
    free(jws);
}

static void
test_another_signed_object_is_not_taken_for_a_list(void **state)
{
    Fixture *f = *state;
    char *jws = sign_payload(f, "certkiosk-endorsement+jwt", "{\"issuer\":\"x\"}");
    StatusList *out = NULL;

    assert_int_equal(status_verify(jws, strlen(jws), f->trust, &out), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "not a status list"));
    free(jws);
}

static void
test_malformed_payloads_are_refused_naming_the_member(void **state)
{
    Fixture *f = *state;
    char buf[1024];
    StatusList *out = NULL;
    static const struct {
        const char *payload; /* %s is the issuer kid */
        const char *expect;
    } cases[] = {
        {"{\"issuer\":\"%s\",\"version\":0,\"issued\":\"2026-01-01T00:00:00Z\",\"revoked\":[]}",
         "version"},
        {"{\"issuer\":\"%s\",\"version\":1,\"issued\":\"yesterday\",\"revoked\":[]}", "issued"},
        {"{\"issuer\":\"0000000000000000\",\"version\":1,\"issued\":\"2026-01-01T00:00:00Z\","
         "\"revoked\":[]}%s",
         "issuer"},
        {"{\"issuer\":\"%s\",\"version\":1,\"issued\":\"2026-01-01T00:00:00Z\",\"revoked\":["
         "{\"serial\":\"K-000001\",\"reason\":\"misconduct\",\"time\":\"2026-01-01T00:00:00Z\"},"
         "{\"serial\":\"K-000001\",\"reason\":\"withdrawn\",\"time\":\"2026-01-01T00:00:00Z\"}]}",
         "twice"},
        {"{\"issuer\":\"%s\",\"version\":1,\"issued\":\"2026-01-01T00:00:00Z\",\"revoked\":["
         "{\"serial\":\"K 1\",\"reason\":\"misconduct\",\"time\":\"2026-01-01T00:00:00Z\"}]}",
         "serial"},
        {"{\"issuer\":\"%s\",\"version\":1,\"issued\":\"2026-01-01T00:00:00Z\",\"revoked\":["
         "{\"serial\":\"K-1\",\"time\":\"2026-01-01T00:00:00Z\"}]}",
         "reason"},
        {"{\"issuer\":\"%s\",\"version\":1,\"issued\":\"2026-01-01T00:00:00Z\",\"revoked\":{}}",
         "revoked"},
        {"{\"issuer\":\"%s\",\"version\":1,\"issued\":\"2026-01-01T00:00:00Z\",\"revoked\":[],"
         "\"extra\":1}",
         "extra"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *jws;
        /* Put the issuer kid where the case has "%s". */
        const char *at = strstr(cases[i].payload, "%s");
        assert_non_null(at);
        snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - cases[i].payload), cases[i].payload,
                 i == 2 ? "" : f->pub.kid, at + 2);
        jws = sign_payload(f, STATUS_TYP, buf);
        assert_int_equal(status_verify(jws, strlen(jws), f->trust, &out), CK_ERR_FORMAT);
        assert_null(out);
        if (strstr(ck_err_detail(), cases[i].expect) == NULL)
            fail_msg("case %zu: \"%s\" does not name %s", i, ck_err_detail(), cases[i].expect);
        free(jws);
    }
}

static void
test_older_version_is_refused_by_a_holder(void **state)
{
    Fixture *f = *state;
    char *v1 = signed_list(f, 1, NULL, NULL);
    char *v2 = signed_list(f, 2, "DEMO-KIOSK-01-000003", "misconduct");
    StatusList *l1, *l2;
    char dir[] = "/tmp/ck-status-XXXXXX";
    char *path;

    assert_int_equal(status_verify(v1, strlen(v1), f->trust, &l1), CK_OK);
    assert_int_equal(status_verify(v2, strlen(v2), f->trust, &l2), CK_OK);
    assert_int_equal(status_check_newer(l2, l1), CK_ERR_ROLLBACK);
    assert_non_null(strstr(ck_err_detail(), "older than version 2"));
    assert_int_equal(status_check_newer(l1, l2), CK_OK);
    assert_int_equal(status_check_newer(l2, l2), CK_OK);
    assert_int_equal(status_check_newer(NULL, l1), CK_OK);

    /* A verifier's memory across runs. */
    assert_non_null(mkdtemp(dir));
    assert_int_equal(status_remember(dir, l2, f->trust), CK_OK);
    assert_int_equal(status_remember(dir, l1, f->trust), CK_ERR_ROLLBACK);
    assert_int_equal(status_remember(dir, l2, f->trust), CK_OK);
    path = fileio_join(dir, "status-");
    {
        char *full;
        assert_true(asprintf(&full, "%s%s.jws", path, f->pub.kid) > 0);
        assert_true(fileio_exists(full));
        unlink(full);
        free(full);
    }
    rmdir(dir);
    free(path);
    status_free(l1);
    status_free(l2);
    free(v1);
    free(v2);
}

static void
test_two_lists_with_one_version_are_equivocation(void **state)
{
    Fixture *f = *state;
    char *a = signed_list(f, 2, "DEMO-KIOSK-01-000003", "misconduct");
    char *b = signed_list(f, 2, "DEMO-KIOSK-01-000004", "misconduct");
    StatusList *la, *lb;

    assert_int_equal(status_verify(a, strlen(a), f->trust, &la), CK_OK);
    assert_int_equal(status_verify(b, strlen(b), f->trust, &lb), CK_OK);
    assert_int_equal(status_check_newer(la, lb), CK_ERR_TAMPERED);
    status_free(la);
    status_free(lb);
    free(a);
    free(b);
}

static void
test_revoking_needs_a_known_reason_and_a_new_serial(void **state)
{
    Fixture *f = *state;
    StatusList *l;

    assert_int_equal(status_new(f->pub.kid, &l), CK_OK);
    assert_int_equal(status_add(l, "K-000001", "bored", NULL, T0), CK_ERR_USAGE);
    assert_non_null(strstr(ck_err_detail(), "misconduct"));
    assert_int_equal(status_add(l, "K 000001", "misconduct", NULL, T0), CK_ERR_USAGE);
    assert_int_equal(status_add(l, "K-000001", "misconduct", "a\xff", T0), CK_ERR_USAGE);
    assert_int_equal(status_add(l, "K-000001", "misconduct", NULL, T0), CK_OK);
    assert_int_equal(status_add(l, "K-000001", "withdrawn", NULL, T0), CK_ERR_EXISTS);
    assert_null(status_jws(l));
    status_free(l);
}

static void
test_only_the_issuing_authority_may_sign(void **state)
{
    Fixture *f = *state;
    SecretKey *kiosk, *other;
    StatusList *l;

    assert_int_equal(key_generate(KEY_KIND_KIOSK, &kiosk), CK_OK);
    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &other), CK_OK);
    assert_int_equal(status_new(f->pub.kid, &l), CK_OK);
    assert_int_equal(status_sign(l, kiosk, T0), CK_ERR_KEY);
    assert_int_equal(status_sign(l, other, T0), CK_ERR_KEY);
    assert_int_equal(status_version(l), 0);
    status_free(l);
    key_destroy(kiosk);
    key_destroy(other);
}

static void
test_versions_grow_and_keep_every_revocation(void **state)
{
    Fixture *f = *state;
    StatusList *l, *back;
    const StatusEntry *e;

    assert_int_equal(status_new(f->pub.kid, &l), CK_OK);
    assert_int_equal(status_add(l, "B-000002", "misconduct", "board of inquiry 12/2026", T0),
                     CK_OK);
    assert_int_equal(status_sign(l, f->authority, T0 + 10), CK_OK);
    assert_int_equal(status_add(l, "A-000001", "data_error", NULL, T0 + 20), CK_OK);
    assert_int_equal(status_sign(l, f->authority, T0 + 30), CK_OK);
    assert_int_equal(status_version(l), 2);

    assert_int_equal(status_verify(status_jws(l), strlen(status_jws(l)), f->trust, &back), CK_OK);
    assert_int_equal(status_version(back), 2);
    assert_int_equal(status_issued(back), T0 + 30);
    assert_string_equal(status_issuer(back), f->pub.kid);
    assert_int_equal(status_count(back), 2);
    assert_string_equal(status_entry(back, 0)->serial, "A-000001");
    assert_null(status_entry(back, 0)->note);
    e = status_lookup(back, "B-000002");
    assert_non_null(e);
    assert_string_equal(e->reason, "misconduct");
    assert_string_equal(e->note, "board of inquiry 12/2026");
    assert_int_equal(e->time, T0);
    assert_null(status_lookup(back, "C-000003"));
    assert_int_equal(status_check_newer(back, l), CK_OK);
    status_free(back);
    status_free(l);
}

static void
test_unknown_reason_in_a_signed_list_still_revokes(void **state)
{
    Fixture *f = *state;
    char buf[512];
    char *jws;
    StatusList *l;

    snprintf(buf, sizeof buf,
             "{\"issuer\":\"%s\",\"version\":4,\"issued\":\"2026-01-01T00:00:00Z\",\"revoked\":["
             "{\"serial\":\"K-000009\",\"reason\":\"future_reason\","
             "\"time\":\"2026-01-01T00:00:00Z\"}]}",
             f->pub.kid);
    jws = sign_payload(f, STATUS_TYP, buf);
    assert_int_equal(status_verify(jws, strlen(jws), f->trust, &l), CK_OK);
    assert_string_equal(status_lookup(l, "K-000009")->reason, "future_reason");
    status_free(l);
    free(jws);
}

static void
test_cert_status_hook_reports_reason_and_age(void **state)
{
    Fixture *f = *state;
    StatusList *l;
    char detail[256];

    assert_int_equal(status_new(f->pub.kid, &l), CK_OK);
    assert_int_equal(status_add(l, "K-000001", "misconduct", "see case 17", T0), CK_OK);
    assert_int_equal(status_sign(l, f->authority, T0), CK_OK);
    assert_int_equal(status_cert_check(l, "K-000001", "K", T0 + 3 * 86400, detail, sizeof detail),
                     CK_ERR_REVOKED);
    assert_non_null(strstr(detail, "misconduct - see case 17"));
    assert_non_null(strstr(detail, "3 days old"));
    assert_int_equal(status_cert_check(l, "K-000002", "K", T0 + 7200, detail, sizeof detail),
                     CK_OK);
    assert_non_null(strstr(detail, "version 1, 2 hours old"));
    status_free(l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_list_of_an_unknown_authority_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tampered_list_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_another_signed_object_is_not_taken_for_a_list, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_malformed_payloads_are_refused_naming_the_member,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_older_version_is_refused_by_a_holder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_lists_with_one_version_are_equivocation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_revoking_needs_a_known_reason_and_a_new_serial, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_only_the_issuing_authority_may_sign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions_grow_and_keep_every_revocation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_reason_in_a_signed_list_still_revokes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cert_status_hook_reports_reason_and_age, setup,
                                        teardown),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
