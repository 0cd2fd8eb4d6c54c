/*
 * work.c — see work.h.
 */
#include "site/works/work.h"
#include "site/works/media.h"
#include "site/works/summary.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/markdown.h"
#include "core/text.h"
#include "core/changed.h"
#include "provenance/provenance.h"
#include "search/search.h"
#include "site/audience/newsletter.h"
#include "site/creator/collection.h"

#include "site/federation/federate.h"
#include "site/trust/audit.h"

static int64_t now(void)
{
    return (int64_t)time(NULL);
}

void work_free(work_t *w)
{
    if (!w)
        return;
    free(w->author_handle);
    free(w->author_name);
    free(w->title);
    free(w->body);
    free(w->content_hash);
    free(w->summary);
    for (int i = 0; i < w->ntags; i++)
        free(w->tags[i]);
    free(w->tags);
    memset(w, 0, sizeof(*w));
}

static char *xdup(const char *s)
{
    char *p = xstrdup(s ? s : "");
    return p;
}

void work_hash(const char *body, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)body, strlen(body));
    sodium_bin2hex(out, 65, h, sizeof h);
}

#define WORK_COLS                                                                                                   \
    "w.id, w.author_id, u.handle, u.display_name, w.title, w.body, w.declaration, w.status, w.rev, w.created_at, " \
    "w.updated_at, w.published_at, w.views, w.content_hash, w.original, w.comments_mode, w.comments_count, " \
    "w.likes_count, w.pinned_comment, w.summary, w.cover"

static void load_tags(db_t *db, work_t *w)
{
    db_stmt_t *st = db_prepare(db, "SELECT tag FROM tags WHERE work_id = :id ORDER BY pos");
    db_bind_text(st, ":id", w->id);
    while (db_step(st) == DB_ROW && w->ntags < WORK_TAGS_MAX) {
        if (!w->tags)
            w->tags = xcalloc(WORK_TAGS_MAX, sizeof(char *));
        w->tags[w->ntags++] = xdup(db_col_text(st, 0));
    }
    db_done(st);
}

static void fill(db_stmt_t *st, work_t *w)
{
    snprintf(w->id, sizeof w->id, "%s", db_col_text(st, 0));
    w->author_id = db_col_int(st, 1);
    w->author_handle = xdup(db_col_text(st, 2));
    w->author_name = xdup(db_col_text(st, 3));
    w->title = xdup(db_col_text(st, 4));
    w->body = xdup(db_col_text(st, 5));
    w->declaration = declaration_find(db_col_text(st, 6));
    if (!w->declaration)
        w->declaration = &declarations[0];
    snprintf(w->status, sizeof w->status, "%s", db_col_text(st, 7));
    w->rev = (int)db_col_int(st, 8);
    w->created_at = db_col_int(st, 9);
    w->updated_at = db_col_int(st, 10);
    w->published_at = db_col_int(st, 11);
    w->views = db_col_int(st, 12);
    w->content_hash = xdup(db_col_text(st, 13));
    w->original = (int)db_col_int(st, 14);
    w->comments_open = strcmp(db_col_text(st, 15), "open") == 0;
    w->comments_count = db_col_int(st, 16);
    w->likes_count = db_col_int(st, 17);
    w->pinned_comment = db_col_int(st, 18);
    w->summary = xdup(db_col_text(st, 19));
    snprintf(w->cover, sizeof w->cover, "%s", db_col_text(st, 20));
}

int work_get(db_t *db, const char *id, work_t *w)
{
    memset(w, 0, sizeof(*w));
    if (strlen(id) != WORK_ID_LEN)
        return 0;
    db_stmt_t *st = db_prepare(db, "SELECT " WORK_COLS " FROM works w JOIN users u ON u.id = w.author_id "
                                   "WHERE w.id = :id AND w.status <> 'deleted'");
    db_bind_text(st, ":id", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        fill(st, w);
    db_done(st);
    if (rc != DB_ROW)
        return rc == DB_DONE ? 0 : -1;
    load_tags(db, w);
    provenance_load(db, w->id, w->declaration->code, &w->prov);
    return 1;
}

/* ---- validation ---- */

static int fail(work_err_t *e, const char *field, const char *key, int status)
{
    e->field = field;
    e->key = key;
    e->status = status;
    e->other_id[0] = 0;
    return -1;
}

/* Split tags on ASCII or full-width commas (and the ideographic comma),
 * trim, drop empties and duplicates. Calls fn for each; returns the count or
 * -1 when a tag is invalid or there are too many. */
typedef void (*tag_fn)(void *ctx, const char *tag, size_t n);

static int tag_ok(const char *t, size_t n)
{
    if (n == 0 || !text_valid_line(t, n) || text_chars(t, n) > WORK_TAG_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] == '/' || t[i] == '\\' || t[i] == '?' || t[i] == '#' || t[i] == '<' || t[i] == '>' ||
            t[i] == '"' || t[i] == '%')
            return 0;
    return 1;
}

static int each_tag(const work_input_t *in, tag_fn fn, void *ctx)
{
    const char *seen[WORK_TAGS_MAX];
    size_t seenlen[WORK_TAGS_MAX];
    int n = 0;
    if (in->tags_list) {
        for (int i = 0; i < in->ntags_list; i++) {
            const char *t = in->tags_list[i];
            size_t tl = strlen(t);
            text_trim(&t, &tl);
            if (!tag_ok(t, tl))
                return -1;
            int dupe = 0;
            for (int j = 0; j < n; j++)
                dupe |= seenlen[j] == tl && memcmp(seen[j], t, tl) == 0;
            if (dupe)
                continue;
            if (n == WORK_TAGS_MAX)
                return -1;
            seen[n] = t, seenlen[n] = tl, n++;
            if (fn)
                fn(ctx, t, tl);
        }
        return n;
    }
    const char *s = in->tags ? in->tags : "";
    size_t len = strlen(s);
    if (!text_valid_line(s, len))
        return -1;
    size_t i = 0;
    while (i <= len) {
        size_t j = i, sep = 0;
        while (j < len) {
            if (s[j] == ',') { sep = 1; break; }
            if (len - j >= 3 && (memcmp(s + j, "\xef\xbc\x8c", 3) == 0 || memcmp(s + j, "\xe3\x80\x81", 3) == 0)) {
                sep = 3;
                break;
            }
            j++;
        }
        const char *t = s + i;
        size_t tl = j - i;
        text_trim(&t, &tl);
        if (tl) {
            if (!tag_ok(t, tl))
                return -1;
            int dupe = 0;
            for (int k = 0; k < n; k++)
                dupe |= seenlen[k] == tl && memcmp(seen[k], t, tl) == 0;
            if (!dupe) {
                if (n == WORK_TAGS_MAX)
                    return -1;
                seen[n] = t, seenlen[n] = tl, n++;
                if (fn)
                    fn(ctx, t, tl);
            }
        }
        if (!sep)
            break;
        i = j + sep;
    }
    return n;
}

int work_validate(const work_input_t *in, int creating, work_err_t *e)
{
    if (in->title || creating) {
        const char *t = in->title ? in->title : "";
        size_t n = strlen(t);
        if (!text_valid_line(t, n))
            return fail(e, "title", "work.err.title_bad", 422);
        text_trim(&t, &n);
        if (n == 0)
            return fail(e, "title", "work.err.title_empty", 422);
        if (text_chars(t, n) > WORK_TITLE_MAX)
            return fail(e, "title", "work.err.title_long", 422);
    }
    if (in->body) {
        size_t n = strlen(in->body);
        if (n > WORK_BODY_MAX)
            return fail(e, "body", "work.err.body_long", 413);
        if (!text_valid(in->body, n))
            return fail(e, "body", "work.err.body_bad", 422);
    }
    if (in->declaration && !declaration_find(in->declaration))
        return fail(e, "declaration", "work.err.declaration", 422);
    if ((in->tags || in->tags_list) && each_tag(in, NULL, NULL) < 0)
        return fail(e, "tags", "work.err.tags", 422);
    if (in->summary && work_summary_validate(in->summary) < 0)
        return fail(e, "summary", "work.err.summary", 422);
    if (in->cover && *in->cover && !work_cover_id_ok(in->cover))
        return fail(e, "cover", "work.err.cover", 422);
    return 0;
}

/* ---- writes ---- */

typedef struct {
    db_t *db;
    const char *id;
    buf_t *joined;
    int failed;
    int pos; /* tags keep the order the creator gave them */
} tag_ctx_t;

static void put_tag(void *vctx, const char *t, size_t n)
{
    tag_ctx_t *c = vctx;
    db_stmt_t *st = db_prepare(c->db, "INSERT INTO tags(work_id, tag, pos) VALUES (:id, :tag, :pos)");
    db_bind_text(st, ":id", c->id);
    db_bind_int(st, ":pos", c->pos++);
    db_bind_textn(st, ":tag", t, n);
    if (db_step(st) != DB_DONE)
        c->failed = 1;
    db_done(st);
    if (c->joined->len)
        buf_ch(c->joined, ',');
    buf_raw(c->joined, t, n);
}

static int replace_tags(db_t *db, const char *id, const work_input_t *in, buf_t *joined)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM tags WHERE work_id = :id");
    db_bind_text(st, ":id", id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    tag_ctx_t c = {db, id, joined, 0, 0};
    if (each_tag(in, put_tag, &c) < 0 || c.failed)
        return -1;
    return 0;
}

static int save_revision(db_t *db, const char *id, const char *tags_joined)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO revisions(work_id, rev, title, body, declaration, tags, created_at) "
                                   "SELECT id, rev, title, body, declaration, :tags, updated_at FROM works "
                                   "WHERE id = :id");
    db_bind_text(st, ":id", id);
    db_bind_text(st, ":tags", tags_joined);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

static char *trimmed(const char *s)
{
    size_t n = strlen(s);
    text_trim(&s, &n);
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* Finish a write: bring the search index in line with the work inside the
 * same transaction, commit, invalidate the page caches. */
static int finish(db_t *db, const char *id, work_err_t *e)
{
    if (search_sync(db, id) < 0) {
        db_rollback(db);
        return fail(e, NULL, "err.internal", 500);
    }
    /* Which media the body embeds: kept with the work, so media still used
     * by another work is known when one is deleted; and the AI label those
     * media carry becomes the work's explicit label (provenance.h). */
    const char *label = NULL;
    char before[16] = "none";
    db_stmt_t *st = db_prepare(db, "SELECT media_label FROM provenance WHERE work_id = :id");
    db_bind_text(st, ":id", id);
    if (db_step(st) == DB_ROW)
        snprintf(before, sizeof before, "%s", db_col_text(st, 0));
    db_done(st);
    char subj[48];
    snprintf(subj, sizeof subj, "work:%s", id);
    if (media_link_work(db, id) < 0 || !(label = media_work_ai_label(db, id)) ||
        provenance_set_media_label(db, id, label) < 0 ||
        fed_work_changed(db, id) < 0 || /* followers elsewhere are told (site/federation/federate.h) */
        (strcmp(before, label) != 0 &&
         audit_appendf(db, "system", "work.ai_label", subj, "AI label from the work's media: %s (was %s)", label,
                       before) < 0) ||
        db_commit(db) < 0) {
        db_rollback(db);
        return fail(e, NULL, "err.internal", 500);
    }
    changed_signal();
    return 0;
}

/* ---- originality (provenance/originality.h) ---- */

/* Refuse a 原创 claim for a text that copies: 422 naming the earlier work. */
/* A copy verdict goes into the audit log with the work's write (moderators
 * and the transparency of the platform's own automation rely on it). */
static int audit_copy(db_t *db, const char *id, const orig_result_t *res)
{
    if (res->n == 0)
        return 0;
    char subj[48];
    snprintf(subj, sizeof subj, "work:%s", id);
    return audit_appendf(db, "system", "work.copy", subj, "automated originality check: overlaps %s (%d per mille) "
                         "and %d more; source %s", res->m[0].id, res->m[0].score, res->n - 1, res->source_id);
}

static int refuse_copy(const orig_result_t *res, work_err_t *e)
{
    fail(e, "original", "work.err.not_original", 422);
    snprintf(e->other_id, sizeof e->other_id, "%s", res->source_id[0] ? res->source_id : res->m[0].id);
    return -1;
}

int work_create(db_t *db, int64_t author_id, const work_input_t *in, char id_out[WORK_ID_LEN + 1], work_err_t *e)
{
    return work_create_checked(db, author_id, in, NULL, NULL, id_out, e);
}

int work_create_checked(db_t *db, int64_t author_id, const work_input_t *in, const orig_result_t *pre,
                        const char *pre_hash, char id_out[WORK_ID_LEN + 1], work_err_t *e)
{
    if (work_validate(in, 1, e) < 0)
        return -1;
    int original = in->set_original && in->original;
    if (original) {
        orig_result_t res;
        const char *text = in->body ? in->body : "";
        char h[65];
        work_hash(text, h);
        if (pre && pre_hash && strcmp(pre_hash, h) == 0)
            res = *pre;
        else if (orig_check(db, NULL, author_id, 0, text, &res) < 0)
            return fail(e, NULL, "err.internal", 500);
        if (res.n)
            return refuse_copy(&res, e);
    }
    const char *decl = in->declaration ? in->declaration : "none";
    char *title = trimmed(in->title);
    const char *body = in->body ? in->body : "";
    char hash[65];
    work_hash(body, hash);
    int64_t t = now();
    buf_t tags = BUF_INIT;
    char *summary = trimmed(in->summary ? in->summary : "");
    if (in->cover && *in->cover && !work_cover_owned(db, author_id, in->cover)) {
        free(title);
        free(summary);
        return fail(e, "cover", "work.err.cover", 422);
    }
    if (db_begin(db) < 0) {
        free(title);
        free(summary);
        return fail(e, NULL, "err.internal", 503);
    }
    for (int attempt = 0;; attempt++) {
        unsigned char rnd[WORK_ID_LEN / 2];
        randombytes_buf(rnd, sizeof rnd);
        sodium_bin2hex(id_out, WORK_ID_LEN + 1, rnd, sizeof rnd);
        db_stmt_t *st = db_prepare(db, "INSERT INTO works(id, author_id, title, body, declaration, status, rev, "
                                       "content_hash, created_at, updated_at, original, summary, cover) VALUES (:id, "
                                       ":author, :title, :body, :decl, 'draft', 1, :hash, :t, :t, :orig, :summary, "
                                       ":cover)");
        db_bind_text(st, ":summary", summary);
        db_bind_text(st, ":cover", in->cover ? in->cover : "");
        db_bind_int(st, ":orig", original);
        db_bind_text(st, ":id", id_out);
        db_bind_int(st, ":author", author_id);
        db_bind_text(st, ":title", title);
        db_bind_text(st, ":body", body);
        db_bind_text(st, ":decl", decl);
        db_bind_text(st, ":hash", hash);
        db_bind_int(st, ":t", t);
        int rc = db_step(st);
        db_done(st);
        if (rc == DB_DONE)
            break;
        if (rc != DB_CONSTRAINT || attempt == 3) { /* a 64-bit id collision, retried */
            db_rollback(db);
            free(title);
            free(summary);
            return fail(e, NULL, "err.internal", 500);
        }
    }
    free(title);
    free(summary);
    if (replace_tags(db, id_out, in, &tags) < 0 || save_revision(db, id_out, buf_cstr(&tags)) < 0) {
        db_rollback(db);
        buf_free(&tags);
        return fail(e, NULL, "err.internal", 500);
    }
    buf_free(&tags);
    return finish(db, id_out, e);
}

int work_update_needs_check(const work_t *w, const work_input_t *in, const char **body, int64_t *before_seq)
{
    int original = in->set_original ? in->original : w->original;
    int published = strcmp(w->status, "published") == 0;
    int body_changed = in->body && strcmp(in->body, w->body) != 0;
    *body = in->body ? in->body : w->body;
    *before_seq = published ? w->prov.seq : 0;
    return (published && body_changed) || (original && (body_changed || !w->original));
}

int work_update(db_t *db, const char *id, const work_input_t *in, work_err_t *e)
{
    return work_update_checked(db, id, in, NULL, NULL, e);
}

int work_update_checked(db_t *db, const char *id, const work_input_t *in, const orig_result_t *pre,
                        const char *pre_hash, work_err_t *e)
{
    if (work_validate(in, 0, e) < 0)
        return -1;
    /* The originality check reads other works, so it runs before the write
     * lock is taken: a 原创 claim on a copy is refused, and a published
     * work's edited text is rechecked against works published before it. */
    work_t cur;
    int grc = work_get(db, id, &cur);
    if (grc <= 0)
        return fail(e, NULL, grc == 0 ? "work.err.not_found" : "err.internal", grc == 0 ? 404 : 500);
    int original = in->set_original ? in->original : cur.original;
    int recheck = strcmp(cur.status, "published") == 0 && in->body && strcmp(in->body, cur.body) != 0;
    orig_result_t res;
    const char *check_body;
    int64_t before_seq;
    if (work_update_needs_check(&cur, in, &check_body, &before_seq)) {
        char hash[65];
        work_hash(check_body, hash);
        if (pre && pre_hash && strcmp(pre_hash, hash) == 0) {
            res = *pre;
        } else if (orig_check(db, id, cur.author_id, before_seq, check_body, &res) < 0) {
            work_free(&cur);
            return fail(e, NULL, "err.internal", 500);
        }
        if (original && res.n) {
            work_free(&cur);
            return refuse_copy(&res, e);
        }
    }
    if (in->cover && *in->cover && !work_cover_owned(db, cur.author_id, in->cover)) {
        work_free(&cur);
        return fail(e, "cover", "work.err.cover", 422);
    }
    if (db_begin(db) < 0) {
        work_free(&cur);
        return fail(e, NULL, "err.internal", 503);
    }
    db_stmt_t *st = db_prepare(db, "UPDATE works SET title = coalesce(:title, title), body = coalesce(:body, body), "
                                   "declaration = coalesce(:decl, declaration), "
                                   "content_hash = coalesce(:hash, content_hash), rev = rev + 1, updated_at = :t, "
                                   "original = coalesce(:orig, original), summary = coalesce(:summary, summary), "
                                   "cover = coalesce(:cover, cover) "
                                   "WHERE id = :id AND status <> 'deleted'");
    char *summary = in->summary ? trimmed(in->summary) : NULL;
    db_bind_text(st, ":summary", summary);
    db_bind_text(st, ":cover", in->cover);
    if (in->set_original)
        db_bind_int(st, ":orig", in->original ? 1 : 0);
    else
        db_bind_null(st, ":orig");
    char *title = in->title ? trimmed(in->title) : NULL;
    char hash[65];
    if (in->body)
        work_hash(in->body, hash);
    db_bind_text(st, ":title", title);
    db_bind_text(st, ":body", in->body);
    db_bind_text(st, ":decl", in->declaration);
    db_bind_text(st, ":hash", in->body ? hash : NULL);
    db_bind_int(st, ":t", now());
    db_bind_text(st, ":id", id);
    int rc = db_step(st);
    db_done(st);
    free(title);
    free(summary);
    if (rc != DB_DONE || db_changes(db) != 1) {
        db_rollback(db);
        work_free(&cur);
        return fail(e, NULL, rc == DB_DONE ? "work.err.not_found" : "err.internal", rc == DB_DONE ? 404 : 500);
    }
    if (recheck && (orig_record(db, id, cur.author_id, cur.body, &res) < 0 || audit_copy(db, id, &res) < 0)) {
        db_rollback(db);
        work_free(&cur);
        return fail(e, NULL, "err.internal", 500);
    }
    work_free(&cur);
    buf_t tags = BUF_INIT;
    int ok;
    if (in->tags || in->tags_list) {
        ok = replace_tags(db, id, in, &tags) == 0;
    } else {
        st = db_prepare(db, "SELECT tag FROM tags WHERE work_id = :id ORDER BY pos");
        db_bind_text(st, ":id", id);
        while (db_step(st) == DB_ROW) {
            if (tags.len)
                buf_ch(&tags, ',');
            buf_rawz(&tags, db_col_text(st, 0));
        }
        db_done(st);
        ok = 1;
    }
    /* A real save: the editor's autosave of this work is spent (autosave.h). */
    st = db_prepare(db, "DELETE FROM autosaves WHERE work_id = :id");
    db_bind_text(st, ":id", id);
    if (db_step(st) != DB_DONE)
        ok = 0;
    db_done(st);
    if (!ok || save_revision(db, id, buf_cstr(&tags)) < 0) {
        db_rollback(db);
        buf_free(&tags);
        return fail(e, NULL, "err.internal", 500);
    }
    buf_free(&tags);
    return finish(db, id, e);
}

/* Move a work between states in one statement. from_sql restricts the
 * current state. */
static int transition_indexed(db_t *db, const char *id, const char *sql, const char *forget_body, int gone,
                              work_err_t *e)
{
    if (db_begin(db) < 0)
        return fail(e, NULL, "err.internal", 503);
    db_stmt_t *st = db_prepare(db, sql);
    db_bind_text(st, ":id", id);
    db_bind_int(st, ":t", now());
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE) {
        db_rollback(db);
        return fail(e, NULL, "err.internal", 500);
    }
    if (db_changes(db) != 1) {
        db_rollback(db);
        return fail(e, NULL, "work.err.not_found", 404);
    }
    if (forget_body && orig_forget(db, id, forget_body) < 0) {
        db_rollback(db);
        return fail(e, NULL, "err.internal", 500);
    }
    /* A deleted work leaves its collections, pins and schedule with it. */
    if (gone && coll_work_gone(db, id) < 0) {
        db_rollback(db);
        return fail(e, NULL, "err.internal", 500);
    }
    return finish(db, id, e);
}

static int transition(db_t *db, const char *id, const char *sql, int gone, work_err_t *e)
{
    /* A work that leaves the published state leaves the originality index
     * (it can no longer be anyone's source); its body is read first. */
    work_t w;
    int grc = work_get(db, id, &w);
    if (grc < 0)
        return fail(e, NULL, "err.internal", 500);
    char *indexed = grc == 1 && strcmp(w.status, "published") == 0 ? w.body : NULL;
    if (grc == 1)
        w.body = NULL;
    work_free(&w);
    int rc = transition_indexed(db, id, sql, indexed, gone, e);
    free(indexed);
    return rc;
}

int work_publish(db_t *db, const char *id, work_err_t *e)
{
    return work_publish_checked(db, id, NULL, NULL, e);
}

int work_publish_checked(db_t *db, const char *id, const orig_result_t *pre, const char *pre_hash, work_err_t *e)
{
    work_t w;
    int rc = work_get(db, id, &w);
    if (rc <= 0)
        return fail(e, NULL, rc == 0 ? "work.err.not_found" : "err.internal", rc == 0 ? 404 : 500);
    int taken = strcmp(w.status, "taken_down") == 0;
    const char *b = w.body;
    size_t bl = strlen(b);
    text_trim(&b, &bl);
    if (taken || bl == 0) {
        work_free(&w);
        return taken ? fail(e, NULL, "work.err.gone", 451) : fail(e, "body", "work.err.empty", 422);
    }
    /* Check against works published earlier (before this work's first
     * publication when it is republished), outside the write lock. */
    orig_result_t res;
    if (pre && pre_hash && strcmp(pre_hash, w.content_hash) == 0) {
        res = *pre;
    } else if (orig_check(db, id, w.author_id, w.prov.seq, w.body, &res) < 0) {
        work_free(&w);
        return fail(e, NULL, "err.internal", 500);
    }
    if (w.original && res.n) {
        work_free(&w);
        return refuse_copy(&res, e);
    }
    if (db_begin(db) < 0) {
        work_free(&w);
        return fail(e, NULL, "err.internal", 503);
    }
    db_stmt_t *st = db_prepare(db, "UPDATE works SET status = 'published', published_at = coalesce(published_at, :t), "
                                   "updated_at = :t WHERE id = :id AND status IN ('draft','published')");
    db_bind_text(st, ":id", id);
    db_bind_int(st, ":t", now());
    rc = db_step(st);
    db_done(st);
    int ok = rc == DB_DONE && db_changes(db) == 1;
    if (ok && (orig_record(db, id, w.author_id, strcmp(w.status, "published") == 0 ? w.body : NULL, &res) < 0 ||
               audit_copy(db, id, &res) < 0 ||
               /* first publication: mail the subscribers, later (newsletter.h) */
               (!w.published_at && newsletter_schedule(db, w.author_id) < 0)))
        rc = DB_ERROR, ok = 0;
    work_free(&w);
    if (!ok) {
        db_rollback(db);
        return rc == DB_DONE ? fail(e, NULL, "work.err.not_found", 404) : fail(e, NULL, "err.internal", 500);
    }
    return finish(db, id, e);
}

int work_unpublish(db_t *db, const char *id, work_err_t *e)
{
    return transition(db, id,
                      "UPDATE works SET status = 'draft', updated_at = :t WHERE id = :id AND status = 'published'",
                      0, e);
}

int work_delete(db_t *db, const char *id, work_err_t *e)
{
    return transition(db, id,
                      "UPDATE works SET status = 'deleted', updated_at = :t WHERE id = :id AND status <> 'deleted'",
                      1, e);
}

int work_find_by_hash(db_t *db, const char *hash, char id_out[WORK_ID_LEN + 1])
{
    db_stmt_t *st = db_prepare(db, "SELECT id FROM works WHERE content_hash = :h AND status <> 'deleted' LIMIT 1");
    db_bind_text(st, ":h", hash);
    int found = db_step(st) == DB_ROW;
    if (found)
        snprintf(id_out, WORK_ID_LEN + 1, "%s", db_col_text(st, 0));
    db_done(st);
    return found;
}

/* ---- listing ---- */

int work_list(db_t *db, const work_query_t *q, work_list_t *out)
{
    memset(out, 0, sizeof(*out));
    int limit = q->limit < 1 ? 20 : q->limit > 100 ? 100 : q->limit;
    db_stmt_t *st;
    /* One statement per shape keeps every query a cached, indexed plan. The
     * cursor is (time, id) so equal timestamps never skip or repeat works. */
    if (q->include_drafts) {
        st = db_prepare(db, "SELECT " WORK_COLS " FROM works w JOIN users u ON u.id = w.author_id "
                            "WHERE w.author_id = :aid AND w.status <> 'deleted' "
                            "AND (:before = 0 OR w.updated_at < :before OR (w.updated_at = :before AND w.id < :bid)) "
                            "ORDER BY w.updated_at DESC, w.id DESC LIMIT :lim");
        db_bind_int(st, ":aid", q->author_id);
    } else if (q->tag) {
        st = db_prepare(db, "SELECT " WORK_COLS " FROM tags t JOIN works w ON w.id = t.work_id "
                            "JOIN users u ON u.id = w.author_id WHERE t.tag = :tag AND w.status = 'published' "
                            "AND (:author IS NULL OR u.handle = :author) "
                            "AND (:before = 0 OR w.published_at < :before OR (w.published_at = :before AND w.id < :bid)) "
                            "ORDER BY w.published_at DESC, w.id DESC LIMIT :lim");
        db_bind_text(st, ":tag", q->tag);
        db_bind_text(st, ":author", q->author);
    } else {
        st = db_prepare(db, "SELECT " WORK_COLS " FROM works w JOIN users u ON u.id = w.author_id "
                            "WHERE w.status = 'published' AND (:author IS NULL OR u.handle = :author) "
                            "AND (:before = 0 OR w.published_at < :before OR (w.published_at = :before AND w.id < :bid)) "
                            "ORDER BY w.published_at DESC, w.id DESC LIMIT :lim");
        db_bind_text(st, ":author", q->author);
    }
    db_bind_int(st, ":before", q->before);
    db_bind_text(st, ":bid", q->before_id ? q->before_id : "\x7f");
    db_bind_int(st, ":lim", limit + 1);
    out->items = xcalloc((size_t)limit + 1, sizeof(work_t));
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (out->n == limit) {
            out->more = 1;
            break;
        }
        fill(st, &out->items[out->n++]);
    }
    db_done(st);
    if (rc == DB_ERROR) {
        work_list_free(out);
        return -1;
    }
    for (int i = 0; i < out->n; i++) {
        load_tags(db, &out->items[i]);
        provenance_load(db, out->items[i].id, out->items[i].declaration->code, &out->items[i].prov);
    }
    return 0;
}

/* ":i00,...,:i24" (as provenance.c): one cached plan for any batch of up
 * to ID_CHUNK, under the PostgreSQL driver's 32 parameters a statement. */
#define IDS5(d) ":i" #d "0,:i" #d "1,:i" #d "2,:i" #d "3,:i" #d "4"
#define IDS5B(d) ":i" #d "5,:i" #d "6,:i" #d "7,:i" #d "8,:i" #d "9"
#define IDS25 IDS5(0) "," IDS5B(0) "," IDS5(1) "," IDS5B(1) "," IDS5(2)
#define ID_CHUNK 25

static void bind_ids(db_stmt_t *st, const char *const *ids, int n)
{
    for (int i = 0; i < ID_CHUNK; i++) {
        char name[16];
        snprintf(name, sizeof name, ":i%02d", i);
        db_bind_text(st, name, i < n ? ids[i] : "");
    }
}

/* Rows of ids[0..n) (n <= ID_CHUNK) into found[i] by id. 0 or -1. */
static int load_rows(db_t *db, const char *const *ids, int n, int published_only, work_t *found)
{
    db_stmt_t *st = db_prepare(db, published_only ? "SELECT " WORK_COLS " FROM works w JOIN users u ON u.id = w.author_id "
                                                    "WHERE w.id IN (" IDS25 ") AND w.status = 'published'"
                                                  : "SELECT " WORK_COLS " FROM works w JOIN users u ON u.id = w.author_id "
                                                    "WHERE w.id IN (" IDS25 ") AND w.status <> 'deleted'");
    bind_ids(st, ids, n);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *id = db_col_text(st, 0);
        for (int i = 0; i < n; i++)
            if (!found[i].id[0] && strcmp(ids[i], id) == 0) {
                fill(st, &found[i]);
                break;
            }
    }
    db_done(st);
    return rc == DB_ERROR ? -1 : 0;
}

/* Tags and provenance of ws[0..n) (n <= ID_CHUNK). 0 or -1. */
static int load_extras(db_t *db, work_t *ws, int n)
{
    const char *ids[ID_CHUNK], *codes[ID_CHUNK];
    provenance_t prov[ID_CHUNK];
    for (int i = 0; i < n; i++) {
        ids[i] = ws[i].id;
        codes[i] = ws[i].declaration->code;
    }
    db_stmt_t *st = db_prepare(db, "SELECT work_id, tag FROM tags WHERE work_id IN (" IDS25 ") ORDER BY work_id, pos");
    bind_ids(st, ids, n);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *id = db_col_text(st, 0);
        for (int i = 0; i < n; i++) {
            work_t *w = &ws[i];
            if (strcmp(w->id, id) != 0)
                continue;
            if (w->ntags < WORK_TAGS_MAX) {
                if (!w->tags)
                    w->tags = xcalloc(WORK_TAGS_MAX, sizeof(char *));
                w->tags[w->ntags++] = xdup(db_col_text(st, 1));
            }
            break;
        }
    }
    db_done(st);
    if (rc == DB_ERROR || provenance_load_many(db, n, ids, codes, prov) < 0)
        return -1;
    for (int i = 0; i < n; i++)
        ws[i].prov = prov[i];
    return 0;
}

int work_list_ids(db_t *db, const char *const *ids, int n, int published_only, work_list_t *out)
{
    memset(out, 0, sizeof(*out));
    if (n < 0 || n > WORK_IDS_MAX)
        return -1;
    out->items = xcalloc((size_t)(n ? n : 1), sizeof(work_t));
    /* The rows come in any order; each goes to the place of its id. */
    work_t *found = xcalloc((size_t)(n ? n : 1), sizeof(work_t));
    int bad = 0;
    for (int off = 0; off < n && !bad; off += ID_CHUNK)
        bad = load_rows(db, ids + off, n - off < ID_CHUNK ? n - off : ID_CHUNK, published_only, found + off) < 0;
    for (int i = 0; i < n; i++) {
        if (found[i].id[0])
            out->items[out->n++] = found[i]; /* moved: out owns it now */
    }
    free(found);
    for (int off = 0; off < out->n && !bad; off += ID_CHUNK)
        bad = load_extras(db, out->items + off, out->n - off < ID_CHUNK ? out->n - off : ID_CHUNK) < 0;
    if (bad) {
        work_list_free(out);
        return -1;
    }
    return 0;
}

void work_list_free(work_list_t *l)
{
    for (int i = 0; i < l->n; i++)
        work_free(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void work_excerpt(const char *body, size_t max_chars, buf_t *out)
{
    buf_t text = BUF_INIT;
    md_to_text(body, strlen(body), &text);
    /* Fold paragraph breaks into spaces for a one-paragraph summary. */
    const char *s = buf_cstr(&text);
    size_t n = text.len;
    text_trim(&s, &n);
    size_t cut = text_prefix(s, n, max_chars);
    for (size_t i = 0; i < cut; i++) {
        if (s[i] == '\n') {
            if (i + 1 < cut && s[i + 1] == '\n')
                continue;
            buf_ch(out, ' ');
        } else {
            buf_ch(out, s[i]);
        }
    }
    if (cut < n)
        buf_rawz(out, "…");
    buf_free(&text);
}
