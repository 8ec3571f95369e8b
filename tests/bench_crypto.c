/* bench_crypto: BENCHMARK ONLY — the bare-libsodium baselines of tests/bench, on all cores.
 *
 *   bench_crypto verify PUBKEY_B64URL JWS_FILE
 *       crypto_sign_verify_detached over every certificate of JWS_FILE (one compact JWS a line).
 *   bench_crypto audit PUBKEY_B64URL BODIES_FILE
 *       For every log entry body (one a line): SHA-256(0x00 || body) and the signature of the
 *       certificate in its "jws" member.
 *
 * Parsing and decoding happen before the clock starts; only the crypto is timed, on one thread
 * per online CPU. Prints the seconds taken; exits 1 if any signature does not verify. */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct Job {
    const unsigned char *msg; /* signed input: "header.payload" */
    size_t msg_len;
    const unsigned char *body; /* audit: the entry body to hash, else NULL */
    size_t body_len;
    unsigned char sig[crypto_sign_BYTES];
} Job;

static Job *jobs;
static size_t n_jobs;
static atomic_size_t next_job;
static atomic_int failures;
static unsigned char pk[crypto_sign_PUBLICKEYBYTES];

static void *
worker(void *arg)
{
    size_t i;
    (void)arg;
    while ((i = atomic_fetch_add(&next_job, 64)) < n_jobs) {
        size_t end = i + 64 < n_jobs ? i + 64 : n_jobs;
        for (; i < end; i++) {
            Job *j = &jobs[i];
            if (j->body != NULL) {
                static const unsigned char zero = 0;
                unsigned char leaf[crypto_hash_sha256_BYTES];
                crypto_hash_sha256_state h;
                crypto_hash_sha256_init(&h);
                crypto_hash_sha256_update(&h, &zero, 1);
                crypto_hash_sha256_update(&h, j->body, j->body_len);
                crypto_hash_sha256_final(&h, leaf);
                if (leaf[0] == 0 && leaf[1] == 0 && leaf[2] == 0 && leaf[3] == 0 && leaf[4] == 0)
                    atomic_fetch_add(&failures, 0); /* keep the hash from being optimised away */
            }
            if (crypto_sign_verify_detached(j->sig, j->msg, j->msg_len, pk) != 0)
                atomic_fetch_add(&failures, 1);
        }
    }
    return NULL;
}

/* Fills j from the compact JWS at s (len bytes): the signed part and the decoded signature.
 * An SD-JWT's signed JWS is the part before its first '~'. */
static int
parse_jws(const char *s, size_t len, Job *j)
{
    const char *tilde = memchr(s, '~', len), *dot;
    size_t sig_len;

    if (tilde != NULL)
        len = (size_t)(tilde - s);
    if ((dot = memrchr(s, '.', len)) == NULL)
        return -1;
    j->msg = (const unsigned char *)s;
    j->msg_len = (size_t)(dot - s);
    if (sodium_base642bin(j->sig, sizeof j->sig, dot + 1, len - j->msg_len - 1, NULL, &sig_len,
                          NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        sig_len != crypto_sign_BYTES)
        return -1;
    return 0;
}

static char *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long sz;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)sz + 1)) == NULL ||
        fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        free(buf);
        buf = NULL;
    } else {
        buf[sz] = '\0';
        *len = (size_t)sz;
    }
    if (f != NULL)
        fclose(f);
    return buf;
}

int
main(int argc, char **argv)
{
    size_t len = 0, cap = 0, pk_len;
    char *buf, *p, *end;
    bool audit;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    pthread_t th[256];
    struct timespec t0, t1;

    if (argc != 4 || (strcmp(argv[1], "verify") != 0 && strcmp(argv[1], "audit") != 0)) {
        fputs("usage: bench_crypto verify|audit PUBKEY_B64URL FILE\n", stderr);
        return 2;
    }
    audit = strcmp(argv[1], "audit") == 0;
    if (sodium_init() < 0 ||
        sodium_base642bin(pk, sizeof pk, argv[2], strlen(argv[2]), NULL, &pk_len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        pk_len != sizeof pk) {
        fputs("bench_crypto: bad public key\n", stderr);
        return 2;
    }
    if ((buf = read_all(argv[3], &len)) == NULL) {
        perror(argv[3]);
        return 2;
    }
    for (p = buf, end = buf + len; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
        const char *s = p;
        size_t l = (size_t)(e - p);
        Job j = {0};
        if (l > 0) {
            if (audit) {
                const char *q = memmem(p, l, "\"jws\":\"", 7), *qe;
                j.body = (const unsigned char *)p;
                j.body_len = l;
                if (q == NULL || (qe = memchr(q + 7, '"', (size_t)(e - q - 7))) == NULL) {
                    fprintf(stderr, "bench_crypto: entry %zu has no jws\n", n_jobs);
                    return 2;
                }
                s = q + 7;
                l = (size_t)(qe - s);
            }
            if (parse_jws(s, l, &j) != 0) {
                fprintf(stderr, "bench_crypto: line %zu is not a compact JWS\n", n_jobs + 1);
                return 2;
            }
            if (n_jobs == cap) {
                cap = cap ? cap * 2 : 1024;
                if ((jobs = realloc(jobs, cap * sizeof *jobs)) == NULL)
                    return 2;
            }
            jobs[n_jobs++] = j;
        }
        p = nl ? nl + 1 : end;
    }
    if (ncpu < 1)
        ncpu = 1;
    if (ncpu > 256)
        ncpu = 256;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < ncpu; i++)
        if (pthread_create(&th[i], NULL, worker, NULL) != 0)
            return 2;
    for (long i = 0; i < ncpu; i++)
        pthread_join(th[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%.6f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    if (atomic_load(&failures) != 0) {
        fprintf(stderr, "bench_crypto: %d of %zu signatures did not verify\n",
                atomic_load(&failures), n_jobs);
        return 1;
    }
    free(jobs);
    free(buf);
    return 0;
}
