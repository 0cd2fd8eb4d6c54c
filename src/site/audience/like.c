/*
 * like.c — see like.h.
 */
#include "site/audience/like.h"

#include <stdio.h>
#include <string.h>

#include "site/audience/notify.h"

/* The two kinds of target, as SQL: the like row, the counter, the count. */
typedef struct {
    const char *insert, *remove, *count_up, *count_down, *read;
} target_sql_t;

static const target_sql_t work_sql = {
    "INSERT INTO work_likes(user_id, work_id, created_at) VALUES (:u, :t, :now) ON CONFLICT DO NOTHING",
    "DELETE FROM work_likes WHERE user_id = :u AND work_id = :t",
    "UPDATE works SET likes_count = likes_count + 1 WHERE id = :t",
    "UPDATE works SET likes_count = likes_count - 1 WHERE id = :t",
    "SELECT likes_count FROM works WHERE id = :t",
};

static const target_sql_t comment_sql = {
    "INSERT INTO comment_likes(user_id, comment_id, created_at) VALUES (:u, :t, :now) ON CONFLICT DO NOTHING",
    "DELETE FROM comment_likes WHERE user_id = :u AND comment_id = :t",
    "UPDATE comments SET likes = likes + 1 WHERE id = :t",
    "UPDATE comments SET likes = likes - 1 WHERE id = :t",
    "SELECT likes FROM comments WHERE id = :t",
};

static void bind_target(db_stmt_t *st, const char *text_id, int64_t int_id)
{
    if (text_id)
        db_bind_text(st, ":t", text_id);
    else
        db_bind_int(st, ":t", int_id);
}

/* Inside the transaction: add or remove the row; when it changed, move the
 * counter (and on a like, notify owner). *likes gets the count after. */
static int toggle(db_t *db, const target_sql_t *q, const aud_actor_t *a, const char *text_id, int64_t int_id, int on,
                  int64_t owner, const char *work_id, int64_t comment_id, int64_t *likes)
{
    db_stmt_t *st = db_prepare(db, on ? q->insert : q->remove);
    db_bind_int(st, ":u", a->user_id);
    bind_target(st, text_id, int_id);
    if (on)
        db_bind_int(st, ":now", a->now);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    if (db_changes(db) == 1) {
        st = db_prepare(db, on ? q->count_up : q->count_down);
        bind_target(st, text_id, int_id);
        rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE)
            return -1;
        if (on && notify_add(db, owner, "like", a->user_id, work_id, comment_id, NULL, a->now) < 0)
            return -1;
    }
    st = db_prepare(db, q->read);
    bind_target(st, text_id, int_id);
    rc = db_step(st);
    *likes = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return rc == DB_ROW ? 0 : -1;
}

/* Run toggle in its own transaction. */
static int toggle_tx(db_t *db, const target_sql_t *q, const aud_actor_t *a, const char *text_id, int64_t int_id, int on,
                     int64_t owner, const char *work_id, int64_t comment_id, int64_t *likes, aud_err_t *e)
{
    if (db_begin(db) < 0)
        return aud_fail(e, 503, "busy", "err.internal", NULL);
    if (toggle(db, q, a, text_id, int_id, on, owner, work_id, comment_id, likes) < 0 || db_commit(db) < 0) {
        db_rollback(db);
        return aud_fail(e, 500, "internal", "err.internal", NULL);
    }
    return 0;
}

int like_work(db_t *db, const aud_actor_t *a, const char *work_id, int on, int64_t *likes, aud_err_t *e)
{
    *likes = 0;
    aud_user_t u;
    aud_work_t w;
    if (aud_actor(db, a, &u, e) < 0 || aud_work_live(db, work_id, &w, e) < 0)
        return -1;
    return toggle_tx(db, &work_sql, a, w.id, 0, on, w.author_id, w.id, 0, likes, e);
}

int like_comment(db_t *db, const aud_actor_t *a, int64_t comment_id, int on, int64_t *likes, aud_err_t *e)
{
    *likes = 0;
    aud_user_t u;
    if (aud_actor(db, a, &u, e) < 0)
        return -1;
    db_stmt_t *st = db_prepare(db, "SELECT work_id, author_id, status FROM comments WHERE id = :id");
    db_bind_int(st, ":id", comment_id);
    int rc = db_step(st);
    char work_id[WORK_ID_LEN + 1] = "";
    int64_t author = 0;
    int published = 0;
    if (rc == DB_ROW) {
        snprintf(work_id, sizeof work_id, "%s", db_col_text(st, 0));
        author = db_col_int(st, 1);
        published = strcmp(db_col_text(st, 2), "published") == 0;
    }
    db_done(st);
    if (rc == DB_ERROR)
        return aud_fail(e, 500, "internal", "err.internal", NULL);
    if (!published)
        return aud_fail(e, 404, "not_found", "comment.err.not_found", NULL);
    aud_work_t w;
    if (aud_work_live(db, work_id, &w, e) < 0)
        return -1;
    return toggle_tx(db, &comment_sql, a, NULL, comment_id, on, author, w.id, comment_id, likes, e);
}

int like_work_has(db_t *db, int64_t user, const char *work_id)
{
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM work_likes WHERE user_id = :u AND work_id = :w");
    db_bind_int(st, ":u", user);
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}
