/*
 * summary.c — see summary.h. Owned by the reading part; no state of its own.
 */
#include "site/works/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/markdown.h"
#include "core/text.h"

int work_summary_validate(const char *s)
{
    size_t n = strlen(s);
    if (!text_valid(s, n))
        return -1;
    text_trim(&s, &n);
    return text_chars(s, n) > WORK_SUMMARY_MAX ? -1 : 0;
}

int work_cover_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n != WORK_COVER_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9')))
            return 0;
    return 1;
}

int work_cover_owned(db_t *db, int64_t author_id, const char *id)
{
    if (!work_cover_id_ok(id))
        return 0;
    db_stmt_t *st = db_prepare(db, "SELECT 1 FROM media WHERE id = :id AND owner_id = :o AND kind = 'image'");
    db_bind_text(st, ":id", id);
    db_bind_int(st, ":o", author_id);
    int ok = db_step(st) == DB_ROW;
    db_done(st);
    return ok;
}

/* Append s[0..n) with runs of white space folded into one space, trimmed,
 * cut at max_chars characters with "…". */
static void folded(const char *s, size_t n, size_t max_chars, buf_t *out)
{
    buf_t t = BUF_INIT;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = t.len > 0;
            continue;
        }
        if (space)
            buf_ch(&t, ' ');
        space = 0;
        buf_ch(&t, c);
    }
    const char *p = buf_cstr(&t);
    size_t cut = text_prefix(p, t.len, max_chars);
    buf_raw(out, p, cut); /* raw: plain text out (the caller escapes it where shown) */
    if (cut < t.len)
        buf_lit(out, "…");
    buf_free(&t);
}

void work_summary_auto(const char *body, size_t max_chars, buf_t *out)
{
    buf_t p = BUF_INIT;
    if (md_first_paragraph(body, strlen(body), &p) == 0)
        folded(p.p ? p.p : "", p.len, max_chars, out);
    buf_free(&p);
}

void work_summary(const work_t *w, size_t max_chars, buf_t *out)
{
    if (w->summary && *w->summary)
        folded(w->summary, strlen(w->summary), max_chars, out);
    else
        work_summary_auto(w->body ? w->body : "", max_chars, out);
}

static void fill_cover(db_stmt_t *st, work_cover_t *c)
{
    snprintf(c->id, sizeof c->id, "%s", db_col_text(st, 0));
    c->width = (int)db_col_int(st, 1);
    c->height = (int)db_col_int(st, 2);
    snprintf(c->variants, sizeof c->variants, "%s", db_col_text(st, 3));
    snprintf(c->alt, sizeof c->alt, "%s", db_col_text(st, 4));
}

int work_cover_get(db_t *db, const work_t *w, work_cover_t *c)
{
    memset(c, 0, sizeof *c);
    int rc;
    if (w->cover[0]) {
        db_stmt_t *st = db_prepare(db, "SELECT id, width, height, variants, alt FROM media "
                                       "WHERE id = :id AND owner_id = :o AND kind = 'image'");
        db_bind_text(st, ":id", w->cover);
        db_bind_int(st, ":o", w->author_id);
        rc = db_step(st);
        if (rc == DB_ROW)
            fill_cover(st, c);
        db_done(st);
        if (rc == DB_ROW)
            return 1;
        if (rc == DB_ERROR)
            return -1;
    }
    /* The pictures the body embeds (media_link_work keeps the list); the
     * one whose embed comes first in the text is the cover. */
    db_stmt_t *st = db_prepare(db, "SELECT m.id, m.width, m.height, m.variants, m.alt FROM work_media wm "
                                   "JOIN media m ON m.id = wm.media_id WHERE wm.work_id = :w AND m.kind = 'image'");
    db_bind_text(st, ":w", w->id);
    const char *body = w->body ? w->body : "";
    size_t best = (size_t)-1;
    while ((rc = db_step(st)) == DB_ROW) {
        char needle[48];
        snprintf(needle, sizeof needle, "(/m/%s", db_col_text(st, 0));
        const char *at = strstr(body, needle);
        if (at && (size_t)(at - body) < best) {
            best = (size_t)(at - body);
            fill_cover(st, c);
        }
    }
    db_done(st);
    if (rc == DB_ERROR)
        return -1;
    return c->id[0] ? 1 : 0;
}

void work_cover_thumb(buf_t *b, const work_cover_t *c, int want_w, const char *cls)
{
    int pick = 0, largest = 0;
    for (const char *v = c->variants; *v;) {
        int vw = atoi(v);
        if (vw > largest)
            largest = vw;
        if (vw >= want_w && (!pick || vw < pick))
            pick = vw;
        v += strcspn(v, ",");
        if (*v == ',')
            v++;
    }
    if (!pick)
        pick = largest;
    int w = c->width, h = c->height;
    if (pick > 0 && w > 0) {
        h = (int)((long long)h * pick / w);
        w = pick;
        buf_hprintf(b, "<img class=\"%s\" src=\"/m/%s/w%d.webp\"", cls, c->id, pick);
    } else {
        buf_hprintf(b, "<img class=\"%s\" src=\"/m/%s\"", cls, c->id);
    }
    buf_hprintf(b, " width=\"%d\" height=\"%d\" alt=\"%s\" loading=\"lazy\" decoding=\"async\">", w, h, c->alt);
}

void work_cover_path(buf_t *b, const work_cover_t *c)
{
    buf_printf(b, "/m/%s", c->id); /* raw: a URL of [a-z0-9] */
}

/* Count Han, kana and hangul against Latin letters in s[0..n). */
static void count_scripts(const char *s, size_t n, size_t *cjk, size_t *latin)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c < 0x80) {
            if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                (*latin)++;
            i++;
        } else if ((c & 0xF0) == 0xE0 && i + 2 < n) {
            unsigned cp = ((c & 0x0F) << 12) | ((p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
            if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
                (cp >= 0xF900 && cp <= 0xFAFF))
                (*cjk)++;
            i += 3;
        } else {
            i++;
        }
    }
}

const char *work_lang(const work_t *w)
{
    size_t cjk = 0, latin = 0;
    const char *t = w->title ? w->title : "";
    count_scripts(t, strlen(t), &cjk, &latin);
    const char *body = w->body ? w->body : "";
    size_t n = strlen(body);
    count_scripts(body, n < 4000 ? n : 4000, &cjk, &latin);
    /* A Chinese character carries about a word; an English word about five
     * letters: mostly Chinese when its characters outnumber a fifth of the
     * letters. */
    return cjk * 5 >= latin && cjk > 0 ? "zh-CN" : "en";
}
