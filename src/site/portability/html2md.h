/*
 * html2md.h — HTML (a WordPress or Ghost post) to hao's Markdown, with
 * libxml2's HTML parser (never fetches, never expands external entities).
 * Owned by site/portability; any thread, state per call.
 *
 * Kept: paragraphs, headings, emphasis (strong, em, del), links (http,
 * https, mailto and relative only), lists (nested), quotes, inline code and
 * code blocks, tables (GFM), pictures and figures with their captions (the
 * caption becomes an emphasised line under the picture), line breaks and
 * rules. Dropped and listed in notes: scripts, styles, event handlers and
 * every other attribute (never copied), forms. Embeds (iframe, video,
 * audio, object) become a link to their source, listed in notes. Every
 * picture is handed to on_image, which returns the key the body uses for it
 * (its absolute URL, later rewritten to /m/ID).
 */
#ifndef HAO_PORT_HTML2MD_H
#define HAO_PORT_HTML2MD_H

#include <stddef.h>

#include "core/buf.h"

typedef struct {
    /* resolve a picture's src (as written) to the key to embed, or NULL to
     * keep it as a plain link; alt may be "". */
    const char *(*on_image)(void *ctx, const char *src, const char *alt);
    void *ctx;
    const char *base; /* site URL for relative links, or NULL */
    const char *origin; /* for notes: "file:line" */
    buf_t *notes;
} h2m_opts_t;

/* Convert html[0..len) to Markdown appended to out. 0, or -1 with err. */
int html2md(const char *html, size_t len, const h2m_opts_t *o, buf_t *out, buf_t *err);

/* The text of an HTML fragment (a comment): tags dropped, <br> and block
 * ends as new lines, white space collapsed within lines. Appended to out. */
void html2text(const char *html, size_t len, buf_t *out);

#endif
