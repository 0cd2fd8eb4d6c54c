/*
 * views.c — see views.h.
 *
 * Both count tables are open-addressing hash tables of key -> count. A key
 * is a kind letter and a work id: 'r' reads, 'e' readers who reached the
 * end, 'f' plus " domain" a referring site, 'u' plus " reader" a reader's
 * first read of the work today (the writer turns those into unique readers
 * per creator and for the site, which needs the work's author: a database
 * read, so not on the loop). The shared table is four times the size of a
 * loop's, so the hand-over of one full loop table always fits unless the
 * writer has fallen behind; then the counts that do not fit stay on the
 * loop for the next hand-over rather than being dropped.
 */
#include "http/views.h"

#include <stdio.h>

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "db/db.h"
#include "http/server.h"

#define LOOP_SLOTS 1024
#define SHARED_SLOTS 4096
#define RECENT_SLOTS 4096
#define DOMAIN_MAX 64
/* Today's seen set stops growing at this many keys (64 MB): past it every
 * read counts, rather than the loops spending memory without bound. */
#define SEEN_MAX (1u << 23)

typedef struct {
    char id[96]; /* kind letter, work id (< 24), " " and a domain (< DOMAIN_MAX) or reader */
    int64_t n;
} view_slot_t;

struct view_counter {
    view_slot_t slots[LOOP_SLOTS];
    int used;
    int64_t day; /* the China day salt and recent are for */
    unsigned char salt[crypto_shorthash_KEYBYTES];
    uint64_t recent[RECENT_SLOTS]; /* keys this loop saw today, so a reload takes no lock */
};

/* A set of 64-bit keys (0 stands for "empty", so keys are never 0). */
typedef struct {
    uint64_t *keys;
    size_t cap, used;
} keyset_t;

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* Add n to id's slot in a table of cap slots holding *used entries. Returns
 * 0, or -1 when the table is too full to take a new id (kept at most 3/4
 * full so probing stays short). */
static int table_add(view_slot_t *slots, int cap, int *used, const char *id, int64_t n)
{
    size_t len = strlen(id);
    size_t i = fnv(id, len) % (size_t)cap;
    for (;;) {
        view_slot_t *s = &slots[i];
        if (s->id[0] == 0) {
            if (*used >= cap * 3 / 4)
                return -1;
            memcpy(s->id, id, len + 1);
            s->n = n;
            (*used)++;
            return 0;
        }
        if (strcmp(s->id, id) == 0) {
            s->n += n;
            return 0;
        }
        i = (i + 1) % (size_t)cap;
    }
}

view_counter_t *views_create(void)
{
    view_counter_t *v = xcalloc(1, sizeof(*v));
    return v;
}

void views_destroy(view_counter_t *v)
{
    free(v);
}

/* ---- the shared table and the writer ---- */

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;
    view_slot_t slots[SHARED_SLOTS];
    int used;
    int stop;
    int running;
    pthread_t thread;
    db_t *db;
} w = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

/* Add one to key on this loop; a full table is handed over first. */
static void count_add(loop_ctx_t *lc, const char *key)
{
    view_counter_t *v = lc->views;
    if (table_add(v->slots, LOOP_SLOTS, &v->used, key, 1) == 0)
        return;
    views_flush(lc);
    table_add(v->slots, LOOP_SLOTS, &v->used, key, 1); /* fits unless the writer is a table behind */
}

/* ---- today's readers ---- */

/* Add key to set. Returns 1 when it is new, 0 when it was there, and 1
 * when the set is full (SEEN_MAX): then a reload counts again, which is
 * better than not counting new readers. */
static int keyset_add(keyset_t *set, uint64_t key)
{
    if (set->used * 2 >= set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 4096;
        if (cap > SEEN_MAX)
            return 1;
        uint64_t *keys = calloc(cap, sizeof *keys);
        if (!keys)
            return 1;
        for (size_t i = 0; i < set->cap; i++)
            for (size_t j = set->keys[i] & (cap - 1); set->keys[i]; j = (j + 1) & (cap - 1))
                if (!keys[j]) {
                    keys[j] = set->keys[i];
                    break;
                }
        free(set->keys);
        set->keys = keys;
        set->cap = cap;
    }
    size_t i = key & (set->cap - 1);
    for (; set->keys[i]; i = (i + 1) & (set->cap - 1))
        if (set->keys[i] == key)
            return 0;
    set->keys[i] = key;
    set->used++;
    return 1;
}

static void keyset_clear(keyset_t *set)
{
    free(set->keys);
    memset(set, 0, sizeof *set);
}

/* The loops' shared set of (reader, kind, work) keys seen today, and the
 * day's salt. */
static struct {
    pthread_mutex_t mu;
    int64_t day;
    unsigned char salt[crypto_shorthash_KEYBYTES];
    keyset_t set;
} seen = {.mu = PTHREAD_MUTEX_INITIALIZER};

static int64_t china_day(void)
{
    return clock_china_day(clock_now());
}

/* Bring this loop to today: a new day draws a new salt and forgets the
 * old one and every key made with it. */
static void loop_today(view_counter_t *v)
{
    int64_t day = china_day();
    if (v->day == day)
        return;
    pthread_mutex_lock(&seen.mu);
    if (day > seen.day) {
        seen.day = day;
        randombytes_buf(seen.salt, sizeof seen.salt);
        keyset_clear(&seen.set);
    }
    memcpy(v->salt, seen.salt, sizeof v->salt);
    pthread_mutex_unlock(&seen.mu);
    memset(v->recent, 0, sizeof v->recent);
    v->day = day;
}

static uint64_t shorthash(const view_counter_t *v, const void *in, size_t n)
{
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, in, n, v->salt);
    uint64_t h;
    memcpy(&h, out, sizeof h);
    return h ? h : 1;
}

/* The reader: client address and user agent (its first 512 bytes). */
static uint64_t reader_of(const view_counter_t *v, hreq_t *r, const char *ua)
{
    char in[64 + 1 + 512];
    const char *peer = rq_peer(r);
    int n = snprintf(in, sizeof in, "%.64s%c%.512s", peer ? peer : "", 0, ua);
    return shorthash(v, in, n < 0 ? 0 : (size_t)n >= sizeof in ? sizeof in - 1 : (size_t)n);
}

/* 1 when r's reader has not done kind to work_id before today (on any
 * loop); *reader gets the reader's hash. */
static int first_today(loop_ctx_t *lc, hreq_t *r, const char *ua, char kind, const char *work_id, uint64_t *reader)
{
    view_counter_t *v = lc->views;
    loop_today(v);
    *reader = reader_of(v, r, ua);
    char in[8 + 1 + 24];
    size_t n = strlen(work_id);
    memcpy(in, reader, 8);
    in[8] = kind;
    memcpy(in + 9, work_id, n);
    uint64_t key = shorthash(v, in, 9 + n);
    uint64_t *slot = &v->recent[key % RECENT_SLOTS];
    if (*slot == key)
        return 0;
    pthread_mutex_lock(&seen.mu);
    int fresh = seen.day == v->day ? keyset_add(&seen.set, key) : 1;
    pthread_mutex_unlock(&seen.mu);
    *slot = key;
    return fresh;
}

/* Known robots by their user agent (case-insensitive); none at all is a
 * script too. Headless browsers are not on the list: a headless Chromium
 * is how the browser tests read, and some readers' tools too. */
static int is_bot(const char *ua)
{
    static const char *const marks[] = {"bot", "crawl", "spider", "slurp", "curl/", "wget/", "python-requests",
                                        "python-urllib", "go-http-client", "java/", "libwww", "httpclient",
                                        "facebookexternalhit", "feedfetcher", "scrapy", NULL};
    if (!ua || !*ua)
        return 1;
    char low[512];
    size_t n = 0;
    for (; ua[n] && n < sizeof low - 1; n++)
        low[n] = (ua[n] >= 'A' && ua[n] <= 'Z') ? (char)(ua[n] + 32) : ua[n];
    low[n] = 0;
    for (int i = 0; marks[i]; i++)
        if (strstr(low, marks[i]))
            return 1;
    return 0;
}

/* The host of ref (an http or https URL) lower-cased, without user or
 * port, into out; 0 when there is none, it is malformed or too long, or it
 * is this site (host). */
static int ref_domain(const char *ref, h2o_iovec_t host, char out[DOMAIN_MAX])
{
    if (!ref)
        return 0;
    const char *p = strncmp(ref, "https://", 8) == 0 ? ref + 8 : strncmp(ref, "http://", 7) == 0 ? ref + 7 : NULL;
    if (!p)
        return 0;
    size_t end = strcspn(p, "/?#");
    const char *at = memchr(p, '@', end);
    if (at) {
        end -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    size_t n = 0;
    for (; n < end && p[n] != ':'; n++) {
        char c = p[n];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (n >= DOMAIN_MAX - 1 || !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
            return 0;
        out[n] = c;
    }
    out[n] = 0;
    if (n == 0)
        return 0;
    const char *colon = memchr(host.base, ':', host.len);
    size_t hn = colon ? (size_t)(colon - host.base) : host.len;
    return !(hn == n && strncasecmp(host.base, out, n) == 0);
}

void views_read(hreq_t *r, const char *work_id)
{
    loop_ctx_t *lc = r->loop;
    const char *ua = rq_header(r, "user-agent");
    size_t n = strlen(work_id);
    uint64_t reader;
    if (!lc->views || n == 0 || n >= 24 || is_bot(ua) || !first_today(lc, r, ua, 'r', work_id, &reader))
        return;
    char key[sizeof ((view_slot_t *)0)->id];
    snprintf(key, sizeof key, "r%s", work_id);
    count_add(lc, key);
    snprintf(key, sizeof key, "u%s %016llx", work_id, (unsigned long long)reader);
    count_add(lc, key);
    char dom[DOMAIN_MAX];
    if (ref_domain(rq_header(r, "referer"), r->h->authority, dom)) {
        snprintf(key, sizeof key, "f%s %s", work_id, dom);
        count_add(lc, key);
    }
}

void views_end(hreq_t *r, const char *work_id)
{
    loop_ctx_t *lc = r->loop;
    const char *ua = rq_header(r, "user-agent");
    size_t n = strlen(work_id);
    uint64_t reader;
    if (!lc->views || n == 0 || n >= 24 || is_bot(ua) || !first_today(lc, r, ua, 'e', work_id, &reader))
        return;
    char key[sizeof ((view_slot_t *)0)->id];
    snprintf(key, sizeof key, "e%s", work_id);
    count_add(lc, key);
}

void views_end_mac(const char *work_id, char out[17])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, server_state.secret, sizeof server_state.secret);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"hao end image\n", 14);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)work_id, strlen(work_id));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, 17, mac, 8);
}

void views_flush(loop_ctx_t *lc)
{
    view_counter_t *v = lc->views;
    if (!v || v->used == 0)
        return;
    int kept = 0;
    pthread_mutex_lock(&w.mu);
    for (int i = 0; i < LOOP_SLOTS; i++) {
        view_slot_t *s = &v->slots[i];
        if (!s->id[0])
            continue;
        if (table_add(w.slots, SHARED_SLOTS, &w.used, s->id, s->n) == 0)
            memset(s, 0, sizeof *s);
        else
            kept++;
    }
    pthread_mutex_unlock(&w.mu);
    if (kept) {
        /* Re-insert what stayed so probe chains stay intact. */
        view_slot_t *old = xmalloc(sizeof v->slots);
        memcpy(old, v->slots, sizeof v->slots);
        memset(v->slots, 0, sizeof v->slots);
        v->used = 0;
        for (int i = 0; i < LOOP_SLOTS; i++)
            if (old[i].id[0])
                table_add(v->slots, LOOP_SLOTS, &v->used, old[i].id, old[i].n);
        free(old);
    } else {
        v->used = 0;
    }
}

/* Run sql (binding :id, :day, :n and, when given, :x) once. */
static int write_stmt(const char *sql, const char *id, int64_t day, int64_t n, const char *x)
{
    db_stmt_t *st = db_prepare(w.db, sql);
    db_bind_text(st, ":id", id);
    db_bind_int(st, ":day", day);
    db_bind_int(st, ":n", n);
    if (x)
        db_bind_text(st, ":x", x);
    int rc = db_step(st);
    db_done(st);
    return rc < 0 ? -1 : 0;
}

static int write_reads(const char *id, int64_t day, int64_t n)
{
    db_stmt_t *st = db_prepare(w.db, "UPDATE works SET views = views + :n WHERE id = :id");
    db_bind_int(st, ":n", n);
    db_bind_text(st, ":id", id);
    int rc = db_step(st);
    db_done(st);
    if (rc < 0)
        return -1;
    /* Reads per China day for the data pages (site/creator/stats.h): one
     * small row per work and day, written here, off the loops. */
    return write_stmt("INSERT INTO stats_daily(work_id, author_id, day, reads) "
                      "SELECT id, author_id, :day, :n FROM works WHERE id = :id "
                      "ON CONFLICT(work_id, day) DO UPDATE SET reads = stats_daily.reads + excluded.reads",
                      id, day, n, NULL);
}

static int write_ends(const char *id, int64_t day, int64_t n)
{
    return write_stmt("INSERT INTO stats_daily(work_id, author_id, day, ends) "
                      "SELECT id, author_id, :day, :n FROM works WHERE id = :id "
                      "ON CONFLICT(work_id, day) DO UPDATE SET ends = stats_daily.ends + excluded.ends",
                      id, day, n, NULL);
}

static int write_referrer(const char *id, const char *domain, int64_t day, int64_t n)
{
    return write_stmt("INSERT INTO stats_referrers(work_id, author_id, day, domain, n) "
                      "SELECT id, author_id, :day, :x, :n FROM works WHERE id = :id "
                      "ON CONFLICT(work_id, day, domain) DO UPDATE SET n = stats_referrers.n + excluded.n",
                      id, day, n, domain);
}

/* The writer's own set of (reader, creator) keys seen today (creator 0 is
 * the whole site), so a reader of three works by one creator is one of
 * that creator's unique readers. Writer thread only. A batch that fails and
 * is retried finds its keys already here and does not count them again: a
 * reader lost on a database error, never one counted twice. */
static keyset_t uniq_seen;
static int64_t uniq_day;

static int write_unique(const char *id, const char *reader_hex, int64_t day)
{
    if (day != uniq_day) {
        keyset_clear(&uniq_seen);
        uniq_day = day;
    }
    uint64_t reader = strtoull(reader_hex, NULL, 16);
    db_stmt_t *st = db_prepare(w.db, "SELECT author_id FROM works WHERE id = :id");
    db_bind_text(st, ":id", id);
    int rc = db_step(st);
    int64_t author = rc == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    if (rc == DB_ERROR)
        return -1;
    for (int site = 0; author >= 0 && site < 2; site++) {
        int64_t a = site ? 0 : author;
        uint64_t key = (reader ^ ((uint64_t)a * 0x9e3779b97f4a7c15ull)) | 1;
        if (!keyset_add(&uniq_seen, key))
            continue;
        st = db_prepare(w.db, "INSERT INTO stats_uniques(author_id, day, uniques) VALUES (:a, :day, 1) "
                              "ON CONFLICT(author_id, day) DO UPDATE SET uniques = stats_uniques.uniques + 1");
        db_bind_int(st, ":a", a);
        db_bind_int(st, ":day", day);
        rc = db_step(st);
        db_done(st);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* One counted key into the database (see the top of this file). */
static int write_slot(const view_slot_t *s, int64_t day)
{
    char id[sizeof s->id];
    memcpy(id, s->id + 1, sizeof id - 1);
    id[sizeof id - 1] = 0;
    char *extra = strchr(id, ' ');
    if (extra)
        *extra++ = 0;
    switch (s->id[0]) {
    case 'r':
        return write_reads(id, day, s->n);
    case 'e':
        return write_ends(id, day, s->n);
    case 'f':
        return extra ? write_referrer(id, extra, day, s->n) : 0;
    case 'u':
        return extra ? write_unique(id, extra, day) : 0;
    }
    return 0;
}

/* Write batch[0..cap) in one transaction. Returns 0, or -1 (nothing written). */
static int write_batch(const view_slot_t *batch, int cap)
{
    if (db_begin(w.db) < 0)
        return -1;
    int64_t day = china_day() * 86400 - CLOCK_CHINA_OFFSET;
    for (int i = 0; i < cap; i++) {
        if (batch[i].id[0] && write_slot(&batch[i], day) < 0) {
            db_rollback(w.db);
            return -1;
        }
    }
    if (db_commit(w.db) < 0) {
        db_rollback(w.db);
        return -1;
    }
    return 0;
}

static void *writer_main(void *arg)
{
    (void)arg;
    view_slot_t *batch = xmalloc(sizeof w.slots);
    pthread_mutex_lock(&w.mu);
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        if (!w.stop)
            pthread_cond_timedwait(&w.wake, &w.mu, &until);
        int stopping = w.stop;
        int n = w.used;
        if (n) {
            memcpy(batch, w.slots, sizeof w.slots);
            memset(w.slots, 0, sizeof w.slots);
            w.used = 0;
        }
        pthread_mutex_unlock(&w.mu);
        if (n && write_batch(batch, SHARED_SLOTS) < 0) {
            /* Busy database or I/O error: give the counts back for the next round. */
            pthread_mutex_lock(&w.mu);
            for (int i = 0; i < SHARED_SLOTS; i++)
                if (batch[i].id[0])
                    table_add(w.slots, SHARED_SLOTS, &w.used, batch[i].id, batch[i].n);
            pthread_mutex_unlock(&w.mu);
            if (stopping)
                break; /* one last try failed: nothing more can be done */
        }
        /* The loops' connections leave checkpoints to this thread (db.h). */
        if (db_checkpoint(w.db) < 0)
            fprintf(stderr, "hao: WAL checkpoint failed; the next round tries again\n");
        pthread_mutex_lock(&w.mu);
        if (stopping && w.used == 0)
            break;
    }
    pthread_mutex_unlock(&w.mu);
    free(batch);
    return NULL;
}

int views_writer_start(const char *data_dir, buf_t *err)
{
    if (db_open(data_dir, 0, &w.db, err) < 0)
        return -1;
    w.stop = 0;
    if (pthread_create(&w.thread, NULL, writer_main, NULL) != 0) {
        db_close(w.db);
        buf_lit(err, "cannot start the view-count writer thread");
        return -1;
    }
    w.running = 1;
    return 0;
}

void views_writer_stop(void)
{
    if (!w.running)
        return;
    pthread_mutex_lock(&w.mu);
    w.stop = 1;
    pthread_cond_signal(&w.wake);
    pthread_mutex_unlock(&w.mu);
    pthread_join(w.thread, NULL);
    db_close(w.db);
    w.running = 0;
}
