/*
 * stats.c — the data pages. See stats.h. Part of the creator tools
 * (site/creator/); loop thread, read only.
 */
#include "site/creator/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/i18n.h"
#include "site/creator/creator.h"
#include "site/layout.h"
#include "site/works/work.h"

#define SERIES 7
#define WORK_SERIES 5 /* a work has no followers or subscribers of its own */
#define TOP_REFERRERS 10
#define DAYS_MAX 90

typedef struct {
    int days;
    int64_t first_day; /* China day number (days since 1970-01-01 in UTC+8) of the first column */
    int64_t v[SERIES][DAYS_MAX];
    int nseries;
} stats_t;

static const char *const series_keys[SERIES] = {"creator.stats.reads",     "creator.stats.uniques",
                                                "creator.stats.ends",      "creator.stats.likes",
                                                "creator.stats.comments",  "creator.stats.followers",
                                                "creator.stats.subscribers"};

/* The per-day counts: author 0 is the whole site; work NULL all works. */
static const char *const series_sql[SERIES] = {
    "SELECT (d.day + 28800) / 86400, sum(d.reads) FROM stats_daily d WHERE (:a = 0 OR d.author_id = :a) "
    "AND (:w = '' OR d.work_id = :w) AND d.day >= :from GROUP BY (d.day + 28800) / 86400",
    /* A creator's or the site's readers are their own rows (one reader of
     * three works is one reader); a work's unique readers are its reads,
     * as a read is counted once per reader and day (http/views.h). */
    "SELECT (u.day + 28800) / 86400, u.uniques FROM stats_uniques u WHERE u.author_id = :a AND :w = '' "
    "AND u.day >= :from UNION ALL "
    "SELECT (d.day + 28800) / 86400, d.reads FROM stats_daily d WHERE :w <> '' AND d.work_id = :w AND d.day >= :from",
    "SELECT (d.day + 28800) / 86400, sum(d.ends) FROM stats_daily d WHERE (:a = 0 OR d.author_id = :a) "
    "AND (:w = '' OR d.work_id = :w) AND d.day >= :from GROUP BY (d.day + 28800) / 86400",
    "SELECT (l.created_at + 28800) / 86400, count(*) FROM work_likes l JOIN works w ON w.id = l.work_id "
    "WHERE (:a = 0 OR w.author_id = :a) AND (:w = '' OR l.work_id = :w) AND l.created_at >= :from "
    "GROUP BY (l.created_at + 28800) / 86400",
    "SELECT (c.created_at + 28800) / 86400, count(*) FROM comments c JOIN works w ON w.id = c.work_id "
    "WHERE (:a = 0 OR w.author_id = :a) AND (:w = '' OR c.work_id = :w) AND c.status = 'published' "
    "AND c.created_at >= :from GROUP BY (c.created_at + 28800) / 86400",
    "SELECT (f.created_at + 28800) / 86400, count(*) FROM follows f WHERE (:a = 0 OR f.followee_id = :a) "
    "AND f.created_at >= :from AND :w = '' GROUP BY (f.created_at + 28800) / 86400",
    "SELECT (s.confirmed_at + 28800) / 86400, count(*) FROM email_subscriptions s WHERE (:a = 0 OR s.creator_id = :a) "
    "AND s.confirmed_at >= :from AND :w = '' GROUP BY (s.confirmed_at + 28800) / 86400",
};

static int parse_days(hreq_t *r)
{
    const char *d = rq_query(r, "days");
    if (!d || strcmp(d, "30") == 0)
        return 30;
    return strcmp(d, "90") == 0 ? 90 : -1;
}

static int load(db_t *db, int64_t author, const char *work, int days, stats_t *s)
{
    memset(s, 0, sizeof *s);
    s->days = days;
    int64_t today = clock_china_day(clock_now());
    s->first_day = today - days + 1;
    s->nseries = work ? WORK_SERIES : SERIES;
    for (int k = 0; k < s->nseries; k++) {
        db_stmt_t *st = db_prepare(db, series_sql[k]);
        db_bind_int(st, ":a", author);
        db_bind_text(st, ":w", work ? work : "");
        db_bind_int(st, ":from", s->first_day * 86400 - CLOCK_CHINA_OFFSET);
        int rc;
        while ((rc = db_step(st)) == DB_ROW) {
            int64_t d = db_col_int(st, 0) - s->first_day;
            if (d >= 0 && d < days)
                s->v[k][d] = db_col_int(st, 1);
        }
        db_done(st);
        if (rc == DB_ERROR)
            return -1;
    }
    return 0;
}

static void day_text(int64_t day, char out[16])
{
    char s[CLOCK_TEXT_MAX];
    clock_rfc3339(day * 86400, s);
    snprintf(out, 16, "%.10s", s);
}

/* One series as an SVG bar chart and a table of the same numbers. */
static void chart(hreq_t *r, buf_t *b, const stats_t *s, int k, int idx)
{
    lang_t L = r->lang;
    int64_t max = 0, total = 0;
    for (int d = 0; d < s->days; d++) {
        if (s->v[k][d] > max)
            max = s->v[k][d];
        total += s->v[k][d];
    }
    const int W = 600, H = 120, bw = W / s->days;
    buf_hprintf(b, "<section class=\"stats-series\" aria-labelledby=\"stats-h%d\">\n<h2 id=\"stats-h%d\">", idx, idx);
    buf_htmlz(b, T(L, series_keys[k]));
    buf_hprintf(b, " <span class=\"stats-total\">(%lld)</span></h2>\n", (long long)total);
    buf_hprintf(b, "<svg class=\"stats-chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"stats-t%d\" "
                   "preserveAspectRatio=\"none\"><title id=\"stats-t%d\">",
                W, H + 2, idx, idx);
    buf_htmlz(b, T(L, series_keys[k]));
    buf_hprintf(b, ": %lld, max %lld</title>\n", (long long)total, (long long)max);
    for (int d = 0; d < s->days; d++) {
        int h = max ? (int)(s->v[k][d] * H / max) : 0;
        if (s->v[k][d] && h < 2)
            h = 2;
        buf_hprintf(b, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"></rect>", d * bw, H - h,
                    bw > 2 ? bw - 1 : bw, h);
    }
    buf_hprintf(b, "<line class=\"axis\" x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\"></line></svg>\n", H, W, H);
    buf_lit(b, "<details class=\"stats-table\"><summary>");
    buf_htmlz(b, T(L, "creator.stats.table"));
    buf_lit(b, "</summary>\n<table>\n<thead><tr><th scope=\"col\">");
    buf_htmlz(b, T(L, "creator.stats.day"));
    buf_lit(b, "</th><th scope=\"col\" class=\"num\">");
    buf_htmlz(b, T(L, series_keys[k]));
    buf_lit(b, "</th></tr></thead>\n<tbody>\n");
    for (int d = 0; d < s->days; d++) {
        char day[16];
        day_text(s->first_day + d, day);
        buf_hprintf(b, "<tr><td>%s</td><td class=\"num\">%lld</td></tr>\n", day, (long long)s->v[k][d]);
    }
    buf_lit(b, "</tbody></table></details>\n</section>\n");
}

/* 完读率 over the period: reads that reached the end, of all reads (each
 * a reader and a work on a day), as a whole percent. */
static void read_through(hreq_t *r, buf_t *b, const stats_t *s)
{
    int64_t reads = 0, ends = 0;
    for (int d = 0; d < s->days; d++) {
        reads += s->v[0][d];
        ends += s->v[2][d];
    }
    if (ends > reads)
        ends = reads; /* an end reached today of a page read yesterday */
    buf_lit(b, "<p class=\"stats-rate\"><strong>");
    buf_htmlz(b, T(r->lang, "creator.stats.rate"));
    if (reads)
        buf_hprintf(b, "</strong> %lld%% <span class=\"hint\">(%lld / %lld)</span></p>\n",
                    (long long)(ends * 100 / reads), (long long)ends, (long long)reads);
    else
        buf_lit(b, "</strong> —</p>\n");
}

/* The referring sites of the period, most readers first. */
static int referrers(hreq_t *r, buf_t *b, int64_t author, const char *work, const stats_t *s)
{
    db_stmt_t *st = db_prepare(r->db, "SELECT domain, sum(n) FROM stats_referrers WHERE (:a = 0 OR author_id = :a) "
                                      "AND (:w = '' OR work_id = :w) AND day >= :from "
                                      "GROUP BY domain ORDER BY sum(n) DESC, domain LIMIT 10");
    db_bind_int(st, ":a", author);
    db_bind_text(st, ":w", work ? work : "");
    db_bind_int(st, ":from", s->first_day * 86400 - CLOCK_CHINA_OFFSET);
    buf_lit(b, "<section class=\"stats-referrers\" aria-labelledby=\"stats-ref\">\n<h2 id=\"stats-ref\">");
    buf_htmlz(b, T(r->lang, "creator.stats.referrers"));
    buf_lit(b, "</h2>\n");
    int rc, rows = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        if (rows++ == 0) {
            buf_lit(b, "<table>\n<thead><tr><th scope=\"col\">");
            buf_htmlz(b, T(r->lang, "creator.stats.domain"));
            buf_lit(b, "</th><th scope=\"col\" class=\"num\">");
            buf_htmlz(b, T(r->lang, "creator.stats.reads"));
            buf_lit(b, "</th></tr></thead>\n<tbody>\n");
        }
        buf_lit(b, "<tr><td>");
        buf_htmlz(b, db_col_text(st, 0));
        buf_hprintf(b, "</td><td class=\"num\">%lld</td></tr>\n", (long long)db_col_int(st, 1));
    }
    db_done(st);
    if (rows)
        buf_lit(b, "</tbody></table>\n");
    else {
        buf_lit(b, "<p class=\"hint\">");
        buf_htmlz(b, T(r->lang, "creator.stats.no_referrers"));
        buf_lit(b, "</p>\n");
    }
    buf_lit(b, "</section>\n");
    return rc == DB_ERROR ? -1 : 0;
}

/* A link to the page for n days, marked current when it is this one.
 * (The mark is written literally: buf_hprintf escapes what %s gets.) */
static void range_link(buf_t *b, const char *base, int n, int days, const char *label)
{
    buf_hprintf(b, "<a href=\"%s?days=%d\"", base, n);
    if (n == days)
        buf_lit(b, " aria-current=\"page\"");
    buf_lit(b, ">");
    buf_htmlz(b, label);
    buf_lit(b, "</a>");
}

static void page(hreq_t *r, int64_t author, const char *work, const char *title, const char *base)
{
    int days = parse_days(r);
    if (days < 0) {
        rs_error(r, 400, "bad_days", T(r->lang, "creator.stats.err.days"));
        return;
    }
    stats_t *s = malloc(sizeof *s);
    if (!s || load(r->db, author, work, days, s) < 0) {
        free(s);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "studio stats", title);
    buf_lit(&b, "<p class=\"stats-range\">");
    range_link(&b, base, 30, days, T(L, "creator.stats.30"));
    buf_lit(&b, " · ");
    range_link(&b, base, 90, days, T(L, "creator.stats.90"));
    if (!work && author) {
        buf_hprintf(&b, " · <a href=\"/studio/stats.csv?days=%d\">", days);
        buf_htmlz(&b, T(L, "creator.stats.csv"));
        buf_lit(&b, "</a>");
    }
    buf_lit(&b, "</p>\n<p class=\"hint\">");
    buf_htmlz(&b, T(L, "creator.stats.zone"));
    buf_lit(&b, "</p>\n");
    read_through(r, &b, s);
    for (int k = 0; k < s->nseries; k++)
        chart(r, &b, s, k, k);
    int rc = referrers(r, &b, author, work, s);
    buf_lit(&b, "</section>\n");
    free(s);
    if (rc < 0) {
        buf_free(&b);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    page_send(r, &b, 200);
}

void stats_page(hreq_t *r)
{
    page(r, r->user.id, NULL, T(r->lang, "creator.stats.title"), "/studio/stats");
}

void stats_site_page(hreq_t *r)
{
    page(r, 0, NULL, T(r->lang, "creator.stats.site_title"), "/admin/stats");
}

void stats_work_page(hreq_t *r)
{
    char status[16];
    if (!cr_own_work(r, status))
        return;
    char base[64];
    snprintf(base, sizeof base, "/studio/%s/stats", rq_param(r, 0));
    page(r, r->user.id, rq_param(r, 0), T(r->lang, "creator.stats.work_title"), base);
}

void stats_csv(hreq_t *r)
{
    int days = parse_days(r);
    if (days < 0) {
        rs_error(r, 400, "bad_days", T(r->lang, "creator.stats.err.days"));
        return;
    }
    stats_t *s = malloc(sizeof *s);
    if (!s || load(r->db, r->user.id, NULL, days, s) < 0) {
        free(s);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    buf_lit(&b, "date,reads,unique_readers,read_to_end,likes,comments,followers,subscribers\r\n");
    for (int d = 0; d < days; d++) {
        char day[16];
        day_text(s->first_day + d, day);
        buf_printf(&b, "%s", day); /* raw: CSV, a date of digits and dashes */
        for (int k = 0; k < SERIES; k++)
            buf_printf(&b, ",%lld", (long long)s->v[k][d]); /* raw: CSV */
        buf_lit(&b, "\r\n");
    }
    free(s);
    rs_header(r, "content-disposition", "attachment; filename=\"hao-stats.csv\"");
    rs_send(r, 200, "text/csv; charset=utf-8", buf_cstr(&b), b.len);
    buf_free(&b);
}
