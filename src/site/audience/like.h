/*
 * like.h — likes (点赞) on works and on comments: one per account and
 * target, idempotent both ways. Owns the work_likes and comment_likes
 * tables and the counters works.likes_count and comments.likes.
 *
 * Liking something liked, or unliking something not liked, changes nothing
 * and answers the count as it is. The row and its counter change in one
 * transaction, so the count shown is the number of rows. The first like of
 * an account on a target notifies its creator (notify.h); a like undone and
 * redone does not notify again.
 *
 * Only what readers can see can be liked: a published work (404 otherwise,
 * 451 taken down) and a published comment on one (404). Anonymous: 401;
 * suspended: 403. Nothing here invalidates a page: the caller does.
 */
#ifndef HAO_LIKE_H
#define HAO_LIKE_H

#include <stdint.h>

#include "db/db.h"
#include "site/audience/audience.h"

/* on = 1 like, 0 unlike. 0 with *likes the target's count after, or -1 with e. */
int like_work(db_t *db, const aud_actor_t *a, const char *work_id, int on, int64_t *likes, aud_err_t *e);
int like_comment(db_t *db, const aud_actor_t *a, int64_t comment_id, int on, int64_t *likes, aud_err_t *e);

/* 1 when user likes the work, 0 not, -1 error. */
int like_work_has(db_t *db, int64_t user, const char *work_id);

#endif
