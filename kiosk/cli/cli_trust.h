/* cli_trust: what the key and trust verbs of certctl share (authority folders, validity windows).
 */
#ifndef CERTKIOSK_CLI_TRUST_H
#define CERTKIOSK_CLI_TRUST_H

#include <stdint.h>

#include "err.h"
#include "keys.h"

#define CLI_AUTHORITY_KEY "authority.key"
#define CLI_AUTHORITY_JWK "authority.jwk"
#define CLI_AUTHORITY_NAME_MAX 127

/* Reads DIR/authority.jwk into *pub_out and its "name" into name (may be NULL). */
CkErr cli_trust_authority_public(const char *dir, PublicKey *pub_out,
                                 char name[CLI_AUTHORITY_NAME_MAX + 1]);

/* Unlocks DIR/authority.key with a passphrase (file, CERTKIOSK_PASSPHRASE or
 * prompt) and checks it matches DIR/authority.jwk. *sk_out: key_destroy(). */
CkErr cli_trust_authority_unlock(const char *dir, const char *pass_file, SecretKey **sk_out,
                                 PublicKey *pub_out, char name[CLI_AUTHORITY_NAME_MAX + 1]);

/* The end of a validity window starting at now: --days N (1..3650) or
 * --until DATE (RFC 3339 or YYYY-MM-DD, after now); neither means 365 days;
 * both is CK_ERR_USAGE. */
CkErr cli_trust_window(const char *days, const char *until, int64_t now, int64_t *exp_out);

#endif
