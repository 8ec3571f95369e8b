/* cmd_kiosk: what the `certctl kiosk` sub-commands in cmd_kiosk.c and cmd_kiosk_provision.c share. */
#ifndef CERTKIOSK_CMD_KIOSK_H
#define CERTKIOSK_CMD_KIOSK_H

#include <stdbool.h>
#include <stdio.h>

/* Prints the usage of every kiosk sub-command. */
void kiosk_usage(FILE *f);

/* `certctl kiosk endorse`'s options. */
typedef struct KioskEndorseArgs {
    const char *authority, *home, *request, *out, *trust, *days, *until, *pass_file, *kid;
    bool yes;
} KioskEndorseArgs;

/* `certctl kiosk request --home HOME --out FILE`: the kiosk asks to be endorsed. */
int kiosk_request(int argc, char **argv);

/* `certctl kiosk endorse --request FILE --out FILE ...`: the authority endorses a request. */
int kiosk_endorse_request(const KioskEndorseArgs *args);

/* `certctl kiosk install-endorsement --home HOME FILE`: the kiosk takes the endorsement. */
int kiosk_install_endorsement(int argc, char **argv);

#endif
