/*
 * comment_page.c — see comment_page.h.
 */
#include "site/audience/comment_page.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/changed.h"
#include "core/clock.h"
#include "http/router.h"
#include "site/api/api.h"
#include "site/audience/comment.h"
#include "site/audience/like.h"
#include "site/federation/interact.h"
#include "site/layout.h"
#include "site/ops/settings.h"

/* ---- small helpers ---- */

static aud_actor_t actor(hreq_t *r)
{
    aud_actor_t a = {r->user.id, rq_peer(r), clock_now()};
    return a;
}

static int staff(hreq_t *r)
{
    return r->user.role >= ROLE_MODERATOR;
}

/* comments.js asks for JSON; a plain form wants a page. */
static int wants_json(hreq_t *r)
{
    const char *acc = rq_header(r, "accept");
    return acc && strstr(acc, "application/json") != NULL;
}

/* A positive decimal id of at most 18 digits, else 0. */
static int64_t parse_id(const char *s)
{
    if (!s || !*s || strlen(s) > 18)
        return 0;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}

static void retry_after(hreq_t *r, const aud_err_t *e)
{
    if (e->status == 429 && e->retry_after > 0) {
        char s[24];
        snprintf(s, sizeof s, "%d", e->retry_after);
        rs_header(r, "retry-after", s);
    }
}

/* A refusal as the route answers: the API's JSON error (with "field" when
 * one input is at fault), JSON for comments.js, or an error page. */
static void answer_err(hreq_t *r, const aud_err_t *e)
{
    retry_after(r, e);
    const char *msg = T(r->lang, e->key ? e->key : "err.internal");
    if (r->route->flags & RT_API) {
        api_field_error(r, e->status, e->code ? e->code : "error", msg, e->field);
        return;
    }
    if (wants_json(r)) {
        buf_t b = BUF_INIT;
        buf_lit(&b, "{\"error\":{\"code\":");
        buf_json_strz(&b, e->code ? e->code : "error");
        buf_lit(&b, ",\"message\":");
        buf_json_strz(&b, msg);
        buf_lit(&b, "}}");
        rs_json(r, e->status, &b);
        buf_free(&b);
        return;
    }
    rs_error(r, e->status, e->code ? e->code : "error", msg);
}

static void fail(hreq_t *r, int status, const char *code, const char *key, const char *field)
{
    aud_err_t e;
    aud_fail(&e, status, code, key, field);
    answer_err(r, &e);
}

/* Back to the work page at anchor (a comment "c-N", or "comments"). */
static void back(hreq_t *r, const char *work_id, const char *anchor)
{
    char loc[96];
    snprintf(loc, sizeof loc, "/a/%s#%s", work_id, anchor);
    rs_redirect(r, 303, loc);
}

static void back_to_comment(hreq_t *r, const char *work_id, int64_t id)
{
    char a[32];
    snprintf(a, sizeof a, "c-%lld", (long long)id);
    back(r, work_id, a);
}

static const char *form_field(hreq_t *r, const char *name)
{
    form_t f;
    if (rq_form(r, &f) < 0)
        return NULL;
    return form_get(&f, name);
}

/* The work a comment belongs to, as the viewer sees it: 1 with out, or 0
 * after answering 404. */
static int load_comment(hreq_t *r, int64_t id, comment_t *out)
{
    int rc = id ? comment_get(r->db, r->user.id, id, out) : 0;
    if (rc < 0) {
        fail(r, 500, "internal", "err.internal", NULL);
        return 0;
    }
    if (rc == 0) {
        fail(r, 404, "not_found", "comment.err.not_found", NULL);
        return 0;
    }
    return 1;
}

/* ---- JSON ---- */

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

static void comment_json(buf_t *b, const comment_t *c)
{
    buf_lit(b, "{\"id\":");
    buf_int(b, c->id);
    buf_lit(b, ",\"work\":");
    buf_json_strz(b, c->work_id);
    buf_lit(b, ",\"parent\":");
    if (c->parent_id)
        buf_int(b, c->parent_id);
    else
        buf_lit(b, "null");
    buf_lit(b, ",\"reply_to\":");
    if (c->reply_to_handle[0])
        buf_json_strz(b, c->reply_to_handle);
    else
        buf_lit(b, "null");
    buf_lit(b, ",\"body\":");
    buf_json_strz(b, c->body);
    buf_t h = BUF_INIT;
    if (c->body[0])
        comment_text_html(c->body, strlen(c->body), &h);
    buf_lit(b, ",\"html\":");
    buf_json_str(b, buf_cstr(&h), h.len);
    buf_free(&h);
    buf_lit(b, ",\"author\":");
    if (c->author_handle[0])
        buf_json_strz(b, c->author_handle);
    else
        buf_lit(b, "null");
    buf_lit(b, ",\"author_name\":");
    buf_json_strz(b, c->author_name ? c->author_name : "");
    buf_lit(b, ",\"created_at\":");
    json_time(b, c->created_at);
    buf_lit(b, ",\"edited_at\":");
    json_time(b, c->edited_at);
    buf_lit(b, ",\"status\":");
    buf_json_strz(b, c->status);
    if (strcmp(c->status, "removed") == 0) {
        buf_lit(b, ",\"removed_by\":");
        buf_json_strz(b, c->removed_by);
        buf_lit(b, ",\"reason\":");
        buf_json_strz(b, c->reason ? c->reason : "");
    }
    buf_lit(b, ",\"likes\":");
    buf_int(b, c->likes);
    buf_lit(b, ",\"liked\":");
    buf_rawz(b, c->liked ? "true" : "false"); /* raw: JSON literal */
    buf_lit(b, ",\"pinned\":");
    buf_rawz(b, c->pinned ? "true" : "false"); /* raw: JSON literal */
    if (!c->parent_id) {
        buf_lit(b, ",\"replies_count\":");
        buf_int(b, c->replies);
        buf_lit(b, ",\"replies\":[");
        for (int i = 0; i < c->nshown; i++) {
            if (i)
                buf_ch(b, ',');
            comment_json(b, &c->shown[i]);
        }
        buf_ch(b, ']');
    }
    buf_ch(b, '}');
}

/* ---- HTML ---- */

typedef struct {
    const char *work_id;
    int64_t work_author;
    int can_post;  /* the viewer may write replies here */
    int moderate;  /* the viewer is the work's creator or a moderator */
    int thread;    /* on a thread page (every reply shown) */
} view_t;

static void like_button(hreq_t *r, buf_t *b, const char *action, int64_t likes, int liked)
{
    if (!r->user.id) {
        /* Anonymous (and cached): the count, and a way to sign in. */
        buf_hprintf(b, "<a class=\"like\" rel=\"nofollow\" href=\"/login\">%s <span class=\"n\">%lld</span></a>",
                    T(r->lang, "comments.like"), (long long)likes);
        return;
    }
    buf_hprintf(b, "<form class=\"like-form\" method=\"post\" action=\"%s\">", action);
    page_csrf_field(r, b);
    buf_hprintf(b, "<input type=\"hidden\" name=\"on\" value=\"%d\">", liked ? 0 : 1);
    buf_hprintf(b, "<button class=\"like%s\" type=\"submit\" aria-pressed=\"%s\">%s <span class=\"n\">%lld</span></button>",
                liked ? " liked" : "", liked ? "true" : "false",
                T(r->lang, liked ? "comments.liked" : "comments.like"), (long long)likes);
    buf_lit(b, "</form>");
}

static void comment_html(hreq_t *r, buf_t *b, const view_t *v, const comment_t *c, int pinned)
{
    buf_hprintf(b, "<article class=\"comment%s%s\" id=\"c-%lld\" data-id=\"%lld\">\n", c->parent_id ? " reply" : "",
                pinned ? " pinned" : "", (long long)c->id, (long long)c->id);
    buf_lit(b, "<p class=\"meta\">");
    if (pinned)
        buf_hprintf(b, "<span class=\"pin\">%s</span> ", T(r->lang, "comments.pinned"));
    if (c->author_handle[0]) {
        buf_lit(b, "<a class=\"who\" href=\"/u/");
        buf_url(b, c->author_handle, strlen(c->author_handle));
        buf_hprintf(b, "\">%s</a>", c->author_name && c->author_name[0] ? c->author_name : c->author_handle);
    }
    if (c->reply_to_handle[0]) {
        buf_hprintf(b, " <span class=\"to\">%s <a href=\"/u/", T(r->lang, "comments.reply_to"));
        buf_url(b, c->reply_to_handle, strlen(c->reply_to_handle));
        buf_hprintf(b, "\">@%s</a></span>", c->reply_to_handle);
    }
    buf_lit(b, " <time>");
    page_time(b, c->created_at);
    buf_lit(b, "</time>");
    if (c->edited_at)
        buf_hprintf(b, " <span class=\"edited\">(%s)</span>", T(r->lang, "comment.edited"));
    if (strcmp(c->status, "pending") == 0)
        buf_hprintf(b, " <span class=\"held\">%s</span>", T(r->lang, "comments.pending"));
    buf_lit(b, "</p>\n");

    int published = strcmp(c->status, "published") == 0;
    if (strcmp(c->status, "deleted") == 0) {
        buf_hprintf(b, "<p class=\"placeholder\">%s</p>\n", T(r->lang, "comment.deleted"));
    } else if (strcmp(c->status, "removed") == 0) {
        /* removed_by 'moderator' or 'report' (an upheld reader report): by the site */
        const char *key = strcmp(c->removed_by, "creator") == 0     ? "comment.removed_creator"
                          : strcmp(c->removed_by, "takedown") == 0 ? "comment.removed_takedown"
                                                                    : "comment.removed_moderator";
        buf_hprintf(b, "<p class=\"placeholder\">%s", T(r->lang, key));
        if (strcmp(c->removed_by, "creator") != 0 && c->reason && c->reason[0])
            buf_hprintf(b, " %s", c->reason);
        buf_lit(b, "</p>\n");
    }
    if (c->body[0]) {
        buf_lit(b, "<div class=\"text\">");
        comment_text_html(c->body, strlen(c->body), b); /* escaped text and nofollow links (comment_text.h) */
        buf_lit(b, "</div>\n");
    }

    if (published || (c->body[0] && c->author_id == r->user.id && r->user.id)) {
        buf_lit(b, "<div class=\"actions\">");
        if (published) {
            char act[48];
            snprintf(act, sizeof act, "/comments/%lld/like", (long long)c->id);
            like_button(r, b, act, c->likes, c->liked);
        }
        if (published && v->can_post) {
            int64_t root = c->parent_id ? c->parent_id : c->id;
            buf_hprintf(b, "<details class=\"reply-box\"><summary>%s</summary>", T(r->lang, "comments.reply"));
            buf_hprintf(b, "<form class=\"comment-form\" method=\"post\" action=\"/a/%s/comments\">", v->work_id);
            page_csrf_field(r, b);
            /* Replying to a reply answers its author in the same thread. */
            buf_hprintf(b, "<input type=\"hidden\" name=\"parent\" value=\"%lld\">", (long long)c->id);
            buf_hprintf(b, "<input type=\"hidden\" name=\"root\" value=\"%lld\">", (long long)root);
            buf_hprintf(b, "<textarea name=\"body\" rows=\"3\" maxlength=\"2000\" required aria-label=\"%s\"></textarea>",
                        T(r->lang, "comments.reply"));
            buf_hprintf(b, "<button type=\"submit\">%s</button></form></details>", T(r->lang, "comments.send"));
        }
        if (published && c->author_id != r->user.id)
            /* A reader reports this comment (report.h): a link, so it works without JavaScript. */
            buf_hprintf(b, " <a class=\"report\" rel=\"nofollow\" href=\"/report?comment=%lld\">%s</a>",
                        (long long)c->id, T(r->lang, "comments.report"));
        if (r->user.id && c->author_id == r->user.id && strcmp(c->status, "removed") != 0) {
            buf_hprintf(b, " <a class=\"edit\" href=\"/comments/%lld/edit\">%s</a>", (long long)c->id,
                        T(r->lang, "comments.edit"));
            buf_hprintf(b, "<form class=\"inline delete-form\" method=\"post\" action=\"/comments/%lld/delete\">",
                        (long long)c->id);
            page_csrf_field(r, b);
            buf_hprintf(b, "<button type=\"submit\">%s</button></form>", T(r->lang, "comments.delete"));
        }
        if (v->moderate && strcmp(c->status, "removed") != 0) {
            if (published && !c->parent_id) {
                buf_hprintf(b, "<form class=\"inline\" method=\"post\" action=\"/comments/%lld/pin\">",
                            (long long)c->id);
                page_csrf_field(r, b);
                buf_hprintf(b, "<input type=\"hidden\" name=\"on\" value=\"%d\"><button type=\"submit\">%s</button></form>",
                            pinned ? 0 : 1, T(r->lang, pinned ? "comments.unpin" : "comments.pin"));
            }
            buf_hprintf(b, "<details class=\"remove-box\"><summary>%s</summary>", T(r->lang, "comments.remove"));
            buf_hprintf(b, "<form method=\"post\" action=\"/comments/%lld/remove\">", (long long)c->id);
            page_csrf_field(r, b);
            buf_hprintf(b, "<input name=\"reason\" maxlength=\"500\" placeholder=\"%s\" aria-label=\"%s\">",
                        T(r->lang, "comments.reason"), T(r->lang, "comments.reason"));
            buf_hprintf(b, "<button type=\"submit\">%s</button></form>", T(r->lang, "comments.remove"));
            if (c->author_handle[0] && c->author_id != v->work_author && r->user.id == v->work_author) {
                buf_hprintf(b, "<form method=\"post\" action=\"/a/%s/comments/block\">", v->work_id);
                page_csrf_field(r, b);
                buf_hprintf(b, "<input type=\"hidden\" name=\"handle\" value=\"%s\"><input type=\"hidden\" name=\"on\" "
                               "value=\"1\"><button type=\"submit\">%s</button></form>",
                            c->author_handle, T(r->lang, "comments.block"));
            }
            buf_lit(b, "</details>");
        }
        buf_lit(b, "</div>\n");
    }

    if (!c->parent_id && (c->nshown || c->replies)) {
        buf_lit(b, "<div class=\"replies\">\n");
        for (int i = 0; i < c->nshown; i++)
            comment_html(r, b, v, &c->shown[i], 0);
        if (!v->thread && c->replies > c->nshown)
            buf_hprintf(b, "<p class=\"more\"><a href=\"/comments/%lld\">%s (%lld)</a></p>\n", (long long)c->id,
                        T(r->lang, "comments.all_replies"), (long long)c->replies);
        buf_lit(b, "</div>\n");
    }
    buf_lit(b, "</article>\n");
}

static void post_form(hreq_t *r, buf_t *b, const char *work_id)
{
    buf_hprintf(b, "<form class=\"comment-form\" id=\"comment-form\" method=\"post\" action=\"/a/%s/comments\">",
                work_id);
    page_csrf_field(r, b);
    buf_hprintf(b, "<textarea name=\"body\" rows=\"4\" maxlength=\"2000\" required placeholder=\"%s\" "
                   "aria-label=\"%s\"></textarea>",
                T(r->lang, "comments.placeholder"), T(r->lang, "comments.placeholder"));
    buf_hprintf(b, "<button type=\"submit\">%s</button><p class=\"form-msg\" role=\"status\"></p></form>\n",
                T(r->lang, "comments.send"));
}

void comment_card_counts(hreq_t *r, buf_t *b, const work_t *w)
{
    buf_hprintf(b, "<p class=\"counts\"><a href=\"/a/%s#comments\">%s %lld</a> · %s %lld</p>\n", w->id,
                T(r->lang, "comments.title"), (long long)w->comments_count, T(r->lang, "comments.like"),
                (long long)w->likes_count);
}

void comment_section(hreq_t *r, buf_t *b, const work_t *w)
{
    const char *sort = rq_query(r, "sort");
    const char *before = rq_query(r, "before");
    if (!sort || (strcmp(sort, "new") != 0 && strcmp(sort, "hot") != 0))
        sort = "new";
    comment_query_t q = {w->id, sort, before ? before : "", 20};
    comment_page_t p;
    memset(&p, 0, sizeof p);
    aud_err_t e;
    if (comment_list(r->db, r->user.id, &q, &p, &e) < 0) {
        /* A malformed cursor: the first page, as a link without one shows. */
        comment_page_free(&p);
        memset(&p, 0, sizeof p);
        q.before = "";
        if (comment_list(r->db, r->user.id, &q, &p, &e) < 0) {
            comment_page_free(&p);
            return;
        }
    }
    int site_off = settings_is(r->db, "comments", "off");
    view_t v = {w->id, w->author_id, 0, r->user.id && (r->user.id == w->author_id || staff(r)), 0};
    int blocked = r->user.id && comment_blocked(r->db, w->author_id, r->user.id) == 1;
    v.can_post = r->user.id && !site_off && w->comments_open && !blocked;

    buf_hprintf(b, "<section class=\"comments\" id=\"comments\" data-work=\"%s\">\n", w->id);
    buf_lit(b, "<div class=\"work-like\">");
    char act[48];
    snprintf(act, sizeof act, "/a/%s/like", w->id);
    like_button(r, b, act, w->likes_count, r->user.id ? like_work_has(r->db, r->user.id, w->id) == 1 : 0);
    /* Boosts come only from the fediverse (Announce, site/federation):
     * shown once there are any, so a site that does not federate shows
     * no count that can never move. */
    int64_t boosts = fed_announces(r->db, w->id);
    if (boosts > 0)
        buf_hprintf(b, " <span class=\"boosts\">%s <span class=\"n\">%lld</span></span>", T(r->lang, "comments.boosts"),
                    (long long)boosts);
    buf_lit(b, "</div>\n");
    buf_hprintf(b, "<h2>%s <span class=\"count\">%lld</span></h2>\n", T(r->lang, "comments.title"),
                (long long)w->comments_count);

    if (site_off)
        buf_hprintf(b, "<p class=\"notice\">%s</p>\n", T(r->lang, "comment.err.off"));
    else if (!w->comments_open)
        buf_hprintf(b, "<p class=\"notice\">%s</p>\n", T(r->lang, "comment.err.closed"));
    else if (!r->user.id)
        buf_hprintf(b, "<p class=\"notice\"><a rel=\"nofollow\" href=\"/login?next=/a/%s%%23comments\">%s</a></p>\n",
                    w->id, T(r->lang, "comments.signin"));
    else if (blocked)
        buf_hprintf(b, "<p class=\"notice\">%s</p>\n", T(r->lang, "comment.err.blocked"));
    else
        post_form(r, b, w->id);

    if (v.moderate && !site_off) {
        buf_hprintf(b, "<form class=\"inline mode-form\" method=\"post\" action=\"/a/%s/comments/mode\">", w->id);
        page_csrf_field(r, b);
        buf_hprintf(b, "<input type=\"hidden\" name=\"mode\" value=\"%s\"><button type=\"submit\">%s</button></form>\n",
                    w->comments_open ? "closed" : "open",
                    T(r->lang, w->comments_open ? "comments.close" : "comments.open"));
    }
    if (r->user.id && r->user.id == w->author_id)
        buf_hprintf(b, "<a class=\"blocked-link\" href=\"/studio/comments\">%s</a>\n",
                    T(r->lang, "comments.blocked_title"));

    buf_lit(b, "<nav class=\"sort\">");
    static const char *const sorts[] = {"new", "hot"};
    for (int i = 0; i < 2; i++) {
        if (i)
            buf_lit(b, " · ");
        buf_hprintf(b, "<a href=\"/a/%s?sort=%s#comments\"", w->id, sorts[i]);
        if (strcmp(sort, sorts[i]) == 0)
            buf_lit(b, " aria-current=\"true\"");
        buf_hprintf(b, ">%s</a>", T(r->lang, i ? "comments.sort_hot" : "comments.sort_new"));
    }
    buf_lit(b, "</nav>\n<div class=\"comment-list\">\n");
    if (p.pinned.id)
        comment_html(r, b, &v, &p.pinned, 1);
    for (int i = 0; i < p.n; i++)
        comment_html(r, b, &v, &p.items[i], 0);
    if (!p.pinned.id && !p.n)
        buf_hprintf(b, "<p class=\"empty\">%s</p>\n", T(r->lang, "comments.none"));
    buf_lit(b, "</div>\n");
    if (p.next[0]) {
        buf_hprintf(b, "<p class=\"older\"><a href=\"/a/%s?sort=%s&amp;before=", w->id, sort);
        buf_url(b, p.next, strlen(p.next));
        buf_hprintf(b, "#comments\">%s</a></p>\n", T(r->lang, "comments.older"));
    }
    buf_hprintf(b, "<script src=\"%s\" defer></script>\n", asset_comments_js_url);
    buf_lit(b, "</section>\n");
    comment_page_free(&p);
}

/* ---- form routes ---- */

/* One comment rendered as its section shows it, for comments.js. */
static void answer_comment_json(hreq_t *r, int status, int64_t id, const char *work_id)
{
    comment_t c;
    memset(&c, 0, sizeof c);
    if (comment_get(r->db, r->user.id, id, &c) != 1) {
        fail(r, 500, "internal", "err.internal", NULL);
        return;
    }
    work_t w;
    int64_t author = 0;
    if (work_get(r->db, work_id, &w) == 1) {
        author = w.author_id;
        work_free(&w);
    }
    view_t v = {work_id, author, 1, r->user.id == author || staff(r), 0};
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"comment\":");
    comment_json(&b, &c);
    buf_t h = BUF_INIT;
    comment_html(r, &h, &v, &c, 0);
    buf_lit(&b, ",\"html\":");
    buf_json_str(&b, buf_cstr(&h), h.len);
    buf_lit(&b, ",\"message\":");
    buf_json_strz(&b, strcmp(c.status, "pending") == 0 ? T(r->lang, "comment.held") : "");
    buf_ch(&b, '}');
    rs_json(r, status, &b);
    buf_free(&h);
    buf_free(&b);
    comment_free(&c);
}

/* POST /a/:id/comments */
void comment_post_form(hreq_t *r)
{
    const char *work_id = rq_param(r, 0);
    const char *body = form_field(r, "body");
    const char *parent_s = form_field(r, "parent");
    int64_t parent = 0;
    if (parent_s && *parent_s && !(parent = parse_id(parent_s))) {
        fail(r, 422, "bad_parent", "comment.err.parent", "parent");
        return;
    }
    aud_actor_t a = actor(r);
    comment_t c;
    aud_err_t e;
    memset(&c, 0, sizeof c);
    if (comment_post(r->db, &a, work_id, body ? body : "", body ? strlen(body) : 0, parent, &c, &e) < 0) {
        answer_err(r, &e);
        return;
    }
    changed_work(c.work_id);
    if (wants_json(r))
        answer_comment_json(r, 201, c.id, c.work_id);
    else
        back_to_comment(r, c.work_id, c.id);
    comment_free(&c);
}

static void answer_likes(hreq_t *r, int64_t likes, int on)
{
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"likes\":");
    buf_int(&b, likes);
    buf_lit(&b, ",\"liked\":");
    buf_rawz(&b, on ? "true" : "false"); /* raw: JSON literal */
    buf_ch(&b, '}');
    rs_json(r, 200, &b);
    buf_free(&b);
}

static int on_field(hreq_t *r)
{
    const char *on = form_field(r, "on");
    return !(on && strcmp(on, "0") == 0);
}

/* POST /a/:id/like */
void comment_like_work_form(hreq_t *r)
{
    const char *work_id = rq_param(r, 0);
    int on = on_field(r);
    aud_actor_t a = actor(r);
    aud_err_t e;
    int64_t likes = 0;
    if (like_work(r->db, &a, work_id, on, &likes, &e) < 0) {
        answer_err(r, &e);
        return;
    }
    changed_work(work_id);
    if (wants_json(r))
        answer_likes(r, likes, on);
    else
        back(r, work_id, "comments");
}

/* POST /comments/:cid/like */
void comment_like_form(hreq_t *r)
{
    comment_t c;
    if (!load_comment(r, parse_id(rq_param(r, 0)), &c))
        return;
    int on = on_field(r);
    aud_actor_t a = actor(r);
    aud_err_t e;
    int64_t likes = 0;
    if (like_comment(r->db, &a, c.id, on, &likes, &e) < 0) {
        answer_err(r, &e);
    } else {
        changed_work(c.work_id);
        if (wants_json(r))
            answer_likes(r, likes, on);
        else
            back_to_comment(r, c.work_id, c.id);
    }
    comment_free(&c);
}

/* POST /a/:id/comments/mode */
void comment_mode_form(hreq_t *r)
{
    const char *work_id = rq_param(r, 0);
    const char *mode = form_field(r, "mode");
    aud_actor_t a = actor(r);
    aud_err_t e;
    if (comment_set_mode(r->db, &a, work_id, mode ? mode : "", &e) < 0) {
        answer_err(r, &e);
        return;
    }
    changed_work(work_id);
    back(r, work_id, "comments");
}

/* POST /a/:id/comments/block: the work's creator blocks (on=1) or unblocks
 * an account from commenting on all their works. */
void comment_block_form(hreq_t *r)
{
    const char *work_id = r->nparams ? rq_param(r, 0) : NULL;
    const char *handle = form_field(r, "handle");
    aud_actor_t a = actor(r);
    aud_err_t e;
    if (comment_block(r->db, &a, handle ? handle : "", on_field(r), &e) < 0) {
        answer_err(r, &e);
        return;
    }
    if (!work_id) { /* from the studio's list */
        rs_redirect(r, 303, "/studio/comments");
        return;
    }
    changed_work(work_id);
    back(r, work_id, "comments");
}

#define BLOCKS_SHOWN 500

/* GET /studio/comments — the accounts the creator blocked from commenting
 * on their works, each with an unblock button, and a form to block one. */
void comment_studio_page(hreq_t *r)
{
    char(*handles)[32] = xcalloc(BLOCKS_SHOWN, 32);
    int n = comment_block_list(r->db, r->user.id, handles, BLOCKS_SHOWN);
    if (n < 0) {
        free(handles);
        fail(r, 500, "internal", "err.internal", NULL);
        return;
    }
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "studio-comments", T(r->lang, "comments.blocked_title"));
    buf_hprintf(&b, "<p>%s</p>\n<ul class=\"blocked\">\n", T(r->lang, "comments.blocked_intro"));
    for (int i = 0; i < n; i++) {
        buf_hprintf(&b, "<li><a href=\"/u/%s\">@%s</a> <form class=\"inline\" method=\"post\" "
                        "action=\"/studio/comments/block\">",
                    handles[i], handles[i]);
        page_csrf_field(r, &b);
        buf_hprintf(&b, "<input type=\"hidden\" name=\"handle\" value=\"%s\"><input type=\"hidden\" name=\"on\" "
                        "value=\"0\"><button type=\"submit\">%s</button></form></li>\n",
                    handles[i], T(r->lang, "comments.unblock"));
    }
    if (!n)
        buf_hprintf(&b, "<li class=\"empty\">%s</li>\n", T(r->lang, "comments.blocked_none"));
    buf_lit(&b, "</ul>\n<form method=\"post\" action=\"/studio/comments/block\">");
    page_csrf_field(r, &b);
    buf_hprintf(&b, "<label>%s <input name=\"handle\" required maxlength=\"31\"></label><input type=\"hidden\" "
                    "name=\"on\" value=\"1\"><button type=\"submit\">%s</button></form>\n",
                T(r->lang, "comments.block_handle"), T(r->lang, "comments.block_button"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
    free(handles);
}

/* GET /comments/:cid/edit */
void comment_edit_page(hreq_t *r)
{
    comment_t c;
    if (!load_comment(r, parse_id(rq_param(r, 0)), &c))
        return;
    if (c.author_id != r->user.id) {
        comment_free(&c);
        fail(r, 403, "forbidden", "comment.err.not_yours", NULL);
        return;
    }
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "comment-edit", T(r->lang, "comments.edit"));
    buf_hprintf(&b, "<form method=\"post\" action=\"/comments/%lld/edit\">", (long long)c.id);
    page_csrf_field(r, &b);
    buf_hprintf(&b, "<textarea name=\"body\" rows=\"6\" maxlength=\"2000\" required aria-label=\"%s\">%s</textarea>",
                T(r->lang, "comments.edit"), c.body);
    buf_hprintf(&b, "<button type=\"submit\">%s</button> <a href=\"/a/%s#c-%lld\">%s</a></form>\n",
                T(r->lang, "comments.save"), c.work_id, (long long)c.id, T(r->lang, "comments.cancel"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
    comment_free(&c);
}

/* POST /comments/:cid/edit */
void comment_edit_form(hreq_t *r)
{
    const char *body = form_field(r, "body");
    aud_actor_t a = actor(r);
    comment_t c;
    aud_err_t e;
    memset(&c, 0, sizeof c);
    if (comment_edit(r->db, &a, parse_id(rq_param(r, 0)), body ? body : "", body ? strlen(body) : 0, &c, &e) < 0) {
        answer_err(r, &e);
        return;
    }
    changed_work(c.work_id);
    if (wants_json(r))
        answer_comment_json(r, 200, c.id, c.work_id);
    else
        back_to_comment(r, c.work_id, c.id);
    comment_free(&c);
}

/* POST /comments/:cid/delete */
void comment_delete_form(hreq_t *r)
{
    comment_t c;
    if (!load_comment(r, parse_id(rq_param(r, 0)), &c))
        return;
    aud_actor_t a = actor(r);
    aud_err_t e;
    if (comment_delete(r->db, &a, c.id, &e) < 0) {
        answer_err(r, &e);
    } else {
        changed_work(c.work_id);
        back(r, c.work_id, "comments");
    }
    comment_free(&c);
}

/* POST /comments/:cid/remove */
void comment_remove_form(hreq_t *r)
{
    comment_t c;
    if (!load_comment(r, parse_id(rq_param(r, 0)), &c))
        return;
    const char *reason = form_field(r, "reason");
    aud_actor_t a = actor(r);
    aud_err_t e;
    if (comment_remove(r->db, &a, c.id, reason ? reason : "", &e) < 0) {
        answer_err(r, &e);
    } else {
        changed_work(c.work_id);
        const char *next = form_field(r, "next");
        if (next && strcmp(next, "mod") == 0)
            rs_redirect(r, 303, "/mod/comments");
        else
            back_to_comment(r, c.work_id, c.id);
    }
    comment_free(&c);
}

/* POST /comments/:cid/pin */
void comment_pin_form(hreq_t *r)
{
    comment_t c;
    if (!load_comment(r, parse_id(rq_param(r, 0)), &c))
        return;
    aud_actor_t a = actor(r);
    aud_err_t e;
    if (comment_pin(r->db, &a, c.work_id, on_field(r) ? c.id : 0, &e) < 0) {
        answer_err(r, &e);
    } else {
        changed_work(c.work_id);
        back_to_comment(r, c.work_id, c.id);
    }
    comment_free(&c);
}

/* GET /comments/:cid — a thread: its root and every reply, oldest first
 * (the work page shows the first few). Replies page by ?after=. */
void comment_thread_page(hreq_t *r)
{
    comment_t c;
    if (!load_comment(r, parse_id(rq_param(r, 0)), &c))
        return;
    if (c.parent_id) { /* a reply: its thread */
        char loc[48];
        snprintf(loc, sizeof loc, "/comments/%lld", (long long)c.parent_id);
        comment_free(&c);
        rs_redirect(r, 303, loc);
        return;
    }
    aud_err_t e;
    work_t w;
    if (aud_work_live(r->db, c.work_id, &(aud_work_t){0}, &e) < 0 || work_get(r->db, c.work_id, &w) != 1) {
        comment_free(&c);
        fail(r, 404, "not_found", "comment.err.not_found", NULL);
        return;
    }
    const char *after = rq_query(r, "after");
    comment_page_t p;
    memset(&p, 0, sizeof p);
    if (comment_replies(r->db, r->user.id, c.id, after ? after : "", COMMENT_PAGE_MAX, &p, &e) < 0) {
        comment_free(&c);
        work_free(&w);
        comment_page_free(&p);
        answer_err(r, &e);
        return;
    }
    int blocked = r->user.id && comment_blocked(r->db, w.author_id, r->user.id) == 1;
    view_t v = {w.id, w.author_id,
                r->user.id && !settings_is(r->db, "comments", "off") && w.comments_open && !blocked,
                r->user.id && (r->user.id == w.author_id || staff(r)), 1};
    /* The root shows every reply of this page under it. */
    for (int i = 0; i < c.nshown; i++)
        comment_free(&c.shown[i]);
    free(c.shown);
    c.shown = p.items;
    c.nshown = p.n;
    p.items = NULL;
    p.n = 0;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "comments thread", T(r->lang, "comments.thread"));
    buf_hprintf(&b, "<p><a href=\"/a/%s#comments\">%s</a></p>\n", w.id, w.title);
    comment_html(r, &b, &v, &c, w.pinned_comment == c.id);
    if (p.next[0]) {
        buf_hprintf(&b, "<p class=\"older\"><a href=\"/comments/%lld?after=", (long long)c.id);
        buf_url(&b, p.next, strlen(p.next));
        buf_hprintf(&b, "\">%s</a></p>\n", T(r->lang, "comments.more"));
    }
    buf_hprintf(&b, "<script src=\"%s\" defer></script>\n", asset_comments_js_url);
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
    comment_page_free(&p);
    comment_free(&c);
    work_free(&w);
}

/* GET /mod/comments — held comments, oldest first, with approve and remove. */
void comment_mod_page(hreq_t *r)
{
    aud_actor_t a = actor(r);
    aud_err_t e;
    comment_page_t p;
    memset(&p, 0, sizeof p);
    const char *after = rq_query(r, "after");
    if (comment_pending(r->db, &a, after ? after : "", COMMENT_PAGE_MAX, &p, &e) < 0) {
        comment_page_free(&p);
        answer_err(r, &e);
        return;
    }
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "mod-comments", T(r->lang, "comments.mod_title"));
    if (!p.n)
        buf_hprintf(&b, "<p class=\"empty\">%s</p>\n", T(r->lang, "comments.mod_empty"));
    buf_lit(&b, "<ul class=\"queue\">\n");
    for (int i = 0; i < p.n; i++) {
        const comment_t *c = &p.items[i];
        buf_hprintf(&b, "<li id=\"c-%lld\"><p class=\"meta\"><a href=\"/a/%s\">%s</a> · @%s · %s: %s · ",
                    (long long)c->id, c->work_id, c->work_id, c->author_handle, T(r->lang, "comments.held_why"),
                    c->held);
        page_time(&b, c->created_at);
        buf_lit(&b, "</p><div class=\"text\">");
        comment_text_html(c->body, strlen(c->body), &b); /* escaped text (comment_text.h) */
        buf_lit(&b, "</div>");
        buf_hprintf(&b, "<form class=\"inline\" method=\"post\" action=\"/mod/comments/%lld/approve\">",
                    (long long)c->id);
        page_csrf_field(r, &b);
        buf_hprintf(&b, "<button type=\"submit\">%s</button></form>", T(r->lang, "comments.approve"));
        buf_hprintf(&b, "<form class=\"inline\" method=\"post\" action=\"/comments/%lld/remove\">", (long long)c->id);
        page_csrf_field(r, &b);
        buf_hprintf(&b, "<input type=\"hidden\" name=\"next\" value=\"mod\"><input name=\"reason\" required "
                        "maxlength=\"500\" placeholder=\"%s\" aria-label=\"%s\"><button type=\"submit\">%s</button></form>",
                    T(r->lang, "comments.reason"), T(r->lang, "comments.reason"), T(r->lang, "comments.remove"));
        buf_lit(&b, "</li>\n");
    }
    buf_lit(&b, "</ul>\n");
    if (p.next[0]) {
        buf_lit(&b, "<p class=\"older\"><a href=\"/mod/comments?after=");
        buf_url(&b, p.next, strlen(p.next));
        buf_hprintf(&b, "\">%s</a></p>\n", T(r->lang, "comments.more"));
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
    comment_page_free(&p);
}

/* POST /mod/comments/:cid/approve */
void comment_approve_form(hreq_t *r)
{
    comment_t c;
    if (!load_comment(r, parse_id(rq_param(r, 0)), &c))
        return;
    aud_actor_t a = actor(r);
    aud_err_t e;
    if (comment_approve(r->db, &a, c.id, &e) < 0) {
        answer_err(r, &e);
    } else {
        changed_work(c.work_id);
        rs_redirect(r, 303, "/mod/comments");
    }
    comment_free(&c);
}

/* ---- the JSON API ---- */

/* GET /api/v1/articles/:id/comments?sort=new|hot&limit=&before= */
void comment_api_list(hreq_t *r)
{
    const char *sort = rq_query(r, "sort");
    const char *before = rq_query(r, "before");
    const char *lim = rq_query(r, "limit");
    int limit = 20;
    if (lim) {
        int64_t l = parse_id(lim);
        if (l < 1 || l > COMMENT_PAGE_MAX) {
            fail(r, 422, "invalid", "comments.err.limit", "limit");
            return;
        }
        limit = (int)l;
    }
    comment_query_t q = {rq_param(r, 0), sort ? sort : "new", before ? before : "", limit};
    comment_page_t p;
    memset(&p, 0, sizeof p);
    aud_err_t e;
    if (comment_list(r->db, r->user.id, &q, &p, &e) < 0) {
        comment_page_free(&p);
        answer_err(r, &e);
        return;
    }
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"comments\":[");
    int first = 1;
    if (p.pinned.id) {
        comment_json(&b, &p.pinned);
        first = 0;
    }
    for (int i = 0; i < p.n; i++) {
        if (!first)
            buf_ch(&b, ',');
        first = 0;
        comment_json(&b, &p.items[i]);
    }
    buf_lit(&b, "],\"next\":");
    if (p.next[0])
        buf_json_strz(&b, p.next);
    else
        buf_lit(&b, "null");
    buf_ch(&b, '}');
    rs_json(r, 200, &b);
    buf_free(&b);
    comment_page_free(&p);
}

static void answer_comment_api(hreq_t *r, int status, const comment_t *c)
{
    buf_t b = BUF_INIT;
    comment_json(&b, c);
    rs_json(r, status, &b);
    buf_free(&b);
}

/* The "body" member, or NULL after answering. */
static const char *json_body(hreq_t *r, json_t *j)
{
    const char *body;
    if (api_json_string(j, "body", &body) < 0) {
        fail(r, 422, "invalid", "comment.err.bad", "body");
        return NULL;
    }
    return body ? body : "";
}

/* POST /api/v1/articles/:id/comments {"body","parent"?} */
void comment_api_post(hreq_t *r)
{
    json_t *j = api_body_object(r);
    if (!j)
        return;
    const char *body = json_body(r, j);
    if (!body) {
        json_decref(j);
        return;
    }
    json_t *pj = json_object_get(j, "parent");
    int64_t parent = 0;
    if (pj && !json_is_null(pj)) {
        if (!json_is_integer(pj) || json_integer_value(pj) < 1) {
            json_decref(j);
            fail(r, 422, "bad_parent", "comment.err.parent", "parent");
            return;
        }
        parent = (int64_t)json_integer_value(pj);
    }
    aud_actor_t a = actor(r);
    comment_t c;
    aud_err_t e;
    memset(&c, 0, sizeof c);
    if (comment_post(r->db, &a, rq_param(r, 0), body, strlen(body), parent, &c, &e) < 0) {
        json_decref(j);
        answer_err(r, &e);
        return;
    }
    json_decref(j);
    changed_work(c.work_id);
    answer_comment_api(r, 201, &c);
    comment_free(&c);
}

/* PUT /api/v1/comments/:id {"body"} */
void comment_api_edit(hreq_t *r)
{
    json_t *j = api_body_object(r);
    if (!j)
        return;
    const char *body = json_body(r, j);
    if (!body) {
        json_decref(j);
        return;
    }
    int64_t id = parse_id(rq_param(r, 0));
    aud_actor_t a = actor(r);
    comment_t c;
    aud_err_t e;
    memset(&c, 0, sizeof c);
    int rc = id ? comment_edit(r->db, &a, id, body, strlen(body), &c, &e)
                : aud_fail(&e, 404, "not_found", "comment.err.not_found", NULL);
    json_decref(j);
    if (rc < 0) {
        answer_err(r, &e);
        return;
    }
    changed_work(c.work_id);
    answer_comment_api(r, 200, &c);
    comment_free(&c);
}

/* DELETE /api/v1/comments/:id */
void comment_api_delete(hreq_t *r)
{
    comment_t c;
    if (!load_comment(r, parse_id(rq_param(r, 0)), &c))
        return;
    aud_actor_t a = actor(r);
    aud_err_t e;
    if (comment_delete(r->db, &a, c.id, &e) < 0) {
        answer_err(r, &e);
    } else {
        changed_work(c.work_id);
        rs_no_content(r);
    }
    comment_free(&c);
}

static void api_likes(hreq_t *r, int64_t likes)
{
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"likes\":");
    buf_int(&b, likes);
    buf_ch(&b, '}');
    rs_json(r, 200, &b);
    buf_free(&b);
}

static int is_put(hreq_t *r)
{
    return r->h->method.len == 3 && memcmp(r->h->method.base, "PUT", 3) == 0;
}

/* PUT|DELETE /api/v1/articles/:id/like */
void comment_api_like_work(hreq_t *r)
{
    aud_actor_t a = actor(r);
    aud_err_t e;
    int64_t likes = 0;
    if (like_work(r->db, &a, rq_param(r, 0), is_put(r), &likes, &e) < 0) {
        answer_err(r, &e);
        return;
    }
    changed_work(rq_param(r, 0));
    api_likes(r, likes);
}

/* PUT|DELETE /api/v1/comments/:id/like */
void comment_api_like(hreq_t *r)
{
    comment_t c;
    if (!load_comment(r, parse_id(rq_param(r, 0)), &c))
        return;
    aud_actor_t a = actor(r);
    aud_err_t e;
    int64_t likes = 0;
    if (like_comment(r->db, &a, c.id, is_put(r), &likes, &e) < 0) {
        answer_err(r, &e);
    } else {
        changed_work(c.work_id);
        api_likes(r, likes);
    }
    comment_free(&c);
}

/* ---- the script ---- */

extern const char hao_asset_comments_js[], hao_asset_comments_js_end[];

void asset_comments_js(hreq_t *r)
{
    rs_header(r, "cache-control", "public, max-age=31536000, immutable");
    rs_send(r, 200, "text/javascript; charset=utf-8", hao_asset_comments_js,
            (size_t)(hao_asset_comments_js_end - hao_asset_comments_js));
}
