/* fuzz_req.h — a bare request for drivers that include src/http/router.c:
 * an h2o request with its memory pool and nothing else (ops, issue 17). */
#ifndef HAO_FUZZ_REQ_H
#define HAO_FUZZ_REQ_H

#include <h2o.h>
#include <string.h>

typedef struct {
    h2o_req_t h;
    rq_ext_t x; /* router.c's request (hreq_t first) */
} fuzz_req_t;

static inline hreq_t *fuzz_req_init(fuzz_req_t *f)
{
    memset(f, 0, sizeof *f);
    h2o_mem_init_pool(&f->h.pool);
    f->x.r.h = &f->h;
    return &f->x.r;
}

static inline void fuzz_req_free(fuzz_req_t *f)
{
    h2o_mem_clear_pool(&f->h.pool);
}

#endif
