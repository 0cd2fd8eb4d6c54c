/*
 * store_s3.c — store.h on an S3-compatible object store, for sites whose
 * nodes share no disk. Chosen by "media = s3" in DATA/hao.conf (conf.h).
 *
 * Requests go through libcurl, signed with AWS Signature V4 by libcurl
 * itself (CURLOPT_AWS_SIGV4), path-style (ENDPOINT/BUCKET/KEY), so any
 * S3-compatible server works (AWS, MinIO, Ceph, s3rver in the tests).
 *
 * Every node keeps a local cache of the objects it has served or stored, in
 * the local store's layout (DATA/media), so path() can hand the server a
 * file to stream, and a picture is fetched from the bucket once per node:
 *   put()   uploads the staged file (skipped when the key already exists:
 *           same key, same bytes), then moves it into the cache;
 *   path()  answers from the cache, else downloads into it first;
 *   remove() evicts from the cache only: objects in the shared bucket are
 *           never deleted by a node, because another node may have put the
 *           same key a moment ago and not yet written its row;
 *   each()  walks the cache (so the start-up sweep cleans this node only).
 * put() returns only once the bucket has the object: the caller records the
 * row after that, so a row never names an object the bucket lacks.
 */
#include "media/store.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/conf.h"

typedef struct {
    store_t base;   /* root and tmp: the local cache and staging */
    store_t *cache; /* the local store over the same directories */
    char endpoint[512], bucket[128], sigv4[160], userpwd[512];
    /* Sent with every request (read-only once made, so shared by threads):
     * S3 wants the payload's hash declared; uploads are streamed from a file
     * and not hashed twice. */
    struct curl_slist *headers;
} s3_t;

/* ENDPOINT/BUCKET/KEY */
static void url_of(const s3_t *s, const char *key, char *out, size_t n)
{
    snprintf(out, n, "%s/%s/%s", s->endpoint, s->bucket, key);
}

static CURL *easy(const s3_t *s, const char *url)
{
    CURL *c = curl_easy_init();
    if (!c)
        return NULL;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, s->sigv4);
    curl_easy_setopt(c, CURLOPT_USERPWD, s->userpwd);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, s->headers);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 600L);
    return c;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p, (void)ctx;
    return size * n;
}

/* HTTP status of a request with no body to send (HEAD, DELETE), or -1. */
static long simple(const s3_t *s, const char *key, const char *method)
{
    char url[1024];
    url_of(s, key, url, sizeof url);
    CURL *c = easy(s, url);
    if (!c)
        return -1;
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    long code = -1;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    return code;
}

static int upload(const s3_t *s, const char *key, const char *file, buf_t *err)
{
    long code = simple(s, key, "HEAD");
    if (code == 200)
        return 0; /* same key, same bytes */
    FILE *f = fopen(file, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) < 0) {
        buf_printf(err, "cannot read %s: %s", file, strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    char url[1024];
    url_of(s, key, url, sizeof url);
    CURL *c = easy(s, url);
    if (!c) {
        fclose(f);
        buf_lit(err, "cannot start an S3 request");
        return -1;
    }
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READDATA, f);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)st.st_size);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    CURLcode rc = curl_easy_perform(c);
    code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    fclose(f);
    if (rc != CURLE_OK || code / 100 != 2) {
        buf_printf(err, "the media store refused %s: %s (HTTP %ld)", key,
                   rc != CURLE_OK ? curl_easy_strerror(rc) : "error", code);
        return -1;
    }
    return 0;
}

static int s3_put(store_t *base, const char *key, const char *tmp_path, buf_t *err)
{
    s3_t *s = (s3_t *)base;
    if (!store_key_ok(key)) {
        buf_lit(err, "bad store key");
        unlink(tmp_path);
        return -1;
    }
    if (upload(s, key, tmp_path, err) < 0) {
        unlink(tmp_path);
        return -1;
    }
    return s->cache->ops->put(s->cache, key, tmp_path, err);
}

static int s3_put_many(store_t *base, const char *const *keys, const char *const *tmps, int n, int *placed,
                       buf_t *err)
{
    s3_t *s = (s3_t *)base;
    int i;
    for (i = 0; i < n; i++) {
        placed[i] = 0;
        if (!store_key_ok(keys[i])) {
            buf_lit(err, "bad store key");
            break;
        }
        if (upload(s, keys[i], tmps[i], err) < 0)
            break;
    }
    if (i < n) {
        for (int j = i; j < n; j++)
            unlink(tmps[j]);
        /* Those uploaded before the failure go to the cache as usual. */
        n = i;
        if (n == 0)
            return -1;
        buf_t ignored = BUF_INIT;
        s->cache->ops->put_many(s->cache, keys, tmps, n, placed, &ignored);
        buf_free(&ignored);
        return -1;
    }
    return s->cache->ops->put_many(s->cache, keys, tmps, n, placed, err);
}

static int s3_path(store_t *base, const char *key, char *out, size_t outlen)
{
    s3_t *s = (s3_t *)base;
    if (s->cache->ops->path(s->cache, key, out, outlen) == 0)
        return 0;
    if (!store_key_ok(key))
        return -1;
    /* Not here yet: fetch into the staging directory, then into the cache. */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s/get-XXXXXX", s->base.tmp);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "wb");
    char url[1024];
    url_of(s, key, url, sizeof url);
    CURL *c = f ? easy(s, url) : NULL;
    long code = 0;
    CURLcode rc = CURLE_FAILED_INIT;
    if (c) {
        curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
        rc = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_cleanup(c);
    }
    int ok = f && fclose(f) == 0 && rc == CURLE_OK && code == 200;
    if (!f)
        close(fd);
    if (!ok) {
        unlink(tmp);
        return -1;
    }
    buf_t err = BUF_INIT;
    int put = s->cache->ops->put(s->cache, key, tmp, &err);
    buf_free(&err);
    return put == 0 ? s->cache->ops->path(s->cache, key, out, outlen) : -1;
}

static void s3_remove(store_t *base, const char *key)
{
    s3_t *s = (s3_t *)base;
    s->cache->ops->remove(s->cache, key); /* the bucket keeps it: see the top of this file */
}

static void s3_each(store_t *base, void (*fn)(void *ctx, const char *key), void *ctx)
{
    s3_t *s = (s3_t *)base;
    s->cache->ops->each(s->cache, fn, ctx);
}

static const store_ops_t s3_ops = {s3_put, s3_put_many, s3_path, s3_remove, s3_each};

int store_open_s3(const char *data_dir, store_t **out, buf_t *err)
{
    const char *endpoint = conf_get("s3_endpoint"), *bucket = conf_get("s3_bucket");
    const char *region = conf_get("s3_region") ? conf_get("s3_region") : "us-east-1";
    const char *key = conf_get("s3_access_key"), *secret = conf_get("s3_secret_key");
    if (!endpoint || !bucket || !key || !secret) {
        buf_lit(err, "media = s3 needs s3_endpoint, s3_bucket, s3_access_key and s3_secret_key in hao.conf");
        return -1;
    }
    if (strncmp(endpoint, "http://", 7) != 0 && strncmp(endpoint, "https://", 8) != 0) {
        buf_printf(err, "s3_endpoint must be an http:// or https:// URL, not \"%s\"", endpoint);
        return -1;
    }
    static int curl_ready;
    if (!curl_ready) { /* start-up, before any thread: curl_global_init is not thread-safe */
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
            buf_lit(err, "cannot initialise libcurl");
            return -1;
        }
        curl_ready = 1;
    }
    s3_t *s = xcalloc(1, sizeof *s);
    if (store_open_local(data_dir, &s->cache, err) < 0) {
        free(s);
        return -1;
    }
    s->base = *s->cache;
    s->base.ops = &s3_ops;
    snprintf(s->endpoint, sizeof s->endpoint, "%s", endpoint);
    size_t el = strlen(s->endpoint);
    while (el && s->endpoint[el - 1] == '/')
        s->endpoint[--el] = 0;
    snprintf(s->bucket, sizeof s->bucket, "%s", bucket);
    snprintf(s->sigv4, sizeof s->sigv4, "aws:amz:%s:s3", region);
    snprintf(s->userpwd, sizeof s->userpwd, "%s:%s", key, secret);
    s->headers = curl_slist_append(NULL, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    if (!s->headers)
        xalloc_failed();
    /* The bucket must answer (and exist) now, not at the first upload. */
    char url[1024];
    snprintf(url, sizeof url, "%s/%s", s->endpoint, s->bucket);
    CURL *c = easy(s, url);
    long code = 0;
    CURLcode rc = CURLE_FAILED_INIT;
    if (c) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        rc = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_cleanup(c);
    }
    if (rc != CURLE_OK || code != 200) {
        buf_printf(err, "the media store %s/%s does not answer: %s (HTTP %ld)", s->endpoint, s->bucket,
                   rc != CURLE_OK ? curl_easy_strerror(rc) : "no such bucket or no access", code);
        curl_slist_free_all(s->headers);
        free(s->cache);
        free(s);
        return -1;
    }
    *out = &s->base;
    return 0;
}

int store_s3_size(store_t *base, const char *key, long long *size)
{
    s3_t *s = (s3_t *)base;
    char url[1024];
    url_of(s, key, url, sizeof url);
    CURL *c = easy(s, url);
    if (!c)
        return -1;
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    long code = 0;
    curl_off_t len = -1;
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
    }
    curl_easy_cleanup(c);
    if (code != 200 || len < 0)
        return -1;
    *size = (long long)len;
    return 0;
}

int store_open(const char *data_dir, store_t **out, buf_t *err)
{
    const char *media = conf_get("media");
    if (media && strcmp(media, "s3") == 0)
        return store_open_s3(data_dir, out, err);
    return store_open_local(data_dir, out, err);
}
