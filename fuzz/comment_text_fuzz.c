/* libFuzzer driver: a comment's text, as any reader (or a remote server's
 * Note, once reduced to text) sends it (src/site/audience/comment_text.c):
 * comment_text_normalize into the stored form, then comment_text_html.
 * Checked beyond "no crash": a refusal names why and writes nothing; the
 * stored form is what comment_text.h promises (valid UTF-8, no control
 * character but \n and \t, no CR, at most one blank line in a row, trimmed,
 * 1..COMMENT_MAX_CHARS characters) and normalizing it again changes
 * nothing; its HTML, read back by libxml2's HTML parser, holds only p, br
 * and a elements, each a with an http(s) href and rel="nofollow ugc" and
 * nothing else. Owned by ops (issue 17). */
#include <libxml/HTMLparser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "site/audience/comment_text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx, (void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    xmlSetGenericErrorFunc(NULL, silent);
    return 0;
}

static void fail(const char *what, const char *s, size_t n)
{
    fprintf(stderr, "comment_text: %s: \"%.*s\"\n", what, (int)(n > 400 ? 400 : n), s);
    abort();
}

static void stored_form(const char *s, size_t n)
{
    if (!text_valid(s, n) || memchr(s, '\r', n))
        fail("not valid text, or a CR", s, n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9f)
            fail("a C1 control", s, n);
    if (strstr(s, "\n\n\n"))
        fail("two blank lines in a row", s, n);
    const char *t = s;
    size_t tn = n;
    text_trim(&t, &tn);
    if (t != s || tn != n || n == 0)
        fail("not trimmed, or empty", s, n);
    if (text_chars(s, n) > COMMENT_MAX_CHARS)
        fail("too long", s, n);
}

/* Only p, br and a (http(s) href, rel="nofollow ugc") below body. */
static void html_ok(xmlNode *n, const char *src, size_t len)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            const char *name = (const char *)n->name;
            int a = strcmp(name, "a") == 0;
            if (!a && strcmp(name, "p") && strcmp(name, "br") && strcmp(name, "html") && strcmp(name, "body"))
                fail("an element that is not p, br or a", src, len);
            for (xmlAttr *at = n->properties; at; at = at->next) {
                xmlChar *v = xmlNodeGetContent((xmlNode *)at);
                const char *an = (const char *)at->name, *vs = v ? (const char *)v : "";
                int ok = a && ((strcmp(an, "href") == 0 &&
                                (strncasecmp(vs, "http://", 7) == 0 || strncasecmp(vs, "https://", 8) == 0)) ||
                               (strcmp(an, "rel") == 0 && strcmp(vs, "nofollow ugc") == 0));
                xmlFree(v);
                if (!ok)
                    fail("an attribute other than an http(s) href and rel", src, len);
            }
            if (a && (!xmlHasProp(n, (const xmlChar *)"href") || !xmlHasProp(n, (const xmlChar *)"rel")))
                fail("a link without href or rel", src, len);
        }
        html_ok(n->children, src, len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf_t out = BUF_INIT, again = BUF_INIT, html = BUF_INIT;
    const char *why = NULL;
    if (comment_text_normalize((const char *)data, size, &out, &why) < 0) {
        if (!why || out.len)
            fail("a refusal without a reason, or with output", (const char *)data, size);
        buf_free(&out);
        return 0;
    }
    const char *s = buf_cstr(&out);
    stored_form(s, out.len);
    if (comment_text_normalize(s, out.len, &again, &why) < 0 || again.len != out.len ||
        memcmp(again.p, s, out.len) != 0)
        fail("normalizing the stored form changes it", s, out.len);
    comment_text_html(s, out.len, &html);
    htmlDocPtr d = htmlReadMemory(buf_cstr(&html), (int)html.len, NULL, "UTF-8",
                                  HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    if (d) {
        html_ok(xmlDocGetRootElement(d), buf_cstr(&html), html.len);
        xmlFreeDoc(d);
    }
    buf_free(&out);
    buf_free(&again);
    buf_free(&html);
    return 0;
}
