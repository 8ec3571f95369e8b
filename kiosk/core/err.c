/* err: error codes, their phrases, and the per-thread detail message. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char detail[512];

static const char *const phrases[CK_ERR_COUNT_] = {
    [CK_OK] = "success",
    [CK_ERR_USAGE] = "invalid usage",
    [CK_ERR_IO] = "input/output error",
    [CK_ERR_NOSPACE] = "no space left on device",
    [CK_ERR_NOMEM] = "out of memory",
    [CK_ERR_FORMAT] = "malformed input",
    [CK_ERR_TOO_LARGE] = "input too large",
    [CK_ERR_SIGNATURE] = "signature does not verify",
    [CK_ERR_KEY] = "invalid key",
    [CK_ERR_PASSPHRASE] = "wrong passphrase",
    [CK_ERR_PERMISSION] = "file permissions too open",
    [CK_ERR_UNTRUSTED] = "not trusted",
    [CK_ERR_EXPIRED] = "expired",
    [CK_ERR_NOT_YET_VALID] = "not yet valid",
    [CK_ERR_REVOKED] = "revoked",
    [CK_ERR_TAMPERED] = "tampering detected",
    [CK_ERR_ROLLBACK] = "rollback to an older version",
    [CK_ERR_DB] = "database error",
    [CK_ERR_NOT_FOUND] = "not found",
    [CK_ERR_EXISTS] = "already exists",
    [CK_ERR_REFUSED] = "refused",
    [CK_ERR_INTERNAL] = "internal error",
};

const char *
ck_strerror(CkErr err)
{
    if ((unsigned)err >= CK_ERR_COUNT_)
        return "unknown error";
    return phrases[err];
}

CkErr
ck_err(CkErr err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return err;
}

const char *
ck_err_detail(void)
{
    return detail[0] ? detail : "no detail";
}

void
ck_err_clear(void)
{
    detail[0] = '\0';
}
