/*
 * db_backend.h — how a storage backend plugs in behind db.h.
 *
 * db.c implements db.h by calling the backend chosen once at start-up
 * (db_use_postgres() before the first db_open(); SQLite otherwise). Each
 * backend file implements the very functions db.h declares, under its own
 * names: it defines DB_NAME(n) and includes this header first, which renames
 * db_open to sqlite_db_open (say) for that file only, and at its end it
 * fills a db_ops_t with them. So a backend reads as a plain implementation
 * of db.h, and the two can be linked into one binary.
 */
#ifndef HAO_DB_BACKEND_H
#define HAO_DB_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct db;
struct db_stmt;

typedef struct {
    const char *name;
    int (*open)(const char *dir, int migrate, struct db **out, buf_t *err);
    void (*close)(struct db *db);
    const char *(*path)(struct db *db);
    struct db_stmt *(*prepare)(struct db *db, const char *sql);
    void (*bind_text)(struct db_stmt *st, const char *name, const char *v);
    void (*bind_textn)(struct db_stmt *st, const char *name, const char *v, size_t n);
    void (*bind_int)(struct db_stmt *st, const char *name, int64_t v);
    void (*bind_null)(struct db_stmt *st, const char *name);
    int (*step)(struct db_stmt *st);
    int64_t (*col_int)(struct db_stmt *st, int col);
    double (*col_double)(struct db_stmt *st, int col);
    const char *(*col_text)(struct db_stmt *st, int col);
    size_t (*col_len)(struct db_stmt *st, int col);
    int (*col_is_null)(struct db_stmt *st, int col);
    void (*done)(struct db_stmt *st);
    int (*exec)(struct db *db, const char *sql);
    int (*begin)(struct db *db);
    int (*commit)(struct db *db);
    void (*rollback)(struct db *db);
    int64_t (*changes)(struct db *db);
    int (*backup)(struct db *db, const char *out, buf_t *err);
    int (*check)(struct db *db, buf_t *report);
    void (*defer_checkpoints)(struct db *db);
    int (*checkpoint)(struct db *db);
} db_ops_t;

extern const db_ops_t db_sqlite_ops;
extern const db_ops_t db_pg_ops;

/* PostgreSQL's LISTEN/NOTIFY watcher behind db_watch_* (db_pg.c). */
int pg_watch_start(void (*on_change)(const char *work_id), buf_t *err);
void pg_watch_signal(const char *work_id);
void pg_watch_stop(void);

#ifdef DB_NAME
#define db_open DB_NAME(open)
#define db_close DB_NAME(close)
#define db_path DB_NAME(path)
#define db_prepare DB_NAME(prepare)
#define db_bind_text DB_NAME(bind_text)
#define db_bind_textn DB_NAME(bind_textn)
#define db_bind_int DB_NAME(bind_int)
#define db_bind_null DB_NAME(bind_null)
#define db_step DB_NAME(step)
#define db_col_int DB_NAME(col_int)
#define db_col_double DB_NAME(col_double)
#define db_col_text DB_NAME(col_text)
#define db_col_len DB_NAME(col_len)
#define db_col_is_null DB_NAME(col_is_null)
#define db_done DB_NAME(done)
#define db_exec DB_NAME(exec)
#define db_begin DB_NAME(begin)
#define db_commit DB_NAME(commit)
#define db_rollback DB_NAME(rollback)
#define db_changes DB_NAME(changes)
#define db_backup DB_NAME(backup)
#define db_check DB_NAME(check)
#define db_defer_checkpoints DB_NAME(defer_checkpoints)
#define db_checkpoint DB_NAME(checkpoint)
#define db_setting DB_NAME(setting)
#define db_set_setting DB_NAME(set_setting)
/* Filled at the end of the backend file. */
#define DB_OPS_INIT(label)                                                                                  \
    {label,         db_open,      db_close,   db_path,     db_prepare,    db_bind_text, db_bind_textn,      \
     db_bind_int,   db_bind_null, db_step,    db_col_int,  db_col_double, db_col_text,  db_col_len,         \
     db_col_is_null,                                                                                     \
     db_done,       db_exec,      db_begin,   db_commit,   db_rollback,   db_changes,   db_backup,          \
     db_check,      db_defer_checkpoints, db_checkpoint}
#endif

#endif
