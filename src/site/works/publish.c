/*
 * publish.c — see publish.h.
 */
#include "site/works/publish.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "http/pool.h"

typedef struct {
    pool_job_t job; /* first: the pool frees the job with free() */
    char id[WORK_ID_LEN + 1];
    char hash[65];
    int64_t author, seq;
    char *body;
    int rc;
    orig_result_t res;
    publish_cb cb;
} publish_job_t;

static void check_work(pool_job_t *j)
{
    publish_job_t *p = (publish_job_t *)j;
    db_t *db = pool_db();
    p->rc = db ? orig_check(db, p->id, p->author, p->seq, p->body, &p->res) : -1;
}

static void check_done(pool_job_t *j, hreq_t *r)
{
    publish_job_t *p = (publish_job_t *)j;
    free(p->body);
    p->body = NULL;
    if (!r)
        return;
    work_err_t e = {0};
    /* A failed check on the pool (no connection) is retried on the loop. */
    int rc = work_publish_checked(r->db, p->id, p->rc == 0 ? &p->res : NULL, p->hash, &e);
    p->cb(r, p->id, rc, &e);
}

void publish_async(hreq_t *r, const char *id, publish_cb cb)
{
    work_t w;
    int rc = work_get(r->db, id, &w);
    if (rc != 1) {
        work_err_t e = {.key = rc == 0 ? "work.err.not_found" : "err.internal", .status = rc == 0 ? 404 : 500};
        cb(r, id, -1, &e);
        return;
    }
    publish_job_t *p = xcalloc(1, sizeof *p);
    p->job.work = check_work;
    p->job.done = check_done;
    p->cb = cb;
    snprintf(p->id, sizeof p->id, "%s", w.id);
    snprintf(p->hash, sizeof p->hash, "%s", w.content_hash);
    p->author = w.author_id;
    p->seq = w.prov.seq;
    p->body = w.body; /* the job owns it now */
    w.body = NULL;
    work_free(&w);
    pool_submit(r, &p->job);
}

typedef struct {
    pool_job_t job; /* first: the pool frees the job with free() */
    char self[WORK_ID_LEN + 1];
    int64_t author, seq;
    char *body;
    char hash[65];
    int rc;
    orig_result_t res;
    check_cb done;
    void *ctx;
    void (*ctx_free)(void *);
} check_job_t;

static void any_check_work(pool_job_t *j)
{
    check_job_t *c = (check_job_t *)j;
    db_t *db = pool_db();
    c->rc = db ? orig_check(db, c->self[0] ? c->self : NULL, c->author, c->seq, c->body, &c->res) : -1;
}

static void any_check_done(pool_job_t *j, hreq_t *r)
{
    check_job_t *c = (check_job_t *)j;
    free(c->body);
    if (r)
        c->done(r, c->rc, &c->res, c->hash, c->ctx);
    if (c->ctx_free)
        c->ctx_free(c->ctx);
}

void publish_check_async(hreq_t *r, const char *self_id, int64_t author, int64_t before_seq, const char *body, check_cb done,
                 void *ctx, void (*ctx_free)(void *ctx))
{
    check_job_t *c = xcalloc(1, sizeof *c);
    c->job.work = any_check_work;
    c->job.done = any_check_done;
    snprintf(c->self, sizeof c->self, "%s", self_id ? self_id : "");
    c->author = author;
    c->seq = before_seq;
    c->body = xstrdup(body);
    work_hash(body, c->hash);
    c->done = done;
    c->ctx = ctx;
    c->ctx_free = ctx_free;
    pool_submit(r, &c->job);
}
