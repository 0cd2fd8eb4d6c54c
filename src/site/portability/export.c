/*
 * export.c — see export.h. Owned by site/portability; the calling thread.
 */
#include "site/portability/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "http/http.h"
#include "site/portability/archive.h"
#include "site/works/media.h"

void export_time(int64_t t, char out[24])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t export_parse_time(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *e = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!e)
        return -1;
    int64_t t = (int64_t)timegm(&tm);
    if (*e == 'Z' && e[1] == 0)
        return t;
    if ((*e == '+' || *e == '-') && strlen(e) == 6 && e[3] == ':') {
        int h = atoi(e + 1), m = atoi(e + 4);
        int64_t off = (int64_t)(h * 3600 + m * 60);
        return *e == '+' ? t - off : t + off;
    }
    return *e == 0 ? t : -1;
}

static const char *sniff_ext(const char *path)
{
    unsigned char b[16] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return "bin";
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return "jpg";
    if (n >= 8 && memcmp(b, "\x89PNG", 4) == 0)
        return "png";
    if (n >= 4 && memcmp(b, "GIF8", 4) == 0)
        return "gif";
    if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return "webp";
    if (n >= 12 && memcmp(b + 4, "ftyp", 4) == 0)
        return "mp4";
    if (n >= 4 && memcmp(b, "\x1a\x45\xdf\xa3", 4) == 0)
        return "webm";
    return "bin";
}

static void fm_str(buf_t *b, const char *key, const char *v)
{
    buf_printf(b, "%s: ", key);
    buf_json_strz(b, v);
    buf_ch(b, '\n');
}

static void fm_time(buf_t *b, const char *key, int64_t t)
{
    char ts[24];
    if (t <= 0) {
        buf_printf(b, "%s: null\n", key);
        return;
    }
    export_time(t, ts);
    buf_printf(b, "%s: \"%s\"\n", key, ts);
}

/* Tags of a work as a JSON array, in the creator's order. */
static void tags_json(db_t *db, const char *id, buf_t *b)
{
    db_stmt_t *st = db_prepare(db, "SELECT tag FROM tags WHERE work_id = :id ORDER BY pos, tag");
    db_bind_text(st, ":id", id);
    buf_ch(b, '[');
    int n = 0;
    while (db_step(st) == DB_ROW) {
        if (n++)
            buf_ch(b, ',');
        buf_json_strz(b, db_col_text(st, 0));
    }
    db_done(st);
    buf_ch(b, ']');
}

static int export_comments(db_t *db, arc_writer_t *w, const char *dir, const char *id, buf_t *err)
{
    db_stmt_t *st = db_prepare(db,
        "SELECT c.id, c.parent_id, u.handle, u.display_name, r.handle, c.body, c.created_at, c.edited_at, c.likes "
        "FROM comments c JOIN users u ON u.id = c.author_id LEFT JOIN users r ON r.id = c.reply_to "
        "WHERE c.work_id = :id AND c.status = 'published' ORDER BY c.id");
    db_bind_text(st, ":id", id);
    buf_t b = BUF_INIT;
    int n = 0, rc;
    buf_lit(&b, "[");
    while ((rc = db_step(st)) == DB_ROW) {
        char ts[24];
        buf_rawz(&b, n++ ? ",\n{" : "\n{");
        buf_printf(&b, "\"id\":%lld,\"parent\":", (long long)db_col_int(st, 0));
        if (db_col_is_null(st, 1))
            buf_lit(&b, "null");
        else
            buf_printf(&b, "%lld", (long long)db_col_int(st, 1));
        buf_lit(&b, ",\"author\":");
        buf_json_strz(&b, db_col_text(st, 2));
        buf_lit(&b, ",\"author_name\":");
        buf_json_strz(&b, db_col_text(st, 3));
        buf_lit(&b, ",\"reply_to\":");
        if (db_col_is_null(st, 4))
            buf_lit(&b, "null");
        else
            buf_json_strz(&b, db_col_text(st, 4));
        buf_lit(&b, ",\"body\":");
        buf_json_strz(&b, db_col_text(st, 5));
        export_time(db_col_int(st, 6), ts);
        buf_printf(&b, ",\"created\":\"%s\"", ts);
        if (!db_col_is_null(st, 7)) {
            export_time(db_col_int(st, 7), ts);
            buf_printf(&b, ",\"edited\":\"%s\"", ts);
        }
        buf_printf(&b, ",\"likes\":%lld}", (long long)db_col_int(st, 8));
    }
    db_done(st);
    buf_lit(&b, "\n]\n");
    int out = 0;
    if (rc != DB_DONE) {
        buf_lit(err, "cannot read the comments");
        out = -1;
    } else if (n) {
        char path[200];
        snprintf(path, sizeof path, "%s/works/%s.comments.json", dir, id);
        out = arc_add(w, path, b.p, b.len, err);
    }
    buf_free(&b);
    return out;
}

static int export_revisions(db_t *db, arc_writer_t *w, const char *dir, const char *id, buf_t *err)
{
    db_stmt_t *st = db_prepare(db, "SELECT rev, title, body, declaration, tags, created_at FROM revisions "
                                   "WHERE work_id = :id ORDER BY rev");
    db_bind_text(st, ":id", id);
    int rc, out = 0;
    while (out == 0 && (rc = db_step(st)) == DB_ROW) {
        buf_t b = BUF_INIT;
        buf_lit(&b, "---\n");
        buf_printf(&b, "rev: %lld\n", (long long)db_col_int(st, 0));
        fm_str(&b, "title", db_col_text(st, 1));
        fm_str(&b, "declaration", db_col_text(st, 3));
        fm_str(&b, "tags", db_col_text(st, 4));
        fm_time(&b, "saved", db_col_int(st, 5));
        buf_lit(&b, "---\n");
        buf_rawz(&b, db_col_text(st, 2));
        char path[200];
        snprintf(path, sizeof path, "%s/works/%s/revisions/%lld.md", dir, id, (long long)db_col_int(st, 0));
        out = arc_add(w, path, b.p, b.len, err);
        buf_free(&b);
    }
    db_done(st);
    return out;
}

static int export_media(db_t *db, arc_writer_t *w, const char *dir, int64_t uid, buf_t *err)
{
    db_stmt_t *st = db_prepare(db, "SELECT id, sha256, kind, alt, created_at FROM media WHERE owner_id = :o "
                                   "ORDER BY created_at, id");
    db_bind_int(st, ":o", uid);
    buf_t list = BUF_INIT;
    int n = 0, rc, out = 0;
    buf_lit(&list, "[");
    while (out == 0 && (rc = db_step(st)) == DB_ROW) {
        const char *sha = db_col_text(st, 1);
        char src[4200], path[200], ts[24];
        if (media_original_path(sha, src, sizeof src) < 0) {
            buf_printf(err, "media %s: the stored file %s is missing (run hao check)", db_col_text(st, 0), sha);
            out = -1;
            break;
        }
        snprintf(path, sizeof path, "%s/media/%s.%s", dir, sha, sniff_ext(src));
        if (arc_add_file(w, path, src, err) < 0) {
            out = -1;
            break;
        }
        export_time(db_col_int(st, 4), ts);
        buf_rawz(&list, n++ ? ",\n{\"id\":" : "\n{\"id\":");
        buf_json_strz(&list, db_col_text(st, 0));
        buf_lit(&list, ",\"file\":");
        buf_json_strz(&list, strchr(path, '/') + 1);
        buf_printf(&list, ",\"sha256\":\"%s\",\"kind\":", sha);
        buf_json_strz(&list, db_col_text(st, 2));
        buf_lit(&list, ",\"alt\":");
        buf_json_strz(&list, db_col_text(st, 3));
        buf_printf(&list, ",\"created\":\"%s\"}", ts);
    }
    db_done(st);
    buf_lit(&list, "\n]\n");
    if (out == 0) {
        char path[200];
        snprintf(path, sizeof path, "%s/media.json", dir);
        out = arc_add(w, path, list.p, list.len, err);
    }
    buf_free(&list);
    return out;
}

/* HANDLE/collections.json: the creator's collections, each with the
 * exported works (drafts and published ones) in its order. Written only
 * when the creator has any. */
static int export_collections(db_t *db, arc_writer_t *w, const char *dir, int64_t uid, buf_t *err)
{
    db_stmt_t *st = db_prepare(db, "SELECT c.id, c.title, c.description, c.cover, c.created_at, c.updated_at, "
                                   "cw.work_id FROM collections c LEFT JOIN collection_works cw "
                                   "ON cw.collection_id = c.id AND cw.work_id IN "
                                   "(SELECT id FROM works WHERE status IN ('draft','published')) "
                                   "WHERE c.author_id = :a ORDER BY c.id, cw.position");
    db_bind_int(st, ":a", uid);
    buf_t b = BUF_INIT;
    int64_t cur = 0;
    int n = 0, members = 0, rc;
    buf_ch(&b, '[');
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        if (id != cur) {
            char ts[24];
            buf_rawz(&b, n++ ? "]},\n{\"id\":" : "\n{\"id\":");
            buf_printf(&b, "%lld,\"title\":", (long long)id);
            buf_json_strz(&b, db_col_text(st, 1));
            buf_lit(&b, ",\"description\":");
            buf_json_strz(&b, db_col_text(st, 2));
            buf_lit(&b, ",\"cover\":");
            buf_json_strz(&b, db_col_text(st, 3));
            export_time(db_col_int(st, 4), ts);
            buf_printf(&b, ",\"created\":\"%s\"", ts);
            export_time(db_col_int(st, 5), ts);
            buf_printf(&b, ",\"updated\":\"%s\",\"works\":[", ts);
            cur = id;
            members = 0;
        }
        if (!db_col_is_null(st, 6)) {
            if (members++)
                buf_ch(&b, ',');
            buf_json_strz(&b, db_col_text(st, 6));
        }
    }
    db_done(st);
    buf_rawz(&b, n ? "]}\n]\n" : "]\n");
    int out = 0;
    if (rc != DB_DONE) {
        buf_printf(err, "%s: the collections could not be read", dir);
        out = -1;
    } else if (n) {
        char path[200];
        snprintf(path, sizeof path, "%s/collections.json", dir);
        out = arc_add(w, path, b.p, b.len, err);
    }
    buf_free(&b);
    return out;
}

typedef struct {
    int64_t id;
    char handle[40];
    char *name;
    char role[16];
    int64_t created;
    char *bio;
    char avatar[40]; /* a media id of theirs, or "" */
} who_t;

int export_write(db_t *db, const export_opts_t *o, const char *out, buf_t *info, buf_t *err)
{
    /* Who: one creator, or everyone who has works or media, or may publish. */
    db_stmt_t *st;
    if (o->author)
        st = db_prepare(db, "SELECT id, handle, display_name, role, created_at, bio, avatar FROM users "
                            "WHERE handle = lower(:h)");
    else
        st = db_prepare(db, "SELECT id, handle, display_name, role, created_at, bio, avatar FROM users u "
                            "WHERE role <> 'reader' "
                            "OR EXISTS (SELECT 1 FROM works w WHERE w.author_id = u.id) "
                            "OR EXISTS (SELECT 1 FROM media m WHERE m.owner_id = u.id) ORDER BY id");
    if (o->author)
        db_bind_text(st, ":h", o->author);
    int nw = 0, capw = 8;
    who_t *who = xmalloc((size_t)capw * sizeof(who_t));
    while (db_step(st) == DB_ROW) {
        if (nw == capw) {
            capw *= 2;
            who = xrealloc(who, (size_t)capw * sizeof(who_t));
        }
        who_t *p = &who[nw++];
        p->id = db_col_int(st, 0);
        snprintf(p->handle, sizeof p->handle, "%s", db_col_text(st, 1));
        p->name = xstrdup(db_col_text(st, 2));
        snprintf(p->role, sizeof p->role, "%s", db_col_text(st, 3));
        p->created = db_col_int(st, 4);
        p->bio = xstrdup(db_col_text(st, 5));
        snprintf(p->avatar, sizeof p->avatar, "%s", db_col_text(st, 6));
    }
    db_done(st);
    int rc = -1;
    arc_writer_t *w = NULL;
    buf_t limits = BUF_INIT; /* why hao import would refuse the archive, if it would */
    char *base = db_setting(db, "base_url", "");
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        base[--bl] = 0;
    int total = 0, done = 0, media_files = 0;
    if (o->author && nw == 0) {
        buf_printf(err, "there is no user \"%s\"", o->author);
        goto out;
    }
    st = db_prepare(db, "SELECT count(*) FROM works WHERE status IN ('draft','published') AND "
                        "(:a IS NULL OR author_id IN (SELECT id FROM users WHERE handle = lower(:a)))");
    db_bind_text(st, ":a", o->author);
    if (db_step(st) == DB_ROW)
        total = (int)db_col_int(st, 0);
    db_done(st);
    if (!(w = arc_create(out, err)))
        goto out;
    for (int i = 0; i < nw; i++) {
        const char *dir = who[i].handle;
        buf_t b = BUF_INIT;
        char ts[24];
        export_time(who[i].created, ts);
        buf_lit(&b, "{\"handle\":");
        buf_json_strz(&b, who[i].handle);
        buf_lit(&b, ",\"display_name\":");
        buf_json_strz(&b, who[i].name);
        buf_lit(&b, ",\"role\":");
        buf_json_strz(&b, who[i].role);
        buf_printf(&b, ",\"joined\":\"%s\",\"bio\":", ts);
        buf_json_strz(&b, who[i].bio);
        buf_lit(&b, ",\"avatar\":");
        buf_json_strz(&b, who[i].avatar);
        buf_lit(&b, "}\n");
        char path[200];
        snprintf(path, sizeof path, "%s/profile.json", dir);
        int ok = arc_add(w, path, b.p, b.len, err) == 0;
        buf_free(&b);
        if (!ok || export_media(db, w, dir, who[i].id, err) < 0 || export_collections(db, w, dir, who[i].id, err) < 0)
            goto out;
        st = db_prepare(db, "SELECT id, title, body, declaration, status, original, created_at, updated_at, "
                            "published_at, rev, comments_mode, "
                            "(SELECT publish_at FROM creator_schedules s WHERE s.work_id = works.id "
                            "AND s.state = 'pending'), "
                            "(SELECT position FROM creator_pins p WHERE p.work_id = works.id) "
                            "FROM works WHERE author_id = :a "
                            "AND status IN ('draft','published') ORDER BY created_at, id");
        db_bind_int(st, ":a", who[i].id);
        /* Copy the rows first: each work reads more tables. */
        typedef struct {
            char id[20];
            char *title, *body, *decl, *status, *cmode;
            int original, rev, pinned;
            int64_t scheduled;
            int64_t c, u, p;
        } row_t;
        int nr = 0, capr = 16;
        row_t *rows = xmalloc((size_t)capr * sizeof(row_t));
        while (db_step(st) == DB_ROW) {
            if (nr == capr) {
                capr *= 2;
                rows = xrealloc(rows, (size_t)capr * sizeof(row_t));
            }
            row_t *r = &rows[nr++];
            snprintf(r->id, sizeof r->id, "%s", db_col_text(st, 0));
            r->title = xstrdup(db_col_text(st, 1));
            r->body = xstrdup(db_col_text(st, 2));
            r->decl = xstrdup(db_col_text(st, 3));
            r->status = xstrdup(db_col_text(st, 4));
            r->original = (int)db_col_int(st, 5);
            r->c = db_col_int(st, 6);
            r->u = db_col_int(st, 7);
            r->p = db_col_is_null(st, 8) ? 0 : db_col_int(st, 8);
            r->rev = (int)db_col_int(st, 9);
            r->cmode = xstrdup(db_col_text(st, 10));
            r->scheduled = db_col_is_null(st, 11) ? 0 : db_col_int(st, 11);
            r->pinned = db_col_is_null(st, 12) ? 0 : (int)db_col_int(st, 12);
        }
        db_done(st);
        int bad = 0;
        for (int k = 0; k < nr; k++) {
            row_t *r = &rows[k];
            if (!bad) {
                buf_t m = BUF_INIT;
                buf_lit(&m, "---\n");
                fm_str(&m, "id", r->id);
                fm_str(&m, "title", r->title);
                fm_str(&m, "declaration", r->decl);
                buf_printf(&m, "original: %s\n", r->original ? "true" : "false");
                buf_lit(&m, "tags: ");
                tags_json(db, r->id, &m);
                buf_ch(&m, '\n');
                fm_str(&m, "status", r->status);
                fm_time(&m, "created", r->c);
                fm_time(&m, "updated", r->u);
                fm_time(&m, "published", r->p);
                buf_printf(&m, "revision: %d\n", r->rev);
                fm_str(&m, "comments", r->cmode);
                if (r->scheduled)
                    fm_time(&m, "scheduled", r->scheduled);
                if (r->pinned)
                    buf_printf(&m, "pinned: %d\n", r->pinned);
                char canon[300];
                snprintf(canon, sizeof canon, "%s/a/%s", base, r->id);
                fm_str(&m, "canonical", canon);
                buf_lit(&m, "---\n");
                buf_rawz(&m, r->body);
                snprintf(path, sizeof path, "%s/works/%s.md", dir, r->id);
                if (arc_add(w, path, m.p, m.len, err) < 0 || export_comments(db, w, dir, r->id, err) < 0 ||
                    (o->revisions && export_revisions(db, w, dir, r->id, err) < 0))
                    bad = 1;
                buf_free(&m);
                done++;
                if (o->progress)
                    o->progress(o->ctx, done, total);
            }
            free(r->title);
            free(r->body);
            free(r->decl);
            free(r->status);
            free(r->cmode);
        }
        free(rows);
        if (bad)
            goto out;
    }
    st = db_prepare(db, "SELECT count(*) FROM media WHERE :a IS NULL OR owner_id IN "
                        "(SELECT id FROM users WHERE handle = lower(:a))");
    db_bind_text(st, ":a", o->author);
    if (db_step(st) == DB_ROW)
        media_files = (int)db_col_int(st, 0);
    db_done(st);
    {
        buf_t extra = BUF_INIT;
        char ts[24];
        export_time(now_s(), ts);
        buf_printf(&extra, "\"created\":\"%s\",\"scope\":\"%s\",\"revisions\":%s,\"site\":", ts,
                   o->author ? "creator" : "site", o->revisions ? "true" : "false");
        buf_json_strz(&extra, base);
        buf_lit(&extra, ",\"creators\":[");
        for (int i = 0; i < nw; i++) {
            if (i)
                buf_ch(&extra, ',');
            buf_json_strz(&extra, who[i].handle);
        }
        buf_ch(&extra, ']');
        arc_limits_note(w, &limits);
        rc = arc_finish(w, buf_cstr(&extra), err);
        w = NULL;
        buf_free(&extra);
    }
    if (rc == 0)
        buf_printf(info, "%d creator%s, %d work%s, %d media file%s", nw, nw == 1 ? "" : "s", done,
                   done == 1 ? "" : "s", media_files, media_files == 1 ? "" : "s");
    if (rc == 0 && limits.len)
        buf_printf(info, " (another hao cannot import this archive whole: %s; export each creator on their own, "
                         "or without revisions)", buf_cstr(&limits));
out:
    if (w)
        arc_abort(w);
    for (int i = 0; i < nw; i++) {
        free(who[i].name);
        free(who[i].bio);
    }
    free(who);
    free(base);
    buf_free(&limits);
    return rc;
}
