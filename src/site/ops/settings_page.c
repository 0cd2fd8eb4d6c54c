/*
 * settings_page.c — the admin page for the site settings (settings.h):
 * GET and POST /admin/settings. Owned by the people part (issue 18, item 2).
 * Loop thread; the write is settings_apply's one transaction.
 *
 * The settings are shown in groups (site, operator, registration and
 * comments, notices and moderation, mail, and "other" for settings this
 * table does not know yet, such as a newer module's), each with a short
 * label and a help sentence in the reader's language, option values as
 * words. A POST is checked field by field first: any bad value answers 422
 * with every error next to its field and the form as sent, and nothing is
 * saved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/changed.h"
#include "site/formkit.h"
#include "site/layout.h"
#include "site/ops/settings.h"
#include "site/people/users.h"
#include "site/site.h"

typedef struct {
    const char *key, *group;
    const char *zh, *en;           /* the label */
    const char *help_zh, *help_en; /* one sentence or two */
} shown_t;

static const struct {
    const char *id, *zh, *en;
} groups[] = {
    {"site", "站点", "Site"},
    {"operator", "运营者信息(公布在“关于”页)", "Operator (published on the About page)"},
    {"community", "注册与评论", "Registration and comments"},
    {"notices", "通知与审核", "Notices and moderation"},
    {"mail", "邮件", "Mail"},
    {"federation", "联邦(ActivityPub)", "Federation (ActivityPub)"},
    {"other", "其他", "Other"},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

static const shown_t shown[] = {
    {"site_name", "site", "站点名称", "Site name", "显示在每一页的页眉、标题和平台声明中。", "Shown in every page's header and title, and in the platform statement."},
    {"base_url", "site", "站点网址", "Site address",
     "以 http:// 或 https:// 开头,用于邮件中的链接;邮件订阅和确认链接需要它。例如 https://example.cn",
     "Starts with http:// or https://; used for links in mail, which e-mail subscriptions and confirmation links need. For example https://example.cn"},
    {"statement_zh", "site", "平台声明(中文)", "Platform statement (Chinese)",
     "显示在每篇作品下方;{site} 会替换为站点名称。", "Shown under every work; {site} stands for the site name."},
    {"statement_en", "site", "平台声明(英文)", "Platform statement (English)",
     "中文声明的英文版本,同样显示在每篇作品下方。", "The English version, also shown under every work."},
    {"operator_name", "operator", "运营者名称", "Operator name",
     "个人或单位的名称。信息存储空间服务须公开运营者身份。", "A person or an organisation. A storage service must publish who runs it."},
    {"operator_contact", "operator", "运营者联系方式", "Operator contact", "电话或邮箱。", "A telephone number or an e-mail address."},
    {"operator_address", "operator", "运营者地址", "Operator address", "", ""},
    {"notice_contact", "operator", "侵权通知接收人", "Contact for notices",
     "接收权利人通知的人和联系方式,显示在通知表单上。", "Who receives rights-holder notices, and how; shown on the notice form."},
    {"registration", "community", "注册方式", "Registration", "谁可以开设账号。", "Who may open an account."},
    {"registration_role", "community", "新账号的角色", "Role of new accounts",
     "创作者可以发布作品;读者只能评论、点赞和关注。", "Creators may publish; readers comment, like and follow."},
    {"comments", "community", "评论", "Comments", "", ""},
    {"comment_hold_first", "community", "新账号先审后发的评论数", "Held first comments of a new account",
     "新账号的前几条评论由审核员批准后才显示;0 为不限。", "A new account's first comments wait for a moderator; 0: off."},
    {"comment_keywords", "community", "先审后发的关键词", "Words that hold a comment",
     "含有这些词的评论先审后发;用逗号或换行分隔。", "Comments containing these words wait for a moderator; separate them by commas or line breaks."},
    {"comment_rate_minute", "community", "每个账号每分钟最多评论数", "Comments per account per minute", "", ""},
    {"comment_rate_hour", "community", "每个账号每小时最多评论数", "Comments per account per hour", "", ""},
    {"comment_addr_rate_minute", "community", "每个网络地址每分钟最多评论数", "Comments per address per minute", "", ""},
    {"comment_addr_rate_hour", "community", "每个网络地址每小时最多评论数", "Comments per address per hour", "", ""},
    {"notice_mode", "notices", "收到完整的权利人通知后", "On a complete rights-holder notice",
     "立即移除:通知人须先通过邮件中的链接确认(已配置发信时),可信通知人的通知立即生效。人工审核:由审核员决定。未设置时,已配置发信为立即移除,否则为人工审核。",
     "Take down at once: the sender confirms by a mailed link first (when mail is set up); trusted notifiers act at once. Review: a moderator decides. Unset: at once with mail, review without."},
    {"notice_confirm_hours", "notices", "通知确认链接的有效时间(小时)", "Hours a notice's confirmation link is valid",
     "过期未确认的通知作废。", "Unconfirmed notices lapse after this."},
    {"trusted_notifiers", "notices", "可信通知人", "Trusted notifiers",
     "其通知立即生效的邮箱地址或 @域名,用逗号或换行分隔(欧盟《数字服务法》第 22 条)。",
     "Addresses or @domains whose notices act at once, separated by commas or line breaks (EU DSA art. 22)."},
    {"unfounded_limit", "notices", "明显不成立的通知达到几次即暂停提交", "Unfounded notices before a sender is suspended",
     "0 为关闭(欧盟《数字服务法》第 23 条)。", "0: off (EU DSA art. 23)."},
    {"unfounded_days", "notices", "不成立通知的计算天数", "Days unfounded notices count",
     "也是暂停提交的期限。", "Also how long the suspension lasts."},
    {"restore_mode", "notices", "收到反通知后", "On a counter-notice", "", ""},
    {"restore_days", "notices", "延迟恢复的工作日数", "Business days before a delayed restore", "", ""},
    {"dmca", "notices", "DMCA 规则", "DMCA rules", "开启后,反通知须同意接受法院管辖。", "On: a counter-notice must consent to a court's jurisdiction."},
    {"notice_rate", "notices", "每个网络地址每小时最多通知数", "Notices per address per hour", "", ""},
    {"report_rate", "notices", "每个网络地址每小时最多举报数", "Reports per address per hour", "", ""},
    {"strike_limit", "notices", "成立的通知达到几次即暂停作者账号", "Upheld notices before an author is suspended",
     "0 为关闭。", "0: off."},
    {"strike_months", "notices", "计算侵权次数的月数", "Months in which strikes count", "", ""},
    {"review_before_publish", "notices", "先审后发", "Review before publish",
     "开启后,作品须经审核员批准才发布。", "On: a moderator approves every work before it is published."},
    {"retention_days", "notices", "被移除内容的保留天数", "Days removed content is kept",
     "作为证据保留,期满后清除。", "Kept as evidence, then erased."},
    {"smtp_url", "mail", "发信服务器", "Mail server",
     "smtp://主机:端口 或 smtps://用户:密码@主机;留空则不发邮件。", "smtp://host:port or smtps://user:password@host; empty: no mail is sent."},
    {"smtp_from", "mail", "发信地址", "Sender address", "一个邮箱地址。", "One e-mail address."},
};
#define NSHOWN (sizeof shown / sizeof shown[0])

/* Option values in words. */
static const struct {
    const char *key, *value, *zh, *en;
} choices[] = {
    {"notice_mode", "immediate", "立即移除", "Take down at once"},
    {"notice_mode", "review", "人工审核", "A moderator decides"},
    {"restore_mode", "immediate", "立即恢复", "Restore at once"},
    {"restore_mode", "delayed", "若干工作日后恢复", "Restore after some business days"},
    {"registration", "open", "开放注册", "Open to everyone"},
    {"registration", "invite", "仅凭邀请链接", "By invitation link only"},
    {"registration", "closed", "关闭", "Closed"},
    {"registration_role", "creator", "创作者(可以发布)", "Creator (may publish)"},
    {"registration_role", "reader", "读者(评论、点赞、关注)", "Reader (comments, likes, follows)"},
    {"comments", "open", "直接发布", "Published at once"},
    {"comments", "review", "先审后发", "Held for a moderator"},
    {"comments", "off", "关闭评论", "Off"},
    {NULL, "on", "开启", "On"},
    {NULL, "off", "关闭", "Off"},
};

static const shown_t *shown_of(const char *key)
{
    for (size_t i = 0; i < NSHOWN; i++)
        if (strcmp(shown[i].key, key) == 0)
            return &shown[i];
    return NULL;
}

/* The group of a setting this page has no row for (a newer module's),
 * guessed from its key's first word; "other" when none fits. */
static const char *group_by_prefix(const char *key)
{
    static const struct {
        const char *prefix, *group;
    } by[] = {
        {"federation", "federation"}, {"fediverse", "federation"}, {"activitypub", "federation"}, {"ap_", "federation"},
        {"comment", "community"},     {"newsletter", "community"}, {"follow", "community"},       {"registration", "community"},
        {"invite", "community"},      {"smtp", "mail"},            {"mail", "mail"},              {"notice", "notices"},
        {"report", "notices"},        {"strike", "notices"},       {"review", "notices"},         {"restore", "notices"},
        {"takedown", "notices"},      {"retention", "notices"},    {"site", "site"},              {"operator", "operator"},
    };
    for (size_t i = 0; i < sizeof by / sizeof by[0]; i++)
        if (strncmp(key, by[i].prefix, strlen(by[i].prefix)) == 0)
            return by[i].group;
    return "other";
}

static const char *choice_words(lang_t L, const char *key, const char *v, size_t n)
{
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++)
        if ((!choices[i].key || strcmp(choices[i].key, key) == 0) && strlen(choices[i].value) == n &&
            memcmp(choices[i].value, v, n) == 0)
            return L == LANG_EN ? choices[i].en : choices[i].zh;
    return NULL;
}

/* The message for a value settings_valid refused, in L, into out. */
static void error_words(lang_t L, const setting_def_t *d, buf_t *out)
{
    int en = L == LANG_EN;
    if (strcmp(d->key, "smtp_url") == 0)
        buf_rawz(out, en ? "Start with smtp:// or smtps://, or leave it empty." : "请以 smtp:// 或 smtps:// 开头,或留空。"); /* raw: text */
    else if (strcmp(d->key, "base_url") == 0)
        buf_rawz(out, en ? "Give an http:// or https:// address without spaces, or leave it empty." /* raw: text */
                         : "请填写以 http:// 或 https:// 开头、不含空格的网址,或留空。");
    else if (strcmp(d->key, "smtp_from") == 0)
        buf_rawz(out, en ? "Give one e-mail address, or leave it empty." : "请填写一个邮箱地址,或留空。"); /* raw: text */
    else if (strcmp(d->kind, "enum") == 0)
        buf_rawz(out, en ? "Choose one of the options." : "请从选项中选择一项。"); /* raw: text */
    else if (strcmp(d->kind, "int") == 0)
        buf_printf(out, en ? "Give a whole number from %d to %d." : "请填写 %d 到 %d 之间的整数。", d->min, d->max); /* raw: text */
    else if (d->min > 0)
        buf_printf(out, en ? "Give %d to %d characters%s." : "请填写 %d 到 %d 个字%s。", d->min, d->max, /* raw: text */
                   strcmp(d->kind, "line") == 0 ? (en ? ", on one line" : ",只写一行") : "");
    else
        buf_printf(out, en ? "At most %d characters%s." : "最多 %d 个字%s。", d->max, /* raw: text */
                   strcmp(d->kind, "line") == 0 ? (en ? ", on one line" : ",只写一行") : "");
}

/* Errors of a refused POST: one message per setting (NULL: fine). */
typedef struct {
    const char **msg; /* settings_count entries */
    int n;
} errors_t;

static void field(hreq_t *r, buf_t *b, const setting_def_t *d, const char *v, const char *err)
{
    lang_t L = r->lang;
    const shown_t *s = shown_of(d->key);
    const char *label = s ? (L == LANG_EN ? s->en : s->zh) : (L == LANG_EN ? d->en : d->zh);
    const char *help = s ? (L == LANG_EN ? s->help_en : s->help_zh) : "";
    buf_hprintf(b, "<div class=\"field\" data-key=\"%s\"><label for=\"s-%s\">%s <code>%s</code></label>", d->key, d->key,
                label, d->key);
    /* aria-describedby: the help, then the error, whichever exist. */
    buf_t desc = BUF_INIT;
    if (*help)
        buf_printf(&desc, "h-%s", d->key); /* raw: an id, escaped where written */
    if (err)
        buf_printf(&desc, "%se-%s", desc.len ? " " : "", d->key); /* raw: an id, escaped where written */
    if (strcmp(d->kind, "enum") == 0) {
        buf_hprintf(b, "<select id=\"s-%s\" name=\"%s\"", d->key, d->key);
    } else if (strcmp(d->kind, "text") == 0) {
        buf_hprintf(b, "<textarea class=\"fk\" id=\"s-%s\" name=\"%s\" rows=\"%d\"", d->key, d->key,
                    d->max > 1000 ? 4 : 3);
    } else if (strcmp(d->kind, "int") == 0) {
        buf_hprintf(b, "<input id=\"s-%s\" name=\"%s\" type=\"number\" inputmode=\"numeric\" min=\"%d\" max=\"%d\"",
                    d->key, d->key, d->min, d->max);
    } else {
        buf_hprintf(b, "<input id=\"s-%s\" name=\"%s\" type=\"text\" maxlength=\"%d\"", d->key, d->key, d->max);
    }
    if (desc.len) {
        buf_lit(b, " aria-describedby=\"");
        buf_html(b, desc.p, desc.len);
        buf_lit(b, "\"");
    }
    buf_free(&desc);
    if (err)
        buf_lit(b, " aria-invalid=\"true\"");
    if (strcmp(d->kind, "enum") == 0) {
        buf_lit(b, ">");
        int found = 0;
        for (const char *p = d->choices; *p;) {
            size_t l = strcspn(p, "|");
            int sel = strlen(v) == l && memcmp(v, p, l) == 0;
            found |= sel;
            buf_lit(b, "<option value=\"");
            buf_html(b, p, l);
            buf_lit(b, "\"");
            if (sel)
                buf_lit(b, " selected");
            buf_lit(b, ">");
            const char *w = choice_words(L, d->key, p, l);
            if (w)
                buf_htmlz(b, w);
            else
                buf_html(b, p, l);
            buf_lit(b, "</option>");
            p += l + (p[l] == '|');
        }
        if (!found && *v) {
            /* A value sent that is no option: shown as sent, refused. */
            buf_lit(b, "<option selected value=\"");
            buf_htmlz(b, v);
            buf_lit(b, "\">");
            buf_htmlz(b, v);
            buf_lit(b, "</option>");
        }
        buf_lit(b, "</select>");
    } else if (strcmp(d->kind, "text") == 0) {
        buf_lit(b, ">");
        buf_htmlz(b, v);
        buf_lit(b, "</textarea>");
    } else {
        buf_lit(b, " value=\"");
        buf_htmlz(b, v);
        buf_lit(b, "\">");
    }
    if (*help)
        buf_hprintf(b, "<p class=\"field-help\" id=\"h-%s\">%s</p>", d->key, help);
    if (err)
        buf_hprintf(b, "<p class=\"field-error\" id=\"e-%s\">%s</p>", d->key, err);
    buf_lit(b, "</div>\n");
}

static void render(hreq_t *r, int status, const char *ok_msg, const form_t *f, const errors_t *errs)
{
    lang_t L = r->lang;
    buf_t b = BUF_INIT;
    page_section_begin(r, &b, "settings", T(L, "settings.title"));
    people_admin_nav(r, &b, "/admin/settings");
    fk_ok(&b, ok_msg);
    if (errs && errs->n)
        buf_hprintf(&b, "<p class=\"error\" role=\"alert\">%s</p>\n", T(L, "settings.has_errors"));
    /* Which group each setting is in; "other" for those not in the table. */
    const char **group_of = rq_alloc(r, sizeof(char *) * settings_count);
    for (size_t i = 0; i < settings_count; i++) {
        const shown_t *s = shown_of(settings_defs[i].key);
        group_of[i] = s ? s->group : group_by_prefix(settings_defs[i].key);
    }
    buf_hprintf(&b, "<nav class=\"group-index\" aria-label=\"%s\"><ul>", T(L, "settings.groups"));
    for (size_t g = 0; g < NGROUPS; g++) {
        int any = 0;
        for (size_t i = 0; i < settings_count && !any; i++)
            any = strcmp(group_of[i], groups[g].id) == 0;
        if (any)
            buf_hprintf(&b, "<li><a href=\"#g-%s\">%s</a></li>", groups[g].id, L == LANG_EN ? groups[g].en : groups[g].zh);
    }
    buf_lit(&b, "</ul></nav>\n");
    fk_form_begin(r, &b, "/admin/settings");
    for (size_t g = 0; g < NGROUPS; g++) {
        int open = 0;
        for (size_t i = 0; i < settings_count; i++) {
            if (strcmp(group_of[i], groups[g].id) != 0)
                continue;
            if (!open) {
                buf_hprintf(&b, "<fieldset id=\"g-%s\"><legend>%s</legend>\n", groups[g].id,
                            L == LANG_EN ? groups[g].en : groups[g].zh);
                open = 1;
            }
            const setting_def_t *d = &settings_defs[i];
            const char *sent = f ? form_get(f, d->key) : NULL;
            char *cur = sent ? NULL : settings_get(r->db, d->key);
            field(r, &b, d, sent ? sent : cur, errs ? errs->msg[i] : NULL);
            free(cur);
        }
        if (open)
            buf_lit(&b, "</fieldset>\n");
    }
    fk_form_end(&b, T(L, "settings.save"));
    buf_lit(&b, "</section>\n");
    page_send(r, &b, status);
}

/* GET /admin/settings — every setting with its current value, in groups.
 * Query: saved=1 (after a save). */
void settings_page(hreq_t *r)
{
    render(r, 200, rq_query(r, "saved") ? T(r->lang, "settings.saved") : NULL, NULL, NULL);
}

/* POST /admin/settings — fields named by setting key; absent keys are left
 * as they are. Any bad value: 422 with each message next to its field and
 * the form as sent; nothing saved. */
void settings_post(hreq_t *r)
{
    form_t f;
    rq_form(r, &f); /* the router has parsed it already */
    const char **keys = rq_alloc(r, sizeof(char *) * settings_count);
    const char **vals = rq_alloc(r, sizeof(char *) * settings_count);
    errors_t errs = {rq_alloc(r, sizeof(char *) * settings_count), 0};
    int n = 0;
    for (size_t i = 0; i < settings_count; i++) {
        errs.msg[i] = NULL;
        const char *v = form_get(&f, settings_defs[i].key);
        if (!v)
            continue;
        if (strcmp(settings_defs[i].kind, "text") == 0) {
            /* Browsers send CRLF in textareas; store LF. */
            char *c = rq_strdup(r, v);
            size_t o = 0;
            for (const char *p = v; *p; p++)
                if (*p != '\r')
                    c[o++] = *p;
            c[o] = 0;
            v = c;
        }
        if (!settings_valid(&settings_defs[i], v)) {
            buf_t m = BUF_INIT;
            error_words(r->lang, &settings_defs[i], &m);
            errs.msg[i] = rq_strdup(r, buf_cstr(&m));
            buf_free(&m);
            errs.n++;
        }
        keys[n] = settings_defs[i].key;
        vals[n] = v;
        n++;
    }
    if (errs.n) {
        render(r, 422, NULL, &f, &errs);
        return;
    }
    buf_t err = BUF_INIT;
    char actor[64];
    snprintf(actor, sizeof actor, "user:%s", r->user.handle);
    int rc = settings_apply(r->db, actor, n, keys, vals, &err);
    if (rc < 0) {
        /* Storage trouble (the values were checked above). */
        rs_error(r, 503, "busy", buf_cstr(&err));
        buf_free(&err);
        return;
    }
    buf_free(&err);
    if (rc > 0) {
        site_reload(r->db);
        changed_signal();
    }
    rs_redirect(r, 303, "/admin/settings?saved=1");
}
