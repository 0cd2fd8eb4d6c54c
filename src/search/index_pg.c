/*
 * index_pg.c — the search index on a stock PostgreSQL (no extension): the
 * same terms as on SQLite (segment.h: CJK unigrams and bigrams, words), kept
 * by hao in a plain table, so search.h behaves the same on both stores.
 *
 * Tables (schema.c, PostgreSQL form of migration 2):
 *   search_docs  one row per published work: what was indexed, and `doc`,
 *                the plain text of its four fields joined by U+001F;
 *   search_terms (term, docid, field, tf), b-tree on term text_pattern_ops,
 *                so both "term = x" and the word prefix "term LIKE 'x%'" use it.
 *
 * A query finds candidates in SQL (every exact term present, every prefix
 * word present, the filters), newest first and at most SEARCH_RANK_WINDOW of
 * them; then each candidate is verified in C against the query's units in
 * order (a k-character CJK string must stand in a row, words in sequence,
 * excluded terms absent), which term presence alone cannot tell. Verified
 * hits are scored like BM25 over the four fields (title 5, tags and author
 * 3, body 1) with the same mild freshness factor as SQLite, sorted, and the
 * page is cut from them. The total counts every verified candidate.
 *
 * Terms are inserted with one statement per field (arrays unnested in SQL),
 * not one round trip per term.
 */
#include "search/index_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "search/indexkit.h"
#include "core/text.h"
#include "search/normalize.h"
#include "search/query.h"
#include "search/segment.h"
#include "search/snippet.h"

#define SEP "\x1f" /* field and list separator: never in text hao accepts */
enum { F_TITLE, F_BODY, F_TAGS, F_AUTHOR, F_COUNT };
static const double field_weight[F_COUNT] = {5.0, 1.0, 3.0, 3.0};

/* ---- indexing ---- */

/* A small string -> count map for one field's terms. */
typedef struct {
    char **key;
    int *count;
    size_t cap, n;
} tmap_t;

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void tmap_grow(tmap_t *m);

static void tmap_add(tmap_t *m, const char *s, size_t n)
{
    if ((m->n + 1) * 2 > m->cap)
        tmap_grow(m);
    size_t i = hash(s, n) & (m->cap - 1);
    while (m->key[i]) {
        if (strlen(m->key[i]) == n && memcmp(m->key[i], s, n) == 0) {
            m->count[i]++;
            return;
        }
        i = (i + 1) & (m->cap - 1);
    }
    m->key[i] = xstrndup(s, n);
    m->count[i] = 1;
    m->n++;
}

static void tmap_grow(tmap_t *m)
{
    tmap_t g = {0};
    g.cap = m->cap ? m->cap * 2 : 256;
    g.key = xcalloc(g.cap, sizeof(char *));
    g.count = xcalloc(g.cap, sizeof(int));
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->key[i])
            continue;
        size_t j = hash(m->key[i], strlen(m->key[i])) & (g.cap - 1);
        while (g.key[j])
            j = (j + 1) & (g.cap - 1);
        g.key[j] = m->key[i];
        g.count[j] = m->count[i];
        g.n++;
    }
    free(m->key);
    free(m->count);
    *m = g;
}

static void tmap_free(tmap_t *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->key[i]);
    free(m->key);
    free(m->count);
    memset(m, 0, sizeof *m);
}

static int tmap_term(void *vctx, const char *term, size_t len, size_t start, size_t end, int colocated)
{
    (void)start, (void)end, (void)colocated;
    tmap_add(vctx, term, len);
    return 0;
}

/* Insert field f's terms of text for docid in one statement. */
static int insert_terms(db_t *db, int64_t docid, int f, const char *text)
{
    tmap_t m = {0};
    seg_text(text, strlen(text), SEG_DOCUMENT, tmap_term, &m);
    if (m.n == 0) {
        tmap_free(&m);
        return 0;
    }
    buf_t terms = BUF_INIT, tfs = BUF_INIT;
    for (size_t i = 0; i < m.cap; i++) {
        if (!m.key[i])
            continue;
        if (terms.len) {
            buf_lit(&terms, SEP);
            buf_ch(&tfs, ',');
        }
        buf_rawz(&terms, m.key[i]);
        buf_int(&tfs, m.count[i]);
    }
    tmap_free(&m);
    db_stmt_t *st = db_prepare(db, "INSERT INTO search_terms(term, docid, field, tf) "
                                   "SELECT x.t, :docid, :field, x.c FROM unnest(string_to_array(:terms, chr(31)), "
                                   "string_to_array(:tfs, ',')::int[]) AS x(t, c)");
    db_bind_int(st, ":docid", docid);
    db_bind_int(st, ":field", f);
    db_bind_textn(st, ":terms", terms.p, terms.len);
    db_bind_textn(st, ":tfs", tfs.p, tfs.len);
    int rc = db_step(st);
    db_done(st);
    buf_free(&terms);
    buf_free(&tfs);
    return rc == DB_DONE ? 0 : -1;
}

static int insert_doc(db_t *db, const char *work_id, int64_t rev, const char *title, const char *body_md,
                      const char *tags, const char *author)
{
    buf_t body = BUF_INIT, doc = BUF_INIT;
    ix_plain(body_md, &body);
    buf_rawz(&doc, title);
    buf_lit(&doc, SEP);
    buf_raw(&doc, body.p ? body.p : "", body.len);
    buf_lit(&doc, SEP);
    buf_rawz(&doc, tags);
    buf_lit(&doc, SEP);
    buf_rawz(&doc, author);
    db_stmt_t *st = db_prepare(db, "INSERT INTO search_docs(work_id, rev, title, tags, author, doc) "
                                   "VALUES (:id, :rev, :title, :tags, :author, :doc) RETURNING docid");
    db_bind_text(st, ":id", work_id);
    db_bind_int(st, ":rev", rev);
    db_bind_text(st, ":title", title);
    db_bind_text(st, ":tags", tags);
    db_bind_text(st, ":author", author);
    db_bind_textn(st, ":doc", doc.p, doc.len);
    int rc = db_step(st);
    int64_t docid = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    int out = docid ? 0 : -1;
    const char *fields[F_COUNT] = {title, buf_cstr(&body), tags, author};
    for (int f = 0; f < F_COUNT && out == 0; f++)
        out = insert_terms(db, docid, f, fields[f]);
    buf_free(&body);
    buf_free(&doc);
    return out;
}

int search_pg_sync(db_t *db, const char *work_id)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM search_docs WHERE work_id = :id"); /* terms cascade */
    db_bind_text(st, ":id", work_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return -1;
    st = db_prepare(db, "SELECT w.status, w.rev, w.title, w.body, u.display_name FROM works w "
                        "JOIN users u ON u.id = w.author_id WHERE w.id = :id");
    db_bind_text(st, ":id", work_id);
    rc = db_step(st);
    if (rc != DB_ROW || strcmp(db_col_text(st, 0), "published") != 0) {
        db_done(st);
        return rc == DB_ERROR ? -1 : 0;
    }
    int64_t rev = db_col_int(st, 1);
    char *title = ix_strdup(db_col_text(st, 2)), *body = ix_strdup(db_col_text(st, 3)),
         *author = ix_strdup(db_col_text(st, 4));
    db_done(st);
    buf_t tags = BUF_INIT;
    ix_load_tags(db, work_id, &tags);
    int out = insert_doc(db, work_id, rev, title, body, buf_cstr(&tags), author);
    free(title), free(body), free(author);
    buf_free(&tags);
    return out;
}

long search_pg_rebuild(db_t *db)
{
    if (db_begin(db) < 0)
        return -1;
    if (db_exec(db, "DELETE FROM search_docs") < 0) {
        db_rollback(db);
        return -1;
    }
    db_stmt_t *st = db_prepare(db, "SELECT w.id, w.rev, w.title, w.body, u.display_name FROM works w "
                                   "JOIN users u ON u.id = w.author_id WHERE w.status = 'published' "
                                   "ORDER BY w.published_at, w.id");
    long n = 0;
    int rc;
    buf_t tags = BUF_INIT;
    /* Copy the rows first: the inserts below run statements on the same connection. */
    typedef struct {
        char *id, *title, *body, *author;
        int64_t rev;
    } row_t;
    row_t *rows = NULL;
    size_t nrows = 0, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        if (nrows == cap) {
            cap = cap ? cap * 2 : 64;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        rows[nrows++] = (row_t){ix_strdup(db_col_text(st, 0)), ix_strdup(db_col_text(st, 2)),
                                ix_strdup(db_col_text(st, 3)), ix_strdup(db_col_text(st, 4)), db_col_int(st, 1)};
    }
    db_done(st);
    for (size_t i = 0; i < nrows; i++) {
        if (rc == DB_DONE) {
            buf_reset(&tags);
            ix_load_tags(db, rows[i].id, &tags);
            if (insert_doc(db, rows[i].id, rows[i].rev, rows[i].title, rows[i].body, buf_cstr(&tags),
                           rows[i].author) < 0)
                rc = DB_ERROR;
            else
                n++;
        }
        free(rows[i].id), free(rows[i].title), free(rows[i].body), free(rows[i].author);
    }
    free(rows);
    buf_free(&tags);
    if (rc != DB_DONE || db_commit(db) < 0) {
        db_rollback(db);
        return -1;
    }
    return n;
}

/* ---- querying ---- */

static int is_term_char(uint32_t cp)
{
    return seg_is_cjk(cp) || seg_is_word(cp);
}

static int is_word_char(uint32_t cp)
{
    return seg_is_word(cp) && !seg_is_cjk(cp);
}

/* Does unit u stand at t[i]? last: u is the term's last unit (a word there
 * may be a prefix when prefix is set). On a match *end is past it. */
static int unit_at(const ntext_t *t, size_t i, const qunit_t *u, int last, int prefix, size_t *end)
{
    if (u->n == 0 || i + u->n > t->n)
        return 0;
    if (u->word && i > 0 && is_word_char(t->v[i - 1].cp))
        return 0; /* words match at a word start only */
    for (size_t k = 0; k < u->n; k++)
        if (t->v[i + k].cp != u->cp[k])
            return 0;
    size_t e = i + u->n;
    if (u->word && !(last && prefix) && e < t->n && is_word_char(t->v[e].cp))
        return 0; /* a whole word, unless it is the prefix at the end */
    *end = e;
    return 1;
}

/* Occurrences of term q in t: its units in order, separated by nothing or by
 * characters that make no term. */
static int term_count(const ntext_t *t, const qterm_t *q)
{
    int count = 0;
    for (size_t i = 0; i < t->n; i++) {
        size_t pos = i, end;
        int b;
        for (b = 0; b < q->nunits; b++) {
            if (b > 0)
                while (pos < t->n && !is_term_char(t->v[pos].cp) && t->v[pos].cp != 0x1f)
                    pos++;
            if (!unit_at(t, pos, &q->units[b], b == q->nunits - 1, q->prefix, &end))
                break;
            pos = end;
        }
        if (q->nunits > 0 && b == q->nunits)
            count++;
    }
    return count;
}

typedef struct {
    char id[17];
    double score;
    int64_t published_at;
    char *title, *body_md, *handle, *name, *tags;
} cand_t;

/* Split doc (fields joined by U+001F) and score it against q: 0 when some
 * positive term is missing or a negative one present. */
static int verify(const char *doc, const query_t *q, double *score)
{
    const char *f[F_COUNT];
    size_t len[F_COUNT];
    const char *p = doc;
    for (int i = 0; i < F_COUNT; i++) {
        const char *e = strchr(p, 0x1f);
        f[i] = p;
        len[i] = e ? (size_t)(e - p) : strlen(p);
        p = e ? e + 1 : p + len[i];
    }
    ntext_t t[F_COUNT];
    for (int i = 0; i < F_COUNT; i++) {
        memset(&t[i], 0, sizeof t[i]);
        norm_text(f[i], len[i], &t[i]);
    }
    int ok = 1;
    double s = 0;
    for (int a = 0; a < q->nterms && ok; a++) {
        int total = 0;
        double ts = 0;
        for (int i = 0; i < F_COUNT; i++) {
            int c = term_count(&t[i], &q->terms[a]);
            total += c;
            /* BM25's saturation with a length norm on the body only: a long
             * body should not outscore a title match by sheer repetition. */
            double k = 1.2 * (i == F_BODY ? 0.25 + 0.75 * ((double)t[i].n / 2000.0) : 1.0);
            ts += field_weight[i] * c / (c + k);
        }
        if (q->terms[a].negative ? total > 0 : total == 0)
            ok = 0;
        if (!q->terms[a].negative)
            s += ts;
    }
    for (int i = 0; i < F_COUNT; i++)
        ntext_free(&t[i]);
    *score = -s; /* lower is better, as with FTS5's bm25() */
    return ok;
}

static int by_score(const void *x, const void *y)
{
    const cand_t *a = x, *b = y;
    if (a->score != b->score)
        return a->score < b->score ? -1 : 1;
    if (a->published_at != b->published_at)
        return a->published_at > b->published_at ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* Escape LIKE's metacharacters (words hold none today; be sure). */
static void like_prefix(buf_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
            buf_ch(b, '\\');
        buf_ch(b, s[i]);
    }
    buf_ch(b, '%');
}

static void unit_utf8(buf_t *b, const uint32_t *cp, size_t n)
{
    for (size_t k = 0; k < n; k++)
        text_put_utf8(b, cp[k]);
}

int search_pg_run(db_t *db, const search_req_t *req, search_result_t *out, const char **code)
{
    memset(out, 0, sizeof(*out));
    query_t q;
    if (query_parse(req->q ? req->q : "", req->q ? strlen(req->q) : 0, &q, code) < 0)
        return -1;
    /* Terms every candidate must hold: the bigrams (or the lone unigram) of
     * each CJK unit, each word (its prefix for a term's last word). */
    buf_t exact = BUF_INIT, prefix = BUF_INIT;
    int nexact = 0;
    for (int a = 0; a < q.nterms; a++) {
        const qterm_t *t = &q.terms[a];
        if (t->negative)
            continue;
        for (int b = 0; b < t->nunits; b++) {
            const qunit_t *u = &t->units[b];
            if (u->word && b == t->nunits - 1 && t->prefix) {
                buf_t w = BUF_INIT;
                unit_utf8(&w, u->cp, u->n > SEG_WORD_MAX ? SEG_WORD_MAX : u->n);
                if (prefix.len)
                    buf_lit(&prefix, SEP);
                like_prefix(&prefix, w.p, w.len);
                buf_free(&w);
                continue;
            }
            size_t step = u->word || u->n == 1 ? u->n : 2;
            for (size_t k = 0; k + step <= u->n; k++) {
                if (exact.len)
                    buf_lit(&exact, SEP);
                unit_utf8(&exact, u->cp + k, step);
                nexact++;
                if (u->word)
                    break;
            }
        }
    }
    /* The newest SEARCH_RANK_WINDOW candidates that hold every term. */
    db_stmt_t *st = db_prepare(
        db, "SELECT w.id, d.doc, w.title, w.body, u.handle, u.display_name, w.published_at, d.tags "
            "FROM search_docs d JOIN works w ON w.id = d.work_id JOIN users u ON u.id = w.author_id "
            "WHERE w.status = 'published' "
            "AND (:nexact = 0 OR d.docid IN (SELECT docid FROM search_terms "
            "  WHERE term = ANY (string_to_array(:exact, chr(31))) GROUP BY docid "
            "  HAVING count(DISTINCT term) = :nexact)) "
            "AND NOT EXISTS (SELECT 1 FROM unnest(string_to_array(:prefix, chr(31))) AS p(x) "
            "  WHERE NOT EXISTS (SELECT 1 FROM search_terms s WHERE s.docid = d.docid AND s.term LIKE p.x)) "
            "AND (:author IS NULL OR u.handle = :author) "
            "AND (:tag IS NULL OR EXISTS (SELECT 1 FROM tags t WHERE t.work_id = w.id AND t.tag = :tag)) "
            "AND (:from = 0 OR w.published_at >= :from) AND (:to = 0 OR w.published_at < :to) "
            "ORDER BY d.docid DESC LIMIT :window");
    db_bind_int(st, ":nexact", nexact);
    db_bind_textn(st, ":exact", exact.p ? exact.p : "", exact.len);
    db_bind_textn(st, ":prefix", prefix.p ? prefix.p : "", prefix.len);
    db_bind_text(st, ":author", req->author);
    db_bind_text(st, ":tag", req->tag);
    db_bind_int(st, ":from", req->from);
    db_bind_int(st, ":to", req->to);
    db_bind_int(st, ":window", SEARCH_RANK_WINDOW);
    buf_free(&exact);
    buf_free(&prefix);
    cand_t *c = NULL;
    size_t n = 0, cap = 0;
    int rc;
    int64_t now = (int64_t)time(NULL);
    while ((rc = db_step(st)) == DB_ROW) {
        double score;
        if (!verify(db_col_text(st, 1), &q, &score))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            c = xrealloc(c, cap * sizeof *c);
        }
        cand_t *h = &c[n++];
        snprintf(h->id, sizeof h->id, "%s", db_col_text(st, 0));
        h->published_at = db_col_int(st, 6);
        h->score = score * (1.0 + 0.25 / (1.0 + (double)(now - h->published_at) / 2592000.0));
        h->title = ix_strdup(db_col_text(st, 2));
        h->body_md = ix_strdup(db_col_text(st, 3));
        h->handle = ix_strdup(db_col_text(st, 4));
        h->name = ix_strdup(db_col_text(st, 5));
        h->tags = ix_strdup(db_col_text(st, 7));
    }
    db_done(st);
    if (rc == DB_ERROR) {
        for (size_t i = 0; i < n; i++)
            free(c[i].title), free(c[i].body_md), free(c[i].handle), free(c[i].name), free(c[i].tags);
        free(c);
        query_free(&q);
        return -2;
    }
    if (n > 1) /* c is NULL when nothing matched: qsort must not see it */
        qsort(c, n, sizeof *c, by_score);
    out->total = (int64_t)n;
    int limit = req->limit < 1 ? 10 : req->limit > SEARCH_LIMIT_MAX ? SEARCH_LIMIT_MAX : req->limit;
    out->hits = xcalloc((size_t)limit, sizeof(search_hit_t));
    for (size_t i = 0; i < n; i++) {
        cand_t *h = &c[i];
        if (i >= (size_t)req->offset && out->n < limit) {
            search_hit_t *o = &out->hits[out->n++];
            memcpy(o->id, h->id, sizeof o->id);
            o->score = h->score;
            o->title = h->title, h->title = NULL;
            o->author_handle = h->handle, h->handle = NULL;
            o->author_name = h->name, h->name = NULL;
            o->tags = h->tags, h->tags = NULL;
            o->published_at = h->published_at;
            if (!req->no_snippets) {
                buf_t b = BUF_INIT, text = BUF_INIT;
                snippet_html(o->title, strlen(o->title), &q, 0, &b);
                o->title_html = buf_steal(&b, NULL);
                ix_plain(h->body_md, &text);
                snippet_html(text.p ? text.p : "", text.len, &q, 120, &b);
                o->snippet_html = buf_steal(&b, NULL);
                buf_free(&text);
            }
        }
        free(h->title), free(h->body_md), free(h->handle), free(h->name), free(h->tags);
    }
    free(c);
    query_free(&q);
    return 0;
}
