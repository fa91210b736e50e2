/* vertex_map and vertex_reduce: apply a function to every vertex of a shard
 * (or every active one), inside a shard function run by sf_engine_run.
 *
 * These are always-inline functions whose function argument is a constant at
 * every call site, so the compiler inlines the kernel's function into the
 * loop: no indirect call per vertex. */
#ifndef SF_VERTEX_MAP_H
#define SF_VERTEX_MAP_H

#include "engine/engine.h"
#include "operators/frontier.h"

#define SF_INLINE static inline __attribute__((always_inline))

/* fn(v, arg) for every v in the shard. */
SF_INLINE void sf_vertex_map(const sf_shard *s, void (*fn)(sf_vid v, void *arg), void *arg)
{
    for (sf_vid v = s->begin; v < s->end; v++)
        fn(v, arg);
}

/* fn(v, arg) for every active v in the shard (bitmap walk). */
SF_INLINE void sf_vertex_map_active(const sf_shard *s, const sf_frontier *f,
                                    void (*fn)(sf_vid v, void *arg), void *arg)
{
    for (uint64_t word = s->begin / 64; word * 64 < s->end; word++) {
        uint64_t bits = f->bits[word];
        while (bits) {
            fn((sf_vid)(word * 64 + __builtin_ctzll(bits)), arg);
            bits &= bits - 1;
        }
    }
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

/* Count of vertices for which fn(v, arg) holds. */
SF_INLINE uint64_t sf_vertex_count(const sf_shard *s, bool (*fn)(sf_vid v, void *arg), void *arg)
{
    uint64_t count = 0;
    for (sf_vid v = s->begin; v < s->end; v++)
        count += fn(v, arg);
    return count;
}

#endif
