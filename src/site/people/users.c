/*
 * users.c — see users.h. Owned by the people part (issue 18). Handlers run
 * on a loop thread; each change is one short transaction on the loop's
 * connection (no hashing, nothing slow).
 */
#include "site/people/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "site/accounts/account.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/trust/audit.h"
#include "site/trust/takedown.h"

static int refuse(people_err_t *e, int status, const char *code, const char *key, const char *field)
{
    e->status = status, e->code = code, e->key = key, e->field = field;
    return -1;
}

/* A reason: one to PEOPLE_REASON_MAX characters of text, not blank. */
static int reason_ok(const char *s)
{
    return s && !text_blank(s) && text_valid(s, strlen(s)) && text_chars(s, strlen(s)) <= PEOPLE_REASON_MAX;
}

/* The user's handle, role and status; 1 found, 0 not, -1 error. */
static int user_row(db_t *db, int64_t id, char handle[32], char role[16], char status[16])
{
    db_stmt_t *st = db_prepare(db, "SELECT handle, role, status FROM users WHERE id = :id");
    db_bind_int(st, ":id", id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        snprintf(handle, 32, "%s", db_col_text(st, 0));
        snprintf(role, 16, "%s", db_col_text(st, 1));
        snprintf(status, 16, "%s", db_col_text(st, 2));
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* Active admins other than user_id. */
static int64_t other_admins(db_t *db, int64_t user_id)
{
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM users WHERE role = 'admin' AND status = 'active' AND id <> :id");
    db_bind_int(st, ":id", user_id);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return n;
}

/* Open the transaction and read the user: 1 ready (in a transaction), -1
 * refused (e filled, no transaction). */
static int begin_on(db_t *db, int64_t id, char handle[32], char role[16], char status[16], people_err_t *e)
{
    if (db_begin(db) < 0)
        return refuse(e, 503, "busy", "err.internal", NULL);
    int rc = user_row(db, id, handle, role, status);
    if (rc != 1) {
        db_rollback(db);
        return rc == 0 ? refuse(e, 404, "not_found", "people.err.no_user", NULL)
                       : refuse(e, 500, "internal", "err.internal", NULL);
    }
    return 1;
}

static int commit_or_fail(db_t *db, int ok, people_err_t *e)
{
    if (!ok || db_commit(db) < 0) {
        db_rollback(db);
        return refuse(e, 500, "internal", "err.internal", NULL);
    }
    return 0;
}

int people_set_role(db_t *db, const char *actor, int64_t user_id, const char *role, people_err_t *e)
{
    if (account_role_from(role) == ROLE_NONE)
        return refuse(e, 422, "invalid", "people.err.role", "role");
    char handle[32], cur[16], status[16];
    if (begin_on(db, user_id, handle, cur, status, e) < 0)
        return -1;
    if (strcmp(cur, role) == 0) {
        db_rollback(db);
        return 0;
    }
    /* Checked inside the transaction, so two admins demoting each other
     * at once cannot both succeed. */
    if (strcmp(cur, "admin") == 0 && strcmp(status, "active") == 0 && other_admins(db, user_id) == 0) {
        db_rollback(db);
        return refuse(e, 409, "last_admin", "people.err.last_admin", "role");
    }
    db_stmt_t *st = db_prepare(db, "UPDATE users SET role = :r WHERE id = :id");
    db_bind_text(st, ":r", role);
    db_bind_int(st, ":id", user_id);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    char subj[64];
    snprintf(subj, sizeof subj, "user:%s", handle);
    ok = ok && audit_appendf(db, actor, "user.role", subj, "%s -> %s", cur, role) == 0;
    return commit_or_fail(db, ok, e);
}

int people_suspend(db_t *db, const char *actor, int64_t actor_id, int64_t user_id, const char *reason,
                   people_err_t *e)
{
    if (!reason_ok(reason))
        return refuse(e, 422, "invalid", "people.err.reason", "reason");
    if (actor_id == user_id)
        return refuse(e, 409, "self", "people.err.self", "reason");
    char handle[32], role[16], status[16];
    if (begin_on(db, user_id, handle, role, status, e) < 0)
        return -1;
    if (strcmp(status, "active") != 0) {
        db_rollback(db);
        return refuse(e, 409, "not_active", "people.err.not_active", NULL);
    }
    if (strcmp(role, "admin") == 0 && other_admins(db, user_id) == 0) {
        db_rollback(db);
        return refuse(e, 409, "last_admin", "people.err.last_admin", "reason");
    }
    db_stmt_t *st = db_prepare(db, "UPDATE users SET status = 'suspended' WHERE id = :id AND status = 'active'");
    db_bind_int(st, ":id", user_id);
    int ok = db_step(st) == DB_DONE && db_changes(db) == 1;
    db_done(st);
    /* Signed out everywhere: a suspended account's sessions are dead
     * anyway (account.c checks the status), and now gone. */
    st = db_prepare(db, "DELETE FROM sessions WHERE user_id = :id");
    db_bind_int(st, ":id", user_id);
    ok = ok && db_step(st) == DB_DONE;
    db_done(st);
    char subj[64];
    snprintf(subj, sizeof subj, "user:%lld", (long long)user_id);
    ok = ok && audit_append(db, actor, "user.suspend", subj, reason) == 0;
    return commit_or_fail(db, ok, e);
}

int people_reinstate(db_t *db, const char *actor, int64_t user_id, const char *reason, people_err_t *e)
{
    if (!reason_ok(reason))
        return refuse(e, 422, "invalid", "people.err.reason", "reason");
    char handle[32], role[16], status[16];
    if (begin_on(db, user_id, handle, role, status, e) < 0)
        return -1;
    if (strcmp(status, "suspended") != 0) {
        db_rollback(db);
        return refuse(e, 409, "not_suspended", "people.err.not_suspended", NULL);
    }
    db_stmt_t *st = db_prepare(db, "UPDATE users SET status = 'active' WHERE id = :id AND status = 'suspended'");
    db_bind_int(st, ":id", user_id);
    int ok = db_step(st) == DB_DONE && db_changes(db) == 1;
    db_done(st);
    char subj[64];
    snprintf(subj, sizeof subj, "user:%lld", (long long)user_id);
    ok = ok && audit_append(db, actor, "user.reinstate", subj, reason) == 0;
    return commit_or_fail(db, ok, e);
}

/* ---- pages ---- */

void people_admin_nav(hreq_t *r, buf_t *b, const char *current)
{
    static const struct {
        const char *href, *key;
    } items[] = {{"/admin/settings", "settings.title"},
                 {"/admin/users", "people.users_title"},
                 {"/admin/audit", "audit.title"},
                 {"/admin/invites", "people.invites"}};
    buf_hprintf(b, "<nav class=\"admin-nav\" aria-label=\"%s\"><ul class=\"tabs\">", T(r->lang, "people.admin_nav"));
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        buf_hprintf(b, "<li><a href=\"%s\"", items[i].href);
        if (strcmp(items[i].href, current) == 0)
            buf_lit(b, " aria-current=\"page\"");
        buf_hprintf(b, ">%s</a></li>", T(r->lang, items[i].key));
    }
    buf_lit(b, "</ul></nav>\n");
}

static const char *const role_codes[] = {"reader", "creator", "moderator", "admin"};

static const char *word(lang_t L, const char *prefix, const char *code, char *k, size_t ks)
{
    snprintf(k, ks, "%s%s", prefix, code);
    const char *w = T(L, k);
    return w == k ? code : w;
}

/* The search term as a LIKE pattern: lower-cased, % and _ and \ escaped. */
static void like_pattern(const char *q, buf_t *out)
{
    buf_lit(out, "%");
    for (const char *p = q; *p; p++) {
        char c = *p;
        if (c == '%' || c == '_' || c == '\\')
            buf_ch(out, '\\');
        buf_ch(out, (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c);
    }
    buf_lit(out, "%");
}

#define USERS_WHERE                                                                                                 \
    " WHERE (:all = 1 OR lower(handle) LIKE :q ESCAPE '\\' OR lower(display_name) LIKE :q ESCAPE '\\' "              \
    "OR lower(email) LIKE :q ESCAPE '\\' OR id = :qid)"

/* GET /admin/users — every account, PEOPLE_PAGE a page, newest first.
 * Query: q (part of a handle, name or e-mail address, or an id), page
 * (1, 2, ...). */
void people_users_page(hreq_t *r)
{
    lang_t L = r->lang;
    const char *q = rq_query(r, "q");
    const char *ps = rq_query(r, "page");
    long page = 1;
    if (ps && *ps) {
        char *end;
        page = strtol(ps, &end, 10);
        if (*end || page < 1 || page > 1000000) {
            rs_error(r, 400, "bad_request", T(L, "err.bad_path"));
            return;
        }
    }
    size_t ql = q ? strlen(q) : 0;
    const char *qt = q;
    text_trim(&qt, &ql);
    int all = ql == 0;
    char *term = rq_strdup(r, all ? "" : qt);
    term[ql] = 0;
    buf_t pat = BUF_INIT;
    like_pattern(term, &pat);
    char *end;
    long long qid = all ? 0 : strtoll(term, &end, 10);
    if (!all && *end)
        qid = 0;

    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "admin-users", T(L, "people.users_title"));
    people_admin_nav(r, &b, "/admin/users");
    buf_lit(&b, "<form method=\"get\" action=\"/admin/users\" class=\"inline\" role=\"search\" aria-label=\"");
    buf_htmlz(&b, T(L, "people.search"));
    buf_lit(&b, "\"><label for=\"users-q\">");
    buf_htmlz(&b, T(L, "people.search"));
    buf_lit(&b, "<input type=\"text\" id=\"users-q\" name=\"q\" value=\"");
    buf_htmlz(&b, term);
    buf_lit(&b, "\"></label><button type=\"submit\">");
    buf_htmlz(&b, T(L, "site.search"));
    buf_lit(&b, "</button></form>\n");

    db_stmt_t *st = db_prepare(r->db, "SELECT count(*) FROM users" USERS_WHERE);
    db_bind_int(st, ":all", all);
    db_bind_text(st, ":q", buf_cstr(&pat));
    db_bind_int(st, ":qid", qid);
    int64_t total = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    buf_hprintf(&b, "<p class=\"count\" data-total=\"%lld\">", (long long)total);
    buf_hprintf(&b, L == LANG_EN ? "%lld accounts" : "共 %lld 个账号", (long long)total);
    buf_lit(&b, "</p>\n");

    const char *hd[] = {T(L, "people.col.user"), T(L, "people.col.email"), T(L, "people.col.role"),
                        T(L, "people.col.status"), T(L, "people.col.joined")};
    buf_lit(&b, "<table class=\"admin users\"><thead><tr>");
    for (int i = 0; i < 5; i++)
        buf_hprintf(&b, "<th>%s</th>", hd[i]);
    buf_lit(&b, "</tr></thead><tbody>\n");
    st = db_prepare(r->db, "SELECT id, handle, display_name, email, role, status, created_at FROM users" USERS_WHERE
                           " ORDER BY id DESC LIMIT :lim OFFSET :off");
    db_bind_int(st, ":all", all);
    db_bind_text(st, ":q", buf_cstr(&pat));
    db_bind_int(st, ":qid", qid);
    db_bind_int(st, ":lim", PEOPLE_PAGE);
    db_bind_int(st, ":off", (int64_t)(page - 1) * PEOPLE_PAGE);
    char k[48];
    while (db_step(st) == DB_ROW) {
        buf_hprintf(&b, "<tr data-user=\"%s\" data-role=\"%s\" data-status=\"%s\">", db_col_text(st, 1),
                    db_col_text(st, 4), db_col_text(st, 5));
        buf_hprintf(&b, "<td data-label=\"%s\"><a href=\"/admin/users/%lld\">@%s</a> ", hd[0],
                    (long long)db_col_int(st, 0), db_col_text(st, 1));
        buf_htmlz(&b, db_col_text(st, 2));
        buf_hprintf(&b, "</td><td data-label=\"%s\">%s</td>", hd[1], db_col_text(st, 3));
        buf_hprintf(&b, "<td data-label=\"%s\">%s</td>", hd[2], word(L, "people.role.", db_col_text(st, 4), k, sizeof k));
        buf_hprintf(&b, "<td data-label=\"%s\">%s</td>", hd[3],
                    word(L, "people.status.", db_col_text(st, 5), k, sizeof k));
        buf_hprintf(&b, "<td data-label=\"%s\">", hd[4]);
        page_time(&b, db_col_int(st, 6));
        buf_lit(&b, "</td></tr>\n");
    }
    db_done(st);
    buf_lit(&b, "</tbody></table>\n");
    buf_free(&pat);
    int64_t pages = (total + PEOPLE_PAGE - 1) / PEOPLE_PAGE;
    if (pages > 1) {
        buf_hprintf(&b, "<nav class=\"pager\" aria-label=\"%s\">", T(L, "people.pages"));
        buf_t qs = BUF_INIT;
        if (!all) {
            buf_lit(&qs, "q=");
            buf_url(&qs, term, strlen(term));
            buf_lit(&qs, "&");
        }
        if (page > 1)
            buf_hprintf(&b, "<a rel=\"prev\" href=\"/admin/users?%spage=%ld\">← %s</a> ", buf_cstr(&qs), page - 1,
                        T(L, "people.prev"));
        buf_hprintf(&b, L == LANG_EN ? "<span>page %ld of %lld</span>" : "<span>第 %ld / %lld 页</span>", page,
                    (long long)pages);
        if (page < pages)
            buf_hprintf(&b, " <a rel=\"next\" href=\"/admin/users?%spage=%ld\">%s →</a>", buf_cstr(&qs), page + 1,
                        T(L, "people.next"));
        buf_free(&qs);
        buf_lit(&b, "</nav>\n");
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
}

/* What a refused change sends back to the user's page. */
typedef struct {
    int status;
    const char *form;   /* "role", "suspend" or "reinstate" */
    const char *msg;    /* the message, next to its field */
    const char *reason; /* as typed */
} redo_t;

static int64_t path_id(hreq_t *r)
{
    char *end;
    long long v = strtoll(rq_param(r, 0), &end, 10);
    return (*end || v <= 0) ? 0 : v;
}

/* The reason field with its error (if any) next to it. */
static void reason_field(hreq_t *r, buf_t *b, const char *id, const char *label_key, const redo_t *redo,
                         const char *form)
{
    int mine = redo && redo->form && strcmp(redo->form, form) == 0;
    buf_hprintf(b, "<p><label for=\"%s\">%s</label><textarea class=\"fk\" id=\"%s\" name=\"reason\" rows=\"3\" "
                   "maxlength=\"%d\" required",
                id, T(r->lang, label_key), id, PEOPLE_REASON_MAX);
    if (mine && redo->msg)
        buf_hprintf(b, " aria-invalid=\"true\" aria-describedby=\"%s-err\"", id);
    buf_lit(b, ">");
    buf_htmlz(b, mine && redo->reason ? redo->reason : "");
    buf_lit(b, "</textarea>");
    if (mine && redo->msg)
        buf_hprintf(b, "<span class=\"field-error\" id=\"%s-err\" role=\"alert\">%s</span>", id, redo->msg);
    buf_lit(b, "</p>\n");
}

static void user_view(hreq_t *r, const redo_t *redo)
{
    lang_t L = r->lang;
    int64_t id = path_id(r);
    db_stmt_t *st = db_prepare(r->db, "SELECT handle, display_name, email, role, status, created_at FROM users "
                                      "WHERE id = :id");
    db_bind_int(st, ":id", id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        rs_error(r, 404, "not_found", T(L, "people.err.no_user"));
        return;
    }
    char handle[32], role[16], status[16];
    snprintf(handle, sizeof handle, "%s", db_col_text(st, 0));
    snprintf(role, sizeof role, "%s", db_col_text(st, 3));
    snprintf(status, sizeof status, "%s", db_col_text(st, 4));
    buf_t b = BUF_INIT, title = BUF_INIT;
    buf_printf(&title, "@%s", handle); /* raw: text, escaped by page_section_begin */
    page_section_begin(r, &b, "admin-users", buf_cstr(&title));
    buf_free(&title);
    people_admin_nav(r, &b, "/admin/users");
    char k[48];
    buf_hprintf(&b, "<dl class=\"case-facts\" data-role=\"%s\" data-status=\"%s\">", role, status);
    fk_dt_dd(&b, T(L, "people.col.name"), db_col_text(st, 1));
    fk_dt_dd(&b, T(L, "people.col.email"), *db_col_text(st, 2) ? db_col_text(st, 2) : T(L, "mod.none"));
    fk_dt_dd(&b, T(L, "people.col.role"), word(L, "people.role.", role, k, sizeof k));
    fk_dt_dd(&b, T(L, "people.col.status"), word(L, "people.status.", status, k, sizeof k));
    buf_hprintf(&b, "<dt>%s</dt><dd>", T(L, "people.col.joined"));
    page_time(&b, db_col_int(st, 5));
    buf_hprintf(&b, "</dd><dt>%s</dt><dd><a href=\"/u/%s\">/u/%s</a></dd></dl>\n", T(L, "people.col.page"), handle,
                handle);
    db_done(st);
    if (redo && redo->msg && !redo->form)
        fk_alert(&b, redo->msg);
    if (rq_query(r, "done"))
        fk_ok(&b, T(L, "people.saved"));

    /* The role. */
    buf_hprintf(&b, "<h2>%s</h2>\n", T(L, "people.col.role"));
    buf_hprintf(&b, "<form method=\"post\" action=\"/admin/users/%lld/role\" class=\"stack\">", (long long)id);
    page_csrf_field(r, &b);
    int role_err = redo && redo->form && strcmp(redo->form, "role") == 0 && redo->msg;
    buf_hprintf(&b, "<p><label for=\"f-role\">%s</label><select id=\"f-role\" name=\"role\"", T(L, "people.col.role"));
    if (role_err)
        buf_lit(&b, " aria-invalid=\"true\" aria-describedby=\"f-role-err\"");
    buf_lit(&b, ">");
    for (size_t i = 0; i < sizeof role_codes / sizeof role_codes[0]; i++)
        buf_hprintf(&b, "<option value=\"%s\"%s>%s</option>", role_codes[i],
                    strcmp(role_codes[i], role) == 0 ? " selected" : "",
                    word(L, "people.role.", role_codes[i], k, sizeof k));
    buf_lit(&b, "</select>");
    if (role_err)
        buf_hprintf(&b, "<span class=\"field-error\" id=\"f-role-err\" role=\"alert\">%s</span>", redo->msg);
    buf_hprintf(&b, "</p><p class=\"field-help\">%s</p>", T(L, "people.role_help"));
    buf_hprintf(&b, "<p><button type=\"submit\">%s</button></p></form>\n", T(L, "people.role_save"));

    /* Suspend or reinstate. */
    int active = strcmp(status, "active") == 0;
    buf_hprintf(&b, "<h2>%s</h2>\n", T(L, active ? "people.suspend_title" : "people.reinstate_title"));
    if (!active) {
        buf_t why = BUF_INIT;
        takedown_suspension_reason(r->db, id, L, &why);
        if (why.len) {
            buf_lit(&b, "<p class=\"note\">");
            buf_html(&b, why.p, why.len);
            buf_lit(&b, "</p>\n");
        }
        buf_free(&why);
    }
    buf_hprintf(&b, "<form method=\"post\" action=\"/admin/users/%lld/%s\" class=\"stack\">", (long long)id,
                active ? "suspend" : "reinstate");
    page_csrf_field(r, &b);
    buf_hprintf(&b, "<p class=\"field-help\">%s</p>", T(L, active ? "people.suspend_help" : "people.reinstate_help"));
    reason_field(r, &b, active ? "f-suspend-reason" : "f-reinstate-reason",
                 active ? "people.suspend_reason" : "people.reinstate_reason", redo, active ? "suspend" : "reinstate");
    buf_hprintf(&b, "<p><button type=\"submit\" class=\"%s\">%s</button></p></form>\n", active ? "uphold" : "reject",
                T(L, active ? "people.suspend" : "people.reinstate"));

    /* Its history. */
    buf_hprintf(&b, "<h2>%s</h2>\n<ul class=\"history\">", T(L, "people.history"));
    char s1[64], s2[64];
    snprintf(s1, sizeof s1, "user:%lld", (long long)id);
    snprintf(s2, sizeof s2, "user:%s", handle);
    st = db_prepare(r->db, "SELECT at, actor, action, detail FROM audit_log WHERE subject = :a OR subject = :b "
                           "ORDER BY id DESC LIMIT 50");
    db_bind_text(st, ":a", s1);
    db_bind_text(st, ":b", s2);
    int n = 0;
    while (db_step(st) == DB_ROW) {
        n++;
        buf_lit(&b, "<li>");
        page_time(&b, db_col_int(st, 0));
        buf_lit(&b, " · ");
        buf_t who = BUF_INIT;
        audit_actor_text(&who, L, db_col_text(st, 1));
        buf_html(&b, who.p, who.len);
        buf_free(&who);
        buf_lit(&b, " · ");
        buf_htmlz(&b, word(L, "audit.a.", db_col_text(st, 2), k, sizeof k));
        buf_lit(&b, " · ");
        buf_htmlz(&b, db_col_text(st, 3));
        buf_lit(&b, "</li>");
    }
    db_done(st);
    if (!n)
        buf_hprintf(&b, "<li class=\"none\">%s</li>", T(L, "mod.none"));
    buf_lit(&b, "</ul></section>\n");
    page_send(r, &b, redo && redo->status ? redo->status : 200);
}

void people_user_page(hreq_t *r)
{
    user_view(r, NULL);
}

/* After a change: back to the user's page, or the page again with the
 * message next to the field and what was typed. */
static void finish(hreq_t *r, int rc, const people_err_t *e, const char *form, const char *reason)
{
    if (rc == 0) {
        char loc[64];
        snprintf(loc, sizeof loc, "/admin/users/%lld?done=1", (long long)path_id(r));
        rs_redirect(r, 303, loc);
        return;
    }
    if (e->status == 404 || e->status >= 500) {
        rs_error(r, e->status, e->code, T(r->lang, e->key));
        return;
    }
    redo_t redo = {e->status, e->field ? form : NULL, T(r->lang, e->key), reason};
    user_view(r, &redo);
}

/* POST /admin/users/:id/role — field role. */
void people_role_post(hreq_t *r)
{
    form_t f;
    rq_form(r, &f);
    char actor[64];
    snprintf(actor, sizeof actor, "user:%s", r->user.handle);
    people_err_t e = {0};
    int rc = people_set_role(r->db, actor, path_id(r), form_get(&f, "role"), &e);
    finish(r, rc, &e, "role", NULL);
}

/* POST /admin/users/:id/suspend — field reason. */
void people_suspend_post(hreq_t *r)
{
    form_t f;
    rq_form(r, &f);
    char actor[64];
    snprintf(actor, sizeof actor, "user:%s", r->user.handle);
    people_err_t e = {0};
    const char *reason = form_get(&f, "reason");
    int rc = people_suspend(r->db, actor, r->user.id, path_id(r), reason, &e);
    finish(r, rc, &e, "suspend", reason);
}

/* POST /admin/users/:id/reinstate — field reason. */
void people_reinstate_post(hreq_t *r)
{
    form_t f;
    rq_form(r, &f);
    char actor[64];
    snprintf(actor, sizeof actor, "user:%s", r->user.handle);
    people_err_t e = {0};
    const char *reason = form_get(&f, "reason");
    int rc = people_reinstate(r->db, actor, path_id(r), reason, &e);
    finish(r, rc, &e, "reinstate", reason);
}
