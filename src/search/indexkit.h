/*
 * indexkit.h — internal to src/search: the small pieces both search stores
 * (index.c on SQLite FTS5, index_pg.c on PostgreSQL) need to agree on, so a
 * work is indexed from the same text whichever store holds it.
 */
#ifndef HAO_SEARCH_INDEXKIT_H
#define HAO_SEARCH_INDEXKIT_H

#include "core/buf.h"
#include "db/db.h"

/* A heap copy of s ("" when s is NULL); the caller frees it. Aborts when
 * out of memory, like the buffers. */
char *ix_strdup(const char *s);
/* Append the plain text of Markdown md to out, as indexed; md itself when
 * it cannot be rendered (so nothing is lost from the index). */
void ix_plain(const char *md, buf_t *out);
/* Append work_id's tags to tags in their order, joined by ", " (the form
 * search_docs records and the tags column indexes). */
void ix_load_tags(db_t *db, const char *work_id, buf_t *tags);

#endif
