/*
 * newsletter.c — see newsletter.h.
 */
#include "site/audience/newsletter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/text.h"
#include "http/server.h"
#include "site/accounts/account.h"
#include "site/audience/subscribe.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/jobs.h"
#include "site/ops/mail.h"

/* ---- configuration ---- */

/* The site's public address without a trailing '/', into out; 0 when
 * subscriptions are not offered (no smtp_url or no base_url). */
static int offered(db_t *db, char out[256])
{
    char *smtp = db_setting(db, "smtp_url", "");
    char *url = db_setting(db, "base_url", "");
    int ok = smtp && *smtp && url && *url && strlen(url) < 256;
    if (ok) {
        size_t n = strlen(url);
        while (n && url[n - 1] == '/')
            n--;
        snprintf(out, 256, "%.*s", (int)n, url);
    }
    free(smtp);
    free(url);
    return ok;
}

/* ---- the mail ---- */

/* The unsubscribe link of subscription id at address. */
static void unsub_url(buf_t *b, const char *base, int64_t id, const char *address)
{
    char tok[SUB_UNSUB_TOKEN_MAX];
    subscribe_unsub_token(server_state.secret, id, address, tok);
    buf_printf(b, "%s/unsubscribe/%s", base, tok); /* raw: mail text */
}

/* Queue one message to a subscription with the RFC 8058 headers and the
 * visible link at the end of body. 0 or -1. */
static int queue(db_t *db, const char *base, int64_t id, const char *address, const char *subject, buf_t *body)
{
    buf_t url = BUF_INIT, h = BUF_INIT;
    unsub_url(&url, base, id, address);
    buf_printf(body, "\n退订 / Unsubscribe: %s\n", buf_cstr(&url)); /* raw: mail text */
    buf_printf(&h, "List-Unsubscribe: <%s>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click",
               buf_cstr(&url)); /* raw: mail header */
    int rc = mail_queue_headers(db, address, subject, buf_cstr(body), buf_cstr(&h));
    buf_free(&url);
    buf_free(&h);
    return rc;
}

typedef struct {
    char id[32];
    char title[512];
    int64_t published_at;
} nl_work_t;

typedef struct {
    int64_t id, start;
    char address[255];
} nl_sub_t;

/* The creator's display name; 0 or -1. */
static int creator_name(db_t *db, int64_t creator, char name[256])
{
    db_stmt_t *st = db_prepare(db, "SELECT display_name FROM users WHERE id = :id");
    db_bind_int(st, ":id", creator);
    int rc = db_step(st);
    snprintf(name, 256, "%s", rc == DB_ROW ? db_col_text(st, 0) : "");
    db_done(st);
    return rc == DB_ERROR ? -1 : 0;
}

/* The creator's published works with after < published_at <= upto, oldest
 * first, at most NEWSLETTER_WORKS_MAX (the newest ones). Count or -1. */
static int works_between(db_t *db, int64_t creator, int64_t after, int64_t upto, nl_work_t out[NEWSLETTER_WORKS_MAX])
{
    db_stmt_t *st = db_prepare(db, "SELECT id, title, published_at FROM works WHERE author_id = :c "
                                   "AND status = 'published' AND published_at > :a AND published_at <= :u "
                                   "ORDER BY published_at DESC, id DESC LIMIT :lim");
    db_bind_int(st, ":c", creator);
    db_bind_int(st, ":a", after);
    db_bind_int(st, ":u", upto);
    db_bind_int(st, ":lim", NEWSLETTER_WORKS_MAX);
    int n = 0, rc;
    nl_work_t tmp[NEWSLETTER_WORKS_MAX];
    while ((rc = db_step(st)) == DB_ROW && n < NEWSLETTER_WORKS_MAX) {
        snprintf(tmp[n].id, sizeof tmp[n].id, "%s", db_col_text(st, 0));
        snprintf(tmp[n].title, sizeof tmp[n].title, "%s", db_col_text(st, 1));
        tmp[n].published_at = db_col_int(st, 2);
        n++;
    }
    db_done(st);
    if (rc == DB_ERROR)
        return -1;
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

/* Read subscriptions (id, address, start = the later of last_sent_at and
 * confirmed_at) from a prepared statement; count or -1. */
static int read_subs(db_stmt_t *st, nl_sub_t *subs, int max, int64_t *creators)
{
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < max) {
        subs[n].id = db_col_int(st, 0);
        snprintf(subs[n].address, sizeof subs[n].address, "%s", db_col_text(st, 1));
        int64_t last = db_col_int(st, 2), conf = db_col_int(st, 3);
        subs[n].start = last > conf ? last : conf;
        if (creators)
            creators[n] = db_col_int(st, 4);
        n++;
    }
    db_done(st);
    return rc == DB_ERROR ? -1 : n;
}

static int set_last_sent(db_t *db, int64_t id, int64_t t)
{
    db_stmt_t *st = db_prepare(db, "UPDATE email_subscriptions SET last_sent_at = :t WHERE id = :id");
    db_bind_int(st, ":t", t);
    db_bind_int(st, ":id", id);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

int newsletter_schedule(db_t *db, int64_t creator)
{
    /* Nobody to mail each work to (digests go by their own pass), or a job
     * pending already: nothing to schedule. */
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM email_subscriptions WHERE creator_id = :c AND status = 'confirmed' "
                                   "AND mode = 'new' AND NOT EXISTS (SELECT 1 FROM jobs WHERE kind = 'newsletter' "
                                   "AND ref = :c AND done_at IS NULL) LIMIT 1");
    db_bind_int(st, ":c", creator);
    int rc = db_step(st);
    db_done(st);
    if (rc == DB_ERROR)
        return -1;
    return rc == DB_ROW ? jobs_schedule(db, "newsletter", creator, clock_now()) : 0;
}

const char *newsletter_job(db_t *db, int64_t creator)
{
    static _Thread_local char result[96]; /* the loop and the sender thread both run jobs */
    char base[256], name[256];
    if (!offered(db, base))
        return "skipped: subscriptions are not offered (smtp_url or base_url unset)";
    if (creator_name(db, creator, name) < 0)
        return NULL;
    db_stmt_t *st = db_prepare(db, "SELECT max(published_at) FROM works WHERE author_id = :c AND status = 'published'");
    db_bind_int(st, ":c", creator);
    int rc = db_step(st);
    int64_t newest = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc == DB_ERROR)
        return NULL;
    if (!newest)
        return "skipped: nothing published";
    /* published_at counts whole seconds: a work published in this second
     * could still be followed by another in the same second, which a
     * last_sent_at of this second would skip. Mail up to the second before
     * (every work of it has committed: its publish held the write lock at
     * that time) and come back for the rest. */
    int64_t upto = now_s() - 1;
    int defer = newest > upto;
    if (defer)
        newest = upto;
    st = db_prepare(db, "SELECT id, address, last_sent_at, coalesce(confirmed_at, 0) FROM email_subscriptions "
                        "WHERE creator_id = :c AND status = 'confirmed' AND mode = 'new' AND last_sent_at < :n "
                        "AND coalesce(confirmed_at, 0) < :n ORDER BY id LIMIT :lim");
    db_bind_int(st, ":c", creator);
    db_bind_int(st, ":n", newest);
    db_bind_int(st, ":lim", NEWSLETTER_BATCH);
    nl_sub_t *subs = xcalloc(NEWSLETTER_BATCH, sizeof *subs);
    int n = read_subs(st, subs, NEWSLETTER_BATCH, NULL), mailed = 0;
    for (int i = 0; i < n; i++) {
        nl_work_t w[NEWSLETTER_WORKS_MAX];
        int k = works_between(db, creator, subs[i].start, newest, w);
        for (int j = 0; j < k && mailed >= 0; j++) {
            buf_t subject = BUF_INIT, body = BUF_INIT;
            buf_printf(&subject, "%s:%s", name, w[j].title); /* raw: mail text */
            buf_printf(&body,
                       "%s 发布了新作品《%s》:\n%s/a/%s\n\n%s published a new work, \"%s\":\n%s/a/%s\n\n"
                       "你收到这封邮件,是因为你订阅了 %s 的新作品。\n"
                       "You get this mail because you subscribed to %s's new works.\n",
                       name, w[j].title, base, w[j].id, name, w[j].title, base, w[j].id, name,
                       name); /* raw: mail text */
            if (queue(db, base, subs[i].id, subs[i].address, buf_cstr(&subject), &body) < 0)
                mailed = -1;
            else
                mailed++;
            buf_free(&subject);
            buf_free(&body);
        }
        if (k < 0 || mailed < 0 || set_last_sent(db, subs[i].id, newest) < 0) {
            free(subs);
            return NULL;
        }
    }
    free(subs);
    if (n < 0)
        return NULL;
    /* More subscribers than one batch: the rest in the next transaction;
     * works of this very second: in a second. */
    if ((n == NEWSLETTER_BATCH || defer) &&
        jobs_schedule(db, "newsletter", creator, clock_now() + (n == NEWSLETTER_BATCH ? 0 : 1)) < 0)
        return NULL;
    snprintf(result, sizeof result, "mailed %d to %d subscribers%s", mailed, n,
             n == NEWSLETTER_BATCH || defer ? "; more follow" : "");
    return result;
}

/* The newest NEWSLETTER_DIGEST_HOUR:00 China time at or before now. */
static int64_t digest_mark(int64_t now)
{
    int64_t day = (now + CLOCK_CHINA_OFFSET) % 86400;
    int64_t mark = now - day + NEWSLETTER_DIGEST_HOUR * 3600;
    return mark > now ? mark - 86400 : mark;
}

/* One batch of digests in one transaction: messages queued, -1 on error;
 * *more when a full batch was done. */
static int digest_batch(db_t *db, const char *base, int64_t mark, int *more)
{
    enum { BATCH = 100 };
    *more = 0;
    if (db_begin(db) < 0)
        return -1;
    db_stmt_t *st = db_prepare(db, "SELECT s.id, s.address, s.last_sent_at, coalesce(s.confirmed_at, 0), s.creator_id "
                                   "FROM email_subscriptions s WHERE s.status = 'confirmed' AND s.mode = 'digest' "
                                   "AND EXISTS (SELECT 1 FROM works w WHERE w.author_id = s.creator_id "
                                   "AND w.status = 'published' AND w.published_at > s.last_sent_at "
                                   "AND w.published_at > coalesce(s.confirmed_at, 0) AND w.published_at <= :m) "
                                   "ORDER BY s.id LIMIT :lim");
    db_bind_int(st, ":m", mark);
    db_bind_int(st, ":lim", BATCH);
    nl_sub_t subs[BATCH];
    int64_t creators[BATCH];
    int n = read_subs(st, subs, BATCH, creators), mailed = 0;
    for (int i = 0; i < n && mailed >= 0; i++) {
        char name[256];
        nl_work_t w[NEWSLETTER_WORKS_MAX];
        int k = creator_name(db, creators[i], name) < 0 ? -1 : works_between(db, creators[i], subs[i].start, mark, w);
        if (k <= 0) {
            mailed = k < 0 ? -1 : mailed;
            continue;
        }
        buf_t subject = BUF_INIT, body = BUF_INIT;
        buf_printf(&subject, "%s 的每日摘要 / Daily digest: %s", name, name); /* raw: mail text */
        buf_printf(&body, "%s 的新作品 / New works by %s:\n\n", name, name); /* raw: mail text */
        for (int j = 0; j < k; j++)
            buf_printf(&body, "《%s》\n%s/a/%s\n\n", w[j].title, base, w[j].id); /* raw: mail text */
        buf_printf(&body, "你收到这封邮件,是因为你订阅了 %s 的每日摘要。\n"
                          "You get this mail because you subscribed to a daily digest of %s's works.\n",
                   name, name); /* raw: mail text */
        if (queue(db, base, subs[i].id, subs[i].address, buf_cstr(&subject), &body) < 0 ||
            set_last_sent(db, subs[i].id, w[k - 1].published_at) < 0)
            mailed = -1;
        else
            mailed++;
        buf_free(&subject);
        buf_free(&body);
    }
    if (n < 0 || mailed < 0 || db_commit(db) < 0) {
        db_rollback(db);
        return -1;
    }
    *more = n == BATCH;
    return mailed;
}

int newsletter_digest(db_t *db, int64_t now)
{
    char base[256];
    if (!offered(db, base))
        return 0;
    /* Up to the second before this one at most (see newsletter_job). */
    int64_t mark = digest_mark(now), upto = now_s() - 1;
    if (mark > upto)
        mark = upto;
    int total = 0, more = 1;
    while (more) {
        int n = digest_batch(db, base, mark, &more);
        if (n < 0)
            break;
        total += n;
    }
    return total;
}

int newsletter_pump(db_t *db)
{
    static int64_t last_digest; /* the sender thread's only */
    int n = jobs_run_kind(db, "newsletter");
    int64_t t = now_s();
    if (t - last_digest >= NEWSLETTER_DIGEST_EVERY) {
        last_digest = t;
        n += newsletter_digest(db, clock_now());
    }
    return n;
}

/* ---- pages ---- */

void newsletter_author_form(hreq_t *r, buf_t *b, const char *handle, int role)
{
    char base[256];
    if (role < ROLE_CREATOR || !offered(r->db, base))
        return;
    lang_t L = r->lang;
    buf_lit(b, "<form class=\"subscribe\" method=\"get\" action=\"/u/");
    buf_url(b, handle, strlen(handle));
    buf_lit(b, "/subscribe\"><label for=\"sub-email\">");
    buf_htmlz(b, T(L, "newsletter.by_mail"));
    buf_lit(b, "</label> <input type=\"email\" id=\"sub-email\" name=\"email\" required placeholder=\"");
    buf_htmlz(b, T(L, "newsletter.address"));
    buf_lit(b, "\"> <select name=\"mode\" aria-label=\"");
    buf_htmlz(b, T(L, "newsletter.mode"));
    buf_lit(b, "\"><option value=\"new\">");
    buf_htmlz(b, T(L, "newsletter.mode_new"));
    buf_lit(b, "</option><option value=\"digest\">");
    buf_htmlz(b, T(L, "newsletter.mode_digest"));
    buf_lit(b, "</option></select> <button type=\"submit\">");
    buf_htmlz(b, T(L, "newsletter.subscribe"));
    buf_lit(b, "</button></form>\n");
}

void newsletter_studio_count(hreq_t *r, buf_t *b)
{
    int64_t n = subscribe_count(r->db, r->user.id);
    if (n < 0)
        return;
    buf_hprintf(b, "<p class=\"subscribers\" data-subscribers=\"%lld\">", (long long)n);
    buf_hprintf(b, T(r->lang, "newsletter.count"), (long long)n);
    buf_lit(b, "</p>\n");
}

/* The creator of the route's handle when subscriptions are offered: 1, or 0
 * after answering 404. */
static int creator_of_route(hreq_t *r, user_t *u)
{
    char base[256];
    const char *handle = rq_param(r, 0);
    if (!offered(r->db, base) || account_by_handle(r->db, handle, u) != 1 || u->role < ROLE_CREATOR) {
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return 0;
    }
    return 1;
}

static void form_page(hreq_t *r, const user_t *u, int status, const char *email, const char *mode, const char *msg,
                      int sent)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT, title = BUF_INIT;
    buf_printf(&title, T(L, "newsletter.title"), u->display_name); /* raw: text, escaped by page_section_begin */
    page_section_begin(r, &b, "subscribe", buf_cstr(&title));
    buf_free(&title);
    buf_lit(&b, "<p>");
    buf_htmlz(&b, T(L, "newsletter.intro"));
    buf_lit(&b, "</p>\n");
    fk_alert(&b, msg);
    if (sent) {
        fk_ok(&b, T(L, "newsletter.sent"));
    } else {
        buf_t action = BUF_INIT;
        buf_lit(&action, "/u/");
        buf_url(&action, u->handle, strlen(u->handle));
        buf_lit(&action, "/subscribe");
        fk_form_begin(r, &b, buf_cstr(&action));
        buf_free(&action);
        fk_input(&b, T(L, "newsletter.address"), "email", email, 1);
        const char *codes[] = {"new", "digest"};
        const char *labels[] = {T(L, "newsletter.mode_new"), T(L, "newsletter.mode_digest")};
        fk_select(&b, T(L, "newsletter.mode"), "mode", 2, codes, labels, mode && *mode ? mode : "new");
        fk_form_end(&b, T(L, "newsletter.subscribe"));
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

void newsletter_form_page(hreq_t *r)
{
    user_t u;
    if (!creator_of_route(r, &u))
        return;
    const char *sent = rq_query(r, "sent");
    form_page(r, &u, 200, rq_query(r, "email"), rq_query(r, "mode"), NULL, sent && strcmp(sent, "1") == 0);
}

/* Count one request against key in the throttle table's hour window:
 * 0 when within limit, else the seconds until the window ends; -1 on error. */
static int64_t flood(db_t *db, const char *key, int limit, int64_t now)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO throttle(key, failures, window_start) VALUES (:k, 1, :now) "
                                   "ON CONFLICT(key) DO UPDATE SET "
                                   "failures = CASE WHEN throttle.window_start > :since THEN throttle.failures + 1 "
                                   "ELSE 1 END, window_start = CASE WHEN throttle.window_start > :since "
                                   "THEN throttle.window_start ELSE :now END");
    db_bind_text(st, ":k", key);
    db_bind_int(st, ":now", now);
    db_bind_int(st, ":since", now - 3600);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    st = db_prepare(db, "SELECT failures, window_start FROM throttle WHERE key = :k");
    db_bind_text(st, ":k", key);
    int64_t wait = -1;
    if (db_step(st) == DB_ROW) {
        int64_t left = db_col_int(st, 1) + 3600 - now;
        wait = db_col_int(st, 0) > limit ? (left > 0 ? left : 1) : 0;
    }
    db_done(st);
    return wait;
}

/* The stored form of an address for the throttle key: trimmed, lower case. */
static void addr_key(buf_t *k, const char *email)
{
    const char *p = email;
    size_t n = strlen(p);
    text_trim(&p, &n);
    buf_lit(k, "sub:a:");
    for (size_t i = 0; i < n && i < 254; i++) {
        char c = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] + 32) : p[i];
        buf_raw(k, &c, 1); /* raw: a database key */
    }
}

void newsletter_form_post(hreq_t *r)
{
    user_t u;
    if (!creator_of_route(r, &u))
        return;
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *email = form_get(&f, "email"), *mode = form_get(&f, "mode");
    if (!email)
        email = "";
    int64_t now = now_s();
    buf_t pk = BUF_INIT, ak = BUF_INIT;
    buf_printf(&pk, "sub:p:%s", rq_peer(r)); /* raw: a database key */
    addr_key(&ak, email);
    int64_t wait = flood(r->db, buf_cstr(&pk), NL_PEER_HOUR, now);
    if (wait == 0 && mail_address_ok(buf_cstr(&ak) + 6))
        wait = flood(r->db, buf_cstr(&ak), NL_ADDR_HOUR, now);
    buf_free(&pk);
    buf_free(&ak);
    if (wait != 0) {
        if (wait > 0) {
            char v[24];
            snprintf(v, sizeof v, "%lld", (long long)wait);
            rs_header(r, "retry-after", v);
        }
        rs_error(r, wait > 0 ? 429 : 500, wait > 0 ? "rate_limited" : "internal",
                 T(r->lang, wait > 0 ? "newsletter.err.rate" : "err.internal"));
        return;
    }
    subscribe_t s;
    aud_err_t e;
    if (subscribe_request(r->db, u.handle, email, mode, now, &s, &e) < 0) {
        if (e.status == 422)
            form_page(r, &u, 422, email, mode, T(r->lang, e.key), 0);
        else
            rs_error(r, e.status, e.code, T(r->lang, e.key));
        return;
    }
    if (s.token[0]) {
        /* The confirmation: the only mail a pending address ever gets. */
        char base[256];
        offered(r->db, base);
        buf_t body = BUF_INIT;
        buf_printf(&body,
                   "有人(希望是你)用这个地址订阅了 %s 的%s。确认请打开:\n%s/subscribe/confirm/%s\n"
                   "如果不是你,忽略这封邮件即可,不会再收到任何邮件。链接 7 天内有效。\n\n"
                   "Someone (we hope you) subscribed this address to %s by e-mail (%s). To confirm, open:\n"
                   "%s/subscribe/confirm/%s\n"
                   "If it was not you, ignore this mail and you will get no other. The link works for 7 days.\n",
                   u.display_name, strcmp(s.mode, "digest") == 0 ? "每日摘要" : "新作品", base, s.token,
                   u.display_name, strcmp(s.mode, "digest") == 0 ? "a daily digest" : "each new work", base,
                   s.token); /* raw: mail text */
        int rc = queue(r->db, base, s.id, s.address, "请确认订阅 / Confirm your subscription", &body);
        buf_free(&body);
        if (rc < 0) {
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
            return;
        }
    }
    /* The same answer whatever the state: the form never tells who
     * subscribes to whom. */
    buf_t loc = BUF_INIT;
    buf_lit(&loc, "/u/");
    buf_url(&loc, u.handle, strlen(u.handle));
    buf_lit(&loc, "/subscribe?sent=1");
    rs_redirect(r, 303, buf_cstr(&loc));
    buf_free(&loc);
}

/* A short page with one message (and the creator's name). */
static void outcome(hreq_t *r, int status, const char *title_key, const char *msg, const char *action)
{
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "subscribe", T(r->lang, title_key));
    buf_lit(&b, "<p class=\"outcome\">");
    buf_htmlz(&b, msg);
    buf_lit(&b, "</p>\n");
    if (action) {
        /* The unsubscribe button: no CSRF token (the signed token in the
         * URL is the authority, RFC 8058), so nothing but the token. */
        buf_lit(&b, "<form method=\"post\" action=\"");
        buf_htmlz(&b, action);
        buf_lit(&b, "\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                    "<button type=\"submit\">");
        buf_htmlz(&b, T(r->lang, "newsletter.unsubscribe"));
        buf_lit(&b, "</button></form>\n");
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

void newsletter_confirm(hreq_t *r)
{
    subscribe_t s;
    aud_err_t e;
    if (subscribe_confirm(r->db, rq_param(r, 0), now_s(), &s, &e) < 0) {
        rs_error(r, e.status, e.code, T(r->lang, e.key));
        return;
    }
    buf_t msg = BUF_INIT;
    buf_printf(&msg, T(r->lang, strcmp(s.mode, "digest") == 0 ? "newsletter.confirmed_digest" : "newsletter.confirmed"),
               s.creator_handle); /* raw: text, escaped by outcome */
    outcome(r, 200, "newsletter.confirm_title", buf_cstr(&msg), NULL);
    buf_free(&msg);
}

/* 1 when tok has the shape of an unsubscribe token (digits '.' 64 hex). */
static int token_shape(const char *tok)
{
    const char *p = tok;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == tok || p - tok > 18 || *p != '.' || strlen(p + 1) != 64)
        return 0;
    for (p++; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

void newsletter_unsub_page(hreq_t *r)
{
    const char *tok = rq_param(r, 0);
    if (!token_shape(tok)) {
        rs_error(r, 400, "bad_token", T(r->lang, "subscribe.err.token"));
        return;
    }
    buf_t action = BUF_INIT;
    buf_lit(&action, "/unsubscribe/");
    buf_rawz(&action, tok); /* raw: checked to be digits, '.' and hex */
    outcome(r, 200, "newsletter.unsub_title", T(r->lang, "newsletter.unsub_ask"), buf_cstr(&action));
    buf_free(&action);
}

void newsletter_unsub_post(hreq_t *r)
{
    subscribe_t s;
    aud_err_t e;
    if (subscribe_unsubscribe(r->db, server_state.secret, rq_param(r, 0), now_s(), &s, &e) < 0) {
        rs_error(r, e.status, e.code, T(r->lang, e.key));
        return;
    }
    buf_t msg = BUF_INIT;
    buf_printf(&msg, T(r->lang, "newsletter.unsubscribed"), s.creator_handle); /* raw: text, escaped by outcome */
    outcome(r, 200, "newsletter.unsub_title", buf_cstr(&msg), NULL);
    buf_free(&msg);
}
