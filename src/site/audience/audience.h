/*
 * audience.h — what the audience modules share: who is acting, how a
 * refusal is reported, and the two lookups every one of them starts with.
 *
 * The audience is the relationship between a creator and their readers:
 * comments (comment.h), likes (like.h), follows and the timeline
 * (follow.h), the in-site inbox (notify.h) and e-mail subscriptions
 * (subscribe.h). Each module is a domain layer in work.h's shape: it takes a
 * database handle and plain values, applies every rule in one place, and
 * returns 0 or -1 with an aud_err_t the caller turns into a page or a JSON
 * answer. None of them knows about HTTP, HTML pages or the page cache: the
 * caller invalidates what a successful write changed.
 *
 * Time is passed in (aud_actor_t.now) rather than read, so rate limits,
 * expiries and retention are tested at pinned instants; the server passes
 * clock_now().
 */
#ifndef HAO_AUDIENCE_H
#define HAO_AUDIENCE_H

#include <stdint.h>

#include "db/db.h"
#include "site/works/work.h"

/* The account doing something, as the request handler knows it. */
typedef struct {
    int64_t user_id;  /* the signed-in account; 0: anonymous */
    const char *peer; /* the client's address (rq_peer) for per-address limits; NULL or "": none */
    int64_t now;      /* unix seconds: clock_now() in the server */
} aud_actor_t;

/* A refusal. status is the HTTP status the handler answers with (401 not
 * signed in, 403 not allowed, 404 no such thing, 409 conflicts with the
 * current state, 422 bad input, 429 too many, 451 taken down, 500/503
 * storage); code a stable word for the JSON API; key the i18n message. */
typedef struct {
    int status;
    const char *code;
    const char *key;
    const char *field; /* the input at fault, or NULL */
    int retry_after;   /* 429: seconds */
} aud_err_t;

/* An account as the database knows it (not as the request claims). */
typedef struct {
    int64_t id;
    char handle[32];
    int staff; /* moderator or admin */
    int admin;
    int creator; /* may publish: creator, moderator or admin */
    int active;  /* not suspended */
} aud_user_t;

/* A work as the audience modules need it. */
typedef struct {
    char id[WORK_ID_LEN + 1];
    int64_t author_id;
    int open;       /* comments_mode = 'open' */
    int64_t pinned; /* pinned_comment, 0 if none */
} aud_work_t;

/* Fill e; returns -1 so callers can `return aud_fail(...)`. */
int aud_fail(aud_err_t *e, int status, const char *code, const char *key, const char *field);

/* The acting account: 401 when anonymous or unknown, 403 when suspended.
 * 0 and *u filled, or -1 with e. */
int aud_actor(db_t *db, const aud_actor_t *a, aud_user_t *u, aud_err_t *e);

/* An account by handle (case-insensitive). 1 found, 0 not, -1 error. */
int aud_user_by_handle(db_t *db, const char *handle, aud_user_t *u);

/* A work readers may act on: 0 when published; -1 with 404 (no such work,
 * a draft or deleted) or 451 (taken down) in e. */
int aud_work_live(db_t *db, const char *work_id, aud_work_t *w, aud_err_t *e);

/* Cursors of the lists: "ID" or "N.ID" (non-negative decimals, at most 18
 * digits each). Returns the number of parts read (1 or 2), or 0 when s is
 * malformed; NULL or "" reads as no cursor (returns -1). */
int aud_cursor_parse(const char *s, int64_t *a, int64_t *b);

#endif
