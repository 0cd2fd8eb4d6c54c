/*
 * editor_reading.c — see editor_reading.h. Owned by the reading part.
 */
#include "site/studio/editor_reading.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "site/layout.h"
#include "site/studio/diff.h"
#include "site/studio/studio.h"
#include "site/works/summary.h"

static void field_err(hreq_t *r, buf_t *b, const work_err_t *err, const char *field)
{
    if (!err || !err->field || strcmp(err->field, field) != 0)
        return;
    buf_hprintf(b, "<p class=\"field-error\" role=\"alert\" id=\"err-%s\">", field);
    buf_htmlz(b, T(r->lang, err->key));
    buf_lit(b, "</p>\n");
}

static int has_err(const work_err_t *err, const char *field)
{
    return err && err->field && strcmp(err->field, field) == 0;
}

void studio_summary_field(hreq_t *r, buf_t *b, const char *value, const work_err_t *err)
{
    lang_t L = r->lang;
    int bad = has_err(err, "summary");
    buf_lit(b, "<div class=\"field field-summary\"><label for=\"f-summary\">");
    buf_htmlz(b, T(L, "work.summary"));
    buf_lit(b, "</label><textarea id=\"f-summary\" name=\"summary\" rows=\"2\" aria-describedby=\"");
    if (bad)
        buf_lit(b, "err-summary ");
    buf_lit(b, "summary-hint\"");
    if (bad)
        buf_lit(b, " aria-invalid=\"true\"");
    buf_lit(b, ">\n");
    buf_htmlz(b, value ? value : "");
    buf_lit(b, "</textarea>\n<p class=\"hint\" id=\"summary-hint\">");
    buf_htmlz(b, T(L, "work.summary_hint"));
    buf_lit(b, "</p>\n");
    field_err(r, b, err, "summary");
    buf_lit(b, "</div>\n");
}

/* One cover choice: a radio button with a small picture and its text. */
static void cover_choice(hreq_t *r, buf_t *b, const work_cover_t *c, int checked)
{
    buf_hprintf(b, "<label><input type=\"radio\" name=\"cover\" value=\"%s\"%s> ", c->id, checked ? " checked" : "");
    work_cover_t quiet = *c;
    quiet.alt[0] = 0; /* the label's text says what it shows */
    work_cover_thumb(b, &quiet, 160, "cover-thumb");
    buf_lit(b, " <span>");
    buf_htmlz(b, c->alt[0] ? c->alt : T(r->lang, "work.cover_untitled"));
    buf_lit(b, "</span></label>\n");
}

void studio_cover_field(hreq_t *r, buf_t *b, const work_t *w, const char *current, const work_err_t *err)
{
    lang_t L = r->lang;
    const char *cur = current ? current : "";
    int n = 0, cur_listed = 0;
    buf_t choices = BUF_INIT;
    if (w) {
        /* The work's own pictures (its embeds), and the chosen one even
         * when the text no longer embeds it. */
        db_stmt_t *st = db_prepare(r->db, "SELECT m.id, m.width, m.height, m.variants, m.alt FROM media m "
                                          "WHERE m.kind = 'image' AND m.owner_id = :o AND (m.id = :cur OR m.id IN "
                                          "(SELECT media_id FROM work_media WHERE work_id = :w)) ORDER BY m.created_at, "
                                          "m.id LIMIT 24");
        db_bind_int(st, ":o", w->author_id);
        db_bind_text(st, ":cur", cur);
        db_bind_text(st, ":w", w->id);
        while (db_step(st) == DB_ROW) {
            work_cover_t c;
            memset(&c, 0, sizeof c);
            snprintf(c.id, sizeof c.id, "%s", db_col_text(st, 0));
            c.width = (int)db_col_int(st, 1);
            c.height = (int)db_col_int(st, 2);
            snprintf(c.variants, sizeof c.variants, "%s", db_col_text(st, 3));
            snprintf(c.alt, sizeof c.alt, "%s", db_col_text(st, 4));
            int checked = strcmp(c.id, cur) == 0;
            cur_listed |= checked;
            cover_choice(r, &choices, &c, checked);
            n++;
        }
        db_done(st);
    }
    if (n == 0) {
        buf_lit(b, "<input type=\"hidden\" name=\"cover\" value=\"");
        buf_htmlz(b, cur);
        buf_lit(b, "\">\n");
        field_err(r, b, err, "cover");
        buf_free(&choices);
        return;
    }
    buf_lit(b, "<div class=\"field field-cover\"><fieldset class=\"cover-choices\" aria-describedby=\"cover-hint\"><legend>");
    buf_htmlz(b, T(L, "work.cover"));
    buf_lit(b, "</legend>\n<label><input type=\"radio\" name=\"cover\" value=\"\"");
    if (!cur_listed)
        buf_lit(b, " checked");
    buf_lit(b, "> <span>");
    buf_htmlz(b, T(L, "work.cover_first"));
    buf_lit(b, "</span></label>\n");
    buf_raw(b, choices.p, choices.len); /* raw: built above with the escaping writers */
    buf_lit(b, "</fieldset>\n<p class=\"hint\" id=\"cover-hint\">");
    buf_htmlz(b, T(L, "work.cover_hint"));
    buf_lit(b, "</p>\n");
    field_err(r, b, err, "cover");
    buf_lit(b, "</div>\n");
    buf_free(&choices);
}

void studio_reading_script_data(hreq_t *r, buf_t *b, const char *w_id)
{
    static const char *const msgs[][2] = {
        {"autosaved", "studio.autosaved_server"},
        {"autosave-failed", "studio.autosave_failed"},
        {"leave", "studio.leave_warning"},
        {"alt-label", "studio.alt_label"},
        {"alt-insert", "studio.alt_insert"},
        {"alt-skip", "studio.alt_skip"},
    };
    buf_lit(b, " data-autosave-url=\"/studio/");
    buf_htmlz(b, w_id ? w_id : "new");
    buf_lit(b, "/autosave\"");
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        buf_hprintf(b, " data-msg-%s=\"", msgs[i][0]);
        buf_htmlz(b, T(r->lang, msgs[i][1]));
        buf_lit(b, "\"");
    }
}

/* The editor's path for w (NULL: new). */
static void editor_path(buf_t *b, const work_t *w)
{
    buf_printf(b, "/studio/%s", w ? w->id : "new"); /* raw: a URL of [0-9a-z] */
}

void studio_autosave_notice(hreq_t *r, buf_t *b, const work_t *w, int dirty, int from_autosave)
{
    lang_t L = r->lang;
    if (from_autosave) {
        buf_lit(b, "<p class=\"notice-ok\" role=\"status\">");
        buf_htmlz(b, T(L, "studio.autosave_restored"));
        buf_lit(b, "</p>\n");
        return;
    }
    const char *gone = rq_query(r, "discarded");
    if (gone && strcmp(gone, "1") == 0) {
        buf_lit(b, "<p class=\"notice-ok\" role=\"status\">");
        buf_htmlz(b, T(L, "studio.autosave_discarded"));
        buf_lit(b, "</p>\n");
    }
    if (dirty)
        return;
    autosave_t a;
    if (autosave_get(r->db, r->user.id, w ? w->id : "", &a) != 1)
        return;
    /* Only an autosave newer than the stored work and different from it. */
    int newer = !w || a.saved_at >= w->updated_at;
    int differs = !w || strcmp(a.title, w->title) != 0 || strcmp(a.body, w->body) != 0 ||
                  strcmp(a.summary, w->summary ? w->summary : "") != 0;
    if (newer && differs) {
        buf_t path = BUF_INIT;
        editor_path(&path, w);
        buf_lit(b, "<div class=\"autosave-offer\" id=\"autosave-offer\"><p>");
        buf_htmlz(b, T(L, "studio.autosave_offer"));
        buf_lit(b, " (<time datetime=\"");
        char ts[CLOCK_TEXT_MAX];
        clock_rfc3339(a.saved_at, ts);
        buf_htmlz(b, ts);
        buf_lit(b, "\">");
        page_time(b, a.saved_at);
        buf_lit(b, "</time>)</p>\n<a class=\"button\" href=\"");
        buf_html(b, path.p, path.len);
        buf_lit(b, "?autosave=1\">");
        buf_htmlz(b, T(L, "studio.autosave_restore"));
        buf_lit(b, "</a> <form method=\"post\" action=\"");
        buf_html(b, path.p, path.len);
        buf_lit(b, "/autosave/discard\">");
        page_csrf_field(r, b);
        buf_lit(b, "<button type=\"submit\" class=\"secondary\">");
        buf_htmlz(b, T(L, "studio.autosave_discard"));
        buf_lit(b, "</button></form></div>\n");
        buf_free(&path);
    }
    autosave_free(&a);
}

int studio_autosave_wanted(hreq_t *r, const char *work_id, autosave_t *a)
{
    const char *q = rq_query(r, "autosave");
    if (!q || strcmp(q, "1") != 0)
        return 0;
    return autosave_get(r->db, r->user.id, work_id, a);
}

/* The work :id names ("" for "new"), checked to be the user's own; 0 after
 * answering otherwise. */
static int autosave_target(hreq_t *r, char id[WORK_ID_LEN + 1])
{
    if (strcmp(rq_param(r, 0), "new") == 0) {
        id[0] = 0;
        return 1;
    }
    work_t w;
    if (!studio_own_work(r, &w))
        return 0;
    snprintf(id, WORK_ID_LEN + 1, "%s", w.id);
    work_free(&w);
    return 1;
}

/* A copy of s with CRLF and CR as LF (browsers send CRLF from textareas). */
static char *lf(hreq_t *r, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s), o = 0;
    char *out = rq_alloc(r, n + 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            out[o++] = '\n';
            if (s[i + 1] == '\n')
                i++;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = 0;
    return out;
}

static void json_error(hreq_t *r, int status, const char *code, const char *key)
{
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"error\":{\"code\":");
    buf_json_strz(&b, code);
    buf_lit(&b, ",\"message\":");
    buf_json_strz(&b, T(r->lang, key));
    buf_lit(&b, "}}");
    rs_json(r, status, &b);
    buf_free(&b);
}

void studio_autosave_post(hreq_t *r)
{
    char id[WORK_ID_LEN + 1];
    if (!autosave_target(r, id))
        return;
    form_t f;
    if (rq_form(r, &f) < 0) {
        json_error(r, 400, "bad_form", "err.bad_form");
        return;
    }
    autosave_t a = {.title = (char *)form_get(&f, "title"),
                    .body = lf(r, form_get(&f, "body")),
                    .declaration = (char *)form_get(&f, "declaration"),
                    .tags = (char *)form_get(&f, "tags"),
                    .summary = lf(r, form_get(&f, "summary"))};
    if (!a.title || !a.body) {
        json_error(r, 422, "invalid", "studio.autosave_failed");
        return;
    }
    int rc = autosave_put(r->db, r->user.id, id, &a);
    if (rc == -2) {
        json_error(r, 422, "invalid", "studio.autosave_failed");
        return;
    }
    if (rc < 0) {
        json_error(r, 500, "internal", "err.internal");
        return;
    }
    autosave_t back;
    int64_t t = autosave_get(r->db, r->user.id, id, &back) == 1 ? back.saved_at : 0;
    if (t)
        autosave_free(&back);
    buf_t b = BUF_INIT;
    buf_printf(&b, "{\"saved_at\":%lld}", (long long)t);
    rs_json(r, 200, &b);
    buf_free(&b);
}

void studio_autosave_discard(hreq_t *r)
{
    char id[WORK_ID_LEN + 1];
    if (!autosave_target(r, id))
        return;
    if (autosave_clear(r->db, r->user.id, id) < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/studio/%s?discarded=1", id[0] ? id : "new");
    rs_redirect(r, 303, loc);
}

/* ---- comparing revisions ---- */

typedef struct {
    char *title, *body, *declaration, *tags;
    int64_t created_at;
} rev_text_t;

static int rev_load(db_t *db, const char *id, int rev, rev_text_t *v)
{
    memset(v, 0, sizeof *v);
    db_stmt_t *st = db_prepare(db, "SELECT title, body, declaration, tags, created_at FROM revisions "
                                   "WHERE work_id = :id AND rev = :rev");
    db_bind_text(st, ":id", id);
    db_bind_int(st, ":rev", rev);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        v->title = xstrdup(db_col_text(st, 0));
        v->body = xstrdup(db_col_text(st, 1));
        v->declaration = xstrdup(db_col_text(st, 2));
        v->tags = xstrdup(db_col_text(st, 3));
        v->created_at = db_col_int(st, 4);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

static void rev_free(rev_text_t *v)
{
    free(v->title);
    free(v->body);
    free(v->declaration);
    free(v->tags);
    memset(v, 0, sizeof *v);
}

/* A revision number from the query: def when absent, 0 when malformed. */
static int query_rev(hreq_t *r, const char *name, int def)
{
    const char *s = rq_query(r, name);
    if (!s || !*s)
        return def;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100000000L)
            return 0;
        v = v * 10 + (*p - '0');
    }
    return (int)v;
}

void studio_compare_form(hreq_t *r, buf_t *b, const work_t *w)
{
    lang_t L = r->lang;
    int to = w->rev, from = w->rev > 1 ? w->rev - 1 : 1;
    buf_hprintf(b, "<form class=\"compare-form\" method=\"get\" action=\"/studio/%s/compare\">", w->id);
    buf_lit(b, "<div class=\"field\"><label for=\"cmp-from\">");
    buf_htmlz(b, T(L, "studio.compare_from"));
    buf_hprintf(b, "</label><input type=\"number\" id=\"cmp-from\" name=\"from\" min=\"1\" max=\"%d\" value=\"%d\" "
                   "required></div>",
                w->rev, from);
    buf_lit(b, "<div class=\"field\"><label for=\"cmp-to\">");
    buf_htmlz(b, T(L, "studio.compare_to"));
    buf_hprintf(b, "</label><input type=\"number\" id=\"cmp-to\" name=\"to\" min=\"1\" max=\"%d\" value=\"%d\" "
                   "required></div>",
                w->rev, to);
    buf_lit(b, "<button type=\"submit\">");
    buf_htmlz(b, T(L, "studio.compare"));
    buf_lit(b, "</button></form>\n");
}

/* One compared field: a heading and the diff, or nothing when equal and
 * skip_equal. */
static void diff_block(hreq_t *r, buf_t *b, const char *label_key, const char *a, const char *bb, int skip_equal,
                       diff_stats_t *total)
{
    if (skip_equal && strcmp(a, bb) == 0)
        return;
    diff_stats_t st;
    buf_lit(b, "<h2>");
    buf_htmlz(b, T(r->lang, label_key));
    buf_lit(b, "</h2>\n<div class=\"diff\">");
    diff_html(a, bb, b, &st);
    buf_lit(b, "</div>\n");
    total->added += st.added;
    total->removed += st.removed;
    total->coarse |= st.coarse;
}

void studio_compare(hreq_t *r)
{
    lang_t L = r->lang;
    work_t w;
    if (!studio_own_work(r, &w))
        return;
    int to = query_rev(r, "to", w.rev);
    int from = query_rev(r, "from", to > 1 ? to - 1 : 1);
    if (!to || !from) {
        work_free(&w);
        rs_error(r, 400, "bad_request", T(L, "err.bad_path"));
        return;
    }
    rev_text_t a, c;
    int ra = rev_load(r->db, w.id, from, &a);
    int rc = ra == 1 ? rev_load(r->db, w.id, to, &c) : 0;
    if (ra != 1 || rc != 1) {
        if (ra == 1)
            rev_free(&a);
        work_free(&w);
        if (ra < 0 || rc < 0)
            rs_error(r, 500, "internal", T(L, "err.internal"));
        else
            rs_error(r, 404, "not_found", T(L, "err.not_found"));
        return;
    }
    buf_t b = BUF_INIT, title = BUF_INIT;
    buf_rawz(&title, T(L, "studio.diff_title")); /* raw: text, escaped by page_begin */
    buf_printf(&title, " %d → %d · ", from, to);
    buf_rawz(&title, w.title); /* raw: text */
    page_meta_t m = {.noindex = 1};
    page_begin(r, &b, buf_cstr(&title), &m);
    buf_lit(&b, "<section class=\"studio-compare\">\n<p class=\"crumbs\"><a href=\"/studio\">");
    buf_htmlz(&b, T(L, "work.my_works"));
    buf_hprintf(&b, "</a> › <a href=\"/studio/%s\">", w.id);
    buf_htmlz(&b, w.title);
    buf_hprintf(&b, "</a> › <a href=\"/studio/%s/revisions\">", w.id);
    buf_htmlz(&b, T(L, "work.revisions"));
    buf_lit(&b, "</a></p>\n<h1 class=\"page-title\">");
    buf_htmlz(&b, T(L, "studio.diff_title"));
    buf_hprintf(&b, " <span class=\"revs\">%d → %d</span></h1>\n", from, to);
    studio_compare_form(r, &b, &w);
    buf_t body = BUF_INIT;
    diff_stats_t total = {0};
    diff_block(r, &body, "work.title", a.title, c.title, 1, &total);
    diff_block(r, &body, "work.declaration", a.declaration, c.declaration, 1, &total);
    diff_block(r, &body, "work.tags", a.tags, c.tags, 1, &total);
    diff_block(r, &body, "work.body", a.body, c.body, 0, &total);
    if (!total.added && !total.removed) {
        buf_lit(&b, "<p class=\"notice-ok\" role=\"status\">");
        buf_htmlz(&b, T(L, "studio.diff_same"));
        buf_lit(&b, "</p>\n");
    } else {
        buf_hprintf(&b, "<p class=\"meta diff-stats\"><span class=\"added\">+%d %s</span> · "
                        "<span class=\"removed\">−%d %s</span></p>\n",
                    total.added, T(L, "studio.diff_added"), total.removed, T(L, "studio.diff_removed"));
        buf_lit(&b, "<p class=\"hint\">");
        buf_htmlz(&b, T(L, "studio.diff_legend"));
        if (total.coarse) {
            buf_lit(&b, " ");
            buf_htmlz(&b, T(L, "studio.diff_too_long"));
        }
        buf_lit(&b, "</p>\n");
    }
    buf_raw(&b, body.p, body.len); /* raw: built by diff_block with the escaping writers */
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
    buf_free(&body);
    buf_free(&title);
    rev_free(&a);
    rev_free(&c);
    work_free(&w);
}
