/*
 * schedule.c — scheduled publishing. See schedule.h. Part of the creator
 * tools (site/creator/): domain functions on the caller's connection,
 * handlers on the request's loop, the sweep on the jobs thread.
 */
#include "site/creator/schedule.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/i18n.h"
#include "core/text.h"
#include "site/api/api.h"
#include "site/layout.h"
#include "site/trust/review.h"
#include "site/works/work.h"

/* ---- parsing times ---- */

/* n digits at *p as a number (advancing p), or -1. */
static int digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v;
}

/* "YYYY-MM-DDTHH:MM[:SS[.fff]]" into fields; returns the rest or NULL. */
static const char *date_time(const char *s, int f[6])
{
    const char *p = s;
    memset(f, 0, 6 * sizeof f[0]);
    if ((f[0] = digits(&p, 4)) < 0 || *p++ != '-' || (f[1] = digits(&p, 2)) < 0 || *p++ != '-' ||
        (f[2] = digits(&p, 2)) < 0 || (*p != 'T' && *p != 't' && *p != ' '))
        return NULL;
    p++;
    if ((f[3] = digits(&p, 2)) < 0 || *p++ != ':' || (f[4] = digits(&p, 2)) < 0)
        return NULL;
    if (*p == ':') {
        p++;
        if ((f[5] = digits(&p, 2)) < 0)
            return NULL;
        if (*p == '.') {
            p++;
            if (!isdigit((unsigned char)*p))
                return NULL;
            while (isdigit((unsigned char)*p))
                p++;
        }
    }
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (f[0] < 1970 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > mdays[f[1] - 1] || f[3] > 23 || f[4] > 59 ||
        f[5] > 60)
        return NULL;
    int leap = (f[0] % 4 == 0 && f[0] % 100 != 0) || f[0] % 400 == 0;
    if (f[1] == 2 && f[2] == 29 && !leap)
        return NULL;
    return p;
}

/* Seconds of the fields as a China wall time, minus offset back to UTC. */
static int64_t fields_at(const int f[6], int64_t zone_offset)
{
    return clock_china_midnight(f[0], f[1], f[2]) + CLOCK_CHINA_OFFSET - zone_offset + f[3] * 3600 + f[4] * 60 + f[5];
}

int sched_parse_rfc3339(const char *s, int64_t *out)
{
    int f[6];
    const char *p = s ? date_time(s, f) : NULL;
    if (!p)
        return -1;
    int64_t off;
    if ((*p == 'Z' || *p == 'z') && !p[1]) {
        off = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        const char *q = p + 1;
        int hh = digits(&q, 2);
        q++;
        int mm = digits(&q, 2);
        if (hh < 0 || mm < 0 || hh > 23 || mm > 59)
            return -1;
        off = (hh * 3600 + mm * 60) * (*p == '-' ? -1 : 1);
    } else {
        return -1;
    }
    *out = fields_at(f, off);
    return 0;
}

int sched_parse_china_local(const char *s, int64_t *out)
{
    int f[6];
    const char *p = s ? date_time(s, f) : NULL;
    if (!p || *p)
        return -1;
    *out = fields_at(f, CLOCK_CHINA_OFFSET);
    return 0;
}

/* ---- the domain ---- */

int sched_set(db_t *db, const char *work_id, int64_t author_id, int64_t at, cr_err_t *e)
{
    work_t w;
    int rc = work_get(db, work_id, &w);
    if (rc <= 0)
        return rc < 0 ? cr_fail(e, 500, "internal", "err.internal")
                      : cr_fail(e, 404, "not_found", "work.err.not_found");
    int mine = w.author_id == author_id;
    char status[16];
    snprintf(status, sizeof status, "%s", w.status);
    const char *b = w.body;
    size_t bl = strlen(b);
    text_trim(&b, &bl);
    work_free(&w);
    if (!mine)
        return cr_fail(e, 403, "forbidden", "work.err.not_yours");
    if (strcmp(status, "published") == 0)
        return cr_fail(e, 409, "already_published", "creator.sched.err.published");
    if (strcmp(status, "taken_down") == 0)
        return cr_fail(e, 451, "taken_down", "work.err.gone");
    if (strcmp(status, "draft") != 0)
        return cr_fail(e, 404, "not_found", "work.err.not_found");
    int64_t now = clock_now();
    if (at <= now)
        return cr_fail(e, 422, "bad_time", "creator.sched.err.past");
    if (at > now + SCHED_MAX_AHEAD)
        return cr_fail(e, 422, "bad_time", "creator.sched.err.far");
    if (bl == 0)
        return cr_fail(e, 422, "empty", "work.err.empty");
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "INSERT INTO creator_schedules(work_id, author_id, publish_at, state, result, created_at) "
                                   "VALUES (:w, :a, :t, 'pending', '', :now) "
                                   "ON CONFLICT(work_id) DO UPDATE SET publish_at = excluded.publish_at, "
                                   "state = 'pending', claimed_at = NULL, result = '', created_at = excluded.created_at");
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":a", author_id);
    db_bind_int(st, ":t", at);
    db_bind_int(st, ":now", now);
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_commit(db) < 0) {
        db_rollback(db);
        return cr_fail(e, 500, "internal", "err.internal");
    }
    return 0;
}

int sched_cancel(db_t *db, const char *work_id, int64_t author_id, cr_err_t *e)
{
    if (db_begin(db) < 0)
        return cr_fail(e, 503, "busy", "err.internal");
    db_stmt_t *st = db_prepare(db, "UPDATE creator_schedules SET state = 'cancelled', result = 'cancelled by the author' "
                                   "WHERE work_id = :w AND author_id = :a AND state = 'pending'");
    db_bind_text(st, ":w", work_id);
    db_bind_int(st, ":a", author_id);
    int rc = db_step(st);
    db_done(st);
    int n = rc == DB_DONE ? (int)db_changes(db) : -1;
    if (n < 0 || db_commit(db) < 0) {
        db_rollback(db);
        return cr_fail(e, 500, "internal", "err.internal");
    }
    return n == 1 ? 0 : cr_fail(e, 404, "not_scheduled", "creator.sched.err.none");
}

int sched_pending(db_t *db, const char *work_id, int64_t *at)
{
    db_stmt_t *st = db_prepare(db, "SELECT publish_at FROM creator_schedules WHERE work_id = :w AND state = 'pending'");
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *at = db_col_int(st, 0);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* Record the outcome of a claimed schedule. */
static void finish(db_t *db, const char *work_id, const char *state, const char *result)
{
    if (db_begin(db) < 0)
        return; /* stays claimed: taken over after SCHED_STALE */
    db_stmt_t *st = db_prepare(db, "UPDATE creator_schedules SET state = :s, result = :r "
                                   "WHERE work_id = :w AND state = 'claimed'");
    db_bind_text(st, ":s", state);
    db_bind_text(st, ":r", result);
    db_bind_text(st, ":w", work_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_commit(db) < 0)
        db_rollback(db);
}

/* Publish work_id as its author would by hand: review before publish
 * first (review_hold reads only the request's connection and user), then
 * work_publish. */
static void fire(db_t *db, const char *work_id, int64_t author_id)
{
    hreq_t as = {.db = db};
    db_stmt_t *st = db_prepare(db, "SELECT handle, role FROM users WHERE id = :u");
    db_bind_int(st, ":u", author_id);
    if (db_step(st) == DB_ROW) {
        snprintf(as.user.handle, sizeof as.user.handle, "%s", db_col_text(st, 0));
        const char *role = db_col_text(st, 1);
        as.user.role = strcmp(role, "admin") == 0       ? ROLE_ADMIN
                       : strcmp(role, "moderator") == 0 ? ROLE_MODERATOR
                       : strcmp(role, "creator") == 0   ? ROLE_CREATOR
                                                        : ROLE_READER;
        as.user.id = author_id;
    }
    db_done(st);
    /* Published by hand meanwhile, unpublished, deleted: nothing to do. */
    work_t w;
    int grc = work_get(db, work_id, &w);
    if (grc < 0)
        return; /* stays claimed: retried after SCHED_STALE */
    int draft = grc == 1 && strcmp(w.status, "draft") == 0;
    if (grc == 1)
        work_free(&w);
    if (!draft) {
        finish(db, work_id, "done", "skipped: not a draft any more");
        return;
    }
    int held = review_hold(&as, work_id);
    if (held < 0)
        return; /* stays claimed: retried after SCHED_STALE */
    if (held == 1) {
        finish(db, work_id, "done", "held for review");
        return;
    }
    work_err_t e = {0};
    if (work_publish(db, work_id, &e) < 0) {
        if (e.status >= 500)
            return; /* a storage error: retried after SCHED_STALE */
        finish(db, work_id, "failed", e.key ? e.key : "failed");
        return;
    }
    finish(db, work_id, "done", "published");
}

int sched_sweep(db_t *db)
{
    int fired = 0;
    for (int guard = 0; guard < 1000; guard++) {
        int64_t now = clock_now();
        db_stmt_t *st = db_prepare(db, "SELECT work_id, author_id FROM creator_schedules "
                                       "WHERE (state = 'pending' AND publish_at <= :now) "
                                       "OR (state = 'claimed' AND claimed_at < :stale) ORDER BY publish_at LIMIT 1");
        db_bind_int(st, ":now", now);
        db_bind_int(st, ":stale", now - SCHED_STALE);
        char id[WORK_ID_LEN + 1] = "";
        int64_t author = 0;
        if (db_step(st) == DB_ROW) {
            snprintf(id, sizeof id, "%s", db_col_text(st, 0));
            author = db_col_int(st, 1);
        }
        db_done(st);
        if (!id[0] || db_begin(db) < 0)
            break;
        /* The claim: another node or loop may have taken it since the look. */
        st = db_prepare(db, "UPDATE creator_schedules SET state = 'claimed', claimed_at = :now WHERE work_id = :w "
                            "AND ((state = 'pending' AND publish_at <= :now) OR (state = 'claimed' AND claimed_at < :stale))");
        db_bind_int(st, ":now", now);
        db_bind_int(st, ":stale", now - SCHED_STALE);
        db_bind_text(st, ":w", id);
        int rc = db_step(st);
        db_done(st);
        int claimed = rc == DB_DONE && db_changes(db) == 1;
        if (!claimed || db_commit(db) < 0) {
            db_rollback(db);
            if (rc != DB_DONE)
                break;
            continue;
        }
        fire(db, id, author);
        fired++;
    }
    return fired;
}

/* ---- pages and API ---- */

void sched_form_post(hreq_t *r)
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
    int rc;
    if (action && strcmp(action, "cancel") == 0) {
        rc = sched_cancel(r->db, rq_param(r, 0), r->user.id, &e);
    } else {
        int64_t at;
        const char *s = form_get(&f, "at");
        rc = sched_parse_china_local(s, &at) < 0 ? cr_fail(&e, 422, "bad_time", "creator.sched.err.malformed")
                                                   : sched_set(r->db, rq_param(r, 0), r->user.id, at, &e);
    }
    if (rc < 0) {
        cr_answer_err(r, &e);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/studio/%s", rq_param(r, 0));
    rs_redirect(r, 303, loc);
}

void sched_api_publish(hreq_t *r)
{
    size_t n;
    rq_body(r, &n);
    json_t *at = NULL, *j = NULL;
    if (n) {
        j = api_body_object(r);
        if (!j)
            return;
        at = json_object_get(j, "at");
    }
    if (!at) {
        json_decref(j);
        api_articles_publish(r); /* publish now: the API's own path */
        return;
    }
    char status[16];
    if (!cr_own_work(r, status)) {
        json_decref(j);
        return;
    }
    int64_t t;
    cr_err_t e;
    int rc = !json_is_string(at) || sched_parse_rfc3339(json_string_value(at), &t) < 0
                 ? cr_fail(&e, 422, "bad_time", "creator.sched.err.malformed")
                 : sched_set(r->db, rq_param(r, 0), r->user.id, t, &e);
    json_decref(j);
    if (rc < 0) {
        cr_answer_err(r, &e);
        return;
    }
    char s[CLOCK_TEXT_MAX];
    clock_rfc3339(t, s);
    buf_t b = BUF_INIT;
    buf_printf(&b, "{\"status\":\"scheduled\",\"id\":\"%s\",\"publish_at\":\"%s\"}", rq_param(r, 0), s); /* raw: JSON of an id checked by cr_own_work and an RFC 3339 time */
    rs_json(r, 202, &b);
    buf_free(&b);
}

void sched_api_cancel(hreq_t *r)
{
    char status[16];
    if (!cr_own_work(r, status))
        return;
    cr_err_t e;
    if (sched_cancel(r->db, rq_param(r, 0), r->user.id, &e) < 0)
        cr_answer_err(r, &e);
    else
        rs_no_content(r);
}

void sched_editor_panel(hreq_t *r, buf_t *b, const char *work_id, const char *status)
{
    lang_t L = r->lang;
    if (strcmp(status, "draft") != 0)
        return;
    int64_t at = 0;
    int pending = sched_pending(r->db, work_id, &at) == 1;
    buf_lit(b, "<section class=\"creator-panel schedule\" aria-labelledby=\"sched-h\">\n<h2 id=\"sched-h\">");
    buf_htmlz(b, T(L, "creator.sched.title"));
    buf_lit(b, "</h2>\n");
    if (pending) {
        buf_lit(b, "<p class=\"scheduled\" role=\"status\">");
        buf_htmlz(b, T(L, "creator.sched.at"));
        buf_lit(b, " <time datetime=\"");
        char s[CLOCK_TEXT_MAX];
        clock_rfc3339(at, s);
        buf_htmlz(b, s);
        buf_lit(b, "\">");
        page_time(b, at);
        buf_lit(b, "</time> ");
        buf_htmlz(b, T(L, "creator.zone"));
        buf_lit(b, "</p>\n");
    }
    buf_hprintf(b, "<form method=\"post\" action=\"/studio/%s/schedule\" class=\"stack\">", work_id);
    page_csrf_field(r, b);
    buf_lit(b, "\n<p><label for=\"sched-at\">");
    buf_htmlz(b, T(L, pending ? "creator.sched.reschedule_at" : "creator.sched.when"));
    buf_lit(b, " <span class=\"zone\">");
    buf_htmlz(b, T(L, "creator.zone"));
    buf_lit(b, "</span></label>\n<input type=\"datetime-local\" id=\"sched-at\" name=\"at\" required value=\"");
    if (pending) {
        struct tm tm;
        clock_china_tm(at, &tm);
        buf_printf(b, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    }
    buf_lit(b, "\"></p>\n<p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"schedule\">");
    buf_htmlz(b, T(L, pending ? "creator.sched.reschedule" : "creator.sched.schedule"));
    buf_lit(b, "</button>");
    if (pending) {
        buf_lit(b, " <button type=\"submit\" name=\"action\" value=\"cancel\" class=\"secondary\" formnovalidate>");
        buf_htmlz(b, T(L, "creator.sched.cancel"));
        buf_lit(b, "</button>");
    }
    buf_lit(b, "</p>\n</form>\n</section>\n");
}

void sched_list_note(hreq_t *r, buf_t *b, const char *work_id, const char *status)
{
    int64_t at;
    if (strcmp(status, "draft") != 0 || sched_pending(r->db, work_id, &at) != 1)
        return;
    buf_lit(b, " <span class=\"status status-scheduled\">");
    buf_htmlz(b, T(r->lang, "creator.sched.badge"));
    buf_lit(b, " ");
    page_time(b, at);
    buf_lit(b, " ");
    buf_htmlz(b, T(r->lang, "creator.zone_short"));
    buf_lit(b, "</span>");
}
