/* The exchange, relax, agree-on-change rounds that distributed sssp and
 * kcore share (dist_round.h). A round costs a boundary exchange and a
 * reduction over the ranks, so nothing here is inline: one call a round is
 * nothing beside them. */
#include "dist_round.h"

#include <stdbool.h>
#include <stdint.h>

#include "engine/dist.h"

struct sf_dist_rounds {
    sf_engine *engine;
    sf_dist_mirrors *mirrors;
    void *values;               /* elem_size bytes a vertex, mirrored */
    size_t elem_size;
    sf_shard_fn fn;
    void *arg;
};

static bool rounds_step(int round, void *p)
{
    struct sf_dist_rounds *r = p;
    (void)round;
    sf_dist_mirrors_sync(r->mirrors, r->values, r->elem_size);
    sf_engine_run(r->engine, r->fn, r->arg);
    return !sf_dist_any(sf_engine_count(r->engine) > 0);
}

int sf_dist_iterate_rounds(sf_engine *e, sf_dist_mirrors *m, void *values, size_t elem_size,
                           sf_shard_fn fn, void *arg, sf_iteration_log *log)
{
    struct sf_dist_rounds r = {e, m, values, elem_size, fn, arg};
    return sf_iterate(INT32_MAX, rounds_step, &r, log);
}
