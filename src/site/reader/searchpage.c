/*
 * searchpage.c — see searchpage.h.
 *
 * Both doors take the same parameters, checked the same way:
 *   q        the query (search/query.h syntax), at most 200 characters
 *   author   an author's handle          tag   one tag (exact)
 *   from, to YYYY-MM-DD, published on or after / on or before (China time)
 *   limit    1-50 (page: 10)             offset  0-10000
 * Bad input is a 400 with the reason (JSON for the API, the page with the
 * message in place); an offset past the last hit is an empty page with the
 * total, not an error. Pages reach the SEARCH_RANK_WINDOW best-ranked hits
 * ("next_offset" is null after them) while "total" counts every match.
 */
#include "site/reader/searchpage.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "http/pool.h"
#include "search/normalize.h"
#include "search/search.h"
#include "site/layout.h"
#include "site/site.h"

#define PAGE_LIMIT 10

typedef struct {
    search_req_t req;
    const char *code; /* error code when parsing failed */
    char key[48];     /* its i18n key */
    const char *from_s, *to_s;
} params_t;

static int bad(params_t *p, const char *code)
{
    p->code = code;
    snprintf(p->key, sizeof p->key, "search.err.%s", code);
    return -1;
}

static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* Was parameter name present in the raw query string? (rq_query answers NULL
 * both for a missing parameter and for a query string that does not decode
 * to valid UTF-8; the second must be an error, not an empty search.) */
static int raw_has(hreq_t *r, const char *name)
{
    if (r->h->query_at == SIZE_MAX)
        return 0;
    const char *q = r->h->path.base + r->h->query_at + 1;
    size_t n = r->h->path.len - r->h->query_at - 1, nl = strlen(name);
    for (size_t i = 0; i + nl < n; i++)
        if ((i == 0 || q[i - 1] == '&') && memcmp(q + i, name, nl) == 0 && q[i + nl] == '=')
            return 1;
    return 0;
}

static int read_params(hreq_t *r, params_t *p, int default_limit)
{
    memset(p, 0, sizeof(*p));
    p->req.limit = default_limit;
    p->req.q = rq_query(r, "q");
    if (!p->req.q && raw_has(r, "q"))
        return bad(p, "encoding");
    if (!p->req.q && r->h->query_at != SIZE_MAX && (raw_has(r, "author") || raw_has(r, "tag")) &&
        !rq_query(r, "author") && !rq_query(r, "tag"))
        return bad(p, "encoding");
    const char *v;
    if ((v = rq_query(r, "author")) && *v)
        p->req.author = v;
    if ((v = rq_query(r, "tag")) && *v)
        p->req.tag = v;
    if ((p->from_s = rq_query(r, "from")) && *p->from_s && clock_china_parse_date(p->from_s, &p->req.from) < 0)
        return bad(p, "date");
    if ((p->to_s = rq_query(r, "to")) && *p->to_s) {
        if (clock_china_parse_date(p->to_s, &p->req.to) < 0)
            return bad(p, "date");
        p->req.to += 24 * 3600; /* inclusive: up to the end of that day */
    }
    if ((v = rq_query(r, "limit")) && parse_int(v, 1, SEARCH_LIMIT_MAX, &p->req.limit) < 0)
        return bad(p, "limit");
    if ((v = rq_query(r, "offset")) && parse_int(v, 0, SEARCH_OFFSET_MAX, &p->req.offset) < 0)
        return bad(p, "offset");
    return 0;
}

/* ---- running a search on the worker pool ----
 *
 * A search takes from well under a millisecond to tens of milliseconds on a
 * large site (a one-character query ranks 1,000 matches), so it runs on the
 * worker pool, not on the loop thread, with the pool thread's own read-only
 * database connection. The job owns copies of the parameters: the request's
 * memory may go away if the client hangs up while the search runs. */

typedef struct {
    pool_job_t job; /* first: the pool frees the job with free() */
    int api;
    params_t p;
    char *q, *author, *tag, *from_s, *to_s;
    search_result_t res;
    int rc;
} search_job_t;

static void search_work(pool_job_t *j)
{
    search_job_t *sj = (search_job_t *)j;
    db_t *db = pool_db(); /* this pool thread's own connection */
    if (!db) {
        sj->rc = -2;
        return;
    }
    const char *code = NULL;
    sj->rc = search_run(db, &sj->p.req, &sj->res, &code);
    if (sj->rc == -1)
        bad(&sj->p, code);
}

static void render_api(hreq_t *r, params_t *p, int rc, search_result_t *res);
static void render_page(hreq_t *r, params_t *p, int rc, search_result_t *res);

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    char *d = xstrdup(s);
    return d;
}

static void search_done(pool_job_t *j, hreq_t *r)
{
    search_job_t *sj = (search_job_t *)j;
    if (r) {
        if (sj->api)
            render_api(r, &sj->p, sj->rc, &sj->res);
        else
            render_page(r, &sj->p, sj->rc, &sj->res);
    }
    if (sj->rc == 0)
        search_result_free(&sj->res);
    free(sj->q), free(sj->author), free(sj->tag), free(sj->from_s), free(sj->to_s);
}

static void submit(hreq_t *r, const params_t *p, int api)
{
    search_job_t *sj = xcalloc(1, sizeof(*sj));
    sj->job.work = search_work;
    sj->job.done = search_done;
    sj->api = api;
    sj->p = *p;
    sj->p.req.q = sj->q = dup_or_null(p->req.q);
    sj->p.req.author = sj->author = dup_or_null(p->req.author);
    sj->p.req.tag = sj->tag = dup_or_null(p->req.tag);
    sj->p.from_s = sj->from_s = dup_or_null(p->from_s);
    sj->p.to_s = sj->to_s = dup_or_null(p->to_s);
    pool_submit(r, &sj->job);
}

/* How far pages go: every match, up to the ranked window (search.h). */
static int64_t reach(const search_result_t *res)
{
    return res->total < SEARCH_RANK_WINDOW ? res->total : SEARCH_RANK_WINDOW;
}

static void json_time(buf_t *b, int64_t t)
{
    char s[32];
    clock_rfc3339(t, s);
    buf_ch(b, '"');
    buf_rawz(b, s); /* raw: JSON, digits and punctuation */
    buf_ch(b, '"');
}

/* GET /api/v1/search?q=&author=&tag=&from=&to=&limit=&offset=
 *   -> {"total","offset","limit","hits":[{"id","title","title_html","snippet",
 *       "url","author","author_name","published_at","tags","score"}],"next_offset"} */
void searchpage_api(hreq_t *r)
{
    params_t p;
    if (read_params(r, &p, 10) < 0) {
        render_api(r, &p, -1, NULL);
        return;
    }
    submit(r, &p, 1);
}

static void render_api(hreq_t *r, params_t *p, int rc, search_result_t *res)
{
    if (rc == -2) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    if (rc < 0) {
        buf_t code = BUF_INIT;
        buf_printf(&code, "bad_query_%s", p->code); /* raw: text */
        rs_error(r, 400, buf_cstr(&code), T(r->lang, p->key));
        buf_free(&code);
        return;
    }
    buf_t b = BUF_INIT;
    buf_printf(&b, "{\"total\":%lld,\"offset\":%d,\"limit\":%d,\"hits\":[", (long long)res->total, p->req.offset,
               p->req.limit);
    for (int i = 0; i < res->n; i++) {
        const search_hit_t *h = &res->hits[i];
        if (i)
            buf_ch(&b, ',');
        buf_lit(&b, "{\"id\":");
        buf_json_strz(&b, h->id);
        buf_lit(&b, ",\"title\":");
        buf_json_strz(&b, h->title);
        buf_lit(&b, ",\"title_html\":");
        buf_json_strz(&b, h->title_html);
        buf_lit(&b, ",\"snippet\":");
        buf_json_strz(&b, h->snippet_html);
        buf_printf(&b, ",\"url\":\"/a/%s\",\"author\":", h->id); /* raw: JSON, a work id */
        buf_json_strz(&b, h->author_handle);
        buf_lit(&b, ",\"author_name\":");
        buf_json_strz(&b, h->author_name);
        buf_lit(&b, ",\"published_at\":");
        json_time(&b, h->published_at);
        buf_lit(&b, ",\"tags\":[");
        for (const char *t = h->tags, *end; *t; t = *end ? end + 2 : end) {
            end = strstr(t, ", ");
            if (!end)
                end = t + strlen(t);
            if (t != h->tags)
                buf_ch(&b, ',');
            buf_json_str(&b, t, (size_t)(end - t));
        }
        buf_printf(&b, "],\"score\":%.4f}", -h->score);
    }
    buf_lit(&b, "],\"next_offset\":");
    if (p->req.offset + res->n < reach(res) && res->n)
        buf_printf(&b, "%d", p->req.offset + res->n);
    else
        buf_lit(&b, "null");
    buf_ch(&b, '}');
    rs_json(r, 200, &b);
    buf_free(&b);
}

/* The page's own URL with another offset (filters kept). */
static void self_href(buf_t *b, const params_t *p, int offset)
{
    buf_lit(b, "/search?q=");
    if (p->req.q)
        buf_url(b, p->req.q, strlen(p->req.q));
    const char *names[] = {"author", "tag", "from", "to"};
    const char *vals[] = {p->req.author, p->req.tag, p->from_s, p->to_s};
    for (int i = 0; i < 4; i++)
        if (vals[i] && *vals[i]) {
            buf_hprintf(b, "&amp;%s=", names[i]);
            buf_url(b, vals[i], strlen(vals[i]));
        }
    if (offset)
        buf_hprintf(b, "&amp;offset=%d", offset);
}

static void field(buf_t *b, hreq_t *r, const char *key, const char *name, const char *type, const char *value)
{
    buf_lit(b, "<label>");
    buf_htmlz(b, T(r->lang, key));
    buf_lit(b, " <input type=\"");
    buf_htmlz(b, type);
    buf_lit(b, "\" name=\"");
    buf_htmlz(b, name);
    buf_lit(b, "\" value=\"");
    buf_htmlz(b, value ? value : "");
    buf_lit(b, "\"></label>\n");
}

static void search_form(buf_t *b, hreq_t *r, const params_t *p)
{
    buf_lit(b, "<form class=\"search-page\" action=\"/search\" method=\"get\" role=\"search\" aria-label=\"");
    buf_htmlz(b, T(r->lang, "search.form_label"));
    buf_lit(b, "\">\n"
               "<p><input type=\"search\" name=\"q\" maxlength=\"200\" aria-label=\"");
    buf_htmlz(b, T(r->lang, "site.search"));
    buf_lit(b, "\" value=\"");
    buf_htmlz(b, p->req.q ? p->req.q : "");
    buf_lit(b, "\"> <button type=\"submit\">");
    buf_htmlz(b, T(r->lang, "site.search"));
    buf_lit(b, "</button></p>\n<details");
    if (p->req.author || p->req.tag || (p->from_s && *p->from_s) || (p->to_s && *p->to_s))
        buf_lit(b, " open");
    buf_lit(b, "><summary>");
    buf_htmlz(b, T(r->lang, "search.filters"));
    buf_lit(b, "</summary>\n");
    field(b, r, "search.author", "author", "text", p->req.author);
    field(b, r, "search.tag", "tag", "text", p->req.tag);
    field(b, r, "search.from", "from", "date", p->from_s);
    field(b, r, "search.to", "to", "date", p->to_s);
    buf_lit(b, "</details>\n<p class=\"hint\">");
    buf_htmlz(b, T(r->lang, "search.help"));
    buf_lit(b, "</p>\n</form>\n");
}

/* GET /search?q=&author=&tag=&from=&to=&offset= — the search page: the form,
 * then the hits with highlighted snippets, ten per page. Works without
 * JavaScript; kept out of search engines (noindex). */
void searchpage_html(hreq_t *r)
{
    params_t p;
    int rc = read_params(r, &p, PAGE_LIMIT);
    p.req.limit = PAGE_LIMIT;
    int has_q = p.req.q && p.req.q[strspn(p.req.q, " \t")] != '\0';
    if (rc == 0 && has_q) {
        submit(r, &p, 0);
        return;
    }
    render_page(r, &p, rc, NULL);
}

/* The page for a finished search (rc 0 with res), a bad request (rc -1), or
 * no query yet (rc 0, res NULL). */
static void render_page(hreq_t *r, params_t *pp, int rc, search_result_t *resp)
{
    if (rc == -2) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    params_t p = *pp;
    search_result_t none = {0};
    search_result_t res = resp ? *resp : none;
    int has_q = resp != NULL;
    buf_t b = BUF_INIT, title = BUF_INIT;
    if (has_q && rc == 0)
        buf_printf(&title, "%s · %s", p.req.q, T(r->lang, "site.search")); /* raw: text */
    else
        buf_rawz(&title, T(r->lang, "site.search")); /* raw: text */
    page_meta_t m = {.noindex = 1, .canonical = "/search"};
    page_begin(r, &b, buf_cstr(&title), &m);
    buf_lit(&b, "<section class=\"search-results\">\n<h1 class=\"page-title\">");
    buf_htmlz(&b, T(r->lang, "site.search"));
    buf_lit(&b, "</h1>\n");
    if (rc < 0)
        p.req.q = p.code && strcmp(p.code, "encoding") == 0 ? NULL : p.req.q;
    search_form(&b, r, &p);
    int status = 200;
    if (rc < 0) {
        status = 400;
        buf_lit(&b, "<p class=\"message error\" role=\"alert\">");
        buf_htmlz(&b, T(r->lang, p.key));
        buf_lit(&b, "</p>\n");
    } else if (!has_q) {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(r->lang, "search.prompt"));
        buf_lit(&b, "</p>\n");
    } else if (res.total == 0) {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(r->lang, "search.none"));
        buf_lit(&b, "</p>\n");
    } else if (res.n == 0) {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(r->lang, "search.past_end"));
        buf_lit(&b, " <a href=\"");
        self_href(&b, &p, 0);
        buf_lit(&b, "\">");
        buf_htmlz(&b, T(r->lang, "search.first_page"));
        buf_lit(&b, "</a></p>\n");
    } else {
        buf_lit(&b, "<p class=\"count\">");
        if (r->lang == LANG_EN)
            buf_hprintf(&b, "%lld result%s, %d-%d shown", (long long)res.total, res.total == 1 ? "" : "s",
                        p.req.offset + 1, p.req.offset + res.n);
        else
            buf_hprintf(&b, "共 %lld 条结果,第 %d-%d 条", (long long)res.total, p.req.offset + 1, p.req.offset + res.n);
        buf_lit(&b, "</p>\n<div class=\"cards\">\n");
        for (int i = 0; i < res.n; i++) {
            const search_hit_t *h = &res.hits[i];
            buf_lit(&b, "<article class=\"card hit\">\n<h2><a href=\"/a/");
            buf_htmlz(&b, h->id);
            buf_lit(&b, "\">");
            buf_rawz(&b, h->title_html); /* raw: escaped by snippet_html, <mark> only */
            buf_lit(&b, "</a></h2>\n<p class=\"meta\"><a class=\"author\" href=\"/u/");
            buf_url(&b, h->author_handle, strlen(h->author_handle));
            buf_lit(&b, "\">");
            buf_htmlz(&b, h->author_name);
            buf_lit(&b, "</a> · ");
            page_time(&b, h->published_at);
            buf_lit(&b, "</p>\n<p class=\"snippet\">");
            buf_rawz(&b, h->snippet_html); /* raw: escaped by snippet_html, <mark> only */
            buf_lit(&b, "</p>\n</article>\n");
        }
        buf_lit(&b, "</div>\n<nav class=\"pager\">");
        if (p.req.offset > 0) {
            buf_lit(&b, "<a rel=\"prev\" href=\"");
            self_href(&b, &p, p.req.offset > PAGE_LIMIT ? p.req.offset - PAGE_LIMIT : 0);
            buf_lit(&b, "\">← ");
            buf_htmlz(&b, T(r->lang, "search.prev"));
            buf_lit(&b, "</a> ");
        }
        if (p.req.offset + res.n < reach(&res)) {
            buf_lit(&b, "<a rel=\"next\" href=\"");
            self_href(&b, &p, p.req.offset + PAGE_LIMIT);
            buf_lit(&b, "\">");
            buf_htmlz(&b, T(r->lang, "search.next"));
            buf_lit(&b, " →</a>");
        }
        buf_lit(&b, "</nav>\n");
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
    buf_free(&title);
}

/* ---- hao search ---- */

int searchpage_cli(const char *data_dir, int npos, char **pos)
{
    if (npos < 1) {
        fprintf(stderr, "hao: search needs rebuild, normalize or query TEXT\n");
        return 2;
    }
    if (strcmp(pos[0], "normalize") == 0 && npos == 1) {
        /* One line in, its normalised form out: the reference normaliser for
         * tests and for checking what the index sees. */
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        buf_t out = BUF_INIT;
        while ((n = getline(&line, &cap, stdin)) >= 0) {
            if (n && line[n - 1] == '\n')
                n--;
            buf_reset(&out);
            norm_utf8(line, (size_t)n, &out);
            buf_ch(&out, '\n');
            fwrite(out.p, 1, out.len, stdout);
        }
        free(line);
        buf_free(&out);
        return 0;
    }
    int rebuild = strcmp(pos[0], "rebuild") == 0 && npos == 1;
    int query = strcmp(pos[0], "query") == 0 && npos == 2;
    if (!rebuild && !query) {
        fprintf(stderr, "hao: usage: hao search rebuild|normalize|query TEXT [--data DIR]\n");
        return 2;
    }
    buf_t err = BUF_INIT;
    db_t *db;
    if (sodium_init() < 0 || db_open(data_dir, 1, &db, &err) < 0) {
        fprintf(stderr, "hao: %s\n", buf_cstr(&err));
        buf_free(&err);
        return 1;
    }
    buf_free(&err);
    int rc = 0;
    if (rebuild) {
        long n = search_rebuild(db);
        if (n < 0) {
            fprintf(stderr, "hao: search rebuild failed\n");
            rc = 1;
        } else {
            fprintf(stderr, "hao: indexed %ld published works\n", n);
        }
    } else {
        search_req_t req = {.q = pos[1], .limit = SEARCH_LIMIT_MAX};
        search_result_t res;
        const char *code = NULL;
        int s = search_run(db, &req, &res, &code);
        if (s == -1) {
            char key[48];
            snprintf(key, sizeof key, "search.err.%s", code ? code : "");
            fprintf(stderr, "hao: search: %s\n", T(LANG_EN, key));
            rc = 2;
        } else if (s < 0) {
            rc = 1;
        } else {
            for (int i = 0; i < res.n; i++)
                printf("%s\t%s\n", res.hits[i].id, res.hits[i].title);
            fprintf(stderr, "hao: %lld matching works\n", (long long)res.total);
            search_result_free(&res);
        }
    }
    db_close(db);
    return rc;
}
