/*
 * takedown.c — see takedown.h.
 */
#include "site/trust/takedown.h"
#include "site/trust/removed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "search/search.h"
#include "site/audience/comment.h"
#include "site/audience/notify.h"
#include "site/creator/collection.h"

#include "site/federation/federate.h"
#include "site/trust/audit.h"
#include "site/ops/mail.h"
#include "site/works/media.h"
#include "site/ops/settings.h"

/* The active takedown row of a work (comment_id 0) or of one of its
 * comments, on a notice or a report (the other 0). Its id, or -1. */
static int64_t insert_takedown(db_t *db, const char *work_id, int64_t comment_id, int64_t notice_id,
                               int64_t report_id, const char *ground, const char *reason, int automated,
                               const char *actor, int64_t t)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO takedowns(work_id, comment_id, notice_id, report_id, ground, reason, "
                                   "automated, actor, status, created_at) "
                                   "VALUES (:w, :c, :n, :r, :g, :reason, :a, :actor, 'active', :t) RETURNING id");
    db_bind_text(st, ":w", work_id);
    db_bind_id(st, ":c", comment_id);
    db_bind_id(st, ":n", notice_id);
    db_bind_id(st, ":r", report_id);
    db_bind_text(st, ":g", ground);
    db_bind_text(st, ":reason", reason);
    db_bind_int(st, ":a", automated);
    db_bind_text(st, ":actor", actor);
    db_bind_int(st, ":t", t);
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return id;
}

int64_t takedown_work(db_t *db, const char *work_id, int64_t notice_id, int64_t report_id, const char *ground,
                      const char *reason, int automated, const char *actor)
{
    int64_t t = clock_now();
    db_stmt_t *st = db_prepare(db, "UPDATE works SET status = 'taken_down' WHERE id = :id AND status = 'published'");
    db_bind_text(st, ":id", work_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    if (db_changes(db) != 1)
        return 0;
    /* Out of the search index in the same transaction (search.h); a
     * Delete to followers elsewhere (site/federation/federate.h). */
    if (search_sync(db, work_id) < 0 || fed_work_changed(db, work_id) < 0)
        return -1;
    /* Out of its collections (and pins, schedule) too (site/creator/collection.h). */
    if (coll_work_gone(db, work_id) < 0)
        return -1;
    int64_t id = insert_takedown(db, work_id, 0, notice_id, report_id, ground, reason, automated, actor, t);
    if (id < 0)
        return -1;
    char subj[64];
    snprintf(subj, sizeof subj, "work:%s", work_id);
    if (audit_appendf(db, actor, "work.takedown", subj, "takedown %lld; notice %lld; report %lld; ground %s; "
                      "automated %d; reason: %s", (long long)id, (long long)notice_id, (long long)report_id, ground,
                      automated, reason) < 0)
        return -1;
    /* And by e-mail when the operator configured SMTP and the creator gave
     * an address (queued in this transaction: sent only if it commits). */
    st = db_prepare(db, "SELECT author_id, title FROM works WHERE id = :w");
    db_bind_text(st, ":w", work_id);
    int64_t author = 0;
    char title[512] = "";
    if (db_step(st) == DB_ROW) {
        author = db_col_int(st, 0);
        snprintf(title, sizeof title, "%s", db_col_text(st, 1));
    }
    db_done(st);
    buf_t mail = BUF_INIT;
    buf_printf(&mail,
               "你的作品《%s》(/a/%s)已被移除。\n依据:%s%lld;理由类别:%s;说明:%s;%s。\n"
               "你可以在创作中心 /studio/notices 查看完整的处理说明,并提交反通知或申诉。\n\n"
               "Your work \"%s\" (/a/%s) was removed.\nOn: %s %lld; ground: %s; reason: %s; %s.\n"
               "The full statement of reasons, and the counter-notice and complaint forms, are at /studio/notices.\n",
               title, work_id, notice_id ? "通知" : "举报", (long long)(notice_id ? notice_id : report_id), ground,
               reason, automated ? "自动处理" : "人工处理", title, work_id, notice_id ? "notice" : "report",
               (long long)(notice_id ? notice_id : report_id), ground, reason,
               automated ? "decided automatically" : "decided by a person");
    int queued = author ? mail_queue_user(db, author, "作品已被移除 / Your work was removed", buf_cstr(&mail)) : 0;
    buf_free(&mail);
    if (queued < 0 || notify_moderation(db, author, "takedown", work_id, 0, reason, t) < 0)
        return -1;
    /* The statement of reasons reaches the creator in the studio
     * (/studio/notices); record that it was forwarded. */
    if (audit_appendf(db, "system", "takedown.forward", subj, "statement of reasons for takedown %lld shown to the "
                      "creator in the studio", (long long)id) < 0)
        return -1;
    return id;
}

/* A comment's removal on notice notice_id or report report_id (one of
 * them 0): see takedown_comment. */
static int64_t take_comment(db_t *db, int64_t comment_id, int64_t notice_id, int64_t report_id, const char *ground,
                            const char *reason, int automated, const char *actor)
{
    int64_t t = clock_now();
    db_stmt_t *st = db_prepare(db, "SELECT work_id, status, author_id FROM comments WHERE id = :c");
    db_bind_int(st, ":c", comment_id);
    char work_id[32] = "", status[16] = "";
    int64_t commenter = 0;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        snprintf(work_id, sizeof work_id, "%s", db_col_text(st, 0));
        snprintf(status, sizeof status, "%s", db_col_text(st, 1));
        commenter = db_col_int(st, 2);
    }
    db_done(st);
    if (rc != DB_ROW)
        return rc == DB_DONE ? 0 : -1;
    if (strcmp(status, "published") != 0 && strcmp(status, "pending") != 0)
        return 0;
    int64_t id = insert_takedown(db, work_id, comment_id, notice_id, report_id, ground, reason, automated, actor, t);
    if (id < 0)
        return -1;
    /* The placeholder readers see names the notice or the report
     * (comment_page.c shows the reason after "removed following a
     * rights-holder notice" or "removed by the site"). */
    char shown[640];
    if (notice_id)
        snprintf(shown, sizeof shown, "第 %lld 号权利人通知 / rights-holder notice %lld. %s", (long long)notice_id,
                 (long long)notice_id, reason);
    else
        snprintf(shown, sizeof shown, "第 %lld 号举报(%s)/ report %lld (%s). %s", (long long)report_id, ground,
                 (long long)report_id, ground, reason);
    char subj[48];
    snprintf(subj, sizeof subj, "comment:%lld", (long long)comment_id);
    if (comment_take_down(db, comment_id, id, notice_id ? "takedown" : "report", shown, t) < 0 ||
        audit_appendf(db, actor, "comment.takedown", subj, "takedown %lld; work %s; notice %lld; report %lld; "
                      "ground %s; automated %d; reason: %s", (long long)id, work_id, (long long)notice_id,
                      (long long)report_id, ground, automated, reason) < 0)
        return -1;
    takedown_strikes(db, commenter, actor); /* the commenter's strikes */
    return id;
}

int64_t takedown_comment(db_t *db, int64_t comment_id, int64_t notice_id, const char *ground, const char *reason,
                         int automated, const char *actor)
{
    return take_comment(db, comment_id, notice_id, 0, ground, reason, automated, actor);
}

int64_t takedown_comment_report(db_t *db, int64_t comment_id, int64_t report_id, const char *ground,
                                const char *reason, const char *actor)
{
    return take_comment(db, comment_id, 0, report_id, ground, reason, 0, actor);
}

int takedown_mail_comments(db_t *db, const int64_t *takedown_ids, int n)
{
    /* One message per commenter, listing each of their comments removed
     * by these takedowns (ordered by commenter, then takedown). */
    int64_t done[64];
    int ndone = 0;
    for (int i = 0; i < n; i++) {
        db_stmt_t *st = db_prepare(db, "SELECT c.author_id FROM takedowns t JOIN comments c ON c.id = t.comment_id "
                                       "WHERE t.id = :id");
        db_bind_int(st, ":id", takedown_ids[i]);
        int64_t who = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
        db_done(st);
        int seen = !who;
        for (int k = 0; k < ndone && !seen; k++)
            seen = done[k] == who;
        if (seen || ndone == (int)(sizeof done / sizeof done[0]))
            continue;
        done[ndone++] = who;
        buf_t zh = BUF_INIT, en = BUF_INIT;
        for (int j = i; j < n; j++) {
            st = db_prepare(db, "SELECT t.work_id, t.comment_id, t.notice_id, t.report_id, t.ground, t.reason, "
                                "t.automated, w.title, c.author_id FROM takedowns t JOIN works w ON w.id = t.work_id "
                                "JOIN comments c ON c.id = t.comment_id WHERE t.id = :id");
            db_bind_int(st, ":id", takedown_ids[j]);
            if (db_step(st) == DB_ROW && db_col_int(st, 8) == who) {
                const char *wid = db_col_text(st, 0), *title = db_col_text(st, 7), *ground = db_col_text(st, 4);
                const char *reason = db_col_text(st, 5);
                long long cid = (long long)db_col_int(st, 1), nid = (long long)db_col_int(st, 2),
                          rid = (long long)db_col_int(st, 3);
                int automated = (int)db_col_int(st, 6);
                /* raw: plain-text mail */
                buf_printf(&zh, "- 《%s》下的评论 /a/%s#c-%lld\n  依据:%s%lld;理由类别:%s;说明:%s;%s。\n", title,
                           wid, cid, nid ? "通知" : "举报", nid ? nid : rid, ground, reason,
                           automated ? "自动处理" : "人工处理");
                /* raw: plain-text mail */
                buf_printf(&en, "- your comment /a/%s#c-%lld on \"%s\"\n  On: %s %lld; ground: %s; reason: %s; %s.\n",
                           wid, cid, title, nid ? "notice" : "report", nid ? nid : rid, ground, reason,
                           automated ? "decided automatically" : "decided by a person");
            }
            db_done(st);
        }
        buf_t mail = BUF_INIT;
        /* raw: plain-text mail */
        buf_printf(&mail, "你的以下评论已被移除:\n%s你可以在 /studio/notices 查看完整的处理说明,并提交反通知或申诉。\n\n"
                          "These comments of yours were removed:\n%sThe full statement of reasons, and the "
                          "counter-notice and complaint forms, are at /studio/notices.\n",
                   buf_cstr(&zh), buf_cstr(&en));
        int rc = mail_queue_user(db, who, "评论已被移除 / Your comments were removed", buf_cstr(&mail));
        buf_free(&mail);
        buf_free(&zh);
        buf_free(&en);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int takedown_restore(db_t *db, int64_t takedown_id, const char *actor, const char *why)
{
    db_stmt_t *st = db_prepare(db, "SELECT work_id, comment_id FROM takedowns WHERE id = :id AND status = 'active'");
    db_bind_int(st, ":id", takedown_id);
    char work_id[32] = "";
    int64_t comment_id = 0;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        snprintf(work_id, sizeof work_id, "%s", db_col_text(st, 0));
        comment_id = db_col_int(st, 1);
    }
    db_done(st);
    if (rc != DB_ROW)
        return rc == DB_DONE ? 0 : -1;
    int64_t t = clock_now();
    if (comment_id) {
        /* A comment's removal: the comment comes back, the work was never touched. */
        st = db_prepare(db, "UPDATE takedowns SET status = 'restored', ended_at = :t WHERE id = :id");
        db_bind_int(st, ":t", t);
        db_bind_int(st, ":id", takedown_id);
        rc = db_step(st);
        db_done(st);
        char csubj[48];
        snprintf(csubj, sizeof csubj, "comment:%lld", (long long)comment_id);
        if (rc != DB_DONE || comment_restore(db, comment_id, t) < 0 ||
            audit_appendf(db, actor, "comment.restore", csubj, "takedown %lld ended: %s; work %s",
                          (long long)takedown_id, why, work_id) < 0)
            return -1;
        return 1;
    }
    st = db_prepare(db, "UPDATE takedowns SET status = 'restored', ended_at = :t WHERE id = :id");
    db_bind_int(st, ":t", t);
    db_bind_int(st, ":id", takedown_id);
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    /* Published again only when no other removal still holds it. */
    st = db_prepare(db, "UPDATE works SET status = 'published' WHERE id = :w AND status = 'taken_down' AND NOT EXISTS "
                        "(SELECT 1 FROM takedowns WHERE work_id = :w AND status = 'active' AND comment_id IS NULL)");
    db_bind_text(st, ":w", work_id);
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || search_sync(db, work_id) < 0 || /* back in the index when published again */
        fed_work_changed(db, work_id) < 0)                 /* and a Create to followers elsewhere */
        return -1;
    char subj[64];
    snprintf(subj, sizeof subj, "work:%s", work_id);
    if (audit_appendf(db, actor, "work.restore", subj, "takedown %lld ended: %s", (long long)takedown_id, why) < 0 ||
        notify_moderation(db, 0, "restore", work_id, 0, NULL, t) < 0)
        return -1;
    return 1;
}

int takedown_get(db_t *db, int64_t takedown_id, int64_t *author_id, int64_t *notice_id, char status[16])
{
    /* A comment's removal concerns its commenter. */
    db_stmt_t *st = db_prepare(db, "SELECT coalesce(c.author_id, w.author_id), t.notice_id, t.status FROM takedowns t "
                                   "JOIN works w ON w.id = t.work_id LEFT JOIN comments c ON c.id = t.comment_id "
                                   "WHERE t.id = :id");
    db_bind_int(st, ":id", takedown_id);
    int found = db_step(st) == DB_ROW;
    if (found) {
        *author_id = db_col_int(st, 0);
        *notice_id = db_col_int(st, 1);
        snprintf(status, 16, "%s", db_col_text(st, 2));
    }
    db_done(st);
    return found;
}

int takedown_describe(db_t *db, const char *work_id, lang_t L, buf_t *out, int64_t *notice_id)
{
    db_stmt_t *st = db_prepare(db, "SELECT t.notice_id, t.report_id, t.ground, t.reason, t.automated, "
                                   "coalesce(n.right_claimed, '') FROM takedowns t "
                                   "LEFT JOIN notices n ON n.id = t.notice_id "
                                   "WHERE t.work_id = :w AND t.status = 'active' AND t.comment_id IS NULL "
                                   "ORDER BY t.id DESC LIMIT 1");
    db_bind_text(st, ":w", work_id);
    int found = db_step(st) == DB_ROW;
    if (found) {
        int64_t n = db_col_int(st, 0), rep = db_col_int(st, 1);
        *notice_id = n;
        int en = L == LANG_EN;
        char gk[48];
        snprintf(gk, sizeof gk, "ground.%s", db_col_text(st, 2));
        /* One language, each clause ended once (removed_clause drops the
         * stop a typed text brings), an automated removal's bilingual
         * stored line said in L. */
        if (n)
            buf_printf(out, en ? "This work was removed after rights-holder notice %lld. Ground: %s. Right claimed: "
                               : "该作品已根据第 %lld 号权利人通知被移除。理由:%s。主张的权利:",
                       (long long)n, T(L, gk)); /* raw: plain text, escaped where it is shown */
        else
            buf_printf(out, en ? "This work was removed after a moderator's decision on report %lld. Ground: %s. "
                               : "该作品已根据审核员对第 %lld 号举报的决定被移除。理由:%s。",
                       (long long)rep, T(L, gk)); /* raw: plain text, escaped where it is shown */
        if (n) {
            removed_clause(out, db_col_text(st, 5));
            buf_rawz(out, en ? ". " : "。"); /* raw: text */
        }
        buf_rawz(out, en ? "Statement of reasons: " : "说明:"); /* raw: text */
        removed_clause(out, db_col_int(st, 4) ? T(L, "sor.automated_yes") : db_col_text(st, 3));
        buf_rawz(out, en ? "." : "。"); /* raw: text */
    }
    db_done(st);
    return found;
}

int takedown_strikes(db_t *db, int64_t author_id, const char *actor)
{
    int limit = settings_int(db, "strike_limit");
    if (limit <= 0)
        return 0;
    int64_t since = clock_now() - (int64_t)settings_int(db, "strike_months") * 30 * 24 * 3600;
    /* A reinstated account (hao user reinstate) starts counting afresh. */
    char subj[64];
    snprintf(subj, sizeof subj, "user:%lld", (long long)author_id);
    db_stmt_t *st = db_prepare(db, "SELECT max(at) FROM audit_log WHERE action = 'user.reinstate' AND subject = :s");
    db_bind_text(st, ":s", subj);
    if (db_step(st) == DB_ROW && !db_col_is_null(st, 0) && db_col_int(st, 0) >= since)
        since = db_col_int(st, 0) + 1;
    db_done(st);
    /* Notices upheld against the author's works, or against their comments
     * (a comment's removal never counts against the work's author); and
     * reader reports upheld against their comments, which count as notices
     * do for comments (an upheld report on a work is not a strike). */
    st = db_prepare(db, "SELECT count(DISTINCT CASE WHEN t.notice_id IS NOT NULL THEN 'n' || t.notice_id "
                        "ELSE 'r' || t.report_id END) FROM takedowns t JOIN works w ON w.id = t.work_id "
                        "LEFT JOIN comments cm ON cm.id = t.comment_id "
                        "WHERE ((t.comment_id IS NULL AND w.author_id = :a) OR cm.author_id = :a) "
                        "AND (t.notice_id IS NOT NULL OR (t.comment_id IS NOT NULL AND t.report_id IS NOT NULL)) "
                        "AND t.status <> 'restored' AND t.created_at >= :since");
    db_bind_int(st, ":a", author_id);
    db_bind_int(st, ":since", since);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (n < limit)
        return 0;
    st = db_prepare(db, "UPDATE users SET status = 'suspended' WHERE id = :a AND status = 'active'");
    db_bind_int(st, ":a", author_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_changes(db) != 1)
        return 0;
    audit_appendf(db, actor, "user.suspend", subj, "repeat infringer: %lld upheld notices in %d months (limit %d)",
                  (long long)n, settings_int(db, "strike_months"), limit);
    return 1;
}

void takedown_suspension_reason(db_t *db, int64_t user_id, lang_t L, buf_t *out)
{
    char subj[64];
    snprintf(subj, sizeof subj, "user:%lld", (long long)user_id);
    db_stmt_t *st = db_prepare(db, "SELECT detail FROM audit_log WHERE action = 'user.suspend' AND subject = :s "
                                   "ORDER BY id DESC LIMIT 1");
    db_bind_text(st, ":s", subj);
    if (db_step(st) == DB_ROW) {
        buf_lit(out, " ");
        buf_rawz(out, L == LANG_EN ? "Reason: " : "理由:");
        buf_rawz(out, db_col_text(st, 0));
    }
    db_done(st);
}

/* Erase the content of work_id kept for the retention period: the body
 * (with mark_deleted, the work also becomes 'deleted'), its revisions, its
 * tags and the media only it embedded (*gone: their files, for
 * media_gone_finish after the transaction). The row stays. Runs in the
 * caller's transaction; 1 when every statement ran, else 0. */
static int purge_content(db_t *db, const char *work_id, int mark_deleted, media_gone_t **gone)
{
    *gone = NULL;
    const char *sqls[] = {
        mark_deleted ? "UPDATE works SET body = '', status = 'deleted' WHERE id = :w"
                     : "UPDATE works SET body = '' WHERE id = :w",
        "DELETE FROM revisions WHERE work_id = :w",
        "DELETE FROM tags WHERE work_id = :w",
    };
    int ok = 1;
    for (size_t k = 0; k < 3 && ok; k++) {
        db_stmt_t *q = db_prepare(db, sqls[k]);
        db_bind_text(q, ":w", work_id);
        ok = db_step(q) == DB_DONE;
        db_done(q);
    }
    return ok && media_purge_work(db, work_id, gone) == 0 && comment_purge_work(db, work_id) >= 0;
}

int takedown_purge_expired(db_t *db)
{
    int64_t before = clock_now() - (int64_t)settings_int(db, "retention_days") * 24 * 3600;
    db_stmt_t *st = db_prepare(db, "SELECT id, work_id FROM takedowns WHERE status = 'active' AND created_at < :b "
                                   "AND comment_id IS NULL ORDER BY id LIMIT 50");
    db_bind_int(st, ":b", before);
    int64_t ids[50];
    char works[50][32];
    int n = 0;
    while (db_step(st) == DB_ROW && n < 50) {
        ids[n] = db_col_int(st, 0);
        snprintf(works[n], sizeof works[n], "%s", db_col_text(st, 1));
        n++;
    }
    db_done(st);
    int done = 0;
    for (int i = 0; i < n; i++) {
        if (db_begin(db) < 0)
            return done;
        media_gone_t *gone;
        int ok = purge_content(db, works[i], 1, &gone);
        if (ok) {
            db_stmt_t *q = db_prepare(db, "UPDATE takedowns SET status = 'purged', ended_at = :t WHERE id = :id");
            db_bind_int(q, ":t", clock_now());
            db_bind_int(q, ":id", ids[i]);
            ok = db_step(q) == DB_DONE;
            db_done(q);
        }
        char subj[64];
        snprintf(subj, sizeof subj, "work:%.20s", works[i]);
        if (ok && audit_appendf(db, "system", "work.purge", subj, "takedown %lld: content purged after the %d-day "
                                "retention period", (long long)ids[i], settings_int(db, "retention_days")) == 0 &&
            db_commit(db) == 0) {
            done++;
            media_gone_finish(gone, 1);
        } else {
            db_rollback(db);
            media_gone_finish(gone, 0);
        }
    }
    return done;
}

int takedown_purge_comments(db_t *db)
{
    int64_t before = clock_now() - (int64_t)settings_int(db, "retention_days") * 24 * 3600;
    if (db_begin(db) < 0)
        return 0;
    int n = comment_purge_expired(db, before);
    /* A comment's removal past retention is over: its text is erased just
     * now (or was), so no counter-notice may bring back an empty comment. */
    int64_t ended = 0;
    if (n >= 0) {
        db_stmt_t *st = db_prepare(db, "UPDATE takedowns SET status = 'purged', ended_at = :t WHERE comment_id IS NOT "
                                       "NULL AND status = 'active' AND created_at < :b");
        db_bind_int(st, ":t", clock_now());
        db_bind_int(st, ":b", before);
        n = db_step(st) == DB_DONE ? n : -1;
        db_done(st);
        ended = n >= 0 ? db_changes(db) : 0;
    }
    if (n >= 0 && ended > 0 &&
        audit_appendf(db, "system", "comment.purge", "takedowns", "%lld comment takedowns ended: their text purged "
                      "after the %d-day retention period", (long long)ended, settings_int(db, "retention_days")) < 0)
        n = -1;
    if (n < 0 || db_commit(db) < 0) {
        db_rollback(db);
        return 0;
    }
    return n;
}

int takedown_purge_deleted(db_t *db)
{
    int64_t before = clock_now() - (int64_t)settings_int(db, "retention_days") * 24 * 3600;
    db_stmt_t *st = db_prepare(db, "SELECT id FROM works WHERE status = 'deleted' AND body <> '' AND updated_at < :b "
                                   "ORDER BY updated_at LIMIT 50");
    db_bind_int(st, ":b", before);
    char works[50][32];
    int n = 0;
    while (db_step(st) == DB_ROW && n < 50)
        snprintf(works[n++], sizeof works[0], "%s", db_col_text(st, 0));
    db_done(st);
    int done = 0;
    for (int i = 0; i < n; i++) {
        if (db_begin(db) < 0)
            return done;
        media_gone_t *gone;
        int ok = purge_content(db, works[i], 0, &gone);
        char subj[64];
        snprintf(subj, sizeof subj, "work:%.20s", works[i]);
        if (ok && audit_appendf(db, "system", "work.purge", subj, "deleted work purged after the %d-day retention "
                                "period", settings_int(db, "retention_days")) == 0 && db_commit(db) == 0) {
            done++;
            media_gone_finish(gone, 1);
        } else {
            db_rollback(db);
            media_gone_finish(gone, 0);
        }
    }
    return done;
}
