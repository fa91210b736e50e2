/* Single-threaded core decomposition baselines (COST), two algorithms:
 *
 * bz (the default): the O(m) bucket algorithm of Batagelj and Zaversnik
 * (2003). Vertices are kept sorted by remaining degree in one array (vert),
 * with bin[d] the start of the vertices of degree d and pos[v] v's place;
 * they are taken in that order, and each neighbour u of a higher remaining
 * degree moves down one bucket by swapping it with the first vertex of its
 * bucket and advancing the bucket's start: O(1) per arc, but five scattered
 * reads and writes per arc (pos, bin, vert, twice). The remaining degree of
 * a vertex when it is taken is its core number.
 *
 * peel: peeling by levels, the engine's algorithm (operators/kcore.c, which
 * peels a level by rounds of a frontier) on one thread, without shards and
 * from a stack: at level k, the remaining vertices of degree k are peeled,
 * and a neighbour whose degree drops to k is peeled in the same level; each arc costs one read and at most one
 * decrement of the neighbour's degree. The list of remaining vertices is
 * compacted by every level's scan.
 *
 * The environment variable SF_BASELINE_KCORE=bz|peel picks one; unset or
 * any other value means bz.
 *
 * Figures (kron:20, degree-ordered ids, one thread of a shared 2-core AMD
 * EPYC VM, best of 5 interleaved trials): bz 0.13 s, peel 0.068 s; with
 * the machine busier, bz 0.36 s, peel 0.15 s. */
#include "bench/baseline_kcore.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int kcore_bz(const sf_graph *g, uint64_t *core)
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
    int rc = -ENOMEM;
    if (!degree || !pos || !vert || !bin)
        goto out;
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
    rc = 0;
out:
    free(degree);
    free(pos);
    free(vert);
    free(bin);
    return rc;
}

static int kcore_peel(const sf_graph *g, uint64_t *core)
{
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    sf_vid n = g->num_vertices;
    uint32_t *degree = malloc(((size_t)n + 1) * sizeof *degree);
    sf_vid *remaining = malloc(((size_t)n + 1) * sizeof *remaining);
    /* every vertex enters the stack at most once */
    sf_vid *stack = malloc(((size_t)n + 1) * sizeof *stack);
    int rc = -ENOMEM;
    if (!degree || !remaining || !stack)
        goto out;
    for (sf_vid v = 0; v < n; v++) {
        degree[v] = (uint32_t)(off[v + 1] - off[v]);
        remaining[v] = v;
    }
    sf_vid left = n;
    uint32_t level = 0;
    while (left > 0) {
        /* the level's vertices onto the stack; keep those above it */
        sf_vid kept = 0, top = 0;
        uint32_t min_degree = UINT32_MAX;
        for (sf_vid i = 0; i < left; i++) {
            sf_vid v = remaining[i];
            uint32_t d = degree[v];
            if (d == level)
                stack[top++] = v;
            else if (d > level) {
                remaining[kept++] = v;
                min_degree = d < min_degree ? d : min_degree;
            }
        }
        left = kept;
        if (top == 0) { /* an empty level: go to the smallest degree left */
            level = min_degree;
            continue;
        }
        while (top > 0) {
            sf_vid v = stack[--top];
            for (sf_eid e = off[v]; e < off[v + 1]; e++) {
                sf_vid u = nbr[e];
                if (degree[u] > level && --degree[u] == level)
                    stack[top++] = u;
            }
        }
        level++;
    }
    for (sf_vid v = 0; v < n; v++)
        core[v] = degree[v];
    rc = 0;
out:
    free(degree);
    free(remaining);
    free(stack);
    return rc;
}

enum variant { BZ, PEEL }; /* the knob's values, the default first */
static const char *const variants[] = {"bz", "peel", NULL};
const sf_env_knob sf_baseline_kcore_variant = {"SF_BASELINE_KCORE", variants};

int sf_baseline_kcore(const sf_graph *g, uint64_t *core)
{
    if (sf_env_choice(&sf_baseline_kcore_variant) == PEEL)
        return kcore_peel(g, core);
    return kcore_bz(g, core);
}
