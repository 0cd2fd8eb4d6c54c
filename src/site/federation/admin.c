/*
 * admin.c — see admin.h.
 */
#include "site/federation/admin.h"

#include <stdlib.h>

#include "core/clock.h"
#include "site/federation/fed.h"
#include "site/layout.h"

static int64_t one(db_t *db, const char *sql, int64_t t)
{
    db_stmt_t *st = db_prepare(db, sql);
    if (t >= 0)
        db_bind_int(st, ":t", t);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return n;
}

static void th(buf_t *b, lang_t L, const char *const *keys, int n)
{
    buf_lit(b, "<div class=\"table-scroll\"><table><thead><tr>");
    for (int i = 0; i < n; i++)
        buf_hprintf(b, "<th>%s</th>", T(L, keys[i]));
    buf_lit(b, "</tr></thead><tbody>\n");
}

/* GET /admin/federation — no query parameters. */
void fed_admin_page(hreq_t *r)
{
    lang_t L = r->lang;
    db_t *db = r->db;
    int64_t now = clock_now();
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "federation-admin", T(L, "fed.admin.title"));
    char *base = fed_base(db);
    buf_lit(&b, "<p>");
    if (base)
        buf_hprintf(&b, "%s <code>%s</code>", T(L, "fed.admin.on"), base);
    else
        buf_htmlz(&b, T(L, "fed.admin.off"));
    buf_hprintf(&b, " · <a href=\"/admin/settings\">%s</a></p>\n", T(L, "fed.admin.settings"));
    free(base);

    buf_hprintf(&b, "<h2>%s</h2>\n<dl class=\"fed-queue\">", T(L, "fed.admin.queue"));
    struct {
        const char *key, *sql;
    } q[] = {
        {"fed.admin.due", "SELECT COUNT(*) FROM fed_deliveries WHERE done_at IS NULL AND attempts = 0"},
        {"fed.admin.retrying", "SELECT COUNT(*) FROM fed_deliveries WHERE done_at IS NULL AND attempts > 0"},
        {"fed.admin.delivered", "SELECT COUNT(*) FROM fed_deliveries WHERE done_at >= :t AND result LIKE 'delivered%'"},
        {"fed.admin.dropped", "SELECT COUNT(*) FROM fed_deliveries WHERE done_at >= :t AND result LIKE 'dropped%'"},
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        buf_hprintf(&b, "<dt>%s</dt><dd data-count=\"%s\">%lld</dd>", T(L, q[i].key), q[i].key + 10,
                    (long long)one(db, q[i].sql, i >= 2 ? now - 7 * 86400 : -1));
    buf_lit(&b, "</dl>\n");

    buf_hprintf(&b, "<h2>%s</h2>\n", T(L, "fed.admin.failures"));
    static const char *const fcols[] = {"sor.when", "fed.admin.inbox", "fed.admin.attempts", "fed.admin.result"};
    th(&b, L, fcols, 4);
    db_stmt_t *st = db_prepare(db, "SELECT coalesce(done_at, created_at), inbox, attempts, result FROM fed_deliveries "
                                   "WHERE result LIKE 'failed%' OR result LIKE 'dropped%' ORDER BY id DESC LIMIT 20");
    while (db_step(st) == DB_ROW) {
        buf_lit(&b, "<tr><td>");
        page_time(&b, db_col_int(st, 0));
        buf_hprintf(&b, "</td><td>%s</td><td>%lld</td><td>%s</td></tr>\n", db_col_text(st, 1),
                    (long long)db_col_int(st, 2), db_col_text(st, 3));
    }
    db_done(st);
    buf_lit(&b, "</tbody></table></div>\n");

    buf_hprintf(&b, "<h2>%s</h2>\n", T(L, "fed.admin.instances"));
    static const char *const icols[] = {"fed.admin.host", "fed.admin.accounts", "fed.admin.followers",
                                        "fed.admin.seen"};
    th(&b, L, icols, 4);
    st = db_prepare(db, "SELECT a.host, COUNT(*), (SELECT COUNT(*) FROM follows f JOIN fed_actors x "
                        "ON x.user_id = f.follower_id WHERE x.host = a.host), MAX(a.fetched_at) "
                        "FROM fed_actors a GROUP BY a.host ORDER BY COUNT(*) DESC, a.host LIMIT 200");
    while (db_step(st) == DB_ROW) {
        buf_hprintf(&b, "<tr><td>%s</td><td>%lld</td><td>%lld</td><td>", db_col_text(st, 0),
                    (long long)db_col_int(st, 1), (long long)db_col_int(st, 2));
        page_time(&b, db_col_int(st, 3));
        buf_lit(&b, "</td></tr>\n");
    }
    db_done(st);
    buf_lit(&b, "</tbody></table></div>\n");

    char *blocked = db_setting(db, "blocked_domains", "");
    buf_hprintf(&b, "<h2>%s</h2>\n<p class=\"fed-blocked\">%s</p>\n", T(L, "fed.admin.blocked"),
                *blocked ? blocked : T(L, "fed.admin.none"));
    free(blocked);
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
}
