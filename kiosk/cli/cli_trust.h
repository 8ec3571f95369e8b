/* cli_trust: what the key and trust verbs of certctl share (authority folders, validity windows).
 */
#ifndef CERTKIOSK_CLI_TRUST_H
#define CERTKIOSK_CLI_TRUST_H

#include <stdint.h>

#include "cert.h"
#include "err.h"
#include "keys.h"
#include "status.h"
#include "trust.h"

#define CLI_AUTHORITY_KEY "authority.key"
#define CLI_AUTHORITY_JWK "authority.jwk"
#define CLI_AUTHORITY_NAME_MAX 127

/* Reads DIR/authority.jwk into *pub_out and its "name" into name (may be NULL). */
CkErr cli_trust_authority_public(const char *dir, PublicKey *pub_out,
                                 char name[CLI_AUTHORITY_NAME_MAX + 1]);

/* Loads the `kind` secret key in path, encrypted with a passphrase (pass_file,
 * CERTKIOSK_PASSPHRASE or asked once with prompt). *sk_out: key_destroy(). */
CkErr cli_trust_key_unlock(const char *path, KeyKind kind, const char *pass_file,
                           const char *prompt, SecretKey **sk_out);

/* Unlocks DIR/authority.key with a passphrase (file, CERTKIOSK_PASSPHRASE or
 * prompt) and checks it matches DIR/authority.jwk. *sk_out: key_destroy(). */
CkErr cli_trust_authority_unlock(const char *dir, const char *pass_file, SecretKey **sk_out,
                                 PublicKey *pub_out, char name[CLI_AUTHORITY_NAME_MAX + 1]);

/* The longest certificate a kiosk endorsement allows unless
 * --max-validity-days says otherwise: a year and a little for a paper form's
 * date. */
#define CLI_DEFAULT_MAX_VALIDITY_DAYS 400

/* Reads --max-validity-days (may be NULL: the default) and --nations (may be
 * NULL: any nation) into *limits. */
CkErr cli_trust_limits(const char *max_days, const char *nations, TrustKioskLimits *limits);

/* What cli_trust_endorse() did to the key's earlier endorsements. */
typedef struct CliEndorsed {
    size_t kept; /* earlier endorsements the key keeps (a renewal) */
    char replaced_scope[TRUST_KIOSK_ID_MAX + 1]; /* "" or the scope it was endorsed for before */
} CliEndorsed;

/* The authority in DIR (unlocked as cli_trust_authority_unlock() does)
 * endorses pub as a `role` key for scope (a kiosk ID or a nation), valid from
 * now until exp, and its pin and the endorsement are added to trust: for the
 * same scope the endorsement is appended to the key's earlier ones (so
 * certificates and bundles signed under them stay valid); for another scope
 * it replaces them. *auth_pub_out and name: the authority's key and name;
 * *jws_out: the endorsement (free()); *what_out: what became of the earlier
 * endorsements. limits (kiosk keys; may be NULL) bound the certificates the
 * kiosk may sign (trust_endorse_kiosk()). */
CkErr cli_trust_endorse(const char *dir, const char *pass_file, const PublicKey *pub, KeyKind role,
                        const char *scope, const TrustKioskLimits *limits, int64_t now,
                        int64_t exp, Trust *trust,
                        PublicKey *auth_pub_out, char name[CLI_AUTHORITY_NAME_MAX + 1],
                        char **jws_out, CliEndorsed *what_out);

/* Makes a new key of the given kind: the secret key, encrypted with a
 * passphrase (pass_file, CERTKIOSK_PASSPHRASE, or asked twice with prompt), in
 * key_path; its public JWK, with the string member `member`: value, in
 * jwk_path. Neither file may exist yet. The public key goes to *pub_out. */
CkErr cli_trust_keypair_create(KeyKind kind, const char *key_path, const char *jwk_path,
                               const char *pass_file, const char *prompt, const char *member,
                               const char *value, PublicKey *pub_out);

/* The end of a validity window starting at now: --days N (1..3650) or
 * --until DATE (RFC 3339 or YYYY-MM-DD, after now); neither means 365 days;
 * both is CK_ERR_USAGE. */
CkErr cli_trust_window(const char *days, const char *until, int64_t now, int64_t *exp_out);

/* Loads a status list a verifier was given (verified against trust) and
 * holds it to the newest list seen before from its authority, remembered
 * under the state folder (cli_state_dir()/status): an older list is
 * CK_ERR_ROLLBACK. *list_out: free with status_free(). */
CkErr cli_trust_status_load(const char *path, const Trust *trust, StatusList **list_out);

/* The four-column mark of a verification step's outcome in show's and verify's step lists:
 * "ok  ", "FAIL", "--  " (not checked) or "skip" (not run). A static string. */
const char *cli_trust_step_mark(CertStepOutcome o);

/* The word for a step's outcome in JSON (show --json, verify --json): "passed", "failed",
 * "not checked" or "not run". A static string. */
const char *cli_trust_step_word(CertStepOutcome o);

#endif
