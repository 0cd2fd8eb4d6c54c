/*
 * h2o_threads.c — an LD_PRELOAD library for tests/http/loop-threads.test.mjs:
 * it checks that every h2o recycle allocator is used by one thread only.
 *
 * h2o 2.2.5 keeps its free lists of memory (h2o_mem_recycle_t) in __thread
 * variables and takes no lock on them. A socket's input buffer allocates
 * from, and frees to, the list of the thread that created the socket, so a
 * socket made on one thread and read on another (the eventfd of a loop's
 * multithread queue, once made on the main thread) corrupts the heap when
 * two threads touch one list at the same moment: a rare crash under load.
 * This library sees every use, racing or not: it wraps the two exported
 * functions, which libh2o itself calls through its PLT, and records the
 * first thread that used each allocator.
 *
 * Written to the file named by HAO_H2O_THREADS_LOG, one line per event:
 *   cross alloc|free ALLOCATOR owner TID on TID   (and a backtrace)
 *   busy TID        when a thread's 50th call passes (it does real work)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct h2o_mem_recycle h2o_mem_recycle_t;

#define SLOTS 512
#define BUSY 50

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct { const void *allocator; pid_t owner; } owners[SLOTS];
static struct { pid_t tid; unsigned long calls; } threads[SLOTS];
static int nowners, nthreads, ncross;

static void say(const char *line, int len, int with_backtrace)
{
    const char *path = getenv("HAO_H2O_THREADS_LOG");
    if (!path)
        return;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    ssize_t w = write(fd, line, (size_t)len);
    (void)w; /* a test aid: a short write only shortens the log */
    if (with_backtrace) {
        void *bt[32];
        backtrace_symbols_fd(bt, backtrace(bt, 32), fd);
    }
    close(fd);
}

static void note(const void *allocator, const char *what)
{
    pid_t me = (pid_t)syscall(SYS_gettid), owner = me;
    int busy = 0, cross = 0, i;
    pthread_mutex_lock(&mu);
    for (i = 0; i < nowners && owners[i].allocator != allocator; i++)
        ;
    if (i < nowners)
        owner = owners[i].owner;
    else if (nowners < SLOTS)
        owners[nowners++] = (__typeof__(owners[0])){allocator, me};
    if (owner != me && ncross < 20)
        cross = ++ncross;
    for (i = 0; i < nthreads && threads[i].tid != me; i++)
        ;
    if (i == nthreads && nthreads < SLOTS)
        threads[nthreads++].tid = me;
    if (i < nthreads)
        busy = ++threads[i].calls == BUSY;
    pthread_mutex_unlock(&mu);

    char line[160];
    if (cross)
        say(line, snprintf(line, sizeof line, "cross %s %p owner %d on %d\n", what, allocator, (int)owner, (int)me), 1);
    if (busy)
        say(line, snprintf(line, sizeof line, "busy %d\n", (int)me), 0);
}

void *h2o_mem_alloc_recycle(h2o_mem_recycle_t *allocator, size_t size);
void h2o_mem_free_recycle(h2o_mem_recycle_t *allocator, void *p);

void *h2o_mem_alloc_recycle(h2o_mem_recycle_t *allocator, size_t size)
{
    static void *(*next)(h2o_mem_recycle_t *, size_t);
    if (!next)
        next = (void *(*)(h2o_mem_recycle_t *, size_t))dlsym(RTLD_NEXT, "h2o_mem_alloc_recycle");
    note(allocator, "alloc");
    return next(allocator, size);
}

void h2o_mem_free_recycle(h2o_mem_recycle_t *allocator, void *p)
{
    static void (*next)(h2o_mem_recycle_t *, void *);
    if (!next)
        next = (void (*)(h2o_mem_recycle_t *, void *))dlsym(RTLD_NEXT, "h2o_mem_free_recycle");
    note(allocator, "free");
    next(allocator, p);
}
