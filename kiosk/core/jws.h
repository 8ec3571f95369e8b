/* jws: compact JWS (RFC 7515) with EdDSA/Ed25519 (RFC 8037) only — sign, parse, verify. */
#ifndef CERTKIOSK_JWS_H
#define CERTKIOSK_JWS_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"
#include "keys.h"

/* Longest compact JWS accepted (bytes); longer input is CK_ERR_TOO_LARGE
 * before anything is decoded. */
#define JWS_MAX_LEN (64 * 1024)

/* A parsed, not yet verified, compact JWS. Only jws.c knows its fields. */
typedef struct Jws Jws;

/* Flags for jws_parse(). */
enum {
    JWS_PAYLOAD_JSON = 0,     /* the payload must be one JSON object (the default) */
    JWS_PAYLOAD_RAW = 1 << 0, /* the payload is opaque bytes (RFC 8037 test vectors) */
};

/* Signs payload bytes. The protected header is exactly
 * {"alg":"EdDSA","typ":typ,"kid":kid} in that order, with typ and kid left
 * out when NULL. *jws_out is a new NUL-terminated string (free with free()). */
CkErr jws_sign(const SecretKey *sk, const char *typ, const char *kid, const unsigned char *payload,
               size_t payload_len, char **jws_out);

/* Signs a JSON payload, serialised compactly in its own key order. */
CkErr jws_sign_json(const SecretKey *sk, const char *typ, const char *kid, const json_t *payload,
                    char **jws_out);

/* Splits and decodes text (len bytes, no trailing newline) WITHOUT checking
 * the signature. Refuses, with CK_ERR_FORMAT and a detail naming the part:
 * anything but three non-empty base64url parts, a header that is not a JSON
 * object, "alg" other than "EdDSA" ("none", "HS256", ...), a "crit" header,
 * header parameters other than alg/typ/kid/cty, a signature that is not 64
 * bytes, and (unless JWS_PAYLOAD_RAW) a payload that is not a JSON object.
 * Longer than JWS_MAX_LEN is CK_ERR_TOO_LARGE. *jws_out: free with jws_free(). */
CK_WUR CkErr jws_parse(const char *text, size_t len, unsigned flags, Jws **jws_out);

/* Frees a parsed JWS. Accepts NULL. */
void jws_free(Jws *jws);

/* The protected header (a JSON object). Borrowed; valid until jws_free(). */
const json_t *jws_header(const Jws *jws);

/* The payload as a JSON object, or NULL when parsed with JWS_PAYLOAD_RAW.
 * Borrowed; valid until jws_free(). */
const json_t *jws_payload(const Jws *jws);

/* The decoded payload bytes (*len_out of them, NUL-terminated). Borrowed. */
const unsigned char *jws_payload_bytes(const Jws *jws, size_t *len_out);

/* The header's "typ" / "kid", or NULL when absent. Borrowed. */
const char *jws_typ(const Jws *jws);
const char *jws_kid(const Jws *jws);

/* CK_OK if the header's "typ" is exactly typ; CK_ERR_FORMAT otherwise
 * (missing or another type), so one kind of signed object is never taken
 * for another. */
CK_WUR CkErr jws_check_typ(const Jws *jws, const char *typ);

/* Checks the signature over the exact signing input with pub:
 * CK_OK or CK_ERR_SIGNATURE. */
CK_WUR CkErr jws_verify(const Jws *jws, const PublicKey *pub);

#endif
