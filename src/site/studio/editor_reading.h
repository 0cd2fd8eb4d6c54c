/*
 * editor_reading.h — the reading part's additions to the studio editor,
 * kept apart from studio.c so other parts' editor changes merge cleanly:
 * the summary and cover fields, the server-side autosave (its endpoint, the
 * offer to restore it on any browser, discarding it), and the comparison of
 * two revisions (diff.h).
 *
 * Handlers need ROLE_CREATOR (routes.c); the POSTs RT_CSRF. Loop thread.
 */
#ifndef HAO_EDITOR_READING_H
#define HAO_EDITOR_READING_H

#include "http/http.h"
#include "site/works/autosave.h"
#include "site/works/work.h"

/* The summary textarea (value may be NULL) with its error in place. */
void studio_summary_field(hreq_t *r, buf_t *b, const char *value, const work_err_t *err);
/* The cover choice among w's own pictures (radio buttons with thumbnails;
 * "" = the first picture). Nothing for a new work or one without pictures
 * but a hidden field keeping the current choice. */
void studio_cover_field(hreq_t *r, buf_t *b, const work_t *w, const char *current, const work_err_t *err);
/* Attributes of the editor form the script needs for autosave and its
 * messages (w_id NULL for a new work). */
void studio_reading_script_data(hreq_t *r, buf_t *b, const char *w_id);
/* Above the form: a server-side autosave newer than the stored work (w
 * NULL: a new work) offered for restoring or discarding; when the fields
 * hold it (from_autosave), say so. Nothing when the fields are dirty. */
void studio_autosave_notice(hreq_t *r, buf_t *b, const work_t *w, int dirty, int from_autosave);
/* ?autosave=1 asks for the fields from the autosave of work_id ("" new):
 * 1 with *a filled (autosave_free), 0 not asked or none, -1 error. */
int studio_autosave_wanted(hreq_t *r, const char *work_id, autosave_t *a);

/* POST /studio/:id/autosave (:id a work id or "new") — store the fields as
 * the autosave, replacing the previous one. Form: csrf, title, body,
 * declaration, tags, summary. 200 {"saved_at"}; 422 {"error"} bad fields. */
void studio_autosave_post(hreq_t *r);
/* POST /studio/:id/autosave/discard — drop it; 303 back to the editor.
 * Form: csrf */
void studio_autosave_discard(hreq_t *r);
/* GET /studio/:id/compare — two revisions side by side as one text with
 * deletions and insertions marked. Query: from=REV (default to-1),
 * to=REV (default the current one). */
void studio_compare(hreq_t *r);
/* The revisions page's compare form (numbers 1..w->rev). */
void studio_compare_form(hreq_t *r, buf_t *b, const work_t *w);

#endif
