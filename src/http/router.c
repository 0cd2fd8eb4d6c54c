/*
 * router.c — route matching, admission checks, the page cache front, and
 * the access log. See router.h.
 *
 * Contracts checked with assert() (live in every build: hao is built
 * without NDEBUG): a request is answered at most once (rs_send, rs_file and
 * the cache front), and a handler returns having answered or handed the
 * request to the worker pool, whose done() then answers (pool.c). A request
 * left unanswered would hang its client and keep the loop's in-flight count
 * up, so that shutdown waits its full grace period.
 */
#include "http/metrics.h"
#include "http/router.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/changed.h"
#include "core/clock.h"
#include "core/text.h"
#include "http/cache.h"
#include "http/pool.h"
#include "http/server.h"
#include "http/views.h"

/* Extra per-request state the router keeps beside hreq_t. */
typedef struct {
    hreq_t r;
    form_t form;
    int form_parsed;
    char *csrf;
    int cacheable;
    char *cache_key;
    size_t cache_keylen;
    char *view_id;
    uint64_t gen; /* content generation when the request arrived (cache_put) */
    uint64_t wgen; /* and the work generation (changed_work) */
} rq_ext_t;

/* The application's table and hooks (router_use), set before the loops
 * start and only read after. */
static const server_app_t *app;

void router_use(const server_app_t *a)
{
    app = a;
}

int router_inflight(loop_ctx_t *lc)
{
    return lc->inflight + pool_pending(lc);
}

/* A route's body limit. */
static size_t body_max(const route_t *rt)
{
    return (rt->flags & RT_UPLOAD) ? app->upload_max() : rt->body_max;
}

size_t router_max_body(void)
{
    size_t m = 0;
    for (size_t i = 0; i < app->nroutes; i++)
        if (!(app->routes[i].flags & RT_UPLOAD) && app->routes[i].body_max > m)
            m = app->routes[i].body_max;
    return m ? m : 1;
}

/* Every answer goes through here once: the contract's bookkeeping. */
static void answered(hreq_t *r)
{
    assert(!r->answered); /* a second answer to one request */
    r->answered = 1;
    r->loop->inflight--;
    r->loop->answers++;
}

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* ---- request helpers ---- */

void *rq_alloc(hreq_t *r, size_t n)
{
    return h2o_mem_alloc_pool(&r->h->pool, n ? n : 1);
}

char *rq_strndup(hreq_t *r, const char *s, size_t n)
{
    char *p = rq_alloc(r, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *rq_strdup(hreq_t *r, const char *s)
{
    return rq_strndup(r, s, strlen(s));
}

const char *rq_param(hreq_t *r, int i)
{
    return i < r->nparams ? r->params[i] : "";
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n) (and '+' as space when plus is set) into a
 * request-scoped string; NULL if malformed or not valid UTF-8 text. */
static char *pct_decode(hreq_t *r, const char *s, size_t n, int plus)
{
    char *out = rq_alloc(r, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= n)
                return NULL;
            hi = hexval((unsigned char)s[i + 1]);
            lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return NULL;
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (plus && s[i] == '+') {
            out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = 0;
    if (!text_valid(out, o))
        return NULL;
    return out;
}

/* Iterate k=v pairs in s[0..n), decoding both. Returns 0, or -1 if malformed. */
static int parse_pairs(hreq_t *r, const char *s, size_t n, form_t *f)
{
    int cap = 0;
    f->n = 0;
    f->names = f->values = NULL;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '&')
            j++;
        if (j > i) {
            const char *eq = memchr(s + i, '=', j - i);
            size_t kl = eq ? (size_t)(eq - (s + i)) : j - i;
            char *k = pct_decode(r, s + i, kl, 1);
            char *v = eq ? pct_decode(r, eq + 1, (size_t)(s + j - eq - 1), 1) : rq_strdup(r, "");
            if (!k || !v)
                return -1;
            if (f->n == cap) {
                int ncap = cap ? cap * 2 : 16;
                if (ncap > 1024)
                    return -1; /* more fields than any form of ours has */
                char **nn = rq_alloc(r, sizeof(char *) * (size_t)ncap);
                char **nv = rq_alloc(r, sizeof(char *) * (size_t)ncap);
                if (f->n) {
                    memcpy(nn, f->names, sizeof(char *) * (size_t)f->n);
                    memcpy(nv, f->values, sizeof(char *) * (size_t)f->n);
                }
                f->names = nn, f->values = nv, cap = ncap;
            }
            f->names[f->n] = k;
            f->values[f->n] = v;
            f->n++;
        }
        i = j + 1;
    }
    return 0;
}

const char *form_get(const form_t *f, const char *name)
{
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->names[i], name) == 0)
            return f->values[i];
    return NULL;
}

const char *rq_query(hreq_t *r, const char *name)
{
    h2o_req_t *h = r->h;
    if (h->query_at == SIZE_MAX)
        return NULL;
    form_t f;
    const char *q = h->path.base + h->query_at + 1;
    size_t qn = h->path.len - h->query_at - 1;
    if (parse_pairs(r, q, qn, &f) < 0)
        return NULL;
    return form_get(&f, name);
}

const char *rq_header(hreq_t *r, const char *name)
{
    ssize_t i = h2o_find_header_by_str(&r->h->headers, name, strlen(name), -1);
    if (i < 0)
        return NULL;
    h2o_iovec_t v = r->h->headers.entries[i].value;
    return rq_strndup(r, v.base, v.len);
}

const char *rq_cookie(hreq_t *r, const char *name)
{
    size_t nl = strlen(name);
    for (ssize_t i = -1; (i = h2o_find_header(&r->h->headers, H2O_TOKEN_COOKIE, i)) != -1;) {
        h2o_iovec_t v = r->h->headers.entries[i].value;
        const char *p = v.base, *e = v.base + v.len;
        while (p < e) {
            while (p < e && (*p == ' ' || *p == ';'))
                p++;
            const char *ke = p;
            while (ke < e && *ke != '=' && *ke != ';')
                ke++;
            const char *ve = ke;
            while (ve < e && *ve != ';')
                ve++;
            if ((size_t)(ke - p) == nl && memcmp(p, name, nl) == 0 && ke < e && *ke == '=')
                return rq_strndup(r, ke + 1, (size_t)(ve - ke - 1));
            p = ve;
        }
    }
    return NULL;
}

const char *rq_body(hreq_t *r, size_t *len)
{
    *len = r->h->entity.len;
    return r->h->entity.base ? r->h->entity.base : "";
}

int rq_is_head(hreq_t *r)
{
    return h2o_memis(r->h->method.base, r->h->method.len, H2O_STRLIT("HEAD"));
}

int rq_form(hreq_t *r, form_t *f)
{
    rq_ext_t *x = (rq_ext_t *)r;
    if (x->form_parsed) {
        *f = x->form;
        return x->form_parsed > 0 ? 0 : -1;
    }
    size_t n;
    const char *b = rq_body(r, &n);
    if (parse_pairs(r, b, n, &x->form) < 0) {
        x->form_parsed = -1;
        return -1;
    }
    x->form_parsed = 1;
    *f = x->form;
    return 0;
}

/* ---- responses ---- */

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 451: return "Unavailable For Legal Reasons";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "OK";
    }
}

void rs_header(hreq_t *r, const char *name, const char *value)
{
    /* h2o keeps the pointers: copy both into the request pool. */
    size_t vl = strlen(value);
    h2o_add_header_by_str(&r->h->pool, &r->h->res.headers, rq_strdup(r, name), strlen(name), 1, NULL,
                          rq_strndup(r, value, vl), vl);
}

void rs_cookie(hreq_t *r, const char *name, const char *value, long max_age, int http_only)
{
    buf_t b = BUF_INIT;
    buf_printf(&b, "%s=%s; Path=/; SameSite=Lax", name, value);
    if (max_age >= 0)
        buf_printf(&b, "; Max-Age=%ld", max_age);
    if (http_only)
        buf_lit(&b, "; HttpOnly");
    /* Behind TLS (directly or via a proxy that says so), cookies are Secure. */
    if (r->h->scheme == &H2O_URL_SCHEME_HTTPS) {
        buf_lit(&b, "; Secure");
    } else {
        const char *xf = rq_header(r, "x-forwarded-proto");
        if (xf && strcmp(xf, "https") == 0)
            buf_lit(&b, "; Secure");
    }
    rs_header(r, "set-cookie", buf_cstr(&b));
    buf_free(&b);
}

/* The access log's format (router_log_format), set before the loops start. */
static int log_json;

void router_log_format(int json)
{
    log_json = json;
}

static void log_line(hreq_t *r, int status, size_t len)
{
    loop_ctx_t *lc = r->loop;
    char ts[32];
    clock_rfc3339((int64_t)time(NULL), ts); /* logs keep the real clock (clock.h) */
    h2o_req_t *h = r->h;
    size_t pl = h->path.len > 512 ? 512 : h->path.len;
    uint64_t ns = now_ns() - r->start_ns;
    metrics_observe(lc->index, r->route, status, ns);
    if (log_json) {
        /* One JSON object a line (access_log = json in hao.conf). */
        buf_printf(&lc->log, "{\"ts\":\"%s\",\"peer\":", ts);
        buf_json_strz(&lc->log, rq_peer(r));
        buf_lit(&lc->log, ",\"method\":");
        buf_json_str(&lc->log, h->method.base, h->method.len > 16 ? 16 : h->method.len);
        buf_lit(&lc->log, ",\"path\":");
        buf_json_str(&lc->log, h->path.base, pl);
        buf_printf(&lc->log, ",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"class\":\"%s\"}\n", status, len,
                   (double)ns / 1e6, metrics_class_name(metrics_class(r->route)));
        if (lc->log.len > 64 * 1024)
            router_log_flush(lc);
        return;
    }
    buf_printf(&lc->log, "%s %s %.*s ", ts, rq_peer(r), (int)h->method.len, h->method.base);
    /* The path is client data: keep the log line one line. */
    for (size_t i = 0; i < pl; i++) {
        unsigned char c = (unsigned char)h->path.base[i];
        if (c < 0x20 || c == 0x7f || c == ' ')
            buf_printf(&lc->log, "%%%02X", c);
        else
            buf_ch(&lc->log, (char)c);
    }
    buf_printf(&lc->log, " %d %zu %.3fms\n", status, len, (double)ns / 1e6);
    if (lc->log.len > 64 * 1024)
        router_log_flush(lc);
}

void router_log_flush(loop_ctx_t *lc)
{
    size_t off = 0;
    while (off < lc->log.len) {
        ssize_t w = write(1, lc->log.p + off, lc->log.len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    buf_reset(&lc->log);
}

static void security_headers(hreq_t *r)
{
    h2o_req_t *h = r->h;
    h2o_add_header_by_str(&h->pool, &h->res.headers, H2O_STRLIT("content-security-policy"), 0, NULL,
                          H2O_STRLIT("default-src 'self'; img-src 'self' blob:; media-src 'self'; object-src 'none'; "
                                     "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"));
    h2o_add_header_by_str(&h->pool, &h->res.headers, H2O_STRLIT("x-content-type-options"), 0, NULL,
                          H2O_STRLIT("nosniff"));
    h2o_add_header_by_str(&h->pool, &h->res.headers, H2O_STRLIT("referrer-policy"), 0, NULL,
                          H2O_STRLIT("same-origin"));
}

void rs_send(hreq_t *r, int status, const char *content_type, const char *body, size_t len)
{
    rq_ext_t *x = (rq_ext_t *)r;
    h2o_req_t *h = r->h;
    answered(r);
    h->res.status = status;
    h->res.reason = reason(status);
    if (content_type)
        h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, content_type, strlen(content_type));
    security_headers(r);
    if (r->route && (r->route->flags & RT_NEGOTIATE))
        h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_VARY, NULL, H2O_STRLIT("Accept"));
    if (x->cacheable && status == 200 && !r->user.id) {
        const char *lm = NULL;
        ssize_t li = h2o_find_header_by_str(&h->res.headers, H2O_STRLIT("last-modified"), -1);
        if (li >= 0)
            lm = rq_strndup(r, h->res.headers.entries[li].value.base, h->res.headers.entries[li].value.len);
        cache_put(r->loop->cache, x->gen, x->wgen, x->cache_key, x->cache_keylen, status, content_type, body, len, x->view_id,
                  lm);
        metrics_cache_bytes(r->loop->index, cache_bytes(r->loop->cache));
        const cached_page_t *p = cache_get(r->loop->cache, x->cache_key, x->cache_keylen);
        if (p)
            h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_ETAG, NULL, rq_strdup(r, p->etag), strlen(p->etag));
    }
    if (h2o_find_header(&h->res.headers, H2O_TOKEN_CACHE_CONTROL, -1) == -1)
        h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-cache"));
    log_line(r, status, len);
    h->res.content_length = len;
    if (rq_is_head(r))
        len = 0;
    h2o_send_inline(h, len ? body : "", len);
}

/* ---- files (media) ---- */

#define FILE_CHUNK (256 * 1024)

/* Streams [off, end) of an open file, one pread per h2o proceed: the loop
 * never holds more than one chunk of a file in memory. */
typedef struct {
    h2o_generator_t super;
    int fd;
    off_t off, end;
    char *buf;
} file_gen_t;

static void file_close(file_gen_t *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
}

static void file_dispose(void *p)
{
    file_close(p);
}

static void file_proceed(h2o_generator_t *gen, h2o_req_t *req)
{
    file_gen_t *g = (file_gen_t *)gen;
    size_t want = (size_t)(g->end - g->off) < FILE_CHUNK ? (size_t)(g->end - g->off) : FILE_CHUNK;
    ssize_t n;
    do
        n = g->fd >= 0 ? pread(g->fd, g->buf, want, g->off) : -1;
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        file_close(g);
        h2o_send(req, NULL, 0, H2O_SEND_STATE_ERROR);
        return;
    }
    g->off += n;
    h2o_iovec_t v = h2o_iovec_init(g->buf, (size_t)n);
    int final = g->off >= g->end;
    if (final)
        file_close(g); /* buf lives in the request pool until the send completes */
    h2o_send(req, &v, 1, final ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS);
}

static void file_stop(h2o_generator_t *gen, h2o_req_t *req)
{
    (void)req;
    file_close((file_gen_t *)gen);
}

/* Parse a Range header value against a file of size bytes. Returns 1 with
 * [*first, *last] for a satisfiable range set (several ranges are coalesced
 * into the one span that covers them, which RFC 9110 14.2 permits), 0 when
 * the header is malformed or not in bytes (then it is ignored), -1 when it is
 * well-formed but nothing in it is satisfiable (416). */
static int parse_range(const char *v, off_t size, off_t *first, off_t *last)
{
    if (strncmp(v, "bytes=", 6) != 0)
        return 0;
    const char *p = v + 6;
    off_t lo = -1, hi = -1;
    int any = 0, specs = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        off_t a = -1, b = -1;
        char *e;
        if (*p == '-') { /* suffix: the last N bytes */
            if (p[1] < '0' || p[1] > '9')
                return 0;
            long long n = strtoll(p + 1, &e, 10);
            if (n < 0)
                return 0;
            p = e;
            if (n > 0 && size > 0) {
                a = n >= size ? 0 : size - n;
                b = size - 1;
            }
        } else if (*p >= '0' && *p <= '9') {
            long long x = strtoll(p, &e, 10);
            if (*e != '-')
                return 0;
            p = e + 1;
            long long y = -1;
            if (*p >= '0' && *p <= '9') {
                y = strtoll(p, &e, 10);
                p = e;
                if (y < x)
                    return 0;
            }
            if (x < size) {
                a = x;
                b = (y < 0 || y >= size) ? size - 1 : y;
            }
        } else {
            return 0;
        }
        if (++specs > 100)
            return 0; /* a range set this long is an attack, not a player */
        if (a >= 0) {
            any = 1;
            lo = lo < 0 || a < lo ? a : lo;
            hi = b > hi ? b : hi;
        }
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == 0)
            break;
        if (*p != ',')
            return 0;
        p++;
    }
    if (!any)
        return -1;
    *first = lo;
    *last = hi;
    return 1;
}

void rs_file(hreq_t *r, const char *path, const char *content_type, const char *cache_control, const char *etag)
{
    h2o_req_t *h = r->h;
    assert(!r->answered); /* a second answer to one request */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) < 0) {
        if (fd >= 0)
            close(fd);
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    answered(r);
    file_gen_t *g = h2o_mem_alloc_shared(&h->pool, sizeof *g, file_dispose);
    memset(g, 0, sizeof *g);
    g->fd = fd;
    g->super.proceed = file_proceed;
    g->super.stop = file_stop;
    off_t size = sb.st_size, first = 0, last = size - 1;
    rs_header(r, "cache-control", cache_control);
    rs_header(r, "etag", etag);
    rs_header(r, "accept-ranges", "bytes");
    security_headers(r);
    int status = 200;
    const char *inm = rq_header(r, "if-none-match");
    const char *range = rq_header(r, "range");
    const char *if_range = rq_header(r, "if-range");
    if (inm && strstr(inm, etag)) {
        status = 304;
    } else if (range && (!if_range || strcmp(if_range, etag) == 0)) {
        int pr = parse_range(range, size, &first, &last);
        if (pr < 0) {
            status = 416;
        } else if (pr > 0) {
            status = 206;
        } else {
            first = 0, last = size - 1;
        }
    }
    h->res.status = status;
    h->res.reason = reason(status);
    if (status == 304 || status == 416) {
        if (status == 416) {
            char cr[64];
            snprintf(cr, sizeof cr, "bytes */%lld", (long long)size);
            rs_header(r, "content-range", cr);
        }
        file_close(g);
        log_line(r, status, 0);
        h->res.content_length = 0;
        h2o_send_inline(h, "", 0);
        return;
    }
    h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, rq_strdup(r, content_type),
                   strlen(content_type));
    if (status == 206) {
        char cr[96];
        snprintf(cr, sizeof cr, "bytes %lld-%lld/%lld", (long long)first, (long long)last, (long long)size);
        rs_header(r, "content-range", cr);
    }
    size_t len = (size_t)(last - first + 1);
    h->res.content_length = len;
    log_line(r, status, len);
    if (rq_is_head(r) || len == 0) {
        file_close(g);
        h2o_send_inline(h, "", 0);
        return;
    }
    g->off = first;
    g->end = last + 1;
    g->buf = h2o_mem_alloc_pool(&h->pool, len < FILE_CHUNK ? len : FILE_CHUNK);
    h2o_start_response(h, &g->super);
    file_proceed(&g->super, h);
}

void rs_html(hreq_t *r, int status, buf_t *body)
{
    rs_send(r, status, "text/html; charset=utf-8", buf_cstr(body), body->len);
}

void rs_json(hreq_t *r, int status, buf_t *body)
{
    rs_send(r, status, "application/json; charset=utf-8", buf_cstr(body), body->len);
}

void rs_redirect(hreq_t *r, int status, const char *location)
{
    rs_header(r, "location", location);
    rs_send(r, status, "text/plain; charset=utf-8", "", 0);
}

void rs_no_content(hreq_t *r)
{
    rs_send(r, 204, NULL, "", 0);
}

void rs_error_extra(hreq_t *r, int status, const char *code, const char *message, const char *extra_json)
{
    buf_t b = BUF_INIT;
    if (!r->route || (r->route->flags & RT_API)) {
        buf_lit(&b, "{\"error\":{\"code\":");
        buf_json_strz(&b, code);
        buf_lit(&b, ",\"message\":");
        buf_json_strz(&b, message);
        if (extra_json) {
            buf_ch(&b, ',');
            buf_rawz(&b, extra_json);
        }
        buf_lit(&b, "}}");
        rs_json(r, status, &b);
    } else {
        app->error_page(r, status, message, &b);
        rs_html(r, status, &b);
    }
    buf_free(&b);
}

void rs_error(hreq_t *r, int status, const char *code, const char *message)
{
    rs_error_extra(r, status, code, message, NULL);
}

/* ---- CSRF ---- */

const char *csrf_token(hreq_t *r)
{
    rq_ext_t *x = (rq_ext_t *)r;
    if (x->csrf)
        return x->csrf;
    /* Bound to the session when logged in, else to a random pre-session
     * cookie; an HMAC under the site secret, so a token can't be minted by
     * someone who can only set cookies. */
    const char *basis = r->user.session_hash[0] ? r->user.session_hash : rq_cookie(r, "hao_csrf");
    if (!basis || strlen(basis) < 16 || strlen(basis) > 128) {
        unsigned char rnd[16];
        char hex[33];
        randombytes_buf(rnd, sizeof rnd);
        sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
        basis = rq_strdup(r, hex);
        rs_cookie(r, "hao_csrf", basis, -1, 1);
    }
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)basis, strlen(basis), server_state.secret);
    char *hex = rq_alloc(r, 33);
    sodium_bin2hex(hex, 33, mac, 16);
    x->csrf = hex;
    return hex;
}

/* Same-origin check: an Origin (or Referer) header, when present, must name
 * this host. Browsers send Origin on every cross-site POST. */
static int same_origin(hreq_t *r)
{
    const char *o = rq_header(r, "origin");
    if (!o)
        o = rq_header(r, "referer");
    if (!o || strcmp(o, "null") == 0)
        return o == NULL;
    const char *p = strstr(o, "://");
    if (!p)
        return 0;
    p += 3;
    size_t hl = strcspn(p, "/");
    h2o_iovec_t host = r->h->authority;
    return hl == host.len && memcmp(p, host.base, hl) == 0;
}

/* A url-encoded form body (what HTML forms send; also assumed when the
 * content type is missing). */
static int is_form(const char *ct)
{
    return !ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

static int csrf_ok(hreq_t *r)
{
    if (!same_origin(r))
        return 0;
    /* Bodies that are not url-encoded forms (uploads: multipart, raw
     * chunks, JSON) carry the token in a header: a cross-site page cannot
     * set one without a CORS preflight, which hao never grants. */
    const char *ct = rq_header(r, "content-type");
    int form = is_form(ct);
    form_t f = {0, NULL, NULL};
    if (form && rq_form(r, &f) < 0)
        return 0;
    const char *got = form ? form_get(&f, "csrf") : rq_header(r, "x-csrf-token");
    const char *want = csrf_token(r);
    return got && strlen(got) == strlen(want) && sodium_memcmp(got, want, strlen(want)) == 0;
}

int router_csrf_ok(hreq_t *r, const char *token)
{
    if (!same_origin(r) || !token)
        return 0;
    const char *want = csrf_token(r);
    return strlen(token) == strlen(want) && sodium_memcmp(token, want, strlen(want)) == 0;
}

/* ---- matching and dispatch ---- */

/* Match path (no query) against pattern; fill decoded params. 1 = match. */
static int match(hreq_t *r, const route_t *rt, const char *path, size_t plen)
{
    const char *p = rt->pattern, *s = path, *se = path + plen;
    r->nparams = 0;
    if (rt->flags & RT_PREFIX) {
        size_t n = strlen(p);
        return plen >= n && memcmp(path, p, n) == 0;
    }
    while (*p) {
        if (*p == ':') {
            while (*p && *p != '/')
                p++;
            const char *e = s;
            while (e < se && *e != '/')
                e++;
            if (e == s || r->nparams == RQ_MAX_PARAMS)
                return 0;
            char *v = pct_decode(r, s, (size_t)(e - s), 0);
            if (!v)
                return -1; /* undecodable parameter: 400 */
            r->params[r->nparams++] = v;
            s = e;
            continue;
        }
        if (s == se || *s != *p)
            return 0;
        s++, p++;
    }
    return s == se;
}

static int method_is(h2o_req_t *h, const char *m)
{
    return h2o_memis(h->method.base, h->method.len, m, strlen(m));
}

const route_t *router_find(hreq_t *r, const char *method, size_t mlen, const char *path, size_t plen, int *status)
{
    int path_matched = 0;
    int head = h2o_memis(method, mlen, H2O_STRLIT("HEAD"));
    *status = 404;
    for (size_t i = 0; i < app->nroutes; i++) {
        const route_t *rt = &app->routes[i];
        int m = match(r, rt, path, plen);
        if (m < 0) {
            *status = 400;
            return NULL;
        }
        if (!m)
            continue;
        path_matched = 1;
        if (h2o_memis(method, mlen, rt->method, strlen(rt->method)) || (head && strcmp(rt->method, "GET") == 0)) {
            /* Re-match: a later failed match must not leave its params. */
            match(r, rt, path, plen);
            *status = 200;
            return rt;
        }
    }
    *status = path_matched ? 405 : 404;
    return NULL;
}

enum scope route_scope(const route_t *rt)
{
    unsigned set = rt->flags & RT_SCOPE_MASK;
    if (set)
        return (enum scope)(set >> 8);
    if (rt->role >= ROLE_ADMIN)
        return SCOPE_ADMIN;
    if (rt->role >= ROLE_MODERATOR)
        return SCOPE_MODERATE;
    return strcmp(rt->method, "GET") == 0 ? SCOPE_READ : SCOPE_WRITE;
}

static void serve_cached(hreq_t *r, const cached_page_t *p)
{
    h2o_req_t *h = r->h;
    answered(r);
    if (p->view_id)
        views_read(r, p->view_id);
    h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_ETAG, NULL, rq_strdup(r, p->etag), strlen(p->etag));
    h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-cache"));
    if (p->last_modified[0])
        h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_LAST_MODIFIED, NULL, rq_strdup(r, p->last_modified),
                       strlen(p->last_modified));
    if (r->route && (r->route->flags & RT_NEGOTIATE))
        h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_VARY, NULL, H2O_STRLIT("Accept"));
    security_headers(r);
    const char *inm = rq_header(r, "if-none-match");
    if (inm && strstr(inm, p->etag)) {
        h->res.status = 304;
        h->res.reason = "Not Modified";
        log_line(r, 304, 0);
        h2o_send_inline(h, "", 0);
        return;
    }
    h->res.status = p->status;
    h->res.reason = reason(p->status);
    h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, p->content_type, strlen(p->content_type));
    h->res.content_length = p->len;
    log_line(r, p->status, p->len);
    /* h2o_send_inline copies the bytes into the request pool, so the cache
     * slot may be replaced before the write completes. */
    h2o_send_inline(h, rq_is_head(r) ? "" : p->body, rq_is_head(r) ? 0 : p->len);
}

void rq_mark_view(hreq_t *r, const char *work_id)
{
    rq_ext_t *x = (rq_ext_t *)r;
    views_read(r, work_id);
    x->view_id = rq_strdup(r, work_id);
}

void router_dispatch(loop_ctx_t *lc, h2o_req_t *h)
{
    rq_ext_t *x = h2o_mem_alloc_pool(&h->pool, sizeof(*x));
    memset(x, 0, sizeof(*x));
    hreq_t *r = &x->r;
    r->h = h;
    r->loop = lc;
    r->db = lc->db;
    r->start_ns = now_ns();
    lc->inflight++;

    /* Read before anything is rendered (see cache_put). */
    x->gen = changed_generation();
    x->wgen = changed_work_generation();
    /* Several nodes: another node may have changed the site's name or
     * statement; its change notice bumped the generation. */
    if (app->refresh && db_postgres_conninfo()) {
        uint64_t g = x->gen;
        if (g != lc->site_gen) {
            lc->site_gen = g;
            app->refresh(lc->db);
        }
    }
    size_t plen = h->query_at == SIZE_MAX ? h->path.len : h->query_at;
    const char *path = h->path.base;
    const char *lc_cookie = rq_cookie(r, "hao_lang");
    if (lc_cookie && strcmp(lc_cookie, "en") == 0)
        r->lang = LANG_EN;
    else if (lc_cookie && strcmp(lc_cookie, "zh") == 0)
        r->lang = LANG_ZH;
    else
        r->lang = i18n_from_accept(rq_header(r, "accept-language"));

    int status = 0;
    const route_t *found = router_find(r, h->method.base, h->method.len, path, plen, &status);
    if (!found) {
        /* Errors for /api/ paths are JSON even when no route matched. */
        static const route_t api_fallback = {"", "", NULL, ROLE_NONE, RT_API, 0};
        static const route_t html_fallback = {"", "", NULL, ROLE_NONE, 0, 0};
        r->route = (plen >= 5 && memcmp(path, "/api/", 5) == 0) ? &api_fallback : &html_fallback;
        if (status == 400)
            rs_error(r, 400, "bad_request", T(r->lang, "err.bad_path"));
        else if (status == 405)
            rs_error(r, 405, "method_not_allowed", T(r->lang, "err.method"));
        else if (!(app->not_found && r->route == &html_fallback &&
                   (method_is(h, "GET") || method_is(h, "HEAD")) && app->not_found(r, path, h->path.len)))
            rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    r->route = found;

    /* Anonymous GETs of cacheable pages: answer from this loop's cache. */
    int has_session = rq_cookie(r, "hao_session") != NULL;
    if ((found->flags & RT_CACHE) && !has_session && (method_is(h, "GET") || method_is(h, "HEAD"))) {
        buf_t key = BUF_INIT;
        /* The host is part of the key: feeds and the sitemap carry absolute URLs. */
        /* RT_NEGOTIATE: the ActivityStreams form is another document (a
         * rough test is enough here: the handler decides exactly, and a
         * miss only costs a render). */
        const char *acc = (found->flags & RT_NEGOTIATE) ? rq_header(r, "accept") : NULL;
        int as = acc && (strstr(acc, "activity+json") || strstr(acc, "ld+json"));
        buf_printf(&key, "%d%s|%.*s|%.*s", (int)r->lang, as ? "as" : "",
                   (int)(h->authority.len > 256 ? 256 : h->authority.len), h->authority.base, (int)h->path.len,
                   h->path.base);
        const cached_page_t *p = cache_get(lc->cache, key.p, key.len);
        metrics_cache(lc->index, p != NULL);
        if (p) {
            buf_free(&key);
            serve_cached(r, p);
            return;
        }
        x->cacheable = 1;
        x->cache_key = rq_strndup(r, key.p, key.len);
        x->cache_keylen = key.len;
        buf_free(&key);
    }

    if (h->entity.base && h->entity.len > body_max(found)) {
        rs_error(r, 413, "too_large", T(r->lang, "err.too_large"));
        return;
    }
    if (app->identify(r) < 0) {
        rs_error(r, 401, "unauthorized", T(r->lang, "err.bad_token"));
        return;
    }
    if (r->user.role < found->role) {
        if (!r->user.id) {
            if (found->flags & RT_API) {
                rs_error(r, 401, "unauthorized", T(r->lang, "err.login_required"));
            } else {
                buf_t loc = BUF_INIT;
                buf_lit(&loc, "/login?next=");
                buf_url(&loc, path, plen);
                rs_redirect(r, 303, buf_cstr(&loc));
                buf_free(&loc);
            }
        } else {
            rs_error(r, 403, "forbidden", T(r->lang, "err.forbidden"));
        }
        return;
    }
    /* A token acts within its scope (403, unlike a missing token's 401: the
     * caller is known and may not do this). */
    if (r->user.via_token && r->user.scope < route_scope(found)) {
        rs_error(r, 403, "insufficient_scope", T(r->lang, "err.scope"));
        return;
    }
    if ((found->flags & RT_CSRF) && method_is(h, "POST")) {
        form_t f;
        const char *ct = rq_header(r, "content-type");
        /* A malformed form is a 400 whatever its token; other bodies
         * (uploads) carry the token in a header (csrf_ok). */
        if (is_form(ct) && rq_form(r, &f) < 0) {
            rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
            return;
        }
    }
    if ((found->flags & RT_CSRF) && method_is(h, "POST") && !csrf_ok(r)) {
        rs_error(r, 403, "csrf", T(r->lang, "err.csrf"));
        return;
    }
    /* Only lc is read afterwards: r may be gone once it is answered. */
    unsigned long before = lc->answers + lc->deferrals;
    found->handler(r);
    assert(lc->answers + lc->deferrals != before); /* the handler neither answered nor submitted a job */
}
