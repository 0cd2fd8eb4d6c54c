/*
 * metrics.c — see metrics.h. Owned by ops (issue 17). Loop thread (the
 * handler); its queries are counts over indexed columns of small tables.
 */
#include "site/ops/metrics.h"

#include <sodium.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/conf.h"
#include "db/db.h"
#include "http/metrics.h"
#include "media/helper.h"
#include "site/federation/inbox.h"

static int loopback(const char *a)
{
    return a && (!strncmp(a, "127.", 4) || !strcmp(a, "::1") || !strncmp(a, "::ffff:127.", 11));
}

int ops_metrics_allowed(hreq_t *r)
{
    const char *tok = conf_get("metrics_token");
    const char *auth = rq_header(r, "authorization");
    if (tok && *tok && auth && strlen(auth) == 7 + strlen(tok) && !strncasecmp(auth, "Bearer ", 7) &&
        sodium_memcmp(auth + 7, tok, strlen(tok)) == 0)
        return 1;
    return loopback(rq_peer(r)) && !rq_header(r, "x-forwarded-for") && !rq_header(r, "forwarded");
}

/* One number from a count query (-1 on a storage error). */
static long long count(db_t *db, const char *sql, const char *text, int64_t n)
{
    db_stmt_t *st = db_prepare(db, sql);
    if (!st)
        return -1;
    if (text)
        db_bind_text(st, ":s", text);
    if (strstr(sql, ":now"))
        db_bind_int(st, ":now", n);
    long long v = db_step(st) == DB_ROW ? (long long)db_col_int(st, 0) : -1;
    db_done(st);
    return v;
}

static void gauge(buf_t *b, const char *name, const char *help, long long v)
{
    if (v < 0)
        return; /* not known: left out rather than a false zero */
    buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help, name, name, v);
}

void ops_metrics(hreq_t *r)
{
    if (!ops_metrics_allowed(r)) {
        rs_error(r, 404, "not_found", "not found");
        return;
    }
    buf_t b = BUF_INIT;
    metrics_write(&b);
    db_t *db = r->db;
    int64_t now = clock_now();
    gauge(&b, "hao_jobs_due", "Scheduled jobs due now and not yet run.",
          count(db, "SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND due_at <= :now", NULL, now));
    gauge(&b, "hao_jobs_pending", "Scheduled jobs not yet run (due or not).",
          count(db, "SELECT COUNT(*) FROM jobs WHERE done_at IS NULL", NULL, 0));
    gauge(&b, "hao_jobs_overdue", "Scheduled jobs due more than 10 minutes ago and still not run (failing).",
          count(db, "SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND due_at <= :now", NULL, now - 600));
    gauge(&b, "hao_jobs_skipped", "Scheduled jobs that ran without doing their work (result skipped: ...).",
          count(db, "SELECT COUNT(*) FROM jobs WHERE done_at IS NOT NULL AND result LIKE 'skipped%'", NULL, 0));
    buf_lit(&b, "# HELP hao_mail_outbox Messages in the mail outbox, by status.\n# TYPE hao_mail_outbox gauge\n");
    static const char *const st[] = {"queued", "sending", "sent", "failed"};
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
        long long v = count(db, "SELECT COUNT(*) FROM outbox WHERE status = :s", st[i], 0);
        if (v >= 0)
            buf_printf(&b, "hao_mail_outbox{status=\"%s\"} %lld\n", st[i], v);
    }
    unsigned long long started, failed;
    helper_stats(&started, &failed);
    buf_printf(&b,
               "# HELP hao_media_helpers_started_total Media helper processes started.\n"
               "# TYPE hao_media_helpers_started_total counter\n"
               "hao_media_helpers_started_total %llu\n"
               "# HELP hao_media_helper_failures_total Media helpers killed after crashing, hanging or answering "
               "nonsense (the next upload restarts one).\n"
               "# TYPE hao_media_helper_failures_total counter\n"
               "hao_media_helper_failures_total %llu\n",
               started, failed);
    unsigned long long sig_ok[2], sig_refused[2];
    fed_inbox_stats(sig_ok, sig_refused);
    buf_lit(&b, "# HELP hao_fed_inbox_signatures_total Inbox HTTP Signatures checked by this process, by form "
                "(draft-cavage or RFC 9421) and result (ok: verified; refused: answered 401).\n"
                "# TYPE hao_fed_inbox_signatures_total counter\n");
    static const char *const form[] = {"cavage", "rfc9421"};
    for (int i = 0; i < 2; i++)
        buf_printf(&b, /* raw: text */
                   "hao_fed_inbox_signatures_total{form=\"%s\",result=\"ok\"} %llu\n"
                   "hao_fed_inbox_signatures_total{form=\"%s\",result=\"refused\"} %llu\n",
                   form[i], sig_ok[i], form[i], sig_refused[i]);
    rs_send(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf_cstr(&b), b.len);
    buf_free(&b);
}
