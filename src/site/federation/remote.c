/*
 * remote.c — see remote.h.
 */
#include "site/federation/remote.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/alloc.h"
#include "core/token.h"
#include "site/federation/fetch.h"

void fed_remote_free(fed_remote_t *a)
{
    free(a->uri);
    free(a->acct);
    free(a->host);
    free(a->url);
    free(a->inbox);
    free(a->shared_inbox);
    free(a->key_id);
    free(a->pem);
    memset(a, 0, sizeof *a);
}

#define COLS "user_id, uri, acct, host, url, inbox, shared_inbox, key_id, public_pem, fetched_at"

static int load(db_stmt_t *st, fed_remote_t *out)
{
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->user_id = db_col_int(st, 0);
        out->uri = xstrdup(db_col_text(st, 1));
        out->acct = xstrdup(db_col_text(st, 2));
        out->host = xstrdup(db_col_text(st, 3));
        out->url = xstrdup(db_col_text(st, 4));
        out->inbox = xstrdup(db_col_text(st, 5));
        out->shared_inbox = xstrdup(db_col_text(st, 6));
        out->key_id = xstrdup(db_col_text(st, 7));
        out->pem = xstrdup(db_col_text(st, 8));
        out->fetched_at = db_col_int(st, 9);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int fed_remote_by_key(db_t *db, const char *key_id, fed_remote_t *out)
{
    db_stmt_t *st = db_prepare(db, "SELECT " COLS " FROM fed_actors WHERE key_id = :k");
    db_bind_text(st, ":k", key_id);
    return load(st, out);
}

int fed_remote_by_uri(db_t *db, const char *uri, fed_remote_t *out)
{
    db_stmt_t *st = db_prepare(db, "SELECT " COLS " FROM fed_actors WHERE uri = :u");
    db_bind_text(st, ":u", uri);
    return load(st, out);
}

int fed_url_host(const char *url, char *out, size_t cap)
{
    const char *p = strncmp(url, "https://", 8) == 0 ? url + 8 : strncmp(url, "http://", 7) == 0 ? url + 7 : NULL;
    if (!p)
        return -1;
    size_t n = strcspn(p, "/?#");
    if (n == 0 || n >= cap || memchr(p, '@', n))
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!(isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
            return -1;
        out[i] = (char)tolower(c);
    }
    out[n] = '\0';
    return 0;
}

int fed_domain_blocked(db_t *db, const char *host)
{
    char *list = db_setting(db, "blocked_domains", "");
    char h[256];
    snprintf(h, sizeof h, "%s", host);
    char *colon = strrchr(h, ':');
    if (colon && !strchr(h, ']'))
        *colon = '\0';
    int blocked = 0;
    for (char *save = NULL, *t = strtok_r(list, ", \t\r\n", &save); t && !blocked;
         t = strtok_r(NULL, ", \t\r\n", &save)) {
        size_t tn = strlen(t), hn = strlen(h);
        if (strcasecmp(t, h) == 0 || (hn > tn && h[hn - tn - 1] == '.' && strcasecmp(h + hn - tn, t) == 0))
            blocked = 1;
    }
    free(list);
    return blocked;
}

/* A string member, or a member that is an object with a string "id". */
static const char *str_or_id(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (json_is_object(v))
        v = json_object_get(v, "id");
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int valid_url(const char *u, const char *host)
{
    char h[256];
    return u && strlen(u) < 2048 && fed_url_host(u, h, sizeof h) == 0 && (!host || strcmp(h, host) == 0);
}

/* The user part of @user@host: a preferredUsername of word characters,
 * dots and hyphens; anything else is shown as "user". */
static const char *safe_name(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return "user";
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-'))
            return "user";
    return s;
}

/* Store or refresh a checked actor; out->user_id set. 0 or -1. */
static int store(db_t *db, fed_remote_t *a)
{
    if (db_begin(db) < 0)
        return -1;
    db_stmt_t *st = db_prepare(db, "SELECT user_id FROM fed_actors WHERE uri = :u");
    db_bind_text(st, ":u", a->uri);
    int rc = db_step(st);
    a->user_id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc == DB_ERROR)
        goto fail;
    int64_t now = (int64_t)time(NULL);
    char disp[300];
    snprintf(disp, sizeof disp, "@%s", a->acct);
    if (!a->user_id) {
        char hash[65], handle[32];
        token_sha256_hex(a->uri, hash);
        snprintf(handle, sizeof handle, "~%.16s", hash);
        st = db_prepare(db, "INSERT INTO users(handle, display_name, role, pass_hash, created_at) "
                            "VALUES (:h, :n, 'reader', '!', :t) RETURNING id");
        db_bind_text(st, ":h", handle);
        db_bind_text(st, ":n", disp);
        db_bind_int(st, ":t", now);
        rc = db_step(st);
        a->user_id = rc == DB_ROW ? db_col_int(st, 0) : 0;
        db_done(st);
        if (!a->user_id)
            goto fail;
        st = db_prepare(db, "INSERT INTO fed_actors(user_id, uri, acct, host, url, inbox, shared_inbox, key_id, "
                            "public_pem, fetched_at) VALUES (:id, :uri, :acct, :host, :url, :inbox, :shared, :key, "
                            ":pem, :t)");
    } else {
        st = db_prepare(db, "UPDATE fed_actors SET uri = :uri, acct = :acct, host = :host, url = :url, "
                            "inbox = :inbox, shared_inbox = :shared, key_id = :key, public_pem = :pem, "
                            "fetched_at = :t WHERE user_id = :id");
    }
    db_bind_int(st, ":id", a->user_id);
    db_bind_text(st, ":uri", a->uri);
    db_bind_text(st, ":acct", a->acct);
    db_bind_text(st, ":host", a->host);
    db_bind_text(st, ":url", a->url);
    db_bind_text(st, ":inbox", a->inbox);
    db_bind_text(st, ":shared", a->shared_inbox);
    db_bind_text(st, ":key", a->key_id);
    db_bind_text(st, ":pem", a->pem);
    db_bind_int(st, ":t", now);
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        goto fail;
    st = db_prepare(db, "UPDATE users SET display_name = :n WHERE id = :id");
    db_bind_text(st, ":n", disp);
    db_bind_int(st, ":id", a->user_id);
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_commit(db) < 0)
        goto fail;
    a->fetched_at = now;
    return 0;
fail:
    db_rollback(db);
    return -1;
}

/* One document fetched from host while looking for an actor: the actor
 * (1: *actor takes j), or a key document whose owner is fetched next (0:
 * doc_url is the owner, want_key the key's id unless already set); -1 with
 * why. j is the caller's on 0 and -1. */
static int doc_read(json_t *j, const char *host, char want_key[2048], char doc_url[2048], json_t **actor,
                    const char **why)
{
    if (!json_is_object(j)) {
        *why = "malformed JSON";
        return -1;
    }
    const char *id = str_or_id(j, "id");
    if (!valid_url(id, host)) {
        *why = "document id not on the host it came from";
        return -1;
    }
    if (json_object_get(j, "inbox")) {
        *actor = j;
        return 1;
    }
    /* A key document: its owner is the actor. */
    const char *owner = str_or_id(j, "owner");
    if (!want_key[0])
        snprintf(want_key, 2048, "%s", id);
    if (!valid_url(owner, host)) {
        *why = "no actor";
        return -1;
    }
    snprintf(doc_url, 2048, "%s", owner);
    return 0;
}

/* The actor document's fields into out, checked (an inbox, the key
 * want_key or its only key, owned by the actor, on the actor's host); not
 * stored. 0, or -1 with why and out untouched. */
static int actor_read(json_t *actor, const char *want_key, fed_remote_t *out, const char **why)
{
    char host[256];
    const char *id = str_or_id(actor, "id"), *inbox = str_or_id(actor, "inbox");
    if (!id || fed_url_host(id, host, sizeof host) < 0) {
        *why = "document id not on the host it came from";
        return -1;
    }
    json_t *endpoints = json_object_get(actor, "endpoints");
    const char *shared = json_is_object(endpoints) ? str_or_id(endpoints, "sharedInbox") : NULL;
    json_t *keys = json_object_get(actor, "publicKey");
    json_t *key = NULL;
    if (json_is_array(keys)) {
        size_t i;
        json_t *k;
        json_array_foreach(keys, i, k) if (json_is_object(k) && (!want_key[0] || (str_or_id(k, "id") &&
                                                                                 strcmp(str_or_id(k, "id"), want_key) == 0)))
        {
            key = k;
            break;
        }
    } else if (json_is_object(keys)) {
        key = keys;
    }
    const char *kid = key ? str_or_id(key, "id") : NULL, *owner = key ? str_or_id(key, "owner") : NULL;
    json_t *pem = key ? json_object_get(key, "publicKeyPem") : NULL;
    const char *why_not = NULL;
    if (!valid_url(inbox, NULL) || (shared && !valid_url(shared, NULL)))
        why_not = "actor without an inbox";
    else if (!kid || !json_is_string(pem) || json_string_length(pem) > 8192)
        why_not = "actor without a public key";
    else if (want_key[0] && strcmp(kid, want_key) != 0)
        why_not = "the key is not the actor's";
    else if (owner && strcmp(owner, id) != 0)
        why_not = "the key's owner is not the actor";
    else if (!valid_url(kid, host))
        why_not = "the key is on another host";
    if (why_not) {
        *why = why_not;
        return -1;
    }
    const char *name = json_string_value(json_object_get(actor, "preferredUsername"));
    const char *page = str_or_id(actor, "url");
    char acct[400];
    snprintf(acct, sizeof acct, "%s@%s", safe_name(name), host);
    out->uri = xstrdup(id);
    out->acct = xstrdup(acct);
    out->host = xstrdup(host);
    out->url = xstrdup(valid_url(page, host) ? page : id); /* on its own host: /u/~HASH redirects there */
    out->inbox = xstrdup(inbox);
    out->shared_inbox = xstrdup(shared ? shared : "");
    out->key_id = xstrdup(kid);
    out->pem = xstrdup(json_string_value(pem));
    return 0;
}

int fed_remote_fetch(db_t *db, const char *url, fed_remote_t *out, const char **why)
{
    memset(out, 0, sizeof *out);
    char want_key[2048] = "";
    char doc_url[2048];
    if (strlen(url) >= sizeof doc_url) {
        *why = "URL too long";
        return -1;
    }
    snprintf(doc_url, sizeof doc_url, "%s", url);
    if (strchr(url, '#'))
        snprintf(want_key, sizeof want_key, "%s", url);
    doc_url[strcspn(doc_url, "#")] = '\0';
    json_t *actor = NULL;
    for (int hop = 0; hop < 2 && !actor; hop++) {
        char host[256];
        if (fed_url_host(doc_url, host, sizeof host) < 0) {
            *why = "not an http(s) URL";
            return -1;
        }
        buf_t b = BUF_INIT;
        if (fed_get_json(doc_url, &b, why) < 0) {
            buf_free(&b);
            return -1;
        }
        json_error_t jerr;
        json_t *j = json_loadb(b.p ? b.p : "", b.len, JSON_REJECT_DUPLICATES, &jerr);
        buf_free(&b);
        int rc = doc_read(j, host, want_key, doc_url, &actor, why);
        if (rc < 1)
            json_decref(j);
        if (rc < 0)
            return -1;
    }
    if (!actor) {
        *why = "no actor";
        return -1;
    }
    int rc = actor_read(actor, want_key, out, why);
    json_decref(actor);
    if (rc < 0)
        return -1;
    if (store(db, out) < 0) {
        fed_remote_free(out);
        *why = "storage error";
        return -1;
    }
    return 0;
}
