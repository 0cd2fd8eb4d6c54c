/*
 * clock.h — the wall clock the legal deadlines run on, and the one place
 * hao turns instants into calendar text and back.
 *
 * Notices, takedowns, counter-notice deadlines, scheduled restores, the
 * audit log and the transparency report take their time from clock_now().
 * Normally that is time(NULL). For tests of "restore after N business days"
 * the environment variable HAO_FAKE_NOW (unix seconds) shifts this clock,
 * once, at process start: the clock then runs on from that instant. It only
 * moves deadlines of this data directory's own process, is read from the
 * operator's own environment (never from a request), and `hao serve` prints a
 * warning while it is set. Sessions, cookies and logs keep the real clock.
 *
 * Calendar text: hao stores unix seconds and shows them in one of four
 * forms, each made here and nowhere else: RFC 3339 UTC for machines (feeds,
 * sitemaps, <time datetime>, the JSON API, logs), China Standard Time for
 * people (pages; business days and report periods are counted there too),
 * HTTP-date for Last-Modified / If-Modified-Since, and the mail Date: header.
 * The formatters are pure (no clock, no locale: hao never calls setlocale,
 * so %a and %b are English) and thread-safe. Each writes a NUL-terminated
 * string into a CLOCK_TEXT_MAX buffer; an instant past year 9999 gives "".
 */
#ifndef HAO_CLOCK_H
#define HAO_CLOCK_H

#include <stdint.h>
#include <time.h>

/* China Standard Time is UTC+8 all year (no daylight saving since 1991):
 * the site's display zone and the zone its business days are counted in. */
#define CLOCK_CHINA_OFFSET (8 * 3600)

/* Room for any text below, with its NUL. */
#define CLOCK_TEXT_MAX 32

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
void clock_rfc3339(int64_t t, char out[CLOCK_TEXT_MAX]);
/* t as an HTTP-date (RFC 9110 IMF-fixdate), "Sun, 06 Nov 1994 08:49:37 GMT"
 * (Last-Modified). */
void clock_http_date(int64_t t, char out[CLOCK_TEXT_MAX]);
/* An HTTP-date back to unix seconds (If-Modified-Since): 0, or -1 when s does
 * not start with one. */
int clock_parse_http_date(const char *s, int64_t *out);
/* t as a mail Date: (RFC 5322), "Sun, 06 Nov 1994 08:49:37 +0000". */
void clock_mail_date(int64_t t, char out[CLOCK_TEXT_MAX]);

/* t's calendar fields in China Standard Time (tm_year, tm_mon, tm_mday,
 * tm_wday, tm_hour, ...; the zone fields are UTC's and mean nothing). */
void clock_china_tm(int64_t t, struct tm *out);
/* The China day number of t: days since 1970-01-01 in China Standard Time
 * (the data pages' columns and the readers' daily salt change with it). */
int64_t clock_china_day(int64_t t);
/* t as "YYYY-MM-DD HH:MM" in China Standard Time (what pages show). */
void clock_china_minute(int64_t t, char out[CLOCK_TEXT_MAX]);
/* Unix seconds of midnight in China Standard Time at the start of day d of
 * month m (1-12) of year y. Fields past their range carry over as in
 * timegm(): month 13 is January of y + 1. */
int64_t clock_china_midnight(int y, int m, int d);
/* "YYYY-MM-DD" (exactly ten characters, a real date, years 1970-9999) as
 * clock_china_midnight() of that day: 0, or -1 when s is not such a date. */
int clock_china_parse_date(const char *s, int64_t *out);

#endif
