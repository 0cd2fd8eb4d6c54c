/* libFuzzer driver: a passkey registration's attestation object, which
 * the browser (or anyone posting to /security/passkeys) sends
 * (src/site/security/passkey.c): read_attestation (libcbor: the "none"
 * attestation map, the authenticator data's RP ID hash, flags and attested
 * credential) and cose_to_der (the COSE key, RFC 9053, into OpenSSL), the
 * latter also on the whole input.
 * Checked beyond "no crash": a refusal names an error code; an accepted
 * credential has an id and a public key that OpenSSL reads back as a P-256
 * or RSA key of the algorithm named. Owned by ops (issue 17). */
#include "../src/site/security/passkey.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void key_fail(const char *what, const char *v)
{
    fprintf(stderr, "passkey: %s: %s\n", what, v);
    abort();
}

/* der (hex) is a public key of algorithm alg. */
static void check_key(const buf_t *der, int alg)
{
    size_t n = der->len / 2;
    unsigned char *bin = malloc(n ? n : 1);
    if (!bin || der->len % 2 || sodium_hex2bin(bin, n, der->p, der->len, NULL, NULL, NULL) != 0)
        key_fail("not hex", buf_cstr((buf_t *)der));
    const unsigned char *p = bin;
    EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)n);
    int id = k ? EVP_PKEY_get_base_id(k) : 0;
    if (!k || (alg == COSE_ES256 ? id != EVP_PKEY_EC : alg == COSE_RS256 ? id != EVP_PKEY_RSA : 1))
        key_fail("a key OpenSSL does not read back as its algorithm", buf_cstr((buf_t *)der));
    EVP_PKEY_free(k);
    free(bin);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char cred64[CRED_ID_MAX * 2] = "";
    buf_t der = BUF_INIT;
    int alg = 0;
    uint32_t counter = 0;
    const char *err = read_attestation(data, size, "hao.example", cred64, sizeof cred64, &der, &alg, &counter);
    if (getenv("PASSKEY_VERBOSE")) /* what each seed does */
        fprintf(stderr, "attestation: %s, alg %d\n", err ? err : "accepted", alg);
    if (!err) {
        if (!cred64[0])
            key_fail("a credential without an id", "");
        check_key(&der, alg);
    }
    buf_free(&der);
    size_t used = 0;
    alg = 0;
    if (cose_to_der(data, size, &used, &alg, &der) == 0) {
        if (used == 0 || used > size)
            key_fail("a key read from outside the input", "");
        check_key(&der, alg);
    }
    buf_free(&der);
    return 0;
}
