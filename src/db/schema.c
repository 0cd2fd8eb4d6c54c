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

    /* 2: provenance — the "original" claim, AI labels from media, and the
     * originality index (src/provenance/). originality_band holds each
     * published work's LSH band keys (ORIG_BANDS rows per work);
     * originality_line the head/tail lines per creator, to tell a common
     * header from copied text; originality_match the copy verdicts. */
    "ALTER TABLE works ADD COLUMN original INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE provenance ("
    "  work_id TEXT PRIMARY KEY REFERENCES works(id) ON DELETE CASCADE,"
    "  media_label TEXT NOT NULL DEFAULT 'none' CHECK (media_label IN ('none','detected','possible')),"
    "  source_id TEXT,"                        /* earliest work of the duplicate cluster */
    "  shingles INTEGER NOT NULL DEFAULT 0,"
    "  checked_at INTEGER NOT NULL DEFAULT 0,"
    "  pub_seq INTEGER);"                      /* order of first publication: \"earlier\" without same-second ties */
    "CREATE UNIQUE INDEX provenance_seq ON provenance(pub_seq);"
    "CREATE TABLE originality_band ("
    "  band_key INTEGER NOT NULL,"
    "  work_id TEXT NOT NULL,"
    "  PRIMARY KEY (band_key, work_id)) WITHOUT ROWID;"
    "CREATE TABLE originality_line ("
    "  line_hash INTEGER NOT NULL,"
    "  author_id INTEGER NOT NULL,"
    "  PRIMARY KEY (line_hash, author_id)) WITHOUT ROWID;"
    "CREATE TABLE originality_match ("
    "  work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,"
    "  other_id TEXT NOT NULL,"
    "  score INTEGER NOT NULL,"                /* permille of the smaller shingle set */
    "  PRIMARY KEY (work_id, other_id));"
    "CREATE INDEX originality_match_other ON originality_match(other_id);",
};

const size_t schema_migrations_count = sizeof(schema_migrations) / sizeof(schema_migrations[0]);
