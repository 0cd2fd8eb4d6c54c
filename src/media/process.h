/*
 * process.h — deciding what an uploaded file is and deriving what hao
 * serves from it: the type by content (libmagic), pictures decoded in full,
 * checked and re-encoded without personal metadata (libvips), responsive
 * variants, AI-generation labels read from the metadata, and videos probed
 * (libavformat) with a poster frame (libavcodec).
 *
 * Everything here is slow by HTTP standards and runs on the worker pool,
 * never on an event loop; it touches no request and no database.
 */
#ifndef HAO_MEDIA_PROCESS_H
#define HAO_MEDIA_PROCESS_H

#include <stdint.h>

#include "media/store.h"

#define MEDIA_MAX_PIXELS (50 * 1000 * 1000) /* per picture, all frames of an animation together */
#define MEDIA_VARIANT_WIDTHS {480, 960, 1920}
#define MEDIA_NVARIANT_WIDTHS 3

typedef struct {
    char kind[8];     /* "image" or "video" */
    char mime[24];    /* of what /m/ID serves */
    char ext[8];      /* of the served "full" variant: jpg png webp gif mp4 webm */
    char in_mime[48]; /* as libmagic named the upload */
    int width, height;
    int animated;
    int64_t duration_ms; /* videos */
    char codecs[48];     /* videos, e.g. "h264,aac" */
    int poster;          /* videos: a poster frame was stored */
    char variants[32];   /* widths of the responsive variants, e.g. "480,960" */
    char *aigc;          /* malloc'ed AIGC label JSON, or NULL */
    int c2pa;            /* a C2PA manifest was found */
} media_meta_t;

typedef struct {
    int status;       /* 415, 422, 500 */
    const char *key;  /* i18n key of the message */
    char detail[64];  /* appended to the message when set, e.g. the detected type */
} media_err_t;

/* Start libvips and Exempi (call once, on the main thread, before the pool
 * runs). platform names this site in the propagation fields of labelled
 * pictures (media_xmp_propagated). */
int media_process_init(const char *argv0);
void media_process_set_platform(const char *platform);
/* Examine the finished upload at src (its SHA-256 hex is sha), derive the
 * served files and put them, and the upload itself, into the store under
 * sha-based keys. 0 with m filled (free with media_meta_free), or -1 with e
 * and nothing new left in the store. */
int media_process(const char *src, const char *sha, store_t *st, media_meta_t *m, media_err_t *e);
void media_meta_free(media_meta_t *m);
/* The AIGC label in an XMP packet (GB 45438-2025: the property AIGC in
 * namespace http://www.tc260.org.cn/ns/AIGC/1.0/, read with Exempi);
 * malloc'ed, or NULL when absent or not XMP. Exposed for unit tests. */
char *media_xmp_aigc(const char *xmp, size_t len);
/* A new XMP packet (no wrapper) holding only the AIGC label aigc_json with
 * this platform's propagation fields set: ContentPropagator = platform,
 * PropagateID = content_id. Labelled pictures are served with it, so the
 * implicit label travels on with the picture (GB 45438-2025 asks it of a
 * platform that spreads content). malloc'ed with its length, or NULL when
 * aigc_json is not a JSON object. */
char *media_xmp_propagated(const char *aigc_json, const char *platform, const char *content_id, size_t *len);

#endif
