/*
 * db_sqlite.c — the SQLite implementation of db.h.
 *
 * The database lives in DIR/hao.db in WAL mode, so readers on every event
 * loop never wait for a writer and a writer never waits for readers. Writers
 * wait for each other through the busy handler (busy_wait, below). synchronous=NORMAL is safe in WAL
 * mode (a power cut may lose the last commits, never corrupt the file).
 *
 * Waiting writers poll in short steps (busy_wait): SQLite's own
 * busy_timeout sleeps 1, 2, 5, 10, 15, 20 ms... between tries, so a writer
 * that lost one race to a short transaction (a like, a comment: well under
 * a millisecond) waited tens of milliseconds for nothing. That was the tail
 * of the comment POST latency under load (issue 12).
 */
#define DB_NAME(n) sqlite_db_##n
#include "db/db_backend.h"
#include "db/db.h"
#include "db/fts_sqlite.h"
#include "db/schema.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/alloc.h"

#define CACHE_SLOTS 128

struct db_stmt {
    sqlite3_stmt *st;
    const char *sql; /* key: statements are cached by SQL text */
    db_t *db;
    int busy;        /* handed out and not yet db_done() */
};

struct db {
    sqlite3 *h;
    char *path;
    db_stmt_t cache[CACHE_SLOTS];
    int ncache;
};

static int run(db_t *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "hao: db: %s\n  in: %.200s\n", msg ? msg : "?", sql);
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int migrate(db_t *db, buf_t *err)
{
    sqlite3_stmt *st;
    int version = 0;
    if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            version = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (version > (int)schema_migrations_count) {
        buf_printf(err, "the database is at schema version %d, newer than this hao (%zu); upgrade hao",
                   version, schema_migrations_count);
        return -1;
    }
    for (size_t v = (size_t)version; v < schema_migrations_count; v++) {
        if (run(db, "BEGIN IMMEDIATE") < 0) {
            buf_printf(err, "cannot lock the database to migrate it: %s", sqlite3_errmsg(db->h));
            return -1;
        }
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%zu", v + 1);
        if (run(db, schema_migrations[v]) < 0 || run(db, pragma) < 0) {
            buf_printf(err, "migration %zu failed: %s", v + 1, sqlite3_errmsg(db->h));
            run(db, "ROLLBACK");
            return -1;
        }
        if (run(db, "COMMIT") < 0) {
            buf_printf(err, "migration %zu did not commit: %s", v + 1, sqlite3_errmsg(db->h));
            return -1;
        }
    }
    return 0;
}

/* The busy handler: try again after 50 us, doubling up to 1 ms, for at
 * most BUSY_MS in all (as busy_timeout did); 0 gives up (SQLITE_BUSY).
 * A connection is used by one thread at a time: the wait's start is the
 * thread's. */
#define BUSY_MS 5000
static _Thread_local struct timespec busy_since;
static int busy_wait(void *arg, int count)
{
    (void)arg;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (count == 0)
        busy_since = now;
    else if ((now.tv_sec - busy_since.tv_sec) * 1000L + (now.tv_nsec - busy_since.tv_nsec) / 1000000L > BUSY_MS)
        return 0;
    long us = count < 5 ? 50L << count : 1000L; /* 50, 100, 200, 400, 800 us, then 1 ms */
    struct timespec ts = {0, us * 1000L};
    nanosleep(&ts, NULL);
    return 1;
}

int db_open(const char *dir, int do_migrate, db_t **out, buf_t *err)
{
    *out = NULL;
    if (mkdir(dir, 0750) < 0) {
        struct stat sb;
        if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
            buf_printf(err, "cannot use data directory %s", dir);
            return -1;
        }
    }
    db_t *db = xcalloc(1, sizeof(*db));
    size_t n = strlen(dir) + 16;
    db->path = xmalloc(n);
    snprintf(db->path, n, "%s/hao.db", dir);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(db->path, &db->h, flags, NULL) != SQLITE_OK) {
        buf_printf(err, "cannot open %s: %s", db->path, db->h ? sqlite3_errmsg(db->h) : "out of memory");
        db_close(db);
        return -1;
    }
    sqlite3_busy_handler(db->h, busy_wait, NULL);
    sqlite3_extended_result_codes(db->h, 0);
    if (run(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                "PRAGMA temp_store=MEMORY;") < 0) {
        buf_printf(err, "cannot set up %s: %s (is it a SQLite database?)", db->path, sqlite3_errmsg(db->h));
        db_close(db);
        return -1;
    }
    /* The search index's FTS5 table names hao's tokenizer: register it on
     * every connection, before migrations create or read that table. */
    if (fts_register(db->h) != SQLITE_OK) {
        buf_printf(err, "cannot register the search tokenizer (SQLite without FTS5?): %s", sqlite3_errmsg(db->h));
        db_close(db);
        return -1;
    }
    if (do_migrate && migrate(db, err) < 0) {
        db_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

void db_close(db_t *db)
{
    if (!db)
        return;
    for (int i = 0; i < db->ncache; i++)
        sqlite3_finalize(db->cache[i].st);
    if (db->h)
        sqlite3_close(db->h);
    free(db->path);
    free(db);
}

const char *db_path(db_t *db)
{
    return db->path;
}

db_stmt_t *db_prepare(db_t *db, const char *sql)
{
    for (int i = 0; i < db->ncache; i++) {
        db_stmt_t *c = &db->cache[i];
        if (!c->busy && (c->sql == sql || strcmp(c->sql, sql) == 0)) {
            c->busy = 1;
            return c;
        }
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        /* A query that does not prepare is a bug in hao, not bad input. */
        fprintf(stderr, "hao: db: cannot prepare: %s\n  in: %s\n", sqlite3_errmsg(db->h), sql);
        abort();
    }
    if (db->ncache < CACHE_SLOTS) {
        db_stmt_t *c = &db->cache[db->ncache++];
        c->st = st;
        c->sql = sql;
        c->db = db;
        c->busy = 1;
        return c;
    }
    /* Cache full: an uncached statement, finalized by db_done(). */
    db_stmt_t *c = xcalloc(1, sizeof(*c));
    c->st = st;
    c->sql = NULL;
    c->db = db;
    c->busy = 1;
    return c;
}

static int param(db_stmt_t *st, const char *name)
{
    int i = sqlite3_bind_parameter_index(st->st, name);
    if (i == 0) {
        fprintf(stderr, "hao: db: no parameter %s in: %s\n", name, sqlite3_sql(st->st));
        abort();
    }
    return i;
}

void db_bind_text(db_stmt_t *st, const char *name, const char *v)
{
    if (!v)
        sqlite3_bind_null(st->st, param(st, name));
    else
        sqlite3_bind_text(st->st, param(st, name), v, -1, SQLITE_TRANSIENT);
}

void db_bind_textn(db_stmt_t *st, const char *name, const char *v, size_t n)
{
    sqlite3_bind_text(st->st, param(st, name), v ? v : "", (int)n, SQLITE_TRANSIENT);
}

void db_bind_int(db_stmt_t *st, const char *name, int64_t v)
{
    sqlite3_bind_int64(st->st, param(st, name), v);
}

void db_bind_null(db_stmt_t *st, const char *name)
{
    sqlite3_bind_null(st->st, param(st, name));
}

int db_step(db_stmt_t *st)
{
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    if (rc == SQLITE_CONSTRAINT)
        return DB_CONSTRAINT;
    fprintf(stderr, "hao: db: %s\n  in: %s\n", sqlite3_errmsg(st->db->h), sqlite3_sql(st->st));
    return DB_ERROR;
}

int64_t db_col_int(db_stmt_t *st, int col)
{
    return sqlite3_column_int64(st->st, col);
}

double db_col_double(db_stmt_t *st, int col)
{
    return sqlite3_column_double(st->st, col);
}

const char *db_col_text(db_stmt_t *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st->st, col);
    return t ? (const char *)t : "";
}

size_t db_col_len(db_stmt_t *st, int col)
{
    return (size_t)sqlite3_column_bytes(st->st, col);
}

int db_col_is_null(db_stmt_t *st, int col)
{
    return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

void db_done(db_stmt_t *st)
{
    if (!st)
        return;
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
    if (!st->sql) {
        sqlite3_finalize(st->st);
        free(st);
        return;
    }
    st->busy = 0;
}

int db_exec(db_t *db, const char *sql)
{
    return run(db, sql);
}

int db_begin(db_t *db)
{
    return run(db, "BEGIN IMMEDIATE");
}

int db_commit(db_t *db)
{
    return run(db, "COMMIT");
}

void db_rollback(db_t *db)
{
    if (!sqlite3_get_autocommit(db->h))
        run(db, "ROLLBACK");
}

int64_t db_changes(db_t *db)
{
    return sqlite3_changes(db->h);
}

int db_backup(db_t *db, const char *out, buf_t *err)
{
    sqlite3 *dst;
    if (sqlite3_open_v2(out, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        buf_printf(err, "cannot create %s: %s", out, dst ? sqlite3_errmsg(dst) : "out of memory");
        sqlite3_close(dst);
        return -1;
    }
    /* One step copies every page under one read transaction: a consistent
     * snapshot even while the server keeps writing. */
    sqlite3_backup *bk = sqlite3_backup_init(dst, "main", db->h, "main");
    int rc = bk ? sqlite3_backup_step(bk, -1) : SQLITE_ERROR;
    if (bk)
        sqlite3_backup_finish(bk);
    if (rc != SQLITE_DONE) {
        buf_printf(err, "backup failed: %s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return -1;
    }
    sqlite3_close(dst);
    return 0;
}

int db_check(db_t *db, buf_t *report)
{
    int bad = 0;
    static const char *checks[] = {"PRAGMA integrity_check", "PRAGMA foreign_key_check"};
    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db->h, checks[i], -1, &st, NULL) != SQLITE_OK) {
            buf_printf(report, "%s: %s\n", checks[i], sqlite3_errmsg(db->h));
            return -1;
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            if (i == 0 && t && strcmp(t, "ok") == 0)
                continue;
            bad = 1;
            if (i == 0)
                buf_printf(report, "integrity: %s\n", t ? t : "?");
            else
                buf_printf(report, "foreign key: table %s row %lld refers to a missing %s row\n",
                           (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
                           (const char *)sqlite3_column_text(st, 2));
        }
        sqlite3_finalize(st);
    }
    return bad ? -1 : 0;
}

/* wal_autocheckpoint=0: this connection's commits never copy the WAL back
 * (db.h); the background db_checkpoint() does. Connections not so marked
 * (command-line tools, the pool) keep SQLite's default of 1000 pages, so a
 * long import without a server running still keeps its WAL short. */
void db_defer_checkpoints(db_t *db)
{
    run(db, "PRAGMA wal_autocheckpoint=0");
}

/* PASSIVE: copy the frames no reader still needs, without waiting for
 * readers or writers and without making them wait (so never a busy error).
 * A writer restarts the WAL from its start once a checkpoint has copied it
 * all, which keeps the file from growing while the site is busy. */
int db_checkpoint(db_t *db)
{
    int rc = sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return rc == SQLITE_OK || rc == SQLITE_BUSY ? 0 : -1;
}

const db_ops_t db_sqlite_ops = DB_OPS_INIT("sqlite");

int64_t db_memory_used(void)
{
    return sqlite3_memory_used();
}
