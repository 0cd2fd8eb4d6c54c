/*
 * schedule.h — scheduled publishing (定时发布). Owns creator_schedules.
 *
 * A creator gives a draft a publication time (a minute in China Standard
 * Time by default: the studio form is a local date and time in UTC+8; the
 * API takes RFC 3339 with any offset). The row stays 'pending' until that
 * minute; nothing of the work is visible before, because it is a draft until
 * then (feeds, sitemap, search, author pages and API lists show published
 * works only).
 *
 * Firing (sched_sweep, one of the sweeps of site/ops/jobs.c, so it runs at
 * start before any request and once a minute): each due row is claimed in
 * its own write transaction (pending -> claimed, with claimed_at; write
 * transactions are serialised on both stores, so across loops and nodes only
 * one claim succeeds), then the work goes through exactly the path of a
 * manual publish: review before publish (review_hold, as the author) and
 * work_publish (originality check, feeds, sitemap, search, cache, the
 * subscribers' mail), and the row records the outcome (done/failed and a
 * result). A claim left by a node that died before recording the outcome is
 * taken over after SCHED_STALE seconds (publishing twice is harmless).
 *
 * Threads: the domain functions take the caller's connection and run on
 * the thread that owns it; sched_sweep runs wherever jobs_run runs.
 */
#ifndef HAO_CREATOR_SCHEDULE_H
#define HAO_CREATOR_SCHEDULE_H

#include <stdint.h>

#include "db/db.h"
#include "http/http.h"
#include "site/creator/creator.h"

#define SCHED_MAX_AHEAD (366 * 86400) /* at most a year (and a day) ahead */
#define SCHED_STALE 600               /* a claim older than this is taken over */

/* Schedule (or reschedule) author's draft work_id for at (unix seconds).
 * Refusals: 404 not_found (or another's: 403 forbidden), 409
 * already_published, 451 taken_down, 422 bad_time (past, or more than a year
 * ahead), 422 empty. 0 or -1 with e; nothing changes on a refusal. */
int sched_set(db_t *db, const char *work_id, int64_t author_id, int64_t at, cr_err_t *e);
/* Cancel a pending schedule: 0, or -1 with e (404 not_scheduled). */
int sched_cancel(db_t *db, const char *work_id, int64_t author_id, cr_err_t *e);
/* The pending publication time of work_id: 1 with *at, 0 none, -1 error. */
int sched_pending(db_t *db, const char *work_id, int64_t *at);
/* Fire the due schedules (see above). Returns how many fired. */
int sched_sweep(db_t *db);

/* "YYYY-MM-DDTHH:MM[:SS[.f]](Z|±HH:MM)" -> unix seconds: 0, or -1. */
int sched_parse_rfc3339(const char *s, int64_t *out);
/* "YYYY-MM-DDTHH:MM[:SS]" (an <input type="datetime-local">) read in China
 * Standard Time -> unix seconds: 0, or -1. */
int sched_parse_china_local(const char *s, int64_t *out);

/* Handlers (routes.c). */
void sched_form_post(hreq_t *r);   /* POST /studio/:id/schedule (RT_CSRF): at, or action=cancel */
void sched_api_publish(hreq_t *r); /* POST /api/v1/articles/:id/publish: with "at", schedule; else publish */
void sched_api_cancel(hreq_t *r);  /* DELETE /api/v1/articles/:id/schedule */
/* The studio's pieces (studio.c calls these): the editor's schedule form,
 * and the list's "scheduled for" note after a work's status. */
void sched_editor_panel(hreq_t *r, buf_t *b, const char *work_id, const char *status);
void sched_list_note(hreq_t *r, buf_t *b, const char *work_id, const char *status);

#endif
