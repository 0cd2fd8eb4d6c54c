/*
 * complaint.c — internal complaints: a creator contests a removal once
 * (/studio/notices/:td/complaint); a moderator other than the one who
 * decided it settles it in /mod. See complaint.h.
 */
#include "site/trust/complaint.h"
#include "site/trust/removed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/changed.h"
#include "site/trust/audit.h"
#include "site/audience/notify.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/trust/moderation.h"
#include "site/trust/takedown.h"

/* ---- filing a complaint (complaint_file) ---- */

static int refuse(complaint_result_t *res, int status, const char *code, const char *key)
{
    res->status = status;
    res->code = code;
    res->key = key;
    return -1;
}

/* Whether user_id may contest removal td: it removed their work (any
 * removal: notice, report or moderator) and is still active. 0, or -1 with
 * res (404 not_found, 403 forbidden, 409 not_taken_down). */
static int may_complain(db_t *db, int64_t td, int64_t user_id, complaint_result_t *res)
{
    int64_t author, nid;
    char status[16];
    if (!takedown_get(db, td, &author, &nid, status))
        return refuse(res, 404, "not_found", "err.not_found");
    if (author != user_id)
        return refuse(res, 403, "forbidden", "counter.err.not_yours");
    if (strcmp(status, "active") != 0)
        return refuse(res, 409, "not_taken_down", "counter.err.not_active");
    return 0;
}

int complaint_file(db_t *db, const complaint_input_t *in, complaint_result_t *res)
{
    memset(res, 0, sizeof *res);
    if (may_complain(db, in->takedown_id, in->user_id, res) < 0)
        return -1;
    if (!mod_text_ok(in->text))
        return refuse(res, 422, "invalid", "complaint.err.text");
    if (db_begin(db) < 0)
        return refuse(res, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "INSERT INTO complaints(takedown_id, user_id, text, status, created_at) "
                                   "VALUES (:td, :u, :x, 'open', :t) RETURNING id");
    db_bind_int(st, ":td", in->takedown_id);
    db_bind_int(st, ":u", in->user_id);
    db_bind_text(st, ":x", in->text);
    db_bind_int(st, ":t", in->now);
    int rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    char subj[48];
    snprintf(subj, sizeof subj, "complaint:%lld", (long long)id);
    if (!id || audit_appendf(db, in->actor, "complaint.receive", subj, "takedown %lld", (long long)in->takedown_id) < 0 ||
        db_commit(db) < 0) {
        db_rollback(db);
        return rc == DB_CONSTRAINT ? refuse(res, 409, "duplicate", "complaint.err.once")
                                   : refuse(res, 500, "internal", "err.internal");
    }
    res->id = id;
    return 0;
}

/* ---- deciding a complaint (through mod_decide) ---- */

int complaint_independent_exists(db_t *db, const char *decider)
{
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM users WHERE role IN ('moderator', 'admin') AND status = 'active' "
                                   "AND 'user:' || handle <> :d LIMIT 1");
    db_bind_text(st, ":d", decider);
    int yes = db_step(st) == DB_ROW;
    db_done(st);
    return yes;
}

/* The note a complaint settled by the one who decided the removal
 * carries, before the reason (zh, then en: it is read by the creator). */
#define SOLE_NOTE "本站没有其他审核员,本申诉由作出原决定的审核员处理。No independent moderator existed; settled by the " \
                  "moderator who decided the removal. — "

int complaint_decide(db_t *db, const mod_decision_t *d, mod_result_t *res)
{
    if (db_begin(db) < 0)
        return mod_refuse(res, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "SELECT k.takedown_id, t.actor, t.work_id, t.comment_id FROM complaints k JOIN takedowns t "
                                   "ON t.id = k.takedown_id WHERE k.id = :id AND k.status = 'open'");
    db_bind_int(st, ":id", d->id);
    int64_t td = 0;
    int same = 0;
    char work_id[32] = "";
    int64_t comment_id = 0; /* a comment's removal: its commenter hears of the outcome */
    if (db_step(st) == DB_ROW) {
        td = db_col_int(st, 0);
        same = strcmp(db_col_text(st, 1), d->actor) == 0;
        snprintf(work_id, sizeof work_id, "%s", db_col_text(st, 2));
        comment_id = db_col_int(st, 3);
    }
    db_done(st);
    if (!td) {
        db_rollback(db);
        return mod_refuse(res, 409, "already_decided", "mod.err.decided");
    }
    if (same && complaint_independent_exists(db, d->actor)) {
        db_rollback(db);
        return mod_refuse(res, 403, "same_moderator", "complaint.err.same");
    }
    buf_t reason = BUF_INIT;
    if (same)
        buf_lit(&reason, SOLE_NOTE);
    buf_rawz(&reason, d->reason); /* raw: text, stored */
    st = db_prepare(db, "UPDATE complaints SET status = :s, reason = :r, decided_at = :t, decided_by = :u "
                        "WHERE id = :id");
    db_bind_text(st, ":s", d->uphold ? "upheld" : "rejected");
    db_bind_text(st, ":r", buf_cstr(&reason));
    db_bind_int(st, ":t", d->now);
    db_bind_int(st, ":u", d->actor_id);
    db_bind_int(st, ":id", d->id);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    char subj[48];
    snprintf(subj, sizeof subj, "complaint:%lld", (long long)d->id);
    ok = ok && audit_appendf(db, d->actor, d->uphold ? "complaint.uphold" : "complaint.reject", subj, "%s",
                             buf_cstr(&reason)) == 0;
    ok = ok && (!same || audit_appendf(db, d->actor, "complaint.no_independent", subj, "no moderator other than %s "
                                       "existed; settled by them, with that note on the decision", d->actor) == 0);
    if (ok && !d->uphold) { /* the creator (or the commenter) hears of it in the inbox too */
        int64_t recipient = 0, nid;
        char tstatus[16];
        if (comment_id && !takedown_get(db, td, &recipient, &nid, tstatus))
            recipient = 0;
        ok = notify_moderation(db, recipient, "complaint_rejected", work_id, comment_id, buf_cstr(&reason),
                               d->now) >= 0;
    }
    buf_free(&reason);
    if (ok && d->uphold) {
        char why[64];
        snprintf(why, sizeof why, "complaint %lld upheld", (long long)d->id);
        ok = takedown_restore(db, td, d->actor, why) >= 0;
    }
    if (!ok || db_commit(db) < 0) {
        db_rollback(db);
        return mod_refuse(res, 500, "internal", "err.internal");
    }
    if (d->uphold)
        changed_signal();
    return 0;
}

/* ---- the form ---- */

static void complaint_page(hreq_t *r, int64_t td, int status, const char *text, const char *msg)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    fk_page_begin(r, &b, "complaint-form", "complaint.title", "complaint.intro", msg);
    char action[64];
    snprintf(action, sizeof action, "/studio/notices/%lld/complaint", (long long)td);
    removed_case_facts(r, &b, td); /* which work, on what, why */
    fk_form_begin(r, &b, action);
    fk_textarea(&b, T(L, "complaint.text"), "text", text, 5, 1);
    fk_form_end(&b, T(L, "complaint.send"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /studio/notices/:td/complaint */
void complaint_form(hreq_t *r)
{
    int64_t td = mod_path_id(r);
    complaint_result_t res;
    if (may_complain(r->db, td, r->user.id, &res) < 0) {
        rs_error(r, res.status, res.code, T(r->lang, res.key));
        return;
    }
    complaint_page(r, td, 200, NULL, NULL);
}

/* POST /studio/notices/:td/complaint — field text. Once per removal. 303
 * to /studio/notices once filed; the form again (422) when the text is at
 * fault. */
void complaint_post(hreq_t *r)
{
    form_t f;
    rq_form(r, &f);
    char actor[64];
    mod_actor(r, actor);
    complaint_input_t in = {.takedown_id = mod_path_id(r),
                            .user_id = r->user.id,
                            .actor = actor,
                            .text = form_get(&f, "text"),
                            .now = clock_now()};
    complaint_result_t res;
    if (complaint_file(r->db, &in, &res) < 0) {
        if (res.status == 422)
            complaint_page(r, in.takedown_id, 422, in.text, T(r->lang, res.key));
        else
            rs_error(r, res.status, res.code, T(r->lang, res.key));
        return;
    }
    rs_redirect(r, 303, "/studio/notices?complained=1");
}
