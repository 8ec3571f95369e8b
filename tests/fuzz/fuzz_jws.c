/* fuzz_jws: compact JWS parsing (JSON and raw payloads), the accessors, and verification. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "jws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const FuzzWorld *w = fuzz_world();
    static const unsigned flags[] = {JWS_PAYLOAD_JSON, JWS_PAYLOAD_RAW};

    for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++) {
        Jws *jws = NULL;
        size_t plen = 0;
        if (jws_parse((const char *)data, size, flags[f], &jws) != CK_OK) {
            if (jws != NULL)
                abort(); /* a failed parse must hand out nothing */
            continue;
        }
        (void)jws_header(jws);
        (void)jws_payload(jws);
        (void)jws_payload_bytes(jws, &plen);
        (void)jws_typ(jws);
        (void)jws_kid(jws);
        (void)jws_check_typ(jws, "vc+jwt");
        /* Nobody but the kiosk key can make this pass; a pass on fuzzed
         * input that is not a seed's exact signing input would be a forgery. */
        (void)jws_verify(jws, &w->kiosk_pub);
        jws_free(jws);
    }
    return 0;
}
