/* utf8: UTF-8 checks shared by content, UI strings and typed input — validity, control characters,
 * length. */
#ifndef CERTKIOSK_UTF8_H
#define CERTKIOSK_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Why a string was refused by utf8_check(). */
typedef enum Utf8Problem {
    UTF8_OK = 0,
    UTF8_BAD,      /* not well-formed UTF-8 (overlong, surrogate, truncated, > U+10FFFF) */
    UTF8_CONTROL,  /* a C0 control, DEL or C1 control (other than an allowed '\n') */
    UTF8_TOO_LONG, /* more than max_chars code points */
} Utf8Problem;

/* Checks len bytes of s: well-formed UTF-8, no control characters except
 * '\n' when allow_newline, at most max_chars code points. The number of code
 * points is stored in *chars_out when it is not NULL (also on UTF8_TOO_LONG).
 * *offset_out (if not NULL) receives the byte offset of the first bad byte. */
Utf8Problem utf8_check(const char *s, size_t len, size_t max_chars, bool allow_newline,
                       size_t *chars_out, size_t *offset_out);

/* A short phrase for a problem ("contains a control character"). Static. */
const char *utf8_problem_str(Utf8Problem problem);

/* Number of code points in well-formed UTF-8 s. */
size_t utf8_count_chars(const char *s, size_t len);

/* Length in bytes of s without leading and trailing white space (ASCII space,
 * tab, and U+00A0); *start_out gets the offset of the first kept byte. */
size_t utf8_trim(const char *s, size_t len, size_t *start_out);

#endif
