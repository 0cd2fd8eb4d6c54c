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
#include "site/audience/follow.h"
#include "site/federation/actor.h"
#include "site/federation/deliver.h"
#include "site/federation/fed.h"

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

void fed_apply(db_t *db, const char *base, const fed_remote_t *a, json_t *act, fed_apply_t *res)
{
    const char *type = json_string_value(json_object_get(act, "type"));
    set(res, 202, "");
    if (strcmp(type, "Follow") == 0) {
        follow(db, base, a, act, 1, res);
    } else if (strcmp(type, "Undo") == 0) {
        json_t *obj = json_object_get(act, "object");
        const char *otype = json_is_object(obj) ? json_string_value(json_object_get(obj, "type")) : NULL;
        if (otype && strcmp(otype, "Follow") == 0) {
            const char *oactor = fed_json_id(obj, "actor");
            if (oactor && strcmp(oactor, a->uri) != 0)
                set(res, 401, "an actor may undo only its own activities");
            else
                follow(db, base, a, obj, 0, res);
        }
    }
    /* Other activities: accepted, nothing to do. */
}
