/* Tests of issue 11's hardening in the core: private folders, the store's file modes. Hostile
 * cases first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "content.h"
#include "fileio.h"
#include "home.h"
#include "keys.h"
#include "status.h"
#include "store.h"
#include "trust.h"
#include "utf8.h"

typedef struct Fixture {
    char dir[64];
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);

    snprintf(f->dir, sizeof f->dir, "/tmp/ck-hard-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    char cmd[256];

    snprintf(cmd, sizeof cmd, "chmod -R u+rwx %s; rm -rf %s", f->dir, f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static mode_t
mode_of(const char *dir, const char *name)
{
    char path[512];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static void
test_private_dir_refuses_a_folder_others_can_enter(void **state)
{
    Fixture *f = *state;
    char path[128];

    snprintf(path, sizeof path, "%s/open", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    for (mode_t m = 0701; m <= 0777; m++) {
        if ((m & 0700) != 0700)
            continue;
        assert_int_equal(chmod(path, m), 0);
        assert_int_equal(fileio_private_dir(path, "kiosk home", false), CK_ERR_PERMISSION);
        assert_non_null(strstr(ck_err_detail(), "chmod 700"));
        assert_non_null(strstr(ck_err_detail(), "kiosk home"));
    }
    assert_int_equal(chmod(path, 0755), 0);
    assert_int_equal(fileio_private_dir(path, "kiosk home", false), CK_ERR_PERMISSION);
    assert_non_null(strstr(ck_err_detail(), "mode 0755"));
}

static void
test_private_dir_refuses_another_users_folder(void **state)
{
    Fixture *f = *state;
    char path[128];

    if (geteuid() != 0)
        skip(); /* only root can give a folder away */
    snprintf(path, sizeof path, "%s/theirs", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(chown(path, 65534, 65534), 0);
    assert_int_equal(fileio_private_dir(path, "state folder", false), CK_ERR_PERMISSION);
    assert_non_null(strstr(ck_err_detail(), "belongs to user 65534"));
}

static void
test_private_dir_refuses_a_file_and_a_missing_folder(void **state)
{
    Fixture *f = *state;
    char path[128];

    snprintf(path, sizeof path, "%s/file", f->dir);
    assert_int_equal(fileio_write_atomic(path, "x", 1, 0600, false), CK_OK);
    assert_int_equal(fileio_private_dir(path, "registry folder", true), CK_ERR_PERMISSION);
    snprintf(path, sizeof path, "%s/missing", f->dir);
    assert_int_equal(fileio_private_dir(path, "registry folder", false), CK_ERR_NOT_FOUND);
}

static void
test_private_dir_makes_a_missing_folder_0700(void **state)
{
    Fixture *f = *state;
    char path[128];
    mode_t old = umask(0);

    snprintf(path, sizeof path, "%s/a/b", f->dir);
    assert_int_equal(fileio_private_dir(path, "state folder", true), CK_OK);
    umask(old);
    assert_int_equal(mode_of(f->dir, "a"), 0700);
    assert_int_equal(mode_of(f->dir, "a/b"), 0700);
    assert_int_equal(fileio_private_dir(path, "state folder", false), CK_OK);
}

/* The library alone, under a lax umask: the log, its -wal and -shm are 0600. */
static void
test_store_and_its_wal_and_shm_are_0600(void **state)
{
    Fixture *f = *state;
    char path[128];
    Store *st = NULL;
    json_t *body = json_pack("{s:s, s:s}", "type", "kiosk.started", "time", "2026-01-01T00:00:00Z");
    mode_t old = umask(022);
    SecretKey *sk = NULL;
    uint64_t index;

    snprintf(path, sizeof path, "%s/store.db", f->dir);
    assert_int_equal(key_generate(KEY_KIND_KIOSK, &sk), CK_OK);
    assert_int_equal(store_open(path, true, &st), CK_OK);
    assert_int_equal(store_begin(st, &index), CK_OK);
    assert_int_equal(store_append(st, body, &index), CK_OK);
    assert_int_equal(store_commit(st, sk, "certkiosk.example/HARD-01"), CK_OK);
    umask(old);
    key_destroy(sk);
    assert_int_equal(mode_of(f->dir, "store.db"), 0600);
    assert_int_equal(mode_of(f->dir, "store.db-wal"), 0600);
    assert_int_equal(mode_of(f->dir, "store.db-shm"), 0600);
    store_close(st);
    json_decref(body);
}

static void
test_home_files_are_0600_and_an_open_home_is_refused(void **state)
{
    Fixture *f = *state;
    char home[128];
    KioskHome kh;
    SecretKey *sk = NULL;
    Store *st = NULL;
    mode_t old = umask(022);

    snprintf(home, sizeof home, "%s/home", f->dir);
    assert_int_equal(home_create(home, "HARD-01", "op", 1700000000, &kh, NULL), CK_OK);
    umask(old);
    assert_int_equal(mode_of(home, "."), 0700);
    assert_int_equal(mode_of(home, HOME_JSON), 0600);
    assert_int_equal(mode_of(home, HOME_KEY), 0600);
    assert_int_equal(mode_of(home, HOME_JWK), 0600);
    assert_int_equal(chmod(home, 0711), 0);
    assert_int_equal(home_read(home, &kh), CK_ERR_PERMISSION);
    assert_int_equal(home_load_key(home, &sk), CK_ERR_PERMISSION);
    assert_null(sk);
    assert_int_equal(home_open_store(home, true, &st), CK_ERR_PERMISSION);
    assert_null(st);
    assert_int_equal(chmod(home, 0700), 0);
    assert_int_equal(home_read(home, &kh), CK_OK);
}

/* CERTKIOSK_TEST_FAST_KDF is honoured only as "1", only in a test build,
 * only under the temporary folder. */
static void
test_fast_kdf_only_for_test_keys_under_tmp(void **state)
{
    Fixture *f = *state;
    /* /var/tmp is no temporary folder to the KDF switch (only /tmp and $TMPDIR
     * are), wherever the checkout is: a clone under /tmp puts the build tree there. */
    const char *outside = "/var/tmp/authority.key";
    char path[128];
    const char *values[] = {"0", "", "yes", "true", "1 ", "01"};
    unsigned long long ops;
    size_t mem;

    snprintf(path, sizeof path, "%s/authority.key", f->dir);
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        setenv("CERTKIOSK_TEST_FAST_KDF", values[i], 1);
        assert_false(key_test_kdf(path));
        key_kdf_limits(KEY_KDF_PASSPHRASE, path, &ops, &mem);
        assert_int_equal(ops, crypto_pwhash_OPSLIMIT_MODERATE);
        assert_int_equal(mem, crypto_pwhash_MEMLIMIT_MODERATE);
        key_kdf_limits(KEY_KDF_PIN, path, &ops, &mem);
        assert_int_equal(ops, KEY_PIN_OPSLIMIT);
        assert_int_equal(mem, KEY_PIN_MEMLIMIT);
    }
    unsetenv("CERTKIOSK_TEST_FAST_KDF");
    assert_false(key_test_kdf(path));
    setenv("CERTKIOSK_TEST_FAST_KDF", "1", 1);
    assert_false(key_test_kdf(outside));
    assert_false(key_test_kdf("/tmp/../etc/authority.key"));
    assert_false(key_test_kdf(NULL));
#ifdef CK_TEST_BUILD
    assert_true(key_test_kdf(path)); /* what lets the other tests run fast */
#endif
    unsetenv("CERTKIOSK_TEST_FAST_KDF");
}

static void
test_weak_pin_hashes_are_refused(void **state)
{
    Fixture *f = *state;
    char path[128];

    snprintf(path, sizeof path, "%s/config.json", f->dir);
    unsetenv("CERTKIOSK_TEST_FAST_KDF");
    assert_false(key_pin_hash_strong("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", path));
    assert_false(key_pin_hash_strong("$argon2id$v=19$m=262144,t=5,p=1$c2FsdA$aGFzaA", path));
    assert_false(key_pin_hash_strong("$argon2i$v=19$m=262144,t=6,p=1$c2FsdA$aGFzaA", path));
    assert_false(key_pin_hash_strong("plain 4711", path));
    assert_false(key_pin_hash_strong(NULL, path));
    assert_true(key_pin_hash_strong("$argon2id$v=19$m=262144,t=6,p=1$c2FsdA$aGFzaA", path));
    assert_true(key_pin_hash_strong("$argon2id$v=19$m=524288,t=8,p=1$c2FsdA$aGFzaA", path));
}

static void
test_short_passphrases_are_refused(void **state)
{
    Fixture *f = *state;
    char path[128];
    SecretKey *sk = NULL;

    snprintf(path, sizeof path, "%s/authority.key", f->dir);
    setenv("CERTKIOSK_TEST_FAST_KDF", "1", 1);
    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &sk), CK_OK);
    assert_int_equal(key_save_encrypted(sk, path, "", 0), CK_ERR_USAGE);
    assert_int_equal(key_save_encrypted(sk, path, "eleven char", 11), CK_ERR_USAGE);
    assert_non_null(strstr(ck_err_detail(), "at least 12"));
    /* Characters, not bytes: eleven two-byte letters are still eleven. */
    assert_int_equal(key_save_encrypted(sk, path, "\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5"
                                                  "\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5", 22),
                     CK_ERR_USAGE);
    assert_non_null(strstr(ck_err_detail(), "has 11 characters"));
    assert_false(fileio_exists(path));
    assert_int_equal(key_save_encrypted(sk, path, "twelve chars", 12), CK_OK);
    key_destroy(sk);
    unsetenv("CERTKIOSK_TEST_FAST_KDF");
}

/* Reads the first byte at p in a child process: true if the read faulted
 * (killed by SIGSEGV, or under AddressSanitizer, which reports the fault and
 * exits), false if it read the byte. */
static bool
read_faults_in_child(const void *p)
{
    int status;
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        volatile const unsigned char *v = p;
        signal(SIGSEGV, SIG_DFL); /* cmocka's handler would catch it */
        _exit(v[0] == 0x5a ? 3 : 4);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        return WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS;
    return WEXITSTATUS(status) != 3 && WEXITSTATUS(status) != 4;
}

/* The kiosk key's memory cannot be read except during a signature. */
static void
test_kiosk_key_is_noaccess_outside_a_signature(void **state)
{
    SecretKey *sk = NULL;
    PublicKey pub;
    unsigned char sig[crypto_sign_BYTES];
    unsigned char plain[64] = {0};

    assert_false(read_faults_in_child(plain)); /* the probe itself works */
    assert_int_equal(key_generate(KEY_KIND_KIOSK, &sk), CK_OK);
    assert_true(read_faults_in_child(key_guarded_bytes(sk)));
    key_sign(sk, (const unsigned char *)"m", 1, sig);
    key_public(sk, &pub);
    assert_int_equal(key_verify(&pub, (const unsigned char *)"m", 1, sig), CK_OK);
    assert_true(read_faults_in_child(key_guarded_bytes(sk)));
    key_destroy(sk);
}

/* A kiosk endorsement bounds validity and nations; a renewal without bounds
 * is looser, and any covering endorsement that allows a certificate will do. */
static void
test_endorsement_bounds_what_a_kiosk_may_sign(void **state)
{
    SecretKey *auth = NULL, *kiosk = NULL;
    PublicKey apub, kpub;
    TrustKioskLimits lim = {0};
    Endorsement en;
    Trust *t = NULL;
    char *jws = NULL;
    const int64_t T = 1767225600, DAY = 86400; /* 2026-01-01 */

    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &auth), CK_OK);
    assert_int_equal(key_generate(KEY_KIND_KIOSK, &kiosk), CK_OK);
    key_public(auth, &apub);
    key_public(kiosk, &kpub);
    lim.max_validity_days = 365;
    assert_int_equal(trust_limits_parse_nations("USA,NOR", &lim), CK_OK);
    assert_string_equal(lim.nations[0], "NOR");
    assert_int_equal(trust_limits_parse_nations("NOR,NOR", &lim), CK_ERR_USAGE);
    assert_int_equal(trust_limits_parse_nations("NOR,xx", &lim), CK_ERR_USAGE);
    assert_int_equal(trust_limits_parse_nations("NOR,USA", &lim), CK_OK);
    assert_int_equal(trust_endorse_kiosk(auth, &kpub, "K-1", &lim, T, T + 365 * DAY, T, &jws),
                     CK_OK);
    assert_int_equal(trust_endorsement_verify(jws, &apub, &en), CK_OK);
    assert_int_equal(en.limits.max_validity_days, 365);
    assert_int_equal(en.limits.n_nations, 2);
    assert_int_equal(trust_new(&t), CK_OK);
    assert_int_equal(trust_add_authority(t, &apub, NULL), CK_OK);
    assert_int_equal(trust_add_endorsed(t, jws), CK_OK);
    free(jws);
    /* hostile first: too long, another nation, outside the window */
    assert_int_equal(trust_kiosk_allows(t, kpub.kid, T + DAY, T + 30000 * DAY, "NOR"),
                     CK_ERR_REFUSED);
    assert_non_null(strstr(ck_err_detail(), "at most 365 days"));
    assert_int_equal(trust_kiosk_allows(t, kpub.kid, T + DAY, T + 366 * DAY + 1, "NOR"),
                     CK_ERR_REFUSED);
    assert_int_equal(trust_kiosk_allows(t, kpub.kid, T + DAY, T + 100 * DAY, "SWE"),
                     CK_ERR_REFUSED);
    assert_non_null(strstr(ck_err_detail(), "NOR, USA only, not SWE"));
    assert_int_equal(trust_kiosk_allows(t, kpub.kid, T - DAY, T + 100 * DAY, "NOR"),
                     CK_ERR_NOT_YET_VALID);
    assert_int_equal(trust_kiosk_allows(t, kpub.kid, T + DAY, T + 366 * DAY, "USA"), CK_OK);
    trust_free(t);
    key_destroy(kiosk);
    key_destroy(auth);
}

/* A revoked kiosk key: what came before stays valid, judged by the log when proven. */
static void
test_kiosk_revocation_is_judged_by_the_witnessed_log(void **state)
{
    SecretKey *auth = NULL;
    PublicKey apub;
    StatusList *l = NULL, *back = NULL;
    CertReport r = {0};
    char detail[256];
    const int64_t T = 1767225600;

    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &auth), CK_OK);
    key_public(auth, &apub);
    assert_int_equal(status_new(apub.kid, &l), CK_OK);
    assert_int_equal(status_revoke_kiosk(l, "K-1", "00112233445566ff", T, "stolen", NULL, 10, T),
                     CK_ERR_USAGE);
    assert_int_equal(
        status_revoke_kiosk(l, "K-1", "00112233445566ff", T, "key_compromise", NULL, 10, T), CK_OK);
    assert_int_equal(
        status_revoke_kiosk(l, "K-1", "00112233445566ff", T, "kiosk_lost", NULL, 10, T),
        CK_ERR_EXISTS);
    assert_int_equal(status_sign(l, auth, T + 5), CK_OK);
    assert_int_equal(status_verify_with(status_jws(l), strlen(status_jws(l)), &apub, &back), CK_OK);
    assert_int_equal(status_kiosk_count(back), 1);
    snprintf(r.kid, sizeof r.kid, "00112233445566ff");
    /* issued after since: revoked, with or without a log */
    r.valid_from = T + 1;
    assert_int_equal(status_kiosk_check(back, &r, T + 9, detail, sizeof detail), CK_ERR_REVOKED);
    /* backdated, no log proof: passes as it claims, and says so */
    r.valid_from = T - 100;
    assert_int_equal(status_kiosk_check(back, &r, T + 9, detail, sizeof detail), CK_OK);
    assert_non_null(strstr(detail, "as the certificate says"));
    /* proven in the log: the witnessed size decides, whatever validFrom says */
    r.logged = true;
    r.log_index = 10;
    assert_int_equal(status_kiosk_check(back, &r, T + 9, detail, sizeof detail), CK_ERR_REVOKED);
    r.log_index = 9;
    assert_int_equal(status_kiosk_check(back, &r, T + 9, detail, sizeof detail), CK_OK);
    /* another kiosk key: nothing to say */
    snprintf(r.kid, sizeof r.kid, "ffeeddccbbaa0099");
    assert_int_equal(status_kiosk_check(back, &r, T + 9, detail, sizeof detail), CK_OK);
    status_free(back);
    status_free(l);
    key_destroy(auth);
}

/* Names, rosters and content: bidi controls and invisible characters are refused, named. */
static void
test_utf8_refuses_bidi_and_invisible_characters(void **state)
{
    static const char *bad[] = {
        "Ann\xe2\x80\xae", "\xe2\x81\xa6x",     "a\xe2\x80\x8b", "\xe2\x80\x8f",
        "\xe2\x81\xa9",    "\xef\xbb\xbfName", "\xe2\x80\x8d",  "\xc2\xad",
        "\xd8\x9c",         "\xe2\x81\xa0",
    };
    char where[96];
    size_t off;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(utf8_check(bad[i], strlen(bad[i]), 100, true, NULL, &off), UTF8_INVISIBLE);
    assert_int_equal(utf8_check("Ann\xe2\x80\xae", 6, 100, true, NULL, &off), UTF8_INVISIBLE);
    assert_int_equal(off, 3);
    assert_string_equal(utf8_describe_at("Ann\xe2\x80\xae", 6, off, where, sizeof where),
                        "U+202E RIGHT-TO-LEFT OVERRIDE at character 4");
    /* What a name may hold: letters of every script, the no-break space, U+202F. */
    assert_int_equal(utf8_check("\xc3\x85se \xce\x9b\xc2\xa0\xe2\x80\xaf\xd0\x96", 14, 100, false,
                                NULL, NULL),
                     UTF8_OK);
}

static void
test_content_names_file_line_and_column(void **state)
{
    const char *raw = "{\n  \"language\": \"en\",\n  \"title\": \"Code \xe2\x80\xae of\"\n}\n";
    const char *esc = "{\n  \"language\": \"en\",\n\n  \"title\": \"ab\\u2066c\"\n}\n";
    const char *literal = "{\"t\": \"a\\\\u2066\"}"; /* an escaped backslash, then "u2066" */
    Content *c = NULL;
    uint32_t cp;
    size_t line, col;

    assert_int_equal(content_parse("nor/content/en.json", (const unsigned char *)raw, strlen(raw),
                                   &c),
                     CK_ERR_FORMAT);
    assert_null(c);
    assert_non_null(strstr(ck_err_detail(), "nor/content/en.json:3:18: U+202E RIGHT-TO-LEFT "
                                            "OVERRIDE"));
    assert_int_equal(content_parse("en.json", (const unsigned char *)esc, strlen(esc), &c),
                     CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "en.json:4:15: U+2066 LEFT-TO-RIGHT ISOLATE"));
    assert_false(utf8_find_invisible(literal, strlen(literal), &cp, &line, &col));
}

/* Terminal text: C0, C1, DEL and bidi controls as \u sequences. */
static void
test_escape_for_a_terminal(void **state)
{
    const char *in = "a\x1b[2Jb\nc\td\x7f\xc2\x9b\xe2\x80\xae\xe2\x81\xa9\\u202E\xff\xc3\xa5";
    char *field = utf8_escape(in, strlen(in), UTF8_ESCAPE_NEWLINES);
    char *text = utf8_escape(in, strlen(in), 0);
    char *stream = utf8_escape("x\r\ny\rz\\u1", 9, UTF8_ESCAPE_STREAM);

    assert_string_equal(field, "a\\u001B[2Jb\\u000Ac\\u0009d\\u007F\\u009B\\u202E\\u2069"
                               "\\u005Cu202E\\xFF\xc3\xa5");
    assert_string_equal(text, "a\\u001B[2Jb\nc\td\\u007F\\u009B\\u202E\\u2069"
                              "\\u005Cu202E\\xFF\xc3\xa5");
    assert_string_equal(stream, "x\r\ny\\u000Dz\\u1");
    free(stream);
    free(text);
    free(field);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_private_dir_refuses_a_folder_others_can_enter, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_private_dir_refuses_another_users_folder, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_private_dir_refuses_a_file_and_a_missing_folder,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_private_dir_makes_a_missing_folder_0700, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store_and_its_wal_and_shm_are_0600, setup, teardown),
        cmocka_unit_test_setup_teardown(test_home_files_are_0600_and_an_open_home_is_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_fast_kdf_only_for_test_keys_under_tmp, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_short_passphrases_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weak_pin_hashes_are_refused, setup, teardown),
        cmocka_unit_test(test_kiosk_key_is_noaccess_outside_a_signature),
        cmocka_unit_test(test_endorsement_bounds_what_a_kiosk_may_sign),
        cmocka_unit_test(test_kiosk_revocation_is_judged_by_the_witnessed_log),
        cmocka_unit_test(test_utf8_refuses_bidi_and_invisible_characters),
        cmocka_unit_test(test_content_names_file_line_and_column),
        cmocka_unit_test(test_escape_for_a_terminal),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
