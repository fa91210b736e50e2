/* The single-threaded shortest paths (Dijkstra, binary heap) baseline the engine is measured against (COST):
 * plain C, no engine, no threads. See baseline_sssp.c. */
#ifndef SF_BASELINE_SSSP_H
#define SF_BASELINE_SSSP_H

#include <stdint.h>

#include "engine/graph.h"

/* The same values as the engine's kernel (operators/kernels.h). The caller
 * allocates g->num_vertices values. Returns 0 or -ENOMEM. */
int sf_baseline_sssp(const sf_graph *g, sf_vid source, double *dist);

#endif
