/* fuzz_status: revocation status lists — parse, verify, look up, compare versions. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const FuzzWorld *w = fuzz_world();
    StatusList *parsed = NULL, *verified = NULL;
    char detail[256];

    if (status_parse((const char *)data, size, &parsed) == CK_OK) {
        for (size_t i = 0; i < status_count(parsed); i++) {
            const StatusEntry *e = status_entry(parsed, i);
            if (e == NULL || e->serial == NULL || status_lookup(parsed, e->serial) == NULL)
                abort();
        }
        (void)status_issuer(parsed);
        (void)status_version(parsed);
        (void)status_check_newer(NULL, parsed);
        (void)status_check_newer(parsed, parsed);
        (void)status_cert_check(parsed, "FUZZ-KIOSK-01-000001", FUZZ_KIOSK_ID, FUZZ_NOW, detail,
                                sizeof detail);
    } else if (parsed != NULL) {
        abort();
    }
    if (status_verify_with((const char *)data, size, &w->authority_pub, &verified) == CK_OK)
        (void)status_check_newer(parsed, verified);
    status_free(verified);
    status_free(parsed);
    verified = NULL;
    (void)status_verify((const char *)data, size, w->trust, &verified);
    status_free(verified);
    return 0;
}
