/* The rounds of a fixed-point kernel over MPI ranks (sssp, kcore), until
 * no rank changes a value: each round sends the boundary values to the
 * ranks that mirror them, runs fn on every shard (each setting s->count to
 * how many of its values it changed), and asks whether any rank changed
 * anything, so that every rank stops at the same round. */
#ifndef SF_OPERATORS_DIST_ROUND_H
#define SF_OPERATORS_DIST_ROUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/dist_graph.h"
#include "engine/engine.h"
#include "operators/iterate.h"

struct sf_dist_rounds {
    sf_engine *engine;
    sf_dist_mirrors *mirrors;
    void *values;               /* elem_size bytes a vertex, mirrored */
    size_t elem_size;
    sf_shard_fn fn;
    void *arg;
};

static inline bool sf_dist_rounds_step(int round, void *p)
{
    struct sf_dist_rounds *r = p;
    (void)round;
    sf_dist_mirrors_sync(r->mirrors, r->values, r->elem_size);
    sf_engine_run(r->engine, r->fn, r->arg);
    return !sf_dist_any(sf_engine_count(r->engine) > 0);
}

/* Runs the rounds; returns sf_iterate's answer (rounds run, or < 0). */
static inline int sf_dist_iterate_rounds(sf_engine *e, sf_dist_mirrors *m, void *values,
                                         size_t elem_size, sf_shard_fn fn, void *arg,
                                         sf_iteration_log *log)
{
    struct sf_dist_rounds r = {e, m, values, elem_size, fn, arg};
    return sf_iterate(INT32_MAX, sf_dist_rounds_step, &r, log);
}

#endif
