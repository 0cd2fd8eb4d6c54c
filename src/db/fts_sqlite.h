/*
 * fts_sqlite.h — SQLite FTS5 glue for the search index: the "hao" tokenizer,
 * registered on every connection the SQLite store opens (db_sqlite.c calls
 * fts_register() before migrations, which create the FTS5 table naming it).
 *
 * The tokenizer does not know how text becomes terms: that is the search
 * layer's (search/segment.h), which sits above db/. The search layer hands
 * its segmenter down once at start-up (search_init() calls
 * fts_set_segmenter()), so db/ never includes search/ (layering: the one-way
 * rule in http/server.h). Opening a SQLite database before that is a bug,
 * reported as a failure to open.
 */
#ifndef HAO_FTS_SQLITE_H
#define HAO_FTS_SQLITE_H

#include <sqlite3.h>
#include <stddef.h>

/* What a segmenter produces for each term: its UTF-8 bytes, the byte range
 * of the original text it covers, and whether it shares the previous term's
 * position. Non-zero stops segmentation (returned by the segmenter). */
typedef int (*fts_term_fn)(void *ctx, const char *term, size_t len, size_t start, size_t end, int colocated);
/* Segment text[0..n) as a document (FTS_DOCUMENT) or a query (FTS_QUERY),
 * calling emit for each term; returns emit's stop value or 0. */
typedef int (*fts_segment_fn)(const char *text, size_t n, int mode, fts_term_fn emit, void *ctx);

enum { FTS_DOCUMENT = 0, FTS_QUERY = 1 };

/* Register the segmenter the "hao" tokenizer runs. Start-up only, before the
 * first fts_register() and before any thread starts. */
void fts_set_segmenter(fts_segment_fn fn);
/* Register the "hao" FTS5 tokenizer on h. Returns SQLITE_OK or an error code
 * (SQLITE_MISUSE when no segmenter was registered). */
int fts_register(sqlite3 *h);

#endif
