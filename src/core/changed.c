/*
 * changed.c — see changed.h.
 *
 * Why a global: the generation is the one piece of state every loop's page
 * cache shares; an atomic counter lets a writer on any thread make every
 * cached page stale at once without a lock, and readers pay one atomic
 * load per request. The notifier is written once before threads start and
 * only read after.
 */
#include "core/changed.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

static atomic_uint_fast64_t generation;
static void (*notifier)(const char *work_id);
static atomic_uint_fast64_t work_gen;
/* The work generation at each slot's last change. */
static atomic_uint_fast64_t work_last[CHANGED_WORK_SLOTS];

static size_t work_slot(const char *id)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = id; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return (size_t)(h % CHANGED_WORK_SLOTS);
}

static void work_bump(const char *work_id)
{
    uint64_t g = (uint64_t)atomic_fetch_add(&work_gen, 1) + 1;
    atomic_store(&work_last[work_slot(work_id ? work_id : "")], g);
}

void changed_work(const char *work_id)
{
    work_bump(work_id);
    if (notifier)
        notifier(work_id ? work_id : "");
}

void changed_heard(const char *work_id)
{
    if (work_id)
        work_bump(work_id);
    else
        changed_elsewhere();
}

uint64_t changed_work_generation(void)
{
    return (uint64_t)atomic_load(&work_gen);
}

int changed_stale(const char *work_id, uint64_t wgen, uint64_t rendered_ns, uint64_t now_ns)
{
    if (work_id)
        return (uint64_t)atomic_load(&work_last[work_slot(work_id)]) > wgen;
    return (uint64_t)atomic_load(&work_gen) != wgen && now_ns - rendered_ns >= CHANGED_LAG_NS;
}

void changed_elsewhere(void)
{
    atomic_fetch_add(&generation, 1);
}

void changed_signal(void)
{
    changed_elsewhere();
    if (notifier)
        notifier(NULL);
}

uint64_t changed_generation(void)
{
    return (uint64_t)atomic_load(&generation);
}

void changed_set_notifier(void (*fn)(const char *work_id))
{
    notifier = fn;
}
