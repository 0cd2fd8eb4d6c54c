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
#include "site/federation/fetch.h"

/* Each connection, the first and any redirect's: a non-public address gets
 * no socket, so nothing is sent to it. */
static curl_socket_t open_checked(void *ctx, curlsocktype purpose, struct curl_sockaddr *sa)
{
    int *refused = ctx;
    char ip[INET6_ADDRSTRLEN] = "";
    if (purpose == CURLSOCKTYPE_IPCXN && sa->family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&sa->addr)->sin_addr, ip, sizeof ip);
    else if (purpose == CURLSOCKTYPE_IPCXN && sa->family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa->addr)->sin6_addr, ip, sizeof ip);
    if (!ip[0] || !fed_addr_public(ip)) {
        *refused = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(sa->family, sa->socktype | SOCK_CLOEXEC, sa->protocol);
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
    buf_raw(&s->b, p, n * size); /* raw: a picture's bytes, decoded by the media helper */
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
    int refused = 0;
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)FED_REDIRECTS);
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
        buf_lit(err, "refused: the address is not public (loopback, private or link-local)");
    } else if (s.over || rc == CURLE_FILESIZE_EXCEEDED) {
        buf_printf(err, "larger than %zu bytes", PORT_FETCH_MAX);
    } else if (rc == CURLE_TOO_MANY_REDIRECTS) {
        buf_printf(err, "more than %d redirects", FED_REDIRECTS);
    } else if (rc != CURLE_OK) {
        buf_printf(err, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
    } else if (status != 200) {
        buf_printf(err, "the server answered %ld", status);
    } else {
        *len = s.b.len;
        buf_cstr(&s.b);
        *data = s.b.p ? buf_steal(&s.b, NULL) : xstrdup("");
        return 0;
    }
    buf_free(&s.b);
    return -1;
}
