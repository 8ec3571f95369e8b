/* cmd_trust: `certctl trust export` — the trust file (JWKS) verifiers use. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_trust.h"
#include "commands.h"
#include "fileio.h"
#include "home.h"
#include "trust.h"

static void
usage(FILE *f)
{
    fputs("usage: certctl trust export [--authority DIR] [--home HOME]... [--kiosk HOME]...\n"
          "                            [--out FILE]\n\n"
          "Writes a trust file (JWKS, RFC 7517) for verifiers: the pinned authority keys,\n"
          "and every kiosk and publisher key with its endorsement, gathered from the\n"
          "trust.jwks of each kiosk HOME (--home and --kiosk mean the same and may be\n"
          "repeated) and the authority in DIR. Writes to FILE, or standard output.\n",
          f);
}

/* An endorsement kept in the file but not honoured: said, so that it is seen. */
static void
warn_ignored(void *ctx, const char *why)
{
    (void)ctx;
    fprintf(stderr, "certctl trust export: warning: ignored: %s\n", why);
}

static int
trust_export(int argc, char **argv)
{
    const char *auth_dir = NULL, *out = NULL;
    const char **homes = calloc((size_t)argc + 1, sizeof *homes);
    size_t n_homes = 0;
    char name[CLI_AUTHORITY_NAME_MAX + 1], *text = NULL;
    Trust *all = NULL, *one = NULL;
    PublicKey pub;
    json_t *jwks = NULL;
    CkErr err;
    int opt, rc = CLI_USAGE;
    /* --home and --kiosk are one option, repeatable: each adds a kiosk. */
    const CliOption opts[] = {{"authority", .value = &auth_dir},
                              {"home", .value = homes, .count = &n_homes},
                              {"kiosk", .value = homes, .count = &n_homes},
                              {"out", .value = &out},
                              {NULL}};

    if (homes == NULL)
        return cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT) {
        rc = opt;
        goto out;
    }
    if (optind != argc || (auth_dir == NULL && n_homes == 0)) {
        usage(stderr);
        rc = cli_usage_error("trust export needs --home HOME or --authority DIR");
        goto out;
    }
    if ((err = trust_new(&all)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    if (auth_dir != NULL &&
        ((err = cli_trust_authority_public(auth_dir, &pub, name)) != CK_OK ||
         (err = trust_add_authority(all, &pub, name[0] ? name : NULL)) != CK_OK)) {
        rc = cli_fail(err);
        goto out;
    }
    for (size_t i = 0; i < n_homes; i++) {
        char *path = home_file(homes[i], HOME_TRUST);
        if (path == NULL) {
            rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
            goto out;
        }
        if (!fileio_exists(path)) {
            rc = cli_fail(ck_err(CK_ERR_NOT_FOUND,
                                 "%s: no trust file yet; endorse the kiosk first (`certctl kiosk "
                                 "endorse`)",
                                 path));
            free(path);
            goto out;
        }
        err = trust_load(path, &one);
        free(path);
        if (err != CK_OK || (err = trust_merge(all, one)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
        trust_free(one);
        one = NULL;
    }
    if (trust_count(all, KEY_KIND_AUTHORITY) == 0) {
        rc = cli_fail(ck_err(CK_ERR_USAGE, "the trust file would pin no authority"));
        goto out;
    }
    if (out != NULL) {
        err = trust_save(all, out);
    } else if ((jwks = trust_to_json(all)) == NULL ||
               (text = json_dumps(jwks, JSON_INDENT(2))) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
    } else {
        err = puts(text) < 0 ? ck_err(CK_ERR_IO, "standard output: write failed") : CK_OK;
    }
    if (err != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    fprintf(stderr, "trust: %zu authorities, %zu kiosks, %zu publishers%s%s\n",
            trust_count(all, KEY_KIND_AUTHORITY), trust_count(all, KEY_KIND_KIOSK),
            trust_count(all, KEY_KIND_PUBLISHER), out ? " written to " : "", out ? out : "");
    trust_foreach_ignored(all, warn_ignored, NULL);
    rc = CLI_OK;
out:
    free(text);
    json_decref(jwks);
    trust_free(one);
    trust_free(all);
    free(homes);
    return rc;
}

int
cmd_trust(int argc, char **argv)
{
    static const CliVerb subs[] = {{"export", "write the trust file", trust_export}};

    return cli_subcommand("trust", subs, sizeof subs / sizeof subs[0], usage, argc, argv);
}
