/*
 * schema.h — versioned migrations, applied in order at start.
 *
 * Migration N (1-based) is schema_migrations[N-1]; the database records the
 * last applied N (SQLite: PRAGMA user_version). Never edit a released
 * migration: append a new one.
 *
 * The SQL is written once for both stores in a portable subset: INTEGER
 * columns (PostgreSQL gets BIGINT), "INTEGER PRIMARY KEY" for generated ids
 * (PostgreSQL gets an identity column), TEXT, CHECK, REFERENCES, plain
 * indexes. A migration that cannot be portable (an SQLite FTS5 table, say)
 * has its PostgreSQL form in schema_pg_overrides, found by version.
 */
#ifndef HAO_SCHEMA_H
#define HAO_SCHEMA_H

#include <stddef.h>

extern const char *const schema_migrations[];
extern const size_t schema_migrations_count;

typedef struct {
    int version;     /* 1-based, as above */
    const char *sql; /* what PostgreSQL runs instead of the translated migration */
} schema_override_t;
extern const schema_override_t schema_pg_overrides[];
extern const size_t schema_pg_overrides_count;

#endif
