/*
 * creator.h — what the creator tools (site/creator/) share: the refusal
 * every domain function of the folder returns, and answering it as JSON or
 * HTML. No state; any thread.
 */
#ifndef HAO_CREATOR_H
#define HAO_CREATOR_H

#include "http/http.h"

/* A refusal: HTTP status, a machine word (the API's error code) and the
 * i18n key of the message shown to people. */
typedef struct {
    int status;
    const char *code;
    const char *key;
} cr_err_t;

/* Fill e and return -1. */
int cr_fail(cr_err_t *e, int status, const char *code, const char *key);
/* Answer e in the route's style (rs_error: JSON for API routes). */
void cr_answer_err(hreq_t *r, const cr_err_t *e);
/* The work of path parameter 0 when it is the user's: 1 with author and
 * status copied out, or 0 after answering (404, 403, 500). */
int cr_own_work(hreq_t *r, char status[16]);

#endif
