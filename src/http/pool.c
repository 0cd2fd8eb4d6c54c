/*
 * pool.c — see pool.h.
 *
 * A plain mutex+condvar queue feeds the pool threads; results travel back
 * through h2o's multithread queue of the submitting loop, which wakes that
 * loop. The request may end before the job does (the client hung up): a
 * guard object allocated in the request's memory pool notices the request's
 * disposal and detaches the job, so done() gets r == NULL. Guard and done()
 * both run on the loop thread, so they need no lock between them.
 *
 * Contract, asserted: done() with a request answers it or submits a further
 * job for it (http.h: a request is answered exactly once).
 */
#include "http/pool.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "http/server.h"

struct pool_guard {
    pool_job_t *job;
};

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    h2o_linklist_t queue;
    pthread_t *threads;
    int nthreads;
    int stop;
    atomic_int queued, busy; /* for /metrics (pool_stats) */
} P = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {NULL, NULL}, NULL, 0, 0, 0, 0};

/* Each pool thread's own connection (pool_db), owned by that thread. */
static _Thread_local db_t *thread_db;

db_t *pool_db(void)
{
    if (!thread_db) {
        buf_t err = BUF_INIT;
        if (db_open(server_state.data_dir, 0, &thread_db, &err) < 0) {
            fprintf(stderr, "hao: pool: %s\n", buf_cstr(&err));
            thread_db = NULL;
        }
        buf_free(&err);
    }
    return thread_db;
}

static void *worker_main(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&P.mu);
        while (!P.stop && h2o_linklist_is_empty(&P.queue))
            pthread_cond_wait(&P.cv, &P.mu);
        if (h2o_linklist_is_empty(&P.queue)) { /* stopping and drained */
            pthread_mutex_unlock(&P.mu);
            if (thread_db)
                db_close(thread_db);
            thread_db = NULL;
            return NULL;
        }
        pool_job_t *job = H2O_STRUCT_FROM_MEMBER(pool_job_t, msg.link, P.queue.next);
        h2o_linklist_unlink(&job->msg.link);
        atomic_fetch_sub_explicit(&P.queued, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&P.busy, 1, memory_order_relaxed);
        pthread_mutex_unlock(&P.mu);
        job->work(job);
        atomic_fetch_sub_explicit(&P.busy, 1, memory_order_relaxed);
        h2o_multithread_send_message(&job->loop->pool_receiver, &job->msg);
    }
}

int pool_start(int threads)
{
    h2o_linklist_init_anchor(&P.queue);
    P.threads = xcalloc((size_t)threads, sizeof(pthread_t));
    P.nthreads = threads;
    for (int i = 0; i < threads; i++)
        if (pthread_create(&P.threads[i], NULL, worker_main, NULL) != 0)
            return -1;
    return 0;
}

void pool_stop(void)
{
    pthread_mutex_lock(&P.mu);
    P.stop = 1;
    pthread_cond_broadcast(&P.cv);
    pthread_mutex_unlock(&P.mu);
    for (int i = 0; i < P.nthreads; i++)
        pthread_join(P.threads[i], NULL);
    free(P.threads);
    P.threads = NULL;
}

static void on_guard_dispose(void *p)
{
    struct pool_guard *g = p;
    if (g->job) {
        g->job->r = NULL;
        g->job->guard = NULL;
    }
}

static void on_done(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    loop_ctx_t *lc = H2O_STRUCT_FROM_MEMBER(loop_ctx_t, pool_receiver, receiver);
    while (!h2o_linklist_is_empty(messages)) {
        pool_job_t *job = H2O_STRUCT_FROM_MEMBER(pool_job_t, msg.link, messages->next);
        h2o_linklist_unlink(&job->msg.link);
        if (job->guard)
            job->guard->job = NULL;
        lc->pool_pending--;
        hreq_t *r = job->r;
        unsigned long before = lc->answers + lc->deferrals;
        job->done(job, r);
        /* Only lc is read afterwards: r may be gone once it is answered. */
        assert(!r || lc->answers + lc->deferrals != before); /* done() left its request unanswered */
        free(job);
    }
}

void pool_register_loop(loop_ctx_t *lc)
{
    h2o_multithread_register_receiver(lc->queue, &lc->pool_receiver, on_done);
}

void pool_submit(hreq_t *r, pool_job_t *job)
{
    job->r = r;
    job->loop = r->loop;
    job->msg.link.next = job->msg.link.prev = NULL;
    struct pool_guard *g = h2o_mem_alloc_shared(&r->h->pool, sizeof(*g), on_guard_dispose);
    g->job = job;
    job->guard = g;
    r->loop->pool_pending++;
    r->loop->deferrals++;
    pthread_mutex_lock(&P.mu);
    h2o_linklist_insert(&P.queue, &job->msg.link);
    atomic_fetch_add_explicit(&P.queued, 1, memory_order_relaxed);
    pthread_cond_signal(&P.cv);
    pthread_mutex_unlock(&P.mu);
}

int pool_pending(loop_ctx_t *lc)
{
    return lc->pool_pending;
}

void pool_stats(int *queued, int *busy, int *threads)
{
    *queued = atomic_load_explicit(&P.queued, memory_order_relaxed);
    *busy = atomic_load_explicit(&P.busy, memory_order_relaxed);
    *threads = P.nthreads;
}
