/* audit: checks a kiosk's log without trusting a stored hash, and witnesses it across audits. */
#ifndef CERTKIOSK_AUDIT_H
#define CERTKIOSK_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "checkpoint.h"
#include "err.h"
#include "keys.h"
#include "merkle.h"
#include "store.h"

/* What an audit found. On failure, fault_* name the first entry at fault. */
typedef struct AuditReport {
    uint64_t entries;      /* entries in the log */
    uint64_t certificates; /* entries carrying a certificate, each checked */
    uint64_t checkpoints;  /* stored checkpoints, each checked */
    bool has_latest;
    Checkpoint latest; /* the latest checkpoint (when has_latest) */
    char *latest_note; /* its note text (free with audit_report_clear()) */
    bool faulty;
    uint64_t fault_index;   /* the first entry at fault */
    char fault_serial[129]; /* its serial, "" when it names none */
    /* The leaf hashes recomputed from the bodies, one per stored entry in
     * index order (entries of them); for audit_witness(). */
    unsigned char (*leaves)[MERKLE_HASH_LEN];
} AuditReport;

/* Frees what a report holds. Accepts a zeroed report. */
void audit_report_clear(AuditReport *r);

/* Audits the store: SQLite's integrity check; for each entry in index
 * order, contiguous indexes, a well-formed canonical body, the leaf hash
 * recomputed from the body (never the stored one) and the indexed columns
 * re-derived from it; each certificate's signature under kiosk_pub, its
 * serial (kiosk_id and index, when kiosk_id is not NULL) and logIndex; then
 * every stored checkpoint: signed by kiosk_pub under origin (taken from the
 * checkpoints when NULL, and then the same for all), its root equal to the
 * root of the first size recomputed leaves, and the latest covering every
 * entry; finally the append-only triggers. Returns CK_OK, CK_ERR_TAMPERED
 * with a detail like "entry 17 (serial DEMO-KIOSK-01-000017): body does not
 * match its leaf hash" naming the FIRST entry at fault, or CK_ERR_DB /
 * CK_ERR_IO / CK_ERR_NOMEM when it could not check. report is filled in
 * either case; clear it with audit_report_clear(). */
CK_WUR CkErr audit_store(Store *st, const PublicKey *kiosk_pub, const char *kiosk_id,
                         const char *origin, AuditReport *report);

/* What the witness remembered and concluded. */
typedef struct AuditWitness {
    bool first_visit;  /* nothing was remembered for this kiosk */
    uint64_t old_size; /* the size remembered (0 on the first visit) */
    uint64_t new_size;
    char old_seen[21]; /* when the remembered checkpoint was seen (RFC 3339) */
} AuditWitness;

/* The witness: in state_dir/witness/<kiosk_id>.json it remembers the last
 * checkpoint it accepted for each kiosk. Given the latest checkpoint note of
 * an audited log (which must verify under kiosk_pub, with its size n and its
 * root equal to the root of leaves[0, n)), it demands a consistency proof
 * (computed from leaves) from the remembered tree to the new one: a smaller
 * size is CK_ERR_ROLLBACK (an older copy of the store), an inconsistent tree
 * CK_ERR_TAMPERED (history truncated and continued, or rewritten), a
 * different kiosk key CK_ERR_UNTRUSTED. Only on success is the new
 * checkpoint remembered (atomically). */
CK_WUR CkErr audit_witness(const char *state_dir, const char *kiosk_id, const PublicKey *kiosk_pub,
                           const char *latest_note, const unsigned char (*leaves)[MERKLE_HASH_LEN],
                           uint64_t n, AuditWitness *out);

#endif
