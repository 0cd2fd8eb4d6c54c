/* libFuzzer driver: an incoming ActivityPub activity, after its signature
 * checked out: the inbox's reading of the body (jansson, duplicates
 * refused; the actor must be the signer) and fed_apply
 * (src/site/federation/interact.c): Follow, Undo, Create/Update/Delete of a
 * Note (remote HTML to text by remote_text.c), Like, Announce, Delete of the
 * actor, on a real migrated SQLite database with a creator, a published
 * work, a comment and the remote actor's account.
 * Input: one activity, or a JSON array of up to 8 applied in order (a Create
 * then its Update, say). Each input runs inside one transaction that is
 * rolled back, so inputs do not depend on each other.
 * Checked beyond "no crash": the answer is 202 or a 4xx with a message,
 * never a storage error; after each activity the counters equal their rows
 * (comments_count, likes_count, a comment's likes and replies, followers and
 * following) and every kept remote object is the signer's.
 * Owned by ops (issue 17). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "db/db.h"
#include "search/search.h"
#include "site/audience/comment.h"
#include "site/federation/interact.h"
#include "site/federation/remote.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE "https://hao.example"
#define ALICE "https://remote.example/users/alice"

static db_t *db;
static fed_remote_t alice;
static char dir[] = "/tmp/hao-fuzz-fed-XXXXXX";

static void die(const char *what)
{
    fprintf(stderr, "fed_activity: %s\n", what);
    abort();
}

static int64_t exec_id(const char *sql)
{
    db_stmt_t *st = db_prepare(db, sql);
    int rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_col_int(st, 0) : rc == DB_DONE ? 0 : -1;
    db_done(st);
    if (id < 0)
        die(sql);
    return id;
}

static void cleanup(void)
{
    db_close(db);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fed_activity: cannot remove %s\n", dir);
}

/* The site: creator "maker" with work 00000000000000a1 and a comment on it by
 * reader "reader"; alice@remote.example as the federation keeps her; works
 * that refuse her in each way. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    search_init(); /* the database's search index names its tokenizer */
    buf_t err = BUF_INIT;
    if (!mkdtemp(dir) || db_open(dir, 1, &db, &err) < 0)
        die(buf_cstr(&err));
    buf_free(&err);
    atexit(cleanup);
    int64_t maker = exec_id("INSERT INTO users(handle, display_name, role, pass_hash, created_at) "
                            "VALUES ('maker', 'Maker', 'creator', 'x', 1) RETURNING id");
    int64_t reader = exec_id("INSERT INTO users(handle, display_name, role, pass_hash, created_at) "
                             "VALUES ('reader', 'Reader', 'reader', 'x', 1) RETURNING id");
    alice.user_id = exec_id("INSERT INTO users(handle, display_name, role, pass_hash, created_at) "
                            "VALUES ('~0123456789abcdef', '@alice@remote.example', 'reader', '!', 1) RETURNING id");
    exec_id("INSERT INTO works(id, author_id, title, body, status, content_hash, created_at, updated_at, "
            "published_at) VALUES ('00000000000000a1', 1, 't', 'b', 'published', 'h', 1, 1, 1)");
    exec_id("INSERT INTO fed_actors(user_id, uri, acct, host, url, inbox, shared_inbox, key_id, public_pem, "
            "fetched_at) VALUES (3, 'https://remote.example/users/alice', 'alice@remote.example', 'remote.example', "
            "'https://remote.example/@alice', 'https://remote.example/users/alice/inbox', "
            "'https://remote.example/inbox', 'https://remote.example/users/alice#main-key', 'PEM', 1)");
    if (maker != 1 || reader != 2 || alice.user_id != 3)
        die("unexpected account ids");
    /* The refusals' paths: a creator who blocked alice (work ...b2), a
     * draft (...c3), comments closed (...d4), a work taken down (...e5). */
    exec_id("INSERT INTO users(handle, display_name, role, pass_hash, created_at) "
            "VALUES ('blocker', 'Blocker', 'creator', 'x', 1)");
    exec_id("INSERT INTO comment_blocks(creator_id, blocked_id, created_at) VALUES (4, 3, 1)");
    exec_id("INSERT INTO works(id, author_id, title, body, status, content_hash, created_at, updated_at, "
            "published_at) VALUES ('00000000000000b2', 4, 't', 'b', 'published', 'h', 1, 1, 1)");
    exec_id("INSERT INTO works(id, author_id, title, body, status, content_hash, created_at, updated_at) "
            "VALUES ('00000000000000c3', 1, 't', 'b', 'draft', 'h', 1, 1)");
    exec_id("INSERT INTO works(id, author_id, title, body, status, content_hash, created_at, updated_at, "
            "published_at, comments_mode) VALUES ('00000000000000d4', 1, 't', 'b', 'published', 'h', 1, 1, 1, "
            "'closed')");
    exec_id("INSERT INTO works(id, author_id, title, body, status, content_hash, created_at, updated_at, "
            "published_at) VALUES ('00000000000000e5', 1, 't', 'b', 'taken_down', 'h', 1, 1, 1)");
    static const char *limits[] = {"comment_rate_minute", "comment_rate_hour", "comment_addr_rate_minute",
                                   "comment_addr_rate_hour"};
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++)
        if (db_set_setting(db, limits[i], "1000000") < 0)
            die("settings");
    aud_actor_t who = {reader, "192.0.2.1", clock_now()};
    comment_t c;
    aud_err_t e = {0};
    if (comment_post(db, &who, "00000000000000a1", "第一条评论", strlen("第一条评论"), 0, &c, &e) < 0)
        die("comment");
    comment_free(&c);
    alice.uri = ALICE;
    alice.acct = "alice@remote.example";
    alice.host = "remote.example";
    alice.url = "https://remote.example/@alice";
    alice.inbox = ALICE "/inbox";
    alice.shared_inbox = "https://remote.example/inbox";
    alice.key_id = ALICE "#main-key";
    alice.pem = "PEM";
    return 0;
}

/* Counters that differ from their rows, and objects kept for another actor. */
static const char *drift(void)
{
    static const struct {
        const char *what, *sql;
    } q[] = {
        {"works.comments_count", "SELECT count(*) FROM works w WHERE comments_count <> "
                                 "(SELECT count(*) FROM comments c WHERE c.work_id = w.id AND c.status = 'published')"},
        {"works.likes_count", "SELECT count(*) FROM works w WHERE likes_count <> "
                              "(SELECT count(*) FROM work_likes l WHERE l.work_id = w.id)"},
        {"comments.likes", "SELECT count(*) FROM comments c WHERE likes <> "
                           "(SELECT count(*) FROM comment_likes l WHERE l.comment_id = c.id)"},
        {"comments.replies", "SELECT count(*) FROM comments c WHERE c.parent_id IS NULL AND replies <> "
                             "(SELECT count(*) FROM comments r WHERE r.parent_id = c.id AND r.status = 'published')"},
        {"users.followers_count", "SELECT count(*) FROM users u WHERE followers_count <> "
                                  "(SELECT count(*) FROM follows f WHERE f.followee_id = u.id)"},
        {"users.following_count", "SELECT count(*) FROM users u WHERE following_count <> "
                                  "(SELECT count(*) FROM follows f WHERE f.follower_id = u.id)"},
        {"fed_objects of another actor", "SELECT count(*) FROM fed_objects WHERE actor_id <> 3"},
    };
    for (size_t i = 0; i < sizeof q / sizeof *q; i++)
        if (exec_id(q[i].sql) != 0)
            return q[i].what;
    return NULL;
}

/* What inbox_work does with a verified body's activity. */
static void apply(json_t *act)
{
    const char *type = json_string_value(json_object_get(act, "type"));
    const char *actor = fed_json_id(act, "actor");
    if (!json_is_object(act) || !type || !actor || strcmp(actor, alice.uri) != 0)
        return; /* the inbox answers 400 or 401 before fed_apply */
    fed_apply_t res = {202, ""};
    fed_apply(db, BASE, &alice, act, &res);
    if (getenv("FED_ACTIVITY_VERBOSE")) /* what each seed does */
        fprintf(stderr, "%s: %d %s\n", type, res.status, res.msg);
    if (res.status != 202 && (res.status < 400 || res.status >= 500 || !res.msg[0])) {
        fprintf(stderr, "fed_activity: answered %d \"%s\"\n", res.status, res.msg);
        abort();
    }
    const char *d = drift();
    if (d) {
        fprintf(stderr, "fed_activity: %s differs from its rows\n", d);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        return 0;
    if (db_begin_all(db) < 0)
        die("begin");
    if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j) && i < 8; i++)
            apply(json_array_get(j, i));
    } else {
        apply(j);
    }
    db_rollback_all(db);
    json_decref(j);
    return 0;
}
