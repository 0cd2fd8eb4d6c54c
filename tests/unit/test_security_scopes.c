/*
 * test_security_scopes.c — every API route of the real table
 * (src/site/routes.c) needs a token scope (http.h: route_scope), and the
 * scope is at least what the route does: a read for GET, a write for any
 * other method, moderate for a moderator's route, admin for an admin's. A
 * new API route gets its scope from that rule or from an explicit
 * RT_SCOPE_* flag; this test fails when a flag would let a token do more
 * than the rule allows (a POST marked read, an admin route marked write),
 * and when the rule's results for the routes named below change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/router.h"
#include "site/app.h"
#include "site/security/security.h"

/* Routes that answer a POST but only read (none so far): name them here. */
static const char *const post_reads[] = {NULL};

static int is_post_read(const route_t *rt)
{
    for (size_t i = 0; post_reads[i]; i++)
        if (strcmp(post_reads[i], rt->pattern) == 0)
            return 1;
    return 0;
}

static void every_api_route_has_a_sufficient_scope(void **state)
{
    (void)state;
    size_t api = 0;
    for (size_t i = 0; i < routes_count; i++) {
        const route_t *rt = &routes[i];
        if (!(rt->flags & RT_API))
            continue;
        api++;
        enum scope s = route_scope(rt);
        char what[300];
        snprintf(what, sizeof what, "%s %s has scope %d", rt->method, rt->pattern, (int)s);
        if (s < SCOPE_READ || s > SCOPE_ADMIN)
            fail_msg("%s: not a scope", what);
        if (strcmp(rt->method, "GET") != 0 && s < SCOPE_WRITE && !is_post_read(rt))
            fail_msg("%s: a write that a read-only token could do", what);
        if (rt->role >= ROLE_MODERATOR && s < SCOPE_MODERATE)
            fail_msg("%s: a moderator's route below moderate", what);
        if (rt->role >= ROLE_ADMIN && s < SCOPE_ADMIN)
            fail_msg("%s: an admin's route below admin", what);
    }
    assert_true(api >= 20);
}

static void the_rule(void **state)
{
    (void)state;
    static const struct {
        const char *method, *pattern;
        enum scope want;
    } cases[] = {
        {"GET", "/api/v1/articles", SCOPE_READ},
        {"GET", "/api/v1/articles/:id", SCOPE_READ},
        {"POST", "/api/v1/articles", SCOPE_WRITE},
        {"PUT", "/api/v1/articles/:id", SCOPE_WRITE},
        {"DELETE", "/api/v1/articles/:id", SCOPE_WRITE},
        {"POST", "/api/v1/media", SCOPE_WRITE},
        {"GET", "/api/v1/timeline", SCOPE_READ},
        {"PUT", "/api/v1/follows/:handle", SCOPE_WRITE},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int found = 0;
        for (size_t i = 0; i < routes_count; i++)
            if (strcmp(routes[i].method, cases[c].method) == 0 && strcmp(routes[i].pattern, cases[c].pattern) == 0) {
                assert_int_equal(route_scope(&routes[i]), cases[c].want);
                found = 1;
            }
        assert_true(found);
    }
    /* An explicit flag wins; the derived scope follows the role. */
    route_t explicit_read = {"POST", "/x", NULL, ROLE_READER, RT_API | RT_SCOPE_READ, 0};
    assert_int_equal(route_scope(&explicit_read), SCOPE_READ);
    route_t mod = {"GET", "/x", NULL, ROLE_MODERATOR, RT_API, 0};
    assert_int_equal(route_scope(&mod), SCOPE_MODERATE);
    route_t adm = {"POST", "/x", NULL, ROLE_ADMIN, RT_API, 0};
    assert_int_equal(route_scope(&adm), SCOPE_ADMIN);
}

static void scope_words(void **state)
{
    (void)state;
    assert_int_equal(sec_scope_from("read"), SCOPE_READ);
    assert_int_equal(sec_scope_from("admin"), SCOPE_ADMIN);
    assert_int_equal(sec_scope_from("Admin"), SCOPE_NONE);
    assert_int_equal(sec_scope_from(""), SCOPE_NONE);
    assert_int_equal(sec_scope_from(NULL), SCOPE_NONE);
    assert_int_equal(sec_scope_max(ROLE_READER), SCOPE_WRITE);
    assert_int_equal(sec_scope_max(ROLE_CREATOR), SCOPE_WRITE);
    assert_int_equal(sec_scope_max(ROLE_MODERATOR), SCOPE_MODERATE);
    assert_int_equal(sec_scope_max(ROLE_ADMIN), SCOPE_ADMIN);
    assert_string_equal(sec_scope_name(SCOPE_MODERATE), "moderate");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_api_route_has_a_sufficient_scope),
        cmocka_unit_test(the_rule),
        cmocka_unit_test(scope_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
