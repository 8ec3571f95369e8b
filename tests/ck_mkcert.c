/* ck_mkcert: TEST ONLY — signs a paper-style certificate with a kiosk home's key, for CLI tests.
 * usage: ck_mkcert HOME NAME NATION SERVICE_NUMBER LOG_INDEX VALID_FROM VALID_UNTIL
 * Real certificates come from `certctl issue`, which also records them in the log. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "cert.h"
#include "clock.h"
#include "home.h"

int
main(int argc, char **argv)
{
    KioskHome kh;
    SecretKey *sk = NULL;
    CertClaims *c = NULL;
    char serial[CERT_SERIAL_MAX + 1], *jws = NULL;
    CkErr err;

    if (argc != 8) {
        fputs("usage: ck_mkcert HOME NAME NATION SERVICE_NUMBER LOG_INDEX FROM UNTIL\n", stderr);
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
