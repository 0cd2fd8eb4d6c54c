/*
 * complaint.h — internal complaints: a creator contests a removal of their
 * work, once per removal (/studio/notices/:td/complaint); a moderator other
 * than the one who decided the removal settles it in /mod (moderation.h),
 * and an upheld complaint restores the work (takedown.h). Owns the
 * complaints table.
 */
#ifndef HAO_COMPLAINT_H
#define HAO_COMPLAINT_H

#include <stdint.h>

#include "db/db.h"
#include "http/http.h"
#include "site/trust/moderation.h"

/* A complaint as submitted. */
typedef struct {
    int64_t takedown_id; /* the removal contested (0: none such) */
    int64_t user_id;     /* who files it: must be the removed work's author */
    const char *actor;   /* their "user:HANDLE", for the audit log */
    const char *text;    /* 1-5000 characters */
    int64_t now;         /* the deadline clock (clock.h) */
} complaint_input_t;

/* What became of it: on success id; on failure nothing was stored, and
 * status, code and key say why. */
typedef struct {
    int64_t id;       /* the complaint number */
    int status;       /* 404, 403, 409, 422 (the text: show the form again), 503 or 500 */
    const char *code; /* machine word */
    const char *key;  /* i18n key of the message */
} complaint_result_t;

/* File a complaint: 404 not_found (no such removal), 403 forbidden (not
 * the author's work), 409 not_taken_down (no longer active), 422 invalid
 * (the text); then the complaint and its audit entry in one transaction
 * (409 duplicate when the removal was contested already, 503 busy, 500
 * internal). 0, or -1 with res. */
int complaint_file(db_t *db, const complaint_input_t *in, complaint_result_t *res);

/* A moderator's decision on an open complaint, through mod_decide
 * (moderation.h): uphold restores the work (takedown.h), reject keeps the
 * removal; the moderator who decided the removal may not (403
 * same_moderator). One transaction; the page cache is told of a restore
 * after commit. Other refusals: 409 already_decided (not open, or no such
 * complaint), 503 busy, 500 internal. */
int complaint_decide(db_t *db, const mod_decision_t *d, mod_result_t *res);
/* 1 when an active moderator or admin other than decider ("user:HANDLE",
 * the actor of the removal) exists to settle a complaint about it. When
 * none does, the one who decided settles it, and the decision says so (its
 * reason is prefixed with a note, and the audit log has
 * "complaint.no_independent"): a complaint is never left with nobody who
 * may decide it. */
int complaint_independent_exists(db_t *db, const char *decider);

void complaint_form(hreq_t *r); /* GET  /studio/notices/:td/complaint        */
void complaint_post(hreq_t *r); /* POST /studio/notices/:td/complaint (CSRF) */

#endif
