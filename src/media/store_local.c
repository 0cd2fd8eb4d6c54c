/*
 * store_local.c — the local-directory implementation of store.h.
 *
 * Layout: DATA/media/ab/<key> where "ab" are the key's first two hex digits
 * (a few hundred files per directory even for large sites), and
 * DATA/media/tmp/ for uploads being received or processed.
 */
#include "media/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"

int store_key_ok(const char *key)
{
    size_t n = strlen(key);
    if (n < 64 || n > STORE_KEY_MAX)
        return 0;
    for (size_t i = 0; i < 64; i++)
        if (!((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'a' && key[i] <= 'f')))
            return 0;
    if (n == 64)
        return 1;
    if (key[64] != '.')
        return 0;
    for (size_t i = 65; i < n; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'))
            return 0;
    }
    return key[n - 1] != '.' && !strstr(key, "..");
}

static int key_path(store_t *s, const char *key, char *out, size_t outlen)
{
    if (!store_key_ok(key))
        return -1;
    int n = snprintf(out, outlen, "%s/%.2s/%s", s->root, key, key);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int local_put(store_t *s, const char *key, const char *tmp_path, buf_t *err)
{
    char path[4200], dir[4200];
    if (key_path(s, key, path, sizeof path) < 0) {
        buf_printf(err, "bad store key");
        unlink(tmp_path);
        return -1;
    }
    snprintf(dir, sizeof dir, "%s/%.2s", s->root, key);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        buf_printf(err, "cannot create %s: %s", dir, strerror(errno));
        unlink(tmp_path);
        return -1;
    }
    struct stat st;
    if (stat(path, &st) == 0) { /* same key, same bytes: keep the one we have */
        unlink(tmp_path);
        return 0;
    }
    int fd = open(tmp_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) < 0) {
        buf_printf(err, "cannot sync %s: %s", tmp_path, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp_path);
        return -1;
    }
    close(fd);
    if (rename(tmp_path, path) < 0) {
        buf_printf(err, "cannot rename into %s: %s", path, strerror(errno));
        unlink(tmp_path);
        return -1;
    }
    /* The rename is durable only once the directory entry is. */
    fsync_dir(dir);
    return 0;
}

static int local_put_many(store_t *s, const char *const *keys, const char *const *tmps, int n, int *placed, buf_t *err)
{
    char path[4200], dir[4200];
    int rc = 0, i;
    for (i = 0; i < n; i++)
        placed[i] = 0;
    /* Data first, for all files at once: one journal commit (syncfs)
     * rather than one per fsync. */
    int fd = open(s->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int synced = fd >= 0 && syncfs(fd) == 0;
    if (fd >= 0)
        close(fd);
    for (i = 0; i < n; i++) {
        struct stat st;
        if (!synced) {
            int f = open(tmps[i], O_RDONLY | O_CLOEXEC);
            if (f < 0 || fsync(f) < 0) {
                buf_printf(err, "cannot sync %s: %s", tmps[i], strerror(errno));
                rc = -1;
            }
            if (f >= 0)
                close(f);
        }
        snprintf(dir, sizeof dir, "%s/%.2s", s->root, keys[i]);
        if (rc < 0) {
            /* reported above */
        } else if (key_path(s, keys[i], path, sizeof path) < 0) {
            buf_printf(err, "bad store key");
            rc = -1;
        } else if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
            buf_printf(err, "cannot create %s: %s", dir, strerror(errno));
            rc = -1;
        } else if (stat(path, &st) == 0) {
            unlink(tmps[i]); /* same key, same bytes: keep the one we have */
        } else if (rename(tmps[i], path) < 0) {
            buf_printf(err, "cannot rename into %s: %s", path, strerror(errno));
            rc = -1;
        } else {
            placed[i] = 1;
        }
        if (rc < 0)
            break;
    }
    for (int j = i; j < n; j++) /* the failed one and those never reached */
        unlink(tmps[j]);
    /* The renames are durable once their directory entries are (keys of one
     * upload share their first two hex digits, so this is one directory). */
    char last[4200] = "";
    for (int j = 0; j < n; j++) {
        if (!placed[j])
            continue;
        snprintf(dir, sizeof dir, "%s/%.2s", s->root, keys[j]);
        if (strcmp(dir, last) != 0)
            fsync_dir(dir);
        snprintf(last, sizeof last, "%s", dir);
    }
    return rc;
}

static int local_path(store_t *s, const char *key, char *out, size_t outlen)
{
    struct stat st;
    if (key_path(s, key, out, outlen) < 0 || stat(out, &st) < 0 || !S_ISREG(st.st_mode))
        return -1;
    return 0;
}

static void local_remove(store_t *s, const char *key)
{
    char path[4200];
    if (key_path(s, key, path, sizeof path) == 0)
        unlink(path);
}

static void local_each(store_t *s, void (*fn)(void *ctx, const char *key), void *ctx)
{
    DIR *top = opendir(s->root);
    if (!top)
        return;
    struct dirent *d;
    while ((d = readdir(top)) != NULL) {
        if (strlen(d->d_name) != 2 || d->d_name[0] == '.')
            continue;
        char sub[4200];
        snprintf(sub, sizeof sub, "%s/%.2s", s->root, d->d_name); /* two characters, checked above */
        DIR *dd = opendir(sub);
        if (!dd)
            continue;
        struct dirent *e;
        while ((e = readdir(dd)) != NULL)
            if (store_key_ok(e->d_name))
                fn(ctx, e->d_name);
        closedir(dd);
    }
    closedir(top);
}

static const store_ops_t local_ops = {local_put, local_put_many, local_path, local_remove, local_each};

int store_open_local(const char *data_dir, store_t **out, buf_t *err)
{
    store_t *s = xcalloc(1, sizeof *s);
    s->ops = &local_ops;
    if ((size_t)snprintf(s->root, sizeof s->root, "%s/media", data_dir) >= sizeof s->root ||
        (size_t)snprintf(s->tmp, sizeof s->tmp, "%s/media/tmp", data_dir) >= sizeof s->tmp) {
        buf_printf(err, "data directory path too long");
        free(s);
        return -1;
    }
    if ((mkdir(s->root, 0755) < 0 && errno != EEXIST) || (mkdir(s->tmp, 0700) < 0 && errno != EEXIST)) {
        buf_printf(err, "cannot create %s: %s", s->tmp, strerror(errno));
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

const char *store_tmp_dir(store_t *s)
{
    return s->tmp;
}

typedef struct {
    store_t *s;
    int (*has_row)(void *, const char *);
    void *ctx;
    int removed;
} sweep_t;

static void sweep_one(void *p, const char *key)
{
    sweep_t *sw = p;
    char sha[65];
    memcpy(sha, key, 64);
    sha[64] = 0;
    if (!sw->has_row(sw->ctx, sha)) {
        sw->s->ops->remove(sw->s, key);
        sw->removed++;
    }
}

int store_remove_dir(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char p[4700];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            n += unlink(p) == 0;
        }
        closedir(d);
    }
    rmdir(dir);
    return n;
}

int store_sweep(store_t *s, int (*has_row)(void *ctx, const char *sha), void *ctx)
{
    sweep_t sw = {s, has_row, ctx, 0};
    /* Staged files belong to uploads in progress; at start there are none. */
    DIR *d = opendir(s->tmp);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char p[4400];
            snprintf(p, sizeof p, "%s/%s", s->tmp, e->d_name);
            if (unlink(p) == 0)
                sw.removed++;
            else if (errno == EISDIR && !strncmp(e->d_name, "j.", 2))
                sw.removed += store_remove_dir(p); /* a media helper's, from a crash */
        }
        closedir(d);
    }
    s->ops->each(s, sweep_one, &sw);
    return sw.removed;
}
