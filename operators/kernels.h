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

/* Weakly connected components: label[v] = the smallest original id in v's
 * component, LDBC's label (operators/wcc.c). */
int sf_wcc(sf_engine *e, uint64_t *label, sf_iteration_log *log);

/* Slow, obviously-correct references for --verify and the tests
 * (operators/reference.c): straight from the definitions, one thread. */
int sf_reference_pr(const sf_graph *g, int iterations, double damping, double *rank);
int sf_reference_wcc(const sf_graph *g, uint64_t *label);

/* Turns union-find roots (root[v], any representative per component) into
 * LDBC labels: the smallest original id of each component. Serial, no
 * scratch memory; used by the baseline. Returns 0. */
int sf_labels_from_roots(const sf_graph *g, const sf_vid *root, uint64_t *label);

#endif
