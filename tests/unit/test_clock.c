/*
 * test_clock.c — the deadline clock (src/core/clock.c) at pinned instants.
 *
 * Counter-notice deadlines are counted in business days in China Standard
 * Time, so the answer depends on the weekday of filing. Every instant here is
 * fixed, so the suite gives the same answer on any day it runs.
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
        cmocka_unit_test(fake_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
