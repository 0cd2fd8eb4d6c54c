/*
 * review.h — review before publish (先审后发): with the setting
 * review_before_publish on, a creator's draft waits in /mod when published,
 * and a moderator publishes or refuses it with a reason (moderation.h),
 * which the creator sees in /studio/notices. Owns the reviews table.
 */
#ifndef HAO_REVIEW_H
#define HAO_REVIEW_H

#include "http/http.h"
#include "site/trust/moderation.h"

/* Called by every door that publishes (studio, API) before publishing:
 * when the setting is on and the user is not a moderator, the draft's
 * publication is held for review instead (queued in /mod, audited).
 * Returns 1 when held (the caller answers "waiting for review" and does not
 * publish), 0 when it may publish now (the setting is off, the work is
 * already published, or this revision was approved), -1 on a storage
 * error. */
int review_hold(hreq_t *r, const char *work_id);

/* A moderator's decision on a pending review, through mod_decide
 * (moderation.h): uphold publishes the work (work_publish, its own
 * transaction, first: a work that cannot be published stays pending, and
 * the refusal is work.h's status and key with code not_published), then
 * the review is closed with its audit entry; reject refuses publication,
 * with the reason shown to the creator. Refusals: 409 already_decided (not
 * pending, or no such review), 503 busy, 500 internal. */
int review_decide(db_t *db, const mod_decision_t *d, mod_result_t *res);

#endif
