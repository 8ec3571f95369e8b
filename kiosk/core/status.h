/* status: revocation status lists — signed by an authority, versioned, never rolled back. */
#ifndef CERTKIOSK_STATUS_H
#define CERTKIOSK_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "cert.h"
#include "keys.h"
#include "trust.h"

/* A status list is a compact JWS signed by an authority key:
 *   header  {"alg":"EdDSA","typ":"certkiosk-status+jwt","kid":<authority kid>}
 *   payload {"issuer":<authority kid>,"version":n,"issued":RFC3339,
 *            "revoked":[{"serial":..,"reason":code,"note"?:..,"time":RFC3339},...]}
 * Each authority keeps one list; every new list carries all earlier
 * revocations and a version one higher. A holder (a verifier, the registry)
 * accepts a list only from a pinned authority and never goes back to a lower
 * version (CK_ERR_ROLLBACK); two different lists with the same version are
 * CK_ERR_TAMPERED (the authority, or someone, equivocated).
 *
 * Reason codes (STATUS_REASON_*):
 *   misconduct       the holder breached the code of conduct; certificate withdrawn
 *   superseded       replaced by a newer certificate (normally implicit, see registry.h)
 *   issued_in_error  should never have been issued (wrong person, kiosk misuse)
 *   data_error       issued with wrong personal data (name, number, nation)
 *   withdrawn        withdrawn for another administrative reason (see the note)
 * A list is created only with these codes; a list that carries a code this
 * build does not know is still honoured (the certificate IS revoked), and the
 * code is shown as written. */

#define STATUS_TYP "certkiosk-status+jwt"
/* Longest serial / note / reason accepted in a list (bytes). */
#define STATUS_SERIAL_MAX 128
#define STATUS_NOTE_MAX 512
#define STATUS_REASON_MAX 32
/* Longest status list accepted (bytes), as a file. */
#define STATUS_FILE_MAX (16 * 1024 * 1024)

/* One revoked certificate. Strings are borrowed from the list. */
typedef struct StatusEntry {
    const char *serial;
    const char *reason; /* a reason code */
    const char *note;   /* NULL when the list gives none */
    int64_t time;       /* when it was revoked */
} StatusEntry;

/* One revoked kiosk key (issue 11): "kiosks":[{"kiosk_id","kid","since":RFC3339,
 * "reason","note"?,"time":RFC3339,"log_size"?:n}]. From `since` on the key is
 * untrusted; log_size (when the authority had a registry at hand) is the size
 * of the kiosk's log the registry had witnessed: entries below it were
 * logged before the key was given up. Strings borrowed from the list. */
typedef struct StatusKiosk {
    const char *kiosk_id;
    const char *kid;
    int64_t since;
    const char *reason; /* a STATUS_KIOSK_REASON code */
    const char *note;   /* NULL when none */
    int64_t time;       /* when it was revoked */
    bool has_log_size;
    uint64_t log_size;
} StatusKiosk;

/* Kiosk-key reason codes: key_compromise, kiosk_lost, kiosk_retired, superseded. */
bool status_kiosk_reason_known(const char *code);

typedef struct StatusList StatusList;

/* True if code is one of the reason codes above. */
bool status_reason_known(const char *code);

/* The reason codes, NULL-terminated, in the order above. Static. */
const char *const *status_reason_codes(void);

/* A new, empty, unsigned list (version 0) of the authority issuer_kid. The
 * first status_sign() makes it version 1. *list_out: free with status_free(). */
CkErr status_new(const char *issuer_kid, StatusList **list_out);

/* Frees a list. Accepts NULL. */
void status_free(StatusList *list);

/* Parses a list WITHOUT checking its signature (for display): the header
 * must be EdDSA with typ STATUS_TYP, the payload well-formed (issuer equal to
 * the header's kid, version >= 1, RFC 3339 times, serials unique and
 * non-empty, strings within the limits above). CK_ERR_FORMAT otherwise,
 * naming the member. Trailing white space after the JWS is ignored. */
CK_WUR CkErr status_parse(const char *text, size_t len, StatusList **list_out);

/* Parses and verifies a list: its kid must be an authority pinned in trust
 * (CK_ERR_UNTRUSTED) and the signature must verify (CK_ERR_SIGNATURE). */
CK_WUR CkErr status_verify(const char *text, size_t len, const Trust *trust, StatusList **list_out);

/* Same, with the authority's public key given directly (its kid must be the
 * list's issuer: CK_ERR_UNTRUSTED otherwise). */
CK_WUR CkErr status_verify_with(const char *text, size_t len, const PublicKey *authority,
                                StatusList **list_out);

/* Reads a file (at most STATUS_FILE_MAX) and verifies it against trust. */
CK_WUR CkErr status_load(const char *path, const Trust *trust, StatusList **list_out);

/* Adds a revocation to an unsigned copy of the list (reason must be a known
 * code: CK_ERR_USAGE otherwise; note may be NULL). A serial already revoked
 * is CK_ERR_EXISTS. The list is unsigned again until status_sign(). */
CkErr status_add(StatusList *list, const char *serial, const char *reason, const char *note,
                 int64_t time);

/* Adds a kiosk-key revocation (kid: the key's ID; since: from when it is
 * untrusted; log_size: UINT64_MAX when unknown). A kid already revoked is
 * CK_ERR_EXISTS; an unknown reason CK_ERR_USAGE. Unsigned until status_sign(). */
CkErr status_revoke_kiosk(StatusList *list, const char *kiosk_id, const char *kid, int64_t since,
                          const char *reason, const char *note, uint64_t log_size, int64_t time);

/* The revocation of kiosk key kid, or NULL. */
const StatusKiosk *status_kiosk_lookup(const StatusList *list, const char *kid);

/* Revoked kiosk keys. */
size_t status_kiosk_count(const StatusList *list);
const StatusKiosk *status_kiosk_entry(const StatusList *list, size_t i);

/* A CertKioskFn (cert.h) over one verified list (ctx: const StatusList *):
 * a certificate of a revoked kiosk key stays valid only if it came before the
 * revocation — proven by the witnessed log when the verifier has one
 * (r->logged: its index below the list's log_size, or else its validFrom
 * before since), else as its validFrom says (the detail says so). */
CkErr status_kiosk_check(void *ctx, const CertReport *r, int64_t now, char *detail,
                         size_t detail_len);

/* Signs the list as its next version, issued at `issued`: the version goes up
 * by one and status_jws() then returns the new signed text. authority must be
 * the authority key whose kid is the list's issuer (CK_ERR_KEY otherwise). */
CkErr status_sign(StatusList *list, const SecretKey *authority, int64_t issued);

/* The signed compact JWS (no newline), or NULL if the list was changed since
 * it was parsed or signed. Borrowed; valid until the list changes or is freed. */
const char *status_jws(const StatusList *list);

/* The issuer (authority kid), the version and the issue time. */
const char *status_issuer(const StatusList *list);
uint64_t status_version(const StatusList *list);
int64_t status_issued(const StatusList *list);

/* The revocations, sorted by serial. Borrowed; valid until the list changes. */
size_t status_count(const StatusList *list);
const StatusEntry *status_entry(const StatusList *list, size_t i);

/* The revocation of serial, or NULL if the list does not revoke it. O(log n). */
const StatusEntry *status_lookup(const StatusList *list, const char *serial);

/* Decides whether a holder of `held` may move to `incoming` (same issuer):
 * CK_OK if incoming is newer or the very same list; CK_ERR_ROLLBACK if its
 * version is lower; CK_ERR_TAMPERED if the versions are equal but the lists
 * differ; CK_ERR_USAGE for lists of different issuers. held may be NULL. */
CK_WUR CkErr status_check_newer(const StatusList *held, const StatusList *incoming);

/* A verifier's memory of the newest list seen per authority: the file
 * dir/status-<issuer>.jws. Refuses (CK_ERR_ROLLBACK / CK_ERR_TAMPERED) a list
 * older than the one remembered; otherwise remembers this one (atomically)
 * when it is newer. The remembered list is verified against trust again. */
CK_WUR CkErr status_remember(const char *dir, const StatusList *list, const Trust *trust);

/* A CertStatusFn (cert.h) over one verified list; ctx is a const StatusList *.
 * CK_ERR_REVOKED when the list revokes serial, with the reason, note, date and
 * the list's version and age in detail; CK_OK otherwise (detail then names the
 * list's version and age). Thread-safe: it only reads the list. */
CkErr status_cert_check(void *ctx, const char *serial, const char *kiosk_id, int64_t now,
                        char *detail, size_t detail_len);

/* Writes a human age ("3 days old", "5 hours old", "12 minutes old") of `issued` as seen
 * at `now` into buf. */
void status_age(int64_t issued, int64_t now, char *buf, size_t size);

#endif
