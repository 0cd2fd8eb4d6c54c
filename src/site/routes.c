/*
 * routes.c — the route table: every URL hao answers, in one place.
 *
 * For each route: method, path pattern (":name" matches one decoded path
 * segment), handler, the least role required, flags (RT_API: JSON errors and
 * bearer auth; RT_CSRF: form POST with a CSRF token; RT_CACHE: anonymous
 * responses cached in memory until content changes), and the largest body
 * accepted. The router (http/router.c) enforces all of it before a handler
 * runs. First match wins, so literal paths come before patterns.
 */
#include "http/router.h"
#include "site/account.h"
#include "site/api.h"
#include "site/feed.h"
#include "site/layout.h"
#include "site/pages.h"
#include "site/provenance_view.h"
#include "site/studio.h"

#define KB 1024
#define FORM_MAX (256 * KB) /* a work's body (200,000 bytes) form-encoded, with room */
#define JSON_MAX (1024 * KB)

const route_t routes[] = {
    /* reader pages */
    {"GET", "/", pages_home, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/a/:id", pages_work, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/u/:handle", pages_author, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/t/:tag", pages_tag, ROLE_NONE, RT_CACHE, 0},

    /* feeds and sitemap */
    {"GET", "/feed.atom", feed_atom_site, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/feed.json", feed_json_site, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/u/:handle/feed.atom", feed_atom_author, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/u/:handle/feed.json", feed_json_author, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/t/:tag/feed.atom", feed_atom_tag, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/t/:tag/feed.json", feed_json_tag, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/sitemap.xml", feed_sitemap, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/sitemap-:n", feed_sitemap_part, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/about", pages_about, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/lang", pages_lang, ROLE_NONE, 0, 0},
    {"GET", "/healthz", pages_healthz, ROLE_NONE, 0, 0},
    {"GET", "/static/hao.2.css", asset_css, ROLE_NONE, 0, 0},
    {"GET", "/static/studio.1.js", asset_studio_js, ROLE_NONE, 0, 0},

    /* accounts */
    {"GET", "/login", account_login_page, ROLE_NONE, 0, 0},
    {"POST", "/login", account_login_post, ROLE_NONE, RT_CSRF, 8 * KB},
    {"GET", "/register", account_register_page, ROLE_NONE, 0, 0},
    {"POST", "/register", account_register_post, ROLE_NONE, RT_CSRF, 8 * KB},
    {"POST", "/logout", account_logout_post, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/setup/:token", account_setup_page, ROLE_NONE, 0, 0},
    {"POST", "/setup/:token", account_setup_post, ROLE_NONE, RT_CSRF, 8 * KB},

    /* studio */
    {"GET", "/studio", studio_list, ROLE_CREATOR, 0, 0},
    {"GET", "/studio/new", studio_new, ROLE_CREATOR, 0, 0},
    {"POST", "/studio/new", studio_create, ROLE_CREATOR, RT_CSRF, FORM_MAX},
    {"POST", "/studio/preview", studio_preview, ROLE_CREATOR, RT_CSRF, FORM_MAX},
    {"GET", "/studio/:id", studio_edit, ROLE_CREATOR, 0, 0},
    {"POST", "/studio/:id", studio_save, ROLE_CREATOR, RT_CSRF, FORM_MAX},
    {"POST", "/studio/:id/delete", studio_delete, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"GET", "/studio/:id/revisions", studio_revisions, ROLE_CREATOR, 0, 0},
    {"GET", "/studio/:id/originality", prov_studio_page, ROLE_CREATOR, 0, 0},
    {"GET", "/studio/:id/revisions/:rev", studio_revision, ROLE_CREATOR, 0, 0},
    {"POST", "/studio/:id/revisions/:rev/restore", studio_restore, ROLE_CREATOR, RT_CSRF, 8 * KB},

    /* moderation */
    {"GET", "/mod/originality", prov_mod_list, ROLE_MODERATOR, 0, 0},
    {"GET", "/mod/originality/:id", prov_mod_page, ROLE_MODERATOR, 0, 0},

    /* JSON API */
    {"POST", "/api/v1/tokens", api_tokens_post, ROLE_NONE, RT_API, 8 * KB},
    {"GET", "/api/v1/declarations", api_declarations, ROLE_NONE, RT_API, 0},
    {"GET", "/api/v1/articles", api_articles_list, ROLE_NONE, RT_API, 0},
    {"POST", "/api/v1/articles", api_articles_create, ROLE_CREATOR, RT_API, JSON_MAX},
    {"GET", "/api/v1/articles/:id", api_articles_get, ROLE_NONE, RT_API, 0},
    {"PUT", "/api/v1/articles/:id", api_articles_update, ROLE_CREATOR, RT_API, JSON_MAX},
    {"DELETE", "/api/v1/articles/:id", api_articles_delete, ROLE_CREATOR, RT_API, 0},
    {"POST", "/api/v1/articles/:id/publish", api_articles_publish, ROLE_CREATOR, RT_API, 8 * KB},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
