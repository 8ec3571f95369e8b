/* Tests of sdjwt: RFC 9901 processing rules, hostile SD-JWTs first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "jws.h"
#include "keys.h"
#include "sdjwt.h"

static SecretKey *key;

/* A disclosure (its JSON given) as base64url, and its digest. */
static char *
disclosure(const char *json, char digest[SDJWT_DIGEST_LEN + 1])
{
    char *b64 = codec_b64url_encode((const unsigned char *)json, strlen(json));
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, (const unsigned char *)b64, strlen(b64));
    sodium_bin2base64(digest, SDJWT_DIGEST_LEN + 1, h, sizeof h,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return b64;
}

/* "<jws of payload with every %s replaced by the digest>~<disclosure>~" for one disclosure. */
static char *
signed_with(const char *payload_tmpl, const char *disclosure_json, const char *extra_tail)
{
    char digest[SDJWT_DIGEST_LEN + 1], *d = disclosure(disclosure_json, digest), *jws, *out;
    char *payload = calloc(1, strlen(payload_tmpl) * 2 + 4 * sizeof digest), *w = payload;
    json_t *p;

    for (const char *r = payload_tmpl; *r; r++) {
        if (r[0] == '%' && r[1] == 's') {
            w = stpcpy(w, digest);
            r++;
        } else {
            *w++ = *r;
        }
    }
    p = json_loads(payload, 0, NULL);
    assert_non_null(p);
    assert_int_equal(jws_sign_json(key, "vc+sd-jwt", "k", p, &jws), CK_OK);
    assert_true(asprintf(&out, "%s~%s~%s", jws, d, extra_tail ? extra_tail : "") > 0);
    json_decref(p);
    free(payload);
    free(jws);
    free(d);
    return out;
}

static CkErr
parse(const char *text)
{
    SdJwt *sd = NULL;
    CkErr err = sdjwt_parse(text, strlen(text), &sd);

    sdjwt_free(sd);
    return err;
}

static void
test_digest_used_twice_is_refused(void **state)
{
    char *t = signed_with("{\"a\":{\"_sd\":[\"%s\"]},\"b\":{\"_sd\":[\"%s\"]}}",
                          "[\"c2FsdHNhbHRzYWx0c2FsdA\",\"rank\",\"Sgt\"]", NULL);

    assert_int_equal(parse(t), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "more than once"));
    free(t);
}

static void
test_disclosure_over_an_existing_claim_is_refused(void **state)
{
    char *t = signed_with("{\"rank\":\"Pte\",\"_sd\":[\"%s\"]}",
                          "[\"c2FsdHNhbHRzYWx0c2FsdA\",\"rank\",\"General\"]", NULL);

    assert_int_equal(parse(t), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "overwrite"));
    free(t);
}

static void
test_element_disclosure_in_sd_and_claim_in_array_are_refused(void **state)
{
    char *t = signed_with("{\"_sd\":[\"%s\"]}", "[\"c2FsdHNhbHRzYWx0c2FsdA\",\"Sgt\"]", NULL);

    assert_int_equal(parse(t), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "array element"));
    free(t);
    t = signed_with("{\"a\":[{\"...\":\"%s\"}]}", "[\"c2FsdHNhbHRzYWx0c2FsdA\",\"rank\",\"Sgt\"]",
                    NULL);
    assert_int_equal(parse(t), CK_ERR_FORMAT);
    free(t);
}

static void
test_reserved_claim_names_and_other_algorithms_are_refused(void **state)
{
    char *t = signed_with("{\"_sd\":[\"%s\"]}", "[\"c2FsdHNhbHRzYWx0c2FsdA\",\"_sd\",[]]", NULL);

    assert_int_equal(parse(t), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "claim name"));
    free(t);
    t = signed_with("{\"_sd_alg\":\"sha-512\",\"_sd\":[\"%s\"]}",
                    "[\"c2FsdHNhbHRzYWx0c2FsdA\",\"rank\",\"Sgt\"]", NULL);
    assert_int_equal(parse(t), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "_sd_alg"));
    free(t);
    t = signed_with("{\"_sd\":\"%s\"}", "[\"c2FsdHNhbHRzYWx0c2FsdA\",\"rank\",\"Sgt\"]", NULL);
    assert_int_equal(parse(t), CK_ERR_FORMAT);
    free(t);
}

static void
test_malformed_disclosures_are_refused(void **state)
{
    static const char *const bad[] = {"[\"salt\"]", "[1,\"rank\",\"Sgt\"]", "{\"a\":1}",
                                      "[\"s\",2,\"x\"]", "not json"};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *t = signed_with("{\"_sd\":[\"%s\"]}", bad[i], NULL);
        assert_int_equal(parse(t), CK_ERR_FORMAT);
        free(t);
    }
}

static void
test_issued_sdjwt_round_trips_without_decoys(void **state)
{
    SdJwtIssuer *is = sdjwt_issuer_new();
    json_t *p = json_pack("{s:s}", "name", "Kari"), *inner = json_object(), *arr = json_array();
    char *text = NULL, *qr = NULL;
    SdJwt *sd = NULL;
    bool keep[SDJWT_MAX_DISCLOSURES] = {false};

    assert_int_equal(sdjwt_conceal(is, inner, "rank", json_string("Sgt")), CK_OK);
    assert_int_equal(sdjwt_decoys(is, inner, 3), CK_OK);
    assert_int_equal(sdjwt_conceal(is, p, "record", inner), CK_OK);
    assert_int_equal(sdjwt_conceal_element(is, arr, json_pack("{s:i}", "n", 1)), CK_OK);
    assert_int_equal(sdjwt_decoys(is, arr, 2), CK_OK);
    assert_int_equal(sdjwt_conceal(is, p, "items", arr), CK_OK);
    assert_int_equal(sdjwt_issue(is, key, "vc+sd-jwt", "k", p, &text), CK_OK);
    assert_int_equal(sdjwt_parse(text, strlen(text), &sd), CK_OK);
    assert_true(sdjwt_is_sd(sd));
    assert_int_equal(sdjwt_count(sd), 4);
    char *out = json_dumps(sdjwt_payload(sd), JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(out, "{\"items\":[{\"n\":1}],\"name\":\"Kari\",\"record\":{\"rank\":\"Sgt\"}}");
    free(out);
    /* Disclosing the rank takes the record it sits in along. */
    for (size_t i = 0; i < sdjwt_count(sd); i++)
        if (strcmp(sdjwt_disclosure(sd, i)->path, "record.rank") == 0)
            keep[i] = true;
    assert_int_equal(sdjwt_present(sd, keep, &qr), CK_OK);
    sdjwt_free(sd);
    assert_int_equal(sdjwt_parse(qr, strlen(qr), &sd), CK_OK);
    assert_int_equal(sdjwt_count(sd), 2);
    out = json_dumps(sdjwt_payload(sd), JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(out, "{\"name\":\"Kari\",\"record\":{\"rank\":\"Sgt\"}}");
    free(out);
    sdjwt_free(sd);
    free(qr);
    free(text);
    json_decref(p);
    sdjwt_issuer_free(is);
}

static int
setup(void **state)
{
    return sodium_init() < 0 || key_generate(KEY_KIND_KIOSK, &key) != CK_OK ? -1 : 0;
}

static int
teardown(void **state)
{
    key_destroy(key);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digest_used_twice_is_refused),
        cmocka_unit_test(test_disclosure_over_an_existing_claim_is_refused),
        cmocka_unit_test(test_element_disclosure_in_sd_and_claim_in_array_are_refused),
        cmocka_unit_test(test_reserved_claim_names_and_other_algorithms_are_refused),
        cmocka_unit_test(test_malformed_disclosures_are_refused),
        cmocka_unit_test(test_issued_sdjwt_round_trips_without_decoys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
