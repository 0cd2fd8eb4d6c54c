/*
 * stats.h — the creator's data page (/studio/stats, per work
 * /studio/:id/stats) and the operator's for the whole site (/admin/stats):
 * per China day over the last 30 or 90 days, the likes and comments
 * received, new followers and newly confirmed e-mail subscribers, each as
 * a server-rendered SVG bar chart (role="img" with a title) followed by a
 * table of the same numbers, and a CSV download of them. Read from the
 * rows those modules already keep (no counting of its own, so nothing on
 * the page path). Reads, unique readers, readers who reached the end
 * and referring sites are counted by http/views.h (once per reader, work
 * and day; bots not at all) and shown here with the read-through rate
 * (完读率) and the top referring domains of the period.
 * Loop thread, the request's connection; read only.
 */
#ifndef HAO_CREATOR_STATS_H
#define HAO_CREATOR_STATS_H

#include "http/http.h"

void stats_page(hreq_t *r);       /* GET /studio/stats?days=30|90 */
void stats_csv(hreq_t *r);        /* GET /studio/stats.csv?days= */
void stats_work_page(hreq_t *r);  /* GET /studio/:id/stats?days= (own works only) */
void stats_site_page(hreq_t *r);  /* GET /admin/stats?days= (ROLE_ADMIN) */

#endif
