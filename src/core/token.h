/*
 * token.h — secret tokens that hao hands out once and keeps only as a
 * SHA-256 hash (sessions, password resets, the setup link, notice and
 * report receipts), so a leaked database does not leak working links.
 */
#ifndef HAO_TOKEN_H
#define HAO_TOKEN_H

#include <stddef.h>

/* The lowercase hex SHA-256 of the NUL-terminated s (64 digits + NUL). */
void token_sha256_hex(const char *s, char out[65]);
/* A fresh random token of (size - 1) / 2 random bytes written as hex into
 * token[size] (so size 33 gives 16 bytes, 65 gives 32), and its
 * token_sha256_hex into hash. size must be odd and at most 129. */
void token_new(char *token, size_t size, char hash[65]);
/* 1 when token, as handed out, is exactly len characters and its hash is
 * stored_hash (64 hex digits; NULL or another length never matches),
 * compared in constant time; else 0. */
int token_matches(const char *token, size_t len, const char *stored_hash);

#endif
