/*
 * peer.h — who the client is: the address rate limits, login throttling and
 * the access log use.
 *
 * Owns the list of trusted proxies (hao.conf: trusted_proxies). Behind a
 * load balancer every connection comes from the balancer, so without this
 * every reader would share one address, one login throttle and one notice
 * rate limit. A connection from a trusted proxy is taken to be on behalf of
 * the address its X-Forwarded-For names: the rightmost entry that is not
 * itself a trusted proxy (entries further left are whatever the client
 * claimed, and a client can claim anything). From any other peer the
 * header is ignored.
 */
#ifndef HAO_PEER_H
#define HAO_PEER_H

#include "core/buf.h"

/* Trust the proxies in spec: IPv4/IPv6 addresses separated by commas or
 * spaces (NULL or empty: none). Main thread, before the loops start. 0, or
 * -1 with err naming the entry that is not an address. */
int peer_trust(const char *spec, buf_t *err);

/* rq_peer (http.h) is implemented here. */

#endif
