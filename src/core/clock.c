/*
 * clock.c — see clock.h.
 */
#include "core/clock.h"

#include <stdlib.h>
#include <time.h>

/* Written once in clock_init() before threads start; read-only after. */
static int64_t offset;

int clock_init(void)
{
    const char *s = getenv("HAO_FAKE_NOW");
    if (!s || !*s)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v <= 0)
        return -1;
    offset = (int64_t)v - (int64_t)time(NULL);
    return 1;
}

int64_t clock_now(void)
{
    return (int64_t)time(NULL) + offset;
}

int64_t clock_add_business_days(int64_t t, int n)
{
    const int64_t day = 24 * 3600;
    int64_t cur = t;
    while (n > 0) {
        cur += day;
        time_t local = (time_t)(cur + 8 * 3600);
        struct tm tm;
        gmtime_r(&local, &tm);
        if (tm.tm_wday != 0 && tm.tm_wday != 6)
            n--;
    }
    return cur;
}

void clock_rfc3339(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
