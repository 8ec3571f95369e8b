/* widget_int: the widget layer's state, shared by widget.c (frames, input, focus, layout
 * list), widget_controls.c and widget_scroll.c. Private to kiosk/ui/widget*. */
#ifndef CERTKIOSK_WIDGET_INT_H
#define CERTKIOSK_WIDGET_INT_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "widget.h"

#define UI_QUEUE 512
#define UI_MAX_WIDGETS 640
#define UI_MAX_SCROLLS 16
#define UI_MAX_SAMPLES 1024
#define UI_VEL_SAMPLES 32
#define UI_FLING_TAU_MS 300.0f

typedef struct UiScroll {
    char id[UI_ID_MAX];
    bool used;
    float offset;
    int max_offset; /* of the last frame */
    SDL_Rect view;  /* of the last frame */
    bool at_end;
    bool flinging;
    uint64_t fling_t0;
    float fling_from, fling_v; /* px, px/ms */
    float drag_from;
} UiScroll;

/* A widget being built this frame, with what focus handling needs. */
typedef struct UiEntry {
    UiWidget w;
    SDL_Rect full; /* unclipped rectangle */
    int scroll;    /* index of its scroll view, -1 if none */
    bool focusable;
} UiEntry;

struct Ui {
    SDL_Renderer *r;
    Text *text;
    Draw *draw;
    Theme *theme;

    SDL_Event queue[UI_QUEUE];
    uint64_t queue_t[UI_QUEUE];
    int qhead, qlen;
    uint64_t now;

    /* the pointer (one finger or the mouse) */
    bool down, pressed, released, moved_far;
    bool by_finger;
    SDL_FingerID finger;
    float px, py, down_x, down_y;
    uint64_t down_t;
    UiSample samples[UI_MAX_SAMPLES];
    int nsamples;
    struct {
        float y;
        uint64_t t;
    } vel[UI_VEL_SAMPLES];
    int nvel;

    /* interaction */
    char active[UI_ID_MAX]; /* widget the pointer went down on */
    char cand[UI_ID_MAX];   /* topmost widget under a press this frame */
    char scroll_cand[UI_ID_MAX];
    char disabled_tap[UI_ID_MAX]; /* a disabled widget tapped this frame */
    int drag_scroll; /* scroll view being dragged, -1 none */
    bool hold_fired;
    char focus[UI_ID_MAX];
    bool focus_visible;
    int nav;  /* +1 / -1 focus move requested this frame */
    int page; /* +1 / -1 page scroll requested this frame */
    bool activate;
    float wheel;
    char typed[256];
    int backspaces;

    /* scroll views */
    UiScroll scrolls[UI_MAX_SCROLLS];
    int cur_scroll;
    SDL_Rect clip;

    /* layout */
    UiEntry entries[UI_MAX_WIDGETS];
    int nentries;
    UiWidget done[UI_MAX_WIDGETS];
    int ndone;

    int block;
    int label_px; /* ui_set_label_px(); 0: the theme's label size */
    bool invalid;
    int wake_ms;
};

/* Keeps a view's offset within 0..max_offset. */
void ui_scroll_clamp(UiScroll *s);

/* Records a widget of this frame in the layout list (clipped to the scroll
 * view being built); NULL when the list is full. */
UiEntry *ui_add(Ui *ui, const char *id, UiKind kind, SDL_Rect r, unsigned state, const char *label,
                bool focusable);

/* Is (x, y) in r (and inside the scroll view being built)? */
bool ui_point_in(const Ui *ui, SDL_Rect r, float x, float y);

/* The interaction every target shares: returns true when activated (on
 * release inside, without a drag; or Enter on the focused widget). */
bool ui_interact(Ui *ui, const char *id, SDL_Rect r, bool enabled, bool *pressed_out);

/* Draws the keyboard focus ring around r when id has the visible focus. */
void ui_focus_ring(Ui *ui, const char *id, SDL_Rect r);

/* Scrolls the view holding e (if any) so that e is in view. */
void ui_bring_into_view(Ui *ui, const UiEntry *e);

#endif
