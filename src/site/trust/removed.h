/*
 * removed.h — the page a reader, or the creator, sees in place of a work
 * that was taken down (451 Unavailable For Legal Reasons, RFC 7725).
 *
 * It is titled as a removal, not an error, and says in the reader's
 * language: which work (its title), on what (the notice or report number),
 * the ground in words, when, the statement of reasons, and what the creator
 * can do (counter-notice for a notice, complaint for a decision on a
 * report). Owns no table: it reads the work's newest active takedown
 * (takedown.h) and the notice it names. Loop thread; read-only.
 */
#ifndef HAO_REMOVED_H
#define HAO_REMOVED_H

#include <stdint.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "db/db.h"
#include "http/http.h"

/* Answer r with the removal page (451) of work work_id, titled title, by
 * author_handle. A work without an active takedown record gets the page
 * with the general sentence only. */
void removed_page(hreq_t *r, const char *work_id, const char *title, const char *author_handle);

/* For the counter-notice and complaint forms: which work removal td
 * concerns (its title, linked to the studio), on what (notice or report
 * number), the ground in words, when, and the statement of reasons, as a
 * <dl class="case-facts">. Nothing when there is no such removal. */
void removed_case_facts(hreq_t *r, buf_t *b, int64_t td);

/* Append text[0..n) to out without its trailing sentence punctuation
 * (。.!！?？;；, and spaces), so that a sentence can end it once. Plain
 * text: the caller escapes it where it is written. */
void removed_clause(buf_t *out, const char *text);

#endif
