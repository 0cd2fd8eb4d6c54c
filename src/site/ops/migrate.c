/*
 * migrate.c — `hao migrate-store`: move a site from SQLite (DIR/hao.db) to
 * PostgreSQL. See migrate.h.
 *
 * Both stores are open at once, so this module calls the two backends'
 * operation tables (db_backend.h) directly instead of db.h's dispatch.
 *
 * Order: tables are copied parents first (from SQLite's foreign-key lists),
 * every row inserted with ON CONFLICT DO NOTHING in batches of BATCH rows per
 * PostgreSQL transaction, so a run that stops half way is resumed by running
 * it again, and a row is never copied twice. The source is only read, inside
 * one read transaction (a consistent snapshot even while a server writes to
 * it; rows written after the snapshot are picked up by the next run, which
 * is why the final run should be made with the server stopped).
 *
 * With --s3-* flags the media go to an S3-compatible bucket too: every
 * object of the local store is uploaded (skipped when the bucket already has
 * it at the same size) and checked there by size.
 *
 * After the copy: identity sequences are moved past the copied ids, the
 * search index is rebuilt in PostgreSQL's form, and every table is verified
 * by row count and an order-independent checksum of its rows (the sum of a
 * 64-bit hash per row, each value as text). Only then is DIR/hao.conf
 * written, so the next start of `hao serve --data DIR` uses PostgreSQL.
 */
#include "site/ops/migrate.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/conf.h"
#include "db/db.h"
#include "db/db_backend.h"
#include "db/schema.h"
#include "media/store.h"
#include "search/search.h"

#define BATCH 1000
#define MAX_TABLES 64
#define MAX_COLS 48

typedef struct {
    char *name;
    int ncols;
    char *cols[MAX_COLS];
    int is_int[MAX_COLS];
    int identity; /* an INTEGER PRIMARY KEY named id: a PostgreSQL identity column */
    char *select_sql, *insert_sql, *count_sql;
    int ndeps;
    char *deps[MAX_TABLES];
    int done;
} table_t;

static const db_ops_t *S = &db_sqlite_ops, *P = &db_pg_ops;

/* Tables to copy: every table of the source but SQLite's own and the search
 * index (rebuilt in PostgreSQL's form instead). */
static int skip_table(const char *name)
{
    return strncmp(name, "sqlite_", 7) == 0 || strncmp(name, "search_", 7) == 0;
}

static int load_tables(struct db *src, table_t *t, int *n)
{
    *n = 0;
    struct db_stmt *st = S->prepare(src, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    while (S->step(st) == DB_ROW) {
        const char *name = S->col_text(st, 0);
        if (skip_table(name))
            continue;
        if (*n == MAX_TABLES) {
            S->done(st);
            fprintf(stderr, "hao: migrate-store: more than %d tables\n", MAX_TABLES);
            return -1;
        }
        memset(&t[*n], 0, sizeof t[*n]);
        t[(*n)++].name = xstrdup(name);
    }
    S->done(st);
    for (int i = 0; i < *n; i++) {
        st = S->prepare(src, "SELECT name, type, pk FROM pragma_table_info(:t) ORDER BY cid");
        S->bind_text(st, ":t", t[i].name);
        int pks = 0;
        while (S->step(st) == DB_ROW && t[i].ncols < MAX_COLS) {
            int c = t[i].ncols++;
            t[i].cols[c] = xstrdup(S->col_text(st, 0));
            t[i].is_int[c] = strcmp(S->col_text(st, 1), "INTEGER") == 0;
            if (S->col_int(st, 2)) {
                pks++;
                if (strcmp(t[i].cols[c], "id") == 0 && t[i].is_int[c])
                    t[i].identity = 1;
            }
        }
        S->done(st);
        if (pks != 1)
            t[i].identity = 0;
        st = S->prepare(src, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(:t)");
        S->bind_text(st, ":t", t[i].name);
        while (S->step(st) == DB_ROW && t[i].ndeps < MAX_TABLES)
            if (strcmp(S->col_text(st, 0), t[i].name) != 0)
                t[i].deps[t[i].ndeps++] = xstrdup(S->col_text(st, 0));
        S->done(st);

        /* Table and column names come from the schema itself, never from
         * input. Each statement text is kept until the end: the statement
         * caches key on it. */
        buf_t sel = BUF_INIT, ins = BUF_INIT, vals = BUF_INIT;
        buf_lit(&sel, "SELECT ");
        buf_printf(&ins, "INSERT INTO %s (", t[i].name);
        for (int c = 0; c < t[i].ncols; c++) {
            buf_printf(&sel, "%s%s", c ? ", " : "", t[i].cols[c]);
            buf_printf(&ins, "%s%s", c ? ", " : "", t[i].cols[c]);
            buf_printf(&vals, "%s:c%d", c ? ", " : "", c);
        }
        buf_printf(&sel, " FROM %s", t[i].name);
        buf_printf(&ins, ") VALUES (%s) ON CONFLICT DO NOTHING", buf_cstr(&vals));
        t[i].select_sql = xstrdup(buf_cstr(&sel));
        t[i].insert_sql = xstrdup(buf_cstr(&ins));
        buf_reset(&sel);
        buf_printf(&sel, "SELECT count(*) FROM %s", t[i].name);
        t[i].count_sql = xstrdup(buf_cstr(&sel));
        buf_free(&sel), buf_free(&ins), buf_free(&vals);
    }
    return 0;
}

static void free_tables(table_t *t, int n)
{
    for (int i = 0; i < n; i++) {
        free(t[i].name), free(t[i].select_sql), free(t[i].insert_sql), free(t[i].count_sql);
        for (int c = 0; c < t[i].ncols; c++)
            free(t[i].cols[c]);
        for (int d = 0; d < t[i].ndeps; d++)
            free(t[i].deps[d]);
    }
}

static int deps_done(const table_t *t, int n, const table_t *x)
{
    for (int d = 0; d < x->ndeps; d++)
        for (int i = 0; i < n; i++)
            if (strcmp(t[i].name, x->deps[d]) == 0 && !t[i].done)
                return 0;
    return 1;
}

/* Copy one table. Returns rows read, or -1. */
static long copy_table(struct db *src, struct db *dst, table_t *t)
{
    struct db_stmt *st = S->prepare(src, t->select_sql);
    long n = 0;
    int rc, ok = 1, in_tx = 0;
    while (ok && (rc = S->step(st)) == DB_ROW) {
        if (!in_tx) {
            if (P->begin(dst) < 0) {
                ok = 0;
                break;
            }
            in_tx = 1;
        }
        struct db_stmt *ins = P->prepare(dst, t->insert_sql);
        for (int c = 0; c < t->ncols; c++) {
            char name[16];
            snprintf(name, sizeof name, ":c%d", c);
            if (S->col_is_null(st, c))
                P->bind_null(ins, name);
            else if (t->is_int[c])
                P->bind_int(ins, name, S->col_int(st, c));
            else
                P->bind_textn(ins, name, S->col_text(st, c), S->col_len(st, c));
        }
        if (P->step(ins) < 0)
            ok = 0;
        P->done(ins);
        if (++n % BATCH == 0 && ok) {
            if (P->commit(dst) < 0)
                ok = 0;
            in_tx = 0;
        }
    }
    S->done(st);
    if (in_tx) {
        if (ok && P->commit(dst) < 0)
            ok = 0;
        if (!ok)
            P->rollback(dst);
    }
    return ok && rc != DB_ERROR ? n : -1;
}

/* Row count and an order-independent checksum of a table on one side. */
static int summarise(const db_ops_t *o, struct db *db, const table_t *t, int64_t *count, uint64_t *sum)
{
    *count = 0, *sum = 0;
    struct db_stmt *st = o->prepare(db, t->select_sql);
    int rc;
    while ((rc = o->step(st)) == DB_ROW) {
        crypto_generichash_state h;
        crypto_generichash_init(&h, NULL, 0, 16);
        for (int c = 0; c < t->ncols; c++) {
            unsigned char tag = o->col_is_null(st, c) ? 0 : 1;
            crypto_generichash_update(&h, &tag, 1);
            if (tag) {
                char num[24];
                const char *v = o->col_text(st, c);
                size_t len = o->col_len(st, c);
                if (t->is_int[c]) { /* the same digits from both stores */
                    snprintf(num, sizeof num, "%lld", (long long)o->col_int(st, c));
                    v = num, len = strlen(num);
                }
                uint64_t l = len;
                crypto_generichash_update(&h, (const unsigned char *)&l, sizeof l);
                crypto_generichash_update(&h, (const unsigned char *)v, len);
            }
        }
        unsigned char out[16];
        uint64_t r;
        crypto_generichash_final(&h, out, sizeof out);
        memcpy(&r, out, sizeof r);
        *sum += r;
        (*count)++;
    }
    o->done(st);
    return rc == DB_ERROR ? -1 : 0;
}

static int write_conf(const char *data_dir, const char *url, const migrate_media_t *m)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/hao.conf", data_dir);
    snprintf(tmp, sizeof tmp, "%s.partial", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    int ok = fprintf(f, "# written by hao migrate-store: this site lives in PostgreSQL now.\n"
                        "# The SQLite file hao.db beside it is the copy it was moved from.\n"
                        "database = %s\n",
                     url) > 0;
    if (m && m->endpoint)
        ok = fprintf(f, "media = s3\ns3_endpoint = %s\ns3_bucket = %s\ns3_region = %s\ns3_access_key = %s\n"
                        "s3_secret_key = %s\n",
                     m->endpoint, m->bucket, m->region ? m->region : "us-east-1", m->access_key,
                     m->secret_key) > 0 &&
             ok;
    ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) < 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* ---- media to S3 ---- */

typedef struct {
    store_t *local, *s3;
    long copied, failed;
} media_copy_t;

/* Upload one local object through a staged copy (the S3 store's put moves
 * the file it is given; the source must stay as it is), then check the
 * bucket holds it at the right size. */
static void copy_one(void *ctx, const char *key)
{
    media_copy_t *mc = ctx;
    char src[4200], tmp[4200];
    struct stat sb;
    if (mc->local->ops->path(mc->local, key, src, sizeof src) < 0 || stat(src, &sb) < 0) {
        mc->failed++;
        return;
    }
    long long have;
    if (store_s3_size(mc->s3, key, &have) == 0 && have == (long long)sb.st_size) {
        mc->copied++; /* already there (an earlier run) */
        return;
    }
    snprintf(tmp, sizeof tmp, "%s/migrate-XXXXXX", store_tmp_dir(mc->local));
    int out = mkstemp(tmp);
    FILE *in = fopen(src, "rb");
    int ok = out >= 0 && in;
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = write(out, buf, n) == (ssize_t)n;
    ok = ok && !ferror(in);
    if (in)
        fclose(in);
    if (out >= 0)
        close(out);
    buf_t err = BUF_INIT;
    if (ok && mc->s3->ops->put(mc->s3, key, tmp, &err) == 0 && store_s3_size(mc->s3, key, &have) == 0 &&
        have == (long long)sb.st_size) {
        mc->copied++;
    } else {
        fprintf(stderr, "hao: migrate-store: media %s: %s\n", key, err.len ? buf_cstr(&err) : "not copied");
        mc->failed++;
    }
    unlink(tmp); /* normally already moved */
    buf_free(&err);
}

static int copy_media(const char *data_dir, const migrate_media_t *m)
{
    conf_set("s3_endpoint", m->endpoint);
    conf_set("s3_bucket", m->bucket);
    conf_set("s3_region", m->region);
    conf_set("s3_access_key", m->access_key);
    conf_set("s3_secret_key", m->secret_key);
    buf_t err = BUF_INIT;
    media_copy_t mc = {0};
    if (store_open_local(data_dir, &mc.local, &err) < 0 || store_open_s3(data_dir, &mc.s3, &err) < 0) {
        fprintf(stderr, "hao: migrate-store: %s\n", buf_cstr(&err));
        buf_free(&err);
        return -1;
    }
    buf_free(&err);
    mc.local->ops->each(mc.local, copy_one, &mc);
    fprintf(stderr, "hao: migrate-store: media: %ld objects in the bucket and verified, %ld failed\n", mc.copied,
            mc.failed);
    return mc.failed ? -1 : 0;
}

int migrate_store_cli(const char *data_dir, const char *url, const migrate_media_t *media)
{
    if (sodium_init() < 0)
        return 1;
    char path[4096];
    snprintf(path, sizeof path, "%s/hao.db", data_dir);
    struct stat sb;
    if (stat(path, &sb) < 0) {
        fprintf(stderr, "hao: migrate-store: no SQLite site at %s\n", path);
        return 1;
    }
    buf_t err = BUF_INIT;
    struct db *src = NULL, *dst = NULL;
    int rc = 1, ntables = 0;
    table_t tables[MAX_TABLES];
    /* The source is brought to this hao's schema first (as `hao serve`
     * would), so both sides have the same tables and columns. */
    if (S->open(data_dir, 1, &src, &err) < 0) {
        fprintf(stderr, "hao: migrate-store: %s\n", buf_cstr(&err));
        goto out;
    }
    if (db_use_postgres(url) < 0 || P->open(NULL, 1, &dst, &err) < 0) {
        fprintf(stderr, "hao: migrate-store: %s\n", err.len ? buf_cstr(&err) : "--to needs a PostgreSQL URL");
        goto out;
    }
    if (load_tables(src, tables, &ntables) < 0)
        goto out;
    /* One read transaction: every table from the same snapshot. */
    if (S->exec(src, "BEGIN") < 0)
        goto out;
    for (int copied = 0; copied < ntables;) {
        int progress = 0;
        for (int i = 0; i < ntables; i++) {
            if (tables[i].done || !deps_done(tables, ntables, &tables[i]))
                continue;
            long n = copy_table(src, dst, &tables[i]);
            if (n < 0) {
                fprintf(stderr, "hao: migrate-store: copying %s failed; run again to resume\n", tables[i].name);
                S->exec(src, "ROLLBACK");
                goto out;
            }
            fprintf(stderr, "hao: migrate-store: %s: %ld rows\n", tables[i].name, n);
            tables[i].done = 1;
            copied++, progress = 1;
        }
        if (!progress) {
            fprintf(stderr, "hao: migrate-store: the tables' foreign keys form a cycle\n");
            S->exec(src, "ROLLBACK");
            goto out;
        }
    }
    /* New rows in PostgreSQL must get ids past the copied ones. */
    for (int i = 0; i < ntables; i++) {
        if (!tables[i].identity)
            continue;
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT setval(pg_get_serial_sequence('%s', 'id'), coalesce((SELECT max(id) FROM %s), 0) + 1, false)",
                 tables[i].name, tables[i].name);
        if (P->exec(dst, sql) < 0)
            goto rollback;
    }
    /* Verify every table before the site is pointed at PostgreSQL. */
    int bad = 0;
    for (int i = 0; i < ntables; i++) {
        int64_t cs, cd;
        uint64_t ss, sd;
        if (summarise(S, src, &tables[i], &cs, &ss) < 0 || summarise(P, dst, &tables[i], &cd, &sd) < 0) {
            bad = 1;
            continue;
        }
        if (cs != cd || ss != sd) {
            fprintf(stderr, "hao: migrate-store: %s differs: %lld rows here, %lld there%s\n", tables[i].name,
                    (long long)cs, (long long)cd, cs == cd ? " (same count, different content)" : "");
            bad = 1;
        }
    }
    S->exec(src, "ROLLBACK");
    if (bad) {
        fprintf(stderr, "hao: migrate-store: verification failed; the SQLite site is unchanged and still in use\n"
                        "hao: (rows changed in SQLite after an earlier run are not copied again: start from an "
                        "empty PostgreSQL database)\n");
        goto out;
    }
    long indexed = search_rebuild(dst);
    if (indexed < 0) {
        fprintf(stderr, "hao: migrate-store: rebuilding the search index failed; run again\n");
        goto out;
    }
    if (media && media->endpoint && copy_media(data_dir, media) < 0) {
        fprintf(stderr, "hao: migrate-store: the media did not all reach the bucket; the site stays on SQLite and "
                        "local media (run again to resume)\n");
        goto out;
    }
    if (write_conf(data_dir, url, media) < 0) {
        fprintf(stderr, "hao: migrate-store: cannot write %s/hao.conf: %s\n", data_dir, strerror(errno));
        goto out;
    }
    fprintf(stderr,
            "hao: migrate-store: %d tables copied and verified, %ld works indexed; %s/hao.conf now names the "
            "new store (restart hao serve)\n",
            ntables, indexed, data_dir);
    rc = 0;
    goto out;
rollback:
    S->exec(src, "ROLLBACK");
out:
    free_tables(tables, ntables);
    if (dst)
        P->close(dst);
    if (src)
        S->close(src);
    buf_free(&err);
    return rc;
}
