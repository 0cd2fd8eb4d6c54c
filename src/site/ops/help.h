/*
 * help.h — `hao help [CMD] [--man]`: what each subcommand does, one source
 * for the terminal and the man pages (ops, issue 17). `hao help CMD` prints
 * the page as text; with --man it prints it as a man page (roff), which
 * `make man` writes to build/man/hao.1 and build/man/hao-CMD.1 for the
 * Debian package. Main thread; no I/O but stdout.
 */
#ifndef HAO_SITE_OPS_HELP_H
#define HAO_SITE_OPS_HELP_H

/* cmd NULL: the hao page. Returns 0, or 2 for an unknown command. */
int help_print(const char *cmd, int roff);
/* The subcommands with a page, NULL-terminated (for make man and completion). */
extern const char *const help_commands[];

#endif
