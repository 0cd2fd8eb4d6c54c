/*
 * test_router.c — unit tests for route finding (src/http/router.c against the
 * real table in src/site/routes.c): which handler a method + path reaches,
 * decoded path parameters (Chinese tag names included), 404 / 405 / 400, HEAD
 * on GET routes, and that the table's admission rules are what the product
 * promises (studio needs a creator, API writes need a token and a body cap,
 * forms need CSRF).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/router.h"
#include "site/app.h"
#include "site/api/api.h"
#include "site/creator/schedule.h"
#include "site/reader/feed.h"
#include "site/reader/pages.h"
#include "site/studio/studio.h"

/* A request with only what router_find uses: a memory pool. */
typedef struct {
    h2o_req_t h;
    hreq_t r;
} fake_t;

static int setup(void **state)
{
    fake_t *f = calloc(1, sizeof *f);
    h2o_mem_init_pool(&f->h.pool);
    f->r.h = &f->h;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fake_t *f = *state;
    h2o_mem_clear_pool(&f->h.pool);
    free(f);
    return 0;
}

static const route_t *find(fake_t *f, const char *method, const char *path, int *status)
{
    return router_find(&f->r, method, strlen(method), path, strlen(path), status);
}

static void test_literal_and_param(void **state)
{
    fake_t *f = *state;
    int st;
    const route_t *rt = find(f, "GET", "/", &st);
    assert_non_null(rt);
    assert_ptr_equal(rt->handler, pages_home);
    assert_int_equal(st, 200);

    rt = find(f, "GET", "/a/0123456789abcdef", &st);
    assert_non_null(rt);
    assert_ptr_equal(rt->handler, pages_work);
    assert_int_equal(f->r.nparams, 1);
    assert_string_equal(rq_param(&f->r, 0), "0123456789abcdef");
}

static void test_chinese_tag_decoded(void **state)
{
    fake_t *f = *state;
    int st;
    const route_t *rt = find(f, "GET", "/t/%E6%97%A0%E4%BA%BA%E6%9C%BA", &st);
    assert_non_null(rt);
    assert_ptr_equal(rt->handler, pages_tag);
    assert_string_equal(rq_param(&f->r, 0), "无人机");
    /* The feed of that tag is a longer pattern, not the tag page. */
    rt = find(f, "GET", "/t/%E6%97%A0%E4%BA%BA%E6%9C%BA/feed.atom", &st);
    assert_non_null(rt);
    assert_ptr_equal(rt->handler, feed_atom_tag);
    assert_string_equal(rq_param(&f->r, 0), "无人机");
}

static void test_bad_encodings_are_400(void **state)
{
    fake_t *f = *state;
    int st;
    static const char *const bad[] = {
        "/t/%FF%FE",     /* not UTF-8 */
        "/t/%E6%97",     /* truncated sequence */
        "/t/%zz",        /* not hex */
        "/t/abc%",       /* cut escape */
        "/t/a%00b",      /* NUL */
        "/u/%C0%AF",     /* overlong '/' */
        "/a/%ED%A0%80",  /* surrogate */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(find(f, "GET", bad[i], &st));
        assert_int_equal(st, 400);
    }
}

static void test_not_found_and_method(void **state)
{
    fake_t *f = *state;
    int st;
    assert_null(find(f, "GET", "/no/such/page", &st));
    assert_int_equal(st, 404);
    assert_null(find(f, "GET", "/a/", &st)); /* an empty parameter matches nothing */
    assert_int_equal(st, 404);
    assert_null(find(f, "GET", "/a/x/y", &st));
    assert_int_equal(st, 404);
    assert_null(find(f, "PATCH", "/api/v1/articles", &st));
    assert_int_equal(st, 405);
    assert_null(find(f, "DELETE", "/", &st));
    assert_int_equal(st, 405);
    /* HEAD is answered by GET routes. */
    const route_t *rt = find(f, "HEAD", "/a/abc", &st);
    assert_non_null(rt);
    assert_ptr_equal(rt->handler, pages_work);
}

static void test_api_routes(void **state)
{
    fake_t *f = *state;
    int st;
    /* Publishing goes through the scheduler's door (issue 14): with "at" it
     * schedules, without it publishes at once as api_articles_publish did. */
    const route_t *rt = find(f, "POST", "/api/v1/articles/abc/publish", &st);
    assert_non_null(rt);
    assert_ptr_equal(rt->handler, sched_api_publish);
    assert_string_equal(rq_param(&f->r, 0), "abc");
    rt = find(f, "PUT", "/api/v1/articles/abc", &st);
    assert_non_null(rt);
    assert_ptr_equal(rt->handler, api_articles_update);
    rt = find(f, "DELETE", "/api/v1/articles/abc", &st);
    assert_non_null(rt);
    assert_ptr_equal(rt->handler, api_articles_delete);
}

/* The table itself: every write is gated the way the product promises. */
static void test_admission_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < routes_count; i++) {
        const route_t *rt = &routes[i];
        int is_get = strcmp(rt->method, "GET") == 0;
        if (is_get) {
            assert_int_equal(rt->body_max, 0);
            assert_false(rt->flags & RT_CSRF);
        }
        /* The studio is the creator's, but for the statement of reasons and
         * the counter-notice and complaint forms: anyone whose content was
         * removed (a commenter too) reads and answers there, signed in. */
        if (strncmp(rt->pattern, "/studio/notices", 15) == 0)
            assert_true(rt->role >= ROLE_READER);
        else if (strncmp(rt->pattern, "/studio", 7) == 0)
            assert_true(rt->role >= ROLE_CREATOR);
        /* Every form POST carries a CSRF token, but the RFC 8058 one-click
         * unsubscribe: mail providers POST it with no session and no token
         * (the signed token in the URL is the authority); and the
         * ActivityPub inboxes, which servers POST with an HTTP Signature
         * instead (site/federation/inbox.h). */
        int signed_inbox = strcmp(rt->pattern, "/inbox") == 0 || strcmp(rt->pattern, "/u/:handle/inbox") == 0;
        if (signed_inbox)
            assert_true(rt->flags & RT_API);
        if (!is_get && strncmp(rt->pattern, "/api/", 5) != 0 && strcmp(rt->pattern, "/unsubscribe/:token") != 0 &&
            !signed_inbox)
            assert_true(rt->flags & (RT_CSRF | RT_CSRF_BODY));
        if (strncmp(rt->pattern, "/api/", 5) == 0)
            assert_true(rt->flags & RT_API);
        if (rt->flags & RT_CACHE) {
            assert_true(is_get);
            assert_int_equal(rt->role, ROLE_NONE); /* only public pages are shared from the cache */
        }
        if (!is_get && strcmp(rt->method, "DELETE") != 0)
            assert_true(rt->body_max > 0 || (rt->flags & RT_UPLOAD)); /* uploads: the site's upload limit */
    }
    /* h2o's cap is derived from the table. */
    assert_true(router_max_body() >= 1024 * 1024);
}

/* No two rows share a method and pattern: the first would always win and
 * the second would be dead code that reads as if it answered (one did:
 * POST /api/v1/articles/:id/publish, before the scheduler took it over). */
static void test_no_dead_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < routes_count; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(routes[i].method, routes[j].method) == 0 && strcmp(routes[i].pattern, routes[j].pattern) == 0)
                fail_msg("route %zu repeats route %zu: %s %s", i, j, routes[i].method, routes[i].pattern);
}

int main(void)
{
    /* The real table, registered as `hao serve` does (site/app.h). */
    server_app_t app = {.routes = routes, .nroutes = routes_count};
    router_use(&app);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_literal_and_param, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chinese_tag_decoded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_encodings_are_400, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_found_and_method, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_routes, setup, teardown),
        cmocka_unit_test(test_admission_rules),
        cmocka_unit_test(test_no_dead_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
