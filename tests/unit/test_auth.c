/*
 * test_auth.c — unit tests for the account rules in src/site/accounts/account.c on a
 * real SQLite database in a temp dir: handle and role validation, argon2id
 * hashes (never the password) in the users table, duplicate handles refused
 * case-insensitively, and every bad input refused with a message and no row
 * written.
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
#include "site/accounts/account.h"

typedef struct {
    char dir[64];
    db_t *db;
} fx_t;

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/hao-unit-auth-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    buf_t err = BUF_INIT;
    if (db_open(f->dir, 1, &f->db, &err) < 0) {
        fprintf(stderr, "%s\n", buf_cstr(&err));
        return -1;
    }
    buf_free(&err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    db_close(f->db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static int64_t users(db_t *db)
{
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM users");
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return n;
}

static void test_handle_rules(void **state)
{
    (void)state;
    static const char *const good[] = {"abc", "alice", "a_1", "Alice", "z23456789012345678901234567890"};
    static const char *const bad[] = {"", "ab", "1abc", "_abc", "a-b", "a b", "ali.ce", "张三丰",
                                      "a234567890123456789012345678901", "abc\n"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!account_handle_ok(good[i]))
            fail_msg("refused good handle %s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (account_handle_ok(bad[i]))
            fail_msg("accepted bad handle %s", bad[i]);
}

static void test_roles(void **state)
{
    (void)state;
    assert_int_equal(account_role_from("reader"), ROLE_READER);
    assert_int_equal(account_role_from("creator"), ROLE_CREATOR);
    assert_int_equal(account_role_from("moderator"), ROLE_MODERATOR);
    assert_int_equal(account_role_from("admin"), ROLE_ADMIN);
    assert_int_equal(account_role_from("root"), ROLE_NONE);
    assert_int_equal(account_role_from(""), ROLE_NONE);
    assert_string_equal(account_role_name(ROLE_ADMIN), "admin");
    /* Roles are ordered: a higher one passes every check of a lower one. */
    assert_true(ROLE_ADMIN > ROLE_MODERATOR && ROLE_MODERATOR > ROLE_CREATOR && ROLE_CREATOR > ROLE_READER);
}

static void test_add_stores_argon2id(void **state)
{
    fx_t *f = *state;
    buf_t err = BUF_INIT;
    assert_int_equal(account_cli_add(f->db, "Alice", "爱丽丝", "creator", "correct horse battery", &err), 0);
    user_t u;
    assert_int_equal(account_by_handle(f->db, "ALICE", &u), 1);
    assert_string_equal(u.handle, "alice");
    assert_string_equal(u.display_name, "爱丽丝");
    assert_int_equal(u.role, ROLE_CREATOR);

    db_stmt_t *st = db_prepare(f->db, "SELECT pass_hash FROM users WHERE handle = :h");
    db_bind_text(st, ":h", "alice");
    assert_int_equal(db_step(st), DB_ROW);
    const char *hash = db_col_text(st, 0);
    assert_memory_equal(hash, "$argon2id$", 10);
    assert_null(strstr(hash, "correct horse"));
    assert_int_equal(crypto_pwhash_str_verify(hash, "correct horse battery", 21), 0);
    assert_int_not_equal(crypto_pwhash_str_verify(hash, "correct horse batterY", 21), 0);
    db_done(st);
    buf_free(&err);
}

static void test_add_bad_input_writes_nothing(void **state)
{
    fx_t *f = *state;
    buf_t err = BUF_INIT;
    assert_int_equal(account_cli_add(f->db, "bob", NULL, "creator", "bob-password-1", &err), 0);
    int64_t n = users(f->db);
    char long_pw[1100];
    memset(long_pw, 'x', sizeof long_pw - 1);
    long_pw[sizeof long_pw - 1] = 0;
    static const char bad_utf8[] = "na\xffme";
    struct {
        const char *what, *handle, *name, *role, *password;
    } bad[] = {
        {"duplicate handle", "bob", NULL, "creator", "another-password"},
        {"duplicate handle, other case", "BOB", NULL, "creator", "another-password"},
        {"bad handle", "b!", NULL, "creator", "another-password"},
        {"unknown role", "carol", NULL, "superuser", "another-password"},
        {"short password", "carol", NULL, "creator", "short"},
        {"long password", "carol", NULL, "creator", long_pw},
        {"display name on two lines", "carol", "a\nb", "creator", "another-password"},
        {"display name not UTF-8", "carol", bad_utf8, "creator", "another-password"},
        {"empty display name", "carol", "", "creator", "another-password"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        buf_reset(&err);
        if (account_cli_add(f->db, bad[i].handle, bad[i].name, bad[i].role, bad[i].password, &err) != -1)
            fail_msg("%s: accepted", bad[i].what);
        if (err.len == 0)
            fail_msg("%s: no message", bad[i].what);
        if (users(f->db) != n)
            fail_msg("%s: a row was written", bad[i].what);
    }
    buf_free(&err);
}

int main(void)
{
    search_init(); /* the SQLite store's tokenizer (db/fts_sqlite.h) */
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handle_rules),
        cmocka_unit_test(test_roles),
        cmocka_unit_test_setup_teardown(test_add_stores_argon2id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_bad_input_writes_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
