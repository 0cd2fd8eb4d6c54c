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

static atomic_uint_fast64_t generation;
static void (*notifier)(void);

void changed_elsewhere(void)
{
    atomic_fetch_add(&generation, 1);
}

void changed_signal(void)
{
    changed_elsewhere();
    if (notifier)
        notifier();
}

uint64_t changed_generation(void)
{
    return (uint64_t)atomic_load(&generation);
}

void changed_set_notifier(void (*fn)(void))
{
    notifier = fn;
}
