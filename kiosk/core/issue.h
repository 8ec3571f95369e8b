/* issue: sign a certificate and append it to the log in one transaction — for the kiosk and certctl
 * alike. */
#ifndef CERTKIOSK_ISSUE_H
#define CERTKIOSK_ISSUE_H

#include <jansson.h>
#include <stdint.h>

#include "cert.h"
#include "err.h"
#include "keys.h"
#include "store.h"
#include "trust.h"

/* Who issues: the kiosk's identity and key. All borrowed. */
typedef struct IssueKiosk {
    const SecretKey *key;      /* the kiosk key (KEY_KIND_KIOSK) */
    const char *kiosk_id;      /* e.g. "DEMO-KIOSK-01" */
    const char *operator_name; /* the issuer's "name"; may be NULL */
    const char *origin;        /* the checkpoint origin (kiosk.json) */
    /* The kiosk's trust set (HOME/trust.jwks), or NULL: when given, a
     * certificate its own endorsement does not allow (longer than
     * "max_validity_days", a nation outside "nations") is refused
     * (CK_ERR_REFUSED) before anything is signed — verify would refuse it
     * anyway (issue 11). A key without a covering endorsement is not refused
     * here: verify judges that. */
    const Trust *trust;
} IssueKiosk;

/* What was issued. */
typedef struct IssueResult {
    char serial[CERT_SERIAL_MAX + 1];
    uint64_t log_index;
    int64_t valid_until;
    char *jws; /* the certificate; free with free() */
} IssueResult;

/* Issues one certificate: takes the next log index (store_begin), makes the
 * serial "<kiosk_id>-<index>", signs claims (claims->log_index is set here)
 * and appends an entry {"type":"cert.issued" (kiosk) or "cert.paper",
 * "time":now,"serial","jws", ...extra} — extra (may be NULL) adds
 * type-specific, non-personal fields — then commits with a new signed
 * checkpoint. Returns CK_OK only after COMMIT; on any error (CK_ERR_NOSPACE
 * for a full disk) nothing was stored and out holds nothing to free. */
CkErr issue_certificate(Store *st, const IssueKiosk *kiosk, CertClaims *claims, const json_t *extra,
                        IssueResult *out);

/* Frees out->jws and clears out. */
void issue_result_clear(IssueResult *out);

/* Appends one event (e.g. "kiosk.started", "admin.login", "plugin.refused")
 * with "time" now and the given fields (may be NULL; never personal data),
 * committed with its checkpoint. *index_out may be NULL. */
CkErr issue_event(Store *st, const IssueKiosk *kiosk, const char *type, const json_t *fields,
                  uint64_t *index_out);

#endif
