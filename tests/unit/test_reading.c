/*
 * test_reading.c — unit tests for the reading part's text functions: the
 * summary from the first real paragraph (md_first_paragraph,
 * work_summary_auto: never a heading, table cell, code block or alt text;
 * folded, cut by characters), the language of a work (work_lang), and the
 * revision diff (diff_html: escaped, character level for Chinese, word
 * level for English, and for random texts exact: dropping the <ins> gives
 * the old text, dropping the <del> the new one).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/markdown.h"
#include "site/studio/diff.h"
#include "site/works/summary.h"

static void summary_is(const char *md, size_t max, const char *want)
{
    buf_t b = BUF_INIT;
    work_summary_auto(md, max, &b);
    assert_string_equal(buf_cstr(&b), want);
    buf_free(&b);
}

static void test_summary_first_paragraph(void **state)
{
    (void)state;
    summary_is("# 标题\n\n正文第一段。\n\n第二段。", 100, "正文第一段。");
    summary_is("| 甲 | 乙 |\n|---|---|\n| 单元格 | 内容 |\n\n表格后的段落。", 100, "表格后的段落。");
    summary_is("```\ncode\n```\n\n    indented code\n\n段落。", 100, "段落。");
    summary_is("![替代文字](/m/abc)\n\n![](x.png) ![另一张](y.png)\n\n真正的文字。", 100, "真正的文字。");
    summary_is("文字 ![替代文字](/m/abc) 接着。", 100, "文字 接着。");
    summary_is("line one\nline two  \nline three", 100, "line one line two line three");
    summary_is("A &amp; B &lt;c&gt; &#20013;", 100, "A & B <c> 中");
    summary_is("> 引用里的段落。\n\n正文。", 100, "引用里的段落。");
    summary_is("# 只有标题\n\n| a |\n|---|\n| b |", 100, "");
    summary_is("", 100, "");
    summary_is("一二三四五六七八九十", 4, "一二三四…");
    summary_is("abc def", 7, "abc def");
}

static void test_first_paragraph_bad_input(void **state)
{
    (void)state;
    /* Any bytes, NUL included; a pathological table stops at the budget. */
    const char nul[] = "a\0b\n\nc";
    buf_t b = BUF_INIT;
    assert_int_equal(md_first_paragraph(nul, sizeof nul - 1, &b), 0);
    buf_free(&b);
    buf_t big = BUF_INIT;
    buf_lit(&big, "|");
    for (int i = 0; i < 3000; i++)
        buf_lit(&big, "a|");
    buf_lit(&big, "\n|-|\n");
    for (int i = 0; i < 3000; i++)
        buf_lit(&big, "|\n");
    buf_t out = BUF_INIT;
    int rc = md_first_paragraph(big.p, big.len, &out);
    assert_true(rc == 0 || rc == -1);
    buf_free(&out);
    buf_free(&big);
}

static void test_work_lang(void **state)
{
    (void)state;
    work_t w = {0};
    w.title = "中文标题";
    w.body = "这是一篇中文作品,里面有一个 English word。";
    assert_string_equal(work_lang(&w), "zh-CN");
    w.title = "An English title";
    w.body = "This is English, with 一个 Chinese word.";
    assert_string_equal(work_lang(&w), "en");
    w.title = "";
    w.body = "";
    assert_string_equal(work_lang(&w), "en");
}

static void diff_is(const char *a, const char *b, const char *want)
{
    buf_t o = BUF_INIT;
    diff_html(a, b, &o, NULL);
    assert_string_equal(buf_cstr(&o), want);
    buf_free(&o);
}

static void test_diff_levels(void **state)
{
    (void)state;
    diff_is("今天天气很好。", "今天天气不好。", "今天天气<del>很</del><ins>不</ins>好。");
    diff_is("The quick brown fox.", "The quick red fox.", "The quick <del>brown</del><ins>red</ins> fox.");
    diff_is("<b>x</b>", "<b>x</b>&", "&lt;b&gt;x&lt;/b&gt;<ins>&amp;</ins>");
    diff_is("same\n", "same\n", "same\n");
    diff_is("", "new", "<ins>new</ins>");
    diff_is("old", "", "<del>old</del>");
    diff_is("a\nb\nc\n", "a\nc\n", "a\n<del>b\n</del>c\n");
}

/* Drop one kind of marked run (and the other's tags) from h. */
static void strip(const char *h, int keep_del, buf_t *out)
{
    int in_del = 0, in_ins = 0;
    for (const char *p = h; *p;) {
        if (!strncmp(p, "<del>", 5)) { in_del = 1; p += 5; continue; }
        if (!strncmp(p, "</del>", 6)) { in_del = 0; p += 6; continue; }
        if (!strncmp(p, "<ins>", 5)) { in_ins = 1; p += 5; continue; }
        if (!strncmp(p, "</ins>", 6)) { in_ins = 0; p += 6; continue; }
        if ((in_del && !keep_del) || (in_ins && keep_del)) { p++; continue; }
        buf_ch(out, *p++);
    }
}

static void test_diff_random(void **state)
{
    (void)state;
    static const char *const alpha[] = {"a", "b", " ", "\n", "中", "文", "。"};
    srand(7);
    for (int it = 0; it < 3000; it++) {
        buf_t a = BUF_INIT, b = BUF_INIT, o = BUF_INIT, x = BUF_INIT;
        int na = rand() % 40, nb = rand() % 40;
        for (int i = 0; i < na; i++)
            buf_rawz(&a, alpha[rand() % 7]);
        for (int i = 0; i < nb; i++)
            buf_rawz(&b, alpha[rand() % 7]);
        diff_stats_t st;
        diff_html(buf_cstr(&a), buf_cstr(&b), &o, &st);
        strip(buf_cstr(&o), 1, &x);
        assert_string_equal(buf_cstr(&x), buf_cstr(&a));
        buf_reset(&x);
        strip(buf_cstr(&o), 0, &x);
        assert_string_equal(buf_cstr(&x), buf_cstr(&b));
        buf_free(&a);
        buf_free(&b);
        buf_free(&o);
        buf_free(&x);
    }
}

static void test_diff_bounded(void **state)
{
    (void)state;
    /* Two long, entirely different texts: shown whole, quickly. */
    buf_t a = BUF_INIT, b = BUF_INIT, o = BUF_INIT;
    for (int i = 0; i < 20000; i++) {
        buf_lit(&a, "甲");
        buf_lit(&b, "乙");
        if (i % 50 == 0) {
            buf_lit(&a, "\n");
            buf_lit(&b, " x\n");
        }
    }
    diff_stats_t st;
    diff_html(buf_cstr(&a), buf_cstr(&b), &o, &st);
    assert_true(st.coarse);
    assert_non_null(strstr(buf_cstr(&o), "<del>"));
    buf_free(&a);
    buf_free(&b);
    buf_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_first_paragraph), cmocka_unit_test(test_first_paragraph_bad_input),
        cmocka_unit_test(test_work_lang),              cmocka_unit_test(test_diff_levels),
        cmocka_unit_test(test_diff_random),            cmocka_unit_test(test_diff_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
