/*
 * server.h — the event loops, what each of them owns, and what the
 * application registers with them at start.
 *
 * `hao serve` starts one loop thread per core (at most HAO_MAX_LOOPS). Each
 * loop has its own listening socket on the same address (SO_REUSEPORT: the
 * kernel spreads connections), its own h2o context, its own database
 * connection, its own page cache and view counters, and a message queue
 * through which worker-pool jobs hand results back. Nothing in a loop_ctx_t
 * is touched by another loop thread; the only shared mutable state is the
 * atomics in server_state and the content generation (core/changed.h).
 *
 * Layering: core <- db <- search/media/provenance <- http <- site <- main.
 * Nothing in http/ includes a header of site/ or calls a function of it.
 * The application reaches the server only through the server_app_t it
 * passes to server_run(): its route table and a few hooks, the way an h2o
 * handler registers itself on a path and the core never names it.
 * scripts/check-layers.sh fails on an #include that breaks the rule.
 */
#ifndef HAO_SERVER_H
#define HAO_SERVER_H

#include <pthread.h>
#include <stdatomic.h>

#include "http/http.h"

/* The most loop threads a server runs (--threads is checked against it). */
#define HAO_MAX_LOOPS 64

typedef struct page_cache page_cache_t;
typedef struct view_counter view_counter_t;
typedef struct bodymem bodymem_t;

struct loop_ctx {
    int index;      /* 0 .. HAO_MAX_LOOPS-1 */
    pthread_t thread;
    h2o_evloop_t *loop;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    h2o_socket_t *listener;
    int listen_fd;
    db_t *db;
    h2o_multithread_queue_t *queue;
    h2o_multithread_receiver_t pool_receiver; /* worker-pool completions */
    page_cache_t *cache;
    view_counter_t *views;
    bodymem_t *bodymem; /* large request bodies' pages (bodymem.h) */
    h2o_timeout_t tick_timeout;
    h2o_timeout_entry_t tick;
    buf_t log;      /* access-log lines, flushed on each tick or when large */
    uint64_t site_gen; /* content generation at this loop's last refresh hook call (PostgreSQL) */
    unsigned ticks; /* ticks since start (minute hook on loop 0) */
    int inflight;   /* requests received and not yet answered (router.c) */
    int pool_pending; /* worker-pool jobs submitted and not yet done (pool.c) */
    /* Answers sent and jobs submitted, ever: the router compares them
     * around a handler to check that it answered or handed the request to
     * the pool (http.h: a handler answers exactly once). */
    unsigned long answers, deferrals;
};

/* What the application registers with the server (site/app.c fills it).
 * The server calls the start-up phases in this order on the main thread,
 * and the request hooks on loop threads. All members are required except
 * where marked optional. */
typedef struct {
    /* The route table, matched in order (router.h). */
    const route_t *routes;
    size_t nroutes;

    /* After the database is opened and migrated, before anything is served
     * and before signals are blocked: load settings, start what needs no
     * thread, fill indexes (may print). 0, or -1 with a sentence in err
     * (the server then exits 1). */
    int (*init)(db_t *db, const char *data_dir, buf_t *err);
    /* After signals are blocked, so threads started here inherit the mask
     * (SIGTERM reaches only the main thread). 0, or -1 with err. */
    int (*start)(const char *data_dir, buf_t *err);
    /* After the "serving" line, before the loops answer: announcements and
     * the work that fell due while the server was down (optional). */
    void (*ready)(db_t *db, const char *listen);
    /* After the loops and the worker pool have stopped: stop the threads
     * start() started, free what init() loaded. */
    void (*stop)(void);

    /* Who is asking: fill r->user from the request's credentials. 0, or -1
     * when a credential was presented and is bad (the router answers 401). */
    int (*identify)(hreq_t *r);
    /* The HTML body of an error page for a non-API route, into out. */
    void (*error_page)(hreq_t *r, int status, const char *message, buf_t *out);
    /* Several nodes (PostgreSQL): called on a loop when the content
     * generation moved since its last call, to re-read settings another
     * node may have changed (optional). */
    void (*refresh)(db_t *db);
    /* The body limit of RT_UPLOAD routes, bytes (valid after init()). */
    size_t (*upload_max)(void);
    /* Once a minute, on loop 0, with its connection: scheduled jobs
     * (optional). */
    void (*minute)(db_t *db);
    /* A GET or HEAD no route matched (not under /api/), before the 404:
     * return 1 after answering it (e.g. a permanent redirect from an
     * imported work's former path), 0 to let the 404 go out (optional). */
    int (*not_found)(hreq_t *r, const char *path, size_t plen);
} server_app_t;

typedef struct {
    const char *data_dir;
    const char *listen;  /* HOST:PORT */
    int threads;         /* 1..HAO_MAX_LOOPS; 0 = one per core (capped) */
    const char *user;    /* --user (http/privdrop.h), or NULL */
} server_opts_t;

/* Shared, read-mostly state; set before the loops start. */
typedef struct {
    const char *data_dir;
    char site_name[128];
    unsigned char secret[32];          /* HMAC key for CSRF tokens; from the settings table */
    atomic_int stopping;
} server_state_t;

extern server_state_t server_state;

/* Run the server for app until SIGTERM/SIGINT. Returns the process exit
 * code. app must outlive the call. */
int server_run(const server_opts_t *opts, const server_app_t *app);

#endif
