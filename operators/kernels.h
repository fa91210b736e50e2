/* The graph kernels, each in its own file, each written with the operators.
 * Every kernel runs on an engine with a graph attached, writes one value per
 * dense vertex into an array the caller provides (num_vertices entries), and
 * logs its iterations. They return 0, or -ENOMEM. */
#ifndef SF_KERNELS_H
#define SF_KERNELS_H

#include "engine/engine.h"
#include "engine/env.h"
#include "operators/iterate.h"

/* PageRank, LDBC Graphalytics semantics (operators/pr.c). */
int sf_pr(sf_engine *e, int iterations, double damping, double *rank, sf_iteration_log *log);
/* Its layout knob: SF_PR_LAYOUT=tiled (the default: per-shard tiles of
 * in-arcs) or csr (the plain pull). */
extern const sf_env_knob sf_pr_layout;

/* Weakly connected components: label[v] = the smallest original id in v's
 * component, LDBC's label (operators/wcc.c). */
int sf_wcc(sf_engine *e, uint64_t *label, sf_iteration_log *log);

/* Breadth-first search from `source` (a dense id), direction-optimizing:
 * depth[v] = hops from the source, -1 when unreachable (operators/bfs.c). */
int sf_bfs(sf_engine *e, sf_vid source, int64_t *depth, sf_iteration_log *log);

/* Single-source shortest paths by delta-stepping over the graph's weights
 * (g->weighted must hold): dist[v], +inf when unreachable. delta <= 0 picks
 * the bucket width automatically (operators/sssp.c). */
int sf_sssp(sf_engine *e, sf_vid source, double delta, double *dist, sf_iteration_log *log);

/* Community detection by label propagation, LDBC's synchronous CDLP, for
 * `iterations` rounds: label[v] is an original vertex id (operators/cdlp.c). */
int sf_cdlp(sf_engine *e, int iterations, uint64_t *label, sf_iteration_log *log);

/* Local clustering coefficient, LDBC's definition for directed and
 * undirected graphs (operators/lcc.c). */
int sf_lcc(sf_engine *e, double *lcc, sf_iteration_log *log);

/* Triangles of an undirected graph: triangles[v] = the number of triangles
 * v is in; the total is the sum over v divided by 3 (operators/tc.c). */
int sf_tc(sf_engine *e, uint64_t *triangles, sf_iteration_log *log);

/* Core number of every vertex of an undirected graph (operators/kcore.c). */
int sf_kcore(sf_engine *e, uint64_t *core, sf_iteration_log *log);

/* Over MPI ranks (the engine attached with sf_engine_attach_range and a
 * distributed graph): the same contracts for the rank's own vertices,
 * `label` and `depth` indexed by global dense id and written for owned
 * vertices only. Every rank calls them together. sf_pr runs distributed as
 * it is. Components by min-label propagation between ranks over a local
 * union-find (operators/dist_wcc.c); BFS level by level, top-down or
 * bottom-up by the global frontier size (operators/dist_bfs.c). */
int sf_dist_wcc(sf_engine *e, uint64_t *label, sf_iteration_log *log);
int sf_dist_bfs(sf_engine *e, sf_vid source, int64_t *depth, sf_iteration_log *log);
/* LCC and triangle counts over ranks, the same values as sf_lcc and sf_tc
 * (bit for bit), each triangle counted by the owner of its largest corner
 * over the neighbours it fetched once from lower ranks (operators/dist_lcc.c,
 * operators/dist_tc.c); `lcc` and `triangles` indexed by global dense id,
 * written for owned vertices only. */
int sf_dist_lcc(sf_engine *e, double *lcc, sf_iteration_log *log);
int sf_dist_tc(sf_engine *e, uint64_t *triangles, sf_iteration_log *log);
/* Core numbers of an undirected graph over ranks by the h-index iteration
 * (operators/dist_kcore.c); -EINVAL on a directed graph. sf_cdlp runs
 * distributed as it is. */
int sf_dist_kcore(sf_engine *e, uint64_t *core, sf_iteration_log *log);
/* Shortest paths over ranks by rounds of pulled relaxations
 * (operators/dist_sssp.c); -EINVAL when the graph has no weights. */
int sf_dist_sssp(sf_engine *e, sf_vid source, double *dist, sf_iteration_log *log);

/* Slow, obviously-correct references for --verify and the tests
 * (operators/reference.c): straight from the definitions, one thread. */
int sf_reference_pr(const sf_graph *g, int iterations, double damping, double *rank);
int sf_reference_wcc(const sf_graph *g, uint64_t *label);
/* The same contracts as the kernels above, one file each
 * (operators/reference_KERNEL.c). */
int sf_reference_bfs(const sf_graph *g, sf_vid source, int64_t *depth);
int sf_reference_sssp(const sf_graph *g, sf_vid source, double *dist);
int sf_reference_cdlp(const sf_graph *g, int iterations, uint64_t *label);
int sf_reference_lcc(const sf_graph *g, double *lcc);
int sf_reference_tc(const sf_graph *g, uint64_t *triangles);
int sf_reference_kcore(const sf_graph *g, uint64_t *core);

/* Turns union-find roots (root[v], any representative per component) into
 * LDBC labels: the smallest original id of each component. Serial, no
 * scratch memory; used by the baseline. Returns 0. */
int sf_labels_from_roots(const sf_graph *g, const sf_vid *root, uint64_t *label);

#endif
