/*
 * test_portability.c — unit tests for the pure parts of site/portability:
 * archive entry names (archive.c), public addresses for fetching
 * (fetch.c uses the federation's own check), HTML to Markdown (html2md.c) and the export's times
 * (export.c), and the note an export gets when hao's own import would
 * refuse it (archive.c's limits).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "site/federation/fetch.h"
#include "site/portability/archive.h"
#include "site/portability/export.h"
#include "site/portability/fetch.h"
#include "site/portability/html2md.h"

static void test_names(void **state)
{
    (void)state;
    assert_true(arc_name_ok("writer/works/0123456789abcdef.md"));
    assert_true(arc_name_ok("manifest.json"));
    assert_false(arc_name_ok("../evil"));
    assert_false(arc_name_ok("a/../../evil"));
    assert_false(arc_name_ok("/etc/passwd"));
    assert_false(arc_name_ok("a//b"));
    assert_false(arc_name_ok("a/./b"));
    assert_false(arc_name_ok("a\\..\\b"));
    assert_false(arc_name_ok("c:evil"));
    assert_false(arc_name_ok("a\nb"));
    assert_false(arc_name_ok(""));
    assert_false(arc_name_ok("bad\xff"));
}

static void test_addresses(void **state)
{
    (void)state;
    unsetenv("HAO_FED_LOOPBACK"); /* read once: before the first check */
    assert_true(fed_addr_public("93.184.216.34"));
    assert_true(fed_addr_public("2606:2800:220:1:248:1893:25c8:1946"));
    const char *private[] = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                             "0.0.0.0", "100.64.0.1", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "ff02::1",
                             "::ffff:127.0.0.1", "::ffff:10.0.0.1", "198.18.0.1", "2001:db8::1", "64:ff9b::a00:1",
                             "not an address"};
    for (size_t i = 0; i < sizeof private / sizeof private[0]; i++)
        assert_false(fed_addr_public(private[i]));
}

static const char *keep(void *ctx, const char *src, const char *alt)
{
    (void)alt;
    (*(int *)ctx)++;
    return src;
}

static void test_html(void **state)
{
    (void)state;
    const char *html = "<p>一段<strong>粗</strong>和<em>斜</em>,<a href=\"javascript:alert(1)\">坏链接</a>,"
                       "<a href=\"/x y\">相对</a>。*星号*</p><h3>标题</h3>"
                       "<script>alert(1)</script><ul><li>甲<ul><li>乙</li></ul></li></ul>"
                       "<figure><img src=\"https://e.example/p.png\" alt=\"图\" onerror=\"x()\"><figcaption>说明</figcaption></figure>"
                       "<table><tr><th>a|b</th><th>c</th></tr><tr><td>1</td></tr></table>"
                       "<pre><code>x = 1;\ny &lt; 2</code></pre><blockquote><p>一</p><p>二</p></blockquote>";
    int images = 0;
    buf_t out = BUF_INIT, notes = BUF_INIT, err = BUF_INIT;
    h2m_opts_t o = {keep, &images, "https://blog.example", "f:1", &notes};
    assert_int_equal(html2md(html, strlen(html), &o, &out, &err), 0);
    const char *md = buf_cstr(&out);
    assert_non_null(strstr(md, "一段**粗**和*斜*,坏链接,[相对](https://blog.example/x%20y)。\\*星号\\*\n\n### 标题\n\n"));
    assert_null(strstr(md, "javascript"));
    assert_null(strstr(md, "alert"));
    assert_null(strstr(md, "onerror"));
    assert_non_null(strstr(md, "- 甲\n  \n  - 乙")); /* a nested list: a loose item */
    assert_non_null(strstr(md, "![图](https://e.example/p.png)\n\n*说明*"));
    assert_non_null(strstr(md, "| a\\|b | c |\n| --- | --- |\n| 1 |  |"));
    assert_non_null(strstr(md, "```\nx = 1;\ny < 2\n```"));
    assert_non_null(strstr(md, "> 一\n> \n> 二"));
    assert_int_equal(images, 1);
    assert_non_null(strstr(buf_cstr(&notes), "f:1: a script was removed"));
    buf_free(&out);
    buf_free(&notes);
    buf_free(&err);
    buf_t t = BUF_INIT;
    html2text("<p>第一行<br>第二行</p><script>x</script>", strlen("<p>第一行<br>第二行</p><script>x</script>"), &t);
    assert_string_equal(buf_cstr(&t), "第一行\n第二行");
    buf_free(&t);
}

static void test_times(void **state)
{
    (void)state;
    char ts[24];
    export_time(1714559400, ts);
    assert_string_equal(ts, "2024-05-01T10:30:00Z");
    assert_int_equal(export_parse_time("2024-05-01T10:30:00Z"), 1714559400);
    assert_int_equal(export_parse_time("2024-05-01T18:30:00+08:00"), 1714559400);
    assert_int_equal(export_parse_time("yesterday"), -1);
    assert_int_equal(export_parse_time("2024-05-01T10:30:00Zjunk"), -1);
}

/* A writer says when its archive is past what arc_read takes, naming the
 * limit: a file too large, then too many files. */
static void test_limits_note(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char dir[512], out[600], big[600];
    snprintf(dir, sizeof dir, "%s/hao-unit-arc-XXXXXX", tmp);
    assert_non_null(mkdtemp(dir));
    snprintf(out, sizeof out, "%s/x.tar.gz", dir);
    snprintf(big, sizeof big, "%s/big", dir);
    buf_t err = BUF_INIT, note = BUF_INIT;
    arc_writer_t *w = arc_create(out, &err);
    assert_non_null(w);
    assert_int_equal(arc_add(w, "a/works/1.md", "x", 1, &err), 0);
    arc_limits_note(w, &note);
    assert_int_equal(note.len, 0);
    /* one byte over the largest file arc_read takes (sparse: no disk) */
    int fd = open(big, O_CREAT | O_WRONLY | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, ARC_ENTRY_MAX + 1), 0);
    close(fd);
    assert_int_equal(arc_add_file(w, "a/media/big.mp4", big, &err), 0);
    arc_limits_note(w, &note);
    assert_non_null(strstr(buf_cstr(&note), "a/media/big.mp4 is 513 MiB, more than the 512 MiB"));
    arc_abort(w);
    note.len = 0;
    /* as many files as arc_read takes, the manifest making one more */
    w = arc_create(out, &err);
    assert_non_null(w);
    char path[64];
    for (int i = 0; i < ARC_ENTRIES_MAX - 1; i++) {
        snprintf(path, sizeof path, "a/works/%d.md", i);
        assert_int_equal(arc_add(w, path, "", 0, &err), 0);
    }
    arc_limits_note(w, &note);
    assert_int_equal(note.len, 0);
    assert_int_equal(arc_add(w, "a/works/last.md", "", 0, &err), 0);
    arc_limits_note(w, &note);
    assert_non_null(strstr(buf_cstr(&note), "it has 200001 files, more than the 200000 that hao import reads"));
    arc_abort(w);
    assert_int_equal(access(out, F_OK), -1); /* nothing left behind */
    unlink(big);
    rmdir(dir);
    buf_free(&err);
    buf_free(&note);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_limits_note),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
