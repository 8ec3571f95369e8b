/* service: sd_notify for the systemd unit — ready, watchdog, stopping — and the exit status file. */
#include "service.h"

#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>

#include "err.h"
#include "fileio.h"

static uint64_t watchdog_ms;  /* 0: no watchdog */
static uint64_t last_ping_ms; /* when WATCHDOG=1 was last sent */
static int have_manager;      /* $NOTIFY_SOCKET was set */

void
service_open(void)
{
    const char *usec = getenv("WATCHDOG_USEC");
    char *end;
    unsigned long long v;

    /* sd_notify() does nothing without $NOTIFY_SOCKET (a replay, a
     * development run). sd_watchdog_enabled() is not used: it honours the
     * watchdog only in the process $WATCHDOG_PID names, the unit's main
     * process, which is the wrapper around cage, not the kiosk (the unit
     * sets NotifyAccess=all so that the kiosk's pings count). */
    have_manager = getenv("NOTIFY_SOCKET") != NULL;
    if (!have_manager || usec == NULL)
        return;
    v = strtoull(usec, &end, 10);
    if (*usec != '\0' && *end == '\0' && v >= 2000)
        watchdog_ms = v / 1000;
}

void
service_ready(void)
{
    if (have_manager)
        sd_notify(0, "READY=1\nSTATUS=showing the start screen");
}

void
service_watchdog(uint64_t now_ms)
{
    if (watchdog_ms == 0 || now_ms - last_ping_ms < watchdog_ms / 2)
        return;
    last_ping_ms = now_ms;
    sd_notify(0, "WATCHDOG=1");
}

void
service_stopping(const char *why)
{
    if (have_manager)
        sd_notifyf(0, "STOPPING=1\nSTATUS=%s", why);
}

void
service_write_status(const char *path, int status)
{
    char line[16];
    int n = snprintf(line, sizeof line, "%d\n", status);

    if (fileio_write_atomic(path, line, (size_t)n, 0600, false) != CK_OK) {
        fprintf(stderr, "certkiosk: %s\n", ck_err_detail());
        ck_err_clear();
    }
}
