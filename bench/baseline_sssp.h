/* The single-threaded shortest-paths baseline the engine is measured
 * against (COST): Dijkstra with a binary heap, plain C, no engine, no
 * threads. SF_BASELINE_SSSP=indexed (the default: decrease-key) or lazy
 * (repeated entries) picks the heap; see baseline_sssp.c. */
#ifndef SF_BASELINE_SSSP_H
#define SF_BASELINE_SSSP_H

#include <stdint.h>

#include "engine/graph.h"
#include "engine/env.h"

/* The same values as the engine's kernel (operators/kernels.h): dist[v]
 * from the dense vertex `source`, +inf when unreachable. g must have
 * weights, none negative. The caller allocates g->num_vertices values.
 * Returns 0 or -ENOMEM; nothing stays allocated. */
int sf_baseline_sssp(const sf_graph *g, sf_vid source, double *dist);

/* The heap knob: SF_BASELINE_SSSP=indexed (the default) or lazy. */
extern const sf_env_knob sf_baseline_sssp_heap;

#endif
