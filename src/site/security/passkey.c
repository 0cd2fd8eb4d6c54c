/*
 * passkey.c — see passkey.h. Loop thread only.
 */
#include "site/security/passkey.h"

#include <cbor.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "site/accounts/account.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/settings.h"
#include "site/security/security.h"

#define CHALLENGE_TTL 300
#define CRED_ID_MAX 1023
#define B64_MAX 8192 /* a field of the JSON bodies, base64url */
#define NAME_MAX_CHARS 60

enum { FLAG_UP = 0x01, FLAG_UV = 0x04, FLAG_AT = 0x40 };
enum { COSE_ES256 = -7, COSE_RS256 = -257 };

/* ---- small pieces ---- */

/* base64url without padding -> bytes. The length, or -1 when not valid. */
static long b64u_dec(const char *in, unsigned char *out, size_t cap)
{
    size_t n = 0;
    if (!in || strlen(in) > B64_MAX ||
        sodium_base642bin(out, cap, in, strlen(in), NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    return (long)n;
}

static void b64u_enc(const unsigned char *in, size_t n, char *out, size_t cap)
{
    sodium_bin2base64(out, cap, in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* The relying party: origin ("https://example.cn", no slash at the end)
 * and RP ID (its host). */
static void relying_party(hreq_t *r, char *origin, size_t ocap, char *rpid, size_t rcap)
{
    char *base = db_setting(r->db, "base_url", "");
    if (*base) {
        snprintf(origin, ocap, "%s", base);
    } else {
        h2o_iovec_t host = r->h->authority;
        snprintf(origin, ocap, "%s://%.*s", r->h->scheme == &H2O_URL_SCHEME_HTTPS ? "https" : "http",
                 (int)(host.len > 255 ? 255 : host.len), host.base);
    }
    free(base);
    size_t n = strlen(origin);
    while (n && origin[n - 1] == '/')
        origin[--n] = 0;
    const char *h = strstr(origin, "://");
    h = h ? h + 3 : origin;
    size_t hl = strcspn(h, ":/");
    snprintf(rpid, rcap, "%.*s", (int)hl, h);
}

static void json_answer(hreq_t *r, int status, const char *code, const char *message)
{
    buf_t b = BUF_INIT;
    if (code) {
        buf_lit(&b, "{\"error\":{\"code\":");
        buf_json_strz(&b, code);
        buf_lit(&b, ",\"message\":");
        buf_json_strz(&b, message);
        buf_lit(&b, "}}");
    } else {
        buf_rawz(&b, message); /* raw: JSON built by the caller */
    }
    rs_json(r, status, &b);
    buf_free(&b);
}

static json_t *body_json(hreq_t *r)
{
    size_t n;
    const char *body = rq_body(r, &n);
    if (!body || !n)
        return NULL;
    json_t *j = json_loadb(body, n, 0, NULL);
    if (j && !json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static const char *jstr(json_t *j, const char *key)
{
    json_t *v = json_object_get(j, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A fresh challenge for (uid, purpose), stored; its base64url in out. */
static int new_challenge(db_t *db, int64_t uid, const char *purpose, char out[64])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    b64u_enc(raw, sizeof raw, out, 64);
    db_stmt_t *st = db_prepare(db, "DELETE FROM webauthn_challenges WHERE expires_at < :now");
    db_bind_int(st, ":now", now_s());
    db_step(st);
    db_done(st);
    st = db_prepare(db, "INSERT INTO webauthn_challenges(challenge, user_id, purpose, expires_at) "
                        "VALUES (:c, :u, :p, :exp)");
    db_bind_text(st, ":c", out);
    db_bind_int(st, ":u", uid);
    db_bind_text(st, ":p", purpose);
    db_bind_int(st, ":exp", now_s() + CHALLENGE_TTL);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* Use up a challenge: 1 when it was issued for (uid, purpose) and is fresh. */
static int take_challenge(db_t *db, const char *challenge, int64_t uid, const char *purpose)
{
    if (!challenge || strlen(challenge) > 128)
        return 0;
    db_stmt_t *st = db_prepare(db, "DELETE FROM webauthn_challenges WHERE challenge = :c AND user_id = :u "
                                   "AND purpose = :p AND expires_at > :now");
    db_bind_text(st, ":c", challenge);
    db_bind_int(st, ":u", uid);
    db_bind_text(st, ":p", purpose);
    db_bind_int(st, ":now", now_s());
    int rc = db_step(st);
    int64_t n = rc == DB_DONE ? db_changes(db) : 0;
    db_done(st);
    return n == 1;
}

/* Check clientDataJSON (raw bytes): its type, its challenge (used up
 * here), its origin. NULL when good, else an error code. */
static const char *check_client_data(hreq_t *r, const unsigned char *cd, size_t n, const char *type, int64_t uid,
                                     const char *purpose)
{
    json_t *j = json_loadb((const char *)cd, n, 0, NULL);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        return "bad_client_data";
    }
    const char *t = jstr(j, "type"), *ch = jstr(j, "challenge"), *origin = jstr(j, "origin");
    char want_origin[300], rpid[256];
    relying_party(r, want_origin, sizeof want_origin, rpid, sizeof rpid);
    const char *err = NULL;
    if (!t || !ch || !origin)
        err = "bad_client_data";
    else if (strcmp(t, type) != 0)
        err = "wrong_type";
    else if (strcmp(origin, want_origin) != 0)
        err = "wrong_origin";
    else if (!take_challenge(r->db, ch, uid, purpose))
        err = "wrong_challenge";
    json_decref(j);
    return err;
}

/* The authenticator data's fixed part: the hash of this site's RP ID,
 * flags, counter. */
static const char *check_auth_data(const char *rpid, const unsigned char *ad, size_t n, unsigned need_flags,
                                   uint32_t *counter)
{
    if (n < 37)
        return "bad_authenticator_data";
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)rpid, strlen(rpid));
    if (sodium_memcmp(h, ad, 32) != 0)
        return "wrong_rp_id";
    if ((ad[32] & need_flags & FLAG_UP) != (need_flags & FLAG_UP))
        return "no_user_presence";
    if ((ad[32] & need_flags) != need_flags)
        return (need_flags & ~ad[32] & FLAG_UV) ? "no_user_verification" : "bad_authenticator_data";
    *counter = (uint32_t)ad[33] << 24 | (uint32_t)ad[34] << 16 | (uint32_t)ad[35] << 8 | ad[36];
    return NULL;
}

/* ---- CBOR from the browser ---- */

/* libcbor 0.8's cbor_load allocates a definite array or map for the count
 * its header declares before it reads a single item: 43 bytes could ask for
 * gigabytes (found by fuzz/passkey_fuzz.c). Each item takes at least one
 * byte, so a count above the bytes left is a lie, and such input is
 * refused before cbor_load sees it. libcbor's streaming decoder reads the
 * headers. */
typedef struct {
    size_t left;
    int lie;
} cbor_bound_t;

static void bound_array(void *ctx, size_t n)
{
    cbor_bound_t *b = ctx;
    if (n > b->left)
        b->lie = 1;
}

static void bound_map(void *ctx, size_t n)
{
    cbor_bound_t *b = ctx;
    if (n > b->left / 2)
        b->lie = 1;
}

static int cbor_counts_ok(const unsigned char *p, size_t n)
{
    struct cbor_callbacks cb = cbor_empty_callbacks;
    cb.array_start = bound_array;
    cb.map_start = bound_map;
    cbor_bound_t b = {0, 0};
    for (size_t off = 0; off < n;) {
        b.left = n - off;
        struct cbor_decoder_result r = cbor_stream_decode(p + off, n - off, &cb, &b);
        if (r.status != CBOR_DECODER_FINISHED || b.lie || r.read == 0)
            return 0;
        off += r.read;
    }
    return 1;
}

/* One CBOR item from p (counts checked first); NULL when malformed. */
static cbor_item_t *cbor_read(const unsigned char *p, size_t n, size_t *used)
{
    if (!cbor_counts_ok(p, n))
        return NULL;
    struct cbor_load_result res;
    cbor_item_t *it = cbor_load(p, n, &res);
    if (it && res.error.code != CBOR_ERR_NONE) {
        cbor_decref(&it);
        return NULL;
    }
    if (it && used)
        *used = res.read;
    return it;
}

/* ---- COSE keys (RFC 9053) to OpenSSL ---- */

static cbor_item_t *map_int(cbor_item_t *map, int64_t key)
{
    struct cbor_pair *p = cbor_map_handle(map);
    for (size_t i = 0; i < cbor_map_size(map); i++) {
        cbor_item_t *k = p[i].key;
        int64_t v;
        if (cbor_isa_uint(k))
            v = (int64_t)cbor_get_int(k);
        else if (cbor_isa_negint(k))
            v = -1 - (int64_t)cbor_get_int(k);
        else
            continue;
        if (v == key)
            return p[i].value;
    }
    return NULL;
}

static cbor_item_t *map_str(cbor_item_t *map, const char *key)
{
    struct cbor_pair *p = cbor_map_handle(map);
    for (size_t i = 0; i < cbor_map_size(map); i++) {
        cbor_item_t *k = p[i].key;
        if (cbor_isa_string(k) && cbor_string_is_definite(k) && cbor_string_length(k) == strlen(key) &&
            memcmp(cbor_string_handle(k), key, strlen(key)) == 0)
            return p[i].value;
    }
    return NULL;
}

static int cbor_int_is(cbor_item_t *it, int64_t want)
{
    if (!it)
        return 0;
    if (cbor_isa_uint(it))
        return want >= 0 && (int64_t)cbor_get_int(it) == want;
    if (cbor_isa_negint(it))
        return want < 0 && -1 - (int64_t)cbor_get_int(it) == want;
    return 0;
}

static int bytes_of(cbor_item_t *it, const unsigned char **p, size_t *n)
{
    if (!it || !cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it))
        return 0;
    *p = cbor_bytestring_handle(it);
    *n = cbor_bytestring_length(it);
    return 1;
}

/* The COSE key at key[0..n) as a public key: its algorithm in *alg and its
 * DER SubjectPublicKeyInfo, hex, in der_hex. *used gets the CBOR's length.
 * 0, or -1 (not ES256/P-256 nor RS256, or malformed). */
static int cose_to_der(const unsigned char *key, size_t n, size_t *used, int *alg, buf_t *der_hex)
{
    cbor_item_t *m = cbor_read(key, n, used);
    if (!m)
        return -1;
    int rc = -1;
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    BIGNUM *bn_n = NULL, *bn_e = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    if (!cbor_isa_map(m) || !cbor_map_is_definite(m))
        goto out;
    const unsigned char *a, *b;
    size_t al, bl;
    unsigned char point[65]; /* read by OSSL_PARAM_BLD_to_param: lives to the end */
    bld = OSSL_PARAM_BLD_new();
    if (!bld)
        goto out;
    if (cbor_int_is(map_int(m, 1), 2) && cbor_int_is(map_int(m, 3), COSE_ES256)) {
        /* EC2, P-256 (crv 1), x and y of 32 bytes each. */
        if (!cbor_int_is(map_int(m, -1), 1) || !bytes_of(map_int(m, -2), &a, &al) ||
            !bytes_of(map_int(m, -3), &b, &bl) || al != 32 || bl != 32)
            goto out;
        point[0] = 0x04;
        memcpy(point + 1, a, 32);
        memcpy(point + 33, b, 32);
        if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
            !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point))
            goto out;
        ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
        *alg = COSE_ES256;
    } else if (cbor_int_is(map_int(m, 1), 3) && cbor_int_is(map_int(m, 3), COSE_RS256)) {
        if (!bytes_of(map_int(m, -1), &a, &al) || !bytes_of(map_int(m, -2), &b, &bl) || al < 256 || al > 1024 ||
            bl < 1 || bl > 8)
            goto out;
        bn_n = BN_bin2bn(a, (int)al, NULL);
        bn_e = BN_bin2bn(b, (int)bl, NULL);
        if (!bn_n || !bn_e || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) ||
            !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e))
            goto out;
        ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
        *alg = COSE_RS256;
    } else {
        goto out;
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    if (!ctx || !params || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        goto out;
    unsigned char *der = NULL;
    int dl = i2d_PUBKEY(pkey, &der);
    if (dl <= 0)
        goto out;
    for (int i = 0; i < dl; i++)
        buf_printf(der_hex, "%02x", der[i]);
    OPENSSL_free(der);
    rc = 0;
out:
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    cbor_decref(&m);
    return rc;
}

/* Verify sig over data with the stored key (hex DER) and algorithm. 1 good. */
static int verify_sig(const char *der_hex, int alg, const unsigned char *data, size_t n, const unsigned char *sig,
                      size_t sl)
{
    size_t hl = strlen(der_hex);
    if (hl % 2 || hl > 4096)
        return 0;
    unsigned char der[2048];
    size_t dl = 0;
    if (sodium_hex2bin(der, sizeof der, der_hex, hl, NULL, &dl, NULL) != 0)
        return 0;
    const unsigned char *p = der;
    EVP_PKEY *pkey = d2i_PUBKEY(NULL, &p, (long)dl);
    if (!pkey)
        return 0;
    int want = alg == COSE_ES256 ? EVP_PKEY_EC : EVP_PKEY_RSA;
    int ok = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md && EVP_PKEY_base_id(pkey) == want && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) == 1)
        ok = EVP_DigestVerify(md, sig, sl, data, n) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    return ok;
}

/* ---- registration ---- */

/* POST /account/security/passkeys/options — body: {} (X-CSRF-Token).
 * Answers PublicKeyCredentialCreationOptions as JSON, binary fields in
 * base64url. */
void sec_passkey_reg_options(hreq_t *r)
{
    char ch[64], origin[300], rpid[256];
    if (new_challenge(r->db, r->user.id, "register", ch) < 0) {
        json_answer(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    relying_party(r, origin, sizeof origin, rpid, sizeof rpid);
    char *site = settings_get(r->db, "site_name");
    unsigned char uid_bytes[8];
    for (int i = 0; i < 8; i++)
        uid_bytes[i] = (unsigned char)((uint64_t)r->user.id >> (56 - 8 * i));
    char uid64[16];
    b64u_enc(uid_bytes, sizeof uid_bytes, uid64, sizeof uid64);
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"challenge\":");
    buf_json_strz(&b, ch);
    buf_lit(&b, ",\"rp\":{\"id\":");
    buf_json_strz(&b, rpid);
    buf_lit(&b, ",\"name\":");
    buf_json_strz(&b, site);
    buf_lit(&b, "},\"user\":{\"id\":");
    buf_json_strz(&b, uid64);
    buf_lit(&b, ",\"name\":");
    buf_json_strz(&b, r->user.handle);
    buf_lit(&b, ",\"displayName\":");
    buf_json_strz(&b, r->user.display_name);
    buf_lit(&b, "},\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":-7},{\"type\":\"public-key\",\"alg\":-257}],"
                "\"timeout\":300000,\"attestation\":\"none\","
                "\"authenticatorSelection\":{\"residentKey\":\"required\",\"requireResidentKey\":true,"
                "\"userVerification\":\"required\"},"
                "\"excludeCredentials\":[");
    free(site);
    db_stmt_t *st = db_prepare(r->db, "SELECT cred_id FROM passkeys WHERE user_id = :u");
    db_bind_int(st, ":u", r->user.id);
    for (int n = 0; db_step(st) == DB_ROW; n++) {
        if (n)
            buf_ch(&b, ',');
        buf_lit(&b, "{\"type\":\"public-key\",\"id\":");
        buf_json_strz(&b, db_col_text(st, 0));
        buf_ch(&b, '}');
    }
    db_done(st);
    buf_lit(&b, "]}");
    rs_json(r, 200, &b);
    buf_free(&b);
}

static int name_ok(const char *s, const char **trimmed, size_t *len)
{
    const char *t = s ? s : "";
    size_t n = strlen(t);
    text_trim(&t, &n);
    *trimmed = t;
    *len = n;
    return n > 0 && text_valid_line(t, n) && text_chars(t, n) <= NAME_MAX_CHARS;
}

/* POST /account/security/passkeys — body {"name","clientDataJSON",
 * "attestationObject"} (binary as base64url; X-CSRF-Token). 201
 * {"id","name"}, or 400 {"error":{"code"}} naming what did not verify. */
/* A registration's attestation object (CBOR): "none" attestation, its
 * authenticator data for rpid with user presence, verification and an
 * attested credential; the credential id base64url-encoded into cred64
 * (cap bytes), its public key as DER hex into der and its algorithm, the
 * counter. NULL, or the error code the browser is answered with. */
static const char *read_attestation(const unsigned char *ao, size_t aol, const char *rpid, char *cred64, size_t cap,
                                    buf_t *der, int *alg, uint32_t *counter)
{
    cbor_item_t *att = cbor_read(ao, aol, NULL);
    const char *err = NULL;
    if (!att || !cbor_isa_map(att) || !cbor_map_is_definite(att))
        err = "bad_cbor";
    const unsigned char *ad = NULL;
    size_t adl = 0;
    if (!err) {
        cbor_item_t *fmt = map_str(att, "fmt"), *stmt = map_str(att, "attStmt");
        if (!fmt || !cbor_isa_string(fmt) || !cbor_string_is_definite(fmt) || cbor_string_length(fmt) != 4 ||
            memcmp(cbor_string_handle(fmt), "none", 4) != 0 || !stmt || !cbor_isa_map(stmt) || cbor_map_size(stmt) != 0)
            err = "attestation_not_none";
        else if (!bytes_of(map_str(att, "authData"), &ad, &adl))
            err = "bad_cbor";
    }
    if (!err)
        err = check_auth_data(rpid, ad, adl, FLAG_UP | FLAG_UV | FLAG_AT, counter);
    if (!err) {
        /* attestedCredentialData: aaguid (16), credentialIdLength (2),
         * credentialId, credentialPublicKey (COSE). */
        if (adl < 37 + 18)
            err = "bad_authenticator_data";
        else {
            size_t idl = (size_t)ad[53] << 8 | ad[54];
            size_t used = 0;
            if (idl == 0 || idl > CRED_ID_MAX || 55 + idl >= adl)
                err = "bad_authenticator_data";
            else if (cose_to_der(ad + 55 + idl, adl - 55 - idl, &used, alg, der) < 0)
                err = "unsupported_key";
            else
                b64u_enc(ad + 55, idl, cred64, cap);
        }
    }
    if (att)
        cbor_decref(&att);
    return err;
}

void sec_passkey_register(hreq_t *r)
{
    json_t *j = body_json(r);
    if (!j) {
        json_answer(r, 400, "bad_json", T(r->lang, "sec.err.passkey"));
        return;
    }
    unsigned char *cd = rq_alloc(r, B64_MAX), *ao = rq_alloc(r, B64_MAX);
    const char *name = jstr(j, "name"), *trimmed = NULL;
    size_t name_len;
    long cdl = b64u_dec(jstr(j, "clientDataJSON"), cd, B64_MAX);
    long aol = b64u_dec(jstr(j, "attestationObject"), ao, B64_MAX);
    const char *err = NULL;
    buf_t der = BUF_INIT;
    char cred64[CRED_ID_MAX * 2];
    int alg = 0;
    uint32_t counter = 0;
    if (!name_ok(name, &trimmed, &name_len))
        err = "bad_name";
    else if (cdl < 0 || aol < 0)
        err = "bad_encoding";
    if (!err)
        err = check_client_data(r, cd, (size_t)cdl, "webauthn.create", r->user.id, "register");
    if (!err) {
        char origin[300], rpid[256];
        relying_party(r, origin, sizeof origin, rpid, sizeof rpid);
        err = read_attestation(ao, (size_t)aol, rpid, cred64, sizeof cred64, &der, &alg, &counter);
    }
    if (err) {
        buf_free(&der);
        json_decref(j);
        json_answer(r, 400, err, T(r->lang, "sec.err.passkey"));
        return;
    }
    char *clean = rq_strndup(r, trimmed, name_len);
    json_decref(j);
    if (db_begin(r->db) < 0) {
        buf_free(&der);
        json_answer(r, 503, "busy", T(r->lang, "err.internal"));
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "INSERT INTO passkeys(user_id, cred_id, alg, public_key, sign_count, name, "
                                      "created_at) VALUES (:u, :c, :a, :k, :n, :name, :now) RETURNING id");
    db_bind_int(st, ":u", r->user.id);
    db_bind_text(st, ":c", cred64);
    db_bind_int(st, ":a", alg);
    db_bind_text(st, ":k", buf_cstr(&der));
    db_bind_int(st, ":n", counter);
    db_bind_text(st, ":name", clean);
    db_bind_int(st, ":now", now_s());
    int rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    buf_free(&der);
    if (rc == DB_CONSTRAINT) {
        db_rollback(r->db);
        json_answer(r, 409, "already_registered", T(r->lang, "sec.err.passkey_taken"));
        return;
    }
    if (!id || sec_event(r->db, r->user.id, NULL, "security.passkey_added", clean, "你的账号添加了一个通行密钥。",
                         "A passkey was added to your account.") < 0 ||
        db_commit(r->db) < 0) {
        db_rollback(r->db);
        json_answer(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    buf_printf(&b, "{\"id\":%lld,\"name\":", (long long)id);
    buf_json_strz(&b, clean);
    buf_ch(&b, '}');
    rs_json(r, 201, &b);
    buf_free(&b);
}

/* ---- sign-in ---- */

/* POST /login/passkey/options — body {} (X-CSRF-Token). Options for
 * navigator.credentials.get: a challenge, the RP ID; any of the site's
 * passkeys may answer (discoverable credentials). */
void sec_passkey_login_options(hreq_t *r)
{
    char ch[64], origin[300], rpid[256];
    if (new_challenge(r->db, 0, "login", ch) < 0) {
        json_answer(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    relying_party(r, origin, sizeof origin, rpid, sizeof rpid);
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"challenge\":");
    buf_json_strz(&b, ch);
    buf_lit(&b, ",\"rpId\":");
    buf_json_strz(&b, rpid);
    buf_lit(&b, ",\"timeout\":300000,\"userVerification\":\"required\",\"allowCredentials\":[]}");
    rs_json(r, 200, &b);
    buf_free(&b);
}

/* POST /login/passkey — body {"id","clientDataJSON","authenticatorData",
 * "signature"} (base64url; X-CSRF-Token), "next" optional. 200 {"next"}
 * with a session, or 400/401 {"error":{"code"}} and no session. */
void sec_passkey_login(hreq_t *r)
{
    json_t *j = body_json(r);
    if (!j) {
        json_answer(r, 400, "bad_json", T(r->lang, "sec.err.passkey"));
        return;
    }
    unsigned char *cd = rq_alloc(r, B64_MAX), *ad = rq_alloc(r, B64_MAX), *sig = rq_alloc(r, 1024);
    long cdl = b64u_dec(jstr(j, "clientDataJSON"), cd, B64_MAX);
    long adl = b64u_dec(jstr(j, "authenticatorData"), ad, B64_MAX);
    long sl = b64u_dec(jstr(j, "signature"), sig, 1024);
    const char *cred = jstr(j, "id");
    const char *next = jstr(j, "next");
    char next_copy[1025];
    snprintf(next_copy, sizeof next_copy, "%s",
             next && next[0] == '/' && next[1] != '/' && next[1] != '\\' ? next : "/studio");
    int64_t pk_id = 0, uid = 0, stored = 0;
    int alg = 0;
    char key[2100] = "";
    const char *err = NULL;
    if (cdl < 0 || adl < 0 || sl < 0 || !cred || strlen(cred) > CRED_ID_MAX * 2)
        err = "bad_encoding";
    if (!err) {
        db_stmt_t *st = db_prepare(r->db, "SELECT p.id, p.user_id, p.alg, p.public_key, p.sign_count FROM passkeys p "
                                          "JOIN users u ON u.id = p.user_id WHERE p.cred_id = :c "
                                          "AND u.status = 'active' AND u.deleted_at IS NULL");
        db_bind_text(st, ":c", cred);
        if (db_step(st) == DB_ROW) {
            pk_id = db_col_int(st, 0);
            uid = db_col_int(st, 1);
            alg = (int)db_col_int(st, 2);
            snprintf(key, sizeof key, "%s", db_col_text(st, 3));
            stored = db_col_int(st, 4);
        }
        db_done(st);
        if (!pk_id)
            err = "unknown_credential";
    }
    json_decref(j);
    if (!err && sec_throttled(r, uid)) {
        json_answer(r, 429, "rate_limited", T(r->lang, "account.err.throttled"));
        return;
    }
    if (!err)
        err = check_client_data(r, cd, (size_t)cdl, "webauthn.get", 0, "login");
    uint32_t counter = 0;
    char origin[300], rpid[256];
    relying_party(r, origin, sizeof origin, rpid, sizeof rpid);
    if (!err)
        err = check_auth_data(rpid, ad, (size_t)adl, FLAG_UP | FLAG_UV, &counter);
    if (!err) {
        /* What was signed: authenticatorData || SHA-256(clientDataJSON). */
        unsigned char *signed_data = rq_alloc(r, (size_t)adl + 32);
        memcpy(signed_data, ad, (size_t)adl);
        crypto_hash_sha256(signed_data + adl, cd, (size_t)cdl);
        if (!verify_sig(key, alg, signed_data, (size_t)adl + 32, sig, (size_t)sl))
            err = "bad_signature";
    }
    /* The counter must grow when either side counts: a smaller or equal
     * one means a cloned authenticator (WebAuthn 6.1.1). */
    if (!err && (counter != 0 || stored != 0) && (int64_t)counter <= stored)
        err = "counter_went_back";
    if (err) {
        if (uid)
            sec_note_failure(r, uid);
        json_answer(r, strcmp(err, "bad_encoding") == 0 ? 400 : 401, err,
                    T(r->lang, strcmp(err, "unknown_credential") == 0 ? "sec.err.passkey_unknown" : "sec.err.passkey"));
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "UPDATE passkeys SET sign_count = :n, last_used = :now WHERE id = :id "
                                      "AND sign_count = :old");
    db_bind_int(st, ":n", counter);
    db_bind_int(st, ":now", now_s());
    db_bind_int(st, ":id", pk_id);
    db_bind_int(st, ":old", stored);
    int rc = db_step(st);
    int64_t changed = rc == DB_DONE ? db_changes(r->db) : 0;
    db_done(st);
    if (changed != 1) {
        json_answer(r, 401, "counter_went_back", T(r->lang, "sec.err.passkey"));
        return;
    }
    if (account_start_session(r, uid) < 0) {
        json_answer(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"next\":");
    buf_json_strz(&b, next_copy);
    buf_ch(&b, '}');
    rs_json(r, 200, &b);
    buf_free(&b);
}

/* ---- pages ---- */

static void page_open(hreq_t *r, buf_t *b, const char *title)
{
    page_meta_t m = {.noindex = 1, .script = "/static/passkey.js"};
    page_begin(r, b, title, &m);
    buf_hprintf(b, "<section class=\"security\"><h1 class=\"page-title\">%s</h1>\n", title);
}

/* What the script says when the browser's half fails, in the page's
 * language: data attributes of the form (the script is one static file). */
static void js_messages(hreq_t *r, buf_t *b)
{
    lang_t L = r->lang;
    buf_hprintf(b, " data-unsupported=\"%s\" data-not-allowed=\"%s\" data-exists=\"%s\" data-insecure=\"%s\" "
                   "data-failed=\"%s\"",
                T(L, "sec.passkey_js_unsupported"), T(L, "sec.passkey_js_not_allowed"), T(L, "sec.passkey_js_exists"),
                T(L, "sec.passkey_js_insecure"), T(L, "sec.passkey_js_failed"));
}

static void keys_render(hreq_t *r, int status, const char *msg, int ok)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_open(r, &b, T(L, "sec.passkeys"));
    sec_nav(r, &b, "/account/security/passkeys");
    if (ok)
        fk_ok(&b, msg);
    else
        fk_alert(&b, msg);
    db_stmt_t *st = db_prepare(r->db, "SELECT id, name, created_at, last_used FROM passkeys WHERE user_id = :u "
                                      "ORDER BY created_at");
    db_bind_int(st, ":u", r->user.id);
    buf_hprintf(&b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th><span class=\"visually-hidden\">%s</span>"
                    "</th></tr></thead><tbody>\n",
                T(L, "sec.token_name"), T(L, "sec.passkey_added_at"), T(L, "sec.last_used"), T(L, "sec.remove"));
    while (db_step(st) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        buf_lit(&b, "<tr><td><form method=\"post\" action=\"/account/security/passkeys/rename\">");
        page_csrf_field(r, &b);
        buf_hprintf(&b, "<input type=\"hidden\" name=\"key\" value=\"%lld\"><label class=\"visually-hidden\" "
                        "for=\"pk-%lld\">%s</label><input type=\"text\" id=\"pk-%lld\" name=\"name\" value=\"%s\" "
                        "required> <button type=\"submit\">%s</button></form></td><td>",
                    (long long)id, (long long)id, T(L, "sec.token_name"), (long long)id, db_col_text(st, 1),
                    T(L, "sec.rename"));
        page_time(&b, db_col_int(st, 2));
        buf_lit(&b, "</td><td>");
        if (db_col_int(st, 3))
            page_time(&b, db_col_int(st, 3));
        else
            buf_htmlz(&b, T(L, "sec.never_used"));
        buf_lit(&b, "</td><td><form method=\"post\" action=\"/account/security/passkeys/remove\">");
        page_csrf_field(r, &b);
        buf_hprintf(&b, "<input type=\"hidden\" name=\"key\" value=\"%lld\"><button type=\"submit\">%s</button>"
                        "</form></td></tr>\n",
                    (long long)id, T(L, "sec.remove"));
    }
    db_done(st);
    buf_lit(&b, "</tbody></table>\n");
    buf_hprintf(&b, "<h2>%s</h2>\n<p>%s</p>\n", T(L, "sec.passkey_add"), T(L, "sec.passkey_intro"));
    buf_lit(&b, "<form id=\"passkey-add\" class=\"stack\"");
    js_messages(r, &b);
    buf_ch(&b, '>');
    page_csrf_field(r, &b);
    fk_input(&b, T(L, "sec.token_name"), "name", NULL, 1);
    buf_hprintf(&b, "<p><button type=\"submit\">%s</button></p><p id=\"passkey-status\" role=\"status\"></p></form>\n",
                T(L, "sec.passkey_add"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /account/security/passkeys — query: added (1: the script's return
 * after a registration). The account's passkeys: rename, remove, add (the
 * script does the browser's part). */
void sec_passkeys_page(hreq_t *r)
{
    const char *added = rq_query(r, "added");
    if (added && strcmp(added, "1") == 0)
        keys_render(r, 200, T(r->lang, "sec.passkey_added"), 1);
    else
        keys_render(r, 200, NULL, 0);
}

static int64_t key_field(const form_t *f)
{
    const char *k = form_get(f, "key");
    if (!k || !*k || strlen(k) > 18 || strspn(k, "0123456789") != strlen(k))
        return 0;
    return atoll(k);
}

/* POST /account/security/passkeys/rename — fields: csrf, key, name. */
void sec_passkey_rename(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    int64_t id = key_field(&f);
    const char *name = form_get(&f, "name");
    size_t nl;
    const char *t;
    if (!name_ok(name, &t, &nl)) {
        keys_render(r, 422, T(r->lang, "sec.err.token_name"), 0);
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "UPDATE passkeys SET name = :n WHERE id = :id AND user_id = :u");
    db_bind_text(st, ":n", rq_strndup(r, t, nl));
    db_bind_int(st, ":id", id);
    db_bind_int(st, ":u", r->user.id);
    int rc = db_step(st);
    int64_t n = rc == DB_DONE ? db_changes(r->db) : -1;
    db_done(st);
    if (n != 1) {
        keys_render(r, n < 0 ? 500 : 404, T(r->lang, "sec.err.no_passkey"), 0);
        return;
    }
    keys_render(r, 200, T(r->lang, "sec.saved"), 1);
}

/* POST /account/security/passkeys/remove — fields: csrf, key. */
void sec_passkey_remove(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    int64_t id = key_field(&f);
    if (db_begin(r->db) < 0) {
        rs_error(r, 503, "busy", T(r->lang, "err.internal"));
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "DELETE FROM passkeys WHERE id = :id AND user_id = :u");
    db_bind_int(st, ":id", id);
    db_bind_int(st, ":u", r->user.id);
    int rc = db_step(st);
    int64_t n = rc == DB_DONE ? db_changes(r->db) : -1;
    db_done(st);
    if (n != 1) {
        db_rollback(r->db);
        keys_render(r, n < 0 ? 500 : 404, T(r->lang, "sec.err.no_passkey"), 0);
        return;
    }
    if (sec_event(r->db, r->user.id, NULL, "security.passkey_removed", "", "你的账号移除了一个通行密钥。",
                  "A passkey was removed from your account.") < 0 ||
        db_commit(r->db) < 0) {
        db_rollback(r->db);
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    keys_render(r, 200, T(r->lang, "sec.passkey_removed"), 1);
}

/* GET /login/passkey — query: next. A button the script turns into a
 * passkey sign-in. */
void sec_passkey_login_page(hreq_t *r)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_open(r, &b, T(L, "sec.passkey_login"));
    const char *next = rq_query(r, "next");
    buf_lit(&b, "<form id=\"passkey-login\" class=\"stack\"");
    js_messages(r, &b);
    buf_ch(&b, '>');
    page_csrf_field(r, &b);
    buf_hprintf(&b, "<input type=\"hidden\" name=\"next\" value=\"%s\">"
                    "<p><button type=\"submit\">%s</button></p><p id=\"passkey-status\" role=\"status\"></p></form>\n"
                    "<p><a href=\"/login\">%s</a></p></section>\n",
                next && next[0] == '/' ? next : "/studio", T(L, "sec.passkey_login"), T(L, "sec.password_login"));
    page_send(r, &b, 200);
}

/* GET /static/passkey.js — the browser's half: turn the options' base64url
 * into bytes, call navigator.credentials, send the answer back. */
void sec_passkey_js(hreq_t *r)
{
    static const char js[] =
        "'use strict';\n"
        "(function () {\n"
        "  function enc(buf) {\n"
        "    var s = '', b = new Uint8Array(buf);\n"
        "    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);\n"
        "    return btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');\n"
        "  }\n"
        "  function dec(s) {\n"
        "    s = s.replace(/-/g, '+').replace(/_/g, '/');\n"
        "    while (s.length % 4) s += '=';\n"
        "    var bin = atob(s), out = new Uint8Array(bin.length);\n"
        "    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);\n"
        "    return out;\n"
        "  }\n"
        "  // POST JSON; an answer that is not 2xx becomes an error carrying the\n"
        "  // server's message (or the form's own when there is none).\n"
        "  function post(form, url, body, csrf) {\n"
        "    return fetch(url, {method: 'POST', credentials: 'same-origin',\n"
        "      headers: {'content-type': 'application/json', 'x-csrf-token': csrf},\n"
        "      body: JSON.stringify(body)}).then(function (res) {\n"
        "      return res.json().catch(function () { return {}; }).then(function (j) {\n"
        "        if (res.ok) return j;\n"
        "        var e = new Error('refused');\n"
        "        e.shown = (j && j.error && j.error.message) || form.dataset.failed;\n"
        "        throw e;\n"
        "      });\n"
        "    });\n"
        "  }\n"
        "  // What to tell the person when the browser or the server said no.\n"
        "  function why(form, err) {\n"
        "    var d = form.dataset, n = err && err.name;\n"
        "    if (err && err.shown) return err.shown;\n"
        "    if (n === 'NotAllowedError' || n === 'AbortError') return d.notAllowed;\n"
        "    if (n === 'InvalidStateError') return d.exists;\n"
        "    if (n === 'SecurityError') return d.insecure;\n"
        "    if (n === 'NotSupportedError') return d.unsupported;\n"
        "    return d.failed;\n"
        "  }\n"
        "  function run(form, ceremony) {\n"
        "    form.addEventListener('submit', function (e) {\n"
        "      e.preventDefault();\n"
        "      var status = form.querySelector('#passkey-status');\n"
        "      var button = form.querySelector('button[type=submit]');\n"
        "      if (!window.PublicKeyCredential || !navigator.credentials) {\n"
        "        status.textContent = form.dataset.unsupported;\n"
        "        return;\n"
        "      }\n"
        "      if (button.disabled) return;\n"
        "      button.disabled = true;\n"
        "      status.textContent = '';\n"
        "      ceremony(form, form.querySelector('[name=csrf]').value).then(function (to) { location.href = to; },\n"
        "        function (err) { button.disabled = false; status.textContent = why(form, err); });\n"
        "    });\n"
        "  }\n"
        "  var add = document.getElementById('passkey-add');\n"
        "  if (add) run(add, function (form, csrf) {\n"
        "    return post(form, '/account/security/passkeys/options', {}, csrf).then(function (opt) {\n"
        "      opt.challenge = dec(opt.challenge);\n"
        "      opt.user.id = dec(opt.user.id);\n"
        "      opt.excludeCredentials = opt.excludeCredentials.map(function (c) {\n"
        "        return {type: c.type, id: dec(c.id)};\n"
        "      });\n"
        "      return navigator.credentials.create({publicKey: opt});\n"
        "    }).then(function (cred) {\n"
        "      return post(form, '/account/security/passkeys', {name: form.querySelector('[name=name]').value,\n"
        "        clientDataJSON: enc(cred.response.clientDataJSON),\n"
        "        attestationObject: enc(cred.response.attestationObject)}, csrf);\n"
        "    }).then(function () { return '/account/security/passkeys?added=1'; });\n"
        "  });\n"
        "  var login = document.getElementById('passkey-login');\n"
        "  if (login) run(login, function (form, csrf) {\n"
        "    return post(form, '/login/passkey/options', {}, csrf).then(function (opt) {\n"
        "      opt.challenge = dec(opt.challenge);\n"
        "      return navigator.credentials.get({publicKey: opt});\n"
        "    }).then(function (a) {\n"
        "      return post(form, '/login/passkey', {id: a.id, clientDataJSON: enc(a.response.clientDataJSON),\n"
        "        authenticatorData: enc(a.response.authenticatorData), signature: enc(a.response.signature),\n"
        "        next: form.querySelector('[name=next]').value}, csrf);\n"
        "    }).then(function (res) { return res.next; });\n"
        "  });\n"
        "})();\n";
    rs_header(r, "cache-control", "no-cache");
    rs_send(r, 200, "text/javascript; charset=utf-8", js, sizeof js - 1);
}
