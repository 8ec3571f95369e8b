/* sigpad: the signature pad — ink on screen, strokes to the flow as vectors with time. */
#ifndef CERTKIOSK_SIGPAD_H
#define CERTKIOSK_SIGPAD_H

#include <SDL.h>
#include <stdbool.h>

#include "flow.h"
#include "widget.h"

typedef struct Sigpad Sigpad;

/* NULL on out of memory. The renderer is borrowed. */
Sigpad *sigpad_create(SDL_Renderer *r);

/* Zeroes the ink and the points, frees. Accepts NULL. */
void sigpad_destroy(Sigpad *p);

/* Forgets the ink (zeroing the pixels and points it held). */
void sigpad_clear(Sigpad *p);

/* Declares the pad widget at r for this frame: takes the pointer samples,
 * gives them to emit (for the flow) as FLOW_EV_SIG_BEGIN / POINT / END in 0.1 mm from the
 * pad's top-left, draws new ink (speed-dependent width, anti-aliased) into its
 * own surface uploading only the dirty rectangle, and draws the pad. When the
 * flow's view says the pad is empty (after a clear or a wipe) the ink is
 * cleared too. Returns true if an event was sent (the view changed). */
bool sigpad_do(Sigpad *p, Ui *ui, void (*emit)(void *ctx, const FlowEvent *ev), void *ctx,
               const FlowView *v, SDL_Rect r, const char *hint);

#endif
