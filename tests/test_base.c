/* Tests of the base modules: err, codec, clock, fileio. Hostile cases first. */
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

#include "clock.h"
#include "codec.h"
#include "fileio.h"

static void
test_b64url_refuses_padding_and_foreign_alphabet(void **state)
{
    unsigned char *bin;
    size_t len;

    assert_int_equal(codec_b64url_decode("YQ==", 4, &bin, &len), CK_ERR_FORMAT);
    assert_int_equal(codec_b64url_decode("a+b/", 4, &bin, &len), CK_ERR_FORMAT);
    assert_int_equal(codec_b64url_decode("YW J", 4, &bin, &len), CK_ERR_FORMAT);
    assert_null(bin);
}

static void
test_b64url_round_trip(void **state)
{
    const unsigned char data[] = {0xfb, 0xff, 0x00, 'x'};
    char *enc = codec_b64url_encode(data, sizeof data);
    unsigned char *bin;
    size_t len;

    assert_string_equal(enc, "-_8AeA");
    assert_int_equal(codec_b64url_decode(enc, strlen(enc), &bin, &len), CK_OK);
    assert_int_equal(len, sizeof data);
    assert_memory_equal(bin, data, len);
    free(bin);
    free(enc);
}

static void
test_b64url_exact_length_is_enforced(void **state)
{
    unsigned char out[4];

    assert_int_equal(codec_b64url_decode_exact("-_8AeA", out, 3), CK_ERR_FORMAT);
    assert_int_equal(codec_b64url_decode_exact("-_8AeA", out, 4), CK_OK);
}

static void
test_hex_refuses_odd_and_non_hex(void **state)
{
    unsigned char out[2];

    assert_int_equal(codec_hex_decode("abc", out, 2), CK_ERR_FORMAT);
    assert_int_equal(codec_hex_decode("zz00", out, 2), CK_ERR_FORMAT);
    assert_int_equal(codec_hex_decode("AB01", out, 2), CK_OK);
    assert_int_equal(out[0], 0xab);
}

static void
test_clock_refuses_impossible_dates(void **state)
{
    int64_t t;

    assert_int_equal(clock_parse("2026-02-29T00:00:00Z", &t), CK_ERR_FORMAT);
    assert_int_equal(clock_parse("2026-13-01", &t), CK_ERR_FORMAT);
    assert_int_equal(clock_parse("2026-01-01T24:00:00Z", &t), CK_ERR_FORMAT);
    assert_int_equal(clock_parse("2026-01-01T00:00:00+01:00", &t), CK_ERR_FORMAT);
    assert_int_equal(clock_parse("", &t), CK_ERR_FORMAT);
    assert_int_equal(clock_parse("2026-01-01T00:00:00z", &t), CK_ERR_FORMAT);
}

static void
test_clock_refuses_other_spellings(void **state)
{
    static const char *const bad[] = {
        "2026-1-011",           "2026-01-1 ",           " 2026-01-1",
        "+026-01-01",           "-026-01-01",           "2026-0-101",
        "2026/01/01",           "2026-01-0a",           "2026-01-01T1:00:000Z",
        "2026-01-01 00:00:00Z", "2026-01-01T00:00:00 ", "2026-01-01T00-00-00Z",
        "2026-01-01T+0:00:00Z", "2026-01-01t00:00:00Z", "2026-01-01T00:00:0-Z",
        "20260101",             "2026-01-01T00:00Z",
    };
    int64_t t = 42;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(clock_parse(bad[i], &t), CK_ERR_FORMAT);
        assert_int_equal(t, 42);
    }
    assert_int_equal(clock_parse("9999-12-31T23:59:59Z", &t), CK_OK);
    assert_int_equal(clock_parse("1969-12-31T23:59:59Z", &t), CK_ERR_FORMAT);
}

static void
test_clock_round_trip(void **state)
{
    char buf[CLOCK_RFC3339_LEN + 1];
    int64_t t;

    assert_int_equal(clock_parse("2024-02-29T23:59:59Z", &t), CK_OK);
    assert_int_equal(t, 1709251199);
    clock_format(t, buf);
    assert_string_equal(buf, "2024-02-29T23:59:59Z");
    assert_int_equal(clock_parse("1970-01-01", &t), CK_OK);
    assert_int_equal(t, 0);
}

static void
test_clock_can_be_fixed(void **state)
{
    clock_set(1234567890);
    assert_int_equal(clock_now(), 1234567890);
    clock_set(0);
    assert_true(clock_now() > 1700000000);
}

static void
test_read_refuses_oversized_and_missing(void **state)
{
    char path[] = "/tmp/ck-base-XXXXXX";
    int fd = mkstemp(path);
    unsigned char *data;
    size_t len;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "0123456789", 10), 10);
    close(fd);
    assert_int_equal(fileio_read(path, 9, &data, &len), CK_ERR_TOO_LARGE);
    assert_non_null(strstr(ck_err_detail(), path));
    assert_int_equal(fileio_read(path, 10, &data, &len), CK_OK);
    assert_int_equal(len, 10);
    free(data);
    unlink(path);
    assert_int_equal(fileio_read(path, 10, &data, &len), CK_ERR_NOT_FOUND);
}

static void
test_read_secret_refuses_open_permissions(void **state)
{
    char path[] = "/tmp/ck-base-XXXXXX";
    int fd = mkstemp(path);
    unsigned char *data;
    size_t len;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "secret", 6), 6);
    close(fd);
    chmod(path, 0644);
    assert_int_equal(fileio_read_secret(path, 100, &data, &len), CK_ERR_PERMISSION);
    assert_non_null(strstr(ck_err_detail(), "0600"));
    chmod(path, 0600);
    assert_int_equal(fileio_read_secret(path, 100, &data, &len), CK_OK);
    assert_memory_equal(data, "secret", 6);
    sodium_free(data);
    unlink(path);
}

static void
test_write_atomic_exclusive_keeps_the_old_file(void **state)
{
    char dir[] = "/tmp/ck-base-XXXXXX";
    char *path;
    unsigned char *data;
    size_t len;

    assert_non_null(mkdtemp(dir));
    path = fileio_join(dir, "f");
    assert_int_equal(fileio_write_atomic(path, "one", 3, 0600, true), CK_OK);
    assert_int_equal(fileio_write_atomic(path, "two", 3, 0600, true), CK_ERR_EXISTS);
    assert_int_equal(fileio_read(path, 100, &data, &len), CK_OK);
    assert_memory_equal(data, "one", 3);
    free(data);
    assert_int_equal(fileio_write_atomic(path, "three", 5, 0600, false), CK_OK);
    assert_int_equal(fileio_read(path, 100, &data, &len), CK_OK);
    assert_memory_equal(data, "three", 5);
    free(data);
    unlink(path);
    rmdir(dir);
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_b64url_refuses_padding_and_foreign_alphabet),
        cmocka_unit_test(test_b64url_round_trip),
        cmocka_unit_test(test_b64url_exact_length_is_enforced),
        cmocka_unit_test(test_hex_refuses_odd_and_non_hex),
        cmocka_unit_test(test_clock_refuses_impossible_dates),
        cmocka_unit_test(test_clock_refuses_other_spellings),
        cmocka_unit_test(test_clock_round_trip),
        cmocka_unit_test(test_clock_can_be_fixed),
        cmocka_unit_test(test_read_refuses_oversized_and_missing),
        cmocka_unit_test(test_read_secret_refuses_open_permissions),
        cmocka_unit_test(test_write_atomic_exclusive_keeps_the_old_file),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
