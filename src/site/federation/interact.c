/*
 * interact.c — see interact.h. Writes follows (follow.h), and through them
 * the counts and notifications; queues the Accept (deliver.h).
 */
#include "site/federation/interact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/token.h"
#include "site/accounts/account.h"
#include "site/audience/comment.h"
#include "site/audience/follow.h"
#include "site/audience/like.h"
#include "site/federation/actor.h"
#include "site/federation/deliver.h"
#include "site/federation/fed.h"
#include "site/federation/remote_text.h"

const char *fed_json_id(json_t *o, const char *k)
{
    json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
    if (json_is_object(v))
        v = json_object_get(v, "id");
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void set(fed_apply_t *res, int status, const char *msg)
{
    res->status = status;
    snprintf(res->msg, sizeof res->msg, "%s", msg);
}

/* The local creator a URI names (BASE/u/HANDLE): 1 with *u, else 0. */
static int local_actor(db_t *db, const char *base, const char *uri, user_t *u)
{
    size_t n = strlen(base);
    if (!uri || strncmp(uri, base, n) != 0 || strncmp(uri + n, "/u/", 3) != 0)
        return 0;
    const char *h = uri + n + 3;
    if (!account_handle_ok(h))
        return 0;
    return account_by_handle(db, h, u) == 1 && fed_is_actor_role(u->role);
}

static void follow(db_t *db, const char *base, const fed_remote_t *a, json_t *act, int on, fed_apply_t *res)
{
    user_t u;
    if (!local_actor(db, base, fed_json_id(act, "object"), &u)) {
        set(res, 404, "no such actor here");
        return;
    }
    aud_actor_t who = {.user_id = a->user_id, .peer = a->host, .now = clock_now()};
    follow_state_t st;
    aud_err_t e = {0};
    if (follow_set(db, &who, u.handle, on, &st, &e) < 0) {
        set(res, e.status ? e.status : 500, e.code ? e.code : "refused");
        return;
    }
    if (!on)
        return;
    /* Accept, with the Follow as received. */
    char *follow_json = json_dumps(act, JSON_COMPACT);
    const char *fid = fed_json_id(act, "id");
    char hash[65];
    token_sha256_hex(fid ? fid : follow_json, hash);
    buf_t actor = BUF_INIT, b = BUF_INIT, id = BUF_INIT;
    fed_actor_url(base, u.handle, &actor);
    buf_printf(&id, "%s#accepts/%.32s", buf_cstr(&actor), hash); /* raw: URL */
    buf_lit(&b, "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":");
    buf_json_strz(&b, buf_cstr(&id));
    buf_lit(&b, ",\"type\":\"Accept\",\"actor\":");
    buf_json_strz(&b, buf_cstr(&actor));
    buf_lit(&b, ",\"object\":");
    buf_rawz(&b, follow_json); /* raw: JSON from jansson */
    buf_lit(&b, "}");
    if (fed_enqueue(db, u.id, a->inbox, buf_cstr(&b)) < 0)
        set(res, 500, "storage error");
    else
        fed_sender_wake();
    free(follow_json);
    buf_free(&actor);
    buf_free(&b);
    buf_free(&id);
}

/* ---- what a URI names here ---- */

/* The work a URI names (BASE/a/ID), or the comment (BASE/comments/CID, or
 * a remote note hao keeps as a comment): *work filled, *comment 0 or the
 * comment. 1 found (not whether it is public: the audience rules decide),
 * 0 not here, -1 error. */
static int target(db_t *db, const char *base, const char *uri, char work[WORK_ID_LEN + 1], int64_t *comment)
{
    *comment = 0;
    work[0] = '\0';
    if (!uri)
        return 0;
    size_t n = strlen(base);
    if (strncmp(uri, base, n) == 0 && strncmp(uri + n, "/a/", 3) == 0) {
        const char *id = uri + n + 3;
        size_t idn = strcspn(id, "#?/");
        if (idn == 0 || idn > WORK_ID_LEN || id[idn] == '/')
            return 0;
        db_stmt_t *st = db_prepare(db, "SELECT id FROM works WHERE id = :id AND status <> 'deleted'");
        db_bind_textn(st, ":id", id, idn);
        int rc = db_step(st);
        if (rc == DB_ROW)
            snprintf(work, WORK_ID_LEN + 1, "%s", db_col_text(st, 0));
        db_done(st);
        return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
    }
    db_stmt_t *st;
    if (strncmp(uri, base, n) == 0 && strncmp(uri + n, "/comments/", 10) == 0) {
        char *end;
        long long cid = strtoll(uri + n + 10, &end, 10);
        if (cid <= 0 || (*end && *end != '#' && *end != '?'))
            return 0;
        st = db_prepare(db, "SELECT id, work_id FROM comments WHERE id = :c AND status IN ('published','pending')");
        db_bind_int(st, ":c", cid);
    } else {
        st = db_prepare(db, "SELECT c.id, c.work_id FROM fed_objects o JOIN comments c ON c.id = o.comment_id "
                            "WHERE o.uri = :u AND o.kind = 'note' AND c.status IN ('published','pending')");
        db_bind_text(st, ":u", uri);
    }
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *comment = db_col_int(st, 0);
        snprintf(work, WORK_ID_LEN + 1, "%s", db_col_text(st, 1));
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* A creator's block (comment_blocks) of the actor, for the work's creator. */
static int blocked_by_creator(db_t *db, const char *work_id, int64_t actor)
{
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM comment_blocks b JOIN works w ON w.author_id = b.creator_id "
                                   "WHERE w.id = :w AND b.blocked_id = :a");
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":a", actor);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_ROW;
}

static void aud_refusal(fed_apply_t *res, const aud_err_t *e)
{
    char m[160];
    snprintf(m, sizeof m, "refused by the site's rules: %s", e->code ? e->code : "error");
    set(res, e->status >= 400 ? e->status : 500, m);
}

/* A remote object hao keeps, by its URI, sent by actor: its comment (and
 * work). 1 found, 0 not (or another actor's), -1 error. */
static int kept(db_t *db, const char *uri, const char *kind, int64_t actor, int64_t *comment, char work[WORK_ID_LEN + 1])
{
    db_stmt_t *st = db_prepare(db, "SELECT comment_id, work_id FROM fed_objects WHERE uri = :u AND kind = :k "
                                   "AND actor_id = :a");
    db_bind_text(st, ":u", uri);
    db_bind_text(st, ":k", kind);
    db_bind_int(st, ":a", actor);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *comment = db_col_int(st, 0);
        snprintf(work, WORK_ID_LEN + 1, "%s", db_col_text(st, 1));
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

static int keep(db_t *db, const char *uri, const char *kind, int64_t actor, const char *work, int64_t comment)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO fed_objects(uri, kind, actor_id, work_id, comment_id, created_at) "
                                   "VALUES (:u, :k, :a, :w, :c, :t) ON CONFLICT (uri) DO NOTHING");
    db_bind_text(st, ":u", uri);
    db_bind_text(st, ":k", kind);
    db_bind_int(st, ":a", actor);
    db_bind_text(st, ":w", work);
    db_bind_id(st, ":c", comment);
    db_bind_int(st, ":t", clock_now());
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

static void forget(db_t *db, const char *uri)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM fed_objects WHERE uri = :u");
    db_bind_text(st, ":u", uri);
    db_step(st);
    db_done(st);
}

/* The text of a Note: its HTML content reduced to text (remote_text.h). */
static int note_text(json_t *note, buf_t *out)
{
    json_t *c = json_object_get(note, "content");
    if (!json_is_string(c))
        return -1;
    return fed_html_text(json_string_value(c), json_string_length(c), out);
}

/* ---- the activities ---- */

static void create_note(db_t *db, const char *base, const fed_remote_t *a, json_t *note, fed_apply_t *res)
{
    const char *id = fed_json_id(note, "id"), *attributed = fed_json_id(note, "attributedTo");
    if (!id || (attributed && strcmp(attributed, a->uri) != 0)) {
        set(res, 400, "a Note needs an id and must be the actor's own");
        return;
    }
    char work[WORK_ID_LEN + 1];
    int64_t parent = 0, dummy = 0;
    char kw[WORK_ID_LEN + 1];
    if (kept(db, id, "note", a->user_id, &dummy, kw) == 1)
        return; /* seen before: nothing to do */
    int rc = target(db, base, fed_json_id(note, "inReplyTo"), work, &parent);
    if (rc < 0) {
        set(res, 500, "storage error");
        return;
    }
    if (rc == 0) {
        /* Not a reply to anything here (a post mentioning a creator, say):
         * accepted and not kept. */
        if (fed_json_id(note, "inReplyTo") && strncmp(fed_json_id(note, "inReplyTo"), base, strlen(base)) == 0)
            set(res, 404, "the work or comment replied to is not here");
        return;
    }
    if (blocked_by_creator(db, work, a->user_id)) {
        set(res, 403, "the creator blocked this account");
        return;
    }
    buf_t text = BUF_INIT;
    if (note_text(note, &text) < 0) {
        buf_free(&text);
        set(res, 400, "a Note needs its content");
        return;
    }
    aud_actor_t who = {.user_id = a->user_id, .peer = a->host, .now = clock_now()};
    comment_t c;
    aud_err_t e = {0};
    if (comment_post(db, &who, work, text.p ? text.p : "", text.len, parent, &c, &e) < 0) {
        aud_refusal(res, &e);
    } else {
        if (keep(db, id, "note", a->user_id, work, c.id) < 0)
            set(res, 500, "storage error");
        comment_free(&c);
    }
    buf_free(&text);
}

static void update_note(db_t *db, const fed_remote_t *a, json_t *note, fed_apply_t *res)
{
    const char *id = fed_json_id(note, "id");
    int64_t comment = 0;
    char work[WORK_ID_LEN + 1];
    int rc = id ? kept(db, id, "note", a->user_id, &comment, work) : 0;
    if (rc <= 0) {
        set(res, rc < 0 ? 500 : 404, rc < 0 ? "storage error" : "no such note here");
        return;
    }
    buf_t text = BUF_INIT;
    if (note_text(note, &text) < 0) {
        buf_free(&text);
        set(res, 400, "a Note needs its content");
        return;
    }
    aud_actor_t who = {.user_id = a->user_id, .peer = a->host, .now = clock_now()};
    comment_t c;
    aud_err_t e = {0};
    if (comment_edit(db, &who, comment, text.p ? text.p : "", text.len, &c, &e) < 0)
        aud_refusal(res, &e);
    else
        comment_free(&c);
    buf_free(&text);
}

/* Delete of a note (its id or a Tombstone) or of the actor itself. */
static void delete(db_t *db, const fed_remote_t *a, json_t *act, fed_apply_t *res)
{
    const char *obj = fed_json_id(act, "object");
    if (!obj) {
        set(res, 400, "Delete needs an object");
        return;
    }
    aud_actor_t who = {.user_id = a->user_id, .peer = a->host, .now = clock_now()};
    aud_err_t e = {0};
    if (strcmp(obj, a->uri) == 0) {
        /* The account is gone: its follows, notes and likes go too. */
        db_stmt_t *st = db_prepare(db, "SELECT u.handle FROM follows f JOIN users u ON u.id = f.followee_id "
                                       "WHERE f.follower_id = :a");
        db_bind_int(st, ":a", a->user_id);
        char handles[64][32];
        int n = 0;
        while (n < 64 && db_step(st) == DB_ROW)
            snprintf(handles[n++], 32, "%s", db_col_text(st, 0));
        db_done(st);
        follow_state_t fs;
        for (int i = 0; i < n; i++)
            follow_set(db, &who, handles[i], 0, &fs, &e);
        for (;;) {
            st = db_prepare(db, "SELECT uri, kind, comment_id, work_id FROM fed_objects WHERE actor_id = :a LIMIT 1");
            db_bind_int(st, ":a", a->user_id);
            char uri[2048] = "", kind[16] = "", work[WORK_ID_LEN + 1] = "";
            int64_t comment = 0;
            if (db_step(st) == DB_ROW) {
                snprintf(uri, sizeof uri, "%s", db_col_text(st, 0));
                snprintf(kind, sizeof kind, "%s", db_col_text(st, 1));
                comment = db_col_int(st, 2);
                snprintf(work, sizeof work, "%s", db_col_text(st, 3));
            }
            db_done(st);
            if (!uri[0])
                break;
            int64_t likes;
            if (strcmp(kind, "note") == 0)
                comment_delete(db, &who, comment, &e);
            else if (strcmp(kind, "like") == 0)
                like_work(db, &who, work, 0, &likes, &e);
            forget(db, uri);
        }
        return;
    }
    int64_t comment = 0;
    char work[WORK_ID_LEN + 1];
    int rc = kept(db, obj, "note", a->user_id, &comment, work);
    if (rc < 0) {
        set(res, 500, "storage error");
    } else if (rc == 1) {
        if (comment_delete(db, &who, comment, &e) < 0 && e.status != 404)
            aud_refusal(res, &e);
        else
            forget(db, obj);
    }
    /* A Delete of something hao never kept: nothing to do. */
}

/* Like (a work, or a comment) and Announce (a work); on = 0 undoes. */
static void like_or_announce(db_t *db, const char *base, const fed_remote_t *a, json_t *act, int announce, int on,
                             fed_apply_t *res)
{
    const char *id = fed_json_id(act, "id");
    const char *kind = announce ? "announce" : "like";
    aud_actor_t who = {.user_id = a->user_id, .peer = a->host, .now = clock_now()};
    aud_err_t e = {0};
    int64_t comment = 0, likes = 0;
    char work[WORK_ID_LEN + 1];
    if (!on) {
        int rc = id ? kept(db, id, kind, a->user_id, &comment, work) : 0;
        if (rc == 1) {
            if (!announce && (comment ? like_comment(db, &who, comment, 0, &likes, &e)
                                      : like_work(db, &who, work, 0, &likes, &e)) < 0 && e.status != 404)
                aud_refusal(res, &e);
            else
                forget(db, id);
        }
        return;
    }
    if (!id) {
        set(res, 400, "the activity needs an id");
        return;
    }
    int rc = target(db, base, fed_json_id(act, "object"), work, &comment);
    if (rc <= 0) {
        set(res, rc < 0 ? 500 : 404, rc < 0 ? "storage error" : "no such work here");
        return;
    }
    if (blocked_by_creator(db, work, a->user_id)) {
        set(res, 403, "the creator blocked this account");
        return;
    }
    if (announce) {
        aud_work_t w;
        if (comment || aud_work_live(db, work, &w, &e) < 0) {
            set(res, comment ? 404 : e.status, comment ? "only works are boosted here" : "the work is not public");
            return;
        }
    } else if ((comment ? like_comment(db, &who, comment, 1, &likes, &e) : like_work(db, &who, work, 1, &likes, &e)) <
               0) {
        aud_refusal(res, &e);
        return;
    }
    if (keep(db, id, kind, a->user_id, work, comment) < 0)
        set(res, 500, "storage error");
}

void fed_apply(db_t *db, const char *base, const fed_remote_t *a, json_t *act, fed_apply_t *res)
{
    const char *type = json_string_value(json_object_get(act, "type"));
    json_t *obj = json_object_get(act, "object");
    const char *otype = json_is_object(obj) ? json_string_value(json_object_get(obj, "type")) : NULL;
    set(res, 202, "");
    if (!type) {
        set(res, 400, "an activity needs a type");
    } else if (strcmp(type, "Follow") == 0) {
        follow(db, base, a, act, 1, res);
    } else if (strcmp(type, "Create") == 0) {
        if (otype && strcmp(otype, "Note") == 0)
            create_note(db, base, a, obj, res);
        else if (!json_is_object(obj))
            set(res, 400, "Create needs an object");
    } else if (strcmp(type, "Update") == 0) {
        if (otype && strcmp(otype, "Note") == 0)
            update_note(db, a, obj, res);
    } else if (strcmp(type, "Delete") == 0) {
        delete(db, a, act, res);
    } else if (strcmp(type, "Like") == 0 || strcmp(type, "Announce") == 0) {
        like_or_announce(db, base, a, act, type[0] == 'A', 1, res);
    } else if (strcmp(type, "Undo") == 0) {
        const char *oactor = fed_json_id(obj, "actor");
        if (oactor && strcmp(oactor, a->uri) != 0)
            set(res, 401, "an actor may undo only its own activities");
        else if (otype && strcmp(otype, "Follow") == 0)
            follow(db, base, a, obj, 0, res);
        else if (otype && (strcmp(otype, "Like") == 0 || strcmp(otype, "Announce") == 0))
            like_or_announce(db, base, a, obj, otype[0] == 'A', 0, res);
        else if (json_is_string(obj)) {
            /* Undo by id: whichever of the actor's likes or boosts it is. */
            int64_t c;
            char w[WORK_ID_LEN + 1];
            int announce = kept(db, json_string_value(obj), "announce", a->user_id, &c, w) == 1;
            json_t *fake = json_pack("{s:s}", "id", json_string_value(obj));
            like_or_announce(db, base, a, fake, announce, 0, res);
            json_decref(fake);
        }
    }
    /* Other activities: accepted, nothing to do. */
}

int64_t fed_announces(db_t *db, const char *work_id)
{
    db_stmt_t *st = db_prepare(db, "SELECT COUNT(*) FROM fed_objects WHERE work_id = :w AND kind = 'announce'");
    db_bind_text(st, ":w", work_id);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return n;
}
