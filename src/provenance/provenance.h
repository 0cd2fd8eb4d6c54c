/*
 * provenance.h — what a reader is told about where a work comes from: its AI
 * label and, for a copy, the earlier works it overlaps and the source of its
 * duplicate cluster (PRODUCT.md: "provenance" in a work's JSON).
 *
 * AI label, in order of strength:
 *   "declared"  the creator declared ai-generated or ai-assisted;
 *   "detected"  media embedded in the work carries an implicit AI label
 *               (GB 45438-2025 AIGC metadata or a C2PA manifest);
 *   "possible"  traces were found in its media but are not conclusive;
 *   "none"      otherwise.
 * The media branch reports what it finds through provenance_set_media_label()
 * (the hook); originality.c records similar works and the source.
 *
 * Owns the provenance table's media_label column; reads originality_match.
 */
#ifndef HAO_PROVENANCE_H
#define HAO_PROVENANCE_H

#include "core/buf.h"
#include "core/i18n.h"
#include "db/db.h"
#include "provenance/originality.h"

typedef struct {
    const char *ai_label;            /* static: "none", "declared", "detected", "possible" */
    char source_id[ORIG_ID_LEN + 1]; /* "" when the work is no copy */
    int nsimilar;
    orig_match_t similar[ORIG_MAX_MATCHES]; /* live published works, best score first */
    int64_t seq;                            /* publication order (0: never published) */
} provenance_t;

/* The AI label from the declaration code and the media-derived label
 * ("detected", "possible" or NULL/"none"). Pure; static result. */
const char *provenance_ai_label(const char *declaration_code, const char *media_label);

/* HOOK for media (issue 3): record what the work's embedded media say.
 * media_label is "detected", "possible" or "none"; the strongest label of a
 * work's media should be passed (the caller aggregates over its files).
 * Bumps nothing itself: call it inside the caller's write, which invalidates
 * the page cache. Returns 0, or -1 for an unknown label or a storage error. */
int provenance_set_media_label(db_t *db, const char *work_id, const char *media_label);

/* Load p for a work. similar_to lists only works still published; source_id
 * falls back to the best similar work when the recorded source is gone.
 * Returns 0, or -1 on a storage error (p then says "none"). */
int provenance_load(db_t *db, const char *work_id, const char *declaration_code, provenance_t *p);

/* provenance_load for n works at once (n at most PROVENANCE_BATCH_MAX):
 * ids[i] and declaration_codes[i] give out[i]. Two statements whatever n
 * (list pages and the timeline load 20 works; one by one that is 40
 * statements). Returns 0, or -1 on a storage error or n out of range. */
#define PROVENANCE_BATCH_MAX 25
int provenance_load_many(db_t *db, int n, const char *const *ids, const char *const *declaration_codes,
                         provenance_t *out);

/* Append {"ai_label","similar_to":[{"id","score"}],"source_id"} (score 0-1). */
void provenance_json(buf_t *b, const provenance_t *p);

/* The explicit label's text for readers ("AI生成", "AI辅助创作", "疑似AI生成"
 * and their English), or NULL for "none". declaration_code tells generated
 * from assisted when the label is "declared". */
const char *provenance_label_text(const provenance_t *p, const char *declaration_code, lang_t lang);

#endif
