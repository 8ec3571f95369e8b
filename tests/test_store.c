/* Tests of store: foreign and damaged files, append-only, all-or-nothing commits, look-ups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "fileio.h"
#include "jws.h"
#include "store.h"
#include "vfs_fault.h"

#define ORIGIN "certkiosk.example/TEST-KIOSK"

typedef struct Fixture {
    char dir[64];
    char *path;
    SecretKey *sk;
    PublicKey pub;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);

    strcpy(f->dir, "/tmp/test_store.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->path = fileio_join(f->dir, "store.db");
    assert_int_equal(key_generate(KEY_KIND_KIOSK, &f->sk), CK_OK);
    key_public(f->sk, &f->pub);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    char cmd[128];

    vfs_fault_disk_full(0);
    vfs_fault_fsync(0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    key_destroy(f->sk);
    free(f->path);
    free(f);
    return 0;
}

static json_t *
event_body(const char *type, int n)
{
    return json_pack("{s:s, s:s, s:i}", "type", type, "time", "2026-03-01T10:00:00Z", "n", n);
}

/* A certificate entry with a real JWS (signed by sk) for nation/number. */
static json_t *
cert_body(const Fixture *f, const char *serial, const char *nation, const char *number)
{
    json_t *payload = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s}}", "id", serial, "validUntil",
                                "2027-03-01T10:00:00Z", "credentialSubject", "name", "A. Person",
                                "nation", nation, "serviceNumber", number, "category", "military");
    char *jws;
    json_t *body;

    assert_int_equal(jws_sign_json(f->sk, "vc+jwt", f->pub.kid, payload, &jws), CK_OK);
    body = json_pack("{s:s, s:s, s:s, s:s}", "type", "cert.paper", "time", "2026-03-01T10:00:00Z",
                     "serial", serial, "jws", jws);
    free(jws);
    json_decref(payload);
    return body;
}

/* Appends n events in one committed transaction. */
static void
append_events(const Fixture *f, Store *st, int n)
{
    uint64_t next;

    assert_int_equal(store_begin(st, &next), CK_OK);
    for (int i = 0; i < n; i++) {
        json_t *b = event_body("kiosk.started", (int)next + i);
        uint64_t idx;
        assert_int_equal(store_append(st, b, &idx), CK_OK);
        assert_int_equal(idx, next + (uint64_t)i);
        json_decref(b);
    }
    assert_int_equal(store_commit(st, f->sk, ORIGIN), CK_OK);
}

static void
raw_exec(const char *path, const char *sql, int want_ok)
{
    sqlite3 *db;
    char *msg = NULL;
    int rc;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (want_ok)
        assert_int_equal(rc, SQLITE_OK);
    else {
        assert_int_not_equal(rc, SQLITE_OK);
        assert_non_null(strstr(msg, "append-only"));
    }
    sqlite3_free(msg);
    sqlite3_close(db);
}

/* --- hostile cases first ------------------------------------------------- */

static void
test_a_missing_store_is_not_created_unless_asked(void **state)
{
    Fixture *f = *state;
    Store *st;

    assert_int_equal(store_open(f->path, false, &st), CK_ERR_NOT_FOUND);
    assert_null(st);
    assert_false(fileio_exists(f->path));
}

static void
test_a_foreign_sqlite_file_is_refused(void **state)
{
    Fixture *f = *state;
    Store *st;

    raw_exec(f->path, "CREATE TABLE photos(id INTEGER PRIMARY KEY, jpeg BLOB)", 1);
    assert_int_equal(store_open(f->path, true, &st), CK_ERR_DB);
    assert_non_null(strstr(ck_err_detail(), "not a certkiosk store"));
    assert_null(st);
}

static void
test_a_garbage_file_is_refused(void **state)
{
    Fixture *f = *state;
    unsigned char junk[8192];
    Store *st;

    randombytes_buf(junk, sizeof junk);
    assert_int_equal(fileio_write_atomic(f->path, junk, sizeof junk, 0600, true), CK_OK);
    assert_int_equal(store_open(f->path, false, &st), CK_ERR_DB);
    assert_non_null(strstr(ck_err_detail(), "not a certkiosk store"));
    assert_int_equal(store_open(f->path, true, &st), CK_ERR_DB);
}

static void
test_an_empty_file_is_not_a_store(void **state)
{
    Fixture *f = *state;
    Store *st;

    assert_int_equal(fileio_write_atomic(f->path, "", 0, 0600, true), CK_OK);
    assert_int_equal(store_open(f->path, false, &st), CK_ERR_DB);
    assert_non_null(strstr(ck_err_detail(), "not a certkiosk store"));
}

static void
test_a_store_of_a_newer_schema_is_refused(void **state)
{
    Fixture *f = *state;
    Store *st;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    store_close(st);
    raw_exec(f->path, "PRAGMA user_version = 99", 1);
    assert_int_equal(store_open(f->path, false, &st), CK_ERR_DB);
    assert_non_null(strstr(ck_err_detail(), "newer certkiosk"));
}

static void
test_update_and_delete_are_refused_by_the_triggers(void **state)
{
    Fixture *f = *state;
    Store *st;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    append_events(f, st, 2);
    store_close(st);
    raw_exec(f->path, "UPDATE entries SET body = x'00' WHERE idx = 0", 0);
    raw_exec(f->path, "DELETE FROM entries WHERE idx = 1", 0);
    raw_exec(f->path, "UPDATE checkpoints SET note = 'x'", 0);
    raw_exec(f->path, "DELETE FROM checkpoints", 0);
    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    assert_int_equal(store_check_protection(st), CK_OK);
    store_close(st);
    raw_exec(f->path, "DROP TRIGGER entries_no_delete", 1);
    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    assert_int_equal(store_check_protection(st), CK_ERR_TAMPERED);
    assert_non_null(strstr(ck_err_detail(), "entries_no_delete"));
    store_close(st);
}

static void
test_append_outside_a_transaction_is_refused(void **state)
{
    Fixture *f = *state;
    json_t *b = event_body("kiosk.started", 0);
    Store *st;
    uint64_t size;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    assert_int_equal(store_append(st, b, NULL), CK_ERR_USAGE);
    assert_int_equal(store_commit(st, f->sk, ORIGIN), CK_ERR_USAGE);
    assert_int_equal(store_size(st, &size), CK_OK);
    assert_int_equal(size, 0);
    json_decref(b);
    store_close(st);
}

static void
test_bodies_without_type_or_time_are_refused(void **state)
{
    Fixture *f = *state;
    json_t *no_type = json_pack("{s:s}", "time", "2026-03-01T10:00:00Z");
    json_t *no_time = json_pack("{s:s}", "type", "kiosk.started");
    json_t *bad_time = json_pack("{s:s, s:s}", "type", "kiosk.started", "time", "yesterday");
    json_t *bad_type = json_pack("{s:s, s:s}", "type", "DROP TABLE", "time", "2026-03-01");
    json_t *bad_jws = json_pack("{s:s, s:s, s:s, s:s}", "type", "cert.paper", "time",
                                "2026-03-01T10:00:00Z", "serial", "X-000000", "jws", "a.b.c");
    Store *st;
    uint64_t next, size;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    assert_int_equal(store_begin(st, &next), CK_OK);
    assert_int_equal(store_append(st, no_type, NULL), CK_ERR_FORMAT);
    assert_int_equal(store_append(st, no_time, NULL), CK_ERR_FORMAT);
    assert_int_equal(store_append(st, bad_time, NULL), CK_ERR_FORMAT);
    assert_int_equal(store_append(st, bad_type, NULL), CK_ERR_FORMAT);
    assert_int_equal(store_append(st, bad_jws, NULL), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "certificate is malformed"));
    assert_int_equal(store_commit(st, f->sk, ORIGIN), CK_OK);
    assert_int_equal(store_size(st, &size), CK_OK);
    assert_int_equal(size, 0);
    json_decref(no_type);
    json_decref(no_time);
    json_decref(bad_time);
    json_decref(bad_type);
    json_decref(bad_jws);
    store_close(st);
}

static void
test_checkpoints_are_signed_only_with_a_kiosk_key(void **state)
{
    Fixture *f = *state;
    json_t *b = event_body("kiosk.started", 0);
    SecretKey *authority;
    Store *st;
    uint64_t next, size;

    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &authority), CK_OK);
    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    assert_int_equal(store_begin(st, &next), CK_OK);
    assert_int_equal(store_append(st, b, NULL), CK_OK);
    assert_int_equal(store_commit(st, authority, ORIGIN), CK_ERR_KEY);
    assert_int_equal(store_size(st, &size), CK_OK);
    assert_int_equal(size, 0);
    key_destroy(authority);
    json_decref(b);
    store_close(st);
}

static void
assert_log_intact(const Fixture *f, uint64_t want)
{
    Store *st;
    uint64_t size, cp_size;
    char *note;
    Checkpoint cp;

    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    assert_int_equal(store_check_integrity(st), CK_OK);
    assert_int_equal(store_size(st, &size), CK_OK);
    assert_int_equal(size, want);
    for (uint64_t i = 0; i < want; i++) {
        StoreEntry *e;
        assert_int_equal(store_get(st, i, &e), CK_OK);
        assert_int_equal(e->index, i);
        store_entry_free(e);
    }
    assert_int_equal(store_latest_checkpoint(st, &note, &cp_size), CK_OK);
    assert_int_equal(cp_size, want);
    assert_int_equal(checkpoint_verify(note, strlen(note), &f->pub, ORIGIN, &cp), CK_OK);
    assert_int_equal(cp.size, want);
    free(note);
    store_close(st);
}

static void
test_a_full_disk_refuses_the_commit_and_loses_nothing(void **state)
{
    Fixture *f = *state;
    json_t *b = event_body("cert.paper", 99);
    Store *st;
    uint64_t next;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    append_events(f, st, 3);
    assert_int_equal(store_begin(st, &next), CK_OK);
    assert_int_equal(next, 3);
    assert_int_equal(store_append(st, b, NULL), CK_OK);
    vfs_fault_disk_full(1);
    assert_int_equal(store_commit(st, f->sk, ORIGIN), CK_ERR_NOSPACE);
    assert_non_null(strstr(ck_err_detail(), "disk is full"));
    vfs_fault_disk_full(0);
    /* The same handle goes on from where the log really is. */
    assert_int_equal(store_begin(st, &next), CK_OK);
    assert_int_equal(next, 3);
    store_abort(st);
    store_close(st);
    assert_log_intact(f, 3);
    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    append_events(f, st, 1);
    store_close(st);
    assert_log_intact(f, 4);
    json_decref(b);
}

static void
test_a_failing_fsync_refuses_the_commit(void **state)
{
    Fixture *f = *state;
    json_t *b = event_body("cert.paper", 7);
    Store *st;
    uint64_t next;
    CkErr err;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    append_events(f, st, 2);
    assert_int_equal(store_begin(st, &next), CK_OK);
    assert_int_equal(store_append(st, b, NULL), CK_OK);
    vfs_fault_fsync(1);
    err = store_commit(st, f->sk, ORIGIN);
    vfs_fault_fsync(0);
    assert_int_equal(err, CK_ERR_IO);
    store_close(st);
    assert_log_intact(f, 2);
    json_decref(b);
}

static void
test_append_refuses_a_log_that_no_longer_matches_its_checkpoint(void **state)
{
    Fixture *f = *state;
    Store *st;
    uint64_t next;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    append_events(f, st, 3);
    store_close(st);
    raw_exec(f->path, "DROP TRIGGER entries_no_delete; DELETE FROM entries WHERE idx = 2", 1);
    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    assert_int_equal(store_begin(st, &next), CK_ERR_TAMPERED);
    assert_non_null(strstr(ck_err_detail(), "certctl audit"));
    store_close(st);
}

/* --- correct behaviour --------------------------------------------------- */

static void
test_a_new_store_is_wal_with_its_application_id(void **state)
{
    Fixture *f = *state;
    sqlite3 *db;
    sqlite3_stmt *stmt;
    Store *st;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    store_close(st);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal(sqlite3_column_text(stmt, 0), "wal");
    sqlite3_finalize(stmt);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 0x434b5354);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

static void
test_each_commit_signs_a_checkpoint_of_the_new_tree(void **state)
{
    Fixture *f = *state;
    unsigned char leaves[5][MERKLE_HASH_LEN], root[MERKLE_HASH_LEN];
    Store *st;
    char *note;
    uint64_t size;
    Checkpoint cp;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    append_events(f, st, 2);
    append_events(f, st, 3);
    for (uint64_t i = 0; i < 5; i++) {
        StoreEntry *e;
        assert_int_equal(store_get(st, i, &e), CK_OK);
        merkle_leaf_hash(e->body, e->body_len, leaves[i]);
        assert_memory_equal(leaves[i], e->leaf, MERKLE_HASH_LEN);
        store_entry_free(e);
    }
    assert_int_equal(store_latest_checkpoint(st, &note, &size), CK_OK);
    assert_int_equal(size, 5);
    assert_int_equal(checkpoint_verify(note, strlen(note), &f->pub, ORIGIN, &cp), CK_OK);
    merkle_root((const unsigned char(*)[MERKLE_HASH_LEN])leaves, 5, root);
    assert_memory_equal(cp.root, root, MERKLE_HASH_LEN);
    free(note);
    store_close(st);
}

static void
test_entries_are_stored_as_canonical_json(void **state)
{
    Fixture *f = *state;
    json_t *b =
        json_pack("{s:s, s:s, s:i}", "type", "admin.login", "time", "2026-03-01T10:00:00Z", "a", 1);
    Store *st;
    StoreEntry *e;
    uint64_t next;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    assert_int_equal(store_begin(st, &next), CK_OK);
    assert_int_equal(store_append(st, b, NULL), CK_OK);
    assert_int_equal(store_commit(st, f->sk, ORIGIN), CK_OK);
    assert_int_equal(store_get(st, 0, &e), CK_OK);
    assert_string_equal((const char *)e->body,
                        "{\"a\":1,\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"admin.login\"}");
    assert_string_equal(e->type, "admin.login");
    assert_null(e->serial);
    store_entry_free(e);
    assert_int_equal(store_get(st, 1, &e), CK_ERR_NOT_FOUND);
    json_decref(b);
    store_close(st);
}

static void
test_abort_discards_the_transaction(void **state)
{
    Fixture *f = *state;
    json_t *b = event_body("kiosk.started", 0);
    Store *st;
    uint64_t next, size;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    append_events(f, st, 1);
    assert_int_equal(store_begin(st, &next), CK_OK);
    assert_int_equal(store_append(st, b, NULL), CK_OK);
    store_abort(st);
    assert_int_equal(store_size(st, &size), CK_OK);
    assert_int_equal(size, 1);
    assert_int_equal(store_begin(st, &next), CK_OK);
    assert_int_equal(next, 1);
    store_abort(st);
    json_decref(b);
    store_close(st);
}

static void
test_certificates_are_found_by_serial_and_subject(void **state)
{
    Fixture *f = *state;
    char key[STORE_SUBJECT_KEY_LEN + 1];
    json_t *c1 = cert_body(f, "TEST-KIOSK-000001", "NOR", "12345");
    json_t *c2 = cert_body(f, "TEST-KIOSK-000002", "USA", "999");
    Store *st;
    StoreEntry *e;
    uint64_t next;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    append_events(f, st, 1);
    assert_int_equal(store_begin(st, &next), CK_OK);
    assert_int_equal(store_append(st, c1, NULL), CK_OK);
    assert_int_equal(store_append(st, c2, NULL), CK_OK);
    assert_int_equal(store_commit(st, f->sk, ORIGIN), CK_OK);
    assert_int_equal(store_find_serial(st, "TEST-KIOSK-000002", &e), CK_OK);
    assert_int_equal(e->index, 2);
    assert_string_equal(e->nation, "USA");
    assert_int_equal(e->expires, 1803895200); /* 2027-03-01T10:00:00Z */
    store_subject_key("USA", "999", key);
    assert_string_equal(e->subject_key, key);
    store_entry_free(e);
    assert_int_equal(store_find_serial(st, "TEST-KIOSK-000404", &e), CK_ERR_NOT_FOUND);
    json_decref(c1);
    json_decref(c2);
    store_close(st);
}

static CkErr
count_entry(const StoreEntry *e, void *ctx)
{
    (*(int *)ctx)++;
    return CK_OK;
}

static void
test_foreach_filters_by_subject(void **state)
{
    Fixture *f = *state;
    char key[STORE_SUBJECT_KEY_LEN + 1];
    json_t *c1 = cert_body(f, "TEST-KIOSK-000000", "NOR", "12345");
    Store *st;
    uint64_t next;
    int all = 0, mine = 0;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    assert_int_equal(store_begin(st, &next), CK_OK);
    assert_int_equal(store_append(st, c1, NULL), CK_OK);
    assert_int_equal(store_commit(st, f->sk, ORIGIN), CK_OK);
    append_events(f, st, 4);
    store_subject_key("NOR", "12345", key);
    assert_int_equal(store_foreach(st, 0, NULL, count_entry, &all), CK_OK);
    assert_int_equal(store_foreach(st, 0, key, count_entry, &mine), CK_OK);
    assert_int_equal(all, 5);
    assert_int_equal(mine, 1);
    json_decref(c1);
    store_close(st);
}

static void
test_two_handles_take_turns_without_reusing_an_index(void **state)
{
    Fixture *f = *state;
    Store *a, *b;
    uint64_t next;

    assert_int_equal(store_open(f->path, true, &a), CK_OK);
    assert_int_equal(store_open(f->path, false, &b), CK_OK);
    append_events(f, a, 2);
    assert_int_equal(store_begin(b, &next), CK_OK);
    assert_int_equal(next, 2);
    store_abort(b);
    append_events(f, b, 1);
    append_events(f, a, 1);
    store_close(a);
    store_close(b);
    assert_log_intact(f, 4);
}

/* A body that is nearly canonical must still be refused: the audit recomputes
 * the canonical form and compares bytes. */
static void
test_near_canonical_bodies_are_refused(void **state)
{
    static const char *const bad[] = {
        "{\"type\":\"kiosk.started\",\"time\":\"2026-03-01T10:00:00Z\"}",     /* unsorted */
        "{\"time\": \"2026-03-01T10:00:00Z\",\"type\":\"kiosk.started\"}",    /* a space */
        "{\"n\":1,\"n\":2,\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\"}", /* a duplicate */
        "{\"n\":-0,\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\"}",        /* -0 is written 0 */
        "{\"n\":01,\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\"}",
        "{\"n\":1.50,\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\"}",        /* written 1.5 */
        "{\"n\":\"\\u0041\",\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\"}", /* written "A" */
        "{\"n\":\"a\\/b\",\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\"}",   /* written "a/b" */
        "{\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\"} ",
        "{\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\",}",
        "{\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\"",
    };
    StoreEntry e;
    json_t *owner;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CkErr err = store_entry_derive((const unsigned char *)bad[i], strlen(bad[i]), &e, &owner);
        if (err == CK_OK)
            fail_msg("accepted: %s", bad[i]);
        assert_int_equal(err, CK_ERR_FORMAT);
        assert_null(owner);
    }
}

/* The fast reader and jansson agree on what a flat body says and on why it is refused. */
static void
test_flat_bodies_say_the_same_as_jansson(void **state)
{
    static const char *const cases[][2] = {
        /* flat (fast path) */ /* the same with an escape (jansson) */
        {"{\"n\":7,\"serial\":\"K-000001\",\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x.y\"}",
         "{\"n\":7,\"serial\":\"K-000001\",\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x.y\","
         "\"z\":\"\\n\"}"},
        {"{\"time\":\"2026-03-01T10:00:00Z\",\"type\":5}",
         "{\"time\":\"2026-03-01T10:00:00Z\",\"type\":5,\"z\":\"\\n\"}"},
        {"{\"time\":\"2026-03-01\",\"type\":\"x\"}",
         "{\"time\":\"2026-03-01\",\"type\":\"x\",\"z\":\"\\n\"}"},
        {"{\"serial\":\"has space\",\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\"}",
         "{\"serial\":\"has "
         "space\",\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\",\"z\":\"\\n\"}"},
        {"{\"jws\":\"a.b.c\",\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\"}",
         "{\"jws\":\"a.b.c\",\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\",\"z\":\"\\n\"}"},
        {"{\"jws\":\"a.b.c\",\"serial\":\"K-1\",\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\"}",
         "{\"jws\":\"a.b.c\",\"serial\":\"K-1\",\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"x\","
         "\"z\":\"\\n\"}"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        StoreEntry a, b;
        json_t *oa = NULL, *ob = NULL;
        char da[512];
        CkErr ea =
            store_entry_derive((const unsigned char *)cases[i][0], strlen(cases[i][0]), &a, &oa);
        snprintf(da, sizeof da, "%s", ck_err_detail());
        CkErr eb =
            store_entry_derive((const unsigned char *)cases[i][1], strlen(cases[i][1]), &b, &ob);
        assert_int_equal(ea, eb);
        if (ea != CK_OK) {
            assert_string_equal(da, ck_err_detail());
            continue;
        }
        assert_string_equal(a.type, b.type);
        assert_true((a.serial == NULL) == (b.serial == NULL));
        if (a.serial != NULL)
            assert_string_equal(a.serial, b.serial);
        assert_int_equal(a.time, b.time);
        json_decref(oa);
        json_decref(ob);
    }
}

/* A read transaction sees one snapshot: what another handle commits meanwhile
 * shows neither in the entries nor in the checkpoints until it ends. */
static void
test_a_read_transaction_sees_one_snapshot(void **state)
{
    Fixture *f = *state;
    Store *reader, *writer;
    uint64_t size, cp_size;
    char *note;

    assert_int_equal(store_open(f->path, true, &writer), CK_OK);
    append_events(f, writer, 3);
    assert_int_equal(store_open(f->path, false, &reader), CK_OK);
    assert_int_equal(store_read_begin(reader), CK_OK);
    append_events(f, writer, 2);
    assert_int_equal(store_size(reader, &size), CK_OK);
    assert_int_equal(size, 3);
    assert_int_equal(store_latest_checkpoint(reader, &note, &cp_size), CK_OK);
    assert_int_equal(cp_size, 3);
    free(note);
    store_read_end(reader);
    assert_int_equal(store_size(reader, &size), CK_OK);
    assert_int_equal(size, 5);
    store_close(reader);
    store_close(writer);
}

/* The reading handle cannot write while it reads. */
static void
test_a_read_transaction_refuses_writes(void **state)
{
    Fixture *f = *state;
    Store *st;
    uint64_t next;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    append_events(f, st, 1);
    assert_int_equal(store_read_begin(st), CK_OK);
    assert_int_not_equal(store_begin(st, &next), CK_OK);
    store_read_end(st);
    append_events(f, st, 1);
    store_close(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_missing_store_is_not_created_unless_asked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_foreign_sqlite_file_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_garbage_file_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_empty_file_is_not_a_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_store_of_a_newer_schema_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_and_delete_are_refused_by_the_triggers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_append_outside_a_transaction_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bodies_without_type_or_time_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_checkpoints_are_signed_only_with_a_kiosk_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_full_disk_refuses_the_commit_and_loses_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_failing_fsync_refuses_the_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_append_refuses_a_log_that_no_longer_matches_its_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_new_store_is_wal_with_its_application_id, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_each_commit_signs_a_checkpoint_of_the_new_tree, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_entries_are_stored_as_canonical_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_discards_the_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_certificates_are_found_by_serial_and_subject, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_foreach_filters_by_subject, setup, teardown),
        cmocka_unit_test(test_near_canonical_bodies_are_refused),
        cmocka_unit_test(test_flat_bodies_say_the_same_as_jansson),
        cmocka_unit_test_setup_teardown(test_a_read_transaction_sees_one_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_read_transaction_refuses_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_handles_take_turns_without_reusing_an_index, setup,
                                        teardown),
    };

    if (sodium_init() < 0)
        return 1;
    vfs_fault_install();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
