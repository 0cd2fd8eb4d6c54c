/* multipart.c — see multipart.h. */
#include "media/multipart.h"

#include <string.h>
#include <strings.h>

#define HEADERS_MAX 8192

/* The boundary parameter of content_type into out (1-70 chars). */
static int boundary_of(const char *ct, char *out, size_t outlen)
{
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
        return -1;
    const char *p = ct + 19;
    while ((p = strchr(p, ';')) != NULL) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, "boundary=", 9) != 0)
            continue;
        p += 9;
        size_t n;
        if (*p == '"') {
            const char *e = strchr(p + 1, '"');
            if (!e)
                return -1;
            p++;
            n = (size_t)(e - p);
        } else {
            n = strcspn(p, "; \t");
        }
        if (n < 1 || n > 70 || n + 1 > outlen)
            return -1;
        memcpy(out, p, n);
        out[n] = 0;
        return (int)n;
    }
    return -1;
}

/* Read name="..." and filename presence from a Content-Disposition value. */
static int disposition(const char *h, size_t n, mp_part_t *part)
{
    const char *e = h + n;
    if (n < 9 || strncasecmp(h, "form-data", 9) != 0)
        return -1;
    for (const char *p = h; p < e; p++) {
        if (*p != ';')
            continue;
        p++;
        while (p < e && *p == ' ')
            p++;
        int fname = (size_t)(e - p) >= 9 && strncasecmp(p, "filename=", 9) == 0;
        int name = (size_t)(e - p) >= 5 && strncasecmp(p, "name=", 5) == 0;
        if (fname)
            part->has_filename = 1;
        if (!name)
            continue;
        p += 5;
        const char *v = p, *ve;
        if (p < e && *p == '"') {
            v = p + 1;
            ve = memchr(v, '"', (size_t)(e - v));
            if (!ve)
                return -1;
        } else {
            ve = v;
            while (ve < e && *ve != ';')
                ve++;
        }
        if ((size_t)(ve - v) >= sizeof part->name)
            return -1;
        memcpy(part->name, v, (size_t)(ve - v));
        part->name[ve - v] = 0;
        p = ve - 1;
    }
    return part->name[0] ? 0 : -1;
}

/* memmem over [p, end), one window at a time. Consecutive windows overlap
 * by nl - 1 bytes, so a delimiter across a window's edge is found where it
 * starts, and the first occurrence is the one returned. */
static const char *find(const char *p, const char *end, const char *needle, size_t nl, const mp_scan_t *scan)
{
    while ((size_t)(end - p) >= nl) {
        size_t room = (size_t)(end - p);
        size_t n = room > MP_SCAN_WINDOW + nl - 1 ? MP_SCAN_WINDOW + nl - 1 : room;
        const char *f = memmem(p, n, needle, nl);
        if (f || n == room)
            return f;
        if (scan)
            scan->scanned(scan->ctx, p, p + MP_SCAN_WINDOW);
        p += MP_SCAN_WINDOW;
    }
    return NULL;
}

int multipart_parse(const char *content_type, const char *body, size_t len, mp_part_t *parts, int max)
{
    return multipart_parse_scan(content_type, body, len, parts, max, NULL);
}

int multipart_parse_scan(const char *content_type, const char *body, size_t len, mp_part_t *parts, int max,
                         const mp_scan_t *scan)
{
    char delim[80] = "\r\n--";
    int bl = boundary_of(content_type, delim + 4, sizeof delim - 4);
    if (bl < 0)
        return -1;
    size_t dl = (size_t)bl + 4;
    /* The first delimiter may open the body (no preceding CRLF). */
    const char *p;
    if (len >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0) {
        p = body + dl - 2;
    } else {
        const char *f = find(body, body + len, delim, dl, scan);
        if (!f)
            return -1;
        p = f + dl;
    }
    const char *end = body + len;
    int n = 0;
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return n; /* closing delimiter */
        while (p < end && (*p == ' ' || *p == '\t'))
            p++; /* transport padding */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return -1;
        p += 2;
        size_t room = (size_t)(end - p) < HEADERS_MAX ? (size_t)(end - p) : HEADERS_MAX;
        const char *he = memmem(p, room, "\r\n\r\n", 4);
        if (!he && room >= 2 && p[0] == '\r' && p[1] == '\n')
            he = p - 2; /* no headers at all */
        if (!he)
            return -1;
        mp_part_t part;
        memset(&part, 0, sizeof part);
        int have_disp = 0;
        for (const char *line = p; line < he;) {
            const char *le = memmem(line, (size_t)(he - line) + 2, "\r\n", 2);
            if (!le)
                le = he;
            const char *colon = memchr(line, ':', (size_t)(le - line));
            if (!colon)
                return -1;
            if ((size_t)(colon - line) == 19 && strncasecmp(line, "content-disposition", 19) == 0) {
                const char *v = colon + 1;
                while (v < le && (*v == ' ' || *v == '\t'))
                    v++;
                if (disposition(v, (size_t)(le - v), &part) < 0)
                    return -1;
                have_disp = 1;
            }
            line = le + 2;
        }
        if (!have_disp)
            return -1;
        const char *data = he + 4;
        const char *next = find(data, end, delim, dl, scan);
        if (!next)
            return -1;
        part.data = data;
        part.len = (size_t)(next - data);
        if (n == max)
            return -1; /* more parts than any upload form of ours has */
        parts[n++] = part;
        p = next + dl;
    }
}

const mp_part_t *multipart_get(const mp_part_t *parts, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(parts[i].name, name) == 0)
            return &parts[i];
    return NULL;
}
