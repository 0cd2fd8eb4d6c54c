/*
 * formdata.c — see formdata.h.
 */
#include "core/formdata.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The boundary parameter of a multipart/form-data content type. */
static int boundary_of(const char *ct, char *out, size_t outsz)
{
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
        return -1;
    const char *p = strcasestr(ct, "boundary=");
    if (!p)
        return -1;
    p += 9;
    size_t n;
    if (*p == '"') {
        p++;
        n = strcspn(p, "\"");
        if (p[n] != '"')
            return -1;
    } else {
        n = strcspn(p, "; \t");
    }
    if (n == 0 || n > 70 || n + 1 > outsz) /* RFC 2046: 1-70 characters */
        return -1;
    memcpy(out, p, n);
    out[n] = 0;
    return 0;
}

static const char *memfind(const char *h, size_t hl, const char *n, size_t nl)
{
    if (nl == 0 || hl < nl)
        return NULL;
    for (const char *p = h; p + nl <= h + hl; p++) {
        p = memchr(p, n[0], (size_t)(h + hl - p));
        if (!p || p + nl > h + hl)
            return NULL;
        if (memcmp(p, n, nl) == 0)
            return p;
    }
    return NULL;
}

/* A parameter (name="...") of a Content-Disposition value; -1 if absent or
 * too long. Quoted values only, as browsers send them. */
static int param(const char *v, size_t vl, const char *key, char *out, size_t outsz)
{
    size_t kl = strlen(key);
    for (const char *p = v; p + kl + 2 <= v + vl; p++) {
        if ((p == v || p[-1] == ' ' || p[-1] == ';') && strncasecmp(p, key, kl) == 0 && p[kl] == '=' &&
            p[kl + 1] == '"') {
            const char *s = p + kl + 2;
            const char *e = memchr(s, '"', (size_t)(v + vl - s));
            if (!e || (size_t)(e - s) + 1 > outsz)
                return -1;
            memcpy(out, s, (size_t)(e - s));
            out[e - s] = 0;
            return 0;
        }
    }
    return -1;
}

int formdata_parse(const char *content_type, const char *body, size_t len, formdata_part_t *parts, int max)
{
    char b[80], delim[84];
    if (boundary_of(content_type, b, sizeof b) < 0)
        return -1;
    int dl = snprintf(delim, sizeof delim, "--%s", b);
    /* The body starts with the first delimiter (a preamble is allowed by the
     * RFC but no browser sends one; refusing it keeps this strict). */
    if (len < (size_t)dl + 2 || memcmp(body, delim, (size_t)dl) != 0)
        return -1;
    const char *p = body + dl;
    const char *end = body + len;
    int n = 0;
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return n; /* the closing delimiter; anything after is epilogue */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return -1;
        p += 2;
        if (n == max)
            return -1;
        formdata_part_t *part = &parts[n];
        memset(part, 0, sizeof *part);
        int have_name = 0;
        /* Header lines until an empty line. */
        for (;;) {
            const char *eol = memfind(p, (size_t)(end - p), "\r\n", 2);
            if (!eol || eol - p > 1024)
                return -1;
            if (eol == p) {
                p += 2;
                break;
            }
            size_t hl = (size_t)(eol - p);
            if (hl > 20 && strncasecmp(p, "Content-Disposition:", 20) == 0) {
                if (param(p + 20, hl - 20, "name", part->name, sizeof part->name) < 0)
                    return -1;
                have_name = 1;
                if (param(p + 20, hl - 20, "filename", part->filename, sizeof part->filename) == 0)
                    part->is_file = 1;
            } else if (hl > 13 && strncasecmp(p, "Content-Type:", 13) == 0) {
                const char *v = p + 13;
                size_t vl = hl - 13;
                while (vl && (*v == ' ' || *v == '\t'))
                    v++, vl--;
                if (vl + 1 > sizeof part->type)
                    return -1;
                memcpy(part->type, v, vl);
                part->type[vl] = 0;
            }
            p = eol + 2;
        }
        if (!have_name)
            return -1;
        /* The data runs to CRLF + delimiter. */
        char sep[88];
        int sl = snprintf(sep, sizeof sep, "\r\n%s", delim);
        const char *next = memfind(p, (size_t)(end - p), sep, (size_t)sl);
        if (!next)
            return -1;
        part->data = p;
        part->len = (size_t)(next - p);
        n++;
        p = next + sl;
    }
}
