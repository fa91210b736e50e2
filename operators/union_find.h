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

/* Path compression: point v straight at its root. */
static inline void sf_uf_compress(sf_vid *comp, sf_vid v)
{
    while (sf_uf_load(&comp[v]) != sf_uf_load(&comp[sf_uf_load(&comp[v])]))
        comp[v] = sf_uf_load(&comp[sf_uf_load(&comp[v])]);
}

#endif
