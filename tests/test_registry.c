/* Tests of registry: kiosk exports refused when unknown, expired, tampered or inconsistent; merged
 * otherwise. Run twice by ctest: on SQLite, and with CK_PG_DIR set (the pg fixture's server,
 * tests/pg/pg_server.sh) on PostgreSQL, each test in a database of its own. */
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

#include "cert.h"
#include "clock.h"
#include "fileio.h"
#include "registry.h"
#include "status.h"
#include "store.h"
#include "trust.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define DAY 86400

/* A kiosk made for the test: its key, endorsement, and log. */
typedef struct Kiosk {
    char id[32];
    char origin[64];
    SecretKey *sk;
    PublicKey pub;
    json_t *jwk; /* with "kiosk_id" and "endorsement" */
    Store *store;
    char path[64];
} Kiosk;

typedef struct Fixture {
    SecretKey *authority;
    Trust *trust;
    char tmp[32];    /* a folder of the test's */
    char where[300]; /* the registry: a folder, or a postgresql:// URL */
    char db[64];     /* PostgreSQL: the test's database */
    Registry *reg;
} Fixture;

/* The pg fixture's socket folder, when this run is the PostgreSQL one. */
static const char *pg_dir;

/* Runs sql on the PostgreSQL server as its superuser, in database db. */
static int
pg_sql(const char *db, const char *sql)
{
    char cmd[512];
    FILE *p;

    snprintf(cmd, sizeof cmd,
             "/usr/lib/postgresql/15/bin/psql -X -q -v ON_ERROR_STOP=1 -h '%s' -U ckpg -d '%s' "
             ">/dev/null",
             pg_dir, db);
    if ((p = popen(cmd, "w")) == NULL)
        return -1;
    fprintf(p, "%s;\n", sql);
    return pclose(p);
}

/* A fresh location: a new folder, or a new PostgreSQL database. */
static void
new_location(Fixture *f)
{
    static int n;

    strcpy(f->tmp, "/tmp/ck-registry-XXXXXX");
    assert_non_null(mkdtemp(f->tmp));
    if (pg_dir == NULL) {
        snprintf(f->where, sizeof f->where, "%s", f->tmp);
        return;
    }
    snprintf(f->db, sizeof f->db, "ckreg_%d_%d", (int)getpid(), n++);
    {
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->db);
        assert_int_equal(pg_sql("postgres", sql), 0);
    }
    snprintf(f->where, sizeof f->where, "postgresql://ckpg@/%s?host=%s", f->db, pg_dir);
}

static void
drop_location(Fixture *f)
{
    char cmd[96];

    snprintf(cmd, sizeof cmd, "rm -rf %s", f->tmp);
    assert_int_equal(system(cmd), 0);
    if (pg_dir != NULL && f->db[0] != '\0') {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", f->db);
        assert_int_equal(pg_sql("postgres", sql), 0);
    }
}

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    PublicKey pub;

    if (f == NULL || key_generate(KEY_KIND_AUTHORITY, &f->authority) != CK_OK)
        return -1;
    key_public(f->authority, &pub);
    if (trust_new(&f->trust) != CK_OK || trust_add_authority(f->trust, &pub, "HQ") != CK_OK)
        return -1;
    new_location(f);
    if (registry_open(f->where, true, &f->reg) != CK_OK) {
        print_error("registry_open: %s\n", ck_err_detail());
        return -1;
    }
    clock_set(T0 + 30 * DAY);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    registry_close(f->reg);
    drop_location(f);
    key_destroy(f->authority);
    trust_free(f->trust);
    free(f);
    clock_set(0);
    return 0;
}

/* A kiosk endorsed by authority for [nbf, exp). */
static Kiosk *
kiosk_new(const char *id, const SecretKey *authority, int64_t nbf, int64_t exp)
{
    Kiosk *k = calloc(1, sizeof *k);
    char *endorsement;
    int fd;

    assert_non_null(k);
    snprintf(k->id, sizeof k->id, "%s", id);
    snprintf(k->origin, sizeof k->origin, "certkiosk.example/%s", id);
    assert_int_equal(key_generate(KEY_KIND_KIOSK, &k->sk), CK_OK);
    key_public(k->sk, &k->pub);
    assert_int_equal(
        trust_endorse(authority, &k->pub, KEY_KIND_KIOSK, id, nbf, exp, nbf, &endorsement), CK_OK);
    k->jwk = trust_jwk_from_public(&k->pub, KEY_KIND_KIOSK);
    json_object_set_new(k->jwk, "kiosk_id", json_string(id));
    json_object_set_new(k->jwk, "endorsement", json_string(endorsement));
    free(endorsement);
    strcpy(k->path, "/tmp/ck-kiosk-XXXXXX");
    fd = mkstemp(k->path);
    assert_true(fd >= 0);
    close(fd);
    unlink(k->path);
    assert_int_equal(store_open(k->path, true, &k->store), CK_OK);
    return k;
}

static void
kiosk_free(Kiosk *k)
{
    char p[96];

    store_close(k->store);
    unlink(k->path);
    snprintf(p, sizeof p, "%s-wal", k->path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", k->path);
    unlink(p);
    key_destroy(k->sk);
    json_decref(k->jwk);
    free(k);
}

/* Appends a log entry without a certificate. */
static void
kiosk_event(Kiosk *k, const char *type, int64_t t)
{
    char ts[CLOCK_RFC3339_LEN + 1];
    json_t *body;
    uint64_t next;

    clock_format(t, ts);
    body = json_pack("{s:s,s:s}", "type", type, "time", ts);
    assert_int_equal(store_begin(k->store, &next), CK_OK);
    assert_int_equal(store_append(k->store, body, NULL), CK_OK);
    assert_int_equal(store_commit(k->store, k->sk, k->origin), CK_OK);
    json_decref(body);
}

/* Issues a certificate to nation/sn valid for days from t; returns its serial (static). */
static const char *
kiosk_issue(Kiosk *k, const char *nation, const char *sn, int64_t t, int days)
{
    static char serial[CERT_SERIAL_MAX + 1];
    CertClaims *c = cert_claims_new();
    char ts[CLOCK_RFC3339_LEN + 1];
    char *jws;
    json_t *body;
    uint64_t next;

    assert_non_null(c);
    assert_int_equal(store_begin(k->store, &next), CK_OK);
    cert_serial(k->id, (int64_t)next, serial);
    assert_int_equal(CERT_SET(c, name, "Test Person"), CK_OK);
    assert_int_equal(CERT_SET(c, nation, nation), CK_OK);
    assert_int_equal(CERT_SET(c, service_number, sn), CK_OK);
    assert_int_equal(CERT_SET(c, category, "military"), CK_OK);
    c->valid_from = t;
    c->valid_until = t + (int64_t)days * DAY;
    c->method = CERT_METHOD_KIOSK;
    c->n_bundles = 1;
    strcpy(c->bundles[0].id, "no.forsvaret.cthb");
    strcpy(c->bundles[0].version, "2026.1.0");
    memset(c->bundles[0].manifest_sha256, 'a', CERT_SHA256_HEX);
    c->log_index = (int64_t)next;
    assert_int_equal(cert_sign(c, k->sk, k->id, "Test operator", serial, &jws), CK_OK);
    clock_format(t, ts);
    body = json_pack("{s:s,s:s,s:s,s:s}", "type", "cert.issued", "time", ts, "serial", serial,
                     "jws", jws);
    assert_int_equal(store_append(k->store, body, NULL), CK_OK);
    assert_int_equal(store_commit(k->store, k->sk, k->origin), CK_OK);
    json_decref(body);
    free(jws);
    cert_claims_free(c);
    return serial;
}

static CkErr
add_entry(const StoreEntry *e, void *ctx)
{
    json_t *doc = json_loadb((const char *)e->body, e->body_len, 0, NULL);
    json_t *jws = json_object_get(doc, "jws");

    json_array_append_new(json_object_get(ctx, "log"),
                          json_stringn((const char *)e->body, e->body_len));
    if (json_is_string(jws))
        json_array_append(json_object_get(ctx, "certificates"), jws);
    json_decref(doc);
    return CK_OK;
}

/* The kiosk's export as `certctl export` writes it. */
static json_t *
kiosk_export(Kiosk *k)
{
    json_t *ex =
        json_pack("{s:s,s:s,s:s,s:O,s:[],s:[]}", "format", "certkiosk-export/1", "kiosk_id", k->id,
                  "origin", k->origin, "kiosk_jwk", k->jwk, "log", "certificates");
    char *note;
    uint64_t size;

    assert_int_equal(store_latest_checkpoint(k->store, &note, &size), CK_OK);
    json_object_set_new(ex, "checkpoint", json_string(note));
    free(note);
    assert_int_equal(store_foreach(k->store, 0, NULL, add_entry, ex), CK_OK);
    return ex;
}

static void
assert_counts(Registry *reg, size_t kiosks, size_t certs)
{
    RegistryCounts c;

    assert_int_equal(registry_counts(reg, &c), CK_OK);
    assert_int_equal(c.kiosks, kiosks);
    assert_int_equal(c.certificates, certs);
}

/* Imports ex as `certctl export` writes it now (format 2, JSON Lines: the
 * header, then one entry per line), through the file. */
static CkErr
import(Fixture *f, json_t *ex, RegistryImportStats *st)
{
    RegistryImportStats dummy;
    json_t *header = json_deep_copy(ex);
    const json_t *log = json_object_get(ex, "log");
    char path[sizeof f->tmp + 16];
    char *text;
    FILE *out;
    CkErr err;

    snprintf(path, sizeof path, "%s/export.json", f->tmp);
    json_object_del(header, "log");
    json_object_del(header, "certificates");
    json_object_set_new(header, "format", json_string("certkiosk-export/2"));
    assert_non_null(text = json_dumps(header, JSON_COMPACT));
    assert_non_null(out = fopen(path, "w"));
    fprintf(out, "%s\n", text);
    for (size_t i = 0; i < json_array_size(log); i++)
        fprintf(out, "%s\n", json_string_value(json_array_get(log, i)));
    assert_int_equal(fclose(out), 0);
    err = registry_import_file(f->reg, path, f->trust, clock_now(), NULL, NULL, st ? st : &dummy);
    unlink(path);
    free(text);
    json_decref(header);
    return err;
}

/* Imports ex as a format-1 export (one JSON document), which is still read. */
static CkErr
import_format_1(Fixture *f, json_t *ex, RegistryImportStats *st)
{
    RegistryImportStats dummy;

    return registry_import(f->reg, ex, "export.json", f->trust, clock_now(), NULL, NULL,
                           st ? st : &dummy);
}

static void
test_export_from_an_unknown_kiosk_is_refused(void **state)
{
    Fixture *f = *state;
    SecretKey *stranger;
    Kiosk *k;
    json_t *ex;

    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &stranger), CK_OK);
    k = kiosk_new("ROGUE-01", stranger, T0, T0 + 365 * DAY);
    kiosk_issue(k, "NOR", "1001", T0 + DAY, 365);
    ex = kiosk_export(k);
    assert_int_equal(import(f, ex, NULL), CK_ERR_UNTRUSTED);
    assert_non_null(strstr(ck_err_detail(), "unknown kiosk ROGUE-01"));
    assert_counts(f->reg, 0, 0);
    json_decref(ex);
    kiosk_free(k);
    key_destroy(stranger);
}

static void
test_export_of_a_kiosk_whose_endorsement_expired_is_refused(void **state)
{
    Fixture *f = *state;
    Kiosk *k = kiosk_new("OLD-01", f->authority, T0, T0 + 10 * DAY);
    json_t *ex;

    kiosk_issue(k, "NOR", "1001", T0 + DAY, 365);
    ex = kiosk_export(k);
    assert_int_equal(import(f, ex, NULL), CK_ERR_EXPIRED);
    assert_non_null(strstr(ck_err_detail(), "OLD-01"));
    assert_counts(f->reg, 0, 0);
    json_decref(ex);
    kiosk_free(k);
}

static void
test_tampered_export_is_refused_and_the_registry_unchanged(void **state)
{
    Fixture *f = *state;
    Kiosk *k = kiosk_new("KIOSK-A", f->authority, T0, T0 + 365 * DAY);
    json_t *ex, *bad;
    char *text, *at;

    kiosk_event(k, "kiosk.started", T0);
    kiosk_issue(k, "NOR", "1001", T0 + DAY, 365);
    kiosk_issue(k, "NOR", "1002", T0 + DAY, 365);
    ex = kiosk_export(k);

    /* An entry altered after the kiosk signed its checkpoint. */
    bad = json_deep_copy(ex);
    text = strdup(json_string_value(json_array_get(json_object_get(bad, "log"), 0)));
    at = strstr(text, "kiosk.started");
    at[0] = 'K';
    json_array_set_new(json_object_get(bad, "log"), 0, json_string(text));
    assert_int_equal(import(f, bad, NULL), CK_ERR_TAMPERED);
    assert_non_null(strstr(ck_err_detail(), "do not match its signed checkpoint"));
    json_decref(bad);
    free(text);

    /* An entry dropped. */
    bad = json_deep_copy(ex);
    json_array_remove(json_object_get(bad, "log"), 1);
    assert_int_equal(import(f, bad, NULL), CK_ERR_TAMPERED);
    json_decref(bad);

    /* Format 1 listed the certificates again: one listed that is not in the log. */
    bad = json_deep_copy(ex);
    json_array_append_new(json_object_get(bad, "certificates"), json_string("a.b.c"));
    assert_int_equal(import_format_1(f, bad, NULL), CK_ERR_TAMPERED);
    assert_non_null(strstr(ck_err_detail(), "certificates[2] is not in the kiosk's signed log"));
    json_decref(bad);

    /* A checkpoint signed by someone else. */
    bad = json_deep_copy(ex);
    json_object_set_new(bad, "checkpoint",
                        json_string("certkiosk.example/KIOSK-A\n3\n"
                                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
                                    "\n\n— certkiosk.example/KIOSK-A AAAAAAAAAA\n"));
    assert_int_not_equal(import(f, bad, NULL), CK_OK);
    json_decref(bad);

    assert_counts(f->reg, 0, 0);
    assert_int_equal(import(f, ex, NULL), CK_OK);
    assert_counts(f->reg, 1, 2);
    /* The same log as a format-1 export: the same two certificates, known. */
    {
        RegistryImportStats st;
        assert_int_equal(import_format_1(f, ex, &st), CK_OK);
        assert_int_equal(st.certificates, 2);
        assert_int_equal(st.known, 2);
        assert_counts(f->reg, 1, 2);
    }
    json_decref(ex);
    kiosk_free(k);
}

/* Runs sql on the fixture's registry through a connection of its own. */
static void
registry_sql(Fixture *f, const char *sql)
{
    if (pg_dir == NULL) {
        char path[128];
        sqlite3 *db;
        snprintf(path, sizeof path, "%s/%s", f->tmp, REGISTRY_DB_NAME);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
    } else {
        assert_int_equal(pg_sql(f->db, sql), 0);
    }
}

static void
test_a_serial_held_with_another_certificate_is_refused(void **state)
{
    Fixture *f = *state;
    Kiosk *k = kiosk_new("KIOSK-A", f->authority, T0, T0 + 365 * DAY);
    json_t *ex;
    char serial[CERT_SERIAL_MAX + 1];

    snprintf(serial, sizeof serial, "%s", kiosk_issue(k, "NOR", "1001", T0 + DAY, 365));
    ex = kiosk_export(k);
    assert_int_equal(import(f, ex, NULL), CK_OK);
    json_decref(ex);
    kiosk_free(k);
    /* The witness lost (a restore gone wrong), and a kiosk set up again under
     * the same ID with a new key: its first certificate has the same serial. */
    registry_sql(f, "DELETE FROM kiosks");
    k = kiosk_new("KIOSK-A", f->authority, T0, T0 + 365 * DAY);
    assert_string_equal(kiosk_issue(k, "USA", "2002", T0 + 2 * DAY, 365), serial);
    ex = kiosk_export(k);
    assert_int_equal(import(f, ex, NULL), CK_ERR_TAMPERED);
    assert_non_null(strstr(ck_err_detail(), "is already in the registry with a different"));
    assert_non_null(strstr(ck_err_detail(), serial));
    assert_counts(f->reg, 0, 1);
    {
        RegistryCert rc;
        assert_int_equal(registry_find_person(f->reg, "NOR", "1001", &rc), CK_OK);
        assert_string_equal(rc.serial, serial);
        assert_int_equal(registry_find_person(f->reg, "USA", "2002", &rc), CK_ERR_NOT_FOUND);
    }
    json_decref(ex);
    kiosk_free(k);
}

static void
test_two_kiosks_merge_and_the_same_export_twice_changes_nothing(void **state)
{
    Fixture *f = *state;
    Kiosk *a = kiosk_new("KIOSK-A", f->authority, T0, T0 + 365 * DAY);
    Kiosk *b = kiosk_new("KIOSK-B", f->authority, T0, T0 + 365 * DAY);
    RegistryImportStats st;
    RegistryCert rc;
    json_t *ea, *eb, *ea2;

    kiosk_issue(a, "NOR", "1001", T0 + DAY, 365);
    kiosk_issue(a, "NOR", "1002", T0 + DAY, 365);
    kiosk_issue(b, "USA", "2001", T0 + 2 * DAY, 365);
    ea = kiosk_export(a);
    eb = kiosk_export(b);

    assert_int_equal(import(f, ea, &st), CK_OK);
    assert_true(st.new_kiosk);
    assert_int_equal(st.added, 2);
    assert_int_equal(import(f, eb, &st), CK_OK);
    assert_int_equal(st.added, 1);
    assert_counts(f->reg, 2, 3);

    assert_int_equal(import(f, ea, &st), CK_OK);
    assert_false(st.new_kiosk);
    assert_int_equal(st.added, 0);
    assert_int_equal(st.known, 2);
    assert_int_equal(st.old_size, st.new_size);
    assert_counts(f->reg, 2, 3);

    /* The kiosk goes on issuing; its next export extends what was witnessed.
     * The same person certifies again: the newer certificate supersedes. */
    kiosk_issue(a, "NOR", "1001", T0 + 20 * DAY, 365);
    ea2 = kiosk_export(a);
    assert_int_equal(import(f, ea2, &st), CK_OK);
    assert_int_equal(st.old_size, 2);
    assert_int_equal(st.new_size, 3);
    assert_int_equal(st.added, 1);
    assert_counts(f->reg, 2, 4);
    assert_int_equal(registry_find_person(f->reg, "NOR", "1001", &rc), CK_OK);
    assert_string_equal(rc.serial, "KIOSK-A-000002");
    assert_int_equal(rc.valid_from, T0 + 20 * DAY);
    assert_int_equal(rc.superseded, 1);
    assert_int_equal(rc.n_bundles, 1);
    assert_string_equal(rc.bundles[0].version, "2026.1.0");
    assert_int_equal(registry_find_person(f->reg, "NOR", "9999", &rc), CK_ERR_NOT_FOUND);
    /* The witnessed checkpoint, as another tool (verify --registry) reads it. */
    {
        RegistryKiosk rk;
        assert_int_equal(registry_get_kiosk(f->reg, "KIOSK-A", &rk), CK_OK);
        assert_int_equal(rk.size, 3);
        assert_string_equal(rk.kid, a->pub.kid);
        assert_non_null(strstr(rk.checkpoint, "certkiosk.example/KIOSK-A\n3\n"));
        free(rk.checkpoint);
        assert_int_equal(registry_get_kiosk(f->reg, "KIOSK-Z", &rk), CK_ERR_NOT_FOUND);
    }
    assert_int_equal(registry_find_person(f->reg, "USA", "1001", &rc), CK_ERR_NOT_FOUND);

    /* The older export, once a newer one was witnessed, is refused. */
    assert_int_equal(import(f, ea, &st), CK_ERR_ROLLBACK);
    assert_counts(f->reg, 2, 4);
    json_decref(ea);
    json_decref(ea2);
    json_decref(eb);
    kiosk_free(a);
    kiosk_free(b);
}

static void
test_log_inconsistent_with_the_witnessed_checkpoint_is_refused(void **state)
{
    Fixture *f = *state;
    Kiosk *k = kiosk_new("KIOSK-A", f->authority, T0, T0 + 365 * DAY);
    Kiosk *fork;
    json_t *ex;

    kiosk_issue(k, "NOR", "1001", T0 + DAY, 365);
    kiosk_issue(k, "NOR", "1002", T0 + DAY, 365);
    ex = kiosk_export(k);
    assert_int_equal(import(f, ex, NULL), CK_OK);
    json_decref(ex);

    /* Someone rebuilds the kiosk's log with the same key: one certificate
     * dropped, another issued after it — a larger tree that does not extend
     * the one the registry witnessed. */
    fork = kiosk_new("KIOSK-A", f->authority, T0, T0 + 365 * DAY);
    key_destroy(fork->sk);
    json_decref(fork->jwk);
    fork->sk = k->sk;
    fork->pub = k->pub;
    fork->jwk = json_incref(k->jwk);
    kiosk_issue(fork, "NOR", "1001", T0 + DAY, 365);
    kiosk_issue(fork, "NOR", "1003", T0 + DAY, 365);
    kiosk_issue(fork, "NOR", "1004", T0 + DAY, 365);
    ex = kiosk_export(fork);
    assert_int_equal(import(f, ex, NULL), CK_ERR_TAMPERED);
    assert_non_null(strstr(ck_err_detail(), "rewritten"));
    assert_counts(f->reg, 1, 2);
    json_decref(ex);
    fork->sk = NULL;
    kiosk_free(fork);
    kiosk_free(k);
}

static void
test_status_lists_never_go_back(void **state)
{
    Fixture *f = *state;
    PublicKey pub;
    StatusList *l, *v1, **held;
    size_t n;
    bool changed;

    key_public(f->authority, &pub);
    assert_int_equal(status_new(pub.kid, &l), CK_OK);
    assert_int_equal(status_sign(l, f->authority, T0), CK_OK);
    assert_int_equal(status_parse(status_jws(l), strlen(status_jws(l)), &v1), CK_OK);
    assert_int_equal(status_add(l, "KIOSK-A-000001", "misconduct", NULL, T0), CK_OK);
    assert_int_equal(status_sign(l, f->authority, T0 + DAY), CK_OK);

    assert_int_equal(registry_set_status(f->reg, l, &changed), CK_OK);
    assert_true(changed);
    assert_int_equal(registry_set_status(f->reg, l, &changed), CK_OK);
    assert_false(changed);
    assert_int_equal(registry_set_status(f->reg, v1, &changed), CK_ERR_ROLLBACK);
    assert_int_equal(registry_status_lists(f->reg, &held, &n), CK_OK);
    assert_int_equal(n, 1);
    assert_int_equal(status_version(held[0]), 2);
    assert_non_null(status_lookup(held[0], "KIOSK-A-000001"));
    registry_status_free(held, n);
    status_free(v1);
    status_free(l);
}

static void
test_bundle_versions_only_grow(void **state)
{
    Fixture *f = *state;
    RegistryBundle b = {.id = "no.forsvaret.cthb",
                        .nation = "NOR",
                        .version = "2026.2.0",
                        .material_since = "2026.2.0"};
    RegistryBundle old = {.id = "no.forsvaret.cthb", .nation = "NOR", .version = "2026.1.0"};
    RegistryBundle got;
    bool changed;

    assert_int_equal(registry_get_bundle(f->reg, b.id, &got), CK_ERR_NOT_FOUND);
    assert_int_equal(registry_add_bundle(f->reg, &b, &changed), CK_OK);
    assert_true(changed);
    assert_int_equal(registry_add_bundle(f->reg, &old, &changed), CK_OK);
    assert_false(changed);
    assert_int_equal(registry_get_bundle(f->reg, b.id, &got), CK_OK);
    assert_string_equal(got.version, "2026.2.0");
    assert_string_equal(got.material_since, "2026.2.0");
}

static void
test_a_foreign_database_is_not_a_registry(void **state)
{
    Fixture f = {0};
    Registry *reg = NULL;
    Store *store;
    char path[128];

    (void)state;
    new_location(&f);
    assert_int_equal(registry_open(f.where, false, &reg), CK_ERR_NOT_FOUND);
    assert_null(reg);
    if (pg_dir == NULL) {
        /* A kiosk's store is a SQLite database too, but not a registry. */
        snprintf(path, sizeof path, "%s/%s", f.tmp, REGISTRY_DB_NAME);
        assert_int_equal(store_open(path, true, &store), CK_OK);
        store_close(store);
    } else {
        assert_int_equal(pg_sql(f.db, "CREATE TABLE payroll(id int)"), 0);
    }
    assert_int_equal(registry_open(f.where, false, &reg), CK_ERR_DB);
    assert_non_null(strstr(ck_err_detail(), "not a certkiosk registry"));
    assert_int_equal(registry_open(f.where, true, &reg), CK_ERR_DB);
    assert_null(reg);
    drop_location(&f);
}

static void
test_a_registry_server_that_is_not_there_is_a_clear_error(void **state)
{
    Registry *reg = NULL;

    (void)state;
    assert_true(registry_is_url("postgresql://u@/db"));
    assert_true(registry_is_url("postgres://u@h/db"));
    assert_false(registry_is_url("/var/lib/certkiosk/postgresql:"));
    assert_int_equal(registry_open("postgresql://ck:secret@/nodb?host=/nonexistent-ck", true, &reg),
                     CK_ERR_DB);
    assert_null(reg);
    assert_non_null(strstr(ck_err_detail(), "cannot connect"));
    /* The password never reaches a message. */
    assert_null(strstr(ck_err_detail(), "secret"));
}

/* The first registry's schema (1), as certctl of that time made it. */
static const char schema1_sqlite[] =
    "PRAGMA application_id = 1129009735; PRAGMA user_version = 1;"
    "CREATE TABLE kiosks(kiosk_id TEXT PRIMARY KEY, kid TEXT NOT NULL, origin TEXT NOT NULL,"
    " jwk TEXT NOT NULL, size INTEGER NOT NULL, root BLOB NOT NULL, checkpoint TEXT NOT NULL);"
    "CREATE TABLE certs(serial TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, jws TEXT NOT NULL,"
    " nation TEXT NOT NULL, service_number TEXT NOT NULL, valid_from INTEGER NOT NULL,"
    " valid_until INTEGER NOT NULL, bundles TEXT NOT NULL, supersedes TEXT);"
    "CREATE INDEX certs_person ON certs(nation, service_number, valid_from);"
    "CREATE TABLE status(issuer TEXT PRIMARY KEY, version INTEGER NOT NULL, jws TEXT NOT NULL);"
    "CREATE TABLE bundles(id TEXT PRIMARY KEY, nation TEXT NOT NULL, version TEXT NOT NULL,"
    " material_since TEXT NOT NULL);";
static const char schema1_pg[] =
    "CREATE TABLE certkiosk_registry(app TEXT PRIMARY KEY, schema INTEGER NOT NULL);"
    "INSERT INTO certkiosk_registry VALUES('certkiosk-registry', 1);"
    "CREATE TABLE kiosks(kiosk_id TEXT PRIMARY KEY, kid TEXT NOT NULL, origin TEXT NOT NULL,"
    " jwk TEXT NOT NULL, size BIGINT NOT NULL, root BYTEA NOT NULL, checkpoint TEXT NOT NULL);"
    "CREATE TABLE certs(serial TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, jws TEXT NOT NULL,"
    " nation TEXT NOT NULL, service_number TEXT NOT NULL, valid_from BIGINT NOT NULL,"
    " valid_until BIGINT NOT NULL, bundles TEXT NOT NULL, supersedes TEXT);"
    "CREATE INDEX certs_person ON certs(nation, service_number, valid_from);"
    "CREATE TABLE status(issuer TEXT PRIMARY KEY, version BIGINT NOT NULL, jws TEXT NOT NULL);"
    "CREATE TABLE bundles(id TEXT PRIMARY KEY, nation TEXT NOT NULL, version TEXT NOT NULL,"
    " material_since TEXT NOT NULL);";
static const char schema1_row[] =
    "INSERT INTO certs VALUES('OLD-000001', 'OLD', 'x.y.z', 'NOR', '1001', 1767225600,"
    " 1798761600, '[{\"id\":\"no.forsvaret.cthb\",\"version\":\"2025.1.0\"}]', NULL)";

static void
test_a_registry_of_schema_1_is_migrated_and_keeps_its_certificates(void **state)
{
    Fixture f = {0};
    Registry *reg = NULL;
    RegistryCert rc;
    int from = -1, to = -1;

    (void)state;
    new_location(&f);
    if (pg_dir == NULL) {
        char path[128];
        sqlite3 *db;
        snprintf(path, sizeof path, "%s/%s", f.tmp, REGISTRY_DB_NAME);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, schema1_sqlite, NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, schema1_row, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
        /* The embedded registry is nobody else's: brought up to date on opening. */
        assert_int_equal(registry_open(f.where, false, &reg), CK_OK);
        registry_close(reg);
        assert_int_equal(registry_migrate(f.where, &from, &to), CK_OK);
        assert_int_equal(from, 4);
        assert_int_equal(to, 4);
    } else {
        assert_int_equal(pg_sql(f.db, schema1_pg), 0);
        assert_int_equal(pg_sql(f.db, schema1_row), 0);
        /* A shared one is migrated only when asked, by its owner. */
        assert_int_equal(registry_open(f.where, true, &reg), CK_ERR_DB);
        assert_non_null(strstr(ck_err_detail(), "certctl registry migrate"));
        assert_int_equal(registry_migrate(f.where, &from, &to), CK_OK);
        assert_int_equal(from, 1);
        assert_int_equal(to, 4);
        /* Schema 4: the texts are stored uncompressed ('e', external). */
        assert_int_equal(pg_sql(f.db, "DO $$BEGIN IF (SELECT attstorage FROM pg_attribute WHERE "
                                      "attrelid = 'cert_texts'::regclass AND attname = 'jws') "
                                      "<> 'e' THEN RAISE 'compressed'; END IF; END$$"),
                         0);
    }
    assert_int_equal(registry_open(f.where, false, &reg), CK_OK);
    assert_counts(reg, 0, 1);
    assert_int_equal(registry_find_person(reg, "NOR", "1001", &rc), CK_OK);
    assert_string_equal(rc.serial, "OLD-000001");
    assert_string_equal(rc.bundles[0].version, "2025.1.0");
    registry_close(reg);
    drop_location(&f);
}

typedef struct Found {
    size_t calls;
    RegistryCert got[4];
    bool seen[4];
} Found;

static CkErr
found_one(void *ctx, size_t i, const RegistryCert *c)
{
    Found *fd = ctx;

    assert_true(i < 4);
    assert_false(fd->seen[i]);
    fd->seen[i] = true;
    fd->got[i] = *c;
    fd->calls++;
    return CK_OK;
}

static void
test_many_people_at_once_and_a_certificate_proven_in_the_witnessed_log(void **state)
{
    Fixture *f = *state;
    Kiosk *k = kiosk_new("KIOSK-A", f->authority, T0, T0 + 365 * DAY);
    const char *nations[] = {"NOR", "NOR", "USA", "NOR"};
    const char *ids[] = {"1001", "9999", "2001", "1002"};
    unsigned char(*leaves)[MERKLE_HASH_LEN] = NULL;
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1], *jws;
    uint64_t index, n;
    RegistryKiosk rk;
    MerkleProof proof;
    Found fd = {0};
    json_t *ex;

    kiosk_event(k, "kiosk.started", T0);
    kiosk_issue(k, "NOR", "1001", T0 + DAY, 365);
    kiosk_issue(k, "USA", "2001", T0 + DAY, 365);
    kiosk_issue(k, "NOR", "1001", T0 + 5 * DAY, 365); /* supersedes the first */
    kiosk_issue(k, "NOR", "1002", T0 + DAY, 30);
    ex = kiosk_export(k);
    assert_int_equal(import(f, ex, NULL), CK_OK);

    assert_int_equal(registry_find_people(f->reg, nations, ids, 4, found_one, &fd), CK_OK);
    assert_int_equal(fd.calls, 3);
    assert_false(fd.seen[1]);
    assert_string_equal(fd.got[0].serial, "KIOSK-A-000003");
    assert_int_equal(fd.got[0].superseded, 1);
    assert_int_equal(fd.got[0].valid_from, T0 + 5 * DAY);
    assert_string_equal(fd.got[0].bundles[0].id, "no.forsvaret.cthb");
    assert_string_equal(fd.got[2].serial, "KIOSK-A-000002");
    assert_int_equal(fd.got[2].superseded, 0);
    assert_int_equal(fd.got[3].valid_until, T0 + 31 * DAY);
    /* Twice in one session: the temporary table is emptied in between. */
    memset(&fd, 0, sizeof fd);
    assert_int_equal(registry_find_people(f->reg, nations, ids, 2, found_one, &fd), CK_OK);
    assert_int_equal(fd.calls, 1);

    /* A certificate proven against the checkpoint the registry witnessed. */
    assert_int_equal(registry_find_serial(f->reg, "KIOSK-A-000002", kiosk_id, &index, &jws), CK_OK);
    assert_string_equal(kiosk_id, "KIOSK-A");
    assert_int_equal(index, 2);
    assert_int_equal(registry_get_kiosk(f->reg, "KIOSK-A", &rk), CK_OK);
    assert_int_equal(registry_get_leaves(f->reg, "KIOSK-A", &leaves, &n), CK_OK);
    assert_int_equal(n, 5);
    assert_int_equal(rk.size, 5);
    assert_int_equal(
        merkle_inclusion_proof((const unsigned char(*)[MERKLE_HASH_LEN])leaves, n, index, &proof),
        CK_OK);
    assert_int_equal(merkle_verify_inclusion(leaves[index], index, n, &proof, rk.root), CK_OK);
    leaves[index][0] ^= 1;
    assert_int_equal(merkle_verify_inclusion(leaves[index], index, n, &proof, rk.root),
                     CK_ERR_TAMPERED);
    assert_int_equal(registry_find_serial(f->reg, "KIOSK-A-000099", kiosk_id, &index, NULL),
                     CK_ERR_NOT_FOUND);
    free(leaves);
    assert_int_equal(registry_get_leaves(f->reg, "KIOSK-Z", &leaves, &n), CK_ERR_NOT_FOUND);
    assert_null(leaves);
    free(jws);
    free(rk.checkpoint);
    json_decref(ex);
    kiosk_free(k);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_foreign_database_is_not_a_registry),
        cmocka_unit_test(test_a_registry_server_that_is_not_there_is_a_clear_error),
        cmocka_unit_test(test_a_registry_of_schema_1_is_migrated_and_keeps_its_certificates),
        cmocka_unit_test_setup_teardown(
            test_many_people_at_once_and_a_certificate_proven_in_the_witnessed_log, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_export_from_an_unknown_kiosk_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_export_of_a_kiosk_whose_endorsement_expired_is_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_export_is_refused_and_the_registry_unchanged,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_two_kiosks_merge_and_the_same_export_twice_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_log_inconsistent_with_the_witnessed_checkpoint_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_serial_held_with_another_certificate_is_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_lists_never_go_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bundle_versions_only_grow, setup, teardown),
    };

    if (sodium_init() < 0)
        return 1;
    setenv("CERTKIOSK_TEST_FAST_KDF", "1", 1);
    pg_dir = getenv("CK_PG_DIR");
    if (pg_dir != NULL && pg_dir[0] == '\0')
        pg_dir = NULL;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
