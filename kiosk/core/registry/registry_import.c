/* registry_import: importing a kiosk export — the kiosk's endorsements, its signed log, the
 * witness, every entry hashed and every certificate verified in parallel, stored in bulk, all or
 * nothing. Written once for both back ends. */
#include "registry_int.h"

#include <jansson.h>

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "clock.h"
#include "fileio.h"
#include "jsonmem.h"
#include "merkle.h"

/* One entry of the log, and what verifying its certificate found: only what
 * is stored (a whole CertReport per entry made 300 MB to fault in and zero for
 * 100,000 entries; the report is the worker's). */
typedef struct Item {
    const char *body; /* the entry, borrowed from the export */
    size_t body_len;
    const char *jws; /* its certificate, if any: borrowed from body (NULL: none) */
    size_t len;
    uint64_t index; /* log index of its entry */
    CkErr err;
    char why[300];
    char serial[CERT_SERIAL_MAX + 1];
    char nation[8];
    int64_t valid_from, valid_until;
    char service_number[CERT_FIELD_MAX + 1];
    char supersedes[CERT_SERIAL_MAX + 1];
    char *bundles; /* JSON text */
} Item;

typedef struct Work {
    Item *items;
    unsigned char (*leaves)[MERKLE_HASH_LEN];
    size_t n;
    const Trust *trust;
    int64_t now;
    const char *kiosk_id;
    const char *kid;
    pthread_mutex_t lock;
    size_t next, done;
} Work;

static char *
bundles_json(const CertClaims *c)
{
    json_t *a = json_array();
    char *s;

    for (size_t i = 0; a != NULL && i < c->n_bundles; i++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "id", c->bundles[i].id, "version",
                                           c->bundles[i].version, "manifestSha256",
                                           c->bundles[i].manifest_sha256));
    s = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return s;
}

/* Finds the entry's certificate: the body is parsed (jansson, the one
 * parser), and the certificate's text located in the body itself — body is
 * escaped JSON and a certificate is base64url and dots only, so it is there
 * verbatim, and the stored certificate is the very bytes the kiosk signed. */
static void
find_cert(Item *it)
{
    JsonMemScope scratch;
    json_t *doc;
    const json_t *jws;

    /* The body's tree comes from this thread's scratch (jsonmem.h): freed below. */
    jsonmem_begin(&scratch);
    if ((doc = json_loadb(it->body, it->body_len, 0, NULL)) == NULL) {
        snprintf(it->why, sizeof it->why, "not JSON");
        it->err = CK_ERR_FORMAT;
        jsonmem_end(&scratch);
        return;
    }
    jws = json_object_get(doc, "jws");
    if (json_is_string(jws)) {
        const char *at =
            memmem(it->body, it->body_len, json_string_value(jws), json_string_length(jws));
        if (at == NULL) {
            snprintf(it->why, sizeof it->why, "certificate not found");
            it->err = CK_ERR_FORMAT;
        } else {
            it->jws = at;
            it->len = json_string_length(jws);
        }
    }
    json_decref(doc);
    jsonmem_end(&scratch);
}

/* c and r: the thread's scratch claims and report (one sodium_malloc per
 * thread, not per certificate: mprotect per certificate serialised the
 * threads on the address-space lock). */
static void
verify_item(Work *w, Item *it, CertClaims *c, CertReport *r)
{
    CkErr err;

    merkle_leaf_hash((const unsigned char *)it->body, it->body_len, w->leaves[it->index]);
    find_cert(it);
    if (it->err != CK_OK || it->jws == NULL)
        return;
    err = cert_verify_into(it->jws, it->len, w->trust, w->now, NULL, r, c);
    /* Expiry is judged by the report, not here: only a certificate the kiosk
     * could not have issued (format, signature, endorsement) is refused. */
    if (err != CK_OK && r->steps[CERT_STEP_ENDORSEMENT].outcome != CERT_STEP_PASSED) {
        for (int s = 0; s < CERT_STEP_COUNT_; s++)
            if (r->steps[s].outcome == CERT_STEP_FAILED) {
                snprintf(it->why, sizeof it->why, "%s: %s", cert_step_name((CertStepId)s),
                         r->steps[s].detail);
                break;
            }
        it->err = err;
        return;
    }
    if (strcmp(r->kid, w->kid) != 0 || strcmp(r->kiosk_id, w->kiosk_id) != 0) {
        snprintf(it->why, sizeof it->why, "certificate %s is from kiosk %s (key %s), not %s",
                 r->serial, r->kiosk_id, r->kid, w->kiosk_id);
        it->err = CK_ERR_TAMPERED;
        return;
    }
    /* The registry matches people by nation and service number: it takes the
     * full certificate the kiosk logged, never a presentation. */
    if (c->form == CERT_FORM_PRESENTATION) {
        snprintf(it->why, sizeof it->why,
                 "certificate %s is a presentation (claims withheld), not the full certificate",
                 c->serial);
        it->err = CK_ERR_TAMPERED;
        return;
    }
    memcpy(it->serial, r->serial, sizeof it->serial);
    memcpy(it->nation, r->nation, sizeof it->nation);
    it->valid_from = r->valid_from;
    it->valid_until = r->valid_until;
    memcpy(it->service_number, c->service_number, sizeof it->service_number);
    memcpy(it->supersedes, c->supersedes, sizeof it->supersedes);
    if ((it->bundles = bundles_json(c)) == NULL) {
        snprintf(it->why, sizeof it->why, "out of memory");
        it->err = CK_ERR_NOMEM;
    }
}

/* Entries are handed out in chunks: one lock per chunk, not two per entry. */
#define CHUNK 64

/* Works through chunks until none is left; the thread that reports
 * progress passes progress (others NULL). */
static void
work_chunks(Work *w, RegistryProgressFn progress, void *ctx)
{
    CertClaims *c = cert_claims_new();
    CertReport report;

    for (;;) {
        size_t first, done;
        pthread_mutex_lock(&w->lock);
        first = w->next;
        w->next += CHUNK;
        done = w->done;
        pthread_mutex_unlock(&w->lock);
        if (progress != NULL)
            progress(ctx, done, w->n);
        if (first >= w->n)
            break;
        for (size_t i = first; i < first + CHUNK && i < w->n; i++) {
            if (c == NULL) {
                w->items[i].err = CK_ERR_NOMEM;
                snprintf(w->items[i].why, sizeof w->items[i].why, "out of memory");
            } else {
                verify_item(w, &w->items[i], c, &report);
            }
        }
        pthread_mutex_lock(&w->lock);
        w->done += first + CHUNK < w->n ? CHUNK : w->n - first;
        pthread_mutex_unlock(&w->lock);
    }
    cert_claims_free(c);
    sodium_memzero(&report, sizeof report); /* it named a person */
}

static void *
worker(void *arg)
{
    work_chunks(arg, NULL, NULL);
    return NULL;
}

/* Hashes every entry and verifies every certificate on all cores; progress
 * is reported from this thread, which works too. */
static void
verify_all(Work *w, RegistryProgressFn progress, void *ctx)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nthreads = ncpu > 0 ? (size_t)ncpu : 1;
    pthread_t threads[64];
    size_t started = 0;

    if (nthreads > 64)
        nthreads = 64;
    if (nthreads > w->n / CHUNK + 1)
        nthreads = w->n / CHUNK + 1;
    pthread_mutex_init(&w->lock, NULL);
    for (size_t t = 1; t < nthreads; t++)
        if (pthread_create(&threads[started], NULL, worker, w) == 0)
            started++;
    work_chunks(w, progress, ctx);
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&w->lock);
    if (progress != NULL)
        progress(ctx, w->n, w->n);
}

/* The previous witnessed state of a kiosk, if any. */
typedef struct Seen {
    bool found;
    char kid[KEY_ID_LEN + 1];
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    uint64_t size;
    unsigned char root[MERKLE_HASH_LEN];
} Seen;

/* registry_get_kiosk() without the note: a kiosk the registry never saw is not an error here. */
static CkErr
load_seen(Registry *reg, const char *kiosk_id, Seen *seen)
{
    RegistryKiosk k;
    CkErr err;

    memset(seen, 0, sizeof *seen);
    if ((err = registry_get_kiosk(reg, kiosk_id, &k)) != CK_OK)
        return err == CK_ERR_NOT_FOUND ? CK_OK : err;
    seen->found = true;
    memcpy(seen->kid, k.kid, sizeof seen->kid);
    memcpy(seen->origin, k.origin, sizeof seen->origin);
    seen->size = k.size;
    memcpy(seen->root, k.root, sizeof seen->root);
    free(k.checkpoint);
    return CK_OK;
}

/* The endorsements an export carries for its kiosk: the JWK's
 * "endorsements" list, the single "endorsement" of older exports (in the
 * JWK or beside it); exact duplicates once. Returns a new array, or NULL
 * when out of memory. */
static json_t *
export_endorsements(const json_t *ex, const json_t *jwk)
{
    const json_t *many = json_object_get(jwk, "endorsements");
    const json_t *cands[2] = {json_object_get(jwk, "endorsement"),
                              json_object_get(ex, "endorsement")};
    json_t *list = json_array();

    for (size_t i = 0; list != NULL && i < json_array_size(many) + 2; i++) {
        const json_t *s =
            i < json_array_size(many) ? json_array_get(many, i) : cands[i - json_array_size(many)];
        bool have = !json_is_string(s);
        for (size_t k = 0; k < json_array_size(list) && !have; k++)
            have = json_equal(json_array_get(list, k), s);
        if (!have && json_array_append(list, (json_t *)s) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    return list;
}

/* Checks the kiosk's key and endorsements; adds the kiosk to *kt, a copy of
 * trust. Endorsements by an authority the trust file does not pin, or that
 * do not verify, are ignored; one by a pinned authority must hold now. */
static CkErr
check_kiosk(const json_t *ex, const char *label, const Trust *trust, int64_t now, Trust **kt_out,
            PublicKey *pub_out, const char **kiosk_id_out, json_t **jwk_out)
{
    const json_t *jwk = json_object_get(ex, "kiosk_jwk");
    const char *kiosk_id = registry_get_str(ex, "kiosk_id");
    char endorsed_for[TRUST_KIOSK_ID_MAX + 1], unknown[KEY_ID_LEN + 1] = "";
    Endorsement e;
    PublicKey auth, endorsed_pub;
    Trust *kt = NULL;
    json_t *list = NULL;
    KeyKind role;
    bool pinned = false;
    char bad_why[300];
    CkErr err, bad = CK_OK;

    *kt_out = NULL;
    if (!json_is_object(jwk))
        jwk = json_object_get(ex, "kiosk");
    if (!json_is_object(jwk) || kiosk_id == NULL || !trust_kiosk_id_valid(kiosk_id))
        return ck_err(CK_ERR_FORMAT, "%s: not a kiosk export (no \"kiosk_id\" or \"kiosk_jwk\")",
                      label);
    if ((err = trust_jwk_to_public(jwk, label, pub_out, &role)) != CK_OK)
        return err;
    if (role != KEY_KIND_KIOSK)
        return ck_err(CK_ERR_FORMAT, "%s: the export's key is a %s key, not a kiosk key", label,
                      key_kind_name(role));
    if ((list = export_endorsements(ex, jwk)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (json_array_size(list) == 0) {
        err = ck_err(CK_ERR_UNTRUSTED, "%s: kiosk %s: the export carries no endorsement", label,
                     kiosk_id);
        goto out;
    }
    if ((err = trust_new(&kt)) != CK_OK || (err = trust_merge(kt, trust)) != CK_OK)
        goto out;
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *jws = json_string_value(json_array_get(list, i));
        if ((err = trust_endorsement_parse(jws, &e)) != CK_OK)
            goto out;
        if (!key_public_equal(&e.subject, pub_out) || e.role != KEY_KIND_KIOSK) {
            err = ck_err(CK_ERR_UNTRUSTED, "%s: kiosk %s: an endorsement is of another key (%s)",
                         label, kiosk_id, e.subject.kid);
            goto out;
        }
        if (strcmp(e.kiosk_id, kiosk_id) != 0) {
            err = ck_err(CK_ERR_UNTRUSTED, "%s: the key is endorsed for kiosk %s, not %s", label,
                         e.kiosk_id, kiosk_id);
            goto out;
        }
        if (trust_find_authority(trust, e.authority_kid, &auth) != CK_OK) {
            snprintf(unknown, sizeof unknown, "%s", e.authority_kid);
            continue; /* another authority's: not ours to judge */
        }
        if ((err = trust_add_endorsed(kt, jws)) == CK_OK) {
            pinned = true;
        } else if (bad == CK_OK) { /* ignored if another one holds */
            bad = err;
            snprintf(bad_why, sizeof bad_why, "%s", ck_err_detail());
        }
    }
    err = CK_OK;
    if (!pinned && bad != CK_OK) {
        err = ck_err(bad, "%s: kiosk %s: %s", label, kiosk_id, bad_why);
        goto out;
    }
    if (!pinned && unknown[0] != '\0') {
        err = ck_err(CK_ERR_UNTRUSTED,
                     "%s: unknown kiosk %s: endorsed by key %s, which is not a pinned authority "
                     "of the trust file",
                     label, kiosk_id, unknown);
        goto out;
    }
    if ((err = trust_find_kiosk(kt, pub_out->kid, now, &endorsed_pub, endorsed_for)) != CK_OK) {
        char d[300];
        snprintf(d, sizeof d, "%s", ck_err_detail());
        err = ck_err(err, "%s: kiosk %s: %s", label, kiosk_id, d);
        goto out;
    }
    if (strcmp(endorsed_for, kiosk_id) != 0) {
        err = ck_err(CK_ERR_UNTRUSTED, "%s: the key is endorsed for kiosk %s, not %s", label,
                     endorsed_for, kiosk_id);
        goto out;
    }
    *jwk_out = (json_t *)jwk;
    *kiosk_id_out = kiosk_id;
out:
    json_decref(list);
    if (err != CK_OK) {
        trust_free(kt);
        return err;
    }
    *kt_out = kt;
    return CK_OK;
}

/* The two forms of an export (FORMATS.md):
 *   "certkiosk-export/2": JSON Lines. The first line is the header (every
 *     member below but "log" and "certificates"); each further line is one log
 *     entry, the exact bytes the kiosk stored and hashed (canonical JSON holds
 *     no line break). The workers parse the entries: nothing reads the whole
 *     file as one JSON text.
 *   "certkiosk-export/1": one JSON document with "log" (every entry as a JSON
 *     string) and "certificates" (every certificate again), parsed whole on
 *     one thread before any work could start. Still read. */
#define EXPORT_FORMAT_V1 "certkiosk-export/1"
#define EXPORT_FORMAT_V2 "certkiosk-export/2"

/* The entries of an export: format 1's "log" array, or the lines after
 * format 2's header. */
typedef struct ExportLog {
    const json_t *array;
    const char *lines;
    size_t len;
} ExportLog;

static CkErr
too_many_entries(const char *label, uint64_t max)
{
    return ck_err(CK_ERR_TAMPERED,
                  "%s: the export holds more than the %llu entries its signed checkpoint covers",
                  label, (unsigned long long)max);
}

/* One item per log entry of a format-1 export (hashed and verified later, in parallel). */
static CkErr
items_from_array(const json_t *entries, uint64_t max, const char *label, Item **items_out,
                 size_t *n_out)
{
    Item *items;
    size_t n;

    *items_out = NULL;
    *n_out = 0;
    if (!json_is_array(entries))
        return ck_err(CK_ERR_FORMAT, "%s: the export has no \"log\" (the kiosk's entries)", label);
    n = json_array_size(entries);
    if (n > max)
        return too_many_entries(label, max);
    if ((items = calloc(n ? n : 1, sizeof *items)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(entries, i);
        const json_t *body = json_is_string(e) ? e : json_object_get(e, "body");
        if (!json_is_string(body)) {
            free(items);
            return ck_err(CK_ERR_FORMAT, "%s: entry %zu has no body", label, i);
        }
        items[i].body = json_string_value(body);
        items[i].body_len = json_string_length(body);
        items[i].index = i;
    }
    *items_out = items;
    *n_out = n;
    return CK_OK;
}

/* One item per line after the header of a format-2 export (text, len: the
 * lines after the header). The last line's newline may be missing; an empty
 * line is refused (no entry is empty, and an editor's stray line should not
 * read as "entries were altered"). More than max lines is refused before
 * they cost memory: a file of 500 MB of one-byte lines would otherwise ask
 * for an item each (hundreds of GB). */
static CkErr
items_from_lines(const char *text, size_t len, uint64_t max, const char *label, Item **items_out,
                 size_t *n_out)
{
    size_t n = 0, cap = 0, line = 2;
    Item *items = NULL;

    *items_out = NULL;
    *n_out = 0;
    for (const char *p = text, *end = text + len; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (l == 0) {
            free(items);
            return ck_err(CK_ERR_FORMAT,
                          "%s: line %zu is empty (each line after the first is one "
                          "log entry)",
                          label, line);
        }
        if (n == max) {
            free(items);
            return too_many_entries(label, max);
        }
        if (n == cap) {
            Item *grown;
            cap = cap ? cap * 2 : 1024;
            if (cap > max)
                cap = (size_t)max;
            if ((grown = realloc(items, cap * sizeof *items)) == NULL) {
                free(items);
                return ck_err(CK_ERR_NOMEM, "out of memory");
            }
            items = grown;
        }
        items[n] = (Item){.body = p, .body_len = l, .index = n};
        n++;
        p += l + (nl != NULL);
    }
    *items_out = items;
    *n_out = n;
    return CK_OK;
}

/* The items of log, at most max (the signed checkpoint's size). */
static CkErr
read_entries(const ExportLog *log, uint64_t max, const char *label, Item **items_out, size_t *n_out)
{
    return log->lines != NULL ? items_from_lines(log->lines, log->len, max, label, items_out, n_out)
                              : items_from_array(log->array, max, label, items_out, n_out);
}

static int
cmp_text(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);

    return c != 0 ? c : (alen > blen) - (alen < blen);
}

static int
cmp_cert_ptr(const void *a, const void *b)
{
    const Item *x = *(Item *const *)a, *y = *(Item *const *)b;

    return cmp_text(x->jws, x->len, y->jws, y->len);
}

/* Every certificate a format-1 export lists must be one of the log's (sorted
 * look-up: n log n, not n²). Format 2 has no list: the log is the list. */
static CkErr
check_listed(const json_t *ex, const char *label, Item **certs, size_t n_certs)
{
    const json_t *listed = json_object_get(ex, "certificates");

    if (json_array_size(listed) == 0)
        return CK_OK;
    qsort(certs, n_certs, sizeof *certs, cmp_cert_ptr);
    for (size_t i = 0; i < json_array_size(listed); i++) {
        const json_t *c = json_array_get(listed, i);
        const json_t *jws = json_is_string(c) ? c : json_object_get(c, "jws");
        size_t lo = 0, hi = n_certs;
        bool found = false;

        if (!json_is_string(jws))
            return ck_err(CK_ERR_FORMAT, "%s: certificates[%zu] is not a certificate", label, i);
        while (lo < hi && !found) {
            size_t mid = lo + (hi - lo) / 2;
            int r = cmp_text(json_string_value(jws), json_string_length(jws), certs[mid]->jws,
                             certs[mid]->len);
            if (r == 0)
                found = true;
            else if (r < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (!found)
            return ck_err(CK_ERR_TAMPERED, "%s: certificates[%zu] is not in the kiosk's signed log",
                          label, i);
    }
    return CK_OK;
}

typedef struct Incoming {
    Item **certs;
    const char *kiosk_id;
} Incoming;

static void
incoming_row(void *ctx, size_t i, RegValue *v)
{
    const Incoming *in = ctx;
    const Item *it = in->certs[i];

#define TEXT(p) ((RegValue){.type = REG_TEXT, .s = (p), .len = strlen(p)})
    v[0] = TEXT(it->serial);
    v[1] = TEXT(in->kiosk_id);
    v[2] = (RegValue){.type = REG_TEXT, .s = it->jws, .len = it->len};
    v[3] = TEXT(it->nation);
    v[4] = TEXT(it->service_number);
    v[5] = (RegValue){.type = REG_INT, .i = it->valid_from};
    v[6] = (RegValue){.type = REG_INT, .i = it->valid_until};
    v[7] = TEXT(it->bundles);
    v[8] = it->supersedes[0] ? TEXT(it->supersedes) : (RegValue){.type = REG_NULL};
    v[9] = (RegValue){.type = REG_INT, .i = (int64_t)it->index};
#undef TEXT
}

static int
cmp_serial_ptr(const void *a, const void *b)
{
    const Item *x = *(Item *const *)a, *y = *(Item *const *)b;

    return strcmp(x->serial, y->serial);
}

/* Stores the certificates in bulk: loaded into a temporary table (COPY on
 * PostgreSQL), then one INSERT ... SELECT that skips serials already held.
 * A serial held with a different certificate is refused — checked after the
 * insert into certs, inside the transaction, so that a concurrent import of
 * the same serial (committed while we waited on its row) is caught too. */
static CkErr
store_items(Registry *reg, const char *label, const char *kiosk_id, Item **certs, size_t n,
            RegistryImportStats *stats)
{
    static const char cols[] = "serial, kiosk_id, jws, nation, service_number, valid_from, "
                               "valid_until, bundles, supersedes, log_index";
    static const char cert_cols[] = "serial, kiosk_id, nation, service_number, valid_from, "
                                    "valid_until, bundles, supersedes, log_index";
    const RegistryDriver *d = reg->drv;
    Incoming in = {certs, kiosk_id};
    RegStmt *st = NULL;
    char sql[512];
    bool row;
    CkErr err;

    /* The same serial twice in one export must be the same certificate. */
    qsort(certs, n, sizeof *certs, cmp_serial_ptr);
    for (size_t i = 1; i < n; i++)
        if (strcmp(certs[i - 1]->serial, certs[i]->serial) == 0 &&
            cmp_text(certs[i - 1]->jws, certs[i - 1]->len, certs[i]->jws, certs[i]->len) != 0)
            return ck_err(CK_ERR_TAMPERED, "%s: serial %s is in the log twice, as two certificates",
                          label, certs[i]->serial);
    if ((err = registry_exec(reg,
                             "CREATE TEMP TABLE IF NOT EXISTS ck_incoming(serial TEXT NOT NULL, "
                             "kiosk_id TEXT NOT NULL, jws TEXT NOT NULL, nation TEXT NOT NULL, "
                             "service_number TEXT NOT NULL, valid_from BIGINT NOT NULL, "
                             "valid_until BIGINT NOT NULL, bundles TEXT NOT NULL, supersedes TEXT, "
                             "log_index BIGINT NOT NULL)",
                             "storing certificates")) != CK_OK ||
        (d->incoming_setup != NULL &&
         (err = registry_exec(reg, d->incoming_setup, "storing certificates")) != CK_OK) ||
        (err = registry_exec(reg, "DELETE FROM ck_incoming", "storing certificates")) != CK_OK ||
        (err = d->bulk(reg, "ck_incoming", cols, 10, n, incoming_row, &in)) != CK_OK)
        return err;
    /* WHERE true: SQLite would otherwise read ON CONFLICT as a join's ON. */
    snprintf(sql, sizeof sql,
             "INSERT INTO certs(%s) SELECT %s FROM ck_incoming WHERE true "
             "ON CONFLICT(serial) DO NOTHING",
             cert_cols, cert_cols);
    if ((err = d->prepare(reg, sql, "storing certificates", &st)) != CK_OK ||
        (err = d->step(st, &row)) != CK_OK)
        goto out;
    stats->added = (size_t)d->changes(st);
    stats->known = n - stats->added;
    d->finalize(st);
    /* Checked before the texts are written, so that a new certificate is not
     * compared with itself (a second read of every text just written): the
     * insert into certs above waited for any concurrent import of these
     * serials, whose texts this statement now sees. */
    if ((err = d->prepare(reg,
                          "SELECT i.serial FROM ck_incoming i JOIN cert_texts c ON c.serial = "
                          "i.serial WHERE c.jws <> i.jws LIMIT 1",
                          "checking certificates", &st)) != CK_OK ||
        (err = d->step(st, &row)) != CK_OK)
        goto out;
    if (row) {
        err = ck_err(CK_ERR_TAMPERED,
                     "%s: serial %s is already in the registry with a different certificate", label,
                     d->col_text(st, 0));
        goto out;
    }
    err = registry_exec(reg,
                        "INSERT INTO cert_texts(serial, jws) SELECT serial, jws FROM ck_incoming "
                        "WHERE true ON CONFLICT(serial) DO NOTHING",
                        "storing certificates");
out:
    d->finalize(st);
    if (err == CK_OK)
        err = registry_exec(reg, "DELETE FROM ck_incoming", "storing certificates");
    return err;
}

static CkErr
store_kiosk(Registry *reg, const char *kiosk_id, const PublicKey *pub, const Checkpoint *cp,
            const json_t *jwk, const char *note, const unsigned char (*leaves)[MERKLE_HASH_LEN])
{
    const RegistryDriver *d = reg->drv;
    RegStmt *st = NULL;
    char *jwk_text = json_dumps(jwk, JSON_COMPACT | JSON_SORT_KEYS);
    bool row;
    CkErr err;

    if (jwk_text == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if ((err = d->prepare(reg,
                          "INSERT INTO kiosks(kiosk_id, kid, origin, jwk, size, root, checkpoint, "
                          "leaves) VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(kiosk_id) DO UPDATE SET "
                          "kid = excluded.kid, origin = excluded.origin, jwk = excluded.jwk, "
                          "size = excluded.size, root = excluded.root, "
                          "checkpoint = excluded.checkpoint, leaves = excluded.leaves",
                          "storing the witnessed checkpoint", &st)) != CK_OK)
        goto out;
    d->bind_text(st, 1, kiosk_id, SIZE_MAX);
    d->bind_text(st, 2, pub->kid, SIZE_MAX);
    d->bind_text(st, 3, cp->origin, SIZE_MAX);
    d->bind_text(st, 4, jwk_text, SIZE_MAX);
    d->bind_int(st, 5, (int64_t)cp->size);
    d->bind_blob(st, 6, cp->root, MERKLE_HASH_LEN);
    d->bind_text(st, 7, note, SIZE_MAX);
    d->bind_blob(st, 8, leaves, (size_t)cp->size * MERKLE_HASH_LEN);
    err = d->step(st, &row);
out:
    d->finalize(st);
    free(jwk_text);
    return err;
}

/* The witness: the new log must extend the one the registry saw. */
static CkErr
check_witness(const Seen *seen, const char *label, const char *kiosk_id, const PublicKey *pub,
              const Checkpoint *cp, const unsigned char (*leaves)[MERKLE_HASH_LEN])
{
    MerkleProof proof;
    CkErr err;

    if (!seen->found)
        return CK_OK;
    if (strcmp(seen->kid, pub->kid) != 0)
        return ck_err(CK_ERR_UNTRUSTED,
                      "%s: kiosk %s was witnessed with key %s; this export is signed by %s", label,
                      kiosk_id, seen->kid, pub->kid);
    if (strcmp(seen->origin, cp->origin) != 0)
        return ck_err(CK_ERR_TAMPERED, "%s: kiosk %s: log origin changed from %s to %s", label,
                      kiosk_id, seen->origin, cp->origin);
    if (cp->size < seen->size)
        return ck_err(CK_ERR_ROLLBACK,
                      "%s: kiosk %s: the log has %llu entries, fewer than the %llu the "
                      "registry witnessed: an older export, or a truncated log",
                      label, kiosk_id, (unsigned long long)cp->size,
                      (unsigned long long)seen->size);
    /* The new tree must extend the witnessed one (RFC 9162 consistency). */
    if ((err = merkle_consistency_proof(leaves, seen->size, cp->size, &proof)) != CK_OK)
        return err;
    if (merkle_verify_consistency(seen->size, cp->size, &proof, seen->root, cp->root) != CK_OK)
        return ck_err(CK_ERR_TAMPERED,
                      "%s: kiosk %s: the log is not consistent with the checkpoint the "
                      "registry witnessed (size %llu): its history was rewritten",
                      label, kiosk_id, (unsigned long long)seen->size);
    return CK_OK;
}

/* Imports an export: ex its header (or whole format-1 document), log its
 * entries, read once the checkpoint is known to be the kiosk's. */
static CkErr
import_entries(Registry *reg, const json_t *ex, const ExportLog *log, const char *label,
               const Trust *trust, int64_t now, RegistryProgressFn progress, void *progress_ctx,
               RegistryImportStats *stats)
{
    const RegistryDriver *d = reg->drv;
    Trust *kt = NULL;
    PublicKey pub;
    const char *kiosk_id = NULL, *note, *origin;
    json_t *jwk = NULL;
    Checkpoint cp;
    Seen seen;
    unsigned char(*leaves)[MERKLE_HASH_LEN] = NULL;
    unsigned char root[MERKLE_HASH_LEN];
    Item *items = NULL, **certs = NULL;
    size_t n_items = 0, n_certs = 0;
    char key[TRUST_KIOSK_ID_MAX + 16];
    bool in_tx = false;
    Work w;
    CkErr err;

    memset(stats, 0, sizeof *stats);
    /* 1. the kiosk */
    if ((err = check_kiosk(ex, label, trust, now, &kt, &pub, &kiosk_id, &jwk)) != CK_OK)
        goto out;
    snprintf(stats->kiosk_id, sizeof stats->kiosk_id, "%s", kiosk_id);
    /* 2. the checkpoint */
    if ((note = registry_get_str(ex, "checkpoint")) == NULL) {
        err = ck_err(CK_ERR_FORMAT, "%s: the export has no \"checkpoint\"", label);
        goto out;
    }
    origin = registry_get_str(ex, "origin");
    if ((err = checkpoint_verify(note, strlen(note), &pub, origin, &cp)) != CK_OK) {
        char dt[300];
        snprintf(dt, sizeof dt, "%s", ck_err_detail());
        err = ck_err(err, "%s: kiosk %s: checkpoint: %s", label, kiosk_id, dt);
        goto out;
    }
    /* 3 and 5, on all cores: every entry hashed, every certificate verified. */
    if ((err = read_entries(log, cp.size, label, &items, &n_items)) != CK_OK)
        goto out;
    if ((leaves = malloc((n_items ? n_items : 1) * sizeof *leaves)) == NULL ||
        (certs = malloc((n_items ? n_items : 1) * sizeof *certs)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    w = (Work){.items = items,
               .leaves = leaves,
               .n = n_items,
               .trust = kt,
               .now = now,
               .kiosk_id = kiosk_id,
               .kid = pub.kid};
    verify_all(&w, progress, progress_ctx);
    /* 3. the log under the checkpoint */
    merkle_root((const unsigned char(*)[MERKLE_HASH_LEN])leaves, n_items, root);
    if (n_items != cp.size || sodium_memcmp(root, cp.root, MERKLE_HASH_LEN) != 0) {
        err = ck_err(CK_ERR_TAMPERED,
                     "%s: kiosk %s: the log's %zu entries do not match its signed checkpoint "
                     "(size %llu): entries were altered, added or dropped",
                     label, kiosk_id, n_items, (unsigned long long)cp.size);
        goto out;
    }
    stats->new_size = cp.size;
    for (size_t i = 0; i < n_items; i++)
        if (items[i].jws != NULL || items[i].err != CK_OK)
            certs[n_certs++] = &items[i];
    stats->certificates = n_certs;
    for (size_t i = 0; i < n_certs; i++)
        if (certs[i]->err == CK_ERR_FORMAT && certs[i]->jws == NULL) {
            err = ck_err(CK_ERR_FORMAT, "%s: entry %llu: %s", label,
                         (unsigned long long)certs[i]->index, certs[i]->why);
            goto out;
        }
    if ((err = check_listed(ex, label, certs, n_certs)) != CK_OK)
        goto out;
    /* 4. the witness, read and written in one transaction under the
     * kiosk's lock: two imports of one kiosk never interleave. */
    if ((err = d->begin(reg)) != CK_OK)
        goto out;
    in_tx = true;
    snprintf(key, sizeof key, "kiosk %s", kiosk_id);
    if ((err = d->lock(reg, key)) != CK_OK || (err = load_seen(reg, kiosk_id, &seen)) != CK_OK)
        goto out;
    stats->new_kiosk = !seen.found;
    stats->old_size = seen.size;
    if ((err = check_witness(&seen, label, kiosk_id, &pub, &cp,
                             (const unsigned char(*)[MERKLE_HASH_LEN])leaves)) != CK_OK)
        goto out;
    /* 5. every certificate (verified above), reported in log order */
    for (size_t i = 0; i < n_items; i++)
        if (items[i].err != CK_OK) {
            err = ck_err(items[i].err, "%s: kiosk %s: log entry %llu: %s", label, kiosk_id,
                         (unsigned long long)items[i].index, items[i].why);
            goto out;
        }
    /* 6. store */
    if ((err = store_items(reg, label, kiosk_id, certs, n_certs, stats)) != CK_OK)
        goto out;
    if (!seen.found || cp.size > seen.size)
        if ((err = store_kiosk(reg, kiosk_id, &pub, &cp, jwk, note,
                               (const unsigned char(*)[MERKLE_HASH_LEN])leaves)) != CK_OK)
            goto out;
    if ((err = d->commit(reg)) != CK_OK)
        goto out;
    in_tx = false;
out:
    if (in_tx)
        d->rollback(reg);
    for (size_t i = 0; i < n_items; i++)
        free(items[i].bundles);
    free(items);
    free(certs);
    free(leaves);
    trust_free(kt);
    if (err != CK_OK) {
        stats->added = 0;
        stats->known = 0;
    }
    return err;
}

/* ex: an export's header line (format 2) or whole document (format 1). */
static const char *
export_format(const json_t *ex)
{
    const char *f = json_is_object(ex) ? registry_get_str(ex, "format") : NULL;

    return f != NULL && (strcmp(f, EXPORT_FORMAT_V1) == 0 || strcmp(f, EXPORT_FORMAT_V2) == 0)
               ? f
               : NULL;
}

static CkErr
not_an_export(const char *label)
{
    return ck_err(CK_ERR_FORMAT,
                  "%s: not a kiosk export (\"format\" is neither \"" EXPORT_FORMAT_V2
                  "\" nor \"" EXPORT_FORMAT_V1 "\")",
                  label);
}

CkErr
registry_import(Registry *reg, const json_t *ex, const char *label, const Trust *trust, int64_t now,
                RegistryProgressFn progress, void *progress_ctx, RegistryImportStats *stats)
{
    const char *format = export_format(ex);
    ExportLog log = {json_object_get(ex, "log"), NULL, 0};

    memset(stats, 0, sizeof *stats);
    if (format == NULL)
        return not_an_export(label);
    if (strcmp(format, EXPORT_FORMAT_V2) == 0) /* a header over several lines, say */
        return ck_err(CK_ERR_FORMAT,
                      "%s: a \"" EXPORT_FORMAT_V2 "\" export is JSON Lines: its header must be "
                      "the first line, each log entry one line after it",
                      label);
    return import_entries(reg, ex, &log, label, trust, now, progress, progress_ctx, stats);
}

/* A format-2 export is told by its first line, a JSON object naming that
 * format; anything else is read as one format-1 document. */
CkErr
registry_import_text(Registry *reg, const char *text, size_t len, const char *label,
                     const Trust *trust, int64_t now, RegistryProgressFn progress,
                     void *progress_ctx, RegistryImportStats *stats_out)
{
    const char *nl = memchr(text, '\n', len);
    size_t first = nl ? (size_t)(nl - text) : len;
    ExportLog lines = {NULL, nl ? nl + 1 : text + len, nl ? len - first - 1 : 0};
    json_t *ex;
    json_error_t jerr;
    CkErr err;

    memset(stats_out, 0, sizeof *stats_out);
    ex = json_loadb(text, first, JSON_REJECT_DUPLICATES, NULL);
    if (export_format(ex) != NULL && strcmp(export_format(ex), EXPORT_FORMAT_V2) == 0) {
        err = import_entries(reg, ex, &lines, label, trust, now, progress, progress_ctx, stats_out);
        goto out;
    }
    if (first < len || ex == NULL) { /* format 1 over several lines, or not JSON */
        json_decref(ex);
        if ((ex = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
            err = ck_err(CK_ERR_FORMAT, "%s: line %d, column %d: %s", label, jerr.line, jerr.column,
                         jerr.text);
            goto out;
        }
    }
    err = registry_import(reg, ex, label, trust, now, progress, progress_ctx, stats_out);
out:
    json_decref(ex);
    return err;
}

CkErr
registry_import_file(Registry *reg, const char *path, const Trust *trust, int64_t now,
                     RegistryProgressFn progress, void *progress_ctx,
                     RegistryImportStats *stats_out)
{
    unsigned char *data;
    size_t len;
    CkErr err;

    memset(stats_out, 0, sizeof *stats_out);
    if ((err = fileio_read(path, REGISTRY_EXPORT_MAX, &data, &len)) != CK_OK)
        return err;
    err = registry_import_text(reg, (const char *)data, len, path, trust, now, progress,
                               progress_ctx, stats_out);
    sodium_memzero(data, len); /* the entries name people */
    free(data);
    return err;
}
