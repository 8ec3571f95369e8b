/* text: fonts, our own paragraph line breaking, and cached line textures. */
#ifndef CERTKIOSK_TEXT_H
#define CERTKIOSK_TEXT_H

#include <SDL.h>
#include <stdbool.h>

#include "err.h"

typedef struct Text Text;

typedef enum TextAlign { TEXT_LEFT, TEXT_CENTER, TEXT_RIGHT } TextAlign;

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

/* Draws s on one line inside a box of width w (aligned per st), clipped to w.
 * Returns the width of the text. */
int text_line(Text *t, const TextStyle *st, const char *s, int x, int y, int w);

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

/* Number of cached line textures (for tests). */
int text_cached_textures(const Text *t);

#endif
