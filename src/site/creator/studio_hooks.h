/*
 * studio_hooks.h — the creator tools' pieces inside the studio's own pages
 * (site/studio/studio.c calls these, so its edits stay three lines): the
 * panels under the editor and the links above the list of works. Loop
 * thread, the request's connection.
 */
#ifndef HAO_CREATOR_STUDIO_HOOKS_H
#define HAO_CREATOR_STUDIO_HOOKS_H

#include "core/buf.h"
#include "http/http.h"
#include "site/creator/schedule.h"

/* Under the editor of work_id (status its state): schedule, preview
 * links, pin, collections. Separate forms (after the editor's form). */
void creator_editor_panels(hreq_t *r, buf_t *b, const char *work_id, const char *status);
/* Links above the studio's list: collections, pinned works, statistics. */
void creator_studio_links(hreq_t *r, buf_t *b);

#endif
