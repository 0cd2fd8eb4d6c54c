/*
 * remote_text.h — other servers' HTML (a Note's content) reduced to the
 * plain text a comment holds: parsed by libxml2's HTML parser (never by
 * pattern matching), block elements and <br> become line breaks, links keep
 * their text (with the address after it when the text is not the address,
 * a @mention or a #tag), everything else (scripts, styles, attributes,
 * comments) is dropped. The result is text: escaped where it is shown.
 *
 * Thread-safe: libxml2 is initialised once at start (fed_text_init).
 */
#ifndef HAO_FED_REMOTE_TEXT_H
#define HAO_FED_REMOTE_TEXT_H

#include <stddef.h>

#include "core/buf.h"

void fed_text_init(void);
/* Append the text of html[0..n) to out, trimmed, with at most two line
 * breaks in a row. 0, or -1 when it cannot be parsed at all. */
int fed_html_text(const char *html, size_t n, buf_t *out);

#endif
