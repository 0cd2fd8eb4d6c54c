/*
 * audience.c — see audience.h.
 */
#include "site/audience/audience.h"

#include <stdio.h>
#include <string.h>

int aud_fail(aud_err_t *e, int status, const char *code, const char *key, const char *field)
{
    e->status = status;
    e->code = code;
    e->key = key;
    e->field = field;
    e->retry_after = 0;
    return -1;
}

static void load_user(db_stmt_t *st, aud_user_t *u)
{
    const char *role = db_col_text(st, 2);
    u->id = db_col_int(st, 0);
    snprintf(u->handle, sizeof u->handle, "%s", db_col_text(st, 1));
    u->admin = strcmp(role, "admin") == 0;
    u->staff = u->admin || strcmp(role, "moderator") == 0;
    u->creator = u->staff || strcmp(role, "creator") == 0;
    u->active = strcmp(db_col_text(st, 3), "active") == 0;
}

int aud_actor(db_t *db, const aud_actor_t *a, aud_user_t *u, aud_err_t *e)
{
    memset(u, 0, sizeof *u);
    if (a->user_id <= 0)
        return aud_fail(e, 401, "login_required", "err.login_required", NULL);
    db_stmt_t *st = db_prepare(db, "SELECT id, handle, role, status FROM users WHERE id = :id");
    db_bind_int(st, ":id", a->user_id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        load_user(st, u);
    db_done(st);
    if (rc == DB_ERROR)
        return aud_fail(e, 500, "internal", "err.internal", NULL);
    if (rc != DB_ROW)
        return aud_fail(e, 401, "login_required", "err.login_required", NULL);
    if (!u->active)
        return aud_fail(e, 403, "suspended", "aud.err.suspended", NULL);
    return 0;
}

int aud_user_by_handle(db_t *db, const char *handle, aud_user_t *u)
{
    memset(u, 0, sizeof *u);
    char h[32];
    size_t n = handle ? strlen(handle) : 0;
    if (n == 0 || n >= sizeof h)
        return 0;
    for (size_t i = 0; i <= n; i++) /* handles are stored lower-case ASCII */
        h[i] = handle[i] >= 'A' && handle[i] <= 'Z' ? (char)(handle[i] + 32) : handle[i];
    db_stmt_t *st = db_prepare(db, "SELECT id, handle, role, status FROM users WHERE handle = :h");
    db_bind_text(st, ":h", h);
    int rc = db_step(st);
    if (rc == DB_ROW)
        load_user(st, u);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int aud_work_live(db_t *db, const char *work_id, aud_work_t *w, aud_err_t *e)
{
    memset(w, 0, sizeof *w);
    if (!work_id || strlen(work_id) != WORK_ID_LEN)
        return aud_fail(e, 404, "not_found", "work.err.not_found", NULL);
    db_stmt_t *st = db_prepare(db, "SELECT id, author_id, status, comments_mode, pinned_comment FROM works "
                                   "WHERE id = :id");
    db_bind_text(st, ":id", work_id);
    int rc = db_step(st);
    char status[16] = "";
    if (rc == DB_ROW) {
        snprintf(w->id, sizeof w->id, "%s", db_col_text(st, 0));
        w->author_id = db_col_int(st, 1);
        snprintf(status, sizeof status, "%s", db_col_text(st, 2));
        w->open = strcmp(db_col_text(st, 3), "open") == 0;
        w->pinned = db_col_int(st, 4);
    }
    db_done(st);
    if (rc == DB_ERROR)
        return aud_fail(e, 500, "internal", "err.internal", NULL);
    if (strcmp(status, "taken_down") == 0)
        return aud_fail(e, 451, "gone", "work.err.gone", NULL);
    if (strcmp(status, "published") != 0)
        return aud_fail(e, 404, "not_found", "work.err.not_found", NULL);
    return 0;
}

/* A non-negative decimal of 1..18 digits at *s; advances *s past it. */
static int number(const char **s, int64_t *out)
{
    int64_t v = 0;
    int n = 0;
    while (**s >= '0' && **s <= '9') {
        if (++n > 18)
            return 0;
        v = v * 10 + (*(*s)++ - '0');
    }
    *out = v;
    return n > 0;
}

int aud_cursor_parse(const char *s, int64_t *a, int64_t *b)
{
    *a = *b = 0;
    if (!s || !*s)
        return -1;
    if (!number(&s, a))
        return 0;
    if (!*s)
        return 1;
    if (*s++ != '.' || !number(&s, b) || *s)
        return 0;
    return 2;
}
