/*
 * help.c — see help.h. Owned by ops (issue 17). Each page is a synopsis, a
 * description and its options; paragraphs are separated by blank lines and
 * options are "FLAG\tTEXT" lines.
 */
#include "site/ops/help.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *cmd, *summary, *synopsis, *description, *options;
} page_t;

/* The options most commands share, listed after a page's own. */
static const char opt_data[] = "--data DIR\tthe data directory (default ./data; the Debian service uses /var/lib/hao)\n";
static const char opt_pg[] = "--pg URL\tkeep the site in PostgreSQL (or \"database = URL\" in DIR/hao.conf)\n";

static const page_t pages[] = {
    {NULL, "a self-hosted publishing platform",
     "hao COMMAND [OPTIONS]",
     "hao serves a self-media site: articles, pictures and videos, comments, search, feeds, and the notice and "
     "takedown duties of an information storage service, from one binary and one data directory (SQLite, or "
     "PostgreSQL and S3).\n\n"
     "Commands: serve, user, import, export, backup, check, search, set, migrate-store, help. \"hao help COMMAND\" "
     "describes each; every command also has a man page, hao-COMMAND(1).\n\n"
     "Exit status: 0 on success, 1 on failure, 2 on a usage error.",
     NULL},
    {"serve", "run the web server",
     "hao serve [--data DIR] [--pg URL] [--listen HOST:PORT] [--threads N] [--upload-max MIB] [--user NAME]",
     "Serves the site until SIGTERM or SIGINT, then finishes the requests in progress. The database is migrated "
     "at start. Uploads are decoded in media helper processes fenced in by seccomp and Landlock.\n\n"
     "Started as root, it binds its port and then runs as an unprivileged user: NAME, or the system user hao "
     "when it exists.\n\n"
     "DIR/hao.conf may also set metrics_token (a bearer token that may read /metrics from anywhere; without it "
     "/metrics answers loopback only) and access_log = json (one JSON object a line on standard output).",
     "--listen HOST:PORT\taddress to listen on (default 127.0.0.1:8080)\n"
     "--threads N\tevent loops (default one per core)\n"
     "--upload-max MIB\tlargest upload, 1-4096 MiB\n"
     "--user NAME\tthe user to run as once bound, when started as root\n"},
    {"user", "add, reinstate, reset or delete an account",
     "hao user add HANDLE --role creator|moderator|admin [--name NAME] [--email ADDR]\n"
     "hao user reinstate HANDLE --reason TEXT\n"
     "hao user reset-password HANDLE\n"
     "hao user delete HANDLE [--keep-works]",
     "user add creates an account; its password is read from standard input. user reinstate lifts a repeat "
     "infringer's suspension; it is audited with the reason.\n\n"
     "user reset-password sets the password read from standard input and ends the account's sessions. user "
     "delete erases the account's personal data, and its works unless --keep-works; audited.",
     "--role ROLE\tcreator, moderator or admin\n--name NAME\tdisplay name\n--email ADDR\tnotification address\n"
     "--reason TEXT\twhy the suspension is lifted\n--keep-works\tkeep the deleted account's works\n"},
    {"import", "import text files or another site's export as works",
     "hao import FILE... --author HANDLE [--title T] [--declaration CODE] [--force]\n"
     "hao import ARCHIVE|WXR.xml|GHOST.json [--author HANDLE] [--uploads DIR] [--fetch] [--pages] [--check]",
     "Each text file becomes one work of the author; one line per created work is printed: ID, a tab, its path.\n\n"
     "One export file (a hao export archive, a WordPress WXR file or a Ghost JSON export, told by its first "
     "bytes) is checked whole first, then imported all or nothing. Scheduled posts stay scheduled while their "
     "time is ahead; pinned, sticky (WordPress) and featured (Ghost) posts are pinned; a hao export's "
     "collections come back in their order.",
     "--author HANDLE\tthe account the works belong to\n--title T\ttitle instead of the first sentence\n"
     "--declaration CODE\tthe work's declaration\n--force\timport even when the originality check objects\n"
     "--uploads DIR\tWordPress or Ghost: the directory holding wp-content/uploads or content/images\n"
     "--fetch\tWordPress: fetch pictures by URL when they are not in DIR\n"
     "--pages\tWordPress or Ghost: pages too, not only posts\n"
     "--check\tcheck the file only; write nothing\n"},
    {"export", "export the site or one author's works",
     "hao export [--author HANDLE] [--revisions] OUT.tar.gz|OUT.zip [--data DIR] [--pg URL]",
     "Writes the works (drafts and published ones, with their pins and pending schedules), their media, comments "
     "and collections as an archive that hao import reads back. The summary says when the archive is more than "
     "hao import reads (200,000 files, 512 MiB a file, 2 GiB in all).",
     "--author HANDLE\tonly this account's works\n--revisions\tevery revision, not only the current one\n"},
    {"backup", "take a consistent snapshot",
     "hao backup OUT [--data DIR]",
     "Copies the database and the media to the new directory OUT while the server runs.", NULL},
    {"check", "check the site's integrity",
     "hao check [--data DIR] [--pg URL]",
     "Checks the database and the audit chain; exits non-zero on damage.", NULL},
    {"search", "rebuild or query the search index",
     "hao search rebuild|normalize|query TEXT [--data DIR] [--pg URL]",
     "rebuild rebuilds the index from the works; query prints up to 50 hits (ID, a tab, the title); normalize "
     "prints each line of standard input as the index sees it.",
     NULL},
    {"set", "change a site setting",
     "hao set KEY VALUE [--data DIR] [--pg URL]",
     "Changes one site setting (operator identity, notice_mode, ...). Audited.", NULL},
    {"migrate-store", "move a SQLite site to PostgreSQL and S3",
     "hao migrate-store --to URL [--from DIR] [--s3-endpoint URL --s3-bucket B --s3-access-key K "
     "--s3-secret-key S [--s3-region R]]",
     "Copies the site, verifies the copy, and writes DIR/hao.conf to point at it.",
     "--to URL\tthe PostgreSQL database\n--from DIR\tthe data directory to move (default ./data)\n"
     "--s3-endpoint URL\tthe S3-compatible store for the media\n--s3-bucket B\tits bucket\n"
     "--s3-access-key K\tits access key\n--s3-secret-key S\tits secret key\n"
     "--s3-region R\tits region (default us-east-1)\n"},
    {"help", "describe a command",
     "hao help [COMMAND] [--man]",
     "Prints what this page says; with --man, as a man page.", NULL},
};

const char *const help_commands[] = {"serve", "user", "import", "export", "backup", "check", "search", "set", "migrate-store",
                                     "help", NULL};

/* A page's options: its own, then the shared ones its command takes
 * (src/main.c): none for help and migrate-store (--from, not --data), --data
 * alone for backup, else --data and --pg. Fills out[3]; returns how many. */
static int page_options(const page_t *p, const char *out[3])
{
    int n = 0;
    if (p->options)
        out[n++] = p->options;
    if (p->cmd && strcmp(p->cmd, "help") && strcmp(p->cmd, "migrate-store")) {
        out[n++] = opt_data;
        if (strcmp(p->cmd, "backup"))
            out[n++] = opt_pg;
    }
    return n;
}

/* roff: a backslash is written \e; a line starting with . or ' is escaped. */
static void roff_text(const char *s, size_t n)
{
    int bol = 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (bol && (c == '.' || c == '\''))
            fputs("\\&", stdout);
        if (c == '\\')
            fputs("\\e", stdout);
        else if (c == '-')
            fputs("\\-", stdout);
        else
            putchar(c);
        bol = c == '\n';
    }
}

static void print_roff(const page_t *p)
{
    char name[64];
    snprintf(name, sizeof name, "%s%s", p->cmd ? "hao-" : "hao", p->cmd ? p->cmd : "");
    char upper[64];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof upper; i++)
        upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
    upper[i] = 0;
    printf(".TH %s 1 \"\" \"hao\" \"hao manual\"\n.SH NAME\n", upper);
    roff_text(name, strlen(name));
    fputs(" \\- ", stdout);
    roff_text(p->summary, strlen(p->summary));
    fputs("\n.SH SYNOPSIS\n", stdout);
    for (const char *s = p->synopsis; *s;) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        fputs(".B ", stdout);
        roff_text(s, n);
        fputs("\n.br\n", stdout);
        s += n + (e ? 1 : 0);
    }
    fputs(".SH DESCRIPTION\n", stdout);
    for (const char *s = p->description; *s;) {
        const char *e = strstr(s, "\n\n");
        size_t n = e ? (size_t)(e - s) : strlen(s);
        roff_text(s, n);
        fputs("\n.PP\n", stdout);
        s += n + (e ? 2 : 0);
    }
    const char *opts[3];
    int nopts = page_options(p, opts);
    if (nopts) {
        fputs(".SH OPTIONS\n", stdout);
        for (int k = 0; k < nopts; k++) {
            const char *s = opts[k];
            while (s && *s) {
                const char *tab = strchr(s, '\t'), *e = strchr(s, '\n');
                if (!tab || !e || tab > e)
                    break;
                fputs(".TP\n.B ", stdout);
                roff_text(s, (size_t)(tab - s));
                putchar('\n');
                roff_text(tab + 1, (size_t)(e - tab - 1));
                putchar('\n');
                s = e + 1;
            }
        }
    }
    fputs(".SH SEE ALSO\n", stdout);
    fputs(p->cmd ? ".BR hao (1)\n" : ".BR hao\\-serve (1),\n.BR hao\\-user (1),\n.BR hao\\-check (1)\n", stdout);
}

static void print_options(const char *s)
{
    while (s && *s) {
        const char *tab = strchr(s, '\t'), *e = strchr(s, '\n');
        if (!tab || !e || tab > e)
            break;
        printf("  %-22.*s %.*s\n", (int)(tab - s), s, (int)(e - tab - 1), tab + 1);
        s = e + 1;
    }
}

int help_print(const char *cmd, int roff)
{
    const page_t *p = NULL;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        if ((!cmd && !pages[i].cmd) || (cmd && pages[i].cmd && !strcmp(cmd, pages[i].cmd)))
            p = &pages[i];
    if (!p) {
        fprintf(stderr, "hao: no help for \"%s\"; commands:", cmd);
        for (const char *const *c = help_commands; *c; c++)
            fprintf(stderr, " %s", *c);
        fputc('\n', stderr);
        return 2;
    }
    if (roff) {
        print_roff(p);
        return 0;
    }
    printf("%s%s%s - %s\n\nusage:\n", "hao", p->cmd ? " " : "", p->cmd ? p->cmd : "", p->summary);
    for (const char *s = p->synopsis; *s;) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        printf("  %.*s\n", (int)n, s);
        s += n + (e ? 1 : 0);
    }
    printf("\n%s\n", p->description);
    const char *opts[3];
    int nopts = page_options(p, opts);
    if (nopts) {
        printf("\noptions:\n");
        for (int k = 0; k < nopts; k++)
            print_options(opts[k]);
    }
    return 0;
}
