/* Tests of registry: kiosk exports refused when unknown, expired, tampered or inconsistent; merged
 * otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
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
    char dir[32]; /* the registry */
    Registry *reg;
} Fixture;

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
    strcpy(f->dir, "/tmp/ck-registry-XXXXXX");
    if (mkdtemp(f->dir) == NULL || registry_open(f->dir, true, &f->reg) != CK_OK)
        return -1;
    clock_set(T0 + 30 * DAY);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    char cmd[96];

    registry_close(f->reg);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
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

static CkErr
import(Fixture *f, json_t *ex, RegistryImportStats *st)
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

    /* A certificate listed that is not in the log. */
    bad = json_deep_copy(ex);
    json_array_append_new(json_object_get(bad, "certificates"), json_string("a.b.c"));
    assert_int_equal(import(f, bad, NULL), CK_ERR_TAMPERED);
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
    char dir[] = "/tmp/ck-foreign-XXXXXX", cmd[128];
    Registry *reg = NULL;
    Kiosk *k;

    assert_non_null(mkdtemp(dir));
    assert_int_equal(registry_open(dir, false, &reg), CK_ERR_NOT_FOUND);
    /* A kiosk's store is a SQLite database too, but not a registry. */
    k = calloc(1, sizeof *k);
    snprintf(k->path, sizeof k->path, "%s/%s", dir, REGISTRY_DB_NAME);
    assert_int_equal(store_open(k->path, true, &k->store), CK_OK);
    store_close(k->store);
    assert_int_equal(registry_open(dir, false, &reg), CK_ERR_DB);
    assert_null(reg);
    free(k);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_foreign_database_is_not_a_registry),
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
        cmocka_unit_test_setup_teardown(test_status_lists_never_go_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bundle_versions_only_grow, setup, teardown),
    };

    if (sodium_init() < 0)
        return 1;
    setenv("CERTKIOSK_TEST_FAST_KDF", "1", 1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
