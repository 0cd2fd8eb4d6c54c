/*
 * search.h — the search index: the narrow interface the rest of hao uses.
 *
 * What is searchable: published works only, over title, body (as plain text,
 * Markdown syntax removed), tags and the author's display name. Normalisation
 * and terms are defined in normalize.h and segment.h, the query syntax in
 * query.h. Drafts, deleted and taken-down works are never in the index, and
 * every query also checks the work's current status.
 *
 * The index is kept by one call, search_sync(), made by the works module
 * inside the transaction that changes a work (create, edit, publish,
 * unpublish, delete, take down, restore): the index entry and the work commit
 * or roll back together, so a result never shows a state the work is not in.
 *
 * Storage (SQLite): search_docs (one row per indexed work) and a contentless
 * FTS5 table search_fts using the "hao" tokenizer (db/fts_sqlite.c). Only
 * this file's statements know those tables; a PostgreSQL store reimplements
 * them (e.g. the same n-gram terms in a GIN-indexed array column, ranked by
 * ts_rank-like weights), keeping this interface.
 */
#ifndef HAO_SEARCH_H
#define HAO_SEARCH_H

#include <stdint.h>

#include "db/db.h"

#define SEARCH_LIMIT_MAX 50
#define SEARCH_OFFSET_MAX 10000
/* Hits are ranked among the newest this many matches (see index.c); a
 * deeper page is reached by narrowing the query or filtering. */
#define SEARCH_RANK_WINDOW 1000

/* Hand the search layer's segmenter (segment.h) to the SQLite store, whose
 * FTS5 tokenizer runs it (db/fts_sqlite.h). Call once at process start,
 * before the first db_open() and before any thread starts: main() does, and
 * so does every test or tool that opens a database. */
void search_init(void);

/* Bring work_id's index entry in line with the work as it is now (indexed
 * when published, absent otherwise). Call inside the writing transaction,
 * after the change. 0, or -1 on a storage error (roll back). */
int search_sync(db_t *db, const char *work_id);

/* Drop and rebuild the whole index from the works table in one transaction
 * (after an upgrade that changes normalisation, or to benchmark). Returns the
 * number of works indexed, or -1. */
long search_rebuild(db_t *db);

typedef struct {
    const char *q;      /* as typed */
    const char *author; /* handle, or NULL */
    const char *tag;    /* exact tag, or NULL */
    int64_t from, to;   /* published_at range [from, to), 0 = open */
    int limit;          /* 1..SEARCH_LIMIT_MAX */
    int offset;         /* 0..SEARCH_OFFSET_MAX */
    int no_snippets;    /* ids and scores only (benchmarks) */
} search_req_t;

typedef struct {
    char id[17];
    char *title;         /* plain text */
    char *title_html;    /* escaped, matches in <mark> */
    char *snippet_html;  /* escaped excerpt around the first body match, <mark>s */
    char *author_handle, *author_name;
    char *tags;          /* ", "-joined */
    int64_t published_at;
    double score;        /* lower is better (BM25 convention) */
} search_hit_t;

typedef struct {
    int64_t total;       /* every matching work, not just this page */
    int n;
    search_hit_t *hits;
} search_result_t;

/* Run a search. 0 and out filled (free with search_result_free); -1 with
 * *code a query.h QERR_ code for a bad query; -2 on a storage error. */
int search_run(db_t *db, const search_req_t *req, search_result_t *out, const char **code);
void search_result_free(search_result_t *r);

#endif
