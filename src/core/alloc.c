/*
 * alloc.c — see alloc.h.
 *
 * Also linked into the media plugin (build/media-plugin.so), whose copy is
 * hidden inside it (-fvisibility=hidden) and so never clashes with hao's.
 */
#include "core/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void xalloc_failed(void)
{
    fputs("hao: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        xalloc_failed();
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count && size ? count : 1, count && size ? size : 1);
    if (!p)
        xalloc_failed();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        xalloc_failed();
    return q;
}

char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        xalloc_failed();
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);
    if (!p)
        xalloc_failed();
    return p;
}
