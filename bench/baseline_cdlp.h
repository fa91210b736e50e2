/* The single-threaded label propagation baseline the engine is measured
 * against (COST): plain C, no engine, no threads. See baseline_cdlp.c. */
#ifndef SF_BASELINE_CDLP_H
#define SF_BASELINE_CDLP_H

#include <stdint.h>

#include "engine/graph.h"

/* LDBC Graphalytics CDLP for `iterations` rounds (fewer when the labels
 * reach a fixed point, which gives the same answer): label[v] = an original
 * vertex id, the values of sf_cdlp (operators/kernels.h). A directed graph
 * counts its in- and out-neighbours with multiplicity. The caller allocates
 * g->num_vertices labels. While it runs it holds about 12 bytes a vertex
 * and a counting table of 16 bytes per neighbour of the widest vertex,
 * freed before it returns. Returns 0 or -ENOMEM (labels then unspecified). */
int sf_baseline_cdlp(const sf_graph *g, int iterations, uint64_t *label);

#endif
