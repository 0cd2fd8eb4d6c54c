/*
 * cli.c — see cli.h.
 */
#include "site/ops/cli.h"
#include "site/security/leave.h"
#include "site/security/password.h"
#include "site/works/media.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/text.h"
#include "db/db.h"
#include "db/schema.h"
#include "http/http.h"
#include "site/accounts/account.h"
#include "site/federation/check.h"
#include "site/trust/audit.h"
#include "site/ops/settings.h"
#include "site/works/import.h"
#include "site/ops/mail.h"
#include "site/works/work.h"

#define IMPORT_FILE_MAX (2u << 20)

static db_t *open_db(const char *dir, int migrate)
{
    buf_t err = BUF_INIT;
    db_t *db;
    if (sodium_init() < 0) {
        fprintf(stderr, "hao: libsodium failed to initialise\n");
        return NULL;
    }
    clock_init();
    if (db_open(dir, migrate, &db, &err) < 0) {
        fprintf(stderr, "hao: %s\n", buf_cstr(&err));
        buf_free(&err);
        return NULL;
    }
    buf_free(&err);
    return db;
}

/* A password for `hao CMD`, one line on standard input (prompted on a
 * terminal), at most 1024 bytes, its line end removed. -1 after saying why. */
static int read_password(const char *cmd, const char *prompt, const char *handle, char *line, size_t cap)
{
    if (isatty(0))
        fprintf(stderr, "%s for %s: ", prompt, handle);
    if (!fgets(line, (int)cap, stdin)) {
        fprintf(stderr, "hao: %s: no password on standard input\n", cmd);
        return -1;
    }
    size_t n = strlen(line);
    if (n && line[n - 1] != '\n' && !feof(stdin)) {
        fprintf(stderr, "hao: %s: the password is too long (at most 1024 bytes)\n", cmd);
        sodium_memzero(line, cap);
        return -1;
    }
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = 0;
    return 0;
}

int cli_user_add(const char *data_dir, const char *handle, const char *role, const char *display_name,
                 const char *email)
{
    if (email && *email && !mail_address_ok(email)) {
        fprintf(stderr, "hao: user add: --email \"%s\" is not one e-mail address\n", email);
        return 2;
    }
    char line[1100];
    if (read_password("user add", "Password", handle, line, sizeof line) < 0)
        return 2;
    db_t *db = open_db(data_dir, 1);
    if (!db)
        return 1;
    buf_t err = BUF_INIT;
    int rc = account_cli_add(db, handle, display_name, role, line, &err);
    sodium_memzero(line, sizeof line);
    if (rc == 0 && email && *email) {
        char lh[32];
        snprintf(lh, sizeof lh, "%s", handle);
        for (char *p = lh; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        db_stmt_t *st = db_prepare(db, "UPDATE users SET email = :e WHERE handle = :h");
        db_bind_text(st, ":e", email);
        db_bind_text(st, ":h", lh);
        if (db_step(st) != DB_DONE) {
            buf_lit(&err, "the database refused the e-mail address");
            rc = -1;
        }
        db_done(st);
    }
    if (rc < 0)
        fprintf(stderr, "hao: user add: %s\n", buf_cstr(&err));
    else
        fprintf(stderr, "hao: created %s (%s)\n", handle, role);
    /* Role grants are audited (the account itself is account.c's). */
    if (rc == 0 && db_begin(db) == 0) {
        char subj[64];
        snprintf(subj, sizeof subj, "user:%s", handle);
        if (audit_appendf(db, "cli", "user.role", subj, "created with role %s", role) < 0 || db_commit(db) < 0)
            db_rollback(db);
    }
    buf_free(&err);
    db_close(db);
    return rc < 0 ? 1 : 0;
}

/* Read a whole file of at most max bytes. */
static char *read_file(const char *path, size_t max, size_t *len, buf_t *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        buf_printf(err, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        buf_printf(err, "%s is not a regular file", path);
        close(fd);
        return NULL;
    }
    if ((size_t)sb.st_size > max) {
        buf_printf(err, "%s is larger than the import limit of %zu bytes", path, max);
        close(fd);
        return NULL;
    }
    char *data = xmalloc((size_t)sb.st_size + 1);
    size_t got = 0;
    while (got < (size_t)sb.st_size) {
        ssize_t n = read(fd, data + got, (size_t)sb.st_size - got);
        if (n <= 0) {
            buf_printf(err, "cannot read %s: %s", path, n < 0 ? strerror(errno) : "file shrank while reading");
            free(data);
            close(fd);
            return NULL;
        }
        got += (size_t)n;
    }
    close(fd);
    data[got] = 0;
    *len = got;
    return data;
}

int cli_import(const import_opts_t *o, int nfiles, char **files)
{
    if (o->declaration && !declaration_find(o->declaration)) {
        fprintf(stderr, "hao: import: unknown declaration \"%s\"; known codes:", o->declaration);
        for (size_t i = 0; i < declarations_count; i++)
            fprintf(stderr, " %s", declarations[i].code);
        fputc('\n', stderr);
        return 2;
    }
    db_t *db = open_db(o->data_dir, 1);
    if (!db)
        return 1;
    user_t author;
    if (account_by_handle(db, o->author, &author) != 1) {
        fprintf(stderr, "hao: import: there is no user \"%s\" (create one with: hao user add %s --role creator)\n",
                o->author, o->author);
        db_close(db);
        return 1;
    }
    if (author.role < ROLE_CREATOR) {
        fprintf(stderr, "hao: import: %s is a %s and cannot publish works\n", o->author,
                account_role_name(author.role));
        db_close(db);
        return 1;
    }

    /* Parse every file before writing anything: one bad file means no work
     * is created, and the user fixes it and runs the same command again. */
    import_doc_t *docs = xcalloc((size_t)nfiles, sizeof(import_doc_t));
    int bad = 0;
    for (int i = 0; i < nfiles; i++) {
        buf_t err = BUF_INIT, warn = BUF_INIT;
        size_t len;
        char *data = read_file(files[i], IMPORT_FILE_MAX, &len, &err);
        if (!data || import_parse(data, len, o->title, &docs[i], &warn, &err) < 0) {
            fprintf(stderr, "hao: import: %s: %s\n", files[i], buf_cstr(&err));
            bad = 1;
        } else if (warn.len) {
            /* One warning per line, each naming the file. */
            const char *p = buf_cstr(&warn);
            while (*p) {
                size_t l = strcspn(p, "\n");
                fprintf(stderr, "hao: import: %s: warning: %.*s\n", files[i], (int)l, p);
                p += l + (p[l] == '\n');
            }
        }
        free(data);
        buf_free(&err);
        buf_free(&warn);
    }
    int rc = bad ? 1 : 0;
    for (int i = 0; i < nfiles && !bad; i++) {
        import_doc_t *d = &docs[i];
        char existing[WORK_ID_LEN + 1], hash[65];
        work_hash(d->body, hash);
        if (!o->force && work_find_by_hash(db, hash, existing)) {
            fprintf(stderr, "hao: import: %s: warning: same content as work %s already here; skipped "
                            "(use --force to import it again)\n",
                    files[i], existing);
            continue;
        }
        const char *decl = o->declaration ? o->declaration : d->declaration ? d->declaration->code : "none";
        work_input_t in = {.title = d->title, .body = d->body, .declaration = decl};
        char id[WORK_ID_LEN + 1];
        work_err_t e;
        if (work_create(db, author.id, &in, id, &e) < 0 || work_publish(db, id, &e) < 0) {
            fprintf(stderr, "hao: import: %s: %s%s%s\n", files[i], T(LANG_EN, e.key), e.field ? " field: " : "",
                    e.field ? e.field : "");
            rc = 1;
            break;
        }
        printf("%s\t/a/%s\n", id, id);
    }
    for (int i = 0; i < nfiles; i++)
        import_doc_free(&docs[i]);
    free(docs);
    db_close(db);
    fflush(stdout);
    return rc;
}

int cli_backup(const char *data_dir, const char *out)
{
    struct stat sb;
    if (stat(out, &sb) == 0) {
        fprintf(stderr, "hao: backup: %s already exists; choose a new path\n", out);
        return 2;
    }
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.partial", out) >= (int)sizeof tmp) {
        fprintf(stderr, "hao: backup: path too long\n");
        return 2;
    }
    db_t *db = open_db(data_dir, 0);
    if (!db)
        return 1;
    buf_t err = BUF_INIT;
    char dbtmp[4200];
    snprintf(dbtmp, sizeof dbtmp, "%s/hao.db", tmp);
    int rc = 1;
    /* Write into OUT.partial and rename at the end: an interrupted backup
     * never looks like a finished one. */
    if (mkdir(tmp, 0750) < 0) {
        fprintf(stderr, "hao: backup: cannot create %s: %s\n", tmp, strerror(errno));
    } else if (db_backup(db, dbtmp, &err) < 0) {
        fprintf(stderr, "hao: backup: %s\n", buf_cstr(&err));
        unlink(dbtmp);
        rmdir(tmp);
    } else if (media_backup(data_dir, tmp, &err) < 0) {
        /* After the database: every row in the snapshot had its files
         * before it was written, so they are all there (files newer than
         * the snapshot are swept as orphans when the backup is served). */
        fprintf(stderr, "hao: backup: %s (the incomplete copy is left in %s)\n", buf_cstr(&err), tmp);
    } else if (rename(tmp, out) < 0) {
        fprintf(stderr, "hao: backup: cannot rename %s to %s: %s\n", tmp, out, strerror(errno));
    } else {
        fprintf(stderr, "hao: backup written to %s (restore: hao serve --data %s)\n", out, out);
        rc = 0;
    }
    buf_free(&err);
    db_close(db);
    return rc;
}

int cli_check(const char *data_dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/hao.db", data_dir);
    struct stat sb;
    if (!db_postgres_conninfo() && stat(path, &sb) < 0) {
        fprintf(stderr, "hao: check: no database at %s\n", path);
        return 1;
    }
    db_t *db = open_db(data_dir, 0);
    if (!db)
        return 1;
    snprintf(path, sizeof path, "%s", db_path(db));
    /* check reads; it never migrates. An older schema is reported, not
     * checked against tables it does not have yet. */
    int version = db_schema_version(db);
    if (version != (int)schema_migrations_count) {
        fprintf(stderr, "hao: check: %s is at schema version %d, this hao expects %zu; %s\n", path, version,
                schema_migrations_count,
                version < (int)schema_migrations_count ? "start hao serve once to upgrade it" : "upgrade hao");
        db_close(db);
        return 1;
    }
    buf_t report = BUF_INIT;
    int bad = db_check(db, &report) < 0;
    /* Application invariants SQLite can't see: every work has its current
     * revision, and every published work has a publication time. */
    /* (Removed content purged after its retention period keeps only its
     * row: status deleted, empty body, no revisions.) */
    db_stmt_t *st = db_prepare(db, "SELECT w.id FROM works w LEFT JOIN revisions v ON v.work_id = w.id AND v.rev = w.rev "
                                   "WHERE v.work_id IS NULL AND NOT (w.status = 'deleted' AND w.body = '')");
    while (db_step(st) == DB_ROW) {
        buf_printf(&report, "work %s has no revision row for its current revision\n", db_col_text(st, 0));
        bad = 1;
    }
    db_done(st);
    int64_t entries = 0;
    if (audit_verify(db, &report, &entries) < 0)
        bad = 1;
    /* A taken-down work has an active takedown record, and the reverse. */
    st = db_prepare(db, "SELECT id FROM works w WHERE status = 'taken_down' AND NOT EXISTS "
                        "(SELECT 1 FROM takedowns t WHERE t.work_id = w.id AND t.status = 'active' AND t.comment_id IS NULL)");
    while (db_step(st) == DB_ROW) {
        buf_printf(&report, "work %s is taken down without an active takedown record\n", db_col_text(st, 0));
        bad = 1;
    }
    db_done(st);
    st = db_prepare(db, "SELECT t.id, t.work_id FROM takedowns t JOIN works w ON w.id = t.work_id "
                        "WHERE t.status = 'active' AND t.comment_id IS NULL AND w.status NOT IN ('taken_down', 'deleted')");
    while (db_step(st) == DB_ROW) {
        buf_printf(&report, "takedown %lld is active but work %s is not taken down\n", (long long)db_col_int(st, 0),
                   db_col_text(st, 1));
        bad = 1;
    }
    db_done(st);
    st = db_prepare(db, "SELECT id FROM works WHERE status = 'published' AND published_at IS NULL");
    while (db_step(st) == DB_ROW) {
        buf_printf(&report, "published work %s has no publication time\n", db_col_text(st, 0));
        bad = 1;
    }
    db_done(st);
    if (media_check(db, data_dir, &report) < 0)
        bad = 1;
    if (fed_check(db, &report) < 0) /* federation's tables (site/federation/check.h) */
        bad = 1;
    if (bad)
        fprintf(stderr, "hao: check: damage found in %s:\n%s", path, buf_cstr(&report));
    else
        fprintf(stderr, "hao: check: %s is consistent (audit log: %lld entries, chain intact)\n", path,
                (long long)entries);
    buf_free(&report);
    db_close(db);
    return bad ? 1 : 0;
}

int cli_user_reinstate(const char *data_dir, const char *handle, const char *reason)
{
    size_t rl = reason ? strlen(reason) : 0;
    if (rl == 0 || rl > 500 || !text_valid_line(reason, rl)) {
        fprintf(stderr, "hao: user reinstate needs --reason: one line of UTF-8, at most 500 bytes\n");
        return 2;
    }
    db_t *db = open_db(data_dir, 1);
    if (!db)
        return 1;
    int rc = 1;
    if (db_begin(db) < 0) {
        fprintf(stderr, "hao: user reinstate: the database is busy\n");
        db_close(db);
        return 1;
    }
    db_stmt_t *st = db_prepare(db, "SELECT id, status FROM users WHERE handle = :h");
    db_bind_text(st, ":h", handle);
    int64_t id = 0;
    char status[16] = "";
    if (db_step(st) == DB_ROW) {
        id = db_col_int(st, 0);
        snprintf(status, sizeof status, "%s", db_col_text(st, 1));
    }
    db_done(st);
    if (!id) {
        fprintf(stderr, "hao: user reinstate: no user \"%s\"\n", handle);
    } else if (strcmp(status, "suspended") != 0) {
        fprintf(stderr, "hao: user reinstate: %s is not suspended (%s)\n", handle, status);
    } else {
        st = db_prepare(db, "UPDATE users SET status = 'active' WHERE id = :id AND status = 'suspended'");
        db_bind_int(st, ":id", id);
        int ok = db_step(st) == DB_DONE;
        db_done(st);
        char subj[64];
        snprintf(subj, sizeof subj, "user:%lld", (long long)id);
        if (ok && audit_appendf(db, "cli", "user.reinstate", subj, "%s", reason) == 0 && db_commit(db) == 0) {
            fprintf(stderr, "hao: %s reinstated\n", handle);
            rc = 0;
        } else {
            fprintf(stderr, "hao: user reinstate: could not write to the database\n");
        }
    }
    if (rc != 0)
        db_rollback(db);
    db_close(db);
    return rc;
}

int cli_set(const char *data_dir, const char *key, const char *value)
{
    if (!settings_find(key)) {
        fprintf(stderr, "hao: set: unknown setting \"%s\"; known settings:\n", key);
        for (size_t i = 0; i < settings_count; i++)
            fprintf(stderr, "  %-22s %s\n", settings_defs[i].key, settings_defs[i].en);
        return 2;
    }
    db_t *db = open_db(data_dir, 1);
    if (!db)
        return 1;
    buf_t err = BUF_INIT;
    const char *keys[] = {key}, *vals[] = {value};
    int rc = settings_apply(db, "cli", 1, keys, vals, &err);
    if (rc < 0)
        fprintf(stderr, "hao: set: %s\n", buf_cstr(&err));
    else
        fprintf(stderr, "hao: %s %s (a running server shows a new site name or statement after a restart)\n", key,
                rc ? "set" : "unchanged");
    buf_free(&err);
    db_close(db);
    return rc < 0 ? 1 : 0;
}

/* security: `hao user reset-password HANDLE` (password on stdin) and `hao
 * user delete HANDLE` (site/security/). */
int cli_user_reset_password(const char *data_dir, const char *handle)
{
    char line[1100];
    if (read_password("user reset-password", "New password", handle, line, sizeof line) < 0)
        return 2;
    db_t *db = open_db(data_dir, 1);
    if (!db)
        return 1;
    buf_t err = BUF_INIT;
    int rc = sec_cli_reset_password(db, handle, line, &err);
    sodium_memzero(line, sizeof line);
    if (rc < 0)
        fprintf(stderr, "hao: user reset-password: %s\n", buf_cstr(&err));
    else
        fprintf(stderr, "hao: the password of %s is reset; its sessions have ended\n", handle);
    buf_free(&err);
    db_close(db);
    return rc < 0 ? 1 : 0;
}

int cli_user_delete(const char *data_dir, const char *handle, int keep_works)
{
    db_t *db = open_db(data_dir, 1);
    if (!db)
        return 1;
    buf_t err = BUF_INIT;
    int rc = sec_cli_delete(db, handle, keep_works, &err);
    if (rc < 0)
        fprintf(stderr, "hao: user delete: %s\n", buf_cstr(&err));
    else
        fprintf(stderr, "hao: deleted %s (works %s); its personal data is erased\n", handle,
                keep_works ? "kept" : "deleted");
    buf_free(&err);
    db_close(db);
    return rc < 0 ? 1 : 0;
}
