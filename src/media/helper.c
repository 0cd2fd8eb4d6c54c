/*
 * helper.c — see helper.h.
 *
 * Protocol, one message each way per upload (SOCK_SEQPACKET keeps the
 * message boundaries; every message is one JSON object below MSG_MAX):
 *   helper -> server, once at start: {"ready":true} or {"ready":false,"error":S}
 *   server -> helper: {"src":PATH,"sha":HEX,"dir":PATH,"platform":S}
 *   helper -> server: {"ok":true,"meta":{...},"staged":[[SUFFIX,PATH],...]}
 *                  or {"ok":false,"status":N,"key":S,"detail":S}
 * The helper writes derived files only into "dir", a directory the server
 * made for this upload; whatever it leaves there (a crash half way) is
 * removed with the directory.
 */
#include "media/helper.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "media/helper_sandbox.h"

extern char **environ;

/* The plugin's bytes (plugin_blob.S). */
extern const unsigned char hao_media_plugin_so[];
extern const unsigned char hao_media_plugin_so_end[];

#define HELPER_FD 3
#define MSG_MAX 65536
#define HELPERS_MAX 16
#define READY_TIMEOUT_MS 60000

#if defined(__SANITIZE_ADDRESS__)
#define HAO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAO_ASAN 1
#endif
#endif

static void fail(media_err_t *e, int status, const char *key, const char *detail)
{
    e->status = status;
    e->key = key;
    snprintf(e->detail, sizeof e->detail, "%s", detail ? detail : "");
}

/* Send one JSON message; 0 or -1. */
static int send_json(int fd, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    if (!s)
        return -1;
    size_t n = strlen(s);
    ssize_t w;
    do
        w = n < MSG_MAX ? send(fd, s, n, MSG_NOSIGNAL) : -1;
    while (w < 0 && errno == EINTR);
    free(s);
    return w == (ssize_t)n ? 0 : -1;
}

/* Receive one JSON object, waiting at most timeout_ms (-1: forever). NULL on
 * end of stream, timeout, a truncated message or one that is not an object. */
static json_t *recv_json(int fd, int timeout_ms)
{
    struct pollfd pf = {fd, POLLIN, 0};
    int pr;
    do
        pr = poll(&pf, 1, timeout_ms);
    while (pr < 0 && errno == EINTR);
    if (pr <= 0)
        return NULL;
    char *b = xmalloc(MSG_MAX);
    ssize_t n;
    do
        n = recv(fd, b, MSG_MAX, MSG_TRUNC);
    while (n < 0 && errno == EINTR);
    json_t *j = NULL;
    if (n > 0 && n < MSG_MAX) {
        json_error_t je;
        j = json_loadb(b, (size_t)n, 0, &je);
        if (j && !json_is_object(j)) {
            json_decref(j);
            j = NULL;
        }
    }
    free(b);
    return j;
}

/* ======================= the helper process ======================= */

/* Load the embedded plugin: a memfd holding its bytes, opened by path. */
static const media_plugin_t *load_plugin(char *why, size_t whylen)
{
    int mfd = memfd_create("hao-media-plugin", MFD_CLOEXEC);
    if (mfd < 0) {
        snprintf(why, whylen, "memfd_create: %s", strerror(errno));
        return NULL;
    }
    const unsigned char *p = hao_media_plugin_so;
    size_t left = (size_t)(hao_media_plugin_so_end - hao_media_plugin_so);
    while (left > 0) {
        ssize_t w = write(mfd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(why, whylen, "writing the plugin: %s", strerror(errno));
            close(mfd);
            return NULL;
        }
        p += w;
        left -= (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", mfd);
    /* The mapping keeps the plugin; the descriptor is not needed after. */
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    close(mfd);
    if (!h) {
        snprintf(why, whylen, "%s", dlerror());
        return NULL;
    }
    const media_plugin_t *pl = dlsym(h, MEDIA_PLUGIN_SYMBOL);
    if (!pl || pl->abi != MEDIA_PLUGIN_ABI) {
        snprintf(why, whylen, "the plugin does not match this hao");
        return NULL;
    }
    return pl;
}

static json_t *meta_json(const media_meta_t *m)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:b, s:I, s:s, s:b, s:s, s:s?, s:b}", "kind", m->kind, "mime",
                     m->mime, "ext", m->ext, "in_mime", m->in_mime, "width", m->width, "height", m->height,
                     "animated", m->animated, "duration_ms", (json_int_t)m->duration_ms, "codecs", m->codecs, "poster",
                     m->poster, "variants", m->variants, "aigc", m->aigc, "c2pa", m->c2pa);
}

/* One request: derive, answer. */
static json_t *serve_one(const media_plugin_t *pl, json_t *req)
{
    const char *src = json_string_value(json_object_get(req, "src"));
    const char *sha = json_string_value(json_object_get(req, "sha"));
    const char *dir = json_string_value(json_object_get(req, "dir"));
    const char *platform = json_string_value(json_object_get(req, "platform"));
    if (!src || !sha || !dir || !platform)
        return json_pack("{s:b, s:i, s:s, s:s}", "ok", 0, "status", 500, "key", "err.internal", "detail", "");
    /* Tests make a helper die or hang on one upload (HAO_TEST_MEDIA_CRASH
     * or _HANG = a prefix of its SHA-256) to see the server survive it. */
    const char *crash = getenv("HAO_TEST_MEDIA_CRASH"), *hang = getenv("HAO_TEST_MEDIA_HANG");
    if (crash && *crash && !strncmp(sha, crash, strlen(crash)))
        raise(SIGKILL);
    if (hang && *hang && !strncmp(sha, hang, strlen(hang)))
        for (;;)
            pause();
    /* Tests make a sandboxed helper try a forbidden call on one upload
     * (HAO_TEST_MEDIA_FORBID = WHAT:SHA-PREFIX[:PATH], several separated by
     * commas; helper_sandbox.h names WHAT). A call seccomp refuses never returns (the helper is
     * killed); a file Landlock refuses makes the helper kill itself the
     * same way. Either way that upload fails with 422. A call that went
     * through is a hole: the upload then goes on and succeeds, which the
     * test reports. Read only here, in the sandboxed helper after start. */
    const char *forbid = getenv("HAO_TEST_MEDIA_FORBID");
    for (const char *f = forbid; f && *f; f = strchr(f, ',') ? strchr(f, ',') + 1 : "") {
        char what[32], prefix[65], outside[4096] = "";
        if (sscanf(f, "%31[a-z]:%64[0-9a-f]:%4095[^,]", what, prefix, outside) >= 2 &&
            !strncmp(sha, prefix, strlen(prefix)) && sandbox_try_forbidden(what, outside))
            raise(SIGKILL);
    }
    static media_staged_t staged; /* ~50 KB: not on the stack */
    media_meta_t m;
    media_err_t e;
    json_t *res;
    if (pl->derive(src, sha, dir, platform, &m, &staged, &e) < 0) {
        res = json_pack("{s:b, s:i, s:s, s:s}", "ok", 0, "status", e.status, "key", e.key ? e.key : "err.internal",
                        "detail", e.detail);
    } else {
        json_t *list = json_array();
        for (int i = 0; i < staged.n; i++)
            json_array_append_new(list, json_pack("[s, s]", staged.suffix[i], staged.tmp[i]));
        res = json_pack("{s:b, s:o, s:o}", "ok", 1, "meta", meta_json(&m), "staged", list);
        free(m.aigc);
    }
    return res;
}

/* A 2x2 PNG. Decoding and deriving it once before the sandbox closes makes
 * the plugin load what it loads on first use (libmagic's database, the
 * loaders' and savers' state), which it could not open afterwards. */
static const unsigned char warm_png[] = {0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a,0x00,0x00,0x00,0x0d,0x49,0x48,0x44,0x52,0x00,0x00,0x00,0x02,0x00,0x00,0x00,0x02,0x08,0x02,0x00,0x00,0x00,0xfd,0xd4,0x9a,0x73,0x00,0x00,0x00,0x0f,0x49,0x44,0x41,0x54,0x78,0x9c,0x63,0x68,0x00,0x03,0x06,0x07,0x30,0x00,0x00,0x24,0xce,0x04,0x81,0xd5,0x51,0x56,0x15,0x00,0x00,0x00,0x00,0x49,0x45,0x4e,0x44,0xae,0x42,0x60,0x82};

/* Derive warm_png in a directory of its own under dir; whatever it made
 * is removed. */
static void warm_up(const media_plugin_t *pl, const char *dir)
{
    char sub[4200], src[4300];
    if (snprintf(sub, sizeof sub, "%s/w.XXXXXX", dir) >= (int)sizeof sub || !mkdtemp(sub))
        return;
    snprintf(src, sizeof src, "%s/warm.png", sub);
    int fd = open(src, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ssize_t w = write(fd, warm_png, sizeof warm_png);
        close(fd);
        if (w == (ssize_t)sizeof warm_png) {
            static media_staged_t staged;
            media_meta_t m;
            media_err_t e;
            if (pl->derive(src, "0000000000000000000000000000000000000000000000000000000000000000", sub, "hao",
                           &m, &staged, &e) == 0)
                free(m.aigc);
        }
    }
    DIR *d = opendir(sub);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char p[4500];
        if (de->d_name[0] != '.' && snprintf(p, sizeof p, "%s/%s", sub, de->d_name) < (int)sizeof p)
            unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(sub);
}

int helper_main(const char *dir)
{
    struct stat sb;
    if (fstat(HELPER_FD, &sb) < 0 || !S_ISSOCK(sb.st_mode)) {
        fprintf(stderr, "hao: media-helper is started by hao serve, not by hand\n");
        return 2;
    }
    /* Stopping is the server's to decide: it closes the socket once the
     * uploads in progress are done. A SIGTERM sent to every process of the
     * service (systemd's default) must not cut a helper off mid-upload. */
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    prctl(PR_SET_NAME, "hao-media"); /* not "exe" (it was started as /proc/self/exe) in ps and top */
    /* Nothing of the server's but this socket (and stdio for messages). */
    close_range(HELPER_FD + 1, ~0U, 0);
#ifndef HAO_ASAN
    /* A decompression bomb that gets past the header checks runs out of
     * address space here instead of memory on the machine. (Not under
     * AddressSanitizer, whose shadow memory is terabytes of address space.) */
    struct rlimit rl = {(rlim_t)4 << 30, (rlim_t)4 << 30};
    setrlimit(RLIMIT_AS, &rl);
#endif
    /* Pixel buffers are large and short-lived: a fixed mmap threshold hands
     * them back to the system when freed. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    char why[256] = "";
    const media_plugin_t *pl = load_plugin(why, sizeof why);
    if (pl && pl->init("hao") < 0) {
        snprintf(why, sizeof why, "cannot start libvips or Exempi");
        pl = NULL;
    }
    /* The sandbox (helper_sandbox.h): after the plugin is loaded and
     * warmed up, before the first upload is read. A helper that cannot
     * enter it does not serve. */
    sandbox_info_t sbi = {0};
    if (pl && (!dir || !*dir)) {
        snprintf(why, sizeof why, "no staging directory given");
        pl = NULL;
    }
    if (pl) {
        warm_up(pl, dir);
        if (sandbox_enter(dir, &sbi, why, sizeof why) < 0)
            pl = NULL;
    }
    json_t *hello = pl ? json_pack("{s:b, s:i}", "ready", 1, "landlock", sbi.landlock_abi)
                       : json_pack("{s:b, s:s}", "ready", 0, "error", why);
    int rc = send_json(HELPER_FD, hello);
    json_decref(hello);
    if (rc < 0 || !pl)
        return 1;
    for (;;) {
        json_t *req = recv_json(HELPER_FD, -1);
        if (!req)
            break; /* the server closed the socket: stop */
        json_t *res = serve_one(pl, req);
        json_decref(req);
        rc = res ? send_json(HELPER_FD, res) : -1;
        json_decref(res);
        if (rc < 0)
            break;
        malloc_trim(0);
    }
#ifdef HAO_ASAN
    /* LeakSanitizer's check at exit starts a tracer (clone, ptrace) that
     * the sandbox forbids. */
    _exit(0);
#endif
    return 0;
}

/* ======================= the server's side ======================= */

typedef struct {
    pid_t pid; /* 0: slot free */
    int fd;
    int busy;
    time_t idle_since;
} helper_t;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a helper was released, or stop */
    helper_t h[HELPERS_MAX];
    int reaper_on, stopping;
    pthread_t reaper;
    char platform[128];
} H = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .platform = "hao"};

/* For /metrics (helper_stats): helpers started, and killed after a crash,
 * a hang or a nonsense answer. */
static atomic_ullong n_started, n_failed;

void helper_stats(unsigned long long *started, unsigned long long *failed)
{
    *started = atomic_load_explicit(&n_started, memory_order_relaxed);
    *failed = atomic_load_explicit(&n_failed, memory_order_relaxed);
}

void helper_configure(const char *platform)
{
    snprintf(H.platform, sizeof H.platform, "%s", platform && *platform ? platform : "hao");
}

static int idle_limit(void)
{
    const char *s = getenv("HAO_MEDIA_HELPER_IDLE");
    int v = s ? atoi(s) : 0;
    return v > 0 ? v : 30;
}

/* Close a helper's socket (it exits on end of stream) and wait for it; kill
 * first when it may be busy or stuck. */
static void finish(pid_t pid, int fd, int kill_it)
{
    if (kill_it)
        kill(pid, SIGKILL);
    close(fd);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
}

static void *reaper_main(void *arg)
{
    (void)arg;
    int idle = idle_limit();
    pthread_mutex_lock(&H.mu);
    while (!H.stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += idle < 5 ? 1 : 5;
        pthread_cond_timedwait(&H.cv, &H.mu, &ts);
        time_t now = time(NULL);
        for (int i = 0; i < HELPERS_MAX; i++) {
            helper_t *h = &H.h[i];
            if (h->pid && !h->busy && (H.stopping || now - h->idle_since >= idle)) {
                pid_t pid = h->pid;
                int fd = h->fd;
                h->pid = 0;
                pthread_mutex_unlock(&H.mu);
                finish(pid, fd, 0);
                pthread_mutex_lock(&H.mu);
            }
        }
    }
    pthread_mutex_unlock(&H.mu);
    return NULL;
}

/* Start a helper into slot h (already marked busy by the caller). 0, or -1
 * with a sentence in why. */
static int spawn(helper_t *h, const char *staging, char *why, size_t whylen)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        snprintf(why, whylen, "socketpair: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], HELPER_FD);
    posix_spawnattr_init(&at);
    /* The pool thread blocks SIGINT/SIGTERM (the server's main thread takes
     * them); the helper starts with an empty mask, in a process group of
     * its own, so a Ctrl-C at the terminal reaches the server only. */
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGCHLD);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dflt);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    char *argv[] = {"hao", "media-helper", (char *)staging, NULL};
    pid_t pid;
    /* Our own executable, even if it was replaced on disk since start. */
    int rc = posix_spawn(&pid, "/proc/self/exe", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(sv[1]);
    if (rc != 0) {
        snprintf(why, whylen, "cannot start the media helper: %s", strerror(rc));
        close(sv[0]);
        return -1;
    }
    json_t *hello = recv_json(sv[0], READY_TIMEOUT_MS);
    if (!hello || !json_is_true(json_object_get(hello, "ready"))) {
        const char *e = hello ? json_string_value(json_object_get(hello, "error")) : NULL;
        snprintf(why, whylen, "the media helper did not start%s%s", e ? ": " : "", e ? e : "");
        json_decref(hello);
        finish(pid, sv[0], 1);
        return -1;
    }
    /* Said once per server: whether files are fenced too (helper_sandbox.h). */
    static atomic_int told;
    if (!atomic_exchange(&told, 1)) {
        json_int_t abi = json_integer_value(json_object_get(hello, "landlock"));
        if (abi > 0)
            fprintf(stderr, "hao: media helper sandbox: seccomp, no_new_privs, Landlock ABI %d (files: %s only)\n",
                    (int)abi, staging);
        else
            fprintf(stderr, "hao: media helper sandbox: seccomp, no_new_privs; this kernel has no Landlock, so "
                            "the helper's files are not fenced in\n");
    }
    json_decref(hello);
    atomic_fetch_add_explicit(&n_started, 1, memory_order_relaxed);
    h->pid = pid;
    h->fd = sv[0];
    return 0;
}

/* Borrow a helper (starting one when none is idle). NULL with why. */
static helper_t *acquire(const char *staging, char *why, size_t whylen)
{
    pthread_mutex_lock(&H.mu);
    if (!H.reaper_on && pthread_create(&H.reaper, NULL, reaper_main, NULL) == 0)
        H.reaper_on = 1;
    for (;;) {
        helper_t *free_slot = NULL;
        for (int i = 0; i < HELPERS_MAX; i++) {
            helper_t *h = &H.h[i];
            if (h->pid && !h->busy) {
                /* One that died while idle (OOM killer, a signal) reads as
                 * end of stream: replace it. */
                struct pollfd pf = {h->fd, POLLIN, 0};
                if (poll(&pf, 1, 0) != 0) {
                    finish(h->pid, h->fd, 1);
                    h->pid = 0;
                } else {
                    h->busy = 1;
                    pthread_mutex_unlock(&H.mu);
                    return h;
                }
            }
            if (!h->pid && !h->busy && !free_slot)
                free_slot = h;
        }
        if (free_slot) {
            free_slot->busy = 1; /* reserved while the helper starts */
            pthread_mutex_unlock(&H.mu);
            if (spawn(free_slot, staging, why, whylen) == 0)
                return free_slot;
            pthread_mutex_lock(&H.mu);
            free_slot->busy = 0;
            pthread_mutex_unlock(&H.mu);
            return NULL;
        }
        pthread_cond_wait(&H.cv, &H.mu); /* more pool threads than slots */
    }
}

/* Give a helper back; a helper whose conversation went wrong is killed. */
static void release(helper_t *h, int healthy)
{
    pid_t pid = 0;
    int fd = -1;
    pthread_mutex_lock(&H.mu);
    if (!healthy) {
        atomic_fetch_add_explicit(&n_failed, 1, memory_order_relaxed);
        pid = h->pid;
        fd = h->fd;
        h->pid = 0;
    }
    h->busy = 0;
    h->idle_since = time(NULL);
    pthread_cond_broadcast(&H.cv);
    pthread_mutex_unlock(&H.mu);
    if (pid)
        finish(pid, fd, 1);
}

void helper_stop(void)
{
    pthread_mutex_lock(&H.mu);
    H.stopping = 1;
    pthread_cond_broadcast(&H.cv);
    int on = H.reaper_on;
    pthread_mutex_unlock(&H.mu);
    if (on)
        pthread_join(H.reaper, NULL); /* it stops every idle helper on its way out */
    H.reaper_on = 0;
}

/* ---- checking what a helper answered ---- */

static const char *const err_keys[] = {"err.internal",     "media.err.type",  "media.err.svg",   "media.err.corrupt",
                                       "media.err.pixels", "media.err.video", "media.err.codec", "media.err.crashed"};

/* The literal for an error key a helper named (unknown: err.internal). */
static const char *known_key(const char *k)
{
    for (size_t i = 0; k && i < sizeof err_keys / sizeof err_keys[0]; i++)
        if (!strcmp(k, err_keys[i]))
            return err_keys[i];
    return "err.internal";
}

/* Copy a string field into dst (dst_len bytes with its NUL); 0, or -1 when
 * it is missing, too long or has bytes outside printable ASCII. */
static int take_str(json_t *o, const char *name, char *dst, size_t dst_len)
{
    const char *s = json_string_value(json_object_get(o, name));
    if (!s || strlen(s) >= dst_len)
        return -1;
    for (const char *p = s; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            return -1;
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

static int one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return 1;
    return 0;
}

/* The helper's meta, checked field by field. 0 or -1. */
static int take_meta(json_t *o, media_meta_t *m)
{
    static const char *const kinds[] = {"image", "video", NULL};
    static const char *const mimes[] = {"image/jpeg", "image/png", "image/webp", "image/gif",
                                        "video/mp4",  "video/webm", NULL};
    static const char *const exts[] = {"jpg", "png", "webp", "gif", "mp4", "webm", NULL};
    if (!json_is_object(o) || take_str(o, "kind", m->kind, sizeof m->kind) < 0 || !one_of(m->kind, kinds) ||
        take_str(o, "mime", m->mime, sizeof m->mime) < 0 || !one_of(m->mime, mimes) ||
        take_str(o, "ext", m->ext, sizeof m->ext) < 0 || !one_of(m->ext, exts) ||
        take_str(o, "in_mime", m->in_mime, sizeof m->in_mime) < 0 ||
        take_str(o, "codecs", m->codecs, sizeof m->codecs) < 0 ||
        take_str(o, "variants", m->variants, sizeof m->variants) < 0)
        return -1;
    if (strspn(m->variants, "0123456789,") != strlen(m->variants))
        return -1;
    json_int_t w = json_integer_value(json_object_get(o, "width"));
    json_int_t h = json_integer_value(json_object_get(o, "height"));
    json_int_t d = json_integer_value(json_object_get(o, "duration_ms"));
    if (w < 1 || h < 1 || w > 30000 || h > 30000 || d < 0)
        return -1;
    m->width = (int)w;
    m->height = (int)h;
    m->duration_ms = d;
    m->animated = json_is_true(json_object_get(o, "animated"));
    m->poster = json_is_true(json_object_get(o, "poster"));
    m->c2pa = json_is_true(json_object_get(o, "c2pa"));
    json_t *a = json_object_get(o, "aigc");
    if (a && !json_is_null(a)) {
        /* Stored and later written into API answers as it is: it must be
         * JSON, so it is parsed and written again here. */
        const char *s = json_string_value(a);
        json_error_t je;
        json_t *v = s ? json_loads(s, JSON_DECODE_ANY, &je) : NULL;
        m->aigc = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        json_decref(v);
        if (!m->aigc || strlen(m->aigc) > 4096) {
            free(m->aigc);
            m->aigc = NULL;
            return -1;
        }
    }
    return 0;
}

/* 1 when path is a regular file "dir/d.XXXXXX" (what the helper was told to
 * make), not a link to elsewhere. */
static int staged_ok(const char *path, const char *dir)
{
    size_t dl = strlen(dir);
    struct stat sb;
    return !strncmp(path, dir, dl) && !strncmp(path + dl, "/d.", 3) && !strchr(path + dl + 1, '/') &&
           lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* ---- one upload ---- */

/* How long a helper may take over the upload at src: 30 s plus 1 s per
 * 10 MB (a video is re-muxed at well over 100 MB/s; a picture is at most
 * 50 megapixels). A decoder busy for longer is stuck on a hostile file,
 * and the pool thread waiting for it is needed elsewhere.
 * HAO_MEDIA_HELPER_TIMEOUT (seconds) overrides it, for tests. */
static int job_timeout_ms(const char *src)
{
    const char *o = getenv("HAO_MEDIA_HELPER_TIMEOUT");
    if (o && atoi(o) > 0)
        return atoi(o) * 1000;
    struct stat sb;
    long long mb = stat(src, &sb) == 0 ? (long long)sb.st_size / 10000000 : 0;
    return (int)(30000 + (mb > 2000000 ? 2000000 : mb) * 1000);
}

/* Run process_derive in a helper. 0 with m and out, or -1 with e. */
static int derive(const char *staging, const char *src, const char *sha, const char *dir, media_meta_t *m,
                  media_staged_t *out, media_err_t *e)
{
    char why[320];
    helper_t *h = acquire(staging, why, sizeof why);
    if (!h) {
        fprintf(stderr, "hao: media: %s\n", why);
        fail(e, 500, "err.internal", NULL);
        return -1;
    }
    json_t *req = json_pack("{s:s, s:s, s:s, s:s}", "src", src, "sha", sha, "dir", dir, "platform", H.platform);
    json_t *res = req && send_json(h->fd, req) == 0 ? recv_json(h->fd, job_timeout_ms(src)) : NULL;
    json_decref(req);
    if (!res) {
        /* Crashed, hung or unreachable: whatever the file did to it, the
         * server only sees a failed upload. */
        fprintf(stderr, "hao: media: the helper (pid %d) failed on upload %.16s; stopped it\n", (int)h->pid, sha);
        release(h, 0);
        fail(e, 422, "media.err.crashed", NULL);
        return -1;
    }
    int rc = -1;
    out->n = 0;
    if (json_is_true(json_object_get(res, "ok"))) {
        json_t *list = json_object_get(res, "staged");
        int good = take_meta(json_object_get(res, "meta"), m) == 0 && json_is_array(list) &&
                   json_array_size(list) < MEDIA_STAGED_MAX;
        for (size_t i = 0; good && i < json_array_size(list); i++) {
            json_t *it = json_array_get(list, i);
            const char *suffix = json_string_value(json_array_get(it, 0));
            const char *tmp = json_string_value(json_array_get(it, 1));
            char key[STORE_KEY_MAX + 1];
            good = suffix && tmp && strlen(suffix) < sizeof out->suffix[0] && strlen(tmp) < sizeof out->tmp[0] &&
                   snprintf(key, sizeof key, "%s%s", sha, suffix) < (int)sizeof key && store_key_ok(key) &&
                   staged_ok(tmp, dir);
            if (good) {
                memcpy(out->suffix[out->n], suffix, strlen(suffix) + 1);
                memcpy(out->tmp[out->n], tmp, strlen(tmp) + 1);
                out->n++;
            }
        }
        if (good) {
            rc = 0;
        } else {
            fprintf(stderr, "hao: media: the helper (pid %d) answered nonsense on upload %.16s\n", (int)h->pid, sha);
            helper_meta_free(m);
            out->n = 0;
            fail(e, 500, "err.internal", NULL);
        }
        json_decref(res);
        release(h, good);
        return rc;
    }
    json_int_t status = json_integer_value(json_object_get(res, "status"));
    fail(e, status == 415 || status == 422 ? (int)status : 500,
         known_key(json_string_value(json_object_get(res, "key"))), NULL);
    const char *detail = json_string_value(json_object_get(res, "detail"));
    /* Shown to the user: printable ASCII only (libmagic's type names are). */
    for (size_t i = 0; detail && detail[i] && i + 1 < sizeof e->detail; i++) {
        e->detail[i] = detail[i] >= 0x20 && detail[i] < 0x7f ? detail[i] : '?';
        e->detail[i + 1] = 0;
    }
    json_decref(res);
    release(h, 1);
    return -1;
}

/* Put the staged files, then the upload itself (its presence marks a
 * complete set), into st. 0, or -1 with nothing of this upload's left. */
static int put_all(store_t *st, const char *src, const char *sha, const char *dir, media_staged_t *s)
{
    const char *keys[MEDIA_STAGED_MAX], *tmps[MEDIA_STAGED_MAX];
    char keybuf[MEDIA_STAGED_MAX][STORE_KEY_MAX + 1];
    int placed[MEDIA_STAGED_MAX] = {0};
    int n = s->n;
    /* A second name for the upload: the caller still owns src. */
    char copy[sizeof s->tmp[0]];
    if (snprintf(copy, sizeof copy, "%s/upload", dir) >= (int)sizeof copy)
        return -1;
    if (n >= MEDIA_STAGED_MAX || link(src, copy) < 0)
        return -1;
    snprintf(s->tmp[n], sizeof s->tmp[0], "%s", copy);
    s->suffix[n][0] = 0;
    n++;
    for (int i = 0; i < n; i++) {
        snprintf(keybuf[i], sizeof keybuf[i], "%s%s", sha, s->suffix[i]);
        keys[i] = keybuf[i];
        tmps[i] = s->tmp[i];
    }
    buf_t err = BUF_INIT;
    int rc = st->ops->put_many(st, keys, tmps, n, placed, &err);
    if (rc < 0) {
        fprintf(stderr, "hao: media: %s\n", buf_cstr(&err));
        for (int i = 0; i < n; i++)
            if (placed[i])
                st->ops->remove(st, keys[i]);
    }
    buf_free(&err);
    return rc;
}

int helper_process(const char *src, const char *sha, store_t *st, media_meta_t *m, media_err_t *e)
{
    memset(m, 0, sizeof *m);
    memset(e, 0, sizeof *e);
    char dir[4200];
    int w = snprintf(dir, sizeof dir, "%s/j.XXXXXX", store_tmp_dir(st));
    if (w < 0 || (size_t)w >= sizeof dir || !mkdtemp(dir)) {
        fail(e, 500, "err.internal", NULL);
        return -1;
    }
    static _Thread_local media_staged_t staged; /* ~50 KB: not on the pool thread's stack */
    int rc = derive(store_tmp_dir(st), src, sha, dir, m, &staged, e);
    if (rc == 0 && put_all(st, src, sha, dir, &staged) < 0) {
        fail(e, 500, "err.internal", NULL);
        rc = -1;
    }
    store_remove_dir(dir);
    if (rc < 0)
        helper_meta_free(m);
    return rc;
}

void helper_meta_free(media_meta_t *m)
{
    free(m->aigc);
    m->aigc = NULL;
}
