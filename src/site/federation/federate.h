/*
 * federate.h — a work's changes, told to the creator's followers on other
 * servers: Create when it becomes public (first publish, republish, restore
 * after a takedown), Update when a public work changes, Delete (a
 * Tombstone) when it stops being public (unpublished, deleted, taken down:
 * a taken-down work federates as deleted).
 *
 * Called by the works domain and the takedown paths inside their own
 * transaction, after the work's row changed; it only queues (deliver.h), so
 * publishing never waits for delivery. fed_works remembers what followers
 * were last told, so a Delete follows only a Create and each state change
 * is sent once. Owns fed_works. Cheap when federation is off (one settings
 * read) or the creator has no remote followers (a state row).
 */
#ifndef HAO_FED_FEDERATE_H
#define HAO_FED_FEDERATE_H

#include "db/db.h"

/* 0, or -1 on a storage error (the caller rolls back). */
int fed_work_changed(db_t *db, const char *work_id);

#endif
