/* utf8: UTF-8 validation, control-character checks and trimming. */
#include "utf8.h"

#include <stdint.h>

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
