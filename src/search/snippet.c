/*
 * snippet.c — see snippet.h.
 */
#include "search/snippet.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "search/normalize.h"
#include "search/segment.h"

static int unit_at(const ntext_t *t, size_t i, const qunit_t *u)
{
    if (i + u->n > t->n)
        return 0;
    if (u->word && i > 0 && seg_is_word(t->v[i - 1].cp) && !seg_is_cjk(t->v[i - 1].cp))
        return 0; /* words match at a word start only */
    for (size_t k = 0; k < u->n; k++)
        if (t->v[i + k].cp != u->cp[k])
            return 0;
    size_t e = i + u->n;
    if (u->word && !u->prefix && e < t->n && seg_is_word(t->v[e].cp) && !seg_is_cjk(t->v[e].cp))
        return 0; /* a whole word must end here */
    return 1;
}

/* Escaped original bytes, line breaks and tabs as spaces. */
static void piece(buf_t *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '\n' && s[j] != '\r' && s[j] != '\t')
            j++;
        buf_html(out, s + i, j - i);
        if (j < n)
            buf_ch(out, ' ');
        i = j + 1;
    }
}

int snippet_html(const char *text, size_t n, const query_t *q, size_t max_chars, buf_t *out)
{
    ntext_t t = {0};
    norm_text(text, n, &t);
    unsigned char *mark = xcalloc(t.n + 1, 1);
    int found = 0;
    size_t first = t.n;
    for (size_t i = 0; i < t.n; i++) {
        for (int a = 0; a < q->nterms; a++) {
            const qterm_t *term = &q->terms[a];
            if (term->negative)
                continue;
            for (int b = 0; b < term->nunits; b++) {
                const qunit_t *u = &term->units[b];
                if (u->n && t.v[i].cp == u->cp[0] && unit_at(&t, i, u)) {
                    memset(mark + i, 1, u->n);
                    found++;
                    if (i < first)
                        first = i;
                }
            }
        }
    }
    size_t ws = 0, we = t.n;
    if (max_chars && t.n > max_chars) {
        size_t lead = max_chars / 4;
        ws = first == t.n || first < lead ? 0 : first - lead;
        we = ws + max_chars < t.n ? ws + max_chars : t.n;
        if (we == t.n && t.n > max_chars)
            ws = t.n - max_chars;
        /* Start at a whole original character (a normalised expansion such
         * as ß -> ss shares one). */
        while (ws > 0 && t.v[ws].start == t.v[ws - 1].start)
            ws--;
        while (we < t.n && t.v[we].start == t.v[we - 1].start)
            we++;
    }
    if (ws > 0)
        buf_lit(out, "…");
    /* Walk the original characters of the window; each is marked when any
     * normalised character it produced is. */
    size_t i = ws;
    int open = 0;
    while (i < we) {
        size_t j = i;
        int m = 0;
        while (j < we && t.v[j].start == t.v[i].start)
            m |= mark[j++];
        if (m && !open) {
            buf_lit(out, "<mark>");
            open = 1;
        } else if (!m && open) {
            buf_lit(out, "</mark>");
            open = 0;
        }
        piece(out, text + t.v[i].start, t.v[i].end - t.v[i].start);
        i = j;
    }
    if (open)
        buf_lit(out, "</mark>");
    if (we < t.n)
        buf_lit(out, "…");
    free(mark);
    ntext_free(&t);
    return found;
}
