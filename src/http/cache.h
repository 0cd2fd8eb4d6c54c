/*
 * cache.h — per-loop rendered-page cache and view counters.
 *
 * Page cache: anonymous GET responses of routes marked RT_CACHE are kept per
 * loop thread, keyed by path+query and language, tagged with the global
 * content generation (core/changed.h). Any write that changes what pages
 * show calls changed_signal(), which makes every entry stale at once; the
 * next request renders afresh. No locks: each loop owns its cache.
 * This is how a dynamic page is served as fast as a static file.
 * (View counting is views.h.)
 */
#ifndef HAO_CACHE_H
#define HAO_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

typedef struct page_cache page_cache_t;

typedef struct {
    int status;
    const char *content_type; /* static string */
    char *body;
    size_t len;
    char etag[24];
    char last_modified[40]; /* replayed on hits (feeds), "" if none */
    char *view_id; /* work id whose view counter a hit increments, or NULL */
} cached_page_t;

page_cache_t *cache_create(void);
void cache_destroy(page_cache_t *c);
/* The fresh entry for key, or NULL. Valid until the next cache_put on this loop. */
const cached_page_t *cache_get(page_cache_t *c, const char *key, size_t keylen);
/* Store a copy of body under key, tagged with the generation read before
 * the page was rendered: a change committed while it rendered makes it
 * stale at once, instead of being cached as fresh under the new
 * generation. wgen is changed_work_generation() read at the same time: a
 * work page (view_id) is stale once its work changes after it, any other
 * page a second after it was stored once any work has (core/changed.h). */
void cache_put(page_cache_t *c, uint64_t generation, uint64_t wgen, const char *key, size_t keylen, int status,
               const char *content_type, const char *body, size_t len, const char *view_id, const char *last_modified);
/* Bytes of pages and keys held (at most 32 MB a loop: cache.c). */
size_t cache_bytes(const page_cache_t *c);

#endif
