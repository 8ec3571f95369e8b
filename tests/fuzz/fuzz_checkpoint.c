/* fuzz_checkpoint: C2SP signed-note checkpoints — strict parse and verification. */
#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const FuzzWorld *w = fuzz_world();
    Checkpoint cp;

    if (checkpoint_parse((const char *)data, size, &cp) == CK_OK &&
        strnlen(cp.origin, sizeof cp.origin) == sizeof cp.origin)
        abort();
    (void)checkpoint_verify((const char *)data, size, &w->kiosk_pub, NULL, &cp);
    (void)checkpoint_verify((const char *)data, size, &w->kiosk_pub, FUZZ_ORIGIN, &cp);
    return 0;
}
