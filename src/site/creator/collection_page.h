/*
 * collection_page.h — collections as readers, creators and API clients see
 * them (the rules are collection.h's): the public page /c/{id} with its
 * Atom and JSON feeds, the "n of N" line with previous and next links on a
 * work, the studio's pages (reorder by buttons without JavaScript, drag and
 * drop with it), the editor's collection picker, and the JSON API.
 * Loop thread, the request's connection.
 */
#ifndef HAO_CREATOR_COLLECTION_PAGE_H
#define HAO_CREATOR_COLLECTION_PAGE_H

#include "core/buf.h"
#include "http/http.h"

void coll_page(hreq_t *r);        /* GET /c/:cid (RT_CACHE) */
void coll_feed_atom(hreq_t *r);   /* GET /c/:cid/feed.atom */
void coll_feed_json(hreq_t *r);   /* GET /c/:cid/feed.json */
/* On a published work's page: for each collection holding it, "n of N"
 * with previous and next links. */
void coll_work_nav(hreq_t *r, buf_t *b, const char *work_id);

void coll_studio_list(hreq_t *r);    /* GET  /studio/collections */
void coll_studio_create(hreq_t *r);  /* POST /studio/collections */
void coll_studio_edit(hreq_t *r);    /* GET  /studio/collections/:cid */
void coll_studio_save(hreq_t *r);    /* POST /studio/collections/:cid: title, description, cover */
void coll_studio_works(hreq_t *r);   /* POST /studio/collections/:cid/works: action=add|up|down|remove, work */
void coll_studio_order(hreq_t *r);   /* POST /studio/collections/:cid/order: ids (comma-separated; the script) */
void coll_studio_delete(hreq_t *r);  /* POST /studio/collections/:cid/delete */
void coll_studio_pick(hreq_t *r);    /* POST /studio/:id/collections: c (repeated) */
void coll_script(hreq_t *r);         /* GET  /static/creator-collections.js */
/* The editor's picker: the author's collections as checkboxes. */
void coll_editor_panel(hreq_t *r, buf_t *b, const char *work_id, const char *status);

void coll_api_list(hreq_t *r);        /* GET    /api/v1/collections?author= */
void coll_api_create(hreq_t *r);      /* POST   /api/v1/collections */
void coll_api_get(hreq_t *r);         /* GET    /api/v1/collections/:cid */
void coll_api_update(hreq_t *r);      /* PUT    /api/v1/collections/:cid {title?, description?, cover?, works?} */
void coll_api_delete(hreq_t *r);      /* DELETE /api/v1/collections/:cid */
void coll_api_add(hreq_t *r);         /* POST   /api/v1/collections/:cid/works {"work_id"} */
void coll_api_remove(hreq_t *r);      /* DELETE /api/v1/collections/:cid/works/:id */

#endif
