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

#include <stdint.h>

#include "db/db.h"
#include "http/http.h"

/* A counter-notice as submitted: plain values, NULL (or 0) for absent. */
typedef struct {
    int64_t takedown_id;   /* the removal it answers (0: none such) */
    int64_t user_id;       /* who files it: must be the removed work's author */
    const char *actor;     /* their "user:HANDLE", for the audit log */
    const char *name, *contact, *address; /* required, one line each (notice_field_ok) */
    const char *statement; /* required: why the removal is wrong */
    const char *proof;     /* optional */
    const char *signature; /* required, one line */
    int good_faith;        /* the good-faith statement box (required) */
    int consent;           /* consent to jurisdiction (required when the setting dmca is on) */
    int64_t now;           /* the deadline clock (clock.h): restore_days count from here */
} counter_input_t;

/* What became of it: on success id and restored; on failure nothing was
 * stored, and status, code and key say why. */
typedef struct {
    int64_t id;        /* the counter-notice number */
    int restored;      /* 1: the work is back already (restore_mode immediate); 0: a restore job waits */
    int status;        /* 404, 403, 409, 422 (the fields: show the form again), 503 or 500 */
    const char *code;  /* machine word */
    const char *key;   /* i18n key of the message */
} counter_result_t;

/* File a counter-notice. The checks, in order: 404 not_found (no such
 * removal), 403 forbidden (not the author's work), 409 not_taken_down (not
 * a notice's removal, or no longer active); 422 missing_fields or invalid
 * (the fields, the good-faith box, the consent under dmca). Then in one
 * transaction: the counter-notice, its audit entries, the e-mail to the
 * complainant, and the restore, at once (restore_mode immediate: the page
 * cache is told after commit) or as a job due restore_days business days
 * later (jobs.h) unless the complainant reports a court action first;
 * 409 duplicate when the removal was answered already, 503 busy, 500
 * internal. 0, or -1 with res. */
int counter_file(db_t *db, const counter_input_t *in, counter_result_t *res);

/* The job "restore" (jobs.h) on a counter-notice whose waiting period
 * ended: restores the work when the counter-notice still waits (no court
 * action was reported) and its takedown is still active. Runs in the job's
 * transaction; returns the job's result, NULL on a storage error. */
const char *counter_restore_job(db_t *db, int64_t counter_id);

void counter_studio(hreq_t *r);  /* GET  /studio/notices                        */
void counter_form(hreq_t *r);   /* GET  /studio/notices/:td/counter            */
void counter_post(hreq_t *r);   /* POST /studio/notices/:td/counter     (CSRF) */

#endif
