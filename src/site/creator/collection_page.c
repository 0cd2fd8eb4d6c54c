/*
 * collection_page.c — collections' pages, feeds, studio and API. See
 * collection_page.h. Part of the creator tools (site/creator/); loop
 * thread, the request's connection.
 */
#include "site/creator/collection_page.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/i18n.h"
#include "http/router.h"
#include "site/accounts/account.h"
#include "site/api/api.h"
#include "site/creator/collection.h"
#include "site/layout.h"
#include "site/reader/feed.h"
#include "site/site.h"
#include "site/works/media.h"

#define COLL_SCRIPT "/static/creator-collections.js"
#define NAV_MAX 5 /* collections named on one work's page */

/* Path parameter i as a positive id, or 0. */
static int64_t param_id(hreq_t *r, int i)
{
    const char *s = rq_param(r, i);
    char *end;
    long long v = strtoll(s, &end, 10);
    return !*s || *end || v <= 0 ? 0 : (int64_t)v;
}

/* The collection of path parameter 0: 1 with *c, or 0 after answering. */
static int load(hreq_t *r, coll_t *c)
{
    int64_t id = param_id(r, 0);
    int rc = id ? coll_get(r->db, id, c) : 0;
    if (rc < 0)
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
    else if (rc == 0)
        rs_error(r, 404, "not_found", T(r->lang, "creator.coll.err.not_found"));
    return rc == 1;
}

/* As load, and the user's own: 1, or 0 after answering (403). */
static int load_own(hreq_t *r, coll_t *c)
{
    if (!load(r, c))
        return 0;
    if (c->author_id != r->user.id) {
        coll_free(c);
        rs_error(r, 403, "forbidden", T(r->lang, "creator.coll.err.not_yours"));
        return 0;
    }
    return 1;
}

/* The members of c as works, in order: 0 with *l (work_list_free), or -1. */
static int member_works(db_t *db, int64_t id, int published_only, work_list_t *l)
{
    static _Thread_local char ids[COLL_WORKS_MAX][WORK_ID_LEN + 1];
    memset(l, 0, sizeof *l);
    int n = coll_members(db, id, published_only, ids);
    if (n < 0)
        return -1;
    for (int at = 0; at < n; at += WORK_IDS_MAX) {
        const char *p[WORK_IDS_MAX];
        int k = n - at < WORK_IDS_MAX ? n - at : WORK_IDS_MAX;
        for (int i = 0; i < k; i++)
            p[i] = ids[at + i];
        work_list_t part;
        if (work_list_ids(db, p, k, published_only, &part) < 0) {
            work_list_free(l);
            return -1;
        }
        l->items = realloc(l->items, (size_t)(l->n + part.n) * sizeof(work_t) + 1);
        memcpy(l->items + l->n, part.items, (size_t)part.n * sizeof(work_t));
        l->n += part.n;
        free(part.items);
    }
    return 0;
}

/* ---- the public page ---- */

void coll_page(hreq_t *r)
{
    coll_t c;
    if (!load(r, &c))
        return;
    work_list_t l;
    if (member_works(r->db, c.id, 1, &l) < 0) {
        coll_free(&c);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    lang_t L = r->lang;
    char path[48], atom[64], jsonf[64];
    snprintf(path, sizeof path, "/c/%lld", (long long)c.id);
    snprintf(atom, sizeof atom, "%s/feed.atom", path);
    snprintf(jsonf, sizeof jsonf, "%s/feed.json", path);
    buf_t b = BUF_INIT;
    page_meta_t m = {.canonical = path, .feed_atom = atom, .feed_json = jsonf, .description = c.description};
    page_begin(r, &b, c.title, &m);
    buf_lit(&b, "<section class=\"collection\">\n<header class=\"collection-head\">\n");
    if (c.cover[0])
        buf_hprintf(&b, "<img class=\"collection-cover\" src=\"/m/%s\" alt=\"\">\n", c.cover);
    buf_lit(&b, "<p class=\"collection-kind\">");
    buf_htmlz(&b, T(L, "creator.coll.kind"));
    buf_lit(&b, "</p>\n<h1 class=\"page-title\">");
    buf_htmlz(&b, c.title);
    buf_lit(&b, "</h1>\n<p class=\"byline\"><a href=\"/u/");
    buf_url(&b, c.author_handle, strlen(c.author_handle));
    buf_lit(&b, "\">");
    buf_htmlz(&b, c.author_name);
    buf_lit(&b, "</a> · ");
    buf_hprintf(&b, T(L, "creator.coll.count"), l.n);
    buf_lit(&b, "</p>\n");
    if (c.description[0]) {
        buf_lit(&b, "<p class=\"collection-description\">");
        buf_htmlz(&b, c.description);
        buf_lit(&b, "</p>\n");
    }
    buf_hprintf(&b, "<p class=\"feeds\"><a href=\"%s\">Atom</a> · <a href=\"%s\">JSON Feed</a></p>\n</header>\n", atom,
                jsonf);
    if (l.n == 0) {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(L, "creator.coll.empty"));
        buf_lit(&b, "</p>\n");
    } else {
        buf_lit(&b, "<ol class=\"collection-works\">\n");
        for (int i = 0; i < l.n; i++) {
            const work_t *w = &l.items[i];
            buf_hprintf(&b, "<li><h2><a href=\"/a/%s\">", w->id);
            buf_htmlz(&b, w->title);
            buf_lit(&b, "</a></h2>\n<p class=\"excerpt\">");
            buf_t ex = BUF_INIT;
            work_excerpt(w->body, 100, &ex);
            buf_html(&b, buf_cstr(&ex), ex.len);
            buf_free(&ex);
            buf_lit(&b, "</p></li>\n");
        }
        buf_lit(&b, "</ol>\n");
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
    work_list_free(&l);
    coll_free(&c);
}

/* ---- feeds ---- */

static void rfc3339(buf_t *b, int64_t t)
{
    char s[CLOCK_TEXT_MAX];
    clock_rfc3339(t, s);
    buf_xml(b, s, strlen(s));
}

static void feed(hreq_t *r, int json)
{
    coll_t c;
    if (!load(r, &c))
        return;
    work_list_t l;
    if (member_works(r->db, c.id, 1, &l) < 0) {
        coll_free(&c);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT, o = BUF_INIT, u = BUF_INIT;
    feed_origin(r, &o);
    buf_printf(&u, "%s/c/%lld", buf_cstr(&o), (long long)c.id); /* raw: URL */
    int64_t last = c.updated_at;
    for (int i = 0; i < l.n; i++)
        if (l.items[i].updated_at > last)
            last = l.items[i].updated_at;
    if (json) {
        buf_lit(&b, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":");
        buf_json_strz(&b, c.title);
        buf_lit(&b, ",\"description\":");
        buf_json_strz(&b, c.description);
        buf_lit(&b, ",\"home_page_url\":");
        buf_json_str(&b, u.p, u.len);
        buf_t fu = BUF_INIT;
        buf_printf(&fu, "%s/feed.json", buf_cstr(&u)); /* raw: URL */
        buf_lit(&b, ",\"feed_url\":");
        buf_json_str(&b, fu.p, fu.len);
        buf_free(&fu);
        buf_lit(&b, ",\"authors\":[{\"name\":");
    }
    if (json) {
        buf_json_strz(&b, c.author_name);
        buf_lit(&b, "}],\"language\":\"zh-CN\",\"items\":[");
    } else {
        buf_lit(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
        buf_xml(&b, c.title, strlen(c.title));
        buf_lit(&b, "</title>\n<subtitle>");
        buf_xml(&b, c.description, strlen(c.description));
        buf_lit(&b, "</subtitle>\n<id>");
        buf_xml(&b, u.p, u.len);
        buf_lit(&b, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
        buf_xml(&b, u.p, u.len);
        buf_lit(&b, "\"/>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
        buf_xml(&b, u.p, u.len);
        buf_lit(&b, "/feed.atom\"/>\n<updated>");
        rfc3339(&b, last);
        buf_lit(&b, "</updated>\n<author><name>");
        buf_xml(&b, c.author_name, strlen(c.author_name));
        buf_lit(&b, "</name></author>\n<generator>hao</generator>\n");
    }
    for (int i = 0; i < l.n; i++) {
        const work_t *w = &l.items[i];
        buf_t url = BUF_INIT, html = BUF_INIT, ex = BUF_INIT;
        buf_printf(&url, "%s/a/%s", buf_cstr(&o), w->id); /* raw: URL */
        media_render(r->db, w->body, strlen(w->body), &html, NULL);
        work_excerpt(w->body, 200, &ex);
        if (json) {
            if (i)
                buf_ch(&b, ',');
            buf_lit(&b, "{\"id\":");
            buf_json_str(&b, url.p, url.len);
            buf_lit(&b, ",\"url\":");
            buf_json_str(&b, url.p, url.len);
            buf_lit(&b, ",\"title\":");
            buf_json_strz(&b, w->title);
            buf_lit(&b, ",\"content_html\":");
            buf_json_str(&b, html.p, html.len);
            buf_lit(&b, ",\"summary\":");
            buf_json_str(&b, ex.p, ex.len);
            char s[CLOCK_TEXT_MAX];
            clock_rfc3339(w->published_at, s);
            buf_printf(&b, ",\"date_published\":\"%s\"", s); /* raw: JSON, an RFC 3339 time */
            clock_rfc3339(w->updated_at, s);
            buf_printf(&b, ",\"date_modified\":\"%s\",\"_hao\":{\"position\":%d,\"of\":%d}}", s, i + 1, /* raw: JSON */
                       l.n);
        } else {
            buf_lit(&b, "<entry>\n<title>");
            buf_xml(&b, w->title, strlen(w->title));
            buf_lit(&b, "</title>\n<id>");
            buf_xml(&b, url.p, url.len);
            buf_lit(&b, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
            buf_xml(&b, url.p, url.len);
            buf_lit(&b, "\"/>\n<published>");
            rfc3339(&b, w->published_at);
            buf_lit(&b, "</published>\n<updated>");
            rfc3339(&b, w->updated_at);
            buf_lit(&b, "</updated>\n<summary>");
            buf_xml(&b, ex.p, ex.len);
            buf_lit(&b, "</summary>\n<content type=\"html\">");
            buf_xml(&b, html.p, html.len);
            buf_lit(&b, "</content>\n</entry>\n");
        }
        buf_free(&url);
        buf_free(&html);
        buf_free(&ex);
    }
    if (json) {
        buf_lit(&b, "]}");
        rs_send(r, 200, "application/feed+json; charset=utf-8", buf_cstr(&b), b.len);
    } else {
        buf_lit(&b, "</feed>\n");
        rs_send(r, 200, "application/atom+xml; charset=utf-8", buf_cstr(&b), b.len);
    }
    buf_free(&b);
    buf_free(&o);
    buf_free(&u);
    work_list_free(&l);
    coll_free(&c);
}

void coll_feed_atom(hreq_t *r)
{
    feed(r, 0);
}

void coll_feed_json(hreq_t *r)
{
    feed(r, 1);
}

/* ---- "n of N" on a work ---- */

/* The title of work id into out (empty when unknown). */
static void work_title(db_t *db, const char *id, buf_t *out)
{
    db_stmt_t *st = db_prepare(db, "SELECT title FROM works WHERE id = :w");
    db_bind_text(st, ":w", id);
    if (db_step(st) == DB_ROW)
        buf_htmlz(out, db_col_text(st, 0));
    db_done(st);
}

void coll_work_nav(hreq_t *r, buf_t *b, const char *work_id)
{
    db_stmt_t *st = db_prepare(r->db, "SELECT c.id, c.title FROM collection_works cw JOIN collections c "
                                      "ON c.id = cw.collection_id WHERE cw.work_id = :w ORDER BY c.id LIMIT 5");
    db_bind_text(st, ":w", work_id);
    int64_t cids[NAV_MAX];
    char titles[NAV_MAX][COLL_TITLE_MAX * 4 + 1];
    int nc = 0;
    while (db_step(st) == DB_ROW && nc < NAV_MAX) {
        cids[nc] = db_col_int(st, 0);
        snprintf(titles[nc], sizeof titles[nc], "%s", db_col_text(st, 1));
        nc++;
    }
    db_done(st);
    static _Thread_local char ids[COLL_WORKS_MAX][WORK_ID_LEN + 1];
    lang_t L = r->lang;
    for (int k = 0; k < nc; k++) {
        int n = coll_members(r->db, cids[k], 1, ids), at = -1;
        for (int i = 0; i < n; i++)
            if (strcmp(ids[i], work_id) == 0)
                at = i;
        if (at < 0)
            continue;
        buf_lit(b, "<nav class=\"collection-nav\" aria-label=\"");
        buf_htmlz(b, T(L, "creator.coll.kind"));
        buf_lit(b, ": ");
        buf_htmlz(b, titles[k]);
        buf_hprintf(b, "\">\n<p><a href=\"/c/%lld\">", (long long)cids[k]);
        buf_htmlz(b, titles[k]);
        buf_lit(b, "</a> · <span class=\"collection-pos\">");
        buf_hprintf(b, T(L, "creator.coll.n_of"), at + 1, n);
        buf_lit(b, "</span></p>\n<p class=\"collection-prevnext\">");
        if (at > 0) {
            buf_hprintf(b, "<a rel=\"prev\" href=\"/a/%s\">← ", ids[at - 1]);
            buf_htmlz(b, T(L, "creator.coll.prev"));
            buf_lit(b, ": ");
            work_title(r->db, ids[at - 1], b);
            buf_lit(b, "</a>");
        }
        if (at + 1 < n) {
            if (at > 0)
                buf_lit(b, " · ");
            buf_hprintf(b, "<a rel=\"next\" href=\"/a/%s\">", ids[at + 1]);
            buf_htmlz(b, T(L, "creator.coll.next"));
            buf_lit(b, ": ");
            work_title(r->db, ids[at + 1], b);
            buf_lit(b, " →</a>");
        }
        buf_lit(b, "</p>\n</nav>\n");
    }
}

/* ---- the studio ---- */

static void redirect_to(hreq_t *r, int64_t id)
{
    char loc[64];
    snprintf(loc, sizeof loc, "/studio/collections/%lld", (long long)id);
    rs_redirect(r, 303, loc);
}

static int get_form(hreq_t *r, form_t *f)
{
    if (rq_form(r, f) < 0) {
        rs_error(r, 400, "bad_request", T(r->lang, "err.bad_form"));
        return -1;
    }
    return 0;
}

static void fields_form(hreq_t *r, buf_t *b, const char *action, const coll_t *c)
{
    lang_t L = r->lang;
    buf_hprintf(b, "<form method=\"post\" action=\"%s\" class=\"stack\">", action);
    page_csrf_field(r, b);
    buf_lit(b, "\n<p><label for=\"coll-title\">");
    buf_htmlz(b, T(L, "creator.coll.f_title"));
    buf_hprintf(b, "</label><input id=\"coll-title\" name=\"title\" required maxlength=\"%d\" value=\"", COLL_TITLE_MAX);
    if (c)
        buf_htmlz(b, c->title);
    buf_lit(b, "\"></p>\n<p><label for=\"coll-desc\">");
    buf_htmlz(b, T(L, "creator.coll.f_description"));
    buf_lit(b, "</label><textarea id=\"coll-desc\" name=\"description\" rows=\"3\">");
    if (c)
        buf_htmlz(b, c->description);
    buf_lit(b, "</textarea></p>\n<p><label for=\"coll-cover\">");
    buf_htmlz(b, T(L, "creator.coll.f_cover"));
    buf_lit(b, "</label><input id=\"coll-cover\" name=\"cover\" value=\"");
    if (c)
        buf_htmlz(b, c->cover);
    buf_lit(b, "\"></p>\n<p><button type=\"submit\">");
    buf_htmlz(b, T(L, c ? "creator.coll.save" : "creator.coll.create"));
    buf_lit(b, "</button></p>\n</form>\n");
}

void coll_studio_list(hreq_t *r)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "studio collections", T(L, "creator.coll.my"));
    buf_lit(&b, "<p><a href=\"/studio\">");
    buf_htmlz(&b, T(L, "work.my_works"));
    buf_lit(&b, "</a></p>\n");
    db_stmt_t *st = db_prepare(r->db, "SELECT c.id, c.title, (SELECT count(*) FROM collection_works cw "
                                      "WHERE cw.collection_id = c.id) FROM collections c WHERE c.author_id = :a "
                                      "ORDER BY c.updated_at DESC, c.id DESC");
    db_bind_int(st, ":a", r->user.id);
    int n = 0;
    while (db_step(st) == DB_ROW) {
        if (n++ == 0)
            buf_lit(&b, "<ul class=\"collection-list\">\n");
        int64_t id = db_col_int(st, 0);
        buf_hprintf(&b, "<li><a href=\"/studio/collections/%lld\">", (long long)id);
        buf_htmlz(&b, db_col_text(st, 1));
        buf_lit(&b, "</a> · ");
        buf_hprintf(&b, T(L, "creator.coll.count"), (int)db_col_int(st, 2));
        buf_hprintf(&b, " · <a href=\"/c/%lld\">", (long long)id);
        buf_htmlz(&b, T(L, "creator.coll.public_page"));
        buf_lit(&b, "</a></li>\n");
    }
    db_done(st);
    if (n)
        buf_lit(&b, "</ul>\n");
    else {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(L, "creator.coll.none"));
        buf_lit(&b, "</p>\n");
    }
    buf_lit(&b, "<h2>");
    buf_htmlz(&b, T(L, "creator.coll.new"));
    buf_lit(&b, "</h2>\n");
    fields_form(r, &b, "/studio/collections", NULL);
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
}

void coll_studio_create(hreq_t *r)
{
    form_t f;
    if (get_form(r, &f) < 0)
        return;
    int64_t id;
    cr_err_t e;
    if (coll_create(r->db, r->user.id, form_get(&f, "title"), form_get(&f, "description"), form_get(&f, "cover"), &id,
                    &e) < 0)
        cr_answer_err(r, &e);
    else
        redirect_to(r, id);
}

/* One small form posting action for work id (a button). */
static void work_button(hreq_t *r, buf_t *b, int64_t cid, const char *id, const char *action, const char *label,
                        const char *title)
{
    buf_hprintf(b, "<form method=\"post\" action=\"/studio/collections/%lld/works\" class=\"inline\">", (long long)cid);
    page_csrf_field(r, b);
    buf_hprintf(b, "<input type=\"hidden\" name=\"work\" value=\"%s\"><button type=\"submit\" name=\"action\" "
                   "value=\"%s\" class=\"secondary\" aria-label=\"",
                id, action);
    buf_htmlz(b, label);
    buf_lit(b, ": ");
    buf_htmlz(b, title);
    buf_lit(b, "\">");
    buf_htmlz(b, label);
    buf_lit(b, "</button></form>");
}

void coll_studio_edit(hreq_t *r)
{
    coll_t c;
    if (!load_own(r, &c))
        return;
    work_list_t l;
    if (member_works(r->db, c.id, 0, &l) < 0) {
        coll_free(&c);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_meta_t m = {.noindex = 1, .script = COLL_SCRIPT};
    page_begin(r, &b, c.title, &m);
    buf_lit(&b, "<section class=\"studio collection-edit\">\n<h1 class=\"page-title\">");
    buf_htmlz(&b, c.title);
    buf_hprintf(&b, "</h1>\n<p><a href=\"/studio/collections\">");
    buf_htmlz(&b, T(L, "creator.coll.my"));
    buf_hprintf(&b, "</a> · <a href=\"/c/%lld\">", (long long)c.id);
    buf_htmlz(&b, T(L, "creator.coll.public_page"));
    buf_lit(&b, "</a></p>\n<h2 id=\"coll-works-h\">");
    buf_htmlz(&b, T(L, "creator.coll.works"));
    buf_lit(&b, "</h2>\n<p class=\"hint\">");
    buf_htmlz(&b, T(L, "creator.coll.reorder_hint"));
    buf_lit(&b, "</p>\n");
    if (l.n) {
        buf_hprintf(&b, "<ol id=\"coll-works\" class=\"collection-works studio-order\" aria-labelledby=\"coll-works-h\" "
                        "data-order=\"/studio/collections/%lld/order\" data-csrf=\"",
                    (long long)c.id);
        buf_htmlz(&b, csrf_token(r));
        buf_lit(&b, "\" data-saved=\"");
        buf_htmlz(&b, T(L, "creator.coll.order_saved"));
        buf_lit(&b, "\" data-failed=\"");
        buf_htmlz(&b, T(L, "creator.coll.order_failed"));
        buf_lit(&b, "\">\n");
        for (int i = 0; i < l.n; i++) {
            const work_t *w = &l.items[i];
            buf_hprintf(&b, "<li data-id=\"%s\"><span class=\"drag-handle\" aria-hidden=\"true\">⠿</span> "
                            "<a href=\"/studio/%s\">",
                        w->id, w->id);
            buf_htmlz(&b, w->title);
            buf_lit(&b, "</a>");
            if (strcmp(w->status, "published") != 0) {
                buf_lit(&b, " <span class=\"status status-draft\">");
                buf_htmlz(&b, T(L, "work.status.draft"));
                buf_lit(&b, "</span>");
            }
            buf_lit(&b, " <span class=\"row-actions\">");
            if (i > 0)
                work_button(r, &b, c.id, w->id, "up", T(L, "creator.coll.up"), w->title);
            if (i + 1 < l.n)
                work_button(r, &b, c.id, w->id, "down", T(L, "creator.coll.down"), w->title);
            work_button(r, &b, c.id, w->id, "remove", T(L, "creator.coll.remove"), w->title);
            buf_lit(&b, "</span></li>\n");
        }
        buf_lit(&b, "</ol>\n<p id=\"coll-order-state\" class=\"save-state\" role=\"status\" aria-live=\"polite\"></p>\n");
    } else {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(L, "creator.coll.empty"));
        buf_lit(&b, "</p>\n");
    }
    /* Add one of the author's works not in it yet. */
    db_stmt_t *st = db_prepare(r->db, "SELECT id, title FROM works WHERE author_id = :a AND status IN ('draft','published') "
                                      "AND id NOT IN (SELECT work_id FROM collection_works WHERE collection_id = :c) "
                                      "ORDER BY updated_at DESC LIMIT 200");
    db_bind_int(st, ":a", r->user.id);
    db_bind_int(st, ":c", c.id);
    int n = 0;
    while (db_step(st) == DB_ROW) {
        if (n++ == 0) {
            buf_hprintf(&b, "<form method=\"post\" action=\"/studio/collections/%lld/works\" class=\"stack\">",
                        (long long)c.id);
            page_csrf_field(r, &b);
            buf_lit(&b, "<p><label for=\"coll-add\">");
            buf_htmlz(&b, T(L, "creator.coll.add_label"));
            buf_lit(&b, "</label><select id=\"coll-add\" name=\"work\">\n");
        }
        buf_hprintf(&b, "<option value=\"%s\">", db_col_text(st, 0));
        buf_htmlz(&b, db_col_text(st, 1));
        buf_lit(&b, "</option>\n");
    }
    db_done(st);
    if (n) {
        buf_lit(&b, "</select></p>\n<p><button type=\"submit\" name=\"action\" value=\"add\">");
        buf_htmlz(&b, T(L, "creator.coll.add"));
        buf_lit(&b, "</button></p>\n</form>\n");
    }
    buf_lit(&b, "<h2>");
    buf_htmlz(&b, T(L, "creator.coll.details"));
    buf_lit(&b, "</h2>\n");
    char action[64];
    snprintf(action, sizeof action, "/studio/collections/%lld", (long long)c.id);
    fields_form(r, &b, action, &c);
    buf_hprintf(&b, "<form method=\"post\" action=\"/studio/collections/%lld/delete\" class=\"inline\">", (long long)c.id);
    page_csrf_field(r, &b);
    buf_lit(&b, "<button type=\"submit\" class=\"secondary danger\">");
    buf_htmlz(&b, T(L, "creator.coll.delete"));
    buf_lit(&b, "</button></form>\n</section>\n");
    page_send(r, &b, 200);
    work_list_free(&l);
    coll_free(&c);
}

void coll_studio_save(hreq_t *r)
{
    form_t f;
    int64_t id = param_id(r, 0);
    if (get_form(r, &f) < 0)
        return;
    cr_err_t e;
    if (coll_update(r->db, id, r->user.id, form_get(&f, "title"), form_get(&f, "description"), form_get(&f, "cover"),
                    &e) < 0)
        cr_answer_err(r, &e);
    else
        redirect_to(r, id);
}

void coll_studio_works(hreq_t *r)
{
    form_t f;
    int64_t id = param_id(r, 0);
    if (get_form(r, &f) < 0)
        return;
    const char *action = form_get(&f, "action"), *work = form_get(&f, "work");
    cr_err_t e;
    int rc;
    if (!action || !work)
        rc = cr_fail(&e, 400, "bad_request", "err.bad_form");
    else if (strcmp(action, "add") == 0)
        rc = coll_add(r->db, id, r->user.id, work, &e);
    else if (strcmp(action, "remove") == 0)
        rc = coll_remove(r->db, id, r->user.id, work, &e);
    else if (strcmp(action, "up") == 0 || strcmp(action, "down") == 0)
        rc = coll_move(r->db, id, r->user.id, work, action[0] == 'u' ? -1 : 1, &e);
    else
        rc = cr_fail(&e, 400, "bad_request", "err.bad_form");
    if (rc < 0)
        cr_answer_err(r, &e);
    else
        redirect_to(r, id);
}

/* Split a comma-separated list of ids into ids[] (at most max): n, or -1. */
static int split_ids(hreq_t *r, const char *s, const char **ids, int max)
{
    int n = 0;
    if (!s)
        return -1;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len != WORK_ID_LEN || n >= max)
            return -1;
        ids[n++] = rq_strndup(r, s, len);
        s += len + (e ? 1 : 0);
    }
    return n;
}

void coll_studio_order(hreq_t *r)
{
    form_t f;
    int64_t id = param_id(r, 0);
    if (get_form(r, &f) < 0)
        return;
    const char *ids[COLL_WORKS_MAX];
    int n = split_ids(r, form_get(&f, "ids"), ids, COLL_WORKS_MAX);
    cr_err_t e;
    /* A reorder keeps the members: the same set, another order. */
    static _Thread_local char have[COLL_WORKS_MAX][WORK_ID_LEN + 1];
    int nh = n >= 0 ? coll_members(r->db, id, 0, have) : -1;
    int same = n >= 0 && nh == n;
    for (int i = 0; same && i < n; i++) {
        int found = 0;
        for (int j = 0; j < nh; j++)
            found |= strcmp(ids[i], have[j]) == 0;
        same = found;
    }
    int rc = !same ? cr_fail(&e, 422, "not_a_reorder", "creator.coll.err.not_reorder")
                   : coll_set(r->db, id, r->user.id, ids, n, &e);
    if (rc < 0)
        cr_answer_err(r, &e);
    else
        redirect_to(r, id);
}

void coll_studio_delete(hreq_t *r)
{
    cr_err_t e;
    if (coll_delete(r->db, param_id(r, 0), r->user.id, &e) < 0)
        cr_answer_err(r, &e);
    else
        rs_redirect(r, 303, "/studio/collections");
}

void coll_studio_pick(hreq_t *r)
{
    form_t f;
    if (get_form(r, &f) < 0)
        return;
    int64_t cids[COLL_PER_AUTHOR_MAX];
    int n = 0;
    cr_err_t e = {0};
    for (int i = 0; i < f.n; i++) {
        if (strcmp(f.names[i], "c") != 0)
            continue;
        char *end;
        long long v = strtoll(f.values[i], &end, 10);
        if (*end || v <= 0 || n >= COLL_PER_AUTHOR_MAX) {
            cr_fail(&e, 400, "bad_request", "err.bad_form");
            break;
        }
        cids[n++] = v;
    }
    if (e.status || coll_set_for_work(r->db, r->user.id, rq_param(r, 0), cids, n, &e) < 0) {
        cr_answer_err(r, &e);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/studio/%s", rq_param(r, 0));
    rs_redirect(r, 303, loc);
}

void coll_editor_panel(hreq_t *r, buf_t *b, const char *work_id, const char *status)
{
    lang_t L = r->lang;
    if (strcmp(status, "draft") != 0 && strcmp(status, "published") != 0)
        return;
    buf_lit(b, "<section class=\"creator-panel collections\" aria-labelledby=\"coll-h\">\n<h2 id=\"coll-h\">");
    buf_htmlz(b, T(L, "creator.coll.my"));
    buf_lit(b, "</h2>\n");
    db_stmt_t *st = db_prepare(r->db, "SELECT c.id, c.title, EXISTS (SELECT 1 FROM collection_works cw WHERE "
                                      "cw.collection_id = c.id AND cw.work_id = :w) FROM collections c "
                                      "WHERE c.author_id = :a ORDER BY c.title, c.id");
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":a", r->user.id);
    int n = 0;
    while (db_step(st) == DB_ROW) {
        if (n++ == 0) {
            buf_hprintf(b, "<form method=\"post\" action=\"/studio/%s/collections\">", work_id);
            page_csrf_field(r, b);
            buf_lit(b, "<fieldset><legend>");
            buf_htmlz(b, T(L, "creator.coll.pick"));
            buf_lit(b, "</legend>\n");
        }
        int64_t id = db_col_int(st, 0);
        buf_hprintf(b, "<label class=\"check\"><input type=\"checkbox\" name=\"c\" value=\"%lld\"%s> ", (long long)id,
                    db_col_int(st, 2) ? " checked" : "");
        buf_htmlz(b, db_col_text(st, 1));
        buf_lit(b, "</label>\n");
    }
    db_done(st);
    if (n) {
        buf_lit(b, "</fieldset>\n<p><button type=\"submit\">");
        buf_htmlz(b, T(L, "creator.coll.pick_save"));
        buf_lit(b, "</button></p>\n</form>\n");
    }
    buf_lit(b, "<p><a href=\"/studio/collections\">");
    buf_htmlz(b, T(L, n ? "creator.coll.manage" : "creator.coll.new"));
    buf_lit(b, "</a></p>\n</section>\n");
}

/* The drag-and-drop reorder: moves the list items, then posts the new
 * order (the same form the buttons' page would: CSRF field and all). */
static const char script[] =
    "(function(){'use strict';\n"
    "var list=document.getElementById('coll-works');if(!list)return;\n"
    "var state=document.getElementById('coll-order-state'),dragged=null;\n"
    "function save(){var ids=[].map.call(list.querySelectorAll('li'),function(li){return li.dataset.id;});\n"
    " var body=new URLSearchParams();body.set('csrf',list.dataset.csrf);body.set('ids',ids.join(','));\n"
    " fetch(list.dataset.order,{method:'POST',body:body,credentials:'same-origin'}).then(function(r){\n"
    "  state.textContent=r.ok?list.dataset.saved:list.dataset.failed;},function(){state.textContent=list.dataset.failed;});}\n"
    "[].forEach.call(list.querySelectorAll('li'),function(li){li.draggable=true;\n"
    " li.addEventListener('dragstart',function(e){dragged=li;li.classList.add('dragging');\n"
    "  e.dataTransfer.effectAllowed='move';e.dataTransfer.setData('text/plain',li.dataset.id);});\n"
    " li.addEventListener('dragend',function(){li.classList.remove('dragging');if(dragged){dragged=null;save();}});\n"
    " li.addEventListener('dragover',function(e){if(!dragged||dragged===li)return;e.preventDefault();\n"
    "  var b=li.getBoundingClientRect();list.insertBefore(dragged,e.clientY>b.top+b.height/2?li.nextSibling:li);});\n"
    " li.addEventListener('drop',function(e){e.preventDefault();});});\n"
    "})();\n";

void coll_script(hreq_t *r)
{
    rs_header(r, "cache-control", "public, max-age=300");
    rs_send(r, 200, "text/javascript; charset=utf-8", script, sizeof script - 1);
}

/* ---- the JSON API ---- */

static void json_coll(buf_t *b, db_t *db, const coll_t *c, int with_works, int include_drafts)
{
    char s[CLOCK_TEXT_MAX];
    buf_printf(b, "{\"id\":%lld,\"url\":\"/c/%lld\",\"title\":", (long long)c->id, (long long)c->id); /* raw: JSON */
    buf_json_strz(b, c->title);
    buf_lit(b, ",\"description\":");
    buf_json_strz(b, c->description);
    buf_lit(b, ",\"cover\":");
    if (c->cover[0])
        buf_json_strz(b, c->cover);
    else
        buf_lit(b, "null");
    buf_lit(b, ",\"author\":");
    buf_json_strz(b, c->author_handle);
    clock_rfc3339(c->created_at, s);
    buf_printf(b, ",\"created_at\":\"%s\"", s); /* raw: JSON, an RFC 3339 time */
    clock_rfc3339(c->updated_at, s);
    buf_printf(b, ",\"updated_at\":\"%s\"", s); /* raw: JSON, an RFC 3339 time */
    if (with_works) {
        work_list_t l;
        buf_lit(b, ",\"works\":[");
        if (member_works(db, c->id, !include_drafts, &l) == 0) {
            for (int i = 0; i < l.n; i++) {
                if (i)
                    buf_ch(b, ',');
                buf_printf(b, "{\"position\":%d,\"id\":\"%s\",\"url\":\"/a/%s\",\"status\":\"%s\",\"title\":", /* raw: JSON */
                           i + 1, l.items[i].id, l.items[i].id, l.items[i].status);
                buf_json_strz(b, l.items[i].title);
                buf_ch(b, '}');
            }
            work_list_free(&l);
        }
        buf_ch(b, ']');
    }
    buf_ch(b, '}');
}

static void answer_coll(hreq_t *r, int status, int64_t id)
{
    coll_t c;
    if (coll_get(r->db, id, &c) != 1) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    json_coll(&b, r->db, &c, 1, c.author_id == r->user.id);
    rs_json(r, status, &b);
    buf_free(&b);
    coll_free(&c);
}

void coll_api_list(hreq_t *r)
{
    const char *handle = rq_query(r, "author");
    int64_t author = r->user.id;
    if (handle) {
        user_t u;
        if (account_by_handle(r->db, handle, &u) != 1) {
            rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
            return;
        }
        author = u.id;
    }
    if (!author) {
        rs_error(r, 400, "missing_author", T(r->lang, "creator.coll.err.author"));
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "SELECT id FROM collections WHERE author_id = :a ORDER BY updated_at DESC, id DESC");
    db_bind_int(st, ":a", author);
    int64_t ids[COLL_PER_AUTHOR_MAX];
    int n = 0;
    while (db_step(st) == DB_ROW && n < COLL_PER_AUTHOR_MAX)
        ids[n++] = db_col_int(st, 0);
    db_done(st);
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"collections\":[");
    for (int i = 0, k = 0; i < n; i++) {
        coll_t c;
        if (coll_get(r->db, ids[i], &c) != 1)
            continue;
        if (k++)
            buf_ch(&b, ',');
        json_coll(&b, r->db, &c, 0, 0);
        coll_free(&c);
    }
    buf_lit(&b, "]}");
    rs_json(r, 200, &b);
    buf_free(&b);
}

/* The members of j's "works" (an array of work ids) into ids: n, or -1
 * after answering 422. */
static int works_from_json(hreq_t *r, json_t *a, const char **ids)
{
    if (!json_is_array(a) || json_array_size(a) > COLL_WORKS_MAX) {
        api_field_error(r, 422, "invalid", T(r->lang, "creator.coll.err.works"), "works");
        return -1;
    }
    int n = 0;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_string(v) || json_string_length(v) != WORK_ID_LEN) {
            api_field_error(r, 422, "invalid", T(r->lang, "creator.coll.err.works"), "works");
            return -1;
        }
        ids[n++] = json_string_value(v);
    }
    return n;
}

/* The strings title, description, cover of j: 0, or -1 after answering. */
static int fields_from_json(hreq_t *r, json_t *j, const char **title, const char **desc, const char **cover)
{
    static const char *const names[] = {"title", "description", "cover"};
    const char **dst[] = {title, desc, cover};
    for (int i = 0; i < 3; i++) {
        if (api_json_string(j, names[i], dst[i]) < 0) {
            api_field_error(r, 422, "invalid", T(r->lang, "creator.coll.err.string"), names[i]);
            return -1;
        }
    }
    return 0;
}

void coll_api_create(hreq_t *r)
{
    json_t *j = api_body_object(r);
    if (!j)
        return;
    const char *title, *desc, *cover;
    const char *ids[COLL_WORKS_MAX];
    json_t *works = json_object_get(j, "works");
    int n = 0;
    if (fields_from_json(r, j, &title, &desc, &cover) < 0 || (works && (n = works_from_json(r, works, ids)) < 0)) {
        json_decref(j);
        return;
    }
    int64_t id = 0;
    cr_err_t e;
    int rc = coll_create(r->db, r->user.id, title, desc, cover, &id, &e);
    if (rc == 0 && works && coll_set(r->db, id, r->user.id, ids, n, &e) < 0) {
        cr_err_t ignore;
        coll_delete(r->db, id, r->user.id, &ignore); /* all or nothing */
        rc = -1;
    }
    json_decref(j);
    if (rc < 0)
        cr_answer_err(r, &e);
    else
        answer_coll(r, 201, id);
}

void coll_api_get(hreq_t *r)
{
    coll_t c;
    if (!load(r, &c))
        return;
    buf_t b = BUF_INIT;
    json_coll(&b, r->db, &c, 1, c.author_id == r->user.id);
    rs_json(r, 200, &b);
    buf_free(&b);
    coll_free(&c);
}

void coll_api_update(hreq_t *r)
{
    coll_t c;
    if (!load_own(r, &c))
        return;
    coll_free(&c);
    json_t *j = api_body_object(r);
    if (!j)
        return;
    const char *title, *desc, *cover;
    const char *ids[COLL_WORKS_MAX];
    json_t *works = json_object_get(j, "works");
    int n = 0;
    if (fields_from_json(r, j, &title, &desc, &cover) < 0 || (works && (n = works_from_json(r, works, ids)) < 0)) {
        json_decref(j);
        return;
    }
    cr_err_t e;
    int64_t id = param_id(r, 0);
    /* The works first: its checks refuse before any field changes. */
    int rc = works ? coll_set(r->db, id, r->user.id, ids, n, &e) : 0;
    if (rc == 0 && (title || desc || cover))
        rc = coll_update(r->db, id, r->user.id, title, desc, cover, &e);
    json_decref(j);
    if (rc < 0)
        cr_answer_err(r, &e);
    else
        answer_coll(r, 200, id);
}

void coll_api_delete(hreq_t *r)
{
    cr_err_t e;
    if (coll_delete(r->db, param_id(r, 0), r->user.id, &e) < 0)
        cr_answer_err(r, &e);
    else
        rs_no_content(r);
}

void coll_api_add(hreq_t *r)
{
    json_t *j = api_body_object(r);
    if (!j)
        return;
    const char *work;
    cr_err_t e;
    int rc = api_json_string(j, "work_id", &work) < 0 || !work
                 ? cr_fail(&e, 422, "invalid", "creator.coll.err.works")
                 : coll_add(r->db, param_id(r, 0), r->user.id, work, &e);
    json_decref(j);
    if (rc < 0)
        cr_answer_err(r, &e);
    else
        answer_coll(r, 200, param_id(r, 0));
}

void coll_api_remove(hreq_t *r)
{
    cr_err_t e;
    if (coll_remove(r->db, param_id(r, 0), r->user.id, rq_param(r, 1), &e) < 0)
        cr_answer_err(r, &e);
    else
        rs_no_content(r);
}
