/* clock: "now" for the whole library, and strict RFC 3339 conversion. */
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t fixed_now;

void
clock_set(int64_t t)
{
    fixed_now = t;
}

int64_t
clock_now(void)
{
    const char *env;
    int64_t t;

    if (fixed_now != 0)
        return fixed_now;
    if ((env = getenv("CERTKIOSK_NOW")) != NULL && *env != '\0') {
        char *end;
        long long v = strtoll(env, &end, 10);
        if (*end == '\0')
            return (int64_t)v;
        if (clock_parse(env, &t) == CK_OK)
            return t;
    }
    return (int64_t)time(NULL);
}

void
clock_format(int64_t t, char buf[CLOCK_RFC3339_LEN + 1])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(buf, CLOCK_RFC3339_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int
days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dm[m - 1];
}

/* The number written by n digits at s, or -1 when one of them is not a digit. */
static int
digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Every character at its place: digits, and '-', 'T', ':', 'Z' between them (no sign, no space,
 * no other width). Read by hand rather than with sscanf, which cost verify and audit 1-2 % of
 * their time (each certificate carries two times, each log entry two more). */
CkErr
clock_parse(const char *s, int64_t *t_out)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    size_t len = strlen(s);

    if (len != 10 && len != CLOCK_RFC3339_LEN)
        goto bad;
    y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    if (s[4] != '-' || s[7] != '-')
        goto bad;
    if (len == CLOCK_RFC3339_LEN) {
        if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
            goto bad;
        h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
    }
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h > 23 || mi > 59 || se > 59 || h < 0 || mi < 0 || se < 0)
        goto bad;
    *t_out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
    return CK_OK;
bad:
    return ck_err(CK_ERR_FORMAT, "\"%.40s\" is not a UTC time like 2026-01-31T12:00:00Z", s);
}
