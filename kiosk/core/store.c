/* store: the log in SQLite — append-only entries, RFC 6962 leaves, a signed checkpoint per commit.
 */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "clock.h"
#include "codec.h"
#include "fileio.h"
#include "cert.h"
#include "jws.h"
#include "sdjwt.h"

/* "CKST" in the database header: a certkiosk store and nothing else. */
#define STORE_APPLICATION_ID 0x434b5354
#define STORE_SCHEMA_VERSION 1
/* Longest entry body (bytes); a certificate is a few KiB. */
#define STORE_BODY_MAX (256 * 1024)
#define STORE_TYPE_MAX 64
#define STORE_SERIAL_MAX 128

struct Store {
    sqlite3 *db;
    char *path;
    bool in_tx;
    bool loaded;
    MerkleFrontier committed; /* the tree as of the last commit we know of */
    MerkleFrontier pending;   /* the tree inside the open transaction */
};

static const char *const schema[] = {
    "CREATE TABLE entries(idx INTEGER PRIMARY KEY, type TEXT NOT NULL, serial TEXT, "
    "subject_key TEXT, nation TEXT, expires INTEGER, time INTEGER NOT NULL, body BLOB NOT NULL, "
    "leaf BLOB NOT NULL)",
    "CREATE TABLE checkpoints(size INTEGER PRIMARY KEY, note TEXT NOT NULL)",
    "CREATE INDEX entries_serial ON entries(serial) WHERE serial IS NOT NULL",
    "CREATE INDEX entries_subject ON entries(subject_key) WHERE subject_key IS NOT NULL",
    "CREATE INDEX entries_nation ON entries(nation, expires) WHERE nation IS NOT NULL",
    "CREATE INDEX entries_expires ON entries(expires) WHERE expires IS NOT NULL",
};

/* The append-only guard. store_check_protection() compares the stored text
 * with these, so a trigger that was dropped or rewritten is noticed. */
static const char *const triggers[][2] = {
    {"entries_no_update", "CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN "
                          "SELECT RAISE(ABORT, 'certkiosk: the log is append-only'); END"},
    {"entries_no_delete", "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN "
                          "SELECT RAISE(ABORT, 'certkiosk: the log is append-only'); END"},
    {"checkpoints_no_update",
     "CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN "
     "SELECT RAISE(ABORT, 'certkiosk: checkpoints are append-only'); END"},
    {"checkpoints_no_delete",
     "CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN "
     "SELECT RAISE(ABORT, 'certkiosk: checkpoints are append-only'); END"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Maps a SQLite result code to a CkErr with a message naming the store. */
static CkErr
db_fail(const Store *st, int rc, const char *what)
{
    const char *msg = st->db != NULL ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);

    /* SQLite reports ENOSPC on some paths (the WAL index, its header) as a
     * plain I/O error; the kiosk must still say "the disk is full". */
    if ((rc & 0xff) == SQLITE_IOERR && st->db != NULL && sqlite3_system_errno(st->db) == ENOSPC)
        rc = SQLITE_FULL;
    switch (rc & 0xff) {
    case SQLITE_FULL:
        return ck_err(CK_ERR_NOSPACE, "%s: %s: the disk is full (%s)", st->path, what, msg);
    case SQLITE_IOERR:
        return ck_err(CK_ERR_IO, "%s: %s: input/output error (%s)", st->path, what, msg);
    case SQLITE_NOMEM:
        return ck_err(CK_ERR_NOMEM, "%s: %s: out of memory", st->path, what);
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return ck_err(CK_ERR_DB, "%s: not a certkiosk store, or a damaged one (%s)", st->path, msg);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
        return ck_err(CK_ERR_IO, "%s: %s: cannot open or write the database (%s)", st->path, what,
                      msg);
    default:
        return ck_err(CK_ERR_DB, "%s: %s: %s", st->path, what, msg);
    }
}

static CkErr
exec(Store *st, const char *sql, const char *what)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? CK_OK : db_fail(st, rc, what);
}

static CkErr
prepare(Store *st, const char *sql, sqlite3_stmt **stmt)
{
    int rc = sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL);

    return rc == SQLITE_OK ? CK_OK : db_fail(st, rc, "reading");
}

/* Runs a statement that returns one integer. */
static CkErr
query_int(Store *st, const char *sql, int64_t *out)
{
    sqlite3_stmt *stmt = NULL;
    CkErr err;
    int rc;

    if ((err = prepare(st, sql, &stmt)) != CK_OK)
        return err;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(stmt, 0);
    else
        err = db_fail(st, rc == SQLITE_DONE ? SQLITE_ERROR : rc, "reading");
    sqlite3_finalize(stmt);
    return err;
}

static CkErr
create_schema(Store *st)
{
    char sql[128];
    int64_t objects;
    CkErr err;

    if ((err = exec(st, "BEGIN IMMEDIATE", "creating the store")) != CK_OK)
        return err;
    /* Another process may have created it while we waited. */
    if ((err = query_int(st, "SELECT count(*) FROM sqlite_master", &objects)) != CK_OK)
        goto out;
    if (objects == 0) {
        for (size_t i = 0; i < COUNT(schema) && err == CK_OK; i++)
            err = exec(st, schema[i], "creating the store");
        for (size_t i = 0; i < COUNT(triggers) && err == CK_OK; i++)
            err = exec(st, triggers[i][1], "creating the store");
        snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
                 STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
        if (err == CK_OK)
            err = exec(st, sql, "creating the store");
    }
    if (err == CK_OK)
        err = exec(st, "COMMIT", "creating the store");
out:
    if (err != CK_OK && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

CkErr
store_open(const char *path, bool create, Store **store_out)
{
    Store *st = NULL;
    int64_t app_id, version, objects;
    sqlite3_stmt *stmt = NULL;
    CkErr err;
    int rc;

    *store_out = NULL;
    if (!create && !fileio_exists(path))
        return ck_err(CK_ERR_NOT_FOUND, "%s: no such store", path);
    if ((st = calloc(1, sizeof *st)) == NULL || (st->path = strdup(path)) == NULL) {
        free(st);
        return ck_err(CK_ERR_NOMEM, "out of memory opening %s", path);
    }
    /* SQLite would create the file 0644 (less the umask) and gives its -wal and
     * -shm the file's mode: made 0600 first, the log and its journal stay private. */
    if (create && (err = fileio_precreate(path, 0600)) != CK_OK)
        goto fail;
    rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0),
                         NULL);
    if (rc != SQLITE_OK) {
        err = db_fail(st, rc, "opening");
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, 10000);
    /* Nothing in the file may run code or reach beyond it. */
    if ((err = exec(st,
                    "PRAGMA trusted_schema = OFF; PRAGMA foreign_keys = OFF; "
                    "PRAGMA cell_size_check = ON",
                    "opening")) != CK_OK)
        goto fail;
    if ((err = query_int(st, "PRAGMA application_id", &app_id)) != CK_OK ||
        (err = query_int(st, "PRAGMA user_version", &version)) != CK_OK ||
        (err = query_int(st, "SELECT count(*) FROM sqlite_master", &objects)) != CK_OK)
        goto fail;
    if (app_id != STORE_APPLICATION_ID && !(app_id == 0 && objects == 0)) {
        err = ck_err(CK_ERR_DB, "%s: not a certkiosk store (a SQLite database of another program)",
                     path);
        goto fail;
    }
    if (app_id == 0 && !create) {
        err = ck_err(CK_ERR_DB, "%s: not a certkiosk store (an empty database)", path);
        goto fail;
    }
    if (version > STORE_SCHEMA_VERSION) {
        err = ck_err(CK_ERR_DB,
                     "%s: a store of schema version %" PRId64
                     " (this certkiosk knows %d): made by a newer certkiosk",
                     path, version, STORE_SCHEMA_VERSION);
        goto fail;
    }
    /* WAL and synchronous=FULL: a commit survives a power cut once acknowledged. */
    if ((err = prepare(st, "PRAGMA journal_mode = WAL", &stmt)) != CK_OK)
        goto fail;
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW || sqlite3_stricmp((const char *)sqlite3_column_text(stmt, 0), "wal")) {
        err = rc == SQLITE_ROW ? ck_err(CK_ERR_DB, "%s: cannot switch to WAL mode", path)
                               : db_fail(st, rc, "opening");
        goto fail;
    }
    sqlite3_finalize(stmt);
    stmt = NULL;
    if ((err = exec(st, "PRAGMA synchronous = FULL", "opening")) != CK_OK)
        goto fail;
    if (app_id == 0 && (err = create_schema(st)) != CK_OK)
        goto fail;
    *store_out = st;
    return CK_OK;
fail:
    sqlite3_finalize(stmt);
    store_close(st);
    return err;
}

void
store_close(Store *st)
{
    if (st == NULL)
        return;
    store_abort(st);
    sqlite3_close_v2(st->db);
    free(st->path);
    free(st);
}

const char *
store_path(const Store *st)
{
    return st->path;
}

/* ---- Derivation ---- */

void
store_subject_key(const char *nation, const char *service_number,
                  char out[STORE_SUBJECT_KEY_LEN + 1])
{
    static const char tag[] = "certkiosk-subject/1\n";
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state s;

    crypto_hash_sha256_init(&s);
    crypto_hash_sha256_update(&s, (const unsigned char *)tag, sizeof tag - 1);
    crypto_hash_sha256_update(&s, (const unsigned char *)nation, strlen(nation));
    crypto_hash_sha256_update(&s, (const unsigned char *)"\n", 1);
    crypto_hash_sha256_update(&s, (const unsigned char *)service_number, strlen(service_number));
    crypto_hash_sha256_final(&s, h);
    codec_hex_encode(h, STORE_SUBJECT_KEY_LEN / 2, out);
}

static bool
type_valid(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > STORE_TYPE_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
              s[i] == '-' || s[i] == '_'))
            return false;
    return true;
}

static bool
serial_valid(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > STORE_SERIAL_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= 0x20 || s[i] >= 0x7f)
            return false;
    return true;
}

/* Indexes a certificate: nation, subject key and expiry from its payload
 * (not verified here: audit checks the signature). */
static CkErr
derive_certificate(const char *jws_text, size_t jws_len, json_t *owner, StoreEntry *out,
                   SdJwt **jws_out)
{
    char key[STORE_SUBJECT_KEY_LEN + 1];
    const json_t *payload;
    const char *nation, *number, *until;
    SdJwt *jws = NULL;
    CkErr err;

    /* Every disclosure's digest is checked here (sdjwt_parse), so an entry
     * whose certificate carries an altered or foreign disclosure is refused. */
    if ((err = sdjwt_parse(jws_text, jws_len, &jws)) != CK_OK) {
        /* A copy: ck_err() writes the detail it would be reading. */
        char why[256];
        snprintf(why, sizeof why, "%s", ck_err_detail());
        return ck_err(err, "the entry's certificate is malformed: %s", why);
    }
    payload = sdjwt_payload(jws);
    if (cert_index_fields(payload, &nation, &number, &until) != CK_OK || number == NULL ||
        clock_parse(until, &out->expires) != CK_OK) {
        err = ck_err(CK_ERR_FORMAT, "the entry's certificate lacks credentialSubject.nation, "
                                    "a disclosed service number or a valid validUntil");
        goto out;
    }
    store_subject_key(nation, number, key);
    if (json_object_set_new(owner, "nation", json_string(nation)) != 0 ||
        json_object_set_new(owner, "subject_key", json_string(key)) != 0) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    out->nation = json_string_value(json_object_get(owner, "nation"));
    out->subject_key = json_string_value(json_object_get(owner, "subject_key"));
    if (jws_out != NULL) {
        *jws_out = jws;
        jws = NULL;
    }
out:
    sdjwt_free(jws);
    return err;
}

CkErr
store_entry_derive(const unsigned char *body, size_t body_len, StoreEntry *out, json_t **owner_out)
{
    return store_entry_derive_cert(body, body_len, out, owner_out, NULL);
}

/* Compares what jansson writes with the body as it goes: no copy of the body is built (the
 * json_dumps copy cost audit 9 % of its instructions). */
typedef struct CanonCmp {
    const unsigned char *body;
    size_t len, at;
} CanonCmp;

static int
canon_cmp(const char *buf, size_t size, void *data)
{
    CanonCmp *c = data;

    if (size > c->len - c->at || memcmp(buf, c->body + c->at, size) != 0)
        return -1; /* differs: jansson stops writing */
    c->at += size;
    return 0;
}

/* true when body is exactly doc written compact with sorted keys (one encoding per entry). */
static bool
canonical(const json_t *doc, const unsigned char *body, size_t body_len)
{
    CanonCmp c = {body, body_len, 0};

    return json_dump_callback(doc, canon_cmp, &c, JSON_COMPACT | JSON_SORT_KEYS) == 0 &&
           c.at == body_len;
}

CkErr
store_entry_derive_cert(const unsigned char *body, size_t body_len, StoreEntry *out,
                        json_t **owner_out, SdJwt **jws_out)
{
    json_t *doc = NULL, *owner = NULL, *v;
    json_error_t jerr;
    CkErr err = CK_OK;

    *owner_out = NULL;
    if (jws_out != NULL)
        *jws_out = NULL;
    memset(out, 0, sizeof *out);
    out->body = body;
    out->body_len = body_len;
    merkle_leaf_hash(body, body_len, out->leaf);
    if (body_len > STORE_BODY_MAX)
        return ck_err(CK_ERR_TOO_LARGE, "entry body of %zu bytes exceeds %d", body_len,
                      STORE_BODY_MAX);
    doc = json_loadb((const char *)body, body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL || !json_is_object(doc)) {
        err = ck_err(CK_ERR_FORMAT, "entry body is not a JSON object");
        goto out;
    }
    if (!canonical(doc, body, body_len)) {
        err = ck_err(CK_ERR_FORMAT, "entry body is not canonical JSON (compact, sorted keys)");
        goto out;
    }
    if ((owner = json_object()) == NULL || json_object_set(owner, "body", doc) != 0) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    out->type = json_string_value(json_object_get(doc, "type"));
    if (out->type == NULL || !type_valid(out->type)) {
        err = ck_err(CK_ERR_FORMAT, "entry body lacks a valid \"type\"");
        goto out;
    }
    v = json_object_get(doc, "time");
    if (!json_is_string(v) || strlen(json_string_value(v)) != CLOCK_RFC3339_LEN ||
        clock_parse(json_string_value(v), &out->time) != CK_OK) {
        err = ck_err(CK_ERR_FORMAT, "entry body lacks a valid \"time\" (YYYY-MM-DDTHH:MM:SSZ)");
        goto out;
    }
    if ((v = json_object_get(doc, "serial")) != NULL) {
        out->serial = json_string_value(v);
        if (out->serial == NULL || !serial_valid(out->serial)) {
            err = ck_err(CK_ERR_FORMAT, "entry body has an invalid \"serial\"");
            goto out;
        }
    }
    if ((v = json_object_get(doc, "jws")) != NULL) {
        if (!json_is_string(v) || out->serial == NULL) {
            err = ck_err(CK_ERR_FORMAT, "entry body has a \"jws\" that is not a string, or "
                                        "no \"serial\" beside it");
            goto out;
        }
        if ((err = derive_certificate(json_string_value(v), json_string_length(v), owner, out,
                                      jws_out)) != CK_OK)
            goto out;
    }
    *owner_out = owner;
    owner = NULL;
out:
    json_decref(doc);
    json_decref(owner);
    if (err != CK_OK && jws_out != NULL) {
        sdjwt_free(*jws_out);
        *jws_out = NULL;
    }
    if (err != CK_OK) {
        out->type = out->serial = out->nation = out->subject_key = NULL;
        out->expires = out->time = 0;
    }
    return err;
}

/* ---- Transactions ---- */

/* Rebuilds the frontier from the stored leaves and checks it against the
 * latest checkpoint (without its signature: store_begin has no public key
 * to spare, and audit does the real work). */
static CkErr
load_frontier(Store *st, MerkleFrontier *f)
{
    sqlite3_stmt *stmt = NULL;
    Checkpoint cp;
    unsigned char root[MERKLE_HASH_LEN];
    CkErr err = CK_OK;
    int rc;

    merkle_frontier_init(f);
    if ((err = prepare(st, "SELECT idx, leaf FROM entries ORDER BY idx", &stmt)) != CK_OK)
        return err;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((uint64_t)sqlite3_column_int64(stmt, 0) != f->size ||
            sqlite3_column_bytes(stmt, 1) != MERKLE_HASH_LEN) {
            err = ck_err(CK_ERR_TAMPERED,
                         "%s: entry %" PRIu64 " is missing or damaged; refusing to append "
                         "(run certctl audit)",
                         st->path, f->size);
            goto out;
        }
        if ((err = merkle_frontier_append(f, sqlite3_column_blob(stmt, 1))) != CK_OK)
            goto out;
    }
    if (rc != SQLITE_DONE) {
        err = db_fail(st, rc, "reading the log");
        goto out;
    }
    sqlite3_finalize(stmt);
    if ((err = prepare(st, "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1",
                       &stmt)) != CK_OK)
        return err;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
        if (f->size != 0)
            err = ck_err(CK_ERR_TAMPERED,
                         "%s: the log has %" PRIu64 " entries but no checkpoint; "
                         "refusing to append (run certctl audit)",
                         st->path, f->size);
        goto out;
    }
    if (rc != SQLITE_ROW) {
        err = db_fail(st, rc, "reading the checkpoints");
        goto out;
    }
    merkle_frontier_root(f, root);
    if (checkpoint_parse((const char *)sqlite3_column_text(stmt, 1),
                         (size_t)sqlite3_column_bytes(stmt, 1), &cp) != CK_OK ||
        cp.size != f->size || (uint64_t)sqlite3_column_int64(stmt, 0) != f->size ||
        memcmp(cp.root, root, MERKLE_HASH_LEN) != 0)
        err = ck_err(CK_ERR_TAMPERED,
                     "%s: the log's %" PRIu64 " entries do not match its latest checkpoint; "
                     "refusing to append (run certctl audit)",
                     st->path, f->size);
out:
    sqlite3_finalize(stmt);
    return err;
}

CkErr
store_begin(Store *st, uint64_t *next_index_out)
{
    int64_t count;
    CkErr err;

    if (st->in_tx)
        return ck_err(CK_ERR_USAGE, "%s: a transaction is already open", st->path);
    if ((err = exec(st, "BEGIN IMMEDIATE", "starting a transaction")) != CK_OK)
        return err;
    /* Another process may have appended since we last looked. */
    if ((err = query_int(st, "SELECT count(*) FROM entries", &count)) != CK_OK)
        goto fail;
    if (!st->loaded || (uint64_t)count != st->committed.size) {
        if ((err = load_frontier(st, &st->committed)) != CK_OK) {
            st->loaded = false;
            goto fail;
        }
        st->loaded = true;
    }
    st->pending = st->committed;
    st->in_tx = true;
    *next_index_out = st->pending.size;
    return CK_OK;
fail:
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

CkErr
store_append(Store *st, const json_t *body, uint64_t *index_out)
{
    sqlite3_stmt *stmt = NULL;
    json_t *owner = NULL;
    StoreEntry e;
    char *text = NULL;
    CkErr err;
    int rc;

    if (!st->in_tx)
        return ck_err(CK_ERR_USAGE, "%s: store_append outside a transaction", st->path);
    if ((text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
        return ck_err(CK_ERR_FORMAT, "entry body cannot be serialised");
    if ((err = store_entry_derive((const unsigned char *)text, strlen(text), &e, &owner)) != CK_OK)
        goto out;
    if ((err = prepare(st,
                       "INSERT INTO entries(idx, type, serial, subject_key, nation, expires, "
                       "time, body, leaf) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &stmt)) != CK_OK)
        goto out;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)st->pending.size);
    sqlite3_bind_text(stmt, 2, e.type, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, e.serial, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, e.subject_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, e.nation, -1, SQLITE_STATIC);
    if (e.expires != 0)
        sqlite3_bind_int64(stmt, 6, e.expires);
    sqlite3_bind_int64(stmt, 7, e.time);
    sqlite3_bind_blob(stmt, 8, e.body, (int)e.body_len, SQLITE_STATIC);
    sqlite3_bind_blob(stmt, 9, e.leaf, MERKLE_HASH_LEN, SQLITE_STATIC);
    if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
        err = db_fail(st, rc, "appending an entry");
        goto out;
    }
    if ((err = merkle_frontier_append(&st->pending, e.leaf)) != CK_OK)
        goto out;
    if (index_out != NULL)
        *index_out = st->pending.size - 1;
out:
    sqlite3_finalize(stmt);
    json_decref(owner);
    free(text);
    return err;
}

CkErr
store_commit(Store *st, const SecretKey *sk, const char *origin)
{
    unsigned char root[MERKLE_HASH_LEN];
    sqlite3_stmt *stmt = NULL;
    char *note = NULL;
    CkErr err = CK_OK;
    int rc;

    if (!st->in_tx)
        return ck_err(CK_ERR_USAGE, "%s: store_commit outside a transaction", st->path);
    if (st->pending.size != st->committed.size) {
        if (sk == NULL || key_kind(sk) != KEY_KIND_KIOSK) {
            err = ck_err(CK_ERR_KEY, "%s: checkpoints are signed with the kiosk key", st->path);
            goto fail;
        }
        merkle_frontier_root(&st->pending, root);
        if ((err = checkpoint_sign(sk, origin, st->pending.size, root, &note)) != CK_OK)
            goto fail;
        if ((err = prepare(st, "INSERT INTO checkpoints(size, note) VALUES(?, ?)", &stmt)) != CK_OK)
            goto fail;
        sqlite3_bind_int64(stmt, 1, (sqlite3_int64)st->pending.size);
        sqlite3_bind_text(stmt, 2, note, -1, SQLITE_STATIC);
        if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
            err = db_fail(st, rc, "storing the checkpoint");
            goto fail;
        }
    }
    if ((err = exec(st, "COMMIT", "committing")) != CK_OK)
        goto fail;
    st->committed = st->pending;
    st->in_tx = false;
    sqlite3_finalize(stmt);
    free(note);
    return CK_OK;
fail:
    sqlite3_finalize(stmt);
    free(note);
    store_abort(st);
    return err;
}

void
store_abort(Store *st)
{
    if (st == NULL || !st->in_tx)
        return;
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->pending = st->committed;
    st->in_tx = false;
}

/* ---- Reading ---- */

CkErr
store_size(Store *st, uint64_t *size_out)
{
    int64_t n = 0;
    CkErr err = query_int(st, "SELECT count(*) FROM entries", &n);

    if (err == CK_OK)
        *size_out = (uint64_t)n;
    return err;
}

#define ENTRY_COLUMNS "idx, type, serial, subject_key, nation, expires, time, body, leaf"

/* Points e into the current row (valid until the next step). */
static void
entry_from_row(sqlite3_stmt *stmt, StoreEntry *e)
{
    const char *type = (const char *)sqlite3_column_text(stmt, 1);

    e->index = (uint64_t)sqlite3_column_int64(stmt, 0);
    e->type = type != NULL ? type : "";
    e->serial = (const char *)sqlite3_column_text(stmt, 2);
    e->subject_key = (const char *)sqlite3_column_text(stmt, 3);
    e->nation = (const char *)sqlite3_column_text(stmt, 4);
    e->expires = sqlite3_column_int64(stmt, 5);
    e->time = sqlite3_column_int64(stmt, 6);
    e->body = sqlite3_column_blob(stmt, 7);
    e->body_len = (size_t)sqlite3_column_bytes(stmt, 7);
    if (e->body == NULL)
        e->body = (const unsigned char *)"";
    memset(e->leaf, 0, MERKLE_HASH_LEN);
    if (sqlite3_column_bytes(stmt, 8) == MERKLE_HASH_LEN)
        memcpy(e->leaf, sqlite3_column_blob(stmt, 8), MERKLE_HASH_LEN);
}

/* A copy of e in one allocation (strings after the struct). */
static StoreEntry *
entry_copy(const StoreEntry *e)
{
    const char *strs[4] = {e->type, e->serial, e->subject_key, e->nation};
    size_t need = sizeof *e + e->body_len + 1;
    StoreEntry *c;
    char *p;

    for (int i = 0; i < 4; i++)
        need += strs[i] != NULL ? strlen(strs[i]) + 1 : 0;
    if ((c = malloc(need)) == NULL)
        return NULL;
    *c = *e;
    p = (char *)(c + 1);
    memcpy(p, e->body, e->body_len);
    p[e->body_len] = '\0';
    c->body = (const unsigned char *)p;
    p += e->body_len + 1;
    for (int i = 0; i < 4; i++) {
        const char *copy = NULL;
        if (strs[i] != NULL) {
            strcpy(p, strs[i]);
            copy = p;
            p += strlen(strs[i]) + 1;
        }
        if (i == 0)
            c->type = copy;
        else if (i == 1)
            c->serial = copy;
        else if (i == 2)
            c->subject_key = copy;
        else
            c->nation = copy;
    }
    return c;
}

static CkErr
get_one(Store *st, sqlite3_stmt *stmt, const char *what, StoreEntry **entry_out)
{
    StoreEntry e;
    int rc = sqlite3_step(stmt);

    if (rc == SQLITE_DONE)
        return ck_err(CK_ERR_NOT_FOUND, "%s: no %s", st->path, what);
    if (rc != SQLITE_ROW)
        return db_fail(st, rc, "reading an entry");
    entry_from_row(stmt, &e);
    if ((*entry_out = entry_copy(&e)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    return CK_OK;
}

CkErr
store_get(Store *st, uint64_t index, StoreEntry **entry_out)
{
    sqlite3_stmt *stmt = NULL;
    char what[48];
    CkErr err;

    *entry_out = NULL;
    if ((err = prepare(st, "SELECT " ENTRY_COLUMNS " FROM entries WHERE idx = ?", &stmt)) != CK_OK)
        return err;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)index);
    snprintf(what, sizeof what, "entry %" PRIu64, index);
    err = get_one(st, stmt, what, entry_out);
    sqlite3_finalize(stmt);
    return err;
}

CkErr
store_find_serial(Store *st, const char *serial, StoreEntry **entry_out)
{
    sqlite3_stmt *stmt = NULL;
    char what[STORE_SERIAL_MAX + 32];
    CkErr err;

    *entry_out = NULL;
    if ((err = prepare(
             st, "SELECT " ENTRY_COLUMNS " FROM entries WHERE serial = ? ORDER BY idx LIMIT 1",
             &stmt)) != CK_OK)
        return err;
    sqlite3_bind_text(stmt, 1, serial, -1, SQLITE_STATIC);
    snprintf(what, sizeof what, "certificate %.*s", STORE_SERIAL_MAX, serial);
    err = get_one(st, stmt, what, entry_out);
    sqlite3_finalize(stmt);
    return err;
}

void
store_entry_free(StoreEntry *e)
{
    free(e);
}

CkErr
store_foreach(Store *st, uint64_t from, const char *subject_key, StoreEntryFn fn, void *ctx)
{
    sqlite3_stmt *stmt = NULL;
    StoreEntry e;
    CkErr err;
    int rc;

    err = prepare(st,
                  subject_key == NULL
                      ? "SELECT " ENTRY_COLUMNS " FROM entries WHERE idx >= ? ORDER BY idx"
                      : "SELECT " ENTRY_COLUMNS
                        " FROM entries WHERE idx >= ? AND subject_key = ? ORDER BY idx",
                  &stmt);
    if (err != CK_OK)
        return err;
    sqlite3_bind_int64(stmt, 1, from > INT64_MAX ? INT64_MAX : (sqlite3_int64)from);
    if (subject_key != NULL)
        sqlite3_bind_text(stmt, 2, subject_key, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        entry_from_row(stmt, &e);
        if ((err = fn(&e, ctx)) != CK_OK)
            goto out;
    }
    if (rc != SQLITE_DONE)
        err = db_fail(st, rc, "reading the log");
out:
    sqlite3_finalize(stmt);
    return err;
}

CkErr
store_foreach_checkpoint(Store *st, StoreCheckpointFn fn, void *ctx)
{
    sqlite3_stmt *stmt = NULL;
    CkErr err;
    int rc;

    if ((err = prepare(st, "SELECT size, note FROM checkpoints ORDER BY size", &stmt)) != CK_OK)
        return err;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *note = (const char *)sqlite3_column_text(stmt, 1);
        if ((err = fn((uint64_t)sqlite3_column_int64(stmt, 0), note != NULL ? note : "",
                      (size_t)sqlite3_column_bytes(stmt, 1), ctx)) != CK_OK)
            goto out;
    }
    if (rc != SQLITE_DONE)
        err = db_fail(st, rc, "reading the checkpoints");
out:
    sqlite3_finalize(stmt);
    return err;
}

CkErr
store_latest_checkpoint(Store *st, char **note_out, uint64_t *size_out)
{
    sqlite3_stmt *stmt = NULL;
    CkErr err;
    int rc;

    *note_out = NULL;
    if ((err = prepare(st, "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1",
                       &stmt)) != CK_OK)
        return err;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *note = (const char *)sqlite3_column_text(stmt, 1);
        *size_out = (uint64_t)sqlite3_column_int64(stmt, 0);
        if ((*note_out = strdup(note != NULL ? note : "")) == NULL)
            err = ck_err(CK_ERR_NOMEM, "out of memory");
    } else if (rc == SQLITE_DONE) {
        err = ck_err(CK_ERR_NOT_FOUND, "%s: the log has no checkpoint yet", st->path);
    } else {
        err = db_fail(st, rc, "reading the checkpoints");
    }
    sqlite3_finalize(stmt);
    return err;
}

CkErr
store_read_begin(Store *st)
{
    CkErr err;

    if (st->in_tx)
        return ck_err(CK_ERR_USAGE, "%s: a write transaction is open", st->path);
    if ((err = exec(st, "PRAGMA query_only = ON", "starting to read")) != CK_OK)
        return err;
    /* A deferred BEGIN takes its snapshot at the first read: take it now. */
    if ((err = exec(st, "BEGIN; SELECT count(*) FROM checkpoints WHERE size < 0",
                    "starting to read")) != CK_OK) {
        if (!sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_exec(st->db, "PRAGMA query_only = OFF", NULL, NULL, NULL);
    }
    return err;
}

void
store_read_end(Store *st)
{
    if (st == NULL || st->in_tx)
        return;
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    sqlite3_exec(st->db, "PRAGMA query_only = OFF", NULL, NULL, NULL);
}

CkErr
store_check_integrity(Store *st)
{
    sqlite3_stmt *stmt = NULL;
    const char *res;
    CkErr err;
    int rc;

    if ((err = prepare(st, "PRAGMA integrity_check(1)", &stmt)) != CK_OK)
        return err;
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW)
        err = db_fail(st, rc, "checking integrity");
    else if ((res = (const char *)sqlite3_column_text(stmt, 0)) == NULL || strcmp(res, "ok") != 0)
        err = ck_err(CK_ERR_DB, "%s: the database is damaged: %s", st->path, res ? res : "?");
    sqlite3_finalize(stmt);
    return err;
}

CkErr
store_check_protection(Store *st)
{
    sqlite3_stmt *stmt = NULL;
    CkErr err;

    if ((err = prepare(st, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                       &stmt)) != CK_OK)
        return err;
    for (size_t i = 0; i < COUNT(triggers) && err == CK_OK; i++) {
        const char *sql;
        sqlite3_reset(stmt);
        sqlite3_bind_text(stmt, 1, triggers[i][0], -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_ROW ||
            (sql = (const char *)sqlite3_column_text(stmt, 0)) == NULL ||
            strcmp(sql, triggers[i][1]) != 0)
            err = ck_err(CK_ERR_TAMPERED, "%s: the append-only trigger %s was removed or changed",
                         st->path, triggers[i][0]);
    }
    sqlite3_finalize(stmt);
    return err;
}
