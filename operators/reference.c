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
 * vertex, taken in ascending order of original ids: the first vertex reached
 * of a component has its smallest id, which labels all of it. */
int sf_reference_wcc(const sf_graph *g, uint64_t *label)
{
    uint64_t n = g->num_vertices;
    sf_vid *queue = malloc((n ? n : 1) * sizeof *queue);
    if (!queue)
        return -ENOMEM;
    for (uint64_t v = 0; v < n; v++)
        label[v] = UINT64_MAX;
    for (uint64_t rank = 0; rank < n; rank++) {
        sf_vid s = sf_graph_by_original(g, rank);
        if (label[s] != UINT64_MAX)
            continue;
        uint64_t head = 0, tail = 0, id = sf_graph_original_id(g, s);
        queue[tail++] = s;
        label[s] = id;
        while (head < tail) {
            sf_vid u = queue[head++];
            for (int dir = 0; dir < 2; dir++) {
                const sf_eid *off = dir ? g->in_offsets : g->out_offsets;
                const sf_vid *nbr = dir ? g->in_neighbors : g->out_neighbors;
                for (sf_eid e = off[u]; e < off[u + 1]; e++)
                    if (label[nbr[e]] == UINT64_MAX) {
                        label[nbr[e]] = id;
                        queue[tail++] = nbr[e];
                    }
            }
        }
    }
    free(queue);
    return 0;
}

int sf_labels_from_roots(const sf_graph *g, const sf_vid *root, uint64_t *label)
{
    /* A root's own slot holds the running minimum of its component; other
     * slots are written only in the last pass, which reads root slots only. */
    uint64_t n = g->num_vertices;
    for (uint64_t v = 0; v < n; v++)
        label[v] = UINT64_MAX;
    for (uint64_t v = 0; v < n; v++) {
        uint64_t id = sf_graph_original_id(g, (sf_vid)v);
        if (id < label[root[v]])
            label[root[v]] = id;
    }
    for (uint64_t v = 0; v < n; v++)
        label[v] = label[root[v]];
    return 0;
}
