/* Single-threaded WCC baseline (COST). */
#include "bench/baseline_wcc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PREFETCH_DISTANCE 16

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* parent[x] <= x always: a root is the smallest id of its tree, unions hang
 * the larger root under the smaller, and halving only moves x closer. */
static inline sf_vid find_root(sf_vid *parent, sf_vid x)
{
    while (parent[x] != x) {
        sf_vid gp = parent[parent[x]];
        parent[x] = gp;
        x = gp;
    }
    return x;
}

/* Links the trees of u and v; returns the root of the union. */
static inline sf_vid link(sf_vid *parent, sf_vid ru, sf_vid v)
{
    sf_vid rv = find_root(parent, v);
    if (rv < ru) {
        parent[ru] = rv;
        return rv;
    }
    if (ru < rv)
        parent[rv] = ru;
    return ru;
}

/* Every label from its parent in ascending order: the parent is smaller and
 * already final, so one pass flattens every tree. */
static void flatten(sf_vid *parent, sf_vid n)
{
    for (sf_vid v = 0; v < n; v++)
        parent[v] = parent[parent[v]];
}

static void wcc_union_find(const sf_graph *g, sf_vid *label)
{
    sf_vid n = g->num_vertices;
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    for (sf_vid v = 0; v < n; v++)
        label[v] = v;
    uint64_t m = g->num_arcs;
    for (sf_vid u = 0; u < n; u++) {
        sf_vid ru = find_root(label, u);
        sf_eid end = off[u + 1];
        for (sf_eid e = off[u]; e < end; e++) {
            sf_vid v = nbr[e];
            if (!g->directed && v >= u)
                break;
            if (e + PREFETCH_DISTANCE < m)
                __builtin_prefetch(&label[nbr[e + PREFETCH_DISTANCE]], 1, 3);
            ru = link(label, ru, v);
        }
    }
    flatten(label, n);
}

/* Afforest (Sutton et al. 2018) on one thread. */
#define SAMPLE_ROUNDS 2
#define SAMPLES 1024

static sf_vid most_frequent_root(sf_vid *parent, sf_vid n)
{
    sf_vid sample[SAMPLES];
    uint64_t state = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < SAMPLES; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        sample[i] = find_root(parent, (sf_vid)(state % n));
    }
    /* mode by insertion sort of 1024 values: cheap next to the graph */
    for (int i = 1; i < SAMPLES; i++) {
        sf_vid x = sample[i];
        int j = i;
        while (j > 0 && sample[j - 1] > x) {
            sample[j] = sample[j - 1];
            j--;
        }
        sample[j] = x;
    }
    sf_vid best = sample[0];
    int best_count = 0;
    for (int i = 0; i < SAMPLES;) {
        int j = i;
        while (j < SAMPLES && sample[j] == sample[i])
            j++;
        if (j - i > best_count) {
            best_count = j - i;
            best = sample[i];
        }
        i = j;
    }
    return best;
}

static void wcc_afforest(const sf_graph *g, sf_vid *label)
{
    sf_vid n = g->num_vertices;
    const sf_eid *off = g->out_offsets;
    const sf_vid *nbr = g->out_neighbors;
    for (sf_vid v = 0; v < n; v++)
        label[v] = v;
    for (int r = 0; r < SAMPLE_ROUNDS; r++) {
        for (sf_vid u = 0; u < n; u++) {
            sf_eid e = off[u] + (sf_eid)r;
            if (e < off[u + 1]) {
                if (u + PREFETCH_DISTANCE < n &&
                    off[u + PREFETCH_DISTANCE] + (sf_eid)r < off[u + PREFETCH_DISTANCE + 1])
                    __builtin_prefetch(&label[nbr[off[u + PREFETCH_DISTANCE] + (sf_eid)r]], 1, 3);
                link(label, find_root(label, u), nbr[e]);
            }
        }
    }
    flatten(label, n);
    sf_vid c = most_frequent_root(label, n);
    for (sf_vid u = 0; u < n; u++) {
        if (label[u] == c)
            continue;
        sf_vid ru = find_root(label, u);
        sf_eid end = off[u + 1];
        sf_eid e = off[u] + SAMPLE_ROUNDS;
        for (; e < end; e++)
            ru = link(label, ru, nbr[e]);
        if (g->directed) {
            /* arcs into u from the big component were skipped there */
            for (e = g->in_offsets[u]; e < g->in_offsets[u + 1]; e++)
                ru = link(label, ru, g->in_neighbors[e]);
        }
    }
    flatten(label, n);
}

int sf_baseline_wcc(const sf_graph *g, sf_vid *label, double *run_s)
{
    double t0 = now_s();
    if (g->num_vertices) {
        const char *s = getenv("SF_BASELINE_WCC");
        if (s && strcmp(s, "uf") == 0)
            wcc_union_find(g, label);
        else
            wcc_afforest(g, label);
    }
    if (run_s)
        *run_s = now_s() - t0;
    return 0;
}
