/*
 * segment.c — see segment.h.
 */
#include "search/segment.h"

#include <unicode/uchar.h>

int seg_is_cjk(unsigned c)
{
    return (c >= 0x2E80 && c <= 0x2FDF)     /* radicals */
           || (c >= 0x3005 && c <= 0x3007)  /* 々 〆 〇 */
           || (c >= 0x3021 && c <= 0x3029)  /* Hangzhou numerals */
           || (c >= 0x3040 && c <= 0x30FF && c != 0x30A0 && c != 0x30FB) /* kana, not its punctuation */
           || (c >= 0x3100 && c <= 0x312F)  /* bopomofo */
           || (c >= 0x3130 && c <= 0x318F)  /* Hangul compatibility jamo */
           || (c >= 0x31A0 && c <= 0x31FF)  /* bopomofo ext., katakana ext. */
           || (c >= 0x3400 && c <= 0x4DBF)  /* ext. A */
           || (c >= 0x4E00 && c <= 0x9FFF)  /* unified ideographs */
           || (c >= 0xA960 && c <= 0xA97F)  /* Hangul jamo ext. A */
           || (c >= 0xAC00 && c <= 0xD7FF)  /* Hangul syllables, jamo ext. B */
           || (c >= 0x1100 && c <= 0x11FF)  /* Hangul jamo */
           || (c >= 0xF900 && c <= 0xFAFF)  /* compatibility ideographs */
           || (c >= 0x1B000 && c <= 0x1B16F) /* kana supplement/extended */
           || (c >= 0x20000 && c <= 0x3134F); /* ext. B-G */
}

int seg_is_word(unsigned c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
    return u_isalnum((UChar32)c) || (U_GET_GC_MASK((UChar32)c) & U_GC_M_MASK);
}

static size_t utf8(char *o, unsigned c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | (c >> 6)), o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12)), o[1] = (char)(0x80 | ((c >> 6) & 0x3F)), o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (c >> 18)), o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F)), o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static int more_terms(const nchar_t *v, size_t i, size_t n)
{
    for (; i < n; i++)
        if (seg_is_cjk(v[i].cp) || seg_is_word(v[i].cp))
            return 1;
    return 0;
}

int seg_terms(const ntext_t *t, int mode, seg_fn fn, void *ctx)
{
    const nchar_t *v = t->v;
    size_t n = t->n;
    char term[SEG_WORD_MAX + 8];
    int rc;
    for (size_t i = 0; i < n;) {
        unsigned c = v[i].cp;
        if (seg_is_cjk(c)) {
            size_t j = i;
            while (j < n && seg_is_cjk(v[j].cp))
                j++;
            /* the run is v[i..j) */
            if (mode == SEG_QUERY) {
                if (j - i == 1) {
                    size_t l = utf8(term, v[i].cp);
                    if ((rc = fn(ctx, term, l, v[i].start, v[i].end, 0)))
                        return rc;
                }
                for (size_t k = i; k + 1 < j; k++) {
                    size_t l = utf8(term, v[k].cp);
                    l += utf8(term + l, v[k + 1].cp);
                    if ((rc = fn(ctx, term, l, v[k].start, v[k + 1].end, 0)))
                        return rc;
                }
                /* A document spends one position per character, the query's
                 * bigrams one less: when more terms follow in this phrase,
                 * the run's last unigram keeps them in step. */
                if (j - i > 1 && more_terms(v, j, n)) {
                    size_t l = utf8(term, v[j - 1].cp);
                    if ((rc = fn(ctx, term, l, v[j - 1].start, v[j - 1].end, 0)))
                        return rc;
                }
            } else {
                for (size_t k = i; k < j; k++) {
                    size_t l = utf8(term, v[k].cp);
                    if ((rc = fn(ctx, term, l, v[k].start, v[k].end, 0)))
                        return rc;
                    if (k + 1 < j) {
                        l += utf8(term + l, v[k + 1].cp);
                        if ((rc = fn(ctx, term, l, v[k].start, v[k + 1].end, 1)))
                            return rc;
                    }
                }
            }
            i = j;
        } else if (seg_is_word(c)) {
            size_t j = i, l = 0;
            int full = 0;
            while (j < n && seg_is_word(v[j].cp) && !seg_is_cjk(v[j].cp)) {
                char u[4];
                size_t ul = utf8(u, v[j].cp);
                if (!full && l + ul <= SEG_WORD_MAX) {
                    for (size_t q = 0; q < ul; q++)
                        term[l++] = u[q];
                } else {
                    full = 1; /* cut at a character boundary, identically for queries */
                }
                j++;
            }
            if ((rc = fn(ctx, term, l, v[i].start, v[j - 1].end, 0)))
                return rc;
            i = j;
        } else {
            i++;
        }
    }
    return 0;
}

int seg_text(const char *s, size_t n, int mode, seg_fn fn, void *ctx)
{
    ntext_t t = {0};
    norm_text(s, n, &t);
    int rc = seg_terms(&t, mode, fn, ctx);
    ntext_free(&t);
    return rc;
}
