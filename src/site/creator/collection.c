/*
 * collection.c — collections (合集), the domain. See collection.h. Part of
 * the creator tools (site/creator/); the caller's connection and thread.
 */
#include "site/creator/collection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/changed.h"
#include "core/clock.h"
#include "core/text.h"

int coll_get(db_t *db, int64_t id, coll_t *c)
{
    memset(c, 0, sizeof *c);
    db_stmt_t *st = db_prepare(db, "SELECT c.id, c.author_id, c.title, c.description, c.cover, c.created_at, "
                                   "c.updated_at, u.handle, u.display_name FROM collections c "
                                   "JOIN users u ON u.id = c.author_id WHERE c.id = :id");
    db_bind_int(st, ":id", id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        c->id = db_col_int(st, 0);
        c->author_id = db_col_int(st, 1);
        snprintf(c->title, sizeof c->title, "%s", db_col_text(st, 2));
        c->description = strdup(db_col_text(st, 3));
        snprintf(c->cover, sizeof c->cover, "%s", db_col_text(st, 4));
        c->created_at = db_col_int(st, 5);
        c->updated_at = db_col_int(st, 6);
        snprintf(c->author_handle, sizeof c->author_handle, "%s", db_col_text(st, 7));
        snprintf(c->author_name, sizeof c->author_name, "%s", db_col_text(st, 8));
    }
    db_done(st);
    if (rc == DB_ROW && !c->description)
        return -1;
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

void coll_free(coll_t *c)
{
    free(c->description);
    c->description = NULL;
}

/* Validate the fields given (NULL: not given). 0 or -1 with e. */
static int validate(db_t *db, int64_t author_id, const char *title, const char *desc, const char *cover, cr_err_t *e)
{
    if (title) {
        const char *t = title;
        size_t n = strlen(t);
        text_trim(&t, &n);
        if (n == 0 || !text_valid_line(t, n) || text_chars(t, n) > COLL_TITLE_MAX)
            return cr_fail(e, 422, "invalid", "creator.coll.err.title");
    }
    if (desc && text_chars(desc, strlen(desc)) > COLL_DESC_MAX)
        return cr_fail(e, 422, "invalid", "creator.coll.err.description");
    if (cover && *cover) {
        db_stmt_t *st = db_prepare(db, "SELECT 1 FROM media WHERE id = :m AND owner_id = :a AND kind = 'image'");
        db_bind_text(st, ":m", cover);
        db_bind_int(st, ":a", author_id);
        int rc = db_step(st);
        db_done(st);
        if (rc == DB_ERROR)
            return cr_fail(e, 500, "internal", "err.internal");
        if (rc != DB_ROW)
            return cr_fail(e, 422, "invalid", "creator.coll.err.cover");
    }
    return 0;
}

/* The author of collection id: 0 ok, or -1 with e (404, 403). */
static int owned(db_t *db, int64_t id, int64_t author_id, cr_err_t *e)
{
    db_stmt_t *st = db_prepare(db, "SELECT author_id FROM collections WHERE id = :id");
    db_bind_int(st, ":id", id);
    int rc = db_step(st);
    int64_t a = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc == DB_ERROR)
        return cr_fail(e, 500, "internal", "err.internal");
    if (rc != DB_ROW)
        return cr_fail(e, 404, "not_found", "creator.coll.err.not_found");
    return a == author_id ? 0 : cr_fail(e, 403, "forbidden", "creator.coll.err.not_yours");
}

/* A work that may join author's collection: 0, or -1 with e. */
static int joinable(db_t *db, int64_t author_id, const char *work_id, cr_err_t *e)
{
    db_stmt_t *st = db_prepare(db, "SELECT author_id, status FROM works WHERE id = :w");
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    int64_t a = 0;
    char status[16] = "";
    if (rc == DB_ROW) {
        a = db_col_int(st, 0);
        snprintf(status, sizeof status, "%s", db_col_text(st, 1));
    }
    db_done(st);
    if (rc == DB_ERROR)
        return cr_fail(e, 500, "internal", "err.internal");
    if (rc != DB_ROW || strcmp(status, "deleted") == 0)
        return cr_fail(e, 422, "unknown_work", "creator.coll.err.unknown_work");
    if (a != author_id)
        return cr_fail(e, 422, "foreign_work", "creator.coll.err.foreign_work");
    if (strcmp(status, "taken_down") == 0)
        return cr_fail(e, 422, "taken_down", "work.err.gone");
    return 0;
}

static int step_done(db_stmt_t *st)
{
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

static int touch(db_t *db, int64_t id)
{
    db_stmt_t *st = db_prepare(db, "UPDATE collections SET updated_at = :t WHERE id = :id");
    db_bind_int(st, ":t", clock_now());
    db_bind_int(st, ":id", id);
    return step_done(st);
}

/* Commit (after touching the collection) and signal, or roll back: 0/-1. */
static int commit(db_t *db, int64_t id, int ok, cr_err_t *e)
{
    if (!ok || (id && touch(db, id) < 0) || db_commit(db) < 0) {
        db_rollback(db);
        return e->status ? -1 : cr_fail(e, 500, "internal", "err.internal");
    }
    changed_signal();
    return 0;
}

int coll_create(db_t *db, int64_t author_id, const char *title, const char *desc, const char *cover, int64_t *id,
                cr_err_t *e)
{
    *e = (cr_err_t){0};
    if (!title)
        return cr_fail(e, 422, "invalid", "creator.coll.err.title");
    if (validate(db, author_id, title, desc, cover, e) < 0)
        return -1;
    const char *t = title;
    size_t tn = strlen(t);
    text_trim(&t, &tn);
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM collections WHERE author_id = :a");
    db_bind_int(st, ":a", author_id);
    int64_t have = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    if (have < 0 || have >= COLL_PER_AUTHOR_MAX) {
        db_rollback(db);
        return have < 0 ? cr_fail(e, 500, "internal", "err.internal") : cr_fail(e, 409, "too_many", "creator.coll.err.too_many");
    }
    st = db_prepare(db, "INSERT INTO collections(author_id, title, description, cover, created_at, updated_at) "
                        "VALUES (:a, :t, :d, :c, :now, :now) RETURNING id");
    db_bind_int(st, ":a", author_id);
    char *tt = strndup(t, tn);
    db_bind_text(st, ":t", tt);
    db_bind_text(st, ":d", desc ? desc : "");
    db_bind_text(st, ":c", cover ? cover : "");
    db_bind_int(st, ":now", clock_now());
    int rc = db_step(st);
    if (rc == DB_ROW)
        *id = db_col_int(st, 0);
    db_done(st);
    free(tt);
    return commit(db, 0, rc == DB_ROW, e);
}

int coll_update(db_t *db, int64_t id, int64_t author_id, const char *title, const char *desc, const char *cover,
                cr_err_t *e)
{
    *e = (cr_err_t){0};
    if (owned(db, id, author_id, e) < 0 || validate(db, author_id, title, desc, cover, e) < 0)
        return -1;
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    char *tt = NULL;
    if (title) {
        const char *t = title;
        size_t tn = strlen(t);
        text_trim(&t, &tn);
        tt = strndup(t, tn);
    }
    db_stmt_t *st = db_prepare(db, "UPDATE collections SET title = coalesce(:t, title), "
                                   "description = coalesce(:d, description), cover = coalesce(:c, cover) WHERE id = :id");
    if (tt)
        db_bind_text(st, ":t", tt);
    else
        db_bind_null(st, ":t");
    if (desc)
        db_bind_text(st, ":d", desc);
    else
        db_bind_null(st, ":d");
    if (cover)
        db_bind_text(st, ":c", cover);
    else
        db_bind_null(st, ":c");
    db_bind_int(st, ":id", id);
    int ok = step_done(st) == 0;
    free(tt);
    return commit(db, id, ok, e);
}

int coll_delete(db_t *db, int64_t id, int64_t author_id, cr_err_t *e)
{
    *e = (cr_err_t){0};
    if (owned(db, id, author_id, e) < 0)
        return -1;
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "DELETE FROM collection_works WHERE collection_id = :id");
    db_bind_int(st, ":id", id);
    int ok = step_done(st) == 0;
    if (ok) {
        st = db_prepare(db, "DELETE FROM collections WHERE id = :id");
        db_bind_int(st, ":id", id);
        ok = step_done(st) == 0;
    }
    return commit(db, 0, ok, e);
}

int coll_add(db_t *db, int64_t id, int64_t author_id, const char *work_id, cr_err_t *e)
{
    *e = (cr_err_t){0};
    if (owned(db, id, author_id, e) < 0 || joinable(db, author_id, work_id, e) < 0)
        return -1;
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "SELECT count(*), coalesce(max(position), 0), "
                                   "sum(CASE WHEN work_id = :w THEN 1 ELSE 0 END) FROM collection_works WHERE collection_id = :id");
    db_bind_int(st, ":id", id);
    db_bind_text(st, ":w", work_id);
    int64_t n = -1, maxpos = 0, already = 0;
    if (db_step(st) == DB_ROW) {
        n = db_col_int(st, 0);
        maxpos = db_col_int(st, 1);
        already = db_col_int(st, 2);
    }
    db_done(st);
    if (n < 0 || already) {
        db_rollback(db);
        return n < 0 ? cr_fail(e, 500, "internal", "err.internal") : 0;
    }
    if (n >= COLL_WORKS_MAX) {
        db_rollback(db);
        return cr_fail(e, 409, "too_many_works", "creator.coll.err.too_many_works");
    }
    st = db_prepare(db, "INSERT INTO collection_works(collection_id, work_id, position, added_at) VALUES (:id, :w, :p, :t)");
    db_bind_int(st, ":id", id);
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":p", maxpos + 1);
    db_bind_int(st, ":t", clock_now());
    return commit(db, id, step_done(st) == 0, e);
}

int coll_remove(db_t *db, int64_t id, int64_t author_id, const char *work_id, cr_err_t *e)
{
    *e = (cr_err_t){0};
    if (owned(db, id, author_id, e) < 0)
        return -1;
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "DELETE FROM collection_works WHERE collection_id = :id AND work_id = :w");
    db_bind_int(st, ":id", id);
    db_bind_text(st, ":w", work_id);
    int ok = step_done(st) == 0;
    if (ok && db_changes(db) != 1) {
        db_rollback(db);
        return cr_fail(e, 404, "not_member", "creator.coll.err.not_member");
    }
    return commit(db, id, ok, e);
}

int coll_move(db_t *db, int64_t id, int64_t author_id, const char *work_id, int dir, cr_err_t *e)
{
    *e = (cr_err_t){0};
    if (owned(db, id, author_id, e) < 0)
        return -1;
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "SELECT position FROM collection_works WHERE collection_id = :id AND work_id = :w");
    db_bind_int(st, ":id", id);
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    int64_t pos = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc != DB_ROW) {
        db_rollback(db);
        return rc == DB_DONE ? cr_fail(e, 404, "not_member", "creator.coll.err.not_member")
                             : cr_fail(e, 500, "internal", "err.internal");
    }
    /* The neighbour in that direction (positions may have gaps). */
    st = db_prepare(db, dir < 0 ? "SELECT work_id, position FROM collection_works WHERE collection_id = :id "
                                  "AND position < :p ORDER BY position DESC LIMIT 1"
                                : "SELECT work_id, position FROM collection_works WHERE collection_id = :id "
                                  "AND position > :p ORDER BY position LIMIT 1");
    db_bind_int(st, ":id", id);
    db_bind_int(st, ":p", pos);
    char other[WORK_ID_LEN + 1] = "";
    int64_t opos = 0;
    rc = db_step(st);
    if (rc == DB_ROW) {
        snprintf(other, sizeof other, "%s", db_col_text(st, 0));
        opos = db_col_int(st, 1);
    }
    db_done(st);
    if (rc == DB_ERROR) {
        db_rollback(db);
        return cr_fail(e, 500, "internal", "err.internal");
    }
    if (!other[0]) { /* already first or last */
        db_rollback(db);
        return 0;
    }
    int ok = 1;
    const char *w[2] = {work_id, other};
    int64_t p[2] = {opos, pos};
    for (int i = 0; i < 2 && ok; i++) {
        st = db_prepare(db, "UPDATE collection_works SET position = :p WHERE collection_id = :id AND work_id = :w");
        db_bind_int(st, ":p", p[i]);
        db_bind_int(st, ":id", id);
        db_bind_text(st, ":w", w[i]);
        ok = step_done(st) == 0;
    }
    return commit(db, id, ok, e);
}

int coll_set(db_t *db, int64_t id, int64_t author_id, const char *const *ids, int n, cr_err_t *e)
{
    *e = (cr_err_t){0};
    if (owned(db, id, author_id, e) < 0)
        return -1;
    if (n > COLL_WORKS_MAX)
        return cr_fail(e, 409, "too_many_works", "creator.coll.err.too_many_works");
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++)
            if (strcmp(ids[i], ids[j]) == 0)
                return cr_fail(e, 422, "duplicate_work", "creator.coll.err.duplicate");
        if (joinable(db, author_id, ids[i], e) < 0)
            return -1;
    }
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    int64_t now = clock_now();
    /* Members that stay keep when they were added. */
    db_stmt_t *st = db_prepare(db, "UPDATE collection_works SET position = -position WHERE collection_id = :id");
    db_bind_int(st, ":id", id);
    int ok = step_done(st) == 0;
    for (int i = 0; i < n && ok; i++) {
        st = db_prepare(db, "INSERT INTO collection_works(collection_id, work_id, position, added_at) "
                            "VALUES (:id, :w, :p, :t) ON CONFLICT(collection_id, work_id) DO UPDATE SET position = excluded.position");
        db_bind_int(st, ":id", id);
        db_bind_text(st, ":w", ids[i]);
        db_bind_int(st, ":p", i + 1);
        db_bind_int(st, ":t", now);
        ok = step_done(st) == 0;
    }
    if (ok) {
        st = db_prepare(db, "DELETE FROM collection_works WHERE collection_id = :id AND position <= 0");
        db_bind_int(st, ":id", id);
        ok = step_done(st) == 0;
    }
    return commit(db, id, ok, e);
}

int coll_set_for_work(db_t *db, int64_t author_id, const char *work_id, const int64_t *cids, int n, cr_err_t *e)
{
    *e = (cr_err_t){0};
    if (joinable(db, author_id, work_id, e) < 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (owned(db, cids[i], author_id, e) < 0)
            return -1;
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    int64_t now = clock_now();
    /* Out of the author's collections not named... */
    db_stmt_t *st = db_prepare(db, "SELECT cw.collection_id FROM collection_works cw JOIN collections c "
                                   "ON c.id = cw.collection_id WHERE cw.work_id = :w AND c.author_id = :a");
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":a", author_id);
    int64_t in[COLL_PER_AUTHOR_MAX];
    int nin = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && nin < COLL_PER_AUTHOR_MAX)
        in[nin++] = db_col_int(st, 0);
    db_done(st);
    int ok = rc != DB_ERROR;
    for (int i = 0; i < nin && ok; i++) {
        int keep = 0;
        for (int j = 0; j < n; j++)
            keep |= cids[j] == in[i];
        if (keep)
            continue;
        st = db_prepare(db, "DELETE FROM collection_works WHERE collection_id = :c AND work_id = :w");
        db_bind_int(st, ":c", in[i]);
        db_bind_text(st, ":w", work_id);
        ok = step_done(st) == 0 && touch(db, in[i]) == 0;
    }
    /* ...and at the end of those named that do not hold it yet. */
    for (int j = 0; j < n && ok; j++) {
        int have = 0;
        for (int i = 0; i < nin; i++)
            have |= cids[j] == in[i];
        if (have)
            continue;
        st = db_prepare(db, "SELECT count(*), coalesce(max(position), 0) FROM collection_works WHERE collection_id = :c");
        db_bind_int(st, ":c", cids[j]);
        int64_t cnt = -1, maxpos = 0;
        if (db_step(st) == DB_ROW) {
            cnt = db_col_int(st, 0);
            maxpos = db_col_int(st, 1);
        }
        db_done(st);
        if (cnt < 0 || cnt >= COLL_WORKS_MAX) {
            ok = 0;
            if (cnt >= 0)
                cr_fail(e, 409, "too_many_works", "creator.coll.err.too_many_works");
            break;
        }
        st = db_prepare(db, "INSERT INTO collection_works(collection_id, work_id, position, added_at) VALUES (:c, :w, :p, :t)");
        db_bind_int(st, ":c", cids[j]);
        db_bind_text(st, ":w", work_id);
        db_bind_int(st, ":p", maxpos + 1);
        db_bind_int(st, ":t", now);
        ok = step_done(st) == 0 && touch(db, cids[j]) == 0;
    }
    return commit(db, 0, ok, e);
}

int coll_members(db_t *db, int64_t id, int published_only, char (*ids)[WORK_ID_LEN + 1])
{
    db_stmt_t *st = db_prepare(db, published_only
                                       ? "SELECT cw.work_id FROM collection_works cw JOIN works w ON w.id = cw.work_id "
                                         "WHERE cw.collection_id = :id AND w.status = 'published' ORDER BY cw.position"
                                       : "SELECT cw.work_id FROM collection_works cw JOIN works w ON w.id = cw.work_id "
                                         "WHERE cw.collection_id = :id AND w.status IN ('draft','published') "
                                         "ORDER BY cw.position");
    db_bind_int(st, ":id", id);
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < COLL_WORKS_MAX)
        snprintf(ids[n++], WORK_ID_LEN + 1, "%s", db_col_text(st, 0));
    db_done(st);
    return rc == DB_ERROR ? -1 : n;
}

int coll_work_gone(db_t *db, const char *work_id)
{
    static const char *const sql[] = {
        "DELETE FROM collection_works WHERE work_id = :w",
        "DELETE FROM creator_pins WHERE work_id = :w",
        ("UPDATE creator_schedules SET state = 'cancelled', result = 'cancelled: the work was deleted or taken down' "
         "WHERE work_id = :w AND state = 'pending'"),
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        db_stmt_t *st = db_prepare(db, sql[i]);
        db_bind_text(st, ":w", work_id);
        if (step_done(st) < 0)
            return -1;
    }
    return 0;
}
