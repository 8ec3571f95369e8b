/* cmd_kiosk: what the `certctl kiosk` sub-commands in cmd_kiosk.c and cmd_kiosk_provision.c share. */
#ifndef CERTKIOSK_CMD_KIOSK_H
#define CERTKIOSK_CMD_KIOSK_H

#include <stdbool.h>
#include <stdio.h>

#include "trust.h"

/* Prints the usage of every kiosk sub-command. */
void kiosk_usage(FILE *f);

/* `certctl kiosk endorse`'s options. */
typedef struct KioskEndorseArgs {
    const char *authority, *home, *request, *out, *trust, *days, *until, *pass_file, *kid;
    bool yes;
    TrustKioskLimits limits; /* --max-validity-days, --nations */
} KioskEndorseArgs;

/* `certctl kiosk request --home HOME --out FILE`: the kiosk asks to be endorsed. */
int kiosk_request(int argc, char **argv);

/* `certctl kiosk endorse --request FILE --out FILE ...`: the authority endorses a request. */
int kiosk_endorse_request(const KioskEndorseArgs *args);

/* `certctl kiosk revoke --authority DIR --kiosk-id ID --since TIME --reason CODE`: the
 * authority's next status list says the kiosk key is untrusted from TIME (cmd_revoke.c). */
int kiosk_revoke(int argc, char **argv);

/* `certctl kiosk install-endorsement --home HOME FILE`: the kiosk takes the endorsement. */
int kiosk_install_endorsement(int argc, char **argv);

#endif
