/*
 * notify.c — see notify.h.
 */
#include "site/audience/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"

static int kind_ok(const char *k)
{
    static const char *const kinds[] = {"comment", "reply", "like", "follow", "moderation"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(k, kinds[i]) == 0)
            return 1;
    return 0;
}

/* A like or follow by actor that recipient was told of before. */
static int told_before(db_t *db, int64_t recipient, const char *kind, int64_t actor, const char *work_id,
                       int64_t comment_id)
{
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM notifications WHERE actor_id = :a AND recipient_id = :r "
                                   "AND kind = :k AND coalesce(work_id, '') = :w AND coalesce(comment_id, 0) = :c "
                                   "LIMIT 1");
    db_bind_int(st, ":a", actor);
    db_bind_int(st, ":r", recipient);
    db_bind_text(st, ":k", kind);
    db_bind_text(st, ":w", work_id ? work_id : "");
    db_bind_int(st, ":c", comment_id);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int notify_add(db_t *db, int64_t recipient, const char *kind, int64_t actor, const char *work_id, int64_t comment_id,
               const char *detail, int64_t now)
{
    if (!kind_ok(kind))
        return -1;
    if (recipient <= 0 || recipient == actor)
        return 0;
    if (actor > 0 && (strcmp(kind, "like") == 0 || strcmp(kind, "follow") == 0)) {
        int seen = told_before(db, recipient, kind, actor, work_id, comment_id);
        if (seen)
            return seen < 0 ? -1 : 0;
    }
    const char *d = detail ? detail : "";
    size_t dn = strlen(d);
    if (!text_valid(d, dn))
        d = "", dn = 0;
    if (dn > NOTIFY_DETAIL_MAX) {
        dn = NOTIFY_DETAIL_MAX;
        while (dn > 0 && ((unsigned char)d[dn] & 0xc0) == 0x80)
            dn--; /* not inside a character */
    }
    db_stmt_t *st = db_prepare(db, "INSERT INTO notifications(recipient_id, kind, actor_id, work_id, comment_id, "
                                   "detail, created_at) VALUES (:r, :k, :a, :w, :c, :d, :t)");
    db_bind_int(st, ":r", recipient);
    db_bind_text(st, ":k", kind);
    if (actor > 0)
        db_bind_int(st, ":a", actor);
    else
        db_bind_null(st, ":a");
    db_bind_text(st, ":w", work_id && *work_id ? work_id : NULL);
    if (comment_id > 0)
        db_bind_int(st, ":c", comment_id);
    else
        db_bind_null(st, ":c");
    db_bind_textn(st, ":d", d, dn);
    db_bind_int(st, ":t", now);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 1 : -1;
}

int notify_moderation(db_t *db, int64_t recipient, const char *what, const char *work_id, int64_t comment_id,
                      const char *reason, int64_t now)
{
    static const char *const outcomes[][2] = {
        {"takedown", "你的作品已被移除 / Your work was removed"},
        {"restore", "你的作品已恢复 / Your work was restored"},
        {"complaint_rejected", "你对移除的申诉被驳回 / Your complaint against the removal was rejected"},
        {"comment_takedown", "你的评论已被移除 / Your comment was removed"},
        {"comment_restore", "你的评论已恢复 / Your comment was restored"},
    };
    const char *sentence = NULL;
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
        if (strcmp(what, outcomes[i][0]) == 0)
            sentence = outcomes[i][1];
    if (!sentence)
        return -1;
    if (!recipient && work_id) {
        db_stmt_t *st = db_prepare(db, "SELECT author_id FROM works WHERE id = :w");
        db_bind_text(st, ":w", work_id);
        int rc = db_step(st);
        recipient = rc == DB_ROW ? db_col_int(st, 0) : 0;
        db_done(st);
        if (rc == DB_ERROR)
            return -1;
    }
    char *detail = NULL;
    if (reason && *reason) {
        size_t n = strlen(sentence) + strlen(reason) + 3;
        detail = xmalloc(n);
        snprintf(detail, n, "%s: %s", sentence, reason);
    }
    int rc = notify_add(db, recipient, "moderation", 0, work_id, comment_id, detail ? detail : sentence, now);
    free(detail);
    return rc;
}

int64_t notify_unread(db_t *db, int64_t user)
{
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM (SELECT 1 FROM notifications "
                                   "WHERE recipient_id = :u AND read_at IS NULL LIMIT :cap) x");
    db_bind_int(st, ":u", user);
    db_bind_int(st, ":cap", NOTIFY_UNREAD_CAP);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return n;
}

static char *xdup(const char *s)
{
    return xstrdup(s ? s : "");
}

static void fill(db_stmt_t *st, notify_t *n)
{
    n->id = db_col_int(st, 0);
    snprintf(n->kind, sizeof n->kind, "%s", db_col_text(st, 1));
    n->actor_id = db_col_int(st, 2);
    snprintf(n->actor_handle, sizeof n->actor_handle, "%s", db_col_text(st, 3));
    n->actor_name = xdup(db_col_text(st, 4));
    snprintf(n->work_id, sizeof n->work_id, "%s", db_col_text(st, 5));
    n->work_title = xdup(db_col_text(st, 6));
    n->comment_id = db_col_int(st, 7);
    n->detail = xdup(db_col_text(st, 8));
    n->created_at = db_col_int(st, 9);
    n->read_at = db_col_int(st, 10);
}

int notify_list(db_t *db, int64_t user, int unread_only, int64_t before, int limit, notify_page_t *out)
{
    memset(out, 0, sizeof *out);
    if (limit < 1 || limit > NOTIFY_PAGE_MAX)
        limit = 20;
    db_stmt_t *st = db_prepare(db, "SELECT n.id, n.kind, n.actor_id, a.handle, a.display_name, n.work_id, w.title, "
                                   "n.comment_id, n.detail, n.created_at, n.read_at FROM notifications n "
                                   "LEFT JOIN users a ON a.id = n.actor_id LEFT JOIN works w ON w.id = n.work_id "
                                   "WHERE n.recipient_id = :u AND n.id < :before "
                                   "AND (:unread = 0 OR n.read_at IS NULL) ORDER BY n.id DESC LIMIT :lim");
    db_bind_int(st, ":u", user);
    db_bind_int(st, ":before", before > 0 ? before : INT64_MAX);
    db_bind_int(st, ":unread", unread_only ? 1 : 0);
    db_bind_int(st, ":lim", limit + 1);
    out->items = xcalloc((size_t)limit, sizeof(notify_t));
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (out->n == limit) {
            out->next = out->items[limit - 1].id;
            break;
        }
        fill(st, &out->items[out->n++]);
    }
    db_done(st);
    if (rc == DB_ERROR) {
        notify_page_free(out);
        return -1;
    }
    return 0;
}

void notify_page_free(notify_page_t *p)
{
    for (int i = 0; i < p->n; i++) {
        free(p->items[i].actor_name);
        free(p->items[i].work_title);
        free(p->items[i].detail);
    }
    free(p->items);
    memset(p, 0, sizeof *p);
}

int notify_mark_read(db_t *db, int64_t user, const int64_t *ids, int n, int64_t now)
{
    if (ids && (n < 0 || n > NOTIFY_MARK_MAX))
        return -1;
    if (db_begin(db) < 0)
        return -1;
    int64_t changed = 0;
    int ok = 1;
    if (!ids) {
        db_stmt_t *st = db_prepare(db, "UPDATE notifications SET read_at = :t WHERE recipient_id = :u "
                                       "AND read_at IS NULL");
        db_bind_int(st, ":t", now);
        db_bind_int(st, ":u", user);
        ok = db_step(st) == DB_DONE;
        db_done(st);
        changed = ok ? db_changes(db) : 0;
    }
    for (int i = 0; ids && ok && i < n; i++) {
        db_stmt_t *st = db_prepare(db, "UPDATE notifications SET read_at = :t WHERE id = :id AND recipient_id = :u "
                                       "AND read_at IS NULL");
        db_bind_int(st, ":t", now);
        db_bind_int(st, ":id", ids[i]);
        db_bind_int(st, ":u", user);
        ok = db_step(st) == DB_DONE;
        db_done(st);
        changed += ok ? db_changes(db) : 0;
    }
    if (!ok || db_commit(db) < 0) {
        db_rollback(db);
        return -1;
    }
    return (int)changed;
}
