/*
 * helper_sandbox.h — the media helper's sandbox (ops).
 *
 * Owned by the media helper process (`hao media-helper`, media/helper.h),
 * called once from its only thread after the plugin is loaded and warmed up
 * and before the first upload is read. Nothing here runs in the server.
 *
 * What it does, in this order:
 *   - no_new_privs (prctl), so nothing it could execute gains privileges;
 *   - Landlock, where the kernel offers it (the ABI is asked at run time):
 *     files may be read, written, made and removed only under the staging
 *     directory; every other path is refused (EACCES). Where the kernel has
 *     no Landlock (before 5.13, or built without it) this step is skipped
 *     and said so in the result; seccomp and the resource limits still hold;
 *   - a seccomp allow-list (libseccomp): what libvips, FFmpeg, libmagic and
 *     Exempi need to decode and write files, and nothing for networking
 *     (socket, connect, bind...), process creation (fork, vfork, execve,
 *     clone without CLONE_THREAD) or ptrace. Any other system call is never
 *     executed: the helper writes which one to stderr and is killed
 *     (SIGKILL), so the upload it was working on fails (422) like any crash.
 */
#ifndef HAO_MEDIA_HELPER_SANDBOX_H
#define HAO_MEDIA_HELPER_SANDBOX_H

#include <stddef.h>

typedef struct {
    int landlock_abi; /* 0: the kernel offers none, the files are not restricted */
} sandbox_info_t;

/* Enter the sandbox for staging directory dir. 0 with info, or -1 with a
 * sentence in why (the helper must then not serve). */
int sandbox_enter(const char *dir, sandbox_info_t *info, char *why, size_t whylen);

/* Test mode (HAO_TEST_MEDIA_FORBID, see helper.c): make the forbidden call
 * named by what ("socket", "connect", "fork", "exec", "ptrace", "open",
 * "setrlimit"). Returns only when the call was refused without a kill
 * (Landlock's EACCES) or when it succeeded: 1 refused, 0 allowed (a hole). */
int sandbox_try_forbidden(const char *what, const char *outside);

#endif
