/* The slow, obviously-correct shortest paths used by --verify and the
 * tests: Bellman-Ford, straight from the definition
 *   dist(source) = 0,  dist(v) = min over arcs u->v of dist(u) + w(u, v),
 * swept over every vertex's in-arcs (in place) until a whole sweep changes
 * nothing. It reads the in-arcs and their weights, where the kernel and the
 * baseline read the out-arcs, and shares no code with either. With
 * non-negative weights a sweep that changes nothing comes within
 * num_vertices sweeps; the loop stops there in any case (negative cycles are
 * refused before any kernel runs). One thread. */
#include <math.h>

#include "operators/kernels.h"

int sf_reference_sssp(const sf_graph *g, sf_vid source, double *dist)
{
    sf_vid n = g->num_vertices;
    for (sf_vid v = 0; v < n; v++)
        dist[v] = INFINITY;
    if (source >= n)
        return 0;
    dist[source] = 0;
    bool changed = true;
    for (uint64_t sweep = 0; changed && sweep < (uint64_t)n; sweep++) {
        changed = false;
        for (sf_vid v = 0; v < n; v++)
            for (sf_eid e = g->in_offsets[v]; e < g->in_offsets[v + 1]; e++) {
                double through = dist[g->in_neighbors[e]] + g->in_weights[e];
                if (through < dist[v]) {
                    dist[v] = through;
                    changed = true;
                }
            }
    }
    return 0;
}
