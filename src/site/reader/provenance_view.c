/*
 * provenance_view.c — see provenance_view.h.
 */
#include "site/reader/provenance_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "http/pool.h"
#include "provenance/originality.h"
#include "site/layout.h"

void prov_label(hreq_t *r, buf_t *b, const work_t *w)
{
    const char *text = provenance_label_text(&w->prov, w->declaration->code, r->lang);
    if (!text)
        return;
    buf_lit(b, "<p class=\"ai-label\" data-label=\"");
    buf_htmlz(b, w->prov.ai_label);
    buf_lit(b, "\"");
    if (strcmp(w->prov.ai_label, "detected") == 0 || strcmp(w->prov.ai_label, "possible") == 0) {
        /* Not the creator's declaration: say where the label comes from. */
        buf_lit(b, " title=\"");
        buf_htmlz(b, T(r->lang, "prov.ai_why"));
        buf_lit(b, "\"");
    }
    buf_lit(b, ">");
    buf_htmlz(b, text);
    buf_lit(b, "</p>\n");
}

/* "Title" by Author of a work, linked; nothing when it is not readable. */
static void work_link(hreq_t *r, buf_t *b, const char *id)
{
    work_t s;
    if (work_get(r->db, id, &s) != 1)
        return;
    if (strcmp(s.status, "published") == 0) {
        buf_lit(b, "<a class=\"source-link\" href=\"/a/");
        buf_htmlz(b, s.id);
        buf_lit(b, "\">");
        buf_htmlz(b, s.title);
        buf_lit(b, "</a> · ");
        buf_htmlz(b, T(r->lang, "prov.by"));
        buf_lit(b, " <a href=\"/u/");
        buf_url(b, s.author_handle, strlen(s.author_handle));
        buf_lit(b, "\">");
        buf_htmlz(b, s.author_name);
        buf_lit(b, "</a>");
        if (s.published_at) {
            buf_lit(b, " · ");
            page_time(b, s.published_at);
        }
    }
    work_free(&s);
}

void prov_source(hreq_t *r, buf_t *b, const work_t *w)
{
    if (w->original && !w->prov.source_id[0]) {
        buf_lit(b, "<p class=\"original-badge\">");
        buf_htmlz(b, T(r->lang, "prov.original"));
        buf_lit(b, "</p>\n");
    }
    if (!w->prov.source_id[0])
        return;
    buf_lit(b, "<p class=\"source\" data-source=\"");
    buf_htmlz(b, w->prov.source_id);
    buf_lit(b, "\">");
    buf_htmlz(b, T(r->lang, "prov.copy_notice"));
    buf_lit(b, " <span class=\"label\">");
    buf_htmlz(b, T(r->lang, "prov.source"));
    buf_lit(b, ":</span> ");
    work_link(r, b, w->prov.source_id);
    buf_lit(b, "</p>\n");
}

void prov_studio_warning(hreq_t *r, buf_t *b, const work_t *w, const orig_result_t *res)
{
    if (!res || res->n == 0)
        return;
    buf_lit(b, "<div class=\"alert originality-warning\" role=\"alert\"><p>");
    buf_htmlz(b, T(r->lang, "prov.warning"));
    buf_lit(b, "</p><ul>");
    for (int i = 0; i < res->n; i++) {
        buf_lit(b, "<li>");
        work_link(r, b, res->m[i].id);
        buf_hprintf(b, " · %s %d%%</li>", T(r->lang, "prov.score"), (res->m[i].score + 5) / 10);
    }
    buf_hprintf(b, "</ul><p><a href=\"/studio/%s/originality\">", w->id);
    buf_htmlz(b, T(r->lang, "prov.compare"));
    buf_lit(b, "</a> · ");
    buf_htmlz(b, T(r->lang, w->original ? "work.err.not_original" : "prov.hint_declare"));
    buf_lit(b, "</p></div>\n");
}

/* The comparison, computed on the worker pool: the check of the work's
 * current text (as publishing would run it) and, for each earlier work it
 * overlaps, both texts with the shared passages marked. */
typedef struct {
    pool_job_t job; /* first: the pool frees the job with free() */
    char id[WORK_ID_LEN + 1];
    int64_t author, seq;
    char *body;
    int own, rc;
    orig_result_t res;
    buf_t mine[ORIG_MAX_MATCHES], theirs[ORIG_MAX_MATCHES];
} compare_job_t;

static void compare_work(pool_job_t *j)
{
    compare_job_t *c = (compare_job_t *)j;
    db_t *db = pool_db();
    c->rc = db ? orig_check(db, c->id, c->author, c->seq, c->body, &c->res) : -1;
    if (c->rc < 0 || c->res.n == 0)
        return;
    orig_doc_t self;
    orig_doc_build_db(&self, db, c->body);
    for (int i = 0; i < c->res.n; i++) {
        db_stmt_t *st = db_prepare(db, "SELECT body FROM works WHERE id = :id");
        db_bind_text(st, ":id", c->res.m[i].id);
        if (db_step(st) == DB_ROW) {
            char *other_body = xstrdup(db_col_text(st, 0));
            db_done(st);
            orig_doc_t other;
            orig_doc_build_db(&other, db, other_body);
            orig_highlight(&self, &other, &c->mine[i]);
            orig_highlight(&other, &self, &c->theirs[i]);
            orig_doc_free(&other);
            free(other_body);
        } else {
            db_done(st);
        }
    }
    orig_doc_free(&self);
}

static void compare_done(pool_job_t *j, hreq_t *r)
{
    compare_job_t *c = (compare_job_t *)j;
    free(c->body);
    if (r) {
        lang_t L = r->lang;
        work_t w;
        if (c->rc < 0 || work_get(r->db, c->id, &w) != 1) {
            rs_error(r, 500, "internal", T(L, "err.internal"));
        } else {
            buf_t b = BUF_INIT, title = BUF_INIT;
            buf_printf(&title, "%s · %s", T(L, "prov.title"), w.title); /* raw: text */
            page_meta_t m = {.noindex = 1};
            page_begin(r, &b, buf_cstr(&title), &m);
            buf_lit(&b, "<section class=\"originality\">\n<p class=\"crumbs\">");
            if (c->own)
                buf_hprintf(&b, "<a href=\"/studio/%s\">", w.id);
            else
                buf_lit(&b, "<a href=\"/mod/originality\">");
            buf_htmlz(&b, c->own ? T(L, "work.edit") : T(L, "prov.mod_title"));
            buf_lit(&b, "</a></p>\n<h1 class=\"page-title\">");
            buf_htmlz(&b, T(L, "prov.title"));
            buf_lit(&b, ": ");
            buf_htmlz(&b, w.title);
            buf_lit(&b, "</h1>\n");
            const char *note = c->res.too_short ? "prov.too_short" : c->res.n == 0 ? "prov.none" : NULL;
            if (note) {
                buf_lit(&b, "<p class=\"notice-ok\" role=\"status\">");
                buf_htmlz(&b, T(L, note));
                buf_lit(&b, "</p>\n");
            } else {
                buf_lit(&b, "<p class=\"hint\">");
                buf_htmlz(&b, T(L, "prov.hint"));
                buf_lit(&b, "</p>\n");
            }
            for (int i = 0; i < c->res.n; i++) {
                if (!c->mine[i].len)
                    continue;
                buf_lit(&b, "<section class=\"compare\">\n<h2>");
                buf_htmlz(&b, T(L, "prov.earlier"));
                buf_lit(&b, ": ");
                work_link(r, &b, c->res.m[i].id);
                buf_hprintf(&b,
                            " · %s <strong>%d%%</strong></h2>\n<div class=\"side-by-side\">\n<div class=\"side\"><h3>",
                            T(L, "prov.score"), (c->res.m[i].score + 5) / 10);
                buf_htmlz(&b, T(L, "prov.this_work"));
                buf_lit(&b, "</h3>\n");
                buf_raw(&b, c->mine[i].p, c->mine[i].len); /* raw: orig_highlight: escaped text and <mark> */
                buf_lit(&b, "</div>\n<div class=\"side\"><h3>");
                buf_htmlz(&b, T(L, "prov.earlier"));
                buf_lit(&b, "</h3>\n");
                buf_raw(&b, c->theirs[i].p, c->theirs[i].len); /* raw: orig_highlight, likewise */
                buf_lit(&b, "</div>\n</div>\n</section>\n");
            }
            buf_lit(&b, "</section>\n");
            page_end(r, &b);
            rs_html(r, 200, &b);
            buf_free(&b);
            buf_free(&title);
            work_free(&w);
        }
    }
    for (int i = 0; i < ORIG_MAX_MATCHES; i++) {
        buf_free(&c->mine[i]);
        buf_free(&c->theirs[i]);
    }
}

/* The comparison page for work id: every earlier work it overlaps, side by
 * side, shared passages marked. own: only the author may see it. */
static void compare_page(hreq_t *r, int own)
{
    lang_t L = r->lang;
    work_t w;
    int rc = work_get(r->db, rq_param(r, 0), &w);
    if (rc <= 0) {
        if (rc < 0)
            rs_error(r, 500, "internal", T(L, "err.internal"));
        else
            rs_error(r, 404, "not_found", T(L, "work.err.not_found"));
        return;
    }
    if (own && w.author_id != r->user.id) {
        work_free(&w);
        rs_error(r, 403, "forbidden", T(L, "work.err.not_yours"));
        return;
    }
    if (!own && strcmp(w.status, "draft") == 0) {
        /* Moderators judge what was published; drafts stay their author's. */
        work_free(&w);
        rs_error(r, 404, "not_found", T(L, "work.err.not_found"));
        return;
    }
    compare_job_t *c = xcalloc(1, sizeof *c);
    c->job.work = compare_work;
    c->job.done = compare_done;
    snprintf(c->id, sizeof c->id, "%s", w.id);
    c->author = w.author_id;
    c->seq = w.prov.seq;
    c->own = own;
    c->body = w.body; /* the job owns it now */
    w.body = NULL;
    work_free(&w);
    pool_submit(r, &c->job);
}

/* GET /studio/:id/originality — the creator's own work against the earlier
 * works by others it overlaps, as publishing would check it now. */
void prov_studio_page(hreq_t *r)
{
    compare_page(r, 1);
}

/* GET /mod/originality/:id — the same comparison for moderators, any work. */
void prov_mod_page(hreq_t *r)
{
    compare_page(r, 0);
}

/* GET /mod/originality — published works with a copy verdict, newest first
 * (the 100 most recent). */
void prov_mod_list(hreq_t *r)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_meta_t m = {.noindex = 1};
    page_begin(r, &b, T(L, "prov.mod_title"), &m);
    buf_lit(&b, "<section class=\"originality\">\n<h1 class=\"page-title\">");
    buf_htmlz(&b, T(L, "prov.mod_title"));
    buf_lit(&b, "</h1>\n");
    db_stmt_t *st = db_prepare(r->db, "SELECT w.id, w.title, u.handle, max(m.score), count(*) "
                                      "FROM originality_match m JOIN works w ON w.id = m.work_id "
                                      "JOIN users u ON u.id = w.author_id WHERE w.status = 'published' "
                                      "GROUP BY w.id, w.title, u.handle, w.published_at "
                                      "ORDER BY w.published_at DESC, w.id DESC LIMIT 100");
    int n = 0, s;
    while ((s = db_step(st)) == DB_ROW) {
        if (n++ == 0)
            buf_lit(&b, "<ul class=\"originality-list\">\n");
        buf_lit(&b, "<li><a href=\"/mod/originality/");
        buf_htmlz(&b, db_col_text(st, 0));
        buf_lit(&b, "\">");
        buf_htmlz(&b, db_col_text(st, 1));
        buf_lit(&b, "</a> · @");
        buf_htmlz(&b, db_col_text(st, 2));
        buf_hprintf(&b, " · %s %lld%% (%lld)</li>\n", T(L, "prov.score"), (long long)(db_col_int(st, 3) + 5) / 10,
                    (long long)db_col_int(st, 4));
    }
    db_done(st);
    if (s == DB_ERROR) {
        buf_free(&b);
        rs_error(r, 500, "internal", T(L, "err.internal"));
        return;
    }
    if (n)
        buf_lit(&b, "</ul>\n");
    else {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(L, "prov.mod_empty"));
        buf_lit(&b, "</p>\n");
    }
    buf_lit(&b, "</section>\n");
    page_end(r, &b);
    rs_html(r, 200, &b);
    buf_free(&b);
}
