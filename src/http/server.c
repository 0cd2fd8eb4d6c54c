/*
 * server.c — `hao serve`: listening sockets, one event loop per core,
 * signals and graceful shutdown.
 *
 * Start-up happens on the main thread, where failures are reported plainly:
 * every listening socket bound, the database opened and migrated, then the
 * application's own start-up (server_app_t.init: settings, media, indexes).
 * Then the loop threads start, each creating its own h2o loop and context
 * (h2o's per-thread memory: init_loop_h2o), and the main thread waits in
 * sigwait(). On
 * SIGTERM/SIGINT it sets server_state.stopping; each loop closes its
 * listener, asks h2o to stop keeping connections alive, lets in-flight
 * requests finish (at most SHUTDOWN_GRACE_MS), flushes its view counters and
 * access log, and closes its database connection; then the application
 * stops (server_app_t.stop).
 *
 * This file names no module of site/: what the application is, it learns
 * from the server_app_t passed to server_run() (layering: server.h).
 */
#include "http/server.h"

#include <assert.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/changed.h"
#include "core/conf.h"
#include "http/bodymem.h"
#include "http/cache.h"
#include "http/peer.h"
#include "http/pool.h"
#include "http/privdrop.h"
#include "http/router.h"
#include "http/views.h"

#define SHUTDOWN_GRACE_MS 10000
#define TICK_MS 1000

server_state_t server_state;
static h2o_globalconf_t globalconf;
/* The application's table and hooks (server_run's argument). */
static const server_app_t *app;

/* h2o calls this for every request on every host/path: the router takes it. */
static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    loop_ctx_t *lc = H2O_STRUCT_FROM_MEMBER(loop_ctx_t, ctx, req->conn->ctx);
    router_dispatch(lc, req);
    return 0;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    if (err)
        return;
    loop_ctx_t *lc = listener->data;
    h2o_socket_t *sock;
    /* Accept a batch: the listener is level-triggered, but draining here
     * saves wakeups under load. */
    for (int i = 0; i < 16 && (sock = h2o_evloop_socket_accept(listener)) != NULL; i++) {
        bodymem_watch(lc->bodymem, sock);
        h2o_accept(&lc->accept_ctx, sock);
    }
}

static void on_tick(h2o_timeout_entry_t *entry)
{
    loop_ctx_t *lc = H2O_STRUCT_FROM_MEMBER(loop_ctx_t, tick, entry);
    views_flush(lc);
    router_log_flush(lc);
    /* The application's scheduled jobs (delayed restores, retention
     * purges): one loop, once a minute. */
    if (lc->index == 0 && ++lc->ticks % 60 == 0 && app->minute)
        app->minute(lc->db);
    h2o_timeout_link(lc->loop, &lc->tick_timeout, &lc->tick);
}

/* Parse HOST:PORT (HOST may be [v6]) and bind a listening socket. */
static int bind_listener(const char *listen_spec, int probe, int *out_fd)
{
    char host[256];
    const char *colon = strrchr(listen_spec, ':');
    if (!colon || colon == listen_spec || strlen(colon + 1) == 0) {
        fprintf(stderr, "hao: --listen wants HOST:PORT, got \"%s\"\n", listen_spec);
        return -1;
    }
    size_t hl = (size_t)(colon - listen_spec);
    if (hl >= sizeof host) {
        fprintf(stderr, "hao: --listen host is too long\n");
        return -1;
    }
    memcpy(host, listen_spec, hl);
    host[hl] = 0;
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = 0;
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535) {
        fprintf(stderr, "hao: --listen port must be 1-65535, got \"%s\"\n", colon + 1);
        return -1;
    }
    struct addrinfo hints = {0}, *ai;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    int rc = getaddrinfo(host, colon + 1, &hints, &ai);
    if (rc != 0) {
        fprintf(stderr, "hao: --listen host must be a numeric address (%s): %s\n", host, gai_strerror(rc));
        return -1;
    }
    int one = 1;
    if (probe) {
        /* SO_REUSEPORT would let a second hao (or anything else of the same
         * user) silently share the port; bind once without it to find out. */
        int pfd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        setsockopt(pfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (pfd < 0 || bind(pfd, ai->ai_addr, ai->ai_addrlen) < 0) {
            fprintf(stderr, "hao: cannot listen on %s: %s\n", listen_spec, strerror(errno));
            if (pfd >= 0)
                close(pfd);
            freeaddrinfo(ai);
            return -1;
        }
        close(pfd);
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0) {
        fprintf(stderr, "hao: cannot listen on %s: %s\n", listen_spec, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    *out_fd = fd;
    return 0;
}

/* The h2o half of a loop's set-up, on the loop's own thread. h2o 2.2.5
 * keeps per-thread state in __thread variables: a socket's input buffer
 * takes its memory from, and gives it back to, the recycle list of the
 * thread that created the socket (h2o_socket_buffer_prototype). The
 * eventfd sockets of h2o_multithread_create_queue() and
 * h2o_context_init() created on the main thread made every loop thread
 * allocate and free through the main thread's list, unlocked: under load
 * two loops took the same 8 KB block, and glibc's heap was corrupted
 * (the soak's SIGSEGV in unlink_chunk). So everything of h2o that belongs
 * to a loop is created here; tests/http/loop-threads.test.mjs checks it. */
static void init_loop_h2o(loop_ctx_t *lc)
{
    lc->loop = h2o_evloop_create();
    h2o_context_init(&lc->ctx, lc->loop, &globalconf);
    lc->accept_ctx.ctx = &lc->ctx;
    lc->accept_ctx.hosts = globalconf.hosts;
    lc->queue = h2o_multithread_create_queue(lc->loop);
    pool_register_loop(lc);
    h2o_timeout_init(lc->loop, &lc->tick_timeout, TICK_MS);
    lc->tick.cb = on_tick;
    h2o_timeout_link(lc->loop, &lc->tick_timeout, &lc->tick);
}

static void *loop_main(void *arg)
{
    loop_ctx_t *lc = arg;
    init_loop_h2o(lc);
    h2o_socket_t *sock = h2o_evloop_socket_create(lc->loop, lc->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
    sock->data = lc;
    lc->listener = sock;
    h2o_socket_read_start(sock, on_accept);

    /* After each round: the pages of large bodies received meanwhile leave
     * this process's memory (bodymem.h). */
    while (!atomic_load(&server_state.stopping)) {
        h2o_evloop_run(lc->loop, 100);
        bodymem_sweep(lc->bodymem, lc->loop);
        /* A loop under load never sleeps in epoll_wait, so the scheduler
         * would only take the CPU from it at the end of a full time slice,
         * stalling all of its connections for milliseconds while the other
         * threads sharing the core (pool, another loop, other processes)
         * run. Offering the CPU after each batch of events interleaves them
         * instead: on 2 cores shared with the load generator, p99 went from
         * 8 ms to 1-3 ms at the same throughput. With nothing else
         * runnable it returns at once. */
        sched_yield();
    }

    /* Graceful shutdown: no new connections, no more keep-alive, let the
     * requests already in progress finish. */
    h2o_socket_read_stop(lc->listener);
    h2o_socket_close(lc->listener);
    lc->listener = NULL;
    h2o_context_request_shutdown(&lc->ctx);
    uint64_t deadline = now_ns() + (uint64_t)SHUTDOWN_GRACE_MS * 1000000u;
    while (router_inflight(lc) > 0 && now_ns() < deadline) {
        h2o_evloop_run(lc->loop, 50);
        bodymem_sweep(lc->bodymem, lc->loop);
    }
    views_flush(lc);
    router_log_flush(lc);
    return NULL;
}

static int init_loop(loop_ctx_t *lc, int index, int fd, buf_t *err)
{
    assert(index >= 0 && index < HAO_MAX_LOOPS);
    lc->index = index;
    lc->listen_fd = fd;
    if (db_open(server_state.data_dir, 0, &lc->db, err) < 0)
        return -1;
    db_defer_checkpoints(lc->db); /* the view writer checkpoints (db.h) */
    lc->cache = cache_create();
    lc->views = views_create();
    lc->bodymem = bodymem_create();
    buf_init(&lc->log, 1 << 20);
    return 0; /* the rest on the loop's thread: init_loop_h2o() */
}

static void dispose_loop(loop_ctx_t *lc)
{
    if (lc->tick._link.next && h2o_timeout_is_linked(&lc->tick))
        h2o_timeout_unlink(&lc->tick);
    /* The h2o context and loop are not disposed: h2o 2.2.5 asserts when a
     * context is disposed with connections still linked (idle keep-alive
     * clients), and the process is about to exit anyway. */
    cache_destroy(lc->cache);
    views_destroy(lc->views);
    bodymem_destroy(lc->bodymem);
    buf_free(&lc->log);
    db_close(lc->db);
}

int server_run(const server_opts_t *opts, const server_app_t *a)
{
    assert(a->routes && a->init && a->start && a->stop && a->identify && a->error_page && a->upload_max);
    app = a;
    router_use(a);
    /* A change committed on this node is announced to the other nodes on
     * the same PostgreSQL, if any (db_watch_signal does nothing until the
     * watcher runs, and nothing on SQLite), with the work id of a change
     * to one work; theirs bump this node's generation, or only that work's
     * (changed_heard, below). Set before any thread starts. */
    changed_set_notifier(db_watch_signal);
    buf_t err = BUF_INIT;
    server_state.data_dir = opts->data_dir;

    /* hao.conf's proxies first (it was read already), then bind: a bad
     * --listen or a busy port is reported before the data directory is
     * touched. */
    if (peer_trust(conf_get("trusted_proxies"), &err) < 0) {
        fprintf(stderr, "hao: %s/hao.conf: %s\n", opts->data_dir, buf_cstr(&err));
        buf_free(&err);
        return 1;
    }
    const char *alog = conf_get("access_log");
    if (alog && strcmp(alog, "json") && strcmp(alog, "text")) {
        fprintf(stderr, "hao: %s/hao.conf: access_log must be text or json\n", opts->data_dir);
        return 1;
    }
    router_log_format(alog && !strcmp(alog, "json"));
    int nthreads = opts->threads > 0 ? opts->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nthreads < 1)
        nthreads = 1;
    if (nthreads > HAO_MAX_LOOPS)
        nthreads = HAO_MAX_LOOPS;
    int *fds = xcalloc((size_t)nthreads, sizeof(int));
    for (int i = 0; i < nthreads; i++) {
        if (bind_listener(opts->listen, i == 0, &fds[i]) < 0) {
            for (int j = 0; j < i; j++)
                close(fds[j]);
            free(fds);
            return 1;
        }
    }

    /* Bound (a port below 1024 needs root): now run as the unprivileged
     * user, before any file is made or thread started (privdrop.h). */
    privdrop_plan_t plan;
    if (privdrop_decide(geteuid(), opts->user, privdrop_lookup_passwd, &plan, &err) < 0 ||
        privdrop_apply(&plan, &err) < 0) {
        fprintf(stderr, "hao: %s\n", buf_cstr(&err));
        buf_free(&err);
        for (int i = 0; i < nthreads; i++)
            close(fds[i]);
        free(fds);
        return 1;
    }
    if (plan.warn)
        fprintf(stderr, "hao: %s\n", plan.warn);

    /* Open and migrate on the main thread, so a bad data directory or a
     * failed migration is reported before any request is served. */
    db_t *db;
    if (db_open(opts->data_dir, 1, &db, &err) < 0) {
        fprintf(stderr, "hao: %s\n", buf_cstr(&err));
        buf_free(&err);
        for (int i = 0; i < nthreads; i++)
            close(fds[i]);
        free(fds);
        return 1;
    }
    if (app->init(db, opts->data_dir, &err) < 0) {
        fprintf(stderr, "hao: %s\n", buf_cstr(&err));
        db_close(db);
        buf_free(&err);
        for (int i = 0; i < nthreads; i++)
            close(fds[i]);
        free(fds);
        return 1;
    }

    h2o_config_init(&globalconf);
    globalconf.server_name = h2o_iovec_init(H2O_STRLIT("hao"));
    /* Each route checks its own body limit and answers 413 in its own
     * format once the body is in. h2o's cap sits at twice the largest route
     * limit: a body a little over a limit is read whole, so the client (which
     * is still sending) gets a clean 413 rather than a reset connection; a
     * body far over it is cut off by h2o, so memory stays bounded. */
    globalconf.max_request_entity_size = 2 * router_max_body();
    /* Uploads have their own, larger limit; past it plus an eighth (room
     * for the multipart framing and a clean 413 from the route) h2o refuses
     * the body itself. Large bodies spill to a file (the application's
     * upload handling). */
    size_t up = app->upload_max() + app->upload_max() / 8;
    if (up > globalconf.max_request_entity_size)
        globalconf.max_request_entity_size = up;
    /* No HTTP/2 over cleartext: handlers on the worker pool (uploads) read
     * the request body, which h2o keeps alive for an HTTP/1 request until it
     * is answered, but frees when an HTTP/2 stream is reset. */
    globalconf.http1.upgrade_to_http2 = 0;
    globalconf.http1.req_timeout = 15000; /* slow clients: 15 s to send a request */
    h2o_hostconf_t *hc = h2o_config_register_host(&globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *pc = h2o_config_register_path(hc, "/", 0);
    h2o_handler_t *h = h2o_create_handler(pc, sizeof(*h));
    h->on_req = on_req;

    /* Signals go to sigwait() on this thread only. SIGPIPE is ignored: a
     * client that hangs up must not kill the server. */
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    if (db_watch_start(changed_heard, &err) < 0) {
        fprintf(stderr, "hao: %s\n", buf_cstr(&err));
        return 1;
    }
    if (app->start(opts->data_dir, &err) < 0) {
        fprintf(stderr, "hao: %s\n", buf_cstr(&err));
        return 1;
    }
    if (views_writer_start(opts->data_dir, &err) < 0) {
        fprintf(stderr, "hao: %s\n", buf_cstr(&err));
        return 1;
    }
    if (pool_start(2) < 0) {
        fprintf(stderr, "hao: cannot start the worker pool\n");
        return 1;
    }
    loop_ctx_t *loops = xcalloc((size_t)nthreads, sizeof(loop_ctx_t));
    for (int i = 0; i < nthreads; i++) {
        if (init_loop(&loops[i], i, fds[i], &err) < 0) {
            fprintf(stderr, "hao: %s\n", buf_cstr(&err));
            return 1;
        }
    }
    /* Announce before the loops answer: whoever sees /healthz succeed has
     * already been told the setup link (stdout may be a pipe, so flush). */
    printf("hao: serving http://%s/ with data in %s, database %s (%d loop threads)\n", opts->listen, opts->data_dir,
           db_path(db), nthreads);
    if (app->ready)
        app->ready(db, opts->listen);
    fflush(stdout);
    for (int i = 0; i < nthreads; i++)
        pthread_create(&loops[i].thread, NULL, loop_main, &loops[i]);

    int sig = 0;
    sigwait(&set, &sig);
    printf("hao: %s received, finishing requests in progress\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    fflush(stdout);
    atomic_store(&server_state.stopping, 1);
    for (int i = 0; i < nthreads; i++)
        pthread_join(loops[i].thread, NULL);
    pool_stop();
    app->stop(); /* after the loops and the pool: no request uses the application */
    views_writer_stop(); /* after the loops: their last counts are in */
    db_watch_stop();
    for (int i = 0; i < nthreads; i++)
        dispose_loop(&loops[i]);
    db_close(db);
    printf("hao: stopped cleanly\n");
    fflush(stdout);
    free(loops);
    free(fds);
    buf_free(&err);
    return 0;
}
