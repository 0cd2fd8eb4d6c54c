/*
 * fetch.h — outgoing HTTP for federation (libcurl), treating the other side
 * as hostile: only https (http too in the loopback test mode), at most
 * FED_REDIRECTS redirects, FED_TIMEOUT seconds in all, documents capped at
 * FED_DOC_MAX bytes, and no connection to a private, loopback, link-local,
 * multicast or otherwise non-public address: the address is checked after
 * name resolution, on the connection actually made (so a name that
 * resolves differently the second time gains nothing), for every redirect.
 *
 * Test mode: with the environment variable HAO_FED_LOOPBACK=1 at start,
 * loopback addresses (127.0.0.0/8, ::1) and plain http are allowed, so
 * tests can run a peer on 127.0.0.1. Nothing else is relaxed; the server
 * says so at start.
 *
 * Blocking: call on a pool thread or the delivery thread, never a loop.
 */
#ifndef HAO_FED_FETCH_H
#define HAO_FED_FETCH_H

#include <stddef.h>

#include "core/buf.h"

#define FED_DOC_MAX (1024 * 1024)
#define FED_REDIRECTS 3
#define FED_TIMEOUT 10

/* Whether the test mode is on (read once from the environment). */
int fed_loopback_allowed(void);
/* Whether a numeric address (IPv4 or IPv6 text) may be connected to. */
int fed_addr_public(const char *ip);

/* GET url as ActivityStreams JSON into out (with a terminating NUL). 0 when
 * a 2xx answer with a JSON content type came; else -1 with a short reason
 * in why (static text). */
int fed_get_json(const char *url, buf_t *out, const char **why);
/* POST body to url with the extra headers (each "Name: value"), n of them.
 * Returns the HTTP status, or -1 when no answer came (why says why). */
int fed_post(const char *url, const char *const *headers, int n, const char *body, size_t len, const char **why);

/* fed_post keeping its handle in *handle (NULL at first) between calls, so
 * connections are kept alive and used again; one handle per thread.
 * fed_post_close frees it. */
int fed_post_reuse(void **handle, const char *url, const char *const *headers, int n, const char *body, size_t len,
                   const char **why);
void fed_post_close(void *handle);

#endif
