/* fuzz_cert: certificate decoding and the full verification against a trust set. */
#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const FuzzWorld *w = fuzz_world();
    CertClaims *claims = NULL;
    CertReport report;
    json_t *payload;

    if (cert_decode((const char *)data, size, &claims) == CK_OK) {
        /* Every decoded string is NUL-terminated within its array. */
        if (strnlen(claims->name, sizeof claims->name) == sizeof claims->name ||
            strnlen(claims->serial, sizeof claims->serial) == sizeof claims->serial)
            abort();
        cert_claims_free(claims);
    } else if (claims != NULL) {
        abort();
    }
    (void)cert_verify((const char *)data, size, w->trust, FUZZ_NOW, NULL, &report);
    if (strnlen(report.subject_name, sizeof report.subject_name) == sizeof report.subject_name)
        abort();
    payload = cert_payload_json((const char *)data, size);
    json_decref(payload);
    return 0;
}
