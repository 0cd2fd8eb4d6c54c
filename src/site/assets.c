/*
 * assets.c — the stylesheet and the studio editor's script, served from the
 * bytes site/assets/assets.S embeds (the files are site/assets/hao.css and
 * site/assets/studio.js). Their URLs carry a hash of the files (layout.h),
 * so the answers may be cached as immutable for a year.
 */
#include "site/layout.h"

/* assets.S: each file's bytes, from the first to one past the last. */
extern const char hao_asset_css[], hao_asset_css_end[];
extern const char hao_asset_studio_js[], hao_asset_studio_js_end[];

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
