/* isocodes: ISO 3166-1 countries and their names in the UI languages, from Debian's iso-codes
 * (iso_3166-1.json and the iso_3166-1.mo gettext catalogs), and the chooser's search. */
#include "isocodes.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "utf8.h"

#define ISOCODES_JSON_MAX (8u << 20)
#define ISOCODES_MO_MAX (4u << 20)
#define ISOCODES_NAME_MAX 128 /* characters; the longest ISO name has 44 */
#define ISOCODES_FOLD_MAX (4 * ISOCODES_NAME_MAX + 1)

typedef struct IsoCountry {
    char code[4];
    char *name[ISOCODES_MAX_LANGS]; /* per language; [0] English */
    char *fold[ISOCODES_MAX_LANGS]; /* the same, case and accents folded (isocodes_fold) */
} IsoCountry;

struct IsoCodes {
    IsoCountry *v;
    size_t n;
    char lang[ISOCODES_MAX_LANGS][8]; /* [0] is "en" */
    char problem[ISOCODES_MAX_LANGS][512];
    size_t n_langs;
    size_t *order[ISOCODES_MAX_LANGS]; /* country indices, by folded name in that language */
};

/* ---- folding: lower case, no accents, for search and sorting ---- */

/* U+00C0..U+00FF and U+0100..U+017F by their base letter (from Unicode's
 * decompositions; æ ø ð þ ß ł đ œ by the letter they are written like). */
static const char latin1_base[] = "aaaaaaaceeeeiiiidnooooo ouuuuytsaaaaaaaceeeeiiiidnooooo ouuuuyty";
static const char latin_a_base[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllll"
                                   "llnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* The next code point of s (advancing *s), or 0 at the end; malformed bytes
 * come out as U+FFFD one byte at a time (input is checked UTF-8 anyway). */
static uint32_t
next_cp(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t cp;
    int more;

    if (*p == 0)
        return 0;
    if (*p < 0x80) {
        *s = p + 1;
        return *p;
    }
    if ((*p & 0xE0) == 0xC0)
        cp = *p & 0x1F, more = 1;
    else if ((*p & 0xF0) == 0xE0)
        cp = *p & 0x0F, more = 2;
    else if ((*p & 0xF8) == 0xF0)
        cp = *p & 0x07, more = 3;
    else {
        *s = p + 1;
        return 0xFFFD;
    }
    for (int i = 1; i <= more; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s = p + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    *s = p + more + 1;
    return cp;
}

static uint32_t
fold_cp(uint32_t c)
{
    static const uint16_t greek_tonos[] = {
        /* U+0386..U+038F */ 0x3B1, 0, 0x3B5, 0x3B7, 0x3B9, 0, 0x3BF, 0, 0x3C5, 0x3C9};

    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c >= 0xC0 && c <= 0xFF)
        return (unsigned char)latin1_base[c - 0xC0];
    if (c >= 0x100 && c <= 0x17F)
        return (unsigned char)latin_a_base[c - 0x100];
    if (c >= 0x386 && c <= 0x38F && greek_tonos[c - 0x386] != 0)
        return greek_tonos[c - 0x386];
    if (c >= 0x391 && c <= 0x3A9)
        c += 0x20;
    switch (c) {
    case 0x390: case 0x3AA: case 0x3AF: case 0x3CA: return 0x3B9; /* ι */
    case 0x3B0: case 0x3AB: case 0x3CB: case 0x3CD: return 0x3C5; /* υ */
    case 0x3AC: return 0x3B1;
    case 0x3AD: return 0x3B5;
    case 0x3AE: return 0x3B7;
    case 0x3CC: return 0x3BF;
    case 0x3CE: return 0x3C9;
    case 0x3C2: return 0x3C3; /* final sigma */
    default: break;
    }
    if (c >= 0x410 && c <= 0x42F)
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    return c;
}

static size_t
put_cp(char *out, size_t at, size_t cap, uint32_t c)
{
    unsigned char b[4];
    size_t n;

    if (c < 0x80)
        b[0] = (unsigned char)c, n = 1;
    else if (c < 0x800)
        b[0] = (unsigned char)(0xC0 | c >> 6), b[1] = (unsigned char)(0x80 | (c & 0x3F)), n = 2;
    else if (c < 0x10000)
        b[0] = (unsigned char)(0xE0 | c >> 12), b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F)),
        b[2] = (unsigned char)(0x80 | (c & 0x3F)), n = 3;
    else
        b[0] = (unsigned char)(0xF0 | c >> 18), b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F)),
        b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F)), b[3] = (unsigned char)(0x80 | (c & 0x3F)),
        n = 4;
    if (at + n + 1 > cap)
        return at;
    memcpy(out + at, b, n);
    return at + n;
}

/* s folded into out (cap bytes, NUL-terminated, cut at a character):
 * combining marks dropped, letters lower case without accents. With nordic
 * (a sort key for Norwegian), æ ø å stay letters of their own, after z in
 * that order, as a Norwegian reader looks for them. */
static void
fold_into(const char *s, char *out, size_t cap, bool nordic)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t at = 0;
    uint32_t c;

    while ((c = next_cp(&p)) != 0) {
        if (c >= 0x300 && c <= 0x36F)
            continue;
        if (nordic && (c == 0xC6 || c == 0xE6))
            c = '{';
        else if (nordic && (c == 0xD8 || c == 0xF8))
            c = '|';
        else if (nordic && (c == 0xC5 || c == 0xE5))
            c = '}';
        else
            c = fold_cp(c);
        at = put_cp(out, at, cap, c);
    }
    out[at] = '\0';
}

static void
isocodes_fold(const char *s, char *out, size_t cap)
{
    fold_into(s, out, cap, false);
}

/* Whether folded query starts a word of folded name: at its start, or after
 * a space, hyphen, bracket, comma, apostrophe, full stop or slash. */
static bool
word_prefix(const char *name, const char *query, size_t qlen)
{
    for (const char *p = name; *p != '\0'; p++) {
        bool start = p == name || strchr(" -(,'./", p[-1]) != NULL;
        if (start && strncmp(p, query, qlen) == 0)
            return true;
    }
    return false;
}

/* ---- the gettext catalog (.mo) ---- */

typedef struct Mo {
    const unsigned char *d;
    size_t len;
    bool swap;
    uint32_t n, orig, trans;
} Mo;

static uint32_t
mo_u32(const Mo *mo, size_t off)
{
    const unsigned char *p = mo->d + off;

    if (mo->swap)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Checks the header and that both string tables lie in the file: false with
 * why otherwise. */
static bool
mo_open(Mo *mo, const unsigned char *d, size_t len, char *why, size_t cap)
{
    *mo = (Mo){d, len, false, 0, 0, 0};
    if (len < 28) {
        snprintf(why, cap, "shorter than a catalog header");
        return false;
    }
    uint32_t magic = mo_u32(mo, 0);
    if (magic == 0xde120495u)
        mo->swap = true;
    else if (magic != 0x950412deu) {
        snprintf(why, cap, "not a gettext catalog (bad magic number)");
        return false;
    }
    if (mo_u32(mo, 4) >> 16 > 1) {
        snprintf(why, cap, "catalog revision %u is unknown", (unsigned)(mo_u32(mo, 4) >> 16));
        return false;
    }
    mo->n = mo_u32(mo, 8);
    mo->orig = mo_u32(mo, 12);
    mo->trans = mo_u32(mo, 16);
    if (mo->n > len / 16 || mo->orig > len - 8 * (size_t)mo->n ||
        mo->trans > len - 8 * (size_t)mo->n) {
        snprintf(why, cap, "string tables run past the end of the file");
        return false;
    }
    return true;
}

/* String k of the table at tab, or NULL if it does not lie in the file with
 * its NUL; *len_out its length. */
static const char *
mo_string(const Mo *mo, uint32_t tab, uint32_t k, size_t *len_out)
{
    uint32_t l = mo_u32(mo, tab + 8 * (size_t)k), off = mo_u32(mo, tab + 8 * (size_t)k + 4);

    if (off >= mo->len || l >= mo->len - off || mo->d[off + l] != '\0')
        return NULL;
    *len_out = l;
    return (const char *)mo->d + off;
}

/* The translation of msgid, or NULL when the catalog has none (or a broken
 * or empty one). Borrowed from the catalog's bytes. Tables are searched
 * linearly: a catalog that is not sorted still works. */
static const char *
mo_get(const Mo *mo, const char *msgid)
{
    size_t want = strlen(msgid), l;

    for (uint32_t k = 0; k < mo->n; k++) {
        const char *s = mo_string(mo, mo->orig, k, &l);
        if (s == NULL || l != want || memcmp(s, msgid, l) != 0)
            continue;
        const char *t = mo_string(mo, mo->trans, k, &l);
        if (t == NULL || l == 0 || utf8_check(t, l, ISOCODES_NAME_MAX, false, NULL, NULL) != UTF8_OK)
            return NULL;
        return t;
    }
    return NULL;
}

/* ---- loading ---- */

void
isocodes_free(IsoCodes *codes)
{
    if (codes == NULL)
        return;
    for (size_t i = 0; i < codes->n; i++)
        for (size_t l = 0; l < codes->n_langs; l++) {
            free(codes->v[i].name[l]);
            free(codes->v[i].fold[l]);
        }
    for (size_t l = 0; l < codes->n_langs; l++)
        free(codes->order[l]);
    free(codes->v);
    free(codes);
}

static int
by_code(const void *a, const void *b)
{
    return strcmp(((const IsoCountry *)a)->code, ((const IsoCountry *)b)->code);
}

/* qsort has no context argument: the language being sorted. */
static const IsoCodes *sort_codes;
static size_t sort_lang;

static int
by_folded_name(const void *a, const void *b)
{
    const IsoCountry *x = &sort_codes->v[*(const size_t *)a], *y = &sort_codes->v[*(const size_t *)b];
    const char *lang = sort_codes->lang[sort_lang];
    bool nordic = strcmp(lang, "nb") == 0 || strcmp(lang, "nn") == 0 || strcmp(lang, "da") == 0;
    char kx[ISOCODES_FOLD_MAX], ky[ISOCODES_FOLD_MAX];

    fold_into(x->name[sort_lang], kx, sizeof kx, nordic);
    fold_into(y->name[sort_lang], ky, sizeof ky, nordic);
    int c = strcmp(kx, ky);
    return c != 0 ? c : strcmp(x->code, y->code);
}

static CkErr
set_name(IsoCountry *c, size_t lang, const char *name)
{
    char fold[ISOCODES_FOLD_MAX];

    isocodes_fold(name, fold, sizeof fold);
    if ((c->name[lang] = strdup(name)) == NULL || (c->fold[lang] = strdup(fold)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    return CK_OK;
}

static CkErr
read_countries(IsoCodes *codes, const char *path, json_t **msgids_out)
{
    unsigned char *buf = NULL;
    size_t len;
    json_t *root = NULL, *list, *msgids = NULL;
    json_error_t jerr;
    CkErr err;

    if ((err = fileio_read(path, ISOCODES_JSON_MAX, &buf, &len)) != CK_OK) {
        if (err == CK_ERR_NOT_FOUND)
            err = ck_err(err, "%s: no such file (is Debian's iso-codes package installed?)", path);
        goto out;
    }
    if ((root = json_loadb((const char *)buf, len, 0, &jerr)) == NULL) {
        err = ck_err(CK_ERR_FORMAT, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
        goto out;
    }
    list = json_object_get(root, "3166-1");
    if (!json_is_array(list) || json_array_size(list) == 0) {
        err = ck_err(CK_ERR_FORMAT, "%s: no \"3166-1\" list of countries", path);
        goto out;
    }
    if (json_array_size(list) > ISOCODES_MAX_COUNTRIES) {
        err = ck_err(CK_ERR_TOO_LARGE, "%s: more than %d countries", path, ISOCODES_MAX_COUNTRIES);
        goto out;
    }
    if ((codes->v = calloc(json_array_size(list), sizeof *codes->v)) == NULL ||
        (msgids = json_array()) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* Each country's msgids for the catalogs: its common name (preferred),
     * then its name. */
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *e = json_array_get(list, i);
        const char *code = json_string_value(json_object_get(e, "alpha_3"));
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *common = json_string_value(json_object_get(e, "common_name"));
        IsoCountry *c = &codes->v[codes->n];

        if (code == NULL || strlen(code) != 3 || code[0] < 'A' || code[0] > 'Z' ||
            code[1] < 'A' || code[1] > 'Z' || code[2] < 'A' || code[2] > 'Z') {
            err = ck_err(CK_ERR_FORMAT, "%s: country %zu has no three-letter \"alpha_3\" code",
                         path, i + 1);
            goto out;
        }
        if (name == NULL || *name == '\0' ||
            utf8_check(name, strlen(name), ISOCODES_NAME_MAX, false, NULL, NULL) != UTF8_OK ||
            (common != NULL &&
             (*common == '\0' || utf8_check(common, strlen(common), ISOCODES_NAME_MAX, false, NULL,
                                            NULL) != UTF8_OK))) {
            err = ck_err(CK_ERR_FORMAT, "%s: country %s has no usable \"name\"", path, code);
            goto out;
        }
        memcpy(c->code, code, 4);
        if ((err = set_name(c, 0, common != NULL ? common : name)) != CK_OK)
            goto out;
        codes->n++;
        if (json_array_append_new(msgids, json_pack("[sss]", code, common ? common : name, name)) !=
            0) {
            err = ck_err(CK_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    qsort(codes->v, codes->n, sizeof *codes->v, by_code);
    for (size_t i = 1; i < codes->n; i++)
        if (strcmp(codes->v[i - 1].code, codes->v[i].code) == 0) {
            err = ck_err(CK_ERR_FORMAT, "%s: country %s is listed twice", path, codes->v[i].code);
            goto out;
        }
    *msgids_out = msgids;
    msgids = NULL;
out:
    json_decref(msgids);
    json_decref(root);
    free(buf);
    return err;
}

/* Names in language l from its catalog; without a usable catalog, the
 * English names and a problem saying why. */
static CkErr
read_catalog(IsoCodes *codes, size_t l, const char *locale_dir, const json_t *msgids)
{
    char path[4096], why[160] = "";
    unsigned char *buf = NULL;
    size_t len = 0;
    Mo mo;
    CkErr err = CK_OK;
    bool ok;

    snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/iso_3166-1.mo", locale_dir, codes->lang[l]);
    err = fileio_read(path, ISOCODES_MO_MAX, &buf, &len);
    if (err == CK_ERR_NOMEM)
        goto out;
    ok = err == CK_OK && mo_open(&mo, buf, len, why, sizeof why);
    if (err != CK_OK)
        snprintf(why, sizeof why, "%s", err == CK_ERR_NOT_FOUND ? "no such file" : ck_err_detail());
    ck_err_clear();
    err = CK_OK;
    if (!ok)
        snprintf(codes->problem[l], sizeof codes->problem[l], "%.300s: %.150s: country names in English",
                 path, why);
    for (size_t k = 0; k < json_array_size(msgids); k++) {
        const json_t *m = json_array_get(msgids, k);
        const char *code = json_string_value(json_array_get(m, 0));
        const char *t = NULL;
        IsoCountry key, *c;

        memcpy(key.code, code, 4);
        c = bsearch(&key, codes->v, codes->n, sizeof *codes->v, by_code);
        if (ok)
            t = mo_get(&mo, json_string_value(json_array_get(m, 1)));
        if (ok && t == NULL)
            t = mo_get(&mo, json_string_value(json_array_get(m, 2)));
        if ((err = set_name(c, l, t != NULL ? t : c->name[0])) != CK_OK)
            goto out;
    }
out:
    free(buf);
    return err;
}

CkErr
isocodes_load(const char *json_path, const char *locale_dir, const char *const *langs,
              size_t n_langs, IsoCodes **out)
{
    IsoCodes *codes;
    json_t *msgids = NULL;
    CkErr err;

    *out = NULL;
    if (json_path == NULL || locale_dir == NULL || (n_langs > 0 && langs == NULL))
        return ck_err(CK_ERR_USAGE, "isocodes: no file or languages given");
    if ((codes = calloc(1, sizeof *codes)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    snprintf(codes->lang[0], sizeof codes->lang[0], "en");
    codes->n_langs = 1;
    for (size_t i = 0; i < n_langs; i++) {
        bool dup = false;
        for (size_t l = 0; l < codes->n_langs; l++)
            dup = dup || strcmp(codes->lang[l], langs[i]) == 0;
        if (dup)
            continue;
        /* A language code names a folder: nothing but letters, '_' and '@'. */
        if (strlen(langs[i]) == 0 || strlen(langs[i]) >= sizeof codes->lang[0] ||
            strspn(langs[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_@") !=
                strlen(langs[i])) {
            err = ck_err(CK_ERR_USAGE, "isocodes: \"%.16s\" is not a language code", langs[i]);
            goto out;
        }
        if (codes->n_langs == ISOCODES_MAX_LANGS) {
            err = ck_err(CK_ERR_TOO_LARGE, "isocodes: more than %d languages", ISOCODES_MAX_LANGS);
            goto out;
        }
        snprintf(codes->lang[codes->n_langs++], sizeof codes->lang[0], "%s", langs[i]);
    }
    if ((err = read_countries(codes, json_path, &msgids)) != CK_OK)
        goto out;
    for (size_t l = 1; l < codes->n_langs; l++)
        if ((err = read_catalog(codes, l, locale_dir, msgids)) != CK_OK)
            goto out;
    for (size_t l = 0; l < codes->n_langs; l++) {
        if ((codes->order[l] = malloc(codes->n * sizeof *codes->order[l])) == NULL) {
            err = ck_err(CK_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < codes->n; i++)
            codes->order[l][i] = i;
        sort_codes = codes;
        sort_lang = l;
        qsort(codes->order[l], codes->n, sizeof *codes->order[l], by_folded_name);
    }
    *out = codes;
    codes = NULL;
out:
    json_decref(msgids);
    isocodes_free(codes);
    return err;
}

/* ---- look-ups ---- */

static size_t
lang_index(const IsoCodes *codes, const char *lang)
{
    for (size_t l = 0; lang != NULL && l < codes->n_langs; l++)
        if (strcmp(codes->lang[l], lang) == 0)
            return l;
    return 0;
}

size_t
isocodes_count(const IsoCodes *codes)
{
    return codes != NULL ? codes->n : 0;
}

const char *
isocodes_code(const IsoCodes *codes, size_t i)
{
    return i < codes->n ? codes->v[i].code : NULL;
}

const char *
isocodes_name(const IsoCodes *codes, size_t i, const char *lang)
{
    return i < codes->n ? codes->v[i].name[lang_index(codes, lang)] : NULL;
}

const char *
isocodes_name_of(const IsoCodes *codes, const char *code, const char *lang)
{
    IsoCountry key;
    const IsoCountry *c;

    if (codes == NULL || code == NULL || strlen(code) != 3)
        return NULL;
    memcpy(key.code, code, 4);
    c = bsearch(&key, codes->v, codes->n, sizeof *codes->v, by_code);
    return c != NULL ? c->name[lang_index(codes, lang)] : NULL;
}

const char *
isocodes_catalog_problem(const IsoCodes *codes, const char *lang)
{
    size_t l = lang_index(codes, lang);

    return codes->problem[l][0] != '\0' ? codes->problem[l] : NULL;
}

size_t
isocodes_search(const IsoCodes *codes, const char *lang, const char *query, size_t *out,
                size_t cap)
{
    char q[ISOCODES_FOLD_MAX], code[4];
    size_t l = lang_index(codes, lang), found = 0, qlen;

    if (codes == NULL)
        return 0;
    if (query == NULL)
        query = "";
    if (strlen(query) > 4 * ISOCODES_QUERY_MAX)
        return 0;
    isocodes_fold(query, q, sizeof q);
    /* Spaces around what was typed mean nothing. */
    char *qs = q;
    while (*qs == ' ')
        qs++;
    qlen = strlen(qs);
    while (qlen > 0 && qs[qlen - 1] == ' ')
        qs[--qlen] = '\0';
    for (size_t k = 0; k < codes->n; k++) {
        const IsoCountry *c = &codes->v[codes->order[l][k]];
        bool hit = qlen == 0;
        if (!hit) {
            for (int j = 0; j < 4; j++)
                code[j] = (char)(c->code[j] >= 'A' && c->code[j] <= 'Z' ? c->code[j] + 32 : c->code[j]);
            hit = (qlen <= 3 && strncmp(code, qs, qlen) == 0) || word_prefix(c->fold[l], qs, qlen) ||
                  word_prefix(c->fold[0], qs, qlen);
        }
        if (!hit)
            continue;
        if (found < cap)
            out[found] = codes->order[l][k];
        found++;
    }
    return found;
}
