/*
 * clock.c — see clock.h.
 */
#include "core/clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        struct tm tm;
        clock_china_tm(cur, &tm);
        if (tm.tm_wday != 0 && tm.tm_wday != 6)
            n--;
    }
    return cur;
}

/* strftime of t's UTC fields; "" when they do not fit (year past 9999). */
static void format_utc(int64_t t, const char *fmt, char out[CLOCK_TEXT_MAX])
{
    time_t tt = (time_t)t;
    struct tm tm = {0};
    gmtime_r(&tt, &tm);
    if (strftime(out, CLOCK_TEXT_MAX, fmt, &tm) == 0)
        out[0] = 0;
}

void clock_rfc3339(int64_t t, char out[CLOCK_TEXT_MAX])
{
    format_utc(t, "%Y-%m-%dT%H:%M:%SZ", out);
}

void clock_http_date(int64_t t, char out[CLOCK_TEXT_MAX])
{
    format_utc(t, "%a, %d %b %Y %H:%M:%S GMT", out);
}

int clock_parse_http_date(const char *s, int64_t *out)
{
    struct tm tm = {0};
    if (!strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm))
        return -1;
    *out = (int64_t)timegm(&tm);
    return 0;
}

void clock_mail_date(int64_t t, char out[CLOCK_TEXT_MAX])
{
    format_utc(t, "%a, %d %b %Y %H:%M:%S +0000", out);
}

void clock_china_tm(int64_t t, struct tm *out)
{
    time_t tt = (time_t)(t + CLOCK_CHINA_OFFSET);
    memset(out, 0, sizeof(*out));
    gmtime_r(&tt, out);
}

int64_t clock_china_day(int64_t t)
{
    return (t + CLOCK_CHINA_OFFSET) / 86400;
}

void clock_china_minute(int64_t t, char out[CLOCK_TEXT_MAX])
{
    format_utc(t + CLOCK_CHINA_OFFSET, "%Y-%m-%d %H:%M", out);
}

int64_t clock_china_midnight(int y, int m, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    return (int64_t)timegm(&tm) - CLOCK_CHINA_OFFSET;
}

int clock_china_parse_date(const char *s, int64_t *out)
{
    /* Digits where digits belong (sscanf's %d would take "+1" and " 1"). */
    static const char shape[] = "dddd-dd-dd";
    if (strlen(s) != 10)
        return -1;
    for (int i = 0; i < 10; i++)
        if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
            return -1;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    int64_t t = clock_china_midnight(y, m, d);
    struct tm back;
    clock_china_tm(t, &back);
    if (back.tm_mday != d) /* 2023-02-30 */
        return -1;
    *out = t;
    return 0;
}
