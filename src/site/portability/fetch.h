/*
 * fetch.h — fetching a picture named by an imported file (a WordPress
 * attachment URL, an <img src>), treating the URL as hostile. Owned by
 * site/portability; blocking, so only on the importing thread (the CLI or
 * the import job's thread, worker.h), never a loop thread.
 *
 * The rules are the federation's outgoing ones (site/federation/fetch.h),
 * with its address check itself: every connection libcurl would make,
 * redirects included, goes to a public unicast address only (no loopback,
 * private, link-local, multicast, unspecified, CGNAT or NAT64 address),
 * checked on the resolved address actually connected to. At most
 * FED_REDIRECTS redirects, PORT_FETCH_MAX bytes, PORT_FETCH_SECONDS in
 * all; http and https only (old blogs serve their uploads over http).
 * The federation's test mode, HAO_FED_LOOPBACK=1 in the environment, also
 * allows loopback here (tests serve pictures from 127.0.0.1); nothing else.
 */
#ifndef HAO_PORT_FETCH_H
#define HAO_PORT_FETCH_H

#include <stddef.h>

#include "core/buf.h"

#define PORT_FETCH_MAX ((size_t)32 << 20)
#define PORT_FETCH_SECONDS 20

/* 0 with *data (malloc'ed, NUL after the bytes) and *len, or -1 with a
 * sentence in err. */
int port_fetch(const char *url, char **data, size_t *len, buf_t *err);

#endif
