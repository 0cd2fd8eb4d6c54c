/*
 * pins.c — pinned works. See pins.h. Part of the creator tools
 * (site/creator/); handlers on the request's loop.
 */
#include "site/creator/pins.h"

#include <stdio.h>
#include <string.h>

#include "core/changed.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "site/accounts/account.h"
#include "site/api/api.h"
#include "site/layout.h"
#include "site/reader/pages.h"

int pins_add(db_t *db, int64_t author_id, const char *work_id, cr_err_t *e)
{
    work_t w;
    int rc = work_get(db, work_id, &w);
    if (rc <= 0)
        return rc < 0 ? cr_fail(e, 500, "internal", "err.internal")
                      : cr_fail(e, 404, "not_found", "work.err.not_found");
    int mine = w.author_id == author_id, published = strcmp(w.status, "published") == 0;
    work_free(&w);
    if (!mine)
        return cr_fail(e, 403, "forbidden", "work.err.not_yours");
    if (!published)
        return cr_fail(e, 409, "not_published", "creator.pin.err.unpublished");
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    /* Pins of works no longer published do not count against the limit. */
    db_stmt_t *st = db_prepare(db, "SELECT count(*), coalesce(max(p.position), 0), "
                                   "sum(CASE WHEN p.work_id = :w THEN 1 ELSE 0 END) FROM creator_pins p "
                                   "JOIN works w ON w.id = p.work_id WHERE p.author_id = :a AND w.status = 'published'");
    db_bind_int(st, ":a", author_id);
    db_bind_text(st, ":w", work_id);
    int64_t n = 0, maxpos = 0, already = 0;
    rc = db_step(st);
    if (rc == DB_ROW) {
        n = db_col_int(st, 0);
        maxpos = db_col_int(st, 1);
        already = db_col_int(st, 2);
    }
    db_done(st);
    if (rc != DB_ROW) {
        db_rollback(db);
        return cr_fail(e, 500, "internal", "err.internal");
    }
    if (already) {
        db_rollback(db);
        return 0;
    }
    if (n >= PINS_MAX) {
        db_rollback(db);
        return cr_fail(e, 409, "too_many_pins", "creator.pin.err.too_many");
    }
    st = db_prepare(db, "INSERT INTO creator_pins(author_id, work_id, position, created_at) VALUES (:a, :w, :p, :t) "
                        "ON CONFLICT(author_id, work_id) DO UPDATE SET position = excluded.position");
    db_bind_int(st, ":a", author_id);
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":p", maxpos + 1);
    db_bind_int(st, ":t", clock_now());
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_commit(db) < 0) {
        db_rollback(db);
        return cr_fail(e, 500, "internal", "err.internal");
    }
    changed_signal();
    return 0;
}

int pins_remove(db_t *db, int64_t author_id, const char *work_id, cr_err_t *e)
{
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "DELETE FROM creator_pins WHERE author_id = :a AND work_id = :w");
    db_bind_int(st, ":a", author_id);
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    db_done(st);
    int n = rc == DB_DONE ? (int)db_changes(db) : -1;
    if (n < 0 || db_commit(db) < 0) {
        db_rollback(db);
        return cr_fail(e, 500, "internal", "err.internal");
    }
    if (n == 0)
        return cr_fail(e, 404, "not_pinned", "creator.pin.err.not_pinned");
    changed_signal();
    return 0;
}

int pins_list(db_t *db, int64_t author_id, char ids[PINS_MAX][WORK_ID_LEN + 1])
{
    /* EXISTS, not a join: without statistics SQLite drove the join from
     * works_feed, reading every published work of the site per profile. */
    db_stmt_t *st = db_prepare(db, "SELECT p.work_id FROM creator_pins p WHERE p.author_id = :a AND EXISTS "
                                   "(SELECT 1 FROM works w WHERE w.id = p.work_id AND w.status = 'published') "
                                   "ORDER BY p.position LIMIT 3");
    db_bind_int(st, ":a", author_id);
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < PINS_MAX)
        snprintf(ids[n++], WORK_ID_LEN + 1, "%s", db_col_text(st, 0));
    db_done(st);
    return rc == DB_ERROR ? -1 : n;
}

int pins_is_pinned(db_t *db, const char *work_id)
{
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM creator_pins WHERE work_id = :w");
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* The pinned works of author as loaded for cards: 0 with *l, or -1. */
static int load_pins(db_t *db, int64_t author_id, work_list_t *l)
{
    char ids[PINS_MAX][WORK_ID_LEN + 1];
    int n = pins_list(db, author_id, ids);
    if (n < 0)
        return -1;
    const char *p[PINS_MAX];
    for (int i = 0; i < n; i++)
        p[i] = ids[i];
    return work_list_ids(db, p, n, 1, l);
}

void pins_author_block(hreq_t *r, buf_t *b, int64_t author_id)
{
    work_list_t l;
    if (load_pins(r->db, author_id, &l) < 0)
        return; /* the page still shows every work below */
    if (l.n == 0) {
        work_list_free(&l);
        return;
    }
    buf_lit(b, "<section class=\"pinned\" aria-labelledby=\"pinned-h\">\n<h2 id=\"pinned-h\" class=\"pinned-title\">");
    buf_htmlz(b, T(r->lang, "creator.pin.heading"));
    buf_lit(b, "</h2>\n<div class=\"cards\">\n");
    for (int i = 0; i < l.n; i++)
        pages_card(r, b, &l.items[i]);
    buf_lit(b, "</div>\n</section>\n");
    work_list_free(&l);
}

void pins_editor_panel(hreq_t *r, buf_t *b, const char *work_id, const char *status)
{
    if (strcmp(status, "published") != 0)
        return;
    int pinned = pins_is_pinned(r->db, work_id) == 1;
    buf_lit(b, "<section class=\"creator-panel pin\" aria-labelledby=\"pin-h\">\n<h2 id=\"pin-h\">");
    buf_htmlz(b, T(r->lang, "creator.pin.title"));
    buf_lit(b, "</h2>\n<p>");
    buf_htmlz(b, T(r->lang, pinned ? "creator.pin.is_pinned" : "creator.pin.hint"));
    buf_hprintf(b, "</p>\n<form method=\"post\" action=\"/studio/%s/pin\">", work_id);
    page_csrf_field(r, b);
    buf_hprintf(b, "<button type=\"submit\" name=\"action\" value=\"%s\"%s>", pinned ? "unpin" : "pin",
                pinned ? " class=\"secondary\"" : "");
    buf_htmlz(b, T(r->lang, pinned ? "creator.pin.unpin" : "creator.pin.pin"));
    buf_lit(b, "</button></form>\n</section>\n");
}

void pins_form_post(hreq_t *r)
{
    char status[16];
    if (!cr_own_work(r, status))
        return;
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_request", T(r->lang, "err.bad_form"));
        return;
    }
    const char *action = form_get(&f, "action");
    cr_err_t e;
    int rc = action && strcmp(action, "unpin") == 0 ? pins_remove(r->db, r->user.id, rq_param(r, 0), &e)
                                                    : pins_add(r->db, r->user.id, rq_param(r, 0), &e);
    if (rc < 0) {
        cr_answer_err(r, &e);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/studio/%s", rq_param(r, 0));
    rs_redirect(r, 303, loc);
}

void pins_api_put(hreq_t *r)
{
    char status[16];
    if (!cr_own_work(r, status))
        return;
    cr_err_t e;
    if (pins_add(r->db, r->user.id, rq_param(r, 0), &e) < 0)
        cr_answer_err(r, &e);
    else
        rs_no_content(r);
}

void pins_api_delete(hreq_t *r)
{
    char status[16];
    if (!cr_own_work(r, status))
        return;
    cr_err_t e;
    if (pins_remove(r->db, r->user.id, rq_param(r, 0), &e) < 0)
        cr_answer_err(r, &e);
    else
        rs_no_content(r);
}

void pins_api_list(hreq_t *r)
{
    user_t u;
    if (account_by_handle(r->db, rq_param(r, 0), &u) != 1) {
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    work_list_t l;
    if (load_pins(r->db, u.id, &l) < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"pins\":[");
    for (int i = 0; i < l.n; i++) {
        if (i)
            buf_ch(&b, ',');
        api_work_json(&b, r->db, &l.items[i], 0);
    }
    buf_lit(&b, "]}");
    rs_json(r, 200, &b);
    buf_free(&b);
    work_list_free(&l);
}
