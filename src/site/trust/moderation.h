/*
 * moderation.h — the moderator's desk (/mod): the queue of pending notices,
 * open reader reports (by severity, then age), works waiting for review and
 * open complaints; one view per case with the work concerned and its
 * history; and the decision on it. Each case belongs to the module that
 * owns its table (notice.h, report.h, complaint.h, review.h); this module
 * owns no table.
 *
 * Every decision needs a written reason. Upholding a notice or a report
 * takes the work down (takedown.h); upholding a complaint restores it (a
 * moderator other than the one who decided the removal must settle it,
 * unless there is none: complaint.h); a refused decision shows the case
 * again with the reason as typed;
 * approving a review publishes the work.
 */
#ifndef HAO_MODERATION_H
#define HAO_MODERATION_H

#include <stdint.h>

#include "db/db.h"
#include "http/http.h"

/* ---- decisions (the domain: no HTTP) ---- */

/* The kinds of case a moderator decides. */
typedef enum { MOD_NOTICE, MOD_REPORT, MOD_COMPLAINT, MOD_REVIEW } mod_kind_t;

/* One decision, as plain values. */
typedef struct {
    mod_kind_t kind;
    int64_t id;           /* the notice, report or complaint number (0: no such case) */
    const char *work_id;  /* MOD_REVIEW: the work waiting for review */
    int uphold;           /* 1: take down (notice, report), restore (complaint), publish
                             (review); 0: reject, dismiss, keep the removal, refuse */
    const char *reason;   /* the written reason, required; shown to those concerned */
    int unfounded;        /* MOD_NOTICE, reject: manifestly unfounded (counts towards the
                             sender's suspension, notice.h) */
    const char *actor;    /* "user:HANDLE" of the moderator: the audit log, takedown records */
    int64_t actor_id;     /* the moderator's user id (decided_by) */
    int64_t now;          /* when (decided_at), on the deadline clock (clock.h) */
} mod_decision_t;

/* Why a decision was refused: the HTTP status, the API's
 * machine word and the i18n key of the message. */
typedef struct {
    int status;
    const char *code;
    const char *key;
} mod_result_t;

/* Decide one case. The module that owns the case runs it (notice_decide,
 * report_decide, complaint_decide, review_decide): the case, the work and
 * the audit log change in one transaction, and when a work came down or
 * back the page cache is told after commit. (Approving a review publishes
 * first, in work_publish's own transaction, so a work that cannot be
 * published stays pending.) Returns 0, or -1 with res filled and nothing
 * decided:
 *   422 invalid          the reason is missing, not text or over 5000 characters
 *   404 not_found        no such notice
 *   409 already_decided  the case is not open (any more), or no such report,
 *                        complaint or review
 *   403 same_moderator   a complaint about a removal the actor decided, while
 *                        another moderator exists (complaint.h)
 *   4xx not_published    the reviewed work cannot be published (work.h's status and key)
 *   503 busy (notice: internal), 500 internal   storage */
int mod_decide(db_t *db, const mod_decision_t *d, mod_result_t *res);
/* Fill res; returns -1 (for "return mod_refuse(...)"). */
int mod_refuse(mod_result_t *res, int status, const char *code, const char *key);

/* ---- shared with report.c, complaint.c and review.c ---- */

int mod_text_ok(const char *s);          /* 1-5000 characters of text */
int64_t mod_path_id(hreq_t *r);          /* path parameter 0 as an id, 0 if not */
void mod_actor(hreq_t *r, char out[64]); /* "user:HANDLE" for the audit log */

/* ---- the desk (routes.c) ---- */

/* Each decision POST reads decision=uphold|reject and reason, calls
 * mod_decide and answers 303 to /mod?done=1, or the refusal. */

void mod_queue(hreq_t *r);          /* GET  /mod                                */
void mod_notice(hreq_t *r);         /* GET  /mod/notices/:id                    */
void mod_notice_post(hreq_t *r);    /* POST /mod/notices/:id             (CSRF) */
void mod_report(hreq_t *r);         /* GET  /mod/reports/:id                    */
void mod_report_post(hreq_t *r);    /* POST /mod/reports/:id             (CSRF) */
void mod_complaint(hreq_t *r);      /* GET  /mod/complaints/:id                 */
void mod_complaint_post(hreq_t *r); /* POST /mod/complaints/:id          (CSRF) */
void mod_review(hreq_t *r);         /* GET  /mod/reviews/:id                    */
void mod_review_post(hreq_t *r);    /* POST /mod/reviews/:id             (CSRF) */

#endif
