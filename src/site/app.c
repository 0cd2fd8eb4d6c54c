/*
 * app.c — the site's start-up and shutdown around `hao serve`, and the
 * hooks it registers with the server. See app.h.
 *
 * The order of the phases is the server's (server_app_t in http/server.h):
 * init on the main thread after the database is migrated, start once
 * signals are blocked, ready after the "serving" line, stop after the loops
 * and the worker pool have finished.
 */
#include "site/app.h"

#include <stdio.h>

#include "core/clock.h"
#include "media/helper.h"
#include "provenance/originality.h"
#include "site/accounts/account.h"
#include "site/layout.h"
#include "site/ops/mail.h"
#include "site/federation/deliver.h"
#include "site/ops/settings.h"
#include "site/site.h"
#include "site/ops/jobs.h"
#include "site/trust/takedown.h"
#include "site/works/media.h"
#include "site/portability/redirect.h"
#include "site/portability/worker.h"

/* Set by app_server() and app_init() on the main thread before the loops
 * start; only read after. */
static size_t upload_max_opt;
static int clock_shifted;

static int app_init(db_t *db, const char *data_dir, buf_t *err)
{
    clock_shifted = clock_init();
    if (clock_shifted < 0) {
        buf_lit(err, "HAO_FAKE_NOW must be unix seconds");
        return -1;
    }
    if (site_init(db, err) < 0 ||
        media_init(data_dir, db, upload_max_opt ? upload_max_opt : MEDIA_UPLOAD_MAX_DEFAULT, err) < 0)
        return -1;
    /* Works published before the originality index existed join it now,
     * before the first publish is checked against it. */
    long indexed = orig_backfill(db);
    if (indexed > 0)
        printf("hao: indexed %ld published works for the originality check\n", indexed);
    else if (indexed < 0)
        fprintf(stderr, "hao: the originality index could not be filled; copies of older works may go unnoticed\n");
    /* Once, when the tokeniser changed (traditional characters folded). */
    long rekeyed = orig_reband(db);
    if (rekeyed > 0)
        printf("hao: re-keyed %ld published works for the originality check (traditional and simplified "
               "characters now match)\n", rekeyed);
    else if (rekeyed < 0)
        fprintf(stderr, "hao: the originality index could not be re-keyed; it is tried again at the next start\n");
    return 0;
}

static int app_start(const char *data_dir, buf_t *err)
{
    if (mail_sender_start(data_dir, err) < 0 || port_worker_start(data_dir, err) < 0) /* portability */
        return -1;
    return fed_sender_start(data_dir, err); /* federation's deliveries (site/federation/deliver.h) */
}

static void app_ready(db_t *db, const char *listen)
{
    site_announce(db, listen);
    if (clock_shifted)
        printf("hao: warning: HAO_FAKE_NOW shifts the deadline clock (for tests only)\n");
    settings_warn_unset(db, stdout);
    /* Jobs that fell due while the server was down run before any request. */
    jobs_run(db);
}

static void app_stop(void)
{
    port_worker_stop(); /* portability: before the helpers it may use */
    helper_stop(); /* after the pool: no upload is using one */
    mail_sender_stop();
    fed_sender_stop();
    site_free();
}

/* Scheduled jobs (delayed restores, retention purges): a due job is a small
 * transaction. */
static void app_minute(db_t *db)
{
    jobs_run(db);
}

const server_app_t *app_server(size_t upload_max)
{
    static server_app_t app;
    upload_max_opt = upload_max;
    app = (server_app_t){
        .routes = routes,
        .nroutes = routes_count,
        .init = app_init,
        .start = app_start,
        .ready = app_ready,
        .stop = app_stop,
        .identify = account_identify,
        .error_page = page_error,
        .refresh = site_refresh,
        .upload_max = media_upload_max,
        .minute = app_minute,
        .not_found = port_redirect, /* portability: imported works' former paths */
    };
    return &app;
}
