/*
 * notice.h — rights-holder notices: the form and API, the receipt and
 * status page, review decisions, court-action reports and proof files.
 * Owns the notices, notice_works and notice_files tables.
 *
 * A notice (form /notice or POST /api/v1/notices) names works on this site
 * by URL. Incomplete: 422 listing what is missing, nothing stored. Complete:
 * stored with a receipt (notice number + a secret token for the status page
 * /notice/N?token=T) and, by the setting notice_mode, acted on at once
 * ("immediate": every named work is taken down in the same transaction) or
 * queued for a moderator ("review", decided in /mod); see "Who may take a
 * work down at once" below. The creator sees the
 * statement of reasons in /studio/notices and may file one counter-notice
 * per takedown (counter.h); it is shown to the complainant on the status
 * page, and the work is restored at once or after restore_days business
 * days unless the complainant reports a court action first (restore_mode).
 *
 * Who may take a work down at once (issue 18; the README gives the legal
 * basis). Immediate action (信息网络传播权保护条例 art. 15, 民法典 art. 1195)
 * is kept for senders who are accountable:
 *   - a trusted notifier (the setting trusted_notifiers: addresses or
 *     @domains; DSA art. 22): at once, whatever notice_mode says;
 *   - with notice_mode immediate and SMTP set up: once the contact address
 *     confirms by a mailed link (the notice waits with confirm
 *     'unconfirmed'; unconfirmed after notice_confirm_hours it lapses by the
 *     job "notice_expire"); a contact that is not an e-mail address cannot
 *     confirm, so its notice goes to a moderator;
 *   - with notice_mode immediate set by the operator and no SMTP: at once
 *     (the operator's explicit choice; unset, notice_mode is review without
 *     SMTP, see settings.c).
 * A work restored by a counter-notice is not removed again automatically on
 * the same ground: every later notice naming it goes to a moderator, even a
 * trusted or confirmed one. A sender (by contact) with unfounded_limit
 * notices rejected as manifestly unfounded in the last unfounded_days days
 * may not file (403 notifier_suspended; DSA art. 23); reaching the limit is
 * audited ("notifier.suspend").
 *
 * The form and the API are thin doors onto the same rules: each reads its
 * request into a notice_input_t, calls notice_file, and turns the
 * notice_result_t into a page or JSON; so validation, the duplicate check,
 * the audit entry and the takedowns happen alike whichever door was used.
 */
#ifndef HAO_NOTICE_H
#define HAO_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"
#include "site/trust/moderation.h"

#define NOTICE_LINE_MAX 300   /* characters: name, contact, address, signature */
#define NOTICE_TEXT_MAX 5000  /* characters: right, original, proof, statements */
#define NOTICE_FILE_MAX (2u << 20)                 /* a proof file, bytes */
#define NOTICE_FORM_MAX (NOTICE_FILE_MAX + 256 * 1024) /* the form with it */
#define NOTICE_URLS_MAX 20    /* work URLs in one notice */
#define NOTICE_MISSING_MAX 8  /* required fields (and the URLs, the good-faith box) */

/* A notice as submitted, by the form or the API: plain values, NULL (or 0)
 * for absent. The caller owns the strings; they must outlive the call. */
typedef struct {
    const char *name, *contact, *address; /* the complainant (one line each) */
    const char *right;     /* the right claimed */
    const char *original;  /* where the original is */
    const char *proof;     /* proof, as text (optional) */
    const char *signature;
    const char *ground;    /* a ground code; NULL or "": copyright */
    int good_faith;        /* the good-faith statement box */
    int nurls;             /* the work URLs named, in order; blank ones are skipped */
    const char *urls[NOTICE_URLS_MAX];
    int too_many_urls;     /* more than NOTICE_URLS_MAX were sent */
    const char *file_name, *file_type, *file_data; /* an attached proof file, or file_data NULL */
    size_t file_len;
    /* Who and when. */
    const char *peer;      /* the sender's address: rate limit (notice_rate an hour), stored */
    const char *origin;    /* "http(s)://HOST" for the mailed confirmation link (NULL: relative) */
    const char *host;      /* this site's host as the request named it: "http(s)://HOST/a/ID" */
    size_t host_len;       /*   names a work here (as does "/a/ID") */
    int64_t now;           /* the deadline clock (clock.h) */
} notice_input_t;

/* What became of it. On success: id, token, actioned. On failure nothing
 * was stored, and status, code and key say why, with what else applies. */
typedef struct {
    int64_t id;            /* the notice number */
    char token[33];        /* the status page's secret: shown once, only its hash is stored */
    int actioned;          /* 1: the works were taken down at once; 0: pending */
    int unconfirmed;       /* 1: waiting for the sender to confirm by the mailed link */
    int status;            /* 429, 422, 409, 503 or 500 */
    const char *code;      /* the API's machine word (see notice_file) */
    const char *key;       /* i18n key of the message */
    int nmissing;          /* missing_fields: which, in the form's order */
    const char *missing[NOTICE_MISSING_MAX];
    const char *field;     /* the field at fault, or NULL */
    const char *url;       /* not_a_work, already_taken_down: the URL at fault (points into the input) */
    const char *detail;    /* a value to show after the message (an invalid field's name, the URL), or NULL */
    int64_t duplicate_of;  /* duplicate: the notice this one repeats */
    int retry_after;       /* rate_limited: seconds */
} notice_result_t;

/* File a notice: validate it and, when complete, store it with its works,
 * proof file and audit entry and act on it by the setting notice_mode (on
 * "immediate" every named work is taken down, with strikes, in the same
 * transaction, and the page cache is told after commit). One transaction:
 * all of it or nothing. The checks, in order (the first failing answers):
 *   429 rate_limited        notice_rate notices from this peer in the last hour
 *   403 notifier_suspended  the contact sent too many manifestly unfounded notices
 *   422 missing_fields      required fields, URLs or the good-faith box absent (all listed)
 *   422 invalid             a field too long or not text (field, detail), an unknown
 *                           ground, more than NOTICE_URLS_MAX URLs (field)
 *   500 internal            a work could not be read
 *   422 not_a_work          a URL that names no published or removed work here (url)
 *   409 duplicate           the same contact about the same works, while the earlier
 *                           notice is pending or acted on (duplicate_of)
 *   409 already_taken_down  a named work is removed already (url)
 *   503 busy, 500 internal  storage
 * Returns 0 or -1. */
int notice_file(db_t *db, const notice_input_t *in, notice_result_t *res);

/* A moderator's decision on a pending notice (review mode), through
 * mod_decide (moderation.h), which checked the reason: uphold takes down
 * every named work still published (with strikes), reject closes it. One
 * transaction; the page cache is told after commit. Refusals: 404
 * not_found, 409 already_decided, 503/500 internal. */
int notice_decide(db_t *db, const mod_decision_t *d, mod_result_t *res);

/* Confirm notice id by the token of its mailed link, at now: when it is
 * still unconfirmed and in time, it takes effect as if just received from
 * an accountable sender (the works come down unless one was restored by a
 * counter-notice, or notice_mode is review now: then a moderator decides).
 * Returns 1 taken down, 0 waiting for a moderator, -1 unknown, forged,
 * used or lapsed token (nothing changed), -2 storage error. */
int notice_confirm(db_t *db, int64_t id, const char *token, int64_t now);
/* The job "notice_expire" (jobs.c): notice ref lapses if still unconfirmed. */
const char *notice_expire_job(db_t *db, int64_t ref);

/* Shared with the counter-notice (counter.c), which asks the same contact
 * block under the same limits. */
/* 1 if v (NULL counts as "") may stand in a notice or counter-notice field:
 * a one-line field (line != 0: name, contact, address, signature) is valid
 * one-line text of at most NOTICE_LINE_MAX characters, any other valid text
 * of at most NOTICE_TEXT_MAX. Blank is the caller's question. */
int notice_field_ok(const char *v, int line);
/* The contact block of both forms: name, contact and address inputs
 * (required), refilled from f after an error (NULL: empty). */
void notice_contact_fields(hreq_t *r, buf_t *b, const form_t *f);
/* The comment a URL names, as notices read it (report.c reads reports the
 * same way): "/a/ID#c-N" (wid gets ID), "/comments/N" or
 * "/api/v1/comments/N" (wid gets ""), as a path or an absolute URL of this
 * site (host). 1 with *cid, else 0. */
int notice_url_comment(const char *host, size_t host_len, const char *url, char wid[17], int64_t *cid);

/* Append the comments notice id names (if any) as an HTML list: each its
 * URL and status, and with with_text (moderators) its stored text. */
void notice_comments_html(db_t *db, int64_t id, lang_t lang, int with_text, buf_t *b);

/* Handlers (routes.c): the doors. */
void notice_form(hreq_t *r);          /* GET  /notice                       */
void notice_form_post(hreq_t *r);     /* POST /notice                (CSRF) */
void notice_api_post(hreq_t *r);      /* POST /api/v1/notices               */
void notice_proof_file(hreq_t *r);   /* GET  /mod/notices/:id/proof (moderators) */
void notice_status(hreq_t *r);        /* GET  /notice/:id?token=            */
void notice_api_status(hreq_t *r);    /* GET  /api/v1/notices/:id?token=    */
void notice_court_post(hreq_t *r);    /* POST /notice/:id/court      (CSRF) */
void notice_confirm_page(hreq_t *r);  /* GET  /notice/:id/confirm?t=        */
void notice_confirm_post(hreq_t *r);  /* POST /notice/:id/confirm    (CSRF) */
/* The creator's side (statement of reasons, counter-notice) is counter.h. */

#endif
