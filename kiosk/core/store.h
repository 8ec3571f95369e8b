/* store: the kiosk's log — one SQLite database, append-only entries, a signed checkpoint per
 * commit. */
#ifndef CERTKIOSK_STORE_H
#define CERTKIOSK_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "jws.h"
#include "sdjwt.h"
#include "keys.h"
#include "merkle.h"

/* An open store. Only store.c knows its fields. One thread at a time;
 * several processes may open the same file (writers take turns). */
typedef struct Store Store;

/* A subject key: the first 16 bytes of
 * SHA-256("certkiosk-subject/1\n" || nation || "\n" || serviceNumber), hex.
 * It lets the log be searched by person without holding a name in the clear. */
#define STORE_SUBJECT_KEY_LEN 32

/* One log entry as stored. The index columns (type .. time) are derived from
 * the body by store_entry_derive(); leaf is the hash the store kept, which
 * audit does NOT trust (it recomputes it from body). */
typedef struct StoreEntry {
    uint64_t index;
    const char *type;          /* "cert.issued", "cert.paper", "kiosk.started", ... */
    const char *serial;        /* NULL when the entry names no certificate */
    const char *subject_key;   /* NULL unless the entry carries a certificate ("jws") */
    const char *nation;        /* NULL unless the entry carries a certificate */
    int64_t expires;           /* the certificate's validUntil, or 0 */
    int64_t time;              /* the entry's "time" */
    const unsigned char *body; /* canonical JSON, body_len bytes, NUL-terminated */
    size_t body_len;
    unsigned char leaf[MERKLE_HASH_LEN];
} StoreEntry;

/* ---- Opening ---- */

/* Opens the store at path. With create, a missing file becomes a new,
 * empty store; without, it is CK_ERR_NOT_FOUND. A file that is not a
 * SQLite database, a SQLite database of another program, or a damaged one
 * is CK_ERR_DB, the message saying "not a certkiosk store". A store made
 * by a newer certkiosk is CK_ERR_DB too. *store_out: close with store_close(). */
CkErr store_open(const char *path, bool create, Store **store_out);

/* Closes the store; an open transaction is rolled back. Accepts NULL. */
void store_close(Store *st);

/* The path the store was opened with. Borrowed. */
const char *store_path(const Store *st);

/* ---- Appending: begin, append..., commit (or abort) ---- */

/* Starts a write transaction (BEGIN IMMEDIATE: other writers wait) and
 * returns the index the next appended entry will get. Refuses
 * (CK_ERR_TAMPERED) to append to a log whose entries no longer match its
 * latest checkpoint, so the kiosk never signs over altered history. */
CkErr store_begin(Store *st, uint64_t *next_index_out);

/* Appends one entry inside the transaction. body must be a JSON object with
 * "type" (a-z, 0-9, '.', '-', '_') and "time" (RFC 3339); "serial" and "jws"
 * (the certificate: a full SD-JWT, or a format-1 compact JWS; from which the nation, subject key and expiry
 * are indexed) are optional. The store serialises it canonically (sorted
 * keys, compact) — that exact text is the leaf. Personal data belongs only
 * inside "jws". *index_out (may be NULL) receives the entry's index. */
CkErr store_append(Store *st, const json_t *body, uint64_t *index_out);

/* Computes the new root, signs the checkpoint for the new size with sk under
 * origin, inserts it, and COMMITs — all or nothing. Only CK_OK means the
 * entries are in the log; on any error (CK_ERR_NOSPACE for a full disk,
 * CK_ERR_IO, CK_ERR_DB) the transaction is rolled back and the log is as it
 * was before store_begin(). With nothing appended it just ends the transaction. */
CkErr store_commit(Store *st, const SecretKey *sk, const char *origin);

/* Rolls the transaction back. Safe to call when none is open. */
void store_abort(Store *st);

/* ---- Reading ---- */

/* Number of entries. */
CkErr store_size(Store *st, uint64_t *size_out);

/* The entry at index (CK_ERR_NOT_FOUND past the end). *entry_out: free with
 * store_entry_free(). */
CkErr store_get(Store *st, uint64_t index, StoreEntry **entry_out);

/* The first entry that names serial (its issue; a later revocation names it
 * too). CK_ERR_NOT_FOUND if none. *entry_out: free with store_entry_free(). */
CkErr store_find_serial(Store *st, const char *serial, StoreEntry **entry_out);

/* Frees an entry from store_get / store_find_serial. Accepts NULL. */
void store_entry_free(StoreEntry *e);

/* Calls fn for every entry with index >= from, in index order, with an
 * entry borrowed for the call only. Stops at the first error fn returns
 * and returns it. With subject_key not NULL, only that subject's entries. */
typedef CkErr (*StoreEntryFn)(const StoreEntry *e, void *ctx);
CkErr store_foreach(Store *st, uint64_t from, const char *subject_key, StoreEntryFn fn, void *ctx);

/* Calls fn for every stored checkpoint in size order (note borrowed). */
typedef CkErr (*StoreCheckpointFn)(uint64_t size, const char *note, size_t note_len, void *ctx);
CkErr store_foreach_checkpoint(Store *st, StoreCheckpointFn fn, void *ctx);

/* The latest checkpoint note (*note_out: free()) and its size.
 * CK_ERR_NOT_FOUND for a store with no entries. */
CkErr store_latest_checkpoint(Store *st, char **note_out, uint64_t *size_out);

/* Starts a read transaction: every read until store_read_end() sees the
 * same snapshot of the log (WAL mode), however many entries and checkpoints
 * other processes commit meanwhile; so a live kiosk's log can be audited
 * without entries and checkpoints from two different moments. The handle
 * refuses writes until store_read_end() (PRAGMA query_only). CK_ERR_USAGE
 * inside a write transaction. */
CkErr store_read_begin(Store *st);

/* Ends the read transaction. Safe to call when none is open. */
void store_read_end(Store *st);

/* SQLite's own integrity check of the file: CK_OK or CK_ERR_DB with its first complaint. */
CkErr store_check_integrity(Store *st);

/* CK_OK if the triggers that refuse UPDATE and DELETE are in place;
 * CK_ERR_TAMPERED if someone removed or changed them. */
CkErr store_check_protection(Store *st);

/* ---- Derivation, shared with audit ---- */

/* store_entry_derive() that also hands back the certificate it parsed, for a
 * caller that checks it next (audit), so the entry is parsed once:
 * *jws_out (may be NULL) gets the parsed "jws" (free with sdjwt_free()), or NULL
 * when the entry carries none or on error. out->leaf is set even on error. */
CkErr store_entry_derive_cert(const unsigned char *body, size_t body_len, StoreEntry *out,
                              json_t **owner_out, SdJwt **jws_out);

/* The columns an entry body implies, as store_append indexes them. Fills the
 * fields of out (type, serial, subject_key, nation, expires, time) with
 * strings owned by *owner_out (json_decref() it when done; out's strings are
 * valid until then) and sets out->leaf = SHA-256(0x00 || body). A body that
 * is not canonical JSON, lacks "type" or "time", or holds a "jws" that is not
 * a certificate is CK_ERR_FORMAT. body/body_len of out are set to the input. */
CkErr store_entry_derive(const unsigned char *body, size_t body_len, StoreEntry *out,
                         json_t **owner_out);

/* Writes the subject key of (nation, service number). */
void store_subject_key(const char *nation, const char *service_number,
                       char out[STORE_SUBJECT_KEY_LEN + 1]);

#endif
