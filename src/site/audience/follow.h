/*
 * follow.h — follows (关注): an account follows a creator, sees the
 * creator's works in its timeline (/following), and the creator sees their
 * followers. Owns the follows table and the users columns followers_count
 * and following_count (kept with the rows in one transaction, so the
 * counts a page shows cost no counting).
 *
 * Following is idempotent both ways, like a like (like.h); a new follower
 * notifies the followed account once per follower (notify.h). Following
 * oneself is refused (422), so is a handle nobody has (404).
 *
 * The timeline: the published works of the creators a reader follows,
 * newest first, paged by (published_at, id). It must stay fast for a reader
 * following hundreds of creators among hundreds of thousands of works, so
 * it never walks all the followed creators' works: for each followed
 * creator it reads at most a page of that creator's newest works from the
 * index works_author_pub (author_id, status, published_at, id), and sorts
 * only those (≤ follows × page rows). PostgreSQL says that with a LATERAL
 * subquery; SQLite, which has no LATERAL, bounds each creator's range from
 * below by their page-th newest work (a correlated scalar subquery on the
 * same index). Both plans are checked in tests/unit/test_audience.c.
 */
#ifndef HAO_FOLLOW_H
#define HAO_FOLLOW_H

#include <stdint.h>

#include "db/db.h"
#include "site/audience/audience.h"
#include "site/works/work.h"

#define FOLLOW_PAGE_MAX 100
#define FOLLOW_TIMELINE_MAX 50

typedef struct {
    int following;     /* the actor follows the account now */
    int64_t followee;  /* its id */
    int64_t followers; /* its followers now */
} follow_state_t;

/* The actor follows (on = 1) or unfollows the account handle. 0 with *out,
 * or -1 with e. */
int follow_set(db_t *db, const aud_actor_t *a, const char *handle, int on, follow_state_t *out, aud_err_t *e);

/* 1 when follower follows followee, 0 not, -1 error. */
int follow_is(db_t *db, int64_t follower, int64_t followee);
/* The user's counts. 0, or -1 (unknown user or error). */
int follow_counts(db_t *db, int64_t user, int64_t *followers, int64_t *following);

typedef struct {
    int64_t id;
    char handle[32];
    char *name;
    int64_t since; /* when the follow began */
} follow_user_t;

typedef struct {
    int n;
    follow_user_t *items;
    char next[48]; /* cursor for the next page, "" when last */
} follow_page_t;

/* Who follows user (followers = 1) or whom user follows (followers = 0),
 * newest follow first; before "" or a previous page's next; limit
 * 1..FOLLOW_PAGE_MAX (others: 20). 0, or -1 with e (422 bad cursor). */
int follow_list(db_t *db, int64_t user, int followers, const char *before, int limit, follow_page_t *out, aud_err_t *e);
void follow_page_free(follow_page_t *p);

/* A page of reader's timeline: works published before (before, before_id)
 * (before 0: the newest), at most limit (1..FOLLOW_TIMELINE_MAX, others 20);
 * out->more says another page exists. Free with work_list_free. 0 or -1. */
int follow_timeline(db_t *db, int64_t reader, int64_t before, const char *before_id, int limit, work_list_t *out);

/* The timeline statement this store runs (parameters :me, :before, :bid,
 * :lim), for EXPLAIN in tests and benchmarks. */
const char *follow_timeline_sql(void);

#endif
