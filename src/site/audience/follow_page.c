/*
 * follow_page.c — see follow_page.h.
 */
#include "site/audience/follow_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/changed.h"
#include "core/clock.h"
#include "site/api/api.h"
#include "site/audience/comment_page.h"
#include "site/audience/follow.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/reader/pages.h"

#define TIMELINE_PAGE 20
#define FOLLOWERS_PAGE 50

/* A refusal of the domain as the route answers: JSON for the API, a page
 * otherwise; 429 carries Retry-After. */
static void answer_error(hreq_t *r, const aud_err_t *e)
{
    if (e->status == 429 && e->retry_after > 0) {
        char s[16];
        snprintf(s, sizeof s, "%d", e->retry_after);
        rs_header(r, "retry-after", s);
    }
    api_field_error(r, e->status, e->code, T(r->lang, e->key), e->field);
}

/* A local path to come back to ("/x", never "//host" or "/\host"), else dflt. */
static const char *local_path(const char *p, const char *dflt)
{
    if (!p || p[0] != '/' || p[1] == '/' || p[1] == '\\' || strlen(p) > 1024)
        return dflt;
    for (const char *c = p; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return dflt;
    return p;
}

static void author_path(buf_t *b, const char *handle)
{
    buf_lit(b, "/u/");
    buf_url(b, handle, strlen(handle));
}

/* The POST form that sets following to `on`, with its button. */
static void follow_form(hreq_t *r, buf_t *b, const char *handle, int on, const char *back)
{
    buf_lit(b, "<form class=\"follow\" method=\"post\" action=\"");
    author_path(b, handle);
    buf_lit(b, "/follow\">");
    page_csrf_field(r, b);
    buf_hprintf(b, "<input type=\"hidden\" name=\"on\" value=\"%c\">", on ? '1' : '0');
    if (back) {
        buf_lit(b, "<input type=\"hidden\" name=\"back\" value=\"");
        buf_htmlz(b, back);
        buf_lit(b, "\">");
    }
    buf_hprintf(b, "<button type=\"submit\" class=\"%s\" data-following=\"%c\">", on ? "follow" : "unfollow",
                on ? '0' : '1');
    buf_htmlz(b, T(r->lang, on ? "follow.follow" : "follow.unfollow"));
    buf_lit(b, "</button></form>");
}

void follow_button(hreq_t *r, buf_t *b, int64_t author_id, const char *handle, const char *back)
{
    if (r->user.id && r->user.id == author_id)
        return;
    if (!r->user.id) {
        /* Cached for every anonymous reader: no token, no state. */
        buf_lit(b, "<form class=\"follow\" method=\"get\" action=\"");
        author_path(b, handle);
        buf_lit(b, "/follow\"><button type=\"submit\" class=\"follow\" data-following=\"0\">");
        buf_htmlz(b, T(r->lang, "follow.follow"));
        buf_lit(b, "</button></form>");
        return;
    }
    int is = follow_is(r->db, r->user.id, author_id);
    follow_form(r, b, handle, is != 1, back);
    /* comments.js sends this form without a reload (the page works without
     * it; a second copy of the script on a work page does nothing). */
    buf_hprintf(b, "<script src=\"%s\" defer></script>", asset_comments_js_url);
}

void follow_author_box(hreq_t *r, buf_t *b, int64_t author_id, const char *handle)
{
    int64_t followers = 0, following = 0;
    follow_counts(r->db, author_id, &followers, &following);
    /* The author's own page (never cached) links their list of followers. */
    int own = r->user.id && r->user.id == author_id && r->user.role >= ROLE_CREATOR;
    buf_lit(b, "<div class=\"follow-box\"><p class=\"follow-counts\">");
    if (own)
        buf_lit(b, "<a href=\"/studio/followers\">");
    buf_hprintf(b, "<span class=\"count\" data-count=\"followers\">%lld</span> ", (long long)followers);
    buf_htmlz(b, T(r->lang, "follow.followers"));
    if (own)
        buf_lit(b, "</a>");
    buf_hprintf(b, " · <span class=\"count\" data-count=\"following\">%lld</span> ", (long long)following);
    buf_htmlz(b, T(r->lang, "follow.following"));
    buf_lit(b, "</p>");
    buf_t back = BUF_INIT;
    author_path(&back, handle);
    follow_button(r, b, author_id, handle, buf_cstr(&back));
    buf_free(&back);
    buf_lit(b, "</div>\n");
}

/* GET /u/:handle/follow — confirm following (where the anonymous button
 * leads after logging in; also the page a browser without the button's
 * form lands on). */
void follow_confirm_page(hreq_t *r)
{
    aud_user_t t;
    int rc = aud_user_by_handle(r->db, rq_param(r, 0), &t);
    if (rc <= 0) {
        rs_error(r, rc < 0 ? 500 : 404, rc < 0 ? "internal" : "no_user",
                 T(r->lang, rc < 0 ? "err.internal" : "aud.err.no_user"));
        return;
    }
    buf_t b = BUF_INIT, back = BUF_INIT;
    author_path(&back, t.handle);
    page_section_begin(r, &b, "follow-confirm", T(r->lang, "follow.confirm_title"));
    buf_lit(&b, "<p><a href=\"");
    buf_html(&b, back.p, back.len);
    buf_lit(&b, "\">@");
    buf_htmlz(&b, t.handle);
    buf_lit(&b, "</a></p>\n");
    if (t.id == r->user.id) {
        fk_alert(&b, T(r->lang, "follow.err.self"));
    } else {
        int is = follow_is(r->db, r->user.id, t.id);
        if (is == 1) {
            buf_lit(&b, "<p>");
            buf_htmlz(&b, T(r->lang, "follow.already"));
            buf_lit(&b, "</p>\n");
        }
        follow_form(r, &b, t.handle, is != 1, buf_cstr(&back));
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
    buf_free(&back);
}

/* POST /u/:handle/follow — fields: on (1 follow, the default; 0 unfollow),
 * back (a local path to return to; the author page by default), csrf.
 * 303 to back; a refusal answers with its status (404 nobody, 422 oneself).
 * Asked for JSON (comments.js: Accept: application/json), it answers
 * {"following","followers","label"} instead, label being the button's text
 * for what a press does next. */
void follow_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *on = form_get(&f, "on");
    if (on && strcmp(on, "0") != 0 && strcmp(on, "1") != 0) {
        rs_error(r, 422, "invalid", T(r->lang, "follow.err.on"));
        return;
    }
    aud_actor_t a = {.user_id = r->user.id, .peer = rq_peer(r), .now = clock_now()};
    follow_state_t s;
    aud_err_t e;
    if (follow_set(r->db, &a, rq_param(r, 0), !on || strcmp(on, "1") == 0, &s, &e) < 0) {
        answer_error(r, &e);
        return;
    }
    changed_signal(); /* the author page shows the count */
    const char *acc = rq_header(r, "accept");
    if (acc && strstr(acc, "application/json")) {
        buf_t b = BUF_INIT;
        buf_lit(&b, "{\"following\":");
        buf_rawz(&b, s.following ? "true" : "false"); /* raw: JSON literal */
        buf_lit(&b, ",\"followers\":");
        buf_int(&b, s.followers);
        buf_lit(&b, ",\"label\":");
        buf_json_strz(&b, T(r->lang, s.following ? "follow.unfollow" : "follow.follow"));
        buf_ch(&b, '}');
        rs_json(r, 200, &b);
        buf_free(&b);
        return;
    }
    buf_t dflt = BUF_INIT;
    author_path(&dflt, rq_param(r, 0));
    rs_redirect(r, 303, local_path(form_get(&f, "back"), buf_cstr(&dflt)));
    buf_free(&dflt);
}

/* A "TIME" or "TIME_ID" cursor (as the home page and the articles API page).
 * 0 when absent, 1 read, -1 malformed. */
static int parse_cursor(const char *s, int64_t *t, const char **id)
{
    *t = 0;
    *id = NULL;
    if (!s || !*s)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (v <= 0 || end == s || (*end && *end != '_') || s[0] == '+' || s[0] == ' ')
        return -1;
    if (*end == '_') {
        if (strlen(end + 1) != WORK_ID_LEN)
            return -1;
        for (const char *c = end + 1; *c; c++)
            if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
                return -1;
        *id = end + 1;
    }
    *t = v;
    return 1;
}

/* GET /following — the works of the creators I follow, newest first.
 * Query: before=TIME_ID (the "older" link's cursor). */
void follow_timeline_page(hreq_t *r)
{
    int64_t before;
    const char *bid;
    if (parse_cursor(rq_query(r, "before"), &before, &bid) < 0) {
        rs_error(r, 400, "bad_cursor", T(r->lang, "comment.err.cursor"));
        return;
    }
    work_list_t l;
    if (follow_timeline(r->db, r->user.id, before, bid, TIMELINE_PAGE, &l) < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    int64_t followers = 0, following = 0;
    follow_counts(r->db, r->user.id, &followers, &following);
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_meta_t m = {.noindex = 1};
    page_begin(r, &b, T(L, "follow.timeline"), &m);
    buf_lit(&b, "<h1 class=\"page-title\">");
    buf_htmlz(&b, T(L, "follow.timeline"));
    buf_lit(&b, "</h1>\n");
    if (l.n == 0) {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(L, following ? (before ? "pages.empty" : "follow.timeline_none") : "follow.nobody"));
        buf_lit(&b, "</p>\n");
    }
    buf_lit(&b, "<div class=\"cards\">\n");
    for (int i = 0; i < l.n; i++)
        pages_card(r, &b, &l.items[i]);
    buf_lit(&b, "</div>\n");
    if (l.more && l.n) {
        const work_t *last = &l.items[l.n - 1];
        buf_hprintf(&b, "<nav class=\"pager\"><a rel=\"next\" href=\"/following?before=%lld_%s\">",
                    (long long)last->published_at, last->id);
        buf_htmlz(&b, T(L, "pages.older"));
        buf_lit(&b, " →</a></nav>\n");
    }
    page_send(r, &b, 200);
    work_list_free(&l);
}

/* GET /studio/followers — who follows me, newest first. Query: before
 * (the "more" link's cursor). */
void follow_studio_followers(hreq_t *r)
{
    follow_page_t p;
    aud_err_t e;
    const char *before = rq_query(r, "before");
    if (follow_list(r->db, r->user.id, 1, before ? before : "", FOLLOWERS_PAGE, &p, &e) < 0) {
        answer_error(r, &e);
        return;
    }
    int64_t followers = 0, following = 0;
    follow_counts(r->db, r->user.id, &followers, &following);
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "followers", T(L, "follow.my_followers"));
    buf_hprintf(&b, "<p class=\"follow-counts\"><span class=\"count\" data-count=\"followers\">%lld</span> ",
                (long long)followers);
    buf_htmlz(&b, T(L, "follow.followers"));
    buf_lit(&b, "</p>\n");
    if (!p.n) {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(L, "follow.no_followers"));
        buf_lit(&b, "</p>\n");
    } else {
        buf_lit(&b, "<ul class=\"followers\">\n");
        for (int i = 0; i < p.n; i++) {
            buf_lit(&b, "<li><a href=\"");
            author_path(&b, p.items[i].handle);
            buf_lit(&b, "\">");
            buf_htmlz(&b, p.items[i].name);
            buf_lit(&b, "</a> <span class=\"handle\">@");
            buf_htmlz(&b, p.items[i].handle);
            buf_lit(&b, "</span> · <span class=\"since\">");
            buf_htmlz(&b, T(L, "follow.since"));
            buf_lit(&b, " ");
            page_time(&b, p.items[i].since);
            buf_lit(&b, "</span></li>\n");
        }
        buf_lit(&b, "</ul>\n");
    }
    if (p.next[0]) {
        buf_lit(&b, "<nav class=\"pager\"><a rel=\"next\" href=\"/studio/followers?before=");
        buf_url(&b, p.next, strlen(p.next));
        buf_lit(&b, "\">");
        buf_htmlz(&b, T(L, "pages.older"));
        buf_lit(&b, " →</a></nav>\n");
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
    follow_page_free(&p);
}

/* PUT and DELETE /api/v1/follows/:handle -> {"following","followers"}. */
static void api_set(hreq_t *r, int on)
{
    aud_actor_t a = {.user_id = r->user.id, .peer = rq_peer(r), .now = clock_now()};
    follow_state_t s;
    aud_err_t e;
    if (follow_set(r->db, &a, rq_param(r, 0), on, &s, &e) < 0) {
        answer_error(r, &e);
        return;
    }
    changed_signal();
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"following\":");
    buf_rawz(&b, s.following ? "true" : "false"); /* raw: JSON literal */
    buf_lit(&b, ",\"followers\":");
    buf_int(&b, s.followers);
    buf_ch(&b, '}');
    rs_json(r, 200, &b);
    buf_free(&b);
}

void follow_api_put(hreq_t *r)
{
    api_set(r, 1);
}

void follow_api_delete(hreq_t *r)
{
    api_set(r, 0);
}

/* GET /api/v1/timeline?limit=1..50&before=TIME_ID -> {"articles":[...],"next"} */
void follow_api_timeline(hreq_t *r)
{
    int limit = 20;
    const char *lim = rq_query(r, "limit");
    if (lim) {
        char *end;
        long v = strtol(lim, &end, 10);
        if (!*lim || *end || v < 1 || v > FOLLOW_TIMELINE_MAX) {
            api_field_error(r, 400, "bad_limit", T(r->lang, "follow.err.limit"), "limit");
            return;
        }
        limit = (int)v;
    }
    int64_t before;
    const char *bid;
    if (parse_cursor(rq_query(r, "before"), &before, &bid) < 0) {
        api_field_error(r, 400, "bad_cursor", T(r->lang, "comment.err.cursor"), "before");
        return;
    }
    work_list_t l;
    if (follow_timeline(r->db, r->user.id, before, bid, limit, &l) < 0) {
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
        buf_printf(&b, "\"%lld_%s\"", (long long)l.items[l.n - 1].published_at, l.items[l.n - 1].id); /* raw: JSON, digits and hex */
    else
        buf_lit(&b, "null");
    buf_ch(&b, '}');
    rs_json(r, 200, &b);
    buf_free(&b);
    work_list_free(&l);
}
