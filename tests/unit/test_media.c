/*
 * test_media.c — unit tests for the media parsers that see untrusted bytes:
 * the multipart/form-data parser (src/media/multipart.c), store keys
 * (src/media/store_local.c), the AIGC label reader for XMP
 * (src/media/process.c), what process_derive leaves in its staging directory
 * (the contract the helper process relies on), and the /m/ID embed
 * resolver hook in src/core/markdown.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>
#include <vips/vips.h>
#include <jansson.h>

#include "core/markdown.h"
#include "media/multipart.h"
#include "media/process.h"
#include "media/store.h"

#define CT "multipart/form-data; boundary=XyZ"

static int parse(const char *ct, const char *body, mp_part_t *parts)
{
    return multipart_parse(ct, body, strlen(body), parts, 8);
}

static void test_multipart_ok(void **state)
{
    (void)state;
    mp_part_t p[8];
    const char *body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\na cat\r\n"
                       "--XyZ\r\ncontent-disposition: form-data; name=\"file\"; filename=\"c.jpg\"\r\n"
                       "Content-Type: image/jpeg\r\n\r\n\xff\xd8--Xy\r\n-not-a-boundary\r\n--XyZ--\r\n";
    int n = parse(CT, body, p);
    assert_int_equal(n, 2);
    const mp_part_t *alt = multipart_get(p, n, "alt");
    assert_non_null(alt);
    assert_int_equal(alt->len, 5);
    assert_memory_equal(alt->data, "a cat", 5);
    assert_int_equal(alt->has_filename, 0);
    const mp_part_t *f = multipart_get(p, n, "file");
    assert_non_null(f);
    assert_int_equal(f->has_filename, 1);
    assert_int_equal(f->len, strlen("\xff\xd8--Xy\r\n-not-a-boundary"));
    assert_null(multipart_get(p, n, "other"));
    /* quoted boundary, body starting with the delimiter, empty part */
    n = parse("multipart/form-data; charset=utf-8; boundary=\"a b\"",
              "--a b\r\nContent-Disposition: form-data; name=file\r\n\r\n\r\n--a b--", p);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].name, "file");
    assert_int_equal(p[0].len, 0);
}

static void test_multipart_bad(void **state)
{
    (void)state;
    mp_part_t p[8];
    const char *ok = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--XyZ--\r\n";
    assert_int_equal(parse(CT, ok, p), 1);
    assert_int_equal(parse("multipart/form-data", ok, p), -1);                 /* no boundary */
    assert_int_equal(parse("multipart/form-data; boundary=", ok, p), -1);      /* empty boundary */
    assert_int_equal(parse("application/json; boundary=XyZ", ok, p), -1);     /* not multipart */
    assert_int_equal(parse(NULL, ok, p), -1);
    assert_int_equal(parse("multipart/form-data; boundary=Other", ok, p), -1); /* wrong boundary */
    assert_int_equal(parse(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx", p), -1);
    assert_int_equal(parse(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--XyZ", p), -1);
    assert_int_equal(parse(CT, "--XyZ\r\nno colon\r\n\r\nx\r\n--XyZ--", p), -1);
    assert_int_equal(parse(CT, "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", p), -1); /* no disposition */
    assert_int_equal(parse(CT, "--XyZ\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nx\r\n--XyZ--", p), -1);
    assert_int_equal(parse(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"f\r\n\r\nx\r\n--XyZ--", p), -1);
    assert_int_equal(parse(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n", p), -1);
    assert_int_equal(parse(CT, "", p), -1);
    char big[200];
    snprintf(big, sizeof big, "multipart/form-data; boundary=%071d", 0); /* 71 > 70 */
    assert_int_equal(parse(big, ok, p), -1);
    /* more parts than room: refused, not truncated */
    mp_part_t one[1];
    const char *two = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                      "--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--XyZ--";
    assert_int_equal(multipart_parse(CT, two, strlen(two), one, 1), -1);
}

/* The windowed delimiter search (multipart_parse_scan) of a body larger than
 * a window: a delimiter anywhere, also across a window's edge, is found where
 * it starts, and every window searched is reported once, in order. */
typedef struct {
    const char *body, *next; /* where the next window must start */
    int windows;
} scan_log_t;

static void on_scanned(void *ctx, const char *from, const char *to)
{
    scan_log_t *l = ctx;
    assert_ptr_equal(from, l->next);
    assert_int_equal((size_t)(to - from), MP_SCAN_WINDOW);
    l->next = to;
    l->windows++;
}

static void test_multipart_windows(void **state)
{
    (void)state;
    const char head[] = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n";
    const char delim[] = "\r\n--XyZ";
    const char tail[] = "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nok\r\n--XyZ--\r\n";
    size_t hl = strlen(head), dl = strlen(delim), W = MP_SCAN_WINDOW;
    char *body = malloc(hl + 2 * W + sizeof tail);
    assert_non_null(body);
    /* The file part's data starts a window; its closing delimiter starts at
     * W - k: wholly inside the first window (k >= dl), across its edge
     * (0 < k < dl), or just past it (k == 0, second window). */
    size_t ks[] = {dl + 5, dl, dl - 1, 3, 1, 0};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        size_t flen = W - ks[i];
        memcpy(body, head, hl);
        memset(body + hl, 'a', flen);
        /* a near-miss of the delimiter across the same edge first */
        if (flen > 20)
            memcpy(body + hl + flen - 20, "\r\n--XyY", dl);
        memcpy(body + hl + flen, tail, sizeof tail - 1);
        size_t len = hl + flen + sizeof tail - 1;
        mp_part_t p[8];
        scan_log_t log = {body, body + hl, 0};
        mp_scan_t scan = {on_scanned, &log};
        int n = multipart_parse_scan(CT, body, len, p, 8, &scan);
        assert_int_equal(n, 2);
        const mp_part_t *f = multipart_get(p, n, "file");
        assert_non_null(f);
        assert_ptr_equal(f->data, body + hl);
        assert_int_equal(f->len, flen);
        const mp_part_t *alt = multipart_get(p, n, "alt");
        assert_non_null(alt);
        assert_int_equal(alt->len, 2);
        assert_int_equal(log.windows, ks[i] == 0 ? 1 : 0);
        assert_int_equal(multipart_parse(CT, body, len, p, 8), 2); /* the same without the hook */
    }
    /* A body over two windows without a closing delimiter: refused, after
     * searching (and reporting) every full window. */
    memcpy(body, head, hl);
    memset(body + hl, 'b', 2 * W);
    memcpy(body + hl + 2 * W - dl + 2, delim, dl - 2); /* "\r\n--Xy" at the very end */
    scan_log_t log = {body, body + hl, 0};
    mp_scan_t scan = {on_scanned, &log};
    mp_part_t p[8];
    assert_int_equal(multipart_parse_scan(CT, body, hl + 2 * W, p, 8, &scan), -1);
    assert_int_equal(log.windows, 1);
    /* A preamble over a window before the first delimiter, which crosses
     * the window's edge. */
    size_t pre = W - 3;
    memset(body, 'c', pre);
    memcpy(body + pre, "\r\n", 2);
    memcpy(body + pre + 2, head, hl);
    memcpy(body + pre + 2 + hl, "xyz", 3);
    memcpy(body + pre + 2 + hl + 3, tail, sizeof tail - 1);
    log = (scan_log_t){body, body, 0};
    int n = multipart_parse_scan(CT, body, pre + 2 + hl + 3 + sizeof tail - 1, p, 8, &scan);
    assert_int_equal(n, 2);
    assert_int_equal(multipart_get(p, n, "file")->len, 3);
    assert_int_equal(log.windows, 0);
    free(body);
}

static void test_store_keys(void **state)
{
    (void)state;
    const char *sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char k[128];
    assert_true(store_key_ok(sha));
    snprintf(k, sizeof k, "%s.w480.webp", sha);
    assert_true(store_key_ok(k));
    snprintf(k, sizeof k, "%s.poster.jpg", sha);
    assert_true(store_key_ok(k));
    snprintf(k, sizeof k, "%s..", sha);
    assert_false(store_key_ok(k));
    snprintf(k, sizeof k, "%s./x", sha);
    assert_false(store_key_ok(k));
    snprintf(k, sizeof k, "%s.", sha);
    assert_false(store_key_ok(k));
    snprintf(k, sizeof k, "%sx", sha);
    assert_false(store_key_ok(k));
    assert_false(store_key_ok("../hao.db"));
    assert_false(store_key_ok(""));
    snprintf(k, sizeof k, "%s", sha);
    k[3] = 'A';
    assert_false(store_key_ok(k));
}

#define XMP_HEAD "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
#define XMP_TAIL "</rdf:RDF></x:xmpmeta>"

static void test_xmp_aigc(void **state)
{
    (void)state;
    process_init("test");
    /* element form, entity-encoded JSON */
    const char *el = XMP_HEAD "<rdf:Description rdf:about=\"\" xmlns:TC260=\"http://www.tc260.org.cn/ns/AIGC/1.0/\">"
                     "<TC260:AIGC>{&quot;Label&quot;:&quot;1&quot;,&quot;P&quot;:&quot;a&amp;b &#x4E2D;&#25991;&quot;}"
                     "</TC260:AIGC></rdf:Description>" XMP_TAIL;
    char *v = process_xmp_aigc(el, strlen(el));
    assert_non_null(v);
    assert_string_equal(v, "{\"Label\":\"1\",\"P\":\"a&b \xe4\xb8\xad\xe6\x96\x87\"}");
    free(v);
    /* attribute form, another prefix */
    const char *attr = XMP_HEAD "<rdf:Description rdf:about='' xmlns:aigc='http://www.tc260.org.cn/ns/AIGC/1.0/' "
                       "aigc:AIGC='{&quot;Label&quot;:&quot;2&quot;}'/>" XMP_TAIL;
    v = process_xmp_aigc(attr, strlen(attr));
    assert_non_null(v);
    assert_string_equal(v, "{\"Label\":\"2\"}");
    free(v);
    /* the element name in another namespace is not the label */
    const char *other = XMP_HEAD "<rdf:Description rdf:about='' xmlns:TC260=\"http://example.com/\">"
                        "<TC260:AIGC>x</TC260:AIGC></rdf:Description>" XMP_TAIL;
    assert_null(process_xmp_aigc(other, strlen(other)));
    /* not XMP at all, cut off, empty */
    const char *unclosed = XMP_HEAD "<rdf:Description xmlns:TC260=\"http://www.tc260.org.cn/ns/AIGC/1.0/\"><TC260:AIGC>{never";
    assert_null(process_xmp_aigc(unclosed, strlen(unclosed)));
    assert_null(process_xmp_aigc("", 0));
    const char *edge = "\"http://www.tc260.org.cn/ns/AIGC/1.0/\"";
    assert_null(process_xmp_aigc(edge, strlen(edge)));
}

static void test_xmp_propagated(void **state)
{
    (void)state;
    process_init("test");
    size_t n = 0;
    char *x = process_xmp_propagated("{\"Label\":\"1\",\"ContentProducer\":\"p\",\"PropagateID\":\"old\"}", "好号",
                                   "好号:0123456789abcdef", &n);
    assert_non_null(x);
    assert_int_equal(strlen(x), n);
    /* Read back with the same parser: the label, with this platform's fields. */
    char *v = process_xmp_aigc(x, n);
    assert_non_null(v);
    json_error_t je;
    json_t *j = json_loads(v, 0, &je);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "Label")), "1");
    assert_string_equal(json_string_value(json_object_get(j, "ContentProducer")), "p");
    assert_string_equal(json_string_value(json_object_get(j, "ContentPropagator")), "好号");
    assert_string_equal(json_string_value(json_object_get(j, "PropagateID")), "好号:0123456789abcdef");
    json_decref(j);
    free(v);
    free(x);
    assert_null(process_xmp_propagated("not json", "p", "i", &n));
    assert_null(process_xmp_propagated("[1,2]", "p", "i", &n));
}

/* A resolver that knows one id. */
static int fake_media(void *ctx, const char *id, buf_t *out, const char **close)
{
    (void)ctx;
    if (strcmp(id, "abc123") != 0)
        return 0;
    buf_lit(out, "<img src=\"/m/abc123\" width=\"10\" height=\"5\" alt=\"");
    *close = " loading=\"lazy\">";
    return 1;
}

static void test_markdown_resolver(void **state)
{
    (void)state;
    md_media_t m = {fake_media, NULL};
    const char *src = "a ![x <y>](/m/abc123) b ![gone](/m/ffff) c ![ext](https://e.com/p.png)";
    buf_t b = BUF_INIT;
    md_info_t info;
    assert_int_equal(md_to_html_media(src, strlen(src), &b, &info, &m), 0);
    assert_string_equal(buf_cstr(&b), "<p>a <img src=\"/m/abc123\" width=\"10\" height=\"5\" alt=\"x &lt;y&gt;\" "
                                      "loading=\"lazy\"> b  c <img src=\"https://e.com/p.png\" alt=\"ext\" "
                                      "loading=\"lazy\"></p>\n");
    assert_int_equal(info.images, 2);
    assert_int_equal(info.missing_media, 1);
    buf_free(&b);
    /* Without a resolver, /m/ URLs are plain images; ids that are not
     * [a-z0-9] never reach a resolver. */
    const char *odd = "![a](/m/ABC) ![b](/m/abc123/w480.webp)";
    assert_int_equal(md_to_html_media(odd, strlen(odd), &b, &info, &m), 0);
    assert_int_equal(info.missing_media, 0);
    assert_int_equal(info.images, 2);
    buf_free(&b);
    /* a line of nothing but an unknown embed leaves no empty paragraph */
    const char *alone = "![x](/m/nope)\n\ntext";
    assert_int_equal(md_to_html_media(alone, strlen(alone), &b, &info, &m), 0);
    assert_string_equal(buf_cstr(&b), "<p>text</p>\n");
    buf_free(&b);
}

/* Files in dir (not . and ..). */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static void test_derive_staging(void **state)
{
    (void)state;
    assert_int_equal(process_init("test"), 0);
    char dir[] = "/tmp/hao-derive-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char png[64], cut[64];
    snprintf(png, sizeof png, "%s.png", dir);
    snprintf(cut, sizeof cut, "%s.cut.png", dir);
    VipsImage *im;
    assert_int_equal(vips_black(&im, 1000, 600, "bands", 3, NULL), 0);
    assert_int_equal(vips_pngsave(im, png, NULL), 0);
    g_object_unref(im);
    static media_staged_t st;
    media_meta_t m;
    media_err_t e;
    const char *sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    /* A good picture: every derived file is in dir and listed, nothing else. */
    assert_int_equal(process_derive(png, sha, dir, "好号", &m, &st, &e), 0);
    assert_string_equal(m.kind, "image");
    assert_int_equal(m.width, 1000);
    assert_string_equal(m.variants, "480,960");
    assert_int_equal(st.n, 5); /* full.png, w480 and w960 as webp and png */
    assert_int_equal(count_files(dir), st.n);
    for (int i = 0; i < st.n; i++) {
        assert_memory_equal(st.tmp[i], dir, strlen(dir));
        unlink(st.tmp[i]);
    }
    free(m.aigc);
    /* The same picture cut short: refused, and nothing left in dir. */
    FILE *in = fopen(png, "rb"), *out = fopen(cut, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char b[4096];
    size_t n = fread(b, 1, sizeof b, in);
    fwrite(b, 1, n / 2, out);
    fclose(in);
    fclose(out);
    assert_int_equal(process_derive(cut, sha, dir, "p", &m, &st, &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(st.n, 0);
    assert_null(m.aigc);
    assert_int_equal(count_files(dir), 0);
    /* Not a picture or video at all: 415 naming what it is. */
    FILE *t = fopen(cut, "w");
    assert_non_null(t);
    fputs("#!/bin/sh\necho hi\n", t);
    fclose(t);
    assert_int_equal(process_derive(cut, sha, dir, "p", &m, &st, &e), -1);
    assert_int_equal(e.status, 415);
    assert_string_equal(e.key, "media.err.type");
    assert_int_equal(count_files(dir), 0);
    unlink(png);
    unlink(cut);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multipart_ok),
        cmocka_unit_test(test_multipart_bad),
        cmocka_unit_test(test_multipart_windows),
        cmocka_unit_test(test_store_keys),
        cmocka_unit_test(test_xmp_aigc),
        cmocka_unit_test(test_xmp_propagated),
        cmocka_unit_test(test_markdown_resolver),
        cmocka_unit_test(test_derive_staging),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
