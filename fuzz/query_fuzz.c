/* libFuzzer driver: the search query syntax (src/search/query.c
 * query_parse, then query_fts5). A query parses or is refused with one of
 * the known codes; every FTS5 expression made from it has balanced quotes
 * (no typed character acts as FTS5 syntax). Owned by ops (issue 17). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "search/query.h"
#include "search/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        search_init();
        ready = 1;
    }
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    query_t q;
    const char *code = NULL;
    if (query_parse(s, size, &q, &code) == 0) {
        if (q.nterms < 1 || q.nterms > QUERY_MAX_TERMS)
            abort();
        buf_t out = BUF_INIT;
        query_fts5(&q, &out);
        size_t quotes = 0;
        for (size_t i = 0; i < out.len; i++)
            quotes += out.p[i] == '"';
        if (quotes % 2)
            abort();
        buf_free(&out);
        query_free(&q);
    } else if (!code) {
        abort();
    }
    free(s);
    return 0;
}
