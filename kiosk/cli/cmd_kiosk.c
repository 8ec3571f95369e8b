/* cmd_kiosk: `certctl kiosk init|endorse|set-pin` — create a kiosk home, and have an authority
 * endorse it (request and install-endorsement: cmd_kiosk_provision.c).
 */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_trust.h"
#include "cmd_kiosk.h"
#include "clock.h"
#include "commands.h"
#include "fileio.h"
#include "home.h"
#include "keys.h"
#include "store.h"
#include "trust.h"

void
kiosk_usage(FILE *f)
{
    fputs("usage: certctl kiosk init --home HOME --kiosk-id ID [--operator NAME]\n"
          "       certctl kiosk request --home HOME --out REQUEST.json\n"
          "       certctl kiosk endorse --authority DIR --request REQUEST.json --out FILE\n"
          "                             [--trust CONTINGENT.jwks] [--kid KEY_ID | --yes]\n"
          "                             [--days N | --until DATE] [--passphrase-file FILE]\n"
          "       certctl kiosk endorse --authority DIR --home HOME [--days N | --until DATE]\n"
          "                             [--passphrase-file FILE]\n"
          "                             (both: [--max-validity-days N] [--nations NOR,USA])\n"
          "       certctl kiosk revoke --authority DIR --kiosk-id ID --since TIME --reason CODE\n"
          "                            [--registry DIR] [--note TEXT] [--passphrase-file FILE]\n"
          "       certctl kiosk install-endorsement --home HOME [--yes] FILE\n"
          "       certctl kiosk set-pin --home HOME [--pin-file FILE]\n\n"
          "init     creates a new kiosk home: kiosk.json, the kiosk's key (kiosk.key, mode\n"
          "         0600, never leaves the kiosk) and its public key (kiosk.jwk).\n"
          "         Refuses a folder that already has something in it (an empty one is used).\n"
          "request  on the kiosk: writes REQUEST.json, the kiosk's public key and ID signed\n"
          "         by its own key, to carry to the authority, and prints the key ID.\n"
          "endorse  --request: on the authority's (offline) machine: shows the request's kiosk\n"
          "         ID and key ID and asks to confirm them (--kid KEY_ID: must be this key ID;\n"
          "         --yes: no question), then signs the endorsement and writes FILE to carry\n"
          "         back: the authority's pin, the endorsed kiosk key, and every publisher key\n"
          "         in CONTINGENT.jwks (from `certctl publisher endorse --trust`), to which the\n"
          "         kiosk is added. Valid from now for N days (default 365) or until DATE.\n"
          "         --home: the authority and the home on one machine (the DEMO home): writes\n"
          "         HOME/endorsement.jws and pins the authority in HOME/trust.jwks, where the\n"
          "         key keeps its earlier endorsements: a renewal leaves certificates issued\n"
          "         under them valid.\n"
          "         Both: the endorsement bounds the kiosk's certificates: at most\n"
          "         --max-validity-days N (default 400) from validFrom to validUntil, and\n"
          "         with --nations only those nations; issue and verify enforce it.\n"
          "revoke   the authority says the kiosk key of ID is untrusted from TIME (RFC 3339)\n"
          "         on: the next status list carries it. Its certificates issued after TIME\n"
          "         fail verify; those before stay valid (with verify --registry, only those\n"
          "         a witnessed checkpoint from before TIME holds). CODE: key-compromise,\n"
          "         kiosk-lost, kiosk-retired, superseded.\n"
          "install-endorsement  on the kiosk: checks that FILE endorses this kiosk's key for\n"
          "         its ID, now; shows the authority's key ID and, the first time, asks to\n"
          "         trust it (--yes: no question); later ones must come from that authority.\n"
          "         Merges FILE into HOME/trust.jwks and writes HOME/endorsement.jws.\n"
          "set-pin  sets the admin PIN (6 to 12 digits; config.json's\n"
          "         \"admin_pin_min_digits\" can demand more) that opens the kiosk's admin\n"
          "         mode; without a file it asks on the terminal. Only an Argon2id hash is\n"
          "         stored, in HOME/config.json (about half a second per guess).\n",
          f);
}

/* Opens the new home's log and records "kiosk.created" as its first entry,
 * signed into the first checkpoint by the new kiosk key. */
static CkErr
log_created(const char *home, const KioskHome *kh, const SecretKey *sk, const PublicKey *pub)
{
    char when[CLOCK_RFC3339_LEN + 1];
    Store *st = NULL;
    json_t *body = NULL;
    uint64_t next;
    CkErr err;

    clock_format(kh->created, when);
    if ((body = json_pack("{s:s,s:s,s:s,s:s}", "type", "kiosk.created", "time", when, "kiosk_id",
                          kh->kiosk_id, "kid", pub->kid)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((err = home_open_store(home, true, &st)) != CK_OK ||
        (err = store_begin(st, &next)) != CK_OK)
        goto out;
    if ((err = store_append(st, body, NULL)) != CK_OK ||
        (err = store_commit(st, sk, kh->origin)) != CK_OK)
        store_abort(st);
out:
    store_close(st);
    json_decref(body);
    return err;
}

static int
kiosk_init(int argc, char **argv)
{
    const char *home = NULL, *kiosk_id = NULL, *operator_name = NULL;
    KioskHome kh;
    SecretKey *sk = NULL;
    PublicKey pub;
    CkErr err;
    int opt;
    const CliOption opts[] = {{"home", .value = &home},
                              {"kiosk-id", .value = &kiosk_id},
                              {"operator", .value = &operator_name},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, kiosk_usage)) != CLI_NEXT)
        return opt;
    if (optind != argc || home == NULL || kiosk_id == NULL) {
        kiosk_usage(stderr);
        return cli_usage_error("kiosk init needs --home HOME and --kiosk-id ID");
    }
    if ((err = home_create(home, kiosk_id, operator_name, clock_now(), &kh, &sk)) != CK_OK)
        return cli_fail(err);
    key_public(sk, &pub);
    err = log_created(home, &kh, sk, &pub);
    key_destroy(sk);
    if (err != CK_OK)
        return cli_fail(err);
    printf("created kiosk home %s for kiosk %s (key %s)\n"
           "next: certctl kiosk request --home %s --out request.json\n",
           home, kh.kiosk_id, pub.kid, home);
    return CLI_OK;
}

static int
kiosk_endorse(int argc, char **argv)
{
    const char *auth_dir = NULL, *home = NULL, *days = NULL, *until = NULL, *pass_file = NULL,
               *max_days = NULL, *nations = NULL;
    KioskEndorseArgs req = {0};
    char name[CLI_AUTHORITY_NAME_MAX + 1], *jws_path = NULL, *trust_path = NULL, *jws = NULL;
    char from[CLOCK_RFC3339_LEN + 1], to[CLOCK_RFC3339_LEN + 1];
    int64_t now = clock_now(), exp;
    KioskHome kh;
    CliEndorsed what;
    PublicKey auth_pub, kiosk_pub;
    Trust *trust = NULL;
    CkErr err;
    int opt, rc = CLI_USAGE;
    const CliOption opts[] = {{"authority", .value = &auth_dir},
                              {"home", .value = &home},
                              {"request", .value = &req.request},
                              {"out", .value = &req.out},
                              {"trust", .value = &req.trust},
                              {"kid", .value = &req.kid},
                              {"yes", .flag = &req.yes},
                              {"days", .value = &days},
                              {"until", .value = &until},
                              {"passphrase-file", .value = &pass_file},
                              {"max-validity-days", .value = &max_days},
                              {"nations", .value = &nations},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, kiosk_usage)) != CLI_NEXT)
        return opt;
    if ((err = cli_trust_limits(max_days, nations, &req.limits)) != CK_OK)
        return cli_fail(err);
    if (optind == argc && auth_dir != NULL && req.request != NULL && home == NULL) {
        req.authority = auth_dir;
        req.days = days;
        req.until = until;
        req.pass_file = pass_file;
        return kiosk_endorse_request(&req);
    }
    if (req.request != NULL || req.out != NULL || req.trust != NULL || req.kid != NULL || req.yes)
        return cli_usage_error("--request, --out, --trust, --kid and --yes go with --request, "
                               "not --home");
    if (optind != argc || auth_dir == NULL || home == NULL) {
        kiosk_usage(stderr);
        return cli_usage_error("kiosk endorse needs --authority DIR and --request FILE (or --home "
                               "HOME)");
    }
    if ((err = cli_trust_window(days, until, now, &exp)) != CK_OK)
        return cli_fail(err);
    jws_path = home_file(home, HOME_ENDORSEMENT);
    trust_path = home_file(home, HOME_TRUST);
    if (jws_path == NULL || trust_path == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    if ((err = home_read(home, &kh)) != CK_OK ||
        (err = home_load_public(home, &kiosk_pub, NULL)) != CK_OK ||
        (err = home_load_trust(home, &trust)) != CK_OK ||
        (err = cli_trust_endorse(auth_dir, pass_file, &kiosk_pub, KEY_KIND_KIOSK, kh.kiosk_id,
                                 &req.limits, now, exp, trust, &auth_pub, name, &jws, &what)) !=
            CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    {
        size_t n = strlen(jws);
        jws[n] = '\n'; /* write the JWS and a newline; the NUL is not needed */
        err = fileio_write_atomic(jws_path, jws, n + 1, 0600, false);
        jws[n] = '\0';
    }
    if (err != CK_OK || (err = trust_save(trust, trust_path)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    clock_format(now, from);
    clock_format(exp, to);
    printf("endorsed kiosk %s (key %s) by authority %s%s%s%s\n  valid %s .. %s\n", kh.kiosk_id,
           kiosk_pub.kid, auth_pub.kid, name[0] ? " (" : "", name, name[0] ? ")" : "", from, to);
    printf("  for certificates of at most %u days", req.limits.max_validity_days);
    for (size_t i = 0; i < req.limits.n_nations; i++)
        printf("%s%s", i ? ", " : ", of ", req.limits.nations[i]);
    printf("\n");
    if (what.kept > 0)
        printf("  keeps %zu earlier endorsement%s: certificates issued under %s stay valid\n",
               what.kept, what.kept == 1 ? "" : "s", what.kept == 1 ? "it" : "them");
    if (what.replaced_scope[0])
        printf("  replaces its endorsement for kiosk %s\n", what.replaced_scope);
    printf("  wrote %s and %s\n", jws_path, trust_path);
    rc = CLI_OK;
out:
    trust_free(trust);
    free(jws);
    free(trust_path);
    free(jws_path);
    return rc;
}

/* The kiosk sub-commands; other verbs' authors add theirs here. */
static int kiosk_set_pin(int argc, char **argv);

static const CliVerb subs[] = {
    {"init", "create a kiosk home", kiosk_init},
    {"request", "the kiosk asks to be endorsed (a file for the authority)", kiosk_request},
    {"endorse", "an authority endorses the kiosk's key", kiosk_endorse},
    {"install-endorsement", "the kiosk takes its endorsement", kiosk_install_endorsement},
    {"set-pin", "set the admin PIN", kiosk_set_pin},
    {"revoke", "an authority revokes a kiosk key from a time on", kiosk_revoke},
};

#define PIN_MIN 6
#define PIN_MAX 12

/* HOME/config.json as an object (a new, empty one when there is none yet). */
static CkErr
config_load(const char *path, json_t **cfg_out)
{
    json_error_t je;

    if (!fileio_exists(path))
        *cfg_out = json_object();
    else if ((*cfg_out = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) == NULL ||
             !json_is_object(*cfg_out)) {
        CkErr err = ck_err(CK_ERR_FORMAT, "%s:%d:%d: %s", path, je.line, je.column,
                           *cfg_out ? "not a JSON object" : je.text);
        json_decref(*cfg_out);
        *cfg_out = NULL;
        return err;
    }
    return *cfg_out != NULL ? CK_OK : ck_err(CK_ERR_NOMEM, "out of memory");
}

/* The shortest PIN this kiosk accepts: PIN_MIN, or more where config.json's
 * "admin_pin_min_digits" demands it. */
static CkErr
config_pin_min(const json_t *cfg, const char *path, int *min_out)
{
    const json_t *v = json_object_get(cfg, "admin_pin_min_digits");

    *min_out = PIN_MIN;
    if (v == NULL)
        return CK_OK;
    if (!json_is_integer(v) || json_integer_value(v) < PIN_MIN ||
        json_integer_value(v) > PIN_MAX)
        return ck_err(CK_ERR_FORMAT, "%s: \"admin_pin_min_digits\" must be a whole number from %d to %d",
                      path, PIN_MIN, PIN_MAX);
    *min_out = (int)json_integer_value(v);
    return CK_OK;
}

/* Stores crypto_pwhash_str(pin) as "admin_pin_hash" in HOME/config.json,
 * keeping every other setting there. The PIN itself is never written. */
static int
kiosk_set_pin(int argc, char **argv)
{
    static const struct option opts[] = {{"home", required_argument, NULL, 'h'},
                                         {"pin-file", required_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'H'},
                                         {NULL, 0, NULL, 0}};
    const char *home = NULL, *pin_file = NULL;
    char hash[crypto_pwhash_STRBYTES], *pin = NULL, *path = NULL, prompt[64];
    unsigned long long ops;
    size_t mem, len = 0;
    json_t *cfg = NULL;
    char *text = NULL;
    KioskHome kh;
    CkErr err;
    int c, rc = CLI_USAGE, min = PIN_MIN;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            home = optarg;
            break;
        case 'p':
            pin_file = optarg;
            break;
        case 'H':
            kiosk_usage(stdout);
            return CLI_OK;
        default:
            return CLI_USAGE;
        }
    }
    if (home == NULL || optind != argc)
        return cli_usage_error("kiosk set-pin needs --home HOME (see certctl kiosk --help)");
    if ((err = home_read(home, &kh)) != CK_OK)
        return cli_fail(err);
    if ((path = home_file(home, "config.json")) == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    if ((err = config_load(path, &cfg)) != CK_OK || (err = config_pin_min(cfg, path, &min)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    snprintf(prompt, sizeof prompt, "Admin PIN (%d-%d digits)", min, PIN_MAX);
    if ((err = cli_passphrase(pin_file, prompt, pin_file == NULL, &pin, &len)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    if (len < (size_t)min || len > PIN_MAX || strspn(pin, "0123456789") != len) {
        rc = cli_usage_error("the admin PIN must be %d to %d digits%s", min, PIN_MAX,
                             min > PIN_MIN ? " (this kiosk's admin_pin_min_digits)" : "");
        goto out;
    }
    key_kdf_limits(KEY_KDF_PIN, path, &ops, &mem);
    if (crypto_pwhash_str(hash, pin, len, ops, mem) != 0) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory hashing the PIN"));
        goto out;
    }
    json_object_set_new(cfg, "admin_pin_hash", json_string(hash));
    if ((text = json_dumps(cfg, JSON_INDENT(2) | JSON_SORT_KEYS)) == NULL ||
        (err = fileio_write_atomic(path, text, strlen(text), 0600, false)) != CK_OK) {
        rc = cli_fail(text == NULL ? ck_err(CK_ERR_NOMEM, "out of memory") : err);
        goto out;
    }
    printf("admin PIN set for kiosk %s\n", kh.kiosk_id);
    rc = CLI_OK;
out:
    if (pin != NULL)
        sodium_free(pin);
    sodium_memzero(hash, sizeof hash);
    free(text);
    free(path);
    json_decref(cfg);
    return rc;
}

int
cmd_kiosk(int argc, char **argv)
{
    return cli_subcommand("kiosk", subs, sizeof subs / sizeof subs[0], kiosk_usage, argc, argv);
}
