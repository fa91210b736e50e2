/* Single-threaded LCC baseline (COST): plain C, no engine, no threads, the
 * same algorithm as operators/lcc.c.
 *
 * LDBC Graphalytics' local clustering coefficient: N(v) = in- and
 * out-neighbours of v, as a set; lcc(v) = arcs among N(v) / (|N(v)| *
 * (|N(v)| - 1)), 0 when |N(v)| < 2; an undirected edge is two arcs.
 *
 * Every triangle {w, u, v} of the undirected neighbour graph is found once,
 * from its largest dense id v (dense ids descend by degree, so v has the
 * smallest degree: the orientation that bounds the work by O(m^1.5), as in
 * GAP's tc.cc): for each neighbour u < v of v, the neighbours w < u of u are
 * looked up in a marker array holding v's neighbours below v. Row u is
 * walked only up to v's last candidate below u (rows ascend), and without a
 * branch: the position of every entry is written to a buffer and kept when
 * the entry is marked, since the walk is most of the time and a branch on
 * the mark mispredicts often (branch-free took kron:18 from 1.1 s to 0.65 s
 * on one thread of a busy AMD EPYC VM). The triangle
 * adds to each corner the number of arcs between the other two: 2 each when
 * undirected (counted as 1, doubled at the end); when directed, the
 * neighbour graph is built first as one sorted row per vertex (the union of
 * its in- and out-row) with a flag per entry (arc out, arc in, or both), and
 * the arcs between two corners are the flag's bit count. */
#include "bench/baseline_lcc.h"
#include "operators/lcc_triangles.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>


/* The undirected neighbour graph of a directed graph: row v is the sorted
 * union of v's out- and in-row, flags[i] saying which arcs it stands for. */
typedef struct neighbours {
    sf_eid *offsets;
    sf_vid *ids;
    uint8_t *flags;
} neighbours;

static int neighbours_build(const sf_graph *g, neighbours *nb)
{
    const sf_vid n = g->num_vertices;
    nb->offsets = malloc(((size_t)n + 1) * sizeof *nb->offsets);
    nb->ids = malloc((2 * g->num_arcs + 1) * sizeof *nb->ids);
    nb->flags = malloc((2 * g->num_arcs + 1) * sizeof *nb->flags);
    if (!nb->offsets || !nb->ids || !nb->flags)
        return -ENOMEM;
    sf_eid k = 0;
    for (sf_vid v = 0; v < n; v++) {
        nb->offsets[v] = k;
        k += sf_lcc_merge_rows(g, v, nb->ids + k, nb->flags + k);
    }
    nb->offsets[n] = k;
    return 0;
}

static void neighbours_free(neighbours *nb)
{
    free(nb->offsets);
    free(nb->ids);
    free(nb->flags);
}

int sf_baseline_lcc(const sf_graph *g, double *lcc)
{
    const sf_vid n = g->num_vertices;
    neighbours nb = {0};
    uint64_t *count = calloc((size_t)n + 1, sizeof *count);
    uint8_t *mark = calloc((size_t)n + 1, sizeof *mark);
    sf_vid *found = malloc(((size_t)n + 1) * sizeof *found);
    int rc = -ENOMEM;
    if (!count || !mark || !found)
        goto out;
    if (g->directed) {
        if (neighbours_build(g, &nb))
            goto out;
        for (sf_vid v = 0; v < n; v++)
            sf_lcc_triangles_of(nb.offsets, nb.ids, nb.flags, true, v, mark, count, found);
        for (sf_vid v = 0; v < n; v++) {
            double d = (double)(nb.offsets[v + 1] - nb.offsets[v]);
            lcc[v] = d < 2 ? 0.0 : (double)count[v] / (d * (d - 1));
        }
    } else {
        for (sf_vid v = 0; v < n; v++)
            sf_lcc_triangles_of(g->out_offsets, g->out_neighbors, NULL, false, v, mark, count, found);
        for (sf_vid v = 0; v < n; v++) {
            double d = (double)sf_out_degree(g, v);
            lcc[v] = d < 2 ? 0.0 : (double)(2 * count[v]) / (d * (d - 1));
        }
    }
    rc = 0;
out:
    neighbours_free(&nb);
    free(count);
    free(mark);
    free(found);
    return rc;
}
