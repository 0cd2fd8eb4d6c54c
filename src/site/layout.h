/*
 * layout.h — the page shell every HTML page shares: head, header with
 * navigation and search, footer with the operator link, error pages, and
 * the small pieces works show everywhere (declaration badge, statement).
 *
 * All text goes through the escaping writers; a caller hands plain strings.
 */
#ifndef HAO_LAYOUT_H
#define HAO_LAYOUT_H

#include "core/buf.h"
#include "core/declaration.h"
#include "http/http.h"

typedef struct {
    const char *description; /* meta description, plain text, or NULL */
    const char *canonical;   /* absolute path like "/a/ID", or NULL */
    const char *feed_atom;   /* path of an Atom feed to advertise, or NULL */
    const char *feed_json;   /* path of a JSON feed to advertise, or NULL */
    const char *og_type;     /* "article" on work pages, else NULL ("website") */
    const char *image;       /* og:image: path of a picture ("/m/ID"), or NULL */
    int image_w, image_h;    /* its size in pixels */
    const char *image_alt;   /* its description, or NULL */
    int64_t published_time;  /* article:published_time (unix), 0 = none */
    const char *author;      /* article:author (display name), or NULL */
    const char *script;      /* path of a script to load (studio), or NULL */
    int noindex;             /* studio, login: keep out of search engines */
    const char *fediverse_creator; /* "@handle@host" of a work's author when federating, or NULL */
} page_meta_t;

/* Open the document: <head>, site header, <main>. title is plain text. */
void page_begin(hreq_t *r, buf_t *b, const char *title, const page_meta_t *meta);
/* Close <main>, write the footer, close the document. */
void page_end(hreq_t *r, buf_t *b);
/* page_end whose footer's 订阅 link goes to feeds_href (a path such as
 * "/feeds?u=HANDLE": that page's own feeds) instead of "/feeds". */
void page_end_feeds(hreq_t *r, buf_t *b, const char *feeds_href);
/* A whole error page with message (plain text). */
void page_error(hreq_t *r, int status, const char *message, buf_t *b);
/* The declaration badge for a work (nothing for "none"). */
void page_declaration(hreq_t *r, buf_t *b, const declaration_t *d);
/* The bilingual platform statement block under a work. */
void page_statement(hreq_t *r, buf_t *b);
/* "YYYY-MM-DD HH:MM" in China Standard Time (the site's display zone). */
void page_time(buf_t *b, int64_t unix_s);
/* A hidden CSRF field for a form on this page. */
void page_csrf_field(hreq_t *r, buf_t *b);
/* Open a page kept out of search engines (studio, moderation, forms,
 * receipts) with its title as heading: the shell, then
 * <section class="cls"><h1 class="page-title">title</h1> and a newline. The caller writes
 * the rest and closes the section. cls is a literal; title plain text. */
void page_section_begin(hreq_t *r, buf_t *b, const char *cls, const char *title);
/* page_section_begin titled "<T(title_key)> <id>": a numbered case (a
 * notice, report or complaint) for its receipt or its moderator view. */
void page_section_numbered(hreq_t *r, buf_t *b, const char *cls, const char *title_key, int64_t id);
/* Finish the page (page_end), send it as HTML with status, free b. */
void page_send(hreq_t *r, buf_t *b, int status);

/* Static assets, embedded in the binary: site/assets/ holds the files and
 * assets.S, which embeds them and defines these URLs. Each URL carries a
 * hash of the files, computed by the build (the one asset version), so the
 * answers are cached as immutable and an edited file gets a new URL. */
extern const char asset_css_url[];       /* "/static/hao.<version>.css" */
extern const char asset_studio_js_url[]; /* "/static/studio.<version>.js" */
extern const char asset_icon_url[];      /* "/static/icon.<version>.svg" */
void asset_css(hreq_t *r);
void asset_studio_js(hreq_t *r);
/* The site icon (also at /favicon.ico, where browsers look without a link). */
void asset_icon(hreq_t *r);
void asset_favicon(hreq_t *r);
/* GET /robots.txt: crawlers keep out of the studio, moderation, admin, API and
 * personal pages, and are pointed to the sitemap. */
void asset_robots(hreq_t *r);

#endif
