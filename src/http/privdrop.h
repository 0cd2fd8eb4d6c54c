/*
 * privdrop.h — `hao serve --user NAME`: bind as root, then run as NAME (ops).
 *
 * Main thread of `hao serve`, after the listening sockets are bound and
 * before the database is opened or any thread starts, so that every file the
 * server makes belongs to the user it runs as and no thread keeps root.
 * Rules (privdrop_decide):
 *   - started as root with --user NAME: become NAME (its groups too);
 *     --user root keeps root, said so;
 *   - started as root without --user: become the system user "hao" when it
 *     exists, else stay root with a warning;
 *   - started as anyone else: --user may only name that same user.
 */
#ifndef HAO_HTTP_PRIVDROP_H
#define HAO_HTTP_PRIVDROP_H

#include <sys/types.h>

#include "core/buf.h"

typedef struct {
    int drop;       /* 1: setgid/setuid to uid/gid below */
    uid_t uid;
    gid_t gid;
    char name[64];
    const char *warn; /* a sentence for stderr, or NULL */
} privdrop_plan_t;

/* Look a user up by name: 0 with uid and gid, -1 when there is none. */
typedef int (*privdrop_lookup_fn)(const char *name, uid_t *uid, gid_t *gid);

/* The system's user database (getpwnam_r). */
int privdrop_lookup_passwd(const char *name, uid_t *uid, gid_t *gid);

/* What to do for a server started with effective uid euid and --user flag
 * (NULL when not given). 0 with plan, or -1 with a sentence in err. */
int privdrop_decide(uid_t euid, const char *flag, privdrop_lookup_fn lookup, privdrop_plan_t *plan, buf_t *err);

/* Carry the plan out: supplementary groups, gid, uid, then make sure root
 * cannot be had back. 0, or -1 with a sentence in err. */
int privdrop_apply(const privdrop_plan_t *plan, buf_t *err);

#endif
