/*
 * password.c — see password.h.
 *
 * Threads: handlers and done() run on a loop thread; pw_work() runs on a
 * pool thread and touches only its job (no request, no loop connection).
 */
#include "site/security/password.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/token.h"
#include "http/pool.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/mail.h"
#include "site/security/security.h"
#include "site/trust/audit.h"

/* ---- the pool job: check the old password (when asked), hash the new ---- */

enum pw_purpose { PW_CHANGE, PW_RESET };

typedef struct {
    pool_job_t job;
    enum pw_purpose purpose;
    int64_t uid;
    char old_hash[crypto_pwhash_STRBYTES]; /* PW_CHANGE: the stored hash */
    char current[SEC_PASSWORD_MAX + 1];    /* PW_CHANGE: what was typed as the current password */
    char fresh[SEC_PASSWORD_MAX + 1];      /* the new password */
    char new_hash[crypto_pwhash_STRBYTES];
    char token[65];                        /* PW_RESET: the link's token */
    int current_ok, hashed;
} pw_job_t;

static void pw_work(pool_job_t *j)
{
    pw_job_t *p = (pw_job_t *)j;
    if (p->purpose == PW_CHANGE)
        p->current_ok = crypto_pwhash_str_verify(p->old_hash, p->current, strlen(p->current)) == 0;
    else
        p->current_ok = 1;
    if (p->current_ok)
        p->hashed = crypto_pwhash_str(p->new_hash, p->fresh, strlen(p->fresh), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                      crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
    sodium_memzero(p->current, sizeof p->current);
    sodium_memzero(p->fresh, sizeof p->fresh);
}

static int length_ok(const char *p)
{
    size_t n = strlen(p);
    return n >= SEC_PASSWORD_MIN && n <= SEC_PASSWORD_MAX;
}

/* Set the hash and end sessions (all but keep_hash; keep_hash NULL: all). */
static int store(db_t *db, int64_t uid, const char *hash, const char *keep_hash)
{
    db_stmt_t *st = db_prepare(db, "UPDATE users SET pass_hash = :p WHERE id = :u");
    db_bind_text(st, ":p", hash);
    db_bind_int(st, ":u", uid);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    st = db_prepare(db, "DELETE FROM sessions WHERE user_id = :u AND kind = 'web' AND token_hash <> :keep");
    db_bind_int(st, ":u", uid);
    db_bind_text(st, ":keep", keep_hash ? keep_hash : "");
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    /* A reset link sent before the change must not undo it. */
    st = db_prepare(db, "DELETE FROM password_resets WHERE user_id = :u");
    db_bind_int(st, ":u", uid);
    rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* ---- change ---- */

static void change_render(hreq_t *r, int status, const char *msg, int ok)
{
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "security", T(r->lang, "sec.password"));
    sec_nav(r, &b, "/account/security/password");
    if (ok)
        fk_ok(&b, msg);
    else
        fk_alert(&b, msg);
    fk_form_begin(r, &b, "/account/security/password");
    buf_hprintf(&b,
                "<p><label for=\"f-current\">%s</label><br><input type=\"password\" id=\"f-current\" name=\"current\" "
                "autocomplete=\"current-password\" required></p>\n"
                "<p><label for=\"f-password\">%s</label><br><input type=\"password\" id=\"f-password\" name=\"password\" "
                "autocomplete=\"new-password\" required></p>\n"
                "<p><label for=\"f-password2\">%s</label><br><input type=\"password\" id=\"f-password2\" name=\"password2\" "
                "autocomplete=\"new-password\" required></p>\n<p class=\"hint\">%s</p>\n",
                T(r->lang, "sec.current_password"), T(r->lang, "sec.new_password"), T(r->lang, "account.password2"),
                T(r->lang, "sec.password_hint"));
    fk_form_end(&b, T(r->lang, "sec.change_password"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /account/security/password — the change-password form. */
void sec_password_page(hreq_t *r)
{
    change_render(r, 200, NULL, 0);
}

static void change_done(pool_job_t *j, hreq_t *r)
{
    pw_job_t *p = (pw_job_t *)j;
    if (!r)
        return;
    if (!p->current_ok) {
        sec_note_failure(r, p->uid);
        change_render(r, 403, T(r->lang, "sec.err.current_wrong"), 0);
        return;
    }
    if (!p->hashed) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    sec_clear_failures(r, p->uid);
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return;
    }
    if (store(r->db, p->uid, p->new_hash, r->user.session_hash) < 0 ||
        sec_event(r->db, p->uid, NULL, "security.password_changed", "other sessions ended", "你的账号密码已修改。",
                  "Your account's password was changed.") < 0 ||
        db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    change_render(r, 200, T(r->lang, "sec.password_changed"), 1);
}

/* POST /account/security/password — fields: csrf, current, password,
 * password2. A wrong current password counts against the account's and the
 * address's second-factor throttle (security.h) and changes nothing. */
void sec_password_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *cur = form_get(&f, "current"), *pw = form_get(&f, "password"), *pw2 = form_get(&f, "password2");
    if (!cur || !*cur || strlen(cur) > SEC_PASSWORD_MAX) {
        change_render(r, 422, T(r->lang, "sec.err.current_wrong"), 0);
        return;
    }
    if (!pw || !length_ok(pw)) {
        change_render(r, 422, T(r->lang, "account.err.password"), 0);
        return;
    }
    if (!pw2 || strcmp(pw, pw2) != 0) {
        change_render(r, 422, T(r->lang, "account.err.mismatch"), 0);
        return;
    }
    if (sec_throttled(r, r->user.id)) {
        change_render(r, 429, T(r->lang, "account.err.throttled"), 0);
        return;
    }
    pw_job_t *p = xcalloc(1, sizeof(*p));
    p->job.work = pw_work;
    p->job.done = change_done;
    p->purpose = PW_CHANGE;
    p->uid = r->user.id;
    db_stmt_t *st = db_prepare(r->db, "SELECT pass_hash FROM users WHERE id = :u");
    db_bind_int(st, ":u", r->user.id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        snprintf(p->old_hash, sizeof p->old_hash, "%s", db_col_text(st, 0));
    db_done(st);
    if (rc != DB_ROW) {
        free(p);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    snprintf(p->current, sizeof p->current, "%s", cur);
    snprintf(p->fresh, sizeof p->fresh, "%s", pw);
    pool_submit(r, &p->job);
}

/* ---- reset by e-mailed link ---- */

/* Mail can carry a link only when SMTP and the site's address are set. */
static int reset_by_mail(db_t *db)
{
    char *smtp = db_setting(db, "smtp_url", ""), *base = db_setting(db, "base_url", "");
    int ok = *smtp && *base;
    free(smtp);
    free(base);
    return ok;
}

static void reset_render(hreq_t *r, int status, const char *msg, int ok)
{
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "account security", T(r->lang, "sec.reset"));
    if (ok)
        fk_ok(&b, msg);
    else
        fk_alert(&b, msg);
    if (!reset_by_mail(r->db)) {
        buf_hprintf(&b, "<p>%s</p>\n<pre>hao user reset-password HANDLE</pre>\n", T(r->lang, "sec.reset_no_mail"));
    } else if (!ok) {
        buf_hprintf(&b, "<p>%s</p>\n", T(r->lang, "sec.reset_intro"));
        fk_form_begin(r, &b, "/account/reset");
        buf_hprintf(&b, "<p><label for=\"f-email\">%s</label><br><input type=\"email\" id=\"f-email\" name=\"email\" "
                        "autocomplete=\"email\" required></p>\n",
                    T(r->lang, "sec.email"));
        fk_form_end(&b, T(r->lang, "sec.reset_send"));
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /account/reset — the forgotten-password form (an address), or, when
 * the site cannot send mail, who can help. */
void sec_reset_page(hreq_t *r)
{
    reset_render(r, 200, NULL, 0);
}

/* POST /account/reset — fields: csrf, email. The same answer whether or not
 * an account has the address; when one does (active accounts only), a link
 * valid for 30 minutes is mailed to it. */
void sec_reset_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    if (!reset_by_mail(r->db)) {
        reset_render(r, 404, T(r->lang, "sec.reset_no_mail"), 0);
        return;
    }
    const char *email = form_get(&f, "email");
    if (!email || !mail_address_ok(email)) {
        reset_render(r, 422, T(r->lang, "sec.err.email"), 0);
        return;
    }
    /* Throttled per address like a sign-in, so the form cannot be used to
     * flood someone's mailbox. */
    if (sec_rate(r, "reset", 10)) {
        reset_render(r, 429, T(r->lang, "account.err.throttled"), 0);
        return;
    }
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "SELECT id FROM users WHERE lower(email) = lower(:e) AND status = 'active' "
                                      "AND deleted_at IS NULL ORDER BY id LIMIT 5");
    db_bind_text(st, ":e", email);
    int64_t ids[5];
    int n = 0;
    while (n < 5 && db_step(st) == DB_ROW)
        ids[n++] = db_col_int(st, 0);
    db_done(st);
    char *base = db_setting(r->db, "base_url", "");
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        char token[65], hash[65];
        token_new(token, sizeof token, hash);
        st = db_prepare(r->db, "INSERT INTO password_resets(token_hash, user_id, created_at, expires_at) "
                               "VALUES (:h, :u, :now, :exp)");
        db_bind_text(st, ":h", hash);
        db_bind_int(st, ":u", ids[i]);
        db_bind_int(st, ":now", now_s());
        db_bind_int(st, ":exp", now_s() + SEC_RESET_TTL);
        rc = db_step(st) == DB_DONE ? 0 : -1;
        db_done(st);
        if (rc < 0)
            break;
        buf_t body = BUF_INIT;
        buf_printf(&body, /* raw: mail text */
                   "有人请求重设你在本站的账号密码。30 分钟内打开下面的链接即可设置新密码(只能使用一次):\n%s/account/reset/%s\n"
                   "如果不是你本人的请求,忽略这封邮件即可,密码不会改变。\n\n"
                   "Someone asked to reset the password of your account. Open this link within 30 minutes to choose a "
                   "new one (it works once):\n%s/account/reset/%s\nIf it was not you, ignore this mail; the password "
                   "stays as it is.\n",
                   base, token, base, token);
        rc = mail_queue_user(r->db, ids[i], "重设密码 / Password reset", buf_cstr(&body)) < 0 ? -1 : 0;
        buf_free(&body);
        if (rc == 0)
            rc = sec_event(r->db, ids[i], "site", "security.reset_requested", "a reset link was mailed", NULL, NULL);
    }
    free(base);
    if (rc < 0 || db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    reset_render(r, 200, T(r->lang, "sec.reset_sent"), 1);
}

/* The account a reset link (path parameter 0) is for, while it is unused
 * and fresh: its id, or 0. */
static int64_t reset_link_user(hreq_t *r, char hash[65])
{
    const char *t = rq_param(r, 0);
    if (strlen(t) != 64 || strspn(t, "0123456789abcdef") != 64)
        return 0;
    token_sha256_hex(t, hash);
    db_stmt_t *st = db_prepare(r->db, "SELECT user_id FROM password_resets WHERE token_hash = :h AND used_at IS NULL "
                                      "AND expires_at > :now");
    db_bind_text(st, ":h", hash);
    db_bind_int(st, ":now", now_s());
    int64_t uid = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return uid;
}

static void link_render(hreq_t *r, int status, const char *msg)
{
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "account security", T(r->lang, "sec.reset"));
    fk_alert(&b, msg);
    buf_t action = BUF_INIT;
    buf_lit(&action, "/account/reset/");
    buf_url(&action, rq_param(r, 0), strlen(rq_param(r, 0)));
    fk_form_begin(r, &b, buf_cstr(&action));
    buf_free(&action);
    buf_hprintf(&b,
                "<p><label for=\"f-password\">%s</label><br><input type=\"password\" id=\"f-password\" name=\"password\" "
                "autocomplete=\"new-password\" required></p>\n"
                "<p><label for=\"f-password2\">%s</label><br><input type=\"password\" id=\"f-password2\" name=\"password2\" "
                "autocomplete=\"new-password\" required></p>\n",
                T(r->lang, "sec.new_password"), T(r->lang, "account.password2"));
    fk_form_end(&b, T(r->lang, "sec.reset_set"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

static void link_bad(hreq_t *r)
{
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "account security", T(r->lang, "sec.reset"));
    fk_alert(&b, T(r->lang, "sec.err.reset_link"));
    buf_hprintf(&b, "<p><a href=\"/account/reset\">%s</a></p></section>\n", T(r->lang, "sec.reset_again"));
    page_send(r, &b, 400);
}

/* GET /account/reset/:token — the new-password form, while the link holds. */
void sec_reset_link_page(hreq_t *r)
{
    char hash[65];
    if (!reset_link_user(r, hash)) {
        link_bad(r);
        return;
    }
    link_render(r, 200, NULL);
}

static void reset_done(pool_job_t *j, hreq_t *r)
{
    pw_job_t *p = (pw_job_t *)j;
    if (!r)
        return;
    if (!p->hashed) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return;
    }
    /* Used once: of two uses racing, one finds it used. */
    db_stmt_t *st = db_prepare(r->db, "UPDATE password_resets SET used_at = :now WHERE token_hash = :h "
                                      "AND used_at IS NULL AND expires_at > :now");
    db_bind_int(st, ":now", now_s());
    db_bind_text(st, ":h", p->token);
    int rc = db_step(st);
    int64_t n = rc == DB_DONE ? db_changes(r->db) : -1;
    db_done(st);
    if (n != 1) {
        db_rollback(r->db);
        if (n < 0)
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        else
            link_bad(r);
        return;
    }
    if (store(r->db, p->uid, p->new_hash, NULL) < 0 ||
        sec_event(r->db, p->uid, "reset-link", "security.password_reset", "by e-mailed link; all sessions ended",
                  "你的账号密码已通过邮件链接重设,所有登录会话已结束。",
                  "Your account's password was reset by an e-mailed link; all its sessions were ended.") < 0 ||
        db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    rs_redirect(r, 303, "/login?next=%2Fstudio");
}

/* POST /account/reset/:token — fields: csrf, password, password2. */
void sec_reset_link_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    char hash[65];
    int64_t uid = reset_link_user(r, hash);
    if (!uid) {
        link_bad(r);
        return;
    }
    const char *pw = form_get(&f, "password"), *pw2 = form_get(&f, "password2");
    if (!pw || !length_ok(pw)) {
        link_render(r, 422, T(r->lang, "account.err.password"));
        return;
    }
    if (!pw2 || strcmp(pw, pw2) != 0) {
        link_render(r, 422, T(r->lang, "account.err.mismatch"));
        return;
    }
    pw_job_t *p = xcalloc(1, sizeof(*p));
    p->job.work = pw_work;
    p->job.done = reset_done;
    p->purpose = PW_RESET;
    p->uid = uid;
    memcpy(p->token, hash, 65);
    snprintf(p->fresh, sizeof p->fresh, "%s", pw);
    pool_submit(r, &p->job);
}

/* ---- the command ---- */

int sec_cli_reset_password(db_t *db, const char *handle, const char *password, buf_t *err)
{
    if (!length_ok(password)) {
        buf_printf(err, "the password must be %d-%d bytes", SEC_PASSWORD_MIN, SEC_PASSWORD_MAX);
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        buf_lit(err, "out of memory while hashing the password");
        return -1;
    }
    if (db_begin(db) < 0) {
        buf_lit(err, "the database is busy");
        return -1;
    }
    db_stmt_t *st = db_prepare(db, "SELECT id FROM users WHERE handle = lower(:h) AND deleted_at IS NULL");
    db_bind_text(st, ":h", handle);
    int64_t uid = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (!uid) {
        db_rollback(db);
        buf_printf(err, "there is no user \"%s\"", handle); /* raw: text */
        return -1;
    }
    if (store(db, uid, hash, NULL) < 0 ||
        sec_event(db, uid, "cli", "security.password_reset", "by an administrator's command; all sessions ended",
                  "管理员重设了你的账号密码,所有登录会话已结束。",
                  "An administrator reset your account's password; all its sessions were ended.") < 0 ||
        db_commit(db) < 0) {
        db_rollback(db);
        buf_lit(err, "could not write to the database");
        return -1;
    }
    return 0;
}
