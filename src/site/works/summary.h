/*
 * summary.h — how a work presents itself on cards, in feeds and in link
 * previews: its summary, its cover picture and the language of its text.
 *
 * The summary is the creator's own (work_t.summary, set through work.h) or,
 * when they gave none, the first real paragraph of the body: never a
 * heading, a table cell, a code block or a picture's alt text
 * (md_first_paragraph). The cover is the picture the creator chose among
 * their uploads (work_t.cover) or else the first picture the body embeds;
 * cards show it as a thumbnail from the variants the media pipeline already
 * made (media.h), with width, height and alt.
 *
 * Thread-safe: all state belongs to the call; the db functions use the
 * caller's connection and read only (no transaction of their own).
 */
#ifndef HAO_SUMMARY_H
#define HAO_SUMMARY_H

#include "core/buf.h"
#include "db/db.h"
#include "site/works/work.h"

/* A creator's summary is acceptable (valid UTF-8 text, at most
 * WORK_SUMMARY_MAX characters once trimmed): 0, else -1. */
int work_summary_validate(const char *s);
/* id has the form of a media id (16 of [a-z0-9]). */
int work_cover_id_ok(const char *id);
/* id is a picture (not a video) that author_id uploaded. */
int work_cover_owned(db_t *db, int64_t author_id, const char *id);

/* Append the summary generated from body: its first paragraph with text,
 * white space folded, cut at max_chars characters (then "…"). Text, not
 * HTML. */
void work_summary_auto(const char *body, size_t max_chars, buf_t *out);
/* Append w's summary: the creator's when given, else work_summary_auto. */
void work_summary(const work_t *w, size_t max_chars, buf_t *out);

typedef struct {
    char id[WORK_COVER_LEN + 1];
    int width, height;  /* of the picture as served at /m/ID */
    char variants[64];  /* widths of its variants, "480,960" ("" = none) */
    char alt[512];      /* its description, may be "" */
} work_cover_t;

/* w's cover: the chosen picture when it still exists, else the first
 * picture the body embeds. 1 found and *c filled, 0 none, -1 error. */
int work_cover_get(db_t *db, const work_t *w, work_cover_t *c);
/* Append an <img> of the cover for a thumbnail about want_w CSS pixels wide:
 * the smallest WebP variant at least that wide (the picture itself when it
 * has none), with width, height, alt, lazy loading and class cls. */
void work_cover_thumb(buf_t *b, const work_cover_t *c, int want_w, const char *cls);
/* Append the path of a larger rendition for link previews (og:image):
 * "/m/ID" (the picture as served, re-encoded without metadata). */
void work_cover_path(buf_t *b, const work_cover_t *c);

/* The language of w's text as a BCP 47 tag: "zh-CN" when its title and the
 * start of its body are mostly Chinese characters, else "en". */
const char *work_lang(const work_t *w);

#endif
