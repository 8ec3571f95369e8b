/* cmd_verify: `certctl verify` — many certificates, checked in parallel, reported in input order.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cert.h"
#include "cli.h"
#include "cli_logproof.h"
#include "cli_registry.h"
#include "cli_trust.h"
#include "clock.h"
#include "commands.h"
#include "fileio.h"
#include "status.h"
#include "trust.h"

/* Largest input file accepted: about 100,000 certificates. */
#define VERIFY_INPUT_MAX ((size_t)256 * 1024 * 1024)

typedef struct Item {
    const char *source; /* file name, or "stdin" */
    size_t line;
    const char *jws; /* points into the file's buffer */
    size_t len;
} Item;

/* Certificates go to the workers in chunks; the reports of a window of
 * chunks live in a ring, so the main thread prints each chunk, in input
 * order, while the workers go on (and 20,000 reports never sit in memory). */
#define VERIFY_CHUNK 32
#define VERIFY_RING_PER_THREAD 8

typedef struct Work {
    const Item *items;
    size_t n, n_chunks, ring_chunks;
    CertReport *ring;      /* ring_chunks * VERIFY_CHUNK reports */
    size_t *done_seq;      /* per ring slot: 1 + the chunk whose reports it holds */
    size_t next_chunk;     /* the next chunk a worker takes */
    size_t printed_chunks; /* chunks the main thread has printed (their slots are free) */
    size_t done_items;
    pthread_mutex_t mu;
    pthread_cond_t chunk_done, slot_free;
    const Trust *trust;
    const CertStatusCheck *status;
    int64_t now;
} Work;

static void
usage(FILE *f)
{
    fputs("usage: certctl verify --trust TRUST.jwks [--status LIST.jws] [--registry DIR]\n"
          "                      [--json] [FILE|-]...\n\n"
          "Verifies certificates: each FILE holds one certificate, or many, one a line\n"
          "(blank lines and lines starting with # are skipped); - or no FILE reads\n"
          "standard input. A certificate is a full SD-JWT (as the log and `certctl\n"
          "export` keep it), a presentation with claims withheld (as the kiosk's QR\n"
          "carries it), or a compact JWS of the first format (vc+jwt); each result says\n"
          "which it got. Every certificate goes through the steps format (every\n"
          "disclosure's digest checked),\n"
          "signature, kiosk endorsement (at issue time, by an authority pinned in\n"
          "TRUST.jwks), not before, expiry and status (revocation, with --status: an\n"
          "authority's signed status list; a certificate of a kiosk key the list revokes\n"
          "stays valid only if it came before), and with --registry DIR (or a\n"
          "postgresql:// URL) witnessed log: the certificate is the entry its serial\n"
          "names in a log the registry witnessed, under a checkpoint the kiosk signed\n"
          "that describes those very entries. Certificates are checked in parallel on all\n"
          "cores and reported in input order, followed by \"N valid, M invalid\".\n\n"
          "exit status: 0 all valid, 1 any invalid, 2 usage or input/output error\n",
          f);
}

static void *
worker(void *arg)
{
    Work *w = arg;
    size_t c;

    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (w->next_chunk < w->n_chunks && w->next_chunk >= w->printed_chunks + w->ring_chunks)
            pthread_cond_wait(&w->slot_free, &w->mu);
        if (w->next_chunk >= w->n_chunks) {
            pthread_mutex_unlock(&w->mu);
            return NULL;
        }
        c = w->next_chunk++;
        pthread_mutex_unlock(&w->mu);

        CertReport *reports = &w->ring[(c % w->ring_chunks) * VERIFY_CHUNK];
        size_t first = c * VERIFY_CHUNK,
               count = w->n - first < VERIFY_CHUNK ? w->n - first : VERIFY_CHUNK;
        for (size_t k = 0; k < count; k++) {
            const Item *it = &w->items[first + k];
            CertReport *r = &reports[k];
            /* The outcome is in the report; the return value repeats it. */
            if (cert_verify(it->jws, it->len, w->trust, w->now, w->status, r) != CK_OK)
                r->result = r->result != CK_OK ? r->result : CK_ERR_INTERNAL;
        }
        pthread_mutex_lock(&w->mu);
        w->done_seq[c % w->ring_chunks] = c + 1;
        w->done_items += count;
        pthread_cond_signal(&w->chunk_done);
        pthread_mutex_unlock(&w->mu);
    }
}

/* Splits buf into items, one per non-blank, non-comment line. */
static CkErr
split_lines(char *buf, size_t len, const char *source, Item **items, size_t *n, size_t *cap)
{
    size_t line = 0;
    char *p = buf, *end = buf + len;

    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *s = p;
        line++;
        while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (e > s && *s != '#') {
            if (*n == *cap) {
                size_t nc = *cap ? *cap * 2 : 64;
                Item *grown = realloc(*items, nc * sizeof *grown);
                if (grown == NULL)
                    return ck_err(CK_ERR_NOMEM, "out of memory");
                *items = grown;
                *cap = nc;
            }
            memset(&(*items)[*n], 0, sizeof **items);
            (*items)[*n].source = source;
            (*items)[*n].line = line;
            (*items)[*n].jws = s;
            (*items)[*n].len = (size_t)(e - s);
            (*n)++;
        }
        p = nl ? nl + 1 : end;
    }
    return CK_OK;
}

/* "364 days left", "5 hours left". */
static void
time_left(int64_t until, int64_t now, char *buf, size_t n)
{
    int64_t s = until - now;

    if (s >= 2 * 86400)
        snprintf(buf, n, "%lld days left", (long long)(s / 86400));
    else if (s >= 2 * 3600)
        snprintf(buf, n, "%lld hours left", (long long)(s / 3600));
    else
        snprintf(buf, n, "%lld minutes left", (long long)(s / 60));
}

static CertStepId
failed_step(const CertReport *r)
{
    for (int i = 0; i < CERT_STEP_COUNT_; i++)
        if (r->steps[i].outcome == CERT_STEP_FAILED)
            return (CertStepId)i;
    return CERT_STEP_FORMAT;
}

static void
print_human(const Item *it, const CertReport *r, int64_t now, bool many)
{
    char until[CLOCK_RFC3339_LEN + 1], left[48];

    if (many)
        printf("%s:%zu: ", it->source, it->line);
    if (r->result == CK_OK) {
        clock_format(r->valid_until, until);
        time_left(r->valid_until, now, left, sizeof left);
        printf("VALID    %s  %s (%s)  valid until %s (%s)%s\n", r->serial, r->subject_name,
               r->nation, until, left,
               r->form == CERT_FORM_PRESENTATION ? "  [presentation: claims withheld]"
               : r->form == CERT_FORM_V1         ? "  [certificate, format 1]"
                                                 : "  [full certificate]");
    } else {
        CertStepId s = failed_step(r);
        printf("INVALID  %s  failed at step \"%s\": %s\n", r->serial[0] ? r->serial : "-",
               cert_step_name(s), r->steps[s].detail);
    }
    for (int i = 0; i < CERT_STEP_COUNT_; i++)
        if (r->steps[i].outcome != CERT_STEP_NOT_RUN)
            printf("    %s %-18s %s\n", cli_trust_step_mark(r->steps[i].outcome),
                   cert_step_name((CertStepId)i), r->steps[i].detail);
}

static json_t *
item_json(const Item *it, const CertReport *r, int64_t now)
{
    json_t *steps = json_array(), *o;
    char t[CLOCK_RFC3339_LEN + 1];

    for (int i = 0; i < CERT_STEP_COUNT_; i++)
        json_array_append_new(
            steps, json_pack("{s:s,s:s,s:s}", "step", cert_step_name((CertStepId)i), "outcome",
                             cli_trust_step_word(r->steps[i].outcome), "detail", r->steps[i].detail));
    o = json_pack("{s:s,s:I,s:b,s:o}", "source", it->source, "line", (json_int_t)it->line, "valid",
                  r->result == CK_OK, "steps", steps);
    if (r->serial[0]) {
        json_object_set_new(o, "serial", json_string(r->serial));
        json_object_set_new(o, "kiosk_id", json_string(r->kiosk_id));
        json_object_set_new(o, "kid", json_string(r->kid));
        clock_format(r->valid_from, t);
        json_object_set_new(o, "validFrom", json_string(t));
        clock_format(r->valid_until, t);
        json_object_set_new(o, "validUntil", json_string(t));
        json_object_set_new(o, "form", json_string(r->form == CERT_FORM_V1     ? "v1"
                                                   : r->form == CERT_FORM_FULL ? "full"
                                                                               : "presentation"));
    }
    if (r->result == CK_OK)
        json_object_set_new(o, "secondsLeft", json_integer((json_int_t)(r->valid_until - now)));
    else
        json_object_set_new(o, "error", json_string(r->steps[failed_step(r)].detail));
    return o;
}

/* Prints one result as an element of the "results" array, as json_dumps
 * with JSON_INDENT(2) would place it in the whole document. */
static bool
print_json_item(const Item *it, const CertReport *r, int64_t now, bool first)
{
    json_t *o = item_json(it, r, now);
    char *text = o != NULL ? json_dumps(o, JSON_INDENT(2)) : NULL;

    json_decref(o);
    if (text == NULL)
        return false;
    fputs(first ? "    " : ",\n    ", stdout);
    for (const char *p = text; *p; p++) {
        putchar(*p);
        if (*p == '\n')
            fputs("    ", stdout);
    }
    free(text);
    return true;
}

/* Lets the workers finish without waiting for the printer. */
static void
abandon(Work *w)
{
    pthread_mutex_lock(&w->mu);
    w->printed_chunks = w->n_chunks;
    w->next_chunk = w->n_chunks;
    pthread_cond_broadcast(&w->slot_free);
    pthread_mutex_unlock(&w->mu);
}

int
cmd_verify(int argc, char **argv)
{
    const char *trust_path = NULL, *status_path = NULL, *reg_flag = NULL;
    Registry *reg = NULL;
    CliLogProof *proof = NULL;
    bool as_json = false;
    char **bufs = NULL;
    size_t n_files, n = 0, cap = 0, valid = 0;
    Item *items = NULL;
    Trust *trust = NULL;
    StatusList *list = NULL;
    CertStatusCheck status = {status_cert_check, NULL, status_kiosk_check, NULL, NULL, NULL};
    Work w = {0};
    pthread_t *threads = NULL;
    long n_threads = 0;
    bool progress, sync_made = false;
    int64_t now = clock_now();
    CkErr err;
    int opt, rc = CLI_USAGE;
    const CliOption opts[] = {{"trust", .value = &trust_path},
                              {"status", .value = &status_path},
                              {"registry", .value = &reg_flag},
                              {"json", .flag = &as_json},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (trust_path == NULL) {
        usage(stderr);
        return cli_usage_error("verify needs --trust TRUST.jwks (from `certctl trust export`)");
    }
    if ((err = trust_load(trust_path, &trust)) != CK_OK)
        return cli_fail(err);
    if (status_path != NULL) {
        if ((err = cli_trust_status_load(status_path, trust, &list)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
        status.ctx = status.kiosk_ctx = list;
    } else {
        status.fn = NULL;
        status.kiosk = NULL;
    }
    if (reg_flag != NULL) {
        if ((err = cli_registry_open(reg_flag, false, &reg)) != CK_OK ||
            (err = cli_logproof_new(reg, trust, &proof)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
        status.logged = cli_logproof_check;
        status.log_ctx = proof;
    }
    n_files = optind < argc ? (size_t)(argc - optind) : 1;
    if ((bufs = calloc(n_files, sizeof *bufs)) == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    for (size_t f = 0; f < n_files; f++) {
        const char *path = optind < argc ? argv[optind + (int)f] : "-";
        size_t len;
        if ((err = fileio_read(path, VERIFY_INPUT_MAX, (unsigned char **)&bufs[f], &len)) !=
                CK_OK ||
            (err = split_lines(bufs[f], len, strcmp(path, "-") == 0 ? "stdin" : path, &items, &n,
                               &cap)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
    }
    if (n == 0) {
        rc = cli_usage_error("no certificate found in the input");
        goto out;
    }

    /* Verify on all cores; print each chunk, in input order, as soon as it is done. */
    memset(&w, 0, sizeof w);
    w.items = items;
    w.n = n;
    w.n_chunks = (n + VERIFY_CHUNK - 1) / VERIFY_CHUNK;
    w.trust = trust;
    w.status = list != NULL || proof != NULL ? &status : NULL;
    w.now = now;
    n_threads = sysconf(_SC_NPROCESSORS_ONLN);
    if (n_threads < 1)
        n_threads = 1;
    if ((size_t)n_threads > w.n_chunks)
        n_threads = (long)w.n_chunks;
    w.ring_chunks = (size_t)n_threads * VERIFY_RING_PER_THREAD;
    if ((w.ring = calloc(w.ring_chunks * VERIFY_CHUNK, sizeof *w.ring)) == NULL ||
        (w.done_seq = calloc(w.ring_chunks, sizeof *w.done_seq)) == NULL ||
        (threads = calloc((size_t)n_threads, sizeof *threads)) == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.chunk_done, NULL);
    pthread_cond_init(&w.slot_free, NULL);
    sync_made = true;
    json_decref(json_object()); /* let jansson seed its hash before threads start */
    for (long t = 0; t < n_threads; t++)
        if (pthread_create(&threads[t], NULL, worker, &w) != 0) {
            n_threads = t;
            break;
        }
    if (n_threads == 0) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "cannot start a thread to verify"));
        goto out;
    }
    /* A progress bar only when the results are not on the terminal themselves. */
    progress = cli_progress_enabled() && n > 1000 && !isatty(STDOUT_FILENO);
    if (as_json)
        fputs("{\n  \"results\": [\n", stdout);
    for (size_t ch = 0; ch < w.n_chunks; ch++) {
        const CertReport *reports = &w.ring[(ch % w.ring_chunks) * VERIFY_CHUNK];
        size_t first = ch * VERIFY_CHUNK,
               count = n - first < VERIFY_CHUNK ? n - first : VERIFY_CHUNK;
        pthread_mutex_lock(&w.mu);
        while (w.done_seq[ch % w.ring_chunks] != ch + 1) {
            if (progress) {
                struct timespec until;
                size_t done = w.done_items;
                pthread_mutex_unlock(&w.mu);
                cli_progress("verifying", done, n);
                pthread_mutex_lock(&w.mu);
                clock_gettime(CLOCK_REALTIME, &until);
                until.tv_nsec += 100 * 1000 * 1000;
                if (until.tv_nsec >= 1000 * 1000 * 1000) {
                    until.tv_sec++;
                    until.tv_nsec -= 1000 * 1000 * 1000;
                }
                pthread_cond_timedwait(&w.chunk_done, &w.mu, &until);
            } else {
                pthread_cond_wait(&w.chunk_done, &w.mu);
            }
        }
        pthread_mutex_unlock(&w.mu);
        for (size_t k = 0; k < count; k++) {
            const Item *it = &items[first + k];
            valid += reports[k].result == CK_OK;
            if (as_json && !print_json_item(it, &reports[k], now, first + k == 0)) {
                rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
                abandon(&w);
                goto join;
            }
            if (!as_json)
                print_human(it, &reports[k], now, n > 1 || n_files > 1);
        }
        pthread_mutex_lock(&w.mu);
        w.printed_chunks = ch + 1;
        pthread_cond_broadcast(&w.slot_free);
        pthread_mutex_unlock(&w.mu);
    }
    if (progress)
        cli_progress("verifying", n, n);
    if (as_json)
        printf("\n  ],\n  \"valid\": %zu,\n  \"invalid\": %zu\n}\n", valid, n - valid);
    else
        printf("%zu valid, %zu invalid\n", valid, n - valid);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        rc = cli_fail(ck_err(CK_ERR_IO, "standard output: write failed"));
        goto join;
    }
    rc = valid == n ? CLI_OK : CLI_INVALID;
    goto join;
join:
    for (long t = 0; t < n_threads; t++)
        pthread_join(threads[t], NULL);
out:
    cli_logproof_free(proof);
    registry_close(reg);
    if (sync_made) {
        pthread_cond_destroy(&w.slot_free);
        pthread_cond_destroy(&w.chunk_done);
        pthread_mutex_destroy(&w.mu);
    }
    if (w.ring != NULL)
        sodium_memzero(w.ring, w.ring_chunks * VERIFY_CHUNK * sizeof *w.ring);
    free(w.ring);
    free(w.done_seq);
    free(threads);
    free(items);
    if (bufs != NULL)
        for (size_t f = 0; f < n_files; f++)
            free(bufs[f]);
    free(bufs);
    status_free(list);
    trust_free(trust);
    return rc;
}
