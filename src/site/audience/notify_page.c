/*
 * notify_page.c — see notify_page.h.
 */
#include "site/audience/notify_page.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "site/api/api.h"
#include "site/audience/audience.h"
#include "site/audience/notify.h"
#include "site/layout.h"

#define INBOX_PAGE 30

void notify_header_links(hreq_t *r, buf_t *b)
{
    if (!r->user.id)
        return;
    int64_t n = notify_unread(r->db, r->user.id);
    buf_lit(b, "<li><a href=\"/following\">");
    buf_htmlz(b, T(r->lang, "follow.timeline_short"));
    buf_lit(b, "</a></li><li><a href=\"/notifications\" class=\"inbox\">");
    buf_htmlz(b, T(r->lang, "notify.inbox"));
    if (n > 0) {
        buf_lit(b, " <span class=\"badge\" data-unread=\"");
        buf_int(b, n);
        buf_lit(b, "\" aria-label=\"");
        buf_htmlz(b, T(r->lang, "notify.unread"));
        buf_lit(b, "\">");
        if (n >= NOTIFY_UNREAD_CAP)
            buf_lit(b, "999+");
        else
            buf_int(b, n);
        buf_lit(b, "</span>");
    }
    buf_lit(b, "</a></li>");
}

/* The i18n key of what happened. */
static const char *kind_key(const char *kind)
{
    if (strcmp(kind, "comment") == 0)
        return "notify.comment";
    if (strcmp(kind, "reply") == 0)
        return "notify.reply";
    if (strcmp(kind, "like") == 0)
        return "notify.like";
    if (strcmp(kind, "follow") == 0)
        return "notify.follow";
    return "notify.moderation";
}

static void item_html(hreq_t *r, buf_t *b, const notify_t *n)
{
    lang_t L = r->lang;
    buf_hprintf(b, "<li class=\"notification%s\" data-id=\"%lld\" data-kind=\"%s\">", n->read_at ? "" : " unread",
                (long long)n->id, n->kind);
    if (n->actor_id && n->actor_handle[0]) {
        buf_lit(b, "<a class=\"actor\" href=\"/u/");
        buf_url(b, n->actor_handle, strlen(n->actor_handle));
        buf_lit(b, "\">");
        buf_htmlz(b, n->actor_name);
        buf_lit(b, "</a> ");
    }
    buf_htmlz(b, T(L, kind_key(n->kind)));
    if (strcmp(n->kind, "moderation") == 0 && n->detail[0]) {
        buf_lit(b, ": <span class=\"detail\">");
        buf_htmlz(b, n->detail);
        buf_lit(b, "</span>");
    }
    if (n->work_id[0]) {
        buf_lit(b, " <a class=\"work\" href=\"/a/");
        buf_htmlz(b, n->work_id);
        if (n->comment_id)
            buf_hprintf(b, "#c-%lld", (long long)n->comment_id);
        buf_lit(b, "\">");
        buf_htmlz(b, n->work_title[0] ? n->work_title : n->work_id);
        buf_lit(b, "</a>");
    }
    buf_lit(b, " <span class=\"when\">");
    page_time(b, n->created_at);
    buf_lit(b, "</span>");
    if (!n->read_at) {
        buf_lit(b, " <form class=\"inline\" method=\"post\" action=\"/notifications/read\">");
        page_csrf_field(r, b);
        buf_hprintf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\">", (long long)n->id);
        buf_lit(b, "<button type=\"submit\" class=\"link\">");
        buf_htmlz(b, T(L, "notify.mark_read"));
        buf_lit(b, "</button></form>");
    }
    buf_lit(b, "</li>\n");
}

/* A positive decimal id (at most 18 digits) into *out; 0 when s is not one. */
static int parse_id(const char *s, int64_t *out)
{
    int64_t a, b;
    return s && aud_cursor_parse(s, &a, &b) == 1 && a > 0 ? (*out = a, 1) : 0;
}

/* GET /notifications — my inbox, newest first. Query: unread=1 (only the
 * unread), before=ID (the "older" link's cursor). */
void notify_inbox_page(hreq_t *r)
{
    lang_t L = r->lang;
    const char *u = rq_query(r, "unread"), *bq = rq_query(r, "before");
    int unread = u && strcmp(u, "1") == 0;
    int64_t before = 0;
    if ((u && *u && strcmp(u, "1") != 0 && strcmp(u, "0") != 0) || (bq && *bq && !parse_id(bq, &before))) {
        rs_error(r, 400, "bad_request", T(L, "comment.err.cursor"));
        return;
    }
    notify_page_t p;
    if (notify_list(r->db, r->user.id, unread, before, INBOX_PAGE, &p) < 0) {
        rs_error(r, 500, "internal", T(L, "err.internal"));
        return;
    }
    int64_t count = notify_unread(r->db, r->user.id);
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "inbox", T(L, "notify.inbox"));
    buf_lit(&b, "<p class=\"inbox-tools\">");
    buf_hprintf(&b, "<span class=\"unread-count\" data-unread=\"%lld\">", (long long)(count > 0 ? count : 0));
    buf_htmlz(&b, T(L, "notify.unread"));
    buf_hprintf(&b, ": %lld</span> · ", (long long)(count > 0 ? count : 0));
    if (unread)
        buf_lit(&b, "<a href=\"/notifications\">");
    else
        buf_lit(&b, "<a href=\"/notifications?unread=1\">");
    buf_htmlz(&b, T(L, unread ? "notify.show_all" : "notify.show_unread"));
    buf_lit(&b, "</a>");
    if (count > 0) {
        buf_lit(&b, " <form class=\"inline\" method=\"post\" action=\"/notifications/read\">");
        page_csrf_field(r, &b);
        buf_lit(&b, "<button type=\"submit\" class=\"link mark-all\">");
        buf_htmlz(&b, T(L, "notify.mark_all"));
        buf_lit(&b, "</button></form>");
    }
    buf_lit(&b, "</p>\n");
    if (!p.n) {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(L, "notify.none"));
        buf_lit(&b, "</p>\n");
    } else {
        buf_lit(&b, "<ul class=\"notifications\">\n");
        for (int i = 0; i < p.n; i++)
            item_html(r, &b, &p.items[i]);
        buf_lit(&b, "</ul>\n");
    }
    if (p.next) {
        buf_hprintf(&b, "<nav class=\"pager\"><a rel=\"next\" href=\"/notifications?%sbefore=%lld\">",
                    unread ? "unread=1&amp;" : "", (long long)p.next);
        buf_htmlz(&b, T(L, "pages.older"));
        buf_lit(&b, " →</a></nav>\n");
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
    notify_page_free(&p);
}

/* POST /notifications/read — fields: id (one notification; absent: all of
 * mine), csrf. 303 back to the inbox. */
void notify_read_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *s = form_get(&f, "id");
    int64_t id = 0;
    if (s && !parse_id(s, &id)) {
        rs_error(r, 422, "invalid", T(r->lang, "notify.err.ids"));
        return;
    }
    if (notify_mark_read(r->db, r->user.id, s ? &id : NULL, s ? 1 : 0, clock_now()) < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    rs_redirect(r, 303, "/notifications");
}

static void json_time(buf_t *b, int64_t t)
{
    if (!t) {
        buf_lit(b, "null");
        return;
    }
    char s[CLOCK_TEXT_MAX];
    clock_rfc3339(t, s);
    buf_json_strz(b, s);
}

static void item_json(buf_t *b, const notify_t *n)
{
    buf_lit(b, "{\"id\":");
    buf_int(b, n->id);
    buf_lit(b, ",\"kind\":");
    buf_json_strz(b, n->kind);
    buf_lit(b, ",\"actor\":");
    if (n->actor_id && n->actor_handle[0]) {
        buf_lit(b, "{\"handle\":");
        buf_json_strz(b, n->actor_handle);
        buf_lit(b, ",\"name\":");
        buf_json_strz(b, n->actor_name);
        buf_ch(b, '}');
    } else {
        buf_lit(b, "null");
    }
    buf_lit(b, ",\"work\":");
    if (n->work_id[0]) {
        buf_lit(b, "{\"id\":");
        buf_json_strz(b, n->work_id);
        buf_lit(b, ",\"title\":");
        buf_json_strz(b, n->work_title);
        buf_ch(b, '}');
    } else {
        buf_lit(b, "null");
    }
    buf_lit(b, ",\"comment\":");
    if (n->comment_id)
        buf_int(b, n->comment_id);
    else
        buf_lit(b, "null");
    buf_lit(b, ",\"detail\":");
    buf_json_strz(b, n->detail);
    buf_lit(b, ",\"created_at\":");
    json_time(b, n->created_at);
    buf_lit(b, ",\"read_at\":");
    json_time(b, n->read_at);
    buf_ch(b, '}');
}

/* GET /api/v1/notifications?unread=1&limit=1..100&before=ID
 *   -> {"notifications":[...],"unread":N,"next":ID|null} */
void notify_api_list(hreq_t *r)
{
    const char *u = rq_query(r, "unread"), *bq = rq_query(r, "before"), *lq = rq_query(r, "limit");
    if (u && strcmp(u, "1") != 0 && strcmp(u, "0") != 0) {
        api_field_error(r, 400, "bad_request", T(r->lang, "notify.err.unread"), "unread");
        return;
    }
    int64_t before = 0, limit = 20;
    if (bq && !parse_id(bq, &before)) {
        api_field_error(r, 400, "bad_cursor", T(r->lang, "comment.err.cursor"), "before");
        return;
    }
    if (lq && (!parse_id(lq, &limit) || limit > NOTIFY_PAGE_MAX)) {
        api_field_error(r, 400, "bad_limit", T(r->lang, "notify.err.limit"), "limit");
        return;
    }
    notify_page_t p;
    if (notify_list(r->db, r->user.id, u && strcmp(u, "1") == 0, before, (int)limit, &p) < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"notifications\":[");
    for (int i = 0; i < p.n; i++) {
        if (i)
            buf_ch(&b, ',');
        item_json(&b, &p.items[i]);
    }
    buf_lit(&b, "],\"unread\":");
    buf_int(&b, notify_unread(r->db, r->user.id));
    buf_lit(&b, ",\"next\":");
    if (p.next)
        buf_int(&b, p.next);
    else
        buf_lit(&b, "null");
    buf_ch(&b, '}');
    rs_json(r, 200, &b);
    buf_free(&b);
    notify_page_free(&p);
}

/* POST /api/v1/notifications/read {"ids"?: [ID, ...]} (at most 100; absent
 * or null: all of mine) -> {"marked":N,"unread":N} */
void notify_api_read(hreq_t *r)
{
    size_t len;
    rq_body(r, &len);
    json_t *j = NULL;
    if (len) {
        j = api_body_object(r);
        if (!j)
            return;
    }
    json_t *ids = j ? json_object_get(j, "ids") : NULL;
    int64_t list[NOTIFY_MARK_MAX];
    int n = 0;
    if (ids && !json_is_null(ids)) {
        size_t i;
        json_t *v;
        int ok = json_is_array(ids) && json_array_size(ids) <= NOTIFY_MARK_MAX;
        if (ok) {
            json_array_foreach(ids, i, v)
            {
                if (!json_is_integer(v) || json_integer_value(v) <= 0) {
                    ok = 0;
                    break;
                }
                list[n++] = (int64_t)json_integer_value(v);
            }
        }
        if (!ok) {
            json_decref(j);
            api_field_error(r, 422, "invalid", T(r->lang, "notify.err.ids"), "ids");
            return;
        }
    }
    int all = !ids || json_is_null(ids);
    json_decref(j);
    int marked = notify_mark_read(r->db, r->user.id, all ? NULL : list, n, clock_now());
    if (marked < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"marked\":");
    buf_int(&b, marked);
    buf_lit(&b, ",\"unread\":");
    buf_int(&b, notify_unread(r->db, r->user.id));
    buf_ch(&b, '}');
    rs_json(r, 200, &b);
    buf_free(&b);
}
