/*
 * leave.h — leaving: a user downloads their data and deletes their account.
 *
 * The download is one JSON document: the profile, works (with tags; the
 * portability export may later replace this part), comments, likes, follows
 * and e-mail subscriptions, both to the user's creators and of readers to
 * them (addresses are theirs to know only for their own).
 *
 * Deletion asks for the password (argon2id on the worker pool) and whether
 * the works go or stay. Works that go are deleted as the studio deletes them
 * (works/work.h), each in its own transaction, before the account; works
 * that stay show the author as deleted. Then, in one transaction: the
 * handle becomes "deleted_ID", the display name a fixed label, the address,
 * password, sessions, tokens, second factors, passkeys, likes, follows,
 * subscriptions and notifications go, comments are emptied and marked
 * deleted; users.deleted_at is set; the audit log gets "user:ID deleted"
 * with no handle, name or address. A farewell notice is mailed first (the
 * address is gone after). Admins do the same with `hao user delete`.
 */
#ifndef HAO_SEC_LEAVE_H
#define HAO_SEC_LEAVE_H

#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"

/* Write uid's data as one JSON object into out. 0, or -1 on a storage error. */
int sec_export_json(db_t *db, int64_t uid, buf_t *out);

/* Delete account uid: keep_works 1 keeps its works under a deleted author,
 * 0 deletes them first. actor is the audit actor ("self", "cli"). 0, or -1
 * with a sentence in err. Not for the last admin (refused). */
int sec_delete_account(db_t *db, int64_t uid, int keep_works, const char *actor, buf_t *err);

/* `hao user delete HANDLE [--keep-works]`. 0, or -1 with a sentence in err. */
int sec_cli_delete(db_t *db, const char *handle, int keep_works, buf_t *err);

/* Handlers (routes.c). */
void sec_leave_page(hreq_t *r);   /* GET /account/security/leave */
void sec_export_get(hreq_t *r);   /* GET /account/security/data.json */
void sec_delete_post(hreq_t *r);  /* POST /account/security/delete */

#endif
