/*
 * hanzi.h — traditional Chinese characters folded to simplified ones, one
 * character at a time, from OpenCC's t2s data. Search (search/normalize.h)
 * folds with it so either form finds both; the originality check
 * (provenance/originality.h) folds with it so a copy converted to the other
 * script is still the same text.
 *
 * Why per character and not OpenCC's phrase conversion: both users need
 * fold(part of x) to be the same part of fold(x). OpenCC's phrase
 * dictionaries convert by context (乾隆 keeps 乾, 乾燥 becomes 干燥), so one
 * character could fold differently in two texts. The table is OpenCC's own
 * t2s conversion, asked once per character (one conversion call over every
 * CJK code point, one per line, so no phrase can span two of them), then
 * used as a lookup table: no OpenCC call and no allocation per text.
 *
 * Thread-safe: the table is built once (first use, under pthread_once) and
 * only read afterwards. Without OpenCC's data every character is itself.
 */
#ifndef HAO_CORE_HANZI_H
#define HAO_CORE_HANZI_H

#include <stdint.h>

/* Build the table now (at start-up, to report missing data early): 0, or
 * -1 when OpenCC's t2s data cannot be loaded (a message on stderr). */
int hanzi_init(void);
/* The simplified form of cp, or cp itself. Idempotent. */
uint32_t hanzi_t2s(uint32_t cp);

#endif
