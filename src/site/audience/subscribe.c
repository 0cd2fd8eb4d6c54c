/*
 * subscribe.c — see subscribe.h.
 */
#include "site/audience/subscribe.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "core/token.h"
#include "site/ops/mail.h"

#define SUB_COLS "s.id, s.creator_id, u.handle, s.address, s.mode, s.status, s.token_at"

static int64_t fill(db_stmt_t *st, subscribe_t *s)
{
    memset(s, 0, sizeof *s);
    s->id = db_col_int(st, 0);
    s->creator_id = db_col_int(st, 1);
    snprintf(s->creator_handle, sizeof s->creator_handle, "%s", db_col_text(st, 2));
    snprintf(s->address, sizeof s->address, "%s", db_col_text(st, 3));
    snprintf(s->mode, sizeof s->mode, "%s", db_col_text(st, 4));
    snprintf(s->status, sizeof s->status, "%s", db_col_text(st, 5));
    return db_col_int(st, 6);
}

static int internal(aud_err_t *e)
{
    return aud_fail(e, 500, "internal", "err.internal", NULL);
}

/* The stored form of an address: trimmed, ASCII lower case; 0 when it is
 * not one address. */
static int normal_address(const char *in, char out[255])
{
    const char *p = in ? in : "";
    size_t n = strlen(p);
    text_trim(&p, &n);
    if (n >= 255)
        return 0;
    for (size_t i = 0; i < n; i++)
        out[i] = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] + 32) : p[i];
    out[n] = 0;
    return mail_address_ok(out);
}

/* Give s a fresh confirmation token (in s->token) and store its hash. */
static int new_token(db_t *db, subscribe_t *s, int64_t now)
{
    char hash[65];
    token_new(s->token, sizeof s->token, hash);
    db_stmt_t *st = db_prepare(db, "UPDATE email_subscriptions SET token_hash = :h, token_at = :t WHERE id = :id");
    db_bind_text(st, ":h", hash);
    db_bind_int(st, ":t", now);
    db_bind_int(st, ":id", s->id);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* Inside the transaction: create, renew or leave the subscription. */
static int request_tx(db_t *db, const aud_user_t *c, const char *address, const char *mode, int64_t now,
                      subscribe_t *out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO email_subscriptions(creator_id, address, mode, status, token_at, "
                                   "created_at) VALUES (:c, :a, :m, 'pending', 0, :t) ON CONFLICT DO NOTHING");
    db_bind_int(st, ":c", c->id);
    db_bind_text(st, ":a", address);
    db_bind_text(st, ":m", mode);
    db_bind_int(st, ":t", now);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    st = db_prepare(db, "SELECT " SUB_COLS " FROM email_subscriptions s JOIN users u ON u.id = s.creator_id "
                        "WHERE s.creator_id = :c AND s.address = :a");
    db_bind_int(st, ":c", c->id);
    db_bind_text(st, ":a", address);
    rc = db_step(st);
    int64_t token_at = rc == DB_ROW ? fill(st, out) : 0;
    db_done(st);
    if (rc != DB_ROW)
        return -1;
    if (strcmp(out->status, "confirmed") == 0)
        return 0; /* changes nothing, not even the mode */
    if (strcmp(out->status, "pending") == 0 && token_at && now - token_at < SUB_RESEND_PAUSE)
        return 0; /* a confirmation went out a moment ago */
    st = db_prepare(db, "UPDATE email_subscriptions SET status = 'pending', mode = :m, confirmed_at = NULL "
                        "WHERE id = :id");
    db_bind_text(st, ":m", mode);
    db_bind_int(st, ":id", out->id);
    rc = db_step(st);
    db_done(st);
    snprintf(out->status, sizeof out->status, "pending");
    snprintf(out->mode, sizeof out->mode, "%s", mode);
    return rc == DB_DONE ? new_token(db, out, now) : -1;
}

int subscribe_request(db_t *db, const char *creator_handle, const char *address, const char *mode, int64_t now,
                      subscribe_t *out, aud_err_t *e)
{
    memset(out, 0, sizeof *out);
    if (!mode || !*mode)
        mode = "new";
    if (strcmp(mode, "new") != 0 && strcmp(mode, "digest") != 0)
        return aud_fail(e, 422, "invalid", "subscribe.err.mode", "mode");
    char addr[255];
    if (!normal_address(address, addr))
        return aud_fail(e, 422, "invalid", "mail.err.address", "email");
    aud_user_t c;
    int rc = aud_user_by_handle(db, creator_handle, &c);
    if (rc < 0)
        return internal(e);
    if (rc == 0 || !c.creator || !c.active)
        return aud_fail(e, 404, "no_user", "aud.err.no_user", NULL);
    if (db_begin(db) < 0)
        return aud_fail(e, 503, "busy", "err.internal", NULL);
    if (request_tx(db, &c, addr, mode, now, out) < 0 || db_commit(db) < 0) {
        db_rollback(db);
        memset(out, 0, sizeof *out);
        return internal(e);
    }
    return 0;
}

int subscribe_confirm(db_t *db, const char *token, int64_t now, subscribe_t *out, aud_err_t *e)
{
    memset(out, 0, sizeof *out);
    if (!token || strlen(token) != SUB_TOKEN_LEN)
        return aud_fail(e, 400, "bad_token", "subscribe.err.token", "token");
    char hash[65];
    token_sha256_hex(token, hash);
    if (db_begin(db) < 0)
        return aud_fail(e, 503, "busy", "err.internal", NULL);
    db_stmt_t *st = db_prepare(db, "SELECT " SUB_COLS " FROM email_subscriptions s JOIN users u ON u.id = s.creator_id "
                                   "WHERE s.token_hash = :h");
    db_bind_text(st, ":h", hash);
    int rc = db_step(st);
    int64_t token_at = rc == DB_ROW ? fill(st, out) : 0;
    db_done(st);
    int fail = 0;
    if (rc == DB_ERROR)
        fail = internal(e);
    else if (rc != DB_ROW)
        fail = aud_fail(e, 400, "bad_token", "subscribe.err.token", "token");
    else if (strcmp(out->status, "pending") == 0 && now - token_at > SUB_CONFIRM_TTL)
        fail = aud_fail(e, 400, "expired", "subscribe.err.expired", "token");
    if (!fail && strcmp(out->status, "pending") == 0) {
        st = db_prepare(db, "UPDATE email_subscriptions SET status = 'confirmed', confirmed_at = :t WHERE id = :id");
        db_bind_int(st, ":t", now);
        db_bind_int(st, ":id", out->id);
        rc = db_step(st);
        db_done(st);
        fail = rc == DB_DONE ? 0 : internal(e);
        snprintf(out->status, sizeof out->status, "confirmed");
    }
    if (fail || db_commit(db) < 0) {
        db_rollback(db);
        memset(out, 0, sizeof *out);
        return fail ? -1 : internal(e);
    }
    return 0;
}

/* The hex HMAC-SHA256 of the subscription's identity under key. */
static void unsub_mac(const unsigned char key[SUB_SECRET_LEN], int64_t id, const char *address, char hex[65])
{
    char msg[320];
    int n = snprintf(msg, sizeof msg, "hao-unsubscribe\n%lld\n%s", (long long)id, address);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state s;
    crypto_auth_hmacsha256_init(&s, key, SUB_SECRET_LEN);
    crypto_auth_hmacsha256_update(&s, (const unsigned char *)msg, (unsigned long long)(n < 0 ? 0 : n));
    crypto_auth_hmacsha256_final(&s, mac);
    sodium_bin2hex(hex, 65, mac, sizeof mac);
}

void subscribe_unsub_token(const unsigned char key[SUB_SECRET_LEN], int64_t id, const char *address,
                           char out[SUB_UNSUB_TOKEN_MAX])
{
    char hex[65];
    unsub_mac(key, id, address, hex);
    snprintf(out, SUB_UNSUB_TOKEN_MAX, "%lld.%s", (long long)id, hex);
}

int subscribe_unsubscribe(db_t *db, const unsigned char key[SUB_SECRET_LEN], const char *token, int64_t now,
                          subscribe_t *out, aud_err_t *e)
{
    memset(out, 0, sizeof *out);
    int64_t id = 0;
    const char *p = token ? token : "";
    while (*p >= '0' && *p <= '9' && id < INT64_MAX / 10 - 10)
        id = id * 10 + (*p++ - '0');
    if (p == token || *p != '.' || strlen(p + 1) != 64)
        return aud_fail(e, 400, "bad_token", "subscribe.err.token", "token");
    if (db_begin(db) < 0)
        return aud_fail(e, 503, "busy", "err.internal", NULL);
    db_stmt_t *st = db_prepare(db, "SELECT " SUB_COLS " FROM email_subscriptions s JOIN users u ON u.id = s.creator_id "
                                   "WHERE s.id = :id");
    db_bind_int(st, ":id", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        fill(st, out);
    db_done(st);
    int fail = 0;
    char want[65];
    if (rc == DB_ROW)
        unsub_mac(key, out->id, out->address, want);
    if (rc == DB_ERROR)
        fail = internal(e);
    else if (rc != DB_ROW || sodium_memcmp(want, p + 1, 64) != 0)
        fail = aud_fail(e, 400, "bad_token", "subscribe.err.token", "token");
    if (!fail && strcmp(out->status, "unsubscribed") != 0) {
        st = db_prepare(db, "UPDATE email_subscriptions SET status = 'unsubscribed', unsubscribed_at = :t, "
                            "token_hash = '' WHERE id = :id");
        db_bind_int(st, ":t", now);
        db_bind_int(st, ":id", out->id);
        rc = db_step(st);
        db_done(st);
        fail = rc == DB_DONE ? 0 : internal(e);
        snprintf(out->status, sizeof out->status, "unsubscribed");
    }
    if (fail || db_commit(db) < 0) {
        db_rollback(db);
        memset(out, 0, sizeof *out);
        return fail ? -1 : internal(e);
    }
    return 0;
}

int64_t subscribe_count(db_t *db, int64_t creator_id)
{
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM email_subscriptions WHERE creator_id = :c "
                                   "AND status = 'confirmed'");
    db_bind_int(st, ":c", creator_id);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return n;
}

int subscribe_batch(db_t *db, int64_t creator_id, const char *mode, int64_t after, int limit, subscribe_batch_t *out)
{
    memset(out, 0, sizeof *out);
    if (limit < 1 || limit > 1000)
        return -1;
    db_stmt_t *st = db_prepare(db, "SELECT " SUB_COLS " FROM email_subscriptions s JOIN users u ON u.id = s.creator_id "
                                   "WHERE s.creator_id = :c AND s.status = 'confirmed' AND s.mode = :m "
                                   "AND s.id > :after ORDER BY s.id LIMIT :lim");
    db_bind_int(st, ":c", creator_id);
    db_bind_text(st, ":m", mode);
    db_bind_int(st, ":after", after);
    db_bind_int(st, ":lim", limit);
    out->items = xcalloc((size_t)limit, sizeof(subscribe_t));
    int rc;
    while ((rc = db_step(st)) == DB_ROW && out->n < limit)
        fill(st, &out->items[out->n++]);
    db_done(st);
    if (rc == DB_ERROR) {
        subscribe_batch_free(out);
        return -1;
    }
    return 0;
}

void subscribe_batch_free(subscribe_batch_t *b)
{
    free(b->items);
    memset(b, 0, sizeof *b);
}
