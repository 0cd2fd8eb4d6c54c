/*
 * preview.c — preview links. See preview.h. Part of the creator tools
 * (site/creator/); handlers on the request's loop.
 */
#include "site/creator/preview.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/i18n.h"
#include "core/token.h"
#include "site/api/api.h"
#include "site/layout.h"
#include "site/trust/takedown.h"
#include "site/works/media.h"
#include "site/works/work.h"

int preview_create(db_t *db, const char *work_id, int64_t author_id, int days, char token[PREVIEW_TOKEN_SIZE],
                   int64_t *id, int64_t *expires, cr_err_t *e)
{
    work_t w;
    int rc = work_get(db, work_id, &w);
    if (rc <= 0)
        return rc < 0 ? cr_fail(e, 500, "internal", "err.internal")
                      : cr_fail(e, 404, "not_found", "work.err.not_found");
    int mine = w.author_id == author_id, taken = strcmp(w.status, "taken_down") == 0;
    work_free(&w);
    if (!mine)
        return cr_fail(e, 403, "forbidden", "work.err.not_yours");
    if (taken)
        return cr_fail(e, 451, "taken_down", "work.err.gone");
    if (days < 1 || days > PREVIEW_DAYS_MAX)
        return cr_fail(e, 422, "bad_days", "creator.preview.err.days");
    char hash[65];
    token_new(token, PREVIEW_TOKEN_SIZE, hash);
    int64_t now = clock_now();
    *expires = now + (int64_t)days * 86400;
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "INSERT INTO creator_previews(work_id, token_hash, created_at, expires_at) "
                                   "VALUES (:w, :h, :t, :x) RETURNING id");
    db_bind_text(st, ":w", work_id);
    db_bind_text(st, ":h", hash);
    db_bind_int(st, ":t", now);
    db_bind_int(st, ":x", *expires);
    rc = db_step(st);
    if (rc == DB_ROW)
        *id = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_ROW || db_commit(db) < 0) {
        db_rollback(db);
        return cr_fail(e, 500, "internal", "err.internal");
    }
    return 0;
}

int preview_revoke(db_t *db, const char *work_id, int64_t author_id, int64_t id, cr_err_t *e)
{
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "UPDATE creator_previews SET revoked_at = :t WHERE id = :id AND work_id = :w "
                                   "AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM works WHERE id = :w AND author_id = :a)");
    db_bind_int(st, ":t", clock_now());
    db_bind_int(st, ":id", id);
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":a", author_id);
    int rc = db_step(st);
    db_done(st);
    int n = rc == DB_DONE ? (int)db_changes(db) : -1;
    if (n < 0 || db_commit(db) < 0) {
        db_rollback(db);
        return cr_fail(e, 500, "internal", "err.internal");
    }
    return n == 1 ? 0 : cr_fail(e, 404, "not_found", "creator.preview.err.no_link");
}

/* ---- the preview page ---- */

static void private_headers(hreq_t *r)
{
    rs_header(r, "cache-control", "private, no-store");
    rs_header(r, "x-robots-tag", "noindex, nofollow");
}

void preview_page(hreq_t *r)
{
    char hash[65];
    token_sha256_hex(rq_param(r, 0), hash);
    db_stmt_t *st = db_prepare(r->db, "SELECT work_id, expires_at, revoked_at FROM creator_previews WHERE token_hash = :h");
    db_bind_text(st, ":h", hash);
    char id[WORK_ID_LEN + 1] = "";
    int64_t expires = 0, revoked = 0;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        snprintf(id, sizeof id, "%s", db_col_text(st, 0));
        expires = db_col_int(st, 1);
        revoked = db_col_int(st, 2);
    }
    db_done(st);
    private_headers(r);
    if (rc == DB_ERROR) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    if (!id[0] || strlen(rq_param(r, 0)) != PREVIEW_TOKEN_SIZE - 1) {
        rs_error(r, 404, "not_found", T(r->lang, "creator.preview.err.unknown"));
        return;
    }
    if (revoked || expires <= clock_now()) {
        rs_error(r, 410, "gone", T(r->lang, revoked ? "creator.preview.err.revoked" : "creator.preview.err.expired"));
        return;
    }
    work_t w;
    rc = work_get(r->db, id, &w);
    if (rc <= 0) {
        rs_error(r, rc < 0 ? 500 : 404, rc < 0 ? "internal" : "not_found",
                 T(r->lang, rc < 0 ? "err.internal" : "work.err.not_found"));
        return;
    }
    if (strcmp(w.status, "taken_down") == 0) {
        work_free(&w);
        rs_error(r, 451, "taken_down", T(r->lang, "work.err.gone"));
        return;
    }
    buf_t b = BUF_INIT;
    page_meta_t m = {.noindex = 1};
    page_begin(r, &b, w.title, &m);
    buf_lit(&b, "<article class=\"work preview\">\n<header>\n<p class=\"draft-banner\" role=\"note\">");
    buf_htmlz(&b, T(r->lang, "creator.preview.banner"));
    buf_lit(&b, " ");
    page_time(&b, expires);
    buf_lit(&b, " ");
    buf_htmlz(&b, T(r->lang, "creator.zone"));
    buf_lit(&b, "</p>\n<h1>");
    buf_htmlz(&b, w.title);
    buf_lit(&b, "</h1>\n<p class=\"byline\">");
    buf_htmlz(&b, w.author_name);
    buf_lit(&b, "</p>\n</header>\n");
    page_declaration(r, &b, w.declaration);
    buf_lit(&b, "<div class=\"body\">\n");
    if (media_render(r->db, w.body, strlen(w.body), &b, NULL) < 0) {
        buf_free(&b);
        work_free(&w);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_lit(&b, "</div>\n</article>\n");
    work_free(&w);
    page_send(r, &b, 200);
}

/* ---- the studio ---- */

void preview_editor_panel(hreq_t *r, buf_t *b, const char *work_id, const char *status)
{
    lang_t L = r->lang;
    if (strcmp(status, "draft") != 0)
        return;
    buf_lit(b, "<section class=\"creator-panel previews\" aria-labelledby=\"prev-h\">\n<h2 id=\"prev-h\">");
    buf_htmlz(b, T(L, "creator.preview.title"));
    buf_lit(b, "</h2>\n<p>");
    buf_htmlz(b, T(L, "creator.preview.hint"));
    buf_lit(b, "</p>\n");
    db_stmt_t *st = db_prepare(r->db, "SELECT id, created_at, expires_at FROM creator_previews WHERE work_id = :w "
                                      "AND revoked_at IS NULL AND expires_at > :now ORDER BY id");
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":now", clock_now());
    int n = 0;
    while (db_step(st) == DB_ROW) {
        if (n++ == 0)
            buf_lit(b, "<ul class=\"preview-links\">\n");
        int64_t pid = db_col_int(st, 0);
        buf_lit(b, "<li>");
        buf_htmlz(b, T(L, "creator.preview.link_made"));
        buf_lit(b, " ");
        page_time(b, db_col_int(st, 1));
        buf_lit(b, ", ");
        buf_htmlz(b, T(L, "creator.preview.expires"));
        buf_lit(b, " ");
        page_time(b, db_col_int(st, 2));
        buf_hprintf(b, " <form method=\"post\" action=\"/studio/%s/previews/%lld/revoke\" class=\"inline\">", work_id,
                    (long long)pid);
        page_csrf_field(r, b);
        buf_lit(b, "<button type=\"submit\" class=\"secondary\">");
        buf_htmlz(b, T(L, "creator.preview.revoke"));
        buf_lit(b, "</button></form></li>\n");
    }
    db_done(st);
    if (n)
        buf_lit(b, "</ul>\n");
    buf_hprintf(b, "<form method=\"post\" action=\"/studio/%s/previews\" class=\"stack\">", work_id);
    page_csrf_field(r, b);
    buf_lit(b, "<p><label for=\"prev-days\">");
    buf_htmlz(b, T(L, "creator.preview.days"));
    buf_hprintf(b, "</label> <input type=\"number\" id=\"prev-days\" name=\"days\" min=\"1\" max=\"%d\" value=\"%d\" "
                   "required></p>\n<p><button type=\"submit\">",
                PREVIEW_DAYS_MAX, PREVIEW_DAYS_DEFAULT);
    buf_htmlz(b, T(L, "creator.preview.make"));
    buf_lit(b, "</button></p>\n</form>\n</section>\n");
}

/* days from text: the number, or -1. */
static int parse_days(const char *s)
{
    if (!s || !*s)
        return PREVIEW_DAYS_DEFAULT;
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < 1 || v > PREVIEW_DAYS_MAX ? -1 : (int)v;
}

void preview_form_post(hreq_t *r)
{
    char status[16];
    if (!cr_own_work(r, status))
        return;
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_request", T(r->lang, "err.bad_form"));
        return;
    }
    char token[PREVIEW_TOKEN_SIZE];
    int64_t id, expires;
    cr_err_t e;
    int days = parse_days(form_get(&f, "days"));
    if (preview_create(r->db, rq_param(r, 0), r->user.id, days, token, &id, &expires, &e) < 0) {
        cr_answer_err(r, &e);
        return;
    }
    /* The secret exists only now: shown on this page, never again. */
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "creator-preview-made", T(L, "creator.preview.title"));
    buf_lit(&b, "<p role=\"status\">");
    buf_htmlz(&b, T(L, "creator.preview.made"));
    buf_lit(&b, "</p>\n<p><a class=\"preview-url\" href=\"/p/");
    buf_htmlz(&b, token);
    buf_lit(&b, "\">/p/");
    buf_htmlz(&b, token);
    buf_lit(&b, "</a></p>\n<p>");
    buf_htmlz(&b, T(L, "creator.preview.expires"));
    buf_lit(&b, " ");
    page_time(&b, expires);
    buf_lit(&b, " ");
    buf_htmlz(&b, T(L, "creator.zone"));
    buf_hprintf(&b, "</p>\n<p><a href=\"/studio/%s\">", rq_param(r, 0));
    buf_htmlz(&b, T(L, "creator.back_to_editor"));
    buf_lit(&b, "</a></p>\n</section>\n");
    rs_header(r, "cache-control", "no-store");
    page_send(r, &b, 201);
}

/* Path parameter i as a positive id, or 0. */
static int64_t param_id(hreq_t *r, int i)
{
    char *end;
    long long v = strtoll(rq_param(r, i), &end, 10);
    return *end || v <= 0 ? 0 : (int64_t)v;
}

void preview_revoke_post(hreq_t *r)
{
    char status[16];
    if (!cr_own_work(r, status))
        return;
    cr_err_t e;
    if (preview_revoke(r->db, rq_param(r, 0), r->user.id, param_id(r, 1), &e) < 0) {
        cr_answer_err(r, &e);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/studio/%s", rq_param(r, 0));
    rs_redirect(r, 303, loc);
}

static void json_link(buf_t *b, int64_t id, const char *token, int64_t created, int64_t expires, int64_t revoked)
{
    char s[CLOCK_TEXT_MAX];
    buf_printf(b, "{\"id\":%lld", (long long)id);
    if (token) {
        buf_lit(b, ",\"token\":");
        buf_json_strz(b, token);
        buf_printf(b, ",\"url\":\"/p/%s\"", token); /* raw: JSON, a hex token */
    }
    clock_rfc3339(created, s);
    buf_printf(b, ",\"created_at\":\"%s\"", s); /* raw: JSON, an RFC 3339 time */
    clock_rfc3339(expires, s);
    buf_printf(b, ",\"expires_at\":\"%s\"", s); /* raw: JSON, an RFC 3339 time */
    buf_lit(b, ",\"status\":");
    if (revoked)
        buf_lit(b, "\"revoked\"");
    else if (expires <= clock_now())
        buf_lit(b, "\"expired\"");
    else
        buf_lit(b, "\"active\"");
    buf_ch(b, '}');
}

void preview_api_create(hreq_t *r)
{
    char status[16];
    if (!cr_own_work(r, status))
        return;
    int days = PREVIEW_DAYS_DEFAULT;
    size_t n;
    rq_body(r, &n);
    if (n) {
        json_t *j = api_body_object(r);
        if (!j)
            return;
        json_t *d = json_object_get(j, "days");
        if (d && !json_is_null(d))
            days = json_is_integer(d) && json_integer_value(d) >= 1 && json_integer_value(d) <= PREVIEW_DAYS_MAX
                       ? (int)json_integer_value(d)
                       : -1;
        json_decref(j);
    }
    char token[PREVIEW_TOKEN_SIZE];
    int64_t id, expires;
    cr_err_t e;
    if (preview_create(r->db, rq_param(r, 0), r->user.id, days, token, &id, &expires, &e) < 0) {
        cr_answer_err(r, &e);
        return;
    }
    buf_t b = BUF_INIT;
    json_link(&b, id, token, clock_now(), expires, 0);
    rs_json(r, 201, &b);
    buf_free(&b);
}

void preview_api_list(hreq_t *r)
{
    char status[16];
    if (!cr_own_work(r, status))
        return;
    db_stmt_t *st = db_prepare(r->db, "SELECT id, created_at, expires_at, coalesce(revoked_at, 0) FROM creator_previews "
                                      "WHERE work_id = :w ORDER BY id");
    db_bind_text(st, ":w", rq_param(r, 0));
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"previews\":[");
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n++)
            buf_ch(&b, ',');
        json_link(&b, db_col_int(st, 0), NULL, db_col_int(st, 1), db_col_int(st, 2), db_col_int(st, 3));
    }
    db_done(st);
    buf_lit(&b, "]}");
    if (rc == DB_ERROR)
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
    else
        rs_json(r, 200, &b);
    buf_free(&b);
}

void preview_api_revoke(hreq_t *r)
{
    char status[16];
    if (!cr_own_work(r, status))
        return;
    cr_err_t e;
    if (preview_revoke(r->db, rq_param(r, 0), r->user.id, param_id(r, 1), &e) < 0)
        cr_answer_err(r, &e);
    else
        rs_no_content(r);
}
