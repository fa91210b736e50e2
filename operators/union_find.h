/* The concurrent union-find of Afforest (operators/wcc.c) and of the
 * distributed components (operators/dist_wcc.c): a link always hooks the
 * larger root under the smaller, so a tree ends rooted at its smallest id
 * whatever the order in which workers link, and compression points a vertex
 * straight at its root. Relaxed atomics: a stale read only costs a retry. */
#ifndef SF_UNION_FIND_H
#define SF_UNION_FIND_H

#include <stdbool.h>

#include "engine/graph.h"

static inline sf_vid sf_uf_load(const sf_vid *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Joins the trees of u and v, hooking the larger root under the smaller. */
static inline void sf_uf_link(sf_vid *comp, sf_vid u, sf_vid v)
{
    sf_vid p1 = sf_uf_load(&comp[u]), p2 = sf_uf_load(&comp[v]);
    while (p1 != p2) {
        sf_vid high = p1 > p2 ? p1 : p2, low = p1 + p2 - high;
        sf_vid p_high = sf_uf_load(&comp[high]);
        if (p_high == low)
            break;
        if (p_high == high &&
            __atomic_compare_exchange_n(&comp[high], &p_high, low, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED))
            break;
        p1 = sf_uf_load(&comp[sf_uf_load(&comp[high])]);
        p2 = sf_uf_load(&comp[low]);
    }
}

/* With one worker nothing links concurrently: the same forest with plain
 * loads and stores, path halving on the way up, and the root of u carried
 * from one link to the next. This is the single-threaded union-find of the
 * WCC baseline (bench/baseline_wcc.c) too: one piece of code for both. */
static inline sf_vid sf_uf_find_serial(sf_vid *comp, sf_vid x)
{
    while (comp[x] != x) {
        sf_vid grandparent = comp[comp[x]];
        comp[x] = grandparent;
        x = grandparent;
    }
    return x;
}

/* Joins the tree whose root is ru with v's; returns the root of the union. */
static inline sf_vid sf_uf_link_serial(sf_vid *comp, sf_vid ru, sf_vid v)
{
    sf_vid rv = sf_uf_find_serial(comp, v);
    if (rv < ru) {
        comp[ru] = rv;
        return rv;
    }
    if (ru < rv)
        comp[rv] = ru;
    return ru;
}

#define SF_UF_AHEAD 48 /* vertices of lookahead while sampling; 2x for the adjacency */

/* Afforest's sampling for the vertices [begin, end): each links with its
 * first two out-neighbours (both in one pass: they share a line).
 * Prefetching runs two stages ahead, since vertex u's first neighbours are
 * a cache miss in the adjacency array before they are one in the forest:
 * the row of u + 2*SF_UF_AHEAD, then the forest entries of u +
 * SF_UF_AHEAD's neighbours. `serial` (a constant at each call) chooses the links: plain
 * ones with u's root carried along (one worker; the baseline runs it over
 * all vertices), or atomic ones (workers link concurrently). */
static inline void sf_uf_sample(const sf_graph *g, sf_vid *comp, sf_vid begin, sf_vid end,
                                bool serial)
{
    const sf_vid ahead = SF_UF_AHEAD;
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    for (sf_vid u = begin; u < end; u++) {
        if ((uint64_t)u + 2 * ahead < end)
            __builtin_prefetch(&nbr[off[u + 2 * ahead]], 0, 3);
        if ((uint64_t)u + ahead < end) {
            sf_eid b = off[u + ahead], e = off[u + ahead + 1];
            if (b < e)
                __builtin_prefetch(&comp[nbr[b]], 1, 3);
            if (b + 1 < e)
                __builtin_prefetch(&comp[nbr[b + 1]], 1, 3);
        }
        sf_eid b = off[u], e = off[u + 1];
        if (b == e)
            continue;
        if (serial) {
            sf_vid ru = sf_uf_link_serial(comp, sf_uf_find_serial(comp, u), nbr[b]);
            if (b + 1 < e)
                sf_uf_link_serial(comp, ru, nbr[b + 1]);
        } else {
            sf_uf_link(comp, u, nbr[b]);
            if (b + 1 < e)
                sf_uf_link(comp, u, nbr[b + 1]);
        }
    }
}

/* Afforest's finish for the vertices [begin, end): those outside the giant
 * component `giant` (comp compressed, so comp[u] is u's root) link their
 * remaining out-arcs, and in a directed graph their in-arcs, which the
 * giant's skipped out-arcs may be the only witnesses of. The test is
 * ordered so that the common cases (nothing left to link, or in the
 * giant) fall through a predictable branch. `serial` as above. */
static inline void sf_uf_finish(const sf_graph *g, sf_vid *comp, sf_vid giant, sf_vid begin,
                                sf_vid end, bool serial)
{
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    for (sf_vid u = begin; u < end; u++) {
        sf_eid b = off[u] + 2, e = off[u + 1];
        bool in_arcs = g->directed && g->in_offsets[u] < g->in_offsets[u + 1];
        if (b >= e && !in_arcs)
            continue;
        if (sf_uf_load(&comp[u]) == giant)
            continue;
        if (serial) {
            sf_vid ru = sf_uf_find_serial(comp, u);
            for (; b < e; b++)
                ru = sf_uf_link_serial(comp, ru, nbr[b]);
            if (in_arcs)
                for (sf_eid i = g->in_offsets[u]; i < g->in_offsets[u + 1]; i++)
                    ru = sf_uf_link_serial(comp, ru, g->in_neighbors[i]);
        } else {
            for (; b < e; b++)
                sf_uf_link(comp, u, nbr[b]);
            if (in_arcs)
                for (sf_eid i = g->in_offsets[u]; i < g->in_offsets[u + 1]; i++)
                    sf_uf_link(comp, u, g->in_neighbors[i]);
        }
    }
}

/* Afforest's skip: the root met most often among 1024 vertices drawn by a
 * fixed generator (deterministic runs; the choice only affects speed,
 * never the answer). comp must be flat (every vertex at its root). */
sf_vid sf_uf_most_frequent_root(const sf_vid *comp, sf_vid n);

/* Flattens a forest in which every parent is smaller than its child
 * (comp[x] <= x, as links keep it) in one ascending pass: each parent is
 * already at its root when its children are met. One worker only. */
static inline void sf_uf_flatten(sf_vid *comp, sf_vid n)
{
    for (sf_vid v = 0; v < n; v++)
        comp[v] = comp[comp[v]];
}

/* Path compression: point v straight at its root. */
static inline void sf_uf_compress(sf_vid *comp, sf_vid v)
{
    while (sf_uf_load(&comp[v]) != sf_uf_load(&comp[sf_uf_load(&comp[v])]))
        comp[v] = sf_uf_load(&comp[sf_uf_load(&comp[v])]);
}

#endif
