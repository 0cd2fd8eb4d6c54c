/*
 * discovery.c — see discovery.h. Owns nothing; reads users, works and
 * settings.
 */
#include "site/federation/discovery.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "site/accounts/account.h"
#include "site/federation/actor.h"
#include "site/federation/fed.h"
#include "site/ops/settings.h"
#include "site/site.h"

/* The creator named by a WebFinger resource: "acct:HANDLE@HOST" (an
 * optional leading "@" on the handle tolerated) or BASE/u/HANDLE. 1 with *u,
 * 0 not ours or unknown, -1 malformed. */
static int resource_user(db_t *db, const char *base, const char *res, user_t *u)
{
    char host[256], handle[64];
    if (fed_host_of(base, host, sizeof host) < 0)
        return 0;
    size_t blen = strlen(base);
    if (strncasecmp(res, "acct:", 5) == 0) {
        const char *p = res + 5;
        if (*p == '@')
            p++;
        const char *at = strchr(p, '@');
        if (!at || at == p || (size_t)(at - p) >= sizeof handle || strchr(at + 1, '@'))
            return -1;
        memcpy(handle, p, (size_t)(at - p));
        handle[at - p] = '\0';
        if (strcasecmp(at + 1, host) != 0)
            return 0;
    } else if (strncmp(res, base, blen) == 0 && strncmp(res + blen, "/u/", 3) == 0) {
        const char *p = res + blen + 3;
        if (!*p || strlen(p) >= sizeof handle || strchr(p, '/'))
            return 0;
        strcpy(handle, p);
    } else if (strncmp(res, "http://", 7) == 0 || strncmp(res, "https://", 8) == 0) {
        return 0;
    } else {
        return -1;
    }
    if (!account_handle_ok(handle))
        return 0;
    int rc = account_by_handle(db, handle, u);
    if (rc != 1)
        return rc;
    return fed_is_actor_role(u->role) ? 1 : 0;
}

void fed_webfinger(hreq_t *r)
{
    char *base = fed_base(r->db);
    if (!base) {
        fed_error(r, 404, "not_found", "federation is off on this site");
        return;
    }
    const char *res = rq_query(r, "resource");
    user_t u;
    int rc = res && *res ? resource_user(r->db, base, res, &u) : -1;
    if (rc < 0) {
        fed_error(r, 400, "bad_request", "resource must be acct:handle@host or an actor URL");
        free(base);
        return;
    }
    if (rc == 0) {
        fed_error(r, 404, "not_found", "no such account here");
        free(base);
        return;
    }
    char host[256];
    fed_host_of(base, host, sizeof host);
    buf_t acct = BUF_INIT, actor = BUF_INIT, b = BUF_INIT;
    buf_printf(&acct, "acct:%s@%s", u.handle, host); /* raw: JSON, written with buf_json_strz */
    fed_actor_url(base, u.handle, &actor);
    buf_lit(&b, "{\"subject\":");
    buf_json_strz(&b, buf_cstr(&acct));
    buf_lit(&b, ",\"aliases\":[");
    buf_json_strz(&b, buf_cstr(&actor));
    buf_lit(&b, "],\"links\":[{\"rel\":\"self\",\"type\":\"application/activity+json\",\"href\":");
    buf_json_strz(&b, buf_cstr(&actor));
    buf_lit(&b, "},{\"rel\":\"http://webfinger.net/rel/profile-page\",\"type\":\"text/html\",\"href\":");
    buf_json_strz(&b, buf_cstr(&actor));
    buf_lit(&b, "}]}");
    fed_send(r, 200, "application/jrd+json", &b);
    buf_free(&acct);
    buf_free(&actor);
    buf_free(&b);
    free(base);
}

void fed_nodeinfo_index(hreq_t *r)
{
    char *base = fed_base(r->db);
    if (!base) {
        fed_error(r, 404, "not_found", "federation is off on this site");
        return;
    }
    buf_t href = BUF_INIT, b = BUF_INIT;
    buf_printf(&href, "%s/nodeinfo/2.1", base); /* raw: JSON, written with buf_json_strz */
    buf_lit(&b, "{\"links\":[{\"rel\":\"http://nodeinfo.diaspora.software/ns/schema/2.1\",\"href\":");
    buf_json_strz(&b, buf_cstr(&href));
    buf_lit(&b, "}]}");
    fed_send(r, 200, "application/json", &b);
    buf_free(&href);
    buf_free(&b);
    free(base);
}

static int64_t count(db_t *db, const char *sql, int64_t since)
{
    db_stmt_t *st = db_prepare(db, sql);
    if (since >= 0)
        db_bind_int(st, ":since", since);
    int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    return n;
}

void fed_nodeinfo(hreq_t *r)
{
    char *base = fed_base(r->db);
    if (!base) {
        fed_error(r, 404, "not_found", "federation is off on this site");
        return;
    }
    free(base);
    int64_t now = now_s();
    /* Users are the accounts that are actors (creators and up, active). */
    int64_t users = count(r->db,
                          "SELECT COUNT(*) FROM users WHERE role IN ('creator','moderator','admin') "
                          "AND status = 'active'",
                          -1);
    static const char *active_sql = "SELECT COUNT(DISTINCT author_id) FROM works WHERE status = 'published' "
                                    "AND published_at >= :since";
    int64_t month = count(r->db, active_sql, now - 30 * 86400);
    int64_t half = count(r->db, active_sql, now - 180 * 86400);
    int64_t posts = count(r->db, "SELECT COUNT(*) FROM works WHERE status = 'published'", -1);
    char *reg = settings_get(r->db, "registration");
    int open = reg && strcmp(reg, "open") == 0;
    free(reg);
    buf_t b = BUF_INIT;
    buf_lit(&b, "{\"version\":\"2.1\",\"software\":{\"name\":\"hao\",\"version\":\"" HAO_FED_SOFTWARE_VERSION "\"},"
                "\"protocols\":[\"activitypub\"],\"services\":{\"inbound\":[],\"outbound\":[\"atom1.0\"]},"
                "\"openRegistrations\":");
    buf_printf(&b, "%s,\"usage\":{\"users\":{\"total\":%lld,\"activeMonth\":%lld,\"activeHalfyear\":%lld},"
                   "\"localPosts\":%lld},\"metadata\":{\"nodeName\":",
               open ? "true" : "false", (long long)users, (long long)month, (long long)half,
               (long long)posts); /* raw: JSON */
    buf_json_strz(&b, site_name());
    buf_lit(&b, "}}");
    fed_send(r, 200, "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"", &b);
    buf_free(&b);
}

void fed_host_meta(hreq_t *r)
{
    char *base = fed_base(r->db);
    if (!base) {
        fed_error(r, 404, "not_found", "federation is off on this site");
        return;
    }
    buf_t b = BUF_INIT, tmpl = BUF_INIT;
    buf_printf(&tmpl, "%s/.well-known/webfinger?resource={uri}", base); /* raw: XML, written with buf_xml */
    buf_lit(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
                "  <Link rel=\"lrdd\" type=\"application/jrd+json\" template=\"");
    buf_xml(&b, tmpl.p, tmpl.len);
    buf_lit(&b, "\"/>\n</XRD>\n");
    fed_send(r, 200, "application/xrd+xml", &b);
    buf_free(&b);
    buf_free(&tmpl);
    free(base);
}
