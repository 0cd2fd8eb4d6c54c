/*
 * cli.h — the subcommands other than `serve`: user add, import, backup,
 * check. Each returns a process exit code and reports on stderr; import
 * prints its contract lines (ID<TAB>PATH) on stdout.
 */
#ifndef HAO_CLI_H
#define HAO_CLI_H

typedef struct {
    const char *data_dir;
    const char *author;
    const char *title;
    const char *declaration;
    int force;
} import_opts_t;

/* email may be NULL: the account's notification address (mail.h). */
int cli_user_add(const char *data_dir, const char *handle, const char *role, const char *display_name,
                 const char *email);
/* `hao user reinstate HANDLE --reason TEXT`: lift a suspension (a repeat
 * infringer's, takedown.h), audited with the reason; strikes before it no
 * longer count towards the next one. */
int cli_user_reinstate(const char *data_dir, const char *handle, const char *reason);
/* `hao user reset-password HANDLE`: a new password from stdin (argon2id),
 * every session of the account ended, audited (site/security/password.h).
 * 0, 1 failure, 2 bad input. */
int cli_user_reset_password(const char *data_dir, const char *handle);
/* `hao user delete HANDLE [--keep-works]`: delete an account as its owner
 * can (site/security/leave.h). 0, or 1 on failure. */
int cli_user_delete(const char *data_dir, const char *handle, int keep_works);
int cli_import(const import_opts_t *o, int nfiles, char **files);
int cli_backup(const char *data_dir, const char *out);
int cli_check(const char *data_dir);
/* `hao set KEY VALUE`: change one site setting (settings.h), audited. */
int cli_set(const char *data_dir, const char *key, const char *value);

#endif
