/* registry: the SQLite registry of kiosks — opening it, status lists, bundles, look-ups (imports:
 * registry_import.c). */
#include "registry_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "fileio.h"

/* 'CKRG': marks the database as a certkiosk registry. */
#define REGISTRY_APP_ID 0x434b5247
#define REGISTRY_SCHEMA 1

static const char schema[] =
    "CREATE TABLE kiosks("
    " kiosk_id TEXT PRIMARY KEY, kid TEXT NOT NULL, origin TEXT NOT NULL, jwk TEXT NOT NULL,"
    " size INTEGER NOT NULL, root BLOB NOT NULL, checkpoint TEXT NOT NULL);"
    "CREATE TABLE certs("
    " serial TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, jws TEXT NOT NULL,"
    " nation TEXT NOT NULL, service_number TEXT NOT NULL, valid_from INTEGER NOT NULL,"
    " valid_until INTEGER NOT NULL, bundles TEXT NOT NULL, supersedes TEXT);"
    "CREATE INDEX certs_person ON certs(nation, service_number, valid_from);"
    "CREATE TABLE status(issuer TEXT PRIMARY KEY, version INTEGER NOT NULL, jws TEXT NOT NULL);"
    "CREATE TABLE bundles(id TEXT PRIMARY KEY, nation TEXT NOT NULL, version TEXT NOT NULL,"
    " material_since TEXT NOT NULL);";

CkErr
registry_db_err(Registry *reg, const char *what)
{
    int code = sqlite3_errcode(reg->db);

    if (code == SQLITE_FULL)
        return ck_err(CK_ERR_NOSPACE, "%s: %s: disk full", reg->path, what);
    return ck_err(CK_ERR_DB, "%s: %s: %s", reg->path, what, sqlite3_errmsg(reg->db));
}

CkErr
registry_exec(Registry *reg, const char *sql, const char *what)
{
    if (sqlite3_exec(reg->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return registry_db_err(reg, what);
    return CK_OK;
}

CkErr
registry_prepare(Registry *reg, const char *sql, sqlite3_stmt **stmt)
{
    if (sqlite3_prepare_v2(reg->db, sql, -1, stmt, NULL) != SQLITE_OK)
        return registry_db_err(reg, "preparing a query");
    return CK_OK;
}

static CkErr
pragma_int(Registry *reg, const char *sql, int *out)
{
    sqlite3_stmt *st;
    CkErr err;

    if ((err = registry_prepare(reg, sql, &st)) != CK_OK)
        return err;
    *out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return CK_OK;
}

CkErr
registry_open(const char *dir, bool create, Registry **reg_out)
{
    Registry *reg = NULL;
    int app_id = 0, version = 0;
    char sql[128];
    CkErr err = CK_OK;

    *reg_out = NULL;
    if ((reg = calloc(1, sizeof *reg)) == NULL ||
        (reg->path = fileio_join(dir, REGISTRY_DB_NAME)) == NULL) {
        free(reg);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    if (!create && !fileio_exists(reg->path)) {
        err = ck_err(CK_ERR_NOT_FOUND, "%s: no registry here yet (import a kiosk export first)",
                     dir);
        goto out;
    }
    if ((err = fileio_private_dir(dir, "registry folder", create)) != CK_OK)
        goto out;
    /* Made 0600 before SQLite sees it: SQLite gives -wal and -shm the file's mode. */
    if (create && (err = fileio_precreate(reg->path, 0600)) != CK_OK)
        goto out;
    if (sqlite3_open_v2(reg->path, &reg->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        err = ck_err(CK_ERR_DB, "%s: cannot open: %s", reg->path,
                     reg->db ? sqlite3_errmsg(reg->db) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(reg->db, 10000);
    if ((err = pragma_int(reg, "PRAGMA application_id", &app_id)) != CK_OK) {
        err = ck_err(CK_ERR_DB, "%s: not a certkiosk registry (not a SQLite database)", reg->path);
        goto out;
    }
    if ((err = pragma_int(reg, "PRAGMA user_version", &version)) != CK_OK)
        goto out;
    if (app_id == 0 && version == 0) {
        int tables = 0;
        if ((err = pragma_int(reg, "SELECT count(*) FROM sqlite_master", &tables)) != CK_OK)
            goto out;
        if (tables != 0) {
            err = ck_err(CK_ERR_DB, "%s: not a certkiosk registry", reg->path);
            goto out;
        }
        snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
                 REGISTRY_APP_ID, REGISTRY_SCHEMA);
        if ((err = registry_exec(reg, "BEGIN IMMEDIATE", "creating")) != CK_OK ||
            (err = registry_exec(reg, schema, "creating the tables")) != CK_OK ||
            (err = registry_exec(reg, sql, "creating")) != CK_OK ||
            (err = registry_exec(reg, "COMMIT", "creating")) != CK_OK)
            goto out;
    } else if (app_id != REGISTRY_APP_ID) {
        err = ck_err(CK_ERR_DB, "%s: not a certkiosk registry", reg->path);
        goto out;
    } else if (version > REGISTRY_SCHEMA) {
        err = ck_err(CK_ERR_DB, "%s: made by a newer certkiosk (schema %d)", reg->path, version);
        goto out;
    }
    if ((err = registry_exec(reg, "PRAGMA journal_mode = WAL", "opening")) != CK_OK ||
        (err = registry_exec(reg, "PRAGMA synchronous = FULL", "opening")) != CK_OK)
        goto out;
out:
    if (err != CK_OK) {
        registry_close(reg);
        return err;
    }
    *reg_out = reg;
    return CK_OK;
}

void
registry_close(Registry *reg)
{
    if (reg == NULL)
        return;
    sqlite3_close_v2(reg->db);
    free(reg->path);
    free(reg);
}

/* ---- Status lists ---- */

CkErr
registry_set_status(Registry *reg, const StatusList *list, bool *changed_out)
{
    sqlite3_stmt *st = NULL;
    StatusList *held = NULL;
    bool changed = false;
    CkErr err;
    int rc;

    if (changed_out != NULL)
        *changed_out = false;
    if (status_jws(list) == NULL)
        return ck_err(CK_ERR_USAGE, "an unsigned status list cannot be stored");
    if ((err = registry_exec(reg, "BEGIN IMMEDIATE", "storing a status list")) != CK_OK)
        return err;
    if ((err = registry_prepare(reg, "SELECT jws FROM status WHERE issuer = ?", &st)) != CK_OK)
        goto out;
    sqlite3_bind_text(st, 1, status_issuer(list), -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        if ((err = status_parse(text, strlen(text), &held)) != CK_OK)
            goto out;
    } else if (rc != SQLITE_DONE) {
        err = registry_db_err(reg, "reading status lists");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((err = status_check_newer(held, list)) != CK_OK)
        goto out;
    if (held != NULL && status_version(held) == status_version(list))
        goto out;
    if ((err = registry_prepare(reg,
                                "INSERT OR REPLACE INTO status(issuer, version, jws) VALUES(?,?,?)",
                                &st)) != CK_OK)
        goto out;
    sqlite3_bind_text(st, 1, status_issuer(list), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)status_version(list));
    sqlite3_bind_text(st, 3, status_jws(list), -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        err = registry_db_err(reg, "storing a status list");
        goto out;
    }
    changed = true;
out:
    sqlite3_finalize(st);
    status_free(held);
    if (err == CK_OK)
        err = registry_exec(reg, "COMMIT", "storing a status list");
    else
        sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
    if (err == CK_OK && changed_out != NULL)
        *changed_out = changed;
    return err;
}

CkErr
registry_status_lists(Registry *reg, StatusList ***lists_out, size_t *n_out)
{
    sqlite3_stmt *st = NULL;
    StatusList **lists = NULL;
    size_t n = 0;
    CkErr err;
    int rc;

    *lists_out = NULL;
    *n_out = 0;
    if ((err = registry_prepare(reg, "SELECT jws FROM status ORDER BY issuer", &st)) != CK_OK)
        return err;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
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
    if (err == CK_OK && rc != SQLITE_DONE)
        err = registry_db_err(reg, "reading status lists");
    sqlite3_finalize(st);
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
    sqlite3_stmt *st;
    CkErr err;
    int rc;

    memset(out, 0, sizeof *out);
    if ((err = registry_prepare(reg,
                                "SELECT nation, version, material_since FROM bundles WHERE id = ?",
                                &st)) != CK_OK)
        return err;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        snprintf(out->id, sizeof out->id, "%s", id);
        snprintf(out->nation, sizeof out->nation, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(out->version, sizeof out->version, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(out->material_since, sizeof out->material_since, "%s",
                 (const char *)sqlite3_column_text(st, 2));
    } else if (rc == SQLITE_DONE) {
        err = ck_err(CK_ERR_NOT_FOUND, "bundle %s is not in the registry", id);
    } else {
        err = registry_db_err(reg, "reading bundles");
    }
    sqlite3_finalize(st);
    return err;
}

CkErr
registry_add_bundle(Registry *reg, const RegistryBundle *b, bool *changed_out)
{
    RegistryBundle old;
    sqlite3_stmt *st = NULL;
    CkErr err;

    if (changed_out != NULL)
        *changed_out = false;
    err = registry_get_bundle(reg, b->id, &old);
    if (err == CK_OK && bundle_version_compare(b->version, old.version) <= 0)
        return CK_OK;
    if (err != CK_OK && err != CK_ERR_NOT_FOUND)
        return err;
    if ((err =
             registry_prepare(reg,
                              "INSERT OR REPLACE INTO bundles(id, nation, version, material_since) "
                              "VALUES(?,?,?,?)",
                              &st)) != CK_OK)
        return err;
    sqlite3_bind_text(st, 1, b->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->nation, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b->version, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, b->material_since[0] ? b->material_since : b->version, -1,
                      SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        err = registry_db_err(reg, "storing a bundle");
    else if (changed_out != NULL)
        *changed_out = true;
    sqlite3_finalize(st);
    return err;
}

/* ---- Look-ups ---- */

static void
parse_bundles(const char *text, RegistryCert *out)
{
    json_t *a = text ? json_loads(text, 0, NULL) : NULL;

    out->n_bundles = 0;
    for (size_t i = 0; i < json_array_size(a) && out->n_bundles < CERT_MAX_BUNDLES; i++) {
        const json_t *b = json_array_get(a, i);
        CertBundle *cb = &out->bundles[out->n_bundles];
        const char *id = registry_get_str(b, "id"), *v = registry_get_str(b, "version");
        if (id == NULL || v == NULL)
            continue;
        snprintf(cb->id, sizeof cb->id, "%s", id);
        snprintf(cb->version, sizeof cb->version, "%s", v);
        snprintf(cb->manifest_sha256, sizeof cb->manifest_sha256, "%s",
                 registry_get_str(b, "manifestSha256") ? registry_get_str(b, "manifestSha256")
                                                       : "");
        out->n_bundles++;
    }
    json_decref(a);
}

CkErr
registry_find_person(Registry *reg, const char *nation, const char *service_number,
                     RegistryCert *out)
{
    static const char sql[] =
        "SELECT serial, kiosk_id, valid_from, valid_until, bundles FROM certs"
        " WHERE nation = ? AND service_number = ? ORDER BY valid_from DESC, serial DESC";
    sqlite3_stmt *st;
    CkErr err;
    int rc;
    size_t rows = 0;

    memset(out, 0, sizeof *out);
    if ((err = registry_prepare(reg, sql, &st)) != CK_OK)
        return err;
    sqlite3_bind_text(st, 1, nation, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, service_number, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (rows++ > 0)
            continue;
        snprintf(out->serial, sizeof out->serial, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(out->kiosk_id, sizeof out->kiosk_id, "%s",
                 (const char *)sqlite3_column_text(st, 1));
        out->valid_from = sqlite3_column_int64(st, 2);
        out->valid_until = sqlite3_column_int64(st, 3);
        parse_bundles((const char *)sqlite3_column_text(st, 4), out);
    }
    if (rc != SQLITE_DONE)
        err = registry_db_err(reg, "reading certificates");
    else if (rows == 0)
        err = CK_ERR_NOT_FOUND;
    else
        out->superseded = rows - 1;
    sqlite3_finalize(st);
    return err;
}

CkErr
registry_counts(Registry *reg, RegistryCounts *out)
{
    static const char *const sql[] = {"SELECT count(*) FROM kiosks", "SELECT count(*) FROM certs",
                                      "SELECT count(*) FROM status",
                                      "SELECT count(*) FROM bundles"};
    size_t *dst[] = {&out->kiosks, &out->certificates, &out->status_lists, &out->bundles};
    CkErr err;

    for (size_t i = 0; i < 4; i++) {
        int v;
        if ((err = pragma_int(reg, sql[i], &v)) != CK_OK)
            return err;
        *dst[i] = (size_t)v;
    }
    return CK_OK;
}

CkErr
registry_foreach_kiosk(Registry *reg, RegistryKioskFn fn, void *ctx)
{
    sqlite3_stmt *st;
    CkErr err;
    int rc;

    if ((err =
             registry_prepare(reg,
                              "SELECT kiosk_id, kid, origin, size, checkpoint FROM kiosks ORDER BY "
                              "kiosk_id",
                              &st)) != CK_OK)
        return err;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((err =
                 fn(ctx, (const char *)sqlite3_column_text(st, 0),
                    (const char *)sqlite3_column_text(st, 1),
                    (const char *)sqlite3_column_text(st, 2), (uint64_t)sqlite3_column_int64(st, 3),
                    (const char *)sqlite3_column_text(st, 4))) != CK_OK)
            break;
    if (err == CK_OK && rc != SQLITE_DONE)
        err = registry_db_err(reg, "reading kiosks");
    sqlite3_finalize(st);
    return err;
}

CkErr
registry_get_kiosk(Registry *reg, const char *kiosk_id, RegistryKiosk *out)
{
    sqlite3_stmt *st;
    CkErr err;
    int rc;

    memset(out, 0, sizeof *out);
    if ((err = registry_prepare(
             reg, "SELECT kid, origin, size, root, checkpoint FROM kiosks WHERE kiosk_id = ?",
             &st)) != CK_OK)
        return err;
    sqlite3_bind_text(st, 1, kiosk_id, -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *root = sqlite3_column_blob(st, 3);
        snprintf(out->kiosk_id, sizeof out->kiosk_id, "%s", kiosk_id);
        snprintf(out->kid, sizeof out->kid, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(out->origin, sizeof out->origin, "%s", (const char *)sqlite3_column_text(st, 1));
        out->size = (uint64_t)sqlite3_column_int64(st, 2);
        if (root == NULL || sqlite3_column_bytes(st, 3) != MERKLE_HASH_LEN)
            err = ck_err(CK_ERR_DB, "%s: kiosk %s: stored root is damaged", reg->path, kiosk_id);
        else
            memcpy(out->root, root, MERKLE_HASH_LEN);
        if (err == CK_OK &&
            (out->checkpoint = strdup((const char *)sqlite3_column_text(st, 4))) == NULL)
            err = ck_err(CK_ERR_NOMEM, "out of memory");
    } else if (rc == SQLITE_DONE) {
        err = ck_err(CK_ERR_NOT_FOUND, "kiosk %s is not in the registry", kiosk_id);
    } else {
        err = registry_db_err(reg, "reading the witnessed checkpoint");
    }
    sqlite3_finalize(st);
    return err;
}
