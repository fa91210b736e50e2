/* Slow, obviously-correct references used by --verify and the tests: each
 * is the definition written as plainly as possible, on one thread, sharing
 * nothing with the kernels it checks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "operators/kernels.h"

int sf_reference_pr(const sf_graph *g, int iterations, double damping, double *rank)
{
    uint64_t n = g->num_vertices;
    double *next = malloc((n ? n : 1) * sizeof *next);
    if (!next)
        return -ENOMEM;
    for (uint64_t v = 0; v < n; v++)
        rank[v] = 1.0 / n;
    for (int it = 0; it < iterations; it++) {
        double dangling = 0;
        for (uint64_t w = 0; w < n; w++)
            if (sf_out_degree(g, (sf_vid)w) == 0)
                dangling += rank[w];
        for (uint64_t v = 0; v < n; v++) {
            double sum = 0;
            for (sf_eid e = g->in_offsets[v]; e < g->in_offsets[v + 1]; e++) {
                sf_vid u = g->in_neighbors[e];
                sum += rank[u] / sf_out_degree(g, u);
            }
            next[v] = (1 - damping) / n + damping * sum + damping * dangling / n;
        }
        memcpy(rank, next, n * sizeof *rank);
    }
    free(next);
    return 0;
}

/* Breadth-first search over arcs in both directions from every unlabelled
 * vertex, in ascending order: the first vertex reached of a component is its
 * smallest, and labels all of it. */
int sf_reference_wcc(const sf_graph *g, sf_vid *label)
{
    uint64_t n = g->num_vertices;
    sf_vid *queue = malloc((n ? n : 1) * sizeof *queue);
    if (!queue)
        return -ENOMEM;
    for (uint64_t v = 0; v < n; v++)
        label[v] = SF_VID_NONE;
    for (uint64_t s = 0; s < n; s++) {
        if (label[s] != SF_VID_NONE)
            continue;
        uint64_t head = 0, tail = 0;
        queue[tail++] = (sf_vid)s;
        label[s] = (sf_vid)s;
        while (head < tail) {
            sf_vid u = queue[head++];
            for (int dir = 0; dir < 2; dir++) {
                const sf_eid *off = dir ? g->in_offsets : g->out_offsets;
                const sf_vid *nbr = dir ? g->in_neighbors : g->out_neighbors;
                for (sf_eid e = off[u]; e < off[u + 1]; e++)
                    if (label[nbr[e]] == SF_VID_NONE) {
                        label[nbr[e]] = (sf_vid)s;
                        queue[tail++] = nbr[e];
                    }
            }
        }
    }
    free(queue);
    return 0;
}
