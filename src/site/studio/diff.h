/*
 * diff.h — the difference between two texts as HTML, for comparing a
 * work's revisions (GET /studio/:id/compare).
 *
 * Lines are compared first (Myers' O((N+M)D) algorithm); inside each run of
 * changed lines the texts are compared again token by token, where a token
 * is one Chinese (or other CJK) character, a run of Latin letters and
 * digits, a run of white space, or any other single character, so a change
 * of one character in Chinese prose or one word in English is shown as that.
 * Removed text is <del>, added text <ins>, everything escaped. The work is
 * bounded: past DIFF_EDITS_MAX edits a run is shown as a whole replacement.
 *
 * Thread-safe: all state belongs to the call.
 */
#ifndef HAO_STUDIO_DIFF_H
#define HAO_STUDIO_DIFF_H

#include "core/buf.h"

#define DIFF_EDITS_MAX 2000 /* per comparison (lines, or the tokens of one run) */

typedef struct {
    int added, removed; /* tokens (characters or words) added and removed */
    int coarse;         /* some run was too different and shown whole */
} diff_stats_t;

/* Append the HTML of the change from a to b (both NUL-terminated UTF-8):
 * the text of b with what a had and b has not as <del>, what b added as
 * <ins>. stats may be NULL. */
void diff_html(const char *a, const char *b, buf_t *out, diff_stats_t *stats);

#endif
