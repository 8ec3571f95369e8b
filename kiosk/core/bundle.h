/* bundle: reads, verifies and signs a nation's plugin bundle (manifest.json, manifest.sig, files).
 */
#ifndef CERTKIOSK_BUNDLE_H
#define CERTKIOSK_BUNDLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content.h"
#include "err.h"
#include "keys.h"
#include "trust.h"

/* The format is in /work/notes/formats.md ("Plugin bundle"). In short:
 *   manifest.json  what the bundle is, its rules, and the SHA-256 of every other file
 *   manifest.sig   {"alg":"EdDSA","kid":<publisher kid>,"sig":b64url(Ed25519 signature of
 *                  "certkiosk-bundle/1\n" || the exact bytes of manifest.json)}
 *
 * bundle_load() checks, in this order, and refuses at the first failure with
 * a detail that names the folder (and, once known, the bundle ID) and the reason:
 *   1. manifest.sig present (else CK_ERR_SIGNATURE "unsigned"), well formed;
 *   2. its kid is a publisher key in the trust set (CK_ERR_UNTRUSTED), and
 *      the signature verifies over the manifest bytes (CK_ERR_SIGNATURE) —
 *      nothing of manifest.json is parsed before this;
 *   3. the manifest parses and every field is valid (CK_ERR_FORMAT);
 *   4. the key is endorsed by a pinned authority for the manifest's nation,
 *      now (trust_find_publisher: CK_ERR_UNTRUSTED, CK_ERR_EXPIRED, ...);
 *   5. ABI major equal, minor not newer than the host's, every "requires"
 *      feature known to the host (CK_ERR_REFUSED);
 *   6. version not older than the highest seen for the bundle ID (CK_ERR_ROLLBACK);
 *   7. every file in the folder is listed (CK_ERR_TAMPERED), read once, within
 *      its size limit (CK_ERR_TOO_LARGE), its SHA-256 as listed
 *      (CK_ERR_TAMPERED); every listed file present (CK_ERR_TAMPERED);
 *      symbolic links and special files are refused;
 *   8. every listed language has content/<lang>.json and every content file
 *      parses and validates (content.h; CK_ERR_FORMAT with file, line and
 *      column, or the JSON path), all languages with the same ids;
 *   9. a content file says "draft": false only where the manifest's "review"
 *      names who cleared that language (CK_ERR_FORMAT). */

#define BUNDLE_FORMAT "certkiosk-bundle/1"
#define BUNDLE_SIG_DOMAIN "certkiosk-bundle/1\n"
#define BUNDLE_MAX_MANIFEST_BYTES (256 * 1024)
#define BUNDLE_MAX_SIG_BYTES 4096
#define BUNDLE_MAX_FILE_BYTES (4 * 1024 * 1024)    /* content and other data files */
#define BUNDLE_MAX_MODULE_BYTES (16 * 1024 * 1024) /* the native module */
#define BUNDLE_MAX_FILES 256
#define BUNDLE_MAX_DEPTH 4

/* The features this host supports; a manifest "requires" only these. */
#define BUNDLE_FEATURE_SERVICE_NUMBER_CHECK "service-number-check"
#define BUNDLE_FEATURE_NATIVE_MODULE "native-module"
#define BUNDLE_FEATURE_TRAINING_CONFIRMATION "training-confirmation"
#define BUNDLE_FEATURE_EXTRA_CLAIMS "extra-claims"

typedef struct Bundle Bundle;

/* The highest version seen per bundle ID, remembered across starts. */
typedef struct BundleSeen BundleSeen;

typedef struct BundleOptions {
    const Trust *trust;          /* required: publisher keys and their nation-scoped endorsements */
    int64_t now;                 /* when endorsements must be valid; 0: clock_now() */
    const BundleSeen *seen;      /* NULL: no rollback check */
    const char *const *features; /* NULL-terminated; NULL: every feature listed above */
    unsigned abi_major, abi_minor; /* 0,0: this build's CK_PLUGIN_ABI_MAJOR/MINOR */
} BundleOptions;

/* Loads and verifies the bundle in dir (see the list above). On success
 * *bundle_out is new; free with bundle_free(). */
CkErr bundle_load(const char *dir, const BundleOptions *opts, Bundle **bundle_out);

/* Frees a bundle. Accepts NULL. Bytes handed out by bundle_file() die with it. */
void bundle_free(Bundle *b);

/* Borrowed from the bundle; valid until bundle_free(). */
const char *bundle_dir(const Bundle *b);
const char *bundle_id(const Bundle *b);
const char *bundle_version(const Bundle *b);
const char *bundle_material_since(const Bundle *b); /* the version itself when absent */
const char *bundle_nation(const Bundle *b);
const char *bundle_publisher_kid(const Bundle *b);
const char *bundle_manifest_sha256(const Bundle *b); /* 64 hex digits of the manifest bytes */
const json_t *bundle_manifest(const Bundle *b);
const json_t *bundle_rules(const Bundle *b);
size_t bundle_language_count(const Bundle *b);
const char *bundle_language(const Bundle *b, size_t i);
/* True if the bundle is a draft: its manifest names no "review" of its
 * reference language (the first), or that language's content says "draft":
 * true. A deployed kiosk refuses drafts unless told to show them (plugin_host.h). */
bool bundle_draft(const Bundle *b);

/* True if the manifest's rules.clause_categories does not restrict clause_id,
 * or lists category ("military", "civilian", "contractor") for it. */
bool bundle_clause_applies(const Bundle *b, const char *clause_id, const char *category);

/* The parsed content of a language, or NULL if the bundle has none. */
const Content *bundle_content(const Bundle *b, const char *lang);

/* The verified bytes of a listed file by its manifest name ("content/en.json").
 * CK_ERR_NOT_FOUND if not listed. The bytes are followed by a NUL byte. */
CkErr bundle_file(const Bundle *b, const char *name, const unsigned char **data_out,
                  size_t *len_out);

/* The native module's manifest name and verified bytes, or false if none. */
bool bundle_module(const Bundle *b, const char **name_out, const unsigned char **data_out,
                   size_t *len_out);

/* Compares two "N.N.N" versions: <0, 0, >0. Malformed sorts lowest. */
int bundle_version_compare(const char *a, const char *b);

/* True if s is a version of three numbers "N.N.N" (each 0..999999). */
bool bundle_version_valid(const char *s);

/* Signs the bundle in dir with a publisher key: computes the SHA-256 of every
 * file (the same walk and limits as bundle_load), writes them into
 * manifest.json's "files" (keeping the other members and their order), and
 * writes manifest.sig. Validates the manifest first, so a bundle that could
 * never load is not signed. */
CkErr bundle_sign(const char *dir, const SecretKey *sk);

/* Loads the versions seen from path; a missing file is an empty set. *seen_out: free with
 * bundle_seen_free(). */
CkErr bundle_seen_load(const char *path, BundleSeen **seen_out);

/* The highest version seen for id, or NULL. Borrowed. */
const char *bundle_seen_version(const BundleSeen *seen, const char *id);

/* Raises the version remembered for id (never lowers it); *changed_out tells if it did. */
CkErr bundle_seen_record(BundleSeen *seen, const char *id, const char *version, bool *changed_out);

/* Writes the set to path atomically (temporary file, fsync, rename). */
CkErr bundle_seen_save(const BundleSeen *seen, const char *path);

void bundle_seen_free(BundleSeen *seen);

#endif
