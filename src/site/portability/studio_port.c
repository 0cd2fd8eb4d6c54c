/*
 * studio_port.c — see studio_port.h. Owned by site/portability; loop
 * threads (the import upload's parsing and writing on the worker pool).
 */
#include "site/portability/studio_port.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "http/pool.h"
#include "http/router.h"
#include "media/multipart.h"
#include "site/layout.h"
#include "site/portability/worker.h"

static void job_row(hreq_t *r, buf_t *b, db_stmt_t *st)
{
    lang_t L = r->lang;
    int64_t id = db_col_int(st, 0);
    const char *kind = db_col_text(st, 1), *status = db_col_text(st, 2);
    int64_t done = db_col_int(st, 3), total = db_col_int(st, 4);
    const char *report = db_col_text(st, 5);
    int has_file = db_col_text(st, 6)[0] != 0;
    int64_t created = db_col_int(st, 7), expires = db_col_is_null(st, 8) ? 0 : db_col_int(st, 8);
    const char *name = db_col_text(st, 9);
    char key[48];
    buf_hprintf(b, "<li class=\"port-job\" id=\"job-%lld\"><p><strong>", (long long)id);
    snprintf(key, sizeof key, "port.kind_%s", kind);
    buf_htmlz(b, T(L, key));
    buf_lit(b, "</strong> ");
    if (*name) {
        buf_htmlz(b, name);
        buf_ch(b, ' ');
    }
    page_time(b, created);
    buf_lit(b, " · ");
    snprintf(key, sizeof key, "port.status_%s", status);
    buf_htmlz(b, T(L, key));
    buf_lit(b, "</p>");
    if (!strcmp(status, "running") || !strcmp(status, "queued"))
        buf_hprintf(b, "<p><progress max=\"%lld\" value=\"%lld\">%lld / %lld</progress> %lld / %lld</p>",
                    (long long)(total > 0 ? total : 1), (long long)done, (long long)done, (long long)total,
                    (long long)done, (long long)total);
    if (!strcmp(kind, "export") && !strcmp(status, "done")) {
        if (has_file && expires > now_s()) {
            buf_hprintf(b, "<p><a class=\"button\" href=\"/studio/portability/%lld/download\">", (long long)id);
            buf_htmlz(b, T(L, "port.download"));
            buf_lit(b, "</a> ");
            buf_htmlz(b, T(L, "port.until"));
            buf_ch(b, ' ');
            page_time(b, expires);
            buf_lit(b, "</p>");
        } else {
            buf_lit(b, "<p>");
            buf_htmlz(b, T(L, "port.expired"));
            buf_lit(b, "</p>");
        }
    }
    if (*report) {
        buf_lit(b, "<pre class=\"port-report\">");
        buf_htmlz(b, report);
        buf_lit(b, "</pre>");
    }
    buf_lit(b, "</li>\n");
}

void port_studio_page(hreq_t *r)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "studio port", T(L, "port.title"));
    buf_lit(&b, "<p>");
    buf_htmlz(&b, T(L, "port.intro"));
    buf_lit(&b, "</p>\n<h2>");
    buf_htmlz(&b, T(L, "port.export_h"));
    buf_lit(&b, "</h2>\n<form method=\"post\" action=\"/studio/portability/export\" class=\"stack\">");
    page_csrf_field(r, &b);
    buf_lit(&b, "<p>");
    buf_htmlz(&b, T(L, "port.export_help"));
    buf_lit(&b, "</p><p><label><input type=\"checkbox\" name=\"revisions\" value=\"1\"> ");
    buf_htmlz(&b, T(L, "port.revisions"));
    buf_lit(&b, "</label></p><p><button type=\"submit\">");
    buf_htmlz(&b, T(L, "port.export_btn"));
    buf_lit(&b, "</button></p></form>\n<h2>");
    buf_htmlz(&b, T(L, "port.import_h"));
    buf_lit(&b, "</h2>\n<form method=\"post\" action=\"/studio/portability/import\" enctype=\"multipart/form-data\" "
                "class=\"stack\">");
    page_csrf_field(r, &b);
    buf_lit(&b, "<p>");
    buf_htmlz(&b, T(L, "port.import_help"));
    buf_lit(&b, "</p><p><label for=\"port-file\">");
    buf_htmlz(&b, T(L, "port.file"));
    buf_lit(&b, "</label><br><input type=\"file\" id=\"port-file\" name=\"file\" required></p>"
                "<p><label><input type=\"checkbox\" name=\"pages\" value=\"1\"> ");
    buf_htmlz(&b, T(L, "port.pages"));
    buf_lit(&b, "</label></p><p><button type=\"submit\">");
    buf_htmlz(&b, T(L, "port.import_btn"));
    buf_lit(&b, "</button></p></form>\n<h2>");
    buf_htmlz(&b, T(L, "port.jobs_h"));
    buf_lit(&b, "</h2>\n");
    db_stmt_t *st = db_prepare(r->db, "SELECT id, kind, status, done, total, report, file, created_at, expires_at, "
                                      "name FROM port_jobs WHERE user_id = :u ORDER BY id DESC LIMIT 20");
    db_bind_int(st, ":u", r->user.id);
    int n = 0;
    while (db_step(st) == DB_ROW) {
        if (n++ == 0)
            buf_lit(&b, "<ul class=\"port-jobs\">\n");
        job_row(r, &b, st);
    }
    db_done(st);
    if (n) {
        buf_lit(&b, "</ul>\n<p><a href=\"/studio/portability\">");
        buf_htmlz(&b, T(L, "port.refresh"));
        buf_lit(&b, "</a></p>\n");
    } else {
        buf_lit(&b, "<p>");
        buf_htmlz(&b, T(L, "port.none"));
        buf_lit(&b, "</p>\n");
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
}

static int queue(hreq_t *r, const char *kind, const char *options, const char *file, const char *name)
{
    db_stmt_t *st = db_prepare(r->db, "INSERT INTO port_jobs(user_id, kind, status, options, file, name, created_at) "
                                      "VALUES (:u, :k, 'queued', :o, :f, :n, :t)");
    db_bind_int(st, ":u", r->user.id);
    db_bind_text(st, ":k", kind);
    db_bind_text(st, ":o", options);
    db_bind_text(st, ":f", file);
    db_bind_text(st, ":n", name);
    db_bind_int(st, ":t", now_s());
    int rc = db_step(st) == DB_DONE ? 0 : -1;
    db_done(st);
    if (rc == 0)
        port_worker_wake();
    return rc;
}

void port_studio_export(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *rev = form_get(&f, "revisions");
    /* one at a time per creator */
    db_stmt_t *st = db_prepare(r->db, "SELECT count(*) FROM port_jobs WHERE user_id = :u AND kind = 'export' "
                                      "AND status IN ('queued','running')");
    db_bind_int(st, ":u", r->user.id);
    int busy = db_step(st) == DB_ROW && db_col_int(st, 0) > 0;
    db_done(st);
    if (!busy && queue(r, "export", rev && *rev ? "revisions" : "", "", "") < 0) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    rs_redirect(r, 303, "/studio/portability");
}

void port_studio_download(hreq_t *r)
{
    int64_t id = atoll(rq_param(r, 0));
    db_stmt_t *st = db_prepare(r->db, "SELECT file, expires_at FROM port_jobs WHERE id = :id AND user_id = :u "
                                      "AND kind = 'export' AND status = 'done'");
    db_bind_int(st, ":id", id);
    db_bind_int(st, ":u", r->user.id);
    char file[4400] = "";
    int64_t expires = 0;
    if (db_step(st) == DB_ROW) {
        snprintf(file, sizeof file, "%s", db_col_text(st, 0));
        expires = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
    }
    db_done(st);
    if (!file[0] || expires <= now_s() || access(file, R_OK) != 0) {
        rs_error(r, 410, "gone", T(r->lang, "port.expired"));
        return;
    }
    char cd[120];
    snprintf(cd, sizeof cd, "attachment; filename=\"hao-%s-%lld.tar.gz\"", r->user.handle, (long long)id);
    rs_header(r, "content-disposition", cd);
    char etag[40];
    snprintf(etag, sizeof etag, "\"port-%lld\"", (long long)id);
    rs_file(r, file, "application/gzip", "private, no-store", etag);
}

/* ---- the import upload: parsed and written on the pool ---- */

typedef struct {
    pool_job_t job; /* first */
    char *ct;
    const char *body;
    size_t len;
    char path[4400];
    char name[200];
    char csrf[128];
    int pages;
    int status; /* 0 ok, 400 no file, 500 */
} up_job_t;

static void up_work(pool_job_t *pj)
{
    up_job_t *j = (up_job_t *)pj;
    mp_part_t parts[8];
    int n = multipart_parse(j->ct, j->body, j->len, parts, 8);
    const mp_part_t *file = n > 0 ? multipart_get(parts, n, "file") : NULL;
    const mp_part_t *csrf = n > 0 ? multipart_get(parts, n, "csrf") : NULL;
    const mp_part_t *pages = n > 0 ? multipart_get(parts, n, "pages") : NULL;
    if (csrf && csrf->len < sizeof j->csrf)
        memcpy(j->csrf, csrf->data, csrf->len);
    j->pages = pages && pages->len;
    if (!file || file->len == 0) {
        j->status = 400;
        return;
    }
    unsigned char rnd[8];
    char hex[17];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(j->path, sizeof j->path, "%s/import-%s", port_dir(), hex);
    int fd = open(j->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    size_t off = 0;
    while (fd >= 0 && off < file->len) {
        ssize_t w = write(fd, file->data + off, file->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    if (fd < 0 || off != file->len || close(fd) < 0) {
        unlink(j->path);
        j->status = 500;
        return;
    }
    snprintf(j->name, sizeof j->name, "%zu bytes", file->len);
}

static void up_done(pool_job_t *pj, hreq_t *r)
{
    up_job_t *j = (up_job_t *)pj;
    free(j->ct);
    if (!r) {
        if (j->status == 0)
            unlink(j->path);
        return;
    }
    if (!router_csrf_ok(r, j->csrf)) {
        if (j->status == 0)
            unlink(j->path);
        rs_error(r, 403, "csrf", T(r->lang, "err.csrf"));
        return;
    }
    if (j->status) {
        rs_error(r, j->status, j->status == 400 ? "bad_form" : "internal",
                 T(r->lang, j->status == 400 ? "port.err_file" : "err.internal"));
        return;
    }
    if (queue(r, "import", j->pages ? "pages" : "", j->path, j->name) < 0) {
        unlink(j->path);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    rs_redirect(r, 303, "/studio/portability");
}

void port_studio_import(hreq_t *r)
{
    const char *ct = rq_header(r, "content-type");
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "port.err_file"));
        return;
    }
    up_job_t *j = xcalloc(1, sizeof *j);
    j->ct = xstrdup(ct);
    j->body = rq_body(r, &j->len);
    j->job.work = up_work;
    j->job.done = up_done;
    pool_submit(r, &j->job);
}
