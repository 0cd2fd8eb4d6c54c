/*
 * provenance_gen.c — benchmark driver for the originality check (bench/provenance.sh).
 *
 *   build/bench-provenance DATA_DIR N_EARLIER [N_QUERIES]
 *
 * Fills a fresh hao database (hao's own migrations and db.h) with N_EARLIER
 * published works by 1,000 creators: most carry random MinHash signatures
 * (their band keys made by orig_bands(), as publishing would store them),
 * 600 carry real text (articles of 6 fortunes-zh sayings each) indexed through
 * orig_check()/orig_record(), so copies of them exercise verification. Then
 * times orig_check() — the check a publish runs — for N_QUERIES texts by a new
 * creator: half rewritten copies of indexed works (sentences reordered, 5%
 * of characters swapped), half new articles. Prints one line of key=value
 * figures for the script.
 *
 * Bulk loading is SQLite-specific (journal off while loading, keys inserted
 * in sorted order); the check itself runs exactly as in the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "provenance/originality.h"
#include "search/search.h"

#define AUTHORS 1000
#define REAL 600 /* real articles (6 sayings each: fortunes-zh has ~5,000) */
#define PER 6
#define FORTUNES "/usr/share/games/fortunes/chinese"

static uint64_t rng = 0x123456789abcdefULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void work_id(uint64_t i, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)(i * 0x9e3779b97f4a7c15ULL));
}

typedef struct {
    int64_t key;
    uint32_t work;
} pair_t;

static int cmp_pair(const void *a, const void *b)
{
    const pair_t *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* fortunes-zh sayings, as a list of strings. */
static char **read_sayings(int *n)
{
    FILE *f = fopen(FORTUNES, "rb");
    if (!f)
        return NULL;
    char **v = NULL, line[4096];
    int cap = 0;
    buf_t cur = BUF_INIT;
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '%') {
            if (cur.len > 30) {
                if (*n == cap)
                    v = realloc(v, (size_t)(cap = cap ? cap * 2 : 1024) * sizeof *v);
                v[(*n)++] = strdup(buf_cstr(&cur));
            }
            buf_reset(&cur);
            continue;
        }
        for (char *p = line; *p; p++) {
            if (*p == '\x1b') {
                while (*p && *p != 'm')
                    p++;
                if (!*p)
                    break;
                continue;
            }
            buf_ch(&cur, *p);
        }
    }
    buf_free(&cur);
    fclose(f);
    return v;
}

static void article(buf_t *b, char **say, int nsay, int first, int count)
{
    for (int i = 0; i < count; i++) {
        buf_rawz(b, say[(first + i) % nsay]);
        buf_lit(b, "\n\n");
    }
}

/* A 洗稿 of text: sentence order reversed within paragraphs, 5% of the
 * CJK characters swapped. */
static void rewrite(buf_t *out, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *e = strstr(p, "\n\n");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        /* split on 。 and emit in reverse */
        const char *cuts[256];
        int nc = 0;
        cuts[nc++] = p;
        for (const char *q = p; q < p + n && nc < 255; q++)
            if (!strncmp(q, "。", 3))
                cuts[nc++] = q + 3;
        cuts[nc] = p + n;
        for (int k = nc - 1; k >= 0; k--) {
            for (const char *q = cuts[k]; q < (k + 1 <= nc ? cuts[k + 1] : p + n);) {
                unsigned char c = (unsigned char)*q;
                if (c >= 0xe4 && c <= 0xe9 && next() % 100 < 5) {
                    buf_rawz(out, "乙");
                    q += 3;
                } else {
                    buf_ch(out, *q++);
                }
            }
        }
        buf_lit(out, "\n\n");
        p += n;
        while (*p == '\n')
            p++;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    search_init(); /* the SQLite store's tokenizer (db/fts_sqlite.h) */
    if (argc < 3) {
        fprintf(stderr, "usage: %s DATA_DIR N_EARLIER [N_QUERIES]\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    long n = strtol(argv[2], NULL, 10);
    int nq = argc > 3 ? atoi(argv[3]) : 200;
    if (n < REAL * 2 || nq < 2) {
        fprintf(stderr, "N_EARLIER must be at least %d\n", REAL * 2);
        return 2;
    }
    int nsay;
    char **say = read_sayings(&nsay);
    if (!say || nsay < 3000) {
        fprintf(stderr, "fortunes-zh is needed (%s)\n", FORTUNES);
        return 1;
    }
    db_t *db;
    buf_t err = BUF_INIT;
    if (db_open(dir, 1, &db, &err) < 0) {
        fprintf(stderr, "%s\n", buf_cstr(&err));
        return 1;
    }
    double t0 = now_ms(), t_fake = 0;
    const char *reuse = getenv("PROV_REUSE"); /* query an already loaded DATA_DIR */
    long nfake = n - REAL;
    if (reuse)
        goto loaded;
    /* Bulk load: no journal, one transaction. */
    db_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");
    db_exec(db, "BEGIN");
    for (int a = 1; a <= AUTHORS + 1; a++) {
        db_stmt_t *st = db_prepare(db, "INSERT INTO users(id, handle, display_name, role, pass_hash, created_at) "
                                       "VALUES (:id, :h, :h, 'creator', 'x', 0)");
        char h[32];
        snprintf(h, sizeof h, "u%d", a);
        db_bind_int(st, ":id", a);
        db_bind_text(st, ":h", h);
        db_step(st);
        db_done(st);
    }
    pair_t *pairs = malloc((size_t)nfake * ORIG_BANDS * sizeof *pairs);
    if (!pairs)
        return 1;
    for (long i = 0; i < n; i++) {
        char id[17];
        work_id((uint64_t)i + 1, id);
        db_stmt_t *st = db_prepare(db, "INSERT INTO works(id, author_id, title, body, status, content_hash, "
                                       "created_at, updated_at, published_at) VALUES (:id, :a, 't', '', "
                                       "'published', :id, :t, :t, :t)");
        db_bind_text(st, ":id", id);
        db_bind_int(st, ":a", 1 + (int64_t)(i % AUTHORS));
        db_bind_int(st, ":t", 1700000000 + i);
        db_step(st);
        db_done(st);
        if (i < nfake) {
            st = db_prepare(db,
                            "INSERT INTO provenance(work_id, shingles, checked_at, pub_seq) VALUES (:id, 500, 0, :s)");
            db_bind_text(st, ":id", id);
            db_bind_int(st, ":s", i + 1);
            db_step(st);
            db_done(st);
            uint64_t sig[ORIG_PERM];
            for (int k = 0; k < ORIG_PERM; k++)
                sig[k] = next();
            int64_t keys[ORIG_BANDS];
            orig_bands(sig, keys);
            for (int b = 0; b < ORIG_BANDS; b++)
                pairs[i * ORIG_BANDS + b] = (pair_t){keys[b], (uint32_t)i};
        }
    }
    qsort(pairs, (size_t)nfake * ORIG_BANDS, sizeof *pairs, cmp_pair);
    for (long k = 0; k < nfake * ORIG_BANDS; k++) {
        char id[17];
        work_id((uint64_t)pairs[k].work + 1, id);
        db_stmt_t *st = db_prepare(db, "INSERT INTO originality_band(band_key, work_id) VALUES (:k, :id) "
                                       "ON CONFLICT DO NOTHING");
        db_bind_int(st, ":k", pairs[k].key);
        db_bind_text(st, ":id", id);
        db_step(st);
        db_done(st);
    }
    free(pairs);
    db_exec(db, "COMMIT");
    t_fake = now_ms() - t0;
    /* Real works: articles of PER sayings, indexed the way publishing does. */
    db_exec(db, "BEGIN");
    for (long r = 0; r < REAL; r++) {
        long i = nfake + r;
        char id[17];
        work_id((uint64_t)i + 1, id);
        buf_t t = BUF_INIT;
        article(&t, say, nsay, (int)(r * PER), PER);
        db_stmt_t *st = db_prepare(db, "UPDATE works SET body = :b WHERE id = :id");
        db_bind_text(st, ":b", buf_cstr(&t));
        db_bind_text(st, ":id", id);
        db_step(st);
        db_done(st);
        orig_result_t res;
        orig_check(db, id, 1 + (int64_t)(i % AUTHORS), 0, buf_cstr(&t), &res);
        orig_record(db, id, 1 + (int64_t)(i % AUTHORS), NULL, &res);
        buf_free(&t);
    }
    db_exec(db, "COMMIT");
    db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-2000;");
loaded:;
    double t_load = now_ms() - t0;
    /* Close and reopen, as a server would have it: default page cache. */
    db_close(db);
    if (db_open(dir, 0, &db, &err) < 0) {
        fprintf(stderr, "%s\n", buf_cstr(&err));
        return 1;
    }
    /* The queries: rewritten copies of indexed real works, and new articles. */
    double *ms = calloc((size_t)nq, sizeof *ms), *cpu = calloc((size_t)nq, sizeof *cpu);
    int found = 0, copies = 0, false_flags = 0, cands = 0;
    double verify_ms = 0;
    for (int q = 0; q < nq; q++) {
        buf_t t = BUF_INIT, c = BUF_INIT;
        long r = (long)(next() % REAL);
        int is_copy = q % 2 == 0;
        if (is_copy) {
            article(&t, say, nsay, (int)(r * PER), PER);
            rewrite(&c, buf_cstr(&t));
        } else {
            /* New text: sayings not used by any indexed article. */
            int fresh = (nsay - REAL * PER) / PER;
            article(&c, say, nsay, REAL * PER + ((q / 2) % fresh) * PER, PER);
        }
        char want[17];
        work_id((uint64_t)(nfake + r) + 1, want);
        orig_result_t res;
        double a = now_ms();
        struct timespec c0, c1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
        orig_check(db, NULL, AUTHORS + 1, 0, buf_cstr(&c), &res);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
        ms[q] = now_ms() - a;
        cpu[q] = (c1.tv_sec - c0.tv_sec) * 1e3 + (c1.tv_nsec - c0.tv_nsec) / 1e6;
        if (getenv("PROV_SLOW") && ms[q] > 3)
            fprintf(stderr, "slow: query %d (%s) %.2f ms, %d candidates, %zu shingles\n", q, is_copy ? "copy" : "new",
                    ms[q], res.ncandidates, res.nshingles);
        cands += res.ncandidates;
        if (is_copy) {
            copies++;
            verify_ms += ms[q];
            int hit = 0;
            for (int k = 0; k < res.n; k++)
                hit |= strcmp(res.m[k].id, want) == 0;
            found += hit;
            false_flags += res.n - hit;
            if (!hit && getenv("PROV_SLOW")) {
                /* Why a copy was missed: never a candidate, or below the threshold. */
                db_stmt_t *st = db_prepare(db, "SELECT body FROM works WHERE id = :id");
                db_bind_text(st, ":id", want);
                if (db_step(st) == DB_ROW) {
                    orig_doc_t x, y;
                    orig_doc_build(&x, buf_cstr(&c), c.len, NULL, NULL);
                    orig_doc_build(&y, db_col_text(st, 0), db_col_len(st, 0), NULL, NULL);
                    size_t sh;
                    int sc;
                    orig_overlap(&x, &y, &sh, &sc);
                    fprintf(stderr, "missed copy: %zu shared shingles, score %d, %d candidates verified\n", sh, sc,
                            res.ncandidates);
                    orig_doc_free(&x);
                    orig_doc_free(&y);
                }
                db_done(st);
            }
            for (int k = 0; k < res.n && getenv("PROV_SLOW"); k++) {
                if (strcmp(res.m[k].id, want) == 0)
                    continue;
                db_stmt_t *st = db_prepare(db, "SELECT body FROM works WHERE id = :id");
                db_bind_text(st, ":id", res.m[k].id);
                if (db_step(st) == DB_ROW)
                    fprintf(stderr, "copy also flagged (%d permille):\n--- copy:\n%.300s\n--- other:\n%.300s\n",
                            res.m[k].score, buf_cstr(&c), db_col_text(st, 0));
                db_done(st);
            }
        } else {
            false_flags += res.n;
            if (res.n && getenv("PROV_SLOW")) {
                /* Show what a new article was flagged for. */
                db_stmt_t *st = db_prepare(db, "SELECT body FROM works WHERE id = :id");
                db_bind_text(st, ":id", res.m[0].id);
                if (db_step(st) == DB_ROW)
                    fprintf(stderr, "flagged (%d permille):\n--- new:\n%.600s\n--- indexed:\n%.600s\n", res.m[0].score,
                            buf_cstr(&c), db_col_text(st, 0));
                db_done(st);
            }
        }
        buf_free(&t);
        buf_free(&c);
    }
    double sum = 0;
    for (int q = 0; q < nq; q++)
        sum += ms[q];
    qsort(ms, (size_t)nq, sizeof *ms, cmp_double);
    qsort(cpu, (size_t)nq, sizeof *cpu, cmp_double);
    double cpu_sum = 0;
    for (int q = 0; q < nq; q++)
        cpu_sum += cpu[q];
    int i99 = (nq * 99) / 100 < nq ? (nq * 99) / 100 : nq - 1;
    /* Resident memory now (the load's sort buffer is long freed, but the
     * allocator may keep some of it: VmRSS is an upper bound). */
    long rss_kb = 0;
    FILE *sf = fopen("/proc/self/status", "r");
    char line[256];
    while (sf && fgets(line, sizeof line, sf))
        if (!strncmp(line, "VmRSS:", 6))
            rss_kb = strtol(line + 6, NULL, 10);
    if (sf)
        fclose(sf);
    printf("works=%ld load_s=%.1f fake_load_s=%.1f queries=%d mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f "
           "cpu_mean_ms=%.3f cpu_p99_ms=%.3f "
           "copy_mean_ms=%.3f recall=%d/%d false_flags=%d candidates_verified=%d rss_kb=%ld\n",
           n, t_load / 1e3, t_fake / 1e3, nq, sum / nq, ms[nq / 2], ms[i99], ms[nq - 1], cpu_sum / nq, cpu[i99],
           verify_ms / (copies ? copies : 1), found, copies, false_flags, cands, rss_kb);
    free(ms);
    free(cpu);
    for (int i = 0; i < nsay; i++)
        free(say[i]);
    free(say);
    db_close(db);
    buf_free(&err);
    return 0;
}
