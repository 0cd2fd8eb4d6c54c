/*
 * studio.h — the creator's studio: the list of one's own works, the editor
 * (new, edit, save, publish, unpublish, delete, live preview) and the
 * revision history with restore.
 *
 * Every page works without JavaScript (plain form posts, a confirm page for
 * delete, a server-rendered preview); the editor script (site/assets/studio.js,
 * served at /static/studio.<version>.js) adds the debounced live preview,
 * server-side autosave (editor_reading.h), the warning before leaving with
 * unsaved changes and the saved/unsaved indicator on top.
 *
 * All writes go through work.h, so validation, revisions, the search index
 * and cache invalidation are the same as for the API and import. A creator
 * only ever sees and changes their own works: another author's work answers
 * 403 without any of its content, an unknown or deleted one 404.
 */
#ifndef HAO_STUDIO_H
#define HAO_STUDIO_H

#include "http/http.h"
#include "site/works/work.h"

/* Load path parameter 0 as a work the current user may change, for the
 * studio and the API (api.c) alike. Returns 1 with *w filled (the caller
 * frees it with work_free), or 0 after answering: 404 unknown or deleted,
 * 403 another author's (nothing of the work is shown; moderators and admins
 * too: this is for one's own works), 500 storage error. */
int studio_own_work(hreq_t *r, work_t *w);

/* Handlers (routes.c). All need ROLE_CREATOR; the POSTs need RT_CSRF. */
void studio_list(hreq_t *r);       /* GET  /studio                       */
void studio_new(hreq_t *r);        /* GET  /studio/new                   */
void studio_create(hreq_t *r);     /* POST /studio/new                   */
void studio_preview(hreq_t *r);    /* POST /studio/preview               */
void studio_edit(hreq_t *r);       /* GET  /studio/:id                   */
void studio_save(hreq_t *r);       /* POST /studio/:id                   */
void studio_delete(hreq_t *r);     /* POST /studio/:id/delete            */
void studio_revisions(hreq_t *r);  /* GET  /studio/:id/revisions         */
void studio_revision(hreq_t *r);   /* GET  /studio/:id/revisions/:rev    */
void studio_restore(hreq_t *r);    /* POST /studio/:id/revisions/:rev/restore */

/* GET /static/studio.<version>.js is asset_studio_js(), declared in
 * layout.h and defined in assets.c. */

#endif
