/*
 * feedspage.c — see feedspage.h. Loop thread; reads only.
 */
#include "site/reader/feedspage.h"

#include <string.h>

#include "core/text.h"
#include "site/accounts/account.h"
#include "site/audience/follow_page.h"
#include "site/audience/newsletter.h"
#include "site/layout.h"
#include "site/reader/feed.h"
#include "site/reader/pages.h"
#include "site/works/work.h"

/* One feed: its name, a link, and its full address to copy into a reader. */
static void feed_row(hreq_t *r, buf_t *b, const char *label_key, const char *path)
{
    buf_t abs = BUF_INIT;
    feed_origin(r, &abs);
    buf_rawz(&abs, path); /* raw: a URL, escaped where it is written */
    buf_lit(b, "<li><a href=\"");
    buf_htmlz(b, path);
    buf_lit(b, "\">");
    buf_htmlz(b, T(r->lang, label_key));
    buf_lit(b, "</a> <code class=\"feed-url\">");
    buf_html(b, abs.p, abs.len);
    buf_lit(b, "</code></li>\n");
    buf_free(&abs);
}

/* A section with a heading (text) and the Atom and JSON feeds under base. */
static void feed_section(hreq_t *r, buf_t *b, const char *heading, const char *base, int with_json)
{
    buf_t p = BUF_INIT;
    buf_lit(b, "<section class=\"feed-group\"><h2>");
    buf_htmlz(b, heading);
    buf_lit(b, "</h2>\n<ul class=\"feed-list\">\n");
    buf_rawz(&p, base); /* raw: a URL */
    buf_lit(&p, "/feed.atom");
    feed_row(r, b, "feeds.atom", buf_cstr(&p));
    if (with_json) {
        buf_reset(&p);
        buf_rawz(&p, base); /* raw: a URL */
        buf_lit(&p, "/feed.json");
        feed_row(r, b, "feeds.json", buf_cstr(&p));
    }
    buf_lit(b, "</ul>\n");
    buf_free(&p);
}

void feedspage_html(hreq_t *r)
{
    lang_t L = r->lang;
    const char *handle = rq_query(r, "u");
    const char *tag = rq_query(r, "t");
    user_t u;
    int author = 0;
    if (handle && *handle) {
        if (account_by_handle(r->db, handle, &u) != 1) {
            rs_error(r, 404, "not_found", T(L, "err.not_found"));
            return;
        }
        author = 1;
    }
    if (tag && *tag && (!text_valid_line(tag, strlen(tag)) || text_chars(tag, strlen(tag)) > WORK_TAG_MAX)) {
        rs_error(r, 404, "not_found", T(L, "err.not_found"));
        return;
    }
    buf_t b = BUF_INIT;
    page_meta_t m = {.canonical = "/feeds", .feed_atom = "/feed.atom", .feed_json = "/feed.json"};
    page_begin(r, &b, T(L, "feeds.title"), &m);
    buf_lit(&b, "<section class=\"feeds-page\"><h1 class=\"page-title\">");
    buf_htmlz(&b, T(L, "feeds.title"));
    buf_lit(&b, "</h1>\n<p class=\"lead\">");
    buf_htmlz(&b, T(L, "feeds.what"));
    buf_lit(&b, "</p>\n");
    buf_t base = BUF_INIT, h = BUF_INIT;
    if (author) {
        buf_lit(&base, "/u/");
        buf_url(&base, u.handle, strlen(u.handle));
        buf_rawz(&h, T(L, "feeds.author")); /* raw: text, escaped by feed_section */
        buf_rawz(&h, u.display_name);       /* raw: text */
        buf_lit(&b, "<div class=\"feeds-own\">");
        feed_section(r, &b, buf_cstr(&h), buf_cstr(&base), 1);
        /* Following and e-mail: what the audience part offers for authors. */
        follow_author_box(r, &b, u.id, u.handle);
        newsletter_author_form(r, &b, u.handle, u.role);
        buf_lit(&b, "</section></div>\n");
    } else if (tag && *tag) {
        pages_tag_href(&base, tag);
        buf_rawz(&h, T(L, "feeds.tag")); /* raw: text, escaped by feed_section */
        buf_lit(&h, "#");
        buf_rawz(&h, tag); /* raw: text */
        buf_lit(&b, "<div class=\"feeds-own\">");
        feed_section(r, &b, buf_cstr(&h), buf_cstr(&base), 1);
        buf_lit(&b, "</section></div>\n");
    }
    feed_section(r, &b, T(L, "feeds.site"), "", 1);
    buf_lit(&b, "<p class=\"hint\">");
    buf_htmlz(&b, T(L, "feeds.sitemap_hint"));
    buf_lit(&b, "</p></section>\n");
    buf_lit(&b, "</section>\n");
    buf_free(&base);
    buf_free(&h);
    page_send(r, &b, 200);
}
