/* draw: anti-aliased shapes for the software renderer.
 *
 * SDL2's renderer has no anti-aliasing, so corners, discs and icons are
 * rasterised once per size into white alpha-coverage textures (cached) and
 * tinted with SDL_SetTextureColorMod when drawn. */
#include "draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DRAW_CACHE 96

typedef struct DrawShape {
    int kind; /* 0 = disc, 1 + icon */
    int size;
    SDL_Texture *tex;
} DrawShape;

struct Draw {
    SDL_Renderer *r;
    DrawShape shapes[DRAW_CACHE];
    int next; /* round-robin replacement */
};

Draw *
draw_create(SDL_Renderer *r)
{
    Draw *d = calloc(1, sizeof *d);

    if (d != NULL)
        d->r = r;
    return d;
}

void
draw_purge(Draw *d)
{
    for (int i = 0; i < DRAW_CACHE; i++) {
        if (d->shapes[i].tex != NULL)
            SDL_DestroyTexture(d->shapes[i].tex);
        memset(&d->shapes[i], 0, sizeof d->shapes[i]);
    }
}

void
draw_destroy(Draw *d)
{
    if (d == NULL)
        return;
    draw_purge(d);
    free(d);
}

typedef struct DrawSeg {
    float x0, y0, x1, y1;
} DrawSeg;

static float
draw_seg_dist(const DrawSeg *s, float px, float py)
{
    float dx = s->x1 - s->x0, dy = s->y1 - s->y0;
    float len2 = dx * dx + dy * dy;
    float t = len2 > 0 ? ((px - s->x0) * dx + (py - s->y0) * dy) / len2 : 0;

    t = t < 0 ? 0 : t > 1 ? 1 : t;
    float qx = s->x0 + t * dx - px, qy = s->y0 + t * dy - py;
    return sqrtf(qx * qx + qy * qy);
}

/* Coverage of one pixel centre (u, v in 0..1 of the box) for a shape. */
static float
draw_coverage(int kind, float u, float v, float px_size)
{
    float aa = 1.0f / px_size; /* one pixel in box units */
    float w = 0.09f;           /* stroke half-width in box units */
    float d;

    if (kind == 0) { /* disc */
        d = sqrtf((u - 0.5f) * (u - 0.5f) + (v - 0.5f) * (v - 0.5f));
        return 0.5f - d + aa * 0.5f;
    }
    switch ((DrawIcon)(kind - 1)) {
    case DRAW_ICON_CHECK: {
        DrawSeg s[2] = {{0.16f, 0.52f, 0.40f, 0.76f}, {0.40f, 0.76f, 0.86f, 0.26f}};
        d = fminf(draw_seg_dist(&s[0], u, v), draw_seg_dist(&s[1], u, v));
        return w - d + aa * 0.5f;
    }
    case DRAW_ICON_CHEVRON_LEFT:
    case DRAW_ICON_CHEVRON_RIGHT: {
        if (kind - 1 == DRAW_ICON_CHEVRON_LEFT)
            u = 1.0f - u;
        DrawSeg s[2] = {{0.36f, 0.18f, 0.68f, 0.5f}, {0.68f, 0.5f, 0.36f, 0.82f}};
        d = fminf(draw_seg_dist(&s[0], u, v), draw_seg_dist(&s[1], u, v));
        return w * 0.9f - d + aa * 0.5f;
    }
    case DRAW_ICON_CROSS: {
        DrawSeg s[2] = {{0.22f, 0.22f, 0.78f, 0.78f}, {0.78f, 0.22f, 0.22f, 0.78f}};
        d = fminf(draw_seg_dist(&s[0], u, v), draw_seg_dist(&s[1], u, v));
        return w * 0.8f - d + aa * 0.5f;
    }
    case DRAW_ICON_BACKSPACE: {
        DrawSeg s[7] = {{0.08f, 0.5f, 0.32f, 0.22f},  {0.32f, 0.22f, 0.92f, 0.22f},
                        {0.92f, 0.22f, 0.92f, 0.78f}, {0.92f, 0.78f, 0.32f, 0.78f},
                        {0.32f, 0.78f, 0.08f, 0.5f},  {0.48f, 0.37f, 0.74f, 0.63f},
                        {0.74f, 0.37f, 0.48f, 0.63f}};
        d = 1e9f;
        for (int i = 0; i < 7; i++)
            d = fminf(d, draw_seg_dist(&s[i], u, v));
        return w * 0.55f - d + aa * 0.5f;
    }
    case DRAW_ICON_CONTRAST: {
        float r = sqrtf((u - 0.5f) * (u - 0.5f) + (v - 0.5f) * (v - 0.5f));
        float ring = w * 0.6f - fabsf(r - 0.40f) + aa * 0.5f;
        float half = u < 0.5f ? 0.40f - r + aa * 0.5f : -1.0f;
        return fmaxf(ring, half);
    }
    case DRAW_ICON_CLOCK: {
        float r = sqrtf((u - 0.5f) * (u - 0.5f) + (v - 0.5f) * (v - 0.5f));
        DrawSeg s[2] = {{0.5f, 0.5f, 0.5f, 0.24f}, {0.5f, 0.5f, 0.68f, 0.6f}};
        d = fminf(draw_seg_dist(&s[0], u, v), draw_seg_dist(&s[1], u, v));
        return fmaxf(w * 0.6f - fabsf(r - 0.40f), w * 0.6f - d) + aa * 0.5f;
    }
    case DRAW_ICON_ALERT: {
        float r = sqrtf((u - 0.5f) * (u - 0.5f) + (v - 0.5f) * (v - 0.5f));
        DrawSeg bar = {0.5f, 0.26f, 0.5f, 0.56f};
        float dot = 0.065f - sqrtf((u - 0.5f) * (u - 0.5f) + (v - 0.72f) * (v - 0.72f));
        /* A filled disc with the mark cut out. */
        float disc = 0.46f - r;
        float mark = fmaxf(w * 0.6f - draw_seg_dist(&bar, u, v), dot);
        return fminf(disc, -mark) + aa * 0.5f;
    }
    case DRAW_ICON_SHIELD: {
        /* Outline of a shield: top edge, sides, and two curves to the tip. */
        DrawSeg s[6] = {{0.2f, 0.18f, 0.5f, 0.08f}, {0.5f, 0.08f, 0.8f, 0.18f},
                        {0.2f, 0.18f, 0.2f, 0.5f},  {0.8f, 0.18f, 0.8f, 0.5f},
                        {0.2f, 0.5f, 0.5f, 0.92f},  {0.8f, 0.5f, 0.5f, 0.92f}};
        d = 1e9f;
        for (int i = 0; i < 6; i++)
            d = fminf(d, draw_seg_dist(&s[i], u, v));
        return w * 0.6f - d + aa * 0.5f;
    }
    default:
        return 0;
    }
}

static SDL_Texture *
draw_shape(Draw *d, int kind, int size)
{
    for (int i = 0; i < DRAW_CACHE; i++)
        if (d->shapes[i].tex != NULL && d->shapes[i].kind == kind && d->shapes[i].size == size)
            return d->shapes[i].tex;

    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, size, size, 32, SDL_PIXELFORMAT_ARGB8888);
    if (s == NULL)
        return NULL;
    /* 4x4 supersampling gives smooth edges at any size. */
    for (int y = 0; y < size; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + y * s->pitch);
        for (int x = 0; x < size; x++) {
            float acc = 0;
            for (int sy = 0; sy < 4; sy++)
                for (int sx = 0; sx < 4; sx++) {
                    float u = (x + (sx + 0.5f) / 4) / size, v = (y + (sy + 0.5f) / 4) / size;
                    float c = draw_coverage(kind, u, v, (float)size);
                    acc += c > 0 ? 1.0f : 0.0f;
                }
            Uint32 a = (Uint32)lroundf(acc / 16.0f * 255.0f);
            row[x] = a << 24 | 0xFFFFFFu;
        }
    }
    SDL_Texture *tex = SDL_CreateTextureFromSurface(d->r, s);
    SDL_FreeSurface(s);
    if (tex == NULL)
        return NULL;
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    DrawShape *slot = &d->shapes[d->next];
    d->next = (d->next + 1) % DRAW_CACHE;
    if (slot->tex != NULL)
        SDL_DestroyTexture(slot->tex);
    *slot = (DrawShape){kind, size, tex};
    return tex;
}

static void
draw_tinted(Draw *d, SDL_Texture *tex, const SDL_Rect *src, const SDL_Rect *dst, SDL_Color c)
{
    SDL_SetTextureColorMod(tex, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(tex, c.a);
    SDL_RenderCopy(d->r, tex, src, dst);
}

void
draw_rect(Draw *d, SDL_Rect r, SDL_Color c)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    SDL_SetRenderDrawBlendMode(d->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(d->r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(d->r, &r);
}

void
draw_round(Draw *d, SDL_Rect r, int radius, SDL_Color c)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    if (radius * 2 > r.w)
        radius = r.w / 2;
    if (radius * 2 > r.h)
        radius = r.h / 2;
    if (radius < 2) {
        draw_rect(d, r, c);
        return;
    }
    SDL_Texture *disc = draw_shape(d, 0, radius * 2);
    draw_rect(d, (SDL_Rect){r.x + radius, r.y, r.w - 2 * radius, r.h}, c);
    draw_rect(d, (SDL_Rect){r.x, r.y + radius, radius, r.h - 2 * radius}, c);
    draw_rect(d, (SDL_Rect){r.x + r.w - radius, r.y + radius, radius, r.h - 2 * radius}, c);
    if (disc == NULL)
        return;
    SDL_Rect q[4][2] = {
        {{0, 0, radius, radius}, {r.x, r.y, radius, radius}},
        {{radius, 0, radius, radius}, {r.x + r.w - radius, r.y, radius, radius}},
        {{0, radius, radius, radius}, {r.x, r.y + r.h - radius, radius, radius}},
        {{radius, radius, radius, radius},
         {r.x + r.w - radius, r.y + r.h - radius, radius, radius}},
    };
    for (int i = 0; i < 4; i++)
        draw_tinted(d, disc, &q[i][0], &q[i][1], c);
}

void
draw_round_border(Draw *d, SDL_Rect r, int radius, int bw, SDL_Color border, SDL_Color fill)
{
    draw_round(d, r, radius, border);
    SDL_Rect in = {r.x + bw, r.y + bw, r.w - 2 * bw, r.h - 2 * bw};
    draw_round(d, in, radius > bw ? radius - bw : 0, fill);
}

void
draw_ring(Draw *d, SDL_Rect r, int radius, int bw, SDL_Color c)
{
    /* Straight edges as rectangles, corners as quarter discs clipped by a
     * smaller disc would need a stencil; square-ish corner pieces are fine at
     * 3 px. */
    draw_rect(d, (SDL_Rect){r.x + radius, r.y, r.w - 2 * radius, bw}, c);
    draw_rect(d, (SDL_Rect){r.x + radius, r.y + r.h - bw, r.w - 2 * radius, bw}, c);
    draw_rect(d, (SDL_Rect){r.x, r.y + radius, bw, r.h - 2 * radius}, c);
    draw_rect(d, (SDL_Rect){r.x + r.w - bw, r.y + radius, bw, r.h - 2 * radius}, c);
    for (int i = 0; i < radius; i++) {
        /* Corner arcs, one pixel row at a time. */
        double a = (double)(radius - i) / radius;
        int off = (int)lround(radius - radius * sqrt(1.0 - a * a));
        int len = bw + (i < radius - 1 ? 1 : 0);
        SDL_Rect rows[4] = {{r.x + off, r.y + i, len, 1},
                            {r.x + r.w - off - len, r.y + i, len, 1},
                            {r.x + off, r.y + r.h - 1 - i, len, 1},
                            {r.x + r.w - off - len, r.y + r.h - 1 - i, len, 1}};
        for (int k = 0; k < 4; k++)
            draw_rect(d, rows[k], c);
        SDL_Rect cols[4] = {{r.x + i, r.y + off, 1, len},
                            {r.x + r.w - 1 - i, r.y + off, 1, len},
                            {r.x + i, r.y + r.h - off - len, 1, len},
                            {r.x + r.w - 1 - i, r.y + r.h - off - len, 1, len}};
        for (int k = 0; k < 4; k++)
            draw_rect(d, cols[k], c);
    }
}

void
draw_disc(Draw *d, int cx, int cy, int radius, SDL_Color c)
{
    SDL_Texture *t = draw_shape(d, 0, radius * 2);

    if (t != NULL)
        draw_tinted(d, t, NULL, &(SDL_Rect){cx - radius, cy - radius, radius * 2, radius * 2}, c);
}

void
draw_icon(Draw *d, DrawIcon icon, int x, int y, int size, SDL_Color c)
{
    SDL_Texture *t = draw_shape(d, 1 + (int)icon, size);

    if (t != NULL)
        draw_tinted(d, t, NULL, &(SDL_Rect){x, y, size, size}, c);
}
