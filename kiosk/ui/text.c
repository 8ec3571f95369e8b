/* text: fonts, our own paragraph line breaking, and cached line textures.
 *
 * TTF_RenderUTF8_Blended_Wrapped re-shapes the rest of the text for every line
 * (quadratic) and breaks only at spaces, so we break lines ourselves: each word
 * is measured once per layout, lines are filled greedily, and each line becomes
 * one texture kept in an LRU cache. Nothing is rendered again while it stays
 * on screen. */
#include "text.h"

#include "fontchain.h"

#include <SDL_ttf.h>
#include <sodium.h>
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEXT_MAX_FONTS 48
#define TEXT_MAX_LAYOUTS 512
#define TEXT_MAX_TEXTURES 1536
#define TEXT_TEXTURE_BUDGET (48u * 1024u * 1024u) /* bytes of ARGB texture */
#define TEXT_MAX_INPUT 65536                      /* longest paragraph we lay out */

typedef struct TextFont {
    int px;
    bool bold;
    TTF_Font *font;
    FontChain *chain; /* font then the fallbacks for other scripts */
    int space_w;
} TextFont;

typedef struct TextLine {
    int start, len, width;
    bool rtl; /* its paragraph reads right to left (UAX #9 P2-P3) */
} TextLine;

typedef struct TextLayout {
    uint64_t key; /* hash of text, px, bold, width */
    char *text;   /* sanitised copy; zeroed when evicted */
    size_t text_len;
    TextLine *lines;
    int nlines;
    bool broken; /* a word was broken inside */
    int missing; /* characters no font of the chain has */
    unsigned fonts; /* bit k: font k of the chain drew some of it */
    unsigned last_used;
} TextLayout;

typedef struct TextTexture {
    uint64_t key; /* hash of line text, px, bold, colour */
    SDL_Texture *tex;
    int w, h;
    int dy; /* drawn this far below the line's top (negative: marks or glyphs above the ascent) */
    unsigned last_used;
} TextTexture;

struct Text {
    SDL_Renderer *r;
    char path_regular[512];
    char path_bold[512];
    TextFont fonts[TEXT_MAX_FONTS];
    int nfonts;
    TextLayout layouts[TEXT_MAX_LAYOUTS];
    TextTexture textures[TEXT_MAX_TEXTURES];
    size_t texture_bytes;
    unsigned frame;
    SDL_Rect clip;
    bool has_clip;
    char *drawn; /* the texts drawn this frame, NUL-separated */
    size_t drawn_len, drawn_cap;
    TextRun *runs; /* where they were drawn */
    int nruns, runs_cap;
    char owner[TEXT_OWNER_MAX];
    bool no_raster;
};

static uint64_t
text_hash(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static bool
text_try_fonts(Text *t, const char *dir, const char *regular, const char *bold)
{
    snprintf(t->path_regular, sizeof t->path_regular, "%s/%s", dir, regular);
    snprintf(t->path_bold, sizeof t->path_bold, "%s/%s", dir, bold);
    TTF_Font *a = TTF_OpenFont(t->path_regular, 20);
    TTF_Font *b = TTF_OpenFont(t->path_bold, 20);
    bool ok = a != NULL && b != NULL;

    if (a != NULL)
        TTF_CloseFont(a);
    if (b != NULL)
        TTF_CloseFont(b);
    return ok;
}

/* A missing fallback font does not stop the kiosk: its scripts are drawn
 * as U+FFFD (and counted as missing glyphs in the layout dump), and the
 * start-up says which package to install. */
static void
text_check_fallbacks(void)
{
    for (int k = 1; k <= fontchain_count(); k++) {
        char path[512];
        fontchain_file(k, path, sizeof path);
        if (access(path, R_OK) != 0)
            fprintf(stderr,
                    "certkiosk: note: fallback font %s is missing (install %s); %s text will be "
                    "drawn as U+FFFD\n",
                    path, fontchain_package(k), fontchain_name(k));
    }
}

CkErr
text_create_dirs(SDL_Renderer *r, const char *const *dirs, size_t n_dirs, Text **out)
{
    Text *t;
    char tried[1024] = "";
    size_t used = 0;

    *out = NULL;
    if (!TTF_WasInit() && TTF_Init() != 0)
        return ck_err(CK_ERR_INTERNAL, "SDL_ttf: %s", TTF_GetError());
    if ((t = calloc(1, sizeof *t)) == NULL)
        return ck_err(CK_ERR_NOMEM, "text: out of memory");
    t->r = r;
    /* Noto Sans in every folder first, then DejaVu Sans: the fallback. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n_dirs; i++) {
            if (dirs[i] == NULL)
                continue;
            if (pass == 0 ? text_try_fonts(t, dirs[i], "NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
                          : text_try_fonts(t, dirs[i], "DejaVuSans.ttf", "DejaVuSans-Bold.ttf")) {
                text_check_fallbacks();
                *out = t;
                return CK_OK;
            }
            if (pass == 0 && used < sizeof tried) {
                int k =
                    snprintf(tried + used, sizeof tried - used, "%s%s", used ? ", " : "", dirs[i]);
                used += k > 0 ? (size_t)k : 0;
            }
        }
    free(t);
    return ck_err(CK_ERR_NOT_FOUND,
                  "no usable font: NotoSans-{Regular,Bold}.ttf or DejaVuSans{,-Bold}.ttf in none "
                  "of %s (install fonts-noto-core)",
                  tried[0] ? tried : "(no folder)");
}

CkErr
text_create(SDL_Renderer *r, const char *font_dir, Text **out)
{
    const char *dirs[] = {font_dir, TEXT_NOTO_DIR, TEXT_DEJAVU_DIR};

    return text_create_dirs(r, dirs, 3, out);
}

static TextFont *
text_font(Text *t, int px, bool bold)
{
    for (int i = 0; i < t->nfonts; i++)
        if (t->fonts[i].px == px && t->fonts[i].bold == bold)
            return &t->fonts[i];
    if (t->nfonts == TEXT_MAX_FONTS) {
        /* Never reached with the theme's sizes; recycle the oldest slot. */
        fontchain_destroy(t->fonts[0].chain);
        TTF_CloseFont(t->fonts[0].font);
        memmove(&t->fonts[0], &t->fonts[1], sizeof t->fonts[0] * (TEXT_MAX_FONTS - 1));
        t->nfonts--;
    }
    TTF_Font *f = TTF_OpenFont(bold ? t->path_bold : t->path_regular, px);
    if (f == NULL)
        f = TTF_OpenFont(t->path_regular, px);
    assert(f != NULL); /* opened at start-up; a font file vanishing is fatal */
    TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
    TextFont *tf = &t->fonts[t->nfonts++];
    memset(tf, 0, sizeof *tf);
    tf->px = px;
    tf->bold = bold;
    tf->font = f;
    tf->chain = fontchain_create(f, bold ? t->path_bold : t->path_regular, px, bold);
    assert(tf->chain != NULL); /* a few bytes; out of memory here is fatal */
    if (TTF_SizeUTF8(f, " ", &tf->space_w, NULL) != 0)
        tf->space_w = px / 4;
    return tf;
}

const char *
text_font_path(const Text *t)
{
    return t->path_regular;
}

int
text_line_height(Text *t, int px, bool bold)
{
    return TTF_FontLineSkip(text_font(t, px, bold)->font);
}

/* Copies s into a new buffer with invalid UTF-8 replaced by U+FFFD, tabs as
 * spaces, and other control characters and soft hyphens dropped. */
static char *
text_sanitize(const char *s, size_t *len_out)
{
    size_t n = strnlen(s, TEXT_MAX_INPUT);
    char *o = malloc(n * 3 + 1);
    size_t j = 0;

    if (o == NULL)
        return NULL;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t k;

        if (c < 0x80) {
            if (c == '\n')
                o[j++] = '\n';
            else if (c == '\t')
                o[j++] = ' ';
            else if (c >= 0x20 && c != 0x7F)
                o[j++] = (char)c;
            i++;
            continue;
        }
        k = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
        if (c > 0xF4)
            k = 0;
        cp = k == 2 ? c & 0x1F : k == 3 ? c & 0x0F : c & 0x07;
        bool ok = k != 0 && i + k <= n;
        for (size_t m = 1; ok && m < k; m++) {
            unsigned char d = (unsigned char)s[i + m];
            if ((d & 0xC0) != 0x80)
                ok = false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if (ok && ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                   (cp >= 0xD800 && cp <= 0xDFFF)))
            ok = false;
        if (!ok) {
            memcpy(o + j, "\xEF\xBF\xBD", 3);
            j += 3;
            i++;
            continue;
        }
        if (!(cp >= 0x80 && cp < 0xA0) && cp != 0xAD) {
            memcpy(o + j, s + i, k);
            j += k;
        }
        i += k;
    }
    o[j] = '\0';
    *len_out = j;
    return o;
}

/* Width of s drawn with the fonts of the chain. */
static int
text_measure(TextFont *f, const char *s, size_t len)
{
    return fontchain_measure(f->chain, s, len);
}

static bool
text_add_line(TextLayout *l, int *cap, int start, int len, int width)
{
    if (l->nlines == *cap) {
        int ncap = *cap ? *cap * 2 : 8;
        TextLine *nl = realloc(l->lines, sizeof *nl * (size_t)ncap);
        if (nl == NULL)
            return false;
        l->lines = nl;
        *cap = ncap;
    }
    l->lines[l->nlines++] = (TextLine){start, len, width, false};
    return true;
}

/* Breaks one word that is wider than a line: after its last hyphen that
 * fits ("Konstantinidou-" / "Papadopoulou", as UAX #14 allows, so the word is
 * not broken), else at a character boundary. */
static bool
text_break_word(TextLayout *l, int *cap, TextFont *f, int start, int len, int w, int *rest_start,
                int *rest_len, int *rest_w)
{
    const char *s = l->text;

    while (1) {
        int cut = 0, cut_w = 0, hyphen = 0, hyphen_w = 0;
        for (int i = 1; i <= len; i++) {
            if (i < len && (s[start + i] & 0xC0) == 0x80)
                continue;
            int ww = text_measure(f, s + start, (size_t)i);
            if (ww > w && cut > 0)
                break;
            cut = i;
            cut_w = ww;
            if (s[start + i - 1] == '-' && i < len) {
                hyphen = i;
                hyphen_w = ww;
            }
        }
        if (cut == len) {
            *rest_start = start;
            *rest_len = len;
            *rest_w = cut_w;
            return true;
        }
        if (hyphen > 0) {
            cut = hyphen;
            cut_w = hyphen_w;
        } else {
            l->broken = true;
        }
        if (!text_add_line(l, cap, start, cut, cut_w))
            return false;
        start += cut;
        len -= cut;
    }
}

static void
text_layout_free(TextLayout *l)
{
    if (l->text != NULL) {
        sodium_memzero(l->text, l->text_len);
        free(l->text);
    }
    free(l->lines);
    memset(l, 0, sizeof *l);
}

/* The cached layout of s at (px, bold, w), computed on first use. */
static TextLayout *
text_layout(Text *t, const char *s, int px, bool bold, int w)
{
    uint64_t key = text_hash(s, strnlen(s, TEXT_MAX_INPUT), 0xcbf29ce484222325ULL);
    int params[3] = {px, bold, w};
    TextLayout *slot = NULL;

    key = text_hash(params, sizeof params, key);
    for (int i = 0; i < TEXT_MAX_LAYOUTS; i++) {
        TextLayout *l = &t->layouts[i];
        if (l->text != NULL && l->key == key) {
            l->last_used = t->frame;
            return l;
        }
        if (slot == NULL ||
            (slot->text != NULL && (l->text == NULL || l->last_used < slot->last_used)))
            slot = l;
    }
    text_layout_free(slot);
    TextFont *f = text_font(t, px, bold);
    TextLayout *l = slot;
    int cap = 0;
    l->key = key;
    l->last_used = t->frame;
    if ((l->text = text_sanitize(s, &l->text_len)) == NULL)
        return NULL;
    fontchain_scan(f->chain, l->text, l->text_len, &l->missing, &l->fonts);

    /* Greedy fill: a line takes words while they fit. Only U+0020 and '\n'
     * break; U+00A0 keeps its neighbours together. */
    const char *p = l->text;
    int n = (int)l->text_len;
    int line_start = 0, line_end = 0, line_w = 0;
    bool line_empty = true;
    int i = 0;
    while (i <= n) {
        if (i == n || p[i] == '\n') {
            if (!text_add_line(l, &cap, line_start, line_end - line_start, line_w))
                goto fail;
            line_start = line_end = i + 1;
            line_w = 0;
            line_empty = true;
            i++;
            continue;
        }
        if (p[i] == ' ') {
            i++;
            continue;
        }
        int ws = i;
        while (i < n && p[i] != ' ' && p[i] != '\n')
            i++;
        int ww = text_measure(f, p + ws, (size_t)(i - ws));
        if (line_empty) {
            line_start = ws;
        } else if (line_w + f->space_w + ww <= w) {
            line_w += f->space_w + ww;
            line_end = i;
            continue;
        } else {
            if (!text_add_line(l, &cap, line_start, line_end - line_start, line_w))
                goto fail;
            line_start = ws;
        }
        if (ww > w) {
            int rs, rl, rw;
            if (!text_break_word(l, &cap, f, ws, i - ws, w, &rs, &rl, &rw))
                goto fail;
            line_start = rs;
            ww = rw;
        }
        line_w = ww;
        line_end = i;
        line_empty = false;
    }
    /* Each paragraph (between '\n') takes its direction from its first
     * strong character, and its lines with it. */
    for (int k = 0, par = -1; k < l->nlines; k++) {
        int a = l->lines[k].start, b = a;
        while (a > 0 && p[a - 1] != '\n')
            a--;
        if (a == par) {
            l->lines[k].rtl = l->lines[k - 1].rtl;
            continue;
        }
        while (b < n && p[b] != '\n')
            b++;
        par = a;
        l->lines[k].rtl = fontchain_is_rtl(p + a, (size_t)(b - a));
    }
    return l;
fail:
    text_layout_free(l);
    return NULL;
}

int
text_para_height(Text *t, int px, bool bold, const char *s, int w)
{
    TextLayout *l = text_layout(t, s, px, bold, w);

    return l == NULL ? 0 : l->nlines * text_line_height(t, px, bold);
}

static void
text_texture_free(Text *t, TextTexture *e)
{
    if (e->tex != NULL) {
        SDL_DestroyTexture(e->tex);
        t->texture_bytes -= (size_t)e->w * (size_t)e->h * 4;
    }
    memset(e, 0, sizeof *e);
}

static TextTexture *
text_texture(Text *t, const char *s, size_t len, int px, bool bold, SDL_Color c, bool rtl)
{
    uint64_t key = text_hash(s, len, 0xcbf29ce484222325ULL);
    int params[4] = {px, bold, (int)((Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b), rtl};
    TextTexture *slot = NULL;

    key = text_hash(params, sizeof params, key);
    for (int i = 0; i < TEXT_MAX_TEXTURES; i++) {
        TextTexture *e = &t->textures[i];
        if (e->tex != NULL && e->key == key) {
            e->last_used = t->frame;
            return e;
        }
        if (slot == NULL ||
            (slot->tex != NULL && (e->tex == NULL || e->last_used < slot->last_used)))
            slot = e;
    }
    text_texture_free(t, slot);

    char stackbuf[1024];
    char *buf = len < sizeof stackbuf ? stackbuf : malloc(len + 1);
    if (buf == NULL)
        return NULL;
    memcpy(buf, s, len);
    buf[len] = '\0';
    int dy = 0;
    SDL_Surface *surf = fontchain_render(text_font(t, px, bold)->chain, buf, len, rtl, c, &dy);
    sodium_memzero(buf, len);
    if (buf != stackbuf)
        free(buf);
    if (surf == NULL)
        return NULL;
    slot->tex = SDL_CreateTextureFromSurface(t->r, surf);
    slot->w = surf->w;
    slot->h = surf->h;
    slot->dy = dy;
    SDL_FreeSurface(surf);
    if (slot->tex == NULL) {
        memset(slot, 0, sizeof *slot);
        return NULL;
    }
    SDL_SetTextureBlendMode(slot->tex, SDL_BLENDMODE_BLEND);
    slot->key = key;
    slot->last_used = t->frame;
    t->texture_bytes += (size_t)slot->w * (size_t)slot->h * 4;
    return slot;
}

static void
text_note_drawn(Text *t, const char *s, size_t len)
{
    if (t->drawn_len + len + 1 > t->drawn_cap) {
        size_t ncap = (t->drawn_len + len + 1) * 2;
        char *nd = malloc(ncap);
        if (nd == NULL)
            return;
        if (t->drawn != NULL) {
            memcpy(nd, t->drawn, t->drawn_len);
            sodium_memzero(t->drawn, t->drawn_cap);
            free(t->drawn);
        }
        t->drawn = nd;
        t->drawn_cap = ncap;
    }
    memcpy(t->drawn + t->drawn_len, s, len);
    t->drawn[t->drawn_len + len] = '\0';
    t->drawn_len += len + 1;
}

static void
text_blit(Text *t, TextTexture *e, int x, int y, const SDL_Rect *box)
{
    SDL_Rect src = {0, 0, e->w, e->h}, dst = {x, y + e->dy, e->w, e->h};

    if (box != NULL && dst.x + dst.w > box->x + box->w) {
        src.w = dst.w = box->x + box->w - dst.x;
        if (dst.w <= 0)
            return;
    }
    SDL_RenderCopy(t->r, e->tex, &src, &dst);
}

/* Records where a text went (for the layout check). The head is the first
 * characters at a character boundary; runs are zeroed every frame like the
 * drawn texts, since they may hold a name. */
static void
text_note_run(Text *t, const char *s, size_t len, SDL_Rect box, SDL_Rect ink, unsigned flags,
              int missing, unsigned fonts)
{
    if (t->nruns == t->runs_cap) {
        int ncap = t->runs_cap ? t->runs_cap * 2 : 64;
        TextRun *nr = realloc(t->runs, sizeof *nr * (size_t)ncap);
        if (nr == NULL)
            return;
        t->runs = nr;
        t->runs_cap = ncap;
    }
    TextRun *r = &t->runs[t->nruns++];
    memset(r, 0, sizeof *r);
    r->box = box;
    r->ink = ink;
    r->clip = t->clip;
    r->has_clip = t->has_clip;
    r->flags = flags;
    r->missing = missing;
    r->fonts = fonts;
    memcpy(r->owner, t->owner, sizeof r->owner);
    size_t n = len < sizeof r->head - 1 ? len : sizeof r->head - 1;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(r->head, s, n);
    for (size_t i = 0; i < n; i++)
        if (r->head[i] == '\n' || r->head[i] == '\t')
            r->head[i] = ' ';
}

/* Where a line width wide starts in the box x..x+w under alignment a, TEXT_START
 * resolved for a line that reads right to left (rtl) or not. */
static int
text_align_x(TextAlign a, bool rtl, int x, int w, int width)
{
    if (a == TEXT_START)
        a = rtl ? TEXT_RIGHT : TEXT_LEFT;
    return a == TEXT_CENTER ? x + (w - width) / 2 : a == TEXT_RIGHT ? x + w - width : x;
}

int
text_para(Text *t, const TextStyle *st, const char *s, int x, int y, int w)
{
    TextLayout *l = text_layout(t, s, st->px, st->bold, w);
    int lh = text_line_height(t, st->px, st->bold);
    int x0 = x + w, x1 = x;

    if (l == NULL)
        return 0;
    text_note_drawn(t, l->text, l->text_len);
    for (int i = 0; i < l->nlines; i++) {
        const TextLine *ln = &l->lines[i];
        int ly = y + i * lh;
        if (ln->len == 0)
            continue;
        int lx = text_align_x(st->align, ln->rtl, x, w, ln->width);
        x0 = lx < x0 ? lx : x0;
        x1 = lx + ln->width > x1 ? lx + ln->width : x1;
        if (t->has_clip && (ly + lh < t->clip.y || ly > t->clip.y + t->clip.h))
            continue;
        if (t->no_raster)
            continue;
        TextTexture *e = text_texture(t, l->text + ln->start, (size_t)ln->len, st->px, st->bold,
                                      st->color, ln->rtl);
        if (e == NULL)
            continue;
        lx = text_align_x(st->align, ln->rtl, x, w, e->w);
        text_blit(t, e, lx, ly, NULL);
    }
    if (x1 > x0)
        text_note_run(t, l->text, l->text_len, (SDL_Rect){x, y, w, l->nlines * lh},
                      (SDL_Rect){x0, y, x1 - x0, l->nlines * lh},
                      l->broken ? TEXT_RUN_BROKEN : 0, l->missing, l->fonts);
    return l->nlines * lh;
}

/* The size text_heading() draws s at: the largest from px down to 5/8 of it
 * (never below 20 px, the least any kiosk text may be) at which no word is
 * broken inside; else that least size. */
static int
text_heading_px(Text *t, int px, bool bold, const char *s, int w)
{
    int least = px * 5 / 8 > 20 ? px * 5 / 8 : px < 20 ? px : 20;

    for (int p = px; p > least; p--) {
        TextLayout *l = text_layout(t, s, p, bold, w);
        if (l == NULL || !l->broken)
            return p;
    }
    return least;
}

int
text_heading_height(Text *t, int px, bool bold, const char *s, int w)
{
    return text_para_height(t, text_heading_px(t, px, bold, s, w), bold, s, w);
}

bool
text_heading_fits(Text *t, int px, bool bold, const char *s, int w)
{
    TextLayout *l = text_layout(t, s, text_heading_px(t, px, bold, s, w), bold, w);

    return l != NULL && !l->broken;
}

int
text_heading(Text *t, const TextStyle *st, const char *s, int x, int y, int w)
{
    TextStyle fit = *st;
    int before = t->nruns, h;

    fit.px = text_heading_px(t, st->px, st->bold, s, w);
    h = text_para(t, &fit, s, x, y, w);
    if (t->nruns > before)
        t->runs[t->nruns - 1].flags |= TEXT_RUN_HEADING;
    return h;
}

int
text_width(Text *t, int px, bool bold, const char *s)
{
    size_t len;
    char *clean = text_sanitize(s, &len);
    int w;

    if (clean == NULL)
        return 0;
    w = text_measure(text_font(t, px, bold), clean, len);
    sodium_memzero(clean, len);
    free(clean);
    return w;
}

int
text_line(Text *t, const TextStyle *st, const char *s, int x, int y, int w)
{
    size_t len;
    char *clean = text_sanitize(s, &len);
    int tw = 0;

    if (clean == NULL)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (clean[i] == '\n')
            clean[i] = ' ';
    text_note_drawn(t, clean, len);
    if (len > 0) {
        bool rtl = fontchain_is_rtl(clean, len);
        TextTexture *e =
            t->no_raster ? NULL : text_texture(t, clean, len, st->px, st->bold, st->color, rtl);
        int lh = text_line_height(t, st->px, st->bold);
        tw = e != NULL ? e->w : text_measure(text_font(t, st->px, st->bold), clean, len);
        int lx = text_align_x(st->align, rtl, x, w, tw);
        if (lx < x)
            lx = x;
        if (e != NULL) {
            SDL_Rect box = {x, y, w, e->h};
            text_blit(t, e, lx, y, &box);
        }
        int missing;
        unsigned fonts;
        fontchain_scan(text_font(t, st->px, st->bold)->chain, clean, len, &missing, &fonts);
        text_note_run(t, clean, len, (SDL_Rect){x, y, w, lh}, (SDL_Rect){lx, y, tw, lh},
                      lx + tw > x + w ? TEXT_RUN_CLIPPED : 0, missing, fonts);
    }
    sodium_memzero(clean, len);
    free(clean);
    return tw;
}

bool
text_is_rtl(const char *s)
{
    return fontchain_is_rtl(s, strnlen(s, TEXT_MAX_INPUT));
}

int
text_caret_x(Text *t, const TextStyle *st, const char *s)
{
    size_t len;
    char *clean = text_sanitize(s, &len);
    int x;

    if (clean == NULL)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (clean[i] == '\n')
            clean[i] = ' ';
    x = fontchain_caret(text_font(t, st->px, st->bold)->chain, clean, len,
                        fontchain_is_rtl(clean, len));
    sodium_memzero(clean, len);
    free(clean);
    return x;
}

int
text_line_rise(Text *t, const TextStyle *st, const char *s)
{
    size_t len;
    char *clean = text_sanitize(s, &len);
    int rise = 0;

    if (clean == NULL)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (clean[i] == '\n')
            clean[i] = ' ';
    if (len > 0) {
        TextTexture *e = text_texture(t, clean, len, st->px, st->bold, st->color,
                                      fontchain_is_rtl(clean, len));
        rise = e != NULL && e->dy < 0 ? -e->dy : 0;
    }
    sodium_memzero(clean, len);
    free(clean);
    return rise;
}

void
text_set_clip(Text *t, const SDL_Rect *clip)
{
    t->has_clip = clip != NULL;
    if (clip != NULL)
        t->clip = *clip;
}

bool
text_get_clip(const Text *t, SDL_Rect *out)
{
    if (t->has_clip)
        *out = t->clip;
    return t->has_clip;
}

void
text_set_owner(Text *t, const char *id)
{
    snprintf(t->owner, sizeof t->owner, "%s", id != NULL ? id : "");
}

int
text_run_count(const Text *t)
{
    return t->nruns;
}

const TextRun *
text_run_at(const Text *t, int i)
{
    return i >= 0 && i < t->nruns ? &t->runs[i] : NULL;
}

void
text_set_rasterise(Text *t, bool on)
{
    t->no_raster = !on;
}

void
text_frame_begin(Text *t)
{
    t->frame++;
    if (t->drawn != NULL)
        sodium_memzero(t->drawn, t->drawn_len);
    t->drawn_len = 0;
    if (t->runs != NULL)
        sodium_memzero(t->runs, sizeof *t->runs * (size_t)t->nruns);
    t->nruns = 0;
    t->owner[0] = '\0';
    while (t->texture_bytes > TEXT_TEXTURE_BUDGET) {
        TextTexture *old = NULL;
        for (int i = 0; i < TEXT_MAX_TEXTURES; i++)
            if (t->textures[i].tex != NULL &&
                (old == NULL || t->textures[i].last_used < old->last_used))
                old = &t->textures[i];
        if (old == NULL || old->last_used + 1 >= t->frame)
            break; /* everything left is on screen */
        text_texture_free(t, old);
    }
}

bool
text_frame_contains(const Text *t, const char *needle)
{
    for (size_t i = 0; i < t->drawn_len; i += strlen(t->drawn + i) + 1)
        if (strstr(t->drawn + i, needle) != NULL)
            return true;
    return false;
}

void
text_frame_each(const Text *t, void (*fn)(const char *s, void *ctx), void *ctx)
{
    for (size_t i = 0; i < t->drawn_len; i += strlen(t->drawn + i) + 1)
        fn(t->drawn + i, ctx);
}

void
text_purge(Text *t)
{
    for (int i = 0; i < TEXT_MAX_TEXTURES; i++)
        text_texture_free(t, &t->textures[i]);
    for (int i = 0; i < TEXT_MAX_LAYOUTS; i++)
        text_layout_free(&t->layouts[i]);
    if (t->drawn != NULL)
        sodium_memzero(t->drawn, t->drawn_cap);
    t->drawn_len = 0;
    if (t->runs != NULL)
        sodium_memzero(t->runs, sizeof *t->runs * (size_t)t->runs_cap);
    t->nruns = 0;
}

const char *
text_font_name(int k)
{
    return fontchain_name(k);
}

int
text_cached_textures(const Text *t)
{
    int n = 0;

    for (int i = 0; i < TEXT_MAX_TEXTURES; i++)
        n += t->textures[i].tex != NULL;
    return n;
}

void
text_destroy(Text *t)
{
    if (t == NULL)
        return;
    text_purge(t);
    free(t->drawn);
    free(t->runs);
    for (int i = 0; i < t->nfonts; i++) {
        fontchain_destroy(t->fonts[i].chain);
        TTF_CloseFont(t->fonts[i].font);
    }
    free(t);
}
