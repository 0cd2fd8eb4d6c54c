/*
 * multipart.h — a multipart/form-data parser (RFC 7578) over a body that is
 * already in memory (h2o hands handlers the whole entity; see README on
 * uploads). Nothing is copied: parts point into the body.
 */
#ifndef HAO_MULTIPART_H
#define HAO_MULTIPART_H

#include <stddef.h>

typedef struct {
    char name[64];      /* the form field name (Content-Disposition name=) */
    int has_filename;   /* a filename= was given (ignored otherwise: types come from content) */
    const char *data;   /* the part's bytes inside the body */
    size_t len;
} mp_part_t;

/* Parse body[0..len) as multipart/form-data with the boundary named in
 * content_type. Fills at most max parts. Returns the number of parts, or -1
 * when the content type has no usable boundary, a boundary is missing or
 * broken, the closing delimiter is absent, or a part's headers are
 * malformed. */
int multipart_parse(const char *content_type, const char *body, size_t len, mp_part_t *parts, int max);
/* As multipart_parse, for a body too large to keep resident: the parser
 * searches for delimiters SCAN_WINDOW bytes at a time and calls
 * scanned(ctx, from, to) for each window it has searched, in order, so the
 * caller can drop those pages (bodymem.h). The parts still point into body. */
typedef struct {
    void (*scanned)(void *ctx, const char *from, const char *to);
    void *ctx;
} mp_scan_t;
#define MP_SCAN_WINDOW (1u << 20)
int multipart_parse_scan(const char *content_type, const char *body, size_t len, mp_part_t *parts, int max,
                         const mp_scan_t *scan);
/* The first part named name, or NULL. */
const mp_part_t *multipart_get(const mp_part_t *parts, int n, const char *name);

#endif
