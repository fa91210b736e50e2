/* What a vertex computes for LDBC's local clustering coefficient, one copy
 * for the engine's kernel (operators/lcc.c) and the single-threaded
 * baseline (bench/baseline_lcc.c): the merged neighbour row of a directed
 * graph (out-row and in-row as one sorted row, each entry flagged with the
 * arcs it stands for) and the triangle count by marking. */
#ifndef SF_LCC_TRIANGLES_H
#define SF_LCC_TRIANGLES_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/graph.h"
#include "operators/vertex_map.h"

#define SF_LCC_OUT_ARC 1
#define SF_LCC_IN_ARC 2

/* The neighbour rows lcc reads: row v = ids[offsets[v], offsets[v + 1]),
 * ascending; flags (directed only) say which arcs each entry stands for. */
typedef struct sf_lcc_rows {
    const sf_eid *offsets;
    const sf_vid *ids;
    const uint8_t *flags;
    sf_vid first;               /* offsets are valid on [first, last shard's end] */
    bool built;                 /* allocated by sf_lcc_rows_build */
} sf_lcc_rows;

struct sf_engine;
/* The rows of the vertices of the engine's shards (operators/lcc.c): an
 * undirected graph's own out-rows (nothing allocated), or a directed
 * graph's out- and in-rows merged, built in parallel by the shards' owners.
 * Release with sf_lcc_rows_free. Returns 0 or -ENOMEM. */
int sf_lcc_rows_build(struct sf_engine *e, sf_lcc_rows *out);
void sf_lcc_rows_free(sf_lcc_rows *rows);

/* LDBC's coefficient of a vertex: the arcs among its |N(v)| = degree
 * neighbours (an undirected graph's edges counted once each) over
 * degree * (degree - 1); 0 below 2 neighbours. */
static inline double sf_lcc_coefficient(uint64_t arcs, sf_eid degree, bool directed)
{
    if (!directed)
        arcs *= 2;              /* an edge is two arcs */
    double d = (double)degree;
    return d < 2 ? 0.0 : (double)arcs / (d * (d - 1));
}

/* Merges v's out- and in-row; writes them when ids is not NULL. Returns the
 * length of the union. */
static inline sf_eid sf_lcc_merge_rows(const sf_graph *g, sf_vid v, sf_vid *ids, uint8_t *flags)
{
    const sf_vid *out = g->out_neighbors, *in = g->in_neighbors;
    sf_eid i = g->out_offsets[v], ie = g->out_offsets[v + 1];
    sf_eid j = g->in_offsets[v], je = g->in_offsets[v + 1];
    sf_eid k = 0;
    while (i < ie && j < je) {
        sf_vid a = out[i], b = in[j];
        uint8_t f = a < b ? SF_LCC_OUT_ARC : b < a ? SF_LCC_IN_ARC : SF_LCC_OUT_ARC | SF_LCC_IN_ARC;
        if (ids) {
            ids[k] = a < b ? a : b;
            flags[k] = f;
        }
        k++;
        i += f & SF_LCC_OUT_ARC;
        j += f >> 1;
    }
    for (; i < ie; i++, k++)
        if (ids) {
            ids[k] = out[i];
            flags[k] = SF_LCC_OUT_ARC;
        }
    for (; j < je; j++, k++)
        if (ids) {
            ids[k] = in[j];
            flags[k] = SF_LCC_IN_ARC;
        }
    return k;
}

/* The arcs a merged-row entry stands for: 1 or 2. */
static inline uint64_t sf_lcc_arcs_of(uint8_t flags)
{
    return (flags & SF_LCC_OUT_ARC) + (flags >> 1);
}

/* count[x] += the arcs among N(x) of the triangles whose largest id is v.
 * mark[w] is 0 for every w on entry and on return; found has room for a
 * row. Directed: the rows have flags; undirected: every pair is one edge,
 * counted 1. */
SF_INLINE void sf_lcc_triangles_of(const sf_eid *off, const sf_vid *ids, const uint8_t *flags,
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
        uint64_t for_u = 0, for_w = directed ? sf_lcc_arcs_of(flags[i]) : 1;
        for (sf_eid x = 0; x < k; x++) {
            sf_eid j = row + found[x];
            sf_vid w = ids[j];
            own += directed ? sf_lcc_arcs_of(flags[j]) : 1;
            for_u += directed ? sf_lcc_arcs_of(mark[w]) : 1;
            count[w] += for_w;
        }
        count[u] += for_u;
    }
    count[v] += own;
    for (sf_eid i = begin; i < end; i++)
        mark[ids[i]] = 0;
}

#endif
