/* The single-threaded PageRank baseline the engine is measured against
 * (COST): plain C, no engine, no threads. Two layouts live in
 * baseline_pr.c, a vertex-order CSR pull and an edge order along a Hilbert
 * curve; the environment picks one (see below). */
#ifndef SF_BASELINE_PR_H
#define SF_BASELINE_PR_H

#include "engine/graph.h"
#include "engine/env.h"

/* LDBC Graphalytics PageRank with a fixed number of iterations:
 *   PR_0(v) = 1/N
 *   PR_i(v) = (1-d)/N + d * sum_{u->v} PR_{i-1}(u)/outdeg(u)
 *                     + d/N * sum_{dangling w} PR_{i-1}(w)
 * (dangling: out-degree 0). Writes rank[v] for every dense vertex v; the
 * caller allocates g->num_vertices doubles. `iterations` < 0 counts as 0.
 *
 * *prepare_s receives the seconds spent building the layout the run needs
 * (the Hilbert-ordered edge array; about 0 for CSR pull), which the caller
 * reports as build time; *run_s receives the seconds of the iterations
 * alone (including their O(V) setup). Either pointer may be NULL.
 *
 * Layout: the environment variable SF_BASELINE_PR=csr|hilbert forces one
 * (sf_baseline_pr_layout); unset, empty or any other value means hilbert, the faster on Kronecker
 * graphs by 4-5x (figures in baseline_pr.c). hilbert renumbers vertices by
 * degree and sorts the arcs along a Hilbert curve: it holds 4 bytes an arc
 * (an edge, undirected) and 32 bytes a vertex while it runs, and 16 bytes
 * an arc (edge) more while it prepares. csr holds 16 bytes a vertex.
 *
 * Returns 0, or -ENOMEM (rank is then unspecified). Nothing is left
 * allocated. */
int sf_baseline_pr(const sf_graph *g, int iterations, double damping,
                   double *rank, double *prepare_s, double *run_s);

/* The layout knob: SF_BASELINE_PR=hilbert (the default) or csr. */
extern const sf_env_knob sf_baseline_pr_layout;

#endif
