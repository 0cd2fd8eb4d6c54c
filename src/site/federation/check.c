/*
 * check.c — see check.h.
 */
#include "site/federation/check.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>

/* Whether priv_pem parses and its public half is pub_pem. */
static int pair_ok(const char *priv_pem, const char *pub_pem)
{
    BIO *bio = BIO_new_mem_buf(priv_pem, -1);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!key)
        return 0;
    BIO *out = BIO_new(BIO_s_mem());
    int ok = 0;
    if (out && PEM_write_bio_PUBKEY(out, key)) {
        char *p;
        long n = BIO_get_mem_data(out, &p);
        ok = (size_t)n == strlen(pub_pem) && memcmp(p, pub_pem, (size_t)n) == 0;
    }
    BIO_free(out);
    EVP_PKEY_free(key);
    return ok;
}

/* Each row of sql is a problem: its first column named by what. */
static int rows(db_t *db, const char *sql, const char *what, buf_t *report)
{
    db_stmt_t *st = db_prepare(db, sql);
    int bad = 0;
    while (db_step(st) == DB_ROW) {
        buf_printf(report, "federation: %s: %s\n", what, db_col_text(st, 0)); /* raw: text */
        bad = 1;
    }
    db_done(st);
    return bad;
}

int fed_check(db_t *db, buf_t *report)
{
    int bad = 0;
    bad |= rows(db,
                "SELECT a.uri FROM fed_actors a JOIN users u ON u.id = a.user_id "
                "WHERE u.role <> 'reader' OR u.pass_hash <> '!' OR u.handle NOT LIKE '~%'",
                "remote account that could sign in or has a role (actor)", report);
    bad |= rows(db, "SELECT a.uri FROM fed_actors a JOIN works w ON w.author_id = a.user_id GROUP BY a.uri",
                "remote account owning works (actor)", report);
    bad |= rows(db,
                "SELECT CAST(d.id AS TEXT) FROM fed_deliveries d LEFT JOIN fed_activities a ON a.id = d.activity_id "
                "WHERE a.id IS NULL",
                "delivery without its activity (delivery)", report);
    bad |= rows(db,
                "SELECT o.uri FROM fed_objects o LEFT JOIN comments c ON c.id = o.comment_id "
                "WHERE o.kind = 'note' AND (c.id IS NULL OR c.author_id <> o.actor_id)",
                "kept note without its comment (note)", report);
    db_stmt_t *st = db_prepare(db, "SELECT u.handle, k.private_pem, k.public_pem FROM fed_keys k "
                                   "JOIN users u ON u.id = k.user_id");
    while (db_step(st) == DB_ROW) {
        if (!pair_ok(db_col_text(st, 1), db_col_text(st, 2))) {
            buf_printf(report, "federation: the key pair of %s is damaged\n", db_col_text(st, 0)); /* raw: text */
            bad = 1;
        }
    }
    db_done(st);
    return bad ? -1 : 0;
}
