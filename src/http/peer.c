/*
 * peer.c — see peer.h.
 */
#include "http/peer.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "http/http.h"

#define TRUSTED_MAX 32

/* Set by peer_trust() before the loops start; read-only afterwards. Each in
 * its canonical text form (inet_ntop), IPv4 without a ::ffff: prefix. */
static char trusted[TRUSTED_MAX][INET6_ADDRSTRLEN];
static int ntrusted;

/* The canonical text of the address in s[0..n), into out; 0, or -1 when it
 * is not an IPv4 or IPv6 address. */
static int canonical(const char *s, size_t n, char out[INET6_ADDRSTRLEN])
{
    char tmp[INET6_ADDRSTRLEN];
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    unsigned char a[16];
    if (inet_pton(AF_INET, tmp, a) == 1)
        return inet_ntop(AF_INET, a, out, INET6_ADDRSTRLEN) ? 0 : -1;
    if (inet_pton(AF_INET6, tmp, a) != 1)
        return -1;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, mapped, 12) == 0)
        return inet_ntop(AF_INET, a + 12, out, INET6_ADDRSTRLEN) ? 0 : -1;
    return inet_ntop(AF_INET6, a, out, INET6_ADDRSTRLEN) ? 0 : -1;
}

int peer_trust(const char *spec, buf_t *err)
{
    ntrusted = 0;
    for (const char *p = spec ? spec : ""; *p;) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        if (n == 0)
            break;
        if (ntrusted == TRUSTED_MAX) {
            buf_printf(err, "trusted_proxies: at most %d addresses", TRUSTED_MAX);
            return -1;
        }
        if (canonical(p, n, trusted[ntrusted]) < 0) {
            buf_printf(err, "trusted_proxies: \"%.*s\" is not an IP address", (int)(n > 64 ? 64 : n), p);
            return -1;
        }
        ntrusted++;
        p += n;
    }
    return 0;
}

static int is_trusted(const char *addr)
{
    for (int i = 0; i < ntrusted; i++)
        if (strcmp(trusted[i], addr) == 0)
            return 1;
    return 0;
}

/* The X-Forwarded-For entries of r (every such header, in order), walked
 * from the right: the first that is not a trusted proxy, canonical, into
 * out. 0, or -1 when there is none or an entry is not an address (then the
 * proxy's own address stands). */
static int forwarded_for(hreq_t *r, char out[INET6_ADDRSTRLEN])
{
    const h2o_headers_t *hs = &r->h->headers;
    /* The headers' values joined, so one walk covers them all. */
    buf_t all = BUF_INIT;
    for (ssize_t i = -1; (i = h2o_find_header(hs, H2O_TOKEN_X_FORWARDED_FOR, i)) != -1;) {
        if (all.len)
            buf_lit(&all, ",");
        buf_raw(&all, hs->entries[i].value.base, hs->entries[i].value.len);
    }
    int rc = -1;
    size_t end = all.len;
    while (end > 0) {
        size_t start = end;
        while (start > 0 && all.p[start - 1] != ',')
            start--;
        size_t a = start, b = end;
        while (a < b && (all.p[a] == ' ' || all.p[a] == '\t'))
            a++;
        while (b > a && (all.p[b - 1] == ' ' || all.p[b - 1] == '\t'))
            b--;
        if (canonical(all.p + a, b - a, out) < 0)
            break;
        if (!is_trusted(out)) {
            rc = 0;
            break;
        }
        end = start > 0 ? start - 1 : 0;
    }
    buf_free(&all);
    return rc;
}

const char *rq_peer(hreq_t *r)
{
    struct sockaddr_storage ss;
    socklen_t sl = r->h->conn->callbacks->get_peername(r->h->conn, (void *)&ss);
    char *out = rq_alloc(r, INET6_ADDRSTRLEN);
    char host[NI_MAXHOST];
    if (sl == 0 || getnameinfo((void *)&ss, sl, host, sizeof host, NULL, 0, NI_NUMERICHOST) != 0) {
        strcpy(out, "?");
        return out;
    }
    /* Every request's access-log line calls this: without proxies to
     * compare with, getnameinfo's text is the answer. */
    if (!ntrusted || canonical(host, strlen(host), out) < 0) {
        snprintf(out, INET6_ADDRSTRLEN, "%.45s", host); /* (or not parsed: a link-local address with its scope) */
        return out;
    }
    char client[INET6_ADDRSTRLEN];
    if (is_trusted(out) && forwarded_for(r, client) == 0)
        memcpy(out, client, sizeof client);
    return out;
}
