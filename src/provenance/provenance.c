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
    st = db_prepare(db, "SELECT m.other_id, m.score FROM originality_match m "
                        "JOIN works o ON o.id = m.other_id AND o.status = 'published' "
                        "WHERE m.work_id = :id ORDER BY m.score DESC, m.other_id LIMIT :lim");
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
