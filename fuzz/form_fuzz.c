/* libFuzzer driver: form bodies and query strings (application/x-www-form-
 * urlencoded, src/http/router.c parse_pairs and pct_decode). Any input must
 * parse or be refused; every name and value must be valid UTF-8 and
 * NUL-terminated inside the request's memory. Owned by ops (issue 17). */
#include "../src/http/router.c"

#include "fuzz_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *body = malloc(size ? size : 1); /* exact size: ASan sees over-reads */
    if (!body)
        return 0;
    memcpy(body, data, size);
    fuzz_req_t fr;
    hreq_t *r = fuzz_req_init(&fr);
    form_t f;
    if (parse_pairs(r, body, size, &f) == 0) {
        if (f.n < 0 || f.n > 1024)
            abort();
        for (int i = 0; i < f.n; i++)
            if (!text_valid(f.names[i], strlen(f.names[i])) || !text_valid(f.values[i], strlen(f.values[i])))
                abort();
        (void)form_get(&f, "csrf");
    }
    fuzz_req_free(&fr);
    free(body);
    return 0;
}
