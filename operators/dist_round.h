/* One round of a fixed-point kernel over MPI ranks (sssp, kcore): the
 * boundary values sent to the ranks that mirror them, fn run on every
 * shard (each setting s->count to how many of its values it changed), and
 * whether any rank changed anything, so that every rank stops at the same
 * round. */
#ifndef SF_OPERATORS_DIST_ROUND_H
#define SF_OPERATORS_DIST_ROUND_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/dist_graph.h"
#include "engine/engine.h"

static inline bool sf_dist_changed_round(sf_engine *e, sf_dist_mirrors *m, void *values,
                                         size_t elem_size, sf_shard_fn fn, void *arg)
{
    sf_dist_mirrors_sync(m, values, elem_size);
    sf_engine_run(e, fn, arg);
    return sf_dist_any(sf_engine_count(e) > 0);
}

#endif
