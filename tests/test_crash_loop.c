/* Crash loop: a process issuing certificates is killed with SIGKILL at random moments, hundreds
 * of times; after each kill the store must open, pass audit, extend what the witness saw before,
 * and hold every certificate whose issue had returned success.
 *
 * What this proves and what it does not: SIGKILL ends the process at any
 * instruction, including in the middle of SQLite's commit, but the kernel
 * keeps what was already written; it tests the store's atomicity against a
 * crashing kiosk, not against a power cut that loses the page cache (for that
 * SQLite's own fsync discipline, synchronous=FULL, is what we rely on).
 *
 * CK_CRASH_SEED=n replays a run (the seed is printed); CK_CRASH_KILLS=n
 * changes the number of kills (default 200). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cert.h"
#include "clock.h"
#include "fileio.h"
#include "home.h"
#include "issue.h"
#include "store.h"
#include "trust.h"

#define KIOSK_ID "CRASH-KIOSK-01"
#define T0 INT64_C(1772359200) /* 2026-03-01T10:00:00Z */
#define KILLS_DEFAULT 200
#define CYCLES_PER_HOME 25 /* a fresh home now and then, so kills also hit store creation */
#define MAX_SERIALS 20000

typedef struct Run {
    char dir[64];
    char home[96], store[128], state[96];
    SecretKey *authority;
    PublicKey authority_pub, kiosk_pub;
    KioskHome kh;
    Trust *trust;
    char (*serials)[CERT_SERIAL_MAX + 1]; /* every serial reported issued in this home */
    size_t n_serials, n_checked;
    uint64_t rng;
} Run;

static uint64_t
next_random(Run *r)
{
    /* xorshift64*: reproducible from the printed seed. */
    r->rng ^= r->rng >> 12;
    r->rng ^= r->rng << 25;
    r->rng ^= r->rng >> 27;
    return r->rng * UINT64_C(2685821657736338717);
}

/* The child: what a kiosk does — open (creating) the store, log its start,
 * then issue certificates one after another, reporting each serial on fd
 * only after issue_certificate() returned CK_OK (one write, so a kill never
 * leaves half a line). A failure is reported as "E <detail>". */
static void __attribute__((noreturn)) child_issue(const char *home, const char *store_path, int fd)
{
    KioskHome kh;
    SecretKey *sk = NULL;
    Store *st = NULL;
    char line[256];
    CkErr err;

    if ((err = home_read(home, &kh)) != CK_OK || (err = home_load_key(home, &sk)) != CK_OK ||
        (err = store_open(store_path, true, &st)) != CK_OK)
        goto fail;
    IssueKiosk k = {sk, kh.kiosk_id, kh.operator_name, kh.origin, NULL};
    if ((err = issue_event(st, &k, "kiosk.started", NULL, NULL)) != CK_OK)
        goto fail;
    for (unsigned n = 0;; n++) {
        CertClaims *c = cert_claims_new();
        IssueResult res;
        char number[32], name[64];
        if (c == NULL) {
            err = ck_err(CK_ERR_NOMEM, "out of memory");
            goto fail;
        }
        snprintf(number, sizeof number, "%u%06u", (unsigned)getpid(), n);
        snprintf(name, sizeof name, "Crash Tester %u", n);
        if ((err = CERT_SET(c, name, name)) != CK_OK ||
            (err = CERT_SET(c, nation, "NOR")) != CK_OK ||
            (err = CERT_SET(c, service_number, number)) != CK_OK ||
            (err = CERT_SET(c, category, n % 2 ? "civilian" : "military")) != CK_OK) {
            cert_claims_free(c);
            goto fail;
        }
        c->method = CERT_METHOD_KIOSK;
        c->valid_from = clock_now();
        c->valid_until = c->valid_from + 365 * 86400;
        err = issue_certificate(st, &k, c, NULL, &res);
        cert_claims_free(c);
        if (err != CK_OK)
            goto fail;
        snprintf(line, sizeof line, "%s\n", res.serial);
        issue_result_clear(&res);
        if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
            _exit(4);
    }
fail:
    snprintf(line, sizeof line, "E %s: %s\n", ck_strerror(err), ck_err_detail());
    (void)!write(fd, line, strlen(line));
    _exit(3);
}

/* A fresh kiosk home, endorsed by the run's authority, without a store yet. */
static void
new_home(Run *r, unsigned generation)
{
    SecretKey *sk = NULL;
    char *endorsement = NULL;

    snprintf(r->home, sizeof r->home, "%s/home%u", r->dir, generation);
    snprintf(r->store, sizeof r->store, "%s/%s", r->home, HOME_STORE);
    snprintf(r->state, sizeof r->state, "%s/witness%u", r->dir, generation);
    assert_int_equal(home_create(r->home, KIOSK_ID, "Crash Operator", T0, &r->kh, &sk), CK_OK);
    key_public(sk, &r->kiosk_pub);
    key_destroy(sk);
    assert_int_equal(trust_endorse(r->authority, &r->kiosk_pub, KEY_KIND_KIOSK, KIOSK_ID,
                                   T0 - 86400, T0 + 10 * 365 * 86400, T0 - 86400, &endorsement),
                     CK_OK);
    trust_free(r->trust);
    r->trust = NULL;
    assert_int_equal(trust_new(&r->trust), CK_OK);
    assert_int_equal(trust_add_authority(r->trust, &r->authority_pub, "Crash Authority"), CK_OK);
    assert_int_equal(trust_add_endorsed(r->trust, endorsement), CK_OK);
    free(endorsement);
    r->n_serials = r->n_checked = 0;
}

/* Reads what the child reported: complete lines only. */
static void
collect(Run *r, int fd)
{
    static char buf[1 << 20];
    size_t len = 0;
    ssize_t n;
    char *line, *nl;

    while ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        *nl = '\0';
        if (line[0] == 'E')
            fail_msg("the issuing process reported a failure: %s", line);
        assert_true(r->n_serials < MAX_SERIALS);
        assert_true(strlen(line) <= CERT_SERIAL_MAX);
        strcpy(r->serials[r->n_serials++], line);
    }
}

/* Everything a restarted kiosk and a later audit demand of the store. */
static void
check_store(Run *r, unsigned cycle)
{
    Store *st = NULL;
    AuditReport rep = {0};
    AuditWitness wit;
    CkErr err;

    /* A restarted kiosk opens (creating if need be) its store: always. */
    err = store_open(r->store, true, &st);
    if (err != CK_OK)
        fail_msg("cycle %u: the store does not open after a kill: %s", cycle, ck_err_detail());
    err = audit_store(st, &r->kiosk_pub, KIOSK_ID, r->kh.origin, &rep);
    if (err != CK_OK)
        fail_msg("cycle %u: audit fails after a kill: %s", cycle, ck_err_detail());
    /* The witness: the log only ever grew from what the last audit saw. */
    if (rep.has_latest) {
        err = audit_witness(r->state, KIOSK_ID, &r->kiosk_pub, rep.latest_note, rep.leaves,
                            rep.entries, &wit);
        if (err != CK_OK)
            fail_msg("cycle %u: the log does not extend the one seen before: %s", cycle,
                     ck_err_detail());
    }
    /* Every certificate reported issued is there; the new ones verify in full. */
    for (size_t i = 0; i < r->n_serials; i++) {
        StoreEntry *e = NULL;
        err = store_find_serial(st, r->serials[i], &e);
        if (err != CK_OK)
            fail_msg("cycle %u: %s was reported issued but is not in the store: %s", cycle,
                     r->serials[i], ck_err_detail());
        if (i >= r->n_checked) {
            json_error_t je;
            json_t *body = json_loadb((const char *)e->body, e->body_len, 0, &je);
            const char *jws = json_string_value(json_object_get(body, "jws"));
            CertReport cr;
            assert_non_null(jws);
            if (cert_verify(jws, strlen(jws), r->trust, clock_now(), NULL, &cr) != CK_OK)
                fail_msg("cycle %u: %s does not verify: %s", cycle, r->serials[i],
                         cr.steps[0].detail);
            assert_string_equal(cr.serial, r->serials[i]);
            json_decref(body);
        }
        store_entry_free(e);
    }
    r->n_checked = r->n_serials;
    assert_true(rep.certificates >= r->n_serials);
    audit_report_clear(&rep);
    store_close(st);
}

static void
test_sigkill_while_issuing_never_loses_a_certificate(void **state)
{
    Run *r = *state;
    const char *env = getenv("CK_CRASH_KILLS");
    unsigned kills = env ? (unsigned)atoi(env) : KILLS_DEFAULT;
    unsigned killed_mid_work = 0, generation = 0;
    size_t total = 0;

    for (unsigned cycle = 0; cycle < kills; cycle++) {
        int fds[2], status;
        pid_t pid;

        if (cycle % CYCLES_PER_HOME == 0) {
            total += r->n_serials;
            new_home(r, generation++);
        }
        assert_int_equal(pipe(fds), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_issue(r->home, r->store, fds[1]);
        }
        close(fds[1]);
        /* A random moment: from before the store is open to several commits in. */
        struct timespec ts = {0, (long)(next_random(r) % 25000) * 1000L};
        nanosleep(&ts, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        collect(r, fds[0]);
        close(fds[0]);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            killed_mid_work++;
        else
            fail_msg("cycle %u: the issuing process ended by itself (status %d)", cycle, status);
        check_store(r, cycle);
    }
    total += r->n_serials;
    print_message("crash loop: %u kills, %zu certificates reported issued, all present\n",
                  killed_mid_work, total);
    assert_true(killed_mid_work >= kills);
    /* The loop must have issued something, or it proved nothing. */
    assert_true(total > 0);
}

static int
setup(void **state)
{
    Run *r = calloc(1, sizeof *r);
    const char *seed = getenv("CK_CRASH_SEED");

    assert_non_null(r);
    strcpy(r->dir, "/tmp/test_crash.XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    r->serials = calloc(MAX_SERIALS, sizeof *r->serials);
    assert_non_null(r->serials);
    r->rng = seed ? strtoull(seed, NULL, 10) : (uint64_t)time(NULL) ^ (uint64_t)getpid();
    if (r->rng == 0)
        r->rng = 1;
    print_message("crash loop: CK_CRASH_SEED=%llu\n", (unsigned long long)r->rng);
    clock_set(T0);
    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &r->authority), CK_OK);
    key_public(r->authority, &r->authority_pub);
    *state = r;
    return 0;
}

static int
teardown(void **state)
{
    Run *r = *state;
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf %s", r->dir);
    assert_int_equal(system(cmd), 0);
    key_destroy(r->authority);
    trust_free(r->trust);
    free(r->serials);
    free(r);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sigkill_while_issuing_never_loses_a_certificate, setup,
                                        teardown),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
