/*
 * metrics.h — the server's own counters for /metrics (ops, issue 17).
 *
 * Each event loop owns one slot (by loop index) and is its only writer:
 * counting is a relaxed load and store of a 64-bit atomic (a plain add on
 * x86, no lock and no shared cache line between loops). The /metrics
 * handler, on any loop, sums the slots with relaxed loads; a sum may miss a
 * request in flight, never tear a value.
 * Route classes: "page" (cacheable reader pages), "api", "form" (CSRF-checked
 * posts), "upload", "static" (prefix routes), "other", and "none" (no route
 * matched).
 */
#ifndef HAO_HTTP_METRICS_H
#define HAO_HTTP_METRICS_H

#include <stdint.h>

#include "core/buf.h"
#include "http/http.h"

enum { MC_PAGE, MC_API, MC_FORM, MC_UPLOAD, MC_STATIC, MC_OTHER, MC_NONE, MC_N };
#define METRICS_BUCKETS 12

/* Loop thread (its own slot): one answered request. */
void metrics_observe(int loop, const route_t *route, int status, uint64_t ns);
/* Loop thread: a lookup of the page cache (hit or not). */
void metrics_cache(int loop, int hit);
/* Loop thread: the bytes its page cache holds now (cache_bytes). */
void metrics_cache_bytes(int loop, size_t bytes);

/* Any thread: append the server's families (requests, latency, page cache,
 * worker pool, database time) in Prometheus' text format 0.0.4. */
void metrics_write(buf_t *out);

/* The class of a route (MC_*), and its label. */
int metrics_class(const route_t *route);
const char *metrics_class_name(int c);

#endif
