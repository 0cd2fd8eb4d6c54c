/*
 * report.c — see report.h.
 */
#include "site/trust/report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "core/token.h"
#include "core/changed.h"
#include "site/api/api.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/settings.h"
#include "site/trust/audit.h"
#include "site/trust/moderation.h"
#include "site/trust/notice.h"
#include "site/trust/takedown.h"
#include "site/works/work.h"

/* Grounds, most severe first; severity orders the queue. */
static const struct {
    const char *code;
    int severity;
} grounds[] = {{"illegal", 1}, {"fraud", 2}, {"privacy", 2}, {"harassment", 3}, {"spam", 4}};
#define NGROUNDS (sizeof grounds / sizeof grounds[0])

static int ground_severity(const char *g)
{
    for (size_t i = 0; g && i < NGROUNDS; i++)
        if (strcmp(grounds[i].code, g) == 0)
            return grounds[i].severity;
    return 0;
}

/* ---- filing a report (report_file) ---- */

static int refuse(report_result_t *res, int status, const char *code, const char *key, const char *field)
{
    res->status = status, res->code = code, res->key = key, res->field = field;
    return -1;
}

/* Abusive volume first: a flood is refused before any work is done. */
static int check_rate(db_t *db, const report_input_t *in, report_result_t *res)
{
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM reports WHERE peer = :p AND created_at > :since");
    db_bind_text(st, ":p", in->peer);
    db_bind_int(st, ":since", in->now - 3600);
    int64_t recent = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (recent < settings_int(db, "report_rate"))
        return 0;
    res->retry_after = 3600;
    return refuse(res, 429, "rate_limited", "notice.err.rate", NULL);
}

/* A comment's number ("12") or URL (notice_url_comment). 1 with *cid (and
 * wid: the work the URL names, or ""). */
static int comment_ref(const report_input_t *in, char wid[WORK_ID_LEN + 1], int64_t *cid)
{
    const char *s = in->comment;
    size_t n = strlen(s);
    text_trim(&s, &n);
    wid[0] = 0;
    int64_t v = 0;
    size_t i = 0;
    for (; i < n && i < 15 && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (s[i] - '0');
    if (n && i == n && s[0] != '0') {
        *cid = v;
        return 1;
    }
    char url[512];
    if (n >= sizeof url)
        return 0;
    memcpy(url, s, n);
    url[n] = 0;
    return notice_url_comment(in->host ? in->host : "", in->host ? in->host_len : 0, url, wid, cid);
}

/* The comment reported: shown on a published work (and on the work given,
 * if one is); its work becomes the report's. */
static int check_comment(db_t *db, const report_input_t *in, report_result_t *res)
{
    char wid[WORK_ID_LEN + 1];
    int64_t cid = 0;
    if (!comment_ref(in, wid, &cid))
        return refuse(res, 422, "not_a_comment", "report.err.comment", "comment");
    db_stmt_t *st = db_prepare(db, "SELECT c.work_id, c.status, w.status FROM comments c JOIN works w "
                                   "ON w.id = c.work_id WHERE c.id = :c");
    db_bind_int(st, ":c", cid);
    int rc = db_step(st);
    char cwork[WORK_ID_LEN + 1] = "", cstatus[16] = "", wstatus[16] = "";
    if (rc == DB_ROW) {
        snprintf(cwork, sizeof cwork, "%s", db_col_text(st, 0));
        snprintf(cstatus, sizeof cstatus, "%s", db_col_text(st, 1));
        snprintf(wstatus, sizeof wstatus, "%s", db_col_text(st, 2));
    }
    db_done(st);
    if (rc == DB_ERROR)
        return refuse(res, 500, "internal", "err.internal", NULL);
    /* Only what readers see: a published comment of a published work. */
    int shown = rc == DB_ROW && strcmp(wstatus, "published") == 0;
    if (!shown || (strcmp(cstatus, "published") != 0 && strcmp(cstatus, "removed") != 0))
        return refuse(res, 422, "not_a_comment", "report.err.comment", "comment");
    if ((*wid && strcmp(wid, cwork) != 0) || (!text_blank(in->work_id) && strcmp(in->work_id, cwork) != 0))
        return refuse(res, 422, "invalid", "report.err.comment_work", "comment");
    if (strcmp(cstatus, "removed") == 0)
        return refuse(res, 409, "already_taken_down", "report.err.comment_gone", "comment");
    snprintf(res->work_id, sizeof res->work_id, "%s", cwork);
    res->comment_id = cid;
    return 0;
}

/* The fields, then the work (or the comment): it must be published here. */
static int check_report(db_t *db, const report_input_t *in, report_result_t *res)
{
    int on_comment = !text_blank(in->comment);
    if (text_blank(in->work_id) && !on_comment)
        return refuse(res, 422, "missing_fields", "report.err.missing", "work");
    if (!ground_severity(in->ground))
        return refuse(res, 422, "invalid", "report.err.ground", "ground");
    if (!mod_text_ok(in->explanation))
        return refuse(res, 422, text_blank(in->explanation) ? "missing_fields" : "invalid", "report.err.explanation",
                      "explanation");
    if (on_comment)
        return check_comment(db, in, res);
    snprintf(res->work_id, sizeof res->work_id, "%s", in->work_id);
    work_t w;
    int rc = work_get(db, in->work_id, &w);
    if (rc < 0)
        return refuse(res, 500, "internal", "err.internal", NULL);
    int published = rc == 1 && strcmp(w.status, "published") == 0;
    int taken = rc == 1 && strcmp(w.status, "taken_down") == 0;
    if (rc == 1)
        work_free(&w);
    if (taken)
        return refuse(res, 409, "already_taken_down", "notice.err.already", "work");
    if (!published)
        return refuse(res, 422, "not_a_work", "notice.err.not_a_work", "work");
    return 0;
}

int report_file(db_t *db, const report_input_t *in, report_result_t *res)
{
    memset(res, 0, sizeof *res);
    if (check_rate(db, in, res) < 0 || check_report(db, in, res) < 0)
        return -1;
    char hash[65];
    token_new(res->token, sizeof res->token, hash);
    if (db_begin(db) < 0)
        return refuse(res, 503, "busy", "err.internal", NULL);
    db_stmt_t *st = db_prepare(db, "INSERT INTO reports(token_hash, work_id, comment_id, ground, severity, "
                                   "explanation, peer, status, created_at) VALUES (:h, :w, :c, :g, :s, :x, :p, 'open', "
                                   ":t) RETURNING id");
    db_bind_text(st, ":h", hash);
    db_bind_text(st, ":w", res->work_id);
    db_bind_id(st, ":c", res->comment_id);
    db_bind_text(st, ":g", in->ground);
    db_bind_int(st, ":s", ground_severity(in->ground));
    db_bind_text(st, ":x", in->explanation);
    db_bind_text(st, ":p", in->peer);
    db_bind_int(st, ":t", in->now);
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    char subj[48];
    snprintf(subj, sizeof subj, "report:%lld", (long long)id);
    if (!id ||
        audit_appendf(db, "reader", "report.receive", subj, "work %s; comment %lld; ground %s", res->work_id,
                      (long long)res->comment_id, in->ground) < 0 ||
        db_commit(db) < 0) {
        db_rollback(db);
        return refuse(res, 500, "internal", "err.internal", NULL);
    }
    res->id = id;
    return 0;
}

/* ---- deciding a report (through mod_decide) ---- */

int report_decide(db_t *db, const mod_decision_t *d, mod_result_t *res)
{
    if (db_begin(db) < 0)
        return mod_refuse(res, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "SELECT work_id, ground, comment_id FROM reports WHERE id = :id AND status = 'open'");
    db_bind_int(st, ":id", d->id);
    char work_id[WORK_ID_LEN + 1] = "", ground[32] = "";
    int64_t comment_id = 0;
    if (db_step(st) == DB_ROW) {
        snprintf(work_id, sizeof work_id, "%s", db_col_text(st, 0));
        snprintf(ground, sizeof ground, "%s", db_col_text(st, 1));
        comment_id = db_col_int(st, 2);
    }
    db_done(st);
    if (!*work_id) {
        db_rollback(db);
        return mod_refuse(res, 409, "already_decided", "mod.err.decided");
    }
    st = db_prepare(db, "UPDATE reports SET status = :s, reason = :r, decided_at = :t, decided_by = :u WHERE id = :id");
    db_bind_text(st, ":s", d->uphold ? "upheld" : "dismissed");
    db_bind_text(st, ":r", d->reason);
    db_bind_int(st, ":t", d->now);
    db_bind_int(st, ":u", d->actor_id);
    db_bind_int(st, ":id", d->id);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    char subj[48];
    snprintf(subj, sizeof subj, "report:%lld", (long long)d->id);
    ok = ok && audit_appendf(db, d->actor, d->uphold ? "report.uphold" : "report.dismiss", subj, "%s", d->reason) == 0;
    if (ok && d->uphold && comment_id) {
        /* Only the comment goes; its commenter is told (inbox, e-mail). */
        int64_t td = takedown_comment_report(db, comment_id, d->id, ground, d->reason, d->actor);
        ok = td >= 0 && (td == 0 || takedown_mail_comments(db, &td, 1) == 0);
    } else if (ok && d->uphold) {
        ok = takedown_work(db, work_id, 0, d->id, ground, d->reason, 0, d->actor) >= 0;
    }
    if (ok)
        ok = audit_appendf(db, "system", "report.forward", subj, "outcome shown to the reporter on the receipt "
                           "page") == 0;
    if (!ok || db_commit(db) < 0) {
        db_rollback(db);
        return mod_refuse(res, 500, "internal", "err.internal");
    }
    if (d->uphold && comment_id)
        changed_work(work_id); /* the comment's work, and lazily its lists */
    else if (d->uphold)
        changed_signal();
    return 0;
}

/* ---- the form, the API, the receipt ---- */

/* The comment a report form names, as its readers see it: its link and an
 * excerpt of its text (only a published comment of a published work). */
static void form_comment(hreq_t *r, buf_t *b, const char *comment)
{
    char *end = NULL;
    long long cid = strtoll(comment, &end, 10);
    if (cid <= 0 || !end || *end)
        return;
    db_stmt_t *st = db_prepare(r->db, "SELECT c.work_id, c.body FROM comments c JOIN works w ON w.id = c.work_id "
                                      "WHERE c.id = :c AND c.status = 'published' AND w.status = 'published'");
    db_bind_int(st, ":c", cid);
    if (db_step(st) == DB_ROW) {
        buf_hprintf(b, "<p>%s <a href=\"/a/%s#c-%lld\">/a/%s#c-%lld</a></p><blockquote class=\"reported\">",
                    T(r->lang, "report.comment"), db_col_text(st, 0), cid, db_col_text(st, 0), cid);
        buf_t ex = BUF_INIT;
        work_excerpt(db_col_text(st, 1), 200, &ex);
        buf_htmlz(b, buf_cstr(&ex));
        buf_free(&ex);
        buf_lit(b, "</blockquote>");
    }
    db_done(st);
}

static void report_page(hreq_t *r, int status, const char *work, const char *comment, const char *ground,
                        const char *expl, const char *msg)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    int on_comment = comment && *comment;
    fk_page_begin(r, &b, "report-form", on_comment ? "report.title_comment" : "report.title", "report.intro", msg);
    fk_form_begin(r, &b, "/report");
    buf_lit(&b, "<input type=\"hidden\" name=\"work\" value=\"");
    buf_htmlz(&b, work ? work : "");
    buf_lit(&b, "\">");
    if (on_comment) {
        buf_lit(&b, "<input type=\"hidden\" name=\"comment\" value=\"");
        buf_htmlz(&b, comment);
        buf_lit(&b, "\">");
        form_comment(r, &b, comment);
    } else if (work && *work) {
        /* The work by its title (its address when it cannot be read). */
        work_t w;
        int have = work_get(r->db, work, &w) == 1;
        buf_lit(&b, "<p>");
        buf_htmlz(&b, T(L, "report.work"));
        buf_lit(&b, " <a href=\"/a/");
        buf_url(&b, work, strlen(work));
        buf_lit(&b, "\">");
        buf_htmlz(&b, have ? w.title : work);
        buf_lit(&b, "</a></p>");
        if (have)
            work_free(&w);
    }
    const char *codes[NGROUNDS], *labels[NGROUNDS];
    for (size_t i = 0; i < NGROUNDS; i++) {
        char k[48];
        snprintf(k, sizeof k, "ground.%s", grounds[i].code);
        codes[i] = grounds[i].code;
        labels[i] = T(L, k);
    }
    /* No ground chosen for the reader (the most severe used to be). */
    fk_select_required(&b, T(L, "report.ground"), "ground", (int)NGROUNDS, codes, labels, ground, T(L, "form.choose"));
    fk_textarea(&b, T(L, "report.explanation"), "explanation", expl, 4, 1);
    fk_form_end(&b, T(L, "report.send"));
    buf_lit(&b, "\n<p>");
    buf_htmlz(&b, T(L, "report.copyright_hint"));
    buf_lit(&b, " <a href=\"/notice\">");
    buf_htmlz(&b, T(L, "site.notice"));
    buf_lit(&b, "</a></p></section>\n");
    page_send(r, &b, status);
}

/* GET /report?work=ID or ?comment=N — the report form for one work or
 * one comment. */
void report_form(hreq_t *r)
{
    report_page(r, 200, rq_query(r, "work"), rq_query(r, "comment"), NULL, NULL, NULL);
}

/* The reporter and the clock of a report sent by this request. */
static void request_context(hreq_t *r, report_input_t *in)
{
    in->peer = rq_peer(r);
    in->host = r->h->authority.base;
    in->host_len = r->h->authority.len;
    in->now = clock_now();
}

/* A refusal for volume says when to try again. */
static void retry_after_header(hreq_t *r, const report_result_t *res)
{
    if (res->retry_after) {
        char v[16];
        snprintf(v, sizeof v, "%d", res->retry_after);
        rs_header(r, "retry-after", v);
    }
}

/* POST /report — fields work (or comment), ground, explanation. 303 to
 * the receipt. */
void report_post(hreq_t *r)
{
    form_t f;
    rq_form(r, &f);
    report_input_t in = {.work_id = form_get(&f, "work"),
                         .comment = form_get(&f, "comment"),
                         .ground = form_get(&f, "ground"),
                         .explanation = form_get(&f, "explanation")};
    request_context(r, &in);
    report_result_t res;
    if (report_file(r->db, &in, &res) < 0) {
        retry_after_header(r, &res);
        report_page(r, res.status, in.work_id, in.comment, in.ground, in.explanation, T(r->lang, res.key));
        return;
    }
    char loc[96];
    snprintf(loc, sizeof loc, "/report/%lld?token=%s&new=1", (long long)res.id, res.token);
    rs_redirect(r, 303, loc);
}

/* POST /api/v1/reports {"work","ground","explanation"} or {"comment": N or
 * its URL, ...} -> 201 {"id","status","work","comment","token","receipt"} */
void report_api_post(hreq_t *r)
{
    json_t *j = api_body_object(r);
    if (!j)
        return;
    const char *v[3] = {NULL, NULL, NULL};
    static const char *const keys[] = {"work", "ground", "explanation"};
    for (int i = 0; i < 3; i++) {
        if (api_json_string(j, keys[i], &v[i]) < 0) {
            api_field_error(r, 422, "invalid", T(r->lang, "notice.err.type"), keys[i]);
            json_decref(j);
            return;
        }
    }
    report_input_t in = {.work_id = v[0], .ground = v[1], .explanation = v[2]};
    /* The comment: a number or a URL (a string). */
    json_t *cj = json_object_get(j, "comment");
    char cnum[24];
    if (json_is_integer(cj)) {
        snprintf(cnum, sizeof cnum, "%lld", (long long)json_integer_value(cj));
        in.comment = cnum;
    } else if (cj && !json_is_null(cj) && api_json_string(j, "comment", &in.comment) < 0) {
        api_field_error(r, 422, "invalid", T(r->lang, "notice.err.type"), "comment");
        json_decref(j);
        return;
    }
    request_context(r, &in);
    report_result_t res;
    if (report_file(r->db, &in, &res) < 0) {
        retry_after_header(r, &res);
        api_field_error(r, res.status, res.code, T(r->lang, res.key), res.field);
    } else {
        buf_t b = BUF_INIT;
        /* raw: JSON, the token is hex */
        buf_printf(&b, "{\"id\":%lld,\"status\":\"open\",\"work\":\"%s\",\"comment\":", (long long)res.id,
                   res.work_id); /* raw: JSON, the work id is hex */
        if (res.comment_id)
            buf_int(&b, res.comment_id);
        else
            buf_lit(&b, "null");
        /* raw: JSON, the token is hex */
        buf_printf(&b, ",\"token\":\"%s\",\"receipt\":\"/report/%lld?token=%s\"}", res.token, (long long)res.id,
                   res.token);
        rs_json(r, 201, &b);
        buf_free(&b);
    }
    json_decref(j);
}

/* GET /report/:id?token=T — the reporter's receipt, with the outcome. */
void report_status(hreq_t *r)
{
    lang_t L = r->lang;
    int64_t id = mod_path_id(r);
    const char *token = rq_query(r, "token");
    db_stmt_t *st = NULL;
    int ok = 0;
    if (id && token && strlen(token) == 32) {
        st = db_prepare(r->db, "SELECT token_hash, work_id, ground, status, reason, created_at, comment_id FROM reports "
                               "WHERE id = :id");
        db_bind_int(st, ":id", id);
        ok = db_step(st) == DB_ROW && token_matches(token, 32, db_col_text(st, 0));
    }
    if (!ok) {
        if (st)
            db_done(st);
        rs_error(r, 404, "not_found", T(L, "notice.err.unknown"));
        return;
    }
    buf_t b = BUF_INIT;
    page_section_numbered(r, &b, "report-status", "report.number", id);
    if (rq_query(r, "new"))
        fk_ok(&b, T(L, "report.received"));
    buf_hprintf(&b, "<dl class=\"receipt\" data-report=\"%lld\" data-status=\"%s\">", (long long)id,
               db_col_text(st, 3));
    char k[48];
    buf_t v = BUF_INIT;
    int64_t cid = db_col_int(st, 6);
    buf_printf(&v, "/a/%s", db_col_text(st, 1)); /* raw: text */
    if (cid)
        buf_printf(&v, "#c-%lld", (long long)cid); /* raw: text */
    fk_dt_dd(&b, T(L, cid ? "report.comment" : "report.work"), buf_cstr(&v));
    snprintf(k, sizeof k, "ground.%s", db_col_text(st, 2));
    fk_dt_dd(&b, T(L, "report.ground"), T(L, k));
    snprintf(k, sizeof k, "report.status.%s%s", db_col_text(st, 3),
             cid && strcmp(db_col_text(st, 3), "upheld") == 0 ? "_comment" : "");
    fk_dt_dd(&b, T(L, "notice.state"), T(L, k));
    if (*db_col_text(st, 4))
        fk_dt_dd(&b, T(L, "mod.reason"), db_col_text(st, 4));
    buf_free(&v);
    buf_lit(&b, "</dl></section>\n");
    db_done(st);
    page_send(r, &b, 200);
}

/* ---- the moderator's view of a reported comment ---- */

void report_comment_panel(db_t *db, int64_t report_id, lang_t L, buf_t *b)
{
    db_stmt_t *st = db_prepare(db, "SELECT c.id, c.work_id, c.status, c.body, u.handle, c.created_at, c.parent_id, "
                                   "coalesce(p.body, ''), coalesce(pu.handle, ''), c.removed_by, c.reason "
                                   "FROM reports r JOIN comments c ON c.id = r.comment_id "
                                   "JOIN users u ON u.id = c.author_id LEFT JOIN comments p ON p.id = c.parent_id "
                                   "LEFT JOIN users pu ON pu.id = p.author_id WHERE r.id = :id");
    db_bind_int(st, ":id", report_id);
    if (db_step(st) == DB_ROW) {
        long long cid = (long long)db_col_int(st, 0);
        const char *wid = db_col_text(st, 1);
        buf_hprintf(b, "<section class=\"mod-comment\" data-comment=\"%lld\" data-status=\"%s\"><h2>%s "
                       "<a href=\"/a/%s#c-%lld\">/a/%s#c-%lld</a></h2>",
                    cid, db_col_text(st, 2), T(L, "mod.reported_comment"), wid, cid, wid, cid);
        buf_t t = BUF_INIT;
        page_time(&t, db_col_int(st, 5));
        buf_hprintf(b, "<p class=\"meta\"><a href=\"/u/%s\">@%s</a> · %s · %s</p>", db_col_text(st, 4),
                    db_col_text(st, 4), buf_cstr(&t), db_col_text(st, 2));
        buf_free(&t);
        /* The text, as the commenter wrote it (kept while removed, until retention). */
        buf_lit(b, "<blockquote class=\"reported\">");
        buf_htmlz(b, db_col_text(st, 3));
        buf_lit(b, "</blockquote>");
        if (strcmp(db_col_text(st, 2), "removed") == 0)
            buf_hprintf(b, "<p class=\"placeholder\">%s · %s</p>", db_col_text(st, 9), db_col_text(st, 10));
        if (db_col_int(st, 6)) { /* a reply: the comment it answers, for context */
            buf_hprintf(b, "<p class=\"context\">%s <a href=\"/comments/%lld\">@%s</a></p><blockquote>",
                        T(L, "comments.reply_to"), (long long)db_col_int(st, 6), db_col_text(st, 8));
            buf_t ex = BUF_INIT;
            work_excerpt(db_col_text(st, 7), 300, &ex);
            buf_htmlz(b, buf_cstr(&ex));
            buf_free(&ex);
            buf_lit(b, "</blockquote>");
        }
        buf_lit(b, "</section>\n");
    }
    db_done(st);
}
