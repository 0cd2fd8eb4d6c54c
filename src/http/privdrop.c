/*
 * privdrop.c — see privdrop.h. Owned by ops (issue 17). Main thread only,
 * before any other thread exists (setuid applies to the calling thread in
 * the kernel; glibc broadcasts it, but there is nothing to broadcast to).
 */
#include "http/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int privdrop_lookup_passwd(const char *name, uid_t *uid, gid_t *gid)
{
    struct passwd pw, *res = NULL;
    char b[4096];
    if (getpwnam_r(name, &pw, b, sizeof b, &res) != 0 || !res)
        return -1;
    *uid = res->pw_uid;
    *gid = res->pw_gid;
    return 0;
}

int privdrop_decide(uid_t euid, const char *flag, privdrop_lookup_fn lookup, privdrop_plan_t *plan, buf_t *err)
{
    memset(plan, 0, sizeof *plan);
    if (flag && (!*flag || strlen(flag) >= sizeof plan->name)) {
        buf_printf(err, "--user wants a user name");
        return -1;
    }
    const char *name = flag ? flag : "hao";
    uid_t uid;
    gid_t gid;
    int found = lookup(name, &uid, &gid) == 0;
    if (flag && !found) {
        buf_printf(err, "--user %s: there is no such user", flag);
        return -1;
    }
    if (euid != 0) {
        if (flag && uid != euid) {
            buf_printf(err, "--user %s: only a server started as root can change its user", flag);
            return -1;
        }
        return 0; /* already unprivileged */
    }
    if (!found) {
        plan->warn = "running as root: no --user given and there is no \"hao\" user";
        return 0;
    }
    if (uid == 0) {
        plan->warn = "running as root, as --user asked";
        return 0;
    }
    plan->drop = 1;
    plan->uid = uid;
    plan->gid = gid;
    snprintf(plan->name, sizeof plan->name, "%s", name);
    return 0;
}

int privdrop_apply(const privdrop_plan_t *plan, buf_t *err)
{
    if (!plan->drop)
        return 0;
    if (initgroups(plan->name, plan->gid) < 0 || setgid(plan->gid) < 0 || setuid(plan->uid) < 0) {
        buf_printf(err, "cannot become user %s: %s", plan->name, strerror(errno));
        return -1;
    }
    /* setuid from root drops the saved uid too: getting root back must fail. */
    if (setuid(0) == 0 || geteuid() == 0 || (plan->gid != 0 && getegid() == 0)) {
        buf_printf(err, "still able to regain root after becoming %s", plan->name);
        return -1;
    }
    return 0;
}
