/*
 * diff.c — see diff.h. Owned by the reading part.
 */
#include "site/studio/diff.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

typedef struct {
    const char *p;
    size_t n;
} tok_t;

typedef struct {
    tok_t *v;
    int n, cap;
} toks_t;

static void toks_push(toks_t *t, const char *p, size_t n)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = xrealloc(t->v, (size_t)t->cap * sizeof *t->v);
    }
    t->v[t->n].p = p;
    t->v[t->n].n = n;
    t->n++;
}

/* Lines, each with its '\n'. */
static void split_lines(const char *s, size_t n, toks_t *t)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) + 1 : n;
        toks_push(t, s + i, e - i);
        i = e;
    }
}

static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
}

static int is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Words, white-space runs, and single characters (every CJK character). */
static void split_tokens(const char *s, size_t n, toks_t *t)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t e = i;
        if (is_word(c)) {
            while (e < n && is_word((unsigned char)s[e]))
                e++;
        } else if (is_space(c)) {
            while (e < n && is_space((unsigned char)s[e]))
                e++;
        } else {
            e = i + utf8_len(c);
            if (e > n)
                e = n;
        }
        toks_push(t, s + i, e - i);
        i = e;
    }
}

static int tok_eq(const tok_t *a, const tok_t *b)
{
    return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

enum { OP_EQ, OP_DEL, OP_INS };
typedef struct {
    char op;
    int i; /* index in a (EQ, DEL) or b (INS) */
} edit_t;

typedef struct {
    edit_t *v;
    int n, cap;
} edits_t;

static void edit_push(edits_t *e, char op, int i)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->v = xrealloc(e->v, (size_t)e->cap * sizeof *e->v);
    }
    e->v[e->n].op = op;
    e->v[e->n].i = i;
    e->n++;
}

/* Myers' shortest edit script from a to b, at most dmax edits. 0 with *out
 * (in order), or -1 when more edits are needed. */
static int myers(const tok_t *a, int n, const tok_t *b, int m, int dmax, edits_t *out)
{
    int vmax = dmax + 1;
    int *v = xcalloc((size_t)(2 * vmax + 1), sizeof(int));
    /* trace[d] holds V after round d for k in [-d, d]: (d+1)^2 ints in all. */
    int *trace = NULL;
    size_t tcap = 0, tlen = 0;
    int found = -1;
    for (int d = 0; d <= dmax && found < 0; d++) {
        for (int k = -d; k <= d; k += 2) {
            int x;
            if (k == -d || (k != d && v[vmax + k - 1] < v[vmax + k + 1]))
                x = v[vmax + k + 1];
            else
                x = v[vmax + k - 1] + 1;
            int y = x - k;
            while (x < n && y < m && tok_eq(&a[x], &b[y]))
                x++, y++;
            v[vmax + k] = x;
            if (x >= n && y >= m) {
                found = d;
            }
        }
        size_t need = tlen + (size_t)(2 * d + 1);
        if (need > tcap) {
            tcap = need * 2;
            trace = xrealloc(trace, tcap * sizeof(int));
        }
        for (int k = -d; k <= d; k++)
            trace[tlen + (size_t)(k + d)] = v[vmax + k];
        tlen = need;
    }
    free(v);
    if (found < 0) {
        free(trace);
        return -1;
    }
    /* Walk back from (n, m): round d's V starts at d^2 in trace. */
    edits_t rev = {0};
    int x = n, y = m;
    for (int d = found; d > 0; d--) {
        const int *vp = trace + (size_t)(d - 1) * (size_t)(d - 1); /* round d-1, k in [-(d-1), d-1] */
        int k = x - y;
        int pk;
        if (k == -d || (k != d && vp[k - 1 + (d - 1)] < vp[k + 1 + (d - 1)]))
            pk = k + 1;
        else
            pk = k - 1;
        int px = vp[pk + (d - 1)], py = px - pk;
        while (x > px && y > py) {
            x--, y--;
            edit_push(&rev, OP_EQ, x);
        }
        if (pk == k + 1)
            edit_push(&rev, OP_INS, py); /* moved down: b[py] inserted */
        else
            edit_push(&rev, OP_DEL, px); /* moved right: a[px] deleted */
        x = px, y = py;
    }
    while (x > 0 && y > 0) {
        x--, y--;
        edit_push(&rev, OP_EQ, x);
    }
    free(trace);
    for (int i = rev.n - 1; i >= 0; i--)
        edit_push(out, rev.v[i].op, rev.v[i].i);
    free(rev.v);
    return 0;
}

static void open_tag(buf_t *out, int *cur, int want)
{
    if (*cur == want)
        return;
    if (*cur == OP_DEL)
        buf_lit(out, "</del>");
    else if (*cur == OP_INS)
        buf_lit(out, "</ins>");
    if (want == OP_DEL)
        buf_lit(out, "<del>");
    else if (want == OP_INS)
        buf_lit(out, "<ins>");
    *cur = want;
}

/* One run of changed text: a_text removed, b_text added, token by token. */
static void diff_run(const char *ap, size_t an, const char *bp, size_t bn, buf_t *out, diff_stats_t *st)
{
    toks_t a = {0}, b = {0};
    split_tokens(ap, an, &a);
    split_tokens(bp, bn, &b);
    edits_t e = {0};
    int cur = OP_EQ;
    if (myers(a.v, a.n, b.v, b.n, DIFF_EDITS_MAX, &e) == 0) {
        for (int i = 0; i < e.n; i++) {
            const tok_t *t = e.v[i].op == OP_INS ? &b.v[e.v[i].i] : &a.v[e.v[i].i];
            open_tag(out, &cur, e.v[i].op);
            buf_html(out, t->p, t->n);
            if (e.v[i].op == OP_INS)
                st->added++;
            else if (e.v[i].op == OP_DEL)
                st->removed++;
        }
    } else {
        st->coarse = 1;
        st->removed += a.n;
        st->added += b.n;
        open_tag(out, &cur, OP_DEL);
        buf_html(out, ap, an);
        open_tag(out, &cur, OP_INS);
        buf_html(out, bp, bn);
    }
    open_tag(out, &cur, OP_EQ);
    free(e.v);
    free(a.v);
    free(b.v);
}

void diff_html(const char *as, const char *bs, buf_t *out, diff_stats_t *stats)
{
    diff_stats_t local = {0};
    diff_stats_t *st = stats ? stats : &local;
    memset(st, 0, sizeof *st);
    toks_t a = {0}, b = {0};
    split_lines(as, strlen(as), &a);
    split_lines(bs, strlen(bs), &b);
    edits_t e = {0};
    if (myers(a.v, a.n, b.v, b.n, DIFF_EDITS_MAX, &e) < 0) {
        /* Too different line by line: one run, which token-level may still
         * manage or show whole. */
        diff_run(as, strlen(as), bs, strlen(bs), out, st);
        free(a.v);
        free(b.v);
        return;
    }
    int i = 0;
    while (i < e.n) {
        if (e.v[i].op == OP_EQ) {
            const tok_t *t = &a.v[e.v[i].i];
            buf_html(out, t->p, t->n);
            i++;
            continue;
        }
        /* A run of deleted and inserted lines: their texts are contiguous
         * in a and in b. */
        const char *ap = NULL, *bp = NULL;
        size_t an = 0, bn = 0;
        while (i < e.n && e.v[i].op != OP_EQ) {
            const tok_t *t = e.v[i].op == OP_DEL ? &a.v[e.v[i].i] : &b.v[e.v[i].i];
            if (e.v[i].op == OP_DEL) {
                if (!ap)
                    ap = t->p;
                an = (size_t)(t->p + t->n - ap);
            } else {
                if (!bp)
                    bp = t->p;
                bn = (size_t)(t->p + t->n - bp);
            }
            i++;
        }
        diff_run(ap ? ap : "", an, bp ? bp : "", bn, out, st);
    }
    free(e.v);
    free(a.v);
    free(b.v);
}
