/*
 * creator.c — see creator.h. Part of the creator tools (site/creator/);
 * no state, any thread.
 */
#include "site/creator/creator.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "site/studio/studio.h"
#include "site/works/work.h"

int cr_fail(cr_err_t *e, int status, const char *code, const char *key)
{
    e->status = status;
    e->code = code;
    e->key = key;
    return -1;
}

void cr_answer_err(hreq_t *r, const cr_err_t *e)
{
    rs_error(r, e->status, e->code, T(r->lang, e->key));
}

int cr_own_work(hreq_t *r, char status[16])
{
    work_t w;
    if (!studio_own_work(r, &w))
        return 0;
    snprintf(status, 16, "%s", w.status);
    work_free(&w);
    return 1;
}
