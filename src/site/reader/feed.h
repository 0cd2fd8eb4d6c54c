/*
 * feed.h — Atom and JSON feeds (site, author, tag) and the sitemap.
 */
#ifndef HAO_FEED_H
#define HAO_FEED_H

#include "http/http.h"

void feed_atom_site(hreq_t *r);
void feed_atom_author(hreq_t *r);
void feed_atom_tag(hreq_t *r);
void feed_json_site(hreq_t *r);
void feed_json_author(hreq_t *r);
void feed_json_tag(hreq_t *r);
void feed_sitemap(hreq_t *r);
void feed_sitemap_part(hreq_t *r);

/* "http(s)://host[:port]" of this request, for absolute URLs (feeds, the
 * sitemap, canonical and Open Graph URLs). The Host header is filtered to
 * the characters a host:port can have. */
void feed_origin(hreq_t *r, buf_t *b);

#endif
