/* clock: the one source of "now" (replaceable for tests and replays) and RFC 3339 times. */
#ifndef CERTKIOSK_CLOCK_H
#define CERTKIOSK_CLOCK_H

#include <stdint.h>

#include "err.h"

/* Seconds since the Unix epoch, UTC. Uses, in order: a value set with
 * clock_set(), the environment variable CERTKIOSK_NOW (RFC 3339 or Unix
 * seconds; for tests and replays), the system clock. */
int64_t clock_now(void);

/* Fixes the clock at t; clock_set(0) returns to the real clock. Not thread-safe:
 * call it before starting threads. */
void clock_set(int64_t t);

/* Writes t as "YYYY-MM-DDTHH:MM:SSZ" into buf (CLOCK_RFC3339_LEN + 1 bytes). */
#define CLOCK_RFC3339_LEN 20
void clock_format(int64_t t, char buf[CLOCK_RFC3339_LEN + 1]);

/* Parses "YYYY-MM-DDTHH:MM:SSZ" (also a date "YYYY-MM-DD", as midnight UTC).
 * Anything else, including impossible dates, is CK_ERR_FORMAT. */
CkErr clock_parse(const char *s, int64_t *t_out);

#endif
