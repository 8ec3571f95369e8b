/* screens: one draw function per flow screen; draws the FlowView and turns input into flow events.
 */
#ifndef CERTKIOSK_SCREENS_H
#define CERTKIOSK_SCREENS_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "flow.h"
#include "isocodes.h"
#include "widget.h"

typedef struct Screens Screens;

/* strings_dir holds the UI strings (<lang>.json, en.json required);
 * languages are the flow's UI languages, in order. Everything is borrowed
 * and must outlive the Screens. *out: destroy with screens_destroy(). */
CkErr screens_create(SDL_Renderer *r, Ui *ui, const char *strings_dir, const char *const *languages,
                     size_t n_languages, Screens **out);

/* Zeroes and frees everything that may have shown personal data. Accepts NULL. */
void screens_destroy(Screens *s);

/* Runs one frame at now_ms: draws the flow's view, then gives the flow the
 * events the input caused. Returns the ms until a frame is needed without
 * input (-1: wait for input; 0: at once). */
int screens_frame(Screens *s, Flow *flow, uint64_t now_ms);

/* The plugin bundles loaded and refused, one line each, for the admin
 * screen. Borrowed: must outlive the Screens. */
void screens_set_admin_report(Screens *s, const char *const *loaded, size_t n_loaded,
                              const char *const *refused, size_t n_refused);

/* The countries the nation chooser lists (names in the UI languages), or
 * NULL when iso-codes could not be read (the chooser then says so and
 * offers no country). Borrowed: must outlive the Screens. */
void screens_set_countries(Screens *s, const IsoCodes *countries);

/* With on false, frames are laid out (widgets, texts, events: everything a
 * replay checks) but no pixels are drawn; replays draw only the frames they
 * snapshot. On by default. */
void screens_set_rasterise(Screens *s, bool on);

/* Marks a demonstration kiosk (a ribbon on the attract screen). */
void screens_set_demo(Screens *s, bool demo);

/* The name of the screen last drawn ("attract", ...). Static. */
const char *screens_current(const Screens *s);

#endif
