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
 * moderator other than the one who decided the removal must settle it);
 * approving a review publishes the work.
 */
#ifndef HAO_MODERATION_H
#define HAO_MODERATION_H

#include "http/http.h"

/* Shared by moderation.c, report.c, complaint.c and review.c. */
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

void mod_review(hreq_t *r);         /* GET  /mod/reviews/:id                    */
void mod_review_post(hreq_t *r);    /* POST /mod/reviews/:id             (CSRF) */
void mod_queue(hreq_t *r);          /* GET  /mod                                */
void mod_notice(hreq_t *r);         /* GET  /mod/notices/:id                    */
void mod_notice_post(hreq_t *r);    /* POST /mod/notices/:id             (CSRF) */
void mod_report(hreq_t *r);         /* GET  /mod/reports/:id                    */
void mod_report_post(hreq_t *r);    /* POST /mod/reports/:id             (CSRF) */
void mod_complaint(hreq_t *r);      /* GET  /mod/complaints/:id                 */
void mod_complaint_post(hreq_t *r); /* POST /mod/complaints/:id          (CSRF) */

#endif
