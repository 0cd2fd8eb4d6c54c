/*
 * layout.c — see layout.h.
 */
#include "site/layout.h"

#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "http/router.h"
#include "site/audience/notify_page.h"
#include "site/reader/feed.h"
#include "site/site.h"

void page_time(buf_t *b, int64_t t)
{
    char s[CLOCK_TEXT_MAX];
    clock_china_minute(t, s);
    buf_htmlz(b, s);
}

void page_csrf_field(hreq_t *r, buf_t *b)
{
    buf_lit(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    buf_htmlz(b, csrf_token(r));
    buf_lit(b, "\">");
}

void page_begin(hreq_t *r, buf_t *b, const char *title, const page_meta_t *meta)
{
    static const page_meta_t none = {0};
    if (!meta)
        meta = &none;
    lang_t L = r->lang;
    buf_lit(b, "<!DOCTYPE html>\n<html lang=\"");
    buf_htmlz(b, i18n_code(L));
    buf_lit(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    buf_htmlz(b, title);
    buf_lit(b, " · ");
    buf_htmlz(b, site_name());
    buf_lit(b, "</title>\n<link rel=\"stylesheet\" href=\"");
    buf_htmlz(b, asset_css_url);
    buf_lit(b, "\">\n<link rel=\"icon\" type=\"image/svg+xml\" href=\"");
    buf_htmlz(b, asset_icon_url);
    buf_lit(b, "\">\n");
    if (meta->description) {
        buf_lit(b, "<meta name=\"description\" content=\"");
        buf_htmlz(b, meta->description);
        buf_lit(b, "\">\n");
    }
    if (meta->noindex)
        buf_lit(b, "<meta name=\"robots\" content=\"noindex\">\n");
    buf_t abs = BUF_INIT; /* the canonical URL, absolute (search engines, link previews) */
    if (meta->canonical) {
        feed_origin(r, &abs);
        buf_rawz(&abs, meta->canonical); /* raw: a URL, escaped where it is written below */
        buf_lit(b, "<link rel=\"canonical\" href=\"");
        buf_html(b, abs.p, abs.len);
        buf_lit(b, "\">\n");
    }
    buf_lit(b, "<meta property=\"og:site_name\" content=\"");
    buf_htmlz(b, site_name());
    buf_lit(b, "\">\n<meta property=\"og:title\" content=\"");
    buf_htmlz(b, title);
    buf_lit(b, "\">\n<meta property=\"og:type\" content=\"");
    buf_htmlz(b, meta->og_type ? meta->og_type : "website");
    buf_lit(b, "\">\n");
    if (abs.len) {
        buf_lit(b, "<meta property=\"og:url\" content=\"");
        buf_html(b, abs.p, abs.len);
        buf_lit(b, "\">\n");
    }
    buf_free(&abs);
    if (meta->description) {
        buf_lit(b, "<meta property=\"og:description\" content=\"");
        buf_htmlz(b, meta->description);
        buf_lit(b, "\">\n");
    }
    if (meta->image) {
        buf_t img = BUF_INIT;
        feed_origin(r, &img);
        buf_rawz(&img, meta->image); /* raw: a URL, escaped where it is written below */
        buf_lit(b, "<meta property=\"og:image\" content=\"");
        buf_html(b, img.p, img.len);
        buf_hprintf(b, "\">\n<meta property=\"og:image:width\" content=\"%d\">\n"
                       "<meta property=\"og:image:height\" content=\"%d\">\n",
                    meta->image_w, meta->image_h);
        if (meta->image_alt && *meta->image_alt) {
            buf_lit(b, "<meta property=\"og:image:alt\" content=\"");
            buf_htmlz(b, meta->image_alt);
            buf_lit(b, "\">\n");
        }
        buf_free(&img);
    }
    if (meta->published_time) {
        char ts[CLOCK_TEXT_MAX];
        clock_rfc3339(meta->published_time, ts);
        buf_lit(b, "<meta property=\"article:published_time\" content=\"");
        buf_htmlz(b, ts);
        buf_lit(b, "\">\n");
    }
    if (meta->author) {
        buf_lit(b, "<meta property=\"article:author\" content=\"");
        buf_htmlz(b, meta->author);
        buf_lit(b, "\">\n");
    }
    if (meta->fediverse_creator) {
        buf_lit(b, "<meta name=\"fediverse:creator\" content=\"");
        buf_htmlz(b, meta->fediverse_creator);
        buf_lit(b, "\">\n");
    }
    if (meta->og_type || meta->description) {
        buf_lit(b, "<meta name=\"twitter:card\" content=\"summary\">\n<meta name=\"twitter:title\" content=\"");
        buf_htmlz(b, title);
        buf_lit(b, "\">\n");
        if (meta->description) {
            buf_lit(b, "<meta name=\"twitter:description\" content=\"");
            buf_htmlz(b, meta->description);
            buf_lit(b, "\">\n");
        }
    }
    if (meta->feed_atom) {
        buf_lit(b, "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"");
        buf_htmlz(b, meta->feed_atom);
        buf_lit(b, "\">\n");
    }
    if (meta->feed_json) {
        buf_lit(b, "<link rel=\"alternate\" type=\"application/feed+json\" href=\"");
        buf_htmlz(b, meta->feed_json);
        buf_lit(b, "\">\n");
    }
    if (meta->script) {
        buf_lit(b, "<script src=\"");
        buf_htmlz(b, meta->script);
        buf_lit(b, "\" defer></script>\n");
    }
    buf_lit(b, "</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
    buf_htmlz(b, T(L, "site.skip"));
    buf_lit(b, "</a>\n<header class=\"site\"><nav>\n<a class=\"brand\" href=\"/\">");
    buf_htmlz(b, site_name());
    buf_lit(b, "</a>\n<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\" aria-label=\"");
    buf_htmlz(b, T(L, "site.search_landmark"));
    buf_lit(b, "\"><input type=\"search\" name=\"q\" aria-label=\"");
    buf_htmlz(b, T(L, "site.search"));
    buf_lit(b, "\" placeholder=\"");
    buf_htmlz(b, T(L, "site.search_placeholder"));
    /* A real submit button (visually hidden) so the form works without
     * JavaScript in every browser and for screen readers. */
    buf_lit(b, "\"><button type=\"submit\" class=\"sr\">");
    buf_htmlz(b, T(L, "site.search"));
    buf_lit(b, "</button></form>\n<ul class=\"links\">");
    if (r->user.id) {
        notify_header_links(r, b); /* signed-in pages are never cached */
        if (r->user.role >= ROLE_CREATOR) {
            buf_lit(b, "<li><a href=\"/studio\">");
            buf_htmlz(b, T(L, "site.studio"));
            buf_lit(b, "</a></li>");
        }
        if (r->user.role >= ROLE_MODERATOR) {
            buf_lit(b, "<li><a href=\"/mod\">");
            buf_htmlz(b, T(L, "site.mod"));
            buf_lit(b, "</a></li>");
        }
        if (r->user.role >= ROLE_ADMIN) {
            buf_lit(b, "<li><a href=\"/admin/settings\">");
            buf_htmlz(b, T(L, "settings.title"));
            buf_lit(b, "</a></li>");
        }
        buf_lit(b, "<li><a href=\"/u/");
        buf_url(b, r->user.handle, strlen(r->user.handle));
        buf_lit(b, "\">");
        buf_htmlz(b, r->user.display_name);
        buf_lit(b, "</a></li><li><form method=\"post\" action=\"/logout\" class=\"inline\">");
        page_csrf_field(r, b);
        buf_lit(b, "<button type=\"submit\" class=\"link\">");
        buf_htmlz(b, T(L, "site.logout"));
        buf_lit(b, "</button></form></li>");
    } else {
        buf_lit(b, "<li><a href=\"/login\">");
        buf_htmlz(b, T(L, "site.login"));
        buf_lit(b, "</a></li><li><a href=\"/register\">");
        buf_htmlz(b, T(L, "site.register"));
        buf_lit(b, "</a></li>");
    }
    buf_lit(b, "<li><a href=\"/lang?to=");
    buf_htmlz(b, L == LANG_EN ? "zh" : "en");
    /* Back to this very page after switching (reading part). */
    if (r->h && r->h->path.len > 0 && r->h->path.len <= 1024 && r->h->path.base[0] == '/') {
        buf_lit(b, "&amp;back=");
        buf_url(b, r->h->path.base, r->h->path.len);
    }
    buf_lit(b, "\" hreflang=\"");
    buf_htmlz(b, L == LANG_EN ? "zh-CN" : "en");
    buf_lit(b, "\">");
    buf_htmlz(b, T(L, "site.lang_switch"));
    buf_lit(b, "</a></li></ul>\n</nav></header>\n<main id=\"main\">\n");
}

void page_end(hreq_t *r, buf_t *b)
{
    page_end_feeds(r, b, "/feeds");
}

void page_end_feeds(hreq_t *r, buf_t *b, const char *feeds_href)
{
    lang_t L = r->lang;
    buf_lit(b, "</main>\n<footer class=\"site\"><p><a href=\"/about\">");
    buf_htmlz(b, T(L, "site.about"));
    buf_lit(b, "</a> · <a href=\"/notice\">");
    buf_htmlz(b, T(L, "site.notice"));
    buf_lit(b, "</a> · <a href=\"/transparency\">");
    buf_htmlz(b, T(L, "site.transparency"));
    buf_lit(b, "</a> · <a href=\"");
    buf_htmlz(b, feeds_href);
    buf_lit(b, "\">");
    buf_htmlz(b, T(L, "site.feed"));
    buf_lit(b, "</a></p><p class=\"fine\">");
    buf_htmlz(b, site_name());
    buf_lit(b, " · ");
    buf_htmlz(b, L == LANG_EN ? "an information storage service" : "信息存储空间服务");
    buf_lit(b, "</p></footer>\n</body>\n</html>\n");
}

void page_error(hreq_t *r, int status, const char *message, buf_t *b)
{
    buf_t t = BUF_INIT;
    buf_printf(&t, "%d %s", status, T(r->lang, "err.title")); /* raw: plain text, escaped where written */
    page_meta_t m = {.noindex = 1};
    page_begin(r, b, buf_cstr(&t), &m);
    buf_lit(b, "<section class=\"error\"><h1>");
    buf_html(b, t.p, t.len);
    buf_lit(b, "</h1><p class=\"message\" role=\"alert\">");
    buf_htmlz(b, message);
    buf_lit(b, "</p><p><a href=\"/\">");
    buf_htmlz(b, T(r->lang, "site.home"));
    buf_lit(b, "</a></p></section>\n");
    page_end(r, b);
    buf_free(&t);
}

void page_section_begin(hreq_t *r, buf_t *b, const char *cls, const char *title)
{
    page_meta_t m = {.noindex = 1};
    page_begin(r, b, title, &m);
    buf_lit(b, "<section class=\"");
    buf_htmlz(b, cls);
    buf_lit(b, "\"><h1 class=\"page-title\">");
    buf_htmlz(b, title);
    buf_lit(b, "</h1>\n");
}

void page_section_numbered(hreq_t *r, buf_t *b, const char *cls, const char *title_key, int64_t id)
{
    buf_t title = BUF_INIT;
    /* raw: plain text, escaped by page_section_begin */
    buf_printf(&title, "%s %lld", T(r->lang, title_key), (long long)id);
    page_section_begin(r, b, cls, buf_cstr(&title));
    buf_free(&title);
}

void page_send(hreq_t *r, buf_t *b, int status)
{
    page_end(r, b);
    rs_html(r, status, b);
    buf_free(b);
}

void page_declaration(hreq_t *r, buf_t *b, const declaration_t *d)
{
    if (!d || strcmp(d->code, "none") == 0)
        return;
    buf_lit(b, "<p class=\"declaration\" data-code=\"");
    buf_htmlz(b, d->code);
    buf_lit(b, "\"><span class=\"label\">");
    buf_htmlz(b, T(r->lang, "pages.declaration"));
    buf_lit(b, "</span> ");
    buf_htmlz(b, r->lang == LANG_EN ? d->en : d->zh);
    buf_lit(b, "</p>\n");
}

void page_statement(hreq_t *r, buf_t *b)
{
    /* Both languages, always: the statement is a legal notice, and a reader
     * of either language must be able to read it. */
    buf_lit(b, "<aside class=\"statement\"><p lang=\"zh-CN\">");
    site_statement_html(b, LANG_ZH);
    buf_lit(b, "</p><p lang=\"en\">");
    site_statement_html(b, LANG_EN);
    buf_lit(b, " <a href=\"/about\">");
    buf_htmlz(b, T(r->lang, "site.about"));
    buf_lit(b, "</a></p></aside>\n");
}
