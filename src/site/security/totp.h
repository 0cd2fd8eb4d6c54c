/*
 * totp.h — two-factor sign-in with time-based one-time codes (RFC 6238:
 * HMAC-SHA-1, 6 digits, 30-second steps; liboath computes them) and ten
 * one-time recovery codes. Owns the totp, recovery_codes and login_pending
 * tables.
 *
 * Set-up: the account page makes a secret (20 random bytes), shows it as a
 * QR code (libqrencode, drawn as SVG here) and as text; a code from the
 * app confirms it, and only then is it on; the ten recovery codes are shown
 * once and kept as SHA-256 hashes (80 random bits each, so a leaked table
 * cannot be searched). A code is accepted one step either side of now; the
 * newest accepted step is kept so no code works twice; guesses are
 * throttled per account and per address (security.h).
 *
 * Sign-in: after the password, an account with a second factor gets no
 * session but a short-lived hao_pending cookie naming a login_pending row,
 * and the form for the code; only the right code starts the session. When
 * the site requires two-factor sign-in for moderators and admins
 * (setting require_2fa_staff), such an account without it is walked
 * through the set-up at that point instead. The token endpoint takes the
 * code in the same request (its "otp" field).
 *
 * Loop thread only: a code check is two HMACs and a write.
 */
#ifndef HAO_SEC_TOTP_H
#define HAO_SEC_TOTP_H

#include "db/db.h"
#include "http/http.h"

/* After a correct password for uid (account.c). api: the token endpoint,
 * with the code in otp ("" or NULL: none given). Returns 0 when sign-in may
 * go on (no second factor, or api and the code is right); 1 when it has
 * answered: the browser sent to the code form or the set-up, or an API
 * error (401 otp_required / otp_invalid, 403 two_factor_setup_required,
 * 429). */
int sec_second_factor(hreq_t *r, int64_t uid, int api, const char *otp, const char *next);

/* Check a code for uid: a TOTP code (6 digits) or an unused recovery code
 * (used up by this). 1 right, 0 wrong or replayed, -1 storage error. */
int sec_totp_check(db_t *db, int64_t uid, const char *code);

/* 1 when uid has two-factor sign-in on. */
int sec_totp_enabled(db_t *db, int64_t uid);

/* Handlers (routes.c). */
void sec_2fa_page(hreq_t *r);         /* GET /account/security/2fa */
void sec_2fa_post(hreq_t *r);         /* POST /account/security/2fa */
void sec_login_2fa_page(hreq_t *r);   /* GET /login/2fa */
void sec_login_2fa_post(hreq_t *r);   /* POST /login/2fa */

#endif
