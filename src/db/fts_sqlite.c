/*
 * fts_sqlite.c — the "hao" FTS5 tokenizer: an adapter from FTS5's tokenizer
 * interface to the segmenter the search layer registered (search/segment.c,
 * via fts_set_segmenter), so that SQLite indexes and queries exactly the
 * terms the search module defines. Documents (and FTS5's auxiliary
 * functions) get document terms: CJK unigrams with colocated bigrams, words;
 * query strings get query terms: bigram phrases, words. See
 * search/segment.h.
 */
#include "db/fts_sqlite.h"

#include <stdio.h>
#include <stdlib.h>

/* Set once at start-up (fts_set_segmenter), before any thread; read after. */
static fts_segment_fn segmenter;

void fts_set_segmenter(fts_segment_fn fn)
{
    segmenter = fn;
}

typedef struct {
    void *ctx;
    int (*token)(void *ctx, int tflags, const char *tok, int ntok, int start, int end);
} adapter_t;

static int emit(void *vctx, const char *term, size_t len, size_t start, size_t end, int colocated)
{
    adapter_t *a = vctx;
    return a->token(a->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, term, (int)len, (int)start, (int)end);
}

static int tok_create(void *unused, const char **args, int nargs, Fts5Tokenizer **out)
{
    (void)unused, (void)args, (void)nargs;
    static int instance; /* stateless: any non-NULL handle will do */
    *out = (Fts5Tokenizer *)&instance;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
    (void)t;
}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                        int (*token)(void *, int, const char *, int, int, int))
{
    (void)t;
    if (n <= 0)
        return SQLITE_OK;
    adapter_t a = {ctx, token};
    int mode = (flags & FTS5_TOKENIZE_QUERY) ? FTS_QUERY : FTS_DOCUMENT;
    int rc = segmenter(text, (size_t)n, mode, emit, &a);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static fts5_api *fts5_of(sqlite3 *h)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

int fts_register(sqlite3 *h)
{
    if (!segmenter) {
        fprintf(stderr, "hao: bug: a SQLite database opened before search_init() registered the segmenter\n");
        return SQLITE_MISUSE;
    }
    fts5_api *api = fts5_of(h);
    if (!api || api->iVersion < 2)
        return SQLITE_ERROR;
    static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
    return api->xCreateTokenizer(api, "hao", NULL, &tok, NULL);
}
