/*
 * report.h — reader reports (举报): a reader reports a published work on a
 * ground other than copyright (rights holders send notices, notice.h).
 * Owns the reports table.
 *
 * A report names a published work, a ground (illegal, fraud, privacy,
 * harassment, spam: most severe first; severity orders the moderator
 * queue) and an explanation. Anyone may report, by the form or the API, at
 * most report_rate times an hour per address. The reporter gets a receipt
 * (report number + a secret token for the status page /report/N?token=T)
 * that later shows the outcome. A moderator decides it in /mod
 * (moderation.h): an upheld report takes the work down (takedown.h).
 */
#ifndef HAO_REPORT_H
#define HAO_REPORT_H

#include "http/http.h"

void report_form(hreq_t *r);     /* GET  /report?work=ID            */
void report_post(hreq_t *r);     /* POST /report             (CSRF) */
void report_api_post(hreq_t *r); /* POST /api/v1/reports            */
void report_status(hreq_t *r);   /* GET  /report/:id?token=         */

#endif
