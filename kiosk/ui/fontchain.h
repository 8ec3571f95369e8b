/* fontchain: the fonts behind one text size and weight (Noto Sans, then
 * Debian's Noto fonts for the scripts it lacks) and the drawing of a line
 * through them in the order a reader expects (UAX #9 by FriBidi). */
#ifndef CERTKIOSK_FONTCHAIN_H
#define CERTKIOSK_FONTCHAIN_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct FontChain FontChain;

/* A chain for text at px (the em in pixels), regular or bold, whose first
 * font is main (borrowed; it must outlive the chain), read from main_path
 * (copied). The fallback fonts are
 * opened at px the first time a character needs them; one that cannot be
 * opened leaves its characters missing. NULL when out of memory. */
FontChain *fontchain_create(TTF_Font *main, const char *main_path, int px, bool bold);

/* Closes the fallback fonts the chain opened. Accepts NULL. */
void fontchain_destroy(FontChain *c);

/* Number of fallback fonts after the main one; font k (1..count) is named
 * fontchain_name(k), read from fontchain_file(k), shipped by Debian's
 * fontchain_package(k). fontchain_name(0) is "main"; "?" past the end.
 * Borrowed static strings. fontchain_file's path lies under the folder
 * CERTKIOSK_FALLBACK_FONT_ROOT names (tests), else /usr/share/fonts; it
 * writes into buf (size n) and returns it. */
int fontchain_count(void);
const char *fontchain_name(int k);
const char *fontchain_package(int k);
const char *fontchain_file(int k, char *buf, size_t n);

/* Which fonts s (valid UTF-8 of len bytes, as text_sanitize leaves it)
 * needs: *fonts has bit k set for each font k that draws some of it,
 * *missing counts the characters no font of the chain has. */
void fontchain_scan(FontChain *c, const char *s, size_t len, int *missing, unsigned *fonts);

/* The base direction of s by UAX #9 rules P2-P3 (its first strong
 * character): true for right to left. Text with no strong character is
 * left to right. */
bool fontchain_is_rtl(const char *s, size_t len);

/* Width in pixels of s drawn on one line by fontchain_render. */
int fontchain_measure(FontChain *c, const char *s, size_t len);

/* Where the caret after the last character of s (its logical end) lies on
 * the line fontchain_render draws with base direction rtl, in pixels from
 * its left end: the right end of left-to-right text, the left end of a
 * right-to-left value, and within mixed text wherever UAX #9 puts that
 * character ("ليلى Haddad": just right of "Haddad", mid-line). */
int fontchain_caret(FontChain *c, const char *s, size_t len, bool rtl);

/* Draws s (len bytes, NUL-terminated at len; the buffer is cut and restored
 * in place while its runs are drawn) on one line in colour col: runs of one
 * font and one bidi level, each shaped by HarfBuzz in its direction, laid
 * out in visual order (UAX #9 with base direction rtl) on the main font's
 * baseline. Glyphs that reach above the main font's ascent (stacked
 * combining marks, taller scripts) make the surface taller: *dy is where its
 * top lies relative to the line's top (0 or negative). Returns a new
 * surface (free with SDL_FreeSurface), NULL on failure. */
SDL_Surface *fontchain_render(FontChain *c, char *s, size_t len, bool rtl, SDL_Color col, int *dy);

#endif
