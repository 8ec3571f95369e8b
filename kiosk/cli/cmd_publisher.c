/* cmd_publisher: `certctl publisher endorse` — an authority lets a publisher key sign one nation's
 * bundles. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_trust.h"
#include "clock.h"
#include "commands.h"
#include "fileio.h"
#include "home.h"
#include "keys.h"
#include "trust.h"

static void
usage(FILE *f)
{
    fputs(
        "usage: certctl publisher endorse --authority DIR --publisher PUB.jwk --nation CODE\n"
        "                                 (--home HOME | --trust FILE) [--days N | --until DATE]\n"
        "                                 [--passphrase-file FILE]\n\n"
        "The authority in DIR endorses the publisher's public key (from `certctl plugin\n"
        "keygen`) for ONE nation (ISO 3166-1 alpha-3, or NATO for the baseline): bundles\n"
        "it signs for any other nation are refused. The endorsed key and the authority\n"
        "pin are added to HOME/trust.jwks (or to FILE, created if missing). Endorsing a\n"
        "key again for the same nation (a renewal) keeps its earlier endorsements; for\n"
        "another nation it replaces them.\n",
        f);
}

static int
publisher_endorse(int argc, char **argv)
{
    const char *auth_dir = NULL, *pub_path = NULL, *nation = NULL, *home = NULL, *tpath = NULL,
               *days = NULL, *until = NULL, *pass_file = NULL;
    char name[CLI_AUTHORITY_NAME_MAX + 1], *trust_path = NULL, *jws = NULL;
    char to[CLOCK_RFC3339_LEN + 1];
    int64_t now = clock_now(), exp;
    PublicKey auth_pub, pub;
    CliEndorsed what;
    Trust *trust = NULL;
    CkErr err;
    int opt, rc = CLI_USAGE;
    const CliOption opts[] = {{"authority", .value = &auth_dir},
                              {"publisher", .value = &pub_path},
                              {"nation", .value = &nation},
                              {"home", .value = &home},
                              {"trust", .value = &tpath},
                              {"days", .value = &days},
                              {"until", .value = &until},
                              {"passphrase-file", .value = &pass_file},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (optind != argc || auth_dir == NULL || pub_path == NULL || nation == NULL ||
        (home == NULL) == (tpath == NULL)) {
        usage(stderr);
        return cli_usage_error("publisher endorse needs --authority, --publisher, --nation and "
                               "one of --home or --trust");
    }
    if (!trust_nation_valid(nation))
        return cli_usage_error("--nation \"%s\" is not an ISO 3166-1 alpha-3 code (or NATO)",
                               nation);
    if ((err = cli_trust_window(days, until, now, &exp)) != CK_OK)
        return cli_fail(err);
    trust_path = home != NULL ? home_file(home, HOME_TRUST) : strdup(tpath);
    if (trust_path == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    if (home != NULL) {
        KioskHome kh;
        if ((err = home_read(home, &kh)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
    }
    if ((err = trust_jwk_load(pub_path, KEY_KIND_PUBLISHER, &pub, NULL)) != CK_OK ||
        (err = fileio_exists(trust_path) ? trust_load(trust_path, &trust) : trust_new(&trust)) !=
            CK_OK ||
        (err = cli_trust_endorse(auth_dir, pass_file, &pub, KEY_KIND_PUBLISHER, nation, NULL, now, exp,
                                 trust, &auth_pub, name, &jws, &what)) != CK_OK ||
        (err = trust_save(trust, trust_path)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    clock_format(exp, to);
    printf("endorsed publisher key %s for %s until %s (authority %s)\n", pub.kid, nation, to,
           auth_pub.kid);
    if (what.kept > 0)
        printf("  keeps %zu earlier endorsement%s for %s: bundles signed under %s stay valid\n",
               what.kept, what.kept == 1 ? "" : "s", nation, what.kept == 1 ? "it" : "them");
    if (what.replaced_scope[0])
        printf("  replaces its endorsement for %s: its bundles for %s are no longer accepted\n",
               what.replaced_scope, what.replaced_scope);
    printf("  updated %s\n", trust_path);
    rc = CLI_OK;
out:
    trust_free(trust);
    free(jws);
    free(trust_path);
    return rc;
}

int
cmd_publisher(int argc, char **argv)
{
    static const CliVerb subs[] = {
        {"endorse", "endorse a publisher key for one nation", publisher_endorse}};

    return cli_subcommand("publisher", subs, sizeof subs / sizeof subs[0], usage, argc, argv);
}
