/*
 * studio.c — the creator's studio. See studio.h.
 *
 * Pages here are private (noindex, never in the page cache: their routes are
 * not RT_CACHE) and are rendered for the logged-in creator only. The editor is
 * one form whose buttons carry action=save|publish|unpublish|preview, so
 * every path works as a plain form post; the script only adds comfort.
 *
 * Failed submissions re-render the editor with the user's input kept and the
 * message next to the field work_validate() named, with the status it chose.
 */
#include "site/studio/studio.h"
#include "site/studio/editor_reading.h"
#include "site/works/media.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/markdown.h"
#include "core/text.h"
#include "http/router.h"
#include "site/audience/newsletter.h"
#include "site/creator/studio_hooks.h"
#include "site/layout.h"
#include "site/trust/review.h"
#include "site/works/publish.h"
#include "site/reader/provenance_view.h"
#include "site/works/work.h"

#define STUDIO_PAGE 20   /* works per studio list page */
#define REV_PAGE 50      /* revisions per history page */
#define STUDIO_SCRIPT asset_studio_js_url /* layout.h */

/* ---- small helpers ---- */

static void iso_time(buf_t *b, int64_t t)
{
    char s[32];
    clock_rfc3339(t, s);
    buf_htmlz(b, s);
}

/* <time datetime="ISO">YYYY-MM-DD HH:MM</time> */
static void time_el(buf_t *b, int64_t t)
{
    buf_lit(b, "<time datetime=\"");
    iso_time(b, t);
    buf_lit(b, "\">");
    page_time(b, t);
    buf_lit(b, "</time>");
}

static void status_badge(hreq_t *r, buf_t *b, const char *status)
{
    char key[48];
    snprintf(key, sizeof key, "work.status.%s", status);
    buf_lit(b, "<span class=\"status status-");
    buf_htmlz(b, status);
    buf_lit(b, "\">");
    buf_htmlz(b, T(r->lang, key));
    buf_lit(b, "</span>");
}

/* A copy of s with CRLF and lone CR turned into LF. Browsers submit textarea
 * text with CRLF line ends; the API and import store LF, and a work's content
 * hash must not depend on which door the text came through. */
static char *lf_only(hreq_t *r, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *out = rq_alloc(r, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            out[o++] = '\n';
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = 0;
    return out;
}

/* The work's tags as the tags field shows them: "a, b, c". */
static void tags_joined(const work_t *w, buf_t *b)
{
    for (int i = 0; i < w->ntags; i++) {
        if (i)
            buf_lit(b, ", ");
        buf_rawz(b, w->tags[i]); /* raw: text, the field escapes it */
    }
}

int studio_own_work(hreq_t *r, work_t *w)
{
    int rc = work_get(r->db, rq_param(r, 0), w);
    if (rc < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return 0;
    }
    if (rc == 0) {
        rs_error(r, 404, "not_found", T(r->lang, "work.err.not_found"));
        return 0;
    }
    if (w->author_id != r->user.id) {
        work_free(w);
        rs_error(r, 403, "forbidden", T(r->lang, "work.err.not_yours"));
        return 0;
    }
    return 1;
}

/* Parse the form body; answers 400 and returns -1 when malformed. */
static int get_form(hreq_t *r, form_t *f)
{
    if (rq_form(r, f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return -1;
    }
    return 0;
}

/* Render body as the preview fragment: a warning when it has empty picture
 * embeds (they are dropped on the work page) or is over the limit, then the
 * HTML. Returns 0, or -1 when the renderer failed. */
static int render_preview(hreq_t *r, buf_t *out, const char *body)
{
    size_t n = strlen(body);
    const char *t = body;
    size_t tn = n;
    text_trim(&t, &tn);
    if (tn == 0) {
        buf_lit(out, "<p class=\"empty\">");
        buf_htmlz(out, T(r->lang, "studio.preview_empty"));
        buf_lit(out, "</p>\n");
        return 0;
    }
    md_info_t info;
    memset(&info, 0, sizeof info);
    buf_t html = BUF_INIT;
    if (media_render(r->db, body, n, &html, &info) < 0) {
        buf_free(&html);
        return -1;
    }
    if (n > WORK_BODY_MAX) {
        buf_lit(out, "<p class=\"preview-warning\">");
        buf_htmlz(out, T(r->lang, "work.err.body_long"));
        buf_lit(out, "</p>\n");
    }
    if (info.empty_images > 0) {
        buf_lit(out, "<p class=\"preview-warning\">");
        buf_htmlz(out, T(r->lang, "studio.empty_images"));
        buf_hprintf(out, " (%d)", (int)info.empty_images);
        buf_lit(out, "</p>\n");
    }
    if (info.missing_media > 0) {
        buf_lit(out, "<p class=\"preview-warning\">");
        buf_htmlz(out, T(r->lang, "studio.missing_media"));
        buf_hprintf(out, " (%d)", (int)info.missing_media);
        buf_lit(out, "</p>\n");
    }
    buf_raw(out, html.p, html.len); /* raw: md4c output, sanitised by markdown.c */
    buf_free(&html);
    return 0;
}

/* ---- the editor ---- */

typedef struct {
    const work_t *w;        /* the stored work; NULL for a new one */
    const char *title;      /* field values to show (the user's input on a re-render) */
    const char *body;
    const char *declaration;
    const char *tags;
    int original;           /* the 原创 box */
    const orig_result_t *check; /* the originality check of the stored text, or NULL */
    const work_err_t *err;  /* a failure to show, or NULL */
    int preview;            /* render the body into the preview pane */
    int dirty;              /* fields differ from what is stored */
    int saved;              /* just saved (?saved=1) */
    const char *summary;    /* reading (editor_reading.h): the summary field */
    const char *cover;      /* the chosen cover's media id, "" = the first picture */
    int from_autosave;      /* the fields hold the autosave (?autosave=1) */
} editor_t;

/* The message for err when it belongs to field, as a role=alert line with
 * the id the input points at through aria-describedby. */
static void field_error(hreq_t *r, buf_t *b, const editor_t *e, const char *field)
{
    if (!e->err || !e->err->field || strcmp(e->err->field, field) != 0)
        return;
    buf_lit(b, "<p class=\"field-error\" role=\"alert\" id=\"err-");
    buf_htmlz(b, field);
    buf_lit(b, "\">");
    buf_htmlz(b, T(r->lang, e->err->key));
    buf_lit(b, "</p>\n");
}

static void invalid_attrs(buf_t *b, const editor_t *e, const char *field)
{
    if (e->err && e->err->field && strcmp(e->err->field, field) == 0) {
        buf_lit(b, " aria-invalid=\"true\" aria-describedby=\"err-");
        buf_htmlz(b, field);
        buf_lit(b, "\"");
    }
}

/* A one-line editor field (title, tags): label, input refilled with value,
 * and its error in place when the last save failed on it. name is a
 * literal field name; label_key an i18n key. */
static void text_field(hreq_t *r, buf_t *b, const editor_t *e, const char *name, const char *label_key,
                       const char *value)
{
    buf_lit(b, "<div class=\"field field-");
    buf_htmlz(b, name);
    buf_lit(b, "\"><label for=\"f-");
    buf_htmlz(b, name);
    buf_lit(b, "\">");
    buf_htmlz(b, T(r->lang, label_key));
    buf_lit(b, "</label><input type=\"text\" id=\"f-");
    buf_htmlz(b, name);
    buf_lit(b, "\" name=\"");
    buf_htmlz(b, name);
    buf_lit(b, "\" autocomplete=\"off\" value=\"");
    buf_htmlz(b, value ? value : "");
    buf_lit(b, "\"");
    invalid_attrs(b, e, name);
    buf_lit(b, ">\n");
    field_error(r, b, e, name);
    buf_lit(b, "</div>\n");
}

static int known_field(const char *f)
{
    return f && (strcmp(f, "title") == 0 || strcmp(f, "body") == 0 || strcmp(f, "declaration") == 0 ||
                 strcmp(f, "tags") == 0 || strcmp(f, "original") == 0 || strcmp(f, "summary") == 0 ||
                 strcmp(f, "cover") == 0);
}

/* Strings the script shows, handed over as data attributes so the script
 * itself carries no language. */
static void script_messages(hreq_t *r, buf_t *b)
{
    static const char *const msgs[][2] = {
        {"saved", "work.saved"},
        {"unsaved", "studio.unsaved"},
        {"local", "studio.autosaved_local"},
        {"offline", "studio.offline"},
        {"failed", "studio.preview_failed"},
        {"uploading", "studio.uploading"},
        {"upload-failed", "studio.upload_failed"},
        {"restore-offer", "studio.restore_offer"},
        {"restore", "studio.restore"},
        {"discard", "studio.discard"},
    };
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        buf_lit(b, " data-msg-");
        buf_htmlz(b, msgs[i][0]);
        buf_lit(b, "=\"");
        buf_htmlz(b, T(r->lang, msgs[i][1]));
        buf_lit(b, "\"");
    }
}

static void help_block(hreq_t *r, buf_t *b)
{
    static const char *const items[][2] = {
        {"studio.help.paragraph", "studio.help.paragraph_code"},
        {"studio.help.heading", "studio.help.heading_code"},
        {"studio.help.emphasis", "studio.help.emphasis_code"},
        {"studio.help.link", "studio.help.link_code"},
        {"studio.help.picture", "studio.help.picture_code"},
        {"studio.help.video", "studio.help.video_code"},
        {"studio.help.list", "studio.help.list_code"},
        {"studio.help.quote", "studio.help.quote_code"},
        {"studio.help.table", "studio.help.table_code"},
        {"studio.help.code", "studio.help.code_code"},
    };
    lang_t L = r->lang;
    buf_lit(b, "<details class=\"help\" id=\"markdown-help\"><summary>");
    buf_htmlz(b, T(L, "studio.help_title"));
    buf_lit(b, "</summary>\n<dl>\n");
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        buf_lit(b, "<dt>");
        buf_htmlz(b, T(L, items[i][0]));
        buf_lit(b, "</dt><dd><pre><code>");
        buf_htmlz(b, T(L, items[i][1]));
        buf_lit(b, "</code></pre></dd>\n");
    }
    buf_lit(b, "</dl>\n<p>");
    buf_htmlz(b, T(L, "studio.help.upload"));
    buf_lit(b, "</p>\n<p>");
    buf_htmlz(b, T(L, "studio.help.html"));
    buf_lit(b, "</p></details>\n");
}

/* Open a studio page's section cls with its breadcrumbs: "My works", then
 * the work w (NULL: none) as a link; the caller may add crumbs and closes
 * the </p>. */
static void studio_crumbs(hreq_t *r, buf_t *b, const char *cls, const work_t *w)
{
    buf_lit(b, "<section class=\"");
    buf_htmlz(b, cls);
    buf_lit(b, "\">\n<p class=\"crumbs\"><a href=\"/studio\">");
    buf_htmlz(b, T(r->lang, "work.my_works"));
    buf_lit(b, "</a>");
    if (w) {
        buf_hprintf(b, " › <a href=\"/studio/%s\">", w->id);
        buf_htmlz(b, w->title);
        buf_lit(b, "</a>");
    }
}

/* The page's title: "Edit · TITLE" for the stored work w, else "New work". */
static void editor_title(hreq_t *r, const work_t *w, buf_t *title)
{
    lang_t L = r->lang;
    if (w) {
        buf_rawz(title, T(L, "work.edit")); /* raw: text */
        buf_lit(title, " · ");
        buf_rawz(title, w->title); /* raw: text */
    } else {
        buf_rawz(title, T(L, "work.new")); /* raw: text */
    }
}

/* The stored work's state line: status, revision count and link, a link
 * to the work (unless taken down), the last update. */
static void editor_state_line(hreq_t *r, buf_t *b, const work_t *w)
{
    lang_t L = r->lang;
    int published = strcmp(w->status, "published") == 0;
    int taken = strcmp(w->status, "taken_down") == 0;
    buf_lit(b, "<p class=\"meta work-state\">");
    status_badge(r, b, w->status);
    buf_lit(b, " · ");
    buf_htmlz(b, T(L, "studio.current_rev"));
    buf_hprintf(b, " <span class=\"rev-count\">%d</span> · <a href=\"/studio/%s/revisions\">", w->rev, w->id);
    buf_htmlz(b, T(L, "work.revisions"));
    buf_lit(b, "</a>");
    if (!taken) {
        buf_hprintf(b, " · <a href=\"/a/%s\">", w->id);
        buf_htmlz(b, T(L, published ? "studio.view" : "studio.view_draft"));
        buf_lit(b, "</a>");
    }
    buf_lit(b, " · ");
    buf_htmlz(b, T(L, "studio.col_updated"));
    buf_lit(b, " ");
    time_el(b, w->updated_at);
    buf_lit(b, "</p>\n");
}

/* The section's crumbs and heading, with the state line of a stored work. */
static void editor_heading(hreq_t *r, buf_t *b, const work_t *w)
{
    lang_t L = r->lang;
    studio_crumbs(r, b, "studio-editor", NULL);
    buf_lit(b, "</p>\n<h1 class=\"page-title\">");
    buf_htmlz(b, w ? T(L, "studio.edit_title") : T(L, "work.new"));
    buf_lit(b, "</h1>\n");
    if (w)
        editor_state_line(r, b, w);
}

/* The messages above the form: just saved, taken down, the overlap with
 * earlier works, why an AI label was given, a failure no field owns. */
static void editor_messages(hreq_t *r, buf_t *b, const editor_t *e)
{
    lang_t L = r->lang;
    const work_t *w = e->w;
    int published = w && strcmp(w->status, "published") == 0;
    int taken = w && strcmp(w->status, "taken_down") == 0;
    if (e->saved && !e->err) {
        buf_lit(b, "<p class=\"notice-ok\" role=\"status\">");
        buf_htmlz(b, T(L, published ? "studio.saved_published" : "work.saved"));
        if (published) {
            buf_hprintf(b, " <a href=\"/a/%s\">", w->id);
            buf_htmlz(b, T(L, "studio.view"));
            buf_lit(b, "</a>");
        }
        buf_lit(b, "</p>\n");
    }
    if (taken) {
        buf_lit(b, "<p class=\"alert taken-down\">");
        buf_htmlz(b, T(L, "work.err.gone"));
        buf_lit(b, " ");
        buf_htmlz(b, T(L, "studio.taken_down_hint"));
        buf_lit(b, "</p>\n");
    }
    if (w && !e->err)
        prov_studio_warning(r, b, w, e->check); /* overlap with earlier works, before publishing */
    if (w && (strcmp(w->prov.ai_label, "detected") == 0 || strcmp(w->prov.ai_label, "possible") == 0)) {
        /* Labelled without the creator declaring it: say why. */
        buf_lit(b, "<p class=\"notice-ok ai-why\" role=\"status\">");
        buf_htmlz(b, provenance_label_text(&w->prov, w->declaration->code, L));
        buf_lit(b, ": ");
        buf_htmlz(b, T(L, "prov.ai_why"));
        buf_lit(b, "</p>\n");
    }
    if (e->err && !known_field(e->err->field)) {
        buf_lit(b, "<p class=\"alert form-error\" role=\"alert\">");
        buf_htmlz(b, T(L, e->err->key));
        buf_lit(b, "</p>\n");
    }
}

/* The form's opening tag, with what the script needs (the work, its last
 * update, saved and dirty flags, its messages), and the CSRF field. */
static void editor_form_begin(hreq_t *r, buf_t *b, const editor_t *e)
{
    const work_t *w = e->w;
    buf_lit(b, "<form id=\"editor\" class=\"editor-form\" method=\"post\" action=\"");
    if (w)
        buf_hprintf(b, "/studio/%s", w->id);
    else
        buf_lit(b, "/studio/new");
    buf_lit(b, "\" data-work-id=\"");
    buf_htmlz(b, w ? w->id : "new");
    buf_printf(b, "\" data-updated=\"%lld\" data-saved=\"%d\" data-dirty=\"%d\"", w ? (long long)w->updated_at : 0LL,
               e->saved && !e->err, e->dirty);
    script_messages(r, b);
    studio_reading_script_data(r, b, w ? w->id : NULL);
    buf_lit(b, ">\n");
    page_csrf_field(r, b);
}

/* The declaration select, the current one (or "none") selected. */
static void declaration_field(hreq_t *r, buf_t *b, const editor_t *e)
{
    lang_t L = r->lang;
    const char *cur = e->declaration && declaration_find(e->declaration) ? e->declaration : "none";
    buf_lit(b, "<div class=\"field field-declaration\"><label for=\"f-declaration\">");
    buf_htmlz(b, T(L, "work.declaration"));
    buf_lit(b, "</label><select id=\"f-declaration\" name=\"declaration\"");
    invalid_attrs(b, e, "declaration");
    buf_lit(b, ">\n");
    for (size_t i = 0; i < declarations_count; i++) {
        const declaration_t *d = &declarations[i];
        buf_lit(b, "<option value=\"");
        buf_htmlz(b, d->code);
        buf_lit(b, "\"");
        if (strcmp(d->code, cur) == 0)
            buf_lit(b, " selected");
        buf_lit(b, ">");
        if (strcmp(d->code, "none") == 0)
            buf_htmlz(b, T(L, "work.decl_none"));
        else
            buf_htmlz(b, L == LANG_EN ? d->en : d->zh);
        buf_lit(b, "</option>\n");
    }
    buf_lit(b, "</select>\n");
    field_error(r, b, e, "declaration");
    buf_lit(b, "</div>\n");
}

/* The 原创 claim: checked against earlier works on save and publish; when
 * refused, a link to the earlier work it copies (and to the comparison). */
static void original_field(hreq_t *r, buf_t *b, const editor_t *e)
{
    lang_t L = r->lang;
    const work_t *w = e->w;
    buf_lit(b, "<div class=\"field field-original\"><label><input type=\"checkbox\" id=\"f-original\" "
                "name=\"original\" value=\"1\"");
    if (e->original)
        buf_lit(b, " checked");
    invalid_attrs(b, e, "original");
    buf_lit(b, "> ");
    buf_htmlz(b, T(L, "work.original"));
    buf_lit(b, "</label>\n");
    field_error(r, b, e, "original");
    if (e->err && e->err->field && strcmp(e->err->field, "original") == 0 && e->err->other_id[0]) {
        buf_lit(b, "<p class=\"hint\">");
        buf_htmlz(b, T(L, "prov.source"));
        buf_hprintf(b, ": <a href=\"/a/%s\">/a/%s</a>", e->err->other_id, e->err->other_id);
        if (w) {
            buf_hprintf(b, " · <a href=\"/studio/%s/originality\">", w->id);
            buf_htmlz(b, T(L, "prov.compare"));
            buf_lit(b, "</a>");
        }
        buf_lit(b, "</p>\n");
    }
    buf_lit(b, "</div>\n");
}

/* The body textarea and the media upload (shown when the script runs). */
static void body_field(hreq_t *r, buf_t *b, const editor_t *e)
{
    lang_t L = r->lang;
    /* The newline after <textarea> is eaten by the HTML parser, so a body
     * that starts with a blank line keeps it. */
    buf_lit(b, "<div class=\"field field-body\"><label for=\"f-body\">");
    buf_htmlz(b, T(L, "work.body"));
    buf_lit(b, "</label><textarea id=\"f-body\" name=\"body\" rows=\"20\" aria-describedby=\"");
    if (e->err && e->err->field && strcmp(e->err->field, "body") == 0)
        buf_lit(b, "err-body ");
    buf_lit(b, "markdown-help\"");
    if (e->err && e->err->field && strcmp(e->err->field, "body") == 0)
        buf_lit(b, " aria-invalid=\"true\"");
    buf_lit(b, ">\n");
    buf_htmlz(b, e->body ? e->body : "");
    buf_lit(b, "</textarea>\n");
    /* Uploads need the script (XHR with progress): hidden until it runs. */
    buf_lit(b, "<p class=\"upload\" hidden><label>");
    buf_htmlz(b, T(L, "studio.upload"));
    buf_lit(b, " <input type=\"file\" id=\"media-file\" multiple "
                "accept=\"image/jpeg,image/png,image/webp,image/gif,image/avif,video/mp4,video/webm\"></label></p>\n"
                "<ul id=\"uploads\" class=\"uploads\" aria-live=\"polite\"></ul>\n");
    field_error(r, b, e, "body");
    buf_lit(b, "</div>\n");
}

/* The buttons: save (the first: the one Enter presses), publish or
 * unpublish as the state allows, preview; and the save state. */
static void editor_actions(hreq_t *r, buf_t *b, const work_t *w)
{
    lang_t L = r->lang;
    int published = w && strcmp(w->status, "published") == 0;
    int taken = w && strcmp(w->status, "taken_down") == 0;
    buf_lit(b, "<div class=\"actions\">\n<button type=\"submit\" name=\"action\" value=\"save\">");
    buf_htmlz(b, T(L, published ? "studio.save_changes" : "work.save"));
    buf_lit(b, "</button>\n");
    if (!published && !taken) {
        buf_lit(b, "<button type=\"submit\" name=\"action\" value=\"publish\">");
        buf_htmlz(b, T(L, "work.publish"));
        buf_lit(b, "</button>\n");
    }
    if (published) {
        buf_lit(b, "<button type=\"submit\" name=\"action\" value=\"unpublish\" class=\"secondary\">");
        buf_htmlz(b, T(L, "work.unpublish"));
        buf_lit(b, "</button>\n");
    }
    buf_lit(b, "<button type=\"submit\" name=\"action\" value=\"preview\" class=\"secondary\">");
    buf_htmlz(b, T(L, "work.preview"));
    buf_lit(b, "</button>\n<span id=\"save-state\" class=\"save-state\" aria-live=\"polite\"></span>\n</div>\n");
}

/* The preview pane: prev (render_preview's output) when e asks for a
 * preview, else a placeholder the script replaces. */
static void preview_pane(hreq_t *r, buf_t *b, const editor_t *e, const buf_t *prev)
{
    lang_t L = r->lang;
    buf_lit(b, "<section class=\"preview-pane\" aria-labelledby=\"preview-h\">\n<h2 id=\"preview-h\" "
                "class=\"preview-title\">");
    buf_htmlz(b, T(L, "work.preview"));
    buf_lit(b, "</h2>\n<p id=\"preview-state\" class=\"preview-state\" aria-live=\"polite\"></p>\n"
                "<div class=\"preview work\"><div class=\"body\" id=\"preview\">\n");
    if (e->preview) {
        buf_raw(b, prev->p, prev->len); /* raw: render_preview's output, escaped or sanitised */
    } else {
        buf_lit(b, "<p class=\"empty\">");
        buf_htmlz(b, T(L, "studio.preview_empty"));
        buf_lit(b, "</p>\n");
    }
    buf_lit(b, "</div></div>\n</section>\n");
}

/* The stored work's delete button (its own form). */
static void delete_form(hreq_t *r, buf_t *b, const work_t *w)
{
    buf_hprintf(b, "<form class=\"delete-form\" method=\"post\" action=\"/studio/%s/delete\">", w->id);
    page_csrf_field(r, b);
    buf_lit(b, "<button type=\"submit\" class=\"danger\">");
    buf_htmlz(b, T(r->lang, "work.delete"));
    buf_lit(b, "</button></form>\n");
}

/* Render the whole editor page with status: the heading and messages, the
 * form (fields, actions and help beside the preview pane), the delete
 * button. */
static void render_editor(hreq_t *r, int status, const editor_t *e)
{
    buf_t b = BUF_INIT, title = BUF_INIT, prev = BUF_INIT;
    if (e->preview && render_preview(r, &prev, e->body ? e->body : "") < 0) {
        buf_free(&prev);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    editor_title(r, e->w, &title);
    page_meta_t m = {.script = STUDIO_SCRIPT, .noindex = 1};
    page_begin(r, &b, buf_cstr(&title), &m);
    editor_heading(r, &b, e->w);
    editor_messages(r, &b, e);
    studio_autosave_notice(r, &b, e->w, e->dirty, e->from_autosave);

    editor_form_begin(r, &b, e);
    buf_lit(&b, "\n<div class=\"editor\">\n<div class=\"editor-fields\">\n");
    text_field(r, &b, e, "title", "work.title", e->title);
    declaration_field(r, &b, e);
    original_field(r, &b, e);
    text_field(r, &b, e, "tags", "work.tags", e->tags);
    studio_summary_field(r, &b, e->summary, e->err);
    studio_cover_field(r, &b, e->w, e->cover, e->err);
    body_field(r, &b, e);
    editor_actions(r, &b, e->w);
    help_block(r, &b);
    buf_lit(&b, "</div>\n");
    preview_pane(r, &b, e, &prev);
    buf_lit(&b, "</div>\n</form>\n");

    if (e->w)
        creator_editor_panels(r, &b, e->w->id, e->w->status); /* schedule, preview links, pin, collections */
    if (e->w)
        delete_form(r, &b, e->w);
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
    buf_free(&title);
    buf_free(&prev);
}

/* An editor showing the stored work w, with the overlap warning when check
 * (a check of w's text) found earlier works. */
static void editor_checked(hreq_t *r, int status, const work_t *w, const work_err_t *err, int saved,
                           const orig_result_t *check)
{
    buf_t tags = BUF_INIT;
    tags_joined(w, &tags);
    editor_t e = {.w = w,
                  .title = w->title,
                  .body = w->body,
                  .declaration = w->declaration ? w->declaration->code : "none",
                  .tags = buf_cstr(&tags),
                  .original = w->original,
                  .check = check,
                  .err = err,
                  .preview = 1,
                  .saved = saved,
                  .summary = w->summary,
                  .cover = w->cover};
    render_editor(r, status, &e);
    buf_free(&tags);
}

/* An editor showing the stored work w. */
static void editor_for(hreq_t *r, int status, const work_t *w, const work_err_t *err, int saved)
{
    editor_checked(r, status, w, err, saved, NULL);
}

/* The status a failed write answers with: the domain's, never below 400. */
static int err_status(const work_err_t *e)
{
    return e->status >= 400 ? e->status : 422;
}

/* The editor fields of a submitted form. */
typedef struct {
    const char *action, *title, *body, *declaration, *tags;
    int original; /* the 原创 box was ticked */
    const char *summary, *cover; /* NULL when the form had none */
} submitted_t;

static void read_fields(hreq_t *r, const form_t *f, submitted_t *s)
{
    s->action = form_get(f, "action");
    if (!s->action || !*s->action)
        s->action = "save";
    s->title = form_get(f, "title");
    s->body = lf_only(r, form_get(f, "body"));
    s->declaration = form_get(f, "declaration");
    s->tags = form_get(f, "tags");
    const char *o = form_get(f, "original");
    s->original = o && strcmp(o, "1") == 0;
    s->summary = lf_only(r, form_get(f, "summary"));
    s->cover = form_get(f, "cover");
}

/* A publish from the editor finished (publish.h): to the editor with the
 * "saved" notice, or the stored work's editor with the reason it could not
 * be published (an empty body, a taken-down work, a 原创 claim on a copy);
 * any edit was saved before. */
static void studio_publish_done(hreq_t *r, const char *id, int rc, const work_err_t *err)
{
    if (rc == 0) {
        char loc[64];
        snprintf(loc, sizeof loc, "/studio/%s?saved=1", id);
        rs_redirect(r, 303, loc);
        return;
    }
    work_t w;
    if (err->status >= 500 || work_get(r->db, id, &w) != 1) {
        rs_error(r, err->status >= 500 ? err->status : 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    editor_for(r, err_status(err), &w, err, 0);
    work_free(&w);
}

/* ---- handlers ---- */

/* GET /studio — the creator's own works, newest change first, every status
 * except deleted.
 * Query: before=TIME_ID  cursor (updated_at and id of the last row shown)
 *        deleted=1       show the "deleted" notice */
void studio_list(hreq_t *r)
{
    lang_t L = r->lang;
    work_query_t q = {.author_id = r->user.id, .include_drafts = 1, .limit = STUDIO_PAGE};
    const char *before = rq_query(r, "before");
    if (before && *before) {
        char *end;
        long long v = strtoll(before, &end, 10);
        if (v <= 0 || (*end && *end != '_') || (*end == '_' && strlen(end + 1) != WORK_ID_LEN)) {
            rs_error(r, 400, "bad_request", T(L, "err.bad_path"));
            return;
        }
        q.before = v;
        q.before_id = *end ? end + 1 : NULL;
    }
    work_list_t l;
    if (work_list(r->db, &q, &l) < 0) {
        rs_error(r, 500, "internal", T(L, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    page_meta_t m = {.noindex = 1};
    page_begin(r, &b, T(L, "work.my_works"), &m);
    buf_lit(&b, "<section class=\"studio\">\n<h1 class=\"page-title\">");
    buf_htmlz(&b, T(L, "work.my_works"));
    buf_lit(&b, "</h1>\n<p class=\"actions\"><a class=\"button\" href=\"/studio/new\">");
    buf_htmlz(&b, T(L, "work.new"));
    buf_lit(&b, "</a> <a href=\"/studio/notices\">");
    buf_htmlz(&b, T(L, "studio.notices"));
    buf_lit(&b, "</a> <a href=\"/studio/email\">");
    buf_htmlz(&b, T(L, "mail.title"));
    buf_lit(&b, "</a> <a href=\"/studio/portability\">"); /* portability */
    buf_htmlz(&b, T(L, "port.title"));
    buf_lit(&b, "</a></p>\n");
    newsletter_studio_count(r, &b);
    creator_studio_links(r, &b);
    /* Removed works are announced where the creator looks first. */
    db_stmt_t *td = db_prepare(r->db, "SELECT count(*) FROM takedowns t JOIN works w ON w.id = t.work_id "
                                      "WHERE w.author_id = :u AND t.status = 'active' AND t.comment_id IS NULL");
    db_bind_int(td, ":u", r->user.id);
    int64_t removed = db_step(td) == DB_ROW ? db_col_int(td, 0) : 0;
    db_done(td);
    if (removed) {
        buf_lit(&b, "<p class=\"error removed-banner\" role=\"alert\">");
        buf_hprintf(&b, T(L, "studio.removed_banner"), (long long)removed);
        buf_lit(&b, " <a href=\"/studio/notices\">");
        buf_htmlz(&b, T(L, "studio.notices"));
        buf_lit(&b, "</a></p>\n");
    }
    const char *deleted = rq_query(r, "deleted");
    if (deleted && strcmp(deleted, "1") == 0) {
        buf_lit(&b, "<p class=\"notice-ok\" role=\"status\">");
        buf_htmlz(&b, T(L, "studio.deleted"));
        buf_lit(&b, "</p>\n");
    }
    if (l.n == 0) {
        buf_lit(&b, "<p class=\"empty\">");
        buf_htmlz(&b, T(L, q.before ? "pages.empty" : "studio.empty"));
        buf_lit(&b, "</p>\n");
    } else {
        buf_lit(&b, "<div class=\"table-scroll\"><table class=\"studio-list\">\n<thead><tr><th scope=\"col\">");
        buf_htmlz(&b, T(L, "work.title"));
        buf_lit(&b, "</th><th scope=\"col\">");
        buf_htmlz(&b, T(L, "studio.col_status"));
        buf_lit(&b, "</th><th scope=\"col\">");
        buf_htmlz(&b, T(L, "studio.col_updated"));
        buf_lit(&b, "</th><th scope=\"col\" class=\"num\">");
        buf_htmlz(&b, T(L, "studio.col_views"));
        buf_lit(&b, "</th><th scope=\"col\">");
        buf_htmlz(&b, T(L, "studio.col_actions"));
        buf_lit(&b, "</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < l.n; i++) {
            const work_t *w = &l.items[i];
            buf_hprintf(&b, "<tr data-id=\"%s\"><td class=\"title\"><a href=\"/studio/%s\">", w->id, w->id);
            buf_htmlz(&b, w->title);
            buf_lit(&b, "</a></td><td>");
            status_badge(r, &b, w->status);
            sched_list_note(r, &b, w->id, w->status);
            if (w->prov.nsimilar) {
                buf_hprintf(&b, " <a class=\"overlap\" href=\"/studio/%s/originality\">", w->id);
                buf_htmlz(&b, T(L, "prov.overlap_badge"));
                buf_lit(&b, "</a>");
            }
            buf_hprintf(&b, "</td><td data-label=\"%s\">", T(L, "studio.col_updated"));
            time_el(&b, w->updated_at);
            buf_hprintf(&b, "</td><td class=\"num\" data-label=\"%s\">%lld</td><td class=\"row-actions\"><a "
                            "href=\"/studio/%s\">",
                        T(L, "studio.col_views"), (long long)w->views, w->id);
            buf_htmlz(&b, T(L, "work.edit"));
            buf_lit(&b, "</a>");
            if (strcmp(w->status, "taken_down") != 0) {
                buf_hprintf(&b, " · <a href=\"/a/%s\">", w->id);
                buf_htmlz(&b, T(L, strcmp(w->status, "published") == 0 ? "studio.view" : "studio.view_draft"));
                buf_lit(&b, "</a>");
            } else {
                /* Why it was removed and what the creator can do. */
                buf_lit(&b, " · <a href=\"/studio/notices\">");
                buf_htmlz(&b, T(L, "studio.notices"));
                buf_lit(&b, "</a>");
            }
            buf_lit(&b, "</td></tr>\n");
        }
        buf_lit(&b, "</tbody></table></div>\n");
    }
    if (l.more && l.n) {
        const work_t *last = &l.items[l.n - 1];
        buf_hprintf(&b, "<nav class=\"pager\"><a rel=\"next\" href=\"/studio?before=%lld_%s\">",
                    (long long)last->updated_at, last->id);
        buf_htmlz(&b, T(L, "pages.older"));
        buf_lit(&b, " →</a></nav>\n");
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
    work_list_free(&l);
}

/* GET /studio/new — an empty editor. */
void studio_new(hreq_t *r)
{
    editor_t e = {.declaration = "none"};
    autosave_t a;
    if (studio_autosave_wanted(r, "", &a) == 1) {
        e = (editor_t){.title = a.title, .body = a.body, .declaration = a.declaration, .tags = a.tags,
                       .summary = a.summary, .dirty = 1, .preview = 1, .from_autosave = 1};
        render_editor(r, 200, &e);
        autosave_free(&a);
        return;
    }
    render_editor(r, 200, &e);
}

/* POST /studio/new — create a draft, and publish it when action=publish.
 * Form: csrf, title, declaration, tags, body, action=save|publish|preview.
 * Success: 303 to /studio/ID?saved=1. action=preview re-renders the editor
 * with the preview filled and saves nothing. */
void studio_create(hreq_t *r)
{
    form_t f;
    if (get_form(r, &f) < 0)
        return;
    submitted_t s;
    read_fields(r, &f, &s);
    editor_t e = {.title = s.title, .body = s.body, .declaration = s.declaration, .tags = s.tags, .dirty = 1,
                  .original = s.original, .summary = s.summary, .cover = s.cover};
    if (strcmp(s.action, "preview") == 0) {
        e.preview = 1;
        render_editor(r, 200, &e);
        return;
    }
    int publish = strcmp(s.action, "publish") == 0;
    if (!publish && strcmp(s.action, "save") != 0) {
        rs_error(r, 400, "bad_action", T(r->lang, "studio.bad_action"));
        return;
    }
    work_input_t in = {.title = s.title ? s.title : "",
                       .body = s.body ? s.body : "",
                       .declaration = s.declaration && *s.declaration ? s.declaration : "none",
                       .tags = s.tags ? s.tags : "",
                       .set_original = 1,
                       .original = s.original,
                       .summary = s.summary ? s.summary : "",
                       .cover = s.cover ? s.cover : ""};
    char id[WORK_ID_LEN + 1];
    work_err_t err = {0};
    if (work_create(r->db, r->user.id, &in, id, &err) < 0) {
        if (err.status >= 500) {
            rs_error(r, err.status, "internal", T(r->lang, err.key));
            return;
        }
        e.err = &err;
        e.preview = 1;
        render_editor(r, err_status(&err), &e);
        return;
    }
    autosave_clear(r->db, r->user.id, ""); /* saved for real: the new work's autosave is spent */
    if (publish && review_hold(r, id) == 1) {
        rs_redirect(r, 303, "/studio/notices?review=1");
        return;
    }
    if (publish) {
        /* The draft exists now; the check runs on the worker pool and the
         * answer comes from studio_publish_done. */
        publish_async(r, id, studio_publish_done);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/studio/%s?saved=1", id);
    rs_redirect(r, 303, loc);
}

static void edit_checked(hreq_t *r, int rc, const orig_result_t *res, const char *hash, void *ctx)
{
    work_t w;
    if (!studio_own_work(r, &w))
        return;
    const char *saved = rq_query(r, "saved");
    /* The text may have changed meanwhile: then the result is not its. */
    int current = rc == 0 && strcmp(hash, w.content_hash) == 0;
    autosave_t a;
    if (studio_autosave_wanted(r, w.id, &a) == 1) {
        editor_t e = {.w = &w, .title = a.title, .body = a.body, .declaration = a.declaration, .tags = a.tags,
                      .original = w.original, .summary = a.summary, .cover = w.cover, .dirty = 1, .preview = 1,
                      .from_autosave = 1};
        render_editor(r, 200, &e);
        autosave_free(&a);
        work_free(&w);
        return;
    }
    editor_checked(r, 200, &w, NULL, saved && strcmp(saved, "1") == 0, current ? res : NULL);
    work_free(&w);
}

/* GET /studio/:id — the editor for one of the creator's works, with a
 * warning when its text overlaps earlier works by others (the check runs
 * on the worker pool first, as publishing would run it).
 * Query: saved=1  show the "saved" notice */
void studio_edit(hreq_t *r)
{
    work_t w;
    if (!studio_own_work(r, &w))
        return;
    publish_check_async(r, w.id, w.author_id, w.prov.seq, w.body, edit_checked, NULL, NULL);
    work_free(&w);
}

/* 1 when the submitted fields differ from the stored work. */
static int changed(const work_t *w, const submitted_t *s)
{
    buf_t tags = BUF_INIT;
    tags_joined(w, &tags);
    int c = (s->title && strcmp(s->title, w->title) != 0) || (s->body && strcmp(s->body, w->body) != 0) ||
            (s->declaration && strcmp(s->declaration, w->declaration ? w->declaration->code : "none") != 0) ||
            (s->tags && strcmp(s->tags, buf_cstr(&tags)) != 0) || s->original != w->original ||
            (s->summary && strcmp(s->summary, w->summary ? w->summary : "") != 0) ||
            (s->cover && strcmp(s->cover, w->cover) != 0);
    buf_free(&tags);
    return c;
}

/* A save in progress: what the form asked for (the strings live in the
 * request's memory), carried across the originality check when one runs. */
typedef struct {
    submitted_t s;
    int update, publish, unpublish;
} save_ctx_t;

static work_input_t save_input(const submitted_t *s)
{
    work_input_t in = {.title = s->title,
                       .body = s->body,
                       .declaration = s->declaration,
                       .tags = s->tags,
                       .set_original = 1,
                       .original = s->original,
                       .summary = s->summary,
                       .cover = s->cover};
    if (in.declaration && !*in.declaration)
        in.declaration = "none";
    return in;
}

/* The rest of a save once any originality check is done (pre: its result
 * for the text with content hash pre_hash, or NULL). */
static void save_finish(hreq_t *r, const save_ctx_t *c, const orig_result_t *pre, const char *pre_hash)
{
    work_t w;
    if (!studio_own_work(r, &w))
        return;
    const submitted_t *s = &c->s;
    editor_t e = {.w = &w,
                  .title = s->title,
                  .body = s->body,
                  .declaration = s->declaration,
                  .tags = s->tags,
                  .original = s->original,
                  .dirty = 1,
                  .preview = 1,
                  .summary = s->summary,
                  .cover = s->cover};
    work_err_t err = {0};
    if (c->update) {
        work_input_t in = save_input(s);
        if (work_update_checked(r->db, w.id, &in, pre, pre_hash, &err) < 0) {
            if (err.status >= 500 || err.status == 404)
                rs_error(r, err.status, err.status == 404 ? "not_found" : "internal", T(r->lang, err.key));
            else {
                e.err = &err;
                render_editor(r, err_status(&err), &e);
            }
            work_free(&w);
            return;
        }
    }
    if (c->publish && review_hold(r, w.id) == 1) {
        work_free(&w);
        rs_redirect(r, 303, "/studio/notices?review=1");
        return;
    }
    if (c->publish) {
        publish_async(r, w.id, studio_publish_done);
        work_free(&w);
        return;
    }
    int rc = 0;
    if (c->unpublish && strcmp(w.status, "published") == 0)
        rc = work_unpublish(r->db, w.id, &err);
    if (rc < 0) {
        /* Any edit is saved; show the stored work with the reason (451 for a
         * taken-down work, 422 for an empty body). */
        work_t now;
        if (err.status >= 500 || work_get(r->db, w.id, &now) != 1) {
            work_free(&w);
            rs_error(r, err.status >= 500 ? err.status : 500, "internal", T(r->lang, "err.internal"));
            return;
        }
        editor_for(r, err_status(&err), &now, &err, 0);
        work_free(&now);
        work_free(&w);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/studio/%s?saved=1", w.id);
    work_free(&w);
    rs_redirect(r, 303, loc);
}

static void save_checked(hreq_t *r, int rc, const orig_result_t *res, const char *hash, void *ctx)
{
    save_finish(r, ctx, rc == 0 ? res : NULL, hash);
}

/* POST /studio/:id — save (always a new revision), publish or unpublish
 * (each saving first when the fields changed), or preview (saves nothing).
 * Form: csrf, title, declaration, tags, original, body,
 *       action=save|publish|unpublish|preview.
 * Success: 303 to /studio/ID?saved=1. When the save needs the originality
 * check (a published work's text changed, a 原创 claim), it runs on the
 * worker pool first; publishing checks there too (publish.h). */
void studio_save(hreq_t *r)
{
    work_t w;
    if (!studio_own_work(r, &w))
        return;
    form_t f;
    if (get_form(r, &f) < 0) {
        work_free(&w);
        return;
    }
    save_ctx_t *c = rq_alloc(r, sizeof *c); /* lives as long as the request */
    memset(c, 0, sizeof *c);
    read_fields(r, &f, &c->s);
    const char *a = c->s.action;
    if (strcmp(a, "preview") == 0) {
        editor_t e = {.w = &w,
                      .title = c->s.title,
                      .body = c->s.body,
                      .declaration = c->s.declaration,
                      .tags = c->s.tags,
                      .original = c->s.original,
                      .dirty = 1,
                      .preview = 1,
                      .summary = c->s.summary,
                      .cover = c->s.cover};
        render_editor(r, 200, &e);
        work_free(&w);
        return;
    }
    int save = strcmp(a, "save") == 0;
    c->publish = strcmp(a, "publish") == 0;
    c->unpublish = strcmp(a, "unpublish") == 0;
    if (!save && !c->publish && !c->unpublish) {
        work_free(&w);
        rs_error(r, 400, "bad_action", T(r->lang, "studio.bad_action"));
        return;
    }
    c->update = save || changed(&w, &c->s);
    if (c->update) {
        work_input_t in = save_input(&c->s);
        work_err_t verr;
        const char *check_body;
        int64_t before_seq;
        if (work_validate(&in, 0, &verr) == 0 && work_update_needs_check(&w, &in, &check_body, &before_seq)) {
            publish_check_async(r, w.id, w.author_id, before_seq, check_body, save_checked, c, NULL);
            work_free(&w);
            return;
        }
    }
    work_free(&w);
    save_finish(r, c, NULL, NULL);
}

/* POST /studio/:id/delete — without confirm=1, a page asking to confirm
 * (works without JavaScript); with it, delete and 303 to /studio?deleted=1.
 * Form: csrf, confirm */
void studio_delete(hreq_t *r)
{
    lang_t L = r->lang;
    work_t w;
    if (!studio_own_work(r, &w))
        return;
    form_t f;
    if (get_form(r, &f) < 0) {
        work_free(&w);
        return;
    }
    const char *confirm = form_get(&f, "confirm");
    if (!confirm || strcmp(confirm, "1") != 0) {
        buf_t b = BUF_INIT;
        page_meta_t m = {.noindex = 1};
        page_begin(r, &b, T(L, "studio.delete_title"), &m);
        buf_lit(&b, "<section class=\"studio-confirm\">\n<h1 class=\"page-title\">");
        buf_htmlz(&b, T(L, "studio.delete_title"));
        buf_lit(&b, "</h1>\n<p class=\"confirm-work\"><strong>");
        buf_htmlz(&b, w.title);
        buf_lit(&b, "</strong> ");
        status_badge(r, &b, w.status);
        buf_lit(&b, "</p>\n<p>");
        buf_htmlz(&b, T(L, "studio.delete_text"));
        buf_hprintf(&b, "</p>\n<form class=\"actions\" method=\"post\" action=\"/studio/%s/delete\">", w.id);
        page_csrf_field(r, &b);
        buf_lit(&b, "<input type=\"hidden\" name=\"confirm\" value=\"1\"><button type=\"submit\" class=\"danger\">");
        buf_htmlz(&b, T(L, "studio.delete_confirm"));
        buf_hprintf(&b, "</button> <a class=\"button secondary\" href=\"/studio/%s\">", w.id);
        buf_htmlz(&b, T(L, "studio.cancel"));
        buf_lit(&b, "</a></form>\n</section>\n");
        page_send(r, &b, 200);
        work_free(&w);
        return;
    }
    work_err_t err = {0};
    int rc = work_delete(r->db, w.id, &err);
    work_free(&w);
    if (rc < 0) {
        rs_error(r, err_status(&err), err.status == 404 ? "not_found" : "internal", T(L, err.key));
        return;
    }
    rs_redirect(r, 303, "/studio?deleted=1");
}

/* POST /studio/preview — the live preview: the body rendered as an HTML
 * fragment (text/html), with a warning line for empty picture embeds.
 * Form: csrf, body */
void studio_preview(hreq_t *r)
{
    form_t f;
    if (get_form(r, &f) < 0)
        return;
    const char *body = lf_only(r, form_get(&f, "body"));
    buf_t b = BUF_INIT;
    if (render_preview(r, &b, body ? body : "") < 0) {
        buf_free(&b);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    rs_send(r, 200, "text/html; charset=utf-8", buf_cstr(&b), b.len);
    buf_free(&b);
}

/* ---- revisions ---- */

/* Revisions are written by work.c (one per create/update); the studio only
 * reads them here and restores through work_update(), so a restore is itself
 * a new revision and history is never rewritten. */

/* Parse path parameter i as a revision number; 0 when not one. */
static int param_rev(hreq_t *r, int i)
{
    const char *s = rq_param(r, i);
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 1 || v > 1000000000L || s[0] == '0')
        return 0;
    return (int)v;
}

typedef struct {
    int rev;
    char *title, *body, *declaration, *tags;
    int64_t created_at;
} revision_t;

static void revision_free(revision_t *v)
{
    free(v->title);
    free(v->body);
    free(v->declaration);
    free(v->tags);
    memset(v, 0, sizeof *v);
}

static char *xdup(const char *s)
{
    char *p = xstrdup(s);
    return p;
}

/* 1 found and *v filled (free with revision_free), 0 not found, -1 error. */
static int revision_get(db_t *db, const char *id, int rev, revision_t *v)
{
    memset(v, 0, sizeof *v);
    db_stmt_t *st = db_prepare(db, "SELECT rev, title, body, declaration, tags, created_at FROM revisions "
                                   "WHERE work_id = :id AND rev = :rev");
    db_bind_text(st, ":id", id);
    db_bind_int(st, ":rev", rev);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        v->rev = (int)db_col_int(st, 0);
        v->title = xdup(db_col_text(st, 1));
        v->body = xdup(db_col_text(st, 2));
        v->declaration = xdup(db_col_text(st, 3));
        v->tags = xdup(db_col_text(st, 4));
        v->created_at = db_col_int(st, 5);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* GET /studio/:id/revisions — the work's revisions, newest first.
 * Query: before=REV  cursor (show revisions older than REV) */
void studio_revisions(hreq_t *r)
{
    lang_t L = r->lang;
    work_t w;
    if (!studio_own_work(r, &w))
        return;
    long before = 0;
    const char *bq = rq_query(r, "before");
    if (bq && *bq) {
        char *end;
        before = strtol(bq, &end, 10);
        if (*end || before < 1) {
            work_free(&w);
            rs_error(r, 400, "bad_request", T(L, "err.bad_path"));
            return;
        }
    }
    buf_t b = BUF_INIT, title = BUF_INIT;
    buf_rawz(&title, T(L, "work.revisions")); /* raw: text */
    buf_lit(&title, " · ");
    buf_rawz(&title, w.title); /* raw: text */
    page_meta_t m = {.noindex = 1};
    page_begin(r, &b, buf_cstr(&title), &m);
    studio_crumbs(r, &b, "studio-revisions", &w);
    buf_lit(&b, "</p>\n<h1 class=\"page-title\">");
    buf_htmlz(&b, T(L, "work.revisions"));
    buf_lit(&b, "</h1>\n<div class=\"table-scroll\"><table class=\"studio-list revision-list\">\n<thead><tr>"
                "<th scope=\"col\">");
    buf_htmlz(&b, T(L, "studio.rev_col"));
    buf_lit(&b, "</th><th scope=\"col\">");
    buf_htmlz(&b, T(L, "studio.rev_time"));
    buf_lit(&b, "</th><th scope=\"col\">");
    buf_htmlz(&b, T(L, "work.title"));
    buf_lit(&b, "</th></tr></thead>\n<tbody>\n");
    db_stmt_t *st = db_prepare(r->db, "SELECT rev, title, created_at FROM revisions WHERE work_id = :id "
                                      "AND (:before = 0 OR rev < :before) ORDER BY rev DESC LIMIT :lim");
    db_bind_text(st, ":id", w.id);
    db_bind_int(st, ":before", before);
    db_bind_int(st, ":lim", REV_PAGE + 1);
    int n = 0, last = 0, more = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == REV_PAGE) {
            more = 1;
            break;
        }
        int rev = (int)db_col_int(st, 0);
        buf_hprintf(&b, "<tr><td><a href=\"/studio/%s/revisions/%d\">%d</a>", w.id, rev, rev);
        if (rev == w.rev) {
            buf_lit(&b, " <span class=\"status\">");
            buf_htmlz(&b, T(L, "studio.current"));
            buf_lit(&b, "</span>");
        }
        if (rev > 1) { /* reading: what this revision changed */
            buf_hprintf(&b, " · <a class=\"compare-prev\" href=\"/studio/%s/compare?from=%d&amp;to=%d\">", w.id,
                        rev - 1, rev);
            buf_htmlz(&b, T(L, "studio.compare"));
            buf_lit(&b, "</a>");
        }
        buf_lit(&b, "</td><td>");
        time_el(&b, db_col_int(st, 2));
        buf_lit(&b, "</td><td>");
        buf_htmlz(&b, db_col_text(st, 1));
        buf_lit(&b, "</td></tr>\n");
        last = rev;
        n++;
    }
    db_done(st);
    if (rc == DB_ERROR) {
        buf_free(&b);
        buf_free(&title);
        work_free(&w);
        rs_error(r, 500, "internal", T(L, "err.internal"));
        return;
    }
    buf_lit(&b, "</tbody></table></div>\n");
    if (w.rev > 1)
        studio_compare_form(r, &b, &w); /* reading: any two revisions */
    if (more) {
        buf_hprintf(&b, "<nav class=\"pager\"><a rel=\"next\" href=\"/studio/%s/revisions?before=%d\">", w.id, last);
        buf_htmlz(&b, T(L, "studio.older_revs"));
        buf_lit(&b, " →</a></nav>\n");
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
    buf_free(&title);
    work_free(&w);
}

/* The creator's own work :id and its revision :rev, or answer (403, 404,
 * 500) and return 0. On 1 the caller frees both. */
static int load_own_revision(hreq_t *r, work_t *w, revision_t *v, int *rev)
{
    if (!studio_own_work(r, w))
        return 0;
    *rev = param_rev(r, 1);
    int rc = *rev ? revision_get(r->db, w->id, *rev, v) : 0;
    if (rc <= 0) {
        work_free(w);
        if (rc < 0)
            rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        else
            rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return 0;
    }
    return 1;
}

/* GET /studio/:id/revisions/:rev — one revision, rendered, with a form that
 * restores it. */
void studio_revision(hreq_t *r)
{
    lang_t L = r->lang;
    work_t w;
    revision_t v;
    int rev;
    if (!load_own_revision(r, &w, &v, &rev))
        return;
    buf_t html = BUF_INIT;
    if (media_render(r->db, v.body, strlen(v.body), &html, NULL) < 0) {
        buf_free(&html);
        revision_free(&v);
        work_free(&w);
        rs_error(r, 500, "internal", T(L, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT, title = BUF_INIT;
    buf_rawz(&title, T(L, "studio.rev_col")); /* raw: text */
    buf_printf(&title, " %d · ", rev);
    buf_rawz(&title, v.title); /* raw: text */
    page_meta_t m = {.noindex = 1};
    page_begin(r, &b, buf_cstr(&title), &m);
    studio_crumbs(r, &b, "studio-revision", &w);
    buf_hprintf(&b, " › <a href=\"/studio/%s/revisions\">", w.id);
    buf_htmlz(&b, T(L, "work.revisions"));
    buf_lit(&b, "</a></p>\n<h1 class=\"page-title\">");
    buf_htmlz(&b, T(L, "studio.rev_col"));
    buf_hprintf(&b, " %d", rev);
    if (rev == w.rev) {
        buf_lit(&b, " <span class=\"status\">");
        buf_htmlz(&b, T(L, "studio.current"));
        buf_lit(&b, "</span>");
    }
    buf_lit(&b, "</h1>\n<p class=\"meta\">");
    buf_htmlz(&b, T(L, "studio.rev_time"));
    buf_lit(&b, " ");
    time_el(&b, v.created_at);
    if (*v.tags) {
        buf_lit(&b, " · ");
        buf_htmlz(&b, T(L, "pages.tags"));
        buf_lit(&b, ": ");
        buf_htmlz(&b, v.tags);
    }
    buf_lit(&b, "</p>\n");
    if (rev != w.rev) {
        buf_hprintf(&b, "<form class=\"restore-form\" method=\"post\" action=\"/studio/%s/revisions/%d/restore\">",
                    w.id, rev);
        page_csrf_field(r, &b);
        buf_lit(&b, "<button type=\"submit\">");
        buf_htmlz(&b, T(L, "studio.restore_rev"));
        buf_lit(&b, "</button> <span class=\"hint\">");
        buf_htmlz(&b, T(L, "studio.restore_hint"));
        buf_lit(&b, "</span></form>\n");
        buf_hprintf(&b, "<p><a href=\"/studio/%s/compare?from=%d&amp;to=%d\">", w.id, rev, w.rev);
        buf_htmlz(&b, T(L, "studio.compare"));
        buf_hprintf(&b, " %d → %d</a></p>\n", rev, w.rev);
    }
    buf_lit(&b, "<article class=\"work revision\">\n<h2 class=\"revision-title\">");
    buf_htmlz(&b, v.title);
    buf_lit(&b, "</h2>\n");
    page_declaration(r, &b, declaration_find(v.declaration));
    buf_lit(&b, "<div class=\"body\">\n");
    buf_raw(&b, html.p, html.len); /* raw: md_to_html output, sanitised */
    buf_lit(&b, "</div>\n</article>\n</section>\n");
    page_send(r, &b, 200);
    buf_free(&title);
    buf_free(&html);
    revision_free(&v);
    work_free(&w);
}

/* POST /studio/:id/revisions/:rev/restore — save revision REV's title,
 * body, declaration and tags as a new revision; 303 to the editor.
 * Form: csrf */
void studio_restore(hreq_t *r)
{
    lang_t L = r->lang;
    work_t w;
    revision_t v;
    int rev;
    if (!load_own_revision(r, &w, &v, &rev))
        return;
    work_input_t in = {.title = v.title, .body = v.body, .declaration = v.declaration, .tags = v.tags};
    work_err_t err = {0};
    int rc = work_update(r->db, w.id, &in, &err);
    revision_free(&v);
    if (rc < 0) {
        work_free(&w);
        rs_error(r, err_status(&err), err.status == 404 ? "not_found" : err.status >= 500 ? "internal" : "invalid",
                 T(L, err.key));
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/studio/%s?saved=1", w.id);
    work_free(&w);
    rs_redirect(r, 303, loc);
}
