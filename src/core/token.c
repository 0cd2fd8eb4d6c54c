/*
 * token.c — see token.h.
 */
#include "core/token.h"

#include <sodium.h>
#include <string.h>

void token_sha256_hex(const char *s, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, 65, h, sizeof h);
}

void token_new(char *token, size_t size, char hash[65])
{
    unsigned char rnd[64];
    size_t n = (size - 1) / 2;
    if (n > sizeof rnd)
        n = sizeof rnd;
    randombytes_buf(rnd, n);
    sodium_bin2hex(token, size, rnd, n);
    token_sha256_hex(token, hash);
}

int token_matches(const char *token, size_t len, const char *stored_hash)
{
    if (!token || strlen(token) != len || !stored_hash || strlen(stored_hash) != 64)
        return 0;
    char hash[65];
    token_sha256_hex(token, hash);
    return sodium_memcmp(stored_hash, hash, 64) == 0;
}
