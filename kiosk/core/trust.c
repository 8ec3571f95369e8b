/* trust: who vouches for which key — JWKs, authority endorsements and the JWKS trust file. */
#include "trust.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "codec.h"
#include "fileio.h"
#include "jws.h"

/* One key of the trust file. For kiosk and publisher keys, status says
 * whether the endorsement checked out against a pinned authority; the time
 * window is judged only at look-up, against the time asked about. */
typedef struct TrustEntry {
    json_t *jwk; /* the JWK as stored and written back */
    PublicKey pub;
    KeyKind role;
    Endorsement endorsement; /* kiosk and publisher keys only */
    CkErr status;
    char why[256];
} TrustEntry;

struct Trust {
    TrustEntry *v;
    size_t n, cap;
};

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
    err = fileio_write_atomic(path, text, len + 1, 0644, exclusive);
    free(text);
    return err;
}

/* ---- Endorsements ---- */

/* Re-records the current detail with a prefix (the detail buffer cannot be
 * both source and destination of one ck_err()). */
static CkErr
rewrap(CkErr err, const char *prefix)
{
    char d[512];

    snprintf(d, sizeof d, "%s", ck_err_detail());
    return ck_err(err, "%s%s", prefix, d);
}

CkErr
trust_endorse(const SecretKey *authority, const PublicKey *subject, KeyKind role, const char *scope,
              int64_t nbf, int64_t exp, int64_t iat, char **jws_out)
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

static CkErr
copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);

    if (n >= cap)
        return CK_ERR_TOO_LARGE;
    memcpy(dst, src, n + 1);
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
        return rewrap(err, "endorsement: ");
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
        copy_str(out->kiosk_id, sizeof out->kiosk_id, scope);
    } else {
        scope = json_string_value(json_object_get(p, "nation"));
        if (!trust_nation_valid(scope))
            return ck_err(CK_ERR_FORMAT, "endorsement: missing or invalid \"nation\"");
        copy_str(out->nation, sizeof out->nation, scope);
    }
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
        return rewrap(err, "endorsement: ");
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
        return rewrap(err, "endorsement: ");
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

/* ---- The trust set ---- */

CkErr
trust_new(Trust **trust_out)
{
    if ((*trust_out = calloc(1, sizeof **trust_out)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    return CK_OK;
}

void
trust_free(Trust *trust)
{
    if (trust == NULL)
        return;
    for (size_t i = 0; i < trust->n; i++)
        json_decref(trust->v[i].jwk);
    free(trust->v);
    free(trust);
}

static TrustEntry *
find(const Trust *trust, const char *kid)
{
    if (kid == NULL)
        return NULL;
    for (size_t i = 0; i < trust->n; i++)
        if (strcmp(trust->v[i].pub.kid, kid) == 0)
            return &trust->v[i];
    return NULL;
}

/* Judges e's endorsement against the authorities pinned now. */
static void
evaluate(const Trust *trust, TrustEntry *e)
{
    const TrustEntry *auth;
    const char *jws = json_string_value(json_object_get(e->jwk, "endorsement"));
    Endorsement checked;

    e->status = CK_OK;
    e->why[0] = '\0';
    if (e->role == KEY_KIND_AUTHORITY)
        return;
    auth = find(trust, e->endorsement.authority_kid);
    if (auth == NULL || auth->role != KEY_KIND_AUTHORITY) {
        e->status = CK_ERR_UNTRUSTED;
        snprintf(e->why, sizeof e->why,
                 "%s key %s is endorsed by %s, which is not a pinned authority",
                 key_kind_name(e->role), e->pub.kid, e->endorsement.authority_kid);
        return;
    }
    if (trust_endorsement_verify(jws, &auth->pub, &checked) != CK_OK) {
        e->status = CK_ERR_UNTRUSTED;
        snprintf(e->why, sizeof e->why,
                 "the endorsement of %s key %s does not verify with authority %s",
                 key_kind_name(e->role), e->pub.kid, auth->pub.kid);
    }
}

static void
evaluate_all(Trust *trust)
{
    for (size_t i = 0; i < trust->n; i++)
        evaluate(trust, &trust->v[i]);
}

/* Checks one JWK of a trust file and fills *e (taking a reference to jwk). */
static CkErr
entry_from_jwk(json_t *jwk, const char *what, TrustEntry *e)
{
    const char *jws, *scope;
    CkErr err;

    memset(e, 0, sizeof *e);
    if ((err = trust_jwk_to_public(jwk, what, &e->pub, &e->role)) != CK_OK)
        return err;
    if (e->role != KEY_KIND_AUTHORITY) {
        jws = json_string_value(json_object_get(jwk, "endorsement"));
        if (jws == NULL)
            return ck_err(CK_ERR_FORMAT, "%s: %s key %s has no \"endorsement\"", what,
                          key_kind_name(e->role), e->pub.kid);
        if ((err = trust_endorsement_parse(jws, &e->endorsement)) != CK_OK) {
            char prefix[400];
            snprintf(prefix, sizeof prefix, "%s: key %s: ", what, e->pub.kid);
            return rewrap(err, prefix);
        }
        if (!key_public_equal(&e->endorsement.subject, &e->pub))
            return ck_err(CK_ERR_KEY, "%s: key %s carries an endorsement of another key (%s)", what,
                          e->pub.kid, e->endorsement.subject.kid);
        if (e->endorsement.role != e->role)
            return ck_err(CK_ERR_KEY, "%s: %s key %s carries an endorsement as a %s key", what,
                          key_kind_name(e->role), e->pub.kid, key_kind_name(e->endorsement.role));
        scope = json_string_value(
            json_object_get(jwk, e->role == KEY_KIND_KIOSK ? "kiosk_id" : "nation"));
        if (scope == NULL || strcmp(scope, e->role == KEY_KIND_KIOSK ? e->endorsement.kiosk_id
                                                                     : e->endorsement.nation) != 0)
            return ck_err(CK_ERR_KEY, "%s: key %s: its \"%s\" differs from its endorsement's", what,
                          e->pub.kid, e->role == KEY_KIND_KIOSK ? "kiosk_id" : "nation");
    }
    e->jwk = json_incref(jwk);
    return CK_OK;
}

static CkErr
push(Trust *trust, const TrustEntry *e)
{
    if (trust->n == trust->cap) {
        size_t cap = trust->cap ? trust->cap * 2 : 8;
        TrustEntry *v = realloc(trust->v, cap * sizeof *v);
        if (v == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        trust->v = v;
        trust->cap = cap;
    }
    trust->v[trust->n++] = *e;
    return CK_OK;
}

/* Adds e, replacing an entry of the same kid and role. Takes e's reference. */
static CkErr
put(Trust *trust, TrustEntry *e)
{
    TrustEntry *old = find(trust, e->pub.kid);
    CkErr err;

    if (old != NULL && old->role != e->role) {
        err = ck_err(CK_ERR_KEY, "key %s is already listed as a %s key, not a %s key", e->pub.kid,
                     key_kind_name(old->role), key_kind_name(e->role));
        json_decref(e->jwk);
        return err;
    }
    if (old != NULL) {
        json_decref(old->jwk);
        *old = *e;
        return CK_OK;
    }
    if ((err = push(trust, e)) != CK_OK)
        json_decref(e->jwk);
    return err;
}

CkErr
trust_from_json(const json_t *jwks, const char *what, Trust **trust_out)
{
    const json_t *keys = json_object_get(jwks, "keys");
    Trust *trust = NULL;
    TrustEntry e;
    char where[300];
    CkErr err;

    *trust_out = NULL;
    if (!json_is_object(jwks) || !json_is_array(keys))
        return ck_err(CK_ERR_FORMAT, "%s: not a JWKS (expected {\"keys\":[...]})", what);
    if ((err = trust_new(&trust)) != CK_OK)
        return err;
    for (size_t i = 0; i < json_array_size(keys); i++) {
        snprintf(where, sizeof where, "%s: keys[%zu]", what, i);
        if ((err = entry_from_jwk(json_array_get(keys, i), where, &e)) != CK_OK)
            goto out;
        if (find(trust, e.pub.kid) != NULL) {
            json_decref(e.jwk);
            err = ck_err(CK_ERR_FORMAT, "%s: duplicate kid %s", where, e.pub.kid);
            goto out;
        }
        if ((err = push(trust, &e)) != CK_OK) {
            json_decref(e.jwk);
            goto out;
        }
    }
    evaluate_all(trust);
    *trust_out = trust;
    trust = NULL;
out:
    trust_free(trust);
    return err;
}

CkErr
trust_load(const char *path, Trust **trust_out)
{
    unsigned char *data = NULL;
    size_t len;
    json_error_t jerr;
    json_t *jwks;
    CkErr err;

    *trust_out = NULL;
    if ((err = fileio_read(path, TRUST_FILE_MAX, &data, &len)) != CK_OK)
        return err;
    jwks = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    free(data);
    if (jwks == NULL)
        return ck_err(CK_ERR_FORMAT, "%s:%d:%d: not valid JSON: %s", path, jerr.line, jerr.column,
                      jerr.text);
    err = trust_from_json(jwks, path, trust_out);
    json_decref(jwks);
    return err;
}

json_t *
trust_to_json(const Trust *trust)
{
    json_t *keys = json_array(), *jwks;

    if (keys == NULL)
        return NULL;
    for (KeyKind role = KEY_KIND_AUTHORITY; role <= KEY_KIND_PUBLISHER; role++)
        for (size_t i = 0; i < trust->n; i++)
            if (trust->v[i].role == role && json_array_append(keys, trust->v[i].jwk) != 0) {
                json_decref(keys);
                return NULL;
            }
    jwks = json_pack("{s:o}", "keys", keys);
    return jwks;
}

CkErr
trust_save(const Trust *trust, const char *path)
{
    json_t *jwks = trust_to_json(trust);
    CkErr err;

    if (jwks == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    err = trust_jwk_save(jwks, path, false);
    json_decref(jwks);
    return err;
}

/* Adds the new entry e (put()) and judges every endorsement again; jwk_ok
 * says whether building e's JWK succeeded. Takes e's JWK reference. */
static CkErr
add_entry(Trust *trust, TrustEntry *e, bool jwk_ok)
{
    CkErr err;

    if (!jwk_ok) {
        json_decref(e->jwk);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    if ((err = put(trust, e)) != CK_OK)
        return err;
    evaluate_all(trust);
    return CK_OK;
}

CkErr
trust_add_authority(Trust *trust, const PublicKey *pub, const char *name)
{
    TrustEntry e;
    TrustEntry *old = find(trust, pub->kid);
    bool ok;

    if (old != NULL && old->role == KEY_KIND_AUTHORITY)
        return CK_OK;
    memset(&e, 0, sizeof e);
    e.pub = *pub;
    e.role = KEY_KIND_AUTHORITY;
    e.jwk = trust_jwk_from_public(pub, KEY_KIND_AUTHORITY);
    ok = e.jwk != NULL &&
         (name == NULL || json_object_set_new(e.jwk, "name", json_string(name)) == 0);
    return add_entry(trust, &e, ok);
}

CkErr
trust_add_endorsed(Trust *trust, const char *endorsement_jws)
{
    Endorsement en;
    const TrustEntry *auth;
    TrustEntry e;
    CkErr err;
    bool ok;

    if ((err = trust_endorsement_parse(endorsement_jws, &en)) != CK_OK)
        return err;
    auth = find(trust, en.authority_kid);
    if (auth == NULL || auth->role != KEY_KIND_AUTHORITY)
        return ck_err(CK_ERR_UNTRUSTED,
                      "the endorsement is signed by %s, which is not a pinned authority; pin the "
                      "authority first",
                      en.authority_kid);
    if ((err = trust_endorsement_verify(endorsement_jws, &auth->pub, &en)) != CK_OK)
        return err;
    memset(&e, 0, sizeof e);
    e.pub = en.subject;
    e.role = en.role;
    e.endorsement = en;
    e.jwk = trust_jwk_from_public(&en.subject, en.role);
    ok = e.jwk != NULL &&
         json_object_set_new(e.jwk, en.role == KEY_KIND_KIOSK ? "kiosk_id" : "nation",
                             json_string(en.role == KEY_KIND_KIOSK ? en.kiosk_id : en.nation)) ==
             0 &&
         json_object_set_new(e.jwk, "endorsement", json_string(endorsement_jws)) == 0;
    return add_entry(trust, &e, ok);
}

CkErr
trust_merge(Trust *dst, const Trust *src)
{
    TrustEntry e;
    CkErr err;

    for (KeyKind role = KEY_KIND_AUTHORITY; role <= KEY_KIND_PUBLISHER; role++)
        for (size_t i = 0; i < src->n; i++) {
            if (src->v[i].role != role)
                continue;
            e = src->v[i];
            if ((e.jwk = json_deep_copy(src->v[i].jwk)) == NULL)
                return ck_err(CK_ERR_NOMEM, "out of memory");
            if ((err = put(dst, &e)) != CK_OK)
                return err;
        }
    evaluate_all(dst);
    return CK_OK;
}

size_t
trust_count(const Trust *trust, KeyKind role)
{
    size_t n = 0;

    for (size_t i = 0; i < trust->n; i++)
        n += trust->v[i].role == role;
    return n;
}

CkErr
trust_find_authority(const Trust *trust, const char *kid, PublicKey *pub_out)
{
    const TrustEntry *e = find(trust, kid);

    if (e == NULL || e->role != KEY_KIND_AUTHORITY)
        return ck_err(CK_ERR_UNTRUSTED, "%.40s is not a pinned authority key",
                      kid ? kid : "(no kid)");
    *pub_out = e->pub;
    return CK_OK;
}

CkErr
trust_lookup(const Trust *trust, const char *kid, KeyKind role, PublicKey *pub_out)
{
    const TrustEntry *e = find(trust, kid);

    if (kid == NULL)
        return ck_err(CK_ERR_UNTRUSTED, "no key ID (\"kid\") given");
    if (e == NULL)
        return ck_err(CK_ERR_UNTRUSTED, "%s key %.40s is not in the trust file",
                      key_kind_name(role), kid);
    if (e->role != role)
        return ck_err(CK_ERR_UNTRUSTED, "key %s is a %s key, not a %s key", kid,
                      key_kind_name(e->role), key_kind_name(role));
    *pub_out = e->pub;
    return CK_OK;
}

/* Common part of the find functions: listed, right role, endorsed, in window. */
static CkErr
find_endorsed(const Trust *trust, const char *kid, KeyKind role, int64_t at_time,
              const TrustEntry **e_out)
{
    const TrustEntry *e = find(trust, kid);
    char from[CLOCK_RFC3339_LEN + 1], until[CLOCK_RFC3339_LEN + 1];
    PublicKey unused;
    CkErr err;

    if ((err = trust_lookup(trust, kid, role, &unused)) != CK_OK)
        return err;
    if (e->status != CK_OK)
        return ck_err(e->status, "%s", e->why);
    clock_format(e->endorsement.nbf, from);
    clock_format(e->endorsement.exp, until);
    if (at_time < e->endorsement.nbf)
        return ck_err(CK_ERR_NOT_YET_VALID, "%s key %s is endorsed only from %s (until %s)",
                      key_kind_name(role), kid, from, until);
    if (at_time >= e->endorsement.exp)
        return ck_err(CK_ERR_EXPIRED, "the endorsement of %s key %s ended %s (it began %s)",
                      key_kind_name(role), kid, until, from);
    *e_out = e;
    return CK_OK;
}

CkErr
trust_find_kiosk(const Trust *trust, const char *kid, int64_t at_time, PublicKey *pub_out,
                 char kiosk_id_out[TRUST_KIOSK_ID_MAX + 1])
{
    const TrustEntry *e;
    CkErr err;

    if ((err = find_endorsed(trust, kid, KEY_KIND_KIOSK, at_time, &e)) != CK_OK)
        return err;
    *pub_out = e->pub;
    if (kiosk_id_out != NULL)
        memcpy(kiosk_id_out, e->endorsement.kiosk_id, sizeof e->endorsement.kiosk_id);
    return CK_OK;
}

CkErr
trust_find_publisher(const Trust *trust, const char *kid, const char *nation, int64_t at_time,
                     PublicKey *pub_out)
{
    const TrustEntry *e;
    CkErr err;

    if (nation == NULL)
        return ck_err(CK_ERR_USAGE, "no nation given");
    if ((err = find_endorsed(trust, kid, KEY_KIND_PUBLISHER, at_time, &e)) != CK_OK)
        return err;
    if (strcmp(e->endorsement.nation, nation) != 0)
        return ck_err(CK_ERR_UNTRUSTED, "publisher key %s is endorsed for %s, not %.20s", kid,
                      e->endorsement.nation, nation);
    *pub_out = e->pub;
    return CK_OK;
}
