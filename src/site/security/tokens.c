/*
 * tokens.c — see tokens.h. Loop thread only.
 */
#include "site/security/tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/token.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/security/security.h"

/* "No expiry" is stored as the last second of year 9999, so the one
 * expires_at test in account_identify covers every token. */
#define NEVER 253402300799LL

int sec_token_create(hreq_t *r, int64_t uid, const char *name, enum scope scope, int64_t expires_at, char token[65])
{
    char hash[65];
    token_new(token, 65, hash);
    db_stmt_t *st = db_prepare(r->db, "INSERT INTO sessions(token_hash, user_id, kind, created_at, expires_at, name, scope) "
                                      "VALUES (:h, :u, 'api', :now, :exp, :n, :s)");
    db_bind_text(st, ":h", hash);
    db_bind_int(st, ":u", uid);
    db_bind_int(st, ":now", now_s());
    db_bind_int(st, ":exp", expires_at ? expires_at : NEVER);
    db_bind_text(st, ":n", name);
    db_bind_text(st, ":s", sec_scope_name(scope));
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    sec_session_describe(r, hash);
    /* last_seen means "last used" for a token: none yet. */
    st = db_prepare(r->db, "UPDATE sessions SET last_seen = 0 WHERE token_hash = :h");
    db_bind_text(st, ":h", hash);
    db_step(st);
    db_done(st);
    char detail[128];
    snprintf(detail, sizeof detail, "scope %s", sec_scope_name(scope));
    return sec_event(r->db, uid, NULL, "security.token_created", detail, "你的账号新建了一个访问令牌。",
                     "An API token was created for your account.");
}

static const char *const expiry_codes[] = {"never", "7", "30", "90", "365"};

static void render(hreq_t *r, int status, const char *msg, int ok, const char *shown_token)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "security", T(L, "sec.tokens"));
    sec_nav(r, &b, "/account/security/tokens");
    if (ok)
        fk_ok(&b, msg);
    else
        fk_alert(&b, msg);
    if (shown_token) {
        buf_hprintf(&b, "<div class=\"sec-shown\" role=\"status\"><p>%s</p><p><code id=\"new-token\">%s</code></p></div>\n",
                    T(L, "sec.token_once"), shown_token);
    }
    db_stmt_t *st = db_prepare(r->db, "SELECT token_hash, name, scope, created_at, expires_at, last_seen, address "
                                      "FROM sessions WHERE user_id = :u AND kind = 'api' AND expires_at > :now "
                                      "ORDER BY created_at DESC");
    db_bind_int(st, ":u", r->user.id);
    db_bind_int(st, ":now", now_s());
    buf_hprintf(&b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                    "<th><span class=\"visually-hidden\">%s</span></th></tr></thead><tbody>\n",
                T(L, "sec.token_name"), T(L, "sec.scope"), T(L, "sec.started"), T(L, "sec.expires"),
                T(L, "sec.last_used"), T(L, "sec.revoke"));
    while (db_step(st) == DB_ROW) {
        const char *sc = db_col_text(st, 2);
        const char *name = db_col_text(st, 1);
        buf_hprintf(&b, "<tr><td>%s</td><td>%s</td><td>", *name ? name : "API", *sc ? sc : T(L, "sec.scope_role"));
        page_time(&b, db_col_int(st, 3));
        buf_lit(&b, "</td><td>");
        if (db_col_int(st, 4) >= NEVER)
            buf_htmlz(&b, T(L, "sec.never"));
        else
            page_time(&b, db_col_int(st, 4));
        buf_lit(&b, "</td><td>");
        if (db_col_int(st, 5)) {
            page_time(&b, db_col_int(st, 5));
            buf_hprintf(&b, " (%s)", db_col_text(st, 6));
        } else {
            buf_htmlz(&b, T(L, "sec.never_used"));
        }
        buf_lit(&b, "</td><td><form method=\"post\" action=\"/account/security/tokens/revoke\">");
        page_csrf_field(r, &b);
        buf_hprintf(&b, "<input type=\"hidden\" name=\"token\" value=\"%.16s\">"
                        "<button type=\"submit\">%s</button></form></td></tr>\n",
                    db_col_text(st, 0), T(L, "sec.revoke"));
    }
    db_done(st);
    buf_lit(&b, "</tbody></table>\n");

    buf_hprintf(&b, "<h2>%s</h2>\n", T(L, "sec.token_new"));
    fk_form_begin(r, &b, "/account/security/tokens");
    fk_input(&b, T(L, "sec.token_name"), "name", NULL, 1);
    enum scope max = sec_scope_max(r->user.role);
    const char *codes[4], *labels[4];
    int n = 0;
    for (enum scope s = SCOPE_READ; s <= max; s++) {
        codes[n] = sec_scope_name(s);
        char key[32];
        snprintf(key, sizeof key, "sec.scope_%s", sec_scope_name(s));
        labels[n++] = T(L, rq_strdup(r, key));
    }
    fk_select(&b, T(L, "sec.scope"), "scope", n, codes, labels, "read");
    const char *elabels[] = {T(L, "sec.never"), T(L, "sec.days_7"), T(L, "sec.days_30"), T(L, "sec.days_90"),
                             T(L, "sec.days_365")};
    fk_select(&b, T(L, "sec.expires"), "expires", 5, expiry_codes, elabels, "90");
    fk_form_end(&b, T(L, "sec.token_create"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /account/security/tokens — the account's tokens and the form to make one. */
void sec_tokens_page(hreq_t *r)
{
    render(r, 200, NULL, 0, NULL);
}

/* POST /account/security/tokens — fields: csrf, name, scope
 * (read|write|moderate|admin, at most the role's), expires (never|7|30|90|365
 * days). Answers the page with the token shown once. */
void sec_tokens_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *name = form_get(&f, "name"), *sc = form_get(&f, "scope"), *ex = form_get(&f, "expires");
    const char *tn = name ? name : "";
    size_t tl = strlen(tn);
    text_trim(&tn, &tl);
    if (tl == 0 || !text_valid_line(tn, tl) || text_chars(tn, tl) > SEC_TOKEN_NAME_MAX) {
        render(r, 422, T(r->lang, "sec.err.token_name"), 0, NULL);
        return;
    }
    enum scope scope = sec_scope_from(sc);
    if (scope == SCOPE_NONE || scope > sec_scope_max(r->user.role)) {
        render(r, 422, T(r->lang, "sec.err.scope"), 0, NULL);
        return;
    }
    int64_t exp = -1;
    for (size_t i = 0; i < sizeof expiry_codes / sizeof expiry_codes[0]; i++)
        if (ex && strcmp(ex, expiry_codes[i]) == 0)
            exp = i == 0 ? 0 : now_s() + atoll(expiry_codes[i]) * 86400;
    if (exp < 0) {
        render(r, 422, T(r->lang, "sec.err.expiry"), 0, NULL);
        return;
    }
    char *clean = rq_strndup(r, tn, tl);
    char token[65];
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return;
    }
    if (sec_token_create(r, r->user.id, clean, scope, exp, token) < 0 || db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    render(r, 201, T(r->lang, "sec.token_made"), 1, token);
}

/* POST /account/security/tokens/revoke — fields: csrf, token (the first 16
 * hex digits of its hash, as the page's form has it). */
void sec_tokens_revoke(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *id = form_get(&f, "token");
    if (!id || strlen(id) != 16 || strspn(id, "0123456789abcdef") != 16) {
        render(r, 422, T(r->lang, "sec.err.no_token"), 0, NULL);
        return;
    }
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "DELETE FROM sessions WHERE user_id = :u AND kind = 'api' "
                                      "AND substr(token_hash, 1, 16) = :p");
    db_bind_int(st, ":u", r->user.id);
    db_bind_text(st, ":p", id);
    int rc = db_step(st);
    int64_t n = rc == DB_DONE ? db_changes(r->db) : -1;
    db_done(st);
    if (n <= 0) {
        db_rollback(r->db);
        if (n < 0)
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        else
            render(r, 404, T(r->lang, "sec.err.no_token"), 0, NULL);
        return;
    }
    if (sec_event(r->db, r->user.id, NULL, "security.token_revoked", "", "你的账号有一个访问令牌被撤销。",
                  "An API token of your account was revoked.") < 0 ||
        db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    render(r, 200, T(r->lang, "sec.token_revoked"), 1, NULL);
}
