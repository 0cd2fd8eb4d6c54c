/*
 * follow_page.h — follows (关注) on the web and in the JSON API: the follow
 * button on author and work pages, the counts on the author page, the
 * /following timeline, the creator's followers in the studio, and
 * PUT/DELETE /api/v1/follows/{handle}, GET /api/v1/timeline. The rules are
 * follow.h's; this is the requests and the rendering around them.
 *
 * The page cache (http/cache.h) keeps author and work pages for anonymous
 * readers only, so what the button says for one account ("following") is
 * written only on renders for a signed-in reader, which are never cached.
 * An anonymous reader gets a button that works all the same: a GET form to
 * /u/{handle}/follow, which (after logging in) asks to confirm with a real
 * POST form carrying the CSRF token.
 */
#ifndef HAO_FOLLOW_PAGE_H
#define HAO_FOLLOW_PAGE_H

#include <stdint.h>

#include "core/buf.h"
#include "http/http.h"

/* The follow button for the account author_id (handle) on a page at back
 * (a local path to come back to). Nothing on the author's own pages. */
void follow_button(hreq_t *r, buf_t *b, int64_t author_id, const char *handle, const char *back);
/* The author page's follower and following counts, and the button. */
void follow_author_box(hreq_t *r, buf_t *b, int64_t author_id, const char *handle);

/* Handlers (routes.c). */
void follow_confirm_page(hreq_t *r); /* GET  /u/:handle/follow (ROLE_READER) */
void follow_post(hreq_t *r);         /* POST /u/:handle/follow (ROLE_READER, RT_CSRF) */
void follow_timeline_page(hreq_t *r); /* GET /following (ROLE_READER) */
void follow_studio_followers(hreq_t *r); /* GET /studio/followers (ROLE_CREATOR) */
void follow_api_put(hreq_t *r);      /* PUT    /api/v1/follows/:handle */
void follow_api_delete(hreq_t *r);   /* DELETE /api/v1/follows/:handle */
void follow_api_timeline(hreq_t *r); /* GET    /api/v1/timeline */

#endif
