/*
 * process.h — deciding what an uploaded file is and deriving what hao
 * serves from it: the type by content (libmagic), pictures decoded in full,
 * checked and re-encoded without personal metadata (libvips), responsive
 * variants, AI-generation labels read from the metadata, and videos probed
 * (libavformat) with a poster frame (libavcodec).
 *
 * This is the media plugin: process.c is built as a shared object of its
 * own (build/media-plugin.so), embedded in the hao binary and loaded only
 * by the media helper process (media/helper.h). The serving process never
 * maps libvips, FFmpeg, libmagic or Exempi (with their ~190 libraries they
 * would triple its memory), and a decoder that crashes on a hostile file
 * takes down a helper, not the server. It touches no request, no database
 * and no store: it writes files into a staging directory and says which.
 */
#ifndef HAO_MEDIA_PROCESS_H
#define HAO_MEDIA_PROCESS_H

#include <stdint.h>

#include <stddef.h>

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
    const char *key;  /* i18n key of the message (a string literal) */
    char detail[64];  /* appended to the message when set, e.g. the detected type */
} media_err_t;

#define MEDIA_STAGED_MAX 12

/* Files derived from one upload, staged for the store: each tmp (a file in
 * the staging directory) is to be stored under the upload's sha + suffix
 * (e.g. ".w480.webp"; see store.h for the keys). */
typedef struct {
    int n;
    char suffix[MEDIA_STAGED_MAX][24];
    char tmp[MEDIA_STAGED_MAX][4200];
} media_staged_t;

/* Start libvips and Exempi (once, before the first process_derive). */
int process_init(const char *argv0);
/* Examine the upload at src (its SHA-256 hex is sha) and write what is
 * served from it into new files in tmp_dir, listed in out. platform names
 * this site in the propagation fields of labelled media. 0 with m filled
 * (m->aigc malloc'ed), or -1 with e, nothing left in tmp_dir and m->aigc
 * NULL. */
int process_derive(const char *src, const char *sha, const char *tmp_dir, const char *platform, media_meta_t *m,
                 media_staged_t *out, media_err_t *e);
/* The AIGC label in an XMP packet (GB 45438-2025: the property AIGC in
 * namespace http://www.tc260.org.cn/ns/AIGC/1.0/, read with Exempi);
 * malloc'ed, or NULL when absent or not XMP. Exposed for unit tests. */
char *process_xmp_aigc(const char *xmp, size_t len);
/* A new XMP packet (no wrapper) holding only the AIGC label aigc_json with
 * this platform's propagation fields set: ContentPropagator = platform,
 * PropagateID = content_id. Labelled pictures are served with it, so the
 * implicit label travels on with the picture (GB 45438-2025 asks it of a
 * platform that spreads content). malloc'ed with its length, or NULL when
 * aigc_json is not a JSON object. */
char *process_xmp_propagated(const char *aigc_json, const char *platform, const char *content_id, size_t *len);

/* The plugin's one exported symbol: the helper (media/helper.c) finds it
 * with dlsym and refuses a plugin whose abi differs. */
typedef struct {
    int abi;
    int (*init)(const char *argv0);
    int (*derive)(const char *src, const char *sha, const char *tmp_dir, const char *platform, media_meta_t *m,
                  media_staged_t *out, media_err_t *e);
} media_plugin_t;
#define MEDIA_PLUGIN_ABI 1
#define MEDIA_PLUGIN_SYMBOL "hao_media_plugin"

#endif
