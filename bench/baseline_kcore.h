/* The single-threaded k-core (Batagelj-Zaversnik) baseline the engine is measured against (COST):
 * plain C, no engine, no threads. See baseline_kcore.c. */
#ifndef SF_BASELINE_KCORE_H
#define SF_BASELINE_KCORE_H

#include <stdint.h>

#include "engine/graph.h"

/* The same values as the engine's kernel (operators/kernels.h). The caller
 * allocates g->num_vertices values. Returns 0 or -ENOMEM. */
int sf_baseline_kcore(const sf_graph *g, uint64_t *core);

#endif
