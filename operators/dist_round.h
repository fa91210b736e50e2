/* The rounds of a fixed-point kernel over MPI ranks (sssp, kcore), until
 * no rank changes a value: each round sends the boundary values to the
 * ranks that mirror them, runs fn on every shard (each setting s->count to
 * how many of its values it changed), and asks whether any rank changed
 * anything, so that every rank stops at the same round. */
#ifndef SF_OPERATORS_DIST_ROUND_H
#define SF_OPERATORS_DIST_ROUND_H

#include <stddef.h>

#include "engine/dist_graph.h"
#include "engine/engine.h"
#include "operators/iterate.h"

/* Runs the rounds over values (elem_size bytes a vertex, mirrored through
 * m) until no rank changed one, logging each round in log (may be NULL).
 * Returns sf_iterate's answer: the rounds run, or < 0 (-ENOMEM when the log
 * cannot grow). */
int sf_dist_iterate_rounds(sf_engine *e, sf_dist_mirrors *m, void *values, size_t elem_size,
                           sf_shard_fn fn, void *arg, sf_iteration_log *log);

#endif
