/*
 * normalize.c — see normalize.h. The traditional-to-simplified fold is
 * core/hanzi.h's (why per character: there).
 *
 * Why chunks: NFKC is not character-by-character (e + U+0301 composes to é),
 * but it is the same on pieces split where ICU reports a normalisation
 * boundary, so each piece's output can carry the byte range it came from.
 */
#include "search/normalize.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>

#include "core/alloc.h"
#include "core/hanzi.h"
#include "core/text.h"

static const UNormalizer2 *nfkc_cf;
static int init_rc;
static pthread_once_t once = PTHREAD_ONCE_INIT;

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

static void init_once(void)
{
    UErrorCode err = U_ZERO_ERROR;
    nfkc_cf = unorm2_getNFKCCasefoldInstance(&err);
    if (U_FAILURE(err)) {
        fprintf(stderr, "hao: search: ICU NFKC_Casefold data unavailable: %s\n", u_errorName(err));
        nfkc_cf = NULL;
        init_rc = -1;
    }
    if (hanzi_init() < 0)
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
    t->v[t->n++] = (nchar_t){hanzi_t2s(cp), (uint32_t)start, (uint32_t)end};
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
        text_put_utf8(out, t.v[i].cp);
    ntext_free(&t);
}
