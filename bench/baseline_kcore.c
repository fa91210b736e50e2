/* Single-threaded core decomposition baseline (COST): the O(m) bucket
 * algorithm of Batagelj and Zaversnik (2003). Vertices are kept sorted by
 * remaining degree in one array (vert), with bin[d] the start of the
 * vertices of degree d and pos[v] v's place; they are taken in that order,
 * and each neighbour u of a higher remaining degree moves down one bucket
 * by swapping it with the first vertex of its bucket and advancing the
 * bucket's start: O(1) per arc. The remaining degree of a vertex when it is
 * taken is its core number. 32-bit arrays throughout: three per vertex plus
 * one per degree value. */
#include "bench/baseline_kcore.h"

#include <errno.h>
#include <stdlib.h>

int sf_baseline_kcore(const sf_graph *g, uint64_t *core)
{
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    sf_vid n = g->num_vertices;
    uint32_t max_degree = 0;
    for (sf_vid v = 0; v < n; v++)
        if (off[v + 1] - off[v] > max_degree)
            max_degree = (uint32_t)(off[v + 1] - off[v]);
    uint32_t *degree = malloc(((size_t)n + 1) * sizeof *degree);
    sf_vid *pos = malloc(((size_t)n + 1) * sizeof *pos);
    sf_vid *vert = malloc(((size_t)n + 1) * sizeof *vert);
    sf_vid *bin = calloc((size_t)max_degree + 2, sizeof *bin);
    if (!degree || !pos || !vert || !bin) {
        free(degree);
        free(pos);
        free(vert);
        free(bin);
        return -ENOMEM;
    }
    /* bucket sort by degree */
    for (sf_vid v = 0; v < n; v++) {
        degree[v] = (uint32_t)(off[v + 1] - off[v]);
        bin[degree[v]]++;
    }
    sf_vid start = 0;
    for (uint32_t d = 0; d <= max_degree; d++) {
        sf_vid count = bin[d];
        bin[d] = start;
        start += count;
    }
    for (sf_vid v = 0; v < n; v++) {
        pos[v] = bin[degree[v]]++;
        vert[pos[v]] = v;
    }
    for (uint32_t d = max_degree; d > 0; d--)
        bin[d] = bin[d - 1];
    bin[0] = 0;
    /* peel in order of remaining degree */
    for (sf_vid i = 0; i < n; i++) {
        sf_vid v = vert[i];
        uint32_t dv = degree[v];
        for (sf_eid e = off[v]; e < off[v + 1]; e++) {
            sf_vid u = nbr[e];
            uint32_t du = degree[u];
            if (du > dv) {
                /* swap u with the first vertex of its bucket, then shrink it */
                sf_vid pu = pos[u], pw = bin[du], w = vert[pw];
                if (u != w) {
                    pos[u] = pw;
                    vert[pu] = w;
                    pos[w] = pu;
                    vert[pw] = u;
                }
                bin[du]++;
                degree[u] = du - 1;
            }
        }
    }
    for (sf_vid v = 0; v < n; v++)
        core[v] = degree[v];
    free(degree);
    free(pos);
    free(vert);
    free(bin);
    return 0;
}
