/*
 * media.h — pictures and videos: upload, serving, and their place in works.
 *
 * Owns the media and work_media tables and the media store (media/store.h).
 * Uploads arrive as multipart/form-data (field "file", optional "alt") at
 * POST /api/v1/media (bearer token) and POST /studio/media (session, CSRF
 * token in the X-CSRF-Token header). The loop thread only checks the quota
 * and queues the job; parsing, hashing and writing run on the worker pool,
 * decoding and encoding in a helper process (media/helper.h); the row is written back on the loop
 * thread once every file is durable in the store.
 *
 * Served at /m/ID (the picture re-encoded, the video re-muxed, both without
 * metadata) and /m/ID/VARIANT (w480.webp, w960.jpg, poster.jpg, ...),
 * streamed from the file (rs_file: Range, ETag), immutable, cached a year.
 */
#ifndef HAO_SITE_MEDIA_H
#define HAO_SITE_MEDIA_H

#include "core/markdown.h"
#include "http/http.h"
#include "media/process.h"

#define MEDIA_ID_LEN 16
#define MEDIA_ALT_MAX 500                           /* bytes of alt text */
#define MEDIA_UPLOAD_MAX_DEFAULT ((size_t)512 << 20) /* bytes per upload */
#define MEDIA_QUOTA_DEFAULT "1073741824"            /* settings key media_quota_bytes */
#define MEDIA_CHUNK_MAX (8 << 20)                   /* bytes per chunk of a chunked upload */
#define MEDIA_UNFINISHED_MAX 4                      /* unfinished chunked uploads per creator */

/* Open the store under data_dir, remove crash leftovers (staged files and
 * stored files no row refers to), and route h2o's spill files for large
 * request bodies into the store's staging directory. upload_max is the
 * largest upload accepted. Main thread, before the loops start. 0 or -1
 * with err. (libvips and FFmpeg start in a helper process on the first
 * upload: media/helper.h.) */
int media_init(const char *data_dir, db_t *db, size_t upload_max, buf_t *err);
/* The largest upload accepted (bytes). */
size_t media_upload_max(void);

/* Handlers (routes.c). */
void media_upload_api(hreq_t *r);
void media_upload_studio(hreq_t *r);
void media_serve(hreq_t *r);
/* An upload from a plain HTML form (no script needed): a multipart body
 * with the parts "csrf" and "file", on a route without RT_CSRF (the token
 * is inside the body). The origin is checked here (403 answered), the csrf
 * part on the worker pool, the quota as for any upload (413 answered).
 * With pictures_only, a video is refused (415, media.err.picture_only)
 * and leaves no file and no row. done then runs on the loop with the
 * request: media_id set (this user's row for those bytes) on success, else
 * status, the i18n key of the message and a detail (or NULL); it answers. */
typedef struct {
    int status;           /* 200/201 on success, else 400, 403, 415, 422, 500 */
    const char *key;      /* the message's i18n key when refused */
    const char *detail;   /* shown after the message, or NULL */
    const char *media_id; /* the media row's id, or NULL */
} media_form_result_t;
typedef void (*media_form_done_fn)(hreq_t *r, const media_form_result_t *res);
void media_upload_form(hreq_t *r, int pictures_only, media_form_done_fn done);

/* Chunked uploads: POST .../uploads -> 201 {"id","offset":0,"chunk_max"};
 * POST .../uploads/:id?offset=N with up to chunk_max raw bytes -> 200
 * {"offset"} (409 with the current "offset" when N is not it);
 * POST .../uploads/:id/finish {"alt"?} -> as an upload (201 media). */
void media_chunked_create(hreq_t *r);
void media_chunked_append(hreq_t *r);
void media_chunked_finish(hreq_t *r);

/* Render a work's Markdown with /m/ID embeds resolved against the media
 * table: known pictures become responsive <picture>/<img> with width and
 * height, videos <video controls>, unknown ids nothing (counted in
 * info->missing_media). Same contract as md_to_html otherwise. */
int media_render(db_t *db, const char *body, size_t len, buf_t *out, md_info_t *info);
/* Record which media work_id's current body embeds (inside the caller's
 * transaction). 0 or -1. */
int media_link_work(db_t *db, const char *work_id);
/* The AI label the media a work embeds carry (after media_link_work):
 * "detected" when a picture or video has a GB 45438-2025 AIGC label saying
 * it is AI-generated (Label 1), "possible" when it says possibly or
 * suspected (Label 2 or 3), has an AIGC field without a readable Label, or
 * carries a C2PA manifest (provenance claims, not necessarily AI), else
 * "none". NULL on a storage error. */
const char *media_work_ai_label(db_t *db, const char *work_id);

/* Files of media rows a purge deleted, removed once the purge commits. */
typedef struct media_gone media_gone_t;
/* Purging work_id's content (takedown.c, inside the caller's transaction):
 * its media links go, and so does every media row it embedded that no
 * other work embeds (deleted and taken-down works awaiting their purge
 * included: they are evidence). *gone collects the stored files no row
 * refers to any more (several creators may have uploaded the same bytes),
 * NULL when none. Media never embedded anywhere are not touched. 0 or -1. */
int media_purge_work(db_t *db, const char *work_id, media_gone_t **gone);
/* After that transaction: when it committed, remove gone's files from the
 * store (on a thread of its own: the store may be remote); either way free
 * gone. A crash before they are removed leaves files without a row, which
 * the start-up sweep removes. */
void media_gone_finish(media_gone_t *gone, int committed);

/* `hao check`: every media row's files are in the store (the upload, what
 * /m/ID serves, each variant, the poster). Appends problems to report;
 * returns 0 when all are present, -1 otherwise. */
int media_check(db_t *db, const char *data_dir, buf_t *report);

/* Copy the media store into out_dir/media for `hao backup` (hard links
 * where possible: stored files are immutable). 0 or -1 with err. */
int media_backup(const char *data_dir, const char *out_dir, buf_t *err);

/* ---- imports (site/portability): media from files, outside a request ----
 * For `hao import` and the import job: a picture or video read from an
 * archive or fetched goes through the same helper (decoded, re-encoded,
 * labels read) as an upload. */
typedef struct {
    char sha[65];
    int64_t bytes;
    media_meta_t meta;
} media_import_t;
/* Open the store under data_dir when media_init has not (a CLI command); no
 * sweep (a running server may have uploads in flight). 0 or -1 with err. */
int media_import_open(const char *data_dir, buf_t *err);
/* Stage data[0..len), hash it and derive what is served from it into the
 * store. Not on a loop thread (it waits for the helper). 0, or -1 with a
 * sentence in err and nothing new left in the store. */
int media_import_bytes(const char *data, size_t len, media_import_t *mi, buf_t *err);
/* Write (or find: same owner, same bytes) its row, inside the caller's
 * transaction; id_out gets the media id. 0 or -1. */
int media_import_row(db_t *db, int64_t owner, const media_import_t *mi, const char *alt,
                     char id_out[MEDIA_ID_LEN + 1]);
/* After a failed import: remove mi's files unless a row refers to them;
 * frees mi's metadata either way (also after success). */
void media_import_discard(db_t *db, media_import_t *mi, int remove);
/* A local path holding the upload as received whose SHA-256 hex is sha
 * (for an export). 0, or -1 when the store has no such file. */
int media_original_path(const char *sha, char *out, size_t outlen);

#endif
