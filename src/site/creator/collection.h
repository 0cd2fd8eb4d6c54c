/*
 * collection.h — collections (合集): an ordered series of one creator's
 * works with a title, a description and a cover picture (a media id of
 * the creator's images). Owns collections and collection_works, plain
 * tables (portability exports them as they are).
 *
 * Rules: a collection holds only its author's works (another creator's is
 * refused, 422 foreign_work), at most COLL_WORKS_MAX; a work can be in
 * several. Readers see only the published members, in the collection's
 * order; a work that is deleted or taken down leaves every collection (and
 * its pin, and its pending schedule) in the same transaction as its state
 * change (coll_work_gone, called by work.c and takedown.c).
 *
 * Domain functions take the caller's connection, one transaction each,
 * and signal the page cache (changed.h); coll_work_gone runs inside the
 * caller's. Handlers (collection_page.c) run on the request's loop.
 */
#ifndef HAO_CREATOR_COLLECTION_H
#define HAO_CREATOR_COLLECTION_H

#include <stdint.h>

#include "db/db.h"
#include "site/creator/creator.h"
#include "site/works/work.h"

#define COLL_TITLE_MAX 100  /* characters */
#define COLL_DESC_MAX 2000  /* characters */
#define COLL_WORKS_MAX 200
#define COLL_PER_AUTHOR_MAX 100

typedef struct {
    int64_t id, author_id, created_at, updated_at;
    char title[COLL_TITLE_MAX * 4 + 1];
    char *description; /* malloc'ed */
    char cover[WORK_ID_LEN * 2 + 1];
    char author_handle[32];
    char author_name[256];
} coll_t;

/* 1 with *c (free with coll_free), 0 none, -1 error. */
int coll_get(db_t *db, int64_t id, coll_t *c);
void coll_free(coll_t *c);

/* Create: 0 with *id, or -1 with e (422 invalid: title, description,
 * cover; 409 too_many). */
int coll_create(db_t *db, int64_t author_id, const char *title, const char *desc, const char *cover, int64_t *id,
                cr_err_t *e);
/* Change the fields given (NULL: keep). 0, or -1 with e (404, 403, 422). */
int coll_update(db_t *db, int64_t id, int64_t author_id, const char *title, const char *desc, const char *cover,
                cr_err_t *e);
int coll_delete(db_t *db, int64_t id, int64_t author_id, cr_err_t *e);
/* Add work_id at the end (0 also when already in), remove it (404
 * not_member), move it one place up (dir -1) or down (+1). */
int coll_add(db_t *db, int64_t id, int64_t author_id, const char *work_id, cr_err_t *e);
int coll_remove(db_t *db, int64_t id, int64_t author_id, const char *work_id, cr_err_t *e);
int coll_move(db_t *db, int64_t id, int64_t author_id, const char *work_id, int dir, cr_err_t *e);
/* Make the members exactly ids[0..n), in that order (reorder, or the API's
 * whole list). Every id must be the author's live work, none twice. */
int coll_set(db_t *db, int64_t id, int64_t author_id, const char *const *ids, int n, cr_err_t *e);
/* Put work_id (author's) in exactly the collections cids[0..n) of author. */
int coll_set_for_work(db_t *db, int64_t author_id, const char *work_id, const int64_t *cids, int n, cr_err_t *e);

/* The member ids in order (published only, or all but deleted/taken down):
 * n (at most COLL_WORKS_MAX), or -1. ids is an array of COLL_WORKS_MAX. */
int coll_members(db_t *db, int64_t id, int published_only, char (*ids)[WORK_ID_LEN + 1]);

/* work_id was deleted or taken down: out of every collection, unpinned,
 * its pending schedule cancelled. Inside the caller's transaction. 0/-1. */
int coll_work_gone(db_t *db, const char *work_id);

#endif
