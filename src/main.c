/*
 * main.c — the `hao` command: parse the subcommand and its flags, hand over
 * to the module that does the work. Usage errors exit 2, failures 1.
 *
 * The top of the layers (core <- db <- search/media/provenance <- http <-
 * site <- main): here the lower layers are given what the higher ones
 * register with them, before anything runs: the search segmenter for the
 * SQLite store (search_init), and for `hao serve` the site's hooks for the
 * server (app_server, site/app.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "db/db.h"
#include "http/server.h"
#include "media/helper.h"
#include "search/search.h"
#include "site/app.h"
#include "site/ops/cli.h"
#include "site/ops/help.h"
#include "site/ops/migrate.h"
#include "site/portability/port_cli.h"
#include "site/reader/searchpage.h"

static const char usage[] =
    "usage:\n"
    "  hao serve  [--data DIR] [--pg URL] [--listen HOST:PORT] [--threads N] [--upload-max MIB] [--user NAME]\n"
    "  hao user add HANDLE --role creator|moderator|admin [--name DISPLAY_NAME] [--email ADDR] [--data DIR] [--pg URL]\n"
    "                                   (password on standard input)\n"
    "  hao user reinstate HANDLE --reason TEXT [--data DIR] [--pg URL]   (lift a suspension, audited)\n"
    "  hao user reset-password HANDLE [--data DIR] [--pg URL]   (new password on stdin; ends its sessions)\n"
    "  hao user delete HANDLE [--keep-works] [--data DIR] [--pg URL]   (erase the account's personal data)\n"
    "  hao import FILE... --author HANDLE [--title T] [--declaration CODE] [--force] [--data DIR] [--pg URL]\n"
    "  hao import ARCHIVE|WXR.xml|GHOST.json [--author HANDLE] [--uploads DIR] [--fetch] [--pages] [--check]\n"
    "                                   [--data DIR] [--pg URL]\n"
    "                                   (a hao export, a WordPress export, a Ghost export: checked whole first)\n"
    "  hao export [--author HANDLE] [--revisions] OUT.tar.gz|OUT.zip [--data DIR] [--pg URL]\n"
    "  hao backup OUT [--data DIR]\n"
    "  hao check  [--data DIR] [--pg URL]\n"
    "  hao search rebuild|normalize|query TEXT [--data DIR] [--pg URL]\n"
    "  hao set KEY VALUE [--data DIR] [--pg URL]   (site settings: operator identity, notice_mode, ...)\n"
    "  hao migrate-store --to URL [--from DIR] [--s3-endpoint URL --s3-bucket B --s3-access-key K\n"
    "                    --s3-secret-key S [--s3-region R]]   (move a SQLite site to PostgreSQL and S3, verified)\n"
    "  hao help [COMMAND] [--man]   (a command's page; also man hao-COMMAND)\n"
    "defaults: --data ./data  --listen 127.0.0.1:8080\n"
    "--pg URL (or \"database = URL\" in DIR/hao.conf) keeps the site in PostgreSQL instead of DIR/hao.db\n";

typedef struct {
    const char *data, *listen, *role, *name, *author, *title, *declaration, *threads, *pg, *to, *upload_max;
    const char *s3_endpoint, *s3_bucket, *s3_region, *s3_access_key, *s3_secret_key, *email, *reason, *user;
    const char *uploads;
    int force, revisions, check, fetch, pages;
    int keep_works;
    int npos;
    char **pos;
} args_t;

/* Parse flags after the subcommand; positional arguments are collected.
 * allowed lists the flags this subcommand takes. Returns -1 on a bad flag. */
static int parse_flags(int argc, char **argv, const char *allowed, args_t *a)
{
    a->pos = xcalloc((size_t)argc + 1, sizeof(char *));
    for (int i = 0; i < argc; i++) {
        const char *f = argv[i];
        if (strncmp(f, "--", 2) != 0) {
            a->pos[a->npos++] = argv[i];
            continue;
        }
        const char *name = f + 2;
        char key[64];
        snprintf(key, sizeof key, " %s ", name);
        if (strlen(name) == 0 || strlen(name) > 40 || !strstr(allowed, key)) {
            fprintf(stderr, "hao: unknown option %s\n%s", f, usage);
            return -1;
        }
        if (strcmp(name, "force") == 0 || strcmp(name, "revisions") == 0 || strcmp(name, "check") == 0 ||
            strcmp(name, "fetch") == 0 || strcmp(name, "pages") == 0) {
            *(name[0] == 'f' && name[1] == 'o' ? &a->force : name[0] == 'r' ? &a->revisions
              : name[0] == 'c' ? &a->check : name[0] == 'p' ? &a->pages : &a->fetch) = 1;
            continue;
        }
        if (strcmp(name, "keep-works") == 0) {
            a->keep_works = 1;
            continue;
        }
        if (i + 1 >= argc || argv[i + 1][0] == '\0') {
            fprintf(stderr, "hao: option %s needs a value\n", f);
            return -1;
        }
        const char *v = argv[++i];
        const char **dst = strcmp(name, "data") == 0          ? &a->data
                           : strcmp(name, "listen") == 0      ? &a->listen
                           : strcmp(name, "role") == 0        ? &a->role
                           : strcmp(name, "name") == 0        ? &a->name
                           : strcmp(name, "author") == 0      ? &a->author
                           : strcmp(name, "title") == 0       ? &a->title
                           : strcmp(name, "declaration") == 0 ? &a->declaration
                           : strcmp(name, "threads") == 0     ? &a->threads
                           : strcmp(name, "pg") == 0          ? &a->pg
                           : strcmp(name, "to") == 0          ? &a->to
                           : strcmp(name, "from") == 0        ? &a->data
                           : strcmp(name, "email") == 0       ? &a->email
                           : strcmp(name, "reason") == 0      ? &a->reason
                           : strcmp(name, "s3-endpoint") == 0 ? &a->s3_endpoint
                           : strcmp(name, "s3-bucket") == 0   ? &a->s3_bucket
                           : strcmp(name, "s3-region") == 0   ? &a->s3_region
                           : strcmp(name, "s3-access-key") == 0 ? &a->s3_access_key
                           : strcmp(name, "s3-secret-key") == 0 ? &a->s3_secret_key
                           : strcmp(name, "upload-max") == 0  ? &a->upload_max
                           : strcmp(name, "user") == 0        ? &a->user

                           : strcmp(name, "uploads") == 0     ? &a->uploads
                                                              : NULL;
        if (!dst) {
            fprintf(stderr, "hao: unknown option %s\n%s", f, usage);
            return -1;
        }
        *dst = v;
    }
    if (!a->data)
        a->data = "./data";
    return 0;
}

/* parse_flags, then choose the store: --pg, else DIR/hao.conf, else SQLite
 * in DIR. Chosen here, once, before anything opens the database or starts a
 * thread. */
static int parse(int argc, char **argv, const char *allowed, args_t *a)
{
    if (parse_flags(argc, argv, allowed, a) < 0)
        return -1;
    buf_t err = BUF_INIT;
    int rc = db_configure(a->data, a->pg, &err);
    if (rc < 0)
        fprintf(stderr, "hao: %s\n", buf_cstr(&err));
    buf_free(&err);
    return rc;
}

int main(int argc, char **argv)
{
    /* hao help CMD [--man] (site/ops/help.h) */
    if (argc >= 3 && strcmp(argv[1], "help") == 0) {
        int man = strcmp(argv[argc - 1], "--man") == 0;
        const char *topic = argc - man >= 3 ? argv[2] : NULL;
        return help_print(topic && strcmp(topic, "hao") ? topic : NULL, man);
    }
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    search_init(); /* before any command opens a database */
    /* Internal: the media helper that hao serve starts (media/helper.h). */
    if (strcmp(cmd, "media-helper") == 0)
        return helper_main(argc > 2 ? argv[2] : NULL);
    args_t a = {0};
    int rc = 2;
    if (strcmp(cmd, "serve") == 0) {
        if (parse(argc - 2, argv + 2, " data pg listen threads upload-max user ", &a) < 0 || a.npos) {
            if (a.npos)
                fprintf(stderr, "hao: serve takes no arguments\n%s", usage);
        } else {
            server_opts_t o = {a.data, a.listen ? a.listen : "127.0.0.1:8080", 0, a.user};
            size_t upload_max = 0; /* the default */
            if (a.upload_max) {
                char *end;
                long m = strtol(a.upload_max, &end, 10);
                if (*end || m < 1 || m > 4096) {
                    fprintf(stderr, "hao: --upload-max must be 1-4096 (MiB)\n");
                    free(a.pos);
                    return 2;
                }
                upload_max = (size_t)m << 20;
            }
            if (a.threads) {
                char *end;
                long t = strtol(a.threads, &end, 10);
                if (*end || t < 1 || t > HAO_MAX_LOOPS) {
                    fprintf(stderr, "hao: --threads must be 1-%d\n", HAO_MAX_LOOPS);
                    free(a.pos);
                    return 2;
                }
                o.threads = (int)t;
            }
            rc = server_run(&o, app_server(upload_max));
        }
    } else if (strcmp(cmd, "user") == 0) {
        if (argc >= 3 && strcmp(argv[2], "reinstate") == 0) {
            if (parse(argc - 3, argv + 3, " data pg reason ", &a) == 0) {
                if (a.npos != 1)
                    fprintf(stderr, "hao: user reinstate needs HANDLE\n%s", usage);
                else
                    rc = cli_user_reinstate(a.data, a.pos[0], a.reason);
            }
        } else if (argc >= 3 && strcmp(argv[2], "delete") == 0) {
            if (parse(argc - 3, argv + 3, " data pg keep-works ", &a) == 0) {
                if (a.npos != 1)
                    fprintf(stderr, "hao: user delete needs HANDLE\n%s", usage);
                else
                    rc = cli_user_delete(a.data, a.pos[0], a.keep_works);
            }
        } else if (argc >= 3 && strcmp(argv[2], "reset-password") == 0) {
            if (parse(argc - 3, argv + 3, " data pg ", &a) == 0) {
                if (a.npos != 1)
                    fprintf(stderr, "hao: user reset-password needs HANDLE\n%s", usage);
                else
                    rc = cli_user_reset_password(a.data, a.pos[0]);
            }
        } else if (argc < 3 || strcmp(argv[2], "add") != 0) {
            fprintf(stderr, "hao: unknown user command\n%s", usage);
        } else if (parse(argc - 3, argv + 3, " data pg role name email ", &a) == 0) {
            if (a.npos != 1 || !a.role)
                fprintf(stderr, "hao: user add needs HANDLE and --role\n%s", usage);
            else
                rc = cli_user_add(a.data, a.pos[0], a.role, a.name, a.email);
        }
    } else if (strcmp(cmd, "import") == 0) {
        if (parse(argc - 2, argv + 2, " data pg author title declaration force uploads fetch check pages ", &a) == 0) {
            if (a.npos == 1 && port_cli_claims(a.pos[0])) {
                rc = port_cli_import(a.data, a.pos[0], a.author, a.uploads, a.fetch, a.pages, a.check);
            } else if (a.uploads || a.fetch || a.check || a.pages) {
                fprintf(stderr, "hao: --uploads, --fetch and --check apply to one export file (hao, WordPress or "
                                "Ghost)\n");
            } else if (a.npos < 1 || !a.author) {
                fprintf(stderr, "hao: import needs at least one FILE and --author\n%s", usage);
            } else if (a.title && a.npos > 1) {
                fprintf(stderr, "hao: --title applies to a single FILE\n");
            } else {
                import_opts_t o = {a.data, a.author, a.title, a.declaration, a.force};
                rc = cli_import(&o, a.npos, a.pos);
            }
        }
    } else if (strcmp(cmd, "export") == 0) {
        if (parse(argc - 2, argv + 2, " data pg author revisions ", &a) == 0) {
            if (a.npos != 1)
                fprintf(stderr, "hao: export needs OUT\n%s", usage);
            else
                rc = port_cli_export(a.data, a.author, a.revisions, a.pos[0]);
        }
    } else if (strcmp(cmd, "backup") == 0) {
        if (parse(argc - 2, argv + 2, " data ", &a) == 0) {
            if (a.npos != 1)
                fprintf(stderr, "hao: backup needs OUT\n%s", usage);
            else
                rc = cli_backup(a.data, a.pos[0]);
        }
    } else if (strcmp(cmd, "search") == 0) {
        if (parse(argc - 2, argv + 2, " data pg ", &a) == 0)
            rc = searchpage_cli(a.data, a.npos, a.pos);
    } else if (strcmp(cmd, "check") == 0) {
        if (parse(argc - 2, argv + 2, " data pg ", &a) == 0) {
            if (a.npos)
                fprintf(stderr, "hao: check takes no arguments\n%s", usage);
            else
                rc = cli_check(a.data);
        }
    } else if (strcmp(cmd, "migrate-store") == 0) {
        /* Not through parse()'s store choice: the source is DIR's SQLite
         * file whatever hao.conf says, the target is --to. */
        if (parse_flags(argc - 2, argv + 2, " data from to s3-endpoint s3-bucket s3-region s3-access-key s3-secret-key ",
                        &a) == 0) {
            int s3 = a.s3_endpoint || a.s3_bucket || a.s3_access_key || a.s3_secret_key || a.s3_region;
            if (a.npos || !a.to)
                fprintf(stderr, "hao: migrate-store needs --to URL\n%s", usage);
            else if (s3 && !(a.s3_endpoint && a.s3_bucket && a.s3_access_key && a.s3_secret_key))
                fprintf(stderr, "hao: migrate-store: media to S3 needs --s3-endpoint, --s3-bucket, --s3-access-key "
                                "and --s3-secret-key\n");
            else {
                migrate_media_t m = {a.s3_endpoint, a.s3_bucket, a.s3_region, a.s3_access_key, a.s3_secret_key};
                rc = migrate_store_cli(a.data, a.to, &m);
            }
        }
    } else if (strcmp(cmd, "set") == 0) {
        if (parse(argc - 2, argv + 2, " data pg ", &a) == 0) {
            if (a.npos != 2)
                fprintf(stderr, "hao: set needs KEY and VALUE\n%s", usage);
            else
                rc = cli_set(a.data, a.pos[0], a.pos[1]);
        }
    } else {
        fprintf(stderr, "hao: unknown command \"%s\"\n%s", cmd, usage);
    }
    free(a.pos);
    return rc;
}
