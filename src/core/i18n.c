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

    /* provenance: AI labels, originality */
    {"prov.ai", "AI生成", "AI-generated"},
    {"prov.ai_assisted", "AI辅助创作", "AI-assisted"},
    {"prov.ai_possible", "疑似AI生成", "Possibly AI-generated"},
    {"prov.ai_why", "作品中的图片或视频带有AI生成标识", "Pictures or videos in this work carry an AI-generated label"},
    {"prov.original", "原创", "Original"},
    {"prov.source", "首发/来源", "First published / source"},
    {"prov.copy_notice", "本文与更早发布的作品大量重合。", "This text substantially overlaps an earlier work."},
    {"prov.title", "原创检测", "Originality check"},
    {"prov.warning", "这篇作品与他人更早发布的作品大量重合:", "This work substantially overlaps earlier works by other creators:"},
    {"prov.compare", "查看对比", "Compare side by side"},
    {"prov.none", "没有发现与他人更早作品的大量重合。", "No substantial overlap with earlier works by other creators was found."},
    {"prov.too_short", "正文太短(去掉平台声明等固定文字后),无法判断是否重合。", "The text is too short (after boilerplate such as the platform statement is removed) to judge."},
    {"prov.this_work", "本作品", "This work"},
    {"prov.earlier", "更早的作品", "Earlier work"},
    {"prov.score", "重合度", "Overlap"},
    {"prov.by", "作者", "by"},
    {"prov.hint", "标记部分是两篇作品共有的文字。平台声明、作品声明和许多作者共用的开头结尾不计入。", "Marked passages are shared by both works. The platform statement, declarations and headers or footers that many creators use are not counted."},
    {"prov.hint_declare", "如内容取自他处,请选择作品声明“内容取材于网络”,来源会自动注明。", "If the content comes from elsewhere, choose the declaration “Content sourced from the internet”; the source is named automatically."},
    {"prov.mod_title", "重合作品", "Overlapping works"},
    {"prov.overlap_badge", "与他人作品重合", "Overlaps others' work"},
    {"prov.view_source", "查看首发作品", "View the first publication"},
    {"prov.mod_empty", "没有被判定为大量重合的作品。", "No works were found to overlap substantially."},

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
    {"work.err.not_original", "这篇作品与他人更早发布的作品大量重合,不能声明为原创。如内容取自他处,可选择作品声明“内容取材于网络”后发布,来源会自动注明。", "This work substantially overlaps an earlier work by someone else, so it cannot be marked original. If the content comes from elsewhere, publish it declared as sourced from the internet; the source is named automatically."},
    {"work.original", "声明原创(发布时会检查与他人作品的重合)", "Claim as original (checked against other creators' works)"},
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
