/* bundle: a nation's bundle is verified from bytes read once; nothing unverified is ever parsed or
 * kept. */
#include "bundle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <certkiosk/plugin.h>

#include "clock.h"
#include "codec.h"
#include "fileio.h"

typedef struct BundleFile {
    char *name; /* relative, "content/en.json" */
    unsigned char *data;
    size_t len;
} BundleFile;

struct Bundle {
    char *dir;
    json_t *manifest;
    const char *id, *version, *material_since, *nation; /* borrowed from manifest */
    char kid[KEY_ID_LEN + 1];
    char manifest_sha256[65];
    BundleFile *files;
    size_t n_files;
    const BundleFile *module;
    const char **languages; /* borrowed from manifest */
    Content **contents;     /* one per language, same order */
    size_t n_languages;
};

struct BundleSeen {
    json_t *seen; /* {"bundle id":"version"} */
};

static const char *const default_features[] = {
    BUNDLE_FEATURE_SERVICE_NUMBER_CHECK, BUNDLE_FEATURE_NATIVE_MODULE,
    BUNDLE_FEATURE_TRAINING_CONFIRMATION, BUNDLE_FEATURE_EXTRA_CLAIMS, NULL};

/* ---- versions ---- */

static bool
parse_version(const char *s, long v[3])
{
    const char *p = s;

    if (s == NULL)
        return false;
    for (int i = 0; i < 3; i++) {
        long n = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            if (++digits > 6)
                return false;
            n = n * 10 + (*p++ - '0');
        }
        if (digits == 0 || (digits > 1 && p[-digits] == '0'))
            return false;
        v[i] = n;
        if (i < 2 && *p++ != '.')
            return false;
    }
    return *p == '\0';
}

bool
bundle_version_valid(const char *s)
{
    long v[3];

    return parse_version(s, v);
}

int
bundle_version_compare(const char *a, const char *b)
{
    long va[3], vb[3];
    bool oka = parse_version(a, va), okb = parse_version(b, vb);

    if (!oka || !okb)
        return (int)oka - (int)okb;
    for (int i = 0; i < 3; i++)
        if (va[i] != vb[i])
            return va[i] < vb[i] ? -1 : 1;
    return 0;
}

/* ---- reading the folder ---- */

typedef struct FileList {
    BundleFile *v;
    size_t n, cap;
    size_t total;
} FileList;

static void
files_free(BundleFile *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].data);
    }
    free(v);
}

/* A path component: [A-Za-z0-9._-], not starting with '.', at most 100 bytes. */
static bool
component_valid(const char *s, size_t len)
{
    if (len == 0 || len > 100 || s[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* A manifest file name: components as above joined by '/', not a manifest file. */
static bool
name_valid(const char *name)
{
    const char *p = name, *slash;
    int depth = 0;

    if (strcmp(name, "manifest.json") == 0 || strcmp(name, "manifest.sig") == 0)
        return false;
    for (;;) {
        slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (!component_valid(p, len) || ++depth > BUNDLE_MAX_DEPTH)
            return false;
        if (slash == NULL)
            return true;
        p = slash + 1;
    }
}

/* Reads a regular file opened by fd, at most max bytes, NUL-terminated. */
static CkErr
read_bounded(int fd, const char *what, size_t max, unsigned char **data_out, size_t *len_out)
{
    struct stat st;
    unsigned char *buf;
    size_t len = 0;

    if (fstat(fd, &st) != 0)
        return ck_err(CK_ERR_IO, "%s: %s", what, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ck_err(CK_ERR_TAMPERED, "%s: not a regular file", what);
    if ((unsigned long long)st.st_size > max)
        return ck_err(CK_ERR_TOO_LARGE, "%s: %lld bytes is over the limit of %zu", what,
                      (long long)st.st_size, max);
    if ((buf = malloc((size_t)st.st_size + 2)) == NULL)
        return ck_err(CK_ERR_NOMEM, "%s: out of memory", what);
    /* Read one byte more than fstat said, to notice a file that grows. */
    for (;;) {
        ssize_t n = read(fd, buf + len, (size_t)st.st_size + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            return ck_err(CK_ERR_IO, "%s: %s", what, strerror(errno));
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > (size_t)st.st_size) {
            free(buf);
            return ck_err(CK_ERR_TAMPERED, "%s: changed while it was being read", what);
        }
    }
    buf[len] = '\0';
    *data_out = buf;
    *len_out = len;
    return CK_OK;
}

typedef struct Walk {
    const char *dir;         /* for messages */
    const json_t *listed;    /* manifest "files", or NULL when signing */
    const char *module_name; /* gets the larger limit */
    FileList list;
} Walk;

static CkErr walk_dir(Walk *w, int dirfd, const char *prefix, int depth);

static CkErr
walk_entry(Walk *w, int dirfd, const char *prefix, int depth, const char *ent)
{
    char rel[512];
    struct stat st;
    int fd = -1;
    CkErr err = CK_OK;

    snprintf(rel, sizeof rel, "%s%s", prefix, ent);
    if (depth == 0 && (strcmp(ent, "manifest.json") == 0 || strcmp(ent, "manifest.sig") == 0))
        return CK_OK;
    if (fstatat(dirfd, ent, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return ck_err(CK_ERR_IO, "%s: %s: %s", w->dir, rel, strerror(errno));
    if (!component_valid(ent, strlen(ent)))
        return ck_err(CK_ERR_TAMPERED,
                      "%s: file \"%s\" is not in the manifest (names use only A-Z a-z 0-9 . _ -, "
                      "not starting with a dot)",
                      w->dir, rel);
    if (S_ISDIR(st.st_mode)) {
        if (depth + 1 >= BUNDLE_MAX_DEPTH)
            return ck_err(CK_ERR_TOO_LARGE, "%s: %s: folders nested deeper than %d", w->dir, rel,
                          BUNDLE_MAX_DEPTH);
        if ((fd = openat(dirfd, ent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
            return ck_err(CK_ERR_IO, "%s: %s: %s", w->dir, rel, strerror(errno));
        strcat(rel, "/");
        err = walk_dir(w, fd, rel, depth + 1);
        close(fd);
        return err;
    }
    if (!S_ISREG(st.st_mode))
        return ck_err(CK_ERR_TAMPERED,
                      "%s: %s is a symbolic link or special file; a bundle holds only plain files",
                      w->dir, rel);
    if (w->listed != NULL && json_object_get(w->listed, rel) == NULL)
        return ck_err(CK_ERR_TAMPERED, "%s: file \"%s\" is not in the manifest", w->dir, rel);
    if (w->list.n >= BUNDLE_MAX_FILES)
        return ck_err(CK_ERR_TOO_LARGE, "%s: more than %d files", w->dir, BUNDLE_MAX_FILES);
    if (w->list.n == w->list.cap) {
        size_t ncap = w->list.cap ? w->list.cap * 2 : 16;
        BundleFile *nv = realloc(w->list.v, ncap * sizeof *nv);
        if (nv == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        w->list.v = nv;
        w->list.cap = ncap;
    }
    if ((fd = openat(dirfd, ent, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
        return ck_err(CK_ERR_IO, "%s: %s: %s", w->dir, rel, strerror(errno));
    BundleFile *f = &w->list.v[w->list.n];
    char what[600];
    snprintf(what, sizeof what, "%s: %s", w->dir, rel);
    size_t max = w->module_name != NULL && strcmp(rel, w->module_name) == 0
                     ? BUNDLE_MAX_MODULE_BYTES
                     : BUNDLE_MAX_FILE_BYTES;
    err = read_bounded(fd, what, max, &f->data, &f->len);
    close(fd);
    if (err != CK_OK)
        return err;
    if ((f->name = strdup(rel)) == NULL) {
        free(f->data);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    w->list.n++;
    if ((w->list.total += f->len) > 4 * (size_t)BUNDLE_MAX_MODULE_BYTES)
        return ck_err(CK_ERR_TOO_LARGE, "%s: the bundle is larger than %d bytes in all", w->dir,
                      4 * BUNDLE_MAX_MODULE_BYTES);
    return CK_OK;
}

/* Visits entries in name order so that the first refusal is the same on every machine. */
static CkErr
walk_dir(Walk *w, int dirfd, const char *prefix, int depth)
{
    int fd2 = dup(dirfd);
    DIR *d;
    char **names = NULL;
    size_t n = 0;
    CkErr err;

    if (fd2 < 0 || (d = fdopendir(fd2)) == NULL) {
        if (fd2 >= 0)
            close(fd2);
        return ck_err(CK_ERR_IO, "%s: %s", w->dir, strerror(errno));
    }
    err = fileio_dir_names(d, BUNDLE_MAX_FILES * 2, &names, &n);
    closedir(d);
    if (err == CK_ERR_TOO_LARGE)
        return ck_err(CK_ERR_TOO_LARGE, "%s: more than %d files", w->dir, BUNDLE_MAX_FILES);
    for (size_t i = 0; i < n && err == CK_OK; i++)
        err = walk_entry(w, dirfd, prefix, depth, names[i]);
    fileio_names_free(names, n);
    return err;
}

static CkErr
read_top(int dirfd, const char *dir, const char *name, size_t max, unsigned char **data_out,
         size_t *len_out)
{
    char what[600];
    int fd;
    CkErr err;

    snprintf(what, sizeof what, "%s: %s", dir, name);
    if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0) {
        if (errno == ENOENT)
            return ck_err(CK_ERR_NOT_FOUND, "%s: no %s", dir, name);
        if (errno == ELOOP)
            return ck_err(CK_ERR_TAMPERED, "%s is a symbolic link", what);
        return ck_err(CK_ERR_IO, "%s: %s", what, strerror(errno));
    }
    err = read_bounded(fd, what, max, data_out, len_out);
    close(fd);
    return err;
}

/* ---- the manifest ---- */

static const char *
json_error_place(const json_error_t *je, char *buf, size_t len)
{
    snprintf(buf, len, "%d:%d: %s", je->line, je->column, je->text);
    return buf;
}

static bool
nation_valid(const char *s)
{
    if (strcmp(s, "NATO") == 0)
        return true;
    if (strlen(s) != 3)
        return false;
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return true;
}

static bool
lang_valid(const char *s)
{
    size_t len = strlen(s);

    if (len < 2 || len > 3)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return false;
    return true;
}

static bool
bundle_id_valid(const char *s)
{
    size_t len = strlen(s);

    if (len < 3 || len > 64 || s[0] == '.' || s[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            return false;
    }
    return true;
}

static bool
category_valid(const char *s)
{
    return strcmp(s, "military") == 0 || strcmp(s, "civilian") == 0 || strcmp(s, "contractor") == 0;
}

/* Checks an object against a list of allowed members ("_..." comments allowed). */
static CkErr
only_members(const json_t *obj, const char *const *allowed, const char *where)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v)
    {
        bool ok = key[0] == '_';
        for (size_t i = 0; !ok && allowed[i] != NULL; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok)
            return ck_err(CK_ERR_FORMAT, "%s: unknown member \"%s\"", where, key);
    }
    return CK_OK;
}

static CkErr
check_localized(const json_t *obj, const json_t *languages, const char *where)
{
    size_t i;
    json_t *lang;

    if (!json_is_object(obj))
        return ck_err(CK_ERR_FORMAT, "%s must be an object of texts by language", where);
    json_array_foreach(languages, i, lang)
    {
        const json_t *t = json_object_get(obj, json_string_value(lang));
        if (!json_is_string(t) || json_string_length(t) == 0 || json_string_length(t) > 200)
            return ck_err(CK_ERR_FORMAT, "%s: no text for language \"%s\"", where,
                          json_string_value(lang));
    }
    return CK_OK;
}

static CkErr
check_rules(const json_t *rules, const json_t *languages, const char *m)
{
    static const char *const allowed[] = {"validity_days",         "must_certify",
                                          "pass_mark_percent",     "service_number",
                                          "training_confirmation", NULL};
    static const char *const sn_allowed[] = {"label", "min_length", "max_length", "charset", NULL};
    static const char *const tc_allowed[] = {"required", "course", NULL};
    char where[600];
    const json_t *v, *sn, *tc;
    json_t *cat;
    size_t i;
    CkErr err;

    snprintf(where, sizeof where, "%s: rules", m);
    if (!json_is_object(rules))
        return ck_err(CK_ERR_FORMAT, "%s: \"rules\" must be an object", m);
    if ((err = only_members(rules, allowed, where)) != CK_OK)
        return err;
    v = json_object_get(rules, "validity_days");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 3660)
        return ck_err(CK_ERR_FORMAT, "%s.validity_days must be a whole number of days, 1 to 3660",
                      where);
    v = json_object_get(rules, "pass_mark_percent");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 100)
        return ck_err(CK_ERR_FORMAT, "%s.pass_mark_percent must be 1 to 100", where);
    v = json_object_get(rules, "must_certify");
    if (!json_is_array(v))
        return ck_err(CK_ERR_FORMAT, "%s.must_certify must be a list of categories", where);
    json_array_foreach(v, i, cat)
    {
        if (!json_is_string(cat) || !category_valid(json_string_value(cat)))
            return ck_err(CK_ERR_FORMAT,
                          "%s.must_certify[%zu] must be \"military\", \"civilian\" or "
                          "\"contractor\"",
                          where, i);
    }
    if ((sn = json_object_get(rules, "service_number")) != NULL) {
        json_int_t lo, hi;
        const char *cs;
        char w2[700];
        snprintf(w2, sizeof w2, "%s.service_number", where);
        if (!json_is_object(sn))
            return ck_err(CK_ERR_FORMAT, "%s must be an object", w2);
        if ((err = only_members(sn, sn_allowed, w2)) != CK_OK)
            return err;
        snprintf(w2, sizeof w2, "%s.service_number.label", where);
        if ((err = check_localized(json_object_get(sn, "label"), languages, w2)) != CK_OK)
            return err;
        lo = json_integer_value(json_object_get(sn, "min_length"));
        hi = json_integer_value(json_object_get(sn, "max_length"));
        if (!json_is_integer(json_object_get(sn, "min_length")) ||
            !json_is_integer(json_object_get(sn, "max_length")) || lo < 1 || hi < lo || hi > 64)
            return ck_err(CK_ERR_FORMAT,
                          "%s.service_number: min_length and max_length must be 1 <= min <= max "
                          "<= 64",
                          where);
        cs = json_string_value(json_object_get(sn, "charset"));
        if (cs == NULL || (strcmp(cs, "digits") != 0 && strcmp(cs, "alnum") != 0))
            return ck_err(CK_ERR_FORMAT,
                          "%s.service_number.charset must be \"digits\" or \"alnum\"", where);
    }
    if ((tc = json_object_get(rules, "training_confirmation")) != NULL) {
        char w2[700];
        snprintf(w2, sizeof w2, "%s.training_confirmation", where);
        if (!json_is_object(tc) || !json_is_boolean(json_object_get(tc, "required")))
            return ck_err(CK_ERR_FORMAT, "%s must be an object with \"required\": true|false", w2);
        if ((err = only_members(tc, tc_allowed, w2)) != CK_OK)
            return err;
        snprintf(w2, sizeof w2, "%s.training_confirmation.course", where);
        if ((err = check_localized(json_object_get(tc, "course"), languages, w2)) != CK_OK)
            return err;
    }
    return CK_OK;
}

/* Validates every manifest field except "files" (whose hashes may be absent
 * before signing: with for_signing, "files" is not required). m names the
 * manifest in messages. */
static CkErr
check_manifest(const json_t *man, const char *m, bool for_signing)
{
    static const char *const allowed[] = {"format",         "nation", "bundle_id", "version",
                                          "material_since", "abi",    "languages", "rules",
                                          "requires",       "module", "files",     NULL};
    const json_t *v, *abi, *langs, *files;
    const char *s, *key;
    json_t *item;
    size_t i;
    CkErr err;

    if (!json_is_object(man))
        return ck_err(CK_ERR_FORMAT, "%s: must be a JSON object", m);
    if ((err = only_members(man, allowed, m)) != CK_OK)
        return err;
    s = json_string_value(json_object_get(man, "format"));
    if (s == NULL || strcmp(s, BUNDLE_FORMAT) != 0)
        return ck_err(CK_ERR_FORMAT, "%s: \"format\" must be \"%s\"", m, BUNDLE_FORMAT);
    s = json_string_value(json_object_get(man, "nation"));
    if (s == NULL || !nation_valid(s))
        return ck_err(CK_ERR_FORMAT,
                      "%s: \"nation\" must be an ISO 3166-1 alpha-3 code (\"NOR\") or \"NATO\"", m);
    s = json_string_value(json_object_get(man, "bundle_id"));
    if (s == NULL || !bundle_id_valid(s))
        return ck_err(CK_ERR_FORMAT,
                      "%s: \"bundle_id\" must be 3 to 64 of a-z 0-9 . - _ (\"no.forsvaret.cthb\")",
                      m);
    if (!bundle_version_valid(json_string_value(json_object_get(man, "version"))))
        return ck_err(CK_ERR_FORMAT, "%s: \"version\" must be three numbers, \"2026.1.0\"", m);
    v = json_object_get(man, "material_since");
    if (v != NULL &&
        (!bundle_version_valid(json_string_value(v)) ||
         bundle_version_compare(json_string_value(v),
                                json_string_value(json_object_get(man, "version"))) > 0))
        return ck_err(CK_ERR_FORMAT,
                      "%s: \"material_since\" must be a version no newer than \"version\"", m);
    abi = json_object_get(man, "abi");
    if (!json_is_object(abi) || !json_is_integer(json_object_get(abi, "major")) ||
        !json_is_integer(json_object_get(abi, "minor")) ||
        json_integer_value(json_object_get(abi, "major")) < 1 ||
        json_integer_value(json_object_get(abi, "minor")) < 0 ||
        json_integer_value(json_object_get(abi, "major")) > 65535 ||
        json_integer_value(json_object_get(abi, "minor")) > 65535 || json_object_size(abi) != 2)
        return ck_err(CK_ERR_FORMAT, "%s: \"abi\" must be {\"major\":1,\"minor\":0}", m);
    langs = json_object_get(man, "languages");
    if (!json_is_array(langs) || json_array_size(langs) == 0 || json_array_size(langs) > 32)
        return ck_err(CK_ERR_FORMAT, "%s: \"languages\" must list 1 to 32 language codes", m);
    json_array_foreach(langs, i, item)
    {
        if (!json_is_string(item) || !lang_valid(json_string_value(item)))
            return ck_err(CK_ERR_FORMAT,
                          "%s: languages[%zu] must be an ISO 639 code of 2 or 3 lower-case "
                          "letters",
                          m, i);
        for (size_t j = 0; j < i; j++)
            if (json_equal(item, json_array_get(langs, j)))
                return ck_err(CK_ERR_FORMAT, "%s: language \"%s\" is listed twice", m,
                              json_string_value(item));
    }
    if ((err = check_rules(json_object_get(man, "rules"), langs, m)) != CK_OK)
        return err;
    v = json_object_get(man, "requires");
    if (v != NULL && !json_is_array(v))
        return ck_err(CK_ERR_FORMAT, "%s: \"requires\" must be a list of feature names", m);
    json_array_foreach(v, i, item)
    {
        if (!json_is_string(item) || json_string_length(item) == 0 || json_string_length(item) > 64)
            return ck_err(CK_ERR_FORMAT, "%s: requires[%zu] must be a feature name", m, i);
    }
    v = json_object_get(man, "module");
    if (v != NULL && (!json_is_string(v) || !name_valid(json_string_value(v))))
        return ck_err(CK_ERR_FORMAT, "%s: \"module\" must be the file name of the native module",
                      m);
    files = json_object_get(man, "files");
    if (files == NULL && for_signing)
        return CK_OK;
    if (!json_is_object(files))
        return ck_err(CK_ERR_FORMAT, "%s: \"files\" must map every file to its SHA-256", m);
    json_object_foreach((json_t *)files, key, item)
    {
        unsigned char h[32];
        s = json_string_value(item);
        if (!name_valid(key))
            return ck_err(CK_ERR_FORMAT, "%s: files: \"%s\" is not a valid file name", m, key);
        if (!for_signing && (s == NULL || strlen(s) != 64 || codec_hex_decode(s, h, 32) != CK_OK))
            return ck_err(CK_ERR_FORMAT, "%s: files: \"%s\" needs a SHA-256 of 64 hex digits", m,
                          key);
    }
    if (!for_signing && v != NULL && json_object_get(files, json_string_value(v)) == NULL)
        return ck_err(CK_ERR_FORMAT, "%s: the module \"%s\" is not in \"files\"", m,
                      json_string_value(v));
    return CK_OK;
}

/* ---- loading ---- */

static void
sha256_hex(const unsigned char *data, size_t len, char hex[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, data, len);
    codec_hex_encode(h, sizeof h, hex);
}

/* Reads manifest.sig: {"alg":"EdDSA","kid":...,"sig":...}. */
static CkErr
parse_sig(const unsigned char *data, size_t len, const char *dir, char kid[KEY_ID_LEN + 1],
          unsigned char sig[crypto_sign_BYTES])
{
    json_error_t je;
    json_t *j = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &je);
    const char *alg, *k, *s;
    unsigned char kb[8];
    CkErr err = CK_OK;

    if (j == NULL) {
        char place[200];
        return ck_err(CK_ERR_SIGNATURE, "%s: manifest.sig:%s", dir,
                      json_error_place(&je, place, sizeof place));
    }
    alg = json_string_value(json_object_get(j, "alg"));
    k = json_string_value(json_object_get(j, "kid"));
    s = json_string_value(json_object_get(j, "sig"));
    if (alg == NULL || strcmp(alg, "EdDSA") != 0)
        err = ck_err(CK_ERR_SIGNATURE, "%s: manifest.sig: \"alg\" must be \"EdDSA\"", dir);
    else if (k == NULL || strlen(k) != KEY_ID_LEN || codec_hex_decode(k, kb, 8) != CK_OK)
        err = ck_err(CK_ERR_SIGNATURE, "%s: manifest.sig: \"kid\" must be 16 hex digits", dir);
    else if (s == NULL || codec_b64url_decode_exact(s, sig, crypto_sign_BYTES) != CK_OK)
        err =
            ck_err(CK_ERR_SIGNATURE, "%s: manifest.sig: \"sig\" is not a base64url signature", dir);
    else
        snprintf(kid, KEY_ID_LEN + 1, "%s", k);
    json_decref(j);
    return err;
}

static CkErr
verify_manifest(const unsigned char *man, size_t man_len, const PublicKey *pub,
                const unsigned char sig[crypto_sign_BYTES])
{
    size_t dlen = strlen(BUNDLE_SIG_DOMAIN);
    unsigned char *msg = malloc(dlen + man_len);
    CkErr err;

    if (msg == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    memcpy(msg, BUNDLE_SIG_DOMAIN, dlen);
    memcpy(msg + dlen, man, man_len);
    err = key_verify(pub, msg, dlen + man_len, sig);
    free(msg);
    return err;
}

static bool
has_feature(const char *const *features, const char *f)
{
    for (size_t i = 0; features[i] != NULL; i++)
        if (strcmp(features[i], f) == 0)
            return true;
    return false;
}

static CkErr
load_contents(Bundle *b, const char *who)
{
    const json_t *langs = json_object_get(b->manifest, "languages");
    json_t *lang;
    size_t i;
    CkErr err;

    b->n_languages = json_array_size(langs);
    b->languages = calloc(b->n_languages, sizeof *b->languages);
    b->contents = calloc(b->n_languages, sizeof *b->contents);
    if (b->languages == NULL || b->contents == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    json_array_foreach(langs, i, lang)
    {
        char name[64];
        const unsigned char *data;
        size_t len;
        b->languages[i] = json_string_value(lang);
        snprintf(name, sizeof name, "content/%s.json", b->languages[i]);
        if (bundle_file(b, name, &data, &len) != CK_OK)
            return ck_err(CK_ERR_FORMAT, "%s: language \"%s\" is listed but %s is missing", who,
                          b->languages[i], name);
        if ((err = content_parse(name, data, len, &b->contents[i])) != CK_OK) {
            char detail[512];
            snprintf(detail, sizeof detail, "%s", ck_err_detail());
            return ck_err(err, "%s: %s", who, detail);
        }
        if (strcmp(b->contents[i]->language, b->languages[i]) != 0)
            return ck_err(CK_ERR_FORMAT, "%s: %s says its language is \"%s\"", who, name,
                          b->contents[i]->language);
        if (i > 0 && (err = content_check_same_ids(b->contents[0], b->contents[i])) != CK_OK) {
            char detail[512];
            snprintf(detail, sizeof detail, "%s", ck_err_detail());
            return ck_err(err, "%s: %s", who, detail);
        }
    }
    /* A content file for a language not listed would be shown to nobody:
     * likely a mistake in the manifest, so say so. */
    for (size_t f = 0; f < b->n_files; f++) {
        const char *n = b->files[f].name;
        if (strncmp(n, "content/", 8) == 0 && strlen(n) > 13 &&
            strcmp(n + strlen(n) - 5, ".json") == 0) {
            bool listed = false;
            for (size_t l = 0; l < b->n_languages && !listed; l++)
                listed = strlen(n) == 13 + strlen(b->languages[l]) &&
                         strncmp(n + 8, b->languages[l], strlen(b->languages[l])) == 0;
            if (!listed)
                return ck_err(CK_ERR_FORMAT, "%s: %s is for a language not in \"languages\"", who,
                              n);
        }
    }
    return CK_OK;
}

CkErr
bundle_load(const char *dir, const BundleOptions *opts, Bundle **bundle_out)
{
    Bundle *b = NULL;
    unsigned char *man = NULL, *sigfile = NULL;
    size_t man_len = 0, sig_len = 0;
    unsigned char sig[crypto_sign_BYTES];
    char who[400];
    PublicKey pub;
    json_error_t je;
    const json_t *listed, *v;
    const char *const *features = opts->features ? opts->features : default_features;
    unsigned host_major = opts->abi_major ? opts->abi_major : CK_PLUGIN_ABI_MAJOR;
    unsigned host_minor = opts->abi_major ? opts->abi_minor : CK_PLUGIN_ABI_MINOR;
    unsigned major, minor;
    Walk w = {0};
    int dirfd = -1;
    const char *key;
    json_t *item;
    size_t i;
    CkErr err;

    *bundle_out = NULL;
    snprintf(who, sizeof who, "bundle %s", dir);
    if ((b = calloc(1, sizeof *b)) == NULL || (b->dir = strdup(dir)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        err =
            ck_err(errno == ENOENT ? CK_ERR_NOT_FOUND : CK_ERR_IO, "%s: %s", who, strerror(errno));
        goto out;
    }

    /* 1-2: the signature over the exact manifest bytes, before any parsing. */
    if ((err = read_top(dirfd, who, "manifest.json", BUNDLE_MAX_MANIFEST_BYTES, &man, &man_len)) !=
        CK_OK)
        goto out;
    err = read_top(dirfd, who, "manifest.sig", BUNDLE_MAX_SIG_BYTES, &sigfile, &sig_len);
    if (err == CK_ERR_NOT_FOUND) {
        err = ck_err(CK_ERR_SIGNATURE, "%s: unsigned (no manifest.sig); refusing it", who);
        goto out;
    }
    if (err != CK_OK || (err = parse_sig(sigfile, sig_len, who, b->kid, sig)) != CK_OK)
        goto out;
    if (trust_lookup(opts->trust, b->kid, KEY_KIND_PUBLISHER, &pub) != CK_OK) {
        err = ck_err(CK_ERR_UNTRUSTED,
                     "%s: signed by key %s, which is not a publisher key in the trust file", who,
                     b->kid);
        goto out;
    }
    if (verify_manifest(man, man_len, &pub, sig) != CK_OK) {
        err = ck_err(CK_ERR_SIGNATURE,
                     "%s: the signature of manifest.json by key %s does not verify (altered "
                     "after signing?)",
                     who, b->kid);
        goto out;
    }
    sha256_hex(man, man_len, b->manifest_sha256);

    /* 3-4: parse, then the key's nation must be the bundle's. */
    if ((b->manifest = json_loadb((const char *)man, man_len, JSON_REJECT_DUPLICATES, &je)) ==
        NULL) {
        char place[200];
        err = ck_err(CK_ERR_FORMAT, "%s: manifest.json:%s", who,
                     json_error_place(&je, place, sizeof place));
        goto out;
    }
    {
        char m[500];
        snprintf(m, sizeof m, "%s: manifest.json", who);
        if ((err = check_manifest(b->manifest, m, false)) != CK_OK)
            goto out;
    }
    b->nation = json_string_value(json_object_get(b->manifest, "nation"));
    b->id = json_string_value(json_object_get(b->manifest, "bundle_id"));
    b->version = json_string_value(json_object_get(b->manifest, "version"));
    b->material_since = json_string_value(json_object_get(b->manifest, "material_since"));
    if (b->material_since == NULL)
        b->material_since = b->version;
    snprintf(who, sizeof who, "bundle %s (%s %s)", dir, b->id, b->version);
    if ((err = trust_find_publisher(opts->trust, b->kid, b->nation,
                                    opts->now ? opts->now : clock_now(), &pub)) != CK_OK) {
        char detail[512];
        snprintf(detail, sizeof detail, "%s", ck_err_detail());
        err = ck_err(err, "%s: publisher key %s may not sign for %s: %s", who, b->kid, b->nation,
                     detail);
        goto out;
    }

    /* 5: what the host can run. */
    v = json_object_get(b->manifest, "abi");
    major = (unsigned)json_integer_value(json_object_get(v, "major"));
    minor = (unsigned)json_integer_value(json_object_get(v, "minor"));
    if (major != host_major) {
        err = ck_err(CK_ERR_REFUSED,
                     "%s: made for plugin ABI %u.%u; this kiosk has ABI %u.%u (major differs)", who,
                     major, minor, host_major, host_minor);
        goto out;
    }
    if (minor > host_minor) {
        err = ck_err(CK_ERR_REFUSED,
                     "%s: needs plugin ABI %u.%u, newer than this kiosk's %u.%u; update the kiosk",
                     who, major, minor, host_major, host_minor);
        goto out;
    }
    json_array_foreach(json_object_get(b->manifest, "requires"), i, item)
    {
        if (!has_feature(features, json_string_value(item))) {
            err = ck_err(CK_ERR_REFUSED,
                         "%s: requires the feature \"%s\", which this kiosk does not have", who,
                         json_string_value(item));
            goto out;
        }
    }

    /* 6: never go back to an older version than seen. */
    if (opts->seen != NULL) {
        const char *seen = bundle_seen_version(opts->seen, b->id);
        if (seen != NULL && bundle_version_compare(b->version, seen) < 0) {
            err = ck_err(CK_ERR_ROLLBACK,
                         "%s: version %s is older than version %s this kiosk already loaded "
                         "(rollback refused)",
                         who, b->version, seen);
            goto out;
        }
    }

    /* 7: every file read once, listed, within limits, hash as signed. */
    listed = json_object_get(b->manifest, "files");
    w.dir = who;
    w.listed = listed;
    w.module_name = json_string_value(json_object_get(b->manifest, "module"));
    if ((err = walk_dir(&w, dirfd, "", 0)) != CK_OK)
        goto out;
    b->files = w.list.v;
    b->n_files = w.list.n;
    w.list.v = NULL;
    w.list.n = 0;
    json_object_foreach((json_t *)listed, key, item)
    {
        const BundleFile *f = NULL;
        char hex[65];
        for (i = 0; i < b->n_files && f == NULL; i++)
            if (strcmp(b->files[i].name, key) == 0)
                f = &b->files[i];
        if (f == NULL) {
            err = ck_err(CK_ERR_TAMPERED, "%s: file \"%s\" is listed in the manifest but missing",
                         who, key);
            goto out;
        }
        sha256_hex(f->data, f->len, hex);
        if (sodium_memcmp(hex, json_string_value(item), 64) != 0) {
            err = ck_err(CK_ERR_TAMPERED,
                         "%s: file \"%s\" differs from the signed manifest (SHA-256 mismatch)", who,
                         key);
            goto out;
        }
        if (w.module_name != NULL && strcmp(key, w.module_name) == 0)
            b->module = f;
    }

    /* 8: the content, now that its bytes are known to be the signed ones. */
    if ((err = load_contents(b, who)) != CK_OK)
        goto out;

    *bundle_out = b;
    b = NULL;
    err = CK_OK;
out:
    if (dirfd >= 0)
        close(dirfd);
    files_free(w.list.v, w.list.n);
    free(man);
    free(sigfile);
    bundle_free(b);
    return err;
}

void
bundle_free(Bundle *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; b->contents != NULL && i < b->n_languages; i++)
        content_free(b->contents[i]);
    free(b->contents);
    free(b->languages);
    files_free(b->files, b->n_files);
    json_decref(b->manifest);
    free(b->dir);
    free(b);
}

const char *
bundle_dir(const Bundle *b)
{
    return b->dir;
}

const char *
bundle_id(const Bundle *b)
{
    return b->id;
}

const char *
bundle_version(const Bundle *b)
{
    return b->version;
}

const char *
bundle_material_since(const Bundle *b)
{
    return b->material_since;
}

const char *
bundle_nation(const Bundle *b)
{
    return b->nation;
}

const char *
bundle_publisher_kid(const Bundle *b)
{
    return b->kid;
}

const char *
bundle_manifest_sha256(const Bundle *b)
{
    return b->manifest_sha256;
}

const json_t *
bundle_manifest(const Bundle *b)
{
    return b->manifest;
}

const json_t *
bundle_rules(const Bundle *b)
{
    return json_object_get(b->manifest, "rules");
}

size_t
bundle_language_count(const Bundle *b)
{
    return b->n_languages;
}

const char *
bundle_language(const Bundle *b, size_t i)
{
    return i < b->n_languages ? b->languages[i] : NULL;
}

const Content *
bundle_content(const Bundle *b, const char *lang)
{
    for (size_t i = 0; i < b->n_languages; i++)
        if (strcmp(b->languages[i], lang) == 0)
            return b->contents[i];
    return NULL;
}

CkErr
bundle_file(const Bundle *b, const char *name, const unsigned char **data_out, size_t *len_out)
{
    for (size_t i = 0; i < b->n_files; i++)
        if (strcmp(b->files[i].name, name) == 0) {
            *data_out = b->files[i].data;
            *len_out = b->files[i].len;
            return CK_OK;
        }
    return ck_err(CK_ERR_NOT_FOUND, "bundle %s: no file \"%s\"", b->id ? b->id : b->dir, name);
}

bool
bundle_module(const Bundle *b, const char **name_out, const unsigned char **data_out,
              size_t *len_out)
{
    if (b->module == NULL)
        return false;
    *name_out = b->module->name;
    *data_out = b->module->data;
    *len_out = b->module->len;
    return true;
}

/* ---- signing ---- */

CkErr
bundle_sign(const char *dir, const SecretKey *sk)
{
    unsigned char *man = NULL, sig[crypto_sign_BYTES], *msg = NULL;
    size_t man_len = 0, dlen = strlen(BUNDLE_SIG_DOMAIN);
    json_t *manifest = NULL, *files = NULL, *sigj = NULL;
    char *text = NULL, *sigtext = NULL, *sig64 = NULL, *path = NULL;
    char who[400], m[500];
    const char *module;
    json_error_t je;
    PublicKey pub;
    Walk w = {0};
    int dirfd = -1;
    CkErr err;

    snprintf(who, sizeof who, "bundle %s", dir);
    snprintf(m, sizeof m, "%s: manifest.json", who);
    if (key_kind(sk) != KEY_KIND_PUBLISHER)
        return ck_err(CK_ERR_KEY, "%s: only a publisher key signs bundles", who);
    if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return ck_err(errno == ENOENT ? CK_ERR_NOT_FOUND : CK_ERR_IO, "%s: %s", who,
                      strerror(errno));
    if ((err = read_top(dirfd, who, "manifest.json", BUNDLE_MAX_MANIFEST_BYTES, &man, &man_len)) !=
        CK_OK)
        goto out;
    if ((manifest = json_loadb((const char *)man, man_len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
        char place[200];
        err = ck_err(CK_ERR_FORMAT, "%s:%s", m, json_error_place(&je, place, sizeof place));
        goto out;
    }
    if ((err = check_manifest(manifest, m, true)) != CK_OK)
        goto out;
    module = json_string_value(json_object_get(manifest, "module"));
    w.dir = who;
    w.module_name = module;
    if ((err = walk_dir(&w, dirfd, "", 0)) != CK_OK)
        goto out;
    if ((files = json_object()) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < w.list.n; i++) {
        char hex[65];
        sha256_hex(w.list.v[i].data, w.list.v[i].len, hex);
        json_object_set_new(files, w.list.v[i].name, json_string(hex));
    }
    if (module != NULL && json_object_get(files, module) == NULL) {
        err = ck_err(CK_ERR_NOT_FOUND, "%s: the module \"%s\" named in the manifest is missing",
                     who, module);
        goto out;
    }
    json_object_set(manifest, "files", files);
    if ((err = check_manifest(manifest, m, false)) != CK_OK)
        goto out;
    if ((text = json_dumps(manifest, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    {
        size_t tl = strlen(text);
        char *nl = realloc(text, tl + 2);
        if (nl == NULL) {
            err = ck_err(CK_ERR_NOMEM, "out of memory");
            goto out;
        }
        text = nl;
        memcpy(text + tl, "\n", 2);
    }
    man_len = strlen(text);
    if ((msg = malloc(dlen + man_len)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    memcpy(msg, BUNDLE_SIG_DOMAIN, dlen);
    memcpy(msg + dlen, text, man_len);
    key_sign(sk, msg, dlen + man_len, sig);
    key_public(sk, &pub);
    if ((sig64 = codec_b64url_encode(sig, sizeof sig)) == NULL ||
        (sigj = json_pack("{s:s, s:s, s:s}", "alg", "EdDSA", "kid", pub.kid, "sig", sig64)) ==
            NULL ||
        (sigtext = json_dumps(sigj, JSON_PRESERVE_ORDER)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((path = fileio_join(dir, "manifest.json")) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((err = fileio_write_atomic(path, text, man_len, 0644, false)) != CK_OK)
        goto out;
    free(path);
    if ((path = fileio_join(dir, "manifest.sig")) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    {
        size_t sl = strlen(sigtext);
        char *nl = realloc(sigtext, sl + 2);
        if (nl == NULL) {
            err = ck_err(CK_ERR_NOMEM, "out of memory");
            goto out;
        }
        sigtext = nl;
        memcpy(sigtext + sl, "\n", 2);
    }
    err = fileio_write_atomic(path, sigtext, strlen(sigtext), 0644, false);
out:
    if (dirfd >= 0)
        close(dirfd);
    files_free(w.list.v, w.list.n);
    json_decref(manifest);
    json_decref(files);
    json_decref(sigj);
    free(man);
    free(msg);
    free(text);
    free(sigtext);
    free(sig64);
    free(path);
    return err;
}

/* ---- versions seen ---- */

#define SEEN_FORMAT "certkiosk-plugin-versions/1"

CkErr
bundle_seen_load(const char *path, BundleSeen **seen_out)
{
    BundleSeen *s = calloc(1, sizeof *s);
    unsigned char *data = NULL;
    size_t len;
    json_error_t je;
    json_t *root = NULL, *seen;
    const char *key, *fmt;
    json_t *v;
    CkErr err;

    *seen_out = NULL;
    if (s == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    err = fileio_read(path, 1024 * 1024, &data, &len);
    if (err == CK_ERR_NOT_FOUND) {
        if ((s->seen = json_object()) == NULL) {
            free(s);
            return ck_err(CK_ERR_NOMEM, "out of memory");
        }
        *seen_out = s;
        return CK_OK;
    }
    if (err != CK_OK)
        goto out;
    if ((root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
        err = ck_err(CK_ERR_FORMAT, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        goto out;
    }
    fmt = json_string_value(json_object_get(root, "format"));
    seen = json_object_get(root, "seen");
    if (fmt == NULL || strcmp(fmt, SEEN_FORMAT) != 0 || !json_is_object(seen)) {
        err = ck_err(CK_ERR_FORMAT, "%s: not a %s file", path, SEEN_FORMAT);
        goto out;
    }
    json_object_foreach(seen, key, v)
    {
        if (!bundle_version_valid(json_string_value(v))) {
            err = ck_err(CK_ERR_FORMAT, "%s: \"%s\" has no valid version", path, key);
            goto out;
        }
    }
    s->seen = json_incref(seen);
    *seen_out = s;
    s = NULL;
out:
    json_decref(root);
    free(data);
    bundle_seen_free(s);
    return err;
}

const char *
bundle_seen_version(const BundleSeen *seen, const char *id)
{
    return json_string_value(json_object_get(seen->seen, id));
}

CkErr
bundle_seen_record(BundleSeen *seen, const char *id, const char *version, bool *changed_out)
{
    const char *old = bundle_seen_version(seen, id);

    *changed_out = false;
    if (!bundle_version_valid(version))
        return ck_err(CK_ERR_FORMAT, "bundle %s: \"%s\" is not a version", id, version);
    if (old != NULL && bundle_version_compare(version, old) <= 0)
        return CK_OK;
    if (json_object_set_new(seen->seen, id, json_string(version)) != 0)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    *changed_out = true;
    return CK_OK;
}

CkErr
bundle_seen_save(const BundleSeen *seen, const char *path)
{
    json_t *root = json_pack("{s:s, s:O}", "format", SEEN_FORMAT, "seen", seen->seen);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    CkErr err;

    if (text == NULL) {
        json_decref(root);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    err = fileio_write_atomic(path, text, strlen(text), 0644, false);
    free(text);
    json_decref(root);
    return err;
}

void
bundle_seen_free(BundleSeen *seen)
{
    if (seen == NULL)
        return;
    json_decref(seen->seen);
    free(seen);
}
