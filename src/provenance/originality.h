/*
 * originality.h — 洗稿 detection: how much of a work's text overlaps earlier
 * works by other creators.
 *
 * Pipeline (docs in README "Originality"):
 *   1. plain text (md_to_text), boilerplate lines dropped: this or any
 *      platform's "information storage" statement, 作品声明/创作声明 lines, and
 *      head/tail lines that works by ORIG_COMMON_AUTHORS or more creators
 *      share (a common header or footer is nobody's original text);
 *   2. tokens: NFKC + case fold (ICU), every CJK character one token
 *      (traditional folded to simplified, core/hanzi.h), every
 *      run of other letters/digits one token; punctuation and white space
 *      only separate, so punctuation changes do not matter;
 *   3. shingles: hashes of ORIG_K consecutive tokens, kept as a sorted set;
 *   4. MinHash signature (ORIG_PERM values) and LSH bands (ORIG_BANDS keys
 *      of ORIG_ROWS values each), stored in an indexed SQL table;
 *   5. candidates: earlier published works by other creators that share at
 *      least ORIG_MIN_BAND_HITS band keys; verification recomputes both
 *      shingle sets and scores the overlap |A∩B| / min(|A|,|B|);
 *      a copy needs score >= ORIG_THRESHOLD and >= ORIG_MIN_SHARED shingles.
 *
 * The parameters were chosen by measurement (tests/unit/test_originality.c
 * prints the figures); the reasons are in README.
 *
 * Owns the originality_band, originality_line and originality_match tables
 * and the source/checked columns of the provenance table.
 * Pure functions (orig_doc_*, orig_signature, orig_bands, orig_overlap) are
 * thread-safe; the db functions use the caller's connection.
 */
#ifndef HAO_ORIGINALITY_H
#define HAO_ORIGINALITY_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"

/* The three shape parameters can be overridden at compile time (-DORIG_K=5)
 * to rerun the evaluation with other settings, as README's table did. */
#ifndef ORIG_K
#define ORIG_K 4 /* tokens per shingle */
#endif
#ifndef ORIG_BANDS
#define ORIG_BANDS 32 /* LSH bands */
#endif
#ifndef ORIG_ROWS
#define ORIG_ROWS 2 /* signature values per band */
#endif
#define ORIG_PERM (ORIG_BANDS * ORIG_ROWS)
#define ORIG_MIN_BAND_HITS 2  /* band keys a candidate must share */
#define ORIG_MAX_CANDIDATES 8 /* verified per check, most band hits first (bounds the time) */
#define ORIG_BAND_ROWS_MAX 64 /* works read per band key */
#define ORIG_THRESHOLD 450    /* permille of the smaller shingle set */
#define ORIG_MIN_SHARED 40    /* shared shingles for a copy verdict (~40 characters) */
#define ORIG_MAX_MATCHES 8    /* similar_to entries kept */
#define ORIG_COMMON_AUTHORS 3 /* a head/tail line by this many creators is boilerplate */
#define ORIG_EDGE_LINES 3     /* head and tail lines tracked for that */
#define ORIG_LINE_MAX 120     /* only lines this short (characters) can be boilerplate */
#define ORIG_ID_LEN 16

/* One token: its hash and the bytes of the plain text it came from. */
typedef struct {
    uint64_t h;
    uint32_t start, end;
} orig_token_t;

/* Decides whether a normalised line (by hash) is common boilerplate. */
typedef int (*orig_common_fn)(void *ctx, uint64_t line_hash);

typedef struct {
    char *plain; /* md_to_text output (owned) */
    size_t plain_len;
    orig_token_t *tok; /* tokens that count (boilerplate removed) */
    size_t ntok;
    uint64_t *sh; /* distinct shingle hashes, sorted */
    size_t nsh;
    uint64_t edge[2 * ORIG_EDGE_LINES]; /* hashes of head/tail short lines */
    int nedge;
    int dropped_lines; /* boilerplate lines removed */
} orig_doc_t;

/* Build d from Markdown src[0..n). common may be NULL. Returns 0, or -1 when
 * the text cannot be parsed (d is then empty but safe to free). Any bytes are
 * accepted; the result may have no shingles (too short, punctuation only). */
int orig_doc_build(orig_doc_t *d, const char *src, size_t n, orig_common_fn common, void *ctx);
void orig_doc_free(orig_doc_t *d);

/* The normalised token stream as text (tokens joined by single spaces), for
 * tests and debugging. */
void orig_doc_tokens_text(const orig_doc_t *d, buf_t *out);

/* MinHash signature of d's shingle set (all UINT64_MAX when d has none). */
void orig_signature(const orig_doc_t *d, uint64_t sig[ORIG_PERM]);
/* LSH band keys of a signature (non-negative, so they fit SQL INTEGER). */
void orig_bands(const uint64_t sig[ORIG_PERM], int64_t keys[ORIG_BANDS]);
/* Shared shingles and the score (permille of the smaller set). */
void orig_overlap(const orig_doc_t *a, const orig_doc_t *b, size_t *shared, int *score);
/* The verification step. Head/tail lines that a and b (built from asrc and
 * bsrc with common) share identically may be a header or footer both carry:
 * when both works have enough text besides them, that text decides; when
 * one of them is little more than those lines, the whole overlap decides
 * (a short text copied whole must still be found). Fills the shared
 * shingles and score that decided. */
void orig_verify(const orig_doc_t *a, const char *asrc, const orig_doc_t *b, const char *bsrc, orig_common_fn common,
                 void *ctx, size_t *shared, int *score);
/* 1 when an overlap is a copy verdict. */
int orig_is_copy(size_t shared, int score);

/* Append a's plain text as escaped HTML, paragraphs as <p>, with the
 * passages it shares with b wrapped in <mark>. */
void orig_highlight(const orig_doc_t *a, const orig_doc_t *b, buf_t *out);

/* ---- the index and the check (SQL) ---- */

/* orig_doc_build with the common-line table of db deciding boilerplate, as
 * the check does (for comparison views). */
int orig_doc_build_db(orig_doc_t *d, db_t *db, const char *body);

typedef struct {
    char id[ORIG_ID_LEN + 1];
    int score; /* permille */
} orig_match_t;

typedef struct {
    int too_short; /* fewer shingles than a verdict needs: no check made */
    size_t nshingles;
    int ncandidates; /* verified */
    int n;           /* matches (copy verdicts), best first */
    orig_match_t m[ORIG_MAX_MATCHES];
    char source_id[ORIG_ID_LEN + 1]; /* earliest of the cluster, "" when n == 0 */
    int64_t bands[ORIG_BANDS];
    uint64_t edge[2 * ORIG_EDGE_LINES];
    int nedge;
} orig_result_t;

/* Check body (Markdown) by author_id against works published by other
 * creators before the work with publication sequence number before_seq
 * (provenance.pub_seq; 0 = every published work), excluding self_id (may be
 * NULL). A match that is itself a copy of author_id's own work is no match
 * (the author's text came first). Read-only. Returns 0 with *res filled, -1
 * on a storage error. */
int orig_check(db_t *db, const char *self_id, int64_t author_id, int64_t before_seq, const char *body,
               orig_result_t *res);

/* Record a published work's result inside the caller's transaction: its band
 * keys and head/tail lines go into the index (a too-short work is not
 * indexed), its matches and source into originality_match/provenance, and
 * on its first publication its sequence number (provenance.pub_seq).
 * old_body, when given, is the text indexed before (its band keys are
 * removed). Returns 0 or -1. */
int orig_record(db_t *db, const char *work_id, int64_t author_id, const char *old_body, const orig_result_t *res);

/* Index published works that have no record yet (a site upgraded from
 * before provenance), oldest first, so each is checked against those
 * published before it. Runs at `hao serve` start, before any request.
 * Returns the number indexed, or -1 on a storage error. */
long orig_backfill(db_t *db);

/* The tokeniser's version: "2" folds traditional characters to simplified
 * ones. A site indexed by an earlier version gets its published works'
 * band keys again under this one, once (orig_reband, at start, after
 * orig_backfill); the old keys stay as dead weight, since every candidate is
 * verified on its current text. */
#define ORIG_NORM_VERSION "2"
/* Returns the number of works re-keyed (0 when the site is at this
 * version already), or -1 on a storage error (tried again next start). */
long orig_reband(db_t *db);

/* Remove a work from the candidate index (unpublish, delete), given the body
 * it was indexed with. Its own match rows stay for moderators. 0 or -1. */
int orig_forget(db_t *db, const char *work_id, const char *body);

#endif
