/*
 * audit.h — the append-only, hash-chained audit log. Owns the audit_log
 * table (and the "audit_head" setting).
 *
 * Every notice, decision, takedown, restore, forward, role change and
 * setting change appends one entry: time, actor, action, subject, detail.
 * Entry n stores prev_hash (the hash of entry n-1; 64 zeros for the first)
 * and hash = hex SHA-256(prev_hash || canonical(n)), where canonical(n) is
 * the entry's fields with their lengths, so no two different entries
 * serialise alike. Ids run 1, 2, 3, ... without gaps, and the setting
 * "audit_head" holds "ID:HASH" of the newest entry, so an edited, deleted,
 * reordered or truncated entry breaks the chain and `hao check` names the
 * first broken one. The application never updates or deletes an entry.
 */
#ifndef HAO_AUDIT_H
#define HAO_AUDIT_H

#include "core/buf.h"
#include "core/i18n.h"
#include "db/db.h"
#include "http/http.h"

/* Append one entry. Must run inside the caller's write transaction (the
 * change it records commits with it, or neither does). Returns 0 or -1. */
int audit_append(db_t *db, const char *actor, const char *action, const char *subject, const char *detail);
/* The same with a printf-style detail. */
int audit_appendf(db_t *db, const char *actor, const char *action, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Verify the whole chain. Returns 0 when intact; otherwise -1 with one line
 * naming the first broken entry appended to report. *count gets the number
 * of entries checked. */
int audit_verify(db_t *db, buf_t *report, int64_t *count);

/* The actor of an entry in words, plain text appended to out: "@handle"
 * for "user:handle", the system, the command line, a reader... */
void audit_actor_text(buf_t *out, lang_t lang, const char *actor);

/* GET /admin/audit?before=ID — the newest entries, 100 per page (admins). */
void audit_page(hreq_t *r);

#endif
