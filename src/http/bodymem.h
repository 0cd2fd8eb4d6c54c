/*
 * bodymem.h — keeps a large request body out of the server's resident
 * memory, although h2o holds it whole.
 *
 * h2o 2.2.5 reads a request body completely into the connection's input
 * buffer (sock->input) before a handler runs. Past
 * h2o_socket_buffer_mmap_settings.threshold (media_init sets it) that buffer
 * is an unlinked temp file mapped MAP_SHARED (h2o_buffer_t._fd is its
 * descriptor). The bytes then live in the page cache, but every page h2o has
 * written stays mapped in this process, so a 500 MB upload made the server's
 * RSS 500 MB. This module owns two remedies:
 *
 *  - While a body arrives (loop thread): each loop knows the sockets it
 *    accepted (bodymem_watch), and after every round of its event loop
 *    (bodymem_sweep) drops the page-table entries of the filled pages of each
 *    file-backed input buffer with madvise(MADV_DONTNEED). On a MAP_SHARED
 *    file mapping that only unmaps: the data stays in the file and reads
 *    back on the next touch. It runs only on the loop thread that owns the
 *    socket, where h2o grows, remaps and unmaps the buffer, so the range is
 *    always the buffer's current mapping; heap buffers (_fd == -1) are never
 *    touched, because there MADV_DONTNEED would zero the data. It also marks
 *    h2o's file close-on-exec (h2o does not), so no program this process
 *    starts holds on to it.
 *
 *  - While a pool job reads the body (bodymem_take on the loop thread, then
 *    bodymem_map / bodymem_release / bodymem_close on the pool thread): the
 *    job gets its own read-only mapping of a dup of h2o's temp file, and
 *    drops pages of that mapping behind it as it reads. Because the mapping
 *    is the job's own, nothing another thread does can unmap or replace it.
 *
 * The memory of a body kept in h2o's heap buffer (below the threshold) is
 * left alone: it is a few MB at most.
 *
 * Threads: bodymem_t and its watch list belong to one loop thread; a
 * bodymem_body_t is filled on that loop thread and then used by the one
 * pool thread running the job.
 */
#ifndef HAO_BODYMEM_H
#define HAO_BODYMEM_H

#include <sys/types.h>

#include "http/http.h"

typedef struct bodymem bodymem_t;

/* A loop's watch list. Created and destroyed by server.c with the loop. */
bodymem_t *bodymem_create(void);
/* At exit, after the loop thread has stopped: forget the sockets still open
 * (they are not closed; their close callback is cleared) and free. */
void bodymem_destroy(bodymem_t *bm);
/* Watch a socket this loop just accepted, until h2o closes it (its
 * on_close callback, which h2o 2.2.5 leaves unused for server sockets). Call
 * before h2o_accept(). */
void bodymem_watch(bodymem_t *bm, h2o_socket_t *sock);
/* After each h2o_evloop_run() round on the owning loop thread: release the
 * filled pages of every file-backed input buffer. Finding which buffers
 * are file-backed scans the watch list at most once per millisecond of loop
 * time, less often the longer it is. */
void bodymem_sweep(bodymem_t *bm, h2o_evloop_t *loop);

/* A request body as a pool job reads it. All zero: no body. */
typedef struct {
    const char *data; /* the body in h2o's buffer (valid while the request is pending) */
    size_t len;
    int file;         /* 1: fd is a dup of h2o's temp file holding the body */
    int fd;
    off_t off;        /* where data starts in that file */
    char *map;        /* the job's own mapping (bodymem_map), or NULL */
    size_t maplen;
} bodymem_body_t;

/* Loop thread, in the handler: describe the body [data, data+len) for a pool
 * job. When it lies in a file-backed input buffer of a socket this loop
 * watches, the file is dup'ed into out->fd (out->file = 1; give it back with
 * bodymem_close); otherwise the job reads data in place. Never fails. */
void bodymem_take(bodymem_t *bm, const char *data, size_t len, bodymem_body_t *out);
/* Pool thread: the body's bytes: the job's own read-only mapping of the
 * file, or (no file, or mmap failed) data itself. */
const char *bodymem_map(bodymem_body_t *b);
/* Pool thread: drop the resident pages of [from, to) (inside what
 * bodymem_map returned; partial pages at the end are kept). The bytes stay
 * readable: a later read faults them back from the file. No-op unless the
 * body is mapped by bodymem_map. */
void bodymem_release(bodymem_body_t *b, const char *from, const char *to);
/* Unmap and close what bodymem_take/bodymem_map set up (any thread, once
 * the job no longer reads the body). Idempotent; a no-op on a zeroed one. */
void bodymem_close(bodymem_body_t *b);

#endif
