/* The slow, obviously-correct LCC for --verify and the tests, one thread,
 * straight from LDBC Graphalytics' definition: N(v) is the set of v's in-
 * and out-neighbours; the value is the number of arcs a -> b with a and b
 * in N(v), divided by |N(v)| * (|N(v)| - 1), and 0 when |N(v)| < 2. An
 * undirected graph stores each edge as two arcs, which is what LDBC counts.
 * Every ordered pair (a, b) of N(v) is checked by a binary search in a's
 * out-list. Shares nothing with operators/lcc.c. */
#include <errno.h>
#include <stdlib.h>

#include "operators/kernels.h"

static bool has_arc(const sf_graph *g, sf_vid a, sf_vid b)
{
    const sf_vid *row = g->out_neighbors + g->out_offsets[a];
    return bsearch(&b, row, sf_out_degree(g, a), sizeof *row, sf_compare_vid) != NULL;
}

int sf_reference_lcc(const sf_graph *g, double *lcc)
{
    uint64_t n = g->num_vertices, widest = 0;
    for (uint64_t v = 0; v < n; v++) {
        uint64_t d = sf_out_degree(g, (sf_vid)v) + sf_in_degree(g, (sf_vid)v);
        widest = d > widest ? d : widest;
    }
    sf_vid *set = malloc((widest + 1) * sizeof *set);
    if (!set)
        return -ENOMEM;
    for (uint64_t v = 0; v < n; v++) {
        /* N(v): out- and in-neighbours, sorted, each once */
        uint64_t k = 0;
        for (sf_eid e = g->out_offsets[v]; e < g->out_offsets[v + 1]; e++)
            set[k++] = g->out_neighbors[e];
        for (sf_eid e = g->in_offsets[v]; e < g->in_offsets[v + 1]; e++)
            set[k++] = g->in_neighbors[e];
        qsort(set, k, sizeof *set, sf_compare_vid);
        uint64_t size = 0;
        for (uint64_t i = 0; i < k; i++)
            if (size == 0 || set[i] != set[size - 1])
                set[size++] = set[i];
        uint64_t arcs = 0;
        for (uint64_t i = 0; i < size; i++)
            for (uint64_t j = 0; j < size; j++)
                if (i != j && has_arc(g, set[i], set[j]))
                    arcs++;
        lcc[v] = size < 2 ? 0.0 : (double)arcs / ((double)size * (double)(size - 1));
    }
    free(set);
    return 0;
}
