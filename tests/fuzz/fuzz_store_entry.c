/* fuzz_store_entry: a log entry body as audit reads it back from a (possibly hostile) store. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *body = malloc(size + 1);
    StoreEntry e;
    json_t *owner = NULL;

    if (body == NULL)
        abort();
    memcpy(body, data, size);
    body[size] = '\0';
    memset(&e, 0, sizeof e);
    if (store_entry_derive(body, size, &e, &owner) == CK_OK) {
        if (e.type == NULL || e.body != body || e.body_len != size)
            abort();
    }
    json_decref(owner);
    free(body);
    return 0;
}
