/* content: parses and validates one plugin content file (content/<lang>.json) into a read-only
 * model. */
#ifndef CERTKIOSK_CONTENT_H
#define CERTKIOSK_CONTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* The format is in /work/notes/formats.md ("content/<lang>.json"):
 *   {"language","draft","title","publisher","sources":[...],
 *    "code_of_conduct":{"sections":[{"id","title","paragraphs":[...]}]},
 *    "training":{"pages":[{"id","title","section","paragraphs":[...]}]},
 *    "quiz":{"questions":[{"id","text","choices":[...],"answer","explanation","section"}]},
 *    "clauses":[{"id","text"}], "attestation":"...", "reporting":[{"channel","detail"}]}
 *
 * Validation (every failure is CK_ERR_FORMAT or CK_ERR_TOO_LARGE, and the
 * detail names the file and either the line:column of a JSON syntax error or
 * the JSON path of the bad field, e.g.
 *   "content/en.json: quiz.questions[3].answer: 5 is out of range (3 choices)"):
 *  - the file is at most CONTENT_MAX_FILE_BYTES, valid JSON and valid UTF-8
 *    (jansson checks; a \u0000 escape is refused);
 *  - every member listed above has the right type; unknown members are refused
 *    (a typo must not silently drop text) except names starting with '_'
 *    (comments for translators);
 *  - no control characters (C0, DEL, C1) except '\n'; lengths bounded by the
 *    CONTENT_MAX_* limits below (counted in code points);
 *  - "language" is 2 or 3 lower-case letters (ISO 639-1/639-2);
 *  - ids are 1..CONTENT_MAX_ID_LEN of [a-z0-9._-], unique within their list;
 *  - every training page and quiz question names a "section" of this file's
 *    code_of_conduct; every answer is an index into its choices;
 *  - the attestation uses only the placeholders {name}, {bundle}, {version}.
 * "training", "quiz", "clauses", "reporting", "sources" may be absent (an
 * empty list); at least one code-of-conduct section is required.
 *
 * The SHA-256 of the exact text shown (certificate evidence "textSha256") is
 * defined as the SHA-256 of the content file's bytes exactly as verified and
 * parsed: every displayed string comes from those bytes and nothing else, so
 * the hash is exact, needs no second canonical form, and anyone holding the
 * signed bundle can recompute it with `sha256sum content/<lang>.json`. */

#define CONTENT_MAX_FILE_BYTES (1024 * 1024)
#define CONTENT_MAX_ID_LEN 64       /* bytes, ASCII */
#define CONTENT_MAX_TITLE_CHARS 200 /* titles, channels, choices */
#define CONTENT_MAX_TEXT_CHARS 4000 /* a paragraph, question, clause, attestation */
#define CONTENT_MAX_ITEMS 200       /* sections, pages, questions, clauses, paragraphs */
#define CONTENT_MIN_CHOICES 2
#define CONTENT_MAX_CHOICES 8

typedef struct ContentSection {
    const char *id;
    const char *title;
    const char *const *paragraphs;
    size_t n_paragraphs;
} ContentSection;

typedef struct ContentPage {
    const char *id;
    const char *title;
    const char *section; /* id of the code-of-conduct section it teaches */
    const char *const *paragraphs;
    size_t n_paragraphs;
} ContentPage;

typedef struct ContentQuestion {
    const char *id;
    const char *text;
    const char *const *choices;
    size_t n_choices;
    size_t answer;           /* index into choices */
    const char *explanation; /* "" when absent */
    const char *section;     /* id of the code-of-conduct section to revisit */
} ContentQuestion;

typedef struct ContentClause {
    const char *id;
    const char *text;
} ContentClause;

typedef struct ContentReporting {
    const char *channel;
    const char *detail;
} ContentReporting;

/* One parsed content file. All fields are read-only and owned by the
 * Content; strings are valid UTF-8, NUL-terminated, and live until
 * content_free(). */
typedef struct Content {
    const char *name;     /* the name given to content_parse (e.g. "content/en.json") */
    const char *language; /* "en", "nb", ... */
    bool draft;           /* a translation awaiting the nation's review */
    const char *title;
    const char *publisher;
    const char *const *sources;
    size_t n_sources;
    const ContentSection *sections;
    size_t n_sections;
    const ContentPage *pages;
    size_t n_pages;
    const ContentQuestion *questions;
    size_t n_questions;
    const ContentClause *clauses;
    size_t n_clauses;
    const char *attestation; /* with {name} {bundle} {version} placeholders */
    const ContentReporting *reporting;
    size_t n_reporting;
    unsigned char text_sha256[32]; /* SHA-256 of the file bytes (see above) */
    char text_sha256_hex[65];
    void *priv_; /* owned storage; do not touch */
} Content;

/* Parses and validates len bytes of a content file. name is used in every
 * error message (give the path relative to the bundle, "content/en.json").
 * On success *content_out is new (free with content_free()). */
CkErr content_parse(const char *name, const unsigned char *data, size_t len, Content **content_out);

/* Reads path (at most CONTENT_MAX_FILE_BYTES) and parses it, naming path in errors. */
CkErr content_load(const char *path, Content **content_out);

/* Frees a content. Accepts NULL. */
void content_free(Content *content);

/* "Every language complete": CK_OK if a and b (two languages of one bundle)
 * have the same section, page, question and clause ids in the same order,
 * each question the same number of choices and the same answer, and each
 * page/question the same section; otherwise CK_ERR_FORMAT naming b's file and
 * the first difference. */
CkErr content_check_same_ids(const Content *a, const Content *b);

/* The section with this id, or NULL. Borrowed from content. */
const ContentSection *content_find_section(const Content *content, const char *id);

/* Index of the section with this id, or (size_t)-1. */
size_t content_section_index(const Content *content, const char *id);

#endif
