/*
 * alloc.h — heap allocation that cannot fail: out of memory aborts.
 *
 * hao's policy (STYLE.md, buf.h): there is no sane recovery from a failed
 * malloc in a server thread, so every allocation whose failure would
 * otherwise need an `if (!p) abort();` goes through these, and the process
 * stops in one place with one message ("hao: out of memory") instead of
 * eighty. Errors that can be handled (a file that will not open, a body
 * over its cap) are still returned, never routed through here.
 *
 * Same contracts as the libc functions they wrap, except that they never
 * return NULL; the caller owns (and free()s) what they return. xmalloc(0)
 * and xcalloc(0, n) give a unique pointer, never NULL. Thread-safe.
 *
 * Memory from a request's pool (rq_alloc, http/http.h) is a different
 * thing: it dies with the request and is never freed by hand.
 */
#ifndef HAO_ALLOC_H
#define HAO_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* For allocators hao does not own (curl_slist_append, av_packet_alloc, ...):
 * report out of memory and abort. */
_Noreturn void xalloc_failed(void);

#endif
