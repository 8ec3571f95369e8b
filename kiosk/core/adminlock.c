/* adminlock: load and save the admin PIN failure count. */
#include "adminlock.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

#define ADMINLOCK_FORMAT "certkiosk-admin-lock/1"

CkErr
adminlock_load(const char *path, AdminLock *lock_out)
{
    unsigned char *data = NULL;
    size_t len;
    json_t *root = NULL, *failures, *until, *format;
    json_error_t jerr;
    CkErr err;

    lock_out->failures = 0;
    lock_out->locked_until = 0;
    err = fileio_read(path, 4096, &data, &len);
    if (err == CK_ERR_NOT_FOUND) {
        ck_err_clear();
        return CK_OK;
    }
    if (err != CK_OK)
        goto locked;
    root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        err = ck_err(CK_ERR_FORMAT, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
        goto locked;
    }
    format = json_object_get(root, "format");
    failures = json_object_get(root, "failures");
    until = json_object_get(root, "locked_until");
    if (!json_is_string(format) || strcmp(json_string_value(format), ADMINLOCK_FORMAT) != 0 ||
        !json_is_integer(failures) || !json_is_integer(until) || json_integer_value(failures) < 0 ||
        json_integer_value(failures) > 1000000 || json_integer_value(until) < 0) {
        err = ck_err(CK_ERR_FORMAT, "%s: not a certkiosk admin lock file", path);
        goto locked;
    }
    lock_out->failures = (unsigned)json_integer_value(failures);
    lock_out->locked_until = json_integer_value(until);
    json_decref(root);
    free(data);
    return CK_OK;
locked:
    lock_out->failures = (unsigned)-1;
    lock_out->locked_until = INT64_MAX;
    json_decref(root);
    free(data);
    return err;
}

CkErr
adminlock_save(const char *path, const AdminLock *lock)
{
    char buf[160];
    int n =
        snprintf(buf, sizeof buf,
                 "{\"format\":\"" ADMINLOCK_FORMAT "\",\"failures\":%u,\"locked_until\":%lld}\n",
                 lock->failures, (long long)lock->locked_until);

    return fileio_write_atomic(path, buf, (size_t)n, 0600, false);
}
