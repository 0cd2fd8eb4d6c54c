/*
 * deliver.h — delivery of hao's activities to other servers: a queue in
 * fed_deliveries, and a sender thread that signs (HTTP Signatures, draft-
 * cavage rsa-sha256 over (request-target), host, date, digest and
 * content-type) and POSTs each, off the loops.
 *
 * Publishing never waits: callers only queue rows, inside their own
 * transaction. A row is claimed in a write transaction (a conditional
 * UPDATE of its next_at, so on several nodes exactly one claims it), sent
 * outside it, and then marked delivered, or retried with growing delays (1,
 * 2, 4 ... minutes, then every 8 hours) until FED_GIVE_UP seconds after it
 * was queued, when it is dropped and logged. A 4xx answer other than 408
 * and 429 drops it at once (the other side refuses it for good).
 *
 * Owns fed_activities (each activity kept once) and fed_deliveries (one
 * row per inbox). The sender runs on its own threads with their own
 * connections (fed_sender_start/stop from the application's start and
 * stop).
 */
#ifndef HAO_FED_DELIVER_H
#define HAO_FED_DELIVER_H

#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"

#define FED_GIVE_UP (2 * 86400)
#define FED_SENDERS 2
/* The sender threads' nice value: below the loops, so that a publish to
 * many followers does not take the readers' CPU (bench/federation.sh). */
#define FED_SENDER_NICE 10

/* Queue body (an activity, JSON) from creator to inbox. 0 or -1. */
int fed_enqueue(db_t *db, int64_t creator_id, const char *inbox, const char *body);
/* Queue body to every remote follower of creator, once per shared inbox
 * (the actor's own inbox when it has none). Returns how many rows, or -1. */
int fed_enqueue_followers(db_t *db, int64_t creator_id, const char *body);
/* 1 when creator has a follower on another server, 0 not, -1 error. */
int fed_has_remote_followers(db_t *db, int64_t creator_id);
/* Nudge the sender after queueing (any thread; never blocks). */
void fed_sender_wake(void);

int fed_sender_start(const char *data_dir, buf_t *err);
void fed_sender_stop(void);

/* Sign a POST of body to url as creator (handle) of the site at base:
 * fills hdrs with FED_SIGNED_HEADERS malloc'ed "Name: value" lines (free
 * each). 0, or -1 (no key, or a malformed url). Makes the key at first
 * need (slow: not on a loop). */
#define FED_SIGNED_HEADERS 5
int fed_sign_post(db_t *db, const char *base, int64_t creator_id, const char *handle, const char *url,
                  const char *body, size_t len, char *hdrs[FED_SIGNED_HEADERS]);
/* The same with the private key in PEM already at hand. */
int fed_sign_post_with(const char *priv_pem, const char *base, const char *handle, const char *url,
                       const char *body, size_t len, char *hdrs[FED_SIGNED_HEADERS]);
/* The HTTP date of unix time t (IMF-fixdate) into out[40]. */
void fed_http_date(int64_t t, char out[40]);

#endif
