/*
 * takedown.h — removing and restoring works, whatever asked for it (a
 * rights-holder notice, an upheld reader report, an upheld complaint),
 * repeat-infringer strikes, and the purge of removed content after the
 * retention period. Owns the takedowns table. (A delayed restore is a
 * scheduled job, jobs.h, run by counter.h.)
 *
 * A taken-down work has works.status = 'taken_down': every listing (home,
 * author and tag pages, feeds, sitemap, API lists, search) filters on
 * status = 'published', so the work leaves all of them in the transaction
 * that removes it; its page and API record answer 451 with the reason. The
 * content is kept (not served) for the retention period as evidence.
 *
 * The write functions run inside the caller's transaction (so a notice and
 * the removals it causes commit together) and append their audit entries;
 * the caller commits and then calls changed_signal().
 */
#ifndef HAO_TAKEDOWN_H
#define HAO_TAKEDOWN_H

#include <stdint.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "db/db.h"

/* Take down work_id if it is published. notice_id / report_id: 0 if none.
 * automated: 1 when no person reviewed before removal. Returns the new
 * takedown id, 0 when the work was not published (nothing done), -1 error. */
int64_t takedown_work(db_t *db, const char *work_id, int64_t notice_id, int64_t report_id, const char *ground,
                      const char *reason, int automated, const char *actor);
/* Take down comment comment_id (published or pending) on notice notice_id:
 * a takedowns row with the comment's work and comment_id, the comment
 * replaced by its placeholder naming the notice (comment_take_down, which
 * notifies the commenter), the audit entry comment.takedown, the
 * commenter's strikes counted (takedown_strikes). The work stays
 * up. Returns the takedown id, 0 when the comment was not shown (nothing
 * done), -1 error. Inside the caller's transaction. */
int64_t takedown_comment(db_t *db, int64_t comment_id, int64_t notice_id, const char *ground, const char *reason,
                         int automated, const char *actor);
/* The same on an upheld reader report report_id (report.h): the
 * placeholder names the report (removed by 'report'), a person decided. */
int64_t takedown_comment_report(db_t *db, int64_t comment_id, int64_t report_id, const char *ground,
                                const char *reason, const char *actor);
/* The takedown e-mail for comments: to each commenter concerned (with an
 * address, when SMTP is set), one message listing every comment of theirs
 * that the takedowns takedown_ids[0..n) removed, each with its work, basis,
 * ground and reason. Inside the caller's transaction; 0, or -1 error. */
int takedown_mail_comments(db_t *db, const int64_t *takedown_ids, int n);
/* Restore the work of an active takedown (for a comment's takedown, the
 * comment: audit comment.restore) (back to published). why goes to
 * the audit log. 1 restored, 0 not active any more, -1 error. */
int takedown_restore(db_t *db, int64_t takedown_id, const char *actor, const char *why);

/* Who a removal concerns: 1 with the author of the work takedown_id
 * removed, its notice (0 when a report or a moderator removed it) and its
 * status ("active", "restored", "purged") filled in; 0 when there is no
 * such takedown (or it could not be read). */
int takedown_get(db_t *db, int64_t takedown_id, int64_t *author_id, int64_t *notice_id, char status[16]);

/* The reason a taken-down work shows (its newest active takedown), as one
 * plain-text sentence in lang. *notice_id gets the notice number or 0.
 * Returns 1 when found. */
int takedown_describe(db_t *db, const char *work_id, lang_t lang, buf_t *out, int64_t *notice_id);

/* Count the author's strikes (notices that took down their works, or their
 * comments, not restored, in the last strike_months) and suspend the account at strike_limit. Inside
 * the caller's transaction. Returns 1 when suspended now. */
int takedown_strikes(db_t *db, int64_t author_id, const char *actor);

/* Append to out the statement of reasons of the user's suspension (the
 * newest user.suspend audit entry, with its time). */
void takedown_suspension_reason(db_t *db, int64_t user_id, lang_t lang, buf_t *out);

/* Sweeps of the scheduled-jobs runner (jobs.h), each purge in its own
 * transaction; each returns the number of works purged. Content removed
 * longer ago than retention_days is erased (the body, revisions, tags and
 * the media only it embedded go; the row, the takedown record, now
 * 'purged', and the audit trail stay); works their authors deleted are kept
 * as long, then purged the same way. */
int takedown_purge_expired(db_t *db);
int takedown_purge_deleted(db_t *db);
/* Comments are stored user content too: a purged work's comments lose
 * their text with it (inside the purges above), and this sweep erases,
 * retention_days after their status changed, the text of comments deleted
 * or removed, and forgets the addresses comments were posted from (in
 * batches, comment.h); comment takedowns older than that become 'purged'
 * (audit comment.purge). Returns the number of rows changed. */
int takedown_purge_comments(db_t *db);

#endif
