/* registry_int: what registry.c and registry_import.c share — the handle and the SQLite
 * helpers. Private to registry*.c; everyone else uses registry.h. */
#ifndef CERTKIOSK_REGISTRY_INT_H
#define CERTKIOSK_REGISTRY_INT_H

#include <jansson.h>
#include <sqlite3.h>

#include "registry.h"

struct Registry {
    sqlite3 *db;
    char *path;
};

/* CK_ERR_NOSPACE (disk full) or CK_ERR_DB naming the database and what was being done. */
CkErr registry_db_err(Registry *reg, const char *what);
/* Runs sql (no rows); fails as registry_db_err(). */
CkErr registry_exec(Registry *reg, const char *sql, const char *what);
/* The string member key of o, or NULL if absent or not a string. Borrowed from o. */
const char *registry_get_str(const json_t *o, const char *key);
/* Prepares sql into *stmt (sqlite3_finalize() it). */
CkErr registry_prepare(Registry *reg, const char *sql, sqlite3_stmt **stmt);

#endif
