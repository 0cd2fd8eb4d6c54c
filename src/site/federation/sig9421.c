/*
 * sig9421.c — see sig9421.h. Written from RFC 9421 (sections 2, 3.2, 4.1,
 * 4.2) and RFC 8941 (section 4.2, parsing); nothing more of either than the
 * inbox needs.
 *
 * The Structured Field parser is strict where RFC 8941 is strict (it fails
 * the whole field on any error) and a little stricter where a signature
 * header gains nothing from leniency: a dictionary key or a parameter seen
 * twice is refused rather than overwritten (two keyids in one header can
 * only be a trick), and sizes are capped (SF_*).
 */
#include "site/federation/sig9421.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define SF_MEMBERS 8  /* dictionary members */
#define SF_ITEMS 16   /* items of an inner list: the covered components */
#define SF_PARAMS 8   /* parameters of an item or inner list */
#define SF_KEY 32     /* a key's length, with its NUL */
#define SF_MAX_FIELD 8192

/* ---- RFC 8941 structured fields ---- */

enum { SF_INT, SF_DEC, SF_STR, SF_TOK, SF_BYTES, SF_BOOL };

/* A bare item. s/n: a string's decoded text (in the dictionary's arena),
 * or a token's, decimal's or byte sequence's text as written (base64 for
 * bytes), pointing into the field. */
typedef struct {
    int type;
    int64_t i; /* SF_INT; SF_BOOL 0 or 1 */
    const char *s;
    size_t n;
} sf_bare_t;

typedef struct {
    char key[SF_KEY];
    sf_bare_t v;
} sf_param_t;

typedef struct {
    sf_bare_t v;
    sf_param_t params[SF_PARAMS];
    int nparams;
} sf_item_t;

/* A member: an item, or (inner) an inner list whose parameters are in
 * item.params and whose items are list[]. */
typedef struct {
    char key[SF_KEY];
    int inner;
    sf_item_t item;
    sf_item_t list[SF_ITEMS];
    int nlist;
} sf_member_t;

typedef struct {
    sf_member_t m[SF_MEMBERS];
    int n;
    char *arena; /* decoded strings; as long as the field, so never full */
    size_t used;
} sf_dict_t;

typedef struct {
    const char *p;
    sf_dict_t *d;
} sfp_t;

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_lc(int c) { return c >= 'a' && c <= 'z'; }
static int is_tchar(int c) { return c && (is_alpha(c) || is_digit(c) || strchr("!#$%&'*+-.^_`|~", c)); }
static int is_b64(int c) { return c && (is_alpha(c) || is_digit(c) || c == '+' || c == '/' || c == '='); }

static void skip_sp(sfp_t *x)
{
    while (*x->p == ' ')
        x->p++;
}

static int parse_key(sfp_t *x, char *out)
{
    const char *p = x->p;
    if (!is_lc(*p) && *p != '*')
        return -1;
    size_t n = 0;
    while (is_lc(*p) || is_digit(*p) || *p == '_' || *p == '-' || *p == '.' || *p == '*') {
        if (n + 1 >= SF_KEY)
            return -1;
        out[n++] = *p++;
    }
    out[n] = '\0';
    x->p = p;
    return 0;
}

/* RFC 8941 4.2.4: at most 15 integer digits, or 12 and a fraction of 1-3. */
static int parse_number(sfp_t *x, sf_bare_t *v)
{
    const char *start = x->p, *p = x->p;
    int neg = *p == '-';
    if (neg)
        p++;
    if (!is_digit(*p))
        return -1;
    int64_t i = 0;
    int digits = 0;
    while (is_digit(*p)) {
        if (++digits > 15)
            return -1;
        i = i * 10 + (*p++ - '0');
    }
    if (*p == '.') {
        if (digits > 12)
            return -1;
        p++;
        int frac = 0;
        while (is_digit(*p)) {
            if (++frac > 3)
                return -1;
            p++;
        }
        if (frac == 0)
            return -1;
        v->type = SF_DEC;
        v->s = start;
        v->n = (size_t)(p - start);
    } else {
        v->type = SF_INT;
        v->i = neg ? -i : i;
    }
    x->p = p;
    return 0;
}

static int parse_string(sfp_t *x, sf_bare_t *v)
{
    const char *p = x->p + 1;
    char *out = x->d->arena + x->d->used;
    size_t n = 0;
    for (;; p++) {
        if (*p == '\\') {
            p++;
            if (*p != '"' && *p != '\\')
                return -1;
        } else if (*p == '"') {
            break;
        } else if (*p < 0x20 || *p > 0x7e) {
            return -1; /* also the end of the field: unterminated */
        }
        out[n++] = *p;
    }
    out[n] = '\0';
    x->d->used += n + 1;
    v->type = SF_STR;
    v->s = out;
    v->n = n;
    x->p = p + 1;
    return 0;
}

static int parse_bare(sfp_t *x, sf_bare_t *v)
{
    memset(v, 0, sizeof *v);
    char c = *x->p;
    if (c == '-' || is_digit(c))
        return parse_number(x, v);
    if (c == '"')
        return parse_string(x, v);
    if (is_alpha(c) || c == '*') {
        const char *p = x->p;
        while (is_tchar(*p) || *p == ':' || *p == '/')
            p++;
        v->type = SF_TOK;
        v->s = x->p;
        v->n = (size_t)(p - x->p);
        x->p = p;
        return 0;
    }
    if (c == ':') {
        const char *p = x->p + 1;
        while (is_b64(*p))
            p++;
        if (*p != ':')
            return -1;
        v->type = SF_BYTES;
        v->s = x->p + 1;
        v->n = (size_t)(p - v->s);
        x->p = p + 1;
        return 0;
    }
    if (c == '?' && (x->p[1] == '0' || x->p[1] == '1')) {
        v->type = SF_BOOL;
        v->i = x->p[1] == '1';
        x->p += 2;
        return 0;
    }
    return -1;
}

static int parse_params(sfp_t *x, sf_param_t *ps, int *np)
{
    *np = 0;
    while (*x->p == ';') {
        x->p++;
        skip_sp(x);
        if (*np >= SF_PARAMS)
            return -1;
        sf_param_t *pa = &ps[*np];
        if (parse_key(x, pa->key) < 0)
            return -1;
        for (int i = 0; i < *np; i++)
            if (strcmp(ps[i].key, pa->key) == 0)
                return -1;
        if (*x->p == '=') {
            x->p++;
            if (parse_bare(x, &pa->v) < 0)
                return -1;
        } else {
            memset(&pa->v, 0, sizeof pa->v);
            pa->v.type = SF_BOOL;
            pa->v.i = 1;
        }
        (*np)++;
    }
    return 0;
}

static int parse_item(sfp_t *x, sf_item_t *it)
{
    return parse_bare(x, &it->v) < 0 ? -1 : parse_params(x, it->params, &it->nparams);
}

static int parse_inner(sfp_t *x, sf_member_t *m)
{
    x->p++; /* ( */
    m->inner = 1;
    m->nlist = 0;
    for (;;) {
        skip_sp(x);
        if (*x->p == ')') {
            x->p++;
            break;
        }
        if (m->nlist >= SF_ITEMS || parse_item(x, &m->list[m->nlist]) < 0)
            return -1;
        m->nlist++;
        if (*x->p != ' ' && *x->p != ')')
            return -1;
    }
    return parse_params(x, m->item.params, &m->item.nparams);
}

/* Parse field (RFC 8941 4.2.2) into a malloc'ed dictionary; NULL when
 * malformed, empty or too big. Free with free(). */
static sf_dict_t *dict_parse(const char *field)
{
    size_t len = strlen(field);
    if (len == 0 || len > SF_MAX_FIELD)
        return NULL;
    sf_dict_t *d = xcalloc(1, sizeof *d + len + 1);
    d->arena = (char *)(d + 1);
    sfp_t x = {field, d};
    skip_sp(&x);
    for (;;) {
        if (d->n >= SF_MEMBERS)
            goto bad;
        sf_member_t *m = &d->m[d->n];
        if (parse_key(&x, m->key) < 0)
            goto bad;
        for (int i = 0; i < d->n; i++)
            if (strcmp(d->m[i].key, m->key) == 0)
                goto bad;
        if (*x.p == '=') {
            x.p++;
            if (*x.p == '(' ? parse_inner(&x, m) < 0 : parse_item(&x, &m->item) < 0)
                goto bad;
        } else {
            m->item.v.type = SF_BOOL;
            m->item.v.i = 1;
            if (parse_params(&x, m->item.params, &m->item.nparams) < 0)
                goto bad;
        }
        d->n++;
        while (*x.p == ' ' || *x.p == '\t')
            x.p++;
        if (!*x.p)
            return d;
        if (*x.p != ',')
            goto bad;
        x.p++;
        while (*x.p == ' ' || *x.p == '\t')
            x.p++;
        if (!*x.p)
            goto bad; /* a trailing comma */
    }
bad:
    free(d);
    return NULL;
}

static const sf_member_t *dict_get(const sf_dict_t *d, const char *key)
{
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->m[i].key, key) == 0)
            return &d->m[i];
    return NULL;
}

static const sf_bare_t *param(const sf_param_t *ps, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(ps[i].key, key) == 0)
            return &ps[i].v;
    return NULL;
}

/* Serialize (RFC 8941 4.1) a bare item, as the signature base repeats it. */
static void bare_write(buf_t *b, const sf_bare_t *v)
{
    switch (v->type) {
    case SF_INT:
        buf_int(b, (long long)v->i);
        break;
    case SF_BOOL:
        buf_raw(b, v->i ? "?1" : "?0", 2); /* raw: text */
        break;
    case SF_STR:
        buf_ch(b, '"');
        for (size_t i = 0; i < v->n; i++) {
            if (v->s[i] == '"' || v->s[i] == '\\')
                buf_ch(b, '\\');
            buf_ch(b, v->s[i]);
        }
        buf_ch(b, '"');
        break;
    case SF_BYTES:
        buf_ch(b, ':');
        buf_raw(b, v->s, v->n); /* raw: text */
        buf_ch(b, ':');
        break;
    default: /* a token, or a decimal as written (sig9421_prepare refuses
              * decimals, whose canonical form may differ) */
        buf_raw(b, v->s, v->n); /* raw: text */
    }
}

static void params_write(buf_t *b, const sf_param_t *ps, int n)
{
    for (int i = 0; i < n; i++) {
        buf_ch(b, ';');
        buf_rawz(b, ps[i].key); /* raw: text */
        if (ps[i].v.type == SF_BOOL && ps[i].v.i)
            continue; /* true is written as the bare key */
        buf_ch(b, '=');
        bare_write(b, &ps[i].v);
    }
}

/* Base64 (padded or not, as RFC 8941 4.2.7 allows) into out; its length,
 * or -1 when malformed or longer than cap. */
static long b64_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
    while (n > 0 && s[n - 1] == '=')
        n--;
    if (n % 4 == 1 || n == 0 || (n + 3) / 4 * 3 > cap + 2 || n > 4096)
        return -1;
    char padded[4100];
    memcpy(padded, s, n);
    size_t m = n;
    while (m % 4)
        padded[m++] = '=';
    unsigned char tmp[3076];
    int got = EVP_DecodeBlock(tmp, (const unsigned char *)padded, (int)m);
    if (got < 0)
        return -1;
    long len = got - (long)(m - n); /* EVP_DecodeBlock counts padding as zeros */
    if (len <= 0 || (size_t)len > cap)
        return -1;
    memcpy(out, tmp, (size_t)len);
    return len;
}

/* ---- Content-Digest (RFC 9530) ---- */

int sig9421_digest_ok(const char *content_digest, const char *body, size_t len)
{
    sf_dict_t *d = content_digest ? dict_parse(content_digest) : NULL;
    if (!d)
        return 0;
    int checked = 0, ok = 1;
    for (int i = 0; i < d->n && ok; i++) {
        const EVP_MD *md = strcmp(d->m[i].key, "sha-256") == 0   ? EVP_sha256()
                           : strcmp(d->m[i].key, "sha-512") == 0 ? EVP_sha512()
                                                                 : NULL;
        if (!md)
            continue; /* an algorithm we do not know says nothing */
        const sf_bare_t *v = &d->m[i].item.v;
        unsigned char want[64], got[EVP_MAX_MD_SIZE];
        unsigned int glen = 0;
        long wlen = !d->m[i].inner && v->type == SF_BYTES ? b64_decode(v->s, v->n, want, sizeof want) : -1;
        ok = wlen > 0 && EVP_Digest(body, len, got, &glen, md, NULL) == 1 && (size_t)wlen == glen &&
             CRYPTO_memcmp(want, got, glen) == 0;
        checked++;
    }
    free(d);
    return ok && checked > 0;
}

/* ---- the signature base (RFC 9421 2.5) ---- */

/* A derived component's value into out; 0, or -1 when name is not one we
 * derive for a request. */
static int derived(const sig9421_req_t *q, const char *name, buf_t *out)
{
    if (strcmp(name, "@method") == 0)
        buf_rawz(out, q->method); /* raw: text */
    else if (strcmp(name, "@target-uri") == 0)
        buf_printf(out, "%s://%s%s%s%s", q->scheme, q->authority, q->path, q->query ? "?" : "", /* raw: text */
                   q->query ? q->query : "");
    else if (strcmp(name, "@authority") == 0)
        buf_rawz(out, q->authority); /* raw: text */
    else if (strcmp(name, "@scheme") == 0)
        buf_rawz(out, q->scheme); /* raw: text */
    else if (strcmp(name, "@request-target") == 0)
        buf_printf(out, "%s%s%s", q->path, q->query ? "?" : "", q->query ? q->query : ""); /* raw: text */
    else if (strcmp(name, "@path") == 0)
        buf_rawz(out, q->path); /* raw: text */
    else if (strcmp(name, "@query") == 0)
        buf_printf(out, "?%s", q->query ? q->query : ""); /* raw: text */
    else
        return -1; /* @query-param needs a parameter; @status is a response's */
    return 0;
}

/* The covered components' lines of the base, and the checks on the list.
 * NULL, or why not. */
static const char *components(const sig9421_req_t *q, const sf_member_t *in, buf_t *base)
{
    int method = 0, target = 0, authority = 0, path = 0, digest = 0;
    buf_t v = BUF_INIT;
    const char *why = NULL;
    for (int i = 0; i < in->nlist && !why; i++) {
        const sf_item_t *c = &in->list[i];
        if (c->v.type != SF_STR || c->v.n == 0) {
            why = "Signature-Input: a covered component is not a string";
            break;
        }
        const char *name = c->v.s;
        if (c->nparams) {
            why = "Signature-Input: component parameters (;sf, ;key, ;bs, ;req, ;name) are not accepted";
            break;
        }
        for (const char *s = name; *s; s++)
            if (!(is_lc(*s) || is_digit(*s) || *s == '-' || *s == '_' || *s == '.' || (s == name && *s == '@')))
                why = "Signature-Input: a component name must be lower case";
        for (int k = 0; k < i && !why; k++)
            if (strcmp(in->list[k].v.s, name) == 0)
                why = "Signature-Input: a component is covered twice";
        if (why)
            break;
        buf_reset(&v);
        if (name[0] == '@') {
            if (derived(q, name, &v) < 0) {
                why = "Signature-Input: an unsupported derived component";
                break;
            }
            method |= strcmp(name, "@method") == 0;
            target |= strcmp(name, "@target-uri") == 0;
            authority |= strcmp(name, "@authority") == 0;
            path |= strcmp(name, "@path") == 0 || strcmp(name, "@request-target") == 0;
        } else if (q->field(q->ctx, name, &v) < 0) {
            why = "a header field the signature covers is missing";
            break;
        }
        const char *s = buf_cstr(&v);
        if (strpbrk(s, "\r\n") || strlen(s) != v.len) {
            why = "a covered value holds a line break";
            break;
        }
        digest |= strcmp(name, "content-digest") == 0;
        buf_printf(base, "\"%s\": %s\n", name, s); /* raw: text */
    }
    buf_free(&v);
    if (!why && (!method || !(target || (authority && path)) || (q->len > 0 && !digest)))
        why = "the signature must cover @method, @target-uri (or @authority and @path) and content-digest";
    return why;
}

/* The signature parameters: keyid and created required, expires honoured,
 * alg known. NULL, or why not. */
static const char *sig_params(const sig9421_req_t *q, const sf_member_t *in, sig9421_t *out)
{
    const sf_param_t *ps = in->item.params;
    int n = in->item.nparams;
    for (int i = 0; i < n; i++)
        if (ps[i].v.type == SF_DEC)
            return "Signature-Input: a decimal parameter";
    const sf_bare_t *keyid = param(ps, n, "keyid"), *created = param(ps, n, "created"),
                    *expires = param(ps, n, "expires"), *alg = param(ps, n, "alg");
    if (!keyid || keyid->type != SF_STR || keyid->n == 0 || keyid->n >= sizeof out->key_id)
        return "Signature-Input: keyid is required (a string)";
    if (!created || created->type != SF_INT)
        return "Signature-Input: created is required (an integer)";
    if (created->i < q->now - q->window || created->i > q->now + q->window)
        return "the signature's created time is too far from now";
    if (expires && (expires->type != SF_INT || expires->i < q->now))
        return "the signature has expired";
    if (alg) {
        if (alg->type != SF_STR ||
            !(strcmp(alg->s, "rsa-v1_5-sha256") == 0 || strcmp(alg->s, "rsa-pss-sha512") == 0 ||
              strcmp(alg->s, "ed25519") == 0))
            return "unsupported signature algorithm";
        memcpy(out->alg, alg->s, alg->n + 1);
    }
    memcpy(out->key_id, keyid->s, keyid->n + 1);
    return NULL;
}

int sig9421_prepare(const sig9421_req_t *req, const char *signature_input, const char *signature, sig9421_t *out,
                    const char **why)
{
    memset(out, 0, sizeof *out);
    sf_dict_t *in = dict_parse(signature_input), *sg = in ? dict_parse(signature) : NULL;
    buf_t base = BUF_INIT;
    buf_init(&base, 16384);
    *why = NULL;
    /* The first label is the one checked: a sender adds its own signature
     * first, and anything after it (a proxy's) is not the sender's word. */
    const sf_member_t *m = in ? &in->m[0] : NULL, *s = sg && m ? dict_get(sg, m->key) : NULL;
    if (!in)
        *why = "Signature-Input is not a valid structured dictionary";
    else if (!sg)
        *why = "Signature is not a valid structured dictionary";
    else if (!m->inner)
        *why = "Signature-Input: a signature's components must be an inner list";
    else if (!s || s->inner || s->item.v.type != SF_BYTES)
        *why = "Signature has no byte sequence for the Signature-Input's label";
    else if (!(*why = sig_params(req, m, out)) && !(*why = components(req, m, &base))) {
        long n = b64_decode(s->item.v.s, s->item.v.n, out->sig, sizeof out->sig);
        if (n < 0)
            *why = "Signature: the signature is not valid base64";
        out->sig_len = n < 0 ? 0 : (size_t)n;
    }
    if (!*why) {
        buf_lit(&base, "\"@signature-params\": (");
        for (int i = 0; i < m->nlist; i++) {
            if (i)
                buf_ch(&base, ' ');
            bare_write(&base, &m->list[i].v);
        }
        buf_ch(&base, ')');
        params_write(&base, m->item.params, m->item.nparams);
        if (base.err)
            *why = "the signature base is too long";
    }
    if (!*why) {
        /* Checked here rather than on the pool: a digest that does not
         * match needs no key to refuse. */
        buf_t cd = BUF_INIT;
        if (req->field(req->ctx, "content-digest", &cd) < 0 ||
            !sig9421_digest_ok(buf_cstr(&cd), req->body, req->len))
            *why = "the Content-Digest header does not match the body";
        buf_free(&cd);
    }
    if (!*why)
        out->base = buf_steal(&base, NULL);
    buf_free(&base);
    free(in);
    free(sg);
    return *why ? -1 : 0;
}

int sig9421_verify(const char *pub_pem, const sig9421_t *s)
{
    if (!s->base || !pub_pem)
        return 0;
    BIO *bio = BIO_new_mem_buf(pub_pem, -1);
    EVP_PKEY *key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!key)
        return 0;
    int type = EVP_PKEY_get_base_id(key);
    const char *alg = s->alg[0] ? s->alg : type == EVP_PKEY_ED25519 ? "ed25519" : "rsa-v1_5-sha256";
    const EVP_MD *md = NULL;
    int want = EVP_PKEY_RSA, pss = 0;
    if (strcmp(alg, "rsa-v1_5-sha256") == 0)
        md = EVP_sha256();
    else if (strcmp(alg, "rsa-pss-sha512") == 0)
        md = EVP_sha512(), pss = 1;
    else
        want = EVP_PKEY_ED25519; /* one-shot: no digest */
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = ctx && type == want && EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key) == 1;
    /* RFC 9421 3.3.1: PSS with MGF1 over SHA-512 and a 64-byte salt. */
    if (ok && pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha512()) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 64) == 1;
    ok = ok && EVP_DigestVerify(ctx, s->sig, s->sig_len, (const unsigned char *)s->base, strlen(s->base)) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return ok;
}

void sig9421_free(sig9421_t *s)
{
    free(s->base);
    s->base = NULL;
}
