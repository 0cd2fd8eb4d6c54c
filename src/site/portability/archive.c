/*
 * archive.c — see archive.h. Owned by site/portability; any thread.
 */
#include "site/portability/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/text.h"

int arc_name_ok(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n > 255 || p[0] == '/' || !text_valid(p, n))
        return 0;
    const char *s = p;
    while (*s) {
        const char *e = s + strcspn(s, "/");
        size_t l = (size_t)(e - s);
        if (l == 0 && *e) /* "a//b" */
            return 0;
        if ((l == 1 && s[0] == '.') || (l == 2 && s[0] == '.' && s[1] == '.'))
            return 0;
        for (const char *c = s; c < e; c++)
            if ((unsigned char)*c < 0x20 || *c == '\\' || *c == 0x7f || *c == ':')
                return 0;
        s = *e ? e + 1 : e;
    }
    return 1;
}

void arc_free(arc_t *a)
{
    for (int i = 0; i < a->n; i++) {
        free(a->e[i].path);
        free(a->e[i].data);
    }
    free(a->e);
    port_index_free(a->ix);
    memset(a, 0, sizeof(*a));
}

const arc_entry_t *arc_find(const arc_t *a, const char *path)
{
    int i = a->ix ? port_index_get(a->ix, path) : -1;
    return i >= 0 ? &a->e[i] : NULL;
}

int arc_read(const char *file, arc_t *out, buf_t *err)
{
    memset(out, 0, sizeof(*out));
    struct stat sb;
    if (stat(file, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        buf_printf(err, "%s: not a readable file", file);
        return -1;
    }
    int64_t fsize = sb.st_size > 0 ? (int64_t)sb.st_size : 1;
    struct archive *a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, file, 1 << 16) != ARCHIVE_OK) {
        buf_printf(err, "%s: not a readable archive (tar, tar.gz or zip; truncated or corrupt?): %s", file, archive_error_string(a));
        archive_read_free(a);
        return -1;
    }
    int cap = 64, rc = -1;
    int64_t total = 0;
    out->e = xmalloc((size_t)cap * sizeof(arc_entry_t));
    out->ix = port_index_new();
    struct archive_entry *ent;
    int r;
    char block[1 << 16];
    while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(ent);
        if (!name) {
            buf_printf(err, "%s: entry %d has no name", file, out->n + 1);
            goto done;
        }
        char clean[300];
        const char *nm = name;
        while (nm[0] == '.' && nm[1] == '/')
            nm += 2;
        size_t nl = strlen(nm);
        if (nl >= sizeof clean) {
            buf_printf(err, "%s: entry name too long (%.60s...)", file, name);
            goto done;
        }
        memcpy(clean, nm, nl + 1);
        if (nl && clean[nl - 1] == '/')
            clean[--nl] = 0;
        mode_t type = archive_entry_filetype(ent);
        if (archive_entry_hardlink(ent) || type == AE_IFLNK) {
            buf_printf(err, "%s: entry \"%s\" is a link; an export holds only files", file, name);
            goto done;
        }
        if (!arc_name_ok(clean)) {
            buf_printf(err, "%s: entry \"%s\" has an unsafe name (absolute, \"..\" or control characters)", file,
                       name);
            goto done;
        }
        if (type == AE_IFDIR)
            continue;
        if (type != AE_IFREG) {
            buf_printf(err, "%s: entry \"%s\" is not a regular file", file, name);
            goto done;
        }
        if (out->n >= ARC_ENTRIES_MAX) {
            buf_printf(err, "%s: more than %d entries", file, ARC_ENTRIES_MAX);
            goto done;
        }
        if (archive_entry_size_is_set(ent) && archive_entry_size(ent) > ARC_ENTRY_MAX) {
            buf_printf(err, "%s: entry \"%s\" is %lld bytes, more than the limit of %lld", file, clean,
                       (long long)archive_entry_size(ent), (long long)ARC_ENTRY_MAX);
            goto done;
        }
        if (arc_find(out, clean)) {
            buf_printf(err, "%s: entry \"%s\" appears twice", file, clean);
            goto done;
        }
        buf_t data = BUF_INIT;
        buf_init(&data, (size_t)ARC_ENTRY_MAX + 1);
        la_ssize_t got;
        while ((got = archive_read_data(a, block, sizeof block)) > 0) {
            total += got;
            if ((int64_t)data.len + got > ARC_ENTRY_MAX) {
                buf_printf(err, "%s: entry \"%s\" is larger than the limit of %lld bytes", file, clean,
                           (long long)ARC_ENTRY_MAX);
                buf_free(&data);
                goto done;
            }
            if (total > ARC_TOTAL_MAX) {
                buf_printf(err, "%s: the archive expands to more than %lld bytes", file, (long long)ARC_TOTAL_MAX);
                buf_free(&data);
                goto done;
            }
            if (total > ARC_RATIO_FLOOR && total / fsize > ARC_RATIO_MAX) {
                buf_printf(err, "%s: the archive expands more than %d times its size at \"%s\" (a zip bomb?)", file,
                           ARC_RATIO_MAX, clean);
                buf_free(&data);
                goto done;
            }
            buf_raw(&data, block, (size_t)got);
        }
        if (got < 0 || data.err) {
            buf_printf(err, "%s: entry \"%s\" cannot be read (truncated or corrupt archive): %s", file, clean,
                       archive_error_string(a) ? archive_error_string(a) : "short read");
            buf_free(&data);
            goto done;
        }
        if (archive_entry_size_is_set(ent) && (int64_t)data.len != archive_entry_size(ent)) {
            buf_printf(err, "%s: entry \"%s\" is truncated", file, clean);
            buf_free(&data);
            goto done;
        }
        if (out->n == cap) {
            cap *= 2;
            out->e = xrealloc(out->e, (size_t)cap * sizeof(arc_entry_t));
        }
        port_index_set(out->ix, clean, out->n);
        arc_entry_t *e = &out->e[out->n++];
        e->path = xstrdup(clean);
        e->len = data.len;
        buf_cstr(&data);
        e->data = data.p ? buf_steal(&data, NULL) : xstrdup("");
    }
    if (r != ARCHIVE_EOF) {
        buf_printf(err, "%s: the archive is truncated or corrupt after %d entries: %s", file, out->n,
                   archive_error_string(a) ? archive_error_string(a) : "unreadable header");
        goto done;
    }
    rc = 0;
done:
    archive_read_free(a);
    if (rc < 0)
        arc_free(out);
    return rc;
}

/* ---- writing ---- */

typedef struct {
    char *path;
    int64_t bytes;
    char sha[65];
} arc_file_t;

struct arc_writer {
    struct archive *a;
    char out[4096], tmp[4200];
    int n, cap;
    arc_file_t *files;
};

arc_writer_t *arc_create(const char *out, buf_t *err)
{
    struct stat sb;
    if (stat(out, &sb) == 0) {
        buf_printf(err, "%s already exists; choose a new path", out);
        return NULL;
    }
    arc_writer_t *w = xcalloc(1, sizeof(*w));
    snprintf(w->out, sizeof w->out, "%s", out);
    snprintf(w->tmp, sizeof w->tmp, "%s.partial", out);
    w->a = archive_write_new();
    size_t ol = strlen(out);
    int zip = ol > 4 && strcmp(out + ol - 4, ".zip") == 0;
    int ok = zip ? archive_write_set_format_zip(w->a) == ARCHIVE_OK
                 : archive_write_add_filter_gzip(w->a) == ARCHIVE_OK &&
                       archive_write_set_format_pax_restricted(w->a) == ARCHIVE_OK;
    if (!ok || archive_write_open_filename(w->a, w->tmp) != ARCHIVE_OK) {
        buf_printf(err, "cannot write %s: %s", w->tmp, archive_error_string(w->a));
        archive_write_free(w->a);
        unlink(w->tmp);
        free(w);
        return NULL;
    }
    return w;
}

static int header(arc_writer_t *w, const char *path, int64_t size, buf_t *err)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, path);
    archive_entry_set_size(e, size);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, time(NULL), 0);
    int rc = archive_write_header(w->a, e) == ARCHIVE_OK ? 0 : -1;
    if (rc < 0)
        buf_printf(err, "cannot write %s into the archive: %s", path, archive_error_string(w->a));
    archive_entry_free(e);
    return rc;
}

static void record(arc_writer_t *w, const char *path, int64_t bytes, const unsigned char h[32])
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->files = xrealloc(w->files, (size_t)w->cap * sizeof(arc_file_t));
    }
    arc_file_t *f = &w->files[w->n++];
    f->path = xstrdup(path);
    f->bytes = bytes;
    sodium_bin2hex(f->sha, sizeof f->sha, h, 32);
}

int arc_add(arc_writer_t *w, const char *path, const void *data, size_t len, buf_t *err)
{
    if (header(w, path, (int64_t)len, err) < 0)
        return -1;
    if (len && archive_write_data(w->a, data, len) != (la_ssize_t)len) {
        buf_printf(err, "cannot write %s into the archive: %s", path, archive_error_string(w->a));
        return -1;
    }
    unsigned char h[32];
    crypto_hash_sha256(h, data, len);
    record(w, path, (int64_t)len, h);
    return 0;
}

int arc_add_file(arc_writer_t *w, const char *path, const char *src, buf_t *err)
{
    int fd = open(src, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) < 0) {
        buf_printf(err, "cannot read %s: %s", src, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (header(w, path, (int64_t)sb.st_size, err) < 0) {
        close(fd);
        return -1;
    }
    crypto_hash_sha256_state hs;
    crypto_hash_sha256_init(&hs);
    char block[1 << 16];
    ssize_t n;
    int64_t done = 0;
    while (done < (int64_t)sb.st_size && (n = read(fd, block, sizeof block)) > 0) {
        if ((int64_t)n > (int64_t)sb.st_size - done)
            n = (ssize_t)((int64_t)sb.st_size - done);
        if (archive_write_data(w->a, block, (size_t)n) != n) {
            buf_printf(err, "cannot write %s into the archive: %s", path, archive_error_string(w->a));
            close(fd);
            return -1;
        }
        crypto_hash_sha256_update(&hs, (unsigned char *)block, (size_t)n);
        done += n;
    }
    close(fd);
    if (done != (int64_t)sb.st_size) {
        buf_printf(err, "%s shrank while it was read", src);
        return -1;
    }
    unsigned char h[32];
    crypto_hash_sha256_final(&hs, h);
    record(w, path, done, h);
    return 0;
}

static void writer_free(arc_writer_t *w)
{
    for (int i = 0; i < w->n; i++)
        free(w->files[i].path);
    free(w->files);
    free(w);
}

void arc_abort(arc_writer_t *w)
{
    archive_write_free(w->a);
    unlink(w->tmp);
    writer_free(w);
}

void arc_limits_note(const arc_writer_t *w, buf_t *note)
{
    int64_t total = 0, largest = 0;
    const char *big = NULL;
    for (int i = 0; i < w->n; i++) {
        total += w->files[i].bytes;
        if (w->files[i].bytes > largest)
            largest = w->files[i].bytes, big = w->files[i].path;
    }
    /* the manifest: one more entry, about 150 bytes a file */
    int entries = w->n + 1;
    total += 150 * (int64_t)entries;
    if (entries > ARC_ENTRIES_MAX)
        buf_printf(note, "it has %d files, more than the %d that hao import reads", entries, ARC_ENTRIES_MAX);
    else if (largest > ARC_ENTRY_MAX)
        buf_printf(note, "%s is %lld MiB, more than the %lld MiB a file that hao import reads", big,
                   (long long)((largest + (1 << 20) - 1) >> 20), (long long)(ARC_ENTRY_MAX >> 20));
    else if (total > ARC_TOTAL_MAX)
        buf_printf(note, "it holds %lld MiB, more than the %lld MiB that hao import reads",
                   (long long)((total + (1 << 20) - 1) >> 20),
                   (long long)(ARC_TOTAL_MAX >> 20));
}

int arc_finish(arc_writer_t *w, const char *extra_json, buf_t *err)
{
    buf_t m = BUF_INIT;
    buf_lit(&m, "{\"format\":\"hao-export\",\"version\":1");
    if (extra_json && *extra_json) {
        buf_ch(&m, ',');
        buf_rawz(&m, extra_json);
    }
    buf_lit(&m, ",\"files\":[");
    for (int i = 0; i < w->n; i++) {
        buf_rawz(&m, i ? ",\n{\"path\":" : "\n{\"path\":");
        buf_json_strz(&m, w->files[i].path);
        buf_printf(&m, ",\"bytes\":%lld,\"sha256\":\"%s\"}", (long long)w->files[i].bytes, w->files[i].sha);
    }
    buf_lit(&m, "]}\n");
    int rc = arc_add(w, "manifest.json", m.p, m.len, err);
    buf_free(&m);
    if (rc == 0 && (archive_write_close(w->a) != ARCHIVE_OK)) {
        buf_printf(err, "cannot finish %s: %s", w->tmp, archive_error_string(w->a));
        rc = -1;
    }
    archive_write_free(w->a);
    if (rc == 0 && rename(w->tmp, w->out) < 0) {
        buf_printf(err, "cannot rename %s to %s: %s", w->tmp, w->out, strerror(errno));
        rc = -1;
    }
    if (rc < 0)
        unlink(w->tmp);
    writer_free(w);
    return rc;
}
