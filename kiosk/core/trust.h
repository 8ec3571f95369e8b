/* trust: public JWKs, authority endorsements of kiosk and publisher keys, and the trust file
 * (JWKS). */
#ifndef CERTKIOSK_TRUST_H
#define CERTKIOSK_TRUST_H

#include <jansson.h>
#include <stdint.h>

#include "err.h"
#include "keys.h"

/* The "typ" of an endorsement JWS (formats.md). */
#define TRUST_ENDORSEMENT_TYP "certkiosk-endorsement+jwt"

/* Longest kiosk ID (bytes, without the NUL). Kiosk IDs use A-Z a-z 0-9 . _ - only. */
#define TRUST_KIOSK_ID_MAX 64
/* A nation code: ISO 3166-1 alpha-3, or "NATO" for the baseline. */
#define TRUST_NATION_MAX 8
/* Longest trust file accepted (bytes). */
#define TRUST_FILE_MAX (4 * 1024 * 1024)
/* Most endorsements one key may carry (a yearly renewal adds one). */
#define TRUST_ENDORSEMENTS_MAX 100

/* ---- JWKs (RFC 7517 / RFC 8037) ---- */

/* Builds the public JWK of pub: {"kty":"OKP","crv":"Ed25519","x":..,"kid":..,
 * "use":"sig","alg":"EdDSA","certkiosk_role":<role>}. The caller adds
 * "name", "kiosk_id", "nation", "endorsements" as needed. Returns a new
 * reference (json_decref()), or NULL when out of memory. */
json_t *trust_jwk_from_public(const PublicKey *pub, KeyKind role);

/* Reads the public key of a JWK, refusing (CK_ERR_FORMAT / CK_ERR_KEY, the
 * detail naming `what`): kty other than OKP, crv other than Ed25519, a
 * private "d" member, bad base64url, a non-canonical or low-order x, and a
 * "kid" that is not key_id(x). If role_out is not NULL, "certkiosk_role" must
 * be present and valid and is returned there. */
CK_WUR CkErr trust_jwk_to_public(const json_t *jwk, const char *what, PublicKey *pub_out,
                                 KeyKind *role_out);

/* Loads a JWK file (path) of the given role into *pub_out; *jwk_out, if not
 * NULL, receives the parsed JSON (json_decref()). */
CK_WUR CkErr trust_jwk_load(const char *path, KeyKind role, PublicKey *pub_out, json_t **jwk_out);

/* Writes a JWK to path (pretty JSON, mode 0600); exclusive refuses an existing file. */
CkErr trust_jwk_save(const json_t *jwk, const char *path, bool exclusive);

/* ---- Endorsements ---- */

/* Most nations one kiosk endorsement may name. */
#define TRUST_ENDORSE_NATIONS_MAX 32
/* The longest certificate validity an endorsement may allow (days). */
#define TRUST_VALIDITY_DAYS_MAX 3660

/* What the authority allows a kiosk's certificates (issue 11): a kiosk key
 * is a key to sign certificates, and a stolen one must not sign beyond
 * these bounds. Zero / empty: the endorsement states no bound (endorsements
 * written before the bounds existed). */
typedef struct TrustKioskLimits {
    uint32_t max_validity_days; /* validUntil - validFrom at most this many days */
    size_t n_nations;           /* 0: any nation */
    char nations[TRUST_ENDORSE_NATIONS_MAX][TRUST_NATION_MAX + 1];
} TrustKioskLimits;

/* What an endorsement says (its payload, checked). */
typedef struct Endorsement {
    char authority_kid[KEY_ID_LEN + 1];    /* the header's kid: who signed it */
    PublicKey subject;                     /* the endorsed key (payload sub_kid and x) */
    KeyKind role;                          /* KEY_KIND_KIOSK or KEY_KIND_PUBLISHER */
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1]; /* role kiosk: the kiosk it is endorsed for */
    char nation[TRUST_NATION_MAX + 1];     /* role publisher: the only nation it may sign for */
    int64_t nbf, exp, iat;                 /* validity window [nbf, exp) and issue time */
    TrustKioskLimits limits;               /* role kiosk: "max_validity_days", "nations" */
} Endorsement;

/* The authority signs an endorsement of subject for role, scoped to scope
 * (a kiosk ID for KEY_KIND_KIOSK, a nation code for KEY_KIND_PUBLISHER), valid
 * in [nbf, exp). authority must be a KEY_KIND_AUTHORITY key. *jws_out: free(). */
CkErr trust_endorse(const SecretKey *authority, const PublicKey *subject, KeyKind role,
                    const char *scope, int64_t nbf, int64_t exp, int64_t iat, char **jws_out);

/* Like trust_endorse() for a kiosk key, stating limits (may be NULL) in the
 * payload: "max_validity_days" (1..TRUST_VALIDITY_DAYS_MAX) and, when
 * n_nations > 0, "nations" (sorted, no duplicates). */
CkErr trust_endorse_kiosk(const SecretKey *authority, const PublicKey *subject,
                          const char *kiosk_id, const TrustKioskLimits *limits, int64_t nbf,
                          int64_t exp, int64_t iat, char **jws_out);

/* Parses "NOR,USA" into limits->nations, sorted (each a valid nation code, no
 * duplicates, at most TRUST_ENDORSE_NATIONS_MAX): CK_ERR_USAGE naming the bad one. */
CkErr trust_limits_parse_nations(const char *list, TrustKioskLimits *limits);

/* Parses an endorsement WITHOUT checking its signature (for display): the
 * header must be EdDSA with typ TRUST_ENDORSEMENT_TYP and a kid, the payload
 * well-formed. */
CK_WUR CkErr trust_endorsement_parse(const char *jws, Endorsement *out);

/* Parses and checks an endorsement's signature with authority (whose kid
 * must match the header's kid): CK_OK, CK_ERR_SIGNATURE, CK_ERR_UNTRUSTED
 * (signed by another key) or CK_ERR_FORMAT. Does not check the time window. */
CK_WUR CkErr trust_endorsement_verify(const char *jws, const PublicKey *authority,
                                      Endorsement *out);

/* ---- The trust file ---- */

/* A set of trusted keys: pinned authorities, endorsed kiosk and publisher
 * keys. Only trust.c knows its fields. After loading it is read-only, and the
 * trust_find_* functions may be called from many threads at once. */
typedef struct Trust Trust;

/* A new, empty trust set. *trust_out: free with trust_free(). */
CkErr trust_new(Trust **trust_out);

/* Frees a trust set. Accepts NULL. */
void trust_free(Trust *trust);

/* Loads a JWKS trust file. A kiosk or publisher key carries its endorsements
 * as "endorsements": [JWS, ...] (files written before keys kept a list have
 * one "endorsement": JWS; both are read, and the list form is written back).
 * The whole file is refused (CK_ERR_FORMAT / CK_ERR_KEY / CK_ERR_TOO_LARGE,
 * naming the entry) for: not a {"keys":[...]} object, a JWK that is
 * malformed, low-order or whose kid is not its key's ID, duplicate kids, a
 * missing or unknown certkiosk_role, a kiosk or publisher key without an
 * endorsement or with more than TRUST_ENDORSEMENTS_MAX, or an endorsement
 * whose subject, role or scope differs from the JWK that carries it. An
 * endorsement by an unknown authority or with a bad signature does NOT
 * refuse the file: it is kept, ignored by trust_find_* (which say why when
 * nothing else vouches for the key) and listed by trust_foreach_ignored(). */
CK_WUR CkErr trust_load(const char *path, Trust **trust_out);

/* Same as trust_load, from a parsed JWKS; what names the source in messages. */
CK_WUR CkErr trust_from_json(const json_t *jwks, const char *what, Trust **trust_out);

/* The trust set as a JWKS (authorities first, then kiosks, then publishers).
 * Returns a new reference (json_decref()), or NULL when out of memory. */
json_t *trust_to_json(const Trust *trust);

/* Writes the JWKS to path atomically (mode 0600). */
CkErr trust_save(const Trust *trust, const char *path);

/* Pins an authority key (a no-op if already pinned). name may be NULL. */
CkErr trust_add_authority(Trust *trust, const PublicKey *pub, const char *name);

/* Adds an endorsed kiosk or publisher key. The endorsement must verify
 * against an authority already pinned in trust: otherwise CK_ERR_UNTRUSTED /
 * CK_ERR_SIGNATURE and nothing changes. For a key already listed with the
 * same scope (kiosk ID or nation) the endorsement is APPENDED to the key's
 * list (an exact duplicate is dropped): a renewal keeps the earlier windows,
 * so certificates issued under them stay valid. Endorsed for another scope,
 * the key's entry is replaced. CK_ERR_TOO_LARGE past TRUST_ENDORSEMENTS_MAX. */
CkErr trust_add_endorsed(Trust *trust, const char *endorsement_jws);

/* Copies every key of src into dst (pins first). For a kid in both, an
 * authority and a key endorsed for another scope are replaced by src's
 * entry; a key with the same scope keeps the endorsements of both. */
CkErr trust_merge(Trust *dst, const Trust *src);

/* Number of keys of each kind (for summaries). */
size_t trust_count(const Trust *trust, KeyKind role);

/* The JWK of a listed key as the trust file holds it (list form), or NULL
 * if kid is not listed (or out of memory). Returns a new reference
 * (json_decref()). */
json_t *trust_key_jwk(const Trust *trust, const char *kid);

/* Called with why an endorsement is ignored (one line; borrowed for the call). */
typedef void (*TrustIgnoredFn)(void *ctx, const char *why);

/* Calls fn (may be NULL) for every endorsement that is kept but ignored: by
 * an authority that is not pinned, or whose signature does not verify.
 * Returns how many there are. */
size_t trust_foreach_ignored(const Trust *trust, TrustIgnoredFn fn, void *ctx);

/* Finds a pinned authority by kid: CK_OK or CK_ERR_UNTRUSTED. */
CK_WUR CkErr trust_find_authority(const Trust *trust, const char *kid, PublicKey *pub_out);

/* Finds a listed key of the given role by kid WITHOUT deciding whether it is
 * trusted (to check a signature before judging its endorsement):
 * CK_OK or CK_ERR_UNTRUSTED ("not in the trust file" / "is a publisher key"). */
CK_WUR CkErr trust_lookup(const Trust *trust, const char *kid, KeyKind role, PublicKey *pub_out);

/* Succeeds only if kid is a kiosk key with at least one endorsement by a
 * pinned authority whose window holds at_time. Fails with CK_ERR_UNTRUSTED
 * (unknown key, wrong role, no endorsement by a pinned authority with a good
 * signature), CK_ERR_EXPIRED or CK_ERR_NOT_YET_VALID, the detail naming the
 * key and every window it has ("kiosk key K is endorsed A..B, C..D, not at
 * T"; overlapping windows are joined). kiosk_id_out (may be NULL) receives the kiosk ID the
 * key is endorsed for. Thread-safe. */
CK_WUR CkErr trust_find_kiosk(const Trust *trust, const char *kid, int64_t at_time,
                              PublicKey *pub_out, char kiosk_id_out[TRUST_KIOSK_ID_MAX + 1]);

/* Until when kiosk key kid stays endorsed, seen from at_time: the end of
 * the cover that holds at_time, windows by pinned authorities that overlap or
 * touch joined (a renewal that starts before the old window ends extends it).
 * CK_OK with *until_out set; otherwise the failure trust_find_kiosk() gives,
 * with *until_out the end of the latest trusted window that ended before
 * at_time (CK_ERR_EXPIRED: when it ran out), 0 if none. Thread-safe. */
CK_WUR CkErr trust_kiosk_endorsed_until(const Trust *trust, const char *kid, int64_t at_time,
                                        int64_t *until_out);

/* Whether the kiosk key kid may sign a certificate for nation valid from
 * valid_from to valid_until: some endorsement by a pinned authority whose
 * window holds valid_from must allow it (its max_validity_days and nations,
 * where it states them). CK_ERR_REFUSED says what the endorsement allows
 * ("kiosk key K is endorsed for certificates of at most 365 days; this one
 * is valid 36500 days"); other failures as trust_find_kiosk(). Thread-safe. */
CK_WUR CkErr trust_kiosk_allows(const Trust *trust, const char *kid, int64_t valid_from,
                                int64_t valid_until, const char *nation);

/* Succeeds only if kid is a publisher key endorsed by a pinned authority FOR
 * nation, with at_time inside one of its windows (as trust_find_kiosk). A key endorsed for another
 * nation is CK_ERR_UNTRUSTED ("endorsed for NOR, not USA"). Thread-safe. */
CK_WUR CkErr trust_find_publisher(const Trust *trust, const char *kid, const char *nation,
                                  int64_t at_time, PublicKey *pub_out);

/* True if s is a valid kiosk ID (1..TRUST_KIOSK_ID_MAX of A-Z a-z 0-9 . _ -). */
bool trust_kiosk_id_valid(const char *s);

/* True if s is a valid nation code (3 upper-case letters, or "NATO"). */
bool trust_nation_valid(const char *s);

#endif
