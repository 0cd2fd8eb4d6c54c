/*
 * notice.c — see notice.h.
 */
#include "site/trust/notice.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/text.h"
#include "core/formdata.h"
#include "core/token.h"
#include "http/router.h"
#include "http/server.h"
#include "site/api/api.h"
#include "site/ops/jobs.h"
#include "site/trust/audit.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/settings.h"
#include "site/trust/takedown.h"
#include "site/works/work.h"

#define NOTICE_URLS_MAX 20
#define LINE_MAX_CHARS NOTICE_LINE_MAX
#define TEXT_MAX_CHARS NOTICE_TEXT_MAX

/* The rights a notice may claim (the first is the default). */
static const char *const notice_grounds[] = {"copyright", "trademark", "portrait", "reputation", "privacy", "other"};
#define NGROUNDS (sizeof notice_grounds / sizeof notice_grounds[0])

typedef struct {
    const char *name, *contact, *address, *right, *original, *proof, *signature;
    const char *ground; /* NULL or "": copyright */
    const char *file_name, *file_type, *file_data; /* an attached proof file, or NULL */
    size_t file_len;
    int good_faith;
    int nurls;
    const char *urls[NOTICE_URLS_MAX + 1];
    int too_many_urls;
} notice_in_t;

typedef struct {
    int status;       /* HTTP status */
    const char *code; /* machine word */
    const char *key;  /* i18n key of the message */
    buf_t extra;      /* extra JSON members ("missing":[...], "field":...) */
    buf_t detail;     /* a value to show after the message (the URL, the notice number) */
} notice_err_t;

/* The work id a URL names, when it is a work URL of this site: "/a/ID" or
 * "http(s)://HOST/a/ID" with this request's host, optionally with a trailing
 * slash, query or fragment. Writes the id; 1 on success. */
static int url_work_id(hreq_t *r, const char *url, char id[WORK_ID_LEN + 1])
{
    const char *u = url;
    size_t n = strlen(u);
    text_trim(&u, &n);
    const char *e = u + n;
    const char *path = u;
    if ((n > 7 && strncmp(u, "http://", 7) == 0) || (n > 8 && strncmp(u, "https://", 8) == 0)) {
        const char *h = strstr(u, "://") + 3;
        const char *slash = memchr(h, '/', (size_t)(e - h));
        if (!slash)
            return 0;
        h2o_iovec_t host = r->h->authority;
        if ((size_t)(slash - h) != host.len || strncasecmp(h, host.base, host.len) != 0)
            return 0;
        path = slash;
    }
    if (e - path < 3 || strncmp(path, "/a/", 3) != 0)
        return 0;
    const char *s = path + 3;
    size_t l = 0;
    while (s + l < e && s[l] != '/' && s[l] != '?' && s[l] != '#')
        l++;
    if (l != WORK_ID_LEN)
        return 0;
    for (size_t i = 0; i < l; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    const char *rest = s + l;
    if (rest < e && *rest == '/')
        rest++;
    if (rest < e && *rest != '?' && *rest != '#')
        return 0;
    memcpy(id, s, l);
    id[l] = 0;
    return 1;
}

int notice_field_ok(const char *v, int line)
{
    if (!v)
        v = "";
    size_t n = strlen(v);
    return (line ? text_valid_line(v, n) : text_valid(v, n)) &&
           text_chars(v, n) <= (line ? LINE_MAX_CHARS : TEXT_MAX_CHARS);
}

void notice_contact_fields(hreq_t *r, buf_t *b, const form_t *f)
{
    lang_t L = r->lang;
    fk_input(b, T(L, "notice.name"), "name", f ? form_get(f, "name") : NULL, 1);
    fk_input(b, T(L, "notice.contact"), "contact", f ? form_get(f, "contact") : NULL, 1);
    fk_input(b, T(L, "notice.address"), "address", f ? form_get(f, "address") : NULL, 1);
}

static int ids_cmp(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static int err(notice_err_t *e, int status, const char *code, const char *key)
{
    e->status = status;
    e->code = code;
    e->key = key;
    return -1;
}

/* The pending or acted-on notice with this dedupe key (same complainant,
 * same works), or 0. */
static int64_t duplicate_of(db_t *db, const char *dedupe)
{
    db_stmt_t *st =
        db_prepare(db, "SELECT id FROM notices WHERE dedupe = :d AND status <> 'rejected' ORDER BY id LIMIT 1");
    db_bind_text(st, ":d", dedupe);
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return id;
}

/* 409 naming the notice this one repeats. */
static int duplicate(notice_err_t *e, int64_t existing)
{
    buf_printf(&e->extra, "\"notice\":%lld", (long long)existing);
    buf_printf(&e->detail, "%lld", (long long)existing);
    return err(e, 409, "duplicate", "notice.err.duplicate");
}

/* Validate and store a notice; act on it by notice_mode. On success fills
 * *id, token and *actioned. On failure fills e; nothing is written. */

static int notice_submit(hreq_t *r, const notice_in_t *in, int64_t *id_out, char token[33], int *actioned,
                         notice_err_t *e)
{
    db_t *db = r->db;
    const char *peer = rq_peer(r);
    int64_t now = clock_now();

    /* Abusive volume first: a flood is refused before any work is done. */
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM notices WHERE peer = :p AND created_at > :since");
    db_bind_text(st, ":p", peer);
    db_bind_int(st, ":since", now - 3600);
    int64_t recent = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (recent >= settings_int(db, "notice_rate")) {
        rs_header(r, "retry-after", "3600");
        return err(e, 429, "rate_limited", "notice.err.rate");
    }

    /* Everything missing, together. */
    struct {
        const char *name, *v;
    } req[] = {{"name", in->name},     {"contact", in->contact},   {"address", in->address},
               {"right", in->right},   {"original", in->original}, {"signature", in->signature}};
    int nmissing = 0;
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
        if (text_blank(req[i].v)) {
            buf_printf(&e->extra, "%s\"%s\"", nmissing++ ? "," : "\"missing\":[", req[i].name);
        }
    }
    int nurls = 0;
    for (int i = 0; i < in->nurls; i++)
        nurls += !text_blank(in->urls[i]);
    if (nurls == 0)
        buf_printf(&e->extra, "%s\"urls\"", nmissing++ ? "," : "\"missing\":[");
    if (!in->good_faith)
        buf_printf(&e->extra, "%s\"good_faith\"", nmissing++ ? "," : "\"missing\":[");
    if (nmissing) {
        buf_ch(&e->extra, ']');
        return err(e, 422, "missing_fields", "notice.err.missing");
    }

    /* Shapes and sizes. */
    struct {
        const char *name, *v;
        int line;
    } chk[] = {{"name", in->name, 1},          {"contact", in->contact, 1},     {"address", in->address, 1},
               {"signature", in->signature, 1}, {"right", in->right, 0},         {"original", in->original, 0},
               {"proof_media", in->proof, 0}};
    for (size_t i = 0; i < sizeof chk / sizeof chk[0]; i++) {
        if (!notice_field_ok(chk[i].v, chk[i].line)) {
            buf_printf(&e->extra, "\"field\":\"%s\"", chk[i].name);
            buf_rawz(&e->detail, chk[i].name);
            return err(e, 422, "invalid", chk[i].line ? "notice.err.line" : "notice.err.text");
        }
    }
    const char *ground = in->ground && *in->ground ? in->ground : notice_grounds[0];
    int ground_ok = 0;
    for (size_t i = 0; i < NGROUNDS; i++)
        ground_ok |= strcmp(ground, notice_grounds[i]) == 0;
    if (!ground_ok) {
        buf_lit(&e->extra, "\"field\":\"ground\"");
        return err(e, 422, "invalid", "notice.err.ground");
    }
    if (in->too_many_urls || nurls > NOTICE_URLS_MAX) {
        buf_lit(&e->extra, "\"field\":\"urls\"");
        return err(e, 422, "invalid", "notice.err.too_many");
    }

    /* Every URL must be a published work here. */
    char ids[NOTICE_URLS_MAX][WORK_ID_LEN + 1];
    int nids = 0;
    const char *taken_url = NULL;
    for (int i = 0; i < in->nurls; i++) {
        if (text_blank(in->urls[i]))
            continue;
        char id[WORK_ID_LEN + 1];
        work_t w;
        int rc = url_work_id(r, in->urls[i], id) ? work_get(db, id, &w) : 0;
        if (rc < 0)
            return err(e, 500, "internal", "err.internal");
        if (rc == 0 || strcmp(w.status, "draft") == 0) {
            if (rc)
                work_free(&w);
            buf_lit(&e->extra, "\"field\":\"urls\",\"url\":");
            buf_json_strz(&e->extra, in->urls[i]);
            buf_rawz(&e->detail, in->urls[i]);
            return err(e, 422, "not_a_work", "notice.err.not_a_work");
        }
        if (strcmp(w.status, "taken_down") == 0 && !taken_url)
            taken_url = in->urls[i];
        work_free(&w);
        int dup = 0;
        for (int k = 0; k < nids; k++)
            dup |= strcmp(ids[k], id) == 0;
        if (!dup)
            memcpy(ids[nids++], id, sizeof id);
    }

    /* The same complainant about the same works again, while the first is
     * pending or acted on: answer with the existing number. */
    qsort(ids, (size_t)nids, sizeof ids[0], ids_cmp);
    buf_t key = BUF_INIT;
    const char *c = in->contact;
    size_t cl = strlen(c);
    text_trim(&c, &cl);
    for (size_t i = 0; i < cl; i++)
        buf_ch(&key, (c[i] >= 'A' && c[i] <= 'Z') ? (char)(c[i] + 32) : c[i]);
    for (int i = 0; i < nids; i++)
        buf_printf(&key, "|%s", ids[i]);
    char dedupe[65];
    token_sha256_hex(buf_cstr(&key), dedupe);
    buf_free(&key);
    int64_t existing = duplicate_of(db, dedupe);
    if (existing)
        return duplicate(e, existing);
    /* A work already removed is not removed twice: say so, store nothing. */
    if (taken_url) {
        buf_lit(&e->extra, "\"field\":\"urls\",\"url\":");
        buf_json_strz(&e->extra, taken_url);
        buf_rawz(&e->detail, taken_url);
        return err(e, 409, "already_taken_down", "notice.err.already");
    }

    int immediate = settings_is(db, "notice_mode", "immediate");
    char hash[65];
    token_new(token, 33, hash);
    if (db_begin(db) < 0)
        return err(e, 503, "busy", "err.internal");
    /* Again inside the write transaction (serialised on both stores): the
     * same notice sent twice at once is stored once. */
    if ((existing = duplicate_of(db, dedupe)) != 0) {
        db_rollback(db);
        return duplicate(e, existing);
    }
    st = db_prepare(db, "INSERT INTO notices(token_hash, name, contact, address, ground, right_claimed, original, "
                        "proof, signature, dedupe, peer, status, created_at, decided_at) VALUES (:th, :name, :contact, "
                        ":address, :ground, :right, :original, :proof, :sig, :dedupe, :peer, :status, :t, :decided) "
                        "RETURNING id");
    db_bind_text(st, ":ground", ground);
    db_bind_text(st, ":th", hash);
    db_bind_text(st, ":name", in->name);
    db_bind_text(st, ":contact", in->contact);
    db_bind_text(st, ":address", in->address);
    db_bind_text(st, ":right", in->right);
    db_bind_text(st, ":original", in->original);
    db_bind_text(st, ":proof", in->proof ? in->proof : "");
    db_bind_text(st, ":sig", in->signature);
    db_bind_text(st, ":dedupe", dedupe);
    db_bind_text(st, ":peer", peer);
    db_bind_text(st, ":status", immediate ? "actioned" : "pending");
    db_bind_int(st, ":t", now);
    if (immediate)
        db_bind_int(st, ":decided", now);
    else
        db_bind_null(st, ":decided");
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    int ok = id > 0;
    char subj[48], actor[48];
    snprintf(subj, sizeof subj, "notice:%lld", (long long)id);
    snprintf(actor, sizeof actor, "complainant:%lld", (long long)id);
    buf_t list = BUF_INIT;
    for (int i = 0; i < nids && ok; i++) {
        st = db_prepare(db, "INSERT INTO notice_works(notice_id, work_id) VALUES (:n, :w)");
        db_bind_int(st, ":n", id);
        db_bind_text(st, ":w", ids[i]);
        ok = db_step(st) == DB_DONE;
        db_done(st);
        buf_printf(&list, "%s%s", i ? "," : "", ids[i]);
    }
    if (ok && in->file_data) {
        size_t b64len = sodium_base64_encoded_len(in->file_len, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(b64len);
        if (!b64)
            abort();
        sodium_bin2base64(b64, b64len, (const unsigned char *)in->file_data, in->file_len,
                          sodium_base64_VARIANT_ORIGINAL);
        st = db_prepare(db, "INSERT INTO notice_files(notice_id, name, mime, bytes, data) VALUES (:n, :name, :mime, "
                            ":bytes, :data)");
        db_bind_int(st, ":n", id);
        db_bind_text(st, ":name", in->file_name);
        db_bind_text(st, ":mime", in->file_type);
        db_bind_int(st, ":bytes", (int64_t)in->file_len);
        db_bind_text(st, ":data", b64);
        ok = db_step(st) == DB_DONE;
        db_done(st);
        free(b64);
    }
    ok = ok && audit_appendf(db, actor, "notice.receive", subj, "works %s; ground %s; right: %s; mode %s",
                             buf_cstr(&list), ground, in->right, immediate ? "immediate" : "review") == 0;
    buf_free(&list);
    if (ok && immediate) {
        const char *reason = "收到完整的权利人通知后自动移除。Removed automatically on receipt of a complete notice.";
        for (int i = 0; i < nids && ok; i++) {
            int64_t td = takedown_work(db, ids[i], id, 0, ground, reason, 1, "system");
            ok = td >= 0;
            if (td > 0) {
                work_t w;
                if (work_get(db, ids[i], &w) == 1) {
                    takedown_strikes(db, w.author_id, "system");
                    work_free(&w);
                }
            }
        }
    }
    if (!ok || db_commit(db) < 0) {
        db_rollback(db);
        return err(e, 500, "internal", "err.internal");
    }
    if (immediate)
        server_content_changed();
    *id_out = id;
    *actioned = immediate;
    return 0;
}

int notice_decide(db_t *db, int64_t notice_id, int uphold, const char *reason, const char *actor,
                  const char **err_key, int *status)
{
    if (text_blank(reason) || !notice_field_ok(reason, 0)) {
        *err_key = "mod.err.reason";
        *status = 422;
        return -1;
    }
    if (db_begin(db) < 0) {
        *err_key = "err.internal";
        *status = 503;
        return -1;
    }
    db_stmt_t *st = db_prepare(db, "UPDATE notices SET status = :s, reason = :r, decided_at = :t, "
                                   "decided_by = (SELECT id FROM users WHERE 'user:' || handle = :actor) "
                                   "WHERE id = :id AND status = 'pending'");
    db_bind_text(st, ":s", uphold ? "actioned" : "rejected");
    db_bind_text(st, ":r", reason);
    db_bind_int(st, ":t", clock_now());
    db_bind_text(st, ":actor", actor);
    db_bind_int(st, ":id", notice_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_changes(db) != 1) {
        /* No row changed: decided already (409), or no such notice (404). */
        int exists = 0;
        if (rc == DB_DONE) {
            st = db_prepare(db, "SELECT 1 FROM notices WHERE id = :id");
            db_bind_int(st, ":id", notice_id);
            exists = db_step(st) == DB_ROW;
            db_done(st);
        }
        db_rollback(db);
        *err_key = rc != DB_DONE ? "err.internal" : exists ? "mod.err.decided" : "err.not_found";
        *status = rc != DB_DONE ? 500 : exists ? 409 : 404;
        return -1;
    }
    char subj[48];
    snprintf(subj, sizeof subj, "notice:%lld", (long long)notice_id);
    int ok = audit_appendf(db, actor, uphold ? "notice.uphold" : "notice.reject", subj, "%s", reason) == 0;
    char ground[32] = "copyright";
    st = db_prepare(db, "SELECT ground FROM notices WHERE id = :id");
    db_bind_int(st, ":id", notice_id);
    if (db_step(st) == DB_ROW)
        snprintf(ground, sizeof ground, "%s", db_col_text(st, 0));
    db_done(st);
    if (ok && uphold) {
        st = db_prepare(db, "SELECT nw.work_id, w.author_id FROM notice_works nw JOIN works w ON w.id = nw.work_id "
                            "WHERE nw.notice_id = :n ORDER BY nw.work_id");
        db_bind_int(st, ":n", notice_id);
        char ids[NOTICE_URLS_MAX][WORK_ID_LEN + 1];
        int64_t authors[NOTICE_URLS_MAX];
        int n = 0;
        while (db_step(st) == DB_ROW && n < NOTICE_URLS_MAX) {
            snprintf(ids[n], sizeof ids[n], "%s", db_col_text(st, 0));
            authors[n++] = db_col_int(st, 1);
        }
        db_done(st);
        for (int i = 0; i < n && ok; i++) {
            int64_t td = takedown_work(db, ids[i], notice_id, 0, ground, reason, 0, actor);
            ok = td >= 0;
            if (td > 0)
                takedown_strikes(db, authors[i], actor);
        }
    }
    if (!ok || db_commit(db) < 0) {
        db_rollback(db);
        *err_key = "err.internal";
        *status = 500;
        return -1;
    }
    server_content_changed();
    return 0;
}

/* ---- the form ---- */

static void notice_page(hreq_t *r, int status, const form_t *f, const char *msg, const char *detail)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    fk_page_begin(r, &b, "notice-form", "notice.title", "notice.intro", NULL);
    char *agent = db_setting(r->db, "notice_contact", "");
    if (*agent) {
        buf_lit(&b, "<p class=\"agent\">");
        buf_htmlz(&b, T(L, "about.notice_contact"));
        buf_lit(&b, ": ");
        buf_htmlz(&b, agent);
        buf_lit(&b, " · <a href=\"/about\">");
        buf_htmlz(&b, T(L, "site.about"));
        buf_lit(&b, "</a></p>\n");
    }
    free(agent);
    if (msg) {
        buf_t full = BUF_INIT;
        buf_rawz(&full, msg);
        if (detail && *detail) {
            buf_lit(&full, " ");
            buf_rawz(&full, detail);
        }
        fk_alert(&b, buf_cstr(&full));
        buf_free(&full);
    }
    const char *url = f ? form_get(f, "urls") : rq_query(r, "url");
    buf_lit(&b, "<form method=\"post\" action=\"/notice\" class=\"stack\" enctype=\"multipart/form-data\">");
    page_csrf_field(r, &b);
    notice_contact_fields(r, &b, f);
    fk_textarea(&b, T(L, "notice.urls"), "urls", url, 3, 1);
    const char *labels[NGROUNDS];
    for (size_t i = 0; i < NGROUNDS; i++) {
        char k[48];
        snprintf(k, sizeof k, "ground.%s", notice_grounds[i]);
        labels[i] = T(L, k);
    }
    fk_select(&b, T(L, "notice.ground"), "ground", (int)NGROUNDS, notice_grounds, labels, f ? form_get(f, "ground") : NULL);
    fk_textarea(&b, T(L, "notice.right"), "right", f ? form_get(f, "right") : NULL, 3, 1);
    fk_textarea(&b, T(L, "notice.original"), "original", f ? form_get(f, "original") : NULL, 3, 1);
    fk_textarea(&b, T(L, "notice.proof"), "proof_media", f ? form_get(f, "proof_media") : NULL, 3, 0);
    buf_lit(&b, "<p><label for=\"f-proof_file\">");
    buf_htmlz(&b, T(L, "notice.proof_file"));
    buf_lit(&b, "</label><br><input type=\"file\" id=\"f-proof_file\" name=\"proof_file\"></p>\n");
    fk_checkbox(&b, T(L, "notice.good_faith"), "good_faith", f && form_get(f, "good_faith"));
    fk_input(&b, T(L, "notice.signature"), "signature", f ? form_get(f, "signature") : NULL, 1);
    fk_form_end(&b, T(L, "notice.send"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /notice — the rights-holder notice form. Query: url (prefills the work). */
void notice_form(hreq_t *r)
{
    notice_page(r, 200, NULL, NULL, NULL);
}

/* POST /notice — fields name, contact, address, urls (one per line), right,
 * original, proof_media, good_faith, signature. Success: 303 to the receipt. */
/* The form's fields from a multipart body: text parts become a form_t
 * (valid UTF-8 only), the part "proof_file" the attachment. Answers and
 * returns -1 on a malformed body; returns 1 (nothing answered) when the
 * file is over the limit, 0 otherwise. */
static int multipart_fields(hreq_t *r, const char *ct, form_t *f, notice_in_t *in)
{
    size_t len;
    const char *body = rq_body(r, &len);
    formdata_part_t *parts = rq_alloc(r, sizeof(formdata_part_t) * 32);
    int n = formdata_parse(ct, body, len, parts, 32);
    if (n < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return -1;
    }
    int too_big = 0;
    f->n = 0;
    f->names = rq_alloc(r, sizeof(char *) * (size_t)(n + 1));
    f->values = rq_alloc(r, sizeof(char *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        formdata_part_t *p = &parts[i];
        if (strcmp(p->name, "proof_file") == 0 && p->is_file) {
            if (p->len == 0)
                continue; /* the file input left empty */
            if (p->len > NOTICE_FILE_MAX) {
                too_big = 1; /* the caller re-renders the form (all fields kept) with the limit */
                continue;
            }
            size_t nl = strlen(p->filename);
            in->file_name = text_valid_line(p->filename, nl) && nl ? rq_strdup(r, p->filename) : "proof";
            int type_ok = p->type[0] != 0;
            for (const char *c = p->type; *c; c++)
                type_ok &= *c > 0x20 && *c < 0x7f && *c != '"';
            in->file_type = type_ok ? rq_strdup(r, p->type) : "application/octet-stream";
            in->file_data = p->data;
            in->file_len = p->len;
            continue;
        }
        if (p->is_file || !text_valid(p->data, p->len)) {
            rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
            return -1;
        }
        f->names[f->n] = rq_strdup(r, p->name);
        f->values[f->n] = rq_strndup(r, p->data, p->len);
        f->n++;
    }
    return too_big;
}

void notice_form_post(hreq_t *r)
{
    form_t f;
    notice_in_t in = {0};
    const char *ct = rq_header(r, "content-type");
    int too_big = 0;
    if (ct && strncasecmp(ct, "multipart/", 10) == 0) {
        int rc = multipart_fields(r, ct, &f, &in);
        if (rc < 0)
            return;
        too_big = rc > 0;
    } else if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    if (!router_csrf_ok(r, form_get(&f, "csrf"))) {
        rs_error(r, 403, "csrf", T(r->lang, "err.csrf"));
        return;
    }
    if (too_big) {
        notice_page(r, 413, &f, T(r->lang, "notice.err.file_large"), NULL);
        return;
    }
    in.name = form_get(&f, "name");
    in.contact = form_get(&f, "contact");
    in.address = form_get(&f, "address");
    in.right = form_get(&f, "right");
    in.original = form_get(&f, "original");
    in.proof = form_get(&f, "proof_media");
    in.signature = form_get(&f, "signature");
    in.ground = form_get(&f, "ground");
    in.good_faith = form_get(&f, "good_faith") != NULL;
    const char *urls = form_get(&f, "urls");
    if (urls) {
        char *copy = rq_strdup(r, urls);
        for (char *save = NULL, *tok = strtok_r(copy, "\r\n", &save); tok; tok = strtok_r(NULL, "\r\n", &save)) {
            if (in.nurls == NOTICE_URLS_MAX) {
                in.too_many_urls = 1;
                break;
            }
            in.urls[in.nurls++] = tok;
        }
    }
    notice_err_t e = {0, NULL, NULL, BUF_INIT, BUF_INIT};
    int64_t id;
    char token[33];
    int actioned;
    if (notice_submit(r, &in, &id, token, &actioned, &e) < 0) {
        const char *detail = buf_cstr(&e.detail);
        if (e.status == 422 && strcmp(e.code, "missing_fields") == 0) {
            /* Name the missing fields in the reader's words. */
            buf_reset(&e.detail);
            const char *p = strchr(buf_cstr(&e.extra), '[');
            for (p = p ? p + 1 : ""; *p && *p != ']';) {
                if (*p == '"' || *p == ',') {
                    p++;
                    continue;
                }
                size_t l = strcspn(p, "\",]");
                char k[48];
                snprintf(k, sizeof k, "notice.%.*s", (int)(l < 30 ? l : 30), p);
                if (strcmp(k, "notice.proof_media") == 0)
                    snprintf(k, sizeof k, "notice.proof");
                buf_printf(&e.detail, "%s%s", e.detail.len ? "; " : "", T(r->lang, k));
                p += l;
            }
            detail = buf_cstr(&e.detail);
        }
        notice_page(r, e.status, &f, T(r->lang, e.key), detail);
    } else {
        char loc[96];
        snprintf(loc, sizeof loc, "/notice/%lld?token=%s&new=1", (long long)id, token);
        rs_redirect(r, 303, loc);
    }
    buf_free(&e.extra);
    buf_free(&e.detail);
}

/* POST /api/v1/notices {"name","contact","address","urls":[...],"right",
 * "original","proof_media"?,"good_faith":true,"signature"} -> 201
 * {"id","status","token","receipt"}. No authentication: anyone may notify. */
void notice_api_post(hreq_t *r)
{
    json_t *j = api_body_object(r);
    if (!j)
        return;
    notice_in_t in = {0};
    static const char *const keys[] = {"name",     "contact",     "address",   "right",
                                       "original", "proof_media", "signature", "ground"};
    const char **dst[] = {&in.name, &in.contact, &in.address, &in.right, &in.original, &in.proof, &in.signature, &in.ground};
    for (size_t i = 0; i < 8; i++) {
        if (api_json_string(j, keys[i], dst[i]) < 0) {
            api_field_error(r, 422, "invalid", T(r->lang, "notice.err.type"), keys[i]);
            json_decref(j);
            return;
        }
    }
    json_t *gf = json_object_get(j, "good_faith");
    if (gf && !json_is_boolean(gf)) {
        rs_error_extra(r, 422, "invalid", T(r->lang, "notice.err.type"), "\"field\":\"good_faith\"");
        json_decref(j);
        return;
    }
    in.good_faith = gf && json_is_true(gf);
    json_t *urls = json_object_get(j, "urls");
    if (urls && !json_is_null(urls)) {
        if (!json_is_array(urls)) {
            rs_error_extra(r, 422, "invalid", T(r->lang, "notice.err.type"), "\"field\":\"urls\"");
            json_decref(j);
            return;
        }
        size_t i;
        json_t *v;
        json_array_foreach(urls, i, v)
        {
            if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
                rs_error_extra(r, 422, "invalid", T(r->lang, "notice.err.type"), "\"field\":\"urls\"");
                json_decref(j);
                return;
            }
            if (in.nurls == NOTICE_URLS_MAX) {
                in.too_many_urls = 1;
                break;
            }
            in.urls[in.nurls++] = json_string_value(v);
        }
    }
    notice_err_t e = {0, NULL, NULL, BUF_INIT, BUF_INIT};
    int64_t id;
    char token[33];
    int actioned;
    if (notice_submit(r, &in, &id, token, &actioned, &e) < 0) {
        buf_t msg = BUF_INIT;
        buf_rawz(&msg, T(r->lang, e.key));
        if (strcmp(e.code, "missing_fields") == 0) {
            const char *p = strchr(buf_cstr(&e.extra), '[');
            buf_lit(&msg, " ");
            for (p = p ? p + 1 : ""; *p && *p != ']'; p++)
                if (*p != '"')
                    buf_ch(&msg, *p == ',' ? ' ' : *p);
        } else if (e.detail.len) {
            buf_lit(&msg, " ");
            buf_rawz(&msg, buf_cstr(&e.detail));
        }
        rs_error_extra(r, e.status, e.code, buf_cstr(&msg), e.extra.len ? buf_cstr(&e.extra) : NULL);
        buf_free(&msg);
    } else {
        buf_t b = BUF_INIT;
        buf_printf(&b, "{\"id\":%lld,\"status\":\"%s\",\"token\":\"%s\",\"receipt\":\"/notice/%lld?token=%s\"}",
                   (long long)id, actioned ? "actioned" : "pending", token, (long long)id, token);
        char loc[64];
        snprintf(loc, sizeof loc, "/notice/%lld", (long long)id);
        rs_header(r, "location", loc);
        rs_json(r, 201, &b);
        buf_free(&b);
    }
    buf_free(&e.extra);
    buf_free(&e.detail);
    json_decref(j);
}

/* ---- the complainant's status page ---- */

/* The notice named in the path when the token matches; 0 otherwise (the
 * answer is 404 either way, so numbers cannot be probed). */
static int64_t notice_by_token(hreq_t *r, const char *token)
{
    char *end;
    long long id = strtoll(rq_param(r, 0), &end, 10);
    if (*end || id <= 0 || !token || strlen(token) != 32)
        return 0;
    db_stmt_t *st = db_prepare(r->db, "SELECT token_hash FROM notices WHERE id = :id");
    db_bind_int(st, ":id", id);
    int ok = db_step(st) == DB_ROW && token_matches(token, 32, db_col_text(st, 0));
    db_done(st);
    return ok ? id : 0;
}


/* GET /notice/:id?token=T — the receipt and what happened since: the state
 * of each named work, any counter-notice (forwarded here in full) and the
 * form to report a court action while a delayed restore waits. */
void notice_status(hreq_t *r)
{
    lang_t L = r->lang;
    const char *token = rq_query(r, "token");
    int64_t id = notice_by_token(r, token);
    if (!id) {
        rs_error(r, 404, "not_found", T(L, "notice.err.unknown"));
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "SELECT status, created_at, right_claimed, reason, ground FROM notices WHERE id = :id");
    db_bind_int(st, ":id", id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        rs_error(r, 500, "internal", T(L, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    page_section_numbered(r, &b, "notice-status", "notice.number", id);
    if (rq_query(r, "new"))
        fk_ok(&b, T(L, "notice.received"));
    if (rq_query(r, "court"))
        fk_ok(&b, T(L, "notice.court_recorded"));
    char status_key[48];
    snprintf(status_key, sizeof status_key, "notice.status.%s", db_col_text(st, 0));
    buf_printf(&b, "<dl class=\"receipt\" data-notice=\"%lld\" data-status=\"%s\">", (long long)id,
               db_col_text(st, 0));
    buf_t num = BUF_INIT;
    buf_printf(&num, "%lld", (long long)id);
    fk_dt_dd(&b, T(L, "notice.number"), buf_cstr(&num));
    buf_free(&num);
    fk_dt_dd(&b, T(L, "notice.state"), T(L, status_key));
    buf_t when = BUF_INIT;
    page_time(&when, db_col_int(st, 1));
    fk_dt_dd(&b, T(L, "notice.received_at"), buf_cstr(&when));
    buf_free(&when);
    char gk[48];
    snprintf(gk, sizeof gk, "ground.%s", db_col_text(st, 4));
    fk_dt_dd(&b, T(L, "notice.ground"), T(L, gk));
    fk_dt_dd(&b, T(L, "notice.right"), db_col_text(st, 2));
    if (*db_col_text(st, 3))
        fk_dt_dd(&b, T(L, "mod.reason"), db_col_text(st, 3));
    db_done(st);
    st = db_prepare(r->db, "SELECT name, bytes FROM notice_files WHERE notice_id = :id");
    db_bind_int(st, ":id", id);
    if (db_step(st) == DB_ROW) {
        buf_t fv = BUF_INIT;
        buf_printf(&fv, "%s (%lld bytes)", db_col_text(st, 0), (long long)db_col_int(st, 1));
        fk_dt_dd(&b, T(L, "notice.proof_file"), buf_cstr(&fv));
        buf_free(&fv);
    }
    db_done(st);
    buf_lit(&b, "</dl>\n");

    buf_lit(&b, "<h2>");
    buf_htmlz(&b, T(L, "notice.works"));
    buf_lit(&b, "</h2><ul class=\"notice-works\">");
    st = db_prepare(r->db, "SELECT nw.work_id, w.title, w.status FROM notice_works nw JOIN works w ON w.id = nw.work_id "
                           "WHERE nw.notice_id = :id ORDER BY nw.work_id");
    db_bind_int(st, ":id", id);
    while (db_step(st) == DB_ROW) {
        char k[48];
        snprintf(k, sizeof k, "work.status.%s", db_col_text(st, 2));
        buf_printf(&b, "<li data-work=\"%s\" data-status=\"%s\">/a/%s · ", db_col_text(st, 0), db_col_text(st, 2),
                   db_col_text(st, 0));
        buf_htmlz(&b, db_col_text(st, 1));
        buf_lit(&b, " · ");
        buf_htmlz(&b, T(L, k));
        buf_lit(&b, "</li>");
    }
    db_done(st);
    buf_lit(&b, "</ul>\n");

    /* Counter-notices, forwarded in full (the complainant needs the
     * creator's identity to go to court). */
    st = db_prepare(r->db, "SELECT c.id, c.name, c.contact, c.address, c.statement, c.status, c.restore_at, t.work_id "
                           "FROM counter_notices c JOIN takedowns t ON t.id = c.takedown_id "
                           "WHERE t.notice_id = :id ORDER BY c.id");
    db_bind_int(st, ":id", id);
    while (db_step(st) == DB_ROW) {
        buf_printf(&b, "<section class=\"counter\" data-counter=\"%lld\" data-status=\"%s\"><h2>",
                   (long long)db_col_int(st, 0), db_col_text(st, 5));
        buf_htmlz(&b, T(L, "counter.title"));
        buf_printf(&b, " (/a/%s)</h2><dl>", db_col_text(st, 7));
        fk_dt_dd(&b, T(L, "notice.name"), db_col_text(st, 1));
        fk_dt_dd(&b, T(L, "notice.contact"), db_col_text(st, 2));
        fk_dt_dd(&b, T(L, "notice.address"), db_col_text(st, 3));
        fk_dt_dd(&b, T(L, "counter.statement"), db_col_text(st, 4));
        char k[48];
        snprintf(k, sizeof k, "counter.status.%s", db_col_text(st, 5));
        fk_dt_dd(&b, T(L, "notice.state"), T(L, k));
        int waiting = strcmp(db_col_text(st, 5), "waiting") == 0;
        if (waiting) {
            buf_t t = BUF_INIT;
            page_time(&t, db_col_int(st, 6));
            fk_dt_dd(&b, T(L, "counter.restore_at"), buf_cstr(&t));
            buf_free(&t);
        }
        buf_lit(&b, "</dl>");
        if (waiting) {
            buf_printf(&b, "<form method=\"post\" action=\"/notice/%lld/court\">", (long long)id);
            page_csrf_field(r, &b);
            buf_lit(&b, "<input type=\"hidden\" name=\"token\" value=\"");
            buf_htmlz(&b, token);
            buf_printf(&b, "\"><input type=\"hidden\" name=\"counter\" value=\"%lld\">", (long long)db_col_int(st, 0));
            fk_textarea(&b, T(L, "notice.court_text"), "court", NULL, 2, 1);
            fk_form_end(&b, T(L, "notice.court_send"));
        }
        buf_lit(&b, "</section>\n");
    }
    db_done(st);
    buf_lit(&b, "</section>\n");
    page_send(r, &b, 200);
}

/* GET /api/v1/notices/:id?token=T -> {"id","status","works":[{"id","status"}],
 * "counter_notices":[{"id","status","restore_at"}]} */
void notice_api_status(hreq_t *r)
{
    int64_t id = notice_by_token(r, rq_query(r, "token"));
    if (!id) {
        rs_error(r, 404, "not_found", T(r->lang, "notice.err.unknown"));
        return;
    }
    buf_t b = BUF_INIT;
    db_stmt_t *st = db_prepare(r->db, "SELECT status FROM notices WHERE id = :id");
    db_bind_int(st, ":id", id);
    db_step(st);
    buf_printf(&b, "{\"id\":%lld,\"status\":", (long long)id);
    buf_json_strz(&b, db_col_text(st, 0));
    db_done(st);
    buf_lit(&b, ",\"works\":[");
    st = db_prepare(r->db, "SELECT nw.work_id, w.status FROM notice_works nw JOIN works w ON w.id = nw.work_id "
                           "WHERE nw.notice_id = :id ORDER BY nw.work_id");
    db_bind_int(st, ":id", id);
    for (int i = 0; db_step(st) == DB_ROW; i++)
        buf_printf(&b, "%s{\"id\":\"%s\",\"status\":\"%s\"}", i ? "," : "", db_col_text(st, 0), db_col_text(st, 1));
    db_done(st);
    buf_lit(&b, "],\"counter_notices\":[");
    st = db_prepare(r->db, "SELECT c.id, c.status, c.restore_at FROM counter_notices c JOIN takedowns t "
                           "ON t.id = c.takedown_id WHERE t.notice_id = :id ORDER BY c.id");
    db_bind_int(st, ":id", id);
    for (int i = 0; db_step(st) == DB_ROW; i++)
        buf_printf(&b, "%s{\"id\":%lld,\"status\":\"%s\",\"restore_at\":%lld}", i ? "," : "",
                   (long long)db_col_int(st, 0), db_col_text(st, 1), (long long)db_col_int(st, 2));
    db_done(st);
    buf_lit(&b, "]}");
    rs_json(r, 200, &b);
    buf_free(&b);
}

/* POST /notice/:id/court — fields token, counter, court (what was filed,
 * where). Stops the delayed restore of that counter-notice. */
void notice_court_post(hreq_t *r)
{
    form_t f;
    rq_form(r, &f);
    int64_t id = notice_by_token(r, form_get(&f, "token"));
    if (!id) {
        rs_error(r, 404, "not_found", T(r->lang, "notice.err.unknown"));
        return;
    }
    const char *cs = form_get(&f, "counter"), *text = form_get(&f, "court");
    char *end;
    long long cid = cs ? strtoll(cs, &end, 10) : 0;
    if (!cs || *end || cid <= 0) {
        rs_error(r, 400, "bad_request", T(r->lang, "err.bad_form"));
        return;
    }
    if (text_blank(text) || !notice_field_ok(text, 0)) {
        rs_error(r, 422, "invalid", T(r->lang, "notice.err.court_text"));
        return;
    }
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "UPDATE counter_notices SET status = 'court' WHERE id = :c AND status = 'waiting' "
                                      "AND takedown_id IN (SELECT id FROM takedowns WHERE notice_id = :n)");
    db_bind_int(st, ":c", cid);
    db_bind_int(st, ":n", id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_changes(r->db) != 1) {
        db_rollback(r->db);
        rs_error(r, rc == DB_DONE ? 409 : 500, "not_waiting", T(r->lang, "notice.err.not_waiting"));
        return;
    }
    /* The delayed restore waits for the court now. */
    int ok = jobs_cancel(r->db, "restore", cid, "cancelled: court action reported", clock_now()) == 0;
    char subj[48], actor[48];
    snprintf(subj, sizeof subj, "counter:%lld", cid);
    snprintf(actor, sizeof actor, "complainant:%lld", (long long)id);
    if (!ok || audit_appendf(r->db, actor, "counter.court", subj, "%s", text) < 0 || db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    char loc[96];
    snprintf(loc, sizeof loc, "/notice/%lld?token=%s&court=1", (long long)id, form_get(&f, "token"));
    rs_redirect(r, 303, loc);
}

/* GET /mod/notices/:id/proof — the attached proof file, as a download (never
 * rendered inline: it is whatever the complainant sent). */
void notice_proof_file(hreq_t *r)
{
    char *end;
    long long id = strtoll(rq_param(r, 0), &end, 10);
    db_stmt_t *st = db_prepare(r->db, "SELECT name, data FROM notice_files WHERE notice_id = :id");
    db_bind_int(st, ":id", *end ? 0 : id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        rs_error(r, 404, "not_found", T(r->lang, "err.not_found"));
        return;
    }
    const char *b64 = db_col_text(st, 1);
    size_t b64len = db_col_len(st, 1);
    unsigned char *bin = rq_alloc(r, b64len);
    size_t binlen = 0;
    if (sodium_base642bin(bin, b64len, b64, b64len, NULL, &binlen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
        db_done(st);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t cd = BUF_INIT;
    buf_lit(&cd, "attachment; filename=\"proof\"; filename*=UTF-8''");
    buf_url(&cd, db_col_text(st, 0), strlen(db_col_text(st, 0)));
    db_done(st);
    rs_header(r, "content-disposition", buf_cstr(&cd));
    buf_free(&cd);
    rs_send(r, 200, "application/octet-stream", (const char *)bin, binlen);
}
