/*
 * moderation.h — reader reports (举报), the moderator queue and decisions;
 * creators' internal complaints (complaint.c) and review before publish
 * (review.c) share its helpers. Owns the reports table.
 *
 * A report names a published work, a ground (illegal, privacy, harassment,
 * spam, fraud) and an explanation; the reporter gets a receipt page that
 * later shows the outcome. /mod lists pending notices (review mode), open
 * reports (by severity, then age) and open complaints. Every decision needs
 * a written reason; an upheld report takes the work down (takedown.h). A
 * creator may contest a removal once; a moderator other than the one who
 * decided it settles the complaint.
 */
#ifndef HAO_MODERATION_H
#define HAO_MODERATION_H

#include "http/http.h"

/* Shared by moderation.c, complaint.c and review.c. */
int mod_text_ok(const char *s);                 /* 1-5000 characters of text */
int64_t mod_path_id(hreq_t *r);                 /* path parameter 0 as an id, 0 if not */
void mod_actor(hreq_t *r, char out[64]);        /* "user:HANDLE" for the audit log */
/* The case in the path for a moderator view: runs sql (one :id parameter,
 * bound to the path id, also stored in *id) and returns it on its row; the
 * caller reads it and calls db_done. NULL after answering 404 when there is
 * no such case. */
db_stmt_t *mod_case_row(hreq_t *r, const char *sql, int64_t *id);
void mod_age(hreq_t *r, buf_t *b, int64_t t);   /* "3 h" since t */
/* The work in one view: title, author, state, excerpt, its removals and
 * the reports on it (but except_report). */
void mod_work_panel(hreq_t *r, buf_t *b, const char *work_id, int64_t except_report);
/* Close a moderator view opened with page_section_begin: while the case is
 * open, the decision form (a required written reason and two buttons,
 * yes_key posting decision=uphold, no_key decision=reject) posting to the
 * path action_fmt formats; then the section; sends the page (200). */
void mod_view_end(hreq_t *r, buf_t *b, int open, const char *yes_key, const char *no_key, const char *action_fmt,
                  ...) __attribute__((format(printf, 6, 7)));
/* Start handling a decision POST: reads decision (uphold|reject) and reason
 * (required, mod_text_ok) into f, *uphold and *reason (pointing into f),
 * fills actor and begins a transaction. Returns -1 after answering (422
 * for an unusable decision or reason, 503 when the store is busy). */
int mod_decision_begin(hreq_t *r, form_t *f, int *uphold, const char **reason, char actor[64]);
/* Finish a decision begun with mod_decision_begin: commits when ok, else
 * rolls back and answers 500; on success bumps the page cache when
 * content_changed (a work came down or back) and sends 303 to /mod. */
void mod_decision_end(hreq_t *r, int ok, int content_changed);

/* Review before publish: when the setting review_before_publish is on and
 * the user is not a moderator, a draft's publication is held for review
 * instead (queued in /mod, audited). Returns 1 when held (the caller answers
 * "waiting for review" and does not publish), 0 when it may publish now (the
 * setting is off, the work is already published, or this revision was
 * approved), -1 on a storage error. */
int moderation_review_hold(hreq_t *r, const char *work_id);

void mod_review(hreq_t *r);         /* GET  /mod/reviews/:id                    */
void mod_review_post(hreq_t *r);    /* POST /mod/reviews/:id             (CSRF) */
void report_form(hreq_t *r);        /* GET  /report?work=ID                     */
void report_post(hreq_t *r);        /* POST /report                      (CSRF) */
void report_api_post(hreq_t *r);    /* POST /api/v1/reports                     */
void report_status(hreq_t *r);      /* GET  /report/:id?token=                  */
void mod_queue(hreq_t *r);          /* GET  /mod                                */
void mod_notice(hreq_t *r);         /* GET  /mod/notices/:id                    */
void mod_notice_post(hreq_t *r);    /* POST /mod/notices/:id             (CSRF) */
void mod_report(hreq_t *r);         /* GET  /mod/reports/:id                    */
void mod_report_post(hreq_t *r);    /* POST /mod/reports/:id             (CSRF) */
void complaint_form(hreq_t *r);     /* GET  /studio/notices/:td/complaint       */
void complaint_post(hreq_t *r);     /* POST /studio/notices/:td/complaint (CSRF) */
void mod_complaint(hreq_t *r);      /* GET  /mod/complaints/:id                 */
void mod_complaint_post(hreq_t *r); /* POST /mod/complaints/:id          (CSRF) */

#endif
