/*
 * transparency.c — see transparency.h.
 */
#include "site/trust/transparency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "site/layout.h"

#define MAX_ROWS 48

/* Period bounds in China Standard Time, the site's display zone. */
static int64_t cst_start(int year, int month)
{
    return clock_china_midnight(year, month, 1);
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

typedef struct {
    char key[48];   /* machine name: "notices", "notices_copyright", ... */
    char label[48]; /* i18n key of the label, or a "ground." key after "of which" */
    int of_which;
    int64_t v;
} row_t;

typedef struct {
    int year, quarter; /* quarter 0: the whole year */
    int64_t from, to;
    int n;
    row_t rows[MAX_ROWS];
    int64_t median; /* seconds from notice to action; -1 when none */
} report_t;

static void add(report_t *rep, const char *key, const char *label, int of_which, int64_t v)
{
    if (rep->n == MAX_ROWS)
        return;
    row_t *w = &rep->rows[rep->n++];
    snprintf(w->key, sizeof w->key, "%s", key);
    snprintf(w->label, sizeof w->label, "%s", label);
    w->of_which = of_which;
    w->v = v;
}

/* Parse the period ("YYYY" or "YYYY-QN"; NULL: the current year). -1 bad. */
static int period(const char *p, report_t *rep)
{
    struct tm tm;
    clock_china_tm(clock_now(), &tm);
    rep->year = tm.tm_year + 1900;
    rep->quarter = 0;
    if (p && *p) {
        char *end;
        long y = strtol(p, &end, 10);
        if (y < 2000 || y > 9999 ||
            (*end && !(end[0] == '-' && end[1] == 'Q' && end[2] >= '1' && end[2] <= '4' && end[3] == 0)))
            return -1;
        rep->year = (int)y;
        rep->quarter = *end ? end[2] - '0' : 0;
    }
    int y = rep->year, q = rep->quarter;
    rep->from = q ? cst_start(y, 3 * q - 2) : cst_start(y, 1);
    rep->to = q ? (q == 4 ? cst_start(y + 1, 1) : cst_start(y, 3 * q + 1)) : cst_start(y + 1, 1);
    return 0;
}

static void collect(db_t *db, report_t *rep)
{
    static const struct {
        const char *key, *sql;
    } rows[] = {
        {"notices", "SELECT count(*) FROM notices WHERE created_at >= :from AND created_at < :to"},
        {"notices_actioned", "SELECT count(*) FROM notices WHERE status = 'actioned' AND created_at >= :from AND created_at < :to"},
        {"notices_rejected", "SELECT count(*) FROM notices WHERE status = 'rejected' AND created_at >= :from AND created_at < :to"},
        {"notices_pending", "SELECT count(*) FROM notices WHERE status = 'pending' AND created_at >= :from AND created_at < :to"},
        {"takedowns", "SELECT count(*) FROM takedowns WHERE comment_id IS NULL AND created_at >= :from AND created_at < :to"},
        {"takedowns_notice", "SELECT count(*) FROM takedowns WHERE comment_id IS NULL AND notice_id IS NOT NULL AND created_at >= :from AND created_at < :to"},
        {"takedowns_report", "SELECT count(*) FROM takedowns WHERE comment_id IS NULL AND report_id IS NOT NULL AND created_at >= :from AND created_at < :to"},
        {"takedowns_automated", "SELECT count(*) FROM takedowns WHERE comment_id IS NULL AND automated = 1 AND created_at >= :from AND created_at < :to"},
        {"counter_notices", "SELECT count(*) FROM counter_notices WHERE created_at >= :from AND created_at < :to"},
        {"restorations", "SELECT count(*) FROM takedowns WHERE comment_id IS NULL AND status = 'restored' AND ended_at >= :from AND ended_at < :to"},
        /* Comments are stored user content too, counted on their own. */
        {"comments_removed", "SELECT count(*) FROM takedowns WHERE comment_id IS NOT NULL AND created_at >= :from AND created_at < :to"},
        {"comments_restored", "SELECT count(*) FROM takedowns WHERE comment_id IS NOT NULL AND status = 'restored' AND ended_at >= :from AND ended_at < :to"},
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
    rep->n = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char label[48];
        snprintf(label, sizeof label, "transparency.%s", rows[i].key);
        add(rep, rows[i].key, label, 0, count(db, rows[i].sql, rep->from, rep->to));
        if (i != 0)
            continue;
        /* Notices by the kind of right claimed, right after the total. */
        db_stmt_t *g = db_prepare(db, "SELECT ground, count(*) FROM notices WHERE created_at >= :from "
                                      "AND created_at < :to GROUP BY ground ORDER BY ground");
        db_bind_int(g, ":from", rep->from);
        db_bind_int(g, ":to", rep->to);
        while (db_step(g) == DB_ROW) {
            char key[48], gk[48];
            snprintf(key, sizeof key, "notices_%.30s", db_col_text(g, 0));
            snprintf(gk, sizeof gk, "ground.%.30s", db_col_text(g, 0));
            add(rep, key, gk, 1, db_col_int(g, 1));
        }
        db_done(g);
    }
    /* Median time from notice to action (decision or automatic removal). */
    db_stmt_t *st = db_prepare(db, "SELECT decided_at - created_at FROM notices WHERE decided_at IS NOT NULL "
                                   "AND created_at >= :from AND created_at < :to LIMIT 100000");
    db_bind_int(st, ":from", rep->from);
    db_bind_int(st, ":to", rep->to);
    int64_t *v = NULL;
    size_t n = 0, cap = 0;
    while (db_step(st) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = db_col_int(st, 0);
    }
    db_done(st);
    rep->median = -1;
    if (n) {
        qsort(v, n, sizeof *v, cmp64);
        rep->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
    free(v);
}

/* GET /transparency — query period: "YYYY" or "YYYY-QN" (default: the
 * current year). */
void transparency_page(hreq_t *r)
{
    lang_t L = r->lang;
    report_t *rep = rq_alloc(r, sizeof *rep);
    if (period(rq_query(r, "period"), rep) < 0) {
        rs_error(r, 400, "bad_period", T(L, "transparency.err.period"));
        return;
    }
    collect(r->db, rep);
    buf_t b = BUF_INIT, title = BUF_INIT;
    if (rep->quarter)
        buf_printf(&title, "%s %d-Q%d", T(L, "site.transparency"), rep->year, rep->quarter); /* raw: text */
    else
        buf_printf(&title, "%s %d", T(L, "site.transparency"), rep->year); /* raw: text */
    page_begin(r, &b, buf_cstr(&title), NULL);
    buf_lit(&b, "<section class=\"transparency\"><h1 class=\"page-title\">");
    buf_htmlz(&b, buf_cstr(&title));
    buf_lit(&b, "</h1>\n<p class=\"periods\">");
    for (int i = 0; i <= 4; i++) {
        buf_hprintf(&b, "%s<a href=\"/transparency?period=%d", i ? " · " : "", rep->year);
        if (i)
            buf_hprintf(&b, "-Q%d\">Q%d</a>", i, i);
        else
            buf_hprintf(&b, "\">%d</a>", rep->year);
    }
    buf_hprintf(&b, " · <a href=\"/transparency.json?period=%d", rep->year);
    if (rep->quarter)
        buf_hprintf(&b, "-Q%d", rep->quarter);
    buf_lit(&b, "\">JSON</a></p>\n<table class=\"report\"><tbody>\n");
    for (int i = 0; i < rep->n; i++) {
        const row_t *w = &rep->rows[i];
        buf_hprintf(&b, "<tr data-key=\"%s\"><th scope=\"row\">", w->key);
        if (w->of_which)
            buf_htmlz(&b, T(L, "transparency.of_which"));
        buf_htmlz(&b, T(L, w->label));
        buf_hprintf(&b, "</th><td class=\"num\">%lld</td></tr>\n", (long long)w->v);
    }
    buf_lit(&b, "<tr data-key=\"median_seconds\"><th scope=\"row\">");
    buf_htmlz(&b, T(L, "transparency.median"));
    buf_lit(&b, "</th><td class=\"num\">");
    if (rep->median >= 0)
        buf_hprintf(&b, "%lld", (long long)rep->median);
    else
        buf_lit(&b, "–");
    buf_lit(&b, "</td></tr>\n</tbody></table></section>\n");
    page_send(r, &b, 200);
    buf_free(&title);
}

/* GET /transparency.json — the same report for machines:
 * {"period","from","to","counts":{key:n,...},"median_seconds":n|null} */
void transparency_json(hreq_t *r)
{
    report_t *rep = rq_alloc(r, sizeof *rep);
    if (period(rq_query(r, "period"), rep) < 0) {
        rs_error(r, 400, "bad_period", T(r->lang, "transparency.err.period"));
        return;
    }
    collect(r->db, rep);
    buf_t b = BUF_INIT;
    if (rep->quarter)
        buf_printf(&b, "{\"period\":\"%d-Q%d\"", rep->year, rep->quarter);
    else
        buf_printf(&b, "{\"period\":\"%d\"", rep->year);
    buf_printf(&b, ",\"from\":%lld,\"to\":%lld,\"counts\":{", (long long)rep->from, (long long)rep->to);
    for (int i = 0; i < rep->n; i++) {
        if (i)
            buf_ch(&b, ',');
        buf_json_strz(&b, rep->rows[i].key);
        buf_printf(&b, ":%lld", (long long)rep->rows[i].v);
    }
    buf_lit(&b, "},\"median_seconds\":");
    if (rep->median >= 0)
        buf_printf(&b, "%lld}", (long long)rep->median);
    else
        buf_lit(&b, "null}");
    rs_json(r, 200, &b);
    buf_free(&b);
}
