/* text: fonts, our own paragraph line breaking, and cached line textures. */
#ifndef CERTKIOSK_TEXT_H
#define CERTKIOSK_TEXT_H

#include <SDL.h>
#include <stdbool.h>

#include "err.h"

typedef struct Text Text;

/* TEXT_START is for a standalone value (a name line, a value cell): each
 * paragraph goes to its start edge, left when it reads left to right, right
 * when its first strong letter is Arabic, Hebrew... (UAX #9 P2-P3). Text in
 * a sentence keeps the sentence's alignment (TEXT_LEFT...): FriBidi orders
 * a name inside it. */
typedef enum TextAlign { TEXT_LEFT, TEXT_CENTER, TEXT_RIGHT, TEXT_START } TextAlign;

typedef struct TextStyle {
    int px; /* em size in pixels */
    bool bold;
    SDL_Color color;
    TextAlign align;
} TextStyle;

#define TEXT_NOTO_DIR "/usr/share/fonts/truetype/noto"
#define TEXT_DEJAVU_DIR "/usr/share/fonts/truetype/dejavu"

/* Opens Noto Sans (Regular and Bold) from the first of dirs that has it,
 * else DejaVu Sans (the fallback) from the first that has that. NULL
 * entries are skipped. No usable font is CK_ERR_NOT_FOUND naming every
 * folder tried. *out: destroy with text_destroy(). The renderer is
 * borrowed. */
CkErr text_create_dirs(SDL_Renderer *r, const char *const *dirs, size_t n_dirs, Text **out);

/* text_create_dirs() with font_dir (may be NULL) searched first, then
 * TEXT_NOTO_DIR and TEXT_DEJAVU_DIR. */
CkErr text_create(SDL_Renderer *r, const char *font_dir, Text **out);

/* Destroys every cached texture and layout (zeroing the text they held), then
 * the fonts. Accepts NULL. */
void text_destroy(Text *t);

/* The regular font file in use. Borrowed. */
const char *text_font_path(const Text *t);

/* Height of one line of text at px. */
int text_line_height(Text *t, int px, bool bold);

/* Width of s as one line (no wrapping). */
int text_width(Text *t, int px, bool bold, const char *s);

/* Height of s broken into lines no wider than w. Paragraph breaks at '\n'. */
int text_para_height(Text *t, int px, bool bold, const char *s, int w);

/* Draws s broken into lines no wider than w, top-left at (x, y), aligned
 * within w; lines outside the clip set by text_set_clip() are not drawn.
 * Returns the height used. Invalid UTF-8 is drawn as U+FFFD and control
 * characters are dropped, so text from a plugin cannot break the layout. */
int text_para(Text *t, const TextStyle *st, const char *s, int x, int y, int w);

/* Draws s as a heading: text_para() at the largest size from st->px down to
 * 5/8 of it (not below 20 px) at which no word is broken inside (a heading
 * shrinks or wraps between words, never "Διαχειριστή|ς"); only a word wider
 * than the line even then is broken. Its run is flagged TEXT_RUN_HEADING. Returns the
 * height used; text_heading_height() says it beforehand. */
int text_heading(Text *t, const TextStyle *st, const char *s, int x, int y, int w);
int text_heading_height(Text *t, int px, bool bold, const char *s, int w);
/* Whether text_heading() draws s in w with every word whole (a word wider than
 * w even at 5/8 of px would be broken): where not, the caller gives it more room. */
bool text_heading_fits(Text *t, int px, bool bold, const char *s, int w);

/* Draws s on one line inside a box of width w (aligned per st), clipped to w.
 * Returns the width of the text. */
int text_line(Text *t, const TextStyle *st, const char *s, int x, int y, int w);

/* Where the caret after the last character of s (its logical end, where
 * typing goes on) lies on the line text_line() draws, in pixels from the
 * text's left end: its right end for left-to-right text, its left end for a
 * right-to-left value, and after mixed text wherever UAX #9 puts that last
 * character. */
int text_caret_x(Text *t, const TextStyle *st, const char *s);

/* How far s drawn by text_line() reaches above the line's top, in pixels:
 * 0 unless stacked combining marks or a taller script rise above the main
 * font's ascent (a text field moves such a line down to show it whole). */
int text_line_rise(Text *t, const TextStyle *st, const char *s);

/* True if s reads right to left as a whole (UAX #9 P2-P3: its first strong
 * letter is Arabic, Hebrew...). */
bool text_is_rtl(const char *s);

/* Lines outside clip are culled; NULL removes the clip. */
void text_set_clip(Text *t, const SDL_Rect *clip);

/* Starts a frame: forgets which texts were drawn and evicts textures beyond
 * the cache budget, least recently used first. */
void text_frame_begin(Text *t);

/* True if a text containing needle was drawn since text_frame_begin(). */
bool text_frame_contains(const Text *t, const char *needle);

/* Calls fn for every text drawn since text_frame_begin(). */
void text_frame_each(const Text *t, void (*fn)(const char *s, void *ctx), void *ctx);

/* Destroys every cached texture and layout, zeroing their text: after a
 * session, nothing the person typed survives in the cache. */
void text_purge(Text *t);

/* ---- what was drawn where (the layout check of tests/ui/layout_check.py) ---- */

enum {
    TEXT_RUN_CLIPPED = 1u << 0, /* a line wider than its box, cut at the box's edge */
    TEXT_RUN_BROKEN = 1u << 1,  /* a word broken inside (it alone is wider than the line) */
    TEXT_RUN_HEADING = 1u << 2, /* drawn by text_heading() */
};

#define TEXT_OWNER_MAX 64

/* One text drawn this frame: the box it was given, the ink it covers (every
 * line, even lines culled by the clip), the clip in force, and the widget it
 * labels ("" for free text). */
typedef struct TextRun {
    SDL_Rect box; /* x, y, the width given, the height used */
    SDL_Rect ink; /* the lines' extent */
    SDL_Rect clip;
    bool has_clip;
    unsigned flags;
    int missing;    /* characters no font of the fallback chain has (drawn as boxes) */
    unsigned fonts; /* bit k: font k of the chain (text_font_name) drew some of it */
    char owner[TEXT_OWNER_MAX];
    char head[40]; /* the first characters, to name it in reports */
} TextRun;

/* Texts drawn from now on label the widget id (NULL: free text). */
void text_set_owner(Text *t, const char *id);

/* The clip set by text_set_clip(); false when none. */
bool text_get_clip(const Text *t, SDL_Rect *out);

/* The texts drawn since text_frame_begin(). Borrowed until the next frame. */
int text_run_count(const Text *t);
const TextRun *text_run_at(const Text *t, int i);

/* With on false, text is laid out and measured but no texture is made
 * (frames that are laid out without being drawn). On by default. */
void text_set_rasterise(Text *t, bool on);

/* The name of font k of the fallback chain: "main" (Noto Sans or DejaVu
 * Sans), then "arabic", "hebrew", "devanagari", "cjk"; "?" past the end. */
const char *text_font_name(int k);

/* Number of cached line textures (for tests). */
int text_cached_textures(const Text *t);

#endif
