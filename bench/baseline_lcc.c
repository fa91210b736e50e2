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

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define OUT_ARC 1
#define IN_ARC 2

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
        const sf_vid *o = g->out_neighbors, *in = g->in_neighbors;
        sf_eid i = g->out_offsets[v], ie = g->out_offsets[v + 1];
        sf_eid j = g->in_offsets[v], je = g->in_offsets[v + 1];
        while (i < ie || j < je) {
            if (j == je || (i < ie && o[i] < in[j])) {
                nb->ids[k] = o[i++];
                nb->flags[k++] = OUT_ARC;
            } else if (i == ie || in[j] < o[i]) {
                nb->ids[k] = in[j++];
                nb->flags[k++] = IN_ARC;
            } else {
                nb->ids[k] = o[i++];
                nb->flags[k++] = OUT_ARC | IN_ARC;
                j++;
            }
        }
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

static inline uint64_t arcs_of(uint8_t flags)
{
    return (flags & OUT_ARC) + (flags >> 1);
}

/* count[x] += the arcs among N(x) of the triangles whose largest id is v.
 * mark[w] is 0 for every w on entry and on return; found has room for a
 * row. Directed: the rows have flags; undirected: every pair is one edge,
 * counted 1. */
static inline void triangles_of(const sf_eid *off, const sf_vid *ids, const uint8_t *flags,
                                bool directed, sf_vid v, uint8_t *mark, uint64_t *count,
                                sf_vid *found)
{
    const sf_eid begin = off[v];
    sf_eid end = begin;         /* row v below v: [begin, end) */
    for (; end < off[v + 1] && ids[end] < v; end++)
        mark[ids[end]] = directed ? flags[end] : 1;
    uint64_t own = 0;
    /* the triangles {w, u, v}: u = ids[i], w among ids[begin, i) */
    for (sf_eid i = begin + 1; i < end; i++) {
        const sf_vid u = ids[i], last = ids[i - 1];
        const sf_eid row = off[u], row_end = off[u + 1];
        /* Prefetched: the next row's start, and this row's flags, which
         * only the matches read (both misses otherwise: 15-20% of the time
         * on kron:18). */
        if (i + 1 < end) {
            sf_eid next_row = off[ids[i + 1]];
            __builtin_prefetch(&ids[next_row], 0, 3);
            if (directed)
                __builtin_prefetch(&flags[next_row], 0, 3);
        }
        if (directed)
            __builtin_prefetch(&flags[row], 0, 3);
        /* Branch-free: the position of every entry of row u is written to
         * found, and kept when the entry is marked (a triangle). Row u
         * ascends: nothing past v's last candidate can match. */
        sf_eid k = 0;
        for (sf_eid j = row; j < row_end && ids[j] <= last; j++) {
            found[k] = (sf_vid)(j - row);
            k += mark[ids[j]] != 0;
        }
        uint64_t for_u = 0, for_w = directed ? arcs_of(flags[i]) : 1;
        for (sf_eid x = 0; x < k; x++) {
            sf_eid j = row + found[x];
            sf_vid w = ids[j];
            own += directed ? arcs_of(flags[j]) : 1;
            for_u += directed ? arcs_of(mark[w]) : 1;
            count[w] += for_w;
        }
        count[u] += for_u;
    }
    count[v] += own;
    for (sf_eid i = begin; i < end; i++)
        mark[ids[i]] = 0;
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
            triangles_of(nb.offsets, nb.ids, nb.flags, true, v, mark, count, found);
        for (sf_vid v = 0; v < n; v++) {
            double d = (double)(nb.offsets[v + 1] - nb.offsets[v]);
            lcc[v] = d < 2 ? 0.0 : (double)count[v] / (d * (d - 1));
        }
    } else {
        for (sf_vid v = 0; v < n; v++)
            triangles_of(g->out_offsets, g->out_neighbors, NULL, false, v, mark, count, found);
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
