/* fontchain: the fonts behind one text size and weight, and one line drawn
 * through them in reading order.
 *
 * SDL2_ttf 2.20 (Debian 12) shapes a string with HarfBuzz in one font, one
 * direction and one script, and has no fallback fonts (TTF_AddFallbackFont
 * is SDL3_ttf) and no bidi reordering. So a line is cut here into runs of
 * one font and one UAX #9 embedding level (levels from FriBidi), each run is
 * shaped by SDL_ttf in its own direction, and the runs are placed in visual
 * order (rule L2) on the main font's baseline. */
#include "fontchain.h"

#include <fribidi.h>
#include <hb.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The chain after Noto Sans (or DejaVu Sans): a character goes to the first
 * font that has its glyph. Colour emoji are a CBDT bitmap font with one
 * strike (109 px em): SDL_ttf 2.20 renders it in colour (FT_LOAD_COLOR) but
 * only at that size, so its runs are drawn at the strike and scaled down
 * here to the text's size. */
typedef struct ChainFont {
    const char *name;           /* in the layout dump */
    const char *regular, *bold; /* under the font root */
    const char *script;         /* ISO 15924 for HarfBuzz; NULL: none */
    const char *package;        /* the Debian package that ships it */
    bool bitmap;                /* one fixed strike, scaled by us */
} ChainFont;

static const ChainFont chain[] = {
    {"arabic", "truetype/noto/NotoSansArabic-Regular.ttf", "truetype/noto/NotoSansArabic-Bold.ttf",
     "Arab", "fonts-noto-core", false},
    {"hebrew", "truetype/noto/NotoSansHebrew-Regular.ttf", "truetype/noto/NotoSansHebrew-Bold.ttf",
     "Hebr", "fonts-noto-core", false},
    {"devanagari", "truetype/noto/NotoSansDevanagari-Regular.ttf",
     "truetype/noto/NotoSansDevanagari-Bold.ttf", "Deva", "fonts-noto-core", false},
    {"bengali", "truetype/noto/NotoSansBengali-Regular.ttf",
     "truetype/noto/NotoSansBengali-Bold.ttf", "Beng", "fonts-noto-core", false},
    {"thai", "truetype/noto/NotoSansThai-Regular.ttf", "truetype/noto/NotoSansThai-Bold.ttf",
     "Thai", "fonts-noto-core", false},
    {"armenian", "truetype/noto/NotoSansArmenian-Regular.ttf",
     "truetype/noto/NotoSansArmenian-Bold.ttf", "Armn", "fonts-noto-core", false},
    {"georgian", "truetype/noto/NotoSansGeorgian-Regular.ttf",
     "truetype/noto/NotoSansGeorgian-Bold.ttf", "Geor", "fonts-noto-core", false},
    {"ethiopic", "truetype/noto/NotoSansEthiopic-Regular.ttf",
     "truetype/noto/NotoSansEthiopic-Bold.ttf", "Ethi", "fonts-noto-core", false},
    {"cjk", "opentype/noto/NotoSansCJK-Regular.ttc", "opentype/noto/NotoSansCJK-Bold.ttc", NULL,
     "fonts-noto-cjk", false},
    {"symbols", "truetype/noto/NotoSansSymbols2-Regular.ttf", NULL, NULL, "fonts-noto-core", false},
    {"emoji", "truetype/noto/NotoColorEmoji.ttf", NULL, NULL, "fonts-noto-color-emoji", true},
};

#define NCHAIN ((int)(sizeof chain / sizeof chain[0]))
#define FONTCHAIN_ROOT "/usr/share/fonts"
#define REPLACEMENT 0xFFFDu /* drawn for a character no font has */

struct FontChain {
    TTF_Font *main;
    char main_path[512];
    int px;
    bool bold;
    TTF_Font *fb[NCHAIN]; /* opened on first need */
    bool tried[NCHAIN];
    hb_font_t *hb[NCHAIN + 1]; /* for the overhang of stacked marks; on need */
};

/* One run of a line: bytes [start, start + len) drawn with font k at one
 * bidi level. */
typedef struct Run {
    int start, len, font, level;
} Run;

int
fontchain_count(void)
{
    return NCHAIN;
}

const char *
fontchain_name(int k)
{
    return k == 0 ? "main" : k > 0 && k <= NCHAIN ? chain[k - 1].name : "?";
}

const char *
fontchain_package(int k)
{
    return k > 0 && k <= NCHAIN ? chain[k - 1].package : "?";
}

static const char *
fontchain_root(void)
{
    const char *root = getenv("CERTKIOSK_FALLBACK_FONT_ROOT"); /* tests */

    return root != NULL && root[0] != '\0' ? root : FONTCHAIN_ROOT;
}

const char *
fontchain_file(int k, char *buf, size_t n)
{
    if (k <= 0 || k > NCHAIN)
        snprintf(buf, n, "?");
    else
        snprintf(buf, n, "%s/%s", fontchain_root(), chain[k - 1].regular);
    return buf;
}

FontChain *
fontchain_create(TTF_Font *main, const char *main_path, int px, bool bold)
{
    FontChain *c = calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->main = main;
    snprintf(c->main_path, sizeof c->main_path, "%s", main_path);
    c->px = px;
    c->bold = bold;
    return c;
}

void
fontchain_destroy(FontChain *c)
{
    if (c == NULL)
        return;
    for (int k = 0; k < NCHAIN; k++)
        if (c->fb[k] != NULL)
            TTF_CloseFont(c->fb[k]);
    for (int k = 0; k <= NCHAIN; k++)
        if (c->hb[k] != NULL)
            hb_font_destroy(c->hb[k]);
    free(c);
}

/* Font k of the chain (0: the main font), opened on first need; NULL when
 * its file is absent or unreadable. */
static TTF_Font *
fontchain_font(FontChain *c, int k)
{
    if (k == 0)
        return c->main;
    k--;
    if (!c->tried[k]) {
        const ChainFont *cf = &chain[k];
        char path[512];
        TTF_Font *ft = NULL;

        c->tried[k] = true;
        if (c->bold && cf->bold != NULL) {
            snprintf(path, sizeof path, "%s/%s", fontchain_root(), cf->bold);
            ft = TTF_OpenFontIndex(path, cf->bitmap ? 0 : c->px, 0);
        }
        if (ft == NULL) {
            snprintf(path, sizeof path, "%s/%s", fontchain_root(), cf->regular);
            /* A bitmap font's "size" is the index of its strike. */
            ft = TTF_OpenFontIndex(path, cf->bitmap ? 0 : c->px, 0);
        }
        if (ft != NULL) {
            TTF_SetFontHinting(ft, TTF_HINTING_LIGHT);
            if (cf->script != NULL)
                TTF_SetFontScriptName(ft, cf->script);
        }
        c->fb[k] = ft;
    }
    return c->fb[k];
}

/* Decodes one character of valid UTF-8 at s[i] (i < len); *k its bytes. */
static uint32_t
fontchain_decode(const char *s, size_t len, size_t i, size_t *k)
{
    unsigned char b = (unsigned char)s[i];
    size_t n = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    uint32_t cp = n == 1 ? b : n == 2 ? b & 0x1Fu : n == 3 ? b & 0x0Fu : b & 0x07u;

    if (i + n > len)
        n = len - i;
    for (size_t m = 1; m < n; m++)
        cp = (cp << 6) | ((unsigned char)s[i + m] & 0x3Fu);
    *k = n;
    return cp;
}

/* Characters that take the font of the run they sit in when it has them:
 * spaces, ASCII punctuation and digits, combining marks, joiners, direction
 * marks and variation selectors. A name in Arabic stays one run, shaped as a
 * whole, and an emoji sequence (ZWJ, VS16) stays with the emoji font. */
static bool
fontchain_is_neutral(uint32_t cp)
{
    return (cp < 0x80 && !((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')) ||
           (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0x200C && cp <= 0x200F) ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xA0;
}

/* The font of each character: fonts[i] for the character starting at byte
 * i (other bytes are left alone). Returns the number of characters no font
 * has (those get -1). */
static int
fontchain_assign(FontChain *c, const char *s, size_t len, int *fonts, unsigned *used)
{
    int missing = 0, prev = 0;

    *used = 0;
    for (size_t i = 0, k; i < len; i += k) {
        uint32_t cp = fontchain_decode(s, len, i, &k);
        int font = -1;

        if (cp < 0x80 && prev == 0) {
            font = 0; /* ASCII: Noto Sans (and DejaVu Sans) has all of it */
        } else if (i > 0 && prev >= 0 && fontchain_is_neutral(cp)) {
            TTF_Font *cur = fontchain_font(c, prev);
            if (cur != NULL && TTF_GlyphIsProvided32(cur, cp))
                font = prev;
        }
        for (int j = 0; font < 0 && j <= NCHAIN; j++) {
            TTF_Font *ft = fontchain_font(c, j);
            if (ft != NULL && TTF_GlyphIsProvided32(ft, cp))
                font = j;
        }
        if (font < 0)
            missing++;
        else
            *used |= 1u << font;
        fonts[i] = font;
        prev = font < 0 ? 0 : font;
    }
    return missing;
}

void
fontchain_scan(FontChain *c, const char *s, size_t len, int *missing, unsigned *fonts)
{
    int stack[256];
    int *f = len <= 256 ? stack : malloc(sizeof *f * len);

    *missing = 0;
    *fonts = 0;
    if (f == NULL)
        return;
    *missing = fontchain_assign(c, s, len, f, fonts);
    if (f != stack)
        free(f);
}

bool
fontchain_is_rtl(const char *s, size_t len)
{
    for (size_t i = 0, k; i < len; i += k) {
        FriBidiCharType t = fribidi_get_bidi_type(fontchain_decode(s, len, i, &k));
        if (FRIBIDI_IS_LETTER(t))
            return FRIBIDI_IS_RTL(t);
    }
    return false;
}

/* Cuts s into runs of one font and one bidi level, in visual order. A
 * character no font has is drawn by the main font as U+FFFD (s is rewritten
 * in place only in the copy the caller owns: see fontchain_render). Returns
 * the number of runs, -1 when out of memory; *out: free(). */
static int
fontchain_runs(FontChain *c, const char *s, size_t len, bool rtl, Run **out)
{
    int nch = 0, nruns = 0, ret = -1;
    int *fonts = malloc(sizeof *fonts * (len + 1));
    int *starts = malloc(sizeof *starts * (len + 1));
    FriBidiChar *cps = malloc(sizeof *cps * (len + 1));
    FriBidiCharType *types = malloc(sizeof *types * (len + 1));
    FriBidiBracketType *brackets = malloc(sizeof *brackets * (len + 1));
    FriBidiLevel *levels = malloc(sizeof *levels * (len + 1));
    Run *runs = NULL;
    unsigned used;
    bool bidi = rtl;

    *out = NULL;
    if (fonts == NULL || starts == NULL || cps == NULL || types == NULL || brackets == NULL ||
        levels == NULL)
        goto out;
    fontchain_assign(c, s, len, fonts, &used);
    for (size_t i = 0, k; i < len; i += k) {
        cps[nch] = fontchain_decode(s, len, i, &k);
        types[nch] = fribidi_get_bidi_type(cps[nch]);
        if (FRIBIDI_IS_RTL(types[nch]) || FRIBIDI_IS_EXPLICIT(types[nch]) ||
            FRIBIDI_IS_ISOLATE(types[nch]) || types[nch] == FRIBIDI_TYPE_AN)
            bidi = true;
        starts[nch++] = (int)i;
    }
    starts[nch] = (int)len;
    if (bidi) {
        FriBidiParType base = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
        fribidi_get_bracket_types(cps, nch, types, brackets);
        if (fribidi_get_par_embedding_levels_ex(types, brackets, nch, &base, levels) == 0)
            goto out;
        /* Rule L1 (trailing spaces at the paragraph level); no reordering
         * here: runs are reordered below, each shaped as a whole. */
        if (fribidi_reorder_line(0, types, nch, 0, base, levels, NULL, NULL) == 0)
            goto out;
    } else {
        memset(levels, 0, sizeof *levels * (size_t)nch);
    }
    if ((runs = malloc(sizeof *runs * (size_t)(nch > 0 ? nch : 1))) == NULL)
        goto out;
    for (int i = 0; i < nch; i++) {
        int f = fonts[starts[i]];
        if (nruns > 0 && runs[nruns - 1].font == f && runs[nruns - 1].level == levels[i])
            runs[nruns - 1].len = starts[i + 1] - runs[nruns - 1].start;
        else
            runs[nruns++] = (Run){starts[i], starts[i + 1] - starts[i], f, levels[i]};
    }
    /* Rule L2: from the highest level down to the lowest odd one, reverse
     * every sequence of runs at that level or higher. */
    int hi = 0, lo_odd = 1000;
    for (int i = 0; i < nruns; i++) {
        hi = runs[i].level > hi ? runs[i].level : hi;
        if ((runs[i].level & 1) && runs[i].level < lo_odd)
            lo_odd = runs[i].level;
    }
    for (int lev = hi; lev >= lo_odd && lev > 0; lev--)
        for (int i = 0; i < nruns;) {
            if (runs[i].level < lev) {
                i++;
                continue;
            }
            int j = i;
            while (j < nruns && runs[j].level >= lev)
                j++;
            for (int a = i, b = j - 1; a < b; a++, b--) {
                Run tmp = runs[a];
                runs[a] = runs[b];
                runs[b] = tmp;
            }
            i = j;
        }
    *out = runs;
    runs = NULL;
    ret = nruns;
out:
    free(runs);
    free(fonts);
    free(starts);
    free(cps);
    free(types);
    free(brackets);
    free(levels);
    return ret;
}

/* The scale a bitmap font's strike is drawn at: its line height to the main
 * font's. */
static double
fontchain_scale(FontChain *c, const Run *r, TTF_Font *ft)
{
    if (r->font <= 0 || !chain[r->font - 1].bitmap || TTF_FontHeight(ft) <= 0)
        return 1.0;
    return (double)TTF_FontHeight(c->main) / TTF_FontHeight(ft);
}

/* The font a run is drawn with, set to the run's direction. A character no
 * font has is drawn by the main font (as U+FFFD, see fontchain_render). */
static TTF_Font *
fontchain_run_font(FontChain *c, const Run *r)
{
    TTF_Font *ft = fontchain_font(c, r->font < 0 ? 0 : r->font);

    TTF_SetFontDirection(ft, (r->level & 1) ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
    return ft;
}

/* s[start, start + len) as a NUL-terminated string in buf (or a new buffer
 * when it does not fit; *heap says so). A run of characters no font has
 * becomes as many U+FFFD. */
static char *
fontchain_piece(const char *s, const Run *r, char *buf, size_t n, bool *heap)
{
    size_t need = r->font < 0 ? (size_t)r->len * 3 + 1 : (size_t)r->len + 1;
    char *p = need <= n ? buf : malloc(need);

    *heap = p != buf;
    if (p == NULL)
        return NULL;
    if (r->font >= 0) {
        memcpy(p, s + r->start, (size_t)r->len);
        p[r->len] = '\0';
        return p;
    }
    size_t j = 0;
    for (size_t i = 0, k; i < (size_t)r->len; i += k) {
        fontchain_decode(s + r->start, (size_t)r->len, i, &k);
        memcpy(p + j, "\xEF\xBF\xBD", 3);
        j += 3;
    }
    p[j] = '\0';
    return p;
}

/* The width in pixels of run r of s, in its font, scaled as it is drawn. */
static int
fontchain_run_width(FontChain *c, const char *s, const Run *r)
{
    char stack[512];
    bool heap;
    TTF_Font *ft = fontchain_run_font(c, r);
    char *p = fontchain_piece(s, r, stack, sizeof stack, &heap);
    int w = 0;

    if (p == NULL)
        return 0;
    TTF_SizeUTF8(ft, p, &w, NULL);
    w = (int)lround(w * fontchain_scale(c, r, ft));
    if (heap)
        free(p);
    return w;
}

int
fontchain_measure(FontChain *c, const char *s, size_t len)
{
    Run *runs = NULL;
    int n, w = 0;
    size_t i;

    for (i = 0; i < len && (unsigned char)s[i] < 0x80; i++)
        ;
    if (i == len) { /* ASCII: one run in the main font */
        char stack[512];
        char *p = len < sizeof stack ? stack : malloc(len + 1);
        if (p == NULL)
            return 0;
        memcpy(p, s, len);
        p[len] = '\0';
        TTF_SetFontDirection(c->main, TTF_DIRECTION_LTR);
        TTF_SizeUTF8(c->main, p, &w, NULL);
        if (p != stack)
            free(p);
        return w;
    }
    if ((n = fontchain_runs(c, s, len, fontchain_is_rtl(s, len), &runs)) < 0)
        return 0;
    for (int r = 0; r < n; r++)
        w += fontchain_run_width(c, s, &runs[r]);
    free(runs);
    TTF_SetFontDirection(c->main, TTF_DIRECTION_LTR);
    return w;
}

int
fontchain_caret(FontChain *c, const char *s, size_t len, bool rtl)
{
    Run *runs = NULL;
    int n, x = 0, at = -1;

    if (len == 0)
        return 0;
    if ((n = fontchain_runs(c, s, len, rtl, &runs)) < 0)
        return fontchain_measure(c, s, len);
    for (int r = 0; r < n; r++) {
        int rw = fontchain_run_width(c, s, &runs[r]);
        /* The run holding the last character: its logical end is its
         * right edge when it reads left to right, its left edge else. */
        if (runs[r].start + runs[r].len == (int)len)
            at = (runs[r].level & 1) ? x : x + rw;
        x += rw;
    }
    free(runs);
    TTF_SetFontDirection(c->main, TTF_DIRECTION_LTR);
    return at >= 0 ? at : x;
}

/* How far the glyphs of p (drawn with font k of the chain at c's size, in
 * ft's direction and script) reach above the font's ascent and below its
 * descent, in pixels, from HarfBuzz's glyph extents: SDL_ttf makes such a
 * line's surface taller without saying where its baseline went. */
static void
fontchain_overhang(FontChain *c, int k, TTF_Font *ft, const char *p, bool rtl, int *above,
                   int *below)
{
    *above = *below = 0;
    if (c->hb[k] == NULL) {
        char path[512];
        if (k == 0)
            snprintf(path, sizeof path, "%s", c->main_path);
        else
            snprintf(path, sizeof path, "%s/%s", fontchain_root(),
                     c->bold && chain[k - 1].bold ? chain[k - 1].bold : chain[k - 1].regular);
        hb_blob_t *blob = hb_blob_create_from_file(path);
        hb_face_t *face = hb_face_create(blob, 0);
        c->hb[k] = hb_font_create(face);
        hb_font_set_scale(c->hb[k], c->px * 64, c->px * 64);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
    }
    hb_buffer_t *b = hb_buffer_create();
    hb_buffer_add_utf8(b, p, -1, 0, -1);
    hb_buffer_set_direction(b, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    if (k > 0 && chain[k - 1].script != NULL)
        hb_buffer_set_script(b, hb_script_from_string(chain[k - 1].script, -1));
    hb_shape(c->hb[k], b, NULL, 0);
    unsigned n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, &n);
    int top = 0, bottom = 0;
    for (unsigned g = 0; g < n; g++) {
        hb_glyph_extents_t e;
        if (!hb_font_get_glyph_extents(c->hb[k], info[g].codepoint, &e))
            continue;
        int t = (int)ceil((pos[g].y_offset + e.y_bearing) / 64.0);
        int d = (int)ceil(-(pos[g].y_offset + e.y_bearing + e.height) / 64.0);
        top = t > top ? t : top;
        bottom = d > bottom ? d : bottom;
    }
    hb_buffer_destroy(b);
    *above = top > TTF_FontAscent(ft) ? top - TTF_FontAscent(ft) : 0;
    *below = bottom > -TTF_FontDescent(ft) ? bottom + TTF_FontDescent(ft) : 0;
}

/* Where a run's surface puts its baseline (pixels from its top). SDL_ttf
 * grows the surface upward when glyphs reach above the ascent and downward
 * when they reach below the font's height; only the total shows. */
static int
fontchain_baseline(FontChain *c, const Run *r, TTF_Font *ft, const char *p, const SDL_Surface *s)
{
    int extra = s->h - TTF_FontHeight(ft), above, below;

    if (extra <= 0 || (r->font > 0 && chain[r->font - 1].bitmap))
        return TTF_FontAscent(ft);
    fontchain_overhang(c, r->font < 0 ? 0 : r->font, ft, p, r->level & 1, &above, &below);
    /* The total is exact; HarfBuzz's unhinted extents only say which side. */
    if (below == 0 || above > extra)
        above = extra;
    return TTF_FontAscent(ft) + above;
}

/* Scales a bitmap run (ARGB) by halving while more than twice too big, then
 * once linearly: one linear step from 109 px down to 30 px would alias. */
static SDL_Surface *
fontchain_shrink(SDL_Surface *src, int w, int h)
{
    SDL_Surface *cur = SDL_ConvertSurfaceFormat(src, SDL_PIXELFORMAT_ARGB8888, 0);

    while (cur != NULL && (cur->w > 2 * w || cur->h > 2 * h)) {
        SDL_Surface *half = SDL_CreateRGBSurfaceWithFormat(0, (cur->w + 1) / 2, (cur->h + 1) / 2,
                                                           32, SDL_PIXELFORMAT_ARGB8888);
        if (half == NULL || SDL_SoftStretchLinear(cur, NULL, half, NULL) != 0) {
            SDL_FreeSurface(half);
            half = NULL;
        }
        SDL_FreeSurface(cur);
        cur = half;
    }
    if (cur == NULL)
        return NULL;
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, w > 0 ? w : 1, h > 0 ? h : 1, 32,
                                                      SDL_PIXELFORMAT_ARGB8888);
    if (out != NULL && SDL_SoftStretchLinear(cur, NULL, out, NULL) != 0) {
        SDL_FreeSurface(out);
        out = NULL;
    }
    SDL_FreeSurface(cur);
    return out;
}

SDL_Surface *
fontchain_render(FontChain *c, char *s, size_t len, bool rtl, SDL_Color col, int *dy)
{
    Run *runs = NULL;
    SDL_Surface **parts = NULL, *out = NULL;
    int *base = NULL;
    int n, top = 0, bottom = 0, w = 0;
    int main_base = TTF_FontAscent(c->main);

    *dy = 0;
    if ((n = fontchain_runs(c, s, len, rtl, &runs)) < 0)
        return NULL;
    if (n == 1 && runs[0].font == 0 && !(runs[0].level & 1)) {
        /* One run in the main font: no composition, unless marks overhang. */
        TTF_SetFontDirection(c->main, TTF_DIRECTION_LTR);
        out = TTF_RenderUTF8_Blended(c->main, s, col);
        if (out != NULL && out->h > TTF_FontHeight(c->main))
            *dy = main_base - fontchain_baseline(c, &runs[0], c->main, s, out);
        free(runs);
        return out;
    }
    parts = calloc((size_t)(n > 0 ? n : 1), sizeof *parts);
    base = calloc((size_t)(n > 0 ? n : 1), sizeof *base);
    if (parts == NULL || base == NULL)
        goto out;
    for (int i = 0; i < n; i++) {
        char stack[512];
        bool heap;
        TTF_Font *ft = fontchain_run_font(c, &runs[i]);
        char *p = fontchain_piece(s, &runs[i], stack, sizeof stack, &heap);
        if (p == NULL)
            goto out;
        parts[i] = TTF_RenderUTF8_Blended(ft, p, col);
        if (parts[i] != NULL) {
            base[i] = fontchain_baseline(c, &runs[i], ft, p, parts[i]);
            double sc = fontchain_scale(c, &runs[i], ft);
            if (sc != 1.0) {
                int tw = 0;
                TTF_SizeUTF8(ft, p, &tw, NULL);
                SDL_Surface *small =
                    fontchain_shrink(parts[i], (int)lround(tw * sc), (int)lround(parts[i]->h * sc));
                SDL_FreeSurface(parts[i]);
                parts[i] = small;
                base[i] = (int)lround(base[i] * sc);
            }
        }
        if (heap)
            free(p);
        if (parts[i] == NULL)
            goto out;
        int y = main_base - base[i];
        top = y < top ? y : top;
        bottom = y + parts[i]->h > bottom ? y + parts[i]->h : bottom;
        w += parts[i]->w;
    }
    out = SDL_CreateRGBSurfaceWithFormat(0, w > 0 ? w : 1, bottom - top > 0 ? bottom - top : 1, 32,
                                         SDL_PIXELFORMAT_ARGB8888);
    if (out == NULL)
        goto out;
    SDL_FillRect(out, NULL, 0);
    for (int i = 0, x = 0; i < n; i++) {
        SDL_Rect dst = {x, main_base - base[i] - top, parts[i]->w, parts[i]->h};
        SDL_SetSurfaceBlendMode(parts[i], SDL_BLENDMODE_NONE);
        SDL_BlitSurface(parts[i], NULL, out, &dst);
        x += parts[i]->w;
    }
    *dy = top;
out:
    for (int i = 0; parts != NULL && i < n; i++)
        SDL_FreeSurface(parts[i]);
    free(parts);
    free(base);
    free(runs);
    TTF_SetFontDirection(c->main, TTF_DIRECTION_LTR);
    return out;
}
