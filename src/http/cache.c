/*
 * cache.c — see cache.h.
 *
 * The page cache is direct-mapped (a slot per key hash): a colliding key
 * simply replaces the older page. That bounds memory without an LRU list
 * and costs one hash and one compare per lookup.
 */
#include "http/cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/changed.h"

#define CACHE_SLOTS 4096
#define CACHE_MAX_BODY (512 * 1024) /* larger pages are not worth pinning */
/* A loop's cache holds at most this many bytes of pages and keys. The key
 * is the host and the whole path with its query, which a stranger chooses
 * ("/?x=1", "/?x=2", ...): without a bound, 4,096 slots of a 50 KB home page
 * would pin 200 MB a loop. Past it a page is served but not kept. */
#define CACHE_MAX_BYTES ((size_t)32 << 20)

typedef struct {
    uint64_t generation;
    uint64_t wgen, rendered_ns; /* the work generation before rendering, and when it was stored */
    char *key;
    size_t keylen;
    cached_page_t page;
} slot_t;

struct page_cache {
    slot_t slots[CACHE_SLOTS];
    size_t bytes; /* bodies and keys held */
};

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

page_cache_t *cache_create(void)
{
    page_cache_t *c = xcalloc(1, sizeof(*c));
    return c;
}

static void slot_clear(page_cache_t *c, slot_t *s)
{
    c->bytes -= s->keylen + s->page.len;
    free(s->key);
    free(s->page.body);
    free(s->page.view_id);
    memset(s, 0, sizeof(*s));
}

void cache_destroy(page_cache_t *c)
{
    if (!c)
        return;
    for (int i = 0; i < CACHE_SLOTS; i++)
        slot_clear(c, &c->slots[i]);
    free(c);
}

const cached_page_t *cache_get(page_cache_t *c, const char *key, size_t keylen)
{
    slot_t *s = &c->slots[fnv(key, keylen) % CACHE_SLOTS];
    if (!s->key || s->keylen != keylen || memcmp(s->key, key, keylen) != 0)
        return NULL;
    if (s->generation != changed_generation())
        return NULL;
    /* A comment or a like: its work's page at once, the others within a second. */
    if (changed_stale(s->page.view_id, s->wgen, s->rendered_ns, now_ns()))
        return NULL;
    return &s->page;
}

void cache_put(page_cache_t *c, uint64_t generation, uint64_t wgen, const char *key, size_t keylen, int status,
               const char *content_type, const char *body, size_t len, const char *view_id, const char *last_modified)
{
    if (len > CACHE_MAX_BODY)
        return;
    uint64_t h = fnv(key, keylen);
    slot_t *s = &c->slots[h % CACHE_SLOTS];
    slot_clear(c, s);
    if (c->bytes + keylen + len > CACHE_MAX_BYTES) {
        /* Full: stale pages (a change since they were stored) make room
         * first, so a flood of one generation does not keep later pages
         * out once anything has changed. Only when over the bound. */
        uint64_t g = changed_generation();
        for (int i = 0; i < CACHE_SLOTS; i++)
            if (c->slots[i].key && c->slots[i].generation != g)
                slot_clear(c, &c->slots[i]);
        if (c->bytes + keylen + len > CACHE_MAX_BYTES)
            return;
    }
    c->bytes += keylen + len;
    s->generation = generation;
    s->wgen = wgen;
    s->rendered_ns = now_ns();
    s->key = xmalloc(keylen + 1);
    s->page.body = xmalloc(len);
    memcpy(s->key, key, keylen);
    s->key[keylen] = 0;
    s->keylen = keylen;
    memcpy(s->page.body, body, len);
    s->page.len = len;
    s->page.status = status;
    s->page.content_type = content_type;
    s->page.view_id = view_id ? xstrdup(view_id) : NULL;
    snprintf(s->page.last_modified, sizeof s->page.last_modified, "%s", last_modified ? last_modified : "");
    snprintf(s->page.etag, sizeof s->page.etag, "\"%016llx\"", (unsigned long long)(fnv(body, len) ^ h));
}

size_t cache_bytes(const page_cache_t *c)
{
    return c->bytes;
}
