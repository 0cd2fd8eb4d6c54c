/*
 * process.c — see process.h.
 *
 * Pictures are never served as uploaded. The upload is kept in the store as
 * received (the evidence, and the source for variants made later), and what
 * readers get is re-encoded by libvips from a full decode: that decode is the
 * validation (a truncated or damaged file fails it), the re-encode drops
 * whatever rode along after the image data (a JPEG with HTML appended is
 * served as a plain JPEG) and "strip" drops EXIF (GPS, maker notes), XMP and
 * comments. The AI-generation label is read from the metadata first and
 * recorded on the media row, so stripping does not lose it.
 *
 * Videos cannot be re-encoded in the request's time; they are probed with
 * libavformat, refused unless their container and codecs are ones browsers
 * play, and re-muxed (packets copied) without the container's metadata.
 */
#include "media/process.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <exempi/xmp.h>
#include <vips/vips.h>

#include "core/alloc.h"

/* ---- files staged for the store (the helper's caller puts them) ---- */

typedef struct {
    const char *dir; /* staging directory */
    const char *sha;
    media_staged_t *out;
} puts_t;

/* A fresh staging file path in the staging directory. */
static int stage_path(puts_t *p, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "%s/d.XXXXXX", p->dir);
    if (n < 0 || (size_t)n >= outlen)
        return -1;
    int fd = mkstemp(out);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

/* List the staged file as sha + suffix (or remove it when the list is full). */
static int put_staged(puts_t *p, const char *tmp, const char *suffix)
{
    media_staged_t *o = p->out;
    if (o->n == MEDIA_STAGED_MAX) {
        unlink(tmp);
        return -1;
    }
    snprintf(o->suffix[o->n], sizeof o->suffix[0], "%s", suffix);
    snprintf(o->tmp[o->n], sizeof o->tmp[0], "%s", tmp);
    o->n++;
    return 0;
}

/* Failure: remove everything staged. */
static void puts_undo(puts_t *p)
{
    for (int i = 0; i < p->out->n; i++)
        unlink(p->out->tmp[i]);
    p->out->n = 0;
}

static void fail(media_err_t *e, int status, const char *key, const char *detail)
{
    e->status = status;
    e->key = key;
    snprintf(e->detail, sizeof e->detail, "%s", detail ? detail : "");
}

/* ---- libmagic ---- */

/* libmagic handles are not thread-safe and loading the database costs a few
 * milliseconds: one handle per pool thread, made on first use. */
static _Thread_local magic_t tl_magic;

static const char *sniff(const char *path)
{
    if (!tl_magic) {
        tl_magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
        if (!tl_magic || magic_load(tl_magic, NULL) != 0)
            return NULL;
    }
    return magic_file(tl_magic, path);
}

/* ---- AI-generation labels ---- */

static const char TC260_NS[] = "http://www.tc260.org.cn/ns/AIGC/1.0/";
/* This site's name in propagation fields, set by each process_derive (a helper runs one at a time). */
static char platform_name[128] = "hao";

/* XMP is parsed and written with Exempi (the Adobe XMP Toolkit), never by
 * hand: an AIGC label can be an element or an attribute, under any prefix,
 * entity-encoded or not, and only an XMP parser sees all of those alike.
 * The namespace is registered once (process_init). */
char *process_xmp_aigc(const char *xmp, size_t len)
{
    if (!xmp || len == 0)
        return NULL;
    XmpPtr x = xmp_new(xmp, len);
    if (!x)
        return NULL; /* not XMP */
    XmpStringPtr v = xmp_string_new();
    char *out = NULL;
    if (xmp_get_property(x, TC260_NS, "AIGC", v, NULL)) {
        out = xstrdup(xmp_string_cstr(v));
    }
    xmp_string_free(v);
    xmp_free(x);
    return out;
}

/* DEL and the C1 controls (U+0080-U+009F) of compact JSON as \uXXXX
 * escapes: JSON may carry them raw, but XMP turns them into spaces, and
 * the label written into the served picture must read back as the label
 * kept. (jansson already escapes the C0 controls.) Takes ownership of s. */
static char *escape_controls(char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f);
    if (!n)
        return s;
    char *out = xmalloc(strlen(s) + 5 * n + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == 0x7f)
            o += sprintf(o, "\\u007f");
        else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            o += sprintf(o, "\\u%04x", *++p);
        else
            *o++ = (char)*p;
    }
    *o = 0;
    free(s);
    return out;
}

char *process_xmp_propagated(const char *aigc_json, const char *platform, const char *content_id, size_t *len)
{
    /* The label as found, with this platform's propagation fields (GB
     * 45438-2025: ContentPropagator, PropagateID) added or replaced. */
    json_error_t je;
    json_t *j = json_loads(aigc_json, 0, &je);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    json_object_set_new(j, "ContentPropagator", json_string(platform));
    json_object_set_new(j, "PropagateID", json_string(content_id));
    char *label = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!label)
        return NULL;
    label = escape_controls(label);
    XmpPtr x = xmp_new_empty();
    XmpStringPtr packet = xmp_string_new();
    char *out = NULL;
    if (x && xmp_set_property(x, TC260_NS, "AIGC", label, 0) &&
        xmp_serialize(x, packet, XMP_SERIAL_OMITPACKETWRAPPER | XMP_SERIAL_USECOMPACTFORMAT, 0)) {
        *len = strlen(xmp_string_cstr(packet));
        out = xmalloc(*len + 1);
        memcpy(out, xmp_string_cstr(packet), *len + 1);
    }
    xmp_string_free(packet);
    if (x)
        xmp_free(x);
    free(label);
    return out;
}

/* The label as compact JSON (or a JSON string when it is not JSON), at most
 * 4 KB; takes ownership of raw. */
static char *label_json(char *raw)
{
    if (!raw)
        return NULL;
    json_error_t je;
    json_t *j = json_loads(raw, JSON_DECODE_ANY, &je);
    if (!j)
        j = json_string(raw);
    free(raw);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (s)
        s = escape_controls(s);
    if (s && strlen(s) > 4096) {
        free(s);
        s = NULL;
    }
    return s;
}

/* EXIF: some tools put {"AIGC":{...}} in UserComment or another text tag;
 * take the JSON object that follows "AIGC". */
static char *exif_aigc(const char *ex, size_t len)
{
    const char *p = memmem(ex, len, "AIGC", 4);
    if (!p)
        return NULL;
    const char *end = ex + len, *b = memchr(p, '{', (size_t)(end - p) < 16 ? (size_t)(end - p) : 16);
    if (!b)
        return NULL;
    int depth = 0;
    for (const char *q = b; q < end; q++) {
        if (*q == '{')
            depth++;
        else if (*q == '}' && --depth == 0) {
            char *s = xmalloc((size_t)(q - b) + 2);
            memcpy(s, b, (size_t)(q - b) + 1);
            s[q - b + 1] = 0;
            return s;
        }
    }
    return NULL;
}

/* A C2PA manifest store is a JUMBF box labelled "c2pa" (JPEG APP11, PNG
 * caBX chunk, WebP/RIFF C2PA chunk, ISO BMFF uuid box): look for the label
 * right after a "jumd" description box header in the first 16 MB. */
static int has_c2pa(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat sb;
    int found = 0;
    if (fstat(fd, &sb) == 0 && sb.st_size > 0) {
        size_t n = sb.st_size > (16 << 20) ? (16 << 20) : (size_t)sb.st_size;
        const char *m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            for (const char *p = m, *e = m + n; !found && (p = memmem(p, (size_t)(e - p), "jumd", 4)) != NULL; p += 4)
                found = memmem(p, (size_t)(e - p) < 40 ? (size_t)(e - p) : 40, "c2pa", 4) != NULL;
            munmap((void *)m, n);
        }
    }
    close(fd);
    return found;
}

/* ---- pictures ---- */

typedef struct {
    const char *mime;    /* libmagic's name */
    const char *loader;  /* vips loader class name prefix */
    const char *ext;     /* served full variant */
    const char *out_mime;
    int multi;           /* may be animated */
} image_type_t;

static const image_type_t image_types[] = {
    {"image/jpeg", "VipsForeignLoadJpeg", "jpg", "image/jpeg", 0},
    {"image/png", "VipsForeignLoadPng", "png", "image/png", 0},
    {"image/webp", "VipsForeignLoadWebp", "webp", "image/webp", 1},
    {"image/gif", "VipsForeignLoadNsgif", "gif", "image/gif", 1},
    /* AVIF is decoded (libheif) but served as WebP: encoding AVIF takes
     * seconds per picture. */
    {"image/avif", "VipsForeignLoadHeif", "webp", "image/webp", 0},
};

static int save_as(VipsImage *im, const char *ext, const char *path)
{
    /* Everything personal was removed from im (strip_metadata); what is
     * left to write is the XMP packet of a labelled picture (and the colour
     * profile), so "strip" is off exactly then. */
    gboolean strip = !vips_image_get_typeof(im, VIPS_META_XMP_NAME);
    if (!strcmp(ext, "jpg"))
        return vips_jpegsave(im, path, "Q", 82, "strip", strip, NULL);
    if (!strcmp(ext, "png"))
        return vips_pngsave(im, path, "strip", strip, "compression", 6, NULL);
    if (!strcmp(ext, "webp"))
        /* effort 0: a quarter of the default's time, and no bigger on
         * photographs at this quality */
        return vips_webpsave(im, path, "Q", 80, "strip", strip, "effort", 0, NULL);
    if (!strcmp(ext, "gif"))
        return vips_gifsave(im, path, "strip", TRUE, NULL);
    return -1;
}

/* Metadata fields dropped from what is served (strip alone leaves XMP in
 * WebP on libvips 8.14). */
static void *drop_field(VipsImage *im, const char *name, GValue *value, void *list)
{
    (void)im;
    (void)value;
    static const char *const prefixes[] = {"exif-", "xmp-", "iptc-", "jpeg-comment", "png-comment", "gif-comment",
                                           "heif-", "orientation"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncmp(name, prefixes[i], strlen(prefixes[i]))) {
            GSList **l = list;
            *l = g_slist_prepend(*l, g_strdup(name));
        }
    return NULL;
}

static void strip_metadata(VipsImage *im)
{
    GSList *names = NULL;
    vips_image_map(im, drop_field, &names);
    for (GSList *n = names; n; n = n->next)
        vips_image_remove(im, n->data);
    g_slist_free_full(names, g_free);
}

/* Save im as ext into the store under sha + suffix. */
static int save_put(puts_t *p, VipsImage *im, const char *ext, const char *suffix)
{
    char tmp[4200];
    if (stage_path(p, tmp, sizeof tmp) < 0)
        return -1;
    if (save_as(im, ext, tmp) != 0) {
        fprintf(stderr, "hao: media: save %s: %s\n", ext, vips_error_buffer());
        vips_error_clear();
        unlink(tmp);
        return -1;
    }
    return put_staged(p, tmp, suffix);
}

static int image_process(const char *src, const image_type_t *t, puts_t *p, media_meta_t *m, media_err_t *e)
{
    const char *ldr = vips_foreign_find_load(src);
    if (!ldr || strncmp(ldr, t->loader, strlen(t->loader)) != 0) {
        vips_error_clear();
        fail(e, 415, "media.err.type", t->mime);
        return -1;
    }
    /* Header only: the dimensions are checked before any pixel is decoded
     * (a few KB of PNG can declare gigapixels). */
    VipsImage *hdr = t->multi ? vips_image_new_from_file(src, "n", -1, NULL) : vips_image_new_from_file(src, NULL);
    if (!hdr) {
        vips_error_clear();
        fail(e, 422, "media.err.corrupt", NULL);
        return -1;
    }
    int pages = t->multi ? vips_image_get_n_pages(hdr) : 1;
    int page_h = t->multi ? vips_image_get_page_height(hdr) : hdr->Ysize;
    int64_t pixels = (int64_t)hdr->Xsize * hdr->Ysize;
    if (pixels > MEDIA_MAX_PIXELS || hdr->Xsize > 30000 || page_h > 30000) {
        g_object_unref(hdr);
        fail(e, 422, "media.err.pixels", NULL);
        return -1;
    }
    m->animated = pages > 1;
    const void *blob;
    size_t blen;
    if (vips_image_get_typeof(hdr, VIPS_META_XMP_NAME) && vips_image_get_blob(hdr, VIPS_META_XMP_NAME, &blob, &blen) == 0)
        m->aigc = label_json(process_xmp_aigc(blob, blen));
    if (!m->aigc && vips_image_get_typeof(hdr, VIPS_META_EXIF_NAME) &&
        vips_image_get_blob(hdr, VIPS_META_EXIF_NAME, &blob, &blen) == 0)
        m->aigc = label_json(exif_aigc(blob, blen));
    g_object_unref(hdr);
    m->c2pa = has_c2pa(src);

    /* The full decode: fails on truncation and decoder errors. */
    VipsImage *in = t->multi ? vips_image_new_from_file(src, "n", -1, "fail_on", VIPS_FAIL_ON_ERROR, NULL)
                             : vips_image_new_from_file(src, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    VipsImage *mem = in ? vips_image_copy_memory(in) : NULL;
    if (in)
        g_object_unref(in);
    if (!mem) {
        vips_error_clear();
        fail(e, 422, "media.err.corrupt", NULL);
        return -1;
    }
    VipsImage *im = NULL;
    if (m->animated) {
        im = mem;
    } else {
        if (vips_autorot(mem, &im, NULL) != 0) {
            g_object_unref(mem);
            vips_error_clear();
            fail(e, 422, "media.err.corrupt", NULL);
            return -1;
        }
        g_object_unref(mem);
    }
    strip_metadata(im);
    /* A labelled picture keeps its label where it is served, with this
     * platform's propagation fields; PropagateID is the picture's content
     * id here (one file is served for every work that embeds it). */
    if (m->aigc && !m->animated) {
        char id[sizeof platform_name + 24];
        snprintf(id, sizeof id, "%s:%.16s", platform_name, p->sha);
        size_t xl = 0;
        char *xmp = process_xmp_propagated(m->aigc, platform_name, id, &xl);
        if (xmp)
            vips_image_set_blob_copy(im, VIPS_META_XMP_NAME, xmp, xl);
        free(xmp);
    }
    m->width = im->Xsize;
    m->height = m->animated ? vips_image_get_page_height(im) : im->Ysize;
    snprintf(m->ext, sizeof m->ext, "%s", t->ext);
    snprintf(m->mime, sizeof m->mime, "%s", t->out_mime);
    int rc = 0;
    char suffix[32];
    snprintf(suffix, sizeof suffix, ".full.%s", t->ext);
    if (save_put(p, im, t->ext, suffix) < 0)
        rc = -1;
    /* Responsive variants (not for animations: resizing every frame of a
     * GIF costs more than it saves). WebP for browsers that take it, the
     * original format for the rest (AVIF and WebP sources: WebP only). */
    /* Largest first, each made from the one before: a 2:1 step is far
     * cheaper than shrinking the full picture three times. */
    static const int widths[] = MEDIA_VARIANT_WIDTHS;
    int first = MEDIA_NVARIANT_WIDTHS;
    while (first > 0 && widths[first - 1] >= m->width)
        first--;
    VipsImage *from = im;
    g_object_ref(from);
    char made[32] = "";
    for (int i = first - 1; rc == 0 && !m->animated && i >= 0; i--) {
        VipsImage *small;
        if (vips_resize(from, &small, (double)widths[i] / from->Xsize, NULL) != 0) {
            vips_error_clear();
            rc = -1;
            break;
        }
        /* Keep the pixels: the next, smaller variant is made from these. */
        VipsImage *mem_small = vips_image_copy_memory(small);
        g_object_unref(small);
        if (!mem_small) {
            vips_error_clear();
            rc = -1;
            break;
        }
        snprintf(suffix, sizeof suffix, ".w%d.webp", widths[i]);
        if (save_put(p, mem_small, "webp", suffix) < 0)
            rc = -1;
        if (rc == 0 && strcmp(t->ext, "webp") != 0) {
            snprintf(suffix, sizeof suffix, ".w%d.%s", widths[i], t->ext);
            if (save_put(p, mem_small, t->ext, suffix) < 0)
                rc = -1;
        }
        g_object_unref(from);
        from = mem_small;
        /* Prepend this width: the list reads smallest first. */
        char w[16];
        size_t wl = (size_t)snprintf(w, sizeof w, "%d", widths[i]), ml = strlen(made);
        if (wl + ml + 2 <= sizeof made) {
            memmove(made + wl + (ml ? 1 : 0), made, ml + 1);
            memcpy(made, w, wl);
            if (ml)
                made[wl] = ',';
        }
    }
    g_object_unref(from);
    if (m->animated)
        made[0] = 0;
    snprintf(m->variants, sizeof m->variants, "%s", made);
    g_object_unref(im);
    if (rc < 0)
        fail(e, 500, "err.internal", NULL);
    return rc;
}

/* ---- videos ---- */

/* Decode the first video frame and store it as sha.poster.jpg. */
static int video_poster(AVFormatContext *fc, int vi, const AVCodec *dec, puts_t *p)
{
    AVCodecContext *cc = avcodec_alloc_context3(dec);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    int rc = -1, got = 0;
    if (!cc || !pkt || !fr || avcodec_parameters_to_context(cc, fc->streams[vi]->codecpar) < 0)
        goto out;
    cc->thread_count = 1;
    if (avcodec_open2(cc, dec, NULL) < 0)
        goto out;
    for (int n = 0; !got && n < 500 && av_read_frame(fc, pkt) >= 0; n++) {
        if (pkt->stream_index == vi && avcodec_send_packet(cc, pkt) >= 0)
            got = avcodec_receive_frame(cc, fr) == 0;
        av_packet_unref(pkt);
    }
    if (!got && avcodec_send_packet(cc, NULL) >= 0) /* flush: decoders with delay */
        got = avcodec_receive_frame(cc, fr) == 0;
    if (!got || fr->width <= 0 || fr->height <= 0)
        goto out;
    int w = fr->width, h = fr->height;
    struct SwsContext *sws =
        sws_getContext(w, h, fr->format, w, h, AV_PIX_FMT_RGB24, SWS_BILINEAR, NULL, NULL, NULL);
    if (!sws)
        goto out;
    size_t stride = (size_t)w * 3;
    uint8_t *rgb = xmalloc(stride * (size_t)h);
    uint8_t *dst[1] = {rgb};
    int dst_stride[1] = {(int)stride};
    sws_scale(sws, (const uint8_t *const *)fr->data, fr->linesize, 0, h, dst, dst_stride);
    sws_freeContext(sws);
    VipsImage *im = vips_image_new_from_memory(rgb, stride * (size_t)h, w, h, 3, VIPS_FORMAT_UCHAR);
    if (im) {
        rc = save_put(p, im, "jpg", ".poster.jpg");
        g_object_unref(im);
    }
    free(rgb);
out:
    av_frame_free(&fr);
    av_packet_free(&pkt);
    avcodec_free_context(&cc);
    return rc;
}

/* Copy the audio and video streams of src into a new file of the same
 * container without any metadata (titles, GPS location, device and
 * software names live in the container), MP4 with its index first
 * (faststart: playback starts before the whole file is fetched), and put it
 * as sha.full.<ext>. Packets are copied, not re-encoded. */
static int video_remux(const char *src, int webm, puts_t *p, const char *aigc)
{
    AVFormatContext *in = NULL, *out = NULL;
    AVPacket *pkt = NULL;
    AVDictionary *opts = NULL;
    int *map = NULL, rc = -1, opened = 0;
    char tmp[4200];
    if (stage_path(p, tmp, sizeof tmp) < 0)
        return -1;
    if (avformat_open_input(&in, src, NULL, NULL) < 0 || avformat_find_stream_info(in, NULL) < 0 ||
        avformat_alloc_output_context2(&out, NULL, webm ? "webm" : "mp4", tmp) < 0)
        goto out;
    map = xcalloc(in->nb_streams, sizeof *map);
    int n = 0;
    for (unsigned i = 0; i < in->nb_streams; i++) {
        AVStream *is = in->streams[i];
        if (is->codecpar->codec_type != AVMEDIA_TYPE_VIDEO && is->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) {
            map[i] = -1; /* subtitles, data and timecode tracks are not served */
            continue;
        }
        AVStream *os = avformat_new_stream(out, NULL);
        if (!os || avcodec_parameters_copy(os->codecpar, is->codecpar) < 0)
            goto out;
        os->codecpar->codec_tag = 0;
        os->time_base = is->time_base;
        /* Keep the rotation of phone videos (display matrix), nothing else. */
        size_t dsz;
        uint8_t *dm = av_stream_get_side_data(is, AV_PKT_DATA_DISPLAYMATRIX, &dsz);
        if (dm) {
            uint8_t *c = av_stream_new_side_data(os, AV_PKT_DATA_DISPLAYMATRIX, dsz);
            if (c)
                memcpy(c, dm, dsz);
        }
        map[i] = n++;
    }
    if (avio_open(&out->pb, tmp, AVIO_FLAG_WRITE) < 0)
        goto out;
    opened = 1;
    if (!webm)
        av_dict_set(&opts, "movflags", aigc ? "+faststart+use_metadata_tags" : "+faststart", 0);
    /* A labelled video keeps its label, with this platform's propagation
     * fields, as the one tag of the served file (as labelled pictures do). */
    if (aigc) {
        json_error_t je;
        json_t *j = json_loads(aigc, 0, &je);
        if (j && json_is_object(j)) {
            char id[sizeof platform_name + 24];
            snprintf(id, sizeof id, "%s:%.16s", platform_name, p->sha);
            json_object_set_new(j, "ContentPropagator", json_string(platform_name));
            json_object_set_new(j, "PropagateID", json_string(id));
            char *v = json_dumps(j, JSON_COMPACT);
            if (v)
                av_dict_set(&out->metadata, "AIGC", v, 0);
            free(v);
        }
        json_decref(j);
    }
    /* No encoder name either: the muxer writes one unless told not to. */
    out->flags |= AVFMT_FLAG_BITEXACT;
    if (avformat_write_header(out, &opts) < 0)
        goto out;
    pkt = av_packet_alloc();
    if (!pkt)
        xalloc_failed();
    while (av_read_frame(in, pkt) >= 0) {
        int si = pkt->stream_index;
        if (si < 0 || (unsigned)si >= in->nb_streams || map[si] < 0) {
            av_packet_unref(pkt);
            continue;
        }
        AVStream *is = in->streams[si], *os = out->streams[map[si]];
        pkt->stream_index = map[si];
        av_packet_rescale_ts(pkt, is->time_base, os->time_base);
        pkt->pos = -1;
        if (av_interleaved_write_frame(out, pkt) < 0)
            goto out;
    }
    if (av_write_trailer(out) < 0)
        goto out;
    rc = 0;
out:
    av_packet_free(&pkt);
    av_dict_free(&opts);
    if (out && opened)
        avio_closep(&out->pb);
    avformat_free_context(out);
    avformat_close_input(&in);
    free(map);
    if (rc == 0)
        return put_staged(p, tmp, webm ? ".full.webm" : ".full.mp4");
    unlink(tmp);
    return -1;
}

static int video_process(const char *src, const char *mime, puts_t *p, media_meta_t *m, media_err_t *e)
{
    int webm = !strcmp(mime, "video/webm");
    AVFormatContext *fc = NULL;
    if (avformat_open_input(&fc, src, NULL, NULL) < 0) {
        fail(e, 422, "media.err.video", NULL);
        return -1;
    }
    int rc = -1;
    if (avformat_find_stream_info(fc, NULL) < 0) {
        fail(e, 422, "media.err.video", NULL);
        goto out;
    }
    /* The demuxer must agree with libmagic about the container. */
    if (!strstr(fc->iformat->name, webm ? "webm" : "mp4")) {
        fail(e, 415, "media.err.codec", fc->iformat->name);
        goto out;
    }
    /* Implicit AI labels in the container's metadata: an AIGC tag (JSON, as
     * GB 45438-2025 names it) or an XMP packet holding TC260:AIGC. The
     * served copy is re-muxed without container metadata, as for every
     * video; the label is kept on the media row and labels the work. */
    const AVDictionaryEntry *tag = NULL;
    while (!m->aigc && (tag = av_dict_get(fc->metadata, "", tag, AV_DICT_IGNORE_SUFFIX)) != NULL) {
        if (!strcasecmp(tag->key, "AIGC"))
            m->aigc = label_json(xstrdup(tag->value));
        else if (!strcasecmp(tag->key, "xmp") || !strcasecmp(tag->key, "XMP_"))
            m->aigc = label_json(process_xmp_aigc(tag->value, strlen(tag->value)));
    }
    const AVCodec *dec = NULL;
    int vi = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, &dec, 0);
    if (vi < 0) {
        fail(e, 415, "media.err.codec", "no video stream");
        goto out;
    }
    AVCodecParameters *vp = fc->streams[vi]->codecpar;
    int vok = webm ? (vp->codec_id == AV_CODEC_ID_VP8 || vp->codec_id == AV_CODEC_ID_VP9 || vp->codec_id == AV_CODEC_ID_AV1)
                   : vp->codec_id == AV_CODEC_ID_H264;
    const char *aname = "";
    int aok = 1;
    for (unsigned i = 0; i < fc->nb_streams; i++) {
        AVCodecParameters *cp = fc->streams[i]->codecpar;
        if (cp->codec_type != AVMEDIA_TYPE_AUDIO)
            continue;
        aname = avcodec_get_name(cp->codec_id);
        aok = webm ? (cp->codec_id == AV_CODEC_ID_OPUS || cp->codec_id == AV_CODEC_ID_VORBIS)
                   : (cp->codec_id == AV_CODEC_ID_AAC || cp->codec_id == AV_CODEC_ID_MP3);
        if (!aok)
            break;
    }
    snprintf(m->codecs, sizeof m->codecs, "%s%s%s", avcodec_get_name(vp->codec_id), *aname ? "," : "", aname);
    if (!vok || !aok) {
        fail(e, 415, "media.err.codec", m->codecs);
        goto out;
    }
    if (vp->width <= 0 || vp->height <= 0 || vp->width > 8192 || vp->height > 8192) {
        fail(e, 422, "media.err.video", NULL);
        goto out;
    }
    m->width = vp->width;
    m->height = vp->height;
    m->duration_ms = fc->duration > 0 ? fc->duration / (AV_TIME_BASE / 1000) : 0;
    snprintf(m->mime, sizeof m->mime, "%s", webm ? "video/webm" : "video/mp4");
    snprintf(m->ext, sizeof m->ext, "%s", webm ? "webm" : "mp4");
    if (video_remux(src, webm, p, m->aigc) < 0) {
        fail(e, 422, "media.err.video", NULL);
        goto out;
    }
    /* A poster is a nicety: a video whose first frame won't decode is still served. */
    m->poster = dec && video_poster(fc, vi, dec, p) == 0;
    rc = 0;
out:
    avformat_close_input(&fc);
    return rc;
}

/* ---- entry points ---- */

int process_init(const char *argv0)
{
    if (VIPS_INIT(argv0 ? argv0 : "hao") != 0)
        return -1;
    /* Only the loaders we name are used, but block the ones libvips marks
     * untrusted anyway (defence in depth), keep no operation cache (each
     * upload is seen once) and one thread per operation: a helper process
     * is the unit of parallelism. */
    if (!xmp_init() || !xmp_register_namespace(TC260_NS, "TC260", NULL))
        return -1;
    vips_block_untrusted_set(TRUE);
    vips_cache_set_max(0);
    vips_concurrency_set(1);
    av_log_set_level(AV_LOG_QUIET);
    return 0;
}

int process_derive(const char *src, const char *sha, const char *tmp_dir, const char *platform, media_meta_t *m,
                 media_staged_t *out, media_err_t *e)
{
    memset(m, 0, sizeof *m);
    memset(e, 0, sizeof *e);
    out->n = 0;
    snprintf(platform_name, sizeof platform_name, "%s", platform && *platform ? platform : "hao");
    puts_t p = {tmp_dir, sha, out};
    const char *mime = sniff(src);
    if (!mime) {
        fail(e, 500, "err.internal", NULL);
        return -1;
    }
    snprintf(m->in_mime, sizeof m->in_mime, "%s", mime);
    int rc = -1;
    if (!strcmp(mime, "image/svg+xml")) {
        fail(e, 415, "media.err.svg", NULL);
        return -1;
    }
    for (size_t i = 0; i < sizeof image_types / sizeof image_types[0]; i++) {
        if (!strcmp(mime, image_types[i].mime)) {
            snprintf(m->kind, sizeof m->kind, "image");
            rc = image_process(src, &image_types[i], &p, m, e);
            goto done;
        }
    }
    if (!strcmp(mime, "video/mp4") || !strcmp(mime, "video/webm")) {
        snprintf(m->kind, sizeof m->kind, "video");
        rc = video_process(src, mime, &p, m, e);
        goto done;
    }
    fail(e, 415, "media.err.type", mime);
    return -1;
done:
    if (rc < 0) {
        puts_undo(&p);
        free(m->aigc);
        m->aigc = NULL;
    }
    return rc;
}

/* The plugin's entry table; everything else is hidden (-fvisibility=hidden). */
__attribute__((visibility("default"))) const media_plugin_t hao_media_plugin = {
    MEDIA_PLUGIN_ABI,
    process_init,
    process_derive,
};
