/*
 * preview.h — preview links: a creator shares an unpublished draft with
 * someone by a secret link /p/TOKEN that expires (PREVIEW_DAYS_DEFAULT
 * days unless another number of days, 1..PREVIEW_DAYS_MAX, is asked) and
 * can be revoked. Owns creator_previews; only the token's SHA-256 is kept,
 * so the link is shown once, when it is made.
 *
 * The page shows the work's current text (read at each request), marked as
 * a draft preview, with noindex (meta and X-Robots-Tag) and Cache-Control
 * private, no-store; its route is not RT_CACHE, so the page cache never
 * holds it for anyone else. An expired or revoked link answers 410, an
 * unknown one 404; a deleted or taken-down work 404/451 as /a/ does.
 *
 * Domain functions take the caller's connection (one transaction each);
 * handlers run on the request's loop.
 */
#ifndef HAO_CREATOR_PREVIEW_H
#define HAO_CREATOR_PREVIEW_H

#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"
#include "site/creator/creator.h"

#define PREVIEW_DAYS_DEFAULT 7
#define PREVIEW_DAYS_MAX 90
#define PREVIEW_TOKEN_SIZE 49 /* 24 random bytes as hex, with the NUL */

/* Make a link for author's work_id valid for days: 0 with token (the
 * secret, shown once), *id and *expires, or -1 with e (404, 403, 422
 * bad_days, 451). */
int preview_create(db_t *db, const char *work_id, int64_t author_id, int days, char token[PREVIEW_TOKEN_SIZE],
                   int64_t *id, int64_t *expires, cr_err_t *e);
/* Revoke link id of author's work_id: 0, or -1 with e (404 not_found, also
 * when already revoked). */
int preview_revoke(db_t *db, const char *work_id, int64_t author_id, int64_t id, cr_err_t *e);

void preview_page(hreq_t *r);          /* GET /p/:token */
void preview_form_post(hreq_t *r);     /* POST /studio/:id/previews (RT_CSRF): days */
void preview_revoke_post(hreq_t *r);   /* POST /studio/:id/previews/:pid/revoke (RT_CSRF) */
void preview_api_create(hreq_t *r);    /* POST /api/v1/articles/:id/previews {"days"?} -> 201 */
void preview_api_list(hreq_t *r);      /* GET /api/v1/articles/:id/previews */
void preview_api_revoke(hreq_t *r);    /* DELETE /api/v1/articles/:id/previews/:pid -> 204 */
/* The editor's panel: the live links with their expiry and a revoke button,
 * and the form making a new one. */
void preview_editor_panel(hreq_t *r, buf_t *b, const char *work_id, const char *status);

#endif
