/* theme: physical sizes (millimetres from the display's pixel pitch), text sizes and colours. */
#ifndef CERTKIOSK_THEME_H
#define CERTKIOSK_THEME_H

#include <SDL.h>
#include <stdbool.h>

/* Used when the display reports no usable DPI: 0.25 mm per pixel, a 21.5-inch
 * 1920x1080 panel, the most common kiosk screen. */
#define THEME_DEFAULT_PX_PER_MM 4.0f

/* The text roles of the kiosk; their pixel sizes follow the text-size setting. */
typedef enum ThemeFont {
    THEME_FONT_SMALL,   /* captions, never below 20 px */
    THEME_FONT_BODY,    /* reading text: 28 px at 100 % on 1080p */
    THEME_FONT_LABEL,   /* buttons and keys */
    THEME_FONT_HEADING, /* screen headings */
    THEME_FONT_TITLE,   /* the attract screen's title */
    THEME_FONT_COUNT_
} ThemeFont;

/* Colours of one theme; every text/background pair used meets 7:1. */
typedef struct ThemeColors {
    SDL_Color bg;          /* screen background */
    SDL_Color surface;     /* cards, reading panes, keys */
    SDL_Color text;        /* body text */
    SDL_Color muted;       /* secondary text (still >= 7:1 on surface) */
    SDL_Color heading;     /* headings */
    SDL_Color bar;         /* top bar */
    SDL_Color on_bar;      /* text on the top bar */
    SDL_Color primary;     /* primary button */
    SDL_Color on_primary;  /* text on a primary button */
    SDL_Color border;      /* control borders (>= 3:1 on surface) */
    SDL_Color focus;       /* the 3 px keyboard focus ring */
    SDL_Color disabled;    /* disabled button fill */
    SDL_Color on_disabled; /* text on a disabled button */
    SDL_Color error;       /* error text and icons */
    SDL_Color success;     /* success text and icons */
    SDL_Color selected;    /* selected choice fill */
    SDL_Color on_selected; /* text on a selected choice */
    SDL_Color ink;         /* signature ink */
    SDL_Color pressed;     /* pressed button fill */
} ThemeColors;

typedef struct Theme {
    float px_per_mm;  /* from the display, or THEME_DEFAULT_PX_PER_MM */
    int text_percent; /* 100, 125 or 150 */
    bool high_contrast;
    int width, height; /* the window's size in pixels */
    ThemeColors c;
} Theme;

/* The pixel pitch of a display from SDL_GetDisplayDPI, or 0 when the display
 * reports nothing plausible (dummy drivers, many X servers' fixed 96 dpi is
 * accepted as reported). */
float theme_display_px_per_mm(int display_index);

/* Sets up a theme for a window of w x h pixels. px_per_mm <= 0 picks the default. */
void theme_init(Theme *t, float px_per_mm, int w, int h);

/* Switches colours and text size; percent is clamped to 100, 125 or 150. */
void theme_set(Theme *t, bool high_contrast, int text_percent);

/* A length in millimetres as whole pixels (at least 1 for positive lengths). */
int theme_mm(const Theme *t, float mm);

/* The pixel size of a text role under the current text size. */
int theme_font_px(const Theme *t, ThemeFont f);

/* WCAG 2 contrast ratio of two opaque colours (1.0 .. 21.0). */
double theme_contrast(SDL_Color a, SDL_Color b);

#endif
