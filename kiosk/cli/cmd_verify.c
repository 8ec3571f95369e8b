/* cmd_verify: `certctl verify` — many certificates, checked in parallel, reported in input order.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cert.h"
#include "cli.h"
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
    CertReport report;
} Item;

typedef struct Work {
    Item *items;
    size_t n;
    atomic_size_t next, done;
    const Trust *trust;
    const CertStatusCheck *status;
    int64_t now;
} Work;

static void
usage(FILE *f)
{
    fputs("usage: certctl verify --trust TRUST.jwks [--status LIST.jws] [--json] [FILE|-]...\n\n"
          "Verifies certificates: each FILE holds one certificate, or many, one compact\n"
          "JWS a line (blank lines and lines starting with # are skipped); - or no FILE\n"
          "reads standard input. Every certificate goes through the steps format,\n"
          "signature, kiosk endorsement (at issue time, by an authority pinned in\n"
          "TRUST.jwks), not before, expiry and status (revocation, with --status: an\n"
          "authority's signed status list). Certificates are checked in parallel on all\n"
          "cores and reported in input order, followed by \"N valid, M invalid\".\n\n"
          "exit status: 0 all valid, 1 any invalid, 2 usage or input/output error\n",
          f);
}

static void *
worker(void *arg)
{
    Work *w = arg;
    size_t i;

    while ((i = atomic_fetch_add(&w->next, 1)) < w->n) {
        Item *it = &w->items[i];
        /* The outcome is in the report; the return value repeats it. */
        if (cert_verify(it->jws, it->len, w->trust, w->now, w->status, &it->report) != CK_OK)
            it->report.result = it->report.result != CK_OK ? it->report.result : CK_ERR_INTERNAL;
        atomic_fetch_add(&w->done, 1);
    }
    return NULL;
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

static const char *
outcome_name(CertStepOutcome o)
{
    switch (o) {
    case CERT_STEP_PASSED:
        return "passed";
    case CERT_STEP_FAILED:
        return "failed";
    case CERT_STEP_NOT_CHECKED:
        return "not checked";
    default:
        return "not run";
    }
}

static const char *
outcome_mark(CertStepOutcome o)
{
    switch (o) {
    case CERT_STEP_PASSED:
        return "ok  ";
    case CERT_STEP_FAILED:
        return "FAIL";
    case CERT_STEP_NOT_CHECKED:
        return "--  ";
    default:
        return "    ";
    }
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
print_human(const Item *it, int64_t now, bool many)
{
    const CertReport *r = &it->report;
    char until[CLOCK_RFC3339_LEN + 1], left[48];

    if (many)
        printf("%s:%zu: ", it->source, it->line);
    if (r->result == CK_OK) {
        clock_format(r->valid_until, until);
        time_left(r->valid_until, now, left, sizeof left);
        printf("VALID    %s  %s (%s)  valid until %s (%s)\n", r->serial, r->subject_name, r->nation,
               until, left);
    } else {
        CertStepId s = failed_step(r);
        printf("INVALID  %s  failed at step \"%s\": %s\n", r->serial[0] ? r->serial : "-",
               cert_step_name(s), r->steps[s].detail);
    }
    for (int i = 0; i < CERT_STEP_COUNT_; i++)
        if (r->steps[i].outcome != CERT_STEP_NOT_RUN)
            printf("    %s %-18s %s\n", outcome_mark(r->steps[i].outcome),
                   cert_step_name((CertStepId)i), r->steps[i].detail);
}

static json_t *
item_json(const Item *it, int64_t now)
{
    const CertReport *r = &it->report;
    json_t *steps = json_array(), *o;
    char t[CLOCK_RFC3339_LEN + 1];

    for (int i = 0; i < CERT_STEP_COUNT_; i++)
        json_array_append_new(
            steps, json_pack("{s:s,s:s,s:s}", "step", cert_step_name((CertStepId)i), "outcome",
                             outcome_name(r->steps[i].outcome), "detail", r->steps[i].detail));
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
    }
    if (r->result == CK_OK)
        json_object_set_new(o, "secondsLeft", json_integer((json_int_t)(r->valid_until - now)));
    else
        json_object_set_new(o, "error", json_string(r->steps[failed_step(r)].detail));
    return o;
}

int
cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"trust", required_argument, NULL, 't'},
                                         {"status", required_argument, NULL, 's'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *trust_path = NULL, *status_path = NULL;
    bool as_json = false;
    char **bufs = NULL;
    size_t n_files, n = 0, cap = 0, valid = 0;
    Item *items = NULL;
    Trust *trust = NULL;
    StatusList *list = NULL;
    CertStatusCheck status = {status_cert_check, NULL};
    Work w;
    pthread_t *threads = NULL;
    long n_threads;
    int64_t now = clock_now();
    CkErr err;
    int c, rc = CLI_USAGE;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            trust_path = optarg;
            break;
        case 's':
            status_path = optarg;
            break;
        case 'j':
            as_json = true;
            break;
        case 'h':
            usage(stdout);
            return CLI_OK;
        default:
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (trust_path == NULL) {
        usage(stderr);
        return cli_usage_error("verify needs --trust TRUST.jwks (from `certctl trust export`)");
    }
    if ((err = trust_load(trust_path, &trust)) != CK_OK)
        return cli_fail(err);
    if (status_path != NULL) {
        if ((err = status_load(status_path, trust, &list)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
        status.ctx = list;
        /* A verifier never goes back to an older list than one it has seen
         * (remembered per authority under the state folder). */
        {
            char *state = cli_state_dir(), *dir = state ? fileio_join(state, "status") : NULL;
            err = dir ? status_remember(dir, list, trust) : ck_err(CK_ERR_NOMEM, "out of memory");
            free(dir);
            free(state);
            if (err != CK_OK) {
                rc = cli_fail(err);
                goto out;
            }
        }
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

    /* Verify on all cores; each thread writes only its items' reports. */
    memset(&w, 0, sizeof w);
    w.items = items;
    w.n = n;
    w.trust = trust;
    w.status = list != NULL ? &status : NULL;
    w.now = now;
    atomic_init(&w.next, 0);
    atomic_init(&w.done, 0);
    n_threads = sysconf(_SC_NPROCESSORS_ONLN);
    if (n_threads < 1)
        n_threads = 1;
    if ((size_t)n_threads > n)
        n_threads = (long)n;
    json_decref(json_object()); /* let jansson seed its hash before threads start */
    if ((threads = calloc((size_t)n_threads, sizeof *threads)) == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    for (long t = 0; t < n_threads; t++)
        if (pthread_create(&threads[t], NULL, worker, &w) != 0) {
            n_threads = t;
            break;
        }
    if (n_threads == 0)
        worker(&w);
    if (cli_progress_enabled() && n > 1000)
        while (atomic_load(&w.done) < n) {
            cli_progress("verifying", atomic_load(&w.done), n);
            usleep(100000);
        }
    for (long t = 0; t < n_threads; t++)
        pthread_join(threads[t], NULL);
    if (cli_progress_enabled() && n > 1000)
        cli_progress("verifying", n, n);

    for (size_t i = 0; i < n; i++)
        valid += items[i].report.result == CK_OK;
    if (as_json) {
        json_t *results = json_array(), *doc;
        char *text;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(results, item_json(&items[i], now));
        doc = json_pack("{s:o,s:I,s:I}", "results", results, "valid", (json_int_t)valid, "invalid",
                        (json_int_t)(n - valid));
        text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
        if (text == NULL) {
            json_decref(doc);
            rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
            goto out;
        }
        puts(text);
        free(text);
        json_decref(doc);
    } else {
        for (size_t i = 0; i < n; i++)
            print_human(&items[i], now, n > 1 || n_files > 1);
        printf("%zu valid, %zu invalid\n", valid, n - valid);
    }
    if (fflush(stdout) != 0) {
        rc = cli_fail(ck_err(CK_ERR_IO, "standard output: write failed"));
        goto out;
    }
    rc = valid == n ? CLI_OK : CLI_INVALID;
out:
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
