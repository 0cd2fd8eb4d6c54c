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
#include "site/formkit.h"
#include "site/layout.h"
#include "site/trust/audit.h"
#include "site/trust/complaint.h"
#include "site/trust/notice.h"
#include "site/trust/report.h"
#include "site/trust/review.h"
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

/* The case in the path for a moderator view: runs sql (one :id parameter,
 * bound to the path id, also stored in *id) and returns it on its row; the
 * caller reads it and calls db_done. NULL after answering 404 when there is
 * no such case. */
static db_stmt_t *mod_case_row(hreq_t *r, const char *sql, int64_t *id)
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

/* "3 h" since t. */
static void mod_age(hreq_t *r, buf_t *b, int64_t t)
{
    int64_t d = clock_now() - t;
    if (d < 3600)
        buf_printf(b, r->lang == LANG_EN ? "%lld min" : "%lld 分钟", (long long)(d / 60)); /* raw: text */
    else if (d < 86400)
        buf_printf(b, r->lang == LANG_EN ? "%lld h" : "%lld 小时", (long long)(d / 3600)); /* raw: text */
    else
        buf_printf(b, r->lang == LANG_EN ? "%lld d" : "%lld 天", (long long)(d / 86400)); /* raw: text */
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
    /* Held comments have a queue of their own (audience/comment_page.c). */
    buf_hprintf(&b, "<p class=\"mod-comments\"><a href=\"/mod/comments\">%s</a></p>\n", T(L, "comments.mod_title"));

    queue_begin(r, &b, "mod.notices", "queue-notices");
    db_stmt_t *st = db_prepare(r->db, "SELECT id, right_claimed, created_at FROM notices WHERE status = 'pending' "
                                      "AND confirm <> 'unconfirmed' ORDER BY created_at, id LIMIT 200");
    while (db_step(st) == DB_ROW) {
        buf_hprintf(&b, "<li data-notice=\"%lld\"><a href=\"/mod/notices/%lld\">%s %lld</a> · ",
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
    st = db_prepare(r->db, "SELECT r.id, r.ground, r.created_at, w.title, r.comment_id FROM reports r "
                           "JOIN works w ON w.id = r.work_id "
                           "WHERE r.status = 'open' ORDER BY r.severity, r.created_at, r.id LIMIT 200");
    while (db_step(st) == DB_ROW) {
        char k[48];
        snprintf(k, sizeof k, "ground.%s", db_col_text(st, 1));
        buf_hprintf(&b, "<li data-report=\"%lld\" data-ground=\"%s\"><a href=\"/mod/reports/%lld\">%s %lld</a> · ",
                    (long long)db_col_int(st, 0), db_col_text(st, 1), (long long)db_col_int(st, 0),
                    T(L, "report.number"), (long long)db_col_int(st, 0));
        buf_htmlz(&b, T(L, k));
        buf_lit(&b, " · ");
        if (db_col_int(st, 4)) /* a report on a comment */
            buf_hprintf(&b, "%s %lld · ", T(L, "report.comment"), (long long)db_col_int(st, 4));
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
        buf_hprintf(&b, "<li data-review=\"%s\"><a href=\"/mod/reviews/%s\">", db_col_text(st, 0), db_col_text(st, 0));
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
        buf_hprintf(&b, "<li data-complaint=\"%lld\"><a href=\"/mod/complaints/%lld\">%s %lld</a> · ",
                    (long long)db_col_int(st, 0), (long long)db_col_int(st, 0), T(L, "complaint.title"),
                    (long long)db_col_int(st, 0));
        buf_htmlz(&b, db_col_text(st, 1));
        buf_lit(&b, "</li>");
    }
    db_done(st);
    buf_lit(&b, "</ol></section>\n");
    page_send(r, &b, 200);
}

/* ---- one case ---- */

/* A code in words: T(prefix + code), the code itself when unknown. */
static const char *words(lang_t L, const char *prefix, const char *code, char *k, size_t ksize)
{
    snprintf(k, ksize, "%s%s", prefix, code);
    const char *w = T(L, k);
    return w == k ? code : w;
}

/* The originality evidence: the earlier works by others that work_id
 * overlaps, as hao computed when it was published (provenance.h), with the
 * share and the side-by-side comparison. Nothing when there is none. */
static void mod_overlap(hreq_t *r, buf_t *b, const work_t *w)
{
    lang_t L = r->lang;
    const provenance_t *p = &w->prov; /* loaded by work_get */
    if (p->nsimilar == 0)
        return;
    buf_lit(b, "<h3>");
    buf_htmlz(b, T(L, "mod.overlap"));
    buf_lit(b, "</h3><ul class=\"overlap\">");
    for (int i = 0; i < p->nsimilar; i++) {
        work_t o;
        int have = work_get(r->db, p->similar[i].id, &o) == 1;
        buf_hprintf(b, "<li data-other=\"%s\"><a href=\"/a/%s\">", p->similar[i].id, p->similar[i].id);
        buf_htmlz(b, have ? o.title : p->similar[i].id);
        buf_lit(b, "</a>");
        if (have) {
            buf_lit(b, " · @");
            buf_htmlz(b, o.author_handle);
            work_free(&o);
        }
        buf_hprintf(b, " · <span class=\"overlap-score\">%s %d%%</span></li>", T(L, "prov.score"),
                    (p->similar[i].score + 5) / 10);
    }
    buf_hprintf(b, "</ul><p><a href=\"/mod/originality/%s\">%s</a></p>\n", w->id, T(L, "mod.overlap_compare"));
}

/* The work in one view: title, link, author, state, excerpt; then the
 * evidence: the overlap hao computed, its removals, the other notices
 * naming it (but except_notice) and the reports on it (but except_report),
 * each in words. */
static void mod_work_panel_x(hreq_t *r, buf_t *b, const char *work_id, int64_t except_notice, int64_t except_report)
{
    lang_t L = r->lang;
    char k[64];
    work_t w;
    int have = work_get(r->db, work_id, &w) == 1;
    if (have) {
        buf_hprintf(b, "<section class=\"mod-work\" data-work=\"%s\"><h2><a href=\"/a/%s\">", w.id, w.id);
        buf_htmlz(b, w.title);
        buf_lit(b, "</a></h2><p class=\"meta\">@");
        buf_htmlz(b, w.author_handle);
        buf_lit(b, " · ");
        buf_htmlz(b, words(L, "work.status.", w.status, k, sizeof k));
        buf_lit(b, "</p><blockquote>");
        buf_t ex = BUF_INIT;
        work_excerpt(w.body, 300, &ex);
        buf_htmlz(b, buf_cstr(&ex));
        buf_free(&ex);
        buf_lit(b, "</blockquote></section>\n");
    }
    buf_lit(b, "<section class=\"evidence\"><h2>");
    buf_htmlz(b, T(L, "mod.evidence"));
    buf_lit(b, "</h2>\n");
    if (have) {
        mod_overlap(r, b, &w);
        work_free(&w);
    }
    buf_lit(b, "<h3>");
    buf_htmlz(b, T(L, "mod.history"));
    buf_lit(b, "</h3><ul class=\"history\">");
    db_stmt_t *st = db_prepare(r->db, "SELECT id, ground, reason, status, created_at, automated FROM takedowns "
                                      "WHERE work_id = :w AND comment_id IS NULL ORDER BY id");
    db_bind_text(st, ":w", work_id);
    int n = 0;
    while (db_step(st) == DB_ROW) {
        n++;
        buf_hprintf(b, "<li data-takedown=\"%lld\">", (long long)db_col_int(st, 0));
        page_time(b, db_col_int(st, 4));
        buf_lit(b, " · ");
        buf_htmlz(b, words(L, "ground.", db_col_text(st, 1), k, sizeof k));
        buf_lit(b, " · ");
        buf_htmlz(b, words(L, "takedown.status.", db_col_text(st, 3), k, sizeof k));
        buf_lit(b, " · ");
        buf_htmlz(b, db_col_int(st, 5) ? T(L, "sor.automated_yes") : db_col_text(st, 2));
        buf_lit(b, "</li>");
    }
    db_done(st);
    if (!n)
        buf_hprintf(b, "<li class=\"none\">%s</li>", T(L, "mod.none"));
    buf_lit(b, "</ul><h3>");
    buf_htmlz(b, T(L, "mod.earlier_notices"));
    buf_lit(b, "</h3><ul class=\"earlier-notices\">");
    st = db_prepare(r->db, "SELECT n.id, n.status, n.right_claimed, n.created_at FROM notices n "
                           "JOIN notice_works nw ON nw.notice_id = n.id WHERE nw.work_id = :w AND n.id <> :x "
                           "ORDER BY n.id");
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":x", except_notice);
    n = 0;
    while (db_step(st) == DB_ROW) {
        n++;
        int64_t id = db_col_int(st, 0);
        buf_hprintf(b, "<li data-notice=\"%lld\"><a href=\"/mod/notices/%lld\">%s %lld</a> · ", (long long)id,
                    (long long)id, T(L, "notice.number"), (long long)id);
        page_time(b, db_col_int(st, 3));
        buf_lit(b, " · ");
        buf_htmlz(b, words(L, "notice.status.", db_col_text(st, 1), k, sizeof k));
        buf_lit(b, " · ");
        buf_t t = BUF_INIT;
        work_excerpt(db_col_text(st, 2), 80, &t);
        buf_htmlz(b, buf_cstr(&t));
        buf_free(&t);
        buf_lit(b, "</li>");
    }
    db_done(st);
    if (!n)
        buf_hprintf(b, "<li class=\"none\">%s</li>", T(L, "mod.none"));
    buf_lit(b, "</ul><h3>");
    buf_htmlz(b, T(L, "mod.earlier_reports"));
    buf_lit(b, "</h3><ul class=\"earlier-reports\">");
    st = db_prepare(r->db, "SELECT id, ground, explanation, status FROM reports WHERE work_id = :w AND id <> :x "
                           "ORDER BY id");
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":x", except_report);
    n = 0;
    while (db_step(st) == DB_ROW) {
        n++;
        int64_t id = db_col_int(st, 0);
        buf_hprintf(b, "<li data-report=\"%lld\"><a href=\"/mod/reports/%lld\">%s %lld</a> · ", (long long)id,
                    (long long)id, T(L, "report.number"), (long long)id);
        buf_htmlz(b, words(L, "ground.", db_col_text(st, 1), k, sizeof k));
        buf_lit(b, " · ");
        buf_htmlz(b, words(L, "report.status.", db_col_text(st, 3), k, sizeof k));
        buf_lit(b, " · ");
        buf_htmlz(b, db_col_text(st, 2));
        buf_lit(b, "</li>");
    }
    db_done(st);
    if (!n)
        buf_hprintf(b, "<li class=\"none\">%s</li>", T(L, "mod.none"));
    buf_lit(b, "</ul></section>\n");
}

static void mod_work_panel(hreq_t *r, buf_t *b, const char *work_id, int64_t except_report)
{
    mod_work_panel_x(r, b, work_id, 0, except_report);
}

/* A refused decision shown again: its status, the message and what was
 * typed, so nothing is lost. All zero for a plain view. */
typedef struct {
    int status;
    const char *msg;
    const char *reason;
    int unfounded;
} redo_t;

/* What a view adds to its decision form. */
enum { FORM_PLAIN, FORM_NOTICE /* the "manifestly unfounded" box */ };

/* The decision form: a required written reason, then two buttons that
 * look different: choose=uphold (yes_key, the weighty one) or choose=reject
 * (no_key). Choosing leads to a confirmation page (confirm_page) that
 * posts decision=...; nothing is decided before it. */
static void mod_decision_form(hreq_t *r, buf_t *b, const char *action, const char *yes_key, const char *no_key,
                              const redo_t *redo, int extra)
{
    lang_t L = r->lang;
    buf_lit(b, "<form method=\"post\" action=\"");
    buf_htmlz(b, action);
    buf_lit(b, "\" class=\"stack decision\">");
    page_csrf_field(r, b);
    fk_textarea(b, T(L, "mod.reason"), "reason", redo ? redo->reason : NULL, 4, 1);
    if (extra == FORM_NOTICE)
        fk_checkbox(b, T(L, "mod.unfounded"), "unfounded", redo && redo->unfounded);
    buf_lit(b, "<p class=\"choices\"><button type=\"submit\" class=\"uphold\" name=\"choose\" value=\"uphold\">");
    buf_htmlz(b, T(L, yes_key));
    buf_lit(b, "</button> <button type=\"submit\" class=\"reject\" name=\"choose\" value=\"reject\">");
    buf_htmlz(b, T(L, no_key));
    buf_lit(b, "</button></p><p class=\"hint\">");
    buf_htmlz(b, T(L, "mod.confirm_hint"));
    buf_lit(b, "</p></form>\n");
}

/* Close a moderator view opened with page_section_begin: while the case is
 * open, the decision form (a required written reason and two buttons,
 * yes_key posting decision=uphold, no_key decision=reject) posting to the
 * path action_fmt formats, refilled from redo after a refusal; then the
 * section; sends the page (200, or redo's status). */
__attribute__((format(printf, 8, 9))) static void mod_view_end(hreq_t *r, buf_t *b, int open, const redo_t *redo,
                                                               int extra, const char *yes_key, const char *no_key,
                                                               const char *action_fmt, ...)
{
    if (open) {
        char action[96];
        va_list ap;
        va_start(ap, action_fmt);
        vsnprintf(action, sizeof action, action_fmt, ap);
        va_end(ap);
        mod_decision_form(r, b, action, yes_key, no_key, redo, extra);
    } else if (redo && redo->reason && *redo->reason) {
        /* No form to put it back in (the case closed meanwhile, or another
         * moderator must decide): show what was typed, to copy. */
        buf_lit(b, "<dl class=\"typed\">");
        fk_dt_dd(b, T(r->lang, "mod.reason"), redo->reason);
        buf_lit(b, "</dl>\n");
    }
    buf_lit(b, "</section>\n");
    page_send(r, b, redo && redo->status ? redo->status : 200);
}

/* A refused decision's message, above the case. */
static void redo_alert(buf_t *b, const redo_t *redo)
{
    if (redo && redo->msg)
        fk_alert(b, redo->msg);
}

/* GET /mod/notices/:id — a notice in full with the works it names. */
static void notice_view(hreq_t *r, const redo_t *redo)
{
    lang_t L = r->lang;
    int64_t id;
    db_stmt_t *st = mod_case_row(r, "SELECT name, contact, address, right_claimed, original, proof, signature, "
                                 "status, reason, ground, created_at FROM notices WHERE id = :id", &id);
    if (!st)
        return;
    buf_t b = BUF_INIT;
    page_section_numbered(r, &b, "mod-notice", "notice.number", id);
    redo_alert(&b, redo);
    buf_hprintf(&b, "<dl data-status=\"%s\">", db_col_text(st, 7));
    static const char *const labels[] = {"notice.name", "notice.contact", "notice.address", "notice.right",
                                         "notice.original", "notice.proof", "notice.signature"};
    for (int i = 0; i < 7; i++)
        fk_dt_dd(&b, T(L, labels[i]), db_col_text(st, i));
    char k[48];
    fk_dt_dd(&b, T(L, "notice.ground"), words(L, "ground.", db_col_text(st, 9), k, sizeof k));
    snprintf(k, sizeof k, "notice.status.%s", db_col_text(st, 7));
    fk_dt_dd(&b, T(L, "notice.state"), T(L, k));
    buf_hprintf(&b, "<dt>%s</dt><dd>", T(L, "mod.received"));
    page_time(&b, db_col_int(st, 10));
    buf_lit(&b, "</dd>");
    int pending = strcmp(db_col_text(st, 7), "pending") == 0;
    db_done(st);
    st = db_prepare(r->db, "SELECT name, bytes FROM notice_files WHERE notice_id = :id");
    db_bind_int(st, ":id", id);
    if (db_step(st) == DB_ROW) {
        buf_lit(&b, "<dt>");
        buf_htmlz(&b, T(L, "notice.proof_file"));
        buf_hprintf(&b, "</dt><dd><a class=\"proof-file\" href=\"/mod/notices/%lld/proof\">", (long long)id);
        buf_htmlz(&b, db_col_text(st, 0));
        buf_hprintf(&b, "</a> (%lld bytes)</dd>", (long long)db_col_int(st, 1));
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
        mod_work_panel_x(r, &b, ids[i], id, 0);
    notice_comments_html(r->db, id, L, 1, &b);
    mod_view_end(r, &b, pending, redo, FORM_NOTICE, "mod.takedown", "mod.reject", "/mod/notices/%lld", (long long)id);
}

void mod_notice(hreq_t *r)
{
    notice_view(r, NULL);
}

/* GET /mod/reports/:id — the report with the work, its history and the
 * earlier reports on it. */
static void report_view(hreq_t *r, const redo_t *redo)
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
    redo_alert(&b, redo);
    buf_hprintf(&b, "<dl data-status=\"%s\">", db_col_text(st, 3));
    char k[48];
    snprintf(k, sizeof k, "ground.%s", db_col_text(st, 1));
    fk_dt_dd(&b, T(L, "report.ground"), T(L, k));
    fk_dt_dd(&b, T(L, "report.explanation"), db_col_text(st, 2));
    snprintf(k, sizeof k, "report.status.%s", db_col_text(st, 3));
    fk_dt_dd(&b, T(L, "notice.state"), T(L, k));
    int open = strcmp(db_col_text(st, 3), "open") == 0;
    db_done(st);
    buf_lit(&b, "</dl>\n");
    report_comment_panel(r->db, id, L, &b); /* a report on a comment: the comment and its context */
    mod_work_panel(r, &b, work_id, id);
    mod_view_end(r, &b, open, redo, FORM_PLAIN, "mod.takedown", "mod.dismiss", "/mod/reports/%lld", (long long)id);
}

void mod_report(hreq_t *r)
{
    report_view(r, NULL);
}

/* GET /mod/complaints/:id */
static void complaint_view(hreq_t *r, const redo_t *redo)
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
    redo_alert(&b, redo);
    buf_hprintf(&b, "<dl data-status=\"%s\">", db_col_text(st, 1));
    fk_dt_dd(&b, T(L, "complaint.text"), db_col_text(st, 0));
    fk_dt_dd(&b, T(L, "sor.reason"), db_col_text(st, 3));
    buf_t who = BUF_INIT;
    audit_actor_text(&who, L, db_col_text(st, 4));
    fk_dt_dd(&b, T(L, "mod.decided_by"), buf_cstr(&who));
    buf_free(&who);
    int open = strcmp(db_col_text(st, 1), "open") == 0;
    char actor[64], decider[64];
    mod_actor(r, actor);
    snprintf(decider, sizeof decider, "%s", db_col_text(st, 4));
    db_done(st);
    buf_lit(&b, "</dl>\n");
    /* Said before any reason is typed: who may settle it. */
    if (open && strcmp(actor, decider) == 0) {
        if (complaint_independent_exists(r->db, decider)) {
            buf_lit(&b, "<p class=\"alert\" role=\"status\" data-settle=\"other\">");
            buf_htmlz(&b, T(L, "complaint.other_moderator"));
            buf_lit(&b, "</p>\n");
            open = 0; /* nothing to type: another moderator decides */
        } else {
            buf_lit(&b, "<p class=\"note\" data-settle=\"sole\">");
            buf_htmlz(&b, T(L, "complaint.sole_moderator"));
            buf_lit(&b, "</p>\n");
        }
    }
    mod_work_panel(r, &b, work_id, 0);
    mod_view_end(r, &b, open, redo, FORM_PLAIN, "complaint.restore", "complaint.keep", "/mod/complaints/%lld",
                 (long long)id);
}

void mod_complaint(hreq_t *r)
{
    complaint_view(r, NULL);
}

/* GET /mod/reviews/:id — a work waiting for review before publication. */
static void review_view(hreq_t *r, const redo_t *redo)
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
    buf_hprintf(&b, "<section class=\"mod-review\" data-status=\"%s\"><h1 class=\"page-title\">", db_col_text(st, 0));
    db_done(st);
    buf_htmlz(&b, T(L, "review.title"));
    buf_lit(&b, "</h1>\n");
    redo_alert(&b, redo);
    mod_work_panel(r, &b, id, 0);
    mod_view_end(r, &b, pending, redo, FORM_PLAIN, "review.approve", "review.reject", "/mod/reviews/%s", id);
}

void mod_review(hreq_t *r)
{
    review_view(r, NULL);
}

/* ---- decisions ---- */

int mod_refuse(mod_result_t *res, int status, const char *code, const char *key)
{
    res->status = status;
    res->code = code;
    res->key = key;
    return -1;
}

int mod_decide(db_t *db, const mod_decision_t *d, mod_result_t *res)
{
    if (!mod_text_ok(d->reason))
        return mod_refuse(res, 422, "invalid", "mod.err.reason");
    switch (d->kind) {
    case MOD_NOTICE:
        return notice_decide(db, d, res);
    case MOD_REPORT:
        return report_decide(db, d, res);
    case MOD_COMPLAINT:
        return complaint_decide(db, d, res);
    case MOD_REVIEW:
        return review_decide(db, d, res);
    }
    return mod_refuse(res, 500, "internal", "err.internal");
}

/* The view of the case of this kind in the path, shown again after a
 * refused decision. */
static void case_view(hreq_t *r, mod_kind_t kind, const redo_t *redo)
{
    switch (kind) {
    case MOD_NOTICE: notice_view(r, redo); break;
    case MOD_REPORT: report_view(r, redo); break;
    case MOD_COMPLAINT: complaint_view(r, redo); break;
    case MOD_REVIEW: review_view(r, redo); break;
    }
}

/* A decision on the case of this kind in the path: fields decision
 * (uphold|reject), reason and, for a notice, unfounded. 303 to the queue
 * once decided; refused, the case again with the message and the reason
 * as typed (404 and storage errors: the error page). */
/* The path the case of this kind in the path posts to. */
static void case_action(hreq_t *r, mod_kind_t kind, char *out, size_t size)
{
    switch (kind) {
    case MOD_NOTICE: snprintf(out, size, "/mod/notices/%lld", (long long)mod_path_id(r)); break;
    case MOD_REPORT: snprintf(out, size, "/mod/reports/%lld", (long long)mod_path_id(r)); break;
    case MOD_COMPLAINT: snprintf(out, size, "/mod/complaints/%lld", (long long)mod_path_id(r)); break;
    case MOD_REVIEW: snprintf(out, size, "/mod/reviews/%s", rq_param(r, 0)); break;
    }
}

/* The button's words for an outcome of a case of this kind (as the view's
 * form shows them), and what it does, said before it is confirmed. */
static const char *choice_key(mod_kind_t kind, int uphold)
{
    switch (kind) {
    case MOD_NOTICE: return uphold ? "mod.takedown" : "mod.reject";
    case MOD_REPORT: return uphold ? "mod.takedown" : "mod.dismiss";
    case MOD_COMPLAINT: return uphold ? "complaint.restore" : "complaint.keep";
    case MOD_REVIEW: return uphold ? "review.approve" : "review.reject";
    }
    return "mod.reject";
}

static const char *effect_key(mod_kind_t kind, int uphold)
{
    switch (kind) {
    case MOD_NOTICE: return uphold ? "mod.effect.notice_uphold" : "mod.effect.notice_reject";
    case MOD_REPORT: return uphold ? "mod.effect.report_uphold" : "mod.effect.report_reject";
    case MOD_COMPLAINT: return uphold ? "mod.effect.complaint_uphold" : "mod.effect.complaint_reject";
    case MOD_REVIEW: return uphold ? "mod.effect.review_uphold" : "mod.effect.review_reject";
    }
    return "mod.confirm_title";
}

/* The confirmation step (no script needed): what was chosen, what it will
 * do and the reason as typed, with a button of the same look that posts
 * decision=..., and one that goes back to the case with the text kept. */
static void confirm_page(hreq_t *r, mod_kind_t kind, int uphold, const char *reason, int unfounded)
{
    lang_t L = r->lang;
    char action[96];
    case_action(r, kind, action, sizeof action);
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "mod-confirm", T(L, "mod.confirm_title"));
    buf_lit(&b, "<p><a href=\"");
    buf_htmlz(&b, action);
    buf_lit(&b, "\">");
    static const char *const case_keys[] = {"notice.number", "report.number", "complaint.title", "review.title"};
    if (kind == MOD_REVIEW) {
        work_t w;
        int have = work_get(r->db, rq_param(r, 0), &w) == 1;
        buf_htmlz(&b, have ? w.title : rq_param(r, 0));
        if (have)
            work_free(&w);
    } else {
        buf_hprintf(&b, "%s %lld", T(L, case_keys[kind]), (long long)mod_path_id(r));
    }
    buf_hprintf(&b, "</a></p>\n<div class=\"confirm-box\" data-decision=\"%s\"><p><strong>",
                uphold ? "uphold" : "reject");
    buf_htmlz(&b, T(L, choice_key(kind, uphold)));
    buf_lit(&b, "</strong></p><p>");
    buf_htmlz(&b, T(L, effect_key(kind, uphold)));
    buf_lit(&b, "</p><dl class=\"case-facts\">");
    fk_dt_dd(&b, T(L, "mod.reason"), reason);
    if (kind == MOD_NOTICE && !uphold && unfounded)
        fk_dt_dd(&b, T(L, "mod.unfounded"), T(L, "mod.yes"));
    buf_lit(&b, "</dl></div>\n<form method=\"post\" action=\"");
    buf_htmlz(&b, action);
    buf_lit(&b, "\" class=\"stack decision\">");
    page_csrf_field(r, &b);
    buf_lit(&b, "<input type=\"hidden\" name=\"reason\" value=\"");
    buf_htmlz(&b, reason);
    buf_lit(&b, "\">");
    if (unfounded)
        buf_lit(&b, "<input type=\"hidden\" name=\"unfounded\" value=\"1\">");
    buf_hprintf(&b, "<p class=\"choices\"><button type=\"submit\" class=\"%s\" name=\"decision\" value=\"%s\">%s",
                uphold ? "uphold" : "reject", uphold ? "uphold" : "reject", T(L, "mod.confirm_prefix"));
    buf_htmlz(&b, T(L, choice_key(kind, uphold)));
    buf_hprintf(&b, "</button> <button type=\"submit\" class=\"secondary\" name=\"edit\" value=\"1\">%s</button></p>"
                    "</form></section>\n",
                T(L, "mod.confirm_back"));
    page_send(r, &b, 200);
}

static void decision_post(hreq_t *r, mod_kind_t kind)
{
    form_t f;
    rq_form(r, &f);
    /* Back from the confirmation: the case again, with the text kept. */
    if (form_get(&f, "edit")) {
        redo_t redo = {200, NULL, form_get(&f, "reason"), form_get(&f, "unfounded") != NULL};
        case_view(r, kind, &redo);
        return;
    }
    /* A choice made on the case: confirm it first (its reason checked now,
     * so the moderator is not sent on with an empty one). */
    const char *choice = form_get(&f, "choose");
    if (choice && !form_get(&f, "decision")) {
        int up = strcmp(choice, "uphold") == 0;
        const char *reason = form_get(&f, "reason");
        if ((!up && strcmp(choice, "reject") != 0) || !reason || !mod_text_ok(reason)) {
            redo_t redo = {422, T(r->lang, up || strcmp(choice, "reject") == 0 ? "mod.err.reason" : "mod.err.decision"),
                           reason, form_get(&f, "unfounded") != NULL};
            case_view(r, kind, &redo);
            return;
        }
        confirm_page(r, kind, up, reason, form_get(&f, "unfounded") != NULL);
        return;
    }
    const char *word = form_get(&f, "decision");
    if (!word || (strcmp(word, "uphold") != 0 && strcmp(word, "reject") != 0)) {
        redo_t redo = {422, T(r->lang, "mod.err.decision"), form_get(&f, "reason"), form_get(&f, "unfounded") != NULL};
        case_view(r, kind, &redo);
        return;
    }
    char actor[64];
    mod_actor(r, actor);
    mod_decision_t d = {.kind = kind,
                        .uphold = strcmp(word, "uphold") == 0,
                        .reason = form_get(&f, "reason"),
                        .unfounded = form_get(&f, "unfounded") != NULL,
                        .actor = actor,
                        .actor_id = r->user.id,
                        .now = clock_now()};
    if (kind == MOD_REVIEW)
        d.work_id = rq_param(r, 0);
    else
        d.id = mod_path_id(r);
    mod_result_t res;
    if (mod_decide(r->db, &d, &res) < 0) {
        if (res.status == 404 || res.status >= 500) {
            rs_error(r, res.status, res.code, T(r->lang, res.key));
            return;
        }
        /* The case again with the message and the reason as typed: a
         * refusal never loses what the moderator wrote. */
        redo_t redo = {res.status, T(r->lang, res.key), d.reason, d.unfounded};
        case_view(r, kind, &redo);
        return;
    }
    rs_redirect(r, 303, "/mod?done=1");
}

/* POST /mod/notices/:id — uphold: take the works down; reject. */
void mod_notice_post(hreq_t *r)
{
    decision_post(r, MOD_NOTICE);
}

/* POST /mod/reports/:id — uphold: take the work down; reject: dismiss. The
 * reason is shown to the reporter and, on removal, the creator. */
void mod_report_post(hreq_t *r)
{
    decision_post(r, MOD_REPORT);
}

/* POST /mod/complaints/:id — uphold: restore the work; reject: keep the
 * removal. The moderator who decided the removal may not judge it. */
void mod_complaint_post(hreq_t *r)
{
    decision_post(r, MOD_COMPLAINT);
}

/* POST /mod/reviews/:id — uphold: publish; reject: refuse, with the reason
 * shown to the creator. */
void mod_review_post(hreq_t *r)
{
    decision_post(r, MOD_REVIEW);
}
