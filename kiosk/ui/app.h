/* app: a kiosk home turned into a running flow — trust, store, plugins, rules, issuer, admin. */
#ifndef CERTKIOSK_APP_H
#define CERTKIOSK_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "flow.h"

typedef struct App App;

/* HOME/config.json, owned by the kiosk (all members optional):
 *   {"admin_pin_hash": "<crypto_pwhash_str of the PIN>",
 *    "languages": ["en","fr","nb","el"],          UI languages, [0] the default
 *    "idle_seconds": 60, "reading_idle_seconds": 180, "warning_seconds": 30,
 *    "plugin_timeout_ms": 250}                    per call to a nation's worker
 * Without a PIN hash, admin mode is unavailable. The timers are whole
 * seconds (anything else is CK_ERR_FORMAT naming the member), clamped to
 * APP_IDLE_MIN_S..APP_IDLE_MAX_S; the warning to 20 s (WCAG 2.2.1: time to
 * answer) .. APP_WARNING_MAX_S. Absent: the flow's defaults (60, 180, 30).
 * plugin_timeout_ms: whole milliseconds, clamped to 10..10000; absent: 250. */
#define APP_IDLE_MIN_S 15
#define APP_IDLE_MAX_S 3600
#define APP_WARNING_MAX_S 600
#define APP_CONFIG "config.json"
#define APP_ADMIN_LOCK "admin-lock.json"
#define APP_MAX_LANGUAGES 16

/* Opens the kiosk in home: kiosk.json, kiosk.key, trust.jwks, store.db,
 * config.json, and every bundle in HOME/plugins (refusals are logged to the
 * store and counted, not fatal; a missing NATO baseline is CK_ERR_NOT_FOUND).
 * Logs "kiosk.started". *out: close with app_close(). */
CkErr app_open(const char *home, App **out);

/* Closes everything (zeroing the key). Accepts NULL. */
void app_close(App *app);

/* The flow of this kiosk. Borrowed. */
Flow *app_flow(App *app);

/* The UI languages (from config.json, else every assets/ui language we ship). */
const char *const *app_languages(const App *app, size_t *n_out);

/* One line per plugin bundle loaded ("int.nato.cthb 2026.1.0 (NATO)") and
 * refused ("<bundle or folder>: <reason>"), for the admin screen. Borrowed. */
const char *const *app_plugins_loaded(const App *app, size_t *n_out);
const char *const *app_plugins_refused(const App *app, size_t *n_out);

/* True for a demonstration kiosk (kiosk ID starting with "DEMO"). */
bool app_is_demo(const App *app);

#endif
