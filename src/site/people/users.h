/*
 * users.h — managing accounts in the browser (issue 18, item 2): the list
 * with search and pages, role changes, suspension and reinstatement with a
 * written reason, every change audited. Owned by the people part; reads
 * and updates the users table (whose rows account.h creates) and removes a
 * suspended account's sessions.
 *
 * Rules (one transaction each, with its audit entry):
 *   - a role is one of reader, creator, moderator, admin;
 *   - the last active admin can be neither demoted nor suspended (the site
 *     would have nobody left to run it);
 *   - suspending needs a reason (shown to the user when they sign in, as
 *     repeat-infringer suspensions are), and ends their sessions;
 *   - reinstating needs a reason; it also restarts the strike count
 *     (takedown.h reads the newest "user.reinstate" entry).
 * Audit: "user.role" on "user:HANDLE" (as `hao user add` writes it),
 * "user.suspend" and "user.reinstate" on "user:ID" (as takedown.c does).
 */
#ifndef HAO_PEOPLE_USERS_H
#define HAO_PEOPLE_USERS_H

#include <stdint.h>

#include "db/db.h"
#include "http/http.h"

#define PEOPLE_REASON_MAX 500 /* characters of a suspension or reinstatement reason */
#define PEOPLE_PAGE 50        /* users per page of the list */

/* Why a change was refused: HTTP status, machine word, i18n key, field. */
typedef struct {
    int status;
    const char *code;
    const char *key;
    const char *field; /* "role" or "reason", or NULL */
} people_err_t;

/* Set user_id's role. 0 (also when unchanged), or -1 with e: 422 invalid
 * role, 404 no such user, 409 last_admin, 503/500 storage. */
int people_set_role(db_t *db, const char *actor, int64_t user_id, const char *role, people_err_t *e);
/* Suspend an active account with reason: 0, or -1 with e: 422 reason, 404,
 * 409 not_active, 409 last_admin, 409 self, 503/500. */
int people_suspend(db_t *db, const char *actor, int64_t actor_id, int64_t user_id, const char *reason,
                   people_err_t *e);
/* Reinstate a suspended account with reason: 0, or -1 with e: 422 reason,
 * 404, 409 not_suspended, 503/500. */
int people_reinstate(db_t *db, const char *actor, int64_t user_id, const char *reason, people_err_t *e);

/* Handlers (routes.c), ROLE_ADMIN. */
void people_users_page(hreq_t *r);     /* GET  /admin/users?q=&page=         */
void people_user_page(hreq_t *r);      /* GET  /admin/users/:id              */
void people_role_post(hreq_t *r);      /* POST /admin/users/:id/role   (CSRF) */
void people_suspend_post(hreq_t *r);   /* POST /admin/users/:id/suspend (CSRF) */
void people_reinstate_post(hreq_t *r); /* POST /admin/users/:id/reinstate (CSRF) */

/* The admin pages' own navigation (settings, users, audit, invitations),
 * current marked with aria-current. */
void people_admin_nav(hreq_t *r, buf_t *b, const char *current);

#endif
