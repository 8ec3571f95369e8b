/* bench_store: BENCHMARK ONLY — deterministic data sets and in-process timings for tests/bench.
 *
 *   bench_store gen HOME N PER_COMMIT JWS_OUT BODIES_OUT
 *       Appends N paper certificates for the people of the data set (person i, see below) to
 *       HOME/store.db through the store API, PER_COMMIT entries per transaction, each commit
 *       signing its checkpoint as a kiosk does. Writes every certificate (one compact JWS a
 *       line) to JWS_OUT and every entry body (canonical JSON, one a line) to BODIES_OUT.
 *   bench_store roster N OUT.csv
 *       A roster of N people (person i for i < N), in a fixed shuffled order.
 *   bench_store issue HOME N
 *       Issues N certificates one by one with issue_certificate() (sign + durable commit) and
 *       prints "p50_ms p99_ms" of the individual times.
 *   bench_store fsync DIR N
 *       N times: write 4 KiB to a file in DIR and fsync it; prints "p50_ms p99_ms".
 *
 * Person i is nation NATIONS[i % 8], service number 1000000 + i, category by i % 3; all
 * names and orders come from a fixed-seed generator, so every run makes the same data. */
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cert.h"
#include "clock.h"
#include "home.h"
#include "issue.h"
#include "store.h"

static const char *const NATIONS[] = {"NOR", "USA", "DEU", "FRA", "POL", "GBR", "ITA", "ESP"};
static const char *const CATEGORIES[] = {"military", "civilian", "contractor"};
static const char *const GIVEN[] = {"Kari", "Ola",   "Joe",   "Anna",  "Piotr", "Marie",
                                    "Luca", "Sofia", "Hans",  "Elena", "Tom",   "Ines",
                                    "Jan",  "Clara", "Marco", "Eva"};
static const char *const FAMILY[] = {
    "Nordmann", "Smith", "Schmidt", "Martin", "Kowalski", "Jones",   "Rossi", "Garcia",
    "Berg",     "Weber", "Moreau",  "Nowak",  "Brown",    "Bianchi", "Lopez", "Hansen"};

/* splitmix64: a fixed-seed generator, the same sequence on every machine. */
static uint64_t
rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void
person(uint64_t i, char *name, size_t cap, const char **nation, char sn[24], const char **category,
       char *unit, size_t unit_cap)
{
    uint64_t s = 0xC3A5C85C97CB3127ULL ^ i;
    uint64_t r = rng_next(&s);

    snprintf(name, cap, "%s %s", GIVEN[r % 16], FAMILY[(r >> 8) % 16]);
    *nation = NATIONS[i % 8];
    snprintf(sn, 24, "%llu", (unsigned long long)(1000000 + i));
    *category = CATEGORIES[i % 3];
    snprintf(unit, unit_cap, "Unit %llu", (unsigned long long)((r >> 16) % 40));
}

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void
print_percentiles(double *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_double);
    printf("%.3f %.3f\n", t[(n - 1) / 2], t[(n * 99 + 99) / 100 - 1]);
}

static CkErr
fill_claims(CertClaims *c, uint64_t i, int64_t from)
{
    char name[64], sn[24], unit[32];
    const char *nation, *category;
    CkErr err;

    person(i, name, sizeof name, &nation, sn, &category, unit, sizeof unit);
    memset(c, 0, sizeof *c);
    if ((err = CERT_SET(c, name, name)) != CK_OK || (err = CERT_SET(c, nation, nation)) != CK_OK ||
        (err = CERT_SET(c, service_number, sn)) != CK_OK ||
        (err = CERT_SET(c, category, category)) != CK_OK ||
        (err = CERT_SET(c, unit, unit)) != CK_OK ||
        (err = CERT_SET(c, recorded_by, "Bench administrator")) != CK_OK)
        return err;
    c->method = CERT_METHOD_PAPER;
    c->valid_from = from;
    c->valid_until = from + 365 * 86400;
    return CK_OK;
}

static int
cmd_gen(const char *home, uint64_t n, uint64_t per_commit, const char *jws_path,
        const char *bodies_path)
{
    KioskHome kh;
    SecretKey *sk = NULL;
    Store *st = NULL;
    CertClaims *c = cert_claims_new();
    FILE *jf = fopen(jws_path, "w"), *bf = fopen(bodies_path, "w");
    char *path = home_file(home, HOME_STORE), serial[CERT_SERIAL_MAX + 1],
         now[CLOCK_RFC3339_LEN + 1];
    int64_t t = clock_now();
    CkErr err = CK_ERR_IO;

    if (c == NULL || jf == NULL || bf == NULL || path == NULL)
        goto out;
    if ((err = home_read(home, &kh)) != CK_OK || (err = home_load_key(home, &sk)) != CK_OK ||
        (err = store_open(path, true, &st)) != CK_OK)
        goto out;
    clock_format(t, now);
    for (uint64_t done = 0; done < n;) {
        uint64_t next;
        if ((err = store_begin(st, &next)) != CK_OK)
            goto out;
        for (uint64_t k = 0; k < per_commit && done < n; k++, done++) {
            char *jws = NULL, *text;
            json_t *body;
            if ((err = fill_claims(c, done, t)) != CK_OK)
                goto out;
            c->log_index = (int64_t)(next + k);
            cert_serial(kh.kiosk_id, c->log_index, serial);
            if ((err = cert_sign(c, sk, kh.kiosk_id, kh.operator_name, serial, &jws)) != CK_OK)
                goto out;
            body = json_pack("{s:s,s:s,s:s,s:s}", "type", "cert.paper", "time", now, "serial",
                             serial, "jws", jws);
            text = body ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
            if (text == NULL) {
                err = ck_err(CK_ERR_NOMEM, "out of memory");
            } else if ((err = store_append(st, body, NULL)) == CK_OK) {
                fprintf(jf, "%s\n", jws);
                fprintf(bf, "%s\n", text);
            }
            free(text);
            json_decref(body);
            free(jws);
            if (err != CK_OK)
                goto out;
        }
        if ((err = store_commit(st, sk, kh.origin)) != CK_OK)
            goto out;
    }
out:
    if (err != CK_OK)
        fprintf(stderr, "bench_store gen: %s\n", ck_err_detail());
    store_close(st);
    if ((jf != NULL && fclose(jf) != 0) || (bf != NULL && fclose(bf) != 0))
        err = CK_ERR_IO;
    free(path);
    cert_claims_free(c);
    key_destroy(sk);
    return err == CK_OK ? 0 : 1;
}

static int
cmd_roster(uint64_t n, const char *out_path)
{
    FILE *f = fopen(out_path, "w");
    uint64_t *order = malloc(n * sizeof *order), s = 42;

    if (f == NULL || order == NULL)
        return 1;
    for (uint64_t i = 0; i < n; i++)
        order[i] = i;
    for (uint64_t i = n; i > 1; i--) { /* Fisher-Yates with the fixed seed */
        uint64_t j = rng_next(&s) % i, x = order[i - 1];
        order[i - 1] = order[j];
        order[j] = x;
    }
    fputs("id,name,nation,category,unit\n", f);
    for (uint64_t k = 0; k < n; k++) {
        char name[64], sn[24], unit[32];
        const char *nation, *category;
        person(order[k], name, sizeof name, &nation, sn, &category, unit, sizeof unit);
        fprintf(f, "%s,%s,%s,%s,%s\n", sn, name, nation, category, unit);
    }
    free(order);
    return fclose(f) == 0 ? 0 : 1;
}

static int
cmd_issue(const char *home, uint64_t n)
{
    KioskHome kh;
    SecretKey *sk = NULL;
    Store *st = NULL;
    CertClaims *c = cert_claims_new();
    char *path = home_file(home, HOME_STORE);
    double *t = calloc(n, sizeof *t);
    CkErr err = CK_ERR_NOMEM;

    if (c == NULL || path == NULL || t == NULL)
        goto out;
    if ((err = home_read(home, &kh)) != CK_OK || (err = home_load_key(home, &sk)) != CK_OK ||
        (err = store_open(path, true, &st)) != CK_OK)
        goto out;
    IssueKiosk kiosk = {sk, kh.kiosk_id, kh.operator_name, kh.origin, NULL};
    for (uint64_t i = 0; i < n; i++) {
        IssueResult res;
        double t0;
        if ((err = fill_claims(c, i, clock_now())) != CK_OK)
            goto out;
        t0 = now_ms();
        if ((err = issue_certificate(st, &kiosk, c, NULL, &res)) != CK_OK)
            goto out;
        t[i] = now_ms() - t0;
        issue_result_clear(&res);
    }
    print_percentiles(t, n);
out:
    if (err != CK_OK)
        fprintf(stderr, "bench_store issue: %s\n", ck_err_detail());
    store_close(st);
    free(path);
    free(t);
    cert_claims_free(c);
    key_destroy(sk);
    return err == CK_OK ? 0 : 1;
}

static int
cmd_fsync(const char *dir, uint64_t n)
{
    char path[4096], block[4096];
    double *t = calloc(n, sizeof *t);
    int fd, rc = 1;

    memset(block, 'x', sizeof block);
    snprintf(path, sizeof path, "%s/bench-fsync.dat", dir);
    if (t == NULL || (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
        goto out;
    for (uint64_t i = 0; i < n; i++) {
        double t0 = now_ms();
        if (write(fd, block, sizeof block) != (ssize_t)sizeof block || fsync(fd) != 0) {
            close(fd);
            goto out;
        }
        t[i] = now_ms() - t0;
    }
    close(fd);
    unlink(path);
    print_percentiles(t, n);
    rc = 0;
out:
    if (rc != 0)
        perror("bench_store fsync");
    free(t);
    return rc;
}

int
main(int argc, char **argv)
{
    if (sodium_init() < 0)
        return 2;
    if (argc == 7 && strcmp(argv[1], "gen") == 0)
        return cmd_gen(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10), argv[5],
                       argv[6]);
    if (argc == 4 && strcmp(argv[1], "roster") == 0)
        return cmd_roster(strtoull(argv[2], NULL, 10), argv[3]);
    if (argc == 4 && strcmp(argv[1], "issue") == 0)
        return cmd_issue(argv[2], strtoull(argv[3], NULL, 10));
    if (argc == 4 && strcmp(argv[1], "fsync") == 0)
        return cmd_fsync(argv[2], strtoull(argv[3], NULL, 10));
    fputs("usage: bench_store gen HOME N PER_COMMIT JWS_OUT BODIES_OUT | roster N OUT.csv |\n"
          "                   issue HOME N | fsync DIR N\n",
          stderr);
    return 2;
}
