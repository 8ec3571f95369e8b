/* cmd_show: `certctl show` — one certificate decoded, and (with --trust) checked step by step. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cli.h"
#include "cli_trust.h"
#include "clock.h"
#include "commands.h"
#include "fileio.h"
#include "jws.h"
#include "status.h"
#include "trust.h"

static void
usage(FILE *f)
{
    fputs("usage: certctl show [--trust TRUST.jwks] [--status LIST.jws] [--json] CERT|-\n\n"
          "Decodes one certificate (a file holding it, the text itself, or - for\n"
          "standard input) and prints what it says: a full certificate (SD-JWT with\n"
          "every disclosure), a presentation (the QR's: which claims it discloses and\n"
          "which it withholds), or a first-format compact JWS. With --trust it also runs\n"
          "the verification steps and shows each outcome.\n\n"
          "exit status: 0 shown (and valid, with --trust), 1 malformed or invalid,\n"
          "2 usage or input/output error\n",
          f);
}

static const char *
form_name(CertForm f)
{
    switch (f) {
    case CERT_FORM_V1:
        return "certificate, format 1 (vc+jwt: every claim in clear)";
    case CERT_FORM_FULL:
        return "full certificate (vc+sd-jwt, SD-JWT with every disclosure)";
    case CERT_FORM_PRESENTATION:
        return "presentation (vc+sd-jwt, SD-JWT with claims withheld)";
    }
    return "unknown";
}

/* "disclosed" and "withheld" lines: what a verifier of this text can see. */
static void
print_disclosure(const CertClaims *c)
{
    printf("  disclosed    name, nation, category, validity, serial, issuer, status");
    for (unsigned b = 1; b & CERT_CLAIM_ALL_; b <<= 1)
        if (c->disclosed & b)
            printf(", %s", cert_claim_name(b));
    printf("\n");
    if (c->form == CERT_FORM_PRESENTATION) {
        printf("  withheld    ");
        for (unsigned b = 1, first = 1; b & CERT_CLAIM_ALL_; b <<= 1)
            if (!(c->disclosed & b)) {
                printf("%s %s", first ? "" : ",", cert_claim_name(b));
                first = 0;
            }
        printf(" (a withheld claim may also be absent: decoy digests hide which)\n");
    }
}

static void
print_claims(const CertClaims *c)
{
    char from[CLOCK_RFC3339_LEN + 1], until[CLOCK_RFC3339_LEN + 1];

    clock_format(c->valid_from, from);
    clock_format(c->valid_until, until);
    printf("certificate %s\n", cli_tx(c->serial));
    printf("  form         %s\n", form_name(c->form));
    print_disclosure(c);
    printf("  issuer       kiosk %s%s%s%s, key %s\n", cli_tx(c->kiosk_id),
           c->operator_name[0] ? " (" : "", cli_tx(c->operator_name),
           c->operator_name[0] ? ")" : "", cli_tx(c->kid));
    printf("  subject      %s, %s", cli_tx(c->name), cli_tx(c->nation));
    if (c->disclosed & CERT_CLAIM_SERVICE_NUMBER)
        printf(", service number %s", cli_tx(c->service_number));
    printf(", %s", cli_tx(c->category));
    if (c->rank[0])
        printf(", rank %s", cli_tx(c->rank));
    if (c->unit[0])
        printf(", unit %s", cli_tx(c->unit));
    if (c->operation[0])
        printf(", operation %s", cli_tx(c->operation));
    printf("\n  valid        %s .. %s\n", from, until);
    if (!(c->disclosed & CERT_CLAIM_EVIDENCE)) {
        if (c->supersedes[0])
            printf("  supersedes   %s\n", cli_tx(c->supersedes));
        return;
    }
    printf("  method       %s", c->method == CERT_METHOD_PAPER ? "paper acknowledgement" : "kiosk");
    if (c->method == CERT_METHOD_PAPER)
        printf(", recorded by %s%s%s%s%s", cli_tx(c->recorded_by),
               c->paper_form_ref[0] ? ", form " : "", cli_tx(c->paper_form_ref),
               c->paper_signed_on[0] ? ", signed on " : "", cli_tx(c->paper_signed_on));
    printf("\n");
    for (size_t i = 0; i < c->n_bundles; i++)
        printf("  bundle       %s %s (manifest %.16s...)\n", cli_tx(c->bundles[i].id),
               cli_tx(c->bundles[i].version), cli_tx(c->bundles[i].manifest_sha256));
    for (size_t i = 0; i < c->n_text_hashes; i++)
        printf("  text %-22s sha256 %.16s...\n", cli_tx(c->text_sha256[i].key),
               cli_tx(c->text_sha256[i].sha256));
    if (c->n_clauses > 0) {
        printf("  clauses     ");
        for (size_t i = 0; i < c->n_clauses; i++)
            printf(" %s", cli_tx(c->clauses[i]));
        printf("\n");
    }
    if (c->has_quiz)
        printf("  quiz         %d of %d (pass mark %d%%, %d attempt%s%s)\n", c->quiz_score,
               c->quiz_of, c->quiz_pass_mark, c->quiz_attempts, c->quiz_attempts == 1 ? "" : "s",
               c->n_choice_orders ? ", choice order recorded" : "");
    for (size_t i = 0; i < c->n_training; i++)
        printf("  training     %s, %s\n", cli_tx(c->training[i].course),
               cli_tx(c->training[i].date));
    if (c->signature_sha256[0])
        printf("  signature    strokes sha256 %.16s...\n", cli_tx(c->signature_sha256));
    printf("  log index    %lld\n", (long long)c->log_index);
    if (c->supersedes[0])
        printf("  supersedes   %s\n", cli_tx(c->supersedes));
}

int
cmd_show(int argc, char **argv)
{
    const char *trust_path = NULL, *status_path = NULL, *arg;
    bool as_json = false;
    unsigned char *data = NULL;
    size_t len = 0;
    char *jws;
    CertClaims *claims = NULL;
    Trust *trust = NULL;
    StatusList *list = NULL;
    CertStatusCheck status = {status_cert_check, NULL, status_kiosk_check, NULL, NULL, NULL};
    CertReport report;
    int64_t now = clock_now();
    CkErr err, verr = CK_OK;
    int opt, rc = CLI_USAGE;
    const CliOption opts[] = {{"trust", .value = &trust_path},
                              {"status", .value = &status_path},
                              {"json", .flag = &as_json},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (optind != argc - 1) {
        usage(stderr);
        return cli_usage_error("show needs exactly one certificate (a file, the JWS, or -)");
    }
    if (status_path != NULL && trust_path == NULL)
        return cli_usage_error("--status needs --trust");
    arg = argv[optind];
    if (strcmp(arg, "-") == 0 || fileio_exists(arg)) {
        if ((err = fileio_read(arg, JWS_MAX_LEN + 4096, &data, &len)) != CK_OK)
            return cli_fail(err);
        jws = (char *)data;
    } else if (strchr(arg, '.') != NULL && strchr(arg, '/') == NULL) {
        jws = (char *)arg;
        len = strlen(arg);
    } else {
        return cli_fail(ck_err(CK_ERR_NOT_FOUND, "%s: no such file", arg));
    }
    while (len > 0 && (jws[len - 1] == '\n' || jws[len - 1] == '\r' || jws[len - 1] == ' '))
        len--;
    if (trust_path != NULL && (err = trust_load(trust_path, &trust)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    if (status_path != NULL) {
        if ((err = cli_trust_status_load(status_path, trust, &list)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
        status.ctx = status.kiosk_ctx = list;
    }
    if ((err = cert_decode(jws, len, &claims)) != CK_OK) {
        fprintf(stderr, "certctl: not a valid certificate (step \"format\"): %s\n",
                ck_err_detail());
        rc = CLI_INVALID;
        goto out;
    }
    if (trust != NULL)
        verr = cert_verify(jws, len, trust, now, list ? &status : NULL, &report);
    if (as_json) {
        json_t *doc = json_pack("{s:o*,s:s}", "payload", cert_payload_json(jws, len), "form",
                                claims->form == CERT_FORM_V1     ? "v1"
                                : claims->form == CERT_FORM_FULL ? "full"
                                                                 : "presentation"),
               *steps, *disc = json_array(), *held = json_array();
        for (unsigned b = 1; doc != NULL && disc && held && (b & CERT_CLAIM_ALL_); b <<= 1)
            json_array_append_new((claims->disclosed & b) ? disc : held,
                                  json_string(cert_claim_name(b)));
        json_object_set_new(doc, "disclosed", disc);
        json_object_set_new(doc, "withheld", held);
        char *text;
        if (doc != NULL && trust != NULL) {
            steps = json_array();
            for (int i = 0; i < CERT_STEP_COUNT_; i++)
                json_array_append_new(steps, json_pack("{s:s,s:s,s:s}", "step",
                                                       cert_step_name((CertStepId)i), "outcome",
                                                       cli_trust_step_word(report.steps[i].outcome),
                                                       "detail", report.steps[i].detail));
            json_object_set_new(doc, "steps", steps);
            json_object_set_new(doc, "valid", json_boolean(verr == CK_OK));
        }
        if (doc == NULL || (text = json_dumps(doc, JSON_INDENT(2))) == NULL) {
            json_decref(doc);
            rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
            goto out;
        }
        puts(text);
        free(text);
        json_decref(doc);
    } else {
        print_claims(claims);
        if (trust == NULL) {
            printf("steps\n    ok   format             well-formed %s, every digest checked\n"
                   "    --   signature          not checked: give --trust TRUST.jwks\n",
                   claims->form == CERT_FORM_PRESENTATION ? "presentation" : "certificate");
        } else {
            printf("steps\n");
            for (int i = 0; i < CERT_STEP_COUNT_; i++)
                printf("    %s %-18s %s\n", cli_trust_step_mark(report.steps[i].outcome),
                       cert_step_name((CertStepId)i), cli_tx(report.steps[i].detail));
            printf("%s\n", verr == CK_OK ? "VALID" : "INVALID");
        }
    }
    rc = verr == CK_OK ? CLI_OK : CLI_INVALID;
out:
    cert_claims_free(claims);
    status_free(list);
    trust_free(trust);
    free(data);
    return rc;
}
