/*
 * index_pg.h — search.h on PostgreSQL (index_pg.c). index.c hands each call
 * here when the store is PostgreSQL; nothing else calls these.
 */
#ifndef HAO_SEARCH_INDEX_PG_H
#define HAO_SEARCH_INDEX_PG_H

#include "search/search.h"

int search_pg_sync(db_t *db, const char *work_id);
long search_pg_rebuild(db_t *db);
int search_pg_run(db_t *db, const search_req_t *req, search_result_t *out, const char **code);

#endif
