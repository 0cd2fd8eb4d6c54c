/*
 * conf.h — DATA_DIR/hao.conf: the few settings that must be known before the
 * database is open (where the database and the media live). Everything else
 * is a site setting in the database (settings.h).
 *
 * Format: "key = value" lines, '#' comments, blank lines. Known keys:
 *   database        postgresql://... (default: SQLite in DATA_DIR/hao.db)
 *   media           local | s3       (default: local, DATA_DIR/media)
 *   s3_endpoint     http(s)://host:port of an S3-compatible store
 *   s3_bucket, s3_region (default us-east-1), s3_access_key, s3_secret_key
 *   trusted_proxies addresses of load balancers whose X-Forwarded-For is
 *                   believed (http/peer.h)
 *   metrics_token   a bearer token that may read /metrics from anywhere
 *                   (without it, loopback only)
 *   access_log      text (default) | json (one JSON object a line)
 * An unknown key or a malformed line is an error, so a typo is never
 * silently ignored. Loaded once by main() before any thread starts;
 * read-only afterwards.
 */
#ifndef HAO_CONF_H
#define HAO_CONF_H

#include "core/buf.h"

/* Read DATA_DIR/hao.conf (absent: all defaults). 0, or -1 with err. */
int conf_load(const char *data_dir, buf_t *err);
/* The value of key, or NULL when unset. */
const char *conf_get(const char *key);
/* Set a known key (start-up only: `hao migrate-store` names its target
 * store on the command line). -1 for an unknown key. */
int conf_set(const char *key, const char *value);

#endif
