/* certctl: the contingent administrator's tool — one binary, one verb per task. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli.h"
#include "commands.h"

/* Every verb, in the order `certctl --help` lists them. */
static const CliVerb verbs[] = {
    {"authority", "create an authority key (offline; endorses kiosks and publishers)", cmd_authority},
    {"kiosk", "kiosk homes: init, request, endorse, install-endorsement, set-pin", cmd_kiosk},
    {"publisher", "endorse a nation's publisher key", cmd_publisher},
    {"trust", "export the trust file (JWKS) verifiers use", cmd_trust},
    {"verify", "verify certificates, step by step, in parallel", cmd_verify},
    {"show", "decode one certificate (and check it with --trust)", cmd_show},
    {"plugin", "nation plugin bundles: keygen, sign, check, list, install", cmd_plugin},
    {"import", "import kiosk exports into the registry (verified, witnessed)", cmd_import},
    {"report", "roster compliance: certified, missing, expired, expiring, revoked", cmd_report},
    {"revoke", "revoke a certificate: the next signed status list", cmd_revoke},
    {"status", "show a revocation status list", cmd_status},
    {"registry", "the registry: show, bundles, migrate", cmd_registry},
    {"issue", "record paper acknowledgements as certificates (--paper)", cmd_issue},
    {"audit", "check a kiosk's log and witness it", cmd_audit},
    {"list", "list the certificates in a kiosk's log", cmd_list},
    {"export", "export a kiosk's log and certificates for the registry", cmd_export},
    {"version", "print the version", cmd_version},
};

static void
usage(FILE *f)
{
    fputs("usage: certctl VERB [OPTIONS]   (certctl VERB --help for each verb)\n\n"
          "verbs:\n",
          f);
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(f, "  %-12s %s\n", verbs[i].name, verbs[i].summary);
    fputs("\nexit status: 0 ok, 1 verification failed, 2 usage or input/output error\n", f);
}

int
main(int argc, char **argv)
{
    /* Before anything is created: keys, homes, registries, state and exports
     * are the administrator's alone, whatever the shell's umask. */
    umask(077);
    cli_output_guard();
    if (sodium_init() < 0) {
        fputs("certctl: libsodium could not be initialised\n", stderr);
        return CLI_USAGE;
    }
    /* The first thing once sodium_malloc works: the passphrase leaves the
     * environment before any verb runs. */
    cli_env_take();
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(argv[1], verbs[i].name) == 0)
            return verbs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "certctl: unknown verb \"%s\"\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
