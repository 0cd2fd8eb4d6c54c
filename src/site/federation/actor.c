/*
 * actor.c — see actor.h.
 */
#include "site/federation/actor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "http/pool.h"
#include "site/accounts/account.h"
#include "site/federation/fed.h"
#include "site/federation/keys.h"
#include "site/site.h"
#include "site/works/media.h"

#define PAGE_SIZE 20

int fed_is_actor_role(enum role role)
{
    return role == ROLE_CREATOR || role == ROLE_MODERATOR || role == ROLE_ADMIN;
}

void fed_actor_url(const char *base, const char *handle, buf_t *out)
{
    buf_printf(out, "%s/u/", base); /* raw: URL */
    buf_url(out, handle, strlen(handle));
}

/* Rendered HTML of a work carries site paths (/m/ID, /t/TAG, /a/ID): other
 * servers need them absolute. The Markdown renderer's output is sanitised
 * and writes attributes as src="..." and href="...", so a path there starts
 * with that exact text. */
static void absolutize(const char *base, const char *html, size_t n, buf_t *out)
{
    const char *p = html, *end = html + n;
    while (p < end) {
        const char *a = strstr(p, "=\"/");
        if (!a || a >= end) {
            buf_raw(out, p, (size_t)(end - p)); /* raw: sanitised HTML of the renderer */
            break;
        }
        int attr = (a - p >= 3 && memcmp(a - 3, "src", 3) == 0) || (a - p >= 4 && memcmp(a - 4, "href", 4) == 0) ||
                   (a - p >= 6 && memcmp(a - 6, "poster", 6) == 0);
        buf_raw(out, p, (size_t)(a - p) + 2); /* raw: sanitised HTML of the renderer */
        if (attr && a[3] != '/')
            buf_rawz(out, base); /* raw: base_url, validated as visible ASCII without quotes */
        p = a + 2;
    }
}

int fed_article_json(db_t *db, const char *base, const work_t *w, int with_context, buf_t *out)
{
    buf_t html = BUF_INIT, content = BUF_INIT, actor = BUF_INIT, url = BUF_INIT, tmp = BUF_INIT;
    if (media_render(db, w->body, strlen(w->body), &html, NULL) < 0) {
        buf_free(&html);
        return -1;
    }
    fed_actor_url(base, w->author_handle, &actor);
    buf_printf(&url, "%s/a/%s", base, w->id); /* raw: URL */
    /* The declaration above the body and the statement below it, as on
     * the page (in both languages: the reader's is unknown). */
    if (w->declaration && strcmp(w->declaration->code, "none") != 0) {
        buf_lit(&content, "<p><strong>");
        buf_htmlz(&content, w->declaration->zh);
        buf_lit(&content, " / ");
        buf_htmlz(&content, w->declaration->en);
        buf_lit(&content, "</strong></p>");
    }
    absolutize(base, html.p ? html.p : "", html.len, &content);
    buf_lit(&content, "<p><small>");
    site_statement_html(&content, LANG_ZH);
    buf_lit(&content, "</small></p><p><small>");
    site_statement_html(&content, LANG_EN);
    buf_lit(&content, "</small></p>");

    buf_lit(out, "{");
    if (with_context)
        buf_lit(out, FED_CONTEXT ",");
    buf_lit(out, "\"id\":");
    buf_json_strz(out, buf_cstr(&url));
    buf_lit(out, ",\"type\":\"Article\",\"attributedTo\":");
    buf_json_strz(out, buf_cstr(&actor));
    buf_lit(out, ",\"name\":");
    buf_json_strz(out, w->title);
    buf_lit(out, ",\"content\":");
    buf_json_str(out, content.p ? content.p : "", content.len);
    buf_lit(out, ",\"mediaType\":\"text/html\",\"url\":");
    buf_json_strz(out, buf_cstr(&url));
    char t[32];
    fed_iso8601(w->published_at ? w->published_at : w->created_at, t);
    buf_printf(out, ",\"published\":\"%s\"", t); /* raw: JSON, digits and punctuation */
    if (w->updated_at > w->published_at) {
        fed_iso8601(w->updated_at, t);
        buf_printf(out, ",\"updated\":\"%s\"", t); /* raw: JSON, digits and punctuation */
    }
    buf_lit(out, ",\"to\":[\"" FED_PUBLIC "\"],\"cc\":[");
    buf_printf(&tmp, "%s/followers", buf_cstr(&actor)); /* raw: URL */
    buf_json_strz(out, buf_cstr(&tmp));
    buf_lit(out, "],\"tag\":[");
    for (int i = 0; i < w->ntags; i++) {
        buf_reset(&tmp);
        buf_printf(&tmp, "%s/t/", base); /* raw: URL */
        buf_url(&tmp, w->tags[i], strlen(w->tags[i]));
        if (i)
            buf_lit(out, ",");
        buf_lit(out, "{\"type\":\"Hashtag\",\"href\":");
        buf_json_strz(out, buf_cstr(&tmp));
        buf_reset(&tmp);
        buf_printf(&tmp, "#%s", w->tags[i]); /* raw: JSON, written with buf_json_strz */
        buf_lit(out, ",\"name\":");
        buf_json_strz(out, buf_cstr(&tmp));
        buf_lit(out, "}");
    }
    buf_lit(out, "],\"likes\":{\"type\":\"Collection\",\"totalItems\":");
    db_stmt_t *cs = db_prepare(db, "SELECT (SELECT COUNT(*) FROM work_likes WHERE work_id = :w), "
                                   "(SELECT COUNT(*) FROM fed_objects WHERE work_id = :w AND kind = 'announce')");
    db_bind_text(cs, ":w", w->id);
    int64_t likes = 0, shares = 0;
    if (db_step(cs) == DB_ROW) {
        likes = db_col_int(cs, 0);
        shares = db_col_int(cs, 1);
    }
    db_done(cs);
    buf_printf(out, "%lld},\"shares\":{\"type\":\"Collection\",\"totalItems\":%lld}", (long long)likes,
               (long long)shares);
    buf_lit(out, ",\"attachment\":[");
    db_stmt_t *st = db_prepare(db, "SELECT m.id, m.kind, m.mime, m.alt, m.width, m.height FROM work_media wm "
                                   "JOIN media m ON m.id = wm.media_id WHERE wm.work_id = :w ORDER BY m.id");
    db_bind_text(st, ":w", w->id);
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        buf_reset(&tmp);
        buf_printf(&tmp, "%s/m/%s", base, db_col_text(st, 0)); /* raw: URL */
        if (n++)
            buf_lit(out, ",");
        buf_lit(out, "{\"type\":");
        buf_json_strz(out, strcmp(db_col_text(st, 1), "video") == 0 ? "Video" : "Image");
        buf_lit(out, ",\"mediaType\":");
        buf_json_strz(out, db_col_text(st, 2));
        buf_lit(out, ",\"url\":");
        buf_json_strz(out, buf_cstr(&tmp));
        buf_lit(out, ",\"name\":");
        buf_json_strz(out, db_col_text(st, 3));
        buf_printf(out, ",\"width\":%lld,\"height\":%lld}", (long long)db_col_int(st, 4),
                   (long long)db_col_int(st, 5));
    }
    db_done(st);
    buf_lit(out, "]}");
    buf_free(&html);
    buf_free(&content);
    buf_free(&actor);
    buf_free(&url);
    buf_free(&tmp);
    return rc == DB_DONE ? 0 : -1;
}

void fed_tombstone_json(const char *base, const char *id, int with_context, buf_t *out)
{
    buf_t url = BUF_INIT;
    buf_printf(&url, "%s/a/%s", base, id); /* raw: URL */
    buf_lit(out, "{");
    if (with_context)
        buf_lit(out, FED_CONTEXT ",");
    buf_lit(out, "\"id\":");
    buf_json_strz(out, buf_cstr(&url));
    buf_lit(out, ",\"type\":\"Tombstone\",\"formerType\":\"Article\"}");
    buf_free(&url);
}

int fed_creator_address(db_t *db, const char *handle, char *out, size_t cap)
{
    char *base = fed_base(db), host[256];
    int ok = base && fed_host_of(base, host, sizeof host) == 0 &&
             (size_t)snprintf(out, cap, "@%s@%s", handle, host) < cap;
    free(base);
    return ok;
}

/* ---- the Person ---- */

/* The creator of the request's :handle (1 with *u), or 0 after answering
 * 404 (unknown or not an actor), or -1 after answering 500. */
static int actor_of(hreq_t *r, user_t *u)
{
    int rc = account_by_handle(r->db, rq_param(r, 0), u);
    if (rc < 0) {
        fed_error(r, 500, "internal", "storage error");
        return -1;
    }
    if (rc == 0 || !fed_is_actor_role(u->role)) {
        fed_error(r, 404, "not_found", "no such actor");
        return 0;
    }
    return 1;
}

static void person_json(db_t *db, const char *base, const user_t *u, const char *pem, buf_t *out)
{
    buf_t actor = BUF_INIT, tmp = BUF_INIT;
    fed_actor_url(base, u->handle, &actor);
    const char *a = buf_cstr(&actor);
    buf_lit(out, "{" FED_CONTEXT ",\"id\":");
    buf_json_strz(out, a);
    buf_lit(out, ",\"type\":\"Person\",\"preferredUsername\":");
    buf_json_strz(out, u->handle);
    buf_lit(out, ",\"name\":");
    buf_json_strz(out, u->display_name);
    buf_printf(&tmp, "%s · %s", u->display_name, site_name()); /* raw: JSON, written with buf_json_strz */
    buf_lit(out, ",\"summary\":");
    buf_json_strz(out, buf_cstr(&tmp));
    buf_lit(out, ",\"url\":");
    buf_json_strz(out, a);
    static const char *const colls[] = {"inbox", "outbox", "followers", "following", "featured"};
    for (size_t i = 0; i < sizeof colls / sizeof colls[0]; i++) {
        buf_reset(&tmp);
        buf_printf(&tmp, "%s/%s", a, colls[i]); /* raw: URL */
        buf_printf(out, ",\"%s\":", colls[i]); /* raw: JSON, a literal name */
        buf_json_strz(out, buf_cstr(&tmp));
    }
    buf_reset(&tmp);
    buf_printf(&tmp, "%s/inbox", base); /* raw: URL */
    buf_lit(out, ",\"endpoints\":{\"sharedInbox\":");
    buf_json_strz(out, buf_cstr(&tmp));
    buf_lit(out, "},\"attachment\":[{\"type\":\"Link\",\"name\":\"Atom\",\"mediaType\":\"application/atom+xml\","
                 "\"href\":");
    buf_reset(&tmp);
    buf_printf(&tmp, "%s/feed.atom", a); /* raw: URL */
    buf_json_strz(out, buf_cstr(&tmp));
    buf_lit(out, "},{\"type\":\"Link\",\"name\":\"JSON Feed\",\"mediaType\":\"application/feed+json\",\"href\":");
    buf_reset(&tmp);
    buf_printf(&tmp, "%s/feed.json", a); /* raw: URL */
    buf_json_strz(out, buf_cstr(&tmp));
    buf_lit(out, "}],\"icon\":{\"type\":\"Image\",\"mediaType\":\"image/svg+xml\",\"url\":");
    buf_reset(&tmp);
    buf_printf(&tmp, "%s" , base); /* raw: URL */
    buf_lit(&tmp, "/favicon.ico");
    buf_json_strz(out, buf_cstr(&tmp));
    buf_lit(out, "},\"manuallyApprovesFollowers\":false,\"discoverable\":true,\"publicKey\":{\"id\":");
    buf_reset(&tmp);
    buf_printf(&tmp, "%s#main-key", a); /* raw: URL */
    buf_json_strz(out, buf_cstr(&tmp));
    buf_lit(out, ",\"owner\":");
    buf_json_strz(out, a);
    buf_lit(out, ",\"publicKeyPem\":");
    buf_json_strz(out, pem);
    buf_lit(out, "}");
    db_stmt_t *st = db_prepare(db, "SELECT created_at FROM users WHERE id = :u");
    db_bind_int(st, ":u", u->id);
    if (db_step(st) == DB_ROW) {
        char t[32];
        fed_iso8601(db_col_int(st, 0), t);
        buf_printf(out, ",\"published\":\"%s\"", t); /* raw: JSON, digits and punctuation */
    }
    db_done(st);
    buf_lit(out, "}");
    buf_free(&actor);
    buf_free(&tmp);
}

typedef struct {
    pool_job_t job; /* first (pool.h) */
    int64_t user_id;
    int ok;
} keyjob_t;

static void keyjob_work(pool_job_t *job)
{
    keyjob_t *k = (keyjob_t *)job;
    db_t *db = pool_db();
    k->ok = db && fed_key_make(db, k->user_id) == 0;
}

static void send_person(hreq_t *r, const char *base, const user_t *u, const char *pem)
{
    buf_t b = BUF_INIT;
    person_json(r->db, base, u, pem, &b);
    fed_send(r, 200, FED_AS_TYPE, &b);
    buf_free(&b);
}

static void keyjob_done(pool_job_t *job, hreq_t *r)
{
    keyjob_t *k = (keyjob_t *)job;
    if (!r)
        return;
    user_t u;
    char *base = fed_base(r->db), *pem = NULL;
    if (!k->ok || !base || actor_of(r, &u) != 1 || fed_key_get(r->db, u.id, &pem, NULL) != 1) {
        if (!r->answered)
            fed_error(r, 500, "internal", "the actor's key could not be made");
    } else {
        send_person(r, base, &u, pem);
    }
    free(base);
    free(pem);
}

int fed_negotiate_author(hreq_t *r)
{
    /* A remote account's page here (its comments link to /u/~HASH) is
     * its profile on its own server. */
    const char *h = rq_param(r, 0);
    if (h[0] == '~') {
        db_stmt_t *st = db_prepare(r->db, "SELECT a.url FROM fed_actors a JOIN users u ON u.id = a.user_id "
                                          "WHERE u.handle = :h");
        db_bind_text(st, ":h", h);
        char *url = db_step(st) == DB_ROW ? rq_strdup(r, db_col_text(st, 0)) : NULL;
        db_done(st);
        if (url) {
            rs_redirect(r, 302, url);
            return 1;
        }
    }
    if (!fed_wants_as(r))
        return 0;
    char *base = fed_base(r->db);
    if (!base)
        return 0;
    user_t u;
    if (actor_of(r, &u) == 1) {
        char *pem = NULL;
        int rc = fed_key_get(r->db, u.id, &pem, NULL);
        if (rc == 1) {
            send_person(r, base, &u, pem);
        } else if (rc == 0) {
            keyjob_t *k = xcalloc(1, sizeof *k);
            k->job.work = keyjob_work;
            k->job.done = keyjob_done;
            k->user_id = u.id;
            pool_submit(r, &k->job);
        } else {
            fed_error(r, 500, "internal", "storage error");
        }
        free(pem);
    }
    free(base);
    return 1;
}

int fed_negotiate_work(hreq_t *r)
{
    if (!fed_wants_as(r))
        return 0;
    char *base = fed_base(r->db);
    if (!base)
        return 0;
    work_t w;
    int rc = work_get(r->db, rq_param(r, 0), &w);
    if (rc < 0) {
        fed_error(r, 500, "internal", "storage error");
    } else if (rc == 0) {
        fed_error(r, 404, "not_found", "no such work");
    } else if (strcmp(w.status, "taken_down") == 0 || strcmp(w.status, "deleted") == 0) {
        buf_t b = BUF_INIT;
        fed_tombstone_json(base, w.id, 1, &b);
        fed_send(r, 410, FED_AS_TYPE, &b);
        buf_free(&b);
    } else if (strcmp(w.status, "published") != 0) {
        fed_error(r, 404, "not_found", "no such work");
    } else {
        buf_t b = BUF_INIT;
        if (fed_article_json(r->db, base, &w, 1, &b) < 0)
            fed_error(r, 500, "internal", "storage error");
        else
            fed_send(r, 200, FED_AS_TYPE, &b);
        buf_free(&b);
    }
    if (rc > 0)
        work_free(&w);
    free(base);
    return 1;
}

/* ---- collections ---- */

/* Start a collection answer: base and the creator, or 0 after answering. */
static int coll_begin(hreq_t *r, char **base, user_t *u)
{
    *base = fed_base(r->db);
    if (!*base) {
        fed_error(r, 404, "not_found", "federation is off on this site");
        return 0;
    }
    if (actor_of(r, u) != 1) {
        free(*base);
        return 0;
    }
    return 1;
}

/* {"@context","id":URL/NAME,"type":"OrderedCollection","totalItems":N,
 * "first":URL/NAME?page=1} */
static void coll_head(buf_t *b, const char *coll, int64_t total, int paged)
{
    buf_lit(b, "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":");
    buf_json_strz(b, coll);
    buf_printf(b, ",\"type\":\"OrderedCollection\",\"totalItems\":%lld", (long long)total);
    if (paged) {
        buf_t f = BUF_INIT;
        buf_printf(&f, "%s?page=1", coll); /* raw: URL */
        buf_lit(b, ",\"first\":");
        buf_json_strz(b, buf_cstr(&f));
        buf_free(&f);
    } else {
        buf_lit(b, ",\"orderedItems\":[]");
    }
    buf_lit(b, "}");
}

void fed_outbox(hreq_t *r)
{
    char *base;
    user_t u;
    if (!coll_begin(r, &base, &u))
        return;
    buf_t coll = BUF_INIT, actor = BUF_INIT, b = BUF_INIT;
    fed_actor_url(base, u.handle, &actor);
    buf_printf(&coll, "%s/outbox", buf_cstr(&actor)); /* raw: URL */
    if (!rq_query(r, "page")) {
        db_stmt_t *st = db_prepare(r->db, "SELECT COUNT(*) FROM works WHERE author_id = :u AND status = 'published'");
        db_bind_int(st, ":u", u.id);
        int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
        db_done(st);
        coll_head(&b, buf_cstr(&coll), n, 1);
        fed_send(r, 200, FED_AS_TYPE, &b);
    } else {
        const char *before = rq_query(r, "before"), *before_id = rq_query(r, "before_id");
        work_query_t q = {.author = u.handle, .limit = PAGE_SIZE};
        if (before && before_id) {
            q.before = strtoll(before, NULL, 10);
            q.before_id = before_id;
        }
        work_list_t l;
        if (work_list(r->db, &q, &l) < 0) {
            fed_error(r, 500, "internal", "storage error");
        } else {
            buf_lit(&b, "{\"@context\":[\"https://www.w3.org/ns/activitystreams\"],\"id\":");
            buf_t self = BUF_INIT;
            buf_printf(&self, "%s?page=1", buf_cstr(&coll)); /* raw: URL */
            if (before && before_id) {
                buf_printf(&self, "&before=%lld&before_id=", (long long)q.before); /* raw: URL */
                buf_url(&self, before_id, strlen(before_id));
            }
            buf_json_strz(&b, buf_cstr(&self));
            buf_lit(&b, ",\"type\":\"OrderedCollectionPage\",\"partOf\":");
            buf_json_strz(&b, buf_cstr(&coll));
            buf_lit(&b, ",\"orderedItems\":[");
            int err = 0;
            for (int i = 0; i < l.n && !err; i++) {
                buf_t item = BUF_INIT;
                work_t *w = &l.items[i];
                err = fed_article_json(r->db, base, w, 0, &item) < 0;
                if (i)
                    buf_lit(&b, ",");
                buf_lit(&b, "{\"id\":");
                buf_reset(&self);
                buf_printf(&self, "%s/a/%s#create", base, w->id); /* raw: URL */
                buf_json_strz(&b, buf_cstr(&self));
                buf_lit(&b, ",\"type\":\"Create\",\"actor\":");
                buf_json_strz(&b, buf_cstr(&actor));
                buf_lit(&b, ",\"to\":[\"" FED_PUBLIC "\"],\"object\":");
                buf_raw(&b, item.p ? item.p : "{}", item.p ? item.len : 2); /* raw: JSON built by fed_article_json */
                buf_lit(&b, "}");
                buf_free(&item);
            }
            buf_lit(&b, "]");
            if (l.more && l.n > 0) {
                buf_reset(&self);
                buf_printf(&self, "%s?page=1&before=%lld&before_id=", buf_cstr(&coll), /* raw: URL */
                           (long long)l.items[l.n - 1].published_at);
                buf_url(&self, l.items[l.n - 1].id, strlen(l.items[l.n - 1].id));
                buf_lit(&b, ",\"next\":");
                buf_json_strz(&b, buf_cstr(&self));
            }
            buf_lit(&b, "}");
            buf_free(&self);
            work_list_free(&l);
            if (err)
                fed_error(r, 500, "internal", "storage error");
            else
                fed_send(r, 200, FED_AS_TYPE, &b);
        }
    }
    buf_free(&coll);
    buf_free(&actor);
    buf_free(&b);
    free(base);
}

/* GET /u/:handle/followers: the count (local and remote followers), and
 * pages of the remote followers' ids (local readers have no id to give). */
void fed_followers(hreq_t *r)
{
    char *base;
    user_t u;
    if (!coll_begin(r, &base, &u))
        return;
    buf_t coll = BUF_INIT, b = BUF_INIT;
    fed_actor_url(base, u.handle, &coll);
    buf_lit(&coll, "/followers");
    const char *page = rq_query(r, "page");
    if (!page) {
        db_stmt_t *st = db_prepare(r->db, "SELECT followers_count FROM users WHERE id = :u");
        db_bind_int(st, ":u", u.id);
        int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
        db_done(st);
        coll_head(&b, buf_cstr(&coll), n, 1);
    } else {
        long pn = strtol(page, NULL, 10);
        if (pn < 1 || pn > 100000)
            pn = 1;
        db_stmt_t *st = db_prepare(r->db, "SELECT a.uri FROM follows f JOIN fed_actors a ON a.user_id = f.follower_id "
                                          "WHERE f.followee_id = :u ORDER BY f.created_at, a.uri "
                                          "LIMIT :lim OFFSET :off");
        db_bind_int(st, ":u", u.id);
        db_bind_int(st, ":lim", PAGE_SIZE + 1);
        db_bind_int(st, ":off", (pn - 1) * PAGE_SIZE);
        buf_t self = BUF_INIT;
        buf_printf(&self, "%s?page=%ld", buf_cstr(&coll), pn); /* raw: URL */
        buf_lit(&b, "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":");
        buf_json_strz(&b, buf_cstr(&self));
        buf_lit(&b, ",\"type\":\"OrderedCollectionPage\",\"partOf\":");
        buf_json_strz(&b, buf_cstr(&coll));
        buf_lit(&b, ",\"orderedItems\":[");
        int n = 0;
        while (db_step(st) == DB_ROW) {
            if (n == PAGE_SIZE) {
                n++;
                break;
            }
            if (n++)
                buf_lit(&b, ",");
            buf_json_strz(&b, db_col_text(st, 0));
        }
        db_done(st);
        buf_lit(&b, "]");
        if (n > PAGE_SIZE) {
            buf_reset(&self);
            buf_printf(&self, "%s?page=%ld", buf_cstr(&coll), pn + 1); /* raw: URL */
            buf_lit(&b, ",\"next\":");
            buf_json_strz(&b, buf_cstr(&self));
        }
        buf_lit(&b, "}");
        buf_free(&self);
    }
    fed_send(r, 200, FED_AS_TYPE, &b);
    buf_free(&coll);
    buf_free(&b);
    free(base);
}

/* Creators follow no remote account from hao: an empty collection. */
static void empty_coll(hreq_t *r, const char *name)
{
    char *base;
    user_t u;
    if (!coll_begin(r, &base, &u))
        return;
    buf_t coll = BUF_INIT, b = BUF_INIT;
    fed_actor_url(base, u.handle, &coll);
    buf_printf(&coll, "/%s", name); /* raw: URL */
    coll_head(&b, buf_cstr(&coll), 0, 0);
    fed_send(r, 200, FED_AS_TYPE, &b);
    buf_free(&coll);
    buf_free(&b);
    free(base);
}

void fed_following(hreq_t *r)
{
    empty_coll(r, "following");
}

void fed_featured(hreq_t *r)
{
    empty_coll(r, "featured");
}
