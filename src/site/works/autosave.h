/*
 * autosave.h — the editor's server-side autosave of a draft.
 *
 * While a creator types, the editor script sends the fields every few
 * seconds; each autosave replaces the previous one (one row per creator and
 * work, "" for a work not saved yet), so no revision is made per keystroke.
 * A real save (studio form or API) removes the row. Opening the editor on
 * any browser offers an autosave newer than the stored work for restoring.
 *
 * Owns the autosaves table. Each function is one statement (its own
 * implicit transaction); the caller's connection; any thread with one.
 */
#ifndef HAO_AUTOSAVE_H
#define HAO_AUTOSAVE_H

#include <stdint.h>

#include "db/db.h"

typedef struct {
    char *title, *body, *declaration, *tags, *summary;
    int64_t saved_at;
} autosave_t;

/* Store (replace) user_id's autosave of work_id ("" = a new work). The
 * fields are stored as given (the editor checks them on a real save);
 * each must be valid UTF-8 text within the work limits, else -2 with
 * nothing stored. 0 on success, -1 on a storage error. */
int autosave_put(db_t *db, int64_t user_id, const char *work_id, const autosave_t *a);
/* 1 and *a filled (free with autosave_free), 0 none, -1 error. */
int autosave_get(db_t *db, int64_t user_id, const char *work_id, autosave_t *a);
void autosave_free(autosave_t *a);
/* Remove user_id's autosave of work_id. 0 or -1. */
int autosave_clear(db_t *db, int64_t user_id, const char *work_id);

#endif
