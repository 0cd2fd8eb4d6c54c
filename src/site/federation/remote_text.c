/*
 * remote_text.c — see remote_text.h.
 */
#include "site/federation/remote_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <string.h>
#include <strings.h>

void fed_text_init(void)
{
    xmlInitParser();
}

static int is_block(const char *name)
{
    static const char *const blocks[] = {"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3",
                                         "h4", "h5", "h6", "ul", "ol", "tr", "section", "article"};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (strcasecmp(name, blocks[i]) == 0)
            return 1;
    return 0;
}

/* Append a line break unless the text already ends with two. */
static void brk(buf_t *out, int want)
{
    int have = 0;
    for (size_t i = out->len; i > 0 && out->p[i - 1] == '\n' && have < 2; i--)
        have++;
    if (out->len == 0)
        return;
    while (have < want) {
        buf_ch(out, '\n');
        have++;
    }
}

static void walk(xmlNode *n, buf_t *out, int depth)
{
    if (depth > 200)
        return;
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            const char *t = (const char *)n->content;
            if (t)
                for (; *t; t++)
                    buf_ch(out, *t == '\n' || *t == '\r' || *t == '\t' ? ' ' : *t);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        if (strcasecmp(name, "script") == 0 || strcasecmp(name, "style") == 0 || strcasecmp(name, "template") == 0)
            continue;
        if (strcasecmp(name, "br") == 0) {
            buf_ch(out, '\n');
            continue;
        }
        int block = is_block(name);
        if (block)
            brk(out, 2);
        size_t start = out->len;
        walk(n->children, out, depth + 1);
        if (strcasecmp(name, "a") == 0) {
            xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
            const char *h = (const char *)href, *text = out->p ? out->p + start : "";
            size_t tlen = out->len - start;
            int web = h && (strncmp(h, "https://", 8) == 0 || strncmp(h, "http://", 7) == 0);
            int same = h && tlen && strstr(h, "://") && strlen(strstr(h, "://") + 3) >= tlen &&
                       strncmp(strstr(h, "://") + 3, text, tlen) == 0;
            if (web && tlen && text[0] != '@' && text[0] != '#' && !same && !(tlen == strlen(h) && memcmp(text, h, tlen) == 0)) {
                buf_lit(out, " (");
                buf_rawz(out, h); /* raw: text (a comment is plain text, escaped where shown) */
                buf_ch(out, ')');
            }
            xmlFree(href);
        }
        if (block)
            brk(out, 2);
    }
}

int fed_html_text(const char *html, size_t n, buf_t *out)
{
    if (n == 0)
        return 0;
    htmlDocPtr doc = htmlReadMemory(html, (int)n, NULL, "UTF-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
    if (!doc)
        return -1;
    buf_t t = BUF_INIT;
    walk(xmlDocGetRootElement(doc), &t, 0);
    xmlFreeDoc(doc);
    /* Trim, squeeze runs of spaces, and drop spaces at line ends. */
    const char *p = t.p ? t.p : "";
    size_t len = t.len;
    while (len && (*p == ' ' || *p == '\n'))
        p++, len--;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\n'))
        len--;
    int space = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == ' ') {
            space = 1;
            continue;
        }
        if (space && p[i] != '\n' && out->len && out->p[out->len - 1] != '\n')
            buf_ch(out, ' ');
        space = 0;
        buf_ch(out, p[i]);
    }
    buf_free(&t);
    return 0;
}
