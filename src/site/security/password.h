/*
 * password.h — changing a password (the current one required) and resetting
 * a forgotten one (an e-mailed link when SMTP is set; otherwise the
 * `hao user reset-password` command). Owns the password_resets table and
 * writes users.pass_hash.
 *
 * argon2id (checking the current password, hashing the new one) runs on the
 * worker pool; a handler validates on the loop and finishes in the job's
 * done(), back on the loop, where it writes in one transaction. A password
 * change ends the account's other browser sessions; a reset ends all of
 * them. API tokens are separate credentials, listed and revoked on the
 * tokens page, and stay. Each change is a security event (security.h).
 */
#ifndef HAO_SEC_PASSWORD_H
#define HAO_SEC_PASSWORD_H

#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"

#define SEC_PASSWORD_MIN 8
#define SEC_PASSWORD_MAX 1024
#define SEC_RESET_TTL (30 * 60)

/* `hao user reset-password HANDLE`: set a new password (argon2id here, in
 * the CLI, which has no loop to protect), end every session of the account,
 * audit it. Returns 0, or -1 with a sentence in err. */
int sec_cli_reset_password(db_t *db, const char *handle, const char *password, buf_t *err);

/* Handlers (routes.c). */
void sec_password_page(hreq_t *r);   /* GET /account/security/password */
void sec_password_post(hreq_t *r);   /* POST /account/security/password */
void sec_reset_page(hreq_t *r);      /* GET /account/reset */
void sec_reset_post(hreq_t *r);      /* POST /account/reset */
void sec_reset_link_page(hreq_t *r); /* GET /account/reset/:token */
void sec_reset_link_post(hreq_t *r); /* POST /account/reset/:token */

#endif
