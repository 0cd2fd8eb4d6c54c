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
 * Readers, not requests: a read counts once per reader, work and China day
 * (a reload is not another read), known bots not at all. A reader is a
 * SipHash (libsodium crypto_shorthash) of the client address and user agent
 * under a salt that is random per China day and lives in memory only; the
 * next day's salt replaces it, so yesterday's hashes can no longer be linked
 * to anyone. Neither address nor user agent nor hash reaches the database:
 * the writer stores counts only (stats_daily reads/ends, stats_referrers,
 * stats_uniques). Today's set of seen keys is shared by the loops (one short
 * mutex on a reader's first request for a work; a loop-local cache of
 * recent keys spares reloads even that). It is per process: after a restart,
 * or on another node, the same reader counts again that day (the salt is not
 * shared, on purpose: it never leaves this process).
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
/* Count a read of work_id by r's reader: once per reader, work and day;
 * bots not at all. The Referer's domain, when another site's, is counted
 * with the reader's first read (loop thread only). */
void views_read(hreq_t *r, const char *work_id);
/* Count that r's reader reached the end of work_id (the end image of the
 * work page), once per reader, work and day (loop thread only). */
void views_end(hreq_t *r, const char *work_id);
/* The end image's key for work_id: 16 hex digits of an HMAC under the
 * site secret. Not per day, so the cached page stays the same for everyone
 * and across midnight; not forgeable for another work. */
void views_end_mac(const char *work_id, char out[17]);
/* Hand this loop's counts to the writer (loop thread only; cheap). */
void views_flush(loop_ctx_t *lc);

/* Start the writer on its own connection to the database in data_dir.
 * Returns 0, or -1 with a sentence in err. */
int views_writer_start(const char *data_dir, buf_t *err);
/* Write what was handed over, then stop the writer. */
void views_writer_stop(void);

#endif
