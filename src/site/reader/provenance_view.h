/*
 * provenance_view.h — where readers, creators and moderators see provenance:
 * the explicit AI label above a work's title (work page and feed cards), the
 * "首发/来源" link on a copy, the overlap warning in the studio editor, and
 * the side-by-side comparison pages (studio and moderation).
 *
 * The data come from provenance.h (stored with the work) and, for the
 * studio, from a live originality check (originality.h).
 */
#ifndef HAO_PROVENANCE_VIEW_H
#define HAO_PROVENANCE_VIEW_H

#include "http/http.h"
#include "provenance/originality.h"
#include "site/works/work.h"

/* The AI label paragraph (nothing when the label is "none"). */
void prov_label(hreq_t *r, buf_t *b, const work_t *w);
/* The 原创 badge and, for a copy, the link to the source work. */
void prov_source(hreq_t *r, buf_t *b, const work_t *w);
/* In the editor: warn, with links to the earlier works and to the
 * comparison page, when res (a check of w's current text, run on the worker
 * pool; may be NULL) found overlaps. */
void prov_studio_warning(hreq_t *r, buf_t *b, const work_t *w, const orig_result_t *res);

/* Handlers (routes.c). */
void prov_studio_page(hreq_t *r); /* GET /studio/:id/originality  (own work)   */
void prov_mod_page(hreq_t *r);    /* GET /mod/originality/:id     (moderator)  */
void prov_mod_list(hreq_t *r);    /* GET /mod/originality         (moderator)  */

#endif
