/*
 * invite_page.c — see invite_page.h.
 *
 * A new link is shown once, on the answer to the POST that made it: only its
 * hash is stored, so the page cannot show it again.
 */
#include "site/accounts/invite_page.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "site/accounts/invite.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/settings.h"
#include "site/reader/feed.h"

/* The page: the new link (token, or NULL), a message, the form, the list. */
static void render(hreq_t *r, int status, const char *token, const char *error)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    fk_page_begin(r, &b, "invites", "invite.title", "invite.intro", error);
    if (!settings_is(r->db, "registration", "invite")) {
        buf_lit(&b, "<p class=\"hint\">");
        buf_htmlz(&b, T(L, "invite.not_mode"));
        buf_lit(&b, " <a href=\"/admin/settings\">");
        buf_htmlz(&b, T(L, "settings.title"));
        buf_lit(&b, "</a></p>\n");
    }
    if (token) {
        buf_t url = BUF_INIT;
        feed_origin(r, &url);
        buf_lit(&url, "/register?invite=");
        buf_rawz(&url, token); /* raw: hex, escaped where written */
        buf_lit(&b, "<p class=\"ok\" role=\"status\">");
        buf_htmlz(&b, T(L, "invite.made"));
        buf_lit(&b, "</p>\n<p><input type=\"text\" readonly class=\"invite-link\" aria-label=\"");
        buf_htmlz(&b, T(L, "invite.link"));
        buf_lit(&b, "\" value=\"");
        buf_html(&b, url.p, url.len);
        buf_lit(&b, "\" size=\"80\"></p>\n");
        buf_free(&url);
    }
    fk_form_begin(r, &b, "/admin/invites");
    buf_lit(&b, "<p><label for=\"f-days\">");
    buf_htmlz(&b, T(L, "invite.days"));
    buf_lit(&b, "</label><br><input type=\"number\" id=\"f-days\" name=\"days\" min=\"1\" max=\"90\" value=\"14\" "
                "required></p>\n");
    fk_form_end(&b, T(L, "invite.create"));
    invite_t *list = xcalloc(INVITE_LIST_MAX, sizeof *list);
    int n = invite_list(r->db, list);
    if (n < 0) {
        free(list);
        buf_free(&b);
        rs_error(r, 500, "internal", T(L, "err.internal"));
        return;
    }
    buf_lit(&b, "<h2>");
    buf_htmlz(&b, T(L, "invite.list"));
    buf_lit(&b, "</h2>\n");
    if (!n) {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(L, "invite.none"));
        buf_lit(&b, "</p>\n");
    } else {
        buf_lit(&b, "<table class=\"invites\"><thead><tr><th>#</th><th>");
        buf_htmlz(&b, T(L, "invite.created"));
        buf_lit(&b, "</th><th>");
        buf_htmlz(&b, T(L, "invite.expires"));
        buf_lit(&b, "</th><th>");
        buf_htmlz(&b, T(L, "invite.state"));
        buf_lit(&b, "</th></tr></thead><tbody>\n");
        int64_t now = clock_now();
        for (int i = 0; i < n; i++) {
            buf_hprintf(&b, "<tr data-id=\"%lld\"><td>%lld</td><td>", (long long)list[i].id, (long long)list[i].id);
            page_time(&b, list[i].created_at);
            buf_lit(&b, "</td><td>");
            page_time(&b, list[i].expires_at);
            buf_lit(&b, "</td><td>");
            if (list[i].used_at) {
                buf_htmlz(&b, T(L, "invite.used_by"));
                buf_lit(&b, " <a href=\"/u/");
                buf_url(&b, list[i].used_by, strlen(list[i].used_by));
                buf_lit(&b, "\">@");
                buf_htmlz(&b, list[i].used_by);
                buf_lit(&b, "</a>");
            } else {
                buf_htmlz(&b, T(L, list[i].expires_at > now ? "invite.open" : "invite.expired"));
            }
            buf_lit(&b, "</td></tr>\n");
        }
        buf_lit(&b, "</tbody></table>\n");
    }
    free(list);
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /admin/invites */
void invite_admin_page(hreq_t *r)
{
    render(r, 200, NULL, NULL);
}

/* POST /admin/invites — fields: days (1..90: how long the link works), csrf. */
void invite_admin_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *d = form_get(&f, "days");
    char *end = NULL;
    long days = d ? strtol(d, &end, 10) : 0;
    if (!d || !*d || *end || days < 1 || days > 90) {
        render(r, 422, NULL, T(r->lang, "invite.err.ttl"));
        return;
    }
    aud_actor_t a = {.user_id = r->user.id, .peer = rq_peer(r), .now = clock_now()};
    char token[INVITE_TOKEN_LEN + 1];
    int64_t id;
    aud_err_t e;
    if (invite_create(r->db, &a, (int64_t)days * 24 * 3600, token, &id, &e) < 0) {
        rs_error(r, e.status, e.code, T(r->lang, e.key));
        return;
    }
    render(r, 201, token, NULL);
}
