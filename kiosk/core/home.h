/* home: the kiosk home folder — kiosk.json, kiosk.key, kiosk.jwk, trust.jwks (formats.md). */
#ifndef CERTKIOSK_HOME_H
#define CERTKIOSK_HOME_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "keys.h"
#include "store.h"
#include "trust.h"

#define HOME_FORMAT "certkiosk-home/1"
#define HOME_OPERATOR_MAX 127
#define HOME_ORIGIN_MAX 255

/* File names inside a home. */
#define HOME_JSON "kiosk.json"
#define HOME_KEY "kiosk.key"
#define HOME_JWK "kiosk.jwk"
#define HOME_ENDORSEMENT "endorsement.jws"
#define HOME_TRUST "trust.jwks"
#define HOME_STORE "store.db"

/* What kiosk.json says. */
typedef struct KioskHome {
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    char operator_name[HOME_OPERATOR_MAX + 1];
    char origin[HOME_ORIGIN_MAX + 1]; /* the checkpoint origin, "certkiosk.example/<kiosk_id>" */
    int64_t created;
} KioskHome;

/* Reads dir/kiosk.json: CK_ERR_NOT_FOUND ("not a kiosk home") when missing,
 * CK_ERR_FORMAT naming the member when malformed. Like home_load_key() and
 * home_open_store(), it refuses (CK_ERR_PERMISSION, naming the mode and the
 * fix) a home that group or others can enter or that another user owns. */
CK_WUR CkErr home_read(const char *dir, KioskHome *out);

/* Creates a new home: the folder (mode 0700; an existing empty one must
 * already be private), kiosk.json (0600), a new kiosk key in
 * kiosk.key (0600) and its public JWK in kiosk.jwk (with "kiosk_id"). An
 * existing non-empty folder is CK_ERR_EXISTS. operator_name may be NULL.
 * *sk_out (may be NULL) receives the new key (key_destroy()). */
CkErr home_create(const char *dir, const char *kiosk_id, const char *operator_name, int64_t now,
                  KioskHome *out, SecretKey **sk_out);

/* Loads dir/kiosk.key (must be mode 0600). *sk_out: key_destroy(). */
CkErr home_load_key(const char *dir, SecretKey **sk_out);

/* Loads dir/trust.jwks, or makes an empty trust set if there is none yet. */
CK_WUR CkErr home_load_trust(const char *dir, Trust **trust_out);

/* Loads dir/kiosk.jwk, the kiosk's public key. *jwk_out (may be NULL): the
 * whole JWK, with its "kiosk_id" (json_decref()). */
CK_WUR CkErr home_load_public(const char *dir, PublicKey *pub_out, json_t **jwk_out);

/* Opens dir/store.db, the kiosk's log, as store_open() does (created when
 * create is set). *st_out: store_close(). */
CK_WUR CkErr home_open_store(const char *dir, bool create, Store **st_out);

/* dir/name as a new string (free()), or NULL when out of memory. */
char *home_file(const char *dir, const char *name);

#endif
