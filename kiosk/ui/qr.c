/* qr: the certificate as a QR code texture (libqrcodegen, byte mode). */
#include "qr.h"

#include <qrcodegen.h>
#include <stdlib.h>
#include <string.h>

CkErr
qr_texture(SDL_Renderer *r, const unsigned char *data, size_t len, SDL_Color dark, SDL_Color light,
           SDL_Texture **tex_out, int *modules_out)
{
    uint8_t *qr = NULL, *tmp = NULL;
    SDL_Surface *s = NULL;
    CkErr err = CK_OK;

    *tex_out = NULL;
    *modules_out = 0;
    if (len > qrcodegen_BUFFER_LEN_MAX)
        return ck_err(CK_ERR_TOO_LARGE, "QR: %zu bytes do not fit a QR code", len);
    qr = malloc(qrcodegen_BUFFER_LEN_MAX);
    tmp = malloc(qrcodegen_BUFFER_LEN_MAX);
    if (qr == NULL || tmp == NULL) {
        err = ck_err(CK_ERR_NOMEM, "QR: out of memory");
        goto out;
    }
    memcpy(tmp, data, len);
    /* LOW gives the smallest code (easiest to scan from a screen); boostEcl
     * then raises the correction level as far as that version allows. */
    if (!qrcodegen_encodeBinary(tmp, len, qr, qrcodegen_Ecc_LOW, qrcodegen_VERSION_MIN,
                                qrcodegen_VERSION_MAX, qrcodegen_Mask_AUTO, true)) {
        err = ck_err(CK_ERR_TOO_LARGE, "QR: %zu bytes do not fit a QR code", len);
        goto out;
    }
    int size = qrcodegen_getSize(qr);
    int total = size + 2 * QR_QUIET_MODULES;
    s = SDL_CreateRGBSurfaceWithFormat(0, total, total, 32, SDL_PIXELFORMAT_ARGB8888);
    if (s == NULL) {
        err = ck_err(CK_ERR_NOMEM, "QR: %s", SDL_GetError());
        goto out;
    }
    Uint32 d = SDL_MapRGBA(s->format, dark.r, dark.g, dark.b, 255);
    Uint32 l = SDL_MapRGBA(s->format, light.r, light.g, light.b, 255);
    for (int y = 0; y < total; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + y * s->pitch);
        for (int x = 0; x < total; x++)
            row[x] = qrcodegen_getModule(qr, x - QR_QUIET_MODULES, y - QR_QUIET_MODULES) ? d : l;
    }
    if ((*tex_out = SDL_CreateTextureFromSurface(r, s)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "QR: %s", SDL_GetError());
        goto out;
    }
    SDL_SetTextureScaleMode(*tex_out, SDL_ScaleModeNearest);
    SDL_SetTextureBlendMode(*tex_out, SDL_BLENDMODE_NONE);
    *modules_out = total;
out:
    SDL_FreeSurface(s);
    free(qr);
    free(tmp);
    return err;
}
