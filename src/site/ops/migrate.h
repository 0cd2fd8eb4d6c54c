/*
 * migrate.h — moving a site between stores.
 */
#ifndef HAO_MIGRATE_H
#define HAO_MIGRATE_H

/* `hao migrate-store --data DIR --to URL`: copy the SQLite site in DIR to
 * the PostgreSQL database at URL (created schema and all; resumable: run it
 * again after a failure), verify every table by count and checksum, rebuild
 * the search index there, and only then write DIR/hao.conf so the site uses
 * PostgreSQL from its next start. The SQLite file is never changed beyond
 * applying this hao's migrations. Returns an exit code; reports on stderr. */
typedef struct {
    const char *endpoint, *bucket, *region, *access_key, *secret_key; /* endpoint NULL: media stay local */
} migrate_media_t;
/* With media->endpoint set, the media move to that S3-compatible bucket too
 * (each object verified there) before hao.conf is switched. */
int migrate_store_cli(const char *data_dir, const char *url, const migrate_media_t *media);

#endif
