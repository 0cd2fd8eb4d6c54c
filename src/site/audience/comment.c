/*
 * comment.c — see comment.h.
 */
#include "site/audience/comment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "site/audience/notify.h"
#include "site/ops/settings.h"
#include "site/trust/audit.h"

static char *xdup(const char *s)
{
    return xstrdup(s ? s : "");
}

static int internal(aud_err_t *e)
{
    return aud_fail(e, 500, "internal", "err.internal", NULL);
}

static int busy(aud_err_t *e)
{
    return aud_fail(e, 503, "busy", "err.internal", NULL);
}

static int rollback_fail(db_t *db, aud_err_t *e)
{
    db_rollback(db);
    return -1;
}

/* ---- rows ---- */

/* What the write paths need of a comment. */
typedef struct {
    int64_t id, author_id, parent_id, reply_to;
    char work_id[WORK_ID_LEN + 1];
    char status[12];
    char removed_by[12];
} row_t;

/* 1 found, 0 none, -1 error. */
static int load_row(db_t *db, int64_t id, row_t *r)
{
    memset(r, 0, sizeof *r);
    db_stmt_t *st = db_prepare(db, "SELECT id, author_id, parent_id, reply_to, work_id, status, removed_by "
                                   "FROM comments WHERE id = :id");
    db_bind_int(st, ":id", id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        r->id = db_col_int(st, 0);
        r->author_id = db_col_int(st, 1);
        r->parent_id = db_col_int(st, 2);
        r->reply_to = db_col_int(st, 3);
        snprintf(r->work_id, sizeof r->work_id, "%s", db_col_text(st, 4));
        snprintf(r->status, sizeof r->status, "%s", db_col_text(st, 5));
        snprintf(r->removed_by, sizeof r->removed_by, "%s", db_col_text(st, 6));
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* Move the counters a status change affects: the work's comments_count and
 * the root's replies count published comments only. A comment that leaves
 * published is unpinned. */
static int recount(db_t *db, const row_t *r, const char *from, const char *to)
{
    int delta = (strcmp(to, "published") == 0) - (strcmp(from, "published") == 0);
    if (delta == 0)
        return 0;
    db_stmt_t *st = db_prepare(db, "UPDATE works SET comments_count = comments_count + :d, "
                                   "pinned_comment = CASE WHEN pinned_comment = :id AND :d < 0 THEN NULL "
                                   "ELSE pinned_comment END WHERE id = :w");
    db_bind_int(st, ":d", delta);
    db_bind_int(st, ":id", r->id);
    db_bind_text(st, ":w", r->work_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    if (!r->parent_id)
        return 0;
    st = db_prepare(db, "UPDATE comments SET replies = replies + :d WHERE id = :id");
    db_bind_int(st, ":d", delta);
    db_bind_int(st, ":id", r->parent_id);
    rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* Change r's status (and its removal fields), keeping the counters. */
static int set_status(db_t *db, const row_t *r, const char *to, const char *held, const char *removed_by,
                      int64_t removed_ref, const char *reason, int64_t now)
{
    db_stmt_t *st = db_prepare(db, "UPDATE comments SET status = :s, held = :h, removed_by = :by, "
                                   "removed_ref = :ref, reason = :why, status_at = :t WHERE id = :id");
    db_bind_text(st, ":s", to);
    db_bind_text(st, ":h", held ? held : "");
    db_bind_text(st, ":by", removed_by ? removed_by : "");
    db_bind_id(st, ":ref", removed_ref);
    db_bind_text(st, ":why", reason ? reason : "");
    db_bind_int(st, ":t", now);
    db_bind_int(st, ":id", r->id);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? recount(db, r, r->status, to) : -1;
}

/* The notifications a newly published comment causes: its thread's
 * answered account (a reply) and the work's creator, each once. */
static int announce(db_t *db, const row_t *r, int64_t work_author, int64_t now)
{
    if (r->reply_to && notify_add(db, r->reply_to, "reply", r->author_id, r->work_id, r->id, NULL, now) < 0)
        return -1;
    if (r->reply_to == work_author)
        return 0;
    return notify_add(db, work_author, "comment", r->author_id, r->work_id, r->id, NULL, now) < 0 ? -1 : 0;
}

/* ---- the rules ---- */

/* The text rules as an error. */
static int text_fail(aud_err_t *e, const char *why)
{
    if (strcmp(why, "empty") == 0)
        return aud_fail(e, 422, "empty", "comment.err.empty", "body");
    if (strcmp(why, "long") == 0)
        return aud_fail(e, 422, "too_long", "comment.err.long", "body");
    return aud_fail(e, 422, "invalid", "comment.err.bad", "body");
}

/* Where the work stands for a comment by u: live, open, not blocked, and
 * the site's comments setting (*review set for 'review'). */
static int may_comment(db_t *db, const aud_user_t *u, const char *work_id, aud_work_t *w, int *review, aud_err_t *e)
{
    if (aud_work_live(db, work_id, w, e) < 0)
        return -1;
    char *mode = settings_get(db, "comments");
    int off = strcmp(mode, "off") == 0;
    *review = strcmp(mode, "review") == 0;
    free(mode);
    if (off)
        return aud_fail(e, 403, "comments_off", "comment.err.off", NULL);
    if (!w->open)
        return aud_fail(e, 403, "closed", "comment.err.closed", NULL);
    int b = comment_blocked(db, w->author_id, u->id);
    if (b < 0)
        return internal(e);
    if (b)
        return aud_fail(e, 403, "blocked", "comment.err.blocked", NULL);
    return 0;
}

/* ASCII lower case of s[0..n) into a new string. */
static char *lower_dup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        p[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
    p[n] = 0;
    return p;
}

/* 1 when text contains a word of the comment_keywords setting (separated
 * by commas, full-width commas or line breaks; ASCII letters match in
 * either case). */
static int keyword_hit(db_t *db, const char *text)
{
    char *list = settings_get(db, "comment_keywords");
    char *hay = lower_dup(text, strlen(text));
    int hit = 0;
    const char *p = list;
    while (*p && !hit) {
        size_t n = 0;
        while (p[n] && p[n] != ',' && p[n] != '\n' && p[n] != '\r' && strncmp(p + n, "\xef\xbc\x8c", 3) != 0)
            n++;
        const char *w = p;
        size_t wn = n;
        text_trim(&w, &wn);
        if (wn) {
            char *needle = lower_dup(w, wn);
            hit = strstr(hay, needle) != NULL;
            free(needle);
        }
        p += n;
        if (*p)
            p += strncmp(p, "\xef\xbc\x8c", 3) == 0 ? 3 : 1;
    }
    free(hay);
    free(list);
    return hit;
}

/* Why a comment by u on w would be held, or "" to publish it. */
static int hold_reason(db_t *db, const aud_user_t *u, const aud_work_t *w, int review, const char *text,
                       const char **held)
{
    *held = "";
    if (u->staff || u->id == w->author_id)
        return 0;
    if (keyword_hit(db, text)) {
        *held = "keyword";
        return 0;
    }
    int first = settings_int(db, "comment_hold_first");
    if (first > 0) {
        db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM (SELECT 1 FROM comments WHERE author_id = :a "
                                       "AND status = 'published' LIMIT :n) x");
        db_bind_int(st, ":a", u->id);
        db_bind_int(st, ":n", first);
        int rc = db_step(st);
        int64_t published = rc == DB_ROW ? db_col_int(st, 0) : 0;
        db_done(st);
        if (rc != DB_ROW)
            return -1;
        if (published < first) {
            *held = "new_account";
            return 0;
        }
    }
    if (review)
        *held = "review";
    return 0;
}

/* Comments by the account, or from the address, in the last minute and
 * hour against the limits. 0 within them, else -1 with 429 (or 500). */
static int rate_check(db_t *db, const aud_actor_t *a, aud_err_t *e)
{
    static const struct {
        const char *sql, *minute, *hour;
    } dims[] = {
        {"SELECT count(*), coalesce(sum(CASE WHEN created_at > :m THEN 1 ELSE 0 END), 0) FROM comments "
         "WHERE author_id = :k AND created_at > :h",
         "comment_rate_minute", "comment_rate_hour"},
        {"SELECT count(*), coalesce(sum(CASE WHEN created_at > :m THEN 1 ELSE 0 END), 0) FROM comments "
         "WHERE peer = :k AND created_at > :h",
         "comment_addr_rate_minute", "comment_addr_rate_hour"},
    };
    for (size_t i = 0; i < 2; i++) {
        if (i == 1 && (!a->peer || !*a->peer))
            break;
        db_stmt_t *st = db_prepare(db, dims[i].sql);
        if (i == 0)
            db_bind_int(st, ":k", a->user_id);
        else
            db_bind_text(st, ":k", a->peer);
        db_bind_int(st, ":m", a->now - 60);
        db_bind_int(st, ":h", a->now - 3600);
        int rc = db_step(st);
        int64_t hour = db_col_int(st, 0), minute = db_col_int(st, 1);
        db_done(st);
        if (rc != DB_ROW)
            return internal(e);
        int over_minute = minute >= settings_int(db, dims[i].minute);
        if (over_minute || hour >= settings_int(db, dims[i].hour)) {
            aud_fail(e, 429, "rate_limited", "comment.err.rate", NULL);
            e->retry_after = over_minute ? 60 : 3600;
            return -1;
        }
    }
    return 0;
}

/* 1 when text is the account's previous comment's (deleted ones aside). */
static int repeated(db_t *db, int64_t author, const char *text)
{
    db_stmt_t *st = db_prepare(db, "SELECT body FROM comments WHERE author_id = :a AND status <> 'deleted' "
                                   "ORDER BY created_at DESC, id DESC LIMIT 1");
    db_bind_int(st, ":a", author);
    int rc = db_step(st);
    int same = rc == DB_ROW && strcmp(db_col_text(st, 0), text) == 0;
    db_done(st);
    return rc == DB_ERROR ? -1 : same;
}

/* The thread a reply to parent joins: *root and the account it answers.
 * 422 unless parent is a published comment of work_id. */
static int resolve_parent(db_t *db, int64_t parent, const char *work_id, int64_t *root, int64_t *answers, aud_err_t *e)
{
    row_t p;
    int rc = load_row(db, parent, &p);
    if (rc < 0)
        return internal(e);
    if (rc == 0 || strcmp(p.status, "published") != 0)
        return aud_fail(e, 422, "bad_parent", "comment.err.parent", "parent");
    if (strcmp(p.work_id, work_id) != 0)
        return aud_fail(e, 422, "parent_elsewhere", "comment.err.parent_work", "parent");
    *root = p.parent_id ? p.parent_id : p.id;
    *answers = p.author_id;
    return 0;
}

/* ---- writes ---- */

/* The checks of comment_post that read earlier rows, then the insert;
 * inside the transaction. */
static int post_tx(db_t *db, const aud_actor_t *a, const aud_user_t *u, const char *work_id, const char *text,
                   int64_t parent, int64_t *id, aud_err_t *e)
{
    aud_work_t w;
    int review;
    if (may_comment(db, u, work_id, &w, &review, e) < 0)
        return -1;
    row_t r = {0};
    r.author_id = u->id;
    snprintf(r.work_id, sizeof r.work_id, "%s", w.id);
    if (parent && resolve_parent(db, parent, w.id, &r.parent_id, &r.reply_to, e) < 0)
        return -1;
    if (!u->staff && rate_check(db, a, e) < 0)
        return -1;
    int rep = repeated(db, u->id, text);
    if (rep)
        return rep < 0 ? internal(e) : aud_fail(e, 409, "duplicate", "comment.err.duplicate", "body");
    const char *held;
    if (hold_reason(db, u, &w, review, text, &held) < 0)
        return internal(e);
    snprintf(r.status, sizeof r.status, "%s", *held ? "pending" : "published");
    db_stmt_t *st = db_prepare(db, "INSERT INTO comments(work_id, author_id, parent_id, reply_to, body, status, held, "
                                   "peer, created_at, status_at) VALUES (:w, :a, :p, :rt, :b, :s, :h, :peer, :t, :t) "
                                   "RETURNING id");
    db_bind_text(st, ":w", r.work_id);
    db_bind_int(st, ":a", u->id);
    if (r.parent_id) {
        db_bind_int(st, ":p", r.parent_id);
        db_bind_int(st, ":rt", r.reply_to);
    } else {
        db_bind_null(st, ":p");
        db_bind_null(st, ":rt");
    }
    db_bind_text(st, ":b", text);
    db_bind_text(st, ":s", r.status);
    db_bind_text(st, ":h", held);
    db_bind_text(st, ":peer", a->peer ? a->peer : "");
    db_bind_int(st, ":t", a->now);
    int rc = db_step(st);
    r.id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (!r.id)
        return internal(e);
    *id = r.id;
    if (*held)
        return 0;
    /* Counted as a change from nothing: recount's "from" is not published. */
    if (recount(db, &r, "", "published") < 0 || announce(db, &r, w.author_id, a->now) < 0)
        return internal(e);
    return 0;
}

int comment_post(db_t *db, const aud_actor_t *a, const char *work_id, const char *body, size_t len, int64_t parent,
                 comment_t *out, aud_err_t *e)
{
    *e = (aud_err_t){0}; /* a failure below sets its own status, else 500 */
    memset(out, 0, sizeof *out);
    aud_user_t u;
    if (aud_actor(db, a, &u, e) < 0)
        return -1;
    /* Cheap refusals first, outside the write lock: the work, the text. */
    aud_work_t w;
    int review;
    if (may_comment(db, &u, work_id, &w, &review, e) < 0)
        return -1;
    buf_t text = BUF_INIT;
    const char *why;
    if (comment_text_normalize(body ? body : "", body ? len : 0, &text, &why) < 0)
        return text_fail(e, why);
    if (parent < 0) {
        buf_free(&text);
        return aud_fail(e, 422, "bad_parent", "comment.err.parent", "parent");
    }
    if (db_begin(db) < 0) {
        buf_free(&text);
        return busy(e);
    }
    int64_t id = 0;
    if (post_tx(db, a, &u, work_id, buf_cstr(&text), parent, &id, e) < 0 || db_commit(db) < 0) {
        buf_free(&text);
        if (!e->status)
            internal(e);
        return rollback_fail(db, e);
    }
    buf_free(&text);
    return comment_get(db, u.id, id, out) == 1 ? 0 : internal(e);
}

/* Load comment id for a write by u: 404 when missing or deleted. */
static int load_for_write(db_t *db, int64_t id, row_t *r, aud_err_t *e)
{
    int rc = load_row(db, id, r);
    if (rc < 0)
        return internal(e);
    if (rc == 0 || strcmp(r->status, "deleted") == 0)
        return aud_fail(e, 404, "not_found", "comment.err.not_found", NULL);
    return 0;
}

static int edit_tx(db_t *db, const aud_actor_t *a, const aud_user_t *u, int64_t id, const char *text, aud_err_t *e)
{
    row_t r;
    if (load_for_write(db, id, &r, e) < 0)
        return -1;
    if (r.author_id != u->id)
        return aud_fail(e, 403, "not_yours", "comment.err.not_yours", NULL);
    if (strcmp(r.status, "removed") == 0)
        return aud_fail(e, 409, "removed", "comment.err.state", NULL);
    aud_work_t w;
    int review;
    if (may_comment(db, u, r.work_id, &w, &review, e) < 0)
        return -1;
    db_stmt_t *st = db_prepare(db, "SELECT body FROM comments WHERE id = :id");
    db_bind_int(st, ":id", id);
    int same = db_step(st) == DB_ROW && strcmp(db_col_text(st, 0), text) == 0;
    db_done(st);
    if (same)
        return 0;
    /* An account past its first comments stays past them. */
    const char *held = "";
    if (!u->staff && u->id != w.author_id)
        held = keyword_hit(db, text) ? "keyword" : review ? "review" : "";
    int pending = strcmp(r.status, "pending") == 0;
    st = db_prepare(db, "UPDATE comments SET body = :b, edited_at = :t WHERE id = :id");
    db_bind_text(st, ":b", text);
    db_bind_int(st, ":t", a->now);
    db_bind_int(st, ":id", id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return internal(e);
    if (*held && !pending && set_status(db, &r, "pending", held, NULL, 0, NULL, a->now) < 0)
        return internal(e);
    return 0;
}

int comment_edit(db_t *db, const aud_actor_t *a, int64_t id, const char *body, size_t len, comment_t *out, aud_err_t *e)
{
    *e = (aud_err_t){0}; /* a failure below sets its own status, else 500 */
    memset(out, 0, sizeof *out);
    aud_user_t u;
    if (aud_actor(db, a, &u, e) < 0)
        return -1;
    buf_t text = BUF_INIT;
    const char *why;
    if (comment_text_normalize(body ? body : "", body ? len : 0, &text, &why) < 0)
        return text_fail(e, why);
    if (db_begin(db) < 0) {
        buf_free(&text);
        return busy(e);
    }
    int rc = edit_tx(db, a, &u, id, buf_cstr(&text), e);
    buf_free(&text);
    if (rc < 0 || db_commit(db) < 0) {
        if (!e->status)
            internal(e);
        return rollback_fail(db, e);
    }
    return comment_get(db, u.id, id, out) == 1 ? 0 : internal(e);
}

int comment_delete(db_t *db, const aud_actor_t *a, int64_t id, aud_err_t *e)
{
    aud_user_t u;
    if (aud_actor(db, a, &u, e) < 0)
        return -1;
    if (db_begin(db) < 0)
        return busy(e);
    row_t r;
    if (load_for_write(db, id, &r, e) < 0)
        return rollback_fail(db, e);
    if (r.author_id != u.id) {
        aud_fail(e, 403, "not_yours", "comment.err.not_yours", NULL);
        return rollback_fail(db, e);
    }
    if (strcmp(r.status, "removed") == 0) {
        aud_fail(e, 409, "removed", "comment.err.state", NULL);
        return rollback_fail(db, e);
    }
    if (set_status(db, &r, "deleted", NULL, NULL, 0, NULL, a->now) < 0 || db_commit(db) < 0) {
        internal(e);
        return rollback_fail(db, e);
    }
    return 0;
}

/* The author of the work a comment belongs to (any status but deleted). */
static int work_author(db_t *db, const char *work_id, int64_t *author)
{
    db_stmt_t *st = db_prepare(db, "SELECT author_id FROM works WHERE id = :w AND status <> 'deleted'");
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    *author = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

static int remove_tx(db_t *db, const aud_actor_t *a, const aud_user_t *u, int64_t id, const char *reason, aud_err_t *e)
{
    row_t r;
    if (load_for_write(db, id, &r, e) < 0)
        return -1;
    int64_t creator;
    int rc = work_author(db, r.work_id, &creator);
    if (rc <= 0)
        return rc < 0 ? internal(e) : aud_fail(e, 404, "not_found", "comment.err.not_found", NULL);
    int by_creator = creator == u->id;
    if (!by_creator && !u->staff)
        return aud_fail(e, 403, "not_creator", "comment.err.not_creator", NULL);
    if (strcmp(r.status, "removed") == 0)
        return aud_fail(e, 409, "removed", "comment.err.state", NULL);
    const char *why = reason ? reason : "";
    size_t wn = strlen(why);
    text_trim(&why, &wn);
    if (!text_valid(why, wn) || text_chars(why, wn) > COMMENT_REASON_MAX || (!by_creator && wn == 0))
        return aud_fail(e, 422, "reason", "comment.err.reason", "reason");
    char *w = xstrndup(why, wn);
    const char *by = by_creator ? "creator" : "moderator";
    int ok = set_status(db, &r, "removed", NULL, by, 0, w, a->now) == 0 &&
             notify_add(db, r.author_id, "moderation", by_creator ? u->id : 0, r.work_id, r.id, w, a->now) >= 0;
    if (ok && !by_creator) {
        char actor[48], subj[48];
        snprintf(actor, sizeof actor, "user:%s", u->handle);
        snprintf(subj, sizeof subj, "comment:%lld", (long long)r.id);
        ok = audit_appendf(db, actor, "comment.remove", subj, "on work %s: %s", r.work_id, w) == 0;
    }
    free(w);
    return ok ? 0 : internal(e);
}

int comment_remove(db_t *db, const aud_actor_t *a, int64_t id, const char *reason, aud_err_t *e)
{
    *e = (aud_err_t){0}; /* a failure below sets its own status, else 500 */
    aud_user_t u;
    if (aud_actor(db, a, &u, e) < 0)
        return -1;
    if (db_begin(db) < 0)
        return busy(e);
    if (remove_tx(db, a, &u, id, reason, e) < 0 || db_commit(db) < 0) {
        if (!e->status)
            internal(e);
        return rollback_fail(db, e);
    }
    return 0;
}

static int approve_tx(db_t *db, const aud_actor_t *a, const aud_user_t *u, int64_t id, aud_err_t *e)
{
    row_t r;
    if (load_for_write(db, id, &r, e) < 0)
        return -1;
    if (strcmp(r.status, "pending") != 0)
        return aud_fail(e, 409, "not_pending", "comment.err.state", NULL);
    int64_t creator;
    int rc = work_author(db, r.work_id, &creator);
    if (rc < 0)
        return internal(e);
    char actor[48], subj[48];
    snprintf(actor, sizeof actor, "user:%s", u->handle);
    snprintf(subj, sizeof subj, "comment:%lld", (long long)r.id);
    if (set_status(db, &r, "published", NULL, NULL, 0, NULL, a->now) < 0 ||
        (rc == 1 && announce(db, &r, creator, a->now) < 0) ||
        audit_appendf(db, actor, "comment.approve", subj, "on work %s", r.work_id) < 0)
        return internal(e);
    return 0;
}

int comment_approve(db_t *db, const aud_actor_t *a, int64_t id, aud_err_t *e)
{
    *e = (aud_err_t){0}; /* a failure below sets its own status, else 500 */
    aud_user_t u;
    if (aud_actor(db, a, &u, e) < 0)
        return -1;
    if (!u.staff)
        return aud_fail(e, 403, "forbidden", "err.forbidden", NULL);
    if (db_begin(db) < 0)
        return busy(e);
    if (approve_tx(db, a, &u, id, e) < 0 || db_commit(db) < 0) {
        if (!e->status)
            internal(e);
        return rollback_fail(db, e);
    }
    return 0;
}

int comment_pin(db_t *db, const aud_actor_t *a, const char *work_id, int64_t id, aud_err_t *e)
{
    aud_user_t u;
    aud_work_t w;
    if (aud_actor(db, a, &u, e) < 0 || aud_work_live(db, work_id, &w, e) < 0)
        return -1;
    if (w.author_id != u.id && !u.staff)
        return aud_fail(e, 403, "not_creator", "comment.err.not_creator", NULL);
    if (db_begin(db) < 0)
        return busy(e);
    if (id) {
        row_t r;
        int rc = load_row(db, id, &r);
        if (rc < 0) {
            internal(e);
            return rollback_fail(db, e);
        }
        if (rc == 0 || strcmp(r.work_id, w.id) != 0 || r.parent_id || strcmp(r.status, "published") != 0) {
            aud_fail(e, 422, "not_pinnable", "comment.err.pin", "comment");
            return rollback_fail(db, e);
        }
    }
    db_stmt_t *st = db_prepare(db, "UPDATE works SET pinned_comment = :c WHERE id = :w");
    db_bind_id(st, ":c", id);
    db_bind_text(st, ":w", w.id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_commit(db) < 0) {
        internal(e);
        return rollback_fail(db, e);
    }
    return 0;
}

int comment_set_mode(db_t *db, const aud_actor_t *a, const char *work_id, const char *mode, aud_err_t *e)
{
    aud_user_t u;
    if (aud_actor(db, a, &u, e) < 0)
        return -1;
    if (!mode || (strcmp(mode, "open") != 0 && strcmp(mode, "closed") != 0))
        return aud_fail(e, 422, "invalid", "comment.err.mode", "comments");
    int64_t creator;
    int rc = work_id && strlen(work_id) == WORK_ID_LEN ? work_author(db, work_id, &creator) : 0;
    if (rc < 0)
        return internal(e);
    if (rc == 0)
        return aud_fail(e, 404, "not_found", "work.err.not_found", NULL);
    if (creator != u.id && !u.staff)
        return aud_fail(e, 403, "not_creator", "comment.err.not_creator", NULL);
    if (db_begin(db) < 0)
        return busy(e);
    db_stmt_t *st = db_prepare(db, "UPDATE works SET comments_mode = :m WHERE id = :w");
    db_bind_text(st, ":m", mode);
    db_bind_text(st, ":w", work_id);
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_commit(db) < 0) {
        internal(e);
        return rollback_fail(db, e);
    }
    return 0;
}

int comment_block_list(db_t *db, int64_t creator, char (*handles)[32], int max)
{
    db_stmt_t *st = db_prepare(db, "SELECT u.handle FROM comment_blocks b JOIN users u ON u.id = b.blocked_id "
                                   "WHERE b.creator_id = :c ORDER BY b.created_at DESC, u.handle LIMIT :lim");
    db_bind_int(st, ":c", creator);
    db_bind_int(st, ":lim", max);
    int n = 0, rc;
    while (n < max && (rc = db_step(st)) == DB_ROW)
        snprintf(handles[n++], 32, "%s", db_col_text(st, 0));
    if (n < max && rc != DB_DONE)
        n = -1;
    db_done(st);
    return n;
}

int comment_blocked(db_t *db, int64_t creator, int64_t user)
{
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM comment_blocks WHERE creator_id = :c AND blocked_id = :u");
    db_bind_int(st, ":c", creator);
    db_bind_int(st, ":u", user);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int comment_block(db_t *db, const aud_actor_t *a, const char *handle, int on, aud_err_t *e)
{
    aud_user_t u, t;
    if (aud_actor(db, a, &u, e) < 0)
        return -1;
    int rc = aud_user_by_handle(db, handle, &t);
    if (rc < 0)
        return internal(e);
    if (rc == 0)
        return aud_fail(e, 404, "no_user", "aud.err.no_user", "handle");
    if (t.id == u.id)
        return aud_fail(e, 422, "self", "comment.err.block_self", "handle");
    if (db_begin(db) < 0)
        return busy(e);
    db_stmt_t *st = db_prepare(db, on ? "INSERT INTO comment_blocks(creator_id, blocked_id, created_at) "
                                        "VALUES (:c, :u, :t) ON CONFLICT DO NOTHING"
                                      : "DELETE FROM comment_blocks WHERE creator_id = :c AND blocked_id = :u");
    db_bind_int(st, ":c", u.id);
    db_bind_int(st, ":u", t.id);
    if (on)
        db_bind_int(st, ":t", a->now);
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_commit(db) < 0) {
        internal(e);
        return rollback_fail(db, e);
    }
    return 0;
}

/* ---- reads ---- */

#define COMMENT_COLS                                                                                                   \
    "c.id, c.work_id, c.author_id, u.handle, u.display_name, c.parent_id, c.reply_to, r.handle, c.status, "            \
    "c.held, c.removed_by, c.removed_ref, c.body, c.reason, c.likes, c.replies, c.created_at, c.edited_at, "           \
    "l.user_id"
#define COMMENT_FROM                                                                                                   \
    " FROM comments c JOIN users u ON u.id = c.author_id LEFT JOIN users r ON r.id = c.reply_to "                      \
    "LEFT JOIN comment_likes l ON l.comment_id = c.id AND l.user_id = :viewer "
/* What a list shows: published and removed comments, deleted roots that
 * keep a thread together, and the viewer's own held ones. */
#define COMMENT_SHOWN                                                                                                  \
    " (c.status IN ('published','removed') OR (c.status = 'deleted' AND c.replies > 0) "                               \
    "OR (c.status = 'pending' AND c.author_id = :viewer)) "

/* The text viewer may read: a published comment's, or their own pending
 * or removed one's. A placeholder has none. */
static int body_visible(const comment_t *c, int64_t viewer)
{
    if (strcmp(c->status, "published") == 0)
        return 1;
    return viewer && viewer == c->author_id && (strcmp(c->status, "pending") == 0 || strcmp(c->status, "removed") == 0);
}

static void fill(db_stmt_t *st, int64_t viewer, comment_t *c)
{
    memset(c, 0, sizeof *c);
    c->id = db_col_int(st, 0);
    snprintf(c->work_id, sizeof c->work_id, "%s", db_col_text(st, 1));
    c->author_id = db_col_int(st, 2);
    snprintf(c->author_handle, sizeof c->author_handle, "%s", db_col_text(st, 3));
    c->author_name = xdup(db_col_text(st, 4));
    c->parent_id = db_col_int(st, 5);
    c->reply_to = db_col_int(st, 6);
    snprintf(c->reply_to_handle, sizeof c->reply_to_handle, "%s", db_col_text(st, 7));
    snprintf(c->status, sizeof c->status, "%s", db_col_text(st, 8));
    snprintf(c->held, sizeof c->held, "%s", db_col_text(st, 9));
    snprintf(c->removed_by, sizeof c->removed_by, "%s", db_col_text(st, 10));
    c->removed_ref = db_col_int(st, 11);
    c->body = xdup(body_visible(c, viewer) ? db_col_text(st, 12) : "");
    if (strcmp(c->status, "deleted") == 0 && viewer != c->author_id) {
        /* Whoever deleted their words takes their name with them. */
        c->author_id = 0;
        c->author_handle[0] = 0;
        c->author_name[0] = 0;
    }
    c->reason = xdup(strcmp(c->status, "removed") == 0 ? db_col_text(st, 13) : "");
    c->likes = db_col_int(st, 14);
    c->replies = db_col_int(st, 15);
    c->created_at = db_col_int(st, 16);
    c->edited_at = db_col_int(st, 17);
    c->liked = db_col_int(st, 18) != 0;
}

void comment_free(comment_t *c)
{
    if (!c)
        return;
    free(c->author_name);
    free(c->body);
    free(c->reason);
    for (int i = 0; i < c->nshown; i++)
        comment_free(&c->shown[i]);
    free(c->shown);
    memset(c, 0, sizeof *c);
}

void comment_page_free(comment_page_t *p)
{
    for (int i = 0; i < p->n; i++)
        comment_free(&p->items[i]);
    free(p->items);
    comment_free(&p->pinned);
    memset(p, 0, sizeof *p);
}

int comment_get(db_t *db, int64_t viewer, int64_t id, comment_t *out)
{
    memset(out, 0, sizeof *out);
    db_stmt_t *st = db_prepare(db, "SELECT " COMMENT_COLS COMMENT_FROM "WHERE c.id = :id");
    db_bind_int(st, ":viewer", viewer);
    db_bind_int(st, ":id", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        fill(st, viewer, out);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* Step st into a new page of at most limit items (one more row read says
 * another page exists). Returns 0 or -1. */
static int collect(db_stmt_t *st, int64_t viewer, int limit, comment_page_t *out, int *more)
{
    out->items = xcalloc((size_t)limit, sizeof(comment_t));
    *more = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (out->n == limit) {
            *more = 1;
            break;
        }
        fill(st, viewer, &out->items[out->n++]);
    }
    db_done(st);
    return rc == DB_ERROR ? -1 : 0;
}

static int page_limit(int limit)
{
    return limit < 1 || limit > COMMENT_PAGE_MAX ? 20 : limit;
}

/* Replies of root after id after, oldest first. */
static int replies_page(db_t *db, int64_t viewer, const char *work_id, int64_t root, int64_t after, int limit,
                        comment_page_t *out)
{
    db_stmt_t *st = db_prepare(db, "SELECT " COMMENT_COLS COMMENT_FROM
                                   "WHERE c.work_id = :w AND c.parent_id = :root AND c.id > :after AND "
                                   "(c.status IN ('published','removed') OR (c.status = 'pending' AND "
                                   "c.author_id = :viewer)) ORDER BY c.id LIMIT :lim");
    db_bind_int(st, ":viewer", viewer);
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":root", root);
    db_bind_int(st, ":after", after);
    db_bind_int(st, ":lim", limit + 1);
    int more;
    if (collect(st, viewer, limit, out, &more) < 0)
        return -1;
    if (more)
        snprintf(out->next, sizeof out->next, "%lld", (long long)out->items[out->n - 1].id);
    return 0;
}

/* Each root's first replies. */
static int attach_replies(db_t *db, int64_t viewer, comment_t *c)
{
    comment_page_t p = {0};
    if (replies_page(db, viewer, c->work_id, c->id, 0, COMMENT_REPLIES_SHOWN, &p) < 0)
        return -1;
    c->shown = p.items;
    c->nshown = p.n;
    return 0;
}

int comment_list(db_t *db, int64_t viewer, const comment_query_t *q, comment_page_t *out, aud_err_t *e)
{
    memset(out, 0, sizeof *out);
    aud_work_t w;
    if (aud_work_live(db, q->work_id, &w, e) < 0)
        return -1;
    int hot = q->sort && strcmp(q->sort, "hot") == 0;
    if (q->sort && *q->sort && !hot && strcmp(q->sort, "new") != 0)
        return aud_fail(e, 422, "invalid", "comment.err.sort", "sort");
    int64_t c1, c2;
    int parts = aud_cursor_parse(q->before, &c1, &c2);
    if (parts == 0 || (parts > 0 && parts != (hot ? 2 : 1)))
        return aud_fail(e, 422, "invalid", "comment.err.cursor", "before");
    int first = parts < 0;
    int limit = page_limit(q->limit);
    db_stmt_t *st;
    if (hot) {
        st = db_prepare(db, "SELECT " COMMENT_COLS COMMENT_FROM
                            "WHERE c.work_id = :w AND c.parent_id IS NULL AND c.id <> :pin AND" COMMENT_SHOWN
                            "AND (c.likes < :bl OR (c.likes = :bl AND c.id < :bid)) "
                            "ORDER BY c.likes DESC, c.id DESC LIMIT :lim");
        db_bind_int(st, ":bl", first ? INT64_MAX : c1);
        db_bind_int(st, ":bid", first ? INT64_MAX : c2);
    } else {
        st = db_prepare(db, "SELECT " COMMENT_COLS COMMENT_FROM
                            "WHERE c.work_id = :w AND c.parent_id IS NULL AND c.id <> :pin AND" COMMENT_SHOWN
                            "AND c.id < :bid ORDER BY c.id DESC LIMIT :lim");
        db_bind_int(st, ":bid", first ? INT64_MAX : c1);
    }
    db_bind_int(st, ":viewer", viewer);
    db_bind_text(st, ":w", w.id);
    db_bind_int(st, ":pin", w.pinned);
    db_bind_int(st, ":lim", limit + 1);
    int more;
    if (collect(st, viewer, limit, out, &more) < 0)
        goto fail;
    if (more) {
        const comment_t *last = &out->items[out->n - 1];
        if (hot)
            snprintf(out->next, sizeof out->next, "%lld.%lld", (long long)last->likes, (long long)last->id);
        else
            snprintf(out->next, sizeof out->next, "%lld", (long long)last->id);
    }
    for (int i = 0; i < out->n; i++)
        if (out->items[i].replies && attach_replies(db, viewer, &out->items[i]) < 0)
            goto fail;
    if (first && w.pinned) {
        int rc = comment_get(db, viewer, w.pinned, &out->pinned);
        if (rc < 0 || (rc == 1 && attach_replies(db, viewer, &out->pinned) < 0))
            goto fail;
        out->pinned.pinned = 1;
    }
    return 0;
fail:
    comment_page_free(out);
    return internal(e);
}

int comment_replies(db_t *db, int64_t viewer, int64_t root, const char *after, int limit, comment_page_t *out,
                    aud_err_t *e)
{
    memset(out, 0, sizeof *out);
    row_t r;
    int rc = load_row(db, root, &r);
    if (rc < 0)
        return internal(e);
    if (rc == 0 || r.parent_id)
        return aud_fail(e, 404, "not_found", "comment.err.not_found", NULL);
    aud_work_t w;
    if (aud_work_live(db, r.work_id, &w, e) < 0)
        return -1;
    int64_t c1, c2;
    int parts = aud_cursor_parse(after, &c1, &c2);
    if (parts == 0 || parts == 2)
        return aud_fail(e, 422, "invalid", "comment.err.cursor", "after");
    if (replies_page(db, viewer, w.id, root, parts < 0 ? 0 : c1, page_limit(limit), out) < 0) {
        comment_page_free(out);
        return internal(e);
    }
    return 0;
}

int comment_pending(db_t *db, const aud_actor_t *a, const char *after, int limit, comment_page_t *out, aud_err_t *e)
{
    memset(out, 0, sizeof *out);
    aud_user_t u;
    if (aud_actor(db, a, &u, e) < 0)
        return -1;
    if (!u.staff)
        return aud_fail(e, 403, "forbidden", "err.forbidden", NULL);
    int64_t c1, c2;
    int parts = aud_cursor_parse(after, &c1, &c2);
    if (parts == 0 || parts == 2)
        return aud_fail(e, 422, "invalid", "comment.err.cursor", "after");
    limit = page_limit(limit);
    db_stmt_t *st = db_prepare(db, "SELECT c.id, c.work_id, c.author_id, u.handle, u.display_name, c.parent_id, "
                                   "c.reply_to, r.handle, c.status, c.held, c.removed_by, c.removed_ref, c.body, "
                                   "c.reason, c.likes, c.replies, c.created_at, c.edited_at, 0 "
                                   "FROM comments c JOIN users u ON u.id = c.author_id "
                                   "LEFT JOIN users r ON r.id = c.reply_to "
                                   "WHERE c.status = 'pending' AND c.id > :after ORDER BY c.id LIMIT :lim");
    db_bind_int(st, ":after", parts < 0 ? 0 : c1);
    db_bind_int(st, ":lim", limit + 1);
    out->items = xcalloc((size_t)limit, sizeof(comment_t));
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (out->n == limit) {
            snprintf(out->next, sizeof out->next, "%lld", (long long)out->items[limit - 1].id);
            break;
        }
        fill(st, db_col_int(st, 2), &out->items[out->n++]); /* as its author sees it: with the text */
    }
    db_done(st);
    if (rc == DB_ERROR) {
        comment_page_free(out);
        return internal(e);
    }
    return 0;
}

/* ---- trust and safety ---- */

int comment_take_down(db_t *db, int64_t id, int64_t ref, const char *by, const char *reason, int64_t now)
{
    row_t r;
    int rc = load_row(db, id, &r);
    if (rc <= 0)
        return rc;
    if (strcmp(r.status, "published") != 0 && strcmp(r.status, "pending") != 0)
        return 0;
    if (set_status(db, &r, "removed", NULL, by, ref, reason, now) < 0 ||
        notify_moderation(db, r.author_id, "comment_takedown", r.work_id, r.id, reason, now) < 0)
        return -1;
    return 1;
}

int comment_restore(db_t *db, int64_t id, int64_t now)
{
    row_t r;
    int rc = load_row(db, id, &r);
    if (rc <= 0)
        return rc;
    if (strcmp(r.status, "removed") != 0 || (strcmp(r.removed_by, "takedown") != 0 && strcmp(r.removed_by, "report") != 0))
        return 0;
    return set_status(db, &r, "published", NULL, NULL, 0, NULL, now) < 0 ||
                   notify_moderation(db, r.author_id, "comment_restore", r.work_id, r.id, NULL, now) < 0
               ? -1
               : 1;
}

int comment_purge_work(db_t *db, const char *work_id)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM comment_likes WHERE comment_id IN "
                                   "(SELECT id FROM comments WHERE work_id = :w)");
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    st = db_prepare(db, "UPDATE comments SET body = '', likes = 0 WHERE work_id = :w");
    db_bind_text(st, ":w", work_id);
    rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? (int)db_changes(db) : -1;
}

int comment_purge_expired(db_t *db, int64_t before)
{
    /* The statements' WHERE repeats the partial indexes' conditions word
     * for word, so both stores use those indexes instead of a scan. */
    static const char *const sqls[] = {
        "UPDATE comments SET body = '' WHERE id IN (SELECT id FROM comments WHERE status IN ('deleted','removed') "
        "AND body <> '' AND status_at < :b ORDER BY status_at LIMIT 500)",
        "UPDATE comments SET peer = '' WHERE id IN (SELECT id FROM comments WHERE peer <> '' AND created_at < :b "
        "ORDER BY created_at LIMIT 500)",
    };
    int64_t changed = 0;
    for (size_t i = 0; i < 2; i++) {
        db_stmt_t *st = db_prepare(db, sqls[i]);
        db_bind_int(st, ":b", before);
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE)
            return -1;
        changed += db_changes(db);
    }
    return (int)changed;
}
