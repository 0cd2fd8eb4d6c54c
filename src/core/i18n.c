/*
 * i18n.c — the UI string table. See i18n.h.
 *
 * One section per module; keep keys "module.what". Lookup is a linear scan
 * done at most a few dozen times per rendered page, and rendered pages are
 * cached, so a hash table would buy nothing measurable.
 */
#include "core/i18n.h"

#include <string.h>

typedef struct {
    const char *key, *zh, *en;
} entry_t;

static const entry_t table[] = {
    /* errors (router, every module) */
    {"err.not_found", "找不到这个页面。", "There is no such page."},
    {"err.method", "这个地址不接受这种请求方法。", "This address does not accept that request method."},
    {"err.bad_path", "地址中有无法解码的字符。", "The address contains characters that cannot be decoded."},
    {"err.too_large", "提交的内容太大。", "The request body is too large."},
    {"err.bad_token", "访问令牌无效或已过期。", "The access token is invalid or has expired."},
    {"err.login_required", "请先登录。", "Please log in first."},
    {"err.forbidden", "你没有权限这样做。", "You are not allowed to do that."},
    {"err.csrf", "表单已过期或来源不对,请刷新页面后重试。", "The form expired or came from elsewhere; reload the page and try again."},
    {"err.bad_form", "表单内容格式不对。", "The form data is malformed."},
    {"err.bad_json", "请求体不是有效的 JSON 对象。", "The request body is not a valid JSON object."},
    {"err.internal", "服务器出错了,请稍后再试。", "Something went wrong on the server; please try again later."},
    {"err.title", "出错了", "Error"},

    /* layout */
    {"site.home", "首页", "Home"},
    {"site.search", "搜索", "Search"},
    {"site.search_placeholder", "搜索作品", "Search works"},
    {"site.login", "登录", "Log in"},
    {"site.logout", "退出", "Log out"},
    {"site.register", "注册", "Sign up"},
    {"site.studio", "创作中心", "Studio"},
    {"site.about", "关于与联系", "About & contact"},
    {"site.notice", "侵权投诉", "Copyright notice"},
    {"site.feed", "订阅", "Feed"},
    {"site.transparency", "透明度报告", "Transparency report"},
    {"site.report", "举报", "Report"},
    {"site.mod", "审核", "Moderation"},
    {"site.lang_switch", "English", "中文"},
    {"site.skip", "跳到正文", "Skip to content"},

    /* reader pages */
    {"pages.latest", "最新作品", "Latest works"},
    {"pages.empty", "这里还没有作品。", "No works here yet."},
    {"pages.older", "更早的作品", "Older works"},
    {"pages.newer", "较新的作品", "Newer works"},
    {"pages.by", "作者", "By"},
    {"pages.published", "发布于", "Published"},
    {"pages.views", "阅读", "views"},
    {"pages.tags", "标签", "Tags"},
    {"pages.works_by", "的作品", "'s works"},
    {"pages.tagged", "标签:", "Tagged: "},
    {"pages.declaration", "作品声明", "Creator declaration"},
    {"pages.read_more", "阅读全文", "Read more"},

    /* about, settings */
    {"about.operator", "运营者", "Operator"},
    {"about.contact", "联系方式", "Contact"},
    {"about.address", "地址", "Address"},
    {"about.notice_contact", "侵权通知接收人", "Designated contact for notices"},
    {"about.unset", "(尚未设置)", "(not set yet)"},
    {"about.notice_how", "认为本站作品侵犯了你的权利?请提交通知:", "Think a work here infringes your rights? Send a notice:"},
    {"settings.title", "站点设置", "Site settings"},
    {"settings.save", "保存设置", "Save settings"},
    {"settings.saved", "设置已保存。", "Settings saved."},

    /* notices, counter-notices, takedowns (notice.c, takedown.c) */
    {"notice.title", "侵权通知", "Rights-holder notice"},
    {"notice.intro", "如果本站的作品侵犯了你的著作权或其他权利,请填写以下全部必填项。完整的通知会立即得到编号回执。", "If a work on this site infringes your copyright or another right, fill in every required field. A complete notice gets a numbered receipt at once."},
    {"notice.name", "姓名或名称", "Name"},
    {"notice.contact", "联系方式(电话或电子邮件)", "Contact (phone or e-mail)"},
    {"notice.address", "地址", "Address"},
    {"notice.urls", "被投诉作品的网址(每行一个)", "URLs of the works concerned (one per line)"},
    {"notice.right", "主张的权利及权属说明", "The right claimed and why it is yours"},
    {"notice.original", "原作品(名称、出处或网址)", "The original work (title, source or URL)"},
    {"notice.proof", "初步证明材料(链接或说明)", "Preliminary proof (a link or a description)"},
    {"notice.good_faith", "我保证通知内容真实、准确,并出于善意。", "I state in good faith that this notice is accurate and true."},
    {"notice.signature", "签名(输入你的姓名)", "Signature (type your name)"},
    {"notice.send", "提交通知", "Send the notice"},
    {"notice.number", "通知编号", "Notice"},
    {"notice.state", "状态", "Status"},
    {"notice.received", "通知已收到。请保存本页地址,可随时查看处理进度。", "Your notice was received. Keep this page's address to follow what happens."},
    {"notice.received_at", "收到时间", "Received"},
    {"notice.works", "涉及的作品", "Works concerned"},
    {"notice.status.pending", "等待审核", "Waiting for review"},
    {"notice.status.actioned", "已处理:作品已移除", "Acted on: the works were removed"},
    {"notice.status.rejected", "未采纳", "Rejected"},
    {"notice.court_text", "如已就此提起诉讼,请说明(法院、案号):", "If you have filed a court action about this, say where (court, case number):"},
    {"notice.court_send", "报告已提起诉讼", "Report the court action"},
    {"notice.court_recorded", "已记录:作品不会自动恢复。", "Recorded: the work will not be restored automatically."},
    {"notice.err.rate", "来自你的地址的提交太多,请一小时后再试。", "Too many submissions from your address; try again in an hour."},
    {"notice.err.missing", "通知不完整,没有被处理。缺少:", "The notice is incomplete and was not acted on. Missing:"},
    {"notice.err.line", "该字段须为一行文字,不超过 300 个字,不能包含控制字符:", "This field must be one line of at most 300 characters without control characters:"},
    {"notice.err.text", "该字段太长(最多 5000 个字)或包含控制字符:", "This field is too long (at most 5,000 characters) or contains control characters:"},
    {"notice.err.too_many", "一份通知最多列出 20 个网址。", "A notice may list at most 20 URLs."},
    {"notice.err.not_a_work", "这个网址不是本站已发布的作品:", "This URL is not a published work on this site:"},
    {"notice.err.already", "该作品已经被移除:", "This work has already been taken down:"},
    {"notice.err.duplicate", "你已就相同作品提交过通知,编号:", "You already sent a notice about the same works, number:"},
    {"notice.err.type", "字段类型不对(文字字段须为字符串,urls 须为字符串数组,good_faith 须为 true)。", "A field has the wrong type (text fields are strings, urls an array of strings, good_faith true)."},
    {"notice.err.unknown", "找不到这份回执,请检查地址中的编号和凭证。", "There is no such receipt; check the number and token in the address."},
    {"notice.err.court_text", "请说明诉讼情况。", "Please describe the court action."},
    {"notice.err.not_waiting", "这份反通知已不在等待恢复的状态。", "This counter-notice is no longer waiting for a restore."},
    {"counter.title", "反通知", "Counter-notice"},
    {"counter.intro", "如果你认为作品没有侵权,可以提交反通知。反通知会连同你的联系方式转送给投诉人。", "If you believe the work does not infringe, file a counter-notice. It is forwarded, with your contact details, to the complainant."},
    {"counter.statement", "不侵权的理由", "Why the work does not infringe"},
    {"counter.good_faith", "我保证反通知内容真实,并出于善意。", "I state in good faith that this counter-notice is true."},
    {"counter.consent", "我同意接受投诉人所在地或本站所在地法院的管辖。", "I consent to the jurisdiction of the court for the complainant's or this site's address."},
    {"counter.send", "提交反通知", "Send the counter-notice"},
    {"counter.sent", "反通知已提交并转送给投诉人。", "Your counter-notice was filed and forwarded to the complainant."},
    {"counter.file", "提交反通知", "File a counter-notice"},
    {"counter.restore_at", "预计恢复时间", "Restore due"},
    {"counter.status.waiting", "等待恢复", "Waiting for the restore"},
    {"counter.status.restored", "作品已恢复", "The work was restored"},
    {"counter.status.court", "投诉人已起诉,暂不恢复", "The complainant went to court; not restored"},
    {"counter.err.missing", "请填写全部必填项并勾选声明。", "Fill in every required field and tick the statements."},
    {"counter.err.not_active", "这篇作品目前没有因通知被移除。", "This work is not currently taken down on a notice."},
    {"counter.err.not_yours", "只有作品的作者可以这样做。", "Only the work's author can do that."},
    {"counter.err.once", "对同一次移除只能提交一次反通知。", "A removal takes one counter-notice only."},
    {"studio.notices", "通知与处理", "Notices and removals"},
    {"studio.notices_none", "你的作品没有被移除过。", "None of your works has been removed."},
    {"sor.basis", "依据", "On"},
    {"sor.ground", "理由", "Ground"},
    {"sor.reason", "说明", "Statement of reasons"},
    {"sor.automated", "是否自动处理", "Automated"},
    {"sor.automated_yes", "是:收到完整通知后自动移除,未经人工审核", "Yes: removed automatically on a complete notice, without human review"},
    {"sor.automated_no", "否:由审核员决定", "No: a moderator decided"},
    {"sor.when", "时间", "When"},
    {"sor.options", "你可以提交反通知(针对权利人通知),或对这个决定提出申诉(由另一位审核员处理)。", "You can file a counter-notice (for a rights-holder notice) or contest the decision (another moderator decides)."},
    {"takedown.status.active", "已移除", "Removed"},
    {"takedown.status.restored", "已恢复", "Restored"},
    {"takedown.status.purged", "已移除,保留期满后已清除", "Removed; purged after the retention period"},
    {"work.status.deleted", "已删除", "Deleted"},
    {"ground.copyright", "著作权", "Copyright"},
    {"ground.illegal", "违法内容", "Illegal content"},
    {"ground.privacy", "侵犯隐私", "Privacy"},
    {"ground.harassment", "骚扰", "Harassment"},
    {"ground.spam", "垃圾信息", "Spam"},
    {"ground.fraud", "欺诈", "Fraud"},

    /* reports, moderation, complaints (moderation.c) */
    {"report.title", "举报作品", "Report a work"},
    {"report.intro", "请选择举报理由并说明情况。审核员会处理,你可以在回执页面看到结果。", "Pick a ground and explain. A moderator will decide; the receipt page shows the outcome."},
    {"report.work", "作品", "Work"},
    {"report.ground", "举报理由", "Ground"},
    {"report.explanation", "说明", "Explanation"},
    {"report.send", "提交举报", "Send the report"},
    {"report.number", "举报编号", "Report"},
    {"report.received", "举报已收到。请保存本页地址以查看处理结果。", "Your report was received. Keep this page's address to see the outcome."},
    {"report.copyright_hint", "侵犯著作权请改用侵权通知:", "For copyright, send a rights-holder notice instead:"},
    {"report.status.open", "等待处理", "Waiting for a moderator"},
    {"report.status.upheld", "举报成立,作品已移除", "Upheld: the work was removed"},
    {"report.status.dismissed", "举报未成立", "Dismissed"},
    {"report.err.missing", "请指明被举报的作品。", "Name the work you report."},
    {"report.err.ground", "请选择一个举报理由。", "Pick one of the grounds."},
    {"report.err.explanation", "请说明情况(最多 5000 个字)。", "Explain the problem (at most 5,000 characters)."},
    {"mod.title", "审核队列", "Moderation queue"},
    {"mod.notices", "待审核的权利人通知", "Notices waiting for review"},
    {"mod.reports", "待处理的举报(按严重程度和时间)", "Open reports (by severity, then age)"},
    {"mod.complaints", "待处理的申诉", "Open complaints"},
    {"mod.history", "这篇作品的处理记录", "This work's removals"},
    {"mod.earlier_reports", "其他举报", "Other reports on this work"},
    {"mod.reason", "决定理由(会告知相关方)", "Reason for the decision (shown to those concerned)"},
    {"mod.takedown", "移除作品", "Take the work down"},
    {"mod.reject", "不采纳通知", "Reject the notice"},
    {"mod.dismiss", "驳回举报", "Dismiss the report"},
    {"mod.decided", "决定已记录。", "The decision was recorded."},
    {"mod.decided_by", "原决定者", "Decided by"},
    {"mod.err.decided", "这一项已经处理过了。", "This was already decided."},
    {"mod.err.decision", "请选择一个决定。", "Choose a decision."},
    {"mod.err.reason", "请写下决定理由(最多 5000 个字)。", "Write the reason for the decision (at most 5,000 characters)."},
    {"complaint.title", "申诉", "Complaint"},
    {"complaint.intro", "你可以对这次移除提出一次申诉,由另一位审核员处理。", "You may contest this removal once; another moderator decides."},
    {"complaint.text", "申诉理由", "Why the decision is wrong"},
    {"complaint.send", "提交申诉", "Send the complaint"},
    {"complaint.sent", "申诉已提交。", "Your complaint was filed."},
    {"complaint.file", "提出申诉", "Contest the decision"},
    {"complaint.restore", "申诉成立,恢复作品", "Uphold: restore the work"},
    {"complaint.keep", "维持原决定", "Reject: keep it removed"},
    {"complaint.status.open", "等待处理", "Waiting"},
    {"complaint.status.upheld", "申诉成立", "Upheld"},
    {"complaint.status.rejected", "维持原决定", "Rejected"},
    {"complaint.err.text", "请写下申诉理由(最多 5000 个字)。", "Write why the decision is wrong (at most 5,000 characters)."},
    {"complaint.err.once", "每次移除只能申诉一次。", "A removal can be contested once."},
    {"complaint.err.same", "作出原决定的审核员不能处理这次申诉。", "The moderator who decided cannot judge the complaint."},

    /* transparency report */
    {"transparency.notices", "收到的权利人通知", "Rights-holder notices received"},
    {"transparency.notices_copyright", "其中:著作权", "of which: copyright"},
    {"transparency.notices_actioned", "通知:已处理(移除)", "Notices acted on (removal)"},
    {"transparency.notices_rejected", "通知:未采纳", "Notices rejected"},
    {"transparency.notices_pending", "通知:待审核", "Notices pending"},
    {"transparency.takedowns", "移除的作品", "Works removed"},
    {"transparency.takedowns_notice", "其中:依据通知", "of which: on notices"},
    {"transparency.takedowns_report", "其中:依据举报", "of which: on reports"},
    {"transparency.takedowns_automated", "其中:自动处理", "of which: automated"},
    {"transparency.counter_notices", "反通知", "Counter-notices"},
    {"transparency.restorations", "恢复的作品", "Works restored"},
    {"transparency.court", "投诉人报告已起诉", "Court actions reported"},
    {"transparency.reports", "读者举报", "Reader reports"},
    {"transparency.reports_upheld", "举报成立", "Reports upheld"},
    {"transparency.reports_dismissed", "举报驳回", "Reports dismissed"},
    {"transparency.complaints", "申诉", "Complaints"},
    {"transparency.complaints_upheld", "申诉成立", "Complaints upheld"},
    {"transparency.complaints_rejected", "申诉驳回", "Complaints rejected"},
    {"transparency.suspensions", "暂停的账号(多次侵权)", "Accounts suspended (repeat infringers)"},
    {"transparency.purges", "保留期满后清除的内容", "Removed content purged after retention"},
    {"transparency.median", "从通知到处理的时间中位数(秒)", "Median time from notice to action (seconds)"},
    {"transparency.err.period", "period 须为 YYYY 或 YYYY-Q1 到 YYYY-Q4。", "period must be YYYY or YYYY-Q1 to YYYY-Q4."},

    /* accounts */
    {"account.handle", "用户名", "Handle"},
    {"account.display_name", "显示名称", "Display name"},
    {"account.password", "密码", "Password"},
    {"account.password2", "再输入一次密码", "Password again"},
    {"account.login_title", "登录", "Log in"},
    {"account.register_title", "注册", "Sign up"},
    {"account.setup_title", "创建管理员账号", "Create the administrator account"},
    {"account.rules", "用户名 3-30 个字母、数字或下划线,以字母开头;密码至少 8 个字符。", "Handle: 3-30 letters, digits or underscores, starting with a letter. Password: at least 8 characters."},
    {"account.err.credentials", "用户名或密码不对。", "Wrong handle or password."},
    {"account.err.throttled", "尝试次数太多,请 15 分钟后再试。", "Too many attempts; try again in 15 minutes."},
    {"account.err.handle", "用户名须为 3-30 个字母、数字或下划线,并以字母开头。", "The handle must be 3-30 letters, digits or underscores, starting with a letter."},
    {"account.err.name", "显示名称须为 1-50 个字,不能包含换行或控制字符。", "The display name must be 1-50 characters on one line, without control characters."},
    {"account.err.password", "密码须为 8 到 1024 个字节。", "The password must be 8 to 1024 bytes."},
    {"account.err.mismatch", "两次输入的密码不一致。", "The two passwords differ."},
    {"account.err.taken", "这个用户名已被使用。", "This handle is taken."},
    {"account.err.missing", "缺少必填字段。", "Required fields are missing."},

    /* works, studio, editor */
    {"work.title", "标题", "Title"},
    {"work.body", "正文(Markdown)", "Body (Markdown)"},
    {"work.tags", "标签(用逗号分隔)", "Tags (comma-separated)"},
    {"work.declaration", "作品声明", "Declaration"},
    {"work.decl_none", "不添加声明", "No declaration"},
    {"work.save", "保存草稿", "Save draft"},
    {"work.publish", "发布", "Publish"},
    {"work.unpublish", "撤回为草稿", "Unpublish"},
    {"work.delete", "删除", "Delete"},
    {"work.preview", "预览", "Preview"},
    {"work.new", "写新作品", "New work"},
    {"work.edit", "编辑", "Edit"},
    {"work.status.draft", "草稿", "Draft"},
    {"work.status.published", "已发布", "Published"},
    {"work.status.taken_down", "已被移除", "Taken down"},
    {"work.revisions", "修订历史", "Revisions"},
    {"work.my_works", "我的作品", "My works"},
    {"work.saved", "已保存", "Saved"},
    {"work.autosaved", "已自动保存", "Autosaved"},
    {"work.err.title_empty", "标题不能为空。", "The title must not be empty."},
    {"work.err.title_long", "标题不能超过 100 个字。", "The title must be at most 100 characters."},
    {"work.err.title_bad", "标题只能是一行文字,不能包含控制字符。", "The title must be one line of text without control characters."},
    {"work.err.body_long", "正文太长(最多 200,000 字节)。", "The body is too long (at most 200,000 bytes)."},
    {"work.err.body_bad", "正文不是有效的 UTF-8 文本。", "The body is not valid UTF-8 text."},
    {"work.err.declaration", "未知的作品声明。", "Unknown declaration."},
    {"work.err.tags", "标签最多 10 个,每个不超过 30 个字,不能包含逗号、斜杠或控制字符。", "At most 10 tags, each up to 30 characters, without commas, slashes or control characters."},
    {"work.err.not_found", "找不到这篇作品。", "There is no such work."},
    {"work.err.not_yours", "这不是你的作品。", "This work is not yours."},
    {"work.err.gone", "该作品已根据权利人通知被移除。", "This work was removed following a rights-holder notice."},
    {"work.err.empty", "正文不能为空才能发布。", "A work needs a body before it can be published."},
    {"studio.edit_title", "编辑作品", "Edit work"},
    {"studio.col_status", "状态", "Status"},
    {"studio.col_updated", "更新于", "Updated"},
    {"studio.col_views", "阅读", "Views"},
    {"studio.col_actions", "操作", "Actions"},
    {"studio.view", "查看", "View"},
    {"studio.view_draft", "预览页面", "Preview page"},
    {"studio.empty", "你还没有作品,写下第一篇吧。", "You have no works yet. Write your first one."},
    {"studio.deleted", "作品已删除。", "The work was deleted."},
    {"studio.saved_published", "已保存并发布。", "Saved and published."},
    {"studio.save_changes", "保存修改", "Save changes"},
    {"studio.current_rev", "当前版本", "Revision"},
    {"studio.taken_down_hint", "你仍可以修改它,但不能发布。", "You can still edit it, but not publish it."},
    {"studio.bad_action", "未知的操作。", "Unknown action."},
    {"studio.unsaved", "有未保存的修改", "Unsaved changes"},
    {"studio.autosaved_local", "已自动保存到本机", "Autosaved on this device"},
    {"studio.offline", "离线中:预览暂不可用,修改会保存在本机。", "Offline: no preview for now; your changes are kept on this device."},
    {"studio.preview_failed", "预览暂不可用。", "The preview is unavailable right now."},
    {"studio.preview_empty", "预览会显示在这里。", "The preview appears here."},
    {"studio.empty_images", "正文中有空的图片嵌入 ![](),发布后不会显示。", "Empty picture embeds ![]() will not be shown."},
    {"studio.restore_offer", "这台设备上有一份比已保存版本更新的草稿", "This device has a copy newer than the saved one"},
    {"studio.restore", "恢复本机草稿", "Restore that copy"},
    {"studio.discard", "丢弃", "Discard"},
    {"studio.delete_title", "删除这篇作品?", "Delete this work?"},
    {"studio.delete_text", "删除后读者将看不到这篇作品,也无法在创作中心恢复。", "Readers will no longer see this work, and it cannot be restored from the studio."},
    {"studio.delete_confirm", "确认删除", "Delete it"},
    {"studio.cancel", "取消", "Cancel"},
    {"studio.rev_col", "版本", "Revision"},
    {"studio.rev_time", "保存于", "Saved"},
    {"studio.current", "当前", "current"},
    {"studio.older_revs", "更早的版本", "Older revisions"},
    {"studio.restore_rev", "恢复这个版本", "Restore this revision"},
    {"studio.restore_hint", "恢复会把它保存为一个新版本,其他版本都会保留。", "Restoring saves it as a new revision; every other revision is kept."},
    {"studio.help_title", "Markdown 写作帮助", "Markdown help"},
    {"studio.help.paragraph", "段落:空一行开始新段落", "Paragraphs: leave a blank line between them"},
    {"studio.help.paragraph_code", "第一段。\n\n第二段。", "First paragraph.\n\nSecond paragraph."},
    {"studio.help.heading", "小标题", "Headings"},
    {"studio.help.heading_code", "## 小标题", "## A heading"},
    {"studio.help.emphasis", "加粗和倾斜", "Bold and italic"},
    {"studio.help.emphasis_code", "**加粗** 和 *倾斜*", "**bold** and *italic*"},
    {"studio.help.link", "链接", "Links"},
    {"studio.help.link_code", "[链接文字](https://example.com)", "[link text](https://example.com)"},
    {"studio.help.picture", "图片(说明文字供看不到图片的读者使用)", "Pictures (the description is for readers who cannot see them)"},
    {"studio.help.picture_code", "![图片说明](图片地址)", "![description](picture address)"},
    {"studio.help.list", "列表", "Lists"},
    {"studio.help.list_code", "- 一项\n- 另一项\n\n1. 第一步\n2. 第二步", "- an item\n- another\n\n1. first step\n2. second step"},
    {"studio.help.quote", "引用", "Quotes"},
    {"studio.help.quote_code", "> 引用的话", "> quoted words"},
    {"studio.help.table", "表格", "Tables"},
    {"studio.help.table_code", "| 名称 | 数量 |\n|------|------|\n| 苹果 | 3 |", "| Name | Count |\n|------|-------|\n| Apple | 3 |"},
    {"studio.help.code", "代码", "Code"},
    {"studio.help.code_code", "```\nprintf(\"hello\");\n```", "```\nprintf(\"hello\");\n```"},
    {"studio.help.html", "HTML 标签会按原样显示为文字,不会被执行。", "HTML tags are shown as text, never run."},
};

const char *T(lang_t lang, const char *key)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(table[i].key, key) == 0) {
            const char *s = lang == LANG_EN ? table[i].en : table[i].zh;
            if (!s || !*s)
                s = lang == LANG_EN ? table[i].zh : table[i].en;
            return s;
        }
    }
    return key;
}

lang_t i18n_from_accept(const char *al)
{
    if (!al)
        return LANG_ZH;
    /* The first listed language of the two we have wins; q-values are rarely
     * used to reorder in practice, and the reader can switch by link. */
    for (const char *p = al; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if ((p[0] == 'z' || p[0] == 'Z') && (p[1] == 'h' || p[1] == 'H'))
            return LANG_ZH;
        if ((p[0] == 'e' || p[0] == 'E') && (p[1] == 'n' || p[1] == 'N'))
            return LANG_EN;
        while (*p && *p != ',')
            p++;
    }
    return LANG_ZH;
}

const char *i18n_code(lang_t lang)
{
    return lang == LANG_EN ? "en" : "zh-CN";
}
