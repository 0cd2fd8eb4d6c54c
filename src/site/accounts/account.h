/*
 * account.h — accounts, sessions, API tokens, login throttling, first-run
 * setup. Owns the users, sessions and throttle tables.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str) on the
 * worker pool, never on a loop thread. Session cookies and API tokens are 32
 * random bytes; only their SHA-256 is stored, so a database leak does not
 * leak live sessions. Web sessions use the HttpOnly, SameSite=Lax cookie
 * "hao_session" (Secure behind TLS); API tokens are sent as
 * "Authorization: Bearer TOKEN" and are the only credential API routes accept.
 */
#ifndef HAO_ACCOUNT_H
#define HAO_ACCOUNT_H

#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"

/* Fill r->user from the request's credentials: the bearer token on API
 * routes, the session cookie elsewhere. Anonymous is not an error. Returns
 * -1 only when a bearer token was presented and is not valid (answer 401). */
int account_identify(hreq_t *r);

/* Look a user up by handle (case-insensitive). 1 found, 0 not, -1 error. */
int account_by_handle(db_t *db, const char *handle, user_t *out);
/* 1 if handle is 3-30 of [a-z0-9_], starting with a letter (after lower-casing). */
int account_handle_ok(const char *handle);
enum role account_role_from(const char *name); /* ROLE_NONE if unknown */
const char *account_role_name(enum role role);

/* `hao user add`: create a user with password (argon2id, synchronously: the
 * CLI has no loop to protect). Returns 0, or -1 with a sentence in err. */
int account_cli_add(db_t *db, const char *handle, const char *display_name, const char *role,
                    const char *password, buf_t *err);

/* Start a browser session for uid: the row (with where it was made) and
 * the hao_session cookie. 0, or -1 when the row could not be written. */
int account_start_session(hreq_t *r, int64_t uid);

/* Handlers (routes.c). */
void account_login_page(hreq_t *r);
void account_login_post(hreq_t *r);
void account_register_page(hreq_t *r);
void account_register_post(hreq_t *r);
void account_logout_post(hreq_t *r);
void account_setup_page(hreq_t *r);
void account_setup_post(hreq_t *r);
void account_tokens_post(hreq_t *r);

#endif
