/*
 * newsletter.h — e-mail subscriptions on the site: the subscribe form, the
 * confirmation and unsubscribe links, and the mail itself (each new work,
 * or a daily digest). The subscriptions are subscribe.h's; the mail goes
 * through the outbox (ops/mail.h).
 *
 * Offered only when the operator set smtp_url (mail can go out) and base_url
 * (the links in a mail must be absolute): otherwise the author page shows no
 * form and the routes answer 404.
 *
 * The author page is cached for anonymous readers, so it cannot carry a CSRF
 * token (bound to each reader's cookie). Like the report and notice links of
 * the work page, its small form GETs /u/{handle}/subscribe with the address
 * filled in, an uncached page whose form has the token; the POST needs it.
 *
 * Floods: NL_PEER_HOUR requests an hour from one client address and
 * NL_ADDR_HOUR for one mail address (whichever creator) answer 429 with
 * Retry-After (counted in the throttle table under "sub:" keys); and
 * subscribe.h sends one confirmation to an address per SUB_RESEND_PAUSE.
 *
 * Every message (the confirmation too) carries List-Unsubscribe with the
 * signed token and List-Unsubscribe-Post: List-Unsubscribe=One-Click
 * (RFC 8058), and the same link in its text. GET of the link shows a button;
 * the POST unsubscribes, with no session and no CSRF token (the signed token
 * is the authority; the route accepts at most a small body).
 *
 * Sending: publishing a work for the first time schedules a "newsletter" job
 * (jobs.h) on its creator inside the publish transaction, and nothing more,
 * so publishing never waits for subscribers. The job mails each confirmed
 * "new" subscriber every published work newer than what it last got (and
 * than its confirmation), NEWSLETTER_BATCH subscriptions per transaction,
 * scheduling its own continuation while more are left. The mail sender
 * thread (not a loop thread) runs these jobs within a second, and every
 * NEWSLETTER_DIGEST_EVERY seconds the digest pass: once a day, after
 * NEWSLETTER_DIGEST_HOUR:00 China time on the deadline clock (clock.h), each
 * "digest" subscriber gets one mail listing the works published since its
 * last mail, up to that hour. last_sent_at (the published_at of the newest
 * work mailed) makes both passes idempotent: a crash or a second node never
 * mails a work twice to one address... except for the at-least-once of the
 * outbox itself.
 *
 * Subscriptions are stamped with the real clock, like works' published_at.
 */
#ifndef HAO_NEWSLETTER_H
#define HAO_NEWSLETTER_H

#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"

#define NEWSLETTER_BATCH 500       /* subscriptions per transaction */
#define NEWSLETTER_WORKS_MAX 10    /* works in one run's mails to one address */
#define NEWSLETTER_DIGEST_HOUR 8   /* the digest goes out after 08:00 China time */
#define NEWSLETTER_DIGEST_EVERY 10 /* seconds between digest passes of the sender */
#define NL_PEER_HOUR 20            /* subscribe requests an hour from one client address */
#define NL_ADDR_HOUR 5             /* subscribe requests an hour for one mail address */

/* The author page's subscribe form (a GET form, safe in a cached page), for
 * the account handle when it may publish and subscriptions are offered;
 * nothing otherwise. role: the account's. */
void newsletter_author_form(hreq_t *r, buf_t *b, const char *handle, int role);

/* The studio's line: "N e-mail subscribers" of the signed-in creator. */
void newsletter_studio_count(hreq_t *r, buf_t *b);

/* Inside the publish transaction of a work first published by creator:
 * schedule the "newsletter" job when the creator has confirmed "new"
 * subscribers and no such job is pending. 0 or -1. */
int newsletter_schedule(db_t *db, int64_t creator);

/* The "newsletter" job (jobs.c): ref is the creator. */
const char *newsletter_job(db_t *db, int64_t creator);

/* For the mail sender thread, on each wake: due newsletter jobs, and the
 * digest pass every NEWSLETTER_DIGEST_EVERY seconds. Returns how many
 * messages were queued. */
int newsletter_pump(db_t *db);

/* One digest pass at deadline-clock time now (every batch). Messages queued. */
int newsletter_digest(db_t *db, int64_t now);

/* Routes (routes.c). */
void newsletter_form_page(hreq_t *r);   /* GET  /u/:handle/subscribe ?email= &mode= */
void newsletter_form_post(hreq_t *r);   /* POST /u/:handle/subscribe csrf, email, mode */
void newsletter_confirm(hreq_t *r);     /* GET  /subscribe/confirm/:token */
void newsletter_unsub_page(hreq_t *r);  /* GET  /unsubscribe/:token */
void newsletter_unsub_post(hreq_t *r);  /* POST /unsubscribe/:token (RFC 8058 one-click) */

#endif
