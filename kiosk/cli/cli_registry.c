/* cli_registry: where the registry is (a folder or a postgresql:// URL) and progress bars shown only for work over a second. */
#include "cli_registry.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "fileio.h"

char *
cli_registry_dir(const char *flag)
{
    const char *env = getenv("CERTKIOSK_REGISTRY");
    char *state, *dir;

    if (flag != NULL)
        return strdup(flag);
    if (env != NULL && env[0] != '\0')
        return strdup(env);
    if ((state = cli_state_dir()) == NULL)
        return NULL;
    dir = fileio_join(state, "registry");
    free(state);
    return dir;
}

CkErr
cli_registry_open(const char *flag, bool create, Registry **reg_out)
{
    char *dir = cli_registry_dir(flag);
    CkErr err;

    *reg_out = NULL;
    if (dir == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    err = registry_open(dir, create, reg_out);
    free(dir);
    return err;
}

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
cli_timed_progress_start(CliTimedProgress *p, const char *what)
{
    p->what = what;
    p->start_ms = now_ms();
    p->shown = 0;
}

void
cli_timed_progress(void *ctx, size_t done, size_t total)
{
    CliTimedProgress *p = ctx;

    if (!p->shown && now_ms() - p->start_ms < 1000)
        return;
    if (!p->shown && done >= total)
        return; /* finished within the second: no bar at all */
    p->shown = 1;
    cli_progress(p->what, done, total);
}
