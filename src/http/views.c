/*
 * views.c — see views.h.
 *
 * Both tables are open-addressing hash tables of work id -> count. The
 * shared one is twice the size of a loop's, so the hand-over of one full
 * loop table always fits unless the writer has fallen behind by a whole
 * table; then the counts that do not fit stay on the loop for the next
 * hand-over rather than being dropped.
 */
#include "http/views.h"

#include <stdio.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "db/db.h"
#include "http/server.h"

#define LOOP_SLOTS 1024
#define SHARED_SLOTS 4096

typedef struct {
    char id[24];
    int64_t n;
} view_slot_t;

struct view_counter {
    view_slot_t slots[LOOP_SLOTS];
    int used;
};

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* Add n to id's slot in a table of cap slots holding *used entries. Returns
 * 0, or -1 when the table is too full to take a new id (kept at most 3/4
 * full so probing stays short). */
static int table_add(view_slot_t *slots, int cap, int *used, const char *id, int64_t n)
{
    size_t len = strlen(id);
    size_t i = fnv(id, len) % (size_t)cap;
    for (;;) {
        view_slot_t *s = &slots[i];
        if (s->id[0] == 0) {
            if (*used >= cap * 3 / 4)
                return -1;
            memcpy(s->id, id, len + 1);
            s->n = n;
            (*used)++;
            return 0;
        }
        if (strcmp(s->id, id) == 0) {
            s->n += n;
            return 0;
        }
        i = (i + 1) % (size_t)cap;
    }
}

view_counter_t *views_create(void)
{
    view_counter_t *v = xcalloc(1, sizeof(*v));
    return v;
}

void views_destroy(view_counter_t *v)
{
    free(v);
}

/* ---- the shared table and the writer ---- */

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;
    view_slot_t slots[SHARED_SLOTS];
    int used;
    int stop;
    int running;
    pthread_t thread;
    db_t *db;
} w = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

void views_add(loop_ctx_t *lc, const char *work_id)
{
    view_counter_t *v = lc->views;
    size_t n = strlen(work_id);
    if (n == 0 || n >= sizeof v->slots[0].id)
        return;
    if (table_add(v->slots, LOOP_SLOTS, &v->used, work_id, 1) == 0)
        return;
    views_flush(lc);
    table_add(v->slots, LOOP_SLOTS, &v->used, work_id, 1); /* fits unless the writer is a table behind */
}

void views_flush(loop_ctx_t *lc)
{
    view_counter_t *v = lc->views;
    if (!v || v->used == 0)
        return;
    int kept = 0;
    pthread_mutex_lock(&w.mu);
    for (int i = 0; i < LOOP_SLOTS; i++) {
        view_slot_t *s = &v->slots[i];
        if (!s->id[0])
            continue;
        if (table_add(w.slots, SHARED_SLOTS, &w.used, s->id, s->n) == 0)
            memset(s, 0, sizeof *s);
        else
            kept++;
    }
    pthread_mutex_unlock(&w.mu);
    if (kept) {
        /* Re-insert what stayed so probe chains stay intact. */
        view_slot_t *old = xmalloc(sizeof v->slots);
        memcpy(old, v->slots, sizeof v->slots);
        memset(v->slots, 0, sizeof v->slots);
        v->used = 0;
        for (int i = 0; i < LOOP_SLOTS; i++)
            if (old[i].id[0])
                table_add(v->slots, LOOP_SLOTS, &v->used, old[i].id, old[i].n);
        free(old);
    } else {
        v->used = 0;
    }
}

/* Write batch[0..cap) in one transaction. Returns 0, or -1 (nothing written). */
static int write_batch(const view_slot_t *batch, int cap)
{
    if (db_begin(w.db) < 0)
        return -1;
    int64_t day = (clock_now() + CLOCK_CHINA_OFFSET) / 86400 * 86400 - CLOCK_CHINA_OFFSET;
    for (int i = 0; i < cap; i++) {
        if (!batch[i].id[0])
            continue;
        db_stmt_t *st = db_prepare(w.db, "UPDATE works SET views = views + :n WHERE id = :id");
        db_bind_int(st, ":n", batch[i].n);
        db_bind_text(st, ":id", batch[i].id);
        int rc = db_step(st);
        db_done(st);
        if (rc >= 0) {
            /* Reads per China day for the data pages (site/creator/stats.h):
             * one small row per work and day, written here, off the loops. */
            st = db_prepare(w.db, "INSERT INTO stats_daily(work_id, author_id, day, reads) "
                                  "SELECT id, author_id, :day, :n FROM works WHERE id = :id "
                                  "ON CONFLICT(work_id, day) DO UPDATE SET reads = stats_daily.reads + excluded.reads");
            db_bind_int(st, ":day", day);
            db_bind_int(st, ":n", batch[i].n);
            db_bind_text(st, ":id", batch[i].id);
            rc = db_step(st);
            db_done(st);
        }
        if (rc < 0) {
            db_rollback(w.db);
            return -1;
        }
    }
    if (db_commit(w.db) < 0) {
        db_rollback(w.db);
        return -1;
    }
    return 0;
}

static void *writer_main(void *arg)
{
    (void)arg;
    view_slot_t *batch = xmalloc(sizeof w.slots);
    pthread_mutex_lock(&w.mu);
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        if (!w.stop)
            pthread_cond_timedwait(&w.wake, &w.mu, &until);
        int stopping = w.stop;
        int n = w.used;
        if (n) {
            memcpy(batch, w.slots, sizeof w.slots);
            memset(w.slots, 0, sizeof w.slots);
            w.used = 0;
        }
        pthread_mutex_unlock(&w.mu);
        if (n && write_batch(batch, SHARED_SLOTS) < 0) {
            /* Busy database or I/O error: give the counts back for the next round. */
            pthread_mutex_lock(&w.mu);
            for (int i = 0; i < SHARED_SLOTS; i++)
                if (batch[i].id[0])
                    table_add(w.slots, SHARED_SLOTS, &w.used, batch[i].id, batch[i].n);
            pthread_mutex_unlock(&w.mu);
            if (stopping)
                break; /* one last try failed: nothing more can be done */
        }
        /* The loops' connections leave checkpoints to this thread (db.h). */
        if (db_checkpoint(w.db) < 0)
            fprintf(stderr, "hao: WAL checkpoint failed; the next round tries again\n");
        pthread_mutex_lock(&w.mu);
        if (stopping && w.used == 0)
            break;
    }
    pthread_mutex_unlock(&w.mu);
    free(batch);
    return NULL;
}

int views_writer_start(const char *data_dir, buf_t *err)
{
    if (db_open(data_dir, 0, &w.db, err) < 0)
        return -1;
    w.stop = 0;
    if (pthread_create(&w.thread, NULL, writer_main, NULL) != 0) {
        db_close(w.db);
        buf_lit(err, "cannot start the view-count writer thread");
        return -1;
    }
    w.running = 1;
    return 0;
}

void views_writer_stop(void)
{
    if (!w.running)
        return;
    pthread_mutex_lock(&w.mu);
    w.stop = 1;
    pthread_cond_signal(&w.wake);
    pthread_mutex_unlock(&w.mu);
    pthread_join(w.thread, NULL);
    db_close(w.db);
    w.running = 0;
}
