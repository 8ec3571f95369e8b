/* cmd_authority: `certctl authority create` — a new offline authority key, passphrase-encrypted. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_trust.h"
#include "commands.h"
#include "fileio.h"
#include "keys.h"

static void
usage(FILE *f)
{
    fputs("usage: certctl authority create --out DIR --name NAME [--passphrase-file FILE]\n\n"
          "Creates an authority: DIR/authority.key (the secret key, encrypted with a\n"
          "passphrase; keep it offline) and DIR/authority.jwk (the public key that\n"
          "verifiers pin). The passphrase comes from FILE, else from the environment\n"
          "variable CERTKIOSK_PASSPHRASE, else from a prompt (asked twice).\n",
          f);
}

static int
authority_create(int argc, char **argv)
{
    const char *out = NULL, *name = NULL, *pass_file = NULL;
    char *key_path = NULL, *jwk_path = NULL;
    PublicKey pub;
    int opt, rc = CLI_USAGE;
    CkErr err;
    const CliOption opts[] = {{"out", .value = &out},
                              {"name", .value = &name},
                              {"passphrase-file", .value = &pass_file},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (optind != argc || out == NULL || name == NULL) {
        usage(stderr);
        return cli_usage_error("authority create needs --out DIR and --name NAME");
    }
    if (name[0] == '\0' || strlen(name) > CLI_AUTHORITY_NAME_MAX)
        return cli_usage_error("--name must be 1 to %d bytes", CLI_AUTHORITY_NAME_MAX);
    key_path = fileio_join(out, CLI_AUTHORITY_KEY);
    jwk_path = fileio_join(out, CLI_AUTHORITY_JWK);
    if (key_path == NULL || jwk_path == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    if (fileio_exists(key_path) || fileio_exists(jwk_path)) {
        rc = cli_fail(ck_err(CK_ERR_EXISTS,
                             "%s: an authority already exists there; refusing to "
                             "overwrite it",
                             out));
        goto out;
    }
    if ((err = fileio_mkdir_p(out, 0700)) != CK_OK ||
        (err = cli_trust_keypair_create(KEY_KIND_AUTHORITY, key_path, jwk_path, pass_file,
                                        "New authority passphrase", "name", name, &pub)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    printf("created authority \"%s\" (key %s)\n  secret key: %s (encrypted; keep it offline)\n"
           "  public key: %s\n",
           name, pub.kid, key_path, jwk_path);
    rc = CLI_OK;
out:
    free(jwk_path);
    free(key_path);
    return rc;
}

int
cmd_authority(int argc, char **argv)
{
    static const CliVerb subs[] = {{"create", "a new authority key", authority_create}};

    return cli_subcommand("authority", subs, sizeof subs / sizeof subs[0], usage, argc, argv);
}
