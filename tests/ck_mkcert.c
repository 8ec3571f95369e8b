/* ck_mkcert: TEST ONLY — signs a paper-style certificate with a kiosk home's key, for CLI tests.
 * usage: ck_mkcert HOME NAME NATION SERVICE_NUMBER LOG_INDEX VALID_FROM VALID_UNTIL [kiosk]
 * With "kiosk" the certificate carries what one signed at the kiosk does: rank, unit, operation,
 * two bundles with texts and clauses, a quiz with its choice order, a training confirmation and
 * a signature hash. Real certificates come from `certctl issue` or the kiosk, which also record
 * them in the log. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "clock.h"
#include "home.h"

#define HASH "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* The evidence of a certificate signed at the kiosk, with every optional member. */
static void
kiosk_evidence(CertClaims *c)
{
    static const char *const bundles[] = {"int.nato.cthb", "no.forsvaret.cthb"};

    c->method = CERT_METHOD_KIOSK;
    c->recorded_by[0] = '\0';
    snprintf(c->rank, sizeof c->rank, "Sersjant");
    snprintf(c->unit, sizeof c->unit, "Telemark bataljon");
    snprintf(c->operation, sizeof c->operation, "Resolute Support");
    for (size_t i = 0; i < 2; i++) {
        snprintf(c->bundles[i].id, sizeof c->bundles[i].id, "%s", bundles[i]);
        snprintf(c->bundles[i].version, sizeof c->bundles[i].version, "2026.1.0");
        snprintf(c->bundles[i].manifest_sha256, sizeof c->bundles[i].manifest_sha256, HASH);
        snprintf(c->text_sha256[i].key, sizeof c->text_sha256[i].key, "%s/en", bundles[i]);
        snprintf(c->text_sha256[i].sha256, sizeof c->text_sha256[i].sha256, HASH);
        snprintf(c->clauses[i], sizeof c->clauses[i], "%s#c1", bundles[i]);
    }
    c->n_bundles = c->n_text_hashes = c->n_clauses = 2;
    c->has_quiz = true;
    c->quiz_score = 18;
    c->quiz_of = 18;
    c->quiz_pass_mark = 80;
    c->quiz_attempts = 1;
    c->n_choice_orders = 1;
    snprintf(c->choice_orders[0].question, sizeof c->choice_orders[0].question,
             "int.nato.cthb#q1");
    c->choice_orders[0].n = 3;
    c->choice_orders[0].order[0] = 2;
    c->choice_orders[0].order[1] = 0;
    c->choice_orders[0].order[2] = 1;
    c->n_training = 1;
    snprintf(c->training[0].course, sizeof c->training[0].course, "Forsvarets holdningskurs");
    snprintf(c->training[0].date, sizeof c->training[0].date, "2026-11-20");
    snprintf(c->signature_sha256, sizeof c->signature_sha256, HASH);
}

int
main(int argc, char **argv)
{
    KioskHome kh;
    SecretKey *sk = NULL;
    CertClaims *c = NULL;
    char serial[CERT_SERIAL_MAX + 1], *jws = NULL;
    CkErr err;

    if (argc != 8 && !(argc == 9 && strcmp(argv[8], "kiosk") == 0)) {
        fputs("usage: ck_mkcert HOME NAME NATION SERVICE_NUMBER LOG_INDEX FROM UNTIL [kiosk]\n",
              stderr);
        return 2;
    }
    if (sodium_init() < 0 || (c = cert_claims_new()) == NULL)
        return 2;
    if ((err = home_read(argv[1], &kh)) != CK_OK || (err = home_load_key(argv[1], &sk)) != CK_OK ||
        (err = CERT_SET(c, name, argv[2])) != CK_OK ||
        (err = CERT_SET(c, nation, argv[3])) != CK_OK ||
        (err = CERT_SET(c, service_number, argv[4])) != CK_OK ||
        (err = CERT_SET(c, category, "military")) != CK_OK ||
        (err = CERT_SET(c, recorded_by, "Test administrator")) != CK_OK ||
        (err = clock_parse(argv[6], &c->valid_from)) != CK_OK ||
        (err = clock_parse(argv[7], &c->valid_until)) != CK_OK)
        goto out;
    c->method = CERT_METHOD_PAPER;
    if (argc == 9)
        kiosk_evidence(c);
    c->log_index = atoll(argv[5]);
    cert_serial(kh.kiosk_id, c->log_index, serial);
    if ((err = cert_sign(c, sk, kh.kiosk_id, kh.operator_name, serial, &jws)) != CK_OK)
        goto out;
    puts(jws);
out:
    if (err != CK_OK)
        fprintf(stderr, "ck_mkcert: %s\n", ck_err_detail());
    free(jws);
    cert_claims_free(c);
    key_destroy(sk);
    return err == CK_OK ? 0 : 2;
}
