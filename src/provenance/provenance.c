/*
 * provenance.c — see provenance.h.
 */
#include "provenance/provenance.h"

#include <stdio.h>
#include <string.h>

const char *provenance_ai_label(const char *declaration_code, const char *media_label)
{
    if (declaration_code &&
        (strcmp(declaration_code, "ai-generated") == 0 || strcmp(declaration_code, "ai-assisted") == 0))
        return "declared";
    if (media_label && strcmp(media_label, "detected") == 0)
        return "detected";
    if (media_label && strcmp(media_label, "possible") == 0)
        return "possible";
    return "none";
}

int provenance_set_media_label(db_t *db, const char *work_id, const char *media_label)
{
    if (!media_label || (strcmp(media_label, "none") != 0 && strcmp(media_label, "detected") != 0 &&
                         strcmp(media_label, "possible") != 0))
        return -1;
    db_stmt_t *st = db_prepare(db, "INSERT INTO provenance(work_id, media_label) VALUES (:id, :l) "
                                   "ON CONFLICT (work_id) DO UPDATE SET media_label = excluded.media_label");
    db_bind_text(st, ":id", work_id);
    db_bind_text(st, ":l", media_label);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

int provenance_load(db_t *db, const char *work_id, const char *declaration_code, provenance_t *p)
{
    memset(p, 0, sizeof *p);
    char media[16] = "none";
    int rc = 0;
    db_stmt_t *st = db_prepare(db, "SELECT p.media_label, p.source_id, s.status, p.pub_seq FROM provenance p "
                                   "LEFT JOIN works s ON s.id = p.source_id WHERE p.work_id = :id");
    db_bind_text(st, ":id", work_id);
    int s = db_step(st);
    if (s == DB_ROW) {
        snprintf(media, sizeof media, "%s", db_col_text(st, 0));
        p->seq = db_col_int(st, 3);
        if (strcmp(db_col_text(st, 2), "published") == 0)
            snprintf(p->source_id, sizeof p->source_id, "%s", db_col_text(st, 1));
    }
    db_done(st);
    if (s == DB_ERROR)
        rc = -1;
    /* EXISTS, not a join: without statistics SQLite drove a join from
     * works_feed and read every published work to find a work's matches. */
    st = db_prepare(db, "SELECT m.other_id, m.score FROM originality_match m WHERE m.work_id = :id AND EXISTS "
                        "(SELECT 1 FROM works o WHERE o.id = m.other_id AND o.status = 'published') "
                        "ORDER BY m.score DESC, m.other_id LIMIT :lim");
    db_bind_text(st, ":id", work_id);
    db_bind_int(st, ":lim", ORIG_MAX_MATCHES);
    while ((s = db_step(st)) == DB_ROW) {
        snprintf(p->similar[p->nsimilar].id, sizeof p->similar[0].id, "%s", db_col_text(st, 0));
        p->similar[p->nsimilar].score = (int)db_col_int(st, 1);
        p->nsimilar++;
    }
    db_done(st);
    if (s == DB_ERROR)
        rc = -1;
    if (!p->source_id[0] && p->nsimilar)
        memcpy(p->source_id, p->similar[0].id, sizeof p->source_id);
    p->ai_label = provenance_ai_label(declaration_code, media);
    return rc;
}

/* ":i00,...,:i24": a fixed IN list, so each batch statement is one cached
 * plan whatever the batch's size (unused places are bound to ''); 25 stays
 * under the PostgreSQL driver's 32 parameters a statement (db_pg.c). */
#define IDS5(d) ":i" #d "0,:i" #d "1,:i" #d "2,:i" #d "3,:i" #d "4"
#define IDS5B(d) ":i" #d "5,:i" #d "6,:i" #d "7,:i" #d "8,:i" #d "9"
#define IDS25 IDS5(0) "," IDS5B(0) "," IDS5(1) "," IDS5B(1) "," IDS5(2)

static void bind_ids(db_stmt_t *st, int n, const char *const *ids)
{
    for (int i = 0; i < PROVENANCE_BATCH_MAX; i++) {
        char name[16];
        snprintf(name, sizeof name, ":i%02d", i);
        db_bind_text(st, name, i < n ? ids[i] : "");
    }
}

static int index_of(int n, const char *const *ids, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return i;
    return -1;
}

int provenance_load_many(db_t *db, int n, const char *const *ids, const char *const *declaration_codes,
                         provenance_t *out)
{
    if (n < 0 || n > PROVENANCE_BATCH_MAX)
        return -1;
    char media[PROVENANCE_BATCH_MAX][16];
    for (int i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        snprintf(media[i], sizeof media[i], "none");
    }
    if (!n)
        return 0;
    int rc = 0, s;
    db_stmt_t *st = db_prepare(db, "SELECT p.work_id, p.media_label, p.source_id, s.status, p.pub_seq FROM provenance p "
                                   "LEFT JOIN works s ON s.id = p.source_id WHERE p.work_id IN (" IDS25 ")");
    bind_ids(st, n, ids);
    while ((s = db_step(st)) == DB_ROW) {
        int i = index_of(n, ids, db_col_text(st, 0));
        if (i < 0)
            continue;
        snprintf(media[i], sizeof media[i], "%s", db_col_text(st, 1));
        out[i].seq = db_col_int(st, 4);
        if (strcmp(db_col_text(st, 3), "published") == 0)
            snprintf(out[i].source_id, sizeof out[i].source_id, "%s", db_col_text(st, 2));
    }
    db_done(st);
    if (s == DB_ERROR)
        rc = -1;
    /* As provenance_load orders them: best score first, then by id. */
    st = db_prepare(db, "SELECT m.work_id, m.other_id, m.score FROM originality_match m WHERE m.work_id IN ("
                        IDS25 ") AND EXISTS (SELECT 1 FROM works o WHERE o.id = m.other_id AND o.status = "
                        "'published') ORDER BY m.work_id, m.score DESC, m.other_id");
    bind_ids(st, n, ids);
    while ((s = db_step(st)) == DB_ROW) {
        int i = index_of(n, ids, db_col_text(st, 0));
        if (i < 0 || out[i].nsimilar >= ORIG_MAX_MATCHES)
            continue;
        provenance_t *p = &out[i];
        snprintf(p->similar[p->nsimilar].id, sizeof p->similar[0].id, "%s", db_col_text(st, 1));
        p->similar[p->nsimilar].score = (int)db_col_int(st, 2);
        p->nsimilar++;
    }
    db_done(st);
    if (s == DB_ERROR)
        rc = -1;
    for (int i = 0; i < n; i++) {
        if (!out[i].source_id[0] && out[i].nsimilar)
            memcpy(out[i].source_id, out[i].similar[0].id, sizeof out[i].source_id);
        out[i].ai_label = provenance_ai_label(declaration_codes[i], media[i]);
    }
    return rc;
}

void provenance_json(buf_t *b, const provenance_t *p)
{
    buf_lit(b, "{\"ai_label\":");
    buf_json_strz(b, p->ai_label ? p->ai_label : "none");
    buf_lit(b, ",\"similar_to\":[");
    for (int i = 0; i < p->nsimilar; i++) {
        if (i)
            buf_ch(b, ',');
        buf_lit(b, "{\"id\":");
        buf_json_strz(b, p->similar[i].id);
        buf_printf(b, ",\"score\":%d.%03d}", p->similar[i].score / 1000, p->similar[i].score % 1000);
    }
    buf_lit(b, "],\"source_id\":");
    if (p->source_id[0])
        buf_json_strz(b, p->source_id);
    else
        buf_lit(b, "null");
    buf_ch(b, '}');
}

const char *provenance_label_text(const provenance_t *p, const char *declaration_code, lang_t lang)
{
    const char *l = p->ai_label ? p->ai_label : "none";
    if (strcmp(l, "declared") == 0 && declaration_code && strcmp(declaration_code, "ai-assisted") == 0)
        return T(lang, "prov.ai_assisted");
    if (strcmp(l, "declared") == 0 || strcmp(l, "detected") == 0)
        return T(lang, "prov.ai");
    if (strcmp(l, "possible") == 0)
        return T(lang, "prov.ai_possible");
    return NULL;
}
