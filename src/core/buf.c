/* buf.c — see buf.h. */
#include "core/buf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

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

/* ---- buf_hprintf: printf whose strings are HTML-escaped ----
 *
 * Each conversion is parsed into a spec_t. Strings and characters go through
 * buf_html; numbers are handed to snprintf with the conversion rebuilt
 * (flags, width and precision as digits, the value widened to long long or
 * double), which cannot produce markup. Text between conversions is the
 * caller's markup and is copied as it is. The va_list travels by pointer
 * (C17 7.16p3) so the helpers can take arguments from it. */

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };
#define SPEC_NUM_MAX 999999 /* widths and precisions above this are refused */

typedef struct {
    char flags[8]; /* each of - + space # 0 at most once */
    int nflags;
    int left;      /* '-' */
    int width;     /* -1: none */
    int prec;      /* -1: none */
    int len;       /* LEN_* */
    char conv;
} spec_t;

static void spec_flag(spec_t *sp, char c)
{
    if (c == '-')
        sp->left = 1;
    if (!memchr(sp->flags, c, (size_t)sp->nflags))
        sp->flags[sp->nflags++] = c;
}

/* Digits at *p, or -1 when there are more than SPEC_NUM_MAX allows. */
static int spec_digits(const char **p)
{
    int v = 0;
    while (**p >= '0' && **p <= '9') {
        v = v * 10 + (*(*p)++ - '0');
        if (v > SPEC_NUM_MAX)
            return -1;
    }
    return v;
}

/* Parse the conversion after a '%' at *p (flags, width, precision, length,
 * conversion character); * arguments are taken from ap. Returns -1 on a
 * conversion this writer refuses. */
static int spec_parse(const char **p, spec_t *sp, va_list *ap)
{
    const char *q = *p;
    memset(sp, 0, sizeof *sp);
    sp->width = sp->prec = -1;
    while (*q == '-' || *q == '+' || *q == ' ' || *q == '#' || *q == '0')
        spec_flag(sp, *q++);
    if (*q == '*') {
        int w = va_arg(*ap, int);
        q++;
        if (w < 0) { /* printf: a negative width means the '-' flag */
            spec_flag(sp, '-');
            w = w < -SPEC_NUM_MAX ? -SPEC_NUM_MAX - 1 : w;
            w = -w;
        }
        sp->width = w;
    } else if (*q >= '1' && *q <= '9' && (sp->width = spec_digits(&q)) < 0) {
        return -1;
    }
    if (*q == '.') {
        q++;
        if (*q == '*') {
            int pr = va_arg(*ap, int);
            q++;
            sp->prec = pr < 0 ? -1 : pr; /* negative: as if omitted */
        } else if ((sp->prec = spec_digits(&q)) < 0) {
            return -1;
        }
    }
    if (q[0] == 'h' || q[0] == 'l') {
        int twice = q[1] == q[0];
        sp->len = q[0] == 'h' ? (twice ? LEN_HH : LEN_H) : (twice ? LEN_LL : LEN_L);
        q += twice ? 2 : 1;
    } else if (*q == 'z' || *q == 'j' || *q == 't') {
        sp->len = *q == 'z' ? LEN_Z : *q == 'j' ? LEN_J : LEN_T;
        q++;
    }
    sp->conv = *q;
    if (!*q || sp->width > SPEC_NUM_MAX || sp->prec > SPEC_NUM_MAX)
        return -1;
    *p = q + 1;
    return 0;
}

/* s (n bytes) escaped, padded with spaces to the width counted in bytes of
 * the unescaped text, as printf counts them. */
static void emit_text(buf_t *b, const spec_t *sp, const char *s, size_t n)
{
    size_t pad = sp->width > 0 && (size_t)sp->width > n ? (size_t)sp->width - n : 0;
    for (size_t i = 0; !sp->left && i < pad; i++)
        buf_ch(b, ' ');
    buf_html(b, s, n);
    for (size_t i = 0; sp->left && i < pad; i++)
        buf_ch(b, ' ');
}

/* "%<flags><width>.<prec><length><conv>" for snprintf; length is "" or "ll". */
static void spec_rebuild(const spec_t *sp, const char *length, char out[40])
{
    int k = snprintf(out, 40, "%%%.*s", sp->nflags, sp->flags);
    if (sp->width >= 0)
        k += snprintf(out + k, 40 - (size_t)k, "%d", sp->width);
    if (sp->prec >= 0)
        k += snprintf(out + k, 40 - (size_t)k, ".%d", sp->prec);
    snprintf(out + k, 40 - (size_t)k, "%s%c", length, sp->conv);
}

/* snprintf(spec, value) appended to b; the stack buffer spares a second pass
 * for every usual number, a huge width is written straight into b. */
#define EMIT_NUMBER(b, spec, value)                                                                                    \
    do {                                                                                                               \
        char tmp_[128];                                                                                                \
        int n_ = snprintf(tmp_, sizeof tmp_, (spec), (value));                                                         \
        if (n_ < 0)                                                                                                    \
            (b)->err = 1;                                                                                              \
        else if ((size_t)n_ < sizeof tmp_)                                                                             \
            buf_raw((b), tmp_, (size_t)n_);                                                                            \
        else if (grow((b), (size_t)n_)) {                                                                              \
            snprintf((b)->p + (b)->len, (size_t)n_ + 1, (spec), (value));                                              \
            (b)->len += (size_t)n_;                                                                                    \
        }                                                                                                              \
    } while (0)

static void emit_signed(buf_t *b, const spec_t *sp, va_list *ap)
{
    long long v;
    switch (sp->len) {
    case LEN_HH: v = (signed char)va_arg(*ap, int); break;
    case LEN_H: v = (short)va_arg(*ap, int); break;
    case LEN_L: v = va_arg(*ap, long); break;
    case LEN_LL: v = va_arg(*ap, long long); break;
    case LEN_Z: v = va_arg(*ap, ssize_t); break;
    case LEN_J: v = (long long)va_arg(*ap, intmax_t); break;
    case LEN_T: v = va_arg(*ap, ptrdiff_t); break;
    default: v = va_arg(*ap, int); break;
    }
    char spec[40];
    spec_rebuild(sp, "ll", spec);
    EMIT_NUMBER(b, spec, v);
}

static void emit_unsigned(buf_t *b, const spec_t *sp, va_list *ap)
{
    unsigned long long v;
    switch (sp->len) {
    case LEN_HH: v = (unsigned char)va_arg(*ap, unsigned); break;
    case LEN_H: v = (unsigned short)va_arg(*ap, unsigned); break;
    case LEN_L: v = va_arg(*ap, unsigned long); break;
    case LEN_LL: v = va_arg(*ap, unsigned long long); break;
    case LEN_Z: v = va_arg(*ap, size_t); break;
    case LEN_J: v = (unsigned long long)va_arg(*ap, uintmax_t); break;
    case LEN_T: v = (size_t)va_arg(*ap, ptrdiff_t); break;
    default: v = va_arg(*ap, unsigned); break;
    }
    char spec[40];
    spec_rebuild(sp, "ll", spec);
    EMIT_NUMBER(b, spec, v);
}

/* One conversion; -1 when it is one this writer refuses. */
static int emit(buf_t *b, const spec_t *sp, va_list *ap)
{
    char spec[40];
    switch (sp->conv) {
    case 's': {
        if (sp->len != LEN_NONE) /* %ls: wide strings are not ours */
            return -1;
        const char *s = va_arg(*ap, const char *);
        size_t n = !s ? 0 : sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
        emit_text(b, sp, s ? s : "", n);
        return 0;
    }
    case 'c': {
        if (sp->len != LEN_NONE) /* %lc */
            return -1;
        char c = (char)va_arg(*ap, int);
        emit_text(b, sp, &c, 1);
        return 0;
    }
    case 'd':
    case 'i':
        emit_signed(b, sp, ap);
        return 0;
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        emit_unsigned(b, sp, ap);
        return 0;
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A': {
        if (sp->len != LEN_NONE && sp->len != LEN_L) /* 'l' is a no-op for doubles */
            return -1;
        double v = va_arg(*ap, double);
        spec_rebuild(sp, "", spec);
        EMIT_NUMBER(b, spec, v);
        return 0;
    }
    case 'p': {
        void *v = va_arg(*ap, void *);
        spec_rebuild(sp, "", spec);
        EMIT_NUMBER(b, spec, v);
        return 0;
    }
    default: /* %n, %m, %Lf, %C, a typo in a T() format */
        return -1;
    }
}

void buf_vhprintf(buf_t *b, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    const char *p = fmt, *run = fmt;
    while (*p) {
        if (*p != '%') {
            p++;
            continue;
        }
        buf_raw(b, run, (size_t)(p - run));
        if (p[1] == '%') {
            buf_ch(b, '%');
            p += 2;
        } else {
            spec_t sp;
            p++;
            if (spec_parse(&p, &sp, &aq) < 0 || emit(b, &sp, &aq) < 0) {
                b->err = 1; /* fail the page rather than misread the arguments */
                va_end(aq);
                return;
            }
        }
        run = p;
    }
    buf_raw(b, run, (size_t)(p - run));
    va_end(aq);
}

void buf_hprintf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vhprintf(b, fmt, ap);
    va_end(ap);
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
        size_t drop = 0;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            drop = 1;
        else if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF && ((unsigned char)s[i + 2] & 0xFE) == 0xBE)
            drop = 3; /* U+FFFE, U+FFFF: EF BF BE, EF BF BF */
        if (drop) {
            buf_html(b, s + run, i - run);
            i += drop - 1;
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
