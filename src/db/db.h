/*
 * db.h — the storage interface every module talks to.
 *
 * A thin wrapper in Fossil's shape: prepare a statement from portable SQL with
 * named parameters (":name"), bind, step, read columns, done. The SQLite
 * implementation is db_sqlite.c; a PostgreSQL implementation provides the same
 * functions (translating ":name" to "$n") so modules are not rewritten.
 *
 * Ownership and threads: a db_t is one connection and belongs to one thread
 * (each event loop and each CLI command opens its own). Statements come from a
 * per-connection cache keyed by the SQL text; db_done() returns a statement to
 * the cache, so callers never finalize. The cache keeps the SQL pointer:
 * pass string literals, or text that outlives the connection. Strings returned by db_col_text() live
 * until the next db_step()/db_done() on that statement: copy what must outlive it.
 *
 * Errors: db_step() returns DB_ROW, DB_DONE, DB_CONSTRAINT (a UNIQUE, CHECK or
 * foreign key refused the write: usually a user error) or DB_ERROR (logged to
 * stderr with the SQL). Binding an unknown parameter name is a programming
 * error and aborts, so typos surface in the first test.
 *
 * Portable SQL rules: INTEGER unix-second timestamps, TEXT ids, no SQLite-only
 * functions in module queries; "INSERT ... ON CONFLICT DO ..." and
 * "RETURNING" are fine (both engines have them).
 */
#ifndef HAO_DB_H
#define HAO_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct db db_t;
typedef struct db_stmt db_stmt_t;

enum { DB_ROW = 1, DB_DONE = 0, DB_ERROR = -1, DB_CONSTRAINT = -2 };

/* The backend, chosen once at start-up before any db_open() and before any
 * thread starts: PostgreSQL at conninfo (a libpq URL or key=value string),
 * else SQLite in the data directory. db_use_postgres returns -1 on an empty
 * conninfo. db_postgres_conninfo() is NULL on SQLite. */
int db_use_postgres(const char *conninfo);
/* Choose the backend for a command: pg_flag (--pg) when given, else a
 * "database = URL" line in DATA_DIR/hao.conf (conf.h, loaded here), else
 * SQLite in DATA_DIR. Returns 0, or -1 with a sentence in err (a malformed
 * hao.conf). */
int db_configure(const char *data_dir, const char *pg_flag, buf_t *err);
const char *db_postgres_conninfo(void);
const char *db_backend_name(void); /* "sqlite" or "postgresql" */

/* Cross-node change notices, so every node's page cache hears of a change
 * made on another node. db_watch_start() runs on_change (on its own thread)
 * whenever any node, this one included, calls db_watch_signal() after
 * committing a change that pages show, and also after a lost connection to
 * the database comes back (notices may have been missed). On SQLite (one
 * node by nature) all three do nothing. Start returns -1 with err.
 * A signal may name one work (work_id, at most 64 bytes of [0-9A-Za-z_-]):
 * the other nodes' on_change then gets that work id, so only its pages go
 * stale there; NULL (or a name not of that form) is a whole change, and so
 * is every on_change after a reconnection. */
int db_watch_start(void (*on_change)(const char *work_id), buf_t *err);
void db_watch_signal(const char *work_id); /* any thread; never blocks */
void db_watch_stop(void);

/* Open (creating if needed) the database in data directory DIR, apply pending
 * migrations when migrate is set, and return it in *out. On failure returns -1
 * with a sentence in err. */
int db_open(const char *dir, int migrate, db_t **out, buf_t *err);
void db_close(db_t *db);
/* The file path of the main database (for backup/check messages). */
const char *db_path(db_t *db);

db_stmt_t *db_prepare(db_t *db, const char *sql);
void db_bind_text(db_stmt_t *st, const char *name, const char *v);          /* NULL binds NULL */
void db_bind_textn(db_stmt_t *st, const char *name, const char *v, size_t n);
void db_bind_int(db_stmt_t *st, const char *name, int64_t v);
void db_bind_null(db_stmt_t *st, const char *name);
/* A row id or NULL: 0 (no such row) binds NULL, for optional references. */
void db_bind_id(db_stmt_t *st, const char *name, int64_t id);
int db_step(db_stmt_t *st);
/* Any thread: total time in db_step and the number of steps since start. */
void db_time(uint64_t *ns, uint64_t *steps);
/* Any thread: bytes the embedded SQLite holds now (page caches, statements,
 * all connections); what a PostgreSQL site's server holds is its own. */
int64_t db_memory_used(void);
int64_t db_col_int(db_stmt_t *st, int col);
double db_col_double(db_stmt_t *st, int col);
const char *db_col_text(db_stmt_t *st, int col); /* "" for NULL */
size_t db_col_len(db_stmt_t *st, int col);
int db_col_is_null(db_stmt_t *st, int col);
void db_done(db_stmt_t *st);

/* The last migration applied to db (schema.h), or -1 when unknown. */
int db_schema_version(db_t *db);

/* One-shot helpers: run SQL with no parameters. */
int db_exec(db_t *db, const char *sql);

/* Transactions. db_begin takes the write lock at once (BEGIN IMMEDIATE) so a
 * read-then-write transaction cannot fail half way on a lock upgrade. */
int db_begin(db_t *db);
int db_commit(db_t *db);
void db_rollback(db_t *db);
int64_t db_changes(db_t *db);

/* Checkpoints (SQLite's WAL; both are no-ops on PostgreSQL). By default a
 * commit that makes the WAL long copies it back into the database file and
 * fsyncs it, inside that commit: a comment POST on a loop thread paid up to
 * tens of milliseconds for it (issue 12). A connection made with
 * db_defer_checkpoints() never does; one background thread (the view writer,
 * http/views.c) calls db_checkpoint() about once a second instead, which
 * copies what it can without waiting for or blocking anyone. Returns 0 or -1. */
void db_defer_checkpoints(db_t *db);
int db_checkpoint(db_t *db);

/* A site setting (settings table) or def when unset. The result is malloc'ed. */
char *db_setting(db_t *db, const char *key, const char *def);
int db_set_setting(db_t *db, const char *key, const char *value);

/* Consistent online snapshot of the database into file OUT (SQLite backup API
 * or VACUUM INTO). Returns 0 or -1 with err. */
int db_backup(db_t *db, const char *out, buf_t *err);
/* Integrity check; appends problems to report. Returns 0 if clean. */
int db_check(db_t *db, buf_t *report);

/* One transaction around many domain functions (a whole import, issue 15):
 * after db_begin_all(db), db_begin/db_commit/db_rollback on that connection
 * by this thread become SAVEPOINT / RELEASE / ROLLBACK TO, so each domain
 * function's own transaction nests inside it. Nothing is durable until
 * db_commit_all; db_rollback_all undoes all of it. An inner rollback undoes
 * only its own part (the caller sees the error and rolls back the whole);
 * a stray one at the outer level marks the whole as failed, and
 * db_commit_all then rolls back and returns -1. One per thread at a time. */
int db_begin_all(db_t *db);
int db_commit_all(db_t *db);
void db_rollback_all(db_t *db);

#endif
