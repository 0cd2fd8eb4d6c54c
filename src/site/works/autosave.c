/*
 * autosave.c — see autosave.h. Owned by the reading part.
 */
#include "site/works/autosave.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/text.h"
#include "site/works/work.h"

static int field_ok(const char *s, size_t max_bytes)
{
    size_t n = s ? strlen(s) : 0;
    return n <= max_bytes && text_valid(s ? s : "", n);
}

int autosave_put(db_t *db, int64_t user_id, const char *work_id, const autosave_t *a)
{
    /* Bytes, generously: a title of WORK_TITLE_MAX characters of up to 4
     * bytes each, and so on. */
    if (!field_ok(a->title, WORK_TITLE_MAX * 4 + 64) || !field_ok(a->body, WORK_BODY_MAX) ||
        !field_ok(a->declaration, 64) || !field_ok(a->tags, (WORK_TAG_MAX * 4 + 8) * WORK_TAGS_MAX) ||
        !field_ok(a->summary, WORK_SUMMARY_MAX * 4 + 64) || strlen(work_id) > WORK_ID_LEN)
        return -2;
    db_stmt_t *st = db_prepare(db, "INSERT INTO autosaves(user_id, work_id, title, body, declaration, tags, summary, "
                                   "saved_at) VALUES (:u, :w, :title, :body, :decl, :tags, :summary, :t) "
                                   "ON CONFLICT (user_id, work_id) DO UPDATE SET title = excluded.title, "
                                   "body = excluded.body, declaration = excluded.declaration, tags = excluded.tags, "
                                   "summary = excluded.summary, saved_at = excluded.saved_at");
    db_bind_int(st, ":u", user_id);
    db_bind_text(st, ":w", work_id);
    db_bind_text(st, ":title", a->title ? a->title : "");
    db_bind_text(st, ":body", a->body ? a->body : "");
    db_bind_text(st, ":decl", a->declaration ? a->declaration : "");
    db_bind_text(st, ":tags", a->tags ? a->tags : "");
    db_bind_text(st, ":summary", a->summary ? a->summary : "");
    db_bind_int(st, ":t", a->saved_at ? a->saved_at : (int64_t)time(NULL));
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

int autosave_get(db_t *db, int64_t user_id, const char *work_id, autosave_t *a)
{
    memset(a, 0, sizeof *a);
    db_stmt_t *st = db_prepare(db, "SELECT title, body, declaration, tags, summary, saved_at FROM autosaves "
                                   "WHERE user_id = :u AND work_id = :w");
    db_bind_int(st, ":u", user_id);
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        a->title = xstrdup(db_col_text(st, 0));
        a->body = xstrdup(db_col_text(st, 1));
        a->declaration = xstrdup(db_col_text(st, 2));
        a->tags = xstrdup(db_col_text(st, 3));
        a->summary = xstrdup(db_col_text(st, 4));
        a->saved_at = db_col_int(st, 5);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

void autosave_free(autosave_t *a)
{
    free(a->title);
    free(a->body);
    free(a->declaration);
    free(a->tags);
    free(a->summary);
    memset(a, 0, sizeof *a);
}

int autosave_clear(db_t *db, int64_t user_id, const char *work_id)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM autosaves WHERE user_id = :u AND work_id = :w");
    db_bind_int(st, ":u", user_id);
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}
