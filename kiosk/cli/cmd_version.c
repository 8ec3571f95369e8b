/* cmd_version: `certctl version`. */
#include <stdio.h>

#include <sodium.h>

#include "cli.h"
#include "commands.h"

int
cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("certctl 0.1.0 (libsodium %s)\n", sodium_version_string());
    return CLI_OK;
}
