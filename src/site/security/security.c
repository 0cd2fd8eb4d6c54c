/*
 * security.c — see security.h. The overview and sessions pages, and the
 * pieces the rest of site/security/ shares. Loop thread only; nothing slow.
 */
#include "site/security/security.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/mail.h"
#include "site/ops/settings.h"
#include "site/trust/audit.h"

#define THROTTLE_WINDOW (15 * 60)
#define THROTTLE_ACCOUNT 5
#define THROTTLE_ADDR 20
#define UA_MAX 300

/* ---- events ---- */

int sec_event(db_t *db, int64_t uid, const char *actor, const char *action, const char *detail, const char *what_zh,
              const char *what_en)
{
    char handle[64] = "", subject[80], who[80];
    db_stmt_t *st = db_prepare(db, "SELECT handle FROM users WHERE id = :u");
    db_bind_int(st, ":u", uid);
    if (db_step(st) == DB_ROW)
        snprintf(handle, sizeof handle, "%s", db_col_text(st, 0));
    db_done(st);
    snprintf(subject, sizeof subject, "user:%s", handle);
    snprintf(who, sizeof who, "user:%s", handle);
    if (audit_append(db, actor ? actor : who, action, subject, detail ? detail : "") < 0)
        return -1;
    if (!what_zh)
        return 0;
    char *site = settings_get(db, "site_name");
    buf_t subj = BUF_INIT, body = BUF_INIT;
    buf_printf(&subj, "%s: 账号安全提醒 / Security notice", site); /* raw: mail text */
    buf_printf(&body,                                              /* raw: mail text */
               "%s(账号 %s)\n如果这不是你本人的操作,请立即修改密码并查看“账号安全”页面。\n\n"
               "%s (account %s)\nIf this was not you, change your password at once and review your "
               "account's security page.\n",
               what_zh, handle, what_en, handle);
    int rc = mail_queue_user(db, uid, buf_cstr(&subj), buf_cstr(&body));
    buf_free(&subj);
    buf_free(&body);
    free(site);
    return rc < 0 ? -1 : 0;
}

/* ---- sessions: where and when ---- */

void sec_session_describe(hreq_t *r, const char *token_hash)
{
    const char *ua = rq_header(r, "user-agent");
    char clean[UA_MAX + 1];
    size_t n = 0;
    /* Printable ASCII only, cut at UA_MAX: shown back to the owner as text. */
    for (const char *p = ua ? ua : ""; *p && n < UA_MAX; p++)
        clean[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
    clean[n] = 0;
    db_stmt_t *st = db_prepare(r->db, "UPDATE sessions SET user_agent = :ua, address = :a, last_seen = :now "
                                      "WHERE token_hash = :h");
    db_bind_text(st, ":ua", clean);
    db_bind_text(st, ":a", rq_peer(r));
    db_bind_int(st, ":now", now_s());
    db_bind_text(st, ":h", token_hash);
    db_step(st);
    db_done(st);
}

void sec_session_seen(hreq_t *r, const char *token_hash, int64_t last_seen)
{
    int64_t now = now_s();
    if (last_seen > now - 60)
        return;
    db_stmt_t *st = db_prepare(r->db, "UPDATE sessions SET last_seen = :now, address = :a WHERE token_hash = :h");
    db_bind_int(st, ":now", now);
    db_bind_text(st, ":a", rq_peer(r));
    db_bind_text(st, ":h", token_hash);
    db_step(st);
    db_done(st);
}

static int has(const char *s, const char *needle)
{
    return strstr(s, needle) != NULL;
}

void sec_device(buf_t *b, const char *ua)
{
    if (!ua || !*ua) {
        buf_lit(b, "?");
        return;
    }
    /* Order matters: Edge and Opera say Chrome, Chrome says Safari. */
    const char *browser = has(ua, "Edg/")       ? "Edge"
                          : has(ua, "OPR/")     ? "Opera"
                          : has(ua, "Firefox/") ? "Firefox"
                          : has(ua, "Chrome/") || has(ua, "Chromium/") ? "Chrome"
                          : has(ua, "Safari/")  ? "Safari"
                          : has(ua, "curl/")    ? "curl"
                          : has(ua, "node")     ? "Node.js"
                                                : NULL;
    const char *os = has(ua, "Android")                                     ? "Android"
                     : has(ua, "iPhone") || has(ua, "iPad")                 ? "iOS"
                     : has(ua, "Mac OS X") || has(ua, "Macintosh")          ? "macOS"
                     : has(ua, "Windows")                                   ? "Windows"
                     : has(ua, "CrOS")                                      ? "ChromeOS"
                     : has(ua, "Linux")                                     ? "Linux"
                                                                            : NULL;
    if (browser && os)
        buf_printf(b, "%s / %s", browser, os); /* raw: literals */
    else if (browser || os)
        buf_rawz(b, browser ? browser : os); /* raw: literal */
    else
        buf_html(b, ua, strlen(ua) > 60 ? 60 : strlen(ua));
}

/* ---- scopes ---- */

enum scope sec_scope_max(enum role role)
{
    return role >= ROLE_ADMIN ? SCOPE_ADMIN : role >= ROLE_MODERATOR ? SCOPE_MODERATE : role >= ROLE_READER ? SCOPE_WRITE
                                                                                                              : SCOPE_NONE;
}

/* Indexed by enum scope (http.h); SCOPE_NONE's name is empty. */
static const char *const scope_names[] = {"", "read", "write", "moderate", "admin"};

enum scope sec_scope_from(const char *name)
{
    for (int i = SCOPE_READ; name && i <= SCOPE_ADMIN; i++)
        if (strcmp(name, scope_names[i]) == 0)
            return (enum scope)i;
    return SCOPE_NONE;
}

const char *sec_scope_name(enum scope s)
{
    return s >= SCOPE_READ && s <= SCOPE_ADMIN ? scope_names[s] : "";
}

/* ---- throttling second-factor guesses ---- */

static void keys(hreq_t *r, int64_t uid, char *ukey, size_t un, char *akey, size_t an)
{
    snprintf(ukey, un, "f:%lld", (long long)uid);
    snprintf(akey, an, "fa:%s", rq_peer(r));
}

static int over(db_t *db, const char *key, int limit)
{
    db_stmt_t *st = db_prepare(db, "SELECT failures FROM throttle WHERE key = :k AND window_start > :since");
    db_bind_text(st, ":k", key);
    db_bind_int(st, ":since", now_s() - THROTTLE_WINDOW);
    int n = db_step(st) == DB_ROW ? (int)db_col_int(st, 0) : 0;
    db_done(st);
    return n >= limit;
}

int sec_throttled(hreq_t *r, int64_t uid)
{
    char ukey[40], akey[80];
    keys(r, uid, ukey, sizeof ukey, akey, sizeof akey);
    return over(r->db, ukey, THROTTLE_ACCOUNT) || over(r->db, akey, THROTTLE_ADDR);
}

static void bump(db_t *db, const char *key)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO throttle(key, failures, window_start) VALUES (:k, 1, :now) "
                                   "ON CONFLICT(key) DO UPDATE SET "
                                   "failures = CASE WHEN throttle.window_start > :since THEN throttle.failures + 1 ELSE 1 END, "
                                   "window_start = CASE WHEN throttle.window_start > :since "
                                   "THEN throttle.window_start ELSE :now END");
    db_bind_text(st, ":k", key);
    db_bind_int(st, ":now", now_s());
    db_bind_int(st, ":since", now_s() - THROTTLE_WINDOW);
    db_step(st);
    db_done(st);
}

void sec_note_failure(hreq_t *r, int64_t uid)
{
    char ukey[40], akey[80];
    keys(r, uid, ukey, sizeof ukey, akey, sizeof akey);
    bump(r->db, ukey);
    bump(r->db, akey);
}

int sec_rate(hreq_t *r, const char *kind, int limit)
{
    char key[96];
    snprintf(key, sizeof key, "%s:%s", kind, rq_peer(r));
    if (over(r->db, key, limit))
        return 1;
    bump(r->db, key);
    return 0;
}

void sec_clear_failures(hreq_t *r, int64_t uid)
{
    char ukey[40], akey[80];
    keys(r, uid, ukey, sizeof ukey, akey, sizeof akey);
    db_stmt_t *st = db_prepare(r->db, "DELETE FROM throttle WHERE key = :k");
    db_bind_text(st, ":k", ukey);
    db_step(st);
    db_done(st);
}

/* ---- pages ---- */

static const struct {
    const char *path, *key;
} nav[] = {
    {"/account/security", "sec.overview"},
    {"/account/security/password", "sec.password"},
    {"/account/security/sessions", "sec.sessions"},
    {"/account/security/tokens", "sec.tokens"},
    {"/account/security/2fa", "sec.2fa"},
    {"/account/security/passkeys", "sec.passkeys"},
    {"/account/security/leave", "sec.leave"},
};

void sec_nav(hreq_t *r, buf_t *b, const char *here)
{
    buf_hprintf(b, "<nav class=\"sec-nav\" aria-label=\"%s\"><ul>", T(r->lang, "sec.title"));
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
        if (strcmp(nav[i].path, here) == 0)
            buf_hprintf(b, "<li><a href=\"%s\" aria-current=\"page\">%s</a></li>", nav[i].path,
                        T(r->lang, nav[i].key));
        else
            buf_hprintf(b, "<li><a href=\"%s\">%s</a></li>", nav[i].path, T(r->lang, nav[i].key));
    }
    buf_lit(b, "</ul></nav>\n");
}

static int64_t count(db_t *db, const char *sql, int64_t uid)
{
    db_stmt_t *st = db_prepare(db, sql);
    db_bind_int(st, ":u", uid);
    db_bind_int(st, ":now", now_s());
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return n;
}

/* GET /account/security — what protects this account, and links to change it. */
void sec_overview_page(hreq_t *r)
{
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "security", T(r->lang, "sec.title"));
    sec_nav(r, &b, "/account/security");
    int64_t uid = r->user.id;
    int64_t sessions = count(r->db, "SELECT count(*) FROM sessions WHERE user_id = :u AND kind = 'web' "
                                    "AND expires_at > :now", uid);
    int64_t tokens = count(r->db, "SELECT count(*) FROM sessions WHERE user_id = :u AND kind = 'api' "
                                  "AND expires_at > :now", uid);
    int64_t totp = count(r->db, "SELECT count(*) FROM totp WHERE user_id = :u AND enabled = 1 AND :now > 0", uid);
    buf_lit(&b, "<dl>");
    char n[32];
    snprintf(n, sizeof n, "%lld", (long long)sessions);
    fk_dt_dd(&b, T(r->lang, "sec.sessions"), n);
    snprintf(n, sizeof n, "%lld", (long long)tokens);
    fk_dt_dd(&b, T(r->lang, "sec.tokens"), n);
    fk_dt_dd(&b, T(r->lang, "sec.2fa"), T(r->lang, totp ? "sec.2fa_on" : "sec.2fa_off"));
    buf_lit(&b, "</dl></section>\n");
    page_send(r, &b, 200);
}

/* GET /account/security/sessions — query: none. The account's signed-in
 * browsers: device, address, last seen; a form per row to end it, and one
 * to end all the others. */
static void sessions_render(hreq_t *r, int status, const char *msg, int ok)
{
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "security", T(r->lang, "sec.sessions"));
    sec_nav(r, &b, "/account/security/sessions");
    if (ok)
        fk_ok(&b, msg);
    else
        fk_alert(&b, msg);
    db_stmt_t *st = db_prepare(r->db, "SELECT token_hash, user_agent, address, last_seen, created_at FROM sessions "
                                      "WHERE user_id = :u AND kind = 'web' AND expires_at > :now "
                                      "ORDER BY last_seen DESC, created_at DESC");
    db_bind_int(st, ":u", r->user.id);
    db_bind_int(st, ":now", now_s());
    buf_hprintf(&b, "<table class=\"sec-sessions\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                    "<th><span class=\"visually-hidden\">%s</span></th></tr></thead><tbody>\n",
                T(r->lang, "sec.device"), T(r->lang, "sec.address"), T(r->lang, "sec.last_seen"),
                T(r->lang, "sec.started"), T(r->lang, "sec.end"));
    while (db_step(st) == DB_ROW) {
        const char *hash = db_col_text(st, 0);
        int current = strcmp(hash, r->user.session_hash) == 0;
        buf_lit(&b, "<tr><td>");
        sec_device(&b, db_col_text(st, 1));
        if (current)
            buf_hprintf(&b, " <strong>(%s)</strong>", T(r->lang, "sec.this_device"));
        buf_hprintf(&b, "</td><td>%s</td><td>", db_col_text(st, 2));
        page_time(&b, db_col_int(st, 3) ? db_col_int(st, 3) : db_col_int(st, 4));
        buf_lit(&b, "</td><td>");
        page_time(&b, db_col_int(st, 4));
        buf_lit(&b, "</td><td>");
        if (!current) {
            buf_lit(&b, "<form method=\"post\" action=\"/account/security/sessions\">");
            page_csrf_field(r, &b);
            buf_hprintf(&b, "<input type=\"hidden\" name=\"end\" value=\"%.16s\">"
                            "<button type=\"submit\">%s</button></form>",
                        hash, T(r->lang, "sec.end"));
        }
        buf_lit(&b, "</td></tr>\n");
    }
    db_done(st);
    buf_lit(&b, "</tbody></table>\n");
    fk_form_begin(r, &b, "/account/security/sessions");
    buf_lit(&b, "<input type=\"hidden\" name=\"others\" value=\"1\">");
    fk_form_end(&b, T(r->lang, "sec.end_others"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

void sec_sessions_page(hreq_t *r)
{
    sessions_render(r, 200, NULL, 0);
}

/* POST /account/security/sessions — fields: csrf, and either end (the first
 * 16 hex digits of a session's hash, as the page shows in its form) or
 * others=1 (end every session but this one). */
void sec_sessions_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *end = form_get(&f, "end"), *others = form_get(&f, "others");
    if (!r->user.session_hash[0]) {
        rs_error(r, 403, "forbidden", T(r->lang, "err.forbidden"));
        return;
    }
    int by_one = end && strlen(end) == 16 && strspn(end, "0123456789abcdef") == 16;
    if (!by_one && !(others && strcmp(others, "1") == 0)) {
        sessions_render(r, 422, T(r->lang, "sec.err.which_session"), 0);
        return;
    }
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return;
    }
    db_stmt_t *st = by_one ? db_prepare(r->db, "DELETE FROM sessions WHERE user_id = :u AND kind = 'web' "
                                               "AND substr(token_hash, 1, 16) = :p AND token_hash <> :mine")
                           : db_prepare(r->db, "DELETE FROM sessions WHERE user_id = :u AND kind = 'web' "
                                               "AND token_hash <> :mine");
    db_bind_int(st, ":u", r->user.id);
    db_bind_text(st, ":mine", r->user.session_hash);
    if (by_one)
        db_bind_text(st, ":p", end);
    int rc = db_step(st);
    int64_t n = rc == DB_DONE ? db_changes(r->db) : -1;
    db_done(st);
    if (n < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    if (n == 0) {
        db_rollback(r->db);
        sessions_render(r, by_one ? 404 : 200, T(r->lang, by_one ? "sec.err.no_session" : "sec.no_others"), !by_one);
        return;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "%lld session(s) ended", (long long)n);
    if (sec_event(r->db, r->user.id, NULL, "security.sessions_ended", detail, "你的账号有其他登录会话被结束。",
                  "Other signed-in sessions of your account were ended.") < 0 ||
        db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    sessions_render(r, 200, T(r->lang, "sec.sessions_ended"), 1);
}
