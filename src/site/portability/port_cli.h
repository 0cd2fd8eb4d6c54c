/*
 * port_cli.h — `hao export` and the archive/WXR/Ghost side of `hao import`.
 * Owned by site/portability; main thread of a CLI command.
 */
#ifndef HAO_PORT_CLI_H
#define HAO_PORT_CLI_H

/* `hao export [--author HANDLE] [--revisions] OUT`. */
int port_cli_export(const char *data_dir, const char *author, int revisions, const char *out);
/* 1 when file is an import this module reads (a hao export archive, a
 * WordPress WXR file, a Ghost JSON export), judged by its first bytes. */
int port_cli_claims(const char *file);
/* `hao import FILE [--author HANDLE] [--uploads DIR] [--fetch] [--check]`
 * for such a file. */
int port_cli_import(const char *data_dir, const char *file, const char *author, const char *uploads, int fetch,
                    int pages, int check_only);

#endif
