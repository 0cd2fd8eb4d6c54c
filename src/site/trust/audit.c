/*
 * audit.c — see audit.h.
 */
#include "site/trust/audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "site/layout.h"

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

static void entry_hash(const char *prev, int64_t id, int64_t at, const char *actor, const char *action,
                       const char *subject, const char *detail, char out[65])
{
    buf_t c = BUF_INIT;
    /* raw: the bytes hashed, not HTML */
    buf_printf(&c, "%s\n%lld\n%lld\n%zu:%s\n%zu:%s\n%zu:%s\n%zu:%s", prev, (long long)id, (long long)at,
               strlen(actor), actor, strlen(action), action, strlen(subject), subject, strlen(detail), detail);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)buf_cstr(&c), c.len);
    sodium_bin2hex(out, 65, h, sizeof h);
    buf_free(&c);
}

int audit_append(db_t *db, const char *actor, const char *action, const char *subject, const char *detail)
{
    char prev[65];
    int64_t id = 1;
    db_stmt_t *st = db_prepare(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    int rc = db_step(st);
    if (rc == DB_ROW) {
        id = db_col_int(st, 0) + 1;
        snprintf(prev, sizeof prev, "%s", db_col_text(st, 1));
    } else {
        memcpy(prev, zero_hash, sizeof prev);
    }
    db_done(st);
    if (rc == DB_ERROR)
        return -1;
    int64_t at = clock_now();
    char hash[65];
    entry_hash(prev, id, at, actor, action, subject, detail, hash);
    st = db_prepare(db, "INSERT INTO audit_log(id, at, actor, action, subject, detail, prev_hash, hash) "
                        "VALUES (:id, :at, :actor, :action, :subject, :detail, :prev, :hash)");
    db_bind_int(st, ":id", id);
    db_bind_int(st, ":at", at);
    db_bind_text(st, ":actor", actor);
    db_bind_text(st, ":action", action);
    db_bind_text(st, ":subject", subject);
    db_bind_text(st, ":detail", detail);
    db_bind_text(st, ":prev", prev);
    db_bind_text(st, ":hash", hash);
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    char head[96];
    snprintf(head, sizeof head, "%lld:%s", (long long)id, hash);
    return db_set_setting(db, "audit_head", head);
}

int audit_appendf(db_t *db, const char *actor, const char *action, const char *subject, const char *fmt, ...)
{
    buf_t d = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&d, fmt, ap); /* raw: text, escaped where it is shown */
    va_end(ap);
    int rc = audit_append(db, actor, action, subject, buf_cstr(&d));
    buf_free(&d);
    return rc;
}

int audit_verify(db_t *db, buf_t *report, int64_t *count)
{
    char prev[65];
    memcpy(prev, zero_hash, sizeof prev);
    int64_t expect = 1;
    int bad = 0;
    db_stmt_t *st = db_prepare(db, "SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit_log "
                                   "ORDER BY id");
    int rc;
    while (!bad && (rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        char want[65];
        entry_hash(prev, id, db_col_int(st, 1), db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4),
                   db_col_text(st, 5), want);
        if (id != expect) {
            buf_printf(report, "audit log: entry %lld is missing (the next entry is %lld)\n", (long long)expect,
                       (long long)id);
            bad = 1;
        } else if (strcmp(db_col_text(st, 6), prev) != 0) {
            buf_printf(report, "audit log: entry %lld does not link to entry %lld (prev_hash changed)\n",
                       (long long)id, (long long)(id - 1));
            bad = 1;
        } else if (strcmp(db_col_text(st, 7), want) != 0) {
            buf_printf(report, "audit log: entry %lld was altered (its content does not match its hash)\n",
                       (long long)id);
            bad = 1;
        } else {
            snprintf(prev, sizeof prev, "%s", db_col_text(st, 7));
            expect++;
        }
    }
    db_done(st);
    if (count)
        *count = expect - 1;
    if (bad)
        return -1;
    /* The head setting catches entries cut off the end. */
    char *head = db_setting(db, "audit_head", NULL);
    char have[96];
    snprintf(have, sizeof have, "%lld:%s", (long long)(expect - 1), prev);
    if (expect > 1 || head) {
        if (!head || strcmp(head, have) != 0) {
            buf_printf(report, "audit log: entries after %lld are missing (the recorded head is %s)\n", /* raw: text */
                       (long long)(expect - 1), head ? head : "absent");
            bad = 1;
        }
    }
    free(head);
    return bad ? -1 : 0;
}

void audit_actor_text(buf_t *out, lang_t L, const char *actor)
{
    if (strncmp(actor, "user:", 5) == 0) {
        buf_lit(out, "@");
        buf_rawz(out, actor + 5); /* raw: plain text, escaped where it is written */
    } else if (strcmp(actor, "system") == 0 || strcmp(actor, "cli") == 0 || strcmp(actor, "reader") == 0 ||
               strcmp(actor, "complainant") == 0) {
        char k[48];
        snprintf(k, sizeof k, "audit.who.%s", actor);
        buf_rawz(out, T(L, k)); /* raw: plain text */
    } else {
        buf_rawz(out, actor); /* raw: plain text */
    }
}

/* The subject as words, linked to where it can be looked at. */
static void subject_html(buf_t *b, lang_t L, const char *subj)
{
    static const struct {
        const char *prefix, *key, *href;
    } kinds[] = {
        {"work:", "audit.subj.work", "/a/"},          {"notice:", "audit.subj.notice", "/mod/notices/"},
        {"report:", "audit.subj.report", "/mod/reports/"}, {"complaint:", "audit.subj.complaint", "/mod/complaints/"},
        {"user:", "audit.subj.user", "/admin/users?q="}, {"comment:", "audit.subj.comment", "/comments/"},
        {"counter:", "audit.subj.counter", NULL},     {"complainant:", "audit.subj.complainant", NULL},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t n = strlen(kinds[i].prefix);
        if (strncmp(subj, kinds[i].prefix, n) != 0 || !subj[n])
            continue;
        buf_htmlz(b, T(L, kinds[i].key));
        buf_lit(b, " ");
        if (kinds[i].href) {
            buf_lit(b, "<a href=\"");
            buf_htmlz(b, kinds[i].href);
            buf_url(b, subj + n, strlen(subj + n));
            buf_lit(b, "\">");
            buf_htmlz(b, subj + n);
            buf_lit(b, "</a>");
        } else {
            buf_htmlz(b, subj + n);
        }
        return;
    }
    buf_htmlz(b, subj);
}

/* One cell with the column's name for the stacked phone layout. */
static void cell_begin(buf_t *b, const char *label)
{
    buf_lit(b, "<td data-label=\"");
    buf_htmlz(b, label);
    buf_lit(b, "\">");
}

void audit_page(hreq_t *r)
{
    lang_t L = r->lang;
    const char *bs = rq_query(r, "before");
    long long before = 0;
    if (bs && *bs) {
        char *end;
        before = strtoll(bs, &end, 10);
        if (*end || before <= 0) {
            rs_error(r, 400, "bad_request", T(L, "err.bad_path"));
            return;
        }
    }
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "audit", T(L, "audit.title"));
    buf_lit(&b, "<p>");
    buf_htmlz(&b, T(L, "audit.intro"));
    buf_lit(&b, "</p>\n<table class=\"admin audit-log\"><thead><tr><th>#</th><th>");
    buf_htmlz(&b, T(L, "sor.when"));
    buf_lit(&b, "</th><th>");
    buf_htmlz(&b, T(L, "audit.actor"));
    buf_lit(&b, "</th><th>");
    buf_htmlz(&b, T(L, "audit.action"));
    buf_lit(&b, "</th><th>");
    buf_htmlz(&b, T(L, "audit.subject"));
    buf_lit(&b, "</th><th>");
    buf_htmlz(&b, T(L, "audit.detail"));
    buf_lit(&b, "</th></tr></thead><tbody>\n");
    db_stmt_t *st = db_prepare(r->db, "SELECT id, at, actor, action, subject, detail FROM audit_log "
                                      "WHERE (:b = 0 OR id < :b) ORDER BY id DESC LIMIT 100");
    db_bind_int(st, ":b", before);
    int64_t last = 0;
    int n = 0;
    while (db_step(st) == DB_ROW) {
        last = db_col_int(st, 0);
        n++;
        const char *action = db_col_text(st, 3);
        buf_hprintf(&b, "<tr data-id=\"%lld\" data-action=\"%s\">", (long long)last, action);
        cell_begin(&b, "#");
        buf_hprintf(&b, "%lld</td>", (long long)last);
        cell_begin(&b, T(L, "sor.when"));
        page_time(&b, db_col_int(st, 1));
        buf_lit(&b, "</td>");
        cell_begin(&b, T(L, "audit.actor"));
        buf_t who = BUF_INIT;
        audit_actor_text(&who, L, db_col_text(st, 2));
        buf_html(&b, who.p, who.len);
        buf_free(&who);
        buf_lit(&b, "</td>");
        /* The action in words; an action this table does not know yet
         * (a newer module's) is shown as recorded. */
        cell_begin(&b, T(L, "audit.action"));
        char k[80];
        snprintf(k, sizeof k, "audit.a.%s", action);
        const char *w = T(L, k);
        if (w == k)
            buf_hprintf(&b, "<code>%s</code>", action);
        else
            buf_htmlz(&b, w);
        buf_lit(&b, "</td>");
        cell_begin(&b, T(L, "audit.subject"));
        subject_html(&b, L, db_col_text(st, 4));
        buf_lit(&b, "</td>");
        cell_begin(&b, T(L, "audit.detail"));
        buf_htmlz(&b, db_col_text(st, 5));
        buf_lit(&b, "</td></tr>\n");
    }
    db_done(st);
    buf_lit(&b, "</tbody></table>\n");
    if (n == 100 && last > 1)
        buf_hprintf(&b, "<nav class=\"pager\"><a rel=\"next\" href=\"/admin/audit?before=%lld\">%s →</a></nav>\n",
                    (long long)last, T(L, "pages.older"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
}
