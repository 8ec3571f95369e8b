/* cli_logproof: `certctl verify --registry` — proves a certificate is in a log the registry
 * witnessed (issue 11). */
#ifndef CERTKIOSK_CLI_LOGPROOF_H
#define CERTKIOSK_CLI_LOGPROOF_H

#include "cert.h"
#include "registry.h"
#include "trust.h"

/* What the log hook needs; opaque. Thread-safe: verify's workers share one. */
typedef struct CliLogProof CliLogProof;

/* A new proof context over an open registry and the verifier's trust (both
 * borrowed, must outlive it). *out: cli_logproof_free(). */
CkErr cli_logproof_new(Registry *reg, const Trust *trust, CliLogProof **out);

/* Frees it. Accepts NULL. */
void cli_logproof_free(CliLogProof *lp);

/* A CertLogFn (cert.h); ctx is a CliLogProof. The certificate must be the
 * entry its serial names in the registry's copy of its kiosk's log — the very
 * same issuer-signed certificate at the same log index — and that log must be
 * the one the witnessed checkpoint describes: the checkpoint's signature by the
 * kiosk key (from trust) verifies, and the Merkle root of the witnessed
 * entries is the checkpoint's root. */
CkErr cli_logproof_check(void *ctx, const char *jws, size_t len, CertReport *r, char *detail,
                         size_t detail_len);

#endif
