/*
 * complaint.c — internal complaints: a creator contests a removal once
 * (/studio/notices/:td/complaint); a moderator other than the one who
 * decided it settles it in /mod. See complaint.h.
 */
#include "site/trust/complaint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "http/server.h"
#include "site/trust/audit.h"
#include "site/trust/counter.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/trust/moderation.h"
#include "site/ops/settings.h"
#include "site/trust/takedown.h"
#include "site/works/work.h"

/* The active takedown in the path when it removed the user's work (any
 * removal: notice, report or moderator); answers 404/403/409 and returns 0
 * otherwise. */
static int64_t own_active_takedown(hreq_t *r)
{
    int64_t nid;
    char status[16];
    int64_t td = counter_own_takedown(r, &nid, status);
    if (td && strcmp(status, "active") != 0) {
        rs_error(r, 409, "not_taken_down", T(r->lang, "counter.err.not_active"));
        return 0;
    }
    return td;
}

static void complaint_page(hreq_t *r, int64_t td, int status, const char *text, const char *msg)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    fk_page_begin(r, &b, "complaint-form", "complaint.title", "complaint.intro", msg);
    char action[64];
    snprintf(action, sizeof action, "/studio/notices/%lld/complaint", (long long)td);
    fk_form_begin(r, &b, action);
    fk_textarea(&b, T(L, "complaint.text"), "text", text, 5, 1);
    fk_form_end(&b, T(L, "complaint.send"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /studio/notices/:td/complaint */
void complaint_form(hreq_t *r)
{
    int64_t td = own_active_takedown(r);
    if (td)
        complaint_page(r, td, 200, NULL, NULL);
}

/* POST /studio/notices/:td/complaint — field text. Once per removal. */
void complaint_post(hreq_t *r)
{
    int64_t td = own_active_takedown(r);
    if (!td)
        return;
    form_t f;
    rq_form(r, &f);
    const char *text = form_get(&f, "text");
    if (!mod_text_ok(text)) {
        complaint_page(r, td, 422, text, T(r->lang, "complaint.err.text"));
        return;
    }
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "INSERT INTO complaints(takedown_id, user_id, text, status, created_at) "
                                      "VALUES (:td, :u, :x, 'open', :t) RETURNING id");
    db_bind_int(st, ":td", td);
    db_bind_int(st, ":u", r->user.id);
    db_bind_text(st, ":x", text);
    db_bind_int(st, ":t", clock_now());
    int rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    char subj[48], actor[64];
    snprintf(subj, sizeof subj, "complaint:%lld", (long long)id);
    mod_actor(r, actor);
    if (!id || audit_appendf(r->db, actor, "complaint.receive", subj, "takedown %lld", (long long)td) < 0 ||
        db_commit(r->db) < 0) {
        db_rollback(r->db);
        if (rc == DB_CONSTRAINT)
            rs_error(r, 409, "duplicate", T(r->lang, "complaint.err.once"));
        else
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    rs_redirect(r, 303, "/studio/notices?complained=1");
}

/* POST /mod/complaints/:id — decision=uphold (restore) | reject (keep the
 * removal), reason. The moderator who made the decision may not judge it. */
void mod_complaint_post(hreq_t *r)
{
    form_t f;
    int uphold;
    const char *reason;
    char actor[64];
    if (mod_decision_begin(r, &f, &uphold, &reason, actor) < 0)
        return;
    int64_t id = mod_path_id(r);
    db_stmt_t *st = db_prepare(r->db, "SELECT k.takedown_id, t.actor FROM complaints k JOIN takedowns t "
                                      "ON t.id = k.takedown_id WHERE k.id = :id AND k.status = 'open'");
    db_bind_int(st, ":id", id);
    int64_t td = 0;
    int same = 0;
    if (db_step(st) == DB_ROW) {
        td = db_col_int(st, 0);
        same = strcmp(db_col_text(st, 1), actor) == 0;
    }
    db_done(st);
    if (!td || same) {
        db_rollback(r->db);
        if (same)
            rs_error(r, 403, "same_moderator", T(r->lang, "complaint.err.same"));
        else
            rs_error(r, 409, "already_decided", T(r->lang, "mod.err.decided"));
        return;
    }
    st = db_prepare(r->db, "UPDATE complaints SET status = :s, reason = :r, decided_at = :t, decided_by = :u "
                           "WHERE id = :id");
    db_bind_text(st, ":s", uphold ? "upheld" : "rejected");
    db_bind_text(st, ":r", reason);
    db_bind_int(st, ":t", clock_now());
    db_bind_int(st, ":u", r->user.id);
    db_bind_int(st, ":id", id);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    char subj[48];
    snprintf(subj, sizeof subj, "complaint:%lld", (long long)id);
    ok = ok && audit_appendf(r->db, actor, uphold ? "complaint.uphold" : "complaint.reject", subj, "%s", reason) == 0;
    if (ok && uphold) {
        char why[64];
        snprintf(why, sizeof why, "complaint %lld upheld", (long long)id);
        ok = takedown_restore(r->db, td, actor, why) >= 0;
    }
    mod_decision_end(r, ok, uphold);
}

