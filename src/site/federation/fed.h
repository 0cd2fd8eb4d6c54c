/*
 * fed.h — ActivityPub federation: what its parts share.
 *
 * Federation is on only once the operator set base_url (the one origin every
 * absolute URL hao emits uses): actors and objects need stable absolute ids,
 * and the request's Host header is not trusted for them. Each handler reads
 * the setting per request (a short read on the loop's connection).
 *
 * URLs of a creator's actor: BASE/u/HANDLE (the same URL as the author page,
 * content-negotiated), BASE/u/HANDLE/inbox, /outbox, /followers, /following,
 * /featured, and the key BASE/u/HANDLE#main-key; a work is BASE/a/ID. The
 * shared inbox is BASE/inbox.
 *
 * Threads: any. Strings returned are malloc'ed unless said otherwise.
 */
#ifndef HAO_FED_H
#define HAO_FED_H

#include "http/http.h"

/* base_url without a trailing slash, malloc'ed; NULL while unset
 * (federation off). */
char *fed_base(db_t *db);
/* The authority (host[:port]) of base, lower case, into out; 0 or -1. */
int fed_host_of(const char *base, char *out, size_t cap);
/* Whether the request asks for ActivityStreams JSON (Accept names
 * application/activity+json, or application/ld+json with the
 * ActivityStreams profile) rather than HTML. */
int fed_wants_as(hreq_t *r);
/* The ActivityStreams media type hao answers with. */
/* NodeInfo's software version. */
#define HAO_FED_SOFTWARE_VERSION "0.1.0"
#define FED_AS_TYPE "application/activity+json"
/* Answer a JSON document built in b with content type ctype. */
void fed_send(hreq_t *r, int status, const char *ctype, buf_t *b);
/* A JSON error answer ({"error":{...}}) whatever the route's style. */
void fed_error(hreq_t *r, int status, const char *code, const char *message);
/* ISO 8601 UTC ("2026-12-05T04:52:21Z") of a unix time, into out[32]. */
void fed_iso8601(int64_t t, char out[32]);

#endif
