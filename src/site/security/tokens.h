/*
 * tokens.h — API tokens as people expect them: made on a page with a name, a
 * scope (read < write < moderate < admin, each including the ones before;
 * at most what the account's role allows) and an optional expiry; shown
 * once (only a SHA-256 is stored, in the sessions table as kind 'api');
 * listed with their last use; revoked. The router refuses a token on a
 * route beyond its scope with 403 (http.h: route_scope); a revoked or
 * expired token is a 401 (accounts/account.h: account_identify).
 *
 * Loop thread only; nothing slow (a token is 32 random bytes, no argon2id).
 */
#ifndef HAO_SEC_TOKENS_H
#define HAO_SEC_TOKENS_H

#include "db/db.h"
#include "http/http.h"

#define SEC_TOKEN_NAME_MAX 60

/* Create a token for uid (inside or outside a transaction): name (1-60
 * characters of one line), scope, expires_at (unix seconds; 0 = never).
 * token gets the secret (64 hex + NUL). Records where it was made (r) and a
 * security event. 0, or -1 on a storage error. */
int sec_token_create(hreq_t *r, int64_t uid, const char *name, enum scope scope, int64_t expires_at, char token[65]);

/* Handlers (routes.c). */
void sec_tokens_page(hreq_t *r);   /* GET /account/security/tokens */
void sec_tokens_post(hreq_t *r);   /* POST /account/security/tokens (create) */
void sec_tokens_revoke(hreq_t *r); /* POST /account/security/tokens/revoke */

#endif
