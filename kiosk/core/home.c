/* home: creating and reading a kiosk home folder. */
#include "home.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fileio.h"

#define HOME_JSON_MAX (64 * 1024)

char *
home_file(const char *dir, const char *name)
{
    return fileio_join(dir, name);
}

/* The home holds the kiosk key and the log of names and ID numbers: a
 * folder others can read (mkdir under umask 022, systemd's default
 * StateDirectory mode) would hand them over. Checked by every way in. */
static CkErr
home_check(const char *dir)
{
    CkErr err = fileio_private_dir(dir, "kiosk home", false);

    if (err == CK_ERR_NOT_FOUND)
        return ck_err(CK_ERR_NOT_FOUND,
                      "%s: not a kiosk home (no such folder; create one with "
                      "`certctl kiosk init`)",
                      dir);
    return err;
}

static CkErr
copy_member(const json_t *obj, const char *key, char *dst, size_t cap, bool required,
            const char *path)
{
    const char *v = json_string_value(json_object_get(obj, key));

    dst[0] = '\0';
    if (v == NULL)
        return required ? ck_err(CK_ERR_FORMAT, "%s: missing \"%s\"", path, key) : CK_OK;
    if (strlen(v) >= cap)
        return ck_err(CK_ERR_FORMAT, "%s: \"%s\" is too long", path, key);
    memcpy(dst, v, strlen(v) + 1);
    return CK_OK;
}

CkErr
home_read(const char *dir, KioskHome *out)
{
    char *path = home_file(dir, HOME_JSON), created[32];
    unsigned char *data = NULL;
    size_t len;
    json_error_t jerr;
    json_t *j = NULL;
    const char *format;
    CkErr err;

    memset(out, 0, sizeof *out);
    if (path == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if ((err = home_check(dir)) != CK_OK)
        goto out;
    if ((err = fileio_read(path, HOME_JSON_MAX, &data, &len)) != CK_OK) {
        if (err == CK_ERR_NOT_FOUND)
            err = ck_err(CK_ERR_NOT_FOUND,
                         "%s: not a kiosk home (no %s; create one with "
                         "`certctl kiosk init`)",
                         dir, HOME_JSON);
        goto out;
    }
    if ((j = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL ||
        !json_is_object(j)) {
        err = ck_err(CK_ERR_FORMAT, "%s: not a JSON object", path);
        goto out;
    }
    format = json_string_value(json_object_get(j, "format"));
    if (format != NULL && strncmp(format, "certkiosk-home/", 15) == 0 &&
        strcmp(format, HOME_FORMAT) != 0 && atoi(format + 15) > atoi(HOME_FORMAT + 15)) {
        /* After a downgrade: say so, and touch nothing (the log is evidence). */
        err = ck_err(CK_ERR_FORMAT,
                     "%s: a kiosk home of format \"%s\" (this certkiosk knows \"%s\"): made by a "
                     "newer certkiosk; install that version again",
                     path, format, HOME_FORMAT);
        goto out;
    }
    if (format == NULL || strcmp(format, HOME_FORMAT) != 0) {
        err = ck_err(CK_ERR_FORMAT, "%s: \"format\" is not \"%s\"", path, HOME_FORMAT);
        goto out;
    }
    if ((err = copy_member(j, "kiosk_id", out->kiosk_id, sizeof out->kiosk_id, true, path)) !=
            CK_OK ||
        (err = copy_member(j, "operator", out->operator_name, sizeof out->operator_name, false,
                           path)) != CK_OK ||
        (err = copy_member(j, "origin", out->origin, sizeof out->origin, true, path)) != CK_OK ||
        (err = copy_member(j, "created", created, sizeof created, true, path)) != CK_OK)
        goto out;
    if (!trust_kiosk_id_valid(out->kiosk_id)) {
        err = ck_err(CK_ERR_FORMAT, "%s: invalid \"kiosk_id\"", path);
        goto out;
    }
    if (clock_parse(created, &out->created) != CK_OK) {
        err = ck_err(CK_ERR_FORMAT, "%s: \"created\" is not an RFC 3339 time", path);
        goto out;
    }
out:
    json_decref(j);
    free(data);
    free(path);
    return err;
}

/* CK_OK if dir does not exist or is an empty folder. */
static CkErr
check_fresh(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool empty = true;

    if (d == NULL)
        return errno == ENOENT ? CK_OK
                               : ck_err(CK_ERR_EXISTS, "%s: exists and is not a folder", dir);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = false;
    closedir(d);
    if (!empty)
        return ck_err(CK_ERR_EXISTS, "%s: already exists and is not empty; refusing to touch it",
                      dir);
    return CK_OK;
}

CkErr
home_create(const char *dir, const char *kiosk_id, const char *operator_name, int64_t now,
            KioskHome *out, SecretKey **sk_out)
{
    char created[CLOCK_RFC3339_LEN + 1], *json_path = NULL, *key_path = NULL, *jwk_path = NULL,
                                         *text = NULL;
    SecretKey *sk = NULL;
    PublicKey pub;
    json_t *j = NULL, *jwk = NULL;
    size_t len;
    CkErr err;

    memset(out, 0, sizeof *out);
    if (sk_out != NULL)
        *sk_out = NULL;
    if (!trust_kiosk_id_valid(kiosk_id))
        return ck_err(CK_ERR_USAGE, "invalid kiosk ID \"%.80s\": use 1 to %d of A-Z a-z 0-9 . _ -",
                      kiosk_id, TRUST_KIOSK_ID_MAX);
    if (operator_name != NULL && strlen(operator_name) > HOME_OPERATOR_MAX)
        return ck_err(CK_ERR_USAGE, "the operator name is longer than %d bytes", HOME_OPERATOR_MAX);
    if ((err = check_fresh(dir)) != CK_OK)
        return err;
    memcpy(out->kiosk_id, kiosk_id, strlen(kiosk_id) + 1);
    snprintf(out->operator_name, sizeof out->operator_name, "%s",
             operator_name ? operator_name : "");
    snprintf(out->origin, sizeof out->origin, "certkiosk.example/%s", kiosk_id);
    out->created = now;
    clock_format(now, created);
    if ((err = fileio_private_dir(dir, "kiosk home", true)) != CK_OK)
        goto out;
    json_path = home_file(dir, HOME_JSON);
    key_path = home_file(dir, HOME_KEY);
    jwk_path = home_file(dir, HOME_JWK);
    j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "format", HOME_FORMAT, "kiosk_id", kiosk_id,
                  "operator", out->operator_name, "origin", out->origin, "created", created);
    if (json_path == NULL || key_path == NULL || jwk_path == NULL || j == NULL ||
        (text = json_dumps(j, JSON_INDENT(2))) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* The key first: a home with kiosk.json always has its key. */
    if ((err = key_generate(KEY_KIND_KIOSK, &sk)) != CK_OK ||
        (err = key_save_plain(sk, key_path)) != CK_OK)
        goto out;
    key_public(sk, &pub);
    if ((jwk = trust_jwk_from_public(&pub, KEY_KIND_KIOSK)) == NULL ||
        json_object_set_new(jwk, "kiosk_id", json_string(kiosk_id)) != 0) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((err = trust_jwk_save(jwk, jwk_path, true)) != CK_OK)
        goto out;
    len = strlen(text);
    text[len] = '\n'; /* replaces the NUL; len + 1 bytes are written */
    if ((err = fileio_write_atomic(json_path, text, len + 1, 0600, true)) != CK_OK)
        goto out;
    if (sk_out != NULL) {
        *sk_out = sk;
        sk = NULL;
    }
out:
    key_destroy(sk);
    json_decref(jwk);
    json_decref(j);
    free(text);
    free(jwk_path);
    free(key_path);
    free(json_path);
    return err;
}

CkErr
home_load_key(const char *dir, SecretKey **sk_out)
{
    char *path = home_file(dir, HOME_KEY);
    CkErr err;

    *sk_out = NULL;
    if (path == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if ((err = home_check(dir)) == CK_OK)
        err = key_load_plain(path, KEY_KIND_KIOSK, sk_out);
    free(path);
    return err;
}

CkErr
home_load_public(const char *dir, PublicKey *pub_out, json_t **jwk_out)
{
    char *path = home_file(dir, HOME_JWK);
    CkErr err;

    if (jwk_out != NULL)
        *jwk_out = NULL;
    if (path == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    err = trust_jwk_load(path, KEY_KIND_KIOSK, pub_out, jwk_out);
    free(path);
    return err;
}

CkErr
home_open_store(const char *dir, bool create, Store **st_out)
{
    char *path = home_file(dir, HOME_STORE);
    CkErr err;

    *st_out = NULL;
    if (path == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if ((err = home_check(dir)) == CK_OK)
        err = store_open(path, create, st_out);
    free(path);
    return err;
}

CkErr
home_load_trust(const char *dir, Trust **trust_out)
{
    char *path = home_file(dir, HOME_TRUST);
    CkErr err;

    if (path == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (fileio_exists(path))
        err = trust_load(path, trust_out);
    else
        err = trust_new(trust_out);
    free(path);
    return err;
}
