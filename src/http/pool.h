/*
 * pool.h — the worker pool: where slow work runs, never on a loop thread.
 *
 * argon2id hashing (tens of milliseconds by design), and later image and
 * video processing and large file I/O, run here. A handler embeds pool_job_t
 * as the FIRST member of its own malloc'ed job struct, fills work and done,
 * and calls pool_submit(). work() runs on a pool thread and must not touch
 * the request, the loop or its database connection. done() then runs on the
 * loop thread that submitted, with the request, or with r == NULL when the
 * client went away meanwhile (then it must only clean up). done() given a
 * request answers it, or submits a further job for it (asserted: http.h's
 * answer-once contract). The pool frees the job with free() after done()
 * returns.
 */
#ifndef HAO_POOL_H
#define HAO_POOL_H

#include "http/http.h"

typedef struct pool_job pool_job_t;
struct pool_guard;

struct pool_job {
    h2o_multithread_message_t msg; /* h2o's cross-thread message link */
    void (*work)(pool_job_t *job);
    void (*done)(pool_job_t *job, hreq_t *r);
    hreq_t *r;
    struct pool_guard *guard;
    loop_ctx_t *loop;
};

int pool_start(int threads);
void pool_stop(void);
/* Set up a loop's receiver for completions (server.c calls it per loop). */
void pool_register_loop(loop_ctx_t *lc);
/* Queue job for request r; r's handler returns without answering. */
void pool_submit(hreq_t *r, pool_job_t *job);
/* Jobs submitted and not yet done on this loop (graceful shutdown waits). */
int pool_pending(loop_ctx_t *lc);
/* Any thread, for /metrics: jobs waiting, threads busy, threads. */
void pool_stats(int *queued, int *busy, int *threads);
/* For work() only: the calling pool thread's own database connection
 * (opened on first use, closed when the pool stops), or NULL when it cannot
 * be opened. Reads in a job use it, never a loop's connection. */
db_t *pool_db(void);

#endif
