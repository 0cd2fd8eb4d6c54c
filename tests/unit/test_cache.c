/*
 * test_cache.c — the page cache's two invalidation signals (core/changed.h,
 * http/cache.c): a global change makes every page stale at once; a change
 * to one work (changed_work: a comment, a like) makes that work's page
 * stale at once and every other page stale only once it is a second old.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/changed.h"
#include "http/cache.h"

static void put(page_cache_t *c, const char *key, const char *view_id)
{
    cache_put(c, changed_generation(), changed_work_generation(), key, strlen(key), 200, "text/html", "x", 1, view_id,
              NULL);
}

static const cached_page_t *get(page_cache_t *c, const char *key)
{
    return cache_get(c, key, strlen(key));
}

static void work_change_is_fine_grained(void **state)
{
    (void)state;
    page_cache_t *c = cache_create();
    put(c, "a", "aaaaaaaaaaaaaaaa");
    put(c, "b", "bbbbbbbbbbbbbbbb");
    put(c, "home", NULL);
    assert_non_null(get(c, "a"));
    changed_work("aaaaaaaaaaaaaaaa");
    assert_null(get(c, "a"));       /* its page: at once */
    assert_non_null(get(c, "b"));   /* another work's page: untouched */
    assert_non_null(get(c, "home")); /* a list: may lag... */
    /* ...by up to a second. */
    struct timespec ts = {1, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    assert_null(get(c, "home"));
    assert_non_null(get(c, "b"));
    /* Rendered afresh after the change: fresh again. */
    put(c, "home", NULL);
    put(c, "a", "aaaaaaaaaaaaaaaa");
    assert_non_null(get(c, "home"));
    assert_non_null(get(c, "a"));
    cache_destroy(c);
}

/* A page whose rendering began before a work changed is stale even though
 * it was stored after. */
static void change_during_render(void **state)
{
    (void)state;
    page_cache_t *c = cache_create();
    uint64_t g = changed_generation(), wg = changed_work_generation();
    changed_work("cccccccccccccccc");
    cache_put(c, g, wg, "c", 1, 200, "text/html", "x", 1, "cccccccccccccccc", NULL);
    assert_null(get(c, "c"));
    cache_destroy(c);
}

static void global_change_is_everything(void **state)
{
    (void)state;
    page_cache_t *c = cache_create();
    put(c, "a", "aaaaaaaaaaaaaaaa");
    put(c, "home", NULL);
    changed_signal();
    assert_null(get(c, "a"));
    assert_null(get(c, "home"));
    cache_destroy(c);
}

/* The bytes held are counted (a replaced or stale slot gives its bytes
 * back) and stay under 32 MB a loop however many distinct keys strangers
 * send: past the bound a page is not kept, and the ones kept stay. */
static void bytes_are_bounded(void **state)
{
    (void)state;
    page_cache_t *c = cache_create();
    assert_int_equal(cache_bytes(c), 0);
    put(c, "home", NULL);
    put(c, "a", NULL);
    assert_int_equal(cache_bytes(c), 4 + 1 + 1 + 1);
    put(c, "home", NULL); /* the same slot again */
    assert_int_equal(cache_bytes(c), 4 + 1 + 1 + 1);

    size_t len = 500 * 1024, stored = 0;
    char *body = calloc(1, len);
    assert_non_null(body);
    char key[32];
    for (int i = 0; i < 100; i++) {
        int n = snprintf(key, sizeof key, "/?x=%d", i);
        cache_put(c, changed_generation(), changed_work_generation(), key, (size_t)n, 200, "text/html", body, len,
                  NULL, NULL);
        assert_true(cache_bytes(c) <= (size_t)32 << 20);
    }
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "/?x=%d", i);
        if (get(c, key))
            stored++;
    }
    assert_true(stored >= 60 && stored <= 65); /* 32 MB of 500 KB pages, less what the hash pairs up */
    assert_non_null(get(c, "/?x=0"));         /* the first ones stay */
    assert_null(get(c, "/?x=99"));           /* the last ones are not kept */
    assert_non_null(get(c, "home"));
    /* After a change every page is stale: the next page finds room. */
    changed_signal();
    cache_put(c, changed_generation(), changed_work_generation(), "/?x=99", 6, 200, "text/html", body, len, NULL,
              NULL);
    assert_non_null(get(c, "/?x=99"));
    assert_true(cache_bytes(c) <= (size_t)1 << 20);
    free(body);
    cache_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(work_change_is_fine_grained),
        cmocka_unit_test(change_during_render),
        cmocka_unit_test(global_change_is_everything),
        cmocka_unit_test(bytes_are_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
