/*
 * jobs.c — see jobs.h.
 */
#include "site/ops/jobs.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/changed.h"
#include "site/audience/newsletter.h"
#include "site/creator/schedule.h"
#include "site/trust/counter.h"
#include "site/trust/notice.h"
#include "site/trust/takedown.h"

/* Every kind of job, with the function that runs one (jobs.h). */
static const struct {
    const char *kind;
    const char *(*run)(db_t *db, int64_t ref);
} kinds[] = {
    {"restore", counter_restore_job}, /* ref: a counter-notice whose waiting period ended */
    {"notice_expire", notice_expire_job}, /* ref: a notice whose confirmation link lapsed */
    {"newsletter", newsletter_job},   /* ref: a creator who published a work (site/audience/newsletter.h) */
};

/* Housekeeping after the due jobs: each returns how many things it changed. */
static int (*const sweeps[])(db_t *db) = {
    takedown_purge_expired, /* removed content past its retention period */
    takedown_purge_deleted, /* works their authors deleted, as long after */
    takedown_purge_comments, /* deleted and removed comments' text, comments' addresses, as long after */
    sched_sweep, /* scheduled publications that fell due (site/creator/schedule.h) */
};

int jobs_schedule(db_t *db, const char *kind, int64_t ref, int64_t due_at)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO jobs(kind, ref, due_at) VALUES (:k, :r, :d)");
    db_bind_text(st, ":k", kind);
    db_bind_int(st, ":r", ref);
    db_bind_int(st, ":d", due_at);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

int jobs_cancel(db_t *db, const char *kind, int64_t ref, const char *result, int64_t now)
{
    db_stmt_t *st = db_prepare(db, "UPDATE jobs SET done_at = :t, result = :r "
                                   "WHERE kind = :k AND ref = :ref AND done_at IS NULL");
    db_bind_int(st, ":t", now);
    db_bind_text(st, ":r", result);
    db_bind_text(st, ":k", kind);
    db_bind_int(st, ":ref", ref);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* Run one claimed job of kind on ref: its result, or NULL on a storage error. */
static const char *dispatch(db_t *db, const char *kind, int64_t ref)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i].kind) == 0)
            return kinds[i].run(db, ref);
    return "skipped: unknown job kind";
}

/* Run the due jobs (of one kind, or all when only is NULL), each in its own
 * transaction. Returns how many ran. */
static int run_due(db_t *db, const char *only)
{
    int ran = 0;
    for (;;) {
        db_stmt_t *st = db_prepare(db, only ? "SELECT id, kind, ref FROM jobs WHERE done_at IS NULL AND kind = :k "
                                              "AND due_at <= :now ORDER BY due_at, id LIMIT 1"
                                            : "SELECT id, kind, ref FROM jobs WHERE done_at IS NULL AND due_at <= :now "
                                              "ORDER BY due_at, id LIMIT 1");
        if (only)
            db_bind_text(st, ":k", only);
        db_bind_int(st, ":now", clock_now());
        int64_t id = 0, ref = 0;
        char kind[32] = "";
        if (db_step(st) == DB_ROW) {
            id = db_col_int(st, 0);
            snprintf(kind, sizeof kind, "%s", db_col_text(st, 1));
            ref = db_col_int(st, 2);
        }
        db_done(st);
        if (!id || db_begin(db) < 0)
            break;
        /* Claim it inside the write transaction: another node (or loop) may
         * have run it between the look above and the lock. Write
         * transactions are serialised on both stores, so a job runs once. */
        st = db_prepare(db, "SELECT 1 FROM jobs WHERE id = :id AND done_at IS NULL");
        db_bind_int(st, ":id", id);
        int still_due = db_step(st) == DB_ROW;
        db_done(st);
        if (!still_due) {
            db_rollback(db);
            continue;
        }
        const char *result = dispatch(db, kind, ref);
        if (!result) {
            db_rollback(db);
            break; /* retried on the next run */
        }
        st = db_prepare(db, "UPDATE jobs SET done_at = :t, result = :r WHERE id = :id AND done_at IS NULL");
        db_bind_int(st, ":t", clock_now());
        db_bind_text(st, ":r", result);
        db_bind_int(st, ":id", id);
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE || db_commit(db) < 0) {
            db_rollback(db);
            break;
        }
        ran++;
    }
    return ran;
}

int jobs_run_kind(db_t *db, const char *kind)
{
    return run_due(db, kind);
}

int jobs_run(db_t *db)
{
    int ran = run_due(db, NULL);
    int swept = 0;
    for (size_t i = 0; i < sizeof sweeps / sizeof sweeps[0]; i++)
        swept += sweeps[i](db);
    if (ran || swept)
        changed_signal();
    return ran;
}
