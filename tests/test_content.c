/* Tests of content: parsing and validating content/<lang>.json. Hostile cases first. */
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
#include "content.h"

/* A small valid file; tests swap one piece of it with replace(). */
static const char *const good_en =
    "{\"language\":\"en\",\"draft\":false,\"title\":\"NATO baseline\",\"publisher\":\"NATO\",\n"
    " \"sources\":[\"NATO Policy on Combating Trafficking in Human Beings (2004)\"],\n"
    " \"code_of_conduct\":{\"sections\":[\n"
    "  {\"id\":\"zero-tolerance\",\"title\":\"Zero "
    "tolerance\",\"paragraphs\":[\"One.\",\"Two.\\nLine.\"]},\n"
    "  {\"id\":\"reporting\",\"title\":\"Reporting\",\"paragraphs\":[\"Report it.\"]}]},\n"
    " \"training\":{\"pages\":[{\"id\":\"p1\",\"title\":\"What is "
    "THB\",\"section\":\"zero-tolerance\",\"paragraphs\":[\"Text.\"]}]},\n"
    " \"quiz\":{\"questions\":[\n"
    "  "
    "{\"id\":\"q1\",\"text\":\"Allowed?\",\"choices\":[\"Yes\",\"No\",\"Maybe\"],\"answer\":1,"
    "\"explanation\":\"Never.\",\"section\":\"zero-tolerance\"},\n"
    "  "
    "{\"id\":\"q2\",\"text\":\"Report?\",\"choices\":[\"Yes\",\"No\"],\"answer\":0,\"section\":"
    "\"reporting\"}]},\n"
    " \"clauses\":[{\"id\":\"c1\",\"text\":\"I will not.\"},{\"id\":\"c2\",\"text\":\"I will "
    "report.\"}],\n"
    " \"attestation\":\"I, {name}, acknowledge {bundle} version {version}.\",\n"
    " \"reporting\":[{\"channel\":\"Military police\",\"detail\":\"Through your chain of "
    "command.\"}]}\n";

/* Returns a new string: good_en with the first occurrence of from replaced by to. */
static char *
replace(const char *from, const char *to)
{
    const char *at = strstr(good_en, from);
    size_t n;
    char *out;

    assert_non_null(at);
    n = strlen(good_en) - strlen(from) + strlen(to) + 1;
    out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - good_en), good_en, to, at + strlen(from));
    return out;
}

static CkErr
parse_str(const char *text, Content **c)
{
    return content_parse("content/en.json", (const unsigned char *)text, strlen(text), c);
}

/* Parses a variant and expects it refused with a message containing want. */
static void
expect_refused(const char *from, const char *to, CkErr code, const char *want)
{
    char *text = replace(from, to);
    Content *c = (Content *)1;

    assert_int_equal(parse_str(text, &c), code);
    assert_null(c);
    if (strstr(ck_err_detail(), want) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", ck_err_detail(), want);
    free(text);
}

static void
test_malformed_json_names_line_and_column(void **state)
{
    /* a missing comma on line 2 */
    expect_refused("\"publisher\":\"NATO\",\n", "\"publisher\":\"NATO\"\n", CK_ERR_FORMAT,
                   "content/en.json:2:");
}

static void
test_truncated_and_empty_files_are_refused(void **state)
{
    Content *c;

    assert_int_equal(content_parse("content/en.json", (const unsigned char *)good_en, 100, &c),
                     CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "content/en.json:"));
    assert_int_equal(content_parse("content/en.json", (const unsigned char *)"", 0, &c),
                     CK_ERR_FORMAT);
    assert_int_equal(parse_str("[]", &c), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "top level must be an object"));
}

static void
test_wrong_types_name_the_json_path(void **state)
{
    expect_refused("\"answer\":1", "\"answer\":\"1\"", CK_ERR_FORMAT,
                   "content/en.json: quiz.questions[0].answer: must be an integer");
    expect_refused("\"title\":\"Reporting\"", "\"title\":7", CK_ERR_FORMAT,
                   "code_of_conduct.sections[1].title: must be a string");
    expect_refused("\"paragraphs\":[\"Report it.\"]", "\"paragraphs\":\"Report it.\"",
                   CK_ERR_FORMAT, "code_of_conduct.sections[1].paragraphs: must be an array");
    expect_refused("\"draft\":false", "\"draft\":\"no\"", CK_ERR_FORMAT,
                   "draft: must be true or false");
    expect_refused("\"paragraphs\":[\"Report it.\"]", "\"paragraphs\":[\"Report it.\",3]",
                   CK_ERR_FORMAT, "code_of_conduct.sections[1].paragraphs[1]: must be a string");
}

static void
test_answer_out_of_range_is_refused(void **state)
{
    expect_refused("\"answer\":1", "\"answer\":5", CK_ERR_FORMAT,
                   "content/en.json: quiz.questions[0].answer: 5 is out of range (3 choices)");
    expect_refused("\"answer\":1", "\"answer\":-1", CK_ERR_FORMAT, "-1 is out of range");
}

static void
test_unknown_section_is_refused(void **state)
{
    expect_refused("\"section\":\"reporting\"", "\"section\":\"reportng\"", CK_ERR_FORMAT,
                   "quiz.questions[1].section: \"reportng\" is not a section");
    expect_refused("\"section\":\"zero-tolerance\",\"paragraphs\"",
                   "\"section\":\"nowhere\",\"paragraphs\"", CK_ERR_FORMAT,
                   "training.pages[0].section: \"nowhere\"");
}

static void
test_duplicate_ids_are_refused(void **state)
{
    expect_refused("{\"id\":\"c2\"", "{\"id\":\"c1\"", CK_ERR_FORMAT,
                   "clauses[1].id: \"c1\" is already used by clauses[0]");
    expect_refused("\"id\":\"reporting\"", "\"id\":\"zero-tolerance\"", CK_ERR_FORMAT,
                   "code_of_conduct.sections[1].id");
    expect_refused("\"id\":\"q2\"", "\"id\":\"q1\"", CK_ERR_FORMAT, "quiz.questions[1].id");
    /* duplicate member names inside one object are refused by the parser */
    expect_refused("\"draft\":false,", "\"draft\":false,\"draft\":true,", CK_ERR_FORMAT,
                   "content/en.json:1:");
}

static void
test_control_characters_are_refused(void **state)
{
    expect_refused("\"title\":\"Zero tolerance\"", "\"title\":\"Zero\\u0007tolerance\"",
                   CK_ERR_FORMAT,
                   "code_of_conduct.sections[0].title: contains a control character");
    /* newline is allowed in paragraphs but not in titles */
    expect_refused("\"title\":\"Zero tolerance\"", "\"title\":\"Zero\\ntolerance\"", CK_ERR_FORMAT,
                   "contains a control character");
    /* C1 controls and NUL too */
    expect_refused("\"Report it.\"", "\"Report\\u0085it.\"", CK_ERR_FORMAT,
                   "paragraphs[0]: contains a control character");
    expect_refused("\"Report it.\"", "\"Report\\u0000it.\"", CK_ERR_FORMAT, "content/en.json:");
}

static void
test_invalid_utf8_is_refused(void **state)
{
    expect_refused("Zero tolerance", "Zero \xc3\x28 tolerance", CK_ERR_FORMAT, "content/en.json:");
    expect_refused("Zero tolerance", "Zero \xed\xa0\x80 tolerance", CK_ERR_FORMAT,
                   "content/en.json:");
}

static void
test_overlong_text_is_refused(void **state)
{
    char *repl;

    /* 201 Greek letters: 402 bytes but 201 characters */
    repl = malloc(2 * (CONTENT_MAX_TITLE_CHARS + 1) + 20);
    strcpy(repl, "\"title\":\"");
    for (int i = 0; i <= CONTENT_MAX_TITLE_CHARS; i++)
        strcat(repl, "\xce\xb1");
    strcat(repl, "\"");
    expect_refused("\"title\":\"Reporting\"", repl, CK_ERR_TOO_LARGE,
                   "code_of_conduct.sections[1].title: 201 characters, at most 200");
    free(repl);
}

static void
test_unknown_members_and_bad_ids_are_refused(void **state)
{
    expect_refused("\"draft\":false,", "\"draft\":false,\"titel\":\"x\",", CK_ERR_FORMAT,
                   "titel: unknown member");
    expect_refused("{\"id\":\"c2\"", "{\"id\":\"C 2\"", CK_ERR_FORMAT,
                   "clauses[1].id: \"C 2\" may hold only");
    expect_refused("\"language\":\"en\"", "\"language\":\"EN\"", CK_ERR_FORMAT,
                   "language: \"EN\" is not an ISO 639 code");
    expect_refused("\"choices\":[\"Yes\",\"No\"]", "\"choices\":[\"Yes\"]", CK_ERR_FORMAT,
                   "quiz.questions[1].choices: needs at least 2 items");
}

static void
test_attestation_placeholders_are_checked(void **state)
{
    expect_refused("{version}.", "{versoin}.", CK_ERR_FORMAT, "attestation: unknown placeholder");
    expect_refused("{version}.", "{version}}.", CK_ERR_FORMAT, "attestation: unmatched '}'");
}

static void
test_missing_required_members_are_refused(void **state)
{
    expect_refused("\"attestation\":", "\"_attestation\":", CK_ERR_FORMAT, "attestation: missing");
    expect_refused("\"sections\":[", "\"sectionz\":[", CK_ERR_FORMAT,
                   "code_of_conduct.sectionz: unknown member");
}

static void
test_valid_file_parses_into_the_model(void **state)
{
    Content *c;
    unsigned char want[32];

    assert_int_equal(parse_str(good_en, &c), CK_OK);
    assert_string_equal(c->language, "en");
    assert_false(c->draft);
    assert_int_equal(c->n_sections, 2);
    assert_string_equal(c->sections[0].id, "zero-tolerance");
    assert_int_equal(c->sections[0].n_paragraphs, 2);
    assert_string_equal(c->sections[0].paragraphs[1], "Two.\nLine.");
    assert_int_equal(c->n_pages, 1);
    assert_string_equal(c->pages[0].section, "zero-tolerance");
    assert_int_equal(c->n_questions, 2);
    assert_int_equal(c->questions[0].answer, 1);
    assert_int_equal(c->questions[0].n_choices, 3);
    assert_string_equal(c->questions[1].explanation, "");
    assert_int_equal(c->n_clauses, 2);
    assert_int_equal(c->n_reporting, 1);
    assert_int_equal(c->n_sources, 1);
    assert_ptr_equal(content_find_section(c, "reporting"), &c->sections[1]);
    assert_null(content_find_section(c, "nope"));
    /* the text hash is the SHA-256 of the exact file bytes */
    crypto_hash_sha256(want, (const unsigned char *)good_en, strlen(good_en));
    assert_memory_equal(c->text_sha256, want, 32);
    assert_int_equal(strlen(c->text_sha256_hex), 64);
    content_free(c);
}

static void
test_optional_lists_may_be_absent(void **state)
{
    const char *minimal = "{\"language\":\"nb\",\"title\":\"T\",\"publisher\":\"P\","
                          "\"code_of_conduct\":{\"sections\":[{\"id\":\"s\",\"title\":\"S\","
                          "\"paragraphs\":[\"x\"]}]},\"attestation\":\"Jeg, {name}.\","
                          "\"_note\":\"for translators\"}";
    Content *c;

    assert_int_equal(parse_str(minimal, &c), CK_OK);
    assert_int_equal(c->n_pages, 0);
    assert_int_equal(c->n_questions, 0);
    assert_int_equal(c->n_clauses, 0);
    assert_false(c->draft);
    content_free(c);
}

static void
test_languages_with_different_ids_are_refused(void **state)
{
    Content *en, *fr;
    char *text;

    assert_int_equal(parse_str(good_en, &en), CK_OK);

    text = replace("{\"id\":\"c2\"", "{\"id\":\"c3\"");
    assert_int_equal(
        content_parse("content/fr.json", (const unsigned char *)text, strlen(text), &fr), CK_OK);
    assert_int_equal(content_check_same_ids(en, fr), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "content/fr.json: clauses[1].id"));
    content_free(fr);
    free(text);

    text = replace("\"answer\":0", "\"answer\":1");
    assert_int_equal(
        content_parse("content/fr.json", (const unsigned char *)text, strlen(text), &fr), CK_OK);
    assert_int_equal(content_check_same_ids(en, fr), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "quiz.questions[1]"));
    content_free(fr);
    free(text);

    text = replace("\"language\":\"en\"", "\"language\":\"fr\"");
    assert_int_equal(
        content_parse("content/fr.json", (const unsigned char *)text, strlen(text), &fr), CK_OK);
    assert_int_equal(content_check_same_ids(en, fr), CK_OK);
    content_free(fr);
    free(text);
    content_free(en);
}

static void
test_load_names_the_path(void **state)
{
    Content *c;

    assert_int_equal(content_load("/nonexistent/content/en.json", &c), CK_ERR_NOT_FOUND);
    assert_null(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_json_names_line_and_column),
        cmocka_unit_test(test_truncated_and_empty_files_are_refused),
        cmocka_unit_test(test_wrong_types_name_the_json_path),
        cmocka_unit_test(test_answer_out_of_range_is_refused),
        cmocka_unit_test(test_unknown_section_is_refused),
        cmocka_unit_test(test_duplicate_ids_are_refused),
        cmocka_unit_test(test_control_characters_are_refused),
        cmocka_unit_test(test_invalid_utf8_is_refused),
        cmocka_unit_test(test_overlong_text_is_refused),
        cmocka_unit_test(test_unknown_members_and_bad_ids_are_refused),
        cmocka_unit_test(test_attestation_placeholders_are_checked),
        cmocka_unit_test(test_missing_required_members_are_refused),
        cmocka_unit_test(test_valid_file_parses_into_the_model),
        cmocka_unit_test(test_optional_lists_may_be_absent),
        cmocka_unit_test(test_languages_with_different_ids_are_refused),
        cmocka_unit_test(test_load_names_the_path),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
