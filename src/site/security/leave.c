/*
 * leave.c — see leave.h.
 *
 * Threads: handlers and done() on a loop thread; the password check
 * (argon2id) in leave_work() on a pool thread, touching only its job.
 */
#include "site/security/leave.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/changed.h"
#include "http/pool.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/mail.h"
#include "site/security/password.h"
#include "site/security/security.h"
#include "site/trust/audit.h"
#include "site/works/work.h"

/* ---- the download ---- */

/* "key":[{...},...] from sql (binding :u), one object per row; names[i]
 * is column i's key and types[i] its JSON kind ('s' string, 'i' number). */
static int dump(buf_t *b, db_t *db, const char *key, const char *sql, int64_t uid, const char *const *names,
                const char *types)
{
    db_stmt_t *st = db_prepare(db, sql);
    db_bind_int(st, ":u", uid);
    buf_ch(b, ',');
    buf_json_strz(b, key);
    buf_lit(b, ":[");
    int rc, n = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n++)
            buf_ch(b, ',');
        buf_ch(b, '{');
        for (int i = 0; types[i]; i++) {
            if (i)
                buf_ch(b, ',');
            buf_json_strz(b, names[i]);
            buf_ch(b, ':');
            if (db_col_is_null(st, i))
                buf_lit(b, "null");
            else if (types[i] == 'i')
                buf_printf(b, "%lld", (long long)db_col_int(st, i));
            else
                buf_json_str(b, db_col_text(st, i), db_col_len(st, i));
        }
        buf_ch(b, '}');
    }
    db_done(st);
    buf_ch(b, ']');
    return rc == DB_DONE ? 0 : -1;
}

int sec_export_json(db_t *db, int64_t uid, buf_t *out)
{
    static const char *const profile[] = {"handle", "display_name", "role", "email", "created_at"};
    static const char *const works[] = {"id", "title", "body", "declaration", "status", "created_at", "updated_at",
                                        "published_at"};
    static const char *const tags[] = {"work_id", "tag"};
    static const char *const comments[] = {"id", "work_id", "parent_id", "body", "status", "created_at", "edited_at"};
    static const char *const likes[] = {"work_id", "created_at"};
    static const char *const clikes[] = {"comment_id", "created_at"};
    static const char *const follows[] = {"handle", "created_at"};
    static const char *const subs[] = {"creator", "mode", "status", "created_at"};
    buf_printf(out, "{\"format\":\"hao-account-data\",\"version\":1,\"exported_at\":%lld", (long long)now_s());
    int rc = 0;
    rc |= dump(out, db, "profile", "SELECT handle, display_name, role, email, created_at FROM users WHERE id = :u", uid,
               profile, "ssssi");
    rc |= dump(out, db, "works",
               "SELECT w.id, w.title, w.body, w.declaration, w.status, w.created_at, w.updated_at, w.published_at "
               "FROM works w WHERE w.author_id = :u AND w.status <> 'deleted' ORDER BY w.created_at",
               uid, works, "sssssiii");
    rc |= dump(out, db, "tags",
               "SELECT t.work_id, t.tag FROM tags t JOIN works w ON w.id = t.work_id "
               "WHERE w.author_id = :u AND w.status <> 'deleted' ORDER BY t.work_id, t.pos",
               uid, tags, "ss");
    rc |= dump(out, db, "comments",
               "SELECT id, work_id, parent_id, body, status, created_at, edited_at FROM comments "
               "WHERE author_id = :u ORDER BY id",
               uid, comments, "isissii");
    rc |= dump(out, db, "likes", "SELECT work_id, created_at FROM work_likes WHERE user_id = :u ORDER BY created_at",
               uid, likes, "si");
    rc |= dump(out, db, "comment_likes",
               "SELECT comment_id, created_at FROM comment_likes WHERE user_id = :u ORDER BY created_at", uid, clikes,
               "ii");
    rc |= dump(out, db, "follows",
               "SELECT u.handle, f.created_at FROM follows f JOIN users u ON u.id = f.followee_id "
               "WHERE f.follower_id = :u ORDER BY f.created_at",
               uid, follows, "si");
    rc |= dump(out, db, "followers",
               "SELECT u.handle, f.created_at FROM follows f JOIN users u ON u.id = f.follower_id "
               "WHERE f.followee_id = :u ORDER BY f.created_at",
               uid, follows, "si");
    rc |= dump(out, db, "subscriptions",
               "SELECT u.handle, s.mode, s.status, s.created_at FROM email_subscriptions s "
               "JOIN users u ON u.id = s.creator_id JOIN users me ON me.id = :u "
               "WHERE me.email <> '' AND s.address = lower(me.email) ORDER BY s.created_at",
               uid, subs, "sssi");
    buf_ch(out, '}');
    return rc ? -1 : 0;
}

/* GET /account/security/data.json — the signed-in user's data, as a file. */
void sec_export_get(hreq_t *r)
{
    buf_t b = BUF_INIT;
    if (sec_export_json(r->db, r->user.id, &b) < 0) {
        buf_free(&b);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    char disp[96];
    snprintf(disp, sizeof disp, "attachment; filename=\"hao-%s.json\"", r->user.handle);
    rs_header(r, "content-disposition", disp);
    rs_header(r, "cache-control", "no-store");
    rs_json(r, 200, &b);
    buf_free(&b);
}

/* ---- deletion ---- */

static int exec_u(db_t *db, const char *sql, int64_t uid)
{
    db_stmt_t *st = db_prepare(db, sql);
    db_bind_int(st, ":u", uid);
    if (strstr(sql, ":now"))
        db_bind_int(st, ":now", now_s());
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* The account's personal data, erased inside the caller's transaction. */
static int erase(db_t *db, int64_t uid)
{
    static const char *const steps[] = {
        /* Counters others see first, while the rows still say what to undo. */
        "UPDATE works SET likes_count = likes_count - 1 WHERE id IN (SELECT work_id FROM work_likes WHERE user_id = :u)",
        "UPDATE comments SET likes = likes - 1 WHERE id IN (SELECT comment_id FROM comment_likes WHERE user_id = :u)",
        "UPDATE users SET followers_count = followers_count - 1 "
        "WHERE id IN (SELECT followee_id FROM follows WHERE follower_id = :u)",
        "UPDATE users SET following_count = following_count - 1 "
        "WHERE id IN (SELECT follower_id FROM follows WHERE followee_id = :u)",
        "UPDATE works SET comments_count = comments_count - (SELECT count(*) FROM comments c "
        "WHERE c.work_id = works.id AND c.author_id = :u AND c.status = 'published') "
        "WHERE id IN (SELECT work_id FROM comments WHERE author_id = :u AND status = 'published')",
        "UPDATE comments SET replies = replies - (SELECT count(*) FROM comments c WHERE c.parent_id = comments.id "
        "AND c.author_id = :u AND c.status = 'published') "
        "WHERE id IN (SELECT parent_id FROM comments WHERE author_id = :u AND status = 'published' "
        "AND parent_id IS NOT NULL)",
        "UPDATE works SET pinned_comment = NULL WHERE pinned_comment IN (SELECT id FROM comments WHERE author_id = :u)",
        "UPDATE comments SET body = '', status = 'deleted', peer = '', status_at = :now WHERE author_id = :u",
        "DELETE FROM work_likes WHERE user_id = :u",
        "DELETE FROM comment_likes WHERE user_id = :u",
        "DELETE FROM follows WHERE follower_id = :u OR followee_id = :u",
        "DELETE FROM comment_blocks WHERE creator_id = :u OR blocked_id = :u",
        "DELETE FROM notifications WHERE recipient_id = :u OR actor_id = :u",
        "DELETE FROM email_subscriptions WHERE address = (SELECT lower(email) FROM users WHERE id = :u) "
        "AND address <> ''",
        "DELETE FROM sessions WHERE user_id = :u",
        "DELETE FROM totp WHERE user_id = :u",
        "DELETE FROM recovery_codes WHERE user_id = :u",
        "DELETE FROM login_pending WHERE user_id = :u",
        "DELETE FROM password_resets WHERE user_id = :u",
        "DELETE FROM passkeys WHERE user_id = :u",
        "DELETE FROM webauthn_challenges WHERE user_id = :u",
        "UPDATE users SET handle = 'deleted_' || CAST(id AS TEXT), display_name = '已注销用户 · deleted user', "
        "email = '', pass_hash = '!', status = 'suspended', followers_count = 0, following_count = 0, "
        "deleted_at = :now WHERE id = :u",
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (exec_u(db, steps[i], uid) < 0)
            return -1;
    return 0;
}

int sec_delete_account(db_t *db, int64_t uid, int keep_works, const char *actor, buf_t *err)
{
    db_stmt_t *st = db_prepare(db, "SELECT role, deleted_at FROM users WHERE id = :u");
    db_bind_int(st, ":u", uid);
    int rc = db_step(st);
    int admin = rc == DB_ROW && strcmp(db_col_text(st, 0), "admin") == 0;
    int gone = rc == DB_ROW && !db_col_is_null(st, 1);
    db_done(st);
    if (rc != DB_ROW || gone) {
        buf_lit(err, "there is no such account");
        return -1;
    }
    if (admin) {
        st = db_prepare(db, "SELECT count(*) FROM users WHERE role = 'admin' AND status = 'active' "
                            "AND deleted_at IS NULL AND id <> :u");
        db_bind_int(st, ":u", uid);
        int64_t others = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
        db_done(st);
        if (others == 0) {
            buf_lit(err, "the site's last administrator cannot be deleted");
            return -1;
        }
    }
    if (!keep_works) {
        /* Each as the studio deletes it (search and originality index too). */
        for (;;) {
            char id[WORK_ID_LEN + 1] = "";
            st = db_prepare(db, "SELECT id FROM works WHERE author_id = :u AND status <> 'deleted' LIMIT 1");
            db_bind_int(st, ":u", uid);
            if (db_step(st) == DB_ROW)
                snprintf(id, sizeof id, "%s", db_col_text(st, 0));
            db_done(st);
            if (!*id)
                break;
            work_err_t e = {0};
            if (work_delete(db, id, &e) < 0) {
                buf_lit(err, "a work could not be deleted; nothing else was changed");
                return -1;
            }
        }
    }
    if (db_begin(db) < 0) {
        buf_lit(err, "the database is busy");
        return -1;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "user:%lld deleted; works %s", (long long)uid, keep_works ? "kept" : "deleted");
    /* The farewell goes while the address is known; the audit entry names
     * the account by number only. */
    if (mail_queue_user(db, uid, "账号已删除 / Account deleted",
                        "你在本站的账号已删除,个人数据已清除。\n\nYour account on this site was deleted and its "
                        "personal data erased.\n") < 0 ||
        erase(db, uid) < 0 || audit_append(db, actor, "security.account_deleted", "account", detail) < 0 ||
        db_commit(db) < 0) {
        db_rollback(db);
        buf_lit(err, "the database refused the deletion; nothing was changed");
        return -1;
    }
    changed_signal();
    return 0;
}

int sec_cli_delete(db_t *db, const char *handle, int keep_works, buf_t *err)
{
    db_stmt_t *st = db_prepare(db, "SELECT id FROM users WHERE handle = lower(:h) AND deleted_at IS NULL");
    db_bind_text(st, ":h", handle);
    int64_t uid = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (!uid) {
        buf_printf(err, "there is no user \"%s\"", handle); /* raw: text */
        return -1;
    }
    return sec_delete_account(db, uid, keep_works, "cli", err);
}

/* ---- pages ---- */

static void leave_render(hreq_t *r, int status, const char *msg)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "security", T(L, "sec.leave"));
    sec_nav(r, &b, "/account/security/leave");
    fk_alert(&b, msg);
    buf_hprintf(&b, "<h2>%s</h2>\n<p>%s</p>\n<p><a href=\"/account/security/data.json\" download>%s</a></p>\n",
                T(L, "sec.export"), T(L, "sec.export_intro"), T(L, "sec.export_link"));
    buf_hprintf(&b, "<h2>%s</h2>\n<p>%s</p>\n", T(L, "sec.delete"), T(L, "sec.delete_intro"));
    fk_form_begin(r, &b, "/account/security/delete");
    buf_hprintf(&b, "<fieldset><legend>%s</legend>"
                    "<p><label><input type=\"radio\" name=\"works\" value=\"delete\" required> %s</label></p>"
                    "<p><label><input type=\"radio\" name=\"works\" value=\"keep\"> %s</label></p></fieldset>\n",
                T(L, "sec.delete_works"), T(L, "sec.delete_works_delete"), T(L, "sec.delete_works_keep"));
    buf_hprintf(&b, "<p><label for=\"f-password\">%s</label><br><input type=\"password\" id=\"f-password\" "
                    "name=\"password\" autocomplete=\"current-password\" required></p>\n",
                T(L, "sec.current_password"));
    buf_hprintf(&b, "<p><label for=\"f-confirm\">%s</label><br><input type=\"text\" id=\"f-confirm\" name=\"confirm\" "
                    "autocomplete=\"off\" required></p>\n",
                T(L, "sec.delete_type_handle"));
    fk_form_end(&b, T(L, "sec.delete_button"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /account/security/leave — download the data; delete the account. */
void sec_leave_page(hreq_t *r)
{
    leave_render(r, 200, NULL);
}

typedef struct {
    pool_job_t job;
    int64_t uid;
    int keep;
    char hash[crypto_pwhash_STRBYTES];
    char password[SEC_PASSWORD_MAX + 1];
    int ok;
} leave_job_t;

static void leave_work(pool_job_t *j)
{
    leave_job_t *l = (leave_job_t *)j;
    l->ok = crypto_pwhash_str_verify(l->hash, l->password, strlen(l->password)) == 0;
    sodium_memzero(l->password, sizeof l->password);
}

static void leave_done(pool_job_t *j, hreq_t *r)
{
    leave_job_t *l = (leave_job_t *)j;
    if (!r)
        return;
    if (!l->ok) {
        sec_note_failure(r, l->uid);
        leave_render(r, 403, T(r->lang, "sec.err.current_wrong"));
        return;
    }
    buf_t err = BUF_INIT;
    if (sec_delete_account(r->db, l->uid, l->keep, "self", &err) < 0) {
        leave_render(r, 409, T(r->lang, "sec.err.delete"));
        buf_free(&err);
        return;
    }
    buf_free(&err);
    rs_cookie(r, "hao_session", "", 0, 1);
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "security", T(r->lang, "sec.delete"));
    fk_ok(&b, T(r->lang, "sec.deleted"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
}

/* POST /account/security/delete — fields: csrf, works (delete | keep),
 * password, confirm (the handle, typed). */
void sec_delete_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *works = form_get(&f, "works"), *pw = form_get(&f, "password"), *confirm = form_get(&f, "confirm");
    if (!works || (strcmp(works, "delete") != 0 && strcmp(works, "keep") != 0)) {
        leave_render(r, 422, T(r->lang, "sec.err.delete_works"));
        return;
    }
    if (!confirm || strcasecmp(confirm, r->user.handle) != 0) {
        leave_render(r, 422, T(r->lang, "sec.err.delete_confirm"));
        return;
    }
    if (!pw || !*pw || strlen(pw) > SEC_PASSWORD_MAX) {
        leave_render(r, 422, T(r->lang, "sec.err.current_wrong"));
        return;
    }
    if (sec_throttled(r, r->user.id)) {
        leave_render(r, 429, T(r->lang, "account.err.throttled"));
        return;
    }
    leave_job_t *l = xcalloc(1, sizeof(*l));
    l->job.work = leave_work;
    l->job.done = leave_done;
    l->uid = r->user.id;
    l->keep = strcmp(works, "keep") == 0;
    db_stmt_t *st = db_prepare(r->db, "SELECT pass_hash FROM users WHERE id = :u");
    db_bind_int(st, ":u", r->user.id);
    if (db_step(st) == DB_ROW)
        snprintf(l->hash, sizeof l->hash, "%s", db_col_text(st, 0));
    db_done(st);
    snprintf(l->password, sizeof l->password, "%s", pw);
    pool_submit(r, &l->job);
}
