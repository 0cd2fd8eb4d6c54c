/*
 * snippet.h — highlighted excerpts of search hits: the part of a text around
 * the first match, HTML-escaped, with every match of the query wrapped in
 * <mark>. Matching uses the query's normalised units against the normalised
 * text (normalize.h), and the marks are placed on the original characters, so
 * 無人機 is highlighted where the reader typed 无人机.
 */
#ifndef HAO_SEARCH_SNIPPET_H
#define HAO_SEARCH_SNIPPET_H

#include <stddef.h>

#include "core/buf.h"
#include "search/query.h"

/* Append to out the HTML of text[0..n) (plain text, not HTML) with matches
 * of q's positive terms marked. max_chars > 0: only a window of about that
 * many characters around the first match, with "…" where text was cut;
 * 0: the whole text. Returns the number of matches marked. */
int snippet_html(const char *text, size_t n, const query_t *q, size_t max_chars, buf_t *out);

#endif
