/*
 * fts_sqlite.h — SQLite FTS5 glue for the search index: registers hao's
 * tokenizer ("hao", see search/segment.h) on a connection. Internal to the
 * SQLite store: db_sqlite.c calls it on every connection it opens, before
 * migrations (which create the FTS5 table naming the tokenizer).
 */
#ifndef HAO_FTS_SQLITE_H
#define HAO_FTS_SQLITE_H

#include <sqlite3.h>

/* Register the "hao" FTS5 tokenizer on h. Returns SQLITE_OK or an error code. */
int fts_register(sqlite3 *h);

#endif
