/*
 * counter.h — the creator's side of a removal: the list of their removed
 * works with the statement of reasons (which notice or report, ground,
 * reason, whether automated, what they can do), and the counter-notice
 * (only the work's author, only for a work removed on a notice, once),
 * which restores at once or schedules the restore (restore_mode) and is
 * shown to the complainant on the notice's status page. Owns the
 * counter_notices table.
 */
#ifndef HAO_COUNTER_H
#define HAO_COUNTER_H

#include "http/http.h"

/* The takedown named in the path (/studio/notices/:td/...), when it removed
 * one of the signed-in user's works: its id, with its notice id (0 when a
 * report or a moderator removed it) and status ("active", "restored",
 * "purged") filled in. Answers 404 (no such takedown) or 403 (someone
 * else's work) and returns 0 otherwise. Complaints (complaint.c) use it too. */
int64_t counter_own_takedown(hreq_t *r, int64_t *notice_id, char status[16]);

/* The job "restore" (jobs.h) on a counter-notice whose waiting period
 * ended: restores the work when the counter-notice still waits (no court
 * action was reported) and its takedown is still active. Runs in the job's
 * transaction; returns the job's result, NULL on a storage error. */
const char *counter_restore_job(db_t *db, int64_t counter_id);

void counter_studio(hreq_t *r);  /* GET  /studio/notices                        */
void counter_form(hreq_t *r);   /* GET  /studio/notices/:td/counter            */
void counter_post(hreq_t *r);   /* POST /studio/notices/:td/counter     (CSRF) */

#endif
