/*
 * export.h — a creator's works, or the whole site's, as one archive
 * (archive.h) that hao and other tools can read.
 *
 * Owned by site/portability. Runs on the thread that calls it (the CLI, or
 * the export job's thread): it reads the database with its own statements
 * and streams media from the store; never on a loop thread.
 *
 * Layout (one directory per creator, the same for one creator or a site):
 *   manifest.json                      format, version, site, scope, creators,
 *                                      every file with its size and SHA-256
 *   HANDLE/profile.json                handle, display name, role, joined,
 *                                      bio, avatar (a media id, or "")
 *   HANDLE/works/ID.md                 front matter, one "key: JSON" a line
 *                                      (id, title, declaration, original,
 *                                      tags, status, created, updated,
 *                                      published, revision, comments,
 *                                      canonical; scheduled: a draft's
 *                                      pending time; pinned: 1 to 3), then
 *                                      the Markdown body as stored
 *   HANDLE/works/ID/revisions/N.md     each revision, when asked
 *   HANDLE/works/ID.comments.json      published comments, threads kept
 *   HANDLE/media.json                  each media: id, file, sha256, kind, alt
 *   HANDLE/media/SHA256.EXT            the upload as received
 *   HANDLE/collections.json            each collection: id, title,
 *                                      description, cover (a media id),
 *                                      created, updated, works (ids, in
 *                                      order; the exported ones only)
 * Drafts and published works are exported; deleted and taken-down ones are
 * not (they are not the creator's to publish elsewhere while under notice).
 * Bodies embed media as /m/ID; media.json maps those ids to the files.
 */
#ifndef HAO_PORT_EXPORT_H
#define HAO_PORT_EXPORT_H

#include "core/buf.h"
#include "db/db.h"

typedef struct {
    const char *author;   /* a handle, or NULL for every creator */
    int revisions;        /* every revision too */
    /* called after each work (done of total), may be NULL */
    void (*progress)(void *ctx, int done, int total);
    void *ctx;
} export_opts_t;

/* Write the archive to out (media_import_open must have opened the store).
 * 0 with a summary line in info, or -1 with err (nothing left at out). */
int export_write(db_t *db, const export_opts_t *o, const char *out, buf_t *info, buf_t *err);

/* ISO 8601 UTC ("2026-12-05T04:57:36Z") of t, and back (-1 if malformed). */
void export_time(int64_t t, char out[24]);
int64_t export_parse_time(const char *s);

#endif
