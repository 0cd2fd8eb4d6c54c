/*
 * pins.h — pinned works (置顶): up to PINS_MAX published works per creator,
 * shown first on the author page in the order they were pinned. Owns
 * creator_pins. A pinned work that stops being published simply stops
 * showing (the list reads published works only); it leaves the pins when
 * unpinned, or when deleted or taken down (collection.h's cleanup).
 *
 * Domain functions take the caller's connection, one transaction each, and
 * signal the page cache (changed.h). Handlers run on the request's loop.
 */
#ifndef HAO_CREATOR_PINS_H
#define HAO_CREATOR_PINS_H

#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"
#include "site/creator/creator.h"
#include "site/works/work.h"

#define PINS_MAX 3

/* Pin author's published work: 0, or -1 with e (404, 403 forbidden, 409
 * not_published, 409 too_many_pins; pinning a pinned work is 0). */
int pins_add(db_t *db, int64_t author_id, const char *work_id, cr_err_t *e);
/* Unpin: 0, or -1 with e (404 not_pinned). */
int pins_remove(db_t *db, int64_t author_id, const char *work_id, cr_err_t *e);
/* The author's pinned published works in order: ids[0..n). n or -1. */
int pins_list(db_t *db, int64_t author_id, char ids[PINS_MAX][WORK_ID_LEN + 1]);
/* Whether work_id is pinned: 1, 0, -1. */
int pins_is_pinned(db_t *db, const char *work_id);

/* The author page's "pinned" block (nothing when none): cards, first. */
void pins_author_block(hreq_t *r, buf_t *b, int64_t author_id);
/* The editor's pin/unpin form for a published work. */
void pins_editor_panel(hreq_t *r, buf_t *b, const char *work_id, const char *status);

void pins_form_post(hreq_t *r);  /* POST /studio/:id/pin (RT_CSRF): action=pin|unpin */
void pins_api_put(hreq_t *r);    /* PUT /api/v1/articles/:id/pin -> 204 */
void pins_api_delete(hreq_t *r); /* DELETE /api/v1/articles/:id/pin -> 204 */
void pins_api_list(hreq_t *r);   /* GET /api/v1/authors/:handle/pins -> {"pins":[work...]} */

#endif
