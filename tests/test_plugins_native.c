/* Tests of the shipped native modules (nor, usa, template), loaded as the kiosk loads them:
 * through their one exported entry symbol. The Norwegian numbers are synthetic, computed
 * with the mod-11 algorithm for these tests; none belongs to a real person. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <certkiosk/plugin.h>

static const char *fake_locale = "en";
static int log_lines;

static void
fake_log(void *ctx, CkPluginLogLevel level, const char *msg)
{
    (void)ctx;
    (void)level;
    (void)msg;
    log_lines++;
}

static const char *
fake_get_locale(void *ctx)
{
    (void)ctx;
    return fake_locale;
}

static int64_t
fake_now(void *ctx)
{
    (void)ctx;
    return 1767225600; /* 2026-01-01 */
}

static const CkPluginHost host = {
    .struct_size = sizeof(CkPluginHost),
    .abi_major = CK_PLUGIN_ABI_MAJOR,
    .abi_minor = CK_PLUGIN_ABI_MINOR,
    .log = fake_log,
    .locale = fake_get_locale,
    .now = fake_now,
};

static const CkPlugin *
load(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    CkPluginEntryFn entry;
    const CkPlugin *p = NULL;
    char err[256] = "";

    assert_non_null(h);
    *(void **)&entry = dlsym(h, CK_PLUGIN_ENTRY_NAME);
    assert_non_null(entry);
    assert_int_equal(entry(&host, &p, err, sizeof err), CK_PLUGIN_OK);
    assert_non_null(p);
    assert_int_equal(p->abi_major, CK_PLUGIN_ABI_MAJOR);
    assert_true(p->struct_size >= offsetof(CkPlugin, reserved));
    return p;
}

/* Returns the status and leaves the reason in a static buffer. */
static char reason[CK_PLUGIN_REASON_MIN * 2];

static CkPluginStatus
check(const CkPlugin *p, const char *number)
{
    memset(reason, 0, sizeof reason);
    return p->validate_service_number(p->ctx, number, reason, sizeof reason);
}

/* ---- Norway ---- */

static void
test_nor_refuses_wrong_length_and_non_digits(void **state)
{
    const CkPlugin *p = load(NOR_MODULE);

    assert_int_equal(check(p, ""), CK_PLUGIN_INVALID);
    assert_string_equal(reason, "a national identity number has exactly 11 digits");
    assert_int_equal(check(p, "0101901205"), CK_PLUGIN_INVALID);
    assert_int_equal(check(p, "010190120577"), CK_PLUGIN_INVALID);
    assert_int_equal(check(p, "0101901205A"), CK_PLUGIN_INVALID);
    assert_string_equal(reason, "a national identity number has only digits");
    assert_int_equal(check(p, "010190 12057"), CK_PLUGIN_INVALID);
    assert_int_equal(check(p, NULL), CK_PLUGIN_INVALID);
}

static void
test_nor_names_the_wrong_check_digit(void **state)
{
    const CkPlugin *p = load(NOR_MODULE);

    assert_int_equal(check(p, "01019012067"), CK_PLUGIN_INVALID);
    assert_non_null(strstr(reason, "check digit 1 is wrong"));
    assert_int_equal(check(p, "01019012058"), CK_PLUGIN_INVALID);
    assert_non_null(strstr(reason, "check digit 2 is wrong"));
    /* 010190012: the first weighted sum leaves remainder 1, so no number starts so. */
    assert_int_equal(check(p, "01019001200"), CK_PLUGIN_INVALID);
    assert_non_null(strstr(reason, "no valid number begins with these nine digits"));
    /* 010190007 + k1 5: the second sum leaves remainder 1, no check digit 2 fits. */
    for (char k2 = '0'; k2 <= '9'; k2++) {
        char n[12] = "0101900075";
        n[10] = k2;
        n[11] = '\0';
        assert_int_equal(check(p, n), CK_PLUGIN_INVALID);
        assert_non_null(strstr(reason, "check digit 2 is wrong"));
    }
}

static void
test_nor_refuses_impossible_dates(void **state)
{
    const CkPlugin *p = load(NOR_MODULE);

    assert_int_equal(check(p, "32019012057"), CK_PLUGIN_INVALID);
    assert_string_equal(reason, "the first six digits are not a valid date of birth");
    assert_int_equal(check(p, "01139012057"), CK_PLUGIN_INVALID);
    assert_int_equal(check(p, "00019012057"), CK_PLUGIN_INVALID);
    /* 29.02.00 with individual number 012 is 1900, not a leap year; check digits are right. */
    assert_int_equal(check(p, "29020012038"), CK_PLUGIN_INVALID);
    assert_string_equal(reason, "the first six digits are not a valid date of birth");
    /* A D-number whose day, less 40, is not a day. */
    assert_int_equal(check(p, "72019012057"), CK_PLUGIN_INVALID);
}

static void
test_nor_refuses_individual_number_that_does_not_fit_the_year(void **state)
{
    const CkPlugin *p = load(NOR_MODULE);

    /* 01.01.70 with individual number 890: 750-899 were never issued for 1940-1999. */
    assert_int_equal(check(p, "01017089028"), CK_PLUGIN_INVALID);
    assert_non_null(strstr(reason, "individual number"));
}

static void
test_nor_accepts_valid_numbers_and_d_numbers(void **state)
{
    const CkPlugin *p = load(NOR_MODULE);
    const char *valid[] = {
        "01019012057", /* 01.01.1990, individual 120 */
        "15068543034", /* 15.06.1985 */
        "31125012186", /* 31.12.1950 */
        "31016095063", /* 31.01.1960, individual 950 (900-999 → 1940-1999) */
        "15056553050", /* 15.05.1865, individual 530 (500-749 → 1854-1899) */
        "29020056000", /* 29.02.2000, individual 560: 2000 is a leap year */
        "29020450051", /* 29.02.2004 */
        "28021075150", /* 28.02.2010, individual 751 */
        "41019012040", /* D-number: day 01 + 40 */
        "71129949036", /* D-number: 31.12.1999 */
    };

    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        if (check(p, valid[i]) != CK_PLUGIN_OK)
            fail_msg("%s refused: %s", valid[i], reason);
    }
}

static void
test_nor_gives_reasons_in_norwegian_for_a_norwegian_session(void **state)
{
    const CkPlugin *p = load(NOR_MODULE);

    fake_locale = "nb";
    assert_int_equal(check(p, "01019012067"), CK_PLUGIN_INVALID);
    fake_locale = "en";
    assert_non_null(strstr(reason, "kontrollsiffer 1 er feil"));
}

static void
test_nor_reason_is_truncated_not_overrun(void **state)
{
    const CkPlugin *p = load(NOR_MODULE);
    char small[8];

    memset(small, 'x', sizeof small);
    assert_int_equal(p->validate_service_number(p->ctx, "01019012067", small, sizeof small),
                     CK_PLUGIN_INVALID);
    assert_int_equal(small[7], '\0');
}

static void
test_nor_extra_claim_says_which_kind_of_number(void **state)
{
    const CkPlugin *p = load(NOR_MODULE);
    CkPluginClaim claims[2];
    size_t n = 99;

    assert_non_null(p->extra_claims);
    assert_int_equal(p->extra_claims(p->ctx, "41019012040", CK_PLUGIN_MILITARY, claims, 0, &n),
                     CK_PLUGIN_NOSPACE);
    assert_int_equal(p->extra_claims(p->ctx, "41019012040", CK_PLUGIN_MILITARY, claims, 2, &n),
                     CK_PLUGIN_OK);
    assert_int_equal(n, 1);
    assert_string_equal(claims[0].key, "nor.idKind");
    assert_string_equal(claims[0].value, "d-number");
    assert_int_equal(p->extra_claims(p->ctx, "01019012057", CK_PLUGIN_CIVILIAN, claims, 2, &n),
                     CK_PLUGIN_OK);
    assert_string_equal(claims[0].value, "fodselsnummer");
    assert_string_equal(p->nation, "NOR");
}

static void
test_modules_export_only_the_entry_symbol(void **state)
{
    const char *paths[] = {NOR_MODULE, USA_MODULE, TEMPLATE_MODULE};

    for (size_t i = 0; i < 3; i++) {
        void *h = dlopen(paths[i], RTLD_NOW | RTLD_LOCAL);
        assert_non_null(h);
        assert_non_null(dlsym(h, CK_PLUGIN_ENTRY_NAME));
        assert_null(dlsym(h, "nor_validate"));
        assert_null(dlsym(h, "usa_validate"));
        assert_null(dlsym(h, "template_validate"));
        assert_null(dlsym(h, "plugin"));
    }
}

static void
test_modules_refuse_a_host_of_another_abi_major(void **state)
{
    const char *paths[] = {NOR_MODULE, USA_MODULE, TEMPLATE_MODULE};
    CkPluginHost other = host;

    other.abi_major = CK_PLUGIN_ABI_MAJOR + 1;
    for (size_t i = 0; i < 3; i++) {
        void *h = dlopen(paths[i], RTLD_NOW | RTLD_LOCAL);
        CkPluginEntryFn entry;
        const CkPlugin *p = NULL;
        char err[256] = "";
        *(void **)&entry = dlsym(h, CK_PLUGIN_ENTRY_NAME);
        assert_int_equal(entry(&other, &p, err, sizeof err), CK_PLUGIN_FAILED);
        assert_non_null(strstr(err, "host ABI"));
        assert_null(p);
    }
}

/* ---- USA ---- */

static void
test_usa_refuses_anything_but_ten_digits(void **state)
{
    const CkPlugin *p = load(USA_MODULE);

    assert_int_equal(check(p, "123456789"), CK_PLUGIN_INVALID);
    assert_non_null(strstr(reason, "exactly 10 digits"));
    assert_int_equal(check(p, "12345678901"), CK_PLUGIN_INVALID);
    assert_int_equal(check(p, "12345E7890"), CK_PLUGIN_INVALID);
    assert_string_equal(reason, "a DoD ID number has only digits");
    assert_int_equal(check(p, "-123456789"), CK_PLUGIN_INVALID);
    assert_int_equal(check(p, "0000000000"), CK_PLUGIN_INVALID);
    assert_string_equal(reason, "a DoD ID number cannot be all zeros");
    assert_int_equal(check(p, NULL), CK_PLUGIN_INVALID);
}

static void
test_usa_accepts_any_ten_digits_without_inventing_a_check_digit(void **state)
{
    const CkPlugin *p = load(USA_MODULE);

    assert_int_equal(check(p, "1234567890"), CK_PLUGIN_OK);
    assert_int_equal(check(p, "1234567891"), CK_PLUGIN_OK);
    assert_int_equal(check(p, "0000000001"), CK_PLUGIN_OK);
    assert_string_equal(p->nation, "USA");
    assert_null(p->must_certify); /* the manifest says who certifies */
}

/* ---- template ---- */

static void
test_template_checks_its_example_luhn_digit_and_logs_once(void **state)
{
    int before = log_lines;
    const CkPlugin *p = load(TEMPLATE_MODULE);
    int must = 7;

    assert_int_equal(log_lines, before + 1);
    assert_int_equal(check(p, "79927398713"), CK_PLUGIN_OK);
    assert_int_equal(check(p, "79927398710"), CK_PLUGIN_INVALID);
    assert_non_null(strstr(reason, "check digit"));
    assert_int_equal(check(p, "7992739871x"), CK_PLUGIN_INVALID);
    assert_int_equal(p->must_certify(p->ctx, CK_PLUGIN_MILITARY, &must), CK_PLUGIN_UNSUPPORTED);
    assert_string_equal(p->nation, "ZZT");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nor_refuses_wrong_length_and_non_digits),
        cmocka_unit_test(test_nor_names_the_wrong_check_digit),
        cmocka_unit_test(test_nor_refuses_impossible_dates),
        cmocka_unit_test(test_nor_refuses_individual_number_that_does_not_fit_the_year),
        cmocka_unit_test(test_nor_accepts_valid_numbers_and_d_numbers),
        cmocka_unit_test(test_nor_gives_reasons_in_norwegian_for_a_norwegian_session),
        cmocka_unit_test(test_nor_reason_is_truncated_not_overrun),
        cmocka_unit_test(test_nor_extra_claim_says_which_kind_of_number),
        cmocka_unit_test(test_modules_export_only_the_entry_symbol),
        cmocka_unit_test(test_modules_refuse_a_host_of_another_abi_major),
        cmocka_unit_test(test_usa_refuses_anything_but_ten_digits),
        cmocka_unit_test(test_usa_accepts_any_ten_digits_without_inventing_a_check_digit),
        cmocka_unit_test(test_template_checks_its_example_luhn_digit_and_logs_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
