/*
 * site.h — site-wide settings loaded at start: the site name, the platform
 * statement, the CSRF secret; and the first-run setup link.
 *
 * Settings live in the settings table. server_state (http/server.h) holds the
 * copies every loop reads; they are written only before the loops start.
 */
#ifndef HAO_SITE_H
#define HAO_SITE_H

#include "core/buf.h"
#include "core/i18n.h"
#include "db/db.h"

/* Load or create the secret and settings. Returns 0 or -1 with err. */
int site_init(db_t *db, buf_t *err);
/* After the server listens: when the site has no administrator, mint a
 * one-time setup token and print the link that creates the admin. */
void site_announce(db_t *db, const char *listen);
/* The platform statement for lang, naming the site (escaped HTML appended). */
void site_statement_html(buf_t *b, lang_t lang);
/* The same as plain text (for feeds and JSON). */
void site_statement_text(buf_t *b, lang_t lang);
const char *site_name(void);
/* Re-read the site name and statements after a settings change (any thread;
 * pages rendered from then on show the new text). */
void site_reload(db_t *db);
/* site_reload() only if the settings changed since the snapshot was taken
 * (their "site_version"): how nodes of a PostgreSQL site pick up a change
 * made on another node. One settings read. */
void site_refresh(db_t *db);
/* The built-in statement template ("{site}" stands for the site name). */
const char *site_default_statement(lang_t lang);
/* Release the snapshots at exit. */
void site_free(void);

#endif
