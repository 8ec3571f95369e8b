/* template: a minimal, commented starting point for a nation's native module.
 *
 * Most nations need no native code at all: the manifest's "rules" say who must
 * certify, how long a certificate is valid, and the length and character set
 * of a service number. Write a module only for what data cannot say, such as
 * a check digit. To start:
 *   1. Copy this folder to plugins/<your code>/ and rename template.c.
 *   2. Set NATION below and "nation" in manifest.json to your ISO 3166-1
 *      alpha-3 code ("ZZT" is a user-assigned code that no country has).
 *   3. Replace the example rule in template_validate() with yours.
 *   4. Build against the installed SDK (see CMakeLists.txt here), then
 *      `certctl plugin sign` and `certctl plugin check` the folder.
 * Rules of the ABI are in <certkiosk/plugin.h>: never abort, never keep or log
 * the number you are given, export only CK_PLUGIN_ENTRY.
 * The kiosk runs your module in a sandboxed process of its own (README, "What
 * a nation's code can and cannot do"): no files, no network, no new processes
 * or threads, no signals; compute from your arguments and host->asset() only.
 * Link against libc and libm alone (anything else statically): a call the
 * sandbox does not allow ends the process, and the kiosk refuses your bundle. */
#include <stdio.h>
#include <string.h>

#include <certkiosk/plugin.h>

#define NATION "ZZT"

/* The host's table: logging, verified assets of this bundle, locale, time.
 * Kept from the entry call; valid for the life of the process. */
static const CkPluginHost *host;

/* Example rule: the Luhn check digit (ISO/IEC 7812), which some ID numbers
 * carry. The host has already checked the manifest's length and charset,
 * but a module must not rely on it: check everything you read. */
static CkPluginStatus
template_validate(void *ctx, const char *number, char *reason, size_t reason_len)
{
    size_t len = number != NULL ? strlen(number) : 0;
    int sum = 0;

    (void)ctx;
    if (len < 2) {
        snprintf(reason, reason_len, "a service number has at least 2 digits");
        return CK_PLUGIN_INVALID;
    }
    for (size_t i = 0; i < len; i++) {
        int d = number[len - 1 - i] - '0';
        if (d < 0 || d > 9) {
            snprintf(reason, reason_len, "a service number has only digits");
            return CK_PLUGIN_INVALID;
        }
        if (i % 2 == 1 && (d *= 2) > 9)
            d -= 9;
        sum += d;
    }
    if (sum % 10 != 0) {
        /* Say what is wrong, in words the person at the kiosk understands.
         * host->locale(host->ctx) tells which language the session uses. */
        snprintf(reason, reason_len, "the check digit is wrong: please check for a typing error");
        return CK_PLUGIN_INVALID;
    }
    return CK_PLUGIN_OK;
}

/* Example of a rule left to the manifest: return CK_PLUGIN_UNSUPPORTED and
 * the host uses "rules.must_certify". Or set the function pointer to NULL. */
static CkPluginStatus
template_must_certify(void *ctx, CkPluginCategory category, int *must_out)
{
    (void)ctx;
    (void)category;
    (void)must_out;
    return CK_PLUGIN_UNSUPPORTED;
}

static const CkPlugin plugin = {
    .struct_size = sizeof(CkPlugin),
    .abi_major = CK_PLUGIN_ABI_MAJOR,
    .abi_minor = CK_PLUGIN_ABI_MINOR,
    .nation = NATION,
    .name = "Template nation: example check digit",
    .version = "0.1.0",
    .validate_service_number = template_validate,
    .must_certify = template_must_certify,
    /* validity_days and extra_claims left NULL: the manifest's rules apply. */
};

/* The one exported symbol. Check the host, keep it, hand out the table. */
CK_PLUGIN_EXPORT CkPluginStatus
CK_PLUGIN_ENTRY(const CkPluginHost *h, const CkPlugin **plugin_out, char *err, size_t err_len)
{
    if (h == NULL || h->abi_major != CK_PLUGIN_ABI_MAJOR) {
        snprintf(err, err_len, NATION ": host ABI is not version %d", CK_PLUGIN_ABI_MAJOR);
        return CK_PLUGIN_FAILED;
    }
    host = h;
    if (host->log != NULL)
        host->log(host->ctx, CK_PLUGIN_LOG_INFO, NATION " template module ready");
    *plugin_out = &plugin;
    return CK_PLUGIN_OK;
}
