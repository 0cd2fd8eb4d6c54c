/*
 * api.c — the JSON API for declarations and articles (/api/v1/...).
 *
 * Requests are parsed with jansson (duplicate keys refused, types checked);
 * responses are written with the escaping JSON writers in buf.h. Errors are
 * {"error":{"code","message"}} with the matching status (router.c). Auth is
 * a bearer token only (account.c), so no CSRF applies here.
 */
#include "site/api/api.h"
#include "site/works/media.h"
#include "site/works/summary.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/declaration.h"
#include "core/markdown.h"
#include "site/trust/review.h"
#include "site/works/publish.h"
#include "site/site.h"
#include "site/studio/studio.h"
#include "site/trust/takedown.h"
#include "site/works/work.h"

static void json_time(buf_t *b, int64_t t)
{
    if (!t) {
        buf_lit(b, "null");
        return;
    }
    char s[32];
    clock_rfc3339(t, s);
    buf_ch(b, '"');
    buf_rawz(b, s);
    buf_ch(b, '"');
}

/* The whole JSON record of a work; with_body adds body and html. */
void api_work_json(buf_t *b, db_t *db, const work_t *w, int with_body)
{
    buf_lit(b, "{\"id\":");
    buf_json_strz(b, w->id);
    buf_lit(b, ",\"title\":");
    buf_json_strz(b, w->title);
    buf_lit(b, ",\"url\":");
    buf_printf(b, "\"/a/%s\"", w->id);
    buf_lit(b, ",\"status\":");
    buf_json_strz(b, w->status);
    buf_lit(b, ",\"declaration\":");
    buf_json_strz(b, w->declaration->code);
    buf_lit(b, ",\"declaration_label\":{\"zh\":");
    buf_json_strz(b, w->declaration->zh);
    buf_lit(b, ",\"en\":");
    buf_json_strz(b, w->declaration->en);
    buf_lit(b, "},\"author\":");
    buf_json_strz(b, w->author_handle);
    buf_lit(b, ",\"author_name\":");
    buf_json_strz(b, w->author_name);
    buf_lit(b, ",\"tags\":[");
    for (int i = 0; i < w->ntags; i++) {
        if (i)
            buf_ch(b, ',');
        buf_json_strz(b, w->tags[i]);
    }
    buf_lit(b, "],\"original\":");
    buf_rawz(b, w->original ? "true" : "false");
    buf_lit(b, ",\"provenance\":");
    provenance_json(b, &w->prov);
    buf_lit(b, ",\"rev\":");
    buf_int(b, w->rev);
    buf_lit(b, ",\"views\":");
    buf_int(b, w->views);
    buf_lit(b, ",\"comments_count\":"); /* the audience: counts kept with their rows (comment.h, like.h) */
    buf_int(b, w->comments_count);
    buf_lit(b, ",\"likes\":");
    buf_int(b, w->likes_count);
    buf_lit(b, ",\"comments\":");
    buf_rawz(b, w->comments_open ? "\"open\"" : "\"closed\"");
    buf_lit(b, ",\"summary\":"); /* the creator's; "" when generated (reading: summary.h) */
    buf_json_strz(b, w->summary ? w->summary : "");
    buf_lit(b, ",\"cover\":");
    buf_json_strz(b, w->cover);
    buf_lit(b, ",\"created_at\":");
    json_time(b, w->created_at);
    buf_lit(b, ",\"updated_at\":");
    json_time(b, w->updated_at);
    buf_lit(b, ",\"published_at\":");
    json_time(b, w->published_at);
    if (with_body) {
        buf_lit(b, ",\"body\":");
        buf_json_strz(b, w->body);
        buf_t html = BUF_INIT;
        media_render(db, w->body, strlen(w->body), &html, NULL); /* embeds as on the work page */
        buf_lit(b, ",\"html\":");
        buf_json_str(b, buf_cstr(&html), html.len);
        buf_free(&html);
    } else {
        buf_t ex = BUF_INIT;
        work_summary(w, 120, &ex);
        buf_lit(b, ",\"excerpt\":");
        buf_json_str(b, buf_cstr(&ex), ex.len);
        buf_free(&ex);
    }
    buf_lit(b, ",\"statement\":{\"zh\":");
    buf_t st = BUF_INIT;
    site_statement_text(&st, LANG_ZH);
    buf_json_str(b, buf_cstr(&st), st.len);
    buf_reset(&st);
    site_statement_text(&st, LANG_EN);
    buf_lit(b, ",\"en\":");
    buf_json_str(b, buf_cstr(&st), st.len);
    buf_free(&st);
    buf_lit(b, "}}");
}

/* GET /api/v1/declarations */
void api_declarations(hreq_t *r)
{
    buf_t b = BUF_INIT;
    buf_ch(&b, '[');
    for (size_t i = 0; i < declarations_count; i++) {
        if (i)
            buf_ch(&b, ',');
        buf_lit(&b, "{\"code\":");
        buf_json_strz(&b, declarations[i].code);
        buf_lit(&b, ",\"zh\":");
        buf_json_strz(&b, declarations[i].zh);
        buf_lit(&b, ",\"en\":");
        buf_json_strz(&b, declarations[i].en);
        buf_ch(&b, '}');
    }
    buf_ch(&b, ']');
    rs_header(r, "cache-control", "public, max-age=3600");
    rs_json(r, 200, &b);
    buf_free(&b);
}

static void work_error(hreq_t *r, const work_err_t *e)
{
    if (e->other_id[0]) {
        /* A 原创 claim on a copy: name the earlier work it copies. */
        char extra[128];
        snprintf(extra, sizeof extra, "\"field\":\"original\",\"source_id\":\"%s\"", e->other_id);
        rs_error_extra(r, e->status, "not_original", T(r->lang, e->key), extra);
    } else if (e->field) {
        api_field_error(r, e->status, e->status == 413 ? "too_large" : "invalid", T(r->lang, e->key), e->field);
    } else {
        const char *code = e->status == 404 ? "not_found" : e->status == 451 ? "taken_down" : "internal";
        rs_error(r, e->status, code, T(r->lang, e->key));
    }
}

json_t *api_body_object(hreq_t *r)
{
    size_t n;
    const char *b = rq_body(r, &n);
    json_error_t jerr;
    json_t *j = json_loadb(b, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        rs_error(r, 400, "bad_json", T(r->lang, "err.bad_json"));
        return NULL;
    }
    return j;
}

int api_json_string(json_t *j, const char *key, const char **out)
{
    json_t *v = json_object_get(j, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return -1;
    *out = json_string_value(v);
    return 0;
}

void api_field_error(hreq_t *r, int status, const char *code, const char *message, const char *field)
{
    char extra[96];
    if (field)
        snprintf(extra, sizeof extra, "\"field\":\"%s\"", field);
    rs_error_extra(r, status, code, message, field ? extra : NULL);
}

/* Fill in from the JSON object. Returns 0, or -1 after answering 422 for a
 * member of the wrong type. tags may be an array of strings or one
 * comma-separated string. Strings with NUL bytes are refused. */
static int input_from_json(hreq_t *r, json_t *j, work_input_t *in, const char **taglist, int *ntags)
{
    static const char *const fields[] = {"title", "body", "declaration", "summary", "cover"};
    const char **dst[] = {&in->title, &in->body, &in->declaration, &in->summary, &in->cover};
    memset(in, 0, sizeof(*in));
    for (size_t i = 0; i < 5; i++) {
        if (api_json_string(j, fields[i], dst[i]) < 0) {
            api_field_error(r, 422, "invalid",
                            r->lang == LANG_EN ? "This field must be a string." : "该字段必须是字符串。", fields[i]);
            return -1;
        }
    }
    json_t *o = json_object_get(j, "original");
    if (o && !json_is_null(o)) {
        if (!json_is_boolean(o)) {
            rs_error_extra(r, 422, "invalid", r->lang == LANG_EN ? "original must be true or false." : "original 必须是 true 或 false。",
                           "\"field\":\"original\"");
            return -1;
        }
        in->set_original = 1;
        in->original = json_is_true(o);
    }
    json_t *t = json_object_get(j, "tags");
    if (t && json_is_string(t)) {
        in->tags = json_string_value(t);
    } else if (t && json_is_array(t)) {
        if (json_array_size(t) > 64) {
            rs_error_extra(r, 422, "invalid", T(r->lang, "work.err.tags"), "\"field\":\"tags\"");
            return -1;
        }
        *ntags = 0;
        size_t i;
        json_t *v;
        json_array_foreach(t, i, v)
        {
            if (!json_is_string(v)) {
                rs_error_extra(r, 422, "invalid", T(r->lang, "work.err.tags"), "\"field\":\"tags\"");
                return -1;
            }
            taglist[(*ntags)++] = json_string_value(v);
        }
        in->tags_list = taglist;
        in->ntags_list = *ntags;
    } else if (t && !json_is_null(t)) {
        rs_error_extra(r, 422, "invalid", T(r->lang, "work.err.tags"), "\"field\":\"tags\"");
        return -1;
    }
    return 0;
}

static void answer_work(hreq_t *r, int status, const char *id)
{
    work_t w;
    if (work_get(r->db, id, &w) != 1) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    api_work_json(&b, r->db, &w, 1);
    if (status == 201) {
        char loc[64];
        snprintf(loc, sizeof loc, "/api/v1/articles/%s", id);
        rs_header(r, "location", loc);
    }
    rs_json(r, status, &b);
    buf_free(&b);
    work_free(&w);
}

/* A create or PUT whose originality check runs on the worker pool: the
 * parsed body (and the strings `in` points into) live here until the answer. */
typedef struct {
    json_t *j;
    work_input_t in;
    const char *taglist[64];
    char id[WORK_ID_LEN + 1];
} put_ctx_t;

static void put_ctx_free(void *p)
{
    put_ctx_t *c = p;
    json_decref(c->j);
    free(c);
}

static void create_checked(hreq_t *r, int rc, const orig_result_t *res, const char *hash, void *ctx)
{
    put_ctx_t *c = ctx;
    char id[WORK_ID_LEN + 1];
    work_err_t e;
    if (work_create_checked(r->db, r->user.id, &c->in, rc == 0 ? res : NULL, hash, id, &e) < 0)
        work_error(r, &e);
    else
        answer_work(r, 201, id);
}

/* POST /api/v1/articles {"title","body","declaration","tags"?,"original"?} -> 201 draft;
 * "original": true on a text that copies an earlier work by another creator
 * -> 422 not_original with "source_id". */
void api_articles_create(hreq_t *r)
{
    json_t *j = api_body_object(r);
    if (!j)
        return;
    work_input_t in;
    const char *taglist[64];
    int ntags = 0;
    if (input_from_json(r, j, &in, taglist, &ntags) < 0) {
        json_decref(j);
        return;
    }
    /* Missing required members are listed together, as for notices. */
    buf_t missing = BUF_INIT;
    if (!in.title)
        buf_lit(&missing, "\"title\"");
    if (!in.body) {
        if (missing.len)
            buf_ch(&missing, ',');
        buf_lit(&missing, "\"body\"");
    }
    if (missing.len) {
        buf_t extra = BUF_INIT;
        buf_printf(&extra, "\"missing\":[%s]", buf_cstr(&missing));
        rs_error_extra(r, 422, "missing_fields",
                       r->lang == LANG_EN ? "Required fields are missing." : "缺少必填字段。", buf_cstr(&extra));
        buf_free(&extra);
        buf_free(&missing);
        json_decref(j);
        return;
    }
    buf_free(&missing);
    work_err_t e;
    if (in.set_original && in.original && work_validate(&in, 1, &e) == 0) {
        /* A 原创 claim: the originality check runs on the worker pool. */
        put_ctx_t *c = xcalloc(1, sizeof *c);
        c->j = j;
        c->in = in;
        if (in.tags_list) {
            memcpy(c->taglist, taglist, sizeof taglist);
            c->in.tags_list = c->taglist;
        }
        publish_check_async(r, NULL, r->user.id, 0, in.body, create_checked, c, put_ctx_free);
        return;
    }
    char id[WORK_ID_LEN + 1];
    if (work_create(r->db, r->user.id, &in, id, &e) < 0)
        work_error(r, &e);
    else
        answer_work(r, 201, id);
    json_decref(j);
}

/* GET /api/v1/articles/{id}: published works to anyone; drafts only to their
 * author (403 for other signed-in users, 404 for anonymous); taken down: 451. */
void api_articles_get(hreq_t *r)
{
    work_t w;
    int rc = work_get(r->db, rq_param(r, 0), &w);
    if (rc <= 0) {
        if (rc < 0)
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        else
            rs_error(r, 404, "not_found", T(r->lang, "work.err.not_found"));
        return;
    }
    int mine = r->user.id && r->user.id == w.author_id;
    if (strcmp(w.status, "taken_down") == 0 && !mine) {
        buf_t why = BUF_INIT, extra = BUF_INIT;
        int64_t nid = 0;
        if (!takedown_describe(r->db, w.id, r->lang, &why, &nid))
            buf_rawz(&why, T(r->lang, "work.err.gone"));
        if (nid)
            buf_printf(&extra, "\"notice\":%lld", (long long)nid);
        rs_error_extra(r, 451, "taken_down", buf_cstr(&why), extra.len ? buf_cstr(&extra) : NULL);
        buf_free(&why);
        buf_free(&extra);
    } else if (strcmp(w.status, "published") != 0 && !mine) {
        if (r->user.id)
            rs_error(r, 403, "forbidden", T(r->lang, "work.err.not_yours"));
        else
            rs_error(r, 404, "not_found", T(r->lang, "work.err.not_found"));
    } else {
        buf_t b = BUF_INIT;
        api_work_json(&b, r->db, &w, 1);
        rs_json(r, 200, &b);
        buf_free(&b);
    }
    work_free(&w);
}

static void put_checked(hreq_t *r, int rc, const orig_result_t *res, const char *hash, void *ctx)
{
    put_ctx_t *c = ctx;
    work_err_t e;
    if (work_update_checked(r->db, c->id, &c->in, rc == 0 ? res : NULL, hash, &e) < 0)
        work_error(r, &e);
    else
        answer_work(r, 200, c->id);
}

/* PUT /api/v1/articles/{id}: partial update, a new revision. When the edit
 * needs the originality check (a published work's text changed, or a 原创
 * claim), the check runs on the worker pool first. */
void api_articles_update(hreq_t *r)
{
    work_t w;
    if (!studio_own_work(r, &w))
        return;
    json_t *j = api_body_object(r);
    if (!j) {
        work_free(&w);
        return;
    }
    put_ctx_t *c = xcalloc(1, sizeof *c);
    c->j = j;
    snprintf(c->id, sizeof c->id, "%s", w.id);
    int ntags = 0;
    const char *check_body;
    int64_t before_seq;
    if (input_from_json(r, j, &c->in, c->taglist, &ntags) < 0) {
        put_ctx_free(c);
    } else if (work_validate(&c->in, 0, &(work_err_t){0}) == 0 &&
               work_update_needs_check(&w, &c->in, &check_body, &before_seq)) {
        publish_check_async(r, w.id, w.author_id, before_seq, check_body, put_checked, c, put_ctx_free);
    } else {
        put_checked(r, -1, NULL, NULL, c); /* nothing to check (or invalid: work_update says why) */
        put_ctx_free(c);
    }
    work_free(&w);
}

static void publish_answer(hreq_t *r, const char *id, int rc, const work_err_t *e)
{
    if (rc < 0)
        work_error(r, e);
    else
        answer_work(r, 200, id);
}

/* POST /api/v1/articles/{id}/publish -> {"status":"published","url"}; the
 * originality check runs on the worker pool (publish.h). */
void api_articles_publish(hreq_t *r)
{
    work_t w;
    if (!studio_own_work(r, &w))
        return;
    work_free(&w);
    /* Review before publish: 202, still a draft, queued for a moderator. */
    int held = review_hold(r, rq_param(r, 0));
    if (held != 0) {
        if (held < 0)
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        else
            answer_work(r, 202, rq_param(r, 0));
        return;
    }
    publish_async(r, rq_param(r, 0), publish_answer);
}

/* DELETE /api/v1/articles/{id} -> 204 */
void api_articles_delete(hreq_t *r)
{
    work_t w;
    if (!studio_own_work(r, &w))
        return;
    work_free(&w);
    work_err_t e;
    if (work_delete(r->db, rq_param(r, 0), &e) < 0)
        work_error(r, &e);
    else
        rs_no_content(r);
}

/* GET /api/v1/articles?author=&tag=&limit=&before= : published works, newest
 * first. before is the "next" cursor of the previous page (or a unix time). */
void api_articles_list(hreq_t *r)
{
    work_query_t q = {0};
    q.author = rq_query(r, "author");
    q.tag = rq_query(r, "tag");
    const char *lim = rq_query(r, "limit");
    q.limit = 20;
    if (lim) {
        char *end;
        long v = strtol(lim, &end, 10);
        if (*end || v < 1 || v > 100) {
            rs_error(r, 400, "bad_limit", r->lang == LANG_EN ? "limit must be 1-100." : "limit 必须在 1 到 100 之间。");
            return;
        }
        q.limit = (int)v;
    }
    const char *before = rq_query(r, "before");
    if (before && *before) {
        char *end;
        long long v = strtoll(before, &end, 10);
        if (v <= 0 || (*end && (*end != '_' || strlen(end + 1) != WORK_ID_LEN))) {
            rs_error(r, 400, "bad_cursor", r->lang == LANG_EN ? "before is not a valid cursor." : "before 参数无效。");
            return;
        }
        q.before = v;
        q.before_id = *end ? end + 1 : NULL;
    }
    work_list_t l;
    if (work_list(r->db, &q, &l) < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"articles\":[");
    for (int i = 0; i < l.n; i++) {
        if (i)
            buf_ch(&b, ',');
        api_work_json(&b, r->db, &l.items[i], 0);
    }
    buf_lit(&b, "],\"next\":");
    if (l.more && l.n)
        buf_printf(&b, "\"%lld_%s\"", (long long)l.items[l.n - 1].published_at, l.items[l.n - 1].id);
    else
        buf_lit(&b, "null");
    buf_ch(&b, '}');
    rs_json(r, 200, &b);
    buf_free(&b);
    work_list_free(&l);
}
