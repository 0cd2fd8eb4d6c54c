/*
 * studio_hooks.c — see studio_hooks.h. Part of the creator tools
 * (site/creator/); loop thread.
 */
#include "site/creator/studio_hooks.h"

#include <string.h>

#include "core/i18n.h"
#include "site/creator/collection_page.h"
#include "site/creator/pins.h"
#include "site/creator/preview.h"

void creator_editor_panels(hreq_t *r, buf_t *b, const char *work_id, const char *status)
{
    sched_editor_panel(r, b, work_id, status);
    preview_editor_panel(r, b, work_id, status);
    pins_editor_panel(r, b, work_id, status);
    coll_editor_panel(r, b, work_id, status);
    if (strcmp(status, "published") == 0) {
        buf_hprintf(b, "<p class=\"creator-links\"><a href=\"/studio/%s/stats\">", work_id);
        buf_htmlz(b, T(r->lang, "creator.stats.work_title"));
        buf_lit(b, "</a></p>\n");
    }
}

void creator_studio_links(hreq_t *r, buf_t *b)
{
    buf_lit(b, "<p class=\"creator-links\"><a href=\"/studio/collections\">");
    buf_htmlz(b, T(r->lang, "creator.coll.my"));
    buf_lit(b, "</a> · <a href=\"/studio/stats\">");
    buf_htmlz(b, T(r->lang, "creator.stats.title"));
    buf_lit(b, "</a></p>\n");
}
