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
    "  pos INTEGER NOT NULL DEFAULT 0,"     /* order as the creator gave them */
    "  PRIMARY KEY (work_id, tag));"
    "CREATE INDEX tags_tag ON tags(tag, work_id);"

    /* Login throttling: failures per key ('u:handle' or 'a:address') in a window. */
    "CREATE TABLE throttle ("
    "  key TEXT PRIMARY KEY,"
    "  failures INTEGER NOT NULL,"
    "  window_start INTEGER NOT NULL);",

    /* 2: the search index (search/search.h). search_docs names what is
     * indexed under each FTS5 row; the FTS5 table is contentless (the text
     * lives in works and revisions, not twice), so docids are never reused
     * (AUTOINCREMENT) and a stale posting can never point at another work. */
    "CREATE TABLE search_docs ("
    "  docid INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  work_id TEXT NOT NULL UNIQUE REFERENCES works(id) ON DELETE CASCADE,"
    "  rev INTEGER NOT NULL,"                  /* the revision whose body is indexed */
    "  title TEXT NOT NULL,"
    "  tags TEXT NOT NULL,"
    "  author TEXT NOT NULL,"
    /* copies of the work's, so ranking and filters never read the wide
     * works rows (their bodies sit between a row's start and its status) */
    "  author_id INTEGER NOT NULL,"
    "  published_at INTEGER NOT NULL);"
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tags, author, content='', tokenize='hao');",

    /* 3: information-storage duties: audit log, notices, takedowns,
     * counter-notices, scheduled jobs, reader reports, complaints. */
    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY,"                /* 1, 2, 3, ... without gaps */
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"                   /* 'user:alice', 'system', 'cli', 'complainant:N', 'reader' */
    "  action TEXT NOT NULL,"                  /* 'notice.receive', 'work.takedown', 'setting.set', ... */
    "  subject TEXT NOT NULL,"                 /* 'notice:N', 'work:ID', 'setting:key', ... */
    "  detail TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"               /* hash of entry id-1 (64 zeros for the first) */
    "  hash TEXT NOT NULL);"                   /* SHA-256(prev_hash || canonical content) */

    "CREATE TABLE notices ("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash TEXT NOT NULL,"              /* SHA-256 of the complainant's receipt token */
    "  name TEXT NOT NULL, contact TEXT NOT NULL, address TEXT NOT NULL,"
    "  ground TEXT NOT NULL,"                   /* copyright, trademark, portrait, reputation, privacy, other */
    "  right_claimed TEXT NOT NULL, original TEXT NOT NULL, proof TEXT NOT NULL,"
    "  signature TEXT NOT NULL,"
    "  dedupe TEXT NOT NULL,"                  /* SHA-256 of contact + sorted work ids */
    "  peer TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('pending','actioned','rejected')),"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  decided_by INTEGER REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  decided_at INTEGER);"
    "CREATE INDEX notices_peer ON notices(peer, created_at);"
    "CREATE INDEX notices_dedupe ON notices(dedupe);"
    /* A notice's proof file (at most 2 MiB), base64 so the column stays text. */
    "CREATE TABLE notice_files ("
    "  notice_id INTEGER PRIMARY KEY REFERENCES notices(id),"
    "  name TEXT NOT NULL,"
    "  mime TEXT NOT NULL,"
    "  bytes INTEGER NOT NULL,"
    "  data TEXT NOT NULL);"
    "CREATE TABLE notice_works ("
    "  notice_id INTEGER NOT NULL REFERENCES notices(id),"
    "  work_id TEXT NOT NULL REFERENCES works(id),"
    "  PRIMARY KEY (notice_id, work_id));"
    "CREATE INDEX notice_works_work ON notice_works(work_id);"

    /* Every removal of a work, whatever caused it. */
    "CREATE TABLE takedowns ("
    "  id INTEGER PRIMARY KEY,"
    "  work_id TEXT NOT NULL REFERENCES works(id),"
    "  notice_id INTEGER REFERENCES notices(id),"
    "  report_id INTEGER,"
    "  ground TEXT NOT NULL,"                  /* 'copyright' or a report ground */
    "  reason TEXT NOT NULL,"
    "  automated INTEGER NOT NULL,"            /* 1: no human looked before removal */
    "  actor TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('active','restored','purged')),"
    "  created_at INTEGER NOT NULL,"
    "  ended_at INTEGER);"
    "CREATE INDEX takedowns_work ON takedowns(work_id, status);"

    "CREATE TABLE counter_notices ("
    "  id INTEGER PRIMARY KEY,"
    "  takedown_id INTEGER NOT NULL REFERENCES takedowns(id),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  name TEXT NOT NULL, contact TEXT NOT NULL, address TEXT NOT NULL,"
    "  statement TEXT NOT NULL, proof TEXT NOT NULL, signature TEXT NOT NULL,"
    "  consent INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('waiting','restored','court')),"
    "  restore_at INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX counter_once ON counter_notices(takedown_id);"

    /* Scheduled jobs (delayed restores): survive restarts, run when due. */
    "CREATE TABLE jobs ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  ref INTEGER NOT NULL,"
    "  due_at INTEGER NOT NULL,"
    "  done_at INTEGER,"
    "  result TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX jobs_due ON jobs(done_at, due_at);"

    "CREATE TABLE reports ("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash TEXT NOT NULL,"
    "  work_id TEXT NOT NULL REFERENCES works(id),"
    "  ground TEXT NOT NULL,"
    "  severity INTEGER NOT NULL,"
    "  explanation TEXT NOT NULL,"
    "  peer TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('open','upheld','dismissed')),"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  decided_by INTEGER REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  decided_at INTEGER);"
    "CREATE INDEX reports_queue ON reports(status, severity, created_at);"
    "CREATE INDEX reports_work ON reports(work_id);"

    /* Internal complaints against a moderation decision (one per takedown). */
    "CREATE TABLE complaints ("
    "  id INTEGER PRIMARY KEY,"
    "  takedown_id INTEGER NOT NULL REFERENCES takedowns(id),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  text TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('open','upheld','rejected')),"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  decided_by INTEGER REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  decided_at INTEGER);"
    "CREATE UNIQUE INDEX complaints_once ON complaints(takedown_id);"

    /* Review before publish: a creator's first publication waits here. */
    "CREATE TABLE reviews ("
    "  work_id TEXT PRIMARY KEY REFERENCES works(id),"
    "  rev INTEGER NOT NULL,"                  /* the revision reviewed */
    "  status TEXT NOT NULL CHECK (status IN ('pending','approved','rejected')),"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  decided_by INTEGER REFERENCES users(id),"
    "  requested_at INTEGER NOT NULL,"
    "  decided_at INTEGER);"
    "CREATE INDEX reviews_queue ON reviews(status, requested_at);",

    /* 4: media (pictures and videos) and which works embed them. The bytes
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

    /* 5: provenance — the "original" claim, AI labels from media, and the
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

    /* 6: e-mail (site/ops/mail.h): each account's notification address, and the
     * outbox the sender thread works through. */
    "ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  to_addr TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('queued','sending','sent','failed')),"
    "  attempts INTEGER NOT NULL,"
    "  next_at INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  sent_at INTEGER,"
    "  last_error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX outbox_due ON outbox(status, next_at);",

    /* 7: the audience (src/site/audience/): comments, likes, follows,
     * notifications, e-mail subscriptions, and invitations for
     * registration = invite (site/accounts/invite.h). Counters the reader
     * pages show are kept on the rows those pages already read (works,
     * users, comments), changed in the transaction of the event, so a page
     * never counts rows. */
    "ALTER TABLE works ADD COLUMN comments_mode TEXT NOT NULL DEFAULT 'open' "
    "  CHECK (comments_mode IN ('open','closed'));"
    "ALTER TABLE works ADD COLUMN comments_count INTEGER NOT NULL DEFAULT 0;" /* published comments */
    "ALTER TABLE works ADD COLUMN likes_count INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE works ADD COLUMN pinned_comment INTEGER;"  /* a published comment of this work, or NULL */
    /* The timeline (works of the creators one follows): newest per author. */
    "CREATE INDEX works_author_pub ON works(author_id, status, published_at, id);"
    "ALTER TABLE users ADD COLUMN followers_count INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN following_count INTEGER NOT NULL DEFAULT 0;"

    /* One level of threads: parent_id is the thread's root (NULL on a root);
     * a reply to a reply gets the same root and names whom it answers. */
    "CREATE TABLE comments ("
    "  id INTEGER PRIMARY KEY,"
    "  work_id TEXT NOT NULL REFERENCES works(id),"
    "  author_id INTEGER NOT NULL REFERENCES users(id),"
    "  parent_id INTEGER REFERENCES comments(id),"
    "  reply_to INTEGER REFERENCES users(id),"  /* the account a reply answers */
    "  body TEXT NOT NULL,"                     /* plain text, normalised; '' once purged */
    "  status TEXT NOT NULL CHECK (status IN ('published','pending','deleted','removed')),"
    "  held TEXT NOT NULL DEFAULT '',"          /* pending: 'review', 'new_account' or 'keyword' */
    "  removed_by TEXT NOT NULL DEFAULT '',"    /* removed: 'creator', 'moderator' or 'takedown' */
    "  removed_ref INTEGER,"                    /* removed_by 'takedown': the takedown's number */
    "  reason TEXT NOT NULL DEFAULT '',"        /* removed: the statement of reasons */
    "  likes INTEGER NOT NULL DEFAULT 0,"
    "  replies INTEGER NOT NULL DEFAULT 0,"     /* a root's published replies */
    "  peer TEXT NOT NULL,"                     /* posted from (per-address limits); '' after retention */
    "  created_at INTEGER NOT NULL,"
    "  edited_at INTEGER,"
    "  status_at INTEGER NOT NULL);"            /* last status change (retention, reports) */
    "CREATE INDEX comments_thread ON comments(work_id, parent_id, id);"
    "CREATE INDEX comments_hot ON comments(work_id, parent_id, likes, id);"
    "CREATE INDEX comments_author ON comments(author_id, created_at);"
    "CREATE INDEX comments_peer ON comments(peer, created_at);"
    "CREATE INDEX comments_pending ON comments(id) WHERE status = 'pending';"
    "CREATE INDEX comments_gone ON comments(status_at) WHERE status IN ('deleted','removed') AND body <> '';"
    "CREATE INDEX comments_peer_kept ON comments(created_at) WHERE peer <> '';"

    /* A creator keeps an account from commenting on their works. */
    "CREATE TABLE comment_blocks ("
    "  creator_id INTEGER NOT NULL REFERENCES users(id),"
    "  blocked_id INTEGER NOT NULL REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (creator_id, blocked_id));"

    /* One like per account and target. */
    "CREATE TABLE work_likes ("
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  work_id TEXT NOT NULL REFERENCES works(id),"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (user_id, work_id));"
    "CREATE INDEX work_likes_work ON work_likes(work_id, created_at);"
    "CREATE TABLE comment_likes ("
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  comment_id INTEGER NOT NULL REFERENCES comments(id),"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (user_id, comment_id));"
    "CREATE INDEX comment_likes_comment ON comment_likes(comment_id);"

    "CREATE TABLE follows ("
    "  follower_id INTEGER NOT NULL REFERENCES users(id),"
    "  followee_id INTEGER NOT NULL REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (follower_id, followee_id),"
    "  CHECK (follower_id <> followee_id));"
    "CREATE INDEX follows_followee ON follows(followee_id, created_at, follower_id);"

    "CREATE TABLE notifications ("
    "  id INTEGER PRIMARY KEY,"
    "  recipient_id INTEGER NOT NULL REFERENCES users(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('comment','reply','like','follow','moderation')),"
    "  actor_id INTEGER REFERENCES users(id),"  /* NULL: the platform (moderation) */
    "  work_id TEXT REFERENCES works(id),"
    "  comment_id INTEGER REFERENCES comments(id),"
    "  detail TEXT NOT NULL DEFAULT '',"        /* moderation: the outcome in a sentence */
    "  created_at INTEGER NOT NULL,"
    "  read_at INTEGER);"
    "CREATE INDEX notifications_inbox ON notifications(recipient_id, id);"
    "CREATE INDEX notifications_unread ON notifications(recipient_id) WHERE read_at IS NULL;"
    "CREATE INDEX notifications_actor ON notifications(actor_id, recipient_id);"

    /* Newsletter: an address (of anyone, account or not) subscribed to a
     * creator, confirmed by a link (double opt-in). Only the link token's
     * SHA-256 is kept; unsubscribe links are signed, not stored. */
    "CREATE TABLE email_subscriptions ("
    "  id INTEGER PRIMARY KEY,"
    "  creator_id INTEGER NOT NULL REFERENCES users(id),"
    "  address TEXT NOT NULL,"                  /* trimmed and lower-cased */
    "  mode TEXT NOT NULL CHECK (mode IN ('new','digest')),"
    "  status TEXT NOT NULL CHECK (status IN ('pending','confirmed','unsubscribed')),"
    "  token_hash TEXT NOT NULL DEFAULT '',"   /* the confirmation link's; '' when none is live */
    "  token_at INTEGER NOT NULL,"              /* when that link was made (expiry, resend pause) */
    "  created_at INTEGER NOT NULL,"
    "  confirmed_at INTEGER,"
    "  unsubscribed_at INTEGER,"
    "  last_sent_at INTEGER NOT NULL DEFAULT 0,"  /* the newest work mailed (the digest's starting point) */
    "  UNIQUE (creator_id, address));"
    "CREATE INDEX email_subscriptions_token ON email_subscriptions(token_hash);"
    "CREATE INDEX email_subscriptions_send ON email_subscriptions(creator_id, status, mode, id);"

    "CREATE TABLE invites ("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  created_by INTEGER NOT NULL REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  used_by INTEGER REFERENCES users(id),"
    "  used_at INTEGER);",

    /* 8: notices that cannot be abused by default (site/trust/notice.h).
     * A notice waiting for its sender to confirm by a mailed link keeps
     * status 'pending' (the CHECK of migration 3 cannot change without a
     * table rebuild) with confirm = 'unconfirmed'; the desk and the counts
     * leave those out. */
    "ALTER TABLE notices ADD COLUMN contact_key TEXT NOT NULL DEFAULT '';" /* contact trimmed, ASCII lower case */
    "ALTER TABLE notices ADD COLUMN confirm TEXT NOT NULL DEFAULT '' "
    "  CHECK (confirm IN ('','unconfirmed','confirmed','expired'));"
    "ALTER TABLE notices ADD COLUMN confirm_hash TEXT NOT NULL DEFAULT '';" /* SHA-256 of the mailed link's token */
    "ALTER TABLE notices ADD COLUMN unfounded INTEGER NOT NULL DEFAULT 0;" /* rejected as manifestly unfounded */
    "CREATE INDEX notices_contact ON notices(contact_key, unfounded, decided_at);",

    /* 9: per-message mail headers (the newsletter's List-Unsubscribe,
     * RFC 8058): "Name: value" lines, '' for ordinary mail. */
    "ALTER TABLE outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '';",

    /* 10: notices may name comments (stored user content too). A comment's
     * removal is a takedowns row with its work in work_id and the comment
     * in comment_id; work removals keep comment_id NULL, and every query
     * about works reads only those. */
    "CREATE TABLE notice_comments ("
    "  notice_id INTEGER NOT NULL REFERENCES notices(id),"
    "  comment_id INTEGER NOT NULL REFERENCES comments(id),"
    "  PRIMARY KEY (notice_id, comment_id));"
    "CREATE INDEX notice_comments_comment ON notice_comments(comment_id);"
    "ALTER TABLE takedowns ADD COLUMN comment_id INTEGER REFERENCES comments(id);"
    "CREATE INDEX takedowns_comment ON takedowns(comment_id) WHERE comment_id IS NOT NULL;",

    /* audience: a reader's report may name a comment (stored user content,
     * like a notice's notice_comments). work_id stays the comment's work;
     * comment_id NULL is a report on the work itself. */
    "ALTER TABLE reports ADD COLUMN comment_id INTEGER REFERENCES comments(id);"
    "CREATE INDEX reports_comment ON reports(comment_id) WHERE comment_id IS NOT NULL;",

    /* people: a profile (issue 18): the bio shown on the author page (plain
     * text) and the avatar, the id of one of the user's own pictures in the
     * media table ('' when none). */
    "ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT ''; ALTER TABLE users ADD COLUMN avatar TEXT NOT NULL DEFAULT '';",

    /* reading: a summary and a cover picture per work (cards, feeds, link
     * previews: site/works/summary.h), and the editor's server-side
     * autosave: one row per creator and work ('' for a work not yet
     * saved), replaced by each autosave and removed by a real save, so
     * autosaves never become revisions (site/works/autosave.h). */
    "ALTER TABLE works ADD COLUMN summary TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE works ADD COLUMN cover TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE autosaves ("
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  work_id TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  declaration TEXT NOT NULL,"
    "  tags TEXT NOT NULL,"
    "  summary TEXT NOT NULL,"
    "  saved_at INTEGER NOT NULL,"
    "  PRIMARY KEY (user_id, work_id));",

    /* creator: scheduled publishing, pinned works, preview links,
     * collections (合集) and daily analytics (site/creator/). Plain tables,
     * so they export as they are. */
    /* A work's publication time: one row per work; state pending until the
     * minute it fires, claimed by the node that fires it (claimed_at), then
     * done/failed (result: the reason), or cancelled. */
    "CREATE TABLE creator_schedules ("
    "  work_id TEXT PRIMARY KEY REFERENCES works(id),"
    "  author_id INTEGER NOT NULL REFERENCES users(id),"
    "  publish_at INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('pending','claimed','done','failed','cancelled')),"
    "  claimed_at INTEGER,"
    "  result TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX creator_schedules_due ON creator_schedules(state, publish_at);"
    /* Up to three pinned works per creator, position 1..3. */
    "CREATE TABLE creator_pins ("
    "  author_id INTEGER NOT NULL REFERENCES users(id),"
    "  work_id TEXT NOT NULL REFERENCES works(id),"
    "  position INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (author_id, work_id));"
    /* A draft's secret preview link: only the token's SHA-256 is kept. */
    "CREATE TABLE creator_previews ("
    "  id INTEGER PRIMARY KEY,"
    "  work_id TEXT NOT NULL REFERENCES works(id),"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  revoked_at INTEGER);"
    "CREATE INDEX creator_previews_work ON creator_previews(work_id);"
    /* Collections: an ordered series of one creator's works. */
    "CREATE TABLE collections ("
    "  id INTEGER PRIMARY KEY,"
    "  author_id INTEGER NOT NULL REFERENCES users(id),"
    "  title TEXT NOT NULL,"
    "  description TEXT NOT NULL DEFAULT '',"
    "  cover TEXT NOT NULL DEFAULT '',"       /* a media id of the author's, or '' */
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX collections_author ON collections(author_id, updated_at);"
    "CREATE TABLE collection_works ("
    "  collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,"
    "  work_id TEXT NOT NULL REFERENCES works(id),"
    "  position INTEGER NOT NULL,"
    "  added_at INTEGER NOT NULL,"
    "  PRIMARY KEY (collection_id, work_id));"
    "CREATE INDEX collection_works_work ON collection_works(work_id);"
    /* Analytics: one small row per work and China day (day = that day's
     * midnight, unix seconds); author_id repeated for the creator's page. */
    "CREATE TABLE stats_daily ("
    "  work_id TEXT NOT NULL,"
    "  author_id INTEGER NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  reads INTEGER NOT NULL DEFAULT 0,"
    "  uniques INTEGER NOT NULL DEFAULT 0,"
    "  ends INTEGER NOT NULL DEFAULT 0,"     /* readers who reached the end */
    "  PRIMARY KEY (work_id, day));"
    "CREATE INDEX stats_daily_author ON stats_daily(author_id, day);"
    "CREATE TABLE stats_referrers ("
    "  work_id TEXT NOT NULL,"
    "  author_id INTEGER NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  domain TEXT NOT NULL,"
    "  n INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (work_id, day, domain));"
    "CREATE INDEX stats_referrers_author ON stats_referrers(author_id, day);"
    /* Today's readers as salted hashes (the salt lives in memory only and
     * changes each day); rows of earlier days are deleted. */
    "CREATE TABLE stats_seen ("
    "  day INTEGER NOT NULL,"
    "  hash TEXT NOT NULL,"
    "  work_id TEXT NOT NULL,"
    "  ended INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (day, hash, work_id));",

    /* security: accounts people can trust (site/security/). Sessions and
     * tokens learn their device, address, last use, a name and a scope
     * (API tokens: read|write|moderate|admin; '' = what the account's role
     * allows, as tokens made before scopes); TOTP secrets, hashed recovery
     * codes, the half-signed-in step between password and second factor,
     * hashed password-reset links, passkeys and their one-time challenges;
     * an account's deletion time (its row stays for works kept under a
     * deleted author). */
    "ALTER TABLE sessions ADD COLUMN name TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE sessions ADD COLUMN scope TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE sessions ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN deleted_at INTEGER;"
    "CREATE TABLE totp ("
    "  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
    "  secret TEXT NOT NULL,"                  /* base32, as the authenticator app has it */
    "  enabled INTEGER NOT NULL DEFAULT 0,"    /* 0 until a code confirms the set-up */
    "  last_step INTEGER NOT NULL DEFAULT 0,"  /* newest time step accepted: no code twice */
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE recovery_codes ("
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  code_hash TEXT NOT NULL,"               /* SHA-256 of the normalised code */
    "  used_at INTEGER,"
    "  PRIMARY KEY (user_id, code_hash));"
    "CREATE TABLE login_pending ("
    "  token_hash TEXT PRIMARY KEY,"           /* SHA-256 of the hao_pending cookie */
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  purpose TEXT NOT NULL,"                 /* 'verify' a code, or 'enroll' (2FA required, not set up) */
    "  next TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL);"
    "CREATE TABLE password_resets ("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  used_at INTEGER);"
    "CREATE INDEX password_resets_user ON password_resets(user_id);"
    "CREATE TABLE passkeys ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  cred_id TEXT NOT NULL UNIQUE,"          /* base64url credential id */
    "  alg INTEGER NOT NULL,"                  /* COSE: -7 ES256, -257 RS256 */
    "  public_key TEXT NOT NULL,"              /* hex DER SubjectPublicKeyInfo */
    "  sign_count INTEGER NOT NULL DEFAULT 0,"
    "  name TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  last_used INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX passkeys_user ON passkeys(user_id);"
    "CREATE TABLE webauthn_challenges ("
    "  challenge TEXT PRIMARY KEY,"            /* base64url, 32 random bytes */
    "  user_id INTEGER NOT NULL DEFAULT 0,"    /* 0: a sign-in, whoever's key answers */
    "  purpose TEXT NOT NULL,"                 /* 'register' or 'login' */
    "  expires_at INTEGER NOT NULL);",

    /* portability: what imports created (site/portability/), so importing the
     * same file twice creates nothing twice and an interrupted import resumes
     * where it stopped; and the former paths of imported works, answered with
     * a permanent redirect. */
    "CREATE TABLE import_items ("
    "  item_key TEXT PRIMARY KEY,"             /* format:source:id, e.g. wxr:https://blog.example/:42 */
    "  kind TEXT NOT NULL,"                    /* 'work', 'comment', 'user' */
    "  target TEXT NOT NULL,"                  /* the work id, comment id or user id created */
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE import_redirects ("
    "  old_path TEXT PRIMARY KEY,"             /* path with its query, e.g. /2024/05/hello-world/ or /?p=12 */
    "  work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE);"
    /* Exports and imports started from the studio, run by the portability
     * thread: they survive a restart (a running one is queued again; an
     * import resumes through import_items) and show their progress. */
    "CREATE TABLE port_jobs ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('export','import')),"
    "  status TEXT NOT NULL CHECK (status IN ('queued','running','done','failed')),"
    "  options TEXT NOT NULL DEFAULT '',"       /* export: 'revisions'; import: 'pages' */
    "  file TEXT NOT NULL DEFAULT '',"          /* the archive written, or the file uploaded (DATA/portability/) */
    "  name TEXT NOT NULL DEFAULT '',"          /* the uploaded file's name, as shown */
    "  done INTEGER NOT NULL DEFAULT 0,"
    "  total INTEGER NOT NULL DEFAULT 0,"
    "  report TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL,"
    "  finished_at INTEGER,"
    "  expires_at INTEGER);"                   /* the download link and the file go then */
    "CREATE INDEX port_jobs_user ON port_jobs(user_id, id);"
    "CREATE INDEX port_jobs_status ON port_jobs(status, id);",

    /* federation: ActivityPub (site/federation/). A remote actor is a local
     * account (role reader, handle "~" and 16 hex digits, no password,
     * display name "@user@host") so that its
     * follows, likes and comments go through the audience rules unchanged;
     * fed_actors maps it to its URI, inbox and key. Local creators' RSA keys,
     * the remote objects hao keeps (notes as comments, likes, boosts), the
     * delivery queue. A creator blocks a remote account as any other
     * (comment_blocks): its activities about their works are refused. */
    "CREATE TABLE fed_keys ("
    "  user_id INTEGER NOT NULL PRIMARY KEY REFERENCES users(id),"
    "  public_pem TEXT NOT NULL,"
    "  private_pem TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE fed_actors ("
    "  user_id INTEGER NOT NULL PRIMARY KEY REFERENCES users(id),"
    "  uri TEXT NOT NULL UNIQUE,"
    "  acct TEXT NOT NULL,"                     /* user@host, as shown */
    "  host TEXT NOT NULL,"                     /* lower case */
    "  url TEXT NOT NULL,"                      /* their profile page */
    "  inbox TEXT NOT NULL,"
    "  shared_inbox TEXT NOT NULL DEFAULT '',"
    "  key_id TEXT NOT NULL,"
    "  public_pem TEXT NOT NULL,"
    "  fetched_at INTEGER NOT NULL);"
    "CREATE INDEX fed_actors_key ON fed_actors(key_id);"
    "CREATE INDEX fed_actors_host ON fed_actors(host);"
    "CREATE TABLE fed_objects ("
    "  uri TEXT NOT NULL PRIMARY KEY,"          /* the remote Note, Like or Announce */
    "  kind TEXT NOT NULL CHECK (kind IN ('note','like','announce')),"
    "  actor_id INTEGER NOT NULL REFERENCES users(id),"
    "  work_id TEXT NOT NULL REFERENCES works(id),"
    "  comment_id INTEGER REFERENCES comments(id),"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX fed_objects_work ON fed_objects(work_id, kind);"
    "CREATE INDEX fed_objects_actor ON fed_objects(actor_id);"
    /* An activity to deliver, kept once however many inboxes get it. */
    "CREATE TABLE fed_activities ("
    "  id INTEGER PRIMARY KEY,"
    "  creator_id INTEGER NOT NULL REFERENCES users(id),"
    "  body TEXT NOT NULL,"                     /* JSON */
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE fed_deliveries ("
    "  id INTEGER PRIMARY KEY,"
    "  activity_id INTEGER NOT NULL REFERENCES fed_activities(id),"
    "  inbox TEXT NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_at INTEGER NOT NULL,"               /* due, or claimed until */
    "  created_at INTEGER NOT NULL,"
    "  done_at INTEGER,"
    "  result TEXT NOT NULL DEFAULT '');"       /* 'delivered (202)', 'dropped: why' */
    "CREATE INDEX fed_deliveries_due ON fed_deliveries(done_at, next_at);"
    /* What followers were last told of a work: 'created' (Create or
     * Update sent) or 'deleted' (Delete sent). */
    "CREATE TABLE fed_works ("
    "  work_id TEXT NOT NULL PRIMARY KEY REFERENCES works(id),"
    "  state TEXT NOT NULL CHECK (state IN ('created','deleted')),"
    "  updated_at INTEGER NOT NULL);",

    /* analytics: unique readers per creator and China day (author_id 0 is
     * the whole site). Not a sum of the works' rows: one reader of three
     * works is one reader. Counts only; the readers' salted hashes stay in
     * the writer's memory (http/views.h). */
    "CREATE TABLE stats_uniques ("
    "  author_id INTEGER NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  uniques INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (author_id, day));",

    /* Every list of published works orders by (published_at DESC, id DESC)
     * (the cursor is that pair): the index now holds id in that order too,
     * so works published in the same second (an import) need no sort. */
    "DROP INDEX works_feed;"
    "CREATE INDEX works_feed ON works(status, published_at DESC, id DESC);",

    /* A work's unique readers are its reads (a read counts once per reader
     * and day, http/views.h); a creator's are stats_uniques. The column
     * was never written. (SQLite 3.35 or later, as Debian 12's 3.40.) */
    "ALTER TABLE stats_daily DROP COLUMN uniques;",
};

const size_t schema_migrations_count = sizeof(schema_migrations) / sizeof(schema_migrations[0]);

/* PostgreSQL forms of migrations that are not portable (see schema.h). */
const schema_override_t schema_pg_overrides[] = {
    /* 2: the search index as plain tables (search/index_pg.c). */
    {2, "CREATE TABLE search_docs ("
        "  docid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
        "  work_id TEXT NOT NULL UNIQUE REFERENCES works(id) ON DELETE CASCADE,"
        "  rev BIGINT NOT NULL,"
        "  title TEXT NOT NULL,"
        "  tags TEXT NOT NULL,"
        "  author TEXT NOT NULL,"
        "  doc TEXT NOT NULL);" /* the four fields' plain text, joined by U+001F */
        "CREATE TABLE search_terms ("
        "  term TEXT NOT NULL,"
        "  docid BIGINT NOT NULL REFERENCES search_docs(docid) ON DELETE CASCADE,"
        "  field SMALLINT NOT NULL,"
        "  tf INTEGER NOT NULL);"
        "CREATE INDEX search_terms_term ON search_terms (term text_pattern_ops, docid);"
        "CREATE INDEX search_terms_doc ON search_terms (docid);"},
    {0, NULL}, /* sentinel */
};

const size_t schema_pg_overrides_count = sizeof(schema_pg_overrides) / sizeof(schema_pg_overrides[0]) - 1;
