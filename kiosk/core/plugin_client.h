/* plugin_client: the kiosk's side of a plugin worker — spawns it for one bundle's module, asks it
 * the plugin ABI's questions, and checks every answer. */
#ifndef CERTKIOSK_PLUGIN_CLIENT_H
#define CERTKIOSK_PLUGIN_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <certkiosk/plugin.h>

#include "bundle.h"
#include "err.h"

/* The per-call timeout when the kiosk's config.json names none. */
#define PLUGIN_CLIENT_TIMEOUT_MS 250
#define PLUGIN_CLIENT_TIMEOUT_MAX_MS 10000
/* Starting a worker (exec, sandbox, dlopen, entry) may take longer than a call. */
#define PLUGIN_CLIENT_LOAD_TIMEOUT_MS 3000

typedef struct PluginClient PluginClient;

typedef struct PluginClientOptions {
    /* The worker executable; NULL: plugin_client_worker_path(). */
    const char *worker_path;
    unsigned timeout_ms; /* per call; 0: PLUGIN_CLIENT_TIMEOUT_MS */
    int64_t now;         /* the clock the entry call sees */
    const char *locale;  /* the language the entry call sees */
    /* The module's log lines and the sandbox's own notes (level WARNING). */
    void (*on_log)(void *ctx, CkPluginLogLevel level, const char *msg);
    void *ctx;
} PluginClientOptions;

/* The worker this process uses: the build tree's when the running program is
 * inside the build tree, else the installed one (CMAKE_INSTALL_LIBEXECDIR/
 * certkiosk/certkiosk-plugin-worker). Static string. */
const char *plugin_client_worker_path(void);

/* Spawns a worker (posix_spawn: the kiosk's memory is never copied into a
 * running child) with the bundle's verified module in a sealed memfd and one
 * end of a socketpair as its only descriptors, sends it the bundle's other
 * verified files, and has it load the module. who names the bundle in
 * messages. Checks the module's table as a direct load always did (ABI major
 * and minor, struct_size, nation equal to the bundle's). CK_OK with a new
 * client; CK_ERR_REFUSED naming the cause when the module or its worker fails
 * (the worker is then gone); CK_ERR_IO/NOMEM when the kiosk cannot start one. */
CkErr plugin_client_start(const Bundle *b, const char *who, const PluginClientOptions *o,
                          PluginClient **client_out);

/* plugin_client_start in two halves, so that several workers can start at
 * once: spawn returns as soon as the worker runs (its sandbox rising, the
 * module not yet loaded); finish waits for it, loads and checks the module,
 * failing as start does (the worker is then gone; stop the client). */
CkErr plugin_client_spawn(const Bundle *b, const char *who, const PluginClientOptions *o,
                          PluginClient **client_out);
CkErr plugin_client_finish(PluginClient *c, const Bundle *b);

/* Stops the worker (closes its socket, SIGKILL, reaps it) and frees. Accepts NULL. */
void plugin_client_stop(PluginClient *c);

/* What the module's table provides: PLUGIN_PROTO_FN_* bits. */
unsigned plugin_client_functions(const PluginClient *c);
const char *plugin_client_name(const PluginClient *c);    /* the module's own name */
const char *plugin_client_version(const PluginClient *c); /* and version */

/* The rule calls. Each returns CK_OK with the module's status and checked
 * outputs, or CK_ERR_REFUSED naming the cause when the worker failed: no
 * answer within the timeout, a malformed answer (an unknown status, a reason
 * without NUL or not UTF-8, a claim too long or with a bad key, more claims
 * than asked for), or it died (a sandbox kill, a crash). After a failure the
 * worker is gone and every later call fails at once. reason: at least
 * PLUGIN_CLIENT_REASON bytes, set on INVALID/FAILED. */
#define PLUGIN_CLIENT_REASON 256
CkErr plugin_client_validate(PluginClient *c, int64_t now, const char *locale, const char *number,
                             CkPluginStatus *st_out, char *reason);
CkErr plugin_client_must_certify(PluginClient *c, int64_t now, const char *locale,
                                 CkPluginCategory cat, CkPluginStatus *st_out, int *must_out);
CkErr plugin_client_validity(PluginClient *c, int64_t now, const char *locale, CkPluginCategory cat,
                             CkPluginStatus *st_out, uint32_t *days_out);
/* claims: PLUGIN_CLIENT_CLAIMS_CAP slots. */
#define PLUGIN_CLIENT_CLAIMS_CAP 16
CkErr plugin_client_claims(PluginClient *c, int64_t now, const char *locale, const char *number,
                           CkPluginCategory cat, CkPluginStatus *st_out, CkPluginClaim *claims,
                           size_t *count_out);

/* True once a call failed and the worker is gone. */
bool plugin_client_failed(const PluginClient *c);

#endif
