/*
 * buf.h — growable byte buffers with a size cap, and the escaping writers.
 *
 * Every piece of output hao builds (HTML pages, JSON, XML feeds, SQL-free log
 * lines) goes through a buf_t. A buffer owns its heap memory; buf_free()
 * releases it. Each buffer has a cap (curl's dynbuf idea): appending past it
 * sets buf->err and further appends are ignored, so a runaway render fails
 * cleanly instead of eating memory. Out-of-memory aborts (there is no sane
 * recovery in a server thread).
 *
 * Escaping is the default: buf_html() escapes for text and attribute values,
 * buf_url() percent-encodes a path segment or query value, buf_json_str()
 * writes a JSON string literal, buf_xml() escapes for XML. Only buf_lit()
 * (string literals, checked by the macro) and buf_raw() (bytes the caller
 * vouches for, e.g. md4c output) write unescaped.
 *
 * THE ESCAPING RULE FOR HTML. A page is written with
 *   buf_lit()      for fixed markup (a literal: nothing to escape),
 *   buf_hprintf()  for markup with values in it: its %s, %.*s and %c escape
 *                  their argument exactly as buf_html() does (& < > " '), so
 *                  one format serves element text and quoted attributes alike;
 *                  numbers (%d %lld %zu %x ...) are written as printf writes
 *                  them, and cannot carry markup,
 *   buf_html(z)()  for text on its own, buf_url() inside an href.
 * The format string of buf_hprintf() is markup, so it is a literal (or a T()
 * string: the UI table is part of the source). A NULL %s writes nothing (an
 * empty string, padded if a width asks for it), never "(null)".
 * buf_hprintf() has no conversion that inserts markup unescaped (gcc's format
 * check, which keeps the argument types honest, knows only printf's
 * conversions; and a separate statement is what a checker can see): markup
 * made elsewhere and trusted (md4c's sanitised output, a snippet whose text was
 * escaped before <mark> was added) is appended with buf_raw()/buf_rawz() as a
 * statement of its own, with a comment "raw: <why it is safe>" on the call.
 * buf_printf() stays the writer for everything that is not HTML (mail, logs,
 * CLI output, SQL text, numbers in JSON); a buf_printf() that writes a string
 * into HTML needs the same raw: comment. scripts/check-html.sh (make test)
 * fails on a buf_printf with a string conversion or a non-literal format, a
 * buf_vprintf, buf_raw or buf_rawz without that comment in any file that
 * renders HTML, and on a buf_hprintf whose format is not a literal.
 */
#ifndef HAO_BUF_H
#define HAO_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *p;      /* NUL-terminated when len > 0 or after buf_cstr() */
    size_t len;
    size_t cap;   /* allocated bytes */
    size_t max;   /* hard cap on len; 0 means the default (64 MiB) */
    int err;      /* set once the cap was hit */
} buf_t;

#define BUF_INIT {NULL, 0, 0, 0, 0}
#define BUF_DEFAULT_MAX ((size_t)64 << 20)

void buf_init(buf_t *b, size_t max);
void buf_free(buf_t *b);
void buf_reset(buf_t *b);                    /* len = 0, keeps memory */
const char *buf_cstr(buf_t *b);              /* always a valid C string */
/* Take ownership of the bytes (caller frees with free()); buffer is reset. */
char *buf_steal(buf_t *b, size_t *len);

/* Raw appends: the caller vouches the bytes are safe in the output context. */
void buf_raw(buf_t *b, const void *p, size_t n);
void buf_rawz(buf_t *b, const char *s);
#define buf_lit(b, s) buf_raw((b), "" s "", sizeof(s) - 1)
void buf_ch(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf_t *b, const char *fmt, va_list ap);
void buf_int(buf_t *b, long long v);

/* HTML formatted writer (see THE ESCAPING RULE above). Accepts printf's
 * conversions d i u o x X c s f F e E g G a A p %% with flags, width,
 * precision (also as *) and the hh h l ll z j t lengths; %s, %.*s and %c are
 * HTML-escaped, the rest is written as vsnprintf would. No allocation beyond
 * the buffer's own growth. A conversion outside that set (%n, %ls, %Lf, ...)
 * sets b->err and stops, so a bad format fails the page instead of
 * misreading the arguments. */
void buf_hprintf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vhprintf(buf_t *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Escaping writers. */
void buf_html(buf_t *b, const char *s, size_t n);   /* & < > " ' */
void buf_htmlz(buf_t *b, const char *s);
/* As html, and drops what XML 1.0's Char production forbids: the C0
 * controls but tab, LF and CR, and U+FFFE and U+FFFF. (s is UTF-8 already
 * checked, so it holds no surrogates.) */
void buf_xml(buf_t *b, const char *s, size_t n);
void buf_url(buf_t *b, const char *s, size_t n);    /* percent-encode all but unreserved */
void buf_json_str(buf_t *b, const char *s, size_t n); /* with the quotes */
void buf_json_strz(buf_t *b, const char *s);

#endif
