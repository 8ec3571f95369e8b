/* fuzz_replay: the kiosk's replay script parser (replay_load; kiosk/ui/REPLAY.md). It reads a
 * file, so each input is written to a private temporary file first. */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[96];

static void
remove_file(void)
{
    unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Replay *r = NULL;
    FILE *f;

    if (path[0] == '\0') {
        const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        int fd;
        snprintf(path, sizeof path, "%s/fzreplay.XXXXXX", tmp);
        if ((fd = mkstemp(path)) < 0)
            abort();
        close(fd);
        atexit(remove_file);
    }
    if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    if (replay_load(path, &r) == CK_OK)
        replay_free(r);
    else if (r != NULL)
        abort();
    return 0;
}
