/*
 * import.c — see import.h.
 */
#include "site/works/import.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "site/works/work.h"

void import_doc_free(import_doc_t *doc)
{
    free(doc->title);
    free(doc->body);
    memset(doc, 0, sizeof(*doc));
}

static int starts(const char *s, size_t n, const char *prefix)
{
    size_t p = strlen(prefix);
    return n >= p && memcmp(s, prefix, p) == 0;
}

static int contains(const char *s, size_t n, const char *needle)
{
    return memmem(s, n, needle, strlen(needle)) != NULL;
}

/* `![alt]()` with nothing between the parentheses (white space allowed). */
static int empty_embed(const char *s, size_t n)
{
    if (n < 5 || s[0] != '!' || s[1] != '[')
        return 0;
    const char *close = memchr(s + 2, ']', n - 2);
    if (!close || (size_t)(close - s) + 1 >= n || close[1] != '(' || s[n - 1] != ')')
        return 0;
    for (const char *p = close + 2; p < s + n - 1; p++)
        if (*p != ' ' && *p != '\t')
            return 0;
    return 1;
}

/* A platform statement line: "特别声明…信息存储服务" or "Notice: … information storage service". */
static int statement_line(const char *s, size_t n)
{
    if ((starts(s, n, "特别声明") || starts(s, n, "声明")) && contains(s, n, "信息存储服务"))
        return 1;
    return starts(s, n, "Notice:") && contains(s, n, "information storage service");
}

/* Declaration line: 作品声明/创作声明 then ':' or '：'. Sets *label. */
static int declaration_line(const char *s, size_t n, const char **label, size_t *llen)
{
    const char *keys[] = {"作品声明", "创作声明"};
    for (int k = 0; k < 2; k++) {
        if (!starts(s, n, keys[k]))
            continue;
        size_t o = strlen(keys[k]);
        if (o < n && s[o] == ':')
            o += 1;
        else if (n - o >= 3 && memcmp(s + o, "\xef\xbc\x9a", 3) == 0)
            o += 3;
        else
            continue;
        *label = s + o;
        *llen = n - o;
        return 1;
    }
    return 0;
}

/* Escape a leading character Markdown would read as syntax, so an imported
 * line renders as the plain paragraph it was. */
static void put_paragraph(buf_t *b, const char *s, size_t n)
{
    int esc = 0;
    if (s[0] == '#' || s[0] == '>' || s[0] == '=' || s[0] == '|' || s[0] == '`' || s[0] == '~')
        esc = 1;
    else if ((s[0] == '-' || s[0] == '+' || s[0] == '*') && (n == 1 || s[1] == ' ' || s[1] == s[0]))
        esc = 1;
    else if (s[0] >= '0' && s[0] <= '9') {
        size_t i = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i < n && (s[i] == '.' || s[i] == ')') && (i + 1 == n || s[i + 1] == ' '))
            esc = 2; /* "1. " : escape the dot */
    }
    if (esc == 1) {
        buf_ch(b, '\\');
        buf_raw(b, s, n);
    } else if (esc == 2) {
        size_t i = 0;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
        buf_raw(b, s, i);
        buf_ch(b, '\\');
        buf_raw(b, s + i, n - i);
    } else {
        buf_raw(b, s, n);
    }
}

/* First sentence of p, at most IMPORT_TITLE_CHARS characters. */
static char *first_sentence(const char *p, size_t n)
{
    static const char *const ends[] = {"。", "！", "？", "!", "?", "\xef\xbc\x9f", "\xef\xbc\x81"};
    size_t cut = n;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++) {
            size_t el = strlen(ends[k]);
            if (n - i >= el && memcmp(p + i, ends[k], el) == 0) {
                cut = i;
                goto found;
            }
        }
    }
found:
    cut = text_prefix(p, cut, IMPORT_TITLE_CHARS);
    char *t = xmalloc(cut + 1);
    memcpy(t, p, cut);
    t[cut] = 0;
    return t;
}

typedef struct {
    const char *s;
    size_t n;
} line_t;

int import_parse(const char *data, size_t len, const char *title_override, import_doc_t *doc, buf_t *warn,
                 buf_t *err)
{
    memset(doc, 0, sizeof(*doc));
    if (len > IMPORT_MAX_BYTES) {
        buf_printf(err, "the file is larger than the import limit of %u bytes", IMPORT_MAX_BYTES);
        return -1;
    }
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        data += 3, len -= 3;
    if (memchr(data, 0, len)) {
        buf_printf(err, "the file contains a NUL byte at offset %zu; it is not a text file",
                   (size_t)((const char *)memchr(data, 0, len) - data));
        return -1;
    }
    if (!text_valid(data, len)) {
        /* Find the first offending byte for the message. */
        size_t lo = 0, hi = len;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            while (mid > lo && ((unsigned char)data[mid] & 0xc0) == 0x80)
                mid--;
            if (mid == lo)
                break;
            if (text_valid(data, mid))
                lo = mid;
            else
                hi = mid;
        }
        buf_printf(err, "the file is not valid UTF-8 text (near byte %zu)", lo);
        return -1;
    }
    if (title_override) {
        const char *t = title_override;
        size_t tl = strlen(t);
        if (!text_valid_line(t, tl)) {
            buf_lit(err, "--title must be one line of text without control characters");
            return -1;
        }
        text_trim(&t, &tl);
        if (tl == 0 || text_chars(t, tl) > WORK_TITLE_MAX) {
            buf_printf(err, "--title must be 1-%d characters", WORK_TITLE_MAX);
            return -1;
        }
    }

    /* Split into trimmed non-empty lines. */
    size_t cap = 64, nl = 0;
    line_t *lines = xmalloc(cap * sizeof *lines);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && data[j] != '\n')
            j++;
        const char *s = data + i;
        size_t n = j - i;
        text_trim(&s, &n);
        if (n) {
            if (nl == cap) {
                cap *= 2;
                lines = xrealloc(lines, cap * sizeof *lines);
            }
            lines[nl].s = s;
            lines[nl].n = n;
            nl++;
        }
        i = j + 1;
    }
    size_t first = 0, last = nl;
    const char *label;
    size_t llen;
    if (nl && declaration_line(lines[0].s, lines[0].n, &label, &llen)) {
        doc->declaration = declaration_from_zh(label, llen);
        if (!doc->declaration)
            buf_printf(warn, "unknown declaration \"%.*s\" ignored\n", (int)llen, label);
        first = 1;
    }
    while (last > first && statement_line(lines[last - 1].s, lines[last - 1].n)) {
        last--;
        doc->stripped_statement = 1;
    }
    if (doc->stripped_statement)
        buf_lit(warn, "stripped the other platform's statement; this site's statement is shown instead\n");
    buf_t body = BUF_INIT;
    const char *firstpara = NULL;
    size_t firstlen = 0;
    for (size_t i = first; i < last; i++) {
        if (empty_embed(lines[i].s, lines[i].n)) {
            doc->dropped_images++;
            continue;
        }
        if (body.len)
            buf_lit(&body, "\n\n");
        if (!firstpara) {
            firstpara = lines[i].s;
            firstlen = lines[i].n;
        }
        put_paragraph(&body, lines[i].s, lines[i].n);
        doc->paragraphs++;
    }
    free(lines);
    if (doc->dropped_images)
        buf_printf(warn, "dropped %d empty picture embeds\n", doc->dropped_images);
    if (doc->paragraphs == 0) {
        buf_free(&body);
        buf_lit(err, "the file has no body text");
        memset(doc, 0, sizeof(*doc));
        return -1;
    }
    if (body.len > WORK_BODY_MAX) {
        buf_free(&body);
        buf_printf(err, "the body is longer than the limit of %d bytes", WORK_BODY_MAX);
        memset(doc, 0, sizeof(*doc));
        return -1;
    }
    doc->body = buf_steal(&body, NULL);
    if (title_override) {
        const char *t = title_override;
        size_t tl = strlen(t);
        text_trim(&t, &tl);
        doc->title = xstrndup(t, tl);
    } else {
        doc->title = first_sentence(firstpara, firstlen);
        if (!*doc->title) {
            free(doc->title);
            doc->title = xstrdup("(untitled)");
        }
    }
    return 0;
}
