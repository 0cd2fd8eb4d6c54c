/*
 * pages.c — see pages.h.
 */
#include "site/audience/comment_page.h"
#include "site/reader/pages.h"
#include "site/creator/collection_page.h"
#include "site/creator/pins.h"
#include "site/works/media.h"
#include "site/works/summary.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/markdown.h"
#include "core/text.h"
#include "http/views.h"
#include "site/accounts/account.h"
#include "site/audience/follow_page.h"
#include "site/audience/newsletter.h"
#include "site/federation/actor.h"
#include "site/layout.h"
#include "site/people/profile.h"
#include "site/reader/provenance_view.h"
#include "site/site.h"
#include "site/trust/removed.h"
#include "site/trust/takedown.h"

#define PAGE_SIZE 20

void pages_tag_href(buf_t *b, const char *tag)
{
    buf_lit(b, "/t/");
    buf_url(b, tag, strlen(tag));
}

static void iso_time(buf_t *b, int64_t t)
{
    char s[32];
    clock_rfc3339(t, s);
    buf_htmlz(b, s);
}

static void byline(hreq_t *r, buf_t *b, const work_t *w)
{
    buf_lit(b, "<p class=\"meta\"><a class=\"author\" href=\"/u/");
    buf_url(b, w->author_handle, strlen(w->author_handle));
    buf_lit(b, "\">");
    buf_htmlz(b, w->author_name);
    buf_lit(b, "</a>");
    if (w->published_at) {
        buf_lit(b, " · <time datetime=\"");
        iso_time(b, w->published_at);
        buf_lit(b, "\">");
        page_time(b, w->published_at);
        buf_lit(b, "</time>");
    }
    buf_lit(b, "</p>\n");
}

static void tag_list(hreq_t *r, buf_t *b, const work_t *w)
{
    if (!w->ntags)
        return;
    buf_lit(b, "<ul class=\"tags\" aria-label=\"");
    buf_htmlz(b, T(r->lang, "pages.tags"));
    buf_lit(b, "\">");
    for (int i = 0; i < w->ntags; i++) {
        buf_lit(b, "<li><a href=\"");
        pages_tag_href(b, w->tags[i]);
        buf_lit(b, "\">#");
        buf_htmlz(b, w->tags[i]);
        buf_lit(b, "</a></li>");
    }
    buf_lit(b, "</ul>\n");
}

/* ` lang="TAG"` when a work's language (work_lang) is not the page's. */
static void lang_attr(hreq_t *r, buf_t *b, const char *work_lang_tag)
{
    if (strcmp(work_lang_tag, i18n_code(r->lang)) != 0)
        buf_hprintf(b, " lang=\"%s\"", work_lang_tag);
}

void pages_card(hreq_t *r, buf_t *b, const work_t *w)
{
    const char *wl = work_lang(w);
    work_cover_t cover;
    int has_cover = work_cover_get(r->db, w, &cover) == 1;
    if (has_cover)
        buf_lit(b, "<article class=\"card has-cover\">\n");
    else
        buf_lit(b, "<article class=\"card\">\n");
    if (has_cover)
        work_cover_thumb(b, &cover, 240, "card-cover");
    prov_label(r, b, w);
    page_declaration(r, b, w->declaration);
    buf_lit(b, "<h2");
    lang_attr(r, b, wl);
    buf_lit(b, "><a href=\"/a/");
    buf_htmlz(b, w->id);
    buf_lit(b, "\">");
    buf_htmlz(b, w->title);
    buf_lit(b, "</a></h2>\n");
    byline(r, b, w);
    if (w->prov.source_id[0]) { /* a copy: where it was first published */
        buf_lit(b, "<p class=\"source\">");
        buf_htmlz(b, T(r->lang, "prov.source"));
        buf_lit(b, ": <a href=\"/a/");
        buf_htmlz(b, w->prov.source_id);
        buf_lit(b, "\">");
        buf_htmlz(b, T(r->lang, "prov.view_source"));
        buf_lit(b, "</a></p>\n");
    }
    buf_lit(b, "<p class=\"excerpt\"");
    lang_attr(r, b, wl);
    buf_lit(b, ">");
    buf_t ex = BUF_INIT;
    work_summary(w, 120, &ex);
    buf_html(b, buf_cstr(&ex), ex.len);
    buf_free(&ex);
    buf_lit(b, "</p>\n");
    tag_list(r, b, w);
    comment_card_counts(r, b, w);
    buf_lit(b, "</article>\n");
}

/* Parse a "before" cursor "TIME_ID" (or just TIME). 0 when absent; -1 bad. */
static int parse_cursor(hreq_t *r, int64_t *t, const char **id)
{
    const char *s = rq_query(r, "before");
    *t = 0;
    *id = NULL;
    if (!s || !*s)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (v <= 0 || (*end && *end != '_'))
        return -1;
    *t = v;
    if (*end == '_') {
        if (strlen(end + 1) != WORK_ID_LEN)
            return -1;
        *id = end + 1;
    }
    return 0;
}

/* A list page: heading, cards, "older" link. base is the page's own path;
 * feeds_href the page about its feeds (the footer's 订阅). */
static void list_page(hreq_t *r, const char *title, const char *heading_html, const work_query_t *q0,
                      const char *base, const page_meta_t *meta, const char *feeds_href)
{
    work_query_t q = *q0;
    if (parse_cursor(r, &q.before, &q.before_id) < 0) {
        rs_error(r, 400, "bad_request", T(r->lang, "err.bad_path"));
        return;
    }
    q.limit = PAGE_SIZE;
    work_list_t l;
    if (work_list(r->db, &q, &l) < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    page_begin(r, &b, title, meta);
    buf_rawz(&b, heading_html); /* raw: markup the caller built with the escaping writers */
    if (l.n == 0) {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(r->lang, "pages.empty"));
        buf_lit(&b, "</p>\n");
    }
    buf_lit(&b, "<div class=\"cards\">\n");
    for (int i = 0; i < l.n; i++)
        pages_card(r, &b, &l.items[i]);
    buf_lit(&b, "</div>\n");
    if (l.more && l.n) {
        const work_t *last = &l.items[l.n - 1];
        buf_lit(&b, "<nav class=\"pager\"><a rel=\"next\" href=\"");
        buf_htmlz(&b, base);
        buf_hprintf(&b, "?before=%lld_%s\">", (long long)last->published_at, last->id);
        buf_htmlz(&b, T(r->lang, "pages.older"));
        buf_lit(&b, " →</a></nav>\n");
    }
    page_end_feeds(r, &b, feeds_href);
    rs_html(r, 200, &b);
    buf_free(&b);
    work_list_free(&l);
}

/* GET /  — the home feed, newest first. Query: before=TIME_ID (cursor). */
void pages_home(hreq_t *r)
{
    work_query_t q = {0};
    buf_t h = BUF_INIT;
    buf_lit(&h, "<h1 class=\"page-title\">");
    buf_htmlz(&h, T(r->lang, "pages.latest"));
    buf_lit(&h, "</h1>\n");
    page_meta_t m = {.canonical = "/", .feed_atom = "/feed.atom", .feed_json = "/feed.json"};
    list_page(r, T(r->lang, "pages.latest"), buf_cstr(&h), &q, "/", &m, "/feeds");
    buf_free(&h);
}

/* GET /u/:handle — an author's published works. Query: before. */
void pages_author(hreq_t *r)
{
    user_t u;
    if (fed_negotiate_author(r)) /* the Person, to Accept: application/activity+json */
        return;
    const char *handle = rq_param(r, 0);
    if (account_by_handle(r->db, handle, &u) != 1) {
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    buf_t h = BUF_INIT, path = BUF_INIT, feed = BUF_INIT, jfeed = BUF_INIT, title = BUF_INIT;
    buf_lit(&h, "<header class=\"author-head\"><h1 class=\"page-title\">");
    buf_htmlz(&h, u.display_name);
    buf_lit(&h, "</h1><p class=\"handle\">@");
    buf_htmlz(&h, u.handle);
    buf_lit(&h, "</p>");
    profile_author_head(r, &h, u.id); /* avatar and bio (people/profile.h) */
    follow_author_box(r, &h, u.id, u.handle);
    buf_lit(&h, "</header>\n");
    newsletter_author_form(r, &h, u.handle, u.role);
    if (!rq_query(r, "before"))
        pins_author_block(r, &h, u.id); /* pinned works first (site/creator/pins.h) */
    buf_lit(&path, "/u/");
    buf_url(&path, u.handle, strlen(u.handle));
    buf_printf(&feed, "%s/feed.atom", buf_cstr(&path));  /* raw: URL */
    buf_printf(&jfeed, "%s/feed.json", buf_cstr(&path)); /* raw: URL */
    /* raw: text, escaped by page_begin */
    buf_printf(&title, "%s%s", u.display_name, r->lang == LANG_EN ? "" : T(r->lang, "pages.works_by"));
    page_meta_t m = {.canonical = buf_cstr(&path), .feed_atom = buf_cstr(&feed), .feed_json = buf_cstr(&jfeed)};
    work_query_t q = {.author = u.handle};
    buf_t fp = BUF_INIT;
    buf_lit(&fp, "/feeds?u=");
    buf_url(&fp, u.handle, strlen(u.handle));
    list_page(r, buf_cstr(&title), buf_cstr(&h), &q, buf_cstr(&path), &m, buf_cstr(&fp));
    buf_free(&fp);
    buf_free(&h);
    buf_free(&path);
    buf_free(&feed);
    buf_free(&jfeed);
    buf_free(&title);
}

/* GET /t/:tag — published works with a tag (Chinese tags work: the router
 * percent-decodes the segment). Query: before. */
void pages_tag(hreq_t *r)
{
    const char *tag = rq_param(r, 0);
    if (!text_valid_line(tag, strlen(tag)) || text_chars(tag, strlen(tag)) > WORK_TAG_MAX) {
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    buf_t h = BUF_INIT, path = BUF_INIT, title = BUF_INIT, feed = BUF_INIT, jfeed = BUF_INIT;
    buf_lit(&h, "<h1 class=\"page-title\">#");
    buf_htmlz(&h, tag);
    buf_lit(&h, "</h1>\n");
    pages_tag_href(&path, tag);
    buf_printf(&title, "#%s", tag);                      /* raw: text */
    buf_printf(&feed, "%s/feed.atom", buf_cstr(&path));  /* raw: URL */
    buf_printf(&jfeed, "%s/feed.json", buf_cstr(&path)); /* raw: URL */
    page_meta_t m = {.canonical = buf_cstr(&path), .feed_atom = buf_cstr(&feed), .feed_json = buf_cstr(&jfeed)};
    work_query_t q = {.tag = tag};
    buf_t fp = BUF_INIT;
    buf_lit(&fp, "/feeds?t=");
    buf_url(&fp, tag, strlen(tag));
    list_page(r, buf_cstr(&title), buf_cstr(&h), &q, buf_cstr(&path), &m, buf_cstr(&fp));
    buf_free(&fp);
    buf_free(&h);
    buf_free(&path);
    buf_free(&title);
    buf_free(&feed);
    buf_free(&jfeed);
}

/* The end of the text as a lazily loaded 1x1 image (pages_work_end):
 * read-through without JavaScript or cookies. Its key is the work's alone,
 * so the page stays one cached page for every reader. */
static void end_mark(buf_t *b, const char *work_id)
{
    char mac[17];
    views_end_mac(work_id, mac);
    buf_lit(b, "<img class=\"end-mark\" src=\"/a/");
    buf_htmlz(b, work_id);
    buf_hprintf(b, "/end/%s.gif\" alt=\"\" width=\"1\" height=\"1\" loading=\"lazy\" decoding=\"async\">", mac);
}

/* A transparent 1x1 GIF. */
static const unsigned char end_gif[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c,
                                        0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};

void pages_work_end(hreq_t *r)
{
    const char *id = rq_param(r, 0), *m = rq_param(r, 1);
    char want[17];
    views_end_mac(id, want);
    if (strlen(m) != 20 || strcmp(m + 16, ".gif") != 0 || sodium_memcmp(m, want, 16) != 0) {
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    views_end(r, id);
    rs_header(r, "cache-control", "no-store"); /* each reader's browser asks, each day */
    rs_send(r, 200, "image/gif", (const char *)end_gif, sizeof end_gif);
}

/* GET /a/:id — one work. Drafts are visible to their author only; a deleted
 * work is gone (404); a taken-down work answers 451 with the reason. */
void pages_work(hreq_t *r)
{
    work_t w;
    if (fed_negotiate_work(r)) /* the Article, to Accept: application/activity+json */
        return;
    int rc = work_get(r->db, rq_param(r, 0), &w);
    if (rc < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    if (rc == 0) {
        rs_error(r, 404, "not_found", T(r->lang, "work.err.not_found"));
        return;
    }
    int published = strcmp(w.status, "published") == 0;
    if (strcmp(w.status, "taken_down") == 0) {
        /* 451: the removal page, naming the work, the notice or decision,
         * the ground, the date and what the creator can do (trust/removed.h). */
        removed_page(r, w.id, w.title, w.author_handle);
        work_free(&w);
        return;
    }
    if (!published && r->user.id != w.author_id) {
        rs_error(r, 404, "not_found", T(r->lang, "work.err.not_found"));
        work_free(&w);
        return;
    }
    if (published)
        rq_mark_view(r, w.id);

    buf_t b = BUF_INIT, desc = BUF_INIT, canon = BUF_INIT, afeed = BUF_INIT, img = BUF_INIT;
    work_summary(&w, 100, &desc);
    const char *wl = work_lang(&w);
    work_cover_t cover;
    int has_cover = work_cover_get(r->db, &w, &cover) == 1;
    if (has_cover)
        work_cover_path(&img, &cover);
    buf_printf(&canon, "/a/%s", w.id); /* raw: URL */
    buf_lit(&afeed, "/u/");
    buf_url(&afeed, w.author_handle, strlen(w.author_handle));
    buf_lit(&afeed, "/feed.atom");
    page_meta_t m = {.description = buf_cstr(&desc), .canonical = buf_cstr(&canon), .og_type = "article",
                     .image = has_cover ? buf_cstr(&img) : NULL, .image_w = cover.width, .image_h = cover.height,
                     .image_alt = has_cover ? cover.alt : NULL,
                     .published_time = w.published_at, .author = w.author_name, .feed_atom = buf_cstr(&afeed)};
    char fedi[128];
    if (fed_creator_address(r->db, w.author_handle, fedi, sizeof fedi))
        m.fediverse_creator = fedi;
    page_begin(r, &b, w.title, &m);
    buf_lit(&b, "<article class=\"work\">\n<header>\n");
    if (!published) {
        buf_lit(&b, "<p class=\"draft-banner\">");
        buf_htmlz(&b, T(r->lang, "work.status.draft"));
        buf_lit(&b, " · <a href=\"/studio/");
        buf_htmlz(&b, w.id);
        buf_lit(&b, "\">");
        buf_htmlz(&b, T(r->lang, "work.edit"));
        buf_lit(&b, "</a></p>\n");
    }
    prov_label(r, &b, &w); /* the explicit AI label goes above the title */
    buf_lit(&b, "<h1");
    lang_attr(r, &b, wl);
    buf_lit(&b, ">");
    buf_htmlz(&b, w.title);
    buf_lit(&b, "</h1>\n");
    byline(r, &b, &w);
    if (published)
        follow_button(r, &b, w.author_id, w.author_handle, buf_cstr(&canon));
    prov_source(r, &b, &w);
    buf_lit(&b, "</header>\n");
    page_declaration(r, &b, w.declaration);
    /* The text in its own language (a wrapper: the body's markup stays as
     * feeds and tests know it). */
    buf_hprintf(&b, "<div class=\"work-text\" lang=\"%s\"><div class=\"body\">\n", wl);
    if (media_render(r->db, w.body, strlen(w.body), &b, NULL) < 0) {
        buf_free(&b);
        buf_free(&img);
        buf_free(&desc);
        buf_free(&canon);
        buf_free(&afeed);
        work_free(&w);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_lit(&b, "</div>");
    if (published)
        end_mark(&b, w.id);
    buf_lit(&b, "</div>\n<footer>\n");
    tag_list(r, &b, &w);
    buf_hprintf(&b, "<p class=\"report-links\"><a rel=\"nofollow\" href=\"/report?work=%s\">", w.id);
    buf_htmlz(&b, T(r->lang, "site.report"));
    buf_hprintf(&b, "</a> · <a rel=\"nofollow\" href=\"/notice?url=/a/%s\">", w.id);
    buf_htmlz(&b, T(r->lang, "site.notice"));
    buf_lit(&b, "</a></p>\n");
    buf_lit(&b, "</footer>\n");
    if (published)
        coll_work_nav(r, &b, w.id); /* its collections: n of N, previous, next (site/creator/) */
    page_statement(r, &b);
    buf_lit(&b, "</article>\n");
    if (published)
        comment_section(r, &b, &w); /* comments and likes (audience/comment_page.h) */
    page_send(r, &b, 200);
    buf_free(&img);
    buf_free(&desc);
    buf_free(&canon);
    buf_free(&afeed);
    work_free(&w);
}

/* A path on this site: "/" then no second "/" or "\\", no control
 * characters or spaces, at most 1024 bytes. */
static int local_path_ok(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n > 1024 || p[0] != '/' || p[1] == '/' || p[1] == '\\')
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] <= 0x20 || p[i] == 0x7f || p[i] == '\\')
            return 0;
    return 1;
}

/* GET /lang?to=zh|en — remember the reader's language in a cookie and go
 * back to the page they came from.
 * Query: to=zh|en; back=PATH the page to return to (a local path; without
 * it, the same-site Referer, else /). */
void pages_lang(hreq_t *r)
{
    const char *to = rq_query(r, "to");
    if (!to || (strcmp(to, "zh") != 0 && strcmp(to, "en") != 0)) {
        rs_error(r, 400, "bad_request", T(r->lang, "err.bad_path"));
        return;
    }
    rs_cookie(r, "hao_lang", to, 365L * 24 * 3600, 0);
    const char *back = "/";
    /* The switch link names the page it was on (layout.c): a local path
     * only, so it can never send the reader to another site. */
    const char *want = rq_query(r, "back");
    if (want && local_path_ok(want)) {
        rs_redirect(r, 303, want);
        return;
    }
    const char *ref = rq_header(r, "referer");
    const char *host = rq_header(r, "host");
    if (ref && host) {
        const char *p = strstr(ref, "://");
        size_t hl = strlen(host);
        if (p && strncmp(p + 3, host, hl) == 0 && p[3 + hl] == '/' && p[4 + hl] != '/')
            back = p + 3 + hl;
    }
    rs_redirect(r, 303, back);
}

/* GET /healthz — the loop answers and its database connection works. */
void pages_healthz(hreq_t *r)
{
    db_stmt_t *st = db_prepare(r->db, "SELECT 1");
    int ok = db_step(st) == DB_ROW;
    db_done(st);
    if (ok)
        rs_send(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
    else
        rs_send(r, 503, "text/plain; charset=utf-8", "database unavailable\n", 21);
}

/* GET /about — who operates this site and how to reach them: the operator
 * identity an information storage service must publish (settings.c). */
void pages_about(hreq_t *r)
{
    static const char *const keys[][2] = {
        {"operator_name", "about.operator"},
        {"operator_contact", "about.contact"},
        {"operator_address", "about.address"},
        {"notice_contact", "about.notice_contact"},
    };
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_begin(r, &b, T(L, "site.about"), NULL);
    buf_lit(&b, "<section class=\"about\"><h1 class=\"page-title\">");
    buf_htmlz(&b, T(L, "site.about"));
    buf_lit(&b, "</h1>\n<dl class=\"operator\">");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char *v = db_setting(r->db, keys[i][0], "");
        buf_lit(&b, "<dt>");
        buf_htmlz(&b, T(L, keys[i][1]));
        buf_hprintf(&b, "</dt><dd data-key=\"%s\">", keys[i][0]);
        buf_htmlz(&b, *v ? v : T(L, "about.unset"));
        buf_lit(&b, "</dd>");
        free(v);
    }
    buf_lit(&b, "</dl>\n<p>");
    buf_htmlz(&b, T(L, "about.notice_how"));
    buf_lit(&b, " <a href=\"/notice\">");
    buf_htmlz(&b, T(L, "site.notice"));
    buf_lit(&b, "</a> · <a href=\"/transparency\">");
    buf_htmlz(&b, T(L, "site.transparency"));
    buf_lit(&b, "</a></p>\n");
    page_statement(r, &b);
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
}
