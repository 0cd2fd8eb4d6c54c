/*
 * originality.c — see originality.h.
 */
#include "provenance/originality.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "core/alloc.h"
#include "core/hanzi.h"
#include "core/markdown.h"

/* ---- hashing ---- */

/* splitmix64's finaliser: a cheap, well-mixed 64-bit permutation. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* ---- tokens ---- */

typedef struct {
    orig_token_t *t;
    size_t n, cap;
} toks_t;

static void tok_push(toks_t *v, uint64_t h, uint32_t start, uint32_t end)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 256;
        v->t = xrealloc(v->t, v->cap * sizeof *v->t);
    }
    v->t[v->n++] = (orig_token_t){h, start, end};
}

/* Characters that are one token each: CJK ideographs, kana, hangul. Their
 * NFKC case fold is themselves (compatibility ideographs are not here). */
static int is_cjk(UChar32 c)
{
    return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x20000 && c <= 0x2f7ff) ||
           (c >= 0x30000 && c <= 0x3134f) || (c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af);
}

/* Word-in-progress state while scanning a line. */
typedef struct {
    uint64_t h;
    uint32_t start, end;
    int open;
} word_t;

static void word_close(toks_t *v, word_t *w)
{
    if (w->open)
        tok_push(v, mix64(w->h ^ 0x5741ULL), w->start, w->end);
    w->open = 0;
}

/* Feed one normalised code point c that came from bytes [s,e). A CJK
 * character is folded to its simplified form (core/hanzi.h): a copy
 * converted to traditional characters is the same text. */
static void feed(toks_t *v, word_t *w, UChar32 c, uint32_t s, uint32_t e)
{
    if (is_cjk(c)) {
        c = (UChar32)hanzi_t2s((uint32_t)c);
        word_close(v, w);
        tok_push(v, mix64((uint64_t)c | (1ULL << 40)), s, e);
    } else if (u_isalnum(c)) {
        if (!w->open) {
            w->open = 1;
            w->h = 0xcbf29ce484222325ULL;
            w->start = s;
        }
        w->h = (w->h ^ (uint64_t)c) * 0x100000001b3ULL;
        w->end = e;
    } else {
        word_close(v, w);
    }
}

/* Tokenise plain[s..e) (one line) into v. Each source code point is
 * normalised on its own (NFKC + case fold), so every token keeps the byte
 * range it came from, for highlighting. ASCII and CJK take a fast path; the
 * rest goes through ICU. */
static void tokenize(const char *plain, size_t s, size_t e, toks_t *v)
{
    UErrorCode uerr = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCCasefoldInstance(&uerr);
    word_t w = {0};
    int32_t i = (int32_t)s;
    while ((size_t)i < e) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(plain, i, (int32_t)e, c);
        if (c < 0) {
            word_close(v, &w);
            continue;
        }
        if (c >= 0xff01 && c <= 0xff5e) /* full-width ASCII: NFKC is the ASCII character */
            c -= 0xfee0;
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            feed(v, &w, (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : ' ', (uint32_t)at, (uint32_t)i);
            continue;
        }
        /* Punctuation and white space only separate, whatever their NFKC
         * form (it is punctuation or space too); skipping ICU for them
         * matters in Chinese text, where every sentence has several. */
        if (is_cjk(c) || U_FAILURE(uerr)) {
            feed(v, &w, c, (uint32_t)at, (uint32_t)i);
            continue;
        }
        if (u_ispunct(c) || u_isUWhiteSpace(c)) {
            feed(v, &w, ' ', (uint32_t)at, (uint32_t)i);
            continue;
        }
        UChar in[2], out[32];
        int32_t il = 0;
        U16_APPEND_UNSAFE(in, il, c);
        UErrorCode e2 = U_ZERO_ERROR;
        int32_t ol = unorm2_normalize(nfkc, in, il, out, 32, &e2);
        if (U_FAILURE(e2)) {
            feed(v, &w, c, (uint32_t)at, (uint32_t)i);
            continue;
        }
        for (int32_t k = 0; k < ol;) {
            UChar32 d;
            U16_NEXT(out, k, ol, d);
            feed(v, &w, d, (uint32_t)at, (uint32_t)i);
        }
    }
    word_close(v, &w);
}

/* ---- boilerplate lines ---- */

static int has_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        size_t j = 0;
        while (j < m) {
            char c = s[i + j];
            if (c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            if (c != needle[j])
                break;
            j++;
        }
        if (j == m)
            return 1;
    }
    return 0;
}

/* A platform statement (this site's or another platform's, in Chinese or
 * English) or a declaration line: never the creator's text. */
static int is_statement_line(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t' || *s == '>' || *s == '*' || *s == '#')) {
        s++;
        n--;
    }
    if ((n >= 12 && (memcmp(s, "作品声明", 12) == 0 || memcmp(s, "创作声明", 12) == 0)))
        return 1;
    return has_ci(s, n, "信息存储服务") || has_ci(s, n, "信息存储空间") || has_ci(s, n, "information storage service");
}

static uint64_t line_hash(const orig_token_t *t, size_t n)
{
    uint64_t h = 0x4c494e45ULL;
    for (size_t i = 0; i < n; i++)
        h = mix64(h ^ t[i].h);
    return h;
}

/* Sort v[0..n) ascending: LSD radix sort, 11 bits a pass (6 passes), a few
 * times faster than qsort() on the tens of thousands of shingles of a long
 * work. */
static void sort_u64(uint64_t *v, size_t n)
{
    if (n < 2)
        return;
    uint64_t *tmp = xmalloc(n * sizeof *tmp);
    uint64_t *src = v, *dst = tmp;
    for (int shift = 0; shift < 64; shift += 11) {
        size_t count[2049] = {0};
        for (size_t i = 0; i < n; i++)
            count[((src[i] >> shift) & 2047) + 1]++;
        for (int k = 0; k < 2048; k++)
            count[k + 1] += count[k];
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 2047]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
    free(tmp);
}

static uint64_t shingle_at(const orig_token_t *t)
{
    uint64_t h = 0x5348494eULL;
    for (int j = 0; j < ORIG_K; j++)
        h = mix64(h ^ t[j].h);
    return h;
}

typedef struct {
    size_t s, e;   /* bytes of the line */
    size_t t0, t1; /* its tokens in the scratch vector */
} line_t;

int orig_doc_build(orig_doc_t *d, const char *src, size_t n, orig_common_fn common, void *ctx)
{
    memset(d, 0, sizeof *d);
    buf_t plain = BUF_INIT;
    buf_init(&plain, (size_t)8 << 20);
    if (md_to_text(src, n, &plain) < 0) {
        buf_free(&plain);
        return -1;
    }
    buf_cstr(&plain);
    d->plain = buf_steal(&plain, &d->plain_len);
    if (!d->plain) {
        d->plain = xcalloc(1, 1);
    }
    /* Tokenise line by line, remembering each line's token range. */
    toks_t all = {0};
    line_t *lines = NULL;
    size_t nl = 0, capl = 0;
    for (size_t i = 0; i <= d->plain_len;) {
        size_t j = i;
        while (j < d->plain_len && d->plain[j] != '\n')
            j++;
        if (nl == capl) {
            capl = capl ? capl * 2 : 64;
            lines = xrealloc(lines, capl * sizeof *lines);
        }
        line_t *l = &lines[nl++];
        l->s = i, l->e = j, l->t0 = all.n;
        tokenize(d->plain, i, j, &all);
        l->t1 = all.n;
        i = j + 1;
    }
    /* Decide which lines are boilerplate. Head and tail lines that are short
     * enough to be a header or footer are hashed for the common-line table. */
    char *drop = xcalloc(nl ? nl : 1, 1);
    size_t nonempty = 0;
    for (size_t k = 0; k < nl; k++)
        nonempty += lines[k].t1 > lines[k].t0;
    size_t seen = 0;
    for (size_t k = 0; k < nl; k++) {
        line_t *l = &lines[k];
        if (l->t1 == l->t0)
            continue;
        seen++;
        if (is_statement_line(d->plain + l->s, l->e - l->s)) {
            drop[k] = 1;
            continue;
        }
        int edge = seen <= ORIG_EDGE_LINES || seen + ORIG_EDGE_LINES > nonempty;
        size_t chars = 0;
        for (size_t b = l->s; b < l->e; b++)
            chars += ((unsigned char)d->plain[b] & 0xc0) != 0x80;
        if (edge && chars <= ORIG_LINE_MAX && d->nedge < 2 * ORIG_EDGE_LINES) {
            uint64_t h = line_hash(all.t + l->t0, l->t1 - l->t0);
            d->edge[d->nedge++] = h;
            if (common && common(ctx, h))
                drop[k] = 1;
        }
    }
    /* Keep the tokens of the lines that count. */
    d->tok = xmalloc((all.n ? all.n : 1) * sizeof *d->tok);
    for (size_t k = 0; k < nl; k++) {
        if (drop[k]) {
            d->dropped_lines++;
            continue;
        }
        if (lines[k].t1 > lines[k].t0)
            memcpy(d->tok + d->ntok, all.t + lines[k].t0, (lines[k].t1 - lines[k].t0) * sizeof *d->tok);
        d->ntok += lines[k].t1 - lines[k].t0;
    }
    free(drop);
    free(lines);
    free(all.t);
    /* Shingles: distinct, sorted. */
    if (d->ntok >= ORIG_K) {
        size_t m = d->ntok - ORIG_K + 1;
        d->sh = xmalloc(m * sizeof *d->sh);
        for (size_t i = 0; i < m; i++)
            d->sh[i] = shingle_at(d->tok + i);
        sort_u64(d->sh, m);
        size_t u = 0;
        for (size_t i = 0; i < m; i++)
            if (u == 0 || d->sh[u - 1] != d->sh[i])
                d->sh[u++] = d->sh[i];
        d->nsh = u;
    }
    return 0;
}

void orig_doc_free(orig_doc_t *d)
{
    free(d->plain);
    free(d->tok);
    free(d->sh);
    memset(d, 0, sizeof *d);
}

void orig_doc_tokens_text(const orig_doc_t *d, buf_t *out)
{
    /* Re-normalise each token's source bytes so the text shows what the hash
     * was computed from. */
    for (size_t i = 0; i < d->ntok; i++) {
        if (i)
            buf_ch(out, ' ');
        const char *p = d->plain;
        int32_t k = (int32_t)d->tok[i].start, e = (int32_t)d->tok[i].end;
        UErrorCode uerr = U_ZERO_ERROR;
        const UNormalizer2 *nfkc = unorm2_getNFKCCasefoldInstance(&uerr);
        while (k < e) {
            UChar32 c;
            U8_NEXT(p, k, e, c);
            if (c < 0)
                continue;
            UChar in[2], o16[32];
            int32_t il = 0;
            U16_APPEND_UNSAFE(in, il, c);
            UErrorCode e2 = U_ZERO_ERROR;
            int32_t ol = U_SUCCESS(uerr) ? unorm2_normalize(nfkc, in, il, o16, 32, &e2) : 0;
            if (U_FAILURE(e2) || ol == 0) {
                o16[0] = 0;
                ol = 0;
            }
            for (int32_t j = 0; j < ol;) {
                UChar32 x;
                U16_NEXT(o16, j, ol, x);
                if (!is_cjk(x) && !u_isalnum(x))
                    continue;
                if (is_cjk(x))
                    x = (UChar32)hanzi_t2s((uint32_t)x);
                char u8[4];
                int32_t ul = 0;
                U8_APPEND_UNSAFE(u8, ul, x);
                buf_raw(out, u8, (size_t)ul); /* raw: plain text for tests, not HTML */
            }
        }
    }
}

/* ---- MinHash and bands ---- */

/* ORIG_PERM hash functions x -> a*x + b (mod 2^64), a odd, derived from the
 * function's index. The shingle hashes are already well mixed, so one
 * multiply-add per function is enough; the minimum is taken over the whole
 * 64-bit value, where the high bits decide. */
void orig_signature(const orig_doc_t *d, uint64_t sig[ORIG_PERM])
{
    for (int i = 0; i < ORIG_PERM; i++) {
        uint64_t a = mix64(2 * (uint64_t)i + 1) | 1, b = mix64(2 * (uint64_t)i + 2), m = UINT64_MAX;
        for (size_t k = 0; k < d->nsh; k++) {
            uint64_t v = a * d->sh[k] + b;
            if (v < m)
                m = v;
        }
        sig[i] = m;
    }
}

void orig_bands(const uint64_t sig[ORIG_PERM], int64_t keys[ORIG_BANDS])
{
    for (int b = 0; b < ORIG_BANDS; b++) {
        uint64_t h = mix64(0x42414e44ULL + (uint64_t)b);
        for (int r = 0; r < ORIG_ROWS; r++)
            h = mix64(h ^ sig[b * ORIG_ROWS + r]);
        keys[b] = (int64_t)(h >> 1);
    }
}

void orig_overlap(const orig_doc_t *a, const orig_doc_t *b, size_t *shared, int *score)
{
    size_t i = 0, j = 0, s = 0;
    while (i < a->nsh && j < b->nsh) {
        if (a->sh[i] < b->sh[j])
            i++;
        else if (a->sh[i] > b->sh[j])
            j++;
        else
            s++, i++, j++;
    }
    size_t mn = a->nsh < b->nsh ? a->nsh : b->nsh;
    *shared = s;
    *score = mn ? (int)((s * 1000 + mn / 2) / mn) : 0;
}

typedef struct {
    orig_common_fn common;
    void *ctx;
    const uint64_t *extra;
    int nextra;
} edge_ctx_t;

static int common_or_shared_edge(void *vctx, uint64_t h)
{
    edge_ctx_t *c = vctx;
    for (int i = 0; i < c->nextra; i++)
        if (c->extra[i] == h)
            return 1;
    return c->common && c->common(c->ctx, h);
}

void orig_verify(const orig_doc_t *a, const char *asrc, const orig_doc_t *b, const char *bsrc, orig_common_fn common,
                 void *ctx, size_t *shared, int *score)
{
    orig_overlap(a, b, shared, score);
    uint64_t both[2 * ORIG_EDGE_LINES];
    int n = 0;
    for (int i = 0; i < a->nedge; i++)
        for (int j = 0; j < b->nedge; j++)
            if (a->edge[i] == b->edge[j] && n < 2 * ORIG_EDGE_LINES) {
                both[n++] = a->edge[i];
                break;
            }
    if (n == 0 || !orig_is_copy(*shared, *score))
        return;
    edge_ctx_t c = {common, ctx, both, n};
    orig_doc_t a2, b2;
    orig_doc_build(&a2, asrc, strlen(asrc), common_or_shared_edge, &c);
    orig_doc_build(&b2, bsrc, strlen(bsrc), common_or_shared_edge, &c);
    if (a2.nsh >= ORIG_MIN_SHARED && b2.nsh >= ORIG_MIN_SHARED)
        orig_overlap(&a2, &b2, shared, score);
    orig_doc_free(&a2);
    orig_doc_free(&b2);
}

int orig_is_copy(size_t shared, int score)
{
    return shared >= ORIG_MIN_SHARED && score >= ORIG_THRESHOLD;
}

/* ---- highlighting ---- */

static int has_shingle(const orig_doc_t *d, uint64_t h)
{
    size_t lo = 0, hi = d->nsh;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->sh[mid] < h)
            lo = mid + 1;
        else if (d->sh[mid] > h)
            hi = mid;
        else
            return 1;
    }
    return 0;
}

void orig_highlight(const orig_doc_t *a, const orig_doc_t *b, buf_t *out)
{
    size_t n = a->plain_len;
    char *flag = xcalloc(n + 1, 1);
    char *tmark = xcalloc(a->ntok + 1, 1);
    for (size_t i = 0; i + ORIG_K <= a->ntok; i++)
        if (has_shingle(b, shingle_at(a->tok + i)))
            memset(tmark + i, 1, ORIG_K);
    for (size_t i = 0; i < a->ntok; i++) {
        if (!tmark[i])
            continue;
        size_t e = a->tok[i].end;
        /* Join a marked token to the next marked one across punctuation and
         * spaces on the same line, so a copied sentence is one highlight. */
        if (i + 1 < a->ntok && tmark[i + 1] && memchr(a->plain + e, '\n', a->tok[i + 1].start - e) == NULL &&
            a->tok[i + 1].start >= e)
            e = a->tok[i + 1].start;
        memset(flag + a->tok[i].start, 1, e - a->tok[i].start);
    }
    free(tmark);
    buf_lit(out, "<p>");
    int open = 0;
    size_t i = 0;
    while (i < n) {
        if (a->plain[i] == '\n') {
            if (open)
                buf_lit(out, "</mark>");
            open = 0;
            if (i + 1 < n && a->plain[i + 1] == '\n') {
                buf_lit(out, "</p>\n<p>");
                while (i < n && a->plain[i] == '\n')
                    i++;
            } else {
                buf_lit(out, "<br>");
                i++;
            }
            continue;
        }
        if (flag[i] && !open) {
            buf_lit(out, "<mark>");
            open = 1;
        } else if (!flag[i] && open) {
            buf_lit(out, "</mark>");
            open = 0;
        }
        size_t j = i;
        while (j < n && a->plain[j] != '\n' && flag[j] == flag[i])
            j++;
        buf_html(out, a->plain + i, j - i);
        i = j;
    }
    if (open)
        buf_lit(out, "</mark>");
    buf_lit(out, "</p>\n");
    free(flag);
}

/* ---- the index ---- */

/* Boilerplate test against the common-line table: a head/tail line that
 * works by ORIG_COMMON_AUTHORS or more creators carry. */
static int common_line(void *ctx, uint64_t h)
{
    db_t *db = ctx;
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM (SELECT author_id FROM originality_line "
                                   "WHERE line_hash = :h LIMIT :lim) t");
    db_bind_int(st, ":h", (int64_t)(h >> 1));
    db_bind_int(st, ":lim", ORIG_COMMON_AUTHORS);
    int64_t c = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return c >= ORIG_COMMON_AUTHORS;
}

int orig_doc_build_db(orig_doc_t *d, db_t *db, const char *body)
{
    return orig_doc_build(d, body, strlen(body), common_line, db);
}

typedef struct {
    char id[ORIG_ID_LEN + 1];
    int hits;
} cand_t;

static int cmp_cand(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->hits != y->hits)
        return y->hits - x->hits;
    return strcmp(x->id, y->id);
}

static int cmp_match(const void *a, const void *b)
{
    const orig_match_t *x = a, *y = b;
    if (x->score != y->score)
        return y->score - x->score;
    return strcmp(x->id, y->id);
}

#define CAND_MAX 512

/* Publication sequence number of a live work, 0 when it is not published. */
static int64_t pub_seq(db_t *db, const char *id)
{
    db_stmt_t *st = db_prepare(db, "SELECT p.pub_seq FROM provenance p JOIN works w ON w.id = p.work_id "
                                   "WHERE p.work_id = :id AND w.status = 'published'");
    db_bind_text(st, ":id", id);
    int64_t t = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return t;
}

/* The recorded source of a work and its author; 0 when it has none. */
static int64_t source_of(db_t *db, const char *id, char out[ORIG_ID_LEN + 1])
{
    db_stmt_t *st = db_prepare(db, "SELECT p.source_id, s.author_id FROM provenance p "
                                   "JOIN works s ON s.id = p.source_id WHERE p.work_id = :id");
    db_bind_text(st, ":id", id);
    int64_t author = 0;
    out[0] = 0;
    if (db_step(st) == DB_ROW) {
        snprintf(out, ORIG_ID_LEN + 1, "%s", db_col_text(st, 0));
        author = db_col_int(st, 1);
    }
    db_done(st);
    return author;
}

/* Earliest published work (by publication order) among the matches and
 * their recorded sources. */
static void pick_source(db_t *db, orig_result_t *res)
{
    int64_t best = 0;
    res->source_id[0] = 0;
    for (int i = 0; i < res->n; i++) {
        char ids[2][ORIG_ID_LEN + 1];
        snprintf(ids[0], sizeof ids[0], "%s", res->m[i].id);
        source_of(db, res->m[i].id, ids[1]);
        for (int k = 0; k < 2; k++) {
            if (!ids[k][0])
                continue;
            int64_t t = pub_seq(db, ids[k]);
            if (t && (!best || t < best)) {
                best = t;
                memcpy(res->source_id, ids[k], sizeof res->source_id);
            }
        }
    }
}

int orig_check(db_t *db, const char *self_id, int64_t author_id, int64_t before_seq, const char *body,
               orig_result_t *res)
{
    memset(res, 0, sizeof *res);
    orig_doc_t d;
    if (orig_doc_build(&d, body, strlen(body), common_line, db) < 0) {
        orig_doc_free(&d);
        res->too_short = 1;
        return 0;
    }
    res->nshingles = d.nsh;
    res->nedge = d.nedge;
    memcpy(res->edge, d.edge, sizeof d.edge);
    uint64_t sig[ORIG_PERM];
    orig_signature(&d, sig);
    orig_bands(sig, res->bands);
    if (d.nsh < ORIG_MIN_SHARED) {
        res->too_short = 1;
        orig_doc_free(&d);
        return 0;
    }
    /* Candidates: works sharing band keys, counted. */
    cand_t *c = xcalloc(CAND_MAX, sizeof *c);
    int nc = 0, rc = 0;
    for (int b = 0; b < ORIG_BANDS && rc == 0; b++) {
        /* A text copied by thousands of accounts puts thousands of works
         * under the same keys; a sample of them is enough (each copy records
         * the cluster's source), and keeps the check bounded. */
        db_stmt_t *st = db_prepare(db, "SELECT work_id FROM originality_band WHERE band_key = :k LIMIT :lim");
        db_bind_int(st, ":k", res->bands[b]);
        db_bind_int(st, ":lim", ORIG_BAND_ROWS_MAX);
        int s;
        while ((s = db_step(st)) == DB_ROW) {
            const char *id = db_col_text(st, 0);
            if (self_id && strcmp(id, self_id) == 0)
                continue;
            int k = 0;
            while (k < nc && strcmp(c[k].id, id) != 0)
                k++;
            if (k == nc) {
                if (nc == CAND_MAX)
                    continue;
                snprintf(c[nc].id, sizeof c[nc].id, "%s", id);
                nc++;
            }
            c[k].hits++;
        }
        db_done(st);
        if (s == DB_ERROR)
            rc = -1;
    }
    qsort(c, (size_t)nc, sizeof *c, cmp_cand);
    /* Verify the best candidates on their actual shingle sets. */
    for (int k = 0; k < nc && rc == 0 && res->ncandidates < ORIG_MAX_CANDIDATES; k++) {
        if (c[k].hits < ORIG_MIN_BAND_HITS)
            break;
        db_stmt_t *st = db_prepare(db, "SELECT w.author_id, w.body, p.pub_seq FROM works w "
                                       "LEFT JOIN provenance p ON p.work_id = w.id "
                                       "WHERE w.id = :id AND w.status = 'published'");
        db_bind_text(st, ":id", c[k].id);
        int s = db_step(st);
        if (s == DB_ERROR)
            rc = -1;
        if (s != DB_ROW || db_col_int(st, 0) == author_id ||
            (before_seq && (db_col_is_null(st, 2) || db_col_int(st, 2) >= before_seq))) {
            db_done(st);
            continue;
        }
        char *other = xstrdup(db_col_text(st, 1));
        db_done(st);
        res->ncandidates++;
        orig_doc_t o;
        if (orig_doc_build(&o, other, strlen(other), common_line, db) == 0) {
            size_t shared;
            int score;
            orig_verify(&d, body, &o, other, common_line, db, &shared, &score);
            char src[ORIG_ID_LEN + 1];
            if (orig_is_copy(shared, score) && res->n < ORIG_MAX_MATCHES && source_of(db, c[k].id, src) != author_id) {
                snprintf(res->m[res->n].id, sizeof res->m[res->n].id, "%s", c[k].id);
                res->m[res->n].score = score > 1000 ? 1000 : score;
                res->n++;
            }
        }
        orig_doc_free(&o);
        free(other);
    }
    free(c);
    orig_doc_free(&d);
    if (rc == 0) {
        qsort(res->m, (size_t)res->n, sizeof res->m[0], cmp_match);
        pick_source(db, res);
    }
    return rc;
}

static int exec_id_key(db_t *db, const char *sql, const char *id, int64_t key)
{
    db_stmt_t *st = db_prepare(db, sql);
    db_bind_text(st, ":id", id);
    db_bind_int(st, ":k", key);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

int orig_forget(db_t *db, const char *work_id, const char *body)
{
    orig_doc_t d;
    /* The keys are recomputed from the text the work was indexed with. Had
     * the common-line table changed since, a few keys stay behind: dead
     * weight only, since every candidate is verified on its current text. */
    if (orig_doc_build(&d, body, strlen(body), common_line, db) < 0) {
        orig_doc_free(&d);
        return 0;
    }
    uint64_t sig[ORIG_PERM];
    int64_t keys[ORIG_BANDS];
    orig_signature(&d, sig);
    orig_bands(sig, keys);
    orig_doc_free(&d);
    for (int b = 0; b < ORIG_BANDS; b++)
        if (exec_id_key(db, "DELETE FROM originality_band WHERE band_key = :k AND work_id = :id", work_id, keys[b]) < 0)
            return -1;
    return 0;
}

int orig_record(db_t *db, const char *work_id, int64_t author_id, const char *old_body, const orig_result_t *res)
{
    if (old_body && orig_forget(db, work_id, old_body) < 0)
        return -1;
    if (!res->too_short)
        for (int b = 0; b < ORIG_BANDS; b++)
            if (exec_id_key(db,
                            "INSERT INTO originality_band(band_key, work_id) VALUES (:k, :id) ON CONFLICT DO NOTHING",
                            work_id, res->bands[b]) < 0)
                return -1;
    for (int i = 0; i < res->nedge; i++) {
        db_stmt_t *st = db_prepare(db, "INSERT INTO originality_line(line_hash, author_id) VALUES (:h, :a) "
                                       "ON CONFLICT DO NOTHING");
        db_bind_int(st, ":h", (int64_t)(res->edge[i] >> 1));
        db_bind_int(st, ":a", author_id);
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE)
            return -1;
    }
    db_stmt_t *del = db_prepare(db, "DELETE FROM originality_match WHERE work_id = :id");
    db_bind_text(del, ":id", work_id);
    int drc = db_step(del);
    db_done(del);
    if (drc != DB_DONE)
        return -1;
    for (int i = 0; i < res->n; i++) {
        db_stmt_t *st = db_prepare(db, "INSERT INTO originality_match(work_id, other_id, score) VALUES (:id, :o, :s)");
        db_bind_text(st, ":id", work_id);
        db_bind_text(st, ":o", res->m[i].id);
        db_bind_int(st, ":s", res->m[i].score);
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE)
            return -1;
    }
    db_stmt_t *st = db_prepare(db, "INSERT INTO provenance(work_id, source_id, shingles, checked_at, pub_seq) "
                                   "VALUES (:id, :src, :n, :t, (SELECT coalesce(max(pub_seq), 0) + 1 FROM provenance)) "
                                   "ON CONFLICT (work_id) DO UPDATE SET "
                                   "source_id = excluded.source_id, shingles = excluded.shingles, "
                                   "checked_at = excluded.checked_at, "
                                   "pub_seq = coalesce(provenance.pub_seq, excluded.pub_seq)");
    db_bind_text(st, ":id", work_id);
    db_bind_text(st, ":src", res->source_id[0] ? res->source_id : NULL);
    db_bind_int(st, ":n", (int64_t)res->nshingles);
    db_bind_int(st, ":t", (int64_t)time(NULL));
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* The work ids sql selects, read whole first (the callers then write the
 * tables it reads): *n of them (malloc'ed, NULL when none), or -1. */
static int work_ids(db_t *db, const char *sql, char (**out)[ORIG_ID_LEN + 1], size_t *n)
{
    db_stmt_t *st = db_prepare(db, sql);
    char(*ids)[ORIG_ID_LEN + 1] = NULL;
    size_t cap = 0;
    int s;
    *n = 0;
    while ((s = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            ids = xrealloc(ids, cap * sizeof *ids);
        }
        snprintf(ids[(*n)++], ORIG_ID_LEN + 1, "%s", db_col_text(st, 0));
    }
    db_done(st);
    if (s == DB_ERROR) {
        free(ids);
        return -1;
    }
    *out = ids;
    return 0;
}

long orig_backfill(db_t *db)
{
    char(*ids)[ORIG_ID_LEN + 1] = NULL;
    size_t n = 0;
    if (work_ids(db, "SELECT w.id FROM works w LEFT JOIN provenance p ON p.work_id = w.id "
                     "WHERE w.status = 'published' AND p.pub_seq IS NULL ORDER BY w.published_at, w.id",
                 &ids, &n) < 0)
        return -1;
    db_stmt_t *st;
    long done = 0;
    for (size_t i = 0; i < n; i += 256) {
        if (db_begin(db) < 0)
            break;
        int rc = 0;
        for (size_t k = i; k < n && k < i + 256 && rc == 0; k++) {
            st = db_prepare(db, "SELECT author_id, body FROM works WHERE id = :id");
            db_bind_text(st, ":id", ids[k]);
            if (db_step(st) != DB_ROW) {
                db_done(st);
                continue;
            }
            int64_t author = db_col_int(st, 0);
            char *body = xstrdup(db_col_text(st, 1));
            db_done(st);
            orig_result_t res;
            rc = orig_check(db, ids[k], author, 0, body, &res);
            if (rc == 0)
                rc = orig_record(db, ids[k], author, NULL, &res);
            free(body);
            done += rc == 0;
        }
        if (rc < 0 || db_commit(db) < 0) {
            db_rollback(db);
            free(ids);
            return -1;
        }
    }
    free(ids);
    return done;
}

long orig_reband(db_t *db)
{
    char *have = db_setting(db, "originality_norm", "1");
    int current = strcmp(have, ORIG_NORM_VERSION) == 0;
    free(have);
    if (current)
        return 0;
    char(*ids)[ORIG_ID_LEN + 1] = NULL;
    size_t n = 0;
    if (work_ids(db, "SELECT w.id FROM works w JOIN provenance p ON p.work_id = w.id "
                     "WHERE w.status = 'published' AND p.shingles > 0 ORDER BY w.id",
                 &ids, &n) < 0)
        return -1;
    db_stmt_t *st;
    long done = 0;
    for (size_t i = 0; i < n; i += 256) {
        if (db_begin(db) < 0) {
            free(ids);
            return -1;
        }
        int rc = 0;
        for (size_t k = i; k < n && k < i + 256 && rc == 0; k++) {
            st = db_prepare(db, "SELECT body FROM works WHERE id = :id");
            db_bind_text(st, ":id", ids[k]);
            char *body = db_step(st) == DB_ROW ? xstrdup(db_col_text(st, 0)) : NULL;
            db_done(st);
            orig_doc_t d;
            if (!body || orig_doc_build(&d, body, strlen(body), common_line, db) < 0) {
                if (body)
                    orig_doc_free(&d);
                free(body);
                continue;
            }
            uint64_t sig[ORIG_PERM];
            int64_t keys[ORIG_BANDS];
            orig_signature(&d, sig);
            orig_bands(sig, keys);
            orig_doc_free(&d);
            free(body);
            for (int b = 0; b < ORIG_BANDS && rc == 0; b++)
                rc = exec_id_key(db, "INSERT INTO originality_band(band_key, work_id) VALUES (:k, :id) "
                                     "ON CONFLICT DO NOTHING", ids[k], keys[b]);
            done += rc == 0;
        }
        if (rc < 0 || db_commit(db) < 0) {
            db_rollback(db);
            free(ids);
            return -1;
        }
    }
    free(ids);
    return db_set_setting(db, "originality_norm", ORIG_NORM_VERSION) < 0 ? -1 : done;
}
