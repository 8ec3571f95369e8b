/* test_isocodes: the nation chooser's country list — Debian's iso-codes read (and refused when
 * missing or broken), names in the UI languages from its catalogs, and the search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "country.h"
#include "isocodes.h"

static const char *const langs[] = {"en", "nb", "fr", "el"};

typedef struct Tmp {
    char dir[64];
    char json[128];
    char locale[128];
} Tmp;

static void
write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void
put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8), p[2] = (unsigned char)(v >> 16),
    p[3] = (unsigned char)(v >> 24);
}

/* A gettext catalog (little-endian .mo) of n msgid -> msgstr pairs. */
static size_t
make_mo(unsigned char *out, size_t cap, const char *const *pairs, size_t n)
{
    size_t off = 28 + 16 * n;

    memset(out, 0, cap);
    put32(out, 0x950412de);
    put32(out + 8, (uint32_t)n);
    put32(out + 12, 28);
    put32(out + 16, (uint32_t)(28 + 8 * n));
    for (size_t t = 0; t < 2; t++)
        for (size_t k = 0; k < n; k++) {
            const char *s = pairs[2 * k + t];
            size_t l = strlen(s);
            assert_true(off + l + 1 <= cap);
            put32(out + 28 + 8 * n * t + 8 * k, (uint32_t)l);
            put32(out + 28 + 8 * n * t + 8 * k + 4, (uint32_t)off);
            memcpy(out + off, s, l + 1);
            off += l + 1;
        }
    return off;
}

static int
setup(void **state)
{
    Tmp *t = calloc(1, sizeof *t);
    static const char json[] =
        "{\"3166-1\": [\n"
        " {\"alpha_2\": \"UA\", \"alpha_3\": \"UKR\", \"name\": \"Ukraine\", \"numeric\": \"804\"},\n"
        " {\"alpha_2\": \"AT\", \"alpha_3\": \"AUT\", \"name\": \"Austria\", \"numeric\": \"040\"},\n"
        " {\"alpha_2\": \"KR\", \"alpha_3\": \"KOR\", \"common_name\": \"South Korea\",\n"
        "  \"name\": \"Korea, Republic of\", \"numeric\": \"410\"}]}\n";
    char path[256];

    snprintf(t->dir, sizeof t->dir, "/tmp/ck-isocodes-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->json, sizeof t->json, "%s/iso_3166-1.json", t->dir);
    snprintf(t->locale, sizeof t->locale, "%s/locale", t->dir);
    write_file(t->json, json, strlen(json));
    mkdir(t->locale, 0700);
    snprintf(path, sizeof path, "%s/nb", t->locale);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/nb/LC_MESSAGES", t->locale);
    mkdir(path, 0700);
    *state = t;
    return 0;
}

static int
teardown(void **state)
{
    Tmp *t = *state;
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
    free(t);
    return 0;
}

static void
write_nb_mo(Tmp *t, const void *data, size_t len)
{
    char path[256];

    snprintf(path, sizeof path, "%s/nb/LC_MESSAGES/iso_3166-1.mo", t->locale);
    write_file(path, data, len);
}

/* ---- hostile ---- */

static void
test_missing_iso_codes_is_a_clear_error(void **state)
{
    Tmp *t = *state;
    IsoCodes *codes = (IsoCodes *)1;
    char path[256];

    snprintf(path, sizeof path, "%s/nowhere/iso_3166-1.json", t->dir);
    assert_int_equal(isocodes_load(path, t->locale, langs, 4, &codes), CK_ERR_NOT_FOUND);
    assert_null(codes);
    assert_non_null(strstr(ck_err_detail(), path));
    assert_non_null(strstr(ck_err_detail(), "iso-codes"));
}

static void
test_corrupt_json_is_refused_naming_the_file(void **state)
{
    Tmp *t = *state;
    IsoCodes *codes;
    static const char *const bad[] = {
        "{\"3166-1\": [ {\"alpha_3\": \"UKR\", \"name\": \"Ukr", /* truncated */
        "{\"3166-2\": []}",                                       /* another list */
        "[1, 2, 3]",
        "{\"3166-1\": [ {\"alpha_3\": \"UK\", \"name\": \"Ukraine\"} ]}",  /* no alpha-3 */
        "{\"3166-1\": [ {\"alpha_3\": \"ukr\", \"name\": \"Ukraine\"} ]}", /* lower case */
        "{\"3166-1\": [ {\"alpha_3\": \"UKR\"} ]}",                        /* no name */
        "{\"3166-1\": [ {\"alpha_3\": \"UKR\", \"name\": \"U\\u202ekr\"} ]}", /* a bidi override */
        "{\"3166-1\": [ {\"alpha_3\": \"UKR\", \"name\": \"A\"},"
        "  {\"alpha_3\": \"UKR\", \"name\": \"B\"} ]}", /* twice */
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(t->json, bad[i], strlen(bad[i]));
        codes = (IsoCodes *)1;
        assert_int_equal(isocodes_load(t->json, t->locale, langs, 4, &codes), CK_ERR_FORMAT);
        assert_null(codes);
        assert_non_null(strstr(ck_err_detail(), t->json));
    }
}

static void
test_missing_catalog_leaves_english_names_and_says_why(void **state)
{
    Tmp *t = *state;
    IsoCodes *codes;

    assert_int_equal(isocodes_load(t->json, t->locale, langs, 4, &codes), CK_OK);
    assert_string_equal(isocodes_name_of(codes, "UKR", "nb"), "Ukraine");
    assert_non_null(isocodes_catalog_problem(codes, "nb"));
    assert_non_null(strstr(isocodes_catalog_problem(codes, "nb"), "no such file"));
    assert_null(isocodes_catalog_problem(codes, "en"));
    isocodes_free(codes);
}

static void
test_corrupt_catalog_leaves_english_names(void **state)
{
    Tmp *t = *state;
    static const char *const pairs[] = {"Ukraine", "Ukraina"};
    unsigned char mo[512];
    size_t len = make_mo(mo, sizeof mo, pairs, 1);
    IsoCodes *codes;

    /* bad magic; truncated header; a table past the end; a string past the end */
    unsigned char bad[4][512];
    size_t bad_len[4] = {len, 20, len, len};
    for (int i = 0; i < 4; i++)
        memcpy(bad[i], mo, len);
    bad[0][0] ^= 0xFF;
    put32(bad[2] + 16, 0x7FFFFFF0u);
    put32(bad[3] + 28 + 8 + 4, 4000); /* the translation's offset */
    for (int i = 0; i < 4; i++) {
        write_nb_mo(t, bad[i], bad_len[i]);
        assert_int_equal(isocodes_load(t->json, t->locale, langs, 4, &codes), CK_OK);
        assert_string_equal(isocodes_name_of(codes, "UKR", "nb"), "Ukraine");
        if (i < 3)
            assert_non_null(isocodes_catalog_problem(codes, "nb"));
        isocodes_free(codes);
    }
    /* A translation with a control character is not shown. */
    static const char *const evil[] = {"Ukraine", "Ukr\x1b[2Jaina"};
    len = make_mo(mo, sizeof mo, evil, 1);
    write_nb_mo(t, mo, len);
    assert_int_equal(isocodes_load(t->json, t->locale, langs, 4, &codes), CK_OK);
    assert_string_equal(isocodes_name_of(codes, "UKR", "nb"), "Ukraine");
    isocodes_free(codes);
}

static void
test_bad_language_code_is_refused(void **state)
{
    Tmp *t = *state;
    static const char *const evil[] = {"../../etc"};
    IsoCodes *codes;

    assert_int_equal(isocodes_load(t->json, t->locale, evil, 1, &codes), CK_ERR_USAGE);
    assert_null(codes);
}

/* ---- behaviour ---- */

static void
test_catalog_translates_common_name_first(void **state)
{
    Tmp *t = *state;
    static const char *const pairs[] = {"Austria",     "\xC3\x98sterrike", "Korea, Republic of",
                                        "Korea, Republikken", "Ukraine", "Ukraina"};
    unsigned char mo[512];
    IsoCodes *codes;
    size_t idx[8];

    write_nb_mo(t, mo, make_mo(mo, sizeof mo, pairs, 3));
    assert_int_equal(isocodes_load(t->json, t->locale, langs, 4, &codes), CK_OK);
    assert_int_equal(isocodes_count(codes), 3);
    assert_null(isocodes_catalog_problem(codes, "nb"));
    assert_string_equal(isocodes_name_of(codes, "UKR", "nb"), "Ukraina");
    assert_string_equal(isocodes_name_of(codes, "UKR", "en"), "Ukraine");
    /* "South Korea" is not in this catalog: its name is */
    assert_string_equal(isocodes_name_of(codes, "KOR", "nb"), "Korea, Republikken");
    assert_string_equal(isocodes_name_of(codes, "KOR", "en"), "South Korea");
    assert_null(isocodes_name_of(codes, "XKX", "en"));
    /* an accent typed or not finds the same */
    assert_int_equal(isocodes_search(codes, "nb", "\xC3\xB8st", idx, 8), 1);
    assert_string_equal(isocodes_code(codes, idx[0]), "AUT");
    assert_int_equal(isocodes_search(codes, "nb", "OST", idx, 8), 1);
    /* sorted by the name in the language: in Norwegian Ø comes after Z
     * (Korea, Ukraina, Østerrike); in English, accents folded (Austria, South
     * Korea, Ukraine) */
    assert_int_equal(isocodes_search(codes, "nb", "", idx, 8), 3);
    assert_string_equal(isocodes_code(codes, idx[0]), "KOR");
    assert_string_equal(isocodes_code(codes, idx[1]), "UKR");
    assert_string_equal(isocodes_code(codes, idx[2]), "AUT");
    assert_int_equal(isocodes_search(codes, "en", "", idx, 8), 3);
    assert_string_equal(isocodes_code(codes, idx[0]), "AUT");
    assert_string_equal(isocodes_code(codes, idx[1]), "KOR");
    isocodes_free(codes);
}

/* The real thing: Debian's iso-codes as installed (kiosk/setup.sh installs it). */
static IsoCodes *
load_debian(void)
{
    IsoCodes *codes = NULL;

    assert_int_equal(isocodes_load(ISOCODES_JSON, ISOCODES_LOCALE_DIR, langs, 4, &codes), CK_OK);
    for (size_t i = 0; i < 4; i++)
        assert_null(isocodes_catalog_problem(codes, langs[i]));
    return codes;
}

static void
test_debian_names_in_every_ui_language(void **state)
{
    (void)state;
    IsoCodes *codes = load_debian();

    assert_string_equal(isocodes_name_of(codes, "UKR", "en"), "Ukraine");
    assert_string_equal(isocodes_name_of(codes, "UKR", "nb"), "Ukraina");
    assert_string_equal(isocodes_name_of(codes, "UKR", "el"), "\xCE\x9F\xCF\x85\xCE\xBA\xCF\x81\xCE\xB1\xCE\xBD\xCE\xAF\xCE\xB1");
    assert_string_equal(isocodes_name_of(codes, "NOR", "nb"), "Norge");
    assert_string_equal(isocodes_name_of(codes, "NOR", "fr"), "Norv\xC3\xA8ge");
    assert_string_equal(isocodes_name_of(codes, "TWN", "en"), "Taiwan");
    isocodes_free(codes);
}

static void
test_search_finds_by_name_english_name_and_code(void **state)
{
    (void)state;
    IsoCodes *codes = load_debian();
    size_t idx[300];

    assert_int_equal(isocodes_search(codes, "en", "Ukr", idx, 300), 1);
    assert_string_equal(isocodes_code(codes, idx[0]), "UKR");
    assert_int_equal(isocodes_search(codes, "nb", "ukr", idx, 300), 1);
    assert_string_equal(isocodes_name(codes, idx[0], "nb"), "Ukraina");
    /* Greek, without the tonos and in capitals, and by the English name */
    assert_int_equal(isocodes_search(codes, "el", "\xCE\x9F\xCE\xA5\xCE\x9A", idx, 300), 1);
    assert_string_equal(isocodes_code(codes, idx[0]), "UKR");
    assert_int_equal(isocodes_search(codes, "el", "Ukraine", idx, 300), 1);
    /* by code */
    assert_true(isocodes_search(codes, "nb", "SWE", idx, 300) >= 1);
    assert_string_equal(isocodes_code(codes, idx[0]), "SWE");
    /* not a country: nothing */
    assert_int_equal(isocodes_search(codes, "en", "ABC", idx, 300), 0);
    assert_int_equal(isocodes_search(codes, "en", "XKX", idx, 300), 0);
    /* a word inside the name: "Korea" finds both */
    assert_int_equal(isocodes_search(codes, "en", "korea", idx, 300), 2);
    /* nothing typed: every country, cap respected */
    assert_int_equal(isocodes_search(codes, "en", "", idx, 10), 249);
    isocodes_free(codes);
}

/* The kiosk accepts a code only if country.c knows it: its table and
 * Debian's list are the same 249 codes. */
static void
test_debian_codes_are_the_codes_the_kiosk_accepts(void **state)
{
    (void)state;
    IsoCodes *codes = load_debian();

    assert_int_equal(isocodes_count(codes), 249);
    for (size_t i = 0; i < isocodes_count(codes); i++)
        assert_true(country_known(isocodes_code(codes, i)));
    isocodes_free(codes);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_missing_iso_codes_is_a_clear_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_json_is_refused_naming_the_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_catalog_leaves_english_names_and_says_why,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_catalog_leaves_english_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_language_code_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalog_translates_common_name_first, setup,
                                        teardown),
        cmocka_unit_test(test_debian_names_in_every_ui_language),
        cmocka_unit_test(test_search_finds_by_name_english_name_and_code),
        cmocka_unit_test(test_debian_codes_are_the_codes_the_kiosk_accepts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
