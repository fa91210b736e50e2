/* The single-threaded label propagation baseline the engine is measured against (COST):
 * plain C, no engine, no threads. See baseline_cdlp.c. */
#ifndef SF_BASELINE_CDLP_H
#define SF_BASELINE_CDLP_H

#include <stdint.h>

#include "engine/graph.h"

/* The same values as the engine's kernel (operators/kernels.h). The caller
 * allocates g->num_vertices values. Returns 0 or -ENOMEM. */
int sf_baseline_cdlp(const sf_graph *g, int iterations, uint64_t *label);

#endif
