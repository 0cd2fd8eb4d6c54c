/*
 * test_audience.c — unit tests for the audience's domain layer
 * (src/site/audience/: comments, likes, follows and the timeline,
 * notifications, e-mail subscriptions; src/site/accounts/invite.c) on a
 * real, migrated database: every rule of comment.h's list, every bad input
 * refused with its status and with nothing written, the counters kept with
 * their rows, the comment text's normal form and HTML (escaping, links), and
 * the timeline's query plan over 100,000 works and 200 follows (checked by
 * EXPLAIN, not timed).
 *
 * SQLite by default. With HAO_TEST_PG set to a PostgreSQL URL without a
 * database name (scripts/pg-test-server.sh prints one), every test runs on
 * a fresh PostgreSQL database instead, and the timeline's plan is checked
 * with PostgreSQL's EXPLAIN.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "search/search.h"
#include "core/token.h"
#include "db/db.h"
#include "site/accounts/invite.h"
#include "site/audience/comment.h"
#include "site/audience/follow.h"
#include "site/audience/like.h"
#include "site/audience/notify.h"
#include "site/audience/subscribe.h"
#include "site/ops/settings.h"

#define T0 1750000000 /* a pinned "now" */

static const char *pg_url; /* HAO_TEST_PG */
static int pg_count;

typedef struct {
    char dir[64];
    char pgdb[64];
    db_t *db;
    int64_t creator, reader, reader2, mod, admin; /* accounts */
    char work[WORK_ID_LEN + 1];                   /* a published work by creator */
} fx_t;

/* ---- fixture helpers ---- */

static int64_t sql_int(db_t *db, const char *sql)
{
    db_stmt_t *st = db_prepare(db, sql);
    int64_t v = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return v;
}

static int pg_admin(const char *cmd)
{
    char url[512];
    snprintf(url, sizeof url, "%s/postgres", pg_url);
    PGconn *c = PQconnectdb(url);
    int ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, cmd);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "%s: %s", cmd, PQerrorMessage(c));
        PQclear(r);
    }
    PQfinish(c);
    return ok ? 0 : -1;
}

static int64_t add_user(db_t *db, const char *handle, const char *role)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO users(handle, display_name, role, pass_hash, created_at) "
                                   "VALUES (:h, :h, :r, 'x', 1) RETURNING id");
    db_bind_text(st, ":h", handle);
    db_bind_text(st, ":r", role);
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    assert_true(id > 0);
    return id;
}

static void add_work_at(db_t *db, int64_t author, const char *status, int64_t published_at, char id[WORK_ID_LEN + 1])
{
    static int seq;
    snprintf(id, WORK_ID_LEN + 1, "%016x", 0xa0000 + ++seq);
    db_stmt_t *st = db_prepare(db, "INSERT INTO works(id, author_id, title, body, status, content_hash, created_at, "
                                   "updated_at, published_at) VALUES (:id, :a, 't', 'b', :s, 'h', 1, 1, :p)");
    db_bind_text(st, ":id", id);
    db_bind_int(st, ":a", author);
    db_bind_text(st, ":s", status);
    if (published_at)
        db_bind_int(st, ":p", published_at);
    else
        db_bind_null(st, ":p");
    assert_int_equal(db_step(st), DB_DONE);
    db_done(st);
}

static void add_work(db_t *db, int64_t author, const char *status, char id[WORK_ID_LEN + 1])
{
    add_work_at(db, author, status, strcmp(status, "draft") == 0 ? 0 : 1000, id);
}

static void set(db_t *db, const char *key, const char *value)
{
    assert_int_equal(db_set_setting(db, key, value), 0);
}

static aud_actor_t as(int64_t user, int64_t now)
{
    aud_actor_t a = {user, "192.0.2.1", now};
    return a;
}

static void suspend(db_t *db, int64_t user)
{
    db_stmt_t *st = db_prepare(db, "UPDATE users SET status = 'suspended' WHERE id = :id");
    db_bind_int(st, ":id", user);
    assert_int_equal(db_step(st), DB_DONE);
    db_done(st);
}

static void set_work_status(db_t *db, const char *id, const char *status)
{
    db_stmt_t *st = db_prepare(db, "UPDATE works SET status = :s WHERE id = :id");
    db_bind_text(st, ":s", status);
    db_bind_text(st, ":id", id);
    assert_int_equal(db_step(st), DB_DONE);
    db_done(st);
}

/* Everything an audience write can change, as one line, to check that a
 * refusal changed nothing. */
static void snapshot(db_t *db, char out[512])
{
    db_stmt_t *st = db_prepare(
        db, "SELECT (SELECT count(*) FROM comments), (SELECT count(*) FROM notifications), "
            "(SELECT coalesce(sum(comments_count), 0) FROM works), (SELECT coalesce(sum(likes_count), 0) FROM works), "
            "(SELECT count(*) FROM work_likes), (SELECT count(*) FROM comment_likes), "
            "(SELECT coalesce(sum(likes), 0) FROM comments), (SELECT coalesce(sum(replies), 0) FROM comments), "
            "(SELECT count(*) FROM follows), (SELECT coalesce(sum(followers_count + following_count), 0) FROM users), "
            "(SELECT count(*) FROM comment_blocks), (SELECT count(*) FROM email_subscriptions), "
            "(SELECT count(*) FROM email_subscriptions WHERE status = 'confirmed'), "
            "(SELECT count(*) FROM comments WHERE status = 'published'), "
            "(SELECT coalesce(max(edited_at), 0) FROM comments), (SELECT count(*) FROM invites WHERE used_by IS NULL), "
            "(SELECT count(*) FROM works WHERE comments_mode = 'open'), "
            "(SELECT coalesce(sum(pinned_comment), 0) FROM works), (SELECT count(*) FROM audit_log)");
    assert_int_equal(db_step(st), DB_ROW);
    size_t o = 0;
    for (int i = 0; i < 19; i++)
        o += (size_t)snprintf(out + o, 512 - o, "%s,", db_col_text(st, i));
    db_done(st);
}

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/hao-unit-audience-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    if (pg_url) {
        snprintf(f->pgdb, sizeof f->pgdb, "hao_ua%d_%d", (int)getpid(), ++pg_count);
        char cmd[128], url[512];
        snprintf(cmd, sizeof cmd, "CREATE DATABASE %s", f->pgdb);
        snprintf(url, sizeof url, "%s/%s", pg_url, f->pgdb);
        if (pg_admin(cmd) < 0 || db_use_postgres(url) < 0) {
            rmdir(f->dir);
            free(f);
            return -1;
        }
    }
    buf_t err = BUF_INIT;
    if (db_open(f->dir, 1, &f->db, &err) < 0) {
        fprintf(stderr, "%s\n", buf_cstr(&err));
        buf_free(&err);
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", f->dir);
        free(f);
        return -1;
    }
    buf_free(&err);
    f->creator = add_user(f->db, "creator", "creator");
    f->reader = add_user(f->db, "reader", "reader");
    f->reader2 = add_user(f->db, "reader2", "reader");
    f->mod = add_user(f->db, "mod", "moderator");
    f->admin = add_user(f->db, "boss", "admin");
    add_work(f->db, f->creator, "published", f->work);
    /* Rate limits out of the way; test_rate_limits sets its own. */
    set(f->db, "comment_rate_minute", "1000");
    set(f->db, "comment_rate_hour", "10000");
    set(f->db, "comment_addr_rate_minute", "1000");
    set(f->db, "comment_addr_rate_hour", "10000");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    db_close(f->db);
    if (f->pgdb[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "DROP DATABASE %s", f->pgdb);
        pg_admin(cmd);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* Post body as user at now; assert success and return the comment's id. */
static int64_t post(fx_t *f, int64_t user, int64_t now, const char *work, const char *body, int64_t parent,
                    const char *want_status)
{
    aud_actor_t a = as(user, now);
    comment_t c;
    aud_err_t e = {0};
    if (comment_post(f->db, &a, work, body, strlen(body), parent, &c, &e) != 0)
        fail_msg("post \"%s\": refused %d %s", body, e.status, e.code);
    assert_string_equal(c.status, want_status);
    int64_t id = c.id;
    comment_free(&c);
    return id;
}

/* Post and expect a refusal with status and code, and nothing written. */
static void refused(fx_t *f, const aud_actor_t *a, const char *work, const char *body, size_t len, int64_t parent,
                    int status, const char *code)
{
    char before[512], after[512];
    snapshot(f->db, before);
    comment_t c;
    aud_err_t e = {0};
    if (comment_post(f->db, a, work, body, len, parent, &c, &e) != -1)
        fail_msg("accepted \"%.40s\" (wanted %d %s)", body, status, code);
    if (e.status != status || strcmp(e.code, code) != 0)
        fail_msg("\"%.40s\": %d %s, wanted %d %s", body, e.status, e.code, status, code);
    assert_non_null(e.key);
    snapshot(f->db, after);
    assert_string_equal(before, after);
}

static int64_t comments_count(fx_t *f, const char *work)
{
    db_stmt_t *st = db_prepare(f->db, "SELECT comments_count FROM works WHERE id = :w");
    db_bind_text(st, ":w", work);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return n;
}

static int64_t notes(fx_t *f, int64_t user, const char *kind)
{
    db_stmt_t *st = db_prepare(f->db, "SELECT count(*) FROM notifications WHERE recipient_id = :u AND kind = :k");
    db_bind_int(st, ":u", user);
    db_bind_text(st, ":k", kind);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return n;
}

static int64_t col_of(fx_t *f, const char *sql, int64_t id)
{
    db_stmt_t *st = db_prepare(f->db, sql);
    db_bind_int(st, ":id", id);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return n;
}

static void status_of(fx_t *f, int64_t id, char out[16])
{
    db_stmt_t *st = db_prepare(f->db, "SELECT status FROM comments WHERE id = :id");
    db_bind_int(st, ":id", id);
    snprintf(out, 16, "%s", db_step(st) == DB_ROW ? db_col_text(st, 0) : "?");
    db_done(st);
}

/* ---- comments: posting ---- */

static void test_post_and_counters(void **state)
{
    fx_t *f = *state;
    int64_t c1 = post(f, f->reader, T0, f->work, "  first!\r\n", 0, "published");
    comment_t c;
    assert_int_equal(comment_get(f->db, 0, c1, &c), 1);
    assert_string_equal(c.body, "first!"); /* normalised */
    assert_string_equal(c.author_handle, "reader");
    assert_string_equal(c.work_id, f->work);
    assert_int_equal(c.parent_id, 0);
    assert_int_equal(c.created_at, T0);
    assert_int_equal(c.edited_at, 0);
    comment_free(&c);
    assert_int_equal(comments_count(f, f->work), 1);
    assert_int_equal(notes(f, f->creator, "comment"), 1);

    /* A reply, then a reply to the reply: same thread, names whom it answers. */
    int64_t r1 = post(f, f->reader2, T0 + 1, f->work, "reply", c1, "published");
    int64_t r2 = post(f, f->reader, T0 + 2, f->work, "reply to the reply", r1, "published");
    assert_int_equal(comment_get(f->db, 0, r2, &c), 1);
    assert_int_equal(c.parent_id, c1);
    assert_int_equal(c.reply_to, f->reader2);
    assert_string_equal(c.reply_to_handle, "reader2");
    comment_free(&c);
    assert_int_equal(col_of(f, "SELECT replies FROM comments WHERE id = :id", c1), 2);
    assert_int_equal(comments_count(f, f->work), 3);
    assert_int_equal(notes(f, f->reader, "reply"), 1);  /* r1 answered reader */
    assert_int_equal(notes(f, f->reader2, "reply"), 1); /* r2 answered reader2 */
    assert_int_equal(notes(f, f->creator, "comment"), 3);

    /* The creator answering a reader: the reader is told, the creator not. */
    int64_t thanks = post(f, f->creator, T0 + 3, f->work, "thanks", c1, "published");
    assert_int_equal(notes(f, f->reader, "reply"), 2);
    assert_int_equal(notes(f, f->creator, "comment"), 3);
    assert_int_equal(notes(f, f->creator, "reply"), 0);
    /* Answering the creator: one notification (a reply), not two. */
    post(f, f->reader2, T0 + 4, f->work, "you're welcome", thanks, "published");
    assert_int_equal(notes(f, f->creator, "reply"), 1);
    assert_int_equal(notes(f, f->creator, "comment"), 3);
}

static void test_post_who_and_where(void **state)
{
    fx_t *f = *state;
    aud_actor_t anon = as(0, T0), ghost = as(99999, T0), r = as(f->reader, T0);
    refused(f, &anon, f->work, "hi", 2, 0, 401, "login_required");
    refused(f, &ghost, f->work, "hi", 2, 0, 401, "login_required");
    char draft[17], deleted[17], gone[17];
    add_work(f->db, f->creator, "draft", draft);
    add_work(f->db, f->creator, "deleted", deleted);
    add_work(f->db, f->creator, "taken_down", gone);
    refused(f, &r, draft, "hi", 2, 0, 404, "not_found");
    refused(f, &r, deleted, "hi", 2, 0, 404, "not_found");
    refused(f, &r, "0000000000000000", "hi", 2, 0, 404, "not_found");
    refused(f, &r, "short", "hi", 2, 0, 404, "not_found");
    refused(f, &r, NULL, "hi", 2, 0, 404, "not_found");
    refused(f, &r, gone, "hi", 2, 0, 451, "gone");
    /* The work comes before the text: a bad comment on a draft is a 404. */
    refused(f, &r, draft, "", 0, 0, 404, "not_found");

    set(f->db, "comments", "off");
    refused(f, &r, f->work, "hi", 2, 0, 403, "comments_off");
    set(f->db, "comments", "open");

    aud_err_t e = {0};
    assert_int_equal(comment_set_mode(f->db, &r, f->work, "closed", &e), -1); /* not the creator */
    assert_int_equal(e.status, 403);
    aud_actor_t cr = as(f->creator, T0);
    assert_int_equal(comment_set_mode(f->db, &cr, f->work, "closed", &e), 0);
    refused(f, &r, f->work, "hi", 2, 0, 403, "closed");
    assert_int_equal(comment_set_mode(f->db, &cr, f->work, "open", &e), 0);

    assert_int_equal(comment_block(f->db, &cr, "READER", 1, &e), 0);
    assert_int_equal(comment_block(f->db, &cr, "reader", 1, &e), 0); /* idempotent */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM comment_blocks"), 1);
    refused(f, &r, f->work, "hi", 2, 0, 403, "blocked");
    post(f, f->reader2, T0, f->work, "not blocked", 0, "published");
    assert_int_equal(comment_block(f->db, &cr, "reader", 0, &e), 0);
    post(f, f->reader, T0, f->work, "unblocked", 0, "published");

    suspend(f->db, f->reader);
    refused(f, &r, f->work, "hi", 2, 0, 403, "suspended");
}

static void test_post_bad_text(void **state)
{
    fx_t *f = *state;
    aud_actor_t r = as(f->reader, T0);
    char long_text[2001 * 3 + 1];
    for (int i = 0; i < 2001; i++)
        memcpy(long_text + 3 * i, "评", 3);
    long_text[2001 * 3] = 0;
    refused(f, &r, f->work, "", 0, 0, 422, "empty");
    refused(f, &r, f->work, " \r\n\t ", 5, 0, 422, "empty");
    refused(f, &r, f->work, NULL, 0, 0, 422, "empty");
    refused(f, &r, f->work, long_text, strlen(long_text), 0, 422, "too_long");
    refused(f, &r, f->work, "bad \xff", 5, 0, 422, "invalid");
    refused(f, &r, f->work, "nul\0inside", 10, 0, 422, "invalid");
    refused(f, &r, f->work, "ctl \x01", 5, 0, 422, "invalid");
    refused(f, &r, f->work, "c1 \xc2\x80", 5, 0, 422, "invalid");
    /* HTML is text: stored as typed, shown escaped. */
    int64_t id = post(f, f->reader, T0, f->work, "<b>bold</b><script>x()</script>", 0, "published");
    comment_t c;
    assert_int_equal(comment_get(f->db, 0, id, &c), 1);
    assert_string_equal(c.body, "<b>bold</b><script>x()</script>");
    buf_t html = BUF_INIT;
    comment_text_html(c.body, strlen(c.body), &html);
    assert_null(strstr(buf_cstr(&html), "<b>"));
    assert_non_null(strstr(buf_cstr(&html), "&lt;script&gt;"));
    buf_free(&html);
    comment_free(&c);
}

static void test_post_parent_rules(void **state)
{
    fx_t *f = *state;
    aud_actor_t r = as(f->reader, T0);
    char other[17];
    add_work(f->db, f->creator, "published", other);
    int64_t elsewhere = post(f, f->reader2, T0, other, "on the other work", 0, "published");
    int64_t root = post(f, f->reader2, T0, f->work, "root", 0, "published");
    refused(f, &r, f->work, "reply", 5, elsewhere, 422, "parent_elsewhere");
    refused(f, &r, f->work, "reply", 5, 987654, 422, "bad_parent");
    refused(f, &r, f->work, "reply", 5, -1, 422, "bad_parent");
    aud_actor_t r2 = as(f->reader2, T0);
    aud_err_t e = {0};
    assert_int_equal(comment_delete(f->db, &r2, root, &e), 0);
    refused(f, &r, f->work, "reply", 5, root, 422, "bad_parent"); /* deleted */
    set(f->db, "comments", "review");
    int64_t held = post(f, f->reader2, T0 + 10, f->work, "held root", 0, "pending");
    set(f->db, "comments", "open");
    refused(f, &r, f->work, "reply", 5, held, 422, "bad_parent"); /* pending */
}

static void test_rate_limits(void **state)
{
    fx_t *f = *state;
    set(f->db, "comment_rate_minute", "2");
    set(f->db, "comment_rate_hour", "3");
    post(f, f->reader, T0, f->work, "one", 0, "published");
    post(f, f->reader, T0 + 1, f->work, "two", 0, "published");
    aud_actor_t r = as(f->reader, T0 + 2);
    char before[512], after[512];
    snapshot(f->db, before);
    comment_t c;
    aud_err_t e = {0};
    assert_int_equal(comment_post(f->db, &r, f->work, "three", 5, 0, &c, &e), -1);
    assert_int_equal(e.status, 429);
    assert_int_equal(e.retry_after, 60);
    snapshot(f->db, after);
    assert_string_equal(before, after);
    post(f, f->reader, T0 + 61, f->work, "three", 0, "published"); /* a minute later */
    r.now = T0 + 200;
    assert_int_equal(comment_post(f->db, &r, f->work, "four", 4, 0, &c, &e), -1);
    assert_int_equal(e.status, 429);
    assert_int_equal(e.retry_after, 3600);
    post(f, f->reader, T0 + 3601, f->work, "four", 0, "published"); /* an hour on */
    /* Moderators are not limited. */
    for (int i = 0; i < 4; i++) {
        char text[16];
        snprintf(text, sizeof text, "mod %d", i);
        post(f, f->mod, T0, f->work, text, 0, "published");
    }

    /* Per address: other accounts from the same address share a limit. */
    set(f->db, "comment_addr_rate_minute", "2");
    int64_t a = add_user(f->db, "a1", "reader"), b = add_user(f->db, "a2", "reader");
    int64_t t = T0 + 10000;
    post(f, a, t, f->work, "from the address", 0, "published");
    post(f, b, t, f->work, "from the address too", 0, "published");
    aud_actor_t third = as(f->reader2, t);
    refused(f, &third, f->work, "a third", 7, 0, 429, "rate_limited");
    third.peer = "198.51.100.7"; /* elsewhere: fine */
    assert_int_equal(comment_post(f->db, &third, f->work, "a third", 7, 0, &c, &e), 0);
    comment_free(&c);
}

static void test_repeated_text(void **state)
{
    fx_t *f = *state;
    char other[17];
    add_work(f->db, f->creator, "published", other);
    post(f, f->reader, T0, f->work, "same words", 0, "published");
    aud_actor_t r = as(f->reader, T0 + 100);
    refused(f, &r, f->work, "same words", 10, 0, 409, "duplicate");
    refused(f, &r, other, " same words\r\n", 13, 0, 409, "duplicate");    /* anywhere, after normalising */
    post(f, f->reader2, T0 + 100, f->work, "same words", 0, "published"); /* another account may */
    post(f, f->reader, T0 + 100, f->work, "different", 0, "published");
    post(f, f->reader, T0 + 200, f->work, "same words", 0, "published"); /* not in a row */
}

static void test_hold_rules(void **state)
{
    fx_t *f = *state;
    aud_err_t e = {0};
    /* review: everyone's held but the creator's and moderators'. */
    set(f->db, "comments", "review");
    int64_t h = post(f, f->reader, T0, f->work, "please approve", 0, "pending");
    assert_int_equal(comments_count(f, f->work), 0);
    assert_int_equal(notes(f, f->creator, "comment"), 0);
    comment_t c;
    assert_int_equal(comment_get(f->db, f->reader, h, &c), 1);
    assert_string_equal(c.held, "review");
    assert_string_equal(c.body, "please approve"); /* its author sees it */
    comment_free(&c);
    assert_int_equal(comment_get(f->db, f->reader2, h, &c), 1);
    assert_string_equal(c.body, ""); /* others do not */
    comment_free(&c);
    post(f, f->creator, T0, f->work, "creator's own", 0, "published");
    post(f, f->mod, T0, f->work, "moderator's", 0, "published");

    aud_actor_t rd = as(f->reader, T0), md = as(f->mod, T0);
    assert_int_equal(comment_approve(f->db, &rd, h, &e), -1);
    assert_int_equal(e.status, 403);
    int64_t audit0 = sql_int(f->db, "SELECT count(*) FROM audit_log");
    assert_int_equal(comment_approve(f->db, &md, h, &e), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit_log"), audit0 + 1);
    char st[16];
    status_of(f, h, st);
    assert_string_equal(st, "published");
    assert_int_equal(comments_count(f, f->work), 3);
    assert_int_equal(notes(f, f->creator, "comment"), 2); /* the reader's and the moderator's */
    assert_int_equal(comment_approve(f->db, &md, h, &e), -1);
    assert_int_equal(e.status, 409);
    set(f->db, "comments", "open");

    /* The first N comments of an account wait until N are approved. */
    set(f->db, "comment_hold_first", "2");
    int64_t n1 = post(f, f->reader2, T0, f->work, "new here 1", 0, "pending");
    assert_int_equal(comment_get(f->db, f->reader2, n1, &c), 1);
    assert_string_equal(c.held, "new_account");
    comment_free(&c);
    int64_t n2 = post(f, f->reader2, T0 + 1, f->work, "new here 2", 0, "pending");
    assert_int_equal(comment_approve(f->db, &md, n1, &e), 0);
    post(f, f->reader2, T0 + 2, f->work, "new here 3", 0, "pending"); /* one approved of two */
    assert_int_equal(comment_approve(f->db, &md, n2, &e), 0);
    post(f, f->reader2, T0 + 3, f->work, "new here 4", 0, "published");
    post(f, f->reader, T0 + 3, f->work, "an old hand (one approved) is held too", 0, "pending");
    set(f->db, "comment_hold_first", "0");

    /* Keywords: comma, full-width comma or line separated, ASCII any case. */
    set(f->db, "comment_keywords", " Casino ,广告,\nfree money\n");
    int64_t k = post(f, f->reader, T0 + 5, f->work, "Best CASINO here", 0, "pending");
    assert_int_equal(comment_get(f->db, f->reader, k, &c), 1);
    assert_string_equal(c.held, "keyword");
    comment_free(&c);
    post(f, f->reader, T0 + 6, f->work, "看广告", 0, "pending");
    post(f, f->reader, T0 + 7, f->work, "FREE MONEY!", 0, "pending");
    post(f, f->reader, T0 + 8, f->work, "free, money", 0, "published");
    post(f, f->reader, T0 + 9, f->work, "cas ino", 0, "published");
    post(f, f->creator, T0 + 9, f->work, "my own casino", 0, "published");
}

/* ---- comments: changing them ---- */

static void test_edit(void **state)
{
    fx_t *f = *state;
    int64_t id = post(f, f->reader, T0, f->work, "tyop", 0, "published");
    aud_actor_t r = as(f->reader, T0 + 50), o = as(f->reader2, T0 + 50);
    comment_t c;
    aud_err_t e = {0};
    assert_int_equal(comment_edit(f->db, &r, id, "tyop", 4, &c, &e), 0); /* same text: nothing */
    assert_int_equal(c.edited_at, 0);
    comment_free(&c);
    assert_int_equal(comment_edit(f->db, &r, id, "typo", 4, &c, &e), 0);
    assert_string_equal(c.body, "typo");
    assert_int_equal(c.edited_at, T0 + 50);
    comment_free(&c);

    char before[512], after[512];
    snapshot(f->db, before);
    static const struct {
        int64_t user, id;
        const char *body;
        int status;
    } bad[] = {
        {0, 0, "x", 401}, {0, 0, "", 422}, {0, 0, "a\x01", 422}, {0, 424242, "x", 404}, {1, 0, "x", 403},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        aud_actor_t *who = bad[i].user ? &o : &r;
        aud_actor_t anon = as(0, T0);
        if (bad[i].status == 401)
            who = &anon;
        memset(&e, 0, sizeof e);
        assert_int_equal(comment_edit(f->db, who, bad[i].id ? bad[i].id : id, bad[i].body, strlen(bad[i].body), &c, &e),
                         -1);
        if (e.status != bad[i].status)
            fail_msg("edit case %zu: %d, wanted %d", i, e.status, bad[i].status);
    }
    snapshot(f->db, after);
    assert_string_equal(before, after);

    /* A keyword added by an edit sends the comment back for review. */
    set(f->db, "comment_keywords", "spam");
    assert_int_equal(comments_count(f, f->work), 1);
    assert_int_equal(comment_edit(f->db, &r, id, "now with spam", 13, &c, &e), 0);
    assert_string_equal(c.status, "pending");
    comment_free(&c);
    assert_int_equal(comments_count(f, f->work), 0);

    /* Closed comments: no edits either. */
    aud_actor_t cr = as(f->creator, T0);
    assert_int_equal(comment_set_mode(f->db, &cr, f->work, "closed", &e), 0);
    assert_int_equal(comment_edit(f->db, &r, id, "again", 5, &c, &e), -1);
    assert_int_equal(e.status, 403);
}

static void test_delete_and_remove(void **state)
{
    fx_t *f = *state;
    int64_t root = post(f, f->reader, T0, f->work, "root", 0, "published");
    int64_t rep = post(f, f->reader2, T0, f->work, "reply", root, "published");
    aud_actor_t r = as(f->reader, T0), r2 = as(f->reader2, T0), cr = as(f->creator, T0), md = as(f->mod, T0);
    aud_err_t e = {0};
    char st[16], before[512], after[512];

    snapshot(f->db, before);
    assert_int_equal(comment_delete(f->db, &r2, root, &e), -1);
    assert_int_equal(e.status, 403);
    assert_int_equal(comment_delete(f->db, &r, 777777, &e), -1);
    assert_int_equal(e.status, 404);
    aud_actor_t anon = as(0, T0);
    assert_int_equal(comment_delete(f->db, &anon, root, &e), -1);
    assert_int_equal(e.status, 401);
    snapshot(f->db, after);
    assert_string_equal(before, after);

    assert_int_equal(comment_delete(f->db, &r2, rep, &e), 0);
    status_of(f, rep, st);
    assert_string_equal(st, "deleted");
    assert_int_equal(col_of(f, "SELECT replies FROM comments WHERE id = :id", root), 0);
    assert_int_equal(comments_count(f, f->work), 1);
    assert_int_equal(comment_delete(f->db, &r2, rep, &e), -1); /* twice */
    assert_int_equal(e.status, 404);

    /* Removal: the creator of the work, or a moderator with a reason. */
    snapshot(f->db, before);
    assert_int_equal(comment_remove(f->db, &r2, root, "no", &e), -1);
    assert_int_equal(e.status, 403);
    assert_int_equal(comment_remove(f->db, &md, root, "  ", &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(comment_remove(f->db, &cr, root, "bad\x01reason", &e), -1);
    assert_int_equal(e.status, 422);
    snapshot(f->db, after);
    assert_string_equal(before, after);
    int64_t audit0 = sql_int(f->db, "SELECT count(*) FROM audit_log");
    assert_int_equal(comment_remove(f->db, &cr, root, "", &e), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit_log"), audit0); /* the creator's own space */
    comment_t c;
    assert_int_equal(comment_get(f->db, 0, root, &c), 1);
    assert_string_equal(c.status, "removed");
    assert_string_equal(c.removed_by, "creator");
    assert_string_equal(c.body, ""); /* a placeholder for readers */
    comment_free(&c);
    assert_int_equal(comment_get(f->db, f->reader, root, &c), 1);
    assert_string_equal(c.body, "root"); /* its author still sees what was removed */
    comment_free(&c);
    assert_int_equal(notes(f, f->reader, "moderation"), 1);
    assert_int_equal(comments_count(f, f->work), 0);
    assert_int_equal(comment_remove(f->db, &cr, root, "", &e), -1);
    assert_int_equal(e.status, 409);
    assert_int_equal(comment_delete(f->db, &r, root, &e), -1); /* removed: kept as it is */
    assert_int_equal(e.status, 409);
    assert_int_equal(comment_edit(f->db, &r, root, "sneaky", 6, &c, &e), -1);
    assert_int_equal(e.status, 409);

    /* A moderator on someone else's work: reason required, audited. */
    int64_t other = post(f, f->reader2, T0 + 5, f->work, "rude", 0, "published");
    assert_int_equal(comment_remove(f->db, &md, other, "Insults (rule 3)", &e), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit_log WHERE action = 'comment.remove'"), 1);
    assert_int_equal(comment_get(f->db, 0, other, &c), 1);
    assert_string_equal(c.removed_by, "moderator");
    assert_string_equal(c.reason, "Insults (rule 3)");
    comment_free(&c);
    db_stmt_t *q = db_prepare(f->db, "SELECT detail, actor_id FROM notifications WHERE recipient_id = :u "
                                     "AND kind = 'moderation'");
    db_bind_int(q, ":u", f->reader2);
    assert_int_equal(db_step(q), DB_ROW);
    assert_string_equal(db_col_text(q, 0), "Insults (rule 3)");
    assert_true(db_col_is_null(q, 1)); /* the platform */
    db_done(q);
}

static void test_pin(void **state)
{
    fx_t *f = *state;
    int64_t a = post(f, f->reader, T0, f->work, "pin me", 0, "published");
    int64_t rep = post(f, f->reader2, T0, f->work, "a reply", a, "published");
    char other[17];
    add_work(f->db, f->creator, "published", other);
    int64_t elsewhere = post(f, f->reader2, T0 + 1, other, "elsewhere", 0, "published");
    aud_actor_t cr = as(f->creator, T0), r = as(f->reader, T0);
    aud_err_t e = {0};
    const char *pin_sql = "SELECT coalesce(pinned_comment, 0) FROM works WHERE id = :id";
    assert_int_equal(comment_pin(f->db, &r, f->work, a, &e), -1);
    assert_int_equal(e.status, 403);
    assert_int_equal(comment_pin(f->db, &cr, f->work, rep, &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(comment_pin(f->db, &cr, f->work, elsewhere, &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(comment_pin(f->db, &cr, f->work, 5555, &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM works WHERE pinned_comment IS NOT NULL"), 0);
    assert_int_equal(comment_pin(f->db, &cr, f->work, a, &e), 0);
    db_stmt_t *st = db_prepare(f->db, pin_sql);
    db_bind_text(st, ":id", f->work);
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_col_int(st, 0), a);
    db_done(st);
    /* Listed apart on the first page, not among the others. */
    int64_t b = post(f, f->reader2, T0 + 2, f->work, "later", 0, "published");
    comment_query_t q = {f->work, "new", NULL, 20};
    comment_page_t p;
    assert_int_equal(comment_list(f->db, 0, &q, &p, &e), 0);
    assert_int_equal(p.pinned.id, a);
    assert_true(p.pinned.pinned);
    assert_int_equal(p.pinned.nshown, 1);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.items[0].id, b);
    comment_page_free(&p);
    /* Deleting the pinned comment unpins it; 0 unpins too. */
    assert_int_equal(comment_delete(f->db, &r, a, &e), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM works WHERE pinned_comment IS NOT NULL"), 0);
    assert_int_equal(comment_pin(f->db, &cr, f->work, b, &e), 0);
    assert_int_equal(comment_pin(f->db, &cr, f->work, 0, &e), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM works WHERE pinned_comment IS NOT NULL"), 0);
}

static void test_modes_and_blocks(void **state)
{
    fx_t *f = *state;
    aud_actor_t cr = as(f->creator, T0), md = as(f->mod, T0);
    aud_err_t e = {0};
    char draft[17], deleted[17], before[512], after[512];
    add_work(f->db, f->creator, "draft", draft);
    add_work(f->db, f->creator, "deleted", deleted);
    snapshot(f->db, before);
    assert_int_equal(comment_set_mode(f->db, &cr, f->work, "maybe", &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(comment_set_mode(f->db, &cr, f->work, NULL, &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(comment_set_mode(f->db, &cr, deleted, "closed", &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(comment_set_mode(f->db, &cr, "nope", "closed", &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(comment_block(f->db, &cr, "creator", 1, &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(comment_block(f->db, &cr, "nobody", 1, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(comment_block(f->db, &cr, "", 1, &e), -1);
    assert_int_equal(e.status, 404);
    snapshot(f->db, after);
    assert_string_equal(before, after);
    assert_int_equal(comment_set_mode(f->db, &cr, draft, "closed", &e), 0); /* before publishing */
    assert_int_equal(comment_set_mode(f->db, &md, f->work, "closed", &e), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM works WHERE comments_mode = 'closed'"), 2);
    assert_int_equal(comment_blocked(f->db, f->creator, f->reader), 0);
    assert_int_equal(comment_block(f->db, &cr, "reader", 1, &e), 0);
    assert_int_equal(comment_blocked(f->db, f->creator, f->reader), 1);
    assert_int_equal(comment_blocked(f->db, f->reader, f->creator), 0);
}

/* ---- comments: lists ---- */

static void test_list_new_and_paging(void **state)
{
    fx_t *f = *state;
    int64_t ids[7];
    for (int i = 0; i < 7; i++) {
        char text[16];
        snprintf(text, sizeof text, "c%d", i);
        ids[i] = post(f, i % 2 ? f->reader : f->reader2, T0 + i, f->work, text, 0, "published");
    }
    comment_query_t q = {f->work, NULL, NULL, 3};
    comment_page_t p;
    aud_err_t e = {0};
    int64_t seen[7];
    int n = 0;
    char cursor[48] = "";
    for (int page = 0; page < 4; page++) {
        q.before = cursor;
        assert_int_equal(comment_list(f->db, 0, &q, &p, &e), 0);
        for (int i = 0; i < p.n; i++)
            seen[n++] = p.items[i].id;
        snprintf(cursor, sizeof cursor, "%s", p.next);
        int last = !p.next[0];
        comment_page_free(&p);
        if (last)
            break;
    }
    assert_int_equal(n, 7);
    for (int i = 0; i < 7; i++)
        assert_int_equal(seen[i], ids[6 - i]); /* newest first, none twice */

    static const struct {
        const char *sort, *before;
    } bad[] = {{"old", NULL},  {"hot", "12"}, {"new", "3.4"},
               {"new", "abc"}, {"new", "-1"}, {"new", "1234567890123456789"},
               {"hot", "1."},  {"hot", ".1"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        comment_query_t b = {f->work, bad[i].sort, bad[i].before, 10};
        memset(&e, 0, sizeof e);
        if (comment_list(f->db, 0, &b, &p, &e) != -1 || e.status != 422)
            fail_msg("list sort=%s before=%s: not refused", bad[i].sort, bad[i].before);
    }
    char gone[17];
    add_work(f->db, f->creator, "taken_down", gone);
    comment_query_t g = {gone, NULL, NULL, 10};
    assert_int_equal(comment_list(f->db, 0, &g, &p, &e), -1);
    assert_int_equal(e.status, 451);
    /* A work taken down takes its comments with it, and gives them back. */
    set_work_status(f->db, f->work, "taken_down");
    q.before = NULL;
    assert_int_equal(comment_list(f->db, 0, &q, &p, &e), -1);
    assert_int_equal(e.status, 451);
    set_work_status(f->db, f->work, "published");
    assert_int_equal(comment_list(f->db, 0, &q, &p, &e), 0);
    assert_int_equal(p.n, 3);
    comment_page_free(&p);
}

static void test_list_hot_threads_and_placeholders(void **state)
{
    fx_t *f = *state;
    int64_t a = post(f, f->reader, T0, f->work, "a", 0, "published");
    int64_t b = post(f, f->reader, T0 + 1, f->work, "b", 0, "published");
    int64_t c = post(f, f->reader2, T0 + 2, f->work, "c", 0, "published");
    int64_t likes;
    aud_err_t e = {0};
    aud_actor_t r2 = as(f->reader2, T0), cr = as(f->creator, T0), r = as(f->reader, T0);
    assert_int_equal(like_comment(f->db, &r2, a, 1, &likes, &e), 0);
    assert_int_equal(like_comment(f->db, &cr, a, 1, &likes, &e), 0);
    assert_int_equal(like_comment(f->db, &cr, b, 1, &likes, &e), 0);
    /* hot: a (2), b (1), c (0); paged by "likes.id". */
    comment_query_t q = {f->work, "hot", NULL, 2};
    comment_page_t p;
    assert_int_equal(comment_list(f->db, f->creator, &q, &p, &e), 0);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.items[0].id, a);
    assert_int_equal(p.items[1].id, b);
    assert_true(p.items[0].liked && p.items[1].liked);
    char next[48];
    snprintf(next, sizeof next, "%s", p.next);
    char want[48];
    snprintf(want, sizeof want, "1.%lld", (long long)b);
    assert_string_equal(next, want);
    comment_page_free(&p);
    q.before = next;
    assert_int_equal(comment_list(f->db, f->creator, &q, &p, &e), 0);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.items[0].id, c);
    assert_false(p.items[0].liked);
    assert_string_equal(p.next, "");
    comment_page_free(&p);

    /* Threads: the first replies under each root, the rest by comment_replies. */
    int64_t rep[5];
    for (int i = 0; i < 5; i++) {
        char text[16];
        snprintf(text, sizeof text, "r%d", i);
        rep[i] = post(f, i % 2 ? f->reader : f->reader2, T0 + 10 + i, f->work, text, c, "published");
    }
    comment_query_t nq = {f->work, "new", NULL, 10};
    assert_int_equal(comment_list(f->db, 0, &nq, &p, &e), 0);
    assert_int_equal(p.items[0].id, c);
    assert_int_equal(p.items[0].replies, 5);
    assert_int_equal(p.items[0].nshown, COMMENT_REPLIES_SHOWN);
    assert_int_equal(p.items[0].shown[0].id, rep[0]); /* oldest first */
    assert_int_equal(p.items[0].shown[2].id, rep[2]);
    assert_int_equal(p.items[1].nshown, 0);
    comment_page_free(&p);
    char after[24];
    snprintf(after, sizeof after, "%lld", (long long)rep[2]);
    assert_int_equal(comment_replies(f->db, 0, c, after, 10, &p, &e), 0);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.items[0].id, rep[3]);
    assert_int_equal(p.items[1].id, rep[4]);
    comment_page_free(&p);
    assert_int_equal(comment_replies(f->db, 0, rep[0], NULL, 10, &p, &e), -1); /* not a root */
    assert_int_equal(e.status, 404);
    assert_int_equal(comment_replies(f->db, 0, c, "x", 10, &p, &e), -1);
    assert_int_equal(e.status, 422);

    /* Placeholders: a removed comment shows without its text; a deleted
     * root stays while it holds replies; a deleted reply goes. Held
     * comments show to their author only. */
    assert_int_equal(comment_remove(f->db, &cr, a, "off topic", &e), 0);
    aud_actor_t r2b = as(f->reader2, T0 + 100);
    assert_int_equal(comment_delete(f->db, &r2b, c, &e), 0);
    assert_int_equal(comment_delete(f->db, &r2b, rep[0], &e), 0);
    assert_int_equal(comment_delete(f->db, &r, b, &e), 0);
    set(f->db, "comments", "review");
    int64_t held = post(f, f->reader, T0 + 200, f->work, "held", 0, "pending");
    assert_int_equal(comment_list(f->db, 0, &nq, &p, &e), 0);
    /* c (deleted, 4 replies left), a (removed); b deleted without replies is gone; held hidden */
    assert_int_equal(p.n, 2);
    assert_int_equal(p.items[0].id, c);
    assert_string_equal(p.items[0].status, "deleted");
    assert_string_equal(p.items[0].body, "");
    assert_string_equal(p.items[0].author_handle, ""); /* nor who wrote it */
    assert_int_equal(p.items[0].author_id, 0);
    assert_int_equal(p.items[0].nshown, 3);
    assert_int_equal(p.items[0].shown[0].id, rep[1]);
    assert_int_equal(p.items[1].id, a);
    assert_string_equal(p.items[1].status, "removed");
    assert_string_equal(p.items[1].body, "");
    assert_string_equal(p.items[1].reason, "off topic");
    comment_page_free(&p);
    assert_int_equal(comment_list(f->db, f->reader, &nq, &p, &e), 0);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.items[0].id, held);
    assert_string_equal(p.items[0].body, "held");
    comment_page_free(&p);

    /* The moderators' queue. */
    aud_actor_t md = as(f->mod, T0);
    assert_int_equal(comment_pending(f->db, &r, NULL, 10, &p, &e), -1);
    assert_int_equal(e.status, 403);
    assert_int_equal(comment_pending(f->db, &md, NULL, 10, &p, &e), 0);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.items[0].id, held);
    assert_string_equal(p.items[0].body, "held");
    comment_page_free(&p);
}

/* ---- comments: trust and safety hooks ---- */

static void test_takedown_restore_purge(void **state)
{
    fx_t *f = *state;
    int64_t a = post(f, f->reader, T0, f->work, "infringing text", 0, "published");
    int64_t b = post(f, f->reader2, T0 + 1, f->work, "fine text", 0, "published");
    aud_actor_t r2 = as(f->reader2, T0 + 2);
    aud_err_t e = {0};
    assert_int_equal(comment_delete(f->db, &r2, b, &e), 0);
    int64_t likes;
    assert_int_equal(like_comment(f->db, &r2, a, 1, &likes, &e), 0);

    assert_int_equal(db_begin(f->db), 0);
    assert_int_equal(comment_take_down(f->db, a, 7, "takedown", "Copyright notice 7", T0 + 10), 1);
    assert_int_equal(comment_take_down(f->db, a, 7, "takedown", "again", T0 + 10), 0);
    assert_int_equal(comment_take_down(f->db, b, 7, "takedown", "deleted already", T0 + 10), 0);
    assert_int_equal(comment_take_down(f->db, 99999, 7, "takedown", "none", T0 + 10), 0);
    assert_int_equal(db_commit(f->db), 0);
    comment_t c;
    assert_int_equal(comment_get(f->db, 0, a, &c), 1);
    assert_string_equal(c.status, "removed");
    assert_string_equal(c.removed_by, "takedown");
    assert_int_equal(c.removed_ref, 7);
    assert_string_equal(c.reason, "Copyright notice 7");
    comment_free(&c);
    assert_int_equal(comments_count(f, f->work), 0);
    assert_int_equal(notes(f, f->reader, "moderation"), 1);

    assert_int_equal(db_begin(f->db), 0);
    assert_int_equal(comment_restore(f->db, a, T0 + 20), 1);
    assert_int_equal(comment_restore(f->db, a, T0 + 20), 0);
    assert_int_equal(db_commit(f->db), 0);
    assert_int_equal(comments_count(f, f->work), 1);
    /* A creator's removal is not the platform's to restore. */
    aud_actor_t cr = as(f->creator, T0 + 30);
    assert_int_equal(comment_remove(f->db, &cr, a, "", &e), 0);
    assert_int_equal(db_begin(f->db), 0);
    assert_int_equal(comment_restore(f->db, a, T0 + 40), 0);
    db_rollback(f->db);

    /* Retention: the text of deleted and removed comments older than the
     * cutoff goes, and the addresses of old comments; newer ones stay. */
    int64_t fresh = post(f, f->reader, T0 + 1000, f->work, "fresh", 0, "published");
    assert_int_equal(db_begin(f->db), 0);
    assert_true(comment_purge_expired(f->db, T0 + 35) >= 2);
    assert_int_equal(db_commit(f->db), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM comments WHERE body = ''"), 2); /* a (removed), b (deleted) */
    assert_int_equal(col_of(f, "SELECT count(*) FROM comments WHERE id = :id AND peer <> ''", fresh), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM comments WHERE peer <> ''"), 1);
    assert_int_equal(db_begin(f->db), 0);
    assert_int_equal(comment_purge_expired(f->db, T0 + 35), 0); /* nothing left to do */
    assert_int_equal(comment_purge_work(f->db, f->work), 3);
    assert_int_equal(db_commit(f->db), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM comments WHERE body <> ''"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM comment_likes"), 0);
}

/* ---- likes ---- */

static void test_like_work(void **state)
{
    fx_t *f = *state;
    aud_actor_t r = as(f->reader, T0), anon = as(0, T0), ghost = as(4242, T0);
    aud_err_t e = {0};
    int64_t likes = -1;
    char draft[17], gone[17], before[512], after[512];
    add_work(f->db, f->creator, "draft", draft);
    add_work(f->db, f->creator, "taken_down", gone);
    snapshot(f->db, before);
    static const struct {
        int who; /* 0 reader, 1 anonymous, 2 unknown */
        const char *work;
        int status;
    } bad[] = {{1, NULL, 401}, {2, NULL, 401}, {0, "draft", 404}, {0, "gone", 451}, {0, "ffffffffffffffff", 404},
               {0, "", 404}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *w = !bad[i].work                        ? f->work
                        : strcmp(bad[i].work, "draft") == 0 ? draft
                        : strcmp(bad[i].work, "gone") == 0  ? gone
                                                            : bad[i].work;
        aud_actor_t *a = bad[i].who == 1 ? &anon : bad[i].who == 2 ? &ghost : &r;
        memset(&e, 0, sizeof e);
        if (like_work(f->db, a, w, 1, &likes, &e) != -1 || e.status != bad[i].status)
            fail_msg("like case %zu: %d, wanted %d", i, e.status, bad[i].status);
    }
    snapshot(f->db, after);
    assert_string_equal(before, after);

    assert_int_equal(like_work(f->db, &r, f->work, 1, &likes, &e), 0);
    assert_int_equal(likes, 1);
    assert_int_equal(like_work(f->db, &r, f->work, 1, &likes, &e), 0); /* twice: no change */
    assert_int_equal(likes, 1);
    assert_int_equal(like_work_has(f->db, f->reader, f->work), 1);
    assert_int_equal(like_work_has(f->db, f->reader2, f->work), 0);
    aud_actor_t r2 = as(f->reader2, T0);
    assert_int_equal(like_work(f->db, &r2, f->work, 1, &likes, &e), 0);
    assert_int_equal(likes, 2);
    assert_int_equal(like_work(f->db, &r, f->work, 0, &likes, &e), 0);
    assert_int_equal(likes, 1);
    assert_int_equal(like_work(f->db, &r, f->work, 0, &likes, &e), 0); /* unliking twice */
    assert_int_equal(likes, 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM work_likes"), 1);
    assert_int_equal(like_work(f->db, &r, f->work, 1, &likes, &e), 0); /* again */
    assert_int_equal(likes, 2);
    assert_int_equal(notes(f, f->creator, "like"), 2); /* once per account, not per click */
    aud_actor_t cr = as(f->creator, T0);
    assert_int_equal(like_work(f->db, &cr, f->work, 1, &likes, &e), 0); /* one's own: no notification */
    assert_int_equal(likes, 3);
    assert_int_equal(notes(f, f->creator, "like"), 2);
}

static void test_like_comment(void **state)
{
    fx_t *f = *state;
    int64_t c = post(f, f->reader, T0, f->work, "like me", 0, "published");
    set(f->db, "comments", "review");
    int64_t held = post(f, f->reader, T0 + 1, f->work, "held", 0, "pending");
    aud_actor_t r2 = as(f->reader2, T0);
    aud_err_t e = {0};
    int64_t likes;
    assert_int_equal(like_comment(f->db, &r2, held, 1, &likes, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(like_comment(f->db, &r2, 31337, 1, &likes, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(like_comment(f->db, &r2, c, 1, &likes, &e), 0);
    assert_int_equal(likes, 1);
    assert_int_equal(like_comment(f->db, &r2, c, 1, &likes, &e), 0);
    assert_int_equal(likes, 1);
    assert_int_equal(col_of(f, "SELECT likes FROM comments WHERE id = :id", c), 1);
    assert_int_equal(notes(f, f->reader, "like"), 1);
    set_work_status(f->db, f->work, "taken_down");
    assert_int_equal(like_comment(f->db, &r2, c, 0, &likes, &e), -1);
    assert_int_equal(e.status, 451);
    set_work_status(f->db, f->work, "published");
    assert_int_equal(like_comment(f->db, &r2, c, 0, &likes, &e), 0);
    assert_int_equal(likes, 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM comment_likes"), 0);
}

/* ---- follows ---- */

static void test_follow(void **state)
{
    fx_t *f = *state;
    aud_actor_t r = as(f->reader, T0), anon = as(0, T0);
    aud_err_t e = {0};
    follow_state_t s;
    char before[512], after[512];
    snapshot(f->db, before);
    assert_int_equal(follow_set(f->db, &r, "reader", 1, &s, &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(follow_set(f->db, &r, "nobody", 1, &s, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(follow_set(f->db, &r, NULL, 1, &s, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(follow_set(f->db, &r, "a-very-long-handle-that-is-far-too-long-to-exist", 1, &s, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(follow_set(f->db, &anon, "creator", 1, &s, &e), -1);
    assert_int_equal(e.status, 401);
    snapshot(f->db, after);
    assert_string_equal(before, after);

    assert_int_equal(follow_set(f->db, &r, "Creator", 1, &s, &e), 0);
    assert_true(s.following);
    assert_int_equal(s.followers, 1);
    assert_int_equal(s.followee, f->creator);
    assert_int_equal(follow_set(f->db, &r, "creator", 1, &s, &e), 0); /* twice */
    assert_int_equal(s.followers, 1);
    assert_int_equal(follow_is(f->db, f->reader, f->creator), 1);
    assert_int_equal(follow_is(f->db, f->creator, f->reader), 0);
    int64_t followers, following;
    assert_int_equal(follow_counts(f->db, f->reader, &followers, &following), 0);
    assert_int_equal(followers, 0);
    assert_int_equal(following, 1);
    aud_actor_t r2 = as(f->reader2, T0 + 5);
    assert_int_equal(follow_set(f->db, &r2, "creator", 1, &s, &e), 0);
    assert_int_equal(s.followers, 2);
    assert_int_equal(follow_set(f->db, &r, "creator", 0, &s, &e), 0);
    assert_false(s.following);
    assert_int_equal(s.followers, 1);
    assert_int_equal(follow_set(f->db, &r, "creator", 0, &s, &e), 0); /* twice */
    assert_int_equal(s.followers, 1);
    assert_int_equal(follow_counts(f->db, f->reader, &followers, &following), 0);
    assert_int_equal(following, 0);
    r.now = T0 + 10;
    assert_int_equal(follow_set(f->db, &r, "creator", 1, &s, &e), 0); /* again: no second notification */
    assert_int_equal(notes(f, f->creator, "follow"), 2);
    assert_int_equal(follow_counts(f->db, 424242, &followers, &following), -1);

    /* Lists, newest follow first, paged. */
    follow_page_t p;
    assert_int_equal(follow_list(f->db, f->creator, 1, NULL, 1, &p, &e), 0);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.items[0].id, f->reader); /* T0 + 10 */
    assert_int_equal(p.items[0].since, T0 + 10);
    char next[48];
    snprintf(next, sizeof next, "%s", p.next);
    follow_page_free(&p);
    assert_int_equal(follow_list(f->db, f->creator, 1, next, 1, &p, &e), 0);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.items[0].id, f->reader2);
    assert_string_equal(p.next, "");
    follow_page_free(&p);
    assert_int_equal(follow_list(f->db, f->reader, 0, NULL, 10, &p, &e), 0);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.items[0].handle, "creator");
    follow_page_free(&p);
    assert_int_equal(follow_list(f->db, f->creator, 1, "17", 10, &p, &e), -1);
    assert_int_equal(e.status, 422);
}

/* The timeline agrees with the obvious query, page by page. */
static void test_timeline_small(void **state)
{
    fx_t *f = *state;
    int64_t c2 = add_user(f->db, "creator2", "creator"), c3 = add_user(f->db, "creator3", "creator");
    char w[8][17];
    add_work_at(f->db, f->creator, "published", 500, w[0]);
    add_work_at(f->db, c2, "published", 400, w[1]);
    add_work_at(f->db, c2, "published", 400, w[2]); /* same second: ordered by id */
    add_work_at(f->db, f->creator, "draft", 0, w[3]);
    add_work_at(f->db, c3, "published", 600, w[4]); /* not followed */
    add_work_at(f->db, f->creator, "deleted", 700, w[5]);
    add_work_at(f->db, c2, "published", 100, w[6]);
    add_work_at(f->db, f->creator, "taken_down", 800, w[7]);
    aud_actor_t r = as(f->reader, T0);
    aud_err_t e = {0};
    follow_state_t s;
    assert_int_equal(follow_set(f->db, &r, "creator", 1, &s, &e), 0);
    assert_int_equal(follow_set(f->db, &r, "creator2", 1, &s, &e), 0);
    /* f->work (published_at 1000) is the creator's too. */
    const char *want[] = {f->work, w[0], w[2], w[1], w[6]};
    work_list_t l;
    int k = 0;
    int64_t before = 0;
    char before_id[17] = "";
    for (int page = 0; page < 5; page++) {
        assert_int_equal(follow_timeline(f->db, f->reader, before, before_id, 2, &l), 0);
        for (int i = 0; i < l.n; i++) {
            if (k >= 5 || strcmp(l.items[i].id, want[k]) != 0)
                fail_msg("timeline item %d is %s, wanted %s", k, l.items[i].id, k < 5 ? want[k] : "none");
            k++;
        }
        int more = l.more;
        if (l.n) {
            before = l.items[l.n - 1].published_at;
            snprintf(before_id, sizeof before_id, "%s", l.items[l.n - 1].id);
        }
        work_list_free(&l);
        if (!more)
            break;
    }
    assert_int_equal(k, 5);
    assert_int_equal(follow_timeline(f->db, f->reader2, 0, NULL, 20, &l), 0); /* follows nobody */
    assert_int_equal(l.n, 0);
    assert_false(l.more);
    work_list_free(&l);
}

/* work_list_ids (the timeline's batch loader) loads what work_get loads,
 * in the order asked, across its 25-id statements, leaving out what is gone. */
/* INSERT sql (a literal: statements are cached by it) with up to three
 * text values :a :b :c and one number :n. */
static void insert(db_t *db, const char *sql, const char *a, const char *b, const char *c, int64_t n)
{
    db_stmt_t *st = db_prepare(db, sql);
    db_bind_text(st, ":a", a);
    if (b)
        db_bind_text(st, ":b", b);
    if (c)
        db_bind_text(st, ":c", c);
    db_bind_int(st, ":n", n);
    assert_int_equal(db_step(st), DB_DONE);
    db_done(st);
}

static void test_work_list_ids(void **state)
{
    fx_t *f = *state;
    enum { N = 32 };
    char w[N][17], deleted[17], draft[17];
    const char *ids[WORK_IDS_MAX];
    int n = 0;
    for (int i = 0; i < N; i++) {
        add_work_at(f->db, f->creator, "published", 2000 + i, w[i]);
        char zz[16], aa[16];
        snprintf(zz, sizeof zz, "zz%d", i);
        snprintf(aa, sizeof aa, "aa%d", i);
        /* pos decides the order, not the tag's name */
        if (i % 3) {
            insert(f->db, "INSERT INTO tags(work_id, tag, pos) VALUES (:a, :b, :n)", w[i], zz, NULL, 0);
            insert(f->db, "INSERT INTO tags(work_id, tag, pos) VALUES (:a, :b, :n)", w[i], aa, NULL, 1);
        }
    }
    add_work_at(f->db, f->creator, "deleted", 1500, deleted);
    add_work_at(f->db, f->creator, "draft", 0, draft);
    insert(f->db, "INSERT INTO provenance(work_id, media_label, pub_seq) VALUES (:a, 'detected', :n)", w[3], NULL, NULL, 7);
    insert(f->db, "INSERT INTO originality_match(work_id, other_id, score) VALUES (:a, :b, :n)", w[28], w[0], NULL, 800);
    insert(f->db, "INSERT INTO originality_match(work_id, other_id, score) VALUES (:a, :b, :n)", w[28], w[1], NULL, 900);
    insert(f->db, "INSERT INTO originality_match(work_id, other_id, score) VALUES (:a, :b, :n)", w[28], draft, NULL, 990);
    /* Newest first, with a stranger, the deleted work and the draft among them. */
    for (int i = N - 1; i >= 0; i--) {
        ids[n++] = w[i];
        if (i == 20)
            ids[n++] = "ffffffffffffffff";
        if (i == 10)
            ids[n++] = deleted;
        if (i == 5)
            ids[n++] = draft;
    }
    work_list_t l;
    assert_int_equal(work_list_ids(f->db, ids, n, 1, &l), 0);
    assert_int_equal(l.n, N);
    assert_false(l.more);
    for (int i = 0; i < N; i++) {
        work_t g;
        assert_string_equal(l.items[i].id, w[N - 1 - i]);
        assert_int_equal(work_get(f->db, l.items[i].id, &g), 1);
        assert_string_equal(l.items[i].title, g.title);
        assert_string_equal(l.items[i].author_handle, g.author_handle);
        assert_int_equal(l.items[i].published_at, g.published_at);
        assert_int_equal(l.items[i].ntags, g.ntags);
        for (int k = 0; k < g.ntags; k++)
            assert_string_equal(l.items[i].tags[k], g.tags[k]);
        assert_string_equal(l.items[i].prov.ai_label, g.prov.ai_label);
        assert_string_equal(l.items[i].prov.source_id, g.prov.source_id);
        assert_int_equal(l.items[i].prov.nsimilar, g.prov.nsimilar);
        for (int k = 0; k < g.prov.nsimilar; k++)
            assert_string_equal(l.items[i].prov.similar[k].id, g.prov.similar[k].id);
        work_free(&g);
    }
    const work_t *x28 = &l.items[N - 1 - 28], *x3 = &l.items[N - 1 - 3], *x1 = &l.items[N - 1 - 1];
    assert_int_equal(x28->prov.nsimilar, 2); /* the draft is no match */
    assert_string_equal(x28->prov.similar[0].id, w[1]);
    assert_string_equal(x3->prov.ai_label, "detected");
    assert_int_equal(x1->ntags, 2);
    assert_string_equal(x1->tags[0], "zz1");
    work_list_free(&l);
    /* Not only published: the draft too, never the deleted work. */
    assert_int_equal(work_list_ids(f->db, ids, n, 0, &l), 0);
    assert_int_equal(l.n, N + 1);
    work_list_free(&l);
    assert_int_equal(work_list_ids(f->db, ids, 0, 1, &l), 0);
    assert_int_equal(l.n, 0);
    work_list_free(&l);
    assert_int_equal(work_list_ids(f->db, ids, WORK_IDS_MAX + 1, 1, &l), -1);
}

static void plan_of(db_t *db, int64_t me, buf_t *plan)
{
    static char sql[4096];
    int pg = db_postgres_conninfo() != NULL;
    snprintf(sql, sizeof sql, "%s%s", pg ? "EXPLAIN " : "EXPLAIN QUERY PLAN ", follow_timeline_sql());
    db_stmt_t *st = db_prepare(db, sql);
    db_bind_int(st, ":me", me);
    db_bind_int(st, ":before", INT64_MAX);
    db_bind_text(st, ":bid", "\x7f");
    db_bind_int(st, ":lim", 21);
    if (!pg)
        db_bind_int(st, ":off", 20);
    while (db_step(st) == DB_ROW) {
        buf_rawz(plan, db_col_text(st, pg ? 0 : 3));
        buf_ch(plan, '\n');
    }
    db_done(st);
}

/* 100,000 works by 1,000 creators, 200 of them followed (20,000 works):
 * the plan reads each followed creator's newest works by index and never
 * scans the works table; the answer matches the obvious query. */
static void test_timeline_plan(void **state)
{
    fx_t *f = *state;
    int pg = db_postgres_conninfo() != NULL;
    assert_int_equal(db_begin(f->db), 0);
    assert_int_equal(db_exec(f->db, pg ? "INSERT INTO users(handle, display_name, role, pass_hash, created_at) "
                                         "SELECT CASE WHEN i <= 200 THEN 'f' ELSE 'n' END || i, 'x', 'creator', "
                                         "'x', 1 FROM generate_series(1, 1000) i"
                                       : "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                         "WHERE i < 1000) INSERT INTO users(handle, display_name, role, pass_hash, "
                                         "created_at) SELECT CASE WHEN i <= 200 THEN 'f' ELSE 'n' END || i, 'x', "
                                         "'creator', 'x', 1 FROM n"),
                     0);
    assert_int_equal(
        db_exec(f->db, pg ? "INSERT INTO works(id, author_id, title, body, status, content_hash, "
                            "created_at, updated_at, published_at) SELECT lpad(to_hex(i), 16, '0'), "
                            "u.id, 't', 'b', CASE WHEN i % 10 = 0 THEN 'draft' ELSE 'published' END, "
                            "'h', 1, 1, 1700000000 + (i * 7919) % 100000 FROM generate_series(1, 100000) i "
                            "JOIN users u ON u.handle = CASE WHEN i % 1000 < 200 THEN 'f' ELSE 'n' END "
                            "|| (i % 1000 + 1)"
                          : "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
                            "i < 100000) INSERT INTO works(id, author_id, title, body, status, "
                            "content_hash, created_at, updated_at, published_at) SELECT "
                            "printf('%016x', i), u.id, 't', 'b', CASE WHEN i % 10 = 0 THEN 'draft' "
                            "ELSE 'published' END, 'h', 1, 1, 1700000000 + (i * 7919) % 100000 "
                            "FROM n JOIN users u ON u.handle = CASE WHEN i % 1000 < 200 THEN 'f' "
                            "ELSE 'n' END || (i % 1000 + 1)"),
        0);
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO follows(follower_id, followee_id, created_at) SELECT %lld, id, 1 "
             "FROM users WHERE handle LIKE 'f%%'",
             (long long)f->reader);
    assert_int_equal(db_exec(f->db, sql), 0);
    assert_int_equal(db_commit(f->db), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM works"), 100001);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM follows"), 200);
    if (pg)
        assert_int_equal(db_exec(f->db, "ANALYZE"), 0);

    buf_t plan = BUF_INIT;
    plan_of(f->db, f->reader, &plan);
    const char *p = buf_cstr(&plan);
    if (pg) {
        /* A nested loop over the follows, each an index scan of one
         * creator's newest works, never a sequential scan of works. */
        if (!strstr(p, "works_author_pub") || !strstr(p, "Nested Loop") || strstr(p, "Seq Scan on works"))
            fail_msg("PostgreSQL plan:\n%s", p);
    } else {
        if (!strstr(p, "SEARCH f USING COVERING INDEX") ||
            !strstr(p, "SEARCH w USING COVERING INDEX works_author_pub (author_id=? AND status=? AND published_at>?") ||
            !strstr(p, "SEARCH x USING COVERING INDEX works_author_pub") || strstr(p, "SCAN w") ||
            strstr(p, "SCAN x") || strstr(p, "SCAN works"))
            fail_msg("SQLite plan:\n%s", p);
    }
    buf_free(&plan);

    /* The same answer as the obvious query, on the first two pages. */
    static const char naive[] = "SELECT w.id, w.published_at FROM works w JOIN follows f ON f.followee_id = "
                                "w.author_id WHERE f.follower_id = :me AND w.status = 'published' "
                                "ORDER BY w.published_at DESC, w.id DESC LIMIT 40";
    char want[40][17];
    db_stmt_t *st = db_prepare(f->db, naive);
    db_bind_int(st, ":me", f->reader);
    int n = 0;
    while (db_step(st) == DB_ROW && n < 40)
        snprintf(want[n++], sizeof want[0], "%s", db_col_text(st, 0));
    db_done(st);
    assert_int_equal(n, 40);
    work_list_t l;
    assert_int_equal(follow_timeline(f->db, f->reader, 0, NULL, 20, &l), 0);
    assert_int_equal(l.n, 20);
    assert_true(l.more);
    for (int i = 0; i < 20; i++)
        assert_string_equal(l.items[i].id, want[i]);
    int64_t before = l.items[19].published_at;
    char bid[17];
    snprintf(bid, sizeof bid, "%s", l.items[19].id);
    work_list_free(&l);
    assert_int_equal(follow_timeline(f->db, f->reader, before, bid, 20, &l), 0);
    assert_int_equal(l.n, 20);
    for (int i = 0; i < 20; i++)
        assert_string_equal(l.items[i].id, want[20 + i]);
    work_list_free(&l);
}

/* ---- notifications ---- */

static void test_notifications(void **state)
{
    fx_t *f = *state;
    assert_int_equal(db_begin(f->db), 0);
    assert_int_equal(notify_add(f->db, f->reader, "comment", f->reader, f->work, 0, NULL, T0), 0); /* oneself */
    assert_int_equal(notify_add(f->db, 0, "comment", f->reader, f->work, 0, NULL, T0), 0);
    assert_int_equal(notify_add(f->db, f->reader, "poke", f->creator, f->work, 0, NULL, T0), -1);
    for (int i = 0; i < 5; i++)
        assert_int_equal(notify_add(f->db, f->reader, "comment", f->creator, f->work, 0, NULL, T0 + i), 1);
    assert_int_equal(notify_add(f->db, f->reader, "moderation", 0, NULL, 0, "Removed: spam", T0 + 9), 1);
    assert_int_equal(notify_add(f->db, f->reader2, "follow", f->creator, NULL, 0, NULL, T0), 1);
    assert_int_equal(notify_add(f->db, f->reader2, "follow", f->creator, NULL, 0, NULL, T0 + 1), 0); /* once */
    assert_int_equal(db_commit(f->db), 0);
    assert_int_equal(notify_unread(f->db, f->reader), 6);
    assert_int_equal(notify_unread(f->db, f->reader2), 1);
    assert_int_equal(notify_unread(f->db, f->creator), 0);

    notify_page_t p;
    assert_int_equal(notify_list(f->db, f->reader, 0, 0, 4, &p), 0);
    assert_int_equal(p.n, 4);
    assert_string_equal(p.items[0].kind, "moderation");
    assert_int_equal(p.items[0].actor_id, 0);
    assert_string_equal(p.items[0].detail, "Removed: spam");
    assert_string_equal(p.items[1].actor_handle, "creator");
    assert_string_equal(p.items[1].work_id, f->work);
    assert_string_equal(p.items[1].work_title, "t");
    assert_true(p.next > 0);
    int64_t ids[2] = {p.items[1].id, p.items[2].id};
    int64_t next = p.next;
    notify_page_free(&p);
    assert_int_equal(notify_list(f->db, f->reader, 0, next, 4, &p), 0);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.next, 0);
    notify_page_free(&p);

    /* Marking read: only one's own, only unread ones count. */
    db_stmt_t *st = db_prepare(f->db, "SELECT id FROM notifications WHERE recipient_id = :u");
    db_bind_int(st, ":u", f->reader2);
    assert_int_equal(db_step(st), DB_ROW);
    int64_t theirs = db_col_int(st, 0);
    db_done(st);
    int64_t mixed[3] = {ids[0], ids[1], theirs};
    assert_int_equal(notify_mark_read(f->db, f->reader, mixed, 3, T0 + 100), 2);
    assert_int_equal(notify_mark_read(f->db, f->reader, mixed, 3, T0 + 100), 0);
    assert_int_equal(notify_unread(f->db, f->reader), 4);
    assert_int_equal(notify_unread(f->db, f->reader2), 1);
    assert_int_equal(notify_list(f->db, f->reader, 1, 0, 50, &p), 0);
    assert_int_equal(p.n, 4);
    for (int i = 0; i < p.n; i++)
        assert_int_equal(p.items[i].read_at, 0);
    notify_page_free(&p);
    int64_t many[NOTIFY_MARK_MAX + 1] = {0};
    assert_int_equal(notify_mark_read(f->db, f->reader, many, NOTIFY_MARK_MAX + 1, T0), -1);
    assert_int_equal(notify_mark_read(f->db, f->reader, NULL, 0, T0 + 200), 4);
    assert_int_equal(notify_unread(f->db, f->reader), 0);
    assert_int_equal(notify_unread(f->db, f->reader2), 1);

    /* A long detail is cut on a character boundary. */
    char detail[NOTIFY_DETAIL_MAX + 10];
    for (size_t i = 0; i + 3 < sizeof detail; i += 3)
        memcpy(detail + i, "理", 3);
    detail[sizeof detail - 1 - (sizeof detail - 1) % 3] = 0;
    assert_int_equal(db_begin(f->db), 0);
    assert_int_equal(notify_add(f->db, f->reader, "moderation", 0, NULL, 0, detail, T0), 1);
    assert_int_equal(db_commit(f->db), 0);
    st = db_prepare(f->db, "SELECT detail FROM notifications WHERE recipient_id = :u ORDER BY id DESC LIMIT 1");
    db_bind_int(st, ":u", f->reader);
    assert_int_equal(db_step(st), DB_ROW);
    assert_true(db_col_len(st, 0) <= NOTIFY_DETAIL_MAX);
    assert_int_equal(db_col_len(st, 0) % 3, 0);
    db_done(st);
}

/* ---- e-mail subscriptions ---- */

static const unsigned char key[SUB_SECRET_LEN] = "0123456789abcdef0123456789abcdef";

static void test_subscribe_request(void **state)
{
    fx_t *f = *state;
    subscribe_t s;
    aud_err_t e = {0};
    char before[512], after[512];
    snapshot(f->db, before);
    static const char *const bad_addr[] = {"",
                                           "a",
                                           "a@b",
                                           "a b@example.com",
                                           "a@example.com\r\nBcc: x@y.z",
                                           "<a@example.com>",
                                           "a@@example.com",
                                           "@example.com",
                                           "a@example.com."};
    for (size_t i = 0; i < sizeof bad_addr / sizeof bad_addr[0]; i++) {
        memset(&e, 0, sizeof e);
        if (subscribe_request(f->db, "creator", bad_addr[i], "new", T0, &s, &e) != -1 || e.status != 422)
            fail_msg("address %s: not refused", bad_addr[i]);
    }
    assert_int_equal(subscribe_request(f->db, "creator", NULL, "new", T0, &s, &e), -1);
    assert_int_equal(subscribe_request(f->db, "creator", "a@example.com", "weekly", T0, &s, &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(subscribe_request(f->db, "nobody", "a@example.com", "new", T0, &s, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(subscribe_request(f->db, "reader", "a@example.com", "new", T0, &s, &e), -1); /* not a creator */
    assert_int_equal(e.status, 404);
    int64_t c2 = add_user(f->db, "gone", "creator");
    suspend(f->db, c2);
    assert_int_equal(subscribe_request(f->db, "gone", "a@example.com", "new", T0, &s, &e), -1);
    assert_int_equal(e.status, 404);
    snapshot(f->db, after);
    assert_string_equal(before, after);

    assert_int_equal(subscribe_request(f->db, "Creator", "  Reader@Example.COM ", NULL, T0, &s, &e), 0);
    assert_string_equal(s.status, "pending");
    assert_string_equal(s.mode, "new");
    assert_string_equal(s.address, "reader@example.com");
    assert_int_equal(strlen(s.token), SUB_TOKEN_LEN);
    /* Only the token's hash is stored. */
    char hash[65];
    token_sha256_hex(s.token, hash);
    db_stmt_t *st = db_prepare(f->db, "SELECT token_hash FROM email_subscriptions WHERE id = :id");
    db_bind_int(st, ":id", s.id);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), hash);
    db_done(st);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM email_subscriptions WHERE token_hash = 'x' OR "
                                    "length(token_hash) <> 64"),
                     0);
    char first[SUB_TOKEN_LEN + 1];
    snprintf(first, sizeof first, "%s", s.token);

    /* Asked again at once: no new mail. Ten minutes later: a new link, the old one dead. */
    assert_int_equal(subscribe_request(f->db, "creator", "reader@example.com", "digest", T0 + 60, &s, &e), 0);
    assert_string_equal(s.token, "");
    assert_int_equal(subscribe_request(f->db, "creator", "reader@example.com", "digest", T0 + SUB_RESEND_PAUSE, &s, &e),
                     0);
    assert_int_equal(strlen(s.token), SUB_TOKEN_LEN);
    assert_string_not_equal(s.token, first);
    assert_string_equal(s.mode, "digest");
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM email_subscriptions"), 1);
    subscribe_t c;
    assert_int_equal(subscribe_confirm(f->db, first, T0 + SUB_RESEND_PAUSE + 1, &c, &e), -1);
    assert_int_equal(e.status, 400);
    assert_int_equal(subscribe_count(f->db, f->creator), 0);
}

static void test_subscribe_confirm_unsubscribe(void **state)
{
    fx_t *f = *state;
    subscribe_t s, c;
    aud_err_t e = {0};
    assert_int_equal(subscribe_request(f->db, "creator", "fan@example.com", "new", T0, &s, &e), 0);
    char token[SUB_TOKEN_LEN + 1];
    snprintf(token, sizeof token, "%s", s.token);
    char before[512], after[512];
    snapshot(f->db, before);
    char forged[SUB_TOKEN_LEN + 1];
    snprintf(forged, sizeof forged, "%s", token);
    forged[10] = forged[10] == 'a' ? 'b' : 'a';
    static const char *const bad[] = {"", "abc", "zz"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(subscribe_confirm(f->db, bad[i], T0, &c, &e), -1);
        assert_int_equal(e.status, 400);
    }
    assert_int_equal(subscribe_confirm(f->db, NULL, T0, &c, &e), -1);
    assert_int_equal(subscribe_confirm(f->db, forged, T0, &c, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, "bad_token");
    assert_int_equal(subscribe_confirm(f->db, token, T0 + SUB_CONFIRM_TTL + 1, &c, &e), -1);
    assert_string_equal(e.code, "expired");
    snapshot(f->db, after);
    assert_string_equal(before, after);

    assert_int_equal(subscribe_confirm(f->db, token, T0 + 100, &c, &e), 0);
    assert_string_equal(c.status, "confirmed");
    assert_string_equal(c.address, "fan@example.com");
    assert_string_equal(c.creator_handle, "creator");
    assert_int_equal(subscribe_confirm(f->db, token, T0 + 200, &c, &e), 0); /* the link clicked twice */
    assert_int_equal(subscribe_count(f->db, f->creator), 1);
    /* Subscribing a confirmed address again changes nothing, not even the mode. */
    snapshot(f->db, before);
    assert_int_equal(subscribe_request(f->db, "creator", "FAN@example.com", "digest", T0 + 9999, &s, &e), 0);
    assert_string_equal(s.status, "confirmed");
    assert_string_equal(s.mode, "new");
    assert_string_equal(s.token, "");
    snapshot(f->db, after);
    assert_string_equal(before, after);

    subscribe_batch_t b;
    assert_int_equal(subscribe_batch(f->db, f->creator, "new", 0, 10, &b), 0);
    assert_int_equal(b.n, 1);
    assert_string_equal(b.items[0].address, "fan@example.com");
    subscribe_batch_free(&b);
    assert_int_equal(subscribe_batch(f->db, f->creator, "digest", 0, 10, &b), 0);
    assert_int_equal(b.n, 0);
    subscribe_batch_free(&b);
    assert_int_equal(subscribe_batch(f->db, f->creator, "new", 0, 0, &b), -1);

    /* Unsubscribe: forged, altered or foreign tokens change nothing. */
    char unsub[SUB_UNSUB_TOKEN_MAX], other[SUB_UNSUB_TOKEN_MAX];
    subscribe_unsub_token(key, s.id, "fan@example.com", unsub);
    static const unsigned char wrong_key[SUB_SECRET_LEN] = "another secret, another site....";
    subscribe_unsub_token(wrong_key, s.id, "fan@example.com", other);
    char altered[SUB_UNSUB_TOKEN_MAX];
    snprintf(altered, sizeof altered, "%s", unsub);
    altered[strlen(altered) - 1] = altered[strlen(altered) - 1] == '0' ? '1' : '0';
    char moved[SUB_UNSUB_TOKEN_MAX];
    snprintf(moved, sizeof moved, "%lld%s", (long long)s.id + 1, strchr(unsub, '.'));
    char addr_swap[SUB_UNSUB_TOKEN_MAX];
    subscribe_unsub_token(key, s.id, "someone@example.com", addr_swap);
    const char *forgeries[] = {"", "1", "1.", "x.abc", other, altered, moved, addr_swap, token};
    snapshot(f->db, before);
    for (size_t i = 0; i < sizeof forgeries / sizeof forgeries[0]; i++) {
        memset(&e, 0, sizeof e);
        if (subscribe_unsubscribe(f->db, key, forgeries[i], T0, &c, &e) != -1 || e.status != 400)
            fail_msg("forgery %zu accepted", i);
    }
    snapshot(f->db, after);
    assert_string_equal(before, after);
    assert_int_equal(subscribe_unsubscribe(f->db, key, unsub, T0 + 300, &c, &e), 0);
    assert_string_equal(c.status, "unsubscribed");
    assert_int_equal(subscribe_unsubscribe(f->db, key, unsub, T0 + 301, &c, &e), 0); /* one-click, twice */
    assert_int_equal(subscribe_count(f->db, f->creator), 0);
    assert_int_equal(subscribe_confirm(f->db, token, T0 + 302, &c, &e), -1); /* the old link is dead */
    assert_int_equal(subscribe_count(f->db, f->creator), 0);
    /* Starting over: pending again, with a new link. */
    assert_int_equal(subscribe_request(f->db, "creator", "fan@example.com", "digest", T0 + 400, &s, &e), 0);
    assert_string_equal(s.status, "pending");
    assert_int_equal(strlen(s.token), SUB_TOKEN_LEN);
    assert_int_equal(subscribe_confirm(f->db, s.token, T0 + 500, &c, &e), 0);
    assert_string_equal(c.mode, "digest");
    assert_int_equal(subscribe_count(f->db, f->creator), 1);
}

/* ---- invitations and settings ---- */

static void test_invites(void **state)
{
    fx_t *f = *state;
    aud_actor_t ad = as(f->admin, T0), md = as(f->mod, T0), anon = as(0, T0);
    aud_err_t e = {0};
    char token[INVITE_TOKEN_LEN + 1];
    int64_t id;
    assert_int_equal(invite_create(f->db, &md, 0, token, &id, &e), -1);
    assert_int_equal(e.status, 403);
    assert_int_equal(invite_create(f->db, &anon, 0, token, &id, &e), -1);
    assert_int_equal(e.status, 401);
    assert_int_equal(invite_create(f->db, &ad, -5, token, &id, &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(invite_create(f->db, &ad, INVITE_TTL_MAX + 1, token, &id, &e), -1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM invites"), 0);
    assert_int_equal(invite_create(f->db, &ad, 3600, token, &id, &e), 0);
    assert_int_equal(strlen(token), INVITE_TOKEN_LEN);
    assert_int_equal(invite_valid(f->db, token, T0 + 10), 1);
    assert_int_equal(invite_valid(f->db, token, T0 + 3600), 0); /* expired */
    char forged[INVITE_TOKEN_LEN + 1];
    snprintf(forged, sizeof forged, "%s", token);
    forged[0] = forged[0] == 'a' ? 'b' : 'a';
    assert_int_equal(invite_valid(f->db, forged, T0), 0);
    assert_int_equal(invite_valid(f->db, "short", T0), 0);
    assert_int_equal(invite_redeem(f->db, forged, f->reader, T0), 0);
    assert_int_equal(invite_redeem(f->db, token, f->reader, T0 + 3600), 0); /* too late */
    assert_int_equal(invite_redeem(f->db, token, f->reader, T0 + 5), 1);
    assert_int_equal(invite_redeem(f->db, token, f->reader2, T0 + 6), 0); /* once */
    assert_int_equal(invite_valid(f->db, token, T0 + 7), 0);
    assert_int_equal(col_of(f, "SELECT used_by FROM invites WHERE id = :id", id), f->reader);
}

static void test_settings(void **state)
{
    fx_t *f = *state;
    char *v = settings_get(f->db, "registration");
    assert_string_equal(v, "open");
    free(v);
    v = settings_get(f->db, "comments");
    assert_string_equal(v, "open");
    free(v);
    assert_int_equal(settings_int(f->db, "comment_hold_first"), 0);
    buf_t err = BUF_INIT;
    static const char *const bad[][2] = {{"registration", "maybe"},    {"comments", "closed"},
                                         {"comment_hold_first", "-1"}, {"comment_hold_first", "101"},
                                         {"comment_rate_minute", "0"}, {"comment_addr_rate_hour", "x"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        buf_reset(&err);
        const char *k = bad[i][0], *val = bad[i][1];
        if (settings_apply(f->db, "test", 1, &k, &val, &err) != -1)
            fail_msg("%s = %s accepted", k, val);
    }
    const char *keys[] = {"registration", "comments", "comment_keywords"};
    const char *vals[] = {"invite", "review", "a,b\nc"};
    assert_int_equal(settings_apply(f->db, "test", 3, keys, vals, &err), 3);
    assert_true(settings_is(f->db, "registration", "invite"));
    assert_true(settings_is(f->db, "comments", "review"));
    buf_free(&err);
}

int main(void)
{
    search_init();
    if (sodium_init() < 0)
        return 1;
    pg_url = getenv("HAO_TEST_PG");
    if (pg_url && !*pg_url)
        pg_url = NULL;
#define DB_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        DB_TEST(test_post_and_counters),
        DB_TEST(test_post_who_and_where),
        DB_TEST(test_post_bad_text),
        DB_TEST(test_post_parent_rules),
        DB_TEST(test_rate_limits),
        DB_TEST(test_repeated_text),
        DB_TEST(test_hold_rules),
        DB_TEST(test_edit),
        DB_TEST(test_delete_and_remove),
        DB_TEST(test_pin),
        DB_TEST(test_modes_and_blocks),
        DB_TEST(test_list_new_and_paging),
        DB_TEST(test_list_hot_threads_and_placeholders),
        DB_TEST(test_takedown_restore_purge),
        DB_TEST(test_like_work),
        DB_TEST(test_like_comment),
        DB_TEST(test_follow),
        DB_TEST(test_timeline_small),
        DB_TEST(test_work_list_ids),
        DB_TEST(test_timeline_plan),
        DB_TEST(test_notifications),
        DB_TEST(test_subscribe_request),
        DB_TEST(test_subscribe_confirm_unsubscribe),
        DB_TEST(test_invites),
        DB_TEST(test_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
