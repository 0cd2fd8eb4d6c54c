/*
 * removed.c — see removed.h. Owned by the trust pages (issue 18, item 4).
 * Loop thread only; reads, never writes.
 */
#include "site/trust/removed.h"

#include <stdio.h>
#include <string.h>

#include "site/formkit.h"
#include "site/layout.h"

void removed_clause(buf_t *out, const char *text)
{
    size_t n = strlen(text);
    for (;;) {
        while (n && (text[n - 1] == ' ' || text[n - 1] == '\n' || text[n - 1] == '\t' || text[n - 1] == '.' ||
                     text[n - 1] == '!' || text[n - 1] == '?' || text[n - 1] == ';'))
            n--;
        /* The full-width stops are three bytes each in UTF-8. */
        static const char *const wide[] = {"。", "！", "？", "；", "，"};
        int cut = 0;
        for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++) {
            size_t l = strlen(wide[i]);
            if (n >= l && memcmp(text + n - l, wide[i], l) == 0) {
                n -= l;
                cut = 1;
                break;
            }
        }
        if (!cut)
            break;
    }
    buf_raw(out, text, n); /* raw: plain text, escaped where it is written */
}

/* The ground in words ("ground.CODE"), the code itself when unknown. */
static const char *ground_words(lang_t L, const char *code)
{
    char k[48];
    snprintf(k, sizeof k, "ground.%s", code);
    const char *w = T(L, k);
    return w == k ? code : w;
}

/* A <dt>/<dd> pair whose value is a clause without its end stop. */
static void fact(buf_t *b, const char *label, const char *value)
{
    buf_lit(b, "<dt>");
    buf_htmlz(b, label);
    buf_lit(b, "</dt><dd>");
    buf_t c = BUF_INIT;
    removed_clause(&c, value);
    buf_html(b, c.p, c.len);
    buf_free(&c);
    buf_lit(b, "</dd>");
}

void removed_page(hreq_t *r, const char *work_id, const char *title, const char *author_handle)
{
    lang_t L = r->lang;
    db_stmt_t *st = db_prepare(r->db, "SELECT t.id, coalesce(t.notice_id, 0), coalesce(t.report_id, 0), t.ground, "
                                      "t.reason, t.automated, t.created_at, coalesce(n.right_claimed, '') "
                                      "FROM takedowns t LEFT JOIN notices n ON n.id = t.notice_id "
                                      "WHERE t.work_id = :w AND t.status = 'active' AND t.comment_id IS NULL "
                                      "ORDER BY t.id DESC LIMIT 1");
    db_bind_text(st, ":w", work_id);
    int found = db_step(st) == DB_ROW;

    buf_t b = BUF_INIT, t = BUF_INIT;
    /* The tab's title names the work: "已移除:《标题》". */
    buf_printf(&t, L == LANG_EN ? "Removed: “%s”" : "已移除:《%s》", title); /* raw: plain text, escaped by page_begin */
    page_meta_t m = {.noindex = 1};
    page_begin(r, &b, buf_cstr(&t), &m);
    buf_free(&t);
    buf_hprintf(&b, "<section class=\"removed\" data-work=\"%s\"><h1 class=\"page-title\">%s</h1>\n", work_id,
                T(L, "removed.title"));

    /* The lead: which work, by whom, on what. */
    buf_lit(&b, "<p class=\"removed-lead\">");
    buf_hprintf(&b, L == LANG_EN ? "“<cite>%s</cite>” by @%s " : "《<cite>%s</cite>》(作者 @%s)", title, author_handle);
    int64_t td = 0, nid = 0, rid = 0;
    if (found) {
        td = db_col_int(st, 0);
        nid = db_col_int(st, 1);
        rid = db_col_int(st, 2);
    }
    if (nid)
        buf_hprintf(&b, L == LANG_EN ? "was removed after rights-holder notice %lld." : "已根据第 %lld 号权利人通知被移除。",
                    (long long)nid);
    else if (rid)
        buf_hprintf(&b, L == LANG_EN ? "was removed by a moderator's decision on report %lld."
                                     : "已根据审核员对第 %lld 号举报的决定被移除。",
                    (long long)rid);
    else
        buf_htmlz(&b, L == LANG_EN ? "was removed." : "已被移除。");
    buf_lit(&b, "</p>\n");

    if (found) {
        buf_lit(&b, "<dl class=\"removed-facts\">");
        fact(&b, T(L, "sor.ground"), ground_words(L, db_col_text(st, 3)));
        if (nid && *db_col_text(st, 7))
            fact(&b, T(L, "removed.right"), db_col_text(st, 7));
        /* An automated removal's stored reason is a fixed bilingual line:
         * say it in the reader's language instead. */
        fact(&b, T(L, "sor.reason"), db_col_int(st, 5) ? T(L, "sor.automated_yes") : db_col_text(st, 4));
        buf_lit(&b, "<dt>");
        buf_htmlz(&b, T(L, "removed.when"));
        buf_lit(&b, "</dt><dd>");
        page_time(&b, db_col_int(st, 6));
        buf_lit(&b, "</dd></dl>\n");
    }
    db_done(st);

    /* What the creator can do, and where. */
    buf_lit(&b, "<h2>");
    buf_htmlz(&b, T(L, "removed.creator_title"));
    buf_lit(&b, "</h2>\n<p>");
    if (nid) {
        buf_htmlz(&b, T(L, "removed.creator_counter"));
        buf_hprintf(&b, "</p>\n<p class=\"actions\"><a class=\"button\" href=\"/studio/notices/%lld/counter\">%s</a> ",
                    (long long)td, T(L, "counter.file"));
    } else if (found) {
        buf_htmlz(&b, T(L, "removed.creator_complaint"));
        buf_hprintf(&b, "</p>\n<p class=\"actions\"><a class=\"button\" href=\"/studio/notices/%lld/complaint\">%s</a> ",
                    (long long)td, T(L, "complaint.file"));
    } else {
        buf_htmlz(&b, T(L, "removed.creator_studio"));
        buf_lit(&b, "</p>\n<p class=\"actions\">");
    }
    buf_hprintf(&b, "<a href=\"/studio/notices\">%s</a></p>\n", T(L, "removed.studio_link"));

    buf_lit(&b, "<h2>");
    buf_htmlz(&b, T(L, "removed.reader_title"));
    buf_lit(&b, "</h2>\n<p>");
    buf_htmlz(&b, T(L, "removed.reader_text"));
    buf_hprintf(&b, " <a href=\"/transparency\">%s</a></p>\n", T(L, "site.transparency"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 451);
}

void removed_case_facts(hreq_t *r, buf_t *b, int64_t td)
{
    lang_t L = r->lang;
    db_stmt_t *st = db_prepare(r->db, "SELECT w.id, w.title, coalesce(t.notice_id, 0), coalesce(t.report_id, 0), "
                                      "t.ground, t.created_at, t.reason, t.automated FROM takedowns t "
                                      "JOIN works w ON w.id = t.work_id WHERE t.id = :td");
    db_bind_int(st, ":td", td);
    if (db_step(st) == DB_ROW) {
        buf_lit(b, "<dl class=\"case-facts\"><dt>");
        buf_htmlz(b, T(L, "counter.work"));
        buf_hprintf(b, "</dt><dd><a href=\"/studio/%s\">", db_col_text(st, 0));
        buf_htmlz(b, db_col_text(st, 1));
        buf_lit(b, "</a></dd><dt>");
        buf_htmlz(b, T(L, "counter.removed_on"));
        buf_lit(b, "</dt><dd>");
        if (db_col_int(st, 2))
            buf_hprintf(b, "%s %lld · ", T(L, "notice.number"), (long long)db_col_int(st, 2));
        else if (db_col_int(st, 3))
            buf_hprintf(b, "%s %lld · ", T(L, "report.number"), (long long)db_col_int(st, 3));
        buf_htmlz(b, ground_words(L, db_col_text(st, 4)));
        buf_lit(b, " · ");
        page_time(b, db_col_int(st, 5));
        buf_lit(b, "</dd>");
        fact(b, T(L, "sor.reason"), db_col_int(st, 7) ? T(L, "sor.automated_yes") : db_col_text(st, 6));
        buf_lit(b, "</dl>\n");
    }
    db_done(st);
}
