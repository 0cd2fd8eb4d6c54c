/*
 * store.h — where media bytes live: a content-addressed object store behind
 * an interface, so a multi-node site can put an S3-compatible store where
 * the local directory is.
 *
 * Keys are "<sha256 hex>" for an upload as received, and
 * "<sha256 hex>.<variant>" (e.g. "….w480.webp", "….full.jpg", "….poster.jpg")
 * for what hao derives from it. The same bytes therefore land at the same
 * key whoever uploads them, and are stored once.
 *
 * Durability contract of put(): the object is either complete at its key or
 * absent. The local store takes a temp file (staged by the caller in
 * store_tmp_dir()), makes its data durable (fsync, or one syncfs for a
 * batch), renames it into place and fsyncs the directory; only then does
 * the caller record the database row. A crash in
 * between leaves a file without a row, which store_sweep() removes at start.
 *
 * Threads: a store_t is created once at start and is read-only afterwards;
 * every operation is safe from any thread (loop or worker pool).
 */
#ifndef HAO_STORE_H
#define HAO_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define STORE_KEY_MAX 96

typedef struct store store_t;

typedef struct {
    /* Move the finished file tmp_path (inside store_tmp_dir) to key. 0, or -1
     * with a sentence in err (tmp_path is then removed). Putting a key that
     * exists keeps the existing object (same key, same bytes). */
    int (*put)(store_t *s, const char *key, const char *tmp_path, buf_t *err);
    /* put() for n files at once, which the local store makes durable with
     * one file-system flush instead of two per file. placed[i] is set to 1
     * for each key this call created (0: it existed, the same bytes). On
     * failure returns -1 with err; keys placed stay placed (see placed) and
     * the remaining staged files are removed. */
    int (*put_many)(store_t *s, const char *const *keys, const char *const *tmp_paths, int n, int *placed,
                    buf_t *err);
    /* A local path from which key can be read (the local store's own file;
     * a remote store would return a cached copy). 0, or -1 if absent. */
    int (*path)(store_t *s, const char *key, char *out, size_t outlen);
    /* Remove key (absent is fine). */
    void (*remove)(store_t *s, const char *key);
    /* Call fn for every key stored; fn may remove it. */
    void (*each)(store_t *s, void (*fn)(void *ctx, const char *key), void *ctx);
} store_ops_t;

struct store {
    const store_ops_t *ops;
    char root[4096];    /* local: DATA/media */
    char tmp[4096];     /* staging directory for uploads: DATA/media/tmp */
};

/* Open the store hao.conf names (conf.h: "media = s3" for an S3-compatible
 * store, else the local directory). 0 or -1 with err; lives until exit. */
int store_open(const char *data_dir, store_t **out, buf_t *err);
/* Open the local-directory store under data_dir/media, creating it. 0 or -1
 * with err. The result lives until exit. */
int store_open_local(const char *data_dir, store_t **out, buf_t *err);
/* Open the S3-compatible store hao.conf describes, with a local cache under
 * data_dir/media (store_s3.c). 0 or -1 with err. */
int store_open_s3(const char *data_dir, store_t **out, buf_t *err);
/* The size of key in the S3 store's bucket (not its cache): 0 and *size, or
 * -1 when absent or unreachable. */
int store_s3_size(store_t *s, const char *key, long long *size);
/* The staging directory: upload temp files are created here (same file
 * system as the store, so put() is a rename). */
const char *store_tmp_dir(store_t *s);
/* Empty the staging subdirectory dir (a media helper's, media/helper.h)
 * and remove it. Returns the number of files removed. */
int store_remove_dir(const char *dir);
/* 1 when key is well-formed ("<64 hex>" optionally "." and [a-z0-9.]). */
int store_key_ok(const char *key);
/* Remove every staged temp file and every object for which has_row(ctx,
 * sha256_hex) says 0 (crash leftovers). Returns the number removed. */
int store_sweep(store_t *s, int (*has_row)(void *ctx, const char *sha), void *ctx);

#endif
