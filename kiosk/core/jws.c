/* jws: a deliberately small compact-JWS implementation — one algorithm, strict parsing. */
#include "jws.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "jsonmem.h"

/* One allocation: the struct, then the signing input and the payload bytes. */
struct Jws {
    json_t *header;
    json_t *payload; /* NULL for JWS_PAYLOAD_RAW */
    unsigned char *payload_bytes;
    size_t payload_len;
    char *signing_input; /* "<b64 header>.<b64 payload>" */
    size_t signing_input_len;
    unsigned char sig[crypto_sign_BYTES];
};

/* Headers are short; a longer one is decoded on the heap. */
#define JWS_HEADER_STACK 512

/* Header parameters we understand. Anything else is refused rather than
 * ignored: jwk/jku/x5u/x5c would invite a verifier to take the key from the
 * token itself, and "b64":false would change what is signed. */
static const char *const known_headers[] = {"alg", "typ", "kid", "cty"};

/* jansson's allocator (jsonmem.h): every block it frees is wiped first, and a thread's
 * scratch region serves the trees of one certificate. Installed before main, ahead of any
 * JSON allocation; here because every program that parses JSON links jws.c. */
__attribute__((constructor)) static void
jsonmem_install(void)
{
    json_set_alloc_funcs(jsonmem_malloc, jsonmem_free);
}

static CkErr
sign_input(const SecretKey *sk, const char *head_b64, const char *body_b64, char **jws_out)
{
    unsigned char sig[crypto_sign_BYTES];
    char *input = NULL, *sig_b64 = NULL, *out = NULL;
    size_t hlen = strlen(head_b64), blen = strlen(body_b64), slen;
    CkErr err = CK_OK;

    if ((input = malloc(hlen + 1 + blen + 1)) == NULL)
        goto nomem;
    memcpy(input, head_b64, hlen);
    input[hlen] = '.';
    memcpy(input + hlen + 1, body_b64, blen + 1);
    key_sign(sk, (const unsigned char *)input, hlen + 1 + blen, sig);
    if ((sig_b64 = codec_b64url_encode(sig, sizeof sig)) == NULL)
        goto nomem;
    slen = strlen(sig_b64);
    if ((out = malloc(hlen + 1 + blen + 1 + slen + 1)) == NULL)
        goto nomem;
    memcpy(out, input, hlen + 1 + blen);
    out[hlen + 1 + blen] = '.';
    memcpy(out + hlen + 1 + blen + 1, sig_b64, slen + 1);
    *jws_out = out;
    goto done;
nomem:
    err = ck_err(CK_ERR_NOMEM, "out of memory signing a JWS");
done:
    free(sig_b64);
    free(input);
    return err;
}

CkErr
jws_sign(const SecretKey *sk, const char *typ, const char *kid, const unsigned char *payload,
         size_t payload_len, char **jws_out)
{
    json_t *head = json_object();
    char *head_json = NULL, *head_b64 = NULL, *body_b64 = NULL;
    CkErr err = CK_OK;

    *jws_out = NULL;
    if (head == NULL || json_object_set_new(head, "alg", json_string("EdDSA")) != 0 ||
        (typ != NULL && json_object_set_new(head, "typ", json_string(typ)) != 0) ||
        (kid != NULL && json_object_set_new(head, "kid", json_string(kid)) != 0) ||
        (head_json = json_dumps(head, JSON_COMPACT)) == NULL ||
        (head_b64 = codec_b64url_encode((const unsigned char *)head_json, strlen(head_json))) ==
            NULL ||
        (body_b64 = codec_b64url_encode(payload, payload_len)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory building a JWS");
        goto out;
    }
    err = sign_input(sk, head_b64, body_b64, jws_out);
out:
    /* The payload may carry personal data: leave no stray copy behind. */
    if (body_b64 != NULL)
        sodium_memzero(body_b64, strlen(body_b64));
    free(body_b64);
    free(head_b64);
    free(head_json);
    json_decref(head);
    return err;
}

CkErr
jws_sign_json(const SecretKey *sk, const char *typ, const char *kid, const json_t *payload,
              char **jws_out)
{
    char *body;
    CkErr err;

    *jws_out = NULL;
    if (!json_is_object(payload))
        return ck_err(CK_ERR_USAGE, "a JWS payload must be a JSON object");
    if ((body = json_dumps(payload, JSON_COMPACT)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory serialising a JWS payload");
    err = jws_sign(sk, typ, kid, (const unsigned char *)body, strlen(body), jws_out);
    sodium_memzero(body, strlen(body));
    free(body);
    return err;
}

void
jws_free(Jws *jws)
{
    if (jws == NULL)
        return;
    json_decref(jws->header);
    json_decref(jws->payload);
    /* The payload may carry personal data. */
    sodium_memzero(jws->payload_bytes, jws->payload_len);
    free(jws);
}

/* Every part of a JWS is public (a certificate is shown to whoever verifies
 * it), so the fast, data-dependent decoder is used, not libsodium's
 * constant-time one. bin has room for CODEC_B64URL_DECODED_MAX(len) bytes. */
static CkErr
decode_part(const char *b64, size_t len, const char *what, unsigned char *bin, size_t *len_out)
{
    if (len == 0)
        return ck_err(CK_ERR_FORMAT, "JWS %s is empty", what);
    if (codec_b64url_decode_public(b64, len, bin, CODEC_B64URL_DECODED_MAX(len), len_out) != CK_OK)
        return ck_err(CK_ERR_FORMAT, "JWS %s is not valid base64url", what);
    return CK_OK;
}

static CkErr
parse_object(const unsigned char *bin, size_t len, const char *what, json_t **obj_out)
{
    json_error_t jerr;
    json_t *obj;

    *obj_out = NULL;
    if (memchr(bin, '\0', len) != NULL)
        return ck_err(CK_ERR_FORMAT, "JWS %s contains a NUL byte", what);
    obj = json_loadb((const char *)bin, len, JSON_REJECT_DUPLICATES, &jerr);
    if (obj == NULL)
        return ck_err(CK_ERR_FORMAT, "JWS %s is not valid JSON: %s", what, jerr.text);
    if (!json_is_object(obj)) {
        json_decref(obj);
        return ck_err(CK_ERR_FORMAT, "JWS %s is not a JSON object", what);
    }
    *obj_out = obj;
    return CK_OK;
}

static CkErr
check_header(const json_t *head)
{
    const json_t *alg = json_object_get(head, "alg"), *v;
    const char *key;

    if (json_object_get(head, "crit") != NULL)
        return ck_err(CK_ERR_FORMAT, "JWS header has \"crit\" parameters, which are not supported");
    if (alg == NULL)
        return ck_err(CK_ERR_FORMAT, "JWS header has no \"alg\"");
    if (!json_is_string(alg))
        return ck_err(CK_ERR_FORMAT, "JWS header \"alg\" is not a string");
    if (strcmp(json_string_value(alg), "EdDSA") != 0 || json_string_length(alg) != 5)
        return ck_err(CK_ERR_FORMAT,
                      "JWS algorithm \"%.20s\" is refused; only \"EdDSA\" (Ed25519) is accepted",
                      json_string_value(alg));
    json_object_foreach((json_t *)head, key, v)
    {
        bool known = false;
        for (size_t i = 0; i < sizeof known_headers / sizeof known_headers[0]; i++)
            known = known || strcmp(key, known_headers[i]) == 0;
        if (!known)
            return ck_err(CK_ERR_FORMAT, "JWS header parameter \"%.40s\" is not supported", key);
        if (!json_is_string(v))
            return ck_err(CK_ERR_FORMAT, "JWS header \"%s\" is not a string", key);
    }
    return CK_OK;
}

CkErr
jws_parse(const char *text, size_t len, unsigned flags, Jws **jws_out)
{
    const char *dot1, *dot2, *sig_b64;
    unsigned char head_stack[JWS_HEADER_STACK], *head_bin = head_stack, *heap_head = NULL;
    unsigned char sig_stack[CODEC_B64URL_DECODED_MAX(86)], *sig_bin = sig_stack, *heap_sig = NULL;
    size_t head_b64_len, payload_b64_len, sig_b64_len, head_len = 0, sig_len = 0;
    Jws *jws = NULL;
    CkErr err;

    *jws_out = NULL;
    if (len > JWS_MAX_LEN)
        return ck_err(CK_ERR_TOO_LARGE, "JWS is %zu bytes, more than the limit of %d", len,
                      JWS_MAX_LEN);
    if (len == 0)
        return ck_err(CK_ERR_FORMAT, "JWS is empty");
    if (memchr(text, '\0', len) != NULL)
        return ck_err(CK_ERR_FORMAT, "JWS contains a NUL byte");
    if ((dot1 = memchr(text, '.', len)) == NULL ||
        (dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - text))) == NULL)
        return ck_err(CK_ERR_FORMAT, "not a compact JWS (expected three parts separated by dots)");
    if (memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - text)) != NULL)
        return ck_err(CK_ERR_FORMAT, "not a compact JWS (more than three parts)");
    head_b64_len = (size_t)(dot1 - text);
    payload_b64_len = (size_t)(dot2 - dot1 - 1);
    sig_b64 = dot2 + 1;
    sig_b64_len = len - (size_t)(sig_b64 - text);
    /* The struct, the signing input and the payload in one block. */
    if ((jws = calloc(1, sizeof *jws + (size_t)(dot2 - text) + 1 +
                             CODEC_B64URL_DECODED_MAX(payload_b64_len) + 1)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory parsing a JWS");
    jws->signing_input = (char *)(jws + 1);
    jws->signing_input_len = (size_t)(dot2 - text);
    jws->payload_bytes = (unsigned char *)jws->signing_input + jws->signing_input_len + 1;
    if (CODEC_B64URL_DECODED_MAX(head_b64_len) > sizeof head_stack &&
        (head_bin = heap_head = malloc(CODEC_B64URL_DECODED_MAX(head_b64_len))) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory parsing a JWS");
        goto out;
    }
    if ((err = decode_part(text, head_b64_len, "header", head_bin, &head_len)) != CK_OK)
        goto out;
    if ((err = parse_object(head_bin, head_len, "header", &jws->header)) != CK_OK)
        goto out;
    if ((err = check_header(jws->header)) != CK_OK)
        goto out;
    if ((err = decode_part(dot1 + 1, payload_b64_len, "payload", jws->payload_bytes,
                           &jws->payload_len)) != CK_OK)
        goto out;
    jws->payload_bytes[jws->payload_len] = '\0';
    /* A signature is 86 characters; a longer one is decoded on the heap, to be refused. */
    if (CODEC_B64URL_DECODED_MAX(sig_b64_len) > sizeof sig_stack &&
        (sig_bin = heap_sig = malloc(CODEC_B64URL_DECODED_MAX(sig_b64_len))) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory parsing a JWS");
        goto out;
    }
    if ((err = decode_part(sig_b64, sig_b64_len, "signature", sig_bin, &sig_len)) != CK_OK)
        goto out;
    if (sig_len != crypto_sign_BYTES) {
        err =
            ck_err(CK_ERR_FORMAT, "JWS signature is %zu bytes, not %d", sig_len, crypto_sign_BYTES);
        goto out;
    }
    memcpy(jws->sig, sig_bin, sizeof jws->sig);
    if (!(flags & JWS_PAYLOAD_RAW) && (err = parse_object(jws->payload_bytes, jws->payload_len,
                                                          "payload", &jws->payload)) != CK_OK)
        goto out;
    memcpy(jws->signing_input, text, jws->signing_input_len);
    jws->signing_input[jws->signing_input_len] = '\0';
    *jws_out = jws;
    jws = NULL;
out:
    free(heap_sig);
    free(heap_head);
    jws_free(jws);
    return err;
}

const json_t *
jws_header(const Jws *jws)
{
    return jws->header;
}

const json_t *
jws_payload(const Jws *jws)
{
    return jws->payload;
}

const unsigned char *
jws_payload_bytes(const Jws *jws, size_t *len_out)
{
    *len_out = jws->payload_len;
    return jws->payload_bytes;
}

const char *
jws_typ(const Jws *jws)
{
    return json_string_value(json_object_get(jws->header, "typ"));
}

const char *
jws_kid(const Jws *jws)
{
    return json_string_value(json_object_get(jws->header, "kid"));
}

CkErr
jws_check_typ(const Jws *jws, const char *typ)
{
    const char *have = jws_typ(jws);

    if (have == NULL)
        return ck_err(CK_ERR_FORMAT, "JWS header has no \"typ\"; expected \"%s\"", typ);
    if (strcmp(have, typ) != 0)
        return ck_err(CK_ERR_FORMAT, "JWS is of type \"%.60s\", expected \"%s\"", have, typ);
    return CK_OK;
}

CkErr
jws_verify(const Jws *jws, const PublicKey *pub)
{
    if (key_verify(pub, (const unsigned char *)jws->signing_input, jws->signing_input_len,
                   jws->sig) != CK_OK)
        return ck_err(CK_ERR_SIGNATURE, "JWS signature does not verify with key %s", pub->kid);
    return CK_OK;
}
