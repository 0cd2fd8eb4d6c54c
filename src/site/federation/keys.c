/*
 * keys.c — see keys.h.
 */
#include "site/federation/keys.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"

int fed_key_get(db_t *db, int64_t user_id, char **pub, char **priv)
{
    db_stmt_t *st = db_prepare(db, "SELECT public_pem, private_pem FROM fed_keys WHERE user_id = :u");
    db_bind_int(st, ":u", user_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *pub = xstrdup(db_col_text(st, 0));
        if (priv)
            *priv = xstrdup(db_col_text(st, 1));
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* The PEM of key (public or private half) into a malloc'ed string. */
static char *pem_of(EVP_PKEY *key, int private)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return NULL;
    int ok = private ? PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) : PEM_write_bio_PUBKEY(bio, key);
    char *out = NULL;
    if (ok) {
        char *p;
        long n = BIO_get_mem_data(bio, &p);
        out = xmalloc((size_t)n + 1);
        memcpy(out, p, (size_t)n);
        out[n] = '\0';
    }
    BIO_free(bio);
    return out;
}

int fed_key_make(db_t *db, int64_t user_id)
{
    char *pub = NULL;
    int have = fed_key_get(db, user_id, &pub, NULL);
    free(pub);
    if (have != 0)
        return have < 0 ? -1 : 0;
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    if (!key)
        return -1;
    char *pubpem = pem_of(key, 0), *privpem = pem_of(key, 1);
    EVP_PKEY_free(key);
    int rc = -1;
    if (pubpem && privpem) {
        db_stmt_t *st = db_prepare(db, "INSERT INTO fed_keys(user_id, public_pem, private_pem, created_at) "
                                       "VALUES (:u, :pub, :priv, :t) ON CONFLICT (user_id) DO NOTHING");
        db_bind_int(st, ":u", user_id);
        db_bind_text(st, ":pub", pubpem);
        db_bind_text(st, ":priv", privpem);
        db_bind_int(st, ":t", (int64_t)time(NULL));
        rc = db_step(st) == DB_DONE ? 0 : -1;
        db_done(st);
    }
    if (privpem)
        OPENSSL_cleanse(privpem, strlen(privpem));
    free(pubpem);
    free(privpem);
    return rc;
}

static void b64(const unsigned char *p, size_t n, buf_t *out)
{
    size_t cap = 4 * ((n + 2) / 3) + 1;
    unsigned char *t = xmalloc(cap);
    int m = EVP_EncodeBlock(t, p, (int)n);
    buf_raw(out, (const char *)t, (size_t)m); /* raw: base64 text */
    free(t);
}

int fed_sign(const char *priv_pem, const char *data, size_t n, buf_t *out)
{
    BIO *bio = BIO_new_mem_buf(priv_pem, -1);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!key)
        return -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *sig = NULL;
    size_t slen = 0;
    int rc = -1;
    if (ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
        EVP_DigestSign(ctx, NULL, &slen, (const unsigned char *)data, n) == 1) {
        sig = xmalloc(slen);
        if (EVP_DigestSign(ctx, sig, &slen, (const unsigned char *)data, n) == 1) {
            b64(sig, slen, out);
            rc = 0;
        }
    }
    free(sig);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return rc;
}

int fed_verify(const char *pub_pem, const char *data, size_t n, const char *sig_b64)
{
    size_t blen = strlen(sig_b64);
    if (blen == 0 || blen > 2048 || blen % 4)
        return 0;
    unsigned char sig[1600];
    int slen = EVP_DecodeBlock(sig, (const unsigned char *)sig_b64, (int)blen);
    if (slen <= 0)
        return 0;
    /* EVP_DecodeBlock counts the padding as zero bytes. */
    if (sig_b64[blen - 1] == '=')
        slen--;
    if (sig_b64[blen - 2] == '=')
        slen--;
    BIO *bio = BIO_new_mem_buf(pub_pem, -1);
    EVP_PKEY *key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!key)
        return 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA &&
             EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestVerify(ctx, sig, (size_t)slen, (const unsigned char *)data, n) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return ok;
}

void fed_digest(const char *data, size_t n, buf_t *out)
{
    unsigned char md[32];
    unsigned int mlen = 0;
    EVP_Digest(data, n, md, &mlen, EVP_sha256(), NULL);
    buf_lit(out, "SHA-256=");
    b64(md, mlen, out);
}
