/*
 * counter.c — the creator's side of a removal: the statement of reasons
 * (/studio/notices) and the counter-notice. Owns the counter_notices table.
 * See notice.h for the whole machine.
 */
#include "site/trust/counter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "http/server.h"
#include "site/ops/jobs.h"
#include "site/trust/audit.h"
#include "site/ops/mail.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/trust/notice.h"
#include "site/ops/settings.h"
#include "site/trust/takedown.h"


/* GET /studio/notices — every removal of the creator's works with its
 * statement of reasons and what they can do about it. */
void counter_studio(hreq_t *r)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "studio-notices", T(L, "studio.notices"));
    if (rq_query(r, "sent"))
        fk_ok(&b, T(L, "counter.sent"));
    if (rq_query(r, "complained"))
        fk_ok(&b, T(L, "complaint.sent"));
    if (rq_query(r, "review"))
        fk_ok(&b, T(L, "review.held"));
    /* Works waiting for (or refused) publication under review-before-publish. */
    db_stmt_t *rv = db_prepare(r->db, "SELECT v.work_id, w.title, v.status, v.reason FROM reviews v "
                                      "JOIN works w ON w.id = v.work_id WHERE w.author_id = :u AND v.status <> 'approved' "
                                      "AND w.status = 'draft' ORDER BY v.requested_at DESC LIMIT 100");
    db_bind_int(rv, ":u", r->user.id);
    int nrv = 0;
    while (db_step(rv) == DB_ROW) {
        if (!nrv++) {
            buf_lit(&b, "<h2>");
            buf_htmlz(&b, T(L, "review.title"));
            buf_lit(&b, "</h2><ul class=\"reviews\">");
        }
        char k[48];
        snprintf(k, sizeof k, "review.status.%s", db_col_text(rv, 2));
        buf_printf(&b, "<li data-review=\"%s\" data-status=\"%s\"><a href=\"/studio/%s\">", db_col_text(rv, 0),
                   db_col_text(rv, 2), db_col_text(rv, 0));
        buf_htmlz(&b, db_col_text(rv, 1));
        buf_lit(&b, "</a> · ");
        buf_htmlz(&b, T(L, k));
        if (*db_col_text(rv, 3)) {
            buf_lit(&b, ": ");
            buf_htmlz(&b, db_col_text(rv, 3));
        }
        buf_lit(&b, "</li>");
    }
    db_done(rv);
    if (nrv)
        buf_lit(&b, "</ul>\n");
    db_stmt_t *st = db_prepare(r->db,
        "SELECT t.id, t.work_id, w.title, t.notice_id, t.report_id, t.ground, t.reason, t.automated, t.status, "
        "t.created_at, coalesce(n.right_claimed, ''), c.status, c.restore_at, k.status, k.reason, "
        "coalesce(n.original, '') "
        "FROM takedowns t JOIN works w ON w.id = t.work_id LEFT JOIN notices n ON n.id = t.notice_id "
        "LEFT JOIN counter_notices c ON c.takedown_id = t.id LEFT JOIN complaints k ON k.takedown_id = t.id "
        "WHERE w.author_id = :u ORDER BY t.id DESC LIMIT 200");
    db_bind_int(st, ":u", r->user.id);
    int any = 0;
    while (db_step(st) == DB_ROW) {
        any = 1;
        int64_t td = db_col_int(st, 0);
        int active = strcmp(db_col_text(st, 8), "active") == 0;
        buf_printf(&b, "<article class=\"takedown\" data-takedown=\"%lld\" data-work=\"%s\" data-status=\"%s\"><h2>",
                   (long long)td, db_col_text(st, 1), db_col_text(st, 8));
        buf_htmlz(&b, db_col_text(st, 2));
        buf_lit(&b, "</h2><dl>");
        buf_t v = BUF_INIT;
        if (db_col_int(st, 3))
            buf_printf(&v, "%s %lld", T(L, "notice.number"), (long long)db_col_int(st, 3));
        else
            buf_printf(&v, "%s %lld", T(L, "report.number"), (long long)db_col_int(st, 4));
        fk_dt_dd(&b, T(L, "sor.basis"), buf_cstr(&v));
        buf_reset(&v);
        char gk[48];
        snprintf(gk, sizeof gk, "ground.%s", db_col_text(st, 5));
        buf_rawz(&v, T(L, gk));
        if (*db_col_text(st, 10)) {
            buf_lit(&v, ": ");
            buf_rawz(&v, db_col_text(st, 10));
        }
        fk_dt_dd(&b, T(L, "sor.ground"), buf_cstr(&v));
        if (*db_col_text(st, 15))
            fk_dt_dd(&b, T(L, "notice.original"), db_col_text(st, 15));
        fk_dt_dd(&b, T(L, "sor.reason"), db_col_text(st, 6));
        fk_dt_dd(&b, T(L, "sor.automated"), T(L, db_col_int(st, 7) ? "sor.automated_yes" : "sor.automated_no"));
        buf_reset(&v);
        page_time(&v, db_col_int(st, 9));
        fk_dt_dd(&b, T(L, "sor.when"), buf_cstr(&v));
        char sk[48];
        snprintf(sk, sizeof sk, "takedown.status.%s", db_col_text(st, 8));
        fk_dt_dd(&b, T(L, "notice.state"), T(L, sk));
        if (!db_col_is_null(st, 11)) {
            char ck[48];
            snprintf(ck, sizeof ck, "counter.status.%s", db_col_text(st, 11));
            buf_reset(&v);
            buf_rawz(&v, T(L, ck));
            if (strcmp(db_col_text(st, 11), "waiting") == 0) {
                buf_lit(&v, " · ");
                buf_rawz(&v, T(L, "counter.restore_at"));
                buf_lit(&v, " ");
                page_time(&v, db_col_int(st, 12));
            }
            fk_dt_dd(&b, T(L, "counter.title"), buf_cstr(&v));
        }
        if (!db_col_is_null(st, 13)) {
            char ck[48];
            snprintf(ck, sizeof ck, "complaint.status.%s", db_col_text(st, 13));
            buf_reset(&v);
            buf_rawz(&v, T(L, ck));
            if (*db_col_text(st, 14)) {
                buf_lit(&v, ": ");
                buf_rawz(&v, db_col_text(st, 14));
            }
            fk_dt_dd(&b, T(L, "complaint.title"), buf_cstr(&v));
        }
        buf_free(&v);
        buf_lit(&b, "</dl>");
        if (active) {
            buf_lit(&b, "<p class=\"what-now\">");
            buf_htmlz(&b, T(L, "sor.options"));
            buf_lit(&b, "</p><p class=\"actions\">");
            if (db_col_int(st, 3) && db_col_is_null(st, 11)) {
                buf_printf(&b, "<a class=\"button\" href=\"/studio/notices/%lld/counter\">", (long long)td);
                buf_htmlz(&b, T(L, "counter.file"));
                buf_lit(&b, "</a> ");
            }
            if (db_col_is_null(st, 13)) {
                buf_printf(&b, "<a class=\"button\" href=\"/studio/notices/%lld/complaint\">", (long long)td);
                buf_htmlz(&b, T(L, "complaint.file"));
                buf_lit(&b, "</a>");
            }
            buf_lit(&b, "</p>");
        }
        buf_lit(&b, "</article>\n");
    }
    db_done(st);
    if (!any) {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(L, "studio.notices_none"));
        buf_lit(&b, "</p>\n");
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
}

int64_t counter_own_takedown(hreq_t *r, int64_t *notice_id, char status[16])
{
    char *end;
    long long td = strtoll(rq_param(r, 0), &end, 10);
    if (*end || td <= 0) {
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return 0;
    }
    db_stmt_t *st = db_prepare(r->db, "SELECT w.author_id, t.notice_id, t.status FROM takedowns t "
                                      "JOIN works w ON w.id = t.work_id WHERE t.id = :id");
    db_bind_int(st, ":id", td);
    int rc = db_step(st);
    int64_t author = rc == DB_ROW ? db_col_int(st, 0) : 0;
    if (rc == DB_ROW) {
        *notice_id = db_col_int(st, 1);
        snprintf(status, 16, "%s", db_col_text(st, 2));
    }
    db_done(st);
    if (rc != DB_ROW) {
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return 0;
    }
    if (author != r->user.id) {
        rs_error(r, 403, "forbidden", T(r->lang, "counter.err.not_yours"));
        return 0;
    }
    return td;
}

/* counter_own_takedown, and only while a notice's removal is active (what
 * a counter-notice answers); 409 otherwise. Fills the notice id. */
static int64_t own_notice_takedown(hreq_t *r, int64_t *notice_id)
{
    char status[16];
    int64_t td = counter_own_takedown(r, notice_id, status);
    if (td && (!*notice_id || strcmp(status, "active") != 0)) {
        rs_error(r, 409, "not_taken_down", T(r->lang, "counter.err.not_active"));
        return 0;
    }
    return td;
}

static void counter_page(hreq_t *r, int64_t td, int status, const form_t *f, const char *msg)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    fk_page_begin(r, &b, "counter-form", "counter.title", "counter.intro", msg);
    char action[64];
    snprintf(action, sizeof action, "/studio/notices/%lld/counter", (long long)td);
    fk_form_begin(r, &b, action);
    notice_contact_fields(r, &b, f);
    fk_textarea(&b, T(L, "counter.statement"), "statement", f ? form_get(f, "statement") : NULL, 4, 1);
    fk_textarea(&b, T(L, "notice.proof"), "proof", f ? form_get(f, "proof") : NULL, 3, 0);
    fk_checkbox(&b, T(L, "counter.good_faith"), "good_faith", f && form_get(f, "good_faith"));
    if (settings_is(r->db, "dmca", "on"))
        fk_checkbox(&b, T(L, "counter.consent"), "consent", f && form_get(f, "consent"));
    fk_input(&b, T(L, "notice.signature"), "signature", f ? form_get(f, "signature") : NULL, 1);
    fk_form_end(&b, T(L, "counter.send"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /studio/notices/:td/counter — the counter-notice form. */
void counter_form(hreq_t *r)
{
    int64_t nid;
    int64_t td = own_notice_takedown(r, &nid);
    if (!td)
        return;
    counter_page(r, td, 200, NULL, NULL);
}

/* POST /studio/notices/:td/counter — fields name, contact, address,
 * statement, proof, good_faith, consent (required when dmca is on),
 * signature. Only the work's author, only for an active notice takedown,
 * once. Restores at once or schedules the restore (restore_mode). */
void counter_post(hreq_t *r)
{
    lang_t L = r->lang;
    int64_t nid;
    int64_t td = own_notice_takedown(r, &nid);
    if (!td)
        return;
    form_t f;
    rq_form(r, &f);
    static const char *const req[] = {"name", "contact", "address", "statement", "signature"};
    for (size_t i = 0; i < 5; i++) {
        const char *v = form_get(&f, req[i]);
        if (text_blank(v)) {
            counter_page(r, td, 422, &f, T(L, "counter.err.missing"));
            return;
        }
        int line = strcmp(req[i], "statement") != 0;
        if (!notice_field_ok(v, line)) {
            counter_page(r, td, 422, &f, T(L, line ? "notice.err.line" : "notice.err.text"));
            return;
        }
    }
    const char *proof = form_get(&f, "proof");
    if (proof && !notice_field_ok(proof, 0)) {
        counter_page(r, td, 422, &f, T(L, "notice.err.text"));
        return;
    }
    int dmca = settings_is(r->db, "dmca", "on");
    if (!form_get(&f, "good_faith") || (dmca && !form_get(&f, "consent"))) {
        counter_page(r, td, 422, &f, T(L, "counter.err.missing"));
        return;
    }
    int now_restore = settings_is(r->db, "restore_mode", "immediate");
    int64_t now = clock_now();
    int64_t restore_at = now_restore ? now : clock_add_business_days(now, settings_int(r->db, "restore_days"));
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(L, "err.internal"));
        return;
    }
    db_stmt_t *st = db_prepare(r->db,
        "INSERT INTO counter_notices(takedown_id, user_id, name, contact, address, statement, proof, signature, "
        "consent, status, restore_at, created_at) VALUES (:td, :u, :name, :contact, :address, :statement, :proof, "
        ":sig, :consent, 'waiting', :ra, :t) RETURNING id");
    db_bind_int(st, ":td", td);
    db_bind_int(st, ":u", r->user.id);
    db_bind_text(st, ":name", form_get(&f, "name"));
    db_bind_text(st, ":contact", form_get(&f, "contact"));
    db_bind_text(st, ":address", form_get(&f, "address"));
    db_bind_text(st, ":statement", form_get(&f, "statement"));
    db_bind_text(st, ":proof", proof ? proof : "");
    db_bind_text(st, ":sig", form_get(&f, "signature"));
    db_bind_int(st, ":consent", form_get(&f, "consent") != NULL);
    db_bind_int(st, ":ra", restore_at);
    db_bind_int(st, ":t", now);
    int rc = db_step(st);
    int64_t cid = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (!cid) {
        db_rollback(r->db);
        if (rc == DB_CONSTRAINT)
            rs_error(r, 409, "duplicate", T(L, "counter.err.once"));
        else
            rs_error(r, 500, "internal", T(L, "err.internal"));
        return;
    }
    char subj[48], actor[64];
    snprintf(subj, sizeof subj, "counter:%lld", (long long)cid);
    snprintf(actor, sizeof actor, "user:%s", r->user.handle);
    int ok = audit_appendf(r->db, actor, "counter.receive", subj, "takedown %lld, notice %lld; restore %s",
                           (long long)td, (long long)nid, now_restore ? "at once" : "delayed") == 0 &&
             audit_appendf(r->db, "system", "counter.forward", subj, "shown to the complainant of notice %lld on its "
                           "status page", (long long)nid) == 0;
    if (ok) {
        /* The complainant gets the counter-notice by e-mail too, when the
         * contact they gave is an address and SMTP is configured. */
        st = db_prepare(r->db, "SELECT contact FROM notices WHERE id = :n");
        db_bind_int(st, ":n", nid);
        char to[256] = "";
        if (db_step(st) == DB_ROW)
            snprintf(to, sizeof to, "%s", db_col_text(st, 0));
        db_done(st);
        buf_t m = BUF_INIT;
        buf_printf(&m, "你的通知 %lld 涉及的作品,其作者提交了反通知 %lld:\n\n%s\n\n"
                       "详情及后续(包括报告已提起诉讼)见通知回执页面。\n\n"
                       "The creator of a work named in your notice %lld sent counter-notice %lld:\n\n%s\n\n"
                       "The details, and a form to report a court action, are on your notice's receipt page.\n",
                   (long long)nid, (long long)cid, form_get(&f, "statement"), (long long)nid, (long long)cid,
                   form_get(&f, "statement"));
        ok = mail_queue(r->db, to, "反通知 / Counter-notice", buf_cstr(&m)) == 0;
        buf_free(&m);
    }
    if (ok && now_restore) {
        char why[80];
        snprintf(why, sizeof why, "counter-notice %lld", (long long)cid);
        ok = takedown_restore(r->db, td, "system", why) >= 0;
        st = db_prepare(r->db, "UPDATE counter_notices SET status = 'restored' WHERE id = :id");
        db_bind_int(st, ":id", cid);
        ok = ok && db_step(st) == DB_DONE;
        db_done(st);
    } else if (ok) {
        ok = jobs_schedule(r->db, "restore", cid, restore_at) == 0;
    }
    if (!ok || db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(L, "err.internal"));
        return;
    }
    if (now_restore)
        server_content_changed();
    rs_redirect(r, 303, "/studio/notices?sent=1");
}

const char *counter_restore_job(db_t *db, int64_t counter_id)
{
    db_stmt_t *st = db_prepare(db, "SELECT takedown_id, status FROM counter_notices WHERE id = :id");
    db_bind_int(st, ":id", counter_id);
    int64_t td = 0;
    char status[16] = "";
    if (db_step(st) == DB_ROW) {
        td = db_col_int(st, 0);
        snprintf(status, sizeof status, "%s", db_col_text(st, 1));
    }
    db_done(st);
    if (strcmp(status, "waiting") != 0)
        return "skipped: the counter-notice is no longer waiting";
    char why[96];
    snprintf(why, sizeof why, "counter-notice %lld: the waiting period ended without a court action",
             (long long)counter_id);
    if (takedown_restore(db, td, "system", why) < 0)
        return NULL;
    st = db_prepare(db, "UPDATE counter_notices SET status = 'restored' WHERE id = :id");
    db_bind_int(st, ":id", counter_id);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? "restored" : NULL;
}
