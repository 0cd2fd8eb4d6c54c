/*
 * normalize.c — see normalize.h.
 *
 * Why per-character t2s and not OpenCC's phrase conversion: search needs
 * norm(substring of x) to be the same substring of norm(x), or a query would
 * not find the text it was copied from. OpenCC's phrase dictionaries convert
 * by context (乾隆 keeps 乾, 乾燥 becomes 干燥), so the same character could
 * normalise differently in a query and in a document. Folding each character
 * on its own is predictable; a reader who types either form of a word finds
 * both. The table is OpenCC's own t2s conversion, asked once per character at
 * start-up (a single conversion call over every CJK code point, one per
 * line, so no phrase can span two of them), then used as a lookup table: no
 * OpenCC call and no allocation per text.
 *
 * Why chunks: NFKC is not character-by-character (e + U+0301 composes to é),
 * but it is the same on pieces split where ICU reports a normalisation
 * boundary, so each piece's output can carry the byte range it came from.
 */
#include "search/normalize.h"

#include <opencc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>

#include "core/alloc.h"

static const UNormalizer2 *nfkc_cf;
static uint16_t t2s_bmp[0x10000];   /* 0 = no mapping; BMP -> BMP mappings */
static uint32_t *t2s_from, *t2s_to; /* the rest (astral), sorted by from */
static size_t t2s_n;
static int init_rc;
static pthread_once_t once = PTHREAD_ONCE_INIT;

void norm_put_utf8(buf_t *b, uint32_t c)
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
    buf_raw(b, u, n);
}

/* Decode one code point leniently: malformed sequences, surrogates and
 * overlongs yield U+FFFD for one byte, so any input has a normal form. */
static uint32_t decode(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    *len = 1;
    if (c < 0x80)
        return c;
    size_t need = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (!need || need > n || (need == 4 && c > 0xF4))
        return 0xFFFD;
    uint32_t v = c & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0xFFFD;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((need == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) || (need == 4 && (v < 0x10000 || v > 0x10FFFF)))
        return 0xFFFD;
    *len = need;
    return v;
}

static uint32_t lookup(uint32_t c)
{
    if (c < 0x10000)
        return t2s_bmp[c] ? t2s_bmp[c] : c;
    size_t lo = 0, hi = t2s_n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t2s_from[mid] == c)
            return t2s_to[mid];
        if (t2s_from[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return c;
}

uint32_t norm_t2s(uint32_t c)
{
    if (c < 0x2E80)
        return c;
    norm_init();
    return lookup(c);
}

static void set_map(uint32_t from, uint32_t to, size_t *cap)
{
    if (from < 0x10000 && to < 0x10000) {
        t2s_bmp[from] = (uint16_t)to;
        return;
    }
    if (t2s_n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        t2s_from = xrealloc(t2s_from, *cap * sizeof(uint32_t));
        t2s_to = xrealloc(t2s_to, *cap * sizeof(uint32_t));
    }
    t2s_from[t2s_n] = from;
    t2s_to[t2s_n++] = to;
}

static int build_t2s(void)
{
    static const uint32_t ranges[][2] = {
        {0x2E80, 0x2FDF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x2FA1F},
    };
    opencc_t cc = opencc_open("t2s.json");
    if (cc == (opencc_t)-1) {
        fprintf(stderr, "hao: search: OpenCC t2s data not found (%s); traditional and simplified Chinese "
                        "will not match each other\n", opencc_error());
        return -1;
    }
    buf_t in = BUF_INIT;
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
        for (uint32_t c = ranges[r][0]; c <= ranges[r][1]; c++) {
            norm_put_utf8(&in, c);
            buf_ch(&in, '\n');
        }
    char *out = opencc_convert_utf8(cc, in.p, in.len);
    int rc = -1;
    if (out) {
        /* Walk input and output line by line together. */
        const unsigned char *o = (const unsigned char *)out;
        size_t on = strlen(out), oi = 0, cap = 0;
        rc = 0;
        for (size_t r = 0; r < sizeof ranges / sizeof ranges[0] && rc == 0; r++)
            for (uint32_t c = ranges[r][0]; c <= ranges[r][1]; c++) {
                size_t ls = oi;
                while (oi < on && o[oi] != '\n')
                    oi++;
                if (oi >= on) { /* lines out of step: keep what was mapped so far */
                    rc = -1;
                    break;
                }
                size_t l;
                uint32_t to = decode(o + ls, oi - ls, &l);
                oi++;
                if (ls + l == oi - 1 && to != c && to != 0xFFFD)
                    set_map(c, to, &cap);
            }
        opencc_convert_utf8_free(out);
    }
    opencc_close(cc);
    buf_free(&in);
    /* Resolve chains (a -> b -> c) so that folding is idempotent. */
    for (int pass = 0; pass < 3; pass++) {
        for (uint32_t c = 0; c < 0x10000; c++)
            if (t2s_bmp[c]) {
                uint32_t t = lookup(t2s_bmp[c]);
                if (t != t2s_bmp[c] && t < 0x10000 && t != c)
                    t2s_bmp[c] = (uint16_t)t;
            }
        for (size_t i = 0; i < t2s_n; i++) {
            uint32_t t = lookup(t2s_to[i]);
            if (t != t2s_from[i])
                t2s_to[i] = t;
        }
    }
    return rc;
}

static void init_once(void)
{
    UErrorCode err = U_ZERO_ERROR;
    nfkc_cf = unorm2_getNFKCCasefoldInstance(&err);
    if (U_FAILURE(err)) {
        fprintf(stderr, "hao: search: ICU NFKC_Casefold data unavailable: %s\n", u_errorName(err));
        nfkc_cf = NULL;
        init_rc = -1;
    }
    if (build_t2s() < 0)
        init_rc = -1;
}

int norm_init(void)
{
    pthread_once(&once, init_once);
    return init_rc;
}

static void push(ntext_t *t, uint32_t cp, size_t start, size_t end)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->v = xrealloc(t->v, t->cap * sizeof(nchar_t));
    }
    t->v[t->n++] = (nchar_t){cp < 0x2E80 ? cp : lookup(cp), (uint32_t)start, (uint32_t)end};
}

#define CHUNK_MAX 64 /* code points; longer runs of combining marks are split */

void norm_text(const char *str, size_t n, ntext_t *out)
{
    norm_init();
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        size_t l;
        uint32_t c = decode(s + i, n - i, &l);
        /* Fast path: ASCII not followed by a combining character. */
        if (c < 0x80 && (i + l >= n || s[i + l] < 0x80)) {
            push(out, c >= 'A' && c <= 'Z' ? c + 32 : c, i, i + l);
            i += l;
            continue;
        }
        /* A chunk: c and every following code point without a boundary before it. */
        UChar src[CHUNK_MAX * 2 + 2];
        int32_t sn = 0, count = 0;
        size_t start = i, j = i;
        for (;;) {
            U16_APPEND_UNSAFE(src, sn, (UChar32)c);
            count++;
            j += l;
            if (j >= n || count == CHUNK_MAX)
                break;
            size_t l2;
            uint32_t c2 = decode(s + j, n - j, &l2);
            if (!nfkc_cf || unorm2_hasBoundaryBefore(nfkc_cf, (UChar32)c2))
                break;
            c = c2, l = l2;
        }
        if (count == 1 && (!nfkc_cf || unorm2_isInert(nfkc_cf, (UChar32)c))) {
            push(out, c, start, j);
            i = j;
            continue;
        }
        UChar dst[CHUNK_MAX * 18 + 8];
        UErrorCode err = U_ZERO_ERROR;
        int32_t dn = unorm2_normalize(nfkc_cf, src, sn, dst, (int32_t)(sizeof dst / sizeof dst[0]), &err);
        if (U_FAILURE(err)) { /* cannot happen with these sizes; keep the text as it is */
            for (int32_t k = 0; k < sn;) {
                UChar32 cc;
                U16_NEXT_UNSAFE(src, k, cc);
                push(out, (uint32_t)cc, start, j);
            }
        } else {
            for (int32_t k = 0; k < dn;) {
                UChar32 cc;
                U16_NEXT_UNSAFE(dst, k, cc);
                push(out, (uint32_t)cc, start, j);
            }
        }
        i = j;
    }
}

void ntext_free(ntext_t *t)
{
    free(t->v);
    memset(t, 0, sizeof(*t));
}

void norm_utf8(const char *s, size_t n, buf_t *out)
{
    ntext_t t = {0};
    norm_text(s, n, &t);
    for (size_t i = 0; i < t.n; i++)
        norm_put_utf8(out, t.v[i].cp);
    ntext_free(&t);
}
