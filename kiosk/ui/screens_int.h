/* screens_int: what the screens_*.c files share (private to kiosk/ui/screens*). The screens
 * are split by group: screens.c (frame, chrome, modals), screens_intake.c, screens_reading.c,
 * screens_signing.c, screens_admin.c. */
#ifndef CERTKIOSK_SCREENS_INT_H
#define CERTKIOSK_SCREENS_INT_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

#include "flow.h"
#include "i18n.h"
#include "isocodes.h"
#include "osk.h"
#include "screens.h"
#include "widget.h"

#define SCR_MAX_EVENTS 2048

typedef struct Sigpad Sigpad;

typedef struct ScrEvent {
    FlowEvent ev;
    char text[256]; /* as much as the widget layer collects in a frame (ui_typed) */
    bool has_text;
} ScrEvent;

struct Screens {
    SDL_Renderer *r;
    Ui *ui;
    Theme *th;
    Text *text;
    Draw *draw;
    const char *strings_dir;
    const char *const *languages;
    size_t n_languages;
    I18n *i18n;
    char lang[8];

    Sigpad *pad;
    Osk osk;
    FlowField osk_field;
    FlowScreen osk_screen;

    SDL_Texture *qr;
    int qr_modules;
    char qr_serial[64];

    SDL_Texture *dim; /* the screen under the idle warning, dimmed once */
    int dim_w, dim_h;

    unsigned wipe_seen;
    bool wipe_init;
    char read_key[160];
    int read_offset;
    bool read_end_sent;  /* FLOW_EV_SECTION_END sent for read_key */
    bool confirm_cancel; /* "Cancel and erase" was tapped: ask before erasing */
    bool lang_menu;      /* the top bar's language button was tapped: the chooser is up */
    int body_top;        /* where the scrolled body's content starts (scr_body_begin) */
    bool raster_off;     /* lay frames out without drawing pixels (replays) */
    FlowScreen confirm_screen;
    FlowScreen screen;
    bool demo;

    /* the nation chooser: the countries (NULL: iso-codes could not be read),
     * the matches of the search, the search they were found for */
    const IsoCodes *countries;
    size_t matches[ISOCODES_MAX_COUNTRIES];
    char nation_query[4 * 32 + 1];

    /* the admin screen's plugin lists (borrowed from the app) */
    const char *const *admin_loaded, *const *admin_refused;
    size_t n_admin_loaded, n_admin_refused;

    ScrEvent *q;
    int nq;

    /* frame geometry */
    int W, H, bar_h, margin, col_x, col_w, foot_y, btn_h, gap;
    int foot_cw, foot_bw, foot_pw; /* footer buttons: cancel, back, primary */
};

static inline const char *
tr(const Screens *s, const char *key)
{
    return i18n_get(s->i18n, key);
}

/* tr() with {name} placeholders filled; the result lives in buf. */
static inline const char *
trf(const Screens *s, const char *key, char *buf, size_t cap, size_t n, const char *const *names,
    const char *const *values)
{
    i18n_expand(tr(s, key), names, values, n, buf, cap);
    return buf;
}

static inline int
mm(const Screens *s, float v)
{
    return theme_mm(s->th, v);
}

static inline int
fpx(const Screens *s, ThemeFont f)
{
    return theme_font_px(s->th, f);
}

/* ---- shared by every screen (screens.c) ---- */

/* Queue flow events for after the frame (text is copied). */
void scr_emit(Screens *s, FlowEventType type, int index);

void scr_emit_text(Screens *s, FlowEventType type, const char *text);

void scr_emit_ev(void *ctx, const FlowEvent *ev);

/* A language in its own name: the strings file's "language.<code>", else a
 * built-in list of endonyms, else the code. */
const char *scr_lang_name(const Screens *s, const char *code);
const char *scr_lang_name_in_ui(const Screens *s, const char *code);

/* An eyebrow line (may be NULL) and a heading at y; returns the y below. */
int scr_heading(Screens *s, const char *eyebrow, const char *title, int y);
/* The same in a column of width w at x (inside a scroll view), and its height there. */
int scr_heading_in(Screens *s, const char *eyebrow, const char *title, int x, int y, int w);
int scr_heading_height(Screens *s, const char *eyebrow, const char *title, int w);

/* "Step 3 of 9" and a segmented progress bar under the top bar. */
int scr_steps(Screens *s, const FlowView *v);

/* The height the error banner takes above the footer, gap included; 0
 * without an error. Screens keep their controls above it. */
int scr_banner_h(Screens *s, const FlowView *v);

/* The error banner for view.error, just above the footer. */
void scr_error_banner(Screens *s, const FlowView *v);
/* The error banner for view.error in a box w wide at x, y (a keypad screen
 * puts it at the top of its scroll body, where the banner above the footer
 * would leave its keys no room); returns its height, 0 without an error. */
int scr_error_banner_at(Screens *s, const FlowView *v, int x, int y, int w);

/* The settings every screen offers: language (a chooser), text size,
 * contrast; buttons bh high right-aligned to x_right on row y, or stacked
 * from (x_right, y) when stack. Returns the x left of them (the y below
 * them when stacked). In a row that would reach left of min_x, the labels
 * get shorter. */
/* The DEMO badge of a demonstration kiosk (what it issues is not valid), its
 * box centred on y_mid from x; returns its width (scr_demo_badge_width()). */
int scr_demo_badge(Screens *s, int x, int y_mid, SDL_Color bg, SDL_Color fg);
int scr_demo_badge_width(Screens *s);
int scr_settings(Screens *s, const FlowView *v, int x_right, int y, int bh, UiStyle style,
                 bool stack, int min_x);

/* The screen's body between y and the footer (and error banner) as a scroll
 * view: what does not fit scrolls, the footer never lies over it. Returns
 * the y to draw the content at; scr_body_end() takes the y below it. */
int scr_body_begin(Screens *s, const FlowView *v, int y, const char *id);
void scr_body_end(Screens *s, int y_end);
/* The same ending at bottom (a keypad pinned under it). */
int scr_body_begin_to(Screens *s, int y, int bottom, const char *id);

/* Bottom row: Cancel on the left, Back and the primary action on the right. */
void scr_footer(Screens *s, const FlowView *v, const char *primary_label, bool primary_enabled,
                FlowEventType primary_ev);

/* ---- the screens, by group: each draws its screen from the view and queues
 * (scr_emit) the flow events its input causes; helpers shared across groups
 * come with them ---- */

/* The width of a choice tile that shows label on one line, with the tick of
 * a selected tile. */
int scr_choice_width(Screens *s, const char *label);

void scr_attract(Screens *s, const FlowView *v);

void scr_privacy(Screens *s, const FlowView *v);

/* Keeps the keyboard in step with the focused field. */
void scr_osk_sync(Screens *s, const FlowView *v);

/* Draws the keyboard for the focused field in r and queues what it typed;
 * a physical keyboard types into the same field. */
void scr_keyboard(Screens *s, const FlowView *v, SDL_Rect r, int key_h);

/* Key height that fits rows of keys into avail pixels: 20 mm when there is
 * room, never below 13 mm. */
int scr_key_h(Screens *s, int avail, int rows);

/* A labelled field; the label wraps (never clipped) in label_h pixels (0:
 * its own height, else the tallest label of the row, so fields line up).
 * Returns the y below it. */
int scr_labeled_field(Screens *s, const FlowView *v, FlowField f, const char *id, const char *label,
                      int x, int y, int w, int label_h, bool invalid);

const char *scr_nation_name(Screens *s, const char *code, char *buf, size_t cap);

void scr_nation(Screens *s, const FlowView *v);

void scr_identity(Screens *s, const FlowView *v);

void scr_conduct(Screens *s, const FlowView *v);

void scr_training(Screens *s, const FlowView *v);

void scr_quiz(Screens *s, const FlowView *v);

void scr_quiz_result(Screens *s, const FlowView *v);

void scr_training_confirm(Screens *s, const FlowView *v);

void scr_acknowledge(Screens *s, const FlowView *v);

void scr_sign(Screens *s, const FlowView *v);

/* (Re)builds the QR texture when a new certificate is shown. */
void scr_cert_qr(Screens *s, const FlowView *v);

/* The certificate screen drops the top bar (its settings move beside the
 * code) when the code's modules would be smaller than QR_MIN_MODULE_PX
 * under it and the full height makes them larger. */
bool scr_cert_full_height(Screens *s);

void scr_certificate(Screens *s, const FlowView *v);

void scr_message(Screens *s, const FlowView *v, DrawIcon icon, SDL_Color tone, const char *heading,
                 const char *body);

void scr_admin_pin(Screens *s, const FlowView *v);

void scr_admin(Screens *s, const FlowView *v);
/* The confirmation of a restart or maintenance stop (view.admin_confirm). */
void scr_admin_stop_modal(Screens *s, const FlowView *v);
/* A modal box centred on the screen with an icon, a heading and a body;
 * returns the y where its buttons (bh high) go and sets *box. */
int scr_modal_box(Screens *s, DrawIcon icon, const char *title, const char *body, int bh,
                  SDL_Rect *box);
/* The width scr_modal_box() gives a box with this text and buttons bh high:
 * 190 mm, wider (up to the margins) where it would not fit the screen's height. */
int scr_modal_width(Screens *s, const char *title, const char *body, int bh);

#endif
