/* registry: the administrator's registry of many kiosks — verified certificates, witnessed logs,
 * status lists, bundles. */
#ifndef CERTKIOSK_REGISTRY_H
#define CERTKIOSK_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "checkpoint.h"
#include "err.h"
#include "keys.h"
#include "merkle.h"
#include "status.h"
#include "trust.h"

/* Two back ends behind this one interface (registry/registry_int.h is the
 * driver contract; the checks below are written once, in registry.c and
 * registry_import.c):
 *   - SQLite, the embedded default: one file, DIR/registry.db (folder 0700,
 *     file 0600, WAL, synchronous=FULL); writers take the whole file;
 *   - PostgreSQL (libpq), for a registry several administrators share: a
 *     "postgresql://" or "postgres://" URL. Imports of different kiosks run
 *     at once; imports of one kiosk (and stores of one authority's status
 *     list) are serialised by a transaction-scoped advisory lock on its ID,
 *     so a witness update is never lost. Roles: registry/pg_roles.sql.
 * The schema is versioned (migrations 0 -> 1 -> ... in each back end,
 * registry_migrate()); SQLite files are brought up to date when opened,
 * PostgreSQL databases only by registry_migrate() (`certctl registry
 * migrate`, run by the role owning the tables).
 *
 * Import of a kiosk export (`certctl export`, one file per kiosk, format
 * "certkiosk-export/2": a JSON header line with kiosk_id, origin, kiosk_jwk
 * with its endorsements and the checkpoint, then one line per log entry; or
 * format 1, one JSON document with "log" = every entry body and
 * "certificates"; kiosk/FORMATS.md) is all or nothing, in one transaction,
 * after these checks in this order:
 *   1. the kiosk's JWK and its endorsements (kiosk_jwk "endorsements", and
 *      the single "endorsement" of older exports): each must be for this key
 *      and kiosk ID; those signed by an authority the trust file does not pin
 *      or not verifying are ignored (none left: CK_ERR_UNTRUSTED "unknown
 *      kiosk" / the signature's error); one must be valid now
 *      (CK_ERR_EXPIRED / CK_ERR_NOT_YET_VALID). The earlier ones are kept to
 *      judge certificates issued under them (step 5);
 *   2. the checkpoint is signed by that kiosk key under the export's origin;
 *   3. the log: every entry body is hashed again (leaf = SHA-256(0x00||body))
 *      and the tree over them must have the checkpoint's size and root
 *      (CK_ERR_TAMPERED) — so every entry is covered by the kiosk's signature;
 *   4. the witness: if the registry saw this kiosk before, the same key and
 *      origin, a size not smaller, and the old root equal to the root of the
 *      first old-size leaves of the new log, i.e. the new tree extends the old
 *      one (CK_ERR_TAMPERED: truncated or rewritten history);
 *   5. every certificate in the log (entries with a "jws") verified with
 *      cert_verify() in parallel on all cores: format, signature and kiosk
 *      endorsement at issue time must pass (an expired certificate is still
 *      imported, to be reported as expired); it must be from this kiosk; a
 *      certificate a format-1 export lists but its log lacks is
 *      CK_ERR_TAMPERED;
 *   6. a serial already in the registry must carry the very same certificate
 *      (duplicates are recognised and skipped; a different certificate under
 *      a known serial is CK_ERR_TAMPERED).
 * Any failure leaves the registry exactly as it was. Importing the same export
 * twice changes nothing (the second reports 0 new certificates).
 *
 * Supersession: a person is nation + service number; their newest
 * certificate (latest validFrom, then highest serial) is the current one and
 * supersedes every older one, whether or not it names it in "supersedes".
 *
 * Status lists: the registry holds the newest list of each authority and
 * refuses an older one (CK_ERR_ROLLBACK).
 *
 * Bundles: for "outdated" reports the registry knows, per bundle ID, its
 * nation, the newest version and "material_since" — learnt from verified
 * bundles (registry_add_bundle, `certctl registry bundles`). Certificates
 * alone teach only versions, never whether a change was material, so without
 * a registered bundle nobody is reported outdated. */

typedef struct Registry Registry;

#define REGISTRY_DB_NAME "registry.db"
/* Largest export file accepted. */
#define REGISTRY_EXPORT_MAX ((size_t)512 << 20)

/* Opens the registry at where: a folder (SQLite), or a postgresql:// URL.
 * With create, the folder and database are made as needed (an empty
 * PostgreSQL database gets the schema). A database of another program is
 * CK_ERR_DB; one of an older schema is migrated (SQLite) or CK_ERR_DB
 * asking for `certctl registry migrate` (PostgreSQL). A missing registry
 * without create is CK_ERR_NOT_FOUND. *reg_out: registry_close(). */
CkErr registry_open(const char *where, bool create, Registry **reg_out);

/* True when where names a PostgreSQL registry (a postgresql:// URL). */
bool registry_is_url(const char *where);

/* Brings the registry at where to this build's schema; *from_out and
 * *to_out (may be NULL) get the versions before and after. */
CkErr registry_migrate(const char *where, int *from_out, int *to_out);

/* "SQLite" or "PostgreSQL"; and the file or URL (without password). */
const char *registry_backend(const Registry *reg);
const char *registry_where(const Registry *reg);

/* Closes the registry. Accepts NULL. */
void registry_close(Registry *reg);

/* What an import did. */
typedef struct RegistryImportStats {
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    uint64_t old_size;   /* log size the registry had witnessed (0: kiosk new to it) */
    uint64_t new_size;   /* log size of this export */
    size_t certificates; /* certificates in the export's log */
    size_t added;        /* new to the registry */
    size_t known;        /* already there (duplicates) */
    bool new_kiosk;
} RegistryImportStats;

/* Called now and then during long work with (done, total). May be NULL. */
typedef void (*RegistryProgressFn)(void *ctx, size_t done, size_t total);

/* Imports a parsed format-1 export (see above; format 2 is a file of lines:
 * registry_import_file); label names it in messages (a path).
 * trust: the administrator's trust file (pinned authorities). now: the time
 * endorsements are judged at. */
CK_WUR CkErr registry_import(Registry *reg, const json_t *export_json, const char *label,
                             const Trust *trust, int64_t now, RegistryProgressFn progress,
                             void *progress_ctx, RegistryImportStats *stats_out);

/* Imports an export file's len bytes of text (format 2, or format 1; fuzzed
 * by tests/fuzz/fuzz_export.c); label names it in messages. */
CK_WUR CkErr registry_import_text(Registry *reg, const char *text, size_t len, const char *label,
                                  const Trust *trust, int64_t now, RegistryProgressFn progress,
                                  void *progress_ctx, RegistryImportStats *stats_out);

/* Reads the export file at path and imports it (registry_import_text). */
CK_WUR CkErr registry_import_file(Registry *reg, const char *path, const Trust *trust, int64_t now,
                                  RegistryProgressFn progress, void *progress_ctx,
                                  RegistryImportStats *stats_out);

/* Stores a verified status list unless the registry holds a newer one of the
 * same authority (CK_ERR_ROLLBACK) or a different list with the same version
 * (CK_ERR_TAMPERED). *changed_out (may be NULL) tells whether it was new. */
CK_WUR CkErr registry_set_status(Registry *reg, const StatusList *list, bool *changed_out);

/* Every status list held, one per authority (*lists_out: an array of
 * *n_out lists; free with registry_status_free()). The lists were verified
 * when stored. */
CkErr registry_status_lists(Registry *reg, StatusList ***lists_out, size_t *n_out);
void registry_status_free(StatusList **lists, size_t n);

/* A bundle as the registry knows it. */
typedef struct RegistryBundle {
    char id[CERT_FIELD_MAX + 1];
    char nation[TRUST_NATION_MAX + 1];
    char version[32];
    char material_since[32];
} RegistryBundle;

/* Records a bundle's version and material_since; an older version than the
 * one known changes nothing (*changed_out false). */
CkErr registry_add_bundle(Registry *reg, const RegistryBundle *bundle, bool *changed_out);

/* The bundle with that ID: CK_OK or CK_ERR_NOT_FOUND. */
CkErr registry_get_bundle(Registry *reg, const char *id, RegistryBundle *out);

/* A person's current certificate (as the registry stored it after verifying it). */
typedef struct RegistryCert {
    char serial[CERT_SERIAL_MAX + 1];
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    int64_t valid_from, valid_until;
    size_t n_bundles;
    CertBundle bundles[CERT_MAX_BUNDLES];
    size_t superseded; /* how many older certificates of the person it supersedes */
} RegistryCert;

/* The current (newest) certificate of nation + service_number: CK_OK or
 * CK_ERR_NOT_FOUND. */
CkErr registry_find_person(Registry *reg, const char *nation, const char *service_number,
                           RegistryCert *out);

/* Looks up many people at once (one query, not one per person): calls fn
 * with the index of each person in nations/ids that has a certificate and
 * their current one, in no particular order; people without one are not
 * called for. */
typedef CkErr (*RegistryPersonFn)(void *ctx, size_t i, const RegistryCert *cert);
CkErr registry_find_people(Registry *reg, const char *const *nations,
                           const char *const *service_numbers, size_t n, RegistryPersonFn fn,
                           void *ctx);

/* Numbers for a summary. */
typedef struct RegistryCounts {
    size_t kiosks, certificates, status_lists, bundles;
} RegistryCounts;
CkErr registry_counts(Registry *reg, RegistryCounts *out);

/* Calls fn for every kiosk the registry witnessed: its ID, key ID, origin,
 * witnessed log size and checkpoint note (borrowed for the call). */
typedef CkErr (*RegistryKioskFn)(void *ctx, const char *kiosk_id, const char *kid,
                                 const char *origin, uint64_t size, const char *checkpoint);
CkErr registry_foreach_kiosk(Registry *reg, RegistryKioskFn fn, void *ctx);

/* What the registry witnessed of one kiosk: the newest checkpoint it
 * accepted (size and root of the kiosk's log, and the signed note). */
typedef struct RegistryKiosk {
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    char kid[KEY_ID_LEN + 1];
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    uint64_t size;
    unsigned char root[MERKLE_HASH_LEN];
    char *checkpoint; /* the note as the kiosk signed it; free() it */
} RegistryKiosk;

/* The witnessed checkpoint of kiosk_id: CK_OK, CK_ERR_NOT_FOUND (never
 * imported) or CK_ERR_DB. Free out->checkpoint with free(). */
CkErr registry_get_kiosk(Registry *reg, const char *kiosk_id, RegistryKiosk *out);

/* The leaf hashes of the witnessed log of kiosk_id (*n_out = its witnessed
 * size; free *leaves_out), from which merkle_inclusion_proof() proves an
 * entry against the witnessed root. CK_ERR_NOT_FOUND: kiosk unknown, or
 * witnessed by a registry of schema 1 (no leaves kept; imported again, it
 * has them). */
CkErr registry_get_leaves(Registry *reg, const char *kiosk_id,
                          unsigned char (**leaves_out)[MERKLE_HASH_LEN], uint64_t *n_out);

/* Which kiosk's log, at which index, holds the certificate with serial:
 * CK_OK, or CK_ERR_NOT_FOUND. kiosk_id_out has TRUST_KIOSK_ID_MAX + 1
 * bytes; *jws_out (may be NULL) gets the certificate (free()). */
CkErr registry_find_serial(Registry *reg, const char *serial, char *kiosk_id_out,
                           uint64_t *index_out, char **jws_out);

#endif
