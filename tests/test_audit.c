/* Tests of audit: a store altered behind the tool's back in every way an insider could. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "clock.h"
#include "codec.h"
#include "fileio.h"
#include "issue.h"

#define KIOSK_ID "TEST-KIOSK"
#define ORIGIN "certkiosk.example/TEST-KIOSK"
#define T0 1772359200 /* 2026-03-01T10:00:00Z */

typedef struct Fixture {
    char dir[64];
    char *path, *state;
    SecretKey *sk, *other;
    PublicKey pub;
    IssueKiosk kiosk;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);

    strcpy(f->dir, "/tmp/test_audit.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->path = fileio_join(f->dir, "store.db");
    f->state = fileio_join(f->dir, "state");
    assert_int_equal(key_generate(KEY_KIND_KIOSK, &f->sk), CK_OK);
    assert_int_equal(key_generate(KEY_KIND_KIOSK, &f->other), CK_OK);
    key_public(f->sk, &f->pub);
    f->kiosk = (IssueKiosk){f->sk, KIOSK_ID, "Test Operator", ORIGIN, NULL};
    clock_set(T0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    key_destroy(f->sk);
    key_destroy(f->other);
    free(f->path);
    free(f->state);
    free(f);
    clock_set(0);
    return 0;
}

/* Issues a paper certificate for service number num. */
static void
issue_one(Fixture *f, Store *st, const char *num)
{
    CertClaims *c = cert_claims_new();
    IssueResult r;

    assert_int_equal(CERT_SET(c, name, "Kari Nordmann"), CK_OK);
    assert_int_equal(CERT_SET(c, nation, "NOR"), CK_OK);
    assert_int_equal(CERT_SET(c, service_number, num), CK_OK);
    assert_int_equal(CERT_SET(c, category, "military"), CK_OK);
    assert_int_equal(CERT_SET(c, recorded_by, "Admin One"), CK_OK);
    c->method = CERT_METHOD_PAPER;
    c->valid_from = clock_now();
    c->valid_until = clock_now() + 365 * 86400;
    assert_int_equal(issue_certificate(st, &f->kiosk, c, NULL, &r), CK_OK);
    issue_result_clear(&r);
    cert_claims_free(c);
}

static void
event(Fixture *f, Store *st)
{
    static int boot;
    json_t *fields = json_pack("{s:i}", "boot", ++boot);

    assert_int_equal(issue_event(st, &f->kiosk, "kiosk.started", fields, NULL), CK_OK);
    json_decref(fields);
}

/* A log of 6 entries: 0 event, 1 cert, 2 cert, 3 event, 4 cert, 5 event. */
static void
make_log(Fixture *f)
{
    Store *st;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    event(f, st);
    issue_one(f, st, "1001");
    issue_one(f, st, "1002");
    event(f, st);
    issue_one(f, st, "1004");
    event(f, st);
    store_close(st);
}

static CkErr
audit_path(Fixture *f, AuditReport *r)
{
    Store *st;
    CkErr err;

    if ((err = store_open(f->path, false, &st)) != CK_OK)
        return err;
    err = audit_store(st, &f->pub, KIOSK_ID, ORIGIN, r);
    store_close(st);
    return err;
}

/* Audits the log alone. */
static CkErr
audit_only(Fixture *f)
{
    AuditReport r;
    CkErr err = audit_path(f, &r);

    audit_report_clear(&r);
    return err;
}

/* Audits, and when the log itself is sound, witnesses it. */
static CkErr
audit_and_witness(Fixture *f)
{
    AuditReport r;
    AuditWitness w;
    CkErr err = audit_path(f, &r);

    if (err == CK_OK)
        err = audit_witness(f->state, KIOSK_ID, &f->pub, r.latest_note,
                            (const unsigned char(*)[MERKLE_HASH_LEN])r.leaves, r.entries, &w);
    audit_report_clear(&r);
    return err;
}

/* Runs sql on the store as an insider would: the triggers dropped first and
 * put back after, so only the audit can tell. */
static void
tamper(const Fixture *f, const char *sql)
{
    char *names[8], *sqls[8], *msg = NULL;
    sqlite3_stmt *stmt;
    sqlite3 *db;
    int n = 0;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'", -1,
                           &stmt, NULL),
        SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW && n < 8) {
        names[n] = strdup((const char *)sqlite3_column_text(stmt, 0));
        sqls[n++] = strdup((const char *)sqlite3_column_text(stmt, 1));
    }
    sqlite3_finalize(stmt);
    for (int i = 0; i < n; i++) {
        char drop[128];
        snprintf(drop, sizeof drop, "DROP TRIGGER %s", names[i]);
        assert_int_equal(sqlite3_exec(db, drop, NULL, NULL, NULL), SQLITE_OK);
    }
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("tamper: %s", msg);
    for (int i = 0; i < n; i++) {
        assert_int_equal(sqlite3_exec(db, sqls[i], NULL, NULL, NULL), SQLITE_OK);
        free(names[i]);
        free(sqls[i]);
    }
    sqlite3_close(db);
}

/* Sets entry idx's body to new_body and its stored leaf to the matching hash. */
static void
rewrite_entry(const Fixture *f, uint64_t idx, const char *new_body)
{
    unsigned char leaf[MERKLE_HASH_LEN];
    size_t len = strlen(new_body);
    char *sql = malloc(2 * len + 256), *hex = malloc(2 * len + 1), leaf_hex[65];

    merkle_leaf_hash((const unsigned char *)new_body, len, leaf);
    codec_hex_encode((const unsigned char *)new_body, len, hex);
    codec_hex_encode(leaf, sizeof leaf, leaf_hex);
    sprintf(sql, "UPDATE entries SET body = X'%s', leaf = X'%s' WHERE idx = %llu", hex, leaf_hex,
            (unsigned long long)idx);
    tamper(f, sql);
    free(sql);
    free(hex);
}

static char *
get_body(Fixture *f, uint64_t idx)
{
    Store *st;
    StoreEntry *e;
    char *b;

    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    assert_int_equal(store_get(st, idx, &e), CK_OK);
    b = strdup((const char *)e->body);
    store_entry_free(e);
    store_close(st);
    return b;
}

static void
assert_tampered(Fixture *f, const char *entry, const char *words)
{
    AuditReport r;
    CkErr err = audit_path(f, &r);

    if (err != CK_ERR_TAMPERED || strstr(ck_err_detail(), entry) == NULL ||
        (words != NULL && strstr(ck_err_detail(), words) == NULL))
        fail_msg("audit: %d \"%s\", expected \"%s\" ... \"%s\"", err, ck_err_detail(), entry,
                 words ? words : "");
    /* Removed triggers are a finding about the store, not about an entry. */
    assert_true(r.faulty == (strstr(entry, "entry") != NULL));
    audit_report_clear(&r);
}

/* --- hostile cases first ------------------------------------------------- */

static void
test_a_changed_byte_in_an_entry_is_caught(void **state)
{
    Fixture *f = *state;

    make_log(f);
    tamper(f, "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), 'cert.paper', "
              "'cert.papes') AS BLOB) WHERE idx = 2");
    assert_tampered(f, "entry 2 (serial TEST-KIOSK-000002)", "body does not match its leaf hash");
}

static void
test_a_changed_event_with_a_recomputed_leaf_is_caught_by_its_checkpoint(void **state)
{
    Fixture *f = *state;
    char *body;

    make_log(f);
    body = get_body(f, 3);
    assert_non_null(strstr(body, "\"boot\":"));
    strstr(body, "\"boot\":")[7] ^= 1; /* another digit: another boot */
    rewrite_entry(f, 3, body);
    assert_tampered(f, "entry 3", "no longer matches the checkpoint");
    free(body);
}

static void
test_a_certificate_with_a_recomputed_leaf_is_caught_by_its_signature(void **state)
{
    Fixture *f = *state;
    char *body, *sig;

    make_log(f);
    body = get_body(f, 4);
    /* A character inside the JWS signature (before the disclosures' first '~'). */
    sig = strstr(body, "\"jws\":\"");
    assert_non_null(sig);
    sig = strchr(sig + 7, '~') - 20;
    *sig = *sig == 'A' ? 'B' : 'A';
    rewrite_entry(f, 4, body);
    assert_tampered(f, "entry 4 (serial TEST-KIOSK-000004)", "signature does not verify");
    free(body);
}

static void
test_a_deleted_entry_is_caught(void **state)
{
    Fixture *f = *state;

    make_log(f);
    tamper(f, "DELETE FROM entries WHERE idx = 2");
    assert_tampered(f, "entry 2", "missing");
}

static void
test_the_last_entry_deleted_is_caught(void **state)
{
    Fixture *f = *state;

    make_log(f);
    tamper(f, "DELETE FROM entries WHERE idx = 5");
    assert_tampered(f, "entry 5", "missing");
}

static void
test_two_reordered_certificates_are_caught(void **state)
{
    Fixture *f = *state;

    make_log(f);
    tamper(f,
           "UPDATE entries SET idx = -1 WHERE idx = 1; UPDATE entries SET idx = 1 WHERE idx = 2; "
           "UPDATE entries SET idx = 2 WHERE idx = -1");
    assert_tampered(f, "entry 1 (serial TEST-KIOSK-000002)", "log index 2");
}

static void
test_two_reordered_events_are_caught(void **state)
{
    Fixture *f = *state;

    make_log(f);
    /* Bodies and stored leaves move together: only the checkpoints can tell. */
    tamper(f,
           "UPDATE entries SET idx = -1 WHERE idx = 3; UPDATE entries SET idx = 3 WHERE idx = 5; "
           "UPDATE entries SET idx = 5 WHERE idx = -1");
    assert_tampered(f, "entry 3", "no longer matches the checkpoint");
}

static void
test_a_changed_index_column_is_caught(void **state)
{
    Fixture *f = *state;

    make_log(f);
    tamper(f, "UPDATE entries SET serial = 'TEST-KIOSK-000009' WHERE idx = 4");
    assert_tampered(f, "entry 4", "indexed columns");
}

static void
test_truncated_and_continued_under_old_checkpoints_is_caught(void **state)
{
    Fixture *f = *state;
    Store *st;

    make_log(f);
    /* Entries 3.. replaced; the old checkpoints for 4..6 stay. */
    tamper(f, "DELETE FROM entries WHERE idx >= 3");
    tamper(f, "INSERT INTO entries SELECT 3, type, serial, subject_key, nation, expires, time, "
              "body, leaf FROM entries WHERE idx = 0");
    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    store_close(st);
    assert_tampered(f, "entry 3", NULL);
}

static void
test_a_checkpoint_re_signed_by_another_key_is_caught(void **state)
{
    Fixture *f = *state;
    AuditReport r;
    char *note, sql[1024];

    make_log(f);
    assert_int_equal(audit_path(f, &r), CK_OK);
    assert_int_equal(checkpoint_sign(f->other, ORIGIN, 6, r.latest.root, &note), CK_OK);
    audit_report_clear(&r);
    snprintf(sql, sizeof sql, "UPDATE checkpoints SET note = '%s' WHERE size = 6", note);
    tamper(f, sql);
    assert_tampered(f, "entry 5", "not valid under the kiosk key");
    free(note);
}

static void
test_entries_appended_without_a_checkpoint_are_caught(void **state)
{
    Fixture *f = *state;

    make_log(f);
    tamper(f, "INSERT INTO entries SELECT 6, type, serial, subject_key, nation, expires, time, "
              "body, leaf FROM entries WHERE idx = 5");
    assert_tampered(f, "entry 6", "not covered by any checkpoint");
}

static void
test_removed_triggers_are_caught(void **state)
{
    Fixture *f = *state;
    sqlite3 *db;

    make_log(f);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER checkpoints_no_delete", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_tampered(f, "checkpoints_no_delete", NULL);
}

static void
test_truncate_and_continue_after_an_audit_is_caught_by_the_witness(void **state)
{
    Fixture *f = *state;
    Store *st;

    make_log(f);
    assert_int_equal(audit_and_witness(f), CK_OK);
    /* An insider with the kiosk key cuts the log at 3 and goes on, signing anew. */
    tamper(f, "DELETE FROM entries WHERE idx >= 3; DELETE FROM checkpoints WHERE size > 3");
    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    clock_set(T0 + 60);
    for (int i = 0; i < 5; i++)
        event(f, st);
    store_close(st);
    assert_int_equal(audit_only(f), CK_OK); /* the log alone looks sound */
    assert_int_equal(audit_and_witness(f), CK_ERR_TAMPERED);
    assert_non_null(strstr(ck_err_detail(), "not consistent with the checkpoint of 6 entries"));
}

static void
test_a_store_replaced_by_an_older_copy_is_a_rollback(void **state)
{
    Fixture *f = *state;
    char *copy = fileio_join(f->dir, "old.db"), cmd[256];
    Store *st;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    event(f, st);
    issue_one(f, st, "1001");
    store_close(st);
    snprintf(cmd, sizeof cmd, "cp %s %s", f->path, copy);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    issue_one(f, st, "1002");
    store_close(st);
    assert_int_equal(audit_and_witness(f), CK_OK);
    snprintf(cmd, sizeof cmd, "cp %s %s", copy, f->path);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(audit_and_witness(f), CK_ERR_ROLLBACK);
    assert_non_null(strstr(ck_err_detail(), "older copy"));
    free(copy);
}

static void
test_a_rewritten_log_of_the_same_size_is_caught_by_the_witness(void **state)
{
    Fixture *f = *state;
    Store *st;

    make_log(f);
    assert_int_equal(audit_and_witness(f), CK_OK);
    tamper(f, "DELETE FROM entries WHERE idx >= 5; DELETE FROM checkpoints WHERE size > 5");
    clock_set(T0 + 3600);
    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    event(f, st);
    store_close(st);
    assert_int_equal(audit_and_witness(f), CK_ERR_TAMPERED);
}

static void
test_a_witness_refuses_a_log_signed_by_another_key(void **state)
{
    Fixture *f = *state;
    AuditReport r;
    AuditWitness w;
    PublicKey other;

    make_log(f);
    assert_int_equal(audit_and_witness(f), CK_OK);
    assert_int_equal(audit_path(f, &r), CK_OK);
    key_public(f->other, &other);
    assert_int_equal(audit_witness(f->state, KIOSK_ID, &other, r.latest_note,
                                   (const unsigned char(*)[MERKLE_HASH_LEN])r.leaves, r.entries,
                                   &w),
                     CK_ERR_SIGNATURE);
    audit_report_clear(&r);
}

static void
test_foreign_and_garbage_files_are_refused(void **state)
{
    Fixture *f = *state;
    unsigned char junk[4096];
    AuditReport r;
    sqlite3 *db;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(audit_path(f, &r), CK_ERR_DB);
    assert_non_null(strstr(ck_err_detail(), "not a certkiosk store"));
    unlink(f->path);
    randombytes_buf(junk, sizeof junk);
    assert_int_equal(fileio_write_atomic(f->path, junk, sizeof junk, 0600, false), CK_OK);
    assert_int_equal(audit_path(f, &r), CK_ERR_DB);
    assert_non_null(strstr(ck_err_detail(), "not a certkiosk store"));
}

/* --- correct behaviour --------------------------------------------------- */

static void
test_a_sound_log_passes_and_the_witness_follows_it(void **state)
{
    Fixture *f = *state;
    AuditReport r;
    Store *st;

    make_log(f);
    assert_int_equal(audit_path(f, &r), CK_OK);
    assert_int_equal(r.entries, 6);
    assert_int_equal(r.certificates, 3);
    assert_int_equal(r.checkpoints, 6);
    assert_true(r.has_latest);
    assert_int_equal(r.latest.size, 6);
    assert_false(r.faulty);
    audit_report_clear(&r);
    assert_int_equal(audit_and_witness(f), CK_OK);
    assert_int_equal(audit_and_witness(f), CK_OK);
    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    issue_one(f, st, "1006");
    store_close(st);
    assert_int_equal(audit_and_witness(f), CK_OK);
}

static void
test_an_empty_store_passes(void **state)
{
    Fixture *f = *state;
    AuditReport r;
    Store *st;

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    store_close(st);
    assert_int_equal(audit_path(f, &r), CK_OK);
    assert_int_equal(r.entries, 0);
    assert_false(r.has_latest);
    audit_report_clear(&r);
    assert_int_equal(audit_and_witness(f), CK_OK);
}

/* ---- A kiosk appending while it is audited ---- */

/* Armed by the test: the next connection opened gets a trace hook that, when
 * it starts reading the checkpoints, lets the kiosk commit one more entry
 * (and its checkpoint) through another connection. */
static Fixture *live_fixture;
static bool live_armed, live_appended;

static int
live_trace(unsigned type, void *ctx, void *p, void *x)
{
    const char *sql = sqlite3_sql(p);
    Store *st;

    (void)type;
    (void)ctx;
    (void)x;
    if (live_appended || sql == NULL || strstr(sql, "FROM checkpoints ORDER BY size") == NULL)
        return 0;
    live_appended = true;
    assert_int_equal(store_open(live_fixture->path, false, &st), CK_OK);
    issue_one(live_fixture, st, "2001");
    store_close(st);
    return 0;
}

static int
live_hook(sqlite3 *db, const char **err, const void *api)
{
    (void)err;
    (void)api;
    if (live_armed) {
        live_armed = false;
        sqlite3_trace_v2(db, SQLITE_TRACE_STMT, live_trace, NULL);
    }
    return SQLITE_OK;
}

/* The audit reads entries and checkpoints from one snapshot: a commit between
 * the two is not "a checkpoint signed for entries the log does not hold". */
static void
test_an_append_during_the_audit_is_not_a_fault(void **state)
{
    Fixture *f = *state;
    AuditReport r;
    Store *st;
    CkErr err;

    make_log(f);
    live_fixture = f;
    live_appended = false;
    sqlite3_auto_extension((void (*)(void))live_hook);
    live_armed = true;
    assert_int_equal(store_open(f->path, false, &st), CK_OK);
    err = audit_store(st, &f->pub, KIOSK_ID, ORIGIN, &r);
    store_close(st);
    sqlite3_cancel_auto_extension((void (*)(void))live_hook);
    assert_true(live_appended);
    if (err != CK_OK)
        fail_msg("%s", ck_err_detail());
    assert_int_equal(r.entries, 6);
    assert_int_equal(r.latest.size, 6);
    audit_report_clear(&r);
    /* The next audit sees the new entry. */
    assert_int_equal(audit_path(f, &r), CK_OK);
    assert_int_equal(r.entries, 7);
    audit_report_clear(&r);
}

/* ---- Many entries, checked on several threads ---- */

/* Two certificates altered far apart in a log of many batches: the message
 * names the lower one, every time, whichever thread finished first. */
static void
test_the_lowest_of_two_faults_is_named_every_time(void **state)
{
    Fixture *f = *state;
    AuditReport r;
    Store *st;
    char num[16];

    assert_int_equal(store_open(f->path, true, &st), CK_OK);
    for (int i = 0; i < 700; i++) {
        snprintf(num, sizeof num, "%d", 5000 + i);
        issue_one(f, st, num);
    }
    store_close(st);
    /* A changed byte in entry 650 and in entry 130 (bodies only: leaves stay). */
    tamper(f,
           "UPDATE entries SET body = replace(body, 'T10:00:00Z', 'T11:00:00Z') WHERE idx = 650");
    tamper(f,
           "UPDATE entries SET body = replace(body, 'T10:00:00Z', 'T11:00:00Z') WHERE idx = 130");
    for (int round = 0; round < 3; round++) {
        assert_int_equal(audit_path(f, &r), CK_ERR_TAMPERED);
        assert_true(r.faulty);
        assert_int_equal(r.fault_index, 130);
        assert_non_null(strstr(ck_err_detail(), "entry 130 "));
        assert_int_equal(r.entries, 700);
        audit_report_clear(&r);
    }
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_a_changed_byte_in_an_entry_is_caught),
        T(test_a_changed_event_with_a_recomputed_leaf_is_caught_by_its_checkpoint),
        T(test_a_certificate_with_a_recomputed_leaf_is_caught_by_its_signature),
        T(test_a_deleted_entry_is_caught),
        T(test_the_last_entry_deleted_is_caught),
        T(test_two_reordered_certificates_are_caught),
        T(test_two_reordered_events_are_caught),
        T(test_a_changed_index_column_is_caught),
        T(test_truncated_and_continued_under_old_checkpoints_is_caught),
        T(test_a_checkpoint_re_signed_by_another_key_is_caught),
        T(test_entries_appended_without_a_checkpoint_are_caught),
        T(test_removed_triggers_are_caught),
        T(test_truncate_and_continue_after_an_audit_is_caught_by_the_witness),
        T(test_a_store_replaced_by_an_older_copy_is_a_rollback),
        T(test_a_rewritten_log_of_the_same_size_is_caught_by_the_witness),
        T(test_a_witness_refuses_a_log_signed_by_another_key),
        T(test_foreign_and_garbage_files_are_refused),
        T(test_a_sound_log_passes_and_the_witness_follows_it),
        T(test_an_empty_store_passes),
        T(test_an_append_during_the_audit_is_not_a_fault),
        T(test_the_lowest_of_two_faults_is_named_every_time),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
