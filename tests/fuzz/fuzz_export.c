/* fuzz_export: a kiosk export as `certctl import` reads it (format 2, JSON Lines, and format 1)
 * into a SQLite registry — refused with a message, or imported whole. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"
#include "fuzz_common.h"
#include "registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static Registry *reg;
/* mkdtemp()'s template (it replaces the Xs); the folder is removed at exit. */
static char dir[] = "/tmp/ck_fuzz_registryXXXXXX";

static void
remove_registry(void)
{
    static const char *const files[] = {REGISTRY_DB_NAME, REGISTRY_DB_NAME "-wal",
                                        REGISTRY_DB_NAME "-shm"};
    char path[sizeof dir + 32];

    registry_close(reg);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* One registry for the process (opening one per input would be most of the time). */
static Registry *
fuzz_registry(void)
{
    if (reg == NULL) {
        if (mkdtemp(dir) == NULL || registry_open(dir, true, &reg) != CK_OK)
            abort();
        atexit(remove_registry);
    }
    return reg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const FuzzWorld *w = fuzz_world();
    RegistryImportStats st;
    CkErr err;

    err = registry_import_text(fuzz_registry(), (const char *)data, size, "fuzz.export", w->trust,
                               FUZZ_NOW, NULL, NULL, &st);
    if (err != CK_OK) {
        const char *why = ck_err_detail();
        /* Refused: a message naming what, and nothing counted as stored. */
        if (why == NULL || why[0] == '\0' || st.added != 0 || st.known != 0)
            abort();
    } else if (st.added + st.known != st.certificates || st.new_size == 0) {
        abort();
    }
    return 0;
}
