/*
 * html2md.c — see html2md.h. Owned by site/portability; any thread.
 */
#include "site/portability/html2md.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

typedef struct {
    const h2m_opts_t *o;
    int depth;        /* list nesting */
    int scripts, embeds, forms, unknown;
    int recursion;
} cv_t;

static int is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && strcasecmp((const char *)n->name, name) == 0;
}

static int is_any(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (is(n, *names))
            return 1;
    return 0;
}

static const char *const BLOCKS[] = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote",
                                     "pre", "table", "figure", "hr", "section", "article", "header", "footer",
                                     "aside", "main", "nav", "dl", "address", "details", "center", NULL};
static const char *const DROP[] = {"script", "style", "noscript", "template", "head", "title", "meta", "link",
                                   NULL};
static const char *const EMBEDS[] = {"iframe", "video", "audio", "object", "embed", "canvas", "svg", NULL};
static const char *const FORMS[] = {"form", "input", "button", "select", "textarea", NULL};

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp((xmlNode *)n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

/* Text with Markdown's syntax characters escaped, white space collapsed. */
static void put_text(buf_t *b, const char *s)
{
    int space = b->len > 0 && (b->p[b->len - 1] == ' ' || b->p[b->len - 1] == '\n');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!space)
                buf_ch(b, ' ');
            space = 1;
            continue;
        }
        space = 0;
        if (strchr("\\`*_[]<>#|~!", c))
            buf_ch(b, '\\');
        buf_ch(b, (char)c);
    }
}

/* s percent-encoded where Markdown's (...) or a reader of it would stop or
 * stumble: spaces, parentheses, angle brackets, quotes, controls and DEL.
 * The importer finds a picture's key in the Markdown as the run after "("
 * up to ")" or a space, so no key may hold one. */
static void put_url(buf_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '(' || c == ')' || c == '<' || c == '>' || c == '"' || c < 0x20 || c == 0x7f)
            buf_printf(b, "%%%02X", c);
        else
            buf_ch(b, (char)c);
    }
}

/* An URL safe to write inside (...): absolute, or made absolute against
 * base; percent-encoded by put_url. NULL when not http(s), mailto or
 * relative. */
static char *clean_url(const char *u, const char *base)
{
    while (*u == ' ' || *u == '\n' || *u == '\t')
        u++;
    if (!*u)
        return NULL;
    buf_t b = BUF_INIT;
    if (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0 || strncasecmp(u, "mailto:", 7) == 0) {
        /* as is */
    } else if (u[0] == '/' && u[1] == '/') {
        buf_lit(&b, "https:");
    } else if (u[0] == '/' && base) {
        size_t bl = strlen(base);
        while (bl && base[bl - 1] == '/')
            bl--;
        put_url(&b, base, bl);
    } else if (u[0] == '#' || u[0] == '/') {
        /* a fragment or site-relative path: kept */
    } else if (strchr(u, ':')) {
        buf_free(&b);
        return NULL; /* javascript:, data:, ... */
    }
    put_url(&b, u, strlen(u));
    buf_cstr(&b);
    return buf_steal(&b, NULL);
}

static void inlines(cv_t *c, const xmlNode *n, buf_t *b);
static void blocks(cv_t *c, const xmlNode *first, buf_t *out);

static void wrap(cv_t *c, const xmlNode *n, buf_t *b, const char *mark)
{
    buf_t in = BUF_INIT;
    inlines(c, n->children, &in);
    const char *s = buf_cstr(&in);
    size_t l = in.len;
    while (l && s[0] == ' ')
        s++, l--;
    while (l && s[l - 1] == ' ')
        l--;
    if (l) {
        buf_rawz(b, mark);
        buf_raw(b, s, l);
        buf_rawz(b, mark);
    }
    buf_free(&in);
}

static void text_of(const xmlNode *n, buf_t *b)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
            buf_rawz(b, (const char *)n->content);
        else if (is(n, "br"))
            buf_ch(b, '\n');
        else if (n->type == XML_ELEMENT_NODE && !is_any(n, DROP))
            text_of(n->children, b);
    }
}

static void image(cv_t *c, const xmlNode *n, buf_t *b)
{
    char *src = attr(n, "src"), *alt = attr(n, "alt");
    char *url = src ? clean_url(src, c->o->base) : NULL;
    if (url) {
        const char *key = c->o->on_image ? c->o->on_image(c->o->ctx, url, alt ? alt : "") : url;
        buf_lit(b, "![");
        put_text(b, alt ? alt : "");
        buf_lit(b, "](");
        buf_rawz(b, key ? key : url);
        buf_ch(b, ')');
    }
    free(src);
    free(alt);
    free(url);
}

static void note(cv_t *c, const char *what, const char *detail)
{
    if (c->o->notes)
        buf_printf(c->o->notes, "%s: %s%s%s\n", c->o->origin ? c->o->origin : "", what, detail ? ": " : "",
                   detail ? detail : "");
}

static void embed(cv_t *c, const xmlNode *n, buf_t *b)
{
    char *src = attr(n, "src");
    if (!src)
        for (const xmlNode *k = n->children; k && !src; k = k->next)
            if (is(k, "source"))
                src = attr(k, "src");
    char *url = src ? clean_url(src, c->o->base) : NULL;
    c->embeds++;
    note(c, "an embedded element cannot be shown here; kept as a link", url ? url : (const char *)n->name);
    if (url) {
        buf_printf(b, "[%s](", (const char *)n->name);
        buf_rawz(b, url);
        buf_ch(b, ')');
    }
    free(src);
    free(url);
}

static void inlines(cv_t *c, const xmlNode *n, buf_t *b)
{
    if (++c->recursion > 200) {
        c->recursion--;
        return;
    }
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            put_text(b, (const char *)n->content);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is(n, "strong") || is(n, "b"))
            wrap(c, n, b, "**");
        else if (is(n, "em") || is(n, "i") || is(n, "cite"))
            wrap(c, n, b, "*");
        else if (is(n, "del") || is(n, "s") || is(n, "strike"))
            wrap(c, n, b, "~~");
        else if (is(n, "code") || is(n, "kbd") || is(n, "tt")) {
            buf_t t = BUF_INIT;
            text_of(n->children, &t);
            const char *s = buf_cstr(&t);
            int ticks = strstr(s, "``") ? 3 : strchr(s, '`') ? 2 : 1;
            for (int i = 0; i < ticks; i++)
                buf_ch(b, '`');
            if (ticks > 1)
                buf_ch(b, ' ');
            for (; *s; s++)
                buf_ch(b, *s == '\n' ? ' ' : *s);
            if (ticks > 1)
                buf_ch(b, ' ');
            for (int i = 0; i < ticks; i++)
                buf_ch(b, '`');
            buf_free(&t);
        } else if (is(n, "a")) {
            char *href = attr(n, "href");
            char *url = href ? clean_url(href, c->o->base) : NULL;
            buf_t in = BUF_INIT;
            inlines(c, n->children, &in);
            if (url && in.len) {
                buf_ch(b, '[');
                buf_raw(b, in.p, in.len);
                buf_lit(b, "](");
                buf_rawz(b, url);
                buf_ch(b, ')');
            } else {
                buf_raw(b, in.p ? in.p : "", in.len);
            }
            buf_free(&in);
            free(href);
            free(url);
        } else if (is(n, "img")) {
            image(c, n, b);
        } else if (is(n, "br")) {
            buf_lit(b, "\\\n");
        } else if (is_any(n, DROP)) {
            if (is(n, "script")) {
                c->scripts++;
                note(c, "a script was removed", NULL);
            }
        } else if (is_any(n, EMBEDS)) {
            embed(c, n, b);
        } else if (is_any(n, FORMS)) {
            c->forms++;
            note(c, "a form element cannot be used here; its text is kept", NULL);
            inlines(c, n->children, b);
        } else {
            inlines(c, n->children, b); /* span, font, u, sub, sup, mark, small, q, abbr, label... */
        }
    }
    c->recursion--;
}

static void end_block(buf_t *out)
{
    while (out->len && (out->p[out->len - 1] == ' ' || out->p[out->len - 1] == '\n'))
        out->len--;
    if (out->len)
        buf_lit(out, "\n\n");
}

/* A run of inline content as one paragraph. */
static void paragraph(buf_t *out, buf_t *run)
{
    const char *s = buf_cstr(run);
    size_t l = run->len;
    while (l && (s[0] == ' ' || s[0] == '\n'))
        s++, l--;
    while (l && (s[l - 1] == ' ' || s[l - 1] == '\n'))
        l--;
    if (l) {
        /* a line that would start a list or a numbered list */
        if ((s[0] == '-' || s[0] == '+') && (l == 1 || s[1] == ' '))
            buf_ch(out, '\\');
        else if (s[0] >= '0' && s[0] <= '9') {
            size_t i = 0;
            while (i < l && s[i] >= '0' && s[i] <= '9')
                i++;
            if (i < l && (s[i] == '.' || s[i] == ')')) {
                buf_raw(out, s, i);
                buf_ch(out, '\\');
                s += i, l -= i;
            }
        }
        buf_raw(out, s, l);
        end_block(out);
    }
    buf_reset(run);
}

/* Prefix every line of src with pre (quotes, list continuation). */
static void indent(buf_t *out, const char *src, size_t n, const char *first, const char *rest)
{
    int start = 1, firstline = 1;
    for (size_t i = 0; i < n; i++) {
        if (start) {
            /* blank lines inside a quote keep the marker */
            buf_rawz(out, firstline ? first : rest);
            firstline = 0;
            start = 0;
        }
        buf_ch(out, src[i]);
        if (src[i] == '\n')
            start = 1;
    }
}

static void list(cv_t *c, const xmlNode *n, buf_t *out, int ordered)
{
    int k = 1;
    c->depth++;
    for (const xmlNode *li = n->children; li; li = li->next) {
        if (!is(li, "li"))
            continue;
        buf_t item = BUF_INIT;
        if (c->depth < 8)
            blocks(c, li->children, &item);
        else
            inlines(c, li->children, &item);
        while (item.len && (item.p[item.len - 1] == '\n' || item.p[item.len - 1] == ' '))
            item.len--;
        char marker[16];
        if (ordered)
            snprintf(marker, sizeof marker, "%d. ", k++);
        else
            snprintf(marker, sizeof marker, "- ");
        char pad[16];
        snprintf(pad, sizeof pad, "%*s", (int)strlen(marker), "");
        indent(out, item.p ? item.p : "", item.len, marker, pad);
        buf_ch(out, '\n');
        buf_free(&item);
    }
    c->depth--;
    buf_ch(out, '\n');
}

static void cell_text(cv_t *c, const xmlNode *cell, buf_t *b)
{
    buf_t t = BUF_INIT;
    inlines(c, cell->children, &t);
    for (size_t i = 0; i < t.len; i++) {
        char ch = t.p[i];
        if (ch == '\n')
            buf_ch(b, ' ');
        else if (ch == '|' && (i == 0 || t.p[i - 1] != '\\'))
            buf_lit(b, "\\|"); /* text arrives escaped already; code spans do not */
        else
            buf_ch(b, ch);
    }
    buf_free(&t);
}

static void table_rows(const xmlNode *n, const xmlNode **rows, int *nr, int max)
{
    for (; n && *nr < max; n = n->next) {
        if (is(n, "tr"))
            rows[(*nr)++] = n;
        else if (is(n, "thead") || is(n, "tbody") || is(n, "tfoot"))
            table_rows(n->children, rows, nr, max);
    }
}

static void table(cv_t *c, const xmlNode *n, buf_t *out)
{
    const xmlNode *rows[2000];
    int nr = 0, cols = 0;
    table_rows(n->children, rows, &nr, 2000);
    for (int r = 0; r < nr; r++) {
        int k = 0;
        for (const xmlNode *cell = rows[r]->children; cell; cell = cell->next)
            if (is(cell, "td") || is(cell, "th"))
                k++;
        if (k > cols)
            cols = k;
    }
    if (nr == 0 || cols == 0)
        return;
    for (int r = 0; r < nr; r++) {
        int k = 0;
        buf_ch(out, '|');
        for (const xmlNode *cell = rows[r]->children; cell; cell = cell->next) {
            if (!is(cell, "td") && !is(cell, "th"))
                continue;
            buf_ch(out, ' ');
            cell_text(c, cell, out);
            buf_lit(out, " |");
            k++;
        }
        for (; k < cols; k++)
            buf_lit(out, "  |");
        buf_ch(out, '\n');
        if (r == 0) {
            buf_ch(out, '|');
            for (int i = 0; i < cols; i++)
                buf_lit(out, " --- |");
            buf_ch(out, '\n');
        }
    }
    buf_ch(out, '\n');
}

static void blocks(cv_t *c, const xmlNode *n, buf_t *out)
{
    buf_t run = BUF_INIT;
    if (++c->recursion > 200) {
        c->recursion--;
        return;
    }
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE ||
            (n->type == XML_ELEMENT_NODE && !is_any(n, BLOCKS) && !is(n, "li"))) {
            if (is(n, "br") && run.len == 0)
                continue;
            /* inline content: gather into the paragraph being built */
            xmlNode *next = n->next;
            ((xmlNode *)n)->next = NULL;
            inlines(c, n, &run);
            ((xmlNode *)n)->next = next;
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        paragraph(out, &run);
        if (is(n, "p") || is(n, "address") || is(n, "center")) {
            inlines(c, n->children, &run);
            paragraph(out, &run);
        } else if (n->name[0] == 'h' && n->name[1] >= '1' && n->name[1] <= '6' && !n->name[2]) {
            buf_t h = BUF_INIT;
            inlines(c, n->children, &h);
            const char *s = buf_cstr(&h);
            while (*s == ' ')
                s++;
            if (*s) {
                for (int i = 0; i < n->name[1] - '0'; i++)
                    buf_ch(out, '#');
                buf_ch(out, ' ');
                for (; *s; s++)
                    buf_ch(out, *s == '\n' ? ' ' : *s);
                end_block(out);
            }
            buf_free(&h);
        } else if (is(n, "ul") || is(n, "ol")) {
            list(c, n, out, is(n, "ol"));
            end_block(out);
        } else if (is(n, "blockquote")) {
            buf_t q = BUF_INIT;
            blocks(c, n->children, &q);
            while (q.len && (q.p[q.len - 1] == '\n' || q.p[q.len - 1] == ' '))
                q.len--;
            indent(out, q.p ? q.p : "", q.len, "> ", "> ");
            end_block(out);
            buf_free(&q);
        } else if (is(n, "pre")) {
            buf_t t = BUF_INIT;
            text_of(n->children, &t);
            const char *s = buf_cstr(&t);
            const char *fence = strstr(s, "```") ? "~~~~" : "```";
            buf_rawz(out, fence);
            buf_ch(out, '\n');
            buf_raw(out, s, t.len);
            if (t.len && s[t.len - 1] != '\n')
                buf_ch(out, '\n');
            buf_rawz(out, fence);
            end_block(out);
            buf_free(&t);
        } else if (is(n, "table")) {
            table(c, n, out);
            end_block(out);
        } else if (is(n, "figure")) {
            /* the picture (or table) and its caption */
            const xmlNode *cap = NULL;
            for (const xmlNode *k = n->children; k; k = k->next)
                if (is(k, "figcaption"))
                    cap = k;
            buf_t body = BUF_INIT;
            for (const xmlNode *k = n->children; k; k = k->next) {
                if (k == cap)
                    continue;
                xmlNode *next = k->next;
                ((xmlNode *)k)->next = NULL;
                if (is(k, "table") || is_any(k, BLOCKS))
                    blocks(c, k, &body);
                else
                    inlines(c, k, &body);
                ((xmlNode *)k)->next = next;
            }
            paragraph(out, &body);
            if (cap) {
                buf_t t = BUF_INIT;
                inlines(c, cap->children, &t);
                const char *s = buf_cstr(&t);
                size_t l = t.len;
                while (l && s[0] == ' ')
                    s++, l--;
                while (l && s[l - 1] == ' ')
                    l--;
                if (l) {
                    buf_ch(out, '*');
                    buf_raw(out, s, l);
                    buf_ch(out, '*');
                    end_block(out);
                }
                buf_free(&t);
            }
            buf_free(&body);
        } else if (is(n, "hr")) {
            buf_lit(out, "---");
            end_block(out);
        } else {
            blocks(c, n->children, out); /* div, section, ... */
        }
    }
    paragraph(out, &run);
    buf_free(&run);
    c->recursion--;
}

/* C0 controls other than tab and line ends, and DEL, dropped from what was
 * written since from: XML and JSON carry them, hao's text holds none
 * (text_valid), and one would refuse the whole import. */
static void drop_controls(buf_t *b, size_t from)
{
    size_t w = from;
    for (size_t i = from; i < b->len; i++) {
        unsigned char c = (unsigned char)b->p[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            continue;
        b->p[w++] = b->p[i];
    }
    b->len = w;
}

int html2md(const char *html, size_t len, const h2m_opts_t *o, buf_t *out, buf_t *err)
{
    if (len == 0)
        return 0;
    if (len > (size_t)INT32_MAX) {
        buf_lit(err, "the HTML is too large");
        return -1;
    }
    /* A fragment: the parser puts it in an implied html and body. */
    htmlDocPtr d = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                                  HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    if (!d) {
        buf_lit(err, "the HTML could not be parsed");
        return -1;
    }
    xmlNode *root = xmlDocGetRootElement(d), *body = NULL;
    for (xmlNode *k = root ? root->children : NULL; k; k = k->next)
        if (is(k, "body"))
            body = k;
    cv_t c = {o, 0, 0, 0, 0, 0, 0};
    size_t from = out->len;
    if (body)
        blocks(&c, body->children, out);
    drop_controls(out, from);
    while (out->len && (out->p[out->len - 1] == '\n' || out->p[out->len - 1] == ' '))
        out->len--;
    if (out->len)
        buf_ch(out, '\n');
    xmlFreeDoc(d);
    return 0;
}

void html2text(const char *html, size_t len, buf_t *out)
{
    if (len == 0 || len > (size_t)INT32_MAX)
        return;
    htmlDocPtr d = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                                  HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    if (!d)
        return;
    buf_t t = BUF_INIT;
    text_of(xmlDocGetRootElement(d), &t);
    xmlFreeDoc(d);
    drop_controls(&t, 0);
    /* trim each line, drop runs of blank lines */
    const char *s = buf_cstr(&t);
    int blank = 0;
    while (*s) {
        size_t l = strcspn(s, "\n");
        const char *a = s;
        size_t n = l;
        while (n && (*a == ' ' || *a == '\t' || *a == '\r'))
            a++, n--;
        while (n && (a[n - 1] == ' ' || a[n - 1] == '\t' || a[n - 1] == '\r'))
            n--;
        if (n) {
            if (out->len)
                buf_rawz(out, blank ? "\n\n" : "\n");
            buf_raw(out, a, n);
            blank = 0;
        } else {
            blank = 1;
        }
        s += l + (s[l] == '\n');
    }
    buf_free(&t);
}
