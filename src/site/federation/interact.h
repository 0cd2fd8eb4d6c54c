/*
 * interact.h — what an activity that passed the inbox's checks does:
 * Follow and Undo(Follow) (answered with a signed Accept through the
 * delivery queue), a Create(Note) replying to a work or a comment (a
 * comment, by the audience rules), its Update and Delete, Like and Announce
 * of a work (and their Undo), Delete of an actor (its follows and comments
 * go).
 *
 * Runs on a pool thread with its connection; each activity is applied
 * through the audience modules' own transactions. Remote text is reduced to
 * plain text by libxml2's HTML parser before it is stored.
 */
#ifndef HAO_FED_INTERACT_H
#define HAO_FED_INTERACT_H

#include <jansson.h>

#include "db/db.h"
#include "site/federation/remote.h"

typedef struct {
    int status; /* 202, or the 4xx/5xx the inbox answers */
    char msg[160];
} fed_apply_t;

/* The member k of o as an id: a string, or an object's "id" string. */
const char *fed_json_id(json_t *o, const char *k);
/* Apply activity act from actor a (checked signer) on the site at base. */
void fed_apply(db_t *db, const char *base, const fed_remote_t *a, json_t *act, fed_apply_t *res);
/* How many remote accounts boosted (Announce) work_id: 0 or more, -1 on a
 * storage error. A small indexed count (fed_objects_work), fine on a loop. */
int64_t fed_announces(db_t *db, const char *work_id);

#endif
