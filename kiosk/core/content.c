/* content: parses and validates content/<lang>.json; the hash of the exact text shown. */
#include "content.h"

#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "fileio.h"
#include "utf8.h"

/* Everything a Content owns: the jansson tree its strings point into, and
 * the arrays built over it. */
typedef struct Priv {
    json_t *root;
    char *name;
    void **allocs;
    size_t n_allocs;
} Priv;

typedef struct Parser {
    const char *name;
    Content *c;
    Priv *priv;
} Parser;

#define PATH_MAX_LEN 160

static void *
p_alloc(Parser *p, size_t n, size_t size)
{
    void *mem, **grown;

    if (n == 0)
        n = 1;
    grown = realloc(p->priv->allocs, (p->priv->n_allocs + 1) * sizeof *grown);
    if (grown == NULL)
        return NULL;
    p->priv->allocs = grown;
    if ((mem = calloc(n, size)) == NULL)
        return NULL;
    grown[p->priv->n_allocs++] = mem;
    return mem;
}

/* Refuses members other than the allowed ones (names starting with '_' are
 * comments and pass). */
static CkErr
check_members(Parser *p, const json_t *obj, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *val;

    json_object_foreach((json_t *)obj, key, val)
    {
        bool ok = key[0] == '_';

        for (size_t i = 0; !ok && allowed[i] != NULL; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok)
            return ck_err(CK_ERR_FORMAT, "%s: %s%s%s: unknown member", p->name, path,
                          path[0] ? "." : "", key);
    }
    return CK_OK;
}

/* Fetches obj[key] as a checked string into *out; with required false a
 * missing member gives "". */
static CkErr
get_text(Parser *p, const json_t *obj, const char *path, const char *key, bool required,
         size_t min_chars, size_t max_chars, bool allow_newline, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    const char *sep = path[0] ? "." : "";
    size_t chars, off;
    Utf8Problem problem;

    if (v == NULL) {
        if (required)
            return ck_err(CK_ERR_FORMAT, "%s: %s%s%s: missing", p->name, path, sep, key);
        *out = "";
        return CK_OK;
    }
    if (!json_is_string(v))
        return ck_err(CK_ERR_FORMAT, "%s: %s%s%s: must be a string", p->name, path, sep, key);
    problem = utf8_check(json_string_value(v), json_string_length(v), max_chars, allow_newline,
                         &chars, &off);
    if (problem == UTF8_TOO_LONG)
        return ck_err(CK_ERR_TOO_LARGE, "%s: %s%s%s: %zu characters, at most %zu allowed", p->name,
                      path, sep, key, chars, max_chars);
    if (problem != UTF8_OK) {
        char where[96];
        return ck_err(CK_ERR_FORMAT, "%s: %s%s%s: %s (%s)", p->name, path, sep, key,
                      utf8_problem_str(problem),
                      utf8_describe_at(json_string_value(v), json_string_length(v), off, where,
                                       sizeof where));
    }
    if (chars < min_chars)
        return ck_err(CK_ERR_FORMAT, "%s: %s%s%s: must not be empty", p->name, path, sep, key);
    *out = json_string_value(v);
    return CK_OK;
}

static CkErr
get_id(Parser *p, const json_t *obj, const char *path, const char *key, const char **out)
{
    CkErr err;
    const char *s;
    size_t len;

    if ((err = get_text(p, obj, path, key, true, 1, CONTENT_MAX_ID_LEN, false, &s)) != CK_OK)
        return err;
    len = strlen(s);
    if (len > CONTENT_MAX_ID_LEN)
        return ck_err(CK_ERR_TOO_LARGE, "%s: %s.%s: longer than %d bytes", p->name, path, key,
                      CONTENT_MAX_ID_LEN);
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
              ch == '-'))
            return ck_err(CK_ERR_FORMAT, "%s: %s.%s: \"%s\" may hold only a-z 0-9 . _ -", p->name,
                          path, key, s);
    }
    *out = s;
    return CK_OK;
}

/* obj[key] as an array of at most max items (min_items required); a missing
 * member is NULL (no items) when min_items is 0. */
static CkErr
get_array(Parser *p, const json_t *obj, const char *path, const char *key, size_t min_items,
          size_t max_items, const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    const char *sep = path[0] ? "." : "";

    if (v == NULL && min_items == 0) {
        *out = NULL; /* jansson treats NULL as an empty array: size 0 */
        return CK_OK;
    }
    if (v == NULL)
        return ck_err(CK_ERR_FORMAT, "%s: %s%s%s: missing", p->name, path, sep, key);
    if (!json_is_array(v))
        return ck_err(CK_ERR_FORMAT, "%s: %s%s%s: must be an array", p->name, path, sep, key);
    if (json_array_size(v) < min_items)
        return ck_err(CK_ERR_FORMAT, "%s: %s%s%s: needs at least %zu item%s", p->name, path, sep,
                      key, min_items, min_items == 1 ? "" : "s");
    if (json_array_size(v) > max_items)
        return ck_err(CK_ERR_TOO_LARGE, "%s: %s%s%s: %zu items, at most %zu allowed", p->name, path,
                      sep, key, json_array_size(v), max_items);
    *out = v;
    return CK_OK;
}

static CkErr
get_object(Parser *p, const json_t *obj, const char *path, const char *key, bool required,
           const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    const char *sep = path[0] ? "." : "";

    if (v == NULL && !required) {
        *out = NULL;
        return CK_OK;
    }
    if (v == NULL)
        return ck_err(CK_ERR_FORMAT, "%s: %s%s%s: missing", p->name, path, sep, key);
    if (!json_is_object(v))
        return ck_err(CK_ERR_FORMAT, "%s: %s%s%s: must be an object", p->name, path, sep, key);
    *out = v;
    return CK_OK;
}

/* An array of strings, each checked, into a new pointer array. */
static CkErr
get_strings(Parser *p, const json_t *obj, const char *path, const char *key, size_t min_items,
            size_t max_items, size_t max_chars, bool allow_newline, const char *const **out,
            size_t *n_out)
{
    const json_t *arr;
    const char **list;
    char item_path[PATH_MAX_LEN];
    CkErr err;

    if ((err = get_array(p, obj, path, key, min_items, max_items, &arr)) != CK_OK)
        return err;
    if ((list = p_alloc(p, json_array_size(arr), sizeof *list)) == NULL)
        return ck_err(CK_ERR_NOMEM, "%s: out of memory", p->name);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        /* Wrap the item in a one-member view so get_text can name it "key[i]". */
        json_t *holder = json_object();
        if (holder == NULL)
            return ck_err(CK_ERR_NOMEM, "%s: out of memory", p->name);
        snprintf(item_path, sizeof item_path, "%s[%zu]", key, i);
        json_object_set(holder, item_path, json_array_get(arr, i));
        err = get_text(p, holder, path, item_path, true, 1, max_chars, allow_newline, &list[i]);
        json_decref(holder);
        if (err != CK_OK)
            return err;
    }
    *out = list;
    *n_out = json_array_size(arr);
    return CK_OK;
}

static CkErr
check_unique(Parser *p, const char *list_path, const char *id, size_t index,
             const char *(*id_at)(const Content *, size_t))
{
    for (size_t j = 0; j < index; j++)
        if (strcmp(id_at(p->c, j), id) == 0)
            return ck_err(CK_ERR_FORMAT, "%s: %s[%zu].id: \"%s\" is already used by %s[%zu]",
                          p->name, list_path, index, id, list_path, j);
    return CK_OK;
}

static const char *
section_id_at(const Content *c, size_t i)
{
    return c->sections[i].id;
}
static const char *
page_id_at(const Content *c, size_t i)
{
    return c->pages[i].id;
}
static const char *
question_id_at(const Content *c, size_t i)
{
    return c->questions[i].id;
}
static const char *
clause_id_at(const Content *c, size_t i)
{
    return c->clauses[i].id;
}

static CkErr
parse_sections(Parser *p, const json_t *root)
{
    static const char *const coc_members[] = {"sections", NULL};
    static const char *const members[] = {"id", "title", "paragraphs", NULL};
    const json_t *coc = NULL, *arr = NULL;
    ContentSection *list;
    char path[PATH_MAX_LEN];
    CkErr err;

    if ((err = get_object(p, root, "", "code_of_conduct", true, &coc)) != CK_OK ||
        (err = check_members(p, coc, "code_of_conduct", coc_members)) != CK_OK ||
        (err = get_array(p, coc, "code_of_conduct", "sections", 1, CONTENT_MAX_ITEMS, &arr)) !=
            CK_OK)
        return err;
    if ((list = p_alloc(p, json_array_size(arr), sizeof *list)) == NULL)
        return ck_err(CK_ERR_NOMEM, "%s: out of memory", p->name);
    p->c->sections = list;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *it = json_array_get(arr, i);
        snprintf(path, sizeof path, "code_of_conduct.sections[%zu]", i);
        if (!json_is_object(it))
            return ck_err(CK_ERR_FORMAT, "%s: %s: must be an object", p->name, path);
        if ((err = check_members(p, it, path, members)) != CK_OK ||
            (err = get_id(p, it, path, "id", &list[i].id)) != CK_OK ||
            (err = check_unique(p, "code_of_conduct.sections", list[i].id, i, section_id_at)) !=
                CK_OK ||
            (err = get_text(p, it, path, "title", true, 1, CONTENT_MAX_TITLE_CHARS, false,
                            &list[i].title)) != CK_OK ||
            (err = get_strings(p, it, path, "paragraphs", 1, CONTENT_MAX_ITEMS,
                               CONTENT_MAX_TEXT_CHARS, true, &list[i].paragraphs,
                               &list[i].n_paragraphs)) != CK_OK)
            return err;
        p->c->n_sections = i + 1;
    }
    return CK_OK;
}

static CkErr
check_section_ref(Parser *p, const char *path, const char *section)
{
    if (content_find_section(p->c, section) == NULL)
        return ck_err(CK_ERR_FORMAT,
                      "%s: %s.section: \"%s\" is not a section of code_of_conduct.sections",
                      p->name, path, section);
    return CK_OK;
}

static CkErr
parse_pages(Parser *p, const json_t *root)
{
    static const char *const training_members[] = {"pages", NULL};
    static const char *const members[] = {"id", "title", "section", "paragraphs", NULL};
    const json_t *training = NULL, *arr = NULL;
    ContentPage *list;
    char path[PATH_MAX_LEN];
    CkErr err;

    if ((err = get_object(p, root, "", "training", false, &training)) != CK_OK)
        return err;
    if (training == NULL)
        return CK_OK;
    if ((err = check_members(p, training, "training", training_members)) != CK_OK ||
        (err = get_array(p, training, "training", "pages", 0, CONTENT_MAX_ITEMS, &arr)) != CK_OK)
        return err;
    if ((list = p_alloc(p, json_array_size(arr), sizeof *list)) == NULL)
        return ck_err(CK_ERR_NOMEM, "%s: out of memory", p->name);
    p->c->pages = list;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *it = json_array_get(arr, i);
        snprintf(path, sizeof path, "training.pages[%zu]", i);
        if (!json_is_object(it))
            return ck_err(CK_ERR_FORMAT, "%s: %s: must be an object", p->name, path);
        if ((err = check_members(p, it, path, members)) != CK_OK ||
            (err = get_id(p, it, path, "id", &list[i].id)) != CK_OK ||
            (err = check_unique(p, "training.pages", list[i].id, i, page_id_at)) != CK_OK ||
            (err = get_text(p, it, path, "title", true, 1, CONTENT_MAX_TITLE_CHARS, false,
                            &list[i].title)) != CK_OK ||
            (err = get_id(p, it, path, "section", &list[i].section)) != CK_OK ||
            (err = check_section_ref(p, path, list[i].section)) != CK_OK ||
            (err = get_strings(p, it, path, "paragraphs", 1, CONTENT_MAX_ITEMS,
                               CONTENT_MAX_TEXT_CHARS, true, &list[i].paragraphs,
                               &list[i].n_paragraphs)) != CK_OK)
            return err;
        p->c->n_pages = i + 1;
    }
    return CK_OK;
}

static CkErr
parse_questions(Parser *p, const json_t *root)
{
    static const char *const quiz_members[] = {"questions", NULL};
    static const char *const members[] = {"id",          "text",    "choices", "answer",
                                          "explanation", "section", NULL};
    const json_t *quiz = NULL, *arr = NULL;
    ContentQuestion *list;
    char path[PATH_MAX_LEN];
    CkErr err;

    if ((err = get_object(p, root, "", "quiz", false, &quiz)) != CK_OK)
        return err;
    if (quiz == NULL)
        return CK_OK;
    if ((err = check_members(p, quiz, "quiz", quiz_members)) != CK_OK ||
        (err = get_array(p, quiz, "quiz", "questions", 0, CONTENT_MAX_ITEMS, &arr)) != CK_OK)
        return err;
    if ((list = p_alloc(p, json_array_size(arr), sizeof *list)) == NULL)
        return ck_err(CK_ERR_NOMEM, "%s: out of memory", p->name);
    p->c->questions = list;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *it = json_array_get(arr, i), *answer;
        json_int_t a;
        snprintf(path, sizeof path, "quiz.questions[%zu]", i);
        if (!json_is_object(it))
            return ck_err(CK_ERR_FORMAT, "%s: %s: must be an object", p->name, path);
        if ((err = check_members(p, it, path, members)) != CK_OK ||
            (err = get_id(p, it, path, "id", &list[i].id)) != CK_OK ||
            (err = check_unique(p, "quiz.questions", list[i].id, i, question_id_at)) != CK_OK ||
            (err = get_text(p, it, path, "text", true, 1, CONTENT_MAX_TEXT_CHARS, true,
                            &list[i].text)) != CK_OK ||
            (err = get_strings(p, it, path, "choices", CONTENT_MIN_CHOICES, CONTENT_MAX_CHOICES,
                               CONTENT_MAX_TITLE_CHARS, false, &list[i].choices,
                               &list[i].n_choices)) != CK_OK ||
            (err = get_text(p, it, path, "explanation", false, 0, CONTENT_MAX_TEXT_CHARS, true,
                            &list[i].explanation)) != CK_OK ||
            (err = get_id(p, it, path, "section", &list[i].section)) != CK_OK ||
            (err = check_section_ref(p, path, list[i].section)) != CK_OK)
            return err;
        answer = json_object_get(it, "answer");
        if (answer == NULL)
            return ck_err(CK_ERR_FORMAT, "%s: %s.answer: missing", p->name, path);
        if (!json_is_integer(answer))
            return ck_err(CK_ERR_FORMAT, "%s: %s.answer: must be an integer (a choice index)",
                          p->name, path);
        a = json_integer_value(answer);
        if (a < 0 || (uint64_t)a >= list[i].n_choices)
            return ck_err(CK_ERR_FORMAT, "%s: %s.answer: %lld is out of range (%zu choices)",
                          p->name, path, (long long)a, list[i].n_choices);
        list[i].answer = (size_t)a;
        p->c->n_questions = i + 1;
    }
    return CK_OK;
}

static CkErr
parse_clauses(Parser *p, const json_t *root)
{
    static const char *const members[] = {"id", "text", NULL};
    const json_t *arr;
    ContentClause *list;
    char path[PATH_MAX_LEN];
    CkErr err;

    if ((err = get_array(p, root, "", "clauses", 0, CONTENT_MAX_ITEMS, &arr)) != CK_OK)
        return err;
    if ((list = p_alloc(p, json_array_size(arr), sizeof *list)) == NULL)
        return ck_err(CK_ERR_NOMEM, "%s: out of memory", p->name);
    p->c->clauses = list;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *it = json_array_get(arr, i);
        snprintf(path, sizeof path, "clauses[%zu]", i);
        if (!json_is_object(it))
            return ck_err(CK_ERR_FORMAT, "%s: %s: must be an object", p->name, path);
        if ((err = check_members(p, it, path, members)) != CK_OK ||
            (err = get_id(p, it, path, "id", &list[i].id)) != CK_OK ||
            (err = check_unique(p, "clauses", list[i].id, i, clause_id_at)) != CK_OK ||
            (err = get_text(p, it, path, "text", true, 1, CONTENT_MAX_TEXT_CHARS, true,
                            &list[i].text)) != CK_OK)
            return err;
        p->c->n_clauses = i + 1;
    }
    return CK_OK;
}

static CkErr
parse_reporting(Parser *p, const json_t *root)
{
    static const char *const members[] = {"channel", "detail", NULL};
    const json_t *arr;
    ContentReporting *list;
    char path[PATH_MAX_LEN];
    CkErr err;

    if ((err = get_array(p, root, "", "reporting", 0, CONTENT_MAX_ITEMS, &arr)) != CK_OK)
        return err;
    if ((list = p_alloc(p, json_array_size(arr), sizeof *list)) == NULL)
        return ck_err(CK_ERR_NOMEM, "%s: out of memory", p->name);
    p->c->reporting = list;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *it = json_array_get(arr, i);
        snprintf(path, sizeof path, "reporting[%zu]", i);
        if (!json_is_object(it))
            return ck_err(CK_ERR_FORMAT, "%s: %s: must be an object", p->name, path);
        if ((err = check_members(p, it, path, members)) != CK_OK ||
            (err = get_text(p, it, path, "channel", true, 1, CONTENT_MAX_TITLE_CHARS, false,
                            &list[i].channel)) != CK_OK ||
            (err = get_text(p, it, path, "detail", true, 1, CONTENT_MAX_TEXT_CHARS, true,
                            &list[i].detail)) != CK_OK)
            return err;
        p->c->n_reporting = i + 1;
    }
    return CK_OK;
}

/* Only {name}, {bundle} and {version}; a stray brace is a typo the reader
 * would see on screen. */
static CkErr
check_placeholders(Parser *p, const char *s)
{
    static const char *const known[] = {"{name}", "{bundle}", "{version}"};

    for (const char *q = s; *q != '\0'; q++) {
        bool ok = false;
        if (*q == '}')
            return ck_err(CK_ERR_FORMAT, "%s: attestation: unmatched '}' at byte %zu", p->name,
                          (size_t)(q - s));
        if (*q != '{')
            continue;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
            size_t n = strlen(known[k]);
            if (strncmp(q, known[k], n) == 0) {
                q += n - 1;
                ok = true;
                break;
            }
        }
        if (!ok)
            return ck_err(CK_ERR_FORMAT,
                          "%s: attestation: unknown placeholder at byte %zu (only {name}, "
                          "{bundle}, {version})",
                          p->name, (size_t)(q - s));
    }
    return CK_OK;
}

static CkErr
parse_root(Parser *p, const json_t *root)
{
    static const char *const members[] = {"language", "draft",           "title",     "publisher",
                                          "sources",  "code_of_conduct", "training",  "quiz",
                                          "clauses",  "attestation",     "reporting", NULL};
    const json_t *draft;
    const char *lang;
    size_t lang_len;
    CkErr err;

    if (!json_is_object(root))
        return ck_err(CK_ERR_FORMAT, "%s: the top level must be an object", p->name);
    if ((err = check_members(p, root, "", members)) != CK_OK ||
        (err = get_text(p, root, "", "language", true, 2, 3, false, &p->c->language)) != CK_OK)
        return err;
    lang = p->c->language;
    lang_len = strlen(lang);
    for (size_t i = 0; i < lang_len; i++)
        if (lang[i] < 'a' || lang[i] > 'z' || lang_len > 3)
            return ck_err(CK_ERR_FORMAT,
                          "%s: language: \"%s\" is not an ISO 639 code (2-3 lower-case letters)",
                          p->name, lang);
    draft = json_object_get(root, "draft");
    if (draft != NULL && !json_is_boolean(draft))
        return ck_err(CK_ERR_FORMAT, "%s: draft: must be true or false", p->name);
    p->c->draft = draft != NULL && json_is_true(draft);
    if ((err = get_text(p, root, "", "title", true, 1, CONTENT_MAX_TITLE_CHARS, false,
                        &p->c->title)) != CK_OK ||
        (err = get_text(p, root, "", "publisher", true, 1, CONTENT_MAX_TITLE_CHARS, false,
                        &p->c->publisher)) != CK_OK ||
        (err = get_strings(p, root, "", "sources", 0, CONTENT_MAX_ITEMS, CONTENT_MAX_TEXT_CHARS,
                           false, &p->c->sources, &p->c->n_sources)) != CK_OK ||
        (err = parse_sections(p, root)) != CK_OK || (err = parse_pages(p, root)) != CK_OK ||
        (err = parse_questions(p, root)) != CK_OK || (err = parse_clauses(p, root)) != CK_OK ||
        (err = get_text(p, root, "", "attestation", true, 1, CONTENT_MAX_TEXT_CHARS, true,
                        &p->c->attestation)) != CK_OK ||
        (err = check_placeholders(p, p->c->attestation)) != CK_OK ||
        (err = parse_reporting(p, root)) != CK_OK)
        return err;
    return CK_OK;
}

CkErr
content_parse(const char *name, const unsigned char *data, size_t len, Content **content_out)
{
    Content *c = NULL;
    Priv *priv = NULL;
    Parser p;
    json_error_t jerr;
    CkErr err;

    *content_out = NULL;
    if (name == NULL || data == NULL)
        return ck_err(CK_ERR_USAGE, "content_parse: no name or data");
    if (len > CONTENT_MAX_FILE_BYTES)
        return ck_err(CK_ERR_TOO_LARGE, "%s: %zu bytes, at most %d allowed", name, len,
                      CONTENT_MAX_FILE_BYTES);
    if ((c = calloc(1, sizeof *c)) == NULL || (priv = calloc(1, sizeof *priv)) == NULL ||
        (priv->name = strdup(name)) == NULL) {
        free(c);
        if (priv != NULL)
            free(priv->name);
        free(priv);
        return ck_err(CK_ERR_NOMEM, "%s: out of memory", name);
    }
    c->priv_ = priv;
    c->name = priv->name;
    c->sections = NULL;
    p.name = priv->name;
    p.c = c;
    p.priv = priv;

    /* Before parsing, on the bytes as the nation's editor shows them, so the
     * message can say file:line:column even for a "\u202E" escape. */
    {
        uint32_t cp;
        size_t line, col;
        if (utf8_find_invisible((const char *)data, len, &cp, &line, &col)) {
            err = ck_err(CK_ERR_FORMAT,
                         "%s:%zu:%zu: U+%04X %s is not allowed (an invisible or "
                         "direction-changing character: text that looks the same must be the "
                         "same)",
                         name, line, col, (unsigned)cp, utf8_invisible_name(cp));
            goto out;
        }
    }
    priv->root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (priv->root == NULL) {
        err = ck_err(CK_ERR_FORMAT, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
        goto out;
    }
    if ((err = parse_root(&p, priv->root)) != CK_OK)
        goto out;
    crypto_hash_sha256(c->text_sha256, data, len);
    codec_hex_encode(c->text_sha256, sizeof c->text_sha256, c->text_sha256_hex);
    *content_out = c;
    c = NULL;
out:
    content_free(c);
    return err;
}

CkErr
content_load(const char *path, Content **content_out)
{
    unsigned char *data = NULL;
    size_t len;
    CkErr err;

    *content_out = NULL;
    err = fileio_read(path, CONTENT_MAX_FILE_BYTES, &data, &len);
    if (err == CK_ERR_TOO_LARGE)
        err = ck_err(err, "%s: larger than %d bytes", path, CONTENT_MAX_FILE_BYTES);
    if (err == CK_OK)
        err = content_parse(path, data, len, content_out);
    free(data);
    return err;
}

void
content_free(Content *content)
{
    Priv *priv;

    if (content == NULL)
        return;
    priv = content->priv_;
    if (priv != NULL) {
        for (size_t i = 0; i < priv->n_allocs; i++)
            free(priv->allocs[i]);
        free(priv->allocs);
        json_decref(priv->root);
        free(priv->name);
        free(priv);
    }
    free(content);
}

static CkErr
differ(const Content *b, const char *what)
{
    return ck_err(CK_ERR_FORMAT, "%s: %s differs from the bundle's other languages", b->name, what);
}

CkErr
content_check_same_ids(const Content *a, const Content *b)
{
    char what[PATH_MAX_LEN + 2 * CONTENT_MAX_ID_LEN];

    if (a->n_sections != b->n_sections)
        return ck_err(CK_ERR_FORMAT, "%s: %zu code-of-conduct sections, %s has %zu", b->name,
                      b->n_sections, a->name, a->n_sections);
    for (size_t i = 0; i < a->n_sections; i++)
        if (strcmp(a->sections[i].id, b->sections[i].id) != 0) {
            snprintf(what, sizeof what, "code_of_conduct.sections[%zu].id (\"%s\", %s has \"%s\")",
                     i, b->sections[i].id, a->name, a->sections[i].id);
            return differ(b, what);
        }
    if (a->n_pages != b->n_pages)
        return ck_err(CK_ERR_FORMAT, "%s: %zu training pages, %s has %zu", b->name, b->n_pages,
                      a->name, a->n_pages);
    for (size_t i = 0; i < a->n_pages; i++) {
        snprintf(what, sizeof what, "training.pages[%zu]", i);
        if (strcmp(a->pages[i].id, b->pages[i].id) != 0 ||
            strcmp(a->pages[i].section, b->pages[i].section) != 0)
            return differ(b, what);
    }
    if (a->n_questions != b->n_questions)
        return ck_err(CK_ERR_FORMAT, "%s: %zu quiz questions, %s has %zu", b->name, b->n_questions,
                      a->name, a->n_questions);
    for (size_t i = 0; i < a->n_questions; i++) {
        const ContentQuestion *qa = &a->questions[i], *qb = &b->questions[i];
        snprintf(what, sizeof what, "quiz.questions[%zu] (id, section, choices or answer)", i);
        if (strcmp(qa->id, qb->id) != 0 || strcmp(qa->section, qb->section) != 0 ||
            qa->n_choices != qb->n_choices || qa->answer != qb->answer)
            return differ(b, what);
    }
    if (a->n_clauses != b->n_clauses)
        return ck_err(CK_ERR_FORMAT, "%s: %zu clauses, %s has %zu", b->name, b->n_clauses, a->name,
                      a->n_clauses);
    for (size_t i = 0; i < a->n_clauses; i++) {
        snprintf(what, sizeof what, "clauses[%zu].id", i);
        if (strcmp(a->clauses[i].id, b->clauses[i].id) != 0)
            return differ(b, what);
    }
    return CK_OK;
}

const ContentSection *
content_find_section(const Content *content, const char *id)
{
    size_t i = content_section_index(content, id);

    return i == (size_t)-1 ? NULL : &content->sections[i];
}

size_t
content_section_index(const Content *content, const char *id)
{
    for (size_t i = 0; i < content->n_sections; i++)
        if (strcmp(content->sections[i].id, id) == 0)
            return i;
    return (size_t)-1;
}
