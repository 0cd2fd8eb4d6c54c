/*
 * comment_text.c — see comment_text.h.
 */
#include "site/audience/comment_text.h"

#include <string.h>
#include <strings.h>

#include "core/text.h"

/* ---- the stored form ---- */

/* 1 when s[0..n) has a byte text_valid lets through that a comment must
 * not carry: DEL, or a C1 control (U+0080..U+009F: C2 80..C2 9F). */
static int has_extra_controls(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x7f)
            return 1;
        if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9f)
            return 1;
    }
    return 0;
}

int comment_text_normalize(const char *s, size_t n, buf_t *out, const char **why)
{
    if (n > COMMENT_MAX_BYTES)
        return *why = "long", -1;
    if (!text_valid(s, n) || has_extra_controls(s, n))
        return *why = "bad", -1;
    /* Line breaks first (a CR alone counts as one), then trim, so trailing
     * CRLFs go with the rest of the white space. */
    buf_t t = BUF_INIT;
    int breaks = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\r') {
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
            c = '\n';
        }
        if (c == '\n') {
            if (++breaks > 2)
                continue;
        } else {
            breaks = 0;
        }
        buf_ch(&t, c);
    }
    const char *p = t.p ? t.p : "";
    size_t len = t.len;
    text_trim(&p, &len);
    int rc = 0;
    if (len == 0)
        *why = "empty", rc = -1;
    else if (text_chars(p, len) > COMMENT_MAX_CHARS)
        *why = "long", rc = -1;
    else
        buf_raw(out, p, len); /* raw: text (the stored form; comment_text_html escapes it) */
    buf_free(&t);
    return rc;
}

/* ---- URLs ---- */

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Bytes a URL in prose may contain: printable ASCII except the ones RFC
 * 3986 excludes and that delimit a URL in text. */
static int url_byte(char c)
{
    return c > 0x20 && c < 0x7f && !strchr("<>\"`{}|\\^", c);
}

static size_t count_byte(const char *s, size_t n, char c)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

/* 1 when the authority a[0..n) is a host (a DNS name or an IPv4 address,
 * or an IPv6 address in brackets) with an optional port, and no user
 * information. */
static int authority_ok(const char *a, size_t n)
{
    if (n == 0 || memchr(a, '@', n))
        return 0;
    size_t host = n;
    if (a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (!close || close == a + 1)
            return 0;
        for (const char *p = a + 1; p < close; p++)
            if (!(is_alnum(*p) || *p == ':' || *p == '.'))
                return 0;
        host = (size_t)(close - a) + 1;
    } else {
        const char *colon = memchr(a, ':', n);
        if (colon)
            host = (size_t)(colon - a);
        if (host == 0 || !is_alnum(a[0]))
            return 0;
        for (size_t i = 0; i < host; i++)
            if (!(is_alnum(a[i]) || a[i] == '.' || a[i] == '-'))
                return 0;
    }
    if (host == n)
        return 1;
    if (a[host] != ':' || host + 1 == n)
        return 0;
    for (size_t i = host + 1; i < n; i++)
        if (a[i] < '0' || a[i] > '9')
            return 0;
    return n - host - 1 <= 5;
}

size_t comment_text_url(const char *s, size_t n, size_t i)
{
    size_t scheme;
    if (n - i >= 8 && strncasecmp(s + i, "https://", 8) == 0)
        scheme = 8;
    else if (n - i >= 7 && strncasecmp(s + i, "http://", 7) == 0)
        scheme = 7;
    else
        return 0;
    if (i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '_'))
        return 0; /* inside a word: "xhttp://" is not a link */
    size_t j = i + scheme;
    while (j < n && url_byte(s[j]))
        j++;
    /* Punctuation that ends the sentence, not the URL. */
    while (j > i + scheme) {
        char c = s[j - 1];
        if (strchr(".,:;!?'\"*", c) || (c == ')' && count_byte(s + i, j - i, '(') < count_byte(s + i, j - i, ')')) ||
            (c == ']' && count_byte(s + i, j - i, '[') < count_byte(s + i, j - i, ']')))
            j--;
        else
            break;
    }
    size_t a = i + scheme, ae = a;
    while (ae < j && s[ae] != '/' && s[ae] != '?' && s[ae] != '#')
        ae++;
    return authority_ok(s + a, ae - a) ? j - i : 0;
}

/* ---- HTML ---- */

/* One line: text escaped, URLs linked. */
static void inline_html(const char *s, size_t n, buf_t *out)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != 'h' && s[i] != 'H')
            continue;
        size_t len = comment_text_url(s, n, i);
        if (!len)
            continue;
        buf_html(out, s + start, i - start);
        buf_lit(out, "<a href=\"");
        buf_html(out, s + i, len);
        buf_lit(out, "\" rel=\"nofollow ugc\">");
        buf_html(out, s + i, len);
        buf_lit(out, "</a>");
        i += len - 1;
        start = i + 1;
    }
    buf_html(out, s + start, n - start);
}

void comment_text_html(const char *s, size_t n, buf_t *out)
{
    buf_lit(out, "<p>");
    size_t start = 0, i = 0;
    while (i < n) {
        if (s[i] != '\n') {
            i++;
            continue;
        }
        inline_html(s + start, i - start, out);
        size_t k = i;
        while (k < n && s[k] == '\n')
            k++;
        if (k - i >= 2)
            buf_lit(out, "</p>\n<p>");
        else
            buf_lit(out, "<br>\n");
        i = start = k;
    }
    inline_html(s + start, n - start, out);
    buf_lit(out, "</p>");
}
