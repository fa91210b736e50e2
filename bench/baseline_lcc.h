/* The single-threaded local clustering coefficient baseline the engine is
 * measured against (COST): plain C, no engine, no threads. See
 * baseline_lcc.c. */
#ifndef SF_BASELINE_LCC_H
#define SF_BASELINE_LCC_H

#include <stdint.h>

#include "engine/graph.h"

/* LDBC Graphalytics LCC: lcc[v] = arcs among the in- and out-neighbours of
 * v over |N(v)| * (|N(v)| - 1), 0 when |N(v)| < 2; the values of sf_lcc
 * (operators/kernels.h), bit for bit. The caller allocates g->num_vertices
 * values. While it runs it holds about 17 bytes a vertex and, for a
 * directed graph, the merged in/out rows (up to 5 bytes an arc, twice),
 * freed before it returns. Returns 0 or -ENOMEM (values then unspecified). */
int sf_baseline_lcc(const sf_graph *g, double *lcc);

#endif
