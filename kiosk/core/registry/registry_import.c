/* registry_import: importing a kiosk export — the kiosk's endorsements, its signed log, the
 * witness, every certificate verified in parallel, all or nothing. */
#include "registry_int.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "clock.h"
#include "fileio.h"
#include "merkle.h"

/* One certificate of the log, and what verifying it found. */
typedef struct Item {
    const char *jws; /* borrowed from the export */
    size_t len;
    uint64_t index; /* log index of its entry */
    CkErr err;
    char why[300];
    CertReport report;
    char service_number[CERT_FIELD_MAX + 1];
    char supersedes[CERT_SERIAL_MAX + 1];
    char *bundles; /* JSON text */
} Item;

typedef struct Work {
    Item *items;
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

static void
verify_item(Work *w, Item *it)
{
    CertClaims *c = NULL;
    CkErr err;

    err = cert_verify(it->jws, it->len, w->trust, w->now, NULL, &it->report);
    /* Expiry is judged by the report, not here: only a certificate the kiosk
     * could not have issued (format, signature, endorsement) is refused. */
    if (err != CK_OK && it->report.steps[CERT_STEP_ENDORSEMENT].outcome != CERT_STEP_PASSED) {
        for (int s = 0; s < CERT_STEP_COUNT_; s++)
            if (it->report.steps[s].outcome == CERT_STEP_FAILED) {
                snprintf(it->why, sizeof it->why, "%s: %s", cert_step_name((CertStepId)s),
                         it->report.steps[s].detail);
                break;
            }
        it->err = err;
        return;
    }
    if (strcmp(it->report.kid, w->kid) != 0 || strcmp(it->report.kiosk_id, w->kiosk_id) != 0) {
        snprintf(it->why, sizeof it->why, "certificate %s is from kiosk %s (key %s), not %s",
                 it->report.serial, it->report.kiosk_id, it->report.kid, w->kiosk_id);
        it->err = CK_ERR_TAMPERED;
        return;
    }
    if ((err = cert_decode(it->jws, it->len, &c)) != CK_OK) {
        snprintf(it->why, sizeof it->why, "%s", ck_err_detail());
        it->err = err;
        return;
    }
    memcpy(it->service_number, c->service_number, sizeof it->service_number);
    memcpy(it->supersedes, c->supersedes, sizeof it->supersedes);
    if ((it->bundles = bundles_json(c)) == NULL) {
        snprintf(it->why, sizeof it->why, "out of memory");
        it->err = CK_ERR_NOMEM;
    }
    cert_claims_free(c);
}

static void *
worker(void *arg)
{
    Work *w = arg;

    for (;;) {
        size_t i;
        pthread_mutex_lock(&w->lock);
        i = w->next++;
        pthread_mutex_unlock(&w->lock);
        if (i >= w->n)
            break;
        verify_item(w, &w->items[i]);
        pthread_mutex_lock(&w->lock);
        w->done++;
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

/* Verifies every item on all cores; progress is reported from this thread. */
static void
verify_all(Work *w, RegistryProgressFn progress, void *ctx)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nthreads = ncpu > 0 ? (size_t)ncpu : 1;
    pthread_t threads[64];
    size_t started = 0;

    if (nthreads > 64)
        nthreads = 64;
    if (nthreads > w->n / 32 + 1)
        nthreads = w->n / 32 + 1;
    pthread_mutex_init(&w->lock, NULL);
    for (size_t t = 1; t < nthreads; t++)
        if (pthread_create(&threads[started], NULL, worker, w) == 0)
            started++;
    /* This thread works too, reporting progress between certificates. */
    for (;;) {
        size_t i, done;
        pthread_mutex_lock(&w->lock);
        i = w->next++;
        done = w->done;
        pthread_mutex_unlock(&w->lock);
        if (progress != NULL)
            progress(ctx, done, w->n);
        if (i >= w->n)
            break;
        verify_item(w, &w->items[i]);
        pthread_mutex_lock(&w->lock);
        w->done++;
        pthread_mutex_unlock(&w->lock);
    }
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&w->lock);
    if (progress != NULL)
        progress(ctx, w->n, w->n);
}

const char *
registry_get_str(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The previous witnessed state of a kiosk, if any. */
typedef struct Seen {
    bool found;
    char kid[KEY_ID_LEN + 1];
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    uint64_t size;
    unsigned char root[MERKLE_HASH_LEN];
} Seen;

static CkErr
load_seen(Registry *reg, const char *kiosk_id, Seen *seen)
{
    sqlite3_stmt *st;
    CkErr err;
    int rc;

    memset(seen, 0, sizeof *seen);
    if ((err = registry_prepare(
             reg, "SELECT kid, origin, size, root FROM kiosks WHERE kiosk_id = ?", &st)) != CK_OK)
        return err;
    sqlite3_bind_text(st, 1, kiosk_id, -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *root = sqlite3_column_blob(st, 3);
        seen->found = true;
        snprintf(seen->kid, sizeof seen->kid, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(seen->origin, sizeof seen->origin, "%s", (const char *)sqlite3_column_text(st, 1));
        seen->size = (uint64_t)sqlite3_column_int64(st, 2);
        if (root == NULL || sqlite3_column_bytes(st, 3) != MERKLE_HASH_LEN)
            err = ck_err(CK_ERR_DB, "%s: kiosk %s: stored root is damaged", reg->path, kiosk_id);
        else
            memcpy(seen->root, root, MERKLE_HASH_LEN);
    } else if (rc != SQLITE_DONE) {
        err = registry_db_err(reg, "reading the witnessed checkpoint");
    }
    sqlite3_finalize(st);
    return err;
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

/* Collects the log's leaves and certificates. */
static CkErr
read_log(const json_t *ex, const char *label, unsigned char (**leaves_out)[MERKLE_HASH_LEN],
         size_t *n_out, Item **items_out, size_t *n_items_out)
{
    const json_t *entries = json_object_get(ex, "log");
    unsigned char(*leaves)[MERKLE_HASH_LEN] = NULL;
    Item *items = NULL;
    size_t n, n_items = 0;
    CkErr err = CK_OK;

    *leaves_out = NULL;
    *items_out = NULL;
    if (!json_is_array(entries))
        return ck_err(CK_ERR_FORMAT, "%s: the export has no \"log\" (the kiosk's entries)", label);
    n = json_array_size(entries);
    if ((leaves = malloc((n ? n : 1) * sizeof *leaves)) == NULL ||
        (items = calloc(n ? n : 1, sizeof *items)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(entries, i);
        const char *body = json_is_string(e) ? json_string_value(e) : registry_get_str(e, "body");
        size_t len = json_is_string(e) ? json_string_length(e)
                                       : json_string_length(json_object_get(e, "body"));
        json_t *doc;
        const json_t *jws;

        if (body == NULL) {
            err = ck_err(CK_ERR_FORMAT, "%s: entry %zu has no body", label, i);
            goto out;
        }
        merkle_leaf_hash((const unsigned char *)body, len, leaves[i]);
        if ((doc = json_loadb(body, len, 0, NULL)) == NULL) {
            err = ck_err(CK_ERR_FORMAT, "%s: entry %zu is not JSON", label, i);
            goto out;
        }
        jws = json_object_get(doc, "jws");
        if (json_is_string(jws)) {
            /* Point into the export's own string: body is escaped JSON, so the
             * certificate text (base64url and dots only) is found verbatim. */
            const char *at = strstr(body, json_string_value(jws));
            if (at == NULL) {
                json_decref(doc);
                err = ck_err(CK_ERR_FORMAT, "%s: entry %zu: certificate not found", label, i);
                goto out;
            }
            items[n_items].jws = at;
            items[n_items].len = json_string_length(jws);
            items[n_items].index = i;
            n_items++;
        }
        json_decref(doc);
    }
out:
    if (err != CK_OK) {
        free(leaves);
        free(items);
        return err;
    }
    *leaves_out = leaves;
    *n_out = n;
    *items_out = items;
    *n_items_out = n_items;
    return CK_OK;
}

/* Every certificate the export lists must be one of the log's. */
static CkErr
check_listed(const json_t *ex, const char *label, const Item *items, size_t n_items)
{
    const json_t *certs = json_object_get(ex, "certificates");

    for (size_t i = 0; i < json_array_size(certs); i++) {
        const json_t *c = json_array_get(certs, i);
        const char *jws = json_is_string(c) ? json_string_value(c) : registry_get_str(c, "jws");
        bool found = false;

        if (jws == NULL)
            return ck_err(CK_ERR_FORMAT, "%s: certificates[%zu] is not a certificate", label, i);
        for (size_t k = 0; k < n_items && !found; k++)
            found = items[k].len == strlen(jws) && memcmp(items[k].jws, jws, items[k].len) == 0;
        if (!found)
            return ck_err(CK_ERR_TAMPERED, "%s: certificates[%zu] is not in the kiosk's signed log",
                          label, i);
    }
    return CK_OK;
}

static CkErr
store_items(Registry *reg, const char *label, const char *kiosk_id, Item *items, size_t n,
            RegistryImportStats *stats)
{
    sqlite3_stmt *get = NULL, *put = NULL;
    CkErr err;

    if ((err = registry_prepare(reg, "SELECT jws FROM certs WHERE serial = ?", &get)) != CK_OK ||
        (err = registry_prepare(
             reg,
             "INSERT INTO certs(serial, kiosk_id, jws, nation, service_number, "
             "valid_from, valid_until, bundles, supersedes) VALUES(?,?,?,?,?,?,?,?,?)",
             &put)) != CK_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        Item *it = &items[i];
        int rc;

        sqlite3_reset(get);
        sqlite3_bind_text(get, 1, it->report.serial, -1, SQLITE_STATIC);
        if ((rc = sqlite3_step(get)) == SQLITE_ROW) {
            const char *old = (const char *)sqlite3_column_text(get, 0);
            if (old == NULL || strlen(old) != it->len || memcmp(old, it->jws, it->len) != 0) {
                err = ck_err(CK_ERR_TAMPERED,
                             "%s: serial %s is already in the registry with a different "
                             "certificate",
                             label, it->report.serial);
                goto out;
            }
            stats->known++;
            continue;
        }
        if (rc != SQLITE_DONE) {
            err = registry_db_err(reg, "reading certificates");
            goto out;
        }
        sqlite3_reset(put);
        sqlite3_bind_text(put, 1, it->report.serial, -1, SQLITE_STATIC);
        sqlite3_bind_text(put, 2, kiosk_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(put, 3, it->jws, (int)it->len, SQLITE_STATIC);
        sqlite3_bind_text(put, 4, it->report.nation, -1, SQLITE_STATIC);
        sqlite3_bind_text(put, 5, it->service_number, -1, SQLITE_STATIC);
        sqlite3_bind_int64(put, 6, it->report.valid_from);
        sqlite3_bind_int64(put, 7, it->report.valid_until);
        sqlite3_bind_text(put, 8, it->bundles, -1, SQLITE_STATIC);
        if (it->supersedes[0])
            sqlite3_bind_text(put, 9, it->supersedes, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(put, 9);
        if (sqlite3_step(put) != SQLITE_DONE) {
            err = registry_db_err(reg, "storing a certificate");
            goto out;
        }
        stats->added++;
    }
out:
    sqlite3_finalize(get);
    sqlite3_finalize(put);
    return err;
}

static CkErr
store_kiosk(Registry *reg, const char *kiosk_id, const PublicKey *pub, const Checkpoint *cp,
            const json_t *jwk, const char *note)
{
    sqlite3_stmt *st = NULL;
    char *jwk_text = json_dumps(jwk, JSON_COMPACT | JSON_SORT_KEYS);
    CkErr err;

    if (jwk_text == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if ((err = registry_prepare(
             reg,
             "INSERT OR REPLACE INTO kiosks(kiosk_id, kid, origin, jwk, size, root, "
             "checkpoint) VALUES(?,?,?,?,?,?,?)",
             &st)) != CK_OK)
        goto out;
    sqlite3_bind_text(st, 1, kiosk_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, pub->kid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, cp->origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, jwk_text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)cp->size);
    sqlite3_bind_blob(st, 6, cp->root, MERKLE_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, note, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        err = registry_db_err(reg, "storing the witnessed checkpoint");
out:
    sqlite3_finalize(st);
    free(jwk_text);
    return err;
}

CkErr
registry_import(Registry *reg, const json_t *ex, const char *label, const Trust *trust, int64_t now,
                RegistryProgressFn progress, void *progress_ctx, RegistryImportStats *stats)
{
    Trust *kt = NULL;
    PublicKey pub;
    const char *kiosk_id = NULL, *note, *origin;
    json_t *jwk = NULL;
    Checkpoint cp;
    Seen seen;
    MerkleProof proof;
    unsigned char(*leaves)[MERKLE_HASH_LEN] = NULL;
    unsigned char root[MERKLE_HASH_LEN];
    Item *items = NULL;
    size_t n_leaves = 0, n_items = 0;
    bool in_tx = false;
    Work w;
    CkErr err;

    memset(stats, 0, sizeof *stats);
    if (!json_is_object(ex) || registry_get_str(ex, "format") == NULL ||
        strcmp(registry_get_str(ex, "format"), "certkiosk-export/1") != 0)
        return ck_err(CK_ERR_FORMAT,
                      "%s: not a kiosk export (\"format\" is not "
                      "\"certkiosk-export/1\")",
                      label);
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
        char d[300];
        snprintf(d, sizeof d, "%s", ck_err_detail());
        err = ck_err(err, "%s: kiosk %s: checkpoint: %s", label, kiosk_id, d);
        goto out;
    }
    /* 3. the log under the checkpoint */
    if ((err = read_log(ex, label, &leaves, &n_leaves, &items, &n_items)) != CK_OK)
        goto out;
    merkle_root((const unsigned char(*)[MERKLE_HASH_LEN])leaves, n_leaves, root);
    if (n_leaves != cp.size || sodium_memcmp(root, cp.root, MERKLE_HASH_LEN) != 0) {
        err = ck_err(CK_ERR_TAMPERED,
                     "%s: kiosk %s: the log's %zu entries do not match its signed checkpoint "
                     "(size %llu): entries were altered, added or dropped",
                     label, kiosk_id, n_leaves, (unsigned long long)cp.size);
        goto out;
    }
    stats->new_size = cp.size;
    if ((err = check_listed(ex, label, items, n_items)) != CK_OK)
        goto out;
    /* 4. the witness; read inside the write transaction so that two imports
     * of one kiosk cannot interleave. */
    if ((err = registry_exec(reg, "BEGIN IMMEDIATE", "starting the import")) != CK_OK)
        goto out;
    in_tx = true;
    if ((err = load_seen(reg, kiosk_id, &seen)) != CK_OK)
        goto out;
    stats->new_kiosk = !seen.found;
    if (seen.found) {
        stats->old_size = seen.size;
        if (strcmp(seen.kid, pub.kid) != 0) {
            err = ck_err(CK_ERR_UNTRUSTED,
                         "%s: kiosk %s was witnessed with key %s; this export is signed by %s",
                         label, kiosk_id, seen.kid, pub.kid);
            goto out;
        }
        if (strcmp(seen.origin, cp.origin) != 0) {
            err = ck_err(CK_ERR_TAMPERED, "%s: kiosk %s: log origin changed from %s to %s", label,
                         kiosk_id, seen.origin, cp.origin);
            goto out;
        }
        if (cp.size < seen.size) {
            err =
                ck_err(CK_ERR_ROLLBACK,
                       "%s: kiosk %s: the log has %llu entries, fewer than the %llu the "
                       "registry witnessed: an older export, or a truncated log",
                       label, kiosk_id, (unsigned long long)cp.size, (unsigned long long)seen.size);
            goto out;
        }
        /* The new tree must extend the witnessed one (RFC 9162 consistency). */
        if ((err = merkle_consistency_proof((const unsigned char(*)[MERKLE_HASH_LEN])leaves,
                                            seen.size, cp.size, &proof)) != CK_OK)
            goto out;
        if (merkle_verify_consistency(seen.size, cp.size, &proof, seen.root, cp.root) != CK_OK) {
            err = ck_err(CK_ERR_TAMPERED,
                         "%s: kiosk %s: the log is not consistent with the checkpoint the "
                         "registry witnessed (size %llu): its history was rewritten",
                         label, kiosk_id, (unsigned long long)seen.size);
            goto out;
        }
    }
    /* 5. every certificate, in parallel */
    w = (Work){.items = items,
               .n = n_items,
               .trust = kt,
               .now = now,
               .kiosk_id = kiosk_id,
               .kid = pub.kid};
    verify_all(&w, progress, progress_ctx);
    stats->certificates = n_items;
    for (size_t i = 0; i < n_items; i++)
        if (items[i].err != CK_OK) {
            err = ck_err(items[i].err, "%s: kiosk %s: log entry %llu: %s", label, kiosk_id,
                         (unsigned long long)items[i].index, items[i].why);
            goto out;
        }
    /* 6. store */
    if ((err = store_items(reg, label, kiosk_id, items, n_items, stats)) != CK_OK)
        goto out;
    if (!seen.found || cp.size > seen.size)
        if ((err = store_kiosk(reg, kiosk_id, &pub, &cp, jwk, note)) != CK_OK)
            goto out;
    if ((err = registry_exec(reg, "COMMIT", "committing the import")) != CK_OK)
        goto out;
    in_tx = false;
out:
    if (in_tx)
        sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
    for (size_t i = 0; items != NULL && i < n_items; i++)
        free(items[i].bundles);
    free(items);
    free(leaves);
    trust_free(kt);
    if (err != CK_OK) {
        stats->added = 0;
        stats->known = 0;
    }
    return err;
}

CkErr
registry_import_file(Registry *reg, const char *path, const Trust *trust, int64_t now,
                     RegistryProgressFn progress, void *progress_ctx,
                     RegistryImportStats *stats_out)
{
    unsigned char *data;
    size_t len;
    json_t *ex;
    json_error_t jerr;
    CkErr err;

    memset(stats_out, 0, sizeof *stats_out);
    if ((err = fileio_read(path, REGISTRY_EXPORT_MAX, &data, &len)) != CK_OK)
        return err;
    ex = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    free(data);
    if (ex == NULL)
        return ck_err(CK_ERR_FORMAT, "%s: line %d, column %d: %s", path, jerr.line, jerr.column,
                      jerr.text);
    err = registry_import(reg, ex, path, trust, now, progress, progress_ctx, stats_out);
    json_decref(ex);
    return err;
}
