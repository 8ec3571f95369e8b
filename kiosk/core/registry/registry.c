/* registry: what both back ends share — choosing one, the schema's migrations, status lists,
 * bundles, look-ups (imports: registry_import.c). */
#include "registry_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"

#define DRV(reg) ((reg)->drv)

bool
registry_is_url(const char *where)
{
    return where != NULL &&
           (strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0);
}

const char *
registry_backend(const Registry *reg)
{
    return reg->drv->name;
}

const char *
registry_where(const Registry *reg)
{
    return reg->where;
}

CkErr
registry_exec(Registry *reg, const char *sql, const char *what)
{
    RegStmt *st;
    bool row;
    CkErr err;

    if ((err = DRV(reg)->prepare(reg, sql, what, &st)) != CK_OK)
        return err;
    err = DRV(reg)->step(st, &row);
    DRV(reg)->finalize(st);
    return err;
}

const char *
registry_get_str(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

static CkErr
connect(const char *where, bool create, Registry **reg_out)
{
    Registry *reg = calloc(1, sizeof *reg);
    CkErr err;

    *reg_out = NULL;
    if (reg == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    reg->drv = registry_is_url(where) ? &registry_pg_driver : &registry_sqlite_driver;
    if ((err = reg->drv->open(reg, where, create)) != CK_OK) {
        registry_close(reg);
        return err;
    }
    *reg_out = reg;
    return CK_OK;
}

CkErr
registry_migrate_held(Registry *reg, int *from_out, int *to_out)
{
    int version = 0, from;
    CkErr err;

    if ((err = DRV(reg)->begin(reg)) != CK_OK)
        return err;
    /* Two first imports at once into an empty PostgreSQL database: one
     * makes the tables, the other waits and finds them made. */
    if ((err = DRV(reg)->lock(reg, "certkiosk schema")) != CK_OK ||
        (err = DRV(reg)->get_version(reg, &version)) != CK_OK)
        goto out;
    if (version < 0) {
        err = ck_err(CK_ERR_DB, "%s: not a certkiosk registry (another program's database)",
                     reg->where);
        goto out;
    }
    if (version > REGISTRY_SCHEMA) {
        err = ck_err(CK_ERR_DB, "%s: made by a newer certkiosk (schema %d; this one knows %d)",
                     reg->where, version, REGISTRY_SCHEMA);
        goto out;
    }
    from = version;
    while (version < REGISTRY_SCHEMA)
        if ((err = DRV(reg)->migrate_step(reg, version++)) != CK_OK)
            goto out;
    if ((err = DRV(reg)->commit(reg)) != CK_OK)
        return err;
    if (from_out != NULL)
        *from_out = from;
    if (to_out != NULL)
        *to_out = version;
    return CK_OK;
out:
    DRV(reg)->rollback(reg);
    return err;
}

CkErr
registry_open(const char *where, bool create, Registry **reg_out)
{
    Registry *reg = NULL;
    int version = 0;
    CkErr err;

    *reg_out = NULL;
    if ((err = connect(where, create, &reg)) != CK_OK)
        return err;
    if ((err = DRV(reg)->get_version(reg, &version)) != CK_OK)
        goto out;
    if (version < 0) {
        err = ck_err(CK_ERR_DB, "%s: not a certkiosk registry", reg->where);
    } else if (version > REGISTRY_SCHEMA) {
        err = ck_err(CK_ERR_DB, "%s: made by a newer certkiosk (schema %d; this one knows %d)",
                     reg->where, version, REGISTRY_SCHEMA);
    } else if (version == 0 && !create) {
        err = ck_err(CK_ERR_NOT_FOUND, "%s: no registry here yet (import a kiosk export first)",
                     reg->where);
    } else if (version == 0 || (version < REGISTRY_SCHEMA && DRV(reg) == &registry_sqlite_driver)) {
        /* A new registry, or an embedded one of an older schema: nobody
         * else shares that file, so it is brought up to date here. */
        if ((err = registry_migrate_held(reg, NULL, NULL)) == CK_OK)
            err = DRV(reg)->get_version(reg, &version); /* settles SQLite's journal mode */
    } else if (version < REGISTRY_SCHEMA) {
        err = ck_err(CK_ERR_DB,
                     "%s: the registry has schema %d, this certctl needs %d: run `certctl "
                     "registry migrate --registry URL` as the role that owns its tables",
                     reg->where, version, REGISTRY_SCHEMA);
    }
out:
    if (err != CK_OK) {
        registry_close(reg);
        return err;
    }
    *reg_out = reg;
    return CK_OK;
}

CkErr
registry_migrate(const char *where, int *from_out, int *to_out)
{
    Registry *reg;
    CkErr err;

    if ((err = connect(where, true, &reg)) != CK_OK)
        return err;
    err = registry_migrate_held(reg, from_out, to_out);
    registry_close(reg);
    return err;
}

void
registry_close(Registry *reg)
{
    if (reg == NULL)
        return;
    if (reg->db != NULL)
        reg->drv->close(reg);
    free(reg->where);
    free(reg);
}

/* ---- Status lists ---- */

CkErr
registry_set_status(Registry *reg, const StatusList *list, bool *changed_out)
{
    RegStmt *st = NULL;
    StatusList *held = NULL;
    bool changed = false, row;
    char key[160];
    CkErr err;

    if (changed_out != NULL)
        *changed_out = false;
    if (status_jws(list) == NULL)
        return ck_err(CK_ERR_USAGE, "an unsigned status list cannot be stored");
    if ((err = DRV(reg)->begin(reg)) != CK_OK)
        return err;
    snprintf(key, sizeof key, "status %s", status_issuer(list));
    if ((err = DRV(reg)->lock(reg, key)) != CK_OK ||
        (err = DRV(reg)->prepare(reg, "SELECT jws FROM status WHERE issuer = ?",
                                 "reading status lists", &st)) != CK_OK)
        goto out;
    DRV(reg)->bind_text(st, 1, status_issuer(list), SIZE_MAX);
    if ((err = DRV(reg)->step(st, &row)) != CK_OK)
        goto out;
    if (row) {
        const char *text = DRV(reg)->col_text(st, 0);
        if ((err = status_parse(text, strlen(text), &held)) != CK_OK)
            goto out;
    }
    DRV(reg)->finalize(st);
    st = NULL;
    if ((err = status_check_newer(held, list)) != CK_OK)
        goto out;
    if (held != NULL && status_version(held) == status_version(list))
        goto out;
    if ((err = DRV(reg)->prepare(reg,
                                 "INSERT INTO status(issuer, version, jws) VALUES(?,?,?) "
                                 "ON CONFLICT(issuer) DO UPDATE SET version = excluded.version, "
                                 "jws = excluded.jws",
                                 "storing a status list", &st)) != CK_OK)
        goto out;
    DRV(reg)->bind_text(st, 1, status_issuer(list), SIZE_MAX);
    DRV(reg)->bind_int(st, 2, (int64_t)status_version(list));
    DRV(reg)->bind_text(st, 3, status_jws(list), SIZE_MAX);
    if ((err = DRV(reg)->step(st, &row)) != CK_OK)
        goto out;
    changed = true;
out:
    DRV(reg)->finalize(st);
    status_free(held);
    if (err == CK_OK)
        err = DRV(reg)->commit(reg);
    else
        DRV(reg)->rollback(reg);
    if (err == CK_OK && changed_out != NULL)
        *changed_out = changed;
    return err;
}

CkErr
registry_status_lists(Registry *reg, StatusList ***lists_out, size_t *n_out)
{
    RegStmt *st = NULL;
    StatusList **lists = NULL;
    size_t n = 0;
    bool row;
    CkErr err;

    *lists_out = NULL;
    *n_out = 0;
    if ((err = DRV(reg)->prepare(reg, "SELECT jws FROM status ORDER BY issuer",
                                 "reading status lists", &st)) != CK_OK)
        return err;
    while ((err = DRV(reg)->step(st, &row)) == CK_OK && row) {
        const char *text = DRV(reg)->col_text(st, 0);
        StatusList **more = realloc(lists, (n + 1) * sizeof *lists);
        if (more == NULL) {
            err = ck_err(CK_ERR_NOMEM, "out of memory");
            break;
        }
        lists = more;
        if ((err = status_parse(text, strlen(text), &lists[n])) != CK_OK)
            break;
        n++;
    }
    DRV(reg)->finalize(st);
    if (err != CK_OK) {
        registry_status_free(lists, n);
        return err;
    }
    *lists_out = lists;
    *n_out = n;
    return CK_OK;
}

void
registry_status_free(StatusList **lists, size_t n)
{
    for (size_t i = 0; lists != NULL && i < n; i++)
        status_free(lists[i]);
    free(lists);
}

/* ---- Bundles ---- */

CkErr
registry_get_bundle(Registry *reg, const char *id, RegistryBundle *out)
{
    RegStmt *st;
    bool row;
    CkErr err;

    memset(out, 0, sizeof *out);
    if ((err = DRV(reg)->prepare(reg,
                                 "SELECT nation, version, material_since FROM bundles WHERE id = ?",
                                 "reading bundles", &st)) != CK_OK)
        return err;
    DRV(reg)->bind_text(st, 1, id, SIZE_MAX);
    if ((err = DRV(reg)->step(st, &row)) == CK_OK) {
        if (row) {
            snprintf(out->id, sizeof out->id, "%s", id);
            snprintf(out->nation, sizeof out->nation, "%s", DRV(reg)->col_text(st, 0));
            snprintf(out->version, sizeof out->version, "%s", DRV(reg)->col_text(st, 1));
            snprintf(out->material_since, sizeof out->material_since, "%s",
                     DRV(reg)->col_text(st, 2));
        } else {
            err = ck_err(CK_ERR_NOT_FOUND, "bundle %s is not in the registry", id);
        }
    }
    DRV(reg)->finalize(st);
    return err;
}

CkErr
registry_add_bundle(Registry *reg, const RegistryBundle *b, bool *changed_out)
{
    RegistryBundle old;
    RegStmt *st = NULL;
    char key[CERT_FIELD_MAX + 16];
    bool row;
    CkErr err;

    if (changed_out != NULL)
        *changed_out = false;
    if ((err = DRV(reg)->begin(reg)) != CK_OK)
        return err;
    snprintf(key, sizeof key, "bundle %s", b->id);
    if ((err = DRV(reg)->lock(reg, key)) != CK_OK)
        goto out;
    err = registry_get_bundle(reg, b->id, &old);
    if (err == CK_OK && bundle_version_compare(b->version, old.version) <= 0)
        goto out;
    if (err != CK_OK && err != CK_ERR_NOT_FOUND)
        goto out;
    if ((err = DRV(reg)->prepare(
             reg,
             "INSERT INTO bundles(id, nation, version, material_since) VALUES(?,?,?,?) "
             "ON CONFLICT(id) DO UPDATE SET nation = excluded.nation, version = excluded.version, "
             "material_since = excluded.material_since",
             "storing a bundle", &st)) != CK_OK)
        goto out;
    DRV(reg)->bind_text(st, 1, b->id, SIZE_MAX);
    DRV(reg)->bind_text(st, 2, b->nation, SIZE_MAX);
    DRV(reg)->bind_text(st, 3, b->version, SIZE_MAX);
    DRV(reg)->bind_text(st, 4, b->material_since[0] ? b->material_since : b->version, SIZE_MAX);
    if ((err = DRV(reg)->step(st, &row)) == CK_OK && changed_out != NULL)
        *changed_out = true;
out:
    DRV(reg)->finalize(st);
    if (err == CK_OK)
        err = DRV(reg)->commit(reg);
    else
        DRV(reg)->rollback(reg);
    if (err != CK_OK && changed_out != NULL)
        *changed_out = false;
    return err;
}

/* ---- Look-ups ---- */

/* The bundles column (a JSON array) into out. Many people share one text:
 * the last one parsed is kept in *cache_text / *cache. */
static void
parse_bundles(const char *text, RegistryCert *out, char **cache_text, RegistryCert *cache)
{
    json_t *a;

    if (text != NULL && *cache_text != NULL && strcmp(text, *cache_text) == 0) {
        out->n_bundles = cache->n_bundles;
        memcpy(out->bundles, cache->bundles, cache->n_bundles * sizeof out->bundles[0]);
        return;
    }
    a = text ? json_loads(text, 0, NULL) : NULL;
    out->n_bundles = 0;
    for (size_t i = 0; i < json_array_size(a) && out->n_bundles < CERT_MAX_BUNDLES; i++) {
        const json_t *b = json_array_get(a, i);
        CertBundle *cb = &out->bundles[out->n_bundles];
        const char *id = registry_get_str(b, "id"), *v = registry_get_str(b, "version");
        const char *sha = registry_get_str(b, "manifestSha256");
        if (id == NULL || v == NULL)
            continue;
        snprintf(cb->id, sizeof cb->id, "%s", id);
        snprintf(cb->version, sizeof cb->version, "%s", v);
        snprintf(cb->manifest_sha256, sizeof cb->manifest_sha256, "%s", sha ? sha : "");
        out->n_bundles++;
    }
    json_decref(a);
    free(*cache_text);
    *cache_text = text ? strdup(text) : NULL;
    cache->n_bundles = out->n_bundles;
    memcpy(cache->bundles, out->bundles, out->n_bundles * sizeof out->bundles[0]);
}

/* Is (vf, serial) newer than the certificate held in c? */
static bool
newer(int64_t vf, const char *serial, const RegistryCert *c)
{
    return vf > c->valid_from || (vf == c->valid_from && strcmp(serial, c->serial) > 0);
}

CkErr
registry_find_person(Registry *reg, const char *nation, const char *service_number,
                     RegistryCert *out)
{
    static const char sql[] = "SELECT serial, kiosk_id, valid_from, valid_until, bundles FROM certs"
                              " WHERE nation = ? AND service_number = ?";
    RegStmt *st;
    RegistryCert cache;
    char *cache_text = NULL, *best_bundles = NULL;
    size_t rows = 0;
    bool row;
    CkErr err;

    memset(out, 0, sizeof *out);
    if ((err = DRV(reg)->prepare(reg, sql, "reading certificates", &st)) != CK_OK)
        return err;
    DRV(reg)->bind_text(st, 1, nation, SIZE_MAX);
    DRV(reg)->bind_text(st, 2, service_number, SIZE_MAX);
    while ((err = DRV(reg)->step(st, &row)) == CK_OK && row) {
        const char *serial = DRV(reg)->col_text(st, 0);
        int64_t vf = DRV(reg)->col_int(st, 2);
        if (rows++ == 0 || newer(vf, serial, out)) {
            snprintf(out->serial, sizeof out->serial, "%s", serial);
            snprintf(out->kiosk_id, sizeof out->kiosk_id, "%s", DRV(reg)->col_text(st, 1));
            out->valid_from = vf;
            out->valid_until = DRV(reg)->col_int(st, 3);
            free(best_bundles);
            best_bundles = strdup(DRV(reg)->col_text(st, 4));
        }
    }
    DRV(reg)->finalize(st);
    if (err == CK_OK && rows == 0)
        err = CK_ERR_NOT_FOUND;
    if (err == CK_OK) {
        memset(&cache, 0, sizeof cache);
        parse_bundles(best_bundles, out, &cache_text, &cache);
        out->superseded = rows - 1;
    }
    free(cache_text);
    free(best_bundles);
    return err;
}

typedef struct PeopleLoad {
    const char *const *nations, *const *ids;
    size_t *order; /* rows in (nation, id) order */
} PeopleLoad;

static int
cmp_person(const void *a, const void *b, void *ctx)
{
    const PeopleLoad *p = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(p->nations[x], p->nations[y]);

    return c != 0 ? c : strcmp(p->ids[x], p->ids[y]);
}

static void
people_row(void *ctx, size_t r, RegValue *v)
{
    PeopleLoad *p = ctx;
    size_t i = p->order[r];

    v[0] = (RegValue){.type = REG_INT, .i = (int64_t)i};
    v[1] = (RegValue){.type = REG_TEXT, .s = p->nations[i], .len = strlen(p->nations[i])};
    v[2] = (RegValue){.type = REG_TEXT, .s = p->ids[i], .len = strlen(p->ids[i])};
}

/* A person's newest certificate so far, kept small: a RegistryCert (its
 * bundles in full) per roster line made 180 MB of zeroed pages for 100,000. */
typedef struct Best {
    char serial[CERT_SERIAL_MAX + 1];
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    int64_t valid_from, valid_until;
    size_t superseded;
    char *bundles; /* the bundles column */
} Best;

CkErr
registry_find_people(Registry *reg, const char *const *nations, const char *const *ids, size_t n,
                     RegistryPersonFn fn, void *ctx)
{
    /* The roster goes into a temporary table, and one join brings every
     * certificate of those people (the newest is picked here: fewer sorts
     * than ORDER BY, and the same on both back ends). */
    static const char sql[] =
        "SELECT w.i, c.serial, c.kiosk_id, c.valid_from, c.valid_until, c.bundles"
        " FROM ck_wanted w JOIN certs c ON c.nation = w.nation AND c.service_number = w.sn";
    PeopleLoad load = {nations, ids, NULL};
    Best *best = NULL;
    RegistryCert cert, cache;
    char *cache_text = NULL;
    RegStmt *st = NULL;
    bool row;
    CkErr err;

    if (n == 0)
        return CK_OK;
    if ((best = calloc(n, sizeof *best)) == NULL ||
        (load.order = malloc(n * sizeof *load.order)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* The roster in the certificates' index order: the look-ups then walk
     * the index forwards instead of jumping about it (a roster is in no
     * particular order). */
    for (size_t i = 0; i < n; i++)
        load.order[i] = i;
    qsort_r(load.order, n, sizeof *load.order, cmp_person, &load);
    if ((err = registry_exec(reg,
                             "CREATE TEMP TABLE IF NOT EXISTS ck_wanted(i BIGINT PRIMARY KEY, "
                             "nation TEXT NOT NULL, sn TEXT NOT NULL)",
                             "preparing the look-up")) != CK_OK ||
        (err = registry_exec(reg, "DELETE FROM ck_wanted", "preparing the look-up")) != CK_OK ||
        (err = DRV(reg)->bulk(reg, "ck_wanted", "i, nation, sn", 3, n, people_row, &load)) !=
            CK_OK)
        goto out;
    /* PostgreSQL never analyses temporary tables itself; without numbers it
     * guessed the roster small and hashed the whole certificate table. */
    if (DRV(reg) == &registry_pg_driver &&
        (err = registry_exec(reg, "ANALYZE ck_wanted", "preparing the look-up")) != CK_OK)
        goto out;
    if ((err = DRV(reg)->prepare(reg, sql, "reading certificates", &st)) != CK_OK)
        goto out;
    while ((err = DRV(reg)->step(st, &row)) == CK_OK && row) {
        int64_t i = DRV(reg)->col_int(st, 0), vf = DRV(reg)->col_int(st, 3);
        const char *serial = DRV(reg)->col_text(st, 1);
        const char *bundles = DRV(reg)->col_text(st, 5);
        Best *b;
        if (i < 0 || (size_t)i >= n)
            continue;
        b = &best[i];
        if (b->serial[0] != '\0')
            b->superseded++;
        if (b->serial[0] == '\0' || vf > b->valid_from ||
            (vf == b->valid_from && strcmp(serial, b->serial) > 0)) {
            snprintf(b->serial, sizeof b->serial, "%s", serial);
            snprintf(b->kiosk_id, sizeof b->kiosk_id, "%s", DRV(reg)->col_text(st, 2));
            b->valid_from = vf;
            b->valid_until = DRV(reg)->col_int(st, 4);
            free(b->bundles);
            if ((b->bundles = strdup(bundles ? bundles : "[]")) == NULL) {
                err = ck_err(CK_ERR_NOMEM, "out of memory");
                break;
            }
        }
    }
    DRV(reg)->finalize(st);
    st = NULL;
    if (err != CK_OK)
        goto out;
    registry_exec(reg, "DELETE FROM ck_wanted", "after the look-up");
    memset(&cache, 0, sizeof cache);
    for (size_t i = 0; i < n && err == CK_OK; i++) {
        const Best *b = &best[i];
        if (b->serial[0] == '\0')
            continue;
        memcpy(cert.serial, b->serial, sizeof cert.serial);
        memcpy(cert.kiosk_id, b->kiosk_id, sizeof cert.kiosk_id);
        cert.valid_from = b->valid_from;
        cert.valid_until = b->valid_until;
        cert.superseded = b->superseded;
        parse_bundles(b->bundles, &cert, &cache_text, &cache);
        err = fn(ctx, i, &cert);
    }
out:
    for (size_t i = 0; best != NULL && i < n; i++)
        free(best[i].bundles);
    free(best);
    free(cache_text);
    free(load.order);
    return err;
}

static CkErr
count_of(Registry *reg, const char *sql, size_t *out)
{
    RegStmt *st;
    bool row;
    CkErr err;

    if ((err = DRV(reg)->prepare(reg, sql, "counting", &st)) != CK_OK)
        return err;
    if ((err = DRV(reg)->step(st, &row)) == CK_OK)
        *out = row ? (size_t)DRV(reg)->col_int(st, 0) : 0;
    DRV(reg)->finalize(st);
    return err;
}

CkErr
registry_counts(Registry *reg, RegistryCounts *out)
{
    CkErr err;

    if ((err = count_of(reg, "SELECT count(*) FROM kiosks", &out->kiosks)) != CK_OK ||
        (err = count_of(reg, "SELECT count(*) FROM certs", &out->certificates)) != CK_OK ||
        (err = count_of(reg, "SELECT count(*) FROM status", &out->status_lists)) != CK_OK ||
        (err = count_of(reg, "SELECT count(*) FROM bundles", &out->bundles)) != CK_OK)
        return err;
    return CK_OK;
}

CkErr
registry_foreach_kiosk(Registry *reg, RegistryKioskFn fn, void *ctx)
{
    RegStmt *st;
    bool row;
    CkErr err;

    if ((err = DRV(reg)->prepare(
             reg, "SELECT kiosk_id, kid, origin, size, checkpoint FROM kiosks ORDER BY kiosk_id",
             "reading kiosks", &st)) != CK_OK)
        return err;
    while ((err = DRV(reg)->step(st, &row)) == CK_OK && row)
        if ((err = fn(ctx, DRV(reg)->col_text(st, 0), DRV(reg)->col_text(st, 1),
                      DRV(reg)->col_text(st, 2), (uint64_t)DRV(reg)->col_int(st, 3),
                      DRV(reg)->col_text(st, 4))) != CK_OK)
            break;
    DRV(reg)->finalize(st);
    return err;
}

CkErr
registry_get_kiosk(Registry *reg, const char *kiosk_id, RegistryKiosk *out)
{
    RegStmt *st;
    const void *root;
    size_t root_len;
    bool row;
    CkErr err;

    memset(out, 0, sizeof *out);
    if ((err = DRV(reg)->prepare(
             reg, "SELECT kid, origin, size, root, checkpoint FROM kiosks WHERE kiosk_id = ?",
             "reading the witnessed checkpoint", &st)) != CK_OK)
        return err;
    DRV(reg)->bind_text(st, 1, kiosk_id, SIZE_MAX);
    if ((err = DRV(reg)->step(st, &row)) != CK_OK)
        goto out;
    if (!row) {
        err = ck_err(CK_ERR_NOT_FOUND, "kiosk %s is not in the registry", kiosk_id);
        goto out;
    }
    snprintf(out->kiosk_id, sizeof out->kiosk_id, "%s", kiosk_id);
    snprintf(out->kid, sizeof out->kid, "%s", DRV(reg)->col_text(st, 0));
    snprintf(out->origin, sizeof out->origin, "%s", DRV(reg)->col_text(st, 1));
    out->size = (uint64_t)DRV(reg)->col_int(st, 2);
    root = DRV(reg)->col_blob(st, 3, &root_len);
    if (root == NULL || root_len != MERKLE_HASH_LEN) {
        err = ck_err(CK_ERR_DB, "%s: kiosk %s: stored root is damaged", reg->where, kiosk_id);
        goto out;
    }
    memcpy(out->root, root, MERKLE_HASH_LEN);
    if ((out->checkpoint = strdup(DRV(reg)->col_text(st, 4))) == NULL)
        err = ck_err(CK_ERR_NOMEM, "out of memory");
out:
    DRV(reg)->finalize(st);
    return err;
}

CkErr
registry_get_leaves(Registry *reg, const char *kiosk_id,
                    unsigned char (**leaves_out)[MERKLE_HASH_LEN], uint64_t *n_out)
{
    RegStmt *st;
    const void *p;
    size_t len;
    uint64_t size;
    bool row;
    CkErr err;

    *leaves_out = NULL;
    *n_out = 0;
    if ((err = DRV(reg)->prepare(reg, "SELECT size, leaves FROM kiosks WHERE kiosk_id = ?",
                                 "reading the witnessed log", &st)) != CK_OK)
        return err;
    DRV(reg)->bind_text(st, 1, kiosk_id, SIZE_MAX);
    if ((err = DRV(reg)->step(st, &row)) != CK_OK)
        goto out;
    if (!row || (p = DRV(reg)->col_blob(st, 1, &len)) == NULL) {
        err = ck_err(CK_ERR_NOT_FOUND, "kiosk %s: the registry holds no leaves of its log",
                     kiosk_id);
        goto out;
    }
    size = (uint64_t)DRV(reg)->col_int(st, 0);
    if (len != size * MERKLE_HASH_LEN) {
        err = ck_err(CK_ERR_DB, "%s: kiosk %s: stored leaves are damaged", reg->where, kiosk_id);
        goto out;
    }
    if ((*leaves_out = malloc(len ? len : 1)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    memcpy(*leaves_out, p, len);
    *n_out = size;
out:
    DRV(reg)->finalize(st);
    return err;
}

CkErr
registry_find_serial(Registry *reg, const char *serial, char *kiosk_id_out, uint64_t *index_out,
                     char **jws_out)
{
    RegStmt *st;
    bool row;
    CkErr err;

    kiosk_id_out[0] = '\0';
    *index_out = 0;
    if (jws_out != NULL)
        *jws_out = NULL;
    if ((err = DRV(reg)->prepare(reg, "SELECT c.kiosk_id, c.log_index, t.jws FROM certs c "
                                 "JOIN cert_texts t ON t.serial = c.serial WHERE c.serial = ?",
                                 "reading certificates", &st)) != CK_OK)
        return err;
    DRV(reg)->bind_text(st, 1, serial, SIZE_MAX);
    if ((err = DRV(reg)->step(st, &row)) != CK_OK)
        goto out;
    if (!row || DRV(reg)->col_text(st, 1) == NULL) {
        err = ck_err(CK_ERR_NOT_FOUND, "certificate %s is not in the registry", serial);
        goto out;
    }
    snprintf(kiosk_id_out, TRUST_KIOSK_ID_MAX + 1, "%s", DRV(reg)->col_text(st, 0));
    *index_out = (uint64_t)DRV(reg)->col_int(st, 1);
    if (jws_out != NULL && (*jws_out = strdup(DRV(reg)->col_text(st, 2))) == NULL)
        err = ck_err(CK_ERR_NOMEM, "out of memory");
out:
    DRV(reg)->finalize(st);
    return err;
}
