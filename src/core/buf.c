/* buf.c — see buf.h. */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

void buf_init(buf_t *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
}

void buf_free(buf_t *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->err = 0;
}

void buf_reset(buf_t *b)
{
    b->len = 0;
    b->err = 0;
    if (b->p)
        b->p[0] = 0;
}

/* Make room for n more bytes plus a NUL; returns 0 when the cap is hit. */
static int grow(buf_t *b, size_t n)
{
    size_t max = b->max ? b->max : BUF_DEFAULT_MAX;
    if (b->err)
        return 0;
    if (n > max || b->len > max - n) {
        b->err = 1;
        return 0;
    }
    if (b->len + n + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
    return 1;
}

const char *buf_cstr(buf_t *b)
{
    if (!b->p)
        return "";
    return b->p;
}

char *buf_steal(buf_t *b, size_t *len)
{
    if (!b->p) {
        b->err = 0;
        if (!grow(b, 0))
            return NULL;
        b->p[0] = 0;
    }
    char *p = b->p;
    if (len)
        *len = b->len;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void buf_raw(buf_t *b, const void *p, size_t n)
{
    if (!grow(b, n))
        return;
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = 0;
}

void buf_rawz(buf_t *b, const char *s)
{
    buf_raw(b, s, strlen(s));
}

void buf_ch(buf_t *b, char c)
{
    buf_raw(b, &c, 1);
}

void buf_vprintf(buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !grow(b, (size_t)n))
        return;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_int(buf_t *b, long long v)
{
    buf_printf(b, "%lld", v);
}

void buf_html(buf_t *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        buf_raw(b, s + run, i - run);
        buf_rawz(b, rep);
        run = i + 1;
    }
    buf_raw(b, s + run, n - run);
}

void buf_htmlz(buf_t *b, const char *s)
{
    if (s)
        buf_html(b, s, strlen(s));
}

void buf_xml(buf_t *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            buf_html(b, s + run, i - run);
            run = i + 1;
        }
    }
    buf_html(b, s + run, n - run);
}

void buf_url(buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~') {
            buf_ch(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_raw(b, e, 3);
        }
    }
}

void buf_json_str(buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_ch(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        /* '<' and '>' escaped too so JSON embedded in a <script> can't close it. */
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>')
            continue;
        buf_raw(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': buf_lit(b, "\\\""); break;
        case '\\': buf_lit(b, "\\\\"); break;
        case '\n': buf_lit(b, "\\n"); break;
        case '\r': buf_lit(b, "\\r"); break;
        case '\t': buf_lit(b, "\\t"); break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_raw(b, e, 6);
        }
        }
    }
    buf_raw(b, s + run, n - run);
    buf_ch(b, '"');
}

void buf_json_strz(buf_t *b, const char *s)
{
    if (!s) {
        buf_lit(b, "null");
        return;
    }
    buf_json_str(b, s, strlen(s));
}
