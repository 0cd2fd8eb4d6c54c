/*
 * archive.h — reading and writing export archives (libarchive), hostile
 * input in mind.
 *
 * Owned by site/portability. Any thread, no shared state: each call works on
 * its own archive handle. Reading loads every entry into memory after
 * checking it: a name must be relative, without "..", backslashes, control
 * characters or empty components; only regular files and directories are
 * accepted (a symlink, hard link or device is refused); a duplicate name, an
 * entry larger than ARC_ENTRY_MAX, more than ARC_ENTRIES_MAX entries, more
 * than ARC_TOTAL_MAX bytes in all, or an expansion above ARC_RATIO_MAX times
 * the file's size (a zip bomb) stops the read with a message naming the
 * entry. A truncated or corrupt archive is an error, never a partial result.
 *
 * Writing makes a .zip when the name ends in ".zip", else a gzip-compressed
 * tar (pax); it writes OUT.partial and renames it to OUT when finished, and
 * ends the archive with manifest.json listing each file with its size and
 * SHA-256.
 */
#ifndef HAO_PORT_ARCHIVE_H
#define HAO_PORT_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "site/portability/keyindex.h"

#define ARC_ENTRIES_MAX 200000 /* a work is 2 or 3 entries and one per revision: 20,000 refused 6,700 works */
#define ARC_ENTRY_MAX ((int64_t)512 << 20)
#define ARC_TOTAL_MAX ((int64_t)2 << 30)
#define ARC_RATIO_MAX 100        /* uncompressed / compressed, once past ARC_RATIO_FLOOR */
#define ARC_RATIO_FLOOR ((int64_t)16 << 20)

typedef struct {
    char *path;
    char *data; /* NUL-terminated copy of the bytes */
    size_t len;
} arc_entry_t;

typedef struct {
    int n;
    arc_entry_t *e;
    port_index_t *ix; /* path -> entry, for arc_find */
} arc_t;

/* Read the archive at file. 0, or -1 with one sentence in err and nothing
 * kept. */
int arc_read(const char *file, arc_t *out, buf_t *err);
void arc_free(arc_t *a);
const arc_entry_t *arc_find(const arc_t *a, const char *path);
/* 1 if path is an acceptable entry name (see above). */
int arc_name_ok(const char *path);

typedef struct arc_writer arc_writer_t;
/* Start writing out (which must not exist). NULL with err. */
arc_writer_t *arc_create(const char *out, buf_t *err);
int arc_add(arc_writer_t *w, const char *path, const void *data, size_t len, buf_t *err);
/* Stream a file from disk into the archive as path. */
int arc_add_file(arc_writer_t *w, const char *path, const char *src, buf_t *err);
/* One sentence into note when what w holds so far (and the manifest to
 * come) is more than arc_read takes: more than ARC_ENTRIES_MAX entries, a
 * file over ARC_ENTRY_MAX, or more than ARC_TOTAL_MAX bytes in all. Nothing
 * when it is readable. The archive is still a good archive: other tools and
 * a person read it; only hao's own import would refuse it. */
void arc_limits_note(const arc_writer_t *w, buf_t *note);
/* Write manifest.json ({"format":"hao-export","version":1, extra fields,
 * "files":[...]}; extra_json is a series of "key":value pairs or ""), close,
 * rename into place. Frees w. 0 or -1 with err (the partial file removed). */
int arc_finish(arc_writer_t *w, const char *extra_json, buf_t *err);
/* Give up: remove the partial file, free w. */
void arc_abort(arc_writer_t *w);

#endif
