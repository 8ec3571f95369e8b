/* snap: saves what the renderer shows as a PNG file (libpng). */
#ifndef CERTKIOSK_SNAP_H
#define CERTKIOSK_SNAP_H

#include <SDL.h>

#include "err.h"

/* Reads the renderer's w x h pixels and writes them to path as an 8-bit RGB
 * PNG. CK_ERR_IO naming path when it cannot be written. */
CkErr snap_png(SDL_Renderer *r, int w, int h, const char *path);

#endif
