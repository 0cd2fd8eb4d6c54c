/*
 * feed.c — Atom (RFC 4287) and JSON Feed 1.1 for the site, each author and
 * each tag, and the sitemap (sitemaps.org protocol, split past 50,000 URLs).
 *
 * Every entry carries the work's declaration and the site's platform
 * statement, in both languages. Feeds are RT_CACHE routes: anonymous
 * responses are served from memory with an ETag (If-None-Match -> 304), and
 * each response also carries Last-Modified from the newest entry so
 * If-Modified-Since answers 304 too.
 *
 * Absolute URLs are built from the request's Host header (the site has no
 * configured origin yet); behind a proxy, X-Forwarded-Proto selects https.
 */
#include "site/reader/feed.h"
#include "site/works/media.h"
#include "site/works/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/markdown.h"
#include "core/text.h"
#include "site/accounts/account.h"
#include "site/reader/pages.h"
#include "site/site.h"
#include "site/works/work.h"

#define FEED_ENTRIES 20
#define SITEMAP_MAX 50000

void feed_origin(hreq_t *r, buf_t *b)
{
    const char *xf = rq_header(r, "x-forwarded-proto");
    int https = (xf && strcmp(xf, "https") == 0) || r->h->scheme == &H2O_URL_SCHEME_HTTPS;
    buf_rawz(b, https ? "https://" : "http://"); /* raw: URL */
    h2o_iovec_t host = r->h->authority;
    /* The Host header is client input: keep only characters a host:port has. */
    for (size_t i = 0; i < host.len; i++) {
        char c = host.base[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
            c == ':' || c == '[' || c == ']')
            buf_ch(b, c);
    }
    if (host.len == 0)
        buf_lit(b, "localhost");
}

static void rfc3339(buf_t *b, int64_t t)
{
    char s[32];
    clock_rfc3339(t, s);
    buf_rawz(b, s); /* raw: digits, '-', ':', 'T' and 'Z' only */
}

/* Newest update among the listed works (for Last-Modified). */
static int64_t newest(const work_list_t *l)
{
    int64_t m = 0;
    for (int i = 0; i < l->n; i++)
        if (l->items[i].updated_at > m)
            m = l->items[i].updated_at;
    return m;
}

/* If-Modified-Since handling. Returns 1 after answering 304. */
static int not_modified(hreq_t *r, int64_t last)
{
    char lm[CLOCK_TEXT_MAX];
    clock_http_date(last ? last : 0, lm);
    rs_header(r, "last-modified", lm);
    const char *ims = rq_header(r, "if-modified-since");
    if (ims && last) {
        int64_t since;
        if (clock_parse_http_date(ims, &since) == 0) {
            if (last <= since) {
                rs_send(r, 304, NULL, "", 0);
                return 1;
            }
        }
    }
    return 0;
}

/* An entry's content, the same in Atom and JSON Feed: the explicit AI label
 * and the declaration above the body (media embeds resolved), this site's
 * statement below it, so a feed reader shows all of them. */
static void entry_html(hreq_t *r, const work_t *w, buf_t *html)
{
    const char *ai_zh = provenance_label_text(&w->prov, w->declaration->code, LANG_ZH);
    if (ai_zh) {
        buf_lit(html, "<p class=\"ai-label\">");
        buf_htmlz(html, ai_zh);
        buf_lit(html, " / ");
        buf_htmlz(html, provenance_label_text(&w->prov, w->declaration->code, LANG_EN));
        buf_lit(html, "</p>");
    }
    if (strcmp(w->declaration->code, "none") != 0) {
        buf_lit(html, "<p class=\"declaration\">");
        buf_htmlz(html, w->declaration->zh);
        buf_lit(html, " / ");
        buf_htmlz(html, w->declaration->en);
        buf_lit(html, "</p>");
    }
    media_render(r->db, w->body, strlen(w->body), html, NULL);
    buf_t stmt = BUF_INIT;
    site_statement_text(&stmt, LANG_ZH);
    buf_ch(&stmt, '\n');
    site_statement_text(&stmt, LANG_EN);
    buf_lit(html, "<p class=\"statement\">");
    buf_html(html, stmt.p, stmt.len);
    buf_lit(html, "</p>");
    buf_free(&stmt);
}

/* The statement and declaration as the summary lines of an entry. */
static void entry_notes(buf_t *t, const work_t *w)
{
    const char *ai = provenance_label_text(&w->prov, w->declaration->code, LANG_ZH);
    if (ai)
        buf_printf(t, "[%s / %s]\n", ai, /* raw: text */
                   provenance_label_text(&w->prov, w->declaration->code, LANG_EN));
    if (strcmp(w->declaration->code, "none") != 0)
        buf_printf(t, "作品声明 / Declaration: %s / %s\n", w->declaration->zh, w->declaration->en); /* raw: text */
}

typedef enum { SCOPE_SITE, SCOPE_AUTHOR, SCOPE_TAG } scope_t;

typedef struct {
    scope_t scope;
    const char *handle; /* SCOPE_AUTHOR */
    char display[256];
    const char *tag;    /* SCOPE_TAG */
} feed_scope_t;

/* Resolve the feed's scope from the route; answers 404 and returns -1. */
static int scope_of(hreq_t *r, scope_t s, feed_scope_t *fs, work_query_t *q)
{
    memset(fs, 0, sizeof(*fs));
    memset(q, 0, sizeof(*q));
    fs->scope = s;
    q->limit = FEED_ENTRIES;
    if (s == SCOPE_AUTHOR) {
        user_t u;
        if (account_by_handle(r->db, rq_param(r, 0), &u) != 1) {
            rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
            return -1;
        }
        fs->handle = rq_strdup(r, u.handle);
        snprintf(fs->display, sizeof fs->display, "%s", u.display_name);
        q->author = fs->handle;
    } else if (s == SCOPE_TAG) {
        const char *tag = rq_param(r, 0);
        if (!text_valid_line(tag, strlen(tag)) || text_chars(tag, strlen(tag)) > WORK_TAG_MAX) {
            rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
            return -1;
        }
        fs->tag = tag;
        q->tag = tag;
    }
    return 0;
}

/* The scope's HTML page path and its feed title. */
static void scope_page(const feed_scope_t *fs, buf_t *path, buf_t *title)
{
    if (fs->scope == SCOPE_AUTHOR) {
        buf_lit(path, "/u/");
        buf_url(path, fs->handle, strlen(fs->handle));
        buf_printf(title, "%s · %s", fs->display, site_name()); /* raw: text */
    } else if (fs->scope == SCOPE_TAG) {
        pages_tag_href(path, fs->tag);
        buf_printf(title, "#%s · %s", fs->tag, site_name()); /* raw: text */
    } else {
        buf_lit(path, "/");
        buf_rawz(title, site_name()); /* raw: text */
    }
}

/* The works a feed of scope s lists, newest first, with the newest change
 * in *last. Returns 0 (the caller frees l), or -1 after answering: 404 for
 * an unknown scope, 500, or 304 when the client's copy is current. */
static int feed_works(hreq_t *r, scope_t s, feed_scope_t *fs, work_list_t *l, int64_t *last)
{
    work_query_t q;
    if (scope_of(r, s, fs, &q) < 0)
        return -1;
    if (work_list(r->db, &q, l) < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return -1;
    }
    *last = newest(l);
    if (not_modified(r, *last)) {
        work_list_free(l);
        return -1;
    }
    return 0;
}

static void atom(hreq_t *r, scope_t s)
{
    feed_scope_t fs;
    work_list_t l;
    int64_t last;
    if (feed_works(r, s, &fs, &l, &last) < 0)
        return;
    buf_t b = BUF_INIT, o = BUF_INIT, path = BUF_INIT, title = BUF_INIT, stmt = BUF_INIT;
    feed_origin(r, &o);
    scope_page(&fs, &path, &title);
    buf_lit(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
    buf_xml(&b, title.p, title.len);
    buf_lit(&b, "</title>\n<id>");
    buf_xml(&b, o.p, o.len);
    buf_xml(&b, path.p, path.len);
    buf_lit(&b, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    buf_xml(&b, o.p, o.len);
    buf_xml(&b, path.p, path.len);
    buf_lit(&b, "\"/>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    buf_xml(&b, o.p, o.len);
    buf_xml(&b, r->h->path.base, r->h->query_at == SIZE_MAX ? r->h->path.len : r->h->query_at);
    buf_lit(&b, "\"/>\n<updated>");
    rfc3339(&b, last ? last : 0);
    buf_lit(&b, "</updated>\n<generator>hao</generator>\n");
    site_statement_text(&stmt, LANG_ZH);
    buf_ch(&stmt, '\n');
    site_statement_text(&stmt, LANG_EN);
    buf_lit(&b, "<rights>");
    buf_xml(&b, stmt.p, stmt.len);
    buf_lit(&b, "</rights>\n");
    for (int i = 0; i < l.n; i++) {
        const work_t *w = &l.items[i];
        buf_t url = BUF_INIT, html = BUF_INIT, summary = BUF_INIT;
        buf_printf(&url, "%s/a/%s", buf_cstr(&o), w->id); /* raw: URL */
        /* The entry in its own language (summary.h: work_lang). */
        buf_printf(&b, "<entry xml:lang=\"%s\">\n<title>", work_lang(w)); /* raw: a fixed tag */
        buf_xml(&b, w->title, strlen(w->title));
        buf_lit(&b, "</title>\n<id>");
        buf_xml(&b, url.p, url.len);
        buf_lit(&b, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
        buf_xml(&b, url.p, url.len);
        buf_lit(&b, "\"/>\n<published>");
        rfc3339(&b, w->published_at);
        buf_lit(&b, "</published>\n<updated>");
        rfc3339(&b, w->updated_at);
        buf_lit(&b, "</updated>\n<author><name>");
        buf_xml(&b, w->author_name, strlen(w->author_name));
        buf_lit(&b, "</name><uri>");
        buf_xml(&b, o.p, o.len);
        buf_lit(&b, "/u/");
        buf_url(&b, w->author_handle, strlen(w->author_handle));
        buf_lit(&b, "</uri></author>\n");
        for (int t = 0; t < w->ntags; t++) {
            buf_lit(&b, "<category term=\"");
            buf_xml(&b, w->tags[t], strlen(w->tags[t]));
            buf_lit(&b, "\"/>\n");
        }
        if (strcmp(w->declaration->code, "none") != 0) {
            buf_lit(&b, "<category scheme=\"urn:hao:declaration\" term=\"");
            buf_xml(&b, w->declaration->code, strlen(w->declaration->code));
            buf_lit(&b, "\" label=\"");
            buf_xml(&b, w->declaration->zh, strlen(w->declaration->zh));
            buf_lit(&b, "\"/>\n");
        }
        /* The explicit AI label, and for a copy the source it overlaps. */
        const char *ai_zh = provenance_label_text(&w->prov, w->declaration->code, LANG_ZH);
        if (ai_zh) {
            buf_lit(&b, "<category scheme=\"urn:hao:ai-label\" term=\"");
            buf_xml(&b, w->prov.ai_label, strlen(w->prov.ai_label));
            buf_lit(&b, "\" label=\"");
            buf_xml(&b, ai_zh, strlen(ai_zh));
            buf_lit(&b, "\"/>\n");
        }
        if (w->prov.source_id[0]) {
            buf_lit(&b, "<link rel=\"related\" type=\"text/html\" title=\"source\" href=\"");
            buf_xml(&b, o.p, o.len);
            buf_lit(&b, "/a/");
            buf_xml(&b, w->prov.source_id, strlen(w->prov.source_id));
            buf_lit(&b, "\"/>\n");
        }
        entry_notes(&summary, w);
        work_summary(w, 200, &summary);
        buf_lit(&b, "<summary>");
        buf_xml(&b, summary.p, summary.len);
        buf_lit(&b, "</summary>\n<content type=\"html\">");
        /* The content is HTML carried as escaped text (type="html"). */
        entry_html(r, w, &html);
        buf_xml(&b, html.p, html.len);
        buf_lit(&b, "</content>\n</entry>\n");
        buf_free(&url);
        buf_free(&html);
        buf_free(&summary);
    }
    buf_lit(&b, "</feed>\n");
    rs_send(r, 200, "application/atom+xml; charset=utf-8", buf_cstr(&b), b.len);
    buf_free(&b);
    buf_free(&o);
    buf_free(&path);
    buf_free(&title);
    buf_free(&stmt);
    work_list_free(&l);
}

static void json_feed(hreq_t *r, scope_t s)
{
    feed_scope_t fs;
    work_list_t l;
    int64_t last;
    if (feed_works(r, s, &fs, &l, &last) < 0)
        return;
    buf_t b = BUF_INIT, o = BUF_INIT, path = BUF_INIT, title = BUF_INIT, tmp = BUF_INIT;
    feed_origin(r, &o);
    scope_page(&fs, &path, &title);
    buf_lit(&b, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":");
    buf_json_str(&b, title.p, title.len);
    buf_printf(&tmp, "%s%s", buf_cstr(&o), buf_cstr(&path)); /* raw: URL */
    buf_lit(&b, ",\"home_page_url\":");
    buf_json_str(&b, tmp.p, tmp.len);
    buf_reset(&tmp);
    buf_printf(&tmp, "%s%.*s", buf_cstr(&o), /* raw: URL */
               (int)(r->h->query_at == SIZE_MAX ? r->h->path.len : r->h->query_at), r->h->path.base);
    buf_lit(&b, ",\"feed_url\":");
    buf_json_str(&b, tmp.p, tmp.len);
    buf_lit(&b, ",\"language\":\"zh-CN\",\"items\":[");
    for (int i = 0; i < l.n; i++) {
        const work_t *w = &l.items[i];
        if (i)
            buf_ch(&b, ',');
        buf_reset(&tmp);
        buf_printf(&tmp, "%s/a/%s", buf_cstr(&o), w->id); /* raw: URL */
        buf_lit(&b, "{\"id\":");
        buf_json_str(&b, tmp.p, tmp.len);
        buf_lit(&b, ",\"url\":");
        buf_json_str(&b, tmp.p, tmp.len);
        buf_lit(&b, ",\"title\":");
        buf_json_strz(&b, w->title);
        buf_t html = BUF_INIT, summary = BUF_INIT;
        entry_html(r, w, &html);
        buf_lit(&b, ",\"content_html\":");
        buf_json_str(&b, html.p, html.len);
        work_summary(w, 200, &summary);
        buf_lit(&b, ",\"summary\":");
        buf_json_str(&b, summary.p, summary.len);
        buf_free(&html);
        buf_free(&summary);
        buf_lit(&b, ",\"language\":");
        buf_json_strz(&b, work_lang(w));
        work_cover_t cover; /* the card's picture, for readers that show one */
        if (work_cover_get(r->db, w, &cover) == 1) {
            buf_reset(&tmp);
            buf_printf(&tmp, "%s/m/%s", buf_cstr(&o), cover.id); /* raw: URL */
            buf_lit(&b, ",\"image\":");
            buf_json_str(&b, tmp.p, tmp.len);
        }
        buf_lit(&b, ",\"date_published\":\"");
        rfc3339(&b, w->published_at);
        buf_lit(&b, "\",\"date_modified\":\"");
        rfc3339(&b, w->updated_at);
        buf_lit(&b, "\",\"authors\":[{\"name\":");
        buf_json_strz(&b, w->author_name);
        buf_reset(&tmp);
        buf_printf(&tmp, "%s/u/", buf_cstr(&o)); /* raw: URL */
        buf_url(&tmp, w->author_handle, strlen(w->author_handle));
        buf_lit(&b, ",\"url\":");
        buf_json_str(&b, tmp.p, tmp.len);
        buf_lit(&b, "}],\"tags\":[");
        for (int t = 0; t < w->ntags; t++) {
            if (t)
                buf_ch(&b, ',');
            buf_json_strz(&b, w->tags[t]);
        }
        /* JSON Feed extensions start with an underscore. */
        buf_lit(&b, "],\"_hao\":{\"declaration\":{\"code\":");
        buf_json_strz(&b, w->declaration->code);
        buf_lit(&b, ",\"zh\":");
        buf_json_strz(&b, w->declaration->zh);
        buf_lit(&b, ",\"en\":");
        buf_json_strz(&b, w->declaration->en);
        buf_lit(&b, "},\"provenance\":");
        provenance_json(&b, &w->prov);
        buf_lit(&b, ",\"statement\":{\"zh\":");
        buf_t st = BUF_INIT;
        site_statement_text(&st, LANG_ZH);
        buf_json_str(&b, st.p, st.len);
        buf_reset(&st);
        site_statement_text(&st, LANG_EN);
        buf_lit(&b, ",\"en\":");
        buf_json_str(&b, st.p, st.len);
        buf_free(&st);
        buf_lit(&b, "}}}");
    }
    buf_lit(&b, "]}");
    rs_send(r, 200, "application/feed+json; charset=utf-8", buf_cstr(&b), b.len);
    buf_free(&b);
    buf_free(&o);
    buf_free(&path);
    buf_free(&title);
    buf_free(&tmp);
    work_list_free(&l);
}

void feed_atom_site(hreq_t *r) { atom(r, SCOPE_SITE); }
void feed_atom_author(hreq_t *r) { atom(r, SCOPE_AUTHOR); }
void feed_atom_tag(hreq_t *r) { atom(r, SCOPE_TAG); }
void feed_json_site(hreq_t *r) { json_feed(r, SCOPE_SITE); }
void feed_json_author(hreq_t *r) { json_feed(r, SCOPE_AUTHOR); }
void feed_json_tag(hreq_t *r) { json_feed(r, SCOPE_TAG); }

/* GET /sitemap.xml — a sitemap index when there are more than 50,000 URLs
 * (then /sitemap-N.xml each hold 50,000), else the sitemap itself. */
static void sitemap_page(hreq_t *r, int64_t page)
{
    buf_t b = BUF_INIT, o = BUF_INIT;
    feed_origin(r, &o);
    db_stmt_t *st = db_prepare(r->db, "SELECT count(*) FROM works WHERE status = 'published'");
    int64_t total = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    /* URL 0 is the home page, then the works: every file holds at most
     * SITEMAP_MAX URLs, the home page included. */
    int64_t pages = (total + 1 + SITEMAP_MAX - 1) / SITEMAP_MAX;
    buf_lit(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    if (page == 0 && pages > 1) {
        buf_lit(&b, "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (int64_t i = 1; i <= pages; i++) {
            buf_lit(&b, "<sitemap><loc>");
            buf_xml(&b, o.p, o.len);
            buf_printf(&b, "/sitemap-%lld.xml</loc></sitemap>\n", (long long)i);
        }
        buf_lit(&b, "</sitemapindex>\n");
    } else {
        if (page > 1 && page > pages) {
            buf_free(&b);
            buf_free(&o);
            rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
            return;
        }
        int64_t first = page > 0 ? (page - 1) * SITEMAP_MAX : 0; /* index of the first URL */
        int64_t offset = first > 0 ? first - 1 : 0;              /* of the first work */
        buf_lit(&b, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        if (first == 0) {
            buf_lit(&b, "<url><loc>");
            buf_xml(&b, o.p, o.len);
            buf_lit(&b, "/</loc></url>\n");
        }
        st = db_prepare(r->db, "SELECT id, updated_at FROM works WHERE status = 'published' "
                               "ORDER BY published_at, id LIMIT :lim OFFSET :off");
        db_bind_int(st, ":lim", first == 0 ? SITEMAP_MAX - 1 : SITEMAP_MAX);
        db_bind_int(st, ":off", offset);
        while (db_step(st) == DB_ROW) {
            buf_lit(&b, "<url><loc>");
            buf_xml(&b, o.p, o.len);
            buf_lit(&b, "/a/");
            buf_xml(&b, db_col_text(st, 0), db_col_len(st, 0));
            buf_lit(&b, "</loc><lastmod>");
            rfc3339(&b, db_col_int(st, 1));
            buf_lit(&b, "</lastmod></url>\n");
        }
        db_done(st);
        buf_lit(&b, "</urlset>\n");
    }
    rs_send(r, 200, "application/xml; charset=utf-8", buf_cstr(&b), b.len);
    buf_free(&b);
    buf_free(&o);
}

void feed_sitemap(hreq_t *r)
{
    sitemap_page(r, 0);
}

void feed_sitemap_part(hreq_t *r)
{
    /* The route is /sitemap-:n — the parameter is "N.xml". */
    const char *p = rq_param(r, 0);
    char *end;
    long long n = strtoll(p, &end, 10);
    if (n < 1 || strcmp(end, ".xml") != 0) {
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    sitemap_page(r, n);
}
