/*
 * changed.h — the content-change signal: "what pages show has changed".
 *
 * Domain code (publishing, takedowns, notices, settings) calls
 * changed_signal() after it commits a write that pages show. It knows
 * nothing of what listens: the count it bumps (changed_generation()) is what
 * the HTTP layer's page caches compare against, and the one notifier
 * registered at start-up (changed_set_notifier(); `hao serve` registers the
 * database's cross-node notice, db_watch_signal) tells other nodes. A change
 * heard from another node bumps the count without notifying again
 * (changed_elsewhere()).
 *
 * Layering: core, so every layer above may call it; it includes nothing of
 * hao's. Threads: every function may be called from any thread, except
 * changed_set_notifier(), which is called once, before any thread starts.
 */
#ifndef HAO_CHANGED_H
#define HAO_CHANGED_H

#include <stdint.h>

/* A committed write changed what pages show: bump the generation, then call
 * the notifier, if one is registered. */
void changed_signal(void);
/* Another node changed what pages show (its notice arrived): bump only. */
void changed_elsewhere(void);
/* The current generation; a page rendered under an older one is stale. */
uint64_t changed_generation(void);

/* A finer signal for writes that change one work's page and only the counts
 * list pages show of it (comments, likes): the work's cached pages go stale
 * at once, every other cached page may keep serving for up to
 * CHANGED_LAG_NS after it was rendered (changed_stale()). Works are tracked
 * in CHANGED_WORK_SLOTS hashed slots, so a collision only makes another
 * work's page re-render once. The notifier is given the work id, so other
 * nodes hear the same fine change (changed_heard). */
#define CHANGED_WORK_SLOTS 4096
#define CHANGED_LAG_NS 1000000000ull
void changed_work(const char *work_id);
/* How many changed_work() calls so far: read before rendering, like
 * changed_generation(). */
uint64_t changed_work_generation(void);
/* Whether a page rendered at rendered_ns (a monotonic clock) when the work
 * generation was wgen is stale: for the page of work_id (NULL: a page of no
 * one work, such as a list) with now_ns the time now. */
int changed_stale(const char *work_id, uint64_t wgen, uint64_t rendered_ns, uint64_t now_ns);

/* A change heard from another node (its notice arrived): work_id NULL for
 * a whole change (as changed_elsewhere), else as changed_work() for that
 * work, without notifying again. */
void changed_heard(const char *work_id);

/* Register fn (or NULL) as the notifier changed_signal() (work_id NULL)
 * and changed_work() (its work id) call. Start-up only: before any thread
 * that may signal a change starts. */
void changed_set_notifier(void (*fn)(const char *work_id));

#endif
