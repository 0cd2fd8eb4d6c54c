/*
 * query.c — see query.h.
 */
#include "search/query.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "search/normalize.h"
#include "search/segment.h"

static int is_space(const char *s, size_t n, size_t *len)
{
    *len = 1;
    if (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r')
        return 1;
    if (n >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0) { /* U+3000 ideographic space */
        *len = 3;
        return 1;
    }
    return 0;
}

/* An opening or closing quote: " or “ ” (U+201C/U+201D) or ＂ (U+FF02). */
static int is_quote(const char *s, size_t n, size_t *len)
{
    *len = 1;
    if (s[0] == '"')
        return 1;
    if (n >= 3 && (memcmp(s, "\xe2\x80\x9c", 3) == 0 || memcmp(s, "\xe2\x80\x9d", 3) == 0 ||
                   memcmp(s, "\xef\xbc\x82", 3) == 0)) {
        *len = 3;
        return 1;
    }
    return 0;
}

/* A minus: - or － (U+FF0D) or − (U+2212). */
static int is_minus(const char *s, size_t n, size_t *len)
{
    *len = 1;
    if (s[0] == '-')
        return 1;
    if (n >= 3 && (memcmp(s, "\xef\xbc\x8d", 3) == 0 || memcmp(s, "\xe2\x88\x92", 3) == 0)) {
        *len = 3;
        return 1;
    }
    return 0;
}

typedef struct {
    qterm_t *t;
    const ntext_t *nt;
    int nterms;     /* query-mode terms seen */
    int last_word;
} unit_ctx_t;

static int count_term(void *vctx, const char *term, size_t len, size_t start, size_t end, int colocated)
{
    (void)term, (void)len, (void)start, (void)end, (void)colocated;
    unit_ctx_t *c = vctx;
    c->nterms++;
    return 0;
}

/* Split the normalised term into highlight units: CJK runs and words. */
static void make_units(qterm_t *t, const ntext_t *nt)
{
    for (size_t i = 0; i < nt->n;) {
        uint32_t c = nt->v[i].cp;
        int cjk = seg_is_cjk(c), word = !cjk && seg_is_word(c);
        if (!cjk && !word) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < nt->n && (cjk ? seg_is_cjk(nt->v[j].cp) : seg_is_word(nt->v[j].cp) && !seg_is_cjk(nt->v[j].cp)))
            j++;
        t->units = xrealloc(t->units, (size_t)(t->nunits + 1) * sizeof(qunit_t));
        qunit_t *u = &t->units[t->nunits++];
        u->n = j - i;
        u->word = word;
        u->prefix = 0;
        u->cp = xmalloc(u->n * sizeof(uint32_t));
        for (size_t k = i; k < j; k++)
            u->cp[k - i] = nt->v[k].cp;
        i = j;
    }
    if (t->nunits > 0) {
        qunit_t *last = &t->units[t->nunits - 1];
        last->prefix = last->word && last->n >= QUERY_PREFIX_MIN;
        t->prefix = last->prefix;
    }
}

static void term_free(qterm_t *t)
{
    free(t->norm);
    for (int i = 0; i < t->nunits; i++)
        free(t->units[i].cp);
    free(t->units);
    memset(t, 0, sizeof(*t));
}

void query_free(query_t *q)
{
    for (int i = 0; i < q->nterms; i++)
        term_free(&q->terms[i]);
    q->nterms = 0;
}

static int fail(query_t *q, const char **code, const char *c)
{
    query_free(q);
    *code = c;
    return -1;
}

int query_parse(const char *s, size_t n, query_t *q, const char **code)
{
    memset(q, 0, sizeof(*q));
    if (!text_valid(s, n))
        return fail(q, code, QERR_ENCODING);
    text_trim(&s, &n);
    if (n == 0)
        return fail(q, code, QERR_EMPTY);
    if (text_chars(s, n) > QUERY_MAX_CHARS)
        return fail(q, code, QERR_TOO_LONG);
    int positives = 0, any = 0;
    size_t i = 0, l;
    while (i < n) {
        if (is_space(s + i, n - i, &l)) {
            i += l;
            continue;
        }
        int neg = 0;
        if (is_minus(s + i, n - i, &l) && i + l < n) {
            size_t l2;
            if (!is_space(s + i + l, n - i - l, &l2)) {
                neg = 1;
                i += l;
            }
        }
        size_t start, end;
        if (is_quote(s + i, n - i, &l)) {
            i += l;
            start = i;
            while (i < n && !is_quote(s + i, n - i, &l)) {
                text_decode(s + i, n - i, &l);
                i += l;
            }
            end = i;
            if (i < n)
                i += l; /* the closing quote; an unclosed one runs to the end */
        } else {
            start = i;
            while (i < n && !is_space(s + i, n - i, &l) && !is_quote(s + i, n - i, &l)) {
                text_decode(s + i, n - i, &l);
                i += l;
            }
            end = i;
        }
        ntext_t nt = {0};
        norm_text(s + start, end - start, &nt);
        unit_ctx_t c = {0};
        seg_terms(&nt, SEG_QUERY, count_term, &c);
        if (c.nterms == 0) { /* only punctuation: ignored */
            ntext_free(&nt);
            continue;
        }
        any = 1;
        if (q->nterms == QUERY_MAX_TERMS) {
            ntext_free(&nt);
            return fail(q, code, QERR_TOO_MANY);
        }
        qterm_t *t = &q->terms[q->nterms++];
        t->negative = neg;
        positives += !neg;
        buf_t b = BUF_INIT;
        for (size_t k = 0; k < nt.n; k++)
            text_put_utf8(&b, nt.v[k].cp);
        t->norm = buf_steal(&b, NULL);
        if (!t->norm)
            t->norm = xstrdup("");
        make_units(t, &nt);
        ntext_free(&nt);
    }
    if (!any)
        return fail(q, code, QERR_NO_TERMS);
    if (!positives)
        return fail(q, code, QERR_ONLY_NEG);
    return 0;
}

static void fts_string(buf_t *out, const qterm_t *t)
{
    buf_ch(out, '"');
    for (const char *p = t->norm; *p; p++) {
        if (*p == '"')
            buf_ch(out, '"'); /* FTS5 escapes a quote inside a string by doubling it */
        buf_ch(out, *p);
    }
    buf_ch(out, '"');
    if (t->prefix)
        buf_lit(out, " *");
}

void query_fts5(const query_t *q, buf_t *out)
{
    int first = 1, negs = 0;
    buf_ch(out, '(');
    for (int i = 0; i < q->nterms; i++) {
        if (q->terms[i].negative) {
            negs++;
            continue;
        }
        if (!first)
            buf_lit(out, " AND ");
        fts_string(out, &q->terms[i]);
        first = 0;
    }
    buf_ch(out, ')');
    if (!negs)
        return;
    buf_lit(out, " NOT (");
    first = 1;
    for (int i = 0; i < q->nterms; i++) {
        if (!q->terms[i].negative)
            continue;
        if (!first)
            buf_lit(out, " OR ");
        fts_string(out, &q->terms[i]);
        first = 0;
    }
    buf_ch(out, ')');
}
