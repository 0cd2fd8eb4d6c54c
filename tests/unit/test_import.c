/*
 * test_import.c — unit tests for src/site/works/import.c: the seed work from
 * ../shared/seed parsed the way PRODUCT.md says (declaration from the first
 * line, 45 paragraphs in order, 16 empty picture embeds dropped with a
 * warning, the foreign statement stripped, a title from the first sentence),
 * small hand-made variants, and bad input refused with nothing allocated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/text.h"
#include "site/works/import.h"

#define SEED "../shared/seed/000_a4f41c7b09327d3d.txt"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *p = malloc(IMPORT_MAX_BYTES + 1);
    *len = fread(p, 1, IMPORT_MAX_BYTES, f);
    fclose(f);
    p[*len] = 0;
    return p;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + strlen(needle), needle))
        n++;
    return n;
}

static void test_seed(void **state)
{
    (void)state;
    size_t len;
    char *data = slurp(SEED, &len);
    if (!data) {
        /* The seed lives beside the repository; without it this test has nothing to check. */
        skip();
    }
    import_doc_t doc;
    buf_t warn = BUF_INIT, err = BUF_INIT;
    assert_int_equal(import_parse(data, len, NULL, &doc, &warn, &err), 0);
    assert_non_null(doc.declaration);
    assert_string_equal(doc.declaration->code, "web-sourced");
    assert_int_equal(doc.paragraphs, 45);
    assert_int_equal(doc.dropped_images, 16);
    assert_true(doc.stripped_statement);
    /* 45 paragraphs joined by blank lines; nothing of the embeds, the
     * declaration line or the foreign statement left in the body. */
    assert_int_equal(count(doc.body, "\n\n"), 44);
    assert_null(strstr(doc.body, "![]"));
    assert_null(strstr(doc.body, "作品声明"));
    assert_null(strstr(doc.body, "信息存储服务"));
    assert_null(strstr(doc.body, "information storage service"));
    /* Paragraphs keep their order: the seed's first and last body lines
     * open and close the body. */
    const char *open = "2026年新年钟声还没敲响,克里姆林宫的气氛却已经冷到了冰点。\n\n1月2日";
    assert_memory_equal(doc.body, open, strlen(open));
    const char *close = "或许已经在路上了。";
    size_t bl = strlen(doc.body);
    assert_memory_equal(doc.body + bl - strlen(close), close, strlen(close));
    assert_string_equal(doc.title, "2026年新年钟声还没敲响,克里姆林宫的气氛却已经冷到了冰点");
    /* Title: at most 40 characters, one line, a prefix of the body's text. */
    size_t tl = strlen(doc.title);
    assert_true(tl > 0);
    assert_true(text_chars(doc.title, tl) <= IMPORT_TITLE_CHARS);
    assert_true(text_valid_line(doc.title, tl));
    assert_non_null(strstr(buf_cstr(&warn), "16"));
    import_doc_free(&doc);
    buf_free(&warn);
    buf_free(&err);
    free(data);
}

static void test_small_document(void **state)
{
    (void)state;
    const char *src = "创作声明：个人观点,仅供参考\n"
                      "第一段。还有一句\n"
                      "\n"
                      "![]()\n"
                      "# 不是标题\n"
                      "![ ](  )\n"
                      "最后一段\n"
                      "特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“某号”用户上传并发布,本平台仅提供信息存储服务。\n"
                      "Notice: The content above (including the pictures and videos if any) is uploaded and posted "
                      "by a user of Some Platform, which is a social media platform and only provides information "
                      "storage service.\n";
    import_doc_t doc;
    buf_t warn = BUF_INIT, err = BUF_INIT;
    assert_int_equal(import_parse(src, strlen(src), NULL, &doc, &warn, &err), 0);
    assert_string_equal(doc.declaration->code, "opinion"); /* full-width colon */
    assert_int_equal(doc.paragraphs, 3);
    assert_int_equal(doc.dropped_images, 2);
    assert_true(doc.stripped_statement);
    assert_string_equal(doc.title, "第一段"); /* the sentence, without its full stop */
    /* A leading '#' is escaped: the line stays a paragraph, not a heading. */
    assert_non_null(strstr(doc.body, "\\# 不是标题"));
    assert_null(strstr(doc.body, "Notice:"));
    import_doc_free(&doc);

    /* --title wins; no declaration line means no declaration. */
    buf_reset(&warn);
    assert_int_equal(import_parse("one\ntwo\n", 8, "My title", &doc, &warn, &err), 0);
    assert_null(doc.declaration);
    assert_string_equal(doc.title, "My title");
    assert_int_equal(doc.paragraphs, 2);
    import_doc_free(&doc);

    /* CRLF line ends read the same. */
    assert_int_equal(import_parse("a\r\nb\r\n", 6, NULL, &doc, &warn, &err), 0);
    assert_int_equal(doc.paragraphs, 2);
    assert_null(strchr(doc.body, '\r'));
    import_doc_free(&doc);
    buf_free(&warn);
    buf_free(&err);
}

static void test_long_first_sentence_title(void **state)
{
    (void)state;
    char src[1024] = "";
    for (int i = 0; i < 60; i++)
        strcat(src, "长");
    strcat(src, "\n正文\n");
    import_doc_t doc;
    buf_t warn = BUF_INIT, err = BUF_INIT;
    assert_int_equal(import_parse(src, strlen(src), NULL, &doc, &warn, &err), 0);
    assert_int_equal(text_chars(doc.title, strlen(doc.title)), IMPORT_TITLE_CHARS);
    import_doc_free(&doc);
    buf_free(&warn);
    buf_free(&err);
}

static void test_bad_input(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *data;
        size_t len;
    } bad[] = {
        {"invalid UTF-8", "abc\xff\xfe def\n", 10},
        {"NUL byte", "abc\0def\n", 8},
        {"empty file", "", 0},
        {"only blank lines", "\n\n  \n", 5},
        {"only a declaration", "作品声明:内容取材于网络\n", 0},
        {"only empty embeds", "![]()\n![]()\n", 12},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        import_doc_t doc;
        memset(&doc, 0x5a, sizeof doc);
        buf_t warn = BUF_INIT, err = BUF_INIT;
        size_t len = bad[i].len ? bad[i].len : strlen(bad[i].data);
        int rc = import_parse(bad[i].data, len, NULL, &doc, &warn, &err);
        if (rc != -1)
            fail_msg("%s: accepted", bad[i].what);
        if (err.len == 0)
            fail_msg("%s: no error message", bad[i].what);
        buf_free(&warn);
        buf_free(&err);
    }
    /* An unknown declaration label is not fatal: warned about and ignored. */
    import_doc_t doc;
    buf_t warn = BUF_INIT, err = BUF_INIT;
    const char *unk = "作品声明:随便写的\n正文\n";
    assert_int_equal(import_parse(unk, strlen(unk), NULL, &doc, &warn, &err), 0);
    assert_null(doc.declaration);
    assert_int_equal(doc.paragraphs, 1);
    assert_non_null(strstr(buf_cstr(&warn), "随便写的"));
    import_doc_free(&doc);
    buf_free(&warn);
    buf_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_small_document),
        cmocka_unit_test(test_long_first_sentence_title),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
