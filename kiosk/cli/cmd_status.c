/* cmd_status: `certctl status show` — what a revocation status list says, and whether it is
 * genuine. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "fileio.h"
#include "status.h"
#include "trust.h"

static void
usage(FILE *f)
{
    fputs("usage: certctl status show FILE [--trust TRUST.jwks]\n\n"
          "Shows a status list: its authority, version, issue time and age, and every\n"
          "revoked certificate with its reason, note and date. With --trust the list's\n"
          "signature is checked against the pinned authorities (exit 1 if it fails);\n"
          "without, it is shown as NOT checked.\n\n"
          "exit status: 0 shown, 1 the list does not verify, 2 usage or I/O error\n",
          f);
}

int
cmd_status(int argc, char **argv)
{
    const char *trust_path = NULL, *path;
    unsigned char *data = NULL;
    size_t len;
    Trust *trust = NULL;
    StatusList *list = NULL;
    char t[CLOCK_RFC3339_LEN + 1], age[64];
    int64_t now = clock_now();
    int opt, rc = CLI_OK;
    CkErr err;
    const CliOption opts[] = {{"trust", .value = &trust_path}, {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (optind + 2 != argc || strcmp(argv[optind], "show") != 0) {
        usage(stderr);
        return cli_usage_error("usage: certctl status show FILE");
    }
    path = argv[optind + 1];
    if ((err = fileio_read(path, STATUS_FILE_MAX, &data, &len)) != CK_OK)
        return cli_fail(err);
    if (trust_path != NULL) {
        if ((err = trust_load(trust_path, &trust)) != CK_OK ||
            (err = status_verify((const char *)data, len, trust, &list)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
    } else if ((err = status_parse((const char *)data, len, &list)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    clock_format(status_issued(list), t);
    status_age(status_issued(list), now, age, sizeof age);
    printf("status list of authority %s%s\n", status_issuer(list),
           trust ? " (signature verified against the trust file)"
                 : " (signature NOT checked: give --trust)");
    printf("version %llu, issued %s (%s), %zu revoked\n", (unsigned long long)status_version(list),
           t, age, status_count(list));
    for (size_t i = 0; i < status_count(list); i++) {
        const StatusEntry *e = status_entry(list, i);
        clock_format(e->time, t);
        printf("  %-28s %-16s %s%s%s\n", e->serial, e->reason, t, e->note ? "  " : "",
               cli_tx(e->note));
    }
    for (size_t i = 0; i < status_kiosk_count(list); i++) {
        const StatusKiosk *k = status_kiosk_entry(list, i);
        clock_format(k->since, t);
        printf("  kiosk %s key %s revoked from %s (%s)", k->kiosk_id, k->kid, t, k->reason);
        if (k->has_log_size)
            printf(", its first %llu log entries stay valid", (unsigned long long)k->log_size);
        printf("%s%s\n", k->note ? "  " : "", cli_tx(k->note));
    }
out:
    status_free(list);
    trust_free(trust);
    free(data);
    return rc;
}
