/* Tests of the plugin worker's sandbox (issue 10): every hostile module is contained — its
 * attack fails or kills only its worker, the refusal names the bundle and the cause, and the
 * Norwegian bundle beside it keeps working in the same host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bundle.h"
#include "clock.h"
#include "fileio.h"
#include "keys.h"
#include "plugin_host.h"
#include "trust.h"

#define NOW 1767225600 /* 2026-01-01T00:00:00Z */
#define BREACH_FILE "/tmp/certkiosk-hostile-breach"
#define KEY_TEXT "THE-KIOSK-KEY-MUST-NOT-LEAK"

static SecretKey *authority, *pub_nor, *pub_est;
static Trust *trust;

/* Refusals seen through the callback, as the kiosk logs them. */
static char refusals[8][700];
static size_t n_refusals;

static void
on_refused(void *ctx, const char *where, const char *id, CkErr err, const char *reason)
{
    (void)ctx;
    (void)where;
    (void)err;
    if (n_refusals < 8)
        snprintf(refusals[n_refusals++], sizeof refusals[0], "%s: %s", id ? id : "?", reason);
}

static void
run(const char *cmd)
{
    assert_int_equal(system(cmd), 0);
}

static int
setup_keys(void **state)
{
    PublicKey pk;
    char *jws;
    SecretKey **pubs[] = {&pub_nor, &pub_est};
    const char *nations[] = {"NOR", "EST"};

    (void)state;
    setenv("CERTKIOSK_TEST_FAST_KDF", "1", 1);
    clock_set(NOW);
    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &authority), CK_OK);
    assert_int_equal(trust_new(&trust), CK_OK);
    key_public(authority, &pk);
    assert_int_equal(trust_add_authority(trust, &pk, "test authority"), CK_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(key_generate(KEY_KIND_PUBLISHER, pubs[i]), CK_OK);
        key_public(*pubs[i], &pk);
        assert_int_equal(trust_endorse(authority, &pk, KEY_KIND_PUBLISHER, nations[i], NOW - 86400,
                                       NOW + 86400 * 365, NOW, &jws),
                         CK_OK);
        assert_int_equal(trust_add_endorsed(trust, jws), CK_OK);
        free(jws);
    }
    return 0;
}

static int
teardown_keys(void **state)
{
    (void)state;
    key_destroy(authority);
    key_destroy(pub_nor);
    key_destroy(pub_est);
    trust_free(trust);
    return 0;
}

/* HOSTILE_HOME holds a kiosk key and a store the modules reach for, and a
 * plugins folder with the real Norwegian bundle and the hostile EST one. */
static void
make_home(const char *fixture)
{
    char cmd[2048], dir[512], *man_path;
    json_error_t je;
    json_t *man;

    snprintf(
        cmd, sizeof cmd,
        "rm -rf '%s' && mkdir -p '%s/plugins' && printf %s > '%s/kiosk.key' && "
        "printf 'SQLite format 3' > '%s/store.db' && chmod 600 '%s/kiosk.key' '%s/store.db' && "
        "cp -r '%s/plugins/nor' '%s/plugins/nor' && rm -f '%s/plugins/nor/manifest.sig' && "
        "mkdir -p '%s/plugins/est' && cp -r '%s/plugins/template/content' '%s/plugins/est/' && "
        "cp '%s/ck_hostile_%s.so' '%s/plugins/est/hostile.so' && rm -f " BREACH_FILE,
        HOSTILE_HOME, HOSTILE_HOME, KEY_TEXT, HOSTILE_HOME, HOSTILE_HOME, HOSTILE_HOME,
        HOSTILE_HOME, CK_BINARY_DIR, HOSTILE_HOME, HOSTILE_HOME, HOSTILE_HOME, CK_SOURCE_DIR,
        HOSTILE_HOME, HOSTILE_MODULES, fixture, HOSTILE_HOME);
    run(cmd);
    snprintf(dir, sizeof dir, "%s/plugins/nor", HOSTILE_HOME);
    assert_int_equal(bundle_sign(dir, pub_nor), CK_OK);
    snprintf(dir, sizeof dir, "%s/plugins/est", HOSTILE_HOME);
    man = json_load_file(CK_SOURCE_DIR "/plugins/template/manifest.json", 0, &je);
    assert_non_null(man);
    json_object_set_new(man, "nation", json_string("EST"));
    snprintf(cmd, sizeof cmd, "ee.test.hostile-%s", fixture);
    json_object_set_new(man, "bundle_id", json_string(cmd));
    json_object_set_new(man, "module", json_string("hostile.so"));
    man_path = fileio_join(dir, "manifest.json");
    assert_int_equal(json_dump_file(man, man_path, JSON_INDENT(2)), 0);
    free(man_path);
    json_decref(man);
    assert_int_equal(bundle_sign(dir, pub_est), CK_OK);
}

static PluginHost *
open_host(void)
{
    char plugins[512];
    const char *dirs[] = {plugins, NULL};
    PluginHostOptions o = {.dirs = dirs, .trust = trust, .now = NOW, .on_refused = on_refused};
    PluginHost *h = NULL;

    snprintf(plugins, sizeof plugins, "%s/plugins", HOSTILE_HOME);
    n_refusals = 0;
    assert_int_equal(plugin_host_open(&o, &h), CK_OK);
    return h;
}

/* The refusal names the bundle and one of the causes ("a|b"), and no attack got through. */
static void
assert_refused(const char *fixture, const char *causes)
{
    char id[96], alts[256], *save = NULL, *c;
    bool found = false;

    if (n_refusals != 1)
        fail_msg("%s: expected one refusal, got %zu (%s)", fixture, n_refusals,
                 n_refusals ? refusals[0] : "");
    snprintf(id, sizeof id, "ee.test.hostile-%s", fixture);
    if (strstr(refusals[0], id) == NULL)
        fail_msg("%s: the refusal does not name the bundle: %s", fixture, refusals[0]);
    snprintf(alts, sizeof alts, "%s", causes);
    for (c = strtok_r(alts, "|", &save); c != NULL; c = strtok_r(NULL, "|", &save))
        found |= strstr(refusals[0], c) != NULL;
    if (!found)
        fail_msg("%s: the refusal does not give the cause \"%s\": %s", fixture, causes,
                 refusals[0]);
    if (strstr(refusals[0], "BREACH") != NULL || strstr(refusals[0], KEY_TEXT) != NULL)
        fail_msg("%s: the attack got through: %s", fixture, refusals[0]);
    assert_int_equal(access(BREACH_FILE, F_OK), -1);
}

/* The Norwegian bundle beside it still checks numbers with its own module. */
static void
assert_nor_works(PluginHost *h)
{
    char reason[256];

    assert_int_equal(
        plugin_host_validate_service_number(h, "NOR", "15038510190", reason, sizeof reason), CK_OK);
    assert_int_equal(
        plugin_host_validate_service_number(h, "NOR", "15038510191", reason, sizeof reason),
        CK_ERR_REFUSED);
    assert_non_null(strstr(reason, "heck digit 2"));
}

/* An attack made from the service-number check: the kiosk refuses the bundle
 * at the first call, the person is told to ask the staff, and from then on
 * EST numbers are not accepted at all (its manifest requires the check). */
static void
check_call(const char *fixture, const char *causes)
{
    PluginHost *h;
    char reason[256];

    make_home(fixture);
    h = open_host();
    assert_int_equal(n_refusals, 0);
    assert_int_equal(
        plugin_host_validate_service_number(h, "EST", "12345678", reason, sizeof reason),
        CK_ERR_INTERNAL);
    assert_string_equal(reason, "the number could not be checked; please ask the staff");
    assert_refused(fixture, causes);
    assert_nor_works(h);
    assert_int_equal(
        plugin_host_validate_service_number(h, "EST", "12345678", reason, sizeof reason),
        CK_ERR_INTERNAL);
    assert_int_equal(n_refusals, 1); /* refused once, not again at every call */
    plugin_host_close(h);
}

/* Without Landlock (kernels before 5.13) a constructor may read what the
 * worker's user may read: README says so. As root the worker runs as nobody
 * and the home's 0600 files stay shut; otherwise those tests cannot hold. */
static bool
ctor_files_unprotected(const char *fixture)
{
    if ((strcmp(fixture, "ctor_key") != 0 && strcmp(fixture, "ctor_store") != 0 &&
         strcmp(fixture, "ctor_procmem") != 0) ||
        geteuid() == 0)
        return false;
    return syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) < 1;
}

/* An attack made while loading (constructor, or a bad table): refused at open. */
static void
check_load(const char *fixture, const char *causes)
{
    PluginHost *h;
    char reason[256];

    if (ctor_files_unprotected(fixture)) {
        print_message("no Landlock on this kernel and not root: %s not run\n", fixture);
        skip();
    }
    make_home(fixture);
    h = open_host();
    assert_refused(fixture, causes);
    assert_null(plugin_host_find(h, "EST"));
    assert_nor_works(h);
    (void)reason;
    plugin_host_close(h);
}

#define SYSCALL_KILL "forbidden system call"

static void
test_call_opens_kiosk_key(void **state)
{
    (void)state;
    check_call("call_key", SYSCALL_KILL);
}

static void
test_call_opens_store(void **state)
{
    (void)state;
    check_call("call_store", SYSCALL_KILL);
}

static void
test_call_opens_kiosk_memory(void **state)
{
    (void)state;
    check_call("call_procmem", SYSCALL_KILL);
}

static void
test_call_reads_kiosk_memory(void **state)
{
    (void)state;
    check_call("call_vmread", SYSCALL_KILL);
}

static void
test_call_ptraces_kiosk(void **state)
{
    (void)state;
    check_call("call_ptrace", SYSCALL_KILL);
}

static void
test_call_connects(void **state)
{
    (void)state;
    check_call("call_connect", SYSCALL_KILL);
}

static void
test_call_forks(void **state)
{
    (void)state;
    check_call("call_fork", SYSCALL_KILL);
}

static void
test_call_execs(void **state)
{
    (void)state;
    check_call("call_exec", SYSCALL_KILL);
}

static void
test_call_writes_tmp(void **state)
{
    (void)state;
    check_call("call_tmpfile", SYSCALL_KILL);
}

static void
test_call_spins(void **state)
{
    (void)state;
    check_call("call_spin", "did not answer within 250 ms");
}

/* malloc fails (RLIMIT_AS) and the module then answers with no valid
 * status. Under AddressSanitizer (no RLIMIT_AS: its allocator caps one
 * allocation instead) the allocator's warning needs stderr, which the sandbox
 * closed: seccomp kills the worker first. */
#if defined(__SANITIZE_ADDRESS__)
#define ALLOC_CAUSE "an unknown status|" SYSCALL_KILL
#else
#define ALLOC_CAUSE "an unknown status"
#endif

static void
test_call_allocates_8gib(void **state)
{
    (void)state;
    check_call("call_alloc", ALLOC_CAUSE);
}

/* Under AddressSanitizer its report needs stderr, which the sandbox closed:
 * seccomp kills it first. */
static void
test_call_segfaults(void **state)
{
    (void)state;
    check_call("call_segv", "crashed (SEGV)|" SYSCALL_KILL);
}

static void
test_reason_without_nul(void **state)
{
    (void)state;
    check_call("call_nonul", "a reason without NUL");
}

static void
test_reason_not_utf8(void **state)
{
    (void)state;
    check_call("call_badutf8", "a reason that is not UTF-8 text");
}

static void
test_claim_too_long(void **state)
{
    PluginHost *h;
    char reason[256];
    json_t *claims = NULL;

    (void)state;
    make_home("call_longclaim");
    h = open_host();
    assert_int_equal(
        plugin_host_validate_service_number(h, "EST", "12345678", reason, sizeof reason), CK_OK);
    assert_int_equal(plugin_host_extra_claims(h, "EST", "12345678", CK_PLUGIN_MILITARY, &claims),
                     CK_ERR_INTERNAL);
    assert_null(claims);
    assert_refused("call_longclaim", "an over-long claim");
    assert_nor_works(h);
    /* A number it accepted before it failed is not accepted any more. */
    assert_int_equal(
        plugin_host_validate_service_number(h, "EST", "12345678", reason, sizeof reason),
        CK_ERR_INTERNAL);
    plugin_host_close(h);
}

static void
test_huge_struct_size(void **state)
{
    (void)state;
    check_load("call_hugesize", "impossible struct_size 2147483647");
}

/* Constructors run inside dlopen, with every wall already up. The file
 * attacks first try the loader's own flags (O_RDONLY|O_CLOEXEC, allowed by
 * seccomp during load): Landlock refuses them; then plain flags: killed. */
static void
test_ctor_opens_kiosk_key(void **state)
{
    (void)state;
    check_load("ctor_key", SYSCALL_KILL);
}

static void
test_ctor_opens_store(void **state)
{
    (void)state;
    check_load("ctor_store", SYSCALL_KILL);
}

static void
test_ctor_opens_kiosk_memory(void **state)
{
    (void)state;
    check_load("ctor_procmem", SYSCALL_KILL);
}

static void
test_ctor_reads_kiosk_memory(void **state)
{
    (void)state;
    check_load("ctor_vmread", SYSCALL_KILL);
}

static void
test_ctor_ptraces_kiosk(void **state)
{
    (void)state;
    check_load("ctor_ptrace", SYSCALL_KILL);
}

static void
test_ctor_connects(void **state)
{
    (void)state;
    check_load("ctor_connect", SYSCALL_KILL);
}

static void
test_ctor_forks(void **state)
{
    (void)state;
    check_load("ctor_fork", SYSCALL_KILL);
}

static void
test_ctor_execs(void **state)
{
    (void)state;
    check_load("ctor_exec", SYSCALL_KILL);
}

static void
test_ctor_writes_tmp(void **state)
{
    (void)state;
    check_load("ctor_tmpfile", SYSCALL_KILL);
}

/* No certificate rests on an answer from a worker that failed afterwards: a
 * module accepts a number, then crashes when asked for the validity (which
 * the kiosk asks right before it signs); the number it accepted is no longer
 * accepted, and the kiosk's last check before signing (app_issue) fails. */
static void
test_number_accepted_then_worker_fails(void **state)
{
    PluginHost *h;
    char reason[256];
    unsigned days = 0;

    (void)state;
    make_home("call_latecrash");
    h = open_host();
    assert_int_equal(
        plugin_host_validate_service_number(h, "EST", "12345678", reason, sizeof reason), CK_OK);
    assert_int_equal(n_refusals, 0);
    /* The validity falls back to the manifest's (365 days), the bundle is refused... */
    assert_int_equal(plugin_host_validity_days(h, "EST", CK_PLUGIN_MILITARY, &days), CK_OK);
    assert_int_equal(days, 365);
    assert_refused("call_latecrash", "crashed (SEGV)|" SYSCALL_KILL);
    /* ...and the number the failed worker accepted does not pass any more. */
    assert_int_equal(
        plugin_host_validate_service_number(h, "EST", "12345678", reason, sizeof reason),
        CK_ERR_INTERNAL);
    plugin_host_close(h);
}

/* Not an attack: a module linked against libm loads and answers (the worker
 * loads libm before its sandbox; nothing can be loaded after). */
static void
test_module_using_libm_works(void **state)
{
    PluginHost *h;
    char reason[256];

    (void)state;
    make_home("call_libm");
    h = open_host();
    assert_int_equal(n_refusals, 0);
    assert_int_equal(
        plugin_host_validate_service_number(h, "EST", "12345678", reason, sizeof reason), CK_OK);
    assert_int_equal(n_refusals, 0);
    plugin_host_close(h);
}

/* A worker that cannot be started refuses its bundle with the path, not the kiosk. */
static void
test_missing_worker_refuses_bundle_only(void **state)
{
    char plugins[512];
    const char *dirs[] = {plugins, NULL};
    PluginHostOptions o = {.dirs = dirs,
                           .trust = trust,
                           .now = NOW,
                           .on_refused = on_refused,
                           .worker_path = "/nonexistent/certkiosk-plugin-worker"};
    PluginHost *h = NULL;

    (void)state;
    make_home("call_key");
    snprintf(plugins, sizeof plugins, "%s/plugins", HOSTILE_HOME);
    n_refusals = 0;
    assert_int_equal(plugin_host_open(&o, &h), CK_OK);
    assert_int_equal(n_refusals, 2);
    assert_non_null(strstr(refusals[0], "/nonexistent/certkiosk-plugin-worker"));
    plugin_host_close(h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call_opens_kiosk_key),
        cmocka_unit_test(test_call_opens_store),
        cmocka_unit_test(test_call_opens_kiosk_memory),
        cmocka_unit_test(test_call_reads_kiosk_memory),
        cmocka_unit_test(test_call_ptraces_kiosk),
        cmocka_unit_test(test_call_connects),
        cmocka_unit_test(test_call_forks),
        cmocka_unit_test(test_call_execs),
        cmocka_unit_test(test_call_writes_tmp),
        cmocka_unit_test(test_call_spins),
        cmocka_unit_test(test_call_allocates_8gib),
        cmocka_unit_test(test_call_segfaults),
        cmocka_unit_test(test_reason_without_nul),
        cmocka_unit_test(test_reason_not_utf8),
        cmocka_unit_test(test_claim_too_long),
        cmocka_unit_test(test_huge_struct_size),
        cmocka_unit_test(test_ctor_opens_kiosk_key),
        cmocka_unit_test(test_ctor_opens_store),
        cmocka_unit_test(test_ctor_opens_kiosk_memory),
        cmocka_unit_test(test_ctor_reads_kiosk_memory),
        cmocka_unit_test(test_ctor_ptraces_kiosk),
        cmocka_unit_test(test_ctor_connects),
        cmocka_unit_test(test_ctor_forks),
        cmocka_unit_test(test_ctor_execs),
        cmocka_unit_test(test_ctor_writes_tmp),
        cmocka_unit_test(test_number_accepted_then_worker_fails),
        cmocka_unit_test(test_module_using_libm_works),
        cmocka_unit_test(test_missing_worker_refuses_bundle_only),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
