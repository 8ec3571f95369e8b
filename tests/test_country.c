/* test_country: the ISO 3166-1 alpha-3 table — what counts as a code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "country.h"

static void
test_not_a_code_is_unknown(void **state)
{
    (void)state;
    assert_false(country_known(NULL));
    assert_false(country_known(""));
    assert_false(country_known("SW"));
    assert_false(country_known("SWED"));
    assert_false(country_known("swe")); /* callers upper-case first */
}

static void
test_user_assigned_code_is_unknown(void **state)
{
    (void)state;
    /* Kosovo's XKX is user-assigned, not ISO: never guessed at. */
    assert_false(country_known("XKX"));
    assert_false(country_known("AAA"));
    assert_false(country_known("ZZZ"));
}

static void
test_assigned_codes_are_known(void **state)
{
    (void)state;
    assert_true(country_known("SWE"));
    assert_true(country_known("NOR"));
    assert_true(country_known("UKR"));
    /* the first and last of the sorted table are found too */
    assert_true(country_known("ABW"));
    assert_true(country_known("ZWE"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_a_code_is_unknown),
        cmocka_unit_test(test_user_assigned_code_is_unknown),
        cmocka_unit_test(test_assigned_codes_are_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
