/* port_fuzz.h — what the import-format drivers (port_wxr, port_ghost,
 * port_hao) share: the input as a file, since the readers take a path (a
 * memfd, rewritten for each input), and the checks every reader's set must
 * pass. Include it after "../src/site/portability/importer.c", whose
 * check_works it calls. Owned by ops (issue 17). */
#ifndef HAO_PORT_FUZZ_H
#define HAO_PORT_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The input as /proc/self/fd/N; the path stays valid for the process. */
static const char *port_fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("import", MFD_CLOEXEC);
        if (fd < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    return path;
}

/* Which check failed, and the value (bytes escaped), then abort. */
static void port_fuzz_fail(const char *what, const char *v)
{
    fprintf(stderr, "port_fuzz: %s: \"", what);
    for (const unsigned char *p = (const unsigned char *)(v ? v : "(null)"); *p; p++)
        fprintf(stderr, *p >= 0x20 && *p < 0x7f && *p != '\\' ? "%c" : "\\x%02x", *p);
    fprintf(stderr, "\"\n");
    abort();
}

static int port_fuzz_text(const char *s)
{
    return s && text_valid(s, strlen(s));
}

static void port_fuzz_write(port_set_t *s);

/* After a reader returned rc: a refusal says why; a set read without a
 * problem (what port_run goes on to check and write) has works
 * with a key, an origin, a status hao knows and a title, body and tags of
 * valid UTF-8, comments with a key and a body, pictures with a key and an
 * origin. Then the importer's own check of the set runs. */
static void port_fuzz_check(port_set_t *s, int rc)
{
    if (rc < 0 && s->problems.len == 0)
        port_fuzz_fail("a refusal without a problem", "");
    if (rc < 0 || s->problems.len)
        return; /* port_run stops here: nothing is written */
    for (int i = 0; i < s->nw; i++) {
        const port_work_t *w = &s->w[i];
        if (!w->key || !w->origin)
            port_fuzz_fail("a work without a key or origin", "");
        if (!port_fuzz_text(w->title))
            port_fuzz_fail("title", w->title);
        if (!port_fuzz_text(w->body))
            port_fuzz_fail("body", w->body);
        if (strcmp(w->status, "draft") != 0 && strcmp(w->status, "published") != 0)
            port_fuzz_fail("status", w->status);
        for (int k = 0; k < w->ntags; k++)
            if (!port_fuzz_text(w->tags[k]))
                port_fuzz_fail("tag", w->tags[k]);
        for (int k = 0; k < w->nc; k++)
            if (!w->c[k].key || !w->c[k].body)
                port_fuzz_fail("a comment without a key or body", "");
    }
    for (int i = 0; i < s->nm; i++) {
        if (!s->m[i].key || !s->m[i].origin)
            port_fuzz_fail("a picture without a key or origin", "");
        /* importer.c finds a key in a body as the run after "(" up to ")"
         * or a space: no key may hold one */
        if (!s->m[i].key[0] || strpbrk(s->m[i].key, "() "))
            port_fuzz_fail("a picture key a body cannot name", s->m[i].key);
    }
    check_works(s);
    if (s->problems.len == 0)
        port_fuzz_write(s);
}

/* What port_run does with the set before its transaction, without a
 * database: each medium's owner (every work pending, by a creator), then
 * the bodies re-pointed as if two media in three were imported (the third
 * stays a link when it is a picture by URL without bytes). A re-pointed body is UTF-8 text that names
 * no imported medium by its old key any more. */
static void port_fuzz_write(port_set_t *s)
{
    int *pending = xcalloc((size_t)s->nw + 1, sizeof(int));
    for (int i = 0; i < s->nw; i++) {
        pending[i] = 1;
        s->w[i].author_id = 1 + i % 3;
    }
    int64_t *owner = media_owners(s, pending);
    for (int i = 0; i < s->nm; i++) {
        if (owner[i] < 0 || owner[i] > 3)
            port_fuzz_fail("an owner that is no work's creator", s->m[i].key);
        if (i % 3 != 2)
            snprintf(s->m[i].new_id, sizeof s->m[i].new_id, "<%015x", i); /* '<': no key holds one */
    }
    free(owner);
    free(pending);
    repoint_index(s);
    for (int i = 0; i < s->nw; i++) {
        char *b = repoint(s, s->w[i].body);
        if (!port_fuzz_text(b))
            port_fuzz_fail("a re-pointed body", b);
        for (int k = 0; k < s->nm && (long)s->nm * s->nw <= 20000; k++) { /* a quadratic check: small sets */
            int at = port_index_get(s->ref_ix, s->m[k].key);
            if (at < 0 || !s->m[at].new_id[0])
                continue;
            size_t kl = strlen(s->m[k].key);
            for (const char *q = b; (q = strstr(q, s->m[k].key)); q++)
                if (q > b && q[-1] == '(' && (q[kl] == ')' || q[kl] == ' '))
                    port_fuzz_fail("an imported picture still named by its old key", s->m[k].key);
        }
        free(b);
    }
}

/* One input through reader, checked, freed. */
static int port_fuzz_one(const uint8_t *data, size_t size,
                         int (*reader)(const char *, const port_opts_t *, port_set_t *))
{
    const char *path = port_fuzz_file(data, size);
    port_opts_t o = {.file = path, .pages = 1};
    port_set_t s;
    memset(&s, 0, sizeof s);
    port_fuzz_check(&s, reader(path, &o, &s));
    port_set_free(&s);
    return 0;
}

#endif
