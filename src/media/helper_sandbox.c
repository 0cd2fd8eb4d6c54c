/*
 * helper_sandbox.c — see helper_sandbox.h. Owned by ops (issue 17).
 * Threading: the media helper process's main thread, once, before any
 * thread of the plugin's that could race it matters (libvips' threads
 * inherit nothing: seccomp filters are applied with TSYNC to all threads).
 */
#include "media/helper_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Debian 12's headers are older than some kernels: the rights of later
 * ABIs are named here, and used only when the kernel says it has them. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

/* ---- Landlock ---- */

static int landlock(const char *dir, char *why, size_t whylen)
{
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1)
        return 0; /* ENOSYS or EOPNOTSUPP: no Landlock on this kernel */
    uint64_t fs = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
                  LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                  LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                  LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                  LANDLOCK_ACCESS_FS_MAKE_SYM;
    if (abi >= 2)
        fs |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
    if (abi >= 5)
        fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
    /* Only the fs field: the network rights (ABI 4) are seccomp's job here,
     * and a struct of the size this header knows is what the kernel reads. */
    struct landlock_ruleset_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.handled_access_fs = fs;
    int rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr.handled_access_fs, 0);
    if (rfd < 0) {
        snprintf(why, whylen, "landlock_create_ruleset: %s", strerror(errno));
        return -1;
    }
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(why, whylen, "staging directory %s: %s", dir, strerror(errno));
        close(rfd);
        return -1;
    }
    /* Under the staging directory: everything but running programs and
     * making devices, sockets, pipes or links. */
    struct landlock_path_beneath_attr pb = {
        .allowed_access = fs & ~(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
                                 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
                                 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM |
                                 LANDLOCK_ACCESS_FS_IOCTL_DEV),
        .parent_fd = dfd,
    };
    int rc = (int)syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    close(dfd);
    if (rc == 0)
        rc = (int)syscall(SYS_landlock_restrict_self, rfd, 0);
    if (rc < 0)
        snprintf(why, whylen, "landlock: %s", strerror(errno));
    close(rfd);
    return rc < 0 ? -1 : (int)abi;
}

/* ---- seccomp ---- */

/* libseccomp's SCMP_A0... leave datum_b to the compiler; named in full. */
#define ARG(n, op, a) ((struct scmp_arg_cmp){(n), (op), (scmp_datum_t)(a), 0})
#define ARG2(n, op, a, b) ((struct scmp_arg_cmp){(n), (op), (scmp_datum_t)(a), (scmp_datum_t)(b)})

/* Not async-signal-unsafe: write(2) and kill(2) of itself only. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    char msg[96] = "hao: media helper: forbidden system call ";
    size_t n = strlen(msg);
    int nr = si->si_syscall;
    char digits[12];
    int d = 0;
    do
        digits[d++] = (char)('0' + nr % 10);
    while ((nr /= 10) > 0 && d < 11);
    while (d > 0)
        msg[n++] = digits[--d];
    msg[n++] = '\n';
    ssize_t w = write(2, msg, n);
    (void)w;
    syscall(SYS_kill, getpid(), SIGKILL);
    _exit(159);
}

/* What the decoders and the helper's own loop use. Names unknown on this
 * architecture (open, stat... on arm64) are skipped. */
static const char *const allowed[] = {
    /* files (Landlock decides which) */
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2", "lseek",
    "close", "fstat", "newfstatat", "stat", "lstat", "statx", "open", "openat", "access", "faccessat", "faccessat2",
    "readlink", "readlinkat", "getdents64", "unlink", "unlinkat", "rename", "renameat", "renameat2", "link",
    "linkat", "mkdir", "mkdirat", "rmdir", "fsync", "fdatasync", "ftruncate", "fallocate", "fcntl", "dup", "dup2",
    "dup3", "pipe2", "eventfd2", "fstatfs", "statfs", "getcwd", "umask", "fadvise64", "flock", "memfd_create",
    /* memory */
    "mmap", "munmap", "mremap", "mprotect", "madvise", "brk", "mincore", "membarrier",
    /* threads (clone is added below, for threads only) and time */
    "futex", "set_robust_list", "get_robust_list", "rseq", "set_tid_address", "exit", "exit_group", "gettid",
    "getpid", "getppid", "sched_yield", "sched_getaffinity", "sched_getparam", "sched_getscheduler",
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "rt_sigtimedwait", "restart_syscall",
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time", "getrandom",
    "poll", "ppoll", "select", "pselect6", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
    "uname", "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "getgroups", "sysinfo",
    "getrusage", "times", "getpriority", "capget",
    /* the server's socket, already open (no socket can be made or joined) */
    "sendto", "recvfrom", "sendmsg", "recvmsg", "shutdown", "getsockopt", "getsockname", "getpeername",
    NULL,
};

static int seccomp(char *why, size_t whylen)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, NULL) < 0) {
        snprintf(why, whylen, "sigaction: %s", strerror(errno));
        return -1;
    }
    /* A forbidden call traps: it never runs, and the handler above kills
     * the helper (a handler replaced by hostile code gains nothing: the
     * call still does not run). */
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_TRAP);
    if (!f) {
        snprintf(why, whylen, "seccomp_init failed");
        return -1;
    }
    int rc = 0;
    for (const char *const *n = allowed; *n && rc == 0; n++) {
        int nr = seccomp_syscall_resolve_name(*n);
        if (nr != __NR_SCMP_ERROR)
            rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
    }
    pid_t self = getpid();
    /* Threads, not processes: clone only with CLONE_THREAD. clone3's flags
     * sit in memory seccomp cannot read, so it answers ENOSYS and the C
     * library falls back to clone. */
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                              ARG2(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    /* glib logs to journald itself when stderr is the journal (under
     * systemd): its socket(AF_UNIX) is refused, not trapped, so a libvips
     * warning falls back to stderr instead of killing the helper. Every
     * other socket() traps. */
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1, ARG(0, SCMP_CMP_EQ, AF_UNIX));
    /* Signals to itself only (raise, abort). */
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, ARG(0, SCMP_CMP_EQ, (scmp_datum_t)self));
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, ARG(0, SCMP_CMP_EQ, (scmp_datum_t)self));
    /* Limits can be read, not raised (getrlimit is prlimit64 with no new
     * limit). */
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2, ARG(0, SCMP_CMP_EQ, 0),
                              ARG(2, SCMP_CMP_EQ, 0));
    if (rc == 0 && seccomp_syscall_resolve_name("getrlimit") != __NR_SCMP_ERROR)
        rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name("getrlimit"), 0);
    /* Thread names (glib, FFmpeg) and nothing else of prctl. */
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1, ARG(0, SCMP_CMP_EQ, PR_SET_NAME));
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1, ARG(0, SCMP_CMP_EQ, PR_GET_NAME));
    /* isatty() and non-blocking flags; no device control. */
    static const unsigned long ioctls[] = {TCGETS, FIONREAD, FIONBIO, FIOCLEX};
    for (size_t i = 0; rc == 0 && i < sizeof ioctls / sizeof ioctls[0]; i++)
        rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, ARG(1, SCMP_CMP_EQ, ioctls[i]));
    /* Every thread of the plugin's, too. */
    if (rc == 0)
        rc = seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1);
    if (rc == 0)
        rc = seccomp_load(f);
    seccomp_release(f);
    if (rc < 0) {
        snprintf(why, whylen, "seccomp: %s", strerror(-rc));
        return -1;
    }
    return 0;
}

int sandbox_enter(const char *dir, sandbox_info_t *info, char *why, size_t whylen)
{
    info->landlock_abi = 0;
    /* No core files of decoded uploads. */
    struct rlimit core = {0, 0};
    setrlimit(RLIMIT_CORE, &core);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        snprintf(why, whylen, "no_new_privs: %s", strerror(errno));
        return -1;
    }
    int abi = landlock(dir, why, whylen);
    if (abi < 0)
        return -1;
    info->landlock_abi = abi;
    return seccomp(why, whylen);
}

int sandbox_try_forbidden(const char *what, const char *outside)
{
    /* A call seccomp refuses does not return; if it does, it was let
     * through (whatever it answered): 0. */
    if (!strcmp(what, "socket")) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s >= 0)
            close(s);
        return 0;
    }
    if (!strcmp(what, "connect")) {
        /* On the socket it already has: connect is not on the list. */
        struct sockaddr sa = {.sa_family = AF_UNSPEC};
        int r = connect(3, &sa, sizeof sa);
        (void)r;
        return 0;
    }
    if (!strcmp(what, "fork")) {
        pid_t p = fork();
        if (p == 0)
            _exit(0);
        if (p > 0)
            waitpid(p, NULL, 0);
        return 0;
    }
    if (!strcmp(what, "exec")) {
        char *argv[] = {"true", NULL}, *envp[] = {NULL};
        execve("/bin/true", argv, envp);
        return 0;
    }
    if (!strcmp(what, "ptrace")) {
        long r = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        (void)r;
        return 0;
    }
    if (!strcmp(what, "setrlimit")) {
        struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
        int r = setrlimit(RLIMIT_AS, &rl);
        (void)r;
        return 0;
    }
    if (!strcmp(what, "open")) {
        int fd = open(outside && *outside ? outside : "/etc/passwd", O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
            close(fd);
        return fd < 0;
    }
    return 0;
}
