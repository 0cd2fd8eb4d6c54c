/*
 * api.h — JSON API handlers for declarations and articles (/api/v1).
 * Tokens are account.h's; search, media and notices belong to their modules,
 * which share the request-parsing helpers below with it.
 */
#ifndef HAO_API_H
#define HAO_API_H

#include <jansson.h>

#include "http/http.h"
#include "site/works/work.h"

void api_declarations(hreq_t *r);
void api_articles_create(hreq_t *r);
void api_articles_list(hreq_t *r);
void api_articles_get(hreq_t *r);
void api_articles_update(hreq_t *r);
void api_articles_publish(hreq_t *r);
void api_articles_delete(hreq_t *r);

/* The request body parsed as one JSON object (duplicate keys refused), for
 * every JSON API handler; the caller owns it (json_decref). Answers 400
 * bad_json and returns NULL when the body is not such an object. */
json_t *api_body_object(hreq_t *r);

/* Member key of object j as a string: *out is NULL when absent or null.
 * Returns -1 (and *out NULL) when present but not a string, or a string
 * holding a NUL byte, which no text field of hao accepts. */
int api_json_string(json_t *j, const char *key, const char **out);
/* An error answer naming the offending field: {"error":{...,"field":F}}.
 * field is a literal member name (not escaped); NULL for none. */
void api_field_error(hreq_t *r, int status, const char *code, const char *message, const char *field);

/* A work's JSON record; with_body adds "body" and "html" (media embeds
 * resolved through db, as on the work page), else "excerpt". */
void api_work_json(buf_t *b, db_t *db, const work_t *w, int with_body);

#endif
