/*
 * keys.h — the creators' RSA keys and the cryptography of HTTP Signatures
 * (OpenSSL): key pairs made at first need and kept in fed_keys, rsa-sha256
 * signing and verification, SHA-256 digests, base64.
 *
 * Owns the fed_keys table. Making a key (RSA 2048, tens of milliseconds) is
 * slow: fed_key_make runs on a pool thread or the delivery thread, never on
 * a loop. The rest is fast enough anywhere. Thread-safe (no shared state).
 */
#ifndef HAO_FED_KEYS_H
#define HAO_FED_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "db/db.h"

/* The stored public (and, when priv is not NULL, private) PEM of user_id's
 * key, malloc'ed. 1 found, 0 none yet, -1 storage error. */
int fed_key_get(db_t *db, int64_t user_id, char **pub, char **priv);
/* Make user_id's key unless one exists (two nodes racing keep the first).
 * 0 or -1. Slow: not on a loop thread. */
int fed_key_make(db_t *db, int64_t user_id);
/* Sign data with the private key in PEM (RSASSA-PKCS1-v1_5, SHA-256);
 * the signature base64-encoded into out. 0 or -1. */
int fed_sign(const char *priv_pem, const char *data, size_t n, buf_t *out);
/* 1 when sig_b64 is a valid rsa-sha256 signature of data under the public
 * key in PEM, 0 when not (or the key or signature is malformed). */
int fed_verify(const char *pub_pem, const char *data, size_t n, const char *sig_b64);
/* "SHA-256=" + base64 of the SHA-256 of data, into out. */
void fed_digest(const char *data, size_t n, buf_t *out);

#endif
