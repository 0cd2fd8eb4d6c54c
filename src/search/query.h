/*
 * query.h — what a reader types, parsed into search terms.
 *
 * Syntax (kept small on purpose; nothing a reader types is ever passed to the
 * index's own query language):
 *   word word      both must occur (AND); white space includes U+3000
 *   "a phrase"     the words in this order ("" and “” both quote)
 *   -word          must not occur (also -"a phrase"); at least one term
 *                  without - is required
 * Characters that make no term (punctuation, symbols) are ignored; a query
 * made only of them is an error. Each term is normalised (normalize.h).
 *
 * A term matches text whose normalised form contains it: CJK characters as
 * an exact substring, Latin/other words as whole words, except that the last
 * word of a term, when it has at least QUERY_PREFIX_MIN characters, also
 * matches as a prefix ("publ" finds "publishing"; "the" finds only "the":
 * a short prefix would expand to thousands of words and cost a scan).
 */
#ifndef HAO_SEARCH_QUERY_H
#define HAO_SEARCH_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define QUERY_MAX_CHARS 200
#define QUERY_MAX_TERMS 16
#define QUERY_PREFIX_MIN 4

/* A highlightable piece of a term: a CJK run or one word, normalised. */
typedef struct {
    uint32_t *cp;
    size_t n;
    int word;   /* a word: matches at a word start */
    int prefix; /* a word that may continue (else it must end there too) */
} qunit_t;

typedef struct {
    int negative;
    char *norm;   /* normalised text of the term (UTF-8) */
    int prefix;   /* the last unit is a prefix word (see above) */
    int nunits;
    qunit_t *units;
} qterm_t;

typedef struct {
    int nterms;
    qterm_t terms[QUERY_MAX_TERMS];
} query_t;

/* Error codes (also the i18n key suffix "search.err.CODE"). */
#define QERR_EMPTY "empty"             /* nothing typed */
#define QERR_NO_TERMS "no_terms"       /* only punctuation or symbols */
#define QERR_TOO_LONG "too_long"       /* more than QUERY_MAX_CHARS */
#define QERR_TOO_MANY "too_many"       /* more than QUERY_MAX_TERMS terms */
#define QERR_ONLY_NEG "only_negative"  /* every term excluded */
#define QERR_ENCODING "encoding"       /* not valid UTF-8 */

/* Parse s[0..n). 0 and q filled (free with query_free), or -1 and *code one
 * of the QERR_ codes (nothing to free). */
int query_parse(const char *s, size_t n, query_t *q, const char **code);
void query_free(query_t *q);

/* The query as an SQLite FTS5 MATCH expression: every term one quoted
 * string (so no character typed can act as FTS5 syntax), ANDed, with the
 * negative terms after NOT. */
void query_fts5(const query_t *q, buf_t *out);

#endif
