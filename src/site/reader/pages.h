/*
 * pages.h — the reader's pages: home feed, work page, author page, tag page,
 * plus the small utility routes (language switch, health check, about).
 * Everything here is readable without JavaScript and cacheable for
 * anonymous readers (RT_CACHE).
 */
#ifndef HAO_PAGES_H
#define HAO_PAGES_H

#include "http/http.h"
#include "site/works/work.h"

void pages_home(hreq_t *r);
void pages_work(hreq_t *r);
/* GET /a/:id/end/:mac.gif — the 1x1 image at the end of a work's text,
 * loaded lazily, so fetching it means the reader came near the end: counts
 * a read-through (http/views.h) when mac is the work's; else 404. */
void pages_work_end(hreq_t *r);
void pages_author(hreq_t *r);
void pages_tag(hreq_t *r);
void pages_lang(hreq_t *r);
void pages_healthz(hreq_t *r);
void pages_about(hreq_t *r);

/* One work as a card in a list (home, author, tag, search). */
void pages_card(hreq_t *r, buf_t *b, const work_t *w);
/* The path of a tag page, percent-encoded. */
void pages_tag_href(buf_t *b, const char *tag);

#endif
