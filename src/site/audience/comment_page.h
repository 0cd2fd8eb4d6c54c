/*
 * comment_page.h — comments and likes on the web: the comment section of
 * the work page, the forms it posts (which work without JavaScript and
 * answer JSON to comments.js), the creator's and moderators' controls, and
 * the JSON API's comment and like routes (/api/v1/...).
 *
 * Handlers are thin: they parse the request, call comment.h / like.h, and
 * answer. After every successful write they signal changed_work() for the
 * work concerned, so only that work's cached pages go stale at once (the
 * list pages that show its counts follow within a second: core/changed.h).
 *
 * Caching: the work page is cached for anonymous readers only (router.c
 * never caches a request with a session cookie), so the section rendered
 * for an anonymous reader carries no per-user state, and a signed-in
 * reader's page, rendered for them, shows what they liked and wrote.
 *
 * Forms and JavaScript: every form POSTs with its CSRF token and answers a
 * 303 back to /a/ID#c-N. comments.js posts the same forms with fetch and
 * "Accept: application/json"; the handlers then answer JSON (the rendered
 * comment's HTML, or the new count) and the script updates the page in
 * place. (The /api/v1 routes take bearer tokens only, so the page's script
 * uses the session's form routes rather than the API.)
 */
#ifndef HAO_COMMENT_PAGE_H
#define HAO_COMMENT_PAGE_H

#include "http/http.h"
#include "site/works/work.h"

/* The comment section under a published work (pages_work). */
void comment_section(hreq_t *r, buf_t *b, const work_t *w);
/* The counts on a work's card (home, author, tag pages). */
void comment_card_counts(hreq_t *r, buf_t *b, const work_t *w);

/* Form routes (RT_CSRF). */
void comment_post_form(hreq_t *r);      /* POST /a/:id/comments {body, parent?} */
void comment_like_work_form(hreq_t *r); /* POST /a/:id/like {on} */
void comment_mode_form(hreq_t *r);      /* POST /a/:id/comments/mode {mode} */
void comment_block_form(hreq_t *r);     /* POST /a/:id/comments/block, /studio/comments/block {handle, on} */
void comment_studio_page(hreq_t *r);    /* GET  /studio/comments: the accounts blocked from commenting */
void comment_like_form(hreq_t *r);      /* POST /comments/:cid/like {on} */
void comment_edit_page(hreq_t *r);      /* GET  /comments/:cid/edit */
void comment_edit_form(hreq_t *r);      /* POST /comments/:cid/edit {body} */
void comment_delete_form(hreq_t *r);    /* POST /comments/:cid/delete */
void comment_remove_form(hreq_t *r);    /* POST /comments/:cid/remove {reason} */
void comment_pin_form(hreq_t *r);       /* POST /comments/:cid/pin {on} */
void comment_thread_page(hreq_t *r);    /* GET  /comments/:cid: a thread with all its replies */
void comment_mod_page(hreq_t *r);       /* GET  /mod/comments: the queue of held comments */
void comment_approve_form(hreq_t *r);   /* POST /mod/comments/:cid/approve */

/* The JSON API (RT_API). */
void comment_api_list(hreq_t *r);        /* GET    /api/v1/articles/:id/comments */
void comment_api_post(hreq_t *r);        /* POST   /api/v1/articles/:id/comments */
void comment_api_edit(hreq_t *r);        /* PUT    /api/v1/comments/:id */
void comment_api_delete(hreq_t *r);      /* DELETE /api/v1/comments/:id */
void comment_api_like_work(hreq_t *r);   /* PUT|DELETE /api/v1/articles/:id/like */
void comment_api_like(hreq_t *r);        /* PUT|DELETE /api/v1/comments/:id/like */

/* GET /static/comments.<version>.js */
extern const char asset_comments_js_url[];
void asset_comments_js(hreq_t *r);

#endif
