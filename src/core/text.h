/*
 * text.h — small text helpers shared by every module: UTF-8 validation,
 * code-point counting and truncation, trimming. Pure functions, no state.
 */
#ifndef HAO_TEXT_H
#define HAO_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF)
 * and contains no NUL and no C0 control other than \t \n \r. */
int text_valid(const char *s, size_t n);
/* As text_valid, but for one-line fields: \n and \r are refused too. */
int text_valid_line(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t text_chars(const char *s, size_t n);
/* Byte length of the longest prefix of valid UTF-8 s[0..n) with at most
 * max_chars code points (never splits a character). */
size_t text_prefix(const char *s, size_t n, size_t max_chars);
/* Decode one code point at s (valid UTF-8 assumed); stores its length. */
uint32_t text_decode(const char *s, size_t n, size_t *clen);
/* Append cp (at most U+10FFFF) to b as UTF-8. */
void text_put_utf8(buf_t *b, uint32_t cp);
/* Trim ASCII and ideographic (U+3000) white space from both ends. */
void text_trim(const char **s, size_t *n);
/* 1 if the NUL-terminated s is NULL, empty or only such white space (a
 * form field left blank). */
int text_blank(const char *s);

#endif
