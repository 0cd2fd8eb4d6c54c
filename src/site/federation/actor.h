/*
 * actor.h — hao's side of ActivityPub as documents: each creator a Person,
 * each published work an Article, the outbox, followers, following and
 * featured collections (paged), served on the same URLs as the HTML pages
 * when the request asks for ActivityStreams (fed.h: fed_wants_as).
 *
 * Loop thread, except that a creator without a key yet gets one made on the
 * worker pool before the Person is answered. Reads works, users, follows,
 * fed_keys and fed_actors; writes only fed_keys (through keys.h).
 */
#ifndef HAO_FED_ACTOR_H
#define HAO_FED_ACTOR_H

#include "http/http.h"
#include "site/works/work.h"

/* Whether an account with role is an actor (creators, moderators, admins:
 * those who publish). Readers and remote accounts are not. */
int fed_is_actor_role(enum role role);
/* BASE/u/HANDLE into out. */
void fed_actor_url(const char *base, const char *handle, buf_t *out);
/* The Article of published work w (its JSON object, with "@context" when
 * with_context), for pages and for deliveries. 0 or -1 (storage error). */
int fed_article_json(db_t *db, const char *base, const work_t *w, int with_context, buf_t *out);
/* A Tombstone for work id (deleted or taken down). */
void fed_tombstone_json(const char *base, const char *id, int with_context, buf_t *out);

/* Hooks of the HTML pages (reader/pages.c): when federation is on and the
 * request asks for ActivityStreams, answer it and return 1; else return 0
 * and let the page render. */
int fed_negotiate_author(hreq_t *r);
int fed_negotiate_work(hreq_t *r);

/* "@HANDLE@HOST" of a creator into out when federation is on (1), else 0:
 * the work page's fediverse:creator meta. */
int fed_creator_address(db_t *db, const char *handle, char *out, size_t cap);

/* GET /u/:handle/outbox, /followers, /following, /featured. Query: page
 * (any value: a page rather than the collection), before (outbox: a
 * published_at cursor with before_id). */
void fed_outbox(hreq_t *r);
void fed_followers(hreq_t *r);
void fed_following(hreq_t *r);
void fed_featured(hreq_t *r);

#define FED_CONTEXT "\"@context\":[\"https://www.w3.org/ns/activitystreams\",\"https://w3id.org/security/v1\"]"
#define FED_PUBLIC "https://www.w3.org/ns/activitystreams#Public"

#endif
