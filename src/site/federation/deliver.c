/*
 * deliver.c — see deliver.h.
 */
#include "site/federation/deliver.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "site/federation/fed.h"
#include "site/federation/fetch.h"
#include "site/federation/keys.h"
#include "site/federation/remote.h"
#include "site/federation/remote_text.h"

/* Keep body once; its id, or 0. */
static int64_t activity(db_t *db, int64_t creator_id, const char *body, int64_t now)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO fed_activities(creator_id, body, created_at) VALUES (:c, :b, :t) "
                                   "RETURNING id");
    db_bind_int(st, ":c", creator_id);
    db_bind_text(st, ":b", body);
    db_bind_int(st, ":t", now);
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return id;
}

int fed_enqueue(db_t *db, int64_t creator_id, const char *inbox, const char *body)
{
    int64_t now = clock_now(), act = activity(db, creator_id, body, now);
    if (!act)
        return -1;
    db_stmt_t *st = db_prepare(db, "INSERT INTO fed_deliveries(activity_id, inbox, next_at, created_at) "
                                   "VALUES (:a, :i, :t, :t)");
    db_bind_int(st, ":a", act);
    db_bind_text(st, ":i", inbox);
    db_bind_int(st, ":t", now);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

int fed_enqueue_followers(db_t *db, int64_t creator_id, const char *body)
{
    int64_t now = clock_now(), act = activity(db, creator_id, body, now);
    if (!act)
        return -1;
    /* One row per distinct inbox. */
    db_stmt_t *st = db_prepare(db, "INSERT INTO fed_deliveries(activity_id, inbox, next_at, created_at) "
                                   "SELECT DISTINCT :a, CASE WHEN a.shared_inbox <> '' THEN a.shared_inbox "
                                   "ELSE a.inbox END, :t, :t FROM follows f "
                                   "JOIN fed_actors a ON a.user_id = f.follower_id WHERE f.followee_id = :c");
    db_bind_int(st, ":a", act);
    db_bind_int(st, ":c", creator_id);
    db_bind_int(st, ":t", now);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? (int)db_changes(db) : -1;
}

int fed_has_remote_followers(db_t *db, int64_t creator_id)
{
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM follows f JOIN fed_actors a ON a.user_id = f.follower_id "
                                   "WHERE f.followee_id = :c LIMIT 1");
    db_bind_int(st, ":c", creator_id);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

void fed_http_date(int64_t t, char out[40])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int fed_sign_post(db_t *db, const char *base, int64_t creator_id, const char *handle, const char *url,
                  const char *body, size_t len, char *hdrs[FED_SIGNED_HEADERS])
{
    char *pub = NULL, *priv = NULL;
    if (fed_key_make(db, creator_id) < 0 || fed_key_get(db, creator_id, &pub, &priv) != 1) {
        free(pub);
        free(priv);
        return -1;
    }
    int rc = fed_sign_post_with(priv, base, handle, url, body, len, hdrs);
    OPENSSL_cleanse(priv, strlen(priv));
    free(pub);
    free(priv);
    return rc;
}

int fed_sign_post_with(const char *priv, const char *base, const char *handle, const char *url, const char *body,
                       size_t len, char *hdrs[FED_SIGNED_HEADERS])
{
    char host[256];
    if (fed_url_host(url, host, sizeof host) < 0)
        return -1;
    const char *path = strstr(url, "://") + 3;
    path += strcspn(path, "/?#");
    if (*path == '#' || !*path)
        path = "/";
    char date[40];
    fed_http_date((int64_t)time(NULL), date);
    buf_t digest = BUF_INIT, str = BUF_INIT, sig = BUF_INIT, line = BUF_INIT;
    fed_digest(body, len, &digest);
    size_t plen = strcspn(path, "#");
    buf_printf(&str, "(request-target): post %.*s\nhost: %s\ndate: %s\ndigest: %s\ncontent-type: %s", /* raw: text */
               (int)plen, path, host, date, buf_cstr(&digest), FED_AS_TYPE);
    int rc = fed_sign(priv, str.p, str.len, &sig);
    if (rc == 0) {
        buf_printf(&line, "Signature: keyId=\"%s/u/%s#main-key\",algorithm=\"rsa-sha256\"," /* raw: text */
                          "headers=\"(request-target) host date digest content-type\",signature=\"%s\"",
                   base, handle, buf_cstr(&sig));
        hdrs[0] = xstrdup(buf_cstr(&line));
        buf_reset(&line);
        buf_printf(&line, "Date: %s", date); /* raw: text */
        hdrs[1] = xstrdup(buf_cstr(&line));
        buf_reset(&line);
        buf_printf(&line, "Digest: %s", buf_cstr(&digest)); /* raw: text */
        hdrs[2] = xstrdup(buf_cstr(&line));
        hdrs[3] = xstrdup("Content-Type: " FED_AS_TYPE);
        hdrs[4] = xstrdup("Accept: " FED_AS_TYPE);
    }
    buf_free(&digest);
    buf_free(&str);
    buf_free(&sig);
    buf_free(&line);
    return rc;
}

/* ---- the sender ---- */

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;
    int stop, running, nthreads, pending;
    pthread_t threads[FED_SENDERS];
    db_t *dbs[FED_SENDERS];
} S = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

void fed_sender_wake(void)
{
    pthread_mutex_lock(&S.mu);
    S.pending = 1;
    pthread_cond_broadcast(&S.wake);
    pthread_mutex_unlock(&S.mu);
}

/* The delay before attempt n+1 after n failed ones. */
static int64_t backoff(int64_t n)
{
    return n < 10 ? 60LL << (n > 0 ? n - 1 : 0) : 8 * 3600;
}

/* Claim one due delivery, send it, record the outcome. 1 when one was
 * handled, 0 when none was due (or another node took it). */
/* What a sender thread keeps between deliveries: its connections, and
 * the last creator's private key (a publish is many deliveries by one
 * creator). */
typedef struct {
    db_t *db;
    void *curl;
    int64_t creator;
    char *priv;
} sender_t;

static int deliver_one(sender_t *s)
{
    db_t *db = s->db;
    int64_t now = clock_now();
    db_stmt_t *st = db_prepare(db, "SELECT id, next_at FROM fed_deliveries WHERE done_at IS NULL AND next_at <= :now "
                                   "ORDER BY next_at, id LIMIT 1");
    db_bind_int(st, ":now", now);
    int64_t id = 0, seen = 0;
    if (db_step(st) == DB_ROW) {
        id = db_col_int(st, 0);
        seen = db_col_int(st, 1);
    }
    db_done(st);
    if (!id || db_begin(db) < 0)
        return 0;
    /* The claim: only one node's UPDATE finds next_at still as seen. It
     * holds the row for ten minutes, after which a crashed sender's claim
     * lapses and the delivery is tried again. */
    st = db_prepare(db, "UPDATE fed_deliveries SET next_at = :lease, attempts = attempts + 1 "
                        "WHERE id = :id AND done_at IS NULL AND next_at = :seen");
    db_bind_int(st, ":lease", now + 600);
    db_bind_int(st, ":id", id);
    db_bind_int(st, ":seen", seen);
    int claimed = db_step(st) == DB_DONE && db_changes(db) == 1;
    db_done(st);
    if (!claimed || db_commit(db) < 0) {
        db_rollback(db);
        return claimed ? 0 : 1; /* lost the race: look again at once */
    }
    st = db_prepare(db, "SELECT a.creator_id, d.inbox, a.body, d.attempts, d.created_at, u.handle "
                        "FROM fed_deliveries d JOIN fed_activities a ON a.id = d.activity_id "
                        "JOIN users u ON u.id = a.creator_id WHERE d.id = :id");
    db_bind_int(st, ":id", id);
    int64_t creator = 0, attempts = 0, created = 0;
    char *inbox = NULL, *body = NULL, *handle = NULL;
    if (db_step(st) == DB_ROW) {
        creator = db_col_int(st, 0);
        inbox = xstrdup(db_col_text(st, 1));
        body = xstrdup(db_col_text(st, 2));
        attempts = db_col_int(st, 3);
        created = db_col_int(st, 4);
        handle = xstrdup(db_col_text(st, 5));
    }
    db_done(st);
    if (!inbox)
        return 1;
    const char *why = NULL;
    int status = -1;
    char *base = fed_base(db);
    char host[256];
    char *hdrs[FED_SIGNED_HEADERS] = {0};
    if (!base)
        why = "federation is off";
    else if (fed_url_host(inbox, host, sizeof host) < 0)
        why = "not an http(s) inbox";
    else if (fed_domain_blocked(db, host))
        why = "blocked domain";
    else {
        if (s->creator != creator || !s->priv) {
            char *pub = NULL;
            if (s->priv)
                OPENSSL_cleanse(s->priv, strlen(s->priv));
            free(s->priv);
            s->priv = NULL;
            s->creator = 0;
            if (fed_key_make(db, creator) == 0 && fed_key_get(db, creator, &pub, &s->priv) == 1)
                s->creator = creator;
            free(pub);
        }
        if (!s->priv || fed_sign_post_with(s->priv, base, handle, inbox, body, strlen(body), hdrs) < 0)
            why = "could not sign";
        else
            status = fed_post_reuse(&s->curl, inbox, (const char *const *)hdrs, FED_SIGNED_HEADERS, body,
                                    strlen(body), &why);
    }
    for (int i = 0; i < FED_SIGNED_HEADERS; i++)
        free(hdrs[i]);
    int ok = status >= 200 && status <= 299;
    int permanent = (status >= 400 && status <= 499 && status != 408 && status != 429) ||
                    (why && (strcmp(why, "federation is off") == 0 || strcmp(why, "blocked domain") == 0 ||
                             strncmp(why, "not an", 6) == 0));
    now = clock_now();
    int give_up = !ok && (permanent || now + backoff(attempts) > created + FED_GIVE_UP);
    char result[160];
    if (ok)
        snprintf(result, sizeof result, "delivered (%d)", status);
    else if (status > 0)
        snprintf(result, sizeof result, "%s: HTTP %d", give_up ? "dropped" : "failed", status);
    else
        snprintf(result, sizeof result, "%s: %s", give_up ? "dropped" : "failed", why ? why : "error");
    if (ok || give_up)
        st = db_prepare(db, "UPDATE fed_deliveries SET done_at = :t, result = :r WHERE id = :id");
    else
        st = db_prepare(db, "UPDATE fed_deliveries SET next_at = :t, result = :r WHERE id = :id");
    db_bind_int(st, ":t", ok || give_up ? now : now + backoff(attempts));
    db_bind_text(st, ":r", result);
    db_bind_int(st, ":id", id);
    db_step(st);
    db_done(st);
    if (give_up)
        fprintf(stderr, "hao: federation: delivery %lld to %s %s after %lld attempts\n", (long long)id, inbox,
                result, (long long)attempts);
    free(base);
    free(inbox);
    free(body);
    free(handle);
    return 1;
}

static void *sender_main(void *arg)
{
    sender_t st = {.db = arg};
    /* Delivery is batch work that may take seconds either way; the loops
     * answer readers who wait. Linux schedules threads one by one, so
     * lowering this thread's priority (its tid as the "process") leaves the
     * page loops first on a busy machine without slowing delivery on an
     * idle one. Failure (EACCES is impossible when raising nice) is
     * harmless: the thread then runs at the loops' priority. */
    if (setpriority(PRIO_PROCESS, (id_t)gettid(), FED_SENDER_NICE) < 0)
        fprintf(stderr, "hao: federation: cannot lower the sender threads' priority\n");
    pthread_mutex_lock(&S.mu);
    while (!S.stop) {
        S.pending = 0;
        pthread_mutex_unlock(&S.mu);
        while (deliver_one(&st)) {
            pthread_mutex_lock(&S.mu);
            int stop = S.stop;
            pthread_mutex_unlock(&S.mu);
            if (stop)
                break;
        }
        pthread_mutex_lock(&S.mu);
        /* Rows queued by another node, or falling due: looked for each
         * second; rows queued here wake the sender at once. */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        if (!S.stop && !S.pending)
            pthread_cond_timedwait(&S.wake, &S.mu, &until);
    }
    pthread_mutex_unlock(&S.mu);
    fed_post_close(st.curl);
    if (st.priv)
        OPENSSL_cleanse(st.priv, strlen(st.priv));
    free(st.priv);
    return NULL;
}

int fed_sender_start(const char *data_dir, buf_t *err)
{
    fed_text_init(); /* before any thread parses remote HTML */
    if (fed_loopback_allowed())
        printf("hao: warning: HAO_FED_LOOPBACK=1 lets federation reach loopback addresses over plain http "
               "(for tests only)\n");
    S.stop = 0;
    for (int i = 0; i < FED_SENDERS; i++) {
        if (db_open(data_dir, 0, &S.dbs[i], err) < 0) {
            fed_sender_stop();
            return -1;
        }
        if (pthread_create(&S.threads[i], NULL, sender_main, S.dbs[i]) != 0) {
            db_close(S.dbs[i]);
            fed_sender_stop();
            buf_lit(err, "cannot start the federation sender threads");
            return -1;
        }
        S.nthreads++;
    }
    S.running = 1;
    return 0;
}

void fed_sender_stop(void)
{
    pthread_mutex_lock(&S.mu);
    S.stop = 1;
    pthread_cond_broadcast(&S.wake);
    pthread_mutex_unlock(&S.mu);
    for (int i = 0; i < S.nthreads; i++) {
        pthread_join(S.threads[i], NULL);
        db_close(S.dbs[i]);
    }
    S.nthreads = 0;
    S.running = 0;
}
