/* Reference triangle count, for --verify and the tests: for every vertex,
 * every pair of its neighbours {a, b} is looked up in a's sorted list by
 * binary search; each adjacent pair closes one triangle through the vertex.
 * Straight from the definition, one thread, O(sum of degree^2 * log). */
#include "operators/kernels.h"

static bool adjacent(const sf_graph *g, sf_vid a, sf_vid b)
{
    sf_eid lo = g->out_offsets[a], hi = g->out_offsets[a + 1];
    while (lo < hi) {
        sf_eid mid = lo + (hi - lo) / 2;
        if (g->out_neighbors[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->out_offsets[a + 1] && g->out_neighbors[lo] == b;
}

int sf_reference_tc(const sf_graph *g, uint64_t *triangles)
{
    for (sf_vid v = 0; v < g->num_vertices; v++) {
        uint64_t count = 0;
        for (sf_eid i = g->out_offsets[v]; i < g->out_offsets[v + 1]; i++)
            for (sf_eid j = i + 1; j < g->out_offsets[v + 1]; j++)
                count += adjacent(g, g->out_neighbors[i], g->out_neighbors[j]);
        triangles[v] = count;
    }
    return 0;
}
