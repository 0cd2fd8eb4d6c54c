/*
 * publish.h — publishing from a request without doing the slow part on the
 * event loop: the originality check (reading other works, shingling long
 * texts) runs on the worker pool with that thread's own connection, then the
 * state change runs back on the request's loop (work_publish_checked).
 */
#ifndef HAO_PUBLISH_H
#define HAO_PUBLISH_H

#include "http/http.h"
#include "site/work.h"

/* Called on r's loop when the publish finished: rc 0, or -1 with e. Not
 * called when the client went away meanwhile (nothing was published then;
 * publishing again is harmless). */
typedef void (*publish_cb)(hreq_t *r, const char *id, int rc, const work_err_t *e);

/* Publish work id (already known to be r's user's) for request r; cb answers
 * the request. Storage errors reading the work are answered by cb too. */
void publish_async(hreq_t *r, const char *id, publish_cb cb);

#endif
