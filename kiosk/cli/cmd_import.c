/* cmd_import: `certctl import` — kiosk exports (and status lists) into the administrator's
 * registry. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_registry.h"
#include "clock.h"
#include "commands.h"
#include "registry.h"
#include "status.h"
#include "trust.h"

static void
usage(FILE *f)
{
    fputs("usage: certctl import --trust TRUST.jwks [--registry DIR] [--status LIST.jws] "
          "EXPORT.json...\n\n"
          "Imports kiosk exports (from `certctl export`) into the registry in DIR (default:\n"
          "$CERTKIOSK_STATE_DIR/registry, else ~/.local/state/certkiosk/registry). Each\n"
          "export is checked before anything is stored: the kiosk must be endorsed by an\n"
          "authority pinned in TRUST.jwks and the endorsement still valid; its log must\n"
          "match the kiosk's signed checkpoint and extend the log the registry witnessed\n"
          "before; every certificate is verified (in parallel). An export that fails is\n"
          "refused as a whole and leaves the registry unchanged; importing the same export\n"
          "again changes nothing. --status also stores an authority's signed status list\n"
          "(refused if older than the one held).\n\n"
          "exit status: 0 all imported, 1 an export or list was refused, 2 usage or I/O error\n",
          f);
}

int
cmd_import(int argc, char **argv)
{
    const char *trust_path = NULL, *reg_flag = NULL, *status_path = NULL;
    Trust *trust = NULL;
    Registry *reg = NULL;
    StatusList *list = NULL;
    int opt, rc = CLI_OK;
    CkErr err;
    const CliOption opts[] = {{"trust", .value = &trust_path},
                              {"registry", .value = &reg_flag},
                              {"status", .value = &status_path},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (trust_path == NULL) {
        usage(stderr);
        return cli_usage_error("import needs --trust TRUST.jwks (the pinned authorities)");
    }
    if (optind >= argc && status_path == NULL) {
        usage(stderr);
        return cli_usage_error("nothing to import: give EXPORT.json files or --status");
    }
    if ((err = trust_load(trust_path, &trust)) != CK_OK)
        return cli_fail(err);
    if ((err = cli_registry_open(reg_flag, true, &reg)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    for (int i = optind; i < argc; i++) {
        RegistryImportStats st;
        CliTimedProgress p;

        cli_timed_progress_start(&p, "verifying");
        err = registry_import_file(reg, argv[i], trust, clock_now(), cli_timed_progress, &p, &st);
        if (err != CK_OK) {
            int r = cli_fail(err);
            fprintf(stderr, "certctl: %s: refused; the registry is unchanged\n", argv[i]);
            if (rc == CLI_OK || r == CLI_USAGE)
                rc = r;
            continue;
        }
        printf("%s: kiosk %s%s: %zu certificates, %zu new, %zu already known; log %llu -> %llu "
               "entries, consistent with what the registry witnessed\n",
               argv[i], st.kiosk_id, st.new_kiosk ? " (new to the registry)" : "", st.certificates,
               st.added, st.known, (unsigned long long)st.old_size,
               (unsigned long long)st.new_size);
    }
    if (status_path != NULL) {
        bool changed;
        if ((err = status_load(status_path, trust, &list)) != CK_OK ||
            (err = registry_set_status(reg, list, &changed)) != CK_OK) {
            int r = cli_fail(err);
            if (rc == CLI_OK || r == CLI_USAGE)
                rc = r;
            goto out;
        }
        printf("%s: status list of authority %s, version %llu, %zu revoked: %s\n", status_path,
               status_issuer(list), (unsigned long long)status_version(list), status_count(list),
               changed ? "stored" : "already held");
    }
out:
    status_free(list);
    registry_close(reg);
    trust_free(trust);
    return rc;
}
