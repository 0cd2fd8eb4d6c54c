/*
 * redirect.c — see redirect.h. Owned by site/portability; loop threads.
 */
#include "site/portability/redirect.h"

#include <stdio.h>
#include <string.h>

int port_redirect(hreq_t *r, const char *path, size_t plen)
{
    if (plen == 0 || plen > 500)
        return 0;
    size_t q = 0;
    while (q < plen && path[q] != '?')
        q++;
    /* with its query first (/?p=12), then the path alone */
    for (int pass = 0; pass < 2; pass++) {
        size_t n = pass == 0 ? plen : q;
        if (pass == 1 && q == plen)
            break;
        db_stmt_t *st = db_prepare(r->db, "SELECT w.id FROM import_redirects i JOIN works w ON w.id = i.work_id "
                                          "WHERE i.old_path = :p AND w.status = 'published'");
        db_bind_textn(st, ":p", path, n);
        char loc[64] = "";
        if (db_step(st) == DB_ROW)
            snprintf(loc, sizeof loc, "/a/%s", db_col_text(st, 0));
        db_done(st);
        if (loc[0]) {
            rs_redirect(r, 301, loc);
            return 1;
        }
    }
    return 0;
}
