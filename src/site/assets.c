/*
 * assets.c — the stylesheet and the studio editor's script, served from the
 * bytes site/assets/assets.S embeds (the files are site/assets/hao.css and
 * site/assets/studio.js). Their URLs carry a hash of the files (layout.h),
 * so the answers may be cached as immutable for a year.
 */
#include "site/layout.h"
#include "site/reader/feed.h"

/* assets.S: each file's bytes, from the first to one past the last. */
extern const char hao_asset_css[], hao_asset_css_end[];
extern const char hao_asset_studio_js[], hao_asset_studio_js_end[];
extern const char hao_asset_icon_svg[], hao_asset_icon_svg_end[];

static void send_asset(hreq_t *r, const char *type, const char *start, const char *end)
{
    rs_header(r, "cache-control", "public, max-age=31536000, immutable");
    rs_send(r, 200, type, start, (size_t)(end - start));
}

/* GET /static/hao.<version>.css */
void asset_css(hreq_t *r)
{
    send_asset(r, "text/css; charset=utf-8", hao_asset_css, hao_asset_css_end);
}

/* GET /static/studio.<version>.js */
void asset_studio_js(hreq_t *r)
{
    send_asset(r, "text/javascript; charset=utf-8", hao_asset_studio_js, hao_asset_studio_js_end);
}

/* GET /static/icon.<version>.svg */
void asset_icon(hreq_t *r)
{
    send_asset(r, "image/svg+xml", hao_asset_icon_svg, hao_asset_icon_svg_end);
}

/* GET /favicon.ico: pages link the icon, but some clients ask here anyway.
 * The same SVG (browsers go by the type, not the name), cached for a day:
 * this URL never changes, so it cannot be immutable. */
void asset_favicon(hreq_t *r)
{
    rs_header(r, "cache-control", "public, max-age=86400");
    rs_send(r, 200, "image/svg+xml", hao_asset_icon_svg, (size_t)(hao_asset_icon_svg_end - hao_asset_icon_svg));
}

void asset_robots(hreq_t *r)
{
    buf_t b = BUF_INIT;
    buf_lit(&b, "User-agent: *\n"
                "Disallow: /studio\n"
                "Disallow: /mod\n"
                "Disallow: /admin\n"
                "Disallow: /api/\n"
                "Disallow: /notifications\n"
                "Disallow: /following\n"
                "Disallow: /login\n"
                "Disallow: /register\n"
                "Sitemap: ");
    feed_origin(r, &b);
    buf_lit(&b, "/sitemap.xml\n");
    rs_header(r, "cache-control", "public, max-age=3600");
    rs_send(r, 200, "text/plain; charset=utf-8", b.p, b.len);
    buf_free(&b);
}
