/* cmd_registry: `certctl registry show|bundles` — what the registry holds; which bundle versions
 * are current. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "cli.h"
#include "cli_registry.h"
#include "clock.h"
#include "commands.h"
#include "registry.h"
#include "trust.h"

static void
usage(FILE *f)
{
    fputs("usage: certctl registry show [--registry DIR|URL]\n"
          "       certctl registry bundles --trust TRUST.jwks [--registry DIR|URL] BUNDLE_DIR...\n"
          "       certctl registry migrate [--registry DIR|URL]\n\n"
          "The registry is a folder (SQLite, the default: $CERTKIOSK_STATE_DIR/registry)\n"
          "or a PostgreSQL database shared by several administrators\n"
          "(postgresql://USER@HOST/DB, or ?host=/socket/dir); $CERTKIOSK_REGISTRY\n"
          "stands in for --registry.\n"
          "show: the kiosks the registry witnessed (log size, key), and how many\n"
          "certificates, status lists and bundles it holds.\n"
          "migrate: creates the registry's tables, or brings them to this certctl's\n"
          "schema (PostgreSQL: run it as the role that owns the tables).\n"
          "bundles: verifies signed plugin bundles (as the kiosk does) and records each\n"
          "bundle's version and material_since; `certctl report` then lists people\n"
          "certified against a version older than material_since as outdated. A version\n"
          "older than the one recorded changes nothing.\n\n"
          "exit status: 0 ok, 1 a bundle does not verify, 2 usage or I/O error\n",
          f);
}

static CkErr
show_kiosk(void *ctx, const char *kiosk_id, const char *kid, const char *origin, uint64_t size,
           const char *checkpoint)
{
    (void)ctx;
    (void)checkpoint;
    printf("  kiosk %-24s key %s  log %llu entries  (%s)\n", kiosk_id, kid,
           (unsigned long long)size, origin);
    return CK_OK;
}

int
cmd_registry(int argc, char **argv)
{
    const char *reg_flag = NULL, *trust_path = NULL, *sub;
    char *dir = NULL;
    Registry *reg = NULL;
    Trust *trust = NULL;
    int opt, rc = CLI_OK;
    CkErr err;
    const CliOption opts[] = {
        {"registry", .value = &reg_flag}, {"trust", .value = &trust_path}, {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (optind >= argc) {
        usage(stderr);
        return cli_usage_error("registry needs show or bundles");
    }
    sub = argv[optind++];
    if ((err = cli_registry_dir(reg_flag, &dir)) != CK_OK)
        return cli_fail(err);
    if (strcmp(sub, "show") == 0 && optind == argc) {
        RegistryCounts n;
        if ((err = registry_open(dir, false, &reg)) != CK_OK ||
            (err = registry_counts(reg, &n)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
        printf("registry %s (%s): %zu kiosks, %zu certificates, %zu status lists, %zu bundles\n",
               registry_where(reg), registry_backend(reg),
               n.kiosks, n.certificates, n.status_lists, n.bundles);
        if ((err = registry_foreach_kiosk(reg, show_kiosk, NULL)) != CK_OK)
            rc = cli_fail(err);
    } else if (strcmp(sub, "migrate") == 0 && optind == argc) {
        int from = 0, to = 0;
        if ((err = registry_migrate(dir, &from, &to)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
        if (from == to)
            printf("registry: schema %d, already current\n", to);
        else
            printf("registry: schema %d -> %d\n", from, to);
    } else if (strcmp(sub, "bundles") == 0 && optind < argc) {
        if (trust_path == NULL) {
            rc = cli_usage_error("registry bundles needs --trust TRUST.jwks");
            goto out;
        }
        if ((err = trust_load(trust_path, &trust)) != CK_OK ||
            (err = registry_open(dir, true, &reg)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
        for (int i = optind; i < argc; i++) {
            BundleOptions o = {.trust = trust, .now = clock_now()};
            Bundle *b = NULL;
            RegistryBundle rb;
            bool changed = false;
            memset(&rb, 0, sizeof rb);
            if ((err = bundle_load(argv[i], &o, &b)) == CK_OK) {
                snprintf(rb.id, sizeof rb.id, "%s", bundle_id(b));
                snprintf(rb.nation, sizeof rb.nation, "%s", bundle_nation(b));
                snprintf(rb.version, sizeof rb.version, "%s", bundle_version(b));
                snprintf(rb.material_since, sizeof rb.material_since, "%s",
                         bundle_material_since(b));
                err = registry_add_bundle(reg, &rb, &changed);
            }
            bundle_free(b);
            if (err != CK_OK) {
                int r = cli_fail(err);
                if (rc == CLI_OK || r == CLI_USAGE)
                    rc = r;
                continue;
            }
            printf("%s: bundle %s (%s) version %s, material since %s: %s\n", argv[i], rb.id,
                   rb.nation, rb.version, rb.material_since,
                   changed ? "recorded" : "already known (same or newer version held)");
        }
    } else {
        usage(stderr);
        rc = cli_usage_error("registry: unknown or incomplete subcommand \"%s\"", sub);
    }
out:
    registry_close(reg);
    trust_free(trust);
    free(dir);
    return rc;
}
