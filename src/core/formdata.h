/*
 * formdata.h — a strict parser for multipart/form-data request bodies
 * (RFC 7578), for forms that carry a small file (the proof attached to a
 * rights-holder notice).
 *
 * Parts are not copied: each part's data points into the body, which the
 * caller keeps alive. Names and file names are copied into the part (they
 * are short). Anything malformed (no boundary, a part without a
 * Content-Disposition name, a missing final boundary, too many parts) makes
 * the whole body invalid: the caller answers 400 and acts on nothing.
 */
#ifndef HAO_FORMDATA_H
#define HAO_FORMDATA_H

#include <stddef.h>

#define FORMDATA_NAME_MAX 64
#define FORMDATA_FILENAME_MAX 256
#define FORMDATA_TYPE_MAX 128

typedef struct {
    char name[FORMDATA_NAME_MAX];
    char filename[FORMDATA_FILENAME_MAX]; /* "" when the part is not a file */
    int is_file;                          /* a filename attribute was present */
    char type[FORMDATA_TYPE_MAX];         /* Content-Type of the part, "" if none */
    const char *data;
    size_t len;
} formdata_part_t;

/* Parse body (len bytes) sent with Content-Type content_type into at most
 * max parts. Returns the number of parts, or -1 when malformed. */
int formdata_parse(const char *content_type, const char *body, size_t len, formdata_part_t *parts, int max);

#endif
