/*
 * metrics.h — GET /metrics, Prometheus' text format 0.0.4 (ops, issue 17).
 *
 * Answered to a client on the loopback interface that came directly (no
 * X-Forwarded-For or Forwarded header: behind a local reverse proxy every
 * client would look local), or to anyone whose Authorization header is
 * "Bearer T" with T = metrics_token in hao.conf. Anyone else gets 404, as
 * if there were no such page.
 * Families: the server's (http/metrics.h: requests by route class and
 * status, latency histogram, page-cache lookups, worker pool, database
 * time) and the site's, read here on the loop thread with small indexed
 * counts: scheduled jobs (due, overdue, skipped), the mail outbox by
 * status, media helpers started and failed.
 */
#ifndef HAO_SITE_OPS_METRICS_H
#define HAO_SITE_OPS_METRICS_H

#include "http/http.h"

void ops_metrics(hreq_t *r);

/* 1 when r may read /metrics (the rule above). */
int ops_metrics_allowed(hreq_t *r);

#endif
