/*
 * segment.h — how normalised text becomes index terms, the same way for
 * documents and queries (the SQLite FTS5 tokenizer in db/fts_sqlite.c is a
 * thin adapter over this; a PostgreSQL store would call it too).
 *
 * Two kinds of characters make terms, everything else separates them:
 *   - CJK (Han, kana, Hangul): character n-grams, because Chinese has no
 *     spaces and any segmentation into words misses words it cut wrongly.
 *     A document emits, at each CJK character, its unigram and (at the same
 *     position) the bigram it starts when the next character is CJK too.
 *     A query emits the bigrams of each run (a lone character: its unigram),
 *     one position apart, run as a phrase (plus the run's last unigram when
 *     more terms follow, so positions stay in step with the document's). So a k-character query matches
 *     exactly the documents that contain those k characters in a row:
 *     1 character by its unigram, 2 by one bigram, k by k-1 adjacent bigrams.
 *     That is 100% recall and no false hits, for any query length.
 *   - Letters and digits of other scripts: words (maximal runs), at most
 *     SEG_WORD_MAX bytes (longer words are cut there, the same on both sides).
 */
#ifndef HAO_SEARCH_SEGMENT_H
#define HAO_SEARCH_SEGMENT_H

#include <stddef.h>

#include "search/normalize.h"

#define SEG_WORD_MAX 64

enum { SEG_DOCUMENT = 0, SEG_QUERY = 1 };

/* Called for each term: its UTF-8 bytes, the byte range of the original text
 * it covers, and whether it shares the previous term's position (a bigram
 * beside its unigram). Return non-zero to stop. */
typedef int (*seg_fn)(void *ctx, const char *term, size_t len, size_t start, size_t end, int colocated);

/* Segment normalised text t in mode SEG_DOCUMENT or SEG_QUERY. Returns the
 * callback's non-zero stop value, or 0. */
int seg_terms(const ntext_t *t, int mode, seg_fn fn, void *ctx);

/* Normalise and segment UTF-8 text in one call. */
int seg_text(const char *s, size_t n, int mode, seg_fn fn, void *ctx);

/* Character classes. */
int seg_is_cjk(unsigned cp);
int seg_is_word(unsigned cp);

#endif
