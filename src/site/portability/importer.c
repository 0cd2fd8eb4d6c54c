/*
 * importer.c — see importer.h. Owned by site/portability; the calling
 * thread (CLI or the import job's thread).
 */
#include "site/portability/importer.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/changed.h"
#include "core/i18n.h"
#include "core/text.h"
#include "http/http.h"
#include "search/search.h"
#include "site/accounts/account.h"
#include "site/creator/collection.h"
#include "site/creator/pins.h"
#include "site/creator/schedule.h"
#include "site/portability/archive.h"
#include "site/portability/fetch.h"
#include "site/works/work.h"

/* ---- the set ---- */

char *port_strdup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

#define GROW(arr, n, cap)                                                \
    do {                                                                 \
        if ((n) == (cap)) {                                              \
            (cap) = (cap) ? (cap) * 2 : 16;                              \
            (arr) = xrealloc((arr), (size_t)(cap) * sizeof(*(arr)));     \
        }                                                                \
        memset(&(arr)[(n)], 0, sizeof(*(arr)));                          \
    } while (0)

void port_one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}

port_work_t *port_add_work(port_set_t *s)
{
    GROW(s->w, s->nw, s->capw);
    return &s->w[s->nw++];
}

port_media_t *port_add_media(port_set_t *s)
{
    GROW(s->m, s->nm, s->capm);
    return &s->m[s->nm++];
}

char *port_read_file(const char *path, size_t *len, long long max)
{
    struct stat sb;
    if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > max)
        return NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *d = xmalloc((size_t)sb.st_size + 1);
    size_t got = fread(d, 1, (size_t)sb.st_size, f);
    fclose(f);
    if (got != (size_t)sb.st_size) {
        free(d);
        return NULL;
    }
    d[got] = 0;
    *len = got;
    return d;
}

port_media_t *port_picture(port_set_t *s, const char *src, const char *origin, const char *author,
                           const char *uploads, const char *marker, int *fresh)
{
    *fresh = 0;
    if (!s->media_ix)
        s->media_ix = port_index_new();
    for (; s->media_ixn < s->nm; s->media_ixn++) /* the first of a key, as a scan finds it */
        port_index_first(s->media_ix, s->m[s->media_ixn].key, s->media_ixn);
    int at = port_index_get(s->media_ix, src);
    if (at >= 0)
        return &s->m[at];
    *fresh = 1;
    port_media_t *m = port_add_media(s);
    m->key = xstrdup(src);
    m->origin = xstrdup(origin);
    m->author = port_strdup(author);
    const char *up = uploads ? strstr(src, marker) : NULL;
    if (up) {
        up += strlen(marker);
        char rel[400], path[4600];
        snprintf(rel, sizeof rel, "%.*s", (int)strcspn(up, "?#"), up);
        if (arc_name_ok(rel)) { /* no "..", no absolute path: stays inside uploads */
            snprintf(path, sizeof path, "%s/%s", uploads, rel);
            m->data = port_read_file(path, &m->len, (long long)64 << 20);
        }
    }
    return m;
}

port_author_t *port_add_author(port_set_t *s)
{
    GROW(s->a, s->na, s->capa);
    return &s->a[s->na++];
}

port_coll_t *port_add_coll(port_set_t *s)
{
    GROW(s->col, s->ncol, s->capcol);
    return &s->col[s->ncol++];
}

port_comment_t *port_add_comment(port_work_t *w)
{
    int cap = w->nc; /* grown one at a time: powers of two */
    if ((w->nc & (w->nc - 1)) == 0) {
        cap = w->nc ? w->nc * 2 : 4;
        w->c = xrealloc(w->c, (size_t)cap * sizeof(port_comment_t));
    }
    memset(&w->c[w->nc], 0, sizeof(port_comment_t));
    return &w->c[w->nc++];
}

port_rev_t *port_add_rev(port_work_t *w)
{
    if ((w->nrev & (w->nrev - 1)) == 0)
        w->rev = xrealloc(w->rev, (size_t)(w->nrev ? w->nrev * 2 : 4) * sizeof(port_rev_t));
    memset(&w->rev[w->nrev], 0, sizeof(port_rev_t));
    return &w->rev[w->nrev++];
}

void port_set_free(port_set_t *s)
{
    for (int i = 0; i < s->nw; i++) {
        port_work_t *w = &s->w[i];
        free(w->key);
        free(w->origin);
        free(w->author);
        free(w->title);
        free(w->body);
        free(w->declaration);
        for (int k = 0; k < w->ntags; k++)
            free(w->tags[k]);
        free(w->tags);
        free(w->old_path);
        free(w->comments_mode);
        for (int k = 0; k < w->nc; k++) {
            free(w->c[k].key);
            free(w->c[k].parent_key);
            free(w->c[k].handle);
            free(w->c[k].name);
            free(w->c[k].body);
        }
        free(w->c);
        for (int k = 0; k < w->nrev; k++) {
            free(w->rev[k].title);
            free(w->rev[k].body);
            free(w->rev[k].declaration);
            free(w->rev[k].tags);
            free(w->rev[k].origin);
        }
        free(w->rev);
    }
    free(s->w);
    for (int i = 0; i < s->nm; i++) {
        free(s->m[i].key);
        free(s->m[i].origin);
        free(s->m[i].author);
        free(s->m[i].alt);
        free(s->m[i].data);
        free(s->m[i].url);
    }
    free(s->m);
    port_index_free(s->media_ix);
    port_index_free(s->ref_ix);
    for (int i = 0; i < s->na; i++) {
        free(s->a[i].key);
        free(s->a[i].handle);
        free(s->a[i].name);
        free(s->a[i].origin);
        free(s->a[i].bio);
        free(s->a[i].avatar);
    }
    free(s->a);
    for (int i = 0; i < s->ncol; i++) {
        port_coll_t *c = &s->col[i];
        free(c->key);
        free(c->origin);
        free(c->author);
        free(c->title);
        free(c->description);
        free(c->cover);
        for (int k = 0; k < c->nworks; k++)
            free(c->works[k]);
        free(c->works);
    }
    free(s->col);
    buf_free(&s->problems);
    buf_free(&s->notes);
    memset(s, 0, sizeof(*s));
}

/* ---- detection ---- */

port_format_t port_detect(const char *file)
{
    unsigned char b[4096];
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return PORT_NONE;
    ssize_t n = read(fd, b, sizeof b - 1);
    close(fd);
    if (n < 4)
        return PORT_NONE;
    b[n] = 0;
    if ((b[0] == 0x1f && b[1] == 0x8b) || memcmp(b, "PK\x03\x04", 4) == 0 || memcmp(b, "BZh", 3) == 0 ||
        memcmp(b, "\xfd" "7zXZ", 5) == 0 || memcmp(b, "\x28\xb5\x2f\xfd", 4) == 0 ||
        (n > 262 && memcmp(b + 257, "ustar", 5) == 0))
        return PORT_HAO;
    const char *s = (const char *)b;
    if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        s += 3;
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    if (*s == 0x3c && (strstr(s, "wordpress.org/export") || strstr(s, "rss version")))
        return PORT_WXR;
    if (*s == '{' && strstr(s, "\"db\""))
        return PORT_GHOST;
    return PORT_NONE;
}

/* ---- writing ---- */

static int ledger_has(db_t *db, const char *key, char *target, size_t tlen)
{
    db_stmt_t *st = db_prepare(db, "SELECT target FROM import_items WHERE item_key = :k");
    db_bind_text(st, ":k", key);
    int found = db_step(st) == DB_ROW;
    if (found && target)
        snprintf(target, tlen, "%s", db_col_text(st, 0));
    db_done(st);
    return found;
}

static int ledger_add(db_t *db, const char *key, const char *kind, const char *target)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO import_items(item_key, kind, target, created_at) "
                                   "VALUES (:k, :kind, :t, :now) ON CONFLICT (item_key) DO NOTHING");
    db_bind_text(st, ":k", key);
    db_bind_text(st, ":kind", kind);
    db_bind_text(st, ":t", target);
    db_bind_int(st, ":now", now_s());
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* Media are named in a body as "(KEY)" or "(KEY " (a picture or link
 * with a title): the run after "(" up to ")" or a space, which no key holds
 * (html2md percent-encodes them, a hao export's ids are checked). At p, a
 * "(": the position in s->m of the medium ix names there, or -1; *end is
 * set just past the key. */
static int ref_at(const port_index_t *ix, const char *p, const char **end)
{
    const char *k = p + 1;
    size_t n = strcspn(k, "() ");
    if (n == 0 || (k[n] != ')' && k[n] != ' '))
        return -1;
    *end = k + n;
    return port_index_getn(ix, k, n);
}

/* The user id of a commenter: an account with that handle, else a reader
 * account made for them (no password: it cannot sign in). */
static int64_t commenter(db_t *db, const port_comment_t *c, port_result_t *res)
{
    char handle[40];
    if (c->handle && account_handle_ok(c->handle)) {
        snprintf(handle, sizeof handle, "%s", c->handle);
        for (char *p = handle; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    } else {
        unsigned char h[32];
        const char *nm = c->name ? c->name : "";
        crypto_hash_sha256(h, (const unsigned char *)nm, strlen(nm));
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        snprintf(handle, sizeof handle, "guest_%.10s", hex);
    }
    db_stmt_t *st = db_prepare(db, "SELECT id FROM users WHERE handle = :h");
    db_bind_text(st, ":h", handle);
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (id)
        return id;
    const char *nm = c->name && *c->name ? c->name : handle;
    size_t nl = strlen(nm);
    nl = text_prefix(nm, nl, 60);
    st = db_prepare(db, "INSERT INTO users(handle, display_name, role, pass_hash, created_at) "
                        "VALUES (:h, :n, 'reader', '!', :t) RETURNING id");
    db_bind_text(st, ":h", handle);
    db_bind_textn(st, ":n", nm, nl);
    db_bind_int(st, ":t", now_s());
    id = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    if (id > 0)
        res->users++;
    return id;
}

/* Comments of w (new work id): threads become hao's one level (root +
 * replies naming whom they answer). Inside the caller's transaction. */
static int write_comments(db_t *db, port_work_t *w, const char *id, port_result_t *res)
{
    int64_t *cid = xcalloc((size_t)w->nc + 1, sizeof(int64_t));
    int64_t *uid = xcalloc((size_t)w->nc + 1, sizeof(int64_t));
    int *root = xcalloc((size_t)w->nc + 1, sizeof(int));
    int rc = 0, published = 0;
    port_index_t *written = port_index_new(); /* key -> the last comment of it written */
    for (int i = 0; i < w->nc && rc == 0; i++) {
        port_comment_t *c = &w->c[i];
        int parent = c->parent_key ? port_index_get(written, c->parent_key) : -1;
        root[i] = parent < 0 ? i : root[parent];
        uid[i] = commenter(db, c, res);
        if (uid[i] < 0) {
            rc = -1;
            break;
        }
        db_stmt_t *st = db_prepare(db, "INSERT INTO comments(work_id, author_id, parent_id, reply_to, body, status, "
                                       "peer, created_at, status_at) VALUES (:w, :a, :p, :r, :b, 'published', "
                                       "'', :t, :t) RETURNING id");
        db_bind_text(st, ":w", id);
        db_bind_int(st, ":a", uid[i]);
        if (parent < 0) {
            db_bind_null(st, ":p");
            db_bind_null(st, ":r");
        } else {
            db_bind_int(st, ":p", cid[root[i]]);
            db_bind_int(st, ":r", uid[parent]);
        }
        db_bind_text(st, ":b", c->body);
        db_bind_int(st, ":t", c->created ? c->created : now_s());
        if (db_step(st) == DB_ROW)
            cid[i] = db_col_int(st, 0);
        else
            rc = -1;
        db_done(st);
        if (rc == 0 && c->key)
            port_index_set(written, c->key, i);
        if (rc == 0 && parent >= 0) {
            st = db_prepare(db, "UPDATE comments SET replies = replies + 1 WHERE id = :id");
            db_bind_int(st, ":id", cid[root[i]]);
            if (db_step(st) != DB_DONE)
                rc = -1;
            db_done(st);
        }
        published++;
    }
    if (rc == 0 && published) {
        db_stmt_t *st = db_prepare(db, "UPDATE works SET comments_count = comments_count + :n WHERE id = :id");
        db_bind_int(st, ":n", published);
        db_bind_text(st, ":id", id);
        if (db_step(st) != DB_DONE)
            rc = -1;
        db_done(st);
        res->comments += published;
    }
    port_index_free(written);
    free(cid);
    free(uid);
    free(root);
    return rc;
}

/* A picture by URL that was not imported ("![alt](URL"): the link
 * "[alt](URL" instead, so the work points at the original rather than
 * embedding it from elsewhere. out ends with "](" of it: the "[" that
 * opens it is the nearest one before, on the same line, not escaped. */
static void unpicture(buf_t *out)
{
    for (size_t i = out->len - 2; i-- > 0;) {
        char c = out->p[i];
        if (c == '\n')
            return;
        if (c != '[' || (i > 0 && out->p[i - 1] == '\\'))
            continue;
        if (i > 0 && out->p[i - 1] == '!') {
            memmove(out->p + i - 1, out->p + i, out->len - i);
            out->len--;
        }
        return;
    }
}

/* The index repoint reads: each medium's key to the first medium of that
 * key that was imported (its key becomes /m/ID) or is a picture by URL that
 * was not (it becomes a link). Once the media rows are written. */
static void repoint_index(port_set_t *s)
{
    s->ref_ix = port_index_new();
    for (int i = 0; i < s->nm; i++) {
        const port_media_t *m = &s->m[i];
        int gone = !m->new_id[0] && m->url && !m->data;
        int moved = m->new_id[0] && m->new_id[0] != '#';
        if (gone || moved)
            port_index_first(s->ref_ix, m->key, i);
    }
}

/* text with every imported medium's key re-pointed to /m/ID, and pictures
 * that could not be imported turned into links (malloc'ed). One pass over
 * the text, whatever the number of media. */
static char *repoint(const port_set_t *s, const char *text)
{
    const char *p = text ? text : "";
    buf_t out = BUF_INIT;
    for (const char *q; (q = strchr(p, '('));) {
        const char *end;
        int i = ref_at(s->ref_ix, q, &end);
        buf_raw(&out, p, (size_t)(q - p) + 1);
        p = q + 1;
        if (i < 0)
            continue;
        const port_media_t *m = &s->m[i];
        if (m->new_id[0]) {
            buf_printf(&out, "/m/%s", m->new_id);
            p = end;
        } else if (out.len >= 3 && out.p[out.len - 2] == ']') {
            unpicture(&out);
        }
    }
    buf_rawz(&out, p);
    buf_cstr(&out);
    return buf_steal(&out, NULL);
}

/* The revision history of hao's export: the work's own content becomes
 * revision cur (the "revision:" it was at, or the newest archived one),
 * the archived ones before it are written as they were saved. */
static int write_revisions(db_t *db, const port_set_t *s, const port_work_t *w, const char *id, int64_t saved)
{
    int cur = w->cur_rev;
    for (int k = 0; k < w->nrev; k++)
        if (w->rev[k].rev > cur)
            cur = w->rev[k].rev;
    if (w->nrev == 0 || cur <= 1) {
        db_stmt_t *st = db_prepare(db, "UPDATE revisions SET created_at = :u WHERE work_id = :id");
        db_bind_int(st, ":u", saved);
        db_bind_text(st, ":id", id);
        int ok = db_step(st) == DB_DONE;
        db_done(st);
        return ok ? 0 : -1;
    }
    /* The current revision was saved when its archived file says, not
     * when the work was last touched (publishing touches it too). */
    for (int k = 0; k < w->nrev; k++)
        if (w->rev[k].rev == cur && w->rev[k].saved > 0)
            saved = w->rev[k].saved;
    db_stmt_t *st = db_prepare(db, "UPDATE revisions SET rev = :r, created_at = :u WHERE work_id = :id");
    db_bind_int(st, ":r", cur);
    db_bind_int(st, ":u", saved);
    db_bind_text(st, ":id", id);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    if (ok) {
        st = db_prepare(db, "UPDATE works SET rev = :r WHERE id = :id");
        db_bind_int(st, ":r", cur);
        db_bind_text(st, ":id", id);
        ok = db_step(st) == DB_DONE;
        db_done(st);
    }
    for (int k = 0; ok && k < w->nrev; k++) {
        const port_rev_t *v = &w->rev[k];
        if (v->rev >= cur)
            continue;
        char *body = repoint(s, v->body);
        st = db_prepare(db, "INSERT INTO revisions(work_id, rev, title, body, declaration, tags, created_at) "
                            "VALUES (:id, :r, :t, :b, :d, :tags, :c)");
        db_bind_text(st, ":id", id);
        db_bind_int(st, ":r", v->rev);
        db_bind_text(st, ":t", v->title);
        db_bind_text(st, ":b", body);
        db_bind_text(st, ":d", v->declaration ? v->declaration : "none");
        db_bind_text(st, ":tags", v->tags ? v->tags : "");
        db_bind_int(st, ":c", v->saved > 0 ? v->saved : saved);
        ok = db_step(st) == DB_DONE;
        db_done(st);
        free(body);
    }
    return ok ? 0 : -1;
}

/* The owner of each medium (a calloc'ed array, one per s->m): the creator
 * of the first pending work whose body names it; else, for a medium that
 * goes in unnamed (m->all: hao's own export), the creator of the first
 * work of its author. 0: none, the medium is not imported. One pass over
 * the bodies: asking each body about each medium was quadratic. */
static int64_t *media_owners(const port_set_t *s, const int *pending)
{
    int64_t *owner = xcalloc((size_t)s->nm + 1, sizeof(int64_t));
    int *next = xcalloc((size_t)s->nm + 1, sizeof(int)); /* the next medium of the same key */
    port_index_t *ix = port_index_new(), *by_author = port_index_new();
    for (int i = s->nm - 1; i >= 0; i--) {
        next[i] = port_index_get(ix, s->m[i].key);
        port_index_set(ix, s->m[i].key, i);
    }
    for (int k = 0; k < s->nw; k++) {
        const port_work_t *w = &s->w[k];
        if (w->author)
            port_index_first(by_author, w->author, k);
        if (!pending[k] || !w->body || !w->author_id)
            continue;
        for (const char *q = w->body; (q = strchr(q, '(')); q++) {
            const char *end;
            for (int i = ref_at(ix, q, &end); i >= 0; i = next[i])
                if (!owner[i])
                    owner[i] = w->author_id;
        }
    }
    for (int i = 0; i < s->nm; i++) {
        int k = s->m[i].all && !owner[i] && s->m[i].author ? port_index_get(by_author, s->m[i].author) : -1;
        if (k >= 0)
            owner[i] = s->w[k].author_id;
    }
    port_index_free(ix);
    port_index_free(by_author);
    free(next);
    return owner;
}

static int fail_at(void)
{
    const char *e = getenv("HAO_IMPORT_FAIL_AT");
    return e ? atoi(e) : 0;
}

/* One work with everything that belongs to it, inside the import's one
 * transaction (port_run). nth counts from 1, for the test hook. */
static int write_work(db_t *db, port_set_t *s, port_work_t *w, int nth, port_result_t *res, buf_t *report,
                      char id[WORK_ID_LEN + 1])
{
    char *body = repoint(s, w->body);
    work_input_t in = {0};
    in.title = w->title;
    in.body = body;
    in.declaration = w->declaration ? w->declaration : "none";
    in.tags_list = (const char *const *)w->tags;
    in.ntags_list = w->ntags;
    if (!w->tags) {
        in.tags_list = NULL;
        in.tags = "";
    }
    in.set_original = 1;
    in.original = w->original;
    work_err_t e;
    memset(&e, 0, sizeof e);
    int rc = work_create(db, w->author_id, &in, id, &e);
    free(body);
    if (rc == 0 && strcmp(w->status, "published") == 0)
        rc = work_publish(db, id, &e);
    if (rc < 0) {
        buf_printf(report, "%s: %s%s%s%s%s\n", w->origin, T(LANG_EN, e.key), e.field ? " (" : "",
                   e.field ? e.field : "", e.field ? ")" : "", e.other_id[0] ? " (see the earlier work)" : "");
        if (e.other_id[0])
            buf_printf(report, "%s: the earlier work is /a/%s\n", w->origin, e.other_id);
        return -1;
    }
    db_stmt_t *st = db_prepare(db, "UPDATE works SET created_at = :c, updated_at = :u, published_at = "
                                   "CASE WHEN status = 'published' THEN :p ELSE published_at END, "
                                   "comments_mode = :cm WHERE id = :id");
    int64_t c = w->created > 0 ? w->created : now_s();
    db_bind_int(st, ":c", c);
    db_bind_int(st, ":u", w->updated > 0 ? w->updated : c);
    db_bind_int(st, ":p", w->published > 0 ? w->published : c);
    db_bind_text(st, ":cm", w->comments_mode && strcmp(w->comments_mode, "closed") == 0 ? "closed" : "open");
    db_bind_text(st, ":id", id);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    ok = ok && write_revisions(db, s, w, id, w->updated > 0 ? w->updated : c) == 0;
    if (ok && w->old_path && *w->old_path && strcmp(w->old_path, "/") != 0) {
        st = db_prepare(db, "INSERT INTO import_redirects(old_path, work_id) VALUES (:p, :id) "
                            "ON CONFLICT (old_path) DO NOTHING");
        db_bind_text(st, ":p", w->old_path);
        db_bind_text(st, ":id", id);
        ok = db_step(st) == DB_DONE;
        db_done(st);
    }
    ok = ok && write_comments(db, w, id, res) == 0 && ledger_add(db, w->key, "work", id) == 0 &&
         search_sync(db, id) == 0;
    if (ok && w->scheduled && strcmp(w->status, "draft") == 0) {
        /* A pending schedule comes along while it is still ahead. */
        cr_err_t ce = {0};
        if (w->scheduled <= now_s())
            buf_printf(&s->notes, "%s: its scheduled time has passed: it stays a draft\n", w->origin);
        else if (sched_set(db, id, w->author_id, w->scheduled, &ce) < 0 && ce.status >= 500)
            ok = 0;
        else if (ce.status)
            buf_printf(&s->notes, "%s: not scheduled here (%s): it stays a draft\n", w->origin, ce.code);
    }
    const char *crash = getenv("HAO_IMPORT_CRASH_AT");
    if (ok && crash && atoi(crash) == nth)
        _exit(70); /* a test: the process dies inside the import's transaction */
    if (ok && nth == fail_at()) {
        buf_printf(report, "%s: storage failure (HAO_IMPORT_FAIL_AT=%d, a test)\n", w->origin, nth);
        return -1;
    }
    if (!ok) {
        buf_printf(report, "%s: could not record the imported work\n", w->origin);
        return -1;
    }
    res->created++;
    return 0;
}

/* Each medium's key to the first medium of that key. */
static port_index_t *media_keys(const port_set_t *s)
{
    port_index_t *ix = port_index_new();
    for (int i = 0; i < s->nm; i++)
        port_index_first(ix, s->m[i].key, i);
    return ix;
}

/* The id here of the imported picture keyed key when owner owns it, or
 * NULL. */
static const char *picture_of(db_t *db, const port_set_t *s, port_index_t *media, const char *key, int64_t owner)
{
    int m = key ? port_index_get(media, key) : -1;
    if (m < 0 || !s->m[m].new_id[0] || s->m[m].new_id[0] == '#')
        return NULL;
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM media WHERE id = :m AND owner_id = :a AND kind = 'image'");
    db_bind_text(st, ":m", s->m[m].new_id);
    db_bind_int(st, ":a", owner);
    int ok = db_step(st) == DB_ROW;
    db_done(st);
    return ok ? s->m[m].new_id : NULL;
}

/* The creators' bio and avatar from hao's export, into the accounts their
 * works went to, where that account has none yet (an import never
 * overwrites what someone wrote here). -1 only when the database fails. */
static int write_profiles(db_t *db, port_set_t *s, port_result_t *res)
{
    port_index_t *media = media_keys(s);
    int rc = 0;
    for (int k = 0; k < s->na && rc == 0; k++) {
        port_author_t *a = &s->a[k];
        if (!a->account_id || (!(a->bio && *a->bio) && !a->avatar))
            continue;
        int changed = 0;
        if (a->bio && *a->bio) {
            db_stmt_t *st = db_prepare(db, "UPDATE users SET bio = :b WHERE id = :id AND bio = ''");
            db_bind_text(st, ":b", a->bio);
            db_bind_int(st, ":id", a->account_id);
            rc = db_step(st) == DB_DONE ? 0 : -1;
            db_done(st);
            changed += rc == 0 && db_changes(db) > 0;
        }
        const char *pic = rc == 0 ? picture_of(db, s, media, a->avatar, a->account_id) : NULL;
        if (pic) {
            db_stmt_t *st = db_prepare(db, "UPDATE users SET avatar = :m WHERE id = :id AND avatar = ''");
            db_bind_text(st, ":m", pic);
            db_bind_int(st, ":id", a->account_id);
            rc = db_step(st) == DB_DONE ? 0 : -1;
            db_done(st);
            changed += rc == 0 && db_changes(db) > 0;
        }
        if (changed) {
            res->profiles++;
            buf_printf(&s->notes, "%s: the account's empty bio or avatar filled from the export\n", a->origin);
        }
    }
    if (rc < 0)
        buf_lit(&s->problems, "the imported profiles could not be recorded\n");
    port_index_free(media);
    return rc;
}

/* The collections not imported before, after the works (in the import's
 * transaction): members mapped to this site's ids through the ledger,
 * the cover to the imported medium. A member that is no longer a live
 * work of the creator here (deleted since an earlier import), or a cover
 * that is not the creator's picture here, is left out with a note; a
 * creator with COLL_PER_AUTHOR_MAX collections already gets a note too.
 * -1 only when the database fails. */
static int write_collections(db_t *db, port_set_t *s, port_result_t *res)
{
    port_index_t *media = media_keys(s);
    int rc = 0;
    for (int i = 0; i < s->ncol && rc == 0; i++) {
        port_coll_t *c = &s->col[i];
        if (ledger_has(db, c->key, NULL, 0))
            continue;
        const char *cover = picture_of(db, s, media, c->cover, c->author_id);
        if (c->cover && !cover)
            buf_printf(&s->notes, "%s: its cover is not a picture of its creator here: imported without one\n",
                       c->origin);
        char (*ids)[WORK_ID_LEN + 1] = xcalloc((size_t)c->nworks + 1, sizeof *ids);
        const char **idp = xcalloc((size_t)c->nworks + 1, sizeof *idp);
        int n = 0;
        for (int k = 0; k < c->nworks; k++) {
            if (!ledger_has(db, c->works[k], ids[n], sizeof ids[n]))
                continue;
            db_stmt_t *st = db_prepare(db, "SELECT 1 FROM works WHERE id = :id AND author_id = :a "
                                           "AND status IN ('draft','published')");
            db_bind_text(st, ":id", ids[n]);
            db_bind_int(st, ":a", c->author_id);
            int live = db_step(st) == DB_ROW;
            db_done(st);
            if (live)
                idp[n] = ids[n], n++;
            else
                buf_printf(&s->notes, "%s: work %s is no longer here: left out of it\n", c->origin, c->works[k] + 4);
        }
        int64_t id = 0;
        cr_err_t e;
        if (coll_create(db, c->author_id, c->title, c->description, cover, &id, &e) < 0) {
            if (e.status == 409)
                buf_printf(&s->notes, "%s: not imported: its creator has %d collections here already\n", c->origin,
                           COLL_PER_AUTHOR_MAX);
            else
                rc = -1;
        } else if (coll_set(db, id, c->author_id, idp, n, &e) < 0) {
            rc = -1;
        } else {
            db_stmt_t *st = db_prepare(db, "UPDATE collections SET created_at = :c, updated_at = :u WHERE id = :id");
            int64_t now = now_s();
            db_bind_int(st, ":c", c->created > 0 ? c->created : now);
            db_bind_int(st, ":u", c->updated > 0 ? c->updated : now);
            db_bind_int(st, ":id", id);
            rc = db_step(st) == DB_DONE ? 0 : -1;
            db_done(st);
            char target[32];
            snprintf(target, sizeof target, "%lld", (long long)id);
            if (rc == 0)
                rc = ledger_add(db, c->key, "collection", target);
            if (rc == 0)
                res->collections++;
        }
        if (rc < 0)
            buf_printf(&s->problems, "%s: could not record the imported collection\n", c->origin);
        free(ids);
        free(idp);
    }
    port_index_free(media);
    return rc;
}

/* The pins of the works this run created (works[i] is the new id of s->w[i],
 * "" when it was not created now), in their order; a creator with
 * PINS_MAX pins here already keeps them, with a note. -1 only when the
 * database fails. */
static int write_pins(db_t *db, port_set_t *s, char (*works)[WORK_ID_LEN + 1])
{
    for (int pos = 1; pos <= PINS_MAX; pos++)
        for (int i = 0; i < s->nw; i++) {
            port_work_t *w = &s->w[i];
            if (w->pinned != pos || !works[i][0] || strcmp(w->status, "published") != 0)
                continue;
            cr_err_t e;
            if (pins_add(db, w->author_id, works[i], &e) == 0)
                continue;
            if (e.status >= 500) {
                buf_printf(&s->problems, "%s: could not record its pin\n", w->origin);
                return -1;
            }
            buf_printf(&s->notes, "%s: not pinned here (%s)\n", w->origin, e.code);
        }
    return 0;
}

/* The creator each work goes to; problems for those that have none. */
static void resolve_authors(db_t *db, const port_opts_t *o, port_set_t *s)
{
    user_t forced;
    int64_t forced_id = 0;
    if (o->author) {
        if (account_by_handle(db, o->author, &forced) != 1)
            buf_printf(&s->problems, "%s: --author: there is no user \"%s\" (create one with: hao user add %s "
                                     "--role creator)\n", o->file, o->author, o->author);
        else if (forced.role < ROLE_CREATOR)
            buf_printf(&s->problems, "%s: --author: %s is a %s and cannot publish works\n", o->file, o->author,
                       account_role_name(forced.role));
        else
            forced_id = forced.id;
        for (int i = 0; i < s->nw; i++)
            s->w[i].author_id = forced_id;
        for (int i = 0; i < s->ncol; i++)
            s->col[i].author_id = forced_id;
        for (int k = 0; k < s->na; k++)
            s->a[k].account_id = forced_id;
        return;
    }
    port_index_t *by_key = port_index_new(), *first = port_index_new();
    for (int k = 0; k < s->na; k++) /* the last author of a key counts */
        if (s->a[k].key)
            port_index_set(by_key, s->a[k].key, k);
    for (int i = 0; i < s->nw; i++) {
        port_work_t *w = &s->w[i];
        const char *key = w->author ? w->author : "";
        const char *handle = key, *origin = w->origin;
        int k = port_index_get(by_key, key);
        if (k >= 0) {
            handle = s->a[k].handle ? s->a[k].handle : key;
            origin = s->a[k].origin ? s->a[k].origin : origin;
        }
        /* one message per author: later works take the first one's */
        int f = port_index_first(first, key, i);
        if (f != i) {
            w->author_id = s->w[f].author_id;
            continue;
        }
        user_t u;
        if (!account_handle_ok(handle)) {
            buf_printf(&s->problems, "%s: author \"%s\" is not a valid handle here (3-30 of a-z, 0-9 and _, "
                                     "starting with a letter); pass --author HANDLE to import every work as one "
                                     "creator\n", origin, handle);
        } else if (account_by_handle(db, handle, &u) != 1) {
            buf_printf(&s->problems, "%s: author \"%s\" has no account here: create it (hao user add %s --role "
                                     "creator) or pass --author HANDLE\n", origin, handle, handle);
        } else if (u.role < ROLE_CREATOR) {
            buf_printf(&s->problems, "%s: author \"%s\" is a %s here and cannot publish works\n", origin, handle,
                       account_role_name(u.role));
        } else {
            w->author_id = u.id;
        }
    }
    /* A collection goes where its creator's works go; a creator with
     * collections and no works needs the same account. */
    for (int i = 0; i < s->ncol; i++) {
        port_coll_t *c = &s->col[i];
        int f = port_index_get(first, c->author);
        user_t u;
        if (f >= 0)
            c->author_id = s->w[f].author_id;
        else if (account_handle_ok(c->author) && account_by_handle(db, c->author, &u) == 1 && u.role >= ROLE_CREATOR)
            c->author_id = u.id;
        else
            buf_printf(&s->problems, "%s: its creator \"%s\" has no creator account here: create it (hao user add "
                                     "%s --role creator) or pass --author HANDLE\n", c->origin, c->author, c->author);
    }
    /* A creator's profile goes to the account their works go to. */
    for (int k = 0; k < s->na; k++) {
        port_author_t *a = &s->a[k];
        int f = a->key ? port_index_get(first, a->key) : -1;
        user_t u;
        if (f >= 0)
            a->account_id = s->w[f].author_id;
        else if (a->handle && account_handle_ok(a->handle) && account_by_handle(db, a->handle, &u) == 1)
            a->account_id = u.id;
    }
    port_index_free(by_key);
    port_index_free(first);
}

static void check_works(port_set_t *s)
{
    for (int i = 0; i < s->nw; i++) {
        port_work_t *w = &s->w[i];
        work_input_t in = {0};
        in.title = w->title ? w->title : "";
        in.body = w->body ? w->body : "";
        in.declaration = w->declaration ? w->declaration : "none";
        in.tags_list = (const char *const *)w->tags;
        in.ntags_list = w->ntags;
        work_err_t e;
        if (work_validate(&in, 1, &e) < 0)
            buf_printf(&s->problems, "%s: %s (%s)\n", w->origin, T(LANG_EN, e.key), e.field ? e.field : "");
        if (strcmp(w->status, "published") == 0) {
            const char *b = in.body;
            size_t bl = strlen(b);
            text_trim(&b, &bl);
            if (bl == 0)
                buf_printf(&s->problems, "%s: a published work with an empty body (hao cannot publish it)\n",
                           w->origin);
        }
        for (int k = 0; k < w->nrev; k++) {
            const port_rev_t *v = &w->rev[k];
            work_input_t ri = {0};
            ri.title = v->title ? v->title : "";
            ri.body = v->body ? v->body : "";
            ri.declaration = v->declaration ? v->declaration : "none";
            ri.tags = v->tags ? v->tags : "";
            if (work_validate(&ri, 1, &e) < 0)
                buf_printf(&s->problems, "%s: revision %d: %s (%s)\n", v->origin, v->rev, T(LANG_EN, e.key),
                           e.field ? e.field : "");
        }
        for (int k = 0; k < w->nc; k++) {
            const char *cb = w->c[k].body ? w->c[k].body : "";
            if (!text_valid(cb, strlen(cb)) || strlen(cb) > 64 * 1024)
                buf_printf(&s->problems, "%s: comment %s is not valid UTF-8 text of at most 64 KiB\n", w->origin,
                           w->c[k].key);
        }
    }
}

int port_run(db_t *db, const port_opts_t *o, port_result_t *res, buf_t *report)
{
    memset(res, 0, sizeof(*res));
    port_set_t s;
    memset(&s, 0, sizeof s);
    port_format_t f = port_detect(o->file);
    int rc = f == PORT_HAO     ? port_read_hao(o->file, o, &s)
             : f == PORT_WXR   ? port_read_wxr(o->file, o, &s)
             : f == PORT_GHOST ? port_read_ghost(o->file, o, &s)
                               : -1;
    if (f == PORT_NONE)
        buf_printf(&s.problems, "%s: not a hao export, WordPress WXR or Ghost JSON file\n", o->file);
    if (rc == 0 && s.problems.len == 0) {
        resolve_authors(db, o, &s);
        check_works(&s);
    }
    if (s.problems.len) {
        buf_rawz(report, buf_cstr(&s.problems));
        buf_printf(report, "hao: import: %s: nothing was imported (fix the problems above and run it again)\n",
                   o->file);
        port_set_free(&s);
        return -1;
    }
    /* What is left to do (an earlier run of the same file did the rest). */
    int *pending = xcalloc((size_t)s.nw + 1, sizeof(int));
    int npending = 0;
    for (int i = 0; i < s.nw; i++) {
        if (ledger_has(db, s.w[i].key, NULL, 0))
            res->skipped++;
        else
            pending[i] = 1, npending++;
    }
    if (o->check_only) {
        if (s.notes.len)
            buf_rawz(report, buf_cstr(&s.notes));
        res->created = 0;
        free(pending);
        port_set_free(&s);
        return 0;
    }
    /* 1. Media: fetched when allowed, then through the helper into the
     * store (files only). A failure removes what this run stored. */
    media_import_t *mi = xcalloc((size_t)s.nm + 1, sizeof(media_import_t));
    int *fresh = xcalloc((size_t)s.nm + 1, sizeof(int));
    int bad = 0, nfetched = 0;
    int64_t *owners = media_owners(&s, pending);
    for (int i = 0; i < s.nm && !bad; i++) {
        port_media_t *m = &s.m[i];
        int64_t owner = owners[i];
        if (!owner && m->all) {
            if (!owner && o->author && s.nw)
                owner = s.w[0].author_id;
            if (!owner && m->author) {
                user_t u;
                if (account_by_handle(db, m->author, &u) == 1 && u.role >= ROLE_CREATOR)
                    owner = u.id;
            }
        }
        if (!owner)
            continue;
        m->used = 1;
        if (!m->data && m->url) {
            buf_t ferr = BUF_INIT;
            size_t len = 0;
            char *data = NULL;
            if (o->fetch && port_fetch(m->url, &data, &len, &ferr) == 0) {
                m->data = data;
                m->len = len;
                nfetched++;
            } else {
                buf_printf(&s.notes, "%s: picture %s not imported (%s); the work links to it instead\n", m->origin,
                           m->url, o->fetch ? buf_cstr(&ferr) : "not in the uploads directory; --fetch not given");
                buf_free(&ferr);
                continue;
            }
            buf_free(&ferr);
        }
        if (!m->data) {
            /* A relative address (Ghost's /content/images/...) not found
             * in the uploads directory: nothing to fetch it from, and no
             * address elsewhere to link to. The work keeps it as it was. */
            buf_printf(&s.notes,
                       "%s: picture %s not imported (%s); the work keeps that address, which this site does not "
                       "serve: upload the picture and edit the work\n",
                       m->origin, m->key, o->uploads ? "not in the uploads directory" : "--uploads not given");
            continue;
        }
        unsigned char h[32];
        char sha[65];
        crypto_hash_sha256(h, (const unsigned char *)m->data, m->len);
        sodium_bin2hex(sha, sizeof sha, h, sizeof h);
        db_stmt_t *st = db_prepare(db, "SELECT id FROM media WHERE owner_id = :o AND sha256 = :s");
        db_bind_int(st, ":o", owner);
        db_bind_text(st, ":s", sha);
        if (db_step(st) == DB_ROW)
            snprintf(m->new_id, sizeof m->new_id, "%s", db_col_text(st, 0));
        db_done(st);
        if (m->new_id[0])
            continue;
        buf_t merr = BUF_INIT;
        int mrc = media_import_bytes(m->data, m->len, &mi[i], &merr);
        if (mrc < 0 && m->url) {
            /* fetched from elsewhere: the work links to it instead */
            buf_printf(&s.notes, "%s: picture %s not imported (%s); the work links to it instead\n", m->origin,
                       m->url, buf_cstr(&merr));
            free(m->data);
            m->data = NULL;
            m->len = 0;
        } else if (mrc < 0) {
            buf_printf(&s.problems, "%s: %s cannot be imported: %s\n", m->origin, m->url ? m->url : m->key,
                       buf_cstr(&merr));
            bad = 1;
        } else {
            fresh[i] = 1;
            /* the owner waits in the id slot until the row is written */
            snprintf(m->new_id, sizeof m->new_id, "#%lld", (long long)owner);
        }
        buf_free(&merr);
        if (!bad && o->progress)
            o->progress(o->ctx, 0, npending);
    }
    free(owners);
    /* 2. One transaction: every row of this import, or none. */
    buf_t created = BUF_INIT; /* "ID\t/a/ID\n" per work, printed once committed */
    int nmedia = 0;
    port_result_t r0 = *res;
    if (!bad && db_begin_all(db) < 0) {
        buf_lit(&s.problems, "the database is busy: try again\n");
        bad = 1;
    } else if (!bad) {
        for (int i = 0; i < s.nm && !bad; i++) {
            if (!fresh[i])
                continue;
            int64_t owner = strtoll(s.m[i].new_id + 1, NULL, 10);
            if (media_import_row(db, owner, &mi[i], s.m[i].alt, s.m[i].new_id) < 0) {
                buf_printf(&s.problems, "%s: cannot record %s\n", s.m[i].origin, s.m[i].key);
                bad = 1;
            }
            nmedia++;
        }
        repoint_index(&s);
        int nth = 0;
        char (*ids)[WORK_ID_LEN + 1] = xcalloc((size_t)s.nw + 1, sizeof *ids);
        for (int i = 0; i < s.nw && !bad; i++) {
            if (!pending[i])
                continue;
            if (write_work(db, &s, &s.w[i], ++nth, res, &s.problems, ids[i]) < 0)
                bad = 1;
            else
                buf_printf(&created, "%s\t/a/%s\n", ids[i], ids[i]);
        }
        if (!bad && (write_pins(db, &s, ids) < 0 || write_collections(db, &s, res) < 0 ||
                     write_profiles(db, &s, res) < 0))
            bad = 1;
        free(ids);
        if (bad) {
            db_rollback_all(db);
        } else if (db_commit_all(db) < 0) {
            buf_lit(&s.problems, "the database could not commit the import\n");
            bad = 1;
        }
    }
    /* Files of step 1 that no committed row refers to go again. */
    for (int i = 0; i < s.nm; i++)
        if (fresh[i])
            media_import_discard(db, &mi[i], bad);
    free(mi);
    free(fresh);
    if (bad) {
        *res = r0;
        res->created = 0;
        buf_rawz(report, buf_cstr(&s.problems));
        buf_printf(report, "hao: import: %s: nothing was imported (fix the problems above and run it again)\n",
                   o->file);
        buf_free(&created);
        free(pending);
        port_set_free(&s);
        return -1;
    }
    res->media = nmedia;
    if (nfetched)
        buf_printf(&s.notes, "%s: %d picture%s fetched by URL\n", o->file, nfetched, nfetched == 1 ? "" : "s");
    if (s.notes.len)
        buf_rawz(report, buf_cstr(&s.notes));
    if (res->created || res->profiles || res->collections)
        changed_signal();
    if (o->print && created.len)
        fputs(buf_cstr(&created), stdout);
    fflush(stdout);
    if (o->progress)
        o->progress(o->ctx, npending, npending);
    buf_free(&created);
    free(pending);
    port_set_free(&s);
    return 0;
}
