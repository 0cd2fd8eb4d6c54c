/*
 * settings.h — the site settings an administrator may change: operator
 * identity (shown on /about), site name and statement, and the legal
 * machine's switches (notice_mode, restore_mode, ...). Owns the rows of the
 * settings table named in its key list (other rows, like the site secret,
 * belong to their modules and cannot be set here).
 *
 * Every change is validated first, then written with one audit entry per
 * changed key in one transaction. Changed from the admin page
 * (/admin/settings) or the CLI (`hao set KEY VALUE`).
 */
#ifndef HAO_SETTINGS_H
#define HAO_SETTINGS_H

#include <stdio.h>

#include "core/buf.h"
#include "db/db.h"
#include "http/http.h"

typedef struct {
    const char *key;
    const char *kind;    /* "line", "text", "enum", "int" */
    const char *choices; /* enum: "a|b"; int: NULL */
    int min, max;        /* line/text: characters; int: value */
    const char *def;     /* default value; NULL: built elsewhere (statements) */
    const char *zh, *en; /* labels */
} setting_def_t;

extern const setting_def_t settings_defs[];
extern const size_t settings_count;

const setting_def_t *settings_find(const char *key);
/* The value (the default when unset). malloc'ed. */
char *settings_get(db_t *db, const char *key);
/* An int setting's value (its default when unset or unparsable). */
int settings_int(db_t *db, const char *key);
/* 1 when an enum setting has value v. */
int settings_is(db_t *db, const char *key, const char *v);

/* Set n keys at once: validate all, then write those that differ, each with
 * an audit entry by actor, in one transaction. Returns the number changed,
 * or -1 with a sentence in err (nothing written). In a server the caller
 * then calls site_reload() and changed_signal(). */
int settings_apply(db_t *db, const char *actor, int n, const char *const *keys, const char *const *values, buf_t *err);

/* 1 when v is a value settings_apply would accept for d. */
int settings_valid(const setting_def_t *d, const char *v);

/* Print a warning for each unset operator-identity setting; returns how many. */
int settings_warn_unset(db_t *db, FILE *out);

/* Handlers (routes.c): GET and POST /admin/settings, ROLE_ADMIN
 * (settings_page.c: the settings in groups, in the reader's language, with
 * help per setting and each error next to its field). */
void settings_page(hreq_t *r);
void settings_post(hreq_t *r);

#endif
