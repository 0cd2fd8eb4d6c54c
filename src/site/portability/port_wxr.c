/*
 * port_wxr.c — reading a WordPress export (WXR 1.0-1.2, as Tools > Export
 * or `wp export` writes it) into a port_set_t. Owned by site/portability;
 * the importing thread.
 *
 * Hostile XML in mind: a file with a DOCTYPE (where entities are declared:
 * billion laughs, external entities) is refused before parsing; the parser
 * never touches the network (XML_PARSE_NONET), never substitutes entities
 * (no XML_PARSE_NOENT) and never loads a DTD; a file that is not well-formed
 * UTF-8 XML is refused with the parser's line and message.
 *
 * What is read: the authors (login, display name), posts (pages with
 * --pages; attachments for their alt text), drafts as drafts (private,
 * pending and future ones too, noted), trash and auto-drafts skipped,
 * categories and tags as tags, approved comments with their threads, the
 * old permalink path, dates in GMT. Bodies go through html2md; classic
 * editor posts (paragraphs separated by blank lines, no <p>) get their
 * paragraphs first, as WordPress's wpautop would.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/alloc.h"
#include "core/text.h"
#include "site/portability/archive.h"
#include "site/portability/html2md.h"
#include "site/portability/importer.h"
#include "site/works/work.h"

#define WXR_MAX ((long long)256 << 20)

static int ns_is(const xmlNode *n, const char *frag)
{
    return n->ns && n->ns->href && strstr((const char *)n->ns->href, frag);
}

/* Child element with local name (and namespace fragment, or NULL: none). */
static xmlNode *child(const xmlNode *n, const char *name, const char *ns)
{
    for (xmlNode *k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name, name) == 0 &&
            (ns ? ns_is(k, ns) : k->ns == NULL))
            return k;
    return NULL;
}

/* Text of a child (malloc'ed, "" when absent). */
static char *ctext(const xmlNode *n, const char *name, const char *ns)
{
    xmlNode *k = child(n, name, ns);
    xmlChar *t = k ? xmlNodeGetContent(k) : NULL;
    char *s = xstrdup(t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

#define WP "wordpress.org/export/"

static int64_t wp_time(const char *s)
{
    if (!s || !*s || strncmp(s, "0000", 4) == 0)
        return 0;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *e = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
    if (!e)
        return 0;
    return (int64_t)timegm(&tm);
}

/* A prolog (before the root element) holding a DOCTYPE. */
static int has_doctype(const char *d, size_t n)
{
    size_t i = 0;
    for (;;) {
        while (i < n && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t'))
            i++;
        if (i + 1 >= n || d[i] != 0x3c)
            return 0;
        if (d[i + 1] == '?' || (n - i > 4 && memcmp(d + i, "\x3c!--", 4) == 0)) {
            const char *end = d[i + 1] == '?' ? "?>" : "-->";
            const char *e = memmem(d + i + 2, n - i - 2, end, strlen(end));
            if (!e)
                return 0;
            i = (size_t)(e - d) + strlen(end);
            continue;
        }
        return d[i + 1] == '!'; /* <!DOCTYPE (any case), <![CDATA[ cannot come here */
    }
}

typedef struct {
    port_set_t *s;
    const port_opts_t *o;
    const char *file;
    char *base;
    char *author;
    char origin[600];
    /* attachment URL -> the first non-empty alt text of it */
    port_index_t *alt_ix;
    int nalt, capalt;
    char **alt_text;
    port_index_t *uid_ix; /* WordPress user id -> the first author of it */
} wxr_t;

/* html2md's picture hook: register the picture, its bytes from the uploads
 * directory when it is there, else its URL (fetched with --fetch). */
static const char *on_image(void *ctx, const char *src, const char *alt)
{
    wxr_t *x = ctx;
    int fresh;
    port_media_t *m = port_picture(x->s, src, x->origin, x->author, x->o->uploads, "/wp-content/uploads/", &fresh);
    if (fresh) {
        const char *a = alt;
        int i = a && *a ? -1 : port_index_get(x->alt_ix, src);
        if (i >= 0)
            a = x->alt_text[i];
        m->alt = xstrdup(a ? a : "");
        if (!m->data)
            m->url = xstrdup(src);
    }
    return m->key;
}

/* '<' followed by name somewhere in h. */
static int has_tag(const char *h, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strchr(h, 0x3c); p; p = strchr(p + 1, 0x3c))
        if (strncasecmp(p + 1, name, n) == 0)
            return 1;
    return 0;
}

/* Paragraphs for classic-editor content (no block tags): blank lines
 * separate paragraphs, single new lines are breaks. */
static char *autop(const char *html)
{
    if (has_tag(html, "p") || has_tag(html, "!-- wp:") || has_tag(html, "div") || has_tag(html, "h"))
        return xstrdup(html);
    buf_t b = BUF_INIT;
    const char *s = html;
    while (*s) {
        const char *e = strstr(s, "\n\n");
        size_t n = e ? (size_t)(e - s) : strlen(s);
        const char *a = s;
        size_t l = n;
        text_trim(&a, &l);
        if (l) {
            buf_lit(&b, "\x3cp>");
            for (size_t i = 0; i < l; i++) {
                if (a[i] == '\n')
                    buf_lit(&b, "\x3c" "br>");
                else
                    buf_ch(&b, a[i]);
            }
            buf_lit(&b, "\x3c/p>\n");
        }
        if (!e)
            break;
        s = e + 2;
    }
    buf_cstr(&b);
    return buf_steal(&b, NULL);
}

static void add_tag(port_set_t *s, port_work_t *w, const char *t, const char *origin)
{
    const char *a = t;
    size_t l = strlen(t);
    text_trim(&a, &l);
    if (!l)
        return;
    for (int i = 0; i < w->ntags; i++)
        if (strlen(w->tags[i]) == l && memcmp(w->tags[i], a, l) == 0)
            return;
    if (w->ntags >= WORK_TAGS_MAX) {
        buf_printf(&s->notes, "%s: tag \"%.*s\" left out (at most %d tags)\n", origin, (int)l, a, WORK_TAGS_MAX);
        return;
    }
    size_t cut = text_prefix(a, l, WORK_TAG_MAX);
    char *tag = xstrndup(a, cut);
    port_one_line(tag);
    /* a comma would split it in two */
    for (char *p = tag; *p; p++)
        if (*p == ',')
            *p = ' ';
    if (cut < l)
        buf_printf(&s->notes, "%s: tag \"%.*s\" shortened to %d characters\n", origin, (int)l, a, WORK_TAG_MAX);
    w->tags = xrealloc(w->tags, (size_t)(w->ntags + 2) * sizeof(char *));
    w->tags[w->ntags++] = tag;
    w->tags[w->ntags] = NULL;
}

static void read_item(wxr_t *x, xmlNode *item)
{
    port_set_t *s = x->s;
    char *type = ctext(item, "post_type", WP), *status = ctext(item, "status", WP);
    char *id = ctext(item, "post_id", WP);
    snprintf(x->origin, sizeof x->origin, "%s:%ld", x->file, xmlGetLineNo(item));
    int keep = strcmp(type, "post") == 0 || (x->o->pages && strcmp(type, "page") == 0);
    if (!keep || strcmp(status, "trash") == 0 || strcmp(status, "auto-draft") == 0 || strcmp(status, "inherit") == 0) {
        if (strcmp(type, "page") == 0 && !x->o->pages)
            buf_printf(&s->notes, "%s: page %s left out (pass --pages to import pages)\n", x->origin, id);
        free(type);
        free(status);
        free(id);
        return;
    }
    port_work_t *w = port_add_work(s);
    w->origin = xstrdup(x->origin);
    char key[600];
    snprintf(key, sizeof key, "wxr:%s:%s", x->base, id);
    w->key = xstrdup(key);
    w->author = ctext(item, "creator", "purl.org/dc/elements/");
    free(x->author);
    x->author = xstrdup(w->author);
    char *title = ctext(item, "title", NULL);
    port_one_line(title);
    const char *t = title;
    size_t tl = strlen(t);
    text_trim(&t, &tl);
    char *tt = xstrndup(t, tl);
    if (!*tt) {
        free(tt);
        tt = xstrdup("(无标题)");
        buf_printf(&s->notes, "%s: post %s has no title; called (无标题)\n", x->origin, id);
    } else if (text_chars(tt, strlen(tt)) > WORK_TITLE_MAX) {
        size_t cut = text_prefix(tt, strlen(tt), WORK_TITLE_MAX);
        tt[cut] = 0;
        buf_printf(&s->notes, "%s: title shortened to %d characters\n", x->origin, WORK_TITLE_MAX);
    }
    w->title = tt;
    free(title);
    if (strcmp(status, "publish") == 0) {
        snprintf(w->status, sizeof w->status, "published");
        /* A sticky post is pinned; the set's order decides among them. */
        char *sticky = ctext(item, "is_sticky", WP);
        if (strcmp(sticky, "1") == 0)
            w->pinned = 1;
        free(sticky);
    } else {
        snprintf(w->status, sizeof w->status, "draft");
        if (strcmp(status, "draft") != 0 && strcmp(status, "future") != 0)
            buf_printf(&s->notes, "%s: post %s (%s) imported as a draft\n", x->origin, id, status);
    }
    char *d = ctext(item, "post_date_gmt", WP);
    w->created = wp_time(d);
    free(d);
    if (!w->created) {
        d = ctext(item, "post_date", WP);
        w->created = wp_time(d);
        free(d);
    }
    d = ctext(item, "post_modified_gmt", WP);
    w->updated = wp_time(d);
    free(d);
    if (w->updated < w->created)
        w->updated = w->created;
    w->published = w->created;
    /* A scheduled post ("future") is a draft scheduled for its date. */
    if (strcmp(status, "future") == 0)
        w->scheduled = w->created;
    char *cs = ctext(item, "comment_status", WP);
    w->comments_mode = xstrdup(strcmp(cs, "closed") == 0 ? "closed" : "open");
    free(cs);
    /* the old path: what followed the host in the permalink */
    char *link = ctext(item, "link", NULL);
    const char *p = strstr(link, "://");
    if (p && strcmp(w->status, "published") == 0) {
        p = strchr(p + 3, '/');
        if (p && strlen(p) > 1 && strlen(p) < 500)
            w->old_path = xstrdup(p);
    }
    free(link);
    /* categories and tags */
    for (xmlNode *k = item->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "category") != 0 || k->ns)
            continue;
        xmlChar *nice = xmlGetProp(k, (const xmlChar *)"nicename");
        xmlChar *v = xmlNodeGetContent(k);
        if (v && !(nice && strcmp((const char *)nice, "uncategorized") == 0))
            add_tag(s, w, (const char *)v, x->origin);
        xmlFree(v);
        xmlFree(nice);
    }
    /* the body */
    char *html = ctext(item, "encoded", "purl.org/rss/1.0/modules/content");
    char *ph = autop(html);
    buf_t md = BUF_INIT, err = BUF_INIT;
    h2m_opts_t ho = {on_image, x, x->base, x->origin, &s->notes};
    if (html2md(ph, strlen(ph), &ho, &md, &err) < 0)
        buf_printf(&s->problems, "%s: %s\n", x->origin, buf_cstr(&err));
    buf_cstr(&md);
    w->body = buf_steal(&md, NULL);
    if (!w->body)
        w->body = xstrdup("");
    buf_free(&err);
    free(html);
    free(ph);
    /* approved comments, threads kept */
    for (xmlNode *k = item->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "comment") != 0 || !ns_is(k, WP))
            continue;
        char *appr = ctext(k, "comment_approved", WP), *ctype = ctext(k, "comment_type", WP);
        int ok = strcmp(appr, "1") == 0 && (!*ctype || strcmp(ctype, "comment") == 0);
        free(appr);
        free(ctype);
        if (!ok)
            continue;
        port_comment_t *c = port_add_comment(w);
        c->key = ctext(k, "comment_id", WP);
        char *parent = ctext(k, "comment_parent", WP);
        if (strcmp(parent, "0") != 0 && *parent)
            c->parent_key = parent;
        else
            free(parent);
        c->name = ctext(k, "comment_author", WP);
        /* a comment by a user of the blog keeps its login when that is
         * the author of a post here too (the creator answering) */
        char *uid = ctext(k, "comment_user_id", WP);
        int a = strcmp(uid, "0") != 0 && *uid ? port_index_get(x->uid_ix, uid) : -1;
        if (a >= 0)
            c->handle = xstrdup(s->a[a].handle);
        free(uid);
        char *body = ctext(k, "comment_content", WP);
        buf_t tb = BUF_INIT;
        html2text(body, strlen(body), &tb);
        buf_cstr(&tb);
        c->body = buf_steal(&tb, NULL);
        if (!c->body)
            c->body = xstrdup("");
        free(body);
        d = ctext(k, "comment_date_gmt", WP);
        c->created = wp_time(d);
        free(d);
    }
    free(type);
    free(status);
    free(id);
}

int port_read_wxr(const char *file, const port_opts_t *o, port_set_t *s)
{
    struct stat sb;
    if (stat(file, &sb) < 0 || sb.st_size > WXR_MAX) {
        buf_printf(&s->problems, "%s: missing or larger than %lld bytes\n", file, WXR_MAX);
        return -1;
    }
    size_t len = 0;
    char *data = NULL;
    {
        FILE *f = fopen(file, "rb");
        if (f) {
            data = xmalloc((size_t)sb.st_size + 1);
            len = fread(data, 1, (size_t)sb.st_size, f);
            fclose(f);
        }
    }
    if (!data) {
        buf_printf(&s->problems, "%s: cannot be read\n", file);
        return -1;
    }
    if (has_doctype(data, len)) {
        buf_printf(&s->problems, "%s:1: the file declares a DOCTYPE (entities); a WordPress export has none, and "
                                 "this one is refused unread\n", file);
        free(data);
        return -1;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    xmlDocPtr doc = ctxt ? xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL,
                                             XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING |
                                                 XML_PARSE_NOERROR)
                         : NULL;
    free(data);
    if (!doc) {
        xmlErrorPtr e = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
        char msg[300] = "not well-formed XML";
        if (e && e->message) {
            snprintf(msg, sizeof msg, "%s", e->message);
            size_t ml = strlen(msg);
            while (ml && msg[ml - 1] == '\n')
                msg[--ml] = 0;
        }
        buf_printf(&s->problems, "%s:%d: %s\n", file, e ? e->line : 0, msg);
        if (ctxt)
            xmlFreeParserCtxt(ctxt);
        return -1;
    }
    xmlFreeParserCtxt(ctxt);
    xmlNode *rss = xmlDocGetRootElement(doc);
    xmlNode *channel = rss && strcmp((const char *)rss->name, "rss") == 0 ? child(rss, "channel", NULL) : NULL;
    if (!channel) {
        buf_printf(&s->problems, "%s: not a WordPress export (no rss/channel)\n", file);
        xmlFreeDoc(doc);
        return -1;
    }
    wxr_t x;
    memset(&x, 0, sizeof x);
    x.s = s;
    x.o = o;
    x.file = file;
    x.alt_ix = port_index_new();
    x.uid_ix = port_index_new();
    x.base = ctext(channel, "base_blog_url", WP);
    if (!*x.base) {
        free(x.base);
        x.base = ctext(channel, "base_site_url", WP);
    }
    if (!*x.base) {
        free(x.base);
        x.base = ctext(channel, "link", NULL);
    }
    char *ver = ctext(channel, "wxr_version", WP);
    if (strcmp(ver, "1.0") && strcmp(ver, "1.1") && strcmp(ver, "1.2"))
        buf_printf(&s->problems, "%s: WXR version \"%s\" is not one this hao reads (1.0-1.2)\n", file, ver);
    free(ver);
    /* authors, and the alt text of attachments */
    for (xmlNode *k = channel->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)k->name, "author") == 0 && ns_is(k, WP)) {
            port_author_t *a = port_add_author(s);
            a->key = ctext(k, "author_login", WP);
            a->handle = xstrdup(a->key);
            a->name = ctext(k, "author_display_name", WP);
            a->origin = ctext(k, "author_id", WP); /* the user id, for comments by users */
            port_index_first(x.uid_ix, a->origin, s->na - 1);
        } else if (strcmp((const char *)k->name, "item") == 0) {
            char *type = ctext(k, "post_type", WP);
            if (strcmp(type, "attachment") == 0) {
                char *url = ctext(k, "attachment_url", WP), *alt = NULL;
                for (xmlNode *m = k->children; m; m = m->next)
                    if (m->type == XML_ELEMENT_NODE && strcmp((const char *)m->name, "postmeta") == 0) {
                        char *mk = ctext(m, "meta_key", WP);
                        if (strcmp(mk, "_wp_attachment_image_alt") == 0) {
                            free(alt);
                            alt = ctext(m, "meta_value", WP);
                        }
                        free(mk);
                    }
                if (alt && *alt && port_index_get(x.alt_ix, url) < 0) {
                    if (x.nalt == x.capalt) {
                        x.capalt = x.capalt ? 2 * x.capalt : 16;
                        x.alt_text = xrealloc(x.alt_text, (size_t)x.capalt * sizeof(char *));
                    }
                    port_index_set(x.alt_ix, url, x.nalt);
                    x.alt_text[x.nalt++] = alt;
                    alt = NULL;
                }
                free(alt);
                free(url);
            }
            free(type);
        }
    }
    for (xmlNode *k = channel->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name, "item") == 0 && !k->ns)
            read_item(&x, k);
    /* author origins were user ids (for comments); messages want lines */
    for (int i = 0; i < s->na; i++) {
        free(s->a[i].origin);
        s->a[i].origin = NULL;
    }
    for (int i = 0; i < x.nalt; i++)
        free(x.alt_text[i]);
    free(x.alt_text);
    port_index_free(x.alt_ix);
    port_index_free(x.uid_ix);
    free(x.base);
    free(x.author);
    xmlFreeDoc(doc);
    if (s->nw == 0 && s->problems.len == 0)
        buf_printf(&s->notes, "%s: the export holds no posts\n", file);
    return 0;
}
