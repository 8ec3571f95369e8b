/* cmd_plugin: `certctl plugin keygen|sign|check|list` — a nation's publisher key and signed
 * bundles (install: cmd_plugin_install.c). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "cli.h"
#include "cli_trust.h"
#include "cmd_plugin.h"
#include "commands.h"
#include "fileio.h"
#include "keys.h"
#include "plugin_host.h"
#include "trust.h"

const char plugin_usage[] =
    "usage: certctl plugin keygen --out DIR --nation CODE [--name BASENAME] [--passphrase-file F]\n"
    "       certctl plugin sign --key KEYFILE [--passphrase-file F] BUNDLE_DIR\n"
    "       certctl plugin check --trust TRUST.jwks [--json] BUNDLE_DIR...\n"
    "       certctl plugin list --home KIOSK_HOME [--json]\n"
    "       certctl plugin install --home KIOSK_HOME BUNDLE_DIR\n"
    "\n"
    "keygen  makes a nation's publisher key: DIR/BASENAME.key (encrypted with a passphrase,\n"
    "        Argon2id) and DIR/BASENAME.jwk (public JWK with \"nation\"; give it to the\n"
    "        authority, which endorses it for that nation only). BASENAME defaults to\n"
    "        publisher-<code>.\n"
    "sign    writes the SHA-256 of every file of BUNDLE_DIR into its manifest.json and signs\n"
    "        the manifest (manifest.sig).\n"
    "check   verifies bundles as a kiosk would: signature by a publisher key endorsed for the\n"
    "        bundle's nation in TRUST.jwks, every hash, the manifest and content schemas (JSON\n"
    "        errors with file, line and column), every language complete, the native module's\n"
    "        entry symbol and ABI.\n"
    "list    shows what the kiosk at KIOSK_HOME would load from KIOSK_HOME/plugins and what it\n"
    "        would refuse, and why (nothing is recorded).\n"
    "install verifies BUNDLE_DIR as the kiosk at KIOSK_HOME would (and refuses a version\n"
    "        older than the installed one or than any it has loaded), copies it into\n"
    "        KIOSK_HOME/plugins, verifies the copy, and swaps it in atomically in place of\n"
    "        the bundle with the same ID. The kiosk loads it at its next start.\n"
    "\n"
    "check and list never run a module's code in certctl's own process: each native module\n"
    "is loaded and asked for its table in the kiosk's sandboxed plugin worker\n"
    "(certkiosk-plugin-worker: no files, no network, no new processes), exactly as the\n"
    "kiosk does; a module whose worker fails is refused with the cause.\n"
    "\n"
    "The passphrase comes from --passphrase-file, else $CERTKIOSK_PASSPHRASE, else a prompt.\n"
    "exit status: 0 ok, 1 a bundle was refused, 2 usage or input/output error\n";

static int
usage_error(const char *msg)
{
    fprintf(stderr, "certctl plugin: %s\n\n%s", msg, plugin_usage);
    return CLI_USAGE;
}

/* cli_options() with the plugin group's messages: --help prints plugin_usage, and an unknown
 * option names the subcommand (argv[0]). */
static int
plugin_options(int argc, char **argv, const CliOption *opts)
{
    char msg[64];

    switch (cli_options(argc, argv, opts, NULL)) {
    case CLI_NEXT:
        return CLI_NEXT;
    case CLI_HELP:
        fputs(plugin_usage, stdout);
        return CLI_OK;
    default:
        snprintf(msg, sizeof msg, "unknown option for %s", argv[0]);
        return usage_error(msg);
    }
}

/* ---- keygen ---- */

static int
plugin_keygen(int argc, char **argv)
{
    const char *out = NULL, *nation = NULL, *name = NULL, *pass_file = NULL;
    char base[64], lower[8], *key_path = NULL, *jwk_path = NULL, *fname = NULL;
    PublicKey pub;
    CkErr err;
    int opt, rc = CLI_USAGE;
    const CliOption opts[] = {{"out", 'o', .value = &out},
                              {"nation", 'n', .value = &nation},
                              {"name", 'N', .value = &name},
                              {"passphrase-file", 'p', .value = &pass_file},
                              {NULL}};

    if ((opt = plugin_options(argc, argv, opts)) != CLI_NEXT)
        return opt;
    if (out == NULL || nation == NULL || optind != argc)
        return usage_error("keygen needs --out DIR and --nation CODE");
    if (!trust_nation_valid(nation))
        return cli_usage_error("\"%s\" is not a nation code (ISO 3166-1 alpha-3, or NATO)", nation);
    for (size_t i = 0; i <= strlen(nation) && i < sizeof lower; i++)
        lower[i] = (char)(nation[i] >= 'A' && nation[i] <= 'Z' ? nation[i] + 32 : nation[i]);
    lower[sizeof lower - 1] = '\0';
    snprintf(base, sizeof base, "%s", name ? name : "publisher-");
    if (name == NULL)
        strncat(base, lower, sizeof base - strlen(base) - 1);
    if ((err = fileio_mkdir_p(out, 0700)) != CK_OK)
        return cli_fail(err);
    if ((fname = malloc(strlen(base) + 8)) == NULL)
        return cli_usage_error("out of memory");
    sprintf(fname, "%s.key", base);
    key_path = fileio_join(out, fname);
    sprintf(fname, "%s.jwk", base);
    jwk_path = fileio_join(out, fname);
    if (key_path == NULL || jwk_path == NULL) {
        rc = cli_usage_error("out of memory");
        goto out;
    }
    if (fileio_exists(key_path) || fileio_exists(jwk_path)) {
        rc = cli_usage_error("%s or %s already exists; refusing to overwrite a key", key_path,
                             jwk_path);
        goto out;
    }
    if ((err = cli_trust_keypair_create(KEY_KIND_PUBLISHER, key_path, jwk_path, pass_file,
                                        "Passphrase for the new publisher key: ", "nation", nation,
                                        &pub)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    printf("publisher key %s for %s\n  secret: %s (encrypted)\n  public: %s\n"
           "Next: the authority endorses %s for %s only.\n",
           pub.kid, nation, key_path, jwk_path, jwk_path, nation);
    rc = CLI_OK;
out:
    free(fname);
    free(key_path);
    free(jwk_path);
    return rc;
}

/* ---- sign ---- */

static int
plugin_sign(int argc, char **argv)
{
    const char *key_path = NULL, *pass_file = NULL;
    SecretKey *sk = NULL;
    PublicKey pub;
    CkErr err;
    int opt, rc;
    const CliOption opts[] = {
        {"key", 'k', .value = &key_path}, {"passphrase-file", 'p', .value = &pass_file}, {NULL}};

    if ((opt = plugin_options(argc, argv, opts)) != CLI_NEXT)
        return opt;
    if (key_path == NULL || optind != argc - 1)
        return usage_error("sign needs --key KEYFILE and one BUNDLE_DIR");
    if ((err = cli_trust_key_unlock(key_path, KEY_KIND_PUBLISHER, pass_file,
                                    "Passphrase of the publisher key: ", &sk)) != CK_OK ||
        (err = bundle_sign(argv[optind], sk)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    key_public(sk, &pub);
    printf("signed %s with publisher key %s\n", argv[optind], pub.kid);
    rc = CLI_OK;
out:
    key_destroy(sk);
    return rc;
}

/* ---- check and list ---- */

static json_t *
bundle_json(const PluginHost *host, size_t i)
{
    const Bundle *b = plugin_host_bundle(host, i);
    json_t *langs = json_array(), *drafts = json_array();

    for (size_t l = 0; l < bundle_language_count(b); l++) {
        const Content *ct = bundle_content(b, bundle_language(b, l));
        json_array_append_new(langs, json_string(bundle_language(b, l)));
        if (ct != NULL && ct->draft)
            json_array_append_new(drafts, json_string(bundle_language(b, l)));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:b, s:O}", "status", "loaded",
                     "dir", bundle_dir(b), "bundle_id", bundle_id(b), "version", bundle_version(b),
                     "nation", bundle_nation(b), "manifest_sha256", bundle_manifest_sha256(b),
                     "languages", langs, "draft_languages", drafts, "module",
                     plugin_host_has_module(host, i), "rules", bundle_rules(b));
}

static void
print_loaded(const PluginHost *host, size_t i, bool verbose)
{
    const Bundle *b = plugin_host_bundle(host, i);
    const Content *first = bundle_content(b, bundle_language(b, 0));

    printf("ok       %-24s %-10s %-5s", bundle_id(b), bundle_version(b), bundle_nation(b));
    for (size_t l = 0; l < bundle_language_count(b); l++) {
        const Content *ct = bundle_content(b, bundle_language(b, l));
        printf("%s%s%s", l ? "," : " ", bundle_language(b, l), ct && ct->draft ? "(draft)" : "");
    }
    printf("%s\n", plugin_host_has_module(host, i) ? "  +module" : "");
    if (verbose) {
        printf("         folder %s\n", bundle_dir(b));
        printf("         signed by publisher key %s, endorsed for %s\n", bundle_publisher_kid(b),
               bundle_nation(b));
        printf("         manifest SHA-256 %s\n", bundle_manifest_sha256(b));
        if (first != NULL)
            printf("         %zu sections, %zu training pages, %zu quiz questions, %zu clauses "
                   "in each of %zu languages\n",
                   first->n_sections, first->n_pages, first->n_questions, first->n_clauses,
                   bundle_language_count(b));
        if (plugin_host_has_module(host, i))
            printf("         native module: entry %s, plugin ABI %d.%d\n", CK_PLUGIN_ENTRY_NAME,
                   CK_PLUGIN_ABI_MAJOR, CK_PLUGIN_ABI_MINOR);
    }
}

/* Prints the outcome; returns CLI_OK if nothing was refused, else CLI_INVALID. */
static int
report(const PluginHost *host, bool json, bool verbose)
{
    size_t nref = plugin_host_refusal_count(host);

    if (json) {
        json_t *out = json_object(), *loaded = json_array(), *refused = json_array();
        char *text;
        for (size_t i = 0; i < plugin_host_count(host); i++)
            json_array_append_new(loaded, bundle_json(host, i));
        for (size_t i = 0; i < nref; i++) {
            const char *where, *id, *reason;
            CkErr err;
            plugin_host_refusal(host, i, &where, &id, &err, &reason);
            json_array_append_new(refused, json_pack("{s:s, s:s, s:s?, s:s, s:s}", "status",
                                                     "refused", "dir", where, "bundle_id", id,
                                                     "error", ck_strerror(err), "reason", reason));
        }
        json_object_set_new(out, "loaded", loaded);
        json_object_set_new(out, "refused", refused);
        if ((text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) != NULL)
            printf("%s\n", text);
        free(text);
        json_decref(out);
    } else {
        for (size_t i = 0; i < plugin_host_count(host); i++)
            print_loaded(host, i, verbose);
        for (size_t i = 0; i < nref; i++) {
            const char *where, *id, *reason;
            CkErr err;
            plugin_host_refusal(host, i, &where, &id, &err, &reason);
            printf("REFUSED  %s\n         %s\n", id ? id : where, reason);
        }
        printf("%zu loaded, %zu refused\n", plugin_host_count(host), nref);
    }
    return nref == 0 ? CLI_OK : CLI_INVALID;
}

static void
log_to_stderr(void *ctx, const char *id, CkPluginLogLevel level, const char *msg)
{
    (void)ctx;
    (void)level;
    fprintf(stderr, "certctl: [%s] %s\n", id, msg);
}

/* Loads what opts name, as a kiosk would, and reports it (report()). */
static int
load_and_report(const PluginHostOptions *opts, bool json, bool verbose)
{
    PluginHost *host = NULL;
    CkErr err;
    int rc;

    if ((err = plugin_host_open(opts, &host)) != CK_OK)
        return cli_fail(err);
    rc = report(host, json, verbose);
    plugin_host_close(host);
    return rc;
}

static int
plugin_check(int argc, char **argv)
{
    const char *trust_path = NULL;
    bool json = false;
    Trust *trust = NULL;
    PluginHostOptions opts = {0};
    CkErr err;
    int opt, rc;
    const CliOption options[] = {
        {"trust", 't', .value = &trust_path}, {"json", 'j', .flag = &json}, {NULL}};

    if ((opt = plugin_options(argc, argv, options)) != CLI_NEXT)
        return opt;
    if (trust_path == NULL || optind >= argc)
        return usage_error("check needs --trust TRUST.jwks and at least one BUNDLE_DIR");
    if ((err = trust_load(trust_path, &trust)) != CK_OK)
        return cli_fail(err);
    opts.bundles = (const char *const *)&argv[optind];
    opts.trust = trust;
    opts.on_log = log_to_stderr;
    rc = load_and_report(&opts, json, true);
    trust_free(trust);
    return rc;
}

static int
plugin_list(int argc, char **argv)
{
    const char *home = NULL;
    bool json = false;
    char *trust_path = NULL, *plugins = NULL, *seen = NULL;
    const char *dirs[2] = {NULL, NULL};
    Trust *trust = NULL;
    PluginHostOptions opts = {0};
    CkErr err;
    int opt, rc;
    const CliOption options[] = {
        {"home", 'H', .value = &home}, {"json", 'j', .flag = &json}, {NULL}};

    if ((opt = plugin_options(argc, argv, options)) != CLI_NEXT)
        return opt;
    if (home == NULL || optind != argc)
        return usage_error("list needs --home KIOSK_HOME");
    trust_path = fileio_join(home, "trust.jwks");
    plugins = fileio_join(home, "plugins");
    seen = fileio_join(home, "plugin-versions.json");
    if (trust_path == NULL || plugins == NULL || seen == NULL) {
        rc = cli_usage_error("out of memory");
        goto out;
    }
    if ((err = trust_load(trust_path, &trust)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    dirs[0] = plugins;
    opts.dirs = dirs;
    opts.trust = trust;
    opts.seen_path = seen;
    opts.record_seen = false;
    rc = load_and_report(&opts, json, false);
out:
    trust_free(trust);
    free(trust_path);
    free(plugins);
    free(seen);
    return rc;
}

int
cmd_plugin(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {{"keygen", plugin_keygen},
                {"sign", plugin_sign},
                {"check", plugin_check},
                {"list", plugin_list},
                {"install", plugin_install}};

    if (argc < 2)
        return usage_error("which one: keygen, sign, check, list or install?");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(plugin_usage, stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    return usage_error("unknown subcommand");
}
