/*
 * remote.h — the other servers' actors as hao knows them: fetched (fetch.h),
 * checked, and kept in fed_actors, each with a local account (role reader,
 * handle "~" and 16 hex digits, no password, display name "@user@host")
 * through which its follows, likes and comments go by the audience rules.
 *
 * Owns fed_actors and those accounts. Blocking (network): pool threads and
 * the delivery thread only.
 */
#ifndef HAO_FED_REMOTE_H
#define HAO_FED_REMOTE_H

#include <stdint.h>

#include "db/db.h"

typedef struct {
    int64_t user_id; /* the local account standing for it */
    char *uri, *acct, *host, *url, *inbox, *shared_inbox, *key_id, *pem;
    int64_t fetched_at;
} fed_remote_t;

void fed_remote_free(fed_remote_t *a);
/* From the store, by key id or by actor URI. 1 found, 0 not, -1 error. */
int fed_remote_by_key(db_t *db, const char *key_id, fed_remote_t *out);
int fed_remote_by_uri(db_t *db, const char *uri, fed_remote_t *out);
/* Fetch the actor owning key id (or the actor at that URI when the
 * document is an actor), check it (its id on the host it was fetched from,
 * the key's owner the actor, an inbox), and store or refresh it. 0 with
 * *out, or -1 with a reason. */
int fed_remote_fetch(db_t *db, const char *url, fed_remote_t *out, const char **why);
/* The host (lower case, without port... with port kept) of an http(s) URL
 * into out; 0 or -1. */
int fed_url_host(const char *url, char *out, size_t cap);
/* Whether host is in the operator's blocked_domains (or under one). */
int fed_domain_blocked(db_t *db, const char *host);

#endif
