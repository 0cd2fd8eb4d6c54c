/*
 * notify.h — the in-site inbox: a comment on my work, a reply to my
 * comment, a like, a new follower, a moderation outcome; the unread count
 * the header shows; marking read. Owns the notifications table.
 *
 * A notification is written by the module whose event it reports, inside
 * that event's transaction (notify_add), so an event that rolls back leaves
 * no notification behind. Nobody is told of their own act. A like or a
 * follow notifies once per actor and target, ever: undoing and redoing it
 * does not ring again (a like button is not a doorbell).
 *
 * Reads are cheap by index: the unread count counts a partial index of the
 * unread rows of one recipient (and stops at NOTIFY_UNREAD_CAP, shown as
 * "999+"), the inbox pages by id, newest first.
 */
#ifndef HAO_NOTIFY_H
#define HAO_NOTIFY_H

#include <stdint.h>

#include "db/db.h"
#include "site/works/work.h"

#define NOTIFY_PAGE_MAX 100
#define NOTIFY_MARK_MAX 100 /* ids in one notify_mark_read */
#define NOTIFY_UNREAD_CAP 1000
#define NOTIFY_DETAIL_MAX 500 /* bytes of detail kept */

typedef struct {
    int64_t id;
    char kind[12];    /* comment | reply | like | follow | moderation */
    int64_t actor_id; /* 0: the platform */
    char actor_handle[32];
    char *actor_name;              /* "" for the platform */
    char work_id[WORK_ID_LEN + 1]; /* "" if none */
    char *work_title;              /* "" if none */
    int64_t comment_id;            /* 0 if none */
    char *detail;                  /* moderation: the outcome in a sentence */
    int64_t created_at, read_at;   /* read_at 0: unread */
} notify_t;

typedef struct {
    int n;
    notify_t *items;
    int64_t next; /* pass as before for the next page; 0 when this is the last */
} notify_page_t;

/* Record that actor did kind to recipient (work_id NULL and comment_id 0
 * when none apply; actor 0 for the platform; detail NULL or a sentence,
 * cut at NOTIFY_DETAIL_MAX bytes on a character boundary). Inside the
 * caller's write transaction. Returns 1 written, 0 skipped (actor is the
 * recipient, or a repeated like or follow, or recipient 0), -1 error. */
int notify_add(db_t *db, int64_t recipient, const char *kind, int64_t actor, const char *work_id, int64_t comment_id,
               const char *detail, int64_t now);

/* A moderation outcome, from the platform (actor 0), for recipient, or
 * with recipient 0 for the author of work_id: what is "takedown" (the work
 * was removed), "restore" (it is back), "complaint_rejected" (the complaint
 * against its removal was rejected), "comment_takedown" or "comment_restore"
 * (comment_id); reason the statement given, or NULL. The detail is one
 * sentence in both languages (the inbox shows it as written). Inside the
 * caller's transaction; returns as notify_add (-1 for an unknown what). */
int notify_moderation(db_t *db, int64_t recipient, const char *what, const char *work_id, int64_t comment_id,
                      const char *reason, int64_t now);

/* The user's unread notifications, at most NOTIFY_UNREAD_CAP; -1 on error. */
int64_t notify_unread(db_t *db, int64_t user);

/* A page of the user's inbox, newest first: before 0 for the first page,
 * else the previous page's next; limit 1..NOTIFY_PAGE_MAX (others: 20).
 * unread_only keeps unread ones. 0 with *out filled (notify_page_free), or -1. */
int notify_list(db_t *db, int64_t user, int unread_only, int64_t before, int limit, notify_page_t *out);
void notify_page_free(notify_page_t *p);

/* Mark read the user's notifications among ids[0..n) (n at most
 * NOTIFY_MARK_MAX; others' ids and read ones are left alone), or all of the
 * user's with ids NULL. One transaction. Returns how many changed, or -1
 * (also for n out of range). */
int notify_mark_read(db_t *db, int64_t user, const int64_t *ids, int n, int64_t now);

#endif
