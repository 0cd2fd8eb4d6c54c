/*
 * profile.c — see profile.h. Owned by the people part (issue 18). Handlers
 * run on a loop thread; the avatar's decoding runs in the media pipeline
 * (worker pool and helper process), its result comes back to avatar_done
 * on the loop.
 */
#include "site/people/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/changed.h"
#include "core/text.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/works/media.h"

static int refuse(profile_err_t *e, int status, const char *key, const char *field)
{
    e->status = status, e->key = key, e->field = field;
    return -1;
}

static int name_ok(const char *s)
{
    if (!s)
        return 0;
    size_t n = strlen(s);
    return !text_blank(s) && text_valid_line(s, n) && text_chars(s, n) <= PROFILE_NAME_MAX;
}

static int bio_ok(const char *s)
{
    size_t n = strlen(s);
    return text_valid(s, n) && text_chars(s, n) <= PROFILE_BIO_MAX;
}

int profile_save(db_t *db, int64_t user_id, const char *name, const char *bio, profile_err_t *e)
{
    if (!name_ok(name))
        return refuse(e, 422, "profile.err.name", "name");
    if (!bio)
        bio = "";
    if (!bio_ok(bio))
        return refuse(e, 422, "profile.err.bio", "bio");
    /* The name trimmed of the spaces around it (as typed otherwise). */
    const char *p = name;
    size_t n = strlen(name);
    text_trim(&p, &n);
    char trimmed[PROFILE_NAME_MAX * 4 + 1];
    snprintf(trimmed, sizeof trimmed, "%.*s", (int)n, p);
    db_stmt_t *st = db_prepare(db, "UPDATE users SET display_name = :n, bio = :b WHERE id = :id");
    db_bind_text(st, ":n", trimmed);
    db_bind_text(st, ":b", bio);
    db_bind_int(st, ":id", user_id);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    return ok ? 0 : refuse(e, 500, "err.internal", NULL);
}

int profile_set_avatar(db_t *db, int64_t user_id, const char *media_id, profile_err_t *e)
{
    if (*media_id) {
        db_stmt_t *st = db_prepare(db, "SELECT 1 FROM media WHERE id = :m AND owner_id = :u AND kind = 'image'");
        db_bind_text(st, ":m", media_id);
        db_bind_int(st, ":u", user_id);
        int mine = db_step(st) == DB_ROW;
        db_done(st);
        if (!mine)
            return refuse(e, 422, "profile.err.avatar", "avatar");
    }
    db_stmt_t *st = db_prepare(db, "UPDATE users SET avatar = :m WHERE id = :u");
    db_bind_text(st, ":m", media_id);
    db_bind_int(st, ":u", user_id);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    return ok ? 0 : refuse(e, 500, "err.internal", NULL);
}

/* <img> of the avatar media_id at size px, from its smallest variant (the
 * picture itself when it has none); nothing when media_id is unknown. */
static void avatar_img(hreq_t *r, buf_t *b, const char *media_id, int size, const char *alt)
{
    db_stmt_t *st = db_prepare(r->db, "SELECT variants FROM media WHERE id = :m AND kind = 'image'");
    db_bind_text(st, ":m", media_id);
    if (db_step(st) == DB_ROW) {
        const char *v = db_col_text(st, 0);
        int best = 0;
        for (const char *p = v; *p;) {
            int w = atoi(p);
            if (w > 0 && (best == 0 || w < best))
                best = w;
            p += strcspn(p, ",");
            if (*p == ',')
                p++;
        }
        buf_lit(b, "<img class=\"avatar\" src=\"/m/");
        buf_htmlz(b, media_id);
        if (best)
            buf_hprintf(b, "/w%d.webp", best);
        buf_hprintf(b, "\" width=\"%d\" height=\"%d\" alt=\"%s\">", size, size, alt);
    }
    db_done(st);
}

void profile_author_head(hreq_t *r, buf_t *b, int64_t user_id)
{
    db_stmt_t *st = db_prepare(r->db, "SELECT avatar, bio, display_name FROM users WHERE id = :u");
    db_bind_int(st, ":u", user_id);
    if (db_step(st) == DB_ROW) {
        char *avatar = rq_strdup(r, db_col_text(st, 0));
        char *bio = rq_strdup(r, db_col_text(st, 1));
        char *name = rq_strdup(r, db_col_text(st, 2));
        db_done(st);
        if (*avatar) {
            buf_t alt = BUF_INIT;
            buf_printf(&alt, r->lang == LANG_EN ? "%s's avatar" : "%s的头像", name); /* raw: text, escaped by buf_hprintf */
            avatar_img(r, b, avatar, 72, buf_cstr(&alt));
            buf_free(&alt);
        }
        if (*bio) {
            /* Plain text; its line breaks shown by CSS (white-space). */
            buf_lit(b, "<p class=\"profile-bio\">");
            buf_htmlz(b, bio);
            buf_lit(b, "</p>");
        }
        /* One's own page (never cached: signed in) links to the profile. */
        if (r->user.id == user_id)
            buf_hprintf(b, "<p class=\"profile-edit\"><a href=\"/account/profile\">%s</a></p>", T(r->lang, "profile.edit"));
        return;
    }
    db_done(st);
}

/* ---- the page ---- */

typedef struct {
    int status;
    const char *field; /* at fault: "name", "bio" or "avatar" */
    const char *msg;
    const char *name, *bio; /* as typed */
} redo_t;

/* A message next to field f (when it is the one at fault). */
static void field_error(buf_t *b, const redo_t *redo, const char *f)
{
    if (redo && redo->field && strcmp(redo->field, f) == 0)
        buf_hprintf(b, "<span class=\"field-error\" id=\"p-%s-err\" role=\"alert\">%s</span>", f, redo->msg);
}

static void invalid_attrs(buf_t *b, const redo_t *redo, const char *f)
{
    if (redo && redo->field && strcmp(redo->field, f) == 0)
        buf_hprintf(b, " aria-invalid=\"true\" aria-describedby=\"p-%s-err\"", f);
}

static void render(hreq_t *r, const redo_t *redo)
{
    lang_t L = r->lang;
    db_stmt_t *st = db_prepare(r->db, "SELECT display_name, bio, avatar FROM users WHERE id = :u");
    db_bind_int(st, ":u", r->user.id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        rs_error(r, 500, "internal", T(L, "err.internal"));
        return;
    }
    char *name = rq_strdup(r, db_col_text(st, 0));
    char *bio = rq_strdup(r, db_col_text(st, 1));
    char *avatar = rq_strdup(r, db_col_text(st, 2));
    db_done(st);
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "profile", T(L, "profile.title"));
    buf_hprintf(&b, "<p><a href=\"/u/%s\">%s</a> · <a href=\"/account/security\">%s</a></p>\n", r->user.handle,
                T(L, "profile.view"), T(L, "profile.security"));
    if (rq_query(r, "saved"))
        fk_ok(&b, T(L, "profile.saved"));
    if (redo && redo->msg && !redo->field)
        fk_alert(&b, redo->msg);

    /* The avatar: its own form, a file upload that needs no script. */
    buf_hprintf(&b, "<h2>%s</h2>\n<div class=\"avatar-row\">", T(L, "profile.avatar"));
    if (*avatar)
        avatar_img(r, &b, avatar, 96, T(L, "profile.avatar_current"));
    else
        buf_hprintf(&b, "<p class=\"hint\">%s</p>", T(L, "profile.avatar_none"));
    buf_lit(&b, "</div>\n<form method=\"post\" action=\"/account/profile/avatar\" enctype=\"multipart/form-data\" "
                "class=\"stack\">");
    page_csrf_field(r, &b);
    buf_hprintf(&b, "<p><label for=\"p-avatar\">%s</label><input type=\"file\" id=\"p-avatar\" name=\"file\" "
                    "accept=\"image/jpeg,image/png,image/webp,image/gif,image/avif\" required",
                T(L, "profile.avatar_file"));
    invalid_attrs(&b, redo, "avatar");
    buf_lit(&b, ">");
    field_error(&b, redo, "avatar");
    buf_hprintf(&b, "</p><p class=\"field-help\">%s</p><p><button type=\"submit\">%s</button></p></form>\n",
                T(L, "profile.avatar_help"), T(L, "profile.avatar_upload"));
    if (*avatar) {
        buf_lit(&b, "<form method=\"post\" action=\"/account/profile/avatar/remove\">");
        page_csrf_field(r, &b);
        buf_hprintf(&b, "<p><button type=\"submit\" class=\"secondary\">%s</button></p></form>\n",
                    T(L, "profile.avatar_remove"));
    }

    /* Name and bio. */
    buf_hprintf(&b, "<h2>%s</h2>\n", T(L, "profile.details"));
    fk_form_begin(r, &b, "/account/profile");
    buf_hprintf(&b, "<p><label for=\"p-name\">%s</label><input type=\"text\" id=\"p-name\" name=\"name\" "
                    "maxlength=\"%d\" required autocomplete=\"nickname\"",
                T(L, "profile.name"), PROFILE_NAME_MAX);
    invalid_attrs(&b, redo, "name");
    buf_lit(&b, " value=\"");
    buf_htmlz(&b, redo && redo->name ? redo->name : name);
    buf_lit(&b, "\">");
    field_error(&b, redo, "name");
    buf_hprintf(&b, "</p>\n<p><label for=\"p-bio\">%s</label><textarea class=\"fk\" id=\"p-bio\" name=\"bio\" rows=\"4\" "
                    "maxlength=\"%d\"",
                T(L, "profile.bio"), PROFILE_BIO_MAX);
    invalid_attrs(&b, redo, "bio");
    buf_lit(&b, ">");
    buf_htmlz(&b, redo && redo->bio ? redo->bio : bio);
    buf_lit(&b, "</textarea>");
    field_error(&b, redo, "bio");
    buf_hprintf(&b, "</p><p class=\"field-help\">%s</p>\n", T(L, "profile.bio_help"));
    fk_form_end(&b, T(L, "profile.save"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, redo && redo->status ? redo->status : 200);
}

/* GET /account/profile — the signed-in user's own profile. Query: saved. */
void profile_page(hreq_t *r)
{
    render(r, NULL);
}

/* POST /account/profile — fields name, bio. 303 back; 422 with the
 * message next to the field and the text as typed, nothing saved. */
void profile_post(hreq_t *r)
{
    form_t f;
    rq_form(r, &f);
    const char *name = form_get(&f, "name"), *bio = form_get(&f, "bio");
    char *clean = NULL;
    if (bio) {
        /* Browsers send CRLF in textareas; store LF. */
        clean = rq_strdup(r, bio);
        size_t o = 0;
        for (const char *p = bio; *p; p++)
            if (*p != '\r')
                clean[o++] = *p;
        clean[o] = 0;
    }
    profile_err_t e = {0};
    if (profile_save(r->db, r->user.id, name, clean, &e) < 0) {
        if (e.status >= 500) {
            rs_error(r, e.status, "internal", T(r->lang, e.key));
            return;
        }
        redo_t redo = {e.status, e.field, T(r->lang, e.key), name ? name : "", bio ? bio : ""};
        render(r, &redo);
        return;
    }
    changed_signal(); /* the author page and the cards show the name */
    rs_redirect(r, 303, "/account/profile?saved=1");
}

/* The upload's outcome (media_upload_form), on the loop. */
static void avatar_done(hreq_t *r, const media_form_result_t *res)
{
    if (res->status == 403) {
        rs_error(r, 403, "csrf", T(r->lang, "err.csrf"));
        return;
    }
    profile_err_t e = {0};
    if (res->media_id && profile_set_avatar(r->db, r->user.id, res->media_id, &e) == 0) {
        changed_signal();
        rs_redirect(r, 303, "/account/profile?saved=1");
        return;
    }
    buf_t msg = BUF_INIT;
    buf_rawz(&msg, T(r->lang, res->media_id ? e.key : res->key)); /* raw: text, escaped where it is shown */
    if (!res->media_id && res->detail) {
        buf_lit(&msg, " (");
        buf_rawz(&msg, res->detail); /* raw: text */
        buf_lit(&msg, ")");
    }
    int status = res->media_id ? e.status : res->status;
    redo_t redo = {status >= 400 ? status : 422, "avatar", rq_strdup(r, buf_cstr(&msg)), NULL, NULL};
    buf_free(&msg);
    render(r, &redo);
}

/* POST /account/profile/avatar — multipart: csrf, file (a picture). */
void profile_avatar_post(hreq_t *r)
{
    media_upload_form(r, 1, avatar_done);
}

/* POST /account/profile/avatar/remove — back to no avatar (the picture
 * stays among the user's uploads). */
void profile_avatar_remove(hreq_t *r)
{
    profile_err_t e = {0};
    if (profile_set_avatar(r->db, r->user.id, "", &e) < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    changed_signal();
    rs_redirect(r, 303, "/account/profile?saved=1");
}
