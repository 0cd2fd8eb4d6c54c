/*
 * router.h — matching requests to the route table and enforcing each
 * route's declared method, role, CSRF level and body limit before its
 * handler runs (Kore's idea: a handler never sees a request its route
 * did not admit).
 *
 * The table itself is the application's (site/routes.c), and so is what the
 * router asks of it per request (who the user is, the error page, the
 * upload limit): it arrives in a server_app_t at start (router_use()), so
 * the router never names a module of site/ (layering: server.h).
 */
#ifndef HAO_ROUTER_H
#define HAO_ROUTER_H

#include "http/http.h"
#include "http/server.h"

/* Use app's route table and request hooks from now on. Start-up only, before
 * any loop runs (server_run calls it; unit tests of router_find pass a table
 * alone). app must outlive the server. */
void router_use(const server_app_t *app);
void router_dispatch(loop_ctx_t *lc, h2o_req_t *req);
/* The route for method + path (no query string), with r's path parameters
 * filled (decoded into r's pool). NULL when none: *status is then 404 (no
 * such path), 405 (the path exists for other methods) or 400 (a parameter
 * is not decodable UTF-8). HEAD is answered by GET routes. Pure apart from
 * r's pool, so unit tests call it without a server. */
const route_t *router_find(hreq_t *r, const char *method, size_t mlen, const char *path, size_t plen,
                           int *status);
/* Requests received and not yet answered on this loop. */
int router_inflight(loop_ctx_t *lc);
/* Write this loop's buffered access-log lines to stdout. */
void router_log_flush(loop_ctx_t *lc);
/* The access log as one JSON object a line (1) or as text (0). Main
 * thread, before the loops start (server.c, from hao.conf access_log). */
void router_log_format(int json);
/* The largest body_max of any route (h2o's global entity limit). */
size_t router_max_body(void);

/* The CSRF token for forms on the page being rendered for r. */
const char *csrf_token(hreq_t *r);
/* The CSRF check RT_CSRF routes get, for handlers of multipart forms (which
 * carry the token in a part): same origin and token. 1 when it passes. */
int router_csrf_ok(hreq_t *r, const char *token);

#endif
