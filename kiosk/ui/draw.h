/* draw: anti-aliased shapes for the software renderer (rounded boxes, discs, icon strokes). */
#ifndef CERTKIOSK_DRAW_H
#define CERTKIOSK_DRAW_H

#include <SDL.h>

typedef struct Draw Draw;

typedef enum DrawIcon {
    DRAW_ICON_CHECK,
    DRAW_ICON_CHEVRON_LEFT,
    DRAW_ICON_CHEVRON_RIGHT,
    DRAW_ICON_CROSS,
    DRAW_ICON_BACKSPACE,
    DRAW_ICON_CONTRAST, /* half-filled circle: the high-contrast toggle */
    DRAW_ICON_CLOCK,
    DRAW_ICON_ALERT, /* exclamation mark in a circle */
    DRAW_ICON_SHIELD,
    DRAW_ICON_COUNT_
} DrawIcon;

/* *out: destroy with draw_destroy(). The renderer is borrowed. NULL on out of memory. */
Draw *draw_create(SDL_Renderer *r);
void draw_destroy(Draw *d);

/* Forgets every cached shape texture (after a theme change, for memory). */
void draw_purge(Draw *d);

void draw_rect(Draw *d, SDL_Rect r, SDL_Color c);

/* A filled box with anti-aliased corners of the given radius. */
void draw_round(Draw *d, SDL_Rect r, int radius, SDL_Color c);

/* A box with a border of width bw (border colour outside, fill inside). */
void draw_round_border(Draw *d, SDL_Rect r, int radius, int bw, SDL_Color border, SDL_Color fill);

/* An outline only, bw pixels wide, drawn outside nothing: used for focus rings. */
void draw_ring(Draw *d, SDL_Rect r, int radius, int bw, SDL_Color c);

/* A filled anti-aliased disc centred at (cx, cy). */
void draw_disc(Draw *d, int cx, int cy, int radius, SDL_Color c);

/* An icon drawn into a size x size box at (x, y). */
void draw_icon(Draw *d, DrawIcon icon, int x, int y, int size, SDL_Color c);

#endif
