/* audit: recompute the log from its entries, check every signature and checkpoint, and witness it.
 */
#include "audit.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cert.h"
#include "clock.h"
#include "fileio.h"
#include "jws.h"
#include "trust.h"

#define WITNESS_FORMAT "certkiosk-witness/1"
#define WITNESS_FILE_MAX (64 * 1024)

/* The first fault found so far; a fault at a lower index replaces it. */
typedef struct Fault {
    bool set;
    uint64_t index;
    char serial[129];
    char msg[512];
} Fault;

typedef struct Audit {
    const PublicKey *pub;
    const char *kiosk_id;
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    bool origin_fixed;
    AuditReport *r;
    uint64_t cap;
    Fault entry_fault, cp_fault;
    CkErr hard_err; /* could not check: not a finding */
    /* checkpoint pass */
    MerkleFrontier tree;
    uint64_t prev_size;
    /* One block for every certificate's claims (personal data), reused: a
     * sodium_malloc per certificate cost more than its signature check. */
    CertClaims *claims;
} Audit;

static void fault_set(Fault *f, uint64_t index, const char *serial, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
fault_set(Fault *f, uint64_t index, const char *serial, const char *fmt, ...)
{
    va_list ap;

    if (f->set && f->index <= index)
        return;
    f->set = true;
    f->index = index;
    snprintf(f->serial, sizeof f->serial, "%s", serial != NULL ? serial : "");
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof f->msg, fmt, ap);
    va_end(ap);
}

/* "entry 17 (serial X)" or "entry 17". */
static void
entry_name(char *buf, size_t cap, uint64_t index, const char *serial)
{
    if (serial != NULL && *serial != '\0')
        snprintf(buf, cap, "entry %" PRIu64 " (serial %.128s)", index, serial);
    else
        snprintf(buf, cap, "entry %" PRIu64, index);
}

static bool
str_eq(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The certificate in an entry: signed by the kiosk key, and saying where it sits. */
static CkErr
audit_certificate(Audit *a, const StoreEntry *d, const char *jws_text)
{
    char want_serial[CERT_SERIAL_MAX + 1];
    CertClaims *claims = a->claims;
    Jws *jws = NULL;
    CkErr err;

    if ((err = jws_parse(jws_text, strlen(jws_text), JWS_PAYLOAD_JSON, &jws)) != CK_OK ||
        (err = cert_decode_into(jws_text, strlen(jws_text), claims)) != CK_OK) {
        if (err == CK_ERR_NOMEM)
            goto out;
        fault_set(&a->entry_fault, d->index, d->serial, "its certificate is malformed: %s",
                  ck_err_detail());
        err = CK_OK;
        goto out;
    }
    err = CK_OK;
    if (!str_eq(jws_kid(jws), a->pub->kid)) {
        fault_set(&a->entry_fault, d->index, d->serial,
                  "its certificate names key %s, not the kiosk key %s",
                  jws_kid(jws) ? jws_kid(jws) : "(none)", a->pub->kid);
        goto out;
    }
    if (jws_verify(jws, a->pub) != CK_OK) {
        fault_set(&a->entry_fault, d->index, d->serial,
                  "its certificate's signature does not verify");
        goto out;
    }
    if (strcmp(claims->serial, d->serial) != 0) {
        fault_set(&a->entry_fault, d->index, d->serial,
                  "the entry's serial differs from its certificate's (%s)", claims->serial);
        goto out;
    }
    if (claims->log_index < 0 || (uint64_t)claims->log_index != d->index) {
        fault_set(&a->entry_fault, d->index, d->serial,
                  "its certificate says log index %" PRId64 ": entries were reordered or removed",
                  claims->log_index);
        goto out;
    }
    if (a->kiosk_id != NULL) {
        cert_serial(a->kiosk_id, (int64_t)d->index, want_serial);
        if (strcmp(claims->kiosk_id, a->kiosk_id) != 0 || strcmp(claims->serial, want_serial) != 0)
            fault_set(&a->entry_fault, d->index, d->serial,
                      "its certificate is not this kiosk's certificate %s", want_serial);
    }
out:
    sodium_memzero(claims, sizeof *claims);
    jws_free(jws);
    return err;
}

static CkErr
audit_entry(const StoreEntry *e, void *ctx)
{
    Audit *a = ctx;
    uint64_t pos = a->r->entries;
    json_t *owner = NULL;
    StoreEntry d;
    CkErr err = CK_OK;

    if (pos == a->cap) {
        uint64_t cap = a->cap ? a->cap * 2 : 1024;
        void *p = realloc(a->r->leaves, cap * MERKLE_HASH_LEN);
        if (p == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory auditing the log");
        a->r->leaves = p;
        a->cap = cap;
    }
    /* The leaf is always recomputed from the body, never read. */
    merkle_leaf_hash(e->body, e->body_len, a->r->leaves[pos]);
    a->r->entries++;
    if (a->entry_fault.set)
        return CK_OK;
    if (e->index != pos) {
        if (e->index > pos)
            fault_set(&a->entry_fault, pos, NULL, "missing (the log goes on at entry %" PRIu64 ")",
                      e->index);
        else
            fault_set(&a->entry_fault, pos, NULL, "out of order");
        return CK_OK;
    }
    if ((err = store_entry_derive(e->body, e->body_len, &d, &owner)) != CK_OK) {
        if (err == CK_ERR_NOMEM)
            return err;
        fault_set(&a->entry_fault, e->index, e->serial, "its body is not a valid entry: %s",
                  ck_err_detail());
        return CK_OK;
    }
    d.index = e->index;
    if (memcmp(d.leaf, e->leaf, MERKLE_HASH_LEN) != 0) {
        fault_set(&a->entry_fault, e->index, d.serial, "body does not match its leaf hash");
        goto out;
    }
    if (!str_eq(d.type, e->type) || !str_eq(d.serial, e->serial) ||
        !str_eq(d.subject_key, e->subject_key) || !str_eq(d.nation, e->nation) ||
        d.expires != e->expires || d.time != e->time) {
        fault_set(&a->entry_fault, e->index, d.serial,
                  "its indexed columns (type, serial, subject, nation, expiry, time) do not "
                  "match its body");
        goto out;
    }
    if (json_object_get(json_object_get(owner, "body"), "jws") != NULL) {
        a->r->certificates++;
        err = audit_certificate(
            a, &d, json_string_value(json_object_get(json_object_get(owner, "body"), "jws")));
    }
out:
    json_decref(owner);
    return err;
}

static CkErr
audit_checkpoint(uint64_t size, const char *note, size_t len, void *ctx)
{
    Audit *a = ctx;
    unsigned char root[MERKLE_HASH_LEN];
    Checkpoint cp;
    CkErr err;

    a->r->checkpoints++;
    if (a->cp_fault.set)
        return CK_OK;
    if (size == 0 || size > a->r->entries) {
        uint64_t at = a->r->entries < size ? a->r->entries : 0;
        fault_set(&a->cp_fault, at, NULL,
                  "missing: a checkpoint for %" PRIu64
                  " entries was signed but the log holds %" PRIu64,
                  size, a->r->entries);
        return CK_OK;
    }
    err = checkpoint_verify(note, len, a->pub, a->origin_fixed ? a->origin : NULL, &cp);
    if (err == CK_ERR_NOMEM)
        return err;
    if (err != CK_OK) {
        fault_set(&a->cp_fault, size - 1, NULL,
                  "its checkpoint (size %" PRIu64 ") is not valid under the kiosk key %s: %s", size,
                  a->pub->kid, ck_err_detail());
        return CK_OK;
    }
    if (!a->origin_fixed) {
        snprintf(a->origin, sizeof a->origin, "%s", cp.origin);
        a->origin_fixed = true;
    }
    if (cp.size != size) {
        fault_set(&a->cp_fault, size - 1, NULL,
                  "its checkpoint is filed under size %" PRIu64 " but says %" PRIu64, size,
                  cp.size);
        return CK_OK;
    }
    while (a->tree.size < size)
        if ((err = merkle_frontier_append(&a->tree, a->r->leaves[a->tree.size])) != CK_OK)
            return err;
    merkle_frontier_root(&a->tree, root);
    if (memcmp(root, cp.root, MERKLE_HASH_LEN) != 0) {
        fault_set(&a->cp_fault, a->prev_size, NULL,
                  "the log no longer matches the checkpoint the kiosk signed for %" PRIu64
                  " entries (entries %" PRIu64 "..%" PRIu64 " were changed, dropped or reordered)",
                  size, a->prev_size, size - 1);
        return CK_OK;
    }
    a->prev_size = size;
    free(a->r->latest_note);
    if ((a->r->latest_note = strndup(note, len)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    a->r->latest = cp;
    a->r->has_latest = true;
    return CK_OK;
}

/* A stored serial for the message, best effort (the entry may be damaged). */
static void
fault_serial_from_store(Store *st, Fault *f)
{
    StoreEntry *e = NULL;

    if (f->serial[0] != '\0' || store_get(st, f->index, &e) != CK_OK)
        return;
    if (e->serial != NULL)
        snprintf(f->serial, sizeof f->serial, "%s", e->serial);
    store_entry_free(e);
    ck_err_clear();
}

void
audit_report_clear(AuditReport *r)
{
    free(r->leaves);
    free(r->latest_note);
    memset(r, 0, sizeof *r);
}

CkErr
audit_store(Store *st, const PublicKey *kiosk_pub, const char *kiosk_id, const char *origin,
            AuditReport *report)
{
    Audit a;
    Fault *f;
    char name[160];
    CkErr err;

    memset(report, 0, sizeof *report);
    memset(&a, 0, sizeof a);
    a.pub = kiosk_pub;
    a.kiosk_id = kiosk_id;
    a.r = report;
    merkle_frontier_init(&a.tree);
    if (origin != NULL) {
        snprintf(a.origin, sizeof a.origin, "%s", origin);
        a.origin_fixed = true;
    }
    if ((a.claims = cert_claims_new()) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory auditing the log");
    if ((err = store_check_integrity(st)) != CK_OK ||
        (err = store_foreach(st, 0, NULL, audit_entry, &a)) != CK_OK ||
        (err = store_foreach_checkpoint(st, audit_checkpoint, &a)) != CK_OK)
        goto out;
    if (report->entries > 0 && !a.cp_fault.set && a.prev_size < report->entries) {
        uint64_t at = a.prev_size;
        fault_set(&a.cp_fault, at, NULL,
                  "not covered by any checkpoint the kiosk signed (entries %" PRIu64 "..%" PRIu64
                  " were added behind its back)",
                  at, report->entries - 1);
    }
    /* The first entry at fault wins; on a tie, the entry's own finding is the more precise. */
    f = NULL;
    if (a.entry_fault.set)
        f = &a.entry_fault;
    if (a.cp_fault.set && (f == NULL || a.cp_fault.index < f->index))
        f = &a.cp_fault;
    if (f != NULL) {
        fault_serial_from_store(st, f);
        report->faulty = true;
        report->fault_index = f->index;
        snprintf(report->fault_serial, sizeof report->fault_serial, "%s", f->serial);
        entry_name(name, sizeof name, f->index, f->serial);
        err = ck_err(CK_ERR_TAMPERED, "%s: %s", name, f->msg);
        goto out;
    }
    err = store_check_protection(st);
out:
    cert_claims_free(a.claims);
    return err;
}

/* ---- The witness ---- */

static CkErr
witness_path(const char *state_dir, const char *kiosk_id, char **path_out)
{
    char *dir;

    *path_out = NULL;
    if (!trust_kiosk_id_valid(kiosk_id))
        return ck_err(CK_ERR_USAGE, "\"%s\" is not a valid kiosk ID", kiosk_id);
    if ((dir = fileio_join(state_dir, "witness")) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (asprintf(path_out, "%s/%s.json", dir, kiosk_id) < 0) {
        *path_out = NULL;
        free(dir);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    free(dir);
    return CK_OK;
}

/* Reads what the witness remembers. CK_ERR_NOT_FOUND on a first visit. */
static CkErr
witness_read(const char *path, const char *kiosk_id, const PublicKey *pub, Checkpoint *cp_out,
             char seen[21])
{
    unsigned char *data = NULL;
    json_t *doc = NULL;
    const char *note, *kid, *fmt, *id, *when;
    size_t len;
    CkErr err;

    if ((err = fileio_read(path, WITNESS_FILE_MAX, &data, &len)) != CK_OK)
        return err;
    doc = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, NULL);
    fmt = json_string_value(json_object_get(doc, "format"));
    id = json_string_value(json_object_get(doc, "kiosk_id"));
    kid = json_string_value(json_object_get(doc, "kid"));
    note = json_string_value(json_object_get(doc, "checkpoint"));
    when = json_string_value(json_object_get(doc, "seen"));
    if (fmt == NULL || strcmp(fmt, WITNESS_FORMAT) != 0 || id == NULL || kid == NULL ||
        note == NULL || when == NULL || strlen(when) > 20) {
        err = ck_err(CK_ERR_FORMAT, "%s: not a witness file of " WITNESS_FORMAT, path);
        goto out;
    }
    if (strcmp(id, kiosk_id) != 0) {
        err = ck_err(CK_ERR_FORMAT, "%s: the witness file is for kiosk %s", path, id);
        goto out;
    }
    if (strcmp(kid, pub->kid) != 0) {
        err = ck_err(CK_ERR_UNTRUSTED,
                     "%s: the witness last saw kiosk %s with key %s, but the log is signed by %s",
                     path, kiosk_id, kid, pub->kid);
        goto out;
    }
    if ((err = checkpoint_verify(note, strlen(note), pub, NULL, cp_out)) != CK_OK) {
        err = ck_err(CK_ERR_FORMAT, "%s: the remembered checkpoint does not verify: %s", path,
                     ck_err_detail());
        goto out;
    }
    snprintf(seen, 21, "%s", when);
out:
    json_decref(doc);
    free(data);
    return err;
}

static CkErr
witness_write(const char *state_dir, const char *path, const char *kiosk_id, const PublicKey *pub,
              const char *note)
{
    char now[CLOCK_RFC3339_LEN + 1], *dir, *text = NULL;
    json_t *doc;
    CkErr err;

    if ((dir = fileio_join(state_dir, "witness")) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    err = fileio_mkdir_p(dir, 0700);
    free(dir);
    if (err != CK_OK)
        return err;
    clock_format(clock_now(), now);
    doc = json_pack("{s:s, s:s, s:s, s:s, s:s}", "format", WITNESS_FORMAT, "kiosk_id", kiosk_id,
                    "kid", pub->kid, "checkpoint", note, "seen", now);
    if (doc == NULL || (text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS)) == NULL)
        err = ck_err(CK_ERR_NOMEM, "out of memory");
    else
        err = fileio_write_atomic(path, text, strlen(text), 0600, false);
    free(text);
    json_decref(doc);
    return err;
}

CkErr
audit_witness(const char *state_dir, const char *kiosk_id, const PublicKey *kiosk_pub,
              const char *latest_note, const unsigned char (*leaves)[MERKLE_HASH_LEN], uint64_t n,
              AuditWitness *out)
{
    unsigned char root[MERKLE_HASH_LEN];
    Checkpoint old, cur;
    MerkleProof proof;
    char *path = NULL;
    CkErr err;

    memset(out, 0, sizeof *out);
    out->new_size = n;
    if ((err = witness_path(state_dir, kiosk_id, &path)) != CK_OK)
        return err;
    if (latest_note != NULL) {
        if ((err = checkpoint_verify(latest_note, strlen(latest_note), kiosk_pub, NULL, &cur)) !=
            CK_OK)
            goto out;
        merkle_root(leaves, n, root);
        if (cur.size != n || memcmp(cur.root, root, MERKLE_HASH_LEN) != 0) {
            err = ck_err(CK_ERR_TAMPERED,
                         "kiosk %s: the latest checkpoint does not describe the "
                         "log it came with",
                         kiosk_id);
            goto out;
        }
    } else if (n != 0) {
        err = ck_err(CK_ERR_TAMPERED, "kiosk %s: a log of %" PRIu64 " entries without a checkpoint",
                     kiosk_id, n);
        goto out;
    }
    err = witness_read(path, kiosk_id, kiosk_pub, &old, out->old_seen);
    if (err == CK_ERR_NOT_FOUND) {
        out->first_visit = true;
        err = latest_note != NULL ? witness_write(state_dir, path, kiosk_id, kiosk_pub, latest_note)
                                  : CK_OK;
        goto out;
    }
    if (err != CK_OK)
        goto out;
    out->old_size = old.size;
    if (old.size > n) {
        err = ck_err(CK_ERR_ROLLBACK,
                     "kiosk %s: the log has %" PRIu64 " entries but the witness saw %" PRIu64
                     " on %s: this is an older copy of the store, or entries were removed",
                     kiosk_id, n, old.size, out->old_seen);
        goto out;
    }
    if (latest_note != NULL && strcmp(cur.origin, old.origin) != 0) {
        err = ck_err(CK_ERR_TAMPERED, "kiosk %s: the log's origin changed from %s to %s", kiosk_id,
                     old.origin, cur.origin);
        goto out;
    }
    if (old.size > 0) {
        if ((err = merkle_consistency_proof(leaves, old.size, n, &proof)) != CK_OK)
            goto out;
        if (merkle_verify_consistency(old.size, n, &proof, old.root, root) != CK_OK) {
            err = ck_err(CK_ERR_TAMPERED,
                         "kiosk %s: the log is not consistent with the checkpoint of %" PRIu64
                         " entries the witness saw on %s: history among entries 0..%" PRIu64
                         " was truncated and continued, or rewritten",
                         kiosk_id, old.size, out->old_seen, old.size - 1);
            goto out;
        }
    }
    if (n > old.size)
        err = witness_write(state_dir, path, kiosk_id, kiosk_pub, latest_note);
out:
    free(path);
    return err;
}
