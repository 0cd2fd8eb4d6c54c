/*
 * port_ghost.c — reading a Ghost JSON export (Settings > Export, or the
 * Admin API's GET /ghost/api/admin/db/) into a port_set_t. Owned by
 * site/portability; the importing thread.
 *
 * Posts (pages with --pages) from their rendered "html" (Ghost 5 exports
 * carry it next to the Lexical or mobiledoc source; a post without it is a
 * problem: hao does not render Lexical itself), drafts as drafts, a
 * scheduled post as a draft scheduled for its published_at, featured posts
 * pinned, tags in their order (internal #tags left
 * out), authors by their slug (posts_authors, or author_id in older
 * exports), the former path /SLUG/, pictures from the content/images folder
 * given with --uploads (its path after /content/images/), else by URL with
 * --fetch. Ghost's database export holds no comments.
 */
#include <jansson.h>
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

#define GHOST_MAX ((long long)256 << 20)

typedef struct {
    port_set_t *s;
    const port_opts_t *o;
    const char *author;
    char origin[600];
} gh_t;

static const char *js(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t gtime(const char *s)
{
    if (!s || !*s)
        return 0;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!strptime(s, "%Y-%m-%d %H:%M:%S", &tm) && !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
        return 0;
    return (int64_t)timegm(&tm);
}

static const char *on_image(void *ctx, const char *src, const char *alt)
{
    gh_t *g = ctx;
    int fresh;
    port_media_t *m = port_picture(g->s, src, g->origin, g->author, g->o->uploads, "/content/images/", &fresh);
    if (fresh) {
        m->alt = xstrdup(alt ? alt : "");
        if (!m->data && (strncmp(src, "http://", 7) == 0 || strncmp(src, "https://", 8) == 0))
            m->url = xstrdup(src);
    }
    return m->key;
}

/* A join table's rows (posts_tags, posts_authors) or the tags, sorted by
 * key (a post's or tag's id), then order, then place in the file, so that
 * each post finds its rows by binary search: scanning the whole table for
 * each post made a large export quadratic (8,000 posts: minutes). */
typedef struct {
    const char *key;
    long long order;
    size_t pos;
    json_t *row;
} rel_t;

static int rel_cmp(const void *a, const void *b)
{
    const rel_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

#define REL_NONE (1LL << 40) /* an order that never counts: sorts after all */

/* The rows of arr that have a string keyf, sorted; order from orderf
 * (json_integer_value: 0 when absent or not an integer), or 0. With small,
 * an order is taken as an int and one of 2^30 or more never counts. */
static rel_t *rel_sort(json_t *arr, const char *keyf, const char *orderf, int small, size_t *n)
{
    rel_t *r = xcalloc(json_array_size(arr) + 1, sizeof(rel_t));
    size_t i, k = 0;
    json_t *x;
    json_array_foreach(arr, i, x) {
        const char *key = js(x, keyf);
        if (!key)
            continue;
        r[k].key = key;
        r[k].order = orderf ? (long long)json_integer_value(json_object_get(x, orderf)) : 0;
        if (small)
            r[k].order = (int)r[k].order < 1 << 30 ? (int)r[k].order : REL_NONE;
        r[k].pos = i;
        r[k++].row = x;
    }
    qsort(r, k, sizeof(rel_t), rel_cmp);
    *n = k;
    return r;
}

/* The first row with key, or n. */
static size_t rel_find(const rel_t *r, size_t n, const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(r[lo].key, key) == 0 ? lo : n;
}

/* "__GHOST_URL__" (Ghost's placeholder for the site's address) dropped:
 * the links and pictures become site-relative. */
static char *unplaceholder(const char *html)
{
    buf_t b = BUF_INIT;
    const char *p = html, *q;
    while ((q = strstr(p, "__GHOST_URL__"))) {
        buf_raw(&b, p, (size_t)(q - p));
        p = q + 13;
    }
    buf_rawz(&b, p);
    buf_cstr(&b);
    return buf_steal(&b, NULL);
}

int port_read_ghost(const char *file, const port_opts_t *o, port_set_t *s)
{
    size_t len = 0;
    char *data = port_read_file(file, &len, GHOST_MAX);
    if (!data) {
        buf_printf(&s->problems, "%s: missing, unreadable or larger than %lld bytes\n", file, GHOST_MAX);
        return -1;
    }
    json_error_t je;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    free(data);
    if (!root) {
        buf_printf(&s->problems, "%s:%d: not valid JSON: %s\n", file, je.line, je.text);
        return -1;
    }
    json_t *db0 = json_array_get(json_object_get(root, "db"), 0);
    json_t *d = json_object_get(db0, "data");
    json_t *posts = json_object_get(d, "posts");
    if (!json_is_array(posts)) {
        buf_printf(&s->problems, "%s: not a Ghost export (no db[0].data.posts)\n", file);
        json_decref(root);
        return -1;
    }
    json_t *users = json_object_get(d, "users"), *tags = json_object_get(d, "tags");
    json_t *pt = json_object_get(d, "posts_tags"), *pa = json_object_get(d, "posts_authors");
    size_t i, nra, nrt, nrg;
    json_t *v;
    rel_t *ra = rel_sort(pa, "post_id", "sort_order", 1, &nra);
    rel_t *rt = rel_sort(pt, "post_id", "sort_order", 0, &nrt);
    rel_t *rg = rel_sort(tags, "id", NULL, 0, &nrg);
    json_array_foreach(users, i, v) {
        port_author_t *a = port_add_author(s);
        a->key = xstrdup(js(v, "id") ? js(v, "id") : "");
        a->handle = xstrdup(js(v, "slug") ? js(v, "slug") : "");
        a->name = port_strdup(js(v, "name"));
    }
    gh_t g = {s, o, NULL, ""};
    json_array_foreach(posts, i, v) {
        const char *id = js(v, "id"), *type = js(v, "type"), *status = js(v, "status");
        snprintf(g.origin, sizeof g.origin, "%s: post %s", file, id ? id : "?");
        if (!id)
            continue;
        if (type && strcmp(type, "post") != 0 && !(o->pages && strcmp(type, "page") == 0)) {
            if (strcmp(type, "page") == 0)
                buf_printf(&s->notes, "%s left out: a page (pass --pages to import pages)\n", g.origin);
            continue;
        }
        port_work_t *w = port_add_work(s);
        w->origin = xstrdup(g.origin);
        char key[200];
        snprintf(key, sizeof key, "ghost:%s", id);
        w->key = xstrdup(key);
        /* the first author */
        const char *aid = js(v, "author_id");
        size_t r = rel_find(ra, nra, id);
        if (r < nra && ra[r].order != REL_NONE) /* the lowest sort_order; the first row of it */
            aid = js(ra[r].row, "author_id");
        w->author = xstrdup(aid ? aid : "");
        g.author = w->author;
        const char *t = js(v, "title");
        size_t tl = t ? strlen(t) : 0;
        text_trim(&t, &tl);
        w->title = tl ? xstrndup(t, text_prefix(t, tl, WORK_TITLE_MAX)) : xstrdup("(无标题)");
        port_one_line(w->title);
        if (tl && text_chars(t, tl) > WORK_TITLE_MAX)
            buf_printf(&s->notes, "%s: title shortened to %d characters\n", g.origin, WORK_TITLE_MAX);
        snprintf(w->status, sizeof w->status, "%s", status && strcmp(status, "published") == 0 ? "published" : "draft");
        if (status && strcmp(status, "published") && strcmp(status, "draft") && strcmp(status, "scheduled"))
            buf_printf(&s->notes, "%s (%s) imported as a draft\n", g.origin, status);
        w->created = gtime(js(v, "created_at"));
        w->updated = gtime(js(v, "updated_at"));
        w->published = gtime(js(v, "published_at"));
        /* A scheduled post is a draft scheduled for its published_at; a
         * featured one is pinned (the set's order decides among them). */
        if (status && strcmp(status, "scheduled") == 0)
            w->scheduled = w->published;
        json_t *featured = json_object_get(v, "featured");
        if (!strcmp(w->status, "published") && (json_is_true(featured) || json_integer_value(featured) == 1))
            w->pinned = 1;
        if (w->published && !strcmp(w->status, "published"))
            w->created = w->created && w->created < w->published ? w->created : w->published;
        if (w->updated < w->created)
            w->updated = w->created;
        const char *slug = js(v, "slug");
        if (slug && *slug && !strcmp(w->status, "published") && strlen(slug) < 400) {
            char p[420];
            snprintf(p, sizeof p, "/%s/", slug);
            w->old_path = xstrdup(p);
        }
        /* tags in order, internal ones (#name) left out */
        size_t r0 = rel_find(rt, nrt, id);
        for (long long order = 0; r0 < nrt; order++) {
            /* the rows of this post in order 0, 1, 2...: the last row of
             * each order counts, and a missing order ends the list */
            while (r0 < nrt && strcmp(rt[r0].key, id) == 0 && rt[r0].order < order)
                r0++;
            if (r0 == nrt || strcmp(rt[r0].key, id) != 0 || rt[r0].order != order)
                break;
            while (r0 + 1 < nrt && strcmp(rt[r0 + 1].key, id) == 0 && rt[r0 + 1].order == order)
                r0++;
            const char *tid = js(rt[r0].row, "tag_id");
            if (!tid)
                break;
            for (size_t m = rel_find(rg, nrg, tid); m < nrg && strcmp(rg[m].key, tid) == 0; m++) {
                const char *nm = js(rg[m].row, "name");
                if (!nm || nm[0] == '#')
                    continue;
                if (w->ntags >= WORK_TAGS_MAX) {
                    buf_printf(&s->notes, "%s: tag \"%s\" left out (at most %d tags)\n", g.origin, nm, WORK_TAGS_MAX);
                    continue;
                }
                size_t nl = strlen(nm);
                char *tag = xstrndup(nm, text_prefix(nm, nl, WORK_TAG_MAX));
                port_one_line(tag);
                for (char *c = tag; *c; c++)
                    if (*c == ',')
                        *c = ' ';
                w->tags = xrealloc(w->tags, (size_t)(w->ntags + 2) * sizeof(char *));
                w->tags[w->ntags++] = tag;
                w->tags[w->ntags] = NULL;
            }
        }
        const char *html = js(v, "html");
        if (!html) {
            if (js(v, "lexical") || js(v, "mobiledoc"))
                buf_printf(&s->problems, "%s: has no rendered html (only Lexical or mobiledoc); export it from Ghost "
                                         "5, which writes both\n", g.origin);
            w->body = xstrdup("");
            continue;
        }
        char *h = unplaceholder(html);
        buf_t md = BUF_INIT, err = BUF_INIT;
        h2m_opts_t ho = {on_image, &g, NULL, g.origin, &s->notes};
        if (html2md(h, strlen(h), &ho, &md, &err) < 0)
            buf_printf(&s->problems, "%s: %s\n", g.origin, buf_cstr(&err));
        buf_cstr(&md);
        w->body = md.p ? buf_steal(&md, NULL) : xstrdup("");
        buf_free(&err);
        free(h);
    }
    free(ra);
    free(rt);
    free(rg);
    json_decref(root);
    if (s->nw == 0 && s->problems.len == 0)
        buf_printf(&s->notes, "%s: the export holds no posts\n", file);
    return 0;
}
