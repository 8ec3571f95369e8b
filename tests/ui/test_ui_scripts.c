/* Tests of names in other scripts as a person sees them (issue 14): the
 * pixels of text drawn through the Noto fallback chain, in UAX #9 order,
 * headless (software renderer on a surface). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "text.h"
#include "theme.h"
#include "widget.h"

#define W 1280
#define H 200
#define PX 28
#define X0 20
#define Y0 60

typedef struct Fx {
    SDL_Surface *surf;
    SDL_Renderer *r;
    Text *text;
} Fx;

static int
setup(void **state)
{
    static Fx fx;

    memset(&fx, 0, sizeof fx);
    fx.surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    fx.r = SDL_CreateSoftwareRenderer(fx.surf);
    if (fx.r == NULL || text_create(fx.r, NULL, &fx.text) != CK_OK)
        return -1;
    *state = &fx;
    return 0;
}

static int
teardown(void **state)
{
    Fx *fx = *state;

    text_destroy(fx->text);
    SDL_DestroyRenderer(fx->r);
    SDL_FreeSurface(fx->surf);
    return 0;
}

/* How dark the pixel is (0 white .. 255 black); colour counts by its darkest channel. */
static int
ink(const SDL_Surface *s, int x, int y)
{
    Uint32 p = ((const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch))[x];
    int r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF;
    int m = r < g ? (r < b ? r : b) : (g < b ? g : b);

    return 255 - m;
}

/* Draws s alone on a white screen, black, at (X0, Y0); returns a copy of the
 * screen (free with SDL_FreeSurface) and the run's missing count and fonts. */
static SDL_Surface *
shot_with(Fx *fx, Text *text, const char *s, int *missing, unsigned *fonts)
{
    TextStyle st = {PX, false, {0, 0, 0, 255}, TEXT_LEFT};

    SDL_SetRenderDrawColor(fx->r, 255, 255, 255, 255);
    SDL_RenderClear(fx->r);
    text_frame_begin(text);
    text_line(text, &st, s, X0, Y0, W - 2 * X0);
    SDL_RenderFlush(fx->r);
    assert_int_equal(text_run_count(text), 1);
    if (missing != NULL)
        *missing = text_run_at(text, 0)->missing;
    if (fonts != NULL)
        *fonts = text_run_at(text, 0)->fonts;
    return SDL_ConvertSurface(fx->surf, fx->surf->format, 0);
}

static SDL_Surface *
shot(Fx *fx, const char *s)
{
    return shot_with(fx, fx->text, s, NULL, NULL);
}

/* Share of the inked pixels of a's columns [ax, ax + w) that b has the same
 * (within 48 levels) in its columns [bx, bx + w): 1.0 is the same drawing. */
static double
same_at(const SDL_Surface *a, int ax, const SDL_Surface *b, int bx, int w)
{
    long inked = 0, alike = 0;

    for (int y = 0; y < H; y++)
        for (int x = 0; x < w; x++) {
            int ia = ink(a, ax + x, y), ib = ink(b, bx + x, y);
            if (ia < 64 && ib < 64)
                continue;
            inked++;
            alike += abs(ia - ib) < 48;
        }
    return inked == 0 ? 0.0 : (double)alike / (double)inked;
}

/* same_at, allowing a shift of up to 2 px (a run shaped with its neighbours
 * may round its pen position differently from the word drawn alone). */
static double
same(const SDL_Surface *a, int ax, const SDL_Surface *b, int bx, int w)
{
    double best = 0.0;

    for (int d = -2; d <= 2; d++)
        if (ax + d >= 0 && ax + d + w <= W) {
            double v = same_at(a, ax + d, b, bx, w);
            best = v > best ? v : best;
        }
    return best;
}

/* The inked pixels (darker than the light backgrounds) in [x0, x1) x [y0, y1). */
static long
ink_sum(const SDL_Surface *s, int x0, int y0, int x1, int y1)
{
    long n = 0;

    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += ink(s, x, y) > 96;
    return n;
}

/* The rows of the first and last inked pixel. */
static void
ink_rows(const SDL_Surface *s, int *top, int *bottom)
{
    *top = H;
    *bottom = -1;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (ink(s, x, y) > 96) {
                *top = y < *top ? y : *top;
                *bottom = y;
                break;
            }
}

static bool
has_font(unsigned fonts, const char *name)
{
    for (int k = 0; k < 32; k++)
        if ((fonts & (1u << k)) && strcmp(text_font_name(k), name) == 0)
            return true;
    return false;
}

static void
test_without_the_fallback_fonts_arabic_is_missing_and_drawn_as_replacement_marks(void **state)
{
    Fx *fx = *state;
    Text *bare = NULL;
    int missing;

    setenv("CERTKIOSK_FALLBACK_FONT_ROOT", "/nonexistent", 1);
    assert_int_equal(text_create(fx->r, NULL, &bare), CK_OK);
    SDL_Surface *none = shot_with(fx, bare, "\xD9\x84\xD9\x8A\xD9\x84\xD9\x89", &missing, NULL);
    unsetenv("CERTKIOSK_FALLBACK_FONT_ROOT");
    text_destroy(bare);
    assert_int_equal(missing, 4);
    /* U+FFFD, the sign for "cannot show this character", not an empty box. */
    SDL_Surface *marks = shot(fx, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_true(same(none, 0, marks, 0, W) > 0.98);
    /* With the chain, the same name is drawn with other pixels, none missing. */
    SDL_Surface *arabic =
        shot_with(fx, fx->text, "\xD9\x84\xD9\x8A\xD9\x84\xD9\x89", &missing, NULL);
    assert_int_equal(missing, 0);
    assert_true(same(arabic, 0, marks, 0, W) < 0.5);
    SDL_FreeSurface(none);
    SDL_FreeSurface(marks);
    SDL_FreeSurface(arabic);
}

static void
test_names_in_arabic_hebrew_devanagari_cjk_thai_are_drawn_with_every_glyph(void **state)
{
    Fx *fx = *state;
    static const struct {
        const char *name, *font;
    } names[] = {
        {"\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF \xD8\xB9\xD8\xA8\xD8\xAF "
         "\xD8\xA7\xD9\x84\xD9\x84\xD9\x87",
         "arabic"},
        {"\xD7\x93\xD7\x95\xD7\x93 \xD7\x9B\xD7\x94\xD7\x9F", "hebrew"},
        {"\xE0\xA4\xA6\xE0\xA5\x87\xE0\xA4\xB5\xE0\xA4\xA8\xE0\xA4\xBE\xE0\xA4\x97\xE0\xA4\xB0"
         "\xE0\xA5\x80",
         "devanagari"},
        {"\xE5\xB1\xB1\xE7\x94\xB0\xE5\xA4\xAA\xE9\x83\x8E", "cjk"},
        {"\xEA\xB9\x80\xEB\xAF\xBC\xEC\xA4\x80", "cjk"}, /* Hangul */
        {"\xE0\xB8\xAA\xE0\xB8\xA1\xE0\xB8\x8A\xE0\xB8\xB2\xE0\xB8\xA2", "thai"},
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int missing;
        unsigned fonts;
        SDL_Surface *s = shot_with(fx, fx->text, names[i].name, &missing, &fonts);
        assert_int_equal(missing, 0);
        assert_true(has_font(fonts, names[i].font));
        assert_true(ink_sum(s, 0, 0, W, H) > 40); /* something is drawn */
        SDL_FreeSurface(s);
    }
}

static void
test_a_latin_arabic_latin_name_keeps_the_arabic_word_between_the_latin_ones(void **state)
{
    Fx *fx = *state;
    const char *full = "Layla \xD9\x84\xD9\x8A\xD9\x84\xD9\x89 Haddad";
    const char *ar = "\xD9\x84\xD9\x8A\xD9\x84\xD9\x89";
    SDL_Surface *a = shot(fx, full), *la = shot(fx, "Layla"), *li = shot(fx, ar),
                *ha = shot(fx, "Haddad");
    int wfull = text_width(fx->text, PX, false, full),
        wha = text_width(fx->text, PX, false, "Haddad");

    /* Left to right: "Layla", then the Arabic word (read right to left) right
     * after its space, then "Haddad" at the end. */
    assert_true(same(a, X0, la, X0, text_width(fx->text, PX, false, "Layla")) > 0.97);
    assert_true(same(a, X0 + text_width(fx->text, PX, false, "Layla "), li, X0,
                     text_width(fx->text, PX, false, ar)) > 0.97);
    assert_true(same(a, X0 + wfull - wha, ha, X0, wha) > 0.97);
    SDL_FreeSurface(a);
    SDL_FreeSurface(la);
    SDL_FreeSurface(li);
    SDL_FreeSurface(ha);
}

static void
test_an_arabic_first_name_puts_the_latin_surname_on_the_left(void **state)
{
    Fx *fx = *state;
    const char *full = "\xD9\x84\xD9\x8A\xD9\x84\xD9\x89 Haddad";
    const char *ar = "\xD9\x84\xD9\x8A\xD9\x84\xD9\x89";
    SDL_Surface *a = shot(fx, full), *li = shot(fx, ar), *ha = shot(fx, "Haddad");
    int wfull = text_width(fx->text, PX, false, full), war = text_width(fx->text, PX, false, ar);

    /* A right-to-left line (its first strong letter is Arabic): the first
     * name on the right, the surname on its left. */
    assert_true(same(a, X0, ha, X0, text_width(fx->text, PX, false, "Haddad")) > 0.97);
    assert_true(same(a, X0 + wfull - war, li, X0, war) > 0.97);
    SDL_FreeSurface(a);
    SDL_FreeSurface(li);
    SDL_FreeSurface(ha);
}

static void
test_an_emoji_is_drawn_in_colour_at_the_text_size(void **state)
{
    Fx *fx = *state;
    int missing, colourful = 0, top, bottom, ttop, tbottom;
    unsigned fonts;
    SDL_Surface *s = shot_with(fx, fx->text, "\xF0\x9F\x98\x80", &missing, &fonts);
    SDL_Surface *t = shot(fx, "Hg");

    assert_int_equal(missing, 0);
    assert_true(has_font(fonts, "emoji"));
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            Uint32 p = ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x];
            int r = (p >> 16) & 0xFF, b = p & 0xFF;
            colourful += abs(r - b) > 80;
        }
    assert_true(colourful > 100); /* the yellow face, not a black outline */
    /* Scaled from its 109 px strike to about the line's height. */
    ink_rows(s, &top, &bottom);
    ink_rows(t, &ttop, &tbottom);
    assert_true(bottom - top < 2 * (tbottom - ttop));
    assert_true(bottom - top > (tbottom - ttop) / 2);
    SDL_FreeSurface(s);
    SDL_FreeSurface(t);
}

static void
test_stacked_marks_keep_the_baseline_and_are_not_clipped_in_a_field(void **state)
{
    Fx *fx = *state;
    const char *stacked = "g\xCC\x88\xCC\x88\xCC\x88\xCC\x88"; /* g + 4 x U+0308 */
    SDL_Surface *g = shot(fx, "g"), *m = shot(fx, stacked);
    int gt, gb, mt, mb;

    ink_rows(g, &gt, &gb);
    ink_rows(m, &mt, &mb);
    assert_int_equal(mb, gb); /* the g stays on its baseline */
    assert_true(mt < Y0);     /* the marks rise above the line's top */
    assert_true(mt < gt - PX / 2);
    SDL_FreeSurface(g);

    /* In a text field, four marks stacked on a g show whole: the field's
     * window is its inside, not the line, and the line moves down into the
     * room below it; the ink is the unclipped drawing's, part of which lies
     * above the line's box. (Five and more may reach the field's border.) */
    const char *four = stacked;
    Theme theme;
    theme_init(&theme, 0, W, 800);
    Draw *draw = draw_create(fx->r);
    Ui *ui = ui_create(fx->r, fx->text, draw, &theme);
    int px = theme_font_px(&theme, THEME_FONT_BODY), pad = theme_mm(&theme, 4.0f);
    int lh = text_line_height(fx->text, px, false);
    SDL_Rect r = {X0, 40, 600, theme_mm(&theme, 15.0f)};
    int y = r.y + (r.h - lh) / 2;
    TextStyle st = {px, false, theme.c.text, TEXT_LEFT};

    SDL_SetRenderDrawColor(fx->r, theme.c.surface.r, theme.c.surface.g, theme.c.surface.b, 255);
    SDL_RenderClear(fx->r);
    text_frame_begin(fx->text);
    text_line(fx->text, &st, four, r.x + pad, y, r.w - 2 * pad);
    SDL_RenderFlush(fx->r);
    long free_ink = ink_sum(fx->surf, r.x + pad, 0, r.x + pad + lh, H);
    long above = ink_sum(fx->surf, r.x + pad, 0, r.x + pad + lh, y);
    SDL_RenderClear(fx->r);
    ui_begin(ui, 0);
    ui_field(ui, "field-name", r, four, NULL, false, false);
    ui_end(ui);
    SDL_RenderFlush(fx->r);
    long field_ink = ink_sum(fx->surf, r.x + pad, r.y + 4, r.x + pad + lh, r.y + r.h - 4);
    assert_true(above > 10);
    assert_true(field_ink * 100 >= free_ink * 97);
    ui_destroy(ui);
    draw_destroy(draw);
    SDL_FreeSurface(m);
}

/* The first and last columns with ink in rows [y0, y1) of [x0, x1). */
static void
ink_cols(const SDL_Surface *s, int x0, int x1, int y0, int y1, int *left, int *right)
{
    *left = x1;
    *right = -1;
    for (int x = x0; x < x1; x++)
        for (int y = y0; y < y1; y++)
            if (ink(s, x, y) > 96) {
                *left = x < *left ? x : *left;
                *right = x;
                break;
            }
}

static void
test_a_right_to_left_value_starts_at_the_fields_right_edge(void **state)
{
    Fx *fx = *state;
    Theme theme;
    theme_init(&theme, 0, W, 800);
    Draw *draw = draw_create(fx->r);
    Ui *ui = ui_create(fx->r, fx->text, draw, &theme);
    int pad = theme_mm(&theme, 4.0f);
    SDL_Rect r = {X0, 40, 600, theme_mm(&theme, 15.0f)};
    int left, right;

    /* A Hebrew name reads from the right: it starts at the inner right edge. */
    SDL_SetRenderDrawColor(fx->r, 255, 255, 255, 255);
    SDL_RenderClear(fx->r);
    ui_begin(ui, 0);
    ui_field(ui, "field-name", r, "\xD7\x93\xD7\x95\xD7\x93 \xD7\x9B\xD7\x94\xD7\x9F", NULL, false,
             false);
    ui_end(ui);
    SDL_RenderFlush(fx->r);
    ink_cols(fx->surf, r.x + 6, r.x + r.w - 6, r.y + 6, r.y + r.h - 6, &left, &right);
    assert_true(right > r.x + r.w - pad - 8);
    assert_true(left > r.x + r.w / 2);
    /* A Latin name still starts at the left. */
    SDL_RenderClear(fx->r);
    ui_begin(ui, 0);
    ui_field(ui, "field-name", r, "David Cohen", NULL, false, false);
    ui_end(ui);
    SDL_RenderFlush(fx->r);
    ink_cols(fx->surf, r.x + 6, r.x + r.w - 6, r.y + 6, r.y + r.h - 6, &left, &right);
    assert_true(left < r.x + pad + 8);
    assert_true(right < r.x + r.w / 2);
    ui_destroy(ui);
    draw_destroy(draw);
}

/* A standalone value (TEXT_START, as the certificate draws the name) that
 * reads right to left lies at the right edge of its box, in pixels and in
 * the layout dump; a Latin one at the left; the same Arabic name inside a
 * sentence stays in the sentence's flow, from the left. */
static void
test_a_right_to_left_value_is_aligned_right_and_a_sentence_is_not(void **state)
{
    Fx *fx = *state;
    /* لَيْلَى حَدَّاد (Layla Haddad, with its vowel marks) */
    const char *arabic = "\xD9\x84\xD9\x8E\xD9\x8A\xD9\x92\xD9\x84\xD9\x8E\xD9\x89 "
                         "\xD8\xAD\xD9\x8E\xD8\xAF\xD9\x91\xD9\x8E\xD8\xA7\xD8\xAF";
    char sentence[128];
    SDL_Rect box = {X0, 40, 800, 60};
    struct {
        const char *s;
        TextAlign align;
        bool right;
    } cases[] = {
        {arabic, TEXT_START, true},
        {"\xD7\x93\xD7\x95\xD7\x93 \xD7\x9B\xD7\x94\xD7\x9F", TEXT_START, true}, /* דוד כהן */
        {"Layla Haddad", TEXT_START, false},
        {sentence, TEXT_LEFT, false},
    };

    snprintf(sentence, sizeof sentence, "I, %s, read the code.", arabic);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TextStyle st = {PX, true, {0, 0, 0, 255}, cases[i].align};
        int left, right;
        SDL_SetRenderDrawColor(fx->r, 255, 255, 255, 255);
        SDL_RenderClear(fx->r);
        text_frame_begin(fx->text);
        text_para(fx->text, &st, cases[i].s, box.x, box.y, box.w);
        SDL_RenderFlush(fx->r);
        ink_cols(fx->surf, 0, W, box.y, box.y + box.h, &left, &right);
        assert_int_equal(text_run_count(fx->text), 1);
        const TextRun *run = text_run_at(fx->text, 0);
        if (cases[i].right) {
            assert_in_range(right, box.x + box.w - 6, box.x + box.w);
            assert_true(left > box.x + box.w / 2);
            assert_in_range(run->ink.x + run->ink.w, box.x + box.w - 1, box.x + box.w);
        } else {
            assert_in_range(left, box.x, box.x + 6);
            assert_int_equal(run->ink.x, box.x);
        }
    }
}

/* The columns [x0, x1) of the caret (the theme's primary colour, solid)
 * between rows y0 and y1; *left > *right when there is none. */
static void
caret_cols(const SDL_Surface *s, SDL_Color col, int x0, int x1, int y0, int y1, int *left,
           int *right)
{
    Uint32 want = SDL_MapRGB(s->format, col.r, col.g, col.b);

    *left = x1;
    *right = -1;
    for (int x = x0; x < x1; x++)
        for (int y = y0; y < y1; y++)
            if ((((const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch))[x] & 0xFFFFFF) ==
                (want & 0xFFFFFF)) {
                *left = x < *left ? x : *left;
                *right = x;
                break;
            }
}

/* In a focused field the caret sits at the value's logical end, where
 * typing goes on: left of an Arabic name (its visual left end), right of a
 * Latin one, and after mixed text where UAX #9 puts its last letter: just
 * right of "Haddad" in "ليلى Haddad" (Haddad drawn on the left), just left
 * of "ليلى" in "Layla ليلى" (mid-line), not at either end of the line. */
static void
test_the_caret_is_at_the_logical_end_of_the_value(void **state)
{
    Fx *fx = *state;
    Theme theme;
    theme_init(&theme, 0, W, 800);
    Draw *draw = draw_create(fx->r);
    Ui *ui = ui_create(fx->r, fx->text, draw, &theme);
    SDL_Rect r = {X0, 40, 700, theme_mm(&theme, 15.0f)};
    const char *layla = "\xD9\x84\xD9\x8A\xD9\x84\xD9\x89"; /* ليلى */
    char rtl_latin[64], latin_rtl[64];
    enum { AT_LEFT, AT_RIGHT, MID_RIGHT_OF_LATIN, MID_LEFT_OF_ARABIC };
    struct {
        const char *s;
        int where;
    } cases[] = {
        {layla, AT_LEFT},
        {"Layla Haddad", AT_RIGHT},
        {rtl_latin, MID_RIGHT_OF_LATIN},
        {latin_rtl, MID_LEFT_OF_ARABIC},
    };

    snprintf(rtl_latin, sizeof rtl_latin, "%s Haddad", layla);
    snprintf(latin_rtl, sizeof latin_rtl, "Layla %s", layla);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int left, right, cl, cr;
        /* the text's ink without the caret (the same place unfocused) ... */
        SDL_SetRenderDrawColor(fx->r, 255, 255, 255, 255);
        SDL_RenderClear(fx->r);
        ui_begin(ui, 0);
        ui_field(ui, "field-name", r, cases[i].s, NULL, false, false);
        ui_end(ui);
        SDL_RenderFlush(fx->r);
        ink_cols(fx->surf, r.x + 6, r.x + r.w - 6, r.y + 6, r.y + r.h - 6, &left, &right);
        /* ... and the caret, inside the focus border, clear of its corners */
        SDL_RenderClear(fx->r);
        ui_begin(ui, 0);
        ui_field(ui, "field-name", r, cases[i].s, NULL, true, false);
        ui_end(ui);
        SDL_RenderFlush(fx->r);
        caret_cols(fx->surf, theme.c.primary, r.x + 6, r.x + r.w - 6, r.y + r.h / 4,
                   r.y + r.h * 3 / 4, &cl, &cr);
        assert_true(cl <= cr);
        assert_true(cr - cl < 6);
        int latin = text_width(fx->text, theme_font_px(&theme, THEME_FONT_BODY), false, "Haddad");
        switch (cases[i].where) {
        case AT_LEFT:
            assert_true(cr <= left + 1);
            break;
        case AT_RIGHT:
            assert_true(cl >= right - 1);
            break;
        case MID_RIGHT_OF_LATIN: /* Haddad on the left: the caret just after it */
            assert_in_range(cl, left + latin - 6, left + latin + 6);
            assert_true(cr < right - 10);
            break;
        case MID_LEFT_OF_ARABIC: /* ليلى on the right: the caret at its left */
            assert_true(cl > left + 10);
            assert_true(cr < right - 10);
            assert_in_range(cl, right - text_width(fx->text, theme_font_px(&theme, THEME_FONT_BODY),
                                                   false, layla) - 8,
                            right);
            break;
        }
    }
    ui_destroy(ui);
    draw_destroy(draw);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_without_the_fallback_fonts_arabic_is_missing_and_drawn_as_replacement_marks),
        cmocka_unit_test(
            test_names_in_arabic_hebrew_devanagari_cjk_thai_are_drawn_with_every_glyph),
        cmocka_unit_test(
            test_a_latin_arabic_latin_name_keeps_the_arabic_word_between_the_latin_ones),
        cmocka_unit_test(test_an_arabic_first_name_puts_the_latin_surname_on_the_left),
        cmocka_unit_test(test_an_emoji_is_drawn_in_colour_at_the_text_size),
        cmocka_unit_test(test_stacked_marks_keep_the_baseline_and_are_not_clipped_in_a_field),
        cmocka_unit_test(test_a_right_to_left_value_starts_at_the_fields_right_edge),
        cmocka_unit_test(test_a_right_to_left_value_is_aligned_right_and_a_sentence_is_not),
        cmocka_unit_test(test_the_caret_is_at_the_logical_end_of_the_value),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
