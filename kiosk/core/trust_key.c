/* trust_key: one key at a time — public JWKs, and an authority's endorsement of a kiosk or
 * publisher key (sign, parse, verify). */
#include "trust_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "fileio.h"
#include "jws.h"

#define JWK_FILE_MAX (64 * 1024)

bool
trust_kiosk_id_valid(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n == 0 || n > TRUST_KIOSK_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

bool
trust_nation_valid(const char *s)
{
    if (s == NULL)
        return false;
    if (strcmp(s, "NATO") == 0)
        return true;
    return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
           s[2] >= 'A' && s[2] <= 'Z';
}

static bool
role_from_name(const char *s, KeyKind *role_out)
{
    for (KeyKind k = KEY_KIND_AUTHORITY; k <= KEY_KIND_PUBLISHER; k++)
        if (s != NULL && strcmp(s, key_kind_name(k)) == 0) {
            *role_out = k;
            return true;
        }
    return false;
}

/* ---- JWKs ---- */

json_t *
trust_jwk_from_public(const PublicKey *pub, KeyKind role)
{
    char *x = codec_b64url_encode(pub->pk, sizeof pub->pk);
    json_t *jwk = NULL;

    if (x != NULL)
        jwk = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "OKP", "crv", "Ed25519", "x",
                        x, "kid", pub->kid, "use", "sig", "alg", "EdDSA", "certkiosk_role",
                        key_kind_name(role));
    free(x);
    return jwk;
}

CkErr
trust_jwk_to_public(const json_t *jwk, const char *what, PublicKey *pub_out, KeyKind *role_out)
{
    const char *kty, *crv, *x, *kid, *role, *alg;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];

    if (!json_is_object(jwk))
        return ck_err(CK_ERR_FORMAT, "%s: a JWK must be a JSON object", what);
    kty = json_string_value(json_object_get(jwk, "kty"));
    crv = json_string_value(json_object_get(jwk, "crv"));
    x = json_string_value(json_object_get(jwk, "x"));
    kid = json_string_value(json_object_get(jwk, "kid"));
    alg = json_string_value(json_object_get(jwk, "alg"));
    if (kty == NULL || strcmp(kty, "OKP") != 0)
        return ck_err(CK_ERR_FORMAT, "%s: \"kty\" must be \"OKP\"", what);
    if (crv == NULL || strcmp(crv, "Ed25519") != 0)
        return ck_err(CK_ERR_FORMAT, "%s: \"crv\" must be \"Ed25519\"", what);
    if (json_object_get(jwk, "d") != NULL)
        return ck_err(CK_ERR_KEY, "%s: holds a private key (\"d\"); only public keys belong here",
                      what);
    if (json_object_get(jwk, "alg") != NULL && (alg == NULL || strcmp(alg, "EdDSA") != 0))
        return ck_err(CK_ERR_FORMAT, "%s: \"alg\" must be \"EdDSA\"", what);
    if (x == NULL)
        return ck_err(CK_ERR_FORMAT, "%s: missing \"x\"", what);
    if (codec_b64url_decode_exact(x, pk, sizeof pk) != CK_OK)
        return ck_err(CK_ERR_FORMAT, "%s: \"x\" is not 32 bytes of base64url", what);
    if (key_public_from_bytes(pk, pub_out) != CK_OK)
        return ck_err(CK_ERR_KEY,
                      "%s: \"x\" is not a valid Ed25519 public key (small order or "
                      "non-canonical)",
                      what);
    if (kid == NULL)
        return ck_err(CK_ERR_FORMAT, "%s: missing \"kid\"", what);
    if (strcmp(kid, pub_out->kid) != 0)
        return ck_err(CK_ERR_KEY, "%s: \"kid\" %.40s does not match its key (whose ID is %s)", what,
                      kid, pub_out->kid);
    if (role_out != NULL) {
        role = json_string_value(json_object_get(jwk, "certkiosk_role"));
        if (role == NULL)
            return ck_err(CK_ERR_FORMAT, "%s: missing \"certkiosk_role\"", what);
        if (!role_from_name(role, role_out))
            return ck_err(CK_ERR_FORMAT, "%s: unknown \"certkiosk_role\" \"%.40s\"", what, role);
    }
    return CK_OK;
}

CkErr
trust_jwk_load(const char *path, KeyKind role, PublicKey *pub_out, json_t **jwk_out)
{
    unsigned char *data = NULL;
    size_t len;
    json_error_t jerr;
    json_t *jwk = NULL;
    KeyKind have;
    CkErr err;

    if (jwk_out != NULL)
        *jwk_out = NULL;
    if ((err = fileio_read(path, JWK_FILE_MAX, &data, &len)) != CK_OK)
        return err;
    if ((jwk = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
        err = ck_err(CK_ERR_FORMAT, "%s:%d:%d: not valid JSON: %s", path, jerr.line, jerr.column,
                     jerr.text);
        goto out;
    }
    if ((err = trust_jwk_to_public(jwk, path, pub_out, &have)) != CK_OK)
        goto out;
    if (have != role) {
        err = ck_err(CK_ERR_KEY, "%s: holds a %s key, not a %s key", path, key_kind_name(have),
                     key_kind_name(role));
        goto out;
    }
    if (jwk_out != NULL) {
        *jwk_out = jwk;
        jwk = NULL;
    }
out:
    json_decref(jwk);
    free(data);
    return err;
}

CkErr
trust_jwk_save(const json_t *jwk, const char *path, bool exclusive)
{
    char *text = json_dumps(jwk, JSON_INDENT(2));
    size_t len;
    CkErr err;

    if (text == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    len = strlen(text);
    text[len] = '\n'; /* json_dumps leaves room: overwrite the NUL, write len + 1 */
    err = fileio_write_atomic(path, text, len + 1, 0600, exclusive);
    free(text);
    return err;
}

/* ---- Endorsements ---- */

/* Re-records the current detail with a prefix (the detail buffer cannot be
 * both source and destination of one ck_err()). */
CkErr
trust_rewrap(CkErr err, const char *prefix)
{
    char d[512];

    snprintf(d, sizeof d, "%s", ck_err_detail());
    return ck_err(err, "%s%s", prefix, d);
}

static int
cmp_nation(const void *a, const void *b)
{
    return strcmp(a, b);
}

CkErr
trust_limits_parse_nations(const char *list, TrustKioskLimits *limits)
{
    const char *p = list;

    limits->n_nations = 0;
    while (p != NULL && *p != '\0') {
        size_t n = strcspn(p, ",");
        char code[TRUST_NATION_MAX + 1];

        if (n == 0 || n > TRUST_NATION_MAX)
            return ck_err(CK_ERR_USAGE, "--nations: \"%.*s\" is not a nation code", (int)n, p);
        memcpy(code, p, n);
        code[n] = '\0';
        if (!trust_nation_valid(code))
            return ck_err(CK_ERR_USAGE,
                          "--nations: \"%s\" is not a nation code (ISO 3166-1 alpha-3, or NATO)",
                          code);
        for (size_t i = 0; i < limits->n_nations; i++)
            if (strcmp(limits->nations[i], code) == 0)
                return ck_err(CK_ERR_USAGE, "--nations: %s is named twice", code);
        if (limits->n_nations == TRUST_ENDORSE_NATIONS_MAX)
            return ck_err(CK_ERR_USAGE, "--nations: more than %d nations",
                          TRUST_ENDORSE_NATIONS_MAX);
        memcpy(limits->nations[limits->n_nations++], code, n + 1);
        p += n;
        if (*p == ',')
            p++;
    }
    qsort(limits->nations, limits->n_nations, sizeof limits->nations[0], cmp_nation);
    return CK_OK;
}

/* Adds limits (may be NULL) to a kiosk endorsement's payload. */
static CkErr
limits_to_json(json_t *payload, const TrustKioskLimits *limits)
{
    TrustKioskLimits sorted;
    json_t *list;

    if (limits == NULL)
        return CK_OK;
    if (limits->max_validity_days > TRUST_VALIDITY_DAYS_MAX)
        return ck_err(CK_ERR_USAGE, "the longest validity is %d days", TRUST_VALIDITY_DAYS_MAX);
    if (limits->max_validity_days > 0 &&
        json_object_set_new(payload, "max_validity_days",
                            json_integer(limits->max_validity_days)) != 0)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (limits->n_nations == 0)
        return CK_OK;
    sorted = *limits;
    qsort(sorted.nations, sorted.n_nations, sizeof sorted.nations[0], cmp_nation);
    if ((list = json_array()) == NULL || json_object_set_new(payload, "nations", list) != 0)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < sorted.n_nations; i++)
        if (json_array_append_new(list, json_string(sorted.nations[i])) != 0)
            return ck_err(CK_ERR_NOMEM, "out of memory");
    return CK_OK;
}

static CkErr endorse(const SecretKey *authority, const PublicKey *subject, KeyKind role,
                     const char *scope, const TrustKioskLimits *limits, int64_t nbf, int64_t exp,
                     int64_t iat, char **jws_out);

CkErr
trust_endorse(const SecretKey *authority, const PublicKey *subject, KeyKind role, const char *scope,
              int64_t nbf, int64_t exp, int64_t iat, char **jws_out)
{
    return endorse(authority, subject, role, scope, NULL, nbf, exp, iat, jws_out);
}

CkErr
trust_endorse_kiosk(const SecretKey *authority, const PublicKey *subject, const char *kiosk_id,
                    const TrustKioskLimits *limits, int64_t nbf, int64_t exp, int64_t iat,
                    char **jws_out)
{
    return endorse(authority, subject, KEY_KIND_KIOSK, kiosk_id, limits, nbf, exp, iat, jws_out);
}

static CkErr
endorse(const SecretKey *authority, const PublicKey *subject, KeyKind role, const char *scope,
        const TrustKioskLimits *limits, int64_t nbf, int64_t exp, int64_t iat, char **jws_out)
{
    PublicKey auth_pub;
    char *x = NULL;
    json_t *payload = NULL;
    CkErr err;

    *jws_out = NULL;
    if (key_kind(authority) != KEY_KIND_AUTHORITY)
        return ck_err(CK_ERR_KEY, "only an authority key may endorse keys");
    if (role == KEY_KIND_KIOSK && !trust_kiosk_id_valid(scope))
        return ck_err(CK_ERR_USAGE, "invalid kiosk ID \"%.80s\"", scope ? scope : "");
    if (role == KEY_KIND_PUBLISHER && !trust_nation_valid(scope))
        return ck_err(CK_ERR_USAGE, "invalid nation code \"%.20s\" (ISO 3166-1 alpha-3, or NATO)",
                      scope ? scope : "");
    if (role != KEY_KIND_KIOSK && role != KEY_KIND_PUBLISHER)
        return ck_err(CK_ERR_USAGE, "only kiosk and publisher keys are endorsed");
    if (nbf >= exp)
        return ck_err(CK_ERR_USAGE, "the endorsement would end before it begins");
    key_public(authority, &auth_pub);
    if ((x = codec_b64url_encode(subject->pk, sizeof subject->pk)) == NULL ||
        (payload = json_pack(
             "{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "sub_kid", subject->kid, "x", x, "role",
             key_kind_name(role), role == KEY_KIND_KIOSK ? "kiosk_id" : "nation", scope, "nbf",
             (json_int_t)nbf, "exp", (json_int_t)exp, "iat", (json_int_t)iat)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (role == KEY_KIND_KIOSK && (err = limits_to_json(payload, limits)) != CK_OK)
        goto out;
    err = jws_sign_json(authority, TRUST_ENDORSEMENT_TYP, auth_pub.kid, payload, jws_out);
out:
    json_decref(payload);
    free(x);
    return err;
}

static CkErr
get_time(const json_t *payload, const char *name, int64_t *out)
{
    const json_t *v = json_object_get(payload, name);

    if (!json_is_integer(v))
        return ck_err(CK_ERR_FORMAT, "endorsement: \"%s\" must be an integer (Unix time)", name);
    *out = (int64_t)json_integer_value(v);
    return CK_OK;
}

CkErr
trust_copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);

    if (n >= cap)
        return CK_ERR_TOO_LARGE;
    memcpy(dst, src, n + 1);
    return CK_OK;
}

/* Reads a kiosk endorsement's optional "max_validity_days" and "nations". */
static CkErr
limits_read(const json_t *p, TrustKioskLimits *out)
{
    const json_t *max = json_object_get(p, "max_validity_days"), *list = json_object_get(p, "nations"),
                 *v;
    size_t i;

    if (max != NULL) {
        if (!json_is_integer(max) || json_integer_value(max) < 1 ||
            json_integer_value(max) > TRUST_VALIDITY_DAYS_MAX)
            return ck_err(CK_ERR_FORMAT,
                          "endorsement: \"max_validity_days\" must be a whole number from 1 to %d",
                          TRUST_VALIDITY_DAYS_MAX);
        out->max_validity_days = (uint32_t)json_integer_value(max);
    }
    if (list == NULL)
        return CK_OK;
    if (!json_is_array(list) || json_array_size(list) == 0 ||
        json_array_size(list) > TRUST_ENDORSE_NATIONS_MAX)
        return ck_err(CK_ERR_FORMAT, "endorsement: \"nations\" must be a list of 1 to %d codes",
                      TRUST_ENDORSE_NATIONS_MAX);
    json_array_foreach(list, i, v) {
        const char *code = json_string_value(v);
        if (!trust_nation_valid(code))
            return ck_err(CK_ERR_FORMAT, "endorsement: \"nations\" holds an invalid code");
        trust_copy_str(out->nations[out->n_nations++], TRUST_NATION_MAX + 1, code);
    }
    return CK_OK;
}

/* Reads the payload of a parsed endorsement into *out. */
static CkErr
endorsement_read(const Jws *jws, Endorsement *out)
{
    const json_t *p = jws_payload(jws);
    const char *kid = jws_kid(jws), *sub_kid, *x, *role, *scope;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    CkErr err;

    memset(out, 0, sizeof *out);
    if ((err = jws_check_typ(jws, TRUST_ENDORSEMENT_TYP)) != CK_OK)
        return trust_rewrap(err, "endorsement: ");
    if (kid == NULL || strlen(kid) != KEY_ID_LEN)
        return ck_err(CK_ERR_FORMAT, "endorsement: the header has no valid \"kid\"");
    memcpy(out->authority_kid, kid, KEY_ID_LEN + 1);
    sub_kid = json_string_value(json_object_get(p, "sub_kid"));
    x = json_string_value(json_object_get(p, "x"));
    role = json_string_value(json_object_get(p, "role"));
    if (sub_kid == NULL || x == NULL || role == NULL)
        return ck_err(CK_ERR_FORMAT, "endorsement: \"sub_kid\", \"x\" and \"role\" are required");
    if (codec_b64url_decode_exact(x, pk, sizeof pk) != CK_OK)
        return ck_err(CK_ERR_FORMAT, "endorsement: \"x\" is not 32 bytes of base64url");
    if (key_public_from_bytes(pk, &out->subject) != CK_OK)
        return ck_err(CK_ERR_KEY, "endorsement: \"x\" is not a valid Ed25519 public key");
    if (strcmp(sub_kid, out->subject.kid) != 0)
        return ck_err(CK_ERR_KEY, "endorsement: \"sub_kid\" %.40s does not match \"x\" (%s)",
                      sub_kid, out->subject.kid);
    if (!role_from_name(role, &out->role) || out->role == KEY_KIND_AUTHORITY)
        return ck_err(CK_ERR_FORMAT, "endorsement: \"role\" must be \"kiosk\" or \"publisher\"");
    if (out->role == KEY_KIND_KIOSK) {
        scope = json_string_value(json_object_get(p, "kiosk_id"));
        if (!trust_kiosk_id_valid(scope))
            return ck_err(CK_ERR_FORMAT, "endorsement: missing or invalid \"kiosk_id\"");
        trust_copy_str(out->kiosk_id, sizeof out->kiosk_id, scope);
    } else {
        scope = json_string_value(json_object_get(p, "nation"));
        if (!trust_nation_valid(scope))
            return ck_err(CK_ERR_FORMAT, "endorsement: missing or invalid \"nation\"");
        trust_copy_str(out->nation, sizeof out->nation, scope);
    }
    if (out->role == KEY_KIND_KIOSK && (err = limits_read(p, &out->limits)) != CK_OK)
        return err;
    if ((err = get_time(p, "nbf", &out->nbf)) != CK_OK ||
        (err = get_time(p, "exp", &out->exp)) != CK_OK ||
        (err = get_time(p, "iat", &out->iat)) != CK_OK)
        return err;
    if (out->nbf >= out->exp)
        return ck_err(CK_ERR_FORMAT, "endorsement: \"nbf\" is not before \"exp\"");
    return CK_OK;
}

CkErr
trust_endorsement_parse(const char *jws_text, Endorsement *out)
{
    Jws *jws = NULL;
    CkErr err;

    if ((err = jws_parse(jws_text, strlen(jws_text), 0, &jws)) != CK_OK)
        return trust_rewrap(err, "endorsement: ");
    err = endorsement_read(jws, out);
    jws_free(jws);
    return err;
}

CkErr
trust_endorsement_verify(const char *jws_text, const PublicKey *authority, Endorsement *out)
{
    Jws *jws = NULL;
    CkErr err;

    if ((err = jws_parse(jws_text, strlen(jws_text), 0, &jws)) != CK_OK)
        return trust_rewrap(err, "endorsement: ");
    if ((err = endorsement_read(jws, out)) != CK_OK)
        goto out;
    if (strcmp(out->authority_kid, authority->kid) != 0) {
        err = ck_err(CK_ERR_UNTRUSTED, "endorsement is signed by %s, not by authority %s",
                     out->authority_kid, authority->kid);
        goto out;
    }
    if (jws_verify(jws, authority) != CK_OK)
        err = ck_err(CK_ERR_SIGNATURE, "endorsement signature does not verify with authority %s",
                     authority->kid);
out:
    jws_free(jws);
    return err;
}
