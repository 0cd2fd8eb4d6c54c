/*
 * subscribe.h — e-mail subscriptions (newsletter): an address, of a reader
 * with or without an account, subscribes to a creator and gets each new
 * work (mode "new") or a daily digest ("digest"). Owns the
 * email_subscriptions table.
 *
 * Double opt-in: subscribe_request stores the address as pending with the
 * SHA-256 of a fresh random token (core/token.h) and hands the token back
 * once, for the confirmation link the caller mails; subscribe_confirm with
 * that token confirms. Nothing is ever mailed to a pending address but the
 * confirmation, and a new confirmation goes to the same address at most
 * once per SUB_RESEND_PAUSE (so the form cannot be used to flood someone's
 * mailbox). A confirmed address asking again changes nothing; an
 * unsubscribed one starts over (pending, new token).
 *
 * Unsubscribing needs no stored secret: every message carries a token
 * signed with the site secret (HMAC-SHA256 of the subscription id and
 * address), which works without a session for RFC 8058 one-click
 * List-Unsubscribe. Unsubscribing twice is fine. A token that does not
 * verify (forged, altered, another subscription's) is refused with 400 and
 * changes nothing, as is an unknown or expired confirmation token.
 *
 * The caller answers a request the same way whatever the state ("check
 * your mail"), so the form never tells who subscribes to whom.
 *
 * Each write is one transaction. Creators see only counts
 * (subscribe_count); the addresses go only to the mail sender
 * (subscribe_batch). The column last_sent_at (the published_at of the
 * newest work mailed to the address) is the sender's to keep, so a digest
 * starts where the previous one ended.
 */
#ifndef HAO_SUBSCRIBE_H
#define HAO_SUBSCRIBE_H

#include <stdint.h>

#include "db/db.h"
#include "site/audience/audience.h"

#define SUB_TOKEN_LEN 64                /* hex characters of a confirmation token */
#define SUB_CONFIRM_TTL (7 * 24 * 3600) /* a confirmation link lasts a week */
#define SUB_RESEND_PAUSE 600            /* seconds between confirmation mails to one address */
#define SUB_UNSUB_TOKEN_MAX 96          /* bytes of an unsubscribe token, with its NUL */
#define SUB_SECRET_LEN 32               /* bytes of the signing key (the site secret) */

typedef struct {
    int64_t id;
    int64_t creator_id;
    char creator_handle[32];
    char address[255];             /* as stored: trimmed, lower-case */
    char mode[8];                  /* new | digest */
    char status[16];               /* pending | confirmed | unsubscribed */
    char token[SUB_TOKEN_LEN + 1]; /* subscribe_request: the confirmation token to mail, "" if none */
} subscribe_t;

/* address subscribes to the creator handle (creator, moderator or admin, not
 * suspended: else 404) in mode ("new" or "digest"; NULL or "" is "new"). 422
 * for an address mail_address_ok refuses or a bad mode. 0 with *out: token
 * set when a confirmation is to be mailed now. */
int subscribe_request(db_t *db, const char *creator_handle, const char *address, const char *mode, int64_t now,
                      subscribe_t *out, aud_err_t *e);

/* Confirm with the token of the link. 0 with *out (confirming a confirmed
 * subscription again is fine), or -1 with 400 (unknown token, or expired:
 * code "expired"). */
int subscribe_confirm(db_t *db, const char *token, int64_t now, subscribe_t *out, aud_err_t *e);

/* The unsubscribe token of subscription id at address, signed with key
 * (the site secret). */
void subscribe_unsub_token(const unsigned char key[SUB_SECRET_LEN], int64_t id, const char *address,
                           char out[SUB_UNSUB_TOKEN_MAX]);

/* Unsubscribe with such a token: 0 with *out (also when already
 * unsubscribed), or -1 with 400 (malformed or forged token). */
int subscribe_unsubscribe(db_t *db, const unsigned char key[SUB_SECRET_LEN], const char *token, int64_t now,
                          subscribe_t *out, aud_err_t *e);

/* Confirmed subscribers of a creator; -1 on error. */
int64_t subscribe_count(db_t *db, int64_t creator_id);

/* The confirmed subscriptions of a creator in mode with id > after, by id,
 * at most limit (1..1000) of them: for the sender, in batches. Free with
 * subscribe_batch_free. 0 or -1. */
typedef struct {
    int n;
    subscribe_t *items;
} subscribe_batch_t;
int subscribe_batch(db_t *db, int64_t creator_id, const char *mode, int64_t after, int limit, subscribe_batch_t *out);
void subscribe_batch_free(subscribe_batch_t *b);

#endif
