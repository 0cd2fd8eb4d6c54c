/*
 * report.c — see report.h.
 */
#include "site/trust/report.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "core/token.h"
#include "site/api/api.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/settings.h"
#include "site/trust/audit.h"
#include "site/trust/moderation.h"
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
    buf_printf(&b, "<dl class=\"receipt\" data-report=\"%lld\" data-status=\"%s\">", (long long)id,
               db_col_text(st, 3));
    char k[48];
    buf_t v = BUF_INIT;
    buf_printf(&v, "/a/%s", db_col_text(st, 1));
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
