/*
 * bodymem.c — see bodymem.h.
 *
 * What this relies on in h2o 2.2.5 (lib/common/memory.c, socket.c,
 * http1.c), beyond its headers' promise that a buffer with _fd != -1 is
 * "stored" in that file:
 *  - such a buffer is one MAP_SHARED mapping of the file from offset 0, the
 *    h2o_buffer_t header first, so a byte p of it is at file offset
 *    p - (char *)buffer; h2o_buffer_reserve() grows it by mapping the file
 *    anew and unmapping the old view (no copy), on the socket's loop thread;
 *  - a socket's input buffer is disposed, and then on_close.cb called, in
 *    dispose_socket(); nothing else in h2o sets on_close of a server socket;
 *  - an HTTP/1 request's body stays where it is while the request is being
 *    handled (h2o stops reading until the response is done), which the
 *    upload handlers already rely on to read it from a pool thread.
 * The prototype buffer every idle socket points at has bytes == NULL (and
 * _fd 0): only a buffer with bytes != NULL and _fd != -1 is file-backed.
 */
#include "http/bodymem.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/alloc.h"

/* Bodies smaller than this are not looked up for bodymem_take: the memory
 * is small, and the lookup may scan every connection of the loop. */
#define TAKE_MIN (1u << 20)

typedef struct {
    h2o_linklist_t link; /* in bm->cold or bm->hot */
    h2o_socket_t *sock;
    bodymem_t *bm;
    int hot;
    const h2o_buffer_t *buf; /* the buffer `done` refers to */
    uintptr_t done;          /* buf's pages below this address are released */
    void (*prev_cb)(void *); /* an on_close callback found on the socket, kept */
    void *prev_data;
} watched_t;

struct bodymem {
    h2o_linklist_t cold; /* sockets whose input is not file-backed (most) */
    h2o_linklist_t hot;  /* sockets whose input is file-backed: swept each round */
    size_t ncold;
    uint64_t scanned_ms; /* loop time of the last scan of cold */
};

/* Set by bodymem_create() on the main thread before any loop runs. */
static uintptr_t page = 4096;

static uintptr_t page_floor(uintptr_t a)
{
    return a & ~(page - 1);
}

static int file_backed(const h2o_buffer_t *b)
{
    return b != NULL && b->bytes != NULL && b->_fd != -1; /* NULL: only inside dispose_socket() */
}

bodymem_t *bodymem_create(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    if (ps > 0)
        page = (uintptr_t)ps;
    bodymem_t *bm = xcalloc(1, sizeof *bm);
    h2o_linklist_init_anchor(&bm->cold);
    h2o_linklist_init_anchor(&bm->hot);
    return bm;
}

static void forget(h2o_linklist_t *list)
{
    while (!h2o_linklist_is_empty(list)) {
        watched_t *w = H2O_STRUCT_FROM_MEMBER(watched_t, link, list->next);
        h2o_linklist_unlink(&w->link);
        w->sock->on_close.cb = w->prev_cb;
        w->sock->on_close.data = w->prev_data;
        free(w);
    }
}

void bodymem_destroy(bodymem_t *bm)
{
    if (!bm)
        return;
    forget(&bm->cold);
    forget(&bm->hot);
    free(bm);
}

static void on_close(void *p)
{
    watched_t *w = p;
    h2o_linklist_unlink(&w->link);
    if (!w->hot)
        w->bm->ncold--;
    void (*cb)(void *) = w->prev_cb;
    void *data = w->prev_data;
    free(w);
    if (cb)
        cb(data);
}

void bodymem_watch(bodymem_t *bm, h2o_socket_t *sock)
{
    watched_t *w = xcalloc(1, sizeof *w);
    w->sock = sock;
    w->bm = bm;
    w->prev_cb = sock->on_close.cb;
    w->prev_data = sock->on_close.data;
    sock->on_close.cb = on_close;
    sock->on_close.data = w;
    h2o_linklist_insert(&bm->cold, &w->link);
    bm->ncold++;
}

static void move(watched_t *w, int hot)
{
    h2o_linklist_unlink(&w->link);
    h2o_linklist_insert(hot ? &w->bm->hot : &w->bm->cold, &w->link);
    if (hot)
        w->bm->ncold--;
    else
        w->bm->ncold++;
    w->hot = hot;
    w->buf = NULL;
}

/* Release the pages of w's input buffer that hold received bytes, except
 * the partial page being filled. Loop thread only: sock->input is read
 * afresh, so the range is inside the buffer's current mapping. */
static void release_filled(watched_t *w)
{
    const h2o_buffer_t *b = w->sock->input;
    if (!file_backed(b)) {
        move(w, 0);
        return;
    }
    uintptr_t lo = page_floor((uintptr_t)b->bytes + page - 1), hi = page_floor((uintptr_t)b->bytes + b->size);
    if (b != w->buf || hi < w->done) {
        /* A new or remapped buffer (a fresh mapping has nothing resident
         * but what was written since), or the data moved down. */
        w->buf = b;
        w->done = 0;
    }
    if (lo < w->done)
        lo = w->done;
    if (hi > lo) {
        /* MAP_SHARED file pages: the kernel keeps them (dirty) in the page
         * cache; only this process's mapping of them goes. */
        madvise((void *)lo, hi - lo, MADV_DONTNEED);
        w->done = hi;
    }
}

void bodymem_sweep(bodymem_t *bm, h2o_evloop_t *loop)
{
    /* A socket turns hot when its buffer passes the mmap threshold. The
     * scan for that runs at most once a millisecond, and less often with
     * many connections (a thousand: every 9 ms), so its cost stays bounded;
     * the hot ones (usually none) are released after every round. */
    uint64_t now = h2o_now(loop);
    if (now - bm->scanned_ms >= 1 + bm->ncold / 128) {
        bm->scanned_ms = now;
        for (h2o_linklist_t *n = bm->cold.next, *next; n != &bm->cold; n = next) {
            next = n->next;
            watched_t *w = H2O_STRUCT_FROM_MEMBER(watched_t, link, n);
            if (file_backed(w->sock->input)) {
                /* h2o's mkstemp() leaves the file inheritable: a program
                 * this process starts meanwhile would keep the deleted
                 * file's space for its whole life. */
                fcntl(w->sock->input->_fd, F_SETFD, FD_CLOEXEC);
                move(w, 1);
            }
        }
    }
    for (h2o_linklist_t *n = bm->hot.next, *next; n != &bm->hot; n = next) {
        next = n->next;
        release_filled(H2O_STRUCT_FROM_MEMBER(watched_t, link, n));
    }
}

static watched_t *holder(h2o_linklist_t *list, uintptr_t a, size_t len)
{
    for (h2o_linklist_t *n = list->next; n != list; n = n->next) {
        watched_t *w = H2O_STRUCT_FROM_MEMBER(watched_t, link, n);
        const h2o_buffer_t *b = w->sock->input;
        if (file_backed(b) && a >= (uintptr_t)b->bytes && a + len <= (uintptr_t)b->bytes + b->size)
            return w;
    }
    return NULL;
}

void bodymem_take(bodymem_t *bm, const char *data, size_t len, bodymem_body_t *out)
{
    *out = (bodymem_body_t){.data = data, .len = len};
    if (len < TAKE_MIN)
        return;
    watched_t *w = holder(&bm->hot, (uintptr_t)data, len);
    if (!w)
        w = holder(&bm->cold, (uintptr_t)data, len); /* not swept yet */
    if (!w)
        return;
    const h2o_buffer_t *b = w->sock->input;
    /* A dup, not h2o's descriptor: h2o closes its own when the request is
     * done, possibly before the job has given this back. */
    int fd = fcntl(b->_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return; /* the job reads h2o's buffer in place */
    out->file = 1;
    out->fd = fd;
    out->off = (off_t)((uintptr_t)data - (uintptr_t)b);
}

const char *bodymem_map(bodymem_body_t *b)
{
    if (b->map)
        return b->map + (b->off % (off_t)page);
    if (!b->file || b->len == 0)
        return b->data;
    off_t start = b->off - b->off % (off_t)page;
    size_t lead = (size_t)(b->off - start);
    void *m = mmap(NULL, lead + b->len, PROT_READ, MAP_SHARED, b->fd, start);
    if (m == MAP_FAILED)
        return b->data;
    b->map = m;
    b->maplen = lead + b->len;
    return b->map + lead;
}

void bodymem_release(bodymem_body_t *b, const char *from, const char *to)
{
    if (!b->map)
        return;
    uintptr_t lo = page_floor((uintptr_t)from), hi = page_floor((uintptr_t)to);
    uintptr_t mlo = (uintptr_t)b->map, mhi = mlo + b->maplen;
    if (lo < mlo)
        lo = mlo;
    if (hi > mhi)
        hi = page_floor(mhi);
    /* The job's own read-only mapping: releasing any of it is safe. */
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

void bodymem_close(bodymem_body_t *b)
{
    if (b->map)
        munmap(b->map, b->maplen);
    b->map = NULL;
    if (b->file)
        close(b->fd);
    b->file = 0;
}
