/* ck_insider: TEST ONLY — the strongest insider: someone with the kiosk's key who rewrites its log.
 * usage: ck_insider HOME INDEX NEW_NAME
 * Replaces the subject's name in the certificate at log index INDEX, signs the certificate
 * again with the kiosk key, recomputes every leaf and re-signs every checkpoint, and puts the
 * append-only triggers back: a log that is sound in itself. Only a witness that saw the log
 * before can tell (tests/cli/test_log_attacks.sh). */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "checkpoint.h"
#include "home.h"
#include "merkle.h"
#include "store.h"

#define MAX_ENTRIES 4096

static int
die(const char *what, const char *detail)
{
    fprintf(stderr, "ck_insider: %s: %s\n", what, detail);
    return 2;
}

int
main(int argc, char **argv)
{
    static unsigned char leaves[MAX_ENTRIES][MERKLE_HASH_LEN];
    KioskHome kh;
    SecretKey *sk = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    char *path, *triggers[8], *newjws = NULL, *newbody = NULL;
    size_t n_triggers = 0, n = 0;
    long target;

    if (argc != 4)
        return die("usage", "ck_insider HOME INDEX NEW_NAME");
    target = atol(argv[2]);
    if (sodium_init() < 0 || home_read(argv[1], &kh) != CK_OK ||
        home_load_key(argv[1], &sk) != CK_OK)
        return die(argv[1], ck_err_detail());
    path = home_file(argv[1], HOME_STORE);
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return die(path, sqlite3_errmsg(db));

    /* Remember the triggers, then drop them. */
    sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'trigger'", -1, &q, NULL);
    while (sqlite3_step(q) == SQLITE_ROW && n_triggers < 8)
        triggers[n_triggers++] = strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_exec(db,
                 "BEGIN; DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS "
                 "entries_no_delete; DROP TRIGGER IF EXISTS checkpoints_no_update; DROP TRIGGER IF "
                 "EXISTS checkpoints_no_delete;",
                 NULL, NULL, NULL);

    /* Rewrite the one certificate. */
    sqlite3_prepare_v2(db, "SELECT body FROM entries WHERE idx = ?", -1, &q, NULL);
    sqlite3_bind_int64(q, 1, target);
    if (sqlite3_step(q) != SQLITE_ROW)
        return die("entry", "no such index");
    {
        json_error_t je;
        json_t *body =
            json_loadb(sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0), 0, &je);
        const char *jws = json_string_value(json_object_get(body, "jws"));
        CertClaims *c = NULL;
        StoreEntry e;
        json_t *owner = NULL;
        sqlite3_stmt *u = NULL;
        if (jws == NULL || cert_decode(jws, strlen(jws), &c) != CK_OK)
            return die("entry", "not a certificate");
        snprintf(c->name, sizeof c->name, "%s", argv[3]);
        if (cert_sign(c, sk, c->kiosk_id, c->operator_name, c->serial, &newjws) != CK_OK)
            return die("cert_sign", ck_err_detail());
        json_object_set_new(body, "jws", json_string(newjws));
        newbody = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
        if (store_entry_derive((const unsigned char *)newbody, strlen(newbody), &e, &owner) !=
            CK_OK)
            return die("derive", ck_err_detail());
        sqlite3_prepare_v2(db,
                           "UPDATE entries SET body = ?, leaf = ?, subject_key = ? WHERE idx = ?",
                           -1, &u, NULL);
        sqlite3_bind_blob(u, 1, newbody, (int)strlen(newbody), SQLITE_STATIC);
        sqlite3_bind_blob(u, 2, e.leaf, MERKLE_HASH_LEN, SQLITE_STATIC);
        sqlite3_bind_text(u, 3, e.subject_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(u, 4, target);
        if (sqlite3_step(u) != SQLITE_DONE)
            return die("update", sqlite3_errmsg(db));
        sqlite3_finalize(u);
        json_decref(owner);
        json_decref(body);
        cert_claims_free(c);
    }
    sqlite3_finalize(q);

    /* Every leaf from its body, then every checkpoint signed again. */
    sqlite3_prepare_v2(db, "SELECT body FROM entries ORDER BY idx", -1, &q, NULL);
    while (sqlite3_step(q) == SQLITE_ROW && n < MAX_ENTRIES)
        merkle_leaf_hash(sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0),
                         leaves[n++]);
    sqlite3_finalize(q);
    sqlite3_prepare_v2(db, "SELECT size FROM checkpoints ORDER BY size", -1, &q, NULL);
    while (sqlite3_step(q) == SQLITE_ROW) {
        sqlite3_int64 size = sqlite3_column_int64(q, 0);
        unsigned char root[MERKLE_HASH_LEN];
        char *note = NULL;
        sqlite3_stmt *u = NULL;
        if (size < 1 || (size_t)size > n)
            return die("checkpoint", "size outside the log");
        merkle_root((const unsigned char(*)[MERKLE_HASH_LEN])leaves, (uint64_t)size, root);
        if (checkpoint_sign(sk, kh.origin, (uint64_t)size, root, &note) != CK_OK)
            return die("checkpoint_sign", ck_err_detail());
        sqlite3_prepare_v2(db, "UPDATE checkpoints SET note = ? WHERE size = ?", -1, &u, NULL);
        sqlite3_bind_text(u, 1, note, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(u, 2, size);
        if (sqlite3_step(u) != SQLITE_DONE)
            return die("update", sqlite3_errmsg(db));
        sqlite3_finalize(u);
        free(note);
    }
    sqlite3_finalize(q);

    /* The triggers back, exactly as they were. */
    for (size_t i = 0; i < n_triggers; i++) {
        if (sqlite3_exec(db, triggers[i], NULL, NULL, NULL) != SQLITE_OK)
            return die("trigger", sqlite3_errmsg(db));
        free(triggers[i]);
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return die("commit", sqlite3_errmsg(db));
    sqlite3_close(db);
    printf("rewrote entry %ld and re-signed %zu leaves' checkpoints\n", target, n);
    free(newjws);
    free(newbody);
    free(path);
    key_destroy(sk);
    return 0;
}
