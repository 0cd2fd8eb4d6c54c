/*
 * inbox.c — see inbox.h. Writes through the audience modules (follows,
 * comments, likes) as the remote actor's local account, and fed_objects.
 */
#include "site/federation/inbox.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/alloc.h"
#include "core/changed.h"
#include "http/pool.h"
#include "site/accounts/account.h"
#include "site/audience/follow.h"
#include "site/federation/actor.h"
#include "site/federation/deliver.h"
#include "site/federation/fed.h"
#include "site/federation/interact.h"
#include "site/federation/keys.h"
#include "site/federation/remote.h"
#include "site/federation/sig9421.h"

/* Inbox jobs in flight whose signer is unknown here (each may wait up to
 * FED_TIMEOUT seconds on another server): capped, so that a burst of posts
 * naming slow or unreachable keys cannot hold the whole worker pool. */
#define FED_FETCHING_MAX 4
static atomic_int fetching;

/* fed_inbox_stats: [0] draft-cavage, [1] RFC 9421. */
static atomic_ullong sig_ok[2], sig_refused[2];

void fed_inbox_stats(unsigned long long ok[2], unsigned long long refused[2])
{
    for (int i = 0; i < 2; i++) {
        ok[i] = atomic_load(&sig_ok[i]);
        refused[i] = atomic_load(&sig_refused[i]);
    }
}

typedef struct {
    pool_job_t job; /* first (pool.h) */
    int rfc9421;    /* s9 holds the signature; else signature and signing */
    sig9421_t s9;
    char *base, *key_id, *signature, *signing, *body;
    int fetches; /* counted in fetching */
    size_t len;
    int status;
    char msg[160];
} inbox_job_t;

/* ---- the Signature header ---- */

typedef struct {
    char key_id[1024], algorithm[32], headers[512], signature[1024];
} sig_params_t;

/* Parse `name="value",name="value"`. 0, or -1 when malformed. */
static int sig_parse(const char *s, sig_params_t *out)
{
    memset(out, 0, sizeof *out);
    strcpy(out->headers, "date"); /* the draft's default */
    const char *p = s;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *eq = strchr(p, '=');
        if (!eq || eq[1] != '"')
            return -1;
        size_t nlen = (size_t)(eq - p);
        const char *v = eq + 2, *end = strchr(v, '"');
        if (!end)
            return -1;
        size_t vlen = (size_t)(end - v);
        char *dst = NULL;
        size_t cap = 0;
        if (nlen == 5 && strncmp(p, "keyId", 5) == 0)
            dst = out->key_id, cap = sizeof out->key_id;
        else if (nlen == 9 && strncmp(p, "algorithm", 9) == 0)
            dst = out->algorithm, cap = sizeof out->algorithm;
        else if (nlen == 7 && strncmp(p, "headers", 7) == 0)
            dst = out->headers, cap = sizeof out->headers;
        else if (nlen == 9 && strncmp(p, "signature", 9) == 0)
            dst = out->signature, cap = sizeof out->signature;
        if (dst) {
            if (vlen >= cap)
                return -1;
            memcpy(dst, v, vlen);
            dst[vlen] = '\0';
        }
        p = end + 1;
    }
    return out->key_id[0] && out->signature[0] ? 0 : -1;
}

/* The signing string of the request for the header list; NULL (with why)
 * when a listed header is missing or a required one is not covered. */
static const char *signing_string(hreq_t *r, const char *list, buf_t *out)
{
    int seen_target = 0, seen_host = 0, seen_date = 0, seen_digest = 0;
    char copy[512];
    snprintf(copy, sizeof copy, "%s", list);
    int first = 1;
    for (char *save = NULL, *name = strtok_r(copy, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
        for (char *c = name; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        if (!first)
            buf_lit(out, "\n");
        first = 0;
        if (strcmp(name, "(request-target)") == 0) {
            seen_target = 1;
            buf_printf(out, "(request-target): post %.*s", (int)r->h->path.len, r->h->path.base); /* raw: text */
        } else if (strcmp(name, "host") == 0) {
            seen_host = 1;
            buf_printf(out, "host: %.*s", (int)r->h->authority.len, r->h->authority.base); /* raw: text */
        } else if (name[0] == '(') {
            return "unsupported signature parameter";
        } else {
            const char *v = rq_header(r, name);
            if (!v)
                return "a signed header is missing";
            seen_date |= strcmp(name, "date") == 0;
            seen_digest |= strcmp(name, "digest") == 0;
            buf_printf(out, "%s: %s", name, v); /* raw: text */
        }
    }
    if (!seen_target || !seen_host || !seen_date || !seen_digest)
        return "the signature must cover (request-target), host, date and digest";
    return NULL;
}

/* The SHA-256 value among the Digest header's comma-separated digests
 * matches the body. */
static int digest_ok(const char *hdr, const char *body, size_t len)
{
    buf_t want = BUF_INIT;
    fed_digest(body, len, &want);
    int ok = 0;
    const char *p = hdr;
    while (*p && !ok) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        while (n > 0 && p[n - 1] == ' ')
            n--;
        /* the algorithm name is case-insensitive ("sha-256=" too) */
        if (n == want.len && strncasecmp(p, want.p, 8) == 0 && memcmp(p + 8, want.p + 8, n - 8) == 0)
            ok = 1;
        p += strcspn(p, ",");
    }
    buf_free(&want);
    return ok;
}

static int64_t http_date(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end)
        return -1;
    return (int64_t)timegm(&tm);
}

/* ---- on the pool ---- */

static int fail(inbox_job_t *j, int status, const char *msg)
{
    j->status = status;
    snprintf(j->msg, sizeof j->msg, "%s", msg);
    return -1;
}

static int verify(const inbox_job_t *j, const char *pem)
{
    if (j->rfc9421)
        return sig9421_verify(pem, &j->s9);
    return fed_verify(pem, j->signing, strlen(j->signing), j->signature);
}

static void inbox_work(pool_job_t *job)
{
    inbox_job_t *j = (inbox_job_t *)job;
    db_t *db = pool_db();
    if (!db) {
        fail(j, 503, "storage unavailable");
        return;
    }
    fed_remote_t a = {0};
    const char *why = NULL;
    int cached = fed_remote_by_key(db, j->key_id, &a);
    if (cached < 0) {
        fail(j, 503, "storage error");
        return;
    }
    if (!cached && fed_remote_fetch(db, j->key_id, &a, &why) < 0) {
        char m[160];
        snprintf(m, sizeof m, "unknown key: %s", why);
        fail(j, 401, m);
        return;
    }
    int ok = verify(j, a.pem);
    if (!ok && cached) {
        /* The actor may have changed its key: fetch it again, once. */
        fed_remote_free(&a);
        if (fed_remote_fetch(db, j->key_id, &a, &why) == 0)
            ok = verify(j, a.pem);
    }
    atomic_fetch_add(ok ? &sig_ok[j->rfc9421] : &sig_refused[j->rfc9421], 1);
    if (!ok) {
        fed_remote_free(&a);
        fail(j, 401, "the signature does not verify");
        return;
    }
    json_error_t jerr;
    json_t *act = json_loadb(j->body, j->len, JSON_REJECT_DUPLICATES, &jerr);
    const char *actor = fed_json_id(act, "actor");
    if (!actor || strcmp(actor, a.uri) != 0) {
        fail(j, 401, "the activity's actor is not the signer");
    } else if (fed_domain_blocked(db, a.host)) {
        fail(j, 403, "this server does not accept activities from your domain");
    } else {
        fed_apply_t res = {202, ""};
        fed_apply(db, j->base, &a, act, &res);
        j->status = res.status;
        snprintf(j->msg, sizeof j->msg, "%s", res.msg);
        if (res.status == 202)
            changed_signal(); /* comments, counts and followers that pages show */
    }
    json_decref(act);
    fed_remote_free(&a);
}

static void inbox_done(pool_job_t *job, hreq_t *r)
{
    inbox_job_t *j = (inbox_job_t *)job;
    if (j->fetches)
        atomic_fetch_sub(&fetching, 1);
    if (r) {
        if (j->status == 202)
            rs_send(r, 202, "application/json", "{}", 2);
        else
            fed_error(r, j->status, j->status == 401 ? "unauthorized" : j->status == 404 ? "not_found" : "refused",
                      j->msg);
    }
    sig9421_free(&j->s9);
    free(j->base);
    free(j->key_id);
    free(j->signature);
    free(j->signing);
    free(j->body);
}

/* The draft-cavage Signature of r into j (key_id, signature, signing);
 * NULL, or why it is refused. */
static const char *check_cavage(hreq_t *r, const char *body, size_t len, inbox_job_t *j)
{
    const char *sig = rq_header(r, "signature"), *digest = rq_header(r, "digest"), *date = rq_header(r, "date");
    sig_params_t sp;
    const char *why = NULL;
    buf_t signing = BUF_INIT;
    int64_t when = date ? http_date(date) : -1;
    if (!sig || sig_parse(sig, &sp) < 0)
        why = "a valid Signature header is required";
    else if (sp.algorithm[0] && strcmp(sp.algorithm, "rsa-sha256") != 0 && strcmp(sp.algorithm, "hs2019") != 0)
        why = "unsupported signature algorithm";
    else if (!digest || !digest_ok(digest, body, len))
        why = "the Digest header does not match the body";
    else if (when < 0 || when < now_s() - FED_DATE_WINDOW || when > now_s() + FED_DATE_WINDOW)
        why = "the Date header is missing or too far from now";
    else
        why = signing_string(r, sp.headers, &signing);
    if (!why) {
        j->key_id = xstrdup(sp.key_id);
        j->signature = xstrdup(sp.signature);
        j->signing = xstrdup(buf_cstr(&signing));
    }
    buf_free(&signing);
    return why;
}

/* A header field as RFC 9421 2.1 reads it: every line of it, trimmed,
 * joined by ", ". Host comes as the request's authority (HTTP/2 has no
 * Host line, and h2o keeps HTTP/1's there). */
static int field(void *ctx, const char *name, buf_t *out)
{
    hreq_t *r = ctx;
    int found = 0;
    for (ssize_t i = -1; (i = h2o_find_header_by_str(&r->h->headers, name, strlen(name), i)) != -1;) {
        h2o_iovec_t v = r->h->headers.entries[i].value;
        const char *p = v.base, *e = v.base + v.len;
        while (p < e && (*p == ' ' || *p == '\t'))
            p++;
        while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (found++)
            buf_lit(out, ", ");
        buf_raw(out, p, (size_t)(e - p)); /* raw: text */
    }
    if (!found && strcmp(name, "host") == 0) {
        buf_raw(out, r->h->authority.base, r->h->authority.len); /* raw: text */
        found = 1;
    }
    return found ? 0 : -1;
}

/* The RFC 9421 signature of r into j (key_id, s9); NULL, or why it is
 * refused. The scheme of @target-uri is base_url's: behind a proxy that
 * ends TLS the request itself came in over http. */
static const char *check_9421(hreq_t *r, const char *base, const char *body, size_t len, inbox_job_t *j)
{
    j->rfc9421 = 1;
    buf_t input = BUF_INIT, sig = BUF_INIT;
    char scheme[8], authority[256], path[2048];
    const char *why = NULL;
    size_t sl = strcspn(base, ":");
    const char *qm = memchr(r->h->path.base, '?', r->h->path.len);
    size_t pl = qm ? (size_t)(qm - r->h->path.base) : r->h->path.len;
    if (sl >= sizeof scheme || r->h->authority.len >= sizeof authority || pl >= sizeof path)
        return "the request is too long to check its signature";
    memcpy(scheme, base, sl);
    scheme[sl] = '\0';
    for (size_t i = 0; i < r->h->authority.len; i++) {
        char c = r->h->authority.base[i];
        authority[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    authority[r->h->authority.len] = '\0';
    memcpy(path, r->h->path.base, pl);
    path[pl] = '\0';
    char *query = pl < r->h->path.len ? rq_strndup(r, r->h->path.base + pl + 1, r->h->path.len - pl - 1) : NULL;
    char method[16];
    snprintf(method, sizeof method, "%.*s", (int)r->h->method.len, r->h->method.base);
    sig9421_req_t q = {method, scheme, authority, path, query, body, len, now_s(), FED_DATE_WINDOW, field, r};
    if (field(r, "signature-input", &input) < 0 || field(r, "signature", &sig) < 0)
        why = "RFC 9421 needs both Signature-Input and Signature";
    else if (sig9421_prepare(&q, buf_cstr(&input), buf_cstr(&sig), &j->s9, &why) == 0)
        j->key_id = xstrdup(j->s9.key_id);
    buf_free(&input);
    buf_free(&sig);
    return why;
}

static void inbox_job_free(inbox_job_t *j)
{
    sig9421_free(&j->s9);
    free(j->key_id);
    free(j->signature);
    free(j->signing);
    free(j->body);
    free(j);
}

/* ---- on the loop ---- */

static void inbox(hreq_t *r)
{
    char *base = fed_base(r->db);
    if (!base) {
        fed_error(r, 404, "not_found", "federation is off on this site");
        return;
    }
    const char *ct = rq_header(r, "content-type");
    if (!ct || !(strncasecmp(ct, "application/activity+json", 25) == 0 ||
                 strncasecmp(ct, "application/ld+json", 19) == 0 || strncasecmp(ct, "application/json", 16) == 0)) {
        free(base);
        fed_error(r, 415, "unsupported_media_type", "an inbox takes application/activity+json");
        return;
    }
    size_t len = 0;
    const char *body = rq_body(r, &len);
    json_error_t jerr;
    json_t *act = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    const char *type = act ? json_string_value(json_object_get(act, "type")) : NULL;
    int shaped = json_is_object(act) && type && fed_json_id(act, "actor");
    json_decref(act);
    if (!shaped) {
        free(base);
        fed_error(r, 400, "bad_request", "the body must be an activity: a JSON object with a type and an actor");
        return;
    }
    inbox_job_t *j = xcalloc(1, sizeof *j);
    const char *why = rq_header(r, "signature-input") ? check_9421(r, base, body, len, j) : check_cavage(r, body, len, j);
    if (why) {
        atomic_fetch_add(&sig_refused[j->rfc9421], 1);
        free(base);
        inbox_job_free(j);
        fed_error(r, 401, "unauthorized", why);
        return;
    }
    /* A signer not known yet means a fetch on the pool: at most
     * FED_FETCHING_MAX at once (503, try later, beyond). */
    db_stmt_t *st = db_prepare(r->db, "SELECT 1 FROM fed_actors WHERE key_id = :k");
    db_bind_text(st, ":k", j->key_id);
    int known = db_step(st) == DB_ROW;
    db_done(st);
    if (!known && atomic_fetch_add(&fetching, 1) >= FED_FETCHING_MAX) {
        atomic_fetch_sub(&fetching, 1);
        free(base);
        inbox_job_free(j);
        rs_header(r, "retry-after", "10");
        fed_error(r, 503, "busy", "too many unknown signers at once; try again shortly");
        return;
    }
    j->fetches = !known;
    j->job.work = inbox_work;
    j->job.done = inbox_done;
    j->base = base;
    j->body = xmalloc(len + 1);
    memcpy(j->body, body, len);
    j->body[len] = '\0';
    j->len = len;
    pool_submit(r, &j->job);
}

void fed_inbox(hreq_t *r)
{
    user_t u;
    int rc = account_by_handle(r->db, rq_param(r, 0), &u);
    if (rc < 0) {
        fed_error(r, 500, "internal", "storage error");
        return;
    }
    if (rc == 0 || !fed_is_actor_role(u.role)) {
        fed_error(r, 404, "not_found", "no such actor");
        return;
    }
    inbox(r);
}

void fed_shared_inbox(hreq_t *r)
{
    inbox(r);
}
