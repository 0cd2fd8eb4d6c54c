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

#include "core/alloc.h"
#include "core/clock.h"
#include "core/text.h"
#include "core/formdata.h"
#include "core/token.h"
#include "http/router.h"
#include "core/changed.h"
#include "site/api/api.h"
#include "site/ops/mail.h"
#include "site/reader/feed.h"
#include "site/ops/jobs.h"
#include "site/trust/audit.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/settings.h"
#include "site/trust/takedown.h"
#include "site/works/work.h"

#define LINE_MAX_CHARS NOTICE_LINE_MAX
#define TEXT_MAX_CHARS NOTICE_TEXT_MAX

/* The rights a notice may claim (the first is the default). */
static const char *const notice_grounds[] = {"copyright", "trademark", "portrait", "reputation", "privacy", "other"};
#define NGROUNDS (sizeof notice_grounds / sizeof notice_grounds[0])

/* The work id a URL names, when it is a work URL of this site: "/a/ID" or
 * "http(s)://HOST/a/ID" with this site's host (host, host_len), optionally
 * with a trailing slash, query or fragment. Writes the id; 1 on success. */
/* The path of a URL of this site (trimmed; the scheme and host, when
 * given, must be this site's): *path .. *end. 1 on success. */
static int url_path(const char *host, size_t host_len, const char *url, const char **path_out, const char **end)
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
        if ((size_t)(slash - h) != host_len || strncasecmp(h, host, host_len) != 0)
            return 0;
        path = slash;
    }
    *path_out = path;
    *end = e;
    return 1;
}

/* A positive decimal number filling s .. e exactly; 0 otherwise. */
static int64_t whole_number(const char *s, const char *e)
{
    int64_t v = 0;
    if (s >= e || e - s > 15 || *s == '0')
        return 0;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* The comment a URL names: "/a/ID#c-N" (wid gets ID), "/comments/N" or
 * "/api/v1/comments/N" (wid gets ""), on this site. 1 with *cid. */
static int url_comment_id(const char *host, size_t host_len, const char *url, char wid[WORK_ID_LEN + 1],
                          int64_t *cid)
{
    const char *path, *e;
    if (!url_path(host, host_len, url, &path, &e))
        return 0;
    wid[0] = 0;
    static const char *const prefixes[] = {"/comments/", "/api/v1/comments/"};
    for (size_t i = 0; i < 2; i++) {
        size_t pl = strlen(prefixes[i]);
        if ((size_t)(e - path) > pl && strncmp(path, prefixes[i], pl) == 0) {
            const char *s = path + pl, *q = s;
            while (q < e && *q != '?' && *q != '#' && *q != '/')
                q++;
            return (*cid = whole_number(s, q)) > 0 && (q == e || *q != '/');
        }
    }
    if (e - path < 3 + WORK_ID_LEN + 3 || strncmp(path, "/a/", 3) != 0)
        return 0;
    const char *hash = memchr(path, '#', (size_t)(e - path));
    if (!hash || e - hash < 4 || strncmp(hash, "#c-", 3) != 0 || (*cid = whole_number(hash + 3, e)) <= 0)
        return 0;
    const char *s = path + 3;
    for (size_t i = 0; i < WORK_ID_LEN; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    const char *rest = s + WORK_ID_LEN;
    if (*rest == '/')
        rest++;
    if (*rest == '?')
        rest = hash;
    if (rest != hash)
        return 0;
    memcpy(wid, s, WORK_ID_LEN);
    wid[WORK_ID_LEN] = 0;
    return 1;
}

int notice_url_comment(const char *host, size_t host_len, const char *url, char wid[WORK_ID_LEN + 1], int64_t *cid)
{
    return url_comment_id(host, host_len, url, wid, cid);
}

static int url_work_id(const char *host, size_t host_len, const char *url, char id[WORK_ID_LEN + 1])
{
    const char *path, *e;
    if (!url_path(host, host_len, url, &path, &e))
        return 0;
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

void notice_comments_html(db_t *db, int64_t id, lang_t L, int with_text, buf_t *b)
{
    db_stmt_t *st = db_prepare(db, "SELECT c.id, c.work_id, c.status, c.body FROM notice_comments nc "
                                   "JOIN comments c ON c.id = nc.comment_id WHERE nc.notice_id = :id ORDER BY c.id");
    db_bind_int(st, ":id", id);
    int n = 0;
    while (db_step(st) == DB_ROW) {
        if (!n++) {
            buf_lit(b, "<h2>");
            buf_htmlz(b, T(L, "notice.comments"));
            buf_lit(b, "</h2><ul class=\"notice-comments\">");
        }
        buf_hprintf(b, "<li data-comment=\"%lld\" data-status=\"%s\"><a href=\"/a/%s#c-%lld\">/a/%s#c-%lld</a> · %s",
                    (long long)db_col_int(st, 0), db_col_text(st, 2), db_col_text(st, 1), (long long)db_col_int(st, 0),
                    db_col_text(st, 1), (long long)db_col_int(st, 0), db_col_text(st, 2));
        if (with_text && *db_col_text(st, 3))
            buf_hprintf(b, "<blockquote>%s</blockquote>", db_col_text(st, 3));
        buf_lit(b, "</li>");
    }
    db_done(st);
    if (n)
        buf_lit(b, "</ul>\n");
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

/* ---- filing a notice (notice_file) ---- */

/* The works a notice names: each once, sorted; and the comments. */
typedef struct {
    int n;
    char ids[NOTICE_URLS_MAX][WORK_ID_LEN + 1];
    int nc;
    int64_t comments[NOTICE_URLS_MAX];
} named_t;

static int refuse(notice_result_t *res, int status, const char *code, const char *key)
{
    res->status = status;
    res->code = code;
    res->key = key;
    return -1;
}

/* 409 naming the notice this one repeats. */
static int duplicate(notice_result_t *res, int64_t existing)
{
    res->duplicate_of = existing;
    return refuse(res, 409, "duplicate", "notice.err.duplicate");
}

/* Abusive volume first: a flood is refused before any work is done. */
static int check_rate(db_t *db, const notice_input_t *in, notice_result_t *res)
{
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM notices WHERE peer = :p AND created_at > :since");
    db_bind_text(st, ":p", in->peer);
    db_bind_int(st, ":since", in->now - 3600);
    int64_t recent = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (recent < settings_int(db, "notice_rate"))
        return 0;
    res->retry_after = 3600;
    return refuse(res, 429, "rate_limited", "notice.err.rate");
}

/* The URLs given that are not blank. */
static int count_urls(const notice_input_t *in)
{
    int n = 0;
    for (int i = 0; i < in->nurls; i++)
        n += !text_blank(in->urls[i]);
    return n;
}

/* Everything missing, together. */
static int check_complete(const notice_input_t *in, notice_result_t *res)
{
    struct {
        const char *name, *v;
    } req[] = {{"name", in->name},     {"contact", in->contact},   {"address", in->address},
               {"right", in->right},   {"original", in->original}, {"signature", in->signature}};
    _Static_assert(sizeof req / sizeof req[0] + 2 <= NOTICE_MISSING_MAX, "missing[] holds every required field");
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++)
        if (text_blank(req[i].v))
            res->missing[res->nmissing++] = req[i].name;
    if (count_urls(in) == 0)
        res->missing[res->nmissing++] = "urls";
    if (!in->good_faith)
        res->missing[res->nmissing++] = "good_faith";
    return res->nmissing ? refuse(res, 422, "missing_fields", "notice.err.missing") : 0;
}

/* Shapes and sizes, the ground (*ground: the one claimed, or the default)
 * and the number of URLs. */
static int check_shapes(const notice_input_t *in, const char **ground, notice_result_t *res)
{
    struct {
        const char *name, *v;
        int line;
    } chk[] = {{"name", in->name, 1},          {"contact", in->contact, 1},     {"address", in->address, 1},
               {"signature", in->signature, 1}, {"right", in->right, 0},         {"original", in->original, 0},
               {"proof_media", in->proof, 0}};
    for (size_t i = 0; i < sizeof chk / sizeof chk[0]; i++) {
        if (!notice_field_ok(chk[i].v, chk[i].line)) {
            res->field = res->detail = chk[i].name;
            return refuse(res, 422, "invalid", chk[i].line ? "notice.err.line" : "notice.err.text");
        }
    }
    *ground = in->ground && *in->ground ? in->ground : notice_grounds[0];
    int ground_ok = 0;
    for (size_t i = 0; i < NGROUNDS; i++)
        ground_ok |= strcmp(*ground, notice_grounds[i]) == 0;
    if (!ground_ok) {
        res->field = "ground";
        return refuse(res, 422, "invalid", "notice.err.ground");
    }
    if (in->too_many_urls || count_urls(in) > NOTICE_URLS_MAX) {
        res->field = "urls";
        return refuse(res, 422, "invalid", "notice.err.too_many");
    }
    return 0;
}

/* Comment cid named by url (wid: the work the URL names, or ""): it must
 * be a comment shown on a published work (and on that work); one removed
 * already is *taken. Added to works->comments once. 1 good, 0 not a
 * comment here, -1 error. */
static int check_comment(db_t *db, const char *wid, int64_t cid, named_t *works, const char **taken, const char *url)
{
    db_stmt_t *st = db_prepare(db, "SELECT c.work_id, c.status, w.status FROM comments c JOIN works w "
                                   "ON w.id = c.work_id WHERE c.id = :c");
    db_bind_int(st, ":c", cid);
    int rc = db_step(st);
    int good = 0, removed = 0;
    if (rc == DB_ROW) {
        const char *cs = db_col_text(st, 1);
        removed = strcmp(cs, "removed") == 0;
        good = (!*wid || strcmp(wid, db_col_text(st, 0)) == 0) && strcmp(db_col_text(st, 2), "published") == 0 &&
               (removed || strcmp(cs, "published") == 0 || strcmp(cs, "pending") == 0);
    }
    db_done(st);
    if (rc == DB_ERROR)
        return -1;
    if (!good)
        return 0;
    if (removed && !*taken)
        *taken = url;
    for (int k = 0; k < works->nc; k++)
        if (works->comments[k] == cid)
            return 1;
    works->comments[works->nc++] = cid;
    return 1;
}

/* Every URL must be a published work here (or a comment on one): the works named go to *works;
 * *taken gets the first URL of a work removed already (refused after the
 * duplicate check), else NULL. */
static int check_works(db_t *db, const notice_input_t *in, named_t *works, const char **taken, notice_result_t *res)
{
    works->n = works->nc = 0;
    *taken = NULL;
    for (int i = 0; i < in->nurls; i++) {
        if (text_blank(in->urls[i]))
            continue;
        char id[WORK_ID_LEN + 1];
        int64_t cid;
        int is_comment = url_comment_id(in->host, in->host_len, in->urls[i], id, &cid);
        /* "#c-" that names no comment (/a/ID#c-x) is a mistyped comment,
         * never read as the whole work. */
        if (is_comment || strstr(in->urls[i], "#c-")) {
            int crc = is_comment ? check_comment(db, id, cid, works, taken, in->urls[i]) : 0;
            if (crc < 0)
                return refuse(res, 500, "internal", "err.internal");
            if (crc == 0) {
                res->field = "urls";
                res->url = res->detail = in->urls[i];
                return refuse(res, 422, "not_a_comment", "notice.err.not_a_comment");
            }
            continue;
        }
        work_t w;
        int rc = url_work_id(in->host, in->host_len, in->urls[i], id) ? work_get(db, id, &w) : 0;
        if (rc < 0)
            return refuse(res, 500, "internal", "err.internal");
        if (rc == 0 || strcmp(w.status, "draft") == 0) {
            if (rc)
                work_free(&w);
            res->field = "urls";
            res->url = res->detail = in->urls[i];
            return refuse(res, 422, "not_a_work", "notice.err.not_a_work");
        }
        if (strcmp(w.status, "taken_down") == 0 && !*taken)
            *taken = in->urls[i];
        work_free(&w);
        int dup = 0;
        for (int k = 0; k < works->n; k++)
            dup |= strcmp(works->ids[k], id) == 0;
        if (!dup)
            memcpy(works->ids[works->n++], id, sizeof id);
    }
    qsort(works->ids, (size_t)works->n, sizeof works->ids[0], ids_cmp);
    return 0;
}

/* The dedupe key of a notice: the contact (trimmed, ASCII in lower case)
 * and the works it names, hashed. */
static void dedupe_key(const char *contact, const named_t *works, char out[65])
{
    buf_t key = BUF_INIT;
    const char *c = contact;
    size_t cl = strlen(c);
    text_trim(&c, &cl);
    for (size_t i = 0; i < cl; i++)
        buf_ch(&key, (c[i] >= 'A' && c[i] <= 'Z') ? (char)(c[i] + 32) : c[i]);
    for (int i = 0; i < works->n; i++)
        buf_printf(&key, "|%s", works->ids[i]); /* raw: hashed */
    for (int i = 0; i < works->nc; i++)
        buf_printf(&key, "|c-%lld", (long long)works->comments[i]); /* raw: hashed */
    token_sha256_hex(buf_cstr(&key), out);
    buf_free(&key);
}

/* The attached proof file of notice id, base64 in notice_files. 1 stored. */
static int store_file(db_t *db, int64_t id, const notice_input_t *in)
{
    size_t b64len = sodium_base64_encoded_len(in->file_len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = xmalloc(b64len);
    sodium_bin2base64(b64, b64len, (const unsigned char *)in->file_data, in->file_len,
                      sodium_base64_VARIANT_ORIGINAL);
    db_stmt_t *st = db_prepare(db, "INSERT INTO notice_files(notice_id, name, mime, bytes, data) VALUES (:n, :name, "
                                   ":mime, :bytes, :data)");
    db_bind_int(st, ":n", id);
    db_bind_text(st, ":name", in->file_name);
    db_bind_text(st, ":mime", in->file_type);
    db_bind_int(st, ":bytes", (int64_t)in->file_len);
    db_bind_text(st, ":data", b64);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    free(b64);
    return ok;
}

/* How a notice is acted on (see notice.h, "Who may take a work down at
 * once"): decided before it is stored, recorded in its audit entry. */
typedef struct {
    int immediate;          /* take the works down in the filing transaction */
    int confirm;            /* wait for the contact to confirm by the mailed link */
    const char *mode;       /* the audit's word: immediate, trusted, confirm, review, review-restored */
    char key[LINE_MAX_CHARS * 4 + 1]; /* the contact as a key (contact_key) */
    char confirm_token[33]; /* confirm: the mailed link's token (only its hash is stored) */
    char confirm_hash[65];
} how_t;

/* Store the notice inside the caller's transaction: its row (*id), the
 * works it names, its proof file and the audit entry. 1 when all of it was
 * written. */
static int store(db_t *db, const notice_input_t *in, const char *ground, const named_t *works, const char *dedupe,
                 const char *token_hash, const how_t *how, int64_t *id_out)
{
    int immediate = how->immediate;
    db_stmt_t *st =
        db_prepare(db, "INSERT INTO notices(token_hash, name, contact, address, ground, right_claimed, original, "
                       "proof, signature, dedupe, peer, status, created_at, decided_at, contact_key, confirm, "
                       "confirm_hash) VALUES (:th, :name, :contact, :address, :ground, :right, :original, :proof, "
                       ":sig, :dedupe, :peer, :status, :t, :decided, :ck, :cf, :ch) RETURNING id");
    db_bind_text(st, ":ck", how->key);
    db_bind_text(st, ":cf", how->confirm ? "unconfirmed" : "");
    db_bind_text(st, ":ch", how->confirm ? how->confirm_hash : "");
    db_bind_text(st, ":ground", ground);
    db_bind_text(st, ":th", token_hash);
    db_bind_text(st, ":name", in->name);
    db_bind_text(st, ":contact", in->contact);
    db_bind_text(st, ":address", in->address);
    db_bind_text(st, ":right", in->right);
    db_bind_text(st, ":original", in->original);
    db_bind_text(st, ":proof", in->proof ? in->proof : "");
    db_bind_text(st, ":sig", in->signature);
    db_bind_text(st, ":dedupe", dedupe);
    db_bind_text(st, ":peer", in->peer);
    db_bind_text(st, ":status", immediate ? "actioned" : "pending");
    db_bind_int(st, ":t", in->now);
    if (immediate)
        db_bind_int(st, ":decided", in->now);
    else
        db_bind_null(st, ":decided");
    int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    int ok = id > 0;
    char subj[48], actor[48];
    snprintf(subj, sizeof subj, "notice:%lld", (long long)id);
    snprintf(actor, sizeof actor, "complainant:%lld", (long long)id);
    buf_t list = BUF_INIT;
    for (int i = 0; i < works->n && ok; i++) {
        st = db_prepare(db, "INSERT INTO notice_works(notice_id, work_id) VALUES (:n, :w)");
        db_bind_int(st, ":n", id);
        db_bind_text(st, ":w", works->ids[i]);
        ok = db_step(st) == DB_DONE;
        db_done(st);
        buf_printf(&list, "%s%s", i ? "," : "", works->ids[i]); /* raw: text */
    }
    buf_t clist = BUF_INIT;
    for (int i = 0; i < works->nc && ok; i++) {
        st = db_prepare(db, "INSERT INTO notice_comments(notice_id, comment_id) VALUES (:n, :c)");
        db_bind_int(st, ":n", id);
        db_bind_int(st, ":c", works->comments[i]);
        ok = db_step(st) == DB_DONE;
        db_done(st);
        buf_printf(&clist, "%s%lld", i ? "," : "", (long long)works->comments[i]); /* raw: text */
    }
    if (ok && in->file_data)
        ok = store_file(db, id, in);
    ok = ok && audit_appendf(db, actor, "notice.receive", subj, "works %s; comments %s; ground %s; right: %s; mode %s",
                             buf_cstr(&list), buf_cstr(&clist), ground, in->right, how->mode) == 0;
    buf_free(&clist);
    buf_free(&list);
    *id_out = id;
    return ok;
}

/* Take down every comment notice id names that is still shown; the works
 * stay up. Inside the caller's transaction; 1 when done. */
static int act_on_comments(db_t *db, int64_t id, const char *ground, const char *reason, int automated,
                           const char *actor)
{
    db_stmt_t *st = db_prepare(db, "SELECT comment_id FROM notice_comments WHERE notice_id = :n ORDER BY comment_id");
    db_bind_int(st, ":n", id);
    int64_t ids[NOTICE_URLS_MAX];
    int n = 0;
    while (db_step(st) == DB_ROW && n < NOTICE_URLS_MAX)
        ids[n++] = db_col_int(st, 0);
    db_done(st);
    int ok = 1, nt = 0;
    int64_t tds[NOTICE_URLS_MAX];
    for (int i = 0; i < n && ok; i++) {
        int64_t td = takedown_comment(db, ids[i], id, ground, reason, automated, actor);
        ok = td >= 0;
        if (td > 0)
            tds[nt++] = td;
    }
    /* the takedown e-mail to each commenter, listing their comments */
    return ok && takedown_mail_comments(db, tds, nt) == 0;
}

/* notice_mode "immediate": take down every work notice id names, now, and
 * count the strikes, and every comment it names. Inside the caller's
 * transaction; 1 when done. */
static int act_at_once(db_t *db, int64_t id, const char *ground, const named_t *works)
{
    const char *reason = "收到完整的权利人通知后自动移除。Removed automatically on receipt of a complete notice.";
    int ok = act_on_comments(db, id, ground, reason, 1, "system");
    for (int i = 0; i < works->n && ok; i++) {
        int64_t td = takedown_work(db, works->ids[i], id, 0, ground, reason, 1, "system");
        ok = td >= 0;
        if (td > 0) {
            work_t w;
            if (work_get(db, works->ids[i], &w) == 1) {
                takedown_strikes(db, w.author_id, "system");
                work_free(&w);
            }
        }
    }
    return ok;
}

/* The contact as a key: trimmed, ASCII in lower case (out: at least
 * strlen(contact) + 1 bytes). */
static void contact_key(const char *contact, char *out, size_t size)
{
    const char *c = contact ? contact : "";
    size_t n = strlen(c), o = 0;
    text_trim(&c, &n);
    for (size_t i = 0; i < n && o + 1 < size; i++)
        out[o++] = (c[i] >= 'A' && c[i] <= 'Z') ? (char)(c[i] + 32) : c[i];
    out[o] = 0;
}

/* 1 when the contact key is on the operator's trusted_notifiers list: the
 * same address (or contact), or an "@domain" (or "domain") entry naming
 * the domain of an e-mail address. */
static int trusted_notifier(db_t *db, const char *key)
{
    if (!*key)
        return 0;
    char *list = settings_get(db, "trusted_notifiers");
    const char *at = mail_address_ok(key) ? strrchr(key, '@') : NULL;
    int yes = 0;
    for (char *save = NULL, *tok = strtok_r(list, ",;\n\r", &save); tok && !yes; tok = strtok_r(NULL, ",;\n\r", &save)) {
        size_t tl = strlen(tok);
        const char *tt = tok;
        text_trim(&tt, &tl);
        tok = (char *)tt; /* points into list, which we own */
        tok[tl] = 0;
        for (char *c = tok; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c + 32);
        const char *dom = *tok == '@' ? tok + 1 : tok;
        yes = strcmp(tok, key) == 0 || (at && *dom && !strchr(dom, '@') && strcmp(dom, at + 1) == 0);
    }
    free(list);
    return yes;
}

/* The manifestly unfounded notices of this contact that still count (the
 * last unfounded_days days). */
static int64_t unfounded_count(db_t *db, const char *key, int64_t now)
{
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM notices WHERE contact_key = :c AND unfounded = 1 "
                                   "AND decided_at > :since");
    db_bind_text(st, ":c", key);
    db_bind_int(st, ":since", now - (int64_t)settings_int(db, "unfounded_days") * 86400);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return n;
}

/* DSA art. 23: a sender of repeated manifestly unfounded notices is
 * suspended from filing for unfounded_days after the last one counted. */
static int check_suspended(db_t *db, const char *key, int64_t now, notice_result_t *res)
{
    int limit = settings_int(db, "unfounded_limit");
    if (limit == 0 || !*key || unfounded_count(db, key, now) < limit)
        return 0;
    return refuse(res, 403, "notifier_suspended", "notice.err.suspended");
}

/* 1 when one of the works was restored by a counter-notice after a
 * removal on this ground: not removed again without a person. */
static int restored_by_counter(db_t *db, int n, const char (*ids)[WORK_ID_LEN + 1], const char *ground)
{
    int found = 0;
    for (int i = 0; i < n && !found; i++) {
        db_stmt_t *st = db_prepare(db, "SELECT 1 FROM takedowns t JOIN counter_notices c ON c.takedown_id = t.id "
                                       "WHERE t.work_id = :w AND t.ground = :g AND c.status = 'restored' "
                                       "AND t.comment_id IS NULL");
        db_bind_text(st, ":w", ids[i]);
        db_bind_text(st, ":g", ground);
        found = db_step(st) == DB_ROW;
        db_done(st);
    }
    return found;
}

/* 1 when the operator configured SMTP (confirmation mails can be sent). */
static int mail_configured(db_t *db)
{
    char *url = db_setting(db, "smtp_url", "");
    int yes = *url != 0;
    free(url);
    return yes;
}

/* How the notice is acted on (notice.h, "Who may take a work down at
 * once"). */
static void decide_how(db_t *db, const notice_input_t *in, const char *ground, const named_t *works, how_t *how)
{
    memset(how, 0, sizeof *how);
    contact_key(in->contact, how->key, sizeof how->key);
    if (restored_by_counter(db, works->n, (const char (*)[WORK_ID_LEN + 1])works->ids, ground)) {
        how->mode = "review-restored";
    } else if (trusted_notifier(db, how->key)) {
        how->immediate = 1;
        how->mode = "trusted";
    } else if (!settings_is(db, "notice_mode", "immediate")) {
        how->mode = "review";
    } else if (!mail_configured(db)) {
        how->immediate = 1; /* the operator chose immediate explicitly (the default is review without SMTP) */
        how->mode = "immediate";
    } else if (mail_address_ok(how->key)) {
        how->confirm = 1;
        how->mode = "confirm";
        token_new(how->confirm_token, sizeof how->confirm_token, how->confirm_hash);
    } else {
        how->mode = "review"; /* no address to confirm by: a person decides */
    }
}

/* The confirmation mail of notice id and its lapse job, inside the
 * filing transaction. 1 done. */
static int ask_confirmation(db_t *db, const notice_input_t *in, int64_t id, const named_t *works, const how_t *how)
{
    int hours = settings_int(db, "notice_confirm_hours");
    char *site = settings_get(db, "site_name");
    buf_t link = BUF_INIT, list = BUF_INIT, m = BUF_INIT;
    /* raw: text (a mail), the token is hex */
    buf_printf(&link, "%s/notice/%lld/confirm?t=%s", in->origin ? in->origin : "", (long long)id, how->confirm_token);
    for (int i = 0; i < works->n; i++)
        buf_printf(&list, "  %s/a/%s\n", in->origin ? in->origin : "", works->ids[i]); /* raw: text */
    buf_printf(&m, /* raw: text (a mail) */
               "有人以本地址向 %s 提交了侵权通知(第 %lld 号),要求移除:\n%s"
               "如确系你本人提交,请在 %d 小时内打开下面的链接确认;确认后通知才会生效:\n%s\n"
               "如不是你提交的,请忽略本邮件,该通知将自动作废。\n\n"
               "Someone sent a notice (number %lld) to %s with this address, asking to remove:\n%s"
               "If it was you, open the link below within %d hours to confirm it; it takes effect only then:\n%s\n"
               "If it was not you, ignore this mail and the notice lapses.\n",
               site, (long long)id, buf_cstr(&list), hours, buf_cstr(&link), (long long)id, site, buf_cstr(&list),
               hours, buf_cstr(&link));
    int ok = mail_queue(db, how->key, "请确认你的侵权通知 / Confirm your notice", buf_cstr(&m)) == 0 &&
             jobs_schedule(db, "notice_expire", id, in->now + (int64_t)hours * 3600) == 0;
    free(site);
    buf_free(&link);
    buf_free(&list);
    buf_free(&m);
    return ok;
}

int notice_file(db_t *db, const notice_input_t *in, notice_result_t *res)
{
    memset(res, 0, sizeof *res);
    const char *ground, *taken;
    named_t works;
    if (check_rate(db, in, res) < 0 || check_complete(in, res) < 0 || check_shapes(in, &ground, res) < 0)
        return -1;
    char key[LINE_MAX_CHARS * 4 + 1];
    contact_key(in->contact, key, sizeof key);
    if (check_suspended(db, key, in->now, res) < 0 || check_works(db, in, &works, &taken, res) < 0)
        return -1;
    /* The same complainant about the same works again, while the first is
     * pending or acted on: answer with the existing number. */
    char dedupe[65];
    dedupe_key(in->contact, &works, dedupe);
    int64_t existing = duplicate_of(db, dedupe);
    if (existing)
        return duplicate(res, existing);
    /* A work already removed is not removed twice: say so, store nothing. */
    if (taken) {
        res->field = "urls";
        res->url = res->detail = taken;
        return refuse(res, 409, "already_taken_down", "notice.err.already");
    }

    how_t how;
    decide_how(db, in, ground, &works, &how);
    int immediate = how.immediate;
    char hash[65];
    token_new(res->token, sizeof res->token, hash);
    if (db_begin(db) < 0)
        return refuse(res, 503, "busy", "err.internal");
    /* Again inside the write transaction (serialised on both stores): the
     * same notice sent twice at once is stored once. */
    if ((existing = duplicate_of(db, dedupe)) != 0) {
        db_rollback(db);
        return duplicate(res, existing);
    }
    int64_t id;
    int ok = store(db, in, ground, &works, dedupe, hash, &how, &id);
    if (ok && immediate)
        ok = act_at_once(db, id, ground, &works);
    if (ok && how.confirm)
        ok = ask_confirmation(db, in, id, &works, &how);
    if (!ok || db_commit(db) < 0) {
        db_rollback(db);
        return refuse(res, 500, "internal", "err.internal");
    }
    if (immediate)
        changed_signal();
    res->id = id;
    res->actioned = immediate;
    res->unconfirmed = how.confirm;
    return 0;
}

/* ---- confirming a notice by its mailed link ---- */

int notice_confirm(db_t *db, int64_t id, const char *token, int64_t now)
{
    if (!token || strlen(token) != 32 || id <= 0)
        return -1;
    if (db_begin(db) < 0)
        return -2;
    db_stmt_t *st = db_prepare(db, "SELECT confirm_hash, created_at, ground FROM notices WHERE id = :id AND "
                                   "status = 'pending' AND confirm = 'unconfirmed'");
    db_bind_int(st, ":id", id);
    int rc = db_step(st);
    int match = rc == DB_ROW && token_matches(token, 32, db_col_text(st, 0)) &&
                now <= db_col_int(st, 1) + (int64_t)settings_int(db, "notice_confirm_hours") * 3600;
    char ground[32] = "";
    if (match)
        snprintf(ground, sizeof ground, "%s", db_col_text(st, 2));
    db_done(st);
    if (!match) {
        db_rollback(db);
        return rc == DB_ROW || rc == DB_DONE ? -1 : -2;
    }
    named_t works = {0};
    st = db_prepare(db, "SELECT work_id FROM notice_works WHERE notice_id = :id ORDER BY work_id");
    db_bind_int(st, ":id", id);
    while (db_step(st) == DB_ROW && works.n < NOTICE_URLS_MAX)
        snprintf(works.ids[works.n++], WORK_ID_LEN + 1, "%s", db_col_text(st, 0));
    db_done(st);
    /* Decided now, by the rules of now: a counter-notice may have restored
     * a work meanwhile, the operator may have turned to review. */
    int restored = restored_by_counter(db, works.n, (const char (*)[WORK_ID_LEN + 1])works.ids, ground);
    int immediate = !restored && settings_is(db, "notice_mode", "immediate");
    st = db_prepare(db, "UPDATE notices SET confirm = 'confirmed', confirm_hash = '', status = :s, decided_at = :t "
                        "WHERE id = :id");
    db_bind_text(st, ":s", immediate ? "actioned" : "pending");
    if (immediate)
        db_bind_int(st, ":t", now);
    else
        db_bind_null(st, ":t");
    db_bind_int(st, ":id", id);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    char subj[48], actor[48];
    snprintf(subj, sizeof subj, "notice:%lld", (long long)id);
    snprintf(actor, sizeof actor, "complainant:%lld", (long long)id);
    ok = ok && audit_appendf(db, actor, "notice.confirm", subj, "confirmed by the link mailed to its contact; %s",
                             immediate ? "acted on at once" : restored ? "a named work was restored by a "
                             "counter-notice: a moderator decides" : "notice_mode review: a moderator decides") == 0;
    ok = ok && jobs_cancel(db, "notice_expire", id, "cancelled: confirmed", now) == 0;
    if (ok && immediate)
        ok = act_at_once(db, id, ground, &works);
    if (!ok || db_commit(db) < 0) {
        db_rollback(db);
        return -2;
    }
    if (immediate)
        changed_signal();
    return immediate;
}

const char *notice_expire_job(db_t *db, int64_t ref)
{
    db_stmt_t *st = db_prepare(db, "UPDATE notices SET status = 'rejected', confirm = 'expired', confirm_hash = '', "
                                   "reason = :r, decided_at = :t WHERE id = :id AND status = 'pending' AND "
                                   "confirm = 'unconfirmed'");
    db_bind_text(st, ":r", "发送人未在期限内确认,通知已作废。The sender did not confirm in time; the notice lapsed.");
    db_bind_int(st, ":t", clock_now());
    db_bind_int(st, ":id", ref);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return NULL;
    if (db_changes(db) != 1)
        return "skipped: confirmed or decided";
    char subj[48];
    snprintf(subj, sizeof subj, "notice:%lld", (long long)ref);
    if (audit_appendf(db, "system", "notice.expire", subj, "not confirmed by its contact in time; lapsed") < 0)
        return NULL;
    return "expired";
}

/* ---- deciding a notice (through mod_decide) ---- */

/* Why the pending notice d->id could not be decided (rc: the update's
 * step): it was decided already (409), there is no such notice (404), or
 * the store failed (500). Rolls back. */
static int not_pending(db_t *db, const mod_decision_t *d, int rc, mod_result_t *res)
{
    int exists = 0;
    if (rc == DB_DONE) {
        db_stmt_t *st = db_prepare(db, "SELECT 1 FROM notices WHERE id = :id");
        db_bind_int(st, ":id", d->id);
        exists = db_step(st) == DB_ROW;
        db_done(st);
    }
    db_rollback(db);
    if (rc != DB_DONE)
        return mod_refuse(res, 500, "internal", "err.internal");
    return exists ? mod_refuse(res, 409, "already_decided", "mod.err.decided")
                  : mod_refuse(res, 404, "not_found", "err.not_found");
}

/* Take down every work notice d->id names that is still published, on the
 * notice's ground, with strikes. Inside the caller's transaction; 1 done. */
static int uphold_notice(db_t *db, const mod_decision_t *d)
{
    char ground[32] = "copyright";
    db_stmt_t *st = db_prepare(db, "SELECT ground FROM notices WHERE id = :id");
    db_bind_int(st, ":id", d->id);
    if (db_step(st) == DB_ROW)
        snprintf(ground, sizeof ground, "%s", db_col_text(st, 0));
    db_done(st);
    st = db_prepare(db, "SELECT nw.work_id, w.author_id FROM notice_works nw JOIN works w ON w.id = nw.work_id "
                        "WHERE nw.notice_id = :n ORDER BY nw.work_id");
    db_bind_int(st, ":n", d->id);
    char ids[NOTICE_URLS_MAX][WORK_ID_LEN + 1];
    int64_t authors[NOTICE_URLS_MAX];
    int n = 0;
    while (db_step(st) == DB_ROW && n < NOTICE_URLS_MAX) {
        snprintf(ids[n], sizeof ids[n], "%s", db_col_text(st, 0));
        authors[n++] = db_col_int(st, 1);
    }
    db_done(st);
    int ok = act_on_comments(db, d->id, ground, d->reason, 0, d->actor);
    for (int i = 0; i < n && ok; i++) {
        int64_t td = takedown_work(db, ids[i], d->id, 0, ground, d->reason, 0, d->actor);
        ok = td >= 0;
        if (td > 0)
            takedown_strikes(db, authors[i], d->actor);
    }
    return ok;
}

/* After a rejection as manifestly unfounded: one short of unfounded_limit
 * the sender is warned (DSA art. 23(2) asks for a prior warning: by mail
 * when SMTP is set, and on the notice's status page); at the limit the
 * suspension is recorded. Inside the decision's transaction; 1 done. */
static int note_suspension(db_t *db, const mod_decision_t *d)
{
    int limit = settings_int(db, "unfounded_limit");
    char key[LINE_MAX_CHARS * 4 + 1] = "";
    db_stmt_t *st = db_prepare(db, "SELECT contact_key FROM notices WHERE id = :id");
    db_bind_int(st, ":id", d->id);
    if (db_step(st) == DB_ROW)
        snprintf(key, sizeof key, "%s", db_col_text(st, 0));
    db_done(st);
    int64_t n = limit && *key ? unfounded_count(db, key, d->now) : 0;
    char subj[48];
    snprintf(subj, sizeof subj, "notice:%lld", (long long)d->id);
    if (limit > 1 && n == limit - 1) {
        int days = settings_int(db, "unfounded_days");
        buf_t m = BUF_INIT;
        buf_printf(&m, /* raw: text (a mail) */
                   "你的通知(第 %lld 号)被认定明显不成立。%d 天内再有一份通知被认定明显不成立,将暂停受理你的通知。\n"
                   "说明:%s\n\nYour notice %lld was rejected as manifestly unfounded. One more such notice within %d "
                   "days and notices from you will no longer be accepted.\nReason: %s\n",
                   (long long)d->id, days, d->reason, (long long)d->id, days, d->reason);
        int ok = mail_queue(db, key, "通知被认定不成立 / Notice rejected as unfounded", buf_cstr(&m)) == 0 &&
                 audit_appendf(db, d->actor, "notifier.warn", subj, "%s warned: %lld of %d notices rejected as "
                               "manifestly unfounded", key, (long long)n, limit) == 0;
        buf_free(&m);
        return ok;
    }
    if (n != limit || limit == 0)
        return 1;
    return audit_appendf(db, d->actor, "notifier.suspend", subj, "%s may not file notices for %d days: %d notices "
                         "rejected as manifestly unfounded", key, settings_int(db, "unfounded_days"), limit) == 0;
}

int notice_decide(db_t *db, const mod_decision_t *d, mod_result_t *res)
{
    if (db_begin(db) < 0)
        return mod_refuse(res, 503, "internal", "err.internal");
    int unfounded = !d->uphold && d->unfounded;
    db_stmt_t *st = db_prepare(db, "UPDATE notices SET status = :s, reason = :r, decided_at = :t, unfounded = :u, "
                                   "decided_by = (SELECT id FROM users WHERE 'user:' || handle = :actor) "
                                   "WHERE id = :id AND status = 'pending'");
    db_bind_text(st, ":s", d->uphold ? "actioned" : "rejected");
    db_bind_int(st, ":u", unfounded);
    db_bind_text(st, ":r", d->reason);
    db_bind_int(st, ":t", d->now);
    db_bind_text(st, ":actor", d->actor);
    db_bind_int(st, ":id", d->id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_changes(db) != 1)
        return not_pending(db, d, rc, res);
    char subj[48];
    snprintf(subj, sizeof subj, "notice:%lld", (long long)d->id);
    int ok = audit_appendf(db, d->actor, d->uphold ? "notice.uphold" : "notice.reject", subj, "%s%s",
                           unfounded ? "manifestly unfounded: " : "", d->reason) == 0;
    if (ok && d->uphold)
        ok = uphold_notice(db, d);
    if (ok && unfounded)
        ok = note_suspension(db, d);
    if (!ok || db_commit(db) < 0) {
        db_rollback(db);
        return mod_refuse(res, 500, "internal", "err.internal");
    }
    changed_signal();
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
        buf_rawz(&full, msg); /* raw: text, fk_alert escapes it */
        if (detail && *detail) {
            buf_lit(&full, " ");
            buf_rawz(&full, detail); /* raw: text */
        }
        fk_alert(&b, buf_cstr(&full));
        buf_free(&full);
    }
    /* Said before the form is filled: who is asked to confirm (notice.h). */
    if (settings_is(r->db, "notice_mode", "immediate") && mail_configured(r->db)) {
        buf_lit(&b, "<p class=\"note\" data-confirm=\"mail\">");
        buf_htmlz(&b, T(L, "notice.confirm_note"));
        buf_lit(&b, "</p>\n");
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

/* The form's fields from a multipart body: text parts become a form_t
 * (valid UTF-8 only), the part "proof_file" the attachment. Answers and
 * returns -1 on a malformed body; returns 1 (nothing answered) when the
 * file is over the limit, 0 otherwise. */
static int multipart_fields(hreq_t *r, const char *ct, form_t *f, notice_input_t *in)
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

/* The sender and the clock of a notice sent by this request. */
static void request_context(hreq_t *r, notice_input_t *in)
{
    in->peer = rq_peer(r);
    buf_t o = BUF_INIT;
    feed_origin(r, &o);
    in->origin = rq_strdup(r, buf_cstr(&o));
    buf_free(&o);
    in->host = r->h->authority.base;
    in->host_len = r->h->authority.len;
    in->now = clock_now();
}

/* What to show after a refusal's message: the number of the notice this
 * one repeats, or the result's detail (a field name, a URL). */
static void refusal_detail(const notice_result_t *res, buf_t *out)
{
    if (res->duplicate_of)
        buf_printf(out, "%lld", (long long)res->duplicate_of);
    else if (res->detail)
        buf_rawz(out, res->detail); /* raw: text */
}

/* A refusal for volume says when to try again. */
static void retry_after_header(hreq_t *r, const notice_result_t *res)
{
    if (res->retry_after) {
        char v[16];
        snprintf(v, sizeof v, "%d", res->retry_after);
        rs_header(r, "retry-after", v);
    }
}

/* The body of POST /notice as a form: a multipart body (with a proof file)
 * or a urlencoded one, then the CSRF token. Returns -1 after answering (400,
 * 403), 1 when the proof file is over the limit, 0 otherwise. */
static int read_form(hreq_t *r, form_t *f, notice_input_t *in)
{
    const char *ct = rq_header(r, "content-type");
    int too_big = 0;
    if (ct && strncasecmp(ct, "multipart/", 10) == 0) {
        int rc = multipart_fields(r, ct, f, in);
        if (rc < 0)
            return -1;
        too_big = rc > 0;
    } else if (rq_form(r, f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return -1;
    }
    if (!router_csrf_ok(r, form_get(f, "csrf"))) {
        rs_error(r, 403, "csrf", T(r->lang, "err.csrf"));
        return -1;
    }
    return too_big;
}

/* The form's fields as a notice (the URLs one per line). */
static void form_input(hreq_t *r, const form_t *f, notice_input_t *in)
{
    in->name = form_get(f, "name");
    in->contact = form_get(f, "contact");
    in->address = form_get(f, "address");
    in->right = form_get(f, "right");
    in->original = form_get(f, "original");
    in->proof = form_get(f, "proof_media");
    in->signature = form_get(f, "signature");
    in->ground = form_get(f, "ground");
    in->good_faith = form_get(f, "good_faith") != NULL;
    const char *urls = form_get(f, "urls");
    if (urls) {
        char *copy = rq_strdup(r, urls);
        for (char *save = NULL, *tok = strtok_r(copy, "\r\n", &save); tok; tok = strtok_r(NULL, "\r\n", &save)) {
            if (in->nurls == NOTICE_URLS_MAX) {
                in->too_many_urls = 1;
                break;
            }
            in->urls[in->nurls++] = tok;
        }
    }
    request_context(r, in);
}

/* The form again (every field kept) with why the notice was refused: the
 * missing fields in the reader's words, or the message and its detail. */
static void form_refused(hreq_t *r, const form_t *f, const notice_result_t *res)
{
    buf_t detail = BUF_INIT;
    if (res->status == 422 && strcmp(res->code, "missing_fields") == 0) {
        for (int i = 0; i < res->nmissing; i++) {
            char k[48];
            snprintf(k, sizeof k, "notice.%s", res->missing[i]);
            buf_printf(&detail, "%s%s", detail.len ? "; " : "", T(r->lang, k)); /* raw: text */
        }
    } else {
        refusal_detail(res, &detail);
    }
    retry_after_header(r, res);
    notice_page(r, res->status, f, T(r->lang, res->key), buf_cstr(&detail));
    buf_free(&detail);
}

/* POST /notice — fields name, contact, address, urls (one per line), ground,
 * right, original, proof_media, proof_file (multipart), good_faith,
 * signature. Success: 303 to the receipt. */
void notice_form_post(hreq_t *r)
{
    form_t f;
    notice_input_t in = {0};
    int rc = read_form(r, &f, &in);
    if (rc < 0)
        return;
    if (rc > 0) {
        notice_page(r, 413, &f, T(r->lang, "notice.err.file_large"), NULL);
        return;
    }
    form_input(r, &f, &in);
    notice_result_t res;
    if (notice_file(r->db, &in, &res) < 0) {
        form_refused(r, &f, &res);
        return;
    }
    char loc[96];
    snprintf(loc, sizeof loc, "/notice/%lld?token=%s&new=1", (long long)res.id, res.token);
    rs_redirect(r, 303, loc);
}

/* The JSON body as a notice. Returns -1 after answering 422 when a member
 * has the wrong type. */
static int api_input(hreq_t *r, json_t *j, notice_input_t *in)
{
    static const char *const keys[] = {"name",     "contact",     "address",   "right",
                                       "original", "proof_media", "signature", "ground"};
    const char **dst[] = {&in->name,     &in->contact, &in->address,   &in->right,
                          &in->original, &in->proof,   &in->signature, &in->ground};
    for (size_t i = 0; i < 8; i++) {
        if (api_json_string(j, keys[i], dst[i]) < 0) {
            api_field_error(r, 422, "invalid", T(r->lang, "notice.err.type"), keys[i]);
            return -1;
        }
    }
    json_t *gf = json_object_get(j, "good_faith");
    if (gf && !json_is_boolean(gf)) {
        rs_error_extra(r, 422, "invalid", T(r->lang, "notice.err.type"), "\"field\":\"good_faith\"");
        return -1;
    }
    in->good_faith = gf && json_is_true(gf);
    json_t *urls = json_object_get(j, "urls");
    if (urls && !json_is_null(urls)) {
        if (!json_is_array(urls)) {
            rs_error_extra(r, 422, "invalid", T(r->lang, "notice.err.type"), "\"field\":\"urls\"");
            return -1;
        }
        size_t i;
        json_t *v;
        json_array_foreach(urls, i, v)
        {
            if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
                rs_error_extra(r, 422, "invalid", T(r->lang, "notice.err.type"), "\"field\":\"urls\"");
                return -1;
            }
            if (in->nurls == NOTICE_URLS_MAX) {
                in->too_many_urls = 1;
                break;
            }
            in->urls[in->nurls++] = json_string_value(v);
        }
    }
    request_context(r, in);
    return 0;
}

/* The error's JSON members: "missing":[...], "notice":N, or "field" (and
 * "url"). */
static void refusal_members(const notice_result_t *res, buf_t *extra)
{
    if (res->nmissing) {
        for (int i = 0; i < res->nmissing; i++)
            buf_printf(extra, "%s\"%s\"", i ? "," : "\"missing\":[", res->missing[i]); /* raw: JSON */
        buf_ch(extra, ']');
    } else if (res->duplicate_of) {
        buf_printf(extra, "\"notice\":%lld", (long long)res->duplicate_of);
    } else if (res->field) {
        buf_printf(extra, "\"field\":\"%s\"", res->field); /* raw: JSON */
        if (res->url) {
            buf_lit(extra, ",\"url\":");
            buf_json_strz(extra, res->url);
        }
    }
}

/* The API's refusal: the message with the missing fields or the detail
 * after it, and the members that say what is wrong. */
static void api_refused(hreq_t *r, const notice_result_t *res)
{
    buf_t msg = BUF_INIT, extra = BUF_INIT;
    buf_rawz(&msg, T(r->lang, res->key)); /* raw: text */
    if (res->nmissing) {
        buf_lit(&msg, " ");
        for (int i = 0; i < res->nmissing; i++)
            buf_printf(&msg, "%s%s", i ? " " : "", res->missing[i]); /* raw: text */
    } else {
        buf_t detail = BUF_INIT;
        refusal_detail(res, &detail);
        if (detail.len) {
            buf_lit(&msg, " ");
            buf_rawz(&msg, buf_cstr(&detail)); /* raw: text */
        }
        buf_free(&detail);
    }
    refusal_members(res, &extra);
    retry_after_header(r, res);
    rs_error_extra(r, res->status, res->code, buf_cstr(&msg), extra.len ? buf_cstr(&extra) : NULL);
    buf_free(&msg);
    buf_free(&extra);
}

/* 201 with the receipt, and the notice's address in Location. */
static void api_created(hreq_t *r, const notice_result_t *res)
{
    buf_t b = BUF_INIT;
    /* raw: JSON, the token is hex */
    buf_printf(&b, "{\"id\":%lld,\"status\":\"%s\",\"token\":\"%s\",\"receipt\":\"/notice/%lld?token=%s\"}",
               (long long)res->id, res->actioned ? "actioned" : res->unconfirmed ? "unconfirmed" : "pending", res->token,
               (long long)res->id, res->token);
    char loc[64];
    snprintf(loc, sizeof loc, "/notice/%lld", (long long)res->id);
    rs_header(r, "location", loc);
    rs_json(r, 201, &b);
    buf_free(&b);
}

/* POST /api/v1/notices {"name","contact","address","urls":[...],"right",
 * "original","proof_media"?,"ground"?,"good_faith":true,"signature"} -> 201
 * {"id","status","token","receipt"}. No authentication: anyone may notify. */
void notice_api_post(hreq_t *r)
{
    json_t *j = api_body_object(r);
    if (!j)
        return;
    notice_input_t in = {0};
    if (api_input(r, j, &in) == 0) {
        notice_result_t res;
        if (notice_file(r->db, &in, &res) < 0)
            api_refused(r, &res);
        else
            api_created(r, &res);
    }
    json_decref(j); /* after the answer: in's strings point into it */
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
    db_stmt_t *st = db_prepare(r->db, "SELECT CASE WHEN status = 'pending' AND confirm = 'unconfirmed' OR "
                                      "confirm = 'expired' THEN confirm ELSE status END, created_at, right_claimed, reason, "
                                      "ground, contact, unfounded FROM notices WHERE id = :id");
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
    if (db_col_int(st, 6))
        fk_alert(&b, T(L, "notice.unfounded_warning"));
    if (strcmp(db_col_text(st, 0), "unconfirmed") == 0) {
        buf_t m = BUF_INIT;
        buf_rawz(&m, T(L, "notice.confirm_sent")); /* raw: text, fk_ok escapes it */
        buf_printf(&m, " %s · %d h", db_col_text(st, 5), settings_int(r->db, "notice_confirm_hours")); /* raw: text */
        fk_ok(&b, buf_cstr(&m));
        buf_free(&m);
    }
    if (rq_query(r, "court"))
        fk_ok(&b, T(L, "notice.court_recorded"));
    char status_key[48];
    snprintf(status_key, sizeof status_key, "notice.status.%s", db_col_text(st, 0));
    buf_hprintf(&b, "<dl class=\"receipt\" data-notice=\"%lld\" data-status=\"%s\">", (long long)id,
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
        buf_printf(&fv, "%s (%lld bytes)", db_col_text(st, 0), (long long)db_col_int(st, 1)); /* raw: text */
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
        buf_hprintf(&b, "<li data-work=\"%s\" data-status=\"%s\">/a/%s · ", db_col_text(st, 0), db_col_text(st, 2),
                    db_col_text(st, 0));
        buf_htmlz(&b, db_col_text(st, 1));
        buf_lit(&b, " · ");
        buf_htmlz(&b, T(L, k));
        buf_lit(&b, "</li>");
    }
    db_done(st);
    buf_lit(&b, "</ul>\n");
    notice_comments_html(r->db, id, L, 0, &b);

    /* Counter-notices, forwarded in full (the complainant needs the
     * creator's identity to go to court). */
    st = db_prepare(r->db, "SELECT c.id, c.name, c.contact, c.address, c.statement, c.status, c.restore_at, t.work_id "
                           "FROM counter_notices c JOIN takedowns t ON t.id = c.takedown_id "
                           "WHERE t.notice_id = :id ORDER BY c.id");
    db_bind_int(st, ":id", id);
    while (db_step(st) == DB_ROW) {
        buf_hprintf(&b, "<section class=\"counter\" data-counter=\"%lld\" data-status=\"%s\"><h2>",
                    (long long)db_col_int(st, 0), db_col_text(st, 5));
        buf_htmlz(&b, T(L, "counter.title"));
        buf_hprintf(&b, " (/a/%s)</h2><dl>", db_col_text(st, 7));
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
            buf_hprintf(&b, "<form method=\"post\" action=\"/notice/%lld/court\">", (long long)id);
            page_csrf_field(r, &b);
            buf_lit(&b, "<input type=\"hidden\" name=\"token\" value=\"");
            buf_htmlz(&b, token);
            buf_hprintf(&b, "\"><input type=\"hidden\" name=\"counter\" value=\"%lld\">", (long long)db_col_int(st, 0));
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
    db_stmt_t *st = db_prepare(r->db, "SELECT CASE WHEN status = 'pending' AND confirm = 'unconfirmed' OR "
                                      "confirm = 'expired' THEN confirm ELSE status END FROM notices WHERE id = :id");
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
        /* raw: JSON, work ids and statuses */
        buf_printf(&b, "%s{\"id\":\"%s\",\"status\":\"%s\"}", i ? "," : "", db_col_text(st, 0), db_col_text(st, 1));
    db_done(st);
    buf_lit(&b, "],\"comments\":[");
    st = db_prepare(r->db, "SELECT c.id, c.work_id, c.status FROM notice_comments nc JOIN comments c "
                           "ON c.id = nc.comment_id WHERE nc.notice_id = :id ORDER BY c.id");
    db_bind_int(st, ":id", id);
    for (int i = 0; db_step(st) == DB_ROW; i++)
        /* raw: JSON, numbers, work ids and statuses */
        buf_printf(&b, "%s{\"id\":%lld,\"work\":\"%s\",\"status\":\"%s\"}", i ? "," : "",
                   (long long)db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2));
    db_done(st);
    buf_lit(&b, "],\"counter_notices\":[");
    st = db_prepare(r->db, "SELECT c.id, c.status, c.restore_at FROM counter_notices c JOIN takedowns t "
                           "ON t.id = c.takedown_id WHERE t.notice_id = :id ORDER BY c.id");
    db_bind_int(st, ":id", id);
    for (int i = 0; db_step(st) == DB_ROW; i++)
        buf_printf(&b, "%s{\"id\":%lld,\"status\":\"%s\",\"restore_at\":%lld}", i ? "," : "", /* raw: JSON */
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

/* The confirmation page: msg (a result) or the button that confirms. */
static void confirm_page(hreq_t *r, int status, int64_t id, const char *token, const char *msg, int ok)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_numbered(r, &b, "notice-confirm", "notice.number", id);
    if (msg) {
        if (ok)
            fk_ok(&b, msg);
        else
            fk_alert(&b, msg);
    } else {
        buf_lit(&b, "<p>");
        buf_htmlz(&b, T(L, "notice.confirm_intro"));
        buf_hprintf(&b, "</p><form method=\"post\" action=\"/notice/%lld/confirm\">", (long long)id);
        page_csrf_field(r, &b);
        buf_lit(&b, "<input type=\"hidden\" name=\"t\" value=\"");
        buf_htmlz(&b, token);
        buf_lit(&b, "\">");
        fk_form_end(&b, T(L, "notice.confirm_send"));
    }
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /notice/:id/confirm?t=T — the mailed link: a page with one button
 * (a GET changes nothing, so a mail scanner that follows links cannot
 * confirm). An unknown, used or lapsed link: 404. */
void notice_confirm_page(hreq_t *r)
{
    const char *t = rq_query(r, "t");
    int64_t id = mod_path_id(r);
    db_stmt_t *st = db_prepare(r->db, "SELECT confirm_hash FROM notices WHERE id = :id AND status = 'pending' AND "
                                      "confirm = 'unconfirmed'");
    db_bind_int(st, ":id", id);
    int ok = t && strlen(t) == 32 && db_step(st) == DB_ROW && token_matches(t, 32, db_col_text(st, 0));
    db_done(st);
    if (!ok) {
        rs_error(r, 404, "not_found", T(r->lang, "notice.err.confirm"));
        return;
    }
    confirm_page(r, 200, id, t, NULL, 0);
}

/* POST /notice/:id/confirm — field t (the mailed token). */
void notice_confirm_post(hreq_t *r)
{
    form_t f;
    rq_form(r, &f);
    int64_t id = mod_path_id(r);
    int rc = notice_confirm(r->db, id, form_get(&f, "t"), clock_now());
    if (rc == -1) {
        rs_error(r, 404, "not_found", T(r->lang, "notice.err.confirm"));
        return;
    }
    if (rc < -1) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    confirm_page(r, 200, id, NULL, T(r->lang, rc ? "notice.confirmed_actioned" : "notice.confirmed_review"), 1);
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
