/*
 * report.h — reader reports (举报): a reader reports a published work on a
 * ground other than copyright (rights holders send notices, notice.h).
 * Owns the reports table.
 *
 * A report names a published work, or a comment shown on one
 * (reports.comment_id: the comment's number or its URL, /a/ID#c-N,
 * /comments/N or /api/v1/comments/N), a ground (illegal, fraud, privacy,
 * harassment, spam: most severe first; severity orders the moderator
 * queue) and an explanation. Anyone may report, by the form or the API, at
 * most report_rate times an hour per address. The reporter gets a receipt
 * (report number + a secret token for the status page /report/N?token=T)
 * that later shows the outcome. A moderator decides it in /mod
 * (moderation.h): an upheld report takes the work down (takedown.h), or,
 * for a comment, only that comment (a placeholder with the reason; the
 * commenter gets the statement of reasons, the takedown e-mail and may
 * complain; it counts as a strike).
 */
#ifndef HAO_REPORT_H
#define HAO_REPORT_H

#include <stdint.h>

#include "db/db.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "http/http.h"
#include "site/trust/moderation.h"

/* A report as submitted, by the form or the API: plain values, NULL for
 * absent. */
typedef struct {
    const char *work_id;     /* the work reported (may be absent when comment is given) */
    const char *comment;     /* the comment reported: its number or URL, or NULL/"" for the work */
    const char *host;        /* this site's host, for absolute comment URLs */
    size_t host_len;
    const char *ground;      /* a ground code (above) */
    const char *explanation; /* 1-5000 characters */
    const char *peer;        /* the reporter's address: rate limit (report_rate an hour), stored */
    int64_t now;             /* the deadline clock (clock.h) */
} report_input_t;

/* What became of it: on success id and token; on failure nothing was
 * stored, and status, code, key and field say why. */
typedef struct {
    int64_t id;          /* the report number */
    char work_id[17];    /* the work reported (the comment's work) */
    int64_t comment_id;  /* the comment reported, or 0 */
    char token[33];      /* the receipt's secret: shown once, only its hash is stored */
    int status;          /* 429, 422, 409, 503 or 500 */
    const char *code;    /* the API's machine word */
    const char *key;     /* i18n key of the message */
    const char *field;   /* the field at fault ("work", "ground", "explanation"), or NULL */
    int retry_after;     /* rate_limited: seconds */
} report_result_t;

/* File a report: the row and its audit entry in one transaction. The
 * checks, in order: 429 rate_limited; 422 missing_fields (no work nor
 * comment, or no explanation) or invalid (ground, explanation); for a
 * comment 422 not_a_comment (not a comment shown on a published work),
 * 422 invalid (the work given is not the comment's), 409
 * already_taken_down (the comment is removed already); 409
 * already_taken_down (the work is removed already); 422 not_a_work (not a
 * published work);
 * 503 busy, 500 internal (storage). 0, or -1 with res. */
int report_file(db_t *db, const report_input_t *in, report_result_t *res);

/* A moderator's decision on an open report, through mod_decide
 * (moderation.h): uphold takes the work (or the reported comment) down
 * (takedown.h) on the report's ground, reject dismisses the report; either way the outcome shows on the
 * reporter's receipt. One transaction; the page cache is told of a removal
 * after commit. Refusals: 409 already_decided (not open, or no such
 * report), 503 busy, 500 internal. */
int report_decide(db_t *db, const mod_decision_t *d, mod_result_t *res);

/* Handlers (routes.c): thin doors that read the request into a
 * report_input_t and turn report_file's result into HTML or JSON. */
void report_form(hreq_t *r);     /* GET  /report?work=ID | ?comment=N */
void report_post(hreq_t *r);     /* POST /report             (CSRF) */
void report_api_post(hreq_t *r); /* POST /api/v1/reports            */
void report_status(hreq_t *r);   /* GET  /report/:id?token=         */

/* The moderator's view of a report on a comment (moderation.c): the
 * comment's text, author, state and context (the comment it answers, its
 * link). Nothing for a report on a work. */
void report_comment_panel(db_t *db, int64_t report_id, lang_t L, buf_t *b);

#endif
