/*
 * site.c — see site.h.
 */
#include "site/site.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/token.h"
#include "http/server.h"

#define SETUP_TOKEN_TTL (24 * 3600)

/* The default statement. "{site}" is replaced by the site name. */
static const char *const default_statement_zh =
    "特别声明:以上内容(如有图片或视频亦包括在内)为「{site}」用户上传并发布,本平台仅提供信息存储服务。";
static const char *const default_statement_en =
    "Notice: The content above (including the pictures and videos if any) is uploaded and posted by a user "
    "of {site}, which only provides information storage services.";

/* The name and statements every page shows. An admin may change them while
 * loops render, so they live in an immutable snapshot swapped atomically;
 * replaced snapshots are kept (a few hundred bytes per settings change) until
 * exit, so a page being rendered never reads freed memory. */
typedef struct snap {
    char version[32]; /* the "site_version" setting it was loaded at */
    char name[128];
    char zh[2048], en[2048];
    struct snap *older;
} snap_t;

static _Atomic(snap_t *) current;

const char *site_name(void)
{
    snap_t *s = atomic_load(&current);
    return s ? s->name : server_state.site_name;
}

const char *site_default_statement(lang_t lang)
{
    return lang == LANG_EN ? default_statement_en : default_statement_zh;
}

/* Expand "{site}" in tmpl into out. */
static void expand(char *out, size_t outsz, const char *tmpl, const char *name)
{
    size_t o = 0;
    for (const char *p = tmpl; *p && o + 1 < outsz;) {
        if (strncmp(p, "{site}", 6) == 0) {
            for (const char *q = name; *q && o + 1 < outsz; q++)
                out[o++] = *q;
            p += 6;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = 0;
}

int site_init(db_t *db, buf_t *err)
{
    if (sodium_init() < 0) {
        buf_lit(err, "libsodium failed to initialise");
        return -1;
    }
    char *hex = db_setting(db, "secret", NULL);
    if (!hex || strlen(hex) != 64 ||
        sodium_hex2bin(server_state.secret, sizeof server_state.secret, hex, 64, NULL, NULL, NULL) != 0) {
        char fresh[65];
        randombytes_buf(server_state.secret, sizeof server_state.secret);
        sodium_bin2hex(fresh, sizeof fresh, server_state.secret, sizeof server_state.secret);
        if (db_set_setting(db, "secret", fresh) < 0) {
            free(hex);
            buf_lit(err, "cannot store the site secret in the database");
            return -1;
        }
    }
    free(hex);
    site_reload(db);
    return 0;
}

void site_reload(db_t *db)
{
    snap_t *s = xcalloc(1, sizeof *s);
    char *version = db_setting(db, "site_version", "");
    snprintf(s->version, sizeof s->version, "%s", version);
    free(version);
    char *name = db_setting(db, "site_name", "hao");
    snprintf(s->name, sizeof s->name, "%s", name);
    /* server_state's copy is the start-up value (written before the loops
     * run); pages read the snapshot. */
    if (!atomic_load(&current))
        snprintf(server_state.site_name, sizeof server_state.site_name, "%s", name);
    free(name);
    char *zh = db_setting(db, "statement_zh", default_statement_zh);
    char *en = db_setting(db, "statement_en", default_statement_en);
    expand(s->zh, sizeof s->zh, zh, s->name);
    expand(s->en, sizeof s->en, en, s->name);
    free(zh);
    free(en);
    s->older = atomic_exchange(&current, s);
}

void site_refresh(db_t *db)
{
    snap_t *s = atomic_load(&current);
    char *version = db_setting(db, "site_version", "");
    int stale = !s || strcmp(s->version, version) != 0;
    free(version);
    if (stale)
        site_reload(db);
}

void site_free(void)
{
    snap_t *s = atomic_exchange(&current, NULL);
    while (s) {
        snap_t *o = s->older;
        free(s);
        s = o;
    }
}

void site_statement_text(buf_t *b, lang_t lang)
{
    snap_t *s = atomic_load(&current);
    if (s)
        buf_rawz(b, lang == LANG_EN ? s->en : s->zh); /* raw: the plain-text twin, for feeds and JSON that escape it */
}

void site_statement_html(buf_t *b, lang_t lang)
{
    snap_t *s = atomic_load(&current);
    if (s)
        buf_htmlz(b, lang == LANG_EN ? s->en : s->zh);
}

void site_announce(db_t *db, const char *listen)
{
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM users WHERE role = 'admin'");
    int64_t admins = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    if (admins > 0)
        return;
    char token[49], hash_hex[65], exp[32];
    token_new(token, sizeof token, hash_hex);
    snprintf(exp, sizeof exp, "%lld", (long long)(now_s() + SETUP_TOKEN_TTL));
    if (db_set_setting(db, "setup_token_hash", hash_hex) < 0 || db_set_setting(db, "setup_token_expires", exp) < 0) {
        fprintf(stderr, "hao: cannot store the setup token; use `hao user add` instead\n");
        return;
    }
    printf("hao: this site has no administrator yet. Open this one-time link within 24 hours to create one:\n"
           "hao:   http://%s/setup/%s\n"
           "hao: (or run: hao user add HANDLE --role admin)\n",
           listen, token);
}
