/*
 * port_hao.c — reading hao's own export (export.h) into a port_set_t.
 * Owned by site/portability; the importing thread.
 *
 * The manifest is checked first: every file it lists is present with its
 * size and SHA-256, and nothing is in the archive that it does not list.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "site/creator/collection.h"
#include "site/creator/pins.h"
#include "site/people/profile.h"
#include "site/portability/archive.h"
#include "site/portability/export.h"
#include "site/portability/importer.h"

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t jtime(json_t *o, const char *k)
{
    const char *s = jstr(o, k);
    return s ? export_parse_time(s) : 0;
}

/* Parse the front matter of e into w; the body follows it. */
static void parse_work(const char *file, const arc_entry_t *e, const char *handle, port_set_t *s)
{
    port_work_t *w = port_add_work(s);
    char origin[400];
    snprintf(origin, sizeof origin, "%s: %s", file, e->path);
    w->origin = xstrdup(origin);
    w->author = xstrdup(handle);
    snprintf(w->status, sizeof w->status, "draft");
    if (!text_valid(e->data, e->len) || memchr(e->data, 0, e->len)) {
        buf_printf(&s->problems, "%s: not valid UTF-8 text\n", origin);
        return;
    }
    if (strncmp(e->data, "---\n", 4) != 0) {
        buf_printf(&s->problems, "%s:1: no front matter (the file must start with ---)\n", origin);
        return;
    }
    const char *end = strstr(e->data + 4, "\n---\n");
    if (!end) {
        buf_printf(&s->problems, "%s:1: the front matter is not closed by a --- line\n", origin);
        return;
    }
    w->body = xstrdup(end + 5);
    int line = 1;
    for (const char *p = e->data + 4; p < end + 1;) {
        line++;
        const char *nl = strchr(p, '\n');
        size_t n = (size_t)(nl - p);
        const char *colon = memchr(p, ':', n);
        if (!colon || colon[1] != ' ') {
            buf_printf(&s->problems, "%s:%d: not a \"key: value\" line\n", origin, line);
            p = nl + 1;
            continue;
        }
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)(colon - p), p);
        char *val = xstrndup(colon + 2, (size_t)(nl - colon - 2));
        json_error_t je;
        json_t *v = json_loads(val, JSON_DECODE_ANY, &je);
        free(val);
        if (!v) {
            buf_printf(&s->problems, "%s:%d: the value of %s is not JSON: %s\n", origin, line, key, je.text);
            p = nl + 1;
            continue;
        }
        if (!strcmp(key, "id") && json_is_string(v)) {
            char k[80];
            snprintf(k, sizeof k, "hao:%s", json_string_value(v));
            free(w->key); /* a field given twice: the last one counts */
            w->key = xstrdup(k);
        } else if (!strcmp(key, "title") && json_is_string(v)) {
            free(w->title);
            w->title = xstrdup(json_string_value(v));
        } else if (!strcmp(key, "declaration") && json_is_string(v)) {
            free(w->declaration);
            w->declaration = xstrdup(json_string_value(v));
        } else if (!strcmp(key, "original")) {
            w->original = json_is_true(v);
        } else if (!strcmp(key, "tags") && json_is_array(v)) {
            size_t na = json_array_size(v);
            for (int i = 0; i < w->ntags; i++)
                free(w->tags[i]);
            free(w->tags);
            w->ntags = 0;
            w->tags = xcalloc(na + 1, sizeof(char *));
            for (size_t i = 0; i < na; i++)
                if (json_is_string(json_array_get(v, i)))
                    w->tags[w->ntags++] = xstrdup(json_string_value(json_array_get(v, i)));
        } else if (!strcmp(key, "status") && json_is_string(v)) {
            const char *st = json_string_value(v);
            if (strcmp(st, "draft") && strcmp(st, "published"))
                buf_printf(&s->problems, "%s:%d: status \"%s\" is neither draft nor published\n", origin, line,
                           st);
            else
                snprintf(w->status, sizeof w->status, "%s", st);
        } else if (!strcmp(key, "created") || !strcmp(key, "updated") || !strcmp(key, "published")) {
            int64_t t = json_is_string(v) ? export_parse_time(json_string_value(v)) : json_is_null(v) ? 0 : -1;
            if (t < 0)
                buf_printf(&s->problems, "%s:%d: %s is not a time like 2026-01-31T08:00:00Z\n", origin, line, key);
            else if (key[0] == 'c')
                w->created = t;
            else if (key[0] == 'u')
                w->updated = t;
            else
                w->published = t;
        } else if (!strcmp(key, "comments") && json_is_string(v)) {
            free(w->comments_mode);
            w->comments_mode = xstrdup(json_string_value(v));
        } else if (!strcmp(key, "canonical") && json_is_string(v)) {
            /* the old address: its path is answered with a redirect when the
             * site differs (same site: the same path, nothing to do) */
        } else if (!strcmp(key, "revision")) {
            /* the revision the work is at: its history (--revisions) ends there */
            if (json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= PORT_REV_MAX)
                w->cur_rev = (int)json_integer_value(v);
            else
                buf_printf(&s->problems, "%s:%d: revision is not a number from 1 to %d\n", origin, line, PORT_REV_MAX);
        } else if (!strcmp(key, "scheduled")) {
            int64_t t = json_is_string(v) ? export_parse_time(json_string_value(v)) : json_is_null(v) ? 0 : -1;
            if (t < 0)
                buf_printf(&s->problems, "%s:%d: scheduled is not a time like 2026-01-31T08:00:00Z\n", origin, line);
            else
                w->scheduled = t;
        } else if (!strcmp(key, "pinned")) {
            if (json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= PINS_MAX)
                w->pinned = (int)json_integer_value(v);
            else
                buf_printf(&s->problems, "%s:%d: pinned is not a number from 1 to %d\n", origin, line, PINS_MAX);
        } else if (!strcmp(key, "collection")) {
            /* informational */
        } else {
            buf_printf(&s->notes, "%s:%d: unknown field %s ignored\n", origin, line, key);
        }
        json_decref(v);
        p = nl + 1;
    }
    if (!w->key)
        buf_printf(&s->problems, "%s: the front matter has no id\n", origin);
    if (!w->title)
        buf_printf(&s->problems, "%s: the front matter has no title\n", origin);
}

/* One earlier revision (export.c's export_revisions): front matter rev,
 * title, declaration, tags (comma-joined), saved; then the body. */
static void parse_revision(const char *file, const arc_entry_t *e, port_work_t *w, port_set_t *s)
{
    char origin[400];
    snprintf(origin, sizeof origin, "%s: %s", file, e->path);
    if (!text_valid(e->data, e->len) || memchr(e->data, 0, e->len)) {
        buf_printf(&s->problems, "%s: not valid UTF-8 text\n", origin);
        return;
    }
    const char *end = strncmp(e->data, "---\n", 4) == 0 ? strstr(e->data + 4, "\n---\n") : NULL;
    if (!end) {
        buf_printf(&s->problems, "%s:1: no front matter between --- lines\n", origin);
        return;
    }
    port_rev_t *v = port_add_rev(w);
    v->origin = xstrdup(origin);
    v->body = xstrdup(end + 5);
    int line = 1;
    for (const char *p = e->data + 4; p < end + 1;) {
        line++;
        const char *nl = strchr(p, '\n');
        const char *colon = memchr(p, ':', (size_t)(nl - p));
        json_t *val = NULL;
        char key[32] = "";
        if (colon && colon[1] == ' ') {
            snprintf(key, sizeof key, "%.*s", (int)(colon - p), p);
            val = json_loadb(colon + 2, (size_t)(nl - colon - 2), JSON_DECODE_ANY, NULL);
        }
        if (!val) {
            buf_printf(&s->problems, "%s:%d: not a \"key: JSON value\" line\n", origin, line);
        } else if (!strcmp(key, "rev")) {
            if (json_is_integer(val) && json_integer_value(val) >= 1 && json_integer_value(val) <= PORT_REV_MAX)
                v->rev = (int)json_integer_value(val);
            else
                buf_printf(&s->problems, "%s:%d: rev is not a number from 1 to %d\n", origin, line, PORT_REV_MAX);
        } else if (!strcmp(key, "title") && json_is_string(val)) {
            free(v->title); /* a field given twice: the last one counts */
            v->title = xstrdup(json_string_value(val));
        } else if (!strcmp(key, "declaration") && json_is_string(val)) {
            free(v->declaration);
            v->declaration = xstrdup(json_string_value(val));
        } else if (!strcmp(key, "tags") && json_is_string(val)) {
            free(v->tags);
            v->tags = xstrdup(json_string_value(val));
        } else if (!strcmp(key, "saved") && json_is_string(val)) {
            v->saved = export_parse_time(json_string_value(val));
            if (v->saved < 0)
                buf_printf(&s->problems, "%s:%d: saved is not a time like 2026-01-31T08:00:00Z\n", origin, line);
        } else {
            buf_printf(&s->notes, "%s:%d: unknown field %s ignored\n", origin, line, key);
        }
        json_decref(val);
        p = nl + 1;
    }
    if (!v->rev)
        buf_printf(&s->problems, "%s: the front matter has no rev\n", origin);
    if (!v->title)
        buf_printf(&s->problems, "%s: the front matter has no title\n", origin);
    for (int k = 0; k < w->nrev - 1; k++)
        if (v->rev && w->rev[k].rev == v->rev)
            buf_printf(&s->problems, "%s: revision %d is in the archive twice\n", origin, v->rev);
}

static int rev_order(const void *a, const void *b)
{
    return ((const port_rev_t *)a)->rev - ((const port_rev_t *)b)->rev;
}

static void parse_comments(const char *file, const arc_entry_t *e, port_work_t *w, port_set_t *s)
{
    json_error_t je;
    json_t *a = json_loadb(e->data, e->len, 0, &je);
    if (!a) {
        buf_printf(&s->problems, "%s: %s:%d: not valid JSON: %s\n", file, e->path, je.line, je.text);
        return;
    }
    if (!json_is_array(a)) {
        buf_printf(&s->problems, "%s: %s: not a JSON array of comments\n", file, e->path);
        json_decref(a);
        return;
    }
    size_t i;
    json_t *c;
    json_array_foreach(a, i, c) {
        json_t *id = json_object_get(c, "id"), *parent = json_object_get(c, "parent");
        const char *body = jstr(c, "body");
        if (!json_is_integer(id) || !body) {
            buf_printf(&s->problems, "%s: %s: comment %zu has no id or body\n", file, e->path, i + 1);
            continue;
        }
        port_comment_t *pc = port_add_comment(w);
        char k[32];
        snprintf(k, sizeof k, "%lld", (long long)json_integer_value(id));
        pc->key = xstrdup(k);
        if (json_is_integer(parent)) {
            snprintf(k, sizeof k, "%lld", (long long)json_integer_value(parent));
            pc->parent_key = xstrdup(k);
        }
        pc->handle = port_strdup(jstr(c, "author"));
        pc->name = port_strdup(jstr(c, "author_name"));
        pc->body = xstrdup(body);
        pc->created = jtime(c, "created");
    }
    json_decref(a);
}

/* HANDLE/profile.json: the bio (text of at most PROFILE_BIO_MAX
 * characters) and the avatar (one of this creator's media s->m[m0..] in
 * the export) into s->a[ai]. Both optional, as exports before them lack
 * them. */
static void parse_profile(const char *file, const arc_entry_t *e, port_set_t *s, int ai, int m0)
{
    json_error_t je;
    json_t *p = json_loadb(e->data, e->len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(p)) {
        if (p)
            buf_printf(&s->problems, "%s: %s: not a JSON object\n", file, e->path);
        else
            buf_printf(&s->problems, "%s: %s:%d: not valid JSON: %s\n", file, e->path, je.line, je.text);
        json_decref(p);
        return;
    }
    json_t *bio = json_object_get(p, "bio");
    const char *b = json_string_value(bio), *av = jstr(p, "avatar");
    if (bio && (!b || !text_valid(b, strlen(b)) || text_chars(b, strlen(b)) > PROFILE_BIO_MAX))
        buf_printf(&s->problems, "%s: %s: the bio must be text of at most %d characters\n", file, e->path,
                   PROFILE_BIO_MAX);
    else if (b && *b)
        s->a[ai].bio = xstrdup(b);
    if (json_object_get(p, "avatar") && !av)
        buf_printf(&s->problems, "%s: %s: the avatar must be a media id\n", file, e->path);
    if (av && *av) {
        char key[300];
        snprintf(key, sizeof key, "/m/%s", av);
        int found = 0;
        for (int i = m0; i < s->nm && !found; i++)
            found = strcmp(s->m[i].key, key) == 0;
        if (found)
            s->a[ai].avatar = xstrdup(key);
        else
            buf_printf(&s->problems, "%s: %s: the avatar %s is not one of the creator's media in the export\n", file,
                       e->path, av);
    }
    json_decref(p);
}

/* HANDLE/collections.json (export.c's export_collections): each collection
 * checked as coll_create and coll_set would check it, against this
 * creator's works s->w[w0..] and media s->m[m0..] in the export. */
static void parse_collections(const char *file, const char *site, const arc_entry_t *e, const char *handle,
                              port_set_t *s, int w0, int m0)
{
    json_error_t je;
    json_t *a = json_loadb(e->data, e->len, JSON_REJECT_DUPLICATES, &je);
    if (!a) {
        buf_printf(&s->problems, "%s: %s:%d: not valid JSON: %s\n", file, e->path, je.line, je.text);
        return;
    }
    if (!json_is_array(a)) {
        buf_printf(&s->problems, "%s: %s: not a JSON array of collections\n", file, e->path);
        json_decref(a);
        return;
    }
    if (json_array_size(a) > COLL_PER_AUTHOR_MAX)
        buf_printf(&s->problems, "%s: %s: more than %d collections\n", file, e->path, COLL_PER_AUTHOR_MAX);
    port_index_t *works = port_index_new(), *media = port_index_new(), *seen = port_index_new();
    for (int i = w0; i < s->nw; i++)
        if (s->w[i].key)
            port_index_set(works, s->w[i].key, i);
    for (int i = m0; i < s->nm; i++)
        port_index_set(media, s->m[i].key, i);
    size_t i;
    json_t *c;
    json_array_foreach(a, i, c) {
        char origin[400];
        snprintf(origin, sizeof origin, "%s: %s: collection %zu", file, e->path, i + 1);
        json_t *id = json_object_get(c, "id"), *members = json_object_get(c, "works");
        const char *title = jstr(c, "title"), *desc = jstr(c, "description"), *cover = jstr(c, "cover");
        size_t tn = title ? strlen(title) : 0;
        if (title)
            text_trim(&title, &tn);
        char idk[32];
        snprintf(idk, sizeof idk, "%lld", json_is_integer(id) ? (long long)json_integer_value(id) : 0LL);
        if (!json_is_integer(id) || json_integer_value(id) < 1) {
            buf_printf(&s->problems, "%s: has no id\n", origin);
            continue;
        }
        if (port_index_first(seen, idk, (int)i) != (int)i) {
            buf_printf(&s->problems, "%s: id %s is in the file twice\n", origin, idk);
            continue;
        }
        if (!title || tn == 0 || !text_valid_line(title, tn) || text_chars(title, tn) > COLL_TITLE_MAX)
            buf_printf(&s->problems, "%s: the title must be one line of 1 to %d characters\n", origin, COLL_TITLE_MAX);
        if (json_object_get(c, "description") && (!desc || !text_valid(desc, strlen(desc)) ||
                                                  text_chars(desc, strlen(desc)) > COLL_DESC_MAX))
            buf_printf(&s->problems, "%s: the description must be text of at most %d characters\n", origin,
                       COLL_DESC_MAX);
        if (members && (!json_is_array(members) || json_array_size(members) > COLL_WORKS_MAX))
            buf_printf(&s->problems, "%s: works must be a list of at most %d work ids\n", origin, COLL_WORKS_MAX);
        int64_t created = jtime(c, "created"), updated = jtime(c, "updated");
        if (created < 0 || updated < 0)
            buf_printf(&s->problems, "%s: created and updated must be times like 2026-01-31T08:00:00Z\n", origin);
        char key[300];
        if (cover && *cover) {
            snprintf(key, sizeof key, "/m/%s", cover);
            if (port_index_get(media, key) < 0)
                buf_printf(&s->problems, "%s: the cover %s is not one of %s's media in the export\n", origin, cover,
                           handle);
        }
        port_coll_t *pc = port_add_coll(s);
        buf_t k = BUF_INIT;
        buf_printf(&k, "hao:collection:%s:%s", site, idk);
        pc->key = buf_steal(&k, NULL);
        pc->origin = xstrdup(origin);
        pc->author = xstrdup(handle);
        pc->title = title ? xstrndup(title, tn) : xstrdup("");
        pc->description = xstrdup(desc ? desc : "");
        pc->cover = cover && *cover ? xstrdup(key) : NULL;
        pc->created = created > 0 ? created : 0;
        pc->updated = updated > 0 ? updated : pc->created;
        if (!json_is_array(members) || json_array_size(members) > COLL_WORKS_MAX)
            continue;
        pc->works = xcalloc(json_array_size(members) + 1, sizeof(char *));
        port_index_t *in = port_index_new();
        size_t j;
        json_t *wv;
        json_array_foreach(members, j, wv) {
            const char *wid = json_string_value(wv);
            snprintf(key, sizeof key, "hao:%s", wid ? wid : "");
            if (!wid || port_index_get(works, key) < 0)
                buf_printf(&s->problems, "%s: work %zu is not one of %s's works in the export\n", origin, j + 1,
                           handle);
            else if (port_index_first(in, key, (int)j) != (int)j)
                buf_printf(&s->problems, "%s: work %s is in it twice\n", origin, wid);
            else
                pc->works[pc->nworks++] = xstrdup(key);
        }
        port_index_free(in);
    }
    port_index_free(works);
    port_index_free(media);
    port_index_free(seen);
    json_decref(a);
}

/* A medium's id as a work's Markdown can name it, "(/m/ID)": at most 40
 * bytes of UTF-8 text without a space, parenthesis, angle bracket, quote,
 * slash, backslash or control (hao's own ids are 16 of [a-z0-9]; the
 * importer finds "(/m/ID" in a body by the run up to ")" or a space). */
static int link_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 40 || !text_valid(id, n))
        return 0;
    for (const char *p = id; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("()<>\"\\/", *p))
            return 0;
    return 1;
}

int port_read_hao(const char *file, const port_opts_t *o, port_set_t *s)
{
    (void)o;
    arc_t a;
    buf_t err = BUF_INIT;
    if (arc_read(file, &a, &err) < 0) {
        buf_printf(&s->problems, "%s\n", buf_cstr(&err));
        buf_free(&err);
        return -1;
    }
    buf_free(&err);
    const arc_entry_t *me = arc_find(&a, "manifest.json");
    json_error_t je;
    json_t *man = me ? json_loadb(me->data, me->len, 0, &je) : NULL;
    if (!man || !jstr(man, "format") || strcmp(jstr(man, "format"), "hao-export") != 0) {
        buf_printf(&s->problems, "%s: no hao manifest.json (is this a hao export?)%s%s\n", file, me ? ": " : "",
                   me && !man ? je.text : "");
        json_decref(man);
        arc_free(&a);
        return -1;
    }
    if (json_integer_value(json_object_get(man, "version")) != 1)
        buf_printf(&s->problems, "%s: manifest.json: version %lld of the format is not one this hao reads\n", file,
                   (long long)json_integer_value(json_object_get(man, "version")));
    /* Every file listed, whole; nothing unlisted. */
    json_t *files = json_object_get(man, "files");
    char *listed = xcalloc((size_t)a.n + 1, 1);
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f) {
        const char *p = jstr(f, "path"), *sha = jstr(f, "sha256");
        const arc_entry_t *e = p ? arc_find(&a, p) : NULL;
        if (!e) {
            buf_printf(&s->problems, "%s: manifest.json lists %s, which is missing\n", file, p ? p : "(no path)");
            continue;
        }
        listed[e - a.e] = 1;
        unsigned char h[32];
        char hex[65];
        crypto_hash_sha256(h, (const unsigned char *)e->data, e->len);
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        if ((json_int_t)e->len != json_integer_value(json_object_get(f, "bytes")) || !sha || strcmp(sha, hex) != 0)
            buf_printf(&s->problems, "%s: %s does not match its size or SHA-256 in manifest.json (damaged)\n", file,
                       p);
    }
    for (int k = 0; k < a.n; k++)
        if (!listed[k] && strcmp(a.e[k].path, "manifest.json") != 0)
            buf_printf(&s->problems, "%s: %s is not listed in manifest.json\n", file, a.e[k].path);
    free(listed);
    /* Each work's revision files by the work's path (without .md): a
     * scan of every entry for each work was quadratic in a large export. */
    port_index_t *revs = port_index_new();
    int *rnext = xcalloc((size_t)a.n + 1, sizeof(int));
    for (int r = a.n - 1; r >= 0; r--) {
        const char *rp = a.e[r].path, *slash = strrchr(rp, '/');
        size_t rpl = strlen(rp), dl = slash ? (size_t)(slash - rp) : 0;
        if (!slash || dl < 10 || memcmp(slash - 10, "/revisions", 10) != 0 || rpl - dl - 1 < 4 ||
            strcmp(rp + rpl - 3, ".md") != 0)
            continue;
        rnext[r] = port_index_getn(revs, rp, dl - 10);
        port_index_setn(revs, rp, dl - 10, r);
    }
    /* Each creator's works, HANDLE/works/ID.md, by the handle, in the
     * archive's order: one pass, not one per creator. */
    port_index_t *works = port_index_new();
    int *wnext = xcalloc((size_t)a.n + 1, sizeof(int));
    for (int e = a.n - 1; e >= 0; e--) {
        const char *p = a.e[e].path, *slash = strchr(p, '/');
        size_t pl = strlen(p), hl = slash ? (size_t)(slash - p) : 0;
        if (!slash || strncmp(slash, "/works/", 7) != 0 || pl < hl + 10 || strcmp(p + pl - 3, ".md") != 0 ||
            strchr(slash + 7, '/'))
            continue;
        wnext[e] = port_index_getn(works, p, hl);
        port_index_setn(works, p, hl, e);
    }
    json_t *creators = json_object_get(man, "creators"), *cv;
    json_array_foreach(creators, i, cv) {
        const char *handle = json_string_value(cv);
        if (!handle || !arc_name_ok(handle) || strchr(handle, '/')) {
            buf_printf(&s->problems, "%s: manifest.json: creator %zu is not a handle\n", file, i + 1);
            continue;
        }
        char path[300];
        int w0 = s->nw, m0 = s->nm;
        port_author_t *au = port_add_author(s);
        au->key = xstrdup(handle);
        au->handle = xstrdup(handle);
        snprintf(path, sizeof path, "%s: %s/profile.json", file, handle);
        au->origin = xstrdup(path);
        snprintf(path, sizeof path, "%s/media.json", handle);
        const arc_entry_t *mj = arc_find(&a, path);
        json_t *ml = mj ? json_loadb(mj->data, mj->len, 0, &je) : NULL;
        size_t k;
        json_t *mv;
        json_array_foreach(ml, k, mv) {
            const char *id = jstr(mv, "id"), *mf = jstr(mv, "file");
            char full[300];
            snprintf(full, sizeof full, "%s/%s", handle, mf ? mf : "");
            const arc_entry_t *fe = mf ? arc_find(&a, full) : NULL;
            if (!id || !fe) {
                buf_printf(&s->problems, "%s: %s: media %zu names no file in the archive\n", file, path, k + 1);
                continue;
            }
            if (!link_id_ok(id)) {
                buf_printf(&s->problems, "%s: %s: media %zu has an id a work cannot link to\n", file, path, k + 1);
                continue;
            }
            port_media_t *m = port_add_media(s);
            char key[64];
            snprintf(key, sizeof key, "/m/%s", id);
            m->key = xstrdup(key);
            snprintf(full, sizeof full, "%s: %s/%s", file, handle, mf);
            m->origin = xstrdup(full);
            m->author = xstrdup(handle);
            m->alt = port_strdup(jstr(mv, "alt"));
            m->data = xmalloc(fe->len + 1);
            memcpy(m->data, fe->data, fe->len);
            m->len = fe->len;
            m->all = 1;
        }
        json_decref(ml);
        snprintf(path, sizeof path, "%s/profile.json", handle);
        const arc_entry_t *pj = arc_find(&a, path);
        if (pj)
            parse_profile(file, pj, s, s->na - 1, m0);
        for (int e = port_index_getn(works, handle, strlen(handle)); e >= 0; e = wnext[e]) {
            const char *p = a.e[e].path;
            size_t pl = strlen(p);
            parse_work(file, &a.e[e], handle, s);
            port_work_t *w = &s->w[s->nw - 1];
            char cpath[300];
            snprintf(cpath, sizeof cpath, "%.*s.comments.json", (int)(pl - 3), p);
            const arc_entry_t *ce = arc_find(&a, cpath);
            if (ce)
                parse_comments(file, ce, w, s);
            /* HANDLE/works/ID/revisions/REV.md, in the archive's order */
            for (int r = port_index_getn(revs, p, pl - 3); r >= 0; r = rnext[r])
                parse_revision(file, &a.e[r], w, s);
            if (w->nrev > 1)
                qsort(w->rev, (size_t)w->nrev, sizeof(port_rev_t), rev_order);
        }
        snprintf(path, sizeof path, "%s/collections.json", handle);
        const arc_entry_t *cj = arc_find(&a, path);
        if (cj)
            parse_collections(file, jstr(man, "site") ? jstr(man, "site") : "", cj, handle, s, w0, m0);
    }
    port_index_free(revs);
    free(rnext);
    port_index_free(works);
    free(wnext);
    json_decref(man);
    arc_free(&a);
    if (s->nw == 0 && s->problems.len == 0)
        buf_printf(&s->notes, "%s: the export holds no works\n", file);
    return 0;
}
