/*
 * schema.h — versioned migrations, applied in order at start.
 *
 * Migration N (1-based) is schema_migrations[N-1]; the database records the
 * last applied N (SQLite: PRAGMA user_version). Never edit a released
 * migration: append a new one. SQL here is portable to PostgreSQL except
 * where a comment says otherwise.
 */
#ifndef HAO_SCHEMA_H
#define HAO_SCHEMA_H

#include <stddef.h>

extern const char *const schema_migrations[];
extern const size_t schema_migrations_count;

#endif
