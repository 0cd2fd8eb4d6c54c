/*
 * work.h — works (articles): the domain rules every entry point shares.
 *
 * The studio forms, the JSON API and `hao import` all create and change works
 * through these functions, so validation, revisions, tags, the search index
 * and page-cache invalidation happen the same way whichever door was used.
 * Owns the works, revisions and tags tables.
 *
 * Lifecycle: draft -> published -> (unpublished back to) draft; any state ->
 * deleted (hidden everywhere, kept for the evidence-retention period); a
 * rights-holder notice may move a work to taken_down (answers 451).
 *
 * Every write runs in one transaction: the work row, its revision, its tags
 * and its search-index entry change together or not at all.
 */
#ifndef HAO_WORK_H
#define HAO_WORK_H

#include <stdint.h>

#include "core/buf.h"
#include "core/declaration.h"
#include "db/db.h"
#include "provenance/provenance.h"

#define WORK_ID_LEN 16
#define WORK_TITLE_MAX 100      /* characters */
#define WORK_BODY_MAX 200000    /* bytes */
#define WORK_TAGS_MAX 10
#define WORK_TAG_MAX 30         /* characters */
#define WORK_SUMMARY_MAX 200    /* characters of a creator's summary */
#define WORK_COVER_LEN 16       /* a media id (media.h MEDIA_ID_LEN) */

typedef struct {
    char id[WORK_ID_LEN + 1];
    int64_t author_id;
    char *author_handle;
    char *author_name;
    char *title;
    char *body;
    const declaration_t *declaration;
    char status[16];
    int rev;
    int64_t created_at, updated_at, published_at, views;
    int ntags;
    char **tags;
    char *content_hash;
    int original;      /* the creator claims 原创 (checked: see work_input_t.original) */
    provenance_t prov; /* AI label, similar earlier works, source (provenance.h) */
    /* the audience (site/audience/comment.h, like.h): kept by their modules */
    int comments_open;                             /* comments_mode = 'open' */
    int64_t comments_count, likes_count, pinned_comment; /* published comments; likes; 0: none pinned */
    /* reading (summary.h): the creator's summary ("" = generated from the
     * first paragraph) and chosen cover picture ("" = the first picture) */
    char *summary;
    char cover[WORK_COVER_LEN + 1];
} work_t;

/* Fields to set; NULL means "leave as is" on update ("" on create). */
typedef struct {
    const char *title;
    const char *body;
    const char *declaration; /* a code from the declarations table */
    const char *tags;        /* comma-separated (ASCII or full-width commas) */
    int ntags_list;          /* alternatively a list (API): used when tags_list != NULL */
    const char *const *tags_list;
    int set_original;        /* set the 原创 claim to original (else leave it) */
    int original;            /* refused (422, key work.err.not_original) when the
                                text substantially copies an earlier work by
                                another creator */
    const char *summary;     /* one paragraph, at most WORK_SUMMARY_MAX characters;
                                "" = generate it from the body (summary.h) */
    const char *cover;       /* "" or the id of a picture the author uploaded
                                (422 work.err.cover otherwise) */
} work_input_t;

/* A validation failure: which field, the i18n key of the message, the status. */
typedef struct {
    const char *field;
    const char *key;
    int status;
    char other_id[WORK_ID_LEN + 1]; /* not_original: the earlier work it copies */
} work_err_t;

/* 1 and *w filled (free with work_free), 0 not found (or deleted), -1 error. */
int work_get(db_t *db, const char *id, work_t *w);
void work_free(work_t *w);

/* Validate in. On failure return -1 and fill e. creating: every field must be
 * valid and the title present. */
int work_validate(const work_input_t *in, int creating, work_err_t *e);

/* Create a draft by author; id_out gets the new id. 0, or -1 with e
 * (e->status 500 for a storage failure). */
int work_create(db_t *db, int64_t author_id, const work_input_t *in, char id_out[WORK_ID_LEN + 1], work_err_t *e);
/* work_create with the originality check of a 原创 claim already made
 * elsewhere: pre for the text whose content hash is pre_hash (see
 * work_update_checked). */
int work_create_checked(db_t *db, int64_t author_id, const work_input_t *in, const orig_result_t *pre,
                        const char *pre_hash, char id_out[WORK_ID_LEN + 1], work_err_t *e);
/* Apply a partial update as a new revision. */
int work_update(db_t *db, const char *id, const work_input_t *in, work_err_t *e);
/* work_update with an originality check already made elsewhere (a pool
 * thread): pre is its result for the text whose content hash is pre_hash,
 * used when that is the text to check; otherwise the check runs here. */
int work_update_checked(db_t *db, const char *id, const work_input_t *in, const orig_result_t *pre,
                        const char *pre_hash, work_err_t *e);
/* Whether work_update(in) on w would run the originality check, and on
 * which text and publication order (for running it elsewhere first). */
int work_update_needs_check(const work_t *w, const work_input_t *in, const char **body, int64_t *before_seq);
/* Publish (sets published_at the first time), unpublish, delete.
 * Publishing runs the originality check (originality.h) and records its
 * result with the state change; an edit of a published work rechecks. A work
 * claiming 原创 that copies an earlier one is refused (422, not published). */
int work_publish(db_t *db, const char *id, work_err_t *e);
/* work_publish with the originality check already made elsewhere (on a pool
 * thread's connection): pre is its result for the text whose content hash
 * is pre_hash. Used when the text is still that one; otherwise (or with pre
 * NULL) the check runs here. */
int work_publish_checked(db_t *db, const char *id, const orig_result_t *pre, const char *pre_hash, work_err_t *e);
int work_unpublish(db_t *db, const char *id, work_err_t *e);
int work_delete(db_t *db, const char *id, work_err_t *e);

/* Content hash of a body (hex SHA-256 of the text as stored). */
void work_hash(const char *body, char out[65]);
/* The id of a live work (not deleted) with this content hash, by any author; 1 found. */
int work_find_by_hash(db_t *db, const char *hash, char id_out[WORK_ID_LEN + 1]);

/* Listing for feeds, author and tag pages, the API, the studio. */
typedef struct {
    const char *author;      /* handle, or NULL */
    int64_t author_id;       /* or an id (studio: own works, all statuses) */
    const char *tag;         /* or NULL */
    int64_t before;          /* published_at (or updated_at for studio) cursor, 0 = newest */
    const char *before_id;   /* tie-breaker with before */
    int limit;               /* 1..100 */
    int include_drafts;      /* studio: drafts and taken-down works of author_id too */
} work_query_t;

typedef struct {
    int n;
    work_t *items; /* bodies are filled too (for excerpts) */
    int more;      /* another page exists */
} work_list_t;

int work_list(db_t *db, const work_query_t *q, work_list_t *out);

/* The works ids[0..n) (n at most WORK_IDS_MAX), in that order, each as
 * work_get loads it, in four statements whatever n (the timeline's page of
 * ids would cost four per work one by one). Ids of works that are deleted
 * or gone are left out, and so are those not published when
 * published_only. 0 with *out (free with work_list_free; out->more 0), or -1. */
#define WORK_IDS_MAX 50
int work_list_ids(db_t *db, const char *const *ids, int n, int published_only, work_list_t *out);
void work_list_free(work_list_t *l);

/* An excerpt of the body as plain text, at most max_chars characters. */
void work_excerpt(const char *body, size_t max_chars, buf_t *out);

#endif
