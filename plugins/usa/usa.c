/* usa: the USA's native module — checks the DoD ID number (EDIPI). */
#include <stdio.h>
#include <string.h>

#include <certkiosk/plugin.h>

/* The DoD ID number (Electronic Data Interchange Personal Identifier) is a
 * 10-digit number printed on the Common Access Card. It has no published
 * check digit, so only the form is checked: exactly ten digits, not all zero.
 * Inventing a checksum would refuse real people. */
static CkPluginStatus
usa_validate(void *ctx, const char *number, char *reason, size_t reason_len)
{
    size_t len;
    int nonzero = 0;

    (void)ctx;
    len = number != NULL ? strlen(number) : 0;
    for (size_t i = 0; i < len; i++) {
        if (number[i] < '0' || number[i] > '9') {
            snprintf(reason, reason_len, "a DoD ID number has only digits");
            return CK_PLUGIN_INVALID;
        }
        nonzero |= number[i] != '0';
    }
    if (len != 10) {
        snprintf(reason, reason_len,
                 "a DoD ID number has exactly 10 digits (it is on the back of the CAC)");
        return CK_PLUGIN_INVALID;
    }
    if (!nonzero) {
        snprintf(reason, reason_len, "a DoD ID number cannot be all zeros");
        return CK_PLUGIN_INVALID;
    }
    return CK_PLUGIN_OK;
}

static const CkPlugin plugin = {
    .struct_size = sizeof(CkPlugin),
    .abi_major = CK_PLUGIN_ABI_MAJOR,
    .abi_minor = CK_PLUGIN_ABI_MINOR,
    .nation = "USA",
    .name = "United States: DoD ID number (EDIPI)",
    .version = "2026.1.0",
    .validate_service_number = usa_validate,
};

CK_PLUGIN_EXPORT CkPluginStatus
CK_PLUGIN_ENTRY(const CkPluginHost *h, const CkPlugin **plugin_out, char *err, size_t err_len)
{
    if (h == NULL || h->abi_major != CK_PLUGIN_ABI_MAJOR) {
        snprintf(err, err_len, "usa: host ABI is not version %d", CK_PLUGIN_ABI_MAJOR);
        return CK_PLUGIN_FAILED;
    }
    *plugin_out = &plugin;
    return CK_PLUGIN_OK;
}
