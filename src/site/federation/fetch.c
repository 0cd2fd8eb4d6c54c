/*
 * fetch.c — see fetch.h.
 */
#include "site/federation/fetch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int fed_loopback_allowed(void)
{
    static int v = -1; /* read once; a benign race writes the same value */
    if (v < 0) {
        const char *e = getenv("HAO_FED_LOOPBACK");
        v = e && strcmp(e, "1") == 0;
    }
    return v;
}

static int v4_public(uint32_t a, int loop_ok)
{
    uint8_t b0 = (uint8_t)(a >> 24), b1 = (uint8_t)(a >> 16);
    if (b0 == 127)
        return loop_ok;
    if (b0 == 0 || b0 == 10 || b0 >= 224)               /* this network, private, multicast, reserved */
        return 0;
    if (b0 == 100 && (b1 & 0xc0) == 64)                 /* 100.64/10 carrier-grade NAT */
        return 0;
    if (b0 == 169 && b1 == 254)                         /* link-local */
        return 0;
    if (b0 == 172 && (b1 & 0xf0) == 16)                 /* 172.16/12 */
        return 0;
    if (b0 == 192 && b1 == 168)                         /* 192.168/16 */
        return 0;
    if (b0 == 192 && b1 == 0 && (uint8_t)(a >> 8) == 0) /* 192.0.0/24 protocol assignments */
        return 0;
    if (b0 == 198 && (b1 & 0xfe) == 18)                 /* 198.18/15 benchmarking */
        return 0;
    return 1;
}

int fed_addr_public(const char *ip)
{
    int loop_ok = fed_loopback_allowed();
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, ip, &a4) == 1)
        return v4_public(ntohl(a4.s_addr), loop_ok);
    if (inet_pton(AF_INET6, ip, &a6) != 1)
        return 0;
    const uint8_t *b = a6.s6_addr;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(b, mapped, 12) == 0)
        return v4_public((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15], loop_ok);
    static const uint8_t zero[15] = {0};
    if (memcmp(b, zero, 15) == 0)
        return b[15] == 1 ? loop_ok : 0;              /* ::1 loopback, :: unspecified */
    if ((b[0] & 0xfe) == 0xfc)                        /* fc00::/7 unique local */
        return 0;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)        /* fe80::/10 link-local */
        return 0;
    if (b[0] == 0xff)                                 /* multicast */
        return 0;
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) /* documentation */
        return 0;
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) /* NAT64 of anything */
        return 0;
    return 1;
}

/* libcurl asks for each socket it would connect, with the address already
 * resolved: a non-public one gets no socket at all, so nothing is sent to
 * it, whatever name led there (redirects included). */
static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
    int *refused = clientp;
    char ip[INET6_ADDRSTRLEN] = "";
    if (purpose == CURLSOCKTYPE_IPCXN && addr->family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&addr->addr)->sin_addr, ip, sizeof ip);
    else if (purpose == CURLSOCKTYPE_IPCXN && addr->family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&addr->addr)->sin6_addr, ip, sizeof ip);
    if (!ip[0] || !fed_addr_public(ip)) {
        *refused = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
}

typedef struct {
    buf_t *out;
    int too_big;
} sink_t;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    sink_t *s = ud;
    size_t len = size * n;
    if (!s->out)
        return len;
    if (s->out->len + len > FED_DOC_MAX) {
        s->too_big = 1;
        return 0; /* aborts the transfer */
    }
    buf_raw(s->out, p, len); /* raw: a fetched document, parsed as JSON, never shown */
    return len;
}

/* Set every option of a fresh or reset handle. */
static void configure(CURL *c, int *refused, sink_t *sink)
{
    int loop_ok = fed_loopback_allowed();
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, loop_ok ? "http,https" : "https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, loop_ok ? "http,https" : "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)FED_REDIRECTS);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)FED_TIMEOUT);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)FED_DOC_MAX);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "hao (ActivityPub; +https://www.w3.org/TR/activitypub/)");
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, refused);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, sink);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
}

static CURL *easy(int *refused, sink_t *sink)
{
    CURL *c = curl_easy_init();
    if (c)
        configure(c, refused, sink);
    return c;
}

static const char *reason(CURLcode rc, int refused, const sink_t *s)
{
    if (refused)
        return "refused: not a public address";
    if (s->too_big || rc == CURLE_FILESIZE_EXCEEDED)
        return "refused: document too large";
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return "timed out";
    if (rc == CURLE_TOO_MANY_REDIRECTS)
        return "too many redirects";
    if (rc == CURLE_UNSUPPORTED_PROTOCOL)
        return "refused: scheme not allowed";
    return "connection failed";
}

int fed_get_json(const char *url, buf_t *out, const char **why)
{
    int refused = 0;
    sink_t sink = {out, 0};
    CURL *c = easy(&refused, &sink);
    if (!c) {
        *why = "out of memory";
        return -1;
    }
    struct curl_slist *h = curl_slist_append(NULL, "Accept: application/activity+json, "
                                                   "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    CURLcode rc = curl_easy_perform(c);
    int ret = -1;
    if (rc != CURLE_OK) {
        *why = reason(rc, refused, &sink);
    } else {
        long status = 0;
        char *ct = NULL;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
        if (status < 200 || status > 299)
            *why = status == 410 ? "gone" : "not found or refused";
        else if (!ct || !(strncasecmp(ct, "application/activity+json", 25) == 0 ||
                          strncasecmp(ct, "application/ld+json", 19) == 0 ||
                          strncasecmp(ct, "application/json", 16) == 0))
            *why = "not an ActivityStreams document";
        else
            ret = 0;
    }
    buf_cstr(out);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return ret;
}

int fed_post(const char *url, const char *const *headers, int n, const char *body, size_t len, const char **why)
{
    return fed_post_reuse(NULL, url, headers, n, body, len, why);
}

int fed_post_reuse(void **handle, const char *url, const char *const *headers, int n, const char *body, size_t len,
                   const char **why)
{
    int refused = 0;
    sink_t sink = {NULL, 0};
    CURL *c = handle && *handle ? *handle : NULL;
    if (c) {
        /* Options go, the connection cache stays: a connection already
         * made (and checked when it was opened) is used again. */
        curl_easy_reset(c);
        configure(c, &refused, &sink);
    } else {
        c = easy(&refused, &sink);
    }
    if (!c) {
        *why = "out of memory";
        return -1;
    }
    /* A POST is not repeated to a redirect's target. */
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    struct curl_slist *h = NULL;
    for (int i = 0; i < n; i++)
        h = curl_slist_append(h, headers[i]);
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    CURLcode rc = curl_easy_perform(c);
    long status = -1;
    if (rc != CURLE_OK)
        *why = reason(rc, refused, &sink);
    else
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    if (handle) {
        /* the options point at this call's locals: cleared before they go */
        curl_easy_reset(c);
        *handle = c;
    } else {
        curl_easy_cleanup(c);
    }
    return (int)status;
}

void fed_post_close(void *handle)
{
    if (handle)
        curl_easy_cleanup(handle);
}
