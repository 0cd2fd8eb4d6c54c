/*
 * test_token.c — unit tests for the helpers the refactoring shared out:
 * src/core/token.c (hand-out tokens kept as SHA-256 hashes), text_blank in
 * src/core/text.c and clock_rfc3339 in src/core/clock.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/clock.h"
#include "core/text.h"
#include "core/token.h"

static int hex_only(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

/* The known SHA-256 of "abc" (FIPS 180-2 example). */
static void sha256_of_known_text(void **state)
{
    (void)state;
    char h[65];
    token_sha256_hex("abc", h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* Each size the callers use gives that many hex digits and a matching hash;
 * two tokens differ. */
static void new_tokens_have_the_asked_size(void **state)
{
    (void)state;
    static const size_t sizes[] = {33, 49, 65};
    for (size_t i = 0; i < 3; i++) {
        char t[65], u[65], h[65], want[65];
        token_new(t, sizes[i], h);
        token_new(u, sizes[i], want);
        assert_int_equal(strlen(t), sizes[i] - 1);
        assert_true(hex_only(t));
        assert_string_not_equal(t, u);
        token_sha256_hex(t, want);
        assert_string_equal(h, want);
        assert_int_equal(token_matches(t, sizes[i] - 1, h), 1);
    }
}

/* A token matches only at its length, against its own hash, and never a
 * missing or malformed stored hash. */
static void matches_refuses_the_wrong_things(void **state)
{
    (void)state;
    char t[33], h[65], other[65];
    token_new(t, sizeof t, h);
    token_sha256_hex("something else", other);
    assert_int_equal(token_matches(t, 32, h), 1);
    assert_int_equal(token_matches(t, 48, h), 0);       /* another kind's length */
    assert_int_equal(token_matches(t, 32, other), 0);   /* another token's hash */
    assert_int_equal(token_matches(NULL, 32, h), 0);
    assert_int_equal(token_matches(t, 32, NULL), 0);
    assert_int_equal(token_matches(t, 32, ""), 0);      /* short stored hash */
    h[63] = 0;
    assert_int_equal(token_matches(t, 32, h), 0);
}

static void blank_fields(void **state)
{
    (void)state;
    assert_int_equal(text_blank(NULL), 1);
    assert_int_equal(text_blank(""), 1);
    assert_int_equal(text_blank(" \t\r\n"), 1);
    assert_int_equal(text_blank("\xe3\x80\x80"), 1); /* U+3000 ideographic space */
    assert_int_equal(text_blank(" a "), 0);
    assert_int_equal(text_blank("王"), 0);
}

static void rfc3339_utc(void **state)
{
    (void)state;
    char s[32];
    clock_rfc3339(0, s);
    assert_string_equal(s, "1970-01-01T00:00:00Z");
    clock_rfc3339(1700000000, s);
    assert_string_equal(s, "2023-11-14T22:13:20Z");
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_of_known_text),
        cmocka_unit_test(new_tokens_have_the_asked_size),
        cmocka_unit_test(matches_refuses_the_wrong_things),
        cmocka_unit_test(blank_fields),
        cmocka_unit_test(rfc3339_utc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
