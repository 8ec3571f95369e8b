/* Secrets: the kiosk key and a person's data must not outlive their use in the process's memory
 * (freed heap, stack, anywhere writable), nor appear in the log outside the certificate.
 *
 * The scanner reads every private writable mapping of this process and looks
 * for the secret. The secret itself is never spelled out in the test: it is
 * kept XOR-masked and compared byte by byte, so a hit is a copy the code
 * under test left behind, not the test's own. */
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

#include "audit.h"
#include "cert.h"
#include "clock.h"
#include "fileio.h"
#include "home.h"
#include "issue.h"
#include "keys.h"
#include "session.h"
#include "store.h"
#include "trust.h"

#define KIOSK_ID "SECRET-KIOSK-01"
#define T0 INT64_C(1772359200)
#define MASK 0x5a
/* Larger mappings are sanitizer shadow memory, not program data: reading them
 * would only commit pages. */
#define SCAN_MAX_MAPPING ((size_t)256 << 20)

/* A secret held masked: plain[i] == masked[i] ^ mask[i]. */
typedef struct Masked {
    unsigned char masked[64], mask[64];
    size_t len;
} Masked;

static void
mask_text(Masked *m, const char *xored, size_t len)
{
    /* xored is the text with every byte ^ MASK, so the plain text is not a
     * string constant of this file either. */
    m->len = len;
    for (size_t i = 0; i < len; i++) {
        m->masked[i] = (unsigned char)xored[i];
        m->mask[i] = MASK;
    }
}

/* The plain secret in a new sodium_malloc buffer (NUL-terminated); sodium_free() it. */
static char *
unmask(const Masked *m)
{
    char *s = sodium_malloc(m->len + 1);

    assert_non_null(s);
    for (size_t i = 0; i < m->len; i++)
        s[i] = (char)(m->masked[i] ^ m->mask[i]);
    s[m->len] = '\0';
    return s;
}

/* Counts the copies of the secret in this process's private writable memory.
 * Not instrumented by ASan: it reads freed blocks and redzones on purpose. */
__attribute__((no_sanitize_address)) static size_t
count_in_memory(const Masked *m)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[512];
    size_t found = 0;

    assert_non_null(maps);
    while (fgets(line, sizeof line, maps) != NULL) {
        unsigned long lo, hi;
        char perms[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3 || perms[0] != 'r' ||
            perms[1] != 'w' || perms[3] != 'p' || hi - lo > SCAN_MAX_MAPPING ||
            strstr(line, "[vvar]") != NULL || strstr(line, "[vsyscall]") != NULL)
            continue;
        const volatile unsigned char *p = (const volatile unsigned char *)lo;
        for (size_t off = 0; off + m->len <= hi - lo; off++) {
            size_t i = 0;
            while (i < m->len && (p[off + i] ^ m->mask[i]) == m->masked[i])
                i++;
            if (i == m->len)
                found++;
        }
    }
    fclose(maps);
    return found;
}

/* "Zelda Quixote-Vargheese" and "7351946082", each byte ^ 0x5a. */
static const char xname[] = "\x00\x3f\x36\x3e\x3b\x7a\x0b\x2f\x33\x22\x35\x2e\x3f\x77\x0c\x3b\x28"
                            "\x3d\x32\x3f\x3f\x29\x3f";
static const char xnumber[] = "\x6d\x69\x6f\x6b\x63\x6e\x6c\x6a\x62\x68";

typedef struct Fixture {
    char dir[64];
    Masked name, number, seed;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);

    assert_non_null(f);
    strcpy(f->dir, "/tmp/test_secrets.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    mask_text(&f->name, xname, sizeof xname - 1);
    mask_text(&f->number, xnumber, sizeof xnumber - 1);
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
    free(f);
    return 0;
}

static void
test_the_scanner_sees_a_secret_that_is_still_there(void **state)
{
    Fixture *f = *state;
    char *plain = unmask(&f->name);

    /* Without this the tests below could pass by scanning nothing. */
    assert_true(count_in_memory(&f->name) >= 1);
    sodium_free(plain);
    assert_int_equal(count_in_memory(&f->name), 0);
}

static void
test_the_kiosk_key_is_gone_from_memory_after_key_destroy(void **state)
{
    Fixture *f = *state;
    unsigned char *seed = sodium_malloc(crypto_sign_SEEDBYTES), sig[crypto_sign_BYTES];
    char *path = fileio_join(f->dir, "kiosk.key");
    SecretKey *sk = NULL;

    /* A random seed, remembered only masked. */
    assert_non_null(seed);
    randombytes_buf(f->seed.mask, crypto_sign_SEEDBYTES);
    randombytes_buf(seed, crypto_sign_SEEDBYTES);
    for (size_t i = 0; i < crypto_sign_SEEDBYTES; i++)
        f->seed.masked[i] = seed[i] ^ f->seed.mask[i];
    f->seed.len = crypto_sign_SEEDBYTES;
    assert_int_equal(key_from_seed(KEY_KIND_KIOSK, seed, &sk), CK_OK);
    sodium_free(seed);
    assert_int_equal(key_save_plain(sk, path), CK_OK);
    key_destroy(sk);
    sk = NULL;

    /* What the kiosk does: load the key from its file, sign, destroy. */
    assert_int_equal(key_load_plain(path, KEY_KIND_KIOSK, &sk), CK_OK);
    /* Loaded, the key is PROT_NONE outside a signature (issue 11): a scan of
     * readable memory does not meet it (test_hardening proves that reading
     * it faults; the first test here that the scanner is not blind). */
    assert_int_equal(count_in_memory(&f->seed), 0);
    key_sign(sk, (const unsigned char *)"certificate", 11, sig);
    key_destroy(sk);
    assert_int_equal(count_in_memory(&f->seed), 0);
    free(path);
}

static void
test_a_persons_data_is_gone_from_memory_after_issue_and_wipe(void **state)
{
    Fixture *f = *state;
    char *home = fileio_join(f->dir, "home"), *store_path = NULL;
    char *name = unmask(&f->name), *number = unmask(&f->number);
    KioskHome kh;
    SecretKey *sk = NULL;
    Store *st = NULL;
    Session *session = session_create();
    CertClaims *c = cert_claims_new();
    IssueResult res;

    assert_non_null(session);
    assert_non_null(c);
    assert_int_equal(home_create(home, KIOSK_ID, "Secrets Test", T0, &kh, &sk), CK_OK);
    store_path = home_file(home, HOME_STORE);
    assert_int_equal(store_open(store_path, true, &st), CK_OK);

    /* The person types; the kiosk issues. */
    assert_int_equal(session_field_set(session, SESSION_NAME, name, strlen(name)), CK_OK);
    assert_int_equal(session_field_set(session, SESSION_SERVICE_NUMBER, number, strlen(number)),
                     CK_OK);
    assert_int_equal(CERT_SET(c, name, name), CK_OK);
    assert_int_equal(CERT_SET(c, nation, "NOR"), CK_OK);
    assert_int_equal(CERT_SET(c, service_number, number), CK_OK);
    assert_int_equal(CERT_SET(c, category, "military"), CK_OK);
    sodium_free(name);
    sodium_free(number);
    c->method = CERT_METHOD_KIOSK;
    c->valid_from = T0;
    c->valid_until = T0 + 365 * 86400;
    IssueKiosk k = {sk, kh.kiosk_id, kh.operator_name, kh.origin, NULL};
    assert_int_equal(issue_certificate(st, &k, c, NULL, &res), CK_OK);
    assert_true(count_in_memory(&f->name) >= 1); /* in the claims and the session */

    /* The session ends: everything that held the person's data is wiped. */
    issue_result_clear(&res);
    cert_claims_free(c);
    session_wipe(session);
    session_destroy(session);
    store_close(st);
    key_destroy(sk);
    if (count_in_memory(&f->name) != 0)
        fail_msg("the name is still in memory %zu time(s) after the session was wiped",
                 count_in_memory(&f->name));
    if (count_in_memory(&f->number) != 0)
        fail_msg("the service number is still in memory %zu time(s) after the session was wiped",
                 count_in_memory(&f->number));
    free(home);
    free(store_path);
}

/* Verifying and auditing parse the certificate into JSON trees whose memory comes from a
 * per-thread scratch region (jsonmem.h), not malloc: that region must be wiped too. */
static void
test_a_persons_data_is_gone_from_memory_after_verify_and_audit(void **state)
{
    Fixture *f = *state;
    char *home = fileio_join(f->dir, "home"), *store_path = NULL;
    char *name = unmask(&f->name), *number = unmask(&f->number);
    KioskHome kh;
    SecretKey *sk = NULL;
    PublicKey pub;
    Store *st = NULL;
    Trust *trust = NULL;
    CertClaims *c = cert_claims_new();
    IssueResult res;
    AuditReport ar;
    CertReport r;

    assert_non_null(c);
    assert_int_equal(home_create(home, KIOSK_ID, "Secrets Test", T0, &kh, &sk), CK_OK);
    key_public(sk, &pub);
    store_path = home_file(home, HOME_STORE);
    assert_int_equal(store_open(store_path, true, &st), CK_OK);
    assert_int_equal(CERT_SET(c, name, name), CK_OK);
    assert_int_equal(CERT_SET(c, nation, "NOR"), CK_OK);
    assert_int_equal(CERT_SET(c, service_number, number), CK_OK);
    assert_int_equal(CERT_SET(c, category, "military"), CK_OK);
    sodium_free(name);
    sodium_free(number);
    c->method = CERT_METHOD_KIOSK;
    c->valid_from = T0;
    c->valid_until = T0 + 365 * 86400;
    IssueKiosk k = {sk, kh.kiosk_id, kh.operator_name, kh.origin, NULL};
    assert_int_equal(issue_certificate(st, &k, c, NULL, &res), CK_OK);
    cert_claims_free(c);
    key_destroy(sk);
    /* The certificate holds the name and number only encoded: none in plain text now. */
    assert_int_equal(count_in_memory(&f->name), 0);

    /* The audit decodes every entry (on its worker threads); verify decodes the certificate
     * (it fails at the signature: the empty trust set knows no key, after the decoding). */
    assert_int_equal(audit_store(st, &pub, KIOSK_ID, NULL, &ar), CK_OK);
    assert_int_equal(ar.certificates, 1);
    audit_report_clear(&ar);
    assert_int_equal(trust_new(&trust), CK_OK);
    assert_int_not_equal(cert_verify(res.jws, strlen(res.jws), trust, T0, NULL, &r), CK_OK);
    assert_int_equal(r.steps[CERT_STEP_FORMAT].outcome, CERT_STEP_PASSED);
    assert_int_equal(r.steps[CERT_STEP_SIGNATURE].outcome, CERT_STEP_FAILED);
    sodium_memzero(&r, sizeof r); /* its subject_name is the name, for the report */

    if (count_in_memory(&f->name) != 0)
        fail_msg("the name is still in memory %zu time(s) after verify and audit",
                 count_in_memory(&f->name));
    if (count_in_memory(&f->number) != 0)
        fail_msg("the service number is still in memory %zu time(s) after verify and audit",
                 count_in_memory(&f->number));
    trust_free(trust);
    issue_result_clear(&res);
    store_close(st);
    free(home);
    free(store_path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_the_scanner_sees_a_secret_that_is_still_there, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_the_kiosk_key_is_gone_from_memory_after_key_destroy,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_persons_data_is_gone_from_memory_after_issue_and_wipe, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_persons_data_is_gone_from_memory_after_verify_and_audit, setup, teardown),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
