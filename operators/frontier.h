/* A frontier: the set of active vertices of an iteration, kept both as a
 * bitmap (for pull, which asks "is u active?") and, after sf_frontier_seal,
 * as one list per shard (for push, which walks the active vertices). Shards
 * are 64-aligned, so a shard owns whole bitmap words: its owner may set bits
 * without atomics; pushes into other shards use atomic OR. */
#ifndef SF_FRONTIER_H
#define SF_FRONTIER_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"

typedef struct sf_frontier {
    uint64_t *bits;             /* ceil(n / 64) words */
    sf_vid *list;               /* shard i's active vertices at list + shards[i].begin */
    sf_vid *list_len;           /* per shard */
    uint64_t count;             /* active vertices, after seal */
    uint64_t out_arcs;          /* their out-arcs, after seal (direction choice) */
    bool has_list;
} sf_frontier;

/* Empty frontier over the engine's attached graph. Returns 0 or -ENOMEM. */
int sf_frontier_init(sf_frontier *f, sf_engine *e);
void sf_frontier_fini(sf_frontier *f, sf_engine *e);

void sf_frontier_clear(sf_frontier *f, sf_engine *e);
void sf_frontier_fill(sf_frontier *f, sf_engine *e);   /* every vertex active */

static inline bool sf_frontier_has(const sf_frontier *f, sf_vid v)
{
    return (f->bits[v >> 6] >> (v & 63)) & 1;
}

/* Owner-only insertion (v in the calling shard). */
static inline void sf_frontier_add_owned(sf_frontier *f, sf_vid v)
{
    f->bits[v >> 6] |= 1ull << (v & 63);
}

/* Insertion from any worker. */
static inline void sf_frontier_add(sf_frontier *f, sf_vid v)
{
    uint64_t bit = 1ull << (v & 63);
    if (!(f->bits[v >> 6] & bit))
        __atomic_fetch_or(&f->bits[v >> 6], bit, __ATOMIC_RELAXED);
}

/* Counts the active vertices and their out-arcs; when `lists` builds the
 * per-shard lists for push. */
void sf_frontier_seal(sf_frontier *f, sf_engine *e, bool lists);

#endif
