/*
 * mail.h — e-mail when the operator configured SMTP: the outbox, the sender
 * thread, and each account's notification address.
 *
 * Owns the outbox table and users.email. A message is queued inside the
 * transaction of the event it reports (a takedown, a counter-notice), so it
 * is sent only if that event committed; one sender thread per process (its
 * own database connection) claims queued messages inside a write
 * transaction, so on a multi-node site each message is sent by one node,
 * and sends them through libcurl's SMTP client. Nothing mail-related ever
 * runs on a loop thread. Without the smtp_url setting nothing is queued.
 *
 * A failed send is retried with growing delays (1, 2, 4, ... minutes, at
 * most MAIL_ATTEMPTS times); the last error is kept on the row for the
 * operator.
 */
#ifndef HAO_MAIL_H
#define HAO_MAIL_H

#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"

#define MAIL_ATTEMPTS 8
#define MAIL_ADDRESS_MAX 254

/* 1 when s looks like one e-mail address (local@domain, no spaces, no
 * control characters, at most MAIL_ADDRESS_MAX bytes). */
int mail_address_ok(const char *s);
/* Queue a message to `to` (inside the caller's transaction). Does nothing
 * and returns 0 when SMTP is not configured or `to` is not an address.
 * subject and body are UTF-8 text. -1 on a storage error. */
int mail_queue(db_t *db, const char *to, const char *subject, const char *body);
/* mail_queue with extra header lines (e.g. List-Unsubscribe): headers is
 * "Name: value" lines separated by "\n" (NULL or "": none), each name
 * letters, digits and '-', each value printable ASCII; anything else is
 * refused (-1, nothing queued). The sender writes them after Subject. */
int mail_queue_headers(db_t *db, const char *to, const char *subject, const char *body, const char *headers);
/* Queue a message to the account user_id, if it has an address. */
int mail_queue_user(db_t *db, int64_t user_id, const char *subject, const char *body);

/* The sender thread (server.c): start after the database is migrated,
 * stop at shutdown (a send in progress finishes). */
int mail_sender_start(const char *data_dir, buf_t *err);
void mail_sender_stop(void);

/* GET/POST /studio/email — the signed-in user's notification address.
 * Form: csrf, email (empty clears it). */
void mail_address_page(hreq_t *r);
void mail_address_post(hreq_t *r);

#endif
