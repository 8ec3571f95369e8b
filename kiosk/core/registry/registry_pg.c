/* registry_pg: the shared back end — PostgreSQL through libpq. Writers of one kiosk (or one
 * authority's status list, one bundle) are serialised by transaction-scoped advisory locks;
 * certificates arrive by COPY. */
#include "registry_int.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type OIDs of the parameters we send (pg_type.h is server-side). */
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25

#define PG_MAX_PARAMS 16

/* migrations[v] takes the schema from v to v + 1, as registry_sqlite.c's do;
 * the table certkiosk_registry names the database as ours and holds the
 * version. */
static const char *const migrations[REGISTRY_SCHEMA] = {
    "CREATE TABLE certkiosk_registry(app TEXT PRIMARY KEY, schema INTEGER NOT NULL);"
    "INSERT INTO certkiosk_registry VALUES('certkiosk-registry', 0);"
    "CREATE TABLE kiosks("
    " kiosk_id TEXT PRIMARY KEY, kid TEXT NOT NULL, origin TEXT NOT NULL, jwk TEXT NOT NULL,"
    " size BIGINT NOT NULL, root BYTEA NOT NULL, checkpoint TEXT NOT NULL);"
    "CREATE TABLE certs("
    " serial TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, jws TEXT NOT NULL,"
    " nation TEXT NOT NULL, service_number TEXT NOT NULL, valid_from BIGINT NOT NULL,"
    " valid_until BIGINT NOT NULL, bundles TEXT NOT NULL, supersedes TEXT);"
    "CREATE INDEX certs_person ON certs(nation, service_number, valid_from);"
    "CREATE TABLE status(issuer TEXT PRIMARY KEY, version BIGINT NOT NULL, jws TEXT NOT NULL);"
    "CREATE TABLE bundles(id TEXT PRIMARY KEY, nation TEXT NOT NULL, version TEXT NOT NULL,"
    " material_since TEXT NOT NULL);",
    "ALTER TABLE certs ADD COLUMN log_index BIGINT;"
    "ALTER TABLE kiosks ADD COLUMN leaves BYTEA;",
    /* 3: the certificates' text in a table of its own, so that the rows a
     * report reads (one per certificate) stay narrow: a report of 100,000
     * people read 200 MB of certificate text through the page cache. */
    "CREATE TABLE cert_texts(serial TEXT PRIMARY KEY, jws TEXT NOT NULL);"
    "INSERT INTO cert_texts(serial, jws) SELECT serial, jws FROM certs;"
    "ALTER TABLE certs DROP COLUMN jws;",
    /* 4: certificate texts stored uncompressed. A text (about 2.3 KB) is over
     * the TOAST threshold, so each was run through pglz, which gains almost
     * nothing on base64url (269 MB against 275 MB for 100,000) and cost half
     * of the import's writing time (storing 100,000 texts: 6.4 s -> 3.2 s). */
    "ALTER TABLE cert_texts ALTER COLUMN jws SET STORAGE EXTERNAL;",
};

struct RegStmt {
    Registry *reg;
    char *sql; /* with $1, $2... */
    const char *what;
    int nparams;
    const char *values[PG_MAX_PARAMS];
    int lengths[PG_MAX_PARAMS], formats[PG_MAX_PARAMS];
    Oid types[PG_MAX_PARAMS];
    char ints[PG_MAX_PARAMS][24];
    PGresult *res;
    int row, rows;
    unsigned char *blob; /* the last col_blob() decoded */
};

static PGconn *
conn_of(Registry *reg)
{
    return reg->db;
}

/* The server's message without its trailing newline. */
static CkErr
pg_err(Registry *reg, const PGresult *res, const char *what)
{
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_of(reg));
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    size_t len = strlen(msg);

    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        len--;
    if (state != NULL && strcmp(state, "53100") == 0) /* disk_full */
        return ck_err(CK_ERR_NOSPACE, "%s: %s: disk full", reg->where, what);
    return ck_err(CK_ERR_DB, "%s: %s: %.*s", reg->where, what, (int)len, msg);
}

static CkErr
pg_exec(Registry *reg, const char *sql, const char *what)
{
    PGresult *res = PQexec(conn_of(reg), sql);
    ExecStatusType s = PQresultStatus(res);
    CkErr err = CK_OK;

    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        err = pg_err(reg, res, what);
    PQclear(res);
    return err;
}

static void
notice_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* "relation already exists, skipping" and the like */
}

static CkErr
pg_open(Registry *reg, const char *url, bool create)
{
    PGconn *conn = PQconnectdb(url);
    const char *host;

    (void)create;
    if (conn == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    /* Messages name the database without the URL's password. */
    host = PQhost(conn);
    if (asprintf(&reg->where, "postgresql://%s@%s/%s", PQuser(conn) ? PQuser(conn) : "",
                 host && host[0] != '/' ? host : "", PQdb(conn) ? PQdb(conn) : "") < 0) {
        reg->where = NULL;
        PQfinish(conn);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        char msg[512];
        size_t len;
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(conn));
        len = strlen(msg);
        while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
            msg[--len] = '\0';
        PQfinish(conn);
        return ck_err(CK_ERR_DB, "%s: cannot connect: %s", reg->where, msg);
    }
    PQsetNoticeProcessor(conn, notice_quiet, NULL);
    reg->db = conn;
    return pg_exec(reg, "SET client_min_messages = warning", "connecting");
}

static void
pg_close(Registry *reg)
{
    PQfinish(conn_of(reg));
}

static CkErr
pg_get_version(Registry *reg, int *version)
{
    PGresult *res;
    CkErr err = CK_OK;

    *version = -1;
    res = PQexec(conn_of(reg),
                 "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()), "
                 "to_regclass('certkiosk_registry') IS NOT NULL");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        err = pg_err(reg, res, "opening");
        PQclear(res);
        return err;
    }
    if (strcmp(PQgetvalue(res, 0, 1), "t") != 0) {
        *version = strcmp(PQgetvalue(res, 0, 0), "0") == 0 ? 0 : -1;
        PQclear(res);
        return CK_OK;
    }
    PQclear(res);
    res = PQexec(conn_of(reg),
                 "SELECT schema FROM certkiosk_registry WHERE app = 'certkiosk-registry'");
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        err = pg_err(reg, res, "opening");
    else if (PQntuples(res) == 1)
        *version = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return err;
}

static CkErr
pg_migrate_step(Registry *reg, int from)
{
    char sql[128];
    CkErr err;

    if ((err = pg_exec(reg, migrations[from], "migrating the schema")) != CK_OK)
        return err;
    snprintf(sql, sizeof sql,
             "UPDATE certkiosk_registry SET schema = %d WHERE app = 'certkiosk-registry'",
             from + 1);
    return pg_exec(reg, sql, "migrating the schema");
}

static CkErr
pg_begin(Registry *reg)
{
    return pg_exec(reg, "BEGIN", "starting a transaction");
}

static CkErr
pg_commit(Registry *reg)
{
    return pg_exec(reg, "COMMIT", "committing");
}

static void
pg_rollback(Registry *reg)
{
    PQclear(PQexec(conn_of(reg), "ROLLBACK"));
}

static CkErr
pg_prepare(Registry *reg, const char *sql, const char *what, RegStmt **out)
{
    RegStmt *s = calloc(1, sizeof *s);
    size_t len = strlen(sql), at = 0;

    *out = NULL;
    /* Each '?' becomes $n: at most 3 more bytes each. */
    if (s == NULL || (s->sql = malloc(len * 4 + 1)) == NULL) {
        free(s);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    for (const char *p = sql; *p; p++) {
        if (*p == '?' && s->nparams < PG_MAX_PARAMS)
            at += (size_t)sprintf(s->sql + at, "$%d", ++s->nparams);
        else
            s->sql[at++] = *p;
    }
    s->sql[at] = '\0';
    s->reg = reg;
    s->what = what;
    *out = s;
    return CK_OK;
}

static void
pg_bind_text(RegStmt *s, int i, const char *p, size_t len)
{
    if (i < 1 || i > PG_MAX_PARAMS)
        return;
    /* Binary format: text's binary form is its bytes, so no terminator is needed. */
    s->values[i - 1] = p;
    s->lengths[i - 1] = (int)(len == SIZE_MAX ? strlen(p) : len);
    s->formats[i - 1] = 1;
    s->types[i - 1] = OID_TEXT;
}

static void
pg_bind_int(RegStmt *s, int i, int64_t v)
{
    if (i < 1 || i > PG_MAX_PARAMS)
        return;
    snprintf(s->ints[i - 1], sizeof s->ints[i - 1], "%lld", (long long)v);
    s->values[i - 1] = s->ints[i - 1];
    s->formats[i - 1] = 0;
    s->types[i - 1] = OID_INT8;
}

static void
pg_bind_blob(RegStmt *s, int i, const void *p, size_t len)
{
    if (i < 1 || i > PG_MAX_PARAMS)
        return;
    s->values[i - 1] = len ? p : "";
    s->lengths[i - 1] = (int)len;
    s->formats[i - 1] = 1;
    s->types[i - 1] = OID_BYTEA;
}

static void
pg_bind_null(RegStmt *s, int i)
{
    if (i < 1 || i > PG_MAX_PARAMS)
        return;
    s->values[i - 1] = NULL;
    s->types[i - 1] = 0;
}

static CkErr
pg_step(RegStmt *s, bool *row)
{
    *row = false;
    if (s->res == NULL) {
        ExecStatusType st;
        s->res = PQexecParams(conn_of(s->reg), s->sql, s->nparams, s->types, s->values,
                              s->lengths, s->formats, 0);
        st = PQresultStatus(s->res);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            CkErr err = pg_err(s->reg, s->res, s->what);
            PQclear(s->res);
            s->res = NULL;
            return err;
        }
        s->rows = PQntuples(s->res);
        s->row = -1;
    }
    if (s->row + 1 < s->rows) {
        s->row++;
        *row = true;
    }
    return CK_OK;
}

static const char *
pg_col_text(RegStmt *s, int i)
{
    if (s->res == NULL || s->row < 0 || PQgetisnull(s->res, s->row, i))
        return NULL;
    return PQgetvalue(s->res, s->row, i);
}

static int64_t
pg_col_int(RegStmt *s, int i)
{
    const char *v = pg_col_text(s, i);

    return v ? strtoll(v, NULL, 10) : 0;
}

static const void *
pg_col_blob(RegStmt *s, int i, size_t *len)
{
    const char *v = pg_col_text(s, i);

    *len = 0;
    PQfreemem(s->blob);
    s->blob = NULL;
    if (v == NULL || (s->blob = PQunescapeBytea((const unsigned char *)v, len)) == NULL)
        return NULL;
    return s->blob;
}

static int64_t
pg_changes(RegStmt *s)
{
    const char *n = s->res ? PQcmdTuples(s->res) : "";

    return n[0] ? strtoll(n, NULL, 10) : 0;
}

static void
pg_reset(RegStmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    memset(s->values, 0, sizeof s->values);
    memset(s->types, 0, sizeof s->types);
}

static void
pg_finalize(RegStmt *s)
{
    if (s == NULL)
        return;
    PQclear(s->res);
    PQfreemem(s->blob);
    free(s->sql);
    free(s);
}

/* A growing buffer of COPY text. */
typedef struct Buf {
    char *p;
    size_t len, cap;
} Buf;

static bool
buf_room(Buf *b, size_t more)
{
    if (b->len + more <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 1 << 20;
    while (cap < b->len + more)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (p == NULL)
        return false;
    b->p = p;
    b->cap = cap;
    return true;
}

/* COPY's text format: backslash, tab, newline and carriage return escaped; \N is NULL. */
static bool
buf_value(Buf *b, const RegValue *v)
{
    if (v->type == REG_NULL) {
        if (!buf_room(b, 2))
            return false;
        memcpy(b->p + b->len, "\\N", 2);
        b->len += 2;
    } else if (v->type == REG_INT) {
        if (!buf_room(b, 24))
            return false;
        b->len += (size_t)snprintf(b->p + b->len, 24, "%lld", (long long)v->i);
    } else {
        if (!buf_room(b, v->len * 2))
            return false;
        for (size_t k = 0; k < v->len; k++) {
            char c = v->s[k];
            if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
                b->p[b->len++] = '\\';
                c = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
            }
            b->p[b->len++] = c;
        }
    }
    return true;
}

static CkErr
pg_bulk(Registry *reg, const char *table, const char *columns, int ncols, size_t n, RegRowFn fn,
        void *ctx)
{
    PGconn *conn = conn_of(reg);
    char sql[512];
    RegValue vals[PG_MAX_PARAMS];
    Buf b = {0};
    PGresult *res;
    CkErr err = CK_OK;

    if (ncols < 1 || ncols > PG_MAX_PARAMS)
        return ck_err(CK_ERR_INTERNAL, "bulk load of %d columns", ncols);
    snprintf(sql, sizeof sql, "COPY %s(%s) FROM STDIN", table, columns);
    res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        err = pg_err(reg, res, "loading rows");
        PQclear(res);
        return err;
    }
    PQclear(res);
    for (size_t r = 0; r < n && err == CK_OK; r++) {
        memset(vals, 0, sizeof vals);
        fn(ctx, r, vals);
        for (int c = 0; c < ncols && err == CK_OK; c++)
            if (!buf_value(&b, &vals[c]) || !buf_room(&b, 1))
                err = ck_err(CK_ERR_NOMEM, "out of memory");
            else
                b.p[b.len++] = c + 1 < ncols ? '\t' : '\n';
        if (err == CK_OK && (b.len >= (1 << 20) || r + 1 == n)) {
            if (PQputCopyData(conn, b.p, (int)b.len) != 1)
                err = pg_err(reg, NULL, "loading rows");
            b.len = 0;
        }
    }
    free(b.p);
    if (PQputCopyEnd(conn, err == CK_OK ? NULL : "cancelled") != 1 && err == CK_OK)
        err = pg_err(reg, NULL, "loading rows");
    while ((res = PQgetResult(conn)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && err == CK_OK)
            err = pg_err(reg, res, "loading rows");
        PQclear(res);
    }
    return err;
}

/* A transaction-scoped advisory lock on the key's 64-bit hash: held until
 * COMMIT or ROLLBACK; other writers of the same key wait for it. */
static CkErr
pg_lock(Registry *reg, const char *key)
{
    RegStmt *st;
    bool row;
    CkErr err;

    if ((err = pg_prepare(reg, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
                          "waiting for another import", &st)) != CK_OK)
        return err;
    pg_bind_text(st, 1, key, SIZE_MAX);
    err = pg_step(st, &row);
    pg_finalize(st);
    return err;
}

const RegistryDriver registry_pg_driver = {
    .name = "PostgreSQL",
    .open = pg_open,
    .close = pg_close,
    .get_version = pg_get_version,
    .migrate_step = pg_migrate_step,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .lock = pg_lock,
    .prepare = pg_prepare,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_text = pg_col_text,
    .col_int = pg_col_int,
    .col_blob = pg_col_blob,
    .changes = pg_changes,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .incoming_setup = "ALTER TABLE ck_incoming ALTER COLUMN jws SET STORAGE EXTERNAL",
    .bulk = pg_bulk,
};
