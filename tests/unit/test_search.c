/*
 * test_search.c — unit tests for src/search: normalisation (NFKC, case
 * fold, width, traditional -> simplified, offsets back into the original),
 * segmentation (document and query terms), query parsing (AND, phrases,
 * exclusions, every kind of bad query) and highlighted snippets (escaping,
 * marks on the original characters).
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
#include "search/normalize.h"
#include "search/query.h"
#include "search/segment.h"
#include "search/snippet.h"

static char *norm(const char *s)
{
    buf_t b = BUF_INIT;
    norm_utf8(s, strlen(s), &b);
    char *r = strdup(buf_cstr(&b));
    buf_free(&b);
    return r;
}

static void expect_norm(const char *in, const char *want)
{
    char *got = norm(in);
    assert_string_equal(got, want);
    /* idempotent */
    char *again = norm(got);
    assert_string_equal(again, got);
    free(got);
    free(again);
}

static void test_normalize(void **state)
{
    (void)state;
    assert_int_equal(norm_init(), 0);
    expect_norm("Hello WORLD", "hello world");
    expect_norm("ＡＢＣ１２３", "abc123");               /* full width -> ASCII */
    expect_norm("ｶﾀｶﾅ", "カタカナ");                    /* half-width katakana */
    expect_norm("無人機", "无人机");                      /* traditional -> simplified */
    expect_norm("无人机", "无人机");
    expect_norm("臺灣 體育 電腦", "台湾 体育 电脑");
    expect_norm("Straße", "strasse");                    /* full case folding */
    expect_norm("ﬁne", "fine");                          /* compatibility ligature */
    expect_norm("e\xcc\x81t\xc3\xa9", "\xc3\xa9t\xc3\xa9"); /* e + U+0301 composes */
    expect_norm("\xe3\x80\x80", " ");                     /* ideographic space */
    expect_norm("\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd");  /* invalid bytes: U+FFFD */
    expect_norm("", "");
}

static void test_offsets(void **state)
{
    (void)state;
    const char *s = "A無ß";
    ntext_t t = {0};
    norm_text(s, strlen(s), &t);
    assert_int_equal(t.n, 4); /* a 无 s s */
    assert_int_equal(t.v[0].cp, 'a');
    assert_int_equal(t.v[1].cp, 0x65E0);
    assert_int_equal(t.v[1].start, 1);
    assert_int_equal(t.v[1].end, 4);
    assert_int_equal(t.v[2].start, 4);
    assert_int_equal(t.v[3].end, 6);
    ntext_free(&t);
}

typedef struct {
    char out[512];
    int n;
} terms_t;

static int collect(void *ctx, const char *term, size_t len, size_t start, size_t end, int colocated)
{
    (void)start, (void)end;
    terms_t *t = ctx;
    size_t l = strlen(t->out);
    snprintf(t->out + l, sizeof t->out - l, "%s%.*s", t->n ? (colocated ? "+" : "|") : "", (int)len, term);
    t->n++;
    return 0;
}

static void expect_terms(const char *in, int mode, const char *want)
{
    terms_t t = {{0}, 0};
    seg_text(in, strlen(in), mode, collect, &t);
    assert_string_equal(t.out, want);
}

static void test_segment(void **state)
{
    (void)state;
    expect_terms("无人机", SEG_DOCUMENT, "无+无人|人+人机|机");
    expect_terms("无人机", SEG_QUERY, "无人|人机");
    expect_terms("机", SEG_QUERY, "机");
    expect_terms("iPhone手机, OK!", SEG_DOCUMENT, "iphone|手+手机|机|ok");
    expect_terms("iPhone手机", SEG_QUERY, "iphone|手机");
    expect_terms("手机iPhone", SEG_QUERY, "手机|机|iphone"); /* positions in step with the document's */
    expect_terms("寇准(961)", SEG_QUERY, "寇准|准|961");
    expect_terms("無人機", SEG_QUERY, "无人|人机");
    expect_terms("春，风", SEG_DOCUMENT, "春|风"); /* no bigram across punctuation */
    expect_terms("カタカナ한국어", SEG_QUERY, "カタ|タカ|カナ|ナ한|한국|국어");
    expect_terms("!!! ... ###", SEG_QUERY, "");
    expect_terms("naïve café", SEG_DOCUMENT, "naïve|café");
    /* long words are cut at SEG_WORD_MAX bytes on both sides */
    char longw[200];
    memset(longw, 'x', 150);
    longw[150] = 0;
    terms_t t = {{0}, 0};
    seg_text(longw, strlen(longw), SEG_DOCUMENT, collect, &t);
    assert_int_equal(strlen(t.out), SEG_WORD_MAX);
}

static void expect_fts(const char *in, const char *want)
{
    query_t q;
    const char *code = NULL;
    assert_int_equal(query_parse(in, strlen(in), &q, &code), 0);
    buf_t b = BUF_INIT;
    query_fts5(&q, &b);
    assert_string_equal(buf_cstr(&b), want);
    buf_free(&b);
    query_free(&q);
}

static void expect_bad(const char *in, size_t n, const char *code_want)
{
    query_t q;
    const char *code = NULL;
    assert_int_equal(query_parse(in, n, &q, &code), -1);
    assert_string_equal(code, code_want);
}

static void test_query(void **state)
{
    (void)state;
    expect_fts("无人机", "(\"无人机\")");
    expect_fts("無人機 航拍", "(\"无人机\" AND \"航拍\")");
    expect_fts("Drone", "(\"drone\" *)");
    expect_fts("\"hello world\" 猫", "(\"hello world\" * AND \"猫\")");
    expect_fts("“春风 十里”", "(\"春风 十里\")");
    expect_fts("猫 -狗 -\"big dogs\"", "(\"猫\") NOT (\"狗\" OR \"big dogs\" *)");
    expect_fts("a\"b", "(\"a\" AND \"b\")");
    expect_fts("the publ", "(\"the\" AND \"publ\" *)"); /* prefixes from 4 characters on */
    /* FTS5 syntax characters are only ever text inside a quoted string */
    expect_fts("NEAR(a b) c:d ^e f*", "(\"near(a\" AND \"b)\" AND \"c:d\" AND \"^e\" AND \"f*\")");
    expect_fts("猫 ... !!!", "(\"猫\")"); /* punctuation-only terms are dropped */
    expect_fts("x - y", "(\"x\" AND \"y\")"); /* a lone minus is not an exclusion */

    expect_bad("", 0, QERR_EMPTY);
    expect_bad("   \xe3\x80\x80 ", 7, QERR_EMPTY);
    expect_bad("!!! ??? 。，", strlen("!!! ??? 。，"), QERR_NO_TERMS);
    expect_bad("\"*\" ( ) :", strlen("\"*\" ( ) :"), QERR_NO_TERMS);
    expect_bad("-猫", strlen("-猫"), QERR_ONLY_NEG);
    expect_bad("\xff\xfe", 2, QERR_ENCODING);
    expect_bad("a\0b", 3, QERR_ENCODING);
    char big[10241];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    expect_bad(big, strlen(big), QERR_TOO_LONG);
    expect_bad("a b c d e f g h i j k l m n o p q", strlen("a b c d e f g h i j k l m n o p q"), QERR_TOO_MANY);
}

static char *snip(const char *text, const char *query, size_t max)
{
    query_t q;
    const char *code;
    assert_int_equal(query_parse(query, strlen(query), &q, &code), 0);
    buf_t b = BUF_INIT;
    snippet_html(text, strlen(text), &q, max, &b);
    char *r = strdup(buf_cstr(&b));
    buf_free(&b);
    query_free(&q);
    return r;
}

static void test_snippet(void **state)
{
    (void)state;
    char *s = snip("無人機<b>航拍</b>", "无人机", 0);
    assert_string_equal(s, "<mark>無人機</mark>&lt;b&gt;航拍&lt;/b&gt;");
    free(s);
    s = snip("The Publisher publishes; republish.", "publ", 0);
    assert_string_equal(s, "The <mark>Publ</mark>isher <mark>publ</mark>ishes; republish.");
    free(s);
    s = snip("the then theory", "the", 0);
    assert_string_equal(s, "<mark>the</mark> then theory");
    free(s);
    s = snip("猫和狗", "-狗 猫", 0);
    assert_string_equal(s, "<mark>猫</mark>和狗");
    free(s);
    /* a window around the first match, cut with ellipses */
    char text[4000] = "";
    for (int i = 0; i < 100; i++)
        strcat(text, "春眠不觉晓,");
    strcat(text, "处处闻啼鸟。");
    for (int i = 0; i < 100; i++)
        strcat(text, "夜来风雨声,");
    s = snip(text, "啼鸟", 40);
    assert_non_null(strstr(s, "<mark>啼鸟</mark>"));
    assert_true(strncmp(s, "…", 3) == 0);
    assert_true(strcmp(s + strlen(s) - 3, "…") == 0);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize), cmocka_unit_test(test_offsets), cmocka_unit_test(test_segment),
        cmocka_unit_test(test_query),     cmocka_unit_test(test_snippet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
