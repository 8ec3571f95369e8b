/* audit: recompute the log from its entries, check every signature and checkpoint, and witness it.
 */
#include "audit.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert.h"
#include "clock.h"
#include "fileio.h"
#include "jsonmem.h"
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

/* Entries go to the workers in batches of this many. */
#define AUDIT_BATCH 64
/* Batches in flight per worker: enough to keep every core busy, few enough
 * to bound the memory (about a KiB per entry). */
#define AUDIT_BATCHES_PER_WORKER 4
#define AUDIT_MAX_WORKERS 64

/* One entry as the reader copied it for a worker. */
typedef struct AuditItem {
    uint64_t pos; /* its place in the log (the leaf it makes) */
    bool check;   /* false after a gap: only its leaf is still needed */
    StoreEntry e; /* strings and body point into the batch's arena */
} AuditItem;

typedef struct AuditBatch {
    struct AuditBatch *next;
    size_t n;
    AuditItem items[AUDIT_BATCH];
    char *arena;
    size_t arena_len, arena_cap;
} AuditBatch;

typedef struct Audit Audit;

/* A worker's own state: what it found, and its block for the claims. */
typedef struct AuditWorker {
    Audit *a;
    pthread_t thread;
    bool started;
    Fault fault;
    CertClaims *claims; /* personal data: sodium_malloc, one per worker */
} AuditWorker;

struct Audit {
    const PublicKey *pub;
    const char *kiosk_id;
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    bool origin_fixed;
    AuditReport *r;
    uint64_t cap;
    /* What the entries pass concluded, once the workers are done. */
    Fault entry_fault, cp_fault;
    /* checkpoint pass */
    MerkleFrontier tree;
    uint64_t prev_size;

    /* The entries pass: the reader (the calling thread) copies entries into
     * batches, the workers check them and write leaves[pos] and
     * reached_cert[pos]. The lowest faulty position so far lets workers skip
     * the checks of entries behind it (their leaves are still computed). */
    unsigned char *reached_cert; /* 1 when the entry's certificate was checked */
    _Atomic uint64_t lowest_fault;
    pthread_mutex_t mu;
    pthread_cond_t work_ready, batch_free, idle;
    AuditBatch *queue_head, *queue_tail, *free_list;
    size_t in_flight; /* batches handed out and not yet returned */
    bool closing;
    CkErr hard_err; /* could not check (out of memory): not a finding */
    char hard_msg[512];
    size_t n_workers;
    AuditWorker workers[AUDIT_MAX_WORKERS];
};

static void
lowest_fault_lower(Audit *a, uint64_t index)
{
    uint64_t cur = atomic_load_explicit(&a->lowest_fault, memory_order_relaxed);

    while (index < cur && !atomic_compare_exchange_weak(&a->lowest_fault, &cur, index))
        ;
}

/* The certificate in an entry: signed by the kiosk key, and saying where it sits. */
static CkErr
audit_certificate(AuditWorker *w, const StoreEntry *d, const SdJwt *sd)
{
    Audit *a = w->a;
    char want_serial[CERT_SERIAL_MAX + 1];
    CertClaims *claims = w->claims;
    CkErr err;

    const Jws *jws = sdjwt_jws(sd);

    if ((err = cert_decode_sdjwt(sd, claims)) != CK_OK) {
        if (err == CK_ERR_NOMEM)
            goto out;
        fault_set(&w->fault, d->index, d->serial, "its certificate is malformed: %s",
                  ck_err_detail());
        err = CK_OK;
        goto out;
    }
    if (!str_eq(claims->kid, a->pub->kid)) {
        fault_set(&w->fault, d->index, d->serial,
                  "its certificate names key %s, not the kiosk key %s", claims->kid, a->pub->kid);
        goto out;
    }
    if (jws_verify(jws, a->pub) != CK_OK) {
        fault_set(&w->fault, d->index, d->serial, "its certificate's signature does not verify");
        goto out;
    }
    if (claims->form == CERT_FORM_PRESENTATION) {
        fault_set(&w->fault, d->index, d->serial,
                  "its certificate withholds claims (a presentation, not the full certificate)");
        goto out;
    }
    if (strcmp(claims->serial, d->serial) != 0) {
        fault_set(&w->fault, d->index, d->serial,
                  "the entry's serial differs from its certificate's (%s)", claims->serial);
        goto out;
    }
    if (claims->log_index < 0 || (uint64_t)claims->log_index != d->index) {
        fault_set(&w->fault, d->index, d->serial,
                  "its certificate says log index %" PRId64 ": entries were reordered or removed",
                  claims->log_index);
        goto out;
    }
    if (a->kiosk_id != NULL) {
        cert_serial(a->kiosk_id, (int64_t)d->index, want_serial);
        if (strcmp(claims->kiosk_id, a->kiosk_id) != 0 || strcmp(claims->serial, want_serial) != 0)
            fault_set(&w->fault, d->index, d->serial,
                      "its certificate is not this kiosk's certificate %s", want_serial);
    }
out:
    sodium_memzero(claims, sizeof *claims);
    return err;
}

/* One entry whose index matches its place: the body parsed once, the leaf
 * recomputed from it (never read), the indexed columns re-derived, and the
 * certificate checked from the same parse. */
static CkErr
audit_entry(AuditWorker *w, const AuditItem *it)
{
    Audit *a = w->a;
    const StoreEntry *e = &it->e;
    json_t *owner = NULL;
    SdJwt *jws = NULL;
    StoreEntry d;
    JsonMemScope scratch;
    CkErr err;

    /* The entry's trees come from this thread's scratch (jsonmem.h): all freed below. */
    jsonmem_begin(&scratch);
    err = store_entry_derive_cert(e->body, e->body_len, &d, &owner, &jws);
    memcpy(a->r->leaves[it->pos], d.leaf, MERKLE_HASH_LEN);
    if (err != CK_OK) {
        if (err != CK_ERR_NOMEM) {
            fault_set(&w->fault, e->index, e->serial, "its body is not a valid entry: %s",
                      ck_err_detail());
            err = CK_OK;
        }
        goto out;
    }
    d.index = e->index;
    if (memcmp(d.leaf, e->leaf, MERKLE_HASH_LEN) != 0) {
        fault_set(&w->fault, e->index, d.serial, "body does not match its leaf hash");
        goto out;
    }
    if (!str_eq(d.type, e->type) || !str_eq(d.serial, e->serial) ||
        !str_eq(d.subject_key, e->subject_key) || !str_eq(d.nation, e->nation) ||
        d.expires != e->expires || d.time != e->time) {
        fault_set(&w->fault, e->index, d.serial,
                  "its indexed columns (type, serial, subject, nation, expiry, time) do not "
                  "match its body");
        goto out;
    }
    if (jws != NULL) {
        a->reached_cert[it->pos] = 1;
        err = audit_certificate(w, &d, jws);
    }
out:
    sdjwt_free(jws);
    json_decref(owner);
    jsonmem_end(&scratch);
    return err;
}

static void
worker_hard_error(Audit *a, CkErr err)
{
    pthread_mutex_lock(&a->mu);
    if (a->hard_err == CK_OK) {
        a->hard_err = err;
        snprintf(a->hard_msg, sizeof a->hard_msg, "%s", ck_err_detail());
    }
    pthread_mutex_unlock(&a->mu);
}

static void *
audit_worker(void *arg)
{
    AuditWorker *w = arg;
    Audit *a = w->a;
    AuditBatch *b;

    for (;;) {
        pthread_mutex_lock(&a->mu);
        while (a->queue_head == NULL && !a->closing)
            pthread_cond_wait(&a->work_ready, &a->mu);
        if ((b = a->queue_head) == NULL) {
            pthread_mutex_unlock(&a->mu);
            return NULL;
        }
        if ((a->queue_head = b->next) == NULL)
            a->queue_tail = NULL;
        pthread_mutex_unlock(&a->mu);

        for (size_t i = 0; i < b->n; i++) {
            const AuditItem *it = &b->items[i];
            CkErr err;
            /* Entries behind a fault need only their leaf. */
            if (!it->check ||
                it->e.index > atomic_load_explicit(&a->lowest_fault, memory_order_relaxed)) {
                merkle_leaf_hash(it->e.body, it->e.body_len, a->r->leaves[it->pos]);
                continue;
            }
            if ((err = audit_entry(w, it)) != CK_OK)
                worker_hard_error(a, err);
            else if (w->fault.set)
                lowest_fault_lower(a, w->fault.index);
        }
        /* Personal data: the bodies hold certificates. */
        sodium_memzero(b->arena, b->arena_len);
        pthread_mutex_lock(&a->mu);
        b->next = a->free_list;
        a->free_list = b;
        if (--a->in_flight == 0)
            pthread_cond_signal(&a->idle);
        pthread_cond_signal(&a->batch_free);
        pthread_mutex_unlock(&a->mu);
    }
}

/* Hands a filled batch to the workers. */
static void
batch_submit(Audit *a, AuditBatch *b)
{
    pthread_mutex_lock(&a->mu);
    b->next = NULL;
    if (a->queue_tail != NULL)
        a->queue_tail->next = b;
    else
        a->queue_head = b;
    a->queue_tail = b;
    pthread_cond_signal(&a->work_ready);
    pthread_mutex_unlock(&a->mu);
}

/* An empty batch, waiting for one when all are in use. */
static AuditBatch *
batch_take(Audit *a)
{
    AuditBatch *b;

    pthread_mutex_lock(&a->mu);
    while (a->free_list == NULL)
        pthread_cond_wait(&a->batch_free, &a->mu);
    b = a->free_list;
    a->free_list = b->next;
    a->in_flight++;
    pthread_mutex_unlock(&a->mu);
    b->n = 0;
    b->arena_len = 0;
    return b;
}

/* Waits until the workers have returned every batch. */
static void
workers_drain(Audit *a)
{
    pthread_mutex_lock(&a->mu);
    while (a->in_flight > 0)
        pthread_cond_wait(&a->idle, &a->mu);
    pthread_mutex_unlock(&a->mu);
}

/* Copies s (len bytes and a NUL) into the batch's arena; returns its offset. */
static bool
arena_put(AuditBatch *b, const void *s, size_t len, size_t *off_out)
{
    if (b->arena_len + len + 1 > b->arena_cap) {
        size_t cap = b->arena_cap ? b->arena_cap : 64 * 1024;
        char *p;
        while (cap < b->arena_len + len + 1)
            cap *= 2;
        /* Not realloc: the old block held personal data and must be wiped. */
        if ((p = malloc(cap)) == NULL)
            return false;
        if (b->arena_len > 0)
            memcpy(p, b->arena, b->arena_len);
        if (b->arena != NULL) {
            sodium_memzero(b->arena, b->arena_cap);
            free(b->arena);
        }
        b->arena = p;
        b->arena_cap = cap;
    }
    *off_out = b->arena_len;
    memcpy(b->arena + b->arena_len, s, len);
    b->arena[b->arena_len + len] = '\0';
    b->arena_len += len + 1;
    return true;
}

/* Reader state for audit_read_entry. */
typedef struct AuditReader {
    Audit *a;
    AuditBatch *batch;
    Fault fault;    /* a missing or misplaced entry */
    bool gap;       /* an entry was missing: later ones are not checked */
    size_t offs[6]; /* arena offsets of the current entry's strings, SIZE_MAX for NULL */
} AuditReader;

/* Points the batch's entries at their arena copies (the arena may have moved). */
static void
batch_fix_pointers(AuditBatch *b, size_t offs[][6])
{
    for (size_t i = 0; i < b->n; i++) {
        StoreEntry *e = &b->items[i].e;
        const char **strs[5] = {&e->type, &e->serial, &e->subject_key, &e->nation,
                                (const char **)&e->body};
        for (int k = 0; k < 5; k++)
            *strs[k] = offs[i][k] == SIZE_MAX ? NULL : b->arena + offs[i][k];
    }
}

typedef struct AuditFeed {
    AuditReader rd;
    size_t offs[AUDIT_BATCH][6];
} AuditFeed;

static CkErr
audit_read_entry(const StoreEntry *e, void *ctx)
{
    AuditFeed *f = ctx;
    Audit *a = f->rd.a;
    uint64_t pos = a->r->entries;
    AuditBatch *b;
    AuditItem *it;
    const char *strs[4] = {e->type, e->serial, e->subject_key, e->nation};

    if (pos == a->cap) {
        /* The workers write into leaves: let them finish before it moves. */
        uint64_t cap = a->cap ? a->cap * 2 : 4096;
        void *p, *q;
        if (f->rd.batch != NULL && f->rd.batch->n > 0) {
            batch_fix_pointers(f->rd.batch, f->offs);
            batch_submit(a, f->rd.batch);
            f->rd.batch = NULL;
        }
        workers_drain(a);
        if ((p = realloc(a->r->leaves, cap * MERKLE_HASH_LEN)) == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory auditing the log");
        a->r->leaves = p;
        if ((q = realloc(a->reached_cert, cap)) == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory auditing the log");
        a->reached_cert = q;
        memset(a->reached_cert + a->cap, 0, cap - a->cap);
        a->cap = cap;
    }
    if (f->rd.batch == NULL)
        f->rd.batch = batch_take(a);
    b = f->rd.batch;
    it = &b->items[b->n];
    it->pos = pos;
    it->e = *e;
    it->check = !f->rd.gap;
    for (int k = 0; k < 4; k++)
        if (strs[k] == NULL)
            f->offs[b->n][k] = SIZE_MAX;
        else if (!arena_put(b, strs[k], strlen(strs[k]), &f->offs[b->n][k]))
            return ck_err(CK_ERR_NOMEM, "out of memory auditing the log");
    if (!arena_put(b, e->body, e->body_len, &f->offs[b->n][4]))
        return ck_err(CK_ERR_NOMEM, "out of memory auditing the log");
    b->n++;
    a->r->entries++;
    if (!f->rd.gap && e->index != pos) {
        if (e->index > pos)
            fault_set(&f->rd.fault, pos, NULL, "missing (the log goes on at entry %" PRIu64 ")",
                      e->index);
        else
            fault_set(&f->rd.fault, pos, NULL, "out of order");
        f->rd.gap = true;
        it->check = false;
        lowest_fault_lower(a, pos);
    }
    if (b->n == AUDIT_BATCH) {
        batch_fix_pointers(b, f->offs);
        batch_submit(a, b);
        f->rd.batch = NULL;
    }
    return CK_OK;
}

/* Starts one worker per online core (at least one). */
static CkErr
workers_start(Audit *a)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n_batches;

    if (n < 1)
        n = 1;
    if (n > AUDIT_MAX_WORKERS)
        n = AUDIT_MAX_WORKERS;
    n_batches = (size_t)n * AUDIT_BATCHES_PER_WORKER;
    for (size_t i = 0; i < n_batches; i++) {
        AuditBatch *b = calloc(1, sizeof *b);
        if (b == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory auditing the log");
        b->next = a->free_list;
        a->free_list = b;
    }
    /* Let jansson seed its hash function before several threads need it. */
    json_decref(json_object());
    for (long i = 0; i < n; i++) {
        AuditWorker *w = &a->workers[i];
        w->a = a;
        if ((w->claims = cert_claims_new()) == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory auditing the log");
        if (pthread_create(&w->thread, NULL, audit_worker, w) != 0) {
            cert_claims_free(w->claims);
            w->claims = NULL;
            if (i == 0)
                return ck_err(CK_ERR_NOMEM, "cannot start a thread to audit the log");
            break;
        }
        w->started = true;
        a->n_workers++;
    }
    return CK_OK;
}

/* Stops the workers once the queue is empty and frees what they used. */
static void
workers_stop(Audit *a)
{
    AuditBatch *b;

    pthread_mutex_lock(&a->mu);
    a->closing = true;
    pthread_cond_broadcast(&a->work_ready);
    pthread_mutex_unlock(&a->mu);
    for (size_t i = 0; i < AUDIT_MAX_WORKERS; i++) {
        AuditWorker *w = &a->workers[i];
        if (w->started)
            pthread_join(w->thread, NULL);
        w->started = false;
        cert_claims_free(w->claims);
        w->claims = NULL;
    }
    /* Batches never handed out, or left in the queue after an error. */
    while ((b = a->queue_head) != NULL) {
        a->queue_head = b->next;
        b->next = a->free_list;
        a->free_list = b;
    }
    while ((b = a->free_list) != NULL) {
        a->free_list = b->next;
        if (b->arena != NULL)
            sodium_memzero(b->arena, b->arena_cap);
        free(b->arena);
        free(b);
    }
}

/* The integrity check runs on its own connection, beside the entries pass:
 * it checks the file's structure, which a commit in between cannot change. */
typedef struct IntegrityJob {
    const char *path;
    pthread_t thread;
    CkErr err;
    char msg[512];
} IntegrityJob;

static void *
integrity_worker(void *arg)
{
    IntegrityJob *j = arg;
    Store *st = NULL;

    if ((j->err = store_open(j->path, false, &st)) == CK_OK)
        j->err = store_check_integrity(st);
    if (j->err != CK_OK)
        snprintf(j->msg, sizeof j->msg, "%s", ck_err_detail());
    store_close(st);
    return NULL;
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
    Audit *a;
    AuditFeed *feed = NULL;
    IntegrityJob ij = {.path = store_path(st)};
    bool integrity_started = false, reading = false;
    Fault *f;
    char name[160];
    uint64_t limit;
    CkErr err;

    memset(report, 0, sizeof *report);
    /* Large (the workers' slots): on the heap. */
    if ((a = calloc(1, sizeof *a)) == NULL || (feed = calloc(1, sizeof *feed)) == NULL) {
        free(a);
        return ck_err(CK_ERR_NOMEM, "out of memory auditing the log");
    }
    a->pub = kiosk_pub;
    a->kiosk_id = kiosk_id;
    a->r = report;
    atomic_init(&a->lowest_fault, UINT64_MAX);
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->work_ready, NULL);
    pthread_cond_init(&a->batch_free, NULL);
    pthread_cond_init(&a->idle, NULL);
    merkle_frontier_init(&a->tree);
    feed->rd.a = a;
    if (origin != NULL) {
        snprintf(a->origin, sizeof a->origin, "%s", origin);
        a->origin_fixed = true;
    }
    /* Entries and checkpoints from ONE snapshot: a kiosk appending meanwhile
     * must not look like a checkpoint signed for entries that are missing. */
    if ((err = store_read_begin(st)) != CK_OK)
        goto out;
    reading = true;
    if (pthread_create(&ij.thread, NULL, integrity_worker, &ij) == 0)
        integrity_started = true;
    else if ((err = store_check_integrity(st)) != CK_OK)
        goto out;
    if ((err = workers_start(a)) != CK_OK)
        goto out;
    err = store_foreach(st, 0, NULL, audit_read_entry, feed);
    if (feed->rd.batch != NULL) {
        if (feed->rd.batch->n > 0) {
            batch_fix_pointers(feed->rd.batch, feed->offs);
            batch_submit(a, feed->rd.batch);
        } else {
            pthread_mutex_lock(&a->mu);
            feed->rd.batch->next = a->free_list;
            a->free_list = feed->rd.batch;
            a->in_flight--;
            pthread_mutex_unlock(&a->mu);
        }
        feed->rd.batch = NULL;
    }
    workers_stop(a);
    if (integrity_started) {
        pthread_join(ij.thread, NULL);
        integrity_started = false;
        /* A damaged file says so first, as when the check ran before the rest. */
        if (ij.err != CK_OK) {
            err = ck_err(ij.err, "%s", ij.msg);
            goto out;
        }
    }
    if (err != CK_OK)
        goto out;
    if (a->hard_err != CK_OK) {
        err = ck_err(a->hard_err, "%s", a->hard_msg);
        goto out;
    }
    /* The lowest faulty entry wins, whoever found it. */
    a->entry_fault = feed->rd.fault;
    for (size_t i = 0; i < AUDIT_MAX_WORKERS; i++) {
        const Fault *wf = &a->workers[i].fault;
        if (wf->set && (!a->entry_fault.set || wf->index < a->entry_fault.index))
            a->entry_fault = *wf;
    }
    /* Certificates checked up to the first entry at fault, as a sequential
     * audit that stops checking there would count them. */
    limit = a->entry_fault.set ? a->entry_fault.index + 1 : report->entries;
    for (uint64_t i = 0; i < limit && i < report->entries; i++)
        report->certificates += a->reached_cert[i];
    if ((err = store_foreach_checkpoint(st, audit_checkpoint, a)) != CK_OK)
        goto out;
    if (report->entries > 0 && !a->cp_fault.set && a->prev_size < report->entries) {
        uint64_t at = a->prev_size;
        fault_set(&a->cp_fault, at, NULL,
                  "not covered by any checkpoint the kiosk signed (entries %" PRIu64 "..%" PRIu64
                  " were added behind its back)",
                  at, report->entries - 1);
    }
    /* The first entry at fault wins; on a tie, the entry's own finding is the more precise. */
    f = NULL;
    if (a->entry_fault.set)
        f = &a->entry_fault;
    if (a->cp_fault.set && (f == NULL || a->cp_fault.index < f->index))
        f = &a->cp_fault;
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
    workers_stop(a);
    if (integrity_started)
        pthread_join(ij.thread, NULL);
    if (reading)
        store_read_end(st);
    pthread_cond_destroy(&a->idle);
    pthread_cond_destroy(&a->batch_free);
    pthread_cond_destroy(&a->work_ready);
    pthread_mutex_destroy(&a->mu);
    free(a->reached_cert);
    free(a);
    free(feed);
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
    err = fileio_private_dir(dir, "witness folder", true);
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

/* Whoever can write the witness's folders chooses what it "remembers": the
 * state folder (made if missing) and its witness folder (when there is one)
 * must be private (fileio_private_dir). */
static CkErr
witness_folders_check(const char *state_dir)
{
    char *dir;
    CkErr err;

    if ((err = fileio_private_dir(state_dir, "state folder", true)) != CK_OK)
        return err;
    if ((dir = fileio_join(state_dir, "witness")) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    err = fileio_exists(dir) ? fileio_private_dir(dir, "witness folder", false) : CK_OK;
    free(dir);
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
    if ((err = witness_folders_check(state_dir)) != CK_OK ||
        (err = witness_path(state_dir, kiosk_id, &path)) != CK_OK)
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
