/*
 * review.c — review before publish (先审后发): with the setting on, a
 * creator's draft waits in /mod when published, and a moderator publishes or
 * refuses it with a reason. See review.h.
 */
#include "site/trust/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "site/trust/audit.h"
#include "site/trust/moderation.h"
#include "site/ops/settings.h"
#include "site/works/work.h"

int review_hold(hreq_t *r, const char *work_id)
{
    if (r->user.role >= ROLE_MODERATOR || !settings_is(r->db, "review_before_publish", "on"))
        return 0;
    work_t w;
    int rc = work_get(r->db, work_id, &w);
    if (rc <= 0)
        return rc; /* unknown: work_publish answers it */
    int published = strcmp(w.status, "published") == 0, draft = strcmp(w.status, "draft") == 0;
    int rev = w.rev;
    const char *body = w.body;
    size_t bl = strlen(body);
    text_trim(&body, &bl);
    work_free(&w);
    if (published || !draft || bl == 0)
        return 0; /* (an empty body is work_publish's 422 to give) */
    db_stmt_t *st = db_prepare(r->db, "SELECT status, rev FROM reviews WHERE work_id = :w");
    db_bind_text(st, ":w", work_id);
    char status[16] = "";
    int64_t reviewed = -1;
    if (db_step(st) == DB_ROW) {
        snprintf(status, sizeof status, "%s", db_col_text(st, 0));
        reviewed = db_col_int(st, 1);
    }
    db_done(st);
    if (strcmp(status, "approved") == 0 && reviewed == rev)
        return 0;
    if (strcmp(status, "pending") == 0 && reviewed == rev)
        return 1;
    if (db_begin(r->db) < 0)
        return -1;
    st = db_prepare(r->db, "INSERT INTO reviews(work_id, rev, status, requested_at) VALUES (:w, :rev, 'pending', :t) "
                           "ON CONFLICT(work_id) DO UPDATE SET rev = excluded.rev, status = 'pending', reason = '', "
                           "requested_at = excluded.requested_at, decided_at = NULL, decided_by = NULL");
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":rev", rev);
    db_bind_int(st, ":t", clock_now());
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    char subj[48], actor[64];
    snprintf(subj, sizeof subj, "work:%s", work_id);
    mod_actor(r, actor);
    if (!ok || audit_appendf(r->db, actor, "review.request", subj, "revision %d", rev) < 0 || db_commit(r->db) < 0) {
        db_rollback(r->db);
        return -1;
    }
    return 1;
}

/* The review of d->work_id is not pending: decided already (rc DB_DONE:
 * 409) or the store failed (500). Rolls back. */
static int not_pending(db_t *db, int rc, mod_result_t *res)
{
    db_rollback(db);
    return rc == DB_DONE ? mod_refuse(res, 409, "already_decided", "mod.err.decided")
                         : mod_refuse(res, 500, "internal", "err.internal");
}

int review_decide(db_t *db, const mod_decision_t *d, mod_result_t *res)
{
    if (db_begin(db) < 0)
        return mod_refuse(res, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM reviews WHERE work_id = :w AND status = 'pending'");
    db_bind_text(st, ":w", d->work_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_ROW)
        return not_pending(db, rc, res);
    if (d->uphold) {
        /* Publish first (its own transaction): if the work cannot be
         * published the review stays pending, rather than "approved" for a
         * work that is still a draft. */
        db_rollback(db);
        work_err_t e;
        if (work_publish(db, d->work_id, &e) < 0)
            return mod_refuse(res, e.status, "not_published", e.key);
        if (db_begin(db) < 0)
            return mod_refuse(res, 500, "internal", "err.internal");
    }
    st = db_prepare(db, "UPDATE reviews SET status = :s, reason = :r, decided_at = :t, decided_by = :u "
                        "WHERE work_id = :w AND status = 'pending'");
    db_bind_text(st, ":s", d->uphold ? "approved" : "rejected");
    db_bind_text(st, ":r", d->reason);
    db_bind_int(st, ":t", d->now);
    db_bind_int(st, ":u", d->actor_id);
    db_bind_text(st, ":w", d->work_id);
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_changes(db) != 1)
        return not_pending(db, rc, res);
    char subj[48];
    snprintf(subj, sizeof subj, "work:%s", d->work_id);
    if (audit_appendf(db, d->actor, d->uphold ? "review.approve" : "review.reject", subj, "%s", d->reason) < 0 ||
        db_commit(db) < 0) {
        db_rollback(db);
        return mod_refuse(res, 500, "internal", "err.internal");
    }
    return 0;
}
