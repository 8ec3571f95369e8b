/* osk: the on-screen keyboards — letters (Latin with accents, Greek, Cyrillic) and a digit keypad.
 */
#ifndef CERTKIOSK_OSK_H
#define CERTKIOSK_OSK_H

#include <SDL.h>
#include <stdbool.h>

#include "widget.h"

typedef enum OskLayout {
    OSK_LETTERS, /* Latin letters */
    OSK_ACCENTS, /* accented Latin letters */
    OSK_GREEK,
    OSK_CYRILLIC,
    OSK_DIGITS, /* 3x4 keypad */
    OSK_DATE,   /* keypad with '-' for YYYY-MM-DD */
    OSK_LAYOUT_COUNT_
} OskLayout;

typedef enum OskAction { OSK_NONE, OSK_TEXT, OSK_BACKSPACE } OskAction;

typedef struct Osk {
    OskLayout layout;
    OskLayout base;  /* the layout the field asked for */
    bool shift;      /* next letter upper case (one shot: off after a letter) */
    bool caps;       /* shift locked (a second tap on Shift; a third unlocks) */
    bool auto_shift; /* suggest a capital at the start of the field (names) */
    size_t last_len; /* the field's length when last told */
    char lang[8];    /* the UI language: its letters join the main layer */
    char out[8];     /* the key's text after OSK_TEXT */
} Osk;

/* Starts a keyboard of the given layout (on focusing a field). With names,
 * a capital is suggested at the start of the field — only there, and never
 * forced: Shift is the person's (O'Brien, McDonald, van der Berg). lang (may
 * be NULL) puts its letters on the main layer: nb æ ø å, fr é è ç à. */
void osk_reset(Osk *k, OskLayout layout, bool names, const char *lang);

/* Tells the keyboard the field's value: when it becomes empty again the
 * capital is suggested again; nothing else changes Shift. */
void osk_field_changed(Osk *k, const char *value);

/* The height a keyboard of this layout needs for keys of key_h pixels. */
int osk_height(const Osk *k, int key_h, int gap);

/* The width a keyboard needs for keys of key_w pixels. */
int osk_width(const Osk *k, int key_w, int gap);

/* Draws the keyboard in r with keys key_h high; returns what a tap did. */
OskAction osk_do(Osk *k, Ui *ui, SDL_Rect r, int key_h, int gap);

#endif
