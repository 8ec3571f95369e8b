/* registry_sqlite: the embedded back end — one SQLite file, DIR/registry.db (folder 0700, file
 * 0600, WAL, synchronous=FULL); writers take the whole file (BEGIN IMMEDIATE). */
#include "registry_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"

/* 'CKRG': marks the database as a certkiosk registry. */
#define REGISTRY_APP_ID 0x434b5247

/* migrations[v] takes the schema from v to v + 1. Version 1 is the schema of
 * the first registry; PRAGMA user_version holds the version. */
static const char *const migrations[REGISTRY_SCHEMA] = {
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
    " material_since TEXT NOT NULL);",
    /* 2: each certificate's log index, and the witnessed log's leaves, so
     * that a certificate's inclusion can be proven from the registry. */
    "ALTER TABLE certs ADD COLUMN log_index INTEGER;"
    "ALTER TABLE kiosks ADD COLUMN leaves BLOB;",
    /* 3: the certificates' text in a table of its own, so that the rows a
     * report reads (one per certificate) stay narrow: a report of 100,000
     * people read 200 MB of certificate text through the page cache. */
    "CREATE TABLE cert_texts(serial TEXT PRIMARY KEY, jws TEXT NOT NULL);"
    "INSERT INTO cert_texts(serial, jws) SELECT serial, jws FROM certs;"
    "ALTER TABLE certs DROP COLUMN jws;",
    /* 4: PostgreSQL's certificate texts uncompressed; SQLite never
     * compresses, so nothing changes here but the version. */
    "-- nothing to change",
};

struct RegStmt {
    Registry *reg;
    sqlite3_stmt *st;
    const char *what;
};

static sqlite3 *
db_of(Registry *reg)
{
    return reg->db;
}

static CkErr
sq_err(Registry *reg, const char *what)
{
    sqlite3 *db = db_of(reg);

    if (sqlite3_errcode(db) == SQLITE_FULL)
        return ck_err(CK_ERR_NOSPACE, "%s: %s: disk full", reg->where, what);
    return ck_err(CK_ERR_DB, "%s: %s: %s", reg->where, what, sqlite3_errmsg(db));
}

static CkErr
sq_exec(Registry *reg, const char *sql, const char *what)
{
    if (sqlite3_exec(db_of(reg), sql, NULL, NULL, NULL) != SQLITE_OK)
        return sq_err(reg, what);
    return CK_OK;
}

static CkErr
sq_open(Registry *reg, const char *dir, bool create)
{
    sqlite3 *db = NULL;

    CkErr err;

    if ((reg->where = fileio_join(dir, REGISTRY_DB_NAME)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (!create && !fileio_exists(reg->where))
        return ck_err(CK_ERR_NOT_FOUND, "%s: no registry here yet (import a kiosk export first)",
                      dir);
    /* The registry holds every contingent's names and ID numbers: its folder
     * is ours alone (made 0700, an open or foreign one refused), and the file
     * is made 0600 before SQLite sees it, since SQLite gives -wal and -shm the
     * file's mode. */
    if ((err = fileio_private_dir(dir, "registry folder", create)) != CK_OK)
        return err;
    if (create && (err = fileio_precreate(reg->where, 0600)) != CK_OK)
        return err;
    if (sqlite3_open_v2(reg->where, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        err = ck_err(CK_ERR_DB, "%s: cannot open: %s", reg->where,
                     db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close_v2(db);
        return err;
    }
    reg->db = db;
    sqlite3_busy_timeout(db, 10000);
    return CK_OK;
}

static void
sq_close(Registry *reg)
{
    sqlite3_close_v2(db_of(reg));
}

static bool
pragma_int(Registry *reg, const char *sql, int *out)
{
    sqlite3_stmt *st;

    if (sqlite3_prepare_v2(db_of(reg), sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    *out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return true;
}

static CkErr
sq_get_version(Registry *reg, int *version)
{
    int app_id = 0, tables = 0;

    *version = -1;
    if (!pragma_int(reg, "PRAGMA application_id", &app_id))
        return ck_err(CK_ERR_DB, "%s: not a certkiosk registry (not a SQLite database)",
                      reg->where);
    if (!pragma_int(reg, "PRAGMA user_version", version) ||
        !pragma_int(reg, "SELECT count(*) FROM sqlite_master", &tables))
        return sq_err(reg, "opening");
    /* A new file: 8 KiB pages, set before its first table. A certificate's
     * text (about 2.3 KB) took a 4 KiB page of its own, 410 MB for 100,000;
     * three fit in 8 KiB (273 MB), a third less for every import to write and
     * checkpoint. An existing file keeps its page size. */
    if (app_id == 0 && *version == 0 && tables == 0)
        return sqlite3_exec(db_of(reg), "PRAGMA page_size = 8192", NULL, NULL, NULL) == SQLITE_OK
                   ? CK_OK
                   : sq_err(reg, "opening");
    if (app_id != REGISTRY_APP_ID) {
        *version = -1;
        return CK_OK;
    }
    /* Ours: WAL (readers never wait for the importer) and full syncs; set
     * outside transactions only (the migration's re-read is inside one). */
    /* Reports read many rows: pages mapped rather than copied, a larger
     * cache, temporary tables (the roster, an export's rows) in memory. */
    if (sqlite3_get_autocommit(db_of(reg)) &&
        sqlite3_exec(db_of(reg),
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                     "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536;"
                     "PRAGMA temp_store = MEMORY",
                     NULL, NULL, NULL) != SQLITE_OK)
        return sq_err(reg, "opening");
    return CK_OK;
}

static CkErr
sq_migrate_step(Registry *reg, int from)
{
    char sql[96];
    CkErr err;

    if ((err = sq_exec(reg, migrations[from], "migrating the schema")) != CK_OK)
        return err;
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             REGISTRY_APP_ID, from + 1);
    return sq_exec(reg, sql, "migrating the schema");
}

static CkErr
sq_begin(Registry *reg)
{
    return sq_exec(reg, "BEGIN IMMEDIATE", "starting a transaction");
}

static CkErr
sq_commit(Registry *reg)
{
    return sq_exec(reg, "COMMIT", "committing");
}

static void
sq_rollback(Registry *reg)
{
    sqlite3_exec(db_of(reg), "ROLLBACK", NULL, NULL, NULL);
}

/* BEGIN IMMEDIATE already holds the file's one write lock. */
static CkErr
sq_lock(Registry *reg, const char *key)
{
    (void)reg;
    (void)key;
    return CK_OK;
}

static CkErr
sq_prepare(Registry *reg, const char *sql, const char *what, RegStmt **out)
{
    RegStmt *s = calloc(1, sizeof *s);

    *out = NULL;
    if (s == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    s->reg = reg;
    s->what = what;
    if (sqlite3_prepare_v2(db_of(reg), sql, -1, &s->st, NULL) != SQLITE_OK) {
        free(s);
        return sq_err(reg, what);
    }
    *out = s;
    return CK_OK;
}

static void
sq_bind_text(RegStmt *s, int i, const char *p, size_t len)
{
    sqlite3_bind_text(s->st, i, p, len == SIZE_MAX ? -1 : (int)len, SQLITE_STATIC);
}

static void
sq_bind_int(RegStmt *s, int i, int64_t v)
{
    sqlite3_bind_int64(s->st, i, v);
}

static void
sq_bind_blob(RegStmt *s, int i, const void *p, size_t len)
{
    sqlite3_bind_blob64(s->st, i, p, len, SQLITE_STATIC);
}

static void
sq_bind_null(RegStmt *s, int i)
{
    sqlite3_bind_null(s->st, i);
}

static CkErr
sq_step(RegStmt *s, bool *row)
{
    int rc = sqlite3_step(s->st);

    *row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return CK_OK;
    return sq_err(s->reg, s->what);
}

static const char *
sq_col_text(RegStmt *s, int i)
{
    return (const char *)sqlite3_column_text(s->st, i);
}

static int64_t
sq_col_int(RegStmt *s, int i)
{
    return sqlite3_column_int64(s->st, i);
}

static const void *
sq_col_blob(RegStmt *s, int i, size_t *len)
{
    const void *p = sqlite3_column_blob(s->st, i);

    *len = (size_t)sqlite3_column_bytes(s->st, i);
    return p;
}

static int64_t
sq_changes(RegStmt *s)
{
    return sqlite3_changes64(db_of(s->reg));
}

static void
sq_reset(RegStmt *s)
{
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
}

static void
sq_finalize(RegStmt *s)
{
    if (s == NULL)
        return;
    sqlite3_finalize(s->st);
    free(s);
}

/* In-process, so one prepared INSERT per row is already the fast path. */
static CkErr
sq_bulk(Registry *reg, const char *table, const char *columns, int ncols, size_t n, RegRowFn fn,
        void *ctx)
{
    char sql[512];
    size_t at;
    RegValue vals[16];
    sqlite3_stmt *st = NULL;
    CkErr err = CK_OK;

    if (ncols < 1 || ncols > 16)
        return ck_err(CK_ERR_INTERNAL, "bulk load of %d columns", ncols);
    at = (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES(?", table, columns);
    for (int c = 1; c < ncols && at < sizeof sql; c++)
        at += (size_t)snprintf(sql + at, sizeof sql - at, ",?");
    if (at + 2 >= sizeof sql)
        return ck_err(CK_ERR_INTERNAL, "bulk load statement too long");
    strcat(sql, ")");
    if (sqlite3_prepare_v2(db_of(reg), sql, -1, &st, NULL) != SQLITE_OK)
        return sq_err(reg, "loading rows");
    /* One transaction for all the rows (a savepoint nests in the caller's):
     * a transaction per row cost more than the rows. */
    if ((err = sq_exec(reg, "SAVEPOINT ck_bulk", "loading rows")) != CK_OK) {
        sqlite3_finalize(st);
        return err;
    }
    for (size_t r = 0; r < n; r++) {
        memset(vals, 0, sizeof vals);
        fn(ctx, r, vals);
        for (int c = 0; c < ncols; c++) {
            if (vals[c].type == REG_TEXT)
                sqlite3_bind_text(st, c + 1, vals[c].s, (int)vals[c].len, SQLITE_STATIC);
            else if (vals[c].type == REG_INT)
                sqlite3_bind_int64(st, c + 1, vals[c].i);
            else
                sqlite3_bind_null(st, c + 1);
        }
        if (sqlite3_step(st) != SQLITE_DONE) {
            err = sq_err(reg, "loading rows");
            break;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (err == CK_OK)
        return sq_exec(reg, "RELEASE ck_bulk", "loading rows");
    sqlite3_exec(db_of(reg), "ROLLBACK TO ck_bulk; RELEASE ck_bulk", NULL, NULL, NULL);
    return err;
}

const RegistryDriver registry_sqlite_driver = {
    .name = "SQLite",
    .open = sq_open,
    .close = sq_close,
    .get_version = sq_get_version,
    .migrate_step = sq_migrate_step,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .lock = sq_lock,
    .prepare = sq_prepare,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_text = sq_col_text,
    .col_int = sq_col_int,
    .col_blob = sq_col_blob,
    .changes = sq_changes,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .bulk = sq_bulk,
};
