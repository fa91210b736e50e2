/* The single-threaded local clustering coefficient baseline the engine is measured against (COST):
 * plain C, no engine, no threads. See baseline_lcc.c. */
#ifndef SF_BASELINE_LCC_H
#define SF_BASELINE_LCC_H

#include <stdint.h>

#include "engine/graph.h"

/* The same values as the engine's kernel (operators/kernels.h). The caller
 * allocates g->num_vertices values. Returns 0 or -ENOMEM. */
int sf_baseline_lcc(const sf_graph *g, double *lcc);

#endif
