/* cli_trust: authority folders and validity windows for certctl's trust verbs. */
#include "cli_trust.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "fileio.h"
#include "trust.h"

CkErr
cli_trust_authority_public(const char *dir, PublicKey *pub_out,
                           char name[CLI_AUTHORITY_NAME_MAX + 1])
{
    char *path = fileio_join(dir, CLI_AUTHORITY_JWK);
    json_t *jwk = NULL;
    const char *n;
    CkErr err;

    if (path == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if ((err = trust_jwk_load(path, KEY_KIND_AUTHORITY, pub_out, &jwk)) == CK_OK && name != NULL) {
        n = json_string_value(json_object_get(jwk, "name"));
        snprintf(name, CLI_AUTHORITY_NAME_MAX + 1, "%s", n ? n : "");
    }
    if (err == CK_ERR_NOT_FOUND)
        err = ck_err(CK_ERR_NOT_FOUND,
                     "%s: not an authority folder (no %s; create one with `certctl authority "
                     "create`)",
                     dir, CLI_AUTHORITY_JWK);
    json_decref(jwk);
    free(path);
    return err;
}

CkErr
cli_trust_key_unlock(const char *path, KeyKind kind, const char *pass_file, const char *prompt,
                     SecretKey **sk_out)
{
    char *pass = NULL;
    size_t pass_len = 0;
    CkErr err;

    *sk_out = NULL;
    if ((err = cli_passphrase(pass_file, prompt, false, &pass, &pass_len)) != CK_OK)
        return err;
    err = key_load_encrypted(path, kind, pass, pass_len, sk_out);
    sodium_free(pass);
    return err;
}

CkErr
cli_trust_authority_unlock(const char *dir, const char *pass_file, SecretKey **sk_out,
                           PublicKey *pub_out, char name[CLI_AUTHORITY_NAME_MAX + 1])
{
    char *path = NULL;
    PublicKey from_key;
    CkErr err;

    *sk_out = NULL;
    if ((err = cli_trust_authority_public(dir, pub_out, name)) != CK_OK)
        return err;
    if ((path = fileio_join(dir, CLI_AUTHORITY_KEY)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if ((err = cli_trust_key_unlock(path, KEY_KIND_AUTHORITY, pass_file, "Authority passphrase",
                                    sk_out)) != CK_OK)
        goto out;
    key_public(*sk_out, &from_key);
    if (!key_public_equal(&from_key, pub_out)) {
        key_destroy(*sk_out);
        *sk_out = NULL;
        err = ck_err(CK_ERR_KEY, "%s: %s and %s hold different keys", dir, CLI_AUTHORITY_KEY,
                     CLI_AUTHORITY_JWK);
    }
out:
    free(path);
    return err;
}

/* The scope ("kiosk_id" or "nation") pub is listed with in trust, or "". */
static void
listed_scope(const Trust *trust, const PublicKey *pub, KeyKind role,
             char scope[TRUST_KIOSK_ID_MAX + 1], size_t *n_endorsements)
{
    json_t *jwk = trust_key_jwk(trust, pub->kid);
    const char *s =
        json_string_value(json_object_get(jwk, role == KEY_KIND_KIOSK ? "kiosk_id" : "nation"));

    snprintf(scope, TRUST_KIOSK_ID_MAX + 1, "%s", s ? s : "");
    *n_endorsements = json_array_size(json_object_get(jwk, "endorsements"));
    json_decref(jwk);
}

CkErr
cli_trust_limits(const char *max_days, const char *nations, TrustKioskLimits *limits)
{
    memset(limits, 0, sizeof *limits);
    limits->max_validity_days = CLI_DEFAULT_MAX_VALIDITY_DAYS;
    if (max_days != NULL) {
        char *end;
        long n = strtol(max_days, &end, 10);
        if (*max_days == '\0' || *end != '\0' || n < 1 || n > TRUST_VALIDITY_DAYS_MAX)
            return ck_err(CK_ERR_USAGE, "--max-validity-days must be a whole number from 1 to %d",
                          TRUST_VALIDITY_DAYS_MAX);
        limits->max_validity_days = (uint32_t)n;
    }
    return nations != NULL ? trust_limits_parse_nations(nations, limits) : CK_OK;
}

CkErr
cli_trust_endorse(const char *dir, const char *pass_file, const PublicKey *pub, KeyKind role,
                  const char *scope, const TrustKioskLimits *limits, int64_t now, int64_t exp,
                  Trust *trust,
                  PublicKey *auth_pub_out, char name[CLI_AUTHORITY_NAME_MAX + 1], char **jws_out,
                  CliEndorsed *what_out)
{
    SecretKey *auth = NULL;
    char before[TRUST_KIOSK_ID_MAX + 1], after[TRUST_KIOSK_ID_MAX + 1];
    size_t n_before, n_after;
    CkErr err;

    *jws_out = NULL;
    memset(what_out, 0, sizeof *what_out);
    listed_scope(trust, pub, role, before, &n_before);
    if ((err = cli_trust_authority_unlock(dir, pass_file, &auth, auth_pub_out, name)) != CK_OK ||
        (err = role == KEY_KIND_KIOSK
                   ? trust_endorse_kiosk(auth, pub, scope, limits, now, exp, now, jws_out)
                   : trust_endorse(auth, pub, role, scope, now, exp, now, jws_out)) != CK_OK ||
        (err = trust_add_authority(trust, auth_pub_out, name[0] ? name : NULL)) != CK_OK ||
        (err = trust_add_endorsed(trust, *jws_out)) != CK_OK) {
        free(*jws_out);
        *jws_out = NULL;
        goto out;
    }
    listed_scope(trust, pub, role, after, &n_after);
    what_out->kept = n_after > 0 ? n_after - 1 : 0;
    if (before[0] != '\0' && strcmp(before, after) != 0)
        memcpy(what_out->replaced_scope, before, sizeof before);
out:
    key_destroy(auth);
    return err;
}

CkErr
cli_trust_keypair_create(KeyKind kind, const char *key_path, const char *jwk_path,
                         const char *pass_file, const char *prompt, const char *member,
                         const char *value, PublicKey *pub_out)
{
    char *pass = NULL;
    size_t pass_len = 0;
    SecretKey *sk = NULL;
    json_t *jwk = NULL;
    CkErr err;

    if ((err = cli_passphrase(pass_file, prompt, true, &pass, &pass_len)) != CK_OK ||
        (err = key_generate(kind, &sk)) != CK_OK ||
        (err = key_save_encrypted(sk, key_path, pass, pass_len)) != CK_OK)
        goto out;
    key_public(sk, pub_out);
    if ((jwk = trust_jwk_from_public(pub_out, kind)) == NULL ||
        json_object_set_new(jwk, member, json_string(value)) != 0) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    err = trust_jwk_save(jwk, jwk_path, true);
out:
    json_decref(jwk);
    key_destroy(sk);
    if (pass != NULL)
        sodium_free(pass);
    return err;
}

CkErr
cli_trust_window(const char *days, const char *until, int64_t now, int64_t *exp_out)
{
    char *end;
    long n;
    int64_t t;

    if (days != NULL && until != NULL)
        return ck_err(CK_ERR_USAGE, "give --days or --until, not both");
    if (until != NULL) {
        if (clock_parse(until, &t) != CK_OK)
            return ck_err(CK_ERR_USAGE, "--until \"%.40s\" is not a date like 2027-01-31", until);
        if (t <= now)
            return ck_err(CK_ERR_USAGE, "--until %s is not in the future", until);
        *exp_out = t;
        return CK_OK;
    }
    if (days == NULL) {
        *exp_out = now + 365 * (int64_t)86400;
        return CK_OK;
    }
    n = strtol(days, &end, 10);
    if (*days == '\0' || *end != '\0' || n < 1 || n > 3650)
        return ck_err(CK_ERR_USAGE, "--days must be a whole number from 1 to 3650");
    *exp_out = now + n * (int64_t)86400;
    return CK_OK;
}

CkErr
cli_trust_status_load(const char *path, const Trust *trust, StatusList **list_out)
{
    char *state = NULL, *dir = NULL;
    StatusList *list = NULL;
    CkErr err;

    *list_out = NULL;
    if ((err = status_load(path, trust, &list)) != CK_OK)
        return err;
    if ((err = cli_state_dir(&state)) == CK_OK) {
        dir = fileio_join(state, "status");
        err = dir ? status_remember(dir, list, trust) : ck_err(CK_ERR_NOMEM, "out of memory");
    }
    free(dir);
    free(state);
    if (err != CK_OK) {
        status_free(list);
        return err;
    }
    *list_out = list;
    return CK_OK;
}

const char *
cli_trust_step_mark(CertStepOutcome o)
{
    switch (o) {
    case CERT_STEP_PASSED:
        return "ok  ";
    case CERT_STEP_FAILED:
        return "FAIL";
    case CERT_STEP_NOT_CHECKED:
        return "--  ";
    default:
        return "skip";
    }
}

const char *
cli_trust_step_word(CertStepOutcome o)
{
    switch (o) {
    case CERT_STEP_PASSED:
        return "passed";
    case CERT_STEP_FAILED:
        return "failed";
    case CERT_STEP_NOT_CHECKED:
        return "not checked";
    default:
        return "not run";
    }
}
