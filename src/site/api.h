/*
 * api.h — JSON API handlers for declarations and articles (/api/v1).
 * Tokens are account.h's; search, media and notices belong to their modules.
 */
#ifndef HAO_API_H
#define HAO_API_H

#include "http/http.h"
#include "site/work.h"

void api_declarations(hreq_t *r);
void api_articles_create(hreq_t *r);
void api_articles_list(hreq_t *r);
void api_articles_get(hreq_t *r);
void api_articles_update(hreq_t *r);
void api_articles_publish(hreq_t *r);
void api_articles_delete(hreq_t *r);

/* A work's JSON record; with_body adds "body" and "html", else "excerpt". */
void api_work_json(buf_t *b, const work_t *w, int with_body);

#endif
