/*
 * comment.h — comments (跟贴) on published works: posting and replying,
 * editing and deleting one's own, the creator's say over the comments on
 * their works (remove, pin, close, block), moderators' review of held
 * comments, and listing. Owns the comments and comment_blocks tables and
 * the works columns comments_mode, comments_count and pinned_comment.
 *
 * A comment is plain text (comment_text.h: its stored form and its HTML).
 * Threads are one level deep: a reply's parent_id is the thread's root, and
 * a reply to a reply joins the same thread and records whom it answers
 * (reply_to), as 网易跟贴 and most comment systems show them.
 *
 * Lifecycle: published, or pending when held for review (site setting
 * comments = review; the first comment_hold_first comments of an account;
 * a word of comment_keywords), until a moderator approves (published) or
 * removes it. The author may delete it (deleted); the work's creator or a
 * moderator may remove it (removed, with who and why: the placeholder
 * readers see and the statement of reasons the commenter gets); a
 * rights-holder notice takes it down (removed by 'takedown', through
 * comment_take_down) and a counter-notice may restore it. A comment on a
 * work that is not published (a draft, deleted, taken down) is not shown
 * nor answered: it goes and comes back with its work.
 *
 * Posting rules, in the order they are checked (comment_post):
 *   401 not signed in; 403 account suspended;
 *   404 the work is not published (draft, deleted, no such work), 451 it
 *   was taken down; 403 comments = off for the site, or closed on the work,
 *   or the creator blocked this account;
 *   422 the text (empty, too long, invalid UTF-8, control characters);
 *   422 the parent is not a published comment of the same work;
 *   429 more than comment_rate_minute / comment_rate_hour comments by the
 *   account, or comment_addr_rate_minute / comment_addr_rate_hour from the
 *   address, in the last minute / hour (moderators are not limited);
 *   409 the same text as the account's previous comment (anywhere).
 * The creator of the work and moderators are never held for review.
 *
 * Transactions: each write is one transaction holding the comment row, the
 * counters it moves (works.comments_count counts published comments, a
 * root's replies its published replies, a comment's likes are like.h's)
 * and the notifications it causes (notify.h), so a count never drifts from
 * the rows. Checks that read earlier rows (rate, repeated text, the first
 * N) run inside it, under the write lock db_begin takes. comment_take_down,
 * comment_restore and comment_purge_* instead run inside the caller's
 * transaction (trust and safety's, with its audit entries).
 *
 * Caching: nothing here invalidates a page. After a successful write the
 * caller invalidates the work's page (and, lazily, the lists that show its
 * comments_count).
 */
#ifndef HAO_COMMENT_H
#define HAO_COMMENT_H

#include <stdint.h>

#include "db/db.h"
#include "site/audience/audience.h"
#include "site/audience/comment_text.h"

#define COMMENT_PAGE_MAX 50
#define COMMENT_REPLIES_SHOWN 3 /* replies listed under each root; the rest by comment_replies */
#define COMMENT_REASON_MAX 500  /* characters of a removal reason */

typedef struct comment {
    int64_t id;
    char work_id[WORK_ID_LEN + 1];
    int64_t author_id;
    char author_handle[32];
    char *author_name;
    int64_t parent_id; /* the thread's root; 0 on a root */
    int64_t reply_to;  /* the account a reply answers; 0 on a root */
    char reply_to_handle[32];
    char status[12];               /* published | pending | deleted | removed */
    char held[16];                 /* pending: review | new_account | keyword */
    char removed_by[12];           /* removed: creator | moderator | takedown */
    int64_t removed_ref;           /* removed_by takedown: its number */
    char *body;                    /* the text when the viewer may read it, else "" (see comment_get) */
    char *reason;                  /* removed: the statement of reasons */
    int64_t likes, replies;        /* replies: a root's published replies */
    int64_t created_at, edited_at; /* edited_at 0: never edited */
    int liked;                     /* the viewer likes it */
    int pinned;                    /* the work's pinned comment */
    int nshown;                    /* a root in a list: its first replies */
    struct comment *shown;
} comment_t;

void comment_free(comment_t *c);

/* Post body[0..len) on work_id, as a reply when parent is not 0. 0 with
 * *out filled (status published or pending), or -1 with e; nothing is
 * written on a refusal. */
int comment_post(db_t *db, const aud_actor_t *a, const char *work_id, const char *body, size_t len, int64_t parent,
                 comment_t *out, aud_err_t *e);

/* The author changes the text (shown as edited). The rules of posting
 * apply except rate and repetition; an edit that the review setting or a
 * keyword would hold takes a published comment back to pending. The same
 * text again changes nothing. 409 for a removed comment, 404 for a deleted
 * one, 403 for another's. */
int comment_edit(db_t *db, const aud_actor_t *a, int64_t id, const char *body, size_t len, comment_t *out,
                 aud_err_t *e);

/* The author deletes their comment (published or pending). */
int comment_delete(db_t *db, const aud_actor_t *a, int64_t id, aud_err_t *e);

/* The work's creator, or a moderator, removes a comment (published or
 * pending) with reason (at most COMMENT_REASON_MAX characters; required of
 * a moderator acting on someone else's work). The commenter is notified
 * with the reason; a moderator's removal is audited. */
int comment_remove(db_t *db, const aud_actor_t *a, int64_t id, const char *reason, aud_err_t *e);

/* A moderator publishes a pending comment (audited; notifications go out
 * as if it had just been posted). */
int comment_approve(db_t *db, const aud_actor_t *a, int64_t id, aud_err_t *e);

/* The creator (or a moderator) pins a published root comment of their
 * published work above the others, replacing any pinned one; id 0 unpins. */
int comment_pin(db_t *db, const aud_actor_t *a, const char *work_id, int64_t id, aud_err_t *e);

/* The creator (or a moderator) opens or closes comments on a work that is
 * not deleted: mode "open" or "closed". Closing keeps what is there. */
int comment_set_mode(db_t *db, const aud_actor_t *a, const char *work_id, const char *mode, aud_err_t *e);

/* The actor blocks (on = 1) or unblocks the account handle from commenting
 * on the actor's works. Idempotent; 404 no such account, 422 oneself. */
int comment_block(db_t *db, const aud_actor_t *a, const char *handle, int on, aud_err_t *e);
/* The accounts creator blocked, newest first, at most max: their handles
 * into handles[0..max). Returns how many, or -1 on error. */
int comment_block_list(db_t *db, int64_t creator, char (*handles)[32], int max);
/* 1 when creator blocked user, 0 not, -1 error. */
int comment_blocked(db_t *db, int64_t creator, int64_t user);

/* One comment as viewer (0: anonymous) may see it: the body of a published
 * comment, or of the viewer's own pending or removed one; for the others
 * the row without its text (a placeholder), and for another's deleted one
 * without its author either. 1 found, 0 none, -1 error. */
int comment_get(db_t *db, int64_t viewer, int64_t id, comment_t *out);

typedef struct {
    const char *work_id;
    const char *sort;   /* "new" (default) or "hot" (most liked, then newest) */
    const char *before; /* "" or the previous page's next */
    int limit;          /* 1..COMMENT_PAGE_MAX, others 20 */
} comment_query_t;

typedef struct {
    int n;
    comment_t *items;
    comment_t pinned; /* the first page of a work with a pinned comment: it (id 0 otherwise) */
    char next[48];    /* the cursor of the next page, "" when this is the last */
} comment_page_t;

void comment_page_free(comment_page_t *p);

/* A page of a published work's threads as viewer sees them, each root with
 * its first COMMENT_REPLIES_SHOWN replies (oldest first). Shown: published
 * comments; removed ones (as placeholders); deleted roots that still have
 * replies (placeholders); the viewer's own pending ones. The pinned comment
 * is out->pinned on the first page, not among the items. "hot" pages may
 * repeat or skip a comment whose likes changed between pages. 0, or -1 with
 * e (404/451 as comment_post, 422 bad sort or cursor). */
int comment_list(db_t *db, int64_t viewer, const comment_query_t *q, comment_page_t *out, aud_err_t *e);

/* The replies of thread root after the cursor, oldest first. */
int comment_replies(db_t *db, int64_t viewer, int64_t root, const char *after, int limit, comment_page_t *out,
                    aud_err_t *e);

/* The moderators' queue: pending comments, oldest first (403 for others). */
int comment_pending(db_t *db, const aud_actor_t *a, const char *after, int limit, comment_page_t *out, aud_err_t *e);

/* ---- trust and safety: inside the caller's transaction ---- */

/* Take down comment id on takedown number ref with reason, removed by
 * `by`: 'takedown' (a rights-holder notice) or 'report' (an upheld reader
 * report); the commenter is notified. 1 done, 0 it was not published or
 * pending, -1 error. */
int comment_take_down(db_t *db, int64_t id, int64_t ref, const char *by, const char *reason, int64_t now);
/* Restore a comment taken down (a counter-notice, an upheld complaint).
 * 1 restored, 0 it was not taken down, -1 error. */
int comment_restore(db_t *db, int64_t id, int64_t now);
/* Erase the text of every comment of a work whose content is purged, and
 * their likes. Returns the number of comments, -1 on error. */
int comment_purge_work(db_t *db, const char *work_id);
/* Past retention (before = now - retention): erase the text of deleted and
 * removed comments whose status changed before then, and forget the
 * addresses comments were posted from. At most 500 rows of each per call;
 * returns how many rows changed, -1 on error. */
int comment_purge_expired(db_t *db, int64_t before);

#endif
