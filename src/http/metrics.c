/*
 * metrics.c — see metrics.h. Owned by ops (issue 17). Loop threads write
 * their own slot; any thread reads.
 */
#include "http/metrics.h"

#include <stdatomic.h>
#include <string.h>

#include "db/db.h"
#include "http/pool.h"
#include "http/server.h"

/* Upper bounds of the latency buckets, in microseconds (+Inf is implied). */
static const uint64_t bucket_us[METRICS_BUCKETS] = {100,   250,   500,    1000,   2500,   5000,
                                                    10000, 25000, 50000, 100000, 500000, 2000000};

typedef struct {
    _Atomic uint64_t req[MC_N][500]; /* by status 100..599 */
    _Atomic uint64_t bucket[MC_N][METRICS_BUCKETS + 1];
    _Atomic uint64_t sum_ns[MC_N];
    _Atomic uint64_t cache_hit, cache_miss, cache_bytes;
} __attribute__((aligned(64))) slot_t;

static slot_t slots[HAO_MAX_LOOPS];

/* One writer per slot: no read-modify-write instruction needed. */
static inline void bump(_Atomic uint64_t *c, uint64_t v)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v, memory_order_relaxed);
}

int metrics_class(const route_t *route)
{
    if (!route || !route->pattern || !route->pattern[0])
        return MC_NONE;
    if (route->flags & RT_PREFIX)
        return MC_STATIC;
    if (route->flags & RT_UPLOAD)
        return MC_UPLOAD;
    if (route->flags & RT_API)
        return MC_API;
    if (route->flags & (RT_CSRF | RT_CSRF_BODY))
        return MC_FORM;
    if (route->flags & RT_CACHE)
        return MC_PAGE;
    return MC_OTHER;
}

const char *metrics_class_name(int c)
{
    static const char *const names[MC_N] = {"page", "api", "form", "upload", "static", "other", "none"};
    return c >= 0 && c < MC_N ? names[c] : "other";
}

void metrics_observe(int loop, const route_t *route, int status, uint64_t ns)
{
    if (loop < 0 || loop >= HAO_MAX_LOOPS)
        return;
    slot_t *s = &slots[loop];
    int c = metrics_class(route);
    if (status >= 100 && status <= 599)
        bump(&s->req[c][status - 100], 1);
    uint64_t us = ns / 1000;
    int b = 0;
    while (b < METRICS_BUCKETS && us > bucket_us[b])
        b++;
    bump(&s->bucket[c][b], 1);
    bump(&s->sum_ns[c], ns);
}

void metrics_cache(int loop, int hit)
{
    if (loop < 0 || loop >= HAO_MAX_LOOPS)
        return;
    bump(hit ? &slots[loop].cache_hit : &slots[loop].cache_miss, 1);
}

void metrics_cache_bytes(int loop, size_t bytes)
{
    if (loop >= 0 && loop < HAO_MAX_LOOPS)
        atomic_store_explicit(&slots[loop].cache_bytes, bytes, memory_order_relaxed);
}

static uint64_t load(const _Atomic uint64_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

void metrics_write(buf_t *out)
{
    buf_lit(out, "# HELP hao_http_requests_total HTTP requests answered, by route class and status.\n"
                 "# TYPE hao_http_requests_total counter\n");
    for (int c = 0; c < MC_N; c++)
        for (int st = 0; st < 500; st++) {
            uint64_t n = 0;
            for (int l = 0; l < HAO_MAX_LOOPS; l++)
                n += load(&slots[l].req[c][st]);
            if (n)
                buf_printf(out, "hao_http_requests_total{class=\"%s\",code=\"%d\"} %llu\n", metrics_class_name(c),
                           st + 100, (unsigned long long)n);
        }
    buf_lit(out, "# HELP hao_http_request_duration_seconds Time from a request's arrival to its answer.\n"
                 "# TYPE hao_http_request_duration_seconds histogram\n");
    for (int c = 0; c < MC_N; c++) {
        uint64_t cum = 0, sum = 0;
        for (int b = 0; b <= METRICS_BUCKETS; b++) {
            for (int l = 0; l < HAO_MAX_LOOPS; l++)
                cum += load(&slots[l].bucket[c][b]);
            if (b < METRICS_BUCKETS)
                buf_printf(out, "hao_http_request_duration_seconds_bucket{class=\"%s\",le=\"%g\"} %llu\n",
                           metrics_class_name(c), (double)bucket_us[b] / 1e6, (unsigned long long)cum);
            else
                buf_printf(out, "hao_http_request_duration_seconds_bucket{class=\"%s\",le=\"+Inf\"} %llu\n",
                           metrics_class_name(c), (unsigned long long)cum);
        }
        for (int l = 0; l < HAO_MAX_LOOPS; l++)
            sum += load(&slots[l].sum_ns[c]);
        buf_printf(out, "hao_http_request_duration_seconds_sum{class=\"%s\"} %.6f\n", metrics_class_name(c),
                   (double)sum / 1e9);
        buf_printf(out, "hao_http_request_duration_seconds_count{class=\"%s\"} %llu\n", metrics_class_name(c),
                   (unsigned long long)cum);
    }
    uint64_t hit = 0, miss = 0, held = 0;
    for (int l = 0; l < HAO_MAX_LOOPS; l++) {
        hit += load(&slots[l].cache_hit);
        miss += load(&slots[l].cache_miss);
        held += load(&slots[l].cache_bytes);
    }
    buf_printf(out,
               "# HELP hao_page_cache_lookups_total Anonymous page lookups in the loops' page caches.\n"
               "# TYPE hao_page_cache_lookups_total counter\n"
               "hao_page_cache_lookups_total{result=\"hit\"} %llu\n"
               "hao_page_cache_lookups_total{result=\"miss\"} %llu\n"
               "# HELP hao_page_cache_bytes Bytes of pages and keys the loops' page caches hold.\n"
               "# TYPE hao_page_cache_bytes gauge\n"
               "hao_page_cache_bytes %llu\n"
               "# HELP hao_sqlite_memory_bytes Bytes the embedded SQLite holds: page caches and statements.\n"
               "# TYPE hao_sqlite_memory_bytes gauge\n"
               "hao_sqlite_memory_bytes %lld\n",
               (unsigned long long)hit, (unsigned long long)miss, (unsigned long long)held,
               (long long)db_memory_used());
    int queued, busy, threads;
    pool_stats(&queued, &busy, &threads);
    buf_printf(out,
               "# HELP hao_worker_pool_queued Jobs waiting for a worker-pool thread.\n"
               "# TYPE hao_worker_pool_queued gauge\n"
               "hao_worker_pool_queued %d\n"
               "# HELP hao_worker_pool_busy Worker-pool threads running a job.\n"
               "# TYPE hao_worker_pool_busy gauge\n"
               "hao_worker_pool_busy %d\n"
               "# HELP hao_worker_pool_threads Worker-pool threads.\n"
               "# TYPE hao_worker_pool_threads gauge\n"
               "hao_worker_pool_threads %d\n",
               queued, busy, threads);
    uint64_t dns, dn;
    db_time(&dns, &dn);
    buf_printf(out,
               "# HELP hao_db_statement_seconds_total Time spent stepping database statements, all threads.\n"
               "# TYPE hao_db_statement_seconds_total counter\n"
               "hao_db_statement_seconds_total %.6f\n"
               "# HELP hao_db_statements_total Database statement steps, all threads.\n"
               "# TYPE hao_db_statements_total counter\n"
               "hao_db_statements_total %llu\n",
               (double)dns / 1e9, (unsigned long long)dn);
}
