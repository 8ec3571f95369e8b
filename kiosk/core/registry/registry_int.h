/* registry_int: what the registry's shared logic (registry.c, registry_import.c) asks of a back
 * end (registry_sqlite.c, registry_pg.c). Private to registry/; everyone else uses registry.h.
 *
 * A back end is a small driver: statements written once in the SQL both
 * databases speak (`?` placeholders; the PostgreSQL driver numbers them),
 * write transactions, a per-key writer lock, a bulk load into a temporary
 * table, and its own list of schema migrations. Everything the registry
 * decides (what an import checks, what supersedes what, which status list
 * is newer) lives above it, once. */
#ifndef CERTKIOSK_REGISTRY_INT_H
#define CERTKIOSK_REGISTRY_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry.h"

/* The schema version this build writes. Each back end has migrations
 * 0 -> 1 -> ... -> REGISTRY_SCHEMA, each one transaction. */
#define REGISTRY_SCHEMA 4

typedef struct RegStmt RegStmt;

/* One value of a bulk row. */
typedef enum RegValueType { REG_NULL, REG_TEXT, REG_INT } RegValueType;
typedef struct RegValue {
    RegValueType type;
    const char *s; /* REG_TEXT: borrowed */
    size_t len;
    int64_t i;
} RegValue;
/* Fills vals[0..ncols) for row i. */
typedef void (*RegRowFn)(void *ctx, size_t i, RegValue *vals);

typedef struct RegistryDriver {
    const char *name; /* "SQLite", "PostgreSQL" */
    /* Connects to where (a folder, or a postgresql:// URL). create: the
     * folder may be made. A missing SQLite file without create is
     * CK_ERR_NOT_FOUND. */
    CkErr (*open)(Registry *reg, const char *where, bool create);
    void (*close)(Registry *reg);
    /* The schema version held: 0 for an empty database, -1 for somebody
     * else's database (tables, but not ours). */
    CkErr (*get_version)(Registry *reg, int *version);
    /* Runs migration from -> from + 1 and records the new version (inside
     * the caller's transaction). */
    CkErr (*migrate_step)(Registry *reg, int from);
    /* A write transaction; lock() serialises writers on key until it ends. */
    CkErr (*begin)(Registry *reg);
    CkErr (*commit)(Registry *reg);
    void (*rollback)(Registry *reg);
    CkErr (*lock)(Registry *reg, const char *key);
    /* Statements; what names the work in error messages ("storing a
     * bundle"). step sets *row when a row is there to read. Failures are
     * CK_ERR_DB (CK_ERR_NOSPACE: disk full) naming the database and what. */
    CkErr (*prepare)(Registry *reg, const char *sql, const char *what, RegStmt **st);
    void (*bind_text)(RegStmt *st, int i, const char *s, size_t len);
    void (*bind_int)(RegStmt *st, int i, int64_t v);
    void (*bind_blob)(RegStmt *st, int i, const void *p, size_t len);
    void (*bind_null)(RegStmt *st, int i);
    CkErr (*step)(RegStmt *st, bool *row);
    const char *(*col_text)(RegStmt *st, int i); /* NULL for NULL */
    int64_t (*col_int)(RegStmt *st, int i);
    const void *(*col_blob)(RegStmt *st, int i, size_t *len);
    int64_t (*changes)(RegStmt *st); /* rows the last step inserted/updated */
    void (*reset)(RegStmt *st);
    void (*finalize)(RegStmt *st);
    /* SQL run on the import's temporary table ck_incoming once it is made,
     * or NULL. (PostgreSQL: its texts uncompressed, as in cert_texts; pglz
     * on every text was half of the COPY's time.) */
    const char *incoming_setup;
    /* Loads n rows of ncols columns into the (temporary) table. */
    CkErr (*bulk)(Registry *reg, const char *table, const char *columns, int ncols, size_t n,
                  RegRowFn fn, void *ctx);
} RegistryDriver;

struct Registry {
    const RegistryDriver *drv;
    void *db;    /* sqlite3 * or PGconn * */
    char *where; /* for messages: the file, or the URL without its password */
};

extern const RegistryDriver registry_sqlite_driver;
extern const RegistryDriver registry_pg_driver;

/* Runs sql (no parameters, no rows); fails with CK_ERR_DB naming what. */
CkErr registry_exec(Registry *reg, const char *sql, const char *what);
/* The string member key of o, or NULL if absent or not a string. Borrowed from o. */
const char *registry_get_str(const json_t *o, const char *key);
/* Runs the migrations from the held version to REGISTRY_SCHEMA in one
 * transaction (under the "schema" lock). *from_out / *to_out may be NULL. */
CkErr registry_migrate_held(Registry *reg, int *from_out, int *to_out);

#endif
