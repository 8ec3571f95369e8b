/* Tests of the kiosk's widget layer, text and themes, headless (software renderer on a surface). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <string.h>

#include "draw.h"
#include "text.h"
#include "theme.h"
#include "widget.h"

typedef struct Fx {
    SDL_Surface *surf;
    SDL_Renderer *r;
    Theme theme;
    Text *text;
    Draw *draw;
    Ui *ui;
} Fx;

static int
setup(void **state)
{
    static Fx fx;

    memset(&fx, 0, sizeof fx);
    fx.surf = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
    fx.r = SDL_CreateSoftwareRenderer(fx.surf);
    theme_init(&fx.theme, 0, 1280, 800);
    if (text_create(fx.r, NULL, &fx.text) != CK_OK)
        return -1;
    fx.draw = draw_create(fx.r);
    fx.ui = ui_create(fx.r, fx.text, fx.draw, &fx.theme);
    *state = &fx;
    return 0;
}

static int
teardown(void **state)
{
    Fx *fx = *state;

    ui_destroy(fx->ui);
    draw_destroy(fx->draw);
    text_destroy(fx->text);
    SDL_DestroyRenderer(fx->r);
    SDL_FreeSurface(fx->surf);
    return 0;
}

static const SDL_Rect button = {100, 100, 300, 80};

static void
finger(Fx *fx, Uint32 type, float x, float y, uint64_t t)
{
    SDL_Event e;

    memset(&e, 0, sizeof e);
    e.type = type;
    e.tfinger.fingerId = 7;
    e.tfinger.x = x / 1280.0f;
    e.tfinger.y = y / 800.0f;
    ui_push_event(fx->ui, &e, t);
}

/* Runs frames until the queue is empty; returns how often the button fired. */
static int
frames(Fx *fx, uint64_t t)
{
    int fired = 0;

    do {
        ui_begin(fx->ui, t);
        fired += ui_button(fx->ui, "b", button, "Next", UI_STYLE_PRIMARY, true);
        ui_end(fx->ui);
    } while (ui_pending(fx->ui));
    return fired;
}

static void
test_mouse_events_made_from_touch_are_dropped(void **state)
{
    Fx *fx = *state;
    SDL_Event e;

    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEBUTTONDOWN;
    e.button.which = SDL_TOUCH_MOUSEID;
    e.button.button = SDL_BUTTON_LEFT;
    assert_false(ui_push_event(fx->ui, &e, 1));
    assert_false(ui_pending(fx->ui));
}

static void
test_button_fires_on_release_not_on_press(void **state)
{
    Fx *fx = *state;

    finger(fx, SDL_FINGERDOWN, 200, 140, 10);
    assert_int_equal(frames(fx, 10), 0);
    finger(fx, SDL_FINGERUP, 202, 141, 90);
    assert_int_equal(frames(fx, 90), 1);
}

static void
test_a_drag_does_not_fire_the_button_it_started_on(void **state)
{
    Fx *fx = *state;

    finger(fx, SDL_FINGERDOWN, 200, 140, 10);
    finger(fx, SDL_FINGERMOTION, 200, 170, 30); /* 30 px: beyond the 2.5 mm slop */
    finger(fx, SDL_FINGERUP, 200, 141, 60);     /* back inside */
    assert_int_equal(frames(fx, 60), 0);
}

static void
test_release_outside_the_button_does_not_fire(void **state)
{
    Fx *fx = *state;

    finger(fx, SDL_FINGERDOWN, 390, 140, 10);
    finger(fx, SDL_FINGERUP, 405, 140, 40);
    assert_int_equal(frames(fx, 40), 0);
}

static void
test_tab_then_enter_activates_the_focused_button(void **state)
{
    Fx *fx = *state;
    SDL_Event e;

    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_TAB;
    ui_push_event(fx->ui, &e, 100);
    assert_int_equal(frames(fx, 100), 0);
    assert_non_null(ui_widget_find(fx->ui, "b"));
    frames(fx, 101); /* the focus ring is drawn in the next frame */
    assert_true(ui_widget_find(fx->ui, "b")->state & UI_STATE_FOCUSED);
    e.key.keysym.sym = SDLK_RETURN;
    ui_push_event(fx->ui, &e, 120);
    assert_int_equal(frames(fx, 120), 1);
}

static void
test_body_text_contrast_is_at_least_7_to_1_in_both_themes(void **state)
{
    Theme t;

    theme_init(&t, 0, 1920, 1080);
    for (int hc = 0; hc < 2; hc++) {
        theme_set(&t, hc, 100);
        assert_true(theme_contrast(t.c.text, t.c.bg) >= 7.0);
        assert_true(theme_contrast(t.c.text, t.c.surface) >= 7.0);
        assert_true(theme_contrast(t.c.muted, t.c.surface) >= 7.0);
        assert_true(theme_contrast(t.c.on_primary, t.c.primary) >= 7.0);
        assert_true(theme_contrast(t.c.on_selected, t.c.selected) >= 7.0);
        assert_true(theme_contrast(t.c.error, t.c.surface) >= 7.0);
        assert_true(theme_contrast(t.c.border, t.c.surface) >= 3.0);
        assert_true(theme_contrast(t.c.focus, t.c.bg) >= 3.0);
    }
    (void)state;
}

static void
test_sizes_follow_the_pixel_pitch_and_text_setting(void **state)
{
    Theme t;

    theme_init(&t, 0, 1920, 1080);
    assert_int_equal(theme_font_px(&t, THEME_FONT_BODY), 28); /* 28 px body on 1080p */
    assert_int_equal(theme_mm(&t, 20), 80);                   /* 20 mm keys */
    theme_set(&t, false, 150);
    assert_int_equal(theme_font_px(&t, THEME_FONT_BODY), 42);
    theme_set(&t, false, 999);
    assert_int_equal(t.text_percent, 150);
    assert_true(theme_font_px(&t, THEME_FONT_SMALL) >= 20);
    (void)state;
}

static void
test_invalid_utf8_and_controls_are_drawn_safely(void **state)
{
    Fx *fx = *state;
    TextStyle st = {28, false, {0, 0, 0, 255}, TEXT_LEFT};

    text_frame_begin(fx->text);
    text_para(fx->text, &st,
              "ab\xC3(cd\x01"
              "e\xE2\x80\xAE",
              10, 10, 400);
    assert_true(text_frame_contains(fx->text, "ab\xEF\xBF\xBD(cde"));
    assert_false(text_frame_contains(fx->text, "\x01"));
}

static void
test_paragraphs_break_at_spaces_in_any_script(void **state)
{
    Fx *fx = *state;
    int one = text_line_height(fx->text, 28, false);

    assert_int_equal(text_para_height(fx->text, 28, false, "short", 800), one);
    int w = text_width(fx->text, 28, false, "word word");
    assert_int_equal(text_para_height(fx->text, 28, false, "word word", w - 5), 2 * one);
    assert_int_equal(text_para_height(fx->text, 28, false, "Ελληνικά Български", 2000), one);
}

/* A name wider than the line breaks after its hyphen, not inside a part of
 * it ("Konstantinidou-Papadopo|ulou" on the portrait certificate screen). */
static void
test_a_hyphenated_name_breaks_after_its_hyphen(void **state)
{
    Fx *fx = *state;
    TextStyle st = {28, false, {0, 0, 0, 255}, TEXT_LEFT};
    const char *name = "Konstantinidou-Papadopoulou";
    int one = text_line_height(fx->text, 28, false);
    int w = text_width(fx->text, 28, false, "Konstantinidou-Papado");

    assert_int_equal(text_para_height(fx->text, 28, false, name, w), 2 * one);
    text_frame_begin(fx->text);
    text_para(fx->text, &st, name, 0, 0, w);
    assert_int_equal(text_run_count(fx->text), 1);
    assert_false(text_run_at(fx->text, 0)->flags & TEXT_RUN_BROKEN);
    /* No hyphen: the word alone is wider than the line and must break inside. */
    text_frame_begin(fx->text);
    text_para(fx->text, &st, "KonstantinidouPapadopoulou", 0, 0, w);
    assert_true(text_run_at(fx->text, 0)->flags & TEXT_RUN_BROKEN);
}

static void
test_purge_forgets_every_texture(void **state)
{
    Fx *fx = *state;
    TextStyle st = {28, false, {0, 0, 0, 255}, TEXT_LEFT};

    text_line(fx->text, &st, "Ola Nordmann", 0, 0, 500);
    assert_true(text_cached_textures(fx->text) > 0);
    text_purge(fx->text);
    assert_int_equal(text_cached_textures(fx->text), 0);
}

static void
test_a_heading_shrinks_rather_than_break_a_word(void **state)
{
    Fx *fx = *state;
    TextStyle st = {63, true, {0, 0, 0, 255}, TEXT_LEFT};
    const char *word = "\xCE\x94\xCE\xB9\xCE\xB1\xCF\x87\xCE\xB5\xCE\xB9\xCF\x81\xCE\xB9"
                       "\xCF\x83\xCF\x84\xCE\xAE\xCF\x82"; /* Διαχειριστής */
    int w = text_width(fx->text, 63, true, word) - 10; /* a little too narrow at 63 px */

    /* As a paragraph the word is broken ("Διαχειριστή|ς", two lines)... */
    text_frame_begin(fx->text);
    text_para(fx->text, &st, word, 0, 0, w);
    assert_true(text_run_at(fx->text, 0)->flags & TEXT_RUN_BROKEN);
    /* ...as a heading it is drawn smaller, whole, on one line. */
    text_frame_begin(fx->text);
    int h = text_heading(fx->text, &st, word, 0, 0, w);
    const TextRun *r = text_run_at(fx->text, 0);
    assert_false(r->flags & TEXT_RUN_BROKEN);
    assert_true(r->flags & TEXT_RUN_HEADING);
    assert_true(h < 2 * text_line_height(fx->text, 63, true) - 10);
    assert_int_equal(h, text_heading_height(fx->text, 63, true, word, w));
    /* Two words wrap between them, at full size. */
    assert_int_equal(text_heading_height(fx->text, 63, true, "Word word",
                                         text_width(fx->text, 63, true, "Word word") - 5),
                     2 * text_line_height(fx->text, 63, true));
    /* A caller can ask beforehand: the word fits whole at some size down to
     * 5/8, not in half its width (the admin screen then stacks its tiles
     * rather than show "Πιστοποιητικ|ά"). */
    assert_true(text_heading_fits(fx->text, 63, true, word, w));
    assert_false(text_heading_fits(fx->text, 63, true, word, w / 2));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mouse_events_made_from_touch_are_dropped),
        cmocka_unit_test(test_button_fires_on_release_not_on_press),
        cmocka_unit_test(test_a_drag_does_not_fire_the_button_it_started_on),
        cmocka_unit_test(test_release_outside_the_button_does_not_fire),
        cmocka_unit_test(test_tab_then_enter_activates_the_focused_button),
        cmocka_unit_test(test_body_text_contrast_is_at_least_7_to_1_in_both_themes),
        cmocka_unit_test(test_sizes_follow_the_pixel_pitch_and_text_setting),
        cmocka_unit_test(test_a_hyphenated_name_breaks_after_its_hyphen),
        cmocka_unit_test(test_invalid_utf8_and_controls_are_drawn_safely),
        cmocka_unit_test(test_paragraphs_break_at_spaces_in_any_script),
        cmocka_unit_test(test_purge_forgets_every_texture),
        cmocka_unit_test(test_a_heading_shrinks_rather_than_break_a_word),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
