/* schema.c — see schema.h. */
#include "db/schema.h"

const char *const schema_migrations[] = {
    /* 1: accounts, sessions, works, revisions, tags, settings, throttling. */
    "CREATE TABLE settings ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL);"

    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  handle TEXT NOT NULL UNIQUE,"           /* stored lower-case, ASCII */
    "  display_name TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('reader','creator','moderator','admin')),"
    "  pass_hash TEXT NOT NULL,"               /* argon2id, libsodium string format */
    "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended')),"
    "  created_at INTEGER NOT NULL);"

    /* Web sessions and API tokens: only a SHA-256 of the secret is stored. */
    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('web','api')),"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL);"
    "CREATE INDEX sessions_user ON sessions(user_id);"

    "CREATE TABLE works ("
    "  id TEXT PRIMARY KEY,"
    "  author_id INTEGER NOT NULL REFERENCES users(id),"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  declaration TEXT NOT NULL DEFAULT 'none',"
    "  status TEXT NOT NULL CHECK (status IN ('draft','published','deleted','taken_down')),"
    "  rev INTEGER NOT NULL DEFAULT 1,"
    "  content_hash TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  published_at INTEGER,"
    "  views INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX works_feed ON works(status, published_at DESC, id);"
    "CREATE INDEX works_author ON works(author_id, status, updated_at DESC);"
    "CREATE INDEX works_hash ON works(content_hash);"

    /* Every save keeps a revision: the work row is the newest one. */
    "CREATE TABLE revisions ("
    "  work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,"
    "  rev INTEGER NOT NULL,"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  declaration TEXT NOT NULL,"
    "  tags TEXT NOT NULL,"                   /* comma-joined, as saved */
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (work_id, rev));"

    "CREATE TABLE tags ("
    "  work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,"
    "  tag TEXT NOT NULL,"
    "  PRIMARY KEY (work_id, tag));"
    "CREATE INDEX tags_tag ON tags(tag, work_id);"

    /* Login throttling: failures per key ('u:handle' or 'a:address') in a window. */
    "CREATE TABLE throttle ("
    "  key TEXT PRIMARY KEY,"
    "  failures INTEGER NOT NULL,"
    "  window_start INTEGER NOT NULL);",

    /* 2: media (pictures and videos) and which works embed them. The bytes
     * live in the media store (media/store.h) under the sha256; a row is
     * written only after its files are durable. One row per owner and
     * content: the same bytes uploaded twice by one creator are one media. */
    "CREATE TABLE media ("
    "  id TEXT PRIMARY KEY,"
    "  owner_id INTEGER NOT NULL REFERENCES users(id),"
    "  sha256 TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('image','video')),"
    "  mime TEXT NOT NULL,"                  /* of what is served at /m/ID */
    "  bytes INTEGER NOT NULL,"              /* of the upload as received */
    "  width INTEGER NOT NULL,"
    "  height INTEGER NOT NULL,"
    "  duration_ms INTEGER,"                 /* videos */
    "  codecs TEXT,"                         /* videos: "h264,aac" */
    "  alt TEXT NOT NULL DEFAULT '',"
    "  aigc TEXT,"                           /* AIGC label JSON found in XMP/EXIF (GB 45438-2025) */
    "  c2pa INTEGER NOT NULL DEFAULT 0,"     /* a C2PA manifest is present */
    "  variants TEXT NOT NULL DEFAULT '',"   /* widths with variants, e.g. "480,960" */
    "  animated INTEGER NOT NULL DEFAULT 0,"
    "  poster INTEGER NOT NULL DEFAULT 0,"   /* videos: a poster frame was made */
    "  created_at INTEGER NOT NULL,"
    "  UNIQUE (owner_id, sha256));"
    "CREATE INDEX media_sha ON media(sha256);"

    "CREATE TABLE work_media ("
    "  work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,"
    "  media_id TEXT NOT NULL REFERENCES media(id),"
    "  PRIMARY KEY (work_id, media_id));"
    "CREATE INDEX work_media_media ON work_media(media_id);",
};

const size_t schema_migrations_count = sizeof(schema_migrations) / sizeof(schema_migrations[0]);
