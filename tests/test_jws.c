/* Tests of jws: the RFC 8037 vector, and every malformed or hostile token refused. */
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

/* RFC 8037 appendix A.1, A.4. */
#define RFC_D "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
#define RFC_X "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
#define RFC_PAYLOAD "Example of Ed25519 signing"
/* The value printed in RFC 8037 A.4 (also in panva/jose's test vectors). */
#define RFC_JWS                                                                                    \
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-"        \
    "09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
/* The same with the last signature bytes altered: must not verify. */
#define RFC_JWS_ALTERED                                                                            \
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-"        \
    "09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MtM9-dg"

static SecretKey *sk;
static PublicKey pub;

/* A token with the given header JSON and payload JSON, signed by sk. */
static char *
forge(const char *header, const char *payload)
{
    char *h = codec_b64url_encode((const unsigned char *)header, strlen(header));
    char *p = codec_b64url_encode((const unsigned char *)payload, strlen(payload));
    char *input, *sig_b64, *out;
    unsigned char sig[64];

    assert_true(asprintf(&input, "%s.%s", h, p) > 0);
    key_sign(sk, (const unsigned char *)input, strlen(input), sig);
    sig_b64 = codec_b64url_encode(sig, sizeof sig);
    assert_true(asprintf(&out, "%s.%s", input, sig_b64) > 0);
    free(sig_b64);
    free(input);
    free(p);
    free(h);
    return out;
}

static CkErr
parse(const char *text)
{
    Jws *jws = NULL;
    CkErr err = jws_parse(text, strlen(text), 0, &jws);

    if (err != CK_OK)
        assert_null(jws);
    jws_free(jws);
    return err;
}

static void
test_alg_none_is_refused(void **state)
{
    char *t = forge("{\"alg\":\"none\"}", "{\"a\":1}");

    assert_int_equal(parse(t), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "\"none\" is refused"));
    free(t);
    /* The classic unsigned form, with an empty signature. */
    assert_int_equal(parse("eyJhbGciOiJub25lIn0.eyJhIjoxfQ."), CK_ERR_FORMAT);
}

static void
test_alg_hs256_is_refused(void **state)
{
    char *t = forge("{\"alg\":\"HS256\",\"typ\":\"vc+jwt\"}", "{\"a\":1}");

    assert_int_equal(parse(t), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "HS256"));
    free(t);
}

static void
test_alg_case_variants_and_missing_alg_are_refused(void **state)
{
    char *a = forge("{\"alg\":\"eddsa\"}", "{}");
    char *b = forge("{\"typ\":\"vc+jwt\"}", "{}");
    char *c = forge("{\"alg\":[\"EdDSA\"]}", "{}");

    assert_int_equal(parse(a), CK_ERR_FORMAT);
    assert_int_equal(parse(b), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "no \"alg\""));
    assert_int_equal(parse(c), CK_ERR_FORMAT);
    free(a);
    free(b);
    free(c);
}

static void
test_crit_and_embedded_key_headers_are_refused(void **state)
{
    char *a = forge("{\"alg\":\"EdDSA\",\"crit\":[\"exp\"],\"exp\":1}", "{}");
    char *b = forge("{\"alg\":\"EdDSA\",\"jwk\":{\"kty\":\"OKP\"}}", "{}");
    char *c = forge("{\"alg\":\"EdDSA\",\"b64\":false}", "{}");

    assert_int_equal(parse(a), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "crit"));
    assert_int_equal(parse(b), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "\"jwk\""));
    assert_int_equal(parse(c), CK_ERR_FORMAT);
    free(a);
    free(b);
    free(c);
}

static void
test_duplicate_header_keys_are_refused(void **state)
{
    char *t = forge("{\"alg\":\"EdDSA\",\"alg\":\"none\"}", "{}");

    assert_int_equal(parse(t), CK_ERR_FORMAT);
    free(t);
}

static void
test_truncated_and_garbage_tokens_are_refused(void **state)
{
    char *t = forge("{\"alg\":\"EdDSA\"}", "{\"a\":1}");
    char *cut = strndup(t, strlen(t) - 3);
    char *trail, *extra;

    assert_int_equal(parse(""), CK_ERR_FORMAT);
    assert_int_equal(parse("garbage"), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "three parts"));
    assert_int_equal(parse(".."), CK_ERR_FORMAT);
    assert_int_equal(parse(cut), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "signature"));
    /* duplicate dots, trailing garbage, an extra part, whitespace */
    assert_true(asprintf(&extra, "%s.AAAA", t) > 0);
    assert_int_equal(parse(extra), CK_ERR_FORMAT);
    assert_true(asprintf(&trail, "%s ", t) > 0);
    assert_int_equal(parse(trail), CK_ERR_FORMAT);
    free(trail);
    assert_true(asprintf(&trail, "%s\n", t) > 0);
    assert_int_equal(parse(trail), CK_ERR_FORMAT);
    free(trail);
    {
        char *dd;
        const char *d = strchr(t, '.');
        assert_true(asprintf(&dd, "%.*s..%s", (int)(d - t), t, d + 1) > 0);
        assert_int_equal(parse(dd), CK_ERR_FORMAT);
        free(dd);
    }
    assert_int_equal(parse(t), CK_OK);
    free(extra);
    free(cut);
    free(t);
}

static void
test_padded_or_standard_base64_is_refused(void **state)
{
    /* "{"alg":"EdDSA"}" has a padded base64 form; base64url must be unpadded. */
    char *t = forge("{\"alg\":\"EdDSA\"}", "{\"a\":1}");
    char *padded;
    const char *d = strchr(t, '.');

    assert_true(asprintf(&padded, "%.*s=%s", (int)(d - t), t, d) > 0);
    assert_int_equal(parse(padded), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "base64url"));
    free(padded);
    free(t);
}

static void
test_non_object_json_is_refused(void **state)
{
    char *a = forge("[\"alg\",\"EdDSA\"]", "{}");
    char *b = forge("{\"alg\":\"EdDSA\"}", "[1,2]");
    char *c = forge("{\"alg\":\"EdDSA\"}", "{\"a\":1} trailing");
    char *d = forge("{\"alg\":\"EdDSA\"}", "\"just a string\"");

    assert_int_equal(parse(a), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "header"));
    assert_int_equal(parse(b), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "payload"));
    assert_int_equal(parse(c), CK_ERR_FORMAT);
    assert_int_equal(parse(d), CK_ERR_FORMAT);
    free(a);
    free(b);
    free(c);
    free(d);
}

static void
test_oversize_input_is_refused_before_decoding(void **state)
{
    size_t n = JWS_MAX_LEN + 1;
    char *big = malloc(n + 1);
    Jws *jws;

    memset(big, 'A', n);
    big[n] = '\0';
    assert_int_equal(jws_parse(big, n, 0, &jws), CK_ERR_TOO_LARGE);
    free(big);
}

static void
test_wrong_key_and_altered_payload_fail_the_signature(void **state)
{
    SecretKey *other;
    PublicKey other_pub;
    char *t, *altered;
    Jws *jws;
    json_t *payload = json_pack("{s:s}", "name", "Kari");

    assert_int_equal(jws_sign_json(sk, "vc+jwt", pub.kid, payload, &t), CK_OK);
    assert_int_equal(key_generate(KEY_KIND_KIOSK, &other), CK_OK);
    key_public(other, &other_pub);
    assert_int_equal(jws_parse(t, strlen(t), 0, &jws), CK_OK);
    assert_int_equal(jws_verify(jws, &other_pub), CK_ERR_SIGNATURE);
    assert_int_equal(jws_verify(jws, &pub), CK_OK);
    jws_free(jws);
    /* Swap the payload for another one, keeping header and signature. */
    {
        json_t *p2 = json_pack("{s:s}", "name", "Mallory");
        char *t2, *d1, *d2;
        assert_int_equal(jws_sign_json(other, "vc+jwt", pub.kid, p2, &t2), CK_OK);
        d1 = strchr(t, '.');
        d2 = strchr(t2, '.');
        assert_true(asprintf(&altered, "%.*s.%.*s%s", (int)(d1 - t), t,
                             (int)(strchr(d2 + 1, '.') - d2 - 1), d2 + 1, strrchr(t, '.')) > 0);
        assert_int_equal(jws_parse(altered, strlen(altered), 0, &jws), CK_OK);
        assert_int_equal(jws_verify(jws, &pub), CK_ERR_SIGNATURE);
        jws_free(jws);
        free(altered);
        free(t2);
        json_decref(p2);
    }
    key_destroy(other);
    json_decref(payload);
    free(t);
}

static void
test_typ_is_checked_when_required(void **state)
{
    char *none = forge("{\"alg\":\"EdDSA\"}", "{}");
    char *other = forge("{\"alg\":\"EdDSA\",\"typ\":\"certkiosk-endorsement+jwt\"}", "{}");
    Jws *jws;

    assert_int_equal(jws_parse(none, strlen(none), 0, &jws), CK_OK);
    assert_int_equal(jws_check_typ(jws, "vc+jwt"), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "no \"typ\""));
    jws_free(jws);
    assert_int_equal(jws_parse(other, strlen(other), 0, &jws), CK_OK);
    assert_int_equal(jws_check_typ(jws, "vc+jwt"), CK_ERR_FORMAT);
    assert_int_equal(jws_check_typ(jws, "certkiosk-endorsement+jwt"), CK_OK);
    jws_free(jws);
    free(none);
    free(other);
}

static void
test_rfc8037_vector_is_reproduced_and_verified(void **state)
{
    unsigned char seed[32], x[32];
    SecretKey *rfc;
    PublicKey rfc_pub, from_x;
    char *out;
    Jws *jws;
    size_t len;
    const unsigned char *bytes;

    assert_int_equal(codec_b64url_decode_exact(RFC_D, seed, 32), CK_OK);
    assert_int_equal(codec_b64url_decode_exact(RFC_X, x, 32), CK_OK);
    assert_int_equal(key_from_seed(KEY_KIND_KIOSK, seed, &rfc), CK_OK);
    key_public(rfc, &rfc_pub);
    assert_int_equal(key_public_from_bytes(x, &from_x), CK_OK);
    assert_true(key_public_equal(&rfc_pub, &from_x));
    assert_int_equal(
        jws_sign(rfc, NULL, NULL, (const unsigned char *)RFC_PAYLOAD, strlen(RFC_PAYLOAD), &out),
        CK_OK);
    assert_string_equal(out, RFC_JWS);
    /* Its payload is not JSON, so only a raw parse accepts it. */
    assert_int_equal(jws_parse(RFC_JWS, strlen(RFC_JWS), 0, &jws), CK_ERR_FORMAT);
    assert_int_equal(jws_parse(RFC_JWS, strlen(RFC_JWS), JWS_PAYLOAD_RAW, &jws), CK_OK);
    assert_int_equal(jws_verify(jws, &from_x), CK_OK);
    bytes = jws_payload_bytes(jws, &len);
    assert_int_equal(len, strlen(RFC_PAYLOAD));
    assert_memory_equal(bytes, RFC_PAYLOAD, len);
    assert_null(jws_payload(jws));
    assert_null(jws_kid(jws));
    jws_free(jws);
    assert_int_equal(jws_parse(RFC_JWS_ALTERED, strlen(RFC_JWS_ALTERED), JWS_PAYLOAD_RAW, &jws),
                     CK_OK);
    assert_int_equal(jws_verify(jws, &from_x), CK_ERR_SIGNATURE);
    jws_free(jws);
    free(out);
    key_destroy(rfc);
}

static void
test_header_carries_alg_typ_kid_in_order(void **state)
{
    json_t *payload = json_pack("{s:i}", "n", 1);
    char *t, *head_json;
    unsigned char *head;
    size_t len;

    assert_int_equal(jws_sign_json(sk, "vc+jwt", pub.kid, payload, &t), CK_OK);
    assert_int_equal(codec_b64url_decode(t, (size_t)(strchr(t, '.') - t), &head, &len), CK_OK);
    assert_true(
        asprintf(&head_json, "{\"alg\":\"EdDSA\",\"typ\":\"vc+jwt\",\"kid\":\"%s\"}", pub.kid) > 0);
    assert_string_equal((char *)head, head_json);
    free(head_json);
    free(head);
    free(t);
    json_decref(payload);
}

static int
setup(void **state)
{
    if (sodium_init() < 0 || key_generate(KEY_KIND_KIOSK, &sk) != CK_OK)
        return -1;
    key_public(sk, &pub);
    return 0;
}

static int
teardown(void **state)
{
    key_destroy(sk);
    return 0;
}

/* The fast decoder for public data accepts exactly what libsodium's
 * constant-time decoder accepts, and decodes it to the same bytes: every
 * length up to 48 bytes, then every byte value at every place of short inputs
 * (padding, '+', '/', whitespace, non-zero trailing bits, 4k+1 lengths),
 * except bytes above 0x7f, which only the fast decoder refuses, as it should. */
static void
test_public_base64url_decoder_agrees_with_libsodium(void **state)
{
    unsigned char bin[64], a[80], *b;
    size_t alen, blen;

    (void)state;
    randombytes_buf(bin, sizeof bin);
    for (size_t n = 0; n <= 48; n++) {
        char *text = codec_b64url_encode(bin, n);
        size_t len = strlen(text);
        assert_int_equal(codec_b64url_decode_public(text, len, a, sizeof a, &alen), CK_OK);
        assert_int_equal(alen, n);
        assert_memory_equal(a, bin, n);
        for (size_t at = 0; at < len && len <= 8; at++)
            for (int c = 0; c < 256; c++) {
                char mutated[16];
                memcpy(mutated, text, len);
                mutated[at] = (char)c;
                CkErr fast = codec_b64url_decode_public(mutated, len, a, sizeof a, &alen);
                CkErr slow = codec_b64url_decode(mutated, len, &b, &blen);
                /* libsodium 1.0.18 takes some bytes >= 0x80 for letters (so one
                 * signature had several spellings); the fast decoder refuses them. */
                if (c >= 0x80) {
                    assert_int_equal(fast, CK_ERR_FORMAT);
                    if (slow == CK_OK)
                        free(b);
                    continue;
                }
                assert_int_equal(fast == CK_OK, slow == CK_OK);
                if (slow == CK_OK) {
                    assert_int_equal(alen, blen);
                    assert_memory_equal(a, b, blen);
                    free(b);
                }
            }
        for (size_t cut = 0; cut <= len; cut++) {
            CkErr fast = codec_b64url_decode_public(text, cut, a, sizeof a, &alen);
            CkErr slow = codec_b64url_decode(text, cut, &b, &blen);
            assert_int_equal(fast == CK_OK, slow == CK_OK);
            if (slow == CK_OK)
                free(b);
        }
        free(text);
    }
    /* Too small a buffer is refused, not overrun. */
    assert_int_equal(codec_b64url_decode_public("AAAA", 4, a, 2, &alen), CK_ERR_TOO_LARGE);
}

/* Payloads are read by jansson alone: the tree json_loads builds, and the
 * same refusals (duplicate keys, bad numbers, trailing bytes, raw controls). */
static void
test_payloads_read_the_same_by_either_reader(void **state)
{
    static const char *const payloads[] = {
        "{\"a\":[1,-2,0,true,false,null,\"x y\"],\"b\":{\"c\":{}},\"d\":[]}",
        "{\"a\": [1, -2, 0, true, false, null, \"x y\"], \"b\": {\"c\": {}}, \"d\": []}",
        "{\"n\":\"\\u00f8\",\"m\":\"\xc3\xb8\",\"r\":1.5,\"e\":1e3,\"z\":-0}",
        "{\"big\":123456789012345678901234}",
        "{\"a\":1,\"a\":2}",
        "{\"a\":01}",
        "{\"a\":[1,]}",
        "{\"a\":tru}",
        "[1,2]",
        "{\"a\":1}x",
        "{\"a\":\"tab\there\"}",
    };
    (void)state;
    for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
        const char *p = payloads[i];
        json_error_t jerr;
        json_t *want = json_loads(p, JSON_REJECT_DUPLICATES, &jerr);
        char *text;
        Jws *jws = NULL;
        CkErr err;

        assert_int_equal(jws_sign(sk, "t", pub.kid, (const unsigned char *)p, strlen(p), &text),
                         CK_OK);
        err = jws_parse(text, strlen(text), JWS_PAYLOAD_JSON, &jws);
        if (want == NULL || !json_is_object(want)) {
            assert_int_equal(err, CK_ERR_FORMAT);
        } else {
            assert_int_equal(err, CK_OK);
            assert_true(json_equal(want, (json_t *)jws_payload(jws)));
            /* Same key order too. */
            char *a = json_dumps(want, JSON_COMPACT),
                 *b = json_dumps(jws_payload(jws), JSON_COMPACT);
            assert_string_equal(a, b);
            free(a);
            free(b);
        }
        json_decref(want);
        jws_free(jws);
        free(text);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alg_none_is_refused),
        cmocka_unit_test(test_alg_hs256_is_refused),
        cmocka_unit_test(test_alg_case_variants_and_missing_alg_are_refused),
        cmocka_unit_test(test_crit_and_embedded_key_headers_are_refused),
        cmocka_unit_test(test_duplicate_header_keys_are_refused),
        cmocka_unit_test(test_truncated_and_garbage_tokens_are_refused),
        cmocka_unit_test(test_padded_or_standard_base64_is_refused),
        cmocka_unit_test(test_non_object_json_is_refused),
        cmocka_unit_test(test_oversize_input_is_refused_before_decoding),
        cmocka_unit_test(test_wrong_key_and_altered_payload_fail_the_signature),
        cmocka_unit_test(test_typ_is_checked_when_required),
        cmocka_unit_test(test_rfc8037_vector_is_reproduced_and_verified),
        cmocka_unit_test(test_header_carries_alg_typ_kid_in_order),
        cmocka_unit_test(test_public_base64url_decoder_agrees_with_libsodium),
        cmocka_unit_test(test_payloads_read_the_same_by_either_reader),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
