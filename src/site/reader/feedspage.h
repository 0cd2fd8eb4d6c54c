/*
 * feedspage.h — the page about subscribing (the footer's 订阅): what a feed
 * is and the addresses of the feeds of the page it was opened from (an
 * author's or a tag's, with following and e-mail subscription where the
 * site offers them), then the whole site's. Replaces a link to raw Atom XML
 * that a browser shows as a wall of markup. Owned by the reading part.
 */
#ifndef HAO_FEEDSPAGE_H
#define HAO_FEEDSPAGE_H

#include "http/http.h"

/* GET /feeds (RT_CACHE). Query: u=HANDLE an author's feeds; t=TAG a tag's. */
void feedspage_html(hreq_t *r);

#endif
