/*
 * account.c — see account.h.
 *
 * Password checks and hashing (argon2id, ~50 ms and 64 MiB by design) run on
 * the worker pool. A handler validates the form on the loop, copies what the
 * worker needs into a job, and finishes in the job's done() back on the loop:
 * database writes, cookies, the answer.
 */
#include "site/accounts/account.h"
#include "site/trust/audit.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/text.h"
#include "core/token.h"
#include "http/pool.h"
#include "http/router.h"
#include "site/accounts/invite.h"
#include "site/api/api.h"
#include "site/formkit.h"
#include "site/ops/settings.h"
#include "site/layout.h"
#include "site/security/security.h"
#include "site/security/tokens.h"
#include "site/security/totp.h"
#include "site/trust/takedown.h"

#define SESSION_TTL (30L * 24 * 3600)
#define TOKEN_TTL (90L * 24 * 3600)
#define THROTTLE_WINDOW (15 * 60)
#define THROTTLE_USER 5
#define THROTTLE_ADDR 20
#define PASSWORD_MIN 8
#define PASSWORD_MAX 1024
#define NAME_MAX_CHARS 50

/* ---- small helpers ---- */

int account_handle_ok(const char *h)
{
    size_t n = strlen(h);
    if (n < 3 || n > 30)
        return 0;
    if (!((h[0] >= 'a' && h[0] <= 'z') || (h[0] >= 'A' && h[0] <= 'Z')))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return 1;
}

static void lower(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32) : src[i];
    dst[i] = 0;
}

/* Indexed by enum role (http.h); ROLE_NONE has no name of its own. */
static const char *const role_names[] = {"none", "reader", "creator", "moderator", "admin"};

enum role account_role_from(const char *name)
{
    for (int i = ROLE_READER; name && i <= ROLE_ADMIN; i++)
        if (strcmp(name, role_names[i]) == 0)
            return (enum role)i;
    return ROLE_NONE;
}

const char *account_role_name(enum role role)
{
    return role >= ROLE_READER && role <= ROLE_ADMIN ? role_names[role] : "none";
}

static int name_ok(const char *s)
{
    size_t n = strlen(s);
    const char *t = s;
    size_t tn = n;
    text_trim(&t, &tn);
    return tn > 0 && text_valid_line(s, n) && text_chars(s, n) <= NAME_MAX_CHARS;
}

static int password_ok(const char *p)
{
    size_t n = strlen(p);
    return n >= PASSWORD_MIN && n <= PASSWORD_MAX;
}

static int load_user(db_stmt_t *st, user_t *u)
{
    memset(u, 0, sizeof(*u));
    u->id = db_col_int(st, 0);
    snprintf(u->handle, sizeof u->handle, "%s", db_col_text(st, 1));
    snprintf(u->display_name, sizeof u->display_name, "%s", db_col_text(st, 2));
    u->role = account_role_from(db_col_text(st, 3));
    return 1;
}

int account_by_handle(db_t *db, const char *handle, user_t *out)
{
    char h[32];
    if (strlen(handle) > 30)
        return 0;
    lower(h, handle, sizeof h);
    db_stmt_t *st = db_prepare(db, "SELECT id, handle, display_name, role FROM users WHERE handle = :h");
    db_bind_text(st, ":h", h);
    int rc = db_step(st);
    if (rc == DB_ROW)
        load_user(st, out);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* ---- identification ---- */

static int by_token(hreq_t *r, const char *token, const char *kind)
{
    char hash[65];
    token_sha256_hex(token, hash);
    db_stmt_t *st = db_prepare(r->db, "SELECT u.id, u.handle, u.display_name, u.role, s.scope, s.last_seen "
                                      "FROM sessions s "
                                      "JOIN users u ON u.id = s.user_id WHERE s.token_hash = :h AND s.kind = :k "
                                      "AND s.expires_at > :now AND u.status = 'active'");
    db_bind_text(st, ":h", hash);
    db_bind_text(st, ":k", kind);
    db_bind_int(st, ":now", now_s());
    int found = db_step(st) == DB_ROW;
    int64_t last_seen = 0;
    if (found) {
        load_user(st, &r->user);
        last_seen = db_col_int(st, 5);
        if (strcmp(kind, "web") == 0) {
            memcpy(r->user.session_hash, hash, 65);
        } else {
            r->user.via_token = 1;
            /* A token made by password before scopes: what the role allows. */
            const char *sc = db_col_text(st, 4);
            r->user.scope = *sc ? sec_scope_from(sc) : sec_scope_max(r->user.role);
        }
    }
    db_done(st);
    if (found)
        sec_session_seen(r, hash, last_seen);
    return found;
}

int account_identify(hreq_t *r)
{
    memset(&r->user, 0, sizeof r->user);
    if (r->route && (r->route->flags & RT_API)) {
        const char *auth = rq_header(r, "authorization");
        if (!auth)
            return 0;
        if (strncasecmp(auth, "Bearer ", 7) != 0)
            return -1;
        const char *t = auth + 7;
        if (strlen(t) != 64 || !by_token(r, t, "api"))
            return -1;
        return 0;
    }
    const char *c = rq_cookie(r, "hao_session");
    if (c && strlen(c) == 64)
        by_token(r, c, "web");
    return 0;
}

/* ---- throttling ---- */

static int throttled(db_t *db, const char *key, int limit)
{
    db_stmt_t *st = db_prepare(db, "SELECT failures FROM throttle WHERE key = :k AND window_start > :since");
    db_bind_text(st, ":k", key);
    db_bind_int(st, ":since", now_s() - THROTTLE_WINDOW);
    int n = db_step(st) == DB_ROW ? (int)db_col_int(st, 0) : 0;
    db_done(st);
    return n >= limit;
}

static void note_failure(db_t *db, const char *key)
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

static void clear_failures(db_t *db, const char *key)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM throttle WHERE key = :k");
    db_bind_text(st, ":k", key);
    db_step(st);
    db_done(st);
}

/* ---- forms ---- */

typedef struct {
    const char *error;  /* message to show, or NULL */
    const char *handle; /* kept input */
    const char *name;
    const char *next;
    const char *invite; /* registration = invite: the link's token, kept in a hidden field */
} form_state_t;

static void field(buf_t *b, hreq_t *r, const char *label_key, const char *name, const char *type, const char *value,
                  const char *autocomplete)
{
    buf_lit(b, "<label>");
    buf_htmlz(b, T(r->lang, label_key));
    buf_lit(b, "<input type=\"");
    buf_htmlz(b, type);
    buf_lit(b, "\" name=\"");
    buf_htmlz(b, name);
    buf_lit(b, "\" autocomplete=\"");
    buf_htmlz(b, autocomplete);
    buf_lit(b, "\" required");
    if (value) {
        buf_lit(b, " value=\"");
        buf_htmlz(b, value);
        buf_ch(b, '"');
    }
    buf_lit(b, "></label>\n");
}

/* Only local paths: "/x", never "//host" or "/\host". */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 1024)
        return "/studio";
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20)
            return "/studio";
    return next;
}

enum form_kind { FORM_LOGIN, FORM_REGISTER, FORM_SETUP };

static void render_form(hreq_t *r, enum form_kind kind, int status, const form_state_t *fs)
{
    const char *title_key = kind == FORM_LOGIN      ? "account.login_title"
                             : kind == FORM_REGISTER ? "account.register_title"
                                                     : "account.setup_title";
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "account", T(r->lang, title_key));
    if (fs && fs->error) {
        buf_lit(&b, "<p class=\"alert\" role=\"alert\">");
        buf_htmlz(&b, fs->error);
        buf_lit(&b, "</p>\n");
    }
    buf_lit(&b, "<form class=\"stack\" method=\"post\" action=\"");
    if (kind == FORM_LOGIN) {
        buf_lit(&b, "/login\">");
    } else if (kind == FORM_REGISTER) {
        buf_lit(&b, "/register\">");
    } else {
        buf_lit(&b, "/setup/");
        buf_url(&b, rq_param(r, 0), strlen(rq_param(r, 0)));
        buf_lit(&b, "\">");
    }
    page_csrf_field(r, &b);
    if (kind == FORM_REGISTER && fs && fs->invite && *fs->invite) {
        buf_lit(&b, "<input type=\"hidden\" name=\"invite\" value=\"");
        buf_htmlz(&b, fs->invite);
        buf_lit(&b, "\">");
    }
    if (kind == FORM_LOGIN && fs && fs->next) {
        buf_lit(&b, "<input type=\"hidden\" name=\"next\" value=\"");
        buf_htmlz(&b, fs->next);
        buf_lit(&b, "\">");
    }
    field(&b, r, "account.handle", "handle", "text", fs ? fs->handle : NULL, "username");
    if (kind != FORM_LOGIN)
        field(&b, r, "account.display_name", "name", "text", fs ? fs->name : NULL, "nickname");
    field(&b, r, "account.password", "password", "password", NULL,
          kind == FORM_LOGIN ? "current-password" : "new-password");
    if (kind != FORM_LOGIN) {
        field(&b, r, "account.password2", "password2", "password", NULL, "new-password");
        buf_lit(&b, "<p class=\"hint\">");
        buf_htmlz(&b, T(r->lang, "account.rules"));
        buf_lit(&b, "</p>\n");
    }
    fk_form_end(&b, T(r->lang, title_key));
    buf_lit(&b, "\n");
    if (kind == FORM_LOGIN) {
        buf_lit(&b, "<p><a href=\"/register\">");
        buf_htmlz(&b, T(r->lang, "site.register"));
        buf_lit(&b, "</a> · <a href=\"/account/reset\">");
        buf_htmlz(&b, T(r->lang, "sec.forgot"));
        buf_lit(&b, "</a> · <a href=\"/login/passkey\">");
        buf_htmlz(&b, T(r->lang, "sec.passkey_login"));
        buf_lit(&b, "</a></p>");
    } else if (kind == FORM_REGISTER) {
        buf_lit(&b, "<p><a href=\"/login\">");
        buf_htmlz(&b, T(r->lang, "site.login"));
        buf_lit(&b, "</a></p>");
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /login  — query: next (a local path to return to). */
void account_login_page(hreq_t *r)
{
    form_state_t fs = {.next = safe_next(rq_query(r, "next"))};
    render_form(r, FORM_LOGIN, 200, &fs);
}

/* Who may register now (the `registration` setting): open to anyone, by an
 * administrator's invitation link only, or closed. Returns 1 when this
 * request may go on (*invite_mode set when the invitation must be redeemed
 * with the account), or 0 having answered with a page that says why: 403
 * closed or no invitation, 400 an invitation that is unknown, used or
 * expired (a forged token tells nothing more than that). */
static int register_gate(hreq_t *r, const char *invite, int *invite_mode)
{
    *invite_mode = 0;
    char *mode = settings_get(r->db, "registration");
    int closed = strcmp(mode, "closed") == 0, inv = strcmp(mode, "invite") == 0;
    free(mode);
    const char *why = NULL;
    int status = 403;
    if (closed) {
        why = T(r->lang, "register.closed");
    } else if (inv && (!invite || !*invite)) {
        why = T(r->lang, "register.invite_only");
    } else if (inv) {
        int ok = invite_valid(r->db, invite, clock_now());
        if (ok < 0) {
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
            return 0;
        }
        if (!ok) {
            why = T(r->lang, "register.invite_bad");
            status = 400;
        }
        *invite_mode = 1;
    }
    if (!why)
        return 1;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "account", T(r->lang, "account.register_title"));
    fk_alert(&b, why);
    buf_lit(&b, "<p><a href=\"/login\">");
    buf_htmlz(&b, T(r->lang, "site.login"));
    buf_lit(&b, "</a></p></section>\n");
    page_send(r, &b, status);
    return 0;
}

/* GET /register — query: invite (the token of an invitation link, when
 * registration = invite). A signed-in visitor is sent home: they have an
 * account. */
void account_register_page(hreq_t *r)
{
    if (r->user.id) {
        rs_redirect(r, 303, "/");
        return;
    }
    const char *invite = rq_query(r, "invite");
    int invite_mode;
    if (!register_gate(r, invite, &invite_mode))
        return;
    form_state_t fs = {.invite = invite_mode ? invite : NULL};
    render_form(r, FORM_REGISTER, 200, &fs);
}

int account_start_session(hreq_t *r, int64_t uid)
{
    char token[65], hash[65];
    token_new(token, sizeof token, hash);
    db_stmt_t *st = db_prepare(r->db, "INSERT INTO sessions(token_hash, user_id, kind, created_at, expires_at) "
                                      "VALUES (:h, :u, 'web', :now, :exp)");
    db_bind_text(st, ":h", hash);
    db_bind_int(st, ":u", uid);
    db_bind_int(st, ":now", now_s());
    db_bind_int(st, ":exp", now_s() + SESSION_TTL);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    sec_session_describe(r, hash);
    rs_cookie(r, "hao_session", token, SESSION_TTL, 1);
    return 0;
}

/* ---- login (verify on the pool) ---- */

/* A hash to verify against when the handle is unknown, so the answer takes
 * as long as for a real account and handles can't be probed by timing. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void)
{
    if (crypto_pwhash_str(dummy_hash, "not a password of anyone", 24, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        abort();
}

enum verify_for { VERIFY_WEB, VERIFY_TOKEN };

/* Where a sign-in lands: next, except that the default (the studio) is for
 * those who may publish; a reader lands on the home page instead of a 403. */
static const char *landing(db_t *db, int64_t uid, const char *next)
{
    if (strcmp(next, "/studio") != 0)
        return next;
    db_stmt_t *st = db_prepare(db, "SELECT role FROM users WHERE id = :u");
    db_bind_int(st, ":u", uid);
    enum role role = ROLE_NONE;
    if (db_step(st) == DB_ROW)
        role = account_role_from(db_col_text(st, 0));
    db_done(st);
    return role >= ROLE_CREATOR ? next : "/";
}

typedef struct {
    pool_job_t job;
    enum verify_for purpose;
    int64_t uid;        /* 0 if the handle is unknown */
    char handle[32];
    char hash[crypto_pwhash_STRBYTES];
    char password[PASSWORD_MAX + 1];
    char next[1025];
    int ok;
    int suspended;      /* the password is checked all the same */
    enum scope scope;   /* VERIFY_TOKEN: the scope asked for (SCOPE_NONE: what the role allows) */
    char otp[32];       /* VERIFY_TOKEN: the second factor, when the account has one */
} verify_job_t;

static void verify_work(pool_job_t *j)
{
    verify_job_t *v = (verify_job_t *)j;
    pthread_once(&dummy_once, make_dummy);
    const char *h = v->uid ? v->hash : dummy_hash;
    v->ok = crypto_pwhash_str_verify(h, v->password, strlen(v->password)) == 0 && v->uid != 0;
    sodium_memzero(v->password, sizeof v->password);
}

static void login_failed(hreq_t *r, verify_job_t *v, int status, const char *code, const char *msg)
{
    if (v->purpose == VERIFY_TOKEN) {
        rs_error(r, status, code, msg);
        return;
    }
    form_state_t fs = {.error = msg, .handle = v->handle, .next = v->next};
    render_form(r, FORM_LOGIN, status, &fs);
}

static void verify_done(pool_job_t *j, hreq_t *r)
{
    verify_job_t *v = (verify_job_t *)j;
    if (!r)
        return; /* the client went away */
    char ukey[48], akey[NI_MAXHOST + 4];
    snprintf(ukey, sizeof ukey, "u:%s", v->handle);
    snprintf(akey, sizeof akey, "a:%s", rq_peer(r));
    if (!v->ok) {
        note_failure(r->db, ukey);
        note_failure(r->db, akey);
        login_failed(r, v, 401, "bad_credentials", T(r->lang, "account.err.credentials"));
        return;
    }
    clear_failures(r->db, ukey);
    if (v->suspended) {
        /* Only someone who knows the password learns why (takedown.h). */
        buf_t why = BUF_INIT;
        buf_rawz(&why, T(r->lang, "account.err.suspended")); /* raw: text */
        takedown_suspension_reason(r->db, v->uid, r->lang, &why);
        login_failed(r, v, 403, "suspended", buf_cstr(&why));
        buf_free(&why);
        return;
    }
    /* The second factor, when the account has one (site/security/): the
     * token endpoint wants it in the same request; a browser is sent on to
     * the second step with no session yet. 1: answered. */
    if (sec_second_factor(r, v->uid, v->purpose == VERIFY_TOKEN, v->otp, safe_next(v->next)))
        return;
    if (v->purpose == VERIFY_TOKEN) {
        char token[65];
        int64_t exp = now_s() + TOKEN_TTL;
        user_t who;
        if (account_by_handle(r->db, v->handle, &who) != 1) {
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
            return;
        }
        if (v->scope > sec_scope_max(who.role)) {
            rs_error(r, 403, "scope_not_allowed", T(r->lang, "sec.err.scope"));
            return;
        }
        if (db_begin(r->db) < 0 || sec_token_create(r, v->uid, "API", v->scope, exp, token) < 0 ||
            db_commit(r->db) < 0) {
            db_rollback(r->db);
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
            return;
        }
        buf_t b = BUF_INIT;
        buf_printf(&b, "{\"token\":\"%s\",\"expires_at\":%lld}", token, (long long)exp); /* raw: JSON, hex */
        rs_json(r, 201, &b);
        buf_free(&b);
        return;
    }
    if (account_start_session(r, v->uid) < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    rs_redirect(r, 303, landing(r->db, v->uid, safe_next(v->next)));
}

/* Common start of a password check: throttling, user lookup, submit. */
static void begin_verify(hreq_t *r, enum verify_for purpose, const char *handle, const char *password,
                         const char *next, enum scope scope, const char *otp)
{
    verify_job_t *v = xcalloc(1, sizeof(*v));
    v->scope = scope;
    snprintf(v->otp, sizeof v->otp, "%s", otp ? otp : "");
    v->job.work = verify_work;
    v->job.done = verify_done;
    v->purpose = purpose;
    lower(v->handle, handle, sizeof v->handle);
    snprintf(v->next, sizeof v->next, "%s", next ? next : "/studio");
    char ukey[48], akey[NI_MAXHOST + 4];
    snprintf(ukey, sizeof ukey, "u:%s", v->handle);
    snprintf(akey, sizeof akey, "a:%s", rq_peer(r));
    if (throttled(r->db, ukey, THROTTLE_USER) || throttled(r->db, akey, THROTTLE_ADDR)) {
        login_failed(r, v, 429, "rate_limited", T(r->lang, "account.err.throttled"));
        free(v);
        return;
    }
    if (strlen(password) > PASSWORD_MAX || strlen(handle) > 30) {
        login_failed(r, v, 401, "bad_credentials", T(r->lang, "account.err.credentials"));
        free(v);
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "SELECT id, pass_hash, status FROM users WHERE handle = :h");
    db_bind_text(st, ":h", v->handle);
    if (db_step(st) == DB_ROW) {
        v->uid = db_col_int(st, 0);
        snprintf(v->hash, sizeof v->hash, "%s", db_col_text(st, 1));
        v->suspended = strcmp(db_col_text(st, 2), "active") != 0;
    }
    db_done(st);
    snprintf(v->password, sizeof v->password, "%s", password);
    pool_submit(r, &v->job);
}

/* POST /login  — fields: handle, password, next, csrf. */
void account_login_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *h = form_get(&f, "handle"), *p = form_get(&f, "password");
    if (!h || !p || !*h || !*p) {
        form_state_t fs = {.error = T(r->lang, "account.err.credentials"), .handle = h,
                           .next = safe_next(form_get(&f, "next"))};
        render_form(r, FORM_LOGIN, 422, &fs);
        return;
    }
    begin_verify(r, VERIFY_WEB, h, p, safe_next(form_get(&f, "next")), SCOPE_NONE, NULL);
}

/* POST /api/v1/tokens {"handle","password","scope"?,"otp"?} -> 201 {"token","expires_at"}
 * scope: read|write|moderate|admin, at most what the role allows (absent:
 * what the role allows, now and later). otp: the current TOTP code or a
 * recovery code, required when the account has two-factor sign-in
 * (401 otp_required / otp_invalid). */
void account_tokens_post(hreq_t *r)
{
    json_t *j = api_body_object(r);
    if (!j)
        return;
    json_t *h = json_object_get(j, "handle"), *p = json_object_get(j, "password");
    buf_t missing = BUF_INIT;
    if (!json_is_string(h) || !*json_string_value(h))
        buf_lit(&missing, "\"handle\"");
    if (!json_is_string(p) || !*json_string_value(p)) {
        if (missing.len)
            buf_ch(&missing, ',');
        buf_lit(&missing, "\"password\"");
    }
    if (missing.len) {
        buf_t extra = BUF_INIT;
        buf_printf(&extra, "\"missing\":[%s]", buf_cstr(&missing)); /* raw: JSON */
        rs_error_extra(r, 422, "missing_fields", T(r->lang, "account.err.missing"), buf_cstr(&extra));
        buf_free(&extra);
    } else {
        json_t *sc = json_object_get(j, "scope"), *otp = json_object_get(j, "otp");
        enum scope scope = json_is_string(sc) ? sec_scope_from(json_string_value(sc)) : SCOPE_NONE;
        if ((sc && !json_is_null(sc) && scope == SCOPE_NONE) || (otp && !json_is_null(otp) && !json_is_string(otp)) ||
            (json_is_string(otp) && strlen(json_string_value(otp)) >= 32))
            rs_error(r, 422, "invalid", T(r->lang, "sec.err.token_fields"));
        else
            begin_verify(r, VERIFY_TOKEN, json_string_value(h), json_string_value(p), NULL, scope,
                         json_is_string(otp) ? json_string_value(otp) : NULL);
    }
    buf_free(&missing);
    json_decref(j);
}

/* ---- registration and setup (hash on the pool) ---- */

typedef struct {
    pool_job_t job;
    enum form_kind kind;
    char handle[32];
    char name[256];
    char password[PASSWORD_MAX + 1];
    char hash[crypto_pwhash_STRBYTES];
    int ok;
    int invite_mode;                    /* redeem invite with the account */
    char invite[INVITE_TOKEN_LEN + 1];
} hash_job_t;

static void hash_work(pool_job_t *j)
{
    hash_job_t *h = (hash_job_t *)j;
    h->ok = crypto_pwhash_str(h->hash, h->password, strlen(h->password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
    sodium_memzero(h->password, sizeof h->password);
}

/* Insert the user. 1 created (id in *uid), 0 handle taken, -1 error. */
static int insert_user(db_t *db, const char *handle, const char *name, const char *role, const char *hash,
                       int64_t *uid)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO users(handle, display_name, role, pass_hash, created_at) "
                                   "VALUES (:h, :n, :r, :p, :now) RETURNING id");
    db_bind_text(st, ":h", handle);
    db_bind_text(st, ":n", name);
    db_bind_text(st, ":r", role);
    db_bind_text(st, ":p", hash);
    db_bind_int(st, ":now", now_s());
    int rc = db_step(st);
    if (rc == DB_ROW)
        *uid = db_col_int(st, 0);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_CONSTRAINT ? 0 : -1;
}

/* Valid setup token in the URL? */
static int setup_token_ok(hreq_t *r)
{
    const char *t = rq_param(r, 0);
    if (strlen(t) != 48)
        return 0;
    char *want = db_setting(r->db, "setup_token_hash", NULL);
    char *exp = db_setting(r->db, "setup_token_expires", "0");
    int ok = token_matches(t, 48, want) && atoll(exp) > now_s();
    free(want);
    free(exp);
    return ok;
}

static void hash_done(pool_job_t *j, hreq_t *r)
{
    hash_job_t *h = (hash_job_t *)j;
    if (!r)
        return;
    form_state_t fs = {.handle = h->handle, .name = h->name, .invite = h->invite_mode ? h->invite : NULL};
    if (!h->ok) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return;
    }
    if (h->kind == FORM_SETUP && !setup_token_ok(r)) {
        /* Someone used the link while we were hashing. */
        db_rollback(r->db);
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    int64_t uid = 0;
    /* Registrants get the role the `registration_role` setting names:
     * creator (who may publish, as before readers had accounts) or reader. */
    char *role = h->kind == FORM_SETUP ? xstrdup("admin") : settings_get(r->db, "registration_role");
    int rc = insert_user(r->db, h->handle, h->name, role, h->hash, &uid);
    int reader = strcmp(role, "reader") == 0;
    free(role);
    if (rc <= 0) {
        db_rollback(r->db);
        if (rc == 0) {
            fs.error = T(r->lang, "account.err.taken");
            render_form(r, h->kind, 409, &fs);
        } else {
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        }
        return;
    }
    if (h->invite_mode) {
        /* Used once: a second registration racing on the same link finds it used. */
        int got = invite_redeem(r->db, h->invite, uid, clock_now());
        if (got != 1) {
            db_rollback(r->db);
            if (got < 0)
                rs_error(r, 500, "internal", T(r->lang, "err.internal"));
            else
                rs_error(r, 400, "invite", T(r->lang, "register.invite_bad"));
            return;
        }
    }
    if (h->kind == FORM_SETUP) {
        db_stmt_t *st = db_prepare(r->db, "DELETE FROM settings WHERE key IN ('setup_token_hash','setup_token_expires')");
        db_step(st);
        db_done(st);
        /* Granting the admin role is audited (audit.h). */
        char subj[64];
        snprintf(subj, sizeof subj, "user:%s", h->handle);
        if (audit_appendf(r->db, "setup-link", "user.role", subj, "created with role admin") < 0) {
            db_rollback(r->db);
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
            return;
        }
    }
    if (account_start_session(r, uid) < 0 || db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    rs_redirect(r, 303, reader ? "/" : "/studio");
}

static void register_like(hreq_t *r, enum form_kind kind)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    if (kind == FORM_REGISTER && r->user.id) {
        rs_redirect(r, 303, "/"); /* already has an account */
        return;
    }
    int invite_mode = 0;
    const char *invite = form_get(&f, "invite");
    if (kind == FORM_REGISTER && !register_gate(r, invite, &invite_mode))
        return;
    const char *h = form_get(&f, "handle"), *n = form_get(&f, "name"), *p = form_get(&f, "password");
    form_state_t fs = {.handle = h, .name = n, .invite = invite_mode ? invite : NULL};
    if (!h || !account_handle_ok(h)) {
        fs.error = T(r->lang, "account.err.handle");
        render_form(r, kind, 422, &fs);
        return;
    }
    char lh[32];
    lower(lh, h, sizeof lh);
    if (!n || !*n)
        n = lh;
    if (!name_ok(n)) {
        fs.error = T(r->lang, "account.err.name");
        render_form(r, kind, 422, &fs);
        return;
    }
    if (!p || !password_ok(p)) {
        fs.error = T(r->lang, "account.err.password");
        render_form(r, kind, 422, &fs);
        return;
    }
    const char *p2 = form_get(&f, "password2");
    if (p2 && strcmp(p, p2) != 0) {
        fs.error = T(r->lang, "account.err.mismatch");
        render_form(r, kind, 422, &fs);
        return;
    }
    user_t existing;
    if (account_by_handle(r->db, lh, &existing) == 1) {
        fs.error = T(r->lang, "account.err.taken");
        render_form(r, kind, 409, &fs);
        return;
    }
    hash_job_t *job = xcalloc(1, sizeof(*job));
    job->job.work = hash_work;
    job->job.done = hash_done;
    job->kind = kind;
    job->invite_mode = invite_mode;
    if (invite_mode)
        snprintf(job->invite, sizeof job->invite, "%s", invite); /* register_gate checked its length */
    snprintf(job->handle, sizeof job->handle, "%s", lh);
    const char *tn = n;
    size_t tl = strlen(n);
    text_trim(&tn, &tl);
    snprintf(job->name, sizeof job->name, "%.*s", (int)tl, tn);
    snprintf(job->password, sizeof job->password, "%s", p);
    pool_submit(r, &job->job);
}

/* POST /register — fields: handle, name, password, password2, invite (when
 * registration = invite), csrf. Creates an account with the role the
 * `registration_role` setting names and signs it in. */
void account_register_post(hreq_t *r)
{
    register_like(r, FORM_REGISTER);
}

/* GET /setup/:token — the one-time first-administrator form. */
void account_setup_page(hreq_t *r)
{
    if (!setup_token_ok(r)) {
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    render_form(r, FORM_SETUP, 200, NULL);
}

/* POST /setup/:token */
void account_setup_post(hreq_t *r)
{
    if (!setup_token_ok(r)) {
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    register_like(r, FORM_SETUP);
}

/* POST /logout */
void account_logout_post(hreq_t *r)
{
    if (r->user.session_hash[0]) {
        db_stmt_t *st = db_prepare(r->db, "DELETE FROM sessions WHERE token_hash = :h");
        db_bind_text(st, ":h", r->user.session_hash);
        db_step(st);
        db_done(st);
    }
    rs_cookie(r, "hao_session", "", 0, 1);
    rs_redirect(r, 303, "/");
}

/* ---- CLI ---- */

int account_cli_add(db_t *db, const char *handle, const char *display_name, const char *role, const char *password,
                    buf_t *err)
{
    if (!account_handle_ok(handle)) {
        buf_printf(err, "handle \"%s\" must be 3-30 letters, digits or _, starting with a letter",
                   handle); /* raw: text */
        return -1;
    }
    enum role ro = account_role_from(role);
    if (ro == ROLE_NONE) {
        buf_printf(err, "role \"%s\" is not one of reader, creator, moderator, admin", role); /* raw: text */
        return -1;
    }
    char lh[32];
    lower(lh, handle, sizeof lh);
    const char *name = display_name ? display_name : lh;
    if (!name_ok(name)) {
        buf_lit(err, "the display name must be 1-50 characters of text on one line");
        return -1;
    }
    if (!password_ok(password)) {
        buf_printf(err, "the password must be %d-%d bytes", PASSWORD_MIN, PASSWORD_MAX);
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        buf_lit(err, "out of memory while hashing the password");
        return -1;
    }
    int64_t uid;
    int rc = insert_user(db, lh, name, account_role_name(ro), hash, &uid);
    if (rc == 0)
        buf_printf(err, "the handle \"%s\" is taken", lh); /* raw: text */
    else if (rc < 0)
        buf_lit(err, "the database refused the new user");
    return rc == 1 ? 0 : -1;
}
