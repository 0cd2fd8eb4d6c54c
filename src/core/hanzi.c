/* hanzi.c — see hanzi.h. */
#include "core/hanzi.h"

#include <opencc.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/text.h"

static uint16_t t2s_bmp[0x10000];   /* 0 = no mapping; BMP -> BMP mappings */
static uint32_t *t2s_from, *t2s_to; /* the rest (astral), sorted by from */
static size_t t2s_n;
static int init_rc;
static pthread_once_t once = PTHREAD_ONCE_INIT;

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

static int build(void)
{
    static const uint32_t ranges[][2] = {
        {0x2E80, 0x2FDF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x2FA1F},
    };
    opencc_t cc = opencc_open("t2s.json");
    if (cc == (opencc_t)-1) {
        fprintf(stderr, "hao: OpenCC t2s data not found (%s); traditional and simplified Chinese will not match "
                        "each other in search or the originality check\n", opencc_error());
        return -1;
    }
    buf_t in = BUF_INIT;
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
        for (uint32_t c = ranges[r][0]; c <= ranges[r][1]; c++) {
            text_put_utf8(&in, c);
            buf_ch(&in, '\n');
        }
    char *out = opencc_convert_utf8(cc, in.p, in.len);
    int rc = -1;
    if (out) {
        /* Walk input and output line by line together. */
        size_t on = strlen(out), oi = 0, cap = 0;
        rc = 0;
        for (size_t r = 0; r < sizeof ranges / sizeof ranges[0] && rc == 0; r++)
            for (uint32_t c = ranges[r][0]; c <= ranges[r][1]; c++) {
                size_t ls = oi;
                while (oi < on && out[oi] != '\n')
                    oi++;
                if (oi >= on) { /* lines out of step: keep what was mapped so far */
                    rc = -1;
                    break;
                }
                size_t l;
                /* one whole, valid character on the line, or no mapping */
                uint32_t to = oi > ls && text_valid(out + ls, oi - ls) ? text_decode(out + ls, oi - ls, &l) : 0;
                oi++;
                if (to && ls + l == oi - 1 && to != c && to != 0xFFFD)
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
    init_rc = build();
}

int hanzi_init(void)
{
    pthread_once(&once, init_once);
    return init_rc;
}

uint32_t hanzi_t2s(uint32_t c)
{
    if (c < 0x2E80)
        return c;
    hanzi_init();
    return lookup(c);
}
