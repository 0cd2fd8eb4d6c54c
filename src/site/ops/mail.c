/*
 * mail.c — see mail.h.
 */
#include "site/ops/mail.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/text.h"
#include "site/audience/newsletter.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/site.h"

int mail_address_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > MAIL_ADDRESS_MAX || !text_valid_line(s, n))
        return 0;
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.' || s[n - 1] == '.')
        return 0;
    for (const char *p = s; *p; p++)
        if (*p == ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';' || *p == '"' || *p == '\\')
            return 0; /* nothing that could add a recipient or a header */
    return 1;
}

/* 1 when h is "Name: value" lines as mail_queue_headers takes them. */
static int headers_ok(const char *h)
{
    const char *p = h;
    while (*p) {
        const char *name = p;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
            p++;
        if (p == name || p[0] != ':' || p[1] != ' ')
            return 0;
        for (p += 2; *p && *p != '\n'; p++)
            if (*p < 0x20 || *p > 0x7e)
                return 0;
        if (*p == '\n')
            p++;
    }
    return 1;
}

int mail_queue(db_t *db, const char *to, const char *subject, const char *body)
{
    return mail_queue_headers(db, to, subject, body, NULL);
}

int mail_queue_headers(db_t *db, const char *to, const char *subject, const char *body, const char *headers)
{
    if (!headers)
        headers = "";
    if (!headers_ok(headers))
        return -1;
    char *url = db_setting(db, "smtp_url", "");
    int configured = url && *url;
    free(url);
    if (!configured || !to || !mail_address_ok(to))
        return 0;
    db_stmt_t *st = db_prepare(db, "INSERT INTO outbox(to_addr, subject, body, headers, status, attempts, next_at, "
                                   "created_at) VALUES (:to, :s, :b, :h, 'queued', 0, :t, :t)");
    db_bind_text(st, ":h", headers);
    db_bind_text(st, ":to", to);
    db_bind_text(st, ":s", subject);
    db_bind_text(st, ":b", body);
    db_bind_int(st, ":t", now_s());
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

int mail_queue_user(db_t *db, int64_t user_id, const char *subject, const char *body)
{
    db_stmt_t *st = db_prepare(db, "SELECT email FROM users WHERE id = :id");
    db_bind_int(st, ":id", user_id);
    int rc = db_step(st);
    char to[MAIL_ADDRESS_MAX + 1] = "";
    if (rc == DB_ROW)
        snprintf(to, sizeof to, "%s", db_col_text(st, 0));
    db_done(st);
    if (rc == DB_ERROR)
        return -1;
    return *to ? mail_queue(db, to, subject, body) : 0;
}

/* ---- sending ---- */

typedef struct {
    const char *p;
    size_t left;
} reader_t;

static size_t read_cb(char *out, size_t size, size_t n, void *ctx)
{
    reader_t *r = ctx;
    size_t k = size * n < r->left ? size * n : r->left;
    memcpy(out, r->p, k);
    r->p += k;
    r->left -= k;
    return k;
}

/* RFC 2047: a UTF-8 header value as one encoded word (base64). */
static void header_word(buf_t *b, const char *s)
{
    size_t n = strlen(s);
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *enc = xmalloc(cap);
    sodium_bin2base64(enc, cap, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
    buf_printf(b, "=?UTF-8?B?%s?=", enc); /* raw: mail */
    free(enc);
}

/* The whole message: headers, then the body in base64 lines of 76. */
static void compose(buf_t *m, const char *from, const char *to, const char *subject, const char *headers,
                    const char *body, int64_t id)
{
    char date[CLOCK_TEXT_MAX];
    time_t t = time(NULL);
    clock_mail_date((int64_t)t, date);
    buf_printf(m, "Date: %s\r\nFrom: ", date); /* raw: mail */
    header_word(m, site_name());
    buf_printf(m, " <%s>\r\nTo: <%s>\r\nSubject: ", from, to); /* raw: mail */
    header_word(m, subject);
    const char *at = strchr(from, '@');
    buf_printf(m, "\r\nMessage-ID: <outbox.%lld.%lld%s>\r\n", (long long)id, (long long)t,
               at ? at : "@hao"); /* raw: mail */
    for (const char *p = headers; *p;) {
        size_t n = strcspn(p, "\n");
        buf_raw(m, p, n); /* raw: mail (checked by headers_ok when queued) */
        buf_lit(m, "\r\n");
        p += n + (p[n] == '\n');
    }
    buf_lit(m, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n");
    size_t n = strlen(body);
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *enc = xmalloc(cap);
    sodium_bin2base64(enc, cap, (const unsigned char *)body, n, sodium_base64_VARIANT_ORIGINAL);
    size_t el = strlen(enc);
    for (size_t i = 0; i < el; i += 76) {
        buf_raw(m, enc + i, el - i < 76 ? el - i : 76); /* raw: mail */
        buf_lit(m, "\r\n");
    }
    free(enc);
}

/* Send one message. 0, or -1 with the reason in err. */
static int smtp_send(const char *url, const char *from, const char *to, const char *subject, const char *headers,
                     const char *body, int64_t id, buf_t *err)
{
    buf_t m = BUF_INIT;
    compose(&m, from, to, subject, headers, body, id);
    CURL *c = curl_easy_init();
    if (!c) {
        buf_free(&m);
        buf_lit(err, "cannot start an SMTP request");
        return -1;
    }
    char f[MAIL_ADDRESS_MAX + 3], t[MAIL_ADDRESS_MAX + 3];
    snprintf(f, sizeof f, "<%s>", from);
    snprintf(t, sizeof t, "<%s>", to);
    struct curl_slist *rcpt = curl_slist_append(NULL, t);
    reader_t rd = {m.p, m.len};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, f);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &rd);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        buf_printf(err, "%s", curl_easy_strerror(rc)); /* raw: text */
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    buf_free(&m);
    return rc == CURLE_OK ? 0 : -1;
}

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;
    atomic_int stop; /* also read between messages, outside mu */
    int running;
    pthread_t thread;
    db_t *db;
} S = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

/* Claim the oldest due message (inside a write transaction, so one node
 * takes it), send it, record the outcome. 1 when one was handled. */
static int send_one(void)
{
    db_t *db = S.db;
    if (db_begin(db) < 0)
        return 0;
    db_stmt_t *st = db_prepare(db, "SELECT id, to_addr, subject, body, attempts, headers FROM outbox "
                                   "WHERE status = 'queued' AND next_at <= :now ORDER BY id LIMIT 1");
    db_bind_int(st, ":now", now_s());
    int64_t id = 0, attempts = 0;
    char *to = NULL, *subject = NULL, *body = NULL, *headers = NULL;
    if (db_step(st) == DB_ROW) {
        id = db_col_int(st, 0);
        to = xstrdup(db_col_text(st, 1));
        subject = xstrdup(db_col_text(st, 2));
        body = xstrdup(db_col_text(st, 3));
        attempts = db_col_int(st, 4);
        headers = xstrdup(db_col_text(st, 5));
    }
    db_done(st);
    if (!id) {
        db_rollback(db);
        return 0;
    }
    st = db_prepare(db, "UPDATE outbox SET status = 'sending' WHERE id = :id AND status = 'queued'");
    db_bind_int(st, ":id", id);
    int ok = db_step(st) == DB_DONE && db_changes(db) == 1;
    db_done(st);
    if (!ok || db_commit(db) < 0) {
        db_rollback(db);
        free(to), free(subject), free(body), free(headers);
        return 0;
    }
    char *url = db_setting(db, "smtp_url", "");
    char *from = db_setting(db, "smtp_from", "");
    buf_t err = BUF_INIT;
    int sent = -1;
    if (!*url)
        buf_lit(&err, "smtp_url is not set");
    else if (!mail_address_ok(from))
        buf_lit(&err, "smtp_from is not an address");
    else
        sent = smtp_send(url, from, to, subject, headers, body, id, &err);
    attempts++;
    if (sent == 0) {
        st = db_prepare(db, "UPDATE outbox SET status = 'sent', attempts = :a, sent_at = :t, last_error = '' "
                            "WHERE id = :id");
    } else {
        /* 1, 2, 4, ... minutes; given up after MAIL_ATTEMPTS. */
        st = db_prepare(db, "UPDATE outbox SET status = :s, attempts = :a, next_at = :t, last_error = :e WHERE id = :id");
        db_bind_text(st, ":s", attempts >= MAIL_ATTEMPTS ? "failed" : "queued");
        db_bind_text(st, ":e", buf_cstr(&err));
        fprintf(stderr, "hao: mail to %s (outbox %lld): %s\n", to, (long long)id, buf_cstr(&err));
    }
    db_bind_int(st, ":a", attempts);
    db_bind_int(st, ":t", sent == 0 ? now_s() : now_s() + (60LL << (attempts < 12 ? attempts - 1 : 11)));
    db_bind_int(st, ":id", id);
    db_step(st);
    db_done(st);
    buf_free(&err);
    free(url), free(from), free(to), free(subject), free(body), free(headers);
    return 1;
}

static void *sender_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&S.mu);
    while (!S.stop) {
        pthread_mutex_unlock(&S.mu);
        while (!S.stop && send_one())
            ;
        /* Newsletter jobs and digests: here, off the loops, within a second
         * (what they queue is sent at once, without the wait). */
        int queued = S.stop ? 0 : newsletter_pump(S.db);
        pthread_mutex_lock(&S.mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        if (!S.stop && !queued)
            pthread_cond_timedwait(&S.wake, &S.mu, &until);
    }
    pthread_mutex_unlock(&S.mu);
    return NULL;
}

int mail_sender_start(const char *data_dir, buf_t *err)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        buf_lit(err, "cannot initialise libcurl");
        return -1;
    }
    if (db_open(data_dir, 0, &S.db, err) < 0)
        return -1;
    /* A message left 'sending' by a crash is sent again (at least once). */
    db_exec(S.db, "UPDATE outbox SET status = 'queued' WHERE status = 'sending'");
    S.stop = 0;
    if (pthread_create(&S.thread, NULL, sender_main, NULL) != 0) {
        db_close(S.db);
        buf_lit(err, "cannot start the mail sender thread");
        return -1;
    }
    S.running = 1;
    return 0;
}

void mail_sender_stop(void)
{
    if (!S.running)
        return;
    pthread_mutex_lock(&S.mu);
    S.stop = 1;
    pthread_cond_signal(&S.wake);
    pthread_mutex_unlock(&S.mu);
    pthread_join(S.thread, NULL);
    db_close(S.db);
    S.running = 0;
}

/* ---- the account's address ---- */

static void address_page(hreq_t *r, int status, const char *value, const char *msg, int saved)
{
    buf_t b = BUF_INIT;
    fk_page_begin(r, &b, "mail-address", "mail.title", "mail.intro", msg);
    if (saved)
        fk_ok(&b, T(r->lang, "mail.saved"));
    fk_form_begin(r, &b, "/studio/email");
    fk_input(&b, T(r->lang, "mail.address"), "email", value, 0);
    fk_form_end(&b, T(r->lang, "mail.save"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

void mail_address_page(hreq_t *r)
{
    db_stmt_t *st = db_prepare(r->db, "SELECT email FROM users WHERE id = :id");
    db_bind_int(st, ":id", r->user.id);
    char cur[MAIL_ADDRESS_MAX + 1] = "";
    if (db_step(st) == DB_ROW)
        snprintf(cur, sizeof cur, "%s", db_col_text(st, 0));
    db_done(st);
    const char *saved = rq_query(r, "saved");
    address_page(r, 200, cur, NULL, saved && strcmp(saved, "1") == 0);
}

void mail_address_post(hreq_t *r)
{
    form_t f;
    if (rq_form(r, &f) < 0) {
        rs_error(r, 400, "bad_form", T(r->lang, "err.bad_form"));
        return;
    }
    const char *v = form_get(&f, "email");
    if (!v)
        v = "";
    size_t n = strlen(v);
    text_trim(&v, &n);
    char addr[MAIL_ADDRESS_MAX + 1];
    if (n > MAIL_ADDRESS_MAX) {
        address_page(r, 422, form_get(&f, "email"), T(r->lang, "mail.err.address"), 0);
        return;
    }
    snprintf(addr, sizeof addr, "%.*s", (int)n, v);
    if (*addr && !mail_address_ok(addr)) {
        address_page(r, 422, addr, T(r->lang, "mail.err.address"), 0);
        return;
    }
    db_stmt_t *st = db_prepare(r->db, "UPDATE users SET email = :e WHERE id = :id");
    db_bind_text(st, ":e", addr);
    db_bind_int(st, ":id", r->user.id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE) {
        rs_error(r, 500, "internal", T(r->lang, "err.internal"));
        return;
    }
    rs_redirect(r, 303, "/studio/email?saved=1");
}
