/* Tests of checkpoint: C2SP signed notes, hostile notes first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "codec.h"

#define ORIGIN "certkiosk.example/DEMO-KIOSK-01"

typedef struct Fixture {
    SecretKey *sk, *other;
    PublicKey pub, other_pub;
    unsigned char root[MERKLE_HASH_LEN];
    char *note;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);

    assert_int_equal(key_generate(KEY_KIND_KIOSK, &f->sk), CK_OK);
    assert_int_equal(key_generate(KEY_KIND_KIOSK, &f->other), CK_OK);
    key_public(f->sk, &f->pub);
    key_public(f->other, &f->other_pub);
    for (int i = 0; i < MERKLE_HASH_LEN; i++)
        f->root[i] = (unsigned char)(i * 7 + 1);
    assert_int_equal(checkpoint_sign(f->sk, ORIGIN, 42, f->root, &f->note), CK_OK);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    key_destroy(f->sk);
    key_destroy(f->other);
    free(f->note);
    free(f);
    return 0;
}

/* Replaces the first occurrence of from by to in the fixture's note. */
static char *
edit(const char *note, const char *from, const char *to)
{
    const char *at = strstr(note, from);
    char *out;

    assert_non_null(at);
    out = malloc(strlen(note) - strlen(from) + strlen(to) + 1);
    memcpy(out, note, (size_t)(at - note));
    strcpy(out + (at - note), to);
    strcat(out, at + strlen(from));
    return out;
}

static CkErr
verify_str(const Fixture *f, const char *note)
{
    Checkpoint cp;

    return checkpoint_verify(note, strlen(note), &f->pub, ORIGIN, &cp);
}

static void
assert_verify_fails(const Fixture *f, const char *note, CkErr want)
{
    assert_int_equal(verify_str(f, note), want);
}

/* --- hostile notes ------------------------------------------------------- */

static void
test_truncated_and_empty_notes_are_refused(void **state)
{
    Fixture *f = *state;
    Checkpoint cp;
    size_t len = strlen(f->note);

    assert_int_equal(checkpoint_parse("", 0, &cp), CK_ERR_FORMAT);
    assert_int_equal(checkpoint_parse(NULL, 0, &cp), CK_ERR_FORMAT);
    for (size_t cut = 0; cut < len; cut++)
        assert_int_not_equal(checkpoint_verify(f->note, cut, &f->pub, ORIGIN, &cp), CK_OK);
}

static void
test_size_must_be_plain_decimal(void **state)
{
    Fixture *f = *state;
    const char *bad[] = {"\n042\n",      "\n+42\n",  "\n-42\n", "\n 42\n",
                         "\n42 \n",      "\n0x2a\n", "\n\n",    "\n18446744073709551616\n",
                         "\n4\xd9\xa2\n"};
    Checkpoint cp;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *note = edit(f->note, "\n42\n", bad[i]);
        assert_int_equal(checkpoint_parse(note, strlen(note), &cp), CK_ERR_FORMAT);
        free(note);
    }
}

static void
test_root_must_be_canonical_base64_of_32_bytes(void **state)
{
    Fixture *f = *state;
    char *root64 = codec_b64_encode(f->root, MERKLE_HASH_LEN);
    char *short64 = codec_b64_encode(f->root, MERKLE_HASH_LEN - 1);
    char unpadded[64], noncanon[64], urlsafe[64], *note;
    Checkpoint cp;

    strcpy(unpadded, root64);
    unpadded[strlen(unpadded) - 1] = '\0';
    strcpy(noncanon, root64);
    /* 32 bytes = 43 characters + '='; the last character carries 4 unused bits. */
    noncanon[42] = noncanon[42] == 'A' ? 'B' : (char)(noncanon[42] ^ 1);
    strcpy(urlsafe, root64);
    for (char *c = urlsafe; *c; c++)
        *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
    const char *bad[] = {short64, unpadded, noncanon, "", "AAAA"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        note = edit(f->note, root64, bad[i]);
        assert_int_equal(checkpoint_parse(note, strlen(note), &cp), CK_ERR_FORMAT);
        free(note);
    }
    if (strcmp(urlsafe, root64) != 0) {
        note = edit(f->note, root64, urlsafe);
        assert_int_equal(checkpoint_parse(note, strlen(note), &cp), CK_ERR_FORMAT);
        free(note);
    }
    free(root64);
    free(short64);
}

static void
test_line_structure_is_exact(void **state)
{
    Fixture *f = *state;
    Checkpoint cp;
    char *note;

    /* An extension line, a missing blank line, CRLF, a NUL, trailing text. */
    note = edit(f->note, "\n\n", "\nextension\n\n");
    assert_int_equal(checkpoint_parse(note, strlen(note), &cp), CK_ERR_FORMAT);
    free(note);
    note = edit(f->note, "\n\n", "\n");
    assert_int_equal(checkpoint_parse(note, strlen(note), &cp), CK_ERR_FORMAT);
    free(note);
    note = edit(f->note, "\n42\n", "\r\n42\r\n");
    assert_int_equal(checkpoint_parse(note, strlen(note), &cp), CK_ERR_FORMAT);
    free(note);
    note = strdup(f->note);
    note[5] = '\0';
    assert_int_equal(checkpoint_parse(note, strlen(f->note), &cp), CK_ERR_FORMAT);
    free(note);
    note = malloc(strlen(f->note) + 8);
    strcpy(note, f->note);
    strcat(note, "garbage");
    assert_int_equal(checkpoint_parse(note, strlen(note), &cp), CK_ERR_FORMAT);
    free(note);
    /* A hyphen instead of the em dash. */
    note = edit(f->note, "\xe2\x80\x94 ", "- ");
    assert_int_equal(checkpoint_parse(note, strlen(note), &cp), CK_ERR_FORMAT);
    free(note);
    /* A space or '+' in the origin. */
    note = edit(f->note, "DEMO-KIOSK-01\n", "DEMO KIOSK\n");
    assert_int_equal(checkpoint_parse(note, strlen(note), &cp), CK_ERR_FORMAT);
    free(note);
}

static void
test_a_note_without_signatures_is_refused(void **state)
{
    Fixture *f = *state;
    Checkpoint cp;
    const char *sigs = strstr(f->note, "\n\n");

    assert_int_equal(checkpoint_parse(f->note, (size_t)(sigs - f->note) + 2, &cp), CK_ERR_FORMAT);
}

static void
test_oversized_notes_and_too_many_signatures_are_refused(void **state)
{
    Fixture *f = *state;
    char *big = malloc(CHECKPOINT_NOTE_MAX + 2), *many;
    const char *sig = strstr(f->note, "\n\n") + 2;
    Checkpoint cp;

    memset(big, 'a', CHECKPOINT_NOTE_MAX + 1);
    big[CHECKPOINT_NOTE_MAX + 1] = '\0';
    assert_int_equal(checkpoint_parse(big, CHECKPOINT_NOTE_MAX + 1, &cp), CK_ERR_TOO_LARGE);
    free(big);
    many = malloc(strlen(f->note) * (CHECKPOINT_SIGS_MAX + 2));
    strcpy(many, f->note);
    for (int i = 0; i < CHECKPOINT_SIGS_MAX; i++)
        strcat(many, sig);
    assert_int_equal(checkpoint_parse(many, strlen(many), &cp), CK_ERR_FORMAT);
    free(many);
}

static void
test_a_note_signed_by_another_key_is_refused(void **state)
{
    Fixture *f = *state;
    char *forged;

    assert_int_equal(checkpoint_sign(f->other, ORIGIN, 42, f->root, &forged), CK_OK);
    assert_verify_fails(f, forged, CK_ERR_SIGNATURE);
    assert_non_null(strstr(ck_err_detail(), "not signed by key"));
    assert_non_null(strstr(ck_err_detail(), f->pub.kid));
    free(forged);
}

static void
test_an_altered_body_fails_the_signature(void **state)
{
    Fixture *f = *state;
    char *note = edit(f->note, "\n42\n", "\n43\n");

    assert_verify_fails(f, note, CK_ERR_SIGNATURE);
    assert_non_null(strstr(ck_err_detail(), "does not verify"));
    free(note);
}

static void
test_a_bad_signature_under_our_key_id_is_refused_even_beside_a_good_one(void **state)
{
    Fixture *f = *state;
    const char *sig = strstr(f->note, "\n\n") + 2;
    unsigned char *blob;
    size_t blob_len;
    char *bad64, *note;
    const char *b64 = strrchr(sig, ' ') + 1;

    assert_int_equal(codec_b64_decode(b64, strlen(b64) - 1, &blob, &blob_len), CK_OK);
    blob[blob_len - 1] ^= 0x01;
    bad64 = codec_b64_encode(blob, blob_len);
    note = malloc(strlen(f->note) * 2 + 8);
    strcpy(note, f->note);
    strcat(note, "\xe2\x80\x94 " ORIGIN " ");
    strcat(note, bad64);
    strcat(note, "\n");
    assert_verify_fails(f, note, CK_ERR_SIGNATURE);
    free(note);
    free(bad64);
    free(blob);
}

static void
test_a_note_of_another_origin_is_refused(void **state)
{
    Fixture *f = *state;
    Checkpoint cp;
    char *note;

    assert_int_equal(checkpoint_sign(f->sk, "certkiosk.example/OTHER", 42, f->root, &note), CK_OK);
    assert_int_equal(checkpoint_verify(note, strlen(note), &f->pub, ORIGIN, &cp), CK_ERR_UNTRUSTED);
    free(note);
}

static void
test_signing_refuses_bad_origins(void **state)
{
    Fixture *f = *state;
    char *note;

    assert_int_equal(checkpoint_sign(f->sk, "", 1, f->root, &note), CK_ERR_USAGE);
    assert_int_equal(checkpoint_sign(f->sk, "a b", 1, f->root, &note), CK_ERR_USAGE);
    assert_int_equal(checkpoint_sign(f->sk, "a+b", 1, f->root, &note), CK_ERR_USAGE);
    assert_int_equal(checkpoint_sign(f->sk, "a\nb", 1, f->root, &note), CK_ERR_USAGE);
    assert_null(note);
}

/* --- correct behaviour --------------------------------------------------- */

static void
test_key_id_matches_the_c2sp_vector(void **state)
{
    /* The Go note package's example key "PeterNeumann+c74f20a3+ARpc2Q...". */
    unsigned char *vkey, id[4];
    size_t len;
    char hex[9];

    assert_int_equal(
        codec_b64_decode("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", 44, &vkey, &len), CK_OK);
    assert_int_equal(len, 33);
    assert_int_equal(vkey[0], 0x01);
    checkpoint_key_id("PeterNeumann", vkey + 1, id);
    codec_hex_encode(id, 4, hex);
    assert_string_equal(hex, "c74f20a3");
    free(vkey);
}

static void
test_signed_note_has_the_c2sp_layout_and_round_trips(void **state)
{
    Fixture *f = *state;
    char *root64 = codec_b64_encode(f->root, MERKLE_HASH_LEN), expect[512];
    Checkpoint cp;

    snprintf(expect, sizeof expect, "%s\n42\n%s\n\n\xe2\x80\x94 %s ", ORIGIN, root64, ORIGIN);
    assert_memory_equal(f->note, expect, strlen(expect));
    assert_int_equal(f->note[strlen(f->note) - 1], '\n');
    assert_int_equal(verify_str(f, f->note), CK_OK);
    assert_int_equal(checkpoint_verify(f->note, strlen(f->note), &f->pub, NULL, &cp), CK_OK);
    assert_string_equal(cp.origin, ORIGIN);
    assert_int_equal(cp.size, 42);
    assert_memory_equal(cp.root, f->root, MERKLE_HASH_LEN);
    free(root64);
}

static void
test_cosignatures_of_other_keys_are_ignored(void **state)
{
    Fixture *f = *state;
    char *other, *note;
    const char *other_sig;

    assert_int_equal(checkpoint_sign(f->other, "witness.example", 42, f->root, &other), CK_OK);
    other_sig = strstr(other, "\n\n") + 2;
    note = malloc(strlen(f->note) + strlen(other_sig) + 1);
    strcpy(note, f->note);
    strcat(note, other_sig);
    assert_int_equal(verify_str(f, note), CK_OK);
    free(note);
    free(other);
}

static void
test_sizes_zero_and_max_round_trip(void **state)
{
    Fixture *f = *state;
    Checkpoint cp;
    char *note;

    assert_int_equal(checkpoint_sign(f->sk, ORIGIN, 0, f->root, &note), CK_OK);
    assert_int_equal(verify_str(f, note), CK_OK);
    free(note);
    assert_int_equal(checkpoint_sign(f->sk, ORIGIN, UINT64_MAX, f->root, &note), CK_OK);
    assert_int_equal(checkpoint_verify(note, strlen(note), &f->pub, ORIGIN, &cp), CK_OK);
    assert_true(cp.size == UINT64_MAX);
    free(note);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncated_and_empty_notes_are_refused),
        cmocka_unit_test(test_size_must_be_plain_decimal),
        cmocka_unit_test(test_root_must_be_canonical_base64_of_32_bytes),
        cmocka_unit_test(test_line_structure_is_exact),
        cmocka_unit_test(test_a_note_without_signatures_is_refused),
        cmocka_unit_test(test_oversized_notes_and_too_many_signatures_are_refused),
        cmocka_unit_test(test_a_note_signed_by_another_key_is_refused),
        cmocka_unit_test(test_an_altered_body_fails_the_signature),
        cmocka_unit_test(test_a_bad_signature_under_our_key_id_is_refused_even_beside_a_good_one),
        cmocka_unit_test(test_a_note_of_another_origin_is_refused),
        cmocka_unit_test(test_signing_refuses_bad_origins),
        cmocka_unit_test(test_key_id_matches_the_c2sp_vector),
        cmocka_unit_test(test_signed_note_has_the_c2sp_layout_and_round_trips),
        cmocka_unit_test(test_cosignatures_of_other_keys_are_ignored),
        cmocka_unit_test(test_sizes_zero_and_max_round_trip),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, setup, teardown);
}
