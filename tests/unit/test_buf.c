/*
 * test_buf.c — unit tests for src/core/buf.c: the capped buffer and the
 * escaping writers every page, feed and API answer goes through (buf_html,
 * buf_htmlz, buf_xml, buf_url, buf_json_str, buf_hprintf). Each expectation
 * is a literal byte string, so a writer that escapes one character more or
 * less fails here before it changes a page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <cmocka.h>

#include "core/buf.h"

/* Values the compiler cannot see through, so that format checks do not
 * complain about what the tests pass on purpose (a NULL %s, a refused
 * conversion in a non-literal format). */
static const char *volatile null_str = NULL;
static const char *volatile fmt_long_double = "a%Lfb";
static const char *volatile fmt_n = "a%nb";
static const char *volatile fmt_trailing = "a%";
static const char *volatile fmt_wide = "a%lsb";

/* The buffer's bytes as a string, then freed; compared by the caller. */
#define ASSERT_BUF(b, want)                                                                                            \
    do {                                                                                                               \
        assert_int_equal((b)->len, strlen(want));                                                                      \
        assert_memory_equal(buf_cstr(b), (want), strlen(want) + 1);                                                    \
        assert_int_equal((b)->err, 0);                                                                                 \
        buf_free(b);                                                                                                   \
    } while (0)

/* ---- the buffer ---- */

static void raw_appends_and_cstr(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    assert_string_equal(buf_cstr(&b), ""); /* never NULL, even unused */
    buf_raw(&b, "ab\0c", 4);               /* counted bytes, NUL included */
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.p, "ab\0c", 5);
    buf_reset(&b);
    buf_lit(&b, "<p>");
    buf_rawz(&b, "x&y");
    buf_ch(&b, '!');
    buf_int(&b, -42);
    buf_printf(&b, "|%s|%zu", "<raw>", (size_t)7);
    ASSERT_BUF(&b, "<p>x&y!-42|<raw>|7");
}

/* Growth past the first allocation keeps every byte. */
static void grows_beyond_first_block(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    for (int i = 0; i < 1000; i++)
        buf_lit(&b, "0123456789");
    assert_int_equal(b.len, 10000);
    assert_true(b.cap > 10000);
    assert_memory_equal(b.p + 9990, "0123456789", 11);
    buf_free(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
}

/* Appending past max sets err; nothing of the failed append lands, and later
 * appends are ignored even when they would fit, until buf_reset. */
static void cap_sets_err_and_ignores_more(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 10);
    buf_lit(&b, "12345678");
    assert_int_equal(b.err, 0);
    buf_lit(&b, "abc"); /* 11 > 10 */
    assert_int_equal(b.err, 1);
    assert_int_equal(b.len, 8);
    buf_ch(&b, 'z'); /* would fit, but the buffer has failed */
    buf_htmlz(&b, "y");
    buf_hprintf(&b, "%d", 1);
    assert_int_equal(b.len, 8);
    assert_string_equal(buf_cstr(&b), "12345678");
    buf_reset(&b);
    assert_int_equal(b.err, 0);
    assert_int_equal(b.len, 0);
    buf_lit(&b, "0123456789"); /* exactly max is allowed */
    assert_int_equal(b.err, 0);
    assert_int_equal(b.len, 10);
    buf_free(&b);
}

/* An escape that would cross the cap fails the buffer rather than writing
 * half an entity. */
static void cap_never_cuts_an_escape(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 6);
    buf_lit(&b, "ab");
    buf_htmlz(&b, "<"); /* "&lt;" would make 6: fits */
    assert_int_equal(b.err, 0);
    assert_string_equal(buf_cstr(&b), "ab&lt;");
    buf_free(&b);
    buf_init(&b, 5);
    buf_lit(&b, "ab");
    buf_htmlz(&b, "<");
    assert_int_equal(b.err, 1);
    assert_string_equal(buf_cstr(&b), "ab");
    buf_free(&b);
}

static void steal_takes_ownership(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    buf_lit(&b, "hello");
    size_t n = 0;
    char *p = buf_steal(&b, &n);
    assert_non_null(p);
    assert_int_equal(n, 5);
    assert_string_equal(p, "hello");
    assert_null(b.p); /* the buffer no longer owns it */
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    buf_lit(&b, "x"); /* and can be used again */
    assert_string_equal(buf_cstr(&b), "x");
    buf_free(&b);
    free(p);

    char *e = buf_steal(&b, &n); /* never used: an empty, freeable string */
    assert_non_null(e);
    assert_int_equal(n, 0);
    assert_string_equal(e, "");
    free(e);
    e = buf_steal(&b, NULL); /* len is optional */
    assert_non_null(e);
    free(e);
}

/* ---- escaping writers ---- */

static void html_escapes_five_characters(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    buf_htmlz(&b, "a&b<c>d\"e'f");
    ASSERT_BUF(&b, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    buf_htmlz(&b, "<<&&>>");
    ASSERT_BUF(&b, "&lt;&lt;&amp;&amp;&gt;&gt;");
    buf_htmlz(&b, "王小明 / = ; ` \\ \t\n"); /* the rest, UTF-8 included, as it is */
    ASSERT_BUF(&b, "王小明 / = ; ` \\ \t\n");
    buf_htmlz(&b, "&amp;"); /* no double-escape detection: escaped text is text */
    ASSERT_BUF(&b, "&amp;amp;");
}

/* buf_html takes n bytes, not up to a NUL; buf_htmlz(NULL) writes nothing. */
static void html_counted_and_null(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    buf_html(&b, "<ab>", 2);
    ASSERT_BUF(&b, "&lt;a");
    buf_html(&b, "a\0<", 3);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.p, "a\0&lt;", 6);
    buf_free(&b);
    buf_lit(&b, "x");
    buf_htmlz(&b, NULL);
    buf_html(&b, "<", 0);
    ASSERT_BUF(&b, "x");
}

/* XML: escaped as HTML, C0 controls other than tab, LF and CR dropped. */
static void xml_drops_forbidden_controls(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    const char in[] = "a\x01<b\x08\t\n\r\x1f'\x0b\x0c\x7f";
    buf_xml(&b, in, sizeof in - 1);
    ASSERT_BUF(&b, "a&lt;b\t\n\r&#39;\x7f"); /* DEL is allowed in XML 1.0 */
    const char nul[] = "x\0y&";
    buf_xml(&b, nul, sizeof nul - 1); /* NUL is forbidden too */
    ASSERT_BUF(&b, "xy&amp;");
    /* U+FFFE and U+FFFF are outside XML 1.0's Char production too; their
     * neighbours U+FFFD and U+FEFF (EF BB BF) stay, and a cut-off sequence
     * at the end is left to the caller's UTF-8 check. */
    const char nonchar[] = "a\xef\xbf\xbe<\xef\xbf\xbf\xef\xbf\xbd" "b\xef\xbb\xbf\xef\xbf";
    buf_xml(&b, nonchar, sizeof nonchar - 1);
    ASSERT_BUF(&b, "a&lt;\xef\xbf\xbd" "b\xef\xbb\xbf\xef\xbf");
}

static void url_encodes_all_but_unreserved(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    const char *s = "AZaz09-_.~ /?#&=%+\"<王";
    buf_url(&b, s, strlen(s));
    ASSERT_BUF(&b, "AZaz09-_.~%20%2F%3F%23%26%3D%25%2B%22%3C%E7%8E%8B");
    buf_url(&b, "a\0b", 3);
    ASSERT_BUF(&b, "a%00b");
}

static void json_escapes(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    buf_json_strz(&b, "say \"hi\"\\ now");
    ASSERT_BUF(&b, "\"say \\\"hi\\\"\\\\ now\"");
    buf_json_strz(&b, "a\nb\rc\td");
    ASSERT_BUF(&b, "\"a\\nb\\rc\\td\"");
    buf_json_strz(&b, "\x01\x1f\x08\x0c");
    ASSERT_BUF(&b, "\"\\u0001\\u001f\\u0008\\u000c\"");
    buf_json_strz(&b, "</script><!--"); /* safe inside a <script> element */
    ASSERT_BUF(&b, "\"\\u003c/script\\u003e\\u003c!--\"");
    buf_json_strz(&b, "&'/\x7f");
    ASSERT_BUF(&b, "\"&'/\x7f\"");
    buf_json_str(&b, "a\0b", 3);
    ASSERT_BUF(&b, "\"a\\u0000b\"");
    buf_json_strz(&b, "");
    ASSERT_BUF(&b, "\"\"");
    buf_json_strz(&b, NULL);
    ASSERT_BUF(&b, "null");
}

/* As implemented: UTF-8 passes through byte for byte, U+2028/U+2029 too
 * (valid JSON; hao never evaluates JSON as script source), and so do bytes
 * that are not UTF-8 (inputs are validated at decode, not here). */
static void json_passes_utf8_through(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    buf_json_strz(&b, "王\xe2\x80\xa8\xe2\x80\xa9");
    ASSERT_BUF(&b, "\"王\xe2\x80\xa8\xe2\x80\xa9\"");
    buf_json_strz(&b, "\xff\xc3(");
    ASSERT_BUF(&b, "\"\xff\xc3(\"");
}

/* ---- buf_hprintf ---- */

static void hprintf_escapes_strings(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    /* The format is markup and is copied; the %s values are escaped. */
    buf_hprintf(&b, "<a href=\"/u/%s\" title='%s'>%s</a>", "a\"b", "it's", "<b>&");
    ASSERT_BUF(&b, "<a href=\"/u/a&quot;b\" title='it&#39;s'>&lt;b&gt;&amp;</a>");
    buf_hprintf(&b, "[%.*s][%.3s]", 4, "<&>\"'", "''''");
    ASSERT_BUF(&b, "[&lt;&amp;&gt;&quot;][&#39;&#39;&#39;]");
    buf_hprintf(&b, "%c%c%c", '<', 'x', '\'');
    ASSERT_BUF(&b, "&lt;x&#39;");
    buf_hprintf(&b, "%s", "王 plain text");
    ASSERT_BUF(&b, "王 plain text");
}

/* Width counts the bytes of the unescaped value, as printf counts them. */
static void hprintf_pads_before_escaping(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    buf_hprintf(&b, "[%4s][%-4s][%*s][%3c]", "<", "&", 3, "a", '"');
    ASSERT_BUF(&b, "[   &lt;][&amp;   ][  a][  &quot;]");
}

/* A NULL %s writes nothing (not glibc's "(null)"), and consumes its argument. */
static void hprintf_null_string(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    buf_hprintf(&b, "<p>%s|%.*s|%3s|%d</p>", null_str, 2, null_str, null_str, 7);
    ASSERT_BUF(&b, "<p>||   |7</p>");
}

/* Numbers come out exactly as buf_printf writes them. */
static void hprintf_numbers_match_printf(void **state)
{
    (void)state;
    buf_t h = BUF_INIT, p = BUF_INIT;
#define SAME(...)                                                                                                      \
    do {                                                                                                               \
        buf_hprintf(&h, __VA_ARGS__);                                                                                  \
        buf_printf(&p, __VA_ARGS__);                                                                                   \
        assert_int_equal(h.err, 0);                                                                                    \
        assert_string_equal(buf_cstr(&h), buf_cstr(&p));                                                               \
        buf_reset(&h);                                                                                                 \
        buf_reset(&p);                                                                                                 \
    } while (0)
    SAME("%d %i %d", 0, -2147483647 - 1, 2147483647);
    SAME("%u %x %X %#x %o %#o", 4294967295u, 48879u, 48879u, 255u, 8u, 8u);
    SAME("%ld %lu %lld %llu", -1L, 1UL, -9223372036854775807LL - 1, 18446744073709551615ULL);
    SAME("%zu %zd %jd %ju %td", (size_t)123, (ssize_t)-4, (intmax_t)-5, (uintmax_t)6, (ptrdiff_t)-7);
    SAME("%hhd %hhu %hd %hu", (signed char)-56, (unsigned char)255, (short)-25536, (unsigned short)4464);
    SAME("%5d|%-5d|%05d|%+d|% d|%.3d", 42, 42, 42, 42, 42, 7);
    SAME("%*d|%-*d|%.*d|%*.*d|%*d", 6, 1, 6, 2, 4, 3, 8, 3, 4, -4, 5);
    SAME("%.3f %10.2e %g %G %f %5.1f%%", 3.14159, 12345.678, 0.0001, 1e20, -0.0, 99.95);
    SAME("%lf %a", 2.5, 1.0);
    SAME("%p", (void *)0x1234);
    SAME("%300d|", 1); /* longer than the writer's stack buffer */
    SAME("%%d %%s 100%%");
#undef SAME
    buf_free(&h);
    buf_free(&p);
}

/* A conversion the writer refuses fails the buffer instead of misreading
 * the arguments; what came before stays. */
static void hprintf_refuses_unknown_conversions(void **state)
{
    (void)state;
    const char *volatile fmts[] = {fmt_long_double, fmt_n, fmt_trailing, fmt_wide};
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        buf_t b = BUF_INIT;
        buf_hprintf(&b, fmts[i], NULL);
        assert_int_equal(b.err, 1);
        assert_string_equal(buf_cstr(&b), "a");
        buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(raw_appends_and_cstr),
        cmocka_unit_test(grows_beyond_first_block),
        cmocka_unit_test(cap_sets_err_and_ignores_more),
        cmocka_unit_test(cap_never_cuts_an_escape),
        cmocka_unit_test(steal_takes_ownership),
        cmocka_unit_test(html_escapes_five_characters),
        cmocka_unit_test(html_counted_and_null),
        cmocka_unit_test(xml_drops_forbidden_controls),
        cmocka_unit_test(url_encodes_all_but_unreserved),
        cmocka_unit_test(json_escapes),
        cmocka_unit_test(json_passes_utf8_through),
        cmocka_unit_test(hprintf_escapes_strings),
        cmocka_unit_test(hprintf_pads_before_escaping),
        cmocka_unit_test(hprintf_null_string),
        cmocka_unit_test(hprintf_numbers_match_printf),
        cmocka_unit_test(hprintf_refuses_unknown_conversions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
