/*
 * test_clock.c — the deadline clock (src/core/clock.c) at pinned instants.
 *
 * Counter-notice deadlines are counted in business days in China Standard
 * Time, so the answer depends on the weekday of filing. Every instant here is
 * fixed, so the suite gives the same answer on any day it runs. So do the
 * calendar texts (RFC 3339, HTTP-date, mail Date:, China time on pages) and
 * the China-date parser the search filter and transparency report use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "core/clock.h"

#define DAY (24 * 3600)

/* Instants in China Standard Time (UTC+8), as unix seconds. */
enum {
    WED_1000 = 1796176800, /* Wednesday 2026-12-02 10:00 */
    FRI_2330 = 1796398200, /* Friday    2026-12-04 23:30 (15:30 UTC) */
    SAT_0011 = 1796400660, /* Saturday  2026-12-05 00:11 (Friday 16:11 UTC) */
    SUN_1200 = 1796529600, /* Sunday    2026-12-06 12:00 */
};

/* Ten business days from a Wednesday: the Wednesday two weeks on. */
static void weekday_filing(void **state)
{
    (void)state;
    assert_int_equal(clock_add_business_days(WED_1000, 10), WED_1000 + 14 * DAY);
    assert_int_equal(clock_add_business_days(WED_1000, 1), WED_1000 + DAY);
    assert_int_equal(clock_add_business_days(WED_1000, 3), WED_1000 + 5 * DAY); /* Thu, Fri, Mon */
    assert_int_equal(clock_add_business_days(WED_1000, 0), WED_1000);
}

/* Friday evening: the first business day is Monday; the tenth, the Friday
 * two weeks on, at the same time of day. */
static void friday_evening_filing(void **state)
{
    (void)state;
    assert_int_equal(clock_add_business_days(FRI_2330, 1), FRI_2330 + 3 * DAY);
    assert_int_equal(clock_add_business_days(FRI_2330, 10), FRI_2330 + 14 * DAY);
}

/* Saturday in China while it is still Friday in UTC: the weekend is China's,
 * so ten business days end on the Friday of the next week, 13 days on. */
static void saturday_filing(void **state)
{
    (void)state;
    assert_int_equal(clock_add_business_days(SAT_0011, 1), SAT_0011 + 2 * DAY);
    assert_int_equal(clock_add_business_days(SAT_0011, 10), SAT_0011 + 13 * DAY);
}

/* Sunday: Monday is the first business day, the Friday after next the tenth. */
static void sunday_filing(void **state)
{
    (void)state;
    assert_int_equal(clock_add_business_days(SUN_1200, 1), SUN_1200 + DAY);
    assert_int_equal(clock_add_business_days(SUN_1200, 10), SUN_1200 + 12 * DAY);
}

/* Machines get UTC; people get China time, where Friday 16:11 UTC is
 * already Saturday. */
static void calendar_text(void **state)
{
    (void)state;
    char s[CLOCK_TEXT_MAX];
    clock_rfc3339(WED_1000, s);
    assert_string_equal(s, "2026-12-02T02:00:00Z");
    clock_http_date(SAT_0011, s);
    assert_string_equal(s, "Fri, 04 Dec 2026 16:11:00 GMT");
    clock_mail_date(SAT_0011, s);
    assert_string_equal(s, "Fri, 04 Dec 2026 16:11:00 +0000");
    clock_china_minute(SAT_0011, s);
    assert_string_equal(s, "2026-12-05 00:11");
    clock_china_minute(FRI_2330, s);
    assert_string_equal(s, "2026-12-04 23:30");
    clock_rfc3339(0, s);
    assert_string_equal(s, "1970-01-01T00:00:00Z");

    struct tm tm;
    clock_china_tm(SAT_0011, &tm);
    assert_int_equal(tm.tm_year + 1900, 2026);
    assert_int_equal(tm.tm_mon + 1, 12);
    assert_int_equal(tm.tm_mday, 5);
    assert_int_equal(tm.tm_wday, 6);
    assert_int_equal(tm.tm_hour, 0);
    assert_int_equal(tm.tm_min, 11);
}

/* If-Modified-Since: what clock_http_date writes reads back; anything else
 * is refused. */
static void http_date_parse(void **state)
{
    (void)state;
    int64_t t = -1;
    assert_int_equal(clock_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
    assert_int_equal(t, 784111777);
    char s[CLOCK_TEXT_MAX];
    clock_http_date(FRI_2330, s);
    assert_int_equal(clock_parse_http_date(s, &t), 0);
    assert_int_equal(t, FRI_2330);
    assert_int_equal(clock_parse_http_date("yesterday", &t), -1);
    assert_int_equal(clock_parse_http_date("", &t), -1);
}

/* Midnight in China is 16:00 UTC the day before; months past 12 carry. */
static void china_midnight(void **state)
{
    (void)state;
    assert_int_equal(clock_china_midnight(2026, 12, 2), WED_1000 - 10 * 3600);
    assert_int_equal(clock_china_midnight(2026, 12, 5), SAT_0011 - 11 * 60);
    assert_int_equal(clock_china_midnight(2026, 13, 1), 1798732800); /* 2027-01-01 */
    assert_int_equal(clock_china_midnight(2027, 1, 1), 1798732800);
    assert_int_equal(clock_china_midnight(1970, 1, 1), -CLOCK_CHINA_OFFSET);
    /* A China day starts at its midnight, 16:00 UTC the evening before. */
    int64_t m = clock_china_midnight(2027, 1, 1);
    assert_int_equal(clock_china_day(m), clock_china_day(m - 1) + 1);
    assert_int_equal(clock_china_day(m + 86399), clock_china_day(m));
    assert_int_equal(clock_china_day(m), 20819); /* 2027-01-01: 57 years of 365 days and 14 leap days */
}

/* "YYYY-MM-DD": real dates only, exactly ten characters. */
static void china_parse_date(void **state)
{
    (void)state;
    int64_t t = -1;
    assert_int_equal(clock_china_parse_date("2026-12-02", &t), 0);
    assert_int_equal(t, WED_1000 - 10 * 3600);
    assert_int_equal(clock_china_parse_date("2024-02-29", &t), 0);
    assert_int_equal(t, 1709136000);
    static const char *bad[] = {
        "2023-02-29", "2023-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-12-00",
        "1969-12-31", "2026-1-02",  "2026-12-2",  "2026/12/02", "2026-12-02x", "",
        "20261-2-02", "2026-12-02 ", " 2026-1202", "abcd-ef-gh", "2026-+1-02", "2026- 1-02",
        "2026-12--2", "+202-12-02", "2026-1\x002-02",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        t = 42;
        assert_int_equal(clock_china_parse_date(bad[i], &t), -1);
        assert_int_equal(t, 42); /* untouched */
    }
}

/* HAO_FAKE_NOW moves the clock to the instant given, which then runs on;
 * malformed values are refused. Runs last: it shifts the process's clock. */
static void fake_now(void **state)
{
    (void)state;
    setenv("HAO_FAKE_NOW", "12x", 1);
    assert_int_equal(clock_init(), -1);
    setenv("HAO_FAKE_NOW", "-5", 1);
    assert_int_equal(clock_init(), -1);
    setenv("HAO_FAKE_NOW", "1796400660", 1);
    assert_int_equal(clock_init(), 1);
    int64_t now = clock_now();
    assert_true(now >= SAT_0011 && now < SAT_0011 + 60);
    unsetenv("HAO_FAKE_NOW");
    assert_int_equal(clock_init(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weekday_filing),
        cmocka_unit_test(friday_evening_filing),
        cmocka_unit_test(saturday_filing),
        cmocka_unit_test(sunday_filing),
        cmocka_unit_test(calendar_text),
        cmocka_unit_test(http_date_parse),
        cmocka_unit_test(china_midnight),
        cmocka_unit_test(china_parse_date),
        cmocka_unit_test(fake_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
