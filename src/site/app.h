/*
 * app.h — the application as the server sees it: the route table
 * (routes.c) and the hooks that app.c registers with the HTTP layer.
 *
 * Layering (core <- db <- search/media/provenance <- http <- site <- main):
 * http/ never names a module of site/. `hao serve` (main.c) asks app_server()
 * for the table of hooks and hands it to server_run(), which calls back into
 * the site only through it (http/server.h, server_app_t). Everything the
 * site starts and stops with the server (settings and the CSRF secret,
 * media, the originality backfill, the mail sender, scheduled jobs, the
 * start-up announcements) is wired here, not in server.c.
 */
#ifndef HAO_APP_H
#define HAO_APP_H

#include <stddef.h>

#include "http/server.h"

/* Every URL hao answers (routes.c), in match order. */
extern const route_t routes[];
extern const size_t routes_count;

/* The hooks for server_run(). upload_max is the largest upload accepted,
 * in bytes (0 = the default, MEDIA_UPLOAD_MAX_DEFAULT). Call once, from the
 * main thread; the table is static and lives until exit. */
const server_app_t *app_server(size_t upload_max);

#endif
