/*
 * index.c — the search index on SQLite FTS5. See search.h. (On PostgreSQL
 * each call goes to index_pg.c instead.)
 *
 * The FTS5 table is contentless: the text already lives in works and
 * revisions, and a second copy would double the index's size. FTS5 can only
 * remove a contentless row when given the exact values it indexed, so
 * search_docs records the revision whose body was indexed (the revisions
 * table keeps every body) and the title, tags and author name as indexed.
 * Docids are never reused, so even a mismatched removal could only leave
 * postings for a docid no search_docs row names: never a wrong result.
 *
 * Ranking: FTS5's BM25 with column weights (a title match counts 5 times a
 * body match, tags and author 3 times), scaled by a mild freshness factor of
 * at most 1.25 that halves its extra weight after a month.
 */
#include "search/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/text.h"
#include "db/fts_sqlite.h"
#include "search/index_pg.h"
#include "search/indexkit.h"
#include "search/query.h"
#include "search/segment.h"
#include "search/snippet.h"

#define SNIPPET_SCAN 20000 /* characters */

/* The tokenizer's modes are the segmenter's. */
_Static_assert((int)FTS_DOCUMENT == (int)SEG_DOCUMENT && (int)FTS_QUERY == (int)SEG_QUERY, "segment modes");

void search_init(void)
{
    fts_set_segmenter(seg_text);
}

static int fts_delete(db_t *db, int64_t docid, const char *title, const char *body_md, const char *tags,
                      const char *author)
{
    buf_t body = BUF_INIT;
    ix_plain(body_md, &body);
    db_stmt_t *st = db_prepare(db, "INSERT INTO search_fts(search_fts, rowid, title, body, tags, author) "
                                   "VALUES ('delete', :docid, :title, :body, :tags, :author)");
    db_bind_int(st, ":docid", docid);
    db_bind_text(st, ":title", title);
    db_bind_textn(st, ":body", body.p, body.len);
    db_bind_text(st, ":tags", tags);
    db_bind_text(st, ":author", author);
    int rc = db_step(st);
    db_done(st);
    buf_free(&body);
    if (rc != DB_DONE)
        return -1;
    st = db_prepare(db, "DELETE FROM search_docs WHERE docid = :docid");
    db_bind_int(st, ":docid", docid);
    rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* Remove work_id's entry if it has one and it differs from (rev, title,
 * tags, author); *same is set when it is already up to date. */
static int remove_entry(db_t *db, const char *work_id, int64_t rev, const char *title, const char *tags,
                        const char *author, int *same)
{
    *same = 0;
    db_stmt_t *st = db_prepare(db, "SELECT d.docid, d.rev, d.title, d.tags, d.author, r.body FROM search_docs d "
                                   "LEFT JOIN revisions r ON r.work_id = d.work_id AND r.rev = d.rev "
                                   "WHERE d.work_id = :id");
    db_bind_text(st, ":id", work_id);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return rc == DB_DONE ? 0 : -1;
    }
    int64_t docid = db_col_int(st, 0);
    char *otitle = ix_strdup(db_col_text(st, 2)), *otags = ix_strdup(db_col_text(st, 3)),
         *oauthor = ix_strdup(db_col_text(st, 4)), *obody = ix_strdup(db_col_text(st, 5));
    int have_body = !db_col_is_null(st, 5);
    if (title && db_col_int(st, 1) == rev && strcmp(otitle, title) == 0 && strcmp(otags, tags) == 0 &&
        strcmp(oauthor, author) == 0)
        *same = 1;
    db_done(st);
    int out = 0;
    if (!*same) {
        if (!have_body) { /* revision gone: the current body is the best guess */
            free(obody);
            st = db_prepare(db, "SELECT body FROM works WHERE id = :id");
            db_bind_text(st, ":id", work_id);
            obody = ix_strdup(db_step(st) == DB_ROW ? db_col_text(st, 0) : "");
            db_done(st);
        }
        out = fts_delete(db, docid, otitle, obody, otags, oauthor);
    }
    free(otitle), free(otags), free(oauthor), free(obody);
    return out;
}

static int insert_entry(db_t *db, const char *work_id, int64_t rev, const char *title, const char *body_md,
                        const char *tags, const char *author, int64_t author_id, int64_t published_at)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO search_docs(work_id, rev, title, tags, author, author_id, "
                                   "published_at) VALUES (:id, :rev, :title, :tags, :author, :aid, :pub) "
                                   "RETURNING docid");
    db_bind_text(st, ":id", work_id);
    db_bind_int(st, ":rev", rev);
    db_bind_int(st, ":aid", author_id);
    db_bind_int(st, ":pub", published_at);
    db_bind_text(st, ":title", title);
    db_bind_text(st, ":tags", tags);
    db_bind_text(st, ":author", author);
    int rc = db_step(st);
    int64_t docid = rc == DB_ROW ? db_col_int(st, 0) : 0;
    if (rc == DB_ROW)
        rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || !docid)
        return -1;
    buf_t body = BUF_INIT;
    ix_plain(body_md, &body);
    st = db_prepare(db, "INSERT INTO search_fts(rowid, title, body, tags, author) "
                        "VALUES (:docid, :title, :body, :tags, :author)");
    db_bind_int(st, ":docid", docid);
    db_bind_text(st, ":title", title);
    db_bind_textn(st, ":body", body.p, body.len);
    db_bind_text(st, ":tags", tags);
    db_bind_text(st, ":author", author);
    rc = db_step(st);
    db_done(st);
    buf_free(&body);
    return rc == DB_DONE ? 0 : -1;
}

int search_sync(db_t *db, const char *work_id)
{
    if (db_postgres_conninfo())
        return search_pg_sync(db, work_id);
    db_stmt_t *st = db_prepare(db, "SELECT w.status, w.rev, w.title, w.body, u.display_name, w.author_id, "
                                   "w.published_at FROM works w JOIN users u ON u.id = w.author_id WHERE w.id = :id");
    db_bind_text(st, ":id", work_id);
    int rc = db_step(st);
    if (rc == DB_ERROR) {
        db_done(st);
        return -1;
    }
    int published = rc == DB_ROW && strcmp(db_col_text(st, 0), "published") == 0;
    int64_t rev = published ? db_col_int(st, 1) : 0;
    char *title = published ? ix_strdup(db_col_text(st, 2)) : NULL;
    char *body = published ? ix_strdup(db_col_text(st, 3)) : NULL;
    char *author = published ? ix_strdup(db_col_text(st, 4)) : NULL;
    int64_t author_id = published ? db_col_int(st, 5) : 0, published_at = published ? db_col_int(st, 6) : 0;
    db_done(st);
    buf_t tags = BUF_INIT;
    if (published)
        ix_load_tags(db, work_id, &tags);
    int same = 0;
    int out = remove_entry(db, work_id, rev, title, buf_cstr(&tags), author ? author : "", &same);
    if (out == 0 && published && !same)
        out = insert_entry(db, work_id, rev, title, body, buf_cstr(&tags), author, author_id, published_at);
    free(title), free(body), free(author);
    buf_free(&tags);
    return out;
}

long search_rebuild(db_t *db)
{
    if (db_postgres_conninfo())
        return search_pg_rebuild(db);
    if (db_begin(db) < 0)
        return -1;
    if (db_exec(db, "INSERT INTO search_fts(search_fts) VALUES ('delete-all'); DELETE FROM search_docs;") < 0) {
        db_rollback(db);
        return -1;
    }
    db_stmt_t *st = db_prepare(db, "SELECT w.id, w.rev, w.title, w.body, u.display_name, w.author_id, w.published_at "
                                   "FROM works w JOIN users u ON u.id = w.author_id WHERE w.status = 'published' "
                                   "ORDER BY w.published_at, w.id");
    long n = 0;
    int rc;
    buf_t tags = BUF_INIT;
    while ((rc = db_step(st)) == DB_ROW) {
        buf_reset(&tags);
        ix_load_tags(db, db_col_text(st, 0), &tags);
        if (insert_entry(db, db_col_text(st, 0), db_col_int(st, 1), db_col_text(st, 2), db_col_text(st, 3),
                         buf_cstr(&tags), db_col_text(st, 4), db_col_int(st, 5), db_col_int(st, 6)) < 0) {
            rc = DB_ERROR;
            break;
        }
        n++;
    }
    db_done(st);
    buf_free(&tags);
    if (rc != DB_DONE || db_exec(db, "INSERT INTO search_fts(search_fts) VALUES ('optimize')") < 0 ||
        db_commit(db) < 0) {
        db_rollback(db);
        return -1;
    }
    return n;
}

void search_result_free(search_result_t *r)
{
    for (int i = 0; i < r->n; i++) {
        search_hit_t *h = &r->hits[i];
        free(h->title), free(h->title_html), free(h->snippet_html);
        free(h->author_handle), free(h->author_name), free(h->tags);
    }
    free(r->hits);
    memset(r, 0, sizeof(*r));
}

/* The FTS5 table drives the join: SQLite's planner would otherwise walk
 * every published work and probe the index once per row (CROSS JOIN fixes
 * the order in SQLite; in PostgreSQL it would be a plain JOIN). Filters and
 * ranking read only search_docs' narrow rows. */
#define MATCH_FILTERS                                                                                  \
    "FROM search_fts f CROSS JOIN search_docs d ON d.docid = f.rowid WHERE search_fts MATCH :q "      \
    "AND (:author IS NULL OR d.author_id = (SELECT id FROM users WHERE handle = :author)) "            \
    "AND (:tag IS NULL OR EXISTS (SELECT 1 FROM tags t WHERE t.work_id = d.work_id AND t.tag = :tag)) " \
    "AND (:from = 0 OR d.published_at >= :from) AND (:to = 0 OR d.published_at < :to) "

static void bind_filters(db_stmt_t *st, const char *match, const search_req_t *req)
{
    db_bind_text(st, ":q", match);
    db_bind_text(st, ":author", req->author);
    db_bind_text(st, ":tag", req->tag);
    db_bind_int(st, ":from", req->from);
    db_bind_int(st, ":to", req->to);
}

int search_run(db_t *db, const search_req_t *req, search_result_t *out, const char **code)
{
    if (db_postgres_conninfo())
        return search_pg_run(db, req, out, code);
    memset(out, 0, sizeof(*out));
    query_t q;
    if (query_parse(req->q ? req->q : "", req->q ? strlen(req->q) : 0, &q, code) < 0)
        return -1;
    buf_t match = BUF_INIT;
    query_fts5(&q, &match);

    /* The total: without filters the FTS5 table alone answers (search_docs
     * holds published works only); with filters every match is checked. */
    int filtered = req->author || req->tag || req->from || req->to;
    db_stmt_t *st;
    if (filtered) {
        st = db_prepare(db, "SELECT count(*) " MATCH_FILTERS);
        bind_filters(st, buf_cstr(&match), req);
    } else {
        st = db_prepare(db, "SELECT count(*) FROM search_fts WHERE search_fts MATCH :q");
        db_bind_text(st, ":q", buf_cstr(&match));
    }
    int rc = db_step(st);
    out->total = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc != DB_ROW)
        goto fail;
    int limit = req->limit < 1 ? 10 : req->limit > SEARCH_LIMIT_MAX ? SEARCH_LIMIT_MAX : req->limit;
    if (out->total > req->offset) {
        /* Rank the SEARCH_RANK_WINDOW newest matches (docids grow with each
         * publish or edit), not all of them: a one-character query can match
         * most of the site, and scoring every match would cost far more than
         * the reader gains from relevance among 50,000 hits. */
        /* Innermost: the window, scored; then the page of it; only then the
         * works rows (wide: they hold the bodies), checked again for status
         * so that nothing unpublished is ever shown. */
        st = db_prepare(db, "SELECT w.id, m.score, w.title, w.body, u.handle, u.display_name, w.published_at, "
                            "m.tags FROM (SELECT * FROM (SELECT d.work_id, d.tags, d.published_at, "
                            "bm25(search_fts, 5.0, 1.0, 3.0, 3.0) * "
                            "(1.0 + 0.25 / (1.0 + (:now - d.published_at) / 2592000.0)) AS score " MATCH_FILTERS
                            "ORDER BY f.rowid DESC LIMIT :window) "
                            "ORDER BY score, published_at DESC, work_id LIMIT :lim OFFSET :off) m "
                            "CROSS JOIN works w ON w.id = m.work_id CROSS JOIN users u ON u.id = w.author_id "
                            "WHERE w.status = 'published' ORDER BY m.score, m.published_at DESC, m.work_id");
        bind_filters(st, buf_cstr(&match), req);
        db_bind_int(st, ":now", (int64_t)time(NULL));
        db_bind_int(st, ":window", SEARCH_RANK_WINDOW);
        db_bind_int(st, ":lim", limit);
        db_bind_int(st, ":off", req->offset);
        out->hits = xcalloc((size_t)limit, sizeof(search_hit_t));
        while ((rc = db_step(st)) == DB_ROW && out->n < limit) {
            search_hit_t *h = &out->hits[out->n++];
            snprintf(h->id, sizeof h->id, "%s", db_col_text(st, 0));
            h->score = db_col_double(st, 1);
            h->title = ix_strdup(db_col_text(st, 2));
            h->author_handle = ix_strdup(db_col_text(st, 4));
            h->author_name = ix_strdup(db_col_text(st, 5));
            h->published_at = db_col_int(st, 6);
            h->tags = ix_strdup(db_col_text(st, 7));
            if (!req->no_snippets) {
                buf_t b = BUF_INIT, text = BUF_INIT;
                snippet_html(h->title, strlen(h->title), &q, 0, &b);
                h->title_html = buf_steal(&b, NULL);
                ix_plain(db_col_text(st, 3), &text);
                /* Look for the match in the first SNIPPET_SCAN characters
                 * only: a 200 KB body would otherwise cost milliseconds per
                 * hit; a match further in shows the beginning unmarked. */
                const char *tp = text.p ? text.p : "";
                snippet_html(tp, text_prefix(tp, text.len, SNIPPET_SCAN), &q, 120, &b);
                h->snippet_html = buf_steal(&b, NULL);
                buf_free(&text);
            }
        }
        db_done(st);
        if (rc == DB_ERROR)
            goto fail;
    }
    buf_free(&match);
    query_free(&q);
    return 0;
fail:
    buf_free(&match);
    query_free(&q);
    search_result_free(out);
    return -2;
}
