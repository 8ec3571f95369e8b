/* cli_registry: where the registry is (a folder or a postgresql:// URL) and progress bars shown only for work over a second. */
#include "cli_registry.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "fileio.h"

CkErr
cli_registry_dir(const char *flag, char **dir_out)
{
    const char *env = getenv("CERTKIOSK_REGISTRY");
    char *state;
    CkErr err;

    *dir_out = NULL;
    if (flag != NULL)
        *dir_out = strdup(flag);
    else if (env != NULL && env[0] != '\0')
        *dir_out = strdup(env);
    else if ((err = cli_state_dir(&state)) != CK_OK)
        return err;
    else {
        *dir_out = fileio_join(state, "registry");
        free(state);
    }
    return *dir_out != NULL ? CK_OK : ck_err(CK_ERR_NOMEM, "out of memory");
}

CkErr
cli_registry_open(const char *flag, bool create, Registry **reg_out)
{
    char *dir;
    CkErr err;

    *reg_out = NULL;
    if ((err = cli_registry_dir(flag, &dir)) != CK_OK)
        return err;
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
