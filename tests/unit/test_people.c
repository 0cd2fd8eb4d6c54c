/*
 * test_people.c — unit tests for the people part (issue 18): the account
 * rules of src/site/people/users.c (roles, the last admin, suspension and
 * reinstatement with a reason, each audited, nothing changed on refusal),
 * the profile checks of src/site/people/profile.c, and the clause writer of
 * src/site/trust/removed.c (no doubled sentence stops).
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
#include <sodium.h>

#include "db/db.h"
#include "search/search.h"
#include "site/people/profile.h"
#include "site/people/users.h"
#include "site/trust/removed.h"

static char dir[64];

static void exec(db_t *db, const char *sql)
{
    db_stmt_t *st = db_prepare(db, sql);
    assert_int_equal(db_step(st), DB_DONE);
    db_done(st);
}

static int64_t count(db_t *db, const char *sql)
{
    db_stmt_t *st = db_prepare(db, sql);
    assert_int_equal(db_step(st), DB_ROW);
    int64_t n = db_col_int(st, 0);
    db_done(st);
    return n;
}

static char *text(db_t *db, const char *sql)
{
    db_stmt_t *st = db_prepare(db, sql);
    assert_int_equal(db_step(st), DB_ROW);
    char *s = strdup(db_col_text(st, 0));
    db_done(st);
    return s;
}

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/hao-unit-people-XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_true(sodium_init() >= 0);
    buf_t err = BUF_INIT;
    db_t *db;
    assert_int_equal(db_open(dir, 1, &db, &err), 0);
    buf_free(&err);
    exec(db, "INSERT INTO users(id, handle, display_name, role, pass_hash, created_at) VALUES "
             "(1, 'boss', 'Boss', 'admin', 'x', 1), (2, 'writer', 'W', 'creator', 'x', 1), "
             "(3, 'judge', 'J', 'moderator', 'x', 1)");
    exec(db, "INSERT INTO sessions(token_hash, user_id, kind, created_at, expires_at) VALUES ('h2', 2, 'web', 1, 9999999999)");
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void test_last_admin(void **state)
{
    db_t *db = *state;
    people_err_t e = {0};
    int64_t audits = count(db, "SELECT count(*) FROM audit_log");
    assert_int_equal(people_set_role(db, "user:boss", 1, "creator", &e), -1);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.code, "last_admin");
    assert_int_equal(people_suspend(db, "user:judge", 3, 1, "no", &e), -1);
    assert_string_equal(e.code, "last_admin");
    assert_int_equal(count(db, "SELECT count(*) FROM users WHERE role = 'admin' AND status = 'active'"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits);
    /* A second admin: now the first may step down, and is audited. */
    assert_int_equal(people_set_role(db, "user:boss", 3, "admin", &e), 0);
    assert_int_equal(people_set_role(db, "user:judge", 1, "moderator", &e), 0);
    char *d = text(db, "SELECT subject || ' ' || detail FROM audit_log ORDER BY id DESC LIMIT 1");
    assert_string_equal(d, "user:boss admin -> moderator");
    free(d);
    assert_int_equal(people_set_role(db, "user:judge", 3, "reader", &e), -1);
    assert_string_equal(e.code, "last_admin");
    /* Unknown roles and users. */
    assert_int_equal(people_set_role(db, "user:judge", 2, "emperor", &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(people_set_role(db, "user:judge", 2, NULL, &e), -1);
    assert_int_equal(people_set_role(db, "user:judge", 99, "reader", &e), -1);
    assert_int_equal(e.status, 404);
    /* Unchanged is fine and not audited. */
    audits = count(db, "SELECT count(*) FROM audit_log");
    assert_int_equal(people_set_role(db, "user:judge", 2, "creator", &e), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits);
}

static void test_suspend_reinstate(void **state)
{
    db_t *db = *state;
    people_err_t e = {0};
    assert_int_equal(people_suspend(db, "user:boss", 1, 2, "", &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(people_suspend(db, "user:boss", 1, 2, "   ", &e), -1);
    char longr[PEOPLE_REASON_MAX + 2];
    memset(longr, 'x', sizeof longr - 1);
    longr[sizeof longr - 1] = 0;
    assert_int_equal(people_suspend(db, "user:boss", 1, 2, longr, &e), -1);
    assert_int_equal(people_suspend(db, "user:boss", 1, 1, "myself", &e), -1);
    assert_string_equal(e.code, "self");
    assert_int_equal(count(db, "SELECT count(*) FROM users WHERE status = 'suspended'"), 0);

    assert_int_equal(people_suspend(db, "user:boss", 1, 2, "spam", &e), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM users WHERE id = 2 AND status = 'suspended'"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM sessions WHERE user_id = 2"), 0);
    assert_int_equal(people_suspend(db, "user:boss", 1, 2, "again", &e), -1);
    assert_string_equal(e.code, "not_active");

    assert_int_equal(people_reinstate(db, "user:boss", 2, "", &e), -1);
    assert_int_equal(people_reinstate(db, "user:boss", 3, "not suspended", &e), -1);
    assert_string_equal(e.code, "not_suspended");
    assert_int_equal(people_reinstate(db, "user:boss", 2, "appeal upheld", &e), 0);
    char *d = text(db, "SELECT action || ' ' || subject || ' ' || detail FROM audit_log WHERE action LIKE 'user.%' "
                       "ORDER BY id DESC LIMIT 1");
    assert_string_equal(d, "user.reinstate user:2 appeal upheld");
    free(d);
}

static void test_profile(void **state)
{
    db_t *db = *state;
    profile_err_t e = {0};
    assert_int_equal(profile_save(db, 2, "", "", &e), -1);
    assert_string_equal(e.field, "name");
    assert_int_equal(profile_save(db, 2, "two\nlines", "", &e), -1);
    assert_int_equal(profile_save(db, 2, "ok", "\x01", &e), -1);
    assert_string_equal(e.field, "bio");
    assert_int_equal(profile_save(db, 2, "  王五  ", "第一行\n第二行", &e), 0);
    char *n = text(db, "SELECT display_name || '|' || bio FROM users WHERE id = 2");
    assert_string_equal(n, "王五|第一行\n第二行");
    free(n);
    /* Only one's own picture can be the avatar. */
    exec(db, "INSERT INTO media(id, owner_id, sha256, kind, mime, bytes, width, height, alt, variants, created_at) "
             "VALUES ('aaaaaaaaaaaaaaaa', 3, 's1', 'image', 'image/png', 1, 1, 1, '', '', 1), "
             "('bbbbbbbbbbbbbbbb', 2, 's2', 'video', 'video/mp4', 1, 1, 1, '', '', 1), "
             "('cccccccccccccccc', 2, 's3', 'image', 'image/png', 1, 1, 1, '', '', 1)");
    assert_int_equal(profile_set_avatar(db, 2, "aaaaaaaaaaaaaaaa", &e), -1);
    assert_int_equal(profile_set_avatar(db, 2, "bbbbbbbbbbbbbbbb", &e), -1);
    assert_int_equal(profile_set_avatar(db, 2, "cccccccccccccccc", &e), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM users WHERE id = 2 AND avatar = 'cccccccccccccccc'"), 1);
    assert_int_equal(profile_set_avatar(db, 2, "", &e), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM users WHERE id = 2 AND avatar = ''"), 1);
}

static void test_clause(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"著作权:我是原作者。", "著作权:我是原作者"},
        {"两个句号。。", "两个句号"},
        {"mixed.。 ", "mixed"},
        {"Right claimed!?", "Right claimed"},
        {"无标点", "无标点"},
        {"。", ""},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf_t b = BUF_INIT;
        removed_clause(&b, cases[i][0]);
        assert_string_equal(buf_cstr(&b), cases[i][1]);
        buf_free(&b);
    }
}

int main(void)
{
    search_init(); /* the SQLite store's tokenizer (db/fts_sqlite.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_last_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suspend_reinstate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_profile, setup, teardown),
        cmocka_unit_test(test_clause),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
