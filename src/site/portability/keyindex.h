/*
 * keyindex.h — a string-keyed index of array positions, so that an import
 * of thousands of posts finds a medium, an author, a comment's parent or an
 * archive entry by its key in constant time instead of scanning every
 * earlier one (the readers and the importer were quadratic: 8,000 Ghost
 * posts took three minutes to check).
 *
 * Owned by whoever made it; not shared between threads. A key is any run of
 * bytes (NUL included with port_index_getn/setn); the table is jansson's
 * object, whose hash is seeded at random per process, so keys chosen by
 * whoever wrote the file cannot all land in one bucket. Running out of
 * memory ends the process, as xmalloc does.
 */
#ifndef HAO_PORT_KEYINDEX_H
#define HAO_PORT_KEYINDEX_H

#include <stddef.h>

typedef struct port_index port_index_t;

port_index_t *port_index_new(void);
void port_index_free(port_index_t *ix); /* NULL is fine */
/* The position stored for key, or -1. */
int port_index_get(const port_index_t *ix, const char *key);
int port_index_getn(const port_index_t *ix, const char *key, size_t len);
/* Store pos for key, replacing what was there: the last one counts. */
void port_index_set(port_index_t *ix, const char *key, int pos);
void port_index_setn(port_index_t *ix, const char *key, size_t len, int pos);
/* Store pos for key unless key has one already: the first one counts.
 * Returns the position key has now. */
int port_index_first(port_index_t *ix, const char *key, int pos);

#endif
