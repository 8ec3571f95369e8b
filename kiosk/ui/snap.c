/* snap: saves what the renderer shows as a PNG file (libpng). */
#include "snap.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CkErr
snap_png(SDL_Renderer *r, int w, int h, const char *path)
{
    unsigned char *pixels = NULL;
    png_structp png = NULL;
    png_infop info = NULL;
    FILE *volatile f = NULL;
    volatile CkErr err = CK_OK;

    if ((pixels = malloc((size_t)w * (size_t)h * 3)) == NULL)
        return ck_err(CK_ERR_NOMEM, "%s: out of memory", path);
    if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_RGB24, pixels, w * 3) != 0) {
        err = ck_err(CK_ERR_INTERNAL, "%s: cannot read pixels: %s", path, SDL_GetError());
        goto out;
    }
    if ((f = fopen(path, "wb")) == NULL) {
        err = ck_err(CK_ERR_IO, "%s: %s", path, strerror(errno));
        goto out;
    }
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    info = png != NULL ? png_create_info_struct(png) : NULL;
    if (info == NULL) {
        err = ck_err(CK_ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    if (setjmp(png_jmpbuf(png))) {
        err = ck_err(CK_ERR_IO, "%s: cannot write PNG", path);
        goto out;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 6);
    png_write_info(png, info);
    for (int y = 0; y < h; y++)
        png_write_row(png, pixels + (size_t)y * (size_t)w * 3);
    png_write_end(png, NULL);
out:
    if (png != NULL)
        png_destroy_write_struct(&png, info != NULL ? &info : NULL);
    if (f != NULL && fclose(f) != 0 && err == CK_OK)
        err = ck_err(CK_ERR_IO, "%s: %s", path, strerror(errno));
    free(pixels);
    return err;
}
