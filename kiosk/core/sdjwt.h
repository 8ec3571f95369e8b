/* sdjwt: Selective Disclosure for JWTs (RFC 9901) over jws.c — conceal claims when issuing,
 * process disclosures when verifying, and cut presentations. SHA-256 digests only; no key
 * binding (a certificate holder has no key of their own). */
#ifndef CERTKIOSK_SDJWT_H
#define CERTKIOSK_SDJWT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "jws.h"
#include "keys.h"

/* Longest SD-JWT accepted (issuer-signed JWT, disclosures and separators);
 * longer input is CK_ERR_TOO_LARGE before anything is decoded. */
#define SDJWT_MAX_LEN (96 * 1024)
/* Most disclosures and digests (real and decoy) one SD-JWT may carry. */
#define SDJWT_MAX_DISCLOSURES 64
#define SDJWT_MAX_DIGESTS 256
/* Salt: 16 random bytes (128 bits, RFC 9901 §9.3), base64url. */
#define SDJWT_SALT_BYTES 16
#define SDJWT_DIGEST_LEN 43 /* base64url SHA-256 */
#define SDJWT_PATH_MAX 96

/* ---- Issuing ---- */

/* Collects the disclosures of one SD-JWT while its payload is built. Only
 * sdjwt.c knows its fields. */
typedef struct SdJwtIssuer SdJwtIssuer;

/* A new issuer, or NULL when out of memory. Free with sdjwt_issuer_free(). */
SdJwtIssuer *sdjwt_issuer_new(void);

/* Wipes and frees. Accepts NULL. */
void sdjwt_issuer_free(SdJwtIssuer *is);

/* Makes claim name (value) of obj selectively disclosable: a disclosure
 * [salt, name, value] is kept and its digest goes into obj's "_sd" (kept
 * sorted, so digest order says nothing about claim order). value is stolen
 * (serialised now: build nested objects completely first). */
CkErr sdjwt_conceal(SdJwtIssuer *is, json_t *obj, const char *name, json_t *value);

/* Appends value to the array arr as a selectively disclosable element
 * {"...": digest}. value is stolen. */
CkErr sdjwt_conceal_element(SdJwtIssuer *is, json_t *arr, json_t *value);

/* Adds n decoy digests (digests of random bytes, RFC 9901 §4.2.5): into
 * "_sd" when target is an object, as {"...": digest} elements at random
 * places when it is an array. */
CkErr sdjwt_decoys(SdJwtIssuer *is, json_t *target, size_t n);

/* Adds "_sd_alg":"sha-256" to payload, signs it as a compact JWS with header
 * {"alg":"EdDSA","typ":typ,"kid":kid} and appends every disclosure:
 * "<jws>~<disclosure>~...~". *out: a new string, free with free(). */
CkErr sdjwt_issue(SdJwtIssuer *is, const SecretKey *sk, const char *typ, const char *kid,
                  json_t *payload, char **out);

/* ---- Processing ---- */

typedef struct SdJwt SdJwt;

/* One disclosure as processed. Strings borrowed from the SdJwt. */
typedef struct SdJwtDisclosure {
    const char *text; /* its base64url form, as in the SD-JWT */
    size_t text_len;
    const char *name; /* the claim name; NULL for an array element */
    int parent;       /* index of the disclosure it sits in, or -1 (issuer-signed JWT) */
    char path[SDJWT_PATH_MAX]; /* where it lands: "credentialSubject.service",
                                  "evidence[]", "evidence[].x" ... */
} SdJwtDisclosure;

/* Splits text into the issuer-signed JWT and its disclosures and processes
 * them (RFC 9901 §7.1) WITHOUT checking the signature: every disclosure must
 * be well formed and referenced exactly once by a digest in the payload or
 * in another disclosure; a digest seen twice, a claim disclosed over an
 * existing one, a "_sd" or "..." claim name, an "_sd_alg" other than
 * "sha-256", or a Key Binding JWT are CK_ERR_FORMAT naming what is wrong.
 * Text without any '~' is a plain compact JWS and is accepted as such
 * (sdjwt_is_sd() false, the payload as signed). *out: free with sdjwt_free(). */
CK_WUR CkErr sdjwt_parse(const char *text, size_t len, SdJwt **out);

/* Frees. Accepts NULL. */
void sdjwt_free(SdJwt *sd);

/* true when text had the SD-JWT form (a '~'), even with no disclosures. */
bool sdjwt_is_sd(const SdJwt *sd);

/* The issuer-signed JWT (for its header and signature). Borrowed. Its
 * jws_payload() is the processed payload (processing works in place, without a
 * copy); jws_payload_bytes() and the signature keep what the issuer signed. */
const Jws *sdjwt_jws(const SdJwt *sd);

/* The processed payload: disclosed claims in place; "_sd", "_sd_alg" and
 * undisclosed "..." elements gone. Borrowed; valid until sdjwt_free(). */
const json_t *sdjwt_payload(const SdJwt *sd);

/* The disclosures, in the order of the SD-JWT. Borrowed. */
size_t sdjwt_count(const SdJwt *sd);
const SdJwtDisclosure *sdjwt_disclosure(const SdJwt *sd, size_t i);

/* A presentation: the issuer-signed JWT and the disclosures i with keep[i]
 * (and every disclosure those sit in), "<jws>~<d>~...~". keep has
 * sdjwt_count() entries; may be NULL (none). *out: free with free(). */
CkErr sdjwt_present(const SdJwt *sd, const bool *keep, char **out);

#endif
