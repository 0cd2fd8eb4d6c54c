/*
 * jobs.h — scheduled jobs: work that must happen at a time rather than in a
 * request (today a counter-notice's delayed restore; later, e.g., scheduled
 * publishing). Owns the jobs table.
 *
 * A job is one row: kind (what to do, e.g. "restore"), ref (what to do it
 * to: for "restore" a counter-notice id), due_at (unix seconds on the
 * deadline clock, clock.h), then done_at and a one-line result ("restored",
 * "skipped: ...", "cancelled: ...") once it ran or was cancelled. Rows
 * survive restarts, and a job that fell due while the server was down runs
 * at the next start.
 *
 * Claimed once: jobs_run takes the due jobs oldest first, each in its own
 * write transaction. Inside it the job is claimed (still not done?), its
 * kind's function runs and the row is marked done with the result, so the
 * job's effect and its being done commit together or not at all. Write
 * transactions are serialised on both stores (db_begin: SQLite's BEGIN
 * IMMEDIATE, a PostgreSQL advisory lock), so when several nodes or loops
 * run jobs_run at once, each job still runs once.
 *
 * Dispatch: a static table in jobs.c, like the route table, maps each kind
 * to the function of the module that owns the thing it acts on:
 *     const char *fn(db_t *db, int64_t ref);
 * It runs inside the job's transaction and returns the result to record,
 * or NULL on a storage error (the transaction rolls back, the run stops,
 * and the job is retried on the next run). A kind missing from the table is
 * marked "skipped: unknown job kind". To add a kind: write its function in
 * its module, add one line to the table, schedule it with jobs_schedule.
 *
 * After the due jobs, the sweeps run: periodic housekeeping that has no row
 * of its own (the retention purges of takedown.h), each in its own
 * transactions. When a job ran or a sweep changed something, the page
 * cache is told (changed_signal, core/changed.h).
 */
#ifndef HAO_JOBS_H
#define HAO_JOBS_H

#include <stdint.h>

#include "db/db.h"

/* Schedule a job of this kind on ref, due at due_at. Runs inside the
 * caller's transaction (the job exists only if the event that scheduled it
 * commits). 0 or -1. */
int jobs_schedule(db_t *db, const char *kind, int64_t ref, int64_t due_at);
/* Mark the pending jobs of this kind on ref done without running them, with
 * result (e.g. "cancelled: court action reported") and done_at now. Inside
 * the caller's transaction. 0 (also when none was pending) or -1. */
int jobs_cancel(db_t *db, const char *kind, int64_t ref, const char *result, int64_t now);
/* Run the due jobs of one kind only (no sweeps), each in its own
 * transaction: for a thread that owns that kind's latency (the mail
 * sender runs "newsletter" jobs within a second). Returns how many ran. */
int jobs_run_kind(db_t *db, const char *kind);
/* Run every due job, each in its own transaction, then the sweeps. Called
 * at start (before any request) and once a minute by one loop.
 * Returns the number of jobs run. */
int jobs_run(db_t *db);

#endif
