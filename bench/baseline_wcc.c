/* Single-threaded WCC baseline (COST): union-find over the arcs, in two
 * variants that share one forest. The forest keeps parent[x] <= x: a root
 * is the smallest id of its tree (the larger root is hung under the
 * smaller one) and path halving only moves x towards the root, so the
 * final labels are the component minima and one ascending pass flattens
 * every tree (each parent is smaller, hence already final).
 *
 * afforest (the default): Afforest (Sutton et al., IPDPS 2018) on one
 * thread. Link every vertex to its first two neighbours, find the largest
 * component from 1024 random samples, then link the remaining arcs of the
 * vertices outside it only: the giant component's arcs, most of a
 * Kronecker graph, are never read. Prefetching runs two stages ahead (the
 * neighbour entry, then its parent), since vertex u's first neighbours
 * are a cache miss in the adjacency array before they are one in the
 * forest. For a directed graph the vertices outside the giant also link
 * their in-arcs, which the giant's skipped out-arcs may be the only
 * witnesses of. Its steps are operators/union_find.h's (sf_uf_sample,
 * sf_uf_flatten, sf_uf_most_frequent_root, sf_uf_finish), which the
 * engine's WCC runs too.
 *
 * union-find: every arc once (undirected: the arcs u->v with v < u, which
 * sorted lists end early on; directed: the out-arcs), prefetching the
 * parent of the neighbour a few arcs ahead.
 *
 * Figures (Graph500 Kronecker graphs, edge factor 16; AMD EPYC Zen4 VM,
 * one thread, gcc -O3, best of 5): kron:22 undirected (4.2M vertices, 128M
 * arcs): afforest 0.075 s, union-find 0.36 s (GAP's Afforest: about 0.26 s
 * on one thread of this machine class); kron:22 directed (65M arcs):
 * afforest 0.12 s; kron:20 undirected: afforest 0.019 s, union-find
 * 0.040 s. With ids in degree order (hubs first, as the engine builds
 * graphs) afforest takes 0.03 s on kron:22: the giant's root is id 0. Fusing the two sampling rounds into one pass with the two-stage
 * prefetch took kron:22 from 0.17 s to 0.075 s. */
#include "bench/baseline_wcc.h"
#include "operators/union_find.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define UF_PREFETCH_DISTANCE 16     /* arcs */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void wcc_union_find(const sf_graph *g, sf_vid *parent)
{
    const sf_vid n = g->num_vertices;
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    const uint64_t m = g->num_arcs;
    for (sf_vid v = 0; v < n; v++)
        parent[v] = v;
    for (sf_vid u = 0; u < n; u++) {
        sf_vid ru = sf_uf_find(parent, u, true);
        const sf_eid end = off[u + 1];
        for (sf_eid e = off[u]; e < end; e++) {
            sf_vid v = nbr[e];
            if (!g->directed && v >= u)
                break;          /* the other arc of this edge comes later */
            if (e + UF_PREFETCH_DISTANCE < m)
                __builtin_prefetch(&parent[nbr[e + UF_PREFETCH_DISTANCE]], 1, 3);
            ru = sf_uf_link_root(parent, ru, v, true);
        }
    }
    sf_uf_flatten(parent, n);
}

static void wcc_afforest(const sf_graph *g, sf_vid *parent)
{
    const sf_vid n = g->num_vertices;
    for (sf_vid v = 0; v < n; v++)
        parent[v] = v;
    sf_uf_sample(g, parent, 0, n, true);
    sf_uf_flatten(parent, n);
    sf_uf_finish(g, parent, sf_uf_most_frequent_root(parent, n), 0, n, true);
    sf_uf_flatten(parent, n);
}

enum variant { AFFOREST, UNION_FIND }; /* the knob's values, the default first */
static const char *const variants[] = {"afforest", "union-find", NULL};
const sf_env_knob sf_baseline_wcc_variant = {"SF_BASELINE_WCC", variants};

int sf_baseline_wcc(const sf_graph *g, sf_vid *label, double *run_s)
{
    bool union_find = sf_env_choice(&sf_baseline_wcc_variant) == UNION_FIND;
    double t0 = now_s();
    if (g->num_vertices) {
        if (union_find)
            wcc_union_find(g, label);
        else
            wcc_afforest(g, label);
    }
    if (run_s)
        *run_s = now_s() - t0;
    return 0;
}
