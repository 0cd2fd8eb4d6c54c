/*
 * port_cli.c — see port_cli.h. Owned by site/portability; the CLI's main
 * thread.
 */
#include "site/portability/port_cli.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "db/db.h"
#include "site/portability/export.h"
#include "site/portability/importer.h"
#include "site/works/media.h"

static db_t *open_db(const char *dir)
{
    buf_t err = BUF_INIT;
    db_t *db = NULL;
    if (sodium_init() < 0) {
        fprintf(stderr, "hao: libsodium failed to initialise\n");
        return NULL;
    }
    clock_init();
    if (db_open(dir, 1, &db, &err) < 0) {
        fprintf(stderr, "hao: %s\n", buf_cstr(&err));
        db = NULL;
    } else if (media_import_open(dir, &err) < 0) {
        fprintf(stderr, "hao: %s\n", buf_cstr(&err));
        db_close(db);
        db = NULL;
    }
    buf_free(&err);
    return db;
}

int port_cli_export(const char *data_dir, const char *author, int revisions, const char *out)
{
    db_t *db = open_db(data_dir);
    if (!db)
        return 1;
    buf_t err = BUF_INIT, info = BUF_INIT;
    export_opts_t o = {author, revisions, NULL, NULL};
    int rc = export_write(db, &o, out, &info, &err);
    if (rc < 0)
        fprintf(stderr, "hao: export: %s\n", buf_cstr(&err));
    else
        fprintf(stderr, "hao: exported %s to %s\n", buf_cstr(&info), out);
    buf_free(&err);
    buf_free(&info);
    db_close(db);
    return rc < 0 ? 1 : 0;
}

int port_cli_claims(const char *file)
{
    return port_detect(file) != PORT_NONE;
}

int port_cli_import(const char *data_dir, const char *file, const char *author, const char *uploads, int fetch,
                    int pages, int check_only)
{
    db_t *db = open_db(data_dir);
    if (!db)
        return 1;
    buf_t report = BUF_INIT;
    port_opts_t o = {0};
    o.file = file;
    o.author = author;
    o.uploads = uploads;
    o.fetch = fetch;
    o.pages = pages;
    o.check_only = check_only;
    o.data_dir = data_dir;
    o.print = 1;
    port_result_t res;
    int rc = port_run(db, &o, &res, &report);
    fputs(buf_cstr(&report), stderr);
    if (rc == 0)
        fprintf(stderr, "hao: import: %s: %d work%s created, %d already here, %d media, %d comment%s, %d reader "
                        "account%s, %d collection%s%s\n", file, res.created, res.created == 1 ? "" : "s",
                res.skipped, res.media, res.comments, res.comments == 1 ? "" : "s", res.users,
                res.users == 1 ? "" : "s", res.collections, res.collections == 1 ? "" : "s",
                check_only ? " (checked only: nothing written)" : "");
    buf_free(&report);
    db_close(db);
    return rc < 0 ? 1 : 0;
}
