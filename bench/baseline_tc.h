/* The single-threaded triangle count baseline the engine is measured against (COST):
 * plain C, no engine, no threads. See baseline_tc.c. */
#ifndef SF_BASELINE_TC_H
#define SF_BASELINE_TC_H

#include <stdint.h>

#include "engine/graph.h"

/* The same values as the engine's kernel (operators/kernels.h). The caller
 * allocates g->num_vertices values. Returns 0 or -ENOMEM. */
int sf_baseline_tc(const sf_graph *g, uint64_t *triangles);

#endif
