/* cmd_kiosk_provision: setting up a kiosk with files carried between machines, so the
 * authority's key never comes near the kiosk — `certctl kiosk request`, `kiosk endorse
 * --request`, `kiosk install-endorsement`.
 */
#include "cmd_kiosk.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_trust.h"
#include "clock.h"
#include "fileio.h"
#include "home.h"
#include "jws.h"
#include "keys.h"
#include "trust.h"

#define REQUEST_FORMAT "certkiosk-kiosk-request/1"
#define REQUEST_TYP "certkiosk-kiosk-request+jwt"
#define REQUEST_MAX (64 * 1024)

/* ---- request ---- */

/* err again, with its detail between a prefix and a suffix (copied first:
 * ck_err() writes where the detail lives). */
static CkErr
rewrap(CkErr err, const char *prefix, const char *suffix)
{
    char was[512];

    snprintf(was, sizeof was, "%s", ck_err_detail());
    return ck_err(err, "%s%s%s", prefix, was, suffix);
}

int
kiosk_request(int argc, char **argv)
{
    const char *home = NULL, *out_path = NULL;
    char when[CLOCK_RFC3339_LEN + 1], *jws = NULL, *text = NULL;
    json_t *jwk = NULL, *payload = NULL, *file = NULL;
    SecretKey *sk = NULL;
    PublicKey pub, from_key;
    KioskHome kh;
    CkErr err;
    int opt, rc = CLI_USAGE;
    const CliOption opts[] = {{"home", .value = &home}, {"out", .value = &out_path}, {NULL}};

    if ((opt = cli_options(argc, argv, opts, kiosk_usage)) != CLI_NEXT)
        return opt;
    if (optind != argc || home == NULL || out_path == NULL)
        return cli_usage_error("kiosk request needs --home HOME and --out FILE");
    if ((err = home_read(home, &kh)) != CK_OK || (err = home_load_public(home, &pub, &jwk)) != CK_OK ||
        (err = home_load_key(home, &sk)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    /* The request is signed with the kiosk key: whoever made it holds that
     * key. Which kiosk it is, the administrator confirms by its key ID. */
    key_public(sk, &from_key);
    if (!key_public_equal(&from_key, &pub)) {
        rc = cli_fail(ck_err(CK_ERR_KEY, "%s: %s and %s hold different keys", home, HOME_KEY,
                             HOME_JWK));
        goto out;
    }
    clock_format(clock_now(), when);
    if ((payload = json_pack("{s:s, s:s, s:O, s:s}", "kiosk_id", kh.kiosk_id, "operator",
                             kh.operator_name, "jwk", jwk, "requested", when)) == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    if ((err = jws_sign_json(sk, REQUEST_TYP, pub.kid, payload, &jws)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    if ((file = json_pack("{s:s, s:s}", "format", REQUEST_FORMAT, "request", jws)) == NULL ||
        (text = json_dumps(file, JSON_INDENT(2))) == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    if ((err = fileio_write_atomic(out_path, text, strlen(text), 0644, false)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    printf("wrote %s: the endorsement request of kiosk %s\n"
           "  key ID %s   <- the authority checks this before it endorses\n"
           "next, on the authority's machine: certctl kiosk endorse --authority DIR --request %s "
           "--out endorsement.json\n",
           out_path, kh.kiosk_id, pub.kid, out_path);
    rc = CLI_OK;
out:
    key_destroy(sk);
    free(text);
    free(jws);
    json_decref(file);
    json_decref(payload);
    json_decref(jwk);
    return rc;
}

/* What a verified request says. */
typedef struct Request {
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    char operator_name[HOME_OPERATOR_MAX + 1];
    char requested[CLOCK_RFC3339_LEN + 1];
    PublicKey pub;
} Request;

/* Reads and verifies a request file: its format, its type, its key (a
 * kiosk key), its kiosk ID, and the signature by that key over all of it. */
static CkErr
request_load(const char *path, Request *out)
{
    unsigned char *data = NULL;
    size_t len;
    json_error_t je;
    json_t *file = NULL;
    const json_t *payload, *jwk;
    const char *format, *text, *kiosk_id, *operator_name, *requested, *jwk_kiosk;
    Jws *jws = NULL;
    KeyKind role;
    CkErr err;

    memset(out, 0, sizeof *out);
    if ((err = fileio_read(path, REQUEST_MAX, &data, &len)) != CK_OK)
        return err;
    if ((file = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &je)) == NULL ||
        !json_is_object(file)) {
        err = ck_err(CK_ERR_FORMAT, "%s: not a JSON object%s%s", path, file ? "" : ": ",
                     file ? "" : je.text);
        goto out;
    }
    format = json_string_value(json_object_get(file, "format"));
    text = json_string_value(json_object_get(file, "request"));
    if (format == NULL || strcmp(format, REQUEST_FORMAT) != 0 || text == NULL) {
        err = ck_err(CK_ERR_FORMAT,
                     "%s: not a kiosk's endorsement request (\"format\" is not \"%s\", or no "
                     "\"request\"); make one with `certctl kiosk request`",
                     path, REQUEST_FORMAT);
        goto out;
    }
    if ((err = jws_parse(text, strlen(text), JWS_PAYLOAD_JSON, &jws)) != CK_OK ||
        (err = jws_check_typ(jws, REQUEST_TYP)) != CK_OK) {
        char prefix[300];
        snprintf(prefix, sizeof prefix, "%s: ", path);
        err = rewrap(err, prefix, "");
        goto out;
    }
    payload = jws_payload(jws);
    jwk = json_object_get(payload, "jwk");
    if ((err = trust_jwk_to_public(jwk, path, &out->pub, &role)) != CK_OK)
        goto out;
    if (role != KEY_KIND_KIOSK) {
        err = ck_err(CK_ERR_KEY, "%s: the key asking to be endorsed is not a kiosk key", path);
        goto out;
    }
    if (jws_kid(jws) == NULL || strcmp(jws_kid(jws), out->pub.kid) != 0) {
        err = ck_err(CK_ERR_SIGNATURE, "%s: the request is not signed by the key it names", path);
        goto out;
    }
    if ((err = jws_verify(jws, &out->pub)) != CK_OK) {
        err = ck_err(CK_ERR_SIGNATURE,
                     "%s: the signature does not verify: the request was altered or is not "
                     "signed by kiosk key %s",
                     path, out->pub.kid);
        goto out;
    }
    kiosk_id = json_string_value(json_object_get(payload, "kiosk_id"));
    operator_name = json_string_value(json_object_get(payload, "operator"));
    requested = json_string_value(json_object_get(payload, "requested"));
    jwk_kiosk = json_string_value(json_object_get(jwk, "kiosk_id"));
    if (kiosk_id == NULL || !trust_kiosk_id_valid(kiosk_id) ||
        (jwk_kiosk != NULL && strcmp(jwk_kiosk, kiosk_id) != 0)) {
        err = ck_err(CK_ERR_FORMAT, "%s: missing or invalid \"kiosk_id\"", path);
        goto out;
    }
    snprintf(out->kiosk_id, sizeof out->kiosk_id, "%s", kiosk_id);
    snprintf(out->operator_name, sizeof out->operator_name, "%s",
             operator_name ? operator_name : "");
    snprintf(out->requested, sizeof out->requested, "%s", requested ? requested : "?");
out:
    jws_free(jws);
    json_decref(file);
    free(data);
    return err;
}

/* The trust set a kiosk receives: the pins, every publisher key, and the one
 * kiosk key (not the contingent's other kiosks). */
static CkErr
trust_for_kiosk(const Trust *all, const char *kiosk_kid, Trust **out)
{
    json_t *jwks = trust_to_json(all), *keys, *kept = json_array();
    size_t i;
    json_t *k;
    CkErr err;

    *out = NULL;
    if (jwks == NULL || kept == NULL) {
        json_decref(jwks);
        json_decref(kept);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    keys = json_object_get(jwks, "keys");
    json_array_foreach(keys, i, k)
    {
        const char *role = json_string_value(json_object_get(k, "certkiosk_role"));
        const char *kid = json_string_value(json_object_get(k, "kid"));
        if (role != NULL && strcmp(role, key_kind_name(KEY_KIND_KIOSK)) == 0 &&
            (kid == NULL || strcmp(kid, kiosk_kid) != 0))
            continue;
        json_array_append(kept, k);
    }
    json_object_set_new(jwks, "keys", kept);
    err = trust_from_json(jwks, "the endorsement", out);
    json_decref(jwks);
    return err;
}

/* `certctl kiosk endorse --request FILE --out FILE`: the authority's side. */
int
kiosk_endorse_request(const KioskEndorseArgs *a)
{
    char name[CLI_AUTHORITY_NAME_MAX + 1], *jws = NULL;
    char from[CLOCK_RFC3339_LEN + 1], to[CLOCK_RFC3339_LEN + 1];
    int64_t now = clock_now(), exp;
    PublicKey auth_pub;
    CliEndorsed what;
    Request req;
    Trust *trust = NULL, *give = NULL;
    CkErr err;
    int rc = CLI_USAGE;

    if (a->out == NULL)
        return cli_usage_error("kiosk endorse --request needs --out FILE (the file the kiosk "
                               "installs)");
    if ((err = cli_trust_window(a->days, a->until, now, &exp)) != CK_OK ||
        (err = request_load(a->request, &req)) != CK_OK)
        return cli_fail(err);
    printf("request %s\n  kiosk     %s%s%s%s\n  key ID    %s\n  requested %s\n", a->request,
           req.kiosk_id, req.operator_name[0] ? " (" : "", req.operator_name,
           req.operator_name[0] ? ")" : "", req.pub.kid, req.requested);
    fflush(stdout);
    if (a->kid != NULL) {
        if (strcmp(a->kid, req.pub.kid) != 0)
            return cli_fail(ck_err(CK_ERR_KEY,
                                   "the request's key ID is %s, not %s as given with --kid: this "
                                   "is not the kiosk you meant; nothing was endorsed",
                                   req.pub.kid, a->kid));
    } else if ((err = cli_confirm("Is this the key ID the kiosk shows? Endorse it?", a->yes,
                                  "--kid KEY_ID (or --yes)")) != CK_OK) {
        return cli_fail(err);
    }
    if (a->trust != NULL && fileio_exists(a->trust))
        err = trust_load(a->trust, &trust);
    else
        err = trust_new(&trust);
    if (err != CK_OK ||
        (err = cli_trust_endorse(a->authority, a->pass_file, &req.pub, KEY_KIND_KIOSK,
                                 req.kiosk_id, &a->limits, now, exp, trust, &auth_pub, name, &jws,
                                 &what)) !=
            CK_OK ||
        (err = trust_for_kiosk(trust, req.pub.kid, &give)) != CK_OK ||
        (err = trust_save(give, a->out)) != CK_OK ||
        (a->trust != NULL && (err = trust_save(trust, a->trust)) != CK_OK)) {
        rc = cli_fail(err);
        goto out;
    }
    clock_format(now, from);
    clock_format(exp, to);
    printf("endorsed kiosk %s (key %s) by authority %s%s%s%s\n  valid %s .. %s\n", req.kiosk_id,
           req.pub.kid, auth_pub.kid, name[0] ? " (" : "", name, name[0] ? ")" : "", from, to);
    if (what.kept > 0)
        printf("  keeps %zu earlier endorsement%s\n", what.kept, what.kept == 1 ? "" : "s");
    printf("  wrote %s (with %zu publisher key%s)%s%s\n", a->out,
           trust_count(give, KEY_KIND_PUBLISHER),
           trust_count(give, KEY_KIND_PUBLISHER) == 1 ? "" : "s", a->trust ? " and " : "",
           a->trust ? a->trust : "");
    printf("next, on the kiosk: certctl kiosk install-endorsement --home HOME %s\n", a->out);
    rc = CLI_OK;
out:
    trust_free(give);
    trust_free(trust);
    free(jws);
    return rc;
}

/* ---- install-endorsement ---- */

/* The newest endorsement of kid in trust by an authority trust pins, valid
 * at now: its JWS (a new string, free()) and what it says. */
static CkErr
newest_endorsement(const Trust *trust, const char *kid, int64_t now, char **jws_out,
                   Endorsement *out)
{
    json_t *jwk = trust_key_jwk(trust, kid);
    const json_t *list = json_object_get(jwk, "endorsements");
    const char *best = NULL;
    Endorsement e;
    PublicKey auth;
    size_t i;
    json_t *v;

    *jws_out = NULL;
    json_array_foreach(list, i, v)
    {
        const char *s = json_string_value(v);
        if (s == NULL || trust_endorsement_parse(s, &e) != CK_OK ||
            trust_find_authority(trust, e.authority_kid, &auth) != CK_OK ||
            trust_endorsement_verify(s, &auth, &e) != CK_OK || now < e.nbf || now >= e.exp)
            continue;
        if (best == NULL || e.iat >= out->iat) {
            best = s;
            *out = e;
        }
    }
    ck_err_clear();
    if (best != NULL)
        *jws_out = strdup(best);
    json_decref(jwk);
    if (best == NULL)
        return ck_err(CK_ERR_UNTRUSTED, "no endorsement of key %s valid now", kid);
    return *jws_out ? CK_OK : ck_err(CK_ERR_NOMEM, "out of memory");
}

/* A string member of the JWK trust lists under kid, copied into dst ("" if none). */
static void
jwk_member(const Trust *trust, const char *kid, const char *member, char *dst, size_t cap)
{
    json_t *jwk = trust_key_jwk(trust, kid);
    const char *v = json_string_value(json_object_get(jwk, member));

    snprintf(dst, cap, "%s", v ? v : "");
    json_decref(jwk);
}

int
kiosk_install_endorsement(int argc, char **argv)
{
    const char *home = NULL, *path;
    char name[CLI_AUTHORITY_NAME_MAX + 1], from[CLOCK_RFC3339_LEN + 1], to[CLOCK_RFC3339_LEN + 1];
    char *jws = NULL, *jws_path = NULL, *trust_path = NULL, kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    bool yes = false, first_pin;
    int64_t now = clock_now();
    Trust *src = NULL, *dst = NULL;
    PublicKey kpub, auth, pinned;
    Endorsement e;
    KioskHome kh;
    CkErr err;
    int opt, rc = CLI_USAGE;
    const CliOption opts[] = {{"home", .value = &home}, {"yes", .flag = &yes}, {NULL}};

    if ((opt = cli_options(argc, argv, opts, kiosk_usage)) != CLI_NEXT)
        return opt;
    if (home == NULL || optind != argc - 1)
        return cli_usage_error("kiosk install-endorsement needs --home HOME and one FILE");
    path = argv[optind];
    if ((err = home_read(home, &kh)) != CK_OK || (err = home_load_public(home, &kpub, NULL)) != CK_OK ||
        (err = trust_load(path, &src)) != CK_OK || (err = home_load_trust(home, &dst)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    /* It must endorse this kiosk's own key, for this kiosk's ID, now. */
    if ((err = trust_find_kiosk(src, kpub.kid, now, &pinned, kiosk_id)) != CK_OK) {
        char prefix[400];
        snprintf(prefix, sizeof prefix, "%s does not endorse this kiosk's key %s (", path,
                 kpub.kid);
        rc = cli_fail(rewrap(err, prefix, "): was it made from this kiosk's request?"));
        goto out;
    }
    if (strcmp(kiosk_id, kh.kiosk_id) != 0) {
        rc = cli_fail(ck_err(CK_ERR_UNTRUSTED,
                             "%s endorses this kiosk's key for kiosk %s, but this kiosk is %s", path,
                             kiosk_id, kh.kiosk_id));
        goto out;
    }
    if ((err = newest_endorsement(src, kpub.kid, now, &jws, &e)) != CK_OK ||
        (err = trust_find_authority(src, e.authority_kid, &auth)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    /* The first authority is pinned on trust (its key ID is shown to be
     * compared); after that, only endorsements by a pinned one go in. */
    first_pin = trust_count(dst, KEY_KIND_AUTHORITY) == 0;
    if (!first_pin && trust_find_authority(dst, auth.kid, &pinned) != CK_OK) {
        ck_err_clear();
        rc = cli_fail(ck_err(CK_ERR_UNTRUSTED,
                             "%s is endorsed by authority %s, which this kiosk does not trust "
                             "(it trusts another); nothing was installed",
                             path, auth.kid));
        goto out;
    }
    jwk_member(src, auth.kid, "name", name, sizeof name);
    clock_format(e.nbf, from);
    clock_format(e.exp, to);
    printf("endorsement %s\n  kiosk      %s (key %s)\n  authority  %s%s%s%s%s\n  valid      %s .. "
           "%s\n  publishers %zu\n",
           path, kh.kiosk_id, kpub.kid, auth.kid, name[0] ? " (" : "", name, name[0] ? ")" : "",
           first_pin ? "   <- new: compare with the authority's key ID" : "", from, to,
           trust_count(src, KEY_KIND_PUBLISHER));
    fflush(stdout);
    if (first_pin && (err = cli_confirm("Trust this authority on this kiosk?", yes, "--yes")) !=
                         CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    if ((jws_path = home_file(home, HOME_ENDORSEMENT)) == NULL ||
        (trust_path = home_file(home, HOME_TRUST)) == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    /* The trust file first: endorsement.jws is only a convenience copy. */
    if ((err = trust_merge(dst, src)) != CK_OK || (err = trust_save(dst, trust_path)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    {
        size_t n = strlen(jws);
        char *line = malloc(n + 2);
        if (line == NULL) {
            rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
            goto out;
        }
        memcpy(line, jws, n);
        line[n] = '\n';
        err = fileio_write_atomic(jws_path, line, n + 1, 0600, false);
        free(line);
        if (err != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
    }
    printf("installed: kiosk %s is endorsed until %s; %s now holds %zu publisher key%s\n",
           kh.kiosk_id, to, trust_path, trust_count(dst, KEY_KIND_PUBLISHER),
           trust_count(dst, KEY_KIND_PUBLISHER) == 1 ? "" : "s");
    rc = CLI_OK;
out:
    free(trust_path);
    free(jws_path);
    free(jws);
    trust_free(dst);
    trust_free(src);
    return rc;
}
