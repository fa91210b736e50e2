/* The concurrent union-find of Afforest (operators/wcc.c) and of the
 * distributed components (operators/dist_wcc.c): a link always hooks the
 * larger root under the smaller, so a tree ends rooted at its smallest id
 * whatever the order in which workers link, and compression points a vertex
 * straight at its root. Relaxed atomics: a stale read only costs a retry.
 * One worker runs the same loops with plain loads and stores. */
#ifndef SF_UNION_FIND_H
#define SF_UNION_FIND_H

#include <stdbool.h>

#include "engine/graph.h"

static inline sf_vid sf_uf_load(const sf_vid *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* The root of x's tree, halving the path on the way up (each vertex passed
 * is pointed at its grandparent). `serial` (a constant at each call): one
 * worker, plain loads and stores; or workers linking concurrently, relaxed
 * atomics. Halving is safe among concurrent links without a compare-and-
 * swap: a vertex that is not a root never becomes one again and its
 * ancestors stay its ancestors, so whatever grandparent a worker writes,
 * however stale, is still an ancestor; a root's own slot, which links
 * change, is never written here. Concurrently, a slot is written only when
 * it changes, so that vertices near a root do not bounce their cache line
 * between workers. This is the baseline's find too (bench/baseline_wcc.c). */
static inline sf_vid sf_uf_find(sf_vid *comp, sf_vid x, bool serial)
{
    if (serial) {
        while (comp[x] != x) {
            sf_vid grandparent = comp[comp[x]];
            comp[x] = grandparent;
            x = grandparent;
        }
        return x;
    }
    for (;;) {
        sf_vid parent = sf_uf_load(&comp[x]);
        if (parent == x)
            return x;
        sf_vid grandparent = sf_uf_load(&comp[parent]);
        if (grandparent != parent)
            __atomic_store_n(&comp[x], grandparent, __ATOMIC_RELAXED);
        x = grandparent;
    }
}

/* Joins the tree of ru (a root, or concurrently a vertex that was one,
 * carried from the last link) with v's, hooking the larger root under the
 * smaller; returns the root of the union as this worker saw it. Workers
 * linking concurrently hook with a compare-and-swap on the root's slot:
 * when another worker hooked that root first, both ends climb again. */
static inline sf_vid sf_uf_link_root(sf_vid *comp, sf_vid ru, sf_vid v, bool serial)
{
    sf_vid rv = sf_uf_find(comp, v, serial);
    if (serial) {
        if (rv < ru) {
            comp[ru] = rv;
            return rv;
        }
        if (ru < rv)
            comp[rv] = ru;
        return ru;
    }
    for (;;) {
        ru = sf_uf_find(comp, ru, false);
        if (ru == rv)
            return ru;
        sf_vid high = ru > rv ? ru : rv, low = ru + rv - high, expected = high;
        if (__atomic_compare_exchange_n(&comp[high], &expected, low, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED))
            return low;
        rv = sf_uf_find(comp, rv, false);
    }
}

/* Joins the trees of u and v (workers linking concurrently). */
static inline void sf_uf_link(sf_vid *comp, sf_vid u, sf_vid v)
{
    sf_uf_link_root(comp, u, v, false);
}

#define SF_UF_AHEAD 48 /* vertices of lookahead while sampling; 2x for the adjacency */

/* Afforest's sampling for the vertices [begin, end): each links with its
 * first two out-neighbours (both in one pass: they share a line).
 * Prefetching runs two stages ahead, since vertex u's first neighbours are
 * a cache miss in the adjacency array before they are one in the forest:
 * the row of u + 2*SF_UF_AHEAD, then the forest entries of u +
 * SF_UF_AHEAD's neighbours. u's root is carried from its first link to
 * its second. `serial` (a constant at each call) chooses plain links (one
 * worker; the baseline runs it over all vertices) or atomic ones (workers
 * link concurrently). */
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
        sf_vid ru = sf_uf_link_root(comp, sf_uf_find(comp, u, serial), nbr[b], serial);
        if (b + 1 < e)
            sf_uf_link_root(comp, ru, nbr[b + 1], serial);
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
        sf_vid ru = sf_uf_find(comp, u, serial);
        for (; b < e; b++)
            ru = sf_uf_link_root(comp, ru, nbr[b], serial);
        if (in_arcs)
            for (sf_eid i = g->in_offsets[u]; i < g->in_offsets[u + 1]; i++)
                ru = sf_uf_link_root(comp, ru, g->in_neighbors[i], serial);
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
