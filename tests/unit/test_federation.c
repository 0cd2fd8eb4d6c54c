/*
 * test_federation.c — unit tests for the parts of src/site/federation/ that
 * judge hostile input without a server: which addresses outgoing fetches
 * may connect to (fetch.c: private, loopback, link-local, mapped and
 * reserved ranges refused; the loopback test mode), remote HTML reduced to
 * text by libxml2 (remote_text.c: scripts and attributes gone, paragraphs
 * kept, links' addresses kept as text), and the signature primitives
 * (keys.c: a signature verifies under its key only, digests as Mastodon
 * writes them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "site/federation/fetch.h"
#include "site/federation/keys.h"
#include "site/federation/remote_text.h"

static void test_addresses(void **state)
{
    (void)state;
    static const struct {
        const char *ip;
        int ok;
    } cases[] = {
        {"93.184.216.34", 1},   {"8.8.8.8", 1},          {"2606:4700::1111", 1},
        {"127.0.0.1", 0},       {"127.8.9.10", 0},       {"10.0.0.1", 0},
        {"172.16.0.1", 0},      {"172.31.255.255", 0},   {"172.32.0.1", 1},
        {"192.168.1.1", 0},     {"169.254.169.254", 0},  {"100.64.0.1", 0},
        {"0.0.0.0", 0},         {"224.0.0.1", 0},        {"255.255.255.255", 0},
        {"198.18.0.1", 0},      {"::1", 0},              {"::", 0},
        {"fe80::1", 0},         {"fc00::1", 0},          {"fd12:3456::1", 0},
        {"ff02::1", 0},         {"::ffff:127.0.0.1", 0}, {"::ffff:10.1.2.3", 0},
        {"::ffff:8.8.8.8", 1},  {"64:ff9b::a00:1", 0},   {"2001:db8::1", 0},
        {"not an address", 0},  {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (fed_addr_public(cases[i].ip) != cases[i].ok)
            fail_msg("%s: expected %d", cases[i].ip, cases[i].ok);
    }
}

static void text_is(const char *html, const char *want)
{
    buf_t b = BUF_INIT;
    assert_int_equal(fed_html_text(html, strlen(html), &b), 0);
    if (strcmp(buf_cstr(&b), want) != 0)
        fail_msg("%s\n  gave %s\n  want %s", html, buf_cstr(&b), want);
    buf_free(&b);
}

static void test_html_text(void **state)
{
    (void)state;
    text_is("<p>Hello <b>world</b></p>", "Hello world");
    text_is("<p>one</p><p>two</p>", "one\n\ntwo");
    text_is("a<br>b<br/>c", "a\nb\nc");
    text_is("<script>alert(1)</script><p>kept</p><style>p{}</style>", "kept");
    text_is("<p onclick=\"x()\">attrs <img src=x onerror=alert(1)>gone</p>", "attrs gone");
    text_is("<a href=\"https://ex.example/a\">a page</a>", "a page (https://ex.example/a)");
    text_is("<a href=\"https://ex.example/a\">https://ex.example/a</a>", "https://ex.example/a");
    text_is("<a href=\"https://ex.example/a\">ex.example/a</a>", "ex.example/a");
    text_is("<a href=\"https://m.example/@hao\" class=\"mention\">@<span>hao</span></a> hi", "@hao hi");
    text_is("<a href=\"javascript:alert(1)\">click</a>", "click");
    text_is("&lt;b&gt;not markup&lt;/b&gt; &amp; more", "<b>not markup</b> & more");
    text_is("<p>  lots   of\n\n   space  </p>", "lots of space");
    text_is("<div><div><p>nested</p></div></div><p>again</p>", "nested\n\nagain");
    text_is("<p>unclosed <b>bold<p>next", "unclosed bold\n\nnext");
    text_is("中文<br>第二行", "中文\n第二行");
    text_is("", "");
}

static void test_sign_verify(void **state)
{
    (void)state;
    EVP_PKEY *k1 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    EVP_PKEY *k2 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    assert_non_null(k1);
    assert_non_null(k2);
    char *priv1, *pub1, *pub2, *p;
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, k1, NULL, NULL, 0, NULL, NULL);
    long n = BIO_get_mem_data(b, &p);
    priv1 = strndup(p, (size_t)n);
    BIO_free(b);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(b, k1);
    n = BIO_get_mem_data(b, &p);
    pub1 = strndup(p, (size_t)n);
    BIO_free(b);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(b, k2);
    n = BIO_get_mem_data(b, &p);
    pub2 = strndup(p, (size_t)n);
    BIO_free(b);
    const char *msg = "(request-target): post /inbox\nhost: hao.example\ndate: Sat, 05 Dec 2026 05:00:00 GMT";
    buf_t sig = BUF_INIT;
    assert_int_equal(fed_sign(priv1, msg, strlen(msg), &sig), 0);
    assert_int_equal(fed_verify(pub1, msg, strlen(msg), buf_cstr(&sig)), 1);
    assert_int_equal(fed_verify(pub2, msg, strlen(msg), buf_cstr(&sig)), 0);       /* another key */
    assert_int_equal(fed_verify(pub1, msg, strlen(msg) - 1, buf_cstr(&sig)), 0);   /* another text */
    assert_int_equal(fed_verify(pub1, msg, strlen(msg), "AAAA"), 0);               /* garbage */
    assert_int_equal(fed_verify(pub1, msg, strlen(msg), ""), 0);
    assert_int_equal(fed_verify("not a key", msg, strlen(msg), buf_cstr(&sig)), 0);
    assert_int_equal(fed_sign("not a key", msg, strlen(msg), &sig), -1);
    buf_t d = BUF_INIT;
    fed_digest("", 0, &d); /* SHA-256 of nothing */
    assert_string_equal(buf_cstr(&d), "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    buf_free(&d);
    buf_free(&sig);
    free(priv1);
    free(pub1);
    free(pub2);
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k2);
}

int main(void)
{
    unsetenv("HAO_FED_LOOPBACK");
    fed_text_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_html_text),
        cmocka_unit_test(test_sign_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
