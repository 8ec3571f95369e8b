/* adminlock: the admin PIN failure count, persisted in the kiosk home so a restart does not reset
 * it. */
#ifndef CERTKIOSK_ADMINLOCK_H
#define CERTKIOSK_ADMINLOCK_H

#include <stdint.h>

#include "err.h"

/* The file (HOME/admin-lock.json, mode 0600) holds
 *   {"format":"certkiosk-admin-lock/1","failures":n,"locked_until":unix}
 * and is written atomically (fileio_write_atomic) before a PIN is checked,
 * so pulling the plug mid-check still counts the attempt. */
typedef struct AdminLock {
    unsigned failures;    /* consecutive wrong PINs */
    int64_t locked_until; /* Unix seconds; 0 = not locked */
} AdminLock;

/* Reads path into *lock_out. A missing file is zero failures (CK_OK). A file
 * that cannot be read or parsed is an error, and *lock_out is set to locked
 * forever: a tampered lock must not grant more tries. */
CkErr adminlock_load(const char *path, AdminLock *lock_out);

/* Writes lock to path durably. CK_ERR_NOSPACE / CK_ERR_IO on failure. */
CkErr adminlock_save(const char *path, const AdminLock *lock);

#endif
