/*
 * fed.c — see fed.h.
 */
#include "site/federation/fed.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *fed_base(db_t *db)
{
    char *v = db_setting(db, "base_url", "");
    if (!v || !*v) {
        free(v);
        return NULL;
    }
    size_t n = strlen(v);
    while (n > 0 && v[n - 1] == '/')
        v[--n] = '\0';
    return v;
}

int fed_host_of(const char *base, char *out, size_t cap)
{
    const char *p = strstr(base, "://");
    if (!p)
        return -1;
    p += 3;
    size_t n = strcspn(p, "/?#");
    if (n == 0 || n >= cap)
        return -1;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)tolower((unsigned char)p[i]);
    out[n] = '\0';
    return 0;
}

/* Whether the media range list s names type t (a whole token, before any
 * parameters of it). */
static const char *find_type(const char *s, const char *t)
{
    size_t n = strlen(t);
    for (const char *p = s; (p = strcasestr(p, t)) != NULL; p += n) {
        int starts = p == s || p[-1] == ',' || p[-1] == ' ' || p[-1] == '\t';
        char e = p[n];
        if (starts && (e == '\0' || e == ',' || e == ';' || e == ' ' || e == '\t'))
            return p;
    }
    return NULL;
}

int fed_wants_as(hreq_t *r)
{
    const char *a = rq_header(r, "accept");
    if (!a)
        return 0;
    if (find_type(a, "application/activity+json"))
        return 1;
    const char *ld = find_type(a, "application/ld+json");
    if (!ld)
        return 0;
    /* its parameters, up to the next media range */
    size_t n = strcspn(ld, ",");
    const char *prof = strstr(ld, "https://www.w3.org/ns/activitystreams");
    return prof && prof < ld + n;
}

void fed_send(hreq_t *r, int status, const char *ctype, buf_t *b)
{
    rs_header(r, "access-control-allow-origin", "*");
    rs_send(r, status, ctype, b->p ? b->p : "", b->len);
}

void fed_error(hreq_t *r, int status, const char *code, const char *message)
{
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"error\":{\"code\":");
    buf_json_strz(&b, code);
    buf_lit(&b, ",\"message\":");
    buf_json_strz(&b, message);
    buf_lit(&b, "}}");
    rs_send(r, status, "application/json", b.p, b.len);
    buf_free(&b);
}

void fed_iso8601(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
