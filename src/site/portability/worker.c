/*
 * worker.c — see worker.h. Owned by site/portability; its own thread.
 */
#include "site/portability/worker.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/changed.h"
#include "db/db.h"
#include "http/http.h"
#include "site/portability/export.h"
#include "site/portability/importer.h"

static struct {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    int stop, started, kicked;
    db_t *db;
    char data_dir[4096];
    char dir[4200];
} W = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

const char *port_dir(void)
{
    return W.dir;
}

void port_worker_wake(void)
{
    pthread_mutex_lock(&W.mu);
    W.kicked = 1;
    pthread_cond_signal(&W.wake);
    pthread_mutex_unlock(&W.mu);
}

typedef struct {
    int64_t id;
    time_t last;
} prog_t;

static void progress(void *ctx, int done, int total)
{
    prog_t *p = ctx;
    time_t now = time(NULL);
    if (now == p->last && done != total)
        return; /* at most once a second */
    p->last = now;
    db_stmt_t *st = db_prepare(W.db, "UPDATE port_jobs SET done = :d, total = :t WHERE id = :id");
    db_bind_int(st, ":d", done);
    db_bind_int(st, ":t", total);
    db_bind_int(st, ":id", p->id);
    db_step(st);
    db_done(st);
}

static void finish(int64_t id, int ok, const char *file, const char *report, int64_t expires)
{
    db_stmt_t *st = db_prepare(W.db, "UPDATE port_jobs SET status = :s, file = :f, report = :r, finished_at = :t, "
                                     "expires_at = :e WHERE id = :id");
    db_bind_text(st, ":s", ok ? "done" : "failed");
    db_bind_text(st, ":f", file);
    db_bind_text(st, ":r", report);
    db_bind_int(st, ":t", now_s());
    db_bind_id(st, ":e", expires);
    db_bind_int(st, ":id", id);
    db_step(st);
    db_done(st);
}

static void run_one(int64_t id, const char *kind, const char *handle, const char *options, const char *file)
{
    prog_t p = {id, 0};
    buf_t report = BUF_INIT;
    if (strcmp(kind, "export") == 0) {
        char out[4400];
        unsigned char rnd[8];
        char hex[17];
        randombytes_buf(rnd, sizeof rnd);
        sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
        snprintf(out, sizeof out, "%s/export-%lld-%s.tar.gz", W.dir, (long long)id, hex);
        export_opts_t o = {handle, strstr(options, "revisions") != NULL, progress, &p};
        buf_t err = BUF_INIT;
        int rc = export_write(W.db, &o, out, &report, &err);
        if (rc < 0)
            finish(id, 0, "", buf_cstr(&err), 0);
        else
            finish(id, 1, out, buf_cstr(&report), now_s() + PORT_LINK_SECONDS);
        buf_free(&err);
    } else {
        port_opts_t o = {0};
        o.data_dir = W.data_dir;
        o.file = file;
        o.author = handle;
        o.pages = strstr(options, "pages") != NULL;
        o.fetch = 1; /* pictures not in the upload: by URL, on this thread (fetch.h) */
        o.progress = progress;
        o.ctx = &p;
        port_result_t res;
        int rc = port_run(W.db, &o, &res, &report);
        if (rc == 0)
            buf_printf(&report, "%d works created, %d already here, %d media, %d comments, %d collections\n",
                       res.created, res.skipped, res.media, res.comments, res.collections);
        finish(id, rc == 0, "", buf_cstr(&report), 0);
        unlink(file); /* the upload is not kept once it ran */
        if (res.created)
            changed_signal();
    }
    buf_free(&report);
}

/* Expired exports: their files go, their links stop working. */
static void sweep(void)
{
    db_stmt_t *st = db_prepare(W.db, "SELECT id, file FROM port_jobs WHERE kind = 'export' AND file <> '' "
                                     "AND expires_at IS NOT NULL AND expires_at < :now");
    db_bind_int(st, ":now", now_s());
    int64_t ids[64];
    int n = 0;
    while (n < 64 && db_step(st) == DB_ROW) {
        ids[n++] = db_col_int(st, 0);
        unlink(db_col_text(st, 1));
    }
    db_done(st);
    for (int i = 0; i < n; i++) {
        st = db_prepare(W.db, "UPDATE port_jobs SET file = '' WHERE id = :id");
        db_bind_int(st, ":id", ids[i]);
        db_step(st);
        db_done(st);
    }
}

static void *worker_main(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&W.mu);
        if (!W.stop && !W.kicked) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 5;
            pthread_cond_timedwait(&W.wake, &W.mu, &ts);
        }
        int stop = W.stop;
        W.kicked = 0;
        pthread_mutex_unlock(&W.mu);
        if (stop)
            break;
        sweep();
        for (;;) {
            db_stmt_t *st = db_prepare(W.db, "SELECT j.id, j.kind, u.handle, j.options, j.file FROM port_jobs j "
                                             "JOIN users u ON u.id = j.user_id WHERE j.status = 'queued' "
                                             "ORDER BY j.id LIMIT 1");
            int64_t id = 0;
            char kind[16] = "", handle[40] = "", options[64] = "", file[4400] = "";
            if (db_step(st) == DB_ROW) {
                id = db_col_int(st, 0);
                snprintf(kind, sizeof kind, "%s", db_col_text(st, 1));
                snprintf(handle, sizeof handle, "%s", db_col_text(st, 2));
                snprintf(options, sizeof options, "%s", db_col_text(st, 3));
                snprintf(file, sizeof file, "%s", db_col_text(st, 4));
            }
            db_done(st);
            if (!id)
                break;
            st = db_prepare(W.db, "UPDATE port_jobs SET status = 'running' WHERE id = :id AND status = 'queued'");
            db_bind_int(st, ":id", id);
            int ok = db_step(st) == DB_DONE && db_changes(W.db) == 1;
            db_done(st);
            if (ok)
                run_one(id, kind, handle, options, file);
            pthread_mutex_lock(&W.mu);
            stop = W.stop;
            pthread_mutex_unlock(&W.mu);
            if (stop)
                break; /* a running job left as is is queued again at the next start */
        }
    }
    return NULL;
}

int port_worker_start(const char *data_dir, buf_t *err)
{
    snprintf(W.data_dir, sizeof W.data_dir, "%s", data_dir);
    snprintf(W.dir, sizeof W.dir, "%s/portability", data_dir);
    if (mkdir(W.dir, 0750) < 0 && errno != EEXIST) {
        buf_printf(err, "cannot create %s: %s", W.dir, strerror(errno));
        return -1;
    }
    if (db_open(data_dir, 0, &W.db, err) < 0)
        return -1;
    /* Interrupted by a stop or a crash: run again. */
    db_exec(W.db, "UPDATE port_jobs SET status = 'queued' WHERE status = 'running'");
    W.stop = 0;
    W.kicked = 1;
    if (pthread_create(&W.thread, NULL, worker_main, NULL) != 0) {
        buf_lit(err, "cannot start the portability thread");
        db_close(W.db);
        return -1;
    }
    W.started = 1;
    return 0;
}

void port_worker_stop(void)
{
    if (!W.started)
        return;
    pthread_mutex_lock(&W.mu);
    W.stop = 1;
    pthread_cond_signal(&W.wake);
    pthread_mutex_unlock(&W.mu);
    pthread_join(W.thread, NULL);
    db_close(W.db);
    W.started = 0;
}
