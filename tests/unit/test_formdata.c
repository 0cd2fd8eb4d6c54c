/*
 * test_formdata.c — unit tests for src/core/formdata.c: a browser-shaped
 * body parses into its parts (text and file, binary data intact), and every
 * malformed shape is refused as a whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/formdata.h"

#define CT "multipart/form-data; boundary=----WebKitFormBoundaryAbC123"

static void parses_text_and_file(void **state)
{
    (void)state;
    static const char body[] = "------WebKitFormBoundaryAbC123\r\n"
                               "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
                               "王五\r\n"
                               "------WebKitFormBoundaryAbC123\r\n"
                               "Content-Disposition: form-data; name=\"proof_file\"; filename=\"a.png\"\r\n"
                               "Content-Type: image/png\r\n\r\n"
                               "\x89PNG\r\n\x00\x01--\r\n"
                               "------WebKitFormBoundaryAbC123--\r\n";
    formdata_part_t p[4];
    int n = formdata_parse(CT, body, sizeof body - 1, p, 4);
    assert_int_equal(n, 2);
    assert_string_equal(p[0].name, "name");
    assert_int_equal(p[0].is_file, 0);
    assert_int_equal(p[0].len, strlen("王五"));
    assert_memory_equal(p[0].data, "王五", p[0].len);
    assert_string_equal(p[1].name, "proof_file");
    assert_int_equal(p[1].is_file, 1);
    assert_string_equal(p[1].filename, "a.png");
    assert_string_equal(p[1].type, "image/png");
    assert_int_equal(p[1].len, 10);
    assert_memory_equal(p[1].data, "\x89PNG\r\n\x00\x01--", 10);
}

static void empty_file_and_quoted_boundary(void **state)
{
    (void)state;
    static const char body[] = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n\r\n--b--";
    formdata_part_t p[2];
    assert_int_equal(formdata_parse("multipart/form-data; boundary=\"b\"", body, sizeof body - 1, p, 2), 1);
    assert_int_equal(p[0].is_file, 1);
    assert_int_equal(p[0].len, 0);
}

static void refuses_malformed(void **state)
{
    (void)state;
    formdata_part_t p[2];
    static const struct {
        const char *ct, *body;
    } bad[] = {
        {"multipart/form-data", "--b\r\n\r\nx\r\n--b--"},                                           /* no boundary */
        {"text/plain; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--"},
        {"multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--"}, /* no name */
        {"multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx"}, /* unterminated */
        {"multipart/form-data; boundary=b", "preamble\r\n--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--"},
        {"multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--b--"}, /* open quote */
        {"multipart/form-data; boundary=b", "--b"},
        {"multipart/form-data; boundary=b", ""},
        {"multipart/form-data; boundary=b", "--bX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(formdata_parse(bad[i].ct, bad[i].body, strlen(bad[i].body), p, 2), -1);
    /* More parts than the caller has room for. */
    static const char three[] = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                                "--b\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n"
                                "--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--b--";
    assert_int_equal(formdata_parse("multipart/form-data; boundary=b", three, sizeof three - 1, p, 2), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_text_and_file),
        cmocka_unit_test(empty_file_and_quoted_boundary),
        cmocka_unit_test(refuses_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
