/*
 * moderation.c — see moderation.h.
 */
#include "site/trust/moderation.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "http/server.h"
#include "site/trust/audit.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/trust/notice.h"
#include "site/trust/takedown.h"
#include "site/works/work.h"

#define TEXT_MAX_CHARS 5000

int mod_text_ok(const char *s)
{
    return !text_blank(s) && text_valid(s, strlen(s)) && text_chars(s, strlen(s)) <= TEXT_MAX_CHARS;
}

int64_t mod_path_id(hreq_t *r)
{
    char *end;
    long long v = strtoll(rq_param(r, 0), &end, 10);
    return (*end || v <= 0) ? 0 : v;
}

db_stmt_t *mod_case_row(hreq_t *r, const char *sql, int64_t *id)
{
    *id = mod_path_id(r);
    db_stmt_t *st = db_prepare(r->db, sql);
    db_bind_int(st, ":id", *id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return NULL;
    }
    return st;
}

void mod_actor(hreq_t *r, char out[64])
{
    snprintf(out, 64, "user:%s", r->user.handle);
}


/* ---- the moderator queue ---- */

void mod_age(hreq_t *r, buf_t *b, int64_t t)
{
    int64_t d = clock_now() - t;
    if (d < 3600)
        buf_printf(b, r->lang == LANG_EN ? "%lld min" : "%lld 分钟", (long long)(d / 60));
    else if (d < 86400)
        buf_printf(b, r->lang == LANG_EN ? "%lld h" : "%lld 小时", (long long)(d / 3600));
    else
        buf_printf(b, r->lang == LANG_EN ? "%lld d" : "%lld 天", (long long)(d / 86400));
}

/* Open one list of the queue: its heading (title_key) and <ol id=id>. */
static void queue_begin(hreq_t *r, buf_t *b, const char *title_key, const char *id)
{
    buf_lit(b, "<h2>");
    buf_htmlz(b, T(r->lang, title_key));
    buf_lit(b, "</h2><ol class=\"queue\" id=\"");
    buf_htmlz(b, id);
    buf_lit(b, "\">");
}

/* How long a queue item has waited since t, as text ("3 h"). */
static void queue_age(hreq_t *r, buf_t *b, int64_t t)
{
    buf_t age = BUF_INIT;
    mod_age(r, &age, t);
    buf_htmlz(b, buf_cstr(&age));
    buf_free(&age);
}

/* GET /mod — pending notices, open reports (severity, then oldest first),
 * open complaints. */
void mod_queue(hreq_t *r)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "mod", T(L, "mod.title"));
    if (rq_query(r, "done"))
        fk_ok(&b, T(L, "mod.decided"));

    queue_begin(r, &b, "mod.notices", "queue-notices");
    db_stmt_t *st = db_prepare(r->db, "SELECT id, right_claimed, created_at FROM notices WHERE status = 'pending' "
                                      "ORDER BY created_at, id LIMIT 200");
    while (db_step(st) == DB_ROW) {
        buf_printf(&b, "<li data-notice=\"%lld\"><a href=\"/mod/notices/%lld\">%s %lld</a> · ",
                   (long long)db_col_int(st, 0), (long long)db_col_int(st, 0), T(L, "notice.number"),
                   (long long)db_col_int(st, 0));
        buf_t t = BUF_INIT;
        work_excerpt(db_col_text(st, 1), 60, &t);
        buf_htmlz(&b, buf_cstr(&t));
        buf_free(&t);
        buf_lit(&b, " · ");
        queue_age(r, &b, db_col_int(st, 2));
        buf_lit(&b, "</li>");
    }
    db_done(st);
    buf_lit(&b, "</ol>\n");
    queue_begin(r, &b, "mod.reports", "queue-reports");
    st = db_prepare(r->db, "SELECT r.id, r.ground, r.created_at, w.title FROM reports r JOIN works w ON w.id = r.work_id "
                           "WHERE r.status = 'open' ORDER BY r.severity, r.created_at, r.id LIMIT 200");
    while (db_step(st) == DB_ROW) {
        char k[48];
        snprintf(k, sizeof k, "ground.%s", db_col_text(st, 1));
        buf_printf(&b, "<li data-report=\"%lld\" data-ground=\"%s\"><a href=\"/mod/reports/%lld\">%s %lld</a> · ",
                   (long long)db_col_int(st, 0), db_col_text(st, 1), (long long)db_col_int(st, 0),
                   T(L, "report.number"), (long long)db_col_int(st, 0));
        buf_htmlz(&b, T(L, k));
        buf_lit(&b, " · ");
        buf_htmlz(&b, db_col_text(st, 3));
        buf_lit(&b, " · ");
        queue_age(r, &b, db_col_int(st, 2));
        buf_lit(&b, "</li>");
    }
    db_done(st);
    buf_lit(&b, "</ol>\n");
    queue_begin(r, &b, "mod.reviews", "queue-reviews");
    st = db_prepare(r->db, "SELECT v.work_id, w.title, v.requested_at FROM reviews v JOIN works w ON w.id = v.work_id "
                           "WHERE v.status = 'pending' ORDER BY v.requested_at, v.work_id LIMIT 200");
    while (db_step(st) == DB_ROW) {
        buf_printf(&b, "<li data-review=\"%s\"><a href=\"/mod/reviews/%s\">", db_col_text(st, 0), db_col_text(st, 0));
        buf_htmlz(&b, db_col_text(st, 1));
        buf_lit(&b, "</a> · ");
        queue_age(r, &b, db_col_int(st, 2));
        buf_lit(&b, "</li>");
    }
    db_done(st);
    buf_lit(&b, "</ol>\n");
    queue_begin(r, &b, "mod.complaints", "queue-complaints");
    st = db_prepare(r->db, "SELECT k.id, w.title, k.created_at FROM complaints k JOIN takedowns t ON t.id = k.takedown_id "
                           "JOIN works w ON w.id = t.work_id WHERE k.status = 'open' ORDER BY k.created_at, k.id LIMIT 200");
    while (db_step(st) == DB_ROW) {
        buf_printf(&b, "<li data-complaint=\"%lld\"><a href=\"/mod/complaints/%lld\">%s %lld</a> · ",
                   (long long)db_col_int(st, 0), (long long)db_col_int(st, 0), T(L, "complaint.title"),
                   (long long)db_col_int(st, 0));
        buf_htmlz(&b, db_col_text(st, 1));
        buf_lit(&b, "</li>");
    }
    db_done(st);
    buf_lit(&b, "</ol></section>\n");
    page_send(r, &b, 200);
}

/* The work in one view: title, link, excerpt, removals and earlier reports. */
void mod_work_panel(hreq_t *r, buf_t *b, const char *work_id, int64_t except_report)
{
    lang_t L = r->lang;
    work_t w;
    if (work_get(r->db, work_id, &w) == 1) {
        char k[48];
        snprintf(k, sizeof k, "work.status.%s", w.status);
        buf_printf(b, "<section class=\"mod-work\" data-work=\"%s\"><h2><a href=\"/a/%s\">", w.id, w.id);
        buf_htmlz(b, w.title);
        buf_lit(b, "</a></h2><p class=\"meta\">@");
        buf_htmlz(b, w.author_handle);
        buf_lit(b, " · ");
        buf_htmlz(b, T(L, k));
        buf_lit(b, "</p><blockquote>");
        buf_t ex = BUF_INIT;
        work_excerpt(w.body, 300, &ex);
        buf_htmlz(b, buf_cstr(&ex));
        buf_free(&ex);
        buf_lit(b, "</blockquote></section>\n");
        work_free(&w);
    }
    buf_lit(b, "<h3>");
    buf_htmlz(b, T(L, "mod.history"));
    buf_lit(b, "</h3><ul class=\"history\">");
    db_stmt_t *st = db_prepare(r->db, "SELECT id, ground, reason, status, created_at FROM takedowns WHERE work_id = :w "
                                      "ORDER BY id");
    db_bind_text(st, ":w", work_id);
    while (db_step(st) == DB_ROW) {
        buf_t t = BUF_INIT;
        page_time(&t, db_col_int(st, 4));
        buf_printf(b, "<li>#%lld · ", (long long)db_col_int(st, 0));
        buf_htmlz(b, buf_cstr(&t));
        buf_lit(b, " · ");
        buf_htmlz(b, db_col_text(st, 1));
        buf_lit(b, " · ");
        buf_htmlz(b, db_col_text(st, 3));
        buf_lit(b, " · ");
        buf_htmlz(b, db_col_text(st, 2));
        buf_lit(b, "</li>");
        buf_free(&t);
    }
    db_done(st);
    buf_lit(b, "</ul><h3>");
    buf_htmlz(b, T(L, "mod.earlier_reports"));
    buf_lit(b, "</h3><ul class=\"earlier-reports\">");
    st = db_prepare(r->db, "SELECT id, ground, explanation, status FROM reports WHERE work_id = :w AND id <> :x "
                           "ORDER BY id");
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":x", except_report);
    while (db_step(st) == DB_ROW) {
        buf_printf(b, "<li data-report=\"%lld\">#%lld · ", (long long)db_col_int(st, 0), (long long)db_col_int(st, 0));
        buf_htmlz(b, db_col_text(st, 1));
        buf_lit(b, " · ");
        buf_htmlz(b, db_col_text(st, 3));
        buf_lit(b, " · ");
        buf_htmlz(b, db_col_text(st, 2));
        buf_lit(b, "</li>");
    }
    db_done(st);
    buf_lit(b, "</ul>\n");
}

/* The decision form: a required written reason, then decision=uphold
 * (yes_key) or decision=reject (no_key), posted to action. */
static void mod_decision_form(hreq_t *r, buf_t *b, const char *action, const char *yes_key, const char *no_key)
{
    lang_t L = r->lang;
    buf_lit(b, "<form method=\"post\" action=\"");
    buf_htmlz(b, action);
    buf_lit(b, "\" class=\"stack decision\">");
    page_csrf_field(r, b);
    fk_textarea(b, T(L, "mod.reason"), "reason", NULL, 3, 1);
    buf_lit(b, "<p><button type=\"submit\" name=\"decision\" value=\"uphold\">");
    buf_htmlz(b, T(L, yes_key));
    buf_lit(b, "</button> <button type=\"submit\" name=\"decision\" value=\"reject\">");
    buf_htmlz(b, T(L, no_key));
    buf_lit(b, "</button></p></form>\n");
}

/* Read decision and reason; answers 422 and returns -1 when unusable. */
static int mod_read_decision(hreq_t *r, form_t *f, int *uphold, const char **reason)
{
    rq_form(r, f);
    const char *d = form_get(f, "decision");
    *reason = form_get(f, "reason");
    if (!d || (strcmp(d, "uphold") != 0 && strcmp(d, "reject") != 0)) {
        rs_error(r, 422, "invalid", T(r->lang, "mod.err.decision"));
        return -1;
    }
    if (!mod_text_ok(*reason)) {
        rs_error(r, 422, "invalid", T(r->lang, "mod.err.reason"));
        return -1;
    }
    *uphold = strcmp(d, "uphold") == 0;
    return 0;
}

void mod_view_end(hreq_t *r, buf_t *b, int open, const char *yes_key, const char *no_key, const char *action_fmt,
                  ...)
{
    if (open) {
        char action[96];
        va_list ap;
        va_start(ap, action_fmt);
        vsnprintf(action, sizeof action, action_fmt, ap);
        va_end(ap);
        mod_decision_form(r, b, action, yes_key, no_key);
    }
    buf_lit(b, "</section>\n");
    page_send(r, b, 200);
}

int mod_decision_begin(hreq_t *r, form_t *f, int *uphold, const char **reason, char actor[64])
{
    if (mod_read_decision(r, f, uphold, reason) < 0)
        return -1;
    mod_actor(r, actor);
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return -1;
    }
    return 0;
}

void mod_decision_end(hreq_t *r, int ok, int content_changed)
{
    if (!ok || db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    if (content_changed)
        server_content_changed();
    rs_redirect(r, 303, "/mod?done=1");
}

/* GET /mod/notices/:id — a notice in full with the works it names. */
void mod_notice(hreq_t *r)
{
    lang_t L = r->lang;
    int64_t id;
    db_stmt_t *st = mod_case_row(r, "SELECT name, contact, address, right_claimed, original, proof, signature, "
                                 "status, reason FROM notices WHERE id = :id", &id);
    if (!st)
        return;
    buf_t b = BUF_INIT;
    page_section_numbered(r, &b, "mod-notice", "notice.number", id);
    buf_printf(&b, "<dl data-status=\"%s\">", db_col_text(st, 7));
    static const char *const labels[] = {"notice.name", "notice.contact", "notice.address", "notice.right",
                                         "notice.original", "notice.proof", "notice.signature"};
    for (int i = 0; i < 7; i++)
        fk_dt_dd(&b, T(L, labels[i]), db_col_text(st, i));
    char k[48];
    snprintf(k, sizeof k, "notice.status.%s", db_col_text(st, 7));
    fk_dt_dd(&b, T(L, "notice.state"), T(L, k));
    int pending = strcmp(db_col_text(st, 7), "pending") == 0;
    db_done(st);
    st = db_prepare(r->db, "SELECT name, bytes FROM notice_files WHERE notice_id = :id");
    db_bind_int(st, ":id", id);
    if (db_step(st) == DB_ROW) {
        buf_lit(&b, "<dt>");
        buf_htmlz(&b, T(L, "notice.proof_file"));
        buf_printf(&b, "</dt><dd><a class=\"proof-file\" href=\"/mod/notices/%lld/proof\">", (long long)id);
        buf_htmlz(&b, db_col_text(st, 0));
        buf_printf(&b, "</a> (%lld bytes)</dd>", (long long)db_col_int(st, 1));
    }
    db_done(st);
    buf_lit(&b, "</dl>\n");
    st = db_prepare(r->db, "SELECT work_id FROM notice_works WHERE notice_id = :id ORDER BY work_id");
    db_bind_int(st, ":id", id);
    char ids[20][WORK_ID_LEN + 1];
    int n = 0;
    while (db_step(st) == DB_ROW && n < 20)
        snprintf(ids[n++], WORK_ID_LEN + 1, "%s", db_col_text(st, 0));
    db_done(st);
    for (int i = 0; i < n; i++)
        mod_work_panel(r, &b, ids[i], 0);
    mod_view_end(r, &b, pending, "mod.takedown", "mod.reject", "/mod/notices/%lld", (long long)id);
}

/* POST /mod/notices/:id — decision=uphold|reject, reason. */
void mod_notice_post(hreq_t *r)
{
    form_t f;
    int uphold;
    const char *reason;
    if (mod_read_decision(r, &f, &uphold, &reason) < 0)
        return;
    char actor[64];
    mod_actor(r, actor);
    const char *key;
    int status;
    if (notice_decide(r->db, mod_path_id(r), uphold, reason, actor, &key, &status) < 0) {
        rs_error(r, status,
                 status == 409 ? "already_decided" : status == 404 ? "not_found" : status == 422 ? "invalid" : "internal",
                 T(r->lang, key));
        return;
    }
    rs_redirect(r, 303, "/mod?done=1");
}

/* GET /mod/reports/:id — the report with the work, its history and the
 * earlier reports on it. */
void mod_report(hreq_t *r)
{
    lang_t L = r->lang;
    int64_t id;
    db_stmt_t *st = mod_case_row(r, "SELECT work_id, ground, explanation, status, reason, created_at FROM reports "
                                 "WHERE id = :id", &id);
    if (!st)
        return;
    char work_id[WORK_ID_LEN + 1];
    snprintf(work_id, sizeof work_id, "%s", db_col_text(st, 0));
    buf_t b = BUF_INIT;
    page_section_numbered(r, &b, "mod-report", "report.number", id);
    buf_printf(&b, "<dl data-status=\"%s\">", db_col_text(st, 3));
    char k[48];
    snprintf(k, sizeof k, "ground.%s", db_col_text(st, 1));
    fk_dt_dd(&b, T(L, "report.ground"), T(L, k));
    fk_dt_dd(&b, T(L, "report.explanation"), db_col_text(st, 2));
    snprintf(k, sizeof k, "report.status.%s", db_col_text(st, 3));
    fk_dt_dd(&b, T(L, "notice.state"), T(L, k));
    int open = strcmp(db_col_text(st, 3), "open") == 0;
    db_done(st);
    buf_lit(&b, "</dl>\n");
    mod_work_panel(r, &b, work_id, id);
    mod_view_end(r, &b, open, "mod.takedown", "mod.dismiss", "/mod/reports/%lld", (long long)id);
}

/* POST /mod/reports/:id — decision=uphold (take the work down) | reject
 * (dismiss), reason (shown to the reporter and, on removal, the creator). */
void mod_report_post(hreq_t *r)
{
    form_t f;
    int uphold;
    const char *reason;
    char actor[64];
    if (mod_decision_begin(r, &f, &uphold, &reason, actor) < 0)
        return;
    int64_t id = mod_path_id(r);
    db_stmt_t *st = db_prepare(r->db, "SELECT work_id, ground FROM reports WHERE id = :id AND status = 'open'");
    db_bind_int(st, ":id", id);
    char work_id[WORK_ID_LEN + 1] = "", ground[32] = "";
    if (db_step(st) == DB_ROW) {
        snprintf(work_id, sizeof work_id, "%s", db_col_text(st, 0));
        snprintf(ground, sizeof ground, "%s", db_col_text(st, 1));
    }
    db_done(st);
    if (!*work_id) {
        db_rollback(r->db);
        rs_error(r, 409, "already_decided", T(r->lang, "mod.err.decided"));
        return;
    }
    st = db_prepare(r->db, "UPDATE reports SET status = :s, reason = :r, decided_at = :t, decided_by = :u WHERE id = :id");
    db_bind_text(st, ":s", uphold ? "upheld" : "dismissed");
    db_bind_text(st, ":r", reason);
    db_bind_int(st, ":t", clock_now());
    db_bind_int(st, ":u", r->user.id);
    db_bind_int(st, ":id", id);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    char subj[48];
    snprintf(subj, sizeof subj, "report:%lld", (long long)id);
    ok = ok && audit_appendf(r->db, actor, uphold ? "report.uphold" : "report.dismiss", subj, "%s", reason) == 0;
    if (ok && uphold)
        ok = takedown_work(r->db, work_id, 0, id, ground, reason, 0, actor) >= 0;
    if (ok)
        ok = audit_appendf(r->db, "system", "report.forward", subj, "outcome shown to the reporter on the receipt "
                           "page") == 0;
    mod_decision_end(r, ok, uphold);
}

/* GET /mod/complaints/:id */
void mod_complaint(hreq_t *r)
{
    lang_t L = r->lang;
    int64_t id;
    db_stmt_t *st = mod_case_row(r, "SELECT k.text, k.status, t.work_id, t.reason, t.actor FROM complaints k "
                                 "JOIN takedowns t ON t.id = k.takedown_id WHERE k.id = :id", &id);
    if (!st)
        return;
    char work_id[WORK_ID_LEN + 1];
    snprintf(work_id, sizeof work_id, "%s", db_col_text(st, 2));
    buf_t b = BUF_INIT;
    page_section_numbered(r, &b, "mod-complaint", "complaint.title", id);
    buf_printf(&b, "<dl data-status=\"%s\">", db_col_text(st, 1));
    fk_dt_dd(&b, T(L, "complaint.text"), db_col_text(st, 0));
    fk_dt_dd(&b, T(L, "sor.reason"), db_col_text(st, 3));
    fk_dt_dd(&b, T(L, "mod.decided_by"), db_col_text(st, 4));
    int open = strcmp(db_col_text(st, 1), "open") == 0;
    db_done(st);
    buf_lit(&b, "</dl>\n");
    mod_work_panel(r, &b, work_id, 0);
    mod_view_end(r, &b, open, "complaint.restore", "complaint.keep", "/mod/complaints/%lld", (long long)id);
}

/* GET /mod/reviews/:id — a work waiting for review before publication. */
void mod_review(hreq_t *r)
{
    lang_t L = r->lang;
    const char *id = rq_param(r, 0);
    db_stmt_t *st = db_prepare(r->db, "SELECT status, rev FROM reviews WHERE work_id = :w");
    db_bind_text(st, ":w", id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        rs_error(r, 404, "not_found", T(L, "err.not_found"));
        return;
    }
    int pending = strcmp(db_col_text(st, 0), "pending") == 0;
    buf_t b = BUF_INIT;
    page_meta_t m = {.noindex = 1};
    page_begin(r, &b, T(L, "review.title"), &m);
    buf_printf(&b, "<section class=\"mod-review\" data-status=\"%s\"><h1 class=\"page-title\">", db_col_text(st, 0));
    db_done(st);
    buf_htmlz(&b, T(L, "review.title"));
    buf_lit(&b, "</h1>\n");
    mod_work_panel(r, &b, id, 0);
    mod_view_end(r, &b, pending, "review.approve", "review.reject", "/mod/reviews/%s", id);
}
