/* cli_registry: what the registry verbs of certctl share (the registry folder, timed progress
 * bars). */
#ifndef CERTKIOSK_CLI_REGISTRY_H
#define CERTKIOSK_CLI_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry.h"

/* Where the registry is: flag (--registry) if given, else
 * $CERTKIOSK_REGISTRY, else cli_state_dir() + "/registry". A folder (the
 * SQLite registry) or a postgresql:// URL (registry.h).
 * *dir_out: a new string (free()). Fails as cli_state_dir() does. */
CkErr cli_registry_dir(const char *flag, char **dir_out);

/* Opens the registry in cli_registry_dir(flag) (registry_open(), created when
 * create is set). *reg_out: registry_close(). */
CkErr cli_registry_open(const char *flag, bool create, Registry **reg_out);

/* A progress bar that appears only once the work has taken more than a
 * second (and only on a terminal: cli_progress()). */
typedef struct CliTimedProgress {
    const char *what;
    int64_t start_ms;
    int shown;
} CliTimedProgress;

void cli_timed_progress_start(CliTimedProgress *p, const char *what);

/* A RegistryProgressFn: ctx is a CliTimedProgress. */
void cli_timed_progress(void *ctx, size_t done, size_t total);

#endif
