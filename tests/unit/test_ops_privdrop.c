/*
 * test_ops_privdrop.c — `hao serve --user` (src/http/privdrop.c): who the
 * server becomes, for each way it can be started. The lookup is a fake user
 * table, so the rules are tested without root; tests/http/ops-user.test.mjs
 * runs the real drop when the tests run as root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/privdrop.h"

/* root 0, hao 120, alice 1000 */
static int table(const char *name, uid_t *uid, gid_t *gid)
{
    static const struct { const char *n; uid_t u; gid_t g; } t[] = {{"root", 0, 0}, {"hao", 120, 130}, {"alice", 1000, 1000}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(name, t[i].n)) {
            *uid = t[i].u;
            *gid = t[i].g;
            return 0;
        }
    return -1;
}

/* The same without a "hao" user. */
static int table_no_hao(const char *name, uid_t *uid, gid_t *gid)
{
    return strcmp(name, "hao") ? table(name, uid, gid) : -1;
}

static void root_with_user_drops_to_it(void **state)
{
    (void)state;
    privdrop_plan_t p;
    buf_t err = BUF_INIT;
    assert_int_equal(privdrop_decide(0, "alice", table, &p, &err), 0);
    assert_int_equal(p.drop, 1);
    assert_int_equal(p.uid, 1000);
    assert_int_equal(p.gid, 1000);
    assert_string_equal(p.name, "alice");
    assert_null(p.warn);
    buf_free(&err);
}

static void root_without_user_becomes_hao_when_it_exists(void **state)
{
    (void)state;
    privdrop_plan_t p;
    buf_t err = BUF_INIT;
    assert_int_equal(privdrop_decide(0, NULL, table, &p, &err), 0);
    assert_int_equal(p.drop, 1);
    assert_int_equal(p.uid, 120);
    assert_int_equal(p.gid, 130);
    assert_string_equal(p.name, "hao");
    assert_int_equal(privdrop_decide(0, NULL, table_no_hao, &p, &err), 0);
    assert_int_equal(p.drop, 0);
    assert_non_null(p.warn);
    assert_non_null(strstr(p.warn, "root"));
    buf_free(&err);
}

static void explicit_root_stays_root_with_a_warning(void **state)
{
    (void)state;
    privdrop_plan_t p;
    buf_t err = BUF_INIT;
    assert_int_equal(privdrop_decide(0, "root", table, &p, &err), 0);
    assert_int_equal(p.drop, 0);
    assert_non_null(p.warn);
    buf_free(&err);
}

static void bad_users_are_refused(void **state)
{
    (void)state;
    privdrop_plan_t p;
    buf_t err = BUF_INIT;
    assert_int_equal(privdrop_decide(0, "nobody-here", table, &p, &err), -1);
    assert_non_null(strstr(buf_cstr(&err), "no such user"));
    buf_reset(&err);
    assert_int_equal(privdrop_decide(0, "", table, &p, &err), -1);
    buf_reset(&err);
    /* Not root: another user cannot be had; the same one is a no-op. */
    assert_int_equal(privdrop_decide(1000, "hao", table, &p, &err), -1);
    assert_non_null(strstr(buf_cstr(&err), "root"));
    buf_reset(&err);
    assert_int_equal(privdrop_decide(1000, "alice", table, &p, &err), 0);
    assert_int_equal(p.drop, 0);
    assert_int_equal(privdrop_decide(1000, NULL, table, &p, &err), 0);
    assert_int_equal(p.drop, 0);
    assert_null(p.warn);
    buf_free(&err);
}

static void no_plan_changes_nothing(void **state)
{
    (void)state;
    privdrop_plan_t p = {0};
    buf_t err = BUF_INIT;
    uid_t before = geteuid();
    assert_int_equal(privdrop_apply(&p, &err), 0);
    assert_int_equal(geteuid(), before);
    buf_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(root_with_user_drops_to_it),
        cmocka_unit_test(root_without_user_becomes_hao_when_it_exists),
        cmocka_unit_test(explicit_root_stays_root_with_a_warning),
        cmocka_unit_test(bad_users_are_refused),
        cmocka_unit_test(no_plan_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
