/*
 * inbox.h — the inboxes: POST /u/:handle/inbox and the shared POST /inbox.
 *
 * Every POST must carry a valid HTTP Signature, in either of two forms.
 * RFC 9421 (Signature-Input present; sig9421.h): covering @method,
 * @target-uri (or @authority and @path) and content-digest, the
 * Content-Digest the body's SHA-256 or SHA-512, created within
 * FED_DATE_WINDOW seconds of now. Otherwise draft-cavage (as Mastodon
 * signs: rsa-sha256, or hs2019 with an RSA key) covering (request-target),
 * host, date and digest; the Digest must be the body's SHA-256 and the Date
 * within FED_DATE_WINDOW seconds of now. The loop thread checks all that can
 * be checked without the key (media type, JSON, headers, digest, date) and
 * answers 4xx at once; the rest runs on the worker pool: the signer's key
 * from fed_actors, or fetched (remote.h) when unknown or when it no longer
 * verifies (rotated keys: refetched once), the activity's actor the key's
 * owner, the operator's blocked_domains, and then the activity is applied.
 *
 * Answers: 202 applied (or nothing to do), 400 malformed, 401 unsigned or
 * badly signed (unknown key, wrong digest, stale date, actor not the
 * signer), 403 blocked, 404 names a work or account that is not here, 413
 * too large (the route's limit), 415 not ActivityStreams JSON, 503 (with
 * Retry-After) while four posts by signers not known yet are being
 * checked (each fetch may take FED_TIMEOUT seconds on the pool). Nothing
 * changes unless the answer is 202.
 */
#ifndef HAO_FED_INBOX_H
#define HAO_FED_INBOX_H

#include "http/http.h"

#define FED_DATE_WINDOW 3600
#define FED_INBOX_MAX (256 * 1024)

void fed_inbox(hreq_t *r);        /* /u/:handle/inbox */
void fed_shared_inbox(hreq_t *r); /* /inbox */

/* Signatures checked so far by this process, by form: [0] draft-cavage,
 * [1] RFC 9421; ok verified, refused answered 401 (for /metrics). */
void fed_inbox_stats(unsigned long long ok[2], unsigned long long refused[2]);

#endif
