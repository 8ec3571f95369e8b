/* Tests of keys: generation, key IDs, weak public keys and key files. Hostile cases first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "fileio.h"
#include "keys.h"

static char dir[] = "/tmp/ck_test_keys_XXXXXX";

static char *
path_in_dir(const char *name)
{
    char *p = fileio_join(dir, name);

    unlink(p);
    return p;
}

static void
test_public_key_refuses_small_order_points(void **state)
{
    /* The identity, and the order-2 point: a "public key" that any forged
     * signature might satisfy. */
    unsigned char identity[32] = {1};
    unsigned char order2[32] = {0};
    PublicKey pub;

    order2[0] = 0xec;
    memset(order2 + 1, 0xff, 30);
    order2[31] = 0x7f;
    assert_int_equal(key_public_from_bytes(identity, &pub), CK_ERR_KEY);
    assert_int_equal(key_public_from_bytes(order2, &pub), CK_ERR_KEY);
    assert_non_null(strstr(ck_err_detail(), "full order"));
}

static void
test_public_key_refuses_non_canonical_encoding(void **state)
{
    /* y = p (2^255 - 19) encodes the same point as y = 0, non-canonically. */
    unsigned char noncanon[32];
    PublicKey pub;

    memset(noncanon, 0xff, 32);
    noncanon[0] = 0xed;
    noncanon[31] = 0x7f;
    assert_int_equal(key_public_from_bytes(noncanon, &pub), CK_ERR_KEY);
}

static void
test_plain_key_file_with_open_mode_is_refused(void **state)
{
    SecretKey *sk, *loaded = NULL;
    char *path = path_in_dir("open.key");

    assert_int_equal(key_generate(KEY_KIND_KIOSK, &sk), CK_OK);
    assert_int_equal(key_save_plain(sk, path), CK_OK);
    chmod(path, 0644);
    assert_int_equal(key_load_plain(path, KEY_KIND_KIOSK, &loaded), CK_ERR_PERMISSION);
    assert_null(loaded);
    assert_non_null(strstr(ck_err_detail(), "0600"));
    key_destroy(sk);
    free(path);
}

static void
test_key_of_the_wrong_kind_is_refused(void **state)
{
    SecretKey *sk, *loaded = NULL;
    char *path = path_in_dir("kiosk.key");

    assert_int_equal(key_generate(KEY_KIND_KIOSK, &sk), CK_OK);
    assert_int_equal(key_save_plain(sk, path), CK_OK);
    assert_int_equal(key_load_plain(path, KEY_KIND_PUBLISHER, &loaded), CK_ERR_KEY);
    assert_non_null(strstr(ck_err_detail(), "not a publisher key"));
    assert_null(loaded);
    key_destroy(sk);
    free(path);
}

static void
test_wrong_passphrase_is_refused(void **state)
{
    SecretKey *sk, *loaded = NULL;
    char *path = path_in_dir("auth.key");

    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &sk), CK_OK);
    assert_int_equal(key_save_encrypted(sk, path, "correct horse", 13), CK_OK);
    assert_int_equal(key_load_encrypted(path, KEY_KIND_AUTHORITY, "correct hors", 12, &loaded),
                     CK_ERR_PASSPHRASE);
    assert_null(loaded);
    assert_non_null(strstr(ck_err_detail(), "wrong passphrase"));
    key_destroy(sk);
    free(path);
}

/* Rewrites a key file with one byte of its decoded blob flipped. */
static void
flip_blob_byte(const char *path, size_t at)
{
    unsigned char *text, *blob;
    size_t len, blob_len;
    char *nl, *b64, *out;
    FILE *f;

    assert_int_equal(fileio_read(path, 4096, &text, &len), CK_OK);
    nl = strchr((char *)text, '\n');
    assert_non_null(nl);
    *nl = '\0';
    assert_int_equal(codec_b64_decode(nl + 1, strcspn(nl + 1, "\n"), &blob, &blob_len), CK_OK);
    assert_true(at < blob_len);
    blob[at] ^= 0x01;
    b64 = codec_b64_encode(blob, blob_len);
    assert_int_equal(asprintf(&out, "%s\n%s\n", (char *)text, b64) > 0, 1);
    unlink(path);
    f = fopen(path, "w");
    fputs(out, f);
    fclose(f);
    chmod(path, 0600);
    free(out);
    free(b64);
    free(blob);
    free(text);
}

static void
test_damaged_plain_key_is_refused(void **state)
{
    SecretKey *sk, *loaded = NULL;
    char *path = path_in_dir("damaged.key");

    assert_int_equal(key_generate(KEY_KIND_KIOSK, &sk), CK_OK);
    assert_int_equal(key_save_plain(sk, path), CK_OK);
    flip_blob_byte(path, 20);
    assert_int_equal(key_load_plain(path, KEY_KIND_KIOSK, &loaded), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "damaged"));
    key_destroy(sk);
    free(path);
}

static void
test_encrypted_key_with_altered_kind_byte_is_refused(void **state)
{
    /* Relabel an authority key as a publisher key in both the text line and
     * the blob header: the sealed kind inside the box gives it away. */
    SecretKey *sk, *loaded = NULL;
    char *path = path_in_dir("relabel.key");
    unsigned char *text;
    size_t len;
    FILE *f;
    char *nl;
    unsigned char *blob;
    size_t blob_len;
    char *b64;

    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &sk), CK_OK);
    assert_int_equal(key_save_encrypted(sk, path, "twelve chars", 12), CK_OK);
    assert_int_equal(fileio_read(path, 4096, &text, &len), CK_OK);
    nl = strchr((char *)text, '\n');
    assert_int_equal(codec_b64_decode(nl + 1, strcspn(nl + 1, "\n"), &blob, &blob_len), CK_OK);
    blob[4] = KEY_KIND_PUBLISHER;
    b64 = codec_b64_encode(blob, blob_len);
    unlink(path);
    f = fopen(path, "w");
    fprintf(f, "certkiosk-secret-key/1 publisher\n%s\n", b64);
    fclose(f);
    chmod(path, 0600);
    assert_int_not_equal(
        key_load_encrypted(path, KEY_KIND_PUBLISHER, "twelve chars", 12, &loaded), CK_OK);
    assert_null(loaded);
    free(b64);
    free(blob);
    free(text);
    key_destroy(sk);
    free(path);
}

static void
test_short_passphrase_is_refused_counting_characters_not_bytes(void **state)
{
    /* Eleven characters in 22 bytes: too short, however many bytes it takes. */
    const char *eleven = "æøåæøåæøåæø", *twelve = "æøåæøåæøåæøå";
    SecretKey *sk;
    char *path = path_in_dir("short.key");

    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &sk), CK_OK);
    assert_int_equal(key_save_encrypted(sk, path, eleven, strlen(eleven)), CK_ERR_USAGE);
    assert_non_null(strstr(ck_err_detail(), "the passphrase has 11 characters; a"));
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(key_save_encrypted(sk, path, twelve, strlen(twelve)), CK_OK);
    key_destroy(sk);
    free(path);
}

static void
test_save_refuses_to_overwrite(void **state)
{
    SecretKey *sk;
    char *path = path_in_dir("twice.key");

    assert_int_equal(key_generate(KEY_KIND_KIOSK, &sk), CK_OK);
    assert_int_equal(key_save_plain(sk, path), CK_OK);
    assert_int_equal(key_save_plain(sk, path), CK_ERR_EXISTS);
    key_destroy(sk);
    free(path);
}

static void
test_forged_signature_is_refused(void **state)
{
    SecretKey *sk;
    PublicKey pub;
    unsigned char sig[crypto_sign_BYTES];
    const unsigned char msg[] = "certificate";

    assert_int_equal(key_generate(KEY_KIND_KIOSK, &sk), CK_OK);
    key_public(sk, &pub);
    key_sign(sk, msg, sizeof msg, sig);
    assert_int_equal(key_verify(&pub, msg, sizeof msg, sig), CK_OK);
    sig[5] ^= 0x40;
    assert_int_equal(key_verify(&pub, msg, sizeof msg, sig), CK_ERR_SIGNATURE);
    sig[5] ^= 0x40;
    assert_int_equal(key_verify(&pub, msg, sizeof msg - 1, sig), CK_ERR_SIGNATURE);
    key_destroy(sk);
}

static void
test_key_id_is_sha256_prefix(void **state)
{
    unsigned char pk[32], h[32];
    char kid[KEY_ID_LEN + 1], hex[KEY_ID_LEN + 1];

    for (int i = 0; i < 32; i++)
        pk[i] = (unsigned char)i;
    key_id(pk, kid);
    crypto_hash_sha256(h, pk, 32);
    codec_hex_encode(h, 8, hex);
    assert_string_equal(kid, hex);
    assert_int_equal(strlen(kid), 16);
}

static void
test_plain_key_round_trip_keeps_the_key(void **state)
{
    SecretKey *sk, *loaded;
    PublicKey a, b;
    char *path = path_in_dir("round.key");
    struct stat st;

    assert_int_equal(key_generate(KEY_KIND_KIOSK, &sk), CK_OK);
    assert_int_equal(key_save_plain(sk, path), CK_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(key_load_plain(path, KEY_KIND_KIOSK, &loaded), CK_OK);
    key_public(sk, &a);
    key_public(loaded, &b);
    assert_true(key_public_equal(&a, &b));
    assert_string_equal(a.kid, b.kid);
    assert_int_equal(key_kind(loaded), KEY_KIND_KIOSK);
    key_destroy(loaded);
    key_destroy(sk);
    free(path);
}

static void
test_encrypted_key_round_trip_keeps_the_key(void **state)
{
    SecretKey *sk, *loaded;
    PublicKey a, b;
    char *path = path_in_dir("enc.key");

    assert_int_equal(key_generate(KEY_KIND_PUBLISHER, &sk), CK_OK);
    assert_int_equal(key_save_encrypted(sk, path, "s3cret phrase", 13), CK_OK);
    assert_int_equal(key_load_plain(path, KEY_KIND_PUBLISHER, &loaded), CK_ERR_USAGE);
    assert_int_equal(key_load_encrypted(path, KEY_KIND_PUBLISHER, "s3cret phrase", 13, &loaded), CK_OK);
    key_public(sk, &a);
    key_public(loaded, &b);
    assert_true(key_public_equal(&a, &b));
    assert_int_equal(key_public_from_bytes(b.pk, &a), CK_OK);
    key_destroy(loaded);
    key_destroy(sk);
    free(path);
}

static int
setup(void **state)
{
    setenv("CERTKIOSK_TEST_FAST_KDF", "1", 1);
    if (sodium_init() < 0 || mkdtemp(dir) == NULL)
        return -1;
    return 0;
}

static int
teardown(void **state)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_key_refuses_small_order_points),
        cmocka_unit_test(test_public_key_refuses_non_canonical_encoding),
        cmocka_unit_test(test_plain_key_file_with_open_mode_is_refused),
        cmocka_unit_test(test_key_of_the_wrong_kind_is_refused),
        cmocka_unit_test(test_wrong_passphrase_is_refused),
        cmocka_unit_test(test_damaged_plain_key_is_refused),
        cmocka_unit_test(test_encrypted_key_with_altered_kind_byte_is_refused),
        cmocka_unit_test(test_short_passphrase_is_refused_counting_characters_not_bytes),
        cmocka_unit_test(test_save_refuses_to_overwrite),
        cmocka_unit_test(test_forged_signature_is_refused),
        cmocka_unit_test(test_key_id_is_sha256_prefix),
        cmocka_unit_test(test_plain_key_round_trip_keeps_the_key),
        cmocka_unit_test(test_encrypted_key_round_trip_keeps_the_key),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
