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

CkErr
clock_parse(const char *s, int64_t *t_out)
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    size_t len = strlen(s);

    if (len == 10) {
        if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
            goto bad;
    } else if (len == CLOCK_RFC3339_LEN) {
        if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 ||
            n != CLOCK_RFC3339_LEN)
            goto bad;
    } else {
        goto bad;
    }
    for (size_t i = 0; i < len; i++)
        if (s[i] == ' ' || s[i] == '+')
            goto bad;
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h > 23 || mi > 59 || se > 59 || h < 0 || mi < 0 || se < 0)
        goto bad;
    *t_out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
    return CK_OK;
bad:
    return ck_err(CK_ERR_FORMAT, "\"%.40s\" is not a UTC time like 2026-01-31T12:00:00Z", s);
}
