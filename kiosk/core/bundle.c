/* bundle: a nation's bundle is verified from bytes read once; nothing unverified is ever parsed or
 * kept. */
#include "bundle_int.h"

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
#include "manifest.h"

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

static const char *
json_error_place(const json_error_t *je, char *buf, size_t len)
{
    snprintf(buf, len, "%d:%d: %s", je->line, je->column, je->text);
    return buf;
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

/* True if the manifest's "review" covers lang (all languages when it lists none). */
static bool
review_covers(const Bundle *b, const char *lang)
{
    const json_t *review = json_object_get(b->manifest, "review");
    const json_t *langs = json_object_get(review, "languages");
    json_t *l;
    size_t i;

    if (!json_is_object(review))
        return false;
    if (langs == NULL)
        return true;
    json_array_foreach(langs, i, l)
    {
        if (strcmp(json_string_value(l), lang) == 0)
            return true;
    }
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
        /* Only a named reviewer can take a text out of draft: a publisher
         * cannot clear its own text by flipping a flag. */
        if (!b->contents[i]->draft && !review_covers(b, b->languages[i]))
            return ck_err(CK_ERR_FORMAT,
                          "%s: %s says \"draft\": false but the manifest names no \"review\" "
                          "of that language (by, role, date)",
                          who, name);
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
    BundleWalk w = {0};
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
    if ((err = bundle_files_read_top(dirfd, who, "manifest.json", BUNDLE_MAX_MANIFEST_BYTES, &man,
                                     &man_len)) != CK_OK)
        goto out;
    err =
        bundle_files_read_top(dirfd, who, "manifest.sig", BUNDLE_MAX_SIG_BYTES, &sigfile, &sig_len);
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
        if ((err = manifest_check(b->manifest, m, false)) != CK_OK)
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
    if ((err = bundle_files_walk(&w, dirfd, "", 0)) != CK_OK)
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
    bundle_files_free(w.list.v, w.list.n);
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
    bundle_files_free(b->files, b->n_files);
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

bool
bundle_draft(const Bundle *b)
{
    return !review_covers(b, b->languages[0]) || b->contents[0]->draft;
}

bool
bundle_clause_applies(const Bundle *b, const char *clause_id, const char *category)
{
    const json_t *cats =
        json_object_get(json_object_get(bundle_rules(b), "clause_categories"), clause_id);
    json_t *c;
    size_t i;

    if (cats == NULL)
        return true;
    json_array_foreach(cats, i, c)
    {
        if (strcmp(json_string_value(c), category) == 0)
            return true;
    }
    return false;
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
    BundleWalk w = {0};
    int dirfd = -1;
    CkErr err;

    snprintf(who, sizeof who, "bundle %s", dir);
    snprintf(m, sizeof m, "%s: manifest.json", who);
    if (key_kind(sk) != KEY_KIND_PUBLISHER)
        return ck_err(CK_ERR_KEY, "%s: only a publisher key signs bundles", who);
    if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return ck_err(errno == ENOENT ? CK_ERR_NOT_FOUND : CK_ERR_IO, "%s: %s", who,
                      strerror(errno));
    if ((err = bundle_files_read_top(dirfd, who, "manifest.json", BUNDLE_MAX_MANIFEST_BYTES, &man,
                                     &man_len)) != CK_OK)
        goto out;
    if ((manifest = json_loadb((const char *)man, man_len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
        char place[200];
        err = ck_err(CK_ERR_FORMAT, "%s:%s", m, json_error_place(&je, place, sizeof place));
        goto out;
    }
    if ((err = manifest_check(manifest, m, true)) != CK_OK)
        goto out;
    module = json_string_value(json_object_get(manifest, "module"));
    w.dir = who;
    w.module_name = module;
    if ((err = bundle_files_walk(&w, dirfd, "", 0)) != CK_OK)
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
    if ((err = manifest_check(manifest, m, false)) != CK_OK)
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
    bundle_files_free(w.list.v, w.list.n);
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
