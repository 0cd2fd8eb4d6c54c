/*
 * views.h — view counting that never makes a reader wait.
 *
 * A read adds one to a counter owned by its loop thread (no locks). Once a
 * second, or when the loop's table fills, the loop hands its counts over to
 * one shared table under a mutex held for a few microseconds. A single
 * writer thread with its own database connection takes that table each
 * second and writes it in one transaction. So the database write lock (and
 * SQLite's busy waiting for it) is never taken on a loop thread for views,
 * and loops never contend with each other or with a creator's publish.
 * The same thread checkpoints SQLite's WAL about once a second, so a loop's
 * commit never does (db.h: db_defer_checkpoints).
 *
 * Ownership: each loop's view_counter_t belongs to that loop; the shared
 * table and the writer belong to this module between views_writer_start()
 * and views_writer_stop(). Counts handed over before views_writer_stop() are
 * written before it returns.
 */
#ifndef HAO_VIEWS_H
#define HAO_VIEWS_H

#include "core/buf.h"
#include "http/http.h"

typedef struct view_counter view_counter_t;

view_counter_t *views_create(void);
void views_destroy(view_counter_t *v);
/* Count one view of work_id on this loop (loop thread only). */
void views_add(loop_ctx_t *lc, const char *work_id);
/* Hand this loop's counts to the writer (loop thread only; cheap). */
void views_flush(loop_ctx_t *lc);

/* Start the writer on its own connection to the database in data_dir.
 * Returns 0, or -1 with a sentence in err. */
int views_writer_start(const char *data_dir, buf_t *err);
/* Write what was handed over, then stop the writer. */
void views_writer_stop(void);

#endif
