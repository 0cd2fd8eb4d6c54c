/*
 * db.c — db.h's functions, dispatched to the backend chosen at start-up.
 *
 * The choice is made once, before any connection is opened and before any
 * thread starts (db_use_postgres), so reading it needs no synchronisation.
 * Everything a module calls goes through here; backends never see each
 * other. The settings helpers are written once, on top of the interface.
 */
#include "db/db.h"
#include "db/db_backend.h"
#include "core/conf.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "core/alloc.h"

static const db_ops_t *ops = &db_sqlite_ops;
static char *pg_conninfo;

int db_use_postgres(const char *conninfo)
{
    if (!conninfo || !*conninfo)
        return -1;
    free(pg_conninfo);
    pg_conninfo = xstrdup(conninfo);
    ops = &db_pg_ops;
    return 0;
}

int db_configure(const char *data_dir, const char *pg_flag, buf_t *err)
{
    if (conf_load(data_dir, err) < 0)
        return -1;
    if (pg_flag)
        return db_use_postgres(pg_flag) < 0 ? (buf_lit(err, "--pg needs a PostgreSQL URL"), -1) : 0;
    const char *url = conf_get("database");
    return url ? db_use_postgres(url) : 0;
}

const char *db_postgres_conninfo(void)
{
    return pg_conninfo;
}

const char *db_backend_name(void)
{
    return ops->name;
}

int db_open(const char *dir, int migrate, db_t **out, buf_t *err)
{
    return ops->open(dir, migrate, out, err);
}
void db_close(db_t *db)
{
    ops->close(db);
}
const char *db_path(db_t *db)
{
    return ops->path(db);
}
db_stmt_t *db_prepare(db_t *db, const char *sql)
{
    return ops->prepare(db, sql);
}
void db_bind_text(db_stmt_t *st, const char *name, const char *v)
{
    ops->bind_text(st, name, v);
}
void db_bind_textn(db_stmt_t *st, const char *name, const char *v, size_t n)
{
    ops->bind_textn(st, name, v, n);
}
void db_bind_int(db_stmt_t *st, const char *name, int64_t v)
{
    ops->bind_int(st, name, v);
}
void db_bind_null(db_stmt_t *st, const char *name)
{
    ops->bind_null(st, name);
}
void db_bind_id(db_stmt_t *st, const char *name, int64_t id)
{
    if (id)
        ops->bind_int(st, name, id);
    else
        ops->bind_null(st, name);
}
/* Time in db_step, all threads, for /metrics (ops): relaxed atomics. */
static _Atomic uint64_t step_ns, step_n;

int db_step(db_stmt_t *st)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int rc = ops->step(st);
    clock_gettime(CLOCK_MONOTONIC, &b);
    uint64_t ns = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u + (uint64_t)b.tv_nsec - (uint64_t)a.tv_nsec;
    atomic_fetch_add_explicit(&step_ns, ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&step_n, 1, memory_order_relaxed);
    return rc;
}

void db_time(uint64_t *ns, uint64_t *steps)
{
    *ns = atomic_load_explicit(&step_ns, memory_order_relaxed);
    *steps = atomic_load_explicit(&step_n, memory_order_relaxed);
}
int64_t db_col_int(db_stmt_t *st, int col)
{
    return ops->col_int(st, col);
}
double db_col_double(db_stmt_t *st, int col)
{
    return ops->col_double(st, col);
}
const char *db_col_text(db_stmt_t *st, int col)
{
    return ops->col_text(st, col);
}
size_t db_col_len(db_stmt_t *st, int col)
{
    return ops->col_len(st, col);
}
int db_col_is_null(db_stmt_t *st, int col)
{
    return ops->col_is_null(st, col);
}
void db_done(db_stmt_t *st)
{
    if (st)
        ops->done(st);
}
int db_exec(db_t *db, const char *sql)
{
    return ops->exec(db, sql);
}
/* The outer transaction of db_begin_all (db.h): per thread, since a
 * connection belongs to one thread. */
static _Thread_local db_t *all_db;
static _Thread_local int all_depth, all_failed;

int db_begin(db_t *db)
{
    if (db == all_db) {
        if (all_failed || ops->exec(db, "SAVEPOINT hao_nested") < 0)
            return -1;
        all_depth++;
        return 0;
    }
    return ops->begin(db);
}
int db_commit(db_t *db)
{
    if (db == all_db) {
        if (all_depth == 0) { /* a commit outside any begin: a bug, refused */
            all_failed = 1;
            return -1;
        }
        all_depth--;
        if (ops->exec(db, "RELEASE SAVEPOINT hao_nested") < 0) {
            all_failed = 1;
            return -1;
        }
        return 0;
    }
    return ops->commit(db);
}
void db_rollback(db_t *db)
{
    if (db == all_db) {
        if (all_depth == 0) { /* after a failed RELEASE, or stray */
            all_failed = 1;
            return;
        }
        all_depth--;
        if (ops->exec(db, "ROLLBACK TO SAVEPOINT hao_nested") < 0 ||
            ops->exec(db, "RELEASE SAVEPOINT hao_nested") < 0)
            all_failed = 1;
        return;
    }
    ops->rollback(db);
}
int db_begin_all(db_t *db)
{
    if (all_db || ops->begin(db) < 0)
        return -1;
    all_db = db;
    all_depth = 0;
    all_failed = 0;
    return 0;
}
int db_commit_all(db_t *db)
{
    if (db != all_db)
        return -1;
    all_db = NULL;
    if (all_failed || all_depth != 0 || ops->commit(db) < 0) {
        ops->rollback(db);
        return -1;
    }
    return 0;
}
void db_rollback_all(db_t *db)
{
    if (db != all_db)
        return;
    all_db = NULL;
    ops->rollback(db);
}
int64_t db_changes(db_t *db)
{
    return ops->changes(db);
}
int db_backup(db_t *db, const char *out, buf_t *err)
{
    return ops->backup(db, out, err);
}
int db_check(db_t *db, buf_t *report)
{
    return ops->check(db, report);
}

void db_defer_checkpoints(db_t *db)
{
    ops->defer_checkpoints(db);
}

int db_checkpoint(db_t *db)
{
    return ops->checkpoint(db);
}

int db_watch_start(void (*on_change)(const char *work_id), buf_t *err)
{
    return ops == &db_pg_ops ? pg_watch_start(on_change, err) : 0;
}
void db_watch_signal(const char *work_id)
{
    if (ops == &db_pg_ops)
        pg_watch_signal(work_id);
}
void db_watch_stop(void)
{
    if (ops == &db_pg_ops)
        pg_watch_stop();
}

int db_schema_version(db_t *db)
{
    db_stmt_t *st = db_prepare(db, ops == &db_pg_ops ? "SELECT coalesce(max(version), 0) FROM hao_schema"
                                                     : "PRAGMA user_version");
    int v = db_step(st) == DB_ROW ? (int)db_col_int(st, 0) : -1;
    db_done(st);
    return v;
}

char *db_setting(db_t *db, const char *key, const char *def)
{
    db_stmt_t *st = db_prepare(db, "SELECT value FROM settings WHERE key = :key");
    db_bind_text(st, ":key", key);
    char *v = NULL;
    if (db_step(st) == DB_ROW)
        v = xstrdup(db_col_text(st, 0));
    else if (def)
        v = xstrdup(def);
    db_done(st);
    return v;
}

int db_set_setting(db_t *db, const char *key, const char *value)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO settings(key, value) VALUES (:key, :value) "
                                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    db_bind_text(st, ":key", key);
    db_bind_text(st, ":value", value);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}
