/*
 * media.c — see media.h.
 *
 * An upload's life: the router admits the body (route limit: the upload
 * limit) -> upload() on the loop thread checks the quota and queues a job ->
 * upload_work() on a pool thread parses the multipart body, streams the file
 * part to a staging file while hashing it (SHA-256 names it in the store),
 * and hands it to helper_process(), which has a helper process derive the
 * served files (media/helper.h) and puts them and the upload into the
 * store -> upload_done() on the loop thread writes the row
 * (or finds the same bytes already uploaded by this creator) and answers.
 * Every failure before the row removes what this upload added to the store;
 * a crash leaves only files without a row, which the start-up sweep removes.
 */
#include "site/works/media.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/text.h"
#include "http/bodymem.h"
#include "http/pool.h"
#include "http/router.h"
#include "http/server.h"
#include "media/multipart.h"
#include "media/helper.h"
#include "media/store.h"
#include "site/site.h"

/* Set once by media_init() before the loops start; read-only afterwards. */
static store_t *store;
static size_t upload_max = MEDIA_UPLOAD_MAX_DEFAULT;

static int has_row(void *ctx, const char *sha)
{
    db_stmt_t *st = db_prepare(ctx, "SELECT 1 FROM media WHERE sha256 = :s");
    db_bind_text(st, ":s", sha);
    int found = db_step(st) == DB_ROW;
    db_done(st);
    return found;
}

int media_init(const char *data_dir, db_t *db, size_t max, buf_t *err)
{
    if (store_open(data_dir, &store, err) < 0)
        return -1;
    int n = store_sweep(store, has_row, db);
    if (n > 0)
        printf("hao: media: removed %d leftover file%s\n", n, n == 1 ? "" : "s");
    helper_configure(site_name());
    upload_max = max;
    /* h2o (2.2.5) reads a request body whole before the handler runs. A
     * body beyond this threshold is kept in an unlinked temp file mapped
     * into memory instead of heap: put that file on the data disk (not a
     * tmpfs /tmp, which would be RAM) and start early. */
    int w = snprintf(h2o_socket_buffer_mmap_settings.fn_template, sizeof h2o_socket_buffer_mmap_settings.fn_template,
                     "%s/h2o.b.XXXXXX", store_tmp_dir(store));
    if (w < 0 || (size_t)w >= sizeof h2o_socket_buffer_mmap_settings.fn_template) {
        buf_printf(err, "data directory path too long");
        return -1;
    }
    h2o_socket_buffer_mmap_settings.threshold = 4 << 20;
    return 0;
}

size_t media_upload_max(void)
{
    return upload_max;
}

/* ---- keys of one media's files ---- */

static const char *ext_of(const char *mime)
{
    if (!strcmp(mime, "image/jpeg")) return "jpg";
    if (!strcmp(mime, "image/png")) return "png";
    if (!strcmp(mime, "image/webp")) return "webp";
    if (!strcmp(mime, "image/gif")) return "gif";
    if (!strcmp(mime, "video/mp4")) return "mp4";
    if (!strcmp(mime, "video/webm")) return "webm";
    return NULL;
}

/* Remove every file derived from sha with these properties (an upload whose
 * row was never written). */
static void remove_files(const char *sha, const media_meta_t *m)
{
    char key[STORE_KEY_MAX + 1];
    const char *ext = ext_of(m->mime);
    store->ops->remove(store, sha);
    if (ext) {
        snprintf(key, sizeof key, "%s.full.%s", sha, ext);
        store->ops->remove(store, key);
    }
    snprintf(key, sizeof key, "%s.poster.jpg", sha);
    store->ops->remove(store, key);
    for (const char *v = m->variants; *v;) {
        int w = atoi(v);
        snprintf(key, sizeof key, "%s.w%d.webp", sha, w);
        store->ops->remove(store, key);
        if (ext) {
            snprintf(key, sizeof key, "%s.w%d.%s", sha, w, ext);
            store->ops->remove(store, key);
        }
        v += strcspn(v, ",");
        if (*v == ',')
            v++;
    }
}

/* ---- upload ---- */

typedef struct {
    pool_job_t job; /* first: the pool frees the whole struct */
    bodymem_body_t body; /* a direct upload's body (zeroed: none); closed by upload_done */
    char *content_type;
    int64_t owner;
    char staged[4200]; /* finishing a chunked upload: its file ("" otherwise) */
    /* results */
    int status;
    const char *key;  /* i18n key of the error */
    char detail[64];
    char sha[65];
    char *alt;
    int64_t bytes;
    media_meta_t meta;
    /* media_upload_form: a plain HTML form's upload (csrf part checked on
     * the pool against csrf_want; pictures only if asked; the result goes
     * to form_done instead of JSON). */
    media_form_done_fn form_done;
    int pictures_only;
    char csrf_want[65];
} upload_job_t;

static void job_fail(upload_job_t *j, int status, const char *key, const char *detail)
{
    j->status = status;
    j->key = key;
    snprintf(j->detail, sizeof j->detail, "%s", detail ? detail : "");
}

/* Write data (inside body) to a new staging file, hashing it; path gets its
 * name. What has been written leaves memory as it goes (bodymem.h). */
static int stage_upload(const char *data, size_t len, bodymem_body_t *body, char *path, size_t pathlen, char sha[65])
{
    snprintf(path, pathlen, "%s/u.XXXXXX", store_tmp_dir(store));
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    crypto_hash_sha256_state hs;
    crypto_hash_sha256_init(&hs);
    size_t off = 0;
    while (off < len) {
        size_t n = len - off > (1 << 20) ? (1 << 20) : len - off;
        crypto_hash_sha256_update(&hs, (const unsigned char *)data + off, n);
        ssize_t w = write(fd, data + off, n);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            close(fd);
            unlink(path);
            return -1;
        }
        bodymem_release(body, data + off, data + off + (size_t)w);
        off += (size_t)w;
    }
    if (close(fd) < 0) {
        unlink(path);
        return -1;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&hs, h);
    sodium_bin2hex(sha, 65, h, sizeof h);
    return 0;
}

/* Hash a staged file (a finished chunked upload) a block at a time. */
static int hash_file(const char *path, char sha[65], int64_t *bytes)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    crypto_hash_sha256_state hs;
    crypto_hash_sha256_init(&hs);
    static _Thread_local unsigned char block[1 << 16];
    ssize_t n;
    *bytes = 0;
    while ((n = read(fd, block, sizeof block)) > 0) {
        crypto_hash_sha256_update(&hs, block, (size_t)n);
        *bytes += n;
    }
    close(fd);
    if (n < 0)
        return -1;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&hs, h);
    sodium_bin2hex(sha, 65, h, sizeof h);
    return 0;
}

static void finish_work(upload_job_t *j)
{
    if (hash_file(j->staged, j->sha, &j->bytes) < 0) {
        job_fail(j, 404, "media.err.no_upload", NULL);
        return;
    }
    if (j->bytes == 0) {
        job_fail(j, 422, "media.err.empty", NULL);
    } else {
        media_err_t e;
        if (helper_process(j->staged, j->sha, store, &j->meta, &e) < 0)
            job_fail(j, e.status, e.key, e.detail);
        else
            j->status = 201;
    }
    unlink(j->staged);
}

static void scanned(void *body, const char *from, const char *to)
{
    bodymem_release(body, from, to);
}

static void upload_work(pool_job_t *pj)
{
    upload_job_t *j = (upload_job_t *)pj;
    if (j->staged[0]) {
        finish_work(j);
        return;
    }
    /* A large body is read through the job's own mapping of h2o's buffer
     * file, and what has been scanned leaves memory (bodymem.h). */
    mp_part_t parts[8];
    mp_scan_t scan = {scanned, &j->body};
    int n = multipart_parse_scan(j->content_type, bodymem_map(&j->body), j->body.len, parts, 8, &scan);
    if (j->form_done) {
        const mp_part_t *tok = n > 0 ? multipart_get(parts, n, "csrf") : NULL;
        size_t wl = strlen(j->csrf_want);
        if (!tok || tok->len != wl || wl == 0 || sodium_memcmp(tok->data, j->csrf_want, wl) != 0) {
            job_fail(j, 403, "err.csrf", NULL);
            return;
        }
    }
    const mp_part_t *file = n > 0 ? multipart_get(parts, n, "file") : NULL;
    if (!file) {
        job_fail(j, 400, "media.err.multipart", NULL);
        return;
    }
    const mp_part_t *alt = multipart_get(parts, n, "alt");
    if (alt) {
        if (alt->len > MEDIA_ALT_MAX || !text_valid_line(alt->data, alt->len)) {
            job_fail(j, 422, "media.err.alt", NULL);
            return;
        }
        j->alt = xstrndup(alt->data, alt->len);
    }
    if (file->len == 0) {
        job_fail(j, 422, "media.err.empty", NULL);
        return;
    }
    char path[4200];
    if (stage_upload(file->data, file->len, &j->body, path, sizeof path, j->sha) < 0) {
        job_fail(j, 500, "err.internal", NULL);
        return;
    }
    j->bytes = (int64_t)file->len;
    media_err_t e;
    if (helper_process(path, j->sha, store, &j->meta, &e) < 0)
        job_fail(j, e.status, e.key, e.detail);
    else
        j->status = 201;
    unlink(path);
}

static void media_json(buf_t *b, db_stmt_t *st);

#define MEDIA_COLS "id, kind, mime, bytes, width, height, duration_ms, codecs, alt, aigc, c2pa, variants, animated, poster, sha256"

static void upload_done(pool_job_t *pj, hreq_t *r)
{
    upload_job_t *j = (upload_job_t *)pj;
    db_t *db = r ? r->db : pj->loop->db;
    int written = 0;
    if (j->status == 201) {
        char id[MEDIA_ID_LEN + 1];
        unsigned char rnd[MEDIA_ID_LEN / 2];
        randombytes_buf(rnd, sizeof rnd);
        sodium_bin2hex(id, sizeof id, rnd, sizeof rnd);
        /* A form that takes pictures only: anything else gets no row, so
         * its files are removed below as a refused upload's are. */
        if (j->pictures_only && strcmp(j->meta.kind, "image") != 0)
            job_fail(j, 415, "media.err.picture_only", j->meta.mime);
        /* A client gone meanwhile gets no row: its files are removed below. */
        else if (r) {
            db_stmt_t *st = db_prepare(db,
                "INSERT INTO media(id, owner_id, sha256, kind, mime, bytes, width, height, duration_ms, codecs, alt, "
                "aigc, c2pa, variants, animated, poster, created_at) VALUES (:id, :o, :sha, :kind, :mime, :bytes, :w, "
                ":h, :dur, :codecs, :alt, :aigc, :c2pa, :var, :anim, :poster, :t) "
                "ON CONFLICT (owner_id, sha256) DO NOTHING");
            db_bind_text(st, ":id", id);
            db_bind_int(st, ":o", j->owner);
            db_bind_text(st, ":sha", j->sha);
            db_bind_text(st, ":kind", j->meta.kind);
            db_bind_text(st, ":mime", j->meta.mime);
            db_bind_int(st, ":bytes", j->bytes);
            db_bind_int(st, ":w", j->meta.width);
            db_bind_int(st, ":h", j->meta.height);
            if (!strcmp(j->meta.kind, "video")) {
                db_bind_int(st, ":dur", j->meta.duration_ms);
                db_bind_text(st, ":codecs", j->meta.codecs);
            } else {
                db_bind_null(st, ":dur");
                db_bind_null(st, ":codecs");
            }
            db_bind_text(st, ":alt", j->alt ? j->alt : "");
            db_bind_text(st, ":aigc", j->meta.aigc);
            db_bind_int(st, ":c2pa", j->meta.c2pa);
            db_bind_text(st, ":var", j->meta.variants);
            db_bind_int(st, ":anim", j->meta.animated);
            db_bind_int(st, ":poster", j->meta.poster);
            db_bind_int(st, ":t", now_s());
            int rc = db_step(st);
            db_done(st);
            written = rc == DB_DONE;
            if (rc != DB_DONE)
                j->status = 500, j->key = "err.internal";
            else if (db_changes(db) == 0)
                j->status = 200; /* this creator uploaded these bytes before */
        }
        if (!written && !has_row(db, j->sha))
            remove_files(j->sha, &j->meta);
    }
    if (r && j->form_done) {
        media_form_result_t res = {j->status, j->key, j->detail[0] ? j->detail : NULL, NULL};
        char id[MEDIA_ID_LEN + 1] = "";
        if (j->status == 200 || j->status == 201) {
            db_stmt_t *st = db_prepare(db, "SELECT id FROM media WHERE owner_id = :o AND sha256 = :s");
            db_bind_int(st, ":o", j->owner);
            db_bind_text(st, ":s", j->sha);
            if (db_step(st) == DB_ROW)
                snprintf(id, sizeof id, "%s", db_col_text(st, 0));
            db_done(st);
            if (id[0])
                res.media_id = id;
            else
                res.status = 500, res.key = "err.internal";
        }
        j->form_done(r, &res);
    } else if (r) {
        if (j->status == 200 || j->status == 201) {
            db_stmt_t *st = db_prepare(db, "SELECT " MEDIA_COLS " FROM media WHERE owner_id = :o AND sha256 = :s");
            db_bind_int(st, ":o", j->owner);
            db_bind_text(st, ":s", j->sha);
            buf_t b = BUF_INIT;
            if (db_step(st) == DB_ROW)
                media_json(&b, st);
            db_done(st);
            rs_json(r, j->status, &b);
            buf_free(&b);
        } else {
            /* JSON for both routes: the studio's script reads the message. */
            buf_t msg = BUF_INIT, b = BUF_INIT;
            buf_rawz(&msg, T(r->lang, j->key)); /* raw: text */
            if (j->detail[0])
                buf_printf(&msg, " (%s)", j->detail); /* raw: text */
            const char *code = j->status == 415   ? "unsupported_media_type"
                               : j->status == 400 ? "bad_request"
                               : j->status == 500 ? "internal"
                                                  : "invalid";
            buf_lit(&b, "{\"error\":{\"code\":");
            buf_json_strz(&b, code);
            buf_lit(&b, ",\"message\":");
            buf_json_str(&b, msg.p, msg.len);
            buf_lit(&b, "}}");
            rs_json(r, j->status, &b);
            buf_free(&b);
            buf_free(&msg);
        }
    }
    helper_meta_free(&j->meta);
    bodymem_close(&j->body);
    free(j->alt);
    free(j->content_type);
}

static void media_json(buf_t *b, db_stmt_t *st)
{
    const char *id = db_col_text(st, 0);
    buf_lit(b, "{\"id\":");
    buf_json_strz(b, id);
    buf_printf(b, ",\"url\":\"/m/%s\"", id); /* raw: JSON, a media id */
    buf_lit(b, ",\"markdown\":");
    buf_t md = BUF_INIT;
    buf_printf(&md, "![%s](/m/%s)", db_col_text(st, 8), id); /* raw: text, JSON-escaped below */
    buf_json_str(b, md.p, md.len);
    buf_free(&md);
    buf_lit(b, ",\"kind\":");
    buf_json_strz(b, db_col_text(st, 1));
    buf_lit(b, ",\"mime\":");
    buf_json_strz(b, db_col_text(st, 2));
    buf_printf(b, ",\"bytes\":%lld,\"width\":%lld,\"height\":%lld", (long long)db_col_int(st, 3),
               (long long)db_col_int(st, 4), (long long)db_col_int(st, 5));
    if (!db_col_is_null(st, 6)) {
        buf_printf(b, ",\"duration\":%.3f,\"codecs\":", (double)db_col_int(st, 6) / 1000.0);
        buf_json_strz(b, db_col_text(st, 7));
    }
    buf_lit(b, ",\"alt\":");
    buf_json_strz(b, db_col_text(st, 8));
    buf_lit(b, ",\"aigc\":");
    if (db_col_is_null(st, 9))
        buf_lit(b, "null");
    else
        buf_rawz(b, db_col_text(st, 9)); /* raw: JSON, stored compact by process.c */
    buf_printf(b, ",\"c2pa\":%s,\"animated\":%s", db_col_int(st, 10) ? "true" : "false", /* raw: JSON */
               db_col_int(st, 12) ? "true" : "false");
    buf_lit(b, ",\"variants\":[");
    const char *v = db_col_text(st, 11);
    const char *ext = ext_of(db_col_text(st, 2));
    int first = 1;
    while (*v) {
        int w = atoi(v);
        buf_printf(b, "%s\"/m/%s/w%d.webp\"", first ? "" : ",", id, w); /* raw: JSON */
        if (ext && strcmp(ext, "webp") != 0)
            buf_printf(b, ",\"/m/%s/w%d.%s\"", id, w, ext); /* raw: JSON */
        first = 0;
        v += strcspn(v, ",");
        if (*v == ',')
            v++;
    }
    buf_lit(b, "]");
    if (db_col_int(st, 13))
        buf_printf(b, ",\"poster\":\"/m/%s/poster.jpg\"", id); /* raw: JSON */
    buf_lit(b, "}");
}

/* 1 when n more bytes fit in r's user's quota; otherwise answers 413. The
 * quota counts what this creator's uploads take as received. */
static int quota_ok(hreq_t *r, long long n)
{
    char *quota_s = db_setting(r->db, "media_quota_bytes", MEDIA_QUOTA_DEFAULT);
    long long quota = atoll(quota_s);
    free(quota_s);
    db_stmt_t *st = db_prepare(r->db, "SELECT coalesce(sum(bytes), 0) FROM media WHERE owner_id = :o");
    db_bind_int(st, ":o", r->user.id);
    long long used = db_step(st) == DB_ROW ? (long long)db_col_int(st, 0) : 0;
    db_done(st);
    if (used + n > quota) {
        rs_error(r, 413, "quota", T(r->lang, "media.err.quota"));
        return 0;
    }
    return 1;
}

static void upload(hreq_t *r)
{
    size_t n;
    const char *body = rq_body(r, &n);
    const char *ct = rq_header(r, "content-type");
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0) {
        rs_error(r, 415, "unsupported_media_type", T(r->lang, "media.err.multipart"));
        return;
    }
    if (!quota_ok(r, (long long)n))
        return;
    upload_job_t *j = xcalloc(1, sizeof *j);
    /* The body stays valid until the answer: h2o stops reading an HTTP/1
     * connection while its request is being handled (and h2c is off). */
    bodymem_take(r->loop->bodymem, body, n, &j->body);
    j->content_type = xstrdup(ct);
    j->owner = r->user.id;
    j->job.work = upload_work;
    j->job.done = upload_done;
    pool_submit(r, &j->job);
}

void media_upload_api(hreq_t *r)
{
    upload(r);
}

void media_upload_form(hreq_t *r, int pictures_only, media_form_done_fn done)
{
    size_t n;
    const char *body = rq_body(r, &n);
    const char *ct = rq_header(r, "content-type");
    /* The origin now; the token is inside the body, read on the pool. */
    if (!router_csrf_ok(r, csrf_token(r))) {
        rs_error(r, 403, "csrf", T(r->lang, "err.csrf"));
        return;
    }
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0) {
        media_form_result_t res = {415, "media.err.multipart", NULL, NULL};
        done(r, &res);
        return;
    }
    if (!quota_ok(r, (long long)n))
        return;
    upload_job_t *j = xcalloc(1, sizeof *j);
    bodymem_take(r->loop->bodymem, body, n, &j->body);
    j->content_type = xstrdup(ct);
    j->owner = r->user.id;
    j->form_done = done;
    j->pictures_only = pictures_only;
    snprintf(j->csrf_want, sizeof j->csrf_want, "%s", csrf_token(r));
    j->job.work = upload_work;
    j->job.done = upload_done;
    pool_submit(r, &j->job);
}

void media_upload_studio(hreq_t *r)
{
    upload(r);
}

/* ---- chunked (resumable) uploads ----
 *
 * h2o 2.2.5 holds a request body whole before the handler runs (past 4 MB in
 * a temp file, kept out of memory by bodymem.c), so one big POST is lost
 * whole when the connection drops. The studio therefore sends files over
 * MEDIA_CHUNK_MAX in chunks: create an upload, append chunks at
 * the offset the server reports, finish. The state is the staged file
 * itself, tmp/c.<owner>.<id>: its size is the offset, its name binds it to
 * its creator. A creator has at most MEDIA_UNFINISHED_MAX of them; one
 * untouched for a day is dropped. Appends run on the worker pool (file I/O), under flock so two
 * chunks at once cannot interleave. A restart drops unfinished uploads (the
 * start-up sweep). */

static int upload_path(hreq_t *r, const char *id, char *out, size_t outlen)
{
    if (strlen(id) != MEDIA_ID_LEN || strspn(id, "0123456789abcdef") != MEDIA_ID_LEN)
        return -1;
    snprintf(out, outlen, "%s/c.%lld.%s", store_tmp_dir(store), (long long)r->user.id, id);
    return 0;
}

static void json_offset(hreq_t *r, int status, const char *id, long long off)
{
    buf_t b = BUF_INIT;
    buf_printf(&b, "{\"id\":\"%s\",\"offset\":%lld,\"chunk_max\":%d,\"size_max\":%zu}", id, off, /* raw: JSON */
               MEDIA_CHUNK_MAX, upload_max);
    rs_json(r, status, &b);
    buf_free(&b);
}

/* This creator's unfinished chunked uploads, after dropping those
 * untouched for a day (a client that gave up). */
static int unfinished_uploads(hreq_t *r)
{
    char prefix[48];
    int pl = snprintf(prefix, sizeof prefix, "c.%lld.", (long long)r->user.id);
    DIR *d = opendir(store_tmp_dir(store));
    int n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, (size_t)pl) != 0)
            continue;
        char p[4400];
        struct stat sb;
        snprintf(p, sizeof p, "%s/%s", store_tmp_dir(store), e->d_name);
        if (stat(p, &sb) == 0 && sb.st_mtime < now_s() - 86400)
            unlink(p);
        else
            n++;
    }
    closedir(d);
    return n;
}

static void chunked_create(hreq_t *r)
{
    char id[MEDIA_ID_LEN + 1], path[4400];
    /* Unfinished uploads are outside the quota until finished: bound them. */
    if (unfinished_uploads(r) >= MEDIA_UNFINISHED_MAX) {
        rs_error(r, 429, "too_many_uploads", T(r->lang, "media.err.unfinished"));
        return;
    }
    unsigned char rnd[MEDIA_ID_LEN / 2];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(id, sizeof id, rnd, sizeof rnd);
    upload_path(r, id, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    close(fd);
    json_offset(r, 201, id, 0);
}

typedef struct {
    pool_job_t job;
    char path[4400];
    char id[MEDIA_ID_LEN + 1];
    const char *body;
    size_t len;
    long long offset; /* where the client says this chunk goes */
    long long now;    /* the file's size after */
    int status;
} chunk_job_t;

static void chunk_work(pool_job_t *pj)
{
    chunk_job_t *c = (chunk_job_t *)pj;
    int fd = open(c->path, O_WRONLY | O_APPEND | O_CLOEXEC);
    struct stat sb;
    if (fd < 0) {
        c->status = 404;
        return;
    }
    flock(fd, LOCK_EX);
    if (fstat(fd, &sb) < 0) {
        c->status = 500;
    } else if (sb.st_size != c->offset) {
        c->status = 409;
        c->now = sb.st_size;
    } else if ((size_t)sb.st_size + c->len > upload_max) {
        c->status = 413;
        c->now = sb.st_size;
    } else {
        size_t off = 0;
        while (off < c->len) {
            ssize_t w = write(fd, c->body + off, c->len - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        if (off < c->len) { /* disk full: take the partial chunk back */
            if (ftruncate(fd, sb.st_size) < 0)
                fprintf(stderr, "hao: media: cannot truncate %s: %s\n", c->path, strerror(errno));
            c->status = 500;
        } else {
            c->status = 200;
        }
        c->now = sb.st_size + (off == c->len ? (long long)c->len : 0);
    }
    close(fd);
}

static void chunk_done(pool_job_t *pj, hreq_t *r)
{
    chunk_job_t *c = (chunk_job_t *)pj;
    if (!r)
        return;
    if (c->status == 200) {
        json_offset(r, 200, c->id, c->now);
    } else if (c->status == 409) {
        char extra[64];
        snprintf(extra, sizeof extra, "\"offset\":%lld", c->now);
        rs_error_extra(r, 409, "offset", T(r->lang, "media.err.offset"), extra);
    } else if (c->status == 413) {
        rs_error(r, 413, "too_large", T(r->lang, "err.too_large"));
    } else if (c->status == 404) {
        rs_error(r, 404, "not_found", T(r->lang, "media.err.no_upload"));
    } else {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
    }
}

static void chunked_append(hreq_t *r)
{
    chunk_job_t *c = xcalloc(1, sizeof *c);
    const char *off = rq_query(r, "offset");
    char *end = NULL;
    c->offset = off ? strtoll(off, &end, 10) : -1;
    if (upload_path(r, rq_param(r, 0), c->path, sizeof c->path) < 0 || !off || *end || c->offset < 0) {
        free(c);
        rs_error(r, 400, "bad_request", T(r->lang, "media.err.offset"));
        return;
    }
    snprintf(c->id, sizeof c->id, "%s", rq_param(r, 0));
    c->body = rq_body(r, &c->len);
    if (c->len == 0) {
        free(c);
        rs_error(r, 400, "bad_request", T(r->lang, "media.err.empty"));
        return;
    }
    c->job.work = chunk_work;
    c->job.done = chunk_done;
    pool_submit(r, &c->job);
}

static void chunked_finish(hreq_t *r)
{
    upload_job_t *j = xcalloc(1, sizeof *j);
    struct stat sb;
    if (upload_path(r, rq_param(r, 0), j->staged, sizeof j->staged) < 0 || stat(j->staged, &sb) < 0) {
        free(j);
        rs_error(r, 404, "not_found", T(r->lang, "media.err.no_upload"));
        return;
    }
    /* The description comes as the body: {"alt":"..."} or nothing. */
    size_t n;
    const char *body = rq_body(r, &n);
    if (n > 0) {
        json_error_t je;
        json_t *doc = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);
        json_t *alt = doc && json_is_object(doc) ? json_object_get(doc, "alt") : NULL;
        const char *a = alt && json_is_string(alt) ? json_string_value(alt) : NULL;
        size_t al = a ? json_string_length(alt) : 0;
        if (!doc || !json_is_object(doc) || (alt && !a) || al > MEDIA_ALT_MAX || (a && !text_valid_line(a, al))) {
            json_decref(doc);
            free(j);
            rs_error(r, 422, "invalid", T(r->lang, "media.err.alt"));
            return;
        }
        if (a) {
            j->alt = xstrndup(a, al);
        }
        json_decref(doc);
    }
    if (!quota_ok(r, (long long)sb.st_size)) {
        free(j->alt);
        free(j);
        return;
    }
    j->owner = r->user.id;
    j->job.work = upload_work;
    j->job.done = upload_done;
    pool_submit(r, &j->job);
}

void media_chunked_create(hreq_t *r)
{
    chunked_create(r);
}

void media_chunked_append(hreq_t *r)
{
    chunked_append(r);
}

void media_chunked_finish(hreq_t *r)
{
    chunked_finish(r);
}

/* ---- serving ---- */

void media_serve(hreq_t *r)
{
    const char *id = rq_param(r, 0);
    const char *variant = r->nparams > 1 ? rq_param(r, 1) : NULL;
    db_stmt_t *st = db_prepare(r->db, "SELECT sha256, kind, mime FROM media WHERE id = :id");
    db_bind_text(st, ":id", id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    char sha[65], mime[24];
    snprintf(sha, sizeof sha, "%s", db_col_text(st, 0));
    snprintf(mime, sizeof mime, "%s", db_col_text(st, 2));
    db_done(st);
    char key[STORE_KEY_MAX + 1];
    const char *type = mime;
    if (!variant) {
        snprintf(key, sizeof key, "%s.full.%s", sha, ext_of(mime) ? ext_of(mime) : "bin");
    } else {
        /* w480.webp, w960.jpg, poster.jpg: the store says whether it exists. */
        const char *dot = strrchr(variant, '.');
        if (!dot || strlen(variant) > 16) {
            rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
            return;
        }
        static const struct { const char *ext, *type; } types[] = {
            {".webp", "image/webp"}, {".jpg", "image/jpeg"}, {".png", "image/png"}, {".gif", "image/gif"}};
        type = NULL;
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (!strcmp(dot, types[i].ext))
                type = types[i].type;
        snprintf(key, sizeof key, "%s.%s", sha, variant);
        if (!type || (strncmp(variant, "w", 1) != 0 && strcmp(variant, "poster.jpg") != 0)) {
            rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
            return;
        }
    }
    char path[4200];
    if (!store_key_ok(key) || store->ops->path(store, key, path, sizeof path) < 0) {
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    /* The URL names these bytes forever (the id is bound to one sha256). */
    char etag[48];
    snprintf(etag, sizeof etag, "\"%.16s-%s\"", sha, variant ? variant : "full");
    rs_file(r, path, type, "public, max-age=31536000, immutable", etag);
}

/* ---- works ---- */

static const char SIZES[] = "(max-width: 760px) 100vw, 720px";

static void srcset(buf_t *out, const char *id, const char *variants, const char *ext, int full_w)
{
    int first = 1;
    for (const char *v = variants; *v;) {
        int w = atoi(v);
        buf_hprintf(out, "%s/m/%s/w%d.%s %dw", first ? "" : ", ", id, w, ext, w);
        first = 0;
        v += strcspn(v, ",");
        if (*v == ',')
            v++;
    }
    if (full_w)
        buf_hprintf(out, "%s/m/%s %dw", first ? "" : ", ", id, full_w);
}

/* 2 detected, 1 possible, 0 none for one media row's aigc JSON and c2pa. */
static int label_strength(const char *aigc, int c2pa)
{
    int strength = c2pa ? 1 : 0;
    if (!aigc || !*aigc)
        return strength;
    json_error_t je;
    json_t *j = json_loads(aigc, JSON_DECODE_ANY, &je);
    json_t *label = j && json_is_object(j) ? json_object_get(j, "Label") : NULL;
    const char *v = json_is_string(label) ? json_string_value(label) : NULL;
    long n = v ? strtol(v, NULL, 10) : json_is_integer(label) ? (long)json_integer_value(label) : 0;
    json_decref(j);
    if (n == 1)
        return 2;
    return 1; /* possibly (2), suspected (3), or a label we cannot read: not conclusive */
}

/* md_media_t.media: a picture as <picture> with WebP and original-format
 * srcsets, a video as <video controls>. Ids are [a-z0-9] (markdown.c checks),
 * so they need no escaping. */
static int resolve(void *ctx, const char *id, buf_t *out, const char **close)
{
    db_stmt_t *st = db_prepare(ctx, "SELECT kind, mime, width, height, variants, poster, aigc, c2pa FROM media "
                                    "WHERE id = :id");
    db_bind_text(st, ":id", id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return 0;
    }
    const char *kind = db_col_text(st, 0), *mime = db_col_text(st, 1), *variants = db_col_text(st, 4);
    int w = (int)db_col_int(st, 2), h = (int)db_col_int(st, 3);
    /* The explicit label on the picture or video itself, where it is
     * labelled (both languages: the resolver renders for any page). */
    int label = label_strength(db_col_is_null(st, 6) ? NULL : db_col_text(st, 6), (int)db_col_int(st, 7));
    if (label)
        buf_hprintf(out, "<span class=\"media-labelled\"><span class=\"ai-badge\">%s</span>",
                    label == 2 ? "AI生成 · AI-generated" : "疑似AI生成 · Possibly AI-generated");
    if (!strcmp(kind, "video")) {
        buf_hprintf(out, "<video controls preload=\"metadata\" src=\"/m/%s\" width=\"%d\" height=\"%d\"", id, w, h);
        if (db_col_int(st, 5))
            buf_hprintf(out, " poster=\"/m/%s/poster.jpg\"", id);
        buf_lit(out, " aria-label=\"");
        *close = label ? "></video></span>" : "></video>";
    } else {
        const char *ext = ext_of(mime);
        int webp_only = ext && !strcmp(ext, "webp");
        if (*variants && !webp_only) {
            buf_lit(out, "<picture><source type=\"image/webp\" srcset=\"");
            srcset(out, id, variants, "webp", 0);
            buf_hprintf(out, "\" sizes=\"%s\">", SIZES);
        }
        buf_hprintf(out, "<img src=\"/m/%s\"", id);
        if (*variants) {
            buf_lit(out, " srcset=\"");
            srcset(out, id, variants, ext ? ext : "webp", w);
            buf_hprintf(out, "\" sizes=\"%s\"", SIZES);
        }
        buf_hprintf(out, " width=\"%d\" height=\"%d\" alt=\"", w, h);
        static const char *const closes[2][2] = {
            {" loading=\"lazy\" decoding=\"async\">", " loading=\"lazy\" decoding=\"async\"></picture>"},
            {" loading=\"lazy\" decoding=\"async\"></span>", " loading=\"lazy\" decoding=\"async\"></picture></span>"}};
        *close = closes[label ? 1 : 0][*variants && !webp_only];
    }
    db_done(st);
    return 1;
}

int media_render(db_t *db, const char *body, size_t len, buf_t *out, md_info_t *info)
{
    md_media_t m = {resolve, db};
    return md_to_html_media(body, len, out, info, &m);
}

const char *media_work_ai_label(db_t *db, const char *work_id)
{
    db_stmt_t *st = db_prepare(db, "SELECT m.aigc, m.c2pa FROM work_media wm JOIN media m ON m.id = wm.media_id "
                                   "WHERE wm.work_id = :w");
    db_bind_text(st, ":w", work_id);
    int best = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int k = label_strength(db_col_is_null(st, 0) ? NULL : db_col_text(st, 0), (int)db_col_int(st, 1));
        if (k > best)
            best = k;
    }
    db_done(st);
    if (rc == DB_ERROR)
        return NULL;
    return best == 2 ? "detected" : best == 1 ? "possible" : "none";
}

int media_link_work(db_t *db, const char *work_id)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM work_media WHERE work_id = :w");
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    st = db_prepare(db, "SELECT body FROM works WHERE id = :w");
    db_bind_text(st, ":w", work_id);
    char *body = db_step(st) == DB_ROW ? xstrdup(db_col_text(st, 0)) : NULL;
    db_done(st);
    if (!body)
        return 0;
    for (const char *p = body; (p = strstr(p, "](/m/")) != NULL;) {
        p += 5;
        size_t n = 0;
        while (n < 32 && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9')))
            n++;
        if (n == 0 || (p[n] != ')' && p[n] != ' '))
            continue;
        st = db_prepare(db, "INSERT INTO work_media(work_id, media_id) SELECT :w, id FROM media WHERE id = :m "
                            "ON CONFLICT DO NOTHING");
        db_bind_text(st, ":w", work_id);
        db_bind_textn(st, ":m", p, n);
        rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE) {
            free(body);
            return -1;
        }
    }
    free(body);
    return 0;
}

/* ---- purge ---- */

struct media_gone {
    int n, cap;
    struct gone_file {
        char sha[65];
        media_meta_t m; /* mime and variants: which keys exist */
    } *f;
};

int media_purge_work(db_t *db, const char *work_id, media_gone_t **gone)
{
    *gone = NULL;
    db_stmt_t *st = db_prepare(db, "SELECT media_id FROM work_media WHERE work_id = :w");
    db_bind_text(st, ":w", work_id);
    buf_t ids = BUF_INIT; /* NUL-separated */
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        buf_raw(&ids, db_col_text(st, 0), strlen(db_col_text(st, 0)) + 1); /* raw: a list of ids */
    db_done(st);
    if (rc != DB_DONE) {
        buf_free(&ids);
        return -1;
    }
    st = db_prepare(db, "DELETE FROM work_media WHERE work_id = :w");
    db_bind_text(st, ":w", work_id);
    rc = db_step(st) == DB_DONE ? 0 : -1;
    db_done(st);
    media_gone_t *g = NULL;
    for (size_t off = 0; rc == 0 && off < ids.len; off += strlen(ids.p + off) + 1) {
        const char *id = ids.p + off;
        st = db_prepare(db, "SELECT sha256, mime, variants FROM media WHERE id = :m AND NOT EXISTS "
                            "(SELECT 1 FROM work_media WHERE media_id = :m)");
        db_bind_text(st, ":m", id);
        struct gone_file f = {0};
        int unused = db_step(st) == DB_ROW;
        if (unused) {
            snprintf(f.sha, sizeof f.sha, "%s", db_col_text(st, 0));
            snprintf(f.m.mime, sizeof f.m.mime, "%s", db_col_text(st, 1));
            snprintf(f.m.variants, sizeof f.m.variants, "%s", db_col_text(st, 2));
        }
        db_done(st);
        if (!unused)
            continue; /* another work embeds it (or it is gone already) */
        st = db_prepare(db, "DELETE FROM media WHERE id = :m");
        db_bind_text(st, ":m", id);
        rc = db_step(st) == DB_DONE ? 0 : -1;
        db_done(st);
        if (rc < 0 || has_row(db, f.sha))
            continue; /* the same bytes are another upload's too: the files stay */
        if (!g)
            g = xcalloc(1, sizeof *g);
        if (g->n == g->cap) {
            g->cap = g->cap ? 2 * g->cap : 8;
            g->f = xrealloc(g->f, (size_t)g->cap * sizeof *g->f);
        }
        g->f[g->n++] = f;
    }
    buf_free(&ids);
    if (rc < 0) {
        media_gone_finish(g, 0);
        return -1;
    }
    *gone = g;
    return 0;
}

static void *remove_gone(void *arg)
{
    media_gone_t *g = arg;
    for (int i = 0; i < g->n; i++)
        remove_files(g->f[i].sha, &g->f[i].m);
    free(g->f);
    free(g);
    return NULL;
}

void media_gone_finish(media_gone_t *gone, int committed)
{
    if (!gone)
        return;
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (!committed || !store || pthread_create(&t, &at, remove_gone, gone) != 0) {
        /* Not committed: the rows are back and so must the files stay. A
         * thread that cannot start: the next start-up sweep removes them. */
        free(gone->f);
        free(gone);
    }
    pthread_attr_destroy(&at);
}

/* ---- check ---- */

int media_check(db_t *db, const char *data_dir, buf_t *report)
{
    store_t *st;
    buf_t err = BUF_INIT;
    if (store_open(data_dir, &st, &err) < 0) { /* on S3: each object is fetched once into the cache */
        buf_printf(report, "media store: %s\n", buf_cstr(&err)); /* raw: text */
        buf_free(&err);
        return -1;
    }
    int bad = 0;
    db_stmt_t *q = db_prepare(db, "SELECT id, sha256, kind, mime, variants, poster FROM media ORDER BY id");
    while (db_step(q) == DB_ROW) {
        const char *id = db_col_text(q, 0), *sha = db_col_text(q, 1), *mime = db_col_text(q, 3);
        const char *ext = ext_of(mime);
        char keys[8][STORE_KEY_MAX + 1];
        int n = 0;
        snprintf(keys[n++], sizeof keys[0], "%s", sha);
        snprintf(keys[n++], sizeof keys[0], "%s.full.%s", sha, ext ? ext : "?");
        if (db_col_int(q, 5))
            snprintf(keys[n++], sizeof keys[0], "%s.poster.jpg", sha);
        for (const char *v = db_col_text(q, 4); *v && n < 7;) {
            int w = atoi(v);
            snprintf(keys[n++], sizeof keys[0], "%s.w%d.webp", sha, w);
            if (ext && strcmp(ext, "webp") != 0 && n < 8)
                snprintf(keys[n++], sizeof keys[0], "%s.w%d.%s", sha, w, ext);
            v += strcspn(v, ",");
            if (*v == ',')
                v++;
        }
        for (int i = 0; i < n; i++) {
            char path[4200];
            if (st->ops->path(st, keys[i], path, sizeof path) < 0) {
                buf_printf(report, "media %s: file %s is missing\n", id, keys[i]); /* raw: text */
                bad = 1;
            }
        }
    }
    db_done(q);
    free(st);
    return bad ? -1 : 0;
}

/* ---- backup ---- */

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[1 << 16];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            rc = -1;
            break;
        }
    if (n < 0 || fsync(out) < 0)
        rc = -1;
    close(in);
    if (close(out) < 0)
        rc = -1;
    return rc;
}

typedef struct {
    store_t *src;
    char dst[4200];
    int failed;
    buf_t *err;
} backup_ctx_t;

static void backup_one(void *p, const char *key)
{
    backup_ctx_t *b = p;
    char from[4200], dir[4300], to[4400];
    if (b->failed || b->src->ops->path(b->src, key, from, sizeof from) < 0)
        return;
    snprintf(dir, sizeof dir, "%s/%.2s", b->dst, key);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        buf_printf(b->err, "cannot create %s: %s", dir, strerror(errno)); /* raw: text */
        b->failed = 1;
        return;
    }
    snprintf(to, sizeof to, "%s/%s", dir, key);
    /* Stored files never change, so a hard link is a snapshot. */
    if (link(from, to) < 0 && copy_file(from, to) < 0) {
        buf_printf(b->err, "cannot copy %s: %s", from, strerror(errno)); /* raw: text */
        b->failed = 1;
    }
}

int media_backup(const char *data_dir, const char *out_dir, buf_t *err)
{
    store_t *src;
    if (store_open_local(data_dir, &src, err) < 0)
        return -1;
    backup_ctx_t b = {src, "", 0, err};
    snprintf(b.dst, sizeof b.dst, "%s/media", out_dir);
    if (mkdir(b.dst, 0755) < 0 && errno != EEXIST) {
        buf_printf(err, "cannot create %s: %s", b.dst, strerror(errno)); /* raw: text */
        free(src);
        return -1;
    }
    src->ops->each(src, backup_one, &b);
    free(src);
    return b.failed ? -1 : 0;
}

/* ---- imports (site/portability) ---- */

int media_import_open(const char *data_dir, buf_t *err)
{
    if (store)
        return 0;
    return store_open(data_dir, &store, err);
}

int media_import_bytes(const char *data, size_t len, media_import_t *mi, buf_t *err)
{
    memset(mi, 0, sizeof(*mi));
    if (!store) {
        buf_lit(err, "the media store is not open");
        return -1;
    }
    if (len == 0) {
        buf_lit(err, "the file is empty");
        return -1;
    }
    if (len > upload_max) {
        buf_printf(err, "the file is larger than the upload limit of %zu bytes", upload_max);
        return -1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/i.XXXXXX", store_tmp_dir(store));
    int fd = mkstemp(path);
    if (fd < 0) {
        buf_printf(err, "cannot stage the file: %s", strerror(errno)); /* raw: text */
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            buf_printf(err, "cannot stage the file: %s", strerror(errno)); /* raw: text */
            close(fd);
            unlink(path);
            return -1;
        }
        off += (size_t)w;
    }
    close(fd);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(mi->sha, sizeof mi->sha, h, sizeof h);
    mi->bytes = (int64_t)len;
    media_err_t e;
    int rc = helper_process(path, mi->sha, store, &mi->meta, &e);
    unlink(path);
    if (rc < 0) {
        buf_rawz(err, T(LANG_EN, e.key)); /* raw: text */
        if (e.detail[0])
            buf_printf(err, " (%s)", e.detail); /* raw: text */
        memset(&mi->meta, 0, sizeof mi->meta);
        return -1;
    }
    return 0;
}

int media_import_row(db_t *db, int64_t owner, const media_import_t *mi, const char *alt,
                     char id_out[MEDIA_ID_LEN + 1])
{
    unsigned char rnd[MEDIA_ID_LEN / 2];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(id_out, MEDIA_ID_LEN + 1, rnd, sizeof rnd);
    db_stmt_t *st = db_prepare(db,
        "INSERT INTO media(id, owner_id, sha256, kind, mime, bytes, width, height, duration_ms, codecs, alt, "
        "aigc, c2pa, variants, animated, poster, created_at) VALUES (:id, :o, :sha, :kind, :mime, :bytes, :w, "
        ":h, :dur, :codecs, :alt, :aigc, :c2pa, :var, :anim, :poster, :t) "
        "ON CONFLICT (owner_id, sha256) DO NOTHING");
    db_bind_text(st, ":id", id_out);
    db_bind_int(st, ":o", owner);
    db_bind_text(st, ":sha", mi->sha);
    db_bind_text(st, ":kind", mi->meta.kind);
    db_bind_text(st, ":mime", mi->meta.mime);
    db_bind_int(st, ":bytes", mi->bytes);
    db_bind_int(st, ":w", mi->meta.width);
    db_bind_int(st, ":h", mi->meta.height);
    if (!strcmp(mi->meta.kind, "video")) {
        db_bind_int(st, ":dur", mi->meta.duration_ms);
        db_bind_text(st, ":codecs", mi->meta.codecs);
    } else {
        db_bind_null(st, ":dur");
        db_bind_null(st, ":codecs");
    }
    db_bind_text(st, ":alt", alt ? alt : "");
    db_bind_text(st, ":aigc", mi->meta.aigc);
    db_bind_int(st, ":c2pa", mi->meta.c2pa);
    db_bind_text(st, ":var", mi->meta.variants);
    db_bind_int(st, ":anim", mi->meta.animated);
    db_bind_int(st, ":poster", mi->meta.poster);
    db_bind_int(st, ":t", now_s());
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    st = db_prepare(db, "SELECT id FROM media WHERE owner_id = :o AND sha256 = :s");
    db_bind_int(st, ":o", owner);
    db_bind_text(st, ":s", mi->sha);
    rc = db_step(st);
    if (rc == DB_ROW)
        snprintf(id_out, MEDIA_ID_LEN + 1, "%s", db_col_text(st, 0));
    db_done(st);
    return rc == DB_ROW ? 0 : -1;
}

void media_import_discard(db_t *db, media_import_t *mi, int remove)
{
    if (remove && mi->sha[0] && mi->meta.kind[0] && !has_row(db, mi->sha))
        remove_files(mi->sha, &mi->meta);
    helper_meta_free(&mi->meta);
}

int media_original_path(const char *sha, char *out, size_t outlen)
{
    if (!store || !store_key_ok(sha))
        return -1;
    return store->ops->path(store, sha, out, outlen);
}
