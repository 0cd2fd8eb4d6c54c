/*
 * check.h — `hao check` for federation's tables: what the schema cannot
 * say. Remote accounts stay what they are (readers with a "~" handle and
 * no password, owning no works); every creator key pair is whole (the
 * private key parses and its public half is the one published); deliveries
 * name a stored activity; kept notes name a comment of their actor.
 * Read-only; any thread with its own connection.
 */
#ifndef HAO_FED_CHECK_H
#define HAO_FED_CHECK_H

#include "core/buf.h"
#include "db/db.h"

/* Append one line per problem to report. 0 clean, -1 damage found. */
int fed_check(db_t *db, buf_t *report);

#endif
