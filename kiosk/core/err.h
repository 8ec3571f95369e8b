/* err: the one error type of libcertkiosk, and a per-thread detail message. */
#ifndef CERTKIOSK_ERR_H
#define CERTKIOSK_ERR_H

/* Every fallible function returns a CkErr; 0 is success. The code says what
 * kind of failure it was (and so the CLI's exit code); ck_err_detail() says
 * which file, field or entry was at fault, in one line for a human. */
typedef enum CkErr {
    CK_OK = 0,
    CK_ERR_USAGE,        /* the caller passed something meaningless */
    CK_ERR_IO,           /* a file could not be read or written */
    CK_ERR_NOSPACE,      /* the disk is full */
    CK_ERR_NOMEM,        /* out of memory */
    CK_ERR_FORMAT,       /* input is malformed: bad JSON, bad base64, missing field */
    CK_ERR_TOO_LARGE,    /* input exceeds a documented limit */
    CK_ERR_SIGNATURE,    /* a signature does not verify */
    CK_ERR_KEY,          /* a key is malformed, weak or of the wrong kind */
    CK_ERR_PASSPHRASE,   /* wrong passphrase for an encrypted key */
    CK_ERR_PERMISSION,   /* a secret file is readable by others */
    CK_ERR_UNTRUSTED,    /* no trusted key vouches for this */
    CK_ERR_EXPIRED,      /* past its validity window */
    CK_ERR_NOT_YET_VALID,/* before its validity window */
    CK_ERR_REVOKED,      /* revoked by its authority */
    CK_ERR_TAMPERED,     /* stored data was altered, dropped or reordered */
    CK_ERR_ROLLBACK,     /* older than something already seen */
    CK_ERR_DB,           /* the database is corrupt, foreign or failed */
    CK_ERR_NOT_FOUND,    /* no such entry, file or key */
    CK_ERR_EXISTS,       /* refusing to overwrite something that exists */
    CK_ERR_REFUSED,      /* refused by policy (e.g. a plugin rule) */
    CK_ERR_INTERNAL,     /* a bug of ours that was caught */
    CK_ERR_COUNT_
} CkErr;

/* A short fixed phrase for the code ("signature does not verify"). Static. */
const char *ck_strerror(CkErr err);

/* Records a detail message for the calling thread and returns err, so that
 * `return ck_err(CK_ERR_FORMAT, "%s: missing \"kid\"", path);` reads well. */
CkErr ck_err(CkErr err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last detail recorded on this thread, or ck_strerror() of nothing was
 * recorded since ck_err_clear(). Borrowed; valid until the next ck_err(). */
const char *ck_err_detail(void);

/* Forgets the last detail on this thread. */
void ck_err_clear(void);

#endif
