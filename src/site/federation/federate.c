/*
 * federate.c — see federate.h.
 */
#include "site/federation/federate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "site/federation/actor.h"
#include "site/federation/deliver.h"
#include "site/federation/fed.h"
#include "site/works/work.h"

/* The activity of kind about work id (object: its JSON) into b. */
static void wrap(buf_t *b, const char *base, const char *handle, const char *id, const char *kind, int rev,
                 const char *object, size_t olen)
{
    buf_t actor = BUF_INIT, tmp = BUF_INIT;
    fed_actor_url(base, handle, &actor);
    buf_lit(b, "{\"@context\":[\"https://www.w3.org/ns/activitystreams\",\"https://w3id.org/security/v1\"],\"id\":");
    buf_printf(&tmp, "%s/a/%s#%s-%d-%lld", base, id, kind, rev, (long long)clock_now()); /* raw: URL */
    buf_json_strz(b, buf_cstr(&tmp));
    buf_lit(b, ",\"type\":");
    buf_json_strz(b, kind);
    buf_lit(b, ",\"actor\":");
    buf_json_strz(b, buf_cstr(&actor));
    buf_lit(b, ",\"to\":[\"" FED_PUBLIC "\"],\"cc\":[");
    buf_reset(&tmp);
    buf_printf(&tmp, "%s/followers", buf_cstr(&actor)); /* raw: URL */
    buf_json_strz(b, buf_cstr(&tmp));
    buf_lit(b, "],\"object\":");
    buf_raw(b, object, olen); /* raw: JSON built by actor.c */
    buf_lit(b, "}");
    buf_free(&actor);
    buf_free(&tmp);
}

int fed_work_changed(db_t *db, const char *work_id)
{
    char *base = fed_base(db);
    if (!base)
        return 0;
    db_stmt_t *st = db_prepare(db, "SELECT w.status, w.author_id, u.handle, w.rev, f.state FROM works w "
                                   "JOIN users u ON u.id = w.author_id "
                                   "LEFT JOIN fed_works f ON f.work_id = w.id WHERE w.id = :id");
    db_bind_text(st, ":id", work_id);
    int rc = db_step(st);
    char status[16] = "", handle[32] = "", state[16] = "";
    int64_t author = 0;
    int rev = 0;
    if (rc == DB_ROW) {
        snprintf(status, sizeof status, "%s", db_col_text(st, 0));
        author = db_col_int(st, 1);
        snprintf(handle, sizeof handle, "%s", db_col_text(st, 2));
        rev = (int)db_col_int(st, 3);
        snprintf(state, sizeof state, "%s", db_col_text(st, 4));
    }
    db_done(st);
    if (rc != DB_ROW) {
        free(base);
        return rc == DB_DONE ? 0 : -1;
    }
    int published = strcmp(status, "published") == 0, told = strcmp(state, "created") == 0;
    if (!published && !told) {
        free(base);
        return 0;
    }
    const char *kind = !published ? "Delete" : told ? "Update" : "Create";
    st = db_prepare(db, "INSERT INTO fed_works(work_id, state, updated_at) VALUES (:id, :s, :t) "
                        "ON CONFLICT (work_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at");
    db_bind_text(st, ":id", work_id);
    db_bind_text(st, ":s", published ? "created" : "deleted");
    db_bind_int(st, ":t", clock_now());
    rc = db_step(st) == DB_DONE ? 0 : -1;
    db_done(st);
    int has = rc == 0 ? fed_has_remote_followers(db, author) : -1;
    if (has == 1) {
        buf_t obj = BUF_INIT, act = BUF_INIT;
        if (published) {
            work_t w;
            int g = work_get(db, work_id, &w);
            if (g != 1 || fed_article_json(db, base, &w, 0, &obj) < 0)
                rc = -1;
            if (g == 1)
                work_free(&w);
        } else {
            fed_tombstone_json(base, work_id, 0, &obj);
        }
        if (rc == 0) {
            wrap(&act, base, handle, work_id, kind, rev, obj.p, obj.len);
            if (fed_enqueue_followers(db, author, buf_cstr(&act)) < 0)
                rc = -1;
            else
                fed_sender_wake();
        }
        buf_free(&obj);
        buf_free(&act);
    } else if (has < 0) {
        rc = -1;
    }
    free(base);
    return rc;
}
