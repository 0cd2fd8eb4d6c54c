/*
 * normalize.h — the text normalisation search uses on both sides: documents
 * when they are indexed, queries when they are run, snippets when matches are
 * highlighted, and the recall test's brute-force reference.
 *
 * norm(x) = t2s(NFKC_Casefold(x)):
 *   - Unicode NFKC with case folding (ICU's NFKC_Casefold): full-width Latin
 *     and digits become ASCII, half-width katakana full-width, compatibility
 *     ideographs their unified forms, upper case lower case (ß -> ss too);
 *   - traditional Chinese characters become simplified ones, character by
 *     character, with OpenCC's t2s data (core/hanzi.h, which says why per
 *     character and not OpenCC's phrase conversion).
 *
 * Every normalised code point remembers the byte range of the original text
 * it came from, so a match found in normalised text can be highlighted in the
 * original. The function is idempotent: norm(norm(x)) == norm(x).
 *
 * Thread-safe: the tables are built once (first use, under pthread_once) and
 * only read afterwards.
 */
#ifndef HAO_SEARCH_NORMALIZE_H
#define HAO_SEARCH_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct {
    uint32_t cp;         /* normalised code point */
    uint32_t start, end; /* byte range in the original text it came from */
} nchar_t;

typedef struct {
    nchar_t *v;
    size_t n, cap;
} ntext_t;

/* Load ICU's normaliser and build the traditional->simplified table from
 * OpenCC's t2s data. Called implicitly by the functions below; callable early
 * (at start-up) to fail fast. Returns 0, or -1 when ICU or OpenCC data is
 * missing (search then folds case and width but not Chinese variants). */
int norm_init(void);

/* Normalise s[0..n) (UTF-8; invalid bytes become U+FFFD) into out, which the
 * caller initialises to {0} and frees with ntext_free. Texts are limited to
 * 2^32 bytes by the offsets. */
void norm_text(const char *s, size_t n, ntext_t *out);
void ntext_free(ntext_t *t);

/* norm(s) as UTF-8, appended to out. */
void norm_utf8(const char *s, size_t n, buf_t *out);



#endif
