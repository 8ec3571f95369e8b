/* Tests of i18n: the UI string files in assets/ui, their validation and the English fallback. */
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

#include "fileio.h"
#include "flow.h"
#include "i18n.h"

#define UI_DIR CK_SOURCE_DIR "/assets/ui"

static void
expect_check_refused(const char *text, const char *want)
{
    assert_int_not_equal(i18n_check("ui/xx.json", (const unsigned char *)text, strlen(text)),
                         CK_OK);
    if (strstr(ck_err_detail(), want) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", ck_err_detail(), want);
}

static void
test_invalid_files_are_refused_with_a_clear_error(void **state)
{
    expect_check_refused("{\"a.b\":\"x\",\n\"c\" \"y\"}", "ui/xx.json:2:");
    expect_check_refused("[\"x\"]", "top level must be an object");
    expect_check_refused("{\"Button\":\"x\"}", "key \"Button\"");
    expect_check_refused("{\"a\":1}", "a: must be a string");
    expect_check_refused("{\"a\":\"x\\u001by\"}", "a: contains a control character");
    expect_check_refused("{\"a\":\"x\",\"a\":\"y\"}", "ui/xx.json:1:");
    expect_check_refused("{\"_draft\":\"yes\"}", "_draft: must be true or false");
    expect_check_refused("{\"a\":\"\xc3\x28\"}", "ui/xx.json:");
}

static void
test_missing_language_and_bad_code_are_refused(void **state)
{
    I18n *t;

    assert_int_equal(i18n_load(UI_DIR, "xx", &t), CK_ERR_NOT_FOUND);
    assert_null(t);
    assert_non_null(strstr(ck_err_detail(), "xx.json"));
    assert_int_equal(i18n_load(UI_DIR, "../en", &t), CK_ERR_USAGE);
}

static void
test_missing_key_falls_back_to_english(void **state)
{
    char dir[] = "/tmp/test_i18n.XXXXXX";
    char *en, *de;
    I18n *t;

    assert_non_null(mkdtemp(dir));
    en = fileio_join(dir, "en.json");
    de = fileio_join(dir, "de.json");
    const char *en_text = "{\"a\":\"A\",\"b\":\"B\"}", *de_text = "{\"_draft\":true,\"a\":\"Ä\"}";

    assert_int_equal(fileio_write_atomic(en, en_text, strlen(en_text), 0644, false), CK_OK);
    assert_int_equal(fileio_write_atomic(de, de_text, strlen(de_text), 0644, false), CK_OK);
    assert_int_equal(i18n_load(dir, "de", &t), CK_OK);
    assert_string_equal(i18n_get(t, "a"), "Ä");
    assert_string_equal(i18n_get(t, "b"), "B");
    assert_false(i18n_has(t, "b"));
    assert_string_equal(i18n_get(t, "nope"), "nope");
    assert_true(i18n_draft(t));
    assert_int_equal(i18n_missing(t), 1);
    i18n_free(t);
    unlink(en);
    unlink(de);
    rmdir(dir);
    free(en);
    free(de);
}

static void
test_shipped_languages_are_complete_and_drafts_are_marked(void **state)
{
    static const char *const langs[] = {"en", "fr", "nb", "el"};

    for (size_t i = 0; i < 4; i++) {
        I18n *t;
        if (i18n_load(UI_DIR, langs[i], &t) != CK_OK)
            fail_msg("%s", ck_err_detail());
        assert_int_equal(i18n_missing(t), 0);
        assert_int_equal(i18n_draft(t), i != 0);
        for (int m = 1; m < FLOW_MSG_COUNT_; m++)
            if (!i18n_has(t, flow_msg_id((FlowMsg)m)))
                fail_msg("%s lacks %s", langs[i], flow_msg_id((FlowMsg)m));
        assert_true(i18n_has(t, "idle.more_time"));
        i18n_free(t);
    }
}

static void
test_expand_fills_placeholders_and_cuts_safely(void **state)
{
    const char *names[] = {"seconds"};
    const char *values[] = {"30"};
    char out[64], small[8];

    assert_true(i18n_expand("Ends in {seconds} s {other}", names, values, 1, out, sizeof out));
    assert_string_equal(out, "Ends in 30 s {other}");
    /* cut without splitting a character: "Δευ" is 6 bytes, 7 bytes would split */
    assert_false(i18n_expand("ΔευτΔ", names, values, 1, small, sizeof small));
    assert_string_equal(small, "Δευ");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_files_are_refused_with_a_clear_error),
        cmocka_unit_test(test_missing_language_and_bad_code_are_refused),
        cmocka_unit_test(test_missing_key_falls_back_to_english),
        cmocka_unit_test(test_shipped_languages_are_complete_and_drafts_are_marked),
        cmocka_unit_test(test_expand_fills_placeholders_and_cuts_safely),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
