/* Tests of session: bounded sanitised fields, the signature's checks and encoding, and the wipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "session.h"

#define PAD_W 1500 /* 150 mm */

/* Draws a plausible signature: one stroke of n points over ms milliseconds,
 * width w (0.1 mm), starting at t0. */
static void
draw(Session *s, int n, uint32_t ms, int32_t w, uint32_t t0)
{
    assert_int_equal(session_sig_begin(s, 100, 300, t0), CK_OK);
    for (int i = 1; i < n; i++)
        assert_int_equal(session_sig_point(s, 100 + w * i / (n - 1), 300 + (i % 7) * 20,
                                           t0 + ms * (uint32_t)i / (uint32_t)(n - 1)),
                         CK_OK);
}

static void
test_control_characters_and_bad_utf8_are_refused(void **state)
{
    Session *s = session_create();

    assert_non_null(s);
    assert_int_equal(session_field_set(s, SESSION_NAME, "Ola\x1b[2J", 8), CK_ERR_FORMAT);
    assert_int_equal(session_field_set(s, SESSION_NAME, "Ola\nNordmann", 12), CK_ERR_FORMAT);
    assert_int_equal(session_field_append(s, SESSION_NAME, "\xc3", 1), CK_ERR_FORMAT);
    assert_int_equal(session_field_append(s, SESSION_NAME, "\xc2\x85", 2), CK_ERR_FORMAT);
    assert_int_equal(session_field_append(s, SESSION_NAME, "a\0b", 3), CK_ERR_FORMAT);
    assert_string_equal(session_field(s, SESSION_NAME), "");
    session_destroy(s);
}

static void
test_overlong_name_is_refused_in_characters(void **state)
{
    Session *s = session_create();
    char name[64 * 2 + 3];

    /* 64 Latin letters fit, a 65th does not */
    memset(name, 'a', 65);
    assert_int_equal(session_field_set(s, SESSION_NAME, name, 64), CK_OK);
    assert_int_equal(session_field_append(s, SESSION_NAME, "b", 1), CK_ERR_TOO_LARGE);
    assert_int_equal(session_field_set(s, SESSION_NAME, name, 65), CK_ERR_TOO_LARGE);
    assert_int_equal(session_field_len(s, SESSION_NAME), 64);
    assert_int_equal(session_field_set(s, SESSION_NATION, "NORW", 4), CK_ERR_TOO_LARGE);
    session_destroy(s);
}

/* A field that goes into the certificate holds at most its claim's 127
 * bytes: 63 Greek letters (126 bytes), not 64 (128), though 64 Latin ones
 * fit; the unit the same, in 4-byte characters. */
static void
test_certificate_fields_are_refused_past_127_bytes(void **state)
{
    Session *s = session_create();
    char name[64 * 4 + 1];

    assert_int_equal(session_field_max_bytes(SESSION_NAME), 127);
    assert_int_equal(session_field_max_bytes(SESSION_SERVICE_NUMBER), 127);
    assert_int_equal(session_field_max_bytes(SESSION_RANK), 127);
    assert_int_equal(session_field_max_bytes(SESSION_UNIT), 127);
    assert_int_equal(session_field_max_bytes(SESSION_NATION), 12);
    for (int i = 0; i < 64; i++)
        memcpy(name + 2 * i, "\xce\xb1", 2);
    assert_int_equal(session_field_set(s, SESSION_NAME, name, 128), CK_ERR_TOO_LARGE);
    assert_int_equal(session_field_set(s, SESSION_NAME, name, 126), CK_OK);
    assert_int_equal(session_field_append(s, SESSION_NAME, "\xce\xb2", 2), CK_ERR_TOO_LARGE);
    assert_int_equal(session_field_len(s, SESSION_NAME), 126);
    assert_int_equal(session_field_append(s, SESSION_NAME, "b", 1), CK_OK);
    assert_int_equal(session_field_len(s, SESSION_NAME), 127);
    for (int i = 0; i < 64; i++)
        memcpy(name + 4 * i, "\xf0\xa0\x80\x80", 4);
    assert_int_equal(session_field_set(s, SESSION_UNIT, name, 128), CK_ERR_TOO_LARGE);
    assert_int_equal(session_field_set(s, SESSION_UNIT, name, 124), CK_OK);
    session_destroy(s);
}

static void
test_set_trims_and_backspace_removes_whole_characters(void **state)
{
    Session *s = session_create();

    assert_int_equal(session_field_set(s, SESSION_NAME, "  Ola Nordmann\xc2\xa0 ", 17), CK_OK);
    assert_string_equal(session_field(s, SESSION_NAME), "Ola Nordmann");
    session_field_clear(s, SESSION_NAME);
    assert_int_equal(session_field_append(s, SESSION_NAME, "Å", strlen("Å")), CK_OK);
    assert_int_equal(session_field_append(s, SESSION_NAME, "sa", 2), CK_OK);
    session_field_backspace(s, SESSION_NAME);
    session_field_backspace(s, SESSION_NAME);
    assert_string_equal(session_field(s, SESSION_NAME), "Å");
    session_field_backspace(s, SESSION_NAME);
    assert_string_equal(session_field(s, SESSION_NAME), "");
    session_field_backspace(s, SESSION_NAME); /* on empty: nothing */
    assert_int_equal(session_field_len(s, SESSION_NAME), 0);
    session_destroy(s);
}

static void
test_tap_and_dot_are_not_signatures(void **state)
{
    Session *s = session_create();

    assert_int_equal(session_sig_check(s, PAD_W), SESSION_SIG_EMPTY);
    /* a tap: one point */
    assert_int_equal(session_sig_begin(s, 500, 500, 1000), CK_OK);
    assert_int_equal(session_sig_check(s, PAD_W), SESSION_SIG_TOO_SHORT);
    session_sig_clear(s);
    /* a dot: many points in one place, quickly */
    draw(s, 30, 100, 5, 1000);
    assert_int_equal(session_sig_check(s, PAD_W), SESSION_SIG_TOO_SHORT);
    session_sig_clear(s);
    /* long enough, but a tiny scribble */
    draw(s, 40, 800, PAD_W / 10, 1000);
    assert_int_equal(session_sig_check(s, PAD_W), SESSION_SIG_TOO_SMALL);
    session_sig_clear(s);
    /* a real signature */
    draw(s, 40, 800, PAD_W / 2, 1000);
    assert_int_equal(session_sig_check(s, PAD_W), SESSION_SIG_OK);
    session_destroy(s);
}

static void
test_signature_points_are_bounded(void **state)
{
    Session *s = session_create();
    int i;

    assert_int_equal(session_sig_point(s, 1, 1, 1), CK_ERR_USAGE);
    assert_int_equal(session_sig_begin(s, SESSION_SIG_MAX_COORD + 1, 0, 0), CK_ERR_FORMAT);
    assert_int_equal(session_sig_begin(s, 0, 0, 100), CK_OK);
    assert_int_equal(session_sig_point(s, 1, 1, 99), CK_ERR_FORMAT); /* time backwards */
    for (i = 1; i < SESSION_SIG_MAX_POINTS; i++)
        assert_int_equal(session_sig_point(s, i % 1000, 0, 100 + (uint32_t)i), CK_OK);
    assert_int_equal(session_sig_point(s, 0, 0, 100000), CK_ERR_TOO_LARGE);
    assert_int_equal(session_sig_points(s), SESSION_SIG_MAX_POINTS);
    session_destroy(s);
}

static void
test_canonical_encoding_is_stable(void **state)
{
    Session *s = session_create();
    unsigned char buf[256], hash[32], want_hash[32];
    char hex[65];
    size_t n;
    /* two strokes: (10,20,t=5000),(-3,40,5010) and (7,8,5100); t relative to 5000 */
    static const unsigned char want[] = {
        'c',  'e',  'r',  't',  'k', 'i', 'o', 's', 'k', '-', 's', 'i',
        'g',  '/',  '1',  '\n', 2,   0,   0,   0,                     /* strokes */
        2,    0,    0,    0,                                          /* points in stroke 1 */
        10,   0,    0,    0,    20,  0,   0,   0,   0,   0,   0,   0, /* x y t */
        0xfd, 0xff, 0xff, 0xff, 40,  0,   0,   0,   10,  0,   0,   0, /* -3 40 10 */
        1,    0,    0,    0,                                          /* points in stroke 2 */
        7,    0,    0,    0,    8,   0,   0,   0,   100, 0,   0,   0,
    };

    assert_int_equal(session_sig_begin(s, 10, 20, 5000), CK_OK);
    assert_int_equal(session_sig_point(s, -3, 40, 5010), CK_OK);
    assert_int_equal(session_sig_begin(s, 7, 8, 5100), CK_OK);
    assert_int_equal(session_sig_encoded_len(s), sizeof want);
    assert_int_equal(session_sig_encode(s, buf, 10), 0);
    n = session_sig_encode(s, buf, sizeof buf);
    assert_int_equal(n, sizeof want);
    assert_memory_equal(buf, want, sizeof want);
    /* the streamed hash equals the hash of the encoding */
    session_sig_sha256(s, hash);
    crypto_hash_sha256(want_hash, want, sizeof want);
    assert_memory_equal(hash, want_hash, 32);
    /* and is pinned, so an accidental change of the format is caught */
    codec_hex_encode(hash, 32, hex);
    assert_string_equal(hex, "684f296b54730cabc38dba1b7eb46b48814b477811ff70042e9f10566ef3d7d2");
    session_destroy(s);
}

static void
test_wipe_zeroes_every_byte(void **state)
{
    Session *s = session_create();
    const unsigned char *raw;
    size_t len, nonzero = 0;

    assert_int_equal(session_field_set(s, SESSION_NAME, "Ola Nordmann", 12), CK_OK);
    assert_int_equal(session_field_set(s, SESSION_SERVICE_NUMBER, "12345678901", 11), CK_OK);
    assert_int_equal(session_field_set(s, SESSION_JWS, "eyJhbGciOi.x.y", 14), CK_OK);
    assert_int_equal(session_set_answer(s, 3, 2), CK_OK);
    draw(s, 40, 800, PAD_W / 2, 1000);
    raw = session_raw(s, &len);
    for (size_t i = 0; i < len; i++)
        nonzero += raw[i] != 0;
    assert_true(nonzero > 0);
    assert_non_null(memmem(raw, len, "Ola Nordmann", 12));

    session_wipe(s);
    raw = session_raw(s, &len);
    for (size_t i = 0; i < len; i++)
        if (raw[i] != 0)
            fail_msg("byte %zu of %zu is 0x%02x after the wipe", i, len, raw[i]);
    assert_string_equal(session_field(s, SESSION_NAME), "");
    assert_int_equal(session_answer(s, 3), -1);
    assert_int_equal(session_sig_points(s), 0);
    session_destroy(s);
}

static void
test_answers_round_trip(void **state)
{
    Session *s = session_create();

    assert_int_equal(session_answer(s, 0), -1);
    assert_int_equal(session_set_answer(s, 0, 0), CK_OK);
    assert_int_equal(session_answer(s, 0), 0);
    assert_int_equal(session_set_answer(s, SESSION_MAX_ANSWERS, 0), CK_ERR_USAGE);
    session_clear_answers(s);
    assert_int_equal(session_answer(s, 0), -1);
    session_destroy(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_control_characters_and_bad_utf8_are_refused),
        cmocka_unit_test(test_overlong_name_is_refused_in_characters),
        cmocka_unit_test(test_certificate_fields_are_refused_past_127_bytes),
        cmocka_unit_test(test_set_trims_and_backspace_removes_whole_characters),
        cmocka_unit_test(test_tap_and_dot_are_not_signatures),
        cmocka_unit_test(test_signature_points_are_bounded),
        cmocka_unit_test(test_canonical_encoding_is_stable),
        cmocka_unit_test(test_wipe_zeroes_every_byte),
        cmocka_unit_test(test_answers_round_trip),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
