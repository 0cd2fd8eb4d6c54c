/*
 * markdown.h — creators' Markdown to safe HTML, and to plain text.
 *
 * A work's body is untrusted input. md4c parses it (CommonMark + tables +
 * strikethrough + permissive autolinks, raw HTML disabled) and markdown.c
 * renders md4c's callbacks itself, so every tag and attribute we emit is one
 * we chose: text is escaped, link and image URLs pass a scheme allowlist
 * (http, https, mailto, relative), links carry rel="nofollow noopener ugc",
 * images load lazily. The output can be placed in a page with buf_raw().
 *
 * Both functions are thread-safe: all state belongs to the call.
 * The URL rule is explained at url_check() in markdown.c.
 */
#ifndef HAO_MARKDOWN_H
#define HAO_MARKDOWN_H

#include "core/buf.h"

#include <stddef.h>

typedef struct {
    int images;        /* images rendered */
    int empty_images;  /* ![]() or images whose URL was dropped: rendered as nothing */
    int dropped_links; /* links whose URL was unsafe: rendered as their text only */
    int missing_media; /* /m/ID embeds the media resolver did not know: rendered as nothing */
} md_info_t;

/* Resolves embeds of site media (an image whose URL is exactly "/m/ID", ID
 * of 1-32 [a-z0-9]). For a known ID, media() appends the opening of the
 * element up to and including the opening quote of its text attribute
 * (`<img ... alt="`), sets *close to the literal that follows that
 * attribute's closing quote (` loading="lazy">`), and returns 1; the alt
 * text is written escaped in between. It returns 0 for an unknown ID: the
 * embed then renders as nothing. */
typedef struct {
    int (*media)(void *ctx, const char *id, buf_t *out, const char **close);
    void *ctx;
} md_media_t;

/* Render untrusted Markdown src[0..len) as safe HTML appended to out.
 * src may contain any bytes (NUL included); it need not be NUL-terminated and
 * may be NULL when len is 0. The HTML is a sequence of block elements (<p>,
 * <h1>-<h6>, <ul>/<ol>, <blockquote>, <pre><code>, <table>, <hr>); table cells
 * with an alignment get class="align-left|align-center|align-right" (classes,
 * not style attributes, so the page CSP needs no 'unsafe-inline'). A
 * paragraph left with nothing but white space (a line of `![]()`) is omitted.
 * Returns 0 on success, -1 if md4c fails, out hit its cap (or had err set on
 * entry), len does not fit md4c's 32-bit size, or the document is
 * pathological (md4c 0.4.8 pads table rows to the header's width without
 * limit: a few KB can demand millions of cells, so a parse gets a callback
 * budget proportional to len). On -1, out->len is restored to its value on
 * entry (out->err stays set if the cap was hit).
 * info may be NULL; otherwise it is zeroed and then filled, also on failure. */
int md_to_html(const char *src, size_t len, buf_t *out, md_info_t *info);
/* md_to_html with site media resolved by media (may be NULL). */
int md_to_html_media(const char *src, size_t len, buf_t *out, md_info_t *info, const md_media_t *media);

/* Append the plain text of the Markdown (no markup; paragraphs/blocks separated
 * by "\n\n", line breaks as "\n"), for search indexing, feed summaries and
 * snippets. Images contribute their alt text (except images md_to_html would
 * drop); table cells are separated by "\t" and rows by "\n". Entities are
 * decoded (numeric ones and the common named ones; an unknown name is kept
 * as written). The result is text, not HTML: escape it where it is shown.
 * No leading or trailing separator is added. Same inputs and failure
 * behaviour as md_to_html. Returns 0 or -1. */
int md_to_text(const char *src, size_t len, buf_t *out);

/* Append the plain text of the first paragraph that has any (a summary):
 * never a heading, a table cell, a code block or an image's alt text; line
 * breaks become spaces, entities are decoded, inline code is kept as text.
 * Nothing is appended when no paragraph has text. The result is text, not
 * HTML. Same inputs and failure behaviour as md_to_text. Returns 0 or -1. */
int md_first_paragraph(const char *src, size_t len, buf_t *out);

#endif
