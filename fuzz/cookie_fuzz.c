/* libFuzzer driver: the Cookie header (src/http/router.c rq_cookie). The
 * input is split at NUL bytes into up to four Cookie headers; each cookie
 * the site reads must come back inside them or not at all. Owned by ops. */
#include "../src/http/router.c"

#include "fuzz_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_req_t fr;
    hreq_t *r = fuzz_req_init(&fr);
    size_t start = 0;
    for (int n = 0; n < 4 && start <= size; n++) {
        const uint8_t *z = memchr(data + start, 0, size - start);
        size_t len = z ? (size_t)(z - (data + start)) : size - start;
        char *v = h2o_mem_alloc_pool(&fr.h.pool, len ? len : 1); /* exact size */
        memcpy(v, data + start, len);
        h2o_add_header(&fr.h.pool, &fr.h.headers, H2O_TOKEN_COOKIE, NULL, v, len);
        start += len + 1;
        if (!z)
            break;
    }
    static const char *const names[] = {"hao_session", "hao_lang", "hao_csrf", ""};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *c = rq_cookie(r, names[i]);
        if (c && strlen(c) > size)
            abort();
    }
    fuzz_req_free(&fr);
    return 0;
}
