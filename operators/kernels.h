/* The graph kernels, each in its own file, each written with the operators.
 * Every kernel runs on an engine with a graph attached, writes one value per
 * dense vertex into an array the caller provides (num_vertices entries), and
 * logs its iterations. They return 0, or -ENOMEM. */
#ifndef SF_KERNELS_H
#define SF_KERNELS_H

#include "engine/engine.h"
#include "operators/iterate.h"

/* PageRank, LDBC Graphalytics semantics (operators/pr.c). */
int sf_pr(sf_engine *e, int iterations, double damping, double *rank, sf_iteration_log *log);

/* Weakly connected components: label[v] = smallest dense id of v's
 * component, which is also the smallest original id (operators/wcc.c). */
int sf_wcc(sf_engine *e, sf_vid *label, sf_iteration_log *log);

/* Slow, obviously-correct references for --verify and the tests
 * (operators/reference.c): straight from the definitions, one thread. */
int sf_reference_pr(const sf_graph *g, int iterations, double damping, double *rank);
int sf_reference_wcc(const sf_graph *g, sf_vid *label);

#endif
