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
    for (int i = 0; i < s->nm; i++)
        if (!s->m[i].key || !s->m[i].origin)
            port_fuzz_fail("a picture without a key or origin", "");
    check_works(s);
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
