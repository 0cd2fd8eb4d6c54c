/*
 * transparency.c — see transparency.h.
 */
#include "site/transparency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "site/layout.h"

/* Period bounds in China Standard Time, the site's display zone. */
static int64_t cst_start(int year, int month)
{
    struct tm tm = {0};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = 1;
    return (int64_t)timegm(&tm) - 8 * 3600;
}

static int64_t count(db_t *db, const char *sql, int64_t from, int64_t to)
{
    db_stmt_t *st = db_prepare(db, sql);
    db_bind_int(st, ":from", from);
    db_bind_int(st, ":to", to);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return n;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void row(buf_t *b, const char *key, const char *label, int64_t v)
{
    buf_printf(b, "<tr data-key=\"%s\"><th scope=\"row\">", key);
    buf_htmlz(b, label);
    buf_printf(b, "</th><td class=\"num\">%lld</td></tr>\n", (long long)v);
}

/* GET /transparency — query period: "YYYY" or "YYYY-QN" (default: the
 * current year). */
void transparency_page(hreq_t *r)
{
    lang_t L = r->lang;
    const char *p = rq_query(r, "period");
    time_t now = (time_t)(clock_now() + 8 * 3600);
    struct tm tm;
    gmtime_r(&now, &tm);
    int year = tm.tm_year + 1900, q = 0;
    if (p && *p) {
        char *end;
        long y = strtol(p, &end, 10);
        if (y < 2000 || y > 9999 || (*end && !(end[0] == '-' && end[1] == 'Q' && end[2] >= '1' && end[2] <= '4' &&
                                               end[3] == 0))) {
            rs_error(r, 400, "bad_period", T(L, "transparency.err.period"));
            return;
        }
        year = (int)y;
        q = *end ? end[2] - '0' : 0;
    }
    int64_t from = q ? cst_start(year, 3 * q - 2) : cst_start(year, 1);
    int64_t to = q ? (q == 4 ? cst_start(year + 1, 1) : cst_start(year, 3 * q + 1)) : cst_start(year + 1, 1);

    buf_t b = BUF_INIT, title = BUF_INIT, period = BUF_INIT;
    if (q)
        buf_printf(&period, "%d-Q%d", year, q);
    else
        buf_printf(&period, "%d", year);
    buf_printf(&title, "%s %s", T(L, "site.transparency"), buf_cstr(&period));
    page_begin(r, &b, buf_cstr(&title), NULL);
    buf_lit(&b, "<section class=\"transparency\"><h1 class=\"page-title\">");
    buf_htmlz(&b, buf_cstr(&title));
    buf_lit(&b, "</h1>\n<p class=\"periods\">");
    for (int i = 0; i <= 4; i++) {
        buf_printf(&b, "%s<a href=\"/transparency?period=%d", i ? " · " : "", year);
        if (i)
            buf_printf(&b, "-Q%d\">Q%d</a>", i, i);
        else
            buf_printf(&b, "\">%d</a>", year);
    }
    buf_lit(&b, "</p>\n<table class=\"report\"><tbody>\n");
    struct {
        const char *key, *sql;
    } rows[] = {
        {"notices", "SELECT count(*) FROM notices WHERE created_at >= :from AND created_at < :to"},
        {"notices_actioned", "SELECT count(*) FROM notices WHERE status = 'actioned' AND created_at >= :from AND created_at < :to"},
        {"notices_rejected", "SELECT count(*) FROM notices WHERE status = 'rejected' AND created_at >= :from AND created_at < :to"},
        {"notices_pending", "SELECT count(*) FROM notices WHERE status = 'pending' AND created_at >= :from AND created_at < :to"},
        {"takedowns", "SELECT count(*) FROM takedowns WHERE created_at >= :from AND created_at < :to"},
        {"takedowns_notice", "SELECT count(*) FROM takedowns WHERE notice_id IS NOT NULL AND created_at >= :from AND created_at < :to"},
        {"takedowns_report", "SELECT count(*) FROM takedowns WHERE report_id IS NOT NULL AND created_at >= :from AND created_at < :to"},
        {"takedowns_automated", "SELECT count(*) FROM takedowns WHERE automated = 1 AND created_at >= :from AND created_at < :to"},
        {"counter_notices", "SELECT count(*) FROM counter_notices WHERE created_at >= :from AND created_at < :to"},
        {"restorations", "SELECT count(*) FROM takedowns WHERE status = 'restored' AND ended_at >= :from AND ended_at < :to"},
        {"court", "SELECT count(*) FROM counter_notices WHERE status = 'court' AND created_at >= :from AND created_at < :to"},
        {"reports", "SELECT count(*) FROM reports WHERE created_at >= :from AND created_at < :to"},
        {"reports_upheld", "SELECT count(*) FROM reports WHERE status = 'upheld' AND created_at >= :from AND created_at < :to"},
        {"reports_dismissed", "SELECT count(*) FROM reports WHERE status = 'dismissed' AND created_at >= :from AND created_at < :to"},
        {"complaints", "SELECT count(*) FROM complaints WHERE created_at >= :from AND created_at < :to"},
        {"complaints_upheld", "SELECT count(*) FROM complaints WHERE status = 'upheld' AND created_at >= :from AND created_at < :to"},
        {"complaints_rejected", "SELECT count(*) FROM complaints WHERE status = 'rejected' AND created_at >= :from AND created_at < :to"},
        {"suspensions", "SELECT count(*) FROM audit_log WHERE action = 'user.suspend' AND at >= :from AND at < :to"},
        {"purges", "SELECT count(*) FROM audit_log WHERE action = 'work.purge' AND at >= :from AND at < :to"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char k[64];
        snprintf(k, sizeof k, "transparency.%s", rows[i].key);
        row(&b, rows[i].key, T(L, k), count(r->db, rows[i].sql, from, to));
        if (i == 0) {
            /* Notices by the kind of right claimed, right after the total. */
            db_stmt_t *g = db_prepare(r->db, "SELECT ground, count(*) FROM notices WHERE created_at >= :from "
                                             "AND created_at < :to GROUP BY ground ORDER BY ground");
            db_bind_int(g, ":from", from);
            db_bind_int(g, ":to", to);
            while (db_step(g) == DB_ROW) {
                char gk[48], key[48];
                snprintf(gk, sizeof gk, "ground.%s", db_col_text(g, 0));
                snprintf(key, sizeof key, "notices_%s", db_col_text(g, 0));
                buf_t label = BUF_INIT;
                buf_printf(&label, "%s%s", T(L, "transparency.of_which"), T(L, gk));
                row(&b, key, buf_cstr(&label), db_col_int(g, 1));
                buf_free(&label);
            }
            db_done(g);
        }
    }
    /* Median time from notice to action (decision or automatic removal). */
    db_stmt_t *st = db_prepare(r->db, "SELECT decided_at - created_at FROM notices WHERE decided_at IS NOT NULL "
                                      "AND created_at >= :from AND created_at < :to LIMIT 100000");
    db_bind_int(st, ":from", from);
    db_bind_int(st, ":to", to);
    int64_t *v = NULL;
    size_t n = 0, cap = 0;
    while (db_step(st) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = realloc(v, cap * sizeof *v);
            if (!v)
                abort();
        }
        v[n++] = db_col_int(st, 0);
    }
    db_done(st);
    buf_lit(&b, "<tr data-key=\"median_seconds\"><th scope=\"row\">");
    buf_htmlz(&b, T(L, "transparency.median"));
    buf_lit(&b, "</th><td class=\"num\">");
    if (n) {
        qsort(v, n, sizeof *v, cmp64);
        int64_t med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        buf_printf(&b, "%lld", (long long)med);
    } else {
        buf_lit(&b, "–");
    }
    free(v);
    buf_lit(&b, "</td></tr>\n</tbody></table></section>\n");
    page_end(r, &b);
    rs_html(r, 200, &b);
    buf_free(&b);
    buf_free(&title);
    buf_free(&period);
}
