/* cmd_issue: `certctl issue --paper` — record paper acknowledgements as certificates in the kiosk's
 * log. */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "home.h"
#include "issue.h"
#include "roster.h"
#include "store.h"
#include "utf8.h"

static const char issue_usage[] =
    "usage: certctl issue --paper --home HOME --recorded-by ADMIN\n"
    "           --name NAME --nation NOR --service-number X --category "
    "military|civilian|contractor\n"
    "           [--rank R] [--unit U] [--operation OP] [--signed-on DATE] [--form-ref REF] [--days "
    "N]\n"
    "       certctl issue --paper --home HOME --recorded-by ADMIN --csv FILE\n"
    "           [--operation OP] [--signed-on DATE] [--form-ref REF] [--days N]\n"
    "\n"
    "Records acknowledgements that people signed on paper (when the kiosk was down) as\n"
    "certificates of the kiosk at HOME: signed with its key, evidence method \"paper\" and\n"
    "recordedBy ADMIN, serial <kiosk_id>-<log index>, appended to its log with a signed\n"
    "checkpoint in one transaction. A certificate is printed only once it is committed:\n"
    "the full SD-JWT on standard output, and \"issued SERIAL, valid until DATE\" on\nstandard error.\n"
    "\n"
    "--signed-on DATE  the date on the paper form (YYYY-MM-DD; default today), recorded as\n"
    "                  its own evidence field, paperSignedOn. validFrom is the time the\n"
    "                  certificate is recorded, never the form's date: a certificate does\n"
    "                  not claim to predate its signature (the kiosk key's endorsement is\n"
    "                  checked at validFrom). validUntil is the form's date + --days N\n"
    "                  (default 365), so a late recording does not extend the validity.\n"
    "--csv FILE        one certificate per row; columns (any order, header row first):\n"
    "                  name, nation, id (or service_number), category, and optional rank, unit.\n"
    "                  --operation, --signed-on and --form-ref apply to every row. A bad row\n"
    "                  is reported with its line number and skipped; the others are issued.\n"
    "\n"
    "exit status: 0 all issued, 1 some CSV rows were refused, 2 usage or input/output error\n";

static void
usage(FILE *f)
{
    fputs(issue_usage, f);
}

typedef struct IssueOpts {
    const char *home, *recorded_by, *operation, *form_ref, *csv;
    int64_t signed_on; /* 0: today */
    long days;
} IssueOpts;

typedef struct IssueCtx {
    const IssueOpts *o;
    Store *st;
    IssueKiosk kiosk;
} IssueCtx;

/* A text option of a paper certificate: UTF-8 without controls, bidi
 * controls or invisible characters (the roster rows of --csv are checked by
 * roster_load the same way). */
static CkErr
check_text(const char *what, const char *s)
{
    size_t off, len = s ? strlen(s) : 0;
    Utf8Problem p = s ? utf8_check(s, len, SIZE_MAX, false, NULL, &off) : UTF8_OK;
    char where[96];

    if (p == UTF8_OK)
        return CK_OK;
    return ck_err(CK_ERR_FORMAT, "%s %s (%s)", what, utf8_problem_str(p),
                  utf8_describe_at(s, len, off, where, sizeof where));
}

/* Fills, signs and logs one person's certificate; prints it after commit. */
static CkErr
issue_person(IssueCtx *ctx, const char *name, const char *nation, const char *number,
             const char *category, const char *rank, const char *unit)
{
    const IssueOpts *o = ctx->o;
    char until[CLOCK_RFC3339_LEN + 1], day[11];
    int64_t now = clock_now(), from;
    CertClaims *c = cert_claims_new();
    json_t *extra = NULL;
    IssueResult r;
    CkErr err;

    if (c == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    from = o->signed_on ? o->signed_on : now;
    if ((err = check_text("the name", name)) != CK_OK ||
        (err = check_text("the service number", number)) != CK_OK ||
        (err = check_text("the rank", rank)) != CK_OK ||
        (err = check_text("the unit", unit)) != CK_OK ||
        (err = check_text("--operation", o->operation)) != CK_OK ||
        (err = check_text("--recorded-by", o->recorded_by)) != CK_OK ||
        (err = check_text("--form-ref", o->form_ref)) != CK_OK)
        goto out;
    if ((err = CERT_SET(c, name, name)) != CK_OK || (err = CERT_SET(c, nation, nation)) != CK_OK ||
        (err = CERT_SET(c, service_number, number)) != CK_OK ||
        (err = CERT_SET(c, category, category)) != CK_OK ||
        (err = CERT_SET(c, rank, rank ? rank : "")) != CK_OK ||
        (err = CERT_SET(c, unit, unit ? unit : "")) != CK_OK ||
        (err = CERT_SET(c, operation, o->operation ? o->operation : "")) != CK_OK ||
        (err = CERT_SET(c, recorded_by, o->recorded_by)) != CK_OK ||
        (err = CERT_SET(c, paper_form_ref, o->form_ref ? o->form_ref : "")) != CK_OK)
        goto out;
    c->method = CERT_METHOD_PAPER;
    c->valid_from = now;
    c->valid_until = from + (int64_t)o->days * 86400;
    if (c->valid_until <= now) {
        err = ck_err(CK_ERR_USAGE, "a form signed on that date expired after %ld days", o->days);
        goto out;
    }
    if (o->signed_on) {
        clock_format(o->signed_on, until);
        memcpy(day, until, 10);
        day[10] = '\0';
        memcpy(c->paper_signed_on, day, sizeof day);
        extra = json_pack("{s:s}", "paperSignedOn", day);
    }
    if ((err = issue_certificate(ctx->st, &ctx->kiosk, c, extra, &r)) != CK_OK)
        goto out;
    clock_format(r.valid_until, until);
    printf("%s\n", r.jws);
    fflush(stdout);
    fprintf(stderr, "issued %s, valid until %.10s\n", r.serial, until);
    issue_result_clear(&r);
out:
    json_decref(extra);
    cert_claims_free(c);
    return err;
}

static bool
blank(const char *s)
{
    return s == NULL || *s == '\0';
}

/* One certificate per valid row; returns the number of rows refused, or -1 on a hard error. */
static long
issue_csv(IssueCtx *ctx, CkErr *hard_err)
{
    Roster *roster = NULL;
    long refused = 0;
    CkErr err;

    if ((err = roster_load(ctx->o->csv, &roster)) != CK_OK) {
        *hard_err = err;
        return -1;
    }
    for (size_t i = 0; i < roster_problem_count(roster); i++) {
        const RosterProblem *p = roster_problem(roster, i);
        fprintf(stderr, "certctl issue: %s: %s\n", ctx->o->csv, p->message);
        if (p->kind != ROSTER_BAD_CATEGORY) /* such a row is kept, and refused below */
            refused++;
    }
    for (size_t i = 0; i < roster_count(roster); i++) {
        const RosterEntry *e = roster_entry(roster, i);
        if (blank(e->name) || blank(e->category)) {
            fprintf(stderr,
                    "certctl issue: %s: line %zu: a paper certificate needs a name and a "
                    "category (military, civilian or contractor)\n",
                    ctx->o->csv, e->line);
            refused++;
            continue;
        }
        err = issue_person(ctx, e->name, e->nation, e->id, e->category, e->rank, e->unit);
        if (err == CK_ERR_NOSPACE || err == CK_ERR_IO || err == CK_ERR_DB || err == CK_ERR_NOMEM ||
            err == CK_ERR_TAMPERED) {
            fprintf(stderr, "certctl issue: %s: line %zu: %s\n", ctx->o->csv, e->line,
                    ck_err_detail());
            *hard_err = err; /* the store cannot take more: stop here */
            roster_unload(roster);
            return -1;
        }
        if (err != CK_OK) {
            fprintf(stderr, "certctl issue: %s: line %zu: %s\n", ctx->o->csv, e->line,
                    ck_err_detail());
            refused++;
        }
    }
    roster_unload(roster);
    return refused;
}

int
cmd_issue(int argc, char **argv)
{
    const char *name = NULL, *nation = NULL, *number = NULL, *category = NULL, *rank = NULL,
               *unit = NULL, *signed_on = NULL, *days = NULL;
    IssueOpts o = {.days = 365};
    IssueCtx ctx = {.o = &o};
    KioskHome kh;
    SecretKey *sk = NULL;
    Trust *trust = NULL;
    char *end;
    bool paper = false;
    CkErr err = CK_OK;
    int opt, rc;
    const CliOption opts[] = {{"paper", .flag = &paper},
                              {"home", .value = &o.home},
                              {"recorded-by", .value = &o.recorded_by},
                              {"name", .value = &name},
                              {"nation", .value = &nation},
                              {"service-number", .value = &number},
                              {"category", .value = &category},
                              {"rank", .value = &rank},
                              {"unit", .value = &unit},
                              {"operation", .value = &o.operation},
                              {"signed-on", .value = &signed_on},
                              {"form-ref", .value = &o.form_ref},
                              {"csv", .value = &o.csv},
                              {"days", .value = &days},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (optind != argc)
        return cli_usage_error("issue: unexpected argument \"%s\"", argv[optind]);
    if (!paper)
        return cli_usage_error("issue: only --paper is supported here (the kiosk issues the "
                               "others); see certctl issue --help");
    if (o.home == NULL || blank(o.recorded_by))
        return cli_usage_error("issue: --home HOME and --recorded-by ADMIN are required");
    if ((o.csv != NULL) == (name != NULL || nation != NULL || number != NULL || category != NULL ||
                            rank != NULL || unit != NULL))
        return cli_usage_error("issue: give either --csv FILE or --name, --nation, "
                               "--service-number and --category");
    if (o.csv == NULL && (blank(name) || blank(nation) || blank(number) || blank(category)))
        return cli_usage_error("issue: --name, --nation, --service-number and --category are "
                               "required");
    if (days != NULL) {
        o.days = strtol(days, &end, 10);
        if (*days == '\0' || *end != '\0' || o.days < 1 || o.days > 3660)
            return cli_usage_error("issue: --days must be a number of days from 1 to 3660");
    }
    if (signed_on != NULL) {
        if (strlen(signed_on) != 10 || clock_parse(signed_on, &o.signed_on) != CK_OK)
            return cli_usage_error("issue: --signed-on \"%s\" is not a date YYYY-MM-DD", signed_on);
        if (o.signed_on > clock_now())
            return cli_usage_error("issue: --signed-on %s is in the future", signed_on);
    }

    if ((err = home_read(o.home, &kh)) != CK_OK || (err = home_load_key(o.home, &sk)) != CK_OK ||
        (err = home_load_trust(o.home, &trust)) != CK_OK)
        goto out;
    if ((err = home_open_store(o.home, true, &ctx.st)) != CK_OK)
        goto out;
    ctx.kiosk = (IssueKiosk){sk, kh.kiosk_id, kh.operator_name[0] ? kh.operator_name : NULL,
                             kh.origin, trust};
    if (o.csv == NULL) {
        err = issue_person(&ctx, name, nation, number, category, rank, unit);
    } else {
        long refused = issue_csv(&ctx, &err);
        if (refused > 0) {
            fprintf(stderr, "certctl issue: %ld row(s) of %s refused\n", refused, o.csv);
            rc = CLI_INVALID;
            goto done;
        }
    }
out:
    rc = err == CK_OK ? CLI_OK : cli_fail(err);
done:
    store_close(ctx.st);
    trust_free(trust);
    key_destroy(sk);
    return rc;
}
