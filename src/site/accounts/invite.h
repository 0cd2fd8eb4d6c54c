/*
 * invite.h — invitations for registration = invite: an administrator makes
 * a link, one person registers with it. Owns the invites table.
 *
 * The link's token is random and only its SHA-256 is stored (core/token.h),
 * so a leaked database holds no working invitation. An invitation lasts
 * until expires_at and is used once: invite_redeem marks it used inside the
 * registration's own transaction, so two registrations racing on one link
 * cannot both succeed. (The registration form itself, and the `registration`
 * setting that asks for an invitation, are the accounts pages' business.)
 */
#ifndef HAO_INVITE_H
#define HAO_INVITE_H

#include <stdint.h>

#include "db/db.h"
#include "site/audience/audience.h"

#define INVITE_TOKEN_LEN 64
#define INVITE_TTL_DEFAULT (14 * 24 * 3600)
#define INVITE_TTL_MAX (90 * 24 * 3600)

/* The admin a (403 for anyone else) makes an invitation valid for ttl
 * seconds (1..INVITE_TTL_MAX; 0 means INVITE_TTL_DEFAULT; 422 otherwise).
 * 0 with the token to hand out in token and its number in *id, or -1 with e. */
int invite_create(db_t *db, const aud_actor_t *a, int64_t ttl, char token[INVITE_TOKEN_LEN + 1], int64_t *id,
                  aud_err_t *e);

/* 1 when token is an unused, unexpired invitation at now, 0 when not, -1 error. */
int invite_valid(db_t *db, const char *token, int64_t now);

/* Inside the registration's transaction: mark the invitation used by the new
 * account user_id. 1 done, 0 not valid (unknown, used or expired), -1 error. */
int invite_redeem(db_t *db, const char *token, int64_t user_id, int64_t now);

/* An invitation as the admin page lists it (never its token: only the hash is kept). */
typedef struct {
    int64_t id;
    int64_t created_at, expires_at, used_at; /* used_at 0: not used */
    char used_by[32];                        /* the handle of the account made with it, "" */
} invite_t;

#define INVITE_LIST_MAX 100

/* The newest invitations (at most INVITE_LIST_MAX) into out[]; returns how
 * many, or -1 on error. */
int invite_list(db_t *db, invite_t out[INVITE_LIST_MAX]);

#endif
