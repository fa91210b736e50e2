/* vertex_map and vertex_reduce: apply a function to every vertex of a
 * shard, inside a shard function run by sf_engine_run; a reduction stores
 * its shard's part in s->sum and the engine adds the parts in shard order
 * (sf_engine_sum), so the total does not depend on the thread count.
 *
 * These are always-inline functions whose function argument is a constant at
 * every call site, so the compiler inlines the kernel's function into the
 * loop: no indirect call per vertex. */
#ifndef SF_VERTEX_MAP_H
#define SF_VERTEX_MAP_H

#include "engine/engine.h"

#define SF_INLINE static inline __attribute__((always_inline))

/* fn(v, arg) for every v in the shard. */
SF_INLINE void sf_vertex_map(const sf_shard *s, void (*fn)(sf_vid v, void *arg), void *arg)
{
    for (sf_vid v = s->begin; v < s->end; v++)
        fn(v, arg);
}

/* Sum of fn(v, arg) over the shard, in vertex order; store it in s->sum and
 * the engine adds shards in shard order (sf_engine_sum). */
SF_INLINE double sf_vertex_reduce(const sf_shard *s, double (*fn)(sf_vid v, void *arg), void *arg)
{
    double sum = 0;
    for (sf_vid v = s->begin; v < s->end; v++)
        sum += fn(v, arg);
    return sum;
}

#endif
