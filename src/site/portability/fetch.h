/*
 * fetch.h — fetching an attachment named by an imported file, treating the
 * URL as hostile. Owned by site/portability; any thread (blocking: the
 * importing thread only).
 *
 * Only http and https; at most PORT_FETCH_MAX bytes; PORT_FETCH_SECONDS in
 * all; no redirects followed; and the address the name resolves to must be
 * public (no loopback, private, link-local, multicast or unspecified
 * address), checked on the connection actually made. The environment
 * variable HAO_IMPORT_FETCH_PRIVATE=1 lifts the address rule, for tests that
 * serve attachments from 127.0.0.1 (documented in the README).
 */
#ifndef HAO_PORT_FETCH_H
#define HAO_PORT_FETCH_H

#include <stddef.h>

#include "core/buf.h"

#define PORT_FETCH_MAX ((size_t)32 << 20)
#define PORT_FETCH_SECONDS 20

/* 0 with *data (malloc'ed) and *len, or -1 with a sentence in err. */
int port_fetch(const char *url, char **data, size_t *len, buf_t *err);
/* 1 when addr (numeric IPv4 or IPv6) is a public unicast address. */
int port_addr_public(const char *addr);

#endif
