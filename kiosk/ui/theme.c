/* theme: physical sizes from the pixel pitch, text sizes and the two colour themes. */
#include "theme.h"

#include <math.h>

static const ThemeColors theme_normal = {
    .bg = {0xF3, 0xF4, 0xF6, 0xFF},
    .surface = {0xFF, 0xFF, 0xFF, 0xFF},
    .text = {0x1A, 0x1A, 0x1A, 0xFF},
    .muted = {0x45, 0x4B, 0x54, 0xFF},
    .heading = {0x0B, 0x2A, 0x5C, 0xFF},
    .bar = {0x0B, 0x3D, 0x91, 0xFF},
    .on_bar = {0xFF, 0xFF, 0xFF, 0xFF},
    .primary = {0x0B, 0x3D, 0x91, 0xFF},
    .on_primary = {0xFF, 0xFF, 0xFF, 0xFF},
    .border = {0x6B, 0x72, 0x7C, 0xFF},
    .focus = {0xB3, 0x4A, 0x00, 0xFF},
    .disabled = {0xD5, 0xD8, 0xDD, 0xFF},
    .on_disabled = {0x3A, 0x3F, 0x47, 0xFF},
    .error = {0xA3, 0x00, 0x1C, 0xFF},
    .success = {0x14, 0x5C, 0x2E, 0xFF},
    .selected = {0xDC, 0xE6, 0xF7, 0xFF},
    .on_selected = {0x0B, 0x2A, 0x5C, 0xFF},
    .ink = {0x0A, 0x1F, 0x5C, 0xFF},
    .pressed = {0x07, 0x2A, 0x66, 0xFF},
};

static const ThemeColors theme_high_contrast = {
    .bg = {0x00, 0x00, 0x00, 0xFF},
    .surface = {0x00, 0x00, 0x00, 0xFF},
    .text = {0xFF, 0xFF, 0xFF, 0xFF},
    .muted = {0xFF, 0xFF, 0xFF, 0xFF},
    .heading = {0xFF, 0xD5, 0x00, 0xFF},
    .bar = {0x00, 0x00, 0x00, 0xFF},
    .on_bar = {0xFF, 0xD5, 0x00, 0xFF},
    .primary = {0xFF, 0xD5, 0x00, 0xFF},
    .on_primary = {0x00, 0x00, 0x00, 0xFF},
    .border = {0xFF, 0xFF, 0xFF, 0xFF},
    .focus = {0x00, 0xE5, 0xFF, 0xFF},
    .disabled = {0x33, 0x33, 0x33, 0xFF},
    .on_disabled = {0xFF, 0xFF, 0xFF, 0xFF},
    .error = {0xFF, 0x8A, 0x80, 0xFF},
    .success = {0x7C, 0xFF, 0x9B, 0xFF},
    .selected = {0xFF, 0xFF, 0xFF, 0xFF},
    .on_selected = {0x00, 0x00, 0x00, 0xFF},
    .ink = {0xFF, 0xFF, 0xFF, 0xFF},
    .pressed = {0xC9, 0xA8, 0x00, 0xFF},
};

/* Base text sizes in millimetres at 100 %: body 7 mm is 28 px on a 0.25 mm
 * pitch; nothing goes below 5 mm (20 px). */
static const float theme_font_mm[THEME_FONT_COUNT_] = {5.0f, 7.0f, 7.0f, 10.5f, 15.0f};

float
theme_display_px_per_mm(int display_index)
{
    float ddpi = 0, hdpi = 0, vdpi = 0;

    if (SDL_GetDisplayDPI(display_index, &ddpi, &hdpi, &vdpi) != 0)
        return 0;
    /* Below 60 dpi or above 400 dpi is a driver making numbers up. */
    if (!(hdpi >= 60.0f && hdpi <= 400.0f))
        return 0;
    return hdpi / 25.4f;
}

void
theme_init(Theme *t, float px_per_mm, int w, int h)
{
    t->px_per_mm = px_per_mm > 0 ? px_per_mm : THEME_DEFAULT_PX_PER_MM;
    t->width = w;
    t->height = h;
    theme_set(t, false, 100);
}

void
theme_set(Theme *t, bool high_contrast, int text_percent)
{
    t->high_contrast = high_contrast;
    t->text_percent = text_percent >= 150 ? 150 : text_percent >= 125 ? 125 : 100;
    t->c = high_contrast ? theme_high_contrast : theme_normal;
}

int
theme_mm(const Theme *t, float mm)
{
    int px = (int)lroundf(mm * t->px_per_mm);

    return mm > 0 && px < 1 ? 1 : px;
}

int
theme_font_px(const Theme *t, ThemeFont f)
{
    float mm = theme_font_mm[f];

    /* Labels of keys and buttons grow less than reading text: the targets stay
     * 20 mm, so a 150 % label would no longer fit its key. */
    if (f == THEME_FONT_LABEL)
        mm *= 1.0f + (t->text_percent - 100) / 200.0f;
    else
        mm *= t->text_percent / 100.0f;
    int px = (int)lroundf(mm * t->px_per_mm);
    return px < 20 ? 20 : px;
}

static double
theme_lin(Uint8 v)
{
    double c = v / 255.0;

    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double
theme_luminance(SDL_Color c)
{
    return 0.2126 * theme_lin(c.r) + 0.7152 * theme_lin(c.g) + 0.0722 * theme_lin(c.b);
}

double
theme_contrast(SDL_Color a, SDL_Color b)
{
    double la = theme_luminance(a), lb = theme_luminance(b);

    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}
