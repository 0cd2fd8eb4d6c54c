/*
 * publish.h — publishing from a request without doing the slow part on the
 * event loop: the originality check (reading other works, shingling long
 * texts) runs on the worker pool with that thread's own connection, then the
 * state change runs back on the request's loop (work_publish_checked).
 * publish_check_async does the same for any text (edits, 原创 claims).
 */
#ifndef HAO_PUBLISH_H
#define HAO_PUBLISH_H

#include "http/http.h"
#include "site/works/work.h"

/* Called on r's loop when the publish finished: rc 0, or -1 with e. Not
 * called when the client went away meanwhile (nothing was published then;
 * publishing again is harmless). */
typedef void (*publish_cb)(hreq_t *r, const char *id, int rc, const work_err_t *e);

/* Publish work id (already known to be r's user's) for request r; cb answers
 * the request. Storage errors reading the work are answered by cb too. */
void publish_async(hreq_t *r, const char *id, publish_cb cb);

/* Run orig_check(self_id, author, before_seq, body) on the worker pool, then
 * call done on r's loop with its result (rc -1: the check could not run)
 * and the content hash of body. ctx belongs to the caller's callbacks:
 * done receives it, and ctx_free releases it afterwards, also when the
 * client went away (then done is not called). body is copied. */
typedef void (*check_cb)(hreq_t *r, int rc, const orig_result_t *res, const char *hash, void *ctx);
void publish_check_async(hreq_t *r, const char *self_id, int64_t author, int64_t before_seq, const char *body, check_cb done,
                 void *ctx, void (*ctx_free)(void *ctx));

#endif
