/* libFuzzer driver: the signature headers of a federation inbox POST, which
 * any server on the internet writes. RFC 9421 Signature-Input and Signature
 * (RFC 8941 dictionaries) with Content-Digest (RFC 9530), through
 * sig9421_prepare and sig9421_digest_ok (src/site/federation/sig9421.c), and
 * the draft-cavage Signature header (inbox.c's sig_parse).
 * Input: Signature-Input, Signature and Content-Digest, each ended by '\n',
 * then the body (missing fields are empty). Checked beyond "no crash": a
 * refusal has a reason; an acceptance has a signature base ending in the
 * signature parameters, a signature that fits, and terminated strings; a
 * cavage header accepted names a key and a signature. Owned by ops (issue 17). */
#include "../src/site/federation/inbox.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_digest;

/* The request's header fields: Content-Digest from the input, two fixed. */
static int fuzz_field(void *ctx, const char *name, buf_t *out)
{
    (void)ctx;
    const char *v = strcmp(name, "content-digest") == 0 ? fuzz_digest
                    : strcmp(name, "content-type") == 0 ? "application/activity+json"
                    : strcmp(name, "host") == 0         ? "example.org"
                                                        : NULL;
    if (!v)
        return -1;
    buf_rawz(out, v);
    return 0;
}

static int terminated(const char *s, size_t cap)
{
    return memchr(s, 0, cap) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = 0;
    char *f[3] = {"", "", ""}, *p = copy, *end = copy + size;
    for (int i = 0; i < 3 && p < end; i++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        *nl = 0;
        f[i] = p;
        p = nl + 1;
    }
    fuzz_digest = f[2];
    sig9421_req_t req = {.method = "POST", .scheme = "https", .authority = "example.org", .path = "/u/fedi/inbox",
                         .body = p, .len = (size_t)(end - p), .now = 1700000000, .window = 300,
                         .field = fuzz_field};
    sig9421_t s;
    const char *why = NULL;
    int rc = sig9421_prepare(&req, f[0], f[1], &s, &why);
    if (rc < 0 && !why)
        abort();
    if (rc == 0) {
        if (why || !s.base || !strstr(s.base, "\"@signature-params\": (") || s.sig_len > sizeof s.sig ||
            !terminated(s.key_id, sizeof s.key_id) || !terminated(s.alg, sizeof s.alg))
            abort();
    }
    sig9421_free(&s);
    int d = sig9421_digest_ok(f[2], req.body, req.len);
    if (d != 0 && d != 1)
        abort();
    sig_params_t sp;
    if (sig_parse(f[1], &sp) == 0 &&
        (!sp.key_id[0] || !sp.signature[0] || !terminated(sp.key_id, sizeof sp.key_id) ||
         !terminated(sp.headers, sizeof sp.headers) || !terminated(sp.algorithm, sizeof sp.algorithm)))
        abort();
    free(copy);
    return 0;
}
