/* widget: the kiosk's immediate-mode widget layer (prefix ui_).
 *
 * Each frame, screens declare widgets with stable string IDs; the layer
 * answers whether each was activated. Buttons fire on RELEASE, only if the
 * pointer is still inside and moved no more than UI_SLOP_MM since the press
 * (a larger move is a scroll). One input path: finger or mouse; mouse events
 * that SDL synthesises from touch are dropped. Tab/Shift+Tab and the arrow
 * keys move a visible focus ring; Enter or Space activates. Every widget is
 * recorded in a layout list (ID, kind, rectangle, state) that replays look up
 * and dump. */
#ifndef CERTKIOSK_WIDGET_H
#define CERTKIOSK_WIDGET_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "draw.h"
#include "text.h"
#include "theme.h"

#define UI_SLOP_MM 2.5f
#define UI_ID_MAX 64
#define UI_LABEL_MAX 96

typedef struct Ui Ui;

typedef enum UiKind {
    UI_KIND_BUTTON,
    UI_KIND_CHOICE,
    UI_KIND_CHECKBOX,
    UI_KIND_KEY,
    UI_KIND_SCROLL,
    UI_KIND_FIELD,
    UI_KIND_PAD,
    UI_KIND_HOTSPOT,
    UI_KIND_TEXT,
} UiKind;

typedef enum UiStyle {
    UI_STYLE_PRIMARY,   /* the one main action of a screen: NATO blue */
    UI_STYLE_SECONDARY, /* outlined */
    UI_STYLE_QUIET,     /* text-like, on the top bar or in lists */
    UI_STYLE_BAR,       /* a toggle on the top bar */
} UiStyle;

/* State flags in the layout list. */
enum {
    UI_STATE_DISABLED = 1 << 0,
    UI_STATE_CHECKED = 1 << 1, /* checkbox ticked, choice selected */
    UI_STATE_FOCUSED = 1 << 2,
    UI_STATE_PRESSED = 1 << 3,
    UI_STATE_AT_END = 1 << 4, /* scroll view shown to its end */
};

/* One widget of the last completed frame. */
typedef struct UiWidget {
    char id[UI_ID_MAX];
    UiKind kind;
    SDL_Rect rect; /* visible part, in window pixels */
    unsigned state;
    char label[UI_LABEL_MAX];
    SDL_Rect full; /* the whole widget, also where a scroll view hides it */
    int scroll;    /* the scroll view holding it (internal index), -1 none */
} UiWidget;

/* One pointer sample, for the signature pad. */
typedef struct UiSample {
    float x, y;    /* window pixels */
    uint64_t t_ms; /* the kiosk's clock */
    int phase;     /* 0 down, 1 move, 2 up */
} UiSample;

/* All borrowed; they must outlive the Ui. NULL on out of memory. */
Ui *ui_create(SDL_Renderer *r, Text *text, Draw *draw, Theme *theme);
void ui_destroy(Ui *ui);

/* Queues an input event observed at now_ms (the kiosk's clock). Returns
 * false for events the UI ignores (touch-synthesised mouse events, ...). */
bool ui_push_event(Ui *ui, const SDL_Event *e, uint64_t now_ms);

/* True while queued events wait for a frame. */
bool ui_pending(const Ui *ui);

/* Starts a frame at now_ms: takes queued events up to and including the first
 * press or release, so that a quick tap is seen as two frames. */
void ui_begin(Ui *ui, uint64_t now_ms);

/* Ends a frame: settles press targets and focus, records the layout. Returns
 * the delay in ms before the UI needs another frame without input (an
 * animation or a timer), or -1 if it can wait for input. */
int ui_end(Ui *ui);

/* Asks for another frame right away (after a state change). */
void ui_invalidate(Ui *ui);
bool ui_invalid(const Ui *ui);

/* Resets interaction state, scroll positions and focus (at the start of a
 * screen or session). */
void ui_reset(Ui *ui);

uint64_t ui_now(const Ui *ui);
Theme *ui_theme(Ui *ui);
Text *ui_text(Ui *ui);
Draw *ui_draw(Ui *ui);

/* Widgets declared between ui_block_begin/end are inert (behind a modal). */
void ui_block_begin(Ui *ui);
void ui_block_end(Ui *ui);

/* --- widgets: each returns true in the frame it is activated --- */

bool ui_button(Ui *ui, const char *id, SDL_Rect r, const char *label, UiStyle style, bool enabled);

/* True in the frame a disabled widget was tapped (released inside without a
 * drag): the screen can say why it is disabled. */
bool ui_tapped_disabled(const Ui *ui, const char *id);

/* A button with an icon left of its label. */
bool ui_button_icon(Ui *ui, const char *id, SDL_Rect r, DrawIcon icon, const char *label,
                    UiStyle style, bool enabled);

/* Button labels drawn from now on at px (0: the theme's label size, which
 * follows the text size). The top bar keeps its settings at one size so
 * that they fit at every text size. */
void ui_set_label_px(Ui *ui, int px);

/* The width a button needs to show label on one line (with an icon if asked). */
int ui_button_width(Ui *ui, const char *label, bool icon);

/* The height a button w pixels wide needs to show label (wrapped if need
 * be) with its padding; at least min_h. */
int ui_button_height(Ui *ui, const char *label, bool icon, int w, int min_h);

/* A selectable tile (one of several); selected draws it filled and ticked. */
bool ui_choice(Ui *ui, const char *id, SDL_Rect r, const char *label, const char *sub,
               bool selected);

/* The height a choice tile w pixels wide needs for its label (wrapped) and
 * sub line; at least min_h. */
int ui_choice_height(Ui *ui, const char *label, const char *sub, int w, int min_h);

/* Height of a checkbox row holding text in width w. */
int ui_check_row_height(Ui *ui, const char *text, int w);

/* A checkbox whose whole row is the target. Returns true when toggled. */
bool ui_check_row(Ui *ui, const char *id, SDL_Rect r, const char *text, bool checked);

/* A key of an on-screen keyboard. */
bool ui_key(Ui *ui, const char *id, SDL_Rect r, const char *label, bool special);

/* A text field showing value (input comes from the keyboard widgets); a tap
 * returns true (to focus it). placeholder is shown when value is empty. */
bool ui_field(Ui *ui, const char *id, SDL_Rect r, const char *value, const char *placeholder,
              bool focused, bool invalid);

/* True once the pointer has been held inside r for hold_ms without moving. */
bool ui_hotspot(Ui *ui, const char *id, SDL_Rect r, int hold_ms);

/* Registers a plain text or region in the layout list (not interactive). */
void ui_note(Ui *ui, const char *id, UiKind kind, SDL_Rect r, unsigned state, const char *label);

/* A pointer region that takes raw samples (the signature pad): fills up to
 * max samples taken by this region this frame; returns their count. */
int ui_pad(Ui *ui, const char *id, SDL_Rect r, UiSample *out, int max);

/* --- scroll views --- */

/* Starts a vertical scroll view over r; returns the scroll offset to draw the
 * content with (content y = r.y - offset). Content drawn until
 * ui_scroll_end is clipped to r and its widgets are hit-tested inside r. */
int ui_scroll_begin(Ui *ui, const char *id, SDL_Rect r);

/* Ends the view whose content is content_h high; returns true once the view
 * has been shown to its end (sticky until ui_reset or ui_scroll_forget). */
bool ui_scroll_end(Ui *ui, int content_h);

/* Scrolls a view (by ID) to pos pixels, or to its end with pos < 0. */
bool ui_scroll_to(Ui *ui, const char *id, int pos);

/* Scrolls the view holding the widget id (of the last frame, even when it
 * was scrolled out of sight) until the widget is in view, as a person
 * scrolling to it would. False if no such widget was declared. */
bool ui_reveal(Ui *ui, const char *id);

/* Forgets a view's position and "shown to the end". */
void ui_scroll_forget(Ui *ui, const char *id);

/* --- keyboard input for a focused text field --- */

/* Text typed on a physical keyboard this frame (UTF-8; empty if none), and
 * the number of backspaces. Borrowed until the next ui_begin. */
const char *ui_typed(const Ui *ui, int *backspaces);

/* --- layout list (of the last completed frame) --- */

int ui_widget_count(const Ui *ui);
const UiWidget *ui_widget_at(const Ui *ui, int i);
const UiWidget *ui_widget_find(const Ui *ui, const char *id);

/* Writes the layout list, one widget per line:
 * id<TAB>kind<TAB>x<TAB>y<TAB>w<TAB>h<TAB>state<TAB>label, then what the
 * layout check reads (REPLAY.md): "#display", one "#full" per widget and
 * one "#run" per text drawn. */
void ui_dump_layout(const Ui *ui, FILE *f);

const char *ui_kind_name(UiKind k);

/* The state flags as words ("enabled", "disabled,checked", ...); static buffer. */
const char *ui_state_words(unsigned state, char buf[64]);

#endif
