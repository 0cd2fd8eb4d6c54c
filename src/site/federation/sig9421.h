/*
 * sig9421.h — verifying RFC 9421 HTTP Message Signatures on inbox POSTs
 * (Fedify signs this way first, then falls back to draft-cavage), with the
 * Structured Field parsing (RFC 8941) of Signature-Input, Signature and
 * Content-Digest (RFC 9530) that it needs.
 *
 * Two steps, because the key may have to be fetched from another server:
 * sig9421_prepare runs on the loop without the key and checks everything
 * that can be checked without it (the headers parse, the covered components
 * are enough and present, created is recent, Content-Digest matches the
 * body) and builds the signature base; sig9421_verify then checks the
 * signature under the signer's public key, on the pool.
 *
 * Every input comes from another server: malformed headers, unknown
 * component kinds or parameters, duplicates and oversized values are
 * refused with a reason, never guessed at. Pure functions: no shared state,
 * any thread.
 */
#ifndef HAO_FED_SIG9421_H
#define HAO_FED_SIG9421_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* The request as the inbox received it. field gives a header field's
 * value (all its lines joined by ", ", as RFC 9421 2.1 reads them) into
 * out and returns 0, or returns -1 when the request has no such field;
 * name is lower case. */
typedef struct {
    const char *method;    /* as sent, e.g. "POST" */
    const char *scheme;    /* "http" or "https", as the site is reached */
    const char *authority; /* host[:port], lower case */
    const char *path;      /* without the query */
    const char *query;     /* after '?', or NULL when none */
    const char *body;
    size_t len;
    int64_t now;    /* seconds since the epoch */
    int64_t window; /* created may be this far from now, either way */
    int (*field)(void *ctx, const char *name, buf_t *out);
    void *ctx;
} sig9421_req_t;

/* What sig9421_verify needs. Owns base (free with sig9421_free). */
typedef struct {
    char key_id[1024];
    char alg[32];              /* the alg parameter, "" when absent */
    char *base;                /* the signature base, NUL-terminated */
    unsigned char sig[1024];   /* the signature bytes */
    size_t sig_len;
} sig9421_t;

/* Check signature_input and signature (the two headers' values) against
 * req and fill out. 0, or -1 with *why set to a static reason (the
 * request is then to be refused with 401). out needs sig9421_free either
 * way. */
int sig9421_prepare(const sig9421_req_t *req, const char *signature_input, const char *signature, sig9421_t *out,
                    const char **why);
/* 1 when s's signature verifies under the public key in PEM with the
 * algorithm s names (rsa-v1_5-sha256, rsa-pss-sha512, ed25519; none named:
 * the key's own, RSA as rsa-v1_5-sha256), 0 otherwise (also for a key of
 * another type than alg). */
int sig9421_verify(const char *pub_pem, const sig9421_t *s);
void sig9421_free(sig9421_t *s);

/* 1 when the Content-Digest field value (an RFC 8941 dictionary) has a
 * sha-256 or sha-512 member and every such member matches body; 0 when
 * not or malformed. Other algorithms are ignored. */
int sig9421_digest_ok(const char *content_digest, const char *body, size_t len);

#endif
