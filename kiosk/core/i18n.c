/* i18n: loads and validates UI string files; look-ups fall back to English. */
#include "i18n.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "utf8.h"

struct I18n {
    json_t *lang; /* the language's object */
    json_t *en;   /* English, the fallback */
    char code[4];
    bool draft;
};

static CkErr
check_object(const char *name, const json_t *root)
{
    const char *key;
    json_t *val;

    if (!json_is_object(root))
        return ck_err(CK_ERR_FORMAT, "%s: the top level must be an object", name);
    json_object_foreach((json_t *)root, key, val)
    {
        size_t klen = strlen(key), chars, off;
        Utf8Problem problem;

        if (strcmp(key, "_draft") == 0) {
            if (!json_is_boolean(val))
                return ck_err(CK_ERR_FORMAT, "%s: _draft: must be true or false", name);
            continue;
        }
        if (key[0] == '_') {
            if (!json_is_string(val))
                return ck_err(CK_ERR_FORMAT, "%s: %s: must be a string", name, key);
            continue;
        }
        if (klen == 0 || klen > I18N_MAX_KEY_LEN)
            return ck_err(CK_ERR_FORMAT, "%s: key \"%.64s\": 1 to %d characters", name, key,
                          I18N_MAX_KEY_LEN);
        for (size_t i = 0; i < klen; i++) {
            char ch = key[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
                  ch == '-'))
                return ck_err(CK_ERR_FORMAT, "%s: key \"%s\": only a-z 0-9 . _ - allowed", name,
                              key);
        }
        if (!json_is_string(val))
            return ck_err(CK_ERR_FORMAT, "%s: %s: must be a string", name, key);
        problem = utf8_check(json_string_value(val), json_string_length(val), I18N_MAX_CHARS, true,
                             &chars, &off);
        if (problem == UTF8_TOO_LONG)
            return ck_err(CK_ERR_TOO_LARGE, "%s: %s: %zu characters, at most %d", name, key, chars,
                          I18N_MAX_CHARS);
        if (problem != UTF8_OK)
            return ck_err(CK_ERR_FORMAT, "%s: %s: %s (at byte %zu)", name, key,
                          utf8_problem_str(problem), off);
    }
    return CK_OK;
}

static CkErr
parse(const char *name, const unsigned char *data, size_t len, json_t **root_out)
{
    json_error_t jerr;
    json_t *root;
    CkErr err;

    *root_out = NULL;
    if (len > I18N_MAX_FILE_BYTES)
        return ck_err(CK_ERR_TOO_LARGE, "%s: larger than %d bytes", name, I18N_MAX_FILE_BYTES);
    root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return ck_err(CK_ERR_FORMAT, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
    if ((err = check_object(name, root)) != CK_OK) {
        json_decref(root);
        return err;
    }
    *root_out = root;
    return CK_OK;
}

CkErr
i18n_check(const char *name, const unsigned char *data, size_t len)
{
    json_t *root;
    CkErr err = parse(name, data, len, &root);

    json_decref(root);
    return err;
}

static CkErr
load_file(const char *dir, const char *lang, json_t **root_out)
{
    char file[16];
    char *path;
    unsigned char *data = NULL;
    size_t len;
    CkErr err;

    snprintf(file, sizeof file, "%s.json", lang);
    if ((path = fileio_join(dir, file)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    err = fileio_read(path, I18N_MAX_FILE_BYTES, &data, &len);
    if (err == CK_ERR_NOT_FOUND)
        err = ck_err(err, "%s: no UI strings for language \"%s\"", path, lang);
    else if (err == CK_ERR_TOO_LARGE)
        err = ck_err(err, "%s: larger than %d bytes", path, I18N_MAX_FILE_BYTES);
    if (err == CK_OK)
        err = parse(path, data, len, root_out);
    free(data);
    free(path);
    return err;
}

CkErr
i18n_load(const char *dir, const char *lang, I18n **i18n_out)
{
    I18n *t;
    size_t n = lang != NULL ? strlen(lang) : 0;
    CkErr err;

    *i18n_out = NULL;
    if (n < 2 || n > 3 || strspn(lang, "abcdefghijklmnopqrstuvwxyz") != n)
        return ck_err(CK_ERR_USAGE, "\"%s\" is not a language code", lang ? lang : "");
    if ((t = calloc(1, sizeof *t)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    memcpy(t->code, lang, n + 1);
    if ((err = load_file(dir, "en", &t->en)) != CK_OK)
        goto out;
    if (strcmp(lang, "en") == 0)
        t->lang = json_incref(t->en);
    else if ((err = load_file(dir, lang, &t->lang)) != CK_OK)
        goto out;
    t->draft = json_is_true(json_object_get(t->lang, "_draft"));
    *i18n_out = t;
    t = NULL;
out:
    i18n_free(t);
    return err;
}

void
i18n_free(I18n *i18n)
{
    if (i18n == NULL)
        return;
    json_decref(i18n->lang);
    json_decref(i18n->en);
    free(i18n);
}

const char *
i18n_get(const I18n *i18n, const char *key)
{
    const json_t *v;

    if (i18n == NULL || key == NULL || key[0] == '_')
        return key != NULL ? key : "";
    if ((v = json_object_get(i18n->lang, key)) != NULL)
        return json_string_value(v);
    if ((v = json_object_get(i18n->en, key)) != NULL)
        return json_string_value(v);
    return key;
}

bool
i18n_has(const I18n *i18n, const char *key)
{
    return key[0] != '_' && json_object_get(i18n->lang, key) != NULL;
}

const char *
i18n_language(const I18n *i18n)
{
    return i18n->code;
}

bool
i18n_draft(const I18n *i18n)
{
    return i18n->draft;
}

size_t
i18n_missing(const I18n *i18n)
{
    const char *key;
    json_t *val;
    size_t missing = 0;

    json_object_foreach(i18n->en, key, val)
    {
        if (key[0] != '_' && json_object_get(i18n->lang, key) == NULL)
            missing++;
    }
    return missing;
}

bool
i18n_expand(const char *tmpl, const char *const *names, const char *const *values, size_t n,
            char *out, size_t cap)
{
    size_t o = 0;
    bool fits = true;

    if (cap == 0)
        return false;
    while (*tmpl != '\0') {
        const char *piece = tmpl;
        size_t plen = 1, skip = 1;

        if (*tmpl == '{') {
            for (size_t i = 0; i < n; i++) {
                size_t nl = strlen(names[i]);
                if (strncmp(tmpl + 1, names[i], nl) == 0 && tmpl[1 + nl] == '}') {
                    piece = values[i];
                    plen = strlen(values[i]);
                    skip = nl + 2;
                    break;
                }
            }
        }
        if (o + plen >= cap) {
            fits = false;
            /* cut on a character boundary */
            plen = cap - 1 - o;
            while (plen > 0 && ((unsigned char)piece[plen] & 0xc0) == 0x80)
                plen--;
            memcpy(out + o, piece, plen);
            o += plen;
            break;
        }
        memcpy(out + o, piece, plen);
        o += plen;
        tmpl += skip;
    }
    if (!fits) {
        size_t bad = o;
        /* the template is copied byte by byte: drop a character cut in two */
        if (utf8_check(out, o, (size_t)-1, true, NULL, &bad) == UTF8_BAD)
            o = bad;
    }
    out[o] = '\0';
    return fits;
}
