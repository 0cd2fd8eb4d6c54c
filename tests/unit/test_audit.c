/*
 * test_audit.c — unit tests for src/site/trust/audit.c (the hash chain: append,
 * verify, and detection of an edited, deleted, reordered or truncated entry)
 * and src/core/clock.c (business days).
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

#include "core/clock.h"
#include "db/db.h"
#include "search/search.h"
#include "site/trust/audit.h"

static char dir[64];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/hao-unit-audit-XXXXXX");
    assert_non_null(mkdtemp(dir));
    buf_t err = BUF_INIT;
    db_t *db;
    assert_int_equal(sodium_init() >= 0, 1);
    assert_int_equal(db_open(dir, 1, &db, &err), 0);
    buf_free(&err);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(db_begin(db), 0);
        assert_int_equal(audit_appendf(db, "user:alice", "setting.set", "notice_mode", "value %d\nwith a newline", i), 0);
        assert_int_equal(db_commit(db), 0);
    }
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int verify(db_t *db, char **report)
{
    buf_t b = BUF_INIT;
    int64_t n = 0;
    int rc = audit_verify(db, &b, &n);
    *report = strdup(buf_cstr(&b));
    buf_free(&b);
    return rc;
}

static void intact(void **state)
{
    db_t *db = *state;
    buf_t b = BUF_INIT;
    int64_t n = 0;
    assert_int_equal(audit_verify(db, &b, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

static void edited_detail(void **state)
{
    db_t *db = *state;
    assert_int_equal(db_exec(db, "UPDATE audit_log SET detail = 'changed' WHERE id = 3"), 0);
    char *rep;
    assert_int_equal(verify(db, &rep), -1);
    assert_non_null(strstr(rep, "entry 3 was altered"));
    free(rep);
}

static void edited_time(void **state)
{
    db_t *db = *state;
    assert_int_equal(db_exec(db, "UPDATE audit_log SET at = at + 1 WHERE id = 2"), 0);
    char *rep;
    assert_int_equal(verify(db, &rep), -1);
    assert_non_null(strstr(rep, "entry 2 was altered"));
    free(rep);
}

static void rehashed_entry_breaks_the_next_link(void **state)
{
    /* Someone who edits entry 2 and recomputes its hash still breaks 3. */
    db_t *db = *state;
    assert_int_equal(db_exec(db, "UPDATE audit_log SET hash = '" "ab" "' WHERE id = 2"), 0);
    char *rep;
    assert_int_equal(verify(db, &rep), -1);
    assert_non_null(strstr(rep, "entry 2"));
    free(rep);
}

static void deleted_middle(void **state)
{
    db_t *db = *state;
    assert_int_equal(db_exec(db, "DELETE FROM audit_log WHERE id = 4"), 0);
    char *rep;
    assert_int_equal(verify(db, &rep), -1);
    assert_non_null(strstr(rep, "entry 4 is missing"));
    free(rep);
}

static void truncated(void **state)
{
    db_t *db = *state;
    assert_int_equal(db_exec(db, "DELETE FROM audit_log WHERE id = 5"), 0);
    char *rep;
    assert_int_equal(verify(db, &rep), -1);
    assert_non_null(strstr(rep, "entries after 4 are missing"));
    free(rep);
}

static void business_days(void **state)
{
    (void)state;
    /* Friday 2026-11-27 10:00 CST = 02:00 UTC. */
    int64_t fri = 1795744800;
    assert_int_equal(clock_add_business_days(fri, 1), fri + 3 * 86400);  /* Monday */
    assert_int_equal(clock_add_business_days(fri, 5), fri + 7 * 86400);  /* next Friday */
    assert_int_equal(clock_add_business_days(fri, 10), fri + 14 * 86400);
    /* Saturday: the first business day is Monday. */
    assert_int_equal(clock_add_business_days(fri + 86400, 1), fri + 3 * 86400);
}

int main(void)
{
    search_init(); /* the SQLite store's tokenizer (db/fts_sqlite.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(intact, setup, teardown),
        cmocka_unit_test_setup_teardown(edited_detail, setup, teardown),
        cmocka_unit_test_setup_teardown(edited_time, setup, teardown),
        cmocka_unit_test_setup_teardown(rehashed_entry_breaks_the_next_link, setup, teardown),
        cmocka_unit_test_setup_teardown(deleted_middle, setup, teardown),
        cmocka_unit_test_setup_teardown(truncated, setup, teardown),
        cmocka_unit_test(business_days),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
