/*
 * test_comment_text.c — unit tests for src/site/audience/comment_text.c: a
 * comment's stored form (every bad input refused with its reason, line
 * breaks and white space normalised, the 2,000-character limit counted in
 * characters) and its HTML (escaped text, paragraphs, http(s) links with
 * rel="nofollow ugc" that end where prose punctuation, Chinese included,
 * begins; nothing else ever linked), plus a generated sweep of hostile
 * inputs checked for markup the renderer did not write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "site/audience/comment_text.h"

/* ---- the stored form ---- */

static void test_normalize_good(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"hello", "hello"},
        {"  spaced  ", "spaced"},
        {"\xe3\x80\x80全角空格\xe3\x80\x80", "全角空格"}, /* U+3000 trimmed */
        {"a\r\nb", "a\nb"},                               /* CRLF from a textarea */
        {"a\rb", "a\nb"},                                 /* a lone CR */
        {"a\n\n\n\n\nb", "a\n\nb"},                       /* at most one blank line */
        {"a\r\n\r\n\r\n\r\nb", "a\n\nb"},
        {"\r\n\r\n  head and tail \r\n\r\n", "head and tail"},
        {"tab\there", "tab\there"},
        {"<script>alert(1)</script>", "<script>alert(1)</script>"}, /* stored as text */
        {"emoji 😀 ok", "emoji 😀 ok"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf_t out = BUF_INIT;
        const char *why = NULL;
        if (comment_text_normalize(cases[i].in, strlen(cases[i].in), &out, &why) != 0)
            fail_msg("case %zu refused: %s", i, why);
        assert_string_equal(buf_cstr(&out), cases[i].out);
        buf_free(&out);
    }
}

static void test_normalize_bad(void **state)
{
    (void)state;
    char max_ok[2000 * 3 + 1], too_long[2001 * 3 + 1], huge[COMMENT_MAX_BYTES + 2];
    for (int i = 0; i < 2000; i++)
        memcpy(max_ok + 3 * i, "字", 3);
    max_ok[2000 * 3] = 0;
    for (int i = 0; i < 2001; i++)
        memcpy(too_long + 3 * i, "字", 3);
    too_long[2001 * 3] = 0;
    memset(huge, ' ', sizeof huge - 2);
    huge[sizeof huge - 2] = 'x';
    huge[sizeof huge - 1] = 0;

    buf_t out = BUF_INIT;
    const char *why;
    assert_int_equal(comment_text_normalize(max_ok, strlen(max_ok), &out, &why), 0);
    assert_int_equal(out.len, 2000 * 3);
    buf_free(&out);

    static const char nul_inside[] = "before\0after";
    static const struct {
        const char *in;
        size_t len; /* 0: strlen */
        const char *why;
    } cases[] = {
        {"", 0, "empty"},
        {"   \n\t\r\n\xe3\x80\x80 ", 0, "empty"},
        {nul_inside, sizeof nul_inside - 1, "bad"},
        {"bad \xff byte", 0, "bad"},
        {"overlong \xc0\xaf slash", 0, "bad"},
        {"surrogate \xed\xa0\x80", 0, "bad"},
        {"truncated \xe5\xad", 0, "bad"},
        {"bell \x07", 0, "bad"},
        {"escape \x1b[31m", 0, "bad"},
        {"delete \x7f", 0, "bad"},
        {"c1 \xc2\x85 next line", 0, "bad"},
        {"c1 \xc2\x9b csi", 0, "bad"},
        {"vertical \x0b tab", 0, "bad"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf_t o = BUF_INIT;
        why = NULL;
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
        if (comment_text_normalize(cases[i].in, len, &o, &why) != -1)
            fail_msg("case %zu accepted", i);
        assert_string_equal(why, cases[i].why);
        assert_int_equal(o.len, 0); /* out untouched */
        buf_free(&o);
    }
    why = NULL;
    assert_int_equal(comment_text_normalize(too_long, strlen(too_long), &out, &why), -1);
    assert_string_equal(why, "long");
    why = NULL;
    assert_int_equal(comment_text_normalize(huge, strlen(huge), &out, &why), -1);
    assert_string_equal(why, "long");
    assert_int_equal(out.len, 0);
    buf_free(&out);
}

/* ---- HTML ---- */

static void html_is(const char *in, const char *want)
{
    buf_t out = BUF_INIT;
    comment_text_html(in, strlen(in), &out);
    if (strcmp(buf_cstr(&out), want) != 0)
        fail_msg("for %s\n got  %s\n want %s", in, buf_cstr(&out), want);
    buf_free(&out);
}

#define A(u) "<a href=\"" u "\" rel=\"nofollow ugc\">" u "</a>"

static void test_html_text(void **state)
{
    (void)state;
    html_is("<script>alert('x')</script> & \"q\"",
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
    html_is("one\ntwo\n\nthree", "<p>one<br>\ntwo</p>\n<p>three</p>");
    html_is("", "<p></p>");
    html_is("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>");
}

static void test_html_links(void **state)
{
    (void)state;
    html_is("see https://example.com/a?b=1&c=2.",
            "<p>see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow ugc\">"
            "https://example.com/a?b=1&amp;c=2</a>.</p>");
    html_is("见https://example.com/a。谢谢", "<p>见" A("https://example.com/a") "。谢谢</p>");
    html_is("链接:https://example.com/x,不错", "<p>链接:" A("https://example.com/x") ",不错</p>");
    html_is("(https://example.com/x)", "<p>(" A("https://example.com/x") ")</p>");
    html_is("(见https://example.com/x)", "<p>(见" A("https://example.com/x") ")</p>");
    html_is("(https://en.wikipedia.org/wiki/Foo_(bar))", "<p>(" A("https://en.wikipedia.org/wiki/Foo_(bar)") ")</p>");
    html_is("[https://example.com/]", "<p>[" A("https://example.com/") "]</p>");
    html_is("Look: http://example.com/x!", "<p>Look: " A("http://example.com/x") "!</p>");
    html_is("'https://example.com' and \"https://example.org\"",
            "<p>&#39;" A("https://example.com") "&#39; and &quot;" A("https://example.org") "&quot;</p>");
    html_is("HTTPS://EXAMPLE.COM/Path", "<p>" A("HTTPS://EXAMPLE.COM/Path") "</p>");
    html_is("https://example.com:8080/x?y#z", "<p>" A("https://example.com:8080/x?y#z") "</p>");
    html_is("http://[::1]:8080/", "<p>" A("http://[::1]:8080/") "</p>");
    html_is("a https://a.example/1 b https://b.example/2\nc",
            "<p>a " A("https://a.example/1") " b " A("https://b.example/2") "<br>\nc</p>");
    html_is("https://example.com<script>", "<p>" A("https://example.com") "&lt;script&gt;</p>");
    html_is("https://example.com/\"onmouseover=alert(1)",
            "<p>" A("https://example.com/") "&quot;onmouseover=alert(1)</p>");
    html_is("https://example.com/'onclick='x", "<p>" A("https://example.com/&#39;onclick=&#39;x") "</p>");
}

static void test_html_not_links(void **state)
{
    (void)state;
    static const char *const plain[] = {
        "javascript:alert(1)",
        "JAVASCRIPT://example.com/%0aalert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "ftp://example.com/file",
        "xhttps://example.com",
        "_http://example.com",
        "9https://example.com",
        "http://",
        "https://",
        "https://.",
        "https://-bad.example/",
        "https://.example.com/",
        "https://user@example.com/",
        "https://bank.example@evil.example/",
        "https://example.com:99999999/",
        "https://example.com:/x",
        "https://example.com:8a/",
        "https://[]/",
        "https://[::1/",
        "https://exa_mple.com/",
        "https:/example.com",
        "https//example.com",
        "www.example.com",
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        buf_t out = BUF_INIT;
        comment_text_html(plain[i], strlen(plain[i]), &out);
        if (strstr(buf_cstr(&out), "<a "))
            fail_msg("linked %s: %s", plain[i], buf_cstr(&out));
        buf_free(&out);
    }
    /* The position API: only at a URL's start. */
    const char *s = "go https://example.com now";
    assert_int_equal(comment_text_url(s, strlen(s), 3), strlen("https://example.com"));
    assert_int_equal(comment_text_url(s, strlen(s), 4), 0);
    assert_int_equal(comment_text_url(s, strlen(s), 0), 0);
}

/* Every '<' the renderer writes starts one of its own tags, every link's
 * href starts with http:// or https://, and no text byte survives
 * unescaped: checked over generated inputs made of the pieces that break
 * naive autolinkers. */
static void check_markup(const char *in, const char *html)
{
    static const char *const tags[] = {"<p>", "</p>", "<br>", "</a>", "<a href=\""};
    for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
        size_t k = 0;
        while (k < 5 && strncmp(p, tags[k], strlen(tags[k])) != 0)
            k++;
        if (k == 5)
            fail_msg("stray markup in %s for input %s", html, in);
        if (k == 4) {
            const char *u = p + strlen(tags[4]);
            if (strncasecmp(u, "http://", 7) != 0 && strncasecmp(u, "https://", 8) != 0)
                fail_msg("link to %s for input %s", u, in);
            const char *end = strchr(u, '"');
            if (!end || strncmp(end, "\" rel=\"nofollow ugc\">", 21) != 0)
                fail_msg("attribute broken in %s for input %s", html, in);
            for (const char *q = u; q < end; q++)
                if (*q == ' ' || *q == '<' || *q == '>' || *q == '\'')
                    fail_msg("unescaped %c in href for input %s", *q, in);
        }
    }
    /* Outside the renderer's tags, no quote and no '>' appear raw. */
    buf_t text = BUF_INIT;
    for (const char *p = html; *p;) {
        if (*p == '<') {
            const char *gt = strchr(p, '>');
            p = gt ? gt + 1 : p + strlen(p);
            continue;
        }
        buf_ch(&text, *p++);
    }
    const char *t = buf_cstr(&text);
    if (strchr(t, '"') || strchr(t, '>') || strchr(t, '\''))
        fail_msg("raw quote or '>' in %s for input %s", html, in);
    buf_free(&text);
}

static void test_html_sweep(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "http://", "https://", "HtTpS://", "javascript:", "<", ">",           "\"", "'",   "&",           "(", ")",
        "[",       "]",        ".",        ",",           "a", "example.com", "/",  "?",   "#",           "@", ":",
        "8",       "。",       ",",        "\n",          " ", "-",           "_",  "%2F", "\xe5\xad\x97"};
    const size_t np = sizeof pieces / sizeof pieces[0];
    uint32_t x = 2463534242u; /* xorshift: the same inputs on every run */
    for (int round = 0; round < 20000; round++) {
        char in[256];
        size_t n = 0;
        int count = 1 + (int)(round % 12);
        for (int k = 0; k < count; k++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            const char *p = pieces[x % np];
            size_t l = strlen(p);
            if (n + l >= sizeof in)
                break;
            memcpy(in + n, p, l);
            n += l;
        }
        in[n] = 0;
        buf_t out = BUF_INIT;
        comment_text_html(in, n, &out);
        check_markup(in, buf_cstr(&out));
        buf_free(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_good), cmocka_unit_test(test_normalize_bad),  cmocka_unit_test(test_html_text),
        cmocka_unit_test(test_html_links),     cmocka_unit_test(test_html_not_links), cmocka_unit_test(test_html_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
