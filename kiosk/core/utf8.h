/* utf8: UTF-8 checks shared by content, UI strings and typed input — validity, control characters,
 * length. */
#ifndef CERTKIOSK_UTF8_H
#define CERTKIOSK_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why a string was refused by utf8_check(). */
typedef enum Utf8Problem {
    UTF8_OK = 0,
    UTF8_BAD,      /* not well-formed UTF-8 (overlong, surrogate, truncated, > U+10FFFF) */
    UTF8_CONTROL,  /* a C0 control, DEL or C1 control (other than an allowed '\n') */
    UTF8_TOO_LONG, /* more than max_chars code points */
    UTF8_INVISIBLE, /* a bidi control or an invisible character (utf8_is_invisible) */
} Utf8Problem;

/* Checks len bytes of s: well-formed UTF-8, no control characters except
 * '\n' when allow_newline, no bidi controls or invisible characters
 * (utf8_is_invisible: names, rosters and content that look alike must be
 * alike, and no text may reorder what a viewer shows), at most max_chars
 * code points. The number of code
 * points is stored in *chars_out when it is not NULL (also on UTF8_TOO_LONG).
 * *offset_out (if not NULL) receives the byte offset of the first bad byte. */
Utf8Problem utf8_check(const char *s, size_t len, size_t max_chars, bool allow_newline,
                       size_t *chars_out, size_t *offset_out);

/* A short phrase for a problem ("contains a control character"). Static. */
const char *utf8_problem_str(Utf8Problem problem);

/* True for the characters no name, roster or content may hold: the bidi
 * controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and the
 * invisible ones (U+00AD, U+180E, U+200B-U+200D, U+2060-U+2064, U+FEFF). */
bool utf8_is_invisible(uint32_t cp);

/* For a message after utf8_check() refused s at byte offset off: names the
 * character there and its position, e.g. "U+202E RIGHT-TO-LEFT OVERRIDE at
 * character 7" (characters counted from 1), into buf. Returns buf. */
const char *utf8_describe_at(const char *s, size_t len, size_t off, char *buf, size_t cap);

/* Finds the first bidi control or invisible character in len bytes of s,
 * raw or written as a JSON escape (\u202E), as a text editor would count:
 * *line_out and *col_out from 1, columns in characters. False if none. The
 * character goes to *cp_out. For content files, before they are parsed. */
bool utf8_find_invisible(const char *s, size_t len, uint32_t *cp_out, size_t *line_out,
                         size_t *col_out);

/* A short name for a code point utf8_is_invisible() refuses ("RIGHT-TO-LEFT
 * OVERRIDE"); "" for others. Static. */
const char *utf8_invisible_name(uint32_t cp);

/* Flags of utf8_escape(). */
enum {
    UTF8_ESCAPE_NEWLINES = 1, /* also \n and \t (one field of a line, not whole text) */
    UTF8_ESCAPE_STREAM = 2,   /* whole output: keeps \r\n pairs and every backslash (so
                                 JSON stays JSON) */
};

/* Text safe for a terminal: every C0 control (but \n and \t unless
 * UTF8_ESCAPE_NEWLINES), DEL, C1 control, bidi control and invisible
 * character becomes \u followed by four hex digits, as does a backslash that
 * would start one (not with UTF8_ESCAPE_STREAM); a byte that is not UTF-8
 * becomes \xNN. Returns a new string
 * (free()), or NULL when out of memory. */
char *utf8_escape(const char *s, size_t len, unsigned flags);

/* Number of code points in well-formed UTF-8 s (in any s: the bytes that do not continue a
 * character, which is how a passphrase's length is counted too). */
size_t utf8_count_chars(const char *s, size_t len);

/* Length in bytes of s without leading and trailing white space (ASCII space,
 * tab, and U+00A0); *start_out gets the offset of the first kept byte. */
size_t utf8_trim(const char *s, size_t len, size_t *start_out);

#endif
