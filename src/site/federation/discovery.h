/*
 * discovery.h — how other servers find hao's creators: WebFinger (RFC 7033)
 * for acct:HANDLE@HOST, NodeInfo 2.1 (with its /.well-known/nodeinfo index)
 * and host-meta (the XRD pointing to WebFinger, for older software).
 *
 * All answer 404 while base_url is unset (federation off). Loop thread,
 * small reads on the loop's connection.
 */
#ifndef HAO_FED_DISCOVERY_H
#define HAO_FED_DISCOVERY_H

#include "http/http.h"

/* GET /.well-known/webfinger?resource=acct:HANDLE@HOST (or the actor's URL).
 * 400 without resource or with a malformed one, 404 for another host or an
 * account that is not a creator. */
void fed_webfinger(hreq_t *r);
/* GET /.well-known/nodeinfo: the links to the schema documents. */
void fed_nodeinfo_index(hreq_t *r);
/* GET /nodeinfo/2.1 */
void fed_nodeinfo(hreq_t *r);
/* GET /.well-known/host-meta */
void fed_host_meta(hreq_t *r);

#endif
