/* fuzz_endorsement: an authority's endorsement JWS — parse, verify, add to a trust set. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const FuzzWorld *w = fuzz_world();
    char *text = fuzz_cstr(data, size);
    Endorsement e;
    Trust *trust = NULL;

    (void)trust_endorsement_parse(text, &e);
    (void)trust_endorsement_verify(text, &w->authority_pub, &e);
    if (trust_new(&trust) != CK_OK ||
        trust_add_authority(trust, &w->authority_pub, "Fuzz Authority") != CK_OK)
        abort();
    (void)trust_add_endorsed(trust, text);
    trust_free(trust);
    free(text);
    return 0;
}
