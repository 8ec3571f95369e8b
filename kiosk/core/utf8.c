/* utf8: UTF-8 validation, control-character checks and trimming. */
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one code point at s[i..len); returns its byte length, or 0 if the
 * sequence is not well-formed (RFC 3629: no overlongs, no surrogates). */
static size_t
decode(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
    unsigned char c = s[i];
    size_t n;
    uint32_t v, min;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len - i < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[i + k] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i + k] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

Utf8Problem
utf8_check(const char *s, size_t len, size_t max_chars, bool allow_newline, size_t *chars_out,
           size_t *offset_out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t chars = 0;
    Utf8Problem problem = UTF8_OK;
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = decode(u, len, i, &cp);

        if (n == 0) {
            problem = UTF8_BAD;
            break;
        }
        if ((cp < 0x20 && !(cp == '\n' && allow_newline)) || cp == 0x7f ||
            (cp >= 0x80 && cp <= 0x9f)) {
            problem = UTF8_CONTROL;
            break;
        }
        if (utf8_is_invisible(cp)) {
            problem = UTF8_INVISIBLE;
            break;
        }
        chars++;
        i += n;
    }
    if (offset_out != NULL)
        *offset_out = i;
    if (problem == UTF8_OK && chars > max_chars)
        problem = UTF8_TOO_LONG;
    if (chars_out != NULL)
        *chars_out = chars;
    return problem;
}

const char *
utf8_problem_str(Utf8Problem problem)
{
    switch (problem) {
    case UTF8_OK:
        return "ok";
    case UTF8_BAD:
        return "is not valid UTF-8";
    case UTF8_CONTROL:
        return "contains a control character";
    case UTF8_TOO_LONG:
        return "is too long";
    case UTF8_INVISIBLE:
        return "contains an invisible or direction-changing character";
    }
    return "is invalid";
}

size_t
utf8_count_chars(const char *s, size_t len)
{
    size_t chars = 0;

    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            chars++;
    return chars;
}

static size_t
space_at(const unsigned char *s, size_t len, size_t i)
{
    if (s[i] == ' ' || s[i] == '\t')
        return 1;
    if (s[i] == 0xc2 && i + 1 < len && s[i + 1] == 0xa0)
        return 2;
    return 0;
}

static size_t
space_before(const unsigned char *s, size_t start, size_t end)
{
    if (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
        return 1;
    if (end >= start + 2 && s[end - 2] == 0xc2 && s[end - 1] == 0xa0)
        return 2;
    return 0;
}

size_t
utf8_trim(const char *s, size_t len, size_t *start_out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t start = 0, end = len, n;

    while (start < end && (n = space_at(u, end, start)) > 0)
        start += n;
    while (end > start && (n = space_before(u, start, end)) > 0)
        end -= n;
    *start_out = start;
    return end - start;
}

/* ---- invisible characters ---- */

static const struct {
    uint32_t cp;
    const char *name;
} invisible[] = {
    {0x00AD, "SOFT HYPHEN"},
    {0x061C, "ARABIC LETTER MARK"},
    {0x180E, "MONGOLIAN VOWEL SEPARATOR"},
    {0x200B, "ZERO WIDTH SPACE"},
    {0x200C, "ZERO WIDTH NON-JOINER"},
    {0x200D, "ZERO WIDTH JOINER"},
    {0x200E, "LEFT-TO-RIGHT MARK"},
    {0x200F, "RIGHT-TO-LEFT MARK"},
    {0x202A, "LEFT-TO-RIGHT EMBEDDING"},
    {0x202B, "RIGHT-TO-LEFT EMBEDDING"},
    {0x202C, "POP DIRECTIONAL FORMATTING"},
    {0x202D, "LEFT-TO-RIGHT OVERRIDE"},
    {0x202E, "RIGHT-TO-LEFT OVERRIDE"},
    {0x2060, "WORD JOINER"},
    {0x2061, "FUNCTION APPLICATION"},
    {0x2062, "INVISIBLE TIMES"},
    {0x2063, "INVISIBLE SEPARATOR"},
    {0x2064, "INVISIBLE PLUS"},
    {0x2066, "LEFT-TO-RIGHT ISOLATE"},
    {0x2067, "RIGHT-TO-LEFT ISOLATE"},
    {0x2068, "FIRST STRONG ISOLATE"},
    {0x2069, "POP DIRECTIONAL ISOLATE"},
    {0xFEFF, "ZERO WIDTH NO-BREAK SPACE"},
};

const char *
utf8_invisible_name(uint32_t cp)
{
    /* Every listed character is above U+00AC: plain text (ASCII), which is
     * nearly all certctl prints, never searches the table (it cost certctl
     * verify 7 % of its time, once per character printed). */
    if (cp < 0x00AD)
        return "";
    for (size_t i = 0; i < sizeof invisible / sizeof invisible[0]; i++)
        if (invisible[i].cp == cp)
            return invisible[i].name;
    return "";
}

bool
utf8_is_invisible(uint32_t cp)
{
    return *utf8_invisible_name(cp) != '\0';
}

const char *
utf8_describe_at(const char *s, size_t len, size_t off, char *buf, size_t cap)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t cp = 0;
    size_t n = off < len ? decode(u, len, off, &cp) : 0;
    size_t at = utf8_count_chars(s, off < len ? off : len) + 1;
    const char *name = n ? utf8_invisible_name(cp) : "";

    if (off >= len)
        snprintf(buf, cap, "at the end");
    else if (n == 0)
        snprintf(buf, cap, "byte 0x%02X at character %zu", u[off], at);
    else
        snprintf(buf, cap, "U+%04X%s%s at character %zu", (unsigned)cp, *name ? " " : "", name,
                 at);
    return buf;
}

static int
hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool
utf8_find_invisible(const char *s, size_t len, uint32_t *cp_out, size_t *line_out,
                    size_t *col_out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t line = 1, col = 1, i = 0, backslashes = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = decode(u, len, i, &cp);

        if (n == 0) {
            n = 1; /* not UTF-8: the parser will say so */
            cp = 0xFFFD;
        }
        if (utf8_is_invisible(cp)) {
            *cp_out = cp, *line_out = line, *col_out = col;
            return true;
        }
        /* \uXXXX with an odd number of backslashes before the u: an escape. */
        if (cp == 'u' && backslashes % 2 == 1 && len - i >= 5) {
            uint32_t v = 0;
            bool hex = true;
            for (size_t k = 1; k <= 4 && hex; k++) {
                int h = hexval(u[i + k]);
                hex = h >= 0;
                v = v << 4 | (uint32_t)(h < 0 ? 0 : h);
            }
            if (hex && utf8_is_invisible(v)) {
                *cp_out = v, *line_out = line, *col_out = col - 1;
                return true;
            }
        }
        backslashes = cp == '\\' ? backslashes + 1 : 0;
        if (cp == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += n;
    }
    return false;
}

/* ---- escaping for a terminal ---- */

char *
utf8_escape(const char *s, size_t len, unsigned flags)
{
    const unsigned char *u = (const unsigned char *)s;
    /* The worst case: every byte (a control, a backslash) becomes "\uNNNN". */
    char *out = malloc(len * 6 + 1), *o = out;
    size_t i = 0;

    if (out == NULL)
        return NULL;
    while (i < len) {
        uint32_t cp;
        size_t n, run = i;

        /* A run of printable ASCII other than '\\' is copied as is: nearly all certctl prints
         * (per character decoding cost certctl verify 4 % of its instructions). */
        while (run < len && u[run] >= 0x20 && u[run] < 0x7f && u[run] != '\\')
            run++;
        if (run > i) {
            memcpy(o, u + i, run - i);
            o += run - i;
            i = run;
            continue;
        }
        n = decode(u, len, i, &cp);
        if (n == 0) {
            o += sprintf(o, "\\x%02X", u[i]);
            i++;
            continue;
        }
        bool layout = cp == '\n' || cp == '\t' ||
                      (cp == '\r' && (flags & UTF8_ESCAPE_STREAM) && i + 1 < len && u[i + 1] == '\n');
        if ((cp < 0x20 && (!layout || (flags & UTF8_ESCAPE_NEWLINES))) || cp == 0x7f ||
            (cp >= 0x80 && cp <= 0x9f) || utf8_is_invisible(cp) ||
            (cp == '\\' && !(flags & UTF8_ESCAPE_STREAM) && i + 1 < len &&
             (u[i + 1] == 'u' || u[i + 1] == 'x'))) {
            o += sprintf(o, "\\u%04X", (unsigned)cp);
        } else {
            memcpy(o, u + i, n);
            o += n;
        }
        i += n;
    }
    *o = '\0';
    return out;
}
