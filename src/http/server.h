/*
 * server.h — the event loops and what each of them owns.
 *
 * `hao serve` starts one loop thread per core. Each loop has its own
 * listening socket on the same address (SO_REUSEPORT: the kernel spreads
 * connections), its own h2o context, its own database connection, its own
 * page cache and view counters, and a message queue through which worker-pool
 * jobs hand results back. Nothing in a loop_ctx_t is touched by another loop
 * thread; the only shared mutable state is the atomics in server_state and
 * the content generation (core/changed.h).
 */
#ifndef HAO_SERVER_H
#define HAO_SERVER_H

#include <pthread.h>
#include <stdatomic.h>

#include "http/http.h"

typedef struct page_cache page_cache_t;
typedef struct view_counter view_counter_t;
typedef struct bodymem bodymem_t;

struct loop_ctx {
    int index;
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
    uint64_t site_gen; /* content generation at this loop's last site_refresh() (PostgreSQL) */
    unsigned ticks; /* ticks since start (minute jobs on loop 0) */
};

typedef struct {
    const char *data_dir;
    const char *listen;  /* HOST:PORT */
    int threads;
    size_t upload_max;   /* bytes; 0 = the default (media.h) */
} server_opts_t;

/* Shared, read-mostly state; set before the loops start. */
typedef struct {
    const char *data_dir;
    char site_name[128];
    unsigned char secret[32];          /* HMAC key for CSRF tokens; from the settings table */
    atomic_int stopping;
} server_state_t;

extern server_state_t server_state;

/* Run the server until SIGTERM/SIGINT. Returns the process exit code. */
int server_run(const server_opts_t *opts);

#endif
