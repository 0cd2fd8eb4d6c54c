/*
 * review.h — review before publish (先审后发): with the setting
 * review_before_publish on, a creator's draft waits in /mod when published,
 * and a moderator publishes or refuses it with a reason (moderation.h),
 * which the creator sees in /studio/notices. Owns the reviews table.
 */
#ifndef HAO_REVIEW_H
#define HAO_REVIEW_H

#include "http/http.h"

/* Called by every door that publishes (studio, API) before publishing:
 * when the setting is on and the user is not a moderator, the draft's
 * publication is held for review instead (queued in /mod, audited).
 * Returns 1 when held (the caller answers "waiting for review" and does not
 * publish), 0 when it may publish now (the setting is off, the work is
 * already published, or this revision was approved), -1 on a storage
 * error. */
int review_hold(hreq_t *r, const char *work_id);

#endif
