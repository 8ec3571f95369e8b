/* sdjwt: RFC 9901 selective disclosure — strict processing, so a holder can withhold but
 * never add, alter or smuggle a claim. */
#include "sdjwt.h"

#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

#define SDJWT_ALG "sha-256"
#define SDJWT_DISCLOSURE_STACK 1024

typedef char Digest[SDJWT_DIGEST_LEN + 1];

struct SdJwtIssuer {
    size_t n;
    char *disclosures[SDJWT_MAX_DISCLOSURES]; /* base64url */
};

struct SdJwt {
    Jws *jws;
    bool is_sd;
    json_t *payload; /* processed: the JWS's payload, processed in place */
    json_t *buried;  /* what processing took out of the payload (seen[] points into it) */
    char *text;      /* a copy of the input: disclosures point into it */
    size_t text_len, jws_len;
    size_t n;
    bool used[SDJWT_MAX_DISCLOSURES];
    size_t n_seen;
    /* Only what comes before this is zeroed (13 KiB cleared per certificate cost verify 1 % of
     * its instructions): entries below n or n_seen are written before they are read. */
    SdJwtDisclosure d[SDJWT_MAX_DISCLOSURES];
    json_t *value[SDJWT_MAX_DISCLOSURES]; /* the decoded disclosure arrays */
    Digest digest[SDJWT_MAX_DISCLOSURES];
    /* Every digest met so far: pointers into the payload and the disclosures,
     * which live as long as the SdJwt. */
    const char *seen[SDJWT_MAX_DIGESTS];
};

static void
digest_of(const char *text, size_t len, Digest out)
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, (const unsigned char *)text, len);
    sodium_bin2base64(out, sizeof(Digest), h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ---- issuing ---- */

SdJwtIssuer *
sdjwt_issuer_new(void)
{
    return calloc(1, sizeof(SdJwtIssuer));
}

void
sdjwt_issuer_free(SdJwtIssuer *is)
{
    if (is == NULL)
        return;
    for (size_t i = 0; i < is->n; i++) {
        sodium_memzero(is->disclosures[i], strlen(is->disclosures[i]));
        free(is->disclosures[i]);
    }
    free(is);
}

/* Inserts digest into the array keeping it sorted. */
static int
insert_sorted(json_t *arr, const char *digest)
{
    size_t i = 0;

    while (i < json_array_size(arr) &&
           strcmp(json_string_value(json_array_get(arr, i)), digest) < 0)
        i++;
    return json_array_insert_new(arr, i, json_string(digest));
}

static json_t *
sd_array(json_t *obj)
{
    json_t *a = json_object_get(obj, "_sd");

    if (a == NULL && json_object_set_new(obj, "_sd", json_array()) == 0)
        a = json_object_get(obj, "_sd");
    return json_is_array(a) ? a : NULL;
}

/* Makes the disclosure of arr ([salt, name, value] or [salt, value]; stolen)
 * and writes its digest. */
static CkErr
make_disclosure(SdJwtIssuer *is, json_t *arr, Digest digest)
{
    unsigned char salt[SDJWT_SALT_BYTES];
    char salt_b64[sodium_base64_ENCODED_LEN(SDJWT_SALT_BYTES,
                                            sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    char *json = NULL, *b64 = NULL;
    CkErr err = CK_OK;

    if (arr == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory concealing a claim");
    if (is->n >= SDJWT_MAX_DISCLOSURES) {
        err = ck_err(CK_ERR_TOO_LARGE, "more than %d disclosures", SDJWT_MAX_DISCLOSURES);
        goto out;
    }
    randombytes_buf(salt, sizeof salt);
    sodium_bin2base64(salt_b64, sizeof salt_b64, salt, sizeof salt,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (json_array_insert_new(arr, 0, json_string(salt_b64)) != 0 ||
        (json = json_dumps(arr, JSON_COMPACT)) == NULL ||
        (b64 = codec_b64url_encode((const unsigned char *)json, strlen(json))) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory concealing a claim");
        goto out;
    }
    digest_of(b64, strlen(b64), digest);
    is->disclosures[is->n++] = b64;
    b64 = NULL;
out:
    if (json != NULL) {
        sodium_memzero(json, strlen(json));
        free(json);
    }
    free(b64);
    json_decref(arr);
    return err;
}

CkErr
sdjwt_conceal(SdJwtIssuer *is, json_t *obj, const char *name, json_t *value)
{
    Digest d;
    json_t *sd = sd_array(obj);
    CkErr err;

    if (sd == NULL || value == NULL) {
        json_decref(value);
        return ck_err(CK_ERR_NOMEM, "out of memory concealing %s", name);
    }
    if ((err = make_disclosure(is, json_pack("[s,o]", name, value), d)) != CK_OK)
        return err;
    return insert_sorted(sd, d) == 0 ? CK_OK : ck_err(CK_ERR_NOMEM, "out of memory");
}

CkErr
sdjwt_conceal_element(SdJwtIssuer *is, json_t *arr, json_t *value)
{
    Digest d;
    CkErr err;

    if (value == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory concealing an element");
    if ((err = make_disclosure(is, json_pack("[o]", value), d)) != CK_OK)
        return err;
    return json_array_append_new(arr, json_pack("{s:s}", "...", d)) == 0
               ? CK_OK
               : ck_err(CK_ERR_NOMEM, "out of memory");
}

CkErr
sdjwt_decoys(SdJwtIssuer *is, json_t *target, size_t n)
{
    (void)is;
    for (size_t i = 0; i < n; i++) {
        unsigned char r[32];
        Digest d;
        int rc;

        randombytes_buf(r, sizeof r);
        crypto_hash_sha256(r, r, sizeof r);
        sodium_bin2base64(d, sizeof d, r, sizeof r, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        if (json_is_array(target))
            rc = json_array_insert_new(target,
                                       randombytes_uniform((uint32_t)json_array_size(target) + 1),
                                       json_pack("{s:s}", "...", d));
        else
            rc = sd_array(target) != NULL ? insert_sorted(sd_array(target), d) : -1;
        if (rc != 0)
            return ck_err(CK_ERR_NOMEM, "out of memory adding decoys");
    }
    return CK_OK;
}

CkErr
sdjwt_issue(SdJwtIssuer *is, const SecretKey *sk, const char *typ, const char *kid,
            json_t *payload, char **out)
{
    char *jws = NULL, *s;
    size_t len, total;
    CkErr err;

    *out = NULL;
    if (json_object_set_new(payload, "_sd_alg", json_string(SDJWT_ALG)) != 0)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if ((err = jws_sign_json(sk, typ, kid, payload, &jws)) != CK_OK)
        return err;
    total = len = strlen(jws);
    for (size_t i = 0; i < is->n; i++)
        total += 1 + strlen(is->disclosures[i]);
    if (total + 1 > SDJWT_MAX_LEN) {
        free(jws);
        return ck_err(CK_ERR_TOO_LARGE, "the SD-JWT would exceed %d bytes", SDJWT_MAX_LEN);
    }
    if ((s = malloc(total + 2)) == NULL) {
        free(jws);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    memcpy(s, jws, len);
    for (size_t i = 0; i < is->n; i++) {
        size_t dl = strlen(is->disclosures[i]);
        s[len++] = '~';
        memcpy(s + len, is->disclosures[i], dl);
        len += dl;
    }
    s[len++] = '~';
    s[len] = '\0';
    free(jws);
    *out = s;
    return CK_OK;
}

/* ---- processing ---- */

static CkErr
see_digest(SdJwt *sd, const char *digest)
{
    for (size_t i = 0; i < sd->n_seen; i++)
        if (strcmp(sd->seen[i], digest) == 0)
            return ck_err(CK_ERR_FORMAT, "digest %.12s... appears more than once", digest);
    if (sd->n_seen >= SDJWT_MAX_DIGESTS)
        return ck_err(CK_ERR_TOO_LARGE, "more than %d digests", SDJWT_MAX_DIGESTS);
    if (strlen(digest) != SDJWT_DIGEST_LEN)
        return ck_err(CK_ERR_FORMAT, "a digest is not a base64url SHA-256");
    sd->seen[sd->n_seen++] = digest;
    return CK_OK;
}

static int
find_disclosure(const SdJwt *sd, const char *digest)
{
    for (size_t i = 0; i < sd->n; i++)
        if (strcmp(sd->digest[i], digest) == 0)
            return (int)i;
    return -1;
}

static CkErr process(SdJwt *sd, json_t *v, int parent, const char *path, bool top);

/* out = path + "." + name (or path + "[]"): a claim's place, for messages and sdjwt_disclosure. */
static void
join_path(char out[SDJWT_PATH_MAX], const char *path, const char *name)
{
    size_t p = strlen(path), n = strlen(name), dot = p > 0 && name[0] != '[';

    if (p + dot + n >= SDJWT_PATH_MAX) { /* cut, as snprintf would */
        snprintf(out, SDJWT_PATH_MAX, "%s%s%s", path, dot ? "." : "", name);
        return;
    }
    memcpy(out, path, p);
    out[p] = '.';
    memcpy(out + p + dot, name, n + 1);
}

/* Keeps v alive as long as sd: seen[] points at the digests in the "_sd" arrays and "..."
 * elements that processing takes out of the payload. */
static CkErr
bury(SdJwt *sd, json_t *v)
{
    if (sd->buried == NULL && (sd->buried = json_array()) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    return json_array_append(sd->buried, v) == 0 ? CK_OK : ck_err(CK_ERR_NOMEM, "out of memory");
}

/* Processes obj in place: its "_sd" (and at the top "_sd_alg") goes, each disclosed claim is
 * added after the claims in clear, as RFC 9901 section 7.1 builds the processed payload. */
static CkErr
process_object(SdJwt *sd, json_t *obj, int parent, const char *path, bool top)
{
    json_t *sds = NULL, *v;
    const char *key;
    char sub[SDJWT_PATH_MAX] = "";
    CkErr err;

    json_object_foreach(obj, key, v)
    {
        if (strcmp(key, "_sd") == 0) {
            sds = v;
            continue;
        }
        if (top && strcmp(key, "_sd_alg") == 0)
            continue;
        if (strcmp(key, "...") == 0)
            return ck_err(CK_ERR_FORMAT, "\"...\" outside an array element at %s",
                          path[0] ? path : "top level");
        /* Only containers can hold digests: a path is built for them alone. */
        if (!json_is_object(v) && !json_is_array(v))
            continue;
        join_path(sub, path, key);
        if ((err = process(sd, v, parent, sub, false)) != CK_OK)
            return err;
    }
    if (top && json_object_get(obj, "_sd_alg") != NULL && json_object_del(obj, "_sd_alg") != 0)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (sds == NULL)
        return CK_OK;
    if (!json_is_array(sds))
        return ck_err(CK_ERR_FORMAT, "\"_sd\" at %s is not an array", path[0] ? path : "top level");
    if ((err = bury(sd, sds)) != CK_OK)
        return err;
    json_object_del(obj, "_sd");
    for (size_t i = 0; i < json_array_size(sds); i++) {
        const char *dg = json_string_value(json_array_get(sds, i));
        json_t *dv;
        int k;

        if (dg == NULL)
            return ck_err(CK_ERR_FORMAT, "\"_sd\" at %s holds a non-string",
                          path[0] ? path : "top level");
        if ((err = see_digest(sd, dg)) != CK_OK)
            return err;
        if ((k = find_disclosure(sd, dg)) < 0)
            continue; /* withheld, or a decoy */
        dv = sd->value[k];
        if (json_array_size(dv) != 3)
            return ck_err(CK_ERR_FORMAT,
                          "disclosure %d is an array element but is referenced from \"_sd\"", k + 1);
        key = json_string_value(json_array_get(dv, 1));
        if (key == NULL || strcmp(key, "_sd") == 0 || strcmp(key, "...") == 0)
            return ck_err(CK_ERR_FORMAT, "disclosure %d has an invalid claim name", k + 1);
        if (json_object_get(obj, key) != NULL)
            return ck_err(CK_ERR_FORMAT, "disclosure %d would overwrite the claim %.40s", k + 1,
                          key);
        join_path(sub, path, key);
        sd->used[k] = true;
        sd->d[k].name = key;
        sd->d[k].parent = parent;
        memcpy(sd->d[k].path, sub, sizeof sub);
        /* A digest is seen once, so each disclosure's value is processed (in place) once. */
        if ((err = process(sd, json_array_get(dv, 2), k, sub, false)) != CK_OK)
            return err;
        if (json_object_set(obj, key, json_array_get(dv, 2)) != 0)
            return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    return CK_OK;
}

/* Processes arr in place: each "..." element becomes its disclosed value or goes. */
static CkErr
process_array(SdJwt *sd, json_t *arr, int parent, const char *path)
{
    char sub[SDJWT_PATH_MAX];
    CkErr err;

    join_path(sub, path, "[]");
    for (size_t i = 0; i < json_array_size(arr);) {
        json_t *e = json_array_get(arr, i), *dots = json_object_get(e, "..."), *dv;
        if (json_is_object(e) && dots != NULL) {
            const char *dg = json_string_value(dots);
            int k;
            if (json_object_size(e) != 1 || dg == NULL)
                return ck_err(CK_ERR_FORMAT, "an array element at %s mixes \"...\" with claims",
                              sub);
            if ((err = see_digest(sd, dg)) != CK_OK || (err = bury(sd, e)) != CK_OK)
                return err;
            if ((k = find_disclosure(sd, dg)) < 0) {
                json_array_remove(arr, i);
                continue;
            }
            if (json_array_size(sd->value[k]) != 2)
                return ck_err(CK_ERR_FORMAT,
                              "disclosure %d is a claim but is referenced as an array element",
                              k + 1);
            sd->used[k] = true;
            sd->d[k].name = NULL;
            sd->d[k].parent = parent;
            memcpy(sd->d[k].path, sub, sizeof sub);
            dv = json_array_get(sd->value[k], 1);
            if ((err = process(sd, dv, k, sub, false)) != CK_OK)
                return err;
            if (json_array_set(arr, i, dv) != 0)
                return ck_err(CK_ERR_NOMEM, "out of memory");
        } else if ((err = process(sd, e, parent, sub, false)) != CK_OK) {
            return err;
        }
        i++;
    }
    return CK_OK;
}

/* Processes v in place (containers; anything else holds no digest). */
static CkErr
process(SdJwt *sd, json_t *v, int parent, const char *path, bool top)
{
    if (json_is_object(v))
        return process_object(sd, v, parent, path, top);
    if (json_is_array(v))
        return process_array(sd, v, parent, path);
    return CK_OK;
}

/* Decodes disclosure i: [salt, name, value] or [salt, value]. */
static CkErr
decode_disclosure(SdJwt *sd, size_t i)
{
    SdJwtDisclosure *d = &sd->d[i];
    /* Disclosures are short: decoded on the stack, a long one on the heap. */
    unsigned char stack[SDJWT_DISCLOSURE_STACK], *bin = stack, *heap = NULL;
    size_t len;
    json_error_t jerr;
    json_t *v;
    CkErr err;

    if (CODEC_B64URL_DECODED_MAX(d->text_len) + 1 > sizeof stack &&
        (bin = heap = malloc(CODEC_B64URL_DECODED_MAX(d->text_len) + 1)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (codec_b64url_decode_public(d->text, d->text_len, bin,
                                   CODEC_B64URL_DECODED_MAX(d->text_len), &len) != CK_OK) {
        err = ck_err(CK_ERR_FORMAT, "disclosure %zu is not base64url", i + 1);
        goto out;
    }
    v = json_loadb((const char *)bin, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_array(v) || (json_array_size(v) != 2 && json_array_size(v) != 3) ||
        !json_is_string(json_array_get(v, 0)) ||
        (json_array_size(v) == 3 && !json_is_string(json_array_get(v, 1)))) {
        json_decref(v);
        err = ck_err(CK_ERR_FORMAT,
                     "disclosure %zu is not a JSON array [salt, name, value] or [salt, value]",
                     i + 1);
        goto out;
    }
    sd->value[i] = v;
    digest_of(d->text, d->text_len, sd->digest[i]);
    d->parent = -1;
    for (size_t j = 0; j < i; j++)
        if (strcmp(sd->digest[j], sd->digest[i]) == 0) {
            err = ck_err(CK_ERR_FORMAT, "disclosure %zu is given twice", i + 1);
            goto out;
        }
    err = CK_OK;
out:
    sodium_memzero(bin, CODEC_B64URL_DECODED_MAX(d->text_len));
    free(heap);
    return err;
}

CkErr
sdjwt_parse(const char *text, size_t len, SdJwt **out)
{
    SdJwt *sd = NULL;
    const char *tilde = memchr(text, '~', len), *alg;
    CkErr err;

    *out = NULL;
    if (len > SDJWT_MAX_LEN)
        return ck_err(CK_ERR_TOO_LARGE, "the certificate is longer than %d bytes", SDJWT_MAX_LEN);
    if ((sd = malloc(sizeof *sd)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    memset(sd, 0, offsetof(SdJwt, d));
    if ((sd->text = malloc(len + 1)) == NULL) {
        free(sd);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    memcpy(sd->text, text, len);
    sd->text[len] = '\0';
    sd->text_len = len;
    sd->is_sd = tilde != NULL;
    sd->jws_len = tilde != NULL ? (size_t)(tilde - text) : len;
    if ((err = jws_parse(sd->text, sd->jws_len, 0, &sd->jws)) != CK_OK)
        goto out;
    if (!sd->is_sd) {
        sd->payload = json_incref((json_t *)jws_payload(sd->jws));
        goto done;
    }
    /* "<jws>~<d1>~...~<dn>~[<kb-jwt>]": every part between two '~' is a disclosure. */
    for (size_t p = sd->jws_len + 1; p < len;) {
        const char *q = memchr(sd->text + p, '~', len - p);
        if (q == NULL) {
            err = ck_err(CK_ERR_FORMAT, "a Key Binding JWT (or text after the last '~') is not "
                                        "accepted: certificates are not bound to a holder key");
            goto out;
        }
        if ((size_t)(q - sd->text) == p) {
            err = ck_err(CK_ERR_FORMAT, "an empty disclosure (\"~~\")");
            goto out;
        }
        if (sd->n >= SDJWT_MAX_DISCLOSURES) {
            err = ck_err(CK_ERR_TOO_LARGE, "more than %d disclosures", SDJWT_MAX_DISCLOSURES);
            goto out;
        }
        sd->value[sd->n] = NULL; /* sdjwt_free frees value[0..n) */
        sd->d[sd->n].text = sd->text + p;
        sd->d[sd->n].text_len = (size_t)(q - sd->text) - p;
        sd->n++;
        if ((err = decode_disclosure(sd, sd->n - 1)) != CK_OK)
            goto out;
        p = (size_t)(q - sd->text) + 1;
    }
    alg = json_string_value(json_object_get(jws_payload(sd->jws), "_sd_alg"));
    if (json_object_get(jws_payload(sd->jws), "_sd_alg") != NULL &&
        (alg == NULL || strcmp(alg, SDJWT_ALG) != 0)) {
        err = ck_err(CK_ERR_FORMAT, "\"_sd_alg\" must be \"%s\"", SDJWT_ALG);
        goto out;
    }
    /* Processed in place: the issuer-signed payload becomes the processed one (no copy). The
     * JWS keeps its header and signature; nothing reads its payload after this. */
    sd->payload = json_incref((json_t *)jws_payload(sd->jws));
    if ((err = process(sd, sd->payload, -1, "", true)) != CK_OK)
        goto out;
    for (size_t i = 0; i < sd->n; i++)
        if (!sd->used[i]) {
            err = ck_err(CK_ERR_FORMAT, "disclosure %zu is not referenced by any digest", i + 1);
            goto out;
        }
done:
    *out = sd;
    sd = NULL;
    err = CK_OK;
out:
    sdjwt_free(sd);
    return err;
}

void
sdjwt_free(SdJwt *sd)
{
    if (sd == NULL)
        return;
    for (size_t i = 0; i < sd->n; i++)
        json_decref(sd->value[i]);
    json_decref(sd->payload);
    json_decref(sd->buried);
    jws_free(sd->jws);
    if (sd->text != NULL) {
        sodium_memzero(sd->text, sd->text_len);
        free(sd->text);
    }
    free(sd);
}

bool
sdjwt_is_sd(const SdJwt *sd)
{
    return sd->is_sd;
}

const Jws *
sdjwt_jws(const SdJwt *sd)
{
    return sd->jws;
}

const json_t *
sdjwt_payload(const SdJwt *sd)
{
    return sd->payload;
}

size_t
sdjwt_count(const SdJwt *sd)
{
    return sd->n;
}

const SdJwtDisclosure *
sdjwt_disclosure(const SdJwt *sd, size_t i)
{
    return i < sd->n ? &sd->d[i] : NULL;
}

CkErr
sdjwt_present(const SdJwt *sd, const bool *keep, char **out)
{
    bool take[SDJWT_MAX_DISCLOSURES] = {false};
    size_t total = sd->jws_len + 2, len;
    char *s;

    *out = NULL;
    for (size_t i = 0; keep != NULL && i < sd->n; i++)
        for (int k = keep[i] ? (int)i : -1; k >= 0 && !take[k]; k = sd->d[k].parent)
            take[k] = true;
    for (size_t i = 0; i < sd->n; i++)
        if (take[i])
            total += sd->d[i].text_len + 1;
    if ((s = malloc(total)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    memcpy(s, sd->text, sd->jws_len);
    len = sd->jws_len;
    s[len++] = '~';
    for (size_t i = 0; i < sd->n; i++)
        if (take[i]) {
            memcpy(s + len, sd->d[i].text, sd->d[i].text_len);
            len += sd->d[i].text_len;
            s[len++] = '~';
        }
    s[len] = '\0';
    *out = s;
    return CK_OK;
}
