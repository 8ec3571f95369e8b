/* service: tells the service manager (systemd, through sd_notify) how the kiosk is doing. */
#ifndef CERTKIOSK_SERVICE_H
#define CERTKIOSK_SERVICE_H

#include <stdint.h>

/* The kiosk's exit statuses. The systemd unit restarts the kiosk after every
 * exit but SERVICE_EXIT_MAINTENANCE (RestartPreventExitStatus=). */
enum {
    SERVICE_EXIT_OK = 0,          /* stopped by SIGTERM (systemctl stop), or a replay passed */
    SERVICE_EXIT_FAILED = 1,      /* a replay expectation failed */
    SERVICE_EXIT_SETUP = 2,       /* usage, set-up or input/output error */
    SERVICE_EXIT_RESTART = 3,     /* the admin chose "Restart the kiosk" */
    SERVICE_EXIT_MAINTENANCE = 4, /* the admin chose "Stop for maintenance" */
};

/* Reads whether the service manager expects watchdog pings, and how often.
 * Without a service manager (no $NOTIFY_SOCKET) every call below does nothing. */
void service_open(void);

/* The kiosk shows its first screen: READY=1 with a status line. */
void service_ready(void);

/* Called from every turn of the main loop (which turns at least once a
 * second): WATCHDOG=1, at most every half of the watchdog interval. A kiosk
 * whose loop hangs stops pinging and the service manager restarts it. */
void service_watchdog(uint64_t now_ms);

/* The kiosk is stopping: STOPPING=1 with why. */
void service_stopping(const char *why);

/* Writes status (a decimal number and a newline) to path, mode 0600, for a
 * compositor that does not pass its client's exit status on (cage 0.1.4,
 * Debian 12): the unit's wrapper exits with it. Failures are reported on
 * stderr and otherwise ignored: the kiosk is exiting anyway. */
void service_write_status(const char *path, int status);

#endif
