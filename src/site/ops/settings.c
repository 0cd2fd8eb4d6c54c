/*
 * settings.c — see settings.h.
 */
#include "site/ops/settings.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "core/changed.h"
#include "site/trust/audit.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/mail.h"
#include "site/site.h"

/* base_url: http(s)://, then visible ASCII that can stand in a mail header
 * between < and > (List-Unsubscribe). */
static int base_url_ok(const char *v)
{
    const char *p = strncmp(v, "https://", 8) == 0 ? v + 8 : strncmp(v, "http://", 7) == 0 ? v + 7 : NULL;
    if (!p || !*p)
        return 0;
    for (; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>' || *p == '"' || *p == '\\' || *p == '?' || *p == '#')
            return 0;
    return 1;
}

const setting_def_t settings_defs[] = {
    {"site_name", "line", NULL, 1, 60, "hao", "站点名称", "Site name"},
    {"operator_name", "line", NULL, 0, 200, "", "运营者名称", "Operator name"},
    {"operator_contact", "line", NULL, 0, 200, "", "运营者联系方式", "Operator contact"},
    {"operator_address", "line", NULL, 0, 300, "", "运营者地址", "Operator address"},
    {"notice_contact", "line", NULL, 0, 200, "", "侵权通知接收人及联系方式", "Designated contact for notices"},
    {"statement_zh", "text", NULL, 1, 1000, NULL, "平台声明(中文,{site} 代表站点名称)",
     "Platform statement, Chinese ({site} stands for the site name)"},
    {"statement_en", "text", NULL, 1, 1000, NULL, "平台声明(英文)", "Platform statement, English"},
    /* notice_mode's default is derived (settings_get): "immediate" when
     * smtp_url is set (a notice then acts once its sender confirms it by a
     * mailed link), "review" without mail. A value the operator set is
     * always honoured. */
    {"notice_mode", "enum", "immediate|review", 0, 0, "review",
     "收到完整通知后:立即删除(已配置发信时须先经邮件确认)/ 人工审核。未设置时:已配置发信为立即删除,否则为人工审核",
     "On a complete notice: take down at once (once confirmed by a mailed link when mail is set up) or a moderator "
     "decides (review). Unset: immediate with mail, review without"},
    {"notice_confirm_hours", "int", NULL, 1, 720, "72", "通知确认链接的有效小时数(过期未确认的通知作废)",
     "Hours a notice's confirmation link is valid (unconfirmed notices then lapse)"},
    {"trusted_notifiers", "text", NULL, 0, 5000, "",
     "可信通知人:其通知立即生效(邮箱地址或 @域名,用逗号或换行分隔)",
     "Trusted notifiers, whose notices act at once (addresses or @domains, separated by commas or line breaks)"},
    {"unfounded_limit", "int", NULL, 0, 100, "3", "通知被认定明显不成立达到几次即暂停其提交(0 为关闭)",
     "Notices rejected as manifestly unfounded before the sender may no longer file (0: off)"},
    {"unfounded_days", "int", NULL, 1, 3650, "180", "计算不成立通知次数的天数(也是暂停的期限)",
     "Days in which unfounded notices count (and the suspension lasts)"},
    {"restore_mode", "enum", "immediate|delayed", 0, 0, "immediate", "收到反通知后:立即恢复 / 若干工作日后恢复",
     "On a counter-notice: restore at once (immediate) or after N business days (delayed)"},
    {"restore_days", "int", NULL, 1, 30, "10", "延迟恢复的工作日数", "Business days before a delayed restore"},
    {"dmca", "enum", "off|on", 0, 0, "off", "DMCA 规则(反通知须同意管辖)",
     "DMCA rules (counter-notices consent to jurisdiction)"},
    {"notice_rate", "int", NULL, 1, 1000, "10", "每个地址每小时最多通知数", "Notices per address per hour"},
    {"report_rate", "int", NULL, 1, 1000, "20", "每个地址每小时最多举报数", "Reports per address per hour"},
    {"strike_limit", "int", NULL, 0, 100, "3", "成立的通知达到几次即暂停账号(0 为关闭)",
     "Upheld notices before an account is suspended (0: off)"},
    {"strike_months", "int", NULL, 1, 60, "12", "计算次数的月数", "Months in which strikes count"},
    {"review_before_publish", "enum", "off|on", 0, 0, "off", "先审后发", "Review before publish"},
    {"retention_days", "int", NULL, 1, 3650, "180", "被移除内容保留天数(作为证据)",
     "Days removed content is kept as evidence"},
    {"smtp_url", "line", NULL, 0, 300, "", "发信服务器(smtp://主机:端口 或 smtps://用户:密码@主机,留空则不发邮件)",
     "Mail server (smtp://host:port or smtps://user:password@host; empty: no e-mail)"},
    {"smtp_from", "line", NULL, 0, 254, "", "发信地址", "Sender address"},
    {"base_url", "line", NULL, 0, 200, "", "站点网址,用于邮件中的链接与联邦(如 https://example.cn;邮件订阅和联邦需要)",
     "Site address for links in mail and for federation (e.g. https://example.cn; e-mail subscriptions and "
     "federation need it)"},
    /* The audience (site/audience/): who may register, and comments. */
    {"registration", "enum", "open|invite|closed", 0, 0, "open", "注册:开放 / 仅凭邀请链接 / 关闭",
     "Registration: open, by invitation link only, or closed"},
    {"registration_role", "enum", "creator|reader", 0, 0, "creator", "新注册账号的角色:创作者(可发布)/ 读者(可评论、点赞、关注)",
     "Role of new registrations: creator (may publish) or reader (comments, likes, follows)"},
    {"comments", "enum", "open|review|off", 0, 0, "open", "评论:直接发布 / 先审后发 / 关闭",
     "Comments: published at once (open), held for a moderator (review), or off"},
    {"comment_hold_first", "int", NULL, 0, 100, "0", "新账号的前几条评论先审后发(0 为不限)",
     "Hold the first N comments of an account for review (0: off)"},
    {"comment_keywords", "text", NULL, 0, 5000, "", "含有这些词的评论先审后发(用逗号或换行分隔)",
     "Hold comments containing these words for review (separated by commas or line breaks)"},
    {"comment_rate_minute", "int", NULL, 1, 1000, "5", "每个账号每分钟最多评论数", "Comments per account per minute"},
    {"comment_rate_hour", "int", NULL, 1, 10000, "60", "每个账号每小时最多评论数", "Comments per account per hour"},
    {"comment_addr_rate_minute", "int", NULL, 1, 1000, "10", "每个地址每分钟最多评论数",
     "Comments per address per minute"},
    {"comment_addr_rate_hour", "int", NULL, 1, 10000, "200", "每个地址每小时最多评论数",
     "Comments per address per hour"},
    /* ---- part: audience ---- */
    /* (end of audience) */
    /* ---- part: people ---- */
    /* (end of people) */
    /* ---- part: reading ---- */
    /* (end of reading) */
    /* ---- part: creator ---- */
    /* (end of creator) */
    /* ---- part: security ---- */
    {"require_2fa_staff", "enum", "off|on", 0, 0, "off",
     "审核员和管理员必须开启两步验证(未开启的在下次登录时引导设置)",
     "Moderators and admins must use two-factor sign-in (those without it set it up at their next sign-in)"},
    /* (end of security) */
    /* ---- part: ops ---- */
    /* (end of ops) */
    /* ---- part: portability ---- */
    /* (end of portability) */
    /* ---- part: federation ---- */
    /* ActivityPub (site/federation/): on once base_url is set. */
    {"blocked_domains", "text", NULL, 0, 5000, "", "屏蔽的联邦站点域名:其活动一律拒收(用逗号或换行分隔)",
     "Fediverse domains whose activities are refused (separated by commas or line breaks)"},
    /* (end of federation) */
};
const size_t settings_count = sizeof(settings_defs) / sizeof(settings_defs[0]);

/* The operator identity the law asks to publish (warned about while unset). */
static const char *const identity_keys[] = {"operator_name", "operator_contact", "operator_address",
                                            "notice_contact"};

const setting_def_t *settings_find(const char *key)
{
    for (size_t i = 0; i < settings_count; i++)
        if (strcmp(settings_defs[i].key, key) == 0)
            return &settings_defs[i];
    return NULL;
}

static const char *default_of(const setting_def_t *d)
{
    if (d->def)
        return d->def;
    return site_default_statement(strcmp(d->key, "statement_en") == 0 ? LANG_EN : LANG_ZH);
}

char *settings_get(db_t *db, const char *key)
{
    const setting_def_t *d = settings_find(key);
    if (strcmp(key, "notice_mode") == 0) {
        /* The derived default (see the table): immediate action only where
         * the sender can be asked to confirm by mail. */
        char *v = db_setting(db, key, "");
        if (*v)
            return v;
        free(v);
        char *smtp = db_setting(db, "smtp_url", "");
        int mail = *smtp != 0;
        free(smtp);
        return xstrdup(mail ? "immediate" : "review");
    }
    return db_setting(db, key, d ? default_of(d) : "");
}

int settings_int(db_t *db, const char *key)
{
    const setting_def_t *d = settings_find(key);
    char *v = settings_get(db, key);
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || !d || n < d->min || n > d->max)
        n = d ? strtol(d->def, NULL, 10) : 0;
    free(v);
    return (int)n;
}

int settings_is(db_t *db, const char *key, const char *want)
{
    char *v = settings_get(db, key);
    int eq = strcmp(v, want) == 0;
    free(v);
    return eq;
}

static int enum_has(const char *choices, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = choices; *p;) {
        size_t l = strcspn(p, "|");
        if (l == n && memcmp(p, v, n) == 0)
            return 1;
        p += l + (p[l] == '|');
    }
    return 0;
}

static int validate(const setting_def_t *d, const char *v, buf_t *err)
{
    size_t n = strlen(v);
    if (strcmp(d->kind, "enum") == 0) {
        if (!enum_has(d->choices, v)) {
            buf_printf(err, "%s must be one of %s", d->key, d->choices); /* raw: text */
            return -1;
        }
    } else if (strcmp(d->kind, "int") == 0) {
        char *end;
        long x = strtol(v, &end, 10);
        if (!*v || *end || x < d->min || x > d->max) {
            buf_printf(err, "%s must be a whole number from %d to %d", d->key, d->min, d->max); /* raw: text */
            return -1;
        }
    } else {
        int line = strcmp(d->kind, "line") == 0;
        if (!(line ? text_valid_line(v, n) : text_valid(v, n))) {
            /* raw: text */
            buf_printf(err, "%s must be %s without control characters", d->key, line ? "one line of text" : "text");
            return -1;
        }
        size_t chars = text_chars(v, n);
        if (chars < (size_t)d->min || chars > (size_t)d->max) {
            buf_printf(err, "%s must be %d to %d characters", d->key, d->min, d->max); /* raw: text */
            return -1;
        }
        if (strcmp(d->key, "smtp_url") == 0 && *v && strncmp(v, "smtp://", 7) != 0 && strncmp(v, "smtps://", 8) != 0) {
            buf_printf(err, "smtp_url must start with smtp:// or smtps://");
            return -1;
        }
        if (strcmp(d->key, "base_url") == 0 && *v && !base_url_ok(v)) {
            buf_printf(err, "base_url must be an http:// or https:// address without spaces");
            return -1;
        }
        if (strcmp(d->key, "smtp_from") == 0 && *v && !mail_address_ok(v)) {
            buf_printf(err, "smtp_from must be one e-mail address");
            return -1;
        }
    }
    return 0;
}

int settings_apply(db_t *db, const char *actor, int n, const char *const *keys, const char *const *values, buf_t *err)
{
    for (int i = 0; i < n; i++) {
        const setting_def_t *d = settings_find(keys[i]);
        if (!d) {
            buf_printf(err, "unknown setting \"%s\"", keys[i]); /* raw: text */
            return -1;
        }
        if (validate(d, values[i], err) < 0)
            return -1;
    }
    if (db_begin(db) < 0) {
        buf_lit(err, "the database is busy; try again");
        return -1;
    }
    int changed = 0;
    for (int i = 0; i < n; i++) {
        char *cur = settings_get(db, keys[i]);
        int same = strcmp(cur, values[i]) == 0;
        free(cur);
        if (same)
            continue;
        if (db_set_setting(db, keys[i], values[i]) < 0 ||
            audit_append(db, actor, "setting.set", keys[i], values[i]) < 0) {
            db_rollback(db);
            buf_lit(err, "cannot write the settings");
            return -1;
        }
        changed++;
    }
    /* A new version tells the other nodes of a PostgreSQL site to reload
     * the site name and statement (site_refresh). */
    char version[32];
    snprintf(version, sizeof version, "%llx", (unsigned long long)now_ns());
    if (db_set_setting(db, "site_version", version) < 0) {
        db_rollback(db);
        buf_lit(err, "the database refused the change");
        return -1;
    }
    if (db_commit(db) < 0) {
        db_rollback(db);
        buf_lit(err, "cannot write the settings");
        return -1;
    }
    return changed;
}

int settings_warn_unset(db_t *db, FILE *out)
{
    int n = 0;
    for (size_t i = 0; i < sizeof identity_keys / sizeof identity_keys[0]; i++) {
        char *v = db_setting(db, identity_keys[i], "");
        const char *p = v;
        size_t l = strlen(v);
        text_trim(&p, &l);
        if (l == 0) {
            if (!n)
                fprintf(out, "hao: warning: the operator identity on /about is incomplete; the law asks a storage "
                             "service to publish it. Set it at /admin/settings or with `hao set KEY VALUE`:\n");
            fprintf(out, "hao:   %s is not set\n", identity_keys[i]);
            n++;
        }
        free(v);
    }
    fflush(out);
    return n;
}

int settings_valid(const setting_def_t *d, const char *v)
{
    buf_t err = BUF_INIT;
    int ok = validate(d, v, &err) == 0;
    buf_free(&err);
    return ok;
}

/* The admin page (GET and POST /admin/settings) is settings_page.c. */
