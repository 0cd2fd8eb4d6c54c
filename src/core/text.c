/* text.c — see text.h. */
#include "core/text.h"

#include <string.h>

static int valid(const char *s, size_t n, int allow_nl)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && !(allow_nl && (c == '\n' || c == '\r')))
                return 0;
            if (c == 0x7f)
                return 0;
            p++;
            continue;
        }
        size_t len;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) len = 2, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0) len = 3, cp = c & 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0) len = 4, cp = c & 0x07, min = 0x10000;
        else return 0;
        if ((size_t)(e - p) < len)
            return 0;
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        p += len;
    }
    return 1;
}

int text_valid(const char *s, size_t n) { return valid(s, n, 1); }
int text_valid_line(const char *s, size_t n) { return valid(s, n, 0); }

size_t text_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            c++;
    return c;
}

size_t text_prefix(const char *s, size_t n, size_t max_chars)
{
    size_t c = 0, i = 0;
    for (; i < n; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            if (c == max_chars)
                return i;
            c++;
        }
    }
    return n;
}

uint32_t text_decode(const char *s, size_t n, size_t *clen)
{
    const unsigned char *p = (const unsigned char *)s;
    if (n == 0) { *clen = 0; return 0; }
    unsigned c = p[0];
    size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
    if (len > n) len = n;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t i = 1; i < len; i++)
        cp = (cp << 6) | (p[i] & 0x3f);
    *clen = len;
    return cp;
}

void text_put_utf8(buf_t *b, uint32_t c)
{
    char u[4];
    size_t n;
    if (c < 0x80) {
        u[0] = (char)c, n = 1;
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | (c >> 6)), u[1] = (char)(0x80 | (c & 0x3F)), n = 2;
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | (c >> 12)), u[1] = (char)(0x80 | ((c >> 6) & 0x3F)), u[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (c >> 18)), u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F)), u[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    buf_raw(b, u, n); /* raw: text */
}

static size_t space_at(const char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r'))
        return 1;
    if (n >= 3 && (unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

static size_t space_before(const char *s, size_t n)
{
    if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        return 1;
    if (n >= 3 && (unsigned char)s[n - 3] == 0xe3 && (unsigned char)s[n - 2] == 0x80 &&
        (unsigned char)s[n - 1] == 0x80)
        return 3;
    return 0;
}

void text_trim(const char **s, size_t *n)
{
    size_t k;
    while ((k = space_at(*s, *n)) != 0)
        *s += k, *n -= k;
    while ((k = space_before(*s, *n)) != 0)
        *n -= k;
}

int text_blank(const char *s)
{
    if (!s)
        return 1;
    size_t n = strlen(s);
    text_trim(&s, &n);
    return n == 0;
}
