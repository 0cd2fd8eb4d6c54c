/*
 * moderation.c — see moderation.h.
 */
#include "site/trust/moderation.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "core/token.h"
#include "core/changed.h"
#include "site/api/api.h"
#include "site/trust/audit.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/trust/notice.h"
#include "site/ops/settings.h"
#include "site/trust/takedown.h"
#include "site/works/work.h"

#define TEXT_MAX_CHARS 5000

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


/* ---- reports ---- */

typedef struct {
    int status;
    const char *code, *key, *field;
} rep_err_t;

static int rep_fail(rep_err_t *e, int status, const char *code, const char *key, const char *field)
{
    e->status = status, e->code = code, e->key = key, e->field = field;
    return -1;
}

static int report_submit(hreq_t *r, const char *work_id, const char *ground, const char *expl, int64_t *id_out,
                         char token[33], rep_err_t *e)
{
    int64_t now = clock_now();
    const char *peer = rq_peer(r);
    db_stmt_t *st = db_prepare(r->db, "SELECT count(*) FROM reports WHERE peer = :p AND created_at > :since");
    db_bind_text(st, ":p", peer);
    db_bind_int(st, ":since", now - 3600);
    int64_t recent = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (recent >= settings_int(r->db, "report_rate")) {
        rs_header(r, "retry-after", "3600");
        return rep_fail(e, 429, "rate_limited", "notice.err.rate", NULL);
    }
    if (text_blank(work_id))
        return rep_fail(e, 422, "missing_fields", "report.err.missing", "work");
    if (!ground_severity(ground))
        return rep_fail(e, 422, "invalid", "report.err.ground", "ground");
    if (!mod_text_ok(expl))
        return rep_fail(e, 422, text_blank(expl) ? "missing_fields" : "invalid", "report.err.explanation", "explanation");
    work_t w;
    int rc = work_get(r->db, work_id, &w);
    if (rc < 0)
        return rep_fail(e, 500, "internal", "err.internal", NULL);
    int published = rc == 1 && strcmp(w.status, "published") == 0;
    int taken = rc == 1 && strcmp(w.status, "taken_down") == 0;
    if (rc == 1)
        work_free(&w);
    if (taken)
        return rep_fail(e, 409, "already_taken_down", "notice.err.already", "work");
    if (!published)
        return rep_fail(e, 422, "not_a_work", "notice.err.not_a_work", "work");
    char hash[65];
    token_new(token, 33, hash);
    if (db_begin(r->db) < 0)
        return rep_fail(e, 503, "busy", "err.internal", NULL);
    st = db_prepare(r->db, "INSERT INTO reports(token_hash, work_id, ground, severity, explanation, peer, status, "
                           "created_at) VALUES (:h, :w, :g, :s, :x, :p, 'open', :t) RETURNING id");
    db_bind_text(st, ":h", hash);
    db_bind_text(st, ":w", work_id);
    db_bind_text(st, ":g", ground);
    db_bind_int(st, ":s", ground_severity(ground));
    db_bind_text(st, ":x", expl);
    db_bind_text(st, ":p", peer);
    db_bind_int(st, ":t", now);
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    char subj[48];
    snprintf(subj, sizeof subj, "report:%lld", (long long)id);
    if (!id || audit_appendf(r->db, "reader", "report.receive", subj, "work %s; ground %s", work_id, ground) < 0 ||
        db_commit(r->db) < 0) {
        db_rollback(r->db);
        return rep_fail(e, 500, "internal", "err.internal", NULL);
    }
    *id_out = id;
    return 0;
}

static void report_page(hreq_t *r, int status, const char *work, const char *ground, const char *expl,
                        const char *msg)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    fk_page_begin(r, &b, "report-form", "report.title", "report.intro", msg);
    fk_form_begin(r, &b, "/report");
    buf_lit(&b, "<input type=\"hidden\" name=\"work\" value=\"");
    buf_htmlz(&b, work ? work : "");
    buf_lit(&b, "\">");
    if (work && *work) {
        buf_lit(&b, "<p>");
        buf_htmlz(&b, T(L, "report.work"));
        buf_lit(&b, " <a href=\"/a/");
        buf_url(&b, work, strlen(work));
        buf_lit(&b, "\">/a/");
        buf_htmlz(&b, work);
        buf_lit(&b, "</a></p>");
    }
    const char *codes[NGROUNDS], *labels[NGROUNDS];
    for (size_t i = 0; i < NGROUNDS; i++) {
        char k[48];
        snprintf(k, sizeof k, "ground.%s", grounds[i].code);
        codes[i] = grounds[i].code;
        labels[i] = T(L, k);
    }
    fk_select(&b, T(L, "report.ground"), "ground", (int)NGROUNDS, codes, labels, ground);
    fk_textarea(&b, T(L, "report.explanation"), "explanation", expl, 4, 1);
    fk_form_end(&b, T(L, "report.send"));
    buf_lit(&b, "\n<p>");
    buf_htmlz(&b, T(L, "report.copyright_hint"));
    buf_lit(&b, " <a href=\"/notice\">");
    buf_htmlz(&b, T(L, "site.notice"));
    buf_lit(&b, "</a></p></section>\n");
    page_send(r, &b, status);
}

/* GET /report?work=ID — the report form for one work. */
void report_form(hreq_t *r)
{
    report_page(r, 200, rq_query(r, "work"), NULL, NULL, NULL);
}

/* POST /report — fields work, ground, explanation. 303 to the receipt. */
void report_post(hreq_t *r)
{
    form_t f;
    rq_form(r, &f);
    const char *work = form_get(&f, "work"), *ground = form_get(&f, "ground"), *expl = form_get(&f, "explanation");
    rep_err_t e;
    int64_t id;
    char token[33];
    if (report_submit(r, work, ground, expl, &id, token, &e) < 0) {
        report_page(r, e.status, work, ground, expl, T(r->lang, e.key));
        return;
    }
    char loc[96];
    snprintf(loc, sizeof loc, "/report/%lld?token=%s&new=1", (long long)id, token);
    rs_redirect(r, 303, loc);
}

/* POST /api/v1/reports {"work","ground","explanation"} -> 201 {"id","status","token","receipt"} */
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
    rep_err_t e;
    int64_t id;
    char token[33];
    if (report_submit(r, v[0], v[1], v[2], &id, token, &e) < 0) {
        api_field_error(r, e.status, e.code, T(r->lang, e.key), e.field);
    } else {
        buf_t b = BUF_INIT;
        /* raw: JSON, the token is hex */
        buf_printf(&b, "{\"id\":%lld,\"status\":\"open\",\"token\":\"%s\",\"receipt\":\"/report/%lld?token=%s\"}",
                   (long long)id, token, (long long)id, token);
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
        st = db_prepare(r->db, "SELECT token_hash, work_id, ground, status, reason, created_at FROM reports "
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
    buf_printf(&v, "/a/%s", db_col_text(st, 1)); /* raw: text */
    fk_dt_dd(&b, T(L, "report.work"), buf_cstr(&v));
    snprintf(k, sizeof k, "ground.%s", db_col_text(st, 2));
    fk_dt_dd(&b, T(L, "report.ground"), T(L, k));
    snprintf(k, sizeof k, "report.status.%s", db_col_text(st, 3));
    fk_dt_dd(&b, T(L, "notice.state"), T(L, k));
    if (*db_col_text(st, 4))
        fk_dt_dd(&b, T(L, "mod.reason"), db_col_text(st, 4));
    buf_free(&v);
    buf_lit(&b, "</dl></section>\n");
    db_done(st);
    page_send(r, &b, 200);
}

/* ---- the moderator queue ---- */

void mod_age(hreq_t *r, buf_t *b, int64_t t)
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

    queue_begin(r, &b, "mod.notices", "queue-notices");
    db_stmt_t *st = db_prepare(r->db, "SELECT id, right_claimed, created_at FROM notices WHERE status = 'pending' "
                                      "ORDER BY created_at, id LIMIT 200");
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
    st = db_prepare(r->db, "SELECT r.id, r.ground, r.created_at, w.title FROM reports r JOIN works w ON w.id = r.work_id "
                           "WHERE r.status = 'open' ORDER BY r.severity, r.created_at, r.id LIMIT 200");
    while (db_step(st) == DB_ROW) {
        char k[48];
        snprintf(k, sizeof k, "ground.%s", db_col_text(st, 1));
        buf_hprintf(&b, "<li data-report=\"%lld\" data-ground=\"%s\"><a href=\"/mod/reports/%lld\">%s %lld</a> · ",
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

/* The work in one view: title, link, excerpt, removals and earlier reports. */
void mod_work_panel(hreq_t *r, buf_t *b, const char *work_id, int64_t except_report)
{
    lang_t L = r->lang;
    work_t w;
    if (work_get(r->db, work_id, &w) == 1) {
        char k[48];
        snprintf(k, sizeof k, "work.status.%s", w.status);
        buf_hprintf(b, "<section class=\"mod-work\" data-work=\"%s\"><h2><a href=\"/a/%s\">", w.id, w.id);
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
        buf_hprintf(b, "<li>#%lld · ", (long long)db_col_int(st, 0));
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
        buf_hprintf(b, "<li data-report=\"%lld\">#%lld · ", (long long)db_col_int(st, 0), (long long)db_col_int(st, 0));
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
        changed_signal();
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
    buf_hprintf(&b, "<dl data-status=\"%s\">", db_col_text(st, 7));
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

