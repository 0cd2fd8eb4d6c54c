/*
 * indexkit.c — see indexkit.h.
 */
#include "search/indexkit.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/markdown.h"

char *ix_strdup(const char *s)
{
    char *p = xstrdup(s ? s : "");
    return p;
}

void ix_plain(const char *md, buf_t *out)
{
    if (md_to_text(md, strlen(md), out) < 0) {
        buf_reset(out);
        buf_rawz(out, md);
    }
}

void ix_load_tags(db_t *db, const char *work_id, buf_t *tags)
{
    db_stmt_t *st = db_prepare(db, "SELECT tag FROM tags WHERE work_id = :id ORDER BY pos");
    db_bind_text(st, ":id", work_id);
    while (db_step(st) == DB_ROW) {
        if (tags->len)
            buf_lit(tags, ", ");
        buf_rawz(tags, db_col_text(st, 0));
    }
    db_done(st);
}
