/*
 * http.h — what a module sees of HTTP: the request context, the route table
 * entry, and the response writers.
 *
 * The server (server.c) owns the event loops; the router (router.c) matches
 * a request against the route table the application registered at start
 * (server.h: server_app_t; site/routes.c), enforces the route's method,
 * role, CSRF level and body limit, and only then calls the handler with a
 * hreq_t. A handler answers exactly once, with one of the rs_* writers, either
 * before it returns or later from a worker-pool completion (pool.h); the
 * router asserts both halves of that (a second answer, a handler that returns
 * having neither answered nor submitted a job).
 *
 * Layering: http/ sits on core/ and db/ (and may use search/, media/ and
 * provenance/) and never includes site/: the application is above it and
 * reaches it only through what it registers (server.h).
 *
 * Memory: everything a handler allocates with rq_alloc()/rq_strndup() lives in
 * h2o's request pool and is released when the request ends. Response bodies
 * are copied into that pool, so callers free their buf_t afterwards.
 */
#ifndef HAO_HTTP_H
#define HAO_HTTP_H

#define H2O_USE_LIBUV 0
#include <h2o.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "db/db.h"

typedef struct loop_ctx loop_ctx_t;
typedef struct hreq hreq_t;
typedef void (*handler_fn)(hreq_t *r);

enum role { ROLE_NONE = 0, ROLE_READER, ROLE_CREATOR, ROLE_MODERATOR, ROLE_ADMIN };

/* Route flags. */
enum {
    RT_API = 1 << 0,      /* errors as JSON; bearer-token or session auth */
    RT_CSRF = 1 << 1,     /* form POST: CSRF token and same origin required */
    RT_CACHE = 1 << 2,    /* anonymous GET responses may be cached (see cache.h) */
    RT_PREFIX = 1 << 3,   /* pattern matches as a prefix (static files) */
    RT_UPLOAD = 1 << 4,   /* body limit is the site's upload limit (media_upload_max()), not body_max */
    RT_CSRF_BODY = 1 << 5, /* form POST whose body only the handler parses (multipart with a file):
                              the handler checks its "csrf" field with router_csrf_ok() first */
    /* The scope an API token needs for an RT_API route (site/security/).
     * Unset, it follows from the route: GET needs read, any other method
     * write, a moderator's route moderate, an admin's admin (route_scope()).
     * Scopes are ordered: each includes the ones before it. */
    RT_SCOPE_READ = 1 << 8,
    RT_SCOPE_WRITE = 2 << 8,
    RT_SCOPE_MODERATE = 3 << 8,
    RT_SCOPE_ADMIN = 4 << 8,
    RT_SCOPE_MASK = 7 << 8,

    RT_NEGOTIATE = 1 << 6, /* one URL, two documents by Accept (HTML, or ActivityStreams JSON for
                              federation): cached apart, answered with Vary: Accept */
};

enum scope { SCOPE_NONE = 0, SCOPE_READ, SCOPE_WRITE, SCOPE_MODERATE, SCOPE_ADMIN };

typedef struct {
    const char *method;  /* "GET", "POST", ...; GET also answers HEAD */
    const char *pattern; /* "/a/:id", "/api/v1/articles/:id/publish" */
    handler_fn handler;
    enum role role;      /* least role required; ROLE_NONE = anyone */
    unsigned flags;
    size_t body_max;     /* bytes; 0 = no body allowed */
} route_t;

typedef struct {
    int64_t id; /* 0 = anonymous */
    char handle[32];
    char display_name[256];
    enum role role;
    char session_hash[65]; /* SHA-256 hex of the session token, "" when anonymous/API */
    int via_token;         /* authenticated by an API bearer token */
    enum scope scope;      /* the token's scope (via_token only) */
} user_t;

#define RQ_MAX_PARAMS 4

struct hreq {
    h2o_req_t *h;
    loop_ctx_t *loop;
    db_t *db;
    const route_t *route;
    int nparams;
    char *params[RQ_MAX_PARAMS]; /* decoded path parameters, valid UTF-8 */
    user_t user;
    lang_t lang;
    uint64_t start_ns;
    int answered;   /* set by the first answer (router.c); a second one is a bug */
};

/* The scope a bearer token needs for route rt (see RT_SCOPE_READ). */
enum scope route_scope(const route_t *rt);

/* Request-scoped memory. */
void *rq_alloc(hreq_t *r, size_t n);
char *rq_strndup(hreq_t *r, const char *s, size_t n);
char *rq_strdup(hreq_t *r, const char *s);

/* Path parameter i (0-based) as declared in the route pattern. */
const char *rq_param(hreq_t *r, int i);
/* A query-string argument, decoded; NULL when absent. Rejects (returns NULL
 * and sets *bad when given) values that are not valid UTF-8. */
const char *rq_query(hreq_t *r, const char *name);
/* A header value as a NUL-terminated request-scoped string, or NULL. */
const char *rq_header(hreq_t *r, const char *name);
/* A cookie value, or NULL. */
const char *rq_cookie(hreq_t *r, const char *name);
/* The request body and its length. */
const char *rq_body(hreq_t *r, size_t *len);
/* The client address as text (for throttling and logs): the connection's
 * peer, or behind a trusted proxy the address it forwards for (peer.h). */
const char *rq_peer(hreq_t *r);
int rq_is_head(hreq_t *r);
/* Count a view of work_id now, and on every cache hit of this response. */
void rq_mark_view(hreq_t *r, const char *work_id);

/* Form bodies (application/x-www-form-urlencoded). */
typedef struct {
    int n;
    char **names, **values;
} form_t;
/* Parse the body as a form. Returns 0, or -1 when it is not a well-formed
 * form of valid UTF-8 (the caller answers 400). */
int rq_form(hreq_t *r, form_t *f);
const char *form_get(const form_t *f, const char *name);

/* Response headers. */
void rs_header(hreq_t *r, const char *name, const char *value);
void rs_cookie(hreq_t *r, const char *name, const char *value, long max_age, int http_only);

/* Answers. Each sends the response; the body is copied. */
void rs_send(hreq_t *r, int status, const char *content_type, const char *body, size_t len);
void rs_html(hreq_t *r, int status, buf_t *body);
void rs_json(hreq_t *r, int status, buf_t *body);
void rs_redirect(hreq_t *r, int status, const char *location);
void rs_no_content(hreq_t *r);
/* Serve the file at path, streamed from the file a chunk at a time, with
 * this Content-Type, Cache-Control and (strong, quoted) ETag: HEAD,
 * If-None-Match (304), Range (206; several ranges coalesced into one span;
 * 416 when none is satisfiable; a malformed Range is ignored, RFC 9110
 * 14.2) and If-Range. A file that cannot be opened answers 404. */
void rs_file(hreq_t *r, const char *path, const char *content_type, const char *cache_control, const char *etag);
/* An error in the route's style: JSON {"error":{"code","message"}} for API
 * routes, an HTML page with the message otherwise. code is a short
 * machine-readable word ("not_found"); message is shown to the user. */
void rs_error(hreq_t *r, int status, const char *code, const char *message);
/* As rs_error for API routes, with an extra JSON member inside "error"
 * (already-serialised JSON, e.g. "\"missing\":[\"title\"]"). */
void rs_error_extra(hreq_t *r, int status, const char *code, const char *message, const char *extra_json);

/* Monotonic nanoseconds and wall-clock seconds. */
uint64_t now_ns(void);
int64_t now_s(void);

#endif
