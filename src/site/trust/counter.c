/*
 * counter.c — the creator's side of a removal: the statement of reasons
 * (/studio/notices) and the counter-notice. Owns the counter_notices table.
 * See notice.h for the whole machine.
 */
#include "site/trust/counter.h"
#include "site/trust/removed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "core/changed.h"
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
        buf_hprintf(&b, "<li data-review=\"%s\" data-status=\"%s\"><a href=\"/studio/%s\">", db_col_text(rv, 0),
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
        "coalesce(n.original, ''), t.comment_id "
        "FROM takedowns t JOIN works w ON w.id = t.work_id LEFT JOIN notices n ON n.id = t.notice_id "
        "LEFT JOIN counter_notices c ON c.takedown_id = t.id LEFT JOIN complaints k ON k.takedown_id = t.id "
        "LEFT JOIN comments cm ON cm.id = t.comment_id "
        /* the removals of their works, and of their comments (on anyone's work) */
        "WHERE (t.comment_id IS NULL AND w.author_id = :u) OR cm.author_id = :u ORDER BY t.id DESC LIMIT 200");
    db_bind_int(st, ":u", r->user.id);
    int any = 0;
    while (db_step(st) == DB_ROW) {
        any = 1;
        int64_t td = db_col_int(st, 0);
        int active = strcmp(db_col_text(st, 8), "active") == 0;
        int64_t cid = db_col_int(st, 16);
        buf_hprintf(&b, "<article class=\"takedown\" data-takedown=\"%lld\" data-work=\"%s\" data-status=\"%s\"",
                    (long long)td, db_col_text(st, 1), db_col_text(st, 8));
        if (cid)
            buf_hprintf(&b, " data-comment=\"%lld\"", (long long)cid);
        buf_lit(&b, "><h2>");
        if (cid)
            buf_hprintf(&b, "%s %lld · ", T(L, "sor.comment"), (long long)cid);
        buf_htmlz(&b, db_col_text(st, 2));
        buf_lit(&b, "</h2><dl>");
        buf_t v = BUF_INIT;
        if (db_col_int(st, 3))
            buf_printf(&v, "%s %lld", T(L, "notice.number"), (long long)db_col_int(st, 3)); /* raw: text */
        else
            buf_printf(&v, "%s %lld", T(L, "report.number"), (long long)db_col_int(st, 4)); /* raw: text */
        fk_dt_dd(&b, T(L, "sor.basis"), buf_cstr(&v));
        buf_reset(&v);
        char gk[48];
        snprintf(gk, sizeof gk, "ground.%s", db_col_text(st, 5));
        buf_rawz(&v, T(L, gk)); /* raw: text */
        if (*db_col_text(st, 10)) {
            buf_lit(&v, ": ");
            buf_rawz(&v, db_col_text(st, 10)); /* raw: text */
        }
        fk_dt_dd(&b, T(L, "sor.ground"), buf_cstr(&v));
        if (*db_col_text(st, 15))
            fk_dt_dd(&b, T(L, "notice.original"), db_col_text(st, 15));
        /* An automated removal's stored reason is one bilingual line: say
         * it in the reader's language. */
        fk_dt_dd(&b, T(L, "sor.reason"), db_col_int(st, 7) ? T(L, "removed.auto_reason") : db_col_text(st, 6));
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
            buf_rawz(&v, T(L, ck)); /* raw: text */
            if (strcmp(db_col_text(st, 11), "waiting") == 0) {
                buf_lit(&v, " · ");
                buf_rawz(&v, T(L, "counter.restore_at")); /* raw: text */
                buf_lit(&v, " ");
                page_time(&v, db_col_int(st, 12));
            }
            fk_dt_dd(&b, T(L, "counter.title"), buf_cstr(&v));
        }
        if (!db_col_is_null(st, 13)) {
            char ck[48];
            snprintf(ck, sizeof ck, "complaint.status.%s", db_col_text(st, 13));
            buf_reset(&v);
            buf_rawz(&v, T(L, ck)); /* raw: text */
            if (*db_col_text(st, 14)) {
                buf_lit(&v, ": ");
                buf_rawz(&v, db_col_text(st, 14)); /* raw: text */
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
                buf_hprintf(&b, "<a class=\"button\" href=\"/studio/notices/%lld/counter\">", (long long)td);
                buf_htmlz(&b, T(L, "counter.file"));
                buf_lit(&b, "</a> ");
            }
            if (db_col_is_null(st, 13)) {
                buf_hprintf(&b, "<a class=\"button\" href=\"/studio/notices/%lld/complaint\">", (long long)td);
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

/* ---- filing a counter-notice (counter_file) ---- */

static int refuse(counter_result_t *res, int status, const char *code, const char *key)
{
    res->status = status;
    res->code = code;
    res->key = key;
    return -1;
}

/* Whether user_id may answer removal td with a counter-notice: it removed
 * their work, on a notice, and is still active. 0 with *notice_id, or -1
 * with res (404 not_found, 403 forbidden, 409 not_taken_down). */
static int may_counter(db_t *db, int64_t td, int64_t user_id, int64_t *notice_id, counter_result_t *res)
{
    int64_t author;
    char status[16];
    if (!takedown_get(db, td, &author, notice_id, status))
        return refuse(res, 404, "not_found", "err.not_found");
    if (author != user_id)
        return refuse(res, 403, "forbidden", "counter.err.not_yours");
    if (!*notice_id || strcmp(status, "active") != 0)
        return refuse(res, 409, "not_taken_down", "counter.err.not_active");
    return 0;
}

/* The fields (the same limits as a notice's), the good-faith box and, when
 * the setting dmca is on, the consent: 422 otherwise. */
static int check_fields(db_t *db, const counter_input_t *in, counter_result_t *res)
{
    struct {
        const char *v;
        int line;
    } req[] = {{in->name, 1}, {in->contact, 1}, {in->address, 1}, {in->statement, 0}, {in->signature, 1}};
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
        if (text_blank(req[i].v))
            return refuse(res, 422, "missing_fields", "counter.err.missing");
        if (!notice_field_ok(req[i].v, req[i].line))
            return refuse(res, 422, "invalid", req[i].line ? "notice.err.line" : "notice.err.text");
    }
    if (in->proof && !notice_field_ok(in->proof, 0))
        return refuse(res, 422, "invalid", "notice.err.text");
    int dmca = settings_is(db, "dmca", "on");
    if (!in->good_faith || (dmca && !in->consent))
        return refuse(res, 422, "missing_fields", "counter.err.missing");
    return 0;
}

/* Insert the counter-notice, waiting until restore_at. Its id, or 0 with
 * *rc the failed step (DB_CONSTRAINT: the removal was answered already). */
static int64_t insert_counter(db_t *db, const counter_input_t *in, int64_t restore_at, int *rc)
{
    db_stmt_t *st = db_prepare(db,
        "INSERT INTO counter_notices(takedown_id, user_id, name, contact, address, statement, proof, signature, "
        "consent, status, restore_at, created_at) VALUES (:td, :u, :name, :contact, :address, :statement, :proof, "
        ":sig, :consent, 'waiting', :ra, :t) RETURNING id");
    db_bind_int(st, ":td", in->takedown_id);
    db_bind_int(st, ":u", in->user_id);
    db_bind_text(st, ":name", in->name);
    db_bind_text(st, ":contact", in->contact);
    db_bind_text(st, ":address", in->address);
    db_bind_text(st, ":statement", in->statement);
    db_bind_text(st, ":proof", in->proof ? in->proof : "");
    db_bind_text(st, ":sig", in->signature);
    db_bind_int(st, ":consent", in->consent);
    db_bind_int(st, ":ra", restore_at);
    db_bind_int(st, ":t", in->now);
    *rc = db_step(st);
    int64_t cid = *rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return cid;
}

/* Record counter-notice cid to notice nid in the audit log and forward it
 * to the complainant: on the notice's status page, and by e-mail when the
 * contact they gave is an address and SMTP is configured. 1 done. */
static int forward(db_t *db, const counter_input_t *in, int64_t cid, int64_t nid, int now_restore)
{
    char subj[48];
    snprintf(subj, sizeof subj, "counter:%lld", (long long)cid);
    int ok = audit_appendf(db, in->actor, "counter.receive", subj, "takedown %lld, notice %lld; restore %s",
                           (long long)in->takedown_id, (long long)nid, now_restore ? "at once" : "delayed") == 0 &&
             audit_appendf(db, "system", "counter.forward", subj, "shown to the complainant of notice %lld on its "
                           "status page", (long long)nid) == 0;
    if (!ok)
        return 0;
    db_stmt_t *st = db_prepare(db, "SELECT contact FROM notices WHERE id = :n");
    db_bind_int(st, ":n", nid);
    char to[256] = "";
    if (db_step(st) == DB_ROW)
        snprintf(to, sizeof to, "%s", db_col_text(st, 0));
    db_done(st);
    buf_t m = BUF_INIT;
    /* raw: mail */
    buf_printf(&m, "你的通知 %lld 涉及的作品,其作者提交了反通知 %lld:\n\n%s\n\n"
                   "详情及后续(包括报告已提起诉讼)见通知回执页面。\n\n"
                   "The creator of a work named in your notice %lld sent counter-notice %lld:\n\n%s\n\n"
                   "The details, and a form to report a court action, are on your notice's receipt page.\n",
               (long long)nid, (long long)cid, in->statement, (long long)nid, (long long)cid, in->statement);
    ok = mail_queue(db, to, "反通知 / Counter-notice", buf_cstr(&m)) == 0;
    buf_free(&m);
    return ok;
}

/* restore_mode "immediate": the work back now, the counter-notice done. */
static int restore_now(db_t *db, int64_t td, int64_t cid)
{
    char why[80];
    snprintf(why, sizeof why, "counter-notice %lld", (long long)cid);
    int ok = takedown_restore(db, td, "system", why) >= 0;
    db_stmt_t *st = db_prepare(db, "UPDATE counter_notices SET status = 'restored' WHERE id = :id");
    db_bind_int(st, ":id", cid);
    ok = ok && db_step(st) == DB_DONE;
    db_done(st);
    return ok;
}

int counter_file(db_t *db, const counter_input_t *in, counter_result_t *res)
{
    memset(res, 0, sizeof *res);
    int64_t nid;
    if (may_counter(db, in->takedown_id, in->user_id, &nid, res) < 0 || check_fields(db, in, res) < 0)
        return -1;
    int now_restore = settings_is(db, "restore_mode", "immediate");
    int64_t restore_at = now_restore ? in->now : clock_add_business_days(in->now, settings_int(db, "restore_days"));
    if (db_begin(db) < 0)
        return refuse(res, 503, "busy", "err.internal");
    int rc;
    int64_t cid = insert_counter(db, in, restore_at, &rc);
    if (!cid) {
        db_rollback(db);
        return rc == DB_CONSTRAINT ? refuse(res, 409, "duplicate", "counter.err.once")
                                   : refuse(res, 500, "internal", "err.internal");
    }
    int ok = forward(db, in, cid, nid, now_restore);
    if (ok && now_restore)
        ok = restore_now(db, in->takedown_id, cid);
    else if (ok)
        ok = jobs_schedule(db, "restore", cid, restore_at) == 0;
    if (!ok || db_commit(db) < 0) {
        db_rollback(db);
        return refuse(res, 500, "internal", "err.internal");
    }
    if (now_restore)
        changed_signal();
    res->id = cid;
    res->restored = now_restore;
    return 0;
}

/* ---- the form ---- */

/* The takedown named in the path (/studio/notices/:td/...), 0 if none. */
static int64_t path_takedown(hreq_t *r)
{
    char *end;
    long long td = strtoll(rq_param(r, 0), &end, 10);
    return (*end || td <= 0) ? 0 : td;
}

static void counter_page(hreq_t *r, int64_t td, int status, const form_t *f, const char *msg)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    fk_page_begin(r, &b, "counter-form", "counter.title", "counter.intro", msg);
    char action[64];
    snprintf(action, sizeof action, "/studio/notices/%lld/counter", (long long)td);
    /* Which work this answers, and on what: the creator should not have
     * to guess. */
    removed_case_facts(r, &b, td);
    fk_form_begin(r, &b, action);
    if (f) {
        notice_contact_fields(r, &b, f);
    } else {
        /* First view: the creator's own name and address, to correct. */
        char *email = NULL;
        db_stmt_t *st = db_prepare(r->db, "SELECT email FROM users WHERE id = :u");
        db_bind_int(st, ":u", r->user.id);
        if (db_step(st) == DB_ROW)
            email = rq_strdup(r, db_col_text(st, 0));
        db_done(st);
        fk_input(&b, T(L, "notice.name"), "name", r->user.display_name, 1);
        fk_input(&b, T(L, "notice.contact"), "contact", email, 1);
        fk_input(&b, T(L, "notice.address"), "address", NULL, 1);
    }
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
    int64_t td = path_takedown(r), nid;
    counter_result_t res;
    if (may_counter(r->db, td, r->user.id, &nid, &res) < 0) {
        rs_error(r, res.status, res.code, T(r->lang, res.key));
        return;
    }
    counter_page(r, td, 200, NULL, NULL);
}

/* POST /studio/notices/:td/counter — fields name, contact, address,
 * statement, proof, good_faith, consent (required when dmca is on),
 * signature. 303 to /studio/notices once filed; the form again (422) when
 * the fields are at fault. */
void counter_post(hreq_t *r)
{
    form_t f;
    rq_form(r, &f);
    char actor[64];
    snprintf(actor, sizeof actor, "user:%s", r->user.handle);
    counter_input_t in = {.takedown_id = path_takedown(r),
                          .user_id = r->user.id,
                          .actor = actor,
                          .name = form_get(&f, "name"),
                          .contact = form_get(&f, "contact"),
                          .address = form_get(&f, "address"),
                          .statement = form_get(&f, "statement"),
                          .proof = form_get(&f, "proof"),
                          .signature = form_get(&f, "signature"),
                          .good_faith = form_get(&f, "good_faith") != NULL,
                          .consent = form_get(&f, "consent") != NULL,
                          .now = clock_now()};
    counter_result_t res;
    if (counter_file(r->db, &in, &res) < 0) {
        if (res.status == 422)
            counter_page(r, in.takedown_id, 422, &f, T(r->lang, res.key));
        else
            rs_error(r, res.status, res.code, T(r->lang, res.key));
        return;
    }
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
