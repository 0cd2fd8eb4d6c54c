/*
 * markdown.c — see markdown.h.
 *
 * md4c parses; it calls us back for every block, span and run of text, and
 * we write the HTML (or the plain text) ourselves. That way no byte of the
 * creator's input reaches the page unescaped, and every attribute we emit is
 * one we chose. Things worth knowing about md4c 0.4.8 (Debian's version):
 *
 *  - With MD_FLAG_NOHTML, raw HTML (`<script>`, `<img onerror=...>`) arrives
 *    as MD_TEXT_NORMAL and is escaped like any text. MD_TEXT_HTML and
 *    MD_BLOCK_HTML never come, but if they did, their text is escaped too.
 *  - Link and image URLs and titles come as MD_ATTRIBUTEs: backslash escapes
 *    are already resolved, but entities are not (`&#106;avascript:` arrives
 *    as an MD_TEXT_ENTITY piece "&#106;" and a normal piece "avascript:").
 *    We decode the attribute before judging the URL; see url_check().
 *  - The image's description (our alt text) comes as ordinary text and span
 *    callbacks between enter and leave of MD_SPAN_IMG, nested images
 *    included; the detail (src, title) is passed again on leave.
 *  - md4c's span callbacks are not always balanced: fuzzing finds documents
 *    where an MD_SPAN_IMG or MD_SPAN_DEL is entered and never left before
 *    its block ends. An image left open would leave alt="... open and let
 *    the following text become attributes. So we keep our own stack of open
 *    spans, close a leave against it (closing what it skips over), ignore
 *    leaves that match nothing, and close everything still open whenever a
 *    block starts or ends.
 *  - md4c pads every table row to the header's column count, with no limit
 *    on columns (0.5.1 added one). 200 KB of input can ask for 800 million
 *    empty cells: about 30 s of callbacks that write nothing in text mode.
 *    We give each parse a budget of callbacks proportional to the input and
 *    abort beyond it (see CALL_BUDGET_BASE).
 */
#include "core/markdown.h"

#include <md4c.h>
#include <stdint.h>
#include <string.h>

#define MD_FLAGS (MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS | MD_FLAG_NOHTML)

/* Callbacks allowed per parse: a fixed allowance plus CALL_PER_BYTE per input
 * byte. Every callback but a padded table cell consumes source, and documents
 * without tables measure at most about 2 per byte (5000 nested '>': 2.0; a
 * 128-column table with full rows: 1.4). Padding is what goes beyond: each
 * one-cell row "x\n" of a 128-column table costs 259 callbacks, so such a
 * table renders up to about 500 rows, and 2000 columns over 2000 one-cell
 * rows (12 KB asking for 4 million cells) fails at once. */
#define CALL_BUDGET_BASE 100000u
#define CALL_PER_BYTE 16u

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* ---- entities ---- */

/* Named entities we decode where we need the character itself (URLs before
 * the scheme check, titles, plain text). The ASCII punctuation ones matter
 * for safety (`javascript&colon;`, `java&Tab;script:`); the rest are the ones
 * writers actually type. Elsewhere in HTML a well-formed name is passed
 * through verbatim and the browser, which knows them all, decodes it. */
static const struct {
    const char *name;
    const char *utf8;
} named_entities[] = {
    /* clang-format off */
    {"Tab", "\t"}, {"NewLine", "\n"}, {"excl", "!"}, {"quot", "\""}, {"QUOT", "\""}, {"num", "#"},
    {"dollar", "$"}, {"percnt", "%"}, {"amp", "&"}, {"AMP", "&"}, {"apos", "'"}, {"lpar", "("},
    {"rpar", ")"}, {"ast", "*"}, {"midast", "*"}, {"plus", "+"}, {"comma", ","}, {"period", "."},
    {"sol", "/"}, {"colon", ":"}, {"semi", ";"}, {"lt", "<"}, {"LT", "<"}, {"equals", "="},
    {"gt", ">"}, {"GT", ">"}, {"quest", "?"}, {"commat", "@"}, {"lsqb", "["}, {"lbrack", "["},
    {"bsol", "\\"}, {"rsqb", "]"}, {"rbrack", "]"}, {"Hat", "^"}, {"lowbar", "_"}, {"UnderBar", "_"},
    {"grave", "`"}, {"DiacriticalGrave", "`"}, {"lcub", "{"}, {"lbrace", "{"}, {"verbar", "|"},
    {"vert", "|"}, {"VerticalLine", "|"}, {"rcub", "}"}, {"rbrace", "}"},
    {"nbsp", "\xC2\xA0"}, {"NonBreakingSpace", "\xC2\xA0"}, {"shy", "\xC2\xAD"},
    {"ensp", "\xE2\x80\x82"}, {"emsp", "\xE2\x80\x83"}, {"thinsp", "\xE2\x80\x89"},
    {"zwnj", "\xE2\x80\x8C"}, {"zwj", "\xE2\x80\x8D"},
    {"copy", "©"}, {"reg", "®"}, {"trade", "™"}, {"hellip", "…"}, {"mdash", "—"}, {"ndash", "–"},
    {"lsquo", "‘"}, {"rsquo", "’"}, {"sbquo", "‚"}, {"ldquo", "“"}, {"rdquo", "”"}, {"bdquo", "„"},
    {"laquo", "«"}, {"raquo", "»"}, {"lsaquo", "‹"}, {"rsaquo", "›"}, {"middot", "·"}, {"bull", "•"},
    {"deg", "°"}, {"plusmn", "±"}, {"times", "×"}, {"divide", "÷"}, {"minus", "−"}, {"euro", "€"},
    {"pound", "£"}, {"yen", "¥"}, {"cent", "¢"}, {"curren", "¤"}, {"sect", "§"}, {"para", "¶"},
    {"dagger", "†"}, {"Dagger", "‡"}, {"permil", "‰"}, {"prime", "′"}, {"Prime", "″"},
    {"frac12", "½"}, {"frac14", "¼"}, {"frac34", "¾"}, {"sup1", "¹"}, {"sup2", "²"}, {"sup3", "³"},
    {"micro", "µ"}, {"iexcl", "¡"}, {"iquest", "¿"}, {"acute", "´"}, {"uml", "¨"}, {"macr", "¯"},
    {"cedil", "¸"}, {"ordf", "ª"}, {"ordm", "º"}, {"not", "¬"}, {"brvbar", "¦"},
    {"larr", "←"}, {"rarr", "→"}, {"uarr", "↑"}, {"darr", "↓"}, {"harr", "↔"}, {"infin", "∞"},
    {"ne", "≠"}, {"le", "≤"}, {"ge", "≥"}, {"asymp", "≈"}, {"hearts", "♥"}, {"check", "✓"},
    {"agrave", "à"}, {"aacute", "á"}, {"acirc", "â"}, {"auml", "ä"}, {"ccedil", "ç"}, {"egrave", "è"},
    {"eacute", "é"}, {"ecirc", "ê"}, {"iacute", "í"}, {"ntilde", "ñ"}, {"oacute", "ó"}, {"ocirc", "ô"},
    {"ouml", "ö"}, {"uacute", "ú"}, {"uuml", "ü"}, {"szlig", "ß"}, {"Eacute", "É"}, {"Auml", "Ä"},
    {"Ouml", "Ö"}, {"Uuml", "Ü"},
    /* clang-format on */
};

enum { ENT_BAD, ENT_NAMED, ENT_NUMERIC };

static int is_alpha(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int hex_val(unsigned char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The character a numeric reference stands for, as we render it: U+FFFD for
 * NUL, surrogates, values past U+10FFFF (what HTML does) and for control
 * characters other than tab, LF, FF, CR (which HTML renders as nothing
 * useful and a validator rejects). */
static uint32_t cp_sanitize(uint32_t cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F))
        return 0xFFFD;
    return cp;
}

/* UTF-8 encoding of a valid code point into d[0..4); returns its length. */
static size_t utf8_put(char *d, uint32_t cp)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xC0 | (cp >> 6));
        d[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xE0 | (cp >> 12));
        d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        d[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (char)(0xF0 | (cp >> 18));
    d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Classify s[0..n), an entity as md4c delimits it ('&' to ';'), with the
 * grammar md4c uses: &name; (a letter then 1-47 letters or digits), &#ddd;
 * (1-7 digits), &#xhhh; (1-6 hex digits). We check again rather than trust
 * the caller. For ENT_NUMERIC, *cp gets the sanitized code point. */
static int entity_parse(const char *s, size_t n, uint32_t *cp)
{
    if (n < 3 || s[0] != '&' || s[n - 1] != ';')
        return ENT_BAD;
    const unsigned char *p = (const unsigned char *)s + 1;
    size_t m = n - 2; /* the part between '&' and ';' */
    if (p[0] == '#') {
        int hex = m >= 2 && (p[1] == 'x' || p[1] == 'X');
        size_t i = hex ? 2 : 1;
        size_t digits = m - i;
        if (digits < 1 || digits > (hex ? 6u : 7u))
            return ENT_BAD;
        uint32_t v = 0; /* at most 0xFFFFFF or 9999999: no overflow */
        for (; i < m; i++) {
            int d = hex ? hex_val(p[i]) : (is_digit(p[i]) ? p[i] - '0' : -1);
            if (d < 0)
                return ENT_BAD;
            v = v * (hex ? 16u : 10u) + (uint32_t)d;
        }
        *cp = cp_sanitize(v);
        return ENT_NUMERIC;
    }
    if (m < 2 || m > 48 || !is_alpha(p[0]))
        return ENT_BAD;
    for (size_t i = 1; i < m; i++)
        if (!is_alpha(p[i]) && !is_digit(p[i]))
            return ENT_BAD;
    return ENT_NAMED;
}

static const char *named_lookup(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof(named_entities) / sizeof(named_entities[0]); i++)
        if (strlen(named_entities[i].name) == n && memcmp(named_entities[i].name, name, n) == 0)
            return named_entities[i].utf8;
    return NULL;
}

/* Append the character entity s[0..n) stands for to dst, unescaped: the
 * decoded character for a numeric or known named entity, the entity as
 * written otherwise (an unknown name, or something malformed). */
static void entity_decode(buf_t *dst, const char *s, size_t n)
{
    uint32_t cp;
    char u[4];
    switch (entity_parse(s, n, &cp)) {
    case ENT_NUMERIC:
        buf_raw(dst, u, utf8_put(u, cp));
        return;
    case ENT_NAMED: {
        const char *v = named_lookup(s + 1, n - 2);
        if (v) {
            buf_rawz(dst, v);
            return;
        }
        break;
    }
    default:
        break;
    }
    buf_raw(dst, s, n);
}

/* Write entity s[0..n) into HTML text or an attribute value. Numeric ones are
 * decoded and the character escaped (so `&#60;` can only ever be a '<' shown
 * as text); a well-formed name is passed through (it is '&', letters, digits,
 * ';': inert); anything else is escaped and shows as written. */
static void html_entity(buf_t *out, const char *s, size_t n)
{
    uint32_t cp;
    char u[4];
    switch (entity_parse(s, n, &cp)) {
    case ENT_NUMERIC:
        buf_html(out, u, utf8_put(u, cp));
        break;
    case ENT_NAMED:
        buf_raw(out, s, n);
        break;
    default:
        buf_html(out, s, n);
        break;
    }
}

/* ---- attributes and URLs ---- */

/* Decode an md4c attribute (URL, title, code info string) into dst, which is
 * reset first: entities decoded, NUL bytes as U+FFFD. dst->err tells whether
 * it fit. a may be NULL or empty. */
static void attr_decode(buf_t *dst, const MD_ATTRIBUTE *a)
{
    buf_reset(dst);
    if (!a || !a->text || a->size == 0 || !a->substr_offsets || !a->substr_types)
        return;
    for (size_t i = 0; a->substr_offsets[i] < a->size; i++) {
        MD_OFFSET beg = a->substr_offsets[i], end = a->substr_offsets[i + 1];
        if (end > a->size || end < beg)
            break; /* md4c guarantees otherwise; never read past the text */
        const char *s = a->text + beg;
        size_t n = end - beg;
        switch (a->substr_types[i]) {
        case MD_TEXT_ENTITY:
            entity_decode(dst, s, n);
            break;
        case MD_TEXT_NULLCHAR:
            for (size_t k = 0; k < n; k++)
                buf_lit(dst, REPLACEMENT);
            break;
        default:
            buf_raw(dst, s, n);
            break;
        }
    }
}

enum { URL_OK, URL_EMPTY, URL_UNSAFE };

static int is_space_or_ctl(unsigned char c)
{
    return c <= 0x20 || c == 0x7F;
}

/* Judge a decoded URL u[0..n) for href/src.
 *
 * Browsers strip leading C0 controls and spaces and remove tab, CR and LF
 * anywhere (the WHATWG URL parser) before they look for "scheme:"; so does
 * this check, and put_url() writes the URL so changed, so what was judged is
 * what the browser reads (" javascript:", "java\tscript:" and
 * "java&#10;script:" are all "javascript:" here too). Any other space or
 * control stays part of the scheme and makes it one we refuse. The URL
 * has a scheme when a ':' comes before any '/', '?' or '#'; that scheme,
 * compared case-insensitively, must be http, https or mailto. Every other
 * scheme is refused — javascript:, data:, vbscript:, file: and ones we don't
 * know — and so is a relative path with a colon before its first slash
 * ("a:b"), which a writer can spell "./a:b". Everything else is relative
 * ("/x", "#x", "?x", "x/y", "//host/x") and allowed.
 * Returns URL_EMPTY when nothing but spaces and controls is left. */
static int url_removed(unsigned char c)
{
    return c == '\t' || c == '\n' || c == '\r';
}

static int url_check(const char *u, size_t n)
{
    char scheme[8];
    size_t slen = 0, seen = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)u[i];
        if (url_removed(c) || (!seen && is_space_or_ctl(c)))
            continue;
        seen++;
        if (c == '/' || c == '?' || c == '#')
            return URL_OK;
        if (c == ':') {
            if ((slen == 4 && memcmp(scheme, "http", 4) == 0) || (slen == 5 && memcmp(scheme, "https", 5) == 0) ||
                (slen == 6 && memcmp(scheme, "mailto", 6) == 0))
                return URL_OK;
            return URL_UNSAFE;
        }
        if (slen < sizeof(scheme))
            scheme[slen] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        slen++;
    }
    return seen ? URL_OK : URL_EMPTY;
}

/* Bytes kept as they are in a URL we write; everything else is
 * percent-encoded. The set is RFC 3986's unreserved and reserved characters:
 * no quote, '<', '>', '`', backslash, space, control or non-ASCII byte. */
static int url_char_ok(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || (c && strchr("-._~!$&'()*+,;=:@/?#[]", c) != NULL);
}

/* Write decoded URL u[0..n) as an attribute value (without the quotes):
 * surrounding spaces and controls trimmed and tab, CR and LF removed, as a
 * browser would (url_check judged the URL so), other bytes outside
 * url_char_ok() percent-encoded (a '%' that already starts an escape is
 * kept), then HTML-escaped, so "&" becomes "&amp;" and "'" "&#39;". The value
 * cannot end the attribute early, and only url_check()ed URLs come here. */
static void put_url(buf_t *out, const char *u, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    while (n && is_space_or_ctl((unsigned char)u[0]))
        u++, n--;
    while (n && is_space_or_ctl((unsigned char)u[n - 1]))
        n--;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)u[i];
        if (url_char_ok(c))
            continue;
        if (c == '%' && i + 2 < n && hex_val((unsigned char)u[i + 1]) >= 0 && hex_val((unsigned char)u[i + 2]) >= 0)
            continue;
        buf_html(out, u + run, i - run);
        if (!url_removed(c)) {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_raw(out, e, 3);
        }
        run = i + 1;
    }
    buf_html(out, u + run, n - run);
}

/* ---- shared renderer state ---- */

enum { SEP_NONE, SEP_CELL, SEP_LINE, SEP_BLOCK }; /* text mode: "", "\t", "\n", "\n\n" */

typedef struct {
    buf_t *out;
    size_t start; /* out->len on entry: restored on failure */
    buf_t tmp;    /* scratch for decoded attributes; freed on return */
    md_info_t info;
    uint64_t calls, budget; /* callbacks so far, and allowed (see CALL_BUDGET_BASE) */
    int img_depth;          /* > 0 inside an image's description (its alt text) */
    int img_drop;           /* the outermost open image is not rendered */
    const md_media_t *media; /* HTML: resolver of /m/ID embeds, or NULL */
    const char *img_close;  /* HTML: what closes the open resolved media element */
    buf_t spans;            /* HTML: spans open in this block, innermost last (SPAN_SHOWN) */
    int a_shown;            /* HTML: an <a> we wrote is open */
    size_t p_open;          /* HTML: out->len before the open "<p>" */
    unsigned h_level;       /* HTML: level of the open heading (headings hold no blocks) */
    /* text mode only */
    int sep;          /* separator owed before the next text (SEP_*) */
    int at_start;     /* nothing but white space written since the last separator */
    int in_code;      /* inside MD_BLOCK_CODE */
    int code_written; /* this code block has written text */
    size_t held_nl;   /* code block newlines held back (dropped at its end) */
    /* first-paragraph mode only (md_first_paragraph) */
    int in_para;      /* inside the MD_BLOCK_P being collected */
    size_t para_at;   /* out->len when it opened: an empty one is taken back */
    int done;         /* found: the parse was stopped on purpose */
} render_t;

/* What a callback returns when done: non-zero stops md4c once out is full
 * (or the span stack could not grow, so a tag could not be tracked). */
static int status(render_t *r)
{
    return r->out->err || r->spans.err ? 1 : 0;
}

/* Every callback starts here: count it against the budget. Non-zero tells
 * md4c to stop (it then returns that value). */
static int spend(render_t *r)
{
    return ++r->calls > r->budget || status(r);
}

/* Entering an image: decide, at the outermost one, whether it is shown (its
 * src decoded into r->tmp). Nested images only lend their alt text. Returns
 * 1 when the caller should write the tag. */
static int img_enter(render_t *r, const MD_SPAN_IMG_DETAIL *d)
{
    if (r->img_depth++ > 0)
        return 0;
    attr_decode(&r->tmp, d ? &d->src : NULL);
    r->img_drop = r->tmp.err || url_check(buf_cstr(&r->tmp), r->tmp.len) != URL_OK;
    if (r->img_drop)
        r->info.empty_images++;
    else
        r->info.images++;
    return !r->img_drop;
}

/* ---- HTML ---- */

static unsigned heading_level(const void *detail)
{
    const MD_BLOCK_H_DETAIL *d = detail;
    unsigned lv = d ? d->level : 1;
    return lv < 1 ? 1 : lv > 6 ? 6 : lv;
}

static void html_cell_open(buf_t *out, const char *tag, const void *detail)
{
    const MD_BLOCK_TD_DETAIL *d = detail;
    buf_ch(out, '<');
    buf_rawz(out, tag); /* "th" or "td" */
    switch (d ? d->align : MD_ALIGN_DEFAULT) {
    case MD_ALIGN_LEFT:
        buf_lit(out, " class=\"align-left\"");
        break;
    case MD_ALIGN_CENTER:
        buf_lit(out, " class=\"align-center\"");
        break;
    case MD_ALIGN_RIGHT:
        buf_lit(out, " class=\"align-right\"");
        break;
    default:
        break;
    }
    buf_ch(out, '>');
}

/* <pre><code class="language-X">: X is the info string's first word, decoded
 * and cut down to [A-Za-z0-9_+-] (at most 32 of them); no class when empty. */
static void html_code_open(render_t *r, const void *detail)
{
    const MD_BLOCK_CODE_DETAIL *d = detail;
    char lang[32];
    size_t n = 0;
    attr_decode(&r->tmp, d ? &d->lang : NULL);
    const char *s = buf_cstr(&r->tmp);
    for (size_t i = 0; i < r->tmp.len && n < sizeof(lang); i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alpha(c) || is_digit(c) || c == '_' || c == '+' || c == '-')
            lang[n++] = (char)c;
    }
    buf_lit(r->out, "<pre><code");
    if (n) {
        buf_lit(r->out, " class=\"language-");
        buf_raw(r->out, lang, n); /* only the characters above */
        buf_ch(r->out, '"');
    }
    buf_ch(r->out, '>');
}

/* <a href="URL" title="T" rel="nofollow noopener ugc">, or nothing when the
 * URL is unsafe (the text then renders alone) or a link is already open
 * (HTML has no nested links; CommonMark has none either, but an autolink
 * inside a link's text is not worth trusting md4c on). Returns 1 when the
 * tag was written. */
static int html_link_open(render_t *r, const MD_SPAN_A_DETAIL *d)
{
    if (r->a_shown)
        return 0;
    attr_decode(&r->tmp, d ? &d->href : NULL);
    if (r->tmp.err || url_check(buf_cstr(&r->tmp), r->tmp.len) == URL_UNSAFE) {
        r->info.dropped_links++;
        return 0;
    }
    buf_lit(r->out, "<a href=\"");
    put_url(r->out, buf_cstr(&r->tmp), r->tmp.len);
    buf_ch(r->out, '"');
    if (d && d->title.size) {
        attr_decode(&r->tmp, &d->title);
        buf_lit(r->out, " title=\"");
        buf_html(r->out, buf_cstr(&r->tmp), r->tmp.len);
        buf_ch(r->out, '"');
    }
    buf_lit(r->out, " rel=\"nofollow noopener ugc\">");
    r->a_shown = 1;
    return 1;
}

/* Close the open image tag (alt="... is open). d may be NULL when md4c
 * never left the image: then there is no title. */
static void html_img_close(render_t *r, const MD_SPAN_IMG_DETAIL *d)
{
    buf_t *out = r->out;
    buf_ch(out, '"');
    if (d && d->title.size) {
        attr_decode(&r->tmp, &d->title);
        buf_lit(out, " title=\"");
        buf_html(out, buf_cstr(&r->tmp), r->tmp.len);
        buf_ch(out, '"');
    }
    if (r->img_close) {
        buf_rawz(out, r->img_close); /* the resolver's literal */
        r->img_close = NULL;
        return;
    }
    buf_lit(out, " loading=\"lazy\">");
}

/* The id of a site media URL "/m/ID" (ID: 1-32 of [a-z0-9]), or NULL. */
static const char *media_id(const char *url, size_t n)
{
    if (n < 4 || n > 35 || memcmp(url, "/m/", 3) != 0)
        return NULL;
    for (size_t i = 3; i < n; i++)
        if (!((url[i] >= 'a' && url[i] <= 'z') || (url[i] >= '0' && url[i] <= '9')))
            return NULL;
    return url + 3;
}

/* An image entered and shown whose URL (in r->tmp) is site media: let the
 * resolver open the element, or drop the image when the id is unknown.
 * Returns 1 when the resolver handled it (opened or dropped). */
static int html_media_open(render_t *r)
{
    const char *id = r->media ? media_id(buf_cstr(&r->tmp), r->tmp.len) : NULL;
    if (!id)
        return 0;
    const char *close = NULL;
    if (r->media->media(r->media->ctx, id, r->out, &close) && close) {
        r->img_close = close;
        return 1;
    }
    r->img_drop = 1;
    r->info.images--;
    r->info.missing_media++;
    return 1;
}

/* Entries of r->spans: the MD_SPANTYPE, with SPAN_SHOWN set when we wrote
 * the span's opening tag (every kind but a dropped link or one we have no
 * markup for). */
#define SPAN_SHOWN 0x80

static void html_span_push(render_t *r, MD_SPANTYPE type, int shown)
{
    buf_ch(&r->spans, (char)((unsigned)type | (shown ? SPAN_SHOWN : 0)));
}

/* Pop the innermost open span, writing its closing tag. */
static void html_span_pop(render_t *r)
{
    buf_t *out = r->out;
    unsigned char e = (unsigned char)r->spans.p[--r->spans.len];
    if (!(e & SPAN_SHOWN))
        return;
    switch ((MD_SPANTYPE)(e & ~SPAN_SHOWN)) {
    case MD_SPAN_EM:
        buf_lit(out, "</em>");
        break;
    case MD_SPAN_STRONG:
        buf_lit(out, "</strong>");
        break;
    case MD_SPAN_DEL:
        buf_lit(out, "</del>");
        break;
    case MD_SPAN_CODE:
        buf_lit(out, "</code>");
        break;
    case MD_SPAN_U:
        buf_lit(out, "</u>");
        break;
    case MD_SPAN_A:
        buf_lit(out, "</a>");
        r->a_shown = 0;
        break;
    default:
        break;
    }
}

/* Close whatever md4c left open: called on every block callback, so the
 * markup of one block never runs into the next. */
static void html_close_inline(render_t *r)
{
    if (r->img_depth > 0) {
        if (!r->img_drop)
            html_img_close(r, NULL);
        r->img_depth = 0;
        r->img_drop = 0;
    }
    while (r->spans.len > 0)
        html_span_pop(r);
}

static int html_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    buf_t *out = r->out;
    if (spend(r))
        return 1;
    html_close_inline(r);
    switch (type) {
    case MD_BLOCK_QUOTE:
        buf_lit(out, "<blockquote>\n");
        break;
    case MD_BLOCK_UL:
        buf_lit(out, "<ul>\n");
        break;
    case MD_BLOCK_OL: {
        const MD_BLOCK_OL_DETAIL *d = detail;
        if (d && d->start != 1)
            buf_printf(out, "<ol start=\"%u\">\n", d->start);
        else
            buf_lit(out, "<ol>\n");
        break;
    }
    case MD_BLOCK_LI:
        buf_lit(out, "<li>");
        break;
    case MD_BLOCK_HR:
        buf_lit(out, "<hr>\n");
        break;
    case MD_BLOCK_H:
        r->h_level = heading_level(detail);
        buf_printf(out, "<h%u>", r->h_level);
        break;
    case MD_BLOCK_CODE:
        html_code_open(r, detail);
        break;
    case MD_BLOCK_P:
        r->p_open = out->len;
        buf_lit(out, "<p>");
        break;
    case MD_BLOCK_TABLE:
        buf_lit(out, "<table>\n");
        break;
    case MD_BLOCK_THEAD:
        buf_lit(out, "<thead>\n");
        break;
    case MD_BLOCK_TBODY:
        buf_lit(out, "<tbody>\n");
        break;
    case MD_BLOCK_TR:
        buf_lit(out, "<tr>\n");
        break;
    case MD_BLOCK_TH:
        html_cell_open(out, "th", detail);
        break;
    case MD_BLOCK_TD:
        html_cell_open(out, "td", detail);
        break;
    default:
        break; /* MD_BLOCK_DOC; MD_BLOCK_HTML (not with NOHTML): no tag */
    }
    return status(r);
}

/* Close a paragraph, or take it back when it holds nothing but white space:
 * a line of lost pictures (`![]() ![]()`, common in imported works) would
 * otherwise leave an empty <p> whose margins show as a gap. Paragraphs hold
 * no blocks, so r->p_open still marks this one's "<p>". */
static void html_para_close(render_t *r)
{
    buf_t *out = r->out;
    size_t i = r->p_open + sizeof("<p>") - 1;
    if (!out->err && r->p_open >= r->start && i <= out->len) {
        while (i < out->len && (out->p[i] == ' ' || out->p[i] == '\t' || out->p[i] == '\n'))
            i++;
        if (i == out->len) {
            out->len = r->p_open;
            out->p[out->len] = 0;
            return;
        }
    }
    buf_lit(out, "</p>\n");
}

static int html_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    buf_t *out = r->out;
    (void)detail; /* the heading level was kept on enter */
    if (spend(r))
        return 1;
    html_close_inline(r);
    switch (type) {
    case MD_BLOCK_QUOTE:
        buf_lit(out, "</blockquote>\n");
        break;
    case MD_BLOCK_UL:
        buf_lit(out, "</ul>\n");
        break;
    case MD_BLOCK_OL:
        buf_lit(out, "</ol>\n");
        break;
    case MD_BLOCK_LI:
        buf_lit(out, "</li>\n");
        break;
    case MD_BLOCK_H:
        buf_printf(out, "</h%u>\n", r->h_level);
        break;
    case MD_BLOCK_CODE:
        buf_lit(out, "</code></pre>\n");
        break;
    case MD_BLOCK_P:
        html_para_close(r);
        break;
    case MD_BLOCK_TABLE:
        buf_lit(out, "</table>\n");
        break;
    case MD_BLOCK_THEAD:
        buf_lit(out, "</thead>\n");
        break;
    case MD_BLOCK_TBODY:
        buf_lit(out, "</tbody>\n");
        break;
    case MD_BLOCK_TR:
        buf_lit(out, "</tr>\n");
        break;
    case MD_BLOCK_TH:
        buf_lit(out, "</th>\n");
        break;
    case MD_BLOCK_TD:
        buf_lit(out, "</td>\n");
        break;
    default:
        break; /* DOC, HR (void element), HTML */
    }
    return status(r);
}

static int html_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    buf_t *out = r->out;
    if (spend(r))
        return 1;
    if (r->img_depth > 0) { /* inside alt text: only nesting is tracked */
        if (type == MD_SPAN_IMG)
            r->img_depth++;
        return status(r);
    }
    switch (type) {
    case MD_SPAN_EM:
        buf_lit(out, "<em>");
        html_span_push(r, type, 1);
        break;
    case MD_SPAN_STRONG:
        buf_lit(out, "<strong>");
        html_span_push(r, type, 1);
        break;
    case MD_SPAN_DEL:
        buf_lit(out, "<del>");
        html_span_push(r, type, 1);
        break;
    case MD_SPAN_CODE:
        buf_lit(out, "<code>");
        html_span_push(r, type, 1);
        break;
    case MD_SPAN_U:
        buf_lit(out, "<u>");
        html_span_push(r, type, 1);
        break;
    case MD_SPAN_A:
        html_span_push(r, type, html_link_open(r, detail));
        break;
    case MD_SPAN_IMG: /* not on the stack: img_depth tracks it */
        if (img_enter(r, detail) && html_media_open(r)) {
            break;
        } else if (!r->img_drop) {
            buf_lit(out, "<img src=\"");
            put_url(out, buf_cstr(&r->tmp), r->tmp.len);
            buf_lit(out, "\" alt=\"");
        }
        break;
    default: /* LaTeX and wiki links are not enabled: text only */
        html_span_push(r, type, 0);
        break;
    }
    return status(r);
}

static int html_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    if (spend(r))
        return 1;
    if (r->img_depth > 0) {
        if (type == MD_SPAN_IMG && --r->img_depth == 0 && !r->img_drop)
            html_img_close(r, detail);
        return status(r);
    }
    /* Close the innermost open span of this type and any md4c left open
     * inside it; a leave that matches nothing open is ignored. */
    size_t i = r->spans.len;
    while (i > 0 && ((unsigned char)r->spans.p[i - 1] & ~SPAN_SHOWN) != (unsigned)type)
        i--;
    if (i > 0)
        while (r->spans.len >= i)
            html_span_pop(r);
    return status(r);
}

static int html_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *userdata)
{
    render_t *r = userdata;
    buf_t *out = r->out;
    if (spend(r))
        return 1;
    if (r->img_depth > 0 && r->img_drop)
        return status(r);
    switch (type) {
    case MD_TEXT_NULLCHAR:
        for (MD_SIZE i = 0; i < n; i++)
            buf_lit(out, REPLACEMENT);
        break;
    case MD_TEXT_BR:
        if (r->img_depth > 0)
            buf_ch(out, ' ');
        else
            buf_lit(out, "<br>\n");
        break;
    case MD_TEXT_SOFTBR:
        buf_ch(out, r->img_depth > 0 ? ' ' : '\n');
        break;
    case MD_TEXT_ENTITY:
        html_entity(out, s, n);
        break;
    default:
        buf_html(out, s, n);
        break; /* NORMAL, CODE, LATEXMATH, and HTML (never raw) */
    }
    return status(r);
}

/* ---- plain text ---- */

static void text_sep(render_t *r, int level)
{
    if (level > r->sep)
        r->sep = level;
    if (level > SEP_NONE)
        r->at_start = 1;
}

/* Write s[0..n), preceded by the separator owed, if this call has already
 * written something (no separator at the start). */
static void text_put(render_t *r, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (r->out->len > r->start) {
        switch (r->sep) {
        case SEP_CELL:
            buf_ch(r->out, '\t');
            break;
        case SEP_LINE:
            buf_ch(r->out, '\n');
            break;
        case SEP_BLOCK:
            buf_lit(r->out, "\n\n");
            break;
        default:
            break;
        }
    }
    r->sep = SEP_NONE;
    r->at_start = 0;
    buf_raw(r->out, s, n);
}

/* Inline text: white space at the start of a block or line is skipped (md4c
 * trims paragraphs itself; this is the space left between dropped images). */
static void text_inline(render_t *r, const char *s, size_t n)
{
    if (r->at_start)
        while (n && (*s == ' ' || *s == '\t'))
            s++, n--;
    text_put(r, s, n);
}

/* Code block text comes line by line with its '\n's. Newlines are held back
 * until more text follows, so a block neither ends with them (the block
 * separator follows instead) nor starts with blank lines. */
static void text_code(render_t *r, const char *s, size_t n)
{
    size_t k = n;
    while (k && s[k - 1] == '\n')
        k--;
    if (k == 0) {
        r->held_nl += n;
        return;
    }
    if (r->code_written)
        for (; r->held_nl; r->held_nl--)
            buf_ch(r->out, '\n');
    r->held_nl = 0;
    text_put(r, s, k);
    r->code_written = 1;
    r->held_nl = n - k;
}

/* The separator a block owes on either side in plain text. */
static int block_sep(MD_BLOCKTYPE type)
{
    switch (type) {
    case MD_BLOCK_DOC:
        return SEP_NONE;
    case MD_BLOCK_LI:
    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
    case MD_BLOCK_TR:
        return SEP_LINE;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        return SEP_CELL;
    default:
        return SEP_BLOCK;
    }
}

static int text_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    (void)detail;
    if (spend(r))
        return 1;
    r->img_depth = 0; /* an image md4c never left ends with its block */
    text_sep(r, block_sep(type));
    if (type == MD_BLOCK_CODE) {
        r->in_code = 1;
        r->code_written = 0;
        r->held_nl = 0;
    }
    return status(r);
}

static int text_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    (void)detail;
    if (spend(r))
        return 1;
    r->img_depth = 0; /* an image md4c never left ends with its block */
    text_sep(r, block_sep(type));
    if (type == MD_BLOCK_CODE)
        r->in_code = 0;
    return status(r);
}

static int text_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    if (spend(r))
        return 1;
    if (type == MD_SPAN_IMG)
        img_enter(r, detail);
    return status(r);
}

static int text_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    (void)detail;
    if (spend(r))
        return 1;
    if (type == MD_SPAN_IMG && r->img_depth > 0)
        r->img_depth--;
    return status(r);
}

static int text_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *userdata)
{
    render_t *r = userdata;
    if (spend(r))
        return 1;
    if (r->img_depth > 0 && r->img_drop)
        return status(r);
    switch (type) {
    case MD_TEXT_NULLCHAR:
        for (MD_SIZE i = 0; i < n; i++)
            text_put(r, REPLACEMENT, sizeof(REPLACEMENT) - 1);
        break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
        if (r->img_depth > 0)
            text_put(r, " ", 1);
        else
            text_sep(r, SEP_LINE);
        break;
    case MD_TEXT_ENTITY:
        buf_reset(&r->tmp);
        entity_decode(&r->tmp, s, n);
        text_put(r, buf_cstr(&r->tmp), r->tmp.len);
        break;
    case MD_TEXT_CODE:
        if (r->in_code)
            text_code(r, s, n);
        else
            text_inline(r, s, n);
        break;
    default:
        text_inline(r, s, n);
        break;
    }
    return status(r);
}

/* ---- entry points ---- */

/* Parse src[0..len) with parser's callbacks into out. md4c gets a private
 * copy followed by SRC_PAD NUL bytes: 0.4.8 reads past the end of its input
 * (md_is_inline_link_spec checks for a newline at text[size] when a link's
 * "(...)" runs to the end of the document; fixed upstream in 0.5.0). Over
 * the caller's buffer that is an out-of-bounds read, and when the stray byte
 * happens to be '\n' then ')', md4c accepts the link and hands us text from
 * beyond the end. Over a NUL it stops, as the fixed version does. */
#define SRC_PAD 16

static int run(const MD_PARSER *parser, const char *src, size_t len, buf_t *out, md_info_t *info,
               const md_media_t *media)
{
    static const char zeros[SRC_PAD];
    render_t r;
    memset(&r, 0, sizeof(r));
    r.out = out;
    r.start = out->len;
    r.at_start = 1;
    r.media = media;
    buf_init(&r.tmp, 0);
    buf_init(&r.spans, 0);
    buf_t copy;
    buf_init(&copy, len + SRC_PAD + 1);
    int rc = -1;
    if ((src || len == 0) && len <= (MD_SIZE)-1 && !out->err) {
        buf_raw(&copy, src ? src : "", len);
        buf_raw(&copy, zeros, SRC_PAD);
        r.budget = CALL_BUDGET_BASE + (uint64_t)len * CALL_PER_BYTE; /* len fits in 32 bits */
        if (!copy.err)
            rc = md_parse(copy.p, (MD_SIZE)len, parser, &r);
    }
    buf_free(&copy);
    buf_free(&r.tmp);
    buf_free(&r.spans);
    if (info)
        *info = r.info;
    if ((rc != 0 && !r.done) || out->err) {
        out->len = r.start;
        if (out->p)
            out->p[r.start] = 0;
        return -1;
    }
    return 0;
}

int md_to_html(const char *src, size_t len, buf_t *out, md_info_t *info)
{
    return md_to_html_media(src, len, out, info, NULL);
}

int md_to_html_media(const char *src, size_t len, buf_t *out, md_info_t *info, const md_media_t *media)
{
    static const MD_PARSER parser = {
        .abi_version = 0,
        .flags = MD_FLAGS,
        .enter_block = html_enter_block,
        .leave_block = html_leave_block,
        .enter_span = html_enter_span,
        .leave_span = html_leave_span,
        .text = html_text,
    };
    return run(&parser, src, len, out, info, media);
}

int md_to_text(const char *src, size_t len, buf_t *out)
{
    static const MD_PARSER parser = {
        .abi_version = 0,
        .flags = MD_FLAGS,
        .enter_block = text_enter_block,
        .leave_block = text_leave_block,
        .enter_span = text_enter_span,
        .leave_span = text_leave_span,
        .text = text_text,
    };
    return run(&parser, src, len, out, NULL, NULL);
}

/* ---- the first paragraph (summaries) ---- */

/* Only MD_BLOCK_P collects text: headings, table cells and code blocks are
 * other block types, and an image's description (its alt text) is a span
 * inside the paragraph that is skipped. A paragraph with nothing but white
 * space left (a line of pictures) is taken back and the next one tried. */
static int para_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    (void)detail;
    if (r->done || spend(r))
        return 1;
    if (type == MD_BLOCK_P) {
        r->in_para = 1;
        r->para_at = r->out->len;
        r->img_depth = 0;
    }
    return status(r);
}

static int para_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    (void)detail;
    if (r->done || spend(r))
        return 1;
    if (type != MD_BLOCK_P || !r->in_para)
        return status(r);
    r->in_para = 0;
    for (size_t i = r->para_at; i < r->out->len; i++) {
        char c = r->out->p[i];
        if (c != ' ' && c != '\t' && c != '\n') {
            r->done = 1;
            return 1; /* found: stop here (run() counts it as success) */
        }
    }
    r->out->len = r->para_at; /* only white space: try the next one */
    if (r->out->p)
        r->out->p[r->para_at] = 0;
    return status(r);
}

static int para_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    (void)detail;
    if (r->done || spend(r))
        return 1;
    if (type == MD_SPAN_IMG)
        r->img_depth++;
    return status(r);
}

static int para_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    render_t *r = userdata;
    (void)detail;
    if (r->done || spend(r))
        return 1;
    if (type == MD_SPAN_IMG && r->img_depth > 0)
        r->img_depth--;
    return status(r);
}

static int para_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *userdata)
{
    render_t *r = userdata;
    if (r->done || spend(r))
        return 1;
    if (!r->in_para || r->img_depth > 0)
        return status(r);
    switch (type) {
    case MD_TEXT_NULLCHAR:
        for (MD_SIZE i = 0; i < n; i++)
            buf_lit(r->out, REPLACEMENT);
        break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
        buf_ch(r->out, ' ');
        break;
    case MD_TEXT_ENTITY:
        entity_decode(r->out, s, n);
        break;
    default:
        buf_raw(r->out, s, n);
        break;
    }
    return status(r);
}

int md_first_paragraph(const char *src, size_t len, buf_t *out)
{
    static const MD_PARSER parser = {
        .abi_version = 0,
        .flags = MD_FLAGS,
        .enter_block = para_enter_block,
        .leave_block = para_leave_block,
        .enter_span = para_enter_span,
        .leave_span = para_leave_span,
        .text = para_text,
    };
    return run(&parser, src, len, out, NULL, NULL);
}
