/* plugin_host: finds, verifies and loads nation bundles and their native modules, and answers their
 * rules. */
#ifndef CERTKIOSK_PLUGIN_HOST_H
#define CERTKIOSK_PLUGIN_HOST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <certkiosk/plugin.h>

#include "bundle.h"
#include "err.h"
#include "trust.h"

/* A bundle that fails is refused, not fatal: one bad nation must not blank
 * the kiosk for everyone else. Each refusal goes to on_refused (the kiosk
 * writes it to the audit log as "plugin.refused" with bundle and reason) and
 * every other bundle keeps working.
 *
 * The NATO baseline bundle ("nation":"NATO") applies to everyone; a national
 * bundle adds to it, and can only make the rules stricter:
 *   must certify   = baseline says so OR the nation says so
 *   validity days  = the shorter of the two
 *   pass mark      = the higher of the two
 *   service number = the nation's module if it has one, else the nation's
 *                    manifest rule, else the baseline's manifest rule.
 *
 * Native modules never run in this process. Each bundle with one gets its
 * own sandboxed worker (kiosk/worker, plugin_client.h), which loads the
 * verified bytes from a sealed memfd (dlopen RTLD_NOW|RTLD_LOCAL, never
 * dlclose) and answers the calls below over a socket. A module that is not an
 * ELF shared object for this machine, lacks CK_PLUGIN_ENTRY_NAME, fails its
 * entry call, returns a table of another ABI major, a newer minor, a too
 * small struct_size, or another nation, or whose worker fails while loading,
 * is refused with its bundle.
 *
 * A worker that fails later — no answer within the per-call timeout, a
 * malformed answer, killed by its sandbox, crashed — has its bundle's native
 * rules refused for the rest of the run (on_refused again, with the cause);
 * the bundle's manifest rules still apply, except that a bundle whose
 * manifest requires "service-number-check" or "native-module" then has no
 * service number accepted at all (fail closed). Other bundles are unaffected. */

typedef struct PluginHost PluginHost;

typedef struct PluginHostOptions {
    /* Folders whose subfolders are bundles (HOME/plugins), NULL-terminated; may be NULL. */
    const char *const *dirs;
    /* Single bundle folders, NULL-terminated; may be NULL (certctl plugin check). */
    const char *const *bundles;
    const Trust *trust; /* required */
    int64_t now;        /* 0: clock_now() */
    /* The file remembering the highest version seen per bundle ID
     * (HOME/plugin-versions.json); NULL: no rollback check. */
    const char *seen_path;
    /* Raise and save the versions in seen_path after loading (the kiosk does;
     * `certctl plugin list` only looks). */
    bool record_seen;
    /* Each refusal: where is the bundle folder, bundle_id its ID if the
     * manifest was verified (else NULL), reason a one-line detail. */
    void (*on_refused)(void *ctx, const char *where, const char *bundle_id, CkErr err,
                       const char *reason);
    /* Each bundle loaded, with or without its module. */
    void (*on_loaded)(void *ctx, const Bundle *bundle, bool has_module);
    /* A native module's log line, tagged with its bundle ID. */
    void (*on_log)(void *ctx, const char *bundle_id, CkPluginLogLevel level, const char *msg);
    void *ctx;
    /* The worker executable; NULL: plugin_client_worker_path(). */
    const char *worker_path;
    /* Per-call timeout of a worker in ms; 0: PLUGIN_CLIENT_TIMEOUT_MS (250). */
    unsigned timeout_ms;
    /* Refuse draft bundles (bundle_draft()): a deployed kiosk does, unless its
     * config allows draft content; the DEMO kiosk and `certctl plugin` do not. */
    bool refuse_drafts;
} PluginHostOptions;

/* Finds and loads every bundle. Per-bundle failures are refusals, not
 * errors; the function fails only when it cannot work at all (out of memory,
 * a corrupt versions file: CK_ERR_FORMAT naming it, or that file cannot be
 * saved). *host_out: close with plugin_host_close(). */
CkErr plugin_host_open(const PluginHostOptions *opts, PluginHost **host_out);

/* Frees the host and its bundles. Native modules stay mapped (never dlclose).
 * Accepts NULL. */
void plugin_host_close(PluginHost *host);

/* The loaded bundles, baseline first, then in folder order. Borrowed. */
size_t plugin_host_count(const PluginHost *host);
const Bundle *plugin_host_bundle(const PluginHost *host, size_t i);
bool plugin_host_has_module(const PluginHost *host, size_t i);

/* The refusals of the last open, in order. Borrowed. */
size_t plugin_host_refusal_count(const PluginHost *host);
void plugin_host_refusal(const PluginHost *host, size_t i, const char **where_out,
                         const char **bundle_id_out, CkErr *err_out, const char **reason_out);

/* The NATO baseline, or NULL if none loaded. */
const Bundle *plugin_host_baseline(const PluginHost *host);

/* The national bundle for nation ("NOR"), or NULL. */
const Bundle *plugin_host_find(const PluginHost *host, const char *nation);

/* The language for the plugins' reason texts ("nb"); default "en". */
void plugin_host_set_locale(PluginHost *host, const char *lang);

/* Parses "military" / "civilian" / "contractor"; CK_ERR_FORMAT otherwise. */
CkErr plugin_host_category_parse(const char *s, CkPluginCategory *cat_out);
const char *plugin_host_category_name(CkPluginCategory cat);

/* Checks a service number for a person of nation. CK_OK if valid;
 * CK_ERR_REFUSED with a reason for a person (in the locale where the plugin
 * can) written to reason (at least CK_PLUGIN_REASON_MIN bytes) if not;
 * CK_ERR_NOT_FOUND if neither the nation nor the baseline has a rule. The
 * number is personal data: it is never logged, not even in the detail. */
CkErr plugin_host_validate_service_number(PluginHost *host, const char *nation, const char *number,
                                          char *reason, size_t reason_len);

/* Whether category must certify for nation (see the combination above).
 * CK_ERR_NOT_FOUND if no bundle applies. */
CkErr plugin_host_must_certify(PluginHost *host, const char *nation, CkPluginCategory category,
                               bool *must_out);

/* Days a certificate for category of nation stays valid. */
CkErr plugin_host_validity_days(PluginHost *host, const char *nation, CkPluginCategory category,
                                unsigned *days_out);

/* The quiz pass mark in percent for nation. */
CkErr plugin_host_pass_mark(const PluginHost *host, const char *nation, unsigned *percent_out);

/* The extra claims of nation's module for a person, as a new JSON object
 * {"key":"value"} (json_decref()); empty when the nation has none. */
CkErr plugin_host_extra_claims(PluginHost *host, const char *nation, const char *number,
                               CkPluginCategory category, json_t **claims_out);

/* Checks that module bytes are an ELF shared object for this machine:
 * CK_OK or CK_ERR_REFUSED naming what (the bundle's module file). */
CkErr plugin_host_check_elf(const unsigned char *data, size_t len, const char *what);

#endif
