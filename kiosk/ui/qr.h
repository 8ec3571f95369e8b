/* qr: the certificate as a QR code texture (libqrcodegen, byte mode). */
#ifndef CERTKIOSK_QR_H
#define CERTKIOSK_QR_H

#include <SDL.h>

#include "err.h"

#define QR_QUIET_MODULES 4 /* quiet zone on every side */
#define QR_MIN_MODULE_PX 7 /* on screen (a phone reads 7 px modules at 1280x800) */

/* Encodes data (len bytes) in byte mode at the lowest version that holds it,
 * with ECC MEDIUM where that fits in the same version as LOW (boosted to the
 * best level the version allows). *tex_out is a texture one pixel per module
 * including the quiet zone (draw it scaled by an integer, nearest neighbour);
 * *modules_out its width in modules. CK_ERR_TOO_LARGE if data does not fit a
 * version-40 code. */
CkErr qr_texture(SDL_Renderer *r, const unsigned char *data, size_t len, SDL_Color dark,
                 SDL_Color light, SDL_Texture **tex_out, int *modules_out);

#endif
