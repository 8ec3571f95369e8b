/* Tests of roster: hostile CSV first, every problem named by its line, the rest still read. */
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

#include "roster.h"

static Roster *
parse_ok(const char *csv)
{
    Roster *r = NULL;

    assert_int_equal(roster_parse(csv, strlen(csv), "test.csv", &r), CK_OK);
    assert_non_null(r);
    return r;
}

/* Asserts that problem i is of kind on line. */
static void
assert_problem(const Roster *r, size_t i, size_t line, RosterProblemKind kind)
{
    const RosterProblem *p = roster_problem(r, i);

    assert_non_null(p);
    assert_int_equal(p->line, line);
    assert_int_equal(p->kind, kind);
    {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "line %zu: ", line);
        assert_memory_equal(p->message, prefix, strlen(prefix));
    }
}

static void
test_empty_file_is_refused_for_want_of_a_header(void **state)
{
    Roster *r = (Roster *)1;

    assert_int_equal(roster_parse("", 0, "empty.csv", &r), CK_ERR_FORMAT);
    assert_null(r);
    assert_non_null(strstr(ck_err_detail(), "empty.csv"));
    assert_int_equal(roster_parse("\xEF\xBB\xBF", 3, "bom.csv", &r), CK_ERR_FORMAT);
}

static void
test_missing_required_column_is_one_error_for_the_file(void **state)
{
    const char *csv = "id,name,unit\n1001,Kari,1st\n1002,Ola,2nd\n";
    Roster *r = NULL;

    assert_int_equal(roster_parse(csv, strlen(csv), "roster.csv", &r), CK_ERR_FORMAT);
    assert_null(r);
    assert_non_null(strstr(ck_err_detail(), "roster.csv: line 1: missing required column "
                                            "\"nation\""));

    csv = "Nation,Name\nNOR,Kari\n";
    assert_int_equal(roster_parse(csv, strlen(csv), "roster.csv", &r), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "\"id\""));
}

static void
test_blank_and_duplicate_ids_are_reported_with_their_lines(void **state)
{
    Roster *r = parse_ok("id,nation,name\n"
                         "1001,NOR,Kari\n"    /* 2 */
                         ",NOR,Nobody\n"      /* 3 */
                         "   ,NOR,Spaces\n"   /* 4 */
                         "1001,NOR,Again\n"   /* 5: duplicate of line 2 */
                         "1001,USA,Other\n"); /* 6: same number, other nation: a person */

    assert_int_equal(roster_count(r), 2);
    assert_string_equal(roster_entry(r, 0)->name, "Kari");
    assert_string_equal(roster_entry(r, 1)->nation, "USA");
    assert_int_equal(roster_problem_count(r), 3);
    assert_problem(r, 0, 3, ROSTER_BLANK_ID);
    assert_problem(r, 1, 4, ROSTER_BLANK_ID);
    assert_problem(r, 2, 5, ROSTER_DUPLICATE_ID);
    assert_non_null(strstr(roster_problem(r, 2)->message, "first on line 2"));
    roster_unload(r);
}

static void
test_unknown_and_malformed_nations_are_reported(void **state)
{
    Roster *r = parse_ok("id,nation\n"
                         "1,NOR\n"   /* 2 */
                         "2,XYZ\n"   /* 3: three letters, not ISO */
                         "3,NO\n"    /* 4: ISO alpha-2, not alpha-3 */
                         "4,N0R\n"   /* 5 */
                         "5,\n"      /* 6 */
                         "6,usa\n"   /* 7: lower case is accepted */
                         "7,NATO\n"  /* 8: not a nation */
                         "8,XKX\n"); /* 9: user-assigned, reported as unknown */

    assert_int_equal(roster_count(r), 2);
    assert_string_equal(roster_entry(r, 1)->nation, "USA");
    assert_int_equal(roster_problem_count(r), 6);
    assert_problem(r, 0, 3, ROSTER_UNKNOWN_NATION);
    assert_non_null(strstr(roster_problem(r, 0)->message, "\"XYZ\""));
    assert_problem(r, 1, 4, ROSTER_BAD_NATION);
    assert_problem(r, 2, 5, ROSTER_BAD_NATION);
    assert_problem(r, 3, 6, ROSTER_BLANK_NATION);
    assert_problem(r, 4, 8, ROSTER_BAD_NATION);
    assert_problem(r, 5, 9, ROSTER_UNKNOWN_NATION);
    roster_unload(r);
}

static void
test_bad_utf8_is_reported_and_the_rest_still_read(void **state)
{
    Roster *r = parse_ok("id,nation,name\n"
                         "1,NOR,Bj\xF8rn\n"       /* 2: Latin-1, not UTF-8 */
                         "2,NOR,\xC3\x98ystein\n" /* 3: fine */
                         "3,NOR,\xE0\x80\xAF\n"   /* 4: overlong */
                         "4,NOR,Tab\there\n"      /* 5: control character */
                         "5,NOR,\x7F\n"           /* 6: DEL */
                         "6,NOR,Last\n");         /* 7 */

    assert_int_equal(roster_count(r), 2);
    assert_string_equal(roster_entry(r, 0)->name, "\xC3\x98ystein");
    assert_int_equal(roster_entry(r, 1)->line, 7);
    assert_int_equal(roster_problem_count(r), 4);
    assert_problem(r, 0, 2, ROSTER_BAD_TEXT);
    assert_non_null(strstr(roster_problem(r, 0)->message, "UTF-8"));
    assert_problem(r, 1, 4, ROSTER_BAD_TEXT);
    assert_problem(r, 2, 5, ROSTER_BAD_TEXT);
    assert_problem(r, 3, 6, ROSTER_BAD_TEXT);
    roster_unload(r);
}

static void
test_wrong_field_count_is_reported(void **state)
{
    Roster *r = parse_ok("id,nation,name\n"
                         "1,NOR\n"            /* 2: too few */
                         "2,NOR,Kari,extra\n" /* 3: too many */
                         "3,NOR,\"A, B\"\n"); /* 4: a quoted comma is not a separator */

    assert_int_equal(roster_count(r), 1);
    assert_string_equal(roster_entry(r, 0)->name, "A, B");
    assert_int_equal(roster_problem_count(r), 2);
    assert_problem(r, 0, 2, ROSTER_FIELD_COUNT);
    assert_non_null(strstr(roster_problem(r, 0)->message, "2 fields, but the header has 3"));
    assert_problem(r, 1, 3, ROSTER_FIELD_COUNT);
    roster_unload(r);
}

static void
test_broken_quotes_are_reported(void **state)
{
    Roster *r = parse_ok("id,nation,name\n"
                         "1,NOR,\"Kari\"x\n"      /* 2: text after the closing quote */
                         "2,NOR,Ola\n"            /* 3 */
                         "3,NOR,\"never closed\n" /* 4: runs to the end */
                         "4,NOR,Lost\n");

    assert_int_equal(roster_count(r), 1);
    assert_string_equal(roster_entry(r, 0)->name, "Ola");
    assert_int_equal(roster_problem_count(r), 2);
    assert_problem(r, 0, 2, ROSTER_BAD_QUOTE);
    assert_problem(r, 1, 4, ROSTER_BAD_QUOTE);
    assert_non_null(strstr(roster_problem(r, 1)->message, "never closed"));
    roster_unload(r);
}

static void
test_over_long_field_is_reported(void **state)
{
    char csv[1024];
    char name[ROSTER_FIELD_MAX + 2];
    Roster *r;

    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(csv, sizeof csv, "id,nation,name\n1,NOR,%s\n2,NOR,ok\n", name);
    r = parse_ok(csv);
    assert_int_equal(roster_count(r), 1);
    assert_problem(r, 0, 2, ROSTER_TOO_LONG);
    roster_unload(r);
}

static void
test_bom_crlf_and_rfc4180_quoting_are_read(void **state)
{
    Roster *r = parse_ok("\xEF\xBB\xBF"
                         "ID , Nation,Name,Unit,Notes\r\n"
                         "1001,NOR,\"Nordmann, Kari\",\"1st \"\"Telemark\"\" bn\",\r\n" /* 2 */
                         "1002,NOR,\"Line\r\nbreak\",x,\"a\n\nb\"\r\n"                  /* 3-6 */
                         "\"10\n03\",NOR,Ola,y,\r\n"                                    /* 7-8 */
                         "\r\n"                                                         /* 9 */
                         ",,,,\r\n"                                                     /* 10 */
                         "1004,NOR,Last,\"\",z");                                       /* 11 */

    assert_int_equal(roster_count(r), 3);
    assert_string_equal(roster_entry(r, 0)->id, "1001");
    assert_string_equal(roster_entry(r, 0)->name, "Nordmann, Kari");
    assert_string_equal(roster_entry(r, 0)->unit, "1st \"Telemark\" bn");
    /* A line break in a name becomes a space. */
    assert_string_equal(roster_entry(r, 1)->name, "Line break");
    assert_int_equal(roster_entry(r, 1)->line, 3);
    assert_string_equal(roster_entry(r, 2)->id, "1004");
    assert_int_equal(roster_entry(r, 2)->line, 11);
    assert_string_equal(roster_entry(r, 2)->unit, "");
    assert_string_equal(roster_entry(r, 2)->category, "");
    /* ... but never in an id. */
    assert_int_equal(roster_problem_count(r), 1);
    assert_problem(r, 0, 7, ROSTER_BAD_TEXT);
    assert_non_null(strstr(roster_problem(r, 0)->message, "\"id\""));
    roster_unload(r);
}

static void
test_header_is_case_free_order_free_and_ignores_unknown_columns(void **state)
{
    Roster *r = parse_ok("Notes,RANK,category,NATION,Service_Number,unit,name,name\n"
                         "likes tea,CPT,Military,nor,  42  ,HQ,Kari,Ignored\n"
                         "x,,volunteer,USA,43,,Joe,\n");

    assert_int_equal(roster_count(r), 2);
    assert_string_equal(roster_entry(r, 0)->id, "42");
    assert_string_equal(roster_entry(r, 0)->nation, "NOR");
    assert_string_equal(roster_entry(r, 0)->rank, "CPT");
    assert_string_equal(roster_entry(r, 0)->category, "military");
    assert_string_equal(roster_entry(r, 0)->name, "Kari");
    /* An unknown category is reported but the person is kept. */
    assert_string_equal(roster_entry(r, 1)->category, "");
    assert_int_equal(roster_problem_count(r), 2);
    assert_problem(r, 0, 1, ROSTER_DUPLICATE_COLUMN);
    assert_problem(r, 1, 3, ROSTER_BAD_CATEGORY);
    roster_unload(r);
}

static void
test_nation_table_holds_iso_codes_only(void **state)
{
    assert_true(roster_nation_known("NOR"));
    assert_true(roster_nation_known("USA"));
    assert_true(roster_nation_known("ABW"));
    assert_true(roster_nation_known("ZWE"));
    assert_false(roster_nation_known("NATO"));
    assert_false(roster_nation_known("XKX"));
    assert_false(roster_nation_known("nor"));
    assert_false(roster_nation_known(""));
}

static void
test_generated_roster_of_10000_across_three_nations(void **state)
{
    static const char *const nations[] = {"NOR", "USA", "DEU"};
    static const char *const cats[] = {"military", "civilian", "contractor"};
    size_t cap = 10000 * 80 + 64, len = 0;
    char *csv = malloc(cap);
    char path[] = "/tmp/ck-roster-XXXXXX";
    int fd;
    Roster *r;

    assert_non_null(csv);
    len += (size_t)snprintf(csv + len, cap - len, "id,nation,name,category,unit\r\n");
    for (int i = 0; i < 10000; i++)
        len += (size_t)snprintf(csv + len, cap - len, "%07d,%s,\"Person %d, Test\",%s,U%d\r\n", i,
                                nations[i % 3], i, cats[i % 3], i % 7);
    /* One bad row in the middle, and a duplicate at the end. */
    len += (size_t)snprintf(csv + len, cap - len, "0000003,NOR,Dup,military,U0\r\n");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, csv, len), (ssize_t)len);
    close(fd);

    assert_int_equal(roster_load(path, &r), CK_OK);
    unlink(path);
    assert_int_equal(roster_count(r), 10000);
    assert_int_equal(roster_problem_count(r), 1);
    assert_problem(r, 0, 10002, ROSTER_DUPLICATE_ID);
    assert_string_equal(roster_entry(r, 9999)->id, "0009999");
    assert_string_equal(roster_entry(r, 9999)->nation, "NOR");
    assert_string_equal(roster_entry(r, 9999)->name, "Person 9999, Test");
    assert_string_equal(roster_entry(r, 5)->category, "contractor");
    assert_int_equal(roster_entry(r, 5)->line, 7);
    roster_unload(r);
    free(csv);
}

static void
test_unload_accepts_null(void **state)
{
    roster_unload(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_file_is_refused_for_want_of_a_header),
        cmocka_unit_test(test_missing_required_column_is_one_error_for_the_file),
        cmocka_unit_test(test_blank_and_duplicate_ids_are_reported_with_their_lines),
        cmocka_unit_test(test_unknown_and_malformed_nations_are_reported),
        cmocka_unit_test(test_bad_utf8_is_reported_and_the_rest_still_read),
        cmocka_unit_test(test_wrong_field_count_is_reported),
        cmocka_unit_test(test_broken_quotes_are_reported),
        cmocka_unit_test(test_over_long_field_is_reported),
        cmocka_unit_test(test_bom_crlf_and_rfc4180_quoting_are_read),
        cmocka_unit_test(test_header_is_case_free_order_free_and_ignores_unknown_columns),
        cmocka_unit_test(test_nation_table_holds_iso_codes_only),
        cmocka_unit_test(test_generated_roster_of_10000_across_three_nations),
        cmocka_unit_test(test_unload_accepts_null),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
