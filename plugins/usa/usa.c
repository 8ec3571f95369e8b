/* usa: the USA's native module — checks the DoD ID number (EDIPI). */
#include <stdio.h>
#include <string.h>

#include <certkiosk/plugin.h>

/* Borrowed from the host at entry; valid for the life of the process. */
static const CkPluginHost *host;

enum { R_DIGITS, R_LENGTH, R_ZEROS };

/* English, and draft translations for the kiosk's other UI languages
 * (plugins/SOURCES.md), so that no screen explains the number in English. */
static const struct {
    const char *lang;
    const char *text[3];
} reasons[] = {
    {"nb",
     {"et DoD ID-nummer har bare sifre",
      "et DoD ID-nummer har nøyaktig 10 sifre (det står på baksiden av CAC-kortet)",
      "et DoD ID-nummer kan ikke bare være nuller"}},
    {"fr",
     {"un numéro DoD ID ne compte que des chiffres",
      "un numéro DoD ID compte exactement 10 chiffres (il figure au dos de la carte CAC)",
      "un numéro DoD ID ne peut pas être composé uniquement de zéros"}},
    {"el",
     {"ο αριθμός DoD ID έχει μόνο ψηφία",
      "ο αριθμός DoD ID έχει ακριβώς 10 ψηφία (είναι στο πίσω μέρος της κάρτας CAC)",
      "ο αριθμός DoD ID δεν μπορεί να είναι μόνο μηδενικά"}},
    {"en",
     {"a DoD ID number has only digits",
      "a DoD ID number has exactly 10 digits (it is on the back of the CAC)",
      "a DoD ID number cannot be all zeros"}},
};

static CkPluginStatus
refuse(int r, char *reason, size_t reason_len)
{
    const char *loc = host != NULL && host->locale != NULL ? host->locale(host->ctx) : NULL;
    size_t i = 0, n = sizeof reasons / sizeof reasons[0];

    while (i + 1 < n && (loc == NULL || strncmp(loc, reasons[i].lang, 2) != 0))
        i++;
    if (reason != NULL && reason_len > 0)
        snprintf(reason, reason_len, "%s", reasons[i].text[r]);
    return CK_PLUGIN_INVALID;
}

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
        if (number[i] < '0' || number[i] > '9')
            return refuse(R_DIGITS, reason, reason_len);
        nonzero |= number[i] != '0';
    }
    if (len != 10)
        return refuse(R_LENGTH, reason, reason_len);
    if (!nonzero)
        return refuse(R_ZEROS, reason, reason_len);
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
    host = h;
    *plugin_out = &plugin;
    return CK_PLUGIN_OK;
}
