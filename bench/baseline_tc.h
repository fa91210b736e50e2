/* The single-threaded triangle count baseline the engine is measured
 * against (COST): plain C, no engine, no threads. See baseline_tc.c. */
#ifndef SF_BASELINE_TC_H
#define SF_BASELINE_TC_H

#include <stdint.h>

#include "engine/graph.h"

/* Triangles of an undirected graph (its out-lists are read as the
 * neighbour lists): triangles[v] = the number of triangles v is in, the
 * same values as the engine's sf_tc (operators/kernels.h). The caller
 * allocates g->num_vertices values. Returns 0, or -ENOMEM (triangles is
 * then unspecified). Nothing is left allocated. */
int sf_baseline_tc(const sf_graph *g, uint64_t *triangles);

#endif
