/* The single-threaded breadth-first search baseline the engine is measured
 * against (COST): plain C, no engine, no threads. See baseline_bfs.c.
 *
 * SF_BASELINE_BFS=queue (environment) picks the textbook FIFO-queue BFS
 * instead of the default, a serial direction-optimizing BFS (top-down over
 * a queue, bottom-up over bitmaps, GAP's switching rule). Both give the
 * same depths. */
#ifndef SF_BASELINE_BFS_H
#define SF_BASELINE_BFS_H

#include <stdint.h>

#include "engine/graph.h"
#include "engine/env.h"

/* depth[v] = hops from `source` (a dense id) along out-arcs, -1 when
 * unreachable: the same values as the engine's kernel (operators/kernels.h).
 * The caller allocates g->num_vertices values. Returns 0 or -ENOMEM. */
int sf_baseline_bfs(const sf_graph *g, sf_vid source, int64_t *depth);

/* The variant knob: SF_BASELINE_BFS=direction-optimizing (the default) or
 * queue. */
extern const sf_env_knob sf_baseline_bfs_variant;

#endif
