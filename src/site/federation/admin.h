/*
 * admin.h — /admin/federation, the operator's view of federation: whether
 * it is on, the delivery queue (due, retrying, delivered and dropped in the
 * last week), the most recent failures, the instances hao knows (remote
 * accounts and followers per host) and the blocked domains. Read-only; the
 * switches are site settings (base_url, blocked_domains). Loop thread,
 * a few bounded reads.
 */
#ifndef HAO_FED_ADMIN_H
#define HAO_FED_ADMIN_H

#include "http/http.h"

void fed_admin_page(hreq_t *r);

#endif
