/*
 * security.h — what an account holder controls about their own security,
 * under /account/security: the overview, the sessions list, and the shared
 * pieces the other pages of this folder use (the security event: audit entry
 * plus mail; throttling of second-factor guesses; describing a device).
 *
 * Owns the sessions table's name, scope, user_agent, address and last_seen
 * columns (the rows themselves are accounts/account.h's). Everything here
 * runs on a loop thread and is quick: slow work (argon2id) is in password.c
 * and goes to the worker pool.
 */
#ifndef HAO_SECURITY_H
#define HAO_SECURITY_H

#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"

/* A security event on account uid (inside the caller's transaction): an
 * audit entry (actor "user:HANDLE" or the given actor; subject
 * "user:HANDLE") and, when SMTP is set and the account has an address, a
 * bilingual mail saying what happened (what_zh / what_en, one sentence
 * each). Returns 0, or -1 when either could not be written. */
int sec_event(db_t *db, int64_t uid, const char *actor, const char *action, const char *detail, const char *what_zh,
              const char *what_en);

/* Record where a new session or token was made (User-Agent, address, now). */
void sec_session_describe(hreq_t *r, const char *token_hash);
/* A session or token seen again: last_seen is refreshed when older than a
 * minute (one write a minute per session, not one per request). */
void sec_session_seen(hreq_t *r, const char *token_hash, int64_t last_seen);
/* "Firefox on Linux" from a User-Agent header; writes plain text. */
void sec_device(buf_t *b, const char *user_agent);

/* The largest scope the role allows, and the scope named by a word
 * ("read", "write", "moderate", "admin"; SCOPE_NONE otherwise). */
enum scope sec_scope_max(enum role role);
enum scope sec_scope_from(const char *name);
const char *sec_scope_name(enum scope s);

/* Second-factor guesses: throttled per account and per address (the login
 * throttle's table and window). 1 when either has too many failures. */
int sec_throttled(hreq_t *r, int64_t uid);
void sec_note_failure(hreq_t *r, int64_t uid);
void sec_clear_failures(hreq_t *r, int64_t uid);
/* A per-address rate for kind (e.g. "reset"): 1 when limit requests were
 * made from this address in the window (refuse), else counts this one. */
int sec_rate(hreq_t *r, const char *kind, int limit);

/* The overview page's header links (password, sessions, tokens, 2FA...). */
void sec_nav(hreq_t *r, buf_t *b, const char *here);

/* Handlers (routes.c). */
void sec_overview_page(hreq_t *r);   /* GET /account/security */
void sec_sessions_page(hreq_t *r);   /* GET /account/security/sessions */
void sec_sessions_post(hreq_t *r);   /* POST /account/security/sessions */

#endif
