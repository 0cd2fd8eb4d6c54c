/*
 * comment_text.h — a comment's text: the normal form every comment is
 * checked into before it is stored, and its rendering as HTML. Pure
 * functions, no state, no database.
 *
 * Stored form: well-formed UTF-8; line breaks as "\n" (CRLF and lone CR,
 * as browsers send textareas, become "\n"); no control character other
 * than "\n" and "\t" (C0, DEL and the C1 range U+0080..U+009F are
 * refused); at most two line breaks in a row (one blank line); trimmed of
 * white space at both ends (ASCII and U+3000); 1..COMMENT_MAX_CHARS
 * characters (code points) after that.
 *
 * Rendered form: the text escaped (a comment is never markup: "<script>"
 * shows as those characters), a paragraph per blank-line-separated block,
 * <br> at single line breaks, and each http:// or https:// URL a link with
 * rel="nofollow ugc" (the search engines' mark for user content, so links
 * in comments pass no ranking). Only those two schemes are ever linked, so
 * "javascript:" or "data:" stay text. A URL stops at white space, at the
 * first non-ASCII character (Chinese text runs straight on after a URL:
 * "见https://example.com/a。" links only the URL), and at characters that
 * never end a URL in prose: trailing . , : ; ! ? ' " * and a ) or ] that
 * closes nothing opened inside the URL. A URL whose host is empty or
 * malformed, or that carries user information ("https://bank.com@evil.example"
 * reads as bank.com), stays text.
 */
#ifndef HAO_COMMENT_TEXT_H
#define HAO_COMMENT_TEXT_H

#include <stddef.h>

#include "core/buf.h"

#define COMMENT_MAX_CHARS 2000
/* Input longer than this many bytes is refused as too long before any
 * other work (4 bytes per character plus room for white space). */
#define COMMENT_MAX_BYTES (COMMENT_MAX_CHARS * 4 + 4096)

/* Check s[0..n) (may contain NUL, which is refused) and append its stored
 * form to out. Returns 0, or -1 with *why set to "empty", "long" or "bad"
 * (invalid UTF-8 or a control character); out is then left as it was. */
int comment_text_normalize(const char *s, size_t n, buf_t *out, const char **why);

/* Append the HTML of stored text s[0..n) to out: "<p>...</p>" blocks as
 * above. Safe for any bytes (everything that is not a link is escaped). */
void comment_text_html(const char *s, size_t n, buf_t *out);

/* The length of the URL that comment_text_html would link at s[i] (the
 * start of "http://" or "https://", case-insensitive, not preceded by a
 * letter, digit or '_'), or 0 when none starts there. */
size_t comment_text_url(const char *s, size_t n, size_t i);

#endif
