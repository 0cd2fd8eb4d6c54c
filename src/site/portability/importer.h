/*
 * importer.h — bringing works in: hao's own export, a WordPress WXR file, a
 * Ghost JSON export. Owned by site/portability (tables import_items and
 * import_redirects). Runs on the calling thread (the CLI, or the import
 * job's thread), never on a loop thread: it parses, decodes media through
 * the media helper, and writes.
 *
 * Every format is read into one set (port_set_t) first: creators, works
 * (Markdown bodies, tags, declaration, status, dates, former path,
 * comments with their threads, earlier revisions) and media (bytes, by the
 * key the bodies use for them). Then the whole set is checked: each
 * problem is reported as "FILE:LINE: message" (or "FILE: entry: message"
 * inside an archive), and one problem means nothing is written.
 *
 * All or nothing. After the check, in this order:
 *  1. Media: pictures not in the file are fetched by URL (when allowed:
 *     the CLI's --fetch, always for a studio import) with the federation's
 *     outgoing rules (fetch.h); one that cannot be fetched is a note, and
 *     its work keeps the URL as a link. Each picture then goes through the
 *     media helper into the store, named by its content hash (files only,
 *     no row yet). A picture that fails to decode is a problem: the files
 *     stored so far are removed and nothing is written.
 *  2. One database transaction (db_begin_all) writes every media row,
 *     every work (work_create/work_publish nest in it as savepoints), its
 *     revisions, comments, reader accounts for commenters, tags, former
 *     path and ledger row. Any failure rolls all of it back, and the files
 *     of step 1 that no row refers to are removed: the site is as before.
 *     Only after the commit are the new ids printed and pages told.
 *  The write lock is held for step 2 only (no network or decoding in it).
 *  A crash during step 2 leaves no row (the transaction never committed);
 *  the files of step 1 are then unreferenced, and the media store's
 *  start-up sweep removes them. "Resumable" therefore means: the import
 *  job (worker.h) is queued again at the next start and runs whole again;
 *  the ledger (import_items, keyed by format, source and the source's own
 *  id) makes any run of the same file create nothing twice.
 *
 * Test hooks (documented in the README): HAO_IMPORT_FAIL_AT=N in the
 * environment makes the N-th work written fail as a storage failure after
 * its rows are written (the rollback); HAO_IMPORT_CRASH_AT=N ends the
 * process there instead (_exit: a crash inside the transaction).
 */
#ifndef HAO_PORT_IMPORTER_H
#define HAO_PORT_IMPORTER_H

#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"
#include "site/portability/keyindex.h"
#include "site/works/media.h"

typedef enum { PORT_NONE, PORT_HAO, PORT_WXR, PORT_GHOST } port_format_t;

/* The format of file judged by its first bytes, PORT_NONE for anything
 * else (plain text: works/import.h). */
port_format_t port_detect(const char *file);

typedef struct {
    const char *data_dir;
    const char *file;
    const char *author;      /* every work to this creator (else by the source's authors) */
    const char *uploads;     /* WXR/Ghost: a directory holding wp-content/uploads or content/images */
    int check_only;          /* stop after the check */
    int fetch;               /* WXR: fetch attachments by URL when not found in uploads */
    int pages;               /* WXR/Ghost: pages too, not only posts */
    void (*progress)(void *ctx, int done, int total);
    void *ctx;
    int print;               /* write "ID<TAB>/a/ID" for each work created on stdout (the CLI) */
} port_opts_t;

typedef struct {
    int created, skipped, media, comments, users, collections, profiles;
} port_result_t;

/* Import o->file. 0 with res and notes (what could not be represented,
 * warnings) in report; -1 with every problem in report and nothing
 * written. */
int port_run(db_t *db, const port_opts_t *o, port_result_t *res, buf_t *report);

/* ---- the set every reader fills (port_*.c) ---- */

typedef struct {
    char *key;          /* the source's own id of the comment */
    char *parent_key;   /* or NULL */
    char *handle;       /* an account handle, or NULL: a guest (name only) */
    char *name;
    char *body;         /* plain text */
    int64_t created;
} port_comment_t;

#define PORT_REV_MAX 1000000 /* revision numbers read from an archive */

typedef struct {
    int rev;            /* its number, from 1 */
    char *title, *body; /* body: Markdown, media as in port_work_t.body */
    char *declaration;  /* a code */
    char *tags;         /* comma-joined, as saved */
    int64_t saved;
    char *origin;
} port_rev_t;

typedef struct {
    char *key;          /* ledger key: format:source:id */
    char *origin;       /* where it came from, for messages: "file:line" */
    char *author;       /* the source's author key (handle or login) */
    char *title, *body; /* body: Markdown; media referenced as (KEY) of a port_media_t */
    char *declaration;  /* a code, or NULL: none */
    int original;
    int ntags;
    char **tags;
    char status[16];    /* draft or published */
    int64_t created, updated, published;
    char *old_path;     /* former path to redirect, or NULL */
    char *comments_mode;
    int nc;
    port_comment_t *c;
    int cur_rev;        /* the revision the work is at (hao's export), or 0 */
    int64_t scheduled;  /* a draft's pending publication time (hao's export, WXR's "future"), or 0 */
    int pinned;         /* its place among the creator's pins, 1..PINS_MAX (equal places: the set's
                         * order; WXR's sticky posts are all 1), or 0 */
    int nrev;           /* its earlier revisions, oldest first (hao export --revisions) */
    port_rev_t *rev;
    /* filled while writing */
    int64_t author_id;
} port_work_t;

typedef struct {
    char *key;          /* how bodies refer to it, e.g. "/m/OLDID" or a URL */
    char *origin;
    char *author;       /* owner: the source's author key */
    char *alt;
    char *data;         /* the bytes, or NULL (then url) */
    size_t len;
    char *url;          /* fetched when data is NULL and fetching is allowed */
    int all;            /* import even if no body refers to it (hao's own export) */
    /* filled while writing */
    char new_id[MEDIA_ID_LEN + 1];
    int used;
} port_media_t;

typedef struct {
    char *key;          /* the source's author key */
    char *handle;       /* proposed handle */
    char *name;
    char *origin;
    char *bio;          /* hao's export: the profile's bio, or NULL */
    char *avatar;       /* hao's export: the avatar's media key ("/m/OLDID"), or NULL */
    /* filled while checking: the account the creator's works go to, or 0 */
    int64_t account_id;
} port_author_t;

/* A collection (hao's own export only): its members are works of this set,
 * written after them in the same transaction. */
typedef struct {
    char *key;          /* ledger key: hao:collection:SITE:ID */
    char *origin;
    char *author;       /* the source's author key, as port_work_t's */
    char *title, *description;
    char *cover;        /* a medium's key ("/m/OLDID"), or NULL: none */
    int64_t created, updated;
    int nworks;
    char **works;       /* the members' keys (port_work_t.key), in order */
    /* filled while writing */
    int64_t author_id;
} port_coll_t;

typedef struct {
    int nw, capw;
    port_work_t *w;
    int nm, capm;
    port_media_t *m;
    port_index_t *media_ix; /* key -> first position in m (port_picture's) */
    int media_ixn;          /* how many of m it has seen */
    port_index_t *ref_ix;   /* key -> medium, for the bodies (importer.c's repoint) */
    int na, capa;
    port_author_t *a;
    int ncol, capcol;
    port_coll_t *col;
    buf_t problems; /* one per line: nothing is written when not empty */
    buf_t notes;    /* kept as text, dropped, changed: listed in the report */
} port_set_t;

port_work_t *port_add_work(port_set_t *s);
port_media_t *port_add_media(port_set_t *s);
port_author_t *port_add_author(port_set_t *s);
port_coll_t *port_add_coll(port_set_t *s);
port_comment_t *port_add_comment(port_work_t *w);
port_rev_t *port_add_rev(port_work_t *w);
void port_set_free(port_set_t *s);
char *port_strdup(const char *s); /* NULL stays NULL */
/* A title or tag on one line: every control character (tab and line ends
 * too) and DEL becomes a space, in place. */
void port_one_line(char *s);
/* The regular file at path, whole and NUL-terminated, when it has at most
 * max bytes; NULL otherwise. The caller frees it. */
char *port_read_file(const char *path, size_t *len, long long max);
/* An imported work's picture by its src: the entry already in s, or a new
 * one (*fresh set) of origin and author whose bytes come from the export's
 * uploads directory when src lies under marker ("/wp-content/uploads/") and
 * the file is there (64 MiB at most). The caller sets alt and url of a fresh one. */
port_media_t *port_picture(port_set_t *s, const char *src, const char *origin, const char *author,
                           const char *uploads, const char *marker, int *fresh);

/* The readers: fill s from file; problems go to s->problems. 0, or -1 when
 * the file could not be read at all. */
int port_read_hao(const char *file, const port_opts_t *o, port_set_t *s);
int port_read_wxr(const char *file, const port_opts_t *o, port_set_t *s);
int port_read_ghost(const char *file, const port_opts_t *o, port_set_t *s);

#endif
