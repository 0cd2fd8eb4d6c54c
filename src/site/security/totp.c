/*
 * totp.c — see totp.h. Loop thread only.
 */
#include "site/security/totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/token.h"
#include "site/accounts/account.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/settings.h"
#include "site/security/security.h"

#define STEP 30
#define DIGITS 6
#define SECRET_BYTES 20
#define RECOVERY_CODES 10
#define PENDING_TTL (10 * 60)

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static void oath_start(void)
{
    oath_init();
}

/* ---- codes ---- */

/* Keep letters and digits, lower-cased: "ABCD-efgh 2345" -> "abcdefgh2345". */
static void normalise(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = in; *p && n + 1 < cap; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[n++] = c;
    }
    out[n] = 0;
}

/* The step a code for secret (base32) matches, one step either side of
 * now: >= 0, or -1 when none does. */
static int64_t totp_step(const char *secret32, const char *code)
{
    pthread_once(&oath_once, oath_start);
    char *raw = NULL;
    size_t rawlen = 0;
    if (oath_base32_decode(secret32, strlen(secret32), &raw, &rawlen) != OATH_OK)
        return -1;
    int pos = 0;
    uint64_t counter = 0;
    int rc = oath_totp_validate3(raw, rawlen, time(NULL), STEP, 0, 1, &pos, &counter, code);
    sodium_memzero(raw, rawlen);
    free(raw);
    return rc >= 0 ? (int64_t)counter : -1;
}

static int six_digits(const char *c)
{
    return strlen(c) == DIGITS && strspn(c, "0123456789") == DIGITS;
}

/* Accept a TOTP code for uid's secret (enabled or being confirmed), moving
 * last_step forward so it cannot be used again. 1, 0, -1. */
static int use_totp(db_t *db, int64_t uid, const char *code, int want_enabled)
{
    db_stmt_t *st = db_prepare(db, "SELECT secret FROM totp WHERE user_id = :u AND enabled = :e");
    db_bind_int(st, ":u", uid);
    db_bind_int(st, ":e", want_enabled);
    char secret[128] = "";
    int rc = db_step(st);
    if (rc == DB_ROW)
        snprintf(secret, sizeof secret, "%s", db_col_text(st, 0));
    db_done(st);
    if (rc == DB_ERROR)
        return -1;
    if (!*secret)
        return 0;
    int64_t step = totp_step(secret, code);
    if (step < 0)
        return 0;
    /* The newest step accepted so far must be older: a code seen once (or
     * an older one after a newer) is refused. */
    st = db_prepare(db, "UPDATE totp SET last_step = :s WHERE user_id = :u AND last_step < :s");
    db_bind_int(st, ":s", step);
    db_bind_int(st, ":u", uid);
    rc = db_step(st);
    int64_t n = rc == DB_DONE ? db_changes(db) : -1;
    db_done(st);
    return n < 0 ? -1 : n == 1;
}

static int use_recovery(db_t *db, int64_t uid, const char *norm)
{
    char hash[65];
    token_sha256_hex(norm, hash);
    db_stmt_t *st = db_prepare(db, "UPDATE recovery_codes SET used_at = :now WHERE user_id = :u AND code_hash = :h "
                                   "AND used_at IS NULL");
    db_bind_int(st, ":now", now_s());
    db_bind_int(st, ":u", uid);
    db_bind_text(st, ":h", hash);
    int rc = db_step(st);
    int64_t n = rc == DB_DONE ? db_changes(db) : -1;
    db_done(st);
    return n < 0 ? -1 : n == 1;
}

int sec_totp_check(db_t *db, int64_t uid, const char *code)
{
    if (!code || strlen(code) > 40)
        return 0;
    char norm[48];
    normalise(code, norm, sizeof norm);
    if (six_digits(norm))
        return use_totp(db, uid, norm, 1);
    if (strlen(norm) == 16 && sec_totp_enabled(db, uid) == 1)
        return use_recovery(db, uid, norm);
    return 0;
}

int sec_totp_enabled(db_t *db, int64_t uid)
{
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM totp WHERE user_id = :u AND enabled = 1");
    db_bind_int(st, ":u", uid);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* A new secret for uid, not enabled until confirmed (replaces an
 * unconfirmed one). 0 or -1. */
static int new_secret(db_t *db, int64_t uid)
{
    pthread_once(&oath_once, oath_start);
    unsigned char raw[SECRET_BYTES];
    randombytes_buf(raw, sizeof raw);
    char *b32 = NULL;
    size_t b32len = 0;
    if (oath_base32_encode((const char *)raw, sizeof raw, &b32, &b32len) != OATH_OK)
        return -1;
    sodium_memzero(raw, sizeof raw);
    db_stmt_t *st = db_prepare(db, "DELETE FROM totp WHERE user_id = :u AND enabled = 0");
    db_bind_int(st, ":u", uid);
    int rc = db_step(st);
    db_done(st);
    if (rc == DB_DONE) {
        st = db_prepare(db, "INSERT INTO totp(user_id, secret, enabled, last_step, created_at) "
                            "VALUES (:u, :s, 0, 0, :now)");
        db_bind_int(st, ":u", uid);
        db_bind_text(st, ":s", b32);
        db_bind_int(st, ":now", now_s());
        rc = db_step(st);
        db_done(st);
    }
    free(b32);
    return rc == DB_DONE ? 0 : -1;
}

/* Ten fresh recovery codes for uid (the old ones go), written into codes
 * as "xxxx-xxxx-xxxx-xxxx" lines for showing once. 0 or -1. */
static int new_recovery(db_t *db, int64_t uid, buf_t *codes)
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789"; /* 32: 5 bits each, no l/1/o/0 */
    db_stmt_t *st = db_prepare(db, "DELETE FROM recovery_codes WHERE user_id = :u");
    db_bind_int(st, ":u", uid);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    for (int i = 0; i < RECOVERY_CODES; i++) {
        unsigned char rnd[16];
        randombytes_buf(rnd, sizeof rnd);
        char norm[17], shown[20];
        for (int k = 0; k < 16; k++)
            norm[k] = alphabet[rnd[k] & 31];
        norm[16] = 0;
        snprintf(shown, sizeof shown, "%.4s-%.4s-%.4s-%.4s", norm, norm + 4, norm + 8, norm + 12);
        char hash[65];
        token_sha256_hex(norm, hash);
        st = db_prepare(db, "INSERT INTO recovery_codes(user_id, code_hash) VALUES (:u, :h)");
        db_bind_int(st, ":u", uid);
        db_bind_text(st, ":h", hash);
        rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE)
            return -1;
        buf_printf(codes, "%s\n", shown); /* raw: kept as text, escaped when shown */
    }
    return 0;
}

/* ---- the QR code, as SVG ---- */

/* otpauth://totp/SITE:HANDLE?secret=...&issuer=SITE (the format
 * authenticator apps read), for uid's unconfirmed secret. */
static int setup_uri(db_t *db, int64_t uid, buf_t *uri, char *secret, size_t cap)
{
    db_stmt_t *st = db_prepare(db, "SELECT t.secret, u.handle FROM totp t JOIN users u ON u.id = t.user_id "
                                   "WHERE t.user_id = :u AND t.enabled = 0");
    db_bind_int(st, ":u", uid);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        snprintf(secret, cap, "%s", db_col_text(st, 0));
        char *site = settings_get(db, "site_name");
        buf_lit(uri, "otpauth://totp/");
        buf_url(uri, site, strlen(site));
        buf_lit(uri, ":");
        buf_url(uri, db_col_text(st, 1), strlen(db_col_text(st, 1)));
        buf_printf(uri, "?secret=%s&issuer=", secret); /* raw: URI, base32 */
        buf_url(uri, site, strlen(site));
        buf_lit(uri, "&algorithm=SHA1&digits=6&period=30");
        free(site);
    }
    db_done(st);
    return rc == DB_ROW ? 0 : -1;
}

/* The QR code of text as an inline SVG: one path of unit squares, a quiet
 * zone of four modules. Only numbers are written into the markup. */
static void qr_svg(buf_t *b, const char *text, const char *label)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return;
    int w = q->width, size = w + 8;
    buf_hprintf(b, "<div class=\"sec-qr\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                   "role=\"img\" aria-label=\"%s\" shape-rendering=\"crispEdges\">"
                   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                size, size, label, size, size);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            if (q->data[y * w + x] & 1)
                buf_hprintf(b, "M%d %dh1v1h-1z", x + 4, y + 4);
    buf_lit(b, "\"/></svg></div>\n");
    QRcode_free(q);
}

/* The set-up block: QR code, the secret as text, the confirm field. */
static void setup_block(hreq_t *r, buf_t *b, int64_t uid, const char *action)
{
    buf_t uri = BUF_INIT;
    char secret[128];
    if (setup_uri(r->db, uid, &uri, secret, sizeof secret) < 0) {
        buf_free(&uri);
        return;
    }
    buf_hprintf(b, "<p>%s</p>\n", T(r->lang, "sec.2fa_scan"));
    qr_svg(b, buf_cstr(&uri), T(r->lang, "sec.2fa_qr"));
    buf_hprintf(b, "<p>%s <code id=\"totp-secret\">%s</code></p>\n", T(r->lang, "sec.2fa_secret"), secret);
    buf_free(&uri);
    fk_form_begin(r, b, action);
    buf_lit(b, "<input type=\"hidden\" name=\"action\" value=\"confirm\">");
    buf_hprintf(b, "<p><label for=\"f-code\">%s</label><br><input type=\"text\" id=\"f-code\" name=\"code\" "
                   "inputmode=\"numeric\" autocomplete=\"one-time-code\" required></p>\n",
                T(r->lang, "sec.2fa_code"));
    fk_form_end(b, T(r->lang, "sec.2fa_confirm"));
}

static void codes_block(hreq_t *r, buf_t *b, const char *codes)
{
    buf_hprintf(b, "<div role=\"status\"><p>%s</p><ul class=\"sec-codes\" id=\"recovery-codes\">",
                T(r->lang, "sec.2fa_codes_once"));
    const char *p = codes;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        buf_lit(b, "<li>");
        buf_html(b, p, n);
        buf_lit(b, "</li>");
        p += n + (nl ? 1 : 0);
    }
    buf_lit(b, "</ul></div>\n");
}

/* ---- the account page ---- */

static void page(hreq_t *r, int status, const char *msg, int ok, const char *codes, int setup)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "security", T(L, "sec.2fa"));
    sec_nav(r, &b, "/account/security/2fa");
    if (ok)
        fk_ok(&b, msg);
    else
        fk_alert(&b, msg);
    if (codes)
        codes_block(r, &b, codes);
    int on = sec_totp_enabled(r->db, r->user.id) == 1;
    if (on) {
        db_stmt_t *st = db_prepare(r->db, "SELECT count(*) FROM recovery_codes WHERE user_id = :u AND used_at IS NULL");
        db_bind_int(st, ":u", r->user.id);
        int64_t left = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
        db_done(st);
        buf_hprintf(&b, "<p>%s</p><p>%s %lld</p>\n", T(L, "sec.2fa_is_on"), T(L, "sec.2fa_codes_left"), (long long)left);
        static const char *const actions[] = {"recovery", "disable"};
        static const char *const labels[] = {"sec.2fa_regenerate", "sec.2fa_disable"};
        for (int i = 0; i < 2; i++) {
            buf_hprintf(&b, "<h2>%s</h2>\n", T(L, labels[i]));
            fk_form_begin(r, &b, "/account/security/2fa");
            buf_hprintf(&b, "<input type=\"hidden\" name=\"action\" value=\"%s\">"
                            "<p><label for=\"f-code-%s\">%s</label><br><input type=\"text\" id=\"f-code-%s\" name=\"code\" "
                            "autocomplete=\"one-time-code\" required></p>\n",
                        actions[i], actions[i], T(L, "sec.2fa_code_or_recovery"), actions[i]);
            fk_form_end(&b, T(L, labels[i]));
        }
    } else if (setup) {
        setup_block(r, &b, r->user.id, "/account/security/2fa");
    } else {
        buf_hprintf(&b, "<p>%s</p>\n", T(L, "sec.2fa_is_off"));
        fk_form_begin(r, &b, "/account/security/2fa");
        buf_lit(&b, "<input type=\"hidden\" name=\"action\" value=\"start\">");
        fk_form_end(&b, T(L, "sec.2fa_start"));
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /account/security/2fa — on: how many recovery codes are left, forms
 * to make new ones or turn it off; off: a button to start the set-up. */
void sec_2fa_page(hreq_t *r)
{
    page(r, 200, NULL, 0, NULL, 0);
}

/* Confirm uid's unconfirmed secret with code and turn it on, with fresh
 * recovery codes into codes (one transaction). 1 on, 0 wrong code, -1 error. */
static int enable(hreq_t *r, int64_t uid, const char *code, buf_t *codes)
{
    char norm[48];
    normalise(code ? code : "", norm, sizeof norm);
    if (!six_digits(norm))
        return 0;
    if (db_begin(r->db) < 0)
        return -1;
    int ok = use_totp(r->db, uid, norm, 0);
    if (ok != 1) {
        db_rollback(r->db);
        return ok;
    }
    db_stmt_t *st = db_prepare(r->db, "UPDATE totp SET enabled = 1 WHERE user_id = :u");
    db_bind_int(st, ":u", uid);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || new_recovery(r->db, uid, codes) < 0 ||
        sec_event(r->db, uid, NULL, "security.2fa_enabled", "", "你的账号开启了两步验证。",
                  "Two-factor sign-in was turned on for your account.") < 0 ||
        db_commit(r->db) < 0) {
        db_rollback(r->db);
        return -1;
    }
    return 1;
}

/* POST /account/security/2fa — fields: csrf, action (start | confirm |
 * recovery | disable), code (confirm: from the app; recovery, disable: a
 * current code or a recovery code). */
void sec_2fa_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *action = form_get(&f, "action"), *code = form_get(&f, "code");
    int64_t uid = r->user.id;
    int on = sec_totp_enabled(r->db, uid) == 1;
    if (!action)
        action = "";
    if (strcmp(action, "start") == 0 && !on) {
        if (new_secret(r->db, uid) < 0) {
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
            return;
        }
        page(r, 200, NULL, 0, NULL, 1);
        return;
    }
    if (sec_throttled(r, uid)) {
        page(r, 429, T(r->lang, "account.err.throttled"), 0, NULL, !on);
        return;
    }
    if (strcmp(action, "confirm") == 0 && !on) {
        buf_t codes = BUF_INIT;
        int ok = enable(r, uid, code, &codes);
        if (ok < 0)
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        else if (ok == 0) {
            sec_note_failure(r, uid);
            page(r, 422, T(r->lang, "sec.err.code"), 0, NULL, 1);
        } else {
            sec_clear_failures(r, uid);
            page(r, 200, T(r->lang, "sec.2fa_enabled"), 1, buf_cstr(&codes), 0);
        }
        buf_free(&codes);
        return;
    }
    if ((strcmp(action, "disable") == 0 || strcmp(action, "recovery") == 0) && on) {
        int disable = strcmp(action, "disable") == 0;
        if (db_begin(r->db) < 0) {
            rs_error(r, 503, "busy", T(r->lang, "err.internal"));
            return;
        }
        int ok = sec_totp_check(r->db, uid, code);
        if (ok != 1) {
            /* The used-up code (if any) stays unused: nothing changes. */
            db_rollback(r->db);
            if (ok < 0) {
                rs_error(r, 500, "internal", T(r->lang, "err.internal"));
            } else {
                sec_note_failure(r, uid);
                page(r, 422, T(r->lang, "sec.err.code"), 0, NULL, 0);
            }
            return;
        }
        buf_t codes = BUF_INIT;
        int rc = 0;
        if (disable) {
            db_stmt_t *st = db_prepare(r->db, "DELETE FROM totp WHERE user_id = :u");
            db_bind_int(st, ":u", uid);
            rc = db_step(st) == DB_DONE ? 0 : -1;
            db_done(st);
            st = db_prepare(r->db, "DELETE FROM recovery_codes WHERE user_id = :u");
            db_bind_int(st, ":u", uid);
            if (db_step(st) != DB_DONE)
                rc = -1;
            db_done(st);
            if (rc == 0)
                rc = sec_event(r->db, uid, NULL, "security.2fa_disabled", "", "你的账号关闭了两步验证。",
                               "Two-factor sign-in was turned off for your account.");
        } else {
            rc = new_recovery(r->db, uid, &codes);
            if (rc == 0)
                rc = sec_event(r->db, uid, NULL, "security.recovery_codes", "new recovery codes",
                               "你的账号生成了新的恢复码,旧的已作废。",
                               "New recovery codes were made for your account; the old ones no longer work.");
        }
        if (rc < 0 || db_commit(r->db) < 0) {
            db_rollback(r->db);
            buf_free(&codes);
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
            return;
        }
        sec_clear_failures(r, uid);
        page(r, 200, T(r->lang, disable ? "sec.2fa_disabled" : "sec.2fa_new_codes"), 1,
             disable ? NULL : buf_cstr(&codes), 0);
        buf_free(&codes);
        return;
    }
    page(r, 422, T(r->lang, "sec.err.action"), 0, NULL, 0);
}

/* ---- sign-in: the second step ---- */

static int staff_must(db_t *db, int64_t uid)
{
    if (!settings_is(db, "require_2fa_staff", "on"))
        return 0;
    db_stmt_t *st = db_prepare(db, "SELECT role FROM users WHERE id = :u");
    db_bind_int(st, ":u", uid);
    enum role role = db_step(st) == DB_ROW ? account_role_from(db_col_text(st, 0)) : ROLE_NONE;
    db_done(st);
    return role >= ROLE_MODERATOR;
}

int sec_second_factor(hreq_t *r, int64_t uid, int api, const char *otp, const char *next)
{
    int on = sec_totp_enabled(r->db, uid);
    if (on < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return 1;
    }
    int enroll = !on && staff_must(r->db, uid);
    if (!on && !enroll)
        return 0;
    if (api) {
        if (enroll) {
            rs_error(r, 403, "two_factor_setup_required", T(r->lang, "sec.err.2fa_setup_required"));
            return 1;
        }
        if (!otp || !*otp) {
            rs_error(r, 401, "otp_required", T(r->lang, "sec.err.otp_required"));
            return 1;
        }
        if (sec_throttled(r, uid)) {
            rs_error(r, 429, "rate_limited", T(r->lang, "account.err.throttled"));
            return 1;
        }
        int ok = sec_totp_check(r->db, uid, otp);
        if (ok < 0) {
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
            return 1;
        }
        if (!ok) {
            sec_note_failure(r, uid);
            rs_error(r, 401, "otp_invalid", T(r->lang, "sec.err.code"));
            return 1;
        }
        sec_clear_failures(r, uid);
        return 0;
    }
    char token[65], hash[65];
    token_new(token, sizeof token, hash);
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return 1;
    }
    db_stmt_t *st = db_prepare(r->db, "INSERT INTO login_pending(token_hash, user_id, purpose, next, created_at, expires_at) "
                                      "VALUES (:h, :u, :p, :n, :now, :exp)");
    db_bind_text(st, ":h", hash);
    db_bind_int(st, ":u", uid);
    db_bind_text(st, ":p", enroll ? "enroll" : "verify");
    db_bind_text(st, ":n", next ? next : "/studio");
    db_bind_int(st, ":now", now_s());
    db_bind_int(st, ":exp", now_s() + PENDING_TTL);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || (enroll && new_secret(r->db, uid) < 0) || db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return 1;
    }
    rs_cookie(r, "hao_pending", token, PENDING_TTL, 1);
    rs_redirect(r, 303, "/login/2fa");
    return 1;
}

typedef struct {
    int64_t uid;
    int enroll;
    char next[1025];
    char hash[65];
} pending_t;

/* The pending sign-in this browser's hao_pending cookie names. 1, 0 none. */
static int pending(hreq_t *r, pending_t *p)
{
    const char *c = rq_cookie(r, "hao_pending");
    if (!c || strlen(c) != 64)
        return 0;
    token_sha256_hex(c, p->hash);
    db_stmt_t *st = db_prepare(r->db, "SELECT user_id, purpose, next FROM login_pending WHERE token_hash = :h "
                                      "AND expires_at > :now");
    db_bind_text(st, ":h", p->hash);
    db_bind_int(st, ":now", now_s());
    int rc = db_step(st);
    if (rc == DB_ROW) {
        p->uid = db_col_int(st, 0);
        p->enroll = strcmp(db_col_text(st, 1), "enroll") == 0;
        snprintf(p->next, sizeof p->next, "%s", db_col_text(st, 2));
    }
    db_done(st);
    return rc == DB_ROW;
}

static void step_page(hreq_t *r, int status, const pending_t *p, const char *msg, const char *codes)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "account security", T(L, p && p->enroll && !codes ? "sec.2fa_setup_title" : "sec.2fa"));
    fk_alert(&b, msg);
    if (codes) {
        codes_block(r, &b, codes);
        buf_hprintf(&b, "<p><a href=\"%s\">%s</a></p>\n", p->next, T(L, "sec.continue"));
    } else if (!p) {
        buf_hprintf(&b, "<p><a href=\"/login\">%s</a></p>\n", T(L, "site.login"));
    } else if (p->enroll) {
        buf_hprintf(&b, "<p>%s</p>\n", T(L, "sec.2fa_required_staff"));
        setup_block(r, &b, p->uid, "/login/2fa");
    } else {
        fk_form_begin(r, &b, "/login/2fa");
        buf_hprintf(&b, "<p><label for=\"f-code\">%s</label><br><input type=\"text\" id=\"f-code\" name=\"code\" "
                        "autocomplete=\"one-time-code\" required></p>\n<p class=\"hint\">%s</p>\n",
                    T(L, "sec.2fa_code_or_recovery"), T(L, "sec.2fa_hint"));
        fk_form_end(&b, T(L, "site.login"));
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /login/2fa — the code form (or the set-up when it is required),
 * for the sign-in the hao_pending cookie names. */
void sec_login_2fa_page(hreq_t *r)
{
    pending_t p;
    if (!pending(r, &p)) {
        step_page(r, 400, NULL, T(r->lang, "sec.err.pending"), NULL);
        return;
    }
    step_page(r, 200, &p, NULL, NULL);
}

/* POST /login/2fa — fields: csrf, code (and action=confirm in the set-up).
 * The right code ends the pending sign-in and starts the session. */
void sec_login_2fa_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    pending_t p;
    if (!pending(r, &p)) {
        step_page(r, 400, NULL, T(r->lang, "sec.err.pending"), NULL);
        return;
    }
    if (sec_throttled(r, p.uid)) {
        step_page(r, 429, &p, T(r->lang, "account.err.throttled"), NULL);
        return;
    }
    const char *code = form_get(&f, "code");
    buf_t codes = BUF_INIT;
    int ok;
    if (p.enroll) {
        ok = enable(r, p.uid, code, &codes);
    } else {
        ok = sec_totp_check(r->db, p.uid, code);
    }
    if (ok < 0) {
        buf_free(&codes);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    if (!ok) {
        buf_free(&codes);
        sec_note_failure(r, p.uid);
        step_page(r, 401, &p, T(r->lang, "sec.err.code"), NULL);
        return;
    }
    sec_clear_failures(r, p.uid);
    db_stmt_t *st = db_prepare(r->db, "DELETE FROM login_pending WHERE token_hash = :h OR expires_at < :now");
    db_bind_text(st, ":h", p.hash);
    db_bind_int(st, ":now", now_s());
    db_step(st);
    db_done(st);
    rs_cookie(r, "hao_pending", "", 0, 1);
    if (account_start_session(r, p.uid) < 0) {
        buf_free(&codes);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    if (p.enroll) {
        /* Signed in; the codes are shown this once, then on to next. */
        step_page(r, 200, &p, NULL, buf_cstr(&codes));
    } else {
        rs_redirect(r, 303, p.next);
    }
    buf_free(&codes);
}
