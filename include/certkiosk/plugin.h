/* certkiosk/plugin.h: the nation plugin ABI, version 1 — the only header a nation compiles against.
 *
 * A nation's bundle is data first (manifest.json, content/<lang>.json, all
 * signed by the nation's publisher key). Native code is optional and only for
 * rules the data cannot express, such as a check digit. When a bundle names a
 * native module, the kiosk loads it from the verified bytes and calls its one
 * exported function, CK_PLUGIN_ENTRY, once.
 *
 * Plugins describe; the host draws and signs. A plugin never touches the
 * screen, files, the network or a key: all it gets from the host is in
 * CkPluginHost below.
 *
 * Rules every plugin follows:
 *  - Never abort, exit, crash on bad input, or longjmp out: every function
 *    returns a CkPluginStatus, and a reason text in a caller buffer.
 *  - Never keep, log or send the personal data it is given (a service number
 *    is personal data). Reasons name what is wrong, not the number.
 *  - Build as a shared object with hidden visibility and export only
 *    CK_PLUGIN_ENTRY (CK_PLUGIN_EXPORT does it). The module is never
 *    unloaded, so it needs no destructor, and it must not start threads.
 *  - Every call may come from any one thread at a time; functions must not
 *    depend on global state changed by earlier calls.
 *
 * Versioning: each struct starts with struct_size, abi_major and abi_minor,
 * and only ever grows at its end (minor versions add fields in the reserved
 * space or after it). A host accepts a plugin of the same major version whose
 * minor version is not newer than its own, reads a plugin struct only within
 * its struct_size, and treats absent or NULL functions as "not provided" (the
 * bundle's manifest rules then apply). A plugin must likewise use host fields
 * only within host->struct_size. A new major version renames the entry symbol
 * (certkiosk_plugin_entry_v2), so a mismatch fails at symbol lookup.
 */
#ifndef CERTKIOSK_PLUGIN_H
#define CERTKIOSK_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CK_PLUGIN_ABI_MAJOR 1
#define CK_PLUGIN_ABI_MINOR 0

/* The entry symbol's name carries the ABI major. */
#define CK_PLUGIN_ENTRY certkiosk_plugin_entry_v1
#define CK_PLUGIN_ENTRY_NAME "certkiosk_plugin_entry_v1"

/* Marks the one exported symbol of a module built with -fvisibility=hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define CK_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define CK_PLUGIN_EXPORT
#endif

/* What every plugin function returns. */
typedef enum CkPluginStatus {
    CK_PLUGIN_OK = 0,          /* done; outputs are set */
    CK_PLUGIN_INVALID = 1,     /* the input is not acceptable; the reason buffer says why */
    CK_PLUGIN_UNSUPPORTED = 2, /* this plugin has no rule for that: use the manifest's */
    CK_PLUGIN_NOSPACE = 3,     /* a caller buffer was too small; outputs are unusable */
    CK_PLUGIN_FAILED = 4,      /* the plugin could not work (bad asset, bad host); reason set */
} CkPluginStatus;

/* Personnel categories. Numbers are stable across ABI versions. */
typedef enum CkPluginCategory {
    CK_PLUGIN_MILITARY = 1,
    CK_PLUGIN_CIVILIAN = 2,
    CK_PLUGIN_CONTRACTOR = 3,
} CkPluginCategory;

typedef enum CkPluginLogLevel {
    CK_PLUGIN_LOG_DEBUG = 0,
    CK_PLUGIN_LOG_INFO = 1,
    CK_PLUGIN_LOG_WARNING = 2,
    CK_PLUGIN_LOG_ERROR = 3,
} CkPluginLogLevel;

/* Reason buffers the host passes are at least this large; a reason that
 * does not fit is truncated, never overrun. */
#define CK_PLUGIN_REASON_MIN 128

/* What the host gives the plugin. Owned by the host and valid for as long as
 * the host calls the plugin; the plugin may keep the pointer it got from the
 * entry call. */
typedef struct CkPluginHost {
    uint32_t struct_size; /* sizeof(CkPluginHost) as the host was built */
    uint16_t abi_major;   /* CK_PLUGIN_ABI_MAJOR of the host */
    uint16_t abi_minor;   /* CK_PLUGIN_ABI_MINOR of the host */
    void *ctx;            /* pass back as the first argument of every host function */

    /* Writes one line to the kiosk's diagnostic log, tagged with the bundle.
     * msg is plain text without personal data; the host truncates long lines. */
    void (*log)(void *ctx, CkPluginLogLevel level, const char *msg);

    /* Gives the verified bytes of a file of this plugin's own bundle, by its
     * path as listed in the manifest ("content/en.json", "data/units.json").
     * On CK_PLUGIN_OK *data_out and *len_out are set; the bytes are borrowed,
     * read-only and valid for as long as the host calls the plugin (one NUL
     * byte follows them, not counted in *len_out). An unknown name is CK_PLUGIN_INVALID.
     * Only files covered by the bundle's signature can ever be returned. */
    CkPluginStatus (*asset)(void *ctx, const char *name, const unsigned char **data_out,
                            size_t *len_out);

    /* The language of the current session as a BCP 47 tag ("nb", "en"),
     * for reason texts. Borrowed, valid until the next host call. Never NULL. */
    const char *(*locale)(void *ctx);

    /* Now, in seconds since the Unix epoch, UTC: the kiosk's clock, which
     * tests and replays can fix. Use it instead of time(). */
    int64_t (*now)(void *ctx);

    void *reserved[8]; /* NULL; later minor versions give them meaning */
} CkPluginHost;

/* One extra claim the certificate carries, under the plugin's nation
 * ("nor.idKind": "d-number"). Keys: [a-zA-Z0-9._-]; values: UTF-8 text. */
#define CK_PLUGIN_CLAIM_KEY_MAX 32
#define CK_PLUGIN_CLAIM_VALUE_MAX 128
typedef struct CkPluginClaim {
    char key[CK_PLUGIN_CLAIM_KEY_MAX];     /* NUL-terminated */
    char value[CK_PLUGIN_CLAIM_VALUE_MAX]; /* NUL-terminated */
} CkPluginClaim;

/* What the plugin gives the host: its info and its rules. A plugin usually
 * returns a pointer to a static const table. Any function may be NULL. */
typedef struct CkPlugin {
    uint32_t struct_size; /* sizeof(CkPlugin) as the plugin was built */
    uint16_t abi_major;   /* CK_PLUGIN_ABI_MAJOR the plugin was built against */
    uint16_t abi_minor;   /* CK_PLUGIN_ABI_MINOR the plugin was built against */
    void *ctx;            /* passed back as the first argument of every function */

    /* Info. Static strings. nation must equal the bundle manifest's "nation"
     * (ISO 3166-1 alpha-3, or "NATO"), or the host refuses the module. */
    const char *nation;
    const char *name;    /* human name of the module, e.g. "Norway: national identity number" */
    const char *version; /* the module's own version, free form */

    /* Checks a service number as typed (ASCII; the host has already applied
     * the manifest's length and character-set rules). Returns CK_PLUGIN_OK if
     * it is valid, CK_PLUGIN_INVALID with a short sentence in reason (in the
     * host's locale where the plugin can) if not — "check digit 1 is wrong",
     * not "invalid". reason has reason_len >= CK_PLUGIN_REASON_MIN bytes and
     * is always NUL-terminated by the plugin when it returns INVALID or FAILED. */
    CkPluginStatus (*validate_service_number)(void *ctx, const char *number, char *reason,
                                              size_t reason_len);

    /* Sets *must_out to 1 if personnel of category must certify under this
     * nation's rules, 0 if not. CK_PLUGIN_UNSUPPORTED: use the manifest's
     * "must_certify". */
    CkPluginStatus (*must_certify)(void *ctx, CkPluginCategory category, int *must_out);

    /* Sets *days_out to how many days a certificate for category stays valid
     * (1..3660). CK_PLUGIN_UNSUPPORTED: use the manifest's "validity_days". */
    CkPluginStatus (*validity_days)(void *ctx, CkPluginCategory category, uint32_t *days_out);

    /* Fills up to cap claims for a person whose service number (already
     * validated) and category are given, and sets *count_out. Claims are
     * facts about the rules applied, never copies of personal data. Returns
     * CK_PLUGIN_NOSPACE if cap is too small. */
    CkPluginStatus (*extra_claims)(void *ctx, const char *number, CkPluginCategory category,
                                   CkPluginClaim *claims, size_t cap, size_t *count_out);

    void *reserved[8]; /* NULL; later minor versions give them meaning */
} CkPlugin;

/* The entry point, called once right after the module is loaded.
 *
 * host: the host table (check host->abi_major and host->struct_size before
 *       using a field newer than ABI 1.0).
 * plugin_out: set to the plugin's table, which must stay valid and unchanged
 *       for the life of the process.
 * err, err_len: on failure, a NUL-terminated reason (err_len >= 128).
 * Returns CK_PLUGIN_OK, or CK_PLUGIN_FAILED (the host then refuses the bundle
 * and names the reason). */
typedef CkPluginStatus (*CkPluginEntryFn)(const CkPluginHost *host, const CkPlugin **plugin_out,
                                          char *err, size_t err_len);

CK_PLUGIN_EXPORT CkPluginStatus CK_PLUGIN_ENTRY(const CkPluginHost *host,
                                                const CkPlugin **plugin_out, char *err,
                                                size_t err_len);

#ifdef __cplusplus
}
#endif

#endif
