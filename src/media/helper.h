/*
 * helper.h — media processing in helper processes, and putting what they
 * derive into the store.
 *
 * Owns the helper processes and the media plugin embedded in the binary.
 * libvips, FFmpeg, libmagic and Exempi pull in about 190 shared libraries;
 * mapped into the server they made it three times its size (36 MB of a
 * 46 MB resident set were their pages), and their decoders would parse
 * hostile files inside the process that holds every session. So they live
 * in a plugin (media/process.h, build/media-plugin.so) that is embedded in
 * hao as bytes and loaded only by `hao media-helper`, a child the server
 * starts on the first upload (posix_spawn of its own executable, one
 * SOCK_SEQPACKET socket pair, JSON messages). A pool thread borrows an idle
 * helper for each upload (at most one per pool thread); a helper idle for
 * HAO_MEDIA_HELPER_IDLE seconds (default 30) is stopped, so an idle server
 * carries none of that memory. A helper that crashes, hangs past its
 * deadline or answers nonsense is killed; the upload fails with 422 and
 * nothing of it stays on disk. What a helper answers is checked like any
 * other untrusted input before it reaches the store or the database.
 */
#ifndef HAO_MEDIA_HELPER_H
#define HAO_MEDIA_HELPER_H

#include "media/process.h"
#include "media/store.h"

/* The site's name for the propagation fields of labelled media. Main
 * thread, before the pool runs. */
void helper_configure(const char *platform);
/* Examine the finished upload at src (its SHA-256 hex is sha) in a helper,
 * put the derived files and then the upload itself into st under sha-based
 * keys. Pool thread (it waits for the helper). 0 with m filled (free with
 * helper_meta_free), or -1 with e and nothing new left in the store. */
int helper_process(const char *src, const char *sha, store_t *st, media_meta_t *m, media_err_t *e);
void helper_meta_free(media_meta_t *m);
/* Any thread, for /metrics: helpers started since the server started, and
 * helpers killed after failing an upload (each one a restart on the next). */
void helper_stats(unsigned long long *started, unsigned long long *failed);
/* Stop every helper and wait for them (after the pool has stopped). */
void helper_stop(void);
/* `hao media-helper DIR`: the child's side, on the socket at fd 3, fenced
 * into the staging directory DIR (helper_sandbox.h) before it reads any
 * upload. Returns the process's exit status.
 * Test mode: HAO_TEST_MEDIA_CRASH / _HANG (a SHA-256 prefix) make it die
 * or hang on that upload; HAO_TEST_MEDIA_FORBID=WHAT:PREFIX[:PATH] makes it
 * try a forbidden call (socket, connect, fork, exec, ptrace, setrlimit, or
 * open PATH outside the staging directory) on that upload, inside the
 * sandbox, where it is killed. */
int helper_main(const char *dir);

#endif
