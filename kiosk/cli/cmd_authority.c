/* cmd_authority: `certctl authority create` — a new offline authority key, passphrase-encrypted. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_trust.h"
#include "commands.h"
#include "fileio.h"
#include "keys.h"
#include "trust.h"

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
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"passphrase-file", required_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL, *name = NULL, *pass_file = NULL;
    char *key_path = NULL, *jwk_path = NULL, *pass = NULL;
    size_t pass_len = 0;
    SecretKey *sk = NULL;
    PublicKey pub;
    json_t *jwk = NULL;
    int c, rc = CLI_USAGE;
    CkErr err;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'n':
            name = optarg;
            break;
        case 'p':
            pass_file = optarg;
            break;
        case 'h':
            usage(stdout);
            return CLI_OK;
        default:
            usage(stderr);
            return CLI_USAGE;
        }
    }
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
        (err = cli_passphrase(pass_file, "New authority passphrase", true, &pass, &pass_len)) !=
            CK_OK ||
        (err = key_generate(KEY_KIND_AUTHORITY, &sk)) != CK_OK ||
        (err = key_save_encrypted(sk, key_path, pass, pass_len)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    key_public(sk, &pub);
    if ((jwk = trust_jwk_from_public(&pub, KEY_KIND_AUTHORITY)) == NULL ||
        json_object_set_new(jwk, "name", json_string(name)) != 0) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    if ((err = trust_jwk_save(jwk, jwk_path, true)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    printf("created authority \"%s\" (key %s)\n  secret key: %s (encrypted; keep it offline)\n"
           "  public key: %s\n",
           name, pub.kid, key_path, jwk_path);
    rc = CLI_OK;
out:
    json_decref(jwk);
    key_destroy(sk);
    if (pass != NULL)
        sodium_free(pass);
    free(jwk_path);
    free(key_path);
    return rc;
}

int
cmd_authority(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "create") == 0)
        return authority_create(argc - 1, argv + 1);
    usage(stderr);
    return cli_usage_error("unknown authority command \"%s\"", argv[1]);
}
