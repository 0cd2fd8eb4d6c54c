/*
 * import.h — parsing a work file exported by another self-media platform.
 *
 * Pure: no database. cli.c stores what this returns. The format is what such
 * platforms serve (see ../shared/seed): an optional leading declaration line
 * (作品声明: / 创作声明:, ASCII or full-width colon), one paragraph per line,
 * picture embeds (empty ones `![]()` are dropped), and the foreign platform's
 * statement at the end (stripped: only this site's statement is shown).
 */
#ifndef HAO_IMPORT_H
#define HAO_IMPORT_H

#include <stddef.h>

#include "core/buf.h"
#include "core/declaration.h"

#define IMPORT_MAX_BYTES (2u << 20)
#define IMPORT_TITLE_CHARS 40

typedef struct {
    const declaration_t *declaration; /* from the declaration line, or NULL */
    char *title;                      /* malloc'ed */
    char *body;                       /* malloc'ed Markdown, paragraphs joined by "\n\n" */
    int paragraphs;
    int dropped_images;
    int stripped_statement;
} import_doc_t;

/* Parse data[0..len). title_override may be NULL (then the first sentence,
 * at most 40 characters). Returns 0, or -1 with one sentence in err and
 * nothing allocated. Warnings go to warn, one per line. */
int import_parse(const char *data, size_t len, const char *title_override, import_doc_t *doc, buf_t *warn,
                 buf_t *err);
void import_doc_free(import_doc_t *doc);

#endif
