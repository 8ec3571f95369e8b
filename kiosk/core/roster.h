/* roster: a contingent's personnel list (CSV, RFC 4180) — parsed in one pass, every bad row named
 * by its line. */
#ifndef CERTKIOSK_ROSTER_H
#define CERTKIOSK_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* The roster file
 * ---------------
 * A CSV file (RFC 4180) whose first row names the columns. Header names are
 * matched without regard to case or surrounding spaces; the column order is
 * free; columns not listed here are ignored (a spreadsheet's extra notes do no
 * harm). A UTF-8 byte-order mark, CRLF or LF line ends, quoted fields holding
 * commas, doubled quotes ("") and line breaks are all accepted.
 *
 *   id        required  the person's service number ("service_number" also accepted)
 *   nation    required  ISO 3166-1 alpha-3 code of the person's nation, e.g. NOR
 *   name      optional  the person's name, as printed in reports
 *   category  optional  military | civilian | contractor
 *   unit      optional  unit or detachment; reports total per unit
 *   rank      optional
 *
 * A person is identified by nation + id, as on a certificate
 * (credentialSubject.nation + serviceNumber).
 *
 * Nations: a code must be three letters (lower case is accepted and
 * upper-cased) AND one of the 249 officially assigned ISO 3166-1 alpha-3 codes
 * (the static table of kiosk/core/country.c). The honest choice: certificates carry the
 * same codes, so anything else could never match a certificate; user-assigned
 * codes such as "XKX" are reported as unknown rather than guessed at.
 *
 * Bad input: a file without a header row, or whose header lacks "id" or
 * "nation", is refused as a whole (CK_ERR_FORMAT, naming the column). Every
 * other problem concerns one row; the row is reported (RosterProblem, with the
 * line on which the row starts) and left out, and the rest of the roster is
 * still read:
 *   - a row with more or fewer fields than the header;
 *   - a field that is not well-formed UTF-8 or holds a control character;
 *   - a quoted field that is never closed, or text after a closing quote;
 *   - a blank id or nation; a nation that is not three letters; an unknown code;
 *   - a second row for the same nation + id (the first one is kept);
 *   - a field longer than ROSTER_FIELD_MAX bytes.
 * An unknown category is reported but the row is kept (category left blank).
 * Rows whose fields are all empty (blank lines, ",,,") are skipped silently. */

#define ROSTER_FIELD_MAX 256
#define ROSTER_FILE_MAX ((size_t)256 << 20)

typedef enum RosterProblemKind {
    ROSTER_FIELD_COUNT = 1,  /* more or fewer fields than the header */
    ROSTER_BAD_TEXT,         /* not UTF-8, or a control character */
    ROSTER_BAD_QUOTE,        /* unterminated quote, or text after a closing quote */
    ROSTER_BLANK_ID,         /* the id field is empty */
    ROSTER_BLANK_NATION,     /* the nation field is empty */
    ROSTER_BAD_NATION,       /* not three letters */
    ROSTER_UNKNOWN_NATION,   /* three letters, but not an ISO 3166-1 alpha-3 code */
    ROSTER_DUPLICATE_ID,     /* the same nation + id appeared on an earlier line */
    ROSTER_BAD_CATEGORY,     /* category not military, civilian or contractor (row kept) */
    ROSTER_TOO_LONG,         /* a field longer than ROSTER_FIELD_MAX bytes */
    ROSTER_DUPLICATE_COLUMN, /* the header names a column twice (the first is used) */
} RosterProblemKind;

/* One problem, on the line where its row starts (1 = the header). The message
 * says what is wrong ("line 7: duplicate id (first on line 3)") and contains no
 * personal data except a nation code. */
typedef struct RosterProblem {
    size_t line;
    RosterProblemKind kind;
    const char *message;
} RosterProblem;

/* One person. Strings are trimmed, NUL-terminated and never NULL ("" when the
 * column is absent or empty). nation is upper case. */
typedef struct RosterEntry {
    size_t line;
    const char *id;
    const char *nation;
    const char *name;
    const char *category;
    const char *unit;
    const char *rank;
} RosterEntry;

typedef struct Roster Roster;

/* Parses len bytes of CSV; label names the input in messages (a path).
 * *roster_out: free with roster_unload(). The strings it holds live in
 * sodium_malloc memory and are zeroed when it is unloaded. Fails only for a
 * missing header or required column (CK_ERR_FORMAT) and out of memory; row
 * problems are listed by roster_problem(). */
CkErr roster_parse(const char *data, size_t len, const char *label, Roster **roster_out);

/* Reads and parses the file at path ("-" for standard input); at most
 * ROSTER_FILE_MAX bytes. The file's bytes are zeroed after parsing. */
CkErr roster_load(const char *path, Roster **roster_out);

/* Frees a roster and zeroes its personal data. Accepts NULL. */
void roster_unload(Roster *roster);

/* The people kept, in file order. Borrowed; valid until roster_unload(). */
size_t roster_count(const Roster *roster);
const RosterEntry *roster_entry(const Roster *roster, size_t i);

/* The problems found, in line order. Borrowed; valid until roster_unload(). */
size_t roster_problem_count(const Roster *roster);
const RosterProblem *roster_problem(const Roster *roster, size_t i);

/* True if code is one of the officially assigned ISO 3166-1 alpha-3 codes
 * (exactly three upper-case letters). */
bool roster_nation_known(const char *code);

/* True for "military", "civilian" and "contractor". */
bool roster_category_known(const char *category);

#endif
