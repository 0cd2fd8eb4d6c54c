/*
 * fetch.c — see fetch.h. Owned by site/portability; the importing thread.
 */
#include "site/portability/fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/alloc.h"

static int v4_public(const unsigned char *a)
{
    if (a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224)
        return 0;
    if (a[0] == 169 && a[1] == 254)
        return 0;
    if (a[0] == 172 && (a[1] & 0xf0) == 16)
        return 0;
    if (a[0] == 192 && a[1] == 168)
        return 0;
    if (a[0] == 100 && (a[1] & 0xc0) == 64) /* carrier-grade NAT */
        return 0;
    return 1;
}

static int v6_public(const unsigned char *a)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, mapped, 12) == 0)
        return v4_public(a + 12);
    if (a[0] == 0xff) /* multicast */
        return 0;
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) /* link-local */
        return 0;
    if ((a[0] & 0xfe) == 0xfc) /* unique local */
        return 0;
    static const unsigned char zero[15] = {0};
    if (memcmp(a, zero, 15) == 0) /* :: and ::1 */
        return 0;
    return 1;
}

int port_addr_public(const char *addr)
{
    unsigned char b[16];
    if (inet_pton(AF_INET, addr, b) == 1)
        return v4_public(b);
    if (inet_pton(AF_INET6, addr, b) == 1)
        return v6_public(b);
    return 0;
}

static curl_socket_t open_checked(void *ctx, curlsocktype purpose, struct curl_sockaddr *sa)
{
    (void)purpose;
    int *refused = ctx;
    int ok = getenv("HAO_IMPORT_FETCH_PRIVATE") && strcmp(getenv("HAO_IMPORT_FETCH_PRIVATE"), "1") == 0;
    if (!ok && sa->family == AF_INET)
        ok = v4_public((const unsigned char *)&((struct sockaddr_in *)&sa->addr)->sin_addr);
    else if (!ok && sa->family == AF_INET6)
        ok = v6_public(((struct sockaddr_in6 *)&sa->addr)->sin6_addr.s6_addr);
    if (!ok) {
        *refused = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(sa->family, sa->socktype, sa->protocol);
}

typedef struct {
    buf_t b;
    int over;
} sink_t;

static size_t take(char *p, size_t size, size_t n, void *ctx)
{
    sink_t *s = ctx;
    if (s->b.len + n * size > PORT_FETCH_MAX) {
        s->over = 1;
        return 0;
    }
    buf_raw(&s->b, p, n * size);
    return n * size;
}

int port_fetch(const char *url, char **data, size_t *len, buf_t *err)
{
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        buf_lit(err, "only http and https addresses are fetched");
        return -1;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        buf_lit(err, "cannot start the HTTP client");
        return -1;
    }
    sink_t s = {BUF_INIT, 0};
    buf_init(&s.b, PORT_FETCH_MAX + 1);
    int refused = 0;
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)PORT_FETCH_SECONDS);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)PORT_FETCH_MAX);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_checked);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &refused);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "hao-import");
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (refused) {
        buf_lit(err, "the address is not public (loopback, private or link-local)");
    } else if (s.over || rc == CURLE_FILESIZE_EXCEEDED) {
        buf_printf(err, "larger than %zu bytes", PORT_FETCH_MAX);
    } else if (rc != CURLE_OK) {
        buf_printf(err, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
    } else if (status != 200) {
        buf_printf(err, "the server answered %ld%s", status,
                   status >= 300 && status < 400 ? " (redirects are not followed)" : "");
    } else {
        *len = s.b.len;
        buf_cstr(&s.b);
        *data = s.b.p ? buf_steal(&s.b, NULL) : xstrdup("");
        return 0;
    }
    buf_free(&s.b);
    return -1;
}
