/*
 * clock.h — the wall clock the legal deadlines run on.
 *
 * Notices, takedowns, counter-notice deadlines, scheduled restores, the
 * audit log and the transparency report take their time from clock_now().
 * Normally that is time(NULL). For tests of "restore after N business days"
 * the environment variable HAO_FAKE_NOW (unix seconds) shifts this clock,
 * once, at process start: the clock then runs on from that instant. It only
 * moves deadlines of this data directory's own process, is read from the
 * operator's own environment (never from a request), and `hao serve` prints a
 * warning while it is set. Sessions, cookies and logs keep the real clock.
 */
#ifndef HAO_CLOCK_H
#define HAO_CLOCK_H

#include <stdint.h>

/* Read HAO_FAKE_NOW once (call before any thread starts). Returns 1 when the
 * clock is shifted, 0 when real, -1 when the variable is malformed. */
int clock_init(void);
/* Unix seconds on the (possibly shifted) clock. Thread-safe. */
int64_t clock_now(void);
/* t plus n business days (Monday-Friday, counted in China Standard Time,
 * no holiday calendar): the same time of day on the n-th working day after. */
int64_t clock_add_business_days(int64_t t, int n);
/* Unix seconds t as RFC 3339 UTC, "YYYY-MM-DDTHH:MM:SSZ", into out (feeds,
 * sitemaps, <time datetime>, the JSON API). */
void clock_rfc3339(int64_t t, char out[32]);

#endif
