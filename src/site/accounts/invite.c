/*
 * invite.c — see invite.h.
 */
#include "site/accounts/invite.h"

#include <stdio.h>
#include <string.h>

#include "core/token.h"

int invite_create(db_t *db, const aud_actor_t *a, int64_t ttl, char token[INVITE_TOKEN_LEN + 1], int64_t *id,
                  aud_err_t *e)
{
    token[0] = 0;
    *id = 0;
    aud_user_t u;
    if (aud_actor(db, a, &u, e) < 0)
        return -1;
    if (!u.admin)
        return aud_fail(e, 403, "forbidden", "err.forbidden", NULL);
    if (ttl == 0)
        ttl = INVITE_TTL_DEFAULT;
    if (ttl < 1 || ttl > INVITE_TTL_MAX)
        return aud_fail(e, 422, "invalid", "invite.err.ttl", "ttl");
    char hash[65];
    token_new(token, INVITE_TOKEN_LEN + 1, hash);
    db_stmt_t *st = db_prepare(db, "INSERT INTO invites(token_hash, created_by, created_at, expires_at) "
                                   "VALUES (:h, :u, :t, :x) RETURNING id");
    db_bind_text(st, ":h", hash);
    db_bind_int(st, ":u", u.id);
    db_bind_int(st, ":t", a->now);
    db_bind_int(st, ":x", a->now + ttl);
    *id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (!*id) {
        token[0] = 0;
        return aud_fail(e, 500, "internal", "err.internal", NULL);
    }
    return 0;
}

/* The hash of a well-formed token, or 0. */
static int hash_of(const char *token, char hash[65])
{
    if (!token || strlen(token) != INVITE_TOKEN_LEN)
        return 0;
    token_sha256_hex(token, hash);
    return 1;
}

int invite_valid(db_t *db, const char *token, int64_t now)
{
    char hash[65];
    if (!hash_of(token, hash))
        return 0;
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM invites WHERE token_hash = :h AND used_by IS NULL "
                                   "AND expires_at > :t");
    db_bind_text(st, ":h", hash);
    db_bind_int(st, ":t", now);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int invite_redeem(db_t *db, const char *token, int64_t user_id, int64_t now)
{
    char hash[65];
    if (!hash_of(token, hash))
        return 0;
    db_stmt_t *st = db_prepare(db, "UPDATE invites SET used_by = :u, used_at = :t WHERE token_hash = :h "
                                   "AND used_by IS NULL AND expires_at > :t");
    db_bind_int(st, ":u", user_id);
    db_bind_int(st, ":t", now);
    db_bind_text(st, ":h", hash);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    return db_changes(db) == 1 ? 1 : 0;
}

int invite_list(db_t *db, invite_t out[INVITE_LIST_MAX])
{
    db_stmt_t *st = db_prepare(db, "SELECT i.id, i.created_at, i.expires_at, i.used_at, u.handle FROM invites i "
                                   "LEFT JOIN users u ON u.id = i.used_by ORDER BY i.id DESC LIMIT :lim");
    db_bind_int(st, ":lim", INVITE_LIST_MAX);
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < INVITE_LIST_MAX) {
        invite_t *v = &out[n++];
        v->id = db_col_int(st, 0);
        v->created_at = db_col_int(st, 1);
        v->expires_at = db_col_int(st, 2);
        v->used_at = db_col_int(st, 3);
        snprintf(v->used_by, sizeof v->used_by, "%s", db_col_text(st, 4));
    }
    db_done(st);
    return rc == DB_ERROR ? -1 : n;
}
