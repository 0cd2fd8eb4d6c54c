/*
 * notice.h — rights-holder notices: the form and API, the receipt and
 * status page, review decisions, court-action reports and proof files.
 * Owns the notices, notice_works and notice_files tables.
 *
 * A notice (form /notice or POST /api/v1/notices) names works on this site
 * by URL. Incomplete: 422 listing what is missing, nothing stored. Complete:
 * stored with a receipt (notice number + a secret token for the status page
 * /notice/N?token=T) and, by the setting notice_mode, acted on at once
 * ("immediate": every named work is taken down in the same transaction) or
 * queued for a moderator ("review", decided in /mod). The creator sees the
 * statement of reasons in /studio/notices and may file one counter-notice
 * per takedown (counter.h); it is shown to the complainant on the status
 * page, and the work is restored at once or after restore_days business
 * days unless the complainant reports a court action first (restore_mode).
 */
#ifndef HAO_NOTICE_H
#define HAO_NOTICE_H

#include "http/http.h"

#define NOTICE_LINE_MAX 300   /* characters: name, contact, address, signature */
#define NOTICE_TEXT_MAX 5000  /* characters: right, original, proof, statements */
#define NOTICE_FILE_MAX (2u << 20)                 /* a proof file, bytes */
#define NOTICE_FORM_MAX (NOTICE_FILE_MAX + 256 * 1024) /* the form with it */

/* Decide a pending notice (review mode): uphold takes down every named work
 * still published. Runs its own transaction. 0, or -1 with err_key (i18n)
 * and *status. */
int notice_decide(db_t *db, int64_t notice_id, int uphold, const char *reason, const char *actor,
                  const char **err_key, int *status);

/* Shared with the counter-notice (counter.c), which asks the same contact
 * block under the same limits. */
/* 1 if v (NULL counts as "") may stand in a notice or counter-notice field:
 * a one-line field (line != 0: name, contact, address, signature) is valid
 * one-line text of at most NOTICE_LINE_MAX characters, any other valid text
 * of at most NOTICE_TEXT_MAX. Blank is the caller's question. */
int notice_field_ok(const char *v, int line);
/* The contact block of both forms: name, contact and address inputs
 * (required), refilled from f after an error (NULL: empty). */
void notice_contact_fields(hreq_t *r, buf_t *b, const form_t *f);

/* Handlers (routes.c). */
void notice_form(hreq_t *r);          /* GET  /notice                       */
void notice_form_post(hreq_t *r);     /* POST /notice                (CSRF) */
void notice_api_post(hreq_t *r);      /* POST /api/v1/notices               */
void notice_proof_file(hreq_t *r);   /* GET  /mod/notices/:id/proof (moderators) */
void notice_status(hreq_t *r);        /* GET  /notice/:id?token=            */
void notice_api_status(hreq_t *r);    /* GET  /api/v1/notices/:id?token=    */
void notice_court_post(hreq_t *r);    /* POST /notice/:id/court      (CSRF) */
/* The creator's side (statement of reasons, counter-notice) is counter.h. */

#endif
