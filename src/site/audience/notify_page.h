/*
 * notify_page.h — the in-site inbox on the web and in the JSON API:
 * /notifications (newest first, unread ones marked, mark one or all read),
 * the unread count in the page header, GET /api/v1/notifications and
 * POST /api/v1/notifications/read. The rules are notify.h's.
 *
 * The header count belongs to one account, so it is written only for a
 * signed-in reader, whose pages the page cache never keeps (http/cache.h):
 * no cached anonymous page carries it.
 */
#ifndef HAO_NOTIFY_PAGE_H
#define HAO_NOTIFY_PAGE_H

#include "core/buf.h"
#include "http/http.h"

/* The header's links for a signed-in reader: the /following timeline and
 * the inbox with its unread count. Nothing for an anonymous one. */
void notify_header_links(hreq_t *r, buf_t *b);

/* Handlers (routes.c), ROLE_READER. */
void notify_inbox_page(hreq_t *r); /* GET  /notifications */
void notify_read_post(hreq_t *r);  /* POST /notifications/read (RT_CSRF) */
void notify_api_list(hreq_t *r);   /* GET  /api/v1/notifications */
void notify_api_read(hreq_t *r);   /* POST /api/v1/notifications/read */

#endif
