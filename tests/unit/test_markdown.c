/*
 * test_markdown.c — unit tests for src/core/markdown.c: the HTML we emit for
 * each construct, that nothing a creator writes becomes markup or a script
 * URL, the md_info_t counts, md_to_text, and failure on cap and on md4c's
 * table blow-up. Outputs are compared whole, so a change in the renderer
 * shows up as a failing test rather than slipping by.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/markdown.h"

/* ---- helpers ---- */

/* The buffer's text as a malloc'd string; frees the buffer. (Not buf_steal:
 * on a buffer nothing was written to it returns an unterminated block.) */
static char *take(buf_t *b)
{
    char *s = strdup(buf_cstr(b));
    assert_non_null(s);
    buf_free(b);
    return s;
}

/* Render src[0..len) to HTML; asserts success. Caller frees the result. */
static char *html_n(const char *src, size_t len, md_info_t *info)
{
    buf_t b = BUF_INIT;
    assert_int_equal(md_to_html(src, len, &b, info), 0);
    assert_int_equal(b.err, 0);
    return take(&b);
}

static char *html(const char *src, md_info_t *info)
{
    return html_n(src, strlen(src), info);
}

static char *text_n(const char *src, size_t len)
{
    buf_t b = BUF_INIT;
    assert_int_equal(md_to_text(src, len, &b), 0);
    return take(&b);
}

static void expect_html(const char *src, const char *want)
{
    char *got = html(src, NULL);
    assert_string_equal(got, want);
    free(got);
}

static void expect_text(const char *src, const char *want)
{
    char *got = text_n(src, strlen(src));
    assert_string_equal(got, want);
    free(got);
}

static int in_list(const char *const *list, const char *s, size_t n)
{
    for (; *list; list++)
        if (strlen(*list) == n && memcmp(*list, s, n) == 0)
            return 1;
    return 0;
}

/* 1 when every piece of markup in h is one md_to_html may write: a known tag,
 * known attributes, each value double-quoted and free of '<', '>' and '"'; and
 * text outside tags holds no raw '>' or '"' (buf_html escapes them). A 0 means
 * input got out of a text node or an attribute value. */
static int markup_is_ours(const char *h)
{
    static const char *const tags[] = {"p",     "em",    "strong", "del", "code", "pre", "a",  "img",        "h1", "h2",
                                       "h3",    "h4",    "h5",     "h6",  "ul",   "ol",  "li", "blockquote", "hr", "br",
                                       "table", "thead", "tbody",  "tr",  "th",   "td",  "u",  NULL};
    static const char *const attrs[] = {"href", "title", "rel", "src", "alt", "loading", "class", "start", NULL};
    const char *p = h;
    while (*p) {
        if (*p == '>' || *p == '"') {
            fprintf(stderr, "raw %c in text at: %.40s\n", *p, p);
            return 0;
        }
        if (*p != '<') {
            p++;
            continue;
        }
        p++;
        if (*p == '/')
            p++;
        const char *name = p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
            p++;
        if (!in_list(tags, name, (size_t)(p - name))) {
            fprintf(stderr, "unexpected tag at: %.40s\n", name - 1);
            return 0;
        }
        while (*p == ' ') {
            p++;
            const char *an = p;
            while (*p >= 'a' && *p <= 'z')
                p++;
            if (!in_list(attrs, an, (size_t)(p - an)) || p[0] != '=' || p[1] != '"') {
                fprintf(stderr, "unexpected attribute at: %.40s\n", an);
                return 0;
            }
            p += 2;
            while (*p && *p != '"') {
                if (*p == '<' || *p == '>') {
                    fprintf(stderr, "raw %c in attribute at: %.40s\n", *p, p);
                    return 0;
                }
                p++;
            }
            if (*p != '"')
                return 0;
            p++;
        }
        if (*p != '>') {
            fprintf(stderr, "tag not closed at: %.40s\n", p);
            return 0;
        }
        p++;
    }
    return 1;
}

/* ---- block and inline constructs ---- */

static void test_paragraphs(void **state)
{
    expect_html("one\n\ntwo\nlines", "<p>one</p>\n<p>two\nlines</p>\n");
    expect_html("", "");
}

static void test_emphasis(void **state)
{
    expect_html("*a* **b** _c_ `x<y`", "<p><em>a</em> <strong>b</strong> <em>c</em> <code>x&lt;y</code></p>\n");
}

static void test_blocks(void **state)
{
    expect_html("# One\n###### Six\n\n> quoted\n\n---\n\n- a\n- b\n\n3. c\n4. d\n\n1) e\n\nhard  \nbreak",
                "<h1>One</h1>\n<h6>Six</h6>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n<hr>\n"
                "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>\n"
                "<ol>\n<li>e</li>\n</ol>\n<p>hard<br>\nbreak</p>\n");
}

static void test_table(void **state)
{
    expect_html("| a | b | c |\n|:--|:-:|--:|\n| 1 | *2* | 3 |\n| x |\n",
                "<table>\n<thead>\n<tr>\n<th class=\"align-left\">a</th>\n<th class=\"align-center\">b</th>\n"
                "<th class=\"align-right\">c</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
                "<td class=\"align-left\">1</td>\n<td class=\"align-center\"><em>2</em></td>\n"
                "<td class=\"align-right\">3</td>\n</tr>\n<tr>\n<td class=\"align-left\">x</td>\n"
                "<td class=\"align-center\"></td>\n<td class=\"align-right\"></td>\n</tr>\n</tbody>\n</table>\n");
    expect_html("|a|b|\n|---|---|\n|1|2|\n",
                "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
                "<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n");
}

static void test_strikethrough(void **state)
{
    expect_html("~~gone~~ and ~kept~", "<p><del>gone</del> and <del>kept</del></p>\n");
}

static void test_autolinks(void **state)
{
    md_info_t info;
    char *h = html("see https://example.com/a?b=1&c=2 and www.example.org and me@example.com.", &info);
    assert_string_equal(h, "<p>see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow noopener ugc\">"
                           "https://example.com/a?b=1&amp;c=2</a> and "
                           "<a href=\"http://www.example.org\" rel=\"nofollow noopener ugc\">www.example.org</a> and "
                           "<a href=\"mailto:me@example.com\" rel=\"nofollow noopener ugc\">me@example.com</a>.</p>\n");
    assert_int_equal(info.dropped_links, 0);
    free(h);
    expect_html("<https://example.com>",
                "<p><a href=\"https://example.com\" rel=\"nofollow noopener ugc\">https://example.com</a></p>\n");
}

static void test_links_allowed(void **state)
{
    md_info_t info;
    char *h = html("[a](/x) [b](#top) [c](?q=1) [d](docs/a.html) [e](//example.com/x) "
                   "[f](mailto:a@b.c) [g](HTTPS://X.COM \"T&amp;C\") [h](/s?a=1&amp;b=%41&#32;c)",
                   &info);
    assert_string_equal(h, "<p><a href=\"/x\" rel=\"nofollow noopener ugc\">a</a> "
                           "<a href=\"#top\" rel=\"nofollow noopener ugc\">b</a> "
                           "<a href=\"?q=1\" rel=\"nofollow noopener ugc\">c</a> "
                           "<a href=\"docs/a.html\" rel=\"nofollow noopener ugc\">d</a> "
                           "<a href=\"//example.com/x\" rel=\"nofollow noopener ugc\">e</a> "
                           "<a href=\"mailto:a@b.c\" rel=\"nofollow noopener ugc\">f</a> "
                           "<a href=\"HTTPS://X.COM\" title=\"T&amp;C\" rel=\"nofollow noopener ugc\">g</a> "
                           "<a href=\"/s?a=1&amp;b=%41%20c\" rel=\"nofollow noopener ugc\">h</a></p>\n");
    assert_int_equal(info.dropped_links, 0);
    free(h);
    /* Spaces and controls around the URL are trimmed, as browsers do. */
    expect_html("[a](<  https://example.com/ >) [b](&#9;/x&#10;)",
                "<p><a href=\"https://example.com/\" rel=\"nofollow noopener ugc\">a</a> "
                "<a href=\"/x\" rel=\"nofollow noopener ugc\">b</a></p>\n");
    /* Non-ASCII and spaces are percent-encoded; an existing escape is kept. */
    expect_html("[a](</路径/a b%20c%zz>)",
                "<p><a href=\"/%E8%B7%AF%E5%BE%84/a%20b%20c%25zz\" rel=\"nofollow noopener ugc\">a</a></p>\n");
}

static void test_code_block(void **state)
{
    expect_html("```c\nint a<b;\n\n  x\n```", "<pre><code class=\"language-c\">int a&lt;b;\n\n  x\n</code></pre>\n");
    /* The language is cut down to [A-Za-z0-9_+-]; entities are decoded first. */
    expect_html("~~~ c&#43;&#43; extra words\nx\n~~~", "<pre><code class=\"language-c++\">x\n</code></pre>\n");
    expect_html("```c\"><script>alert(1)\nx\n```", "<pre><code class=\"language-cscriptalert1\">x\n</code></pre>\n");
    expect_html("```\"'<>\nx\n```", "<pre><code>x\n</code></pre>\n");
    expect_html("    indented <b>", "<pre><code>indented &lt;b&gt;\n</code></pre>\n");
}

static void test_chinese_unchanged(void **state)
{
    const char *zh = "作品声明：内容取材于网络。这是第一段，包含“引号”和标点！";
    char want[256];
    snprintf(want, sizeof(want), "<p>%s</p>\n", zh);
    expect_html(zh, want);
    expect_text(zh, zh);
}

/* ---- escaping ---- */

static void test_script_escaped(void **state)
{
    char *h = html("<script>alert(1)</script>", NULL);
    assert_string_equal(h, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    assert_null(strstr(h, "<script"));
    free(h);
    expect_html("<div>\n<script>x</script>\n</div>",
                "<p>&lt;div&gt;\n&lt;script&gt;x&lt;/script&gt;\n&lt;/div&gt;</p>\n");
}

static void test_img_onerror_escaped(void **state)
{
    md_info_t info;
    char *h = html("hi <img src=x onerror=alert(1)> <a href=\"javascript:x\">y</a>", &info);
    assert_string_equal(h, "<p>hi &lt;img src=x onerror=alert(1)&gt; "
                           "&lt;a href=&quot;javascript:x&quot;&gt;y&lt;/a&gt;</p>\n");
    assert_int_equal(info.images, 0);
    assert_true(markup_is_ours(h));
    free(h);
}

static void test_entities(void **state)
{
    /* Numeric entities are decoded and escaped; NUL, surrogates and controls
     * become U+FFFD; well-formed names pass through; a bare '&' is escaped. */
    expect_html("&#60;b&#62; &#x3C; &#0; &#xD800; &#1; &#x1F600; &copy; &amp; &bogus; AT&T &nbsp",
                "<p>&lt;b&gt; &lt; \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD \xF0\x9F\x98\x80 &copy; &amp; &bogus; "
                "AT&amp;T &amp;nbsp</p>\n");
    char *h = html_n("a\0b", 3, NULL);
    assert_string_equal(h, "<p>a\xEF\xBF\xBD"
                           "b</p>\n");
    free(h);
}

/* Every spelling of a script (or otherwise refused) scheme: the link renders
 * as its text alone and is counted. */
static void test_unsafe_links_dropped(void **state)
{
    static const char *const cases[] = {
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](<  javascript:alert(1)>)",
        "[x](&#32;javascript:alert(1))",
        "[x](<java\tscript:alert(1)>)",
        "[x](java&#9;script:alert(1))",
        "[x](java&Tab;script:alert(1))",
        "[x](java&NewLine;script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](&#X6a;&#x61;vascript:alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](java\\script:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](DATA:text/html,x)",
        "[x](vbscript:msgbox(1))",
        "[x](VBScript:msgbox(1))",
        "[x](file:///etc/passwd)",
        "[x](ftp://example.com/)",
        "[x]\n\n[x]: javascript:alert(1)",
        "[x](javascript:alert(1) \"title\")",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        md_info_t info;
        char *h = html(cases[i], &info);
        if (strcmp(h, "<p>x</p>\n") != 0 || info.dropped_links != 1)
            fail_msg("case %zu %s -> %s (dropped %d)", i, cases[i], h, info.dropped_links);
        free(h);
    }
    /* A NUL inside the scheme arrives as U+FFFD: still not "javascript". */
    static const char nul[] = "[x](<java\0script:alert(1)>)";
    md_info_t info;
    char *h = html_n(nul, sizeof(nul) - 1, &info);
    assert_string_equal(h, "<p>x</p>\n");
    assert_int_equal(info.dropped_links, 1);
    free(h);
    /* The text keeps its markup; only the <a> goes. Autolinks too. */
    h = html("[*hi* there](vbscript:x) <javascript:alert(1)>", &info);
    assert_string_equal(h, "<p><em>hi</em> there javascript:alert(1)</p>\n");
    assert_int_equal(info.dropped_links, 2);
    free(h);
}

/* Tab, CR and LF inside a URL are removed as a browser removes them, so the
 * href written is the URL that was judged (the Markdown fuzzer found
 * "h&#13;ttps:" judged as https: and written as a broken "h%0Dttps:").
 * Other spaces and controls before the colon leave no allowed scheme. */
static void test_url_as_browser_reads_it(void **state)
{
    static const char *const kept[][2] = {
        {"[l](h&#13;ttps://e.com/a)", "https://e.com/a"},
        {"[l](<ht\ttp://e.com/>)", "http://e.com/"},
        {"[l](e.com/a&#10;b)", "e.com/ab"},
        {"[l](<  https://e.com/ x>)", "https://e.com/%20x"},
    };
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        char want[160];
        snprintf(want, sizeof want, "<p><a href=\"%s\" rel=\"nofollow noopener ugc\">l</a></p>\n", kept[i][1]);
        char *h = html(kept[i][0], NULL);
        if (strcmp(h, want) != 0)
            fail_msg("case %zu %s -> %s", i, kept[i][0], h);
        free(h);
    }
    static const char *const refused[] = {"[l](<ht tps://x>)", "[l](<h\x01ttps://x>)", "[l](<h\x7fttps://x>)",
                                           "[l](h&#11;ttps://x)"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        md_info_t info;
        char *h = html(refused[i], &info);
        if (strcmp(h, "<p>l</p>\n") != 0 || info.dropped_links != 1)
            fail_msg("case %zu %s -> %s (dropped %d)", i, refused[i], h, info.dropped_links);
        free(h);
    }
}

static void test_unsafe_images_dropped(void **state)
{
    static const char *const cases[] = {
        "![x](javascript:alert(1))", "![x](JaVaScRiPt:alert(1))", "![x](<  javascript:alert(1)>)",
        "![x](<java\tscript:x>)",    "![x](&#106;avascript:x)",   "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        "![x](vbscript:x)",          "![x](file:///etc/passwd)",  "![x](javascript&colon;x)",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        md_info_t info;
        char *h = html(cases[i], &info);
        if (strcmp(h, "") != 0 || info.empty_images != 1 || info.images != 0)
            fail_msg("case %zu %s -> %s (empty %d)", i, cases[i], h, info.empty_images);
        free(h);
    }
}

static void test_empty_images(void **state)
{
    md_info_t info;
    char *h = html("![]()", &info);
    assert_string_equal(h, "");
    assert_int_equal(info.empty_images, 1);
    assert_int_equal(info.images, 0);
    free(h);

    /* A line of lost pictures, as in imported works, leaves no empty <p>. */
    h = html("before\n\n![]()\n\n![alt]() ![](<>)\n\nafter", &info);
    assert_string_equal(h, "<p>before</p>\n<p>after</p>\n");
    assert_int_equal(info.empty_images, 3);
    free(h);

    h = html("![x](<  >) ![y](&#32;&#9;)", &info);
    assert_string_equal(h, "");
    assert_int_equal(info.empty_images, 2);
    free(h);

    h = html("a ![lost]() b", &info);
    assert_string_equal(h, "<p>a  b</p>\n");
    assert_int_equal(info.empty_images, 1);
    free(h);
}

static void test_image(void **state)
{
    md_info_t info;
    char *h = html("![a cat](/m/cat.jpg)", &info);
    assert_string_equal(h, "<p><img src=\"/m/cat.jpg\" alt=\"a cat\" loading=\"lazy\"></p>\n");
    assert_int_equal(info.images, 1);
    assert_int_equal(info.empty_images, 0);
    free(h);

    /* Title escaped; alt is the description's text, nested image included. */
    h = html("![a *b* ![c](/d.png) &amp; \"q\"](https://x.org/i.png \"T <1>\")", &info);
    assert_string_equal(h, "<p><img src=\"https://x.org/i.png\" alt=\"a b c &amp; &quot;q&quot;\" "
                           "title=\"T &lt;1&gt;\" loading=\"lazy\"></p>\n");
    assert_int_equal(info.images, 1);
    free(h);

    /* An image inside a link. */
    expect_html("[![i](/i.png)](http://x.com)", "<p><a href=\"http://x.com\" rel=\"nofollow noopener ugc\">"
                                                "<img src=\"/i.png\" alt=\"i\" loading=\"lazy\"></a></p>\n");
}

static void test_attribute_breakout(void **state)
{
    static const char *const cases[] = {
        "[x](http://a.com/\"onmouseover=\"alert(1))",
        "[x](<http://a.com/\" onclick=\"alert(1)>)",
        "[x](http://a.com/&quot;onclick=&quot;alert(1))",
        "[x](/a 'it\"s \"q\" ><script>')",
        "[x](/a \"\\\" onclick=\\\"alert(1)\")",
        "[x](http://a.com/'onclick='alert(1))",
        "![x\" onerror=\"alert(1)](/a.png \"t\\\" onload=\\\"x\")",
        "[x](</a\x01\x7f\"<>`\\{}|^>)",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *h = html(cases[i], NULL);
        if (!markup_is_ours(h))
            fail_msg("case %zu %s -> %s", i, cases[i], h);
        free(h);
    }
    expect_html("[x](http://a.com/\"onmouseover=\"alert(1))",
                "<p><a href=\"http://a.com/%22onmouseover=%22alert(1)\" rel=\"nofollow noopener ugc\">x</a></p>\n");
    expect_html("[x](<http://a.com/\" onclick=\"alert(1)>)",
                "<p><a href=\"http://a.com/%22%20onclick=%22alert(1)\" rel=\"nofollow noopener ugc\">x</a></p>\n");
    expect_html("[x](http://a.com/'a' \"t\\\" onclick=\\\"y\")",
                "<p><a href=\"http://a.com/&#39;a&#39;\" title=\"t&quot; onclick=&quot;y\" "
                "rel=\"nofollow noopener ugc\">x</a></p>\n");
    expect_html("![x\" onerror=\"alert(1)](/a.png)",
                "<p><img src=\"/a.png\" alt=\"x&quot; onerror=&quot;alert(1)\" loading=\"lazy\"></p>\n");
}

/* ---- plain text ---- */

static void test_text(void **state)
{
    expect_text("# Title\n\n"
                "First *para* with a [link](http://x.com) and ![alt text](/i.png)\n"
                "Second line &amp; &#x41; &lt;b&gt; &bogus;\n\n"
                "- one\n- two\n\n"
                "```\n\ncode\n  more\n\n```\n\n"
                "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                "> quoted  \n> broken\n\n"
                "---\n\n"
                "![]() ![gone](javascript:x)\n\n"
                "end <b>",
                "Title\n\n"
                "First para with a link and alt text\n"
                "Second line & A <b> &bogus;\n\n"
                "one\ntwo\n\n"
                "code\n  more\n\n"
                "a\tb\n1\t2\n\n"
                "quoted\nbroken\n\n"
                "end <b>");
    expect_text("", "");
    expect_text("![]()\n\n作品声明：内容取材于网络", "作品声明：内容取材于网络");

    /* Appends: what is in the buffer stays. */
    buf_t b = BUF_INIT;
    buf_lit(&b, "x|");
    assert_int_equal(md_to_text("*y*", 3, &b), 0);
    assert_string_equal(buf_cstr(&b), "x|y");
    buf_free(&b);
}

/* ---- failure paths ---- */

static void test_cap(void **state)
{
    buf_t b;
    buf_init(&b, 16);
    buf_lit(&b, "keep");
    md_info_t info;
    assert_int_equal(md_to_html("a paragraph longer than the cap", 31, &b, &info), -1);
    assert_int_equal(b.len, 4);
    assert_string_equal(buf_cstr(&b), "keep");
    assert_int_not_equal(b.err, 0);
    buf_free(&b);

    buf_init(&b, 8);
    assert_int_equal(md_to_text("a paragraph longer than the cap", 31, &b), -1);
    assert_int_equal(b.len, 0);
    buf_free(&b);

    /* Large enough cap: the same input succeeds, info may be NULL. */
    buf_init(&b, 64);
    assert_int_equal(md_to_html("a paragraph longer than the cap", 31, &b, NULL), 0);
    assert_string_equal(buf_cstr(&b), "<p>a paragraph longer than the cap</p>\n");
    buf_free(&b);
}

/* A header 2000 columns wide and 2000 one-character rows: 12 KB asking md4c
 * 0.4.8 for 4 million cells. Both renderers must give up (quickly). */
static void test_table_blowup(void **state)
{
    buf_t src = BUF_INIT;
    for (int i = 0; i < 2000; i++)
        buf_lit(&src, "|a");
    buf_lit(&src, "\n");
    for (int i = 0; i < 2000; i++)
        buf_lit(&src, "|---");
    buf_lit(&src, "\n");
    for (int i = 0; i < 2000; i++)
        buf_lit(&src, "x\n");
    buf_t out = BUF_INIT;
    assert_int_equal(md_to_html(src.p, src.len, &out, NULL), -1);
    assert_int_equal(out.len, 0);
    assert_int_equal(md_to_text(src.p, src.len, &out), -1);
    assert_int_equal(out.len, 0);
    buf_free(&out);
    buf_free(&src);

    /* A real table of the same width per byte renders. */
    buf_t ok = BUF_INIT;
    for (int r = 0; r < 50; r++) {
        for (int c = 0; c < 20; c++)
            buf_rawz(&ok, r == 1 ? "|---" : "|cell");
        buf_lit(&ok, "|\n");
    }
    assert_int_equal(md_to_html(ok.p, ok.len, &out, NULL), 0);
    assert_non_null(strstr(buf_cstr(&out), "<td>cell</td>"));
    buf_free(&out);
    buf_free(&ok);
}

/* md4c 0.4.8 does not always balance its span callbacks: emphasis marks in
 * a link destination can open a span that is never left, or leave one never
 * entered. An image left open would leave alt="... open for the rest of the
 * page. Our tags must stay balanced whatever md4c does. */
static void test_unbalanced_spans(void **state)
{
    static const struct {
        const char *md, *html;
    } cases[] = {
        {"_[](_)", "<p><em><a href=\"_\" rel=\"nofollow noopener ugc\"></a></em></p>\n"},
        {"[](~)~", "<p><a href=\"~\" rel=\"nofollow noopener ugc\"></a></p>\n"},
        {"![![](![]()](\"))", "<p><img src=\"%22\" alt=\"\" loading=\"lazy\"></p>\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *h = html(cases[i].md, NULL);
        if (strcmp(h, cases[i].html) != 0 || !markup_is_ours(h))
            fail_msg("case %zu %s -> %s", i, cases[i].md, h);
        free(h);
    }
}

/* md4c 0.4.8 reads the byte after its input when a link's "(" runs to the
 * end; if that byte is ')' it takes the link and then crashes. md_to_html
 * must only ever see src[0..len). */
static void test_reads_only_len(void **state)
{
    const char *s = "[a](/b)x";
    buf_t b = BUF_INIT;
    assert_int_equal(md_to_html(s, 6, &b, NULL), 0);
    assert_string_equal(buf_cstr(&b), "<p>[a](/b</p>\n");
    buf_reset(&b);
    assert_int_equal(md_to_text("[a](/b \"t\")", 10, &b), 0);
    assert_string_equal(buf_cstr(&b), "[a](/b \"t\"");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paragraphs),
        cmocka_unit_test(test_emphasis),
        cmocka_unit_test(test_blocks),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_strikethrough),
        cmocka_unit_test(test_autolinks),
        cmocka_unit_test(test_links_allowed),
        cmocka_unit_test(test_code_block),
        cmocka_unit_test(test_chinese_unchanged),
        cmocka_unit_test(test_script_escaped),
        cmocka_unit_test(test_img_onerror_escaped),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_unsafe_links_dropped),
        cmocka_unit_test(test_url_as_browser_reads_it),
        cmocka_unit_test(test_unsafe_images_dropped),
        cmocka_unit_test(test_empty_images),
        cmocka_unit_test(test_image),
        cmocka_unit_test(test_attribute_breakout),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_table_blowup),
        cmocka_unit_test(test_reads_only_len),
        cmocka_unit_test(test_unbalanced_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
