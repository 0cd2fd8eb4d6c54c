/*
 * routes.c — the route table: every URL hao answers, in one place.
 *
 * For each route: method, path pattern (":name" matches one decoded path
 * segment), handler, the least role required, flags (RT_API: JSON errors and
 * bearer auth; RT_CSRF: form POST with a CSRF token; RT_CACHE: anonymous
 * responses cached in memory until content changes), and the largest body
 * accepted. The router (http/router.c) enforces all of it before a handler
 * runs. First match wins, so literal paths come before patterns.
 */
#include "http/router.h"
#include "site/accounts/account.h"
#include "site/accounts/invite_page.h"
#include "site/audience/follow_page.h"
#include "site/audience/notify_page.h"
#include "site/app.h"
#include "site/audience/comment_page.h"
#include "site/api/api.h"
#include "site/audience/newsletter.h"
#include "site/reader/feed.h"
#include "site/trust/audit.h"
#include "site/trust/complaint.h"
#include "site/trust/counter.h"
#include "site/layout.h"
#include "site/ops/mail.h"
#include "site/trust/moderation.h"
#include "site/trust/notice.h"
#include "site/trust/report.h"
#include "site/ops/settings.h"
#include "site/trust/transparency.h"
#include "site/works/media.h"
#include "site/reader/pages.h"
#include "site/reader/searchpage.h"
#include "site/reader/provenance_view.h"
#include "site/studio/studio.h"
/* includes: audience */
/* includes: people */
#include "site/people/profile.h"
#include "site/people/users.h"
/* includes: reading */
#include "site/studio/editor_reading.h"
#include "site/reader/feedspage.h"
/* includes: creator */
#include "site/creator/collection_page.h"
#include "site/creator/pins.h"
#include "site/creator/preview.h"
#include "site/creator/schedule.h"
#include "site/creator/stats.h"
/* includes: security */
#include "site/security/leave.h"
#include "site/security/passkey.h"
#include "site/security/password.h"
#include "site/security/security.h"
#include "site/security/tokens.h"
#include "site/security/totp.h"
/* includes: ops */
#include "site/ops/metrics.h"
/* includes: portability */
#include "site/portability/studio_port.h"
/* includes: federation */
#include "site/federation/actor.h"
#include "site/federation/admin.h"
#include "site/federation/discovery.h"
#include "site/federation/inbox.h"

#define KB 1024
#define FORM_MAX (256 * KB) /* a work's body (200,000 bytes) form-encoded, with room */
#define JSON_MAX (1024 * KB)

const route_t routes[] = {
    /* reader pages */
    {"GET", "/", pages_home, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/a/:id", pages_work, ROLE_NONE, RT_CACHE | RT_NEGOTIATE, 0},
    {"GET", "/a/:id/end/:mac", pages_work_end, ROLE_NONE, 0, 0},
    {"GET", "/u/:handle", pages_author, ROLE_NONE, RT_CACHE | RT_NEGOTIATE, 0},
    {"GET", "/t/:tag", pages_tag, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/search", searchpage_html, ROLE_NONE, RT_CACHE, 0},

    /* the audience, comments and likes (site/audience/): pages and API */
    {"POST", "/a/:id/comments", comment_post_form, ROLE_READER, RT_CSRF, 64 * KB},
    {"POST", "/a/:id/comments/mode", comment_mode_form, ROLE_READER, RT_CSRF, 8 * KB},
    {"POST", "/a/:id/comments/block", comment_block_form, ROLE_READER, RT_CSRF, 8 * KB},
    {"POST", "/a/:id/like", comment_like_work_form, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/comments/:cid", comment_thread_page, ROLE_NONE, 0, 0},
    {"GET", "/comments/:cid/edit", comment_edit_page, ROLE_READER, 0, 0},
    {"POST", "/comments/:cid/edit", comment_edit_form, ROLE_READER, RT_CSRF, 64 * KB},
    {"POST", "/comments/:cid/delete", comment_delete_form, ROLE_READER, RT_CSRF, 8 * KB},
    {"POST", "/comments/:cid/remove", comment_remove_form, ROLE_READER, RT_CSRF, 8 * KB},
    {"POST", "/comments/:cid/pin", comment_pin_form, ROLE_READER, RT_CSRF, 8 * KB},
    {"POST", "/comments/:cid/like", comment_like_form, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/studio/comments", comment_studio_page, ROLE_CREATOR, 0, 0},
    {"POST", "/studio/comments/block", comment_block_form, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"GET", "/mod/comments", comment_mod_page, ROLE_MODERATOR, 0, 0},
    {"POST", "/mod/comments/:cid/approve", comment_approve_form, ROLE_MODERATOR, RT_CSRF, 8 * KB},
    {"GET", asset_comments_js_url, asset_comments_js, ROLE_NONE, 0, 0},
    {"GET", "/api/v1/articles/:id/comments", comment_api_list, ROLE_NONE, RT_API, 0},
    {"POST", "/api/v1/articles/:id/comments", comment_api_post, ROLE_READER, RT_API, 64 * KB},
    {"PUT", "/api/v1/comments/:cid", comment_api_edit, ROLE_READER, RT_API, 64 * KB},
    {"DELETE", "/api/v1/comments/:cid", comment_api_delete, ROLE_READER, RT_API, 0},
    {"PUT", "/api/v1/articles/:id/like", comment_api_like_work, ROLE_READER, RT_API, 8 * KB},
    {"DELETE", "/api/v1/articles/:id/like", comment_api_like_work, ROLE_READER, RT_API, 0},
    {"PUT", "/api/v1/comments/:cid/like", comment_api_like, ROLE_READER, RT_API, 8 * KB},
    {"DELETE", "/api/v1/comments/:cid/like", comment_api_like, ROLE_READER, RT_API, 0},
    /* (end of comments and likes) */

    /* feeds and sitemap */
    {"GET", "/feed.atom", feed_atom_site, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/feed.json", feed_json_site, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/u/:handle/feed.atom", feed_atom_author, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/u/:handle/feed.json", feed_json_author, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/t/:tag/feed.atom", feed_atom_tag, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/t/:tag/feed.json", feed_json_tag, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/sitemap.xml", feed_sitemap, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/robots.txt", asset_robots, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/favicon.ico", asset_favicon, ROLE_NONE, 0, 0},
    {"GET", "/sitemap-:n", feed_sitemap_part, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/about", pages_about, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/lang", pages_lang, ROLE_NONE, 0, 0},
    {"GET", "/healthz", pages_healthz, ROLE_NONE, 0, 0},
    /* /static/hao.<version>.css, /static/studio.<version>.js (layout.h) */
    {"GET", asset_css_url, asset_css, ROLE_NONE, 0, 0},
    {"GET", asset_studio_js_url, asset_studio_js, ROLE_NONE, 0, 0},
    {"GET", asset_icon_url, asset_icon, ROLE_NONE, 0, 0},

    /* media: immutable files, served by h2o from the store (not page-cached) */
    {"GET", "/m/:id", media_serve, ROLE_NONE, 0, 0},
    {"GET", "/m/:id/:variant", media_serve, ROLE_NONE, 0, 0},

    /* accounts */
    {"GET", "/login", account_login_page, ROLE_NONE, 0, 0},
    {"POST", "/login", account_login_post, ROLE_NONE, RT_CSRF, 8 * KB},
    {"GET", "/register", account_register_page, ROLE_NONE, 0, 0},
    {"POST", "/register", account_register_post, ROLE_NONE, RT_CSRF, 8 * KB},
    {"POST", "/logout", account_logout_post, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/setup/:token", account_setup_page, ROLE_NONE, 0, 0},
    {"POST", "/setup/:token", account_setup_post, ROLE_NONE, RT_CSRF, 8 * KB},

    /* the audience, follows, timeline, notifications, invitations: pages and API */
    {"GET", "/u/:handle/follow", follow_confirm_page, ROLE_READER, 0, 0},
    {"POST", "/u/:handle/follow", follow_post, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/following", follow_timeline_page, ROLE_READER, 0, 0},
    {"GET", "/studio/followers", follow_studio_followers, ROLE_CREATOR, 0, 0},
    {"GET", "/notifications", notify_inbox_page, ROLE_READER, 0, 0},
    {"POST", "/notifications/read", notify_read_post, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/admin/invites", invite_admin_page, ROLE_ADMIN, 0, 0},
    {"POST", "/admin/invites", invite_admin_post, ROLE_ADMIN, RT_CSRF, 8 * KB},
    {"PUT", "/api/v1/follows/:handle", follow_api_put, ROLE_READER, RT_API, 8 * KB},
    {"DELETE", "/api/v1/follows/:handle", follow_api_delete, ROLE_READER, RT_API, 8 * KB},
    {"GET", "/api/v1/timeline", follow_api_timeline, ROLE_READER, RT_API, 0},
    {"GET", "/api/v1/notifications", notify_api_list, ROLE_READER, RT_API, 0},
    {"POST", "/api/v1/notifications/read", notify_api_read, ROLE_READER, RT_API, 64 * KB},
    /* (end of follows) */

    /* Each engineer's part of this round: its routes go between its two
     * markers. Literal paths such as /studio/series must come before the
     * /studio/:id pattern below, which they do here. */
    /* ---- part: audience ---- */
    /* (end of audience) */

    /* ---- part: people ---- */
    {"GET", "/admin/users", people_users_page, ROLE_ADMIN, 0, 0},
    {"GET", "/admin/users/:id", people_user_page, ROLE_ADMIN, 0, 0},
    {"POST", "/admin/users/:id/role", people_role_post, ROLE_ADMIN, RT_CSRF, 8 * KB},
    {"POST", "/admin/users/:id/suspend", people_suspend_post, ROLE_ADMIN, RT_CSRF, 8 * KB},
    {"POST", "/admin/users/:id/reinstate", people_reinstate_post, ROLE_ADMIN, RT_CSRF, 8 * KB},
    {"GET", "/account/profile", profile_page, ROLE_READER, 0, 0},
    {"POST", "/account/profile", profile_post, ROLE_READER, RT_CSRF, 8 * KB},
    /* (multipart with the picture: the upload checks the CSRF token) */
    {"POST", "/account/profile/avatar", profile_avatar_post, ROLE_READER, RT_CSRF_BODY, PROFILE_AVATAR_MAX},
    {"POST", "/account/profile/avatar/remove", profile_avatar_remove, ROLE_READER, RT_CSRF, 4 * KB},
    /* (end of people) */

    /* ---- part: reading ---- */
    {"GET", "/feeds", feedspage_html, ROLE_NONE, RT_CACHE, 0},
    {"POST", "/studio/:id/autosave", studio_autosave_post, ROLE_CREATOR, RT_CSRF, FORM_MAX},
    {"POST", "/studio/:id/autosave/discard", studio_autosave_discard, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"GET", "/studio/:id/compare", studio_compare, ROLE_CREATOR, 0, 0},
    /* (end of reading) */

    /* ---- part: creator ---- */
    {"POST", "/studio/:id/schedule", sched_form_post, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"POST", "/api/v1/articles/:id/publish", sched_api_publish, ROLE_CREATOR, RT_API, 8 * KB},
    {"DELETE", "/api/v1/articles/:id/schedule", sched_api_cancel, ROLE_CREATOR, RT_API, 0},
    {"POST", "/studio/:id/pin", pins_form_post, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"PUT", "/api/v1/articles/:id/pin", pins_api_put, ROLE_CREATOR, RT_API, 8 * KB},
    {"DELETE", "/api/v1/articles/:id/pin", pins_api_delete, ROLE_CREATOR, RT_API, 0},
    {"GET", "/api/v1/authors/:handle/pins", pins_api_list, ROLE_NONE, RT_API, 0},
    {"GET", "/p/:token", preview_page, ROLE_NONE, 0, 0},
    {"POST", "/studio/:id/previews", preview_form_post, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"POST", "/studio/:id/previews/:pid/revoke", preview_revoke_post, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"POST", "/api/v1/articles/:id/previews", preview_api_create, ROLE_CREATOR, RT_API, 8 * KB},
    {"GET", "/api/v1/articles/:id/previews", preview_api_list, ROLE_CREATOR, RT_API, 0},
    {"DELETE", "/api/v1/articles/:id/previews/:pid", preview_api_revoke, ROLE_CREATOR, RT_API, 0},
    {"GET", "/c/:cid", coll_page, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/c/:cid/feed.atom", coll_feed_atom, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/c/:cid/feed.json", coll_feed_json, ROLE_NONE, RT_CACHE, 0},
    {"GET", "/static/creator-collections.js", coll_script, ROLE_NONE, 0, 0},
    {"GET", "/studio/collections", coll_studio_list, ROLE_CREATOR, 0, 0},
    {"POST", "/studio/collections", coll_studio_create, ROLE_CREATOR, RT_CSRF, 16 * KB},
    {"GET", "/studio/collections/:cid", coll_studio_edit, ROLE_CREATOR, 0, 0},
    {"POST", "/studio/collections/:cid", coll_studio_save, ROLE_CREATOR, RT_CSRF, 16 * KB},
    {"POST", "/studio/collections/:cid/works", coll_studio_works, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"POST", "/studio/collections/:cid/order", coll_studio_order, ROLE_CREATOR, RT_CSRF, 16 * KB},
    {"POST", "/studio/collections/:cid/delete", coll_studio_delete, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"POST", "/studio/:id/collections", coll_studio_pick, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"GET", "/api/v1/collections", coll_api_list, ROLE_NONE, RT_API, 0},
    {"POST", "/api/v1/collections", coll_api_create, ROLE_CREATOR, RT_API, 64 * KB},
    {"GET", "/api/v1/collections/:cid", coll_api_get, ROLE_NONE, RT_API, 0},
    {"PUT", "/api/v1/collections/:cid", coll_api_update, ROLE_CREATOR, RT_API, 64 * KB},
    {"DELETE", "/api/v1/collections/:cid", coll_api_delete, ROLE_CREATOR, RT_API, 0},
    {"POST", "/api/v1/collections/:cid/works", coll_api_add, ROLE_CREATOR, RT_API, 8 * KB},
    {"DELETE", "/api/v1/collections/:cid/works/:id", coll_api_remove, ROLE_CREATOR, RT_API, 0},
    {"GET", "/studio/stats", stats_page, ROLE_CREATOR, 0, 0},
    {"GET", "/studio/stats.csv", stats_csv, ROLE_CREATOR, 0, 0},
    {"GET", "/studio/:id/stats", stats_work_page, ROLE_CREATOR, 0, 0},
    {"GET", "/admin/stats", stats_site_page, ROLE_ADMIN, 0, 0},
    /* (end of creator) */

    /* ---- part: security ---- */
    {"GET", "/account/security", sec_overview_page, ROLE_READER, 0, 0},
    {"GET", "/account/security/password", sec_password_page, ROLE_READER, 0, 0},
    {"POST", "/account/security/password", sec_password_post, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/account/security/sessions", sec_sessions_page, ROLE_READER, 0, 0},
    {"POST", "/account/security/sessions", sec_sessions_post, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/account/security/tokens", sec_tokens_page, ROLE_READER, 0, 0},
    {"POST", "/account/security/tokens", sec_tokens_post, ROLE_READER, RT_CSRF, 8 * KB},
    {"POST", "/account/security/tokens/revoke", sec_tokens_revoke, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/account/security/2fa", sec_2fa_page, ROLE_READER, 0, 0},
    {"POST", "/account/security/2fa", sec_2fa_post, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/login/2fa", sec_login_2fa_page, ROLE_NONE, 0, 0},
    {"POST", "/login/2fa", sec_login_2fa_post, ROLE_NONE, RT_CSRF, 8 * KB},
    {"GET", "/account/security/leave", sec_leave_page, ROLE_READER, 0, 0},
    {"GET", "/account/security/data.json", sec_export_get, ROLE_READER, 0, 0},
    {"POST", "/account/security/delete", sec_delete_post, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/static/passkey.js", sec_passkey_js, ROLE_NONE, 0, 0},
    {"GET", "/account/security/passkeys", sec_passkeys_page, ROLE_READER, 0, 0},
    {"POST", "/account/security/passkeys/options", sec_passkey_reg_options, ROLE_READER, RT_CSRF, 1 * KB},
    {"POST", "/account/security/passkeys", sec_passkey_register, ROLE_READER, RT_CSRF, 32 * KB},
    {"POST", "/account/security/passkeys/rename", sec_passkey_rename, ROLE_READER, RT_CSRF, 8 * KB},
    {"POST", "/account/security/passkeys/remove", sec_passkey_remove, ROLE_READER, RT_CSRF, 8 * KB},
    {"GET", "/login/passkey", sec_passkey_login_page, ROLE_NONE, 0, 0},
    {"POST", "/login/passkey/options", sec_passkey_login_options, ROLE_NONE, RT_CSRF, 1 * KB},
    {"POST", "/login/passkey", sec_passkey_login, ROLE_NONE, RT_CSRF, 32 * KB},
    {"GET", "/account/reset", sec_reset_page, ROLE_NONE, 0, 0},
    {"POST", "/account/reset", sec_reset_post, ROLE_NONE, RT_CSRF, 8 * KB},
    {"GET", "/account/reset/:token", sec_reset_link_page, ROLE_NONE, 0, 0},
    {"POST", "/account/reset/:token", sec_reset_link_post, ROLE_NONE, RT_CSRF, 8 * KB},
    /* (end of security) */

    /* ---- part: ops ---- */
    {"GET", "/metrics", ops_metrics, ROLE_NONE, 0, 0},
    /* (end of ops) */

    /* ---- part: portability ---- */
    {"GET", "/studio/portability", port_studio_page, ROLE_CREATOR, 0, 0},
    {"POST", "/studio/portability/export", port_studio_export, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"POST", "/studio/portability/import", port_studio_import, ROLE_CREATOR, RT_CSRF_BODY, PORT_UPLOAD_MAX},
    {"GET", "/studio/portability/:jid/download", port_studio_download, ROLE_CREATOR, 0, 0},
    /* (end of portability) */

    /* ---- part: federation ---- */
    /* ActivityPub (site/federation/): discovery, the actors' collections.
     * The Person and the Article are /u/:handle and /a/:id themselves
     * (RT_NEGOTIATE). */
    {"GET", "/.well-known/webfinger", fed_webfinger, ROLE_NONE, 0, 0},
    {"GET", "/.well-known/nodeinfo", fed_nodeinfo_index, ROLE_NONE, 0, 0},
    {"GET", "/.well-known/host-meta", fed_host_meta, ROLE_NONE, 0, 0},
    {"GET", "/nodeinfo/2.1", fed_nodeinfo, ROLE_NONE, 0, 0},
    {"GET", "/u/:handle/outbox", fed_outbox, ROLE_NONE, 0, 0},
    {"GET", "/u/:handle/followers", fed_followers, ROLE_NONE, 0, 0},
    {"GET", "/u/:handle/following", fed_following, ROLE_NONE, 0, 0},
    {"GET", "/u/:handle/featured", fed_featured, ROLE_NONE, 0, 0},
    /* signed by the sending server, not a browser form: no CSRF token;
     * RT_API for JSON errors (413 included) */
    {"POST", "/u/:handle/inbox", fed_inbox, ROLE_NONE, RT_API, FED_INBOX_MAX},
    {"POST", "/inbox", fed_shared_inbox, ROLE_NONE, RT_API, FED_INBOX_MAX},
    {"GET", "/admin/federation", fed_admin_page, ROLE_ADMIN, 0, 0},
    /* (end of federation) */

    /* notices, reports, moderation, settings (information-storage duties) */
    {"GET", "/notice", notice_form, ROLE_NONE, 0, 0},
    /* (multipart with a proof file: the handler checks the CSRF token) */
    {"POST", "/notice", notice_form_post, ROLE_NONE, RT_CSRF_BODY, NOTICE_FORM_MAX},
    {"GET", "/notice/:id", notice_status, ROLE_NONE, 0, 0},
    {"POST", "/notice/:id/court", notice_court_post, ROLE_NONE, RT_CSRF, 64 * KB},
    {"GET", "/notice/:id/confirm", notice_confirm_page, ROLE_NONE, 0, 0},
    {"POST", "/notice/:id/confirm", notice_confirm_post, ROLE_NONE, RT_CSRF, 4 * KB},
    {"GET", "/report", report_form, ROLE_NONE, 0, 0},
    {"POST", "/report", report_post, ROLE_NONE, RT_CSRF, 64 * KB},
    {"GET", "/report/:id", report_status, ROLE_NONE, 0, 0},
    {"GET", "/transparency", transparency_page, ROLE_NONE, 0, 0},
    {"GET", "/transparency.json", transparency_json, ROLE_NONE, RT_API, 0},
    /* Readers too: a commenter answers the removal of their comment here. */
    {"GET", "/studio/notices", counter_studio, ROLE_READER, 0, 0},
    {"GET", "/studio/notices/:td/counter", counter_form, ROLE_READER, 0, 0},
    {"POST", "/studio/notices/:td/counter", counter_post, ROLE_READER, RT_CSRF, 64 * KB},
    {"GET", "/studio/notices/:td/complaint", complaint_form, ROLE_READER, 0, 0},
    {"POST", "/studio/notices/:td/complaint", complaint_post, ROLE_READER, RT_CSRF, 64 * KB},
    {"GET", "/mod", mod_queue, ROLE_MODERATOR, 0, 0},
    {"GET", "/mod/notices/:id", mod_notice, ROLE_MODERATOR, 0, 0},
    {"GET", "/mod/notices/:id/proof", notice_proof_file, ROLE_MODERATOR, 0, 0},
    {"POST", "/mod/notices/:id", mod_notice_post, ROLE_MODERATOR, RT_CSRF, 64 * KB},
    {"GET", "/mod/reports/:id", mod_report, ROLE_MODERATOR, 0, 0},
    {"POST", "/mod/reports/:id", mod_report_post, ROLE_MODERATOR, RT_CSRF, 64 * KB},
    {"GET", "/mod/reviews/:id", mod_review, ROLE_MODERATOR, 0, 0},
    {"POST", "/mod/reviews/:id", mod_review_post, ROLE_MODERATOR, RT_CSRF, 64 * KB},
    {"GET", "/mod/complaints/:id", mod_complaint, ROLE_MODERATOR, 0, 0},
    {"POST", "/mod/complaints/:id", mod_complaint_post, ROLE_MODERATOR, RT_CSRF, 64 * KB},
    {"GET", "/admin/settings", settings_page, ROLE_ADMIN, 0, 0},
    {"GET", "/admin/audit", audit_page, ROLE_ADMIN, 0, 0},
    {"POST", "/admin/settings", settings_post, ROLE_ADMIN, RT_CSRF, 64 * KB},

    /* studio */
    {"GET", "/studio/email", mail_address_page, ROLE_CREATOR, 0, 0},
    {"POST", "/studio/email", mail_address_post, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"GET", "/studio", studio_list, ROLE_CREATOR, 0, 0},
    {"GET", "/studio/new", studio_new, ROLE_CREATOR, 0, 0},
    {"POST", "/studio/new", studio_create, ROLE_CREATOR, RT_CSRF, FORM_MAX},
    {"POST", "/studio/preview", studio_preview, ROLE_CREATOR, RT_CSRF, FORM_MAX},
    {"POST", "/studio/media", media_upload_studio, ROLE_CREATOR, RT_CSRF | RT_UPLOAD, 0},
    {"POST", "/studio/media/uploads", media_chunked_create, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"POST", "/studio/media/uploads/:id", media_chunked_append, ROLE_CREATOR, RT_CSRF, MEDIA_CHUNK_MAX},
    {"POST", "/studio/media/uploads/:id/finish", media_chunked_finish, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"GET", "/studio/:id", studio_edit, ROLE_CREATOR, 0, 0},
    {"POST", "/studio/:id", studio_save, ROLE_CREATOR, RT_CSRF, FORM_MAX},
    {"POST", "/studio/:id/delete", studio_delete, ROLE_CREATOR, RT_CSRF, 8 * KB},
    {"GET", "/studio/:id/revisions", studio_revisions, ROLE_CREATOR, 0, 0},
    {"GET", "/studio/:id/originality", prov_studio_page, ROLE_CREATOR, 0, 0},
    {"GET", "/studio/:id/revisions/:rev", studio_revision, ROLE_CREATOR, 0, 0},
    {"POST", "/studio/:id/revisions/:rev/restore", studio_restore, ROLE_CREATOR, RT_CSRF, 8 * KB},

    /* the audience, e-mail subscriptions: pages and API */
    {"GET", "/u/:handle/subscribe", newsletter_form_page, ROLE_NONE, 0, 0},
    {"POST", "/u/:handle/subscribe", newsletter_form_post, ROLE_NONE, RT_CSRF, 8 * KB},
    {"GET", "/subscribe/confirm/:token", newsletter_confirm, ROLE_NONE, 0, 0},
    {"GET", "/unsubscribe/:token", newsletter_unsub_page, ROLE_NONE, 0, 0},
    /* RFC 8058 one-click: no session needed, no CSRF token (the signed token
     * is the authority); the body is "List-Unsubscribe=One-Click". */
    {"POST", "/unsubscribe/:token", newsletter_unsub_post, ROLE_NONE, 0, 1 * KB},
    /* (end of subscriptions) */

    /* moderation */
    {"GET", "/mod/originality", prov_mod_list, ROLE_MODERATOR, 0, 0},
    {"GET", "/mod/originality/:id", prov_mod_page, ROLE_MODERATOR, 0, 0},

    /* JSON API */
    {"POST", "/api/v1/tokens", account_tokens_post, ROLE_NONE, RT_API, 8 * KB},
    {"GET", "/api/v1/declarations", api_declarations, ROLE_NONE, RT_API, 0},
    {"GET", "/api/v1/search", searchpage_api, ROLE_NONE, RT_API, 0},
    {"GET", "/api/v1/articles", api_articles_list, ROLE_NONE, RT_API, 0},
    {"POST", "/api/v1/articles", api_articles_create, ROLE_CREATOR, RT_API, JSON_MAX},
    {"GET", "/api/v1/articles/:id", api_articles_get, ROLE_NONE, RT_API, 0},
    {"PUT", "/api/v1/articles/:id", api_articles_update, ROLE_CREATOR, RT_API, JSON_MAX},
    {"DELETE", "/api/v1/articles/:id", api_articles_delete, ROLE_CREATOR, RT_API, 0},
    {"POST", "/api/v1/notices", notice_api_post, ROLE_NONE, RT_API, 64 * KB},
    {"GET", "/api/v1/notices/:id", notice_api_status, ROLE_NONE, RT_API, 0},
    {"POST", "/api/v1/reports", report_api_post, ROLE_NONE, RT_API, 64 * KB},
    {"POST", "/api/v1/media", media_upload_api, ROLE_CREATOR, RT_API | RT_UPLOAD, 0},
    {"POST", "/api/v1/media/uploads", media_chunked_create, ROLE_CREATOR, RT_API, 8 * KB},
    {"POST", "/api/v1/media/uploads/:id", media_chunked_append, ROLE_CREATOR, RT_API, MEDIA_CHUNK_MAX},
    {"POST", "/api/v1/media/uploads/:id/finish", media_chunked_finish, ROLE_CREATOR, RT_API, 8 * KB},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
