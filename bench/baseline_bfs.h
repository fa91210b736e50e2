/* The single-threaded breadth-first search baseline the engine is measured against (COST):
 * plain C, no engine, no threads. See baseline_bfs.c. */
#ifndef SF_BASELINE_BFS_H
#define SF_BASELINE_BFS_H

#include <stdint.h>

#include "engine/graph.h"

/* The same values as the engine's kernel (operators/kernels.h). The caller
 * allocates g->num_vertices values. Returns 0 or -ENOMEM. */
int sf_baseline_bfs(const sf_graph *g, sf_vid source, int64_t *depth);

#endif
