/* sigpad: the signature pad — ink on screen, strokes to the flow as vectors with time.
 *
 * The flow (session.h) keeps the strokes as evidence; this module keeps only
 * what it needs to draw: an ARGB surface of ink and the pad-relative points
 * (to redraw the ink when the pad changes size). Both are personal data and
 * are zeroed whenever the ink is cleared. */
#include "sigpad.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "session.h"

#define SIGPAD_MAX_POINTS SESSION_SIG_MAX_POINTS

typedef struct SigPoint {
    float x, y; /* pixels from the pad's top-left */
    uint32_t t;
    bool begin;
} SigPoint;

struct Sigpad {
    SDL_Renderer *r;
    SDL_Surface *ink;
    SDL_Texture *tex;
    int w, h;
    float px_per_mm;
    SigPoint *pts; /* sodium_malloc */
    int npts;
    bool pen;
    float last_radius;
    SDL_Rect dirty;
    bool has_dirty;
    SDL_Color color;
    uint64_t t0;
    bool t0_set;
};

Sigpad *
sigpad_create(SDL_Renderer *r)
{
    Sigpad *p = calloc(1, sizeof *p);

    if (p == NULL)
        return NULL;
    if ((p->pts = sodium_malloc(sizeof *p->pts * SIGPAD_MAX_POINTS)) == NULL) {
        free(p);
        return NULL;
    }
    p->r = r;
    return p;
}

static void
sigpad_free_surface(Sigpad *p)
{
    if (p->ink != NULL) {
        sodium_memzero(p->ink->pixels, (size_t)p->ink->pitch * (size_t)p->ink->h);
        SDL_FreeSurface(p->ink);
        p->ink = NULL;
    }
    if (p->tex != NULL) {
        SDL_DestroyTexture(p->tex);
        p->tex = NULL;
    }
}

void
sigpad_clear(Sigpad *p)
{
    sodium_memzero(p->pts, sizeof *p->pts * SIGPAD_MAX_POINTS);
    p->npts = 0;
    p->pen = false;
    p->t0_set = false;
    sigpad_free_surface(p);
}

void
sigpad_destroy(Sigpad *p)
{
    if (p == NULL)
        return;
    sigpad_clear(p);
    sodium_free(p->pts);
    free(p);
}

static void
sigpad_mark(Sigpad *p, int x0, int y0, int x1, int y1)
{
    SDL_Rect r = {x0, y0, x1 - x0, y1 - y0};
    SDL_Rect all = {0, 0, p->w, p->h};

    if (!SDL_IntersectRect(&r, &all, &r))
        return;
    if (p->has_dirty)
        SDL_UnionRect(&p->dirty, &r, &p->dirty);
    else
        p->dirty = r;
    p->has_dirty = true;
}

/* Stamps an anti-aliased disc of radius rad (pixels) at (cx, cy). */
static void
sigpad_disc(Sigpad *p, float cx, float cy, float rad)
{
    int x0 = (int)floorf(cx - rad - 1), x1 = (int)ceilf(cx + rad + 1);
    int y0 = (int)floorf(cy - rad - 1), y1 = (int)ceilf(cy + rad + 1);

    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > p->w ? p->w : x1;
    y1 = y1 > p->h ? p->h : y1;
    for (int y = y0; y < y1; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)p->ink->pixels + y * p->ink->pitch);
        for (int x = x0; x < x1; x++) {
            float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
            float cov = rad + 0.5f - sqrtf(dx * dx + dy * dy);
            if (cov <= 0)
                continue;
            Uint32 a = (Uint32)(fminf(cov, 1.0f) * 255.0f);
            Uint32 old = row[x] >> 24;
            if (a > old)
                row[x] =
                    a << 24 | ((Uint32)p->color.r << 16) | ((Uint32)p->color.g << 8) | p->color.b;
        }
    }
    sigpad_mark(p, x0, y0, x1, y1);
}

/* Ink from the previous point to point i: faster strokes are thinner, as
 * with a pen (radius 0.4..1.2 mm). */
static void
sigpad_segment(Sigpad *p, int i)
{
    const SigPoint *b = &p->pts[i];
    float rmax = 1.1f * p->px_per_mm, rmin = 0.4f * p->px_per_mm;

    if (b->begin || i == 0) {
        p->last_radius = (rmax + rmin) / 2;
        sigpad_disc(p, b->x, b->y, p->last_radius);
        return;
    }
    const SigPoint *a = &p->pts[i - 1];
    float dx = b->x - a->x, dy = b->y - a->y;
    float dist = sqrtf(dx * dx + dy * dy);
    float dt = b->t > a->t ? (float)(b->t - a->t) : 1.0f;
    float v_mm_ms = dist / p->px_per_mm / dt;
    float target = rmax - (rmax - rmin) * fminf(v_mm_ms / 1.5f, 1.0f);
    float r0 = p->last_radius, r1 = 0.7f * r0 + 0.3f * target;
    int steps = (int)(dist * 2) + 1;
    for (int s = 1; s <= steps; s++) {
        float f = (float)s / (float)steps;
        sigpad_disc(p, a->x + dx * f, a->y + dy * f, r0 + (r1 - r0) * f);
    }
    p->last_radius = r1;
}

static bool
sigpad_surface(Sigpad *p, int w, int h, SDL_Color ink)
{
    if (p->ink != NULL && p->w == w && p->h == h && memcmp(&p->color, &ink, sizeof ink) == 0)
        return true;
    sigpad_free_surface(p);
    p->w = w;
    p->h = h;
    p->color = ink;
    p->ink = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    p->tex = SDL_CreateTexture(p->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (p->ink == NULL || p->tex == NULL) {
        sigpad_free_surface(p);
        return false;
    }
    SDL_SetTextureBlendMode(p->tex, SDL_BLENDMODE_BLEND);
    memset(p->ink->pixels, 0, (size_t)p->ink->pitch * (size_t)h);
    /* Redraw what was signed so far (after a resize or a theme change). */
    for (int i = 0; i < p->npts; i++)
        sigpad_segment(p, i);
    p->dirty = (SDL_Rect){0, 0, w, h};
    p->has_dirty = true;
    return true;
}

static int32_t
sigpad_tenth_mm(const Sigpad *p, float px)
{
    float v = px / p->px_per_mm * 10.0f;

    return (int32_t)lroundf(v < 0 ? 0 : v);
}

bool
sigpad_do(Sigpad *p, Ui *ui, void (*emit)(void *ctx, const FlowEvent *ev), void *ctx,
          const FlowView *v, SDL_Rect r, const char *hint)
{
    const Theme *th = ui_theme(ui);
    const ThemeColors *c = &th->c;
    UiSample s[1024];
    bool sent = false;
    int n;

    if (v->signature_points == 0 && p->npts > 0 && !p->pen)
        sigpad_clear(p);
    p->px_per_mm = th->px_per_mm;
    draw_round_border(ui_draw(ui), r, theme_mm(th, 2.0f), 2, c->border, c->surface);
    /* The signing line and its cross, as on paper. */
    int base = r.y + r.h * 3 / 4;
    int m = theme_mm(th, 8.0f);
    draw_rect(ui_draw(ui), (SDL_Rect){r.x + m, base, r.w - 2 * m, 2}, c->border);
    draw_icon(ui_draw(ui), DRAW_ICON_CROSS, r.x + m, base - theme_mm(th, 7.0f), theme_mm(th, 6.0f),
              c->muted);
    if (p->npts == 0 && hint != NULL) {
        int px = theme_font_px(th, THEME_FONT_SMALL);
        text_set_owner(ui_text(ui), "sign-pad");
        /* Under the line where there is room, else at the pad's top. */
        int hh = text_para_height(ui_text(ui), px, false, hint, r.w - 2 * m);
        int hy = base + theme_mm(th, 2.0f);
        if (hy + hh > r.y + r.h - 2)
            hy = r.y + theme_mm(th, 2.0f);
        text_para(ui_text(ui), &(TextStyle){px, false, c->muted, TEXT_CENTER}, hint, r.x + m, hy,
                  r.w - 2 * m);
        text_set_owner(ui_text(ui), NULL);
    }
    if (!sigpad_surface(p, r.w, r.h, c->ink))
        return false;
    n = ui_pad(ui, "sign-pad", r, s, (int)(sizeof s / sizeof s[0]));
    for (int i = 0; i < n; i++) {
        float x = s[i].x - (float)r.x, y = s[i].y - (float)r.y;
        x = x < 0 ? 0 : x > (float)(r.w - 1) ? (float)(r.w - 1) : x;
        y = y < 0 ? 0 : y > (float)(r.h - 1) ? (float)(r.h - 1) : y;
        if (!p->t0_set) {
            p->t0 = s[i].t_ms;
            p->t0_set = true;
        }
        uint32_t t = (uint32_t)(s[i].t_ms - p->t0);
        FlowEvent ev = {0};
        ev.x = sigpad_tenth_mm(p, x);
        ev.y = sigpad_tenth_mm(p, y);
        ev.t_ms = t;
        if (s[i].phase == 0) {
            ev.type = FLOW_EV_SIG_BEGIN;
            ev.width = sigpad_tenth_mm(p, (float)r.w);
            p->pen = true;
        } else if (!p->pen) {
            continue;
        } else {
            ev.type = FLOW_EV_SIG_POINT;
        }
        emit(ctx, &ev);
        if (p->npts < SIGPAD_MAX_POINTS) {
            p->pts[p->npts] = (SigPoint){x, y, t, s[i].phase == 0};
            sigpad_segment(p, p->npts++);
        }
        sent = true;
        if (s[i].phase == 2) {
            FlowEvent end = {.type = FLOW_EV_SIG_END};
            emit(ctx, &end);
            p->pen = false;
        }
    }
    if (p->has_dirty) {
        Uint8 *px = (Uint8 *)p->ink->pixels + p->dirty.y * p->ink->pitch + p->dirty.x * 4;
        SDL_UpdateTexture(p->tex, &p->dirty, px, p->ink->pitch);
        p->has_dirty = false;
    }
    SDL_RenderCopy(p->r, p->tex, NULL, &r);
    return sent;
}
